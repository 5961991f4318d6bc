// SPDX-License-Identifier: Apache-2.0
// Fault recording and reporting, event record fields, EL2 StreamWorlds, STE attribute
// overrides, debug translations, and bounded walks.
// IHI 0070 5.5 (A, R, S), 7.3 (records), 5.2 (STRW, PRIVCFG, INSTCFG), 13.1 / 13.4
// (attributes), 3.12 (fault models), 5.4.1 (one TTB for EL2).
#include <cstring>

#include "xlate_util.h"

using namespace xlt;

namespace {

constexpr uint64_t kVA = UINT64_C(0x40201000);
constexpr uint64_t kOA = UINT64_C(0x7700000000);

// ------------------------------------------------------------------------------------------
// A / R (5.5)
// ------------------------------------------------------------------------------------------

TEST(Record, CdRZeroTerminatesWithoutRecord)
{
    // 5.5 A=1 R=0 S=0: abort to the client, no record
    Rig rig;
    S1 s(rig, 12, 25);
    s.cd.r = false;
    s.commit();
    smmu_xlate_t x = rig.xlate(Txn(kVA));
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT) << describe(x);
    EXPECT_FALSE(x.recorded);
    expect_no_events(rig);
}

TEST(Record, CdAZeroTerminatesAsRazWi)
{
    // 5.5 A=0 R=1: terminate RAZ/WI and record
    Rig rig;
    S1 s(rig, 12, 25);
    s.cd.a = false;
    s.commit();
    smmu_xlate_t x = rig.xlate(Txn(kVA).w());
    EXPECT_EQ(x.status, SMMU_XLATE_RAZWI) << describe(x);
    Event e = one_event(rig);
    EXPECT_EQ(e.type(), evt::F_TRANSLATION);
}

TEST(Record, CdAZeroRZeroIsRazWiWithoutRecord)
{
    Rig rig;
    S1 s(rig, 12, 25);
    s.cd.a = false;
    s.cd.r = false;
    s.commit();
    smmu_xlate_t x = rig.xlate(Txn(kVA));
    EXPECT_EQ(x.status, SMMU_XLATE_RAZWI) << describe(x);
    expect_no_events(rig);
}

TEST(Record, ConfigurationErrorsAreRecordedWhateverCdR)
{
    // 5.5: A/R/S apply only to the four translation-related faults; a walk abort always
    // aborts and records
    Rig rig;
    S1 s(rig, 12, 25);
    s.cd.r = false;
    s.cd.a = false;
    s.commit();
    s.pt.map(kVA, kOA, 3);
    uint64_t dpa = s.pt.desc_pa(kVA, 3);
    rig.mem().add_abort(dpa, dpa + 7);
    smmu_xlate_t x = rig.xlate(Txn(kVA));
    Event e = expect_fault(rig, x, evt::F_WALK_EABT);
    EXPECT_EQ(e.fetch_addr(), dpa);
}

TEST(Record, S2rZeroForStage2FaultsOfANestedStream)
{
    // 3.12 / 5.5: stage-2 faults use STE.S2R, stage-1 faults CD.R
    Rig rig;
    PageTable s2(rig.mem(), rig.alloc(), 2, 12, 40, 1);
    PageTable s1(rig.mem(), rig.alloc(), 1, 12, 39);
    // identity stage 2 for the stage-1 structures
    for (uint64_t a = UINT64_C(0x10000000); a < UINT64_C(0x10000000) + 64 * MB; a += 2 * MB)
        s2.map(a, a, 2);
    Cd cd;
    cd.ttb0 = s1.root();
    uint64_t cdpa = rig.put_cd(cd);
    Ste ste;
    ste.config = 0b111;
    ste.s2t0sz = 24;
    ste.s2ttb = s2.root();
    ste.s1_context_ptr = cdpa;
    ste.s2r = false;
    rig.set_ste(1, ste);
    s1.map(kVA, UINT64_C(0x5000000000), 3);  // final IPA not mapped at stage 2
    smmu_xlate_t x = rig.xlate(Txn(kVA));
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT) << describe(x);
    EXPECT_FALSE(x.recorded);
    expect_no_events(rig);
    // a stage-1 fault is still recorded (CD.R == 1)
    x = rig.xlate(Txn(kVA + 0x100000));
    Event e = expect_fault(rig, x, evt::F_TRANSLATION);
    EXPECT_FALSE(e.s2());
}

