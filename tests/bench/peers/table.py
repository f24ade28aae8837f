"""Formats tests/bench/peers/run.sh's results.jsonl: medians over rounds, ratios to IFM Edge, firing-rate check."""
import json
import statistics
import sys
from collections import defaultdict


def main(path):
    rows = [json.loads(l) for l in open(path) if l.strip()]
    spiking = defaultdict(list)
    rates = defaultdict(list)
    rate_net = defaultdict(list)
    for r in rows:
        if r.get("rate_network"):
            rate_net[r["contender"]].append(r["us_per_tick"])
        else:
            spiking[(r["stdp"], r["contender"])].append(r["seconds_per_sim_second"])
            if r.get("rate_hz") is not None:
                rates[(r["stdp"], r["contender"])].append(r["rate_hz"])
    for stdp in ("on", "off"):
        ref = statistics.median(spiking.get((stdp, "IFM Edge (event-driven)"), [float("nan")]))
        ref_rate = statistics.median(rates.get((stdp, "IFM Edge (event-driven)"), [float("nan")]))
        print(f"\nSpiking benchmark, STDP {stdp}: 1,000 LIF, 100,000 synapses, dt 0.1 ms (medians of {len(spiking.get((stdp, 'IFM Edge (event-driven)'), []))} rounds)")
        print(f"| contender | CPU s per simulated s | × IFM Edge's time | firing rate (Hz) |")
        print("|---|---:|---:|---:|")
        for (s, name), v in sorted(spiking.items(), key=lambda kv: statistics.median(kv[1])):
            if s != stdp:
                continue
            m = statistics.median(v)
            rate = statistics.median(rates[(s, name)]) if rates.get((s, name)) else float("nan")
            flag = "" if abs(rate - ref_rate) <= 0.25 * ref_rate else " (rate differs!)"
            print(f"| {name} | {m:.4f} | {m / ref:.2f} | {rate:.1f}{flag} |")
    on = spiking.get(("on", "IFM Edge (event-driven)"))
    off = spiking.get(("off", "IFM Edge (event-driven)"))
    b2 = spiking.get(("on", "brian2 2.5.1 cpp_standalone"))
    if on and off:
        print(f"\nIFM Edge event-driven, STDP on / off: {statistics.median(on) / statistics.median(off):.2f}x")
    if on and b2:
        print(f"IFM Edge event-driven STDP on / Brian2 cpp_standalone STDP on: {statistics.median(on) / statistics.median(b2):.2f} of its time")
    if rate_net:
        print("\nRate network, 300 neurons / 20 %, static tick")
        print("| contender | CPU µs per tick |")
        print("|---|---:|")
        for name, v in sorted(rate_net.items(), key=lambda kv: statistics.median(kv[1])):
            print(f"| {name} | {statistics.median(v):.2f} |")


if __name__ == "__main__":
    main(sys.argv[1])
