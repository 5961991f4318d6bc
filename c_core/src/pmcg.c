/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Performance Monitor Counter Groups. Arm IHI 0070 G.b chapter 10: 10.2 (counters, groups,
 * 10.2.1 overflow, interrupts and capture), 10.3 (architected events), 10.4 (StreamID
 * filtering), 10.5 (register frame), 10.6 (Secure state).
 *
 * config.pmcg_count groups, each with config.pmcg_counters counters of
 * config.pmcg_counter_bits bits. Each group is one 4 KB register page reached through
 * smmu_pmcg_read/write. What the groups implement (docs/pmcg.md has the full list):
 *  - CFGR.RELOC_CTRS = 0: no Page 1; counters, SVRs, OVS and CAPR live in Page 0 (10.5.1);
 *  - CFGR.CAPTURE = 1: CAPR and EVTYPERn.OVFCAP capture all counters into SVRn (10.2.1);
 *  - CFGR.MSI = IDR0.MSI of the SMMU (10.2.1: Arm strongly recommends PMCG MSIs when the SMMU
 *    has them); CFGR.SID_FILTER_TYPE = 0: one StreamID filter per counter (10.4);
 *  - CFGR.MPAM = CFGR.FILTER_PARTID_PMG = 0: no MPAM (GMPAM, MPAMIDR RES0, 10.4.3);
 *  - no Secure or Realm state (10.6): SCR, its alias at 0xE40, ROOTCR and S_MPAMIDR are
 *    RAZ/WI, FILTER_SEC_SID is RES0, transactions of Secure streams are never counted;
 *  - every group sees every StreamID (10.2) and counts all eight architected events (10.3),
 *    events 6 and 7 only when ATS is implemented; IDs 0x80-0xFFFF count nothing;
 *  - registers of unimplemented counters and reserved offsets are RES0 (RAZ/WI); a 64-bit
 *    access acts on two 32-bit halves, low word first, as in regs.c (10.5 defers to 6.2);
 *  - UNKNOWN reset values are 0; IRQ_CTRL Updates complete before the write returns.
 */
#include "pmcg.h"

#define PF_GET(r, f, v) VGET(SMMU_PMCG_##r##_##f, v)
#define PF_SET(r, f, v, x) VSET(SMMU_PMCG_##r##_##f, v, x)
#define PF_MASK(r, f) FMASK(SMMU_PMCG_##r##_##f)

/* Number of architected events (10.3), from the table; IDs are 0..PMCG_EVENTS-1. */
enum {
    PMCG_EVENTS = 0
#define PMCG_REG(n, off, w)
#define PMCG_FIELD(r, f, msb, lsb)
#define PMCG_EVENT(n, id, filt, ats) +1
#include "pmcg.def"
#undef PMCG_EVENT
#undef PMCG_FIELD
#undef PMCG_REG
};
_Static_assert(PMCG_EVT_PCIE_ATS_TRANS_PASSED + 1 == PMCG_EVENTS, "architected IDs are 0..7");

#define PMCG_MAX_CTRS 64u       /* 10.2: 1 - 64 counters per group */
#define PMCG_ARRAY_SPAN 0x100u  /* 64 registers of 4 bytes (EVTYPERn, SMRn) */
#define PMCG_CTR_SPAN 0x200u    /* 64 registers of up to 8 bytes (EVCNTRn, SVRn) */
#define PMCG_PAGE 0x1000u

typedef struct pmcg_ctr {
    uint64_t cnt;          /* SMMU_PMCG_EVCNTRn */
    uint64_t svr;          /* SMMU_PMCG_SVRn */
    uint32_t evtyper;      /* SMMU_PMCG_EVTYPERn */
    uint32_t smr;          /* SMMU_PMCG_SMRn */
} pmcg_ctr_t;

typedef struct pmcg_group {
    pmcg_ctr_t *c;         /* nctr counters */
    uint64_t cnten, inten, ovs;   /* CNTEN, INTEN, OVS bitmaps */
    uint64_t irq_cfg0;
    uint32_t cr, irq_ctrl, irq_ctrlack, irq_cfg1, irq_cfg2, irq_status;
} pmcg_group_t;

