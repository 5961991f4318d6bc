/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IOTLB and micro-TLBs. Arm IHI 0070 G.b 3.17 (TLB tagging), 4.4 (TLB invalidation).
 *
 * Entries hold the real mapping size (page, block, or contiguous range), so one entry
 * covers what its descriptor covers. Lookups go through a chained hash index keyed by
 * (input page number, mapping size), one probe per mapping size present in the cache;
 * the sets/ways geometry only constrains replacement (set = page number mod sets, the
 * classic VA-indexed organisation). The same structure serves the micro-TLBs, whose
 * entries are also tagged by StreamID and SubstreamID.
 */
#include "cache.h"

struct smmu_tlb {
    cpol_t pol;
    uint32_t n;            /* entries */
    tlb_entry_t *e;
    int32_t *next, *prev;  /* hash chain links, per entry */
    int32_t *bucket;       /* chain heads */
    uint32_t bucket_bits;
    uint32_t shift_count[64];
    uint64_t shifts;       /* bit s set: entries of size 2^s present */
    uint32_t mru;          /* last entry hit (micro-TLB fast path) */
};

static uint32_t bucket_bits_for(uint32_t n)
{
    uint32_t b = 1;
    while ((1u << b) < 2 * n)
        b++;
    return b;
}

size_t tlb_footprint(const smmu_cache_geom_t *g)
{
    if (!g->entries)
        return 0;
    size_t n = g->entries;
    size_t buckets = (size_t)1 << bucket_bits_for(g->entries);
    return sizeof(struct smmu_tlb) + n * (sizeof(tlb_entry_t) + 2 * sizeof(int32_t)) +
           buckets * sizeof(int32_t) + cpol_footprint(g);
}

static void tlb_free_arrays(smmu_t *smmu, struct smmu_tlb *t)
{
    smmu_free(smmu, t->e, sizeof(tlb_entry_t) * t->n);
    smmu_free(smmu, t->next, sizeof(int32_t) * t->n);
    smmu_free(smmu, t->prev, sizeof(int32_t) * t->n);
    smmu_free(smmu, t->bucket, sizeof(int32_t) << t->bucket_bits);
    cpol_free(smmu, &t->pol);
}

struct smmu_tlb *tlb_create(smmu_t *smmu, const smmu_cache_geom_t *g)
{
    if (!g->entries)
        return NULL;
    struct smmu_tlb *t = smmu_alloc(smmu, sizeof *t);
    if (!t)
        return NULL;
    t->n = g->entries;
    t->bucket_bits = bucket_bits_for(g->entries);
    t->e = smmu_alloc(smmu, sizeof(tlb_entry_t) * t->n);
    t->next = smmu_alloc(smmu, sizeof(int32_t) * t->n);
    t->prev = smmu_alloc(smmu, sizeof(int32_t) * t->n);
    t->bucket = smmu_alloc(smmu, sizeof(int32_t) << t->bucket_bits);
    if (!t->e || !t->next || !t->prev || !t->bucket || !cpol_init(smmu, &t->pol, g)) {
        tlb_free_arrays(smmu, t);
        smmu_free(smmu, t, sizeof *t);
        return NULL;
    }
    tlb_flush(smmu, t);
    return t;
}

void tlb_destroy(smmu_t *smmu, struct smmu_tlb *t)
{
    if (!t)
        return;
    tlb_free_arrays(smmu, t);
    smmu_free(smmu, t, sizeof *t);
}

void tlb_flush(smmu_t *smmu, struct smmu_tlb *t)
{
    if (!t)
        return;
    memset(t->e, 0, sizeof(tlb_entry_t) * t->n);
    for (uint32_t i = 0; i < t->n; i++)
        t->next[i] = t->prev[i] = -1;
    for (uint32_t i = 0; i < (1u << t->bucket_bits); i++)
        t->bucket[i] = -1;
    memset(t->shift_count, 0, sizeof t->shift_count);
    t->shifts = 0;
    t->mru = 0;
    cpol_reset(&t->pol, smmu->cfg.seed);
}

void tlb_reseed(struct smmu_tlb *t, uint64_t seed)
{
    if (t)
        t->pol.rng = seed ? seed : UINT64_C(0x9E3779B97F4A7C15);
}

static inline uint32_t tlb_hash(const struct smmu_tlb *t, uint64_t vpn, unsigned shift)
{
    uint64_t h = (vpn ^ ((uint64_t)shift << 58)) * UINT64_C(0x9E3779B97F4A7C15);
    return (uint32_t)(h >> (64 - t->bucket_bits));
}

