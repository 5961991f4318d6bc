// SPDX-License-Identifier: Apache-2.0
// Benchmarks of the C core. Each measured path has a floor benchmark in the same binary
// doing only the unavoidable work (docs/performance.md lists the pairs and the targets).
#include <benchmark/benchmark.h>

#include <cstring>
#include <random>
#include <vector>

#include "bench_floor.h"
#include "bench_host.h"

using namespace smmuv3::drv;
using bench::Rig;

namespace {

constexpr uint64_t kIova = 0x10000000;

std::vector<uint32_t> random_indices(size_t n, uint32_t range, uint32_t seed = 42)
{
    std::mt19937 rng(seed);
    std::vector<uint32_t> v(n);
    for (auto& x : v)
        x = static_cast<uint32_t>(rng() % range);
    return v;
}

smmu_config_t tlb_only_config()
{
    smmu_config_t c = bench::config();
    c.utlb.entries = 0;
    return c;
}

// ---------------------------------------------------------------------------------------
// Floors
// ---------------------------------------------------------------------------------------

// A bare open-addressed hash probe (linear probing, 50% load) into a table of `entries`
// keys: the unavoidable work of looking a page up in a TLB of the same size.
void BM_Floor_HashProbe(benchmark::State& st)
{
    const uint32_t entries = static_cast<uint32_t>(st.range(0));
    const uint32_t slots = entries * 2, mask = slots - 1;
    struct Slot {
        uint64_t key, val;
    };
    std::vector<Slot> t(slots, Slot{~0ull, 0});
    auto hash = [&](uint64_t k) { return static_cast<uint32_t>((k * 0x9E3779B97F4A7C15ull) >> 40) & mask; };
    std::vector<uint64_t> keys(entries);
    for (uint32_t i = 0; i < entries; i++) {
        keys[i] = (kIova >> 12) + i;
        uint32_t h = hash(keys[i]);
        while (t[h].key != ~0ull)
            h = (h + 1) & mask;
        t[h] = Slot{keys[i], keys[i] << 12};
    }
    auto idx = random_indices(1 << 16, entries);
    size_t i = 0;
    uint64_t sum = 0;
    for (auto _ : st) {
        uint64_t k = keys[idx[i++ & 0xFFFF]];
        uint32_t h = hash(k);
        while (t[h].key != k)
            h = (h + 1) & mask;
        sum += t[h].val;
    }
    benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_Floor_HashProbe)->Arg(2048);

// N dependent loads with decode (valid bit, address mask): the unavoidable work of an
// N-level walk whose tables are cache resident.
void BM_Floor_DependentLoads(benchmark::State& st)
{
    const int levels = static_cast<int>(st.range(0));
    const size_t words = 512 * 8;
    std::vector<uint64_t> mem(words * 8);
    std::mt19937 rng(7);
    for (auto& w : mem)
        w = ((rng() % (mem.size() / 512)) * 512 * 8) | 3;
    auto idx = random_indices(1 << 16, 512);
    size_t i = 0;
    uint64_t sum = 0;
    const uint8_t* base = reinterpret_cast<const uint8_t*>(mem.data());
    for (auto _ : st) {
        uint64_t table = 0, ia = idx[i++ & 0xFFFF];
        for (int l = 0; l < levels; l++) {
            uint64_t d;
            std::memcpy(&d, base + table + 8 * ((ia + static_cast<uint64_t>(l)) & 511), 8);
            if (!(d & 1))
                break;
            table = d & 0x0000FFFFFFFFF000ull;
        }
        sum += table;
    }
    benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_Floor_DependentLoads)->Arg(4)->Arg(3);

// An out-of-line call with smmu_translate()'s signature that stores a fixed successful
// result, in the same loop as BM_UtlbHit_SamePage: the floor of the same-page path.
void BM_Floor_CallResult(benchmark::State& st)
{
    smmu_txn_t t{};
    t.stream_id = 8;
    t.iova = kIova + 0x80;
    smmu_xlate_t x;
    uint64_t sum = 0;
    for (auto _ : st) {
        t.iova ^= 0x40;
        bench::floor_call_result(nullptr, &t, &x);
        sum += x.pa;
    }
    benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_Floor_CallResult);

// ---------------------------------------------------------------------------------------
// TLB hits
// ---------------------------------------------------------------------------------------

// Main IOTLB hits: random pages within the TLB's reach, one stream (micro-TLB off).
void BM_IotlbHit_OneStream(benchmark::State& st)
{
    const uint32_t pages = static_cast<uint32_t>(st.range(0));
    Rig r(tlb_only_config());
    Domain* d = r.drv.new_s1_domain(1);
    r.drv.attach(8, d);
    r.drv.map(d, kIova, bench::kDataBase, uint64_t{pages} << 12, PROT_READ | PROT_WRITE);
    smmu_txn_t t{};
    t.stream_id = 8;
    smmu_xlate_t x;
    for (uint32_t p = 0; p < pages; p++) {
        t.iova = kIova + (uint64_t{p} << 12);
        smmu_translate(r.host.smmu(), &t, &x);
    }
    auto idx = random_indices(1 << 16, pages);
    size_t i = 0;
    uint64_t sum = 0;
    for (auto _ : st) {
        t.iova = kIova + (uint64_t{idx[i++ & 0xFFFF]} << 12) + 0x40;
        smmu_translate(r.host.smmu(), &t, &x);
        sum += x.pa;
    }
    benchmark::DoNotOptimize(sum);
    smmu_stats_t s;
    smmu_stats_get(r.host.smmu(), &s);
    st.counters["hit_rate"] = s.iotlb.lookups ? double(s.iotlb.hits) / double(s.iotlb.lookups) : 0;
}
BENCHMARK(BM_IotlbHit_OneStream)->Arg(1024);

// IOTLB hits across 64 streams with their own ASIDs and the same IOVAs (as Linux allocates).
void BM_IotlbHit_64Streams(benchmark::State& st)
{
    Rig r(tlb_only_config());
    const uint32_t streams = 64, pages = 16;
    for (uint32_t s = 0; s < streams; s++) {
        Domain* d = r.drv.new_s1_domain(static_cast<uint16_t>(s + 1));
        r.drv.attach(0x80 + s, d);
        r.drv.map(d, kIova, bench::kDataBase + (uint64_t{s} << 20), pages << 12,
                  PROT_READ | PROT_WRITE);
    }
    smmu_txn_t t{};
    smmu_xlate_t x;
    for (uint32_t s = 0; s < streams; s++)
        for (uint32_t p = 0; p < pages; p++) {
            t.stream_id = 0x80 + s;
            t.iova = kIova + (uint64_t{p} << 12);
            smmu_translate(r.host.smmu(), &t, &x);
        }
    auto idx = random_indices(1 << 16, streams * pages);
    size_t i = 0;
    uint64_t sum = 0;
    for (auto _ : st) {
        uint32_t k = idx[i++ & 0xFFFF];
        t.stream_id = 0x80 + k / pages;
        t.iova = kIova + (uint64_t{k % pages} << 12);
        smmu_translate(r.host.smmu(), &t, &x);
        sum += x.pa;
    }
    benchmark::DoNotOptimize(sum);
    smmu_stats_t s;
    smmu_stats_get(r.host.smmu(), &s);
    st.counters["hit_rate"] = s.iotlb.lookups ? double(s.iotlb.hits) / double(s.iotlb.lookups) : 0;
}
BENCHMARK(BM_IotlbHit_64Streams);

// Same-page reuse: the micro-TLB's most-recent entry.
void BM_UtlbHit_SamePage(benchmark::State& st)
{
    Rig r(bench::config());
    Domain* d = r.drv.new_s1_domain(1);
    r.drv.attach(8, d);
    r.drv.map(d, kIova, bench::kDataBase, 1 << 12, PROT_READ | PROT_WRITE);
    smmu_txn_t t{};
    t.stream_id = 8;
    t.iova = kIova + 0x80;
    smmu_xlate_t x;
    smmu_translate(r.host.smmu(), &t, &x);
    uint64_t sum = 0;
    for (auto _ : st) {
        t.iova ^= 0x40;
        smmu_translate(r.host.smmu(), &t, &x);
        sum += x.pa;
    }
    benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_UtlbHit_SamePage);

// Times smmu_translate_batch() over 256 accesses of 64 bytes by StreamID 8 at the IOVAs
// iova_of(k) gives (translated once before timing); returns the last batch's results.
template <typename F>
std::vector<smmu_xlate_t> time_batches(benchmark::State& st, smmu_t* s, F iova_of)
{
    const size_t n = 256;
    std::vector<smmu_txn_t> in(n);
    std::vector<smmu_xlate_t> out(n);
    for (size_t k = 0; k < n; k++) {
        in[k] = smmu_txn_t{};
        in[k].stream_id = 8;
        in[k].iova = iova_of(k);
        in[k].size = 64;
    }
    smmu_translate_batch(s, in.data(), out.data(), n);
    for (auto _ : st) {
        smmu_translate_batch(s, in.data(), out.data(), n);
        benchmark::DoNotOptimize(out.data());
    }
    st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * n));
    return out;
}

