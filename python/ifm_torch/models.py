"""Building models: a new random network (the reference wiring and initialisation of `ifm new` / `ifm train`), a model
from dense matrices, and the seed paper's PyTorch model (brcai/IFM_pong `ExplicitNeuralNetwork`)."""
import numpy as np
import torch

from .ifm_format import EdgeGroup, IfmModel, Population


def _labels(prefix, count):
    return [f"{prefix}{i}" for i in range(count)]


def random_network(neurons, inputs, outputs, connectivity=0.2, plastic=False, eta=0.1, wiring="reference", seed=1,
                   dt=0.001, name="trained", input_names=None, output_names=None):
    """IFM neurons ordered inputs, hidden, outputs. Reference wiring: inputs receive nothing, outputs only from hidden,
    hidden from inputs and other hidden neurons; uniform: every non-input neuron from any neuron. Each allowed edge is
    present with probability p; incoming weights of neuron i are uniform in +-sqrt(6/(fan_in+1)); biases 0; a = 0.5.
    (Same distribution as the C# factory, not the same random stream.)"""
    hidden = neurons - inputs - outputs
    if inputs < 1 or outputs < 1 or hidden < 1:
        raise ValueError(f"{neurons} neurons leave no hidden neuron after {inputs} inputs and {outputs} outputs")
    if not 0 < connectivity <= 1:
        raise ValueError(f"connectivity must be in (0, 1], got {connectivity}")
    rng = np.random.default_rng(seed)
    in_s, hid_s, out_s = 0, inputs, inputs + hidden
    pre, post, w = [], [], []
    for i in range(inputs, neurons):
        if wiring == "uniform":
            cand = np.arange(neurons)
        elif i < out_s:
            cand = np.array([j for j in range(in_s, out_s) if j != i])
        else:
            cand = np.arange(hid_s, out_s)
        chosen = cand[rng.random(len(cand)) < connectivity]
        bound = np.sqrt(6.0 / (len(chosen) + 1))
        pre += chosen.tolist()
        post += [i] * len(chosen)
        w += ((rng.random(len(chosen)) * 2 - 1) * bound).tolist()
    pops = [Population("in", "ifm", "input", inputs, 0, list(input_names or _labels("in", inputs)), params={"a": np.full(inputs, 0.5, np.float32)}),
            Population("hidden", "ifm", "hidden", hidden, hid_s, None, params={"a": np.full(hidden, 0.5, np.float32)}),
            Population("out", "ifm", "output", outputs, out_s, list(output_names or _labels("out", outputs)), params={"a": np.full(outputs, 0.5, np.float32)})]
    group = EdgeGroup("plastic", {"rule": "hebbian_trace", "eta": float(np.float32(eta)), "clip": True}) if plastic else EdgeGroup("static")
    e = len(pre)
    return IfmModel(name, float(dt), pops, [group], np.zeros(neurons, np.float32), np.array(pre, np.int32), np.array(post, np.int32),
                    np.array(w, np.float32), np.zeros(e, np.int32), np.zeros(e, np.float32)).sorted_csr()


def from_dense(weight, mask, bias, a, populations, alpha=None, eta=None, clip=True, name="pytorch", dt=0.001,
               input_names=None, output_names=None):
    """weight, mask, alpha: (N, N) with [i, j] = edge j -> i; bias, a: (N,). populations: (name, role, count) in
    neuron order, all IFM kind. alpha/eta given: every edge carries a Hebbian trace."""
    to = lambda t: np.asarray(t.detach().cpu().double() if torch.is_tensor(t) else t, np.float64)  # noqa: E731
    weight, mask, bias, a = to(weight), to(mask), to(bias), to(a)
    post, pre = np.nonzero(mask)          # row-major: CSR order
    pops, start = [], 0
    for pname, role, count in populations:
        labels = _labels(pname, count)
        if role == "input" and input_names:
            labels = list(input_names)
        if role == "output" and output_names:
            labels = list(output_names)
        pops.append(Population(pname, "ifm", role, count, start, labels, params={"a": a[start:start + count].astype(np.float32)}))
        start += count
    if start != weight.shape[0]:
        raise ValueError("populations must cover every neuron")
    plastic = alpha is not None
    group = EdgeGroup("plastic", {"rule": "hebbian_trace", "eta": float(eta), "clip": bool(clip)}) if plastic else EdgeGroup("static")
    al = to(alpha)[post, pre] if plastic else np.zeros(len(pre))
    return IfmModel(name, float(dt), pops, [group], bias.astype(np.float32), pre.astype(np.int32), post.astype(np.int32),
                    weight[post, pre].astype(np.float32), np.zeros(len(pre), np.int32), al.astype(np.float32))


def from_paper(m, name="ifm-pong"):
    """The paper's ExplicitNeuralNetwork (brcai/IFM_pong state_nn.py): neurons ordered inputs, outputs, hidden; neuron
    i has `weights` over `connections[i]`, `bias` and `state_decay.alpha` (the gain a)."""
    n = m.num_neurons
    weight, mask = np.zeros((n, n)), np.zeros((n, n))
    bias, a = np.zeros(n), np.zeros(n)
    for i, neuron in enumerate(m.neurons):
        for k, j in enumerate(m.connections[i]):
            weight[i, j] = float(neuron.weights[k])
            mask[i, j] = 1.0
        bias[i] = float(neuron.bias)
        a[i] = float(neuron.state_decay.alpha)
    hidden = n - m.num_inputs - m.num_outputs
    pops = [("in", "input", m.num_inputs), ("out", "output", m.num_outputs), ("hidden", "hidden", hidden)]
    return from_dense(weight, mask, bias, a, pops, name=name)


def from_reference(r, name="pytorch-reference"):
    """An ifm_torch.reference.IfmReference module (neurons ordered inputs, hidden, outputs)."""
    hidden = r.n - r.n_inputs - r.n_outputs
    pops = [("in", "input", r.n_inputs), ("hidden", "hidden", hidden), ("out", "output", r.n_outputs)]
    return from_dense(r.weight, r.mask, r.bias, r.a, pops, alpha=r.alpha * r.mask if r.plastic else None,
                      eta=float(r.eta) if r.plastic else None, clip=r.clip, name=name)