// ------------------------------------------------------------------------------------------
// Event record fields at their architected positions (7.3)
// ------------------------------------------------------------------------------------------

TEST(EventFields, TranslationFaultRecordLayout)
{
    RigOptions o;
    o.log2size = 16;  // StreamID 0xABCD in range
    Rig rig(config_nocache(), o);
    Cd cd;
    PageTable pt(rig.mem(), rig.alloc(), 1, 12, 39);
    cd.ttb0 = pt.root();
    uint64_t tbl = rig.alloc().get(64 * 32, 64 * 32);
    rig.write_cd(tbl + 64 * 0x1D, cd);
    Ste ste;
    ste.config = 0b101;
    ste.s1cdmax = 5;
    ste.s1_context_ptr = tbl;
    rig.set_ste(0xABCD, ste);
    uint64_t va = UINT64_C(0x0000004000123456);
    Txn t(va, 0xABCD);
    t.ss(0x1D).p().x();
    smmu_xlate_t x = rig.xlate(t);
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT);
    EXPECT_TRUE(x.recorded);
    Event e = one_event(rig);
    // literal field extraction from the raw dwords, 7.3.13
    EXPECT_EQ(e.raw[0] & 0xFF, evt::F_TRANSLATION);            // [7:0]
    EXPECT_EQ((e.raw[0] >> 11) & 1, 1u);                       // SSV [11]
    EXPECT_EQ((e.raw[0] >> 12) & 0xFFFFF, 0x1Du);              // SubstreamID [31:12]
    EXPECT_EQ(e.raw[0] >> 32, 0xABCDu);                        // StreamID [63:32]
    EXPECT_EQ((e.raw[1] >> 31) & 1, 0u);                       // Stall [95]
    EXPECT_EQ((e.raw[1] >> 33) & 1, 1u);                       // PnU [97]
    EXPECT_EQ((e.raw[1] >> 34) & 1, 1u);                       // InD [98]
    EXPECT_EQ((e.raw[1] >> 35) & 1, 1u);                       // RnW [99]
    EXPECT_EQ((e.raw[1] >> 39) & 1, 0u);                       // S2 [103]
    EXPECT_EQ((e.raw[1] >> 40) & 3, 2u);                       // CLASS [105:104] = IN
    EXPECT_EQ(e.raw[2], va);                                   // InputAddr [191:128]
    // the decoded copy in the result matches the record
    EXPECT_EQ(x.event.type, evt::F_TRANSLATION);
    EXPECT_EQ(std::memcmp(x.event.raw, e.raw, sizeof e.raw), 0);
}

TEST(EventFields, Stage2FaultRecordsTheIpa)
{
    // 7.3.13: IPA [247:204] = IPA[55:12] for stage-2 faults
    Rig rig;
    PageTable s2(rig.mem(), rig.alloc(), 2, 12, 44, 0);
    Ste ste;
    ste.config = 0b110;
    ste.s2t0sz = 20;
    ste.s2sl0 = 2;
    ste.s2ttb = s2.root();
    rig.set_ste(7, ste);
    uint64_t ipa = UINT64_C(0x00000ABCDEF12345);
    smmu_xlate_t x = rig.xlate(Txn(ipa, 7).w());
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT);
    Event e = one_event(rig);
    EXPECT_EQ(e.raw[0] & 0xFF, evt::F_TRANSLATION);
    EXPECT_EQ((e.raw[1] >> 35) & 1, 0u);                             // RnW: write
    EXPECT_EQ((e.raw[1] >> 39) & 1, 1u);                             // S2
    EXPECT_EQ((e.raw[1] >> 40) & 3, 2u);                             // CLASS IN
    EXPECT_EQ(e.raw[2], ipa);                                        // InputAddr
    EXPECT_EQ((e.raw[3] >> 12) & ((UINT64_C(1) << 44) - 1), ipa >> 12);  // IPA[55:12]
}

