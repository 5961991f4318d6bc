#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The second command for a newcomer: every check CI runs, on 2 cores, well under 15 minutes.
#   1. the C core has no hidden I/O or allocation (house style B12);
#   2. dev configuration (build/, warnings as errors): build + ctest;
#   3. the C core's unit tests under Valgrind memcheck (build/): no error, no leak;
#   4. libFuzzer targets (build-fuzz/, clang): about a minute each (tests/fuzz/run.sh);
#   5. ASan + UBSan configuration (build-asan/, Debug): build + ctest (the SystemC tests
#      without leak detection, which LeakSanitizer cannot do under SystemC).
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

# Valgrind memcheck over the core-only gtest executables of the dev build (docs/robustness.md).
# Whole executables; the randomised robustness tests run at a quarter of their size
# (SMMU_ROB_SCALE) to keep the step short. gtest's printing of parameter padding is
# suppressed (tests/robustness/valgrind.supp).
VALGRIND_TESTS=(smmuv3_regs_tests smmu_xlate_tests smmu_cache_tests smmu_stall_tests
                smmu_pri_ats_tests smmuv3_pmcg_tests smmu_robustness_tests)
step "valgrind memcheck: core unit tests (build/)"
vg_failed=()
for t in "${VALGRIND_TESTS[@]}"; do
  exe=build/bin/$t
  if [ ! -x "$exe" ]; then
    echo "valgrind: $t: not built"
    vg_failed+=("$t")
    continue
  fi
  start=$SECONDS
  if SMMU_ROB_SCALE=25 valgrind -q --error-exitcode=1 --leak-check=full \
       --errors-for-leak-kinds=definite,possible \
       --suppressions=tests/robustness/valgrind.supp "$exe" --gtest_brief=1 > "build/valgrind-$t.log" 2>&1; then
    echo "valgrind: $t: 0 errors, 0 leaks ($((SECONDS - start)) s)"
  else
    echo "valgrind: $t: FAILED ($((SECONDS - start)) s); build/valgrind-$t.log:"
    grep -E '^==[0-9]+==|FAILED' "build/valgrind-$t.log" | head -40
    vg_failed+=("$t")
  fi
done
[ ${#vg_failed[@]} -eq 0 ] || failed+=("valgrind (${vg_failed[*]})")

# libFuzzer: build the targets with clang, make the seeds, replay the saved regressions and run
# each target for about a minute (all at once). A crash fails the script.
step "fuzz: libFuzzer targets, 60 s each (build-fuzz/)"
tests/fuzz/run.sh 60 || failed+=("fuzz")

# The ASan run comes last: its ctest summary ends the output. Failures of the earlier steps
# are announced before its final ctest, and still decide the exit status.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
step "asan: configure + build (build-asan)"
if ! { cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSMMUV3_SANITIZE=ON \
         -DSMMUV3_WERROR=ON -DSMMUV3_BUILD_BENCH=OFF && cmake --build build-asan -j "$JOBS"; }; then
  failed+=("asan build")
  echo "test: asan build failed; running whatever tests exist so the summary shows it"
fi
# LeakSanitizer cannot stop-the-world in a process that runs SystemC (its tracer dies with
# "Tracer caught signal 11" at exit, and the test fails although nothing leaked): the SystemC
# tests (labels tlm and platform) run under ASan + UBSan without leak detection. Everything
# else runs with it, last.
step "asan: ctest, SystemC tests without leak detection (build-asan, labels tlm|platform)"
ASAN_OPTIONS=${ASAN_OPTIONS//detect_leaks=1/detect_leaks=0} \
  ctest --test-dir build-asan -L 'tlm|platform' --output-on-failure -j "$JOBS" --timeout 300 \
        --no-tests=ignore || failed+=("asan tests (tlm, platform)")
if [ ${#failed[@]} -ne 0 ]; then
  step "failed so far: ${failed[*]} (continuing with ASan + UBSan)"
fi
step "asan: ctest (build-asan)"
ctest --test-dir build-asan -LE 'tlm|platform' "${CTEST_ARGS[@]}" || failed+=("asan tests")

[ ${#failed[@]} -eq 0 ]
