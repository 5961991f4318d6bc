/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The TLB's lookup structure, visible to the translation hit paths so a probe can be
 * inlined there (tlb.c owns all updates).
 */
#ifndef SMMUV3_SRC_TLB_INLINE_H
#define SMMUV3_SRC_TLB_INLINE_H

#include "cache.h"

#define TLB_K2_GLOBAL 0xFFFFFFFFu
#define SLOT_EMPTY 0u

typedef tlb_hot_t tlb_slot_t; /* tag 0 = empty */

/* A micro-TLB's (StreamID, SubstreamID) keys, so a TLBI by address can probe instead of
 * scanning: a port usually carries one or two streams. */
#define UTLB_KEYS 4
typedef struct utlb_key {
    uint32_t sid, ssid_tag, count;
} utlb_key_t;

struct smmu_tlb {
    cpol_t pol;
    uint32_t n;            /* entries */
    uint32_t slot_bits;
    uint32_t slot_mask;
    tlb_slot_t *slots;
    uint32_t *slot_of;     /* entry number -> slot position */
    tlb_entry_t *e;        /* full entries, by entry number */
    uint64_t *live;        /* bit i: entry i valid (invalidation scans visit only these) */
    uint32_t shift_count[64];
    uint64_t shifts;       /* bit s set: entries of size 2^s present */
    uint32_t globals;      /* entries with TLBF_GLOBAL */
    uint32_t used;         /* valid entries */
    uint64_t span_lo, span_hi; /* the input addresses covered by the entries linked since the
                                  TLB was last empty (a TLBI outside it has nothing to do) */
    uint32_t kclass[32];   /* IOTLB: valid entries per kclass_of(ctx), for TLBIs by address */
    bool micro;            /* keyed by StreamID/SubstreamID */
    smmu_fast_t *fast;     /* micro: the port's fast entry (a copy of one of our entries) */
    bool keys_lost;        /* micro: more distinct keys than keys[] since it was last empty */
    uint32_t nkeys;
    utlb_key_t keys[UTLB_KEYS]; /* micro: the keys of the valid entries, with their counts */
};

/* The full entry behind a hot slot, and the two halves of entry number i. */
static inline tlb_entry_t *tlb_cold(struct smmu_tlb *t, const tlb_hot_t *h)
{
    return &t->e[h->idx];
}
static inline tlb_entry_t *tlb_cold_idx(struct smmu_tlb *t, uint32_t i)
{
    return &t->e[i];
}
static inline tlb_hot_t *tlb_slot_of(struct smmu_tlb *t, uint32_t i)
{
    return &t->slots[t->slot_of[i]];
}

/* Hash of a key; the (k1, k2) part can be precomputed with tlb_kmix(). */
static inline uint64_t tlb_kmix(uint32_t k1, uint32_t k2)
{
    return ((uint64_t)k1 * UINT64_C(0xC2B2AE3D27D4EB4F)) ^ ((uint64_t)k2 * UINT64_C(0x165667B19E3779F9));
}

static inline uint64_t tlb_mix(uint64_t tag, uint32_t k1, uint32_t k2)
{
    return (tag ^ tlb_kmix(k1, k2)) * UINT64_C(0x9E3779B97F4A7C15);
}

static inline uint32_t home_slot(const struct smmu_tlb *t, uint64_t h)
{
    return (uint32_t)(h >> (64 - t->slot_bits));
}

/* Probe for (tag, k1, k2) given kmix = tlb_kmix(k1, k2). */
static inline tlb_slot_t *tlb_probe_k(struct smmu_tlb *t, uint64_t tag, uint64_t kmix, uint32_t k1,
                                      uint32_t k2)
{
    uint32_t pos = home_slot(t, (tag ^ kmix) * UINT64_C(0x9E3779B97F4A7C15));
    for (;;) {
        tlb_slot_t *s = &t->slots[pos];
        if (s->tag == tag && s->k1 == k1 && s->k2 == k2)
            return s;
        if (s->tag == SLOT_EMPTY)
            return NULL;
        pos = (pos + 1) & t->slot_mask;
    }
}

static inline tlb_slot_t *probe(struct smmu_tlb *t, uint64_t tag, uint32_t k1, uint32_t k2)
{
    return tlb_probe_k(t, tag, tlb_kmix(k1, k2), k1, k2);
}

/* The entry whose range holds va, keyed (k1, k2) with kmix = tlb_kmix(k1, k2): one probe per
 * mapping size present, smallest first; with global, also (k1, TLB_K2_GLOBAL), whose hash is
 * kmix_global (IOTLB entries from nG == 0 descriptors; never for micro-TLBs). */
static inline tlb_slot_t *tlb_find_k(struct smmu_tlb *t, uint64_t va, uint32_t k1, uint32_t k2,
                                     uint64_t kmix, uint64_t kmix_global, bool global)
{
    for (uint64_t sh = t->shifts; sh; sh &= sh - 1) {
        unsigned sz = (unsigned)__builtin_ctzll(sh);
        uint64_t tag = (va & ~((UINT64_C(1) << sz) - 1)) | sz;
        tlb_slot_t *x = tlb_probe_k(t, tag, kmix, k1, k2);
        if (!x && global)
            x = tlb_probe_k(t, tag, kmix_global, k1, TLB_K2_GLOBAL);
        if (x)
            return x;
    }
    return NULL;
}

#endif