TEST(EventFields, WalkAbortRecordsTheFetchAddress)
{
    // 7.3.12: stage-1-only walk abort: S2 == 0, CLASS == TT, FetchAddr [247:195] = PA[55:3]
    Rig rig;
    S1 s(rig, 12, 25);
    s.commit();
    s.pt.map(kVA, kOA, 3);
    uint64_t dpa = s.pt.desc_pa(kVA, 2);
    rig.mem().add_abort(dpa, dpa + 7);
    smmu_xlate_t x = rig.xlate(Txn(kVA + 0x10).w().x());
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT);
    Event e = one_event(rig);
    EXPECT_EQ(e.raw[0] & 0xFF, evt::F_WALK_EABT);
    EXPECT_EQ((e.raw[1] >> 34) & 1, 0u);  // InD == 0 when RnW == 0
    EXPECT_EQ((e.raw[1] >> 35) & 1, 0u);  // RnW
    EXPECT_EQ((e.raw[1] >> 39) & 1, 0u);  // S2
    EXPECT_EQ((e.raw[1] >> 40) & 3, 1u);  // CLASS TT
    EXPECT_EQ(e.raw[2], kVA + 0x10);
    EXPECT_EQ((e.raw[3] >> 3) & ((UINT64_C(1) << 53) - 1), dpa >> 3);
}

TEST(EventFields, BadSubstreamRecordsTheSubstreamId)
{
    // 7.3.8: C_BAD_SUBSTREAMID carries the SubstreamID [31:12]
    Rig rig;
    S1 s(rig, 12, 25);
    s.commit();
    smmu_xlate_t x = rig.xlate(Txn(kVA).ss(0xFEDCB));
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT);
    Event e = one_event(rig);
    EXPECT_EQ(e.raw[0] & 0xFF, evt::C_BAD_SUBSTREAMID);
    EXPECT_EQ((e.raw[0] >> 12) & 0xFFFFF, 0xFEDCBu);
    EXPECT_EQ(e.raw[0] >> 32, 1u);
}

// ------------------------------------------------------------------------------------------
// EL2 StreamWorlds (5.2 STRW with SMMU_IDR0.Hyp; CR2.E2H)
// ------------------------------------------------------------------------------------------

struct El2 {
    Rig rig;
    S1 s{rig, 12, 25};
    PageTable pt1{rig.mem(), rig.alloc(), 1, 12, 39};
    static constexpr uint64_t kHi = UINT64_C(0xFFFFFF8040201000);
    explicit El2(bool e2h) : rig(config_nocache(), opts(e2h))
    {
        s.ste.strw = 2;  // 0b10: NS-EL2 (E2H == 0) or NS-EL2-E2H (E2H == 1)
        s.cd.epd1 = false;
        s.cd.t1sz = 25;
        s.cd.tg1 = tg1_of(12);
        s.cd.ttb1 = pt1.root();
        s.commit();
        pt1.map(kHi, kOA + 0x10000, 3);
    }
    static RigOptions opts(bool e2h)
    {
        RigOptions o;
        o.e2h = e2h;
        return o;
    }
};

TEST(StreamWorldEl2, OnlyTtb0IsReachable)
{
    // 5.4.1: StreamWorld any-EL2 (not E2H): one translation table, TTB1 unreachable; an
    // address with VA[55] == 1 fails the range check
    El2 w(false);
    w.s.pt.map(kVA, kOA, 3);
    EXPECT_TRUE(Translated(w.rig.xlate(Txn(kVA)), kOA));
    smmu_xlate_t x = w.rig.xlate(Txn(El2::kHi));
    expect_s1_fault(w.rig, x, evt::F_TRANSLATION, El2::kHi);
}

