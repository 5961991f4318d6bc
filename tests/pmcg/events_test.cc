// SPDX-License-Identifier: Apache-2.0
// The architected events (10.3) counted from real translations, and the enables that gate
// counting (CR.E, CNTEN[n], 10.5.2.5 and 10.5.2.14).
#include "pmcg_util.h"

namespace pmcg_test {
namespace {

// Counter n counts event n, no StreamID filtering (span with all ones, 10.4).
class PmcgEvents : public ::testing::Test {
protected:
    Rig r;
    void SetUp() override
    {
        for (unsigned n = 0; n < 8; n++)
            r.program(0, n, n);
        r.enable_group(0);
        r.enable();
    }
    uint64_t c(unsigned ev) { return r.counter(0, ev); }
};

// Event 0: the host reports SMMU clock cycles with smmu_advance_cycles().
TEST_F(PmcgEvents, CyclesFromAdvanceCycles)
{
    smmu_advance_cycles(r.s, 1000);
    smmu_advance_cycles(r.s, 24);
    EXPECT_EQ(c(EV_CYCLES), 1024u);
    EXPECT_EQ(c(EV_TRANSACTION), 0u);  // cycles are not transactions
}

// Event 1 counts every transaction, including terminated ones (our choice for note (1) of
// 10.3: terminated transactions are in events 1, 2, 3 and 7 alike).
TEST_F(PmcgEvents, TransactionCountsEveryTransaction)
{
    r.s2_stream(1);
    r.map(1, 0x1000, 0x7000);
    EXPECT_EQ(r.xlate(1, 0x1000).status, SMMU_XLATE_OK);
    EXPECT_EQ(r.xlate(1, 0x1008).status, SMMU_XLATE_OK);  // same page: TLB hit
    EXPECT_EQ(r.xlate(1, 0x5000).status, SMMU_XLATE_FAULT);  // unmapped: F_TRANSLATION
    EXPECT_EQ(r.xlate(9, 0x1000).status, SMMU_XLATE_FAULT);  // STE V = 0: C_BAD_STE
    EXPECT_EQ(c(EV_TRANSACTION), 4u);
}

// Same-page repeats are each a transaction (the micro-TLB fast path must not skip them).
TEST_F(PmcgEvents, RepeatedSamePageTransactionsAllCount)
{
    r.s2_stream(1);
    r.map(1, 0x1000, 0x7000);
    for (int i = 0; i < 50; i++)
        ASSERT_EQ(r.xlate(1, 0x1000 + 8u * static_cast<unsigned>(i)).pa,
                  0x7000u + 8u * static_cast<unsigned>(i));
    EXPECT_EQ(c(EV_TRANSACTION), 50u);
    EXPECT_EQ(c(EV_TLB_MISS), 1u);
}

// Event 2 counts translations that needed a table walk (hit == SMMU_HIT_WALK).
TEST_F(PmcgEvents, TlbMissCountsWalks)
{
    r.s2_stream(1);
    r.map(1, 0x1000, 0x7000);
    r.map(1, 0x2000, 0x8000);
    smmu_xlate_t a = r.xlate(1, 0x1000);
    EXPECT_EQ(a.hit, SMMU_HIT_WALK);
    EXPECT_EQ(c(EV_TLB_MISS), 1u);
    smmu_xlate_t b = r.xlate(1, 0x1010);
    EXPECT_NE(b.hit, SMMU_HIT_WALK);
    EXPECT_EQ(c(EV_TLB_MISS), 1u);
    EXPECT_EQ(r.xlate(1, 0x2000).hit, SMMU_HIT_WALK);
    EXPECT_EQ(c(EV_TLB_MISS), 2u);
    // a walk that ends in a translation fault is still a TLB miss
    EXPECT_EQ(r.xlate(1, 0x3000).status, SMMU_XLATE_FAULT);
    EXPECT_EQ(c(EV_TLB_MISS), 3u);
}

// Event 3 counts once per translation whose configuration was not all cached ("counted once
// when translation ... cannot be satisfied from internal configuration caching"); event 5
// counts every STE/CD read.
TEST_F(PmcgEvents, ConfigCacheMissOncePerTransactionConfigAccessPerRead)
{
    r.s1_stream(2);  // STE + CD
    r.map(2, 0x1000, 0x9000);
    smmu_xlate_t x = r.xlate(2, 0x1000);
    ASSERT_EQ(x.status, SMMU_XLATE_OK);
    EXPECT_EQ(x.work.cfg_misses, 2u);  // STE and CD both missed
    EXPECT_EQ(x.work.cfg_reads, 2u);
    EXPECT_EQ(c(EV_CONFIG_CACHE_MISS), 1u);
    EXPECT_EQ(c(EV_CONFIG_ACCESS), 2u);
    // cached now: nothing more
    r.xlate(2, 0x1000);
    EXPECT_EQ(c(EV_CONFIG_CACHE_MISS), 1u);
    EXPECT_EQ(c(EV_CONFIG_ACCESS), 2u);
    // a stage-2 stream: one STE read
    r.s2_stream(3);
    r.map(3, 0x1000, 0xA000);
    x = r.xlate(3, 0x1000);
    EXPECT_EQ(x.work.cfg_reads, 1u);
    EXPECT_EQ(c(EV_CONFIG_CACHE_MISS), 2u);
    EXPECT_EQ(c(EV_CONFIG_ACCESS), 3u);
}

// Event 4 counts the walker's accesses: a 4 KB page from a level-1 start is three
// descriptor reads; later walks may be shortened by the walk caches, and the counter follows
// what the model really read (smmu_work_t).
TEST_F(PmcgEvents, WalkAccessesCountDescriptorReads)
{
    r.s2_stream(1);
    r.map(1, 0x1000, 0x7000);
    r.map(1, 0x2000, 0x8000);
    r.map(1, UINT64_C(0x40000000), 0x9000);  // another level-1 entry
    smmu_xlate_t x = r.xlate(1, 0x1000);
    EXPECT_EQ(x.work.s2_reads, 3u);
    EXPECT_EQ(c(EV_WALK_ACCESS), 3u);
    uint64_t sum = 3;
    for (uint64_t va : {UINT64_C(0x2000), UINT64_C(0x40000000), UINT64_C(0x2004)}) {
        x = r.xlate(1, va);
        sum += x.work.s1_reads + x.work.s2_reads + x.work.writes;
    }
    EXPECT_EQ(c(EV_WALK_ACCESS), sum);
    // stage 1: the same three levels
    r.s1_stream(2);
    r.map(2, 0x3000, 0xB000);
    x = r.xlate(2, 0x3000);
    EXPECT_EQ(x.work.s1_reads, 3u);
    EXPECT_EQ(c(EV_WALK_ACCESS), sum + 3);
}

// Event 4 also counts the walker's descriptor updates (HTTU, 10.3: walks "for any reason
// (..., HTTU ...)"): an Access-flag update at stage 2 (STE.S2HA = 1, AF = 0).
TEST_F(PmcgEvents, WalkAccessesIncludeHttuUpdates)
{
    r.s2_stream(4, 0, /*s2ha=*/true);
    r.map(4, 0x1000, 0x7000, /*af=*/false);
    smmu_xlate_t x = r.xlate(4, 0x1000);
    ASSERT_EQ(x.status, SMMU_XLATE_OK);
    EXPECT_EQ(x.work.writes, 1u);
    EXPECT_EQ(c(EV_WALK_ACCESS), x.work.s2_reads + 1u);
}

// Events 6 and 7 (10.3): ATS Translation Requests received (whatever the completion), and
// ATS Translated transactions received (here CR0.ATSCHK == 0, so they bypass translation).
TEST_F(PmcgEvents, AtsRequestsAndTranslatedTransactions)
{
    r.s2_stream(5, /*eats=*/1);
    r.map(5, 0x1000, 0x7000);
    smmu_xlate_t x = r.xlate(5, 0x1000, SMMU_ATYPE_ATS_REQUEST);
    EXPECT_EQ(x.ats, SMMU_ATS_SUCCESS);
    x = r.xlate(5, 0x9000, SMMU_ATYPE_ATS_REQUEST);  // unmapped: Success with no access
    EXPECT_EQ(x.ats, SMMU_ATS_SUCCESS);
    EXPECT_EQ(c(EV_ATS_TRANS_RQ), 2u);
    EXPECT_EQ(c(EV_ATS_TRANS_PASSED), 0u);
    x = r.xlate(5, 0x7000, SMMU_ATYPE_TRANSLATED);
    EXPECT_EQ(x.status, SMMU_XLATE_BYPASS);
    EXPECT_EQ(c(EV_ATS_TRANS_PASSED), 1u);
    EXPECT_EQ(c(EV_ATS_TRANS_RQ), 2u);
    // both are transactions / translation requests (event 1)
    EXPECT_EQ(c(EV_TRANSACTION), 3u);
    // an ATS request that walked is a TLB miss too
    EXPECT_GE(c(EV_TLB_MISS), 1u);
}

// With ATS not implemented, events 6 and 7 are not in CEID0 and count nothing.
TEST(PmcgEventsNoAts, AtsEventsAbsent)
{
    smmu_config_t cfg = smmu_config_default();
    cfg.ats = false;
    cfg.pri = false;
    Rig r(cfg);
    r.program(0, 0, EV_ATS_TRANS_RQ);
    r.program(0, 1, EV_ATS_TRANS_PASSED);
    r.program(0, 2, EV_TRANSACTION);
    r.enable_group(0);
    r.enable();
    r.xlate(1, 0x1000, SMMU_ATYPE_ATS_REQUEST);
    r.xlate(1, 0x1000, SMMU_ATYPE_TRANSLATED);
    EXPECT_EQ(r.counter(0, 0), 0u);
    EXPECT_EQ(r.counter(0, 1), 0u);
    EXPECT_EQ(r.counter(0, 2), 2u);
}

// Reserved (0x08-0x7F) and IMPLEMENTATION DEFINED (0x80-0xFFFF) event numbers count nothing
// in this model.
TEST_F(PmcgEvents, UnsupportedEventNumbersCountNothing)
{
    r.program(0, 6, 0x08);
    r.program(0, 7, 0xFFFF);
    r.s2_stream(1);
    r.map(1, 0x1000, 0x7000);
    r.xlate(1, 0x1000);
    smmu_advance_cycles(r.s, 10);
    EXPECT_EQ(r.counter(0, 6), 0u);
    EXPECT_EQ(r.counter(0, 7), 0u);
}

// Debug transactions (SMMU_TXN_DEBUG) have no side effects at all, counters included.
TEST_F(PmcgEvents, DebugTransactionsAreNotCounted)
{
    r.s2_stream(1);
    r.map(1, 0x1000, 0x7000);
    smmu_txn_t t{};
    t.iova = 0x1000;
    t.stream_id = 1;
    t.flags = SMMU_TXN_DEBUG;
    smmu_xlate_t x{};
    smmu_translate(r.s, &t, &x);
    EXPECT_EQ(x.status, SMMU_XLATE_OK);
    for (unsigned ev = 0; ev < 8; ev++)
        EXPECT_EQ(c(ev), 0u) << ev;
}

// With SMMUEN == 0 transactions take the GBPA path; whether stream events are counted then
// is IMPLEMENTATION DEFINED (10.2): this model counts them (cycles too).
TEST(PmcgEventsBypass, CountedWhileSmmuDisabled)
{
    Rig r;
    r.program(0, 0, EV_TRANSACTION);
    r.program(0, 1, EV_CYCLES);
    r.enable_group(0);
    EXPECT_EQ(r.xlate(3, 0x1234).status, SMMU_XLATE_BYPASS);
    smmu_advance_cycles(r.s, 5);
    EXPECT_EQ(r.counter(0, 0), 1u);
    EXPECT_EQ(r.counter(0, 1), 5u);
}

// 10.5.2.14: CR.E == 0 stops every counter, whatever CNTEN says; values are kept.
TEST_F(PmcgEvents, GlobalEnableGatesEverything)
{
    r.s2_stream(1);
    r.map(1, 0x1000, 0x7000);
    r.xlate(1, 0x1000);
    smmu_advance_cycles(r.s, 7);
    r.enable_group(0, false);
    r.xlate(1, 0x1000);
    r.xlate(1, 0x2000);
    smmu_advance_cycles(r.s, 100);
    EXPECT_EQ(c(EV_TRANSACTION), 1u);
    EXPECT_EQ(c(EV_CYCLES), 7u);
    r.enable_group(0);
    r.xlate(1, 0x1000);
    smmu_advance_cycles(r.s, 3);
    EXPECT_EQ(c(EV_TRANSACTION), 2u);
    EXPECT_EQ(c(EV_CYCLES), 10u);
}

// 10.5.2.5 / 10.5.2.6: CNTEN[n] enables counter n alone.
TEST_F(PmcgEvents, CounterEnableIsPerCounter)
{
    r.s2_stream(1);
    r.map(1, 0x1000, 0x7000);
    r.w64(0, pm::CNTENCLR0, UINT64_C(1) << EV_TRANSACTION);
    r.xlate(1, 0x1000);
    EXPECT_EQ(c(EV_TRANSACTION), 0u);
    EXPECT_EQ(c(EV_CONFIG_ACCESS), 1u);  // its neighbours still count
    r.w64(0, pm::CNTENSET0, UINT64_C(1) << EV_TRANSACTION);
    r.xlate(1, 0x1000);
    EXPECT_EQ(c(EV_TRANSACTION), 1u);
}

// A counter's event can change while everything is enabled: a counter that counted cycles
// starts counting transactions (the core starts reporting translations at once).
TEST(PmcgEventsReprogram, EventChangeWhileEnabled)
{
    Rig r;
    r.program(0, 0, EV_CYCLES);
    r.enable_group(0);
    r.enable();
    r.xlate(1, 0x1000);
    EXPECT_EQ(r.counter(0, 0), 0u);
    r.w32(0, pm::EVTYPER0, EV_TRANSACTION | EVTYPER_FILTER_SID_SPAN);
    r.xlate(1, 0x1000);
    r.xlate(1, 0x1000);
    EXPECT_EQ(r.counter(0, 0), 2u);
    r.w32(0, pm::EVTYPER0, EV_CYCLES);
    r.xlate(1, 0x1000);
    EXPECT_EQ(r.counter(0, 0), 2u);
}

// Counters can be preset by software and count on from the written value.
TEST_F(PmcgEvents, CountersCountOnFromAWrittenValue)
{
    r.set_counter(0, EV_CYCLES, 1000000);
    smmu_advance_cycles(r.s, 5);
    EXPECT_EQ(c(EV_CYCLES), 1000005u);
}

}  // namespace
}  // namespace pmcg_test
