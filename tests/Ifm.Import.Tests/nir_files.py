"""Writes NIR files (the layout of neuromorphs/NIR nir/serialization.py) for the import tests, with Debian's h5py.

usage: nir_files.py corpus DIR      malformed files, one per problem: DIR/<name>.nir and DIR/<name>.expect (message part)
       nir_files.py graphs DIR      synthetic graphs DIR/<name>.nir, inputs DIR/<name>.in.csv and the expected run
                                    DIR/<name>.out.csv, computed here with numpy from NIR's equations
       nir_files.py check FILE IN.csv OUT.csv DT
                                    checks an exported FILE against the NIR 1.0 layout (nir/serialization.py: what
                                    nir.read needs of each node type, dtypes, shapes, edges naming nodes) and runs it
                                    here with numpy on IN.csv into OUT.csv (update order: metadata/ifm_update_order)
"""
import os
import sys

import h5py
import numpy as np

f32 = np.float32


def node(g, name, type_, **params):
    n = g.create_group(name)
    n.create_dataset("type", data=type_)
    for k, v in params.items():
        n.create_dataset(k, data=np.asarray(v), compression="gzip")
    return n


def graph(path, nodes, edges, version="1.0.0"):
    """nodes: list of (name, type, params) or (name, 'NIRGraph', (nodes, edges)); written gzip-compressed like NIR 1.0."""
    with h5py.File(path, "w") as f:
        f.create_dataset("version", data=version)
        write_graph(f.create_group("node"), nodes, edges)


def write_graph(g, nodes, edges):
    g.create_dataset("type", data="NIRGraph")
    ns = g.create_group("nodes")
    for name, type_, params in nodes:
        if type_ == "NIRGraph":
            write_graph(ns.create_group(name), *params)
        else:
            node(ns, name, type_, **params)
    g.create_dataset("edges", data=np.array(edges, dtype=object).reshape(-1, 2), dtype=h5py.string_dtype())


LIF = dict(tau=np.full(2, 0.0025, f32), r=np.ones(2, f32), v_leak=np.zeros(2, f32), v_threshold=np.full(2, 0.1, f32))
BASE = [("input", "Input", dict(shape=np.array([2]))),
        ("aff", "Affine", dict(weight=np.eye(2, dtype=f32), bias=np.zeros(2, f32))),
        ("lif", "LIF", LIF),
        ("output", "Output", dict(shape=np.array([2])))]
BASE_EDGES = [("input", "aff"), ("aff", "lif"), ("lif", "output")]


