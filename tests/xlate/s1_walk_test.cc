// SPDX-License-Identifier: Apache-2.0
// Stage-1 VMSAv8-64 walks: granules, start levels, blocks, invalid descriptors, contiguous
// hint, TTB0/TTB1 selection, TBI, range checks, EPDx.
// IHI 0070 G.b 3.4 / 3.4.1 (input range), 5.4 (CD); DDI 0487 D8.2 (geometry), D8.3 (formats).
#include <tuple>

#include "xlate_util.h"

using namespace xlt;

namespace {

constexpr uint64_t kOA = UINT64_C(0x00AB00000000);  // aligned to every block size used here

// ------------------------------------------------------------------------------------------
// Page walks for every granule, every legal start level (T0SZ/T1SZ at both ends of each
// start level's range, D8.2 Tables D8-xx), both halves.
// ------------------------------------------------------------------------------------------

using WalkParam = std::tuple<unsigned /*gshift*/, unsigned /*txsz*/, int /*half*/>;

class S1Walk : public ::testing::TestWithParam<WalkParam> {};

smmu_config_t walk_config(unsigned tsz)
{
    smmu_config_t c = config_nocache();
    c.stt = tsz > 39;  // IDR3.STT: TxSZ up to 48 (4K/16K) or 47 (64K), 5.4 T0SZ
    return c;
}

TEST_P(S1Walk, PagesAtBothEndsOfTheRegionTranslate)
{
    auto [g, tsz, half] = GetParam();
    Rig rig(walk_config(tsz));
    S1 s(rig, g, tsz);
    uint64_t gran = UINT64_C(1) << g;
    unsigned ia = 64 - tsz;
    PageTable& pt = s.pt;
    if (half == 1) {
        // 5.4: TTB1 with T1SZ/TG1 (TG1 encoding differs from TG0); TTB0 disabled
        s.cd.epd0 = true;
        s.cd.epd1 = false;
        s.cd.t1sz = tsz;
        s.cd.tg1 = tg1_of(g);
        s.cd.ttb1 = pt.root();
    }
    s.commit();
    // Region of the selected TTB (3.4.1): [0, 2^N) for TTB0, [2^64 - 2^N, 2^64) for TTB1
    uint64_t base = half ? (~UINT64_C(0) << ia) : 0;
    uint64_t pages = (UINT64_C(1) << ia) / gran;  // as few as 2 with STT
    uint64_t lo = base + (pages >= 8 ? 3 : 0) * gran;
    uint64_t hi = base + ((UINT64_C(1) << ia) - gran);
    pt.map(lo, kOA, 3);
    pt.map(hi, kOA + 5 * gran, 3);
    int levels = 4 - pt.start_level();

    smmu_xlate_t x = rig.xlate(Txn(lo + 0x18));
    EXPECT_TRUE(Translated(x, kOA + 0x18));
    EXPECT_EQ(x.page_mask, gran - 1);
    EXPECT_EQ(x.work.s1_reads, levels) << "start level " << pt.start_level();
    x = rig.xlate(Txn(hi + gran - 8).w());
    EXPECT_TRUE(Translated(x, kOA + 5 * gran + gran - 8));
    expect_no_events(rig);
}

TEST_P(S1Walk, CachedTranslationsRepeatTheWalkResult)
{
    auto [g, tsz, half] = GetParam();
    smmu_config_t c = smmu_config_default();
    c.stt = tsz > 39;
    Rig rig(c);
    S1 s(rig, g, tsz);
    uint64_t gran = UINT64_C(1) << g;
    unsigned ia = 64 - tsz;
    if (half == 1) {
        s.cd.epd0 = true;
        s.cd.epd1 = false;
        s.cd.t1sz = tsz;
        s.cd.tg1 = tg1_of(g);
        s.cd.ttb1 = s.pt.root();
    }
    s.commit();
    uint64_t base = half ? (~UINT64_C(0) << ia) : 0;
    uint64_t lo = base, hi = base + ((UINT64_C(1) << ia) - gran);
    s.pt.map(lo, kOA + gran, 3);
    s.pt.map(hi, kOA + 7 * gran, 3);
    for (int round = 0; round < 2; round++) {
        smmu_xlate_t x = rig.xlate(Txn(lo + 0x20));
        EXPECT_TRUE(Translated(x, kOA + gran + 0x20)) << "round " << round;
        EXPECT_EQ(x.page_mask, gran - 1);
        x = rig.xlate(Txn(hi + 0x30).w());
        EXPECT_TRUE(Translated(x, kOA + 7 * gran + 0x30)) << "round " << round;
        if (round == 1) {
            EXPECT_NE(x.hit, SMMU_HIT_WALK);
        }
    }
    // a neighbouring page that is not mapped is not covered by the cached entries
    if ((UINT64_C(1) << ia) / gran > 2) {
        smmu_xlate_t x = rig.xlate(Txn(lo + gran));
        EXPECT_EQ(x.status, SMMU_XLATE_FAULT) << describe(x);
    }
}

TEST_P(S1Walk, FirstAddressOutsideTheRegionIsATranslationFault)
{
    // 3.4.1: VA[AddrTop:N-1] must all be equal (N significant bits, sign bit included)
    auto [g, tsz, half] = GetParam();
    Rig rig(walk_config(tsz));
    S1 s(rig, g, tsz);
    unsigned ia = 64 - tsz;
    if (half == 1) {
        s.cd.epd0 = true;
        s.cd.epd1 = false;
        s.cd.t1sz = tsz;
        s.cd.tg1 = tg1_of(g);
        s.cd.ttb1 = s.pt.root();
    }
    s.commit();
    uint64_t gran = UINT64_C(1) << g;
    uint64_t va = half ? (~UINT64_C(0) << ia) - gran : (UINT64_C(1) << ia);
    smmu_xlate_t x = rig.xlate(Txn(va));
    expect_s1_fault(rig, x, evt::F_TRANSLATION, va);
}

std::string walk_name(const ::testing::TestParamInfo<WalkParam>& i)
{
    auto [g, tsz, half] = i.param;
    return std::string(gname(g)) + "_TxSZ" + std::to_string(tsz) + (half ? "_TTB1" : "_TTB0");
}

// D8.2: 4K: 16-24 L0, 25-33 L1, 34-39 L2; 16K: 16 L0, 17-27 L1, 28-38 L2, 39 L3;
// 64K: 16-21 L1, 22-34 L2, 35-39 L3.
INSTANTIATE_TEST_SUITE_P(
    Granules, S1Walk,
    ::testing::Combine(::testing::Values(12u), ::testing::Values(16u, 24u, 25u, 33u, 34u, 39u),
                       ::testing::Values(0, 1)),
    walk_name);
INSTANTIATE_TEST_SUITE_P(
    Granules16K, S1Walk,
    ::testing::Combine(::testing::Values(14u),
                       ::testing::Values(16u, 17u, 27u, 28u, 38u, 39u), ::testing::Values(0, 1)),
    walk_name);
INSTANTIATE_TEST_SUITE_P(
    Granules64K, S1Walk,
    ::testing::Combine(::testing::Values(16u),
                       ::testing::Values(16u, 21u, 22u, 34u, 35u, 39u), ::testing::Values(0, 1)),
    walk_name);

// IDR3.STT (small translation tables): 4K 40-42 L2, 43-48 L3; 16K 40-48 L3; 64K 40-47 L3
INSTANTIATE_TEST_SUITE_P(
    SmallTables, S1Walk,
    ::testing::Values(WalkParam{12, 40, 0}, WalkParam{12, 42, 1}, WalkParam{12, 43, 0},
                      WalkParam{12, 48, 0}, WalkParam{12, 48, 1}, WalkParam{14, 40, 0},
                      WalkParam{14, 48, 1}, WalkParam{16, 40, 0}, WalkParam{16, 47, 1}),
    walk_name);

TEST(S1Stt, TxszAbove39IsIllegalWithoutStt)
{
    // 5.4 T0SZ: maximum 39 when SMMU_IDR3.STT == 0
    Rig rig;
    S1 s(rig, 12, 40);
    s.commit();
    smmu_xlate_t x = rig.xlate(Txn(0x1000));
    expect_fault(rig, x, evt::C_BAD_CD);
}

TEST(S1Stt, T0sz48IsIllegalFor64KEvenWithStt)
{
    // 5.4 T0SZ: with STT the maximum is 47 for the 64K granule
    smmu_config_t c = config_nocache();
    c.stt = true;
    Rig rig(c);
    S1 s(rig, 16, 48);
    s.commit();
    smmu_xlate_t x = rig.xlate(Txn(0x1000));
    expect_fault(rig, x, evt::C_BAD_CD);
}

TEST(S1Align, Ttb0LowBitsBelowTheTableAlignmentAreIgnored)
{
    // 5.4 TTB0: bits [(x-1):0] are treated as zero, x given by the table alignment
    Rig rig;
    S1 s(rig, 12, 25);  // 512-entry (4KB) initial table
    s.cd.ttb0 = s.pt.root() + 0xFF0;
    s.commit();
    s.pt.map(0x5000, kOA, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(0x5008)), kOA + 8));
}

