// SPDX-License-Identifier: Apache-2.0
// Statistics (smmu_stats_t, smmu_stream_stats_t) and smmu_translate_batch.
//  - hits + misses == lookups for every cache after a mixed workload (smmuv3_types.h:
//    "hits + misses == lookups always holds"), with small caches so that every cache evicts;
//  - smmu_stats_reset zeroes everything, and only the statistics;
//  - per-StreamID statistics count each stream's translations;
//  - smmu_translate_batch gives the results of smmu_translate called in order.
#include <cstring>
#include <random>

#include "cache_rig.h"

namespace cache_test {
namespace {

constexpr uint64_t VA0 = 0x100000;

smmu_config_t small_caches()
{
    smmu_config_t c = smmu_config_default();
    c.iotlb = {16, 4, SMMU_POLICY_LRU};
    c.utlb = {4, 4, SMMU_POLICY_FIFO};
    c.ste_cache = {4, 2, SMMU_POLICY_PLRU};
    c.cd_cache = {4, 2, SMMU_POLICY_LFU};
    c.walk_s1 = {8, 2, SMMU_POLICY_RANDOM};
    c.walk_s2 = {4, 2, SMMU_POLICY_LRU};
    return c;
}

std::vector<std::pair<const char*, smmu_cache_stats_t>> caches(const smmu_stats_t& s)
{
    return {{"iotlb", s.iotlb},         {"utlb", s.utlb},       {"ste_cache", s.ste_cache},
            {"cd_cache", s.cd_cache},   {"walk_s1", s.walk_s1}, {"walk_s2", s.walk_s2}};
}

// Streams: 1..4 stage 1 (stream 4 with 4 substreams), 5 stage 2, 6 nested, 7 NS-EL2,
// 8 bypass, 9 invalid (C_BAD_STE). Pages 0..31 mapped in each translating stream; page 40 is
// unmapped (F_TRANSLATION).
struct Mixed {
    Rig r;
    explicit Mixed(const smmu_config_t& c) : r(c)
    {
        for (uint32_t sid = 1; sid <= 3; sid++) {
            Stream& s = r.s1_stream(sid, static_cast<uint16_t>(sid), 1);
            for (unsigned i = 0; i < 32; i++)
                s.pt().map(VA0 + i * 0x1000u, 0x80000000 + sid * 0x100000 + i * 0x1000u);
        }
        Stream& m = r.s1_stream(4, 10, 2, 12, 0, 2);
        for (uint32_t ssid = 0; ssid < 4; ssid++)
            for (unsigned i = 0; i < 32; i++)
                m.pt(ssid).map(VA0 + i * 0x1000u, 0x84000000 + ssid * 0x100000 + i * 0x1000u);
        Stream& d = r.s2_stream(5, 3);
        for (unsigned i = 0; i < 32; i++)
            d.s2->map(UINT64_C(0x1000000000) + VA0 + i * 0x1000u, 0x85000000 + i * 0x1000u);
        Stream& n = r.nested_stream(6, 1, 4);
        for (unsigned i = 0; i < 32; i++)
            n.pt().map(VA0 + i * 0x1000u, 0x86000000 + i * 0x1000u);
        Stream& e = r.s1_stream(7, 0, 0, 12, 0b10);
        for (unsigned i = 0; i < 32; i++)
            e.pt().map(VA0 + i * 0x1000u, 0x87000000 + i * 0x1000u);
        Ste byp;
        byp.config = 0b100;
        r.write_ste(8, byp);
    }
    smmu_txn_t txn(std::mt19937& g) const
    {
        smmu_txn_t t{};
        t.stream_id = 1 + g() % 9;
        unsigned page = g() % 100 < 3 ? 40 : g() % 32;
        t.iova = VA0 + page * 0x1000u + (g() % 64) * 8;
        if (t.stream_id == 5)
            t.iova += UINT64_C(0x1000000000);
        if (t.stream_id == 4) {
            t.ssv = true;
            t.substream_id = g() % 4;
        }
        t.size = 8;
        t.write = g() % 4 == 0;
        return t;
    }
};

void check_invariants(const smmu_stats_t& st)
{
    for (auto& c : caches(st)) {
        EXPECT_EQ(c.second.hits + c.second.misses, c.second.lookups) << c.first;
        EXPECT_LE(c.second.evictions, c.second.fills) << c.first;
    }
}

TEST(Stats, HitsPlusMissesEqualLookupsAfterAMixedWorkload)
{
    for (bool small : {true, false}) {
        SCOPED_TRACE(small ? "small caches" : "default caches");
        Mixed m(small ? small_caches() : default_config());
        std::mt19937 g(42);
        unsigned n = 0;
        for (int round = 0; round < 8; round++) {
            for (int i = 0; i < 500; i++, n++) {
                smmu_txn_t t = m.txn(g);
                smmu_xlate_t x;
                smmu_translate(m.r.s(), &t, &x);
            }
            check_invariants(m.r.stats());
            // invalidations between rounds, of every kind
            switch (round % 4) {
            case 0: m.r.submit({cmd::tlbi_nh_va(1, 1, VA0, true), cmd::cfgi_ste(2, true)}); break;
            case 1: m.r.submit({cmd::tlbi_s12_vmall(3), cmd::cfgi_cd_all(4)}); break;
            case 2: m.r.submit({cmd::tlbi_el2_all(), cmd::tlbi_nh_asid(2, 11)}); break;
            default: m.r.submit({cmd::cfgi_all(), cmd::tlbi_nsnh_all()}); break;
            }
        }
        smmu_stats_t st = m.r.stats();
        check_invariants(st);
        EXPECT_EQ(st.translations, n);
        EXPECT_GT(st.faulted, 0u);   // page 40 and stream 9
        EXPECT_GT(st.bypassed, 0u);  // stream 8
        for (auto& c : caches(st)) {
            EXPECT_GT(c.second.hits, 0u) << c.first;
            EXPECT_GT(c.second.misses, 0u) << c.first;
            EXPECT_GT(c.second.invalidations, 0u) << c.first;
            if (small) {
                EXPECT_GT(c.second.evictions, 0u) << c.first;
            }
        }
    }
}

TEST(Stats, ResetZeroesEverythingAndOnlyTheStatistics)
{
    Mixed m(small_caches());
    ASSERT_EQ(smmu_stats_track_stream(m.r.s(), 1, true), SMMU_OK);
    std::mt19937 g(1);
    for (int i = 0; i < 2000; i++) {
        smmu_txn_t t = m.txn(g);
        smmu_xlate_t x;
        smmu_translate(m.r.s(), &t, &x);
    }
    smmu_stream_stats_t ss;
    ASSERT_EQ(smmu_stream_stats_get(m.r.s(), 1, &ss), SMMU_OK);
    EXPECT_GT(ss.translations, 0u);
    smmu_stats_reset(m.r.s());
    smmu_stats_t st = m.r.stats(), zero;
    std::memset(&zero, 0, sizeof zero);
    EXPECT_EQ(std::memcmp(&st, &zero, sizeof st), 0) << "every counter must be zero";
    ASSERT_EQ(smmu_stream_stats_get(m.r.s(), 1, &ss), SMMU_OK) << "still tracked";
    EXPECT_EQ(ss.translations + ss.iotlb_hits + ss.iotlb_misses + ss.utlb_hits + ss.faults, 0u);
    // The caches were not emptied: a repeated access hits at once.
    smmu_xlate_t x = m.r.xlate(1, VA0 + 8);
    smmu_xlate_t y = m.r.xlate(1, VA0 + 8);
    EXPECT_TRUE(Cached(y, x.pa));
    st = m.r.stats();
    EXPECT_EQ(st.translations, 2u);
    check_invariants(st);
}

// Per-StreamID statistics: translations per stream; for a clean read-only workload the
// per-stream hit levels add up to the global cache counters.
TEST(Stats, PerStreamCounts)
{
    for (bool utlb : {true, false}) {
        SCOPED_TRACE(utlb ? "utlb on" : "utlb off");
        Rig r(utlb ? default_config() : config_no_utlb());
        for (uint32_t sid = 1; sid <= 3; sid++) {
            Stream& s = r.s1_stream(sid, static_cast<uint16_t>(sid), 1);
            for (unsigned i = 0; i < 8; i++)
                s.pt().map(VA0 + i * 0x1000u, 0x80000000 + sid * 0x100000 + i * 0x1000u);
        }
        smmu_stream_stats_t ss;
        EXPECT_EQ(smmu_stream_stats_get(r.s(), 1, &ss), SMMU_E_NOTFOUND);
        ASSERT_EQ(smmu_stats_track_stream(r.s(), 1, true), SMMU_OK);
        ASSERT_EQ(smmu_stats_track_stream(r.s(), 2, true), SMMU_OK);
        ASSERT_EQ(smmu_stats_track_stream(r.s(), 2, true), SMMU_OK);  // idempotent
        const unsigned n[4] = {0, 70, 30, 11};
        std::mt19937 g(3);
        uint64_t hits_u = 0, hits_i = 0, walks = 0, all_u = 0, all_i = 0, all_w = 0;
        for (uint32_t sid = 1; sid <= 3; sid++)
            for (unsigned k = 0; k < n[sid]; k++) {
                smmu_xlate_t x = r.xlate(sid, VA0 + (g() % 8) * 0x1000u);
                EXPECT_EQ(x.status, SMMU_XLATE_OK);
                if (sid != 3) {
                    hits_u += x.hit == SMMU_HIT_UTLB;
                    hits_i += x.hit == SMMU_HIT_IOTLB;
                    walks += x.hit == SMMU_HIT_WALK;
                }
                all_u += x.hit == SMMU_HIT_UTLB;
                all_i += x.hit == SMMU_HIT_IOTLB;
                all_w += x.hit == SMMU_HIT_WALK;
            }
        smmu_stream_stats_t s1, s2;
        ASSERT_EQ(smmu_stream_stats_get(r.s(), 1, &s1), SMMU_OK);
        ASSERT_EQ(smmu_stream_stats_get(r.s(), 2, &s2), SMMU_OK);
        EXPECT_EQ(smmu_stream_stats_get(r.s(), 3, &ss), SMMU_E_NOTFOUND);
        EXPECT_EQ(s1.translations, 70u);
        EXPECT_EQ(s2.translations, 30u);
        for (const smmu_stream_stats_t* p : {&s1, &s2}) {
            EXPECT_EQ(p->utlb_hits + p->iotlb_hits + p->iotlb_misses, p->translations);
            EXPECT_EQ(p->faults, 0u);
            EXPECT_GE(p->iotlb_misses, 8u);  // 8 distinct pages
        }
        EXPECT_EQ(s1.utlb_hits + s2.utlb_hits, hits_u);
        EXPECT_EQ(s1.iotlb_hits + s2.iotlb_hits, hits_i);
        EXPECT_EQ(s1.iotlb_misses + s2.iotlb_misses, walks);
        if (!utlb) {
            EXPECT_EQ(s1.utlb_hits + s2.utlb_hits, 0u);
        }
        // the global counters see all three streams
        smmu_stats_t st = r.stats();
        EXPECT_EQ(st.translations, 111u);
        // and agree with where each translation said it came from
        EXPECT_EQ(st.utlb.hits, all_u);
        EXPECT_EQ(st.iotlb.hits, all_i);
        EXPECT_EQ(st.iotlb.misses, all_w);
        EXPECT_EQ(st.walks, all_w);
        // stop tracking: gone; start again: from zero
        ASSERT_EQ(smmu_stats_track_stream(r.s(), 1, false), SMMU_OK);
        EXPECT_EQ(smmu_stream_stats_get(r.s(), 1, &ss), SMMU_E_NOTFOUND);
        ASSERT_EQ(smmu_stats_track_stream(r.s(), 1, true), SMMU_OK);
        ASSERT_EQ(smmu_stream_stats_get(r.s(), 1, &ss), SMMU_OK);
        EXPECT_EQ(ss.translations, 0u);
        r.xlate(1, VA0);
        ASSERT_EQ(smmu_stream_stats_get(r.s(), 1, &ss), SMMU_OK);
        EXPECT_EQ(ss.translations, 1u);
    }
}

// The same-page fast path (the port's last micro-TLB entry) counts for a tracked stream
// like any other micro-TLB hit, also when tracking starts or stops while that entry is warm.
TEST(Stats, PerStreamCountsSamePageHits)
{
    Rig r(default_config());
    Stream& s = r.s1_stream(1, 1, 1);
    s.pt().map(VA0, 0x80000000);
    EXPECT_EQ(r.xlate(1, VA0).hit, SMMU_HIT_WALK);
    EXPECT_EQ(r.xlate(1, VA0 + 8).hit, SMMU_HIT_UTLB);  // warm: same page
    ASSERT_EQ(smmu_stats_track_stream(r.s(), 1, true), SMMU_OK);
    for (unsigned i = 0; i < 5; i++) {
        smmu_xlate_t x = r.xlate(1, VA0 + 16 * i);
        EXPECT_EQ(x.hit, SMMU_HIT_UTLB);
        EXPECT_EQ(x.pa, 0x80000000u + 16 * i);
    }
    smmu_stream_stats_t ss;
    ASSERT_EQ(smmu_stream_stats_get(r.s(), 1, &ss), SMMU_OK);
    EXPECT_EQ(ss.translations, 5u);
    EXPECT_EQ(ss.utlb_hits, 5u);
    // stop, translate, start again: only what follows the restart counts
    ASSERT_EQ(smmu_stats_track_stream(r.s(), 1, false), SMMU_OK);
    r.xlate(1, VA0 + 0x100);
    ASSERT_EQ(smmu_stats_track_stream(r.s(), 1, true), SMMU_OK);
    r.xlate(1, VA0 + 0x200);
    r.xlate(1, VA0 + 0x300);
    ASSERT_EQ(smmu_stream_stats_get(r.s(), 1, &ss), SMMU_OK);
    EXPECT_EQ(ss.translations, 2u);
    EXPECT_EQ(ss.utlb_hits, 2u);
    // the global counters saw all ten, nine of them micro-TLB hits
    smmu_stats_t st = r.stats();
    EXPECT_EQ(st.translations, 10u);
    EXPECT_EQ(st.utlb.hits, 9u);
    EXPECT_EQ(st.utlb.lookups, st.utlb.hits + st.utlb.misses);
}

TEST(Stats, PerStreamFaultsAndTableLimit)
{
    Rig r(config_no_utlb());
    Stream& s = r.s1_stream(1, 1, 1);
    s.pt().map(VA0, 0x80000000);
    ASSERT_EQ(smmu_stats_track_stream(r.s(), 1, true), SMMU_OK);
    ASSERT_EQ(smmu_stats_track_stream(r.s(), 9, true), SMMU_OK);  // invalid STE
    r.xlate(1, VA0);
    r.xlate(1, VA0 + 0x5000);  // unmapped: F_TRANSLATION
    r.xlate(9, VA0);           // C_BAD_STE
    smmu_stream_stats_t a, b;
    ASSERT_EQ(smmu_stream_stats_get(r.s(), 1, &a), SMMU_OK);
    ASSERT_EQ(smmu_stream_stats_get(r.s(), 9, &b), SMMU_OK);
    EXPECT_EQ(a.translations, 2u);
    EXPECT_EQ(a.faults, 1u);
    EXPECT_EQ(b.translations, 1u);
    EXPECT_EQ(b.faults, 1u);
    // "Up to 1024 streams"
    for (uint32_t sid = 1000; sid < 1000 + 1022; sid++)
        ASSERT_EQ(smmu_stats_track_stream(r.s(), sid, true), SMMU_OK) << sid;
    EXPECT_EQ(smmu_stats_track_stream(r.s(), 5000, true), SMMU_E_NOMEM);
    ASSERT_EQ(smmu_stats_track_stream(r.s(), 1000, false), SMMU_OK);
    EXPECT_EQ(smmu_stats_track_stream(r.s(), 5000, true), SMMU_OK);  // a freed slot is reused
}

// ------------------------------------------------------------------------------------------
// smmu_translate_batch
// ------------------------------------------------------------------------------------------

void expect_same(const smmu_xlate_t& a, const smmu_xlate_t& b, size_t i)
{
    SCOPED_TRACE("transaction " + std::to_string(i));
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.pa, b.pa);
    EXPECT_EQ(a.page_mask, b.page_mask);
    EXPECT_EQ(a.perm, b.perm);
    EXPECT_EQ(a.hit, b.hit);
    EXPECT_EQ(a.recorded, b.recorded);
    EXPECT_EQ(a.mem_attr, b.mem_attr);
    EXPECT_EQ(a.event.type, b.event.type);
    if (a.event.type) {
        EXPECT_EQ(std::memcmp(a.event.raw, b.event.raw, sizeof a.event.raw), 0);
    }
    EXPECT_EQ(a.work.cfg_reads, b.work.cfg_reads);
    EXPECT_EQ(a.work.s1_reads, b.work.s1_reads);
    EXPECT_EQ(a.work.s2_reads, b.work.s2_reads);
    EXPECT_EQ(a.work.writes, b.work.writes);
    EXPECT_EQ(a.work.cfg_hit, b.work.cfg_hit);
    EXPECT_EQ(a.work.walk_cache_hits, b.work.walk_cache_hits);
}

TEST(Batch, SameResultsAsOneByOne)
{
    for (bool small : {true, false}) {
        SCOPED_TRACE(small ? "small caches" : "default caches");
        smmu_config_t c = small ? small_caches() : default_config();
        Mixed one(c), batch(c);
        std::mt19937 g(7);
        std::vector<smmu_txn_t> txns;
        for (int i = 0; i < 3000; i++)
            txns.push_back(one.txn(g));
        // the same page many times in a row too (same-page fast path)
        for (int i = 0; i < 50; i++) {
            smmu_txn_t t = txns[static_cast<size_t>(i)];
            txns.push_back(t);
            txns.push_back(t);
        }
        std::vector<smmu_xlate_t> a(txns.size()), b(txns.size());
        for (size_t i = 0; i < txns.size(); i++)
            smmu_translate(one.r.s(), &txns[i], &a[i]);
        // in two batches with an invalidation between them, done on both instances
        size_t half = txns.size() / 2;
        smmu_translate_batch(batch.r.s(), txns.data(), b.data(), half);
        smmu_translate_batch(batch.r.s(), txns.data() + half, b.data() + half, 0);  // no-op
        smmu_translate_batch(batch.r.s(), txns.data() + half, b.data() + half, txns.size() - half);
        for (size_t i = 0; i < txns.size(); i++)
            expect_same(a[i], b[i], i);
        smmu_stats_t sa = one.r.stats(), sb = batch.r.stats();
        EXPECT_EQ(std::memcmp(&sa, &sb, sizeof sa), 0) << "statistics differ";
        // the event queues hold the same records
        uint32_t pa = one.r.dev.rd32(reg::EVENTQ_PROD), pb = batch.r.dev.rd32(reg::EVENTQ_PROD);
        EXPECT_EQ(pa, pb);
        EXPECT_GT(sa.events, 0u);
    }
}

TEST(Batch, InterleavedWithInvalidations)
{
    smmu_config_t c = small_caches();
    Mixed one(c), batch(c);
    std::mt19937 g(11);
    for (int round = 0; round < 6; round++) {
        std::vector<smmu_txn_t> txns;
        for (int i = 0; i < 400; i++)
            txns.push_back(one.txn(g));
        std::vector<smmu_xlate_t> a(txns.size()), b(txns.size());
        for (size_t i = 0; i < txns.size(); i++)
            smmu_translate(one.r.s(), &txns[i], &a[i]);
        smmu_translate_batch(batch.r.s(), txns.data(), b.data(), txns.size());
        for (size_t i = 0; i < txns.size(); i++)
            expect_same(a[i], b[i], i);
        std::vector<Cmd> inv = {cmd::tlbi_nh_vaa(1, VA0 + 0x3000u * static_cast<unsigned>(round),
                                                 round % 2 == 0),
                                cmd::cfgi_ste(static_cast<uint32_t>(1 + round), true)};
        one.r.submit(inv);
        batch.r.submit(inv);
    }
    smmu_stats_t sa = one.r.stats(), sb = batch.r.stats();
    EXPECT_EQ(std::memcmp(&sa, &sb, sizeof sa), 0) << "statistics differ";
}

}  // namespace
}  // namespace cache_test

