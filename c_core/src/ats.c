/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CMD_ATC_INV: ATS Invalidate Requests handed to the host's endpoint model.
 * Arm IHI 0070 G.b 4.5.1 (the command), 3.9.1.4 (timeouts), 4.7.3 (CMD_SYNC completion).
 * ATS Translation Requests and Translated transactions are in translate.c (3.9.1.2-3).
 *
 * Model choices (docs/ats_pri.md):
 *  - Size > 52 gives CERROR_ILL (4.5.1 permits it, or an UNKNOWN span);
 *  - SSV == 1 without PASID support (IDR1.SSIDSIZE == 0) behaves as SSV == 0 (4.5.1
 *    CONSTRAINED UNPREDICTABLE, first option);
 *  - the host's answer decides completion: DONE at once, PENDING until
 *    smmu_atc_inv_complete() (a CMD_SYNC waits), TIMEOUT makes the next CMD_SYNC fail with
 *    CERROR_ATC_INV_SYNC (3.9.1.4, as Arm recommends).
 */
#include "ats.h"

#define CMD_GET(F, cmd) RGET(CMDF_##F, cmd)

bool ats_cmd_atc_inv(smmu_t *s, const uint64_t *cmd)
{
    if (!s->cfg.ats)
        return false; /* 4.5.1: ILLEGAL when IDR0.ATS == 0 */
    unsigned size = (unsigned)CMD_GET(ATC_SIZE, cmd);
    if (size > 52)
        return false; /* 4.5.1: permitted to raise CERROR_ILL */
    if (!smmu_enabled(s))
        return true; /* 4.5.1: IGNORED while SMMUEN == 0 */
    bool ssv = CMD_GET(SSV, cmd) != 0 && s->cfg.ssidsize != 0;
    smmu_atc_inv_t inv;
    memset(&inv, 0, sizeof inv);
    inv.stream_id = (uint32_t)CMD_GET(STREAMID, cmd);
    inv.ssv = ssv;
    inv.substream_id = ssv ? (uint32_t)CMD_GET(SUBSTREAMID, cmd) : 0;
    inv.global = ssv && CMD_GET(GLOBAL, cmd) != 0; /* 4.5.1: Global IGNORED when SSV == 0 */
    if (size == 52) {
        inv.addr = 0; /* a 2^64-byte span: invalidate all */
        inv.size = UINT64_MAX;
    } else {
        /* 4.5.1: span 4096 * 2^Size aligned to its size; Address[11 + Size:0] taken as 0 */
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
