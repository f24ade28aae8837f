"""IfmNetwork against the independent dense reference, batch independence, tick files, and the paper model's conversion."""
import contextlib
import os
import tempfile
import unittest

import numpy as np
import torch

from ifm_torch import DataFormatError, IfmNetwork, from_paper, from_reference, load_sequence, parse_ifm, read_ticks, to_bytes
from ifm_torch import parity
from ifm_torch.reference import IfmReference

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class NetworkTests(unittest.TestCase):
    def test_matches_the_independent_reference_forward_and_gradients(self):
        g = torch.Generator().manual_seed(3)
        n, ni, no = 30, 4, 2
        mask = IfmReference.reference_mask(n, ni, no, 0.3, g)
        r = IfmReference(n, ni, no, mask, plastic=True, eta=0.3)
        with torch.no_grad():
            r.weight.copy_((torch.rand(n, n, generator=g).double() * 2 - 1) * 0.8)
            r.bias.copy_((torch.rand(n, generator=g).double() - 0.5) * 0.4)
            r.a.copy_(0.2 + 0.6 * torch.rand(n, generator=g).double())
            r.alpha.copy_((torch.rand(n, n, generator=g).double() * 2 - 1) * 0.8)
            for p in r.parameters():
                p.copy_(p.float().double())
        net = IfmNetwork(parse_ifm(to_bytes(from_reference(r))), dtype=torch.float64)
        x = torch.rand(25, ni, generator=g).double() * 2 - 1
        y_ref = r(x)
        y, _ = net(x[:, None, :])
        self.assertLess(float((y[:, 0] - y_ref).abs().max()), 1e-6)
        (y_ref[:, -no:] ** 2).sum().backward()
        (y[:, 0, net.output_index] ** 2).sum().backward()
        rows, cols = mask.nonzero(as_tuple=True)
        np.testing.assert_allclose(net.weight.grad.numpy(), r.weight.grad[rows, cols].numpy(), atol=1e-8)
        np.testing.assert_allclose(net.alpha.grad.numpy(), r.alpha.grad[rows, cols].numpy(), atol=1e-8)
        np.testing.assert_allclose(net.bias.grad.numpy(), r.bias.grad.numpy(), atol=1e-8)
        self.assertAlmostEqual(float(net.eta.grad[0]), float(r.eta.grad), places=8)

    def test_nir_kinds_follow_their_equations_and_feed_forward_timing(self):
        """One neuron per NIR kind driven by one input through a unit edge: the outputs against the equations of
        FORMAT.md section 5 written out in numpy (float64), synchronous (one tick per edge) and feed-forward (same tick)."""
        from ifm_torch.ifm_format import EdgeGroup, IfmModel, Population
        dt = 0.001
        specs = {"li": {"tau": 0.004, "v_leak": 0.05, "resistance": 1.5}, "integrator": {"resistance": 30.0},
                 "cuba_li": {"tau": 0.005, "tau_syn": 0.003, "v_leak": -0.02, "resistance": 1.2, "w_in": 0.8},
                 "lif": {"tau": 0.004, "v_threshold": 0.3, "v_reset": -0.1, "v_leak": 0.0, "resistance": 1.0},
                 "cuba_lif": {"tau": 0.004, "tau_syn": 0.002, "v_threshold": 0.25, "v_reset": 0.0, "v_leak": 0.0, "resistance": 1.0, "w_in": 1.0},
                 "if": {"v_threshold": 0.5, "v_reset": 0.0, "resistance": 80.0}}
        x = (np.sin(np.arange(40) * 0.3) + 0.8).astype(np.float32)
        for kind, params in specs.items():
            runs = {}
            for timing in ("synchronous", "feed_forward"):
                pops = [Population("in", "li", "input", 1, 0, ["x"], params={"tau": np.float32([0.002]), "v_leak": np.float32([0.0]), "resistance": np.float32([1.0])}),
                        Population("out", kind, "output", 1, 1, ["y"], refractory_ticks=1 if kind in ("lif", "cuba_lif", "if") else 0,
                                   params={k: np.float32([v]) for k, v in params.items()})]
                m = IfmModel("t", dt, pops, [EdgeGroup("static")], np.zeros(2, np.float32), np.int32([0]), np.int32([1]), np.float32([1.0]),
                             np.int32([0]), np.float32([0.0]), timing=timing)
                net = IfmNetwork(parse_ifm(to_bytes(m)), dtype=torch.float64)
                y, _ = net(torch.as_tensor(x, dtype=torch.float64)[:, None, None])
                got = y[:, 0, 1].detach().numpy()
                # numpy: the input li, then the kind under test reading the input's output of this or the last tick.
                f = lambda v: float(np.float32(v))  # noqa: E731  (parameters as the file stores them)
                vin, yin_prev, v, i, rest, want = 0.0, 0.0, 0.0, 0.0, 0, []
                for t in range(len(x)):
                    vin = vin + f(dt) / f(0.002) * ((0.0 - vin) + 1.0 * float(x[t]))
                    current = vin if timing == "feed_forward" else yin_prev
                    yin_prev = vin
                    p = {k: f(val) for k, val in params.items()}
                    k = f(dt) / p["tau"] if "tau" in p else f(dt)
                    if "tau_syn" in p:
                        i = i + f(dt) / p["tau_syn"] * (p["w_in"] * current - i)
                        current = i
                    if kind in ("lif", "cuba_lif", "if") and rest > 0:
                        rest -= 1
                        v = p["v_reset"]
                        want.append(0.0)
                        continue
                    v = v + k * (((p["v_leak"] - v) if "v_leak" in p else 0.0) + p["resistance"] * current)
                    if kind in ("lif", "cuba_lif", "if"):
                        spike = v > p["v_threshold"]
                        want.append(1.0 if spike else 0.0)
                        if spike:
                            v, rest = p["v_reset"], 1
                    else:
                        want.append(v)
                np.testing.assert_allclose(got, want, atol=1e-9, err_msg=f"{kind}, {timing}")
                if kind in ("lif", "cuba_lif", "if"):
                    self.assertGreater(sum(want), 2, f"{kind} ({timing}) hardly spikes: the case checks little")
                runs[timing] = got
            self.assertTrue(np.any(runs["synchronous"] != runs["feed_forward"]), f"{kind}: the two timings give the same outputs")

    def test_streams_of_a_batch_are_independent(self):
        for name, m in parity.cases().items():
            net = IfmNetwork(m, dtype=torch.float64)
            g = torch.Generator().manual_seed(1)
            x = (torch.rand(40, 3, net.n_inputs, generator=g, dtype=torch.float64) * 2 - 1) * 4
            mod = torch.rand(40, 3, generator=g, dtype=torch.float64)
            err = torch.rand(40, 3, net.n_outputs, generator=g, dtype=torch.float64) - 0.5
            with torch.no_grad():
                y, _ = net(x, modulator=mod, errors=err)
                y1, _ = net(x[:, 1:2], modulator=mod[:, 1:2], errors=err[:, 1:2])
            with self.subTest(name):
                self.assertLess(float((y[:, 1] - y1[:, 0]).abs().max()), 1e-12)
                self.assertGreater(float((y[:, 0] - y[:, 1]).abs().max()), 1e-3)

    def test_state_carries_across_windows(self):
        m = parity.cases()["ifm_hebbian"]
        net = IfmNetwork(m, dtype=torch.float64)
        x = torch.rand(30, 2, net.n_inputs, dtype=torch.float64)
        with torch.no_grad():
            whole, _ = net(x)
            a, st = net(x[:12])
            b, _ = net(x[12:], st)
        self.assertLess(float((torch.cat([a, b]) - whole).abs().max()), 1e-12)

    def test_paper_model_converts(self):
        """A module shaped like the paper's ExplicitNeuralNetwork (inputs, outputs, hidden; per-neuron weights over
        connections[i], bias, state_decay.alpha), run with the paper's per-neuron loop, against the converted model."""
        paper = PaperShaped(20, 3, 2, 0.4, seed=4)
        m = from_paper(paper)
        net = IfmNetwork(parse_ifm(to_bytes(m)), dtype=torch.float64)
        x = torch.rand(4, 15, 3, dtype=torch.float64) * 2 - 1
        with torch.no_grad():
            expected = paper.run(x)                       # (batch, T, N)
            y, _ = net(x.transpose(0, 1))                 # (T, batch, N)
        self.assertLess(float((y.transpose(0, 1) - expected).abs().max()), 1e-6)
        self.assertEqual(m.input_names, ["in0", "in1", "in2"])
        self.assertEqual([p.role for p in m.populations], ["input", "output", "hidden"])


    def test_convert_command_writes_a_saved_paper_model(self):
        from ifm_torch import convert, read_ifm
        paper = PaperShaped(12, 2, 1, 0.5, seed=6)
        with tempfile.TemporaryDirectory() as d:
            pt, out = os.path.join(d, "paper.pt"), os.path.join(d, "paper.ifm")
            torch.save(paper, pt)
            with open(os.devnull, "w") as null, contextlib.redirect_stdout(null):
                self.assertEqual(convert.main([pt, out]), 0)
            m = read_ifm(out)
            np.testing.assert_array_equal(m.weight, from_paper(paper).weight)
            self.assertEqual(m.metadata["exported_by"], "ifm_torch.convert")


