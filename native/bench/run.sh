#!/usr/bin/env bash
# Per-call overhead of ifm_step from C vs the same call in-process from C# (JIT and NativeAOT), on a tiny model,
# and start-up time to the first tick of the C sample. Figures are medians; the machine's load moves them, so
# compare the lines of one run. Needs artifacts/publish/linux-x64/{ifm,libifm.so} (scripts/release.sh).
#   bash native/bench/run.sh [CALLS] [ROUNDS] [STARTUP_RUNS]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
pub="${IFM_ARTIFACTS:-$repo/artifacts/publish}/linux-x64"
calls="${1:-2000000}" rounds="${2:-7}" runs="${3:-21}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

"$pub/ifm" new --neurons 8 --inputs 2 --outputs 2 --connectivity 0.5 --seed 1 --out "$out/tiny.ifm" >/dev/null
gcc -O2 -std=c11 -I "$repo/native/include" "$repo/native/bench/step_bench.c" -L "$pub" -lifm -Wl,-rpath,"$pub" -o "$out/step_bench"
gcc -O2 -std=c11 "$repo/native/bench/startup_bench.c" -o "$out/startup_bench"
gcc -O2 -std=c11 -I "$repo/native/include" "$repo/native/samples/c/ifm_sample.c" -L "$pub" -lifm -Wl,-rpath,"$pub" -o "$out/ifm_sample_c"
dotnet build "$repo/native/bench/StepBench" -c Release --nologo -v quiet -o "$out/jit" >/dev/null
dotnet publish "$repo/native/bench/StepBench" -c Release -r linux-x64 -p:PublishAot=true --nologo -v quiet -o "$out/aot" >/dev/null

echo "== per call, tiny model (8 neurons) =="
for _ in 1 2; do
  "$out/step_bench" "$out/tiny.ifm" "$calls" "$rounds"
  "$out/aot/StepBench" "$out/tiny.ifm" "$calls" "$rounds"
  dotnet "$out/jit/StepBench.dll" "$out/tiny.ifm" "$calls" "$rounds"
done
echo "== start-up to the first tick (C sample) =="
"$out/startup_bench" "$out/ifm_sample_c" "$out/tiny.ifm" "$runs"
"$out/startup_bench" "$out/ifm_sample_c" "$repo/runtime/models/pong.ifm" "$runs"
