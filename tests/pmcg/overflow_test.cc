// SPDX-License-Identifier: Apache-2.0
// Overflow, the PMCG interrupt (wired and MSI), IRQ_STATUS.IRQ_ABT, and capture into the
// shadow registers (10.2.1, 10.5.2.2 OVFCAP, 10.5.2.7, 10.5.2.9 - 10.5.2.11, 10.5.2.19 -
// 10.5.2.24), for 32-, 48- and 64-bit counters.
#include "pmcg_util.h"

namespace pmcg_test {
namespace {

uint32_t le32(const MemWrite& w)
{
    uint32_t v = 0;
    for (size_t i = 0; i < 4 && i < w.data.size(); i++)
        v |= static_cast<uint32_t>(w.data[i]) << (8 * i);
    return v;
}

// A group with MSI configuration, INTEN[0] and IRQEN set; counter 0 counts cycles.
void arm_irq(Rig& r, unsigned g, uint64_t doorbell, uint32_t data, unsigned ctr = 0)
{
    r.w64(g, pm::IRQ_CFG0, doorbell);
    r.w32(g, pm::IRQ_CFG1, data);
    r.w32(g, pm::IRQ_CFG2, irq_cfg2(0, 0x1));  // Device-nGnRE (Linux's choice)
    r.w64(g, pm::INTENSET0, UINT64_C(1) << ctr);
    r.w32(g, pm::IRQ_CTRL, IRQ_CTRL_IRQEN);
    ASSERT_EQ(r.r32(g, pm::IRQ_CTRLACK), IRQ_CTRL_IRQEN);
}

// 10.2.1: a carry out of the counter sets OVS[n]; the counter keeps counting from the wrapped
// value. 32-bit counters wrap at 2^32.
TEST(PmcgOverflow, ThirtyTwoBitCounterWrapsAndSetsOvs)
{
    Rig r(config(1, 4, 32));
    r.program(0, 2, EV_CYCLES);
    r.enable_group(0);
    r.set_counter(0, 2, 0xFFFFFFFEu);
    smmu_advance_cycles(r.s, 1);
    EXPECT_EQ(r.counter(0, 2), 0xFFFFFFFFu);
    EXPECT_EQ(r.r64(0, pm::OVSSET0), 0u);
    smmu_advance_cycles(r.s, 3);
    EXPECT_EQ(r.counter(0, 2), 2u);
    EXPECT_EQ(r.r64(0, pm::OVSSET0), 0x4u);
    EXPECT_EQ(r.r64(0, pm::OVSCLR0), 0x4u);
    EXPECT_EQ(r.pmcg_irqs(), 0u);  // INTEN and IRQEN are 0
}

TEST(PmcgOverflow, SixtyFourBitCounterWrapsAtTwoToThe64)
{
    Rig r(config(1, 2, 64));
    r.program(0, 1, EV_CYCLES);
    r.enable_group(0);
    r.set_counter(0, 1, ~UINT64_C(0) - 1);
    smmu_advance_cycles(r.s, 1);
    EXPECT_EQ(r.counter(0, 1), ~UINT64_C(0));
    EXPECT_EQ(r.r64(0, pm::OVSSET0), 0u);
    smmu_advance_cycles(r.s, 2);
    EXPECT_EQ(r.counter(0, 1), 1u);
    EXPECT_EQ(r.r64(0, pm::OVSSET0), 0x2u);
}

TEST(PmcgOverflow, FortyEightBitCounterWrapsAtTwoToThe48)
{
    Rig r;  // 48-bit
    r.program(0, 0, EV_CYCLES);
    r.enable_group(0);
    r.set_counter(0, 0, UINT64_C(0xFFFFFFFFFFFF));
    smmu_advance_cycles(r.s, 1);
    EXPECT_EQ(r.counter(0, 0), 0u);
    EXPECT_EQ(r.r64(0, pm::OVSSET0), 1u);
    // a 32-bit counter's carry-out point is not a 48-bit counter's
    r.set_counter(0, 0, 0xFFFFFFFFu);
    r.w64(0, pm::OVSCLR0, 1);
    smmu_advance_cycles(r.s, 1);
    EXPECT_EQ(r.counter(0, 0), UINT64_C(0x100000000));
    EXPECT_EQ(r.r64(0, pm::OVSSET0), 0u);
}

// A large increment (many cycles at once) wraps modulo 2^32 and sets OVS (once: it is a
// status bit).
TEST(PmcgOverflow, LargeIncrementWrapsModuloTheCounterSize)
{
    Rig r(config(1, 1, 32));
    r.program(0, 0, EV_CYCLES);
    r.enable_group(0);
    r.set_counter(0, 0, 0xFFFFFF00u);
    smmu_advance_cycles(r.s, UINT64_C(0x100000100));
    EXPECT_EQ(r.counter(0, 0), 0u);  // (0xFFFFFF00 + 0x100000100) mod 2^32
    EXPECT_EQ(r.r64(0, pm::OVSSET0), 1u);
}

// Overflow of a transaction-counting counter (the counters count real translations too).
TEST(PmcgOverflow, TransactionCounterOverflows)
{
    Rig r(config(1, 2, 32));
    r.program(0, 1, EV_TRANSACTION);
    r.enable_group(0);
    r.set_counter(0, 1, 0xFFFFFFFFu);
    r.xlate(4, 0x1000);  // SMMU disabled: bypass, still a transaction
    EXPECT_EQ(r.counter(0, 1), 0u);
    EXPECT_EQ(r.r64(0, pm::OVSSET0), 0x2u);
}

// 10.5.2.7, 10.5.2.19: with INTEN[n] and IRQEN the overflow raises the group interrupt: the
// MSI (IRQ_CFG0.ADDR != 0) with IRQ_CFG1 as payload, and a pulse on the wired output.
TEST(PmcgOverflow, OverflowRaisesMsiAndWiredInterrupt)
{
    Rig r;
    r.program(0, 0, EV_CYCLES);
    r.enable_group(0);
    arm_irq(r, 0, MSI_DOORBELL, 0xABCD0001u);
    r.set_counter(0, 0, UINT64_C(0xFFFFFFFFFFFF));
    smmu_advance_cycles(r.s, 1);
    EXPECT_EQ(r.pmcg_irqs(), 1u);
    std::vector<MemWrite> m = r.mem().msis();
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].pa, MSI_DOORBELL);
    EXPECT_EQ(m[0].data.size(), 4u);
    EXPECT_EQ(le32(m[0]), 0xABCD0001u);
    EXPECT_EQ(r.mem().read32(MSI_DOORBELL), 0xABCD0001u);
    EXPECT_EQ(r.r64(0, pm::OVSSET0), 1u);
    // No other SMMU interrupt line moved.
    EXPECT_EQ(r.mem().irq_pulses[SMMU_IRQ_GERROR], 0u);
    EXPECT_EQ(r.mem().irq_pulses[SMMU_IRQ_EVENTQ], 0u);
}

