// SPDX-License-Identifier: Apache-2.0
// Properties: statistics add up, and the model is deterministic.
//  - For every cache, hits + misses == lookups, at every step of a random workload.
//  - Every recordable fault is either in the queue or counted as dropped.
//  - The same inputs give bit-identical outputs (translation results, event records, register
//    values, statistics): the same random workload run twice in one process, on two live
//    instances in lock step, and (with the PrintDigest test, run twice by ctest) in two
//    processes. The random replacement policy is seeded by smmu_config_t::seed, so it is
//    deterministic too, and a different seed does change the outcome.
#include <gtest/gtest.h>

#include <cstdio>

#include "workload.h"

using namespace rob;

namespace {

smmu_config_t random_policy(uint64_t seed)
{
    smmu_config_t c = tiny_caches(SMMU_POLICY_RANDOM, seed);
    c.num_ports = 2;
    return c;
}

void expect_cache_sums(const smmu_stats_t& st)
{
    const struct {
        const char* name;
        const smmu_cache_stats_t* c;
    } caches[] = {{"iotlb", &st.iotlb},         {"utlb", &st.utlb},
                  {"ste_cache", &st.ste_cache}, {"cd_cache", &st.cd_cache},
                  {"walk_s1", &st.walk_s1},     {"walk_s2", &st.walk_s2}};
    for (const auto& c : caches)
        ASSERT_EQ(c.c->hits + c.c->misses, c.c->lookups) << c.name;
}

uint64_t run_digest(const smmu_config_t& cfg, uint64_t seed, unsigned steps)
{
    Workload w(cfg, seed);
    w.run(steps);
    Digest d;
    d.add(w.digest());
    smmu_stats_t st;
    smmu_stats_get(w.rig().s(), &st);
    d.add(st);
    return d.value();
}

}  // namespace

TEST(Statistics, CacheCountersAddUpAtEveryStep)
{
    for (smmu_policy_t p : {SMMU_POLICY_LRU, SMMU_POLICY_RANDOM, SMMU_POLICY_PLRU}) {
        smmu_config_t cfg = tiny_caches(p, 3);
        cfg.num_ports = 2;
        Workload w(cfg, test_seed(0x57A7) + p);
        for (unsigned i = 0; i < scaled(3000); i++) {
            w.step();
            smmu_stats_t st;
            smmu_stats_get(w.rig().s(), &st);
            expect_cache_sums(st);
            ASSERT_EQ(st.events + st.events_dropped, w.recordable_faults())
                << "a record was lost silently";
            if (HasFatalFailure())
                return;
        }
        smmu_stats_t st;
        smmu_stats_get(w.rig().s(), &st);
        // the workload exercises every cache and overflows its event queue
        EXPECT_GT(st.iotlb.evictions, 0u);
        EXPECT_GT(st.utlb.hits, 0u);
        EXPECT_GT(st.walk_s1.lookups, 0u);
        EXPECT_GT(st.walk_s2.lookups, 0u);
        EXPECT_GT(st.events_dropped, 0u);
        EXPECT_EQ(st.translations, w.translations());
        for (const std::string& f : w.failures())
            ADD_FAILURE() << f;
    }
}

TEST(Statistics, PerStreamCountersAddUpToTheTotals)
{
    smmu_config_t cfg = smmu_config_default();
    cfg.num_ports = 2;
    Workload w(cfg, test_seed(0x57A8));
    for (uint32_t sid = 1; sid <= 7; sid++)
        ASSERT_EQ(smmu_stats_track_stream(w.rig().s(), sid, true), SMMU_OK);
    smmu_stats_t before;
    smmu_stats_get(w.rig().s(), &before);
    w.run(scaled(2000));
    smmu_stats_t st;
    smmu_stats_get(w.rig().s(), &st);
    uint64_t translations = 0, faults = 0;
    for (uint32_t sid = 1; sid <= 7; sid++) {
        smmu_stream_stats_t ss;
        ASSERT_EQ(smmu_stream_stats_get(w.rig().s(), sid, &ss), SMMU_OK);
        translations += ss.translations;
        faults += ss.faults;
    }
    EXPECT_EQ(translations, st.translations - before.translations);
    EXPECT_EQ(faults, st.faulted - before.faulted);
}

TEST(Determinism, SameWorkloadTwiceInOneProcess)
{
    for (uint64_t seed : {1ull, 2ull, 0xDEADBEEFull}) {
        smmu_config_t cfg = random_policy(seed);
        uint64_t a = run_digest(cfg, test_seed(0xD0) + seed, scaled(3000));
        uint64_t b = run_digest(cfg, test_seed(0xD0) + seed, scaled(3000));
        EXPECT_EQ(a, b) << "seed " << seed;
    }
}

// Two instances alive at once, driven step by step: every step's observations are identical.
TEST(Determinism, TwoInstancesInLockStep)
{
    for (smmu_policy_t p : {SMMU_POLICY_RANDOM, SMMU_POLICY_LRU, SMMU_POLICY_LFU}) {
        smmu_config_t cfg = tiny_caches(p, 99);
        cfg.num_ports = 2;
        Workload a(cfg, test_seed(0xD1)), b(cfg, test_seed(0xD1));
        for (unsigned i = 0; i < scaled(3000); i++) {
            a.step();
            b.step();
            ASSERT_EQ(a.step_digest(), b.step_digest()) << "policy " << p << ", step " << i;
        }
        smmu_stats_t sa, sb;
        smmu_stats_get(a.rig().s(), &sa);
        smmu_stats_get(b.rig().s(), &sb);
        Digest da, db;
        da.add(sa);
        db.add(sb);
        EXPECT_EQ(da.value(), db.value()) << "statistics differ";
        // and what the SMMU wrote to memory (event records, CMD_SYNC) is identical
        ASSERT_EQ(a.rig().mem().smmu_writes.size(), b.rig().mem().smmu_writes.size());
        for (size_t k = 0; k < a.rig().mem().smmu_writes.size(); k++) {
            EXPECT_EQ(a.rig().mem().smmu_writes[k].pa, b.rig().mem().smmu_writes[k].pa);
            EXPECT_EQ(a.rig().mem().smmu_writes[k].data, b.rig().mem().smmu_writes[k].data);
        }
    }
}

// The random replacement policy really is driven by the seed: another seed gives another
// sequence of hits and misses (so the digests above are sensitive to it).
TEST(Determinism, RandomPolicySeedMatters)
{
    uint64_t a = run_digest(random_policy(1), 0xD2, scaled(3000));
    uint64_t b = run_digest(random_policy(2), 0xD2, scaled(3000));
    EXPECT_NE(a, b);
}

// Printed for the cross-process check (tests/robustness/CMakeLists.txt runs this twice, with
// different heap layouts, and compares the line).
TEST(Determinism, PrintDigest)
{
    uint64_t d = run_digest(random_policy(5), 0xD3, 3000);
    std::printf("determinism-digest %016llx\n", static_cast<unsigned long long>(d));
}