TEST(StreamWorldEl2, Ap1IsIgnoredAndAccessesArePrivileged)
{
    // 5.4.1 / 13.4.1: AP[1] is ignored (treated as 1); PnU is taken as privileged
    El2 w(false);
    Leaf a;
    a.ap = 0;  // EL1&0: privileged only
    w.s.pt.map(kVA, kOA, 3, a);
    EXPECT_TRUE(Translated(w.rig.xlate(Txn(kVA).w()), kOA));  // unprivileged transaction
    a.ap = 2;  // AP[2] == 1: read-only
    w.s.pt.map(kVA, kOA, 3, a);
    EXPECT_TRUE(Translated(w.rig.xlate(Txn(kVA)), kOA));
    smmu_xlate_t x = w.rig.xlate(Txn(kVA).w());
    expect_s1_fault(w.rig, x, evt::F_PERMISSION, kVA);
}

TEST(StreamWorldEl2, Epd0IsIgnored)
{
    // 5.4 EPD0: IGNORED (effective value 0) for StreamWorld any-EL2
    El2 w(false);
    w.s.cd.epd0 = true;
    w.s.commit();
    w.s.pt.map(kVA, kOA, 3);
    EXPECT_TRUE(Translated(w.rig.xlate(Txn(kVA)), kOA));
}

TEST(StreamWorldEl2, XnAtBit54ControlsExecution)
{
    // D8.4.1.2.3: one Exception level: XN (bit 54) removes PrivExecute; no unprivileged
    // writable special case (AP[1] ignored)
    El2 w(false);
    Leaf a;
    a.ap = 0;
    w.s.pt.map(kVA, kOA, 3, a);
    EXPECT_TRUE(Translated(w.rig.xlate(Txn(kVA).x()), kOA));
    a.ap = 1;  // would be EL0-writable in EL1&0; here just RW
    w.s.pt.map(kVA, kOA, 3, a);
    EXPECT_TRUE(Translated(w.rig.xlate(Txn(kVA).x()), kOA));
    a.uxn = true;
    w.s.pt.map(kVA, kOA, 3, a);
    smmu_xlate_t x = w.rig.xlate(Txn(kVA).x());
    expect_s1_fault(w.rig, x, evt::F_PERMISSION, kVA);
}

TEST(StreamWorldEl2, PanIsIgnored)
{
    // 5.4 PAN: IGNORED (effectively 0) for StreamWorld any-EL2
    El2 w(false);
    w.s.cd.pan = true;
    w.s.commit();
    Leaf a;
    a.ap = 1;
    w.s.pt.map(kVA, kOA, 3, a);
    EXPECT_TRUE(Translated(w.rig.xlate(Txn(kVA).p()), kOA));
}

TEST(StreamWorldEl2, Tbi0AppliesToTheSingleRange)
{
    // 3.4.1 / 5.4 TBI0 with one VA range: VA[55:N] must be zero, VA[63:56] ignored
    El2 w(false);
    w.s.cd.tbi0 = true;
    w.s.commit();
    w.s.pt.map(kVA, kOA, 3);
    EXPECT_TRUE(Translated(w.rig.xlate(Txn(UINT64_C(0xAB00000040201010))), kOA + 0x10));
    uint64_t bad = UINT64_C(0x0080000040201010);
    smmu_xlate_t x = w.rig.xlate(Txn(bad));
    expect_s1_fault(w.rig, x, evt::F_TRANSLATION, bad);
}

