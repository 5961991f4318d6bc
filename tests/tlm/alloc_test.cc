// SPDX-License-Identifier: Apache-2.0
// The translation paths allocate nothing per transaction or per table access: SMMU-originated
// accesses reuse one payload (or go through DMI). Counted with a replaced global operator
// new (this test binary only); the C core never allocates after smmu_create() by contract.
#include <cstdlib>
#include <new>

#include "tlm_harness.h"

namespace {
unsigned long g_news = 0;
}

void* operator new(std::size_t n)
{
    g_news++;
    if (void* p = std::malloc(n ? n : 1))
        return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}

using namespace tlmtest;

namespace {

class Alloc : public ::testing::TestWithParam<bool> {};

}  // namespace

TEST_P(Alloc, MissAndHitPathsAllocateNothing)
{
    smmu_config_t cfg = default_config();
    cfg.iotlb.entries = 0; // every access walks
    cfg.utlb.entries = 0;
    cfg.walk_s1.entries = 0;
    platform p(cfg);
    p.mem.dmi_enabled = GetParam();
    p.mem.record = false;
    p.run([&] {
        p.setup_s1(SID, IOVA, DATA_PA, 64 * PAGE);
        tlm::tlm_generic_payload gp;
        unsigned char buf[8];
        gp.set_command(tlm::TLM_READ_COMMAND);
        gp.set_data_ptr(buf);
        gp.set_data_length(8);
        gp.set_streaming_width(8);
        sc_time d = SC_ZERO_TIME;
        gp.set_address(IOVA);
        p.master().socket->b_transport(gp, d); // first use: DMI regions, caches
        const smmu_stats_t s0 = p.stats();
        const unsigned long before = g_news;
        for (unsigned i = 0; i < 200; i++) {
            gp.set_address(IOVA + (i % 64) * PAGE);
            p.master().socket->b_transport(gp, d);
            ASSERT_TRUE(gp.is_response_ok());
        }
        const unsigned long allocs = g_news - before;
        const smmu_stats_t s1 = p.stats();
        EXPECT_EQ(s1.walks - s0.walks, 200u);
        EXPECT_EQ(s1.walk_reads_s1 - s0.walk_reads_s1, 800u);
        EXPECT_EQ(allocs, 0u);
    });
}

INSTANTIATE_TEST_SUITE_P(Downstream, Alloc, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& i) {
                             return std::string(i.param ? "Dmi" : "Transport");
                         });
