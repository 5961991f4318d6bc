#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The second command for a newcomer: every check CI runs, on 2 cores, well under 15 minutes.
#   1. the C core has no hidden I/O or allocation (house style B12);
#   2. dev configuration (build/, warnings as errors): build + ctest;
#   3. ASan + UBSan configuration (build-asan/, Debug): build + ctest.
# Every step runs even if an earlier one failed; the exit status is non-zero if any failed.
# Nothing is printed after the last ctest, so the output always ends with a ctest summary.
set -uo pipefail
cd "$(dirname "$0")/.."

JOBS=2
CTEST_ARGS=(--output-on-failure -j "$JOBS" --timeout 300 --no-tests=error)
failed=()

step() { printf '\n==== %s\n' "$*"; }

step "setup"
./scripts/setup.sh || failed+=("setup")

# The core reaches the outside world only through smmu_host_ops_t: no printf/malloc/exit
# (snprintf/vsnprintf are fine: \b does not match inside them).
step "core hygiene: no printf/malloc/exit in c_core/src and model/presets"
if grep -rnE '\b(printf|fprintf|puts|malloc|calloc|exit|abort)\(' c_core/src model/presets; then
  echo "test: the lines above call libc I/O, allocation or exit directly; use smmu_host_ops_t"
  failed+=("core hygiene")
else
  echo "ok"
fi

# build_and_test <name> <build dir> <cmake args...>; the ctest summary is the step's last output
build_and_test() {
  local name=$1 dir=$2
  shift 2
  step "$name: configure + build ($dir)"
  if ! { cmake -S . -B "$dir" -G Ninja "$@" && cmake --build "$dir" -j "$JOBS"; }; then
    failed+=("$name build")
    echo "test: $name build failed; running whatever tests exist so the summary shows it"
  fi
  step "$name: ctest ($dir)"
  ctest --test-dir "$dir" "${CTEST_ARGS[@]}" || failed+=("$name tests")
}

build_and_test dev build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMMUV3_WERROR=ON

# The ASan run comes last: its ctest summary ends the output. Failures of the earlier steps
# are announced here, before it, and still decide the exit status.
if [ ${#failed[@]} -ne 0 ]; then
  step "failed so far: ${failed[*]} (continuing with ASan + UBSan)"
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
build_and_test asan build-asan -DCMAKE_BUILD_TYPE=Debug -DSMMUV3_SANITIZE=ON \
  -DSMMUV3_WERROR=ON -DSMMUV3_BUILD_BENCH=OFF

[ ${#failed[@]} -eq 0 ]