TEST(StreamWorldEl2, AsidIsIgnored)
{
    // 5.4 ASID: IGNORED for StreamWorld any-EL2, so ASID[15:8] != 0 is not ILLEGAL there
    smmu_config_t c = config_nocache();
    c.asid16 = false;
    Rig rig(c);
    S1 s(rig, 12, 25);
    s.ste.strw = 2;
    s.cd.asid = 0x1FF;
    s.commit();
    s.pt.map(kVA, kOA, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA)), kOA));
}

TEST(StreamWorldEl1, StrwIsRes0WithoutHyp)
{
    // 5.2 STRW: RES0 when SMMU_IDR0.Hyp == 0; the StreamWorld is NS-EL1
    smmu_config_t c = config_nocache();
    c.hyp = false;
    Rig rig(c);
    S1 s(rig, 12, 25);
    PageTable pt1(rig.mem(), rig.alloc(), 1, 12, 39);
    s.ste.strw = 2;
    s.cd.epd1 = false;
    s.cd.t1sz = 25;
    s.cd.tg1 = tg1_of(12);
    s.cd.ttb1 = pt1.root();
    s.commit();
    uint64_t hi = UINT64_C(0xFFFFFF8040201000);
    pt1.map(hi, kOA, 3);
    Leaf a;
    a.ap = 0;
    s.pt.map(kVA, kOA, 3, a);
    EXPECT_TRUE(Translated(rig.xlate(Txn(hi)), kOA));
    smmu_xlate_t x = rig.xlate(Txn(kVA));  // AP[1] is honoured: EL0 has no access
    expect_s1_fault(rig, x, evt::F_PERMISSION, kVA);
}

TEST(StreamWorldEl2E2h, PanApplies)
{
    El2 w(true);
    w.s.cd.pan = true;
    w.s.commit();
    Leaf a;
    a.ap = 1;
    w.s.pt.map(kVA, kOA, 3, a);
    smmu_xlate_t x = w.rig.xlate(Txn(kVA).p());
    expect_s1_fault(w.rig, x, evt::F_PERMISSION, kVA);
}

TEST(StreamWorldEl2E2h, BothTtbsAndTwoPrivilegeLevels)
{
    // CR2.E2H == 1: NS-EL2-E2H has two VA ranges and EL0/EL2 permissions
    El2 w(true);
    Leaf a;
    a.ap = 0;  // privileged only
    w.s.pt.map(kVA, kOA, 3, a);
    EXPECT_TRUE(Translated(w.rig.xlate(Txn(El2::kHi)), kOA + 0x10000));
    EXPECT_TRUE(Translated(w.rig.xlate(Txn(kVA).p()), kOA));
    smmu_xlate_t x = w.rig.xlate(Txn(kVA));
    expect_s1_fault(w.rig, x, evt::F_PERMISSION, kVA);
}

TEST(StreamWorldEl1, StrwIsIgnoredWithStage2)
{
    // 5.2 STRW: for Config 0b11x the StreamWorld is NS-EL1 regardless of STRW
    Rig rig;
    PageTable s2(rig.mem(), rig.alloc(), 2, 12, 40, 1);
    for (uint64_t a = UINT64_C(0x10000000); a < UINT64_C(0x10000000) + 64 * MB; a += 2 * MB)
        s2.map(a, a, 2);
    PageTable s1(rig.mem(), rig.alloc(), 1, 12, 39);
    PageTable pt1(rig.mem(), rig.alloc(), 1, 12, 39);
    Cd cd;
    cd.ttb0 = s1.root();
    cd.epd1 = false;
    cd.t1sz = 25;
    cd.tg1 = tg1_of(12);
    cd.ttb1 = pt1.root();
    Ste ste;
    ste.config = 0b111;
    ste.strw = 2;
    ste.s2t0sz = 24;
    ste.s2ttb = s2.root();
    ste.s1_context_ptr = rig.put_cd(cd);
    rig.set_ste(1, ste);
    uint64_t hi = UINT64_C(0xFFFFFF8040201000);
    pt1.map(hi, 0x4000, 3);
    s2.map(0x4000, kOA, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(hi)), kOA));  // TTB1 reachable: EL1
}

