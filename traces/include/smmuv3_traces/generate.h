// SPDX-License-Identifier: Apache-2.0
// Synthetic traces with named access patterns, seeded and reproducible on every host
// (own PRNG and integer arithmetic only; no std:: distributions).
#ifndef SMMUV3_TRACES_GENERATE_H
#define SMMUV3_TRACES_GENERATE_H

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "smmuv3_traces/trace.h"

namespace smmuv3::traces {

enum class pattern : uint8_t {
    sequential,  ///< each stream streams through a large mapped buffer
    random,      ///< uniform random accesses within a mapped working set
    linux_dma,   ///< Linux-like: top-down IOVA allocation, map, access, unmap + TLBI
    mixed,       ///< streams running different patterns, interleaved in bursts
};
const char* pattern_name(pattern p);
std::optional<pattern> parse_pattern(const std::string& s);
std::vector<std::string> pattern_names();

struct generate_options {
    pattern pat = pattern::random;
    uint64_t seed = 1;
    uint64_t count = 10000;          ///< DMA records to generate (other records extra)
    unsigned streams = 1;            ///< devices, StreamIDs sid_base + i*sid_stride
    uint32_t sid_base = 0x8, sid_stride = 0x8;
    uint64_t working_set = 256;      ///< pages per stream (random, sequential buffer)
    uint32_t access_size = 64;       ///< bytes per DMA access
    unsigned granule_shift = 12;     ///< 12, 14 or 16
    bool strict = true;              ///< linux_dma: TLBI per unmap (false: batched by ASID)
    unsigned queue_depth = 8;        ///< linux_dma: buffers in flight per stream
    unsigned max_buffer_pages = 32;  ///< linux_dma: largest buffer, pages
    uint64_t time_step = 100;        ///< ns between accesses (time_unit ns)
};

/// Checks options; returns an empty string or what is wrong.
std::string check_generate_options(const generate_options& o);

/// A generator as a record source (streaming: memory does not grow with count).
std::unique_ptr<record_source> generate(const generate_options& o);

}  // namespace smmuv3::traces
#endif