class PaperShaped(torch.nn.Module):
    """The paper model's attributes and per-neuron equations (independent of the package)."""

    def __init__(self, n, ni, no, p, seed):
        super().__init__()
        rng = np.random.default_rng(seed)
        self.num_neurons, self.num_inputs, self.num_outputs = n, ni, no
        outs = range(ni, ni + no)
        self.connections = {}
        for i in range(n):
            if i < ni:
                self.connections[i] = []
            elif i in outs:
                self.connections[i] = [j for j in range(ni + no, n) if rng.random() < p]
            else:
                self.connections[i] = [j for j in range(n) if j != i and j not in outs and rng.random() < p]
        self.neurons = torch.nn.ModuleList()
        for i in range(n):
            cell = torch.nn.Module()
            k = len(self.connections[i])
            cell.weights = torch.nn.Parameter(torch.tensor(((rng.random(k) * 2 - 1) * 0.9).astype(np.float32)))
            cell.bias = torch.nn.Parameter(torch.tensor([float(np.float32(rng.random() * 0.4 - 0.2))]))
            cell.state_decay = torch.nn.Module()
            cell.state_decay.alpha = torch.nn.Parameter(torch.tensor(float(np.float32(0.2 + 0.6 * rng.random()))))
            self.neurons.append(cell)

    def run(self, x):
        b, steps, _ = x.shape
        y = torch.zeros(b, self.num_neurons, dtype=torch.float64)
        s = torch.zeros(b, self.num_neurons, dtype=torch.float64)
        out = []
        for t in range(steps):
            ny, ns = torch.zeros_like(y), torch.zeros_like(s)
            for i, cell in enumerate(self.neurons):
                conn = self.connections[i]
                if not conn:
                    u = x[:, t, i] + cell.bias.double()
                else:
                    u = y[:, conn] @ cell.weights.double() + cell.bias.double() + torch.tanh(cell.state_decay.alpha.double() * s[:, i])
                ns[:, i] = torch.nn.functional.leaky_relu(u, 0.01)
                ny[:, i] = torch.tanh(u)
            y, s = ny, ns
            out.append(y)
        return torch.stack(out, 1)