struct smmu_pmcg {
    unsigned ngroups, nctr;
    unsigned stride;       /* EVCNTRn / SVRn stride: 4 if CFGR.SIZE <= 31, else 8 (10.5.1) */
    unsigned sid_bits;     /* implemented SMRn.STREAMID bits (10.4.1): IDR1.SIDSIZE */
    uint32_t sid_mask;
    uint64_t cmask;        /* counter value bits [SIZE:0] */
    uint64_t impl;         /* implemented counters, bits [NCTR:0] */
    uint64_t ceid0;        /* supported events (CEID0) */
    uint32_t cfgr;
    bool msi;              /* CFGR.MSI */
    pmcg_ctr_t *ctrs;      /* ngroups * nctr, group-major */
    pmcg_group_t g[];
};

/* ---------------------------------------------------------------------------------------- */
/* Helpers                                                                                   */
/* ---------------------------------------------------------------------------------------- */

static unsigned ctz64(uint64_t v) /* v != 0 */
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctzll(v);
#else
    unsigned n = 0;
    while (!(v & 1u)) {
        v >>= 1;
        n++;
    }
    return n;
#endif
}

static uint32_t half32(uint64_t v, bool high)
{
    return (uint32_t)(high ? v >> 32 : v);
}

static uint64_t merge_half(uint64_t old, uint32_t half_val, bool high)
{
    return high ? ((old & 0xFFFFFFFFu) | ((uint64_t)half_val << 32))
                : ((old & ~UINT64_C(0xFFFFFFFF)) | half_val);
}

/* Events the group can count (10.3): the mandatory ones, and 6/7 only with ATS. */
static uint64_t ceid0_of(const smmu_config_t *c)
{
    uint64_t m = 0;
#define PMCG_REG(n, off, w)
#define PMCG_FIELD(r, f, msb, lsb)
#define PMCG_EVENT(n, id, filt, needs_ats) \
    if (!(needs_ats) || c->ats)            \
        m |= UINT64_C(1) << (id);
#include "pmcg.def"
#undef PMCG_EVENT
#undef PMCG_FIELD
#undef PMCG_REG
    return m;
}

/* 10.3 "Can filter on StreamID" column. */
static bool ev_filterable(unsigned ev)
{
    switch (ev) {
#define PMCG_REG(n, off, w)
#define PMCG_FIELD(r, f, msb, lsb)
#define PMCG_EVENT(n, id, filt, ats) \
    case (id): return (filt) != 0;
#include "pmcg.def"
#undef PMCG_EVENT
#undef PMCG_FIELD
#undef PMCG_REG
    default: return true; /* no IMPLEMENTATION DEFINED events are counted anyway */
    }
}

static unsigned ev_of(const pmcg_ctr_t *c)
{
    return (unsigned)PF_GET(EVTYPER0, EVENT, c->evtyper);
}

/* The counter counts translation-driven events (anything but cycles) the group supports. */
static bool counts_traffic(const struct smmu_pmcg *p, const pmcg_ctr_t *c)
{
    unsigned ev = ev_of(c);
    return ev != PMCG_EVT_CYCLES && ev < PMCG_EVENTS && ((p->ceid0 >> ev) & 1u);
}

/* smmu->pmcg_on: translations report to pmcg_account() only while some group is enabled
 * (CR.E) with an enabled counter that counts an event other than cycles. */
static void update_on(smmu_t *s)
{
    const struct smmu_pmcg *p = s->pmcg;
    bool on = false;
    for (unsigned i = 0; p && i < p->ngroups && !on; i++) {
        const pmcg_group_t *g = &p->g[i];
        if (!PF_GET(CR, E, g->cr))
            continue;
        for (uint64_t m = g->cnten & p->impl; m && !on; m &= m - 1)
            on = counts_traffic(p, &g->c[ctz64(m)]);
    }
    s->pmcg_on = on;
}

/* ---------------------------------------------------------------------------------------- */
/* Lifecycle                                                                                 */
/* ---------------------------------------------------------------------------------------- */

static size_t head_size(const smmu_config_t *cfg)
{
    return sizeof(struct smmu_pmcg) + (size_t)cfg->pmcg_count * sizeof(pmcg_group_t);
}

static size_t ctrs_size(const smmu_config_t *cfg)
{
    return (size_t)cfg->pmcg_count * cfg->pmcg_counters * sizeof(pmcg_ctr_t);
}

size_t pmcg_footprint(const smmu_config_t *cfg)
{
    return cfg->pmcg_count ? head_size(cfg) + ctrs_size(cfg) : 0;
}

