// SPDX-License-Identifier: Apache-2.0
// Stall records and event queue writability (7.2.1): "Events caused by stalled transactions are
// not discarded"; a stall whose record cannot be written is "retried as though it had just
// arrived when the queue is next writable and a new fault record is generated" (3.12.2).
#include <gtest/gtest.h>

#include "stall_rig.h"

namespace stall_test {
namespace {

constexpr uint64_t VA = 0x40000000, PA = 0x80000000;

StreamCfg stalling_s1()
{
    StreamCfg c;
    c.cd_s = true;
    return c;
}

StreamCfg terminating_s1()
{
    return StreamCfg();  // A = 1, R = 1, S = 0
}

// A full queue: the stall record is neither dropped nor counted as an overflow (7.2.1, 7.4);
// the transaction stays stalled and its record appears when the driver consumes records.
TEST(StallRecords, FullQueueRecordWaitsForSpace)
{
    Rig r(smmu_config_default(), 1);  // 2 entries
    r.add_stream(1, terminating_s1());
    r.add_stream(2, stalling_s1());
    r.enable();
    r.xlate(1, VA);
    r.xlate(1, VA + 0x1000);
    ASSERT_EQ(r.pending_events().size(), 2u);
    smmu_stats_t s0 = r.stats();
    smmu_xlate_t x = r.xlate_stallable(2, VA + 0x2000, 7);
    EXPECT_EQ(x.status, SMMU_XLATE_STALL) << describe(x);
    EXPECT_TRUE(x.recorded) << "waiting for the queue counts as recorded";
    EXPECT_EQ(r.evtq_prod() & reg::Q_OVFLG, 0u) << "a stall record does not overflow";
    EXPECT_EQ(r.stats().events_dropped, s0.events_dropped);
    EXPECT_EQ(smmu_stall_count(r.s()), 1u);
    std::vector<Event> first = r.consume();
    ASSERT_EQ(first.size(), 2u);
    EXPECT_FALSE(first[0].stall());
    std::vector<Event> ev = r.consume();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_TRUE(ev[0].stall());
    EXPECT_EQ(ev[0].sid(), 2u);
    EXPECT_EQ(ev[0].stag(), x.stall_tag) << "still the STAG the host was given";
    EXPECT_EQ(ev[0].input_addr(), VA + 0x2000);
    EXPECT_TRUE(r.done().empty()) << "still stalled: no stall_done";
    EXPECT_EQ(r.evtq_prod() & reg::Q_OVFLG, 0u);
    r.resume(2, ev[0].stag(), false);
    ASSERT_EQ(r.done().size(), 1u);
    EXPECT_EQ(r.done()[0].first, 7u);
}

// 7.2.1: a waiting stall affected by an invalidation and CMD_SYNC is retried when the queue
// becomes writable; if the retry succeeds, no event is recorded and the transaction completes.
TEST(StallRecords, FixedBeforeTheQueueDrainsCompletesWithoutARecord)
{
    Rig r(smmu_config_default(), 1);
    r.add_stream(1, terminating_s1());
    PageTable& pt = r.add_stream(2, stalling_s1());
    r.enable();
    r.xlate(1, VA);
    r.xlate(1, VA + 0x1000);
    smmu_xlate_t x = r.xlate_stallable(2, VA + 0x2000, 3);
    ASSERT_EQ(x.status, SMMU_XLATE_STALL);
    pt.map(VA + 0x2000, PA);
    r.tlbi_all();
    r.sync();
    EXPECT_EQ(r.consume().size(), 2u);
    ASSERT_EQ(r.done().size(), 1u);
    EXPECT_EQ(r.done()[0].first, 3u);
    EXPECT_EQ(r.done()[0].second.status, SMMU_XLATE_OK);
    EXPECT_EQ(r.done()[0].second.pa, PA);
    EXPECT_TRUE(r.pending_events().empty());
    EXPECT_EQ(smmu_stall_count(r.s()), 0u);
}

// 3.12.2 Note: "For software to be notified of stalled transactions, it must enable the Event
// queue". With EVENTQEN == 0 the stall is held and its record waits; enabling the queue writes
// it (after the retry that 3.12.2 prescribes).
TEST(StallRecords, DisabledQueueRecordAppearsWhenEnabled)
{
    Rig r;
    r.add_stream(1, stalling_s1());
    r.enable(false);
    smmu_xlate_t x = r.xlate_stallable(1, VA, 4);
    EXPECT_EQ(x.status, SMMU_XLATE_STALL) << describe(x);
    EXPECT_EQ(r.evtq_prod(), 0u);
    EXPECT_EQ(smmu_stall_count(r.s()), 1u);
    r.set_cr0(r.cr0() | reg::CR0_EVENTQEN);
    std::vector<Event> ev = r.consume();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_TRUE(ev[0].stall());
    EXPECT_EQ(ev[0].stag(), x.stall_tag);
    EXPECT_TRUE(r.done().empty());
    r.resume(1, x.stall_tag, false);
    EXPECT_EQ(r.done().size(), 1u);
}

// 7.2.1: "A fault that is encountered during a retry replaces any previous faults": the stream
// was made terminating while the queue was disabled, so the record written is the new
// terminate record (Stall = 0) and the transaction ends.
TEST(StallRecords, DisabledQueueRetryUsesTheNewConfiguration)
{
    Rig r;
    StreamCfg c = stalling_s1();
    r.add_stream(1, c);
    r.enable(false);
    smmu_xlate_t x = r.xlate_stallable(1, VA, 4);
    ASSERT_EQ(x.status, SMMU_XLATE_STALL);
    c.cd_s = false;
    r.rewrite(1, c);
    r.cfgi_all();
    r.sync();
    r.set_cr0(r.cr0() | reg::CR0_EVENTQEN);
    ASSERT_EQ(r.done().size(), 1u);
    EXPECT_EQ(r.done()[0].second.status, SMMU_XLATE_FAULT);
    std::vector<Event> ev = r.consume();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_FALSE(ev[0].stall());
    EXPECT_EQ(ev[0].type(), F_TRANSLATION);
}

// Waiting records are written oldest first, as far as the queue takes them; the rest wait for
// the next EVENTQ_CONS update.
TEST(StallRecords, WaitingRecordsKeepTheirOrderAcrossAFullQueue)
{
    Rig r(smmu_config_default(), 1);  // 2 entries
    r.add_stream(1, stalling_s1());
    r.enable(false);
    smmu_xlate_t x[3];
    for (unsigned i = 0; i < 3; i++)
        x[i] = r.xlate(1, VA + 0x1000u * i);
    EXPECT_EQ(smmu_stall_count(r.s()), 3u);
    r.set_cr0(r.cr0() | reg::CR0_EVENTQEN);
    std::vector<Event> a = r.consume();
    ASSERT_EQ(a.size(), 2u);
    EXPECT_EQ(a[0].input_addr(), VA);
    EXPECT_EQ(a[1].input_addr(), VA + 0x1000);
    EXPECT_EQ(r.evtq_prod() & reg::Q_OVFLG, 0u);
    std::vector<Event> b = r.consume();
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].input_addr(), VA + 0x2000);
    EXPECT_EQ(b[0].stag(), x[2].stall_tag);
    EXPECT_TRUE(r.done().empty());
}

