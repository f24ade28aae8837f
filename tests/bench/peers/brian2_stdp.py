"""The spiking STDP benchmark (network.py) in Brian2, for comparison with IFM Edge.

    python3 brian2_stdp.py NET_DIR --target cpp_standalone|cython|numpy [--stdp on|off] [--seconds 1]

Prints one JSON line: seconds of CPU time per simulated second (the simulation only: code generation and
compilation are excluded — cpp_standalone: the binary's own run time, which its generated main measures with
std::clock(), i.e. CPU time; runtime targets: time.process_time() over a second run after a warm-up run that
compiled everything) and the mean firing rate in Hz.

The equations are those of IFM Edge's lif neuron (FORMAT.md section 5) and stdp rule (section 6), written the
Brian2 way: forward Euler on dv/dt = (v_leak - v + R*I)/tau with the bias as I; a spike in step t reaches the
targets' v before the update of step t+1 (IFM: its current enters that update, so the on_pre increment is
k*R*w/(1-k), k = dt/tau, which gives the same v); pair-based STDP with traces decaying by exp(-dt/tau) per step.
"""
import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("net")
    ap.add_argument("--target", default="cpp_standalone", choices=["cpp_standalone", "cython", "numpy"])
    ap.add_argument("--stdp", default="on", choices=["on", "off"])
    ap.add_argument("--seconds", type=float, default=1.0)
    a = ap.parse_args()
    d = np.load(os.path.join(a.net, "net.npz"))

    import brian2 as b2
    b2.prefs.logging.console_log_level = "ERROR"
    build_dir = tempfile.mkdtemp(prefix="brian2-bench-")
    if a.target == "cpp_standalone":
        b2.set_device("cpp_standalone", directory=build_dir, build_on_run=False)
    else:
        b2.prefs.codegen.target = a.target
    dt = float(d["dt"])
    tau = float(d["tau"])
    k = dt / tau
    b2.defaultclock.dt = dt * b2.second
    n = len(d["bias"])
    g = b2.NeuronGroup(n, "dv/dt = (0 - v + I)/tau_m : 1\nI : 1\ntau_m : second", threshold="v > 1", reset="v = 0",
                       method="euler")
    g.I = d["bias"].astype(np.float64)
    g.tau_m = tau * b2.second
    c = k / (1 - k)
    if a.stdp == "on":
        model = """w : 1
                   dapre/dt = -apre/taup : 1 (event-driven)
                   dapost/dt = -apost/taum : 1 (event-driven)"""
        on_pre = f"""v_post += {c}*w
                     w = clip(w - {float(d['a_minus'])}*apost, {float(d['w_min'])}, {float(d['w_max'])})
                     apre += 1"""
        on_post = f"""w = clip(w + {float(d['a_plus'])}*apre, {float(d['w_min'])}, {float(d['w_max'])})
                      apost += 1"""
        s = b2.Synapses(g, g, model, on_pre=on_pre, on_post=on_post, namespace={
            "taup": float(d["tau_plus"]) * b2.second, "taum": float(d["tau_minus"]) * b2.second})
    else:
        s = b2.Synapses(g, g, "w : 1", on_pre=f"v_post += {c}*w")
    s.connect(i=d["pre"].astype(np.int64), j=d["post"].astype(np.int64))
    s.w = d["w"].astype(np.float64)
    s.delay = 0 * b2.second
    mon = b2.SpikeMonitor(g, record=False)
    net = b2.Network(g, s, mon)
    if a.target == "cpp_standalone":
        net.run(a.seconds * b2.second)
        b2.device.build(directory=build_dir, compile=True, run=True, debug=False)
        elapsed = b2.device._last_run_time
    else:
        net.run(10 * b2.ms)  # compiles every code object
        before = mon.num_spikes
        t0 = time.process_time()
        net.run(a.seconds * b2.second)
        elapsed = time.process_time() - t0
    spikes = mon.num_spikes - (0 if a.target == "cpp_standalone" else before)
    print(json.dumps({"contender": f"brian2 {b2.__version__} {a.target}", "stdp": a.stdp,
                      "seconds_per_sim_second": elapsed / a.seconds, "rate_hz": spikes / (n * a.seconds)}))


if __name__ == "__main__":
    sys.exit(main())
