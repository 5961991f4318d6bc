/* SPDX-License-Identifier: Apache-2.0 */
/* PRI queue (chapter 8) and CMD_PRI_RESP (4.5.2). smmu_pri_request() is public (smmuv3.h). */
#ifndef SMMUV3_SRC_PRIQ_H
#define SMMUV3_SRC_PRIQ_H
#include "internal.h"
/* Execute CMD_PRI_RESP; false means CERROR_ILL. */
bool priq_cmd_resp(smmu_t *s, const uint64_t *cmd);
#endif