static void link_entry(struct smmu_tlb *t, int32_t i)
{
    const tlb_entry_t *e = &t->e[i];
    uint32_t b = tlb_hash(t, e->va >> e->shift, e->shift);
    t->prev[i] = -1;
    t->next[i] = t->bucket[b];
    if (t->bucket[b] >= 0)
        t->prev[t->bucket[b]] = i;
    t->bucket[b] = i;
    if (t->shift_count[e->shift]++ == 0)
        t->shifts |= UINT64_C(1) << e->shift;
}

static void unlink_entry(struct smmu_tlb *t, int32_t i)
{
    tlb_entry_t *e = &t->e[i];
    if (t->prev[i] >= 0)
        t->next[t->prev[i]] = t->next[i];
    else
        t->bucket[tlb_hash(t, e->va >> e->shift, e->shift)] = t->next[i];
    if (t->next[i] >= 0)
        t->prev[t->next[i]] = t->prev[i];
    t->next[i] = t->prev[i] = -1;
    if (--t->shift_count[e->shift] == 0)
        t->shifts &= ~(UINT64_C(1) << e->shift);
    e->flags = 0;
    cpol_set_valid(&t->pol, (uint32_t)i / t->pol.ways, (uint32_t)i % t->pol.ways, false);
}

static inline void touch(struct smmu_tlb *t, int32_t i)
{
    cpol_touch(&t->pol, (uint32_t)i / t->pol.ways, (uint32_t)i % t->pol.ways);
}

static inline bool tags_match(const tlb_entry_t *e, uint64_t base, unsigned s, uint32_t ctx,
                              uint16_t asid)
{
    return e->va == base && e->shift == s && e->ctx == ctx &&
           ((e->flags & TLBF_GLOBAL) || e->asid == asid);
}

tlb_entry_t *tlb_lookup(struct smmu_tlb *t, uint64_t va, uint32_t ctx, uint16_t asid,
                        smmu_cache_stats_t *st)
{
    st->lookups++;
    for (uint64_t sh = t->shifts; sh; sh &= sh - 1) {
        unsigned s = (unsigned)__builtin_ctzll(sh);
        uint64_t base = va & ~((UINT64_C(1) << s) - 1);
        for (int32_t i = t->bucket[tlb_hash(t, va >> s, s)]; i >= 0; i = t->next[i]) {
            tlb_entry_t *e = &t->e[i];
            if (tags_match(e, base, s, ctx, asid)) {
                touch(t, i);
                st->hits++;
                return e;
            }
        }
    }
    st->misses++;
    return NULL;
}

static inline bool utags_match(const tlb_entry_t *e, uint64_t va, uint32_t sid, uint32_t ssid_tag)
{
    return (e->flags & TLBF_VALID) && e->sid == sid && e->ssid_tag == ssid_tag &&
           ((va ^ e->va) >> e->shift) == 0;
}

tlb_entry_t *utlb_lookup(struct smmu_tlb *t, uint64_t va, uint32_t sid, uint32_t ssid_tag,
                         smmu_cache_stats_t *st)
{
    st->lookups++;
    tlb_entry_t *m = &t->e[t->mru];
    if (utags_match(m, va, sid, ssid_tag)) {
        touch(t, (int32_t)t->mru);
        st->hits++;
        return m;
    }
    for (uint64_t sh = t->shifts; sh; sh &= sh - 1) {
        unsigned s = (unsigned)__builtin_ctzll(sh);
        for (int32_t i = t->bucket[tlb_hash(t, va >> s, s)]; i >= 0; i = t->next[i]) {
            tlb_entry_t *e = &t->e[i];
            if (e->shift == s && utags_match(e, va, sid, ssid_tag)) {
                touch(t, i);
                t->mru = (uint32_t)i;
                st->hits++;
                return e;
            }
        }
    }
    st->misses++;
    return NULL;
}

/* An entry with the same tags as e (the one an insert replaces), or -1. */
static int32_t find_same(const struct smmu_tlb *t, const tlb_entry_t *e)
{
    for (int32_t i = t->bucket[tlb_hash(t, e->va >> e->shift, e->shift)]; i >= 0; i = t->next[i]) {
        const tlb_entry_t *x = &t->e[i];
        if (x->va == e->va && x->shift == e->shift && x->ctx == e->ctx && x->asid == e->asid &&
            (x->flags & TLBF_GLOBAL) == (e->flags & TLBF_GLOBAL) && x->sid == e->sid &&
            x->ssid_tag == e->ssid_tag)
            return i;
    }
    return -1;
}