// Same-page reuse through smmu_translate_batch(): runs of accesses to one page, as a DMA
// engine issues them, without a library call per access. Time per translation.
void BM_UtlbHit_SamePage_Batch(benchmark::State& st)
{
    Rig r(bench::config());
    Domain* d = r.drv.new_s1_domain(1);
    r.drv.attach(8, d);
    r.drv.map(d, kIova, bench::kDataBase, 1 << 12, PROT_READ | PROT_WRITE);
    auto out = time_batches(st, r.host.smmu(), [](size_t k) { return kIova + (k % 64) * 64; });
    if (out.back().hit != SMMU_HIT_UTLB)
        st.SkipWithError("not a micro-TLB hit");
    st.counters["ns_per_translation"] =
        benchmark::Counter(static_cast<double>(st.iterations() * out.size()),
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_UtlbHit_SamePage_Batch);

// Micro-TLB hits over pages within its reach.
void BM_UtlbHit_Pages(benchmark::State& st)
{
    Rig r(bench::config());
    Domain* d = r.drv.new_s1_domain(1);
    r.drv.attach(8, d);
    const uint32_t pages = 16;
    r.drv.map(d, kIova, bench::kDataBase, pages << 12, PROT_READ | PROT_WRITE);
    smmu_txn_t t{};
    t.stream_id = 8;
    smmu_xlate_t x;
    for (uint32_t p = 0; p < pages; p++) {
        t.iova = kIova + (uint64_t{p} << 12);
        smmu_translate(r.host.smmu(), &t, &x);
    }
    auto idx = random_indices(1 << 16, pages);
    size_t i = 0;
    uint64_t sum = 0;
    for (auto _ : st) {
        t.iova = kIova + (uint64_t{idx[i++ & 0xFFFF]} << 12);
        smmu_translate(r.host.smmu(), &t, &x);
        sum += x.pa;
    }
    benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_UtlbHit_Pages);

// Batch translation on hits (DMA engines, trace replay): translations per second.
void BM_BatchHits(benchmark::State& st)
{
    Rig r(bench::config());
    Domain* d = r.drv.new_s1_domain(1);
    r.drv.attach(8, d);
    const uint32_t pages = 256;
    r.drv.map(d, kIova, bench::kDataBase, pages << 12, PROT_READ | PROT_WRITE);
    // a DMA-like pattern: runs of accesses to the same page, then the next page
    time_batches(st, r.host.smmu(),
                 [](size_t k) { return kIova + ((k / 4) << 12) + (k % 4) * 64; });
}
BENCHMARK(BM_BatchHits);

// ---------------------------------------------------------------------------------------
// Walks (TLBs off so every translation walks; configuration caches on)
// ---------------------------------------------------------------------------------------

smmu_config_t walk_config(bool walk_caches)
{
    smmu_config_t c = bench::config();
    c.iotlb.entries = 0;
    c.utlb.entries = 0;
    if (!walk_caches)
        c.walk_s1.entries = c.walk_s2.entries = 0;
    return c;
}

void walk_bench(benchmark::State& st, const smmu_config_t& cfg, Domain::Kind kind, unsigned g)
{
    Rig r(cfg);
    Domain* d = kind == Domain::NESTED ? r.drv.new_nested_domain(1, 1, g)
                                       : r.drv.new_s1_domain(1, g, 48);
    if (kind == Domain::NESTED)
        r.drv.identity_s2(d, bench::kRamBase, bench::kRamSize);
    r.drv.attach(8, d);
    const uint32_t pages = 512;
    r.drv.map(d, kIova, bench::kDataBase, uint64_t{pages} << g, PROT_READ | PROT_WRITE);
    smmu_txn_t t{};
    t.stream_id = 8;
    smmu_xlate_t x;
    auto idx = random_indices(1 << 16, pages);
    size_t i = 0;
    uint64_t sum = 0, reads = 0;
    for (auto _ : st) {
        t.iova = kIova + (uint64_t{idx[i++ & 0xFFFF]} << g);
        smmu_translate(r.host.smmu(), &t, &x);
        sum += x.pa;
        reads += x.work.s1_reads + x.work.s2_reads;
    }
    benchmark::DoNotOptimize(sum);
    st.counters["reads_per_walk"] = benchmark::Counter(double(reads), benchmark::Counter::kAvgIterations);
}

void BM_Walk4K_WalkCacheOff(benchmark::State& st)
{
    walk_bench(st, walk_config(false), Domain::S1, 12);
}
BENCHMARK(BM_Walk4K_WalkCacheOff);

void BM_Walk4K_WalkCacheOn(benchmark::State& st)
{
    walk_bench(st, walk_config(true), Domain::S1, 12);
}
BENCHMARK(BM_Walk4K_WalkCacheOn);

void BM_Walk64K_WalkCacheOff(benchmark::State& st)
{
    walk_bench(st, walk_config(false), Domain::S1, 16);
}
BENCHMARK(BM_Walk64K_WalkCacheOff);

void BM_WalkNested4K_WalkCacheOn(benchmark::State& st)
{
    walk_bench(st, walk_config(true), Domain::NESTED, 12);
}
BENCHMARK(BM_WalkNested4K_WalkCacheOn);

void BM_WalkNested4K_WalkCacheOff(benchmark::State& st)
{
    walk_bench(st, walk_config(false), Domain::NESTED, 12);
}
BENCHMARK(BM_WalkNested4K_WalkCacheOff);

// ---------------------------------------------------------------------------------------
// Commands and events
// ---------------------------------------------------------------------------------------

// TLBI_NH_VA + CMD_SYNC round trip as the driver issues it on unmap.
void BM_TlbiVaSync(benchmark::State& st)
{
    Rig r(bench::config());
    Domain* d = r.drv.new_s1_domain(1);
    r.drv.attach(8, d);
    r.drv.map(d, kIova, bench::kDataBase, 64 << 12, PROT_READ | PROT_WRITE);
    uint64_t p = 0;
    for (auto _ : st)
        r.drv.tlbi_va(d, kIova + ((p++ & 63) << 12), 4096, true);
}
BENCHMARK(BM_TlbiVaSync);

// CMD_CFGI_STE + CMD_SYNC round trip.
void BM_CfgiSteSync(benchmark::State& st)
{
    Rig r(bench::config());
    Domain* d = r.drv.new_s1_domain(1);
    r.drv.attach(8, d);
    for (auto _ : st)
        r.drv.cfgi_ste(8);
}
BENCHMARK(BM_CfgiSteSync);

// A faulting translation whose event record is written and announced by MSI; the driver
// consumes the record each time (one EVENTQ_CONS write).
void BM_EventRecordMsi(benchmark::State& st)
{
    DriverOptions o;
    o.msi = true;
    o.evtq_msi_addr = 0x08000000;
    o.gerror_msi_addr = 0x08000010;
    Rig r(bench::config(), o);
    Domain* d = r.drv.new_s1_domain(1);
    r.drv.attach(8, d);
    smmu_txn_t t{};
    t.stream_id = 8;
    t.iova = kIova; // unmapped: F_TRANSLATION, recorded (CD.R = 1)
    smmu_xlate_t x;
    uint64_t msis0 = r.host.msis;
    for (auto _ : st) {
        smmu_translate(r.host.smmu(), &t, &x);
        uint64_t prod = 0;
        smmu_mmio_read(r.host.smmu(), 0x100A8, 4, &prod);
        smmu_mmio_write(r.host.smmu(), 0x100AC, 4, prod);
    }
    st.counters["msis_per_iter"] =
        benchmark::Counter(double(r.host.msis - msis0), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_EventRecordMsi);

// Memory an instance with the default configuration occupies (reported as a counter).
void BM_InstanceFootprint(benchmark::State& st)
{
    smmu_config_t c = smmu_config_default();
    for (auto _ : st)
        benchmark::DoNotOptimize(smmu_config_footprint(&c));
    st.counters["bytes"] = double(smmu_config_footprint(&c));
}
BENCHMARK(BM_InstanceFootprint);

}  // namespace
