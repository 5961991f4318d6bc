/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A set-associative cache of fixed-size payloads under a two-word tag, with a chained hash
 * index for lookups and the shared replacement policies (cache_policy.c). The configuration
 * cache and the walk caches are built on it.
 */
#ifndef SMMUV3_SRC_KCACHE_H
#define SMMUV3_SRC_KCACHE_H

#include "internal.h"

typedef struct kcache {
    cpol_t pol;
    uint32_t n;
    uint32_t payload_size;
    uint64_t *k0, *k1;   /* tags; valid iff bit set in pol.valid */
    uint8_t *payload;
    int32_t *next, *prev, *bucket;
    uint32_t bucket_bits;
    uint32_t count;      /* valid entries */
    uint64_t gen;        /* bumped on every insert, removal and flush */
    uint64_t *gen_sink;  /* optional: also bumped (the owner's combined generation) */
    smmu_cache_stats_t *st;
} kcache_t;

bool kc_init(smmu_t *smmu, kcache_t *c, const smmu_cache_geom_t *g, uint32_t payload_size,
             smmu_cache_stats_t *st);
void kc_free(smmu_t *smmu, kcache_t *c);
size_t kc_footprint(const smmu_cache_geom_t *g, uint32_t payload_size);
void kc_flush(kcache_t *c, uint64_t seed);
/* Payload of the entry tagged (k0, k1), or NULL. Counts a lookup. */
void *kc_lookup(kcache_t *c, uint64_t k0, uint64_t k1);
/* Same without touching statistics or replacement state. */
void *kc_peek(kcache_t *c, uint64_t k0, uint64_t k1);
/* Insert or replace; returns the stored payload (NULL when the cache is off). */
void *kc_insert(kcache_t *c, uint64_t k0, uint64_t k1, const void *payload);
/* Remove every entry for which pred(k0, k1, payload, arg) is true; returns the count. */
unsigned kc_remove_if(kcache_t *c, bool (*pred)(uint64_t k0, uint64_t k1, const void *p,
                                                const void *arg),
                      const void *arg);
/* Entry number of a payload pointer. */
uint32_t kc_index_of(const kcache_t *c, const void *p);
/* Count a lookup that hits entry i, and touch it. */
void kc_hit_index(kcache_t *c, uint32_t i);
/* Is p a payload pointer of this cache? */
bool kc_owns(const kcache_t *c, const void *p);
/* Remove the entry tagged (k0, k1) if present. */
bool kc_remove(kcache_t *c, uint64_t k0, uint64_t k1);

#endif
