// SPDX-License-Identifier: Apache-2.0
// Several counter groups on one SMMU: each is free-standing (10.2) with its own frame,
// enables, filters and interrupt configuration; all see the same traffic.
#include "pmcg_util.h"

namespace pmcg_test {
namespace {

TEST(PmcgGroups, FramesAreIndependent)
{
    Rig r(config(3, 4, 32));
    for (unsigned g = 0; g < 3; g++)
        EXPECT_EQ(r.r32(g, pm::CFGR), 0x00601F03u) << g;
    r.w64(1, pm::CNTENSET0, 0x5);
    r.w32(1, pm::EVTYPER0 + 8, 0x3);
    r.w32(1, pm::SMR0 + 8, 0x77);
    r.w32(1, pm::EVCNTR0 + 8, 1234);
    r.w32(1, pm::CR, CR_E);
    r.w32(1, pm::IRQ_CFG1, 0x11);
    for (unsigned g : {0u, 2u}) {
        EXPECT_EQ(r.r64(g, pm::CNTENSET0), 0u);
        EXPECT_EQ(r.r32(g, pm::EVTYPER0 + 8), 0u);
        EXPECT_EQ(r.r32(g, pm::SMR0 + 8), 0u);
        EXPECT_EQ(r.r32(g, pm::EVCNTR0 + 8), 0u);
        EXPECT_EQ(r.r32(g, pm::CR), 0u);
        EXPECT_EQ(r.r32(g, pm::IRQ_CFG1), 0u);
    }
    EXPECT_EQ(r.r32(1, pm::EVCNTR0 + 8), 1234u);
    uint64_t v;
    EXPECT_EQ(smmu_pmcg_read(r.s, 3, pm::CFGR, 4, &v), SMMU_E_INVAL);
}

// Every enabled group counts the same transactions, each through its own filter; a group
// with CR.E == 0 counts nothing.
TEST(PmcgGroups, EachGroupCountsTheSameTraffic)
{
    Rig r(config(3, 2, 48));
    r.enable();
    r.s2_stream(1);
    r.map(1, 0x1000, 0x7000);
    r.s2_stream(2);
    r.map(2, 0x1000, 0x8000);
    r.program(0, 0, EV_TRANSACTION);           // all streams
    r.program(1, 0, EV_TRANSACTION, false, 2);  // stream 2 only
    r.program(1, 1, EV_WALK_ACCESS);
    r.program(2, 0, EV_TRANSACTION);           // group 2 stays disabled
    r.enable_group(0);
    r.enable_group(1);
    r.xlate(1, 0x1000);
    r.xlate(2, 0x1000);
    r.xlate(2, 0x1000);
    EXPECT_EQ(r.counter(0, 0), 3u);
    EXPECT_EQ(r.counter(1, 0), 2u);
    EXPECT_EQ(r.counter(1, 1), 6u);  // two walks of three reads
    EXPECT_EQ(r.counter(2, 0), 0u);
    smmu_advance_cycles(r.s, 5);  // nobody counts cycles
    EXPECT_EQ(r.counter(0, 0), 3u);
}

// Overflow in one group raises that group's interrupt with its own MSI configuration; the
// wired output (SMMU_IRQ_PMCG) is shared.
TEST(PmcgGroups, InterruptsUseTheGroupsOwnMsi)
{
    Rig r(config(2, 1, 32));
    for (unsigned g = 0; g < 2; g++) {
        r.program(g, 0, EV_CYCLES);
        r.w64(g, pm::IRQ_CFG0, MSI_DOORBELL + 0x100 * g);
        r.w32(g, pm::IRQ_CFG1, 0xD0 + g);
        r.w64(g, pm::INTENSET0, 1);
        r.w32(g, pm::IRQ_CTRL, IRQ_CTRL_IRQEN);
        r.enable_group(g);
    }
    r.set_counter(1, 0, 0xFFFFFFFFu);
    smmu_advance_cycles(r.s, 1);
    std::vector<MemWrite> m = r.mem().msis();
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].pa, MSI_DOORBELL + 0x100);
    EXPECT_EQ(m[0].data[0], 0xD1u);
    EXPECT_EQ(r.r64(0, pm::OVSSET0), 0u);
    EXPECT_EQ(r.r64(1, pm::OVSSET0), 1u);
    EXPECT_EQ(r.pmcg_irqs(), 1u);
    // both overflow at once: two groups, two interrupts
    r.set_counter(0, 0, 0xFFFFFFFFu);
    r.set_counter(1, 0, 0xFFFFFFFFu);
    smmu_advance_cycles(r.s, 1);
    EXPECT_EQ(r.mem().msis().size(), 3u);
    EXPECT_EQ(r.pmcg_irqs(), 3u);
}

// The maximum configuration: 8 groups of 64 counters.
TEST(PmcgGroups, EightGroupsOf64Counters)
{
    Rig r(config(8, 64, 64));
    for (unsigned g = 0; g < 8; g++) {
        EXPECT_EQ(r.r32(g, pm::CFGR), 0x00603F3Fu);
        r.program(g, 63, EV_CYCLES);
        r.enable_group(g);
    }
    smmu_advance_cycles(r.s, 11);
    for (unsigned g = 0; g < 8; g++) {
        EXPECT_EQ(r.counter(g, 63), 11u);
        EXPECT_EQ(r.r64(g, pm::EVCNTR0 + 8 * 63), 11u);
    }
}

}  // namespace
}  // namespace pmcg_test
