"""The .ifm model file (runtime/Ifm.Runtime/Format/FORMAT.md): read with full validation, write atomically.

A model is held as an :class:`IfmModel` of numpy arrays; :mod:`ifm_torch.network` turns it into a torch module.
Every problem in a file raises :class:`IfmFormatError` naming the file and the problem; nothing in a file is executed.
"""
import json
import math
import os
import struct
import tempfile
from dataclasses import dataclass, field

import numpy as np

SUPPORTED_VERSIONS = (1, 2, 3)
MAX_HEADER = 16 << 20
MAX_FILE = 2 << 30
MAX_TENSORS = 65536
KINDS = ("ifm", "leaky", "lif", "cuba_lif", "li", "if", "integrator", "cuba_li")
V3_KINDS = ("cuba_lif", "li", "if", "integrator", "cuba_li")     # format version 3 (NIR kinds)
SPIKING = ("lif", "cuba_lif", "if")
TIMINGS = ("synchronous", "feed_forward")
ROLES = ("input", "hidden", "output")
ACTIVATIONS = ("tanh", "sigmoid", "relu", "identity", "step")
KIND_TENSORS = {"ifm": ("a",), "leaky": ("tau",), "lif": ("tau", "v_threshold", "v_reset", "v_leak", "resistance"),
                "cuba_lif": ("tau", "tau_syn", "v_threshold", "v_reset", "v_leak", "resistance", "w_in"),
                "li": ("tau", "v_leak", "resistance"), "if": ("v_threshold", "v_reset", "resistance"),
                "integrator": ("resistance",), "cuba_li": ("tau", "tau_syn", "v_leak", "resistance", "w_in")}
RULE_FIELDS = {
    "hebbian_trace": ("eta", "clip"),
    "neuromodulated": ("eta", "modulator"),
    "stdp": ("tau_plus", "tau_minus", "a_plus", "a_minus"),
    "oja": ("eta",),
    "pes": ("kappa",),
}
TRACE_RULES = ("hebbian_trace", "neuromodulated")


class IfmFormatError(ValueError):
    """A malformed or unsupported .ifm file; the message starts with the file name."""


@dataclass
class Population:
    name: str
    kind: str
    role: str
    count: int
    start: int = 0
    labels: list = None
    activation: str = "tanh"          # leaky
    reset: str = "to_reset"           # spiking kinds (lif, cuba_lif, if)
    refractory_ticks: int = 0         # spiking kinds
    params: dict = field(default_factory=dict)   # tensor name ("a", "tau", ...) -> float32 [count]


@dataclass
class EdgeGroup:
    name: str
    plasticity: dict = None           # the rule object as in the graph JSON, or None for a static group

    @property
    def rule(self):
        return None if self.plasticity is None else self.plasticity["rule"]

    @property
    def w_min(self):
        return float(self.plasticity.get("w_min", -math.inf)) if self.plasticity else -math.inf

    @property
    def w_max(self):
        return float(self.plasticity.get("w_max", math.inf)) if self.plasticity else math.inf


@dataclass
class IfmModel:
    """Structure and parameters of one network. Edge arrays are in the writer's order (CSR: post-major, pre-minor)."""
    name: str
    dt: float
    populations: list
    edge_groups: list
    bias: np.ndarray
    pre: np.ndarray
    post: np.ndarray
    weight: np.ndarray
    group: np.ndarray
    alpha: np.ndarray
    metadata: dict = field(default_factory=dict)   # extra metadata (keys not starting with "ifm.")
    timing: str = "synchronous"       # or "feed_forward" (format version 3): same-tick edges from earlier populations

    @property
    def neurons(self):
        return int(self.bias.shape[0])

    @property
    def edges(self):
        return int(self.pre.shape[0])

    def role_neurons(self, role):
        return [p.start + i for p in self.populations if p.role == role for i in range(p.count)]

    @property
    def input_neurons(self):
        return self.role_neurons("input")

    @property
    def output_neurons(self):
        return self.role_neurons("output")

    def labels(self):
        out = []
        for p in self.populations:
            out += p.labels if p.labels else ([p.name] if p.count == 1 else [f"{p.name}[{i}]" for i in range(p.count)])
        return out

    @property
    def input_names(self):
        lab = self.labels()
        return [lab[i] for i in self.input_neurons]

    @property
    def output_names(self):
        lab = self.labels()
        return [lab[i] for i in self.output_neurons]

    @property
    def plastic(self):
        return any(g.plasticity is not None for g in self.edge_groups)

    def sorted_csr(self):
        """The same model with edges in CSR order (post-major, pre-minor), as the runtime and its trainer index them."""
        order = np.lexsort((self.pre, self.post))
        return IfmModel(self.name, self.dt, self.populations, self.edge_groups, self.bias, self.pre[order], self.post[order],
                        self.weight[order], self.group[order], self.alpha[order], dict(self.metadata), self.timing)