def corpus(d):
    def case(name, expect, nodes=BASE, edges=BASE_EDGES):
        graph(os.path.join(d, name + ".nir"), nodes, edges)
        open(os.path.join(d, name + ".expect"), "w").write(expect)

    def replace(name, new):
        return [(n, t, new if n == name else p) for n, t, p in BASE]

    case("missing_parameter", "has no parameter 'v_threshold'", replace("lif", {k: v for k, v in LIF.items() if k != "v_threshold"}))
    case("shapes_disagree", "shapes disagree", replace("lif", dict(LIF, tau=np.full(3, 0.0025, f32))))
    case("edge_to_missing_node", "does not exist", edges=BASE_EDGES + [("lif", "ghost")])
    case("unsupported_node", "type Conv2d is not supported", BASE + [("conv", "Conv2d", dict(weight=np.zeros((1, 1, 3, 3), f32)))])
    case("weight_shape", "weight expects 3 inputs", replace("aff", dict(weight=np.ones((2, 3), f32), bias=np.zeros(2, f32))))
    delay = lambda tau: BASE[:3] + [("del", "Delay", dict(delay=np.full(2, tau, f32)))] + BASE[3:]
    delay_edges = [("input", "aff"), ("aff", "lif"), ("lif", "del"), ("del", "output")]
    case("delay_not_whole_steps", "is not a whole number of time steps", delay(0.00015), delay_edges)
    case("delay_negative", "is not a non-negative number of seconds", delay(-0.001), delay_edges)
    case("delay_huge", "time steps", delay(1e6), delay_edges)
    case("threshold_missing", "has no parameter 'threshold'", BASE + [("thr", "Threshold", dict(thresh=np.zeros(2, f32)))], BASE_EDGES + [("lif", "thr")])
    # a numeric 'type'
    p = os.path.join(d, "numeric_type.nir")
    graph(p, BASE, BASE_EDGES)
    with h5py.File(p, "a") as f:
        del f["node/nodes/lif/type"]
        f["node/nodes/lif"].create_dataset("type", data=np.array([1.0]))
    open(os.path.join(d, "numeric_type.expect"), "w").write("expected strings")
    # string parameters where numbers belong
    p = os.path.join(d, "string_parameter.nir")
    graph(p, BASE, BASE_EDGES)
    with h5py.File(p, "a") as f:
        del f["node/nodes/lif/tau"]
        f["node/nodes/lif"].create_dataset("tau", data="fast")
    open(os.path.join(d, "string_parameter.expect"), "w").write("expected float32")
    # no 'node' group
    with h5py.File(os.path.join(d, "no_node_group.nir"), "w") as f:
        f.create_dataset("version", data="1.0.0")
    open(os.path.join(d, "no_node_group.expect"), "w").write("no group 'node'")
    # a dataset whose dataspace claims 2^40 elements (allocated lazily by HDF5: nothing written)
    p = os.path.join(d, "huge_claimed_size.nir")
    graph(p, BASE, BASE_EDGES)
    with h5py.File(p, "a") as f:
        del f["node/nodes/lif/tau"]
        f["node/nodes/lif"].create_dataset("tau", shape=(1 << 40,), dtype=f32, chunks=(1 << 16,), compression="gzip")
    open(os.path.join(d, "huge_claimed_size.expect"), "w").write("elements (limit")