TEST(S1E0pd, E0pd0MakesUnprivilegedAccessesToTtb0ATranslationFault)
{
    // 5.4 E0PD0 (IDR3.E0PD): unprivileged access through TTB0 -> F_TRANSLATION
    smmu_config_t c = config_nocache();
    c.e0pd = true;
    Rig rig(c);
    S1 s(rig, 12, 25);
    s.cd.e0pd0 = true;
    s.commit();
    s.pt.map(0x5000, kOA, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(0x5000).p()), kOA));
    smmu_xlate_t x = rig.xlate(Txn(0x5000));
    expect_s1_fault(rig, x, evt::F_TRANSLATION, 0x5000);
}

// ------------------------------------------------------------------------------------------
// Blocks (D8.3.1.2, AArch64.BlockDescSupported)
// ------------------------------------------------------------------------------------------

using BlockParam = std::tuple<unsigned /*gshift*/, unsigned /*t0sz*/, int /*level*/>;

class S1Block : public ::testing::TestWithParam<BlockParam> {};

std::string block_name(const ::testing::TestParamInfo<BlockParam>& i)
{
    auto [g, tsz, l] = i.param;
    return std::string(gname(g)) + "_T0SZ" + std::to_string(tsz) + "_L" + std::to_string(l);
}

TEST_P(S1Block, BlockAtALegalLevelTranslates)
{
    auto [g, tsz, level] = GetParam();
    Rig rig;
    S1 s(rig, g, tsz);
    s.commit();
    uint64_t bsize = UINT64_C(1) << s.pt.level_shift(level);
    uint64_t va = 3 * bsize;
    uint64_t oa = 7 * bsize;
    s.pt.map(va, oa, level);
    uint64_t off = bsize - 0x40;
    smmu_xlate_t x = rig.xlate(Txn(va + off));
    EXPECT_TRUE(Translated(x, oa + off));
    EXPECT_EQ(x.page_mask, bsize - 1);
    expect_no_events(rig);
}

