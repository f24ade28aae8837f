#!/usr/bin/env bash
# Installs IFM Edge on a Linux board (or into a staging folder):
#   ifm + libSystem.IO.Ports.Native.so   -> <prefix>/bin, <prefix>/lib
#   libifm.so, ifm.h, ifm.hpp, CMake config -> <prefix>/lib, <prefix>/include, <prefix>/lib/cmake/ifm
#   models (*.ifm)                      -> /var/lib/ifm/models
#   device maps (*.json)                -> /etc/ifm/devices
#   run.example.json                    -> /etc/ifm (and /etc/ifm/run.json when none exists yet: never overwritten)
#   ifm.service                         -> /etc/systemd/system
#
# Usage: install.sh [--arch x64|arm64] [--prefix DIR] [--destdir DIR] [--source DIR] [--enable] [--help]
#   --arch     target architecture (default: from `uname -m`)
#   --prefix   where bin/, lib/ and include/ go (default /usr/local)
#   --destdir  stage everything under DIR (also $DESTDIR): nothing outside it is touched, no users, no systemctl
#   --source   folder holding ifm and libifm.so (default: found next to this script: a release folder
#              artifacts/release/linux-<arch>, or the repository's artifacts/publish/linux-<arch>)
#   --enable   after a real install, `systemctl enable --now ifm`
set -euo pipefail

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "install.sh: $*" >&2; exit 2; }

arch="" prefix="/usr/local" destdir="${DESTDIR:-}" source="" enable=0
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) [ $# -ge 2 ] || die "--arch needs a value (x64 or arm64)"; arch="$2"; shift 2 ;;
    --prefix) [ $# -ge 2 ] || die "--prefix needs a folder"; prefix="$2"; shift 2 ;;
    --destdir) [ $# -ge 2 ] || die "--destdir needs a folder"; destdir="$2"; shift 2 ;;
    --source) [ $# -ge 2 ] || die "--source needs a folder"; source="$2"; shift 2 ;;
    --enable) enable=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

if [ -z "$arch" ]; then
  case "$(uname -m)" in
    x86_64|amd64) arch=x64 ;;
    aarch64|arm64) arch=arm64 ;;
    *) die "unsupported machine '$(uname -m)': pass --arch x64 or --arch arm64" ;;
  esac
fi
case "$arch" in
  x64|linux-x64) arch=x64; elf_machine=62 ;;
  arm64|aarch64|linux-arm64) arch=arm64; elf_machine=183 ;;
  *) die "unknown --arch '$arch' (x64 or arm64)" ;;
