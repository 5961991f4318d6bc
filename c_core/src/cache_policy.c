/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Replacement policies shared by every set-associative cache of the model: LRU, LFU, FIFO,
 * random (xorshift64*, seeded, reproducible) and tree pseudo-LRU. The architecture leaves
 * replacement IMPLEMENTATION DEFINED; these are the knobs an architect sweeps.
 *
 * A cache is sets x ways entries; entry index = set * ways + way. This module only chooses
 * victims: lookups go through each cache's own hash index.
 *
 * LRU keeps a last-use stamp per entry (one store per hit) and scans the set for the oldest
 * on a miss; for wide sets (more than LRU_LIST_MIN_WAYS ways, e.g. fully associative micro-
 * TLBs) it keeps a doubly-linked recency list per set instead, so the miss is O(1) too. Both
 * give the same order: strict least-recently-used.
 */
#define LRU_LIST_MIN_WAYS 16
#define NILW CPOL_NILW
#include "internal.h"

static unsigned log2u(uint32_t x)
{
    unsigned n = 0;
    while (x > 1) {
        x >>= 1;
        n++;
    }
    return n;
}

static size_t words_for(uint32_t bits)
{
    return (bits + 63u) / 64u;
}

static bool uses_list(smmu_policy_t policy, uint32_t ways)
{
    return policy == SMMU_POLICY_LRU && ways > LRU_LIST_MIN_WAYS;
}

/* Which per-entry state a policy keeps: stamps or counts in meta[] (LRU with narrow sets,
 * FIFO, LFU), a recency list in link[] (LRU with wide sets), tree bits in plru[] (PLRU);
 * random keeps none. */
static bool uses_meta(smmu_policy_t policy, uint32_t ways)
{
    return (policy == SMMU_POLICY_LRU && !uses_list(policy, ways)) ||
           policy == SMMU_POLICY_FIFO || policy == SMMU_POLICY_LFU;
}

/* Bytes of meta[] or of link[] for a recency list (prev and next per entry, head and tail
 * per set), of valid[] and of plru[]; 0 for the arrays the policy does not use. */
static void geom_sizes(size_t sets, uint32_t ways, smmu_policy_t policy, size_t *meta,
                       size_t *valid, size_t *plru)
{
    if (uses_list(policy, ways))
        *meta = sizeof(uint32_t) * sets * (2u * ways + 2u);
    else
        *meta = uses_meta(policy, ways) ? sizeof(uint64_t) * sets * ways : 0;
    *valid = sizeof(uint64_t) * sets * words_for(ways);
    *plru = policy == SMMU_POLICY_PLRU ? sizeof(uint64_t) * sets * words_for(ways) : 0;
}

static void cpol_sizes(const cpol_t *cp, size_t *meta, size_t *valid, size_t *plru)
{
    geom_sizes(cp->sets, cp->ways, cp->policy, meta, valid, plru);
}

size_t cpol_footprint(const smmu_cache_geom_t *g)
{
    if (g->entries == 0)
        return 0;
    uint32_t ways = g->ways ? g->ways : g->entries;
    size_t m, v, p;
    geom_sizes(g->entries / ways, ways, g->policy, &m, &v, &p);
    return m + v + p;
}

bool cpol_init(smmu_t *smmu, cpol_t *cp, const smmu_cache_geom_t *g)
{
    memset(cp, 0, sizeof *cp);
    if (g->entries == 0)
        return true;
    cp->ways = g->ways ? g->ways : g->entries;
    cp->sets = g->entries / cp->ways;
    cp->set_mask = cp->sets - 1;
    cp->vwords = (uint32_t)words_for(cp->ways);
    cp->wshift = (cp->ways & (cp->ways - 1u)) ? WSHIFT_NONE : log2u(cp->ways);
    cp->policy = g->policy;
    cp->lru_list = uses_list(cp->policy, cp->ways);
    size_t m, v, p;
    cpol_sizes(cp, &m, &v, &p);
    if (cp->lru_list)
        cp->link = smmu_alloc(smmu, m);
    else if (m)
        cp->meta = smmu_alloc(smmu, m);
    cp->valid = smmu_alloc(smmu, v);
    if (p)
        cp->plru = smmu_alloc(smmu, p);
    if ((m && !cp->meta && !cp->link) || !cp->valid || (p && !cp->plru)) {
        cpol_free(smmu, cp);
        return false;
    }
    cpol_reset(cp, smmu->cfg.seed);
    return true;
}

