/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IOTLB and micro-TLBs. Arm IHI 0070 G.b 3.17 (TLB tagging), 4.4 (TLB invalidation).
 *
 * Entries hold the real mapping size (page, block, or contiguous range), so one entry
 * covers what its descriptor covers. The lookup structure is an open-addressed hash table
 * (linear probing, backward-shift deletion) whose 32-byte slots carry everything a hit
 * needs, keyed by (input address | mapping size, k1, k2):
 *   IOTLB:      k1 = context tag (kind, regime, VMID), k2 = ASID, or TLB_K2_GLOBAL for
 *               entries from nG == 0 descriptors (they match any ASID: a second probe);
 *   micro-TLB:  k1 = StreamID, k2 = SubstreamID tag.
 * The rest of an entry (tlb_entry_t) lives in a parallel array indexed by the entry number
 * (set * ways + way), which is also what the replacement policies work on. The set of an
 * entry is a hash of its key, so streams using the same IOVAs with different ASIDs do not
 * all compete for one set (docs/decisions/0003-tlb-organisation.md).
 */
#include "cache.h"

#include "tlb_inline.h"

static uint32_t slot_bits_for(uint32_t n)
{
    uint32_t b = 1;
    while ((1u << b) < 2 * n)
        b++;
    return b;
}

static size_t live_words(uint32_t n)
{
    return (n + 63) / 64;
}

size_t tlb_footprint(const smmu_cache_geom_t *g)
{
    if (!g->entries)
        return 0;
    size_t n = g->entries;
    size_t slots = (size_t)1 << slot_bits_for(g->entries);
    return sizeof(struct smmu_tlb) + slots * sizeof(tlb_slot_t) +
           n * (sizeof(tlb_entry_t) + sizeof(uint32_t)) + live_words(g->entries) * sizeof(uint64_t) +
           cpol_footprint(g);
}

static void tlb_free_arrays(smmu_t *smmu, struct smmu_tlb *t)
{
    smmu_free(smmu, t->slots, sizeof(tlb_slot_t) << t->slot_bits);
    smmu_free(smmu, t->slot_of, sizeof(uint32_t) * t->n);
    smmu_free(smmu, t->e, sizeof(tlb_entry_t) * t->n);
    smmu_free(smmu, t->live, sizeof(uint64_t) * live_words(t->n));
    cpol_free(smmu, &t->pol);
}

static struct smmu_tlb *tlb_new(smmu_t *smmu, const smmu_cache_geom_t *g, bool micro)
{
    if (!g->entries)
        return NULL;
    struct smmu_tlb *t = smmu_alloc(smmu, sizeof *t);
    if (!t)
        return NULL;
    t->n = g->entries;
    t->micro = micro;
    t->fast = NULL;
    t->slot_bits = slot_bits_for(g->entries);
    t->slot_mask = (1u << t->slot_bits) - 1;
    t->slots = smmu_alloc(smmu, sizeof(tlb_slot_t) << t->slot_bits);
    t->slot_of = smmu_alloc(smmu, sizeof(uint32_t) * t->n);
    t->e = smmu_alloc(smmu, sizeof(tlb_entry_t) * t->n);
    t->live = smmu_alloc(smmu, sizeof(uint64_t) * live_words(t->n));
    if (!t->slots || !t->slot_of || !t->e || !t->live || !cpol_init(smmu, &t->pol, g)) {
        tlb_free_arrays(smmu, t);
        smmu_free(smmu, t, sizeof *t);
        return NULL;
    }
    tlb_flush(smmu, t);
    return t;
}

struct smmu_tlb *tlb_create(smmu_t *smmu, const smmu_cache_geom_t *g)
{
    return tlb_new(smmu, g, false);
}

struct smmu_tlb *utlb_create(smmu_t *smmu, const smmu_cache_geom_t *g, smmu_fast_t *fast)
{
    struct smmu_tlb *t = tlb_new(smmu, g, true);
    if (t)
        t->fast = fast;
    return t;
}