esac
case "$prefix" in /*) ;; *) die "--prefix must be an absolute path, got '$prefix'" ;; esac
if [ -n "$destdir" ]; then
  mkdir -p "$destdir"
  destdir="$(cd "$destdir" && pwd)"
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." 2>/dev/null && pwd || echo "$here")"

# The folder with the binaries: explicit, this release folder, the sibling release folder, or the repository's.
if [ -z "$source" ]; then
  for candidate in "$here" "$here/../linux-$arch" "$repo/artifacts/publish/linux-$arch"; do
    if [ -f "$candidate/ifm" ] && [ -f "$candidate/libifm.so" ] \
       && [ "$(od -An -tu2 -j18 -N2 "$candidate/ifm" | tr -d ' ')" = "$elf_machine" ]; then
      source="$candidate"
      break
    fi
  done
  [ -n "$source" ] || die "no linux-$arch build of ifm and libifm.so found next to $here (run scripts/release.sh, or pass --source)"
fi
[ -d "$source" ] || die "--source '$source' is not a folder"
source="$(cd "$source" && pwd)"

# Each companion file from the source folder, else from the repository.
first() { for f in "$@"; do [ -e "$f" ] && { echo "$f"; return 0; }; done; return 1; }
require() { [ -n "$2" ] && [ -e "$2" ] || die "missing $1 (looked in $source and $repo)"; }

ifm_bin="$source/ifm"
libifm="$source/libifm.so"
ports="$(first "$source/libSystem.IO.Ports.Native.so" || true)"
header="$(first "$source/ifm.h" "$source/include/ifm.h" "$repo/native/include/ifm.h" || true)"
header_hpp="$(first "$source/ifm.hpp" "$source/include/ifm.hpp" "$repo/native/include/ifm.hpp" || true)"
cmake_dir="$(first "$source/cmake" "$repo/native/cmake" || true)"
unit="$(first "$source/ifm.service" "$here/ifm.service" || true)"
run_example="$(first "$source/run.example.json" "$here/run.example.json" || true)"
models_dir="$(first "$source/models" "$repo/runtime/models" || true)"
maps_dir="$(first "$source/devices" "$repo/devices/examples" || true)"

require "ifm" "$ifm_bin"
require "libifm.so" "$libifm"
require "ifm.h" "$header"
require "ifm.service" "$unit"
require "run.example.json" "$run_example"
for f in "$ifm_bin" "$libifm"; do
  m="$(od -An -tu2 -j18 -N2 "$f" | tr -d ' ')"
  [ "$m" = "$elf_machine" ] || die "$f is not a linux-$arch ELF file (ELF machine $m, expected $elf_machine)"
done
[ -n "$ports" ] || echo "install.sh: warning: libSystem.IO.Ports.Native.so not found next to ifm: serial devices will not work" >&2

root="$destdir"
bin_dir="$root$prefix/bin"
lib_dir="$root$prefix/lib"
include_dir="$root$prefix/include"
cmake_out="$root$prefix/lib/cmake/ifm"
state_dir="$root/var/lib/ifm"
etc_dir="$root/etc/ifm"
unit_dir="$root/etc/systemd/system"

install -d -m 0755 "$bin_dir" "$lib_dir" "$include_dir" "$cmake_out" "$state_dir/models" "$etc_dir/devices" "$unit_dir"
install -m 0755 "$ifm_bin" "$bin_dir/ifm"
[ -z "$ports" ] || install -m 0644 "$ports" "$lib_dir/libSystem.IO.Ports.Native.so"
install -m 0755 "$libifm" "$lib_dir/libifm.so"
install -m 0644 "$header" "$include_dir/ifm.h"
[ -z "$header_hpp" ] || install -m 0644 "$header_hpp" "$include_dir/ifm.hpp"
if [ -n "$cmake_dir" ]; then
  for f in "$cmake_dir"/ifmConfig*.cmake; do [ -e "$f" ] && install -m 0644 "$f" "$cmake_out/"; done
fi
models=0
if [ -n "$models_dir" ]; then
  for f in "$models_dir"/*.ifm; do [ -e "$f" ] && { install -m 0644 "$f" "$state_dir/models/"; models=$((models + 1)); }; done
fi
maps=0
if [ -n "$maps_dir" ]; then
  for f in "$maps_dir"/*.json; do [ -e "$f" ] && { install -m 0644 "$f" "$etc_dir/devices/"; maps=$((maps + 1)); }; done
fi
install -m 0644 "$run_example" "$etc_dir/run.example.json"
config_note="kept the existing $etc_dir/run.json"
if [ ! -e "$etc_dir/run.json" ]; then
  install -m 0644 "$run_example" "$etc_dir/run.json"
  config_note="wrote $etc_dir/run.json from run.example.json"
fi
# The unit names the binary by its installed path.
sed "s|/usr/local/bin/ifm|$prefix/bin/ifm|g" "$unit" > "$unit_dir/ifm.service"
chmod 0644 "$unit_dir/ifm.service"

echo "install.sh: installed linux-$arch from $source into ${destdir:-/} (prefix $prefix)"
echo "  $bin_dir/ifm"
echo "  $lib_dir/libifm.so${ports:+, libSystem.IO.Ports.Native.so}"
echo "  $include_dir/ifm.h${header_hpp:+, ifm.hpp}; $cmake_out"
echo "  $state_dir/models ($models models); $etc_dir/devices ($maps device maps)"
echo "  $unit_dir/ifm.service; $config_note"

if [ -z "$destdir" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install.sh: not root: skipped creating the ifm user, ldconfig and systemctl" >&2
    exit 0
  fi
  if ! id ifm >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --home-dir /var/lib/ifm --shell /usr/sbin/nologin ifm
  fi
  chown -R ifm:ifm /var/lib/ifm
  command -v ldconfig >/dev/null && ldconfig
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    if [ "$enable" -eq 1 ]; then
      systemctl enable --now ifm
    else
      echo "install.sh: start it with: systemctl enable --now ifm"
    fi
  fi
fi
