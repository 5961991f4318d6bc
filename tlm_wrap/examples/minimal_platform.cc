// SPDX-License-Identifier: Apache-2.0
// A minimal virtual platform around smmuv3::smmuv3_tlm (docs/tlm.md walks through it):
//
//   cpu.reg_socket ----------------------> smmu.reg_socket
//   dma.socket ---> smmu.upstream_socket[0]
//                   smmu.downstream_socket --> ram.socket
//   smmu.irq_eventq --> irq_eventq signal --> cpu (counts event interrupts)
//
// The CPU thread programs the SMMU with the driver model (platforms/driver), through the
// register socket, and builds its tables in RAM through a backdoor. A DMA engine then copies
// a buffer through the SMMU (StreamID 0x10 in the smmu_ext extension), and touches an
// unmapped page: the transaction gets an error response and an F_TRANSLATION event.
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "smmu_driver.h"
#include "smmuv3_tlm/smmuv3_tlm.h"

using namespace sc_core;

namespace {

constexpr uint64_t RAM_BASE = 0x40000000, RAM_SIZE = 64 << 20;
constexpr uint64_t SRC_PA = RAM_BASE + (32 << 20), DST_PA = RAM_BASE + (40 << 20);
constexpr uint64_t SRC_IOVA = 0x10000000, DST_IOVA = 0x20000000, BYTES = 64 << 10;
constexpr uint32_t DMA_SID = 0x10;

// RAM with DMI and a fixed access latency.
struct ram : sc_module {
    tlm_utils::simple_target_socket<ram> socket{"socket"};
    std::vector<unsigned char> mem = std::vector<unsigned char>(RAM_SIZE);
    sc_time latency{20, SC_NS};

    explicit ram(sc_module_name nm) : sc_module(nm)
    {
        socket.register_b_transport(this, &ram::b_transport);
        socket.register_transport_dbg(this, &ram::transport_dbg);
        socket.register_get_direct_mem_ptr(this, &ram::get_direct_mem_ptr);
    }
    bool in_range(const tlm::tlm_generic_payload& gp) const
    {
        return gp.get_address() >= RAM_BASE &&
               gp.get_address() - RAM_BASE + gp.get_data_length() <= RAM_SIZE;
    }
    void b_transport(tlm::tlm_generic_payload& gp, sc_time& delay)
    {
        if (!in_range(gp)) {
            gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        transport_dbg(gp);
        gp.set_dmi_allowed(true);
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
        delay += latency;
    }
    unsigned transport_dbg(tlm::tlm_generic_payload& gp)
    {
        if (!in_range(gp))
            return 0;
        unsigned char* p = &mem[gp.get_address() - RAM_BASE];
        if (gp.is_read())
            std::memcpy(gp.get_data_ptr(), p, gp.get_data_length());
        else if (gp.is_write())
            std::memcpy(p, gp.get_data_ptr(), gp.get_data_length());
        return gp.get_data_length();
    }
    bool get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi)
    {
        dmi.set_dmi_ptr(mem.data());
        dmi.set_start_address(RAM_BASE);
        dmi.set_end_address(RAM_BASE + RAM_SIZE - 1);
        dmi.allow_read_write();
        dmi.set_read_latency(latency);
        dmi.set_write_latency(latency);
        return true;
    }
};

// The driver model's view of the platform: registers through the SMMU's register socket,
// table memory through the RAM backdoor, time passing while it polls.
struct cpu_bus : smmuv3::drv::Bus {
    tlm::tlm_initiator_socket<>& socket;
    ram& r;
    cpu_bus(tlm::tlm_initiator_socket<>& s, ram& m) : socket(s), r(m) {}

    uint64_t access(tlm::tlm_command cmd, uint64_t off, unsigned size, uint64_t val)
    {
        tlm::tlm_generic_payload gp;
        unsigned char b[8] = {};
        std::memcpy(b, &val, size); // little-endian host
        gp.set_command(cmd);
        gp.set_address(off);
        gp.set_data_ptr(b);
        gp.set_data_length(size);
        gp.set_streaming_width(size);
        sc_time delay = SC_ZERO_TIME;
        socket->b_transport(gp, delay);
        wait(delay);
        if (!gp.is_response_ok())
            throw smmuv3::drv::DriverError("register access failed");
        uint64_t v = 0;
        std::memcpy(&v, b, size);
        return v;
    }
    uint64_t reg_read(uint64_t off, unsigned size) override
    {
        return access(tlm::TLM_READ_COMMAND, off, size, 0);
    }
    void reg_write(uint64_t off, unsigned size, uint64_t val) override
    {
        access(tlm::TLM_WRITE_COMMAND, off, size, val);
    }
    void mem_write(uint64_t pa, const void* buf, size_t len) override
    {
        std::memcpy(&r.mem[pa - RAM_BASE], buf, len);
    }
    void mem_read(uint64_t pa, void* buf, size_t len) override
    {
        std::memcpy(buf, &r.mem[pa - RAM_BASE], len);
    }
    void poll_wait() override { wait(10, SC_NS); }
};

// A DMA engine: copies BYTES from SRC_IOVA to DST_IOVA in 256-byte bursts.
struct dma : sc_module {
    tlm_utils::simple_initiator_socket<dma> socket{"socket"};
    sc_event go;
    unsigned errors = 0;
    tlm::tlm_response_status unmapped = tlm::TLM_INCOMPLETE_RESPONSE;

