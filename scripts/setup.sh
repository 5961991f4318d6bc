#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the tools need.
# Safe to run repeatedly: only missing packages are installed. Needs root (or sudo).
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build pkg-config
  clang libclang-rt-dev            # libFuzzer and the clang sanitizer runtimes
  libsystemc-dev                   # SystemC 2.3.4 (C++17 build)
  libgtest-dev libgmock-dev        # GoogleTest / GMock
  libbenchmark-dev                 # Google Benchmark (smmu-bench)
  libboost-dev libboost-program-options-dev
  nlohmann-json3-dev               # JSON reader for the conformance runner
  liblzma-dev libzstd-dev xz-utils # compressed traces and oracle files
  zstd                             # zstd seeds of the trace fuzzer (make_seeds.py)
  valgrind                         # memcheck step of scripts/test.sh
  python3                          # tests/fuzz/make_seeds.py, tools/*.py
  gnuplot-nox                      # exploration plots
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PKGS[@]} packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || echo "setup: apt-get update failed; trying the install anyway" >&2
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
