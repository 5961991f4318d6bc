// SPDX-License-Identifier: Apache-2.0
// smmu-vp's SystemC platform; see vp.h for the picture and docs/platform.md for the details.
#include "vp.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <unordered_map>
#include <vector>

#include "smmu_driver.h"
#include "smmuv3_tlm/smmuv3_tlm.h"

namespace smmuv3::vp {

using namespace sc_core;
namespace rp = smmuv3::replay;

namespace {

// ---------------------------------------------------------------------------------------------
// Time: one local offset shared by every thread that executes the trace
// ---------------------------------------------------------------------------------------------

/// The trace is one ordered stream of events, executed in turn by the cpu thread and the
/// masters. Its local time offset (temporal decoupling, TLM-2.0 LT) travels with it: whoever
/// executes the trace adds its annotations here and synchronises (wait) only when the offset
/// exceeds the quantum, or when it must let other processes run (the driver polling CMDQ_CONS).
struct timeline {
    sc_time offset = SC_ZERO_TIME;
    sc_time quantum;
    void sync()
    {
        wait(offset);
        offset = SC_ZERO_TIME;
    }
    void maybe_sync()
    {
        if (offset >= quantum)
            sync();
    }
    sc_time now() const { return sc_time_stamp() + offset; }
};

/// Platform-side observation of a DMA transaction: the router writes the address and the
/// latency of the data access it forwards (the SMMU forwards the master's own payload), so the
/// master learns the output address and can subtract the memory's part of the latency.
struct probe : tlm::tlm_extension<probe> {
    uint64_t pa = 0;
    uint64_t mem_ps = 0;
    bool seen = false;
    tlm::tlm_extension_base* clone() const override { return new probe(*this); }
    void copy_from(const tlm::tlm_extension_base& e) override
    {
        *this = static_cast<const probe&>(e);
    }
};

// ---------------------------------------------------------------------------------------------
// Memory, doorbell, router
// ---------------------------------------------------------------------------------------------

/// The memory behind the SMMU: the driver's region (tables, queues; contiguous, DMI) and the
/// DMA data everywhere else (sparse 4 KiB pages, created on first write; unwritten bytes read
/// as zero). Every access annotates `latency`.
class memory : public sc_module {
public:
    tlm_utils::simple_target_socket<memory> socket{"socket"};

    memory(sc_module_name nm, const rp::Layout& l, sc_time latency)
        : sc_module(nm), base_(l.tables_base), size_(l.tables_size), latency_(latency),
          tables_(static_cast<uint8_t*>(std::calloc(l.tables_size, 1)))
    {
        if (!tables_)
            throw std::bad_alloc();
        socket.register_b_transport(this, &memory::b_transport);
        socket.register_transport_dbg(this, &memory::transport_dbg);
        socket.register_get_direct_mem_ptr(this, &memory::get_direct_mem_ptr);
    }
    ~memory() override
    {
        std::free(tables_);
        for (uint8_t* b : blocks_)
            std::free(b);
    }
    memory(const memory&) = delete;
    memory& operator=(const memory&) = delete;