def euler_run(name, d, nodes, edges, order, back, ticks, x, dt):
    """Runs the graph with NIR's equations (forward Euler; current-based kinds update i first) in float32 numpy."""
    params = {n: p for n, t, p in nodes}
    types = {n: t for n, t, p in nodes}
    size = {}
    for n in order:
        t, p = types[n], params[n]
        if t == "Input":
            size[n] = int(np.prod(p["shape"]))
        elif t in ("Affine", "Linear"):
            size[n] = p["weight"].shape[0]
        elif t in ("Output", "Flatten"):
            size[n] = size[[s for s, u in edges if u == n][0]]
        else:
            size[n] = len(next(iter(p.values())))
    y = {n: np.zeros(size[n], f32) for n in order}
    v = {n: np.zeros(size[n], f32) for n in order}
    cur = {n: np.zeros(size[n], f32) for n in order}
    # Delay: y(t) = x(t - tau), tau = d*dt whole steps per element; hist[n][t] is the node's summed input at step t.
    hist = {n: [] for n in order if types[n] == "Delay"}
    steps = {n: np.rint(params[n]["delay"].astype(np.float64) / np.float64(np.float32(dt))).astype(int) for n in hist}
    rows = []
    for step in range(ticks):
        prev = {n: y[n].copy() for n in order}
        for n in order:
            t, p = types[n], params[n]
            srcs = [(s, prev[s] if (s, n) in back else y[s]) for s, u in edges if u == n]
            if t in ("Affine", "Linear"):
                w = p["weight"].astype(f32)
                z = np.zeros(size[n], f32)
                for _, ys in srcs:
                    z = z + (w.astype(np.float64) @ ys.astype(np.float64)).astype(f32)
                if t == "Affine":
                    z = z + p["bias"].astype(f32)
                y[n] = z
                continue
            i_in = np.zeros(size[n], f32)
            for _, ys in srcs:
                i_in = i_in + ys
            if t == "Input":
                y[n] = x[step].astype(f32)
            elif t in ("Output", "Flatten"):
                y[n] = i_in
            elif t == "Threshold":
                y[n] = (i_in > p["threshold"]).astype(f32)
            elif t == "Delay":
                k = steps[n]
                past = np.array([hist[n][step - k[i]][i] if 0 < k[i] <= step else 0 for i in range(size[n])], f32)
                y[n] = np.where(k == 0, i_in, past).astype(f32)
            elif t == "LIF":
                vi = v[n] + f32(dt) / p["tau"] * ((p["v_leak"] - v[n]) + p["r"] * i_in)
                s = vi > p["v_threshold"]
                v[n] = np.where(s, p["v_reset"] if "v_reset" in p else f32(0), vi).astype(f32)
                y[n] = s.astype(f32)
            elif t == "CubaLIF":
                cur[n] = cur[n] + f32(dt) / p["tau_syn"] * (p["w_in"] * i_in - cur[n])
                vi = v[n] + f32(dt) / p["tau_mem"] * ((p["v_leak"] - v[n]) + p["r"] * cur[n])
                s = vi > p["v_threshold"]
                v[n] = np.where(s, p["v_reset"] if "v_reset" in p else f32(0), vi).astype(f32)
                y[n] = s.astype(f32)
            elif t == "LI":
                v[n] = v[n] + f32(dt) / p["tau"] * ((p["v_leak"] - v[n]) + p["r"] * i_in)
                y[n] = v[n]
            elif t == "CubaLI":
                cur[n] = cur[n] + f32(dt) / p["tau_syn"] * (p["w_in"] * i_in - cur[n])
                v[n] = v[n] + f32(dt) / p["tau_mem"] * ((p["v_leak"] - v[n]) + p["r"] * cur[n])
                y[n] = v[n]
            elif t == "I":
                v[n] = v[n] + f32(dt) * (p["r"] * i_in)
                y[n] = v[n]
            elif t == "IF":
                vi = v[n] + f32(dt) * (p["r"] * i_in)
                s = vi > p["v_threshold"]
                v[n] = np.where(s, p["v_reset"] if "v_reset" in p else f32(0), vi).astype(f32)
                y[n] = s.astype(f32)
            else:
                raise ValueError(t)
        for n in hist:
            z = np.zeros(size[n], f32)
            for s_, u in edges:
                if u == n:
                    z = z + y[s_]
            hist[n].append(z)
        out = [n for n in order if types[n] == "Output"][0]
        rows.append(list(y[out]))
    np.savetxt(os.path.join(d, name + ".in.csv"), x, delimiter=",", fmt="%.9g")
    np.savetxt(os.path.join(d, name + ".out.csv"), np.array(rows), delimiter=",", fmt="%.9g")


