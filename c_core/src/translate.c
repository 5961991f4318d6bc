/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The translation flow: GBPA -> micro-TLB -> stream table -> STE -> CD -> TLB -> walk(s) ->
 * result, and the fault epilogue that turns a fault into an event record.
 * Arm IHI 0070 G.b: 3.3-3.4 (flow, address sizes), 3.9 (ATS), 3.12 (faults, stalls),
 * 3.13 (HTTU), 3.17 (TLB tagging), 5.2-5.5 (STE, CD, A/R/S), 7.3 (events),
 * 7.3.22 (fault priority), 13 (attributes and overrides).
 */
#include "ats.h"
#include "cache.h"
#include "ptw.h"
#include "pmcg.h"
#include "tlb_inline.h"
#include "stall.h"

/* Per-transaction context shared by the walk callbacks. */
typedef struct xctx {
    smmu_t *s;
    const smmu_txn_t *txn;
    const smmu_ste_t *ste;
    const smmu_cd_t *cd;
    smmu_xlate_t *out;
    bool debug;
    bool write, instr, priv;   /* effective access attributes (after STE overrides) */
    bool one_priv;             /* one-privilege StreamWorld: permission checks as privileged */
    bool pnu_report;           /* PnU for events when one_priv (post-override, 7.3) */
    unsigned kind;             /* KIND_* of the translation */
    uint32_t ctx;              /* TLB tag */
    uint16_t asid;
    const ptw_cfg_t *s1cfg;    /* selected TTBx */
    uint8_t s2class;           /* CLASS reported for stage-2 faults of the walk in progress */
    uint64_t s2ipa;            /* IPA being translated by stage 2 */
    uint8_t ats;               /* ATS_* : what kind of ATS traffic this is */
    bool ats_exe;              /* ATS Translation Request: Exe requested (with a PASID) */
    bool split;                /* split-stage ATS (EATS == 0b10): the response carries the IPA */
    bool iotlb_missed;         /* iotlb_fast() probed the IOTLB for this stage-1 key: no entry */
} xctx_t;

enum { ATS_NO = 0, ATS_TREQ, ATS_XLATED };

enum { P2_DEVICE = 0x80 }; /* flag kept with cached stage-2 results: Device memory (S2PTW) */

/* ---------------------------------------------------------------------------------------- */
/* Stage 2                                                                                   */
/* ---------------------------------------------------------------------------------------- */

static bool s2_read(void *vx, uint64_t pa, uint64_t *d, smmu_fault_t *f)
{
    xctx_t *x = vx;
    x->out->work.s2_reads++;
    if (!x->debug)
        x->s->stats.walk_reads_s2++;
    if (mem_read64(x->s, pa, d, x->ste->s2.big_endian, SMMU_ACCESS_PTW_S2) == SMMU_MEM_OK)
        return true;
    memset(f, 0, sizeof *f);
    f->type = EVT_F_WALK_EABT; /* 7.3.12: S2 = 1 with the CLASS of what was translated */
    f->s2 = true;
    f->class_ = x->s2class;
    f->fetch_addr = pa;
    return false;
}

static bool s2_update(void *vx, uint64_t pa, uint64_t old, uint64_t nd, uint64_t *seen,
                      smmu_fault_t *f)
{
    xctx_t *x = vx;
    x->out->work.writes++;
    x->s->stats.httu_writes++; /* never in debug: debug walks do no updates */
    if (mem_cas64(x->s, pa, old, nd, seen, x->ste->s2.big_endian) == SMMU_MEM_OK)
        return true;
    memset(f, 0, sizeof *f);
    f->type = EVT_F_WALK_EABT;
    f->s2 = true;
    f->class_ = x->s2class;
    f->fetch_addr = pa;
    return false;
}

static bool s2_wc_lookup(void *vx, uint64_t ia, int start, int max_level, walk_hit_t *h)
{
    xctx_t *x = vx;
    if (x->debug)
        return false;
    bool hit = walkc_lookup(x->s, 2, x->ste->vmid, 0, ia, start, max_level, x->ste->s2.gshift, h);
    if (hit)
        x->out->work.walk_cache_hits++;
    return hit;
}

static void s2_wc_insert(void *vx, uint64_t ia, const walk_hit_t *h)
{
    xctx_t *x = vx;
    if (!x->debug)
        walkc_insert(x->s, 2, x->ste->vmid, 0, ia, x->ste->s2.gshift, h);
}

/* Translate an IPA through stage 2. Faults carry S2 = 1, the given CLASS and the IPA. */
static bool s2_walk(xctx_t *x, uint64_t ipa, uint8_t class_, const ptw_access_t *a,
                    ptw_result_t *r, smmu_fault_t *f)
{
    const ptw_cfg_t *c = &x->ste->s2;
    x->s2class = class_;
    x->s2ipa = ipa;
    if (ipa >> c->ia_bits) {
        /* 3.4: IPA at or above 2^(64 - S2T0SZ) */
        memset(f, 0, sizeof *f);
        f->type = EVT_F_TRANSLATION;
    } else {
        bool wc = walkc_enabled(x->s, 2) && !x->debug;
        ptw_io_t io = {x, s2_read, s2_update, wc ? s2_wc_lookup : NULL, wc ? s2_wc_insert : NULL};
        unsigned reads = 0;
        if (ptw_walk(c, ipa, a, &io, r, f, &reads))
            return true;
    }
    f->s2 = true;
    if (f->type != EVT_F_WALK_EABT)
        f->class_ = class_;
    f->ipa = ipa;
    return false;
}

static bool s2_is_device(uint8_t memattr)
{
    return (memattr & 0xCu) == 0; /* S2 MemAttr[3:2] == 00: Device (A: D8.6.5) */
}

/* Stage-2 translation of a structure address (CD, L1CD, stage-1 descriptor): a read, or a
 * write for stage-1 HTTU. S2PTW turns a Device mapping into a permission fault (5.2). */
static bool s2_table_xlate(xctx_t *x, uint64_t ipa, uint8_t class_, bool write, uint64_t *pa,
                           smmu_fault_t *f)
{
    uint8_t perm = 0;
    bool cached = !x->debug && walkc_s2res_lookup(x->s, x->ste->vmid, ipa, pa, &perm);
    if (!cached) {
        ptw_access_t a = {false, false, true, x->debug, false};
        ptw_result_t r;
        if (!s2_walk(x, ipa, class_, &a, &r, f)) {
            if (f->type == EVT_F_PERMISSION && class_ == CLASS_TT)
                f->ttrnw = true;
            return false;
        }
        *pa = r.oa;
        perm = (uint8_t)(r.perm | (s2_is_device(r.attr) ? P2_DEVICE : 0));
        if (!x->debug)
            walkc_s2res_insert(x->s, x->ste->vmid, ipa, r.oa, r.shift, perm);
    }
    bool dev_fault = (perm & P2_DEVICE) && x->ste->s2.s2ptw;
    if (dev_fault || (write && !(perm & P2_W))) {
        memset(f, 0, sizeof *f);
        f->type = EVT_F_PERMISSION;
        f->s2 = true;
        f->class_ = class_;
        f->ipa = ipa;
        f->ttrnw = class_ == CLASS_TT && !write;
        return false;
    }
    return true;
}

static bool cd_ipa_xlate(void *vx, uint64_t ipa, uint64_t *pa, smmu_fault_t *f)
{
    return s2_table_xlate(vx, ipa, CLASS_CD, false, pa, f);
}

/* ---------------------------------------------------------------------------------------- */
/* Stage 1                                                                                   */
/* ---------------------------------------------------------------------------------------- */

static bool s1_desc_pa(xctx_t *x, uint64_t addr, bool write, uint64_t *pa, smmu_fault_t *f)
{
    if (!x->ste->s2_en) {
        *pa = addr;
        return true;
    }
    return s2_table_xlate(x, addr, CLASS_TT, write, pa, f);
}

static void walk_eabt_s1(smmu_fault_t *f, uint64_t pa)
{
    memset(f, 0, sizeof *f);
    f->type = EVT_F_WALK_EABT; /* 7.3.12: stage-1 descriptor: S2 = 0, CLASS = TT */
    f->class_ = CLASS_TT;
    f->fetch_addr = pa;
}

