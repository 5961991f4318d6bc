#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Turn smmu-bench JSON into the table of docs/performance.md: each result as a ratio to
the floor benchmark measured in the same run, against the project's targets.

    build/bin/smmu-bench --benchmark_format=json --benchmark_repetitions=5 \\
        --benchmark_report_aggregates_only=true > bench.json
    tools/bench_report.py bench.json
"""
import json
import sys

# (benchmark, floor or None, kind, target, description)
#   kind "ratio": time / floor time <= target
#   kind "ns":    absolute time in ns < target (the floor, if any, is shown for reference)
#   kind "rate":  items per second > target
#   kind "records": counter records_per_second > target
#   kind "bytes": counter "bytes" < target
#   kind "ns_item": counter ns_per_translation (seconds per item) in ns < target
TARGETS = [
    ("BM_IotlbHit_OneStream/1024", "BM_Floor_HashProbe/2048", "ratio", 1.5,
     "IOTLB hit, random pages within reach, one stream"),
    ("BM_IotlbHit_64Streams", "BM_Floor_HashProbe/2048", "ratio", None,
     "IOTLB hit, 64 streams with the same IOVAs"),
    ("BM_UtlbHit_SamePage", "BM_Floor_CallResult", "ns", 2.0,
     "same-page reuse (micro-TLB most recent entry)"),
    ("BM_UtlbHit_SamePage_Batch", None, "ns_item", None,
     "same-page reuse through smmu_translate_batch (per translation)"),
    ("BM_UtlbHit_Pages", "BM_Floor_HashProbe/2048", "ratio", None, "micro-TLB hit, 16 pages"),
    ("BM_Walk4K_WalkCacheOff", "BM_Floor_DependentLoads/4", "ratio", 2.0,
     "4K 4-level walk, tables cache resident, walk caches off"),
    ("BM_Walk4K_WalkCacheOn", "BM_Floor_DependentLoads/4", "ratio", None,
     "4K walk, walk caches on"),
    ("BM_Walk64K_WalkCacheOff", "BM_Floor_DependentLoads/3", "ratio", None,
     "64K 3-level walk, walk caches off"),
    ("BM_WalkNested4K_WalkCacheOff", None, "ns", None, "nested 4K walk (24 reads), caches off"),
    ("BM_WalkNested4K_WalkCacheOn", None, "ns", None, "nested 4K walk, walk caches on"),
    ("BM_BatchHits", None, "rate", 50e6, "batch translation on hits (per second)"),
    ("BM_TlbiVaSync", None, "ns", None, "TLBI_NH_VA + CMD_SYNC round trip"),
    ("BM_CfgiSteSync", None, "ns", None, "CFGI_STE + CMD_SYNC round trip"),
    ("BM_EventRecordMsi", None, "ns", 200.0, "fault -> event record + MSI"),
    ("BM_InstanceFootprint", None, "bytes", 2 * 1024 * 1024, "default instance memory"),
    ("BM_Tlm_Smmu_Read8_UtlbHit", "BM_Tlm_Direct_Read8_SamePage", "ratio", None,
     "TLM: translated 8-byte read, micro-TLB hit (same page), vs direct read"),
    ("BM_Tlm_Smmu_Read8_IotlbHit", "BM_Tlm_Direct_Read8_Pages/256", "ratio", 2.0,
     "TLM: translated 8-byte read, IOTLB hit (256 pages, micro-TLB refilled), vs direct read"),
    ("BM_Tlm_Smmu_Read8_IotlbHit_NoUtlb", "BM_Tlm_Direct_Read8_Pages/256", "ratio", None,
     "TLM: translated 8-byte read, IOTLB hit, micro-TLB off, vs direct read"),
    ("BM_Tlm_Smmu_Read8_Walk4", "BM_Tlm_Direct_Read8_Pages/4096", "ratio", 2.5,
     "TLM: read missing and walking 4 levels over 4096 pages, vs direct read"),
    ("BM_Platform_CoreOnly/manual_time", None, "records", 30e6,
     "platform core-only replay of the bundled trace (records per second)"),
    ("BM_Platform_Tlm/manual_time", None, "records", 5e6,
     "platform TLM replay of the bundled trace (records per second)"),
]


def load(path):
    with open(path) as f:
        data = json.load(f)
    res = {}
    for b in data["benchmarks"]:
        name = b.get("run_name", b["name"])
        # prefer the median aggregate when repetitions were used
        agg = b.get("aggregate_name")
        if agg and agg != "median":
            continue
        res[name] = b
    return data.get("context", {}), res


def ns(b):
    unit = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
    return b["cpu_time"] * unit


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    ctx, res = load(sys.argv[1])
    print(f"Host: {ctx.get('num_cpus', '?')} CPUs at {ctx.get('mhz_per_cpu', '?')} MHz, "
          f"{ctx.get('date', '')}\n")
    print("| Path | Result | Floor | Ratio | Target | Met |")
    print("|---|---|---|---|---|---|")
    failed = 0
    for name, floor, kind, target, desc in TARGETS:
        b = res.get(name)
        if not b:
            continue
        if kind == "ratio":
            f = res.get(floor)
            r = ns(b) / ns(f) if f else float("nan")
            met = target is None or r <= target
            cells = (f"{ns(b):.1f} ns", f"{ns(f):.1f} ns ({floor})" if f else "-", f"{r:.2f}x",
                     f"<= {target}x" if target else "-")
        elif kind == "ns":
            met = target is None or ns(b) < target
            f = res.get(floor) if floor else None
            cells = (f"{ns(b):.1f} ns", f"{ns(f):.1f} ns ({floor})" if f else "-",
                     f"{ns(b) / ns(f):.2f}x" if f else "-", f"< {target} ns" if target else "-")
        elif kind == "ns_item":
            v = b.get("ns_per_translation", 0.0) * 1e9
            met = target is None or v < target
            cells = (f"{v:.2f} ns", "-", "-", f"< {target} ns" if target else "-")
        elif kind in ("rate", "records"):
            rate = b.get("items_per_second" if kind == "rate" else "records_per_second", 0.0)
            met = target is None or rate > target
            cells = (f"{rate / 1e6:.1f} M/s", "-", "-", f"> {target / 1e6:.0f} M/s")
        else:
            size = b.get("bytes", 0.0)
            met = target is None or size < target
            cells = (f"{size / 1024:.0f} KiB", "-", "-", f"< {target / 1048576:.0f} MiB")
        if not met:
            failed += 1
        mark = "-" if target is None else ("yes" if met else "**no**")
        print(f"| {desc} | " + " | ".join(cells) + f" | {mark} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
