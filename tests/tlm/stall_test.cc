// SPDX-License-Identifier: Apache-2.0
// Stalls: the master's thread blocks in b_transport until software resumes (retry, abort,
// RAZ/WI) or terminates the stalled transaction. Skipped while the core terminates stalling
// faults instead of holding them (the stall model in c_core/src/stall.c).
#include <cstring>

#include "tlm_harness.h"

using namespace tlmtest;

namespace {

constexpr uint64_t OP_RESUME = 0x44, OP_STALL_TERM = 0x45;

struct stall_rig {
    platform& p;
    drv::Domain* dom = nullptr;
    bool master_done = false;
    test_master::result res{};

    explicit stall_rig(platform& pl) : p(pl) {}

    // A stage-1 stream whose faults stall: STE.S1STALLD = 0, CD.S = 1, set before first use.
    void setup()
    {
        dom = p.setup_s1(SID, IOVA, DATA_PA, PAGE);
        p.modify(p.ste_addr(SID) + 8, 0, 1ull << 27);
        p.modify(dom->cd, 1ull << 44, 0);
        p.driver().cfgi_ste(SID);
        std::memset(p.mem.at(DATA_PA + 4 * PAGE), 0x5A, 8);
    }
    // The master reads an unmapped page from its own thread.
    void start()
    {
        sc_core::sc_spawn([this] {
            res = p.master().read(IOVA + PAGE, 8);
            master_done = true;
        });
        wait(100, SC_NS);
    }
    // The stall's event; false (test skipped) if the core did not stall.
    bool stalled(uint16_t* stag)
    {
        if (master_done || smmu_stall_count(p.smmu.smmu()) == 0)
            return false;
        auto ev = p.events();
        EXPECT_EQ(ev.size(), 1u);
        if (ev.empty())
            return false;
        EXPECT_EQ(ev[0].type(), 0x10u);
        EXPECT_TRUE((ev[0].raw[1] >> 31) & 1) << "Stall bit";
        *stag = static_cast<uint16_t>(ev[0].raw[1] & 0xFFFF);
        return true;
    }
    void resume(uint16_t stag, bool retry, bool abort)
    {
        p.driver().cmd(OP_RESUME | (retry ? 1ull << 12 : 0) | (abort ? 1ull << 13 : 0) |
                           (static_cast<uint64_t>(SID) << 32),
                       stag);
        p.driver().sync();
        wait(100, SC_NS);
    }
};

#define SKIP_UNLESS_STALLED(r, stag)                                                         \
    do {                                                                                     \
        if (!(r).stalled(&(stag)))                                                           \
            GTEST_SKIP() << "the core did not stall the transaction (stall model pending); " \
                            "master finished: " << (r).master_done;                           \
    } while (0)

}  // namespace

TEST(Stall, ResumedWithRetrySucceeds)
{
    platform p;
    p.run([&] {
        stall_rig r(p);
        r.setup();
        r.start();
        uint16_t stag = 0;
        SKIP_UNLESS_STALLED(r, stag);
        EXPECT_FALSE(r.master_done);
        // fix the cause, then retry
        p.driver().map(r.dom, IOVA + PAGE, DATA_PA + 4 * PAGE, PAGE, drv::PROT_READ);
        r.resume(stag, true, false);
        ASSERT_TRUE(r.master_done);
        EXPECT_EQ(r.res.status, tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(r.res.data[0], 0x5A);
        EXPECT_EQ(p.smmu.counters().stalls, 1u);
        EXPECT_EQ(smmu_stall_count(p.smmu.smmu()), 0u);
    });
}

TEST(Stall, ResumedWithAbortIsAnError)
{
    platform p;
    p.run([&] {
        stall_rig r(p);
        r.setup();
        r.start();
        uint16_t stag = 0;
        SKIP_UNLESS_STALLED(r, stag);
        r.resume(stag, false, true);
        ASSERT_TRUE(r.master_done);
        EXPECT_EQ(r.res.status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    });
}

TEST(Stall, ResumedAsRazWiReadsZero)
{
    platform p;
    p.run([&] {
        stall_rig r(p);
        r.setup();
        r.start();
        uint16_t stag = 0;
        SKIP_UNLESS_STALLED(r, stag);
        r.resume(stag, false, false);
        ASSERT_TRUE(r.master_done);
        EXPECT_EQ(r.res.status, tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(r.res.data, std::vector<unsigned char>(8, 0));
    });
}

TEST(Stall, StallTermTerminatesWithAnError)
{
    platform p;
    p.run([&] {
        stall_rig r(p);
        r.setup();
        r.start();
        uint16_t stag = 0;
        SKIP_UNLESS_STALLED(r, stag);
        p.driver().cmd(OP_STALL_TERM | (static_cast<uint64_t>(SID) << 32), 0);
        p.driver().sync();
        wait(100, SC_NS);
        ASSERT_TRUE(r.master_done);
        EXPECT_EQ(r.res.status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    });
}

// A master that cannot wait (smmu_ext::no_stall): the stalling fault terminates at once.
TEST(Stall, NoStallMastersTerminateAtOnce)
{
    platform p;
    p.run([&] {
        stall_rig r(p);
        r.setup();
        smmuv3::smmu_ext e;
        e.stream_id = SID;
        e.no_stall = true;
        auto res = p.master().read(IOVA + PAGE, 8, &e);
        EXPECT_EQ(res.status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(smmu_stall_count(p.smmu.smmu()), 0u);
        EXPECT_EQ(p.events().size(), 1u);
    });
}
