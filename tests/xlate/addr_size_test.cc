// SPDX-License-Identifier: Apache-2.0
// Address size checks and 52-bit addressing.
// IHI 0070 3.4 (address sizes), 5.4 (CD.IPS, TTBx range, TxSZ limits, DS), 5.2 (S2PS, S2TTB),
// 7.3.14 (F_ADDR_SIZE); DDI 0487 D8.3 (52-bit descriptor formats).
#include "xlate_util.h"

using namespace xlt;

namespace {

constexpr uint64_t kVA = UINT64_C(0x40201000);

// ------------------------------------------------------------------------------------------
// Stage 1: leaf OA and table addresses against the effective IPS = MIN(CD.IPS, OAS)
// ------------------------------------------------------------------------------------------

class S1Ips : public ::testing::TestWithParam<unsigned> {};

const unsigned kIpsBits[] = {32, 36, 40, 42, 44, 48};

TEST_P(S1Ips, LeafOutputAboveIpsIsAnAddressSizeFault)
{
    unsigned ips = GetParam();
    unsigned bits = kIpsBits[ips];
    Rig rig;
    S1 s(rig, 12, 25);
    s.cd.ips = ips;
    s.commit();
    uint64_t top = (UINT64_C(1) << bits) - 0x1000;
    s.pt.map(kVA, top, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA + 0xFFC)), top + 0xFFC));
    if (bits < 48) {  // an OA of 2^48 cannot be encoded with 4K and DS == 0
        s.pt.map(kVA, UINT64_C(1) << bits, 3);
        smmu_xlate_t x = rig.xlate(Txn(kVA + 4));
        expect_s1_fault(rig, x, evt::F_ADDR_SIZE, kVA + 4);
    }
}

class S1IpsTable : public ::testing::TestWithParam<unsigned> {};

TEST_P(S1IpsTable, TableAddressAboveIpsIsAnAddressSizeFault)
{
    // 5.4 IPS: the check also applies to next-level table addresses (IPS 48 is left out:
    // 2^48 cannot be encoded with 4K and DS == 0)
    unsigned ips = GetParam();
    unsigned bits = kIpsBits[ips];
    Rig rig;
    S1 s(rig, 12, 25);
    s.cd.ips = ips;
    s.commit();
    s.pt.map(kVA, 0x1000, 3);
    s.pt.set_raw(kVA, 2, s.pt.table_desc(UINT64_C(1) << bits));
    smmu_xlate_t x = rig.xlate(Txn(kVA));
    expect_s1_fault(rig, x, evt::F_ADDR_SIZE, kVA);
}

std::string ips_name(const ::testing::TestParamInfo<unsigned>& i)
{
    return "IPS" + std::to_string(kIpsBits[i.param]);
}

INSTANTIATE_TEST_SUITE_P(Sizes, S1Ips, ::testing::Values(0u, 1u, 2u, 3u, 4u, 5u), ips_name);
INSTANTIATE_TEST_SUITE_P(Sizes, S1IpsTable, ::testing::Values(0u, 1u, 2u, 3u, 4u), ips_name);

TEST(S1Ips, BlockOutputAboveIpsIsAnAddressSizeFault)
{
    Rig rig;
    S1 s(rig, 12, 25);
    s.cd.ips = 2;  // 40 bits
    s.commit();
    s.pt.map(UINT64_C(0x40000000), UINT64_C(1) << 40, 2);
    smmu_xlate_t x = rig.xlate(Txn(UINT64_C(0x40000010)));
    expect_s1_fault(rig, x, evt::F_ADDR_SIZE, UINT64_C(0x40000010));
}

TEST(S1Ips, IpsIsCappedToTheOas)
{
    // 5.4: eff_IPS = MIN(CD.IPS, SMMU_IDR5.OAS)
    smmu_config_t c = config_nocache();
    c.oas_bits = 40;
    Rig rig(c);
    S1 s(rig, 12, 25);
    s.cd.ips = 5;  // 48 bits requested
    s.commit();
    s.pt.map(kVA, UINT64_C(1) << 40, 3);
    smmu_xlate_t x = rig.xlate(Txn(kVA));
    expect_s1_fault(rig, x, evt::F_ADDR_SIZE, kVA);
}

