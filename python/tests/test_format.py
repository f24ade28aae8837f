"""The .ifm reader and writer: round trips, the shipped models, and a corpus of malformed files (each refused with a
clear IfmFormatError naming the file), plus random corruptions that must never raise anything else."""
import json
import os
import struct
import tempfile
import unittest

import numpy as np

from ifm_torch import IfmFormatError, parse_ifm, read_ifm, to_bytes, write_ifm
from ifm_torch import parity

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def split(data):
    (n,) = struct.unpack_from("<Q", data, 0)
    return json.loads(data[8:8 + n]), data[8 + n:]


def join(header, body):
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + body


def with_graph(data, edit):
    header, body = split(data)
    g = json.loads(header["__metadata__"]["ifm.graph"])
    edit(g)
    header["__metadata__"]["ifm.graph"] = json.dumps(g)
    return join(header, body)


def with_meta(data, edit):
    header, body = split(data)
    edit(header["__metadata__"])
    return join(header, body)


def with_header(data, edit):
    header, body = split(data)
    edit(header)
    return join(header, body)


def with_tensor(data, name, values):
    header, body = split(data)
    begin, end = header[name]["data_offsets"]
    arr = np.frombuffer(body[begin:end], dtype="<f4" if header[name]["dtype"] == "F32" else "<i4").copy()
    for i, v in values.items():
        arr[i] = v
    return join(header, body[:begin] + arr.tobytes() + body[end:])


class FormatTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.models = parity.cases()
        cls.plastic = to_bytes(cls.models["ifm_neuromod_neuron"])

    def test_every_case_round_trips(self):
        for name, m in self.models.items():
            back = parse_ifm(to_bytes(m), name)
            self.assertEqual([(p.name, p.kind, p.role, p.count) for p in back.populations], [(p.name, p.kind, p.role, p.count) for p in m.populations])
            for f in ("bias", "pre", "post", "weight", "group"):
                np.testing.assert_array_equal(getattr(back, f), getattr(m, f), err_msg=f"{name}.{f}")
            self.assertEqual([g.plasticity for g in back.edge_groups], [g.plasticity for g in m.edge_groups])
            self.assertEqual(back.timing, m.timing)
            self.assertEqual([(p.reset, p.refractory_ticks) for p in back.populations], [(p.reset, p.refractory_ticks) for p in m.populations])
            for p, q in zip(back.populations, m.populations):
                for k in p.params:
                    np.testing.assert_array_equal(p.params[k], q.params[k])

    def test_shipped_models_read_and_rewrite(self):
        for name in ("pong.ifm", "pavlov.ifm"):
            path = os.path.join(REPO, "runtime", "models", name)
            m = read_ifm(path)
            self.assertGreater(m.edges, 0)
            back = parse_ifm(to_bytes(m))
            np.testing.assert_array_equal(back.weight, m.weight)
            self.assertEqual(back.metadata.get("training.seed"), m.metadata.get("training.seed"))

    def test_write_is_atomic_and_validated(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.ifm")
            write_ifm(self.models["lif_stdp"], path)
            before = read_bytes(path)
            bad = self.models["lif_stdp"]
            saved = bad.weight.copy()
            bad.weight[0] = np.nan
            with self.assertRaises(IfmFormatError):
                write_ifm(bad, path)
            bad.weight[:] = saved
            self.assertEqual(read_bytes(path), before, "a refused write must leave the old file")
            self.assertEqual(sorted(os.listdir(d)), ["m.ifm"], "no temporary file left behind")

    def test_malformed_corpus_is_refused_with_a_clear_message(self):
        good = self.plastic
        corpus = {
            "empty": (b"", "too short"),
            "truncated header": (good[:100], "runs past the end"),
            "huge header length": (struct.pack("<Q", 1 << 40) + good[8:], "16 MiB"),
            "not json": (struct.pack("<Q", 8) + b"{{{{{{{{" + good[8:], "not valid JSON"),
            "trailing bytes": (good + b"\0\0\0\0", "after the last tensor"),
            "truncated data": (good[:-4], "outside the data section"),
            "no format": (with_meta(good, lambda m: m.pop("format")), "no 'format'"),
            "wrong format": (with_meta(good, lambda m: m.update(format="ifm-checkpoint")), "expected 'ifm'"),
            "future version": (with_meta(good, lambda m: m.update({"ifm.version": "4"})), "unsupported format version 4"),
            "version-3 kind in version 2": (with_graph(good, lambda g: g["populations"][1].update(kind="integrator")), "needs format version 3"),
            "timing in version 2": (with_graph(good, lambda g: g.update(timing="feed_forward")), "needs format version 3"),
            "version text": (with_meta(good, lambda m: m.update({"ifm.version": "two"})), "not a version number"),
            "no graph": (with_meta(good, lambda m: m.pop("ifm.graph")), "no 'ifm.graph'"),
            "graph not json": (with_meta(good, lambda m: m.update({"ifm.graph": "{"})), "not valid JSON"),
            "unknown graph field": (with_graph(good, lambda g: g.update(neuronz=3)), "unknown field 'neuronz'"),
            "neuron count": (with_graph(good, lambda g: g.update(neurons=g["neurons"] + 1)), "populations hold"),
            "edge count": (with_graph(good, lambda g: g.update(edges=g["edges"] + 1)), "edges."),
            "bad dt": (with_graph(good, lambda g: g.update(dt=0)), "dt must be > 0"),
            "unknown kind": (with_graph(good, lambda g: g["populations"][1].update(kind="izhikevich")), "unknown neuron kind"),
            "unknown role": (with_graph(good, lambda g: g["populations"][1].update(role="teacher")), "unknown role"),
            "unknown rule": (with_graph(good, lambda g: g["edge_groups"][1]["plasticity"].update(rule="bcm")), "unknown plasticity rule"),
            "rule typo": (with_graph(good, lambda g: g["edge_groups"][1]["plasticity"].update(etaa=1)), "unknown field 'etaa'"),
            "eta out of range": (with_graph(good, lambda g: g["edge_groups"][1]["plasticity"].update(eta=1.5)), "eta must be in [0, 1]"),
            "bounds reversed": (with_graph(good, lambda g: g["edge_groups"][1]["plasticity"].update(w_min=3, w_max=-3)), "above w_max"),
            "unknown modulator": (with_graph(good, lambda g: g["edge_groups"][1]["plasticity"]["modulator"].update(name="nobody")), "no neuron named"),
            "rule in version 1": (with_meta(good, lambda m: m.update({"ifm.version": "1"})), "need format version 2"),
            "bad dtype": (with_header(good, lambda h: h["edges.weight"].update(dtype="F64")), "not supported"),
            "2-d shape mismatch": (with_header(good, lambda h: h["edges.weight"].update(shape=[1, 2])), "bytes for shape"),
            "extra tensor field": (with_header(good, lambda h: h["edges.weight"].update(crc=1)), "unknown field 'crc'"),
            "overlap": (with_header(good, lambda h: h["neurons.bias"].update(data_offsets=[4, 4 + h["neurons.bias"]["data_offsets"][1]])), "tile"),
            "non-finite weight": (with_tensor(good, "edges.weight", {3: np.inf}), "not finite"),
            "pre out of range": (with_tensor(good, "edges.pre", {0: 10_000}), "out of range"),
            "group out of range": (with_tensor(good, "edges.group", {0: 7}), "edge groups"),
            "metadata not strings": (with_header(good, lambda h: h["__metadata__"].update(x=1)), "object of strings"),
        }
        # A duplicate edge: copy edge 0's endpoints onto edge 1.
        header, body = split(good)
        pre = np.frombuffer(body[slice(*header["edges.pre"]["data_offsets"])], "<i4")
        post = np.frombuffer(body[slice(*header["edges.post"]["data_offsets"])], "<i4")
        corpus["duplicate edge"] = (with_tensor(with_tensor(good, "edges.pre", {1: pre[0]}), "edges.post", {1: post[0]}), "duplicate edge")
        for case, (data, needle) in corpus.items():
            with self.subTest(case):
                with self.assertRaises(IfmFormatError) as cm:
                    parse_ifm(data, "corpus.ifm")
                msg = str(cm.exception)
                self.assertTrue(msg.startswith("corpus.ifm: "), msg)
                self.assertIn(needle, msg)
                self.assertNotIn("\n", msg)

    def test_random_corruption_raises_only_format_errors(self):
        rng = np.random.default_rng(5)
        good = bytearray(self.plastic)
        refused = 0
        for _ in range(400):
            data = bytearray(good)
            for _ in range(int(rng.integers(1, 6))):
                data[int(rng.integers(0, len(data)))] = int(rng.integers(0, 256))
            if rng.random() < 0.2:
                data = data[:int(rng.integers(0, len(data)))]
            try:
                parse_ifm(bytes(data), "fuzz.ifm")
            except IfmFormatError:
                refused += 1
        self.assertGreater(refused, 100)

    def test_missing_file_is_a_clear_error(self):
        with self.assertRaises(FileNotFoundError):
            read_ifm("/nonexistent/model.ifm")


if __name__ == "__main__":
    unittest.main()
