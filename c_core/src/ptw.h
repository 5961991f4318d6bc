/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VMSAv8-64 translation table walker (Arm DDI 0487 M.a.a chapter D8, as applied by the SMMU,
 * Arm IHI 0070 G.b 3.4 and 3.13). One stage at a time; it knows nothing of SMMU queues,
 * STEs or CDs. Descriptor reads and updates go through ptw_io_t, so a nested stage-1 walk
 * can translate each table address through stage 2 in the caller.
 */
#ifndef SMMUV3_SRC_PTW_H
#define SMMUV3_SRC_PTW_H

#include "cache.h"

/* The access being translated. */
typedef struct ptw_access {
    bool write, instr, priv;
    bool no_update;     /* no hardware access flag / dirty state updates (debug) */
    bool probe;         /* ATS Translation Request: no permission fault, report what is
                           granted (3.9.1.2, 13.7); a write intent still sets dirty state */
} ptw_access_t;

typedef struct ptw_io {
    void *ctx;
    /* Read the 64-bit descriptor at table address addr (an IPA for nested stage 1, else a
     * PA). On failure fill *f (F_WALK_EABT, or a stage-2 fault) and return false. */
    bool (*read)(void *ctx, uint64_t addr, uint64_t *desc, smmu_fault_t *f);
    /* Atomically replace old by new at addr; *seen receives the value found. Returns false
     * (with *f) on a fault. */
    bool (*update)(void *ctx, uint64_t addr, uint64_t old, uint64_t new_desc, uint64_t *seen,
                   smmu_fault_t *f);
    /* Optional walk cache. */
    bool (*wc_lookup)(void *ctx, uint64_t ia, int start, int max_level, walk_hit_t *h);
    void (*wc_insert)(void *ctx, uint64_t ia, const walk_hit_t *h);
} ptw_io_t;

/* Result of a successful walk. */
typedef struct ptw_result {
    uint64_t oa;          /* output address of ia */
    uint8_t shift;        /* log2 of the mapping size (page, block, contiguous range) */
    int8_t level;         /* level of the leaf */
    uint8_t perm;         /* P1_* (stage 1) or P2_* (stage 2) granted */
    uint8_t write_clean;  /* permissions a write would gain by a dirty-state update */
    bool global;          /* stage 1: nG == 0 */
    uint8_t attr;         /* stage 1: AttrIndx; stage 2: MemAttr */
} ptw_result_t;

/* Walk configuration helpers */
int ptw_start_level(unsigned gshift, unsigned ia_bits);
unsigned ptw_contig_bits(unsigned gshift, int level);

/* Stage-1 and stage-2 permission masks for one access. */
static inline uint8_t ptw_need1(bool write, bool instr, bool priv)
{
    unsigned b = write ? 1u : instr ? 2u : 0u;
    return (uint8_t)(1u << (b + (priv ? 0u : 3u)));
}
static inline uint8_t ptw_need2(bool write, bool instr, bool priv)
{
    return (uint8_t)(write ? 2u : instr ? (priv ? 4u : 8u) : 1u);
}

/* Walk one stage for ia. Returns true with *r filled, or false with *f set to
 * F_TRANSLATION / F_ADDR_SIZE / F_ACCESS / F_PERMISSION (s2 = stage == 2, class IN), or to
 * whatever the io callbacks reported. *reads counts descriptor reads done by this walk. */
bool ptw_walk(const ptw_cfg_t *c, uint64_t ia, const ptw_access_t *a, const ptw_io_t *io,
              ptw_result_t *r, smmu_fault_t *f, unsigned *reads);

#endif
