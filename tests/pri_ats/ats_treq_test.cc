// SPDX-License-Identifier: Apache-2.0
// ATS Translation Requests (IHI 0070 3.9.1.2 responses, 7.3.6 F_BAD_ATS_TREQ, 13.6 split
// stage and stage-1 skipping, 13.7 permissions, 3.13.7 / 13.7 HTTU at request time).
#include "streams.h"

using namespace pa;

namespace {

constexpr uint8_t R = SMMU_PERM_R, W = SMMU_PERM_W, X = SMMU_PERM_X;

void expect_bad_ats_treq(Rig& r, uint32_t sid)
{
    std::vector<Event> ev = r.events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type(), evt::F_BAD_ATS_TREQ);
    EXPECT_EQ(ev[0].sid(), sid);
}

void expect_no_events(Rig& r)
{
    std::vector<Event> ev = r.events();
    EXPECT_TRUE(ev.empty()) << "event type 0x" << std::hex << (ev.empty() ? 0 : ev[0].type());
}

}  // namespace

// ------------------------------------------------------------------------------------------
// UR completions (3.9.1.2 first table, 7.3.6)
// ------------------------------------------------------------------------------------------

TEST(AtsTreqUr, SmmuDisabled)
{
    RigOptions o;
    o.enable = false; // EVENTQEN = 1, SMMUEN = 0
    Rig r(default_config(), o);
    EXPECT_TRUE(Completion(r.xlate(treq(kVa, 1)), SMMU_ATS_UR));
    expect_bad_ats_treq(r, 1);
}

TEST(AtsTreqUr, BypassSte)
{
    Rig r;
    Ste ste;
    ste.config = 0b100; // effective EATS is 0b00 for a bypass STE (5.2)
    r.set_ste(1, ste);
    EXPECT_TRUE(Completion(r.xlate(treq(kVa, 1)), SMMU_ATS_UR));
    expect_bad_ats_treq(r, 1);
}

TEST(AtsTreqUr, Eats00)
{
    Rig r;
    S1Stream st(r, 1);
    st.pt.map(kVa, kPa);
    st.ste.eats = 0b00;
    st.commit();
    EXPECT_TRUE(Completion(r.xlate(treq(kVa, 1)), SMMU_ATS_UR));
    expect_bad_ats_treq(r, 1);
    // the same address is fine for ordinary traffic (the point of F_BAD_ATS_TREQ, 7.3.6)
    smmu_xlate_t x = r.xlate(untranslated(kVa, 1));
    EXPECT_EQ(x.status, SMMU_XLATE_OK);
}

TEST(AtsTreqUr, SplitStageWithoutAtschk)
{
    RigOptions o;
    o.atschk = false; // EATS == 0b10 behaves as 0b00 (3.9.1.2 note, 5.2)
    Rig r(default_config(), o);
    NestedStream st(r, 1);
    st.s1.map(kVa, kIpa);
    st.s2.map(kIpa, kPa);
    st.ste.eats = 0b10;
    st.commit();
    EXPECT_TRUE(Completion(r.xlate(treq(kVa, 1)), SMMU_ATS_UR));
    expect_bad_ats_treq(r, 1);
}

TEST(AtsTreqUr, BadAtsTreqRecordsTheSubstream)
{
    Rig r;
    S1Stream st(r, 3);
    st.ste.eats = 0b00;
    st.ste.s1cdmax = 2;
    st.commit();
    EXPECT_TRUE(Completion(r.xlate(with_pasid(treq(kVa, 3), 2)), SMMU_ATS_UR));
    std::vector<Event> ev = r.events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type(), evt::F_BAD_ATS_TREQ);
    EXPECT_EQ(ev[0].sid(), 3u);
    EXPECT_TRUE(ev[0].ssv());
    EXPECT_EQ(ev[0].ssid(), 2u);
}

TEST(AtsTreqUr, ConfigAbortWithoutEvent)
{
    Rig r;
    Ste ste;
    ste.config = 0b000;
    r.set_ste(1, ste);
    EXPECT_TRUE(Completion(r.xlate(treq(kVa, 1)), SMMU_ATS_UR));
    expect_no_events(r);
}

// ------------------------------------------------------------------------------------------
// CA completions: configuration errors, no event without CR2.REC_CFG_ATS (3.9.1.2)
// ------------------------------------------------------------------------------------------