def graphs(d):
    rng = np.random.default_rng(5)
    dt = 1e-3
    ticks = 300
    # 1. recurrent CubaLIF: input -> aff -> cuba -> readout(LI) -> output, and cuba -> rec(Linear) -> cuba (one-step delay)
    n_in, n_h = 3, 6
    nodes = [("input", "Input", dict(shape=np.array([n_in]))),
             ("aff", "Affine", dict(weight=rng.normal(0, 1.5, (n_h, n_in)).astype(f32), bias=np.full(n_h, 0.3, f32))),
             ("cuba", "CubaLIF", dict(tau_mem=rng.uniform(0.005, 0.02, n_h).astype(f32), tau_syn=rng.uniform(0.002, 0.01, n_h).astype(f32),
                                     r=np.ones(n_h, f32), v_leak=np.zeros(n_h, f32), v_threshold=np.full(n_h, 0.5, f32), w_in=np.full(n_h, 2.0, f32))),
             ("rec", "Linear", dict(weight=rng.normal(0, 0.6, (n_h, n_h)).astype(f32))),
             ("readout", "Affine", dict(weight=rng.normal(0, 1, (2, n_h)).astype(f32), bias=np.zeros(2, f32))),
             ("li", "LI", dict(tau=np.full(2, 0.01, f32), r=np.ones(2, f32), v_leak=np.zeros(2, f32))),
             ("output", "Output", dict(shape=np.array([2])))]
    edges = [("input", "aff"), ("aff", "cuba"), ("cuba", "rec"), ("rec", "cuba"), ("cuba", "readout"), ("readout", "li"), ("li", "output")]
    graph(os.path.join(d, "recurrent_cubalif.nir"), nodes, edges)
    x = (rng.random((ticks, n_in)) < 0.3).astype(f32)
    euler_run("recurrent_cubalif", d, nodes, edges, ["input", "aff", "cuba", "rec", "readout", "li", "output"], {("rec", "cuba")}, ticks, x, dt)

    # 2. branching and residual: input -> a1 -> lif1 -> a2 -> lif2 -> output, and input -> skip -> lif2 (summed)
    nodes = [("input", "Input", dict(shape=np.array([4]))),
             ("a1", "Affine", dict(weight=rng.normal(0, 2, (4, 4)).astype(f32), bias=np.full(4, 0.5, f32))),
             ("lif1", "LIF", dict(tau=np.full(4, 0.005, f32), r=np.ones(4, f32), v_leak=np.zeros(4, f32), v_threshold=np.full(4, 0.2, f32))),
             ("a2", "Affine", dict(weight=rng.normal(0, 2, (3, 4)).astype(f32), bias=np.zeros(3, f32))),
             ("skip", "Linear", dict(weight=rng.normal(0, 2, (3, 4)).astype(f32))),
             ("lif2", "LIF", dict(tau=np.full(3, 0.004, f32), r=np.full(3, 2, f32), v_leak=np.zeros(3, f32), v_threshold=np.full(3, 0.2, f32))),
             ("output", "Output", dict(shape=np.array([3])))]
    edges = [("input", "a1"), ("a1", "lif1"), ("lif1", "a2"), ("a2", "lif2"), ("input", "skip"), ("skip", "lif2"), ("lif2", "output")]
    graph(os.path.join(d, "residual.nir"), nodes, edges)
    x = (rng.random((ticks, 4)) < 0.4).astype(f32)
    euler_run("residual", d, nodes, edges, ["input", "skip", "a1", "lif1", "a2", "lif2", "output"], set(), ticks, x, dt)

    # 3. nested subgraph: input -> sub(Input -> Affine -> IF -> Output) -> output
    inner = ([("in", "Input", dict(shape=np.array([2]))),
              ("aff", "Affine", dict(weight=np.array([[1.5, -0.5], [0.25, 1.0]], f32), bias=np.array([0.1, 0.2], f32))),
              ("if", "IF", dict(r=np.full(2, 20, f32), v_threshold=np.full(2, 0.05, f32))),
              ("out", "Output", dict(shape=np.array([2])))],
             [("in", "aff"), ("aff", "if"), ("if", "out")])
    nodes = [("input", "Input", dict(shape=np.array([2]))), ("sub", "NIRGraph", inner), ("output", "Output", dict(shape=np.array([2])))]
    graph(os.path.join(d, "nested.nir"), nodes, [("input", "sub"), ("sub", "output")])
    flat = [("input", "Input", dict(shape=np.array([2]))), ("sub.in", "Flatten", {}), ("sub.aff", "Affine", inner[0][1][2]),
            ("sub.if", "IF", inner[0][2][2]), ("sub.out", "Flatten", {}), ("output", "Output", dict(shape=np.array([2])))]
    fe = [("input", "sub.in"), ("sub.in", "sub.aff"), ("sub.aff", "sub.if"), ("sub.if", "sub.out"), ("sub.out", "output")]
    x = (rng.random((ticks, 2)) < 0.5).astype(f32)
    euler_run("nested", d, flat, fe, [n for n, _, _ in flat], set(), ticks, x, dt)

    # 4. Threshold and Delay: input -> aff -> li -> thr(Threshold) -> del1(Delay 3 dt) -> del2(Delay 0, 1, 2, 4 dt per
    #    element) -> aff2 -> lif -> output, and a cycle closed by a delay: lif -> rdel(Delay 2 dt) -> rec -> lif
    nodes = [("input", "Input", dict(shape=np.array([3]))),
             ("aff", "Affine", dict(weight=rng.normal(0, 1.5, (4, 3)).astype(f32), bias=np.full(4, 0.1, f32))),
             ("li", "LI", dict(tau=np.full(4, 0.01, f32), r=np.ones(4, f32), v_leak=np.zeros(4, f32))),
             ("thr", "Threshold", dict(threshold=np.array([0.05, 0.1, -0.05, 0.2], f32))),
             ("del1", "Delay", dict(delay=np.full(4, 3 * dt, f32))),
             ("del2", "Delay", dict(delay=(np.array([0, 1, 2, 4]) * dt).astype(f32))),
             ("aff2", "Linear", dict(weight=np.array([[0.6, -0.4, 0.5, 0.3], [0.2, 0.7, -0.3, 0.6]], f32))),
             ("rdel", "Delay", dict(delay=np.full(2, 2 * dt, f32))),
             ("rec", "Linear", dict(weight=np.array([[-0.5, 0.75], [0.75, -0.25]], f32))),
             ("lif", "LIF", dict(tau=np.full(2, 0.005, f32), r=np.ones(2, f32), v_leak=np.zeros(2, f32), v_threshold=np.full(2, 0.3, f32))),
             ("output", "Output", dict(shape=np.array([2])))]
    edges = [("input", "aff"), ("aff", "li"), ("li", "thr"), ("thr", "del1"), ("del1", "del2"), ("del2", "aff2"), ("aff2", "lif"),
             ("lif", "rdel"), ("rdel", "rec"), ("rec", "lif"), ("lif", "output")]
    graph(os.path.join(d, "delay_threshold.nir"), nodes, edges)
    x = (rng.random((ticks, 3)) < 0.3).astype(f32)
    euler_run("delay_threshold", d, nodes, edges, [n for n, _, _ in nodes], set(), ticks, x, dt)

    # 5. Threshold is strict (z = 1 only where v > v_thr): inputs of exactly 1 against thresholds 1, 0.5, 0.999; then
    #    a Delay feeding a Delay (2 dt, then 1 dt)
    nodes = [("input", "Input", dict(shape=np.array([3]))),
             ("thr", "Threshold", dict(threshold=np.array([1.0, 0.5, 0.999], f32))),
             ("del", "Delay", dict(delay=np.full(3, 2 * dt, f32))),
             ("del_b", "Delay", dict(delay=np.full(3, dt, f32))),
             ("output", "Output", dict(shape=np.array([3])))]
    edges = [("input", "thr"), ("thr", "del"), ("del", "del_b"), ("del_b", "output")]
    graph(os.path.join(d, "threshold_edge.nir"), nodes, edges)
    x = (rng.random((ticks, 3)) < 0.5).astype(f32)
    euler_run("threshold_edge", d, nodes, edges, [n for n, _, _ in nodes], set(), ticks, x, dt)


