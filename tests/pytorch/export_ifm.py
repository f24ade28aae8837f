"""Write a PyTorch state-neural-network model to an IFM Edge .ifm file (standard library + torch only).

The .ifm file is a safetensors container written by hand here: an 8-byte little-endian header length, a JSON
header (tensor name -> dtype, shape, data_offsets; "__metadata__" is a string map holding the IFM graph JSON), then
the raw little-endian tensors. Tensor names and graph fields: runtime/Ifm.Runtime/Format/IfmFile.cs.

    python3 export_ifm.py MODULE.pt OUT.ifm      # a torch.save()d IfmReference or paper ExplicitNeuralNetwork

or from Python: export_dense(...), export_reference(module, path), export_paper(module, path).
"""
import json
import struct
import sys

import torch


def _tensor_bytes(values, fmt):
    return struct.pack("<%d%s" % (len(values), fmt), *values)


def write_safetensors(path, tensors, metadata):
    """tensors: list of (name, dtype "F32"|"I32", list of numbers). Written in order, no padding between tensors."""
    header = {"__metadata__": metadata}
    blobs, offset = [], 0
    for name, dtype, values in tensors:
        data = _tensor_bytes(values, "f" if dtype == "F32" else "i")
        header[name] = {"dtype": dtype, "shape": [len(values)], "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def export_dense(path, weight, mask, bias, a, populations, alpha=None, eta=None, clip=True, name="pytorch", dt=0.001,
                 input_names=None, output_names=None):
    """weight, mask, alpha: (N, N) with [i, j] = edge j -> i; bias, a: (N,). populations: list of (name, role, count)
    in neuron order, role in input|hidden|output (all IFM kind). alpha/eta given: every edge carries a Hebbian trace."""
    weight, mask = weight.detach().double().cpu(), mask.detach().double().cpu()
    n = weight.shape[0]
    pre, post, w, al = [], [], [], []
    for i in range(n):                      # CSR order: by post-synaptic neuron, then pre-synaptic
        for j in range(n):
            if mask[i, j] != 0:
                post.append(i)
                pre.append(j)
                w.append(float(weight[i, j]))
                al.append(float(alpha[i, j]) if alpha is not None else 0.0)
    plastic = alpha is not None
    pops, start = [], 0
    for pname, role, count in populations:
        labels = [f"{pname}{k}" for k in range(count)]
        if role == "input" and input_names:
            labels = list(input_names)
        if role == "output" and output_names:
            labels = list(output_names)
        pops.append({"name": pname, "kind": "ifm", "role": role, "count": count, "labels": labels, "start": start})
        start += count
    assert start == n, "populations must cover every neuron"
    group = {"name": "plastic" if plastic else "static"}
    if plastic:
        group["plasticity"] = {"rule": "hebbian_trace", "eta": float(eta), "clip": bool(clip)}
    graph = {"name": name, "dt": dt, "neurons": n, "edges": len(w),
             "populations": [{k: v for k, v in p.items() if k != "start"} for p in pops], "edge_groups": [group]}
    tensors = [("neurons.bias", "F32", [float(v) for v in bias.detach().double().cpu()])]
    a = a.detach().double().cpu()
    for p in pops:
        tensors.append((f"populations.{p['name']}.a", "F32", [float(v) for v in a[p["start"]:p["start"] + p["count"]]]))
    tensors += [("edges.pre", "I32", pre), ("edges.post", "I32", post), ("edges.weight", "F32", w),
                ("edges.group", "I32", [0] * len(w))]
    if plastic:
        tensors.append(("edges.alpha", "F32", al))
    metadata = {"format": "ifm", "ifm.version": "2" if plastic else "1", "ifm.graph": json.dumps(graph),
                "exported_by": "tests/pytorch/export_ifm.py"}
    write_safetensors(path, tensors, metadata)
    return len(w)


def export_reference(m, path, name="pytorch-reference"):
    """An IfmReference module (neurons ordered inputs, hidden, outputs)."""
    hidden = m.n - m.n_inputs - m.n_outputs
    pops = [("in", "input", m.n_inputs), ("hidden", "hidden", hidden), ("out", "output", m.n_outputs)]
    return export_dense(path, m.weight, m.mask, m.bias, m.a, pops,
                        alpha=m.alpha * m.mask if m.plastic else None, eta=float(m.eta) if m.plastic else None,
                        clip=m.clip, name=name)


def export_paper(m, path, name="ifm-pong"):
    """The paper's ExplicitNeuralNetwork (brcai/IFM_pong state_nn.py): neurons ordered inputs, outputs, hidden;
    neuron i has `weights` over `connections[i]`, `bias` and `state_decay.alpha` (the gain a)."""
    n = m.num_neurons
    weight, mask = torch.zeros(n, n, dtype=torch.float64), torch.zeros(n, n, dtype=torch.float64)
    bias, a = torch.zeros(n, dtype=torch.float64), torch.zeros(n, dtype=torch.float64)
    for i, neuron in enumerate(m.neurons):
        for k, j in enumerate(m.connections[i]):
            weight[i, j] = float(neuron.weights[k])
            mask[i, j] = 1.0
        bias[i] = float(neuron.bias)
        a[i] = float(neuron.state_decay.alpha)
    hidden = n - m.num_inputs - m.num_outputs
    pops = [("in", "input", m.num_inputs), ("out", "output", m.num_outputs), ("hidden", "hidden", hidden)]
    return export_dense(path, weight, mask, bias, a, pops, name=name)


def main(argv):
    if len(argv) != 3:
        print(__doc__)
        return 2
    m = torch.load(argv[1])
    edges = export_paper(m, argv[2]) if hasattr(m, "connections") else export_reference(m, argv[2])
    print(f"wrote {argv[2]}: {edges} edges")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
