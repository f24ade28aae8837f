#!/usr/bin/env bash
# Builds the firmware library, the virtual MCU and the C tests, then runs ctest twice:
# plain (firmware/build) and with AddressSanitizer + UBSan (firmware/build-asan), then valgrind memcheck if installed.
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
# Memcheck on the plain build too (different tool, same inputs) when valgrind is installed.
if command -v valgrind >/dev/null 2>&1; then
  echo "== firmware-bridge: valgrind memcheck (parser fuzz, device)"
  for t in test_fuzz test_device; do
    valgrind -q --error-exitcode=1 --leak-check=full "$here/firmware/build/$t" >/dev/null
  done
  echo "valgrind: clean"
fi
