// SPDX-License-Identifier: Apache-2.0
// The replay engine; see replay.h and docs/platform.md. Record semantics follow
// docs/traces.md "Replaying a trace": bind -> domain per ASID + attach, map/unmap -> page-table
// edits only, cmd -> the command as captured, dma -> one translation.
#include "smmuv3_replay/replay.h"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace smmuv3::replay {

namespace st = smmuv3::traces;

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0)
{
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// CPU time of the calling thread (SystemC runs every process on one OS thread).
double cpu_seconds()
{
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string hex(uint64_t v)
{
    char b[24];
    std::snprintf(b, sizeof b, "0x%" PRIx64, v);
    return b;
}

// Per-StreamID statistics cost the core a search per translation: the first streams only.
constexpr size_t MAX_TRACKED_STREAMS = 32;

// The driver's memory: 256 MiB at the top of a 48-bit (or smaller) output address space.
constexpr uint64_t TABLES_SIZE = uint64_t{256} << 20;

}  // namespace

// ---------------------------------------------------------------------------------------------
// Sinks
// ---------------------------------------------------------------------------------------------

void CoreSink::submit(const smmu_txn_t* req, size_t n, DmaResult* out)
{
    if (buf_.size() < n)
        buf_.resize(n);
    smmu_translate_batch(smmu_, req, buf_.data(), n);
    for (size_t i = 0; i < n; i++) {
        const smmu_xlate_t& x = buf_[i];
        out[i].pa = x.pa;
        out[i].latency = timing_.translation(x);
        out[i].ok = x.status == SMMU_XLATE_OK || x.status == SMMU_XLATE_BYPASS;
    }
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

void Chunk::clear()
{
    steps.clear();
    dma.clear();
    expect.clear();
    dma_record.clear();
    ctrl.clear();
    ctrl_record.clear();
    sids.clear();
    first_record = records = 0;
    max_port = 0;
}

Decoder::Decoder(st::record_source& src, size_t chunk_records)
    : src_(src), chunk_records_(chunk_records ? chunk_records : 1)
{}

bool Decoder::next(Chunk& c)
{
    c.clear();
    c.first_record = records_;
    if (done_)
        return false;
    uint32_t last_sid = ~0u;
    while (c.records < chunk_records_) {
        if (!src_.next(rec_)) {
            done_ = true;
            break;
        }
        const uint32_t idx = static_cast<uint32_t>(c.records++);
        records_++;
        const auto* d = std::get_if<st::dma_record>(&rec_.body);
        if (d && !d->noreplay && !d->ssid) {
            smmu_txn_t t{};
            t.iova = d->iova;
            const uint32_t room = 4096u - static_cast<uint32_t>(d->iova & 4095u);
            const uint32_t size = d->size ? d->size : 4u;
            t.size = size < room ? size : room;
            t.stream_id = d->sid;
            t.write = (d->access & st::ACC_WRITE) != 0;
            t.instr = (d->access & st::ACC_INSTR) != 0;
            t.priv = (d->access & st::ACC_PRIV) != 0;
            t.atype = SMMU_ATYPE_UNTRANSLATED;
            t.port = static_cast<uint16_t>(d->port);
            if (d->port > c.max_port)
                c.max_port = d->port;
            if (d->sid != last_sid) {
                last_sid = d->sid;
                if (std::find(c.sids.begin(), c.sids.end(), d->sid) == c.sids.end())
                    c.sids.push_back(d->sid);
            }
            const uint32_t at = static_cast<uint32_t>(c.dma.size());
            if (c.steps.empty() || !c.steps.back().dma)
                c.steps.push_back({at, at, true});
            c.steps.back().end = at + 1;
            c.dma.push_back(t);
            c.expect.push_back(d->pa ? *d->pa : NO_PA);
            c.dma_record.push_back(idx);
            continue;
        }
        const uint32_t at = static_cast<uint32_t>(c.ctrl.size());
        if (c.steps.empty() || c.steps.back().dma)
            c.steps.push_back({at, at, false});
        c.steps.back().end = at + 1;
        c.ctrl.push_back(std::move(rec_));
        c.ctrl_record.push_back(idx);
    }
    std::sort(c.sids.begin(), c.sids.end());
    return c.records != 0;
}

std::string format_name(const st::record_source& src)
{
    std::string f = st::input_format_name(src.format());
    if (src.compressed() != st::compression::none)
        f += std::string(" (") + st::compression_name(src.compressed()) + ")";
    return f;
}

Program Program::load(st::record_source& src)
{
    Program p;
    auto t0 = clock_type::now();
    Decoder dec(src);
    unsigned max_port = 0;
    for (const st::stream_decl& d : src.hdr().streams) {
        max_port = std::max(max_port, d.port);
        p.shape.max_sid = std::max(p.shape.max_sid, d.sid);
    }
    for (;;) {
        Chunk c;
        if (!dec.next(c))
            break;
        max_port = std::max(max_port, c.max_port);
        if (!c.sids.empty())
            p.shape.max_sid = std::max(p.shape.max_sid, c.sids.back());
        for (const st::record& r : c.ctrl)
            if (const auto* b = std::get_if<st::bind_record>(&r.body))
                p.shape.max_sid = std::max(p.shape.max_sid, b->sid);
        p.chunks.push_back(std::move(c));
    }
    p.shape.ports = max_port + 1;
    p.shape.scanned = true;
    p.records = dec.records();
    p.hdr = src.hdr();
    p.format = format_name(src);
    p.decode_seconds = seconds_since(t0);
    return p;
}

// ---------------------------------------------------------------------------------------------
// Platform shape
// ---------------------------------------------------------------------------------------------

TraceShape trace_shape(const std::string& path)
{
    auto src = st::open_trace(path);
    TraceShape s;
    unsigned max_port = 0;
    for (const st::stream_decl& d : src->hdr().streams) {
        max_port = std::max(max_port, d.port);
        s.max_sid = std::max(s.max_sid, d.sid);
    }
    if (src->hdr().streams.empty()) {
        s.scanned = true;
        st::record r;
        while (src->next(r)) {
            if (const auto* d = std::get_if<st::dma_record>(&r.body)) {
                max_port = std::max(max_port, d->port);
                s.max_sid = std::max(s.max_sid, d->sid);
            } else if (const auto* b = std::get_if<st::bind_record>(&r.body)) {
                s.max_sid = std::max(s.max_sid, b->sid);
            }
        }
    }
    s.ports = max_port + 1;
    return s;
}

Layout layout_for(const smmu_config_t& cfg)
{
    const unsigned bits = cfg.oas_bits < 48 ? cfg.oas_bits : 48;  // the driver's tables: 48-bit OA
    const uint64_t top = uint64_t{1} << bits;
    Layout l;
    l.tables_size = TABLES_SIZE;
    l.tables_base = top - TABLES_SIZE;
    l.doorbell = l.tables_base - 0x10000;
    return l;
}

drv::DriverOptions driver_options(const smmu_config_t& cfg, const Layout& l, uint32_t max_sid)
{
    drv::DriverOptions o;
    unsigned bits = 8;
    while (bits < 32 && (uint64_t{max_sid} >> bits) != 0)
        bits++;
    if (bits > cfg.sidsize)
        bits = cfg.sidsize;  // StreamIDs beyond SIDSIZE get C_BAD_STREAMID, as on the hardware
    o.strtab_log2 = bits;
    o.strtab_2level = cfg.st_2level && bits > 8;
    o.msi = cfg.msi;
    o.evtq_msi_addr = l.doorbell;
    o.gerror_msi_addr = l.doorbell + 8;
    return o;
}

// ---------------------------------------------------------------------------------------------
// Latency statistics
// ---------------------------------------------------------------------------------------------

LatencyStats::LatencyStats() : keys_(64, ~uint64_t{0}), counts_(64, 0) {}

void LatencyStats::slot(uint64_t ps)
{
    // open addressing, linear probing; ~0 marks a free slot (a latency never reaches it)
    size_t mask = keys_.size() - 1;
    size_t i = static_cast<size_t>((ps * 0x9E3779B97F4A7C15ull) >> 40) & mask;
    while (keys_[i] != ps && keys_[i] != ~uint64_t{0})
        i = (i + 1) & mask;
    if (keys_[i] == ~uint64_t{0}) {
        if (2 * (used_ + 1) > keys_.size()) {
            std::vector<uint64_t> k(keys_.size() * 2, ~uint64_t{0}), c(keys_.size() * 2, 0);
            const size_t m2 = k.size() - 1;
            for (size_t j = 0; j < keys_.size(); j++) {
                if (keys_[j] == ~uint64_t{0})
                    continue;
                size_t h = static_cast<size_t>((keys_[j] * 0x9E3779B97F4A7C15ull) >> 40) & m2;
                while (k[h] != ~uint64_t{0})
                    h = (h + 1) & m2;
                k[h] = keys_[j];
                c[h] = counts_[j];
            }
            keys_.swap(k);
            counts_.swap(c);
            slot(ps);
            return;
        }
        keys_[i] = ps;
        used_++;
    }
    counts_[i]++;
    last_ = ps;
    last_slot_ = i;
}

std::vector<std::pair<uint64_t, uint64_t>> LatencyStats::values() const
{
    std::vector<std::pair<uint64_t, uint64_t>> v;
    for (size_t i = 0; i < keys_.size(); i++)
        if (keys_[i] != ~uint64_t{0} && counts_[i] != 0)
            v.emplace_back(keys_[i], counts_[i]);
    std::sort(v.begin(), v.end());
    return v;
}

uint64_t LatencyStats::percentile(double p) const
{
    if (count_ == 0)
        return 0;
    // rank = ceil(p/100 * N), at least 1, computed in integers for exactness
    const uint64_t p_milli = static_cast<uint64_t>(p * 1000.0 + 0.5);
    uint64_t rank = (p_milli * count_ + 100000 - 1) / 100000;
    if (rank == 0)
        rank = 1;
    uint64_t seen = 0;
    for (const auto& [value, cnt] : values()) {
        seen += cnt;
        if (seen >= rank)
            return value;
    }
    return max_;
}

// ---------------------------------------------------------------------------------------------
// Engine
// ---------------------------------------------------------------------------------------------

Engine::Engine(drv::Driver& driver, DmaSink& sink, smmu_t* smmu, unsigned num_ports)
    : drv_(driver), sink_(sink), smmu_(smmu), ports_(num_ports ? num_ports : 1)
{}

void Engine::run(Decoder& dec, const std::function<void(uint64_t)>& progress)
{
    Chunk c;
    for (;;) {
        auto t0 = clock_type::now();
        bool more = dec.next(c);
        n_.decode_seconds += seconds_since(t0);
        if (!more)
            break;
        replay(c);
        if (progress)
            progress(n_.records);
    }
    finish();
}

void Engine::run(const Program& prog, const std::function<void(uint64_t)>& progress)
{
    n_.decode_seconds += prog.decode_seconds;
    for (const Chunk& c : prog.chunks) {
        replay(c);
        if (progress)
            progress(n_.records);
    }
    finish();
}

void Engine::finish()
{
    drv_.publish();
}

std::vector<uint32_t> Engine::streams() const
{
    std::vector<uint32_t> v;
    for (const auto& [sid, on] : tracked_)
        if (on)
            v.push_back(sid);
    return v;
}

void Engine::replay(const Chunk& c)
{
    if (!c.dma.empty() && c.max_port >= ports_)
        throw ReplayError("a DMA record in records " + std::to_string(c.first_record) + ".." +
                          std::to_string(c.first_record + c.records - 1) + " uses port " +
                          std::to_string(c.max_port) + ", but the platform has " +
                          std::to_string(ports_) + " (declare every stream in the header)");
    for (uint32_t sid : c.sids) {
        if (tracked_.count(sid))
            continue;
        const bool on = tracked_.size() < MAX_TRACKED_STREAMS &&
                        smmu_stats_track_stream(smmu_, sid, true) == SMMU_OK;
        tracked_[sid] = on;
    }
    if (res_.size() < c.dma.size())
        res_.resize(c.dma.size());

    auto t0 = clock_type::now();
    const double c0 = cpu_seconds();
    for (const Chunk::Step& s : c.steps) {
        if (s.dma) {
            sink_.submit(&c.dma[s.begin], s.end - s.begin, res_.data());
            account(c, s.begin, s.end - s.begin);
        } else {
            for (uint32_t i = s.begin; i < s.end; i++) {
                try {
                    apply(c.ctrl[i]);
                } catch (const drv::DriverError& e) {
                    throw ReplayError("record " +
                                      std::to_string(c.first_record + c.ctrl_record[i]) + " (" +
                                      st::record_kind_name(c.ctrl[i].kind()) + "): " + e.what());
                }
            }
        }
    }
    n_.host_seconds += seconds_since(t0);
    n_.host_cpu_seconds += cpu_seconds() - c0;

    n_.records += c.records;
    n_.dma += c.dma.size();
    kinds_[static_cast<unsigned>(st::record_kind::dma)] += c.dma.size();
    for (const st::record& r : c.ctrl)
        kinds_[static_cast<unsigned>(r.kind())]++;
    for (unsigned k = 1; k < 8; k++)
        if (kinds_[k])
            n_.by_kind[st::record_kind_name(static_cast<st::record_kind>(k))] = kinds_[k];
}

void Engine::account(const Chunk& c, uint32_t begin, size_t n)
{
    const uint64_t* expect = c.expect.data() + begin;
    uint64_t ok = 0, checked = 0;
    for (size_t i = 0; i < n; i++) {
        const DmaResult& r = res_[i];
        n_.latency.add(r.latency);
        ok += r.ok ? 1 : 0;
        const uint64_t e = expect[i];
        if (e == NO_PA)
            continue;
        checked++;
        if (!r.ok || r.pa != e)
            mismatch(c, begin + static_cast<uint32_t>(i), r, e);
    }
    n_.dma_ok += ok;
    n_.dma_failed += n - ok;
    n_.pa_checked += checked;
}

void Engine::mismatch(const Chunk& c, uint32_t k, const DmaResult& r, uint64_t expected)
{
    if (n_.pa_mismatch++ != 0)
        return;
    const smmu_txn_t& t = c.dma[k];
    n_.first_mismatch = "record " + std::to_string(c.first_record + c.dma_record[k]) +
                        ": sid " + hex(t.stream_id) + " iova " + hex(t.iova) +
                        ": expected pa " + hex(expected) +
                        (r.ok ? ", got " + hex(r.pa) : std::string(", translation failed"));
}

void Engine::skip(const char* reason)
{
    n_.skipped++;
    n_.skipped_by_reason[reason]++;
}

drv::Domain* Engine::domain_of(uint32_t sid) const
{
    if (last_dom_ && sid == last_sid_)
        return last_dom_;
    auto it = by_sid_.find(sid);
    if (it == by_sid_.end())
        return nullptr;
    last_sid_ = sid;
    last_dom_ = it->second;
    return last_dom_;
}

namespace {

// Leaf sizes a stage-1 table of this granule can hold: pages, level-2 blocks, and level-1
// blocks with the 4K granule (DDI 0487 D8.2; level-0/1 blocks of 16K/64K need 52-bit formats).
bool leaf_ok(const drv::Domain* d, unsigned leaf)
{
    const unsigned g = d->gshift, s = g - 3;
    if (leaf == g)
        return true;
    if (leaf == g + s)
        return d->start_level <= 2;
    return g == 12 && leaf == g + 2 * s && d->start_level <= 1;
}

}  // namespace

void Engine::bind(const st::bind_record& b)
{
    if (b.ssid)
        return skip("substream");
    if (b.ias > 48 || b.ias <= b.granule_shift)
        return skip("bind_ias");
    const uint16_t vmid = b.vmid ? *b.vmid : 0;
    const auto key = std::make_pair(b.asid, vmid);
    drv::Domain* d = nullptr;
    auto it = by_asid_.find(key);
    // Streams bound to one ASID share its address space; a stream bound again gets a fresh,
    // empty context (docs/traces.md "bind").
    if (it != by_asid_.end() && !by_sid_.count(b.sid) && it->second->gshift == b.granule_shift &&
        it->second->ia_bits == b.ias)
        d = it->second;
    if (!d) {
        d = drv_.new_s1_domain(b.asid, b.granule_shift, b.ias);
        d->vmid = vmid;
        by_asid_[key] = d;
        n_.domains++;
    }
    drv_.attach(b.sid, d);
    by_sid_[b.sid] = d;
    last_dom_ = nullptr;
    n_.binds++;
}

void Engine::apply(const st::record& r)
{
    switch (r.kind()) {
    case st::record_kind::dma: {
        const auto& d = std::get<st::dma_record>(r.body);
        if (d.ssid)
            return skip("substream");
        switch (d.q.kind) {
        case st::outcome::abort: return skip("noreplay_abort");
        case st::outcome::bypass: return skip("noreplay_bypass");
        case st::outcome::disabled: return skip("noreplay_disabled");
        default: return skip("noreplay");
        }
    }
    case st::record_kind::bind: return bind(std::get<st::bind_record>(r.body));
    case st::record_kind::map: {
        const auto& m = std::get<st::map_record>(r.body);
        if (m.ssid)
            return skip("substream");
        drv::Domain* d = domain_of(m.sid);
        if (!d)
            return skip("unbound_stream");
        if (!leaf_ok(d, m.leaf_shift))
            return skip("leaf_size");
        // a stage-1 descriptor always allows reads: `w` is mapped as `rw` (docs/traces.md)
        drv_.map(d, m.iova, m.pa, m.size, m.perm & 0xFu, m.leaf_shift);
        n_.maps++;
        return;
    }
    case st::record_kind::unmap: {
        const auto& u = std::get<st::unmap_record>(r.body);
        if (u.ssid)
            return skip("substream");
        drv::Domain* d = domain_of(u.sid);
        if (!d)
            return skip("unbound_stream");
        drv_.clear(d, u.iova, u.size);  // the TLBIs are the trace's own cmd records
        n_.unmaps++;
        return;
    }
    case st::record_kind::cmd: {
        const auto& c = std::get<st::cmd_record>(r.body);
        using A = st::cmd_arg;
        drv::Command k = no_args_;  // copied (a fresh one is filled with a slow-starting rep stos)
        k.opcode = c.opcode;
        k.ssv = c.has(A::ssid);
        // only the arguments present (the Command's defaults are the absent values, 0)
        for (uint32_t p = c.present; p; p &= p - 1) {
            const unsigned i = static_cast<unsigned>(__builtin_ctz(p));
            const uint64_t v = c.args[i];
            switch (static_cast<A>(i)) {
            case A::sid: k.sid = static_cast<uint32_t>(v); break;
            case A::ssid: k.ssid = static_cast<uint32_t>(v); break;
            case A::range: k.range = static_cast<uint8_t>(v); break;
            case A::vmid: k.vmid = static_cast<uint16_t>(v); break;
            case A::asid: k.asid = static_cast<uint16_t>(v); break;
            case A::addr: k.addr = v; break;
            case A::tg: k.tg = static_cast<uint8_t>(v); break;
            case A::num: k.num = v; break;
            case A::ttl: k.ttl = static_cast<uint8_t>(v); break;
            case A::leaf: k.leaf = v != 0; break;
            case A::size: k.size = static_cast<uint8_t>(v); break;
            case A::cs: k.cs = static_cast<uint8_t>(v); break;
            case A::msiaddr: k.msiaddr = v; break;
            case A::msidata: k.msidata = static_cast<uint32_t>(v); break;
            case A::stag: k.stag = static_cast<uint16_t>(v); break;
            case A::resp: k.resp = static_cast<uint8_t>(v); break;
            case A::prgidx: k.prgidx = static_cast<uint16_t>(v); break;
            case A::global: k.global = v != 0; break;
            case A::ac: k.ac = v != 0; break;
            case A::ab: k.ab = v != 0; break;
            default: break;
            }
        }
        drv_.command(k);
        n_.cmds++;
        return;
    }
    case st::record_kind::event:
    case st::record_kind::mark: return;  // information only
    }
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

const char* policy_name(smmu_policy_t p)
{
    switch (p) {
    case SMMU_POLICY_LRU: return "lru";
    case SMMU_POLICY_LFU: return "lfu";
    case SMMU_POLICY_FIFO: return "fifo";
    case SMMU_POLICY_RANDOM: return "random";
    case SMMU_POLICY_PLRU: return "plru";
    }
    return "?";
}

std::optional<smmu_policy_t> parse_policy(const std::string& s)
{
    for (smmu_policy_t p :
         {SMMU_POLICY_LRU, SMMU_POLICY_LFU, SMMU_POLICY_FIFO, SMMU_POLICY_RANDOM, SMMU_POLICY_PLRU})
        if (s == policy_name(p))
            return p;
    return std::nullopt;
}

}  // namespace smmuv3::replay
