// SPDX-License-Identifier: Apache-2.0
// The trace replay engine (docs/platform.md): it follows a native trace record by record,
// programs the SMMU through the driver model (platforms/driver) and hands the DMA records to
// an abstract sink, which is the bare C core (core-only replay) or the masters of the SystemC
// platform (smmu-vp). It counts what happened; report.h turns the counts into a report.
//
//   Decoder dec(*src);                 // trace records -> chunks of ready transactions
//   Engine eng(driver, sink, smmu, ports);
//   eng.run(dec);                      // bind/map/unmap/cmd to the driver, dma to the sink
//
// No SystemC here: the library links the core, the driver model and the trace library only.
#ifndef SMMUV3_PLATFORMS_REPLAY_REPLAY_H
#define SMMUV3_PLATFORMS_REPLAY_REPLAY_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "smmu_driver.h"
#include "smmuv3/smmuv3.h"
#include "smmuv3_traces/trace.h"

namespace smmuv3::replay {

/// A trace the platform cannot replay although it is well formed (for example a DMA record on
/// a port the platform was not built with). Malformed traces throw traces::trace_error.
struct ReplayError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// ---------------------------------------------------------------------------------------------
// Timing model
// ---------------------------------------------------------------------------------------------

/// Latencies of the timing model in picoseconds (docs/platform.md, "Timing model"). smmu-vp
/// gives the same numbers to the SystemC wrapper (smmuv3::timing) and to its memory, so the
/// TLM platform and the core-only replay report the same translation latencies.
struct Timing {
    uint64_t utlb_hit = 1000;     ///< micro-TLB hit
    uint64_t iotlb_hit = 4000;    ///< main IOTLB hit, and the lookup that precedes a walk
    uint64_t bypass = 1000;       ///< no TLB lookup (bypass, abort, early faults)
    uint64_t walk_level = 2000;   ///< per translation-table descriptor read, SMMU side
    uint64_t cfg_fetch = 2000;    ///< per STE/L1STD/CD/L1CD read, SMMU side
    uint64_t httu_update = 2000;  ///< per access-flag/dirty-state update, SMMU side
    uint64_t mem = 40000;         ///< memory latency of one access (read or write)
    uint64_t command = 10000;     ///< per command (smmu-vp's timed command queue)