// ------------------------------------------------------------------------------------------
// STE attribute overrides (5.2 PRIVCFG / INSTCFG, 13.4)
// ------------------------------------------------------------------------------------------

TEST(Overrides, PrivcfgPrivilegedMakesUnprivilegedTrafficPrivileged)
{
    Rig rig;
    S1 s(rig, 12, 25);
    s.ste.privcfg = 3;  // 0b11: Privileged
    s.commit();
    Leaf a;
    a.ap = 0;  // privileged only
    s.pt.map(kVA, kOA, 3, a);
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA).w()), kOA));
}

TEST(Overrides, PrivcfgUnprivilegedMakesPrivilegedTrafficUnprivileged)
{
    Rig rig;
    S1 s(rig, 12, 25);
    s.ste.privcfg = 2;  // 0b10: Unprivileged
    s.commit();
    Leaf a;
    a.ap = 0;
    s.pt.map(kVA, kOA, 3, a);
    smmu_xlate_t x = rig.xlate(Txn(kVA).p());
    Event e = expect_s1_fault(rig, x, evt::F_PERMISSION, kVA);
    EXPECT_FALSE(e.pnu());  // 7.3: PnU is the post-override value
}

TEST(Overrides, PrivcfgReservedUsesIncoming)
{
    Rig rig;
    S1 s(rig, 12, 25);
    s.ste.privcfg = 1;  // 0b01: Reserved, behaves as 0b00 (use incoming)
    s.commit();
    Leaf a;
    a.ap = 0;
    s.pt.map(kVA, kOA, 3, a);
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA).p()), kOA));
    smmu_xlate_t x = rig.xlate(Txn(kVA));
    expect_s1_fault(rig, x, evt::F_PERMISSION, kVA);
}

TEST(Overrides, InstcfgInstructionMakesReadsInstructionFetches)
{
    Rig rig;
    S1 s(rig, 12, 25);
    s.ste.instcfg = 3;  // 0b11: Instruction
    s.commit();
    Leaf a;
    a.uxn = true;
    s.pt.map(kVA, kOA, 3, a);
    smmu_xlate_t x = rig.xlate(Txn(kVA));
    Event e = expect_s1_fault(rig, x, evt::F_PERMISSION, kVA);
    EXPECT_TRUE(e.ind());
    // 13.1: writes stay Data accesses
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA).w()), kOA));
}

TEST(Overrides, InstcfgDataMakesInstructionFetchesData)
{
    Rig rig;
    S1 s(rig, 12, 25);
    s.ste.instcfg = 2;  // 0b10: Data
    s.commit();
    Leaf a;
    a.uxn = true;
    s.pt.map(kVA, kOA, 3, a);
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA).x()), kOA));
}

TEST(Overrides, PrivcfgAppliesToStage2XnxChecks)
{
    // 13.4: overrides apply to the incoming attributes before the first stage; stage 2 uses
    // PnU for XN[1:0]
    Rig rig;
    PageTable s2(rig.mem(), rig.alloc(), 2, 12, 39, 1);
    Ste ste;
    ste.config = 0b110;
    ste.s2ttb = s2.root();
    ste.privcfg = 3;
    rig.set_ste(1, ste);
    Leaf a;
    a.xn = 1;  // EL0 may execute, EL1 may not
    s2.map(0x5000, kOA, 3, a);
    smmu_xlate_t x = rig.xlate(Txn(0x5000).x());
    Event e = expect_s2_fault(rig, x, evt::F_PERMISSION, CLASS_IN, 0x5000, 0x5000);
    EXPECT_TRUE(e.pnu());
}

