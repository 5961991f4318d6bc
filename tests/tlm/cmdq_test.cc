// SPDX-License-Identifier: Apache-2.0
// Command consumption over simulated time (one command per timing::command, in the SMMU's
// own thread), the untimed option, and the PMCG cycle count fed from simulated time.
#include "tlm_harness.h"

using namespace tlmtest;

TEST(Cmdq, ConsumerIndexMovesOverSimulatedTime)
{
    smmuv3::timing t;
    t.command = sc_time(10, SC_NS);
    platform p(default_config(), t);
    p.run([&] {
        drv::Driver& d = p.driver();
        d.init();
        const uint32_t mask = (2u << d.options().cmdq_log2) - 1;
        const uint32_t c0 = static_cast<uint32_t>(p.cpu.reg_read(R_CMDQ_CONS, 4)) & mask;
        for (unsigned i = 0; i < 4; i++)
            d.cmd(0x04 /* CFGI_ALL */, 31);
        d.cmd(0x46 /* CMD_SYNC, SIG_NONE */, 0);
        d.publish(); // at t0
        const sc_time t0 = sc_core::sc_time_stamp();
        for (unsigned k = 0; k <= 5; k++) {
            wait(t0 + sc_time(10.0 * k + 5, SC_NS) - sc_core::sc_time_stamp());
            const uint32_t cons = static_cast<uint32_t>(p.cpu.reg_read(R_CMDQ_CONS, 4)) & mask;
            EXPECT_EQ(cons, (c0 + k) & mask) << "at t0 + " << (10 * k + 5) << " ns";
        }
        EXPECT_EQ(smmu_cmdq_pending(p.smmu.smmu()), 0u);
    });
}

TEST(Cmdq, UntimedOptionConsumesAtTheProdWrite)
{
    smmuv3::tlm_options o;
    o.timed_cmdq = false;
    platform p(default_config(), smmuv3::timing(), 1, o);
    p.run([&] {
        drv::Driver& d = p.driver();
        d.init();
        const sc_time t0 = sc_core::sc_time_stamp();
        for (unsigned i = 0; i < 3; i++)
            d.cmd(0x04, 31);
        d.sync();
        EXPECT_EQ(sc_core::sc_time_stamp(), t0); // nothing waited
        EXPECT_EQ(smmu_cmdq_pending(p.smmu.smmu()), 0u);
        p.setup_s1();
        EXPECT_EQ(p.master().read(IOVA, 8).status, tlm::TLM_OK_RESPONSE);
    });
}

// PMCG event 0 (cycles) counts timing::clock_period periods of simulated time. Skipped while
// the core's PMCG is not modelled (smmu_pmcg_* answer SMMU_E_UNSUPPORTED).
TEST(Cmdq, PmcgCycleCounterFollowsSimulatedTime)
{
    smmuv3::timing t;
    t.clock_period = sc_time(2, SC_NS);
    platform p(default_config(), t);
    p.run([&] {
        uint64_t v = 0;
        if (smmu_pmcg_read(p.smmu.smmu(), 0, 0xE00, 4, &v) == SMMU_E_UNSUPPORTED)
            GTEST_SKIP() << "the core's PMCG is not modelled yet";
        auto wr = [&](uint64_t off, uint32_t val) {
            unsigned char b[4] = {static_cast<unsigned char>(val),
                                  static_cast<unsigned char>(val >> 8),
                                  static_cast<unsigned char>(val >> 16),
                                  static_cast<unsigned char>(val >> 24)};
            EXPECT_EQ(p.cpu.access(p.cpu.pmcg_socket, tlm::TLM_WRITE_COMMAND, off, b, 4),
                      tlm::TLM_OK_RESPONSE);
        };
        auto rd = [&](uint64_t off) {
            unsigned char b[4] = {};
            EXPECT_EQ(p.cpu.access(p.cpu.pmcg_socket, tlm::TLM_READ_COMMAND, off, b, 4),
                      tlm::TLM_OK_RESPONSE);
            return static_cast<uint64_t>(b[0] | b[1] << 8 | b[2] << 16 |
                                         static_cast<uint32_t>(b[3]) << 24);
        };
        wr(0x400, 0);      // EVTYPER0: event 0, cycles
        wr(0xC00, 1);      // CNTENSET0: counter 0
        wr(0xE04, 1);      // CR.E
        const uint64_t c0 = rd(0x0);
        wait(1000, SC_NS);
        const uint64_t c1 = rd(0x0);
        EXPECT_NEAR(static_cast<double>(c1 - c0), 500.0, 2.0);
    });
}

// With timing::pmcg_quantum, a cycle counter overflow interrupts within a quantum of its time
// (without one, at the next register access).
TEST(Cmdq, PmcgOverflowInterruptsWithinAQuantum)
{
    smmuv3::timing t;
    t.clock_period = sc_time(1, SC_NS);
    t.pmcg_quantum = sc_time(50, SC_NS);
    platform p(default_config(), t);
    p.run([&] {
        uint64_t v = 0;
        if (smmu_pmcg_read(p.smmu.smmu(), 0, 0xE00, 4, &v) == SMMU_E_UNSUPPORTED)
            GTEST_SKIP() << "the core's PMCG is not modelled yet";
        const unsigned bits = static_cast<unsigned>((v >> 8) & 0x3F) + 1; // CFGR.SIZE + 1
        auto wr = [&](uint64_t off, uint64_t val, unsigned len) {
            unsigned char b[8];
            for (unsigned i = 0; i < 8; i++)
                b[i] = static_cast<unsigned char>(val >> (8 * i));
            EXPECT_EQ(p.cpu.access(p.cpu.pmcg_socket, tlm::TLM_WRITE_COMMAND, off, b, len),
                      tlm::TLM_OK_RESPONSE) << std::hex << off;
        };
        wr(0xE50, 1, 4);                                // IRQ_CTRL.IRQEN
        wr(0x400, 0, 4);                                // EVTYPER0: cycles
        wr(0x000, (uint64_t{1} << bits) - 100, bits > 32 ? 8 : 4); // 100 cycles from overflow
        wr(0xC40, 1, 8);                                // INTENSET0
        wr(0xC00, 1, 8);                                // CNTENSET0
        const sc_time t0 = sc_core::sc_time_stamp();
        wr(0xE04, 1, 4);                                // CR.E
        wait(400, SC_NS); // no register access meanwhile
        ASSERT_FALSE(p.irqs.rises[SMMU_IRQ_PMCG].empty());
        EXPECT_LE(p.irqs.rises[SMMU_IRQ_PMCG][0], t0 + sc_time(100 + 50 + 1, SC_NS));
        sc_core::sc_stop(); // the quantum process would run forever
    });
}
