// SPDX-License-Identifier: Apache-2.0
// The event queue as software sees it: record layout (7.3), producer index and wrap
// arithmetic (3.5.1, 6.3.95), writability and overflow (7.2.1, 7.4), write aborts (7.2.2).
// Events are provoked through translation of StreamIDs whose STE is invalid.
#include "regs_util.h"

namespace regs_test {
namespace {

smmu_stats_t stats(Smmu& d)
{
    smmu_stats_t st;
    smmu_stats_get(d.s, &st);
    return st;
}

// ---- record layout -------------------------------------------------------------------------

TEST(EventRecord, CBadSteLayout)
{
    // 7.3.5 C_BAD_STE: [7:0] = 0x04, [11] SSV, [31:12] SubstreamID, [63:32] StreamID, the
    // rest RES0
    Smmu d("default");
    EventRig ev(d, 3);
    ev.init();
    smmu_xlate_t x = ev.access(9, 0xDEAD000);
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT);
    EXPECT_TRUE(x.recorded);
    EXPECT_EQ(ev.prod(), 1u);
    EXPECT_EQ(ev.record(0), (std::vector<uint64_t>{(UINT64_C(9) << 32) | 0x04, 0, 0, 0}));
    EXPECT_EQ(x.event.type, EVT_C_BAD_STE);
    EXPECT_EQ(x.event.stream_id, 9u);
}

TEST(EventRecord, CBadSteWithSubstream)
{
    Smmu d("default");
    EventRig ev(d, 3);
    ev.init();
    smmu_txn_t t{};
    t.stream_id = 0xC;
    t.iova = 0x4000;
    t.ssv = true;
    t.substream_id = 0x12345;
    smmu_xlate_t x{};
    smmu_translate(d.s, &t, &x);
    const uint64_t dw0 = (UINT64_C(0xC) << 32) | (UINT64_C(0x12345) << 12) | (1u << 11) | 0x04;
    EXPECT_EQ(ev.record(0), (std::vector<uint64_t>{dw0, 0, 0, 0}));
}

TEST(EventRecord, CBadStreamIdRecordedOnlyWithRecinvsid)
{
    // 7.3.3: StreamID >= 2^STRTAB_BASE_CFG.LOG2SIZE gives C_BAD_STREAMID (0x02) only when
    // CR2.RECINVSID == 1; the transaction is terminated either way
    Smmu d("default");
    EventRig ev(d, 3);
    ev.init(4, CR2_RECINVSID);
    smmu_xlate_t x = ev.access(0x10);
    EXPECT_NE(x.status, SMMU_XLATE_OK);
    EXPECT_NE(x.status, SMMU_XLATE_BYPASS);
    EXPECT_EQ(ev.prod(), 1u);
    EXPECT_EQ(ev.record(0), (std::vector<uint64_t>{(UINT64_C(0x10) << 32) | 0x02, 0, 0, 0}));
    ev.access(0xFFFF);
    EXPECT_EQ(ev.record(1)[0], (UINT64_C(0xFFFF) << 32) | 0x02);

    Smmu n("default");
    EventRig evn(n, 3);
    evn.init(4, 0);
    smmu_xlate_t y = evn.access(0x10);
    EXPECT_NE(y.status, SMMU_XLATE_OK);
    EXPECT_NE(y.status, SMMU_XLATE_BYPASS);
    EXPECT_FALSE(y.recorded);
    EXPECT_EQ(evn.prod(), 0u) << "no record with RECINVSID == 0";
    EXPECT_EQ(n.mem.read64(evn.evtq), 0u);
    EXPECT_EQ(stats(n).events, 0u);
}

// ---- producer index and wrap (3.5.1, 6.3.95) -------------------------------------------------

class EvtqWrap : public ::testing::TestWithParam<unsigned> {};

TEST_P(EvtqWrap, ProdAdvancesAndWraps)
{
    const unsigned l2 = GetParam();
    const uint32_t n = 1u << l2;
    Smmu d("default");
    EventRig ev(d, l2);
    ev.init(10);
    uint32_t expect = 0, sid = 0;
    // Several times round the queue: fill it completely, drain it, then in uneven batches.
    std::vector<uint32_t> batches = {n, 1, n > 1 ? n - 1 : 1, n, 1, n};
    for (uint32_t b : batches) {
        for (uint32_t i = 0; i < b; i++) {
            smmu_xlate_t x = ev.access(sid);
            ASSERT_TRUE(x.recorded) << "queue has room";
            EXPECT_EQ(ev.record(expect)[0], (static_cast<uint64_t>(sid) << 32) | 0x04)
                << "record at slot " << q_idx(expect, l2);
            expect = q_inc(expect, l2);
            EXPECT_EQ(ev.prod(), expect);
            sid = (sid + 1) & 1023;
        }
        ev.consume(b, false);
    }
    EXPECT_EQ(stats(d).events_dropped, 0u);
}

TEST_P(EvtqWrap, FullQueueHasSameIndexAndDifferentWrap)
{
    const unsigned l2 = GetParam();
    Smmu d("default");
    EventRig ev(d, l2);
    ev.init(10);
    for (uint32_t i = 0; i < (1u << l2); i++)
        ASSERT_TRUE(ev.access(i).recorded);
    EXPECT_EQ(ev.prod(), 1u << l2) << "index 0, WR_WRAP set";
    EXPECT_FALSE(ev.access(5).recorded) << "full: the record is discarded";
}

INSTANTIATE_TEST_SUITE_P(Log2Size, EvtqWrap, ::testing::Values(0u, 1u, 2u, 5u, 8u));

// ---- overflow (7.4) ----------------------------------------------------------------------

TEST(EvtqOverflow, FullQueueDiscardsAndTogglesOvflgOnce)
{
    Smmu d("default");
    EventRig ev(d, 1); // 2 entries
    ev.init(10);
    ASSERT_TRUE(ev.access(1).recorded);
    ASSERT_TRUE(ev.access(2).recorded);
    EXPECT_EQ(ev.prod(), 2u); // full
    const std::vector<uint64_t> r0 = ev.record(0), r1 = ev.record(1);

    // 7.4: a record discarded because the queue is full toggles OVFLG if OVFLG == OVACKFLG
    EXPECT_FALSE(ev.access(3).recorded);
    EXPECT_EQ(ev.prod(), Q_OVFLG | 2u);
    // overflow already pending (OVFLG != OVACKFLG): the flag is not updated again
    EXPECT_FALSE(ev.access(4).recorded);
    EXPECT_EQ(ev.prod(), Q_OVFLG | 2u);
    // nothing else is lost: the records in the queue are intact
    EXPECT_EQ(ev.record(0), r0);
    EXPECT_EQ(ev.record(1), r1);
    EXPECT_EQ(r0[0], (UINT64_C(1) << 32) | 0x04);
    EXPECT_EQ(r1[0], (UINT64_C(2) << 32) | 0x04);

    // The driver consumes one record without acknowledging: events are delivered again
    // ("a queue in an unacknowledged overflow state does not behave any differently")
    ev.consume(1, false);
    ASSERT_TRUE(ev.access(5).recorded);
    EXPECT_EQ(ev.record(2)[0], (UINT64_C(5) << 32) | 0x04); // slot 0 again
    EXPECT_EQ(ev.prod(), Q_OVFLG | 3u);
    EXPECT_FALSE(ev.access(6).recorded); // full again, overflow still pending
    EXPECT_EQ(ev.prod(), Q_OVFLG | 3u);

    // Acknowledge: OVACKFLG = OVFLG. The next discard is a new overflow and toggles OVFLG.
    wr32(d, off::EVENTQ_CONS, ev.cons | Q_OVFLG);
    EXPECT_EQ(rd32(d, off::EVENTQ_CONS), ev.cons | Q_OVFLG);
    EXPECT_EQ(ev.prod(), Q_OVFLG | 3u) << "acknowledging does not change PROD";
    EXPECT_FALSE(ev.access(7).recorded);
    EXPECT_EQ(ev.prod(), 3u) << "OVFLG toggled back to 0";

    smmu_stats_t st = stats(d);
    EXPECT_EQ(st.events, 3u);
    EXPECT_EQ(st.events_dropped, 4u);
}

TEST(EvtqOverflow, NoOverflowWhileTheQueueIsDisabled)
{
    // 6.3.95, 7.4: records discarded while EVENTQEN == 0 do not cause an overflow condition
    Smmu d("default");
    EventRig ev(d, 1);
    ev.init(10);
    cr0_clear(d, CR0_EVENTQEN);
    wr32(d, off::EVENTQ_PROD, 2); // PROD/CONS say "full"
    EXPECT_FALSE(ev.access(1).recorded);
    EXPECT_FALSE(ev.access(2).recorded);
    EXPECT_EQ(ev.prod(), 2u) << "no OVFLG";
    EXPECT_EQ(stats(d).events_dropped, 2u);
    EXPECT_TRUE(d.mem.smmu_writes.empty());
    // once enabled, a discard because the queue is full is an overflow
    cr0_set(d, CR0_EVENTQEN);
    EXPECT_FALSE(ev.access(3).recorded);
    EXPECT_EQ(ev.prod(), Q_OVFLG | 2u);
}

TEST(EvtqOverflow, DisabledQueueDiscardsWithoutWriting)
{
    // 7.2.1: not writable when EVENTQEN == 0: records are discarded, PROD does not move
    Smmu d("default");
    EventRig ev(d, 3);
    ev.init(10);
    cr0_clear(d, CR0_EVENTQEN);
    EXPECT_FALSE(ev.access(1).recorded);
    EXPECT_EQ(ev.prod(), 0u);
    EXPECT_EQ(d.mem.read64(ev.evtq), 0u);
    cr0_set(d, CR0_EVENTQEN);
    EXPECT_TRUE(ev.access(2).recorded);
    EXPECT_EQ(ev.prod(), 1u);
}

// ---- write abort (7.2.2) -------------------------------------------------------------------

TEST(EvtqAbort, WriteAbortRaisesEventqAbtErr)
{
    Smmu d("default");
    EventRig ev(d, 3);
    ev.init(10);
    wr32(d, off::IRQ_CTRL, IRQ_CTRL_GERROR_IRQEN);
    d.mem.add_abort(ev.evtq, ev.evtq + 32 * 8 - 1);
    EXPECT_FALSE(ev.access(1).recorded);
    EXPECT_EQ(rd32(d, off::GERROR), GERROR_EVENTQ_ABT_ERR);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_GERROR], 1u);
    // synchronous abort: PROD is not incremented, the queue stays empty, no EVENTQ interrupt
    EXPECT_EQ(ev.prod(), 0u);
    // while EVENTQ_ABT_ERR is active the queue is not writable: no further write attempts
    size_t writes = d.mem.smmu_writes.size();
    EXPECT_FALSE(ev.access(2).recorded);
    EXPECT_EQ(d.mem.smmu_writes.size(), writes);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_GERROR], 1u);
    // memory fixed and error acknowledged: records are written again
    d.mem.clear_aborts();
    wr32(d, off::GERRORN, GERROR_EVENTQ_ABT_ERR);
    EXPECT_TRUE(ev.access(3).recorded);
    EXPECT_EQ(ev.prod(), 1u);
    EXPECT_EQ(ev.record(0)[0], (UINT64_C(3) << 32) | 0x04);
    smmu_stats_t st = stats(d);
    EXPECT_EQ(st.events, 1u);
    EXPECT_EQ(st.events_dropped, 2u);
}