TEST(S1Ips, Ttb0AboveIpsMakesTheCdIllegal)
{
    // 5.4 TTB0: ILLEGAL outside the effective IPS -> C_BAD_CD (3.4 note)
    Rig rig;
    Cd cd;
    cd.ips = 0;  // 32 bits
    cd.ttb0 = UINT64_C(0x100000000);
    rig.s1_stream(1, cd);
    smmu_xlate_t x = rig.xlate(Txn(kVA));
    expect_fault(rig, x, evt::C_BAD_CD);
}

TEST(S1Ips, Ttb0AboveIpsIsIgnoredWhenEpd0)
{
    // 5.4 TTB0: IGNORED when EPD0 == 1
    Rig rig;
    S1 s(rig, 12, 25);
    PageTable pt1(rig.mem(), rig.alloc(), 1, 12, 39);
    s.cd.ips = 0;
    s.cd.epd0 = true;
    s.cd.ttb0 = UINT64_C(0x100000000);
    s.cd.epd1 = false;
    s.cd.t1sz = 25;
    s.cd.tg1 = tg1_of(12);
    s.cd.ttb1 = pt1.root();
    s.commit();
    uint64_t hi = UINT64_C(0xFFFFFF8040201000);
    pt1.map(hi, 0x5000, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(hi)), 0x5000));
}

// ------------------------------------------------------------------------------------------
// Bypassed stages (3.4)
// ------------------------------------------------------------------------------------------

TEST(BypassSize, StreamBypassAboveOasIsAnAddressSizeFault)
{
    // 3.4: Config 0b100 with an input above the OAS: abort and stage 1 F_ADDR_SIZE
    Rig rig;
    Ste ste;
    ste.config = 0b100;
    rig.set_ste(1, ste);
    uint64_t va = UINT64_C(1) << 48;
    smmu_xlate_t x = rig.xlate(Txn(va));
    expect_s1_fault(rig, x, evt::F_ADDR_SIZE, va);
    x = rig.xlate(Txn(va - 8));
    EXPECT_EQ(x.status, SMMU_XLATE_BYPASS);
    EXPECT_EQ(x.pa, va - 8);
}

TEST(BypassSize, Stage1BypassAboveIasIsAStage1AddressSizeFault)
{
    // 3.4 / 7.3.14: stage 1 bypassed (Config 0b110), input above the IAS: S2 == 0, CLASS IN
    Rig rig;
    PageTable pt(rig.mem(), rig.alloc(), 2, 12, 48, 0);
    Ste ste;
    ste.config = 0b110;
    ste.s2t0sz = 16;
    ste.s2sl0 = 2;
    ste.s2ttb = pt.root();
    rig.set_ste(1, ste);
    uint64_t va = UINT64_C(1) << 48;
    smmu_xlate_t x = rig.xlate(Txn(va));
    expect_s1_fault(rig, x, evt::F_ADDR_SIZE, va);
}

TEST(BypassSize, S1dssBypassAboveIasIsAStage1AddressSizeFault)
{
    // 7.3.14: also when stage 1 is bypassed with STE.S1DSS == 0b01
    Rig rig;
    Cd cd;
    Ste ste;
    ste.s1cdmax = 2;
    ste.s1dss = 1;
    uint64_t tbl = rig.alloc().get(64 * 4, 256);
    rig.write_cd(tbl, cd);
    ste.config = 0b101;
    ste.s1_context_ptr = tbl;
    rig.set_ste(1, ste);
    uint64_t va = UINT64_C(1) << 48;
    smmu_xlate_t x = rig.xlate(Txn(va));
    expect_s1_fault(rig, x, evt::F_ADDR_SIZE, va);
    x = rig.xlate(Txn(0x1234));
    EXPECT_EQ(x.status, SMMU_XLATE_BYPASS);
    EXPECT_EQ(x.pa, 0x1234u);
}

