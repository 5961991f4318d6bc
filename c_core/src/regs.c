/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The register file: MMIO dispatch, read-only/guarded/toggle policies, CR0/CR0ACK and
 * IRQ_CTRL/IRQ_CTRLACK handshakes, GBPA, GERROR/GERRORN.
 * Arm IHI 0070 G.b chapter 6 (6.2 access rules, 6.3 register descriptions).
 *
 * Model choices (docs/decisions/0002-register-file.md):
 *  - every Update handshake (CR0, IRQ_CTRL, GBPA) completes before the write returns;
 *  - a 64-bit access to two 32-bit registers acts on both, low word first (6.2 lists this
 *    among the CONSTRAINED UNPREDICTABLE behaviours); other sizes and misaligned
 *    accesses are refused with SMMU_E_INVAL;
 *  - unimplemented offsets are RAZ/WI (6.2: undefined locations are RES0);
 *  - guarded registers ignore writes while guarded (the SMMUv3.2 behaviour, 6.2);
 *  - software-owned index bits above the wrap flag (CMDQ_PROD, *Q_CONS) are stored as
 *    written (6.3.27, 6.3.96 permit it); SMMU-owned ones read as zero there (RAZ);
 *  - CMDQ_CONS.ERR takes the written value while CMDQEN == 0 (6.3.28 permits either).
 */
#include "internal.h"
#include "stall.h"

/* Fields that exist for a register (everything else is RES0), from the .def table. */
static const struct {
    uint32_t offset;
    uint64_t mask;
} field_masks[] = {
#define SMMU_REG(n, off, w)
#define SMMU_FIELD(r, f, msb, lsb) {SMMU_OFF_##r, FMASK(SMMU_##r##_##f)},
#include "regs.def"
#undef SMMU_FIELD
#undef SMMU_REG
};

static uint64_t defined_bits(uint32_t offset)
{
    uint64_t m = 0;
    for (size_t i = 0; i < sizeof field_masks / sizeof field_masks[0]; i++)
        if (field_masks[i].offset == offset)
            m |= field_masks[i].mask;
    return m;
}

/* Implemented CR0 bits (6.3.9): fields whose feature is absent are RES0. */
static uint32_t cr0_mask(const smmu_t *s)
{
    uint64_t m = REG_MASK(CR0, SMMUEN) | REG_MASK(CR0, EVENTQEN) | REG_MASK(CR0, CMDQEN);
    if (s->cfg.pri)
        m |= REG_MASK(CR0, PRIQEN);
    if (s->cfg.ats)
        m |= REG_MASK(CR0, ATSCHK);
    if (s->cfg.vmw)
        m |= REG_MASK(CR0, VMW);
    return (uint32_t)m;
}

static uint32_t irq_ctrl_mask(const smmu_t *s)
{
    uint64_t m = REG_MASK(IRQ_CTRL, GERROR_IRQEN) | REG_MASK(IRQ_CTRL, EVENTQ_IRQEN);
    if (s->cfg.pri)
        m |= REG_MASK(IRQ_CTRL, PRIQ_IRQEN);
    return (uint32_t)m;
}

/* Address fields stop at bit 51 (bits [55:52] are RES0 before SMMUv3.4). */
#define ADDR_TOP_MASK (~(UINT64_C(0xF) << 52))

void regs_reset(smmu_t *s)
{
    smmu_regs_t *r = &s->r;
    memset(r, 0, sizeof *r);
    r->gbpa = s->cfg.gbpa_reset;
    r->cmdq.max_log2 = s->cfg.cmdqs;
    r->cmdq.entry_log2 = 4;
    r->evtq.max_log2 = s->cfg.eventqs;
    r->evtq.entry_log2 = 5;
    r->priq.max_log2 = s->cfg.priqs;
    r->priq.entry_log2 = 4;
}

/* ---------------------------------------------------------------------------------------- */
/* Guards                                                                                    */
/* ---------------------------------------------------------------------------------------- */

/* A guarded field may be written only while its enable and the enable's ACK are both 0. */
static bool cr0_off(const smmu_t *s, uint64_t field_mask)
{
    return ((s->r.cr0 | s->r.cr0ack) & field_mask) == 0;
}