namespace {
enum CaKind { kSteInvalid, kSteFetchAbort, kSidRange, kCdInvalid, kCdFetchAbort, kBadSsid,
              kStreamDisabled, kSteIllegal };
class AtsTreqCa : public ::testing::TestWithParam<int> {};
}  // namespace

TEST_P(AtsTreqCa, CompleterAbortWithoutEvent)
{
    Rig r;
    S1Stream st(r, 1);
    st.pt.map(kVa, kPa);
    smmu_txn_t t = treq(kVa, 1);
    switch (GetParam()) {
    case kSteInvalid: st.ste.v = false; break;
    case kSteFetchAbort: r.mem.add_abort(r.ste_pa(1), r.ste_pa(1) + 63); break;
    case kSidRange: t.stream_id = 0x1000; break; // STRTAB LOG2SIZE == 8
    case kCdInvalid: st.cd.v = false; break;     // C_BAD_CD
    case kCdFetchAbort: break;                   // set after commit
    case kBadSsid: t = with_pasid(t, 1); break;  // S1CDMax == 0
    case kStreamDisabled: st.ste.s1cdmax = 1; st.ste.s1dss = 0b00; break;
    case kSteIllegal: st.ste.eats = 0b10; break; // split stage needs Config 0b111
    default: break;
    }
    st.commit();
    if (GetParam() == kCdFetchAbort)
        r.mem.add_abort(st.cd_pa, st.cd_pa + 63);
    EXPECT_TRUE(Completion(r.xlate(t), SMMU_ATS_CA));
    expect_no_events(r);
}

INSTANTIATE_TEST_SUITE_P(Errors, AtsTreqCa,
                         ::testing::Values(kSteInvalid, kSteFetchAbort, kSidRange, kCdInvalid,
                                           kCdFetchAbort, kBadSsid, kStreamDisabled,
                                           kSteIllegal));

// ------------------------------------------------------------------------------------------
// Success with R == W == 0: translation-related faults, no event (3.9.1.2)
// ------------------------------------------------------------------------------------------

TEST(AtsTreqDenied, TranslationFault)
{
    Rig r;
    S1Stream st(r, 1);
    st.commit();
    smmu_xlate_t x = r.xlate(treq(kVa, 1, true));
    EXPECT_TRUE(Success(x, 0));
    EXPECT_EQ(x.page_mask, UINT64_C(0xFFF)); // the STU: smallest granule implemented (3.9.1)
    expect_no_events(r);
}

TEST(AtsTreqDenied, AccessFlagFaultWithoutHttu)
{
    Rig r;
    S1Stream st(r, 1);
    Leaf l;
    l.af = false;
    st.pt.map(kVa, kPa, l);
    st.commit();
    EXPECT_TRUE(Success(r.xlate(treq(kVa, 1)), 0));
    expect_no_events(r);
}

TEST(AtsTreqDenied, AddressSizeFault)
{
    Rig r;
    S1Stream st(r, 1);
    st.cd.ips = 0; // 32-bit output: the 0xC0000000 page fits, 0x1_0000_0000 does not
    st.pt.map(kVa, UINT64_C(0x100000000));
    st.commit();
    EXPECT_TRUE(Success(r.xlate(treq(kVa, 1)), 0));
    expect_no_events(r);
}

TEST(AtsTreqDenied, CdAZeroIsNotRazWi)
{
    // 3.9.1: Translation Requests that fail "including those that would ordinarily have
    // CD.A == 0 RAZ/WI behavior" are reported to the endpoint
    Rig r;
    S1Stream st(r, 1);
    st.cd.a = false;
    st.commit();
    EXPECT_TRUE(Success(r.xlate(treq(kVa, 1)), 0));
    expect_no_events(r);
}

TEST(AtsTreqDenied, StallConfigurationDoesNotStall)
{
    Rig r;
    S1Stream st(r, 1);
    st.cd.s = true; // CD.S: stall model for ordinary traffic
    st.commit();
    smmu_xlate_t x = r.xlate(treq(kVa, 1));
    EXPECT_TRUE(Success(x, 0));
    EXPECT_EQ(smmu_stall_count(r.s), 0u);
    expect_no_events(r);
}

TEST(AtsTreqDenied, Stage2TranslationFaultWhenNested)
{
    Rig r;
    NestedStream st(r, 1);
    st.s1.map(kVa, kIpa); // IPA not mapped at stage 2
    st.commit();
    EXPECT_TRUE(Success(r.xlate(treq(kVa, 1)), 0));
    expect_no_events(r);
}

