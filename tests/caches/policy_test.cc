// SPDX-License-Identifier: Apache-2.0
// Replacement policies of the IOTLB (smmu_config_t::iotlb.policy; replacement is
// IMPLEMENTATION DEFINED in the architecture, these are the model's documented policies):
// hand-checked eviction orders on a fully-associative 4-entry IOTLB, reproducibility of the
// seeded random policy, and an exact comparison against small reference simulators written
// here from the policy definitions.
//
// Set-up for every test: micro-TLB off (utlb.entries = 0) so that every access reaches the
// IOTLB; one stage-1 stream; pages Pn at VA 0x100000 + n * 4 KB, all in one level-3 table.
// An access is a hit (H) when smmu_translate reports SMMU_HIT_IOTLB and a miss (M) when it
// reports SMMU_HIT_WALK; misses fill the IOTLB. Configuration and walk caches stay on (they
// do not touch the IOTLB's replacement state).
#include <algorithm>
#include <list>
#include <random>

#include "cache_rig.h"

namespace cache_test {
namespace {

constexpr uint64_t VA0 = 0x100000, PA0 = 0x80000000;

smmu_config_t iotlb_config(uint32_t entries, uint32_t ways, smmu_policy_t pol, uint64_t seed = 1)
{
    smmu_config_t c = smmu_config_default();
    c.utlb.entries = 0;
    c.iotlb = {entries, ways, pol};
    c.seed = seed;
    return c;
}

class Pages {
public:
    Pages(const smmu_config_t& cfg, unsigned n) : r(cfg), s(r.s1_stream(1, 1, 1))
    {
        for (unsigned i = 0; i < n; i++)
            s.pt().map(VA0 + i * 0x1000u, PA0 + i * 0x1000u);
    }
    // Access page i: 'H' (IOTLB hit) or 'M' (walk); anything else fails the test.
    char access(unsigned i)
    {
        smmu_xlate_t x = r.xlate(1, VA0 + i * 0x1000u + 0x20);
        EXPECT_EQ(x.status, SMMU_XLATE_OK) << describe(x);
        EXPECT_EQ(x.pa, PA0 + i * 0x1000u + 0x20) << describe(x);
        if (x.hit == SMMU_HIT_IOTLB)
            return 'H';
        if (x.hit == SMMU_HIT_WALK)
            return 'M';
        ADD_FAILURE() << "unexpected hit level: " << describe(x);
        return '?';
    }
    std::string run(const std::vector<unsigned>& seq)
    {
        std::string out;
        for (unsigned i : seq)
            out += access(i);
        return out;
    }
    Rig r;
    Stream& s;
};

// LRU: the victim is the entry whose last use (fill or hit) is the oldest.
//   access  result  LRU -> MRU after the access
//   0 1 2 3 M M M M 0 1 2 3          (free ways are used first)
//   0       H       1 2 3 0
//   4       M       2 3 0 4          (evicts 1)
//   1       M       3 0 4 1          (evicts 2)
//   0       H       3 4 1 0
//   2       M       4 1 0 2          (evicts 3)
//   3       M       1 0 2 3          (evicts 4)
//   4       M       0 2 3 4          (evicts 1)
//   5       M       2 3 4 5          (evicts 0)
//   0       M       3 4 5 0          (evicts 2)
//   3       H       4 5 0 3
TEST(Policy, Lru)
{
    Pages p(iotlb_config(4, 4, SMMU_POLICY_LRU), 6);
    EXPECT_EQ(p.run({0, 1, 2, 3, 0, 4, 1, 0, 2, 3, 4, 5, 0, 3}), "MMMMHMMHMMMMMH");
    smmu_stats_t st = p.r.stats();
    EXPECT_EQ(st.iotlb.lookups, 14u);
    EXPECT_EQ(st.iotlb.hits, 3u);
    EXPECT_EQ(st.iotlb.misses, 11u);
    EXPECT_EQ(st.iotlb.fills, 11u);
    EXPECT_EQ(st.iotlb.evictions, 7u);  // 11 fills into 4 ways
}

// FIFO: the victim is the entry filled first; hits do not matter. Same sequence as LRU:
//   access  result  queue (first in -> last in)
//   0 1 2 3 M M M M 0 1 2 3
//   0       H       0 1 2 3          (a hit does not save 0, unlike LRU)
//   4       M       1 2 3 4          (evicts 0)
//   1       H
//   0       M       2 3 4 0          (evicts 1)
//   2 3 4   H H H
//   5       M       3 4 0 5          (evicts 2)
//   0 3     H H
TEST(Policy, Fifo)
{
    Pages p(iotlb_config(4, 4, SMMU_POLICY_FIFO), 6);
    EXPECT_EQ(p.run({0, 1, 2, 3, 0, 4, 1, 0, 2, 3, 4, 5, 0, 3}), "MMMMHMHMHHHMHH");
}

// LFU: a fill sets the entry's use count to 1, a hit adds 1; the victim has the smallest
// count. Ties: the lowest way (observed and documented in cache_policy.c; checked here to be
// deterministic, and distinguished from "oldest first"). Free ways are filled lowest first,
// so Pn goes to way n for the first four pages.
//   access  result  ways 0..3 (page:count)
//   0 0 0   M H H   0:3
//   1 1     M H     0:3 1:2
//   2       M       0:3 1:2 2:1
//   3       M       0:3 1:2 2:1 3:1
//   4       M       0:3 1:2 4:1 3:1   tie 2:1 / 3:1 -> way 2 (P2)
//   5       M       0:3 1:2 5:1 3:1   tie 4:1 (newer, way 2) / 3:1 (older, way 3) -> way 2
//   3       H       0:3 1:2 5:1 3:2   (P3 survived: the tie went to the lowest way, not the
//                                      oldest entry)
//   4       M       0:3 1:2 4:1 3:2   evicts P5 (count 1)
//   0 1     H H
TEST(Policy, LfuTiesGoToTheLowestWay)
{
    const std::vector<unsigned> seq = {0, 0, 0, 1, 1, 2, 3, 4, 5, 3, 4, 0, 1};
    Pages p(iotlb_config(4, 4, SMMU_POLICY_LFU), 6);
    EXPECT_EQ(p.run(seq), "MHHMHMMMMHMHH");
    // Deterministic: a second instance gives the same answer.
    Pages q(iotlb_config(4, 4, SMMU_POLICY_LFU), 6);
    EXPECT_EQ(q.run(seq), "MHHMHMMMMHMHH");
}

// Tree pseudo-LRU over 4 ways: node bits b1 (root), b2 (ways 0/1), b3 (ways 2/3); a bit
// points to the half holding the victim (0 = lower). Using way w (fill or hit) sets the bits
// on its path to point away from w. Victim: follow the bits from the root.
//   access  result  ways 0..3     bits after (b1 b2 b3)
//   0 1 2 3 M M M M 0 1 2 3       0 0 0   (fills of ways 0, 1, 2, 3 in turn)
//   0       H                     1 1 0
//   4       M       0 1 4 3       0 1 1   victim: b1=1 -> b3=0 -> way 2 (LRU would take P1)
//   1       H                     1 0 1
//   2       M       0 1 4 2       0 0 0   victim: b1=1 -> b3=1 -> way 3
//   3       M       3 1 4 2       1 1 0   victim: b1=0 -> b2=0 -> way 0
//   0       M       3 1 0 2       0 1 1   victim: b1=1 -> b3=0 -> way 2
//   4       M       3 4 0 2       1 0 1   victim: b1=0 -> b2=1 -> way 1
//   2       H                     0 0 0
//   5       M       5 4 0 2       1 1 0   victim: b1=0 -> b2=0 -> way 0
TEST(Policy, TreePlru)
{
    const std::vector<unsigned> seq = {0, 1, 2, 3, 0, 4, 1, 2, 3, 0, 4, 2, 5};
    Pages p(iotlb_config(4, 4, SMMU_POLICY_PLRU), 6);
    EXPECT_EQ(p.run(seq), "MMMMHMHMMMMHM");
    // True LRU on the same sequence differs from the 7th access on.
    Pages q(iotlb_config(4, 4, SMMU_POLICY_LRU), 6);
    EXPECT_EQ(q.run(seq), "MMMMHMMMMMMHM");
}

// Random (xorshift64*, seeded by smmu_config_t::seed): free ways first; the same seed gives
// the same hit/miss sequence, different seeds give different ones.
TEST(Policy, RandomFreeWaysFirst)
{
    Pages p(iotlb_config(4, 4, SMMU_POLICY_RANDOM, 7), 6);
    EXPECT_EQ(p.run({0, 1, 2, 3, 3, 2, 1, 0}), "MMMMHHHH");
    EXPECT_EQ(p.run({4}), "M");
    EXPECT_EQ(p.r.stats().iotlb.evictions, 1u);  // one of P0..P3 made room for P4
    EXPECT_EQ(p.run({4}), "H");
}

std::vector<unsigned> random_sequence(unsigned n, unsigned pages, uint32_t seed)
{
    std::mt19937 g(seed);
    std::uniform_int_distribution<unsigned> d(0, pages - 1);
    std::vector<unsigned> v(n);
    for (unsigned& x : v)
        x = d(g);
    return v;
}

TEST(Policy, RandomIsReproducibleAndSeeded)
{
    const std::vector<unsigned> seq = random_sequence(3000, 8, 12345);
    std::string first;
    {
        Pages p(iotlb_config(4, 4, SMMU_POLICY_RANDOM, 1), 8);
        first = p.run(seq);
    }
    {
        Pages p(iotlb_config(4, 4, SMMU_POLICY_RANDOM, 1), 8);
        EXPECT_EQ(p.run(seq), first) << "same seed, same sequence";
    }
    unsigned differ = 0;
    for (uint64_t seed : {2u, 3u, 99u, 0xDEADBEEFu}) {
        Pages p(iotlb_config(4, 4, SMMU_POLICY_RANDOM, seed), 8);
        std::string s = p.run(seq);
        differ += s != first;
        // whatever the victims: at least the 8 compulsory misses
        EXPECT_GE(std::count(s.begin(), s.end(), 'M'), 8);
    }
    EXPECT_GE(differ, 3u) << "different seeds should give different victims";
}

// ------------------------------------------------------------------------------------------
// Exact references
// ------------------------------------------------------------------------------------------

// A fully-associative cache of `ways` ways, by the policy definitions above. Ways are filled
// lowest-free first. Returns true on a hit.
class RefCache {
public:
    RefCache(unsigned ways, smmu_policy_t pol) : tag_(ways, -1), meta_(ways, 0), bits_(ways, 0),
                                                  ways_(ways), pol_(pol) {}
    bool access(int page)
    {
        for (unsigned w = 0; w < ways_; w++)
            if (tag_[w] == page) {
                use(w, false);
                return true;
            }
        unsigned v = victim();
        if (tag_[v] >= 0)
            evictions++;
        tag_[v] = page;
        use(v, true);
        return false;
    }
    uint64_t evictions = 0;

private:
    void use(unsigned w, bool fill)
    {
        switch (pol_) {
        case SMMU_POLICY_LRU: meta_[w] = ++clock_; break;
        case SMMU_POLICY_FIFO:
            if (fill)
                meta_[w] = ++clock_;
            break;
        case SMMU_POLICY_LFU: meta_[w] = fill ? 1 : meta_[w] + 1; break;
        case SMMU_POLICY_PLRU: {
            unsigned depth = 0;
            while ((1u << depth) < ways_)
                depth++;
            unsigned node = 1;
            for (unsigned d = 0; d < depth; d++) {
                unsigned dir = (w >> (depth - 1 - d)) & 1u;
                bits_[node] = dir ? 0 : 1;  // point away from w
                node = 2 * node + dir;
            }
            break;
        }
        case SMMU_POLICY_RANDOM: break;
        }
    }
    unsigned victim()
    {
        for (unsigned w = 0; w < ways_; w++)
            if (tag_[w] < 0)
                return w;
        if (pol_ == SMMU_POLICY_PLRU) {
            unsigned node = 1;
            while (node < ways_)
                node = 2 * node + bits_[node];
            return node - ways_;
        }
        unsigned best = 0;
        for (unsigned w = 1; w < ways_; w++)
            if (meta_[w] < meta_[best])
                best = w;
        return best;
    }
    std::vector<int> tag_;
    std::vector<uint64_t> meta_;
    std::vector<unsigned> bits_;
    unsigned ways_;
    smmu_policy_t pol_;
    uint64_t clock_ = 0;
};

// The simplest LRU there is: a list, most recent at the front.
class RefLru {
public:
    explicit RefLru(size_t n) : n_(n) {}
    bool access(int page)
    {
        auto it = std::find(l_.begin(), l_.end(), page);
        bool hit = it != l_.end();
        if (hit)
            l_.erase(it);
        else if (l_.size() == n_)
            l_.pop_back();
        l_.push_front(page);
        return hit;
    }

private:
    size_t n_;
    std::list<int> l_;
};

// 20000 accesses over 200 pages (70 % from a hot set of 48, the rest uniform), one stream,
// 64-entry fully-associative LRU IOTLB: every access's hit or miss, and the IOTLB counters,
// equal those of RefLru.
std::vector<unsigned> mixed_sequence(unsigned n, uint32_t seed)
{
    std::mt19937 g(seed);
    std::uniform_int_distribution<unsigned> all(0, 199), hot(0, 47), pick(0, 99);
    std::vector<unsigned> v(n);
    for (unsigned& x : v)
        x = pick(g) < 70 ? 20 + hot(g) : all(g);
    return v;
}

TEST(Reference, FullyAssociativeLruMatchesExactly)
{
    const std::vector<unsigned> seq = mixed_sequence(20000, 2024);
    for (uint32_t ways : {64u, 0u}) {  // ways == entries and ways == 0 both mean fully assoc.
        SCOPED_TRACE("ways " + std::to_string(ways));
        Pages p(iotlb_config(64, ways, SMMU_POLICY_LRU), 200);
        RefLru ref(64);
        uint64_t hits = 0, misses = 0;
        unsigned mismatches = 0;
        for (size_t i = 0; i < seq.size(); i++) {
            bool want = ref.access(static_cast<int>(seq[i]));
            char got = p.access(seq[i]);
            (want ? hits : misses)++;
            if ((got == 'H') != want && mismatches++ < 5)
                ADD_FAILURE() << "access " << i << " (page " << seq[i] << "): model " << got
                              << ", reference " << (want ? 'H' : 'M');
        }
        EXPECT_EQ(mismatches, 0u);
        smmu_stats_t st = p.r.stats();
        EXPECT_EQ(st.iotlb.lookups, seq.size());
        EXPECT_EQ(st.iotlb.hits, hits);
        EXPECT_EQ(st.iotlb.misses, misses);
        EXPECT_EQ(st.iotlb.fills, misses);
        EXPECT_EQ(st.iotlb.evictions, misses - 64);
        EXPECT_GT(hits, 5000u);   // the sequence does exercise both outcomes
        EXPECT_GT(misses, 2000u);
    }
}

// The same comparison for the other deterministic policies, against RefCache.
TEST(Reference, FullyAssociativeFifoLfuPlruMatchExactly)
{
    const std::vector<unsigned> seq = mixed_sequence(20000, 77);
    for (smmu_policy_t pol : {SMMU_POLICY_LRU, SMMU_POLICY_FIFO, SMMU_POLICY_LFU, SMMU_POLICY_PLRU}) {
        SCOPED_TRACE("policy " + std::to_string(pol));
        Pages p(iotlb_config(64, 64, pol), 200);
        RefCache ref(64, pol);
        uint64_t hits = 0, misses = 0;
        unsigned mismatches = 0;
        for (size_t i = 0; i < seq.size(); i++) {
            bool want = ref.access(static_cast<int>(seq[i]));
            char got = p.access(seq[i]);
            (want ? hits : misses)++;
            if ((got == 'H') != want && mismatches++ < 5)
                ADD_FAILURE() << "access " << i << " (page " << seq[i] << "): model " << got
                              << ", reference " << (want ? 'H' : 'M');
        }
        EXPECT_EQ(mismatches, 0u);
        smmu_stats_t st = p.r.stats();
        EXPECT_EQ(st.iotlb.hits, hits);
        EXPECT_EQ(st.iotlb.misses, misses);
        EXPECT_EQ(st.iotlb.evictions, ref.evictions);
    }
}

// Set-associative geometries: an exact reference would need the set of every entry, which
// the model derives from a private hash of (address | size, context, ASID) (tlb.c); a
// reference written here would have to copy that hash, so it would not be independent. Only
// hash-independent properties are checked: with W ways, any W pages fit (they cannot overflow
// a set), so a working set of W pages misses exactly once per page; and compulsory misses.
TEST(Reference, SetAssociativeHashIndependentBounds)
{
    for (smmu_policy_t pol : {SMMU_POLICY_LRU, SMMU_POLICY_FIFO, SMMU_POLICY_LFU, SMMU_POLICY_PLRU,
                              SMMU_POLICY_RANDOM}) {
        SCOPED_TRACE("policy " + std::to_string(pol));
        Pages p(iotlb_config(64, 8, pol), 200);
        std::vector<unsigned> ws = {3, 17, 40, 41, 90, 123, 150, 199};
        std::vector<unsigned> seq;
        std::mt19937 g(5);
        for (unsigned i = 0; i < 4000; i++)
            seq.push_back(ws[g() % ws.size()]);
        std::string s = p.run(seq);
        EXPECT_EQ(std::count(s.begin(), s.end(), 'M'), 8);
        smmu_stats_t st = p.r.stats();
        EXPECT_EQ(st.iotlb.evictions, 0u);
        // 200 distinct pages through a 64-entry cache: at least 200 misses, evictions follow.
        p.run(random_sequence(5000, 200, 9));
        st = p.r.stats();
        EXPECT_GE(st.iotlb.misses, 200u);
        EXPECT_EQ(st.iotlb.fills, st.iotlb.misses);
        EXPECT_LE(st.iotlb.fills - st.iotlb.evictions, 64u);  // valid entries <= capacity
    }
}

}  // namespace
}  // namespace cache_test

