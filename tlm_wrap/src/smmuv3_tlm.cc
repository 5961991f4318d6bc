// SPDX-License-Identifier: Apache-2.0
// SystemC TLM-2.0 wrapper of the SMMUv3 C core. Plumbing only (house style B7): every
// architectural decision is made by c_core; this file converts, times, grants DMI, drives
// pins and routes reports. docs/tlm.md describes the behaviour at the sockets.
#include "smmuv3_tlm/smmuv3_tlm.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

namespace smmuv3 {

using sc_core::SC_ZERO_TIME;
using sc_core::sc_time;
using tlm::tlm_command;
using tlm::tlm_dmi;
using tlm::tlm_generic_payload;
using tlm::tlm_response_status;

#define SMMUV3_TLM_LIKELY(x) __builtin_expect(!!(x), 1)
#define SMMUV3_TLM_UNLIKELY(x) __builtin_expect(!!(x), 0)

namespace {

// Report message types, all under one prefix.
constexpr const char* RPT_CONFIG = "/smmuv3/tlm/config";
constexpr const char* RPT_REG = "/smmuv3/tlm/reg";
constexpr const char* RPT_PMCG = "/smmuv3/tlm/pmcg";
constexpr const char* RPT_UPSTREAM = "/smmuv3/tlm/upstream";
constexpr const char* RPT_STALL = "/smmuv3/tlm/stall";
constexpr const char* RPT_CORE = "/smmuv3/core";

constexpr uint64_t PAGE4K = 0xFFF;
constexpr uint64_t IA_MASK = (uint64_t{1} << 56) - 1;

bool ok_status(smmu_xlate_status_t s)
{
    return s == SMMU_XLATE_OK || s == SMMU_XLATE_BYPASS;
}

// Input-address ranges compared on bits [55:0]: a TLBI's range is in the TLB's key space
// (top byte ignored or sign-extended), a grant's in the raw address the master issued.
// Over-matching is always safe.
bool ia_overlap(uint64_t g_lo, uint64_t g_hi, uint64_t lo, uint64_t hi)
{
    if (hi - lo >= IA_MASK || ((g_lo ^ g_hi) & ~IA_MASK) != 0)
        return true;
    uint64_t l = lo & IA_MASK, h = hi & IA_MASK, gl = g_lo & IA_MASK, gh = g_hi & IA_MASK;
    if (l <= h)
        return gl <= h && l <= gh;
    return gh >= l || gl <= h; // the range wraps within the 56-bit space
}

uint64_t le_load(const unsigned char* p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = n; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

void le_store(unsigned char* p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++, v >>= 8)
        p[i] = static_cast<unsigned char>(v);
}

// Zero bytes [off, off + n) of a read, those the byte enables select (RAZ).
void zero_data(unsigned char* data, unsigned off, unsigned n, const unsigned char* be,
               unsigned be_len)
{
    for (unsigned i = off; i < off + n; i++)
        if (!be || be[i % be_len] == TLM_BYTE_ENABLED)
            data[i] = 0;
}

} // namespace

// ------------------------------------------------------------------------------------------
// Construction
// ------------------------------------------------------------------------------------------

smmuv3_tlm::smmuv3_tlm(sc_core::sc_module_name nm, const smmu_config_t& cfg, const timing& t,
                       unsigned num_ports, const tlm_options& opt)
    : sc_module(nm), reg_socket("reg_socket"), pmcg_socket("pmcg_socket"),
      upstream_socket("upstream_socket", num_ports), downstream_socket("downstream_socket"),
      irq_eventq("irq_eventq"), irq_priq("irq_priq"), irq_cmd_sync("irq_cmd_sync"),
      irq_gerror("irq_gerror"), irq_pmcg("irq_pmcg"), irq_sev("irq_sev"), m_cfg(cfg),
      m_timing(t), m_opts(opt), m_num_ports(num_ports)
{
    // A rejected configuration is an error (it throws, by default); should the report
    // handler let the constructor go on, the module still works, with the default
    // configuration and enough ports.
    const char* why = nullptr;
    if (smmu_config_check(&m_cfg, &why) != SMMU_OK) {
        SC_REPORT_ERROR(RPT_CONFIG, (std::string(name()) + ": configuration rejected: " +
                                     (why ? why : "?")).c_str());
        m_cfg = smmu_config_default();
    }
    if (num_ports == 0 || num_ports > m_cfg.num_ports) {
        SC_REPORT_ERROR(RPT_CONFIG, (std::string(name()) + ": " + std::to_string(num_ports) +
                                     " upstream ports need smmu_config_t::num_ports >= " +
                                     std::to_string(num_ports) + " and >= 1").c_str());
        m_cfg.num_ports = static_cast<uint16_t>(std::max(num_ports, 1u));
    }
    if (opt.fault_response != tlm::TLM_ADDRESS_ERROR_RESPONSE &&
        opt.fault_response != tlm::TLM_GENERIC_ERROR_RESPONSE) {
        SC_REPORT_WARNING(RPT_CONFIG, "fault_response must be TLM_ADDRESS_ERROR_RESPONSE or "
                                      "TLM_GENERIC_ERROR_RESPONSE; using the former");
        m_opts.fault_response = tlm::TLM_ADDRESS_ERROR_RESPONSE;
    }
    if (opt.default_stream_ids.size() > num_ports)
        SC_REPORT_WARNING(RPT_CONFIG, "more default StreamIDs than upstream ports");

    smmu_host_ops_t ops{};
    ops.version = SMMU_HOST_OPS_VERSION;
    ops.ctx = this;
    ops.mem_read = s_mem_read;
    ops.mem_write = s_mem_write;
    ops.mem_cas64 = s_mem_cas64;
    ops.mem_ptr = s_mem_ptr;
    ops.irq = s_irq;
    ops.log = s_log;
    ops.atc_inv = s_atc_inv;
    ops.pri_resp = s_pri_resp;
    ops.stall_done = s_stall_done;
    ops.invalidated = s_invalidated;
    smmu_status_t st = smmu_create(&m_cfg, &ops, &m_smmu);
    if (st != SMMU_OK) {
        SC_REPORT_ERROR(RPT_CONFIG, (std::string(name()) + ": smmu_create: " +
                                     smmu_status_str(st)).c_str());
        m_cfg = smmu_config_default();
        m_cfg.num_ports = 256;
        if (smmu_create(&m_cfg, &ops, &m_smmu) != SMMU_OK)
            SC_REPORT_FATAL(RPT_CONFIG, "cannot create even a default SMMU");
    }
    smmu_set_cmdq_manual(m_smmu, m_opts.timed_cmdq);
    smmu_set_trace(m_smmu, m_opts.trace);

    m_default_sid.resize(num_ports);
    for (unsigned i = 0; i < num_ports; i++)
        m_default_sid[i] = i < opt.default_stream_ids.size() ? opt.default_stream_ids[i] : i;
    m_grants.resize(num_ports);
    m_ds.reserve(8);
    m_waiters.reserve(8);

    m_lat[SMMU_HIT_NONE] = t.bypass;
    m_lat[SMMU_HIT_UTLB] = t.utlb_hit;
    m_lat[SMMU_HIT_IOTLB] = t.iotlb_hit;
    m_lat[SMMU_HIT_WALK] = t.iotlb_hit; // the lookup that missed; the walk is added
    m_cfg_v = t.cfg_fetch.value();
    m_level_v = t.walk_level.value();
    m_httu_v = t.httu_update.value();

    reg_socket.register_b_transport(this, &smmuv3_tlm::reg_b_transport);
    reg_socket.register_transport_dbg(this, &smmuv3_tlm::reg_transport_dbg);
    pmcg_socket.register_b_transport(this, &smmuv3_tlm::pmcg_b_transport);
    pmcg_socket.register_transport_dbg(this, &smmuv3_tlm::pmcg_transport_dbg);
    for (unsigned i = 0; i < num_ports; i++) {
        upstream_socket[i].register_b_transport(this, &smmuv3_tlm::b_transport,
                                                static_cast<int>(i));
        upstream_socket[i].register_transport_dbg(this, &smmuv3_tlm::transport_dbg,
                                                  static_cast<int>(i));
        upstream_socket[i].register_get_direct_mem_ptr(this, &smmuv3_tlm::get_direct_mem_ptr,
                                                       static_cast<int>(i));
    }
    downstream_socket.register_invalidate_direct_mem_ptr(
        this, &smmuv3_tlm::invalidate_direct_mem_ptr);

    sc_core::sc_out<bool>* pins[SMMU_IRQ_COUNT] = {&irq_eventq, &irq_priq, &irq_cmd_sync,
                                                   &irq_gerror, &irq_pmcg, &irq_sev};
    for (unsigned i = 0; i < SMMU_IRQ_COUNT; i++) {
        m_irq_pin[i] = pins[i];
        pins[i]->initialize(false);
    }

    SC_HAS_PROCESS(smmuv3_tlm);
    if (m_opts.timed_cmdq)
        SC_THREAD(cmdq_thread);
    if (t.pmcg_quantum != SC_ZERO_TIME && m_cfg.pmcg_count != 0)
        SC_THREAD(pmcg_thread);
    SC_METHOD(irq_method);
    sensitive << m_irq_ev;
    dont_initialize();
}

smmuv3_tlm::~smmuv3_tlm()
{
    smmu_destroy(m_smmu);
}

void smmuv3_tlm::before_end_of_elaboration()
{
    // Interrupt pins are optional: an unbound one drives an internal signal.
    for (unsigned i = 0; i < SMMU_IRQ_COUNT; i++)
        if (m_irq_pin[i]->bind_count() == 0)
            m_irq_pin[i]->bind(m_irq_sink[i]);
}

smmu_stats_t smmuv3_tlm::stats() const
{
    smmu_stats_t s;
    smmu_stats_get(m_smmu, &s);
    return s;
}

uint64_t smmuv3_tlm::irq_count(smmu_irq_t line) const
{
    return static_cast<unsigned>(line) < SMMU_IRQ_COUNT ? m_irq[line].count : 0;
}

// ------------------------------------------------------------------------------------------
// The core is entered by one process at a time: a downstream target may wait() inside an
// SMMU-originated access, and the core must not be re-entered by another process meanwhile.
// Only those accesses (and the endpoint callbacks) can suspend the process inside the core,
// so that is where the owner is recorded; a nested call from the owner itself (e.g. an MSI
// target that reads a register) proceeds.
// ------------------------------------------------------------------------------------------

inline void smmuv3_tlm::core_enter()
{
    if (SMMUV3_TLM_UNLIKELY(m_core_depth != 0) && core_busy_elsewhere()) {
        sc_core::sc_process_handle h = sc_core::sc_get_current_process_handle();
        if (h.valid() && h.proc_kind() == sc_core::SC_THREAD_PROC_) {
            m_core_waiters++;
            while (m_core_depth != 0)
                sc_core::wait(m_core_free);
            m_core_waiters--;
        } else {
            SC_REPORT_WARNING(RPT_UPSTREAM, "SMMU entered from a method while another process "
                                            "is inside it (a downstream target waited)");
        }
    }
    m_core_depth++;
}

inline void smmuv3_tlm::core_leave()
{
    if (--m_core_depth == 0) {
        m_core_owner = nullptr;
        if (SMMUV3_TLM_UNLIKELY(m_core_waiters != 0))
            m_core_free.notify();
    }
}

bool smmuv3_tlm::core_busy_elsewhere() const
{
    return m_core_depth != 0 && m_core_owner != nullptr &&
           m_core_owner != sc_core::sc_get_current_process_b();
}

// ------------------------------------------------------------------------------------------
// Register sockets
// ------------------------------------------------------------------------------------------

bool smmuv3_tlm::reject(tlm_generic_payload& gp, tlm_response_status st, const char* type,
                        const char* why)
{
    gp.set_response_status(st);
    m_counters.bad_payloads++;
    char b[96];
    std::snprintf(b, sizeof b, " (command %d, address 0x%llx, length %u)",
                  static_cast<int>(gp.get_command()),
                  static_cast<unsigned long long>(gp.get_address()), gp.get_data_length());
    SC_REPORT_WARNING(type, (std::string(name()) + ": " + why + b + " -> " +
                             gp.get_response_string()).c_str());
    return false;
}

bool smmuv3_tlm::mmio(tlm_generic_payload& gp, sc_time& delay, bool pmcg, bool dbg)
{
    const char* type = pmcg ? RPT_PMCG : RPT_REG;
    const uint64_t span = pmcg ? PMCG_FRAME * m_cfg.pmcg_count : REG_SPAN;
    const tlm_command cmd = gp.get_command();
    const uint64_t a = gp.get_address();
    const unsigned len = gp.get_data_length();
    if (cmd > tlm::TLM_IGNORE_COMMAND)
        return reject(gp, tlm::TLM_COMMAND_ERROR_RESPONSE, type, "unknown command");
    if (!dbg && gp.get_byte_enable_ptr())
        return reject(gp, tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE, type,
                      "byte enables on a register access");
    if (len != 4 && len != 8)
        return reject(gp, tlm::TLM_BURST_ERROR_RESPONSE, type,
                      "register accesses are 4 or 8 bytes");
    if (!dbg && gp.get_streaming_width() < len)
        return reject(gp, tlm::TLM_BURST_ERROR_RESPONSE, type, "streaming register access");
    if (!gp.get_data_ptr() && cmd != tlm::TLM_IGNORE_COMMAND)
        return reject(gp, tlm::TLM_GENERIC_ERROR_RESPONSE, type, "null data pointer");
    if (a % len != 0)
        return reject(gp, tlm::TLM_ADDRESS_ERROR_RESPONSE, type, "misaligned register access");
    if (a >= span || span - a < len)
        return reject(gp, tlm::TLM_ADDRESS_ERROR_RESPONSE, type, "outside the register frame");
    if (cmd == tlm::TLM_IGNORE_COMMAND) {
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
        return true;
    }
    if (dbg && cmd == tlm::TLM_WRITE_COMMAND)
        return false; // debug writes would have side effects: refused (0 bytes)
    if (dbg && core_busy_elsewhere())
        return false;

    core_enter();
    m_offset = delay;
    if (!dbg)
        update_cycles(delay);
    uint64_t v = 0;
    smmu_status_t s;
    const unsigned group = static_cast<unsigned>(a / PMCG_FRAME);
    const uint64_t off = pmcg ? a % PMCG_FRAME : a;
    if (cmd == tlm::TLM_READ_COMMAND) {
        s = pmcg ? smmu_pmcg_read(m_smmu, group, off, len, &v)
                 : smmu_mmio_read(m_smmu, off, len, &v);
    } else {
        v = le_load(gp.get_data_ptr(), len);
        s = pmcg ? smmu_pmcg_write(m_smmu, group, off, len, v)
                 : smmu_mmio_write(m_smmu, off, len, v);
    }
    m_offset = SC_ZERO_TIME;
    core_leave();
    if (s != SMMU_OK) {
        if (dbg)
            return false;
        std::string why = std::string("the core refused the access: ") + smmu_status_str(s);
        // size and alignment were checked above: what is left is the offset (e.g. a PMCG
        // Page 1 offset while CFGR.RELOC_CTRS == 0), or a block the core does not model
        return reject(gp, s == SMMU_E_UNSUPPORTED ? tlm::TLM_GENERIC_ERROR_RESPONSE
                                                  : tlm::TLM_ADDRESS_ERROR_RESPONSE,
                      type, why.c_str());
    }
    if (cmd == tlm::TLM_READ_COMMAND)
        le_store(gp.get_data_ptr(), v, len);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    if (!dbg) {
        delay += m_timing.reg_access;
        if (cmd == tlm::TLM_WRITE_COMMAND && m_opts.timed_cmdq &&
            smmu_cmdq_pending(m_smmu) != 0)
            m_cmdq_ev.notify(delay);
    }
    return true;
}

void smmuv3_tlm::reg_b_transport(tlm_generic_payload& gp, sc_time& delay)
{
    mmio(gp, delay, false, false);
}

unsigned smmuv3_tlm::reg_transport_dbg(tlm_generic_payload& gp)
{
    sc_time d = SC_ZERO_TIME;
    return mmio(gp, d, false, true) ? gp.get_data_length() : 0;
}

void smmuv3_tlm::pmcg_b_transport(tlm_generic_payload& gp, sc_time& delay)
{
    mmio(gp, delay, true, false);
}

unsigned smmuv3_tlm::pmcg_transport_dbg(tlm_generic_payload& gp)
{
    sc_time d = SC_ZERO_TIME;
    return mmio(gp, d, true, true) ? gp.get_data_length() : 0;
}

// ------------------------------------------------------------------------------------------
// Command queue over simulated time, PMCG cycles
// ------------------------------------------------------------------------------------------

void smmuv3_tlm::kick_cmdq()
{
    if (m_opts.timed_cmdq) {
        m_cmdq_ev.notify(SC_ZERO_TIME);
        return;
    }
    core_enter();
    smmu_set_cmdq_manual(m_smmu, false); // automatic mode: consumes whatever is pending
    core_leave();
}

void smmuv3_tlm::atc_inv_complete()
{
    core_enter();
    smmu_atc_inv_complete(m_smmu);
    core_leave();
    kick_cmdq();
}

void smmuv3_tlm::cmdq_thread()
{
    for (;;) {
        // one command per timing::command; CMDQ_CONS moves when it completes
        while (smmu_cmdq_pending(m_smmu) != 0) {
            sc_core::wait(m_timing.command);
            core_enter();
            update_cycles(SC_ZERO_TIME);
            unsigned n = smmu_cmdq_process(m_smmu, 1);
            core_leave();
            if (n == 0)
                break; // a CMD_SYNC waits for an ATC invalidation, or a command error
        }
        sc_core::wait(m_cmdq_ev);
    }
}

// Optional: cycles brought up to date every timing::pmcg_quantum, so that a cycle counter
// overflow interrupts within a quantum of its time (otherwise: at the next register access).
void smmuv3_tlm::pmcg_thread()
{
    for (;;) {
        sc_core::wait(m_timing.pmcg_quantum);
        core_enter();
        update_cycles(SC_ZERO_TIME);
        core_leave();
    }
}

void smmuv3_tlm::update_cycles(const sc_time& offset)
{
    const uint64_t period = m_timing.clock_period.value();
    if (period == 0)
        return;
    const sc_time now = sc_core::sc_time_stamp() + offset;
    if (now <= m_cycle_time)
        return;
    const uint64_t n = (now - m_cycle_time).value() / period;
    if (n == 0)
        return;
    m_cycle_time += sc_time::from_value(n * period);
    smmu_advance_cycles(m_smmu, n);
}

// ------------------------------------------------------------------------------------------
// Upstream: translation and forwarding
// ------------------------------------------------------------------------------------------

inline void smmuv3_tlm::make_txn(unsigned port, const tlm_generic_payload& gp,
                                 const smmu_ext* ext, smmu_txn_t& t) const
{
    t.iova = gp.get_address();
    t.size = gp.get_data_length();
    t.write = gp.get_command() == tlm::TLM_WRITE_COMMAND;
    t.port = static_cast<uint16_t>(port);
    t.flags = 0;
    if (ext) {
        t.stream_id = ext->stream_id;
        t.substream_id = ext->substream_id;
        t.ssv = ext->ssv;
        t.instr = ext->instr;
        t.priv = ext->priv;
        t.secure = ext->secure;
        t.atype = ext->atype;
        if (ext->no_stall)
            t.flags = SMMU_TXN_NO_STALL;
    } else {
        t.stream_id = m_default_sid[port];
        t.substream_id = 0;
        t.ssv = false;
        t.instr = false;
        t.priv = false;
        t.secure = false;
        t.atype = SMMU_ATYPE_UNTRANSLATED;
    }
}

// The work of a miss turned into time (see struct timing).
void smmuv3_tlm::add_work(const smmu_xlate_t& x, sc_time& delay)
{
    const smmu_work_t& w = x.work;
    const unsigned desc = w.s1_reads + w.s2_reads;
    const unsigned reads = desc + w.cfg_reads;
    if ((m_mem_delay | reads | w.writes) == 0)
        return;
    uint64_t v = m_mem_delay + m_cfg_v * w.cfg_reads + m_level_v * desc + m_httu_v * w.writes;
    if (reads > m_cb_reads)
        v += m_dmi_rlat * (reads - m_cb_reads); // accesses the core served through DMI
    delay += sc_time::from_value(v);
}

inline void smmuv3_tlm::xlate(const smmu_txn_t& t, smmu_xlate_t& x, sc_time& delay)
{
    core_enter();
    m_offset = delay;
    m_mem_delay = 0;
    m_cb_reads = 0;
    smmu_translate_stallable(m_smmu, &t, ++m_cookie, &x);
    m_offset = SC_ZERO_TIME;
    core_leave();
    delay += m_lat[x.hit];
    if (x.hit != SMMU_HIT_UTLB) // a micro-TLB hit does no work (smmu_xlate_t::work is zero)
        add_work(x, delay);
}

// Debug and DMI translations: the SMMU's own accesses go through transport_dbg and nothing
// may wait. Returns false when another process is inside the core.
bool smmuv3_tlm::xlate_nowait(const smmu_txn_t& t, smmu_xlate_t& x)
{
    if (core_busy_elsewhere())
        return false;
    core_enter();
    const bool old = m_nowait;
    m_nowait = true;
    smmu_translate(m_smmu, &t, &x);
    m_nowait = old;
    core_leave();
    return true;
}

void smmuv3_tlm::b_transport(int id, tlm_generic_payload& gp, sc_time& delay)
{
    const unsigned port = static_cast<unsigned>(id);
    const tlm_command cmd = gp.get_command();
    const uint64_t va = gp.get_address();
    const unsigned len = gp.get_data_length();
    const unsigned be_len = gp.get_byte_enable_length();
    // Base-protocol checks first (their response is never overwritten).
    if (SMMUV3_TLM_UNLIKELY(cmd > tlm::TLM_IGNORE_COMMAND || len == 0 ||
                            gp.get_streaming_width() < len ||
                            (!gp.get_data_ptr() && cmd != tlm::TLM_IGNORE_COMMAND) ||
                            (gp.get_byte_enable_ptr() && be_len - 1u >= len) ||
                            va + (len - 1u) < va)) {
        if (cmd > tlm::TLM_IGNORE_COMMAND)
            reject(gp, tlm::TLM_COMMAND_ERROR_RESPONSE, RPT_UPSTREAM, "unknown command");
        else if (len == 0)
            reject(gp, tlm::TLM_BURST_ERROR_RESPONSE, RPT_UPSTREAM, "zero data length");
        else if (gp.get_streaming_width() < len)
            reject(gp, tlm::TLM_BURST_ERROR_RESPONSE, RPT_UPSTREAM,
                   "streaming (streaming width below the data length) is not supported");
        else if (!gp.get_data_ptr())
            reject(gp, tlm::TLM_GENERIC_ERROR_RESPONSE, RPT_UPSTREAM, "null data pointer");
        else if (gp.get_byte_enable_ptr())
            reject(gp, tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE, RPT_UPSTREAM,
                   "byte enable length is 0 or longer than the data");
        else
            reject(gp, tlm::TLM_ADDRESS_ERROR_RESPONSE, RPT_UPSTREAM,
                   "address range wraps around");
        return;
    }
    smmu_ext* ext = gp.get_extension<smmu_ext>();
    smmu_txn_t t;
    make_txn(port, gp, ext, t);
    if (SMMUV3_TLM_UNLIKELY(t.atype == SMMU_ATYPE_ATS_REQUEST)) {
        ats_request(gp, delay, ext, t);
        return;
    }
    smmu_xlate_t x;
    if (SMMUV3_TLM_UNLIKELY(cmd == tlm::TLM_IGNORE_COMMAND)) {
        t.flags |= SMMU_TXN_DEBUG; // checked, not performed: no event, no HTTU update
        transport_slow(gp, delay, t, x);
        return;
    }
    xlate(t, x, delay);
    // Fast path: translated, within one page of the mapping.
    if (SMMUV3_TLM_LIKELY(ok_status(x.status) &&
                          (va & x.page_mask) + (len - 1u) <= x.page_mask)) {
        gp.set_address(x.pa);
        downstream_socket->b_transport(gp, delay);
        gp.set_address(va);
        return;
    }
    transport_slow(gp, delay, t, x);
}

// Everything but the single-page hit: page splits, faults, RAZ/WI, stalls, IGNORE.
// On entry x holds the translation of the first byte, except for IGNORE (debug) commands.
void smmuv3_tlm::transport_slow(tlm_generic_payload& gp, sc_time& delay, smmu_txn_t& t,
                                smmu_xlate_t& x)
{
    const uint64_t va0 = gp.get_address();
    unsigned char* const data0 = gp.get_data_ptr();
    const unsigned len0 = gp.get_data_length();
    const unsigned sw0 = gp.get_streaming_width();
    unsigned char* const be0 = gp.get_byte_enable_ptr();
    const unsigned be_len0 = gp.get_byte_enable_length();
    const bool debug = (t.flags & SMMU_TXN_DEBUG) != 0;
    const bool read = gp.get_command() == tlm::TLM_READ_COMMAND;
    tlm_response_status st = tlm::TLM_OK_RESPONSE;
    unsigned off = 0;
    bool first = !debug, split = false;

    while (off < len0) {
        const uint64_t va = va0 + off;
        if (!first) {
            t.iova = va;
            t.size = len0 - off;
            if (debug) {
                core_enter(); // may wait: this is b_transport
                const bool old = m_nowait;
                m_nowait = true;
                smmu_translate(m_smmu, &t, &x);
                m_nowait = old;
                core_leave();
                delay += m_lat[x.hit];
            } else {
                xlate(t, x, delay);
            }
        }
        first = false;
        if (x.status == SMMU_XLATE_STALL) {
            if (debug || !stall_wait(m_cookie, x, delay)) {
                st = m_opts.fault_response;
                break;
            }
        }
        unsigned chunk = len0 - off;
        if (ok_status(x.status)) {
            const uint64_t room = x.page_mask - (va & x.page_mask) + 1;
            if (chunk > room)
                chunk = static_cast<unsigned>(room);
            if (chunk != len0)
                split = true;
            unsigned char* be = be0;
            unsigned be_len = be_len0;
            if (be0 && chunk != len0) {
                if (be_len0 == len0) {
                    be = be0 + off;
                    be_len = chunk;
                } else if (off % be_len0 != 0) {
                    st = tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
                    SC_REPORT_WARNING(RPT_UPSTREAM, "a repeating byte-enable pattern cannot be "
                                                    "split at this page boundary");
                    break;
                }
            }
            gp.set_address(x.pa);
            gp.set_data_ptr(data0 + off);
            gp.set_data_length(chunk);
            gp.set_streaming_width(chunk);
            gp.set_byte_enable_ptr(be);
            gp.set_byte_enable_length(be_len);
            gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
            downstream_socket->b_transport(gp, delay);
            if (!gp.is_response_ok()) {
                st = gp.get_response_status();
                break;
            }
        } else if (x.status == SMMU_XLATE_RAZWI) {
            // RAZ/WI for the rest of the smallest granule; the next page is translated anew
            const uint64_t room = PAGE4K - (va & PAGE4K) + 1;
            if (chunk > room)
                chunk = static_cast<unsigned>(room);
            if (read && !debug)
                zero_data(data0, off, chunk, be0, be_len0);
            m_counters.razwi++;
        } else {
            st = m_opts.fault_response; // the event (if any) was recorded by the core
            m_counters.terminated++;
            break;
        }
        off += chunk;
    }
    if (split)
        m_counters.splits++;
    gp.set_address(va0);
    gp.set_data_ptr(data0);
    gp.set_data_length(len0);
    gp.set_streaming_width(sw0);
    gp.set_byte_enable_ptr(be0);
    gp.set_byte_enable_length(be_len0);
    gp.set_response_status(st);
}

// An ATS Translation Request: answered in the extension, nothing forwarded. The TLM command
// carries the write intent (TLM_WRITE_COMMAND: write permission requested, NW == 0).
void smmuv3_tlm::ats_request(tlm_generic_payload& gp, sc_time& delay, smmu_ext* ext,
                             smmu_txn_t& t)
{
    smmu_xlate_t x;
    t.flags |= SMMU_TXN_NO_STALL;
    xlate(t, x, delay);
    m_counters.ats_requests++;
    ext->ats_status = static_cast<smmu_ats_status_t>(x.ats);
    ext->ats_addr = 0;
    ext->ats_size = 0;
    ext->ats_perm = 0;
    if (x.status == SMMU_XLATE_OK && x.ats == SMMU_ATS_SUCCESS) {
        ext->ats_addr = x.pa;
        ext->ats_size = x.page_mask + 1;
        ext->ats_perm = x.perm;
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
    } else {
        if (ext->ats_status == SMMU_ATS_NONE || ext->ats_status == SMMU_ATS_SUCCESS)
            ext->ats_status = SMMU_ATS_CA;
        gp.set_response_status(m_opts.fault_response);
    }
}

// A stalled transaction: the initiator's thread blocks until stall_done reports the final
// result for its cookie. The local time offset is synchronised first.
bool smmuv3_tlm::stall_wait(uint64_t cookie, smmu_xlate_t& x, sc_time& delay)
{
    sc_core::sc_process_handle h = sc_core::sc_get_current_process_handle();
    if (!h.valid() || h.proc_kind() != sc_core::SC_THREAD_PROC_) {
        SC_REPORT_WARNING(RPT_STALL, "a stalled transaction arrived outside a thread: it cannot "
                                     "wait and completes with the fault response");
        return false;
    }
    m_counters.stalls++;
    stall_waiter w;
    w.cookie = cookie;
    w.done = false;
    for (auto it = m_early_stall_results.begin(); it != m_early_stall_results.end(); ++it) {
        if (it->first == cookie) {
            w.done = true;
            w.result = it->second;
            m_early_stall_results.erase(it);
            break;
        }
    }
    if (!w.done) {
        m_waiters.push_back(&w);
        sc_core::wait(delay);
        delay = SC_ZERO_TIME;
        while (!w.done)
            sc_core::wait(w.ev);
        m_waiters.erase(std::find(m_waiters.begin(), m_waiters.end(), &w));
    }
    x = w.result;
    delay += m_lat[x.hit];
    return true;
}

void smmuv3_tlm::s_stall_done(void* ctx, uint64_t cookie, const smmu_xlate_t* result)
{
    auto* self = static_cast<smmuv3_tlm*>(ctx);
    if (result->status == SMMU_XLATE_STALL)
        return; // the retry stalled again: keep waiting for the same cookie
    for (stall_waiter* w : self->m_waiters) {
        if (w->cookie == cookie) {
            w->result = *result;
            w->done = true;
            w->ev.notify(SC_ZERO_TIME);
            return;
        }
    }
    // not waiting yet (or a transaction that was never ours): keep it for stall_wait
    self->m_early_stall_results.emplace_back(cookie, *result);
    if (self->m_early_stall_results.size() > 256)
        self->m_early_stall_results.erase(self->m_early_stall_results.begin());
}

unsigned smmuv3_tlm::transport_dbg(int id, tlm_generic_payload& gp)
{
    const unsigned port = static_cast<unsigned>(id);
    const tlm_command cmd = gp.get_command();
    const unsigned len0 = gp.get_data_length();
    unsigned char* const data0 = gp.get_data_ptr();
    const uint64_t va0 = gp.get_address();
    if (cmd == tlm::TLM_IGNORE_COMMAND || len0 == 0)
        return 0;
    if (cmd > tlm::TLM_IGNORE_COMMAND || !data0 || va0 + (len0 - 1u) < va0) {
        reject(gp, cmd > tlm::TLM_IGNORE_COMMAND ? tlm::TLM_COMMAND_ERROR_RESPONSE
                                                 : tlm::TLM_GENERIC_ERROR_RESPONSE,
               RPT_UPSTREAM, "malformed debug transaction");
        return 0;
    }
    smmu_ext* ext = gp.get_extension<smmu_ext>();
    smmu_txn_t t;
    make_txn(port, gp, ext, t);
    if (t.atype == SMMU_ATYPE_ATS_REQUEST)
        return 0;
    t.flags = SMMU_TXN_DEBUG;
    unsigned done = 0;
    while (done < len0) {
        const uint64_t va = va0 + done;
        t.iova = va;
        t.size = len0 - done;
        smmu_xlate_t x;
        if (!xlate_nowait(t, x))
            break;
        unsigned chunk = len0 - done;
        if (ok_status(x.status)) {
            const uint64_t room = x.page_mask - (va & x.page_mask) + 1;
            if (chunk > room)
                chunk = static_cast<unsigned>(room);
            gp.set_address(x.pa);
            gp.set_data_ptr(data0 + done);
            gp.set_data_length(chunk);
            const unsigned n = downstream_socket->transport_dbg(gp);
            done += std::min(n, chunk);
            if (n < chunk)
                break;
        } else if (x.status == SMMU_XLATE_RAZWI) {
            const uint64_t room = PAGE4K - (va & PAGE4K) + 1;
            if (chunk > room)
                chunk = static_cast<unsigned>(room);
            if (cmd == tlm::TLM_READ_COMMAND)
                std::memset(data0 + done, 0, chunk);
            done += chunk;
        } else {
            break;
        }
    }
    gp.set_address(va0);
    gp.set_data_ptr(data0);
    gp.set_data_length(len0);
    return done;
}

// ------------------------------------------------------------------------------------------
// Upstream DMI
// ------------------------------------------------------------------------------------------

bool smmuv3_tlm::deny_dmi(tlm_dmi& dmi, uint64_t lo, uint64_t hi)
{
    dmi.init();
    dmi.set_start_address(lo);
    dmi.set_end_address(hi);
    m_counters.dmi_denials++;
    return false;
}

// A region is granted only inside one translated page or block that allows the access the
// request asks for, and only where the downstream target grants DMI too.
bool smmuv3_tlm::get_direct_mem_ptr(int id, tlm_generic_payload& gp, tlm_dmi& dmi)
{
    const unsigned port = static_cast<unsigned>(id);
    const uint64_t va = gp.get_address();
    const uint64_t page_lo = va & ~PAGE4K, page_hi = va | PAGE4K;
    if (!m_opts.upstream_dmi)
        return deny_dmi(dmi, 0, ~uint64_t{0});
    // Only the command and the address (and the extensions) of a DMI request are used: an
    // unknown command asks for neither read nor write access, so it is refused and reported,
    // before any translation. The payload is not modified.
    if (SMMUV3_TLM_UNLIKELY(gp.get_command() > tlm::TLM_IGNORE_COMMAND)) {
        m_counters.bad_payloads++;
        char b[80];
        std::snprintf(b, sizeof b, "DMI request with unknown command %d (address 0x%llx)",
                      static_cast<int>(gp.get_command()), static_cast<unsigned long long>(va));
        SC_REPORT_WARNING(RPT_UPSTREAM, (std::string(name()) + ": " + b + " -> denied").c_str());
        return deny_dmi(dmi, page_lo, page_hi);
    }
    smmu_ext* ext = gp.get_extension<smmu_ext>();
    smmu_txn_t t;
    make_txn(port, gp, ext, t);
    const bool want_w = gp.get_command() == tlm::TLM_WRITE_COMMAND;
    t.write = want_w;
    t.size = 1;
    if (t.atype == SMMU_ATYPE_ATS_REQUEST)
        return deny_dmi(dmi, page_lo, page_hi);
    // 1. the mapping, without side effects
    t.flags = SMMU_TXN_DEBUG;
    smmu_xlate_t x;
    const bool seen = xlate_nowait(t, x);
    if (!seen || (!ok_status(x.status) && m_cfg.httu == 0))
        return deny_dmi(dmi, page_lo, page_hi);
    // 2. the access for real, as the first access through the pointer would make it, so the
    //    hardware updates of the access flag and dirty state happen (accesses through the
    //    pointer cannot make them). Speculative: a fault is silent (no event, no stall). With
    //    HTTU this also covers pages a debug translation refuses only because their access
    //    flag is still clear.
    t.flags = SMMU_TXN_SPECULATIVE | SMMU_TXN_NO_STALL;
    smmu_xlate_t x2;
    if (!xlate_nowait(t, x2) || !ok_status(x2.status) ||
        (ok_status(x.status) && x2.pa != x.pa))
        return deny_dmi(dmi, page_lo, page_hi);
    x = x2;
    const uint64_t mask = x.page_mask;
    const uint64_t va_lo = va & ~mask, pa_lo = x.pa & ~mask, pa_hi = pa_lo + mask;
    // 3. the downstream grant
    tlm_dmi d;
    m_dmi_gp.set_command(gp.get_command());
    m_dmi_gp.set_address(x.pa);
    m_dmi_gp.set_data_length(1);
    m_dmi_gp.set_streaming_width(1);
    if (!downstream_socket->get_direct_mem_ptr(m_dmi_gp, d)) {
        const uint64_t lo = std::max<uint64_t>(d.get_start_address(), pa_lo);
        const uint64_t hi = std::min<uint64_t>(d.get_end_address(), pa_hi);
        if (lo <= x.pa && x.pa <= hi)
            return deny_dmi(dmi, va_lo + (lo - pa_lo), va_lo + (hi - pa_lo));
        return deny_dmi(dmi, page_lo, page_hi);
    }
    const uint64_t lo = std::max<uint64_t>(d.get_start_address(), pa_lo);
    const uint64_t hi = std::min<uint64_t>(d.get_end_address(), pa_hi);
    if (x.pa < lo || x.pa > hi)
        return deny_dmi(dmi, page_lo, page_hi);
    unsigned acc = tlm_dmi::DMI_ACCESS_NONE;
    if ((x.perm & SMMU_PERM_R) && d.is_read_allowed())
        acc |= tlm_dmi::DMI_ACCESS_READ;
    if ((x.perm & SMMU_PERM_W) && d.is_write_allowed())
        acc |= tlm_dmi::DMI_ACCESS_WRITE;
    if (!(acc & (want_w ? tlm_dmi::DMI_ACCESS_WRITE : tlm_dmi::DMI_ACCESS_READ)))
        return deny_dmi(dmi, page_lo, page_hi);
    dmi.init();
    dmi.set_dmi_ptr(d.get_dmi_ptr() + (lo - d.get_start_address()));
    dmi.set_start_address(va_lo + (lo - pa_lo));
    dmi.set_end_address(va_lo + (hi - pa_lo));
    dmi.set_granted_access(static_cast<tlm_dmi::dmi_access_e>(acc));
    dmi.set_read_latency(d.get_read_latency() + m_timing.utlb_hit);
    dmi.set_write_latency(d.get_write_latency() + m_timing.utlb_hit);
    // remember it (bounding box per StreamID) for the invalidations
    std::vector<grant>& gs = m_grants[port];
    auto it = std::find_if(gs.begin(), gs.end(),
                           [&](const grant& g) { return g.sid == t.stream_id; });
    if (it == gs.end()) {
        gs.push_back(grant{t.stream_id, dmi.get_start_address(), dmi.get_end_address(), lo, hi});
    } else {
        it->va_lo = std::min<uint64_t>(it->va_lo, dmi.get_start_address());
        it->va_hi = std::max<uint64_t>(it->va_hi, dmi.get_end_address());
        it->pa_lo = std::min(it->pa_lo, lo);
        it->pa_hi = std::max(it->pa_hi, hi);
    }
    m_counters.dmi_grants++;
    return true;
}

// Revoke upstream grants. scope: SMMU_INVAL_ALL / _STREAM / _RANGE (input addresses), or
// -1 for a physical range (a downstream invalidation). One call per affected port.
void smmuv3_tlm::revoke(int scope, uint32_t sid, uint64_t lo, uint64_t hi)
{
    for (unsigned p = 0; p < m_num_ports; p++) {
        std::vector<grant>& gs = m_grants[p];
        if (gs.empty())
            continue;
        uint64_t rlo = ~uint64_t{0}, rhi = 0;
        bool any = false;
        for (size_t i = 0; i < gs.size();) {
            const grant& g = gs[i];
            bool hit = scope == smmu_inval_t::SMMU_INVAL_ALL ||
                       (scope == smmu_inval_t::SMMU_INVAL_STREAM && g.sid == sid) ||
                       (scope == smmu_inval_t::SMMU_INVAL_RANGE &&
                        ia_overlap(g.va_lo, g.va_hi, lo, hi)) ||
                       (scope < 0 && g.pa_lo <= hi && lo <= g.pa_hi);
            if (!hit) {
                i++;
                continue;
            }
            rlo = std::min(rlo, g.va_lo);
            rhi = std::max(rhi, g.va_hi);
            any = true;
            gs.erase(gs.begin() + static_cast<std::ptrdiff_t>(i));
        }
        if (any && upstream_socket[p].size() > 0) {
            m_counters.dmi_revocations++;
            upstream_socket[p]->invalidate_direct_mem_ptr(rlo, rhi);
        }
    }
}

void smmuv3_tlm::s_invalidated(void* ctx, const smmu_inval_t* scope)
{
    auto* self = static_cast<smmuv3_tlm*>(ctx);
    uint64_t hi = scope->size == 0 ? scope->addr : scope->addr + (scope->size - 1);
    if (hi < scope->addr)
        hi = ~uint64_t{0};
    self->revoke(static_cast<int>(scope->scope), scope->stream_id, scope->addr, hi);
}

// The downstream target revoked DMI: forget it, tell the core, revoke what depends on it.
void smmuv3_tlm::invalidate_direct_mem_ptr(sc_dt::uint64 lo, sc_dt::uint64 hi)
{
    m_ds.erase(std::remove_if(m_ds.begin(), m_ds.end(),
                              [&](const ds_region& r) { return r.lo <= hi && lo <= r.hi; }),
               m_ds.end());
    m_dmi_rlat = 0;
    for (const ds_region& r : m_ds)
        if (r.ptr)
            m_dmi_rlat = std::max(m_dmi_rlat, r.rlat);
    smmu_dmi_invalidate(m_smmu, lo, hi);
    revoke(-1, 0, lo, hi);
}

// ------------------------------------------------------------------------------------------
// Host operations: the SMMU's own downstream accesses
// ------------------------------------------------------------------------------------------

smmu_mem_result_t smmuv3_tlm::mem_access(tlm_command cmd, uint64_t pa, void* buf, size_t len,
                                         smmu_access_kind_t kind)
{
    tlm_generic_payload& p = m_mem_gp; // one payload, reused: the core is entered once at a time
    p.set_command(cmd);
    p.set_address(pa);
    p.set_data_ptr(static_cast<unsigned char*>(buf));
    p.set_data_length(static_cast<unsigned>(len));
    p.set_streaming_width(static_cast<unsigned>(len));
    p.set_byte_enable_ptr(nullptr);
    p.set_byte_enable_length(0);
    p.set_dmi_allowed(false);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    if (kind <= SMMU_ACCESS_PTW_S2 && cmd == tlm::TLM_READ_COMMAND)
        m_cb_reads++;
    if (m_nowait)
        return downstream_socket->transport_dbg(p) == len ? SMMU_MEM_OK : SMMU_MEM_ABORT;
    m_core_owner = sc_core::sc_get_current_process_b(); // the target may wait()
    sc_time d = SC_ZERO_TIME;
    downstream_socket->b_transport(p, d);
    m_mem_delay += d.value();
    return p.is_response_ok() ? SMMU_MEM_OK : SMMU_MEM_ABORT;
}

smmu_mem_result_t smmuv3_tlm::s_mem_read(void* ctx, uint64_t pa, void* buf, size_t len,
                                         const smmu_mem_attr_t* attr)
{
    return static_cast<smmuv3_tlm*>(ctx)->mem_access(tlm::TLM_READ_COMMAND, pa, buf, len,
                                                     attr->kind);
}

smmu_mem_result_t smmuv3_tlm::s_mem_write(void* ctx, uint64_t pa, const void* buf, size_t len,
                                          const smmu_mem_attr_t* attr)
{
    // the payload's data pointer is not const; a write target only reads through it
    return static_cast<smmuv3_tlm*>(ctx)->mem_access(tlm::TLM_WRITE_COMMAND, pa,
                                                     const_cast<void*>(buf), len, attr->kind);
}

const smmuv3_tlm::ds_region* smmuv3_tlm::ds_find(uint64_t pa, size_t len) const
{
    for (const ds_region& r : m_ds)
        if (pa >= r.lo && pa <= r.hi)
            return r.ptr && len - 1 <= r.hi - pa ? &r : nullptr;
    return nullptr;
}

// Compare-and-swap of a descriptor (HTTU): through a read-write DMI pointer when granted,
// else a read and a write (atomic with respect to every other SMMU access).
smmu_mem_result_t smmuv3_tlm::s_mem_cas64(void* ctx, uint64_t pa, uint64_t expected,
                                          uint64_t desired, uint64_t* old,
                                          const smmu_mem_attr_t* attr)
{
    auto* self = static_cast<smmuv3_tlm*>(ctx);
    unsigned char b[8];
    if (const ds_region* r = self->ds_find(pa, 8)) {
        unsigned char* p = r->ptr + (pa - r->lo);
        *old = le_load(p, 8);
        if (*old == expected)
            le_store(p, desired, 8);
        self->m_mem_delay += r->rlat + r->wlat;
        return SMMU_MEM_OK;
    }
    if (self->mem_access(tlm::TLM_READ_COMMAND, pa, b, 8, attr->kind) != SMMU_MEM_OK)
        return SMMU_MEM_ABORT;
    *old = le_load(b, 8);
    if (*old != expected)
        return SMMU_MEM_OK;
    le_store(b, desired, 8);
    return self->mem_access(tlm::TLM_WRITE_COMMAND, pa, b, 8, attr->kind);
}

// Direct pointers for the core's structure and descriptor accesses. Only read-write grants
// are used (the core writes queue records and descriptors through them); denials are
// remembered until the downstream target invalidates them.
uint8_t* smmuv3_tlm::s_mem_ptr(void* ctx, uint64_t pa, uint64_t* lo, uint64_t* hi)
{
    auto* self = static_cast<smmuv3_tlm*>(ctx);
    if (!self->m_opts.downstream_dmi)
        return nullptr;
    for (const ds_region& r : self->m_ds) {
        if (pa >= r.lo && pa <= r.hi) {
            if (!r.ptr)
                return nullptr;
            *lo = r.lo;
            *hi = r.hi;
            return r.ptr + (pa - r.lo);
        }
    }
    tlm_dmi d;
    tlm_generic_payload& p = self->m_dmi_gp;
    p.set_command(tlm::TLM_READ_COMMAND);
    p.set_address(pa);
    p.set_data_length(1);
    p.set_streaming_width(1);
    const bool ok = self->downstream_socket->get_direct_mem_ptr(p, d);
    ds_region r{d.get_start_address(), d.get_end_address(), nullptr, 0, 0};
    if (pa < r.lo || pa > r.hi)
        r.lo = r.hi = pa; // a target that did not describe the range: remember this byte only
    if (ok && d.is_read_write_allowed() && pa >= d.get_start_address() &&
        pa <= d.get_end_address()) {
        r.ptr = d.get_dmi_ptr();
        r.rlat = d.get_read_latency().value();
        r.wlat = d.get_write_latency().value();
    }
    if (self->m_ds.size() < 8)
        self->m_ds.push_back(r);
    else
        self->m_ds[self->m_ds_next++ % 8] = r;
    if (!r.ptr)
        return nullptr;
    self->m_dmi_rlat = std::max(self->m_dmi_rlat, r.rlat);
    *lo = r.lo;
    *hi = r.hi;
    return r.ptr + (pa - r.lo);
}

// ------------------------------------------------------------------------------------------
// Interrupts, reports, endpoint messages
// ------------------------------------------------------------------------------------------

void smmuv3_tlm::s_irq(void* ctx, smmu_irq_t line, bool level)
{
    auto* self = static_cast<smmuv3_tlm*>(ctx);
    if (!level || static_cast<unsigned>(line) >= SMMU_IRQ_COUNT)
        return;
    irq_line& l = self->m_irq[line];
    l.count++;
    if (l.pending++ == 0)
        l.rise_at = sc_core::sc_time_stamp() + self->m_offset;
    self->m_irq_ev.notify(self->m_offset);
}

// The only writer of the pins: a pulse is irq_pulse high, then at least irq_pulse low (with
// a zero width: one delta high, one delta low).
void smmuv3_tlm::irq_method()
{
    const sc_time now = sc_core::sc_time_stamp();
    bool any = false;
    sc_time next = sc_core::sc_max_time();
    for (unsigned i = 0; i < SMMU_IRQ_COUNT; i++) {
        irq_line& l = m_irq[i];
        if (l.level) {
            if (now >= l.fall_at) {
                m_irq_pin[i]->write(false);
                l.level = false;
                l.ready_at = now + m_timing.irq_pulse;
            }
        } else if (l.pending && now >= l.rise_at && now >= l.ready_at) {
            m_irq_pin[i]->write(true);
            l.level = true;
            l.fall_at = now + m_timing.irq_pulse;
            if (--l.pending)
                l.rise_at = now;
        }
        if (!l.level && !l.pending)
            continue;
        any = true;
        next = std::min(next, l.level ? l.fall_at : std::max(l.rise_at, l.ready_at));
    }
    if (any)
        next_trigger(next - now, m_irq_ev);
    else
        next_trigger(m_irq_ev);
}

void smmuv3_tlm::s_log(void* ctx, smmu_log_t cat, const char* msg)
{
    auto* self = static_cast<smmuv3_tlm*>(ctx);
    std::string m = std::string(self->name()) + ": " + msg;
    switch (cat) {
    case SMMU_LOG_GUEST_ERROR:
        SC_REPORT_WARNING(RPT_CORE, ("guest error: " + m).c_str());
        break;
    case SMMU_LOG_UNIMP:
        SC_REPORT_INFO_VERB(RPT_CORE, ("unimplemented: " + m).c_str(), sc_core::SC_LOW);
        break;
    default:
        SC_REPORT_INFO_VERB(RPT_CORE, m.c_str(), sc_core::SC_DEBUG);
        break;
    }
}

smmu_atc_result_t smmuv3_tlm::s_atc_inv(void* ctx, const smmu_atc_inv_t* inv)
{
    auto* self = static_cast<smmuv3_tlm*>(ctx);
    self->m_core_owner = sc_core::sc_get_current_process_b(); // user code may wait()
    return self->atc_inv_handler ? self->atc_inv_handler(*inv) : SMMU_ATC_DONE;
}

void smmuv3_tlm::s_pri_resp(void* ctx, const smmu_pri_resp_t* resp)
{
    auto* self = static_cast<smmuv3_tlm*>(ctx);
    self->m_core_owner = sc_core::sc_get_current_process_b(); // user code may wait()
    if (self->pri_resp_handler)
        self->pri_resp_handler(*resp);
}

} // namespace smmuv3