// 10.2.1 note: an overflow interrupts whatever the OVS bit was (OVS not cleared here).
TEST(PmcgOverflow, EveryOverflowInterruptsEvenWithOvsSet)
{
    Rig r(config(1, 1, 32));
    r.program(0, 0, EV_CYCLES);
    r.enable_group(0);
    arm_irq(r, 0, MSI_DOORBELL, 7);
    smmu_advance_cycles(r.s, UINT64_C(1) << 32);
    smmu_advance_cycles(r.s, UINT64_C(1) << 32);
    EXPECT_EQ(r.pmcg_irqs(), 2u);
    EXPECT_EQ(r.mem().msis().size(), 2u);
}

// IRQ_CFG0.ADDR == 0: no MSI, the wired interrupt only (10.5.2.21).
TEST(PmcgOverflow, ZeroAddressMeansWiredOnly)
{
    Rig r;
    r.program(0, 0, EV_CYCLES);
    r.enable_group(0);
    arm_irq(r, 0, 0, 7);
    r.set_counter(0, 0, UINT64_C(0xFFFFFFFFFFFF));
    smmu_advance_cycles(r.s, 1);
    EXPECT_EQ(r.pmcg_irqs(), 1u);
    EXPECT_TRUE(r.mem().msis().empty());
}

// Without MSI support the group only has its wired output.
TEST(PmcgOverflow, NoMsiSupportMeansWiredOnly)
{
    smmu_config_t c = smmu_config_default();
    c.msi = false;
    Rig r(c);
    r.program(0, 0, EV_CYCLES);
    r.enable_group(0);
    r.w64(0, pm::IRQ_CFG0, MSI_DOORBELL);  // RES0: ignored
    r.w64(0, pm::INTENSET0, 1);
    r.w32(0, pm::IRQ_CTRL, IRQ_CTRL_IRQEN);
    r.set_counter(0, 0, UINT64_C(0xFFFFFFFFFFFF));
    smmu_advance_cycles(r.s, 1);
    EXPECT_EQ(r.pmcg_irqs(), 1u);
    EXPECT_TRUE(r.mem().msis().empty());
}

