// SPDX-License-Identifier: Apache-2.0
// Statistics of the command and event queues add up with what the registers show.
#include <numeric>

#include "regs_util.h"

namespace regs_test {
namespace {

TEST(Stats, CommandAndEventCountersAddUp)
{
    Smmu d("default");
    CmdQueue q(d, 0x40000, 3);
    q.init();
    // 6 commands consumed, then a reserved opcode stops the queue
    q.submit({cmd_cfgi_all(), cmd_tlbi_nsnh_all(), cmd_sync(), cmd_cfgi_ste(1), cmd_cfgi_ste(2),
              cmd_sync(), cmd_raw(0x00), cmd_sync()});
    ASSERT_EQ(cons_rd(q.cons()), 6u);
    // acknowledging without a fix fails again; then fixed
    wr32(d, off::GERRORN, GERROR_CMDQ_ERR);
    d.mem.write64(q.slot(6), 0x30); // CMD_TLBI_NSNH_ALL
    wr32(d, off::GERRORN, 0);
    ASSERT_EQ(cons_rd(q.cons()), 8u);

    EventRig ev(d, 1); // 2-entry event queue
    ev.init(4, CR2_RECINVSID);
    for (uint32_t sid = 0; sid < 5; sid++)
        ev.access(sid);       // C_BAD_STE: 2 recorded, 3 discarded (queue full)
    ev.consume(2, true);
    ev.access(0x20);          // C_BAD_STREAMID, recorded
    wr32(d, off::CR2, 0);     // guarded while SMMUEN == 1: ignored
    cr0_clear(d, CR0_SMMUEN);
    wr32(d, off::CR2, 0);     // RECINVSID = 0
    cr0_set(d, CR0_SMMUEN);
    ev.access(0x20);          // C_BAD_STREAMID, not recorded, not "dropped"

    smmu_stats_t st;
    smmu_stats_get(d.s, &st);
    EXPECT_EQ(st.commands, 8u);
    EXPECT_EQ(std::accumulate(std::begin(st.commands_by_op), std::end(st.commands_by_op),
                              UINT64_C(0)),
              st.commands);
    EXPECT_EQ(st.commands_by_op[0x04], 1u);
    EXPECT_EQ(st.commands_by_op[0x30], 2u);
    EXPECT_EQ(st.commands_by_op[0x46], 3u);
    EXPECT_EQ(st.commands_by_op[0x03], 2u);
    EXPECT_EQ(st.commands_by_op[0x00], 0u);
    EXPECT_EQ(st.cmd_errors, 2u);

    EXPECT_EQ(st.events, 3u);
    EXPECT_EQ(st.events_dropped, 3u);
    EXPECT_EQ(st.events_by_type[EVT_C_BAD_STE], 5u);
    EXPECT_EQ(st.events_by_type[EVT_C_BAD_STREAMID], 2u);
    // every C_BAD_STE was either written or discarded
    EXPECT_EQ(st.events + st.events_dropped, st.events_by_type[EVT_C_BAD_STE] + 1u);
    // the queue registers agree: 3 records produced
    EXPECT_EQ(q_idx(ev.prod(), 1), 3u % 2u);
    EXPECT_EQ(ev.prod() & ~Q_OVFLG, 3u);

    smmu_stats_reset(d.s);
    smmu_stats_get(d.s, &st);
    EXPECT_EQ(st.commands, 0u);
    EXPECT_EQ(st.events, 0u);
    EXPECT_EQ(st.cmd_errors, 0u);
    EXPECT_EQ(cons_rd(q.cons()), 8u) << "resetting statistics leaves the registers alone";
}

TEST(Stats, InterruptAndMsiCounters)
{
    Smmu d("default");
    CmdQueue q(d, 0x40000, 3);
    q.init();
    q.submit({cmd_sync(CS_IRQ, 0x9000, 1), cmd_sync(CS_IRQ), cmd_sync()});
    smmu_stats_t st;
    smmu_stats_get(d.s, &st);
    EXPECT_EQ(st.msis, 1u);
    EXPECT_EQ(st.irqs, 2u);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 2u);
}

}  // namespace
}  // namespace regs_test
