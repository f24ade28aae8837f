"""Parity fixtures for the runtime's tests (tests/Ifm.Training.Tests/PyTorchParityTests.cs).

    /usr/bin/python3 -m ifm_torch.parity forward OUT_DIR [TICKS]     # one model per neuron kind and plasticity rule
    /usr/bin/python3 -m ifm_torch.parity gradients OUT_DIR           # autograd gradients of one TBPTT window

forward: for every case writes CASE.ifm, CASE.inputs.f32 (ticks x inputs), CASE.modulator.f32 (ticks),
CASE.errors.f32 (ticks x outputs), CASE.expected.f64 (ticks x neurons: every neuron's output after every tick, by
IfmNetwork in float64) and CASE.frozen.f64 (the same with every rule off, to show the rule matters); cases.json lists them.
gradients: for every case writes CASE.ifm and CASE.json (inputs, targets, outputs, MSE loss, dL/dtheta in the C#
trainer's layout: weight, bias, a, alpha, eta) for a window of 20 ticks from a fresh state.
"""
import json
import os
import sys

import numpy as np
import torch

from .ifm_format import KIND_TENSORS, SPIKING, EdgeGroup, IfmModel, Population, write_ifm
from .network import IfmNetwork

GAIN = 0.6            # weights scaled so the 1,000-tick runs are not chaotic (float32 rounding must not grow)
NEUROMOD_ALPHA = 0.15  # H of the neuromodulated rule integrates without decay


def _model(rng, pops, groups, name, dt=0.001, p=0.25, gain=GAIN, group_of=None, alpha_scale=0.8, wiring="reference", timing="synchronous"):
    """pops: list of (name, kind, role, count, extra dict); random edges (reference-like wiring), weights scaled by gain."""
    populations, start = [], 0
    for pname, kind, role, count, extra in pops:
        params = {}
        if kind == "ifm":
            params["a"] = (0.2 + 0.6 * rng.random(count)).astype(np.float32)
        elif kind == "leaky":
            params["tau"] = (0.002 + 0.02 * rng.random(count)).astype(np.float32)
        else:
            # NIR kinds: the parameters their kind has; kinds without leak get a larger R (dt*R: if 0.05-0.1,
            # integrator 0.005-0.01, so integrators drift slowly).
            draw = {"tau": lambda: 0.002 + 0.008 * rng.random(count), "v_threshold": lambda: 0.8 + 0.4 * rng.random(count),
                    "v_reset": lambda: -0.2 * rng.random(count), "v_leak": lambda: 0.1 * rng.random(count) - 0.05,
                    "resistance": lambda: {"if": 50.0, "integrator": 5.0}.get(kind, 1.0) * (1.0 + rng.random(count)),
                    "tau_syn": lambda: 0.002 + 0.008 * rng.random(count), "w_in": lambda: 0.5 + rng.random(count)}
            order = ("tau", "v_threshold", "v_reset", "v_leak", "resistance", "tau_syn", "w_in")
            for tn in order:
                if tn in KIND_TENSORS[kind]:
                    params[tn] = draw[tn]().astype(np.float32)
        pop = Population(pname, kind, role, count, start, [f"{pname}{i}" for i in range(count)] if role != "hidden" else None, params=params)
        for k, v in (extra or {}).items():
            setattr(pop, k, v)
        populations.append(pop)
        start += count
    n = start
    role = np.array([p.role for p in populations for _ in range(p.count)])
    pre, post = [], []
    for i in range(n):
        if role[i] == "input":
            continue
        for j in range(n):
            ok = (j != i and role[j] != "output") if role[i] == "hidden" else role[j] == "hidden"
            if wiring == "all":
                ok = role[i] != "input"
            if ok and rng.random() < p:
                pre.append(j)
                post.append(i)
    pre, post = np.array(pre, np.int32), np.array(post, np.int32)
    fan = np.bincount(post, minlength=n)
    bound = np.sqrt(6.0 / (fan[post] + 1))
    weight = ((rng.random(len(pre)) * 2 - 1) * bound * gain).astype(np.float32)
    group = np.zeros(len(pre), np.int32) if group_of is None else group_of(pre, post, role).astype(np.int32)
    alpha = ((rng.random(len(pre)) * 2 - 1) * alpha_scale).astype(np.float32)
    bias = ((rng.random(n) - 0.5) * 0.4).astype(np.float32)
    return IfmModel(name, dt, populations, groups, bias, pre, post, weight, group, alpha, timing=timing).sorted_csr()