    /// The driver's backdoor: [pa, pa+len) inside the driver's region, or nullptr.
    uint8_t* backdoor(uint64_t pa, uint64_t len)
    {
        return pa >= base_ && len <= size_ && pa - base_ <= size_ - len ? tables_ + (pa - base_)
                                                                        : nullptr;
    }
    uint64_t data_pages() const { return pages_.size(); }

private:
    void b_transport(tlm::tlm_generic_payload& gp, sc_time& delay)
    {
        access(gp);
        delay += latency_;
    }
    unsigned transport_dbg(tlm::tlm_generic_payload& gp)
    {
        access(gp);
        return gp.is_response_ok() ? gp.get_data_length() : 0;
    }
    void access(tlm::tlm_generic_payload& gp)
    {
        const uint64_t a = gp.get_address();
        const unsigned len = gp.get_data_length();
        unsigned char* d = gp.get_data_ptr();
        if (gp.is_read() || gp.is_write()) {
            if (uint8_t* p = backdoor(a, len)) {
                if (gp.is_read())
                    std::memcpy(d, p, len);
                else
                    std::memcpy(p, d, len);
            } else {
                data(a, d, len, gp.is_write());
            }
        }
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
    }
    void data(uint64_t a, unsigned char* d, unsigned len, bool write)
    {
        while (len) {
            const unsigned off = static_cast<unsigned>(a & 4095u);
            const unsigned n = len < 4096u - off ? len : 4096u - off;
            uint8_t* pg = page(a >> 12, write);
            if (write)
                std::memcpy(pg + off, d, n);
            else if (pg)
                std::memcpy(d, pg + off, n);
            else
                std::memset(d, 0, n);
            a += n;
            d += n;
            len -= n;
        }
    }
    uint8_t* page(uint64_t pfn, bool create)
    {
        if (pfn == last_pfn_ && (last_ || !create))
            return last_;
        auto it = pages_.find(pfn);
        uint8_t* pg = nullptr;
        if (it != pages_.end()) {
            pg = it->second;
        } else if (create) {
            if (block_used_ == BLOCK_PAGES) {
                blocks_.push_back(static_cast<uint8_t*>(std::calloc(BLOCK_PAGES, 4096)));
                if (!blocks_.back())
                    throw std::bad_alloc();
                block_used_ = 0;
            }
            pg = blocks_.back() + 4096u * block_used_++;
            pages_.emplace(pfn, pg);
        }
        last_pfn_ = pfn;  // remembered also when absent: unwritten pages read as zero
        last_ = pg;
        return pg;
    }
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi)
    {
        const uint64_t a = gp.get_address();
        if (a >= base_ && a - base_ < size_) {
            dmi.set_dmi_ptr(tables_);
            dmi.set_start_address(base_);
            dmi.set_end_address(base_ + size_ - 1);
            dmi.allow_read_write();
            dmi.set_read_latency(latency_);
            dmi.set_write_latency(latency_);
            return true;
        }
        // the sparse data store has no stable pointer: deny the whole range around it
        dmi.allow_none();
        dmi.set_start_address(a < base_ ? 0 : base_ + size_);
        dmi.set_end_address(a < base_ ? base_ - 1 : ~uint64_t{0});
        return false;
    }

    static constexpr unsigned BLOCK_PAGES = 256;  // 1 MiB blocks
    uint64_t base_, size_;
    sc_time latency_;
    uint8_t* tables_;
    std::unordered_map<uint64_t, uint8_t*> pages_;
    std::vector<uint8_t*> blocks_;
    unsigned block_used_ = BLOCK_PAGES;
    uint64_t last_pfn_ = ~uint64_t{0};
    uint8_t* last_ = nullptr;
};

/// MSI doorbell: counts the writes it receives (EVENTQ and GERROR interrupts).
class doorbell : public sc_module {
public:
    tlm_utils::simple_target_socket<doorbell> socket{"socket"};
    uint64_t writes = 0;

    explicit doorbell(sc_module_name nm) : sc_module(nm)
    {
        socket.register_b_transport(this, &doorbell::b_transport);
    }

private:
    void b_transport(tlm::tlm_generic_payload& gp, sc_time&)
    {
        if (gp.is_write())
            writes++;
        else if (gp.is_read())
            std::memset(gp.get_data_ptr(), 0, gp.get_data_length());
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
    }
};

/// The interconnect below the SMMU: the doorbell page to the doorbell, everything else to the
/// memory. Forwarded DMA (a payload carrying a probe) is observed on the way.
class router : public sc_module {
public:
    tlm_utils::simple_target_socket<router> in{"in"};
    tlm_utils::simple_initiator_socket<router> to_memory{"to_memory"};
    tlm_utils::simple_initiator_socket<router> to_doorbell{"to_doorbell"};

