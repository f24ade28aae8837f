"""Writes a random 50-neuron plastic IFM network (exported to .ifm), its inputs and targets, the PyTorch reference
outputs and the autograd gradients of the MSE loss, for tests/Ifm.Training.Tests/PyTorchParityTests.cs.

    /usr/bin/python3 parity.py OUT_DIR [SEED]
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_ifm import export_reference  # noqa: E402
from ifm_reference import IfmReference  # noqa: E402

N, N_IN, N_OUT, P, T = 50, 6, 3, 0.2, 20


def main(out, seed):
    g = torch.Generator().manual_seed(seed)
    mask = IfmReference.reference_mask(N, N_IN, N_OUT, P, g)
    m = IfmReference(N, N_IN, N_OUT, mask, plastic=True, eta=0.3)
    with torch.no_grad():
        fan_in = mask.sum(dim=1, keepdim=True)
        bound = torch.sqrt(6.0 / (fan_in + 1)).double()
        m.weight.copy_((torch.rand(N, N, generator=g).double() * 2 - 1) * bound * 1.5)
        m.bias.copy_((torch.rand(N, generator=g).double() - 0.5) * 0.4)
        m.a.copy_(0.2 + 0.6 * torch.rand(N, generator=g).double())
        m.alpha.copy_((torch.rand(N, N, generator=g).double() * 2 - 1) * 0.8)
        # The file stores float32: round the parameters so both sides start from identical values.
        for p in m.parameters():
            p.copy_(p.float().double())
    x = (torch.rand(T, N_IN, generator=g).double() * 2 - 1).float().double()
    target = ((torch.rand(T, N_OUT, generator=g).double() * 2 - 1) * 0.8).float().double()
    os.makedirs(out, exist_ok=True)
    export_reference(m, os.path.join(out, "model.ifm"), name="parity")
    y = m(x)
    loss = ((y[:, N - N_OUT:] - target) ** 2).mean()
    loss.backward()
    edges = [(i, j) for i in range(N) for j in range(N) if mask[i, j] != 0]
    result = {
        "inputs": x.tolist(),
        "targets": target.tolist(),
        "outputs": y.detach().tolist(),
        "loss": float(loss),
        "grad_weight": [float(m.weight.grad[i, j]) for i, j in edges],
        "grad_alpha": [float(m.alpha.grad[i, j]) for i, j in edges],
        "grad_bias": m.bias.grad.tolist(),
        "grad_a": [0.0 if i < N_IN else float(m.a.grad[i]) for i in range(N)],
        "grad_eta": float(m.eta.grad),
        "torch": torch.__version__,
    }
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump(result, f)
    print(f"wrote {out}: {len(edges)} edges, loss {float(loss):.6f}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 7)