def _err(source, msg):
    return IfmFormatError(f"{source}: {msg}")


def read_ifm(path):
    """Reads and validates an .ifm file; raises IfmFormatError (or FileNotFoundError) with a clear message."""
    size = os.path.getsize(path)
    if size > MAX_FILE:
        raise _err(path, f"file is {size} bytes, above the 2 GiB limit")
    with open(path, "rb") as f:
        data = f.read()
    return parse_ifm(data, path)


def _check_keys(obj, allowed, where, source):
    for k in obj:
        if k not in allowed:
            raise _err(source, f"{where}: unknown field '{k}' (allowed: {', '.join(allowed)})")


def _get(obj, key, typ, where, source, default=None, required=True):
    if key not in obj:
        if required and default is None:
            raise _err(source, f"{where}: missing field '{key}'")
        return default
    v = obj[key]
    if typ is float:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise _err(source, f"{where}.{key}: expected a finite number, got {json.dumps(v)}")
        return float(v)
    if typ is int:
        if isinstance(v, bool) or not isinstance(v, int):
            raise _err(source, f"{where}.{key}: expected an integer, got {json.dumps(v)}")
        return v
    if not isinstance(v, typ) or (typ is int and isinstance(v, bool)):
        raise _err(source, f"{where}.{key}: expected {typ.__name__}, got {json.dumps(v)[:60]}")
    return v


def _depth(v, d=0):
    if isinstance(v, dict):
        return max([_depth(x, d + 1) for x in v.values()] + [d + 1])
    if isinstance(v, list):
        return max([_depth(x, d + 1) for x in v] + [d + 1])
    return d