TEST(AtsTreqDenied, Stage2PermissionOnTableWalk)
{
    // 3.9.1.2: F_PERMISSION at stage 2 for a stage-1 table walk gives R == W == 0
    Rig r;
    NestedStream st(r, 1);
    st.s1.map(kVa, kIpa);
    st.s2.map(kIpa, kPa);
    st.commit();
    Leaf none;
    none.s2ap = 0b00;
    st.s2.map(st.s1.root(), st.s1.root(), none); // stage-1 level-1 table: no access
    r.invalidate_all();
    EXPECT_TRUE(Success(r.xlate(treq(kVa, 1)), 0));
    expect_no_events(r);
}

// ------------------------------------------------------------------------------------------
// Success with the permissions the tables allow (13.7, 13.7.1)
// ------------------------------------------------------------------------------------------

TEST(AtsTreqPerm, WriteOnlyWhenRequested)
{
    Rig r;
    S1Stream st(r, 1);
    st.pt.map(kVa, kPa);
    st.commit();
    smmu_xlate_t x = r.xlate(treq(kVa + 0x123, 1, false)); // NW == 1
    EXPECT_TRUE(Success(x, R));
    EXPECT_EQ(x.pa, kPa + 0x123);
    EXPECT_EQ(x.page_mask, UINT64_C(0xFFF));
    EXPECT_TRUE(Success(r.xlate(treq(kVa, 1, true)), R | W)); // NW == 0
    expect_no_events(r);
}

TEST(AtsTreqPerm, ReadOnlyPageGrantsRead)
{
    Rig r;
    S1Stream st(r, 1);
    Leaf ro;
    ro.ap = 0b11;
    st.pt.map(kVa, kPa, ro);
    st.commit();
    EXPECT_TRUE(Success(r.xlate(treq(kVa, 1, true)), R)); // a write intent on an RO page
    expect_no_events(r);
}

TEST(AtsTreqPerm, PrivilegedOnlyPage)
{
    Rig r;
    S1Stream st(r, 1);
    st.ste.s1cdmax = 1; // PASIDs: Priv travels in the PASID prefix
    Leaf el1;
    el1.ap = 0b00; // EL1 RW, EL0 none
    el1.uxn = true;
    st.pt.map(kVa, kPa, el1);
    st.commit();
    smmu_txn_t t = with_pasid(treq(kVa, 1, true), 1);
    EXPECT_TRUE(Success(r.xlate(t), 0)); // unprivileged: nothing
    t.priv = true;
    EXPECT_TRUE(Success(r.xlate(t), R | W));
    expect_no_events(r);
}

TEST(AtsTreqPerm, ExecuteOnlyWhenRequestedAndAllowed)
{
    Rig r;
    S1Stream st(r, 1);
    st.ste.s1cdmax = 1;
    st.pt.map(kVa, kPa); // RW at EL0 and EL1, UXN == 0
    Leaf xn;
    xn.uxn = true;
    st.pt.map(kVa + 0x1000, kPa + 0x1000, xn);
    st.commit();
    smmu_txn_t t = with_pasid(treq(kVa, 1), 1);
    EXPECT_TRUE(Success(r.xlate(t), R)); // Exe not requested: never granted
    t.instr = true;
    EXPECT_TRUE(Success(r.xlate(t), R | X));
    t.iova = kVa + 0x1000;
    EXPECT_TRUE(Success(r.xlate(t), R)); // XN page
}

// 13.7: "An execute-only (XO) translation grants no access to ATS" (13.7.1: TC.Exe =
// TR.Exe && ttd_RX; "Exe implies R"). AP[2:1] == 00 with UXN == 0 is execute-only at EL0.
// translate.c (ats_perm) grants X without R here: reported, disabled until fixed.
TEST(AtsTreqPerm, ExecuteOnlyPageGrantsNothing)
{
    Rig r;
    S1Stream st(r, 1);
    st.ste.s1cdmax = 1;
    Leaf xo;
    xo.ap = 0b00;
    st.pt.map(kVa, kPa, xo);
    st.commit();
    smmu_txn_t t = with_pasid(treq(kVa, 1), 1);
    t.instr = true;
    EXPECT_TRUE(Success(r.xlate(t), 0));
}