    router(sc_module_name nm, uint64_t doorbell) : sc_module(nm), db_(doorbell)
    {
        in.register_b_transport(this, &router::b_transport);
        in.register_transport_dbg(this, &router::transport_dbg);
        in.register_get_direct_mem_ptr(this, &router::get_direct_mem_ptr);
        to_memory.register_invalidate_direct_mem_ptr(this, &router::invalidate);
    }

private:
    bool is_db(uint64_t a) const { return a - db_ < 4096; }
    void b_transport(tlm::tlm_generic_payload& gp, sc_time& delay)
    {
        const uint64_t a = gp.get_address();
        if (is_db(a)) {
            to_doorbell->b_transport(gp, delay);
            return;
        }
        probe* p = gp.get_extension<probe>();
        if (!p) {
            to_memory->b_transport(gp, delay);
            return;
        }
        const sc_time before = delay;
        to_memory->b_transport(gp, delay);
        p->pa = a;
        p->mem_ps = (delay - before).value();
        p->seen = true;
    }
    unsigned transport_dbg(tlm::tlm_generic_payload& gp)
    {
        return is_db(gp.get_address()) ? 0 : to_memory->transport_dbg(gp);
    }
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi)
    {
        if (is_db(gp.get_address())) {
            dmi.allow_none();
            dmi.set_start_address(db_);
            dmi.set_end_address(db_ + 4095);
            return false;
        }
        return to_memory->get_direct_mem_ptr(gp, dmi);
    }
    void invalidate(sc_dt::uint64 lo, sc_dt::uint64 hi) { in->invalidate_direct_mem_ptr(lo, hi); }

    uint64_t db_;
};

/// Rising edges of the SMMU's wired interrupt outputs.
class irq_counter : public sc_module {
public:
    sc_vector<sc_in<bool>> lines{"lines", 4};
    uint64_t edges = 0;

    explicit irq_counter(sc_module_name nm) : sc_module(nm)
    {
        SC_HAS_PROCESS(irq_counter);
        SC_METHOD(edge);
        for (auto& l : lines)
            sensitive << l.pos();
        dont_initialize();
    }

private:
    void edge() { edges++; }
};

// ---------------------------------------------------------------------------------------------
// Masters and the sink that hands DMA to them
// ---------------------------------------------------------------------------------------------

class master;

/// The replay engine's DMA sink on the platform: a run of DMA records is executed by the
/// masters in record order, each master issuing the records of its port and handing the rest
/// to the master of the next record's port (an immediate event: no simulated time passes).
class dispatcher : public rp::DmaSink {
public:
    std::vector<master*> masters;
    sc_event done;
    const smmu_txn_t* req = nullptr;
    rp::DmaResult* out = nullptr;
    size_t n = 0, pos = 0;

    void submit(const smmu_txn_t* r, size_t count, rp::DmaResult* o) override;
    void hand_over();
};

class master : public sc_module {
public:
    tlm_utils::simple_initiator_socket<master> socket{"socket"};
    sc_event go;

    master(sc_module_name nm, unsigned port, dispatcher& d, timeline& tl)
        : sc_module(nm), port_(port), disp_(d), tl_(tl)
    {
        SC_HAS_PROCESS(master);
        SC_THREAD(run);
        gp_.set_data_ptr(buf_);
        gp_.set_byte_enable_ptr(nullptr);
        gp_.set_byte_enable_length(0);
        gp_.set_extension(&ext_);
        gp_.set_extension(&probe_);
    }
    ~master() override
    {
        gp_.clear_extension(&ext_);
        gp_.clear_extension(&probe_);
    }
    master(const master&) = delete;
    master& operator=(const master&) = delete;

