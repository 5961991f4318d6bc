/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Walk caches: intermediate (table) descriptors of stage-1 and stage-2 walks, per level, and
 * the stage-2 results used by nested stage-1 walks and CD fetches.
 * Arm IHI 0070 G.b 4.4: TLBI with Leaf == 0 also removes cached table entries covering the
 * address; Leaf == 1 only needs to remove leaf (last-level) entries, and the stage-2 results
 * count as leaf entries of stage 2.
 *
 * Tags: k0 = input address >> (size of the region the descriptor covers);
 *       k1 = kind[63:62] | level+1[61:58] | gshift[57:53] | ctx[52:32] | asid[15:0].
 */
#include "cache.h"
#include "kcache.h"

struct smmu_walkc {
    kcache_t s1;
    kcache_t s2;
};

enum { WK_S1 = 1, WK_S2 = 2, WK_S2RES = 3 };

typedef struct s2res {
    uint64_t pa;        /* PA of the 4 KB page */
    uint8_t perm2;
    uint8_t shift;      /* log2 of the stage-2 mapping (page, block) the result came from */
} s2res_t;

size_t walkc_footprint(const smmu_config_t *cfg)
{
    return sizeof(struct smmu_walkc) + kc_footprint(&cfg->walk_s1, sizeof(walk_hit_t)) +
           kc_footprint(&cfg->walk_s2, sizeof(s2res_t) > sizeof(walk_hit_t) ? sizeof(s2res_t)
                                                                            : sizeof(walk_hit_t));
}

struct smmu_walkc *walkc_create(smmu_t *smmu)
{
    struct smmu_walkc *w = smmu_alloc(smmu, sizeof *w);
    if (!w)
        return NULL;
    uint32_t p2 = sizeof(s2res_t) > sizeof(walk_hit_t) ? sizeof(s2res_t) : sizeof(walk_hit_t);
    if (!kc_init(smmu, &w->s1, &smmu->cfg.walk_s1, sizeof(walk_hit_t), &smmu->stats.walk_s1) ||
        !kc_init(smmu, &w->s2, &smmu->cfg.walk_s2, p2, &smmu->stats.walk_s2)) {
        walkc_destroy(smmu, w);
        return NULL;
    }
    return w;
}

void walkc_destroy(smmu_t *smmu, struct smmu_walkc *w)
{
    if (!w)
        return;
    kc_free(smmu, &w->s1);
    kc_free(smmu, &w->s2);
    smmu_free(smmu, w, sizeof *w);
}

void walkc_flush(smmu_t *smmu, struct smmu_walkc *w)
{
    kc_flush(&w->s1, smmu->cfg.seed + 2);
    kc_flush(&w->s2, smmu->cfg.seed + 3);
}

static inline unsigned region_shift(unsigned gshift, int level)
{
    return gshift + (gshift - 3) * (unsigned)(3 - level);
}

static inline uint64_t wtag(unsigned kind, int level, unsigned gshift, uint32_t ctx, uint16_t asid)
{
    return ((uint64_t)kind << 62) | ((uint64_t)(level + 1) << 58) | ((uint64_t)gshift << 53) |
           ((uint64_t)ctx << 32) | asid;
}

static kcache_t *wc_for(smmu_t *smmu, unsigned stage)
{
    return stage == 1 ? &smmu->walkc->s1 : &smmu->walkc->s2;
}

bool walkc_lookup(smmu_t *smmu, unsigned stage, uint32_t ctx, uint16_t asid, uint64_t ia,
                  int start, int max_level, unsigned gshift, walk_hit_t *out)
{
    kcache_t *c = wc_for(smmu, stage);
    if (!c->n)
        return false;
    for (int l = max_level; l >= start; l--) {
        const walk_hit_t *h = kc_lookup(c, ia >> region_shift(gshift, l),
                                        wtag(stage, l, gshift, ctx, asid));
        if (h) {
            *out = *h;
            return true;
        }
    }
    return false;
}

