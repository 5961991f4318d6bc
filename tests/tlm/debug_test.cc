// SPDX-License-Identifier: Apache-2.0
// transport_dbg on an upstream socket: translated with SMMU_TXN_DEBUG and forwarded as
// transport_dbg, with no side effect at all (statistics, events, HTTU updates, timing).
#include <cstring>

#include "tlm_harness.h"

using namespace tlmtest;

namespace {

bool same_stats(const smmu_stats_t& a, const smmu_stats_t& b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace

TEST(Debug, TransportDbgHasNoSideEffects)
{
    platform p;
    p.run([&] {
        drv::Domain* d = p.setup_s1(SID, IOVA, DATA_PA, 4 * PAGE);
        p.modify(d->cd, 1ull << 43, 0);  // CD.HA = 1: accesses set the access flag
        const uint64_t pte = p.pte_addr(d, IOVA + PAGE);
        p.modify(pte, 0, 1ull << 10);    // page 1: AF = 0
        std::memset(p.mem.at(DATA_PA + 2 * PAGE + 0x30), 0x42, 16);
        const smmu_stats_t s0 = p.stats();
        const uint64_t transports0 = p.mem.transports;
        const sc_time t0 = sc_core::sc_time_stamp();

        unsigned char buf[16] = {};
        EXPECT_EQ(p.master().debug(tlm::TLM_READ_COMMAND, IOVA + 2 * PAGE + 0x30, buf, 16), 16u);
        EXPECT_EQ(buf[0], 0x42);
        EXPECT_EQ(buf[15], 0x42);
        // the page whose access flag is clear: whatever the debug translation answers, the
        // flag must not be set by it
        p.master().debug(tlm::TLM_READ_COMMAND, IOVA + PAGE, buf, 8);
        // a fault: nothing transferred, nothing recorded
        EXPECT_EQ(p.master().debug(tlm::TLM_READ_COMMAND, IOVA + 64 * PAGE, buf, 8), 0u);
        // bad StreamID: same
        smmuv3::smmu_ext e;
        e.stream_id = 0x1000;
        EXPECT_EQ(p.master().debug(tlm::TLM_READ_COMMAND, IOVA, buf, 8, &e), 0u);

        EXPECT_TRUE(same_stats(s0, p.stats())) << "statistics changed";
        EXPECT_EQ(p.mem.transports, transports0) << "b_transport used downstream";
        EXPECT_EQ(sc_core::sc_time_stamp(), t0);
        EXPECT_FALSE(p.mem.read64(pte) & (1ull << 10)) << "access flag updated";
        EXPECT_TRUE(p.events().empty()) << "event recorded";
        EXPECT_EQ(p.smmu.irq_count(SMMU_IRQ_EVENTQ), 0u);
        // a real access does set the flag (the HTTU set-up is right)
        EXPECT_EQ(p.master().read(IOVA + PAGE, 8).status, tlm::TLM_OK_RESPONSE);
        EXPECT_TRUE(p.mem.read64(pte) & (1ull << 10));
    });
}

TEST(Debug, TransportDbgWritesAndCrossesPages)
{
    platform p;
    p.run([&] {
        drv::Domain* d = p.setup_s1(SID, IOVA, DATA_PA, 0);
        p.driver().map(d, IOVA, DATA_PA + 6 * PAGE, PAGE, drv::PROT_READ | drv::PROT_WRITE);
        p.driver().map(d, IOVA + PAGE, DATA_PA + 2 * PAGE, PAGE,
                       drv::PROT_READ | drv::PROT_WRITE);
        unsigned char buf[32];
        for (unsigned i = 0; i < 32; i++)
            buf[i] = static_cast<unsigned char>(i + 1);
        EXPECT_EQ(p.master().debug(tlm::TLM_WRITE_COMMAND, IOVA + PAGE - 16, buf, 32), 32u);
        EXPECT_EQ(std::memcmp(p.mem.at(DATA_PA + 7 * PAGE - 16), buf, 16), 0);
        EXPECT_EQ(std::memcmp(p.mem.at(DATA_PA + 2 * PAGE), buf + 16, 16), 0);
        // the second page unmapped: only the first part is transferred
        p.driver().unmap(d, IOVA + PAGE, PAGE);
        unsigned char rd[32] = {};
        EXPECT_EQ(p.master().debug(tlm::TLM_READ_COMMAND, IOVA + PAGE - 16, rd, 32), 16u);
        EXPECT_EQ(std::memcmp(rd, buf, 16), 0);
    });
}