    explicit dma(sc_module_name nm) : sc_module(nm)
    {
        SC_HAS_PROCESS(dma);
        SC_THREAD(run);
    }
    tlm::tlm_response_status xfer(tlm::tlm_command cmd, uint64_t iova, unsigned char* buf,
                                  unsigned len, sc_time& delay)
    {
        smmuv3::smmu_ext ext;
        ext.stream_id = DMA_SID;
        tlm::tlm_generic_payload gp;
        gp.set_command(cmd);
        gp.set_address(iova);
        gp.set_data_ptr(buf);
        gp.set_data_length(len);
        gp.set_streaming_width(len);
        gp.set_extension(&ext);
        socket->b_transport(gp, delay);
        gp.clear_extension(&ext); // ext lives on the stack
        return gp.get_response_status();
    }
    void run()
    {
        wait(go);
        unsigned char buf[256];
        sc_time delay = SC_ZERO_TIME; // temporal decoupling: sync every 1 us
        for (uint64_t off = 0; off < BYTES; off += sizeof buf) {
            if (xfer(tlm::TLM_READ_COMMAND, SRC_IOVA + off, buf, sizeof buf, delay) !=
                    tlm::TLM_OK_RESPONSE ||
                xfer(tlm::TLM_WRITE_COMMAND, DST_IOVA + off, buf, sizeof buf, delay) !=
                    tlm::TLM_OK_RESPONSE)
                errors++;
            if (delay > sc_time(1, SC_US)) {
                wait(delay);
                delay = SC_ZERO_TIME;
            }
        }
        unmapped = xfer(tlm::TLM_READ_COMMAND, SRC_IOVA + BYTES, buf, 8, delay);
        wait(delay);
    }
};

struct cpu : sc_module {
    tlm_utils::simple_initiator_socket<cpu> reg_socket{"reg_socket"};
    sc_in<bool> irq_eventq{"irq_eventq"};
    ram& r;
    dma& d;
    unsigned event_irqs = 0;
    std::vector<smmuv3::drv::Event> events;
    bool done = false;

    cpu(sc_module_name nm, ram& rm, dma& dm) : sc_module(nm), r(rm), d(dm)
    {
        SC_HAS_PROCESS(cpu);
        SC_THREAD(run);
        SC_METHOD(on_irq);
        sensitive << irq_eventq.pos();
        dont_initialize();
    }
    void on_irq() { event_irqs++; }
    void run()
    {
        cpu_bus bus(reg_socket, r);
        smmuv3::drv::PageAllocator pages(RAM_BASE, 16 << 20);
        smmuv3::drv::Driver drv(bus, pages);
        drv.init();
        smmuv3::drv::Domain* dom = drv.new_s1_domain(1);
        drv.attach(DMA_SID, dom);
        drv.map(dom, SRC_IOVA, SRC_PA, BYTES, smmuv3::drv::PROT_READ);
        drv.map(dom, DST_IOVA, DST_PA, BYTES, smmuv3::drv::PROT_READ | smmuv3::drv::PROT_WRITE);
        for (uint64_t i = 0; i < BYTES; i++)
            r.mem[SRC_PA - RAM_BASE + i] = static_cast<unsigned char>(i * 7);
        std::printf("%s: SMMU programmed at %s\n", name(), sc_time_stamp().to_string().c_str());
        d.go.notify();
        wait(100, SC_US);
        events = drv.events();
        done = true;
    }
};

} // namespace

int sc_main(int, char*[])
{
    ram mem("ram");
    dma engine("dma");
    cpu host("cpu", mem, engine);
    smmu_config_t cfg = smmu_config_default();
    smmuv3::smmuv3_tlm smmu("smmu", cfg);   // default timing, one upstream port
    sc_signal<bool> irq_eventq("irq_eventq_sig");

    host.reg_socket.bind(smmu.reg_socket);
    engine.socket.bind(smmu.upstream_socket[0]);
    smmu.downstream_socket.bind(mem.socket);
    smmu.irq_eventq.bind(irq_eventq);
    host.irq_eventq.bind(irq_eventq);

    sc_start();

    bool copied = std::memcmp(&mem.mem[SRC_PA - RAM_BASE], &mem.mem[DST_PA - RAM_BASE], BYTES) == 0;
    smmu_stats_t st = smmu.stats();
    std::printf("copied %llu bytes: %s, %u DMA errors\n", static_cast<unsigned long long>(BYTES),
                copied ? "ok" : "MISMATCH", engine.errors);
    std::printf("translations %llu, IOTLB hits %llu, walks %llu, commands %llu\n",
                static_cast<unsigned long long>(st.translations),
                static_cast<unsigned long long>(st.iotlb.hits),
                static_cast<unsigned long long>(st.walks),
                static_cast<unsigned long long>(st.commands));
    std::printf("unmapped read: %s; events: %zu (first type 0x%x); EVENTQ interrupts: %u\n",
                engine.unmapped == tlm::TLM_ADDRESS_ERROR_RESPONSE ? "address error" : "??",
                host.events.size(), host.events.empty() ? 0u : host.events[0].type(),
                host.event_irqs);
    bool ok = host.done && copied && engine.errors == 0 &&
              engine.unmapped == tlm::TLM_ADDRESS_ERROR_RESPONSE && host.events.size() == 1 &&
              host.events[0].type() == 0x10 /* F_TRANSLATION */ && host.event_irqs == 1;
    std::printf("%s\n", ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}