namespace cache_test {
namespace {

// The configuration caches share the replacement policies (cache_policy.c): the same
// hand-checked sequences on a fully-associative 4-entry STE cache (six bypass streams, one
// per page number above) and CD cache (six SubstreamIDs of one stream), observed through the
// cache's own hit/miss counters.
struct Seq {
    smmu_policy_t pol;
    std::vector<unsigned> seq;
    const char* want;
} const kSeqs[] = {
    {SMMU_POLICY_LRU, {0, 1, 2, 3, 0, 4, 1, 0, 2, 3, 4, 5, 0, 3}, "MMMMHMMHMMMMMH"},
    {SMMU_POLICY_FIFO, {0, 1, 2, 3, 0, 4, 1, 0, 2, 3, 4, 5, 0, 3}, "MMMMHMHMHHHMHH"},
    {SMMU_POLICY_LFU, {0, 0, 0, 1, 1, 2, 3, 4, 5, 3, 4, 0, 1}, "MHHMHMMMMHMHH"},
    {SMMU_POLICY_PLRU, {0, 1, 2, 3, 0, 4, 1, 2, 3, 0, 4, 2, 5}, "MMMMHMHMMMMHM"},
};

char observe(const smmu_cache_stats_t& before, const smmu_cache_stats_t& after)
{
    if (after.lookups - before.lookups != 1)
        return '?';
    return after.hits - before.hits == 1 ? 'H' : 'M';
}

TEST(Policy, SteCache)
{
    for (const Seq& q : kSeqs) {
        SCOPED_TRACE("policy " + std::to_string(q.pol));
        smmu_config_t c = smmu_config_default();
        c.utlb.entries = 0;
        c.ste_cache = {4, 4, q.pol};
        Rig r(c);
        Ste byp;
        byp.config = 0b100;
        for (uint32_t sid = 0; sid < 6; sid++)
            r.write_ste(sid, byp);
        std::string got;
        for (unsigned i : q.seq) {
            smmu_stats_t s0 = r.stats();
            smmu_xlate_t x = r.xlate(i, 0x1000);
            EXPECT_EQ(x.status, SMMU_XLATE_BYPASS) << describe(x);
            got += observe(s0.ste_cache, r.stats().ste_cache);
        }
        EXPECT_EQ(got, q.want);
    }
}

TEST(Policy, CdCache)
{
    for (const Seq& q : kSeqs) {
        SCOPED_TRACE("policy " + std::to_string(q.pol));
        smmu_config_t c = smmu_config_default();
        c.utlb.entries = 0;
        c.cd_cache = {4, 4, q.pol};
        Rig r(c);
        Stream& s = r.s1_stream(1, 10, 1, 12, 0, 3);  // SubstreamIDs 0..7
        for (uint32_t ssid = 0; ssid < 6; ssid++)
            s.pt(ssid).map(VA0, PA0 + ssid * 0x1000u);
        std::string got;
        for (unsigned i : q.seq) {
            smmu_stats_t s0 = r.stats();
            smmu_xlate_t x = r.xlate(1, VA0, true, i);
            EXPECT_EQ(x.status, SMMU_XLATE_OK) << describe(x);
            EXPECT_EQ(x.pa, PA0 + i * 0x1000u) << describe(x);
            got += observe(s0.cd_cache, r.stats().cd_cache);
        }
        EXPECT_EQ(got, q.want);
    }
}

}  // namespace
}  // namespace cache_test