// INTEN[n] == 0 or IRQEN == 0: OVS is set, no interrupt (10.5.2.7, 10.5.2.19).
TEST(PmcgOverflow, NoInterruptWithoutIntenOrIrqen)
{
    Rig r;
    r.program(0, 0, EV_CYCLES);
    r.program(0, 1, EV_CYCLES);
    r.enable_group(0);
    arm_irq(r, 0, MSI_DOORBELL, 7, /*ctr=*/1);  // INTEN[1] only
    r.set_counter(0, 0, UINT64_C(0xFFFFFFFFFFFF));
    smmu_advance_cycles(r.s, 1);
    EXPECT_EQ(r.r64(0, pm::OVSSET0), 1u);
    EXPECT_EQ(r.pmcg_irqs(), 0u);
    r.w32(0, pm::IRQ_CTRL, 0);
    r.set_counter(0, 1, UINT64_C(0xFFFFFFFFFFFF));
    smmu_advance_cycles(r.s, 1);
    EXPECT_EQ(r.r64(0, pm::OVSSET0), 3u);
    EXPECT_EQ(r.pmcg_irqs(), 0u);
    EXPECT_TRUE(r.mem().msis().empty());
    // INTENCLR0 takes the enable away again
    r.w32(0, pm::IRQ_CTRL, IRQ_CTRL_IRQEN);
    r.w64(0, pm::INTENCLR0, 2);
    r.set_counter(0, 1, UINT64_C(0xFFFFFFFFFFFF));
    smmu_advance_cycles(r.s, 1);
    EXPECT_EQ(r.pmcg_irqs(), 0u);
}

// Two counters overflowing in the same update: one edge and one MSI for the group.
TEST(PmcgOverflow, SimultaneousOverflowsGiveOneInterrupt)
{
    Rig r;
    r.program(0, 0, EV_CYCLES);
    r.program(0, 1, EV_CYCLES);
    r.enable_group(0);
    r.w64(0, pm::INTENSET0, 3);
    arm_irq(r, 0, MSI_DOORBELL, 9);
    r.set_counter(0, 0, UINT64_C(0xFFFFFFFFFFFF));
    r.set_counter(0, 1, UINT64_C(0xFFFFFFFFFFFF));
    smmu_advance_cycles(r.s, 1);
    EXPECT_EQ(r.r64(0, pm::OVSSET0), 3u);
    EXPECT_EQ(r.pmcg_irqs(), 1u);
    EXPECT_EQ(r.mem().msis().size(), 1u);
}

// 10.5.2.24: an MSI that aborts sets IRQ_STATUS.IRQ_ABT; the wired output still pulses. The
// bit is cleared by an Update of IRQEN from 0 to 1, not by 1 to 0.
TEST(PmcgOverflow, MsiAbortSetsIrqAbt)
{
    Rig r;
    r.mem().add_abort(MSI_DOORBELL, MSI_DOORBELL + 3);
    r.program(0, 0, EV_CYCLES);
    r.enable_group(0);
    arm_irq(r, 0, MSI_DOORBELL, 1);
    r.set_counter(0, 0, UINT64_C(0xFFFFFFFFFFFF));
    smmu_advance_cycles(r.s, 1);
    EXPECT_EQ(r.r32(0, pm::IRQ_STATUS), IRQ_STATUS_IRQ_ABT);
    EXPECT_EQ(r.pmcg_irqs(), 1u);
    EXPECT_EQ(r.mem().msis().size(), 1u);  // attempted
    // The SMMU's GERROR is not involved: a PMCG is free-standing (10.2).
    EXPECT_EQ(r.mem().irq_pulses[SMMU_IRQ_GERROR], 0u);
    r.w32(0, pm::IRQ_CTRL, 0);
    EXPECT_EQ(r.r32(0, pm::IRQ_STATUS), IRQ_STATUS_IRQ_ABT);
    r.w32(0, pm::IRQ_CTRL, IRQ_CTRL_IRQEN);
    EXPECT_EQ(r.r32(0, pm::IRQ_STATUS), 0u);
}

// In SMMUv3.0, IRQ_STATUS is RES0 (10.5.2.24).
TEST(PmcgOverflow, IrqStatusRes0InV30)
{
    smmu_config_t c = smmu_config_default();
    c.arch_minor = 0;
    c.vax = 0;
    Rig r(c);
    r.mem().add_abort(MSI_DOORBELL, MSI_DOORBELL + 3);
    r.program(0, 0, EV_CYCLES);
    r.enable_group(0);
    arm_irq(r, 0, MSI_DOORBELL, 1);
    r.set_counter(0, 0, UINT64_C(0xFFFFFFFFFFFF));
    smmu_advance_cycles(r.s, 1);
    EXPECT_EQ(r.r32(0, pm::IRQ_STATUS), 0u);
    EXPECT_EQ(r.pmcg_irqs(), 1u);
}

