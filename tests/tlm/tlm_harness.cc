// SPDX-License-Identifier: Apache-2.0
#include "tlm_harness.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <string>

namespace tlmtest {

using namespace sc_core;

// ---------------------------------------------------------------------------------------
// test_memory
// ---------------------------------------------------------------------------------------

test_memory::test_memory(sc_module_name nm) : sc_module(nm), socket("socket"), ram(RAM_SIZE)
{
    socket.register_b_transport(this, &test_memory::b_transport);
    socket.register_transport_dbg(this, &test_memory::transport_dbg);
    socket.register_get_direct_mem_ptr(this, &test_memory::get_direct_mem_ptr);
}

uint64_t test_memory::read64(uint64_t pa) const
{
    uint64_t v;
    std::memcpy(&v, &ram[pa - RAM_BASE], 8);
    return v;
}

void test_memory::write64(uint64_t pa, uint64_t v)
{
    std::memcpy(&ram[pa - RAM_BASE], &v, 8);
}

void test_memory::add_abort(uint64_t lo, uint64_t hi)
{
    aborts.emplace_back(lo, hi);
    invalidate(lo, hi);
}

void test_memory::invalidate(uint64_t lo, uint64_t hi)
{
    for (unsigned i = 0; i < socket.size(); i++)
        socket[i]->invalidate_direct_mem_ptr(lo, hi);
}

size_t test_memory::count(uint64_t lo, uint64_t hi, int cmd) const
{
    return static_cast<size_t>(std::count_if(log.begin(), log.end(), [&](const access_rec& r) {
        return r.addr >= lo && r.addr <= hi && (cmd < 0 || static_cast<int>(r.cmd) == cmd);
    }));
}

bool test_memory::aborted(uint64_t a, unsigned len) const
{
    for (const auto& r : aborts)
        if (a <= r.second && r.first <= a + len - 1)
            return true;
    return a < RAM_BASE || a + len > RAM_BASE + RAM_SIZE || a + len < a;
}

void test_memory::b_transport(int id, tlm::tlm_generic_payload& gp, sc_time& delay)
{
    transports++;
    const uint64_t a = gp.get_address();
    const unsigned len = gp.get_data_length();
    if (record) {
        access_rec r{gp.get_command(), a, len, {}, sc_time_stamp() + delay, id,
                     gp.get_extension<smmuv3::smmu_ext>() != nullptr};
        if (gp.is_write())
            r.data.assign(gp.get_data_ptr(), gp.get_data_ptr() + len);
        log.push_back(std::move(r));
    }
    if (sync_wait != SC_ZERO_TIME) {
        wait(delay + sync_wait); // a target that synchronises (legal in LT)
        delay = SC_ZERO_TIME;
    }
    if (a >= DOORBELL && a + len <= DOORBELL + PAGE && gp.is_write()) {
        doorbell.push_back(access_rec{gp.get_command(), a, len,
                                      {gp.get_data_ptr(), gp.get_data_ptr() + len},
                                      sc_time_stamp() + delay, id, false});
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    if (aborted(a, len) || gp.get_streaming_width() < len) {
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    unsigned char* p = at(a);
    const unsigned char* be = gp.get_byte_enable_ptr();
    const unsigned bl = gp.get_byte_enable_length();
    for (unsigned i = 0; i < len; i++) {
        if (be && be[i % bl] != TLM_BYTE_ENABLED)
            continue;
        if (gp.is_read())
            gp.get_data_ptr()[i] = p[i];
        else if (gp.is_write())
            p[i] = gp.get_data_ptr()[i];
    }
    delay += gp.is_write() ? write_latency : read_latency;
    gp.set_dmi_allowed(dmi_enabled);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned test_memory::transport_dbg(int, tlm::tlm_generic_payload& gp)
{
    debug_transports++;
    const uint64_t a = gp.get_address();
    const unsigned len = gp.get_data_length();
    if (aborted(a, len))
        return 0;
    if (gp.is_read())
        std::memcpy(gp.get_data_ptr(), at(a), len);
    else if (gp.is_write())
        std::memcpy(at(a), gp.get_data_ptr(), len);
    return len;
}

// The largest region around the address that avoids every abort range.
bool test_memory::get_direct_mem_ptr(int, tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi)
{
    dmi_requests++;
    const uint64_t a = gp.get_address();
    uint64_t lo = RAM_BASE, hi = RAM_BASE + RAM_SIZE - 1;
    if (!dmi_enabled || a < lo || a > hi)
        return false; // the default range of the dmi object: everything
    for (const auto& r : aborts) {
        if (a >= r.first && a <= r.second) {
            dmi.set_start_address(r.first);
            dmi.set_end_address(r.second);
            return false;
        }
        if (r.first > a)
            hi = std::min(hi, r.first - 1);
        else if (r.second < a)
            lo = std::max(lo, r.second + 1);
    }
    dmi.set_dmi_ptr(at(lo));
    dmi.set_start_address(lo);
    dmi.set_end_address(hi);
    dmi.allow_read_write();
    dmi.set_read_latency(read_latency);
    dmi.set_write_latency(write_latency);
    return true;
}

// ---------------------------------------------------------------------------------------
// test_master
// ---------------------------------------------------------------------------------------

test_master::test_master(sc_module_name nm) : sc_module(nm), socket("socket")
{
    socket.register_invalidate_direct_mem_ptr(this, &test_master::invalidate_direct_mem_ptr);
    socket.register_nb_transport_bw(this, &test_master::nb_transport_bw);
}

// Records the response and completes the transaction (no END_RESP call needed).
tlm::tlm_sync_enum test_master::nb_transport_bw(tlm::tlm_generic_payload& gp,
                                                tlm::tlm_phase& phase, sc_time&)
{
    nb_responses.push_back(nb_response{&gp, phase, gp.get_response_status()});
    nb_response_ev.notify(SC_ZERO_TIME);
    return tlm::TLM_COMPLETED;
}

void test_master::invalidate_direct_mem_ptr(sc_dt::uint64 lo, sc_dt::uint64 hi)
{
    invalidations.emplace_back(lo, hi);
}

bool test_master::invalidated(uint64_t lo, uint64_t hi) const
{
    for (const auto& r : invalidations)
        if (r.first <= lo && hi <= r.second)
            return true;
    return false;
}

namespace {
tlm::tlm_response_status transport(tlm_utils::simple_initiator_socket<test_master>& s,
                                   tlm::tlm_command cmd, uint64_t addr, unsigned char* buf,
                                   unsigned len, const smmuv3::smmu_ext* ext, sc_time& delay)
{
    tlm::tlm_generic_payload gp;
    smmuv3::smmu_ext e;
    gp.set_command(cmd);
    gp.set_address(addr);
    gp.set_data_ptr(buf);
    gp.set_data_length(len);
    gp.set_streaming_width(len);
    if (ext) {
        e = *ext;
        gp.set_extension(&e);
    }
    s->b_transport(gp, delay);
    if (ext)
        gp.clear_extension(&e);
    return gp.get_response_status();
}
}  // namespace

test_master::result test_master::read(uint64_t addr, unsigned len, const smmuv3::smmu_ext* ext)
{
    result r{tlm::TLM_INCOMPLETE_RESPONSE, SC_ZERO_TIME, std::vector<unsigned char>(len, 0xA5)};
    r.status = transport(socket, tlm::TLM_READ_COMMAND, addr, r.data.data(), len, ext, r.delay);
    return r;
}

test_master::result test_master::write(uint64_t addr, const std::vector<unsigned char>& data,
                                       const smmuv3::smmu_ext* ext)
{
    result r{tlm::TLM_INCOMPLETE_RESPONSE, SC_ZERO_TIME, data};
    r.status = transport(socket, tlm::TLM_WRITE_COMMAND, addr, r.data.data(),
                         static_cast<unsigned>(data.size()), ext, r.delay);
    return r;
}

bool test_master::dmi(uint64_t addr, bool write, tlm::tlm_dmi& out, const smmuv3::smmu_ext* ext)
{
    tlm::tlm_generic_payload gp;
    smmuv3::smmu_ext e;
    gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    gp.set_address(addr);
    if (ext) {
        e = *ext;
        gp.set_extension(&e);
    }
    bool ok = socket->get_direct_mem_ptr(gp, out);
    if (ext)
        gp.clear_extension(&e);
    return ok;
}

unsigned test_master::debug(tlm::tlm_command cmd, uint64_t addr, unsigned char* buf,
                            unsigned len, const smmuv3::smmu_ext* ext)
{
    tlm::tlm_generic_payload gp;
    smmuv3::smmu_ext e;
    gp.set_command(cmd);
    gp.set_address(addr);
    gp.set_data_ptr(buf);
    gp.set_data_length(len);
    if (ext) {
        e = *ext;
        gp.set_extension(&e);
    }
    unsigned n = socket->transport_dbg(gp);
    if (ext)
        gp.clear_extension(&e);
    return n;
}

// ---------------------------------------------------------------------------------------
// test_cpu
// ---------------------------------------------------------------------------------------

test_cpu::test_cpu(sc_module_name nm, test_memory& m)
    : sc_module(nm), reg_socket("reg_socket"), pmcg_socket("pmcg_socket"), m_mem(m)
{
    SC_HAS_PROCESS(test_cpu);
    SC_THREAD(run);
}

void test_cpu::run()
{
    try {
        if (body)
            body();
        finished = true;
    } catch (const std::exception& e) {
        ADD_FAILURE() << "exception in the test body: " << e.what();
    }
}

tlm::tlm_response_status test_cpu::access(tlm::tlm_initiator_socket<>& s, tlm::tlm_command cmd,
                                          uint64_t addr, unsigned char* buf, unsigned len,
                                          sc_time* delay)
{
    tlm::tlm_generic_payload gp;
    gp.set_command(cmd);
    gp.set_address(addr);
    gp.set_data_ptr(buf);
    gp.set_data_length(len);
    gp.set_streaming_width(len);
    sc_time d = SC_ZERO_TIME;
    s->b_transport(gp, d);
    if (delay)
        *delay = d;
    wait(d);
    return gp.get_response_status();
}

uint64_t test_cpu::reg_read(uint64_t off, unsigned size)
{
    unsigned char b[8] = {};
    if (access(reg_socket, tlm::TLM_READ_COMMAND, off, b, size) != tlm::TLM_OK_RESPONSE)
        throw drv::DriverError("register read failed at " + std::to_string(off));
    uint64_t v = 0;
    std::memcpy(&v, b, size);
    return v;
}

void test_cpu::reg_write(uint64_t off, unsigned size, uint64_t val)
{
    unsigned char b[8];
    std::memcpy(b, &val, 8);
    if (access(reg_socket, tlm::TLM_WRITE_COMMAND, off, b, size) != tlm::TLM_OK_RESPONSE)
        throw drv::DriverError("register write failed at " + std::to_string(off));
}

void test_cpu::mem_write(uint64_t pa, const void* buf, size_t len)
{
    std::memcpy(m_mem.at(pa), buf, len);
}

void test_cpu::mem_read(uint64_t pa, void* buf, size_t len)
{
    std::memcpy(buf, m_mem.at(pa), len);
}

void test_cpu::poll_wait()
{
    wait(poll);
}

// ---------------------------------------------------------------------------------------
// irq_monitor
// ---------------------------------------------------------------------------------------

irq_monitor::irq_monitor(sc_module_name nm) : sc_module(nm)
{
    SC_HAS_PROCESS(irq_monitor);
    SC_METHOD(on_change);
    for (auto& p : in)
        sensitive << p;
    dont_initialize();
}

void irq_monitor::on_change()
{
    for (unsigned i = 0; i < SMMU_IRQ_COUNT; i++)
        if (in[i].event())
            (in[i].read() ? rises[i] : falls[i]).push_back(sc_time_stamp());
}

// ---------------------------------------------------------------------------------------
// platform
// ---------------------------------------------------------------------------------------

smmu_config_t default_config(unsigned ports)
{
    smmu_config_t c = smmu_config_default();
    c.num_ports = static_cast<uint16_t>(ports < 1 ? 1 : ports);
    return c;
}

namespace {
// Unless the test says otherwise, port i's default StreamID is SID + i.
smmuv3::tlm_options with_default_sids(smmuv3::tlm_options o, unsigned ports)
{
    for (unsigned i = static_cast<unsigned>(o.default_stream_ids.size()); i < ports; i++)
        o.default_stream_ids.push_back(SID + i);
    return o;
}
}  // namespace

platform::platform(const smmu_config_t& cfg, const smmuv3::timing& t, unsigned ports,
                   const smmuv3::tlm_options& opt)
    : mem("mem"), smmu("smmu", cfg, t, ports, with_default_sids(opt, ports)), cpu("cpu", mem),
      irqs("irqs")
{
    smmu.downstream_socket.bind(mem.socket);
    cpu.reg_socket.bind(smmu.reg_socket);
    cpu.pmcg_socket.bind(smmu.pmcg_socket);
    sc_out<bool>* pins[SMMU_IRQ_COUNT] = {&smmu.irq_eventq, &smmu.irq_priq, &smmu.irq_cmd_sync,
                                          &smmu.irq_gerror, &smmu.irq_pmcg, &smmu.irq_sev};
    for (unsigned i = 0; i < SMMU_IRQ_COUNT; i++) {
        pins[i]->bind(irq_sig[i]);
        irqs.in[i].bind(irq_sig[i]);
    }
    for (unsigned i = 0; i < ports; i++) {
        masters.emplace_back(new test_master(("master" + std::to_string(i)).c_str()));
        masters.back()->socket.bind(smmu.upstream_socket[i]);
    }
}

platform::~platform() = default;

drv::Driver& platform::driver()
{
    if (!m_drv)
        m_drv.reset(new drv::Driver(cpu, pages, driver_options));
    return *m_drv;
}

void platform::run(std::function<void()> body)
{
    cpu.body = std::move(body);
    sc_start();
    EXPECT_TRUE(cpu.finished) << "the test body did not finish (blocked or failed)";
}

drv::Domain* platform::setup_s1(uint32_t sid, uint64_t iova, uint64_t pa, uint64_t bytes,
                                unsigned prot)
{
    drv::Driver& d = driver();
    if (!m_init) {
        d.init();
        m_init = true;
    }
    drv::Domain* dom = d.new_s1_domain(static_cast<uint16_t>(sid + 1));
    d.attach(sid, dom);
    if (bytes)
        d.map(dom, iova, pa, bytes, prot);
    return dom;
}

uint64_t platform::ste_addr(uint32_t sid)
{
    return (cpu.reg_read(R_STRTAB_BASE, 8) & 0x0000FFFFFFFFFFC0ull) + 64ull * sid;
}

void platform::modify(uint64_t pa, uint64_t set, uint64_t clear)
{
    mem.write64(pa, (mem.read64(pa) & ~clear) | set);
}

uint64_t platform::l3_table(const drv::Domain* d, uint64_t va)
{
    uint64_t table = d->root;
    for (int l = 0; l < 3; l++) {
        uint64_t desc = mem.read64(table + 8 * ((va >> (39 - 9 * l)) & 511));
        if ((desc & 3) != 3)
            return 0;
        table = desc & 0x0000FFFFFFFFF000ull;
    }
    return table;
}

uint64_t platform::pte_addr(const drv::Domain* d, uint64_t va)
{
    uint64_t t = l3_table(d, va);
    return t ? t + 8 * ((va >> 12) & 511) : 0;
}

unsigned reports(const char* msg_type)
{
    return static_cast<unsigned>(sc_report_handler::get_count(msg_type));
}

}  // namespace tlmtest