// ------------------------------------------------------------------------------------------
// Stage 2: output and table addresses against the effective S2PS
// ------------------------------------------------------------------------------------------

struct S2Only {
    Rig rig;
    PageTable pt;
    Ste ste;
    explicit S2Only(const smmu_config_t& c = config_nocache(), unsigned s2ps = 5)
        : rig(c), pt(rig.mem(), rig.alloc(), 2, 12, 39, 1)
    {
        ste.config = 0b110;
        ste.s2t0sz = 25;
        ste.s2sl0 = 1;
        ste.s2ps = s2ps;
        ste.s2ttb = pt.root();
        rig.set_ste(1, ste);
    }
};

TEST(S2Ps, OutputAboveS2psIsAStage2AddressSizeFault)
{
    S2Only s(config_nocache(), 0);  // 32 bits
    s.pt.map(kVA, UINT64_C(0xFFFFF000), 3);
    s.pt.map(kVA + 0x1000, UINT64_C(0x100000000), 3);
    EXPECT_TRUE(Translated(s.rig.xlate(Txn(kVA + 4)), UINT64_C(0xFFFFF004)));
    smmu_xlate_t x = s.rig.xlate(Txn(kVA + 0x1004));
    expect_s2_fault(s.rig, x, evt::F_ADDR_SIZE, CLASS_IN, kVA + 0x1000, kVA + 0x1004);
}

TEST(S2Ps, TableAddressAboveS2psIsAStage2AddressSizeFault)
{
    S2Only s(config_nocache(), 1);  // 36 bits
    s.pt.map(kVA, 0x1000, 3);
    s.pt.set_raw(kVA, 2, s.pt.table_desc(UINT64_C(1) << 36));
    smmu_xlate_t x = s.rig.xlate(Txn(kVA));
    expect_s2_fault(s.rig, x, evt::F_ADDR_SIZE, CLASS_IN, kVA, kVA);
}

TEST(S2Ps, S2psIsCappedToTheOas)
{
    smmu_config_t c = config_nocache();
    c.oas_bits = 40;
    S2Only s(c, 5);
    s.pt.map(kVA, UINT64_C(1) << 40, 3);
    smmu_xlate_t x = s.rig.xlate(Txn(kVA));
    expect_s2_fault(s.rig, x, evt::F_ADDR_SIZE, CLASS_IN, kVA, kVA);
}

// ------------------------------------------------------------------------------------------
// 52-bit VA and PA, 64K granule (SMMUv3.1 LVA/LPA: IDR5.VAX == 1, OAS == 52)
// ------------------------------------------------------------------------------------------

smmu_config_t cfg52(bool ds)
{
    smmu_config_t c = config_nocache();
    c.arch_minor = 2;
    c.oas_bits = 52;
    c.vax = 1;
    c.ds = ds;
    return c;
}

RigOptions big_ram()
{
    RigOptions o;
    o.ram_size = UINT64_C(1) << 52;
    return o;
}

constexpr uint64_t kHigh = UINT64_C(0x000A000000000000);  // tables above 2^48

TEST(Lpa64K, FiftyTwoBitVaAndPaWithTablesAbove48Bits)
{
    // 5.4 T0SZ: minimum 12 with VAX == 01 and a 64K granule; IPS 0b110 = 52 bits.
    // D8.3: with 64K and FEAT_LPA, OA/NLTA[51:48] live in descriptor bits [15:12].
    Rig rig(cfg52(false), big_ram());
    Alloc hi(kHigh);
    PageTable pt(rig.mem(), hi, 1, 16, 52, PageTable::kAuto, 0, false, true);
    ASSERT_EQ(pt.start_level(), 1);
    Cd cd;
    cd.t0sz = 12;
    cd.tg0 = tg0_of(16);
    cd.ips = 6;
    cd.ttb0 = pt.root();
    rig.s1_stream(1, cd);
    uint64_t va = UINT64_C(0x000FFFFFFFFF0000);
    uint64_t oa = UINT64_C(0x000F123456780000);
    pt.map(va, oa, 3);
    smmu_xlate_t x = rig.xlate(Txn(va + 0xFFF8));
    EXPECT_TRUE(Translated(x, oa + 0xFFF8));
    EXPECT_EQ(x.page_mask, 0xFFFFu);
    uint64_t va2 = UINT64_C(0x0000000012340000);
    pt.map(va2, UINT64_C(0x0001000000010000), 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(va2 + 4)), UINT64_C(0x0001000000010004)));
    // 2^52 is outside the 52-bit TTB0 region
    uint64_t out = UINT64_C(1) << 52;
    x = rig.xlate(Txn(out));
    expect_s1_fault(rig, x, evt::F_TRANSLATION, out);
}

