#!/usr/bin/env python3
"""Writes the fuzz corpus: valid seeds for every parser that takes outside bytes, and the regression inputs
(files named bad-*) for the problems found by adversarial use. Every bad-* file must be refused with the parser's
own one-line error; every other file must be accepted. Run from anywhere: python3 tests/data/fuzz/make_corpus.py"""
import json, os, struct, zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def put(folder, name, data):
    os.makedirs(os.path.join(HERE, folder), exist_ok=True)
    with open(os.path.join(HERE, folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def safetensors(metadata, tensors):
    """tensors: list of (name, dtype, values); F32 or I32 vectors."""
    header, blob = {"__metadata__": dict(sorted(metadata.items()))}, b""
    for name, dtype, values in tensors:
        raw = struct.pack("<%d%s" % (len(values), "f" if dtype == "F32" else "i"), *values)
        header[name] = {"dtype": dtype, "shape": [len(values)], "data_offsets": [len(blob), len(blob) + len(raw)]}
        blob += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + blob


def model(tau=0.004, weight=0.5, graph_text=None, extra=None):
    graph = {"name": "tiny", "dt": 0.001, "neurons": 3, "edges": 3,
             "populations": [{"name": "in", "kind": "ifm", "role": "input", "count": 1, "labels": ["x"]},
                             {"name": "out", "kind": "leaky", "role": "output", "count": 2, "activation": "tanh", "labels": ["y", "z"]}],
             "edge_groups": [{"name": "default"}]}
    md = {"format": "ifm", "ifm.version": "1", "ifm.graph": graph_text or json.dumps(graph, separators=(",", ":"))}
    md.update(extra or {})
    return safetensors(md, [("neurons.bias", "F32", [0, 0.1, -0.1]), ("populations.in.a", "F32", [0.5]),
                            ("populations.out.tau", "F32", [tau, 0.01]), ("edges.pre", "I32", [0, 0, 1]),
                            ("edges.post", "I32", [1, 2, 2]), ("edges.weight", "F32", [weight, -0.5, 0.25]),
                            ("edges.group", "I32", [0, 0, 0])])


def checkpoint(state=(0.1, -0.2, 0.3), model_id="ab" * 32):
    tensors = sorted([("input", "F32", [0.0, 0, 0]), ("output", "F32", [0.0, 0.1, 0.2]), ("state", "F32", list(state)),
                      ("weight", "F32", [0.5, -0.5, 0.25])]) + [("refractory", "I32", [0, 0, 0])]
    md = {"format": "ifm-checkpoint", "checkpoint.version": "1", "checkpoint.model_id": model_id,
          "checkpoint.model_name": "tiny", "checkpoint.tick": "42"}
    unsigned = safetensors(md, tensors)
    n = struct.unpack("<Q", unsigned[:8])[0]
    header = json.loads(unsigned[8:8 + n])
    text = "".join("%s=%s\n" % (k, v) for k, v in sorted(md.items()))
    entries = sorted((k, v) for k, v in header.items() if k != "__metadata__")
    text += "".join("%s:%s:%s:%d:%d\n" % (k, v["dtype"], "x".join(map(str, v["shape"])), *v["data_offsets"]) for k, v in entries)
    crc = zlib.crc32(text.encode())
    crc = zlib.crc32(unsigned[8 + n:], crc)
    md["checkpoint.crc32"] = "%08x" % crc
    return safetensors(md, tensors)


put("model", "tiny.ifm", model())
# Valid, but sums three inputs of 3e38 into a float: the replay regression (exit 1 naming the tick and the neuron).
put("model", "diverging.ifm", safetensors(
    {"format": "ifm", "ifm.version": "1", "ifm.graph": json.dumps({"name": "diverging", "dt": 0.001, "neurons": 4, "edges": 3,
     "populations": [{"name": "in", "kind": "leaky", "role": "input", "count": 3, "activation": "identity", "labels": ["a", "b", "c"]},
                     {"name": "out", "kind": "leaky", "role": "output", "count": 1, "activation": "identity", "labels": ["y"]}],
     "edge_groups": [{"name": "default"}]}, separators=(",", ":"))},
    [("neurons.bias", "F32", [0, 0, 0, 0]), ("populations.in.tau", "F32", [0.001] * 3), ("populations.out.tau", "F32", [0.001]),
     ("edges.pre", "I32", [0, 1, 2]), ("edges.post", "I32", [3, 3, 3]), ("edges.weight", "F32", [1, 1, 1]), ("edges.group", "I32", [0, 0, 0])]))
put("model", "bad-tau-denormal.ifm", model(tau=1e-45))
put("model", "bad-tau-below-half-dt.ifm", model(tau=0.0004))
put("model", "bad-weight-3e38.ifm", model(weight=3e38))
put("model", "bad-graph-duplicate-key.ifm", model(graph_text='{"name":"tiny","name":"other","dt":0.001,"neurons":3,"edges":3,"populations":[{"name":"in","kind":"ifm","role":"input","count":1},{"name":"out","kind":"leaky","role":"output","count":2}]}'))
put("model", "bad-unknown-ifm-metadata.ifm", model(extra={"ifm.units": "volts"}))
with open(os.path.join(HERE, "..", "..", "..", "runtime", "models", "pavlov.ifm"), "rb") as f:
    put("model", "pavlov.ifm", f.read())

put("checkpoint", "tiny.ckpt", checkpoint())
put("checkpoint", "bad-nan-state.ckpt", checkpoint(state=(0.1, float("nan"), 0.3)))
put("checkpoint", "bad-inf-state.ckpt", checkpoint(state=(float("-inf"), 0, 0)))
put("checkpoint", "bad-short-model-id.ckpt", checkpoint(model_id="abc"))

with open(os.path.join(HERE, "..", "..", "..", "devices", "examples", "pong-sim.json")) as f:
    put("devicemap", "pong-sim.json", f.read())
lamp = {"version": 1, "loopRateHz": 1000, "devices": [
    {"name": "probe", "type": "pong_sensor", "channels": [{"channel": "ball_x", "neurons": ["x"], "encoder": {"type": "linear", "inMin": 0, "inMax": 200}}]},
    {"name": "lamp", "type": "digital_output", "pin": 6, "safeState": {"value": 0},
     "channels": [{"channel": "value", "neurons": ["y"], "decoder": {"type": "threshold", "threshold": 0.5}}]}]}
text = json.dumps(lamp)
put("devicemap", "lamp.json", text)
put("devicemap", "bad-ranges-20000.json", text.replace('["x"]', "[" + ",".join(['"x0..x4095"'] * 20000) + "]"))
put("devicemap", "bad-outmax-1e39.json", text.replace('"inMax": 200', '"inMax": 200, "outMax": 1e39'))
put("devicemap", "bad-offset-1e39.json", text.replace('"type": "linear", "inMin": 0, "inMax": 200', '"type": "binary", "bits": 8, "offset": 1e39').replace('["x"]', '["b0..b7"]'))
put("devicemap", "bad-looprate-1e-300.json", text.replace('"loopRateHz": 1000', '"loopRateHz": 1e-300'))

put("runconfig", "run.json", json.dumps({"model": "pong.ifm", "sim": "pong", "rateHz": 1000, "durationSeconds": 10, "plasticity": "on",
                                          "checkpoint": "state.ckpt", "checkpointIntervalSeconds": 5, "overrunPolicy": "count",
                                          "realtime": {"priority": 80, "cpus": [3], "mlock": True}, "backend": "cpu"}, indent=1))
put("runconfig", "bad-rate-1e-300.json", json.dumps({"model": "pong.ifm", "sim": "pong", "rateHz": 1e-300}))
put("runconfig", "bad-duration-below-one-period.json", json.dumps({"model": "pong.ifm", "sim": "pong", "rateHz": 1, "durationSeconds": 0.1}))

put("ticks", "pong.txt", "".join("%s\t%s\n" % (",".join(str((i * 7 + k) % 5 / 4) for k in range(6)), "1,0,0" if i % 3 else "0,1,0") for i in range(20)))
put("ticks", "header.csv", "F,R,S\n" + "".join("%d,%d,%d\n" % (i % 2, i % 3 == 0, i % 5 == 0) for i in range(20)))
put("ticks", "huge-values.txt", "0.1,0.2\t3e38\n0.2,0.3\t-3e38\n")
put("ticks", "bad-nan-input.txt", "0.1,nan\t1\n")
put("ticks", "bad-ragged.txt", "1,2\n3\n")
