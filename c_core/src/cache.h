/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The model's caches: IOTLB and micro-TLBs (tlb.c), configuration cache (cfgcache.c) and
 * walk caches (walkcache.c). What each invalidation command removes is decided in cmdq.c
 * (chapter 4) and expressed as the match descriptors below.
 */
#ifndef SMMUV3_SRC_CACHE_H
#define SMMUV3_SRC_CACHE_H

#include "internal.h"

/* ---------------------------------------------------------------------------------------- */
/* Translation context tag                                                                   */
/* ---------------------------------------------------------------------------------------- */

/* What a cached translation is for (3.17): which stages it combines. */
enum { KIND_S1 = 1, KIND_S2 = 2, KIND_NESTED = 3 };

/* ctx = aset[20] | kind[19:18] | regime[17:16] | vmid[15:0]. VMID is 0 when the regime has
 * none. CD.ASET tags stage-1 entries (3.17.1: global entries of a shared (ASET = 0) and a
 * non-shared (ASET = 1) context must not match each other); TLBIs ignore it (4.4). */
#define CTX_VMID_MASK 0xFFFFu
#define CTX_REGIME_SHIFT 16
#define CTX_KIND_SHIFT 18
#define CTX_ASET (1u << 20)
static inline uint32_t ctx_make(unsigned kind, unsigned regime, unsigned vmid)
{
    return (uint32_t)((kind << CTX_KIND_SHIFT) | (regime << CTX_REGIME_SHIFT) | vmid);
}
static inline unsigned ctx_kind(uint32_t ctx)
{
    return (ctx >> CTX_KIND_SHIFT) & 3u;
}

/* Permission masks. Stage 1 (A: D8.4): */
enum {
    P1_PR = 1u << 0, P1_PW = 1u << 1, P1_PX = 1u << 2,
    P1_UR = 1u << 3, P1_UW = 1u << 4, P1_UX = 1u << 5,
    P1_ALL = 0x3F,
};
/* Stage 2: read, write, execute privileged, execute unprivileged (XNX). */
enum { P2_R = 1u << 0, P2_W = 1u << 1, P2_XP = 1u << 2, P2_XU = 1u << 3, P2_ALL = 0xF };

/* ---------------------------------------------------------------------------------------- */
/* TLB (IOTLB and micro-TLB)                                                                 */
/* ---------------------------------------------------------------------------------------- */

enum {
    TLBF_VALID = 1u << 0,
    TLBF_GLOBAL = 1u << 1,   /* nG == 0: matches any ASID */
    TLBF_S1DIRTY_CLEAN = 1u << 2, /* a stage-1 write would set dirty state (HTTU): re-walk */
    TLBF_S2DIRTY_CLEAN = 1u << 3, /* same at stage 2 */
    TLBF_PRIVCFG_SHIFT = 4,  /* micro-TLB: STE.PRIVCFG to apply on a hit (3 for EL2 regimes) */
    TLBF_INSTCFG_SHIFT = 6,  /* micro-TLB: STE.INSTCFG to apply on a hit */
};

typedef struct tlb_entry {
    uint64_t va;        /* input address, aligned to 1 << shift */
    uint64_t pa;        /* output address of va */
    uint64_t ipa;       /* nested: IPA of va (stage-2 fault reports); S2-only: == va */
    uint32_t ctx;       /* ctx_make() */
    uint16_t asid;
    uint8_t shift;      /* log2 of the mapping size */
    uint8_t flags;      /* TLBF_* */
    uint8_t perm1;      /* stage-1 permissions P1_* (P1_ALL when stage 1 is bypassed) */
    uint8_t perm2;      /* stage-2 permissions P2_* (P2_ALL when stage 2 is bypassed) */
    uint8_t level;      /* leaf level of the stage named by TLBI (stage 1, or 2 for S2-only) */
    uint8_t gshift;     /* granule of that stage */
    uint8_t s2level, s2gshift; /* stage-2 leaf (nested entries) */
    uint8_t attr;       /* output memory type, MAIR encoding */
    uint64_t fperm;     /* micro-TLB only: smmu_fast_t.perm for this entry (translate.c) */
    uint32_t sid;       /* micro-TLB only: StreamID */
    uint32_t ssid_tag;  /* micro-TLB only: SubstreamID | bit 31 = SSV */
    uint64_t ipa_mask;  /* nested: size-1 of the stage-2 leaf the entry came from */
} tlb_entry_t;

