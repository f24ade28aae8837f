#!/usr/bin/env bash
# Plasticity overhead: `ifm bench` of a hebbian_trace model (every edge plastic) with --plasticity on and off, and of
# the same network without plasticity, for 300/20% and 10k/1M; alternating rounds, medians over the rounds.
# With IFM_BEFORE set to another build's command line, both builds run in the same rounds (before/after ratios).
#
#   tests/bench/plasticity.sh
#   ROUNDS=7 IFM_BEFORE="dotnet /path/to/old/Ifm.Cli/bin/Release/net10.0/ifm.dll" tests/bench/plasticity.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
rounds="${ROUNDS:-5}"
out="${OUT:-$(mktemp -d -t ifm-plasticity.XXXXXX)}"
mkdir -p "$out"
cd "$repo"

# JIT runs: without tiered PGO, so what is timed is the steady optimised code (as in the NativeAOT binary that ships).
# With it, the median of short repetitions of the small ticks was bimodal here (3.7 vs 6-7.5 µs for the static
# 300-neuron tick, same minimum). Override with DOTNET_TieredPGO=1 to time the default JIT configuration.
export DOTNET_TieredPGO="${DOTNET_TieredPGO:-0}"

if [[ -z "${IFM:-}" ]]; then
    dotnet build runtime/Ifm.Cli -c Release -v q -nologo >/dev/null
    IFM="dotnet $repo/runtime/Ifm.Cli/bin/Release/net10.0/ifm.dll"
fi
declare -A builds=([after]="$IFM")
[[ -n "${IFM_BEFORE:-}" ]] && builds[before]="$IFM_BEFORE"

$IFM new --neurons 300 --connectivity 0.2 --out "$out/static-300.ifm" >/dev/null
$IFM new --neurons 10000 --connectivity 0.01 --out "$out/static-10k.ifm" >/dev/null
$IFM new --neurons 300 --connectivity 0.2 --rule hebbian_trace --out "$out/plastic-300.ifm" >/dev/null
$IFM new --neurons 10000 --connectivity 0.01 --rule hebbian_trace --out "$out/plastic-10k.ifm" >/dev/null

# Short repetitions (about 5 ms of ticks each), many of them: on a busy machine a long repetition is always
# preempted, a short one often is not, and the median picks those.
ticks_for() {
    case "$1" in
        static-300-off | plastic-300-off) echo 1200 ;;
        plastic-300-on) echo 300 ;;
        static-10k-off | plastic-10k-off) echo 10 ;;
        plastic-10k-on) echo 4 ;;
    esac
}

: >"$out/results.jsonl"
for r in $(seq 1 "$rounds"); do
    echo "round $r of $rounds" >&2
    for b in "${!builds[@]}"; do
        for size in 300 10k; do
            for c in "static-$size off" "plastic-$size off" "plastic-$size on"; do
                set -- $c
                ${builds[$b]} bench "$out/$1.ifm" --plasticity "$2" --ticks "$(ticks_for "$1-$2")" --repetitions 41 --json |
                    jq -c --arg build "$b" --arg name "$1-$2" --argjson round "$r" '{build: $build, name: $name, round: $round} + .' >>"$out/results.jsonl"
            done
        done
    done
done

summary() { # field label
    jq -rs --arg f "$1" '
      def median: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
      def med(b; n): [.[] | select(.build == b and .name == n) | .[$f]] | median;
      def r2: . * 100 | round / 100;
      . as $all
      | ([.[].build] | unique) as $builds
      | "build size static_µs off_µs on_µs on/off on/static",
        ( $builds[] as $b | ("300", "10k") as $s
          | ($all | med($b; "static-" + $s + "-off")) as $st
          | ($all | med($b; "plastic-" + $s + "-off")) as $off
          | ($all | med($b; "plastic-" + $s + "-on")) as $on
          | "\($b) \($s) \($st | r2) \($off | r2) \($on | r2) \(($on / $off) | r2)x \(($on / $st) | r2)x" )
    ' "$out/results.jsonl" | column -t
}

echo "wall-clock time per tick (median over rounds of each run's median):"
summary median_us_per_tick
echo
echo "CPU time of the benchmark thread per tick (median over rounds of each run's median; steadier on a busy machine):"
summary median_cpu_us_per_tick
echo "raw results: $out/results.jsonl ($rounds rounds, median of each run's median)"