// 13.7.1: without a PASID the request's Priv and Exe are 0 (Reserved in the completion).
// translate.c uses smmu_txn_t.priv/instr of a PASID-less request as given: reported,
// disabled until fixed (a PCIe request cannot carry them; only an API caller can).
TEST(AtsTreqPerm, NoPasidMeansUnprivilegedData)
{
    Rig r;
    S1Stream st(r, 1);
    Leaf el1;
    el1.ap = 0b00; // EL1 RW, EL0 none
    el1.uxn = true;
    st.pt.map(kVa, kPa, el1);
    st.commit();
    smmu_txn_t t = treq(kVa, 1, true);
    t.priv = true; // no PASID: must be treated as unprivileged
    EXPECT_TRUE(Success(r.xlate(t), 0));
}

// 13.7.1: with STE.INSTCFG == Instruction, TC.R = ttd_X: an XN page grants no Read.
// translate.c (ats_perm) ignores INSTCFG: reported, disabled until fixed.
TEST(AtsTreqPerm, InstcfgInstructionReadNeedsExecute)
{
    Rig r;
    S1Stream st(r, 1);
    st.ste.instcfg = 0b11; // Instruction
    Leaf xn;
    xn.uxn = true;
    st.pt.map(kVa, kPa, xn);
    st.commit();
    EXPECT_TRUE(Success(r.xlate(treq(kVa, 1)), 0));
}

TEST(AtsTreqPerm, Stage2OnlyReturnsThePa)
{
    Rig r;
    NestedStream st(r, 1);
    st.ste.config = 0b110;
    st.s2.map(kIpa, kPa);
    st.commit();
    smmu_xlate_t x = r.xlate(treq(kIpa + 0x20, 1, true));
    EXPECT_TRUE(Success(x, R | W));
    EXPECT_EQ(x.pa, kPa + 0x20);
}

TEST(AtsTreqPerm, Stage2LimitsNestedPermissions)
{
    Rig r;
    NestedStream st(r, 1);
    st.s1.map(kVa, kIpa);
    Leaf s2ro;
    s2ro.s2ap = 0b01; // read only at stage 2
    st.s2.map(kIpa, kPa, s2ro);
    st.commit();
    smmu_xlate_t x = r.xlate(treq(kVa + 0x40, 1, true));
    EXPECT_TRUE(Success(x, R));
    EXPECT_EQ(x.pa, kPa + 0x40); // full ATS (EATS 0b01): the PA
    expect_no_events(r);
}

// ------------------------------------------------------------------------------------------
// HTTU at request time (3.9.1, 3.13.7, 13.7)
// ------------------------------------------------------------------------------------------

TEST(AtsTreqHttu, AccessFlagSetAtRequestTime)
{
    Rig r;
    S1Stream st(r, 1);
    st.cd.ha = true;
    Leaf l;
    l.af = false;
    uint64_t pte = st.pt.map(kVa, kPa, l);
    st.commit();
    EXPECT_TRUE(Success(r.xlate(treq(kVa, 1)), R));
    EXPECT_NE(r.mem.read64(pte) & (UINT64_C(1) << 10), 0u); // AF [10]
}

TEST(AtsTreqHttu, DirtyStateSetOnlyForWriteIntent)
{
    Rig r;
    S1Stream st(r, 1);
    st.cd.ha = st.cd.hd = true;
    Leaf clean; // writable-clean: AP[2] == 1 (read-only) with DBM == 1 (3.13.3)
    clean.ap = 0b11;
    clean.dbm = true;
    uint64_t p0 = st.pt.map(kVa, kPa, clean);
    uint64_t p1 = st.pt.map(kVa + 0x1000, kPa + 0x1000, clean);
    st.commit();
    // NW == 1: read only, the page stays clean
    EXPECT_TRUE(Success(r.xlate(treq(kVa + 0x1000, 1, false)), R));
    EXPECT_NE(r.mem.read64(p1) & (UINT64_C(1) << 7), 0u); // AP[2] still set
    // NW == 0: marked dirty (AP[2] cleared) and Write granted
    EXPECT_TRUE(Success(r.xlate(treq(kVa, 1, true)), R | W));
    EXPECT_EQ(r.mem.read64(p0) & (UINT64_C(1) << 7), 0u);
    expect_no_events(r);
}