bool pmcg_create(smmu_t *s)
{
    const smmu_config_t *c = &s->cfg;
    s->pmcg = NULL;
    s->pmcg_on = false;
    if (c->pmcg_count == 0)
        return true;
    struct smmu_pmcg *p = smmu_alloc(s, head_size(c));
    if (!p)
        return false;
    s->pmcg = p;
    p->ngroups = c->pmcg_count;
    p->nctr = c->pmcg_counters;
    p->ctrs = smmu_alloc(s, ctrs_size(c));
    if (!p->ctrs)
        return false; /* pmcg_destroy() frees the head */
    for (unsigned i = 0; i < p->ngroups; i++)
        p->g[i].c = &p->ctrs[(size_t)i * p->nctr];
    unsigned bits = c->pmcg_counter_bits;
    p->stride = bits <= 32 ? 4u : 8u;
    p->cmask = bits_mask(bits);
    p->impl = bits_mask(p->nctr);
    p->sid_bits = c->sidsize;
    p->sid_mask = (uint32_t)bits_mask(c->sidsize);
    p->ceid0 = ceid0_of(c);
    p->msi = c->msi;
    uint64_t cfgr = 0;
    cfgr = PF_SET(CFGR, NCTR, cfgr, p->nctr - 1u);
    cfgr = PF_SET(CFGR, SIZE, cfgr, bits - 1u);
    cfgr = PF_SET(CFGR, MSI, cfgr, p->msi);
    cfgr = PF_SET(CFGR, CAPTURE, cfgr, 1);
    /* RELOC_CTRS, SID_FILTER_TYPE, MPAM, FILTER_PARTID_PMG: 0 (see the file comment) */
    p->cfgr = (uint32_t)cfgr;
    return true;
}

void pmcg_destroy(smmu_t *s)
{
    struct smmu_pmcg *p = s->pmcg;
    if (!p)
        return;
    smmu_free(s, p->ctrs, ctrs_size(&s->cfg));
    smmu_free(s, p, head_size(&s->cfg));
    s->pmcg = NULL;
    s->pmcg_on = false;
}

/* Reset: CR.E, IRQ_CTRL(ACK).IRQEN and CAPR reset to 0 (10.5.2.11, .14, .19, .20); every
 * other PMCG field resets to an UNKNOWN value, which this model makes 0. */
void pmcg_reset(smmu_t *s)
{
    struct smmu_pmcg *p = s->pmcg;
    if (p) {
        memset(p->ctrs, 0, (size_t)p->ngroups * p->nctr * sizeof(pmcg_ctr_t));
        for (unsigned i = 0; i < p->ngroups; i++) {
            pmcg_ctr_t *c = p->g[i].c;
            memset(&p->g[i], 0, sizeof p->g[i]);
            p->g[i].c = c;
        }
    }
    s->pmcg_on = false;
}

/* ---------------------------------------------------------------------------------------- */
/* Counting, overflow, capture and the interrupt (10.2.1)                                    */
/* ---------------------------------------------------------------------------------------- */

/* CAPR.CAPTURE or an OVFCAP overflow: every counter into its shadow register. */
static void capture(const struct smmu_pmcg *p, pmcg_group_t *g)
{
    for (unsigned n = 0; n < p->nctr; n++)
        g->c[n].svr = g->c[n].cnt;
}

/* MSI attributes from IRQ_CFG2 (10.5.2.23), as irq.c does for the SMMU's own sources:
 * SH 0b01 behaves as 0b00; Device memory (and Normal iNC-oNC) is effectively Outer
 * Shareable (3.18, 6.3.23). */
static smmu_mem_attr_t msi_attr(uint32_t cfg2)
{
    smmu_mem_attr_t a;
    a.kind = SMMU_ACCESS_MSI;
    unsigned memattr = (unsigned)PF_GET(IRQ_CFG2, MEMATTR, cfg2);
    unsigned sh = (unsigned)PF_GET(IRQ_CFG2, SH, cfg2);
    if (sh == 1u)
        sh = 0u;
    if ((memattr & 0xCu) == 0u || memattr == 0x5u)
        sh = 2u;
    a.memattr = (uint8_t)memattr;
    a.sh = (uint8_t)sh;
    return a;
}