    /// The latency smmuv3_tlm annotates for a translation whose every table and structure
    /// access is served by a memory of latency `mem` through DMI: the lookup, plus for each
    /// memory read its SMMU-side cost and `mem`, plus for each HTTU update its cost, a read and
    /// a write.
    uint64_t translation(const smmu_xlate_t& x) const
    {
        uint64_t t = x.hit == SMMU_HIT_UTLB   ? utlb_hit
                     : x.hit == SMMU_HIT_NONE ? bypass
                                              : iotlb_hit;
        const smmu_work_t& w = x.work;
        const uint64_t desc = uint64_t{w.s1_reads} + w.s2_reads;
        if ((desc | w.cfg_reads | w.writes) != 0)
            t += (cfg_fetch + mem) * w.cfg_reads + (walk_level + mem) * desc +
                 (httu_update + 2 * mem) * w.writes;
        return t;
    }
};

// ---------------------------------------------------------------------------------------------
// DMA sinks
// ---------------------------------------------------------------------------------------------

/// What became of one DMA request.
struct DmaResult {
    uint64_t pa;       ///< output address (valid when ok)
    uint64_t latency;  ///< modelled translation latency, ps (the data access excluded)
    bool ok;           ///< translated or bypassed, and performed
};

/// Where DMA goes. submit() performs the requests in order, one translation each.
class DmaSink {
public:
    virtual ~DmaSink() = default;
    virtual void submit(const smmu_txn_t* req, size_t n, DmaResult* out) = 0;
};

/// The bare core as a sink: smmu_translate_batch(), latencies from Timing::translation().
class CoreSink : public DmaSink {
public:
    CoreSink(smmu_t* smmu, const Timing& t) : smmu_(smmu), timing_(t) {}
    void submit(const smmu_txn_t* req, size_t n, DmaResult* out) override;

private:
    smmu_t* smmu_;
    Timing timing_;
    std::vector<smmu_xlate_t> buf_;
};

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

inline constexpr uint64_t NO_PA = ~uint64_t{0};

/// A piece of a trace decoded for replay, in file order: runs of replayable DMA records as
/// ready transactions, and every other record (bind, map, unmap, cmd, event, mark, and DMA
/// records that are not replayed) as it was read.
struct Chunk {
    struct Step {
        uint32_t begin, end;  ///< [begin, end) of dma (dma == true) or of ctrl
        bool dma;
    };
    std::vector<Step> steps;
    std::vector<smmu_txn_t> dma;       ///< the transactions (size clamped to the 4 KiB page)
    std::vector<uint64_t> expect;      ///< expected output address per transaction, or NO_PA
    std::vector<uint32_t> dma_record;  ///< record index (within the chunk) per transaction
    std::vector<traces::record> ctrl;
    std::vector<uint32_t> ctrl_record;  ///< record index (within the chunk) per ctrl entry
    std::vector<uint32_t> sids;         ///< StreamIDs of the transactions, distinct
    uint64_t first_record = 0;          ///< index of the chunk's first record in the trace
    uint64_t records = 0;
    unsigned max_port = 0;
    void clear();
};

/// Reads a record source chunk by chunk (streaming: memory does not grow with the trace).
/// A replayable DMA record becomes a transaction with its port, StreamID, address, direction
/// (`w?` is a write), instruction and privilege bits. An unknown size becomes 4 bytes, and a
/// size is clamped to the end of the 4 KiB page, so each record is one translation. DMA
/// records with a SubstreamID are not replayed (see Engine).
class Decoder {
public:
    explicit Decoder(traces::record_source& src, size_t chunk_records = 1u << 16);
    /// Next chunk; false at the end of the trace. Throws traces::trace_error.
    bool next(Chunk& c);
    uint64_t records() const { return records_; }
    traces::record_source& source() { return src_; }

private:
    traces::record_source& src_;
    size_t chunk_records_;
    uint64_t records_ = 0;
    bool done_ = false;
    traces::record rec_;
};

// ---------------------------------------------------------------------------------------------
// What a platform must know about a trace before it is built
// ---------------------------------------------------------------------------------------------

struct TraceShape {
    unsigned ports = 1;    ///< upstream ports: the largest port used or declared, plus one
    uint32_t max_sid = 0;  ///< largest StreamID used or declared
    bool scanned = false;  ///< the header declares no streams, so the records were read
};

/// Name of a source's form, e.g. "native binary (zstd)" or "shared capture (xz)".
std::string format_name(const traces::record_source& src);

/// A whole trace decoded in memory (for sweeps: decoded once, replayed many times).
struct Program {
    std::vector<Chunk> chunks;
    traces::header hdr;
    std::string format;  ///< format_name() of the source
    uint64_t records = 0;
    double decode_seconds = 0;
    TraceShape shape;  ///< from the header and from every record
    static Program load(traces::record_source& src);
};

/// Ports and StreamIDs from the header's stream declarations; a trace without declarations
/// is read once to find them. Throws traces::trace_error.
TraceShape trace_shape(const std::string& path);

/// Where a platform puts the driver's memory (stream table, queues, CDs, page tables) and the
/// MSI doorbell: at the top of the output address space, away from the traces' addresses.
struct Layout {
    uint64_t tables_base, tables_size;  ///< the driver's memory
    uint64_t doorbell;                  ///< one 4 KiB page: EVENTQ and GERROR MSIs
};
Layout layout_for(const smmu_config_t& cfg);

/// Driver options for a platform: a stream table covering max_sid (2-level when the SMMU has
/// it and more than 8 bits are needed, as Linux does; never beyond IDR1.SIDSIZE), and MSIs to
/// the doorbell when the SMMU has them.
drv::DriverOptions driver_options(const smmu_config_t& cfg, const Layout& l, uint32_t max_sid);

// ---------------------------------------------------------------------------------------------
// Latency statistics
// ---------------------------------------------------------------------------------------------

/// Exact distribution of latencies (distinct values counted in a small hash table).
class LatencyStats {
public:
    LatencyStats();
    void add(uint64_t ps)
    {
        count_++;
        sum_ += ps;
        if (ps > max_)
            max_ = ps;
        if (ps < min_)
            min_ = ps;
        if (ps == last_) {
            counts_[last_slot_]++;
            return;
        }
        slot(ps);
    }
    uint64_t count() const { return count_; }
    uint64_t sum() const { return sum_; }
    uint64_t max() const { return count_ ? max_ : 0; }
    uint64_t min() const { return count_ ? min_ : 0; }
    /// Nearest-rank percentile (p in 0..100): the smallest value v with at least p% of the
    /// samples <= v. 0 when empty.
    uint64_t percentile(double p) const;
    /// (value, count) in increasing value order.
    std::vector<std::pair<uint64_t, uint64_t>> values() const;

private:
    void slot(uint64_t ps);
    std::vector<uint64_t> keys_, counts_;
    size_t used_ = 0;
    uint64_t count_ = 0, sum_ = 0, max_ = 0, min_ = ~uint64_t{0};
    uint64_t last_ = ~uint64_t{0};  ///< the value added last (a free-slot marker at first)
    size_t last_slot_ = 0;          ///< its slot
};

// ---------------------------------------------------------------------------------------------
// The engine
// ---------------------------------------------------------------------------------------------

/// Everything the engine counts itself (the SMMU's own statistics are read from the core).
struct Counters {
    uint64_t records = 0;                     ///< records read
    std::map<std::string, uint64_t> by_kind;  ///< records by kind (dma, map, ...)
    uint64_t skipped = 0;                     ///< records not replayed
    std::map<std::string, uint64_t> skipped_by_reason;
    uint64_t dma = 0;  ///< DMA requests submitted (translations)
    uint64_t dma_ok = 0, dma_failed = 0;
    uint64_t pa_checked = 0, pa_mismatch = 0;
    std::string first_mismatch;  ///< "" or "record N: ..."
    uint64_t binds = 0, domains = 0, maps = 0, unmaps = 0, cmds = 0;
    LatencyStats latency;
    double host_seconds = 0;      ///< replay only (decoding excluded), wall clock
    double host_cpu_seconds = 0;  ///< the same, CPU time of the replaying thread
    double decode_seconds = 0;    ///< reading and decoding the trace
};

class Engine {
public:
    /// smmu is the core instance behind the sink (for per-StreamID statistics); num_ports the
    /// upstream ports the platform has.
    Engine(drv::Driver& driver, DmaSink& sink, smmu_t* smmu, unsigned num_ports);

