/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VMSAv8-64 translation table walk, one stage. Arm DDI 0487 M.a.a:
 *   D8.2 (granules, levels, concatenation), D8.3 (descriptor formats), D8.4 (permissions),
 *   D8.5 (access flag, dirty state), D8.7 (contiguous hint).
 * SMMU specifics from Arm IHI 0070 G.b 3.4 (address size), 3.13 (HTTU), 7.3.22 (fault order).
 *
 * The walk is bounded: the level strictly increases from the start level (>= -1) to 3, so at
 * most five descriptors are read, whatever the memory holds.
 */
#include "ptw.h"

#include "cache.h"

int ptw_start_level(unsigned gshift, unsigned ia_bits)
{
    /* A: D8.2: start level = 4 - ceil((IAsize - G) / S), S = G - 3 */
    unsigned s = gshift - 3;
    unsigned span = ia_bits > gshift ? ia_bits - gshift : 0;
    return 4 - (int)((span + s - 1) / s);
}

unsigned ptw_contig_bits(unsigned gshift, int level)
{
    /* A: D8.7, Table D8-104: entries in a contiguous group */
    switch (gshift) {
    case 12: return 4;                  /* 16 entries at every level */
    case 14: return level == 3 ? 7 : 5; /* 128 at L3, 32 at L2 */
    default: return 5;                  /* 64K: 32 at L2 and L3 */
    }
}

static inline uint64_t bit_mask(unsigned hi, unsigned lo)
{
    return (~UINT64_C(0) >> (63 - hi)) & ~((UINT64_C(1) << lo) - 1);
}

/* Output / next-level address held in a descriptor whose address bits start at bit lsb. */
static uint64_t desc_addr(const ptw_cfg_t *c, uint64_t d, unsigned lsb)
{
    uint64_t a = d & bit_mask(47, lsb);
    if (c->ds) {
        a |= d & bit_mask(49, 48);                        /* OA[49:48] */
        a |= (uint64_t)VGET(PTE_OA_51_50_DS, d) << 50;    /* OA[51:50] in bits [9:8] */
    } else if (c->lpa) {
        a |= (uint64_t)VGET(PTE_OA_51_48_LPA, d) << 48;   /* OA[51:48] in bits [15:12] */
    }
    return a;
}

/* Is a block descriptor allowed at this level (A: D8.3.2)? */
static bool block_ok(const ptw_cfg_t *c, int level)
{
    switch (c->gshift) {
    case 12: return level == 1 || level == 2 || (level == 0 && c->ds);
    case 14: return level == 2 || (level == 1 && c->ds);
    /* A: AArch64.BlockDescSupported: 64K level-1 blocks depend on the implemented PA size
     * (PAMax >= 52), not on the effective IPS/PS of this walk */
    default: return level == 2 || (level == 1 && c->pamax52);
    }
}

static void fault(smmu_fault_t *f, const ptw_cfg_t *c, uint8_t type)
{
    memset(f, 0, sizeof *f);
    f->type = type;
    f->s2 = c->stage == 2;
    f->class_ = CLASS_IN;
}

/* Hierarchical attributes accumulated from table descriptors (A: D8.4.2). */
enum { HA_NO_UNPRIV = 1u, HA_NO_WRITE = 2u, HA_UXN = 4u, HA_PXN = 8u };

static uint8_t table_attrs(const ptw_cfg_t *c, uint64_t d)
{
    if (c->stage == 2 || c->had)
        return 0; /* stage 2 has none; HADx disables them (IHI 0070 5.4) */
    uint8_t a = 0;
    unsigned ap = (unsigned)VGET(PTE_APTABLE, d);
    if (ap & 1u)
        a |= HA_NO_UNPRIV;
    if (ap & 2u)
        a |= HA_NO_WRITE;
    if (VGET(PTE_UXNTABLE, d))
        a |= HA_UXN;
    if (VGET(PTE_PXNTABLE, d) && !c->one_priv)
        a |= HA_PXN;
    return a;
}

/* Stage-1 permissions of a leaf (A: D8.4.1, Table D8-65), given the table attributes.
 * wxn is applied by the caller (it is a CD field). */
