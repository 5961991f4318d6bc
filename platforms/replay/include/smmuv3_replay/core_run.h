// SPDX-License-Identifier: Apache-2.0
// The core-only replay in one call: a CoreHost (the bare C core on flat memory), the driver
// model on it, and the engine feeding DMA to smmu_translate_batch(). smmu-vp --core-only, the
// sweeps, the benchmarks and the tests use it.
#ifndef SMMUV3_PLATFORMS_REPLAY_CORE_RUN_H
#define SMMUV3_PLATFORMS_REPLAY_CORE_RUN_H

#include <functional>
#include <string>

#include "smmuv3_replay/replay.h"
#include "smmuv3_replay/report.h"

namespace smmuv3::replay {

/// One replay run, whichever the platform.
struct RunSpec {
    std::string trace;                          ///< path: native trace or shared capture
    std::string preset = "default";             ///< name reported (cfg is what is used)
    smmu_config_t cfg = smmu_config_default();  ///< num_ports is raised to the trace's ports
    Timing timing;
    const Program* program = nullptr;        ///< the trace already decoded (else it is streamed)
    std::function<void(uint64_t)> progress;  ///< records done, after each chunk
    uint64_t quantum_ps = 10000000;          ///< TLM: temporal-decoupling quantum (10 us)
    /// TLM: false (default): the SMMU consumes commands inside the CMDQ_PROD write and the CPU's
    /// local time is charged Timing::command per command; true: the wrapper's command thread
    /// consumes one per Timing::command and the CPU waits (same simulated time, slower).
    bool timed_cmdq = false;
};

/// The shape of the trace of a spec: from its program, or trace_shape().
TraceShape spec_shape(const RunSpec& spec);

/// Replays spec.trace on the bare core. Throws traces::trace_error, ReplayError,
/// drv::DriverError.
Report run_core(const RunSpec& spec);

}  // namespace smmuv3::replay
#endif