TEST(Overrides, StreamsSharingACdKeepTheirOwnOverridesWithCachesOn)
{
    // two StreamIDs, one CD (same ASID/VMID): cached translations may be shared, but each
    // stream's PRIVCFG / INSTCFG applies to its own transactions (13.4)
    Rig rig(smmu_config_default());
    S1 s(rig, 12, 25, 1);
    s.commit();
    Ste priv = s.ste;
    priv.privcfg = 3;
    priv.instcfg = 3;
    rig.set_ste(2, priv);
    Leaf a;
    a.ap = 0;      // privileged data only
    a.pxn = true;  // no privileged execution
    s.pt.map(kVA, kOA, 3, a);
    for (int round = 0; round < 2; round++) {
        EXPECT_TRUE(Translated(rig.xlate(Txn(kVA, 2).w()), kOA));   // privileged data write
        smmu_xlate_t x = rig.xlate(Txn(kVA, 1).w());                   // unprivileged
        Event e = expect_s1_fault(rig, x, evt::F_PERMISSION, kVA);
        EXPECT_EQ(e.sid(), 1u);
        EXPECT_TRUE(Translated(rig.xlate(Txn(kVA, 1).p()), kOA));
        x = rig.xlate(Txn(kVA, 2));  // INSTCFG: a read becomes an instruction fetch: PXN
        e = expect_s1_fault(rig, x, evt::F_PERMISSION, kVA);
        EXPECT_EQ(e.sid(), 2u);
        EXPECT_TRUE(e.ind());
    }
}

TEST(Overrides, El1AndEl2StreamsOnTheSameTablesWithCachesOn)
{
    // StreamWorld selects the permission model (AP[1] ignored at EL2); entries of one
    // StreamWorld must not serve the other (3.17)
    Rig rig(smmu_config_default());
    S1 s(rig, 12, 25, 1);
    s.commit();
    Ste el2 = s.ste;
    el2.strw = 2;
    rig.set_ste(2, el2);
    Leaf a;
    a.ap = 0;
    s.pt.map(kVA, kOA, 3, a);
    for (int round = 0; round < 2; round++) {
        EXPECT_TRUE(Translated(rig.xlate(Txn(kVA, 2)), kOA));
        smmu_xlate_t x = rig.xlate(Txn(kVA, 1));
        expect_s1_fault(rig, x, evt::F_PERMISSION, kVA);
    }
}

// ------------------------------------------------------------------------------------------
// SMMU_TXN_DEBUG: no side effects (smmuv3.h)
// ------------------------------------------------------------------------------------------

TEST(Debug, FaultingDebugTranslationRecordsNothing)
{
    Rig rig(smmu_config_default());
    S1 s(rig, 12, 25);
    s.commit();
    smmu_stats_t before, after;
    smmu_stats_get(rig.s(), &before);
    smmu_xlate_t x = rig.xlate(Txn(kVA).debug());
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT) << describe(x);
    EXPECT_EQ(x.event.type, evt::F_TRANSLATION);
    smmu_stats_get(rig.s(), &after);
    EXPECT_EQ(std::memcmp(&before, &after, sizeof before), 0);
    expect_no_events(rig);
}

TEST(Debug, SuccessfulDebugTranslationChangesNoStatistic)
{
    Rig rig(smmu_config_default());
    S1 s(rig, 12, 25);
    s.commit();
    s.pt.map(kVA, kOA, 3);
    smmu_stats_t before, after;
    smmu_stats_get(rig.s(), &before);
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA + 4).debug()), kOA + 4));
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA + 8).debug()), kOA + 8));
    smmu_stats_get(rig.s(), &after);
    EXPECT_EQ(std::memcmp(&before, &after, sizeof before), 0)
        << "translations " << before.translations << " -> " << after.translations
        << ", iotlb fills " << before.iotlb.fills << " -> " << after.iotlb.fills
        << ", ste fills " << before.ste_cache.fills << " -> " << after.ste_cache.fills;
    // no cache was filled: a normal translation afterwards still walks
    smmu_xlate_t x = rig.xlate(Txn(kVA));
    EXPECT_EQ(x.hit, SMMU_HIT_WALK);
    EXPECT_FALSE(x.work.cfg_hit);
}