void tlb_destroy(smmu_t *smmu, struct smmu_tlb *t)
{
    if (!t)
        return;
    tlb_free_arrays(smmu, t);
    smmu_free(smmu, t, sizeof *t);
}

static void span_reset(struct smmu_tlb *t)
{
    t->span_lo = UINT64_MAX;
    t->span_hi = 0;
}

void tlb_flush(smmu_t *smmu, struct smmu_tlb *t)
{
    if (!t)
        return;
    memset(t->slots, 0, sizeof(tlb_slot_t) << t->slot_bits);
    memset(t->e, 0, sizeof(tlb_entry_t) * t->n);
    if (t->fast)
        t->fast->epoch = 0;
    memset(t->live, 0, sizeof(uint64_t) * live_words(t->n));
    memset(t->shift_count, 0, sizeof t->shift_count);
    t->shifts = 0;
    t->globals = 0;
    t->used = 0;
    span_reset(t);
    memset(t->kclass, 0, sizeof t->kclass);
    t->nkeys = 0;
    t->keys_lost = false;
    cpol_reset(&t->pol, smmu->cfg.seed);
}

void tlb_reseed(struct smmu_tlb *t, uint64_t seed)
{
    if (t)
        t->pol.rng = seed ? seed : UINT64_C(0x9E3779B97F4A7C15);
}

tlb_hot_t *tlb_lookup(struct smmu_tlb *t, uint64_t va, uint32_t ctx, uint16_t asid,
                        smmu_cache_stats_t *st)
{
    st->lookups++;
    tlb_slot_t *x = tlb_find_k(t, va, ctx, asid, tlb_kmix(ctx, asid),
                               t->globals ? tlb_kmix(ctx, TLB_K2_GLOBAL) : 0, t->globals != 0);
    if (x) {
        cpol_touch_idx(&t->pol, x->idx);
        st->hits++;
        return x;
    }
    st->misses++;
    return NULL;
}

/* Remove the slot at pos (linear probing: shift later members of the cluster back). */
static SMMU_ALWAYS_INLINE void slot_delete(struct smmu_tlb *t, uint32_t pos)
{
    uint32_t hole = pos;
    for (uint32_t j = (pos + 1) & t->slot_mask;; j = (j + 1) & t->slot_mask) {
        tlb_slot_t *s = &t->slots[j];
        if (s->tag == SLOT_EMPTY)
            break;
        uint32_t home = home_slot(t, tlb_mix(s->tag, s->k1, s->k2));
        /* move s into the hole unless its home lies cyclically in (hole, j] */
        bool stay = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!stay) {
            t->slots[hole] = *s;
            t->slot_of[s->idx] = hole;
            hole = j;
        }
    }
    memset(&t->slots[hole], 0, sizeof t->slots[hole]);
}

/* Most (k1) keys an invalidation probes for: 3 kinds x 3 regimes x 2 ASET values. */
#define INV_KEYS 18

/* IOTLB: the context class of an entry (kind, regime, ASET; not the VMID). */
static unsigned kclass_of(uint32_t ctx)
{
    return ((ctx >> CTX_REGIME_SHIFT) & 15u) | ((ctx & CTX_ASET) ? 16u : 0u);
}

/* Micro-TLB key bookkeeping (books_add / books_del). */
static SMMU_ALWAYS_INLINE void key_add(struct smmu_tlb *t, uint32_t sid, uint32_t ssid_tag)
{
    for (uint32_t k = 0; k < t->nkeys; k++)
        if (t->keys[k].sid == sid && t->keys[k].ssid_tag == ssid_tag) {
            t->keys[k].count++;
            return;
        }
    if (t->nkeys == UTLB_KEYS) {
        t->keys_lost = true;
        return;
    }
    t->keys[t->nkeys++] = (utlb_key_t){sid, ssid_tag, 1};
}

static SMMU_ALWAYS_INLINE void key_del(struct smmu_tlb *t, uint32_t sid, uint32_t ssid_tag)
{
    for (uint32_t k = 0; k < t->nkeys; k++)
        if (t->keys[k].sid == sid && t->keys[k].ssid_tag == ssid_tag) {
            if (--t->keys[k].count == 0)
                t->keys[k] = t->keys[--t->nkeys];
            return;
        }
}

