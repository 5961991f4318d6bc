// SPDX-License-Identifier: Apache-2.0
// Wired interrupt pins (pulses of timing::irq_pulse), MSIs as downstream writes, and the
// routing of the core's log to SC_REPORT.
#include <cstring>

#include "tlm_harness.h"

using namespace tlmtest;

namespace {

constexpr uint64_t OP_SYNC = 0x46;

// CMD_SYNC with CS = SIG_IRQ (4.7.3), optionally with an MSI.
void sync_irq(drv::Driver& d, uint64_t msi_addr, uint32_t msi_data)
{
    d.cmd(OP_SYNC | (1ull << 12) | (static_cast<uint64_t>(msi_data) << 32),
          msi_addr & 0x00FFFFFFFFFFFFFCull);
    d.publish();
}

}  // namespace

TEST(Irq, EventQueuePinPulsesOnARecordedFault)
{
    smmuv3::timing t;
    t.irq_pulse = sc_time(5, SC_NS);
    platform p(default_config(), t);
    p.run([&] {
        p.setup_s1();
        const sc_time t0 = sc_core::sc_time_stamp();
        EXPECT_EQ(p.master().read(IOVA + 64 * PAGE, 8).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
        wait(50, SC_NS);
        const auto& rises = p.irqs.rises[SMMU_IRQ_EVENTQ];
        const auto& falls = p.irqs.falls[SMMU_IRQ_EVENTQ];
        ASSERT_EQ(rises.size(), 1u);
        ASSERT_EQ(falls.size(), 1u);
        EXPECT_GE(rises[0], t0);
        EXPECT_EQ(falls[0] - rises[0], sc_time(5, SC_NS));
        EXPECT_EQ(p.smmu.irq_count(SMMU_IRQ_EVENTQ), 1u);
        EXPECT_TRUE(p.irqs.rises[SMMU_IRQ_GERROR].empty());
        EXPECT_EQ(p.events().size(), 1u);
    });
}

// Two interrupts close together give two distinct pulses on the pin.
TEST(Irq, BackToBackPulsesStayDistinct)
{
    smmuv3::timing t;
    t.irq_pulse = sc_time(4, SC_NS);
    smmu_config_t cfg = default_config();
    cfg.evtq_irq_every_write = true; // an interrupt per record
    platform p(cfg, t);
    p.run([&] {
        p.setup_s1();
        p.master().read(IOVA + 64 * PAGE, 8);
        p.master().read(IOVA + 65 * PAGE, 8); // same simulated time
        wait(50, SC_NS);
        const auto& rises = p.irqs.rises[SMMU_IRQ_EVENTQ];
        ASSERT_EQ(rises.size(), 2u);
        EXPECT_GE(rises[1] - rises[0], sc_time(8, SC_NS)); // high 4 ns, then low 4 ns
        EXPECT_EQ(p.smmu.irq_count(SMMU_IRQ_EVENTQ), 2u);
    });
}

TEST(Irq, CommandSyncAndGerrorPins)
{
    platform p;
    p.run([&] {
        drv::Driver& d = p.driver();
        d.init();
        // IRQ_CTRL has GERROR enabled (the driver's init); CMD_SYNC SIG_IRQ always pulses
        const sc_time t0 = sc_core::sc_time_stamp();
        sync_irq(d, 0, 0);
        wait(100, SC_NS);
        ASSERT_EQ(p.irqs.rises[SMMU_IRQ_CMD_SYNC].size(), 1u);
        // one command, consumed timing::command (10 ns) after the CMDQ_PROD write
        EXPECT_GE(p.irqs.rises[SMMU_IRQ_CMD_SYNC][0], t0 + sc_time(10, SC_NS));
        // an illegal opcode: CERROR_ILL -> GERROR.CMDQ_ERR -> the GERROR pin
        d.cmd(0xFF, 0);
        d.publish();
        wait(100, SC_NS);
        EXPECT_EQ(p.irqs.rises[SMMU_IRQ_GERROR].size(), 1u);
        EXPECT_EQ(p.cpu.reg_read(R_GERROR, 4) & 1u, 1u);
    });
}

// EVENTQ MSIs: a write of EVENTQ_IRQ_CFG1's data to the doorbell, on the downstream socket.
TEST(Msi, EventQueueMsiArrivesAtTheDoorbell)
{
    platform p;
    p.driver_options.msi = true;
    p.driver_options.evtq_msi_addr = DOORBELL + 0x40;
    p.driver_options.gerror_msi_addr = DOORBELL + 0x80;
    p.run([&] {
        p.setup_s1();
        EXPECT_TRUE(p.mem.doorbell.empty());
        p.master().read(IOVA + 64 * PAGE, 8);
        ASSERT_EQ(p.mem.doorbell.size(), 1u);
        const access_rec& m = p.mem.doorbell[0];
        EXPECT_EQ(m.addr, DOORBELL + 0x40);
        ASSERT_EQ(m.len, 4u);
        uint32_t data;
        std::memcpy(&data, m.data.data(), 4);
        EXPECT_EQ(data, 0x45u); // EVENTQ_IRQ_CFG1 as the driver programs it
        EXPECT_EQ(p.stats().msis, 1u);
    });
}

// A CMD_SYNC MSI is sent when the command completes, in simulated time.
TEST(Msi, CommandSyncMsiAtTheModelledTime)
{
    smmuv3::timing t;
    t.command = sc_time(25, SC_NS);
    platform p(default_config(), t);
    p.run([&] {
        drv::Driver& d = p.driver();
        d.init();
        wait(1, sc_core::SC_US);
        const sc_time t0 = sc_core::sc_time_stamp();
        d.cmd(0x04 /* CFGI_ALL */, 31);
        d.cmd(0x04, 31);
        sync_irq(d, DOORBELL + 0x100, 0xC0FFEE);
        wait(1, sc_core::SC_US);
        ASSERT_EQ(p.mem.doorbell.size(), 1u);
        EXPECT_EQ(p.mem.doorbell[0].addr, DOORBELL + 0x100);
        uint32_t data;
        std::memcpy(&data, p.mem.doorbell[0].data.data(), 4);
        EXPECT_EQ(data, 0xC0FFEEu);
        // three commands of 25 ns each after the CMDQ_PROD write at t0
        EXPECT_EQ(p.mem.doorbell[0].when, t0 + sc_time(75, SC_NS));
    });
}

TEST(Report, CoreLogGoesToScReport)
{
    platform p;
    p.run([&] {
        drv::Driver& d = p.driver();
        d.init();
        const unsigned before = reports("/smmuv3/core");
        d.cmd(0xFF, 0); // CERROR_ILL: the core logs a guest error
        d.publish();
        wait(100, SC_NS);
        EXPECT_EQ(reports("/smmuv3/core"), before + 1);
    });
}

// Pins are optional: a platform may leave them unbound (elaboration succeeds).
TEST(Irq, UnboundPinsAreAllowed)
{
    test_memory mem("mem");
    smmuv3::smmuv3_tlm smmu("smmu", default_config());
    smmu.downstream_socket.bind(mem.socket);
    sc_core::sc_start(10, SC_NS);
    EXPECT_EQ(smmu.irq_count(SMMU_IRQ_EVENTQ), 0u);
}
