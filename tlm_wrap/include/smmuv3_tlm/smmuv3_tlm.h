// SPDX-License-Identifier: Apache-2.0
/**
 * @file smmuv3_tlm.h
 * @brief SystemC TLM-2.0 wrapper of the SMMUv3 C core: the SMMU as a drop-in module between
 *        DMA masters and memory (loosely timed, temporal-decoupling friendly).
 *
 * The wrapper is plumbing only (house style B7): payload <-> smmu_txn_t conversion, timing
 * annotation from the work the core reports, DMI grant/revoke, interrupt pins, report
 * routing and configuration. Every architectural decision is made by c_core. See docs/tlm.md.
 *
 * Sockets (all 32-bit bus width, tlm_base_protocol_types):
 *   reg_socket        target     programming interface, Page 0 at 0x0 and Page 1 at 0x10000
 *   pmcg_socket       target     PMCG frames: group g at g * PMCG_FRAME (Page 0, Page 1 +0x1000)
 *   upstream_socket[] targets    one per master port (TBU with its own micro-TLB)
 *   downstream_socket initiator  translated traffic and every SMMU-originated access
 */
#ifndef SMMUV3_TLM_SMMUV3_TLM_H
#define SMMUV3_TLM_SMMUV3_TLM_H

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "smmuv3/smmuv3.h"

namespace smmuv3 {

/**
 * Side-band attributes of an upstream transaction (the SMMU's transaction inputs, IHI 0070
 * 13.1). Set by the initiator; the SMMU only reads the request fields. Without this
 * extension a transaction uses its port's default StreamID (tlm_options::default_stream_ids),
 * no SubstreamID, unprivileged, data, Non-secure, untranslated.
 *
 * ATS Translation Requests (atype == SMMU_ATYPE_ATS_REQUEST) are answered in the extension's
 * ats_* fields, which are the only fields the SMMU ever writes; the payload's data buffer is
 * not touched and nothing is forwarded downstream.
 */
struct smmu_ext : tlm::tlm_extension<smmu_ext> {
    // ---- request (read-only for the SMMU) ----
    uint32_t stream_id = 0;     ///< StreamID (overrides the port's default StreamID)
    uint32_t substream_id = 0;  ///< SubstreamID (PASID), meaningful only when ssv is true
    bool ssv = false;           ///< SubstreamID valid
    bool priv = false;          ///< PnU: true = privileged, false = unprivileged
    bool instr = false;         ///< InD: true = instruction fetch (ignored for writes)
    bool secure = false;        ///< SEC_SID (this model is Non-secure only; see the core docs)
    /// Transaction type: ordinary untranslated DMA, PCIe ATS Translation Request, or ATS
    /// Translated transaction (the address is already a PA/IPA, checked per CR0.ATSCHK).
    smmu_atype_t atype = SMMU_ATYPE_UNTRANSLATED;
    /// The master cannot wait: a fault that would stall terminates instead (event recorded).
    bool no_stall = false;

    // ---- ATS Translation Request completion (written by the SMMU, atype == ATS_REQUEST) ----
    /// SMMU_ATS_SUCCESS, SMMU_ATS_UR (Unsupported Request) or SMMU_ATS_CA (Completer Abort).
    smmu_ats_status_t ats_status = SMMU_ATS_NONE;
    uint64_t ats_addr = 0;  ///< translated address of the requested address (Success)
    uint64_t ats_size = 0;  ///< size of the translation (power of two, naturally aligned)
    uint8_t ats_perm = 0;   ///< SMMU_PERM_R/W/X granted (may be 0: a Success without access)

    /// Convenience: set a SubstreamID (and SSV).
    void set_substream(uint32_t ssid)
    {
        substream_id = ssid;
        ssv = true;
    }