/* The summaries a valid entry is counted in besides its slot: mapping sizes present,
 * global entries, and the micro-TLB keys or IOTLB context classes that TLBIs use to
 * narrow their search. */
static SMMU_ALWAYS_INLINE void books_add(struct smmu_tlb *t, const tlb_entry_t *e)
{
    if (t->micro)
        key_add(t, e->sid, e->ssid_tag);
    else
        t->kclass[kclass_of(e->ctx)]++;
    if (t->shift_count[e->shift]++ == 0)
        t->shifts |= UINT64_C(1) << e->shift;
    if (e->flags & TLBF_GLOBAL)
        t->globals++;
}

static SMMU_ALWAYS_INLINE void books_del(struct smmu_tlb *t, const tlb_entry_t *e)
{
    if (t->micro) {
        key_del(t, e->sid, e->ssid_tag);
        if (t->used == 1) { /* e was the last entry: every key is known again */
            t->nkeys = 0;
            t->keys_lost = false;
        }
    } else {
        t->kclass[kclass_of(e->ctx)]--;
    }
    if (--t->shift_count[e->shift] == 0)
        t->shifts &= ~(UINT64_C(1) << e->shift);
    if (e->flags & TLBF_GLOBAL)
        t->globals--;
}

/* Take valid entry i out of its slot (the port's fast entry, a copy of it, goes too). */
static SMMU_ALWAYS_INLINE void slot_drop(struct smmu_tlb *t, uint32_t i)
{
    slot_delete(t, t->slot_of[i]);
    if (t->micro && t->fast->idx == i)
        t->fast->epoch = 0;
}

/* Remove valid entry i. */
static void entry_unlink(struct smmu_tlb *t, uint32_t i)
{
    tlb_entry_t *e = &t->e[i];
    slot_drop(t, i);
    books_del(t, e);
    if (--t->used == 0)
        span_reset(t);
    e->flags = 0;
    t->live[i / 64] &= ~(UINT64_C(1) << (i % 64));
    cpol_set_valid(&t->pol, cpol_set_of(&t->pol, i), cpol_way_of(&t->pol, i), false);
}

static void keys_of(const struct smmu_tlb *t, const tlb_entry_t *e, uint32_t *k1, uint32_t *k2)
{
    if (t->micro) {
        *k1 = e->sid;
        *k2 = e->ssid_tag;
    } else {
        *k1 = e->ctx;
        *k2 = (e->flags & TLBF_GLOBAL) ? TLB_K2_GLOBAL : e->asid;
    }
}

/* Put entry i, keyed (tag, k1, k2) with hash mix = tlb_mix(tag, k1, k2), in a slot, and
 * widen the span to its range. */
static SMMU_ALWAYS_INLINE void slot_put(struct smmu_tlb *t, uint32_t i, uint64_t tag,
                                         uint32_t k1, uint32_t k2, uint64_t mix)
{
    const tlb_entry_t *e = &t->e[i];
    uint32_t pos = home_slot(t, mix);
    while (t->slots[pos].tag != SLOT_EMPTY)
        pos = (pos + 1) & t->slot_mask;
    tlb_slot_t *s = &t->slots[pos];
    s->tag = tag;
    s->pa = e->pa;
    s->k1 = k1;
    s->k2 = k2;
    s->perm1 = e->perm1;
    s->perm2 = e->perm2;
    s->flags = e->flags;
    s->attr = e->attr;
    s->idx = i;
    t->slot_of[i] = pos;
    uint64_t last = e->va + ((UINT64_C(1) << e->shift) - 1);
    t->span_lo = e->va < t->span_lo ? e->va : t->span_lo;
    t->span_hi = last > t->span_hi ? last : t->span_hi;
}

