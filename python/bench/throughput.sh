#!/usr/bin/env bash
# Training throughput on the Pong recipe (runtime/models/README.md, selection by loss so no games are timed):
# `ifm train` (C#, one core) against ifm_torch on 1 process (1 thread) and on 2 gloo processes (1 thread each),
# in alternating rounds on the same machine. Samples = training ticks run forward and backward (the same count for
# every trainer: the training part of c0-c2 after alignment, times the epochs); time = the trainer's own training time
# (data loading and process start excluded). Prints the median of each and its ratio to `ifm train`.
#   python/bench/throughput.sh                    ROUNDS=3 EPOCHS=1 by default
#   IFM="dotnet runtime/Ifm.Cli/bin/Release/net10.0/ifm.dll" python/bench/throughput.sh
#   TWO_THREADS=1 python/bench/throughput.sh      also 1 process with 2 torch threads (only on an otherwise idle
#                                                 machine: on an oversubscribed one OpenMP's spinning threads stall it)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
IFM="${IFM:-$root/runtime/Ifm.Cli/bin/Release/net10.0/ifm}"
PY="${PY:-/usr/bin/python3}"
ROUNDS="${ROUNDS:-3}"
EPOCHS="${EPOCHS:-1}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
data=("$root/tests/data/pong/c0.txt" "$root/tests/data/pong/c1.txt" "$root/tests/data/pong/c2.txt")
recipe=(--loss ce --epochs "$EPOCHS" --batch 16 --lr 2e-3 --patience 0 --class-weights balanced --predict-ahead 1 --target-span 10 --seed 2)
$IFM new --neurons 200 --inputs 24 --outputs 3 --connectivity 0.2 --seed 2 --out "$out/start.ifm" > /dev/null
ticks=$(cd "$root/python" && $PY -c "
import sys
from ifm_torch.data import load_sequence
from ifm_torch.train import TrainOptions, align, split
o = TrainOptions(predict_ahead=1, target_span=10)
train, _ = split([align(load_sequence(f), o) for f in sys.argv[1:]], o)
print(sum(s.ticks for s in train))" "${data[@]}")
echo "Pong recipe: 200 neurons, 6,872 edges, $ticks training ticks per epoch, $EPOCHS epoch(s) per run, $ROUNDS rounds"
declare -A times
run() {  # name, command...: appends the training seconds of one run
  local name="$1"; shift
  local log; log="$("$@" 2>&1)" || { echo "$name failed: $log" >&2; exit 1; }
  local s; s=$(echo "$log" | sed -n 's/.* in \([0-9.]*\) s.*/\1/p' | tail -1)
  times[$name]="${times[$name]:-} $s"
  echo "  $name: $s s"
}
for r in $(seq "$ROUNDS"); do
  run "ifm train (C#, 1 core)" $IFM train "${data[@]}" --init "$out/start.ifm" --out "$out/cs.ifm" "${recipe[@]}"
  run "ifm_torch, 1 process, 1 thread" bash -c "cd '$root/python' && OMP_NUM_THREADS=1 $PY -m ifm_torch.train ${data[*]} --init $out/start.ifm --out $out/py1.ifm ${recipe[*]} --threads 1"
  [ "${TWO_THREADS:-0}" = 1 ] && run "ifm_torch, 1 process, 2 threads" bash -c "cd '$root/python' && $PY -m ifm_torch.train ${data[*]} --init $out/start.ifm --out $out/py2.ifm ${recipe[*]} --threads 2"
  run "ifm_torch, 2 processes (gloo)" bash -c "cd '$root/python' && OMP_NUM_THREADS=1 $PY -m ifm_torch.torchrun --standalone --nproc_per_node=2 -m ifm_torch.train ${data[*]} --init $out/start.ifm --out $out/dp.ifm ${recipe[*]} --threads 1"
  echo "round $r done"
done
printf '%-34s %10s %14s %8s\n' "trainer" "median s" "samples/s" "vs C#"
base=""
for name in "ifm train (C#, 1 core)" "ifm_torch, 1 process, 1 thread" "ifm_torch, 1 process, 2 threads" "ifm_torch, 2 processes (gloo)"; do
  [ -z "${times[$name]:-}" ] && continue
  med=$(echo ${times[$name]} | tr ' ' '\n' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
  rate=$(awk -v t="$ticks" -v e="$EPOCHS" -v s="$med" 'BEGIN {printf "%.0f", t * e / s}')
  [ -z "$base" ] && base="$rate"
  printf '%-34s %10s %14s %8s   (runs: %s)\n' "$name" "$med" "$rate" "$(awk -v a="$rate" -v b="$base" 'BEGIN {printf "%.2f", a / b}')" "${times[$name]# }"
done
