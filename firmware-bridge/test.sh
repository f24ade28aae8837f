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
# libFuzzer on the frame parser and the device's dispatch (firmware/tests/fuzz_frame.c, ASan + UBSan), from the kept
# corpus firmware/tests/corpus/frame, for IFM_FUZZ_RUNS inputs (default 100000; e.g. IFM_FUZZ_RUNS=-1 runs until
# stopped). New coverage goes to firmware/build-fuzz/corpus; a crashing input is written to firmware/build-fuzz/ and
# belongs in the kept corpus once fixed. Uses the first clang whose libFuzzer runtime is installed.
fuzz_dir="$here/firmware/build-fuzz"
fuzzer_cc=""
for cc in clang-15 clang-16 clang-17 clang-14 clang; do
  command -v "$cc" >/dev/null 2>&1 || continue
  mkdir -p "$fuzz_dir/corpus"
  if "$cc" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I"$here/firmware/src" \
       "$here/firmware/tests/fuzz_frame.c" "$here"/firmware/src/*.c -lm -o "$fuzz_dir/fuzz_frame" 2>/dev/null; then
    fuzzer_cc="$cc"
    break
  fi
done
if [ -n "$fuzzer_cc" ]; then
  runs="${IFM_FUZZ_RUNS:-100000}"
  echo "== firmware-bridge: libFuzzer ($fuzzer_cc) on the frame parser and device dispatch, $runs runs"
  (cd "$fuzz_dir" && ASAN_OPTIONS=detect_leaks=1 ./fuzz_frame -runs="$runs" -seed=20261207 -max_len=4096 \
     -artifact_prefix="$fuzz_dir/" "$fuzz_dir/corpus" "$here/firmware/tests/corpus/frame" 2>&1 | grep -E '^(Done|INFO: seed corpus|==|SUMMARY)' )
else
  echo "== firmware-bridge: no clang with libFuzzer (apt-get install libclang-common-15-dev); the seeded mutation fuzz ran in ctest"
fi

# Memcheck on the plain build too (different tool, same inputs) when valgrind is installed.
if command -v valgrind >/dev/null 2>&1; then
  echo "== firmware-bridge: valgrind memcheck (parser fuzz, device)"
  for t in test_fuzz test_device; do
    valgrind -q --error-exitcode=1 --leak-check=full "$here/firmware/build/$t" >/dev/null
  done
  echo "valgrind: clean"
fi