// 10.5.2.10: setting OVS by software: this model performs no interrupt or capture side effect
// (IMPLEMENTATION SPECIFIC).
TEST(PmcgOverflow, OvssetHasNoSideEffects)
{
    Rig r;
    r.program(0, 0, EV_CYCLES, true, 0xFFFFFFFFu, EVTYPER_OVFCAP);
    r.enable_group(0);
    arm_irq(r, 0, MSI_DOORBELL, 1);
    r.set_counter(0, 0, 77);
    r.w64(0, pm::OVSSET0, 1);
    EXPECT_EQ(r.r64(0, pm::OVSSET0), 1u);
    EXPECT_EQ(r.pmcg_irqs(), 0u);
    EXPECT_EQ(r.shadow(0, 0), 0u);
}

// 10.5.2.11: a write of 1 to CAPR.CAPTURE copies every counter into its SVR; later counting
// leaves the SVRs alone; writing 0 captures nothing.
TEST(PmcgCapture, CaprCapturesAllCounters)
{
    Rig r;
    r.enable();
    r.program(0, 0, EV_CYCLES);
    r.program(0, 1, EV_TRANSACTION);
    r.set_counter(0, 5, 0x5555);  // not counting, still captured
    r.enable_group(0);
    smmu_advance_cycles(r.s, 40);
    r.xlate(3, 0x1000);
    r.xlate(3, 0x1000);
    r.w32(0, pm::CAPR, 0);
    EXPECT_EQ(r.shadow(0, 0), 0u);
    r.w32(0, pm::CAPR, CAPR_CAPTURE);
    EXPECT_EQ(r.shadow(0, 0), 40u);
    EXPECT_EQ(r.shadow(0, 1), 2u);
    EXPECT_EQ(r.shadow(0, 5), 0x5555u);
    smmu_advance_cycles(r.s, 10);
    EXPECT_EQ(r.counter(0, 0), 50u);
    EXPECT_EQ(r.shadow(0, 0), 40u);
}

// 10.2.1 / 10.5.2.2: with OVFCAP an overflow captures all counters; the overflowing counter is
// captured with its post-overflow value.
TEST(PmcgCapture, OverflowWithOvfcapCaptures)
{
    Rig r(config(1, 3, 32));
    r.program(0, 0, EV_CYCLES, true, 0xFFFFFFFFu, EVTYPER_OVFCAP);
    r.program(0, 1, EV_TRANSACTION);
    r.enable_group(0);
    r.xlate(1, 0);
    r.xlate(1, 0);
    r.set_counter(0, 0, 0xFFFFFFF0u);
    r.set_counter(0, 2, 0xAB);
    smmu_advance_cycles(r.s, 0x10);  // exactly to zero
    EXPECT_EQ(r.shadow(0, 0), 0u);
    EXPECT_EQ(r.shadow(0, 1), 2u);
    EXPECT_EQ(r.shadow(0, 2), 0xABu);
    smmu_advance_cycles(r.s, 0x25);
    r.xlate(1, 0);
    EXPECT_EQ(r.shadow(0, 0), 0u);  // no new capture without a new overflow
    EXPECT_EQ(r.shadow(0, 1), 2u);
}

// Without OVFCAP an overflow does not capture.
TEST(PmcgCapture, OverflowWithoutOvfcapDoesNotCapture)
{
    Rig r(config(1, 2, 32));
    r.program(0, 0, EV_CYCLES);
    r.enable_group(0);
    r.set_counter(0, 0, 0xFFFFFFFFu);
    r.set_counter(0, 1, 9);
    smmu_advance_cycles(r.s, 5);
    EXPECT_EQ(r.shadow(0, 0), 0u);
    EXPECT_EQ(r.shadow(0, 1), 0u);
}

// 64-bit SVRs on the 8-byte stride, read in halves too.
TEST(PmcgCapture, SixtyFourBitShadows)
{
    Rig r(config(1, 4, 64));
    r.set_counter(0, 3, UINT64_C(0x0123456789ABCDEF));
    r.w32(0, pm::CAPR, CAPR_CAPTURE);
    EXPECT_EQ(r.r64(0, pm::SVR0 + 8 * 3), UINT64_C(0x0123456789ABCDEF));
    EXPECT_EQ(r.r32(0, pm::SVR0 + 8 * 3 + 4), 0x01234567u);
}

}  // namespace
}  // namespace pmcg_test
