/* SPDX-License-Identifier: Apache-2.0 */
/* Generic tagged cache for the configuration and walk caches; see kcache.h. */
#include "kcache.h"

static void kc_bump(kcache_t *c)
{
    c->gen++;
    if (c->gen_sink)
        (*c->gen_sink)++;
}

static uint32_t kc_bucket_bits(uint32_t n)
{
    uint32_t b = 1;
    while ((1u << b) < 2 * n)
        b++;
    return b;
}

size_t kc_footprint(const smmu_cache_geom_t *g, uint32_t payload_size)
{
    if (!g->entries)
        return 0;
    size_t n = g->entries;
    return n * (2 * sizeof(uint64_t) + payload_size + 2 * sizeof(int32_t)) +
           (sizeof(int32_t) << kc_bucket_bits(g->entries)) + cpol_footprint(g);
}

void kc_free(smmu_t *smmu, kcache_t *c)
{
    smmu_free(smmu, c->k0, sizeof(uint64_t) * c->n);
    smmu_free(smmu, c->k1, sizeof(uint64_t) * c->n);
    smmu_free(smmu, c->payload, (size_t)c->payload_size * c->n);
    smmu_free(smmu, c->next, sizeof(int32_t) * c->n);
    smmu_free(smmu, c->prev, sizeof(int32_t) * c->n);
    smmu_free(smmu, c->bucket, sizeof(int32_t) << c->bucket_bits);
    cpol_free(smmu, &c->pol);
    c->k0 = c->k1 = NULL;
    c->payload = NULL;
    c->next = c->prev = c->bucket = NULL;
    c->n = 0;
}

bool kc_init(smmu_t *smmu, kcache_t *c, const smmu_cache_geom_t *g, uint32_t payload_size,
             smmu_cache_stats_t *st)
{
    memset(c, 0, sizeof *c);
    c->st = st;
    c->payload_size = payload_size;
    if (!g->entries)
        return true;
    c->n = g->entries;
    c->bucket_bits = kc_bucket_bits(c->n);
    c->k0 = smmu_alloc(smmu, sizeof(uint64_t) * c->n);
    c->k1 = smmu_alloc(smmu, sizeof(uint64_t) * c->n);
    c->payload = smmu_alloc(smmu, (size_t)payload_size * c->n);
    c->next = smmu_alloc(smmu, sizeof(int32_t) * c->n);
    c->prev = smmu_alloc(smmu, sizeof(int32_t) * c->n);
    c->bucket = smmu_alloc(smmu, sizeof(int32_t) << c->bucket_bits);
    if (!c->k0 || !c->k1 || !c->payload || !c->next || !c->prev || !c->bucket ||
        !cpol_init(smmu, &c->pol, g)) {
        kc_free(smmu, c);
        return false;
    }
    kc_flush(c, smmu->cfg.seed);
    return true;
}

void kc_flush(kcache_t *c, uint64_t seed)
{
    if (!c->n)
        return;
    for (uint32_t i = 0; i < c->n; i++)
        c->next[i] = c->prev[i] = -1;
    for (uint32_t i = 0; i < (1u << c->bucket_bits); i++)
        c->bucket[i] = -1;
    c->count = 0;
    kc_bump(c);
    cpol_reset(&c->pol, seed);
}

static inline uint64_t kc_mix(uint64_t k0, uint64_t k1)
{
    return (k0 ^ (k1 * UINT64_C(0xC2B2AE3D27D4EB4F))) * UINT64_C(0x9E3779B97F4A7C15);
}

static inline uint32_t kc_bucket(const kcache_t *c, uint64_t k0, uint64_t k1)
{
    return (uint32_t)(kc_mix(k0, k1) >> (64 - c->bucket_bits));
}

static int32_t kc_find(const kcache_t *c, uint64_t k0, uint64_t k1)
{
    for (int32_t i = c->bucket[kc_bucket(c, k0, k1)]; i >= 0; i = c->next[i])
        if (c->k0[i] == k0 && c->k1[i] == k1)
            return i;
    return -1;
}

