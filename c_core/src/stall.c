/* SPDX-License-Identifier: Apache-2.0 */
/* Stalled transactions (3.12.2, 4.7.1, 4.7.2). Filled in by the stall-model work. */
#include "stall.h"

bool stall_create(smmu_t *s)
{
    (void)s;
    return true;
}
void stall_destroy(smmu_t *s)
{
    (void)s;
}
void stall_reset(smmu_t *s)
{
    (void)s;
}
size_t stall_footprint(const smmu_config_t *cfg)
{
    (void)cfg;
    return 0;
}
void stall_resume(smmu_t *s, uint32_t sid, uint16_t stag, bool retry, bool abort)
{
    (void)s; (void)sid; (void)stag; (void)retry; (void)abort;
}
void stall_term(smmu_t *s, uint32_t sid)
{
    (void)s; (void)sid;
}
void stall_terminate_all(smmu_t *s)
{
    (void)s;
}
void stall_retry_records(smmu_t *s)
{
    (void)s;
}
unsigned smmu_stall_count(const smmu_t *smmu)
{
    (void)smmu;
    return 0;
}
void stall_hold(smmu_t *s, const smmu_txn_t *txn, smmu_xlate_t *out)
{
    (void)txn;
    /* until the stall model is in place a stalling fault terminates (recorded, Stall = 0) */
    out->status = SMMU_XLATE_FAULT;
    out->event.stall = false;
    s->stats.faulted++;
    out->recorded = evtq_write(s, &out->event);
}