def _io(model):
    return [("in", "ifm", "input", 6, None), ("hidden", "ifm", "hidden", 34, None), ("out", "ifm", "output", 3, None)]


def cases(seed=11):
    rng = np.random.default_rng(seed)
    static = EdgeGroup("static")
    c = {}
    c["ifm_static"] = _model(rng, _io(None), [static], "ifm_static")
    c["ifm_hebbian"] = _model(rng, _io(None), [EdgeGroup("fast", {"rule": "hebbian_trace", "eta": 0.3, "clip": True, "w_min": -1.5, "w_max": 1.5})],
                              "ifm_hebbian")
    c["ifm_hebbian_noclip_mixed"] = _model(rng, _io(None), [static, EdgeGroup("fast", {"rule": "hebbian_trace", "eta": 0.2, "clip": False})],
                                           "ifm_hebbian_noclip_mixed", group_of=lambda pre, post, role: (pre + post) % 2)
    leaky = [("in", "leaky", "input", 4, {"activation": "identity"}), ("h_tanh", "leaky", "hidden", 10, {"activation": "tanh"}),
             ("h_sig", "leaky", "hidden", 10, {"activation": "sigmoid"}), ("h_relu", "leaky", "hidden", 10, {"activation": "relu"}),
             ("h_ifm", "ifm", "hidden", 6, None), ("out", "leaky", "output", 3, {"activation": "tanh"})]
    c["leaky"] = _model(rng, leaky, [static], "leaky", gain=1.0)
    lif = [("in", "lif", "input", 6, {"reset": "to_reset", "refractory_ticks": 0}),
           ("h_reset", "lif", "hidden", 15, {"reset": "to_reset", "refractory_ticks": 2}),
           ("h_sub", "lif", "hidden", 15, {"reset": "subtract", "refractory_ticks": 0}),
           ("out", "lif", "output", 3, {"reset": "to_reset", "refractory_ticks": 1})]
    c["lif"] = _model(rng, lif, [static], "lif", gain=3.0)
    c["lif_stdp"] = _model(rng, lif, [EdgeGroup("stdp", {"rule": "stdp", "tau_plus": 0.02, "tau_minus": 0.03, "a_plus": 0.05, "a_minus": 0.04,
                                                        "w_min": -3.0, "w_max": 3.0})], "lif_stdp", gain=3.0)
    c["ifm_neuromod_input"] = _model(rng, _io(None), [EdgeGroup("mod", {"rule": "neuromodulated", "eta": 0.2, "modulator": {"source": "input", "name": "in5"}})],
                                     "ifm_neuromod_input", alpha_scale=NEUROMOD_ALPHA)
    c["ifm_neuromod_neuron"] = _model(rng, _io(None), [static, EdgeGroup("mod", {"rule": "neuromodulated", "eta": 0.3, "modulator": {"source": "neuron", "name": "out0"},
                                                                              "w_min": -2.0, "w_max": 2.0})],
                                      "ifm_neuromod_neuron", group_of=lambda pre, post, role: (pre % 3 != 0).astype(np.int32), alpha_scale=NEUROMOD_ALPHA)
    c["ifm_neuromod_external"] = _model(rng, _io(None), [EdgeGroup("mod", {"rule": "neuromodulated", "eta": 0.25, "modulator": {"source": "external"}})],
                                        "ifm_neuromod_external", alpha_scale=NEUROMOD_ALPHA)
    c["ifm_oja"] = _model(rng, _io(None), [EdgeGroup("oja", {"rule": "oja", "eta": 0.02, "w_min": -2.0, "w_max": 2.0})], "ifm_oja")
    c["ifm_pes"] = _model(rng, _io(None), [static, EdgeGroup("pes", {"rule": "pes", "kappa": 0.01, "w_min": -2.5, "w_max": 2.5})], "ifm_pes",
                          group_of=lambda pre, post, role: (role[post] == "output").astype(np.int32))
    c["nir"] = _calm(_model(rng, _nir(), [static], "nir", gain=3.0))
    c["nir_feed_forward"] = _calm(_model(rng, _nir(), [static], "nir_feed_forward", gain=3.0, timing="feed_forward"))
    c["ifm_hebbian_feed_forward"] = _model(rng, _io(None), [EdgeGroup("fast", {"rule": "hebbian_trace", "eta": 0.3, "clip": True,
                                                                              "w_min": -1.5, "w_max": 1.5})],
                                           "ifm_hebbian_feed_forward", timing="feed_forward")
    return c


