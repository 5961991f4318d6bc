// SPDX-License-Identifier: Apache-2.0
// Property: the event queue never holds more than its size, and no record is lost silently.
// Every record the SMMU had to write is either in the queue (stats.events) or counted as
// discarded (stats.events_dropped); a record that finds the queue full toggles
// EVENTQ_PROD.OVFLG unless an overflow is already pending (IHI 0070 7.4), and a disabled queue
// or an EVENTQ_ABT_ERR discards records without an overflow (7.2). The records that are in
// the queue are exactly the first ones, in order, byte for byte as the translations reported.
#include <gtest/gtest.h>

#include <deque>

#include "rob_rig.h"

using namespace rob;

namespace {

// One stage-1 stream (StreamID 1) whose tables map nothing: every translation is an
// F_TRANSLATION, recorded (CD.R = 1, no stall).
uint64_t fault_stream(Rig& rig)
{
    uint64_t root = rig.alloc(4096, 4096);
    CdDesc cd;
    cd.asid = 1;
    cd.ttb0 = root;
    uint64_t cd_pa = rig.alloc(64, 64);
    rig.write_cd(cd_pa, cd);
    SteDesc ste;
    ste.s1_context_ptr = cd_pa;
    rig.set_ste(1, ste);
    return root;
}

struct QueueState {
    uint32_t prod, cons;
    unsigned used(unsigned log2) const
    {
        uint32_t m = (2u << log2) - 1;
        return ((prod & m) - (cons & m)) & m;
    }
    bool overflow_pending() const
    {
        return ((prod ^ cons) & reg::EVENTQ_OVFLG) != 0;
    }
};

QueueState queue(Rig& rig)
{
    return {rig.dev().rd32(reg::EVENTQ_PROD), rig.dev().rd32(reg::EVENTQ_CONS)};
}

}  // namespace

TEST(EventQueue, NeverHoldsMoreThanItsSizeAndCountsEveryDiscardedRecord)
{
    Rng rng(test_seed(0xE7E7));
    for (unsigned log2 = 0; log2 <= 4; log2++) {
        SCOPED_TRACE(testing::Message() << "queue of " << (1u << log2) << " entries");
        RigOptions o;
        o.evtq_log2 = log2;
        Rig rig(smmu_config_default(), o);
        fault_stream(rig);
        const unsigned size = 1u << log2;
        std::deque<std::array<uint64_t, 4>> expected;  // what the queue must hold, in order
        uint64_t faults = 0, dropped = 0;
        for (unsigned i = 0; i < scaled(600); i++) {
            if (rng.chance(80)) {
                QueueState before = queue(rig);
                smmu_xlate_t x = rig.xlate(txn(1, rng.below(uint64_t{1} << 48) & ~uint64_t{3}));
                ASSERT_EQ(x.status, SMMU_XLATE_FAULT) << describe(x);
                faults++;
                QueueState after = queue(rig);
                if (before.used(log2) < size) {
                    ASSERT_TRUE(x.recorded);
                    std::array<uint64_t, 4> raw;
                    for (unsigned k = 0; k < 4; k++)
                        raw[k] = x.event.raw[k];
                    expected.push_back(raw);
                } else {
                    // 7.4: discarded; OVFLG toggles unless an overflow is already pending
                    EXPECT_FALSE(x.recorded);
                    dropped++;
                    EXPECT_TRUE(after.overflow_pending());
                    if (!before.overflow_pending())
                        EXPECT_NE(after.prod & reg::EVENTQ_OVFLG, before.prod & reg::EVENTQ_OVFLG);
                    else
                        EXPECT_EQ(after.prod & reg::EVENTQ_OVFLG, before.prod & reg::EVENTQ_OVFLG);
                }
                ASSERT_LE(after.used(log2), size);
            } else {
                // software consumes some records (not necessarily all), as a driver would
                QueueState q = queue(rig);
                unsigned n = static_cast<unsigned>(rng.below(q.used(log2) + 1));
                uint32_t m = (2u << log2) - 1;
                for (unsigned k = 0; k < n; k++) {
                    uint32_t c = (q.cons + k) & m;
                    uint64_t a = rig.evtq_base() + 32 * uint64_t{c & (size - 1)};
                    ASSERT_FALSE(expected.empty());
                    for (unsigned d = 0; d < 4; d++)
                        EXPECT_EQ(rig.mem().read64(a + 8 * d), expected.front()[d]) << "dword " << d;
                    expected.pop_front();
                }
                uint32_t cons = ((q.cons + n) & m) |
                                (rng.chance(50) ? (q.prod & reg::EVENTQ_OVFLG)  // acknowledge
                                                : (q.cons & reg::EVENTQ_OVACKFLG));
                rig.dev().wr32(reg::EVENTQ_CONS, cons);
            }
            smmu_stats_t st;
            smmu_stats_get(rig.s(), &st);
            ASSERT_EQ(st.events + st.events_dropped, faults) << "a record was lost silently";
            ASSERT_EQ(st.events_dropped, dropped);
            ASSERT_EQ(queue(rig).used(log2), expected.size());
        }
        EXPECT_GT(dropped, 0u);
    }
}

TEST(EventQueue, DisabledQueueDiscardsAndCountsWithoutOverflow)
{
    RigOptions o;
    o.evtq_enable = false;
    Rig rig(smmu_config_default(), o);
    fault_stream(rig);
    for (unsigned i = 0; i < 10; i++) {
        smmu_xlate_t x = rig.xlate(txn(1, 0x1000 * i));
        EXPECT_EQ(x.status, SMMU_XLATE_FAULT);
        EXPECT_FALSE(x.recorded);
    }
    smmu_stats_t st;
    smmu_stats_get(rig.s(), &st);
    EXPECT_EQ(st.events, 0u);
    EXPECT_EQ(st.events_dropped, 10u);
    EXPECT_FALSE(queue(rig).overflow_pending()) << "7.2.1: no overflow while disabled";
}

TEST(EventQueue, AbortedRecordWriteIsCountedAndStopsTheQueue)
{
    Rig rig(smmu_config_default());
    fault_stream(rig);
    // Move the queue to memory that does not exist (RAM ends at 2^40): the record write
    // aborts, GERROR.EVENTQ_ABT_ERR is raised, and later records are discarded (7.2.2).
    rig.dev().wr32(reg::CR0, reg::CR0_SMMUEN | reg::CR0_CMDQEN);
    ASSERT_EQ(rig.dev().rd32(reg::CR0ACK), reg::CR0_SMMUEN | reg::CR0_CMDQEN);
    rig.dev().wr64(reg::EVENTQ_BASE, (uint64_t{1} << 41) | 3u);
    rig.dev().wr32(reg::EVENTQ_PROD, 0);
    rig.dev().wr32(reg::EVENTQ_CONS, 0);
    rig.dev().wr32(reg::CR0, reg::CR0_SMMUEN | reg::CR0_CMDQEN | reg::CR0_EVENTQEN);
    for (unsigned i = 0; i < 5; i++)
        EXPECT_FALSE(rig.xlate(txn(1, 0x1000 * i)).recorded);
    smmu_stats_t st;
    smmu_stats_get(rig.s(), &st);
    EXPECT_EQ(st.events, 0u);
    EXPECT_EQ(st.events_dropped, 5u);
    EXPECT_TRUE(rig.dev().rd32(reg::GERROR) & reg::GERROR_EVENTQ_ABT_ERR);
}