// ---- EVENTQ interrupt (3.18.2, 6.3.30 - 6.3.32) -------------------------------------------

void eventq_msi(Smmu& d, uint64_t addr, uint32_t data, uint32_t cfg2)
{
    wr64(d, off::EVENTQ_IRQ_CFG0, addr);
    wr32(d, off::EVENTQ_IRQ_CFG1, data);
    wr32(d, off::EVENTQ_IRQ_CFG2, cfg2);
}

TEST(EvtqIrq, MsiOnEmptyToNonEmpty)
{
    Smmu d("default");
    EventRig ev(d, 3);
    ev.init(10);
    eventq_msi(d, 0x9000000, 0xE0E0E0E0, 0x1);
    wr32(d, off::IRQ_CTRL, IRQ_CTRL_EVENTQ_IRQEN);
    ev.access(1);
    auto msis = d.mem.msis();
    ASSERT_EQ(msis.size(), 1u);
    EXPECT_EQ(msis[0].pa, 0x9000000u);
    EXPECT_EQ(d.mem.read32(0x9000000), 0xE0E0E0E0u);
    // the queue was not empty: no new interrupt (3.18.2: "transitions from empty to non-empty")
    ev.access(2);
    EXPECT_EQ(d.mem.msis().size(), 1u);
    // drained by the driver, then a new record: interrupt again
    ev.consume(2, false);
    ev.access(3);
    EXPECT_EQ(d.mem.msis().size(), 2u);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_EVENTQ], 2u) << "the wired output pulses as well";
}