# What nir/serialization.py's read_node takes from each node type (required; optional ones default there).
REQUIRED = {
    "Input": ["shape"], "Output": ["shape"], "Affine": ["weight", "bias"], "Linear": ["weight"], "Scale": ["scale"],
    "LIF": ["tau", "r", "v_leak", "v_threshold"], "CubaLIF": ["tau_mem", "tau_syn", "r", "v_leak", "v_threshold", "w_in"],
    "LI": ["tau", "r", "v_leak"], "CubaLI": ["tau_mem", "tau_syn", "r", "v_leak", "w_in"], "IF": ["r", "v_threshold"], "I": ["r"],
    "Threshold": ["threshold"], "Delay": ["delay"],
}
OPTIONAL = {"LIF": ["v_reset"], "CubaLIF": ["v_reset"], "IF": ["v_reset"]}


def check(path, in_csv, out_csv, dt):
    def fail(what):
        sys.exit(f"{path}: {what}")

    with h5py.File(path, "r") as f:
        if not isinstance(f["version"][()], bytes) or not f["version"][()].decode().startswith("1."):
            fail(f"version {f['version'][()]!r}")
        g = f["node"]
        if g["type"][()] != b"NIRGraph":
            fail("node/type is not NIRGraph")
        nodes, order = [], {}
        for name, n in g["nodes"].items():
            t = n["type"][()]
            if not isinstance(t, bytes):
                fail(f"{name}/type is {type(t)}, not a byte string as nir.read compares it")
            t = t.decode()
            if t not in REQUIRED:
                fail(f"{name}: unknown type {t}")
            keys = set(n.keys()) - {"type", "metadata"}
            missing = set(REQUIRED[t]) - keys
            extra = keys - set(REQUIRED[t]) - set(OPTIONAL.get(t, []))
            if missing or extra:
                fail(f"{name} ({t}): missing {sorted(missing)}, unexpected {sorted(extra)}")
            params = {}
            for k in keys:
                v = n[k][()]
                want = np.int64 if k == "shape" else np.float32
                if v.dtype != want:
                    fail(f"{name}/{k}: dtype {v.dtype}, expected {want}")
                params[k] = v
            if t in ("Affine", "Linear"):
                if params["weight"].ndim != 2:
                    fail(f"{name}/weight has {params['weight'].ndim} dimensions")
                if t == "Affine" and params["bias"].shape != params["weight"].shape[:1]:
                    fail(f"{name}/bias shape {params['bias'].shape} for weight {params['weight'].shape}")
            elif t not in ("Input", "Output"):
                shapes = {v.shape for v in params.values()}
                if len(shapes) != 1 or len(next(iter(shapes))) != 1:
                    fail(f"{name}: parameter shapes {shapes} disagree")
            if "v_reset" in REQUIRED[t] + OPTIONAL.get(t, []) and "v_reset" not in params:
                params["v_reset"] = np.zeros_like(params["v_threshold"])
            order[name] = int(n["metadata"]["ifm_update_order"][()][0])
            nodes.append((name, t, params))
        e = g["edges"][()]
        if e.ndim != 2 or e.shape[1] != 2:
            fail(f"edges shape {e.shape}")
        edges = [(a.decode("utf8"), b.decode("utf8")) for a, b in e]
        names = {n for n, _, _ in nodes}
        for a, b in edges:
            if a not in names or b not in names:
                fail(f"edge ({a}, {b}) names a missing node")
    seq = sorted(order, key=order.get)
    # An edge into a Delay node is not a cycle's: the node's own delay is what NIR says it does.
    types = {n: t for n, t, _ in nodes}
    back = {(a, b) for a, b in edges if order[a] >= order[b] and types[b] != "Delay"}
    x = np.loadtxt(in_csv, delimiter=",", dtype=np.float32, ndmin=2)
    d, name = os.path.split(out_csv)
    euler_run(os.path.splitext(name)[0] + ".check", d, nodes, edges, seq, back, x.shape[0], x, float(dt))
    os.replace(os.path.join(d, os.path.splitext(name)[0] + ".check.out.csv"), out_csv)
    os.remove(os.path.join(d, os.path.splitext(name)[0] + ".check.in.csv"))
    print(f"{path}: {len(nodes)} nodes, {len(edges)} edges: NIR 1.0 layout")