#define SSID_TAG(ssv, ssid) ((ssv) ? (0x80000000u | (uint32_t)(ssid)) : 0u)

/* What a lookup returns: the hot part of an entry (one 32-byte slot). */
typedef struct tlb_hot {
    uint64_t tag;       /* va | shift */
    uint64_t pa;        /* output address of va */
    uint32_t k1, k2;
    uint8_t perm1, perm2, flags, attr;
    uint32_t idx;       /* entry number */
} tlb_hot_t;

static inline unsigned hot_shift(const tlb_hot_t *h)
{
    return (unsigned)(h->tag & 63u);
}

struct smmu_tlb;
struct smmu_tlb *tlb_create(smmu_t *smmu, const smmu_cache_geom_t *g);
/* A micro-TLB; fast is its port's fast entry, dropped whenever the entry it mirrors is. */
struct smmu_tlb *utlb_create(smmu_t *smmu, const smmu_cache_geom_t *g, smmu_fast_t *fast);
void tlb_destroy(smmu_t *smmu, struct smmu_tlb *t);
void tlb_flush(smmu_t *smmu, struct smmu_tlb *t);
size_t tlb_footprint(const smmu_cache_geom_t *g);
void tlb_reseed(struct smmu_tlb *t, uint64_t seed);

/* IOTLB lookup: entry whose range holds va, with this ctx and (global or) asid. */
tlb_hot_t *tlb_lookup(struct smmu_tlb *t, uint64_t va, uint32_t ctx, uint16_t asid,
                      smmu_cache_stats_t *st);
/* Insert (replacing an entry with the same tags if present); returns its entry number. */
uint32_t tlb_insert(struct smmu_tlb *t, const tlb_entry_t *e, smmu_cache_stats_t *st);
/* Remove one entry found by a lookup. */
void tlb_remove(struct smmu_tlb *t, tlb_hot_t *h, smmu_cache_stats_t *st);

/* What an invalidation removes. Every condition enabled must hold. */
typedef struct tlb_inv {
    uint32_t kinds;          /* bit (1 << KIND_*) of kinds that may be removed */
    uint32_t regimes;        /* bit (1 << REGIME_*) of regimes that may be removed */
    bool match_vmid;
    uint16_t vmid;
    uint16_t vmid_wild;      /* VMID bits ignored (CR0.VMW) */
    bool match_asid;         /* non-global entries must have this ASID */
    uint16_t asid;
    bool keep_global;        /* global entries are not removed (TLBI_*_ASID) */
    bool by_addr;            /* only entries overlapping [lo, hi] */
    uint64_t lo, hi;
    uint8_t tg_shift;        /* 0, or only entries of this granule (range TLBI with TG) */
    uint8_t ttl;             /* 0, or only leaves at this level */
    bool by_sid;             /* micro-TLB: only entries of this StreamID range */
    uint32_t sid_lo, sid_hi;
} tlb_inv_t;

unsigned tlb_invalidate(struct smmu_tlb *t, const tlb_inv_t *inv, smmu_cache_stats_t *st);

/* ---------------------------------------------------------------------------------------- */
/* Configuration cache                                                                       */
/* ---------------------------------------------------------------------------------------- */

struct smmu_cfgc *cfgc_create(smmu_t *smmu);
void cfgc_destroy(smmu_t *smmu, struct smmu_cfgc *c);
void cfgc_flush(smmu_t *smmu, struct smmu_cfgc *c);
size_t cfgc_footprint(const smmu_config_t *cfg);
const smmu_ste_t *cfgc_ste_lookup(smmu_t *smmu, uint32_t sid);
const smmu_ste_t *cfgc_ste_insert(smmu_t *smmu, uint32_t sid, const smmu_ste_t *ste);
const smmu_cd_t *cfgc_cd_lookup(smmu_t *smmu, uint32_t sid, uint32_t ssid_tag);
const smmu_cd_t *cfgc_cd_insert(smmu_t *smmu, uint32_t sid, uint32_t ssid_tag,
                                const smmu_cd_t *cd);
