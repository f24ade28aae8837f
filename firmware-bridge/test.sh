#!/usr/bin/env bash
# Builds the firmware library, the virtual MCU and the C tests, then runs ctest twice:
# plain (firmware/build) and with AddressSanitizer + UBSan (firmware/build-asan).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jobs="${JOBS:-2}"
for variant in plain asan; do
  if [ "$variant" = plain ]; then dir="$here/firmware/build"; flag=OFF; else dir="$here/firmware/build-asan"; flag=ON; fi
  echo "== firmware-bridge: $variant build in ${dir#$here/}"
  cmake -S "$here/firmware" -B "$dir" -DIFM_SANITIZE=$flag -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$dir" -j "$jobs" >/dev/null
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$dir" --output-on-failure
done