TEST(Debug, DebugTranslationOfABadSteRecordsNothing)
{
    Rig rig;
    smmu_xlate_t x = rig.xlate(Txn(0, 77).debug());  // V == 0
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT) << describe(x);
    EXPECT_EQ(x.event.type, evt::C_BAD_STE);
    expect_no_events(rig);
}

// ------------------------------------------------------------------------------------------
// Bounded walks
// ------------------------------------------------------------------------------------------

TEST(WalkBound, SelfReferencingTablesEndInAFault)
{
    // D8.3: a Table descriptor at level 3 is read as a Page descriptor; with AF == 0 (it is
    // a table descriptor) and no HTTU, the walk ends in F_ACCESS after level 3
    Rig rig;
    S1 s(rig, 12, 16);  // start level 0
    s.commit();
    uint64_t root = s.pt.root_pa();
    rig.mem().write64(root, s.pt.table_desc(root));  // entry 0 points at its own table
    smmu_xlate_t x = rig.xlate(Txn(0x10));
    Event e = expect_s1_fault(rig, x, evt::F_ACCESS, 0x10);
    (void)e;
    EXPECT_LE(x.work.s1_reads, 4);
}

TEST(WalkBound, SelfReferencingTablesWithAffdTranslateToTheTable)
{
    // same loop with AFFD: the level-3 "page" maps the table itself
    Rig rig;
    S1 s(rig, 12, 16);
    s.cd.affd = true;
    s.commit();
    uint64_t root = s.pt.root_pa();
    rig.mem().write64(root, s.pt.table_desc(root));
    // AP[2:1] == 00 in a table descriptor read as a page: privileged access only
    EXPECT_TRUE(Translated(rig.xlate(Txn(0x10).p()), root + 0x10));
}

TEST(WalkBound, TableOutsideMemoryIsWalkEabt)
{
    // 7.3.12: a table address that is not backed by memory aborts: F_WALK_EABT, S2 == 0,
    // CLASS == TT, FetchAddr = the descriptor address
    Rig rig;  // RAM is [0, 2^40)
    S1 s(rig, 12, 25);
    s.commit();
    uint64_t far_table = UINT64_C(0x20000000000);  // 2TB: below 2^48, not memory
    s.pt.map(kVA, kOA, 3);
    s.pt.set_raw(kVA, 2, s.pt.table_desc(far_table));
    smmu_xlate_t x = rig.xlate(Txn(kVA));
    Event e = expect_fault(rig, x, evt::F_WALK_EABT);
    EXPECT_FALSE(e.s2());
    EXPECT_EQ(e.cls(), CLASS_TT);
    EXPECT_EQ(e.fetch_addr(), far_table + 8 * s.pt.index(kVA, 3));
}

TEST(WalkBound, Ttb0OutsideMemoryIsWalkEabt)
{
    Rig rig;
    Cd cd;
    cd.ttb0 = UINT64_C(0x20000000000);
    rig.s1_stream(1, cd);
    smmu_xlate_t x = rig.xlate(Txn(kVA));
    Event e = expect_fault(rig, x, evt::F_WALK_EABT);
    EXPECT_EQ(e.fetch_addr(), UINT64_C(0x20000000000) + 8 * ((kVA >> 30) & 0x1FF));
}

// ------------------------------------------------------------------------------------------
// SMMU disabled: GBPA (6.3.14) and no events
// ------------------------------------------------------------------------------------------

TEST(Disabled, NoStreamTableLookupWhenSmmuenIsZero)
{
    Rig rig;
    rig.dev().wr32(reg::CR0, reg::CR0_CMDQEN | reg::CR0_EVENTQEN);
    smmu_xlate_t x = rig.xlate(Txn(0x1234, 99));
    EXPECT_EQ(x.status, SMMU_XLATE_BYPASS) << describe(x);
    EXPECT_EQ(x.pa, 0x1234u);
    expect_no_events(rig);
}

}  // namespace
