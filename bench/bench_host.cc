// SPDX-License-Identifier: Apache-2.0
// Shared set-up for the benchmarks: a CoreHost with the driver model on a flat RAM.
#include "bench_host.h"

namespace bench {

using namespace smmuv3::drv;

Rig::Rig(const smmu_config_t& cfg, DriverOptions opt)
    : host(cfg, kRamBase, kRamSize), pages(kRamBase, kRamSize / 2), drv(host, pages, opt)
{
    drv.init();
}

smmu_config_t config(const char* preset)
{
    smmu_config_t c;
    if (smmu_config_preset(preset, &c) != SMMU_OK)
        c = smmu_config_default();
    return c;
}

}  // namespace bench