static bool s1_read(void *vx, uint64_t addr, uint64_t *d, smmu_fault_t *f)
{
    xctx_t *x = vx;
    uint64_t pa;
    if (!s1_desc_pa(x, addr, false, &pa, f))
        return false;
    x->out->work.s1_reads++;
    if (!x->debug)
        x->s->stats.walk_reads_s1++;
    if (mem_read64(x->s, pa, d, x->s1cfg->big_endian, SMMU_ACCESS_PTW_S1) == SMMU_MEM_OK)
        return true;
    walk_eabt_s1(f, pa);
    return false;
}

static bool s1_update(void *vx, uint64_t addr, uint64_t old, uint64_t nd, uint64_t *seen,
                      smmu_fault_t *f)
{
    xctx_t *x = vx;
    uint64_t pa;
    /* 3.13.5: a nested stage-1 update is a write through stage 2 */
    if (!s1_desc_pa(x, addr, true, &pa, f))
        return false;
    x->out->work.writes++;
    x->s->stats.httu_writes++;
    if (mem_cas64(x->s, pa, old, nd, seen, x->s1cfg->big_endian) == SMMU_MEM_OK)
        return true;
    walk_eabt_s1(f, pa);
    return false;
}

static bool s1_wc_lookup(void *vx, uint64_t ia, int start, int max_level, walk_hit_t *h)
{
    xctx_t *x = vx;
    if (x->debug)
        return false;
    bool hit = walkc_lookup(x->s, 1, x->ctx, x->asid, ia, start, max_level, x->s1cfg->gshift, h);
    if (hit)
        x->out->work.walk_cache_hits++;
    return hit;
}

static void s1_wc_insert(void *vx, uint64_t ia, const walk_hit_t *h)
{
    xctx_t *x = vx;
    if (!x->debug)
        walkc_insert(x->s, 1, x->ctx, x->asid, ia, x->s1cfg->gshift, h);
}

/* ---------------------------------------------------------------------------------------- */
/* Results                                                                                   */
/* ---------------------------------------------------------------------------------------- */

/* SMMU_PERM_* granted at this privilege. The P1_* bits of one privilege are R, W, X in
 * SMMU_PERM_* order (PR/PW/PX at bits 0-2, UR/UW/UX at bits 3-5); stage 2 has R, W, then
 * XP and XU. */
static SMMU_ALWAYS_INLINE uint8_t out_perm(uint8_t p1, uint8_t p2, bool priv)
{
    unsigned s1 = ((unsigned)p1 >> (priv ? 0u : 3u)) & 7u;
    unsigned s2 = ((unsigned)p2 & (P2_R | P2_W)) | ((((unsigned)p2 >> (priv ? 2u : 3u)) & 1u) << 2);
    return (uint8_t)(s1 & s2);
}

/* Permissions granted to an ATS Translation Request, following the pseudocode of 13.7.1:
 * checked at the effective privilege (PRIVCFG applied); R and Exe as STE.INSTCFG says (an
 * execute-only page grants nothing unless INSTCFG == INST); W only when requested (NW == 0):
 * 13.7 permits but does not require W for NW == 1 on a writable-dirty page, and a device that
 * did not ask for write access must not gain it silently (docs/ats_pri.md). */
static uint8_t ats_perm(const xctx_t *x, uint8_t p1, uint8_t p2)
{
    bool pv = x->priv;
    bool r = (p1 & (pv ? P1_PR : P1_UR)) && (p2 & P2_R);
    bool w = x->write && (p1 & (pv ? P1_PW : P1_UW)) && (p2 & P2_W);
    bool xx = (p1 & (pv ? P1_PX : P1_UX)) && (p2 & (pv ? P2_XP : P2_XU));
    unsigned instcfg = x->ste ? x->ste->instcfg : 0;
    bool tc_r, tc_x;
    if (instcfg == 3) {        /* INST: every read is an instruction fetch */
        tc_r = xx;
        tc_x = x->ats_exe && xx;
    } else if (instcfg == 2) { /* DATA: X is taken to be R */
        tc_r = r;
        tc_x = x->ats_exe && r;
    } else {                   /* incoming: granting X implies granting R */
        tc_r = r;
        tc_x = x->ats_exe && r && xx;
    }
    return (uint8_t)((tc_r ? SMMU_PERM_R : 0) | (w ? SMMU_PERM_W : 0) | (tc_x ? SMMU_PERM_X : 0));
}

static void result_ok(xctx_t *x, uint64_t pa_base, unsigned shift, uint64_t va, uint8_t p1,
                      uint8_t p2, uint8_t attr)
{
    smmu_xlate_t *o = x->out;
    uint64_t mask = (UINT64_C(1) << shift) - 1;
    o->status = SMMU_XLATE_OK;
    o->pa = pa_base + (va & mask);
    o->page_mask = mask;
    o->perm = out_perm(p1, p2, x->priv);
    o->mem_attr = attr;
    if (x->ats == ATS_TREQ) {
        o->ats = SMMU_ATS_SUCCESS;
        o->perm = ats_perm(x, p1, p2);
    }
}

/* An ATS Translation Request whose translation faults (address size, access, translation,
 * or a stage-2 fault on a structure fetch): Success with R == W == 0 for one STU (3.9.1.2). */
static void ats_denied(xctx_t *x)
{
    smmu_xlate_t *o = x->out;
    o->status = SMMU_XLATE_OK;
    o->ats = SMMU_ATS_SUCCESS;
    o->perm = 0;
    o->pa = 0;
    unsigned stu = x->s->cfg.gran4k ? 12 : x->s->cfg.gran16k ? 14 : 16;
    o->page_mask = (UINT64_C(1) << stu) - 1;
}

static void result_from_entry(xctx_t *x, const tlb_entry_t *e, uint64_t va)
{
    result_ok(x, e->pa, e->shift, va, e->perm1, e->perm2, e->attr);
}

static void result_from_hot(xctx_t *x, const tlb_hot_t *h, uint64_t va)
{
    result_ok(x, h->pa, hot_shift(h), va, h->perm1, h->perm2, h->attr);
}

/* 0: allowed; 1: stage-1 permission fault; 2: stage-2 permission fault; 3: a write that
 * needs a dirty-state update (re-walk). */