void walkc_insert(smmu_t *smmu, unsigned stage, uint32_t ctx, uint16_t asid, uint64_t ia,
                  unsigned gshift, const walk_hit_t *h)
{
    kc_insert(wc_for(smmu, stage), ia >> region_shift(gshift, h->level),
              wtag(stage, h->level, gshift, ctx, asid), h);
}

bool walkc_s2res_lookup(smmu_t *smmu, uint16_t vmid, uint64_t ipa, uint64_t *pa, uint8_t *perm2)
{
    const s2res_t *r = kc_lookup(&smmu->walkc->s2, ipa >> 12, wtag(WK_S2RES, 0, 12, vmid, 0));
    if (!r)
        return false;
    *pa = r->pa | (ipa & 0xFFFu);
    *perm2 = r->perm2;
    return true;
}

void walkc_s2res_insert(smmu_t *smmu, uint16_t vmid, uint64_t ipa, uint64_t pa, unsigned shift,
                        uint8_t perm2)
{
    /* One 4 KB page is cached, but it stands for the whole stage-2 leaf (block or
     * contiguous range): invalidation matches it against that leaf's range (walk_pred). */
    s2res_t r = {pa & ~UINT64_C(0xFFF), perm2, (uint8_t)(shift < 12 || shift > 63 ? 12 : shift)};
    kc_insert(&smmu->walkc->s2, ipa >> 12, wtag(WK_S2RES, 0, 12, vmid, 0), &r);
}

static bool walk_pred(uint64_t k0, uint64_t k1, const void *p, const void *arg)
{
    const walk_inv_t *inv = arg;
    unsigned kind = (unsigned)(k1 >> 62);
    int level = (int)((k1 >> 58) & 0xF) - 1;
    unsigned gshift = (unsigned)((k1 >> 53) & 0x1F);
    uint32_t ctx = (uint32_t)((k1 >> 32) & 0x1FFFFF); /* includes ASET (bit 20), ignored */
    uint16_t asid = (uint16_t)k1;
    if (kind == WK_S1 ? !inv->s1 : !inv->s2)
        return false;
    if (inv->leaf_only && kind != WK_S2RES)
        return false;
    uint16_t vmid = (uint16_t)(ctx & CTX_VMID_MASK);
    if (inv->match_ctx_vmid && ((vmid | inv->vmid_wild) != (inv->vmid | inv->vmid_wild)))
        return false;
    if (kind == WK_S1 && !(inv->regimes & (1u << ((ctx >> CTX_REGIME_SHIFT) & 3u))))
        return false;
    if (kind == WK_S1 && inv->match_asid && asid != inv->asid)
        return false;
    if (inv->by_addr) {
        /* A stage-2 result matches an address anywhere in the stage-2 leaf it came from:
         * "To match a TLB entry, the least significant bits of the address are ignored as
         * needed, given the size of the entry" (4.4); a range TLBI removes it when the leaf
         * overlaps the range (4.4.1.1). Table entries cover the region of their level. */
        uint64_t lo, hi;
        if (kind == WK_S2RES) {
            unsigned rs = ((const s2res_t *)p)->shift;
            lo = (k0 << 12) & ~((UINT64_C(1) << rs) - 1);
            hi = lo + ((UINT64_C(1) << rs) - 1);
        } else {
            unsigned rs = region_shift(gshift, level);
            lo = k0 << rs;
            hi = lo + ((UINT64_C(1) << rs) - 1);
        }
        if (hi < inv->lo || lo > inv->hi)
            return false;
    }
    return true;
}

void walkc_invalidate(smmu_t *smmu, const walk_inv_t *inv)
{
    /* The stage-1 cache holds only table entries, which a Leaf == 1 TLBI need not remove
     * (4.4): skipping the scan is the architected minimum, not an approximation. */
    if (inv->s1 && !inv->leaf_only)
        kc_remove_if(&smmu->walkc->s1, walk_pred, inv);
    if (inv->s2)
        kc_remove_if(&smmu->walkc->s2, walk_pred, inv);
}

bool walkc_enabled(const smmu_t *smmu, unsigned stage)
{
    return (stage == 1 ? smmu->walkc->s1.n : smmu->walkc->s2.n) != 0;
}