static uint8_t perm_s1(const ptw_cfg_t *c, uint64_t d, uint8_t ha, bool ap2, bool wxn,
                       bool pan)
{
    bool ap1 = VGET(PTE_AP, d) & 1u;
    if (c->one_priv)
        ap1 = true; /* AP[1] is RES1 in one-privilege regimes */
    else if (ha & HA_NO_UNPRIV)
        ap1 = false;
    if (ha & HA_NO_WRITE)
        ap2 = true;
    bool pr = true, pw = !ap2, ur = ap1, uw = ap1 && !ap2;
    bool uxn = VGET(PTE_UXN, d) || (ha & HA_UXN);
    bool pxn = c->one_priv ? uxn : (VGET(PTE_PXN, d) || (ha & HA_PXN));
    bool px = !pxn && !uw && !(wxn && pw);
    bool ux = !uxn && !(wxn && uw);
    if (c->one_priv) {
        ur = pr;
        uw = pw;
        ux = px = !uxn && !(wxn && pw);
    }
    if (pan && !c->one_priv && (ur || uw))
        pr = pw = false; /* PAN: privileged data access to an unprivileged-accessible page */
    return (uint8_t)((pr ? P1_PR : 0) | (pw ? P1_PW : 0) | (px ? P1_PX : 0) |
                     (ur ? P1_UR : 0) | (uw ? P1_UW : 0) | (ux ? P1_UX : 0));
}

/* Stage-2 permissions (A: D8.4.3): S2AP and XN[1:0] (2-bit with FEAT_XNX). */
static uint8_t perm_s2(const ptw_cfg_t *c, uint64_t d, bool w)
{
    unsigned s2ap = (unsigned)VGET(PTE_S2AP, d);
    uint8_t p = (uint8_t)((s2ap & 1u ? P2_R : 0) | (w ? P2_W : 0));
    unsigned xn = (unsigned)VGET(PTE_S2_XN, d);
    if (!c->xnx)
        xn = (xn & 2u) ? 2u : 0u;
    switch (xn) {
    case 0: p |= P2_XP | P2_XU; break;
    case 1: p |= P2_XU; break;
    case 3: p |= P2_XP; break;
    default: break;
    }
    return p;
}

/* Walk-cache state while descending. */
typedef struct walk_pos {
    uint64_t table;   /* current table address */
    int level;
    uint8_t attrs;    /* accumulated HA_* */
} walk_pos_t;

static void walk_begin(const ptw_cfg_t *c, uint64_t ia, const ptw_io_t *io, walk_pos_t *p)
{
    p->table = c->ttb;
    p->level = c->start_level;
    p->attrs = 0;
    walk_hit_t h;
    if (io->wc_lookup && io->wc_lookup(io->ctx, ia, c->start_level, 2, &h)) {
        p->table = h.table;
        p->level = h.level + 1;
        p->attrs = h.attrs;
    }
}

/* Index of ia's descriptor in the table at level l; the start level may be wider
 * (stage-2 concatenation, A: D8.2.6). */
static uint64_t desc_index(const ptw_cfg_t *c, uint64_t ia, int l)
{
    unsigned s = c->gshift - 3u;
    unsigned lsb = c->gshift + s * (unsigned)(3 - l);
    unsigned bits = s;
    if (l == c->start_level)
        bits = c->ia_bits > lsb ? c->ia_bits - lsb : 0;
    return (ia >> lsb) & ((UINT64_C(1) << bits) - 1);
}

/* Hardware update of AF / dirty state (IHI 0070 3.13.2, 3.13.3): atomic, retried while the
 * descriptor changes under us; the new value is re-checked by the caller. */
static bool leaf_update(const ptw_io_t *io, uint64_t addr, uint64_t *d, uint64_t set,
                        uint64_t clear, smmu_fault_t *f)
{
    for (int tries = 0; tries < 4; tries++) {
        uint64_t nd = (*d | set) & ~clear;
        if (nd == *d)
            return true;
        uint64_t seen = 0;
        if (!io->update(io->ctx, addr, *d, nd, &seen, f))
            return false;
        if (seen == *d) {
            *d = nd;
            return true;
        }
        *d = seen; /* changed concurrently: re-evaluate on the value now in memory */
        if (!(seen & 1u))
            return true; /* became invalid: the caller's checks see it */
    }
    return true;
}

/* Leaf checks in the architected order: address size, access flag, permission
 * (IHI 0070 7.3.22; QEMU deviates, quirk Q5). */
