"""Truncated-BPTT training with the options of `ifm train`, on one process or data-parallel with torch.distributed.

    python3 -m ifm_torch.train DATA... --out model.ifm [options]                       # one process
    torchrun --nproc_per_node=N -m ifm_torch.train DATA... --out model.ifm [options]    # N processes (gloo / NCCL)

Semantics follow runtime/Ifm.Training/Trainer.cs: targets aligned (--predict-ahead, --target-span), the end of every
file held out for validation, the training part cut into about --batch contiguous streams whose state carries from
window to window; every optimiser step runs the next window of every stream, and the gradient is the weighted mean
over all loss ticks of all streams, clipped by global norm, then Adam. With N processes the streams are dealt to the
ranks (stream i to rank i mod N, a fixed order), each rank sums its gradient and loss weights, and one all-reduce
adds them: the step is the same as one process running every stream (up to float rounding).
"""
import argparse
import io
import json
import math
import os
import re
import subprocess
import sys
import time

import numpy as np
import torch
import torch.distributed as dist

from .data import DataFormatError, load_sequence
from .ifm_format import IfmFormatError, atomic_write, read_ifm, write_ifm
from .models import random_network
from .network import IfmNetwork

LOGIT_GAIN = 3.0


class TrainOptions:
    """Defaults of `ifm train`."""

    def __init__(self, **kw):
        self.loss = "mse"
        self.loss_ticks = "every"
        self.window = 20
        self.batch = 16
        self.epochs = 10
        self.lr = 1e-3
        self.clip = 1.0
        self.validation = 0.1
        self.patience = 5
        self.warmup = 0
        self.seed = 1
        self.predict_ahead = 0
        self.target_span = 1
        self.ticks_per_row = 1
        self.class_weights = "none"
        for k, v in kw.items():
            if not hasattr(self, k):
                raise TypeError(f"unknown training option {k}")
            setattr(self, k, v)
        self.validate()

    def validate(self):
        checks = [(self.window >= 1, f"window must be at least 1 tick, got {self.window}"),
                  (self.batch >= 1, f"batch must be at least 1, got {self.batch}"),
                  (self.epochs >= 1, f"epochs must be at least 1, got {self.epochs}"),
                  (self.lr > 0 and math.isfinite(self.lr), f"learning rate must be positive, got {self.lr}"),
                  (self.clip >= 0, f"clip norm must be >= 0, got {self.clip}"),
                  (0 <= self.validation < 1, f"validation fraction must be in [0, 1), got {self.validation}"),
                  (self.patience >= 0, f"patience must be >= 0, got {self.patience}"),
                  (self.warmup >= 0, f"warm-up must be >= 0 ticks, got {self.warmup}"),
                  (self.target_span >= 1, f"target span must be at least 1 tick, got {self.target_span}"),
                  (self.ticks_per_row >= 1, f"ticks per row must be at least 1, got {self.ticks_per_row}"),
                  (self.predict_ahead >= 0, f"predict-ahead must be >= 0 ticks, got {self.predict_ahead}"),
                  (self.loss in ("mse", "ce"), f"loss must be mse or ce, got {self.loss}"),
                  (self.loss_ticks in ("every", "last"), f"loss ticks must be every or last, got {self.loss_ticks}")]
        for ok, msg in checks:
            if not ok:
                raise ValueError(msg)
        parse_class_weights(self.class_weights)


def parse_class_weights(text):
    t = str(text).strip().lower()
    if t in ("none", "balanced"):
        return t
    try:
        w = [float(x) for x in t.split(",")]
    except ValueError:
        raise ValueError(f"class weights: '{text}' is not none, balanced or comma-separated numbers") from None
    if any(not (x >= 0 and math.isfinite(x)) for x in w) or all(x == 0 for x in w):
        raise ValueError(f"class weights must be finite, >= 0 and not all 0, got {text}")
    return w


def resolve_class_weights(spec, sequences, classes):
    spec = parse_class_weights(spec)
    if spec == "none":
        return None
    if spec != "balanced":
        if len(spec) != classes:
            raise ValueError(f"{len(spec)} class weights for {classes} output channels")
        return np.array(spec, np.float64)
    mass = np.zeros(classes)
    for s in sequences:
        mass += s.targets.astype(np.float64).sum(axis=0)
    total = mass.sum()
    return np.array([0.0 if m <= 0 else total / (classes * m) for m in mass])


