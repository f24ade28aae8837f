#!/usr/bin/env bash
# Builds the C baseline (tick.c at -O2, -O3 -march=native, and -O3 -march=native -ffast-math) and membw.c, builds the
# CLI, makes the benchmark models with `ifm new`, then runs C and `ifm bench --json` in alternating rounds and prints
# the comparison table (medians over the rounds of each run's own median).
#
#   tests/bench/run.sh                 3 rounds
#   ROUNDS=5 tests/bench/run.sh        more rounds (steadier medians on a busy machine)
#   IFM="artifacts/publish/linux-x64/ifm" tests/bench/run.sh    time a NativeAOT binary instead of the JIT
#
# Raw outputs stay in $OUT (default: a fresh temporary folder, printed at the end).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
rounds="${ROUNDS:-3}"
out="${OUT:-$(mktemp -d -t ifm-bench.XXXXXX)}"
mkdir -p "$out"
cd "$repo"

# JIT runs: without tiered PGO, so what is timed is the steady optimised code (as in the NativeAOT binary that ships).
# With it, the median of short repetitions of the small ticks was bimodal here (3.7 vs 6-7.5 µs for the static
# 300-neuron tick, same minimum). Override with DOTNET_TieredPGO=1 to time the default JIT configuration.
export DOTNET_TieredPGO="${DOTNET_TieredPGO:-0}"

echo "== building the C baseline into $out"
gcc -O2 -Wall -Wextra -o "$out/tick-O2" "$here/tick.c" -lm
gcc -O3 -march=native -Wall -Wextra -o "$out/tick-O3-native" "$here/tick.c" -lm
gcc -O3 -march=native -ffast-math -Wall -Wextra -o "$out/tick-O3-native-fastmath" "$here/tick.c" -lm
gcc -O3 -march=native -Wall -Wextra -o "$out/membw" "$here/membw.c"

if [[ -n "${IFM:-}" ]]; then
    read -ra ifm <<<"$IFM"
else
    echo "== building runtime/Ifm.Cli (Release)"
    dotnet build runtime/Ifm.Cli -c Release -v q -nologo >/dev/null
    ifm=(dotnet "$repo/runtime/Ifm.Cli/bin/Release/net10.0/ifm.dll")   # what `dotnet run -c Release --project runtime/Ifm.Cli --` runs
fi

echo "== models"
"${ifm[@]}" new --neurons 300 --connectivity 0.2 --out "$out/static-300.ifm"
"${ifm[@]}" new --neurons 10000 --connectivity 0.01 --out "$out/static-10k.ifm"
"${ifm[@]}" new --neurons 300 --connectivity 0.2 --rule hebbian_trace --out "$out/plastic-300.ifm"
"${ifm[@]}" new --neurons 10000 --connectivity 0.01 --rule hebbian_trace --out "$out/plastic-10k.ifm"

# Short repetitions (about 5 ms of ticks each), many of them: on a busy machine a long repetition is always
# preempted, a short one often is not, and the median picks those.
ticks_for() {
    case "$1" in
        static-300 | plastic-300-off) echo 1200 ;;
        plastic-300-on) echo 300 ;;
        static-10k | plastic-10k-off) echo 10 ;;
        plastic-10k-on) echo 4 ;;
    esac
}

cs_bench() { # name model plasticity
    "${ifm[@]}" bench "$out/$2" --plasticity "$3" --ticks "$(ticks_for "$1")" --repetitions 41 --json |
        jq -c --arg name "$1" '{name: $name} + .' >>"$out/csharp.jsonl"
}

echo "== membw"
"$out/membw" --reps 7 | tee "$out/membw.txt"

: >"$out/c.txt"
: >"$out/csharp.jsonl"
for r in $(seq 1 "$rounds"); do
    echo "== round $r of $rounds"
    for v in O3-native O2 O3-native-fastmath; do
        "$out/tick-$v" --reps 41 --ms 5 | sed "s/^/build=$v round=$r /" >>"$out/c.txt"
    done
    cs_bench static-300 static-300.ifm off
    cs_bench static-10k static-10k.ifm off
    cs_bench plastic-300-off plastic-300.ifm off
    cs_bench plastic-300-on plastic-300.ifm on
    cs_bench plastic-10k-off plastic-10k.ifm off
    cs_bench plastic-10k-on plastic-10k.ifm on
done

python3 "$here/table.py" "$out"
echo
echo "raw results: $out"
