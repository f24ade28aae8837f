"""The runtime's tick as a vectorised, differentiable torch module.

One tick t, for a batch of independent streams (no per-neuron Python loop):
  1. w_eff of every edge: the weight, or for trace rules clamp(w + alpha*H(t-1)) (unclamped on a fresh stream's first
     tick, as the runtime starts a session with the model's raw weights), or the rule's own weight state (oja, stdp, pes);
  2. syn_i = sum_j w_eff[j->i] * y_j(t-1); with feed-forward timing (FORMAT.md section 5) an edge from an earlier
     population to a later one carries y_j(t) instead: the populations update in file order within the tick;
  3. every neuron's update by its kind (ifm, leaky, lif, cuba_lif, li, if, integrator, cuba_li: FORMAT.md section 5);
  4. every plastic group's rule with y(t-1) and y(t) (FORMAT.md section 6).
Spikes (lif, cuba_lif, if) are a Heaviside step forward and a fast-sigmoid surrogate backward (the C# trainer's,
beta = 5), or the smooth function in both directions with smooth_spikes=True (for exact gradient checks).
"""
import copy
import math

import numpy as np
import torch

from .ifm_format import IfmModel, SPIKING, TRACE_RULES

SURROGATE_BETA = 5.0
LEAKY_SLOPE = 0.01
NIR_CODES = {"lif": 3, "cuba_lif": 4, "li": 5, "if": 6, "integrator": 7, "cuba_li": 8}


class _Spike(torch.autograd.Function):
    """y = (d > 0) forward; dy/dd = beta/2 / (1 + beta|d|)^2 backward."""

    @staticmethod
    def forward(ctx, d):
        ctx.save_for_backward(d)
        return (d > 0).to(d.dtype)

    @staticmethod
    def backward(ctx, g):
        (d,) = ctx.saved_tensors
        return g * (0.5 * SURROGATE_BETA / (1 + SURROGATE_BETA * d.abs()) ** 2)