uint32_t tlb_insert(struct smmu_tlb *t, const tlb_entry_t *e, smmu_cache_stats_t *st)
{
    uint32_t k1, k2;
    keys_of(t, e, &k1, &k2);
    uint64_t tag = e->va | e->shift;
    uint64_t kmix = tlb_kmix(k1, k2);
    uint64_t mix = (tag ^ kmix) * UINT64_C(0x9E3779B97F4A7C15); /* tlb_mix(), computed once */
    tlb_slot_t *same = tlb_probe_k(t, tag, kmix, k1, k2);
    uint32_t i;
    if (same) {
        i = same->idx;
    } else {
        uint32_t set = (uint32_t)(mix >> 20) & t->pol.set_mask;
        i = set * t->pol.ways + cpol_victim(&t->pol, set);
    }
    tlb_entry_t *slot_e = &t->e[i];
    uint32_t set = cpol_set_of(&t->pol, i), way = cpol_way_of(&t->pol, i);
    const bool refill = (slot_e->flags & TLBF_VALID) != 0;
    if (refill) {
        /* refilled in place (an eviction, or the same tags again): the entry stays live and
         * counted, only its slot and summaries change */
        if (!same)
            st->evictions++;
        slot_drop(t, i);
        books_del(t, slot_e);
    }
    *slot_e = *e;
    slot_e->flags |= TLBF_VALID;
    slot_put(t, i, tag, k1, k2, mix);
    books_add(t, slot_e);
    if (!refill) {
        t->live[i / 64] |= UINT64_C(1) << (i % 64);
        t->used++;
    }
    cpol_filled(&t->pol, set, way);
    st->fills++;
    return i;
}

void tlb_remove(struct smmu_tlb *t, tlb_hot_t *h, smmu_cache_stats_t *st)
{
    uint32_t i = h->idx;
    if (t->e[i].flags & TLBF_VALID) {
        entry_unlink(t, i);
        st->invalidations++;
    }
}

/* Does an invalidation by address miss entry e's range? (It rejects most entries of a
 * by-VA scan, so the scan tests it inline before inv_match_tags().) */
static inline bool inv_addr_miss(const tlb_entry_t *e, const tlb_inv_t *inv)
{
    uint64_t last = e->va + ((UINT64_C(1) << e->shift) - 1);
    return inv->by_addr && (last < inv->lo || e->va > inv->hi);
}

/* Does the invalidation match entry e's tags (everything but its address range)? */
static bool inv_match_tags(const tlb_entry_t *e, const tlb_inv_t *inv)
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
    if (inv->tg_shift && e->gshift != inv->tg_shift)
        return false;
    if (inv->ttl && e->level != inv->ttl)
        return false;
    if (inv->by_sid && (e->sid < inv->sid_lo || e->sid > inv->sid_hi))
        return false;
    return true;
}

static bool inv_match(const tlb_entry_t *e, const tlb_inv_t *inv)
{
    return !inv_addr_miss(e, inv) && inv_match_tags(e, inv);
}

/* The (k1, k2) keys of the IOTLB entries an invalidation can match, when it names them
 * exactly: only the contexts the IOTLB holds entries of, and the global key only when it
 * holds global entries. False when it does not name them (a scan is needed). */
static bool inv_keys(const struct smmu_tlb *t, const tlb_inv_t *inv, uint32_t k1[INV_KEYS],
                     unsigned *n1, uint32_t k2[2], unsigned *n2)
{
    if (!inv->match_vmid || inv->vmid_wild || !inv->match_asid)
        return false;
    *n1 = 0;
    for (uint32_t kb = inv->kinds & 0xEu; kb; kb &= kb - 1)
        for (uint32_t rb = inv->regimes & 7u; rb; rb &= rb - 1) {
            unsigned kind = (unsigned)__builtin_ctz(kb), r = (unsigned)__builtin_ctz(rb);
            /* TLBIs ignore ASET: stage-1 entries may carry either value */
            for (unsigned v = 0; v < (kind == KIND_S2 ? 1u : 2u); v++) {
                uint32_t c = ctx_make(kind, r, inv->vmid) | (v ? CTX_ASET : 0u);
                if (t->kclass[kclass_of(c)])
                    k1[(*n1)++] = c;
            }
        }
    k2[0] = inv->asid;
    *n2 = 1;
    if (!inv->keep_global && t->globals)
        k2[(*n2)++] = TLB_K2_GLOBAL;
    return true;
}

