// SPDX-License-Identifier: Apache-2.0
// Timing annotation: exact values on micro-TLB hits, IOTLB hits and walks, computed from the
// configured latencies and the downstream target's annotation (DMI or not); no wait() on
// the hit path; correctness when the downstream target synchronises inside b_transport.
#include <cstring>

#include "tlm_harness.h"

using namespace tlmtest;

namespace {

smmuv3::timing test_timing()
{
    smmuv3::timing t;
    t.utlb_hit = sc_time(3, SC_NS);
    t.iotlb_hit = sc_time(7, SC_NS);
    t.walk_level = sc_time(2, SC_NS);
    t.cfg_fetch = sc_time(5, SC_NS);
    t.bypass = sc_time(1, SC_NS);
    return t;
}

struct timing_case {
    bool dmi;
    unsigned mem_ns;
};

class Timing : public ::testing::TestWithParam<timing_case> {};

}  // namespace

TEST_P(Timing, WalkAndMicroTlbHitLatencies)
{
    const timing_case tc = GetParam();
    const sc_time mem(tc.mem_ns, SC_NS);
    platform p(default_config(), test_timing());
    p.mem.dmi_enabled = tc.dmi;
    p.mem.read_latency = p.mem.write_latency = mem;
    p.run([&] {
        p.setup_s1();
        const smmu_stats_t s0 = p.stats();
        const sc_time t0 = sc_core::sc_time_stamp();
        auto miss = p.master().read(IOVA + 0x10, 8);
        EXPECT_EQ(sc_core::sc_time_stamp(), t0) << "the walk must not wait";
        const smmu_stats_t s1 = p.stats();
        const uint64_t cfg = s1.cfg_reads - s0.cfg_reads;
        const uint64_t desc = (s1.walk_reads_s1 - s0.walk_reads_s1) +
                              (s1.walk_reads_s2 - s0.walk_reads_s2);
        // the first translation of the stream: STE + CD, and a 4-level stage-1 walk
        EXPECT_EQ(cfg, 2u);
        EXPECT_EQ(desc, 4u);
        const sc_time want_miss = sc_time(7, SC_NS) + sc_time(5, SC_NS) * double(cfg) +
                                  sc_time(2, SC_NS) * double(desc) + mem * double(cfg + desc) +
                                  mem /* the data read */;
        EXPECT_EQ(miss.delay, want_miss);
        auto hit = p.master().read(IOVA + 0x18, 8);
        EXPECT_EQ(hit.delay, sc_time(3, SC_NS) + mem);
        EXPECT_EQ(sc_core::sc_time_stamp(), t0) << "no wait() on the hit path";
        auto hit2 = p.master().read(IOVA + 0x800, 8);
        EXPECT_EQ(hit2.delay, sc_time(3, SC_NS) + mem);
    });
}

INSTANTIATE_TEST_SUITE_P(DownstreamAccess, Timing,
                         ::testing::Values(timing_case{true, 20}, timing_case{false, 20},
                                           timing_case{true, 33}, timing_case{false, 7}),
                         [](const ::testing::TestParamInfo<timing_case>& i) {
                             return std::string(i.param.dmi ? "Dmi" : "Transport") +
                                    std::to_string(i.param.mem_ns) + "ns";
                         });

TEST(TimingIotlb, IotlbHitLatency)
{
    smmu_config_t cfg = default_config();
    cfg.utlb.entries = 0; // no micro-TLB: hits come from the IOTLB
    platform p(cfg, test_timing());
    p.run([&] {
        p.setup_s1();
        p.master().read(IOVA, 8);
        const smmu_stats_t s0 = p.stats();
        auto hit = p.master().read(IOVA + 8, 8);
        const smmu_stats_t s1 = p.stats();
        EXPECT_EQ(s1.iotlb.hits - s0.iotlb.hits, 1u);
        EXPECT_EQ(hit.delay, sc_time(7, SC_NS) + p.mem.read_latency);
    });
}

TEST(TimingBypass, BypassLatencyWhileDisabled)
{
    platform p(default_config(), test_timing());
    p.run([&] {
        auto r = p.master().read(DATA_PA, 8);
        EXPECT_EQ(r.delay, sc_time(1, SC_NS) + p.mem.read_latency);
    });
}

// A downstream target that calls wait() inside b_transport: two masters walking at the same
// time must both get their own, correct, translation (the core is entered by one process at
// a time; SMMU-originated accesses share one payload).
TEST(TimingConcurrency, DownstreamTargetThatWaits)
{
    platform p(default_config(2), test_timing(), 2);
    p.mem.dmi_enabled = false;
    p.mem.sync_wait = sc_time(5, SC_NS);
    p.run([&] {
        p.setup_s1(1, IOVA, DATA_PA, 8 * PAGE);
        p.setup_s1(2, IOVA, DATA_PA + 8 * PAGE, 8 * PAGE);
        for (unsigned i = 0; i < 16; i++)
            std::memset(p.mem.at(DATA_PA + i * PAGE), 0x10 + i, 8);
        unsigned done = 0;
        for (unsigned m = 0; m < 2; m++) {
            sc_core::sc_spawn([&, m] {
                smmuv3::smmu_ext e;
                e.stream_id = m + 1;
                for (unsigned i = 0; i < 8; i++) {
                    auto r = p.master(m).read(IOVA + i * PAGE, 8, &e);
                    EXPECT_EQ(r.status, tlm::TLM_OK_RESPONSE);
                    EXPECT_EQ(r.data[0], 0x10 + m * 8 + i) << "master " << m << " page " << i;
                }
                done++;
            });
        }
        wait(10, sc_core::SC_US);
        EXPECT_EQ(done, 2u);
    });
}
