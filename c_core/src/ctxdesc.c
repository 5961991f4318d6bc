/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Context descriptor tables and CD decoding. Arm IHI 0070 G.b 5.2 (S1Fmt, S1ContextPtr,
 * S1CDMax), 5.3 (L1CD), 5.4 (CD, including the CdIllegal() rules).
 */
#include "ptw.h"

/* Read n dwords at a CD-table address, through stage 2 when the table lives in IPA space. */
static bool cd_read(smmu_t *s, uint64_t addr, uint64_t *dw, unsigned n, smmu_fault_t *f,
                    smmu_work_t *w, cd_ipa_xlate_fn xl, void *xctx)
{
    uint64_t pa = addr;
    if (xl && !xl(xctx, addr, &pa, f))
        return false; /* stage-2 fault, CLASS = CD */
    w->cfg_reads++;
    if (mem_read_dwords(s, pa, dw, n, SMMU_ACCESS_CD) != SMMU_MEM_OK) {
        memset(f, 0, sizeof *f);
        f->type = EVT_F_CD_FETCH;
        f->fetch_addr = pa;
        return false;
    }
    return true;
}

bool cd_fetch(smmu_t *s, const smmu_ste_t *ste, uint32_t idx, uint64_t cd[8], smmu_fault_t *f,
              smmu_work_t *w, cd_ipa_xlate_fn xl, void *xctx)
{
    uint64_t ptr = ste->s1ctxptr & bits_mask(52);
    unsigned n = ste->s1cdmax;
    uint64_t addr;
    if (n == 0) {
        addr = ptr; /* a single CD */
    } else if (ste->s1fmt == 0) {
        /* linear: 2^n CDs, table aligned to its size (ptr[n+5:6] treated as zero) */
        addr = (ptr & ~((UINT64_C(1) << (n + 6)) - 1)) + ((uint64_t)idx << 6);
    } else {
        /* 2-level: L1CDs index SSID[n-1:6] (4KB leaves) or SSID[n-1:10] (64KB leaves) */
        unsigned leaf_bits = ste->s1fmt == 1 ? 6 : 10;
        unsigned l1_bits = n > leaf_bits ? n - leaf_bits : 0;
        unsigned l1_align = l1_bits + 3 < 6 ? 6 : l1_bits + 3;
        uint64_t l1_addr = (ptr & ~((UINT64_C(1) << l1_align) - 1)) +
                           ((uint64_t)(idx >> leaf_bits) << 3);
        uint64_t l1;
        if (!cd_read(s, l1_addr, &l1, 1, f, w, xl, xctx))
            return false;
        if (!VGET(L1CD_V, l1)) {
            memset(f, 0, sizeof *f);
            f->type = EVT_C_BAD_SUBSTREAMID; /* 5.3: invalid L1CD */
            return false;
        }
        uint64_t l2 = ((uint64_t)VGET(L1CD_L2PTR, l1) << L1CD_L2PTR_LSB) & bits_mask(56);
        if (leaf_bits == 10)
            l2 &= ~UINT64_C(0xFFFF); /* L2Ptr[15:12] RES0 for 64KB leaf tables */
        /* 5.3: an L2Ptr beyond the PA size (IPA size when the CD table is an IPA) makes the
         * L1CD invalid: C_BAD_SUBSTREAMID */
        if (l2 >> (xl ? s->ias_bits : s->oas_bits)) {
            memset(f, 0, sizeof *f);
            f->type = EVT_C_BAD_SUBSTREAMID;
            return false;
        }
        addr = l2 + ((uint64_t)(idx & ((1u << leaf_bits) - 1u)) << 6);
    }
    return cd_read(s, addr, cd, 8, f, w, xl, xctx);
}

/* TG0 / TG1 encodings (5.4): they differ. Returns the granule shift or 0 if reserved. */
static unsigned tg_shift(unsigned tg, bool tt1)
{
    static const unsigned t0[4] = {12, 16, 14, 0};
    static const unsigned t1[4] = {0, 14, 12, 16};
    return tt1 ? t1[tg & 3u] : t0[tg & 3u];
}

static bool gran_ok(const smmu_t *s, unsigned g)
{
    return (g == 12 && s->cfg.gran4k) || (g == 14 && s->cfg.gran16k) ||
           (g == 16 && s->cfg.gran64k);
}

/* One TTBx half. Returns false if ILLEGAL (only checked when the half is not disabled). */
static bool decode_tt(const smmu_t *s, const uint64_t *cd, unsigned x, unsigned ips_bits,
                      smmu_cd_t *o)
{
    ptw_cfg_t *p = &o->tt[x];
    unsigned tsz = (unsigned)(x ? RGET(CD_T1SZ, cd) : RGET(CD_T0SZ, cd));
    unsigned g = tg_shift((unsigned)(x ? RGET(CD_TG1, cd) : RGET(CD_TG0, cd)), x == 1);
    uint64_t ttb = x ? RGET(CD_TTB1, cd) << 4 : RGET(CD_TTB0, cd) << 4;
    bool ds = s->cfg.ds && RGET(CD_DS, cd) && g != 16;
    p->stage = 1;
    p->oa_bits = (uint8_t)ips_bits;
    p->ds = ds;
    p->lpa = g == 16 && ips_bits == 52;
    p->pamax52 = s->oas_bits >= 52;
    /* the range check (3.4.1) uses TxSZ even for a disabled half */
    p->ia_bits = (uint8_t)(64 - (tsz < 12 ? 12 : tsz > 48 ? 48 : tsz));
    if (o->epd[x])
        return true;
    if (!g || !gran_ok(s, g))
        return false;
    /* 5.4: min TxSZ 12 with 52-bit VA (VAX) for 64K or DS, else 16; max 39 (or STT) */
    unsigned tmin = (s->cfg.vax >= 1 && (g == 16 || ds)) ? 12u : 16u;
    if (tsz < tmin || tsz > smmu_tsz_max(s, g))
        return false;
    unsigned lim = (g == 16 || ds) ? ips_bits : (ips_bits > 48 ? 48 : ips_bits);
    if (ttb >> lim)
        return false; /* 5.4: TTBx outside the effective IPS */
    p->gshift = (uint8_t)g;
    p->ia_bits = (uint8_t)(64 - tsz);
    p->start_level = (int8_t)ptw_start_level(g, p->ia_bits);
    unsigned st = g - 3;
    unsigned tbl_bits = p->ia_bits - (g + st * (unsigned)(3 - p->start_level)) + 3;
    if (tbl_bits < 6 && ips_bits == 52)
        tbl_bits = 6; /* 5.4: at least 64-byte alignment with 52-bit IPS */
    p->ttb = ttb & ~((UINT64_C(1) << tbl_bits) - 1);
    return true;
}

