/* SPDX-License-Identifier: Apache-2.0 */
/* PRI queue (chapter 8) and CMD_PRI_RESP (4.5.2). */
#include "priq.h"

#define CMD_GET(F, cmd) RGET(CMDF_##F, cmd)

void priq_reset(smmu_t *s)
{
    (void)s;
}

bool priq_cmd_resp(smmu_t *s, const uint64_t *cmd)
{
    unsigned resp = (unsigned)CMD_GET(RESP, cmd);
    if (!s->cfg.pri || resp == 3)
        return false; /* 4.5.2: CERROR_ILL without PRI, or with the reserved response */
    if (!smmu_enabled(s) || !s->ops.pri_resp)
        return true;
    static const uint8_t code[3] = {0xF, 0x1, 0x0}; /* Failure, Invalid Request, Success */
    smmu_pri_resp_t r;
    memset(&r, 0, sizeof r);
    r.stream_id = (uint32_t)CMD_GET(STREAMID, cmd);
    r.ssv = CMD_GET(SSV, cmd) != 0;
    r.substream_id = r.ssv ? (uint32_t)CMD_GET(SUBSTREAMID, cmd) : 0;
    r.prg_index = (uint16_t)CMD_GET(PRGINDEX, cmd);
    r.code = code[resp];
    s->ops.pri_resp(s->ops.ctx, &r);
    return true;
}
