// SPDX-License-Identifier: Apache-2.0
// Documented deviations: recorded answers that contradict the Arm SMMUv3 spec (IHI 0070 G.b).
//
// The project rule: "If you find an `intent` that contradicts the spec text, follow the spec,
// report that case as skipped citing the section." Each rule below recognises one such
// situation from the case data alone (never from a case id) and gives the spec value of the
// field concerned. A rule corrects a recorded answer only when all of these hold:
//   1. the case data is in the situation the rule describes (event type, S2, CLASS, direction,
//      the registers and tables the case wrote);
//   2. the recorded value is the one the documented mistake produces (not just any value);
//   3. the model's value is the spec value the rule computes independently of the model.
// The caller then compares the corrected answer with the model in full, so that every other
// field must still match; a model whose value is neither the recorded nor the spec value
// keeps failing.
//
// Rules (README.md "Documented deviations" has the details):
//   strtab-base-alignment §6.3.24  F_STE_FETCH FetchAddr: Stream table base aligned to its size
//   tt-descriptor-ipa     §7.3.13  IPA of a stage-2 fault on a stage-1 table walk (CLASS=TT)
//   cd-fault-rnw          §7.3     RnW of a stage-2 fault on the CD fetch (CLASS=CD), write DMA
#ifndef SMMUV3_TOOLS_CONFORMANCE_DEVIATIONS_HPP
#define SMMUV3_TOOLS_CONFORMANCE_DEVIATIONS_HPP

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "oracle.hpp"

namespace conformance {

/// What the rules may look at besides the step: guest memory and what the case programmed.
struct rule_env {
    /// Read guest memory as it is now; false where there is no memory (the access aborts).
    std::function<bool(uint64_t pa, void *buf, size_t len)> read;
    std::optional<uint64_t> strtab_base;     ///< SMMU_STRTAB_BASE as last written with SMMUEN=0
    std::optional<uint32_t> strtab_base_cfg; ///< SMMU_STRTAB_BASE_CFG likewise
    unsigned oas_bits = 48;                  ///< IDR5.OAS of the case, in bits
    unsigned ssidsize = 0;                   ///< IDR1.SSIDSIZE of the case
};

/// One recorded field corrected to the spec value by a rule.
struct deviation {
    std::string rule;    ///< rule name, e.g. "strtab-base-alignment"
    std::string section; ///< spec text it follows: "IHI 0070 G.b §6.3.24 SMMU_STRTAB_BASE"
    std::string detail;  ///< the field, the recorded value and the spec (= model) value
};

/**
 * Correct QEMU's records of a DMA step (`expect.events`) where a rule recognises a documented
 * deviation.
 * @param model  the records the model wrote for this step, in order
 * @param e      in: the recorded expectation; out: with the recognised fields set to the spec
 * @return the corrections made (empty: no rule applies and e is unchanged)
 */
std::vector<deviation> correct_expectation(const rule_env &env, const step &s,
                                           const std::vector<event_raw> &model, expectation &e);

/**
 * Correct an architected answer of a DMA step (`intent` or an `arch_allows` entry) likewise.
 * @param fault_iova  input address of the part of the access that faulted
 */
std::vector<deviation> correct_outcome(const rule_env &env, const step &s,
                                       const std::vector<event_raw> &model, uint64_t fault_iova,
                                       outcome &o);

/// Where a nested walk stopped: the stage-1 descriptor whose IPA stage 2 cannot translate.
struct s1_descriptor {
    uint64_t ipa = 0;    ///< descriptor address (an IPA): table + 8 * index
    uint64_t table = 0;  ///< IPA of the stage-1 table holding it
    int level = 0;       ///< lookup level of that table
    unsigned granule_bits = 12;
    uint64_t index = 0;
};

/**
 * The stage-1 descriptor that the nested walk of `va` for StreamID `sid` reads from the
 * stage-1 table whose IPA is `table_ipa` (compared on bits [51:12]), when the stage-2
 * translation of that descriptor's address faults: its address is the IPA an S2=1, CLASS=TT
 * record reports (IHI 0070 §7.3.13). Walks the Stream table, stage 2 and stage 1 from guest
 * memory, following the spec (VMSAv8-64, 4K/16K/64K granules, no 52-bit addresses).
 * @return nullopt when the walk does not reach such a table, or the configuration is not one
 *         this walker handles; `why` then says where it stopped
 */
std::optional<s1_descriptor> s1_descriptor_at(const rule_env &env, uint32_t sid, uint64_t va,
                                              uint64_t table_ipa, std::string &why);

} // namespace conformance

#endif // SMMUV3_TOOLS_CONFORMANCE_DEVIATIONS_HPP
