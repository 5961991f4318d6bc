// SPDX-License-Identifier: Apache-2.0
// Reset values of the register file and the ID registers derived from the configuration
// (Arm IHI 0070 G.b 6.3.1 - 6.3.8, 6.3.170). Expected values are literals worked out from the
// spec's field positions, never from the model's own encoders.
#include "regs_util.h"

namespace regs_test {
namespace {

struct IdrExpect {
    const char* name;
    smmu_config_t cfg;
    uint32_t idr[6];
    uint32_t iidr, aidr, gbpa;
};

// gtest prints the case name instead of the bytes of the parameter
void PrintTo(const IdrExpect& c, std::ostream* os) { *os << c.name; }

// A configuration that turns off almost everything the default turns on.
smmu_config_t minimal_config()
{
    smmu_config_t c = smmu_config_default();
    c.arch_minor = 0;
    c.s1p = true;
    c.s2p = false;
    c.hyp = false;
    c.ats = c.pri = c.msi = false;
    c.sev = true;
    c.httu = 0;
    c.btm = true;
    c.cohacc = false;
    c.asid16 = c.vmid16 = false;
    c.vmw = false;
    c.cd2l = false;
    c.st_2level = false;
    c.stall_model = 1;
    c.term_model = 1;
    c.ttendian = 2;
    c.dormhint = true;
    c.sidsize = 6;
    c.ssidsize = 0;
    c.cmdqs = 8;
    c.eventqs = 7;
    c.priqs = 0;
    c.attr_types_ovr = c.attr_perms_ovr = false;
    c.had = c.xnx = c.ril = false;
    c.bbml = 0;
    c.stt = c.e0pd = true;
    c.oas_bits = 40;
    c.gran4k = true;
    c.gran16k = c.gran64k = false;
    c.iidr = 0x0430043B;
    c.gbpa_reset = 0x00100000; // ABORT
    return c;
}

std::vector<IdrExpect> idr_cases()
{
    return {
        // default: IDR0 = S2P|S1P|TTF=0b10|COHACC|HTTU=0b10|Hyp|ATS|ASID16|MSI|PRI|VMW|VMID16|
        //                 CD2L|ST_LEVEL=0b01 (6.3.1)
        //          IDR1 = SIDSIZE=16|SSIDSIZE=20|PRIQS=19|EVENTQS=19|CMDQS=19|ATTR_*_OVR (6.3.2)
        //          IDR3 = HAD|XNX|RIL|BBML=0b01 (6.3.4); IDR5 = OAS=0b101|GRAN4K/16K/64K|
        //          STALL_MAX=64 (6.3.6); AIDR = ArchMinorRev 2 (6.3.8)
        {"default", smmu_config_default(),
         {0x080F369Bu, 0x0E739D10u, 0, 0x00000C14u, 0, 0x00400075u}, 0, 0x2, 0},
        // QEMU 10 -machine virt,iommu=smmuv3 as read by Linux (traces/data/boot_strict.mmio)
        {"qemu-virt", preset("qemu-virt"),
         {0x0d44101bu, 0x02730010u, 0, 0x1414u, 0, 0x74u}, 0, 0x1, 0x1000},
        // minimal: IDR0 = S1P|TTF=0b10|BTM|DORMHINT|SEV|TTENDIAN=0b10|STALL_MODEL=0b01|TERM_MODEL
        //          IDR1 = SIDSIZE=6|EVENTQS=7|CMDQS=8; IDR3 = STT|E0PD; IDR5 = OAS=0b010|GRAN4K
        {"minimal", minimal_config(),
         {0x0540412Au, 0x01070006u, 0, 0x2200u, 0, 0x12u}, 0x0430043B, 0x0, 0x00100000},
    };
}

class IdrReset : public ::testing::TestWithParam<IdrExpect> {};

TEST_P(IdrReset, IdRegistersMatchConfiguration)
{
    const IdrExpect& e = GetParam();
    Smmu d(e.cfg);
    const uint64_t offs[6] = {off::IDR0, off::IDR1, off::IDR2, off::IDR3, off::IDR4, off::IDR5};
    for (int i = 0; i < 6; i++)
        EXPECT_EQ(rd32(d, offs[i]), e.idr[i]) << "IDR" << i;
    EXPECT_EQ(rd32(d, off::IIDR), e.iidr);
    EXPECT_EQ(rd32(d, off::AIDR), e.aidr);
    // 6.3.14: GBPA.Update resets to 0, the other fields to an IMPLEMENTATION DEFINED value
    EXPECT_EQ(rd32(d, off::GBPA), e.gbpa);
}

TEST_P(IdrReset, ArchitectedZeroResets)
{
    // 6.3.9, 6.3.10, 6.3.13, 6.3.16, 6.3.18 - 6.3.20: these reset to zero
    Smmu d(GetParam().cfg);
    for (uint64_t o : {off::CR0, off::CR0ACK, off::STATUSR, off::IRQ_CTRL, off::IRQ_CTRLACK,
                       off::GERROR, off::GERRORN})
        EXPECT_EQ(rd32(d, o), 0u) << std::hex << o;
}

TEST_P(IdrReset, IdRegistersAreConstantAfterWarmReset)
{
    // 6.2: ID registers hold constant values after reset
    const IdrExpect& e = GetParam();
    Smmu d(e.cfg);
    smmu_reset(d.s);
    EXPECT_EQ(rd32(d, off::IDR0), e.idr[0]);
    EXPECT_EQ(rd32(d, off::IDR1), e.idr[1]);
    EXPECT_EQ(rd32(d, off::IDR5), e.idr[5]);
}

INSTANTIATE_TEST_SUITE_P(Configs, IdrReset, ::testing::ValuesIn(idr_cases()),
                         [](const auto& i) {
                             std::string n = i.param.name;
                             for (char& ch : n)
                                 if (ch == '-')
                                     ch = '_';
                             return n;
                         });

// One feature switched from the default configuration changes exactly its ID field.
struct FeatureBit {
    const char* name;
    void (*mutate)(smmu_config_t&);
    uint64_t reg;
    uint32_t mask;  // the field (spec bit positions)
    uint32_t value; // expected field value after the change
};

// gtest prints the case name instead of the bytes of the parameter
void PrintTo(const FeatureBit& c, std::ostream* os) { *os << c.name; }

const FeatureBit kFeatureBits[] = {
    // SMMU_IDR0 (6.3.1)
    {"S2P_off", [](smmu_config_t& c) { c.s2p = false; c.hyp = false; c.vmw = false; }, off::IDR0,
     1u << 0, 0},
    {"S1P_off", [](smmu_config_t& c) { c.s1p = false; c.hyp = false; }, off::IDR0, 1u << 1, 0},
    {"COHACC_off", [](smmu_config_t& c) { c.cohacc = false; }, off::IDR0, 1u << 4, 0},
    {"BTM_on", [](smmu_config_t& c) { c.btm = true; }, off::IDR0, 1u << 5, 1u << 5},
    {"HTTU_af", [](smmu_config_t& c) { c.httu = 1; }, off::IDR0, 3u << 6, 1u << 6},
    {"HTTU_none", [](smmu_config_t& c) { c.httu = 0; }, off::IDR0, 3u << 6, 0},
    {"DORMHINT_on", [](smmu_config_t& c) { c.dormhint = true; }, off::IDR0, 1u << 8, 1u << 8},
    {"Hyp_off", [](smmu_config_t& c) { c.hyp = false; }, off::IDR0, 1u << 9, 0},
    {"ATS_off", [](smmu_config_t& c) { c.ats = false; c.pri = false; }, off::IDR0, 1u << 10, 0},
    {"NS1ATS_on", [](smmu_config_t& c) { c.ns1ats = true; }, off::IDR0, 1u << 11, 1u << 11},
    {"ASID16_off", [](smmu_config_t& c) { c.asid16 = false; }, off::IDR0, 1u << 12, 0},
    {"MSI_off", [](smmu_config_t& c) { c.msi = false; }, off::IDR0, 1u << 13, 0},
    {"SEV_on", [](smmu_config_t& c) { c.sev = true; }, off::IDR0, 1u << 14, 1u << 14},
    {"PRI_off", [](smmu_config_t& c) { c.pri = false; }, off::IDR0, 1u << 16, 0},
    {"VMW_off", [](smmu_config_t& c) { c.vmw = false; }, off::IDR0, 1u << 17, 0},
    {"VMID16_off", [](smmu_config_t& c) { c.vmid16 = false; }, off::IDR0, 1u << 18, 0},
    {"CD2L_off", [](smmu_config_t& c) { c.cd2l = false; }, off::IDR0, 1u << 19, 0},
    {"TTENDIAN_be", [](smmu_config_t& c) { c.ttendian = 3; }, off::IDR0, 3u << 21, 3u << 21},
    {"STALL_MODEL_forced", [](smmu_config_t& c) { c.stall_model = 2; }, off::IDR0, 3u << 24,
     2u << 24},
    {"TERM_MODEL_on", [](smmu_config_t& c) { c.term_model = 1; }, off::IDR0, 1u << 26, 1u << 26},
    // SMMU_IDR1 (6.3.2)
    {"SIDSIZE_24", [](smmu_config_t& c) { c.sidsize = 24; }, off::IDR1, 0x3Fu, 24},
    {"SSIDSIZE_5", [](smmu_config_t& c) { c.ssidsize = 5; }, off::IDR1, 0x1Fu << 6, 5u << 6},
    {"PRIQS_3", [](smmu_config_t& c) { c.priqs = 3; }, off::IDR1, 0x1Fu << 11, 3u << 11},
    {"EVENTQS_4", [](smmu_config_t& c) { c.eventqs = 4; }, off::IDR1, 0x1Fu << 16, 4u << 16},
    {"CMDQS_5", [](smmu_config_t& c) { c.cmdqs = 5; }, off::IDR1, 0x1Fu << 21, 5u << 21},
    {"ATTR_PERMS_OVR_off", [](smmu_config_t& c) { c.attr_perms_ovr = false; }, off::IDR1,
     1u << 26, 0},
    {"ATTR_TYPES_OVR_off", [](smmu_config_t& c) { c.attr_types_ovr = false; }, off::IDR1,
     1u << 27, 0},
    // SMMU_IDR3 (6.3.4)
    {"HAD_off", [](smmu_config_t& c) { c.had = false; }, off::IDR3, 1u << 2, 0},
    {"XNX_off", [](smmu_config_t& c) { c.xnx = false; }, off::IDR3, 1u << 4, 0},
    {"PPS_on", [](smmu_config_t& c) { c.pps = true; }, off::IDR3, 1u << 5, 1u << 5},
    {"STT_on", [](smmu_config_t& c) { c.stt = true; }, off::IDR3, 1u << 9, 1u << 9},
    {"RIL_off", [](smmu_config_t& c) { c.ril = false; }, off::IDR3, 1u << 10, 0},
    {"BBML_2", [](smmu_config_t& c) { c.bbml = 2; }, off::IDR3, 3u << 11, 2u << 11},
    {"E0PD_on", [](smmu_config_t& c) { c.e0pd = true; }, off::IDR3, 1u << 13, 1u << 13},
    // SMMU_IDR5 (6.3.6)
    {"OAS_32", [](smmu_config_t& c) { c.oas_bits = 32; }, off::IDR5, 7u, 0},
    {"OAS_36", [](smmu_config_t& c) { c.oas_bits = 36; }, off::IDR5, 7u, 1},
    {"OAS_42", [](smmu_config_t& c) { c.oas_bits = 42; }, off::IDR5, 7u, 3},
    {"OAS_44", [](smmu_config_t& c) { c.oas_bits = 44; }, off::IDR5, 7u, 4},
    {"OAS_52", [](smmu_config_t& c) { c.oas_bits = 52; }, off::IDR5, 7u, 6},
    {"GRAN4K_off", [](smmu_config_t& c) { c.gran4k = false; }, off::IDR5, 1u << 4, 0},
    {"GRAN16K_off", [](smmu_config_t& c) { c.gran16k = false; }, off::IDR5, 1u << 5, 0},
    {"GRAN64K_off", [](smmu_config_t& c) { c.gran64k = false; }, off::IDR5, 1u << 6, 0},
    {"DS_on", [](smmu_config_t& c) { c.oas_bits = 52; c.ds = true; }, off::IDR5, 1u << 7, 1u << 7},
    {"VAX_52", [](smmu_config_t& c) { c.vax = 1; }, off::IDR5, 3u << 10, 1u << 10},
    {"STALL_MAX_7", [](smmu_config_t& c) { c.stall_max = 7; }, off::IDR5, 0xFFFFu << 16, 7u << 16},
    // 6.3.6: STALL_MAX is RES0 when stalls are not supported (STALL_MODEL == 0b01)
    {"STALL_MAX_terminate_only", [](smmu_config_t& c) { c.stall_model = 1; }, off::IDR5,
     0xFFFFu << 16, 0},
    // SMMU_AIDR (6.3.8)
    {"AIDR_v3_1", [](smmu_config_t& c) { c.arch_minor = 1; }, off::AIDR, 0xFFu, 0x01},
};

class IdrFeature : public ::testing::TestWithParam<FeatureBit> {};

TEST_P(IdrFeature, FieldAtSpecPosition)
{
    const FeatureBit& f = GetParam();
    smmu_config_t c = smmu_config_default();
    f.mutate(c);
    const char* why = nullptr;
    ASSERT_EQ(smmu_config_check(&c, &why), SMMU_OK) << (why ? why : "");
    Smmu d(c);
    EXPECT_EQ(rd32(d, f.reg) & f.mask, f.value);
}

INSTANTIATE_TEST_SUITE_P(Default, IdrFeature, ::testing::ValuesIn(kFeatureBits),
                         [](const auto& i) { return std::string(i.param.name); });

TEST(IdentificationBlock, QemuVirtMatchesQemuTable)
{
    // 6.3.170: PIDR4..7 at 0xFD0, PIDR0..3 at 0xFE0, CIDR0..3 at 0xFF0; QEMU's table is
    // 04 00 00 00 84 B4 F0 10 0D F0 05 B1 for 0xFD0..0xFFC.
    Smmu d("qemu-virt");
    const uint32_t expect[12] = {0x04, 0, 0, 0, 0x84, 0xB4, 0xF0, 0x10, 0x0D, 0xF0, 0x05, 0xB1};
    for (unsigned i = 0; i < 12; i++)
        EXPECT_EQ(rd32(d, off::PIDR4 + 4u * i), expect[i]) << "offset 0x" << std::hex
                                                            << (off::PIDR4 + 4u * i);
}

TEST(IdentificationBlock, ComponentIdPreambleAndClass)
{
    // 6.3.170: CIDR0..3 = 0x0D, 0xF0 (CLASS 0xF in [7:4]), 0x05, 0xB1; only bits [7:0] defined
    Smmu d("default");
    EXPECT_EQ(rd32(d, off::CIDR0), 0x0Du);
    EXPECT_EQ(rd32(d, off::CIDR0 + 4), 0xF0u);
    EXPECT_EQ(rd32(d, off::CIDR0 + 8), 0x05u);
    EXPECT_EQ(rd32(d, off::CIDR0 + 12), 0xB1u);
    for (uint64_t o = off::PIDR4; o <= 0xFFC; o += 4)
        EXPECT_EQ(rd32(d, o) & 0xFFFFFF00u, 0u) << std::hex << o;
    // PIDR2.JEDEC (bit 3) is 1 for a JEP106 designer code
    EXPECT_EQ(rd32(d, off::PIDR0 + 8) & 0x8u, 0x8u);
}

TEST(RegisterReset, ModelChoiceUnknownResetsReadZero)
{
    // CR1, CR2, the queue and table bases, indices and *_IRQ_CFGn reset to UNKNOWN values
    // (6.3.11 - 6.3.36); this model resets them to zero.
    Smmu d("default");
    for (uint64_t o : {off::CR1, off::CR2, off::STRTAB_BASE_CFG, off::CMDQ_PROD, off::CMDQ_CONS,
                       off::EVENTQ_PROD, off::EVENTQ_CONS, off::PRIQ_PROD, off::PRIQ_CONS,
                       off::GERROR_IRQ_CFG1, off::GERROR_IRQ_CFG2, off::AGBPA})
        EXPECT_EQ(rd32(d, o), 0u) << std::hex << o;
    for (uint64_t o : {off::STRTAB_BASE, off::CMDQ_BASE, off::EVENTQ_BASE, off::PRIQ_BASE,
                       off::GERROR_IRQ_CFG0, off::EVENTQ_IRQ_CFG0, off::PRIQ_IRQ_CFG0})
        EXPECT_EQ(rd64(d, o), 0u) << std::hex << o;
}

TEST(RegisterReset, WarmResetRestoresRegistersAndKeepsStatistics)
{
    Smmu d("default");
    CmdQueue q(d, 0x10000, 3);
    q.init();
    q.submit({cmd_sync()});
    wr32(d, off::CR2, CR2_RECINVSID);
    wr32(d, off::IRQ_CTRL, IRQ_CTRL_GERROR_IRQEN);
    wr32(d, off::GBPA, GBPA_UPDATE | GBPA_ABORT);
    smmu_reset(d.s);
    for (uint64_t o : {off::CR0, off::CR0ACK, off::CR2, off::IRQ_CTRL, off::IRQ_CTRLACK,
                       off::GBPA, off::CMDQ_PROD, off::CMDQ_CONS})
        EXPECT_EQ(rd32(d, o), 0u) << std::hex << o;
    EXPECT_EQ(rd64(d, off::CMDQ_BASE), 0u);
    smmu_stats_t st;
    smmu_stats_get(d.s, &st);
    EXPECT_EQ(st.commands, 1u); // smmu.h: statistics survive a warm reset
}

}  // namespace
}  // namespace regs_test
