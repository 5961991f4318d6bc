/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Stream table lookup and STE decoding. Arm IHI 0070 G.b 3.3 (stream table), 5.1 (L1STD),
 * 5.2 (STE, including the SteIllegal() rules), 6.3.24-6.3.25 (STRTAB_BASE/_CFG).
 */
#include "ptw.h"

/* ---------------------------------------------------------------------------------------- */
/* Fetch                                                                                     */
/* ---------------------------------------------------------------------------------------- */

static bool bad_sid(smmu_fault_t *f)
{
    f->type = EVT_C_BAD_STREAMID;
    return false;
}

static bool fetch_abort(smmu_fault_t *f, uint64_t pa)
{
    f->type = EVT_F_STE_FETCH;
    f->fetch_addr = pa;
    return false;
}

/* Address of the STE of sid in a 2-level table, or false with *f (5.1, 6.3.25). */
static bool ste_addr_2lvl(smmu_t *s, uint64_t base, unsigned log2size, uint32_t sid,
                          uint64_t *ste_pa, smmu_fault_t *f, smmu_work_t *w)
{
    unsigned split = (unsigned)REG_GET(STRTAB_BASE_CFG, SPLIT, s->r.strtab_base_cfg);
    if (split != 6 && split != 8 && split != 10)
        split = 6; /* 6.3.25: other values behave as 6 */
    /* 6.3.24: the L1 table base is aligned: ADDR[MAX(5, LOG2SIZE - SPLIT - 1 + 3):0] == 0 */
    int top = (int)log2size - (int)split + 2;
    unsigned align = (unsigned)(top > 5 ? top : 5) + 1;
    uint64_t l1_pa = (base & ~((UINT64_C(1) << align) - 1)) + ((uint64_t)(sid >> split) << 3);
    uint64_t l1;
    w->cfg_reads++;
    if (mem_read64(s, l1_pa, &l1, false, SMMU_ACCESS_STE) != SMMU_MEM_OK)
        return fetch_abort(f, l1_pa);
    unsigned span = (unsigned)VGET(L1STD_SPAN, l1);
    uint32_t l2_idx = sid & ((1u << split) - 1u);
    /* 5.1: Span 0 is invalid, 12..31 reserved (behave as 0); Span may not exceed SPLIT + 1;
     * the L2 array holds 2^(Span-1) STEs */
    if (span == 0 || span > 11 || span > split + 1 || l2_idx >= (1u << (span - 1)))
        return bad_sid(f);
    uint64_t l2 = (uint64_t)VGET(L1STD_L2PTR, l1) << L1STD_L2PTR_LSB;
    l2 &= ~((UINT64_C(1) << (span - 1 + 6)) - 1) & bits_mask(52);
    *ste_pa = l2 + ((uint64_t)l2_idx << 6);
    return true;
}

bool ste_fetch(smmu_t *s, uint32_t sid, uint64_t ste[8], smmu_fault_t *f, smmu_work_t *w)
{
    uint32_t cfg = s->r.strtab_base_cfg;
    unsigned log2size = (unsigned)REG_GET(STRTAB_BASE_CFG, LOG2SIZE, cfg);
    unsigned eff = log2size < s->cfg.sidsize ? log2size : s->cfg.sidsize;
    /* 3.3.1: StreamIDs at or above 2^MIN(LOG2SIZE, IDR1.SIDSIZE) are out of range */
    if ((uint64_t)sid >> eff)
        return bad_sid(f);
    uint64_t base = s->r.strtab_base & REG_MASK(STRTAB_BASE, ADDR);
    uint64_t ste_pa;
    if (s->cfg.st_2level && REG_GET(STRTAB_BASE_CFG, FMT, cfg) == 1) {
        if (!ste_addr_2lvl(s, base, log2size, sid, &ste_pa, f, w))
            return false;
    } else {
        /* linear (FMT 1x behaves as 00): ADDR[LOG2SIZE + 5:0] are treated as zero */
        unsigned a = log2size + 6 > 63 ? 63 : log2size + 6;
        ste_pa = (base & ~((UINT64_C(1) << a) - 1)) + ((uint64_t)sid << 6);
    }
    w->cfg_reads++;
    if (mem_read_dwords(s, ste_pa, ste, 8, SMMU_ACCESS_STE) != SMMU_MEM_OK)
        return fetch_abort(f, ste_pa);
    return true;
}

