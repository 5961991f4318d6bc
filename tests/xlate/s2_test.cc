// SPDX-License-Identifier: Apache-2.0
// Stage 2 only (STE.Config 0b110) and nested (0b111) translation.
// IHI 0070 5.2 (S2T0SZ, S2SL0, S2TG, S2PS, S2TTB, S2AFFD, S2R), 3.4 (IPA range), 5.4.1 (CDs
// and stage-1 tables in IPA space), 7.3.12-7.3.16 (S2, CLASS, IPA, FetchAddr);
// DDI 0487 D8.2.6 (concatenated initial tables), D8.4.2 (stage 2 permissions).
#include <tuple>

#include "xlate_util.h"

using namespace xlt;

namespace {

constexpr uint64_t kOA = UINT64_C(0x6600000000);

// S2SL0 -> initial level (DDI 0487 D8.2, VTCR_EL2.SL0 tables; IHI 0070 5.2 S2SL0)
int s2_level(unsigned g, unsigned sl0)
{
    static const int l4k[4] = {2, 1, 0, 3};
    static const int l16k[4] = {3, 2, 1, 0};
    static const int l64k[4] = {3, 2, 1, -9};
    return g == 12 ? l4k[sl0] : g == 14 ? l16k[sl0] : l64k[sl0];
}

struct S2Stream {
    Rig& rig;
    PageTable pt;
    Ste ste;
    S2Stream(Rig& r, unsigned g, unsigned t0sz, unsigned sl0, uint32_t sid = 1)
        : rig(r), pt(r.mem(), r.alloc(), 2, g, 64 - t0sz, s2_level(g, sl0))
    {
        ste.config = 0b110;
        ste.s2tg = s2tg_of(g);
        ste.s2t0sz = t0sz;
        ste.s2sl0 = sl0;
        ste.s2ttb = pt.root();
        ste.s2vmid = 3;
        rig.set_ste(sid, ste);
    }
    void commit(uint32_t sid = 1) { rig.set_ste(sid, ste); }
};

// ------------------------------------------------------------------------------------------
// Geometry sweep: granule x S2SL0 x S2T0SZ (single initial table and concatenated ones)
// ------------------------------------------------------------------------------------------

using S2Param = std::tuple<unsigned /*g*/, unsigned /*sl0*/, unsigned /*t0sz*/>;

class S2Walk : public ::testing::TestWithParam<S2Param> {};

std::string s2_name(const ::testing::TestParamInfo<S2Param>& i)
{
    auto [g, sl0, t] = i.param;
    return std::string(gname(g)) + "_SL0_" + std::to_string(sl0) + "_T0SZ" + std::to_string(t);
}

TEST_P(S2Walk, IpasAtBothEndsTranslate)
{
    auto [g, sl0, t0sz] = GetParam();
    Rig rig;
    S2Stream s(rig, g, t0sz, sl0);
    uint64_t gran = UINT64_C(1) << g;
    unsigned ia = 64 - t0sz;
    uint64_t lo = 2 * gran, hi = (UINT64_C(1) << ia) - gran;
    s.pt.map(lo, kOA, 3);
    s.pt.map(hi, kOA + 3 * gran, 3);
    smmu_xlate_t x = rig.xlate(Txn(lo + 0x30));
    EXPECT_TRUE(Translated(x, kOA + 0x30));
    EXPECT_EQ(x.work.s2_reads, 4 - s.pt.start_level());
    EXPECT_TRUE(Translated(rig.xlate(Txn(hi + gran - 4).w()), kOA + 3 * gran + gran - 4));
    expect_no_events(rig);
}

TEST_P(S2Walk, CachedTranslationsRepeatTheWalkResult)
{
    auto [g, sl0, t0sz] = GetParam();
    Rig rig(smmu_config_default());
    S2Stream s(rig, g, t0sz, sl0);
    uint64_t gran = UINT64_C(1) << g;
    uint64_t hi = (UINT64_C(1) << (64 - t0sz)) - gran;
    s.pt.map(0, kOA, 3);
    s.pt.map(hi, kOA + 3 * gran, 3);
    for (int round = 0; round < 2; round++) {
        EXPECT_TRUE(Translated(rig.xlate(Txn(0x10)), kOA + 0x10));
        EXPECT_TRUE(Translated(rig.xlate(Txn(hi + 0x20).w()), kOA + 3 * gran + 0x20));
    }
    smmu_xlate_t x = rig.xlate(Txn(gran));
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT) << describe(x);
}

TEST_P(S2Walk, IpaBeyondS2t0szIsAStage2TranslationFault)
{
    // 3.4: an IPA outside the S2T0SZ range is a stage 2 Translation fault (S2 == 1, IN)
    auto [g, sl0, t0sz] = GetParam();
    Rig rig;
    S2Stream s(rig, g, t0sz, sl0);
    uint64_t ipa = UINT64_C(1) << (64 - t0sz);
    smmu_xlate_t x = rig.xlate(Txn(ipa + 0x10));
    if (64 - t0sz >= 48)  // 3.4: beyond the IAS, stage-1 bypass gives a stage 1 F_ADDR_SIZE
        expect_s1_fault(rig, x, evt::F_ADDR_SIZE, ipa + 0x10);
    else
        expect_s2_fault(rig, x, evt::F_TRANSLATION, CLASS_IN, ipa, ipa + 0x10);
}