namespace cache_test {
namespace {

// SMMU_TXN_DEBUG: "no side effects at all: no events, cache fills, statistics, HTTU updates
// or stalls" (smmuv3_types.h). Neither the global nor the per-StreamID statistics move, and
// nothing is cached.
TEST(Stats, DebugTranslationsChangeNothing)
{
    for (bool utlb : {true, false}) {
        SCOPED_TRACE(utlb ? "utlb on" : "utlb off");
        Rig r(utlb ? default_config() : config_no_utlb());
        Stream& a = r.s1_stream(1, 1, 1);
        a.pt().map(VA0, 0x80000000);
        ASSERT_EQ(smmu_stats_track_stream(r.s(), 1, true), SMMU_OK);
        smmu_stats_t s0 = r.stats();
        for (int i = 0; i < 3; i++) {
            smmu_xlate_t x = r.xlate(1, VA0 + 8, false, 0, 0, SMMU_TXN_DEBUG);
            EXPECT_EQ(x.status, SMMU_XLATE_OK) << describe(x);
            EXPECT_EQ(x.pa, 0x80000008u);
        }
        smmu_xlate_t f = r.xlate(1, VA0 + 0x5000, false, 0, 0, SMMU_TXN_DEBUG);  // unmapped
        EXPECT_EQ(f.status, SMMU_XLATE_FAULT) << describe(f);
        smmu_stats_t s1 = r.stats();
        EXPECT_EQ(std::memcmp(&s0, &s1, sizeof s0), 0) << "global statistics changed";
        smmu_stream_stats_t ss;
        ASSERT_EQ(smmu_stream_stats_get(r.s(), 1, &ss), SMMU_OK);
        EXPECT_EQ(ss.translations, 0u) << "per-StreamID statistics counted debug translations";
        EXPECT_EQ(ss.iotlb_misses, 0u);
        EXPECT_EQ(ss.faults, 0u);
        // nothing was cached: the first real access walks and fetches the configuration
        smmu_xlate_t x = r.xlate(1, VA0 + 8);
        EXPECT_TRUE(Walked(x, 0x80000008));
        EXPECT_FALSE(x.work.cfg_hit);
    }
}

// smmu_reset: "caches emptied, stalls dropped, statistics kept"; the random policy is
// re-seeded, so the same accesses give the same hits and misses again.
TEST(Stats, ResetEmptiesCachesKeepsStatistics)
{
    smmu_config_t c = smmu_config_default();
    c.utlb.entries = 0;
    c.iotlb = {4, 4, SMMU_POLICY_RANDOM};
    c.seed = 31;
    Rig r(c);
    Stream& a = r.s1_stream(1, 1, 1);
    for (unsigned i = 0; i < 8; i++)
        a.pt().map(VA0 + i * 0x1000u, 0x80000000 + i * 0x1000u);
    std::mt19937 g(4);
    std::vector<unsigned> seq;
    for (int i = 0; i < 500; i++)
        seq.push_back(g() % 8);
    auto run = [&] {
        std::string s;
        for (unsigned i : seq) {
            smmu_xlate_t x = r.xlate(1, VA0 + i * 0x1000u);
            EXPECT_EQ(x.pa, 0x80000000 + i * 0x1000u);
            s += x.hit == SMMU_HIT_IOTLB ? 'H' : 'M';
        }
        return s;
    };
    std::string first = run();
    ASSERT_EQ(smmu_stats_track_stream(r.s(), 1, true), SMMU_OK);
    r.xlate(1, VA0);
    smmu_stats_t before = r.stats();
    smmu_reset(r.s());
    r.bring_up();
    smmu_stats_t after = r.stats();
    EXPECT_GE(after.translations, before.translations) << "statistics kept";
    EXPECT_EQ(after.iotlb.hits, before.iotlb.hits);
    smmu_stream_stats_t ss;
    ASSERT_EQ(smmu_stream_stats_get(r.s(), 1, &ss), SMMU_OK);
    EXPECT_EQ(ss.translations, 1u);
    // caches emptied: the configuration is fetched again and the first access walks
    smmu_xlate_t x = r.xlate(1, VA0 + 0x7000);
    EXPECT_TRUE(Walked(x, 0x80007000));
    EXPECT_FALSE(x.work.cfg_hit);
    EXPECT_EQ(x.work.s1_reads, 3u);
    smmu_reset(r.s());
    r.bring_up();
    EXPECT_EQ(run(), first) << "re-seeded random replacement repeats itself";
}

}  // namespace
}  // namespace cache_test
