/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file smmuv3_atc.h
 * @brief A device-side Address Translation Cache (PCIe ATC) for DMA-master models.
 *
 * Not part of the SMMU: an endpoint that uses ATS keeps one of these. It caches the answers
 * to ATS Translation Requests (smmu_translate() with SMMU_ATYPE_ATS_REQUEST), is invalidated
 * by the ATS Invalidate Requests the SMMU sends for CMD_ATC_INV (forward
 * smmu_host_ops_t::atc_inv to smmu_atc_invalidate()), and turns a denied translation into a
 * PRI Page Request (smmu_pri_request()). See docs/ats_pri.md for the whole loop.
 *
 * Rules it follows (Arm IHI 0070 G.b and the PCIe ATS rules the SMMU spec relies on):
 *  - entries are tagged by StreamID, PASID (SSV/SubstreamID) and, for PASID requests, the
 *    Priv level: a completion holds the permissions of that privilege level only (13.7);
 *  - requests without a PASID are Data and Unprivileged (13.7): their Exe/Priv are ignored;
 *  - only Success completions granting something are cached: R == W == 0 is a denial that
 *    the device answers with PRI, not a translation (3.9.1.2);
 *  - invalidation (4.5.1): SSV == 0 removes the stream's entries obtained without a PASID;
 *    SSV == 1 the entries of that PASID; SSV == 1 with Global the entries of every PASID
 *    (the PCIe Global Invalidate flag "affects all PASID values"). Only entries overlapping
 *    [addr, addr + size) go; size == UINT64_MAX is everything.
 *
 * One handle per device, no globals, libc only. Not thread-safe (one device, one thread).
 */
#ifndef SMMUV3_SMMUV3_ATC_H
#define SMMUV3_SMMUV3_ATC_H

#include "smmuv3/smmuv3.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct smmu_atc smmu_atc_t; /**< one endpoint's ATC (opaque) */

/** Allocator with lua_Alloc semantics (as smmu_host_ops_t::alloc): nsize == 0 frees. */
typedef void *(*smmu_atc_alloc_fn)(void *ctx, void *ptr, size_t osize, size_t nsize);

/** Outcome of smmu_atc_lookup(). */
typedef enum smmu_atc_outcome {
    SMMU_ATC_MISS = 0, /**< nothing cached for the address: make a Translation Request */
    SMMU_ATC_HIT,      /**< *pa is the translated address: issue a Translated transaction */
    SMMU_ATC_NO_PERM,  /**< cached, but without the permission this access needs: make a
                            new Translation Request (NW == 0 for a write) */
} smmu_atc_outcome_t;

/** Counters. hits + misses + no_perm == lookups. */
typedef struct smmu_atc_stats {
    uint64_t lookups, hits, misses, no_perm;
    uint64_t fills;          /**< completions cached */
    uint64_t fills_denied;   /**< Success completions with nothing granted (not cached) */
    uint64_t evictions;      /**< entries replaced because the ATC was full */
    uint64_t invalidations;  /**< invalidate requests received */
    uint64_t invalidated;    /**< entries removed by them */
} smmu_atc_stats_t;

/**
 * Create an ATC.
 * @param capacity  entries (>= 1); replacement is least-recently-used.
 * @param alloc     optional allocator; NULL uses the C library (realloc/free).
 * @param alloc_ctx passed to alloc.
 * @param out       receives the handle.
 * @return SMMU_OK, SMMU_E_INVAL (capacity 0, out NULL) or SMMU_E_NOMEM.
 */
smmu_status_t smmu_atc_create(uint32_t capacity, smmu_atc_alloc_fn alloc, void *alloc_ctx,
                              smmu_atc_t **out);

/** Destroy an ATC (NULL is ignored). */
void smmu_atc_destroy(smmu_atc_t *atc);

/**
 * Look up an untranslated access of the device. Uses txn->stream_id, ssv, substream_id,
 * iova, write, instr and priv (instr and priv only with a PASID, 13.7). An instruction
 * fetch needs Exe; other reads need R, writes W.
 * @param pa  receives the translated address on SMMU_ATC_HIT (may be NULL).
 */
smmu_atc_outcome_t smmu_atc_lookup(smmu_atc_t *atc, const smmu_txn_t *txn, uint64_t *pa);

/**
 * Build the ATS Translation Request for an access (3.9.1, 13.7): atype ATS_REQUEST, the page
 * address, write = !NW (the access is a write), Exe and Priv only with a PASID. Other fields
 * (port, flags) are copied.
 */
void smmu_atc_treq(const smmu_txn_t *access, smmu_txn_t *treq);

/**
 * Cache the completion of a Translation Request: treq as given to smmu_translate(), resp
 * what it returned. Only Success completions (resp->ats == SMMU_ATS_SUCCESS) are accepted;
 * one that grants no permission is counted (fills_denied) but not cached. A new entry
 * replaces cached entries of the same tag that it overlaps.
 * @return SMMU_OK, or SMMU_E_INVAL (not an ATS request, or not a Success completion).
 */
smmu_status_t smmu_atc_fill(smmu_atc_t *atc, const smmu_txn_t *treq, const smmu_xlate_t *resp);

/** Apply an ATS Invalidate Request (what host_ops.atc_inv receives for CMD_ATC_INV).
 *  @return the number of entries removed. */
unsigned smmu_atc_invalidate(smmu_atc_t *atc, const smmu_atc_inv_t *inv);

/** Remove every entry (device reset, ATS disabled at the endpoint). */
void smmu_atc_flush(smmu_atc_t *atc);

/** Entries currently cached. */
unsigned smmu_atc_count(const smmu_atc_t *atc);

/**
 * Build a PRI Page Request (chapter 8) for an access that could not be translated (a
 * Translation Request answered with R == W == 0, or without the permission needed): the page
 * address, R always (ATS implies read), W for a write, Exe and Priv only with a PASID.
 */
void smmu_atc_page_request(const smmu_txn_t *access, uint16_t prg_index, bool last,
                           smmu_pri_req_t *out);

/** Read the counters. */
void smmu_atc_stats_get(const smmu_atc_t *atc, smmu_atc_stats_t *out);

/** Zero the counters. */
void smmu_atc_stats_reset(smmu_atc_t *atc);

#ifdef __cplusplus
}
#endif
#endif /* SMMUV3_SMMUV3_ATC_H */