    /// Replays a whole trace. progress(records done) is called after every chunk. Throws
    /// traces::trace_error (malformed trace), ReplayError, drv::DriverError.
    void run(Decoder& dec, const std::function<void(uint64_t)>& progress = {});
    void run(const Program& prog, const std::function<void(uint64_t)>& progress = {});
    /// Replays one chunk (timed into counters().host_seconds).
    void replay(const Chunk& c);
    /// Publishes commands a trace left unpublished (a trace that does not end on CMD_SYNC).
    void finish();

    const Counters& counters() const { return n_; }
    /// StreamIDs seen in DMA records, in increasing order.
    std::vector<uint32_t> streams() const;

private:
    void apply(const traces::record& r);
    void bind(const traces::bind_record& b);
    void skip(const char* reason);
    void mismatch(const Chunk& c, uint32_t k, const DmaResult& r, uint64_t expected);
    void account(const Chunk& c, uint32_t begin, size_t n);
    drv::Domain* domain_of(uint32_t sid) const;

    drv::Driver& drv_;
    DmaSink& sink_;
    smmu_t* smmu_;
    unsigned ports_;
    Counters n_;
    uint64_t kinds_[8] = {};  ///< records by traces::record_kind
    std::vector<DmaResult> res_;
    std::map<uint32_t, drv::Domain*> by_sid_;                        ///< current domain per stream
    const drv::Command no_args_{};            ///< apply(): a command with no arguments
    mutable uint32_t last_sid_ = 0;           ///< domain_of()'s last answer (map/unmap runs
    mutable drv::Domain* last_dom_ = nullptr; ///< come from one stream); reset by bind()
    std::map<std::pair<uint16_t, uint16_t>, drv::Domain*> by_asid_;  ///< (ASID, VMID) -> domain
    std::map<uint32_t, bool> tracked_;                               ///< StreamIDs seen in DMA
};

/// Replacement policy names: lru, lfu, fifo, random, plru.
const char* policy_name(smmu_policy_t p);
std::optional<smmu_policy_t> parse_policy(const std::string& s);

}  // namespace smmuv3::replay
#endif
