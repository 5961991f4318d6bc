// SPDX-License-Identifier: Apache-2.0
// Reader of the oracle case files (format "smmu-oracle v1", ../shared/oracle/FORMAT.md).
//
// Every line of a .jsonl (or .jsonl.xz) file is one case. The reader turns it into plain
// structs and checks the schema on the way: a bad line is reported as "FILE:LINE: why" and
// the whole file is rejected. Nothing here knows about the SMMU model.
#ifndef SMMUV3_TOOLS_CONFORMANCE_ORACLE_HPP
#define SMMUV3_TOOLS_CONFORMANCE_ORACLE_HPP

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace conformance {

/// Outcome of one device access as the oracle names it (FORMAT.md §5).
enum class result { ok, fault, abort, partial };

const char *result_name(result r);

/// An architected answer: a DMA step's `intent`, one of its `arch_allows` entries, or the
/// `second_page` of a partial intent (FORMAT.md §6).
struct outcome {
    result res = result::ok;
    std::optional<uint64_t> pa;    ///< ok / partial
    bool has_event = false;        ///< fault: an event must be recorded (false: must not)
    uint8_t event = 0;             ///< its type (valid when has_event)
    std::optional<unsigned> s2;    ///< S2 bit, when the intent states it
    std::optional<unsigned> cls;   ///< CLASS: 0 CD, 1 TT, 2 IN
    std::optional<uint64_t> ipa;   ///< IPA; compared on bits [51:12]
    std::vector<outcome> second_page; ///< partial: what the rest of the access does (0 or 1)
};

using event_raw = std::array<uint8_t, 32>;

/// What QEMU did for one DMA (`expect`).
struct expectation {
    result res = result::ok;
    std::optional<uint64_t> pa;
    std::vector<event_raw> events;           ///< records QEMU wrote during this access
    std::optional<std::vector<uint8_t>> read_data;
    std::optional<uint64_t> gerror_after;    ///< GERROR read right after the access
};

enum class op { mem_write, reg_write, reg_read, dma, mem_expect, note };

/// One step of a case. Only the fields of its op are meaningful.
struct step {
    op kind = op::note;
    std::string note;              ///< `note` (or a note step's `text`)
    // mem_write, mem_expect
    uint64_t addr = 0;
    std::vector<uint8_t> data;     ///< also the bytes a DMA write carries
    // reg_write, reg_read
    std::string reg;
    uint64_t off = 0;
    unsigned size = 0;             ///< register access size (4 or 8) / DMA size in bytes
    uint64_t val = 0;
    std::optional<uint64_t> arch_expect;
    std::vector<std::string> quirks;
    // dma
    uint32_t sid = 0;
    std::optional<uint32_t> ssid;
    uint64_t iova = 0;
    bool write = false;
    expectation expect;
    outcome intent;
    std::vector<outcome> arch_allows;
};

/// One case (FORMAT.md §3).
struct oracle_case {
    std::string file;              ///< where it came from, for messages
    unsigned line = 0;
    std::string id;
    std::string category;
    std::string machine;           ///< platform.machine, e.g. "virt,iommu=smmuv3"
    uint64_t ram_base = 0x40000000, ram_size = 0x40000000;
    std::vector<std::pair<std::string, uint32_t>> id_regs; ///< in file order
    std::vector<std::string> quirks;
    std::vector<step> steps;
};

/// Spec name of an event type ("F_TRANSLATION"), or nullptr for a reserved number.
const char *event_type_name(unsigned type);

/**
 * Read every case of one file (.jsonl, or .jsonl.xz decompressed with liblzma).
 * @param err  receives "FILE:LINE: problem" (or "FILE: problem") when false is returned
 * @return false if the file cannot be read or any line is malformed; out is then partial.
 */
bool load_cases(const std::string &path, std::vector<oracle_case> &out, std::string &err);

} // namespace conformance

#endif // SMMUV3_TOOLS_CONFORMANCE_ORACLE_HPP
