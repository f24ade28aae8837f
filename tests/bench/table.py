"""Prints the comparison table of tests/bench/run.sh from its raw outputs (c.txt, csharp.jsonl, membw.txt)."""
import json
import statistics
import sys
from pathlib import Path


def fields(line):
    return dict(part.split("=", 1) for part in line.split())


def main(folder):
    out = Path(folder)
    c = {}  # (build, case) -> [median_us per round]
    meta = {}
    for line in (out / "c.txt").read_text().splitlines():
        f = fields(line)
        c.setdefault((f["build"], f["case"]), []).append(float(f["median_us"]))
        meta[f["case"]] = f
    cs = {}
    cs_meta = {}
    for line in (out / "csharp.jsonl").read_text().splitlines():
        j = json.loads(line)
        cs.setdefault(j["name"], []).append(j["median_us_per_tick"])
        cs_meta[j["name"]] = j
    bw = {fields(l)["kernel"]: float(fields(l)["median_gbs"]) for l in (out / "membw.txt").read_text().splitlines()}

    med = statistics.median
    rounds = len(next(iter(cs.values())))
    print(f"\nper-tick time, µs (median over {rounds} rounds of each run's median)\n")
    rows = [
        ("300/20% static", "static-300", "static-dense-300"),
        ("10k/1M static", "static-10k", "static-csr-10k"),
        ("300/20% plastic", "plastic-300-on", "plastic-dense-300"),
        ("10k/1M plastic", "plastic-10k-on", "plastic-csr-10k"),
    ]
    builds = ["O3-native", "O2", "O3-native-fastmath"]
    head = f"{'network':<18}{'C# (ifm bench)':>16}" + "".join(f"{'C ' + b:>24}{'C#/C':>8}" for b in builds)
    print(head)
    print("-" * len(head))
    for label, cs_name, c_case in rows:
        t = med(cs[cs_name])
        line = f"{label:<18}{t:>16.2f}"
        for b in builds:
            tc = med(c[(b, c_case)])
            line += f"{tc:>24.2f}{t / tc:>8.2f}"
        print(line)

    print("\nplasticity overhead (hebbian_trace on every edge), ratio of medians")
    for size in ("300", "10k"):
        on, off, static = med(cs[f"plastic-{size}-on"]), med(cs[f"plastic-{size}-off"]), med(cs[f"static-{size}"])
        c_ratio = med(c[("O3-native-fastmath", f"plastic-{'dense' if size == '300' else 'csr'}-{size}")]) / med(
            c[("O3-native-fastmath", f"static-{'dense' if size == '300' else 'csr'}-{size}")])
        print(f"  {size:>4}: on {on:9.2f} µs, off {off:9.2f} µs, static model {static:9.2f} µs -> "
              f"on/off {on / off:.2f}x, on/static {on / static:.2f}x   (C -O3 -march=native -ffast-math: {c_ratio:.2f}x)")

    print("\nsparse 10k/1M: bytes moved per tick and fraction of measured bandwidth (roofline)")
    for label, cs_name, c_case in (("static", "static-10k", "static-csr-10k"), ("plastic", "plastic-10k-on", "plastic-csr-10k")):
        n, e = cs_meta[cs_name]["neurons"], cs_meta[cs_name]["synapses"]
        nbytes = (8 * e + 4 * (n + 1) + 32 * n) if label == "static" else (20 * e + 4 * (n + 1) + 36 * n)
        t = med(cs[cs_name]) * 1e-6
        gbs = nbytes / t / 1e9
        print(f"  {label:<8} {nbytes / 1e6:6.2f} MB/tick  C# {gbs:6.1f} GB/s = "
              f"{gbs / bw['read-dram'] * 100:5.1f} % of DRAM read ({bw['read-dram']:.1f} GB/s), "
              f"{gbs / bw['read-cache'] * 100:5.1f} % of 8 MiB cache read ({bw['read-cache']:.1f} GB/s)")
    print("  (bytes: 4 B weight + 4 B index per synapse [+ 4 B α + 4 B H read + 4 B H written], row starts, "
          "per-neuron arrays, as tick.c counts them; the C and C# networks have the same shape, not the same draws: "
          f"C {meta['static-csr-10k']['synapses']} synapses, C# {cs_meta['static-10k']['synapses']})")


if __name__ == "__main__":
    main(sys.argv[1])