    tlm::tlm_extension_base* clone() const override { return new smmu_ext(*this); }
    void copy_from(const tlm::tlm_extension_base& e) override
    {
        *this = static_cast<const smmu_ext&>(e);
    }
};

/**
 * Latencies the wrapper annotates (b_transport's delay argument; no wait() on the hit path).
 *
 *  micro-TLB hit     utlb_hit
 *  IOTLB hit         iotlb_hit
 *  walk              iotlb_hit + cfg_fetch * structure reads + walk_level * descriptor reads
 *                    + httu_update * descriptor updates + the latency downstream annotated
 *                    on each of those accesses (for accesses served through DMI: the DMI
 *                    read latency of the downstream grant)
 *  no lookup         bypass (SMMUEN = 0, STE bypass/abort, ATS translated, early faults)
 *
 * Configuration-cache misses on an IOTLB hit are charged like a walk's structure reads.
 */
struct timing {
    sc_core::sc_time utlb_hit{1, sc_core::SC_NS};
    sc_core::sc_time iotlb_hit{4, sc_core::SC_NS};
    sc_core::sc_time bypass{1, sc_core::SC_NS};
    sc_core::sc_time walk_level{2, sc_core::SC_NS};   ///< per translation-table descriptor read
    sc_core::sc_time cfg_fetch{2, sc_core::SC_NS};    ///< per STE/L1STD/CD/L1CD read
    sc_core::sc_time httu_update{2, sc_core::SC_NS};  ///< per access-flag/dirty-state update
    sc_core::sc_time reg_access{sc_core::SC_ZERO_TIME}; ///< per reg_socket/pmcg_socket access
    sc_core::sc_time command{10, sc_core::SC_NS};     ///< per command (timed command queue)
    sc_core::sc_time clock_period{1, sc_core::SC_NS}; ///< SMMU clock (PMCG cycle counter)
    /// PMCG cycles are brought up to date at every register access and command; a non-zero
    /// quantum also does it periodically (so an overflow interrupts on time), at the price of
    /// a process that never lets sc_start() end by starvation.
    sc_core::sc_time pmcg_quantum{sc_core::SC_ZERO_TIME};
    /// Width of an interrupt pulse, and the minimum low time between two pulses of a line.
    /// SC_ZERO_TIME gives one-delta pulses.
    sc_core::sc_time irq_pulse{1, sc_core::SC_NS};
};

/** Wrapper configuration (the architecture itself is configured by smmu_config_t). */
struct tlm_options {
    /// StreamID of transactions without smmu_ext, per upstream port; ports beyond the end of
    /// the vector use their port index.
    std::vector<uint32_t> default_stream_ids;
    /// Response of a terminated transaction (fault or abort): TLM_ADDRESS_ERROR_RESPONSE or
    /// TLM_GENERIC_ERROR_RESPONSE.
    tlm::tlm_response_status fault_response = tlm::TLM_ADDRESS_ERROR_RESPONSE;
    /// true: commands are consumed by a thread, one per timing::command, so CMDQ_CONS moves
    /// over simulated time. false: consumed when CMDQ_PROD is written (QEMU style, untimed).
    bool timed_cmdq = true;
    bool upstream_dmi = true;    ///< grant DMI to upstream initiators
    bool downstream_dmi = true;  ///< use downstream DMI for the SMMU's own accesses
    bool trace = false;          ///< core trace messages (SC_DEBUG infos under /smmuv3/core)
};

/** Counters of what the wrapper itself did (the core's statistics: stats()). */
struct tlm_counters {
    uint64_t splits = 0;          ///< transactions split at a page boundary
    uint64_t terminated = 0;      ///< transactions completed with the fault response
    uint64_t razwi = 0;           ///< transactions (or parts) completed as RAZ/WI
    uint64_t stalls = 0;          ///< transactions that waited for CMD_RESUME/CMD_STALL_TERM
    uint64_t ats_requests = 0;    ///< ATS Translation Requests answered
    uint64_t bad_payloads = 0;    ///< requests rejected by the base-protocol checks
    uint64_t dmi_grants = 0, dmi_denials = 0, dmi_revocations = 0;
};

/**
 * The SMMU module. Construct, bind downstream_socket (mandatory), the upstream ports the
 * platform uses, reg_socket and (optionally) pmcg_socket and the interrupt pins; every
 * socket and pin except downstream_socket may stay unbound.
 */
class smmuv3_tlm : public sc_core::sc_module {
public:
    using target_socket_type = tlm_utils::simple_target_socket_optional<smmuv3_tlm>;
    using upstream_socket_type = tlm_utils::simple_target_socket_tagged_optional<smmuv3_tlm>;

    static constexpr uint64_t REG_SPAN = 0x20000;  ///< reg_socket: Page 0 and Page 1
    static constexpr uint64_t PMCG_FRAME = 0x2000; ///< pmcg_socket: bytes per group