// Single initial tables (levels x S + G + 1 <= IAsize <= levels x S + G + S) plus ranges that
// need concatenation (up to +4 bits). The IAS is 48 bits (OAS 48).
INSTANTIATE_TEST_SUITE_P(
    Granule4K, S2Walk,
    ::testing::Values(S2Param{12, 0, 39}, S2Param{12, 0, 34}, S2Param{12, 0, 30},
                      S2Param{12, 1, 33}, S2Param{12, 1, 25}, S2Param{12, 1, 21},
                      S2Param{12, 2, 24}, S2Param{12, 2, 16}),
    s2_name);
INSTANTIATE_TEST_SUITE_P(
    Granule16K, S2Walk,
    ::testing::Values(S2Param{14, 0, 39}, S2Param{14, 0, 35}, S2Param{14, 1, 38},
                      S2Param{14, 1, 28}, S2Param{14, 1, 24}, S2Param{14, 2, 27},
                      S2Param{14, 2, 17}, S2Param{14, 2, 16}),
    s2_name);
INSTANTIATE_TEST_SUITE_P(
    Granule64K, S2Walk,
    ::testing::Values(S2Param{16, 0, 39}, S2Param{16, 0, 35}, S2Param{16, 0, 31},
                      S2Param{16, 1, 34}, S2Param{16, 1, 22}, S2Param{16, 1, 18},
                      S2Param{16, 2, 21}, S2Param{16, 2, 16}),
    s2_name);

// ------------------------------------------------------------------------------------------
// Concatenated initial tables (D8.2.6): S2SL0 one level deeper than a single table needs
// ------------------------------------------------------------------------------------------

class S2Concat : public ::testing::TestWithParam<S2Param> {};

TEST_P(S2Concat, IpasInEveryConcatenatedTableTranslate)
{
    auto [g, sl0, t0sz] = GetParam();
    Rig rig;
    S2Stream s(rig, g, t0sz, sl0);
    unsigned per_table = s.pt.level_shift(s.pt.start_level()) + s.pt.stride();
    unsigned ntables = 1u << ((64 - t0sz) - per_table);
    ASSERT_GE(ntables, 2u);
    ASSERT_LE(ntables, 16u);
    uint64_t gran = UINT64_C(1) << g;
    for (unsigned k = 1; k < ntables; k++) {
        uint64_t ipa = (uint64_t(k) << per_table) + 5 * gran;
        s.pt.map(ipa, kOA + k * gran, 3);
    }
    for (unsigned k = 1; k < ntables; k++) {
        uint64_t ipa = (uint64_t(k) << per_table) + 5 * gran;
        EXPECT_TRUE(Translated(rig.xlate(Txn(ipa + 8)), kOA + k * gran + 8)) << "table " << k;
    }
    expect_no_events(rig);
}

INSTANTIATE_TEST_SUITE_P(
    Tables, S2Concat,
    ::testing::Values(S2Param{12, 1, 21} /*16 x L1*/, S2Param{12, 1, 23} /*4 x L1*/,
                      S2Param{12, 0, 30} /*16 x L2*/, S2Param{14, 1, 24} /*16 x L2*/,
                      S2Param{14, 0, 35} /*16 x L3*/, S2Param{16, 1, 18} /*16 x L2*/,
                      S2Param{16, 0, 31} /*16 x L3*/, S2Param{16, 0, 34} /*2 x L3*/),
    s2_name);

TEST(S2Align, S2ttbLowBitsBelowTheConcatenatedTableAlignmentAreIgnored)
{
    // 5.2 S2TTB: bits [(x-1):0] are treated as zero; 16 concatenated 4KB tables: x = 16
    Rig rig;
    S2Stream s(rig, 12, 21, 1);
    s.ste.s2ttb = s.pt.root() + 0x3000;
    s.commit();
    uint64_t ipa = (UINT64_C(9) << 39) + 0x7000;
    s.pt.map(ipa, kOA, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(ipa + 4)), kOA + 4));
}

// ------------------------------------------------------------------------------------------
// Stage 2 permissions (D8.4.2): S2AP, XN[1:0] with FEAT_XNX (IDR3.XNX)
// ------------------------------------------------------------------------------------------

class S2Ap : public ::testing::TestWithParam<std::tuple<unsigned, bool>> {};

