/* SPDX-License-Identifier: Apache-2.0 */
/* Performance Monitor Counter Groups (chapter 10). */
#ifndef SMMUV3_SRC_PMCG_H
#define SMMUV3_SRC_PMCG_H
#include "internal.h"
bool pmcg_create(smmu_t *s);
void pmcg_destroy(smmu_t *s);
void pmcg_reset(smmu_t *s);
size_t pmcg_footprint(const smmu_config_t *cfg);
#endif