TEST(EvtqIrq, RequiresEventqIrqEn)
{
    Smmu d("default");
    EventRig ev(d, 3);
    ev.init(10);
    eventq_msi(d, 0x9000000, 0x1, 0);
    ev.access(1);
    EXPECT_TRUE(d.mem.msis().empty());
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_EVENTQ], 0u);
}

TEST(EvtqIrq, WiredWhenMsiAddressIsZero)
{
    // 6.3.30 (as 6.3.21): ADDR == 0 sends no MSI; the wired interrupt is used
    Smmu d("default");
    EventRig ev(d, 3);
    ev.init(10);
    eventq_msi(d, 0, 0x1234, 0);
    wr32(d, off::IRQ_CTRL, IRQ_CTRL_EVENTQ_IRQEN);
    ev.access(1);
    EXPECT_TRUE(d.mem.msis().empty());
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_EVENTQ], 1u);
}

TEST(EvtqIrq, WiredWithoutMsiSupport)
{
    Smmu d("qemu-virt");
    EventRig ev(d, 3);
    ev.init(10);
    eventq_msi(d, 0x9000000, 0x1234, 0); // RES0 without IDR0.MSI
    wr32(d, off::IRQ_CTRL, IRQ_CTRL_EVENTQ_IRQEN);
    ev.access(1);
    EXPECT_TRUE(d.mem.msis().empty());
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_EVENTQ], 1u);
}