/* ---------------------------------------------------------------------------------------- */
/* Decode                                                                                    */
/* ---------------------------------------------------------------------------------------- */

static const uint8_t ps_bits[8] = {32, 36, 40, 42, 44, 48, 52, 52};

unsigned smmu_ps_bits(const smmu_t *s, unsigned enc)
{
    /* 110 (52 bits) needs SMMUv3.1; 111 (56 bits) is SMMUv3.4: both behave as the largest
     * size implemented. Sizes above the OAS are capped at the OAS (5.2 S2PS, 5.4 IPS). */
    unsigned b = ps_bits[enc & 7u];
    return b > s->oas_bits ? s->oas_bits : b;
}

static unsigned s2tg_shift(unsigned tg)
{
    return tg == 0 ? 12 : tg == 1 ? 16 : tg == 2 ? 14 : 0;
}

static bool gran_ok(const smmu_t *s, unsigned gshift)
{
    return (gshift == 12 && s->cfg.gran4k) || (gshift == 14 && s->cfg.gran16k) ||
           (gshift == 16 && s->cfg.gran64k);
}

/* Stage-2 start level from S2SL0 (A: D8.2 VTCR_EL2.SL0 tables), or -2 if reserved. */
static int s2_start_level(const smmu_t *s, unsigned gshift, unsigned sl0, bool sl0_2, bool ds)
{
    if (gshift == 12) {
        if (ds && sl0_2)
            return sl0 == 0 ? -1 : -2;
        static const int l4k[4] = {2, 1, 0, 3};
        if (sl0 == 3 && !s->cfg.stt)
            return -2;
        if (sl0 == 2 && s->oas_bits < 44)
            return -2;
        return l4k[sl0];
    }
    if (gshift == 14) {
        static const int l16k[4] = {3, 2, 1, 0};
        if (sl0 == 3 && !ds)
            return -2;
        if (sl0 == 2 && s->oas_bits < 42)
            return -2;
        return l16k[sl0];
    }
    static const int l64k[4] = {3, 2, 1, -2};
    if (sl0 == 2 && s->oas_bits < 44)
        return -2;
    return l64k[sl0];
}

/* Largest TxSZ (5.2 STES2T0SZInvalid, 5.4 CDTxSZInvalid): 39, or 48/47 with IDR3.STT. */
unsigned smmu_tsz_max(const smmu_t *s, unsigned gshift)
{
    return s->cfg.stt ? (gshift == 16 ? 47u : 48u) : 39u;
}

