// SPDX-License-Identifier: Apache-2.0
// The replay report: what the engine counted and what the SMMU counted, as text or as JSON.
// Every JSON key is documented in docs/platform.md ("Report"); keys are stable, and the same
// trace and options give byte-identical JSON except the "host" object.
#ifndef SMMUV3_PLATFORMS_REPLAY_REPORT_H
#define SMMUV3_PLATFORMS_REPLAY_REPORT_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "smmuv3_replay/replay.h"

namespace smmuv3::replay {

/// How the run was set up.
struct RunInfo {
    std::string trace;         ///< the trace as given on the command line
    std::string trace_format;  ///< e.g. "native binary (zstd)"
    std::string mode;          ///< "tlm" or "core-only"
    std::string preset;        ///< preset the configuration started from
    smmu_config_t cfg{};
    Timing timing;
    unsigned ports = 1;
    std::vector<traces::stream_decl> streams;  ///< the header's stream declarations (names)
};

/// Per-StreamID counters of the core.
struct StreamReport {
    uint32_t sid;
    smmu_stream_stats_t st;
};

struct Report {
    RunInfo run;
    Counters n;
    smmu_stats_t stats{};
    std::vector<StreamReport> streams;
    uint64_t command_errors = 0;  ///< the driver's count (see Driver::command_errors)
    /// Platform facts for the "platform" object (TLM only): key and JSON value text.
    std::vector<std::pair<std::string, std::string>> platform;
};

/// Gathers the engine's counts and the core's statistics after a run.
Report collect(const RunInfo& run, const Engine& eng, smmu_t* smmu, const drv::Driver& drv);

std::string to_json(const Report& r);
std::string to_text(const Report& r);

/// Hit rate as a fraction of 1 (0 when there were no lookups).
double hit_rate(uint64_t hits, uint64_t lookups);

}  // namespace smmuv3::replay
#endif