static int perm_check(uint8_t p1, uint8_t p2, uint8_t flags, bool write, bool instr, bool priv)
{
    if (!(p1 & ptw_need1(write, instr, priv)))
        return write && (flags & TLBF_S1DIRTY_CLEAN) ? 3 : 1;
    if (!(p2 & ptw_need2(write, instr, priv)))
        return write && (flags & TLBF_S2DIRTY_CLEAN) ? 3 : 2;
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Fault epilogue (3.12, 5.5, 7.3)                                                           */
/* ---------------------------------------------------------------------------------------- */

static bool translation_related(uint8_t type)
{
    return type == EVT_F_TRANSLATION || type == EVT_F_ADDR_SIZE || type == EVT_F_ACCESS ||
           type == EVT_F_PERMISSION;
}

static void fill_event(xctx_t *x, const smmu_fault_t *f, smmu_event_t *ev)
{
    const smmu_txn_t *t = x->txn;
    memset(ev, 0, sizeof *ev);
    ev->type = f->type;
    ev->stream_id = t->stream_id;
    ev->ssv = t->ssv;
    ev->substream_id = t->ssv ? t->substream_id : 0;
    ev->pnu = x->one_priv ? x->pnu_report : x->priv;
    ev->ind = x->instr;
    ev->rnw = !x->write;
    ev->s2 = f->s2;
    ev->class_ = f->class_;
    ev->ttrnw = f->ttrnw;
    ev->input_addr = t->iova;
    ev->ipa = f->ipa & ~UINT64_C(0xFFF);
    ev->fetch_addr = f->fetch_addr & ~UINT64_C(7);
    ev->reason = f->reason;
}

/* A/R/S of the faulting stage: CD.A/R/S for stage 1, STE.S2R/S2S (A = 1) for stage 2; every
 * other fault aborts and records (5.5). */
static void fault_config(const xctx_t *x, const smmu_fault_t *f, bool *a, bool *r, bool *st)
{
    *a = true;
    *r = true;
    *st = false;
    if (f->type == EVT_C_BAD_STREAMID) {
        *r = REG_GET(CR2, RECINVSID, x->s->r.cr2) != 0; /* 7.3.2: only with CR2.RECINVSID */
        return;
    }
    if (!translation_related(f->type) || f->always_abort)
        return;
    if (f->s2) {
        *r = x->ste->s2r;
        *st = x->ste->s2s;
    } else if (x->cd) {
        *a = x->cd->a;
        *r = x->cd->r;
        *st = x->cd->s;
    }
    if (*st)
        *r = true; /* 5.5: S == 1 records regardless of R */
}

/* ATS Translation Requests record no translation faults (3.9.1): translation-related faults
 * give a Success completion without permissions, configuration errors a Completer Abort
 * (recorded only with CR2.REC_CFG_ATS, which this model does not implement). Translated
 * transactions abort silently on configuration errors (3.9.1.3). Returns true if handled. */
static bool ats_fault(xctx_t *x, const smmu_fault_t *f)
{
    smmu_xlate_t *o = x->out;
    if (x->ats == ATS_NO || f->type == EVT_F_BAD_ATS_TREQ || f->type == EVT_F_TRANSL_FORBIDDEN)
        return false;
    if (x->ats == ATS_TREQ) {
        if (translation_related(f->type)) {
            ats_denied(x);
        } else {
            o->status = SMMU_XLATE_ABORT;
            o->ats = SMMU_ATS_CA;
        }
        return true;
    }
    if (translation_related(f->type) || f->type == EVT_F_WALK_EABT)
        return false; /* split-stage stage-2 faults are reported as for ordinary traffic */
    o->status = SMMU_XLATE_ABORT;
    if (!x->debug)
        x->s->stats.aborted++;
    return true;
}

static void finish_fault(xctx_t *x, const smmu_fault_t *f)
{
    smmu_t *s = x->s;
    smmu_xlate_t *o = x->out;
    if (ats_fault(x, f))
        return;
    bool a, r, st;
    fault_config(x, f, &a, &r, &st);
    fill_event(x, f, &o->event);
    o->status = a ? SMMU_XLATE_FAULT : SMMU_XLATE_RAZWI;
    if (x->txn->flags & SMMU_TXN_SPECULATIVE)
        return; /* 13.4: a faulting speculative read terminates without an event */
    if (f->type == EVT_F_BAD_ATS_TREQ) {
        o->status = SMMU_XLATE_ABORT;
        o->ats = SMMU_ATS_UR;
        /* 7.3.6: R/W/X/Priv as requested, before the STE overrides */
        o->event.rnw = !x->txn->write;
        o->event.ind = x->txn->instr;
        o->event.pnu = x->txn->priv;
    }
    if (st && s->cfg.stall_model != 1) {
        if (x->txn->flags & SMMU_TXN_NO_STALL) {
            o->status = SMMU_XLATE_FAULT; /* 3.12.2: a transaction that cannot stall aborts */
        } else {
            o->status = SMMU_XLATE_STALL;
            o->event.stall = true;
        }
    }
    evt_encode(&o->event, o->event.raw); /* stall_hold() re-encodes once the STAG is known */
    if (x->debug)
        return;
    s->stats.events_by_type[f->type]++;
    if (o->status == SMMU_XLATE_STALL) {
        stall_hold(s, x->txn, o);
        return;
    }
    s->stats.faulted++;
    if (r)
        o->recorded = evtq_write(s, &o->event);
}

static void fault_simple(xctx_t *x, uint8_t type)
{
    smmu_fault_t f;
    memset(&f, 0, sizeof f);
    f.type = type;
    finish_fault(x, &f);
}

/* A stage-1 translation-related fault on the input address (S2 = 0, CLASS = IN). */
static void fault_s1(xctx_t *x, uint8_t type, bool always_abort)
{
    smmu_fault_t f;
    memset(&f, 0, sizeof f);
    f.type = type;
    f.class_ = CLASS_IN;
    f.always_abort = always_abort;
    finish_fault(x, &f);
}

/* ---------------------------------------------------------------------------------------- */
/* Configuration                                                                             */
/* ---------------------------------------------------------------------------------------- */

static const smmu_ste_t *get_ste(xctx_t *x, smmu_ste_t *tmp)
{
    smmu_t *s = x->s;
    uint32_t sid = x->txn->stream_id;
    const smmu_ste_t *ste = x->debug ? NULL : cfgc_ste_lookup(s, sid);
    if (ste) {
        x->out->work.cfg_hit = true;
        return ste;
    }
    x->out->work.cfg_misses++;
    uint64_t raw[8];
    smmu_fault_t f;
    memset(&f, 0, sizeof f);
    unsigned before = x->out->work.cfg_reads;
    bool ok = ste_fetch(s, sid, raw, &f, &x->out->work);
    if (!x->debug)
        s->stats.cfg_reads += x->out->work.cfg_reads - before;
    if (!ok) {
        finish_fault(x, &f);
        return NULL;
    }
    if (!ste_decode(s, raw, tmp)) {
        fault_simple(x, EVT_C_BAD_STE);
        return NULL;
    }
    if (x->debug)
        return tmp;
    const smmu_ste_t *c = cfgc_ste_insert(s, sid, tmp);
    return c ? c : tmp;
}

static const smmu_cd_t *get_cd(xctx_t *x, uint32_t idx, smmu_cd_t *tmp)
{
    smmu_t *s = x->s;
    uint32_t sid = x->txn->stream_id;
    const smmu_cd_t *cd = x->debug ? NULL : cfgc_cd_lookup(s, sid, idx);
    if (cd)
        return cd;
    x->out->work.cfg_misses++;
    uint64_t raw[8];
    smmu_fault_t f;
    memset(&f, 0, sizeof f);
    bool nested = x->ste->s2_en;
    unsigned before = x->out->work.cfg_reads;
    bool ok = cd_fetch(s, x->ste, idx, raw, &f, &x->out->work, nested ? cd_ipa_xlate : NULL, x);
    if (!x->debug)
        s->stats.cfg_reads += x->out->work.cfg_reads - before;
    if (!ok) {
        finish_fault(x, &f);
        return NULL;
    }
    if (!cd_decode(s, x->ste, raw, tmp)) {
        fault_simple(x, EVT_C_BAD_CD);
        return NULL;
    }
    if (x->debug)
        return tmp;
    const smmu_cd_t *c = cfgc_cd_insert(s, sid, idx, tmp);
    return c ? c : tmp;
}

/* Substream selection (5.2 S1CDMax/S1DSS, 7.3.8 C_BAD_SUBSTREAMID, 7.3.7 F_STREAM_DISABLED).
 * Returns 1 with *idx for a CD, 0 for stage-1 bypass, -1 after a fault. */
static int select_cd(xctx_t *x, uint32_t *idx)
{
    const smmu_txn_t *t = x->txn;
    const smmu_ste_t *ste = x->ste;
    if (t->ssv && (!ste->s1_en || x->s->cfg.ssidsize == 0 || ste->s1cdmax == 0 ||
                   (t->substream_id >> ste->s1cdmax) != 0)) {
        fault_simple(x, EVT_C_BAD_SUBSTREAMID);
        return -1;
    }
    if (!ste->s1_en)
        return 0;
    if (ste->s1cdmax == 0) {
        *idx = 0;
        return 1;
    }
    if (t->ssv) {
        if (t->substream_id == 0 && ste->s1dss == 2) {
            fault_simple(x, EVT_F_STREAM_DISABLED); /* SubstreamID 0 is reserved for CD 0 */
            return -1;
        }
        *idx = t->substream_id;
        return 1;
    }
    switch (ste->s1dss) {
    case 1: return 0;             /* bypass stage 1 */
    case 2: *idx = 0; return 1;   /* use CD 0 */
    default:
        fault_simple(x, EVT_F_STREAM_DISABLED);
        return -1;
    }
}

/* Incoming attributes with the STE overrides applied (13.1, 13.4). */
static void effective_access(xctx_t *x)
{
    const smmu_txn_t *t = x->txn;
    x->write = t->write;
    x->priv = t->priv;
    x->instr = t->instr && !t->write; /* writes are always Data (13.1) */
    if (!x->ste)
        return;
    if (x->ste->privcfg == 2)
        x->priv = false;
    else if (x->ste->privcfg == 3)
        x->priv = true;
    if (!t->write) {
        if (x->ste->instcfg == 2)
            x->instr = false;
        else if (x->ste->instcfg == 3)
            x->instr = true;
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Translation paths                                                                         */
/* ---------------------------------------------------------------------------------------- */

/* Which access classes (write << 2 | instr << 1 | priv) an entry allows, with the STE's
 * PRIVCFG/INSTCFG overrides applied: the AND of a stage-1 and a stage-2 class mask looked up
 * in tables built once per instance (xlate_init_tables). */
static uint8_t allowed_classes(const smmu_t *s, uint8_t p1, uint8_t p2, unsigned pc, unsigned ic)
{
    unsigned o = (pc & 3u) << 2 | (ic & 3u);
    return (uint8_t)(s->acls1[o][p1 & P1_ALL] & s->acls2[o][p2 & P2_ALL]);
}

void xlate_init_tables(smmu_t *s)
{
    for (unsigned pc = 0; pc < 4; pc++)
        for (unsigned ic = 0; ic < 4; ic++)
            for (unsigned c = 0; c < 8; c++) {
                bool write = (c & 4u) != 0, priv = (c & 1u) != 0;
                bool instr = (c & 2u) && !write;
                if (pc >= 2)
                    priv = pc == 3;
                if (!write && ic >= 2)
                    instr = ic == 3;
                unsigned o = pc << 2 | ic;
                for (unsigned p = 0; p < 64; p++)
                    if (p & ptw_need1(write, instr, priv))
                        s->acls1[o][p] = (uint8_t)(s->acls1[o][p] | (1u << c));
                for (unsigned p = 0; p < 16; p++)
                    if (p & ptw_need2(write, instr, priv))
                        s->acls2[o][p] = (uint8_t)(s->acls2[o][p] | (1u << c));
            }
}

/* Fast entry f becomes a copy of micro-TLB entry h / e, its port's most recently used. */
static SMMU_ALWAYS_INLINE void fast_set(smmu_t *s, smmu_fast_t *f, const tlb_hot_t *h,
                                        const tlb_entry_t *e, uint64_t iova)
{
    uint64_t mask = (UINT64_C(1) << hot_shift(h)) - 1;
    f->va = iova & ~mask;
    f->nmask = ~mask;
    f->pa = h->pa;
    f->sid = e->sid;
    f->ssid_tag = e->ssid_tag;
    f->idx = h->idx;
    f->track = s->streams ? stats_stream_find(s, e->sid) : NULL;
    f->attr = h->attr;
    f->perm = e->fperm;
    f->epoch = s->epoch;
}

/* smmu_fast_t.perm from the allowed access classes (bit c for class c) and the
 * permissions granted unprivileged (even classes) and privileged (odd classes): byte c is
 * FAST_OK | the permissions of class c when it is allowed, else 0. */
static uint64_t fast_perms(unsigned allowed, unsigned perm_u, unsigned perm_p)
{
    /* spread bit c of allowed to byte c, then make each such byte 0xFF */
    uint64_t x = allowed & 0xFFu;
    x = (x | (x << 28)) & UINT64_C(0x0000000F0000000F);
    x = (x | (x << 14)) & UINT64_C(0x0003000300030003);
    x = (x | (x << 7)) & UINT64_C(0x0101010101010101);
    uint64_t even = (FAST_OK | perm_u) * UINT64_C(0x0001000100010001);
    uint64_t odd = (FAST_OK | perm_p) * UINT64_C(0x0100010001000100);
    return (x * 0xFFu) & (even | odd);
}

/* Fill the port's micro-TLB with a translation (from a walk or an IOTLB hit). The micro-TLB
 * is keyed by the raw input address, so only TBI-canonical addresses go in. pc/ic are the
 * STE's PRIVCFG (3 for one-privilege regimes) and INSTCFG, applied on micro-TLB hits. */
static void utlb_put(smmu_t *s, const smmu_txn_t *t, unsigned port, const tlb_entry_t *src,
                     unsigned pc, unsigned ic)
{
    struct smmu_tlb *u = s->utlb[port];
    uint64_t canon = (uint64_t)((int64_t)(t->iova << 8) >> 8);
    /* Translated traffic (split-stage ATS) is keyed by IPA: it must not reach the micro-TLB,
     * whose entries are looked up by the untranslated input address of the stream */
    if (canon != t->iova || t->atype == SMMU_ATYPE_TRANSLATED)
        return;
    tlb_entry_t e = *src;
    e.sid = t->stream_id;
    e.ssid_tag = SSID_TAG(t->ssv, t->substream_id);
    e.flags = (uint8_t)((e.flags & 0x0Fu) | (pc << TLBF_PRIVCFG_SHIFT) | (ic << TLBF_INSTCFG_SHIFT));
    e.fperm = fast_perms(allowed_classes(s, e.perm1, e.perm2, pc, ic),
                         out_perm(e.perm1, e.perm2, pc >= 2 ? pc == 3 : false),
                         out_perm(e.perm1, e.perm2, pc >= 2 ? pc == 3 : true));
    uint32_t i = tlb_insert(u, &e, &s->stats.utlb);
    /* the new entry is the micro-TLB's most recently used: the fast entry follows it (the
     * insertion may have evicted the one it had) */
    fast_set(s, &s->fast[port], tlb_slot_of(u, i), tlb_cold_idx(u, i), t->iova);
}

/* The port's micro-TLB, if it has one (checked inline: without micro-TLBs a fill is free). */
static SMMU_ALWAYS_INLINE void utlb_fill(smmu_t *s, const smmu_txn_t *t, const tlb_entry_t *src,
                                         unsigned pc, unsigned ic)
{
    unsigned port = t->port < s->cfg.num_ports ? t->port : 0;
    if (s->utlb[port])
        utlb_put(s, t, port, src, pc, ic);
}

static unsigned ste_pc(const smmu_ste_t *ste)
{
    return ste->regime == REGIME_NS_EL2 ? 3u : ste->privcfg;
}

static void insert_tlbs(xctx_t *x, tlb_entry_t *e, uint64_t iova)
{
    smmu_t *s = x->s;
    (void)iova;
    if (x->debug)
        return;
    if (s->iotlb)
        tlb_insert(s->iotlb, e, &s->stats.iotlb);
    utlb_fill(s, x->txn, e, ste_pc(x->ste), x->ste->instcfg);
}

/* An IOTLB hit also refills the micro-TLB, as a TBU does from the TCU. */
static void utlb_refill(xctx_t *x, const tlb_hot_t *h)
{
    if (!x->debug)
        utlb_fill(x->s, x->txn, tlb_cold(x->s->iotlb, h), ste_pc(x->ste), x->ste->instcfg);
}

static void s2_only(xctx_t *x, uint64_t ipa, smmu_fault_t *f)
{
    smmu_t *s = x->s;
    x->kind = KIND_S2;
    x->ctx = ctx_make(KIND_S2, REGIME_NS_EL1, x->ste->vmid);
    tlb_hot_t *e = s->iotlb && !x->debug ? tlb_lookup(s->iotlb, ipa, x->ctx, 0, &s->stats.iotlb)
                                         : NULL;
    if (e) {
        int chk = perm_check(e->perm1, e->perm2, e->flags, x->write, x->instr, x->priv);
        if (chk == 0 || (x->ats == ATS_TREQ && chk != 3)) {
            x->out->hit = SMMU_HIT_IOTLB;
            result_from_hot(x, e, ipa);
            utlb_refill(x, e);
            return;
        }
        if (chk == 2) { /* permission fault from the cached entry */
            memset(f, 0, sizeof *f);
            f->type = EVT_F_PERMISSION;
            f->s2 = true;
            f->class_ = CLASS_IN;
            f->ipa = ipa;
            finish_fault(x, f);
            return;
        }
        tlb_remove(s->iotlb, e, &s->stats.iotlb); /* dirty update needed: walk again */
    }
    x->out->hit = SMMU_HIT_WALK;
    if (!x->debug)
        s->stats.walks++;
    ptw_access_t a = {x->write, x->instr, x->priv, x->debug, x->ats == ATS_TREQ};
    ptw_result_t r;
    if (!s2_walk(x, ipa, CLASS_IN, &a, &r, f)) {
        finish_fault(x, f);
        return;
    }
    tlb_entry_t ne;
    memset(&ne, 0, sizeof ne);
    uint64_t mask = (UINT64_C(1) << r.shift) - 1;
    ne.va = ipa & ~mask;
    ne.pa = r.oa - (ipa & mask);
    ne.ipa = ne.va;
    ne.ctx = x->ctx;
    ne.shift = r.shift;
    ne.flags = TLBF_GLOBAL | (r.write_clean ? TLBF_S2DIRTY_CLEAN : 0);
    ne.perm1 = P1_ALL;
    ne.perm2 = r.perm;
    ne.level = (uint8_t)r.level;
    ne.gshift = x->ste->s2.gshift;
    ne.attr = r.attr;
    result_from_entry(x, &ne, ipa);
    insert_tlbs(x, &ne, ipa);
}

/* Stage-1 input checks (3.4.1, 5.4): table selection, TBI, range. Returns the TTB half or
 * -1 after an F_TRANSLATION; *key receives the TBI-canonical address used as TLB tag. */
static int s1_select(xctx_t *x, uint64_t va, uint64_t *key)
{
    const smmu_cd_t *cd = x->cd;
    int sel = cd->two_ranges ? (int)((va >> 55) & 1u) : 0;
    if ((va & cd->rmask[sel]) != cd->rwant[sel]) {
        fault_s1(x, EVT_F_TRANSLATION, false);
        return -1;
    }
    *key = cd->tbi[sel] ? (uint64_t)((int64_t)(va << 8) >> 8) : va;
    return sel;
}

/* Combine a stage-1 walk result with stage 2 (nested) into a TLB entry. */
static bool s1_finish_nested(xctx_t *x, uint64_t key, const ptw_result_t *r1, tlb_entry_t *ne,
                             smmu_fault_t *f)
{
    ptw_access_t a = {x->write, x->instr, x->priv, x->debug, x->ats == ATS_TREQ};
    ptw_result_t r2;
    if (x->ats == ATS_TREQ && ats_perm(x, r1->perm, P2_ALL) == 0) {
        /* 3.9.1.2: a stage-1 result granting nothing is not translated at stage 2 */
        memset(f, 0, sizeof *f);
        f->type = EVT_F_PERMISSION;
        f->class_ = CLASS_IN;
        return false;
    }
    if (!s2_walk(x, r1->oa, CLASS_IN, &a, &r2, f))
        return false;
    unsigned shift = r1->shift < r2.shift ? r1->shift : r2.shift;
    uint64_t mask = (UINT64_C(1) << shift) - 1;
    ne->shift = (uint8_t)shift;
    ne->va = key & ~mask;
    ne->pa = r2.oa - (key & mask);
    ne->ipa = r1->oa - (key & mask);
    ne->ipa_mask = (UINT64_C(1) << r2.shift) - 1;
    ne->perm2 = r2.perm;
    ne->s2level = (uint8_t)r2.level;
    ne->s2gshift = x->ste->s2.gshift;
    if (r2.write_clean)
        ne->flags |= TLBF_S2DIRTY_CLEAN;
    return true;
}

static void s1_walk_path(xctx_t *x, uint64_t va, uint64_t key, smmu_fault_t *f)
{
    smmu_t *s = x->s;
    x->out->hit = SMMU_HIT_WALK;
    if (!x->debug)
        s->stats.walks++;
    ptw_access_t a = {x->write, x->instr, x->priv, x->debug, x->ats == ATS_TREQ};
    bool wc = walkc_enabled(s, 1) && !x->debug;
    ptw_io_t io = {x, s1_read, s1_update, wc ? s1_wc_lookup : NULL, wc ? s1_wc_insert : NULL};
    ptw_result_t r1;
    unsigned reads = 0;
    if (!ptw_walk(x->s1cfg, key, &a, &io, &r1, f, &reads)) {
        finish_fault(x, f);
        return;
    }
    tlb_entry_t ne;
    memset(&ne, 0, sizeof ne);
    ne.ctx = x->ctx;
    ne.asid = x->asid;
    ne.flags = (uint8_t)((r1.global ? TLBF_GLOBAL : 0) | (r1.write_clean ? TLBF_S1DIRTY_CLEAN : 0));
    ne.perm1 = r1.perm;
    ne.level = (uint8_t)r1.level;
    ne.gshift = x->s1cfg->gshift;
    ne.attr = (uint8_t)(x->cd->mair >> (8 * r1.attr));
    if (x->ste->s2_en) {
        if (!s1_finish_nested(x, key, &r1, &ne, f)) {
            finish_fault(x, f);
            return;
        }
    } else {
        uint64_t mask = (UINT64_C(1) << r1.shift) - 1;
        ne.shift = r1.shift;
        ne.va = key & ~mask;
        ne.pa = r1.oa - (key & mask);
        ne.ipa = ne.pa;
        ne.perm2 = P2_ALL;
    }
    result_from_entry(x, &ne, key);
    if (x->split)
        x->out->pa = ne.ipa + (x->out->pa - ne.pa);
    insert_tlbs(x, &ne, va);
}

static void s1_path(xctx_t *x, uint64_t va, smmu_fault_t *f)
{
    smmu_t *s = x->s;
    const smmu_cd_t *cd = x->cd;
    if (x->ste->regime != REGIME_NS_EL1 && x->ste->regime != REGIME_NS_EL2_E2H) {
        /* 13.4: one-privilege regimes check every access as privileged; the event still
         * reports the transaction's PnU (7.3) */
        x->one_priv = true;
        x->pnu_report = x->priv;
        x->priv = true;
    }
    uint64_t key;
    int sel = s1_select(x, va, &key);
    if (sel < 0)
        return;
    x->s1cfg = &cd->tt[sel];
    if (cd->e0pd[sel] && !x->priv) {
        fault_s1(x, EVT_F_TRANSLATION, false); /* 5.4 E0PDx */
        return;
    }
    tlb_hot_t *e = NULL;
    if (s->iotlb && !x->debug) {
        if (x->iotlb_missed) { /* probed already (iotlb_fast): the lookup is counted here */
            s->stats.iotlb.lookups++;
            s->stats.iotlb.misses++;
        } else {
            e = tlb_lookup(s->iotlb, key, x->ctx, x->asid, &s->stats.iotlb);
        }
    }
    if (e) {
        int chk = perm_check(e->perm1, e->perm2, e->flags, x->write, x->instr, x->priv);
        if (chk == 0 || (x->ats == ATS_TREQ && chk != 3)) {
            x->out->hit = SMMU_HIT_IOTLB;
            result_from_hot(x, e, key);
            if (x->split)
                x->out->pa = tlb_cold(s->iotlb, e)->ipa + (x->out->pa - e->pa);
            utlb_refill(x, e);
            return;
        }
        if (chk != 3) {
            /* permission fault from the cached entry: stage 1 first (A: D8.4.5) */
            memset(f, 0, sizeof *f);
            f->type = EVT_F_PERMISSION;
            f->class_ = CLASS_IN;
            if (chk == 2) {
                f->s2 = true;
                f->ipa = tlb_cold(s->iotlb, e)->ipa + (key & ((UINT64_C(1) << hot_shift(e)) - 1));
            }
            finish_fault(x, f);
            return;
        }
        tlb_remove(s->iotlb, e, &s->stats.iotlb);
    }
    if (cd->epd[sel]) {
        fault_s1(x, EVT_F_TRANSLATION, false); /* 5.4: TLB miss with walks disabled */
        return;
    }
    s1_walk_path(x, va, key, f);
}

static void bypass_result(xctx_t *x, smmu_xlate_status_t st)
{
    x->out->status = st;
    x->out->pa = x->txn->iova;
    x->out->page_mask = 0xFFF;
    x->out->perm = SMMU_PERM_R | SMMU_PERM_W | SMMU_PERM_X;
    if (x->ats == ATS_TREQ) {
        /* 3.9.1.2: stage 1 skipped by S1DSS with no stage 2: Success, identity, R = W = 1 */
        x->out->status = SMMU_XLATE_OK;
        x->out->ats = SMMU_ATS_SUCCESS;
        x->out->perm = SMMU_PERM_R | SMMU_PERM_W;
    }
    if (!x->debug)
        x->s->stats.bypassed++;
}

/* After the configuration: stage-1 bypass or translate, then stage 2 (3.3, 5.2 Config). */
static void run_stages(xctx_t *x)
{
    const smmu_ste_t *ste = x->ste;
    uint64_t iova = x->txn->iova;
    smmu_fault_t f;
    if (ste->config == 4) {
        /* bypass: the input must fit the OAS (3.4), else F_ADDR_SIZE */
        if (iova >> x->s->oas_bits)
            fault_s1(x, EVT_F_ADDR_SIZE, true);
        else
            bypass_result(x, SMMU_XLATE_BYPASS);
        return;
    }
    if (!x->cd) {
        /* stage 1 bypassed: the input must fit the IAS (3.4, always abort, 3.12) */
        if (iova >> x->s->ias_bits) {
            fault_s1(x, EVT_F_ADDR_SIZE, true);
        } else if (ste->s2_en) {
            s2_only(x, iova, &f);
            if (x->split && x->out->status == SMMU_XLATE_OK)
                x->out->pa = iova; /* 13.6.5: split-stage, stage 1 skipped: identity IPA */
        } else {
            bypass_result(x, SMMU_XLATE_BYPASS);
        }
        return;
    }
    x->kind = ste->s2_en ? KIND_NESTED : KIND_S1;
    x->asid = x->cd->asid;
    x->ctx = ctx_make(x->kind, ste->regime, ste->vmid) | (x->cd->aset ? CTX_ASET : 0u);
    s1_path(x, iova, &f);
}

/* SMMUEN == 0: GBPA decides (6.3.14). */
static void gbpa_path(xctx_t *x)
{
    smmu_t *s = x->s;
    uint32_t g = s->r.gbpa;
    if (REG_GET(GBPA, ABORT, g) || (x->txn->iova >> s->oas_bits)) {
        x->out->status = SMMU_XLATE_ABORT; /* no event is recorded while SMMUEN == 0 */
        if (!x->debug)
            s->stats.aborted++;
        return;
    }
    bypass_result(x, SMMU_XLATE_BYPASS);
}

/* STE, then substream selection and CD (fault priority 7.3.22). Returns false when the
 * transaction has been terminated. x->cd stays NULL when stage 1 is not used. */
static bool get_config(xctx_t *x, smmu_ste_t *stebuf, smmu_cd_t *cdbuf)
{
    x->ste = get_ste(x, stebuf);
    if (!x->ste)
        return false;
    effective_access(x);
    if (x->ste->config == 0) {
        x->out->status = SMMU_XLATE_ABORT; /* 5.2: Config 0b000 aborts without an event */
        if (!x->debug)
            x->s->stats.aborted++;
        return false;
    }
    if (x->ste->config == 4) {
        if (x->txn->ssv) {
            fault_simple(x, EVT_C_BAD_SUBSTREAMID); /* no stage 1: SubstreamIDs are invalid */
            return false;
        }
        return true;
    }
    uint32_t idx = 0;
    int use_cd = select_cd(x, &idx);
    if (use_cd <= 0)
        return use_cd == 0;
    x->cd = get_cd(x, idx, cdbuf);
    return x->cd != NULL;
}

static void slow_path(xctx_t *x, unsigned port)
{
    smmu_t *s = x->s;
    smmu_ste_t stebuf;
    smmu_cd_t cdbuf;
    if (!get_config(x, &stebuf, &cdbuf))
        return;
    if (!x->debug && cfgc_cached(s, x->ste) && (!x->cd || cfgc_cached(s, x->cd))) {
        smmu_memo_t *m = &s->memo[memo_slot(port, x->txn->stream_id,
                                            SSID_TAG(x->txn->ssv, x->txn->substream_id))];
        m->sid = x->txn->stream_id;
        m->ssid_tag = SSID_TAG(x->txn->ssv, x->txn->substream_id);
        m->ste = x->ste;
        m->cd = x->cd;
        m->plan = x->cd ? MEMO_S1 : (x->ste->config == 6 ? MEMO_S2 : MEMO_OTHER);
        m->privcfg = x->ste->regime == REGIME_NS_EL2 ? 3 : x->ste->privcfg;
        m->instcfg = x->ste->instcfg;
        m->ctx = x->cd ? ctx_make(x->ste->s2_en ? KIND_NESTED : KIND_S1, x->ste->regime,
                                  x->ste->vmid) | (x->cd->aset ? CTX_ASET : 0u)
                       : ctx_make(KIND_S2, REGIME_NS_EL1, x->ste->vmid);
        m->asid = x->cd ? x->cd->asid : 0;
        m->kmix = tlb_kmix(m->ctx, m->asid);
        m->kmix_global = tlb_kmix(m->ctx, TLB_K2_GLOBAL);
        if (x->cd) {
            m->two_ranges = x->cd->two_ranges;
            for (unsigned i = 0; i < 2; i++) {
                m->tbi[i] = x->cd->tbi[i];
                m->e0pd[i] = x->cd->e0pd[i];
                m->rmask[i] = x->cd->rmask[i];
                m->rwant[i] = x->cd->rwant[i];
            }
        } else {
            m->s2_ia_bits = x->ste->s2.ia_bits;
        }
        cfgc_memo_fill(s, m);
    }
    run_stages(x);
}

/* Effective STE.EATS (5.2): 0b10 needs CR0.ATSCHK; bypass STEs behave as 0b00. */
static unsigned eff_eats(const xctx_t *x)
{
    unsigned eats = x->ste->eats;
    if (x->ste->config == 4 || (eats == 2 && !REG_GET(CR0ACK, ATSCHK, x->s->r.cr0ack)))
        return 0;
    return eats;
}

/* An ATS Translation Request (3.9.1.2, 13.6). */
static void ats_request(xctx_t *x, smmu_ste_t *stebuf, smmu_cd_t *cdbuf)
{
    smmu_t *s = x->s;
    x->ats = ATS_TREQ;
    if (!x->debug)
        s->stats.ats_requests++;
    if (!s->cfg.ats) {
        x->out->status = SMMU_XLATE_ABORT; /* no ATS interface: Unsupported Request */
        x->out->ats = SMMU_ATS_UR;
        return;
    }
    if (!smmu_enabled(s)) {
        fault_simple(x, EVT_F_BAD_ATS_TREQ);
        return;
    }
    x->ste = get_ste(x, stebuf);
    if (!x->ste)
        return;
    effective_access(x);
    /* 13.7.1: without a PASID, Priv and Exe of the request are 0 (Data, Unprivileged) */
    x->ats_exe = x->txn->ssv && x->txn->instr;
    x->instr = false;
    if (!x->txn->ssv && x->ste->privcfg < 2)
        x->priv = false;
    if (x->ste->config == 0) {
        x->out->status = SMMU_XLATE_ABORT; /* UR, no event */
        x->out->ats = SMMU_ATS_UR;
        return;
    }
    unsigned eats = eff_eats(x);
    if (eats == 0) {
        fault_simple(x, EVT_F_BAD_ATS_TREQ);
        return;
    }
    x->split = eats == 2;
    uint32_t idx = 0;
    int use_cd = select_cd(x, &idx);
    if (use_cd < 0)
        return;
    if (use_cd > 0 && !(x->cd = get_cd(x, idx, cdbuf)))
        return;
    run_stages(x);
}

/* An ATS Translated transaction (3.9.1.3): the address is a PA (full ATS) or an IPA
 * (split-stage ATS); only checked when CR0.ATSCHK == 1. */
static void ats_translated(xctx_t *x, smmu_ste_t *stebuf)
{
    smmu_t *s = x->s;
    x->ats = ATS_XLATED;
    x->priv = false; /* 3.9.1.3: without IDR3.PASIDTT, PnU = InD = 0, SSV = 0 */
    x->instr = false;
    if (!smmu_enabled(s) || !s->cfg.ats) {
        fault_simple(x, EVT_F_TRANSL_FORBIDDEN);
        return;
    }
    if (REG_GET(CR0ACK, ATSCHK, s->r.cr0ack)) {
        x->ste = get_ste(x, stebuf);
        if (!x->ste)
            return;
        effective_access(x);
        x->priv = x->ste->privcfg == 3;
        x->instr = !x->txn->write && x->ste->instcfg == 3;
        if (x->ste->config == 0) {
            x->out->status = SMMU_XLATE_ABORT; /* silently aborted */
            if (!x->debug)
                s->stats.aborted++;
            return;
        }
        unsigned eats = eff_eats(x);
        if (eats == 0) {
            fault_simple(x, EVT_F_TRANSL_FORBIDDEN);
            return;
        }
        if (eats == 2) {
            smmu_fault_t f;
            s2_only(x, x->txn->iova, &f); /* split-stage: stage 2 applies to the IPA */
            if (!x->debug && x->out->status == SMMU_XLATE_OK)
                s->stats.ats_translated++;
            return;
        }
    }
    /* 3.9.1.1: bits above the PA size abort without an event (our IMPLEMENTATION DEFINED
     * choice of the two the spec allows) */
    if (x->txn->iova >> s->oas_bits) {
        x->out->status = SMMU_XLATE_ABORT;
        if (!x->debug)
            s->stats.aborted++;
        return;
    }
    bypass_result(x, SMMU_XLATE_BYPASS);
    if (!x->debug)
        s->stats.ats_translated++;
}

/* A memo hit stands for the STE (and CD) configuration cache lookups it saves: count them
 * and touch the entries exactly as those lookups would. */
static SMMU_ALWAYS_INLINE void memo_count_hit(smmu_t *s, const smmu_memo_t *m)
{
    s->stats.ste_cache.lookups++;
    s->stats.ste_cache.hits++;
    cpol_touch_idx(m->ste_pol, m->ste_idx);
    if (m->cd) {
        s->stats.cd_cache.lookups++;
        s->stats.cd_cache.hits++;
        cpol_touch_idx(m->cd_pol, m->cd_idx);
    }
}

/* The IOTLB hit path for a memoised stream: no context structure, one probe. Returns false,
 * having changed nothing, when the slow path must run. */
static SMMU_ALWAYS_INLINE bool iotlb_fast(smmu_t *s, const smmu_txn_t *t, smmu_xlate_t *o,
                                          const smmu_memo_t *m, bool *missed)
{
    struct smmu_tlb *tlb = s->iotlb;
    if (m->plan == MEMO_OTHER || !tlb)
        return false;
    bool priv = m->privcfg >= 2 ? m->privcfg == 3 : t->priv;
    uint64_t key = t->iova;
    if (m->plan == MEMO_S1) {
        unsigned sel = m->two_ranges ? (unsigned)((key >> 55) & 1u) : 0;
        if ((key & m->rmask[sel]) != m->rwant[sel] || (m->e0pd[sel] && !priv))
            return false;
        if (m->tbi[sel])
            key = (uint64_t)((int64_t)(key << 8) >> 8);
    } else if (key >> m->s2_ia_bits) {
        return false;
    }
    tlb_hot_t *h = tlb_find_k(tlb, key, m->ctx, m->asid, m->kmix, m->kmix_global,
                              tlb->globals != 0);
    /* a stage-1 miss: the walk path need not probe again (s1_path counts the lookup) */
    *missed = h == NULL && m->plan == MEMO_S1;
    unsigned ov = (unsigned)m->privcfg << 2 | m->instcfg;
    if (!h || !(((unsigned)(s->acls1[ov][h->perm1] & s->acls2[ov][h->perm2]) >> FAST_CLASS(t)) & 1u))
        return false;
    memo_count_hit(s, m);
    s->stats.iotlb.lookups++;
    s->stats.iotlb.hits++;
    cpol_touch_idx(&tlb->pol, h->idx);
    utlb_fill(s, t, tlb_cold(tlb, h), m->privcfg, m->instcfg);
    uint64_t mask = (UINT64_C(1) << hot_shift(h)) - 1;
    o->status = SMMU_XLATE_OK;
    o->pa = h->pa + (key & mask);
    o->page_mask = mask;
    o->perm = out_perm(h->perm1, h->perm2, priv);
    o->mem_attr = h->attr;
    o->hit = SMMU_HIT_IOTLB;
    o->work.cfg_hit = true;
    return true;
}

/* The stream's configuration memo (one per port and StreamID slot): skips the configuration
 * lookups for a stream seen before. */
static bool memo_path(xctx_t *x, unsigned port)
{
    smmu_t *s = x->s;
    const smmu_txn_t *t = x->txn;
    uint32_t tag = SSID_TAG(t->ssv, t->substream_id);
    smmu_memo_t *m = &s->memo[memo_slot(port, t->stream_id, tag)];
    if (m->gen != s->cfg_gen || m->sid != t->stream_id || m->ssid_tag != tag)
        return false;
    memo_count_hit(s, m);
    x->out->work.cfg_hit = true;
    x->ste = m->ste;
    x->cd = m->cd;
    effective_access(x);
    run_stages(x);
    return true;
}

/* A hit on the port's fast entry (its micro-TLB's most recently used entry) changes no
 * replacement state, except an LFU use count. */
static SMMU_ALWAYS_INLINE void fast_touch(smmu_t *s, unsigned port, const smmu_fast_t *f)
{
    if (SMMU_UNLIKELY(s->cfg.utlb.policy == SMMU_POLICY_LFU))
        s->utlb[port]->pol.meta[f->idx]++; /* cpol_touch() of an LFU entry, without a call */
}

static SMMU_ALWAYS_INLINE void fast_out(const smmu_fast_t *f, unsigned p, uint64_t iova,
                                        smmu_xlate_t *o)
{
    o->status = SMMU_XLATE_OK;
    o->pa = f->pa + (iova & ~f->nmask);
    o->page_mask = ~f->nmask;
    o->perm = (uint8_t)(p & 7u);
    o->mem_attr = f->attr;
    o->hit = SMMU_HIT_UTLB;
}

/* Does the port's fast entry f answer transaction t (SubstreamID tag, access class cls)? */
static SMMU_ALWAYS_INLINE bool fast_match(const smmu_t *s, const smmu_fast_t *f,
                                          const smmu_txn_t *t, uint32_t tag, unsigned cls)
{
    return (t->iova & f->nmask) == f->va && t->stream_id == f->sid && tag == f->ssid_tag &&
           f->epoch == s->epoch && FAST_PERM(f->perm, cls) != 0;
}

/* Micro-TLB path: the port's fast entry first (no hashing at all; skipped when the caller
 * has just checked it), then the rest. A hit also counts the stream's statistics, through
 * the track its fast entry keeps. */
static SMMU_ALWAYS_INLINE bool utlb_path(smmu_t *s, const smmu_txn_t *t, smmu_xlate_t *o,
                                         unsigned port, bool fast_checked)
{
    struct smmu_tlb *u = s->utlb[port];
    if (!u)
        return false;
    uint32_t tag = SSID_TAG(t->ssv, t->substream_id);
    unsigned cls = FAST_CLASS(t);
    smmu_fast_t *f = &s->fast[port];
    if (!fast_checked && fast_match(s, f, t, tag, cls)) {
        s->stats.utlb.lookups++;
        s->stats.utlb.hits++;
        fast_touch(s, port, f);
    } else {
        /* the micro-TLB lookup, keyed by StreamID and SubstreamID (no global entries) */
        tlb_hot_t *h = tlb_find_k(u, t->iova, t->stream_id, tag, tlb_kmix(t->stream_id, tag), 0,
                                  false);
        s->stats.utlb.lookups++;
        if (!h) {
            s->stats.utlb.misses++;
            return false;
        }
        s->stats.utlb.hits++;
        /* micro-TLBs are fully associative (smmu_config_check): set 0, way = entry number */
        if (SMMU_LIKELY(u->pol.lru_list))
            cpol_lru_list_hit(&u->pol, 0, h->idx);
        else
            cpol_touch_idx(&u->pol, h->idx);
        const tlb_entry_t *e = tlb_cold(u, h);
        if (!FAST_PERM(e->fperm, cls)) {
            f->epoch = 0; /* the entry hit is now the most recently used, not f's */
            return false; /* the slow path reports the fault (or does the dirty update) */
        }
        fast_set(s, f, h, e, t->iova);
    }
    if (SMMU_UNLIKELY(f->track != NULL)) {
        f->track->st.translations++;
        f->track->st.utlb_hits++;
    }
    fast_out(f, FAST_PERM(f->perm, cls), t->iova, o);
    return true;
}

/* Only what a successful translation reports is initialised on the fast path; the event
 * and the work counters are valid as documented in smmuv3_types.h. */
static inline void out_init(smmu_xlate_t *o)
{
    o->recorded = false;
    o->stall_tag = 0;
    o->event.type = 0;
    o->work = (smmu_work_t){0};
}

/* Everything but the micro-TLB and memoised-IOTLB hits: kept out of line so the hit paths
 * stay small. */
static __attribute__((noinline)) void xlate_slow(smmu_t *s, const smmu_txn_t *t,
                                                 smmu_xlate_t *o, bool fast, unsigned port,
                                                 bool iotlb_missed)
{
    bool debug = (t->flags & SMMU_TXN_DEBUG) != 0;
    if (SMMU_UNLIKELY(t->secure) && !s->warned_secure) {
        s->warned_secure = true;
        smmu_logf(s, SMMU_LOG_UNIMP,
                  "Secure streams are not modelled: StreamID 0x%x is translated as Non-secure",
                  t->stream_id);
    }
    o->status = SMMU_XLATE_ABORT;
    o->pa = 0;
    o->page_mask = 0;
    o->perm = 0;
    o->hit = SMMU_HIT_NONE;
    o->mem_attr = 0;
    o->ats = SMMU_ATS_NONE;
    xctx_t x;
    memset(&x, 0, sizeof x);
    x.s = s;
    x.txn = t;
    x.out = o;
    x.debug = debug;
    x.write = t->write;
    x.priv = t->priv;
    x.instr = t->instr && !t->write;
    if (t->atype != SMMU_ATYPE_UNTRANSLATED) {
        smmu_ste_t stebuf;
        smmu_cd_t cdbuf;
        if (t->atype == SMMU_ATYPE_ATS_REQUEST)
            ats_request(&x, &stebuf, &cdbuf);
        else
            ats_translated(&x, &stebuf);
        return;
    }
    if (!smmu_enabled(s)) {
        gbpa_path(&x);
        return;
    }
    /* the memo iotlb_fast() used is the one memo_path() takes: same STE, CD and key */
    x.iotlb_missed = iotlb_missed;
    if (fast && memo_path(&x, port))
        return;
    x.iotlb_missed = false;
    slow_path(&x, port);
}

/* Returns true when the translation's per-StreamID statistics are counted already (a
 * micro-TLB hit counts them through its fast entry). */
static SMMU_ALWAYS_INLINE bool xlate_body(smmu_t *s, const smmu_txn_t *t, smmu_xlate_t *o,
                                          bool fast_checked)
{
    out_init(o);
    bool missed = false;
    bool fast = t->flags == 0 && t->atype == SMMU_ATYPE_UNTRANSLATED && smmu_enabled(s);
    unsigned port = t->port < s->cfg.num_ports ? t->port : 0;
    if (SMMU_LIKELY(fast)) {
        s->stats.translations++;
        if (utlb_path(s, t, o, port, fast_checked))
            return true;
        uint32_t tag = SSID_TAG(t->ssv, t->substream_id);
        const smmu_memo_t *m = &s->memo[memo_slot(port, t->stream_id, tag)];
        if (m->gen == s->cfg_gen && m->sid == t->stream_id && m->ssid_tag == tag &&
            iotlb_fast(s, t, o, m, &missed))
            return false;
    } else if (!(t->flags & SMMU_TXN_DEBUG)) {
        s->stats.translations++;
    }
    xlate_slow(s, t, o, fast, port, missed);
    return false;
}

/* One translation with its per-StreamID and PMCG accounting. fast_checked: the caller found
 * that the port's fast entry does not answer t. */
static SMMU_ALWAYS_INLINE void xlate_counted(smmu_t *s, const smmu_txn_t *t, smmu_xlate_t *o,
                                             bool fast_checked)
{
    bool noted = xlate_body(s, t, o, fast_checked);
    if (SMMU_UNLIKELY(s->streams != NULL) && !noted && !(t->flags & SMMU_TXN_DEBUG))
        stats_stream_note(s, t->stream_id, o);
    if (SMMU_UNLIKELY(s->pmcg_on) && !(t->flags & SMMU_TXN_DEBUG))
        pmcg_account(s, t, o);
}

void xlate_one(smmu_t *s, const smmu_txn_t *t, smmu_xlate_t *o)
{
    xlate_counted(s, t, o, false);
}

/* Same-page reuse: the port's fast entry, checked before anything else. Not taken while
 * PMCG counters need every translation. */
static SMMU_ALWAYS_INLINE bool same_page(smmu_t *s, const smmu_txn_t *t, smmu_xlate_t *o)
{
    unsigned port = t->port < s->cfg.num_ports ? t->port : 0;
    const smmu_fast_t *f = &s->fast[port];
    unsigned cls = FAST_CLASS(t);
    if (SMMU_UNLIKELY(!fast_match(s, f, t, SSID_TAG(t->ssv, t->substream_id), cls) ||
                      (t->flags | (unsigned)t->atype) != 0 || s->pmcg_on))
        return false;
    s->fast_hits++;
    if (SMMU_UNLIKELY(f->track != NULL)) {
        f->track->st.translations++;
        f->track->st.utlb_hits++;
    }
    fast_touch(s, port, f);
    fast_out(f, FAST_PERM(f->perm, cls), t->iova, o);
    o->recorded = false;
    o->stall_tag = 0;
    o->event.type = 0;
    o->work = (smmu_work_t){0};
    return true;
}

/* Everything after a same-page miss. With PMCG counting on, same_page() does not look at
 * the fast entry, so the micro-TLB path must. */
static __attribute__((noinline)) void translate_miss(smmu_t *smmu, const smmu_txn_t *txn,
                                                     smmu_xlate_t *out)
{
    xlate_counted(smmu, txn, out, !smmu->pmcg_on);
}

static SMMU_ALWAYS_INLINE void translate_full(smmu_t *smmu, const smmu_txn_t *txn,
                                              smmu_xlate_t *out)
{
    if (SMMU_LIKELY(same_page(smmu, txn, out)))
        return;
    translate_miss(smmu, txn, out);
}

void smmu_translate(smmu_t *smmu, const smmu_txn_t *txn, smmu_xlate_t *out)
{
    translate_full(smmu, txn, out);
}

/* The cookie is bound to this transaction while it translates; stall_hold() (stall.c) keeps
 * it with the stalled transaction and hands it back through host_ops.stall_done (3.12.2). */
void smmu_translate_stallable(smmu_t *smmu, const smmu_txn_t *txn, uint64_t cookie,
                              smmu_xlate_t *out)
{
    stall_cookie_t prev = stall_cookie_bind(smmu, txn, cookie);
    translate_full(smmu, txn, out);
    stall_cookie_restore(smmu, prev);
}

void smmu_translate_batch_stallable(smmu_t *smmu, const smmu_txn_t *in, smmu_xlate_t *out,
                                    size_t n, uint64_t cookie_base)
{
    stall_cookie_t prev = smmu->stall_bound;
    for (size_t i = 0; i < n; i++) {
        if (SMMU_LIKELY(same_page(smmu, &in[i], &out[i])))
            continue; /* a hit cannot stall: no cookie to bind */
        smmu->stall_bound.txn = &in[i];
        smmu->stall_bound.cookie = cookie_base + (uint64_t)i;
        translate_miss(smmu, &in[i], &out[i]);
    }
    smmu->stall_bound = prev;
}

/* In order, cookie = index; a stalled element does not hold back later ones (3.12.2: later
 * transactions may overtake a stalled one). */
void smmu_translate_batch(smmu_t *smmu, const smmu_txn_t *in, smmu_xlate_t *out, size_t n)
{
    smmu_translate_batch_stallable(smmu, in, out, n, 0);
}
