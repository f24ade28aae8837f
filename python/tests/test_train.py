"""The trainer: data-parallel training on 2 gloo processes equals 1 process on the combined batch; checkpoint/resume
continues exactly; bad options and data give one clear line."""
import contextlib
import io
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

from ifm_torch import read_ifm, write_ifm, random_network
from ifm_torch import train

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PONG = os.path.join(REPO, "tests", "data", "pong")


def pong_slices(d, rows=1200):
    paths = []
    for name in ("c0.txt", "c1.txt", "c2.txt"):
        with open(os.path.join(PONG, name)) as f:
            lines = [next(f) for _ in range(rows)]
        p = os.path.join(d, name)
        with open(p, "w") as f:
            f.writelines(lines)
        paths.append(p)
    return paths


RECIPE = ["--epochs", "2", "--batch", "6", "--window", "10", "--loss", "ce", "--class-weights", "balanced", "--predict-ahead", "1",
          "--target-span", "5", "--patience", "0", "--lr", "5e-3", "--threads", "1"]


def run_quiet(args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        rc = train.main(args)
    return rc, out.getvalue()


class TrainTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = cls.tmp.name
        cls.data = pong_slices(cls.dir)
        cls.init = os.path.join(cls.dir, "init.ifm")
        write_ifm(random_network(40, 24, 3, 0.25, seed=3, name="init"), cls.init)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_two_gloo_processes_equal_one_process_on_the_combined_batch(self):
        one, two = os.path.join(self.dir, "one.ifm"), os.path.join(self.dir, "two.ifm")
        rc, out = run_quiet(self.data + ["--out", one, "--init", self.init] + RECIPE)
        self.assertEqual(rc, 0, out)
        env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1")
        cmd = [sys.executable, "-m", "ifm_torch.torchrun", "--standalone", "--nproc_per_node=2", "-m", "ifm_torch.train"] + self.data + \
              ["--out", two, "--init", self.init] + RECIPE
        p = subprocess.run(cmd, cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))), env=env, capture_output=True, text=True, timeout=240)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("2 process(es) (gloo", p.stdout)
        a, b, start = read_ifm(one), read_ifm(two), read_ifm(self.init)
        self.assertEqual(b.metadata["training.processes"], "2")
        moved = np.abs(a.weight - start.weight).max()
        self.assertGreater(moved, 1e-3, "training changed nothing: the comparison would check nothing")
        for f in ("weight", "bias"):
            diff = np.abs(getattr(a, f) - getattr(b, f)).max()
            self.assertLess(diff, 1e-5, f"{f}: 1 and 2 processes differ by {diff:.3g} (training moved them by {moved:.3g})")
        np.testing.assert_allclose(a.populations[1].params["a"], b.populations[1].params["a"], atol=1e-5)

    def test_resume_from_a_checkpoint_continues_exactly(self):
        whole, resumed = os.path.join(self.dir, "whole.ifm"), os.path.join(self.dir, "resumed.ifm")
        ck = os.path.join(self.dir, "train.ckpt")
        recipe = RECIPE[2:] + ["--validation", "0"]
        rc, out = run_quiet(self.data + ["--out", whole, "--init", self.init, "--epochs", "3"] + recipe)
        self.assertEqual(rc, 0, out)
        rc, out = run_quiet(self.data + ["--out", resumed, "--init", self.init, "--epochs", "1", "--checkpoint", ck] + recipe)
        self.assertEqual(rc, 0, out)
        self.assertTrue(os.path.exists(ck))
        rc, out = run_quiet(self.data + ["--out", resumed, "--init", self.init, "--epochs", "3", "--checkpoint", ck, "--resume"] + recipe)
        self.assertEqual(rc, 0, out)
        self.assertIn("resumed from", out)
        np.testing.assert_array_equal(read_ifm(whole).weight, read_ifm(resumed).weight)
        np.testing.assert_array_equal(read_ifm(whole).bias, read_ifm(resumed).bias)

    def test_plastic_training_learns_eta_and_alpha(self):
        out_path = os.path.join(self.dir, "plastic.ifm")
        rc, out = run_quiet(self.data[:1] + ["--out", out_path, "--neurons", "30", "--plastic", "--eta", "0.2", "--epochs", "1", "--window", "10",
                                             "--batch", "4", "--lr", "1e-2", "--validation", "0", "--threads", "1"])
        self.assertEqual(rc, 0, out)
        m = read_ifm(out_path)
        self.assertEqual(m.edge_groups[0].rule, "hebbian_trace")
        self.assertNotAlmostEqual(m.edge_groups[0].plasticity["eta"], 0.2, places=4)
        self.assertGreater(np.abs(m.alpha).max(), 1e-3)

    def test_bad_input_gives_one_clear_line(self):
        bad = os.path.join(self.dir, "bad.txt")
        with open(bad, "w") as f:
            f.write("1,2\t0\n1,2,3\t0\n")
        for args, needle in ((["/nonexistent.txt"], "does not exist"), ([bad], "bad.txt:2: 3 values"),
                             (self.data[:1] + ["--window", "0"], "window must be at least 1"),
                             (self.data[:1] + ["--init", os.path.join(REPO, "runtime", "models", "pavlov.ifm")], "input values per tick, the model has 2")):
            rc, out = run_quiet(args + ["--out", os.path.join(self.dir, "x.ifm")])
            with self.subTest(needle):
                self.assertEqual(rc, 1)
                last = out.strip().splitlines()[-1]
                self.assertTrue(last.startswith("ifm_torch.train: "), out)
                self.assertIn(needle, last)
                self.assertNotIn("Traceback", out)


if __name__ == "__main__":
    unittest.main()
