/* SPDX-License-Identifier: Apache-2.0 */
/* CMD_ATC_INV (4.5.1). ATS requests and Translated transactions live in translate.c. */
#ifndef SMMUV3_SRC_ATS_H
#define SMMUV3_SRC_ATS_H
#include "internal.h"
/* Execute CMD_ATC_INV; false means CERROR_ILL. */
bool ats_cmd_atc_inv(smmu_t *s, const uint64_t *cmd);
#endif
