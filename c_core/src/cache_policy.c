/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Replacement policies shared by every set-associative cache of the model: LRU, LFU, FIFO,
 * random (xorshift64*, seeded, reproducible) and tree pseudo-LRU. The architecture leaves
 * replacement IMPLEMENTATION DEFINED; these are the knobs an architect sweeps.
 *
 * A cache is sets x ways entries; entry index = set * ways + way. This module only chooses
 * victims: lookups go through each cache's own hash index.
 */
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

static void cpol_sizes(const cpol_t *cp, size_t *meta, size_t *valid, size_t *plru)
{
    *meta = sizeof(uint64_t) * cp->sets * cp->ways;
    *valid = sizeof(uint64_t) * cp->sets * words_for(cp->ways);
    *plru = sizeof(uint64_t) * cp->sets * words_for(cp->ways);
}

size_t cpol_footprint(const smmu_cache_geom_t *g)
{
    if (g->entries == 0)
        return 0;
    uint32_t ways = g->ways ? g->ways : g->entries;
    size_t sets = g->entries / ways;
    return sizeof(uint64_t) * (g->entries + 2 * sets * words_for(ways));
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
    cp->policy = g->policy;
    size_t m, v, p;
    cpol_sizes(cp, &m, &v, &p);
    cp->meta = smmu_alloc(smmu, m);
    cp->valid = smmu_alloc(smmu, v);
    cp->plru = smmu_alloc(smmu, p);
    if (!cp->meta || !cp->valid || !cp->plru) {
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
    smmu_free(smmu, cp->meta, m);
    smmu_free(smmu, cp->valid, v);
    smmu_free(smmu, cp->plru, p);
    cp->meta = cp->valid = cp->plru = NULL;
}

void cpol_reset(cpol_t *cp, uint64_t seed)
{
    if (cp->meta) {
        size_t m, v, p;
        cpol_sizes(cp, &m, &v, &p);
        memset(cp->meta, 0, m);
        memset(cp->valid, 0, v);
        memset(cp->plru, 0, p);
    }
    cp->clock = 0;
    cp->rng = seed ? seed : UINT64_C(0x9E3779B97F4A7C15);
}

void cpol_set_valid(cpol_t *cp, uint32_t set, uint32_t way, bool valid)
{
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
    uint64_t *m = &cp->meta[(size_t)set * cp->ways + way];
    switch (cp->policy) {
    case SMMU_POLICY_LRU:
    case SMMU_POLICY_FIFO: *m = ++cp->clock; break;
    case SMMU_POLICY_LFU: *m = 1; break;
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
    for (uint32_t i = 0; i < cp->vwords; i++) {
        uint64_t freeb = ~v[i];
        if (i == cp->vwords - 1 && cp->ways % 64)
            freeb &= (UINT64_C(1) << (cp->ways % 64)) - 1;
        if (freeb)
            return i * 64 + (uint32_t)__builtin_ctzll(freeb);
    }
    return cp->ways;
}

uint32_t cpol_victim(cpol_t *cp, uint32_t set)
{
    uint32_t w = free_way(cp, set);
    if (w < cp->ways)
        return w;
    switch (cp->policy) {
    case SMMU_POLICY_RANDOM: return (uint32_t)((rng_next(cp) >> 32) % cp->ways);
    case SMMU_POLICY_PLRU: return plru_victim(cp, set);
    case SMMU_POLICY_LRU:
    case SMMU_POLICY_FIFO:
    case SMMU_POLICY_LFU: break;
    }
    /* smallest meta: least recently used / first in / least frequently used; ties: lowest way */
    const uint64_t *m = &cp->meta[(size_t)set * cp->ways];
    uint32_t best = 0;
    for (uint32_t i = 1; i < cp->ways; i++)
        if (m[i] < m[best])
            best = i;
    return best;
}