// 4K: level 1 (1GB) and 2 (2MB); 16K: level 2 (32MB); 64K: level 2 (512MB)
INSTANTIATE_TEST_SUITE_P(Legal, S1Block,
                         ::testing::Values(BlockParam{12, 16, 1}, BlockParam{12, 25, 1},
                                           BlockParam{12, 25, 2}, BlockParam{12, 34, 2},
                                           BlockParam{14, 17, 2}, BlockParam{14, 28, 2},
                                           BlockParam{16, 16, 2}, BlockParam{16, 22, 2}),
                         block_name);

class S1BadBlock : public ::testing::TestWithParam<BlockParam> {};

TEST_P(S1BadBlock, BlockAtAnIllegalLevelIsATranslationFault)
{
    // D8.3: 4K level 0 blocks need DS, 16K level 1 blocks need DS, 64K level 1 blocks need
    // a 52-bit PA (FEAT_LPA); the default configuration has OAS 48 and no DS.
    auto [g, tsz, level] = GetParam();
    Rig rig;
    S1 s(rig, g, tsz);
    s.commit();
    uint64_t bsize = UINT64_C(1) << s.pt.level_shift(level);
    uint64_t va = bsize;  // second entry of that level
    s.pt.map(va, 0, level);
    smmu_xlate_t x = rig.xlate(Txn(va + 0x100));
    expect_s1_fault(rig, x, evt::F_TRANSLATION, va + 0x100);
}