/* Stage-2 fields (Config[1] == 1). Returns false if ILLEGAL. */
static bool decode_s2(const smmu_t *s, const uint64_t *ste, smmu_ste_t *o)
{
    const smmu_config_t *c = &s->cfg;
    ptw_cfg_t *p = &o->s2;
    if (!RGET(STE_S2AA64, ste))
        return false; /* VMSAv8-32 LPAE is not implemented (IDR0.TTF == 0b10) */
    o->s2s = RGET(STE_S2S, ste) != 0;
    o->s2r = RGET(STE_S2R, ste) != 0;
    if ((o->s2s && c->stall_model == 1) || (!o->s2s && c->stall_model == 2))
        return false;
    bool ha = RGET(STE_S2HA, ste) != 0, hd = RGET(STE_S2HD, ste) != 0;
    if (((ha || hd) && c->httu == 0) || (hd && c->httu == 1))
        return false;
    unsigned gshift = s2tg_shift((unsigned)RGET(STE_S2TG, ste));
    if (!gshift || !gran_ok(s, gshift))
        return false;
    bool ds = c->ds && gshift != 16 && RGET(STE_S2DS, ste);
    p->stage = 2;
    p->gshift = (uint8_t)gshift;
    p->oa_bits = (uint8_t)smmu_ps_bits(s, (unsigned)RGET(STE_S2PS, ste));
    p->ds = ds;
    p->lpa = gshift == 16 && p->oa_bits == 52;
    p->pamax52 = s->oas_bits >= 52;
    p->ha = ha && c->httu >= 1;
    p->hd = hd && ha && c->httu >= 2;
    p->affd = RGET(STE_S2AFFD, ste) != 0;
    p->big_endian = RGET(STE_S2ENDI, ste) != 0;
    p->xnx = c->xnx;
    p->s2ptw = RGET(STE_S2PTW, ste) != 0;
    if ((c->ttendian == 2 && p->big_endian) || (c->ttendian == 3 && !p->big_endian))
        return false;
    /* S2T0SZ within [min, max] (v3.1+; CONSTRAINED UNPREDICTABLE in v3.0: treated as ILLEGAL) */
    /* 5.2: min = MAX(16, 64 - IAS) for 4K/16K without DS, MAX(12, 64 - IAS) otherwise */
    unsigned t0sz = (unsigned)RGET(STE_S2T0SZ, ste);
    unsigned tmax = smmu_tsz_max(s, gshift);
    unsigned tmin = (gshift == 16 || ds) ? 12u : 16u;
    if (64u - s->ias_bits > tmin)
        tmin = 64u - s->ias_bits;
    if (t0sz < tmin || t0sz > tmax)
        return false;
    p->ia_bits = (uint8_t)(64 - t0sz);
    int sl = s2_start_level(s, gshift, (unsigned)RGET(STE_S2SL0, ste),
                            ds && RGET(STE_S2SL0_2, ste), ds);
    if (sl < -1)
        return false;
    /* consistency with S2T0SZ, up to 16 concatenated initial tables (A: D8.2.6) */
    unsigned st = gshift - 3, levels = (unsigned)(3 - sl);
    if (p->ia_bits < levels * st + gshift + 1 || p->ia_bits > levels * st + gshift + st + 4)
        return false;
    p->start_level = (int8_t)sl;
    /* S2TTB: within the effective S2PS (and 48 bits unless 64K/DS), aligned to the
     * (concatenated) initial table, whose low address bits are treated as zero */
    uint64_t ttb = (RGET(STE_S2TTB, ste) << 4) & bits_mask(56);
    unsigned lim = (gshift == 16 || ds) ? p->oa_bits : (p->oa_bits > 48 ? 48 : p->oa_bits);
    if (ttb >> lim)
        return false;
    unsigned tbl_bits = p->ia_bits - (gshift + st * levels) + 3;
    if (tbl_bits < 6 && p->oa_bits == 52)
        tbl_bits = 6;
    p->ttb = ttb & ~((UINT64_C(1) << tbl_bits) - 1);
    return true;
}

/* Stage-1 fields (Config[0] == 1). Returns false if ILLEGAL. */
static bool decode_s1(const smmu_t *s, const uint64_t *ste, smmu_ste_t *o)
{
    const smmu_config_t *c = &s->cfg;
    o->s1stalld = RGET(STE_S1STALLD, ste) != 0;
    if (o->s1stalld && c->stall_model != 0)
        return false;
    o->s1cdmax = (uint8_t)RGET(STE_S1CDMAX, ste);
    o->s1fmt = (uint8_t)RGET(STE_S1FMT, ste);
    o->s1dss = (uint8_t)RGET(STE_S1DSS, ste);
    if (c->ssidsize == 0) {
        o->s1cdmax = 0; /* 5.2: S1CDMax, S1Fmt and S1DSS are IGNORED without substreams */
    } else {
        if (o->s1cdmax > c->ssidsize)
            return false;
        if (o->s1fmt == 3)
            o->s1fmt = 0;
        if (o->s1cdmax && !c->cd2l && o->s1fmt != 0)
            return false;
        if (o->s1dss == 3)
            o->s1dss = 0;
    }
    o->s1ctxptr = (RGET(STE_S1CONTEXTPTR, ste) << STE_S1CONTEXTPTR_LSB) & bits_mask(56);
    /* 3.4.3 (v3.1+): S1ContextPtr beyond the PA size (S2 off) or IPA size (S2 on) */
    unsigned lim = o->s2_en ? s->ias_bits : s->oas_bits;
    if (c->arch_minor >= 1 && (o->s1ctxptr >> lim))
        return false;
    return true;
}