TEST(EvtqIrq, ProdIsObservableWhenTheInterruptIs)
{
    // 3.18: "New entries are written to an output queue. The presence of the new entries
    // must be observable to reads of the queue index registers if the interrupt is observable"
    Smmu d("default");
    EventRig ev(d, 3);
    ev.init(10);
    wr32(d, off::IRQ_CTRL, IRQ_CTRL_EVENTQ_IRQEN);
    uint32_t seen = 0;
    uint64_t rec = 0;
    d.mem.on_irq = [&](smmu_irq_t l) {
        if (l == SMMU_IRQ_EVENTQ) {
            seen = rd32(d, off::EVENTQ_PROD);
            rec = d.mem.read64(ev.evtq);
        }
    };
    ev.access(6);
    EXPECT_EQ(seen, 1u);
    EXPECT_EQ(rec, (UINT64_C(6) << 32) | 0x04);
}

TEST(EvtqIrq, AbortedMsiSetsMsiEventqAbtErr)
{
    Smmu d("default");
    EventRig ev(d, 3);
    ev.init(10);
    d.mem.add_abort(0xA000000, 0xA000FFF);
    eventq_msi(d, 0xA000000, 1, 0);
    wr32(d, off::IRQ_CTRL, IRQ_CTRL_EVENTQ_IRQEN | IRQ_CTRL_GERROR_IRQEN);
    EXPECT_TRUE(ev.access(1).recorded) << "the record itself is written";
    EXPECT_EQ(rd32(d, off::GERROR), GERROR_MSI_EVENTQ_ABT_ERR);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_GERROR], 1u) << "a new global error interrupts";
    EXPECT_EQ(ev.prod(), 1u);
}