def _container(data, source):
    if len(data) < 8:
        raise _err(source, f"file is {len(data)} bytes, too short for a safetensors header")
    (n,) = struct.unpack_from("<Q", data, 0)
    if n > MAX_HEADER:
        raise _err(source, f"header length {n} exceeds the 16 MiB limit")
    if 8 + n > len(data):
        raise _err(source, f"header length {n} runs past the end of the file ({len(data)} bytes)")
    try:
        header = json.loads(data[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise _err(source, f"header is not valid JSON: {e}") from None
    if not isinstance(header, dict):
        raise _err(source, "header is not a JSON object")
    if _depth(header) > 8:
        raise _err(source, "header JSON is nested deeper than 8 levels")
    meta = header.pop("__metadata__", {})
    if not isinstance(meta, dict) or any(not isinstance(v, str) for v in meta.values()):
        raise _err(source, "__metadata__ must be an object of strings")
    if len(header) > MAX_TENSORS:
        raise _err(source, f"{len(header)} tensors, above the limit of {MAX_TENSORS}")
    body = memoryview(data)[8 + n:]
    spans, tensors = [], {}
    for name, t in header.items():
        if not isinstance(t, dict):
            raise _err(source, f"tensor '{name}': entry is not an object")
        _check_keys(t, ("dtype", "shape", "data_offsets"), f"tensor '{name}'", source)
        dtype, shape, offs = t.get("dtype"), t.get("shape"), t.get("data_offsets")
        if dtype not in ("F32", "I32"):
            raise _err(source, f"tensor '{name}': dtype {json.dumps(dtype)} is not supported (F32 or I32)")
        if not isinstance(shape, list) or any(isinstance(s, bool) or not isinstance(s, int) or s < 0 for s in shape):
            raise _err(source, f"tensor '{name}': shape must be a list of non-negative integers")
        if not isinstance(offs, list) or len(offs) != 2 or any(isinstance(o, bool) or not isinstance(o, int) for o in offs):
            raise _err(source, f"tensor '{name}': data_offsets must be [begin, end]")
        begin, end = offs
        count = int(np.prod(shape)) if shape else 1
        if begin < 0 or end < begin or end > len(body):
            raise _err(source, f"tensor '{name}': data_offsets [{begin}, {end}] lie outside the data section ({len(body)} bytes)")
        if end - begin != count * 4:
            raise _err(source, f"tensor '{name}': {end - begin} bytes for shape {shape} of {dtype} (expected {count * 4})")
        spans.append((begin, end, name))
        arr = np.frombuffer(body[begin:end], dtype="<f4" if dtype == "F32" else "<i4").reshape(shape)
        tensors[name] = arr
    pos = 0
    for begin, end, name in sorted(spans):
        if begin != pos:
            raise _err(source, f"tensor '{name}': data starts at {begin}, expected {pos} (tensors must tile the data section: "
                       + ("overlap)" if begin < pos else "gap)"))
        pos = end
    if pos != len(body):
        raise _err(source, f"{len(body) - pos} bytes after the last tensor")
    return meta, tensors


def parse_ifm(data, source="<bytes>"):
    meta, tensors = _container(bytes(data), source)
    fmt = meta.get("format")
    if fmt != "ifm":
        raise _err(source, "not an IFM model: metadata has no 'format' entry (a plain safetensors file?)" if fmt is None
                   else f"not an IFM model: metadata 'format' is '{fmt}', expected 'ifm'")
    vt = meta.get("ifm.version")
    if vt is None:
        raise _err(source, "metadata has no 'ifm.version' entry")
    if not vt.isdigit():
        raise _err(source, f"metadata 'ifm.version' is not a version number: '{vt}'")
    version = int(vt)
    if version not in SUPPORTED_VERSIONS:
        raise _err(source, f"unsupported format version {version} (this reader reads versions 1 to 3)")
    if "ifm.graph" not in meta:
        raise _err(source, "metadata has no 'ifm.graph' entry")
    try:
        g = json.loads(meta["ifm.graph"])
    except ValueError as e:
        raise _err(source, f"metadata 'ifm.graph' is not valid JSON: {e}") from None
    if not isinstance(g, dict):
        raise _err(source, "graph: not a JSON object")
    if _depth(g) > 16:
        raise _err(source, "graph JSON is nested deeper than 16 levels")
    _check_keys(g, ("name", "dt", "neurons", "edges", "populations", "edge_groups", "timing"), "graph", source)
    timing = "synchronous"
    if "timing" in g:
        if version < 3:
            raise _err(source, f"graph.timing: needs format version 3 (the file says {version})")
        timing = _get(g, "timing", str, "graph", source)
        if timing not in TIMINGS:
            raise _err(source, f"graph.timing: unknown timing '{timing}' (expected synchronous or feed_forward)")
    name = _get(g, "name", str, "graph", source, default="model")
    dt = _get(g, "dt", float, "graph", source)
    if not dt > 0:
        raise _err(source, f"graph.dt must be > 0, got {dt}")
    n = _get(g, "neurons", int, "graph", source)
    e = _get(g, "edges", int, "graph", source)
    if n < 1 or n > 1 << 28:
        raise _err(source, f"graph.neurons must be in [1, 2^28], got {n}")
    if e < 0:
        raise _err(source, f"graph.edges must be >= 0, got {e}")
    used = set()

    def tensor(tname, dtype, length):
        if tname not in tensors:
            raise _err(source, f"missing tensor '{tname}'")
        t = tensors[tname]
        if (t.dtype.kind == "f") != (dtype == "F32"):
            raise _err(source, f"tensor '{tname}': dtype must be {dtype}")
        if t.shape != (length,):
            raise _err(source, f"tensor '{tname}': shape {list(t.shape)}, expected [{length}]")
        if dtype == "F32" and not np.all(np.isfinite(t)):
            k = int(np.argmin(np.isfinite(t)))
            raise _err(source, f"tensor '{tname}': element {k} is not finite ({t[k]})")
        used.add(tname)
        return np.array(t, dtype=np.float32 if dtype == "F32" else np.int32)

    pops_json = _get(g, "populations", list, "graph", source)
    pops, start, pnames = [], 0, set()
    for idx, p in enumerate(pops_json):
        where = f"graph.populations[{idx}]"
        if not isinstance(p, dict):
            raise _err(source, f"{where}: not an object")
        _check_keys(p, ("name", "kind", "role", "count", "labels", "activation", "reset", "refractory_ticks"), where, source)
        pname = _get(p, "name", str, where, source)
        if pname in pnames:
            raise _err(source, f"{where}: population name '{pname}' used twice")
        pnames.add(pname)
        kind = _get(p, "kind", str, where, source)
        if kind not in KINDS:
            raise _err(source, f"{where}.kind: unknown neuron kind '{kind}' (expected {', '.join(KINDS)})")
        if kind in V3_KINDS and version < 3:
            raise _err(source, f"{where}.kind: '{kind}' needs format version 3 (the file says {version})")
        role = _get(p, "role", str, where, source)
        if role not in ROLES:
            raise _err(source, f"{where}.role: unknown role '{role}' (expected input, hidden or output)")
        count = _get(p, "count", int, where, source)
        if count < 1 or count > n:
            raise _err(source, f"{where}.count must be in [1, {n}], got {count}")
        labels = p.get("labels")
        if labels is not None and (not isinstance(labels, list) or len(labels) != count or any(not isinstance(x, str) for x in labels)):
            raise _err(source, f"{where}.labels: expected {count} strings")
        pop = Population(pname, kind, role, count, start, labels)
        if kind == "leaky":
            pop.activation = _get(p, "activation", str, where, source, default="tanh")
            if pop.activation not in ACTIVATIONS:
                raise _err(source, f"{where}.activation: unknown activation '{pop.activation}'")
        elif "activation" in p:
            raise _err(source, f"{where}: 'activation' applies to leaky populations only")
        if kind in SPIKING:
            pop.reset = _get(p, "reset", str, where, source, default="to_reset")
            if pop.reset not in ("to_reset", "subtract"):
                raise _err(source, f"{where}.reset: unknown reset '{pop.reset}' (to_reset or subtract)")
            pop.refractory_ticks = _get(p, "refractory_ticks", int, where, source, default=0, required=False)
            if not 0 <= pop.refractory_ticks <= 1_000_000:
                raise _err(source, f"{where}.refractory_ticks out of range: {pop.refractory_ticks}")
        elif "reset" in p or "refractory_ticks" in p:
            raise _err(source, f"{where}: 'reset' and 'refractory_ticks' apply to spiking populations (lif, cuba_lif, if) only")
        for tn in KIND_TENSORS[kind]:
            pop.params[tn] = tensor(f"populations.{pname}.{tn}", "F32", count)
        for tn in ("tau", "tau_syn"):
            if tn in pop.params and np.any(pop.params[tn] <= 0):
                raise _err(source, f"tensor 'populations.{pname}.{tn}': time constants must be > 0")
        if kind in SPIKING and np.any(pop.params["v_reset"] >= pop.params["v_threshold"]):
            raise _err(source, f"population '{pname}': v_reset must be below v_threshold")
        start += count
        pops.append(pop)
    if start != n:
        raise _err(source, f"graph.neurons is {n} but the populations hold {start} neurons")
    for role in ("input", "output"):
        labs = [lab for p, lab in _pop_labels(pops) if p.role == role]
        if len(set(labs)) != len(labs):
            raise _err(source, f"{role} labels are not unique")

    groups_json = _get(g, "edge_groups", list, "graph", source, default=[], required=False)
    groups, gnames = [], set()
    for gi, grp in enumerate(groups_json):
        where = f"graph.edge_groups[{gi}]"
        if not isinstance(grp, dict):
            raise _err(source, f"{where}: not an object")
        _check_keys(grp, ("name", "plasticity"), where, source)
        gname = _get(grp, "name", str, where, source)
        if gname in gnames:
            raise _err(source, f"{where}: edge group name '{gname}' used twice")
        gnames.add(gname)
        rule = grp.get("plasticity")
        if rule is not None:
            if version < 2:
                raise _err(source, f"{where}.plasticity: plasticity rules need format version 2 (the file says {version})")
            rule = _check_rule(rule, f"{where}.plasticity", source, pops)
        groups.append(EdgeGroup(gname, rule))
    if not groups:
        groups = [EdgeGroup("default")]

    bias = tensor("neurons.bias", "F32", n)
    pre = tensor("edges.pre", "I32", e)
    post = tensor("edges.post", "I32", e)
    weight = tensor("edges.weight", "F32", e)
    group = tensor("edges.group", "I32", e)
    alpha = tensor("edges.alpha", "F32", e) if "edges.alpha" in tensors else np.zeros(e, np.float32)
    for arr, tn in ((pre, "edges.pre"), (post, "edges.post")):
        bad = np.nonzero((arr < 0) | (arr >= n))[0]
        if bad.size:
            raise _err(source, f"tensor '{tn}': element {bad[0]} is neuron {arr[bad[0]]}, out of range [0, {n})")
    bad = np.nonzero((group < 0) | (group >= len(groups)))[0]
    if bad.size:
        raise _err(source, f"tensor 'edges.group': element {bad[0]} is group {group[bad[0]]}, but there are {len(groups)} edge groups")
    keys = pre.astype(np.int64) * n + post
    uniq, counts = np.unique(keys, return_counts=True)
    if np.any(counts > 1):
        k = uniq[np.argmax(counts > 1)]
        raise _err(source, f"duplicate edge {k // n} -> {k % n}")
    extra = set(tensors) - used
    if extra:
        raise _err(source, f"unexpected tensor '{sorted(extra)[0]}'")
    for gi, grp in enumerate(groups):
        if grp.rule == "pes":
            outs = set(i for p in pops if p.role == "output" for i in range(p.start, p.start + p.count))
            ends = post[group == gi]
            if any(int(x) not in outs for x in ends):
                raise _err(source, f"edge group '{grp.name}': pes edges must end at output neurons")
    extra_meta = {k: v for k, v in meta.items() if k != "format" and not k.startswith("ifm.")}
    return IfmModel(name, dt, pops, groups, bias, pre, post, weight, group, alpha, extra_meta, timing)


def _pop_labels(pops):
    for p in pops:
        labs = p.labels if p.labels else ([p.name] if p.count == 1 else [f"{p.name}[{i}]" for i in range(p.count)])
        for lab in labs:
            yield p, lab


def _check_rule(r, where, source, pops):
    if not isinstance(r, dict):
        raise _err(source, f"{where}: not an object")
    rule = r.get("rule")
    if rule not in RULE_FIELDS:
        raise _err(source, f"{where}.rule: unknown plasticity rule {json.dumps(rule)} (expected hebbian_trace, neuromodulated, stdp, oja or pes)")
    _check_keys(r, ("rule",) + RULE_FIELDS[rule] + ("w_min", "w_max"), where, source)
    out = {"rule": rule}
    for k in RULE_FIELDS[rule]:
        if k == "clip":
            v = r.get("clip", True)
            if not isinstance(v, bool):
                raise _err(source, f"{where}.clip: expected true or false")
            out["clip"] = v
        elif k == "modulator":
            m = _get(r, "modulator", dict, where, source)
            _check_keys(m, ("source", "name"), where + ".modulator", source)
            src = m.get("source")
            if src not in ("input", "neuron", "external"):
                raise _err(source, f"{where}.modulator.source: unknown modulator source {json.dumps(src)} (expected input, neuron or external)")
            mod = {"source": src}
            if src != "external":
                mod["name"] = _get(m, "name", str, where + ".modulator", source)
                names = [lab for p, lab in _pop_labels(pops) if src == "neuron" or p.role == "input"]
                if mod["name"] not in names:
                    raise _err(source, f"{where}.modulator: no {'input channel' if src == 'input' else 'neuron'} named '{mod['name']}'")
            out["modulator"] = mod
        else:
            out[k] = _get(r, k, float, where, source)
    for k in ("w_min", "w_max"):
        if k in r:
            out[k] = _get(r, k, float, where, source)
    if out.get("w_min", -math.inf) > out.get("w_max", math.inf):
        raise _err(source, f"{where}: w_min ({out['w_min']}) is above w_max ({out['w_max']})")
    if rule in TRACE_RULES and not 0 <= out["eta"] <= 1:
        raise _err(source, f"{where}.eta must be in [0, 1], got {out['eta']}")
    if rule == "oja" and out["eta"] < 0 or rule == "pes" and out["kappa"] < 0:
        raise _err(source, f"{where}: rates must be >= 0")
    if rule == "stdp":
        if not (out["tau_plus"] > 0 and out["tau_minus"] > 0) or out["a_plus"] < 0 or out["a_minus"] < 0:
            raise _err(source, f"{where}: stdp needs tau_plus, tau_minus > 0 and a_plus, a_minus >= 0")
        if "w_min" not in out or "w_max" not in out:
            raise _err(source, f"{where}: stdp needs finite w_min and w_max")
    return out


def to_bytes(model, exported_by="ifm_torch"):
    """The file's bytes: tensors in the runtime writer's order, edges in CSR order, header padded to 8 bytes."""
    m = model.sorted_csr()
    n = m.neurons
    f32 = lambda a: np.ascontiguousarray(a, dtype="<f4")  # noqa: E731
    tensors = [("neurons.bias", f32(m.bias))]
    for p in m.populations:
        for tn in KIND_TENSORS[p.kind]:
            tensors.append((f"populations.{p.name}.{tn}", f32(p.params[tn])))
    tensors += [("edges.pre", np.ascontiguousarray(m.pre, "<i4")), ("edges.post", np.ascontiguousarray(m.post, "<i4")),
                ("edges.weight", f32(m.weight)), ("edges.group", np.ascontiguousarray(m.group, "<i4"))]
    if any(g.rule in TRACE_RULES for g in m.edge_groups):
        tensors.append(("edges.alpha", f32(m.alpha)))
    pops = []
    for p in m.populations:
        d = {"name": p.name, "kind": p.kind, "role": p.role, "count": p.count}
        if p.kind == "leaky":
            d["activation"] = p.activation
        if p.kind in SPIKING:
            d["reset"], d["refractory_ticks"] = p.reset, p.refractory_ticks
        if p.labels:
            d["labels"] = list(p.labels)
        pops.append(d)
    groups = [{"name": g.name, **({"plasticity": g.plasticity} if g.plasticity else {})} for g in m.edge_groups]
    graph = {"name": m.name, "dt": float(m.dt), "neurons": n, "edges": m.edges, "populations": pops, "edge_groups": groups}
    if m.timing == "feed_forward":
        graph["timing"] = "feed_forward"
    version = 3 if m.timing != "synchronous" or any(p.kind in V3_KINDS for p in m.populations) else 2 if m.plastic else 1
    meta = {"format": "ifm", "ifm.version": str(version), "ifm.graph": json.dumps(graph, separators=(",", ":"))}
    for k, v in m.metadata.items():
        if k != "format" and not k.startswith("ifm."):
            meta[k] = str(v)
    meta["exported_by"] = exported_by
    header, blobs, off = {"__metadata__": meta}, [], 0
    for tn, arr in tensors:
        b = arr.tobytes()
        header[tn] = {"dtype": "F32" if arr.dtype.kind == "f" else "I32", "shape": [int(arr.shape[0])], "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + b"".join(blobs)


def atomic_write(path, data):
    """Writes bytes to a temporary file in the same folder, fsyncs it and renames it over path."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    try:
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


def write_ifm(model, path, exported_by="ifm_torch"):
    """Writes the model atomically; the result reads back (parse_ifm) before it replaces anything."""
    data = to_bytes(model, exported_by)
    parse_ifm(data, path)
    atomic_write(path, data)
    return len(data)