    uint64_t requests = 0;

private:
    void run()
    {
        for (;;) {
            wait(go);
            dispatcher& d = disp_;
            while (d.pos < d.n && d.req[d.pos].port == port_) {
                issue(d.req[d.pos], d.out[d.pos]);
                d.pos++;
            }
            d.hand_over();
        }
    }
    // One record, one b_transport: the SMMU translates it once and forwards it.
    void issue(const smmu_txn_t& t, rp::DmaResult& r)
    {
        gp_.set_command(t.write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        gp_.set_address(t.iova);
        gp_.set_data_length(t.size);
        gp_.set_streaming_width(t.size);
        gp_.set_dmi_allowed(false);
        gp_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        ext_.stream_id = t.stream_id;
        ext_.ssv = t.ssv;
        ext_.substream_id = t.substream_id;
        ext_.priv = t.priv;
        ext_.instr = t.instr;
        probe_.seen = false;
        const sc_time before = tl_.offset;
        socket->b_transport(gp_, tl_.offset);
        const uint64_t spent = (tl_.offset - before).value();
        r.ok = gp_.is_response_ok();
        r.pa = probe_.seen ? probe_.pa : 0;
        r.latency = spent - (probe_.seen ? probe_.mem_ps : 0);
        requests++;
        tl_.maybe_sync();
    }

    unsigned port_;
    dispatcher& disp_;
    timeline& tl_;
    tlm::tlm_generic_payload gp_;
    smmuv3::smmu_ext ext_;
    probe probe_;
    unsigned char buf_[4096] = {};
};

void dispatcher::submit(const smmu_txn_t* r, size_t count, rp::DmaResult* o)
{
    req = r;
    out = o;
    n = count;
    pos = 0;
    masters[r[0].port]->go.notify();
    wait(done);
}

void dispatcher::hand_over()
{
    if (pos < n)
        masters[req[pos].port]->go.notify();
    else
        done.notify();
}

// ---------------------------------------------------------------------------------------------
// The cpu: driver model and replay engine
// ---------------------------------------------------------------------------------------------

struct run_state {
    const rp::RunSpec* spec = nullptr;
    smmu_config_t cfg{};
    rp::Layout layout{};
    rp::TraceShape shape;
    rp::Report report;
    std::exception_ptr error;
    sc_time end;
    bool done = false;
};

/// Runs the driver model and the replay engine in its thread. As the driver's Bus it issues
/// register accesses on reg_socket (at the trace's decoupled time) and reaches its tables
/// through the memory's backdoor.
class cpu : public sc_module, public drv::Bus {
public:
    tlm_utils::simple_initiator_socket<cpu> reg_socket{"reg_socket"};
    uint64_t waits = 0;

    cpu(sc_module_name nm, run_state& rs, memory& mem, dispatcher& disp, timeline& tl,
        smmuv3_tlm& smmu, sc_time poll)
        : sc_module(nm), rs_(rs), mem_(mem), disp_(disp), tl_(tl), smmu_(smmu), poll_(poll),
          timed_cmdq_(rs.spec->timed_cmdq)
    {
        SC_HAS_PROCESS(cpu);
        SC_THREAD(run);
        gp_.set_data_ptr(reinterpret_cast<unsigned char*>(&reg_data_));
        gp_.set_byte_enable_ptr(nullptr);
    }

    uint64_t reg_read(uint64_t off, unsigned size) override
    {
        return access(tlm::TLM_READ_COMMAND, off, size, 0);
    }
    void reg_write(uint64_t off, unsigned size, uint64_t val) override
    {
        access(tlm::TLM_WRITE_COMMAND, off, size, val);
        if (!timed_cmdq_)
            note_cmdq(off, val);
    }
    void mem_write(uint64_t pa, const void* buf, size_t len) override
    {
        uint8_t* p = mem_.backdoor(pa, len);
        if (!p)
            throw drv::DriverError("driver write outside its memory");
        std::memcpy(p, buf, len);
    }
    void mem_read(uint64_t pa, void* buf, size_t len) override
    {
        uint8_t* p = mem_.backdoor(pa, len);
        if (!p)
            throw drv::DriverError("driver read outside its memory");
        std::memcpy(buf, p, len);
    }
    uint8_t* backdoor(uint64_t pa, uint64_t len) override { return mem_.backdoor(pa, len); }
    // Polling lets simulated time pass, so the SMMU's command thread makes progress.
    void poll_wait() override
    {
        tl_.offset += poll_;
        tl_.sync();
    }
    // Waiting for commands: sleep until they should have been consumed (one command per
    // Timing::command), then look again; like a CPU in WFE rather than one spinning.
    void wait_commands(unsigned outstanding) override
    {
        tl_.offset += poll_ * (outstanding ? outstanding : 1);
        tl_.sync();
        wait(SC_ZERO_TIME);  // the command thread, due at the same time, goes first
        waits++;
    }

private:
    // Untimed command queue: the SMMU consumed the commands inside the CMDQ_PROD write; the
    // trace's time is charged Timing::command for each, as if the CPU had waited for them.
    void note_cmdq(uint64_t off, uint64_t val)
    {
        if (off == 0x90) {  // SMMU_CMDQ_BASE: LOG2SIZE in [4:0]
            cmdq_mask_ = (2u << (val & 0x1F)) - 1;
        } else if (off == 0x98) {  // SMMU_CMDQ_PROD
            const uint32_t prod = static_cast<uint32_t>(val) & cmdq_mask_;
            tl_.offset += poll_ * ((prod - cmdq_prod_) & cmdq_mask_);
            cmdq_prod_ = prod;
        }
    }

