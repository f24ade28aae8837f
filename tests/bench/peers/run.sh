#!/usr/bin/env bash
# IFM Edge next to its peers, on the same networks, in alternating rounds; one table of medians and ratios.
#
#   tests/bench/peers/run.sh                     3 rounds
#   ROUNDS=5 tests/bench/peers/run.sh
#   IFM=artifacts/publish/linux-x64/ifm tests/bench/peers/run.sh     time the shipped NativeAOT binary (default: JIT build)
#   QUICK=1 tests/bench/peers/run.sh             1 round, shorter runs (a smoke test of the harness)
#   CORE=1 tests/bench/peers/run.sh              only IFM Edge event-driven and Brian2 cpp_standalone (the STDP target;
#                                                minutes instead of most of an hour on a busy machine)
#
# 1. Spiking STDP benchmark (network.py: 1,000 LIF neurons, 100,000 random synapses, pair-based STDP, dt 0.1 ms,
#    ~25 Hz): Brian2 2.5.1 cpp_standalone and cython (Debian python3-brian), PyTorch dense and sparse (Debian
#    python3-torch, one thread), IFM Edge `ifm bench` with plasticity on and off, event- and clock-driven.
#    Every contender reports its mean firing rate: the table shows it, and a contender whose rate differs from IFM
#    Edge's by more than 25 % is flagged (a network that does not spike is no comparison).
# 2. Rate network, 300 neurons / 20 % (the paper's state neurons): tests/bench/tick.c built with
#    -O3 -march=native and with -O3 -march=native -ffast-math, and `ifm bench`.
# Every contender is timed by the CPU time of the process or thread that simulates: Brian2's cpp_standalone reports
# only that (its generated main times the run with std::clock()), so IFM Edge reports its thread's CPU time
# (`ifm bench`'s median_cpu_us_per_tick), the Python runs time.process_time() and tick.c its median_cpu_us. On an idle
# machine CPU and wall time agree; on a shared one the wall clock mostly measures the wait for a core (the raw
# results keep IFM Edge's and tick.c's wall clock too).
# Needs: gcc, /usr/bin/python3 with python3-brian, python3-torch, python3-numpy; the .NET SDK.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
rounds="${ROUNDS:-3}"
out="${OUT:-$(mktemp -d -t ifm-peers.XXXXXX)}"
py=/usr/bin/python3
sim=1.0; torch_sim=0.2; reps=5
if [[ -n "${QUICK:-}" ]]; then rounds=1; sim=0.2; torch_sim=0.1; reps=3; fi
mkdir -p "$out"
cd "$repo"
export DOTNET_TieredPGO="${DOTNET_TieredPGO:-0}"
if [[ -n "${IFM:-}" ]]; then
    read -ra ifm <<<"$IFM"
else
    dotnet build runtime/Ifm.Cli -c Release -v q -nologo >/dev/null
    ifm=(dotnet "$repo/runtime/Ifm.Cli/bin/Release/net10.0/ifm.dll")
fi

echo "== networks and C baselines in $out"
"$py" "$here/network.py" "$out"
"${ifm[@]}" new --neurons 300 --connectivity 0.2 --out "$out/rate-300.ifm" >/dev/null
gcc -O3 -march=native -o "$out/tick-O3-native" "$here/../tick.c" -lm
gcc -O3 -march=native -ffast-math -o "$out/tick-O3-native-fastmath" "$here/../tick.c" -lm
ticks=$(awk -v s="$sim" 'BEGIN { printf "%d", s / 0.0001 }')

ifm_line() { # contender stdp model args...: ifm bench -> one JSON line like the Python scripts
    local name="$1" stdp="$2"; shift 2
    "${ifm[@]}" bench "$@" --ticks "$ticks" --repetitions "$reps" --json |
        "$py" -c 'import json,sys,re; d=json.load(sys.stdin); r=re.search(r"firing rate ([0-9.]+) Hz", d["layout"])
print(json.dumps({"contender": sys.argv[1], "stdp": sys.argv[2], "seconds_per_sim_second": d["median_cpu_us_per_tick"]*1e-6/1e-4,
"wall_seconds_per_sim_second": d["median_us_per_tick"]*1e-6/1e-4, "rate_hz": float(r.group(1)) if r else None, "detail": d["layout"]}))' "$name" "$stdp"
}

: >"$out/results.jsonl"
for ((r = 1; r <= rounds; r++)); do
    echo "== round $r of $rounds"
    for stdp in on off; do
        model="$out/stdp.ifm"; [[ $stdp == off ]] && model="$out/static.ifm"
        ifm_line "IFM Edge (event-driven)" $stdp "$model" --plasticity on --propagation event >>"$out/results.jsonl"
        "$py" "$here/brian2_stdp.py" "$out" --target cpp_standalone --stdp $stdp --seconds "$sim" 2>/dev/null | tail -1 >>"$out/results.jsonl"
        [[ -n "${CORE:-}" ]] && continue
        ifm_line "IFM Edge (clock-driven, layout auto)" $stdp "$model" --plasticity on --propagation clock >>"$out/results.jsonl"
        "$py" "$here/brian2_stdp.py" "$out" --target cython --stdp $stdp --seconds "$sim" 2>/dev/null | tail -1 >>"$out/results.jsonl"
        "$py" "$here/torch_stdp.py" "$out" --layout sparse --stdp $stdp --seconds "$torch_sim" | tail -1 >>"$out/results.jsonl"
        "$py" "$here/torch_stdp.py" "$out" --layout dense --stdp $stdp --seconds "$torch_sim" | tail -1 >>"$out/results.jsonl"
    done
    [[ -n "${CORE:-}" ]] && continue
    for build in O3-native O3-native-fastmath; do
        "$out/tick-$build" --reps "$reps" --ms 50 --case static-dense-300 |
            "$py" -c 'import sys,json; f=dict(kv.split("=") for kv in sys.stdin.read().split()); print(json.dumps({"contender": "C tick.c gcc -'"$build"'", "rate_network": True, "us_per_tick": float(f["median_cpu_us"]), "wall_us_per_tick": float(f["median_us"])}))' >>"$out/results.jsonl"
    done
    "${ifm[@]}" bench "$out/rate-300.ifm" --repetitions "$reps" --json |
        "$py" -c 'import sys,json; d=json.load(sys.stdin); print(json.dumps({"contender": "IFM Edge ifm bench ("+d["layout"]+")", "rate_network": True, "us_per_tick": d["median_cpu_us_per_tick"], "wall_us_per_tick": d["median_us_per_tick"]}))' >>"$out/results.jsonl"
done
"$py" "$here/table.py" "$out/results.jsonl"
echo "raw results: $out/results.jsonl"
