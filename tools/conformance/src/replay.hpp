// SPDX-License-Identifier: Apache-2.0
// Replays one oracle case through the public C API of the SMMUv3 core and compares.
#ifndef SMMUV3_TOOLS_CONFORMANCE_REPLAY_HPP
#define SMMUV3_TOOLS_CONFORMANCE_REPLAY_HPP

#include <string>
#include <vector>

#include "oracle.hpp"

namespace conformance {

struct options {
    bool verbose = false;          ///< collect per-step detail
    std::string preset;            ///< force this preset instead of choosing by machine
};

struct case_report {
    enum class status { passed, failed, skipped };
    status st = status::passed;
    std::vector<std::string> failures; ///< "step N (what): difference", first one first
    std::string skip_reason;
    std::vector<std::string> detail;   ///< verbose notes (model log, accepted deviations)
};

/// Preset reproducing the case's platform, or nullptr when no preset fits.
const char *preset_for_machine(const std::string &machine);

/**
 * Replay a case on a fresh SMMU and fake memory.
 * @param progress  if not null, receives the index of the step being replayed (so that a
 *                  parent process can say where a crashing model died)
 */
case_report run_case(const oracle_case &c, const options &opt, volatile int *progress);

} // namespace conformance

#endif // SMMUV3_TOOLS_CONFORMANCE_REPLAY_HPP