/* CFGI_STE / CFGI_STE_RANGE / CFGI_ALL: STEs of [lo, hi] and every CD reached through them */
void cfgc_inv_ste(smmu_t *smmu, uint32_t lo, uint32_t hi);
/* Generation of the configuration cache contents (changes on any insert/removal/flush). */
uint64_t cfgc_gen(const smmu_t *smmu);
/* Does p point into the configuration cache? */
bool cfgc_cached(const smmu_t *smmu, const void *p);
/* Complete a memo (gen and entry numbers) whose ste/cd pointers are set. */
void cfgc_memo_fill(smmu_t *smmu, smmu_memo_t *m);
/* Account a memo hit as the STE (and CD) lookups it stands for. */
void cfgc_memo_hit(smmu_t *smmu, const smmu_memo_t *m);
/* CFGI_CD (all == false) / CFGI_CD_ALL (all == true) */
void cfgc_inv_cd(smmu_t *smmu, uint32_t sid, uint32_t ssid_tag, bool all);

/* ---------------------------------------------------------------------------------------- */
/* Walk caches                                                                               */
/* ---------------------------------------------------------------------------------------- */

/* A cached table descriptor: the next-level table for ia at level (level + 1), with the
 * hierarchical attributes accumulated down to it. */
typedef struct walk_hit {
    uint64_t table;      /* next-level table address (IPA for nested stage 1) */
    int8_t level;        /* level of the descriptor that was cached */
    uint8_t attrs;       /* accumulated APTable[1:0] | XNTable << 2 | PXNTable << 3 */
} walk_hit_t;

struct smmu_walkc *walkc_create(smmu_t *smmu);
void walkc_destroy(smmu_t *smmu, struct smmu_walkc *w);
bool walkc_enabled(const smmu_t *smmu, unsigned stage);
void walkc_flush(smmu_t *smmu, struct smmu_walkc *w);
size_t walkc_footprint(const smmu_config_t *cfg);
/* Deepest cached table descriptor for ia with levels in [start, max_level]. */
bool walkc_lookup(smmu_t *smmu, unsigned stage, uint32_t ctx, uint16_t asid, uint64_t ia,
                  int start, int max_level, unsigned gshift, walk_hit_t *out);
void walkc_insert(smmu_t *smmu, unsigned stage, uint32_t ctx, uint16_t asid, uint64_t ia,
                  unsigned gshift, const walk_hit_t *h);
/* Stage-2 results used by nested stage-1 walks and CD fetches: IPA page -> PA page. */
bool walkc_s2res_lookup(smmu_t *smmu, uint16_t vmid, uint64_t ipa, uint64_t *pa,
                        uint8_t *perm2);
void walkc_s2res_insert(smmu_t *smmu, uint16_t vmid, uint64_t ipa, uint64_t pa, unsigned shift,
                        uint8_t perm2);

typedef struct walk_inv {
    bool s1, s2;          /* which stage's entries (s2 includes the stage-2 results) */
    bool match_ctx_vmid;  /* stage-1: ctx VMID; stage-2: VMID */
    uint16_t vmid, vmid_wild;
    uint32_t regimes;     /* stage-1: bit (1 << REGIME_*) */
    bool match_asid;
    uint16_t asid;
    bool by_addr;
    uint64_t lo, hi;
    bool leaf_only;       /* Leaf == 1: table entries survive, stage-2 results do not */
} walk_inv_t;
void walkc_invalidate(smmu_t *smmu, const walk_inv_t *inv);

/* ---------------------------------------------------------------------------------------- */
/* Statistics helpers (smmu_stats.c)                                                         */
/* ---------------------------------------------------------------------------------------- */
void stats_streams_free(smmu_t *smmu);
/* The per-StreamID statistics of sid, or NULL when it is not tracked. The tracks live in
 * one array allocated once, so the pointer stays valid while the stream is tracked
 * (smmu_stats_track_stream() bumps smmu->epoch, which drops the fast entries holding it). */
struct smmu_stream_track *stats_stream_search(smmu_t *smmu, uint32_t sid); /* remembers it */
static inline struct smmu_stream_track *stats_stream_find(smmu_t *smmu, uint32_t sid)
{
    /* translations come in runs from one stream: the last answer, without a call */
    if (smmu->track_last_valid && smmu->track_last_sid == sid)
        return smmu->track_last;
    return stats_stream_search(smmu, sid);
}
/* One tracked StreamID (stats.c); visible so that the same-page path counts inline. */
struct smmu_stream_track {
    uint32_t sid;
    bool used;
    smmu_stream_stats_t st;
};

#endif /* SMMUV3_SRC_CACHE_H */