def weigh(loss, weights, targets):
    """Per tick: the loss weight and the target to score (ClassWeights.Weigh of the C# trainer), vectorised."""
    targets = targets.astype(np.float32)
    if weights is None:
        return np.ones(len(targets)), targets
    if loss == "mse":
        return weights[np.argmax(targets, axis=1)], targets
    mass = targets.astype(np.float64).sum(axis=1)
    wm = (targets * weights[None, :]).sum(axis=1)
    w = np.where((mass > 0) & (wm > 0), wm / np.where(mass > 0, mass, 1), 0.0)
    safe = np.where(w > 0, w, 1.0)
    weighted = np.where(w[:, None] > 0, weights[None, :] * targets / safe[:, None], targets).astype(np.float32)
    return w, weighted


def tick_losses(kind, y, target):
    """Per-tick loss (T, B) of outputs y (T, B, O) against targets."""
    if kind == "mse":
        return ((y - target) ** 2).mean(dim=-1)
    logp = torch.log_softmax(LOGIT_GAIN * y, dim=-1)
    return -(target * logp).sum(dim=-1)


class Stream:
    """A contiguous piece of a training sequence: inputs, per-tick loss weight (0: no loss) and scored target."""

    def __init__(self, seq, offset, o, class_weights):
        self.seq, self.offset = seq, offset
        w, tgt = weigh(o.loss, class_weights, seq.targets)
        tick = offset + np.arange(seq.ticks)
        base = (tick >= o.warmup) & (tick % o.ticks_per_row == o.ticks_per_row - 1)
        self.weight = np.where(base, w, 0.0)
        self.base = base
        self.target = tgt

    def window_weights(self, start, length, o):
        w = self.weight[start:start + length].copy()
        if o.loss_ticks == "last":
            keep = np.zeros(length, bool)
            keep[-1] = True
            w = np.where(keep, w, 0.0)
        return w


def align(seq, o):
    return seq.shift_targets(o.predict_ahead).average_targets(o.target_span)


def split(data, o):
    train, val = [], []
    for s in data:
        v = int(math.floor(s.ticks * o.validation))
        if v * o.ticks_per_row < o.window:
            v = 0
        if s.ticks - v < 1:
            raise DataFormatError(f"{s.source}: too few ticks ({s.ticks}) to train on")
        train.append(s if v == 0 else s.slice(0, s.ticks - v))
        if v > 0:
            val.append(s.slice(s.ticks - v, v, s.source + " (validation)"))
    return train, val


