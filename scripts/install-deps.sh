#!/usr/bin/env bash
# Installs the Debian 12 packages the build and the test suite need (run as root; does nothing when all are present).
#   clang lld gcc-aarch64-linux-gnu libc6-dev-arm64-cross : NativeAOT for linux-x64 and cross-linking for linux-arm64
#   qemu-user-static                                        : runs the arm64 binaries on x64
#   ocl-icd-libopencl1 pocl-opencl-icd clinfo ocl-icd-opencl-dev : a real OpenCL 3.0 implementation on the CPU (PoCL)
#   socat                                                   : linked pseudo-terminal pairs for the serial tests
#   python3-torch python3-numpy                             : the PyTorch reference for parity tests
#   python3-h5py                                            : NIR (HDF5) files written by the import tests
#   cmake make gcc g++ valgrind                             : the C firmware library (memcheck) and the native samples
#   systemd                                                 : systemd-analyze verify for the unit file
#   libclang-common-15-dev                                  : libFuzzer and sanitizer runtimes (firmware-bridge fuzzing)
#   chromium                                                : headless browser for the dashboard page test
set -euo pipefail
packages=(clang lld gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static
          ocl-icd-libopencl1 pocl-opencl-icd clinfo ocl-icd-opencl-dev socat
          python3-torch python3-numpy python3-h5py cmake make gcc g++ valgrind systemd libclang-common-15-dev chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all system packages present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages (${missing[*]}); run as root or install them with apt-get" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
