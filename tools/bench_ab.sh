#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Interleaved A/B timing of one benchmark in two or more builds: the builds alternate, so a
# drift of the (shared) machine's speed during the runs hits them alike (docs/performance.md).
#
#   tools/bench_ab.sh [-n ROUNDS] [-f FILTER] [-c COUNTER] BUILD_DIR BUILD_DIR...
#
# Each round runs BUILD_DIR/bin/smmu-bench --benchmark_filter=FILTER with 3 repetitions in
# every build and takes the median; the script prints, per build, the median and the best
# over the rounds. FILTER must select one benchmark (default Platform_CoreOnly). COUNTER is a
# user counter to report (default records_per_second); with COUNTER=time, the CPU time.
set -euo pipefail
rounds=3 filter=Platform_CoreOnly counter=records_per_second
while getopts "n:f:c:" o; do
  case $o in
    n) rounds=$OPTARG ;;
    f) filter=$OPTARG ;;
    c) counter=$OPTARG ;;
    *) sed -n '3,11p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [ $# -lt 2 ]; then sed -n '3,11p' "$0"; exit 2; fi
for b in "$@"; do
  [ -x "$b/bin/smmu-bench" ] || { echo "bench_ab: $b/bin/smmu-bench: not built" >&2; exit 2; }
done
for ((r = 0; r < rounds; r++)); do
  for b in "$@"; do
    "$b/bin/smmu-bench" --benchmark_filter="$filter" --benchmark_repetitions=3 \
        --benchmark_report_aggregates_only=true --benchmark_format=json 2>/dev/null |
      python3 -c '
import json, sys
b = [x for x in json.load(sys.stdin)["benchmarks"] if x.get("aggregate_name") == "median"]
if len(b) != 1:
    sys.exit("bench_ab: the filter must select exactly one benchmark (%d matched)" % len(b))
c = sys.argv[2]
print(sys.argv[1], b[0]["cpu_time"] if c == "time" else b[0][c])' "$b" "$counter"
  done
done | python3 -c '
import statistics, sys
runs = {}
for line in sys.stdin:
    k, v = line.split()
    runs.setdefault(k, []).append(float(v))
for k, v in runs.items():
    print("%-40s median %.4g  best %.4g  (%s)" % (k, statistics.median(v),
          min(v) if sys.argv[1] == "time" else max(v), " ".join("%.4g" % x for x in v)))' "$counter"
