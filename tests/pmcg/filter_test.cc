// SPDX-License-Identifier: Apache-2.0
// StreamID filtering (10.4): ExactSID, PartialSID (with the spec's own examples), the two
// match-all encodings, per-counter filters (CFGR.SID_FILTER_TYPE == 0), the unfilterable
// cycle event, and Secure streams (10.6).
//
// The transactions are real translations with the SMMU disabled (GBPA bypass), so any
// StreamID can be used without a stream table; event 1 counts them.
#include "pmcg_util.h"

namespace pmcg_test {
namespace {

class PmcgFilter : public ::testing::Test {
protected:
    Rig r{wide_sids()};
    static smmu_config_t wide_sids()
    {
        smmu_config_t c = smmu_config_default();
        c.sidsize = 32;  // the 10.4 examples use 21-bit StreamIDs
        return c;
    }
    // Counter 0 counts transactions with this filter; returns how many of sids it counted.
    uint64_t counted(bool span, uint32_t smr, std::initializer_list<uint32_t> sids)
    {
        r.program(0, 0, EV_TRANSACTION, span, smr);
        r.set_counter(0, 0, 0);
        r.enable_group(0);
        for (uint32_t sid : sids)
            r.xlate(sid, 0x1000);
        return r.counter(0, 0);
    }
};

// ExactSID (FILTER_SID_SPAN == 0): only SMRn.STREAMID itself.
TEST_F(PmcgFilter, ExactMatch)
{
    EXPECT_EQ(counted(false, 0x42, {0x42}), 1u);
    EXPECT_EQ(counted(false, 0x42, {0x43, 0x40, 0x142, 0x80000042u, 0}), 0u);
}

// PartialSID, 10.4 example 1: ...1111:0111:1111:0111 matches ...1111:0111:1111:xxxx.
TEST_F(PmcgFilter, SpanExampleIgnoresFourBits)
{
    const uint32_t smr = 0x001BF7F7;  // 0000:0000:0001:1011:1111:0111:1111:0111
    EXPECT_EQ(counted(true, smr, {0x001BF7F0, 0x001BF7F7, 0x001BF7FF}), 3u);
    EXPECT_EQ(counted(true, smr, {0x001BF7EF, 0x001BF800, 0x001BF6F0, 0x003BF7F0}), 0u);
}

// 10.4 example 2: ...1111:0110 matches ...1111:011x.
TEST_F(PmcgFilter, SpanExampleIgnoresOneBit)
{
    const uint32_t smr = 0x001BF7F6;
    EXPECT_EQ(counted(true, smr, {0x001BF7F6, 0x001BF7F7}), 2u);
    EXPECT_EQ(counted(true, smr, {0x001BF7F4, 0x001BF7F5, 0x001BF7FE}), 0u);
}

// 10.4 example 3: ...1111:0101:1111:1111 matches ...1111:01xx:xxxx:xxxx.
TEST_F(PmcgFilter, SpanExampleIgnoresTenBits)
{
    const uint32_t smr = 0x001BF5FF;
    EXPECT_EQ(counted(true, smr, {0x001BF400, 0x001BF5FF, 0x001BF7FF}), 3u);
    EXPECT_EQ(counted(true, smr, {0x001BF3FF, 0x001BF800, 0x001BE400}), 0u);
}

// The Linux driver's documented example: filter_span=1, filter_stream_id=0x42 counts
// StreamIDs 0x42 and 0x43 (STREAMID[0] == 0: Y = 1).
TEST_F(PmcgFilter, LinuxSpanExample)
{
    EXPECT_EQ(counted(true, 0x42, {0x42, 0x43}), 2u);
    EXPECT_EQ(counted(true, 0x42, {0x40, 0x41, 0x44}), 0u);
}

// AllSIDManySECSID: all implemented bits set matches every StreamID. Arm recommends writing
// 0xFFFFFFFF whatever the implemented size.
TEST_F(PmcgFilter, AllOnesMatchesEverything)
{
    EXPECT_EQ(counted(true, 0xFFFFFFFFu, {0, 1, 0x42, 0x001BF7F7, 0xFFFFFFFFu}), 5u);
}

// AllSIDOneSECSID: all ones except the most significant implemented bit also matches every
// StreamID (of the one Security state this PMCG observes).
TEST(PmcgFilterSid16, AllOnesBelowTheTopBitMatchesEverything)
{
    Rig r;  // SIDSIZE 16: SMR.STREAMID implements 16 bits
    r.program(0, 0, EV_TRANSACTION, true, 0x7FFF);
    r.program(0, 1, EV_TRANSACTION, true, 0xFFFFFFFFu);  // reads back 0xFFFF
    r.enable_group(0);
    EXPECT_EQ(r.r32(0, pm::SMR0 + 4), 0xFFFFu);
    for (uint32_t sid : {0u, 0x7FFFu, 0x8000u, 0xFFFFu})
        r.xlate(sid, 0);
    EXPECT_EQ(r.counter(0, 0), 4u);
    EXPECT_EQ(r.counter(0, 1), 4u);
}

// 10.4.1: the PMCG StreamID is SMMU StreamID[N:0] with N+1 the implemented SMR bits.
TEST(PmcgFilterSid16, ExactMatchUsesTheImplementedBits)
{
    Rig r;  // SIDSIZE 16
    r.program(0, 0, EV_TRANSACTION, false, 0x2345);
    r.enable_group(0);
    r.xlate(0x2345, 0);
    r.xlate(0x2346, 0);
    EXPECT_EQ(r.counter(0, 0), 1u);
}

// Event 0 cannot be filtered on StreamID (10.3): the SMR is IGNORED (10.5.2.4).
TEST_F(PmcgFilter, CyclesIgnoreTheFilter)
{
    r.program(0, 1, EV_CYCLES, false, 0x5);
    r.enable_group(0);
    smmu_advance_cycles(r.s, 12);
    EXPECT_EQ(r.counter(0, 1), 12u);
}

// CFGR.SID_FILTER_TYPE == 0: each counter has its own EVTYPERn/SMRn filter.
TEST_F(PmcgFilter, FiltersArePerCounter)
{
    r.program(0, 0, EV_TRANSACTION, false, 1);
    r.program(0, 1, EV_TRANSACTION, false, 2);
    r.program(0, 2, EV_TRANSACTION, true, 0x0);  // STREAMID[0] == 0: 0x0 and 0x1
    r.program(0, 3, EV_TRANSACTION);             // everything
    r.enable_group(0);
    for (uint32_t sid : {0u, 1u, 1u, 2u, 3u})
        r.xlate(sid, 0);
    EXPECT_EQ(r.counter(0, 0), 2u);
    EXPECT_EQ(r.counter(0, 1), 1u);
    EXPECT_EQ(r.counter(0, 2), 3u);
    EXPECT_EQ(r.counter(0, 3), 5u);
}

// The filter applies to every filterable event, here the configuration and walk events of
// a real stage-2 stream.
TEST(PmcgFilterStreams, FilterAppliesToEveryStreamEvent)
{
    Rig r;
    for (unsigned ev = 1; ev < 6; ev++)
        r.program(0, ev, ev, false, 7);  // only StreamID 7
    r.enable_group(0);
    r.enable();
    r.s2_stream(6);
    r.map(6, 0x1000, 0x7000);
    r.s2_stream(7);
    r.map(7, 0x1000, 0x8000);
    ASSERT_EQ(r.xlate(6, 0x1000).status, SMMU_XLATE_OK);
    for (unsigned ev = 1; ev < 6; ev++)
        EXPECT_EQ(r.counter(0, ev), 0u) << ev;
    ASSERT_EQ(r.xlate(7, 0x1000).status, SMMU_XLATE_OK);
    EXPECT_EQ(r.counter(0, EV_TRANSACTION), 1u);
    EXPECT_EQ(r.counter(0, EV_TLB_MISS), 1u);
    EXPECT_EQ(r.counter(0, EV_CONFIG_CACHE_MISS), 1u);
    EXPECT_EQ(r.counter(0, EV_WALK_ACCESS), 3u);
    EXPECT_EQ(r.counter(0, EV_CONFIG_ACCESS), 1u);
}

// 10.6: a PMCG without Secure state observes Non-secure streams only, even with a match-all
// filter.
TEST_F(PmcgFilter, SecureStreamsAreNotObserved)
{
    r.program(0, 0, EV_TRANSACTION);
    r.enable_group(0);
    r.xlate(5, 0x1000, SMMU_ATYPE_UNTRANSLATED, false, /*secure=*/true);
    EXPECT_EQ(r.counter(0, 0), 0u);
    r.xlate(5, 0x1000);
    EXPECT_EQ(r.counter(0, 0), 1u);
}

// FILTER_SEC_SID is RES0 here, so setting it cannot redirect a counter to Secure streams.
TEST_F(PmcgFilter, FilterSecSidIsIgnored)
{
    r.program(0, 0, EV_TRANSACTION, true, 0xFFFFFFFFu, EVTYPER_FILTER_SEC_SID);
    EXPECT_EQ(r.r32(0, pm::EVTYPER0) & EVTYPER_FILTER_SEC_SID, 0u);
    r.enable_group(0);
    r.xlate(5, 0x1000);
    EXPECT_EQ(r.counter(0, 0), 1u);
}

}  // namespace
}  // namespace pmcg_test