    // Register data is little-endian on the bus, and so is the host (as in the driver).
    uint64_t access(tlm::tlm_command cmd, uint64_t off, unsigned size, uint64_t val)
    {
        reg_data_ = val;
        gp_.set_command(cmd);
        gp_.set_address(off);
        gp_.set_data_length(size);
        gp_.set_streaming_width(size);
        gp_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        reg_socket->b_transport(gp_, tl_.offset);
        if (!gp_.is_response_ok())
            throw drv::DriverError("register access refused at offset " + std::to_string(off));
        return size == 4 ? reg_data_ & 0xFFFFFFFFu : reg_data_;
    }

    void run()
    {
        wait(SC_ZERO_TIME);  // the masters wait for their first run
        try {
            replay();
        } catch (...) {
            rs_.error = std::current_exception();
        }
        rs_.end = tl_.now();
        rs_.done = true;
        sc_stop();
    }

    void replay()
    {
        const rp::RunSpec& spec = *rs_.spec;
        drv::PageAllocator pages(rs_.layout.tables_base, rs_.layout.tables_size);
        drv::Driver driver(*this, pages,
                           rp::driver_options(rs_.cfg, rs_.layout, rs_.shape.max_sid));
        driver.init();
        tl_.sync();
        smmu_stats_reset(smmu_.smmu());  // the report counts the replay, not the probe
        rp::Engine eng(driver, disp_, smmu_.smmu(), rs_.cfg.num_ports);
        rp::RunInfo run;
        run.trace = spec.trace;
        run.mode = "tlm";
        run.preset = spec.preset;
        run.cfg = rs_.cfg;
        run.timing = spec.timing;
        run.ports = rs_.cfg.num_ports;
        if (spec.program) {
            run.trace_format = spec.program->format;
            run.streams = spec.program->hdr.streams;
            eng.run(*spec.program, spec.progress);
        } else {
            auto src = traces::open_trace(spec.trace);
            run.trace_format = rp::format_name(*src);
            run.streams = src->hdr().streams;
            rp::Decoder dec(*src);
            eng.run(dec, spec.progress);
        }
        rs_.report = rp::collect(run, eng, smmu_.smmu(), driver);
    }

    run_state& rs_;
    memory& mem_;
    dispatcher& disp_;
    timeline& tl_;
    smmuv3_tlm& smmu_;
    sc_time poll_;
    bool timed_cmdq_;
    uint32_t cmdq_mask_ = 1, cmdq_prod_ = 0;
    uint64_t reg_data_ = 0;
    tlm::tlm_generic_payload gp_;
};

// SystemC reports go to stderr (stdout carries the report) and are counted.
uint64_t g_warnings = 0;

void report_handler(const sc_report& rep, const sc_actions& actions)
{
    if (rep.get_severity() >= SC_WARNING)
        g_warnings++;
    if (actions & SC_DISPLAY)
        std::fprintf(stderr, "%s\n", sc_report_compose_message(rep).c_str());
    if (actions & (SC_THROW | SC_ABORT | SC_STOP | SC_INTERRUPT | SC_CACHE_REPORT | SC_LOG))
        sc_report_handler::default_handler(rep, actions & ~SC_DISPLAY);
}

sc_time ps(uint64_t v)
{
    return sc_time::from_value(v);
}

std::string ns_text(const sc_time& t)
{
    const uint64_t v = t.value();
    char b[48];
    std::snprintf(b, sizeof b, "%" PRIu64 ".%03" PRIu64, v / 1000, v % 1000);
    return b;
}

}  // namespace

