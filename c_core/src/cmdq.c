/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Command queue: consumption, decoding, validity checks and execution.
 * Arm IHI 0070 G.b chapter 4 (commands), 4.1.5 (RES0 fields), 7.1 (command errors),
 * 3.5 (queues).
 *
 * What each invalidation removes follows 4.3 / 4.4 (summarised in the reference's 6.4);
 * the cache modules only match entries against the descriptors built here.
 */
#include "ats.h"
#include "cache.h"
#include "internal.h"
#include "priq.h"
#include "stall.h"

enum { CERROR_NONE = 0, CERROR_ILL = 1, CERROR_ABT = 2, CERROR_ATC_INV_SYNC = 3 };
enum { CMD_WAIT = 0x100 }; /* CMD_SYNC must wait: not an error, the command is not consumed */

#define CMD_GET(F, cmd) RGET(CMDF_##F, cmd)

/* ---------------------------------------------------------------------------------------- */
/* Invalidation plumbing                                                                     */
/* ---------------------------------------------------------------------------------------- */

static void tlbs_invalidate(smmu_t *s, const tlb_inv_t *inv)
{
    tlb_invalidate(s->iotlb, inv, &s->stats.iotlb);
    for (unsigned i = 0; i < s->cfg.num_ports; i++)
        tlb_invalidate(s->utlb[i], inv, &s->stats.utlb);
}

/* Micro-TLB entries are tagged by StreamID: a configuration change for a stream must drop
 * them, or they would outlive the STE/CD that produced them. */
static void utlb_drop_sids(smmu_t *s, uint32_t lo, uint32_t hi)
{
    tlb_inv_t inv;
    memset(&inv, 0, sizeof inv);
    inv.kinds = ~0u;
    inv.regimes = ~0u;
    inv.by_sid = true;
    inv.sid_lo = lo;
    inv.sid_hi = hi;
    for (unsigned i = 0; i < s->cfg.num_ports; i++)
        tlb_invalidate(s->utlb[i], &inv, &s->stats.utlb);
}

/* VMID bits ignored by TLBI, from CR0.VMW (6.3.9): 001..100 ignore VMID[0]..VMID[3:0]. */
static uint16_t vmid_wild(const smmu_t *s)
{
    unsigned vmw = (unsigned)REG_GET(CR0ACK, VMW, s->r.cr0ack);
    if (!s->cfg.vmw || vmw == 0 || vmw > 4)
        return 0;
    return (uint16_t)((1u << vmw) - 1u);
}

static uint16_t cmd_vmid(const smmu_t *s, const uint64_t *cmd)
{
    uint16_t v = (uint16_t)CMD_GET(VMID, cmd);
    return s->cfg.vmid16 ? v : (uint16_t)(v & 0xFF);
}

static uint16_t cmd_asid(const smmu_t *s, const uint64_t *cmd)
{
    uint16_t a = (uint16_t)CMD_GET(ASID, cmd);
    return s->cfg.asid16 ? a : (uint16_t)(a & 0xFF);
}

/* Address span of a TLBI (4.4.1.1). Returns CERROR_ILL for the reserved encoding. */
static int tlbi_range(const smmu_t *s, const uint64_t *cmd, bool ipa, uint64_t *lo, uint64_t *hi,
                      uint8_t *tg_shift, uint8_t *ttl)
{
    uint64_t addr = ipa ? (CMD_GET(IPA, cmd) << 12) : (CMD_GET(ADDR, cmd) << 12);
    if (!ipa && (addr >> 55) & 1u)
        addr |= UINT64_C(0xFF) << 56; /* VA: bits [63:56] follow bit 55 (TBI-canonical) */
    else if (!ipa)
        addr &= ~(UINT64_C(0xFF) << 56);
    unsigned tg = s->cfg.ril ? (unsigned)CMD_GET(TG, cmd) : 0;
    *tg_shift = 0;
    *ttl = 0;
    if (tg == 0) {
        *lo = addr;
        *hi = addr + 0xFFF;
        return CERROR_NONE;
    }
    unsigned num = (unsigned)CMD_GET(NUM, cmd);
    unsigned scale = (unsigned)CMD_GET(SCALE, cmd);
    unsigned t = (unsigned)CMD_GET(TTL, cmd);
    if (!s->cfg.ds)
        scale &= 0x1F; /* SCALE[5] is RES0 without DS */
    else if (scale > 39)
        scale = 39;
    /* 4.4.1.1: with 16K and DS == 0, TTL == 0b01 is reserved and treated as 0b00 ("any
     * level"); it is folded first because the reserved-combination check below applies to
     * the treated value: "a TLBI configured with TG == 0b10 and TTL == 0b01, raises a
     * CERROR_ILL, since TTL is treated as 0b00" (NUM == SCALE == 0). */
    if (tg == 2 && t == 1 && !s->cfg.ds)
        t = 0;
    if (num == 0 && scale == 0 && t == 0)
        return CERROR_ILL; /* 4.4.1.1: reserved combination */
    unsigned g = 12 + 2 * (tg - 1); /* 01: 4K, 10: 16K, 11: 64K */
    *tg_shift = (uint8_t)g;
    *ttl = (uint8_t)t;
    uint64_t span = (uint64_t)(num + 1) << (scale + g);
    *lo = addr;
    *hi = addr + span - 1 < addr ? UINT64_MAX : addr + span - 1;
    return CERROR_NONE;
}

/* ---------------------------------------------------------------------------------------- */
/* Commands                                                                                  */
/* ---------------------------------------------------------------------------------------- */

static int cmd_cfgi(smmu_t *s, const uint64_t *cmd, unsigned op)
{
    uint32_t sid = (uint32_t)CMD_GET(STREAMID, cmd);
    switch (op) {
    case CMD_CFGI_STE:
        cfgc_inv_ste(s, sid, sid);
        utlb_drop_sids(s, sid, sid);
        smmu_invalidate_notify(s, SMMU_INVAL_STREAM, sid, 0, 0);
        return CERROR_NONE;
    case CMD_CFGI_STE_RANGE: {
        unsigned range = (unsigned)CMD_GET(RANGE, cmd);
        uint32_t lo = 0, hi = UINT32_MAX;
        if (range != 31) { /* Range == 31 is CMD_CFGI_ALL (4.3.6) */
            uint32_t n = (uint32_t)1 << (range + 1);
            lo = sid & ~(n - 1u);
            hi = lo + (n - 1u);
        }
        cfgc_inv_ste(s, lo, hi);
        utlb_drop_sids(s, lo, hi);
        smmu_invalidate_notify(s, SMMU_INVAL_ALL, 0, 0, 0);
        return CERROR_NONE;
    }
    case CMD_CFGI_CD:
    case CMD_CFGI_CD_ALL:
        if (!s->cfg.s1p)
            return CERROR_ILL; /* 4.3.3, 4.3.4: no stage 1 */
        cfgc_inv_cd(s, sid, (uint32_t)CMD_GET(SUBSTREAMID, cmd), op == CMD_CFGI_CD_ALL);
        utlb_drop_sids(s, sid, sid);
        smmu_invalidate_notify(s, SMMU_INVAL_STREAM, sid, 0, 0);
        return CERROR_NONE;
    default:
        return CERROR_ILL;
    }
}

/* Stage-1 TLBIs by VMID/ASID/VA for the NS-EL1 regime (4.4.2). */
static int cmd_tlbi_nh(smmu_t *s, const uint64_t *cmd, unsigned op)
{
    if (!s->cfg.s1p)
        return CERROR_ILL;
    tlb_inv_t inv;
    walk_inv_t w;
    memset(&inv, 0, sizeof inv);
    memset(&w, 0, sizeof w);
    inv.kinds = (1u << KIND_S1) | (1u << KIND_NESTED);
    inv.regimes = w.regimes = 1u << REGIME_NS_EL1;
    /* 4.4: the VMID is only matched when stage 2 is implemented */
    inv.match_vmid = w.match_ctx_vmid = s->cfg.s2p;
    inv.vmid = w.vmid = cmd_vmid(s, cmd);
    inv.vmid_wild = w.vmid_wild = vmid_wild(s);
    w.s1 = true;
    bool leaf = CMD_GET(LEAF, cmd) != 0;
    switch (op) {
    case CMD_TLBI_NH_ALL: break;
    case CMD_TLBI_NH_ASID:
        inv.match_asid = w.match_asid = true;
        inv.asid = w.asid = cmd_asid(s, cmd);
        inv.keep_global = true;
        break;
    case CMD_TLBI_NH_VA:
    case CMD_TLBI_NH_VAA: {
        if (op == CMD_TLBI_NH_VA) {
            inv.match_asid = w.match_asid = true;
            inv.asid = w.asid = cmd_asid(s, cmd);
        }
        int e = tlbi_range(s, cmd, false, &inv.lo, &inv.hi, &inv.tg_shift, &inv.ttl);
        if (e)
            return e;
        inv.by_addr = w.by_addr = true;
        w.lo = inv.lo;
        w.hi = inv.hi;
        w.leaf_only = leaf;
        break;
    }
    default: return CERROR_ILL;
    }
    tlbs_invalidate(s, &inv);
    walkc_invalidate(s, &w);
    if (inv.by_addr)
        smmu_invalidate_notify(s, SMMU_INVAL_RANGE, 0, inv.lo, inv.hi - inv.lo + 1);
    else
        smmu_invalidate_notify(s, SMMU_INVAL_ALL, 0, 0, 0);
    return CERROR_NONE;
}

/* EL2 and EL2-E2H StreamWorld TLBIs (4.4.3). */
static int cmd_tlbi_el2(smmu_t *s, const uint64_t *cmd, unsigned op)
{
    if (!s->cfg.hyp)
        return CERROR_ILL;
    bool e2h = REG_GET(CR2, E2H, s->r.cr2) != 0;
    tlb_inv_t inv;
    walk_inv_t w;
    memset(&inv, 0, sizeof inv);
    memset(&w, 0, sizeof w);
    inv.kinds = 1u << KIND_S1;
    inv.regimes = w.regimes = (1u << REGIME_NS_EL2) | (1u << REGIME_NS_EL2_E2H);
    w.s1 = true;
    switch (op) {
    case CMD_TLBI_EL2_ALL: break;
    case CMD_TLBI_EL2_ASID:
        inv.regimes = w.regimes = 1u << REGIME_NS_EL2_E2H;
        inv.match_asid = w.match_asid = true;
        inv.asid = w.asid = cmd_asid(s, cmd);
        inv.keep_global = true;
        break;
    case CMD_TLBI_EL2_VA:
    case CMD_TLBI_EL2_VAA: {
        if (op == CMD_TLBI_EL2_VA) {
            inv.regimes = w.regimes = 1u << (e2h ? REGIME_NS_EL2_E2H : REGIME_NS_EL2);
            if (e2h) {
                inv.match_asid = w.match_asid = true;
                inv.asid = w.asid = cmd_asid(s, cmd);
            }
        }
        int e = tlbi_range(s, cmd, false, &inv.lo, &inv.hi, &inv.tg_shift, &inv.ttl);
        if (e)
            return e;
        inv.by_addr = w.by_addr = true;
        w.lo = inv.lo;
        w.hi = inv.hi;
        w.leaf_only = CMD_GET(LEAF, cmd) != 0;
        break;
    }
    default: return CERROR_ILL;
    }
    tlbs_invalidate(s, &inv);
    walkc_invalidate(s, &w);
    smmu_invalidate_notify(s, SMMU_INVAL_ALL, 0, 0, 0);
    return CERROR_NONE;
}

/* Stage-2 and all-stage TLBIs (4.4.4, 4.4.5). */
static int cmd_tlbi_s2(smmu_t *s, const uint64_t *cmd, unsigned op)
{
    if (op != CMD_TLBI_NSNH_ALL && !s->cfg.s2p)
        return CERROR_ILL;
    tlb_inv_t inv;
    walk_inv_t w;
    memset(&inv, 0, sizeof inv);
    memset(&w, 0, sizeof w);
    inv.regimes = w.regimes = 1u << REGIME_NS_EL1;
    inv.kinds = ~0u;
    w.s1 = w.s2 = true;
    switch (op) {
    case CMD_TLBI_NSNH_ALL: break;
    case CMD_TLBI_S12_VMALL:
        inv.match_vmid = w.match_ctx_vmid = true;
        inv.vmid = w.vmid = cmd_vmid(s, cmd);
        inv.vmid_wild = w.vmid_wild = vmid_wild(s);
        break;
    case CMD_TLBI_S2_IPA: {
        /* 4.4.4: stage-2-only entries by IPA; combined S1+S2 entries need not be touched */
        inv.kinds = 1u << KIND_S2;
        inv.match_vmid = w.match_ctx_vmid = true;
        inv.vmid = w.vmid = cmd_vmid(s, cmd);
        inv.vmid_wild = w.vmid_wild = vmid_wild(s);
        int e = tlbi_range(s, cmd, true, &inv.lo, &inv.hi, &inv.tg_shift, &inv.ttl);
        if (e)
            return e;
        inv.by_addr = w.by_addr = true;
        w.lo = inv.lo;
        w.hi = inv.hi;
        w.s1 = false;
        w.leaf_only = CMD_GET(LEAF, cmd) != 0;
        break;
    }
    default: return CERROR_ILL;
    }
    tlbs_invalidate(s, &inv);
    walkc_invalidate(s, &w);
    smmu_invalidate_notify(s, SMMU_INVAL_ALL, 0, 0, 0);
    return CERROR_NONE;
}

/* Completion signal of a CMD_SYNC, sent once the command has been consumed. */
typedef struct sync_signal {
    unsigned cs;      /* 0 none, 1 SIG_IRQ, 2 SIG_SEV */
    uint64_t addr;    /* MSIAddress */
    uint32_t data;    /* MSIData */
    uint8_t attr;     /* MSIAttr [3:0], MSH [5:4] */
} sync_signal_t;

/* CMD_SYNC (4.7.3). The completion signal is only prepared here: 4.7.3 requires the
 * consumption of the CMD_SYNC to be observable no later than its interrupt or event (also
 * 3.18), so cmdq_consume() sends it after advancing CMDQ_CONS. */
static int cmd_sync(smmu_t *s, const uint64_t *cmd, sync_signal_t *sig)
{
    unsigned cs = (unsigned)CMD_GET(CS, cmd);
    if (cs == 3)
        return CERROR_ILL;
    if (s->atc_timeout) {
        /* 4.7.3: an earlier CMD_ATC_INV could not complete: CONS stays on this SYNC and no
         * completion signal is sent */
        s->atc_timeout = false;
        return CERROR_ATC_INV_SYNC;
    }
    if (s->atc_pending)
        return CMD_WAIT;
    if (cs == 1) {
        /* SIG_IRQ: MSIAddress[55:2] (zero means no MSI), MSIData, MSIAttr and MSH */
        sig->cs = 1;
        sig->addr = CMD_GET(MSIADDR, cmd) << 2;
        sig->data = (uint32_t)CMD_GET(MSIDATA, cmd);
        sig->attr = (uint8_t)(CMD_GET(MSIATTR, cmd) | (CMD_GET(MSH, cmd) << 4));
    } else if (cs == 2 && s->cfg.sev) {
        /* SIG_SEV sends an event only when IDR0.SEV == 1, else it is SIG_NONE */
        sig->cs = 2;
    }
    return CERROR_NONE;
}

static void sync_signal_send(smmu_t *s, const sync_signal_t *sig)
{
    if (sig->cs == 1)
        irq_cmd_sync(s, sig->addr, sig->data, sig->attr, true);
    else if (sig->cs == 2)
        irq_pulse(s, SMMU_IRQ_SEV);
}

/* Commands carrying SSec (4.1.6): SSec == 1 on the Non-secure queue is CERROR_ILL. */
static bool has_ssec(unsigned op)
{
    switch (op) {
    case CMD_PREFETCH_CONFIG:
    case CMD_PREFETCH_ADDR:
    case CMD_CFGI_STE:
    case CMD_CFGI_STE_RANGE:
    case CMD_CFGI_CD:
    case CMD_CFGI_CD_ALL:
    case CMD_CFGI_VMS_PIDM:
    case CMD_RESUME:
    case CMD_STALL_TERM:
        return true;
    default:
        return false;
    }
}

/* ---------------------------------------------------------------------------------------- */
/* RES0 fields (4.1.5)                                                                       */
/* ---------------------------------------------------------------------------------------- */

/* Every field of cmd.def, as an identifier */
enum cmd_field_id {
#define CMD_OP(n, op)
#define CMD_FIELD(f, msb, lsb) CMDF_ID_##f,
#define CMD_USES(n, f)
#include "cmd.def"
#undef CMD_OP
#undef CMD_FIELD
#undef CMD_USES
    CMDF_ID_COUNT
};
_Static_assert(CMDF_ID_COUNT <= 256, "cmd_use_t.field is a uint8_t");

/* The CMD_USES rows: which fields each opcode defines */
typedef struct cmd_use {
    uint8_t op, field, lsb, width;
} cmd_use_t;

static const cmd_use_t cmd_uses[] = {
#define CMD_OP(n, op)
#define CMD_FIELD(f, msb, lsb)
#define CMD_USES(n, f) {CMD_##n, CMDF_ID_##f, CMDF_##f##_LSB, CMDF_##f##_WIDTH},
#include "cmd.def"
#undef CMD_OP
#undef CMD_FIELD
#undef CMD_USES
};

#define CMD_BITS(m, F) rec_set((m), CMDF_##F##_LSB, CMDF_##F##_WIDTH, ~UINT64_C(0))

/* The bits of a field that the spec makes RES0 in this implementation (set in m[2]).
 * Only conditions on the implementation count; a field that is RES0 or IGNORED depending on
 * another field of the same command (NUM/SCALE/TTL with TG == 0, TTL128 with TTL == 0,
 * SubstreamID with SSV == 0, Global with SSV == 0, the MSI fields unless CS == SIG_IRQ) is
 * defined for the check, as is a field that is merely out of range (4.1.7). */
static void cmd_res0_part(const smmu_t *s, const cmd_use_t *u, uint64_t m[2])
{
    const smmu_config_t *c = &s->cfg;
    bool whole = false;
    switch (u->field) {
    case CMDF_ID_NUM:
    case CMDF_ID_TG:
    case CMDF_ID_TTL:
    case CMDF_ID_TTL128:
        /* 4.4.1.1: NUM, SCALE, TG and TTL are RES0 when IDR3.RIL == 0; TTL128 is RES0 with
         * TG == 0, which is then the only value TG can have */
        whole = !c->ril;
        break;
    case CMDF_ID_SCALE:
        whole = !c->ril;
        if (!c->ds)
            CMD_BITS(m, SCALE_HI); /* 4.4.1.1: "If SMMU_IDR5.DS == 0 ... Bit 25 is RES0" */
        break;
    case CMDF_ID_VMID:
        /* 4.4.2: without stage 2 the VMID of CMD_TLBI_NH_* is RES0 */
        whole = !c->s2p && (u->op == CMD_TLBI_NH_ALL || u->op == CMD_TLBI_NH_ASID ||
                            u->op == CMD_TLBI_NH_VA || u->op == CMD_TLBI_NH_VAA);
        if (!c->vmid16)
            CMD_BITS(m, VMID_HI); /* 4.4: upper 8 bits RES0 with 8-bit VMIDs */
        break;
    case CMDF_ID_ASID:
        if (!c->asid16)
            CMD_BITS(m, ASID_HI); /* 4.4: upper 8 bits RES0 with 8-bit ASIDs */
        break;
    case CMDF_ID_IPA:
    case CMDF_ID_MSIADDR:
        /* 4.1.6: bits [55:52] of physical and IPA address fields are RES0 in SMMUv3.1 to
         * v3.3, bits [55:48] in SMMUv3.0 (the model implements v3.0 - v3.2) */
        CMD_BITS(m, PA_55_52);
        if (c->arch_minor == 0)
            CMD_BITS(m, PA_51_48);
        break;
    default: break;
    }
    if (whole)
        rec_set(m, u->lsb, u->width, ~UINT64_C(0));
}

void cmdq_init(smmu_t *s)
{
    /* The opcode itself is defined for every command; reserved and unsupported opcodes are
     * CERROR_ILL through cmd_exec()'s dispatch whatever their other bits are. */
    for (unsigned op = 0; op < 256; op++) {
        s->cmd_defined[op][0] = 0;
        s->cmd_defined[op][1] = 0;
        CMD_BITS(s->cmd_defined[op], OPCODE);
    }
    for (size_t i = 0; i < sizeof cmd_uses / sizeof cmd_uses[0]; i++) {
        const cmd_use_t *u = &cmd_uses[i];
        uint64_t f[2] = {0, 0}, res0[2] = {0, 0};
        rec_set(f, u->lsb, u->width, ~UINT64_C(0));
        cmd_res0_part(s, u, res0);
        s->cmd_defined[u->op][0] |= f[0] & ~res0[0];
        s->cmd_defined[u->op][1] |= f[1] & ~res0[1];
    }
}

/* 4.1.3, 4.1.5: with cmd_res0_check, a nonzero RES0 bit makes the command malformed */
static bool cmd_res0_set(smmu_t *s, const uint64_t *cmd, unsigned op)
{
    uint64_t r0 = cmd[0] & ~s->cmd_defined[op][0];
    uint64_t r1 = cmd[1] & ~s->cmd_defined[op][1];
    if (!(r0 | r1))
        return false;
    smmu_logf(s, SMMU_LOG_GUEST_ERROR,
              "command 0x%02x: nonzero RES0 bits, dw1 0x%016llx dw0 0x%016llx (4.1.5)", op,
              (unsigned long long)r1, (unsigned long long)r0);
    return true;
}

static int cmd_exec(smmu_t *s, const uint64_t *cmd, sync_signal_t *sig)
{
    unsigned op = (unsigned)CMD_GET(OPCODE, cmd);
    if (s->cfg.cmd_res0_check && cmd_res0_set(s, cmd, op))
        return CERROR_ILL;
    if (has_ssec(op) && CMD_GET(SSEC, cmd))
        return CERROR_ILL;
    switch (op) {
    case CMD_PREFETCH_CONFIG:
    case CMD_PREFETCH_ADDR:
        return CERROR_NONE; /* 4.2: hints; an implementation may prefetch nothing */
    case CMD_CFGI_STE:
    case CMD_CFGI_STE_RANGE:
    case CMD_CFGI_CD:
    case CMD_CFGI_CD_ALL:
        return cmd_cfgi(s, cmd, op);
    case CMD_TLBI_NH_ALL:
    case CMD_TLBI_NH_ASID:
    case CMD_TLBI_NH_VA:
    case CMD_TLBI_NH_VAA:
        return cmd_tlbi_nh(s, cmd, op);
    case CMD_TLBI_EL2_ALL:
    case CMD_TLBI_EL2_ASID:
    case CMD_TLBI_EL2_VA:
    case CMD_TLBI_EL2_VAA:
        return cmd_tlbi_el2(s, cmd, op);
    case CMD_TLBI_S12_VMALL:
    case CMD_TLBI_S2_IPA:
    case CMD_TLBI_NSNH_ALL:
        return cmd_tlbi_s2(s, cmd, op);
    case CMD_ATC_INV: {
        /* 4.5.1: "The Global parameter is IGNORED when SSV == 0" */
        uint64_t c[2] = {cmd[0], cmd[1]};
        if (!CMD_GET(SSV, c))
            RSET(CMDF_GLOBAL, c, 0);
        return ats_cmd_atc_inv(s, c) ? CERROR_NONE : CERROR_ILL;
    }
    case CMD_PRI_RESP:
        return priq_cmd_resp(s, cmd) ? CERROR_NONE : CERROR_ILL;
    case CMD_RESUME:
    case CMD_STALL_TERM:
        if (s->cfg.stall_model == 1)
            return CERROR_ILL; /* 4.7.1, 4.7.2: not available with terminate-only */
        if (op == CMD_RESUME)
            stall_resume(s, (uint32_t)CMD_GET(STREAMID, cmd), (uint16_t)CMD_GET(STAG, cmd),
                         CMD_GET(AC, cmd) != 0, CMD_GET(AB, cmd) != 0);
        else
            stall_term(s, (uint32_t)CMD_GET(STREAMID, cmd));
        return CERROR_NONE;
    case CMD_SYNC:
        return cmd_sync(s, cmd, sig);
    default:
        /* CFGI_VMS_PIDM (no MPAM), EL3 and Secure TLBIs on the NS queue, DPTI (no DPT),
         * IMPLEMENTATION DEFINED and reserved opcodes (4.1.1, 4.1.3) */
        return CERROR_ILL;
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Consumption                                                                               */
/* ---------------------------------------------------------------------------------------- */

static bool cmdq_can_run(const smmu_t *s)
{
    /* 4.1: fetch only when enabled, non-empty and no command error is active */
    return REG_GET(CR0ACK, CMDQEN, s->r.cr0ack) && !queue_empty(&s->r.cmdq) &&
           !gerror_active(s, (uint32_t)REG_MASK(GERROR, CMDQ_ERR)) && !s->cmdq_sync_wait;
}

static void cmdq_error(smmu_t *s, int err)
{
    /* 7.1: CONS.ERR is written before GERROR.CMDQ_ERR becomes visible; RD stays */
    s->r.cmdq.cons = (uint32_t)REG_SET(CMDQ_CONS, ERR, s->r.cmdq.cons, (unsigned)err);
    s->stats.cmd_errors++;
    gerror_raise(s, (uint32_t)REG_MASK(GERROR, CMDQ_ERR));
}

unsigned cmdq_consume(smmu_t *s, unsigned max)
{
    unsigned n = 0;
    while ((max == 0 || n < max) && cmdq_can_run(s)) {
        smmu_queue_t *q = &s->r.cmdq;
        uint64_t cmd[2];
        if (mem_read_dwords(s, queue_addr(q, q->cons), cmd, 2, SMMU_ACCESS_CMDQ) != SMMU_MEM_OK) {
            cmdq_error(s, CERROR_ABT);
            break;
        }
        sync_signal_t sig;
        memset(&sig, 0, sizeof sig);
        int err = cmd_exec(s, cmd, &sig);
        if (err == CMD_WAIT) {
            s->cmdq_sync_wait = true;
            break;
        }
        if (err != CERROR_NONE) {
            smmu_logf(s, SMMU_LOG_GUEST_ERROR, "command 0x%02x at CONS 0x%x: CERROR %d",
                      (unsigned)CMD_GET(OPCODE, cmd), q->cons, err);
            cmdq_error(s, err);
            break;
        }
        bool was_full = queue_full(q);
        q->cons = queue_inc(q, q->cons);
        /* 4.1.2: with IDR0.SEV == 1 a WFE wake-up event is sent when the queue becomes
         * non-full after software could have observed it full */
        if (was_full && s->cfg.sev)
            irq_pulse(s, SMMU_IRQ_SEV);
        s->stats.commands++;
        s->stats.commands_by_op[CMD_GET(OPCODE, cmd)]++;
        n++;
        sync_signal_send(s, &sig);
    }
    return n;
}

void cmdq_kick(smmu_t *s)
{
    if (s->cmdq_manual || s->in_cmdq)
        return;
    s->in_cmdq = true;
    cmdq_consume(s, 0);
    s->in_cmdq = false;
}

void smmu_set_cmdq_manual(smmu_t *smmu, bool manual)
{
    smmu->cmdq_manual = manual;
    if (!manual)
        cmdq_kick(smmu);
}

unsigned smmu_cmdq_process(smmu_t *smmu, unsigned max_cmds)
{
    if (smmu->in_cmdq)
        return 0;
    smmu->in_cmdq = true;
    unsigned n = cmdq_consume(smmu, max_cmds);
    smmu->in_cmdq = false;
    return n;
}

unsigned smmu_cmdq_pending(const smmu_t *smmu)
{
    if (!REG_GET(CR0ACK, CMDQEN, smmu->r.cr0ack) ||
        gerror_active(smmu, (uint32_t)REG_MASK(GERROR, CMDQ_ERR)))
        return 0;
    return queue_count(&smmu->r.cmdq);
}

void smmu_atc_inv_complete(smmu_t *smmu)
{
    if (smmu->atc_pending)
        smmu->atc_pending--;
    if (!smmu->atc_pending && smmu->cmdq_sync_wait) {
        smmu->cmdq_sync_wait = false;
        cmdq_kick(smmu);
    }
}