TEST(Lpa64K, Ttb1With52BitVa)
{
    // 5.4 T1SZ: minimum 12 with VAX == 01 and a 64K TG1 (0b11); upper range 2^64 - 2^52
    Rig rig(cfg52(false), big_ram());
    PageTable pt(rig.mem(), rig.alloc(), 1, 16, 52, PageTable::kAuto, 0, false, true);
    Cd cd;
    cd.epd0 = true;
    cd.epd1 = false;
    cd.t1sz = 12;
    cd.tg1 = tg1_of(16);
    cd.ips = 6;
    cd.ttb1 = pt.root();
    rig.s1_stream(1, cd);
    uint64_t va = UINT64_C(0xFFF0000000010000);
    uint64_t oa = UINT64_C(0x000E000000020000);
    pt.map(va, oa, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(va + 0x44)), oa + 0x44));
    uint64_t out = UINT64_C(0xFFE0000000010000);
    smmu_xlate_t x = rig.xlate(Txn(out));
    expect_s1_fault(rig, x, evt::F_TRANSLATION, out);
}

TEST(Lpa64K, Level1BlockIsLegalWith52BitPa)
{
    // D8.3 / AArch64.BlockDescSupported: 64K level-1 (4TB) blocks need a 52-bit PA
    Rig rig(cfg52(false), big_ram());
    Alloc hi(kHigh);
    PageTable pt(rig.mem(), hi, 1, 16, 52, PageTable::kAuto, 0, false, true);
    Cd cd;
    cd.t0sz = 12;
    cd.tg0 = tg0_of(16);
    cd.ips = 6;
    cd.ttb0 = pt.root();
    rig.s1_stream(1, cd);
    uint64_t va = UINT64_C(5) << 42;
    uint64_t oa = UINT64_C(0x000C000000000000);
    pt.map(va, oa, 1);
    smmu_xlate_t x = rig.xlate(Txn(va + UINT64_C(0x123456789A)));
    EXPECT_TRUE(Translated(x, oa + UINT64_C(0x123456789A)));
    EXPECT_EQ(x.page_mask, (UINT64_C(1) << 42) - 1);
}

TEST(Lpa64K, Level1BlockLegalityDependsOnThePaSizeNotOnCdIps)
{
    // AArch64.BlockDescSupported: 64K level 1 blocks iff PAMax == 52 (the implementation's
    // PA size, IDR5.OAS), whatever the configured output size; OA below 2^48 here.
    Rig rig(cfg52(false), big_ram());
    S1 s(rig, 16, 16);
    s.cd.ips = 5;  // 48 bits
    s.commit();
    uint64_t va = UINT64_C(3) << 42;
    uint64_t oa = UINT64_C(0x0000C00000000000);
    s.pt.map(va, oa, 1);
    EXPECT_TRUE(Translated(rig.xlate(Txn(va + 0x10)), oa + 0x10));
}

TEST(Lpa64K, T0sz12Needs64KOrDs)
{
    // 5.4 T0SZ: minimum 12 only for 64K (or DS); a 4K CD with T0SZ 12 is ILLEGAL here
    Rig rig(cfg52(false), big_ram());
    Cd cd;
    cd.t0sz = 12;
    cd.tg0 = tg0_of(12);
    cd.ips = 6;
    cd.ttb0 = rig.alloc().get(4096, 4096);
    rig.s1_stream(1, cd);
    smmu_xlate_t x = rig.xlate(Txn(0x1000));
    expect_fault(rig, x, evt::C_BAD_CD);
}

