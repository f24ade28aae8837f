"""Prints the comparison table of tests/bench/run.sh from its raw outputs (c.txt, csharp.jsonl, membw.txt).

Every figure is printed twice: from the wall clock, and from the CPU time of the benchmark thread (which does not
count waiting for a core, so it is the steadier one on a shared, busy machine).
"""
import json
import statistics
import sys
from pathlib import Path

BUILDS = ["O3-native", "O2", "O3-native-fastmath"]
ROWS = [
    ("300/20% static", "static-300", "static-dense-300"),
    ("10k/1M static", "static-10k", "static-csr-10k"),
    ("300/20% plastic", "plastic-300-on", "plastic-dense-300"),
    ("10k/1M plastic", "plastic-10k-on", "plastic-csr-10k"),
]


def fields(line):
    return dict(part.split("=", 1) for part in line.split())


def load(out):
    c, c_meta = {}, {}
    for line in (out / "c.txt").read_text().splitlines():
        f = fields(line)
        c.setdefault((f["build"], f["case"]), []).append(f)
        c_meta[f["case"]] = f
    cs, cs_meta = {}, {}
    for line in (out / "csharp.jsonl").read_text().splitlines():
        j = json.loads(line)
        cs.setdefault(j["name"], []).append(j)
        cs_meta[j["name"]] = j
    bw = {fields(l)["kernel"]: fields(l) for l in (out / "membw.txt").read_text().splitlines()}
    return c, c_meta, cs, cs_meta, bw


def report(c, c_meta, cs, cs_meta, bw, clock):
    med = statistics.median
    c_key, cs_key, bw_key = ("median_us", "median_us_per_tick", "median_gbs") if clock == "wall" else (
        "median_cpu_us", "median_cpu_us_per_tick", "median_cpu_gbs")
    tc = lambda build, case: med(float(f[c_key]) for f in c[(build, case)])
    tcs = lambda name: med(j[cs_key] for j in cs[name])
    rounds = len(next(iter(cs.values())))
    print(f"\n=== {clock} clock: per-tick time, µs (median over {rounds} rounds of each run's median)\n")
    head = f"{'network':<18}{'C# (ifm bench)':>16}" + "".join(f"{'C ' + b:>24}{'C#/C':>8}" for b in BUILDS)
    print(head)
    print("-" * len(head))
    for label, cs_name, c_case in ROWS:
        t = tcs(cs_name)
        line = f"{label:<18}{t:>16.2f}"
        for b in BUILDS:
            line += f"{tc(b, c_case):>24.2f}{t / tc(b, c_case):>8.2f}"
        print(line)

    print("\nplasticity overhead (hebbian_trace on every edge), ratio of medians")
    for size, layout in (("300", "dense"), ("10k", "csr")):
        on, off, static = tcs(f"plastic-{size}-on"), tcs(f"plastic-{size}-off"), tcs(f"static-{size}")
        c_ratio = tc("O3-native-fastmath", f"plastic-{layout}-{size}") / tc("O3-native-fastmath", f"static-{layout}-{size}")
        print(f"  {size:>4}: on {on:9.2f} µs, off {off:9.2f} µs, static model {static:9.2f} µs -> "
              f"on/off {on / off:.2f}x, on/static {on / static:.2f}x   (C -O3 -march=native -ffast-math plastic/static: {c_ratio:.2f}x)")

    print("\nsparse 10k/1M: bytes moved per tick and fraction of the measured read bandwidth (roofline)")
    dram, cache = float(bw["read-dram"][bw_key]), float(bw["read-cache"][bw_key])
    for label, cs_name in (("static", "static-10k"), ("plastic", "plastic-10k-on")):
        n, e = cs_meta[cs_name]["neurons"], cs_meta[cs_name]["synapses"]
        slots = e + 3.5 * n  # rows padded to a multiple of 8 edges: 3.5 pad slots per row on average
        nbytes = (6 * slots + 4 * (n + 1) + 32 * n) if label == "static" else (18 * slots + 4 * (n + 1) + 44 * n)
        gbs = nbytes / (tcs(cs_name) * 1e-6) / 1e9
        print(f"  {label:<8} {nbytes / 1e6:6.2f} MB/tick  C# {gbs:6.1f} GB/s = {gbs / dram * 100:5.1f} % of DRAM read ({dram:.1f} GB/s), "
              f"{gbs / cache * 100:5.1f} % of 8 MiB cache read ({cache:.1f} GB/s)")


def main(folder):
    c, c_meta, cs, cs_meta, bw = load(Path(folder))
    for clock in ("wall", "cpu"):
        report(c, c_meta, cs, cs_meta, bw, clock)
    print("\n(bytes of the C# layout: rows padded to a multiple of 8 slots, 4 B weight + 2 B index per slot [plastic: + 4 B α, "
          "4 B H read, 4 B H written, 8 B of interleaved outputs per neuron], row starts and per-neuron arrays as tick.c "
          "counts them; tick.c itself uses 4 B indices and no padding; C and C# networks have the same shape, not the same draws: "
          f"C {c_meta['static-csr-10k']['synapses']} synapses, C# {cs_meta['static-10k']['synapses']})")


if __name__ == "__main__":
    main(sys.argv[1])
