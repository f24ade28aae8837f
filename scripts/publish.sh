#!/usr/bin/env bash
# Publishes the NativeAOT binaries: `ifm` (and `libifm.so` once native/Ifm.Native exists) per runtime identifier
# into artifacts/publish/<rid>/ (or $IFM_PUBLISH_DIR/<rid>/).  Usage: bash scripts/publish.sh [--diagnostics] [linux-x64] [linux-arm64]
# --diagnostics: the diagnostics build of `ifm` only (EventPipe and the diagnostic socket compiled in, so dotnet-counters
# and dotnet-trace can attach; about 1 MB larger) into <rid>-diagnostics/.
# linux-arm64 is cross-linked with clang + lld (see scripts/install-deps.sh); gcc cannot cross-link.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
diagnostics=0
if [ "${1:-}" = "--diagnostics" ]; then diagnostics=1; shift; fi
rids=("$@")
[ ${#rids[@]} -eq 0 ] && rids=(linux-x64 linux-arm64)
for rid in "${rids[@]}"; do
  case "$rid" in
    linux-x64|linux-arm64) ;;
    *) echo "publish: unsupported runtime identifier '$rid' (linux-x64 or linux-arm64)" >&2; exit 2 ;;
  esac
  out="${IFM_PUBLISH_DIR:-$root/artifacts/publish}/$rid"
  if [ $diagnostics -eq 1 ]; then
    out="$out-diagnostics"
    mkdir -p "$out"
    echo "== publish ifm, diagnostics build ($rid) -> ${out#$root/}"
    dotnet publish "$root/runtime/Ifm.Cli/Ifm.Cli.csproj" -c Release -r "$rid" -p:PublishAot=true -p:IfmDiagnostics=true \
      -o "$out" -nologo -v:q
    rm -f "$out"/*.dbg "$out"/*.pdb
    ls -l "$out/ifm" | awk '{printf "   %-36s %8.2f MB\n", "ifm", $5/1048576}'
    continue
  fi
  mkdir -p "$out"
  echo "== publish ifm ($rid) -> ${out#$root/}"
  dotnet publish "$root/runtime/Ifm.Cli/Ifm.Cli.csproj" -c Release -r "$rid" -p:PublishAot=true -o "$out" -nologo -v:q
  if [ -f "$root/native/Ifm.Native/Ifm.Native.csproj" ]; then
    echo "== publish libifm.so ($rid) -> ${out#$root/}"
    dotnet publish "$root/native/Ifm.Native/Ifm.Native.csproj" -c Release -r "$rid" -p:PublishAot=true -o "$out" -nologo -v:q
  fi
  # Debug symbols and managed PDBs are kept out of the shipped folder. The native symbols go to artifacts/symbols/RID:
  # the default ifm has no stack-trace names, so a crash report's ifm!<BaseAddress>+0xOFFSET frames are named with
  # `addr2line -f -C -e artifacts/symbols/RID/ifm.dbg 0xOFFSET` (the .dbg of the very same build).
  sym="${IFM_SYMBOLS_DIR:-$root/artifacts/symbols}/$rid"
  mkdir -p "$sym"
  for d in "$out"/*.dbg; do [ -f "$d" ] && mv -f "$d" "$sym/"; done
  rm -f "$out"/*.pdb
  ls -l "$out" | awk 'NR>1 {printf "   %-36s %8.2f MB\n", $9, $5/1048576}'
done
