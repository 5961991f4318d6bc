/* SPDX-License-Identifier: Apache-2.0 */
/* PCIe ATS (3.9, 4.5.1). */
#include "ats.h"

#define CMD_GET(F, cmd) RGET(CMDF_##F, cmd)

bool ats_cmd_atc_inv(smmu_t *s, const uint64_t *cmd)
{
    if (!s->cfg.ats)
        return false; /* 4.5.1: CERROR_ILL when ATS is not implemented */
    unsigned size = (unsigned)CMD_GET(ATC_SIZE, cmd);
    bool ssv = CMD_GET(SSV, cmd) != 0;
    bool global = CMD_GET(GLOBAL, cmd) != 0;
    if (size > 52 || (global && !ssv))
        return false;
    if (!smmu_enabled(s))
        return true; /* 4.5: consumed and ignored while SMMUEN == 0 */
    smmu_atc_inv_t inv;
    memset(&inv, 0, sizeof inv);
    inv.stream_id = (uint32_t)CMD_GET(STREAMID, cmd);
    inv.ssv = ssv;
    inv.substream_id = ssv ? (uint32_t)CMD_GET(SUBSTREAMID, cmd) : 0;
    inv.global = global;
    if (size == 52) {
        inv.addr = 0;
        inv.size = UINT64_MAX;
    } else {
        uint64_t span = (uint64_t)4096 << size;
        inv.addr = (CMD_GET(ADDR, cmd) << 12) & ~(span - 1);
        inv.size = span;
    }
    if (!s->ops.atc_inv)
        return true;
    switch (s->ops.atc_inv(s->ops.ctx, &inv)) {
    case SMMU_ATC_DONE: break;
    case SMMU_ATC_PENDING: s->atc_pending++; break;
    case SMMU_ATC_TIMEOUT: s->atc_timeout = true; break;
    }
    return true;
}
