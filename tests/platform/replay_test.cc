// SPDX-License-Identifier: Apache-2.0
// The replay engine on small hand-written traces whose outcome is computed by hand: IOTLB hit
// counts under LRU and FIFO, latencies from the timing model, the expected-address check,
// invalidations, skipped records and per-StreamID statistics (core-only, in process).
#include <gtest/gtest.h>

#include <string>

#include "platform_test_util.h"
#include "smmuv3_replay/core_run.h"

namespace {

namespace rp = smmuv3::replay;
using platform_test::TempFile;

// Three pages A, B, C of one stream (ASID 1), accessed A B A C A B.
const char* const HEADER = "smmuv3-trace 1.0\n"
                           "time_unit ns\n"
                           "stream 0x10 port=0 name=dev\n"
                           "begin\n"
                           "bind - 0x10 1 4K 48\n"
                           "map - 0x10 0x1000 0x80001000 0x3000 rw 4K\n";

std::string abacab()
{
    return std::string(HEADER) +
           "dma - 0 0x10 0x1000 4 r pa=0x80001000\n"   // A
           "dma - 0 0x10 0x2000 4 r pa=0x80002000\n"   // B
           "dma - 0 0x10 0x1010 4 w pa=0x80001010\n"   // A
           "dma - 0 0x10 0x3000 4 r pa=0x80003000\n"   // C
           "dma - 0 0x10 0x1020 4 r pa=0x80001020\n"   // A
           "dma - 0 0x10 0x2ffc 8 r pa=0x80002ffc\n";  // B (size clamped to the page)
}

// Default configuration with a 2-entry fully associative IOTLB and no micro-TLB, so every
// access is one IOTLB lookup.
rp::RunSpec spec_for(const std::string& path, smmu_policy_t pol)
{
    rp::RunSpec s;
    s.trace = path;
    s.cfg.iotlb = {2, 2, pol};
    s.cfg.utlb = {0, 0, SMMU_POLICY_LRU};
    return s;
}

TEST(ReplayLru, TwoEntryIotlbHitRateIsHandComputed)
{
    // LRU, capacity 2: A miss, B miss, A hit [A B], C miss evicts B [C A], A hit [A C],
    // B miss evicts C: 2 hits in 6 lookups.
    TempFile t(".trace", abacab());
    rp::Report r = rp::run_core(spec_for(t.path(), SMMU_POLICY_LRU));
    EXPECT_EQ(r.stats.iotlb.lookups, 6u);
    EXPECT_EQ(r.stats.iotlb.hits, 2u);
    EXPECT_EQ(r.stats.iotlb.misses, 4u);
    EXPECT_DOUBLE_EQ(rp::hit_rate(r.stats.iotlb.hits, r.stats.iotlb.lookups), 2.0 / 6.0);
    EXPECT_EQ(r.stats.walks, 4u);
    EXPECT_EQ(r.n.pa_checked, 6u);
    EXPECT_EQ(r.n.pa_mismatch, 0u);
    EXPECT_EQ(r.n.records, 8u);
    EXPECT_EQ(r.n.skipped, 0u);
}

TEST(ReplayLru, FifoEvictsTheOldestInstead)
{
    // FIFO, capacity 2: A miss, B miss, A hit (order unchanged), C miss evicts A [B C],
    // A miss evicts B, B miss evicts C: 1 hit in 6 lookups.
    TempFile t(".trace", abacab());
    rp::Report r = rp::run_core(spec_for(t.path(), SMMU_POLICY_FIFO));
    EXPECT_EQ(r.stats.iotlb.lookups, 6u);
    EXPECT_EQ(r.stats.iotlb.hits, 1u);
    EXPECT_EQ(r.n.pa_mismatch, 0u);
}

TEST(ReplayLatency, TimingModelGivesHandComputedLatencies)
{
    // Walk caches off. First access: IOTLB lookup 4 + STE and CD reads 2 x (2 + 40) + a
    // 4-level walk 4 x (2 + 40) = 256 ns; later misses 4 + 168 = 172 ns; hits 4 ns.
    TempFile t(".trace", abacab());
    rp::RunSpec s = spec_for(t.path(), SMMU_POLICY_LRU);
    s.cfg.walk_s1 = {0, 0, SMMU_POLICY_LRU};
    s.cfg.walk_s2 = {0, 0, SMMU_POLICY_LRU};
    rp::Report r = rp::run_core(s);
    const rp::LatencyStats& l = r.n.latency;
    ASSERT_EQ(l.count(), 6u);
    EXPECT_EQ(l.max(), 256000u);
    EXPECT_EQ(l.min(), 4000u);
    EXPECT_EQ(l.sum(), 256000u + 3 * 172000u + 2 * 4000u);
    EXPECT_EQ(l.percentile(50), 172000u);
    EXPECT_EQ(l.percentile(99), 256000u);
    EXPECT_EQ(r.stats.walk_reads_s1, 16u);
    EXPECT_EQ(r.stats.cfg_reads, 2u);
}

TEST(ReplayCheck, WrongExpectedAddressIsAMismatch)
{
    TempFile t(".trace", std::string(HEADER) +
                             "dma - 0 0x10 0x1000 4 r pa=0x80001000\n"
                             "dma - 0 0x10 0x2000 4 r pa=0x90002000\n"  // wrong on purpose
                             "dma - 0 0x10 0x9000 4 r pa=0x80009000\n"  // unmapped: faults
                             "dma - 0 0x10 0x3000 4 r\n");              // nothing to check
    rp::Report r = rp::run_core(spec_for(t.path(), SMMU_POLICY_LRU));
    EXPECT_EQ(r.n.pa_checked, 3u);
    EXPECT_EQ(r.n.pa_mismatch, 2u);
    EXPECT_EQ(r.n.first_mismatch,
              "record 3: sid 0x10 iova 0x2000: expected pa 0x90002000, got 0x80002000");
    EXPECT_EQ(r.n.dma_failed, 1u);
    EXPECT_EQ(r.stats.events_by_type[0x10], 1u);  // F_TRANSLATION
}

TEST(ReplayInvalidation, CapturedTlbiMakesTheRemapVisible)
{
    // A is remapped to another page: without the TLBI the IOTLB keeps the old translation.
    const std::string remap = "unmap - 0x10 0x1000 0x1000\n"
                              "%TLBI%"
                              "map - 0x10 0x1000 0x80007000 0x1000 rw 4K\n"
                              "dma - 0 0x10 0x1000 4 r pa=0x80007000\n";
    auto trace = [&](const std::string& tlbi) {
        std::string body = remap;
        body.replace(body.find("%TLBI%"), 6, tlbi);
        return std::string(HEADER) + "dma - 0 0x10 0x1000 4 r pa=0x80001000\n" + body;
    };
    TempFile with(".trace", trace("cmd - TLBI_NH_VA vmid=0 asid=1 addr=0x1000 tg=1 num=1 "
                                  "ttl=3 leaf=1\ncmd - SYNC\n"));
    TempFile without(".trace", trace(""));
    rp::Report a = rp::run_core(spec_for(with.path(), SMMU_POLICY_LRU));
    EXPECT_EQ(a.n.pa_mismatch, 0u);
    rp::Report b = rp::run_core(spec_for(without.path(), SMMU_POLICY_LRU));
    EXPECT_EQ(b.n.pa_mismatch, 1u);  // the stale IOTLB entry answers
    // the captured commands on top of the driver's own (CFGI_STE + SYNC when binding)
    EXPECT_EQ(a.stats.commands_by_op[0x12], 1u);
    EXPECT_EQ(a.stats.commands_by_op[0x46], b.stats.commands_by_op[0x46] + 1);
    EXPECT_EQ(a.n.cmds, 2u);
}

TEST(ReplaySkip, NoreplayAndSubstreamRecordsAreCountedWithReasons)
{
    TempFile t(".trace", std::string(HEADER) + "dma - 0 0x10 0x1000 4 r pa=0x80001000\n"
                                               "dma - 0 0x10 0x1000 4 r q=A noreplay\n"
                                               "dma - 0 0x10 0x1000 4 r q=D noreplay\n"
                                               "dma - 0 0x10 0x1000 4 r ssid=0x3 pa=0x80001000\n"
                                               "map - 0x20 0x1000 0x80001000 0x1000 r 4K\n"
                                               "mark - 1 phase\n");
    rp::Report r = rp::run_core(spec_for(t.path(), SMMU_POLICY_LRU));
    EXPECT_EQ(r.n.records, 8u);
    EXPECT_EQ(r.n.skipped, 4u);
    EXPECT_EQ(r.n.skipped_by_reason.at("noreplay_abort"), 1u);
    EXPECT_EQ(r.n.skipped_by_reason.at("noreplay_disabled"), 1u);
    EXPECT_EQ(r.n.skipped_by_reason.at("substream"), 1u);
    EXPECT_EQ(r.n.skipped_by_reason.at("unbound_stream"), 1u);
    EXPECT_EQ(r.n.dma, 1u);
}

TEST(ReplayStreams, PerStreamIdStatisticsAndSharedAsid)
{
    // Two streams bound to the same ASID share one address space: the map made for 0x10 is
    // visible to 0x18, and both hit the same IOTLB entry.
    TempFile t(".trace", "smmuv3-trace 1.0\ntime_unit ns\n"
                         "stream 0x10 port=0\nstream 0x18 port=1\nbegin\n"
                         "bind - 0x10 7 4K 48\nbind - 0x18 7 4K 48\n"
                         "map - 0x10 0x5000 0x80005000 0x1000 rw 4K\n"
                         "dma - 0 0x10 0x5000 4 r pa=0x80005000\n"
                         "dma - 1 0x18 0x5004 4 r pa=0x80005004\n"
                         "dma - 1 0x18 0x5008 4 r pa=0x80005008\n");
    rp::RunSpec s = spec_for(t.path(), SMMU_POLICY_LRU);
    rp::Report r = rp::run_core(s);
    EXPECT_EQ(r.n.pa_mismatch, 0u);
    EXPECT_EQ(r.n.domains, 1u);
    EXPECT_EQ(r.run.ports, 2u);
    ASSERT_EQ(r.streams.size(), 2u);
    EXPECT_EQ(r.streams[0].sid, 0x10u);
    EXPECT_EQ(r.streams[0].st.translations, 1u);
    EXPECT_EQ(r.streams[0].st.iotlb_misses, 1u);
    EXPECT_EQ(r.streams[1].sid, 0x18u);
    EXPECT_EQ(r.streams[1].st.translations, 2u);
    EXPECT_EQ(r.streams[1].st.iotlb_hits, 2u);  // the translation stream 0x10 brought in
}

TEST(ReplayStreams, SecondBindStartsAnEmptyContext)
{
    TempFile t(".trace", std::string(HEADER) +
                             "dma - 0 0x10 0x1000 4 r pa=0x80001000\n"
                             "bind - 0x10 1 4K 48\n"
                             "cmd - TLBI_NH_ASID asid=1\ncmd - SYNC\n"
                             "dma - 0 0x10 0x1000 4 r\n");
    rp::Report r = rp::run_core(spec_for(t.path(), SMMU_POLICY_LRU));
    EXPECT_EQ(r.n.domains, 2u);
    EXPECT_EQ(r.n.binds, 2u);
    EXPECT_EQ(r.n.dma_ok, 1u);
    EXPECT_EQ(r.n.dma_failed, 1u);
    EXPECT_EQ(r.stats.events_by_type[0x10], 1u); // F_TRANSLATION: the new context is empty
}

TEST(ReplayStreams, LargeStreamIdUsesATwoLevelStreamTable)
{
    // StreamID 0x812 needs 12 bits: the driver builds a 2-level stream table (as Linux does
    // when IDR0.ST_LEVEL allows it).
    TempFile t(".trace", "smmuv3-trace 1.0\ntime_unit ns\nstream 0x812 port=0\nbegin\n"
                         "bind - 0x812 1 4K 48\n"
                         "map - 0x812 0x1000 0x80001000 0x1000 rw 4K\n"
                         "dma - 0 0x812 0x1000 4 r pa=0x80001000\n");
    rp::RunSpec s = spec_for(t.path(), SMMU_POLICY_LRU);
    rp::Report r = rp::run_core(s);
    EXPECT_EQ(r.n.pa_mismatch, 0u) << r.n.first_mismatch;
    EXPECT_EQ(r.stats.cfg_reads, 3u); // L1STD, STE, CD
}

TEST(ReplayErrors, PortBeyondThePlatformIsAReplayError)
{
    // The header declares port 0 only; a record on port 3 cannot be routed.
    TempFile t(".trace", std::string(HEADER) + "dma - 3 0x10 0x1000 4 r\n");
    rp::RunSpec s = spec_for(t.path(), SMMU_POLICY_LRU);
    EXPECT_THROW(rp::run_core(s), rp::ReplayError);
}

TEST(ReplayStats, LatencyPercentilesAreNearestRank)
{
    rp::LatencyStats l;
    for (uint64_t v : {5, 1, 3, 3, 9, 7, 3, 1, 2, 10})
        l.add(v);
    EXPECT_EQ(l.count(), 10u);
    EXPECT_EQ(l.percentile(50), 3u);
    EXPECT_EQ(l.percentile(90), 9u);
    EXPECT_EQ(l.percentile(99), 10u);
    EXPECT_EQ(l.percentile(10), 1u);
    for (uint64_t i = 0; i < 1000; i++)  // many distinct values: the table grows
        l.add(100 + i);
    EXPECT_EQ(l.count(), 1010u);
    EXPECT_EQ(l.max(), 1099u);
    EXPECT_EQ(l.values().size(), 7u + 1000u);
}

}  // namespace
