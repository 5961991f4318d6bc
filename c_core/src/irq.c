/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Interrupts, MSIs and global errors. Arm IHI 0070 G.b 3.18 (interrupts and MSIs),
 * 7.5 (GERROR), 6.3.16-6.3.23 (IRQ_CTRL, GERROR, *_IRQ_CFGn), 4.7.3 (CMD_SYNC).
 *
 * This model implements a wired, edge-triggered output per source (reported through
 * host_ops.irq) as well as MSIs when IDR0.MSI == 1. 3.18.2: "If enabled, a pulse is asserted
 * on a unique wired interrupt output, if this is implemented. If enabled, an MSI is sent if
 * MSIs are supported and if the MSI configuration of the source enables the sending of an
 * MSI by using an ADDR value that is not zero." Both happen for one occurrence; 4.7.3 says
 * the same of CMD_SYNC SIG_IRQ ("regardless of the value of MSIAddress"). A host that uses
 * MSIs simply leaves the wired outputs unconnected.
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

/* Attributes of an MSI write from a MemAttr (STE.MemAttr encoding) and an SH field.
 * 3.18, 6.3.23, 4.7.3: SH 0b01 is treated as 0b00; for any Device type or Normal
 * iNC-oNC (MemAttr 0b0101) the Shareability is effectively Outer Shareable. */
static smmu_mem_attr_t msi_attr(uint32_t memattr, uint32_t sh)
{
    smmu_mem_attr_t a;
    a.kind = SMMU_ACCESS_MSI;
    a.memattr = (uint8_t)(memattr & 0xFu);
    sh &= 3u;
    if (sh == 1u)
        sh = 0u;
    if ((memattr & 0xCu) == 0u || (memattr & 0xFu) == 0x5u)
        sh = 2u;
    a.sh = (uint8_t)sh;
    return a;
}

/* Send a 32-bit little-endian MSI; returns false if the write aborted. MSIs go straight to
 * the host (never through a cached direct pointer) so that they carry their own attributes. */
static bool msi_send(smmu_t *s, uint64_t addr, uint32_t data, const smmu_mem_attr_t *attr)
{
    uint8_t b[4] = {(uint8_t)data, (uint8_t)(data >> 8), (uint8_t)(data >> 16),
                    (uint8_t)(data >> 24)};
    s->stats.msis++;
    return s->ops.mem_write(s->ops.ctx, addr, b, 4, attr) == SMMU_MEM_OK;
}

static uint64_t msi_addr(uint64_t cfg0)
{
    return cfg0 & REG_MASK(GERROR_IRQ_CFG0, ADDR);
}

static void signal_source(smmu_t *s, uint64_t cfg0, uint32_t cfg1, uint32_t cfg2,
                          smmu_irq_t line, uint32_t abt_bit)
{
    /* one occurrence: the MSI (if configured), then the pulse on the wired output */
    uint64_t addr = msi_addr(cfg0);
    if (s->cfg.msi && addr) {
        smmu_mem_attr_t a = msi_attr((uint32_t)REG_GET(GERROR_IRQ_CFG2, MEMATTR, cfg2),
                                     (uint32_t)REG_GET(GERROR_IRQ_CFG2, SH, cfg2));
        if (!msi_send(s, addr, cfg1, &a))
            gerror_raise(s, abt_bit); /* 3.18: an aborted MSI sets GERROR.MSI_*_ABT_ERR */
    }
    irq_pulse(s, line);
}

void irq_signal(smmu_t *s, smmu_irq_src_t src)
{
    uint32_t ack = s->r.irq_ctrlack;
    switch (src) {
    case IRQSRC_EVENTQ:
        if (REG_GET(IRQ_CTRL, EVENTQ_IRQEN, ack))
            signal_source(s, s->r.eventq_irq_cfg0, s->r.eventq_irq_cfg1, s->r.eventq_irq_cfg2,
                          SMMU_IRQ_EVENTQ, (uint32_t)REG_MASK(GERROR, MSI_EVENTQ_ABT_ERR));
        break;
    case IRQSRC_PRIQ:
        if (REG_GET(IRQ_CTRL, PRIQ_IRQEN, ack))
            signal_source(s, s->r.priq_irq_cfg0, s->r.priq_irq_cfg1, s->r.priq_irq_cfg2,
                          SMMU_IRQ_PRIQ, (uint32_t)REG_MASK(GERROR, MSI_PRIQ_ABT_ERR));
        break;
    case IRQSRC_GERROR:
        if (REG_GET(IRQ_CTRL, GERROR_IRQEN, ack))
            signal_source(s, s->r.gerror_irq_cfg0, s->r.gerror_irq_cfg1, s->r.gerror_irq_cfg2,
                          SMMU_IRQ_GERROR, (uint32_t)REG_MASK(GERROR, MSI_GERROR_ABT_ERR));
        break;
    }
}

/* CMD_SYNC with CS == SIG_IRQ (4.7.3). msiattr carries MSIAttr in bits [3:0] and MSH in
 * bits [5:4]. The MSI is sent when MSIs are supported and MSIAddress != 0; the wired CMD_SYNC
 * output pulses in every case. */
void irq_cmd_sync(smmu_t *s, uint64_t addr, uint32_t data, uint8_t msiattr, bool use_msi)
{
    if (use_msi && s->cfg.msi && addr) {
        smmu_mem_attr_t a = msi_attr(msiattr & 0xFu, (uint32_t)(msiattr >> 4) & 3u);
        if (!msi_send(s, addr, data, &a))
            gerror_raise(s, (uint32_t)REG_MASK(GERROR, MSI_CMDQ_ABT_ERR));
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
