// SPDX-License-Identifier: Apache-2.0
// Reset and identification values of a PMCG frame (10.5.2.13 - 10.5.2.29).
#include "pmcg_util.h"

namespace pmcg_test {
namespace {

// 10.5.2.13: NCTR = counters - 1, SIZE = counter bits - 1. The model's groups support
// capture (CAPTURE = 1), MSIs when the SMMU does, a filter per counter
// (SID_FILTER_TYPE = 0), no Page 1 (RELOC_CTRS = 0) and no MPAM.
TEST(PmcgReset, CfgrReflectsTheConfiguration)
{
    Rig r;  // default: 1 group, 8 counters of 48 bits, MSIs
    uint32_t cfgr = r.r32(0, pm::CFGR);
    EXPECT_EQ(cfgr_nctr(cfgr), 7u);
    EXPECT_EQ(cfgr_size(cfgr), 47u);   // 0b101111
    EXPECT_TRUE(cfgr & CFGR_CAPTURE);
    EXPECT_TRUE(cfgr & CFGR_MSI);
    EXPECT_FALSE(cfgr & CFGR_RELOC_CTRS);
    EXPECT_FALSE(cfgr & CFGR_SID_FILTER_TYPE);
    EXPECT_FALSE(cfgr & (CFGR_MPAM | CFGR_FILTER_PARTID_PMG));
    EXPECT_EQ(cfgr, 0x00602F07u);
}

TEST(PmcgReset, CfgrFor32BitCountersWithoutMsi)
{
    smmu_config_t c = config(1, 4, 32);
    c.msi = false;
    Rig r(c);
    EXPECT_EQ(r.r32(0, pm::CFGR), 0x00401F03u);  // CAPTURE, SIZE 31, NCTR 3
}

TEST(PmcgReset, CfgrFor64CountersOf64Bits)
{
    Rig r(config(1, 64, 64));
    EXPECT_EQ(r.r32(0, pm::CFGR), 0x00603F3Fu);  // SIZE 0b111111, NCTR 63
}

// Every legal counter size (10.5.2.13 SIZE encodings).
TEST(PmcgReset, CfgrSizeForEveryCounterWidth)
{
    for (unsigned bits : {32u, 36u, 40u, 44u, 48u, 64u}) {
        Rig r(config(1, 2, bits));
        EXPECT_EQ(cfgr_size(r.r32(0, pm::CFGR)), bits - 1) << bits;
    }
}

// 10.5.2.16: bit N of CEID0 = event N can be counted. Events 0-5 are mandatory; 6 and 7
// only when ATS is supported (10.3).
TEST(PmcgReset, Ceid0ListsTheArchitectedEvents)
{
    Rig r;  // ATS on
    EXPECT_EQ(r.r64(0, pm::CEID0), 0xFFu);
    EXPECT_EQ(r.r32(0, pm::CEID0), 0xFFu);
    EXPECT_EQ(r.r32(0, pm::CEID0 + 4), 0u);
    EXPECT_EQ(r.r64(0, pm::CEID1), 0u);  // no events 64-127
}

TEST(PmcgReset, Ceid0WithoutAtsHasNoAtsEvents)
{
    smmu_config_t c = smmu_config_default();
    c.ats = false;
    c.pri = false;  // PRI needs ATS
    Rig r(c);
    EXPECT_EQ(r.r64(0, pm::CEID0), 0x3Fu);
}

// 10.5.2.29: CoreSight component identification; CIDR1.CLASS = 0x9.
TEST(PmcgReset, ComponentIdRegisters)
{
    Rig r;
    EXPECT_EQ(r.r32(0, pm::CIDR0), 0x0Du);
    EXPECT_EQ(r.r32(0, pm::CIDR1), 0x90u);
    EXPECT_EQ((r.r32(0, pm::CIDR1) >> 4) & 0xF, 0x9u);
    EXPECT_EQ(r.r32(0, pm::CIDR2), 0x05u);
    EXPECT_EQ(r.r32(0, pm::CIDR3), 0xB1u);
    // PMDEVARCH: ARCHITECT 0x23B [31:21], PRESENT [20], REVISION 0, ARCHID 0x2A56
    EXPECT_EQ(r.r32(0, pm::PMDEVARCH), (0x23Bu << 21) | (1u << 20) | 0x2A56u);
    // PMDEVTYPE: sub-type 5 (associated with an SMMU), class 6 (performance monitor)
    EXPECT_EQ(r.r32(0, pm::PMDEVTYPE), 0x56u);
}

// 10.5.2.29: PIDR0-7 are the implementation's; the model uses config.pidr (the PMCG is part
// of the SMMU). PIDR2[3] = 1 (JEDEC) and the Arm designer code come from the default.
TEST(PmcgReset, PeripheralIdRegistersFollowTheConfiguration)
{
    Rig r;
    const uint8_t* p = r.cfg().pidr;
    EXPECT_EQ(r.r32(0, pm::PIDR0), p[0]);
    EXPECT_EQ(r.r32(0, pm::PIDR1), p[1]);
    EXPECT_EQ(r.r32(0, pm::PIDR2), p[2]);
    EXPECT_EQ(r.r32(0, pm::PIDR3), p[3]);
    EXPECT_EQ(r.r32(0, pm::PIDR4), p[4]);
    EXPECT_EQ(r.r32(0, pm::PIDR5), p[5]);
    EXPECT_EQ(r.r32(0, pm::PIDR6), p[6]);
    EXPECT_EQ(r.r32(0, pm::PIDR7), p[7]);
    EXPECT_TRUE(r.r32(0, pm::PIDR2) & 0x8u);
    // Default designer: JEP106 continuation 4, code 0x3B (DES_0 = 0xB, DES_1 = 0x3, DES_2 = 4)
    EXPECT_EQ(r.r32(0, pm::PIDR1) >> 4, 0xBu);
    EXPECT_EQ(r.r32(0, pm::PIDR2) & 0x7u, 0x3u);
    EXPECT_EQ(r.r32(0, pm::PIDR4) & 0xFu, 0x4u);
}

// 10.5.2.15 IIDR and 10.5.2.26 AIDR (same encoding as SMMU_IIDR / SMMU_AIDR).
TEST(PmcgReset, IidrAndAidr)
{
    smmu_config_t c = smmu_config_default();
    c.iidr = 0x4830043Bu;  // ProductID 0x483, Arm implementer 0x43B
    c.arch_minor = 1;
    Rig r(c);
    EXPECT_EQ(r.r32(0, pm::IIDR), 0x4830043Bu);
    EXPECT_EQ(r.r32(0, pm::AIDR), 0x01u);  // SMMUv3.1 PMCG
    Rig d;
    EXPECT_EQ(d.r32(0, pm::AIDR), 0x02u);  // default: SMMUv3.2
}

// Reset values: CR.E, IRQ_CTRL(ACK).IRQEN and CAPR reset to 0; the rest is UNKNOWN, which the
// model makes 0.
TEST(PmcgReset, ControlRegistersResetToZero)
{
    Rig r;
    for (uint64_t off : {pm::CR, pm::IRQ_CTRL, pm::IRQ_CTRLACK, pm::CAPR, pm::IRQ_STATUS,
                         pm::IRQ_CFG1, pm::IRQ_CFG2})
        EXPECT_EQ(r.r32(0, off), 0u) << std::hex << off;
    for (uint64_t off : {pm::CNTENSET0, pm::CNTENCLR0, pm::INTENSET0, pm::INTENCLR0,
                         pm::OVSCLR0, pm::OVSSET0, pm::IRQ_CFG0})
        EXPECT_EQ(r.r64(0, off), 0u) << std::hex << off;
    for (unsigned n = 0; n < 8; n++) {
        EXPECT_EQ(r.counter(0, n), 0u);
        EXPECT_EQ(r.shadow(0, n), 0u);
        EXPECT_EQ(r.r32(0, pm::EVTYPER0 + 4 * n), 0u);
        EXPECT_EQ(r.r32(0, pm::SMR0 + 4 * n), 0u);
    }
}

// smmu_reset() is a warm reset: the PMCG frames return to their reset values.
TEST(PmcgReset, WarmResetClearsTheFrame)
{
    Rig r;
    r.program(0, 1, EV_CYCLES);
    r.enable_group(0);
    r.w64(0, pm::INTENSET0, 0xFF);
    r.w32(0, pm::IRQ_CFG1, 0x1234);
    r.w32(0, pm::IRQ_CTRL, IRQ_CTRL_IRQEN);
    smmu_advance_cycles(r.s, 100);
    ASSERT_EQ(r.counter(0, 1), 100u);
    smmu_reset(r.s);
    EXPECT_EQ(r.r32(0, pm::CR), 0u);
    EXPECT_EQ(r.r64(0, pm::CNTENSET0), 0u);
    EXPECT_EQ(r.r64(0, pm::INTENSET0), 0u);
    EXPECT_EQ(r.r32(0, pm::IRQ_CTRLACK), 0u);
    EXPECT_EQ(r.r32(0, pm::IRQ_CFG1), 0u);
    EXPECT_EQ(r.counter(0, 1), 0u);
    EXPECT_EQ(r.r32(0, pm::EVTYPER0 + 4), 0u);
    // ... and the identification does not change
    EXPECT_EQ(r.r32(0, pm::CFGR), 0x00602F07u);
    smmu_advance_cycles(r.s, 100);
    EXPECT_EQ(r.counter(0, 1), 0u);  // disabled again
}

// Footprint: the counters are allocated at create time from the configuration.
TEST(PmcgReset, FootprintGrowsWithTheCounters)
{
    smmu_config_t none = config(0, 8, 48);
    smmu_config_t small = config(1, 1, 32);
    smmu_config_t big = config(8, 64, 64);
    size_t f0 = smmu_config_footprint(&none), f1 = smmu_config_footprint(&small),
           f2 = smmu_config_footprint(&big);
    EXPECT_GT(f1, f0);
    EXPECT_GT(f2, f1 + 8 * 64 * 2 * sizeof(uint64_t));  // at least the counters and shadows
}

}  // namespace
}  // namespace pmcg_test
