// SPDX-License-Identifier: Apache-2.0
// Encoding tests with literal golden dwords written by hand from the layouts in IHI 0070
// 5.1-5.4 and 7.3 (also documented by Linux's arm-smmu-v3.h field masks) and DDI 0487 D8.3.
// None of these structures is produced by the test builders, so a field typo in a builder
// cannot hide a matching typo in the model; the last tests check the builders against the
// same literals.
#include "xlate_util.h"

using namespace xlt;

namespace {

// STE, stage 1 only (5.2): V=1, Config=0b101, S1ContextPtr=0x40000000, S1CDMax=0
constexpr uint64_t kSteS1Dw0 = UINT64_C(0x000000004000000B);
// S1CIR=01 [67:66], S1COR=01 [69:68], S1CSH=11 [71:70], SHCFG=01 (incoming) [109:108]
constexpr uint64_t kSteS1Dw1 = UINT64_C(0x00001000000000D4);

// CD (5.4): T0SZ=25, TG0=4K, IR0=OR0=WB, SH0=ISH, EPD1=1, V=1, IPS=48 bits, AA64=1, R=1, A=1
constexpr uint64_t kCdDw0 = UINT64_C(0x00006205C0003519);
constexpr uint64_t kCdDw1 = UINT64_C(0x0000000040001000);  // TTB0 = 0x40001000
constexpr uint64_t kCdDw3 = UINT64_C(0x00000000000000FF);  // MAIR Attr0 = Normal WB

// Stage-1 tables (D8.3): L1 @0x40001000, L2 @0x40002000, L3 @0x40003000 for VA 0x40201000
constexpr uint64_t kL1e1 = UINT64_C(0x0000000040002003);  // Table
constexpr uint64_t kL2e1 = UINT64_C(0x0000000040003003);  // Table
// Page: OA 0x80000000, AttrIndx 0, AP[2:1]=01 [7:6], SH=11 [9:8], AF [10], PXN [53]
constexpr uint64_t kL3e1 = UINT64_C(0x0020000080000743);

void write_golden_s1_tables(FakeMem& m)
{
    m.write64(0x40001000 + 8 * 1, kL1e1);
    m.write64(0x40002000 + 8 * 1, kL2e1);
    m.write64(0x40003000 + 8 * 1, kL3e1);
}

void write_golden_cd(FakeMem& m, uint64_t pa)
{
    uint64_t cd[8] = {kCdDw0, kCdDw1, 0, kCdDw3, 0, 0, 0, 0};
    m.write_dwords(pa, cd, 8);
}

TEST(Golden, Stage1SteCdAndTables)
{
    Rig rig;
    uint64_t ste[8] = {kSteS1Dw0, kSteS1Dw1, 0, 0, 0, 0, 0, 0};
    rig.mem().write_dwords(rig.ste_pa(1), ste, 8);
    write_golden_cd(rig.mem(), 0x40000000);
    write_golden_s1_tables(rig.mem());
    EXPECT_TRUE(Translated(rig.xlate(Txn(0x40201ABC)), 0x80000ABC));
    EXPECT_TRUE(Translated(rig.xlate(Txn(0x40201ABC).w()), 0x80000ABC));
    // PXN: no privileged execution
    smmu_xlate_t x = rig.xlate(Txn(0x40201000).p().x());
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT);
    Event e = one_event(rig);
    EXPECT_EQ(e.raw[0], UINT64_C(0x0000000100000013));  // F_PERMISSION, SID 1, SSV 0
    // InD [98], PnU [97], RnW [99], S2 [103] = 0, CLASS [105:104] = IN
    EXPECT_EQ(e.raw[1] & UINT64_C(0x000003FF80000000), UINT64_C(0x0000020E00000000));
    EXPECT_EQ(e.raw[2], UINT64_C(0x0000000040201000));
}