def pavlov(d):
    """Pavlov's dog as a NIR graph, for ifm run --sim pavlov: food F and bell R (Input nodes), each through an Affine
    (food 1, bell 0) into one LIF neuron (dt/tau = 1 at dt = 1 ms, threshold 0.5), salivation S (Output). With STDP on
    the bell's Affine (pavlov.rules.json) the pairing of food and bell teaches the neuron to fire on the bell alone."""
    lif = dict(tau=np.full(1, 0.001, f32), r=np.ones(1, f32), v_leak=np.zeros(1, f32), v_threshold=np.full(1, 0.5, f32))
    nodes = [("F", "Input", dict(shape=np.array([1]))), ("R", "Input", dict(shape=np.array([1]))),
             ("food", "Affine", dict(weight=np.ones((1, 1), f32), bias=np.zeros(1, f32))),
             ("bell", "Affine", dict(weight=np.zeros((1, 1), f32), bias=np.zeros(1, f32))),
             ("lif", "LIF", lif), ("S", "Output", dict(shape=np.array([1])))]
    edges = [("F", "food"), ("R", "bell"), ("food", "lif"), ("bell", "lif"), ("lif", "S")]
    graph(os.path.join(d, "pavlov.nir"), nodes, edges)
    open(os.path.join(d, "pavlov.rules.json"), "w").write(
        '{"bell": {"rule": "stdp", "tau_plus": 0.01, "tau_minus": 0.01, "a_plus": 0.05, "a_minus": 0, "w_min": 0, "w_max": 1}}\n')


