"""The spiking STDP benchmark network, written once for every contender.

N LIF neurons (tau 20 ms, threshold 1, reset 0, R 1), each driven by a constant bias that alone would make it fire
at about RATE Hz (drives spread +-10 %), E distinct random synapses (no self-synapses) with weights uniform in
[-W0, W0], pair-based STDP (tau+- 20 ms, A+ 0.05, A- 0.0525, weights clipped to +-10), dt 0.1 ms.

    python3 network.py OUT_DIR [--neurons 1000] [--synapses 100000] [--seed 1] [--stdp on|off]

writes OUT_DIR/net.npz (the arrays, read by the Brian2 and PyTorch scripts) and OUT_DIR/net.ifm (IFM Edge;
layout: runtime/Ifm.Runtime/Format/FORMAT.md, section 7).
"""
import argparse
import json
import os
import struct

import numpy as np

TAU, DT, RATE, W0 = 0.02, 1e-4, 25.0, 20.0
STDP = dict(tau_plus=0.02, tau_minus=0.02, a_plus=0.05, a_minus=0.0525, w_min=-10.0, w_max=10.0)


def make(n, e, seed):
    rng = np.random.default_rng(seed)
    i0 = 1.0 / (1.0 - np.exp(-1.0 / (RATE * TAU)))
    bias = (i0 * rng.uniform(0.9, 1.1, n)).astype(np.float32)
    keys = set()
    pre, post = [], []
    while len(keys) < e:
        p = rng.integers(0, n, 2 * e)
        q = rng.integers(0, n, 2 * e)
        for a, b in zip(p.tolist(), q.tolist()):
            if a != b and (a, b) not in keys:
                keys.add((a, b))
                pre.append(a)
                post.append(b)
                if len(keys) == e:
                    break
    pre = np.array(pre, np.int32)
    post = np.array(post, np.int32)
    order = np.lexsort((pre, post))  # CSR by post, then pre (the runtime's order; any order is accepted)
    pre, post = pre[order], post[order]
    w = rng.uniform(-W0, W0, e).astype(np.float32)
    return bias, pre, post, w


def write_ifm(path, n, bias, pre, post, w, stdp):
    pops = [("in", "input", 1), ("lif", "hidden", n - 2), ("out", "output", 1)]
    graph = {"name": "stdp-bench", "dt": DT, "neurons": n, "edges": int(len(w)),
             "populations": [{"name": a, "kind": "lif", "role": r, "count": c, "reset": "to_reset", "refractory_ticks": 0}
                             for a, r, c in pops],
             "edge_groups": [{"name": "stdp", "plasticity": dict(rule="stdp", **STDP)}] if stdp else [{"name": "default"}]}
    tensors = {"neurons.bias": bias}
    for a, _, c in pops:
        tensors[f"populations.{a}.tau"] = np.full(c, TAU, np.float32)
        tensors[f"populations.{a}.v_threshold"] = np.ones(c, np.float32)
        tensors[f"populations.{a}.v_reset"] = np.zeros(c, np.float32)
        tensors[f"populations.{a}.v_leak"] = np.zeros(c, np.float32)
        tensors[f"populations.{a}.resistance"] = np.ones(c, np.float32)
    tensors.update({"edges.pre": pre, "edges.post": post, "edges.weight": w, "edges.group": np.zeros(len(w), np.int32)})
    header = {"__metadata__": {"format": "ifm", "ifm.version": "2" if stdp else "1", "ifm.graph": json.dumps(graph)}}
    blobs, off = [], 0
    for name, arr in tensors.items():
        b = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": "F32" if arr.dtype == np.float32 else "I32", "shape": [len(arr)], "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--neurons", type=int, default=1000)
    ap.add_argument("--synapses", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    bias, pre, post, w = make(a.neurons, a.synapses, a.seed)
    np.savez(os.path.join(a.out, "net.npz"), bias=bias, pre=pre, post=post, w=w, tau=TAU, dt=DT, **STDP)
    write_ifm(os.path.join(a.out, "stdp.ifm"), a.neurons, bias, pre, post, w, True)
    write_ifm(os.path.join(a.out, "static.ifm"), a.neurons, bias, pre, post, w, False)


if __name__ == "__main__":
    main()