// 7.2.2 allows a stall record whose write aborts to be lost; the model keeps it instead and
// writes it once GERROR.EVENTQ_ABT_ERR has been acknowledged.
TEST(StallRecords, EventQueueAbortKeepsTheRecord)
{
    Rig r;
    r.add_stream(1, stalling_s1());
    r.enable();
    r.mem().add_abort(Rig::EVTQ, Rig::EVTQ + 0xFFF);
    smmu_xlate_t x = r.xlate(1, VA);
    EXPECT_EQ(x.status, SMMU_XLATE_STALL);
    uint32_t gerror = r.h().rd32(reg::GERROR);
    EXPECT_TRUE(gerror & reg::GERROR_EVENTQ_ABT_ERR);
    EXPECT_EQ(r.evtq_prod(), 0u);
    r.mem().clear_aborts();
    r.h().wr32(reg::GERRORN, gerror);  // acknowledge
    std::vector<Event> ev = r.consume();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].stag(), x.stall_tag);
    EXPECT_EQ(smmu_stall_count(r.s()), 1u);
}

// 6.3.9, 4.7.2: stalls terminated before their record could be written lose the record
// ("Pending stall fault event records are prevented from being recorded").
TEST(StallRecords, TerminationDiscardsWaitingRecords)
{
    Rig r;
    r.add_stream(1, stalling_s1());
    r.add_stream(2, stalling_s1());
    r.enable(false);
    r.xlate_stallable(1, VA, 1);
    r.xlate_stallable(2, VA, 2);
    r.stall_term(1);
    ASSERT_EQ(r.done().size(), 1u);
    EXPECT_EQ(r.done()[0].first, 1u);
    EXPECT_FALSE(r.done()[0].second.recorded);
    r.set_cr0(r.cr0() & ~reg::CR0_SMMUEN);
    ASSERT_EQ(r.done().size(), 2u);
    EXPECT_EQ(r.done()[1].first, 2u);
    r.set_cr0(r.cr0() | reg::CR0_EVENTQEN);
    EXPECT_TRUE(r.pending_events().empty());
    EXPECT_EQ(smmu_stall_count(r.s()), 0u);
}

// 4.7.1 makes it CONSTRAINED UNPREDICTABLE whether a RESUME acts on a stall whose record is not
// visible yet; the model acts on it.
TEST(StallRecords, ResumeActsOnAStallWhoseRecordIsWaiting)
{
    Rig r;
    r.add_stream(1, stalling_s1());
    r.enable(false);
    smmu_xlate_t x = r.xlate(1, VA);
    r.resume(1, x.stall_tag, false, true);
    ASSERT_EQ(r.done().size(), 1u);
    EXPECT_EQ(r.done()[0].second.status, SMMU_XLATE_FAULT);
    r.set_cr0(r.cr0() | reg::CR0_EVENTQEN);
    EXPECT_TRUE(r.pending_events().empty());
}

}  // namespace
}  // namespace stall_test
