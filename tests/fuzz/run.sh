#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets (build-fuzz/, clang), makes their seed corpora from the
# project's data (make_seeds.py), replays the saved regression inputs, then runs every target
# at the same time for SECONDS each. Exit status 1 if any target crashes, leaks, times out or
# breaks an invariant; the reproducer is build-fuzz/artifacts/<target>-crash-*.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]     (default: 60 s; core traces oracle)
#
# scripts/test.sh runs it for about a minute. A longer run (docs/robustness.md):
#   tests/fuzz/run.sh 600
# The corpora grow in build-fuzz/corpus/<target> and are reused by the next run.
# Extra libFuzzer options can be given in FUZZ_ARGS (e.g. FUZZ_ARGS=-jobs=2).
set -uo pipefail
cd "$(dirname "$0")/../.."

SECONDS_EACH=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(core traces oracle)
B=build-fuzz

export ASAN_OPTIONS=${FUZZ_ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
# UBSan findings abort (the library code is built with recoverable checks).
export UBSAN_OPTIONS=${FUZZ_UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

echo "fuzz: configure + build ($B, clang)"
if ! CC=clang CXX=clang++ cmake -S . -B "$B" -G Ninja -DSMMUV3_FUZZ=ON -DBUILD_TESTING=OFF \
       -DCMAKE_BUILD_TYPE=RelWithDebInfo > "$B.configure.log" 2>&1; then
  cat "$B.configure.log"
  echo "fuzz: configure failed"
  exit 1
fi
if ! cmake --build "$B" -j 2 --target "${TARGETS[@]/#/fuzz-}"; then
  echo "fuzz: build failed"
  exit 1
fi

python3 tests/fuzz/make_seeds.py "$B/seeds" || { echo "fuzz: make_seeds.py failed"; exit 1; }
mkdir -p "$B/artifacts"

failed=()
# 1. Regression inputs (crashes found before, minimised): must all pass.
for t in "${TARGETS[@]}"; do
  d=tests/fuzz/regressions/$t
  if [ -d "$d" ] && [ -n "$(ls -A "$d" 2>/dev/null)" ]; then
    if ! "$B/bin/fuzz-$t" -runs=0 "$d" > "$B/regressions-$t.log" 2>&1; then
      echo "fuzz: $t: a regression input fails:"
      grep -v '^    #' "$B/regressions-$t.log" | tail -20
      failed+=("$t regressions")
    fi
  fi
done

# 2. Every target at once, SECONDS each (two cores are shared; the figures are per target).
declare -A pid
for t in "${TARGETS[@]}"; do
  mkdir -p "$B/corpus/$t"
  # shellcheck disable=SC2086
  "$B/bin/fuzz-$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$B/artifacts/$t-" ${FUZZ_ARGS:-} \
    "$B/corpus/$t" "$B/seeds/$t" > "$B/fuzz-$t.log" 2>&1 &
  pid[$t]=$!
done
for t in "${TARGETS[@]}"; do
  if wait "${pid[$t]}"; then
    rc=0
  else
    rc=$?
  fi
  log=$B/fuzz-$t.log
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")
  corp=$(sed -n 's/.* corp: \([^ ]*\).*/\1/p' <<< "$last")
  printf 'fuzz: %-7s %ss: %s executions, coverage %s edges / %s features, corpus %s, peak RSS %s MB, exit %s\n' \
    "$t" "$SECONDS_EACH" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "${rss:-?}" "$rc"
  if [ "$rc" -ne 0 ]; then
    echo "fuzz: $t FAILED; log $log, reproducer(s):"
    ls "$B/artifacts/$t-"* 2>/dev/null | sed 's/^/  /'
    grep -v '^    #[0-9]' "$log" | grep -E -A12 'ERROR|invariant violated|runtime error' | head -30
    failed+=("$t")
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: failed: ${failed[*]}"
  exit 1
fi
echo "fuzz: ok"
