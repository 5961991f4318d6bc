// SPDX-License-Identifier: Apache-2.0
// smmu-vp's SystemC platform (docs/platform.md):
//
//   cpu (driver model + replay engine) --reg_socket--> smmu.reg_socket
//   master[p] --b_transport + smmu_ext--> smmu.upstream_socket[p]       one per port
//   smmu.downstream_socket --> router --> memory (tables + DMA data, latency Timing::mem)
//                                     \-> doorbell (MSIs, counted)
//   smmu.irq_* --> irq_counter
//
// The cpu thread runs the replay engine: bind/map/unmap/cmd records go to the driver model,
// which reaches the SMMU through TLM register accesses and writes its tables into the memory
// through a backdoor; DMA records are handed to the masters, which issue one b_transport each.
// Loosely timed with temporal decoupling: one local time offset travels with the trace from
// thread to thread, and a thread synchronises only when it exceeds the quantum.
#ifndef SMMUV3_PLATFORMS_VP_VP_H
#define SMMUV3_PLATFORMS_VP_VP_H

#include "smmuv3_replay/core_run.h"

namespace smmuv3::vp {

/// Replays spec on the SystemC platform. Elaborates and simulates, so it can run once per
/// process (SystemC cannot elaborate twice). Throws what the engine throws.
replay::Report run_tlm(const replay::RunSpec& spec);

}  // namespace smmuv3::vp
#endif