/* The group's interrupt (10.2.1, 10.5.2.19): the MSI when CFGR.MSI and IRQ_CFG0.ADDR != 0,
 * then a pulse on the wired output SMMU_IRQ_PMCG (shared by all groups), in the order irq.c
 * uses. Called once the OVS, counter and captured values are updated (10.2.1 ordering). */
static void signal_group(smmu_t *s, const struct smmu_pmcg *p, pmcg_group_t *g)
{
    uint64_t addr = g->irq_cfg0 & PF_MASK(IRQ_CFG0, ADDR);
    if (p->msi && addr) {
        uint32_t d = g->irq_cfg1;
        uint8_t b[4] = {(uint8_t)d, (uint8_t)(d >> 8), (uint8_t)(d >> 16), (uint8_t)(d >> 24)};
        smmu_mem_attr_t a = msi_attr(g->irq_cfg2);
        s->stats.msis++;
        /* MSIs go straight to the host, never through a direct pointer (as irq.c) */
        if (s->ops.mem_write(s->ops.ctx, addr, b, 4, &a) != SMMU_MEM_OK &&
            s->cfg.arch_minor >= 1) {
            /* 10.5.2.24: IRQ_ABT records an aborted MSI (RES0 in SMMUv3.0) */
            g->irq_status = (uint32_t)PF_SET(IRQ_STATUS, IRQ_ABT, g->irq_status, 1);
            smmu_logf(s, SMMU_LOG_GUEST_ERROR, "PMCG MSI to 0x%llx aborted",
                      (unsigned long long)addr);
        }
    }
    irq_pulse(s, SMMU_IRQ_PMCG);
}

/* Add inc to counter n. 10.2.1: an increment that carries out of the counter sets OVS[n]
 * (whatever OVS[n] was) and the counter keeps counting from the wrapped value. Returns
 * true if the overflow must raise the interrupt (INTEN[n] and IRQEN, 10.5.2.7). */
static bool ctr_add(const struct smmu_pmcg *p, pmcg_group_t *g, unsigned n, uint64_t inc,
                    bool *cap)
{
    pmcg_ctr_t *c = &g->c[n];
    uint64_t room = p->cmask - c->cnt; /* increments before the carry-out */
    c->cnt = (c->cnt + inc) & p->cmask;
    if (inc <= room)
        return false;
    uint64_t bit = UINT64_C(1) << n;
    g->ovs |= bit;
    if (PF_GET(EVTYPER0, OVFCAP, c->evtyper))
        *cap = true; /* the overflowing counter is captured with its post-overflow value */
    return (g->inten & bit) && PF_GET(IRQ_CTRLACK, IRQEN, g->irq_ctrlack);
}

/* 10.4 StreamID filter of counter c (SID_FILTER_TYPE == 0: its own EVTYPERn/SMRn). */
static bool sid_match(const struct smmu_pmcg *p, const pmcg_ctr_t *c, uint32_t sid)
{
    uint32_t want = c->smr; /* stored with only the implemented bits */
    sid &= p->sid_mask;     /* 10.4.1: PMCG StreamID bits [N:0] are SMMU StreamID[N:0] */
    if (!PF_GET(EVTYPER0, FILTER_SID_SPAN, c->evtyper))
        return sid == want; /* ExactSID */
    /* PartialSID: STREAMID[Y-1] == 0 with all ones below; SID[Y-1:0] are ignored. All ones
     * in the implemented bits (AllSIDManySECSID), or all ones below a 0 MSB
     * (AllSIDOneSECSID), match every StreamID: with no Secure state both mean "all". */
    unsigned ones = ctz64(~(uint64_t)want);
    if (ones >= p->sid_bits)
        return true;
    uint32_t ignore = (uint32_t)bits_mask(ones + 1u);
    return ((sid ^ want) & ~ignore) == 0;
}

/* Add inc[ev] to every enabled counter of every enabled group that counts ev and whose
 * filter (for filterable events) matches sid. CR.E == 0 stops all counting and CNTEN[n]
 * gates counter n (10.5.2.5, 10.5.2.14). */