/* The keys a micro-TLB holds (a TLBI does not name StreamIDs), when all are known. */
static bool micro_keys(const struct smmu_tlb *t, uint32_t k1[INV_KEYS], uint32_t k2[2],
                       unsigned *n1, unsigned *n2)
{
    if (t->keys_lost || t->nkeys != 1)
        return false;
    k1[0] = t->keys[0].sid;
    k2[0] = t->keys[0].ssid_tag;
    *n1 = *n2 = 1;
    return true;
}

/* Remove the entry keyed (tag, k1, k2), if there is one and the invalidation matches it. */
static SMMU_ALWAYS_INLINE void inv_probe_one(struct smmu_tlb *t, uint64_t tag, uint32_t k1,
                                              uint32_t k2, const tlb_inv_t *inv,
                                              smmu_cache_stats_t *st, unsigned *count)
{
    tlb_slot_t *x = probe(t, tag, k1, k2);
    if (x && inv_match(&t->e[x->idx], inv)) {
        entry_unlink(t, x->idx);
        st->invalidations++;
        (*count)++;
    }
}

/* Probe the pages of the range instead of scanning everything, when cheaper. */
static bool inv_by_probe(struct smmu_tlb *t, const tlb_inv_t *inv, smmu_cache_stats_t *st,
                         unsigned *count)
{
    uint32_t k1[INV_KEYS], k2[2];
    unsigned n1 = 0, n2 = 0;
    if (t->micro ? !micro_keys(t, k1, k2, &n1, &n2) : !inv_keys(t, inv, k1, &n1, k2, &n2))
        return false;
    if (!n1)
        return true; /* no entry of a context the invalidation names */
    if (n1 == 1 && n2 == 1 && !(t->shifts & (t->shifts - 1))) {
        /* the common case (one context, one mapping size): one probe per page */
        unsigned s = (unsigned)__builtin_ctzll(t->shifts);
        if ((inv->lo >> s) == (inv->hi >> s)) {
            inv_probe_one(t, ((inv->lo >> s) << s) | s, k1[0], k2[0], inv, st, count);
            return true;
        }
    }
    uint64_t cost = 0;
    for (uint64_t sh = t->shifts; sh; sh &= sh - 1) {
        unsigned s = (unsigned)__builtin_ctzll(sh);
        cost += ((inv->hi >> s) - (inv->lo >> s) + 1) * n1 * n2;
        if (cost > t->n / 4)
            return false;
    }
    for (uint64_t sh = t->shifts; sh; sh &= sh - 1) {
        unsigned s = (unsigned)__builtin_ctzll(sh);
        for (uint64_t p = inv->lo >> s; p <= (inv->hi >> s); p++)
            for (unsigned a = 0; a < n1; a++)
                for (unsigned b = 0; b < n2; b++)
                    inv_probe_one(t, (p << s) | s, k1[a], k2[b], inv, st, count);
    }
    return true;
}

unsigned tlb_invalidate(struct smmu_tlb *t, const tlb_inv_t *inv, smmu_cache_stats_t *st)
{
    unsigned n = 0;
    if (!t || !t->shifts || (inv->by_addr && (inv->hi < t->span_lo || inv->lo > t->span_hi)))
        return 0;
    if (inv->by_addr && inv->hi >= inv->lo && inv_by_probe(t, inv, st, &n))
        return n;
    for (uint32_t w = 0; w < live_words(t->n); w++)
        for (uint64_t bits = t->live[w]; bits; bits &= bits - 1) {
            uint32_t i = w * 64 + (uint32_t)__builtin_ctzll(bits);
            if (!inv_addr_miss(&t->e[i], inv) && inv_match_tags(&t->e[i], inv)) {
                entry_unlink(t, i);
                st->invalidations++;
                n++;
            }
        }
    return n;
}
