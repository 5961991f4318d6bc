// SPDX-License-Identifier: Apache-2.0
// Cache geometry limits (smmu_config_t: entries / ways / policy per cache). Every cache can be
// turned off with entries == 0 and translation stays correct (caches are invisible to the
// architecture: Arm IHI 0070 G.b 16.2), with no lookups counted for the cache that is off;
// smmu_config_check() rejects geometries the model cannot build.
#include "cache_rig.h"

namespace cache_test {
namespace {

constexpr uint64_t V1 = 0x100000, V2 = 0x101000, V3 = 0x600000;
constexpr uint64_t I1 = UINT64_C(0x1000100000), I2 = I1 + 0x1000;

enum Which { IOTLB, UTLB, STE, CD, WALK_S1, WALK_S2, NCACHES };
const char* const kNames[] = {"iotlb", "utlb", "ste_cache", "cd_cache", "walk_s1", "walk_s2"};

smmu_cache_geom_t& geom(smmu_config_t& c, int w)
{
    switch (w) {
    case IOTLB: return c.iotlb;
    case UTLB: return c.utlb;
    case STE: return c.ste_cache;
    case CD: return c.cd_cache;
    case WALK_S1: return c.walk_s1;
    default: return c.walk_s2;
    }
}

const smmu_cache_stats_t& cstats(const smmu_stats_t& s, int w)
{
    switch (w) {
    case IOTLB: return s.iotlb;
    case UTLB: return s.utlb;
    case STE: return s.ste_cache;
    case CD: return s.cd_cache;
    case WALK_S1: return s.walk_s1;
    default: return s.walk_s2;
    }
}

// A workload touching every cache: stage 1 (with substreams), stage 2, nested; repeated.
// Returns the number of translations; every one is checked.
unsigned workload(Rig& r, unsigned rounds)
{
    Stream& a = r.s1_stream(1, 1, 1, 12, 0, 1);
    Stream& d = r.s2_stream(2, 1);
    Stream& n = r.nested_stream(3, 5, 1);
    for (uint32_t ssid = 0; ssid < 2; ssid++) {
        a.pt(ssid).map(V1, 0x80000000 + ssid * 0x100000);
        a.pt(ssid).map(V2, 0x80001000 + ssid * 0x100000);
        a.pt(ssid).map(V3, 0x80002000 + ssid * 0x100000);
    }
    d.s2->map(I1, 0x81000000);
    d.s2->map(I2, 0x81001000);
    n.pt().map(V1, 0x82000000);
    n.pt().map(V3, 0x82001000);
    unsigned count = 0;
    for (unsigned k = 0; k < rounds; k++) {
        for (uint32_t ssid = 0; ssid < 2; ssid++) {
            EXPECT_EQ(r.xlate(1, V1 + 8, true, ssid).pa, 0x80000008 + ssid * 0x100000);
            EXPECT_EQ(r.xlate(1, V2 + 8, true, ssid).pa, 0x80001008 + ssid * 0x100000);
            EXPECT_EQ(r.xlate(1, V3 + 8, true, ssid).pa, 0x80002008 + ssid * 0x100000);
            count += 3;
        }
        EXPECT_EQ(r.xlate(2, I1 + 8).pa, 0x81000008u);
        EXPECT_EQ(r.xlate(2, I2 + 8).pa, 0x81001008u);
        EXPECT_EQ(r.xlate(3, V1 + 8).pa, 0x82000008u);
        EXPECT_EQ(r.xlate(3, V3 + 8).pa, 0x82001008u);
        count += 4;
    }
    return count;
}

TEST(Geometry, EachCacheCanBeTurnedOff)
{
    for (int w = 0; w < NCACHES; w++) {
        SCOPED_TRACE(std::string(kNames[w]) + " off");
        smmu_config_t c = smmu_config_default();
        geom(c, w).entries = 0;
        const char* why = nullptr;
        ASSERT_EQ(smmu_config_check(&c, &why), SMMU_OK) << why;
        Rig r(c);
        unsigned n = workload(r, 3);
        smmu_stats_t st = r.stats();
        EXPECT_EQ(st.translations, n);
        EXPECT_EQ(st.faulted + st.aborted, 0u);
        const smmu_cache_stats_t& cs = cstats(st, w);
        EXPECT_EQ(cs.lookups, 0u);
        EXPECT_EQ(cs.fills, 0u);
        EXPECT_EQ(cs.hits + cs.misses, 0u);
        for (int o = 0; o < NCACHES; o++) {
            if (o != w) {
                EXPECT_GT(cstats(st, o).lookups, 0u) << kNames[o] << " is on and must be used";
            }
        }
    }
}

TEST(Geometry, AllCachesOff)
{
    smmu_config_t c = smmu_config_default();
    for (int w = 0; w < NCACHES; w++)
        geom(c, w).entries = 0;
    Rig r(c);
    unsigned n = workload(r, 2);
    smmu_stats_t st = r.stats();
    EXPECT_EQ(st.translations, n);
    EXPECT_EQ(st.walks, n);  // every translation walks
    for (int w = 0; w < NCACHES; w++)
        EXPECT_EQ(cstats(st, w).lookups, 0u) << kNames[w];
}

// TLBs off: every access walks; walk caches off: every walk reads every level.
TEST(Geometry, TlbsOffEveryAccessWalks)
{
    smmu_config_t c = smmu_config_default();
    c.iotlb.entries = 0;
    c.utlb.entries = 0;
    Rig r(c);
    Stream& a = r.s1_stream(1, 1, 1);
    a.pt().map(V1, 0x80000000);
    smmu_xlate_t x = r.xlate(1, V1);
    EXPECT_TRUE(Walked(x, 0x80000000));
    EXPECT_EQ(x.work.s1_reads, 3u);
    for (int i = 0; i < 5; i++) {
        x = r.xlate(1, V1);
        EXPECT_TRUE(Walked(x, 0x80000000));
        EXPECT_EQ(x.work.s1_reads, 1u);  // the walk cache still skips levels 1 and 2
        EXPECT_EQ(x.work.walk_cache_hits, 1u);
    }
}

TEST(Geometry, WalkCachesOffEveryWalkReadsEveryLevel)
{
    smmu_config_t c = smmu_config_default();
    c.iotlb.entries = 0;
    c.utlb.entries = 0;
    c.walk_s1.entries = 0;
    c.walk_s2.entries = 0;
    Rig r(c);
    Stream& a = r.s1_stream(1, 1, 1);
    Stream& d = r.s2_stream(2, 1);
    a.pt().map(V1, 0x80000000);
    d.s2->map(I1, 0x81000000);
    for (int i = 0; i < 3; i++) {
        smmu_xlate_t x = r.xlate(1, V1);
        EXPECT_TRUE(Walked(x, 0x80000000));
        EXPECT_EQ(x.work.s1_reads, 3u);
        EXPECT_EQ(x.work.walk_cache_hits, 0u);
        x = r.xlate(2, I1);
        EXPECT_TRUE(Walked(x, 0x81000000));
        EXPECT_EQ(x.work.s2_reads, 3u);
    }
}

// Configuration caches off: every translation that is not served by the micro-TLB fetches
// its STE (and CD) again.
TEST(Geometry, ConfigCachesOffEveryTranslationFetches)
{
    for (int w : {STE, CD}) {
        SCOPED_TRACE(kNames[w]);
        smmu_config_t c = smmu_config_default();
        c.utlb.entries = 0;
        geom(c, w).entries = 0;
        Rig r(c);
        Stream& a = r.s1_stream(1, 1, 1);
        a.pt().map(V1, 0x80000000);
        EXPECT_TRUE(Walked(r.xlate(1, V1), 0x80000000));
        for (int i = 0; i < 3; i++) {
            smmu_xlate_t x = r.xlate(1, V1);
            EXPECT_TRUE(Cached(x, 0x80000000));  // the IOTLB still hits
            EXPECT_EQ(x.work.cfg_reads, 1u) << describe(x);
            EXPECT_EQ(x.work.cfg_hit, w != STE);
        }
    }
}

// ------------------------------------------------------------------------------------------
// smmu_config_check
// ------------------------------------------------------------------------------------------

struct Bad {
    smmu_cache_geom_t g;
    const char* what;
};

TEST(Geometry, ConfigCheckRejectsImpossibleGeometries)
{
    const Bad bad[] = {
        {{12, 8, SMMU_POLICY_LRU}, "ways do not divide entries"},
        {{4, 8, SMMU_POLICY_LRU}, "more ways than entries"},
        {{24, 8, SMMU_POLICY_LRU}, "3 sets: not a power of two"},
        {{48, 16, SMMU_POLICY_FIFO}, "3 sets: not a power of two"},
        {{24, 6, SMMU_POLICY_PLRU}, "tree-PLRU with 6 ways"},
        {{12, 0, SMMU_POLICY_PLRU}, "tree-PLRU, fully associative with 12 ways"},
        {{16, 4, static_cast<smmu_policy_t>(9)}, "unknown policy"},
    };
    for (int w = 0; w < NCACHES; w++) {
        for (const Bad& b : bad) {
            SCOPED_TRACE(std::string(kNames[w]) + ": " + b.what);
            smmu_config_t c = smmu_config_default();
            geom(c, w) = b.g;
            const char* why = nullptr;
            EXPECT_EQ(smmu_config_check(&c, &why), SMMU_E_CONFIG);
            EXPECT_NE(why, nullptr);
            EXPECT_EQ(smmu_config_footprint(&c), 0u);
            FakeMem m;
            smmu_host_ops_t ops = m.ops();
            smmu_t* s = nullptr;
            EXPECT_EQ(smmu_create(&c, &ops, &s), SMMU_E_CONFIG);
            EXPECT_EQ(s, nullptr);
            smmu_destroy(s);
        }
    }
}

TEST(Geometry, MicroTlbMustBeFullyAssociative)
{
    smmu_config_t c = smmu_config_default();
    c.utlb = {32, 8, SMMU_POLICY_LRU};
    const char* why = nullptr;
    EXPECT_EQ(smmu_config_check(&c, &why), SMMU_E_CONFIG);
    EXPECT_NE(why, nullptr);
    for (smmu_cache_geom_t ok : {smmu_cache_geom_t{32, 32, SMMU_POLICY_LRU},
                                 smmu_cache_geom_t{32, 0, SMMU_POLICY_PLRU},
                                 smmu_cache_geom_t{6, 6, SMMU_POLICY_LFU},
                                 smmu_cache_geom_t{0, 8, SMMU_POLICY_LRU}}) {
        c.utlb = ok;
        EXPECT_EQ(smmu_config_check(&c, &why), SMMU_OK) << why;
    }
}

TEST(Geometry, ConfigCheckAcceptsPossibleGeometries)
{
    const smmu_cache_geom_t good[] = {
        {0, 0, SMMU_POLICY_LRU},     {0, 3, SMMU_POLICY_PLRU},   // off: ways/policy ignored
        {1, 1, SMMU_POLICY_LRU},     {12, 0, SMMU_POLICY_LFU},   // FA, any entry count
        {12, 12, SMMU_POLICY_FIFO},  {12, 3, SMMU_POLICY_RANDOM},  // 4 sets of 3 ways
        {64, 8, SMMU_POLICY_PLRU},   {2048, 8, SMMU_POLICY_LRU},
    };
    for (int w = 0; w < NCACHES; w++) {
        for (const smmu_cache_geom_t& g : good) {
            if (w == UTLB && g.ways && g.ways != g.entries)
                continue;  // the micro-TLB must be fully associative
            SCOPED_TRACE(std::string(kNames[w]) + " " + std::to_string(g.entries) + "/" +
                         std::to_string(g.ways));
            smmu_config_t c = smmu_config_default();
            geom(c, w) = g;
            const char* why = nullptr;
            EXPECT_EQ(smmu_config_check(&c, &why), SMMU_OK) << why;
            // and such an instance translates
            Rig r(c);
            Stream& a = r.s1_stream(1, 1, 1);
            a.pt().map(V1, 0x80000000);
            EXPECT_EQ(r.xlate(1, V1).pa, 0x80000000u);
            EXPECT_EQ(r.xlate(1, V1).pa, 0x80000000u);
        }
    }
}

// A smaller cache costs less memory; a cache that is off costs none.
TEST(Geometry, FootprintFollowsGeometry)
{
    smmu_config_t c = smmu_config_default();
    size_t full = smmu_config_footprint(&c);
    ASSERT_GT(full, 0u);
    for (int w = 0; w < NCACHES; w++) {
        smmu_config_t d = c;
        geom(d, w).entries = 0;
        EXPECT_LT(smmu_config_footprint(&d), full) << kNames[w];
    }
}

}  // namespace
}  // namespace cache_test