def _calm(m, scale=0.05):
    """Scales down the weights out of non-spiking hidden NIR neurons (their outputs are unbounded membranes; integrators do not
    leak), so that the 1,000-tick runs stay bounded and float32 rounding does not grow."""
    rate = np.zeros(m.neurons, bool)
    for p in m.populations:
        if p.kind in ("li", "integrator", "cuba_li") and p.role != "input":
            rate[p.start:p.start + p.count] = True
    m.weight = np.where(rate[m.pre], m.weight * np.float32(scale), m.weight).astype(np.float32)
    return m


def _nir(inputs="li"):
    """Every NIR kind in one network (both resets, refractory ticks), as hidden populations between inputs and outputs."""
    return [("in", inputs, "input", 4, {"reset": "to_reset", "refractory_ticks": 0} if inputs in SPIKING else None),
            ("h_lif", "lif", "hidden", 6, {"reset": "subtract", "refractory_ticks": 1}),
            ("h_cuba", "cuba_lif", "hidden", 8, {"reset": "to_reset", "refractory_ticks": 2}),
            ("h_cuba_sub", "cuba_lif", "hidden", 5, {"reset": "subtract", "refractory_ticks": 0}),
            ("h_if", "if", "hidden", 6, {"reset": "to_reset", "refractory_ticks": 1}),
            ("h_li", "li", "hidden", 5, None), ("h_int", "integrator", "hidden", 4, None), ("h_cli", "cuba_li", "hidden", 5, None),
            ("out", "li", "output", 3, None)]


def _run(model, inputs, modulator, errors, frozen=False):
    if frozen:
        model = IfmModel(model.name, model.dt, model.populations, [EdgeGroup(g.name) for g in model.edge_groups], model.bias, model.pre,
                         model.post, model.weight, model.group, model.alpha, timing=model.timing)
    net = IfmNetwork(model, dtype=torch.float64)
    with torch.no_grad():
        y, _ = net(torch.as_tensor(inputs, dtype=torch.float64)[:, None, :], modulator=torch.as_tensor(modulator, dtype=torch.float64)[:, None],
                   errors=torch.as_tensor(errors, dtype=torch.float64)[:, None, :])
    return y[:, 0, :].numpy()


def forward(out, ticks=1000, seed=11):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(seed + 1)
    listing = []
    for name, m in cases(seed).items():
        write_ifm(m, os.path.join(out, name + ".ifm"), exported_by="ifm_torch.parity")
        n_in, n_out = len(m.input_neurons), len(m.output_neurons)
        spiking = any(p.kind in SPIKING for p in m.populations)
        x = ((rng.random((ticks, n_in)) * 2 - 1) * (3.0 if spiking else 1.0)).astype(np.float32)
        mod = np.sin(np.arange(ticks) * 0.05).astype(np.float32)
        err = np.where(rng.random((ticks, n_out)) < 0.5, (rng.random((ticks, n_out)) * 2 - 1), 0.0).astype(np.float32)
        y = _run(m, x, mod, err)
        yf = _run(m, x, mod, err, frozen=True)
        for suffix, arr in (("inputs.f32", x), ("modulator.f32", mod), ("errors.f32", err), ("expected.f64", y), ("frozen.f64", yf)):
            np.ascontiguousarray(arr, dtype="<f4" if suffix.endswith("f32") else "<f8").tofile(os.path.join(out, f"{name}.{suffix}"))
        rules = [g.rule for g in m.edge_groups if g.rule]
        kinds = sorted(set(p.kind for p in m.populations))
        listing.append({"name": name, "ticks": ticks, "neurons": m.neurons, "inputs": n_in, "outputs": n_out, "kinds": kinds, "rules": rules,
                        "rule_effect": float(np.abs(y - yf).max())})
        print(f"{name}: {m.neurons} neurons, {m.edges} edges, kinds {kinds}, rules {rules or ['none']}, max |learned - frozen| {np.abs(y - yf).max():.3g}")
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump(listing, f, indent=1)