TEST(Lpa64K, T0sz12IsIllegalWithoutVax)
{
    // default configuration: VAX == 0, so the minimum T0SZ is 16 even with 64K
    Rig rig;
    Cd cd;
    cd.t0sz = 12;
    cd.tg0 = tg0_of(16);
    cd.ttb0 = rig.alloc().get(65536, 65536);
    rig.s1_stream(1, cd);
    smmu_xlate_t x = rig.xlate(Txn(0x10000));
    expect_fault(rig, x, evt::C_BAD_CD);
}

TEST(Lpa64K, Stage2With52BitOutput)
{
    // 5.2 S2PS 0b110: 52-bit stage-2 output with the 64K granule
    Rig rig(cfg52(false), big_ram());
    Alloc hi(kHigh);
    PageTable pt(rig.mem(), hi, 2, 16, 42, 2, 0, false, true);  // S2SL0 01: level 2
    Ste ste;
    ste.config = 0b110;
    ste.s2tg = s2tg_of(16);
    ste.s2t0sz = 22;
    ste.s2sl0 = 1;
    ste.s2ps = 6;
    ste.s2ttb = pt.root();
    rig.set_ste(1, ste);
    uint64_t oa = UINT64_C(0x000E000000120000);
    pt.map(kVA & ~UINT64_C(0xFFFF), oa, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA)), oa + (kVA & 0xFFFF)));
}

TEST(Lpa64K, Stage2With52BitIpa)
{
    // 3.4 stage 2 check 1c: with a 52-bit IAS the 64K granule accepts 52-bit IPAs;
    // 64K S2SL0 0b10 starts at level 1 (1024 entries for 52 bits)
    Rig rig(cfg52(false), big_ram());
    Alloc hi(kHigh);
    PageTable pt(rig.mem(), hi, 2, 16, 52, 1, 0, false, true);
    Ste ste;
    ste.config = 0b110;
    ste.s2tg = s2tg_of(16);
    ste.s2t0sz = 12;
    ste.s2sl0 = 2;
    ste.s2ps = 6;
    ste.s2ttb = pt.root();
    rig.set_ste(1, ste);
    uint64_t ipa = UINT64_C(0x000FEDCBA9870000);
    uint64_t oa = UINT64_C(0x0008000000050000);
    pt.map(ipa, oa, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(ipa + 0x1234)), oa + 0x1234));
}

TEST(Lpa64K, Stage2IpaAbove48BitsNeeds64KOrS2ds)
{
    // 3.4 stage 2 check 1c: the IPA range is limited to 48 bits for 4K/16K without S2DS:
    // S2T0SZ below 16 is out of range -> ILLEGAL STE
    Rig rig(cfg52(false), big_ram());
    PageTable pt(rig.mem(), rig.alloc(), 2, 12, 48, 0);
    Ste ste;
    ste.config = 0b110;
    ste.s2t0sz = 16;
    ste.s2sl0 = 2;
    ste.s2ps = 6;
    ste.s2ttb = pt.root();
    rig.set_ste(1, ste);
    pt.map(0x4000, 0x8000, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(0x4000)), 0x8000));
    ste.s2t0sz = 15;
    rig.set_ste(1, ste);
    smmu_xlate_t x = rig.xlate(Txn(0x4000));
    expect_fault(rig, x, evt::C_BAD_STE);
}

// ------------------------------------------------------------------------------------------
// 52-bit with 4K / 16K granules: CD.DS (IDR5.DS, FEAT_LPA2 layout)
// ------------------------------------------------------------------------------------------

