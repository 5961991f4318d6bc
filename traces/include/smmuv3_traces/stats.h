// SPDX-License-Identifier: Apache-2.0
// Trace statistics and an exact fully-associative LRU TLB simulation keyed by
// (StreamID, 4 KiB page), with and without the trace's TLBI commands (docs/traces.md).
#ifndef SMMUV3_TRACES_STATS_H
#define SMMUV3_TRACES_STATS_H

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "smmuv3_traces/record.h"

namespace smmuv3::traces {

/// Exact LRU set of (sid, vpn) keys with capacity `entries`.
class lru_tlb {
public:
    explicit lru_tlb(size_t entries) : m_cap(entries) {}
    /// Looks key up, counts a hit or miss if `count`, inserts it as most recent.
    bool access(uint32_t sid, uint64_t vpn, bool count);
    void invalidate_pages(const std::set<uint32_t>& sids, uint64_t vpn0, uint64_t npages);
    void invalidate_sids(const std::set<uint32_t>& sids);
    void clear();
    uint64_t hits() const { return m_hits; }
    uint64_t misses() const { return m_misses; }
    size_t size() const { return m_map.size(); }

private:
    using key = std::pair<uint32_t, uint64_t>;
    struct key_hash {
        size_t operator()(const key& k) const
        {
            return std::hash<uint64_t>()(k.second * 0x9E3779B97F4A7C15ull ^ k.first);
        }
    };
    size_t m_cap;
    std::list<key> m_lru;  // front = most recent
    std::unordered_map<key, std::list<key>::iterator, key_hash> m_map;
    uint64_t m_hits = 0, m_misses = 0;
};

/// Statistics of one phase (or of the whole trace).
struct phase_stats {
    std::string name;
    uint32_t idx = 0;
    uint64_t dma = 0;                ///< replayable dma records in the phase
    uint64_t distinct_pages = 0;     ///< distinct (sid, 4 KiB page)
    std::set<uint32_t> sids;
    std::map<std::string, uint64_t> access;   ///< by access token
    uint64_t qemu_hit = 0, qemu_known = 0;    ///< records with q = H / with any H or M
    uint64_t cmds = 0, tlbi = 0;
    std::vector<std::pair<uint64_t, uint64_t>> plain;  ///< (hits, misses) per entries
    std::vector<std::pair<uint64_t, uint64_t>> inval;  ///< same, honouring TLBIs
};

struct trace_stats {
    std::map<std::string, uint64_t> by_kind;   ///< records by kind
    uint64_t records = 0;
    uint64_t dma_replayable = 0, dma_noreplay = 0;
    std::map<uint32_t, uint64_t> dma_by_sid;
    std::map<std::string, uint64_t> outcomes;  ///< H, M3, A, ... ("-" = none)
    std::map<std::string, uint64_t> commands;  ///< by name
    uint64_t distinct_pages = 0;
    uint64_t bytes_mapped_max = 0;             ///< largest total mapped size at any time
    std::vector<size_t> entries;               ///< simulated TLB sizes
    phase_stats whole;                         ///< the whole trace
    std::vector<phase_stats> phases;           ///< from mark records; empty if none
};

/// Feeds records one by one; memory grows only with distinct pages and live mappings.
class stats_collector {
public:
    explicit stats_collector(std::vector<size_t> entries);
    ~stats_collector();
    void add(const record& r);
    /// Completes the phases; if the trace has no phase marks, phases = { whole }.
    trace_stats finish();

private:
    struct impl;
    std::unique_ptr<impl> m;
};

/// Replays bind/map/unmap records into per-stream address spaces and checks every
/// replayable dma record that carries an expected output address against them: what a
/// replayer building page tables from the trace would see (docs/traces.md "Replaying").
class mapping_checker {
public:
    void add(const record& r, uint64_t index);
    bool has_maps() const { return m_maps_seen; }
    uint64_t checked() const { return m_checked; }
    uint64_t matched() const { return m_matched; }
    uint64_t unmapped() const { return m_unmapped; }
    uint64_t mismatched() const { return m_mismatched; }   ///< other pa, or access not allowed
    uint64_t overlapping_maps() const { return m_overlaps; }
    /// The first problem found, "" if none: "record N: ...".
    const std::string& first_problem() const { return m_first; }

private:
    struct entry {
        uint64_t size, pa;
        uint8_t perm;
    };
    void problem(uint64_t index, const std::string& what);
    void remove(uint32_t sid, uint64_t start, uint64_t end);

    std::map<std::pair<uint32_t, uint64_t>, entry> m_map;  // (sid, base) -> mapping
    bool m_maps_seen = false;
    uint64_t m_checked = 0, m_matched = 0, m_unmapped = 0, m_mismatched = 0, m_overlaps = 0;
    std::string m_first;
};

/// Human-readable summary (the `smmu-trace summary` output).
std::string format_stats(const trace_stats& s);

}  // namespace smmuv3::traces
#endif
