// SPDX-License-Identifier: Apache-2.0
// Several SMMU instances in one process are independent (smmu.h: no global state).
#include <memory>

#include "regs_util.h"

namespace regs_test {
namespace {

TEST(Instances, RegistersQueuesAndErrorsAreIndependent)
{
    Smmu a("default");
    Smmu b("qemu-virt");
    Smmu c("default");

    // different configurations, different ID registers
    EXPECT_EQ(rd32(a, off::IDR0), 0x080F369Bu);
    EXPECT_EQ(rd32(b, off::IDR0), 0x0d44101bu);
    EXPECT_EQ(rd32(b, off::GBPA), 0x1000u);
    EXPECT_EQ(rd32(a, off::GBPA), 0u);

    // interleaved programming
    CmdQueue qa(a, 0x40000, 3), qb(b, 0x40000, 4), qc(c, 0x80000, 2);
    qa.init();
    qb.init();
    wr32(a, off::CR2, CR2_RECINVSID);
    qc.init(false);
    wr32(b, off::IRQ_CTRL, IRQ_CTRL_GERROR_IRQEN);

    qa.submit({cmd_sync(), cmd_sync(CS_IRQ)});
    qb.submit({cmd_raw(0x00)}); // error in b only
    qc.submit({cmd_sync()});    // c's queue is disabled

    EXPECT_EQ(qa.cons(), 2u);
    EXPECT_EQ(rd32(a, off::GERROR), 0u);
    EXPECT_EQ(cons_err(qb.cons()), CERROR_ILL);
    EXPECT_EQ(rd32(b, off::GERROR), GERROR_CMDQ_ERR);
    EXPECT_EQ(qc.cons(), 0u);
    EXPECT_EQ(rd32(c, off::GERROR), 0u);
    EXPECT_EQ(rd32(c, off::CR2), 0u);
    EXPECT_EQ(rd32(c, off::CR0ACK), 0u);

    // interrupts go to the host of the instance that raised them
    EXPECT_EQ(a.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 1u);
    EXPECT_EQ(b.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 0u);
    EXPECT_EQ(b.mem.irq_pulses[SMMU_IRQ_GERROR], 1u);
    EXPECT_EQ(a.mem.irq_pulses[SMMU_IRQ_GERROR], 0u);
    EXPECT_EQ(c.mem.irq_pulses[SMMU_IRQ_GERROR], 0u);

    // manual mode is per instance
    smmu_set_cmdq_manual(a.s, true);
    cr0_set(c, CR0_CMDQEN);
    EXPECT_EQ(qc.cons(), 1u);
    qa.submit({cmd_sync()});
    EXPECT_EQ(qa.cons(), 2u);
    EXPECT_EQ(smmu_cmdq_process(a.s, 0), 1u);
    EXPECT_EQ(qa.cons(), 3u);

    // events go to the instance's own queue and memory
    EventRig ea(a, 3), ec(c, 3);
    ea.init(4);
    ec.init(4);
    ea.access(1);
    ea.access(2);
    ec.access(3);
    EXPECT_EQ(ea.prod(), 2u);
    EXPECT_EQ(ec.prod(), 1u);
    EXPECT_EQ(ea.record(0)[0], (UINT64_C(1) << 32) | 0x04);
    EXPECT_EQ(ec.record(0)[0], (UINT64_C(3) << 32) | 0x04);

    // statistics are per instance
    smmu_stats_t sa, sb, sc;
    smmu_stats_get(a.s, &sa);
    smmu_stats_get(b.s, &sb);
    smmu_stats_get(c.s, &sc);
    EXPECT_EQ(sa.commands, 3u);
    EXPECT_EQ(sb.commands, 0u);
    EXPECT_EQ(sb.cmd_errors, 1u);
    EXPECT_EQ(sc.commands, 1u);
    EXPECT_EQ(sa.events, 2u);
    EXPECT_EQ(sc.events, 1u);

    // resetting one instance leaves the others alone
    smmu_reset(a.s);
    EXPECT_EQ(rd32(a, off::CR0ACK), 0u);
    EXPECT_NE(rd32(c, off::CR0ACK), 0u);
    EXPECT_EQ(rd32(b, off::GERROR), GERROR_CMDQ_ERR);
}

TEST(Instances, CreateAndDestroyManyInAnyOrder)
{
    std::vector<std::unique_ptr<Smmu>> v;
    for (int i = 0; i < 16; i++) {
        v.push_back(std::make_unique<Smmu>(i % 2 ? "qemu-virt" : "default"));
        wr32(*v.back(), off::CR2, CR2_RECINVSID);
        wr64(*v.back(), off::STRTAB_BASE, 0x1000u * static_cast<unsigned>(i + 1) * 64u);
    }
    for (int i = 0; i < 16; i += 2)
        v[static_cast<size_t>(i)].reset();
    for (int i = 1; i < 16; i += 2) {
        EXPECT_EQ(rd64(*v[static_cast<size_t>(i)], off::STRTAB_BASE),
                  0x1000u * static_cast<unsigned>(i + 1) * 64u);
        EXPECT_EQ(rd32(*v[static_cast<size_t>(i)], off::IDR0), 0x0d44101bu);
    }
}

}  // namespace
}  // namespace regs_test
