/* SPDX-License-Identifier: Apache-2.0 */
/* Performance Monitor Counter Groups (chapter 10). */
#include "pmcg.h"

bool pmcg_create(smmu_t *s)
{
    (void)s;
    return true;
}
void pmcg_destroy(smmu_t *s)
{
    (void)s;
}
void pmcg_reset(smmu_t *s)
{
    (void)s;
}
size_t pmcg_footprint(const smmu_config_t *cfg)
{
    (void)cfg;
    return 0;
}
smmu_status_t smmu_pmcg_read(smmu_t *smmu, unsigned group, uint64_t offset, unsigned size,
                             uint64_t *val)
{
    (void)smmu; (void)group; (void)offset; (void)size;
    if (val)
        *val = 0;
    return SMMU_E_UNSUPPORTED;
}
smmu_status_t smmu_pmcg_write(smmu_t *smmu, unsigned group, uint64_t offset, unsigned size,
                              uint64_t val)
{
    (void)smmu; (void)group; (void)offset; (void)size; (void)val;
    return SMMU_E_UNSUPPORTED;
}
void smmu_advance_cycles(smmu_t *smmu, uint64_t cycles)
{
    (void)smmu; (void)cycles;
}
void pmcg_account(smmu_t *s, const smmu_txn_t *txn, const smmu_xlate_t *x)
{
    (void)s; (void)txn; (void)x;
}