INSTANTIATE_TEST_SUITE_P(Illegal, S1BadBlock,
                         ::testing::Values(BlockParam{12, 16, 0}, BlockParam{14, 16, 1},
                                           BlockParam{14, 17, 1}, BlockParam{16, 16, 1}),
                         block_name);

class S1Granule : public ::testing::TestWithParam<unsigned> {};

std::string gran_name(const ::testing::TestParamInfo<unsigned>& i)
{
    return gname(i.param);
}

TEST_P(S1Granule, Level3DescriptorWithType01IsReservedAndFaults)
{
    // D8.3 Table D8-48: at level 3, bits[1:0] == 0b01 is reserved, treated as invalid
    unsigned g = GetParam();
    Rig rig;
    S1 s(rig, g, 25);
    s.commit();
    uint64_t va = UINT64_C(5) << g;
    uint64_t d = s.pt.leaf_desc(kOA, 3, Leaf()) & ~UINT64_C(2);
    s.pt.set_raw(va, 3, d);
    smmu_xlate_t x = rig.xlate(Txn(va));
    expect_s1_fault(rig, x, evt::F_TRANSLATION, va);
}

TEST_P(S1Granule, InvalidDescriptorAtEveryLevelFaults)
{
    // D8.3: bit[0] == 0 is invalid whatever the other bits hold
    unsigned g = GetParam();
    Rig rig;
    S1 s(rig, g, 16);  // deepest walk for this granule
    s.commit();
    for (int level = s.pt.start_level(); level <= 3; level++) {
        uint64_t va = (UINT64_C(0x1234567) << g) & ((UINT64_C(1) << 48) - 1);
        s.pt.map(va, kOA, 3);
        s.pt.set_raw(va, level, ~UINT64_C(1));
        smmu_xlate_t x = rig.xlate(Txn(va));
        expect_s1_fault(rig, x, evt::F_TRANSLATION, va);
        // restore the path for the next level
        uint64_t gran = UINT64_C(1) << g;
        if (level < 3) {
            uint64_t nt = rig.alloc().get(gran, gran);
            s.pt.set_raw(va, level, s.pt.table_desc(nt));
        }
    }
}

TEST_P(S1Granule, MappingOfTheOtherHalfIsNotUsed)
{
    // 3.4.1: VA[55] selects TTB1 even when TTB1 is disabled; TTB0's tables are not walked
    unsigned g = GetParam();
    Rig rig;
    S1 s(rig, g, 16);
    s.cd.epd1 = true;
    s.commit();
    uint64_t va = UINT64_C(0xFFFF000000000000);
    s.pt.map(0, kOA, 3);
    smmu_xlate_t x = rig.xlate(Txn(va));
    expect_s1_fault(rig, x, evt::F_TRANSLATION, va);
}

INSTANTIATE_TEST_SUITE_P(Granules, S1Granule, ::testing::Values(12u, 14u, 16u), gran_name);

// ------------------------------------------------------------------------------------------
// Contiguous hint (D8.7: 4K 16 entries at L1-L3; 16K 32 at L2, 128 at L3; 64K 32 at L2/L3)
// ------------------------------------------------------------------------------------------

using ContigParam = std::tuple<unsigned /*gshift*/, int /*level*/, unsigned /*entries*/>;

class S1Contig : public ::testing::TestWithParam<std::tuple<ContigParam, bool /*cached*/>> {};