static void count(smmu_t *s, const uint64_t inc[PMCG_EVENTS], uint32_t sid)
{
    struct smmu_pmcg *p = s->pmcg;
    for (unsigned i = 0; i < p->ngroups; i++) {
        pmcg_group_t *g = &p->g[i];
        if (!PF_GET(CR, E, g->cr))
            continue;
        bool irq = false, cap = false;
        for (uint64_t m = g->cnten & p->impl; m; m &= m - 1) {
            unsigned n = ctz64(m);
            unsigned ev = ev_of(&g->c[n]);
            if (ev >= PMCG_EVENTS || !inc[ev] || !((p->ceid0 >> ev) & 1u))
                continue;
            if (ev_filterable(ev) && !sid_match(p, &g->c[n], sid))
                continue;
            irq |= ctr_add(p, g, n, inc[ev], &cap);
        }
        if (cap)
            capture(p, g);
        if (irq)
            signal_group(s, p, g); /* one edge (and MSI) for all overflows of this update */
    }
}

/* 10.3: what one finished translation contributes to each architected event.
 *  1 every transaction and translation request (untranslated, ATS Translation Request,
 *    ATS Translated), including terminated and stalled ones (note (1): our choice is to
 *    include terminated transactions in events 1, 2, 3 and 7 alike);
 *  2 the translation needed a table walk (hit == SMMU_HIT_WALK);
 *  3 once when the configuration could not all be served from the configuration cache
 *    ("counted once when translation ... cannot be satisfied from internal configuration
 *    caching"), however many STE/CD lookups missed;
 *  4 every access of the table walker: stage-1 and stage-2 descriptor reads and HTTU
 *    descriptor updates (10.3: walks "for any reason (..., HTTU ...)");
 *  5 every STE/L1STD/CD/L1CD read;
 *  6 ATS Translation Requests received, whatever the completion;
 *  7 ATS Translated transactions received, including those that bypass translation. */
void pmcg_account(smmu_t *s, const smmu_txn_t *txn, const smmu_xlate_t *x)
{
    /* 10.6: a PMCG without Secure state observes events of Non-secure streams only */
    if (!s->pmcg || txn->secure)
        return;
    uint64_t inc[PMCG_EVENTS];
    inc[PMCG_EVT_CYCLES] = 0;
    inc[PMCG_EVT_TRANSACTION] = 1;
    inc[PMCG_EVT_TLB_MISS] = x->hit == SMMU_HIT_WALK;
    inc[PMCG_EVT_CONFIG_CACHE_MISS] = x->work.cfg_misses != 0;
    inc[PMCG_EVT_TRANS_TABLE_WALK_ACCESS] =
        (uint64_t)x->work.s1_reads + x->work.s2_reads + x->work.writes;
    inc[PMCG_EVT_CONFIG_STRUCT_ACCESS] = x->work.cfg_reads;
    inc[PMCG_EVT_PCIE_ATS_TRANS_RQ] = txn->atype == SMMU_ATYPE_ATS_REQUEST;
    inc[PMCG_EVT_PCIE_ATS_TRANS_PASSED] = txn->atype == SMMU_ATYPE_TRANSLATED;
    count(s, inc, txn->stream_id);
}

/* Event 0 (10.3): the host says how many SMMU clock cycles passed. Not filterable; counted
 * whether or not the SMMU is enabled (10.2 leaves this IMPLEMENTATION DEFINED). */
void smmu_advance_cycles(smmu_t *smmu, uint64_t cycles)
{
    if (!smmu || !smmu->pmcg || !cycles)
        return;
    uint64_t inc[PMCG_EVENTS];
    memset(inc, 0, sizeof inc);
    inc[PMCG_EVT_CYCLES] = cycles;
    count(smmu, inc, 0);
}

/* ---------------------------------------------------------------------------------------- */
/* Register frame (10.5)                                                                     */
/* ---------------------------------------------------------------------------------------- */

