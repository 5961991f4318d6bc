/* SPDX-License-Identifier: Apache-2.0 */
/* Performance Monitor Counter Groups (chapter 10). */
#ifndef SMMUV3_SRC_PMCG_H
#define SMMUV3_SRC_PMCG_H
#include "internal.h"
bool pmcg_create(smmu_t *s);
void pmcg_destroy(smmu_t *s);
void pmcg_reset(smmu_t *s);
size_t pmcg_footprint(const smmu_config_t *cfg);
/* Count the architected events of one finished translation (10.3): transaction, TLB miss,
 * configuration cache miss, walk and structure accesses, ATS requests / translated traffic.
 * Called only while smmu->pmcg_on. */
void pmcg_account(smmu_t *s, const smmu_txn_t *txn, const smmu_xlate_t *x);
#endif