    target_socket_type reg_socket;                    ///< programming interface (MMIO)
    target_socket_type pmcg_socket;                   ///< PMCG register frames
    sc_core::sc_vector<upstream_socket_type> upstream_socket; ///< DMA in, one per port
    tlm_utils::simple_initiator_socket<smmuv3_tlm> downstream_socket; ///< translated DMA out

    /// Wired interrupt outputs (IHI 0070 3.18): pulses of timing::irq_pulse.
    sc_core::sc_out<bool> irq_eventq, irq_priq, irq_cmd_sync, irq_gerror, irq_pmcg, irq_sev;

    /**
     * @param cfg        the SMMU configuration (checked; cfg.num_ports must be >= num_ports)
     * @param t          latencies
     * @param num_ports  upstream ports (TBUs); port i uses micro-TLB i
     * @param opt        wrapper options
     * A rejected configuration is an SC_REPORT_ERROR under /smmuv3/tlm/config.
     */
    smmuv3_tlm(sc_core::sc_module_name nm, const smmu_config_t& cfg, const timing& t = timing(),
               unsigned num_ports = 1, const tlm_options& opt = tlm_options());
    ~smmuv3_tlm() override;
    smmuv3_tlm(const smmuv3_tlm&) = delete;
    smmuv3_tlm& operator=(const smmuv3_tlm&) = delete;

    const char* kind() const override { return "smmuv3_tlm"; }

    /// The core instance (statistics, smmu_stats_track_stream, direct inspection). Calling
    /// smmu_mmio_write() on it directly bypasses the command thread: call kick_cmdq() after.
    smmu_t* smmu() const { return m_smmu; }
    /// A copy of the core's statistics.
    smmu_stats_t stats() const;
    const tlm_counters& counters() const { return m_counters; }
    unsigned num_ports() const { return m_num_ports; }
    const timing& get_timing() const { return m_timing; }
    const tlm_options& options() const { return m_opts; }
    /// Pulses requested by the core on a line so far (whether or not the pin is bound).
    uint64_t irq_count(smmu_irq_t line) const;

    /// Wake the command thread (after programming the core directly).
    void kick_cmdq();
    /// Complete an ATC invalidation that atc_inv_handler answered SMMU_ATC_PENDING.
    void atc_inv_complete();

    /// Optional: CMD_ATC_INV delivered to an endpoint (default: completes at once).
    std::function<smmu_atc_result_t(const smmu_atc_inv_t&)> atc_inv_handler;
    /// Optional: CMD_PRI_RESP delivered to an endpoint.
    std::function<void(const smmu_pri_resp_t&)> pri_resp_handler;

private:
    struct ds_region {        // downstream DMI (granted or denied) for the SMMU's own accesses
        uint64_t lo, hi;
        unsigned char* ptr;   // nullptr: denied / not read-write
        uint64_t rlat, wlat;  // sc_time values
    };
    struct grant {            // upstream DMI handed out on one port (bounding box per stream)
        uint32_t sid;
        uint64_t va_lo, va_hi, pa_lo, pa_hi;
    };
    struct stall_waiter {
        uint64_t cookie;
        bool done;
        smmu_xlate_t result;
        sc_core::sc_event ev;
    };
    struct irq_line {
        unsigned pending = 0;
        bool level = false;
        uint64_t count = 0;
        sc_core::sc_time rise_at, fall_at, ready_at;
    };

