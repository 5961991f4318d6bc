// SPDX-License-Identifier: Apache-2.0
// Benchmarks of the SystemC TLM wrapper. Each SMMU path has its floor in the same run: the
// same read bound straight to the same memory target (docs/tlm.md gives the targets):
//   BM_Tlm_Smmu_Read8_UtlbHit / BM_Tlm_Direct_Read8_SamePage     (one page, micro-TLB hit)
//   BM_Tlm_Smmu_Read8_IotlbHit / BM_Tlm_Direct_Read8_Pages/256   (micro-TLB miss, IOTLB hit)
//   BM_Tlm_Smmu_Read8_IotlbHit_NoUtlb / the same                 (IOTLB hit, no micro-TLB)
//   BM_Tlm_Smmu_Read8_Walk4 / BM_Tlm_Direct_Read8_Pages/4096     (4-level walk every time)
// One elaboration for the whole binary: the platform is built on first use and stays.
#include <benchmark/benchmark.h>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstring>
#include <memory>
#include <vector>

#include "smmu_driver.h"
#include "smmuv3_tlm/smmuv3_tlm.h"

namespace {

using namespace sc_core;
namespace drv = smmuv3::drv;

constexpr uint64_t kRamBase = 0x40000000, kRamSize = 64ull << 20;
constexpr uint64_t kDataBase = kRamBase + (32ull << 20);
constexpr uint64_t kIova = 0x10000000;
constexpr uint32_t kPages = 4096;

// A plain RAM target with DMI and a latency annotation (what a platform's memory does).
struct bench_memory : sc_module {
    tlm_utils::multi_passthrough_target_socket<bench_memory> socket{"socket"};
    std::vector<unsigned char> mem = std::vector<unsigned char>(kRamSize);
    sc_time latency{10, SC_NS};

    explicit bench_memory(sc_module_name nm) : sc_module(nm)
    {
        socket.register_b_transport(this, &bench_memory::b_transport);
        socket.register_transport_dbg(this, &bench_memory::transport_dbg);
        socket.register_get_direct_mem_ptr(this, &bench_memory::get_direct_mem_ptr);
    }
    void b_transport(int, tlm::tlm_generic_payload& gp, sc_time& delay)
    {
        const uint64_t a = gp.get_address();
        const unsigned len = gp.get_data_length();
        if (a < kRamBase || a - kRamBase + len > kRamSize) {
            gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        unsigned char* p = &mem[a - kRamBase];
        if (gp.is_read())
            std::memcpy(gp.get_data_ptr(), p, len);
        else if (gp.is_write())
            std::memcpy(p, gp.get_data_ptr(), len);
        gp.set_dmi_allowed(true);
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
        delay += latency;
    }
    unsigned transport_dbg(int, tlm::tlm_generic_payload& gp)
    {
        sc_time d;
        b_transport(0, gp, d);
        return gp.is_response_ok() ? gp.get_data_length() : 0;
    }
    bool get_direct_mem_ptr(int, tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi)
    {
        dmi.set_dmi_ptr(mem.data());
        dmi.set_start_address(kRamBase);
        dmi.set_end_address(kRamBase + kRamSize - 1);
        dmi.allow_read_write();
        dmi.set_read_latency(latency);
        dmi.set_write_latency(latency);
        return true;
    }
};

struct bench_initiator : sc_module {
    tlm_utils::simple_initiator_socket<bench_initiator> socket{"socket"};
    explicit bench_initiator(sc_module_name nm) : sc_module(nm) {}
};

// The driver's view: the core's registers directly (commands are consumed synchronously,
// tlm_options::timed_cmdq = false), tables through the RAM backdoor.
struct core_bus : drv::Bus {
    smmuv3::smmuv3_tlm& smmu;
    bench_memory& ram;
    core_bus(smmuv3::smmuv3_tlm& s, bench_memory& r) : smmu(s), ram(r) {}
    uint64_t reg_read(uint64_t off, unsigned size) override
    {
        uint64_t v = 0;
        smmu_mmio_read(smmu.smmu(), off, size, &v);
        return v;
    }
    void reg_write(uint64_t off, unsigned size, uint64_t val) override
    {
        smmu_mmio_write(smmu.smmu(), off, size, val);
    }
    void mem_write(uint64_t pa, const void* b, size_t n) override
    {
        std::memcpy(&ram.mem[pa - kRamBase], b, n);
    }
    void mem_read(uint64_t pa, void* b, size_t n) override
    {
        std::memcpy(b, &ram.mem[pa - kRamBase], n);
    }
};

smmu_config_t no_utlb_config()
{
    smmu_config_t c = smmu_config_default();
    c.utlb.entries = 0; // hits come from the IOTLB, with no micro-TLB refill
    return c;
}

smmu_config_t walk_config()
{
    smmu_config_t c = smmu_config_default();
    c.walk_s1.entries = 0; // every level read from memory
    c.walk_s2.entries = 0;
    return c;
}

struct rig {
    bench_memory ram{"ram"};
    smmuv3::smmuv3_tlm smmu_hit, smmu_noutlb, smmu_walk;
    bench_initiator direct{"direct"}, via_hit{"via_hit"}, via_noutlb{"via_noutlb"},
        via_walk{"via_walk"};