TEST_P(S2Ap, DataAccess)
{
    // Table D8-76: 00 none, 01 RO, 10 WO, 11 RW; the same for privileged and unprivileged
    auto [s2ap, write] = GetParam();
    Rig rig;
    S2Stream s(rig, 12, 25, 1);
    Leaf a;
    a.s2ap = s2ap;
    uint64_t ipa = 0x123000;
    s.pt.map(ipa, kOA, 3, a);
    bool ok = write ? (s2ap & 2) : (s2ap & 1);
    for (bool priv : {false, true}) {
        smmu_xlate_t x = rig.xlate(Txn(ipa + 4).w(write).p(priv));
        if (ok) {
            EXPECT_TRUE(Translated(x, kOA + 4));
        } else {
            Event e = expect_s2_fault(rig, x, evt::F_PERMISSION, CLASS_IN, ipa, ipa + 4);
            EXPECT_EQ(e.rnw(), !write);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(All, S2Ap,
                         ::testing::Combine(::testing::Values(0u, 1u, 2u, 3u), ::testing::Bool()),
                         [](const ::testing::TestParamInfo<std::tuple<unsigned, bool>>& i) {
                             return "S2AP" + std::to_string(std::get<0>(i.param)) +
                                    (std::get<1>(i.param) ? "_write" : "_read");
                         });

TEST_P(S2Ap, DataAccessWithWarmCaches)
{
    auto [s2ap, write] = GetParam();
    Rig rig(smmu_config_default());
    S2Stream s(rig, 12, 25, 1);
    Leaf a;
    a.s2ap = s2ap;
    uint64_t ipa = 0x123000;
    s.pt.map(ipa, kOA, 3, a);
    for (int k = 0; k < 3; k++)  // warm up with read, write and instruction accesses
        rig.xlate(Txn(ipa + 0x100).w(k == 1).x(k == 2));
    rig.events();
    bool ok = write ? (s2ap & 2) : (s2ap & 1);
    smmu_xlate_t x = rig.xlate(Txn(ipa + 4).w(write));
    if (ok) {
        EXPECT_TRUE(Translated(x, kOA + 4));
    } else {
        expect_s2_fault(rig, x, evt::F_PERMISSION, CLASS_IN, ipa, ipa + 4);
    }
}

class S2Xn : public ::testing::TestWithParam<std::tuple<unsigned, bool>> {};

TEST_P(S2Xn, InstructionFetch)
{
    // Table D8-78 (FEAT_XNX): 00 both, 01 EL0 only, 10 none, 11 EL1 only
    auto [xn, priv] = GetParam();
    Rig rig;
    S2Stream s(rig, 12, 25, 1);
    Leaf a;
    a.xn = xn;
    uint64_t ipa = 0x123000;
    s.pt.map(ipa, kOA, 3, a);
    bool ok = xn == 0 || (xn == 1 && !priv) || (xn == 3 && priv);
    smmu_xlate_t x = rig.xlate(Txn(ipa).x().p(priv));
    if (ok) {
        EXPECT_TRUE(Translated(x, kOA));
    } else {
        Event e = expect_s2_fault(rig, x, evt::F_PERMISSION, CLASS_IN, ipa, ipa);
        EXPECT_TRUE(e.ind());
        EXPECT_EQ(e.pnu(), priv);
    }
    // data reads are not affected by XN
    EXPECT_TRUE(Translated(rig.xlate(Txn(ipa).p(priv)), kOA));
}

INSTANTIATE_TEST_SUITE_P(All, S2Xn,
                         ::testing::Combine(::testing::Values(0u, 1u, 2u, 3u), ::testing::Bool()),
                         [](const ::testing::TestParamInfo<std::tuple<unsigned, bool>>& i) {
                             return "XN" + std::to_string(std::get<0>(i.param)) +
                                    (std::get<1>(i.param) ? "_priv" : "_unpriv");
                         });

TEST(S2Xn, WritesIgnoreInD)
{
    // 13.1: writes are Data accesses, stage-2 XN does not apply to them
    Rig rig;
    S2Stream s(rig, 12, 25, 1);
    Leaf a;
    a.xn = 2;
    s.pt.map(0x5000, kOA, 3, a);
    EXPECT_TRUE(Translated(rig.xlate(Txn(0x5000).w().x()), kOA));
}

TEST(S2XnNoXnx, OnlyBit54MattersWithoutXnx)
{
    // Table D8-77 (no FEAT_XNX): XN == 1 forbids execution at EL1 and EL0
    smmu_config_t c = config_nocache();
    c.xnx = false;
    Rig rig(c);
    S2Stream s(rig, 12, 25, 1);
    Leaf a;
    a.xn = 2;
    s.pt.map(0x5000, kOA, 3, a);
    for (bool priv : {false, true}) {
        smmu_xlate_t x = rig.xlate(Txn(0x5000).x().p(priv));
        expect_s2_fault(rig, x, evt::F_PERMISSION, CLASS_IN, 0x5000, 0x5000);
    }
}

TEST(S2Exec, ExecuteOnlyPage)
{
    // D8.4.2: an instruction fetch needs execute permission only (S2AP 00, XN 00)
    Rig rig;
    S2Stream s(rig, 12, 25, 1);
    Leaf a;
    a.s2ap = 0;
    s.pt.map(0x5000, kOA, 3, a);
    EXPECT_TRUE(Translated(rig.xlate(Txn(0x5000).x()), kOA));
    smmu_xlate_t x = rig.xlate(Txn(0x5000));
    expect_s2_fault(rig, x, evt::F_PERMISSION, CLASS_IN, 0x5000, 0x5000);
}

TEST(S2Fault, InvalidDescriptorReportsTheIpa)
{
    Rig rig;
    S2Stream s(rig, 12, 25, 1);
    s.pt.map(0x40000000, kOA, 3);
    uint64_t ipa = UINT64_C(0x40001234);
    smmu_xlate_t x = rig.xlate(Txn(ipa));
    expect_s2_fault(rig, x, evt::F_TRANSLATION, CLASS_IN, ipa, ipa);
}

TEST(S2Fault, BlockAtLevel1And2)
{
    Rig rig;
    S2Stream s(rig, 12, 25, 1);
    s.pt.map(UINT64_C(0x40000000), UINT64_C(0x80000000), 1);
    s.pt.map(UINT64_C(0x00200000), UINT64_C(0x00600000), 2);
    smmu_xlate_t x = rig.xlate(Txn(UINT64_C(0x40012345)));
    EXPECT_TRUE(Translated(x, UINT64_C(0x80012345)));
    EXPECT_EQ(x.page_mask, UINT64_C(0x3FFFFFFF));
    x = rig.xlate(Txn(UINT64_C(0x00212345)));
    EXPECT_TRUE(Translated(x, UINT64_C(0x00612345)));
    EXPECT_EQ(x.page_mask, UINT64_C(0x1FFFFF));
}

TEST(S2Fault, WalkAbortOnAStage2Descriptor)
{
    // 7.3.12: EABT on a stage-2 descriptor: S2 == 1, CLASS == IN, FetchAddr = descriptor PA
    Rig rig;
    S2Stream s(rig, 12, 25, 1);
    uint64_t ipa = 0x77000;
    s.pt.map(ipa, kOA, 3);
    uint64_t dpa = s.pt.desc_pa(ipa, 3);
    rig.mem().add_abort(dpa, dpa + 7);
    smmu_xlate_t x = rig.xlate(Txn(ipa + 4).w());
    Event e = expect_fault(rig, x, evt::F_WALK_EABT);
    EXPECT_TRUE(e.s2());
    EXPECT_EQ(e.cls(), CLASS_IN);
    EXPECT_EQ(e.fetch_addr(), dpa);
    EXPECT_EQ(e.input_addr(), ipa + 4);
    EXPECT_FALSE(e.rnw());
}

TEST(S2Fault, S2rZeroSuppressesTheRecord)
{
    // 5.5: stage-2 faults use STE.S2R (record) with A fixed at 1
    Rig rig;
    S2Stream s(rig, 12, 25, 1);
    s.ste.s2r = false;
    s.commit();
    smmu_xlate_t x = rig.xlate(Txn(0x9000));
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT) << describe(x);
    EXPECT_FALSE(x.recorded);
    expect_no_events(rig);
}

TEST(S2Fault, SsvOnAStreamWithoutStage1IsBadSubstream)
{
    // 5.2 / 7.3.8: a SubstreamID on a stream with stage 1 disabled
    Rig rig;
    S2Stream s(rig, 12, 25, 1);
    s.pt.map(0x9000, kOA, 3);
    smmu_xlate_t x = rig.xlate(Txn(0x9000).ss(3));
    Event e = expect_fault(rig, x, evt::C_BAD_SUBSTREAMID);
    EXPECT_EQ(e.ssid(), 3u);
}

// ------------------------------------------------------------------------------------------
// Nested (Config 0b111): CD and stage-1 tables live in IPA space
// ------------------------------------------------------------------------------------------

// The guest's memory: IPA [kGuestIpa, +64MB) maps to PA [kGuestPa, +64MB) through stage 2.
constexpr uint64_t kGuestPa = UINT64_C(0x20000000);
constexpr uint64_t kGuestIpa = UINT64_C(0x3000000000);
constexpr uint64_t kGuestSize = 64 * MB;

struct Nested {
    Rig rig;
    Alloc guest{kGuestPa};                      // PA allocator for guest structures
    PageTable s2{rig.mem(), rig.alloc(), 2, 12, 40, 1};  // S2T0SZ 24, S2SL0 01 (2 x L1)
    PageTable s1{rig.mem(), guest, 1, 12, 39, PageTable::kAuto, kGuestIpa - kGuestPa};
    Ste ste;
    Cd cd;
    uint64_t cd_pa = 0;

    explicit Nested(const smmu_config_t& c = config_nocache()) : rig(c)
    {
        for (uint64_t off = 0; off < kGuestSize; off += 2 * MB)
            s2.map(kGuestIpa + off, kGuestPa + off, 2);
        cd_pa = guest.get(64, 64);
        cd.ttb0 = s1.root();
        ste.config = 0b111;
        ste.s2t0sz = 24;
        ste.s2sl0 = 1;
        ste.s2ttb = s2.root();
        ste.s2vmid = 7;
        commit();
    }
    uint64_t ipa(uint64_t pa) const { return pa - kGuestPa + kGuestIpa; }
    void commit()
    {
        rig.write_cd(cd_pa, cd);
        ste.s1_context_ptr = ipa(cd_pa);
        rig.set_ste(1, ste);
    }
};

constexpr uint64_t kVA = UINT64_C(0x00401000);
constexpr uint64_t kIPA = UINT64_C(0x5000042000);  // final IPA, mapped by stage 2 below
constexpr uint64_t kPA = UINT64_C(0x0077770000);

TEST(Nested, VaToIpaToPa)
{
    Nested n;
    n.s1.map(kVA, kIPA, 3);
    n.s2.map(kIPA, kPA, 3);
    smmu_xlate_t x = n.rig.xlate(Txn(kVA + 0x10));
    EXPECT_TRUE(Translated(x, kPA + 0x10));
    EXPECT_EQ(x.page_mask, 0xFFFu);
    expect_no_events(n.rig);
}

TEST(Nested, PermIsTheIntersectionOfBothStages)
{
    // smmu_xlate_t.perm: rights granted by stage 1 and stage 2 together
    Nested n;
    n.s1.map(kVA, kIPA, 3);  // AP 01: R/W (and X, UXN 0) for unprivileged
    Leaf ro;
    ro.s2ap = 1;             // stage 2 read-only, executable
    n.s2.map(kIPA, kPA, 3, ro);
    smmu_xlate_t x = n.rig.xlate(Txn(kVA));
    ASSERT_TRUE(Translated(x, kPA));
    EXPECT_EQ(x.perm, SMMU_PERM_R | SMMU_PERM_X);
}

TEST(Nested, TwoLevelCdTableInIpaSpace)
{
    // 5.2 S1Fmt note: with stage 2 the L1CD pointers are IPAs too; a stage-2 fault on the
    // CD address reached through an L1CD is CLASS == CD with IPA = that CD address
    Nested n;
    uint64_t l1 = n.guest.get(64, 64);
    uint64_t l2 = n.guest.get(4096, 4096);
    n.rig.write_cd(l2 + 64 * 3, n.cd);
    n.rig.mem().write64(l1 + 8 * 1, l1cd(true, n.ipa(l2)));  // SSIDs 64..127
    uint64_t far_l2_ipa = UINT64_C(0x4200000000);               // not mapped at stage 2
    n.rig.mem().write64(l1 + 8 * 2, l1cd(true, far_l2_ipa));    // SSIDs 128..191
    n.ste.s1fmt = 1;
    n.ste.s1cdmax = 8;
    n.ste.s1_context_ptr = n.ipa(l1);
    n.rig.set_ste(1, n.ste);
    n.s1.map(kVA, kIPA, 3);
    n.s2.map(kIPA, kPA, 3);
    EXPECT_TRUE(Translated(n.rig.xlate(Txn(kVA).ss(67)), kPA));
    smmu_xlate_t x = n.rig.xlate(Txn(kVA).ss(130));
    Event e = expect_s2_fault(n.rig, x, evt::F_TRANSLATION, CLASS_CD, far_l2_ipa + 64 * 2, kVA);
    EXPECT_EQ(e.ssid(), 130u);
}

TEST(Nested, S1dssBypassIpaBeyondS2RangeIsAStage2Fault)
{
    // 3.4: stage 1 bypassed; an IPA within the IAS but outside S2T0SZ -> stage 2 F_TRANSLATION
    Nested n;
    n.ste.s1cdmax = 1;
    n.ste.s1dss = 1;
    uint64_t tbl = n.guest.get(128, 128);
    n.ste.s1_context_ptr = n.ipa(tbl);
    n.rig.set_ste(1, n.ste);
    uint64_t ipa = UINT64_C(1) << 44;
    smmu_xlate_t x = n.rig.xlate(Txn(ipa + 4));
    expect_s2_fault(n.rig, x, evt::F_TRANSLATION, CLASS_IN, ipa, ipa + 4);
}

TEST(Nested, PageMaskIsTheSmallerOfBothStages)
{
    Nested n;
    n.s1.map(UINT64_C(0x40000000), UINT64_C(0x5040000000), 1);  // 1GB stage-1 block
    n.s2.map(UINT64_C(0x5040123000), kPA, 3);                   // 4K stage-2 page
    smmu_xlate_t x = n.rig.xlate(Txn(UINT64_C(0x40123008)));
    EXPECT_TRUE(Translated(x, kPA + 8));
    EXPECT_EQ(x.page_mask, 0xFFFu);
}

TEST(Nested, FinalIpaNotMappedIsAStage2FaultClassIn)
{
    // 7.3.13: S2 == 1, CLASS == IN, IPA provided; InputAddr is the VA
    Nested n;
    n.s1.map(kVA, kIPA, 3);
    smmu_xlate_t x = n.rig.xlate(Txn(kVA + 0x10));
    expect_s2_fault(n.rig, x, evt::F_TRANSLATION, CLASS_IN, kIPA, kVA + 0x10);
}

TEST(Nested, Stage1TableIpaNotMappedIsAStage2FaultClassTt)
{
    // 7.3.13: walking stage 1, CLASS == TT and IPA is the stage-1 descriptor address
    Nested n;
    n.s1.map(kVA, kIPA, 3);
    n.s2.map(kIPA, kPA, 3);
    uint64_t bad_table_ipa = UINT64_C(0x4000000000);  // not mapped by stage 2
    n.s1.set_raw(kVA, 2, n.s1.table_desc(bad_table_ipa));
    uint64_t desc_ipa = bad_table_ipa + 8 * n.s1.index(kVA, 3);
    smmu_xlate_t x = n.rig.xlate(Txn(kVA));
    expect_s2_fault(n.rig, x, evt::F_TRANSLATION, CLASS_TT, desc_ipa, kVA);
}

TEST(Nested, CdIpaNotMappedIsAStage2FaultClassCd)
{
    // 7.3.13: fetching a CD, CLASS == CD and IPA is the CD address
    Nested n;
    uint64_t cd_ipa = UINT64_C(0x4100000040);
    n.ste.s1_context_ptr = cd_ipa;
    n.rig.set_ste(1, n.ste);
    smmu_xlate_t x = n.rig.xlate(Txn(kVA));
    expect_s2_fault(n.rig, x, evt::F_TRANSLATION, CLASS_CD, cd_ipa, kVA);
}

TEST(Nested, Stage1DescriptorInAnAbortingRangeIsWalkEabtStage1)
{
    // 7.3.12: EABT on a stage-1 descriptor after stage 2: S2 == 0, CLASS == TT,
    // FetchAddr = the descriptor's PA
    Nested n;
    n.s1.map(kVA, kIPA, 3);
    n.s2.map(kIPA, kPA, 3);
    uint64_t dpa = n.s1.desc_pa(kVA, 3);
    n.rig.mem().add_abort(dpa, dpa + 7);
    smmu_xlate_t x = n.rig.xlate(Txn(kVA + 4));
    Event e = expect_fault(n.rig, x, evt::F_WALK_EABT);
    EXPECT_FALSE(e.s2());
    EXPECT_EQ(e.cls(), CLASS_TT);
    EXPECT_EQ(e.fetch_addr(), dpa);
    EXPECT_EQ(e.input_addr(), kVA + 4);
}

TEST(Nested, Stage2DescriptorAbortWhileWalkingStage1IsWalkEabtStage2ClassTt)
{
    // 7.3.12: EABT on a stage-2 descriptor translating a stage-1 table IPA: S2 == 1, TT
    Nested n;
    // move the stage-1 level-2 table for kVA to another 2MB block of guest memory, away from
    // the CD and the stage-1 root
    uint64_t t_pa = kGuestPa + 8 * MB;
    n.s1.map(kVA, kIPA, 3);
    n.s1.set_raw(kVA, 1, n.s1.table_desc(n.ipa(t_pa)));
    n.s1.map(kVA, kIPA, 3);
    n.s2.map(kIPA, kPA, 3);
    EXPECT_TRUE(Translated(n.rig.xlate(Txn(kVA)), kPA));
    uint64_t s2d = n.s2.desc_pa(n.ipa(t_pa), 2);  // the 2MB block holding that table
    n.rig.mem().add_abort(s2d, s2d + 7);
    smmu_xlate_t x = n.rig.xlate(Txn(kVA));
    Event e = expect_fault(n.rig, x, evt::F_WALK_EABT);
    EXPECT_TRUE(e.s2());
    EXPECT_EQ(e.cls(), CLASS_TT);
    EXPECT_EQ(e.fetch_addr(), s2d);
    EXPECT_EQ(e.input_addr(), kVA);
}

TEST(Nested, Stage2DescriptorAbortForTheFinalIpaIsWalkEabtStage2ClassIn)
{
    Nested n;
    n.s1.map(kVA, kIPA, 3);
    n.s2.map(kIPA, kPA, 3);
    uint64_t s2d = n.s2.desc_pa(kIPA, 3);
    n.rig.mem().add_abort(s2d, s2d + 7);
    smmu_xlate_t x = n.rig.xlate(Txn(kVA));
    Event e = expect_fault(n.rig, x, evt::F_WALK_EABT);
    EXPECT_TRUE(e.s2());
    EXPECT_EQ(e.cls(), CLASS_IN);
    EXPECT_EQ(e.fetch_addr(), s2d);
    EXPECT_EQ(e.input_addr(), kVA);
}

TEST(Nested, S2ptwTurnsADeviceMappedStage1TableIntoAStage2PermissionFault)
{
    // 5.2 S2PTW == 1: a stage-1 walk access to stage-2 Device memory is a stage 2
    // Permission fault (CLASS == TT, IPA = the stage-1 descriptor address)
    Nested n;
    uint64_t t_pa = kGuestPa + 8 * MB;
    n.s1.map(kVA, kIPA, 3);
    n.s1.set_raw(kVA, 1, n.s1.table_desc(n.ipa(t_pa)));
    n.s1.map(kVA, kIPA, 3);
    n.s2.map(kIPA, kPA, 3);
    Leaf dev;
    dev.memattr = 0x1;  // Device-nGnRE (D8.6 stage 2 MemAttr)
    n.s2.map(n.ipa(t_pa), t_pa, 2, dev);
    EXPECT_TRUE(Translated(n.rig.xlate(Txn(kVA)), kPA));  // S2PTW == 0: allowed
    n.ste.s2ptw = true;
    n.commit();
    smmu_xlate_t x = n.rig.xlate(Txn(kVA));
    uint64_t desc_ipa = n.ipa(t_pa) + 8 * n.s1.index(kVA, 2);
    expect_s2_fault(n.rig, x, evt::F_PERMISSION, CLASS_TT, desc_ipa, kVA);
}

TEST(Nested, S2ptwAlsoAppliesToTheCdFetch)
{
    Nested n;
    n.s1.map(kVA, kIPA, 3);
    n.s2.map(kIPA, kPA, 3);
    Leaf dev;
    dev.memattr = 0x0;  // Device-nGnRnE
    n.s2.map(kGuestIpa, kGuestPa, 2, dev);  // block with the CD and the stage-1 root
    n.ste.s2ptw = true;
    n.commit();
    smmu_xlate_t x = n.rig.xlate(Txn(kVA));
    expect_s2_fault(n.rig, x, evt::F_PERMISSION, CLASS_CD, n.ipa(n.cd_pa), kVA);
}

TEST(Nested, S2haSetsTheAccessFlagOfStage2DescriptorsUsedByTheWalk)
{
    // 3.13.2: HTTU of the Access flag includes stage 2 translation of CD and table fetches
    Nested n;
    Leaf noaf;
    noaf.af = false;
    uint64_t blk = n.s2.map(kGuestIpa, kGuestPa, 2, noaf);  // CD + stage-1 tables
    n.s1.map(kVA, kIPA, 3);
    uint64_t fin = n.s2.map(kIPA, kPA, 3, noaf);
    n.ste.s2ha = true;
    n.commit();
    uint64_t b0 = n.rig.mem().read64(blk), f0 = n.rig.mem().read64(fin);
    EXPECT_TRUE(Translated(n.rig.xlate(Txn(kVA)), kPA));
    EXPECT_EQ(n.rig.mem().read64(blk), b0 | (UINT64_C(1) << 10));
    EXPECT_EQ(n.rig.mem().read64(fin), f0 | (UINT64_C(1) << 10));
}

TEST(Nested, Stage2AccessFaultOnTheCdFetch)
{
    // 7.3.15: S2 == 1, CLASS == CD, IPA = the CD address
    Nested n;
    Leaf noaf;
    noaf.af = false;
    n.s2.map(kGuestIpa, kGuestPa, 2, noaf);
    n.commit();
    smmu_xlate_t x = n.rig.xlate(Txn(kVA));
    expect_s2_fault(n.rig, x, evt::F_ACCESS, CLASS_CD, n.ipa(n.cd_pa), kVA);
}

TEST(Nested, CdFetchThroughStage2NeverSetsS2ap1)
{
    // 3.13.3.1: S2AP[1] is never set for the stage 2 translation of a CD fetch (a read)
    Nested n;
    Leaf clean;
    clean.s2ap = 1;
    clean.dbm = true;
    uint64_t blk = n.s2.map(kGuestIpa, kGuestPa, 2, clean);
    n.ste.s2ha = n.ste.s2hd = true;
    n.commit();
    n.s1.map(kVA, kIPA, 3);
    n.s2.map(kIPA, kPA, 3);
    uint64_t b0 = n.rig.mem().read64(blk);
    EXPECT_TRUE(Translated(n.rig.xlate(Txn(kVA)), kPA));
    EXPECT_EQ(n.rig.mem().read64(blk) & (UINT64_C(1) << 7), b0 & (UINT64_C(1) << 7));
}

TEST(Nested, FinalIpaBeyondS2t0szIsAStage2TranslationFault)
{
    // 3.4 stage 2 check 1: the IPA output by stage 1 is outside the S2T0SZ range (40 bits)
    Nested n;
    uint64_t ipa = UINT64_C(1) << 41;
    n.s1.map(kVA, ipa, 3);
    smmu_xlate_t x = n.rig.xlate(Txn(kVA + 0x20));
    expect_s2_fault(n.rig, x, evt::F_TRANSLATION, CLASS_IN, ipa, kVA + 0x20);
}

TEST(Nested, Stage1PermissionFaultComesBeforeStage2Faults)
{
    // 7.3.22 / D8.4: stage-1 checks complete before stage 2 translates the output IPA
    Nested n;
    n.s1.map(kVA, kIPA, 3, Leaf::ro());  // final IPA not mapped at stage 2 either
    smmu_xlate_t x = n.rig.xlate(Txn(kVA).w());
    expect_s1_fault(n.rig, x, evt::F_PERMISSION, kVA);
}

TEST(Nested, Stage2ReadOnlyGivesStage2PermissionFaultOnTheFinalIpa)
{
    Nested n;
    n.s1.map(kVA, kIPA, 3);
    n.s2.map(kIPA, kPA, 3, Leaf::ro());
    EXPECT_TRUE(Translated(n.rig.xlate(Txn(kVA + 8)), kPA + 8));
    smmu_xlate_t x = n.rig.xlate(Txn(kVA + 8).w());
    expect_s2_fault(n.rig, x, evt::F_PERMISSION, CLASS_IN, kIPA, kVA + 8);
}

TEST(Nested, Stage1HttuNeedsStage2WritePermissionOnTheTable)
{
    // 3.13.5: a stage-1 descriptor update is a write through stage 2; a read-only stage-2
    // mapping of the stage-1 table gives a stage-2 Permission fault with CLASS == TT
    Nested n;
    n.cd.ha = true;
    n.commit();
    Leaf a;
    a.af = false;
    n.s1.map(kVA, kIPA, 3, a);
    n.s2.map(kIPA, kPA, 3);
    uint64_t leaf_pa = n.s1.desc_pa(kVA, 3);
    uint64_t leaf_ipa = n.ipa(leaf_pa);
    // remap the 2MB of guest memory holding the stage-1 leaf table read-only, as 4K pages
    uint64_t blk_ipa = leaf_ipa & ~(2 * MB - 1);
    uint64_t l3 = n.rig.alloc().get(4096, 4096);
    n.s2.set_raw(blk_ipa, 2, n.s2.table_desc(l3));
    for (uint64_t off = 0; off < 2 * MB; off += 4096)
        n.s2.map(blk_ipa + off, (blk_ipa - kGuestIpa + kGuestPa) + off, 3,
                 (blk_ipa + off == (leaf_ipa & ~UINT64_C(0xFFF))) ? Leaf::ro() : Leaf());
    uint64_t before = n.rig.mem().read64(leaf_pa);
    smmu_xlate_t x = n.rig.xlate(Txn(kVA));
    expect_s2_fault(n.rig, x, evt::F_PERMISSION, CLASS_TT, leaf_ipa, kVA);
    EXPECT_EQ(n.rig.mem().read64(leaf_pa), before);
}

TEST(Nested, Stage1HttuThroughStage2)
{
    Nested n;
    n.cd.ha = true;
    n.commit();
    Leaf a;
    a.af = false;
    uint64_t dpa = n.s1.map(kVA, kIPA, 3, a);
    n.s2.map(kIPA, kPA, 3);
    uint64_t before = n.rig.mem().read64(dpa);
    EXPECT_TRUE(Translated(n.rig.xlate(Txn(kVA)), kPA));
    EXPECT_EQ(n.rig.mem().read64(dpa), before | (UINT64_C(1) << 10));
}

TEST(Nested, CachedNestedTranslationAfterInvalidation)
{
    Nested n(smmu_config_default());
    n.rig.invalidate_all();
    n.s1.map(kVA, kIPA, 3);
    n.s2.map(kIPA, kPA, 3);
    EXPECT_TRUE(Translated(n.rig.xlate(Txn(kVA)), kPA));
    EXPECT_TRUE(Translated(n.rig.xlate(Txn(kVA + 0x100)), kPA + 0x100));
    n.s2.map(kIPA, kPA + 0x10000, 3);
    n.rig.invalidate_all();
    EXPECT_TRUE(Translated(n.rig.xlate(Txn(kVA + 0x100)), kPA + 0x10100));
}

TEST(Nested, S1dssBypassGoesThroughStage2)
{
    // 5.2 S1DSS == 0b01: non-substream traffic bypasses stage 1; stage 2 still applies
    Nested n;
    n.ste.s1cdmax = 1;
    n.ste.s1dss = 1;
    uint64_t tbl = n.guest.get(128, 128);
    n.rig.write_cd(tbl, n.cd);
    n.ste.s1_context_ptr = n.ipa(tbl);
    n.rig.set_ste(1, n.ste);
    n.s2.map(kIPA, kPA, 3);
    EXPECT_TRUE(Translated(n.rig.xlate(Txn(kIPA + 4)), kPA + 4));
}

}  // namespace