static void decode_overrides(const smmu_t *s, const uint64_t *ste, smmu_ste_t *o)
{
    if (s->cfg.attr_types_ovr) {
        o->mtcfg = (uint8_t)RGET(STE_MTCFG, ste);
        o->memattr = (uint8_t)RGET(STE_MEMATTR, ste);
        o->alloccfg = (uint8_t)RGET(STE_ALLOCCFG, ste);
        o->shcfg = (uint8_t)RGET(STE_SHCFG, ste);
    } else {
        o->shcfg = 1; /* use incoming */
    }
    if (s->cfg.attr_perms_ovr) {
        o->privcfg = (uint8_t)RGET(STE_PRIVCFG, ste);
        o->instcfg = (uint8_t)RGET(STE_INSTCFG, ste);
    }
}

/* ATS-related ILLEGAL cases (5.2 EATS). */
static bool eats_legal(const smmu_t *s, const smmu_ste_t *o)
{
    if (!s->cfg.ats)
        return true;
    switch (o->eats) {
    case 2: return o->config == 7 && !o->s2s && !s->cfg.ns1ats;
    case 1: return !(o->s2_en && o->s2s);
    default: return true;
    }
}

bool ste_decode(const smmu_t *s, const uint64_t ste[8], smmu_ste_t *o)
{
    memset(o, 0, sizeof *o);
    if (!RGET(STE_V, ste))
        return false;
    o->config = (uint8_t)RGET(STE_CONFIG, ste);
    if (!(o->config & 4u)) {
        o->config = 0; /* 0b0xx: abort (reserved encodings behave as 0b000) */
        return true;
    }
    o->s1_en = (o->config & 1u) != 0;
    o->s2_en = (o->config & 2u) != 0;
    decode_overrides(s, ste, o);
    o->eats = s->cfg.ats ? (uint8_t)RGET(STE_EATS, ste) : 0;
    if (o->eats == 3)
        o->eats = 0; /* 5.2: Full ATS with DPT is Reserved without IDR3.DPT, behaves as 0b00 */
    o->mev = RGET(STE_MEV, ste) != 0;
    o->ppar = RGET(STE_PPAR, ste) != 0;
    if (o->config == 4)
        return true; /* bypass: stage fields are IGNORED */
    if ((o->s1_en && !s->cfg.s1p) || (o->s2_en && !s->cfg.s2p))
        return false;
    /* S2VMID tags stage-2 and NS-EL1 stage-1 entries whenever stage 2 is implemented */
    uint16_t vmid = (uint16_t)RGET(STE_S2VMID, ste);
    if (s->cfg.s2p) {
        if (!s->cfg.vmid16 && (vmid >> 8))
            return false;
        o->vmid = vmid;
    }
    o->regime = REGIME_NS_EL1;
    if (o->s1_en && !o->s2_en && s->cfg.hyp) {
        unsigned strw = (unsigned)RGET(STE_STRW, ste);
        if (strw & 1u)
            return false; /* x1: Secure/EL3 StreamWorlds are ILLEGAL for a NS STE */
        if (strw == 2)
            o->regime = REG_GET(CR2, E2H, s->r.cr2) ? REGIME_NS_EL2_E2H : REGIME_NS_EL2;
    }
    if (o->regime != REGIME_NS_EL1)
        o->vmid = 0; /* EL2 regimes have no VMID */
    if (o->s2_en && !decode_s2(s, ste, o))
        return false;
    if (o->s1_en && !decode_s1(s, ste, o))
        return false;
    return eats_legal(s, o);
}