TEST(Ds4K, T0sz12StartsAtLevelMinus1)
{
    // D8.2: 4K with DS and a 52-bit VA starts at level -1 (16 entries);
    // D8.3: OA[49:48] in bits [49:48], OA[51:50] in bits [9:8]
    Rig rig(cfg52(true), big_ram());
    Alloc hi(kHigh);
    PageTable pt(rig.mem(), hi, 1, 12, 52, PageTable::kAuto, 0, true, false);
    ASSERT_EQ(pt.start_level(), -1);
    Cd cd;
    cd.t0sz = 12;
    cd.tg0 = tg0_of(12);
    cd.ips = 6;
    cd.ds = true;
    cd.ttb0 = pt.root();
    rig.s1_stream(1, cd);
    uint64_t va = UINT64_C(0x000FFFFFFFFFF000);
    uint64_t oa = UINT64_C(0x000F876543210000);
    pt.map(va, oa, 3);
    smmu_xlate_t x = rig.xlate(Txn(va + 0x10));
    EXPECT_TRUE(Translated(x, oa + 0x10));
    EXPECT_EQ(x.work.s1_reads, 5);
    uint64_t va2 = UINT64_C(0x0000000000400000);
    uint64_t oa2 = UINT64_C(0x0005000000001000);  // OA[51:50] = 01, OA[49:48] = 01
    pt.map(va2, oa2, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(va2 + 8)), oa2 + 8));
}

TEST(Ds4K, Level0BlockIsLegalWithDs)
{
    // D8.3: 4K level-0 (512GB) blocks exist only with DS
    Rig rig(cfg52(true), big_ram());
    Alloc hi(kHigh);
    PageTable pt(rig.mem(), hi, 1, 12, 52, PageTable::kAuto, 0, true, false);
    Cd cd;
    cd.t0sz = 12;
    cd.tg0 = tg0_of(12);
    cd.ips = 6;
    cd.ds = true;
    cd.ttb0 = pt.root();
    rig.s1_stream(1, cd);
    uint64_t va = UINT64_C(3) << 39;
    uint64_t oa = UINT64_C(0x000C000000000000);
    pt.map(va, oa, 0);
    smmu_xlate_t x = rig.xlate(Txn(va + UINT64_C(0x12345678)));
    EXPECT_TRUE(Translated(x, oa + UINT64_C(0x12345678)));
    EXPECT_EQ(x.page_mask, (UINT64_C(1) << 39) - 1);
}

TEST(Ds16K, T0sz12StartsAtLevel0AndLevel1BlocksAreLegal)
{
    // D8.2: 16K with DS and 52-bit VA: level 0 with 32 entries; D8.3: level-1 (64GB) blocks
    Rig rig(cfg52(true), big_ram());
    Alloc hi(kHigh);
    PageTable pt(rig.mem(), hi, 1, 14, 52, PageTable::kAuto, 0, true, false);
    ASSERT_EQ(pt.start_level(), 0);
    Cd cd;
    cd.t0sz = 12;
    cd.tg0 = tg0_of(14);
    cd.ips = 6;
    cd.ds = true;
    cd.ttb0 = pt.root();
    rig.s1_stream(1, cd);
    uint64_t va = UINT64_C(0x000FFFFFFFFFC000);
    uint64_t oa = UINT64_C(0x000B000000004000);
    pt.map(va, oa, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(va + 4)), oa + 4));
    uint64_t vb = UINT64_C(7) << 36;
    uint64_t ob = UINT64_C(0x0009000000000000);
    pt.map(vb, ob, 1);
    smmu_xlate_t x = rig.xlate(Txn(vb + 0x44));
    EXPECT_TRUE(Translated(x, ob + 0x44));
    EXPECT_EQ(x.page_mask, (UINT64_C(1) << 36) - 1);
}