void cpol_free(smmu_t *smmu, cpol_t *cp)
{
    size_t m, v, p;
    cpol_sizes(cp, &m, &v, &p);
    /* smmu_free() ignores the arrays this policy did not allocate (NULL) */
    smmu_free(smmu, cp->meta, m);
    smmu_free(smmu, cp->link, m);
    smmu_free(smmu, cp->valid, v);
    smmu_free(smmu, cp->plru, p);
    cp->meta = cp->valid = cp->plru = NULL;
    cp->link = NULL;
}

void cpol_reset(cpol_t *cp, uint64_t seed)
{
    if (cp->valid) {
        size_t m, v, p;
        cpol_sizes(cp, &m, &v, &p);
        if (cp->meta)
            memset(cp->meta, 0, m);
        memset(cp->valid, 0, v);
        if (cp->plru)
            memset(cp->plru, 0, p);
    }
    cp->clock = 0;
    cp->rng = seed ? seed : UINT64_C(0x9E3779B97F4A7C15);
    if (cp->link)
        for (uint32_t set = 0; set < cp->sets; set++) {
            uint32_t *l = cpol_links(cp, set);
            l[CPOL_HEAD] = l[CPOL_TAIL] = NILW; /* empty list (the ways are unlinked) */
        }
}

/* ---- recency list (wide LRU sets): see cpol_links() in internal.h */

static void lst_unlink(cpol_t *cp, uint32_t set, uint32_t way)
{
    uint32_t *l = cpol_links(cp, set), *prev = l + CPOL_PREV, *next = l + CPOL_PREV + cp->ways;
    uint32_t p = prev[way], n = next[way];
    if (p != NILW)
        next[p] = n;
    else
        l[CPOL_HEAD] = n;
    if (n != NILW)
        prev[n] = p;
    else
        l[CPOL_TAIL] = p;
}

static void lst_push_front(cpol_t *cp, uint32_t set, uint32_t way)
{
    uint32_t *l = cpol_links(cp, set), *prev = l + CPOL_PREV, *next = l + CPOL_PREV + cp->ways;
    uint32_t head = l[CPOL_HEAD];
    prev[way] = NILW;
    next[way] = head;
    if (head != NILW)
        prev[head] = way;
    else
        l[CPOL_TAIL] = way;
    l[CPOL_HEAD] = way;
}

static bool way_valid(const cpol_t *cp, uint32_t set, uint32_t way)
{
    return (cp->valid[(size_t)set * cp->vwords + way / 64] >> (way % 64)) & 1u;
}

void cpol_lru_list_touch(cpol_t *cp, uint32_t set, uint32_t way)
{
    if (way_valid(cp, set, way))
        cpol_lru_list_hit(cp, set, way);
}

void cpol_set_valid(cpol_t *cp, uint32_t set, uint32_t way, bool valid)
{
    if (cp->lru_list && !valid && way_valid(cp, set, way))
        lst_unlink(cp, set, way);
    uint64_t *w = &cp->valid[(size_t)set * cp->vwords + way / 64];
    uint64_t bit = UINT64_C(1) << (way % 64);
    *w = valid ? (*w | bit) : (*w & ~bit);
}

void cpol_plru_touch(cpol_t *cp, uint32_t set, uint32_t way)
{
    unsigned depth = log2u(cp->ways);
    uint64_t *bits = &cp->plru[(size_t)set * cp->vwords];
    unsigned node = 1;
    for (unsigned d = 0; d < depth; d++) {
        unsigned dir = (way >> (depth - 1 - d)) & 1u;
        uint64_t b = UINT64_C(1) << (node % 64);
        /* point the node away from the way just used */
        if (dir)
            bits[node / 64] &= ~b;
        else
            bits[node / 64] |= b;
        node = 2 * node + dir;
    }
}

static uint32_t plru_victim(const cpol_t *cp, uint32_t set)
{
    unsigned depth = log2u(cp->ways);
    const uint64_t *bits = &cp->plru[(size_t)set * cp->vwords];
    unsigned node = 1;
    for (unsigned d = 0; d < depth; d++)
        node = 2 * node + (unsigned)((bits[node / 64] >> (node % 64)) & 1u);
    return node - cp->ways;
}