static void kc_unlink(kcache_t *c, int32_t i)
{
    if (c->prev[i] >= 0)
        c->next[c->prev[i]] = c->next[i];
    else
        c->bucket[kc_bucket(c, c->k0[i], c->k1[i])] = c->next[i];
    if (c->next[i] >= 0)
        c->prev[c->next[i]] = c->prev[i];
    c->next[i] = c->prev[i] = -1;
    cpol_set_valid(&c->pol, cpol_set_of(&c->pol, (uint32_t)i),
                   cpol_way_of(&c->pol, (uint32_t)i), false);
    c->count--;
    kc_bump(c);
}

void *kc_peek(kcache_t *c, uint64_t k0, uint64_t k1)
{
    if (!c->n)
        return NULL;
    int32_t i = kc_find(c, k0, k1);
    return i >= 0 ? c->payload + (size_t)i * c->payload_size : NULL;
}

void *kc_lookup(kcache_t *c, uint64_t k0, uint64_t k1)
{
    if (!c->n)
        return NULL;
    c->st->lookups++;
    int32_t i = kc_find(c, k0, k1);
    if (i < 0) {
        c->st->misses++;
        return NULL;
    }
    c->st->hits++;
    cpol_touch_idx(&c->pol, (uint32_t)i);
    return c->payload + (size_t)i * c->payload_size;
}

bool kc_owns(const kcache_t *c, const void *p)
{
    const uint8_t *b = p;
    return c->n && b >= c->payload && b < c->payload + (size_t)c->n * c->payload_size;
}

uint32_t kc_index_of(const kcache_t *c, const void *p)
{
    return (uint32_t)(((const uint8_t *)p - c->payload) / c->payload_size);
}

void kc_hit_index(kcache_t *c, uint32_t i)
{
    c->st->lookups++;
    c->st->hits++;
    cpol_touch_idx(&c->pol, i);
}

void *kc_insert(kcache_t *c, uint64_t k0, uint64_t k1, const void *payload)
{
    if (!c->n)
        return NULL;
    int32_t i = kc_find(c, k0, k1);
    if (i >= 0) {
        kc_unlink(c, i);
    } else {
        uint32_t set = (uint32_t)(kc_mix(k0, k1) >> 20) & c->pol.set_mask;
        uint32_t way = cpol_victim(&c->pol, set);
        i = (int32_t)(set * c->pol.ways + way);
        uint64_t vw = c->pol.valid[(size_t)set * c->pol.vwords + way / 64];
        if ((vw >> (way % 64)) & 1u) {
            kc_unlink(c, i);
            c->st->evictions++;
        }
    }
    c->k0[i] = k0;
    c->k1[i] = k1;
    memcpy(c->payload + (size_t)i * c->payload_size, payload, c->payload_size);
    uint32_t b = kc_bucket(c, k0, k1);
    c->next[i] = c->bucket[b];
    c->prev[i] = -1;
    if (c->bucket[b] >= 0)
        c->prev[c->bucket[b]] = i;
    c->bucket[b] = i;
    cpol_filled(&c->pol, cpol_set_of(&c->pol, (uint32_t)i),
                cpol_way_of(&c->pol, (uint32_t)i));
    c->count++;
    kc_bump(c);
    c->st->fills++;
    return c->payload + (size_t)i * c->payload_size;
}

bool kc_remove(kcache_t *c, uint64_t k0, uint64_t k1)
{
    if (!c->n)
        return false;
    int32_t i = kc_find(c, k0, k1);
    if (i < 0)
        return false;
    kc_unlink(c, i);
    c->st->invalidations++;
    return true;
}

unsigned kc_remove_if(kcache_t *c,
                      bool (*pred)(uint64_t k0, uint64_t k1, const void *p, const void *arg),
                      const void *arg)
{
    unsigned n = 0;
    if (!c->n || !c->count)
        return 0;
    for (uint32_t i = 0; i < c->n; i++) {
        uint64_t vw = c->pol.valid[(size_t)(i / c->pol.ways) * c->pol.vwords + (i % c->pol.ways) / 64];
        if (!((vw >> ((i % c->pol.ways) % 64)) & 1u))
            continue;
        if (pred(c->k0[i], c->k1[i], c->payload + (size_t)i * c->payload_size, arg)) {
            kc_unlink(c, (int32_t)i);
            c->st->invalidations++;
            n++;
        }
    }
    return n;
}