TEST(Golden, Stage1TranslationFaultRecord)
{
    Rig rig;
    uint64_t ste[8] = {kSteS1Dw0, kSteS1Dw1, 0, 0, 0, 0, 0, 0};
    rig.mem().write_dwords(rig.ste_pa(1), ste, 8);
    write_golden_cd(rig.mem(), 0x40000000);
    write_golden_s1_tables(rig.mem());
    smmu_xlate_t x = rig.xlate(Txn(0x40202008));  // L3 entry 2 is invalid
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT);
    Event e = one_event(rig);
    EXPECT_EQ(e.raw[0], UINT64_C(0x0000000100000010));  // F_TRANSLATION, SID 1
    // Stall [95] = 0, PnU = 0, InD = 0, RnW [99] = 1, S2 = 0, CLASS = 0b10
    EXPECT_EQ(e.raw[1] & UINT64_C(0x000003FF80000000), UINT64_C(0x0000020800000000));
    EXPECT_EQ(e.raw[2], UINT64_C(0x0000000040202008));
}

TEST(Golden, BadSteRecord)
{
    // 7.3.5 C_BAD_STE: type 0x04 [7:0], StreamID [63:32], everything else RES0 (SSV == 0)
    Rig rig;
    smmu_xlate_t x = rig.xlate(Txn(0x1000, 0x77));
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT);
    Event e = one_event(rig);
    EXPECT_EQ(e.raw[0], UINT64_C(0x0000007700000004));
    EXPECT_EQ(e.raw[1], 0u);
    EXPECT_EQ(e.raw[2], 0u);
    EXPECT_EQ(e.raw[3], 0u);
}

TEST(Golden, BypassAndAbortSte)
{
    Rig rig;
    rig.mem().write64(rig.ste_pa(2), UINT64_C(0x9));  // V=1, Config=0b100
    rig.mem().write64(rig.ste_pa(3), UINT64_C(0x1));  // V=1, Config=0b000
    smmu_xlate_t x = rig.xlate(Txn(0xABCDE, 2));
    EXPECT_EQ(x.status, SMMU_XLATE_BYPASS);
    EXPECT_EQ(x.pa, 0xABCDEu);
    x = rig.xlate(Txn(0xABCDE, 3));
    EXPECT_EQ(x.status, SMMU_XLATE_ABORT);
    expect_no_events(rig);
}

TEST(Golden, Stage2OnlySteWithABlock)
{
    // STE (5.2): V=1 Config=0b110; dw2: S2VMID=1, S2T0SZ=24, S2SL0=01, S2IR0=S2OR0=01,
    // S2SH0=11, S2TG=4K, S2PS=48 bits, S2AA64=1, S2R=1; dw3: S2TTB=0x50000000
    Rig rig;
    uint64_t ste[8] = {UINT64_C(0xD), 0, UINT64_C(0x040D355800000001), UINT64_C(0x50000000),
                       0, 0, 0, 0};
    rig.mem().write_dwords(rig.ste_pa(4), ste, 8);
    // 40-bit IPA, start level 1: two concatenated L1 tables at 0x50000000. Entry 0x201 maps
    // IPA 0x8040000000 with a 1GB block: OA 0xC0000000, MemAttr 1111 [5:2], S2AP 11 [7:6],
    // SH 11 [9:8], AF [10], Block (0b01)
    rig.mem().write64(0x50000000 + 8 * 0x201, UINT64_C(0x00000000C00007FD));
    smmu_xlate_t x = rig.xlate(Txn(UINT64_C(0x8040005008), 4).w());
    EXPECT_TRUE(Translated(x, UINT64_C(0xC0005008)));
    EXPECT_EQ(x.page_mask, UINT64_C(0x3FFFFFFF));
    // an unmapped IPA: F_TRANSLATION with S2 = 1, CLASS = IN and IPA [247:204]
    x = rig.xlate(Txn(UINT64_C(0x0012345678), 4));
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT);
    Event e = one_event(rig);
    EXPECT_EQ(e.raw[0], UINT64_C(0x0000000400000010));
    EXPECT_EQ(e.raw[1] & UINT64_C(0x000003FF80000000), UINT64_C(0x0000028800000000));
    EXPECT_EQ(e.raw[2], UINT64_C(0x0012345678));
    EXPECT_EQ(e.raw[3] & UINT64_C(0x00FFFFFFFFFFF000), UINT64_C(0x0000012345000));
}