void tlb_insert(struct smmu_tlb *t, const tlb_entry_t *e, smmu_cache_stats_t *st)
{
    int32_t i = find_same(t, e);
    if (i >= 0) {
        unlink_entry(t, i);
    } else {
        uint32_t set = (uint32_t)(e->va >> e->shift) & t->pol.set_mask;
        uint32_t way = cpol_victim(&t->pol, set);
        i = (int32_t)(set * t->pol.ways + way);
        if (t->e[i].flags & TLBF_VALID) {
            unlink_entry(t, i);
            st->evictions++;
        }
    }
    t->e[i] = *e;
    t->e[i].flags |= TLBF_VALID;
    link_entry(t, i);
    cpol_filled(&t->pol, (uint32_t)i / t->pol.ways, (uint32_t)i % t->pol.ways);
    t->mru = (uint32_t)i;
    st->fills++;
}

void tlb_remove(struct smmu_tlb *t, tlb_entry_t *e, smmu_cache_stats_t *st)
{
    int32_t i = (int32_t)(e - t->e);
    if (e->flags & TLBF_VALID) {
        unlink_entry(t, i);
        st->invalidations++;
    }
}

static bool inv_match(const tlb_entry_t *e, const tlb_inv_t *inv)
{
    unsigned kind = ctx_kind(e->ctx);
    unsigned regime = (e->ctx >> CTX_REGIME_SHIFT) & 3u;
    bool global = (e->flags & TLBF_GLOBAL) != 0;
    if (!(inv->kinds & (1u << kind)) || !(inv->regimes & (1u << regime)))
        return false;
    if (inv->match_vmid &&
        (((e->ctx & CTX_VMID_MASK) | inv->vmid_wild) != (uint32_t)(inv->vmid | inv->vmid_wild)))
        return false;
    if (inv->keep_global && global)
        return false;
    if (inv->match_asid && !global && e->asid != inv->asid)
        return false;
    if (inv->by_addr) {
        uint64_t last = e->va + ((UINT64_C(1) << e->shift) - 1);
        if (last < inv->lo || e->va > inv->hi)
            return false;
    }
    if (inv->tg_shift && e->gshift != inv->tg_shift)
        return false;
    if (inv->ttl && e->level != inv->ttl)
        return false;
    if (inv->by_sid && (e->sid < inv->sid_lo || e->sid > inv->sid_hi))
        return false;
    if (inv->by_ssid && e->ssid_tag != inv->ssid_tag)
        return false;
    return true;
}

/* Probe only the buckets of the pages in the range when that is cheaper than a full scan. */
static unsigned inv_by_probe(struct smmu_tlb *t, const tlb_inv_t *inv, smmu_cache_stats_t *st)
{
    unsigned n = 0;
    for (uint64_t sh = t->shifts; sh; sh &= sh - 1) {
        unsigned s = (unsigned)__builtin_ctzll(sh);
        for (uint64_t p = inv->lo >> s; p <= (inv->hi >> s); p++) {
            int32_t i = t->bucket[tlb_hash(t, p, s)];
            while (i >= 0) {
                int32_t nx = t->next[i];
                if (t->e[i].shift == s && inv_match(&t->e[i], inv)) {
                    unlink_entry(t, i);
                    st->invalidations++;
                    n++;
                }
                i = nx;
            }
        }
    }
    return n;
}

static uint64_t probe_cost(const struct smmu_tlb *t, const tlb_inv_t *inv)
{
    uint64_t cost = 0;
    for (uint64_t sh = t->shifts; sh; sh &= sh - 1) {
        unsigned s = (unsigned)__builtin_ctzll(sh);
        cost += (inv->hi >> s) - (inv->lo >> s) + 1;
        if (cost > t->n)
            return UINT64_MAX;
    }
    return cost;
}

unsigned tlb_invalidate(struct smmu_tlb *t, const tlb_inv_t *inv, smmu_cache_stats_t *st)
{
    if (!t)
        return 0;
    if (inv->by_addr && inv->hi >= inv->lo && probe_cost(t, inv) <= t->n / 4)
        return inv_by_probe(t, inv, st);
    unsigned n = 0;
    for (uint32_t i = 0; i < t->n; i++) {
        if ((t->e[i].flags & TLBF_VALID) && inv_match(&t->e[i], inv)) {
            unlink_entry(t, (int32_t)i);
            st->invalidations++;
            n++;
        }
    }
    return n;
}
