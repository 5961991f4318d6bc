// SPDX-License-Identifier: Apache-2.0
#ifndef SMMUV3_BENCH_BENCH_HOST_H
#define SMMUV3_BENCH_BENCH_HOST_H

#include "core_host.h"
#include "smmu_driver.h"

namespace bench {

constexpr uint64_t kRamBase = 0x40000000;
constexpr uint64_t kRamSize = 256ull << 20;
constexpr uint64_t kDataBase = kRamBase + kRamSize / 2; // DMA targets live in the upper half

/// An SMMU on a flat RAM, initialised by the driver model.
struct Rig {
    explicit Rig(const smmu_config_t& cfg, smmuv3::drv::DriverOptions opt = {});
    smmuv3::drv::CoreHost host;
    smmuv3::drv::PageAllocator pages;
    smmuv3::drv::Driver drv;
};

smmu_config_t config(const char* preset = "default");

}  // namespace bench
#endif
