// SPDX-License-Identifier: Apache-2.0
// Stream table lookup and STE validity.
// IHI 0070 3.3 (stream table), 5.1 (L1STD), 5.2 (STE fields and ILLEGAL conditions),
// 6.3.24-6.3.25 (STRTAB_BASE/_CFG), 6.3.12 (CR2.RECINVSID), 7.3.3-7.3.5 (events).
#include <functional>

#include "xlate_util.h"

using namespace xlt;

namespace {

Ste bypass()
{
    Ste s;
    s.config = 0b100;
    return s;
}

TEST(Ste, InvalidSteIsBadSte)
{
    // 5.2 V == 0: abort and C_BAD_STE
    Rig rig;
    Ste s = bypass();
    s.v = false;
    rig.set_ste(5, s);
    smmu_xlate_t x = rig.xlate(Txn(0x1000, 5));
    Event e = expect_fault(rig, x, evt::C_BAD_STE);
    EXPECT_EQ(e.sid(), 5u);
    EXPECT_FALSE(e.ssv());
}

TEST(Ste, BadSteRecordCarriesTheSubstream)
{
    // 7.3.5 C_BAD_STE: SSV [11] and SubstreamID [31:12] of the transaction
    Rig rig;
    smmu_xlate_t x = rig.xlate(Txn(0x1000, 6).ss(0x345));
    Event e = expect_fault(rig, x, evt::C_BAD_STE);
    EXPECT_TRUE(e.ssv());
    EXPECT_EQ(e.ssid(), 0x345u);
}

TEST(Ste, ConfigAbortTerminatesWithoutEvent)
{
    // 5.2 Config 0b000 (and reserved 0b0xx): report abort, no event recorded
    for (unsigned cfg : {0u, 1u, 2u, 3u}) {
        Rig rig;
        Ste s;
        s.config = cfg;
        rig.set_ste(2, s);
        smmu_xlate_t x = rig.xlate(Txn(0x1000, 2));
        EXPECT_EQ(x.status, SMMU_XLATE_ABORT) << "Config " << cfg << ": " << describe(x);
        EXPECT_FALSE(x.recorded);
        expect_no_events(rig);
    }
}

TEST(Ste, BypassPassesTheAddressThrough)
{
    // 5.2 Config 0b100: both stages bypass
    Rig rig;
    rig.set_ste(3, bypass());
    for (uint64_t a : {UINT64_C(0), UINT64_C(0x123456789), UINT64_C(0xFFFFFFFFFFFF)}) {
        smmu_xlate_t x = rig.xlate(Txn(a, 3).w());
        EXPECT_EQ(x.status, SMMU_XLATE_BYPASS) << describe(x);
        EXPECT_EQ(x.pa, a);
    }
    expect_no_events(rig);
}

TEST(Ste, BadSubstreamHasPriorityOverTheBypassAddressSizeFault)
{
    // 7.3.22: C_BAD_SUBSTREAMID (5) is recorded before faults from translation (10),
    // including the F_ADDR_SIZE of a bypass input beyond the OAS (3.4)
    Rig rig;
    rig.set_ste(3, bypass());
    smmu_xlate_t x = rig.xlate(Txn(UINT64_C(1) << 50, 3).ss(1));
    expect_fault(rig, x, evt::C_BAD_SUBSTREAMID);
}

TEST(Ste, BypassWithSubstreamIsBadSubstream)
{
    // 5.2 S1Fmt: stage 1 disabled (including 0b100) and a SubstreamID supplied
    Rig rig;
    rig.set_ste(3, bypass());
    smmu_xlate_t x = rig.xlate(Txn(0x1000, 3).ss(1));
    expect_fault(rig, x, evt::C_BAD_SUBSTREAMID);
}

// ------------------------------------------------------------------------------------------
// Linear stream table
// ------------------------------------------------------------------------------------------

TEST(StrtabLinear, LastStreamIdOfTheTableIsUsed)
{
    Rig rig;  // LOG2SIZE 8
    rig.set_ste(255, bypass());
    smmu_xlate_t x = rig.xlate(Txn(0x4000, 255));
    EXPECT_EQ(x.status, SMMU_XLATE_BYPASS) << describe(x);
}

TEST(StrtabLinear, StreamIdBeyondLog2SizeIsBadStreamIdWithRecinvsid)
{
    // 7.3.3: recorded when CR2.RECINVSID == 1 and StreamID >= 2^LOG2SIZE
    Rig rig;
    rig.set_ste(0, bypass());  // SID 256 must not alias SID 0
    smmu_xlate_t x = rig.xlate(Txn(0x4000, 256));
    Event e = expect_fault(rig, x, evt::C_BAD_STREAMID);
    EXPECT_EQ(e.sid(), 256u);
}

TEST(StrtabLinear, BadStreamIdRecordCarriesTheSubstream)
{
    // 7.3.3 C_BAD_STREAMID: StreamID, SSV and SubstreamID of the transaction
    Rig rig;
    smmu_xlate_t x = rig.xlate(Txn(0x4000, 0x1234).ss(0x9A));
    Event e = expect_fault(rig, x, evt::C_BAD_STREAMID);
    EXPECT_EQ(e.sid(), 0x1234u);
    EXPECT_TRUE(e.ssv());
    EXPECT_EQ(e.ssid(), 0x9Au);
}

TEST(StrtabLinear, StreamIdBeyondLog2SizeWithoutRecinvsidIsNotRecorded)
{
    RigOptions o;
    o.recinvsid = false;
    Rig rig(config_nocache(), o);
    rig.set_ste(0, bypass());
    smmu_xlate_t x = rig.xlate(Txn(0x4000, 256));
    EXPECT_TRUE(terminated(x)) << describe(x);
    EXPECT_FALSE(x.recorded);
    expect_no_events(rig);
}

TEST(StrtabLinear, EffectiveSizeIsCappedBySidsize)
{
    // 6.3.25 LOG2SIZE: effective size is MIN(LOG2SIZE, IDR1.SIDSIZE)
    smmu_config_t c = config_nocache();
    c.sidsize = 6;
    Rig rig(c);  // LOG2SIZE 8
    rig.set_ste(63, bypass());
    rig.set_ste(64, bypass());
    EXPECT_EQ(rig.xlate(Txn(0, 63)).status, SMMU_XLATE_BYPASS);
    smmu_xlate_t x = rig.xlate(Txn(0, 64));
    expect_fault(rig, x, evt::C_BAD_STREAMID);
}

TEST(StrtabLinear, AbortingSteFetchIsSteFetchFault)
{
    // 7.3.4 F_STE_FETCH: FetchAddr is the STE address
    Rig rig;
    rig.set_ste(9, bypass());
    uint64_t pa = rig.ste_pa(9);
    rig.mem().add_abort(pa + 16, pa + 23);
    smmu_xlate_t x = rig.xlate(Txn(0x1000, 9));
    Event e = expect_fault(rig, x, evt::F_STE_FETCH);
    EXPECT_EQ(e.sid(), 9u);
    EXPECT_EQ(e.fetch_addr(), pa);
}

// ------------------------------------------------------------------------------------------
// 2-level stream table (SPLIT 6 / 8 / 10)
// ------------------------------------------------------------------------------------------

class Strtab2 : public ::testing::TestWithParam<unsigned> {};

RigOptions two_level(unsigned split, bool recinvsid = true)
{
    RigOptions o;
    o.two_level = true;
    o.split = split;
    o.log2size = 16;
    o.recinvsid = recinvsid;
    return o;
}

TEST_P(Strtab2, SteFoundThroughL1std)
{
    unsigned split = GetParam();
    Rig rig(config_nocache(), two_level(split));
    // first and last StreamIDs of the L2 array behind L1STD #2, and the last L1STD
    uint32_t base = 2u << split;
    uint32_t sids[] = {base, base + (1u << split) - 1, 0xFFFF};
    for (uint32_t sid : sids) {
        rig.set_ste(sid, bypass());
        smmu_xlate_t x = rig.xlate(Txn(0x2000 + sid, sid));
        EXPECT_EQ(x.status, SMMU_XLATE_BYPASS) << "sid " << sid << ": " << describe(x);
    }
    // a neighbour in the same L2 array has a zero (V == 0) STE
    smmu_xlate_t x = rig.xlate(Txn(0x2000, base + 1));
    Event e = expect_fault(rig, x, evt::C_BAD_STE);
    EXPECT_EQ(e.sid(), base + 1);
}

TEST_P(Strtab2, SpanLimitsTheL2Array)
{
    // 5.1 Span: the L2 array holds 2^(Span-1) STEs; 7.3.3 2d: StreamID[SPLIT-1:0] >=
    // 2^(Span-1) is C_BAD_STREAMID
    unsigned split = GetParam();
    Rig rig(config_nocache(), two_level(split));
    uint32_t base = 3u << split;
    uint64_t l2 = rig.alloc().get(64 * 4, 256);
    rig.set_l1std(base, 3, l2);  // 4 STEs
    rig.set_ste(base + 3, bypass());
    EXPECT_EQ(rig.xlate(Txn(0, base + 3)).status, SMMU_XLATE_BYPASS);
    smmu_xlate_t x = rig.xlate(Txn(0, base + 4));
    Event e = expect_fault(rig, x, evt::C_BAD_STREAMID);
    EXPECT_EQ(e.sid(), base + 4);
}

TEST_P(Strtab2, SpanZeroIsBadStreamId)
{
    // 5.1 Span == 0: the L1STD is invalid; 7.3.3 2a
    unsigned split = GetParam();
    Rig rig(config_nocache(), two_level(split));
    uint32_t sid = (5u << split) + 1;
    rig.set_l1std(sid, 0, rig.alloc().get(64 << split, 64 << split));
    smmu_xlate_t x = rig.xlate(Txn(0, sid));
    Event e = expect_fault(rig, x, evt::C_BAD_STREAMID);
    EXPECT_EQ(e.sid(), sid);
}

TEST_P(Strtab2, SpanAboveSplitPlusOneIsBadStreamId)
{
    // 7.3.3 2c: L1STD.Span > SPLIT + 1
    unsigned split = GetParam();
    Rig rig(config_nocache(), two_level(split));
    uint32_t sid = 6u << split;
    uint64_t l2 = rig.alloc().get(64u << (split + 1), 64u << (split + 1));
    rig.set_l1std(sid, split + 2, l2);
    smmu_xlate_t x = rig.xlate(Txn(0, sid));
    expect_fault(rig, x, evt::C_BAD_STREAMID);
}

TEST_P(Strtab2, SpanZeroWithoutRecinvsidIsNotRecorded)
{
    unsigned split = GetParam();
    Rig rig(config_nocache(), two_level(split, false));
    uint32_t sid = 5u << split;
    rig.set_l1std(sid, 0, 0);
    smmu_xlate_t x = rig.xlate(Txn(0, sid));
    EXPECT_TRUE(terminated(x)) << describe(x);
    expect_no_events(rig);
}

TEST_P(Strtab2, L2ptrLowBitsBelowTheArraySizeAreIgnored)
{
    // 5.1 L2Ptr: bits [5 + (Span - 1):0] are treated as zero (array aligned to its size)
    unsigned split = GetParam();
    Rig rig(config_nocache(), two_level(split));
    uint32_t base = 9u << split;
    uint64_t l2 = rig.alloc().get(64 * 4, 256);
    rig.set_l1std(base, 3, l2 | 0xC0);
    rig.mem().write64(l2 + 64 * 1, UINT64_C(0x9));  // bypass STE for L2 index 1
    smmu_xlate_t x = rig.xlate(Txn(0x77, base + 1));
    EXPECT_EQ(x.status, SMMU_XLATE_BYPASS) << describe(x);
}

TEST_P(Strtab2, AbortingL1stdFetchIsSteFetchFault)
{
    unsigned split = GetParam();
    Rig rig(config_nocache(), two_level(split));
    uint32_t sid = 7u << split;
    rig.set_ste(sid, bypass());
    uint64_t l1 = rig.l1std_pa(sid);
    rig.mem().add_abort(l1, l1 + 7);
    smmu_xlate_t x = rig.xlate(Txn(0, sid));
    Event e = expect_fault(rig, x, evt::F_STE_FETCH);
    EXPECT_EQ(e.fetch_addr(), l1);
}

TEST_P(Strtab2, AbortingL2SteFetchIsSteFetchFault)
{
    unsigned split = GetParam();
    Rig rig(config_nocache(), two_level(split));
    uint32_t sid = (7u << split) + 2;
    rig.set_ste(sid, bypass());
    uint64_t pa = rig.ste_pa(sid);
    rig.mem().add_abort(pa, pa + 63);
    smmu_xlate_t x = rig.xlate(Txn(0, sid));
    Event e = expect_fault(rig, x, evt::F_STE_FETCH);
    EXPECT_EQ(e.fetch_addr(), pa);
}

TEST_P(Strtab2, StreamIdBeyondLog2SizeIsBadStreamId)
{
    unsigned split = GetParam();
    Rig rig(config_nocache(), two_level(split));
    smmu_xlate_t x = rig.xlate(Txn(0, 0x10000));
    expect_fault(rig, x, evt::C_BAD_STREAMID);
}

INSTANTIATE_TEST_SUITE_P(Split, Strtab2, ::testing::Values(6u, 8u, 10u),
                         [](const ::testing::TestParamInfo<unsigned>& i) {
                             return "SPLIT" + std::to_string(i.param);
                         });

TEST(Strtab2Small, Log2SizeBelowSplitUsesOneL1std)
{
    // 6.3.25: the L1 table holds MAX(1, 2^(LOG2SIZE - SPLIT)) L1STDs
    RigOptions o;
    o.two_level = true;
    o.split = 8;
    o.log2size = 5;
    Rig rig(config_nocache(), o);
    rig.set_ste(31, bypass());
    EXPECT_EQ(rig.xlate(Txn(0, 31)).status, SMMU_XLATE_BYPASS);
    smmu_xlate_t x = rig.xlate(Txn(0, 32));
    expect_fault(rig, x, evt::C_BAD_STREAMID);
}

TEST(Strtab2Span, ReservedSpanIsBadStreamId)
{
    // 5.1: Span 12..31 reserved, behaves as 0 (invalid)
    Rig rig(config_nocache(), two_level(10));
    uint32_t sid = 1u << 10;
    rig.set_l1std(sid, 12, rig.alloc().get(64 << 10, 64 << 10));
    smmu_xlate_t x = rig.xlate(Txn(0, sid));
    expect_fault(rig, x, evt::C_BAD_STREAMID);
}

// ------------------------------------------------------------------------------------------
// ILLEGAL STEs -> C_BAD_STE (5.2; reference 3.5). Each case first proves the legal form
// translates, then applies one change.
// ------------------------------------------------------------------------------------------

struct IllegalCase {
    const char* name;
    std::function<void(smmu_config_t&)> cfg;    // configuration for the rig
    std::function<void(Ste&)> base;             // legal STE (tables are filled in by the test)
    std::function<void(Ste&)> bad;              // the ILLEGAL change
};

class SteIllegal : public ::testing::TestWithParam<IllegalCase> {};

TEST_P(SteIllegal, IsBadSte)
{
    const IllegalCase& c = GetParam();
    smmu_config_t cfg = config_nocache();
    if (c.cfg)
        c.cfg(cfg);
    Rig rig(cfg);
    // stage-2 tables: 4K, S2T0SZ 25, S2SL0 01
    PageTable s2(rig.mem(), rig.alloc(), 2, 12, 39, 1);
    s2.map(0x1000, 0x9000, 3);
    // a stage-1 CD with identity-like mapping 0x1000 -> 0x1000 (an IPA when nested)
    PageTable s1(rig.mem(), rig.alloc(), 1, 12, 39);
    s1.map(0x1000, 0x1000, 3);
    Cd cd;
    cd.ttb0 = s1.root();
    uint64_t cdpa = rig.put_cd(cd);
    // nested: map the CD and the stage-1 tables identically through stage 2
    for (uint64_t a = rig.strtab() & ~UINT64_C(0x1FFFFF); a < rig.alloc().next() + 2 * MB;
         a += 2 * MB)
        s2.map(a, a, 2);
    Ste s;
    s.config = 0b110;
    s.s2ttb = s2.root();
    s.s1_context_ptr = cdpa;
    c.base(s);
    rig.set_ste(1, s);
    smmu_xlate_t x = rig.xlate(Txn(0x1000));
    ASSERT_TRUE(x.status == SMMU_XLATE_OK || x.status == SMMU_XLATE_BYPASS)
        << "legal form: " << describe(x);
    c.bad(s);
    rig.set_ste(1, s);
    x = rig.xlate(Txn(0x1000));
    Event e = expect_fault(rig, x, evt::C_BAD_STE);
    EXPECT_EQ(e.sid(), 1u);
}

void s2only(Ste& s)
{
    s.config = 0b110;
}
void s1only(Ste& s)
{
    s.config = 0b101;
}

std::vector<IllegalCase> illegal_cases()
{
    std::vector<IllegalCase> v;
    v.push_back({"S2TG_reserved", nullptr, s2only, [](Ste& s) { s.s2tg = 3; }});
    v.push_back({"S2TG_unsupported_16K", [](smmu_config_t& c) { c.gran16k = false; }, s2only,
                 [](Ste& s) { s.s2tg = 2; }});
    v.push_back({"S2T0SZ_above_39", nullptr, s2only,
                 [](Ste& s) { s.s2t0sz = 40; s.s2sl0 = 0; }});
    v.push_back({"S2T0SZ_below_16", nullptr, s2only,
                 [](Ste& s) { s.s2t0sz = 15; s.s2sl0 = 2; }});
    v.push_back({"S2SL0_starts_too_low_for_S2T0SZ", nullptr, s2only,
                 [](Ste& s) { s.s2sl0 = 0; s.s2t0sz = 16; }});  // L2 start for 48 bits
    v.push_back({"S2SL0_starts_too_high_for_S2T0SZ", nullptr, s2only,
                 [](Ste& s) { s.s2sl0 = 2; s.s2t0sz = 39; }});  // L0 start for 25 bits
    v.push_back({"S2SL0_3_with_4K_without_STT", nullptr, s2only,
                 [](Ste& s) { s.s2sl0 = 3; s.s2t0sz = 39; }});
    v.push_back({"S2SL0_3_with_16K_without_S2DS", nullptr,
                 [](Ste& s) { s.config = 0b110; },
                 [](Ste& s) { s.s2tg = 2; s.s2sl0 = 3; s.s2t0sz = 16; }});
    v.push_back({"S2SL0_3_with_64K_reserved", nullptr, [](Ste& s) { s.config = 0b110; },
                 [](Ste& s) { s.s2tg = 1; s.s2sl0 = 3; s.s2t0sz = 25; }});
    v.push_back({"S2SL0_level0_needs_44_bit_PA", [](smmu_config_t& c) { c.oas_bits = 40; },
                 [](Ste& s) { s.config = 0b110; s.s2ps = 2; },
                 [](Ste& s) { s.s2sl0 = 2; s.s2t0sz = 24; }});
    v.push_back({"S2T0SZ_below_64_minus_IAS", [](smmu_config_t& c) { c.oas_bits = 40; },
                 [](Ste& s) { s.config = 0b110; s.s2ps = 2; },
                 [](Ste& s) { s.s2t0sz = 23; }});
    v.push_back({"S2TTB_beyond_S2PS", nullptr, s2only, [](Ste& s) {
                     s.s2ps = 0;
                     s.s2ttb = UINT64_C(0x100000000);
                 }});
    v.push_back({"S2AA64_zero_VMSAv8_32", nullptr, s2only, [](Ste& s) { s.s2aa64 = false; }});
    v.push_back({"S2S_with_terminate_only_stall_model",
                 [](smmu_config_t& c) { c.stall_model = 1; }, s2only,
                 [](Ste& s) { s.s2s = true; }});
    v.push_back({"S2S_zero_with_stall_forced", [](smmu_config_t& c) { c.stall_model = 2; },
                 [](Ste& s) { s.config = 0b110; s.s2s = true; }, [](Ste& s) { s.s2s = false; }});
    v.push_back({"S2HA_without_HTTU", [](smmu_config_t& c) { c.httu = 0; }, s2only,
                 [](Ste& s) { s.s2ha = true; }});
    v.push_back({"S2HD_with_HTTU_AF_only", [](smmu_config_t& c) { c.httu = 1; },
                 [](Ste& s) { s.config = 0b110; s.s2ha = true; },
                 [](Ste& s) { s.s2hd = true; }});
    v.push_back({"S2VMID_high_byte_without_VMID16", [](smmu_config_t& c) { c.vmid16 = false; },
                 [](Ste& s) { s.config = 0b110; s.s2vmid = 0xFF; },
                 [](Ste& s) { s.s2vmid = 0x100; }});
    v.push_back({"S2ENDI_big_with_little_endian_only", [](smmu_config_t& c) { c.ttendian = 2; },
                 s2only, [](Ste& s) { s.s2endi = true; }});
    v.push_back({"Stage2_without_S2P", [](smmu_config_t& c) { c.s2p = false; c.hyp = false;
                                                               c.vmw = false; },
                 [](Ste& s) { s.config = 0b100; }, [](Ste& s) { s.config = 0b110; }});
    v.push_back({"Stage1_without_S1P", [](smmu_config_t& c) { c.s1p = false; c.hyp = false; },
                 [](Ste& s) { s.config = 0b100; }, [](Ste& s) { s.config = 0b101; }});
    v.push_back({"S1STALLD_with_terminate_only_stall_model",
                 [](smmu_config_t& c) { c.stall_model = 1; }, s1only,
                 [](Ste& s) { s.s1stalld = true; }});
    v.push_back({"S1CDMax_above_SSIDSIZE", [](smmu_config_t& c) { c.ssidsize = 8; }, s1only,
                 [](Ste& s) { s.s1cdmax = 9; }});
    v.push_back({"S1Fmt_2level_without_CD2L", [](smmu_config_t& c) { c.cd2l = false; },
                 [](Ste& s) { s.config = 0b101; s.s1cdmax = 0; s.s1fmt = 1; },
                 [](Ste& s) { s.s1cdmax = 4; }});
    v.push_back({"S1ContextPtr_beyond_OAS", nullptr, s1only,
                 [](Ste& s) { s.s1_context_ptr = UINT64_C(1) << 48; }});
    v.push_back({"STRW_01_reserved", nullptr, s1only, [](Ste& s) { s.strw = 1; }});
    v.push_back({"STRW_11_EL3", nullptr, s1only, [](Ste& s) { s.strw = 3; }});
    v.push_back({"EATS_split_without_nesting", nullptr, s1only, [](Ste& s) { s.eats = 2; }});
    v.push_back({"EATS_full_with_S2S_on_stage2", nullptr, s2only, [](Ste& s) {
                     s.eats = 1;
                     s.s2s = true;
                 }});
    return v;
}

INSTANTIATE_TEST_SUITE_P(Cases, SteIllegal, ::testing::ValuesIn(illegal_cases()),
                         [](const ::testing::TestParamInfo<IllegalCase>& i) {
                             return i.param.name;
                         });

TEST(SteIgnored, Stage2FieldsAreIgnoredWhenStage2Bypasses)
{
    // 5.2: S2-prefixed fields (except S2VMID) are IGNORED when Config == 0b10x
    Rig rig;
    Ste s = bypass();
    s.s2tg = 3;
    s.s2t0sz = 63;
    s.s2aa64 = false;
    rig.set_ste(1, s);
    EXPECT_EQ(rig.xlate(Txn(0x1000)).status, SMMU_XLATE_BYPASS);
    expect_no_events(rig);
}

TEST(SteIgnored, Stage1FieldsAreIgnoredWhenStage1Bypasses)
{
    Rig rig;
    PageTable s2(rig.mem(), rig.alloc(), 2, 12, 39, 1);
    s2.map(0x1000, 0x9000, 3);
    Ste s;
    s.config = 0b110;
    s.s2ttb = s2.root();
    s.s1cdmax = 31;
    s.s1_context_ptr = UINT64_C(0xFF000000000000);
    s.s1stalld = true;
    rig.set_ste(1, s);
    EXPECT_TRUE(Translated(rig.xlate(Txn(0x1000)), 0x9000));
}

TEST(SteIgnored, EatsDptEncodingBehavesAsZeroWithoutDpt)
{
    // 5.2 EATS 0b11: if SMMU_IDR3.DPT == 0 this encoding is Reserved for Non-secure STEs and
    // behaves as 0b00 (it is not ILLEGAL); untranslated traffic is translated as usual
    Rig rig;
    S1 s(rig, 12, 25);
    s.ste.eats = 3;
    s.commit();
    s.pt.map(0x1000, 0x9000, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(0x1000)), 0x9000));
    expect_no_events(rig);
}

}  // namespace
