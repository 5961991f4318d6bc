/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Interrupts, MSIs and global errors. Arm IHI 0070 G.b 3.18 (interrupts and MSIs),
 * 7.5 (GERROR), 6.3.16-6.3.23 (IRQ_CTRL, GERROR, *_IRQ_CFGn).
 *
 * Model choice (docs/decisions/0002-register-file.md): a source whose MSI is configured
 * (IDR0.MSI == 1 and *_IRQ_CFG0.ADDR != 0) sends the MSI and does not pulse its wired line;
 * otherwise the wired line pulses. 3.18 leaves it IMPLEMENTATION DEFINED whether the wired
 * output is also asserted.
 */
#include "internal.h"

void irq_pulse(smmu_t *s, smmu_irq_t line)
{
    s->stats.irqs++;
    if (s->ops.irq) {
        s->ops.irq(s->ops.ctx, line, true);
        s->ops.irq(s->ops.ctx, line, false);
    }
}

/* Send a 32-bit MSI; returns false if the write aborted. */
static bool msi_send(smmu_t *s, uint64_t addr, uint32_t data)
{
    uint8_t b[4] = {(uint8_t)data, (uint8_t)(data >> 8), (uint8_t)(data >> 16),
                    (uint8_t)(data >> 24)};
    s->stats.msis++;
    return mem_write(s, addr, b, 4, SMMU_ACCESS_MSI) == SMMU_MEM_OK;
}

static uint64_t msi_addr(uint64_t cfg0)
{
    return cfg0 & REG_MASK(GERROR_IRQ_CFG0, ADDR);
}

static void signal_source(smmu_t *s, uint64_t cfg0, uint32_t cfg1, smmu_irq_t line,
                          uint32_t abt_bit)
{
    uint64_t addr = msi_addr(cfg0);
    if (s->cfg.msi && addr) {
        if (!msi_send(s, addr, cfg1))
            gerror_raise(s, abt_bit);
        return;
    }
    irq_pulse(s, line);
}

void irq_signal(smmu_t *s, smmu_irq_src_t src)
{
    uint32_t ack = s->r.irq_ctrlack;
    switch (src) {
    case IRQSRC_EVENTQ:
        if (REG_GET(IRQ_CTRL, EVENTQ_IRQEN, ack))
            signal_source(s, s->r.eventq_irq_cfg0, s->r.eventq_irq_cfg1, SMMU_IRQ_EVENTQ,
                          (uint32_t)REG_MASK(GERROR, MSI_EVENTQ_ABT_ERR));
        break;
    case IRQSRC_PRIQ:
        if (REG_GET(IRQ_CTRL, PRIQ_IRQEN, ack))
            signal_source(s, s->r.priq_irq_cfg0, s->r.priq_irq_cfg1, SMMU_IRQ_PRIQ,
                          (uint32_t)REG_MASK(GERROR, MSI_PRIQ_ABT_ERR));
        break;
    case IRQSRC_GERROR:
        if (REG_GET(IRQ_CTRL, GERROR_IRQEN, ack))
            signal_source(s, s->r.gerror_irq_cfg0, s->r.gerror_irq_cfg1, SMMU_IRQ_GERROR,
                          (uint32_t)REG_MASK(GERROR, MSI_GERROR_ABT_ERR));
        break;
    }
}

void irq_cmd_sync(smmu_t *s, uint64_t addr, uint32_t data, uint8_t msiattr, bool use_msi)
{
    (void)msiattr;
    if (use_msi && s->cfg.msi && addr) {
        if (!msi_send(s, addr, data))
            gerror_raise(s, (uint32_t)REG_MASK(GERROR, MSI_CMDQ_ABT_ERR));
        return;
    }
    irq_pulse(s, SMMU_IRQ_CMD_SYNC);
}

/* 7.5: an error is raised by toggling its GERROR bit, unless it is already active; the
 * GERROR interrupt is signalled for newly active errors other than MSI_GERROR_ABT_ERR. */
void gerror_raise(smmu_t *s, uint32_t bits)
{
    uint32_t active = s->r.gerror ^ s->r.gerrorn;
    uint32_t fresh = bits & ~active;
    if (!fresh)
        return;
    s->r.gerror ^= fresh;
    if (fresh & ~(uint32_t)REG_MASK(GERROR, MSI_GERROR_ABT_ERR))
        irq_signal(s, IRQSRC_GERROR);
}