TEST(Golden, TwoLevelStreamTable)
{
    // 5.1 L1STD: Span=9 [4:0], L2Ptr=0x41000000 [55:6]; SPLIT=8: SID 0x123 -> L1 #1, STE #0x23
    RigOptions o;
    o.two_level = true;
    o.split = 8;
    o.log2size = 12;
    Rig rig(config_nocache(), o);
    rig.mem().write64(rig.strtab() + 8 * 1, UINT64_C(0x0000000041000009));
    rig.mem().write64(0x41000000 + 64 * 0x23, UINT64_C(0x9));
    smmu_xlate_t x = rig.xlate(Txn(0x5555, 0x123));
    EXPECT_EQ(x.status, SMMU_XLATE_BYPASS) << describe(x);
    EXPECT_EQ(x.pa, 0x5555u);
    expect_no_events(rig);
}

TEST(Golden, TwoLevelCdTable)
{
    // STE: V=1 Config=0b101 S1Fmt=01 [5:4] S1ContextPtr=0x42000000 S1CDMax=8 [63:59]
    // L1CD (5.3) for SSID 0x85 at 0x42000000 + 8*2: V=1, L2Ptr=0x42010000 [55:12]
    Rig rig;
    uint64_t ste[8] = {UINT64_C(0x400000004200001B), kSteS1Dw1, 0, 0, 0, 0, 0, 0};
    rig.mem().write_dwords(rig.ste_pa(6), ste, 8);
    rig.mem().write64(0x42000000 + 8 * 2, UINT64_C(0x0000000042010001));
    write_golden_cd(rig.mem(), 0x42010000 + 64 * 5);
    write_golden_s1_tables(rig.mem());
    EXPECT_TRUE(Translated(rig.xlate(Txn(0x40201010, 6).ss(0x85)), 0x80000010));
    expect_no_events(rig);
}

TEST(Golden, CfgiSteCommandInvalidatesACachedSte)
{
    // CMD_CFGI_STE (4.3.1): opcode 0x03 [7:0], StreamID [63:32], Leaf [64]
    Rig rig(smmu_config_default());
    rig.mem().write64(rig.ste_pa(5), UINT64_C(0x9));
    EXPECT_EQ(rig.xlate(Txn(0x1000, 5)).status, SMMU_XLATE_BYPASS);
    rig.mem().write64(rig.ste_pa(5), UINT64_C(0x1));  // now Config 0b000
    rig.command(UINT64_C(0x0000000500000003), UINT64_C(0x1));
    ASSERT_TRUE(rig.sync());
    EXPECT_EQ(rig.xlate(Txn(0x1000, 5)).status, SMMU_XLATE_ABORT);
}

// The builders produce the same literals (a check of the test code itself).
TEST(Golden, BuildersMatchTheLiterals)
{
    Ste s;
    s.s1_context_ptr = 0x40000000;
    uint64_t dw[8];
    s.encode(dw);
    EXPECT_EQ(dw[0], kSteS1Dw0);
    EXPECT_EQ(dw[1], kSteS1Dw1);
    Cd cd;
    cd.tg1 = 0;
    cd.t1sz = 0;
    cd.ir1 = cd.or1 = cd.sh1 = 0;
    cd.ttb0 = 0x40001000;
    cd.encode(dw);
    EXPECT_EQ(dw[0], kCdDw0);
    EXPECT_EQ(dw[1], kCdDw1);
    EXPECT_EQ(dw[3], kCdDw3);
    Ste s2;
    s2.config = 0b110;
    s2.s2vmid = 1;
    s2.s2t0sz = 24;
    s2.s2sl0 = 1;
    s2.s2ttb = 0x50000000;
    s2.encode(dw);
    EXPECT_EQ(dw[0], 0xDu);
    EXPECT_EQ(dw[2], UINT64_C(0x040D355800000001));
    EXPECT_EQ(dw[3], UINT64_C(0x50000000));
    EXPECT_EQ(l1std(9, 0x41000000), UINT64_C(0x0000000041000009));
    EXPECT_EQ(l1cd(true, 0x42010000), UINT64_C(0x0000000042010001));
    Leaf a;
    a.pxn = true;
    Alloc al;
    FakeMem m;
    PageTable pt(m, al, 1, 12, 39);
    EXPECT_EQ(pt.leaf_desc(0x80000000, 3, a), kL3e1);
    EXPECT_EQ(pt.table_desc(0x40002000), kL1e1);
    PageTable pt2(m, al, 2, 12, 40, 1);
    EXPECT_EQ(pt2.leaf_desc(0xC0000000, 1, Leaf()), UINT64_C(0x00000000C00007FD));
}

}  // namespace