TEST(Ds4K, Stage2WithS2dsStartsAtLevelMinus1)
{
    // 5.2 S2DS / S2SL0_2: 4K with {S2SL0_2, S2SL0} == 0b100 starts at level -1 (D8.2)
    Rig rig(cfg52(true), big_ram());
    Alloc hi(kHigh);
    PageTable pt(rig.mem(), hi, 2, 12, 52, -1, 0, true, false);
    Ste ste;
    ste.config = 0b110;
    ste.s2t0sz = 12;
    ste.s2sl0 = 0;
    ste.s2sl0_2 = true;
    ste.s2ds = true;
    ste.s2ps = 6;
    ste.s2ttb = pt.root();
    rig.set_ste(1, ste);
    uint64_t ipa = UINT64_C(0x000F000012345000);
    uint64_t oa = UINT64_C(0x000D000000003000);
    pt.map(ipa, oa, 3);
    smmu_xlate_t x = rig.xlate(Txn(ipa + 0x10));
    EXPECT_TRUE(Translated(x, oa + 0x10));
    EXPECT_EQ(x.work.s2_reads, 5);
}

TEST(Ds4K, Stage2Level0BlockWithS2ds)
{
    // D8.3: with DS, 4K level-0 (512GB) blocks are legal at stage 2 too
    Rig rig(cfg52(true), big_ram());
    PageTable pt(rig.mem(), rig.alloc(), 2, 12, 48, 0, 0, true, false);
    Ste ste;
    ste.config = 0b110;
    ste.s2t0sz = 16;
    ste.s2sl0 = 2;
    ste.s2ds = true;
    ste.s2ps = 6;
    ste.s2ttb = pt.root();
    rig.set_ste(1, ste);
    uint64_t ipa = UINT64_C(5) << 39;
    uint64_t oa = UINT64_C(0x000F000000000000);
    pt.map(ipa, oa, 0);
    smmu_xlate_t x = rig.xlate(Txn(ipa + UINT64_C(0x1234567)));
    EXPECT_TRUE(Translated(x, oa + UINT64_C(0x1234567)));
    EXPECT_EQ(x.page_mask, (UINT64_C(1) << 39) - 1);
}

TEST(Ds16K, Stage2S2sl0Of3StartsAtLevel0WithS2ds)
{
    // 5.2 S2SL0: 16K 0b11 selects level 0 only with S2DS; 52-bit IPA: 32 level-0 entries
    Rig rig(cfg52(true), big_ram());
    Alloc hi(kHigh);
    PageTable pt(rig.mem(), hi, 2, 14, 52, 0, 0, true, false);
    Ste ste;
    ste.config = 0b110;
    ste.s2tg = s2tg_of(14);
    ste.s2t0sz = 12;
    ste.s2sl0 = 3;
    ste.s2ds = true;
    ste.s2ps = 6;
    ste.s2ttb = pt.root();
    rig.set_ste(1, ste);
    uint64_t ipa = UINT64_C(0x000FFFFFFFFFC000);
    uint64_t oa = UINT64_C(0x0007000000008000);
    pt.map(ipa, oa, 3);
    smmu_xlate_t x = rig.xlate(Txn(ipa + 4));
    EXPECT_TRUE(Translated(x, oa + 4));
    EXPECT_EQ(x.work.s2_reads, 4);
}

TEST(Ds4K, WithoutCdDsT0sz12IsIllegal)
{
    Rig rig(cfg52(true), big_ram());
    Cd cd;
    cd.t0sz = 12;
    cd.tg0 = tg0_of(12);
    cd.ips = 6;
    cd.ds = false;
    cd.ttb0 = rig.alloc().get(4096, 4096);
    rig.s1_stream(1, cd);
    smmu_xlate_t x = rig.xlate(Txn(0x1000));
    expect_fault(rig, x, evt::C_BAD_CD);
}

TEST(Ds4K, Ttb0Above48BitsNeedsDs)
{
    // 5.4 TTB0: ILLEGAL outside a 48-bit range when DS == 0 and the granule is below 64K
    Rig rig(cfg52(true), big_ram());
    Cd cd;
    cd.ips = 6;
    cd.ttb0 = kHigh;
    rig.s1_stream(1, cd);
    smmu_xlate_t x = rig.xlate(Txn(0x1000));
    expect_fault(rig, x, evt::C_BAD_CD);
}

}  // namespace
