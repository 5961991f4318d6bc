// SPDX-License-Identifier: Apache-2.0
// Test harness for the TLM wrapper: a memory target (DMI, configurable latency, fault
// injection, MSI doorbell, access log), a test master, a CPU that runs the test body in a
// SystemC thread and programs the SMMU with the driver model through the register socket,
// an interrupt monitor, and the platform that binds them. One platform (one elaboration)
// per process: every TEST runs in its own process (gtest_discover_tests PRE_TEST).
#ifndef SMMUV3_TESTS_TLM_TLM_HARNESS_H
#define SMMUV3_TESTS_TLM_TLM_HARNESS_H

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "smmu_driver.h"
#include "smmuv3_tlm/smmuv3_tlm.h"

namespace tlmtest {

namespace drv = smmuv3::drv;
using sc_core::sc_time;
using sc_core::SC_NS;
using sc_core::SC_ZERO_TIME;

constexpr uint64_t RAM_BASE = 0x40000000ull, RAM_SIZE = 64ull << 20;
constexpr uint64_t TABLES_SIZE = 16ull << 20;          // the driver's allocations
constexpr uint64_t DATA_PA = RAM_BASE + (32ull << 20);  // DMA buffers
constexpr uint64_t DOORBELL = 0x08000000ull;            // MSI doorbell page (not RAM)
constexpr uint64_t IOVA = 0x10000000ull;
constexpr uint32_t SID = 8;
constexpr uint64_t PAGE = 4096;

// Register offsets used by the tests (IHI 0070 6.2).
constexpr uint64_t R_IDR0 = 0x0, R_IDR1 = 0x4, R_CR0 = 0x20, R_CR0ACK = 0x24, R_CR1 = 0x28,
                   R_GERROR = 0x60, R_GERRORN = 0x64, R_STRTAB_BASE = 0x80, R_CMDQ_PROD = 0x98,
                   R_CMDQ_CONS = 0x9C, R_EVENTQ_PROD = 0x100A8, R_EVENTQ_CONS = 0x100AC;

struct access_rec {
    tlm::tlm_command cmd;
    uint64_t addr;
    unsigned len;
    std::vector<unsigned char> data;
    sc_time when;   // sc_time_stamp() + the delay argument on entry
    int initiator;  // index of the binding
    bool ext;       // carried an smmu_ext
};

/// RAM at RAM_BASE with DMI, latency, fault injection and a doorbell page that records writes.
class test_memory : public sc_core::sc_module {
public:
    tlm_utils::multi_passthrough_target_socket<test_memory> socket;
    std::vector<unsigned char> ram;
    sc_time read_latency{20, SC_NS}, write_latency{20, SC_NS};
    bool dmi_enabled = true;                ///< grant DMI (read-write) for RAM
    sc_time sync_wait = SC_ZERO_TIME;       ///< > 0: b_transport synchronises and waits this
    std::vector<std::pair<uint64_t, uint64_t>> aborts;  ///< accesses overlapping abort
    bool record = true;
    std::vector<access_rec> log;            ///< every b_transport (when record)
    std::vector<access_rec> doorbell;       ///< writes to the doorbell page
    uint64_t transports = 0, debug_transports = 0, dmi_requests = 0;

    explicit test_memory(sc_core::sc_module_name nm);
    unsigned char* at(uint64_t pa) { return &ram[pa - RAM_BASE]; }
    uint64_t read64(uint64_t pa) const;
    void write64(uint64_t pa, uint64_t v);
    /// Accesses overlapping [lo, hi] abort from now on (DMI is revoked over the range).
    void add_abort(uint64_t lo, uint64_t hi);
    /// invalidate_direct_mem_ptr to every bound initiator.
    void invalidate(uint64_t lo, uint64_t hi);
    /// b_transports seen at addresses in [lo, hi] since the log was last cleared.
    size_t count(uint64_t lo, uint64_t hi, int cmd = -1) const;

private:
    bool aborted(uint64_t a, unsigned len) const;
    void b_transport(int id, tlm::tlm_generic_payload& gp, sc_time& delay);
    unsigned transport_dbg(int id, tlm::tlm_generic_payload& gp);
    bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi);
};

/// An upstream master (one per SMMU port). Its calls run in the calling process.
class test_master : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<test_master> socket;
    std::vector<std::pair<uint64_t, uint64_t>> invalidations;  ///< DMI invalidations received

    /// A backward nb_transport call received (the simple target socket's nb -> b conversion
    /// answers BEGIN_REQ with BEGIN_RESP on the backward path).
    struct nb_response {
        tlm::tlm_generic_payload* trans;
        tlm::tlm_phase phase;
        tlm::tlm_response_status status;
    };
    std::vector<nb_response> nb_responses;
    sc_core::sc_event nb_response_ev;  ///< notified on each backward call

    struct result {
        tlm::tlm_response_status status;
        sc_time delay;                    ///< what the SMMU (and memory) annotated
        std::vector<unsigned char> data;
    };
    explicit test_master(sc_core::sc_module_name nm);
    result read(uint64_t addr, unsigned len, const smmuv3::smmu_ext* ext = nullptr);
    result write(uint64_t addr, const std::vector<unsigned char>& data,
                 const smmuv3::smmu_ext* ext = nullptr);
    bool dmi(uint64_t addr, bool write, tlm::tlm_dmi& out, const smmuv3::smmu_ext* ext = nullptr);
    unsigned debug(tlm::tlm_command cmd, uint64_t addr, unsigned char* buf, unsigned len,
                   const smmuv3::smmu_ext* ext = nullptr);
    /// Whether [lo, hi] lies inside a range invalidated so far.
    bool invalidated(uint64_t lo, uint64_t hi) const;

