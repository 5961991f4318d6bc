/* SPDX-License-Identifier: Apache-2.0 */
/* Stalled transactions (3.12.2, 4.7.1, 4.7.2). */
#ifndef SMMUV3_SRC_STALL_H
#define SMMUV3_SRC_STALL_H
#include "internal.h"

bool stall_create(smmu_t *s);
void stall_destroy(smmu_t *s);
void stall_reset(smmu_t *s);
size_t stall_footprint(const smmu_config_t *cfg);
/* CMD_RESUME / CMD_STALL_TERM / SMMUEN 1->0 */
void stall_resume(smmu_t *s, uint32_t sid, uint16_t stag, bool retry, bool abort);
void stall_term(smmu_t *s, uint32_t sid);
void stall_terminate_all(smmu_t *s);
/* Hold a transaction whose fault stalls; out->event is the record (Stall = 1). */
void stall_hold(smmu_t *s, const smmu_txn_t *txn, smmu_xlate_t *out);
/* Stall records that could not be written yet are retried when the queue may accept them. */
void stall_retry_records(smmu_t *s);
#endif