TEST_P(S1Contig, WholeGroupTranslatesAndPageMaskCoversTheGroup)
{
    auto [cp, cached] = GetParam();
    auto [g, level, n] = cp;
    Rig rig(cached ? smmu_config_default() : config_nocache());
    S1 s(rig, g, 25);
    s.commit();
    uint64_t size = UINT64_C(1) << s.pt.level_shift(level);
    uint64_t group = size * n;
    uint64_t va0 = group;         // group-aligned VA
    uint64_t oa0 = 4 * group;     // group-aligned OA
    Leaf a;
    a.contig = true;
    for (unsigned i = 0; i < n; i++)
        s.pt.map(va0 + i * size, oa0 + i * size, level, a);
    for (unsigned i : {n - 1, 0u, n / 2, n - 1}) {
        uint64_t off = size / 2 + 0x28;
        smmu_xlate_t x = rig.xlate(Txn(va0 + i * size + off));
        EXPECT_TRUE(Translated(x, oa0 + i * size + off)) << "entry " << i;
        EXPECT_EQ(x.page_mask, group - 1) << "entry " << i;
    }
    // the address just after the group is not covered by it
    smmu_xlate_t x = rig.xlate(Txn(va0 + group));
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT) << describe(x);
}

std::string contig_name(const ::testing::TestParamInfo<std::tuple<ContigParam, bool>>& i)
{
    auto [cp, cached] = i.param;
    auto [g, l, n] = cp;
    return std::string(gname(g)) + "_L" + std::to_string(l) + "_x" + std::to_string(n) +
           (cached ? "_cached" : "");
}

INSTANTIATE_TEST_SUITE_P(
    Groups, S1Contig,
    ::testing::Combine(::testing::Values(ContigParam{12, 3, 16}, ContigParam{12, 2, 16},
                                         ContigParam{12, 1, 16}, ContigParam{14, 3, 128},
                                         ContigParam{14, 2, 32}, ContigParam{16, 3, 32},
                                         ContigParam{16, 2, 32}),
                       ::testing::Bool()),
    contig_name);

// ------------------------------------------------------------------------------------------
// TTB0 / TTB1 selection, TBI, range checks, EPDx (3.4.1, 5.4)
// ------------------------------------------------------------------------------------------

class S1Halves : public ::testing::TestWithParam<std::tuple<unsigned, unsigned>> {};

TEST_P(S1Halves, Va55SelectsTheTableAndEachHalfUsesItsOwnGranuleAndSize)
{
    auto [g0, g1] = GetParam();
    Rig rig;
    S1 s(rig, g0, 25);
    PageTable pt1(rig.mem(), rig.alloc(), 1, g1, 64 - 22);  // T1SZ = 22: 42-bit upper range
    s.cd.epd1 = false;
    s.cd.t1sz = 22;
    s.cd.tg1 = tg1_of(g1);
    s.cd.ttb1 = pt1.root();
    s.commit();
    uint64_t lo = UINT64_C(0x10000);
    uint64_t hi = UINT64_C(0xFFFFFC0000010000);  // 2^64 - 2^42 + 0x10000
    s.pt.map(lo, kOA, 3);
    pt1.map(hi, kOA + 0x100000, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(lo + 4)), kOA + 4));
    EXPECT_TRUE(Translated(rig.xlate(Txn(hi + 4)), kOA + 0x100000 + 4));
    // an upper-half VA inside the 42-bit range but not mapped in TTB1
    uint64_t miss = UINT64_C(0xFFFFFFFF00000000);
    smmu_xlate_t x = rig.xlate(Txn(miss));
    expect_s1_fault(rig, x, evt::F_TRANSLATION, miss);
}

std::string halves_name(const ::testing::TestParamInfo<std::tuple<unsigned, unsigned>>& i)
{
    return std::string("TG0_") + gname(std::get<0>(i.param)) + "_TG1_" +
           gname(std::get<1>(i.param));
}

