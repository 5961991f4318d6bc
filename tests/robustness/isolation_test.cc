// SPDX-License-Identifier: Apache-2.0
// Property: no two translation contexts share a translation. Streams and substreams with
// different CDs and ASIDs, and stage-2 streams with different VMIDs, map the same IOVAs to
// different PAs (workload.h). Under remaps, unmaps and invalidations, with tiny caches of
// every replacement policy, an OK result is always the context's own current mapping or one of
// its own stale mappings not invalidated yet (IHI 0070 3.17, 4.4), never another context's.
#include <gtest/gtest.h>

#include "workload.h"

using namespace rob;

namespace {

struct Case {
    const char* name;
    smmu_config_t cfg;
};

std::vector<Case> configs()
{
    smmu_config_t two_ports = smmu_config_default();
    two_ports.num_ports = 2;
    std::vector<Case> v = {{"default", two_ports}};
    const struct {
        const char* name;
        smmu_policy_t p;
    } pols[] = {{"tiny_lru", SMMU_POLICY_LRU},   {"tiny_lfu", SMMU_POLICY_LFU},
                {"tiny_fifo", SMMU_POLICY_FIFO}, {"tiny_random", SMMU_POLICY_RANDOM},
                {"tiny_plru", SMMU_POLICY_PLRU}};
    for (const auto& p : pols) {
        smmu_config_t c = tiny_caches(p.p, 0x1234);
        c.num_ports = 2;
        v.push_back({p.name, c});
    }
    return v;
}

class Isolation : public ::testing::TestWithParam<Case> {};

void report(const Workload& w)
{
    for (const std::string& f : w.failures())
        ADD_FAILURE() << f;
}

}  // namespace

// Lazy invalidation: remaps are invalidated some time later (or never), so stale results of
// the same context are allowed, and must happen sometimes for the test to mean something.
TEST_P(Isolation, StaleResultsStayInTheirContext)
{
    const uint64_t seed0 = test_seed(0x150000);
    unsigned ok = 0, stale = 0;
    for (unsigned r = 0; r < scaled(6); r++) {
        Workload w(GetParam().cfg, seed0 + r);
        w.run(scaled(3000));
        SCOPED_TRACE(testing::Message() << "seed 0x" << std::hex << seed0 + r);
        report(w);
        ok += w.ok();
        stale += w.stale_hits();
    }
    EXPECT_GT(ok, 100u);
    RecordProperty("stale_hits", static_cast<int>(stale));
    if (std::string(GetParam().name) == "default") {
        EXPECT_GT(stale, 0u) << "no stale translation was ever observed";
    }
}

// Strict invalidation: every remap is followed by its TLBI + CMD_SYNC, so only the current
// mapping is allowed (4.4: after the CMD_SYNC completes, no old translation may be used).
TEST_P(Isolation, InvalidatedRemapsAreNeverStale)
{
    const uint64_t seed0 = test_seed(0x150100);
    Workload::Options o;
    o.strict = true;
    for (unsigned r = 0; r < scaled(4); r++) {
        Workload w(GetParam().cfg, seed0 + r, o);
        w.run(scaled(3000));
        SCOPED_TRACE(testing::Message() << "seed 0x" << std::hex << seed0 + r);
        report(w);
        EXPECT_EQ(w.stale_hits(), 0u);
    }
}

INSTANTIATE_TEST_SUITE_P(Configs, Isolation, ::testing::ValuesIn(configs()),
                         [](const ::testing::TestParamInfo<Case>& i) { return i.param.name; });