def gradient_cases(seed=7):
    """name -> (model, smooth spikes, input scale)."""
    rng = np.random.default_rng(seed)
    c = {}
    c["ifm_hebbian"] = (_model(rng, _io(None), [EdgeGroup("plastic", {"rule": "hebbian_trace", "eta": 0.3, "clip": True})], "g_ifm_hebbian"), False, 1.0)
    c["ifm_hebbian_bounded"] = (_model(rng, _io(None), [EdgeGroup("static"), EdgeGroup("plastic", {"rule": "hebbian_trace", "eta": 0.3, "clip": True,
                                                                                                  "w_min": -0.8, "w_max": 0.8})],
                                       "g_ifm_hebbian_bounded", group_of=lambda pre, post, role: (pre + post) % 2), False, 1.0)
    leaky = [("in", "ifm", "input", 4, None), ("h_tanh", "leaky", "hidden", 10, {"activation": "tanh"}),
             ("h_sig", "leaky", "hidden", 10, {"activation": "sigmoid"}), ("h_id", "leaky", "hidden", 6, {"activation": "identity"}),
             ("out", "leaky", "output", 3, {"activation": "tanh"})]
    c["leaky"] = (_model(rng, leaky, [EdgeGroup("static")], "g_leaky", gain=1.0), False, 1.0)
    lif = [("in", "ifm", "input", 6, None), ("h_reset", "lif", "hidden", 15, {"reset": "to_reset"}), ("h_sub", "lif", "hidden", 15, {"reset": "subtract"}),
           ("out", "ifm", "output", 3, None)]
    c["lif_smooth"] = (_model(rng, lif, [EdgeGroup("static")], "g_lif_smooth", gain=3.0), True, 3.0)
    nir = _nir("ifm")
    nir[-1] = ("out", "ifm", "output", 3, None)
    c["nir_smooth"] = (_model(rng, nir, [EdgeGroup("static")], "g_nir_smooth", gain=3.0), True, 3.0)
    c["nir_feed_forward_smooth"] = (_model(rng, nir, [EdgeGroup("static")], "g_nir_feed_forward_smooth", gain=3.0, timing="feed_forward"), True, 3.0)
    c["nir_surrogate"] = (_model(rng, nir, [EdgeGroup("static")], "g_nir_surrogate", gain=3.0), False, 6.0)
    c["ifm_feed_forward"] = (_model(rng, _io(None), [EdgeGroup("static")], "g_ifm_feed_forward", timing="feed_forward"), False, 1.0)
    c["ifm_hebbian_feed_forward"] = (_model(rng, _io(None), [EdgeGroup("plastic", {"rule": "hebbian_trace", "eta": 0.3, "clip": True})],
                                            "g_ifm_hebbian_feed_forward", timing="feed_forward"), False, 1.0)
    return c


def gradients(out, ticks=20, seed=7):
    """Autograd of the C# trainer's MSE over one window (mean over ticks and channels) from a fresh state."""
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(seed + 1)
    for name, (m, smooth, scale) in gradient_cases(seed).items():
        write_ifm(m, os.path.join(out, name + ".ifm"), exported_by="ifm_torch.parity")
        net = IfmNetwork(m, dtype=torch.float64, smooth_spikes=smooth)
        n_in, n_out = net.n_inputs, net.n_outputs
        x = ((rng.random((ticks, n_in)) * 2 - 1) * scale).astype(np.float32)
        target = ((rng.random((ticks, n_out)) * 2 - 1) * 0.8).astype(np.float32)
        y, _ = net(torch.as_tensor(x, dtype=torch.float64)[:, None, :])
        yo = y[:, 0, net.output_index]
        loss = ((yo - torch.as_tensor(target, dtype=torch.float64)) ** 2).mean()
        loss.backward()
        net.mask_gradients()
        g = lambda p: (p.grad if p.grad is not None else torch.zeros_like(p)).detach().numpy().tolist()  # noqa: E731
        result = {"inputs": x.tolist(), "targets": target.tolist(), "outputs": y[:, 0, :].detach().numpy().tolist(), "loss": float(loss),
                  "smooth_spikes": net.smooth_spikes, "grad_weight": g(net.weight), "grad_bias": g(net.bias), "grad_a": g(net.a),
                  "grad_alpha": g(net.alpha), "grad_eta": g(net.eta), "torch": torch.__version__}
        with open(os.path.join(out, name + ".json"), "w") as f:
            json.dump(result, f)
        print(f"{name}: {m.neurons} neurons, {m.edges} edges, loss {float(loss):.6f}")


def main(argv):
    if len(argv) < 3 or argv[1] not in ("forward", "gradients"):
        print(__doc__)
        return 2
    if argv[1] == "forward":
        forward(argv[2], int(argv[3]) if len(argv) > 3 else 1000)
    else:
        gradients(argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