INSTANTIATE_TEST_SUITE_P(Granules, S1Halves,
                         ::testing::Values(std::make_tuple(12u, 12u), std::make_tuple(12u, 14u),
                                           std::make_tuple(12u, 16u), std::make_tuple(16u, 12u),
                                           std::make_tuple(14u, 16u)),
                         halves_name);

struct TbiRig {
    Rig rig;
    S1 s{rig, 12, 25};
    PageTable pt1{rig.mem(), rig.alloc(), 1, 12, 64 - 25};
    static constexpr uint64_t kLo = UINT64_C(0x0000000012345000);
    static constexpr uint64_t kHi = UINT64_C(0xFFFFFF8000003000);
    TbiRig(bool tbi0, bool tbi1)
    {
        s.cd.epd1 = false;
        s.cd.t1sz = 25;
        s.cd.tg1 = tg1_of(12);
        s.cd.ttb1 = pt1.root();
        s.cd.tbi0 = tbi0;
        s.cd.tbi1 = tbi1;
        s.commit();
        s.pt.map(kLo, kOA, 3);
        pt1.map(kHi, kOA + 0x10000, 3);
    }
};

TEST(S1Tbi, Tbi0IgnoresTheTopByteOfLowerHalfAddresses)
{
    // 3.4.1: with TBI, AddrTop = 55 and VA[63:56] are ignored for the range check
    TbiRig t(true, false);
    uint64_t va = UINT64_C(0xAB00000012345678);
    EXPECT_TRUE(Translated(t.rig.xlate(Txn(va)), kOA + 0x678));
    // TBI1 == 0: the upper half still needs VA[63:56] == 0xFF
    uint64_t hi = UINT64_C(0x12FFFF8000003008);
    smmu_xlate_t x = t.rig.xlate(Txn(hi));
    expect_s1_fault(t.rig, x, evt::F_TRANSLATION, hi);
    EXPECT_TRUE(Translated(t.rig.xlate(Txn(UINT64_C(0xFFFFFF8000003008))), kOA + 0x10008));
}

TEST(S1Tbi, Tbi1IgnoresTheTopByteOfUpperHalfAddressesOnly)
{
    TbiRig t(false, true);
    uint64_t hi = UINT64_C(0x12FFFF8000003008);
    EXPECT_TRUE(Translated(t.rig.xlate(Txn(hi)), kOA + 0x10008));
    uint64_t lo = UINT64_C(0xAB00000012345678);
    smmu_xlate_t x = t.rig.xlate(Txn(lo));
    // 7.3: InputAddr holds bits [63:56] as supplied
    expect_s1_fault(t.rig, x, evt::F_TRANSLATION, lo);
}

TEST(S1Tbi, WithoutTbiATaggedAddressFaults)
{
    TbiRig t(false, false);
    uint64_t va = UINT64_C(0x0100000012345000);
    smmu_xlate_t x = t.rig.xlate(Txn(va));
    expect_s1_fault(t.rig, x, evt::F_TRANSLATION, va);
}

TEST(S1Tbi, CachedTaggedAddressesFollowTheTbiOfTheirHalf)
{
    // with caches on: any tag hits the same translation under TBI0; under TBI1 == 0 an
    // upper-half address with a tag must still fault after the canonical one was cached
    smmu_config_t c = smmu_config_default();
    Rig rig(c);
    S1 s(rig, 12, 25);
    PageTable pt1(rig.mem(), rig.alloc(), 1, 12, 39);
    s.cd.epd1 = false;
    s.cd.t1sz = 25;
    s.cd.tg1 = tg1_of(12);
    s.cd.ttb1 = pt1.root();
    s.cd.tbi0 = true;
    s.commit();
    s.pt.map(0x12345000, kOA, 3);
    uint64_t hi = UINT64_C(0xFFFFFF8000003000);
    pt1.map(hi, kOA + 0x10000, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(UINT64_C(0xAB00000012345678))), kOA + 0x678));
    EXPECT_TRUE(Translated(rig.xlate(Txn(UINT64_C(0xCD00000012345678))), kOA + 0x678));
    EXPECT_TRUE(Translated(rig.xlate(Txn(UINT64_C(0x0000000012345678))), kOA + 0x678));
    EXPECT_TRUE(Translated(rig.xlate(Txn(hi + 8)), kOA + 0x10008));
    uint64_t tagged = UINT64_C(0x12FFFF8000003008);
    smmu_xlate_t x = rig.xlate(Txn(tagged));
    expect_s1_fault(rig, x, evt::F_TRANSLATION, tagged);
}