class IfmNetwork(torch.nn.Module):
    """An .ifm model as torch parameters: weight [E], bias [N], a [N], alpha [E], eta [G] (the C# trainer's theta).

    forward(inputs (T, B, I)) -> (y (T, B, N) of every neuron per tick, the state after the last tick).
    """

    def __init__(self, model: IfmModel, dtype=torch.float32, smooth_spikes=False):
        super().__init__()
        m = model.sorted_csr()
        self.template = m
        self.smooth_spikes = smooth_spikes
        n, e, g = m.neurons, m.edges, len(m.edge_groups)
        self.n, self.e, self.g = n, e, g
        t = lambda a, dt=dtype: torch.as_tensor(np.asarray(a), dtype=dt)  # noqa: E731
        a = np.zeros(n, np.float32)
        kind = np.zeros(n, np.int64)      # 0 ifm input, 1 ifm other, 2 leaky, then NIR_CODES
        act = np.zeros(n, np.int64)       # leaky: 0 tanh, 1 sigmoid, 2 relu, 3 identity, 4 step
        k = np.zeros(n, np.float64)       # dt/tau, or dt for kinds without a time constant (if, integrator)
        k_syn = np.zeros(n, np.float64)   # dt/tau_syn (cuba_lif, cuba_li)
        lif = {x: np.zeros(n, np.float32) for x in ("v_threshold", "v_reset", "v_leak", "resistance", "w_in")}
        subtract = np.zeros(n, bool)
        refractory = np.zeros(n, np.int64)
        for p in m.populations:
            sl = slice(p.start, p.start + p.count)
            if p.kind == "ifm":
                kind[sl] = 0 if p.role == "input" else 1
                a[sl] = p.params["a"]
            else:
                # dt/tau in float32, as the runtime computes it (kinds without tau: dt).
                k[sl] = (np.float32(m.dt) / p.params["tau"].astype(np.float32)).astype(np.float32) if "tau" in p.params else np.float32(m.dt)
                if "tau_syn" in p.params:
                    k_syn[sl] = (np.float32(m.dt) / p.params["tau_syn"].astype(np.float32)).astype(np.float32)
                if p.kind == "leaky":
                    kind[sl] = 2
                    act[sl] = ("tanh", "sigmoid", "relu", "identity", "step").index(p.activation)
                else:
                    kind[sl] = NIR_CODES[p.kind]
                    for x in lif:
                        if x in p.params:
                            lif[x][sl] = p.params[x]
                    subtract[sl] = p.reset == "subtract"
                    refractory[sl] = p.refractory_ticks if p.kind in SPIKING else 0
        eta = np.zeros(g, np.float32)
        for gi, grp in enumerate(m.edge_groups):
            if grp.rule in TRACE_RULES:
                eta[gi] = grp.plasticity["eta"]
        self.weight = torch.nn.Parameter(t(m.weight))
        self.bias = torch.nn.Parameter(t(m.bias))
        self.a = torch.nn.Parameter(t(a))
        self.alpha = torch.nn.Parameter(t(m.alpha))
        self.eta = torch.nn.Parameter(t(eta))
        # Which entries the optimiser may change (the C# trainer's Trainable mask).
        hebb_edge = np.array([m.edge_groups[x].rule == "hebbian_trace" for x in m.group], bool) if e else np.zeros(0, bool)
        self.register_buffer("train_weight", torch.ones(e, dtype=torch.bool))
        self.register_buffer("train_bias", torch.ones(n, dtype=torch.bool))
        self.register_buffer("train_a", torch.as_tensor(kind == 1))
        self.register_buffer("train_alpha", torch.as_tensor(hebb_edge))
        self.register_buffer("train_eta", torch.as_tensor(np.array([grp.rule == "hebbian_trace" for grp in m.edge_groups], bool)))
        self.register_buffer("pre", torch.as_tensor(m.pre.astype(np.int64)))
        self.register_buffer("post", torch.as_tensor(m.post.astype(np.int64)))
        self.register_buffer("kind", torch.as_tensor(kind))
        self.register_buffer("act", torch.as_tensor(act))
        self.register_buffer("k", t(k))
        self.register_buffer("k_syn", t(k_syn))
        self.register_buffer("spiking", torch.as_tensor(np.isin(kind, [NIR_CODES[x] for x in SPIKING])))
        self.register_buffer("cuba", torch.as_tensor(np.isin(kind, [NIR_CODES["cuba_lif"], NIR_CODES["cuba_li"]])))
        self.register_buffer("leak", torch.as_tensor(np.isin(kind, [NIR_CODES[x] for x in ("lif", "cuba_lif", "li", "cuba_li")])))
        for x in lif:
            self.register_buffer(x, t(lif[x]))
        self.register_buffer("subtract", torch.as_tensor(subtract))
        self.register_buffer("refractory_ticks", torch.as_tensor(refractory))
        self.register_buffer("input_index", torch.as_tensor(np.array(m.input_neurons, np.int64)))
        self.register_buffer("output_index", torch.as_tensor(np.array(m.output_neurons, np.int64)))
        self.kinds_present = set(int(x) for x in np.unique(kind))
        self.acts_present = set(int(x) for x in np.unique(act[kind == 2]))
        # Edge groups: static edges are summed through one matrix; each plastic group has its own edge list.
        # Feed-forward timing: an edge from an earlier population to a later one reads this tick's output.
        self.feed_forward = m.timing == "feed_forward"
        pop_of = np.zeros(n, np.int64)
        for pi, p in enumerate(m.populations):
            pop_of[p.start:p.start + p.count] = pi
        same = pop_of[m.pre] < pop_of[m.post] if self.feed_forward and e else np.zeros(e, bool)
        self.pop_masks = [torch.as_tensor(pop_of == pi) for pi in range(len(m.populations))]
        static = np.array([m.edge_groups[x].plasticity is None for x in m.group], bool) if e else np.zeros(0, bool)
        self.static_edges = torch.as_tensor(np.nonzero(static & ~same)[0].astype(np.int64))
        self.static_same = torch.as_tensor(np.nonzero(static & same)[0].astype(np.int64))
        self.dense = n * n <= 16 * max(1, len(self.static_edges))
        self.groups = []
        labels = m.labels()
        for gi, grp in enumerate(m.edge_groups):
            if grp.plasticity is None:
                continue
            idx = torch.as_tensor(np.nonzero(m.group == gi)[0].astype(np.int64))
            info = {"index": gi, "rule": grp.rule, "edges": idx, "w_min": grp.w_min, "w_max": grp.w_max, "p": grp.plasticity,
                    "same": torch.as_tensor(same[idx.numpy()])}
            if grp.rule == "neuromodulated":
                mod = grp.plasticity["modulator"]
                info["modulator"] = mod["source"]
                if mod["source"] == "input":
                    info["mod_neuron"] = m.input_neurons[m.input_names.index(mod["name"])]
                elif mod["source"] == "neuron":
                    info["mod_neuron"] = labels.index(mod["name"])
            if grp.rule == "stdp":
                info["decay_plus"] = float(np.exp(np.float32(-np.float32(m.dt) / np.float32(grp.plasticity["tau_plus"]))))
                info["decay_minus"] = float(np.exp(np.float32(-np.float32(m.dt) / np.float32(grp.plasticity["tau_minus"]))))
            self.groups.append(info)

    # ----------------------------------------------------------------------------------------------------------------
    @property
    def n_inputs(self):
        return int(self.input_index.numel())

    @property
    def n_outputs(self):
        return int(self.output_index.numel())

    def initial_state(self, batch):
        """Outputs, states, refractory counters and every rule's traces at 0: a fresh session per stream."""
        z = lambda *s: torch.zeros(*s, dtype=self.weight.dtype, device=self.weight.device)  # noqa: E731
        st = {"y": z(batch, self.n), "s": z(batch, self.n), "c": z(batch, self.n),
              "refr": torch.zeros(batch, self.n, dtype=torch.long, device=self.weight.device), "fresh": True}
        for info in self.groups:
            ne, gi = len(info["edges"]), info["index"]
            if info["rule"] in TRACE_RULES:
                st[f"H{gi}"] = z(batch, ne)
            if info["rule"] == "neuromodulated":
                st[f"E{gi}"] = z(batch, ne)
            if info["rule"] == "stdp":
                st[f"x{gi}"], st[f"z{gi}"] = z(batch, self.n), z(batch, self.n)
            if info["rule"] in ("stdp", "oja", "pes"):
                st[f"w{gi}"] = None      # the model's weights until the first update
        return st

    @staticmethod
    def detach_state(st):
        return {k: (v.detach() if torch.is_tensor(v) else v) for k, v in st.items()}

    def _to_device(self, info):
        if info["edges"].device != self.weight.device:
            info["edges"] = info["edges"].to(self.weight.device)
        return info["edges"]

    def forward(self, inputs, state=None, modulator=None, errors=None):
        """inputs (T, B, I); modulator (T, B) for neuromodulated rules with an external source; errors (T, B, O) for
        pes rules. Returns (y (T, B, N), state)."""
        steps, batch = inputs.shape[0], inputs.shape[1]
        st = self.initial_state(batch) if state is None else dict(state)
        dev, dtype = self.weight.device, self.weight.dtype
        inputs = inputs.to(dev, dtype)
        if self.static_edges.device != dev:
            self.static_edges = self.static_edges.to(dev)
        se = self.static_edges
        if self.dense:
            w_static = torch.zeros(self.n, self.n, dtype=dtype, device=dev).index_put((self.post[se], self.pre[se]), self.weight[se])
            w_static_t = w_static.t()
        is_input_ifm = self.kind == 0
        # External input of every neuron for the whole window (0 for non-input neurons).
        xs = torch.zeros(steps, batch, self.n, dtype=dtype, device=dev).index_copy(2, self.input_index, inputs)
        only_ifm = self.kinds_present <= {0, 1}
        if only_ifm:
            xb = xs + self.bias                      # x + b, one op for the window
            recurrent = (self.kind == 1).to(dtype)
        ys = []
        for t in range(steps):
            y_prev, s_prev = st["y"], st["s"]
            x = xs[t]
            if only_ifm and self.dense and not self.groups and not self.feed_forward:
                # Fast path (static IFM networks, e.g. Pong): u = x + b + tanh(a*s)*[not input] + W y, in 6 tensor ops.
                u = torch.addmm(xb[t] + torch.tanh(self.a * s_prev) * recurrent, y_prev, w_static_t)
                y = torch.tanh(u)
                st = {"y": y, "s": torch.nn.functional.leaky_relu(u, LEAKY_SLOPE), "c": st["c"], "refr": st["refr"], "fresh": False}
                ys.append(y)
                continue
            # 1-2. synaptic sums from y(t-1)
            if self.dense:
                syn = y_prev @ w_static_t
            else:
                syn = torch.zeros(batch, self.n, dtype=dtype, device=dev).index_add(1, self.post[se], self.weight[se] * y_prev[:, self.pre[se]])
            weffs = []
            for info in self.groups:
                idx = self._to_device(info)
                weff = self._effective(info, st, idx, batch)
                if self.feed_forward:
                    weffs.append(weff)
                    weff = torch.where(info["same"].to(dev), torch.zeros_like(weff), weff)
                syn = syn.index_add(1, self.post[idx], weff * y_prev[:, self.pre[idx]])
            # 3. neuron updates
            if self.feed_forward:
                y, s, c, refr = self._feed_forward(syn, weffs, x, s_prev, st["c"], st["refr"], is_input_ifm)
            else:
                y, s, c, refr = self._neurons(syn, x, s_prev, st["c"], st["refr"], is_input_ifm)
            # 4. plasticity with y(t-1) and y(t)
            new = {"y": y, "s": s, "c": c, "refr": refr, "fresh": False}
            for info in self.groups:
                self._learn(info, st, new, y_prev, y, x, None if modulator is None else modulator[t],
                            None if errors is None else errors[t], batch)
            st = new
            ys.append(y)
        return torch.stack(ys), st

    def _effective(self, info, st, idx, batch):
        gi, rule = info["index"], info["rule"]
        if rule in TRACE_RULES:
            w = self.weight[idx] + self.alpha[idx] * st[f"H{gi}"]
            return w if st["fresh"] else self._clamp(w, info)
        w = st.get(f"w{gi}")
        return self.weight[idx].expand(batch, -1) if w is None else w

    @staticmethod
    def _clamp(w, info):
        lo, hi = info["w_min"], info["w_max"]
        if math.isinf(lo) and math.isinf(hi):
            return w
        return torch.clamp(w, min=None if math.isinf(lo) else lo, max=None if math.isinf(hi) else hi)

    def _feed_forward(self, syn, weffs, x, s_prev, c_prev, refr, is_input_ifm):
        """Feed-forward timing: the populations in file order, each reading this tick's outputs of the earlier ones
        over the same-tick edges (syn holds the delayed edges' sum)."""
        y, s, c, new_refr = (torch.zeros_like(syn) for _ in range(4))
        new_refr = refr
        ss = self.static_same.to(syn.device)
        for mask in self.pop_masks:
            mask = mask.to(syn.device)
            syn_p = syn.index_add(1, self.post[ss], self.weight[ss] * y[:, self.pre[ss]])
            for info, weff in zip(self.groups, weffs):
                idx = info["edges"]
                same = info["same"].to(syn.device)
                syn_p = syn_p.index_add(1, self.post[idx], torch.where(same, weff, torch.zeros_like(weff)) * y[:, self.pre[idx]])
            yp, sp, cp, rp = self._neurons(syn_p, x, s_prev, c_prev, refr, is_input_ifm)
            y, s, c = torch.where(mask, yp, y), torch.where(mask, sp, s), torch.where(mask, cp, c)
            new_refr = torch.where(mask, rp, new_refr)
        return y, s, c, new_refr

    def _neurons(self, syn, x, s_prev, c_prev, refr, is_input_ifm):
        y = torch.zeros_like(syn)
        s = torch.zeros_like(syn)
        c = c_prev
        new_refr = refr
        if 0 in self.kinds_present or 1 in self.kinds_present:
            u_rec = syn + self.bias + torch.tanh(self.a * s_prev)
            u_in = x + self.bias + syn
            u = torch.where(is_input_ifm, u_in, u_rec)
            m = self.kind <= 1
            s = torch.where(m, torch.maximum(u, LEAKY_SLOPE * u), s)
            y = torch.where(m, torch.tanh(u), y)
        if 2 in self.kinds_present:
            m = self.kind == 2
            sl = (1 - self.k) * s_prev + self.k * (syn + self.bias + x)
            yl = sl
            for code in self.acts_present:
                f = (torch.tanh(sl), torch.sigmoid(sl), torch.relu(sl), sl, (sl > 0).to(sl.dtype))[code]
                yl = torch.where(self.act == code, f, yl)
            s = torch.where(m, sl, s)
            y = torch.where(m, yl, y)
        if self.kinds_present & set(NIR_CODES.values()):
            # The NIR kinds (FORMAT.md section 5): I = syn + b + x; current-based kinds first i <- i + k_syn*(w_in*I - i)
            # and drive the membrane with the new i; leaky membranes v <- v + k*((v_leak - v) + R*drive), the others
            # v <- v + dt*(R*drive); spiking kinds then spike, reset and rest; the others output v.
            m = self.kind >= 3
            current = syn + self.bias + x
            i_new = c_prev + self.k_syn * (self.w_in * current - c_prev)
            c = torch.where(self.cuba, i_new, c_prev)
            drive = torch.where(self.cuba, i_new, current)
            v = torch.where(self.leak, s_prev + self.k * ((self.v_leak - s_prev) + self.resistance * drive),
                            s_prev + self.k * (self.resistance * drive))
            d = v - self.v_threshold
            if self.smooth_spikes:
                spike = 0.5 + 0.5 * SURROGATE_BETA * d / (1 + SURROGATE_BETA * d.abs())
                rest = torch.zeros_like(m).expand_as(v)
            else:
                spike = _Spike.apply(d)
                rest = (refr > 0) & self.spiking
            v_now = torch.where(self.subtract, v - spike * self.v_threshold, (1 - spike) * v + spike * self.v_reset)
            v_now = torch.where(rest, self.v_reset.expand_as(v), v_now)
            spike = torch.where(rest, torch.zeros_like(spike), spike)
            s = torch.where(m, torch.where(self.spiking, v_now, v), s)
            y = torch.where(m, torch.where(self.spiking, spike, v), y)
            if not self.smooth_spikes:
                fired = (spike > 0) & m & self.spiking
                new_refr = torch.where(rest & m, refr - 1, torch.where(fired, self.refractory_ticks.expand_as(refr), torch.zeros_like(refr)))
        return y, s, c, new_refr

    def _learn(self, info, st, new, y_prev, y, x, modulator, errors, batch):
        gi, rule, idx, p = info["index"], info["rule"], info["edges"], info["p"]
        pre, post = self.pre[idx], self.post[idx]
        if rule == "hebbian_trace":
            eta = self.eta[gi]
            h = (1 - eta) * st[f"H{gi}"] + eta * y_prev[:, pre] * y[:, post]
            new[f"H{gi}"] = torch.clamp(h, -1.0, 1.0) if p.get("clip", True) else h
        elif rule == "neuromodulated":
            eta = self.eta[gi]
            e = (1 - eta) * st[f"E{gi}"] + eta * y_prev[:, pre] * y[:, post]
            src = info["modulator"]
            if src == "input":
                mval = x[:, info["mod_neuron"]]
            elif src == "neuron":
                mval = y[:, info["mod_neuron"]]
            else:
                mval = torch.zeros(batch, dtype=y.dtype, device=y.device) if modulator is None else torch.as_tensor(modulator, dtype=y.dtype, device=y.device).expand(batch)
            new[f"E{gi}"] = e
            new[f"H{gi}"] = torch.clamp(st[f"H{gi}"] + mval[:, None] * e, -1.0, 1.0)
        else:
            w = st.get(f"w{gi}")
            w = self.weight[idx].expand(batch, -1) if w is None else w
            if rule == "oja":
                yq = y[:, post]
                new[f"w{gi}"] = self._clamp(w + p["eta"] * yq * (y_prev[:, pre] - yq * w), info)
            elif rule == "pes":
                err = torch.zeros(batch, self.n, dtype=y.dtype, device=y.device)
                if errors is not None:
                    err = err.index_copy(1, self.output_index, torch.as_tensor(errors, dtype=y.dtype, device=y.device).expand(batch, -1))
                e = err[:, post]
                new[f"w{gi}"] = torch.where(e != 0, self._clamp(w - p["kappa"] * e * y_prev[:, pre], info), w)
            else:  # stdp
                xp = st[f"x{gi}"] * info["decay_plus"]
                zp = st[f"z{gi}"] * info["decay_minus"]
                post_spike, pre_spike = y[:, post], y[:, pre]
                upd = self._clamp(w + p["a_plus"] * post_spike * xp[:, pre] - p["a_minus"] * pre_spike * zp[:, post], info)
                new[f"w{gi}"] = torch.where((post_spike != 0) | (pre_spike != 0), upd, w)
                new[f"x{gi}"], new[f"z{gi}"] = xp + y, zp + y

    # ----------------------------------------------------------------------------------------------------------------
    def mask_gradients(self):
        """Zeroes the gradient of every entry the optimiser must not change (the C# trainer's Trainable mask)."""
        for name in ("weight", "bias", "a", "alpha", "eta"):
            p = getattr(self, name)
            if p.grad is not None:
                p.grad.mul_(getattr(self, "train_" + name).to(p.grad.dtype))

    def project(self):
        """Keeps eta in [0, 1] after an optimiser step."""
        with torch.no_grad():
            self.eta.clamp_(0.0, 1.0)

    def to_model(self, metadata=None, name=None):
        """The trained model: the template's structure with the current parameters (float32)."""
        m = copy.deepcopy(self.template)
        f = lambda p: p.detach().cpu().to(torch.float32).numpy().copy()  # noqa: E731
        m.weight, m.bias, m.alpha = f(self.weight), f(self.bias), f(self.alpha)
        a, eta = f(self.a), f(self.eta)
        for p in m.populations:
            if p.kind == "ifm":
                p.params["a"] = a[p.start:p.start + p.count].copy()
        for gi, grp in enumerate(m.edge_groups):
            if grp.rule in TRACE_RULES:
                grp.plasticity = dict(grp.plasticity, eta=float(eta[gi]))
        if name:
            m.name = name
        if metadata:
            m.metadata.update(metadata)
        return m
