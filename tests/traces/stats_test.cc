// SPDX-License-Identifier: Apache-2.0
// Statistics and the exact LRU simulation; numbers checked against tools/smmu_trace.py.
#include <gtest/gtest.h>

#include <malloc.h>

#include <cstring>

#include "smmuv3_traces/stats.h"
#include "trace_test_util.h"

using namespace trace_test;
using namespace smmuv3::traces;

TEST(LruTlb, ExactLeastRecentlyUsedEviction)
{
    lru_tlb t(2);
    EXPECT_FALSE(t.access(1, 10, true));
    EXPECT_FALSE(t.access(1, 11, true));
    EXPECT_TRUE(t.access(1, 10, true));   // 10 becomes most recent
    EXPECT_FALSE(t.access(1, 12, true));  // evicts 11
    EXPECT_TRUE(t.access(1, 10, true));
    EXPECT_FALSE(t.access(1, 11, true));
    EXPECT_FALSE(t.access(2, 10, true));  // another StreamID, another key
    EXPECT_EQ(t.hits(), 2u);
    EXPECT_EQ(t.misses(), 5u);
    EXPECT_EQ(t.size(), 2u);
}

TEST(LruTlb, InvalidationByRangeAndStream)
{
    for (size_t cap : {4u, 1000u}) {  // both ways of invalidating a range give one result
        lru_tlb t(cap);
        for (uint64_t v = 0; v < 4; ++v)
            t.access(1, v, false);
        t.invalidate_pages({1}, 1, 2);
        EXPECT_TRUE(t.access(1, 0, false));
        EXPECT_FALSE(t.access(1, 1, false));
        EXPECT_FALSE(t.access(1, 2, false));
        EXPECT_TRUE(t.access(1, 3, false));
        t.invalidate_sids({1});
        EXPECT_EQ(t.size(), 0u);
    }
}

/* From `python3 tools/smmu_trace.py stats data/boot_strict` (FORMAT.md's shared tool):
 *   (whole-trace) DMA recs 209, distinct (sid,page) 20, sids 10,18,8;
 *   no invalidation 90.4 % for 32..2048 entries; with TLBIs 86.1 %; CMDs 69, TLBI cmds 20,
 *   QEMU IOTLB 86.1 %. As counts: 189 hits / 20 misses and 180 / 29. */
TEST(TraceStats, BootStrictMatchesSmmuTracePy)
{
    if (!have_shared())
        GTEST_SKIP() << "shared traces not found";
    auto in = open_trace(shared("boot_strict"));
    stats_collector sc({32, 2048});
    record r;
    while (in->next(r))
        sc.add(r);
    const trace_stats s = sc.finish();
    ASSERT_EQ(s.phases.size(), 1u);
    const phase_stats& p = s.phases[0];
    EXPECT_EQ(p.name, "(whole-trace)");
    EXPECT_EQ(p.dma, 209u);
    EXPECT_EQ(p.distinct_pages, 20u);
    EXPECT_EQ(p.sids, (std::set<uint32_t>{0x8, 0x10, 0x18}));
    EXPECT_EQ(p.cmds, 69u);
    EXPECT_EQ(p.tlbi, 20u);
    EXPECT_EQ(p.qemu_hit, 180u);
    for (size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(p.plain[i], (std::pair<uint64_t, uint64_t>{189, 20}));
        EXPECT_EQ(p.inval[i], (std::pair<uint64_t, uint64_t>{180, 29}));
    }
    EXPECT_EQ(s.dma_noreplay, 1u);
}

/* The same for a capture with a workload phase; smmu_trace.py's JSON for
 * nvme_randread_qd1_strict, phase nvme_randread_qd1: records 149526, distinct pages 45,
 * cmds 33228, tlbi 16614, qemu_hit 132874, plain[32] = 0.998254..., inval[32] =
 * 0.887163..., inval[64] = 0.888635...  (hits = rate x records). */
TEST(TraceStats, NvmePhaseMatchesSmmuTracePy)
{
    if (!have_shared())
        GTEST_SKIP() << "shared traces not found";
    auto in = open_trace(shared("nvme_randread_qd1_strict"));
    stats_collector sc({32, 64});
    record r;
    while (in->next(r))
        sc.add(r);
    const trace_stats s = sc.finish();
    ASSERT_EQ(s.phases.size(), 1u);
    const phase_stats& p = s.phases[0];
    EXPECT_EQ(p.name, "nvme_randread_qd1");
    EXPECT_EQ(p.dma, 149526u);
    EXPECT_EQ(p.distinct_pages, 45u);
    EXPECT_EQ(p.cmds, 33228u);
    EXPECT_EQ(p.tlbi, 16614u);
    EXPECT_EQ(p.qemu_hit, 132874u);
    EXPECT_EQ(p.plain[0], (std::pair<uint64_t, uint64_t>{149265, 261}));
    EXPECT_EQ(p.inval[0], (std::pair<uint64_t, uint64_t>{132654, 16872}));
    EXPECT_EQ(p.inval[1], (std::pair<uint64_t, uint64_t>{132874, 16652}));
}

/* Streaming: reading a long trace does not grow memory. A source produces a binary trace
 * of 2 million identical dma records on the fly; heap use after 2 M records is the same as
 * after 20 k. */
namespace {
class endless_source : public byte_source {
public:
    explicit endless_source(uint64_t n) : m_left(n)
    {
        dma_record d;
        d.sid = 8;
        d.iova = 0x1000;
        d.size = 64;
        std::string one = write_trace(header{}, {make_record(std::nullopt, std::nullopt, d)}, output_format::binary);
        const size_t hdr = 16 + static_cast<unsigned char>(one[12]);
        m_head = one.substr(0, hdr);
        /* Deltas make every record after the first identical: take the second of two. */
        std::string two = write_trace(header{}, {make_record(std::nullopt, std::nullopt, d),
                                                 make_record(std::nullopt, std::nullopt, d)},
                                      output_format::binary);
        const size_t first_len = 2 + static_cast<unsigned char>(two[hdr + 1]);
        m_rec = two.substr(hdr + first_len, two.size() - hdr - first_len - 3 /* end record: kind 0, length 1, count 2 */);
        m_first = two.substr(hdr, first_len);
        m_buf = m_head + m_first;
        --m_left;
    }
    size_t read(void* buf, size_t n) override
    {
        while (m_buf.size() < n && m_left) {
            m_buf += m_rec;
            --m_left;
        }
        size_t k = std::min(n, m_buf.size());
        std::memcpy(buf, m_buf.data(), k);
        m_buf.erase(0, k);
        return k;
    }

private:
    uint64_t m_left;
    std::string m_head, m_first, m_rec, m_buf;
};
}  // namespace

TEST(TraceStreaming, MemoryDoesNotGrowWithTraceLength)
{
    auto in = read_native(std::make_unique<input>(std::make_unique<endless_source>(2000000), "endless"),
                          compression::none);
    record r;
    size_t at_20k = 0;
    uint64_t n = 0;
    try {
        while (in->next(r)) {
            if (++n == 20000)
                at_20k = mallinfo2().uordblks;
        }
    } catch (const trace_error& e) {
        /* The endless source has no end record: expected once the records run out. */
        EXPECT_NE(std::string(e.what()).find("without an end record"), std::string::npos) << e.what();
    }
    EXPECT_EQ(n, 2000000u);
    const size_t at_end = mallinfo2().uordblks;
    if (at_20k == 0)
        GTEST_SKIP() << "mallinfo2 not available (sanitizer allocator)";
    EXPECT_LT(at_end, at_20k + (1u << 20)) << "heap grew from " << at_20k << " to " << at_end;
}
