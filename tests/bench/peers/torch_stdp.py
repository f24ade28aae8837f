"""The spiking STDP benchmark (network.py) as a clock-driven PyTorch simulation, dense or sparse.

    python3 torch_stdp.py NET_DIR --layout dense|sparse [--stdp on|off] [--seconds 1] [--threads 1]

Same equations as IFM Edge (FORMAT.md sections 5 and 6), every step a full matrix-vector product (dense N x N, or
per-edge gather and index_add: Debian's torch 1.13 lacks MKL for sparse CSR products) and, with STDP, the update over every synapse (dense: masked outer products;
sparse: per-edge vectors). Prints one JSON line: CPU seconds (time.process_time) per simulated second and the mean firing rate.
"""
import argparse
import json
import os
import time

import numpy as np
import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("net")
    ap.add_argument("--layout", default="sparse", choices=["dense", "sparse"])
    ap.add_argument("--stdp", default="on", choices=["on", "off"])
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    d = np.load(os.path.join(a.net, "net.npz"))
    n = len(d["bias"])
    dt, tau = float(d["dt"]), float(d["tau"])
    k = dt / tau
    steps = int(round(a.seconds / dt))
    bias = torch.tensor(d["bias"])
    pre = torch.tensor(d["pre"], dtype=torch.long)
    post = torch.tensor(d["post"], dtype=torch.long)
    w = torch.tensor(d["w"])
    dp, dm = float(np.exp(-dt / float(d["tau_plus"]))), float(np.exp(-dt / float(d["tau_minus"])))
    ap_, am_, lo, hi = float(d["a_plus"]), float(d["a_minus"]), float(d["w_min"]), float(d["w_max"])
    if a.layout == "dense":
        wm = torch.zeros(n, n)
        wm[post, pre] = w
        mask = torch.zeros(n, n)
        mask[post, pre] = 1
    else:
        order = torch.argsort(post * n + pre)
        pre, post, w = pre[order], post[order], w[order].clone()
        wm = None  # per-edge vectors: syn = index_add over the edges (Debian's torch has no MKL for sparse CSR mv)
    v = torch.zeros(n)
    y = torch.zeros(n)
    x = torch.zeros(n)
    z = torch.zeros(n)
    spikes = 0
    with torch.no_grad():
        t0 = time.process_time()
        for _ in range(steps):
            syn = wm @ y if a.layout == "dense" else torch.zeros(n).index_add_(0, post, w * y[pre])
            v = v + k * (-v + syn + bias)
            y = (v > 1.0).float()
            v = torch.where(y > 0, torch.zeros_like(v), v)
            if a.stdp == "on":
                x.mul_(dp)
                z.mul_(dm)
                if a.layout == "dense":
                    wm.add_(mask * (ap_ * torch.outer(y, x) - am_ * torch.outer(z, y))).clamp_(lo, hi)
                else:
                    w.add_(ap_ * y[post] * x[pre] - am_ * y[pre] * z[post]).clamp_(lo, hi)
                x.add_(y)
                z.add_(y)
            spikes += int(y.sum())
        elapsed = time.process_time() - t0
    print(json.dumps({"contender": f"pytorch {torch.__version__} {a.layout}", "stdp": a.stdp,
                      "seconds_per_sim_second": elapsed / a.seconds, "rate_hz": spikes / (n * a.seconds)}))


if __name__ == "__main__":
    main()