/* Fault and HTTU configuration checks of CdIllegal() (5.4, 5.5). */
static bool cd_common_legal(const smmu_t *s, const smmu_ste_t *ste, const uint64_t *cd)
{
    const smmu_config_t *c = &s->cfg;
    bool sbit = RGET(CD_S, cd) != 0;
    if ((ste->s1stalld && sbit) || (c->term_model == 1 && !RGET(CD_A, cd)) ||
        (c->stall_model == 1 && sbit) || (c->stall_model == 2 && !sbit))
        return false;
    if (!RGET(CD_AA64, cd))
        return false; /* VMSAv8-32 LPAE is not implemented (IDR0.TTF == 0b10) */
    bool ha = RGET(CD_HA, cd) != 0, hd = RGET(CD_HD, cd) != 0;
    if (((ha || hd) && c->httu == 0) || (hd && c->httu == 1))
        return false;
    if (ste->regime != REGIME_NS_EL2 && !c->asid16 && (RGET(CD_ASID, cd) >> 8))
        return false;
    return true;
}

bool cd_decode(const smmu_t *s, const smmu_ste_t *ste, const uint64_t cd[8], smmu_cd_t *o)
{
    memset(o, 0, sizeof *o);
    if (!RGET(CD_V, cd) || !cd_common_legal(s, ste, cd))
        return false;
    bool one_range = ste->regime == REGIME_NS_EL2;
    o->two_ranges = !one_range;
    /* 5.4: TTB1 is unreachable in one-range StreamWorlds; EPDx are then effectively 0 */
    o->epd[0] = one_range ? false : RGET(CD_EPD0, cd) != 0;
    o->epd[1] = one_range ? true : RGET(CD_EPD1, cd) != 0;
    o->tbi[0] = RGET(CD_TBI0, cd) != 0;
    o->tbi[1] = !one_range && RGET(CD_TBI1, cd) != 0;
    o->e0pd[0] = s->cfg.e0pd && RGET(CD_E0PD0, cd);
    o->e0pd[1] = s->cfg.e0pd && !one_range && RGET(CD_E0PD1, cd);
    unsigned ips = smmu_ps_bits(s, (unsigned)RGET(CD_IPS, cd));
    for (unsigned x = 0; x < 2; x++)
        if (!decode_tt(s, cd, x, ips, o))
            return false;
    bool endi = RGET(CD_ENDI, cd) != 0;
    if ((!o->epd[0] || !o->epd[1]) &&
        ((s->cfg.ttendian == 2 && endi) || (s->cfg.ttendian == 3 && !endi)))
        return false;
    bool ha = RGET(CD_HA, cd) != 0, hd = RGET(CD_HD, cd) != 0;
    bool had[2] = {s->cfg.had && RGET(CD_HAD0, cd), s->cfg.had && RGET(CD_HAD1, cd)};
    o->wxn = RGET(CD_WXN, cd) != 0;
    o->pan = !one_range && RGET(CD_PAN, cd);
    for (unsigned x = 0; x < 2; x++) {
        ptw_cfg_t *p = &o->tt[x];
        p->ha = ha;
        p->hd = hd && ha;
        p->affd = RGET(CD_AFFD, cd) != 0;
        p->had = had[x];
        p->big_endian = endi;
        p->one_priv = one_range;
        p->wxn = o->wxn;
        p->pan = o->pan;
    }
    for (unsigned x = 0; x < 2; x++) {
        /* 3.4.1 (A: AArch64.VAIsOutOfRange): bits [top:N] must all equal the selection bit
         * VA[55] (zero in one-range regimes), N = 64 - TxSZ, top = 55 with TBI, else 63 */
        unsigned top = o->tbi[x] ? 55u : 63u, n = o->tt[x].ia_bits;
        uint64_t m = (~UINT64_C(0) >> (63 - (top - n))) << n;
        o->rmask[x] = m;
        o->rwant[x] = x ? m : 0;
    }
    o->asid = one_range ? 0 : (uint16_t)RGET(CD_ASID, cd);
    o->aset = RGET(CD_ASET, cd) != 0;
    o->mair = RGET(CD_MAIR0, cd) | (RGET(CD_MAIR1, cd) << 32);
    o->a = RGET(CD_A, cd) != 0;
    o->r = RGET(CD_R, cd) != 0;
    o->s = RGET(CD_S, cd) != 0;
    return true;
}