/* ID_REGS (10.5.2.29): CoreSight component and peripheral identification. */
static bool read_id(const smmu_t *s, uint32_t off, uint32_t *v)
{
    static const uint8_t cidr[4] = {0x0D, 0x90, 0x05, 0xB1}; /* preamble; CIDR1.CLASS 0x9 */
    if (off >= SMMU_PMCG_OFF_CIDR0) {
        *v = cidr[(off - SMMU_PMCG_OFF_CIDR0) / 4];
        return true;
    }
    if (off >= SMMU_PMCG_OFF_PIDR4) { /* PIDR4..7 at 0xFD0, PIDR0..3 at 0xFE0 */
        unsigned idx = off >= SMMU_PMCG_OFF_PIDR0 ? (off - SMMU_PMCG_OFF_PIDR0) / 4
                                                  : 4 + (off - SMMU_PMCG_OFF_PIDR4) / 4;
        *v = s->cfg.pidr[idx]; /* the PMCG is part of the SMMU: same part number */
        return true;
    }
    uint64_t x = 0;
    switch (off) {
    case SMMU_PMCG_OFF_PMDEVARCH:
        x = PF_SET(PMDEVARCH, ARCHITECT, x, 0x23B); /* Arm's JEP106 code */
        x = PF_SET(PMDEVARCH, PRESENT, x, 1);
        x = PF_SET(PMDEVARCH, ARCHID, x, 0x2A56);
        break;
    case SMMU_PMCG_OFF_PMDEVTYPE:
        x = PF_SET(PMDEVTYPE, SUB_TYPE, x, 5); /* associated with an SMMU */
        x = PF_SET(PMDEVTYPE, CLASS, x, 6);    /* performance monitor */
        break;
    default: return false;
    }
    *v = (uint32_t)x;
    return true;
}

/* The counter array register at off, or NULL; *high selects the upper word. */
static pmcg_ctr_t *ctr_at(const struct smmu_pmcg *p, const pmcg_group_t *g, uint32_t off,
                          uint32_t base, unsigned stride, bool *high)
{
    unsigned n = (off - base) / stride;
    *high = (off - base) % stride != 0;
    return n < p->nctr ? &g->c[n] : NULL;
}

static bool in_range(uint32_t off, uint32_t base, uint32_t span)
{
    return off >= base && off < base + span;
}

/* Bitmap registers (10.5.2.5 - 10.5.2.10): the word at off of the 64-bit bitmap, or NULL. */
static uint64_t *bitmap_at(pmcg_group_t *g, uint32_t off, bool *high)
{
    *high = (off & 4u) != 0;
    switch (off & ~4u) {
    case SMMU_PMCG_OFF_CNTENSET0:
    case SMMU_PMCG_OFF_CNTENCLR0: return &g->cnten;
    case SMMU_PMCG_OFF_INTENSET0:
    case SMMU_PMCG_OFF_INTENCLR0: return &g->inten;
    case SMMU_PMCG_OFF_OVSCLR0:
    case SMMU_PMCG_OFF_OVSSET0: return &g->ovs;
    default: return NULL;
    }
}

static uint32_t read32(const smmu_t *s, const struct smmu_pmcg *p, pmcg_group_t *g,
                       uint32_t off)
{
    bool high;
    const pmcg_ctr_t *c;
    if (in_range(off, SMMU_PMCG_OFF_EVCNTR0, PMCG_CTR_SPAN)) {
        c = ctr_at(p, g, off, SMMU_PMCG_OFF_EVCNTR0, p->stride, &high);
        return c ? half32(c->cnt, high) : 0; /* unimplemented counters are RES0 */
    }
    if (in_range(off, SMMU_PMCG_OFF_SVR0, PMCG_CTR_SPAN)) {
        c = ctr_at(p, g, off, SMMU_PMCG_OFF_SVR0, p->stride, &high);
        return c ? half32(c->svr, high) : 0;
    }
    if (in_range(off, SMMU_PMCG_OFF_EVTYPER0, PMCG_ARRAY_SPAN)) {
        c = ctr_at(p, g, off, SMMU_PMCG_OFF_EVTYPER0, 4, &high);
        return c ? c->evtyper : 0;
    }
    if (in_range(off, SMMU_PMCG_OFF_SMR0, PMCG_ARRAY_SPAN)) {
        c = ctr_at(p, g, off, SMMU_PMCG_OFF_SMR0, 4, &high);
        return c ? c->smr : 0;
    }
    const uint64_t *bm = bitmap_at(g, off, &high);
    if (bm)
        return half32(*bm, high); /* SET and CLR views read the same state */
    uint32_t v;
    if (read_id(s, off, &v))
        return v;
    switch (off) {
    case SMMU_PMCG_OFF_CFGR: return p->cfgr;
    case SMMU_PMCG_OFF_CR: return g->cr;
    case SMMU_PMCG_OFF_IIDR: return s->iidr;
    case SMMU_PMCG_OFF_CEID0: return half32(p->ceid0, false);
    case SMMU_PMCG_OFF_CEID0 + 4: return half32(p->ceid0, true);
    case SMMU_PMCG_OFF_IRQ_CTRL: return g->irq_ctrl;
    case SMMU_PMCG_OFF_IRQ_CTRLACK: return g->irq_ctrlack;
    case SMMU_PMCG_OFF_AIDR: return s->aidr; /* 10.5.2.26: same encoding as SMMU_AIDR */
    default: break;
    }
    if (!p->msi)
        return 0; /* IRQ_CFG0-2 and IRQ_STATUS are RES0 without CFGR.MSI */
    switch (off) {
    case SMMU_PMCG_OFF_IRQ_CFG0: return half32(g->irq_cfg0, false);
    case SMMU_PMCG_OFF_IRQ_CFG0 + 4: return half32(g->irq_cfg0, true);
    case SMMU_PMCG_OFF_IRQ_CFG1: return g->irq_cfg1;
    case SMMU_PMCG_OFF_IRQ_CFG2: return g->irq_cfg2;
    case SMMU_PMCG_OFF_IRQ_STATUS: return g->irq_status;
    /* CAPR (write-only, reads 0), SCR and its alias (Secure only), ROOTCR, GMPAM, MPAMIDR,
     * S_MPAMIDR, CEID1 (no events 64-127), IMPLEMENTATION DEFINED space: RAZ */
    default: return 0;
    }
}