class TickFileTests(unittest.TestCase):
    def test_pong_recording_and_csv(self):
        s = load_sequence(os.path.join(REPO, "tests", "data", "pong", "c0.txt"))
        self.assertEqual(s.inputs.shape[1], 24)
        self.assertEqual(s.targets.shape[1], 3)
        self.assertEqual(s.ticks, 20000)
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "x.csv")
            with open(p, "w") as f:
                f.write("# comment\nF,R,S\n1,0,0.5\n\n0,1,1\n")
            seq = load_sequence(p, ["R", "F"], ["S"])
            np.testing.assert_array_equal(seq.inputs, [[0, 1], [1, 0]])
            np.testing.assert_array_equal(seq.targets, [[0.5], [1]])
            a = seq.average_targets(2)
            np.testing.assert_allclose(a.targets, [[0.75]])
            self.assertEqual(seq.repeat_rows(3).ticks, 6)
            self.assertEqual(seq.shift_targets(1).targets.tolist(), [[1.0]])

    def test_bad_tick_files_name_file_and_line(self):
        with tempfile.TemporaryDirectory() as d:
            cases = {"1,2\t0\n1,2,3\t0\n": ":2: 3 values, expected 2", "1,x\t0\n": ":1: value 'x' is not a number", "": "no data lines",
                     "1,2\t0\n1,2\t0,1\n": ":2: 2 target values", "1,nan\t1\n": "not finite"}
            for i, (text, needle) in enumerate(cases.items()):
                p = os.path.join(d, f"f{i}.txt")
                with open(p, "w") as f:
                    f.write(text)
                with self.subTest(needle), self.assertRaises(DataFormatError) as cm:
                    read_ticks(p)
                self.assertIn(p, str(cm.exception))
                self.assertIn(needle, str(cm.exception))


if __name__ == "__main__":
    unittest.main()
