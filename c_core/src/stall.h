/* SPDX-License-Identifier: Apache-2.0 */
/* Stalled transactions (3.12.2, 4.7.1, 4.7.2). See stall.c and docs/stall.md. */
#ifndef SMMUV3_SRC_STALL_H
#define SMMUV3_SRC_STALL_H
#include "internal.h"

bool stall_create(smmu_t *s);
void stall_destroy(smmu_t *s);
/* Forget every stalled transaction (no stall_done): after smmu_reset() has terminated them,
 * and at create time. */
void stall_reset(smmu_t *s);
size_t stall_footprint(const smmu_config_t *cfg);

/* CMD_RESUME (4.7.1): no effect unless (sid, stag) names an outstanding stall. */
void stall_resume(smmu_t *s, uint32_t sid, uint16_t stag, bool retry, bool abort);
/* CMD_STALL_TERM (4.7.2): abort-terminate every stall of sid. */
void stall_term(smmu_t *s, uint32_t sid);
/* SMMUEN 1 -> 0 (6.3.9): abort-terminate every stall. */
void stall_terminate_all(smmu_t *s);

/* Hold a transaction whose translation-related fault stalls (finish_fault() after it has set
 * status STALL and filled out->event with Stall = 1). Assigns the STAG, re-encodes and writes
 * the record, or keeps it for stall_retry_records() when the queue is not writable. With no
 * free stall resource the transaction is abort-terminated and recorded with Stall = 0. The host
 * cookie is the one bound to txn with stall_cookie_bind() (0 if none). */
void stall_hold(smmu_t *s, const smmu_txn_t *txn, smmu_xlate_t *out);

/* Stall records that could not be written: their transactions are retried as though they had
 * just arrived (3.12.2, 7.2.1). Call whenever the event queue may have become writable. */
void stall_retry_records(smmu_t *s);

/* The host cookie of a stallable translation is bound to its smmu_txn_t for the duration of
 * the call (smmu_translate_stallable, smmu_translate_batch). Bindings nest: restore the value
 * returned by bind. Inline: two stores on every stallable translation. */
static inline stall_cookie_t stall_cookie_bind(smmu_t *s, const smmu_txn_t *txn, uint64_t cookie)
{
    stall_cookie_t prev = s->stall_bound;
    s->stall_bound.txn = txn;
    s->stall_bound.cookie = cookie;
    return prev;
}

static inline void stall_cookie_restore(smmu_t *s, stall_cookie_t prev)
{
    s->stall_bound = prev;
}
#endif