private:
    void invalidate_direct_mem_ptr(sc_dt::uint64 lo, sc_dt::uint64 hi);
    tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& gp, tlm::tlm_phase& phase,
                                       sc_time& delay);
};

/// Runs the test body in a thread; the driver's Bus through the register socket.
class test_cpu : public sc_core::sc_module, public drv::Bus {
public:
    tlm_utils::simple_initiator_socket<test_cpu> reg_socket, pmcg_socket;
    std::function<void()> body;
    bool finished = false;
    sc_time poll{10, SC_NS};

    test_cpu(sc_core::sc_module_name nm, test_memory& m);
    /// A raw access on a register socket; *delay (if given) receives the annotation.
    tlm::tlm_response_status access(tlm::tlm_initiator_socket<>& s, tlm::tlm_command cmd,
                                    uint64_t addr, unsigned char* buf, unsigned len,
                                    sc_time* delay = nullptr);

    // drv::Bus
    uint64_t reg_read(uint64_t off, unsigned size) override;
    void reg_write(uint64_t off, unsigned size, uint64_t val) override;
    void mem_write(uint64_t pa, const void* buf, size_t len) override;
    void mem_read(uint64_t pa, void* buf, size_t len) override;
    void poll_wait() override;

private:
    void run();
    test_memory& m_mem;
};

/// Rising and falling edges of the six interrupt pins.
class irq_monitor : public sc_core::sc_module {
public:
    sc_core::sc_in<bool> in[SMMU_IRQ_COUNT];
    std::vector<sc_time> rises[SMMU_IRQ_COUNT], falls[SMMU_IRQ_COUNT];
    explicit irq_monitor(sc_core::sc_module_name nm);

private:
    void on_change();
};

smmu_config_t default_config(unsigned ports = 1);

/// memory <- smmu <- masters; cpu -> smmu registers; pins -> monitor. Port i's default
/// StreamID is SID + i unless opt.default_stream_ids says otherwise.
class platform {
public:
    explicit platform(const smmu_config_t& cfg = default_config(),
                      const smmuv3::timing& t = smmuv3::timing(), unsigned ports = 1,
                      const smmuv3::tlm_options& opt = smmuv3::tlm_options());
    ~platform();

    test_memory mem;
    smmuv3::smmuv3_tlm smmu;
    test_cpu cpu;
    irq_monitor irqs;
    sc_core::sc_signal<bool> irq_sig[SMMU_IRQ_COUNT];
    std::vector<std::unique_ptr<test_master>> masters;
    drv::PageAllocator pages{RAM_BASE, TABLES_SIZE};
    drv::DriverOptions driver_options;

    test_master& master(unsigned i = 0) { return *masters.at(i); }
    /// The driver model (created on first use with driver_options).
    drv::Driver& driver();
    /// Run the body in the CPU thread until the simulation has nothing left to do.
    void run(std::function<void()> body);

    // Helpers for bodies (call from the CPU thread).
    /// init (once), an S1 domain for sid, attached, with [iova, iova+bytes) -> pa mapped.
    drv::Domain* setup_s1(uint32_t sid = SID, uint64_t iova = IOVA, uint64_t pa = DATA_PA,
                          uint64_t bytes = 16 * PAGE,
                          unsigned prot = drv::PROT_READ | drv::PROT_WRITE);
    uint64_t ste_addr(uint32_t sid);  ///< linear stream table
    /// Read-modify-write one dword of a structure in memory (backdoor): clear, then set.
    void modify(uint64_t pa, uint64_t set, uint64_t clear);
    /// PA of the leaf descriptor of va (4K granule, 48-bit), 0 if not mapped.
    uint64_t pte_addr(const drv::Domain* d, uint64_t va);
    /// PA of the level-3 table that holds va's leaf.
    uint64_t l3_table(const drv::Domain* d, uint64_t va);
    std::vector<drv::Event> events() { return driver().events(); }
    smmu_stats_t stats() const { return smmu.stats(); }

private:
    std::unique_ptr<drv::Driver> m_drv;
    bool m_init = false;
};

/// Number of SC_REPORT messages of this type so far.
unsigned reports(const char* msg_type);

}  // namespace tlmtest
#endif
