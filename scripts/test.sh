#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run) and as the README gives it:
#   1. system packages (apt-get, as root)            scripts/install-deps.sh
#   2. build everything, warnings are errors          dotnet build IFM.sln -c Release
#   3. NativeAOT binaries for linux-x64, linux-arm64  scripts/publish.sh   (tests run them; arm64 under qemu-user;
#      also the x64 diagnostics build that dotnet-counters attaches to)
#   4. the C firmware library: plain, ASan/UBSan, valgrind   firmware-bridge/test.sh
#   5. every xunit suite of IFM.sln, one after another
# Ends with one line "N passed, M failed"; exits non-zero when anything failed.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export IFM_ARTIFACTS="$root/artifacts/publish"
results="$root/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
start=$(date +%s)
passed=0; failed=0; broken=()

step() { echo; echo "==== $* ($(( $(date +%s) - start )) s)"; }
fail_step() { broken+=("$1"); failed=$((failed + 1)); echo "!!!! $1 failed"; }

step "system packages"
bash scripts/install-deps.sh || { echo "test: cannot install the system packages" >&2; exit 1; }

step "build IFM.sln (Release)"
if ! dotnet build IFM.sln -c Release -nologo -v:q; then
  echo "0 passed, 1 failed (build)"; exit 1
fi

step "local dotnet tools (.config/dotnet-tools.json: pwsh for build.ps1, dotnet-counters for the counters test)"
dotnet tool restore >/dev/null || fail_step "dotnet tool restore"

step "publish NativeAOT linux-x64 and linux-arm64"
bash scripts/publish.sh linux-x64 linux-arm64 || fail_step "publish"
bash scripts/publish.sh --diagnostics linux-x64 || fail_step "publish (diagnostics build)"

step "firmware bridge C library (ctest plain + ASan/UBSan, valgrind)"
if out=$(bash firmware-bridge/test.sh 2>&1); then
  echo "$out" | grep -E "tests passed|valgrind|^==" || true
  n=$(echo "$out" | sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\2/p' | awk '{s+=$1} END {print s+0}')
  passed=$((passed + n))
else
  echo "$out" | tail -40; fail_step "firmware-bridge/test.sh"
fi

# Test projects in solution order; each gets its own time limit so a hang cannot eat the CI budget.
mapfile -t projects < <(dotnet sln IFM.sln list | grep -E '^tests/.*Tests\.csproj$' | grep -v 'Ifm.TestHost')
for proj in "${projects[@]}"; do
  name=$(basename "$proj" .csproj)
  step "$name"
  log="$results/$name.log"
  timeout --signal=INT --kill-after=60 1500 \
    dotnet test "$proj" -c Release --no-build --nologo --results-directory "$results" \
      --logger "trx;LogFileName=$name.trx" --blame-hang-timeout 5m 2>&1 | tee "$log" | grep -E "^(Passed|Failed)!|^\s+Failed |error" || true
  code=${PIPESTATUS[0]}
  summary=$(grep -E "^(Passed|Failed)!" "$log" | tail -1)
  p=$(echo "$summary" | sed -n 's/.*Passed: *\([0-9]*\).*/\1/p'); f=$(echo "$summary" | sed -n 's/.*Failed: *\([0-9]*\),.*/\1/p')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  if [ "$code" -ne 0 ]; then
    [ "${f:-0}" -eq 0 ] && fail_step "$name (exit $code)" || broken+=("$name")
  fi
done

echo
echo "==== done in $(( $(date +%s) - start )) s"
[ ${#broken[@]} -gt 0 ] && echo "failing: ${broken[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
