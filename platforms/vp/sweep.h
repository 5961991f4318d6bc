// SPDX-License-Identifier: Apache-2.0
// smmu-vp --sweep: a grid of IOTLB configurations over one trace, run by worker processes,
// written as CSV and plotted with gnuplot (docs/platform.md "Exploring configurations").
#ifndef SMMUV3_PLATFORMS_VP_SWEEP_H
#define SMMUV3_PLATFORMS_VP_SWEEP_H

#include <string>
#include <vector>

#include "smmuv3_replay/core_run.h"

namespace smmuv3::vp {

struct SweepOptions {
    std::vector<uint32_t> entries{16, 32, 64, 128, 256, 512, 1024, 2048, 4096};
    std::vector<smmu_policy_t> policies{SMMU_POLICY_LRU, SMMU_POLICY_LFU, SMMU_POLICY_FIFO,
                                        SMMU_POLICY_RANDOM, SMMU_POLICY_PLRU};
    std::vector<uint32_t> ways;  ///< empty: the configured --tlb-ways; 0 = fully associative
    unsigned jobs = 2;           ///< worker processes
    std::string csv = "smmu-sweep.csv";
    std::string plot = "smmu-sweep.png";  ///< .png or .svg; empty: no plot
    bool tlm = false;                     ///< run the SystemC platform (default: core-only)
    bool quiet = false;
};

/// Runs the grid; returns the process exit status (0, or 1 when a run failed).
int run_sweep(const replay::RunSpec& base, const SweepOptions& o);

}  // namespace smmuv3::vp
#endif