    static smmuv3::tlm_options opts()
    {
        smmuv3::tlm_options o;
        o.timed_cmdq = false;
        o.default_stream_ids = {8};
        return o;
    }
    rig()
        : smmu_hit("smmu_hit", smmu_config_default(), smmuv3::timing(), 1, opts()),
          smmu_noutlb("smmu_noutlb", no_utlb_config(), smmuv3::timing(), 1, opts()),
          smmu_walk("smmu_walk", walk_config(), smmuv3::timing(), 1, opts())
    {
        for (smmuv3::smmuv3_tlm* s : {&smmu_hit, &smmu_noutlb, &smmu_walk})
            s->downstream_socket.bind(ram.socket);
        direct.socket.bind(ram.socket);
        via_hit.socket.bind(smmu_hit.upstream_socket[0]);
        via_noutlb.socket.bind(smmu_noutlb.upstream_socket[0]);
        via_walk.socket.bind(smmu_walk.upstream_socket[0]);
        sc_start(SC_ZERO_TIME); // end of elaboration: the sockets are bound
        program(smmu_hit, kRamBase);
        program(smmu_noutlb, kRamBase + (5ull << 20));
        program(smmu_walk, kRamBase + (10ull << 20));
    }
    // StreamID 8: [kIova, + kPages pages) -> [kDataBase, ...), 4 KB pages, 4-level tables.
    void program(smmuv3::smmuv3_tlm& s, uint64_t tables)
    {
        core_bus bus(s, ram);
        drv::PageAllocator pages(tables, 5ull << 20);
        drv::Driver d(bus, pages);
        d.init();
        drv::Domain* dom = d.new_s1_domain(1);
        d.attach(8, dom);
        d.map(dom, kIova, kDataBase, uint64_t{kPages} << 12, drv::PROT_READ | drv::PROT_WRITE);
        // the driver's private memory is freed with it; the tables stay in RAM
    }
};

rig& the_rig()
{
    static std::unique_ptr<rig> r;
    if (!r) {
        setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
        r.reset(new rig());
    }
    return *r;
}

// 8-byte reads through `s`, one payload reused (as initiators do), addresses from a table.
void read_loop(benchmark::State& st, tlm_utils::simple_initiator_socket<bench_initiator>& s,
               const std::vector<uint64_t>& addrs)
{
    tlm::tlm_generic_payload gp;
    unsigned char buf[8];
    gp.set_command(tlm::TLM_READ_COMMAND);
    gp.set_data_ptr(buf);
    gp.set_data_length(8);
    gp.set_streaming_width(8);
    sc_time delay = SC_ZERO_TIME;
    size_t i = 0;
    const size_t n = addrs.size();
    uint64_t sum = 0;
    for (auto _ : st) {
        gp.set_address(addrs[i]);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        s->b_transport(gp, delay);
        sum += buf[0];
        if (++i == n)
            i = 0;
    }
    benchmark::DoNotOptimize(sum);
    if (!gp.is_response_ok())
        st.SkipWithError("transaction failed");
}

// Untimed reads of every address once (fills the TLBs).
void warm(tlm_utils::simple_initiator_socket<bench_initiator>& s, const std::vector<uint64_t>& a)
{
    tlm::tlm_generic_payload gp;
    unsigned char buf[8];
    gp.set_command(tlm::TLM_READ_COMMAND);
    gp.set_data_ptr(buf);
    gp.set_data_length(8);
    gp.set_streaming_width(8);
    for (uint64_t addr : a) {
        sc_time d = SC_ZERO_TIME;
        gp.set_address(addr);
        s->b_transport(gp, d);
    }
}

std::vector<uint64_t> pages(uint64_t base, uint32_t n)
{
    std::vector<uint64_t> v(n);
    for (uint32_t p = 0; p < n; p++)
        v[p] = base + (uint64_t{p} << 12) + 0x40;
    return v;
}

void BM_Tlm_Direct_Read8_SamePage(benchmark::State& st)
{
    read_loop(st, the_rig().direct.socket, {kDataBase + 0x40, kDataBase + 0x80});
}
BENCHMARK(BM_Tlm_Direct_Read8_SamePage);

void BM_Tlm_Smmu_Read8_UtlbHit(benchmark::State& st)
{
    rig& r = the_rig();
    smmu_stats_t s0 = r.smmu_hit.stats();
    read_loop(st, r.via_hit.socket, {kIova + 0x40, kIova + 0x80});
    smmu_stats_t s1 = r.smmu_hit.stats();
    st.counters["walks"] = double(s1.walks - s0.walks);
}
BENCHMARK(BM_Tlm_Smmu_Read8_UtlbHit);

void BM_Tlm_Direct_Read8_Pages(benchmark::State& st)
{
    read_loop(st, the_rig().direct.socket, pages(kDataBase, static_cast<uint32_t>(st.range(0))));
}
BENCHMARK(BM_Tlm_Direct_Read8_Pages)->Arg(256)->Arg(4096);

// 256 pages: beyond the 32-entry micro-TLB, within the 2048-entry IOTLB.
void BM_Tlm_Smmu_Read8_IotlbHit(benchmark::State& st)
{
    rig& r = the_rig();
    auto a = pages(kIova, 256);
    warm(r.via_hit.socket, a);
    smmu_stats_t s0 = r.smmu_hit.stats();
    read_loop(st, r.via_hit.socket, a);
    smmu_stats_t s1 = r.smmu_hit.stats();
    const double n = double(s1.translations - s0.translations);
    st.counters["iotlb_hit_rate"] = n ? double(s1.iotlb.hits - s0.iotlb.hits) / n : 0;
}
BENCHMARK(BM_Tlm_Smmu_Read8_IotlbHit);

// The same with the micro-TLB off: IOTLB hits without the micro-TLB refill.
void BM_Tlm_Smmu_Read8_IotlbHit_NoUtlb(benchmark::State& st)
{
    rig& r = the_rig();
    auto a = pages(kIova, 256);
    warm(r.via_noutlb.socket, a);
    smmu_stats_t s0 = r.smmu_noutlb.stats();
    read_loop(st, r.via_noutlb.socket, a);
    smmu_stats_t s1 = r.smmu_noutlb.stats();
    const double n = double(s1.translations - s0.translations);
    st.counters["iotlb_hit_rate"] = n ? double(s1.iotlb.hits - s0.iotlb.hits) / n : 0;
}
BENCHMARK(BM_Tlm_Smmu_Read8_IotlbHit_NoUtlb);

// 4096 pages cycled through a 2048-entry LRU IOTLB: every read misses and walks 4 levels
// (walk caches off); the configuration comes from the configuration cache.
void BM_Tlm_Smmu_Read8_Walk4(benchmark::State& st)
{
    rig& r = the_rig();
    smmu_stats_t s0 = r.smmu_walk.stats();
    read_loop(st, r.via_walk.socket, pages(kIova, kPages));
    smmu_stats_t s1 = r.smmu_walk.stats();
    const double n = double(s1.translations - s0.translations);
    st.counters["reads_per_xlate"] = n ? double(s1.walk_reads_s1 - s0.walk_reads_s1) / n : 0;
    st.counters["walks_per_xlate"] = n ? double(s1.walks - s0.walks) / n : 0;
}
BENCHMARK(BM_Tlm_Smmu_Read8_Walk4);

}  // namespace

// libsystemc provides a main() that calls sc_main(); this binary's main is Google
// Benchmark's, so sc_main only satisfies the library's reference and is never called.
int sc_main(int, char*[])
{
    return 0;
}