TEST(S1Range, AddressesBetweenTheTwoHalvesFault)
{
    // 3.4.1 example: with a 49-bit VA range, 0x0000FFFFFFFFFFFF and 0xFFFF000000000000 are in
    // range, 0x0001000000000000 and 0xFFFE000000000000 are not
    Rig rig;
    S1 s(rig, 12, 16);
    PageTable pt1(rig.mem(), rig.alloc(), 1, 12, 48);
    s.cd.epd1 = false;
    s.cd.t1sz = 16;
    s.cd.tg1 = tg1_of(12);
    s.cd.ttb1 = pt1.root();
    s.commit();
    s.pt.map(UINT64_C(0x0000FFFFFFFFF000), kOA, 3);
    pt1.map(UINT64_C(0xFFFF000000000000), kOA + 0x1000, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(UINT64_C(0x0000FFFFFFFFFFFF))), kOA + 0xFFF));
    EXPECT_TRUE(Translated(rig.xlate(Txn(UINT64_C(0xFFFF000000000000))), kOA + 0x1000));
    for (uint64_t va : {UINT64_C(0x0001000000000000), UINT64_C(0xFFFE000000000000),
                        UINT64_C(0x0080000000000000), UINT64_C(0xFF7FFFFFFFFFF000),
                        UINT64_C(0x8000000000000000)}) {
        smmu_xlate_t x = rig.xlate(Txn(va));
        SCOPED_TRACE(::testing::Message() << std::hex << va);
        expect_s1_fault(rig, x, evt::F_TRANSLATION, va);
    }
}

TEST(S1Epd, Epd0DisablesWalksThroughTtb0)
{
    // 5.4 EPD0: a TLB miss on a TTB0 address is a Translation fault
    Rig rig;
    S1 s(rig, 12, 25);
    s.cd.epd0 = true;
    s.commit();
    s.pt.map(0x4000, kOA, 3);
    smmu_xlate_t x = rig.xlate(Txn(0x4000));
    expect_s1_fault(rig, x, evt::F_TRANSLATION, 0x4000);
}

TEST(S1Epd, Epd1DisablesWalksThroughTtb1Only)
{
    Rig rig;
    S1 s(rig, 12, 25);
    PageTable pt1(rig.mem(), rig.alloc(), 1, 12, 39);
    s.cd.epd1 = true;
    s.cd.t1sz = 25;
    s.cd.tg1 = tg1_of(12);
    s.cd.ttb1 = pt1.root();
    s.commit();
    uint64_t hi = UINT64_C(0xFFFFFF8000004000);
    pt1.map(hi, kOA, 3);
    s.pt.map(0x4000, kOA + 0x1000, 3);
    smmu_xlate_t x = rig.xlate(Txn(hi));
    expect_s1_fault(rig, x, evt::F_TRANSLATION, hi);
    EXPECT_TRUE(Translated(rig.xlate(Txn(0x4000)), kOA + 0x1000));
}

TEST(S1Cache, RewrittenTablesAreSeenAfterInvalidation)
{
    // 4.3 / 4.4: after changing tables, CMD_TLBI_* + CMD_SYNC make the change visible
    Rig rig(smmu_config_default());
    S1 s(rig, 12, 25);
    s.commit();
    s.pt.map(0x8000, kOA, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(0x8010)), kOA + 0x10));
    s.pt.map(0x8000, kOA + 0x20000, 3);
    rig.invalidate_all();
    EXPECT_TRUE(Translated(rig.xlate(Txn(0x8010)), kOA + 0x20010));
}

}  // namespace