def make_streams(train, o, class_weights):
    total = sum(s.ticks for s in train)
    length = max(o.window, total // o.batch)
    streams = []
    for s in train:
        pieces = max(1, s.ticks // length)
        for i in range(pieces):
            start = i * length
            end = s.ticks if i == pieces - 1 else start + length
            streams.append(Stream(s if pieces == 1 else s.slice(start, end - start), start, o, class_weights))
    return streams


def _batch_window(streams, step, w, o, dtype):
    """One window of every stream, zero-padded: inputs (w, B, I), scored targets (w, B, O), loss weights (w, B),
    recorded targets (w, B, O), loss-tick mask (w, B) and the longest window length."""
    b = len(streams)
    i_w = streams[0].seq.inputs.shape[1]
    o_w = streams[0].target.shape[1]
    x = np.zeros((w, b, i_w), np.float32)
    tg = np.zeros((w, b, o_w), np.float32)
    raw = np.zeros((w, b, o_w), np.float32)
    wt = np.zeros((w, b), np.float64)
    base = np.zeros((w, b), bool)
    length = 0
    for j, s in enumerate(streams):
        start = step * w
        if start >= s.seq.ticks:
            continue
        n = min(w, s.seq.ticks - start)
        length = max(length, n)
        x[:n, j] = s.seq.inputs[start:start + n]
        tg[:n, j] = s.target[start:start + n]
        raw[:n, j] = s.seq.targets[start:start + n]
        wt[:n, j] = s.window_weights(start, n, o)
        m = s.base[start:start + n].copy()
        if o.loss_ticks == "last":
            m[:-1] = False
        base[:n, j] = m
    L = length
    return (torch.from_numpy(x[:L]).to(dtype), torch.from_numpy(tg[:L]).to(dtype), torch.from_numpy(wt[:L]),
            torch.from_numpy(raw[:L]), torch.from_numpy(base[:L]), L)


def evaluate(net, sequences, o, class_weights, world=1, rank=0):
    """Weighted mean loss and action accuracy on whole sequences, each from a fresh state (Trainer.Evaluate)."""
    mine = [s for i, s in enumerate(sequences) if i % world == rank]
    sums = torch.zeros(4, dtype=torch.float64)
    if mine:
        streams = [Stream(s, 0, o, class_weights) for s in mine]
        w = o.window
        steps = max((s.seq.ticks + w - 1) // w for s in streams)
        state = None
        with torch.no_grad():
            for step in range(steps):
                x, tg, wt, raw, base, length = _batch_window(streams, step, w, o, net.weight.dtype)
                y, state = net(x.to(net.weight.device), state)
                y = y[:, :, net.output_index].cpu()
                lt = tick_losses(o.loss, y.double(), tg.double())
                sums[0] += (wt * lt).sum()
                sums[1] += wt.sum()
                sums[2] += ((y.argmax(-1) == raw.argmax(-1)) & base).sum()
                sums[3] += base.sum()
    if world > 1:
        _collective(dist.all_reduce, sums)
    if sums[3] == 0:
        return math.nan, math.nan
    return (float(sums[0] / sums[1]) if sums[1] > 0 else 0.0), float(sums[2] / sums[3])


class Trainer:
    """Trains an IfmNetwork in place; one instance per process (rank)."""

    def __init__(self, net, options, world=1, rank=0, log=None, checkpoint=None):
        self.net, self.o, self.world, self.rank = net, options, world, rank
        self.log = log or (lambda msg: None)
        self.checkpoint = checkpoint

    def train(self, data, select=None, resume=False):
        o, net = self.o, self.net
        n_in, n_out = net.n_inputs, net.n_outputs
        for s in data:
            if s.inputs.shape[1] != n_in:
                raise DataFormatError(f"{s.source}: {s.inputs.shape[1]} input values per tick, the model has {n_in} input channels")
            if s.targets.shape[1] != n_out:
                raise DataFormatError(f"{s.source}: {s.targets.shape[1]} target values per tick, the model has {n_out} output channels")
        shifted = [align(s, o) for s in data]
        train_rows, val_rows = split(shifted, o)
        cw = resolve_class_weights(o.class_weights, train_rows, n_out)
        train = [s.repeat_rows(o.ticks_per_row) for s in train_rows]
        validation = [s.repeat_rows(o.ticks_per_row) for s in val_rows]
        streams = make_streams(train, o, cw)
        mine = [s for i, s in enumerate(streams) if i % self.world == self.rank]
        w = o.window
        steps_per_epoch = max((s.seq.ticks + w - 1) // w for s in streams)
        params = [net.weight, net.bias, net.a, net.alpha, net.eta]
        adam = torch.optim.Adam(params, lr=o.lr, betas=(0.9, 0.999), eps=1e-8)
        best = [p.detach().clone() for p in params]
        best_monitored, best_loss, best_epoch, best_acc, best_score = math.inf, math.inf, 0, None, None
        first_epoch, steps, train_loss, val_loss, val_acc, stopped = 1, 0, math.nan, None, None, False
        if resume and self.checkpoint and os.path.exists(self.checkpoint):
            ck = torch.load(self.checkpoint, map_location=net.weight.device)
            with torch.no_grad():
                for p, v in zip(params, ck["params"]):
                    p.copy_(v)
            adam.load_state_dict(ck["adam"])
            best = ck["best"]
            best_monitored, best_loss, best_epoch, best_acc, best_score = ck["best_meta"]
            first_epoch, steps = ck["epoch"] + 1, ck["steps"]
            self.log(f"resumed from {self.checkpoint} after epoch {ck['epoch']}")
        clock = time.perf_counter()
        epoch = first_epoch - 1
        samples = 0
        for epoch in range(first_epoch, o.epochs + 1):
            state = None
            epoch_loss = epoch_terms = 0.0
            for step in range(steps_per_epoch):
                for p in params:
                    p.grad = torch.zeros_like(p)
                loss_sum = torch.zeros((), dtype=torch.float64)
                terms_local = 0.0
                if mine:
                    x, tg, wt, _, _, length = _batch_window(mine, step, w, o, net.weight.dtype)
                    if length > 0:
                        dev = net.weight.device
                        y, state = net(x.to(dev), state)
                        y = y[:, :, net.output_index]
                        lt = tick_losses(o.loss, y, tg.to(dev))
                        wt_d = wt.to(dev, lt.dtype)
                        total = (wt_d * lt).sum()
                        total.backward()
                        state = net.detach_state(state)
                        loss_sum = total.detach().double().cpu()
                        terms_local = float(wt.sum())
                        samples += int((wt > 0).sum())
                flat = torch.cat([p.grad.reshape(-1).double().cpu() for p in params] + [loss_sum.reshape(1), torch.tensor([terms_local], dtype=torch.float64)])
                if self.world > 1:
                    _collective(dist.all_reduce, flat)
                terms = float(flat[-1])
                if terms == 0:
                    continue
                g = flat[:-2] / terms
                off = 0
                for p in params:
                    k = p.numel()
                    p.grad.copy_(g[off:off + k].view_as(p).to(p.dtype))
                    off += k
                net.mask_gradients()
                if o.clip > 0:
                    torch.nn.utils.clip_grad_norm_(params, o.clip)
                adam.step()
                net.project()
                steps += 1
                epoch_loss += float(flat[-2])
                epoch_terms += terms
            train_loss = epoch_loss / max(1e-12, epoch_terms)
            if not math.isfinite(train_loss):
                raise RuntimeError(f"training diverged in epoch {epoch} (loss {train_loss}); try a smaller learning rate")
            if validation:
                val_loss, val_acc = evaluate(net, validation, o, cw, self.world, self.rank)
            score = select(net) if select else None
            monitored = -score if score is not None else (val_loss if val_loss is not None else train_loss)
            if monitored < best_monitored:
                best_monitored, best_loss, best_epoch, best_acc, best_score = monitored, (val_loss if val_loss is not None else train_loss), epoch, val_acc, score
                best = [p.detach().clone() for p in params]
            self.log(f"epoch {epoch}/{o.epochs}: train loss {train_loss:.5f}" + (f", validation loss {val_loss:.5f}, accuracy {val_acc * 100:.1f} %" if val_loss is not None else "")
                     + (f", selection score {score:.4f}" if score is not None else "") + f" ({time.perf_counter() - clock:.1f} s)")
            if self.checkpoint and self.rank == 0:
                buf = io.BytesIO()
                torch.save({"epoch": epoch, "steps": steps, "params": [p.detach().clone() for p in params], "adam": adam.state_dict(), "best": best,
                            "best_meta": (best_monitored, best_loss, best_epoch, best_acc, best_score)}, buf)
                atomic_write(self.checkpoint, buf.getvalue())
            if o.patience > 0 and (validation or select) and epoch - best_epoch >= o.patience:
                stopped = True
                break
        with torch.no_grad():
            for p, v in zip(params, best):
                p.copy_(v)
        elapsed = time.perf_counter() - clock
        return {"epochs_run": epoch, "best_epoch": best_epoch, "train_loss": train_loss, "validation_loss": best_loss if validation else None,
                "validation_accuracy": best_acc, "stopped_early": stopped, "elapsed": elapsed, "steps": steps, "selection_score": best_score,
                "samples": samples}


def pong_selection(ifm_command, ticks_per_row, work_dir):
    """--select pong: the closed-loop Pong hit rate of `ifm eval pong` over 5 games of 4,000 ticks, seeds 1000-1004
    (the games `ifm train --select pong` scores)."""
    def score(net):
        path = os.path.join(work_dir, ".select-pong.ifm")
        write_ifm(net.to_model(), path)
        out = subprocess.run(ifm_command + ["eval", "pong", path, "--games", "5", "--ticks", "4000", "--seed", "1000",
                                            "--ticks-per-period", str(ticks_per_row)], capture_output=True, text=True, timeout=600)
        if out.returncode != 0:
            raise RuntimeError(f"ifm eval pong failed: {out.stderr.strip()}")
        m = re.search(r"^model \S+\s+(\d+)\s+(\d+)", out.stdout, re.M)
        hits, misses = int(m.group(1)), int(m.group(2))
        return hits / (hits + misses) if hits + misses else 0.0
    return score


def build_parser():
    p = argparse.ArgumentParser(prog="python3 -m ifm_torch.train", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data", nargs="+", help="tick files: 'inputs<TAB>targets' per line, or CSV with a header (then --inputs/--targets)")
    p.add_argument("--out", "-o", required=True, help="where rank 0 writes the trained .ifm (atomically)")
    p.add_argument("--init", help="fine-tune this .ifm model instead of a new random network")
    p.add_argument("--inputs", help="comma-separated input column / channel names")
    p.add_argument("--targets", help="comma-separated target column / channel names")
    p.add_argument("--neurons", type=int, default=300)
    p.add_argument("--connectivity", type=float, default=0.2)
    p.add_argument("--wiring", choices=("reference", "uniform"), default="reference")
    p.add_argument("--plastic", action="store_true", help="every edge under a differentiable Hebbian trace (alpha, eta learned)")
    p.add_argument("--eta", type=float, default=0.1)
    p.add_argument("--loss", choices=("mse", "ce"), default="mse")
    p.add_argument("--loss-ticks", choices=("every", "last"), default="every")
    p.add_argument("--window", type=int, default=20)
    p.add_argument("--batch", type=int, default=16, help="streams per optimiser step, over all processes")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--clip", type=float, default=1.0)
    p.add_argument("--validation", type=float, default=0.1)
    p.add_argument("--patience", type=int, default=5)
    p.add_argument("--warmup", type=int, default=0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--predict-ahead", type=int, default=0)
    p.add_argument("--target-span", type=int, default=1)
    p.add_argument("--ticks-per-row", type=int, default=1)
    p.add_argument("--class-weights", default="none")
    p.add_argument("--select", choices=("loss", "pong"), default="loss")
    p.add_argument("--ifm", default="ifm", help="the ifm command for --select pong (e.g. 'dotnet path/ifm.dll')")
    p.add_argument("--dt", type=float, default=0.001)
    p.add_argument("--checkpoint", help="training checkpoint written by rank 0 after every epoch (atomically)")
    p.add_argument("--resume", action="store_true", help="continue from --checkpoint if it exists")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p.add_argument("--threads", type=int, default=0, help="torch threads per process (0: torch's default)")
    p.add_argument("--dtype", choices=("float32", "float64"), default="float32",
                   help="the network's and Adam's arithmetic (the runtime runs float32; the written model is float32)")
    p.add_argument("--stats", help="write a JSON summary (timings, samples/s) here")
    return p


def main(argv=None):
    a = build_parser().parse_args(argv)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    use_cuda = a.device == "cuda" or (a.device == "auto" and torch.cuda.is_available())
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}" if use_cuda else "cpu")
    if use_cuda:
        torch.cuda.set_device(device)
    if world > 1:
        dist.init_process_group("nccl" if use_cuda else "gloo")
    log = (lambda msg: print(msg, flush=True)) if rank == 0 else (lambda msg: None)
    try:
        names_in = [s.strip() for s in a.inputs.split(",") if s.strip()] if a.inputs else None
        names_out = [s.strip() for s in a.targets.split(",") if s.strip()] if a.targets else None
        seqs = [load_sequence(f, names_in, names_out) for f in a.data]
        first = seqs[0]
        for s in seqs:
            if s.inputs.shape[1] != first.inputs.shape[1] or s.targets.shape[1] != first.targets.shape[1]:
                raise DataFormatError(f"{s.source}: {s.inputs.shape[1]} inputs and {s.targets.shape[1]} targets per tick, but {first.source} has "
                                      f"{first.inputs.shape[1]} and {first.targets.shape[1]}")
        o = TrainOptions(loss=a.loss, loss_ticks=a.loss_ticks, window=a.window, batch=a.batch, epochs=a.epochs, lr=a.lr, clip=a.clip,
                         validation=a.validation, patience=a.patience, warmup=a.warmup, seed=a.seed, predict_ahead=a.predict_ahead,
                         target_span=a.target_span, ticks_per_row=a.ticks_per_row, class_weights=a.class_weights)
        name = os.path.splitext(os.path.basename(a.out))[0]
        if a.init:
            model = read_ifm(a.init)
        else:
            model = random_network(a.neurons, first.inputs.shape[1], first.targets.shape[1], a.connectivity, a.plastic, a.eta, a.wiring,
                                   a.seed, a.dt, name, names_in, names_out)
        net = IfmNetwork(model, dtype=torch.float64 if a.dtype == "float64" else torch.float32).to(device)
        log(f"training {model.neurons:,} neurons, {model.edges:,} edges{' (plastic)' if model.plastic else ''} on {len(seqs)} file(s), "
            f"{sum(s.ticks for s in seqs):,} ticks, {world} process(es) ({'nccl' if use_cuda else 'gloo' if world > 1 else 'single'}, {device})")
        select = None
        if a.select == "pong":
            if first.inputs.shape[1] != 24 or first.targets.shape[1] != 3:
                raise ValueError("--select pong needs Pong data (24 inputs, 3 targets per tick)")
            sel = pong_selection(a.ifm.split(), a.ticks_per_row, os.path.dirname(os.path.abspath(a.out)))
            select = (lambda n: _broadcast_score(sel(n) if rank == 0 else 0.0, world)) if world > 1 else sel
        result = Trainer(net, o, world, rank, log, a.checkpoint).train(seqs, select, a.resume)
        samples = torch.tensor([result["samples"]], dtype=torch.float64)
        if world > 1:
            _collective(dist.all_reduce, samples)
        if rank == 0:
            meta = {"training.command": "python3 -m ifm_torch.train " + " ".join(sys.argv[1:] if argv is None else argv),
                    "training.data": ", ".join(os.path.basename(s.source) for s in seqs),
                    "training.seed": str(o.seed), "training.predict-ahead": str(o.predict_ahead), "training.target-span": str(o.target_span),
                    "training.ticks-per-row": str(o.ticks_per_row), "training.select": a.select, "training.class-weights": str(a.class_weights),
                    "training.processes": str(world),
                    "training.epochs": f"{result['epochs_run']} (best {result['best_epoch']})",
                    "training.loss": f"{o.loss} train {result['train_loss']:.5g}" + (f", validation {result['validation_loss']:.5g}" if result["validation_loss"] is not None else "")}
            size = write_ifm(net.to_model(meta, name), a.out, exported_by="ifm_torch.train")
            rate = float(samples[0]) / result["elapsed"] if result["elapsed"] > 0 else math.nan
            log(f"trained {result['epochs_run']} epochs ({result['steps']:,} steps) in {result['elapsed']:.1f} s"
                f"{', stopped early' if result['stopped_early'] else ''}; best epoch {result['best_epoch']}; {rate:,.0f} samples/s (loss ticks)")
            vl = result["validation_loss"]
            log(f"train loss {result['train_loss']:.5f}" + (f", validation loss {vl:.5f}, validation accuracy {result['validation_accuracy'] * 100:.1f} %" if vl is not None else "")
                + (f", selection score {result['selection_score']:.4f}" if result["selection_score"] is not None else ""))
            log(f"wrote {a.out} ({size:,} bytes)")
            if a.stats:
                with open(a.stats, "w") as f:
                    json.dump(dict(result, samples_per_s=rate, processes=world, total_samples=float(samples[0])), f)
        return 0
    except (IfmFormatError, DataFormatError, ValueError, FileNotFoundError) as e:
        print(f"ifm_torch.train: {e}", file=sys.stderr)
        return 1
    finally:
        if world > 1 and dist.is_initialized():
            dist.destroy_process_group()


def _broadcast_score(value, world):
    t = torch.tensor([value], dtype=torch.float64)
    _collective(dist.broadcast, t, 0)
    return float(t[0])


def _collective(op, t, *args):
    """Runs a collective on t in place; NCCL needs the tensor on this rank's GPU."""
    if dist.get_backend() == "nccl":
        g = t.to(f"cuda:{torch.cuda.current_device()}")
        op(g, *args)
        t.copy_(g.cpu())
    else:
        op(t, *args)
    return t


if __name__ == "__main__":
    sys.exit(main())