static bool leaf(const ptw_cfg_t *c, uint64_t ia, const ptw_access_t *a, const ptw_io_t *io,
                 uint64_t daddr, uint64_t d, int level, uint8_t ha, ptw_result_t *r,
                 smmu_fault_t *f)
{
    bool wxn = c->wxn, pan = c->pan;
    unsigned bshift = c->gshift + (c->gshift - 3u) * (unsigned)(3 - level);
    uint64_t oa_base = desc_addr(c, d, bshift);
    if (oa_base >> c->oa_bits) {
        fault(f, c, EVT_F_ADDR_SIZE);
        return false;
    }
    bool s1 = c->stage == 1;
    bool dbm = VGET(PTE_DBM, d) != 0;
    bool ro = s1 ? (VGET(PTE_AP, d) & 2u) != 0 : !(VGET(PTE_S2AP, d) & 2u);
    /* writable-clean: a write may set the dirty state (DBM && HD), unless read-only comes
     * from the table attributes (3.13.3) */
    bool clean_ok = c->hd && dbm && ro && !(s1 && (ha & HA_NO_WRITE));

    /* A debug translation (no_update) answers as the real one would, but writes nothing: an
     * AF or dirty-state update it would make is assumed done. */
    uint64_t set = 0, clear = 0;
    if (!VGET(PTE_AF, d)) {
        if (c->ha)
            set |= a->no_update ? 0 : FMASK(PTE_AF);
        else if (!c->affd) {
            fault(f, c, EVT_F_ACCESS);
            return false;
        }
    }
    uint8_t perm = s1 ? perm_s1(c, d, ha, ro, wxn, pan) : perm_s2(c, d, !ro);
    uint8_t clean_gain = 0;
    if (clean_ok)
        clean_gain = (uint8_t)((s1 ? perm_s1(c, d, ha, false, wxn, pan) : perm_s2(c, d, true)) &
                               ~perm);
    uint8_t need = s1 ? ptw_need1(a->write, a->instr, a->priv)
                      : ptw_need2(a->write, a->instr, a->priv);
    if (!(perm & need)) {
        if (clean_gain & need) {
            /* dirty-state update: stage 1 clears AP[2], stage 2 sets S2AP[1] */
            if (a->no_update)
                ;
            else if (s1)
                clear |= UINT64_C(1) << (PTE_AP_LSB + 1);
            else
                set |= UINT64_C(1) << (PTE_S2AP_LSB + 1);
            perm |= clean_gain;
            clean_gain = 0;
        } else if (!a->probe) {
            fault(f, c, EVT_F_PERMISSION);
            return false;
        }
    }
    if ((set || clear) && !leaf_update(io, daddr, &d, set, clear, f))
        return false;

    unsigned shift = bshift;
    if (VGET(PTE_CONTIG, d))
        shift += ptw_contig_bits(c->gshift, level);
    uint64_t page_off = ia & ((UINT64_C(1) << bshift) - 1);
    r->oa = oa_base | page_off;
    r->shift = (uint8_t)shift;
    r->level = (int8_t)level;
    r->perm = perm;
    r->write_clean = clean_gain;
    r->global = s1 && !c->one_priv ? !VGET(PTE_NG, d) : true;
    r->attr = (uint8_t)(s1 ? VGET(PTE_ATTRINDX, d) : VGET(PTE_S2_MEMATTR, d));
    return true;
}

bool ptw_walk(const ptw_cfg_t *c, uint64_t ia, const ptw_access_t *a, const ptw_io_t *io,
              ptw_result_t *r, smmu_fault_t *f, unsigned *reads)
{
    walk_pos_t p;
    walk_begin(c, ia, io, &p);
    for (;;) {
        uint64_t daddr = p.table + 8 * desc_index(c, ia, p.level);
        uint64_t d;
        (*reads)++;
        if (!io->read(io->ctx, daddr, &d, f))
            return false;
        bool valid = d & 1u;
        bool is_table = (d & 2u) != 0;
        if (!valid || (p.level == 3 && !is_table) || (p.level < 3 && !is_table && !block_ok(c, p.level))) {
            fault(f, c, EVT_F_TRANSLATION);
            return false;
        }
        if (p.level == 3 || !is_table)
            return leaf(c, ia, a, io, daddr, d, p.level, p.attrs, r, f);
        uint64_t next = desc_addr(c, d, c->gshift);
        if (next >> c->oa_bits) {
            fault(f, c, EVT_F_ADDR_SIZE); /* IHI 0070 5.4: NLTA beyond the output size */
            return false;
        }
        p.attrs |= table_attrs(c, d);
        p.table = next;
        if (io->wc_insert) {
            walk_hit_t h = {next, (int8_t)p.level, p.attrs};
            io->wc_insert(io->ctx, ia, &h);
        }
        p.level++;
    }
}
