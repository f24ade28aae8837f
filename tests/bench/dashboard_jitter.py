#!/usr/bin/env python3
"""Loop jitter of the published `ifm run` with and without a live-dashboard client (a benchmark, not a test).

Runs the Pong model against the built-in Pong plant at --rate Hz for --duration s, in rounds; each round runs every
condition once, in turn, so a change of machine load hits every condition alike:
  off      no --dashboard
  idle     --dashboard, no client
  client   --dashboard and a browser-like client reading the event stream (5 frames/s)
  stalled  --dashboard and a client that requests the event stream and never reads it (its socket buffer fills)
and prints, per condition, the median over rounds of the run's period-jitter p50/p99 and compute p50/p99 (µs) from
the final report, and each condition's ratio to `off`.

Usage: python3 tests/bench/dashboard_jitter.py [--ifm artifacts/publish/linux-x64/ifm] [--rounds 5] [--duration 5] [--rate 1000]
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


def run(ifm, condition, duration, rate):
    args = [ifm, "run", os.path.join(ROOT, "runtime", "models", "pong.ifm"), "--sim", "pong", "--rate", str(rate), "--duration", str(duration)]
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
    p.wait()
    stop.set()
    text = "".join(out)
    if p.returncode != 0:
        raise SystemExit(f"ifm run ({condition}) exited {p.returncode}:\n{text}")
    figures = {name: (float(p50), float(p99)) for name, p50, p99 in LINE.findall(text)}
    return figures["period jitter"] + figures["compute"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ifm", default=os.path.join(ROOT, "artifacts", "publish", "linux-x64", "ifm"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--duration", type=float, default=5)
    ap.add_argument("--rate", type=int, default=1000)
    a = ap.parse_args()
    conditions = ["off", "idle", "client", "stalled"]
    results = {c: [] for c in conditions}
    for r in range(a.rounds):
        for c in conditions:
            results[c].append(run(a.ifm, c, a.duration, a.rate))
        print(f"round {r + 1}/{a.rounds} done", flush=True)
    med = {c: [statistics.median(v[i] for v in results[c]) for i in range(4)] for c in conditions}
    print(f"\n{a.rounds} rounds x {a.duration:g} s at {a.rate} Hz, pong model on the built-in plant; medians over rounds (µs)")
    print(f"{'condition':10} {'jitter p50':>11} {'jitter p99':>11} {'compute p50':>12} {'compute p99':>12}   p99 jitter / off")
    for c in conditions:
        j50, j99, c50, c99 = med[c]
        print(f"{c:10} {j50:11.1f} {j99:11.1f} {c50:12.1f} {c99:12.1f}   {j99 / med['off'][1]:.2f}")


if __name__ == "__main__":
    main()