void cpol_filled(cpol_t *cp, uint32_t set, uint32_t way)
{
    if (cp->lru_list) {
        if (way_valid(cp, set, way)) { /* refilled in place: it moves to the front */
            cpol_lru_list_hit(cp, set, way);
            return;
        }
        cp->valid[(size_t)set * cp->vwords + way / 64] |= UINT64_C(1) << (way % 64);
        lst_push_front(cp, set, way);
        return;
    }
    size_t m = (size_t)set * cp->ways + way;
    switch (cp->policy) {
    case SMMU_POLICY_LRU:
    case SMMU_POLICY_FIFO: cp->meta[m] = ++cp->clock; break;
    case SMMU_POLICY_LFU: cp->meta[m] = 1; break;
    case SMMU_POLICY_PLRU: cpol_plru_touch(cp, set, way); break;
    case SMMU_POLICY_RANDOM: break;
    }
    cpol_set_valid(cp, set, way, true);
}

static uint64_t rng_next(cpol_t *cp)
{
    /* xorshift64* */
    uint64_t x = cp->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    cp->rng = x;
    return x * UINT64_C(0x2545F4914F6CDD1D);
}

/* Lowest invalid way of the set, or cp->ways if the set is full. */
static uint32_t free_way(const cpol_t *cp, uint32_t set)
{
    const uint64_t *v = &cp->valid[(size_t)set * cp->vwords];
    if (cp->vwords == 1) { /* up to 64 ways: one word */
        uint64_t freeb = ~v[0];
        if (cp->ways < 64)
            freeb &= (UINT64_C(1) << cp->ways) - 1;
        return freeb ? (uint32_t)__builtin_ctzll(freeb) : cp->ways;
    }
    for (uint32_t i = 0; i < cp->vwords; i++) {
        uint64_t freeb = ~v[i];
        if (i == cp->vwords - 1 && cp->ways % 64)
            freeb &= (UINT64_C(1) << (cp->ways % 64)) - 1;
        if (freeb)
            return i * 64 + (uint32_t)__builtin_ctzll(freeb);
    }
    return cp->ways;
}

/* The way with the smallest meta: least recently used / first in / least frequently used;
 * ties go to the lowest way. Four independent running minima (ways i, i+4, ...), kept in
 * registers and updated with conditional moves, keep the scan from waiting on one long
 * chain of compares; they are merged in way order. */
#define MIN_STEP(k)                                      \
    do {                                                 \
        uint64_t x_ = m[i + (k)];                        \
        b##k = x_ < v##k ? i + (k) : b##k;               \
        v##k = x_ < v##k ? x_ : v##k;                    \
    } while (0)
static uint32_t min_way(const uint64_t *m, uint32_t ways)
{
    if (ways <= 8) { /* the usual IOTLB set: one chain is shorter than merging four */
        uint64_t v = m[0];
        uint32_t w = 0;
        for (uint32_t i = 1; i < ways; i++) {
            w = m[i] < v ? i : w;
            v = m[i] < v ? m[i] : v;
        }
        return w;
    }
    uint64_t v0 = UINT64_MAX, v1 = UINT64_MAX, v2 = UINT64_MAX, v3 = UINT64_MAX;
    uint32_t b0 = 0, b1 = 0, b2 = 0, b3 = 0, i = 0;
    for (; i + 4 <= ways; i += 4) {
        MIN_STEP(0);
        MIN_STEP(1);
        MIN_STEP(2);
        MIN_STEP(3);
    }
    for (; i < ways; i++) /* at most three left: they go to the first minimum */
        if (m[i] < v0) {
            v0 = m[i];
            b0 = i;
        }
    /* merge: the smallest value, the lowest way among equals */
    uint64_t v = v0;
    uint32_t w = b0;
    const uint64_t vs[3] = {v1, v2, v3};
    const uint32_t bs[3] = {b1, b2, b3};
    for (unsigned k = 0; k < 3; k++)
        if (vs[k] < v || (vs[k] == v && bs[k] < w)) {
            v = vs[k];
            w = bs[k];
        }
    return w;
}
#undef MIN_STEP

uint32_t cpol_victim(cpol_t *cp, uint32_t set)
{
    uint32_t w = free_way(cp, set);
    if (w < cp->ways)
        return w;
    if (cp->lru_list)
        return cpol_links(cp, set)[CPOL_TAIL];
    switch (cp->policy) {
    case SMMU_POLICY_RANDOM: return (uint32_t)((rng_next(cp) >> 32) % cp->ways);
    case SMMU_POLICY_PLRU: return plru_victim(cp, set);
    case SMMU_POLICY_LRU:
    case SMMU_POLICY_FIFO:
    case SMMU_POLICY_LFU: break;
    }
    return min_way(&cp->meta[(size_t)set * cp->ways], cp->ways);
}