/* IRQ_CTRL (10.5.2.19): the Update completes at once. IRQEN 0 -> 1 clears IRQ_ABT
 * (10.5.2.24); 1 -> 0 leaves it. */
static void irq_ctrl_write(pmcg_group_t *g, uint32_t val)
{
    uint32_t nv = val & (uint32_t)PF_MASK(IRQ_CTRL, IRQEN);
    if (nv && !PF_GET(IRQ_CTRLACK, IRQEN, g->irq_ctrlack))
        g->irq_status = 0;
    g->irq_ctrl = nv;
    g->irq_ctrlack = nv;
}

/* Bitmap writes: SET registers are W1S, CLR registers W1C; bits of unimplemented counters
 * are RES0. */
static void bitmap_write(smmu_t *s, const struct smmu_pmcg *p, pmcg_group_t *g, uint32_t off,
                         uint32_t val)
{
    bool high;
    uint64_t *bm = bitmap_at(g, off, &high);
    uint64_t bits = ((uint64_t)val << (high ? 32 : 0)) & p->impl;
    switch (off & ~4u) {
    case SMMU_PMCG_OFF_CNTENSET0:
    case SMMU_PMCG_OFF_INTENSET0:
    case SMMU_PMCG_OFF_OVSSET0:
        /* OVSSET0 (10.5.2.10): whether setting OVS interrupts or captures is IMPLEMENTATION
         * SPECIFIC; here it only sets the status bits. */
        *bm |= bits;
        break;
    default: *bm &= ~bits; break;
    }
    if (bm == &g->cnten)
        update_on(s);
}