// ---- GERROR interrupt (7.5, 6.3.21 - 6.3.23) ------------------------------------------------

void cmdq_error(Smmu& d)
{
    CmdQueue q(d, 0x40000, 2);
    q.init();
    q.submit({cmd_raw(0x00)});
}

TEST(GerrorIrq, MsiWhenConfigured)
{
    Smmu d("default");
    wr64(d, off::GERROR_IRQ_CFG0, 0xB000010);
    wr32(d, off::GERROR_IRQ_CFG1, 0x600DF00D);
    wr32(d, off::GERROR_IRQ_CFG2, 0x1);
    wr32(d, off::IRQ_CTRL, IRQ_CTRL_GERROR_IRQEN);
    uint32_t seen = 0;
    d.mem.on_irq = [&](smmu_irq_t l) {
        if (l == SMMU_IRQ_GERROR)
            seen = rd32(d, off::GERROR);
    };
    cmdq_error(d);
    auto msis = d.mem.msis();
    ASSERT_EQ(msis.size(), 1u);
    EXPECT_EQ(msis[0].pa, 0xB000010u);
    EXPECT_EQ(d.mem.read32(0xB000010), 0x600DF00Du);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_GERROR], 1u);
    EXPECT_EQ(seen, GERROR_CMDQ_ERR) << "3.18: GERROR is observable when the interrupt is";
}

TEST(GerrorIrq, WiredWhenMsiAddressIsZero)
{
    Smmu d("default");
    wr32(d, off::GERROR_IRQ_CFG1, 0x600DF00D);
    wr32(d, off::IRQ_CTRL, IRQ_CTRL_GERROR_IRQEN);
    cmdq_error(d);
    EXPECT_TRUE(d.mem.msis().empty());
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_GERROR], 1u);
}

TEST(GerrorIrq, WiredWithoutMsiSupport)
{
    Smmu d("qemu-virt");
    wr64(d, off::GERROR_IRQ_CFG0, 0xB000010);
    wr32(d, off::IRQ_CTRL, IRQ_CTRL_GERROR_IRQEN);
    cmdq_error(d);
    EXPECT_TRUE(d.mem.msis().empty());
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_GERROR], 1u);
}

TEST(GerrorIrq, AbortedGerrorMsiSetsItsBitWithoutAnotherInterrupt)
{
    // 7.5: MSI_GERROR_ABT_ERR does not itself raise a GERROR interrupt
    Smmu d("default");
    d.mem.add_abort(0xB000000, 0xB000FFF);
    wr64(d, off::GERROR_IRQ_CFG0, 0xB000010);
    wr32(d, off::IRQ_CTRL, IRQ_CTRL_GERROR_IRQEN);
    cmdq_error(d);
    EXPECT_EQ(rd32(d, off::GERROR), GERROR_CMDQ_ERR | GERROR_MSI_GERROR_ABT_ERR);
    EXPECT_EQ(d.mem.smmu_writes.size(), 1u) << "one MSI attempt only";
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_GERROR], 1u);
}

TEST(GerrorIrq, EachNewlyActiveErrorInterruptsOnce)
{
    Smmu d("default");
    EventRig ev(d, 3);
    ev.init(10);
    wr32(d, off::IRQ_CTRL, IRQ_CTRL_GERROR_IRQEN);
    d.mem.add_abort(ev.evtq, ev.evtq + 255);
    ev.access(1);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_GERROR], 1u);
    cmdq_error(d);
    EXPECT_EQ(rd32(d, off::GERROR), GERROR_EVENTQ_ABT_ERR | GERROR_CMDQ_ERR);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_GERROR], 2u);
    // acknowledge only EVENTQ_ABT_ERR (GERRORN[2] = GERROR[2]); CMDQ_ERR stays active
    wr32(d, off::GERRORN, GERROR_EVENTQ_ABT_ERR);
    EXPECT_EQ(rd32(d, off::GERROR) ^ rd32(d, off::GERRORN), GERROR_CMDQ_ERR);
}

}  // namespace
}  // namespace regs_test