    // sockets
    void reg_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
    unsigned reg_transport_dbg(tlm::tlm_generic_payload& gp);
    void pmcg_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
    unsigned pmcg_transport_dbg(tlm::tlm_generic_payload& gp);
    void b_transport(int port, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
    unsigned transport_dbg(int port, tlm::tlm_generic_payload& gp);
    bool get_direct_mem_ptr(int port, tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi);
    void invalidate_direct_mem_ptr(sc_dt::uint64 lo, sc_dt::uint64 hi);

    // helpers
    bool mmio(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay, bool pmcg, bool dbg);
    bool reject(tlm::tlm_generic_payload& gp, tlm::tlm_response_status st, const char* type,
                const char* why);
    void make_txn(unsigned port, const tlm::tlm_generic_payload& gp, const smmu_ext* ext,
                  smmu_txn_t& t) const;
    void xlate(const smmu_txn_t& t, smmu_xlate_t& x, sc_core::sc_time& delay);
    bool xlate_nowait(const smmu_txn_t& t, smmu_xlate_t& x);
    void add_work(const smmu_xlate_t& x, sc_core::sc_time& delay);
    void transport_slow(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay, smmu_txn_t& t,
                        smmu_xlate_t& x);
    void ats_request(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay, smmu_ext* ext,
                     smmu_txn_t& t);
    bool stall_wait(uint64_t cookie, smmu_xlate_t& x, sc_core::sc_time& delay);
    bool deny_dmi(tlm::tlm_dmi& dmi, uint64_t lo, uint64_t hi);
    void revoke(int scope, uint32_t sid, uint64_t lo, uint64_t hi);
    void update_cycles(const sc_core::sc_time& offset);
    void core_enter();
    void core_leave();
    bool core_busy_elsewhere() const;
    void cmdq_thread();
    void pmcg_thread();
    void irq_method();
    void before_end_of_elaboration() override;

    // host_ops
    smmu_mem_result_t mem_access(tlm::tlm_command cmd, uint64_t pa, void* buf, size_t len,
                                 smmu_access_kind_t kind);
    static smmu_mem_result_t s_mem_read(void* ctx, uint64_t pa, void* buf, size_t len,
                                        const smmu_mem_attr_t* attr);
    static smmu_mem_result_t s_mem_write(void* ctx, uint64_t pa, const void* buf, size_t len,
                                         const smmu_mem_attr_t* attr);
    static smmu_mem_result_t s_mem_cas64(void* ctx, uint64_t pa, uint64_t expected,
                                         uint64_t desired, uint64_t* old,
                                         const smmu_mem_attr_t* attr);
    static uint8_t* s_mem_ptr(void* ctx, uint64_t pa, uint64_t* lo, uint64_t* hi);
    static void s_irq(void* ctx, smmu_irq_t line, bool level);
    static void s_log(void* ctx, smmu_log_t cat, const char* msg);
    static smmu_atc_result_t s_atc_inv(void* ctx, const smmu_atc_inv_t* inv);
    static void s_pri_resp(void* ctx, const smmu_pri_resp_t* resp);
    static void s_stall_done(void* ctx, uint64_t cookie, const smmu_xlate_t* result);
    static void s_invalidated(void* ctx, const smmu_inval_t* scope);
    const ds_region* ds_find(uint64_t pa, size_t len) const;

    smmu_t* m_smmu = nullptr;
    smmu_config_t m_cfg;
    timing m_timing;
    tlm_options m_opts;
    unsigned m_num_ports;
    std::vector<uint32_t> m_default_sid;
    tlm_counters m_counters;

    sc_core::sc_time m_lat[4];     // by smmu_hit_level_t
    uint64_t m_cfg_v, m_level_v, m_httu_v;

    // state of the translation in progress (the core is entered by one process at a time)
    sc_core::sc_time m_offset;     // local time offset of the caller (IRQ pulse timing)
    uint64_t m_mem_delay = 0;      // downstream latency annotated during the core call
    unsigned m_cb_reads = 0;       // structure/descriptor reads that went through mem_read
    bool m_nowait = false;         // debug/DMI context: SMMU accesses use transport_dbg
    uint64_t m_cookie = 0;
    sc_core::sc_process_b* m_core_owner = nullptr;
    unsigned m_core_depth = 0, m_core_waiters = 0;
    sc_core::sc_event m_core_free;

    tlm::tlm_generic_payload m_mem_gp;  // the one payload of SMMU-originated accesses
    tlm::tlm_generic_payload m_dmi_gp;  // DMI requests downstream
    std::vector<ds_region> m_ds;
    unsigned m_ds_next = 0;
    uint64_t m_dmi_rlat = 0;            // largest read latency of the downstream grants
    std::vector<std::vector<grant>> m_grants;  // per port

    std::vector<stall_waiter*> m_waiters;
    std::vector<std::pair<uint64_t, smmu_xlate_t>> m_early_stall_results;

    sc_core::sc_event m_cmdq_ev;
    sc_core::sc_time m_cycle_time;

    irq_line m_irq[SMMU_IRQ_COUNT];
    sc_core::sc_out<bool>* m_irq_pin[SMMU_IRQ_COUNT];
    sc_core::sc_signal<bool> m_irq_sink[SMMU_IRQ_COUNT];  // for pins left unbound
    sc_core::sc_event m_irq_ev;
};

}  // namespace smmuv3
#endif