static void write32(smmu_t *s, struct smmu_pmcg *p, pmcg_group_t *g, uint32_t off, uint32_t val)
{
    bool high;
    pmcg_ctr_t *c;
    if (in_range(off, SMMU_PMCG_OFF_EVCNTR0, PMCG_CTR_SPAN)) {
        c = ctr_at(p, g, off, SMMU_PMCG_OFF_EVCNTR0, p->stride, &high);
        if (c) /* 10.5.2.1: bits [63:R] are RES0 */
            c->cnt = merge_half(c->cnt, val, high) & p->cmask;
        return;
    }
    if (in_range(off, SMMU_PMCG_OFF_EVTYPER0, PMCG_ARRAY_SPAN)) {
        c = ctr_at(p, g, off, SMMU_PMCG_OFF_EVTYPER0, 4, &high);
        if (c) {
            /* 10.5.2.2: FILTER_SEC_SID RES0 (no Secure state), FILTER_REALM_SID and the MPAM
             * filters RES0 (no Realm, FILTER_PARTID_PMG == 0); all 16 EVENT bits kept */
            c->evtyper = val & (uint32_t)(PF_MASK(EVTYPER0, OVFCAP) |
                                          PF_MASK(EVTYPER0, FILTER_SID_SPAN) |
                                          PF_MASK(EVTYPER0, EVENT));
            update_on(s);
        }
        return;
    }
    if (in_range(off, SMMU_PMCG_OFF_SMR0, PMCG_ARRAY_SPAN)) {
        c = ctr_at(p, g, off, SMMU_PMCG_OFF_SMR0, 4, &high);
        if (c) /* 10.5.2.4: bits above the PMCG StreamID size are RAZ/WI */
            c->smr = val & p->sid_mask;
        return;
    }
    if (bitmap_at(g, off, &high)) {
        bitmap_write(s, p, g, off, val);
        return;
    }
    uint64_t cfg0_mask = PF_MASK(IRQ_CFG0, ADDR) & bits_mask(s->oas_bits);
    bool cfg_open = !((g->irq_ctrl | g->irq_ctrlack) & PF_MASK(IRQ_CTRL, IRQEN));
    switch (off) {
    case SMMU_PMCG_OFF_CAPR:
        if (PF_GET(CAPR, CAPTURE, val))
            capture(p, g); /* 10.5.2.11: visible to any access after this write */
        return;
    case SMMU_PMCG_OFF_CR:
        g->cr = val & (uint32_t)PF_MASK(CR, E);
        update_on(s);
        return;
    case SMMU_PMCG_OFF_IRQ_CTRL: irq_ctrl_write(g, val); return;
    default: break;
    }
    /* IRQ_CFG0-2 (10.5.2.21 - 10.5.2.23): RES0 without CFGR.MSI; Guarded by IRQEN, and like
     * the SMMU's own *_IRQ_CFGn (regs.c) a write while IRQEN or its ACK is 1 is ignored.
     * ADDR bits above IDR5.OAS are RES0 (not stored). */
    if (!p->msi || !cfg_open)
        return;
    switch (off) {
    case SMMU_PMCG_OFF_IRQ_CFG0:
    case SMMU_PMCG_OFF_IRQ_CFG0 + 4:
        g->irq_cfg0 = merge_half(g->irq_cfg0, val, off != SMMU_PMCG_OFF_IRQ_CFG0) & cfg0_mask;
        return;
    case SMMU_PMCG_OFF_IRQ_CFG1: g->irq_cfg1 = val; return;
    case SMMU_PMCG_OFF_IRQ_CFG2:
        g->irq_cfg2 = val & (uint32_t)(PF_MASK(IRQ_CFG2, SH) | PF_MASK(IRQ_CFG2, MEMATTR));
        return;
    /* read-only, Secure-only or absent registers: writes IGNORED (10.5) */
    default: return;
    }
}

/* 10.5: aligned 32-bit accesses anywhere in the 4 KB page and aligned 64-bit accesses.
 * Without RELOC_CTRS there is no Page 1, so offsets from 0x1000 are refused. */
static pmcg_group_t *group_at(smmu_t *s, unsigned group, uint64_t offset, unsigned size)
{
    if (!s || !s->pmcg || group >= s->pmcg->ngroups)
        return NULL;
    if ((size != 4 && size != 8) || (offset & (size - 1u)) != 0 || offset >= PMCG_PAGE)
        return NULL;
    return &s->pmcg->g[group];
}

smmu_status_t smmu_pmcg_read(smmu_t *smmu, unsigned group, uint64_t offset, unsigned size,
                             uint64_t *val)
{
    if (!val)
        return SMMU_E_INVAL;
    *val = 0;
    pmcg_group_t *g = group_at(smmu, group, offset, size);
    if (!g)
        return SMMU_E_INVAL;
    uint32_t off = (uint32_t)offset;
    uint64_t v = read32(smmu, smmu->pmcg, g, off);
    if (size == 8)
        v |= (uint64_t)read32(smmu, smmu->pmcg, g, off + 4) << 32;
    *val = v;
    return SMMU_OK;
}

smmu_status_t smmu_pmcg_write(smmu_t *smmu, unsigned group, uint64_t offset, unsigned size,
                              uint64_t val)
{
    pmcg_group_t *g = group_at(smmu, group, offset, size);
    if (!g)
        return SMMU_E_INVAL;
    uint32_t off = (uint32_t)offset;
    write32(smmu, smmu->pmcg, g, off, (uint32_t)val);
    if (size == 8)
        write32(smmu, smmu->pmcg, g, off + 4, (uint32_t)(val >> 32));
    return SMMU_OK;
}
