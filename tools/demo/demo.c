/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder demo; replaced below. */
#include <stdio.h>
#include "smmuv3/smmuv3.h"
int main(void)
{
    smmu_config_t c = smmu_config_default();
    const char *why = NULL;
    printf("config: %s\n", smmu_config_check(&c, &why) == SMMU_OK ? "ok" : why);
    return 0;
}
