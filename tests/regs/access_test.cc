// SPDX-License-Identifier: Apache-2.0
// Register access rules (Arm IHI 0070 G.b 6.2): RES0 bits, read-only registers, undefined
// offsets, 64-bit registers as two 32-bit halves, illegal access sizes and alignment, and the
// Guarded fields that ignore writes while their guard (or its ACK) is set (SMMUv3.2 rule).
#include "regs_util.h"

namespace regs_test {
namespace {

// Every register a driver can see, for before/after snapshots.
const uint64_t kAllRegs32[] = {
    off::IDR0, off::IDR1, off::IDR2, off::IDR3, off::IDR4, off::IDR5, off::IIDR, off::AIDR,
    off::CR0, off::CR0ACK, off::CR1, off::CR2, off::STATUSR, off::GBPA, off::AGBPA,
    off::IRQ_CTRL, off::IRQ_CTRLACK, off::GERROR, off::GERRORN, off::GERROR_IRQ_CFG0,
    off::GERROR_IRQ_CFG0 + 4, off::GERROR_IRQ_CFG1, off::GERROR_IRQ_CFG2, off::STRTAB_BASE,
    off::STRTAB_BASE + 4, off::STRTAB_BASE_CFG, off::CMDQ_BASE, off::CMDQ_BASE + 4,
    off::CMDQ_PROD, off::CMDQ_CONS, off::EVENTQ_BASE, off::EVENTQ_BASE + 4,
    off::EVENTQ_IRQ_CFG0, off::EVENTQ_IRQ_CFG0 + 4, off::EVENTQ_IRQ_CFG1, off::EVENTQ_IRQ_CFG2,
    off::PRIQ_BASE, off::PRIQ_BASE + 4, off::PRIQ_IRQ_CFG0, off::PRIQ_IRQ_CFG0 + 4,
    off::PRIQ_IRQ_CFG1, off::PRIQ_IRQ_CFG2, off::EVENTQ_PROD, off::EVENTQ_CONS, off::PRIQ_PROD,
    off::PRIQ_CONS};

std::vector<uint32_t> snapshot(Smmu& d)
{
    std::vector<uint32_t> v;
    for (uint64_t o : kAllRegs32)
        v.push_back(rd32(d, o));
    for (uint64_t o = off::PIDR4; o <= 0xFFC; o += 4)
        v.push_back(rd32(d, o));
    return v;
}

// Put recognisable values into the writable registers so that a stray write shows.
void scribble(Smmu& d)
{
    wr32(d, off::CR1, 0xD75);
    wr32(d, off::CR2, CR2_RECINVSID);
    wr64(d, off::STRTAB_BASE, 0x40000000439F2000);
    wr32(d, off::STRTAB_BASE_CFG, 0x10210);
    wr64(d, off::CMDQ_BASE, 0x400000007AB00008);
    wr64(d, off::EVENTQ_BASE, 0x400000007AC00007);
    wr64(d, off::PRIQ_BASE, 0x400000007AD00006);
    wr32(d, off::EVENTQ_PROD, 3);
    wr32(d, off::EVENTQ_CONS, 2);
    wr64(d, off::GERROR_IRQ_CFG0, 0x8000040);
    wr32(d, off::GERROR_IRQ_CFG1, 0x1234);
    wr32(d, off::GERROR_IRQ_CFG2, 0x31);
    wr32(d, off::GBPA, GBPA_UPDATE | 0x3000);
}

// ---- RES0 bits (6.2: reserved bit positions read as zero) --------------------------------

struct Res0Case {
    const char* name;
    const char* preset;
    uint64_t off;
    unsigned size;
    uint64_t write;
    uint64_t expect;   // expected value of the bits not in dontcare
    uint64_t dontcare; // bits whose value the spec leaves open (stored or not)
};

// Address bits above OAS (48 for "default") are RES0 but "an implementation is not required to
// store these bits" (6.3.21, 6.3.24, 6.3.26): their read value is not checked.
constexpr uint64_t kAbove48 = UINT64_C(0x00FF000000000000);

// gtest prints the case name instead of the bytes of the parameter
void PrintTo(const Res0Case& c, std::ostream* os) { *os << c.name; }

const Res0Case kRes0[] = {
    // 6.3.9: VMW [8:6], ATSCHK [4], CMDQEN [3], EVENTQEN [2], PRIQEN [1], SMMUEN [0]
    {"CR0", "default", off::CR0, 4, 0xFFFFFFFF, 0x1DF, 0},
    {"CR0ACK_after_all_ones", "default", off::CR0ACK, 4, 0, 0x1DF, 0},
    // 6.3.11: [11:0]
    {"CR1", "default", off::CR1, 4, 0xFFFFFFFF, 0xFFF, 0},
    // 6.3.12: E2H [0] (Hyp), RECINVSID [1]; PTM [2] RES0 without BTM, REC_CFG_ATS [3] RES0
    // without ATSRECERR
    {"CR2", "default", off::CR2, 4, 0xFFFFFFFF, 0x3, 0},
    // 6.3.14: Update [31] reads 0 once complete; ABORT [20], INSTCFG [19:18], PRIVCFG [17:16],
    // SHCFG [13:12], ALLOCCFG [11:8], MTCFG [4], MemAttr [3:0]
    {"GBPA", "default", off::GBPA, 4, 0xFFFFFFFF, 0x001F3F1F, 0},
    // 6.3.16: EVENTQ_IRQEN [2], PRIQ_IRQEN [1], GERROR_IRQEN [0]
    {"IRQ_CTRL", "default", off::IRQ_CTRL, 4, 0xFFFFFFFF, 0x7, 0},
    // 6.3.20: only RES0 bits written (toggling inactive errors is CONSTRAINED UNPREDICTABLE)
    {"GERRORN_res0", "default", off::GERRORN, 4, 0xFFFFFE02, 0, 0},
    // 6.3.21 - 6.3.23: CFG0 ADDR [55:2]; CFG1 DATA [31:0]; CFG2 SH [5:4], MemAttr [3:0]
    {"GERROR_IRQ_CFG0", "default", off::GERROR_IRQ_CFG0, 8, ~UINT64_C(0),
     UINT64_C(0x0000FFFFFFFFFFFC), kAbove48},
    {"GERROR_IRQ_CFG1", "default", off::GERROR_IRQ_CFG1, 4, 0xFFFFFFFF, 0xFFFFFFFF, 0},
    {"GERROR_IRQ_CFG2", "default", off::GERROR_IRQ_CFG2, 4, 0xFFFFFFFF, 0x3F, 0},
    {"EVENTQ_IRQ_CFG0", "default", off::EVENTQ_IRQ_CFG0, 8, ~UINT64_C(0),
     UINT64_C(0x0000FFFFFFFFFFFC), kAbove48},
    {"EVENTQ_IRQ_CFG1", "default", off::EVENTQ_IRQ_CFG1, 4, 0xFFFFFFFF, 0xFFFFFFFF, 0},
    {"EVENTQ_IRQ_CFG2", "default", off::EVENTQ_IRQ_CFG2, 4, 0xFFFFFFFF, 0x3F, 0},
    {"PRIQ_IRQ_CFG0", "default", off::PRIQ_IRQ_CFG0, 8, ~UINT64_C(0),
     UINT64_C(0x0000FFFFFFFFFFFC), kAbove48},
    {"PRIQ_IRQ_CFG1", "default", off::PRIQ_IRQ_CFG1, 4, 0xFFFFFFFF, 0xFFFFFFFF, 0},
    // 6.3.36: LO [31] as well
    {"PRIQ_IRQ_CFG2", "default", off::PRIQ_IRQ_CFG2, 4, 0xFFFFFFFF, 0x8000003F, 0},
    // 6.3.24: RA [62], ADDR [55:6]
    {"STRTAB_BASE", "default", off::STRTAB_BASE, 8, ~UINT64_C(0), UINT64_C(0x4000FFFFFFFFFFC0),
     kAbove48},
    // 6.3.25: FMT [17:16], SPLIT [10:6], LOG2SIZE [5:0]
    {"STRTAB_BASE_CFG", "default", off::STRTAB_BASE_CFG, 4, 0xFFFFFFFF, 0x307FF, 0},
    // 6.3.26, 6.3.29, 6.3.33: RA/WA [62], ADDR [55:5], LOG2SIZE [4:0]
    {"CMDQ_BASE", "default", off::CMDQ_BASE, 8, ~UINT64_C(0), UINT64_C(0x4000FFFFFFFFFFFF),
     kAbove48},
    {"EVENTQ_BASE", "default", off::EVENTQ_BASE, 8, ~UINT64_C(0), UINT64_C(0x4000FFFFFFFFFFFF),
     kAbove48},
    {"PRIQ_BASE", "default", off::PRIQ_BASE, 8, ~UINT64_C(0), UINT64_C(0x4000FFFFFFFFFFFF),
     kAbove48},
    // 6.3.27: WR [19:0]; with QS == 0 bit 0 is the wrap flag and [19:1] are RES0 ("might be
    // stored but has no other effect")
    {"CMDQ_PROD", "default", off::CMDQ_PROD, 4, 0xFFFFFFFF, 0x1, 0xFFFFE},
    // 6.3.28: ERR [30:24] (a write with CMDQEN == 0 may or may not set it), RD [19:0] with
    // bits [19:QS+1] RAZ
    {"CMDQ_CONS", "default", off::CMDQ_CONS, 4, 0xFFFFFFFF, 0x1, 0x7F000000},
    // 6.3.95: OVFLG [31], WR [19:0] with [19:QS+1] RAZ
    {"EVENTQ_PROD", "default", off::EVENTQ_PROD, 4, 0xFFFFFFFF, 0x80000001, 0},
    // 6.3.96: OVACKFLG [31], RD [19:0] with [19:QS+1] RES0 (may be stored)
    {"EVENTQ_CONS", "default", off::EVENTQ_CONS, 4, 0xFFFFFFFF, 0x80000001, 0xFFFFE},
    // 6.3.97, 6.3.98: same layouts for the PRI queue
    {"PRIQ_PROD", "default", off::PRIQ_PROD, 4, 0xFFFFFFFF, 0x80000001, 0},
    {"PRIQ_CONS", "default", off::PRIQ_CONS, 4, 0xFFFFFFFF, 0x80000001, 0xFFFFE},
    // Feature-dependent fields of qemu-virt (no PRI, ATS, VMW, MSI; Hyp = 0, BTM = 0)
    {"CR0_qemu", "qemu-virt", off::CR0, 4, 0xFFFFFFFF, 0xD, 0},
    {"CR2_qemu", "qemu-virt", off::CR2, 4, 0xFFFFFFFF, 0x2, 0},
    {"IRQ_CTRL_qemu", "qemu-virt", off::IRQ_CTRL, 4, 0xFFFFFFFF, 0x5, 0},
    // 6.3.21 - 6.3.23, 6.3.30 - 6.3.32: present only when IDR0.MSI == 1, otherwise RES0
    {"GERROR_IRQ_CFG0_no_msi", "qemu-virt", off::GERROR_IRQ_CFG0, 8, ~UINT64_C(0), 0, 0},
    {"GERROR_IRQ_CFG1_no_msi", "qemu-virt", off::GERROR_IRQ_CFG1, 4, 0xFFFFFFFF, 0, 0},
    {"GERROR_IRQ_CFG2_no_msi", "qemu-virt", off::GERROR_IRQ_CFG2, 4, 0xFFFFFFFF, 0, 0},
    {"EVENTQ_IRQ_CFG0_no_msi", "qemu-virt", off::EVENTQ_IRQ_CFG0, 8, ~UINT64_C(0), 0, 0},
    {"EVENTQ_IRQ_CFG1_no_msi", "qemu-virt", off::EVENTQ_IRQ_CFG1, 4, 0xFFFFFFFF, 0, 0},
    {"EVENTQ_IRQ_CFG2_no_msi", "qemu-virt", off::EVENTQ_IRQ_CFG2, 4, 0xFFFFFFFF, 0, 0},
    // 6.3.33 - 6.3.36, 6.3.97, 6.3.98: the PRI queue registers are RES0 without IDR0.PRI
    {"PRIQ_BASE_no_pri", "qemu-virt", off::PRIQ_BASE, 8, ~UINT64_C(0), 0, 0},
    {"PRIQ_IRQ_CFG0_no_pri", "qemu-virt", off::PRIQ_IRQ_CFG0, 8, ~UINT64_C(0), 0, 0},
    {"PRIQ_IRQ_CFG1_no_pri", "qemu-virt", off::PRIQ_IRQ_CFG1, 4, 0xFFFFFFFF, 0, 0},
    {"PRIQ_IRQ_CFG2_no_pri", "qemu-virt", off::PRIQ_IRQ_CFG2, 4, 0xFFFFFFFF, 0, 0},
    {"PRIQ_PROD_no_pri", "qemu-virt", off::PRIQ_PROD, 4, 0xFFFFFFFF, 0, 0},
    {"PRIQ_CONS_no_pri", "qemu-virt", off::PRIQ_CONS, 4, 0xFFFFFFFF, 0, 0},
};

class Res0 : public ::testing::TestWithParam<Res0Case> {};

TEST_P(Res0, ReservedBitsReadAsZero)
{
    const Res0Case& c = GetParam();
    Smmu d(c.preset);
    if (c.off == off::CR0ACK)
        wr32(d, off::CR0, 0xFFFFFFFF); // 6.3.9: reserved fields of CR0 are not reflected in ACK
    else
        ASSERT_EQ(smmu_mmio_write(d.s, c.off, c.size, c.write), SMMU_OK);
    uint64_t v = 0;
    ASSERT_EQ(smmu_mmio_read(d.s, c.off, c.size, &v), SMMU_OK);
    EXPECT_EQ(v & ~c.dontcare, c.expect) << std::hex << "read 0x" << v;
}

INSTANTIATE_TEST_SUITE_P(Registers, Res0, ::testing::ValuesIn(kRes0),
                         [](const auto& i) { return std::string(i.param.name); });

// ---- read-only registers (6.2: "read-only means that writes are ignored") ---------------

TEST(ReadOnly, IdAckStatusAndErrorRegistersIgnoreWrites)
{
    for (const char* p : {"default", "qemu-virt"}) {
        Smmu d(p);
        wr32(d, off::CR0, CR0_EVENTQEN); // non-zero ACK to protect
        wr32(d, off::IRQ_CTRL, IRQ_CTRL_EVENTQ_IRQEN);
        std::vector<uint64_t> ro = {off::IDR0, off::IDR1,     off::IDR2,        off::IDR3,
                                    off::IDR4, off::IDR5,     off::IIDR,        off::AIDR,
                                    off::CR0ACK, off::STATUSR, off::IRQ_CTRLACK, off::GERROR};
        for (uint64_t o = off::PIDR4; o <= 0xFFC; o += 4)
            ro.push_back(o);
        for (uint64_t o : ro) {
            uint32_t before = rd32(d, o);
            wr32(d, o, 0xFFFFFFFF);
            EXPECT_EQ(rd32(d, o), before) << p << " 0x" << std::hex << o;
            wr32(d, o, 0);
            EXPECT_EQ(rd32(d, o), before) << p << " 0x" << std::hex << o;
        }
        // 6.3.19: GERROR is RO; a write must not activate an error
        EXPECT_EQ(rd32(d, off::GERROR), 0u);
    }
}

TEST(ReadOnly, WritingAckRegistersDoesNotChangeTheControls)
{
    Smmu d("default");
    wr32(d, off::CR0ACK, CR0_CMDQEN | CR0_EVENTQEN);
    wr32(d, off::IRQ_CTRLACK, 7);
    EXPECT_EQ(rd32(d, off::CR0), 0u);
    EXPECT_EQ(rd32(d, off::CR0ACK), 0u);
    EXPECT_EQ(rd32(d, off::IRQ_CTRL), 0u);
    EXPECT_EQ(rd32(d, off::IRQ_CTRLACK), 0u);
}

// ---- undefined offsets (6.2: undefined Page-0 locations are RES0) ------------------------

TEST(Unimplemented, UndefinedOffsetsReadZeroAndIgnoreWrites)
{
    // Page 0 holes and registers of features this configuration lacks: S2PII (v3.4),
    // GATOS (IDR0.ATOS == 0), MPAM, VATOS, IDR6, DPT, IMPLEMENTATION DEFINED space, ECMDQ
    // control pages, the Secure registers (RES0 without Secure state), Page 1 locations whose
    // Page-0 twin is undefined too (either Page-1 behaviour of 6.2 gives RES0 there).
    const uint64_t holes[] = {0x30,    0x34,    0x38,    0x3C,    0x4C,    0x58,    0x5C,
                              0x78,    0x7C,    0x8C,    0xE0,    0xF8,    0x100,   0x108,
                              0x10C,   0x110,   0x118,   0x130,   0x138,   0x13C,   0x180,
                              0x190,   0x200,   0x208,   0x210,   0xE00,   0xEFC,   0xF00,
                              0xFCC,   0x1000,  0x3FFC,  0x4000,  0x4008,  0x8000,  0x8020,
                              0x8044,  0x8090,  0x80A8,  0xC000,  0xFFFC,  0x10030, 0x10100,
                              0x10E00, 0x10F00, 0x11000, 0x1FFFC};
    for (const char* p : {"default", "qemu-virt"}) {
        Smmu d(p);
        scribble(d);
        std::vector<uint32_t> before = snapshot(d);
        for (uint64_t o : holes) {
            wr32(d, o, 0xFFFFFFFF);
            EXPECT_EQ(rd32(d, o), 0u) << p << " 0x" << std::hex << o;
            if (o % 8 == 0) {
                wr64(d, o, ~UINT64_C(0));
                EXPECT_EQ(rd64(d, o), 0u) << p << " 0x" << std::hex << o;
            }
        }
        EXPECT_EQ(snapshot(d), before) << p;
    }
}

TEST(Unimplemented, ModelChoicePage0QueueAliasesFollowThePreset)
{
    // 6.2: Page-0 offsets 0xA8/0xAC/0xC8/0xCC either alias the Page-1 registers or are
    // RAZ/WI. "default" chooses RAZ/WI; "qemu-virt" aliases them as QEMU does.
    Smmu d("default");
    wr32(d, 0xA8, 5);
    wr32(d, 0xAC, 6);
    EXPECT_EQ(rd32(d, 0xA8), 0u);
    EXPECT_EQ(rd32(d, 0xAC), 0u);
    EXPECT_EQ(rd32(d, off::EVENTQ_PROD), 0u);
    EXPECT_EQ(rd32(d, off::EVENTQ_CONS), 0u);

    Smmu q("qemu-virt");
    wr64(q, off::EVENTQ_BASE, 0x200000 | 4);
    wr32(q, 0xA8, 5);
    wr32(q, 0xAC, 6);
    EXPECT_EQ(rd32(q, off::EVENTQ_PROD), 5u);
    EXPECT_EQ(rd32(q, off::EVENTQ_CONS), 6u);
    EXPECT_EQ(rd32(q, 0xA8), 5u);
    EXPECT_EQ(rd32(q, 0xAC), 6u);
}

// ---- 64-bit registers: two independently writable 32-bit halves (6.2) ------------------

struct Reg64 {
    const char* name;
    uint64_t off;
    uint64_t value; // only defined bits set
};

// gtest prints the case name instead of the bytes of the parameter
void PrintTo(const Reg64& c, std::ostream* os) { *os << c.name; }

const Reg64 kReg64[] = {
    {"GERROR_IRQ_CFG0", off::GERROR_IRQ_CFG0, UINT64_C(0x0000123487654324)},
    {"STRTAB_BASE", off::STRTAB_BASE, UINT64_C(0x4000123487654340)},
    {"CMDQ_BASE", off::CMDQ_BASE, UINT64_C(0x4000123487654325)},
    {"EVENTQ_BASE", off::EVENTQ_BASE, UINT64_C(0x4000123487654325)},
    {"EVENTQ_IRQ_CFG0", off::EVENTQ_IRQ_CFG0, UINT64_C(0x0000123487654324)},
    {"PRIQ_BASE", off::PRIQ_BASE, UINT64_C(0x4000123487654325)},
    {"PRIQ_IRQ_CFG0", off::PRIQ_IRQ_CFG0, UINT64_C(0x0000123487654324)},
};

class Halves : public ::testing::TestWithParam<Reg64> {};

TEST_P(Halves, LowThenHighHalf)
{
    const Reg64& r = GetParam();
    Smmu d("default");
    wr32(d, r.off, static_cast<uint32_t>(r.value));
    EXPECT_EQ(rd64(d, r.off), r.value & 0xFFFFFFFFu);
    wr32(d, r.off + 4, static_cast<uint32_t>(r.value >> 32));
    EXPECT_EQ(rd64(d, r.off), r.value);
    EXPECT_EQ(rd32(d, r.off), static_cast<uint32_t>(r.value));
    EXPECT_EQ(rd32(d, r.off + 4), static_cast<uint32_t>(r.value >> 32));
}

TEST_P(Halves, HighThenLowHalfKeepsTheOther)
{
    const Reg64& r = GetParam();
    Smmu d("default");
    wr64(d, r.off, r.value);
    wr32(d, r.off + 4, 0);
    EXPECT_EQ(rd64(d, r.off), r.value & 0xFFFFFFFFu);
    wr32(d, r.off + 4, static_cast<uint32_t>(r.value >> 32));
    wr32(d, r.off, 0);
    EXPECT_EQ(rd64(d, r.off), r.value & ~UINT64_C(0xFFFFFFFF));
}

TEST_P(Halves, Aligned64BitAccess)
{
    const Reg64& r = GetParam();
    Smmu d("default");
    wr64(d, r.off, r.value);
    EXPECT_EQ(rd64(d, r.off), r.value);
    EXPECT_EQ(rd32(d, r.off + 4), static_cast<uint32_t>(r.value >> 32));
    wr64(d, r.off, 0);
    EXPECT_EQ(rd64(d, r.off), 0u);
}

INSTANTIATE_TEST_SUITE_P(Registers, Halves, ::testing::ValuesIn(kReg64),
                         [](const auto& i) { return std::string(i.param.name); });

TEST(WideAccess, ModelChoice64BitAccessToTwo32BitRegistersActsOnBoth)
{
    // 6.2: a 64-bit access to two adjacent 32-bit registers is CONSTRAINED UNPREDICTABLE;
    // this model performs both 32-bit accesses, lower address first (regs.c).
    Smmu d("default");
    wr64(d, off::CMDQ_BASE, 0x10000 | 4);
    wr64(d, off::CMDQ_PROD, (UINT64_C(3) << 32) | 5); // CMDQ_PROD = 5, CMDQ_CONS = 3
    EXPECT_EQ(rd32(d, off::CMDQ_PROD), 5u);
    EXPECT_EQ(rd32(d, off::CMDQ_CONS), 3u);
    EXPECT_EQ(rd64(d, off::CMDQ_PROD), (UINT64_C(3) << 32) | 5);
    wr32(d, off::CR0, CR0_EVENTQEN);
    EXPECT_EQ(rd64(d, off::CR0), (static_cast<uint64_t>(CR0_EVENTQEN) << 32) | CR0_EVENTQEN);
}

// ---- illegal accesses (6.2): refused with SMMU_E_INVAL by this model ---------------------

TEST(IllegalAccess, UnsupportedSizesAreRefused)
{
    Smmu d("default");
    wr32(d, off::CR2, CR2_RECINVSID);
    for (unsigned size : {0u, 1u, 2u, 3u, 5u, 6u, 7u, 16u}) {
        uint64_t v = 0xDEAD;
        EXPECT_EQ(smmu_mmio_read(d.s, off::CR2, size, &v), SMMU_E_INVAL) << size;
        EXPECT_EQ(v, 0u) << "smmu.h: *val is 0 on refusal";
        EXPECT_EQ(smmu_mmio_write(d.s, off::CR2, size, 0), SMMU_E_INVAL) << size;
        EXPECT_EQ(smmu_mmio_write(d.s, off::CR0, size, CR0_EVENTQEN), SMMU_E_INVAL) << size;
    }
    EXPECT_EQ(rd32(d, off::CR2), CR2_RECINVSID);
    EXPECT_EQ(rd32(d, off::CR0), 0u);
}

TEST(IllegalAccess, MisalignedAccessesAreRefused)
{
    Smmu d("default");
    const std::pair<uint64_t, unsigned> bad[] = {
        {0x21, 4}, {0x22, 4}, {0x23, 4}, {0x84, 8}, {0x94, 8}, {0x6C, 8}, {0x1, 8}, {0x100AA, 4}};
    for (auto [o, size] : bad) {
        uint64_t v = 0xDEAD;
        EXPECT_EQ(smmu_mmio_read(d.s, o, size, &v), SMMU_E_INVAL) << std::hex << o;
        EXPECT_EQ(v, 0u);
        EXPECT_EQ(smmu_mmio_write(d.s, o, size, ~UINT64_C(0)), SMMU_E_INVAL) << std::hex << o;
    }
    EXPECT_EQ(rd32(d, off::CR0), 0u);
    EXPECT_EQ(rd64(d, off::STRTAB_BASE), 0u);
    EXPECT_EQ(rd64(d, off::CMDQ_BASE), 0u);
}

TEST(IllegalAccess, OutsideTheTwoPagesAndBadArgumentsAreRefused)
{
    // The programming interface spans Page 0 and Page 1 (6.1, 6.2); nothing else is modelled.
    Smmu d("default");
    uint64_t v = 1;
    EXPECT_EQ(smmu_mmio_read(d.s, 0x20000, 4, &v), SMMU_E_INVAL);
    EXPECT_EQ(smmu_mmio_write(d.s, 0x20000, 4, 0), SMMU_E_INVAL);
    EXPECT_EQ(smmu_mmio_read(d.s, UINT64_C(1) << 40, 4, &v), SMMU_E_INVAL);
    EXPECT_EQ(smmu_mmio_read(nullptr, 0, 4, &v), SMMU_E_INVAL);
    EXPECT_EQ(smmu_mmio_write(nullptr, 0x20, 4, 1), SMMU_E_INVAL);
    EXPECT_EQ(smmu_mmio_read(d.s, 0, 4, nullptr), SMMU_E_INVAL);
}

// ---- Guarded fields: writes ignored while the guard or its ACK is 1 (6.2, SMMUv3.2) -----

struct GuardCase {
    const char* name;
    uint64_t off;
    unsigned size;
    uint32_t cr0_guard; // CR0 enable that guards the register (0: see irq_guard)
    uint32_t irq_guard; // IRQ_CTRL enable that guards the register
    uint64_t v1, v2;    // value before the guard is set, value written while guarded
};

// gtest prints the case name instead of the bytes of the parameter
void PrintTo(const GuardCase& c, std::ostream* os) { *os << c.name; }

const GuardCase kGuards[] = {
    // 6.3.26, 6.3.28: Guarded by CMDQEN
    {"CMDQ_BASE", off::CMDQ_BASE, 8, CR0_CMDQEN, 0, 0x10004, 0x4000000000ABC005},
    {"CMDQ_CONS", off::CMDQ_CONS, 4, CR0_CMDQEN, 0, 0, 0x5},
    // 6.3.29, 6.3.95: Guarded by EVENTQEN
    {"EVENTQ_BASE", off::EVENTQ_BASE, 8, CR0_EVENTQEN, 0, 0x20004, 0x4000000000ABC003},
    {"EVENTQ_PROD", off::EVENTQ_PROD, 4, CR0_EVENTQEN, 0, 0, 0x80000007},
    // 6.3.33, 6.3.97: Guarded by PRIQEN
    {"PRIQ_BASE", off::PRIQ_BASE, 8, CR0_PRIQEN, 0, 0x30004, 0x4000000000ABC002},
    {"PRIQ_PROD", off::PRIQ_PROD, 4, CR0_PRIQEN, 0, 0, 0x80000009},
    // 6.3.24, 6.3.25, 6.3.12: Guarded by SMMUEN
    {"STRTAB_BASE", off::STRTAB_BASE, 8, CR0_SMMUEN, 0, 0x100000, 0x4000000000ABC000},
    {"STRTAB_BASE_CFG", off::STRTAB_BASE_CFG, 4, CR0_SMMUEN, 0, 0x4, 0x10208},
    {"CR2", off::CR2, 4, CR0_SMMUEN, 0, 0, CR2_RECINVSID | CR2_E2H},
    // 6.3.11: TABLE_* Guarded by SMMUEN, QUEUE_* by every queue enable
    {"CR1_TABLE", off::CR1, 4, CR0_SMMUEN, 0, 0x03F, 0xFFF},
    {"CR1_QUEUE_cmdq", off::CR1, 4, CR0_CMDQEN, 0, 0xFC0, 0xFFF},
    {"CR1_QUEUE_evtq", off::CR1, 4, CR0_EVENTQEN, 0, 0xFC0, 0xFFF},
    {"CR1_QUEUE_priq", off::CR1, 4, CR0_PRIQEN, 0, 0xFC0, 0xFFF},
    // 6.3.21 - 6.3.23, 6.3.30 - 6.3.32, 6.3.34 - 6.3.36: Guarded by their IRQEN
    {"GERROR_IRQ_CFG0", off::GERROR_IRQ_CFG0, 8, 0, IRQ_CTRL_GERROR_IRQEN, 0x1000, 0xABCDEF00},
    {"GERROR_IRQ_CFG1", off::GERROR_IRQ_CFG1, 4, 0, IRQ_CTRL_GERROR_IRQEN, 0x11, 0x22},
    {"GERROR_IRQ_CFG2", off::GERROR_IRQ_CFG2, 4, 0, IRQ_CTRL_GERROR_IRQEN, 0x1, 0x31},
    {"EVENTQ_IRQ_CFG0", off::EVENTQ_IRQ_CFG0, 8, 0, IRQ_CTRL_EVENTQ_IRQEN, 0x2000, 0xABCDEF04},
    {"EVENTQ_IRQ_CFG1", off::EVENTQ_IRQ_CFG1, 4, 0, IRQ_CTRL_EVENTQ_IRQEN, 0x33, 0x44},
    {"EVENTQ_IRQ_CFG2", off::EVENTQ_IRQ_CFG2, 4, 0, IRQ_CTRL_EVENTQ_IRQEN, 0x2, 0x3F},
    {"PRIQ_IRQ_CFG0", off::PRIQ_IRQ_CFG0, 8, 0, IRQ_CTRL_PRIQ_IRQEN, 0x3000, 0xABCDEF08},
    {"PRIQ_IRQ_CFG1", off::PRIQ_IRQ_CFG1, 4, 0, IRQ_CTRL_PRIQ_IRQEN, 0x55, 0x66},
    {"PRIQ_IRQ_CFG2", off::PRIQ_IRQ_CFG2, 4, 0, IRQ_CTRL_PRIQ_IRQEN, 0x3, 0x80000021},
};

class Guarded : public ::testing::TestWithParam<GuardCase> {};

uint64_t read_sz(Smmu& d, uint64_t o, unsigned size)
{
    return size == 8 ? rd64(d, o) : rd32(d, o);
}

void write_sz(Smmu& d, uint64_t o, unsigned size, uint64_t v)
{
    if (size == 8)
        wr64(d, o, v);
    else
        wr32(d, o, static_cast<uint32_t>(v));
}

void set_guard(Smmu& d, const GuardCase& g, bool on)
{
    if (g.cr0_guard)
        wr32(d, off::CR0, on ? g.cr0_guard : 0);
    else
        wr32(d, off::IRQ_CTRL, on ? g.irq_guard : 0);
}

TEST_P(Guarded, WritesIgnoredWhileGuardIsSet)
{
    const GuardCase& g = GetParam();
    Smmu d("default");
    // queue sizes so that index registers keep their bits (QS = 4)
    wr64(d, off::CMDQ_BASE, 0x10004);
    wr64(d, off::EVENTQ_BASE, 0x20004);
    wr64(d, off::PRIQ_BASE, 0x30004);
    write_sz(d, g.off, g.size, g.v1);
    ASSERT_EQ(read_sz(d, g.off, g.size), g.v1);

    set_guard(d, g, true);
    write_sz(d, g.off, g.size, g.v2);
    EXPECT_EQ(read_sz(d, g.off, g.size), g.v1) << "full-width write while guarded";
    if (g.size == 8) {
        wr32(d, g.off, static_cast<uint32_t>(g.v2));
        wr32(d, g.off + 4, static_cast<uint32_t>(g.v2 >> 32));
        EXPECT_EQ(read_sz(d, g.off, g.size), g.v1) << "32-bit halves while guarded";
    }

    set_guard(d, g, false);
    write_sz(d, g.off, g.size, g.v2);
    EXPECT_EQ(read_sz(d, g.off, g.size), g.v2) << "write after the guard is cleared";
}

INSTANTIATE_TEST_SUITE_P(Registers, Guarded, ::testing::ValuesIn(kGuards),
                         [](const auto& i) { return std::string(i.param.name); });

TEST(Guarded, UnguardedRegistersStayWritableWhileEverythingIsEnabled)
{
    // CMDQ_PROD (6.3.27), EVENTQ_CONS (6.3.96), GERRORN (6.3.20) are always RW.
    Smmu d("default");
    wr64(d, off::CMDQ_BASE, 0x10004);
    wr64(d, off::EVENTQ_BASE, 0x20004);
    for (uint32_t a = 0x10000; a < 0x10100; a += 16) // fill the command queue with CMD_SYNC
        d.mem.write64(a, 0x46);
    wr32(d, off::CR0, CR0_SMMUEN | CR0_CMDQEN | CR0_EVENTQEN | CR0_PRIQEN);
    wr32(d, off::CMDQ_PROD, 2);
    EXPECT_EQ(rd32(d, off::CMDQ_PROD), 2u);
    wr32(d, off::EVENTQ_CONS, 0x80000000);
    EXPECT_EQ(rd32(d, off::EVENTQ_CONS), 0x80000000u);
}

}  // namespace
}  // namespace regs_test