class CubaLIFImplementation(object):
    """NIR's own numpy reference of CubaLIF, verbatim from neuromorphs/NIR paper/03_rnn/extras/debug_CubaLIF/
    nir_reference_impl.py (BSD 3-Clause), written there to debug the snnTorch and Norse importers; the node's
    parameters are passed as float32 arrays here instead of a nir.CubaLIF object."""

    def __init__(self, dt, cuba_node):
        self.dt = dt  # scalar
        self.node = cuba_node
        self.v = np.zeros_like(self.node.v_threshold)
        self.I = np.zeros_like(self.node.v_threshold)

    def forward(self, x):
        I_last = self.I.copy()
        v_last = self.v.copy()
        self.I = I_last + (self.dt / self.node.tau_syn) * (-I_last + self.node.w_in * x)
        self.v = v_last + (self.dt / self.node.tau_mem) * (
            self.node.v_leak - v_last + self.node.r * I_last
        )
        z = self.v > self.node.v_threshold
        self.v -= z * self.node.v_threshold
        return z, self.v, self.I


def cuba_reference(d):
    """Runs NIR's reference CubaLIF on the stimuli of that folder's test_snntorch_and_norse.py (snnTorch alpha 0.9,
    beta 0.8, threshold 5 as the NIR node snnTorch exports at dt = 1e-4: tau_syn = dt/(1 - alpha), tau_mem =
    dt/(1 - beta), r = tau_mem/dt, w_in = tau_syn/dt) into DIR/cuba_<case>.csv: input, v, spike per step."""
    from types import SimpleNamespace
    dt = 1e-4
    node = SimpleNamespace(tau_syn=np.array([dt / (1 - 0.9)], f32), tau_mem=np.array([dt / (1 - 0.8)], f32), v_leak=np.zeros(1, f32),
                           v_threshold=np.array([5.0], f32))
    node.r = (node.tau_mem / f32(dt)).astype(f32)
    node.w_in = (node.tau_syn / f32(dt)).astype(f32)
    cases = {"spikes": np.isin(np.arange(200), np.arange(0, 200, 10)).astype(f32),
             "constant": np.full(200, 0.11, f32),
             "mixed": (np.isin(np.arange(400), [10, 30, 40, 60, 70, 80, 90, 100, 120, 130, 150, 160, 190]) * 1.0 + 0.3 * (np.arange(400) >= 200)).astype(f32)}
    for name, x in cases.items():
        ref = CubaLIFImplementation(f32(dt), node)
        rows = []
        for xt in x:
            z, v, _ = ref.forward(np.array([xt], f32))
            rows.append((xt, float(v[0]), float(z[0])))
        np.savetxt(os.path.join(d, f"cuba_{name}.csv"), np.array(rows), delimiter=",", fmt="%.9g")
    np.savetxt(os.path.join(d, "cuba_params.csv"), np.array([[dt, node.tau_syn[0], node.tau_mem[0], node.r[0], node.w_in[0], node.v_threshold[0]]]),
               delimiter=",", fmt="%.9g")


if __name__ == "__main__":
    if sys.argv[1] == "check":
        check(*sys.argv[2:6])
    else:
        {"corpus": corpus, "graphs": graphs, "pavlov": pavlov, "cuba_reference": cuba_reference}[sys.argv[1]](sys.argv[2])