rp::Report run_tlm(const rp::RunSpec& spec)
{
    if (sc_get_time_resolution() != sc_time(1, SC_PS))
        throw rp::ReplayError("SystemC time resolution must be 1 ps");
    sc_report_handler::set_handler(report_handler);
    sc_report_handler::set_actions(SC_INFO, SC_DO_NOTHING);

    run_state rs;
    rs.spec = &spec;
    rs.shape = rp::spec_shape(spec);
    rs.cfg = spec.cfg;
    rs.cfg.num_ports = static_cast<uint16_t>(std::max<unsigned>(rs.cfg.num_ports, rs.shape.ports));
    rs.layout = rp::layout_for(rs.cfg);
    const unsigned ports = rs.cfg.num_ports;

    smmuv3::timing t;
    t.utlb_hit = ps(spec.timing.utlb_hit);
    t.iotlb_hit = ps(spec.timing.iotlb_hit);
    t.bypass = ps(spec.timing.bypass);
    t.walk_level = ps(spec.timing.walk_level);
    t.cfg_fetch = ps(spec.timing.cfg_fetch);
    t.httu_update = ps(spec.timing.httu_update);
    t.command = ps(spec.timing.command);
    smmuv3::tlm_options o;
    o.timed_cmdq = spec.timed_cmdq;
    o.upstream_dmi = false;  // the masters never ask: every record is one translation
    o.downstream_dmi = true;

    timeline tl;
    tl.quantum = ps(spec.quantum_ps);
    dispatcher disp;
    smmuv3_tlm smmu("smmu", rs.cfg, t, ports, o);
    memory mem("memory", rs.layout, ps(spec.timing.mem));
    doorbell db("doorbell");
    router rt("router", rs.layout.doorbell);
    irq_counter irqs("irq");
    sc_signal<bool> irq_sig[4];
    cpu host("cpu", rs, mem, disp, tl, smmu,
             spec.timing.command ? ps(spec.timing.command) : sc_time(10, SC_NS));
    std::vector<std::unique_ptr<master>> masters;
    for (unsigned p = 0; p < ports; p++) {
        masters.push_back(
            std::make_unique<master>(("master_" + std::to_string(p)).c_str(), p, disp, tl));
        disp.masters.push_back(masters.back().get());
        masters.back()->socket.bind(smmu.upstream_socket[p]);
    }
    host.reg_socket.bind(smmu.reg_socket);
    smmu.downstream_socket.bind(rt.in);
    rt.to_memory.bind(mem.socket);
    rt.to_doorbell.bind(db.socket);
    smmu.irq_eventq.bind(irq_sig[0]);
    smmu.irq_gerror.bind(irq_sig[1]);
    smmu.irq_cmd_sync.bind(irq_sig[2]);
    smmu.irq_priq.bind(irq_sig[3]);
    for (unsigned i = 0; i < 4; i++)
        irqs.lines[i].bind(irq_sig[i]);

    sc_start();
    if (rs.error)
        std::rethrow_exception(rs.error);
    if (!rs.done)
        throw rp::ReplayError("the simulation stopped before the replay finished");

    rp::Report& r = rs.report;
    const tlm_counters& c = smmu.counters();
    uint64_t requests = 0;
    for (const auto& m : masters)
        requests += m->requests;
    r.platform.emplace_back("sim_time_ns", ns_text(rs.end));
    r.platform.emplace_back("quantum_ns", ns_text(tl.quantum));
    r.platform.emplace_back("cmdq", spec.timed_cmdq ? "\"timed\"" : "\"annotated\"");
    r.platform.emplace_back("master_requests", std::to_string(requests));
    r.platform.emplace_back("terminated", std::to_string(c.terminated));
    r.platform.emplace_back("page_splits", std::to_string(c.splits));
    r.platform.emplace_back("doorbell_writes", std::to_string(db.writes));
    r.platform.emplace_back("irq_edges", std::to_string(irqs.edges));
    r.platform.emplace_back("data_pages", std::to_string(mem.data_pages()));
    r.platform.emplace_back("sc_warnings", std::to_string(g_warnings));
    r.platform.emplace_back("cpu_waits", std::to_string(host.waits));
    return r;
}

}  // namespace smmuv3::vp