static bool irq_off(const smmu_t *s, uint64_t field_mask)
{
    return ((s->r.irq_ctrl | s->r.irq_ctrlack) & field_mask) == 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Side effects                                                                              */
/* ---------------------------------------------------------------------------------------- */

/* CR0 Update (6.3.9): side effects happen, then CR0ACK reflects the new value. */
static void cr0_write(smmu_t *s, uint32_t val)
{
    uint32_t old = s->r.cr0ack;
    uint32_t nv = val & cr0_mask(s);
    s->r.cr0 = nv;
    uint32_t changed = old ^ nv;
    s->r.cr0ack = nv;
    if ((changed & REG_MASK(CR0, SMMUEN)) && !(nv & REG_MASK(CR0, SMMUEN))) {
        /* 6.3.9: SMMUEN 1->0 marks every stalled transaction for abort-termination; CR0ACK is
         * updated first, so a transaction the host re-issues from stall_done sees SMMUEN = 0 */
        stall_terminate_all(s);
    }
    if (changed & (REG_MASK(CR0, SMMUEN) | REG_MASK(CR0, ATSCHK))) {
        s->epoch++; /* the fast paths do not look at SMMUEN: drop their entries */
        smmu_invalidate_notify(s, SMMU_INVAL_ALL, 0, 0, 0);
    }
    if ((changed & REG_MASK(CR0, EVENTQEN)) && (nv & REG_MASK(CR0, EVENTQEN)))
        stall_retry_records(s); /* stall records waiting for a writable queue */
    if ((changed & REG_MASK(CR0, CMDQEN)) && (nv & REG_MASK(CR0, CMDQEN)))
        cmdq_kick(s);
}

/* GBPA (6.3.14): one write with Update = 1 applies the attributes; a write with Update = 0
 * is ignored (SMMUv3.2 rule, also QEMU's). The Update completes at once and reads as 0. */
static void gbpa_write(smmu_t *s, uint32_t val)
{
    if (!REG_GET(GBPA, UPDATE, val))
        return;
    uint32_t m = (uint32_t)(defined_bits(SMMU_OFF_GBPA) & ~REG_MASK(GBPA, UPDATE));
    s->r.gbpa = val & m;
    if (!smmu_enabled(s)) {
        s->epoch++;
        smmu_invalidate_notify(s, SMMU_INVAL_ALL, 0, 0, 0);
    }
}

/* GERRORN (6.3.20): acknowledging errors by toggling them back. */
static void gerrorn_write(smmu_t *s, uint32_t val)
{
    bool cmdq_err_was = gerror_active(s, REG_MASK(GERROR, CMDQ_ERR));
    bool evtq_abt_was = gerror_active(s, REG_MASK(GERROR, EVENTQ_ABT_ERR));
    /* Toggling an inactive error is CONSTRAINED UNPREDICTABLE (6.3.20); we store the value
     * as written, so GERRORN reads back the last write (QEMU does the same). */
    s->r.gerrorn = val & (uint32_t)defined_bits(SMMU_OFF_GERRORN);
    if (evtq_abt_was && !gerror_active(s, REG_MASK(GERROR, EVENTQ_ABT_ERR)))
        stall_retry_records(s);
    if (cmdq_err_was && !gerror_active(s, REG_MASK(GERROR, CMDQ_ERR)))
        cmdq_kick(s); /* 7.1: processing restarts at CMDQ_CONS.RD */
}

/* ---------------------------------------------------------------------------------------- */
/* 32-bit accessors                                                                          */
/* ---------------------------------------------------------------------------------------- */

static uint32_t lo32(uint64_t v)
{
    return (uint32_t)v;
}

static uint32_t hi32(uint64_t v)
{
    return (uint32_t)(v >> 32);
}

static uint64_t merge_half(uint64_t old, uint32_t half_val, bool high)
{
    return high ? ((old & 0xFFFFFFFFu) | ((uint64_t)half_val << 32))
                : ((old & ~UINT64_C(0xFFFFFFFF)) | half_val);
}

static const uint8_t cidr[4] = {0x0D, 0xF0, 0x05, 0xB1}; /* CoreSight preamble, class 0xF */

static bool read_id(const smmu_t *s, uint32_t off, uint32_t *v)
{
    if (off < 0x20) {
        uint32_t ids[8] = {s->idr[0], s->idr[1], s->idr[2], s->idr[3],
                           s->idr[4], s->idr[5], s->iidr, s->aidr};
        *v = ids[off / 4];
        return true;
    }
    if (off >= 0xFD0 && off <= 0xFEC) { /* PIDR4..7 at 0xFD0, PIDR0..3 at 0xFE0 */
        unsigned idx = off >= 0xFE0 ? (off - 0xFE0) / 4 : 4 + (off - 0xFD0) / 4;
        *v = s->cfg.pidr[idx];
        return true;
    }
    if (off >= 0xFF0 && off <= 0xFFC) {
        *v = cidr[(off - 0xFF0) / 4];
        return true;
    }
    return false;
}

/* Page-1 registers and (optionally) their Page-0 aliases (6.2). */
static smmu_queue_t *out_queue_at(smmu_t *s, uint32_t off, bool *is_prod)
{
    uint32_t o = off;
    if (o >= 0x10000)
        o -= 0x10000;
    else if (!s->cfg.page0_alias)
        return NULL;
    switch (o) {
    case 0xA8: *is_prod = true; return &s->r.evtq;
    case 0xAC: *is_prod = false; return &s->r.evtq;
    case 0xC8: *is_prod = true; return s->cfg.pri ? &s->r.priq : NULL;
    case 0xCC: *is_prod = false; return s->cfg.pri ? &s->r.priq : NULL;
    default: return NULL;
    }
}

/* Index registers written by the SMMU (CMDQ_CONS.RD, EVENTQ_PROD.WR, PRIQ_PROD.WR): bits
 * [19:QS+1] are RAZ (6.3.28, 6.3.95, 6.3.97). The flag fields above bit 19 are kept. */
static uint32_t hw_index(const smmu_queue_t *q, uint32_t v)
{
    uint32_t wrap_mask = (2u << queue_log2(q)) - 1u;
    return (v & ~(uint32_t)REG_MASK(CMDQ_CONS, RD)) | (v & wrap_mask);
}

/* *_IRQ_CFG0/1/2 are present only when IDR0.MSI == 1; otherwise they are RES0 (6.3.21 -
 * 6.3.23, 6.3.30 - 6.3.32, 6.3.34 - 6.3.36). */
static bool is_irq_cfg(uint32_t off)
{
    switch (off) {
    case SMMU_OFF_GERROR_IRQ_CFG0:
    case SMMU_OFF_GERROR_IRQ_CFG0 + 4:
    case SMMU_OFF_GERROR_IRQ_CFG1:
    case SMMU_OFF_GERROR_IRQ_CFG2:
    case SMMU_OFF_EVENTQ_IRQ_CFG0:
    case SMMU_OFF_EVENTQ_IRQ_CFG0 + 4:
    case SMMU_OFF_EVENTQ_IRQ_CFG1:
    case SMMU_OFF_EVENTQ_IRQ_CFG2:
    case SMMU_OFF_PRIQ_IRQ_CFG0:
    case SMMU_OFF_PRIQ_IRQ_CFG0 + 4:
    case SMMU_OFF_PRIQ_IRQ_CFG1:
    case SMMU_OFF_PRIQ_IRQ_CFG2:
        return true;
    default:
        return false;
    }
}

static uint32_t read32(smmu_t *s, uint32_t off)
{
    const smmu_regs_t *r = &s->r;
    uint32_t v = 0;
    if (read_id(s, off, &v))
        return v;
    bool is_prod;
    const smmu_queue_t *oq = out_queue_at(s, off, &is_prod);
    if (oq)
        return is_prod ? hw_index(oq, oq->prod) : oq->cons;
    if (!s->cfg.msi && is_irq_cfg(off))
        return 0;
    switch (off) {
    case SMMU_OFF_CR0: return r->cr0;
    case SMMU_OFF_CR0ACK: return r->cr0ack;
    case SMMU_OFF_CR1: return r->cr1;
    case SMMU_OFF_CR2: return r->cr2;
    case SMMU_OFF_STATUSR: return 0;
    case SMMU_OFF_GBPA: return r->gbpa;
    case SMMU_OFF_AGBPA: return 0;
    case SMMU_OFF_IRQ_CTRL: return r->irq_ctrl;
    case SMMU_OFF_IRQ_CTRLACK: return r->irq_ctrlack;
    case SMMU_OFF_GERROR: return r->gerror;
    case SMMU_OFF_GERRORN: return r->gerrorn;
    case SMMU_OFF_GERROR_IRQ_CFG0: return lo32(r->gerror_irq_cfg0);
    case SMMU_OFF_GERROR_IRQ_CFG0 + 4: return hi32(r->gerror_irq_cfg0);
    case SMMU_OFF_GERROR_IRQ_CFG1: return r->gerror_irq_cfg1;
    case SMMU_OFF_GERROR_IRQ_CFG2: return r->gerror_irq_cfg2;
    case SMMU_OFF_STRTAB_BASE: return lo32(r->strtab_base);
    case SMMU_OFF_STRTAB_BASE + 4: return hi32(r->strtab_base);
    case SMMU_OFF_STRTAB_BASE_CFG: return r->strtab_base_cfg;
    case SMMU_OFF_CMDQ_BASE: return lo32(r->cmdq.base);
    case SMMU_OFF_CMDQ_BASE + 4: return hi32(r->cmdq.base);
    case SMMU_OFF_CMDQ_PROD: return r->cmdq.prod;
    case SMMU_OFF_CMDQ_CONS: return hw_index(&r->cmdq, r->cmdq.cons);
    case SMMU_OFF_EVENTQ_BASE: return lo32(r->evtq.base);
    case SMMU_OFF_EVENTQ_BASE + 4: return hi32(r->evtq.base);
    case SMMU_OFF_EVENTQ_IRQ_CFG0: return lo32(r->eventq_irq_cfg0);
    case SMMU_OFF_EVENTQ_IRQ_CFG0 + 4: return hi32(r->eventq_irq_cfg0);
    case SMMU_OFF_EVENTQ_IRQ_CFG1: return r->eventq_irq_cfg1;
    case SMMU_OFF_EVENTQ_IRQ_CFG2: return r->eventq_irq_cfg2;
    default: break;
    }
    if (!s->cfg.pri)
        return 0; /* PRIQ registers are RES0 without PRI (6.3.33) */
    switch (off) {
    case SMMU_OFF_PRIQ_BASE: return lo32(r->priq.base);
    case SMMU_OFF_PRIQ_BASE + 4: return hi32(r->priq.base);
    case SMMU_OFF_PRIQ_IRQ_CFG0: return lo32(r->priq_irq_cfg0);
    case SMMU_OFF_PRIQ_IRQ_CFG0 + 4: return hi32(r->priq_irq_cfg0);
    case SMMU_OFF_PRIQ_IRQ_CFG1: return r->priq_irq_cfg1;
    case SMMU_OFF_PRIQ_IRQ_CFG2: return r->priq_irq_cfg2;
    default: return 0;
    }
}

/* Write half (or all) of a 64-bit register: new = old with one half replaced, masked. */
static void write_half64(uint64_t *reg, uint32_t off, uint32_t reg_off, uint32_t val, uint64_t mask)
{
    *reg = merge_half(*reg, val, off != reg_off) & mask;
}

static void write_queue_base(smmu_t *s, smmu_queue_t *q, uint32_t off, uint32_t reg_off,
                             uint32_t val, uint64_t enable_mask, uint64_t mask)
{
    if (cr0_off(s, enable_mask))
        write_half64(&q->base, off, reg_off, val, mask & ADDR_TOP_MASK);
}

/* Output-queue index registers on Page 1 (6.3.95 - 6.3.98). */
static void write_out_queue(smmu_t *s, smmu_queue_t *q, bool is_prod, uint32_t val)
{
    bool evt = q == &s->r.evtq;
    uint64_t en = evt ? REG_MASK(CR0, EVENTQEN) : REG_MASK(CR0, PRIQEN);
    if (is_prod) {
        /* PROD is the SMMU's: writable only while the queue is disabled */
        if (cr0_off(s, en))
            q->prod = val & (uint32_t)(REG_MASK(EVENTQ_PROD, WR) | REG_MASK(EVENTQ_PROD, OVFLG));
        return;
    }
    q->cons = val & (uint32_t)(REG_MASK(EVENTQ_CONS, RD) | REG_MASK(EVENTQ_CONS, OVACKFLG));
    if (evt)
        stall_retry_records(s); /* space may have been freed for waiting stall records */
}

static void write32(smmu_t *s, uint32_t off, uint32_t val)
{
    smmu_regs_t *r = &s->r;
    bool is_prod;
    smmu_queue_t *oq = out_queue_at(s, off, &is_prod);
    if (oq) {
        write_out_queue(s, oq, is_prod, val);
        return;
    }
    if (!s->cfg.msi && is_irq_cfg(off))
        return;
    const uint64_t cfg0_mask = REG_MASK(GERROR_IRQ_CFG0, ADDR) & ADDR_TOP_MASK;
    switch (off) {
    case SMMU_OFF_CR0: cr0_write(s, val); return;
    case SMMU_OFF_CR1: {
        /* TABLE_* guarded by SMMUEN, QUEUE_* by every queue enable (6.3.11) */
        uint32_t tmask = (uint32_t)(REG_MASK(CR1, TABLE_SH) | REG_MASK(CR1, TABLE_OC) |
                                    REG_MASK(CR1, TABLE_IC));
        uint32_t qmask = (uint32_t)(REG_MASK(CR1, QUEUE_SH) | REG_MASK(CR1, QUEUE_OC) |
                                    REG_MASK(CR1, QUEUE_IC));
        if (cr0_off(s, REG_MASK(CR0, SMMUEN)))
            r->cr1 = (r->cr1 & ~tmask) | (val & tmask);
        if (cr0_off(s, REG_MASK(CR0, CMDQEN) | REG_MASK(CR0, EVENTQEN) | REG_MASK(CR0, PRIQEN)))
            r->cr1 = (r->cr1 & ~qmask) | (val & qmask);
        return;
    }
    case SMMU_OFF_CR2: {
        /* RW only while SMMUEN == 0 and its ACK == 0 (6.3.12) */
        uint64_t m = REG_MASK(CR2, RECINVSID);
        if (s->cfg.hyp)
            m |= REG_MASK(CR2, E2H);
        if (s->cfg.btm)
            m |= REG_MASK(CR2, PTM);
        if (cr0_off(s, REG_MASK(CR0, SMMUEN)))
            r->cr2 = val & (uint32_t)m;
        return;
    }
    case SMMU_OFF_GBPA: gbpa_write(s, val); return;
    case SMMU_OFF_IRQ_CTRL:
        r->irq_ctrl = val & irq_ctrl_mask(s);
        r->irq_ctrlack = r->irq_ctrl; /* 6.3.16: Update completes at once */
        return;
    case SMMU_OFF_GERRORN: gerrorn_write(s, val); return;
    case SMMU_OFF_GERROR_IRQ_CFG0:
    case SMMU_OFF_GERROR_IRQ_CFG0 + 4:
        if (irq_off(s, REG_MASK(IRQ_CTRL, GERROR_IRQEN)))
            write_half64(&r->gerror_irq_cfg0, off, SMMU_OFF_GERROR_IRQ_CFG0, val, cfg0_mask);
        return;
    case SMMU_OFF_GERROR_IRQ_CFG1:
        if (irq_off(s, REG_MASK(IRQ_CTRL, GERROR_IRQEN)))
            r->gerror_irq_cfg1 = val;
        return;
    case SMMU_OFF_GERROR_IRQ_CFG2:
        if (irq_off(s, REG_MASK(IRQ_CTRL, GERROR_IRQEN)))
            r->gerror_irq_cfg2 = val & (uint32_t)defined_bits(SMMU_OFF_GERROR_IRQ_CFG2);
        return;
    case SMMU_OFF_STRTAB_BASE:
    case SMMU_OFF_STRTAB_BASE + 4:
        if (cr0_off(s, REG_MASK(CR0, SMMUEN)))
            write_half64(&r->strtab_base, off, SMMU_OFF_STRTAB_BASE, val,
                         defined_bits(SMMU_OFF_STRTAB_BASE) & ADDR_TOP_MASK);
        return;
    case SMMU_OFF_STRTAB_BASE_CFG:
        if (cr0_off(s, REG_MASK(CR0, SMMUEN))) {
            uint64_t m = defined_bits(SMMU_OFF_STRTAB_BASE_CFG);
            if (!s->cfg.st_2level)
                m &= ~REG_MASK(STRTAB_BASE_CFG, FMT); /* RES0 when ST_LEVEL == 00 */
            r->strtab_base_cfg = val & (uint32_t)m;
        }
        return;
    case SMMU_OFF_CMDQ_BASE:
    case SMMU_OFF_CMDQ_BASE + 4:
        write_queue_base(s, &r->cmdq, off, SMMU_OFF_CMDQ_BASE, val, REG_MASK(CR0, CMDQEN),
                         defined_bits(SMMU_OFF_CMDQ_BASE));
        return;
    case SMMU_OFF_CMDQ_PROD:
        r->cmdq.prod = val & (uint32_t)REG_MASK(CMDQ_PROD, WR);
        cmdq_kick(s);
        return;
    case SMMU_OFF_CMDQ_CONS:
        if (cr0_off(s, REG_MASK(CR0, CMDQEN)))
            r->cmdq.cons = val & (uint32_t)defined_bits(SMMU_OFF_CMDQ_CONS);
        return;
    case SMMU_OFF_EVENTQ_BASE:
    case SMMU_OFF_EVENTQ_BASE + 4:
        write_queue_base(s, &r->evtq, off, SMMU_OFF_EVENTQ_BASE, val, REG_MASK(CR0, EVENTQEN),
                         defined_bits(SMMU_OFF_EVENTQ_BASE));
        return;
    case SMMU_OFF_EVENTQ_IRQ_CFG0:
    case SMMU_OFF_EVENTQ_IRQ_CFG0 + 4:
        if (irq_off(s, REG_MASK(IRQ_CTRL, EVENTQ_IRQEN)))
            write_half64(&r->eventq_irq_cfg0, off, SMMU_OFF_EVENTQ_IRQ_CFG0, val, cfg0_mask);
        return;
    case SMMU_OFF_EVENTQ_IRQ_CFG1:
        if (irq_off(s, REG_MASK(IRQ_CTRL, EVENTQ_IRQEN)))
            r->eventq_irq_cfg1 = val;
        return;
    case SMMU_OFF_EVENTQ_IRQ_CFG2:
        if (irq_off(s, REG_MASK(IRQ_CTRL, EVENTQ_IRQEN)))
            r->eventq_irq_cfg2 = val & (uint32_t)defined_bits(SMMU_OFF_EVENTQ_IRQ_CFG2);
        return;
    default: break;
    }
    if (!s->cfg.pri)
        return;
    switch (off) {
    case SMMU_OFF_PRIQ_BASE:
    case SMMU_OFF_PRIQ_BASE + 4:
        write_queue_base(s, &r->priq, off, SMMU_OFF_PRIQ_BASE, val, REG_MASK(CR0, PRIQEN),
                         defined_bits(SMMU_OFF_PRIQ_BASE));
        return;
    case SMMU_OFF_PRIQ_IRQ_CFG0:
    case SMMU_OFF_PRIQ_IRQ_CFG0 + 4:
        if (irq_off(s, REG_MASK(IRQ_CTRL, PRIQ_IRQEN)))
            write_half64(&r->priq_irq_cfg0, off, SMMU_OFF_PRIQ_IRQ_CFG0, val, cfg0_mask);
        return;
    case SMMU_OFF_PRIQ_IRQ_CFG1:
        if (irq_off(s, REG_MASK(IRQ_CTRL, PRIQ_IRQEN)))
            r->priq_irq_cfg1 = val;
        return;
    case SMMU_OFF_PRIQ_IRQ_CFG2:
        if (irq_off(s, REG_MASK(IRQ_CTRL, PRIQ_IRQEN)))
            r->priq_irq_cfg2 = val & (uint32_t)defined_bits(SMMU_OFF_PRIQ_IRQ_CFG2);
        return;
    default: return; /* read-only or unimplemented: write ignored */
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Public MMIO entry points                                                                  */
/* ---------------------------------------------------------------------------------------- */

static bool access_ok(uint64_t offset, unsigned size)
{
    /* size is a power of two here: a mask, not a division, tests the alignment */
    return (size == 4 || size == 8) && (offset & (size - 1u)) == 0 && offset < 0x20000;
}

smmu_status_t smmu_mmio_read(smmu_t *smmu, uint64_t offset, unsigned size, uint64_t *val)
{
    if (!smmu || !val)
        return SMMU_E_INVAL;
    *val = 0;
    if (!access_ok(offset, size))
        return SMMU_E_INVAL;
    uint32_t off = (uint32_t)offset;
    uint64_t v = read32(smmu, off);
    if (size == 8)
        v |= (uint64_t)read32(smmu, off + 4) << 32;
    *val = v;
    return SMMU_OK;
}

smmu_status_t smmu_mmio_write(smmu_t *smmu, uint64_t offset, unsigned size, uint64_t val)
{
    if (!smmu || !access_ok(offset, size))
        return SMMU_E_INVAL;
    uint32_t off = (uint32_t)offset;
    write32(smmu, off, (uint32_t)val);
    if (size == 8)
        write32(smmu, off + 4, (uint32_t)(val >> 32));
    return SMMU_OK;
}
