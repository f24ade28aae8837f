#!/usr/bin/env python3
"""Loop jitter of the published `ifm run` with and without a live-dashboard client (a benchmark, not a test).

Runs the Pong model against the built-in Pong plant at --rate Hz for --duration s, in rounds; each round runs every
condition once, in turn, so a change of machine load hits every condition alike:
  off      no --dashboard
  idle     --dashboard, no client
  client   --dashboard and a browser-like client reading the event stream (5 frames/s)
  stalled  --dashboard and a client that requests the event stream and never reads it (its socket buffer fills)
and prints, per condition, the median over rounds of the run's period-jitter p50/p99 and compute p50/p99 (µs) from
the final report, the overrun share, the whole process's CPU time per second of run (user + system, from wait4:
what the dashboard threads cost, independent of how long the scheduler kept the process waiting), and each
condition's p99-jitter ratio to `off`. The order of the conditions rotates from round to round.

On a shared or loaded machine pass --rt-priority N: the loop thread then runs SCHED_FIFO (ifm run --rt-priority, as a
deployment would), so other processes no longer take whole periods from it and what remains is the dashboard's own
effect (its HTTP threads stay at normal priority). The script checks the run reports the priority as applied.

Usage: python3 tests/bench/dashboard_jitter.py [--ifm artifacts/publish/linux-x64/ifm] [--rounds 5] [--duration 5]
       [--rate 1000] [--rt-priority 80]
"""
import argparse
import os
import re
import socket
import statistics
import subprocess
import threading
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LINE = re.compile(r"^\s*(period jitter|compute)\s+p50\s+([\d.]+) µs\s+p99\s+([\d.]+) µs", re.M)
OVERRUNS = re.compile(r"^\s*overruns (\d+) ", re.M)
PERIODS = re.compile(r"after (\d+) periods", re.M)
URL = re.compile(r"http://127\.0\.0\.1:\d+/\?token=[0-9a-f]+")


def reader(url, stop):
    events = url.replace("/?token=", "/events?token=")
    with urllib.request.urlopen(events, timeout=30) as r:
        while not stop.is_set() and r.readline():
            pass


def stalled(url, stop):
    host, port = re.match(r"http://([\d.]+):(\d+)/", url).groups()
    token = url.split("token=")[1]
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    s.connect((host, int(port)))
    s.sendall(f"GET /events?token={token} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    stop.wait()
    s.close()


def run(ifm, condition, duration, rate, rt_priority):
    args = [ifm, "run", os.path.join(ROOT, "runtime", "models", "pong.ifm"), "--sim", "pong", "--rate", str(rate), "--duration", str(duration)]
    if rt_priority:
        args += ["--rt-priority", str(rt_priority)]
    if condition != "off":
        args += ["--dashboard", "127.0.0.1:0"]
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    stop, client, out = threading.Event(), None, []
    for line in p.stdout:
        out.append(line)
        m = URL.search(line)
        if m and condition in ("client", "stalled"):
            client = threading.Thread(target=reader if condition == "client" else stalled, args=(m.group(0), stop), daemon=True)
            client.start()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    stop.set()
    text = "".join(out)
    if p.returncode != 0:
        raise SystemExit(f"ifm run ({condition}) exited {p.returncode}:\n{text}")
    if rt_priority and f"SCHED_FIFO priority {rt_priority} on the loop thread" not in text:
        raise SystemExit(f"ifm run ({condition}) did not apply --rt-priority {rt_priority}:\n{text}")
    figures = {name: (float(p50), float(p99)) for name, p50, p99 in LINE.findall(text)}
    overrun_pct = 100.0 * int(OVERRUNS.search(text).group(1)) / max(1, int(PERIODS.search(text).group(1)))
    cpu_ms_per_s = 1000.0 * (usage.ru_utime + usage.ru_stime) / duration
    return figures["period jitter"] + figures["compute"] + (overrun_pct, cpu_ms_per_s)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ifm", default=os.path.join(ROOT, "artifacts", "publish", "linux-x64", "ifm"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--duration", type=float, default=5)
    ap.add_argument("--rate", type=int, default=1000)
    ap.add_argument("--rt-priority", type=int, default=0, help="SCHED_FIFO priority of the loop thread (0: none)")
    a = ap.parse_args()
    conditions = ["off", "idle", "client", "stalled"]
    results = {c: [] for c in conditions}
    for r in range(a.rounds):
        for c in conditions[r % len(conditions):] + conditions[:r % len(conditions)]:
            results[c].append(run(a.ifm, c, a.duration, a.rate, a.rt_priority))
        print(f"round {r + 1}/{a.rounds} done (load {os.getloadavg()[0]:.1f})", flush=True)
    med = {c: [statistics.median(v[i] for v in results[c]) for i in range(6)] for c in conditions}
    rt = f", loop thread SCHED_FIFO {a.rt_priority}" if a.rt_priority else ""
    print(f"\n{a.rounds} rounds x {a.duration:g} s at {a.rate} Hz{rt}, pong model on the built-in plant; medians over rounds (µs)")
    print(f"{'condition':10} {'jitter p50':>11} {'jitter p99':>11} {'compute p50':>12} {'compute p99':>12} {'overruns %':>11} "
          f"{'CPU ms/s':>9}   p99 jitter / off   (jitter p99 of each round, µs)")
    for c in conditions:
        j50, j99, c50, c99, ov, cpu = med[c]
        per_round = " ".join(f"{v[1]:.1f}" for v in results[c])
        print(f"{c:10} {j50:11.1f} {j99:11.1f} {c50:12.1f} {c99:12.1f} {ov:11.2f} {cpu:9.1f}   {j99 / med['off'][1]:16.2f}   ({per_round})")


if __name__ == "__main__":
    main()