TEST(AtsTreqHttu, NoDirtyUpdateWithoutHd)
{
    Rig r;
    S1Stream st(r, 1);
    st.cd.ha = true;
    Leaf clean;
    clean.ap = 0b11;
    clean.dbm = true;
    uint64_t p0 = st.pt.map(kVa, kPa, clean);
    st.commit();
    EXPECT_TRUE(Success(r.xlate(treq(kVa, 1, true)), R)); // 13.7: no W for writable-clean
    EXPECT_NE(r.mem.read64(p0) & (UINT64_C(1) << 7), 0u);
}

// ------------------------------------------------------------------------------------------
// Split stage (EATS 0b10, 13.6.3) and stage-1 skipping (13.6.4, 13.6.5)
// ------------------------------------------------------------------------------------------

TEST(AtsTreqSplit, ReturnsTheIpaWithCombinedPermissions)
{
    Rig r;
    NestedStream st(r, 1);
    st.ste.eats = 0b10;
    st.s1.map(kVa, kIpa);
    Leaf s2ro;
    s2ro.s2ap = 0b01;
    st.s2.map(kIpa, kPa, s2ro);
    st.commit();
    smmu_xlate_t x = r.xlate(treq(kVa + 0x88, 1, true));
    EXPECT_TRUE(Success(x, R)); // permissions from both stages
    EXPECT_EQ(x.pa, kIpa + 0x88);
    // again, now from the TLB
    x = r.xlate(treq(kVa + 0x88, 1, true));
    EXPECT_TRUE(Success(x, R));
    EXPECT_EQ(x.pa, kIpa + 0x88);
    expect_no_events(r);
}

TEST(AtsTreqSkip, FullAtsStage1OnlySkipGivesIdentity)
{
    // 13.6.4: Config 0b101, EATS 0b01, S1CDMax != 0, S1DSS 0b01, no PASID:
    // Success, R == W == 1, identity-mapped
    Rig r;
    S1Stream st(r, 1);
    st.ste.s1cdmax = 1;
    st.ste.s1dss = 0b01;
    st.commit();
    smmu_xlate_t x = r.xlate(treq(UINT64_C(0x12345000), 1, false));
    EXPECT_TRUE(Success(x, R | W));
    EXPECT_EQ(x.pa, UINT64_C(0x12345000));
}

TEST(AtsTreqSkip, FullAtsNestedSkipIsStage2Only)
{
    // 13.6.4: with stage 2 enabled a request without PASID is translated stage 2-only
    Rig r;
    NestedStream st(r, 1);
    st.ste.s1cdmax = 1;
    st.ste.s1dss = 0b01;
    st.s2.map(kIpa, kPa);
    st.commit();
    smmu_xlate_t x = r.xlate(treq(kIpa + 0x10, 1, true));
    EXPECT_TRUE(Success(x, R | W));
    EXPECT_EQ(x.pa, kPa + 0x10);
}

// 13.6.5: Split-stage ATS skipping stage 1 returns the IPA identity-mapped, with the stage-2
// permissions. translate.c (s2_only) returns the stage-2 output (the PA) instead: reported
// to the lead, disabled until translate.c is fixed (see docs/ats_pri.md "Known deviations").
TEST(AtsTreqSkip, SplitStageSkipReturnsTheIpa)
{
    Rig r;
    NestedStream st(r, 1);
    st.ste.eats = 0b10;
    st.ste.s1cdmax = 1;
    st.ste.s1dss = 0b01;
    Leaf s2ro;
    s2ro.s2ap = 0b01;
    st.s2.map(kIpa, kPa, s2ro);
    st.commit();
    smmu_xlate_t x = r.xlate(treq(kIpa + 0x10, 1, true));
    EXPECT_TRUE(Success(x, R));
    EXPECT_EQ(x.pa, kIpa + 0x10);
}

// ------------------------------------------------------------------------------------------
// Statistics
// ------------------------------------------------------------------------------------------

TEST(AtsTreqStats, CountsRequests)
{
    Rig r;
    S1Stream st(r, 1);
    st.pt.map(kVa, kPa);
    st.commit();
    smmu_stats_t before, after;
    smmu_stats_get(r.s, &before);
    r.xlate(treq(kVa, 1));
    r.xlate(treq(kVa + 0x1000, 1));
    smmu_stats_get(r.s, &after);
    EXPECT_EQ(after.ats_requests - before.ats_requests, 2u);
}
