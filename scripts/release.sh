#!/usr/bin/env bash
# Release artifacts: artifacts/release/<rid>/ for linux-x64 and linux-arm64, each with
#   ifm, libSystem.IO.Ports.Native.so, libifm.so, ifm.h, ifm.hpp, cmake/ (find_package(ifm) config),
#   ifm.service, install.sh, run.example.json, models/*.ifm, devices/*.json (example device maps)
# and prints their sizes. Publishes the NativeAOT binaries first (linux-arm64 needs clang, lld and
# gcc-aarch64-linux-gnu: scripts/install-deps.sh).
#
# Usage: bash scripts/release.sh [--rid linux-x64|linux-arm64]... [--no-publish]
#   --rid         build only this target (repeatable; default both)
#   --no-publish  package what artifacts/publish/<rid> already holds
# Environment: IFM_ARTIFACTS (publish folder, default artifacts/publish), IFM_RELEASE_DIR (default artifacts/release)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
publish_root="${IFM_ARTIFACTS:-$repo/artifacts/publish}"
release_root="${IFM_RELEASE_DIR:-$repo/artifacts/release}"
rids=()
publish=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rid) [ $# -ge 2 ] || { echo "release.sh: --rid needs linux-x64 or linux-arm64" >&2; exit 2; }; rids+=("$2"); shift 2 ;;
    --no-publish) publish=0; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "release.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ ${#rids[@]} -gt 0 ] || rids=(linux-x64 linux-arm64)
for rid in "${rids[@]}"; do
  case "$rid" in linux-x64|linux-arm64) ;; *) echo "release.sh: unsupported rid '$rid'" >&2; exit 2 ;; esac
done

# Progress: one line per step with the elapsed time and an ETA from the mean step so far (the NativeAOT publishes
# take minutes each; the packaging steps seconds).
steps_total=$(( ${#rids[@]} * (publish == 1 ? 3 : 1) ))
steps_done=0
started=$SECONDS
mmss() { printf '%d:%02d' $(( $1 / 60 )) $(( $1 % 60 )); }
step() {
  local elapsed=$(( SECONDS - started )) eta="?"
  [ "$steps_done" -gt 0 ] && eta=$(mmss $(( elapsed * (steps_total - steps_done) / steps_done )))
  steps_done=$(( steps_done + 1 ))
  echo "release.sh: [$steps_done/$steps_total] $1  ($(mmss "$elapsed") elapsed, ETA $eta)"
}

for rid in "${rids[@]}"; do
  pub="$publish_root/$rid"
  if [ "$publish" -eq 1 ]; then
    step "publishing ifm ($rid)"
    dotnet publish "$repo/runtime/Ifm.Cli" -c Release -r "$rid" -p:PublishAot=true -o "$pub" --nologo -v quiet
    step "publishing libifm.so ($rid)"
    dotnet publish "$repo/native/Ifm.Native" -c Release -r "$rid" -p:PublishAot=true -o "$pub" --nologo -v quiet
  fi
  step "packaging $rid"
  for f in ifm libifm.so libSystem.IO.Ports.Native.so; do
    [ -f "$pub/$f" ] || { echo "release.sh: $pub/$f is missing (run without --no-publish)" >&2; exit 1; }
  done

  out="$release_root/$rid"
  rm -rf "$out"
  mkdir -p "$out/cmake" "$out/models" "$out/devices"
  install -m 0755 "$pub/ifm" "$out/ifm"
  install -m 0644 "$pub/libSystem.IO.Ports.Native.so" "$out/"
  install -m 0755 "$pub/libifm.so" "$out/libifm.so"
  install -m 0644 "$repo/native/include/ifm.h" "$repo/native/include/ifm.hpp" "$out/"
  install -m 0644 "$repo/native/cmake/"ifmConfig*.cmake "$out/cmake/"
  install -m 0644 "$repo/native/deploy/ifm.service" "$repo/native/deploy/run.example.json" "$out/"
  install -m 0755 "$repo/native/deploy/install.sh" "$out/install.sh"
  install -m 0644 "$repo/runtime/models/"*.ifm "$out/models/"
  install -m 0644 "$repo/devices/examples/"*.json "$out/devices/"
  install -m 0644 "$repo/native/README.md" "$out/README.md"
done

echo
echo "release.sh: artifacts in $release_root"
printf '%-12s %12s %12s %12s\n' target ifm libifm.so folder
for rid in "${rids[@]}"; do
  out="$release_root/$rid"
  printf '%-12s %12s %12s %12s\n' "$rid" "$(stat -c %s "$out/ifm")" "$(stat -c %s "$out/libifm.so")" "$(du -sb "$out" | cut -f1)"
done
echo "(bytes)"
