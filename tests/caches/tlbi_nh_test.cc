// SPDX-License-Identifier: Apache-2.0
// Stage-1 NS-EL1 TLB invalidation (Arm IHI 0070 G.b 4.4.1, 4.4.2): CMD_TLBI_NH_ALL, _ASID,
// _VA, _VAA, with Leaf, range (TG/NUM/SCALE) and level hint (TTL). Each test caches some
// translations, changes every leaf in memory, issues one command and a CMD_SYNC, and checks
// which translations are fresh (invalidated) and which are still stale (kept).
//
// "Kept" is an architectural permission, not a requirement: 4.4 allows over-invalidation.
// The model claims to invalidate exactly the required scope (cmdq.c, cache.h), and these tests
// hold it to that; a failure of a "must survive" check is a loss of precision (performance
// modelling), a failure of a "must be invalidated" check is an architectural bug.
#include "cache_rig.h"

namespace cache_test {
namespace {

// Addresses of the stage-1 world (all in the first 1 GB: one level-1 table descriptor).
constexpr uint64_t V1 = 0x100000;   // page
constexpr uint64_t V2 = 0x101000;   // the next page, same level-3 table
constexpr uint64_t VG = 0x200000;   // a global page (nG = 0), stream A only
constexpr uint64_t VB = 0x400000;   // a 2 MB block (level 2), stream A only
constexpr uint64_t IPA1 = UINT64_C(0x1000100000);  // stage-2-only page (stream D)

class TlbiNh : public ::testing::TestWithParam<bool> {
protected:
    smmu_config_t cfg() const { return GetParam() ? default_config() : config_no_utlb(); }
};

INSTANTIATE_TEST_SUITE_P(Utlb, TlbiNh, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& i) {
                             return i.param ? std::string("utlb_on") : std::string("utlb_off");
                         });

// The world: A (SID 1, ASID 1, VMID 1), B (SID 2, ASID 2, VMID 1), C (SID 3, ASID 1,
// VMID 2), all stage 1 only; N nested (SID 4, ASID 1, VMID 5); D stage 2 only (SID 5, VMID 5;
// same stage-2 tables as N); E stage 1 at NS-EL2 (SID 6, STRW = 0b10, CR2.E2H = 0).
// Stage-1-only and nested streams use different VMIDs, as 3.17 requires of software ("If, in
// a translation regime that uses VMIDs, stage 1-only translations coexist with stage 1 and
// stage 2 translations, then different VMID values must be used").
struct World {
    Rig r;
    Probes p;
    Stream &a, &b, &c, &n, &d, &e;
    explicit World(const smmu_config_t& cfg)
        : r(cfg),
          p(r),
          a(r.s1_stream(1, 1, 1)),
          b(r.s1_stream(2, 2, 1)),
          c(r.s1_stream(3, 1, 2)),
          n(r.nested_stream(4, 1, 5)),
          d(r.s2_stream(5, 5)),
          e(r.s1_stream(6, 1, 0, 12, 0b10))
    {
        p.add("A:V1", a, V1);
        p.add("A:V2", a, V2);
        p.add("A:VG", a, VG, 3, true);
        p.add("A:VB", a, VB, 2);
        p.add("B:V1", b, V1);
        p.add("C:V1", c, V1);
        p.add("N:V1", n, V1);
        p.add("D:IPA1", d, IPA1);
        p.add("E:V1", e, V1);
    }
};

// 4.4.2.1: all stage-1 NS-EL1 entries of the VMID, global or not, nested included; not
// stage-2-only entries, not other VMIDs, not NS-EL2.
TEST_P(TlbiNh, NhAllRemovesTheVmidsStage1Entries)
{
    World w(cfg());
    w.p.run({cmd::tlbi_nh_all(1)}, {"A:V1", "A:V2", "A:VG", "A:VB", "B:V1"});
}

TEST_P(TlbiNh, NhAllRemovesNestedNotStage2Only)
{
    World w(cfg());
    w.p.run({cmd::tlbi_nh_all(5)}, {"N:V1"});
}

// 4.4.2.2: non-global NS-EL1 entries of ASID + VMID; global entries, other ASIDs and other
// VMIDs stay.
TEST_P(TlbiNh, NhAsidKeepsGlobalOtherAsidOtherVmid)
{
    World w(cfg());
    w.p.run({cmd::tlbi_nh_asid(1, 1)}, {"A:V1", "A:V2", "A:VB"});
}

TEST_P(TlbiNh, NhAsidNested)
{
    World w(cfg());
    w.p.run({cmd::tlbi_nh_asid(5, 1), cmd::tlbi_nh_asid(5, 2)}, {"N:V1"});
}

// 4.4.2.4: entries for VA with ASID + VMID, and global entries for VA with VMID.
TEST_P(TlbiNh, NhVaOneAddress)
{
    for (bool leaf : {true, false}) {
        SCOPED_TRACE(leaf ? "Leaf=1" : "Leaf=0");
        World w(cfg());
        w.p.run({cmd::tlbi_nh_va(1, 1, V1, leaf), cmd::tlbi_nh_va(5, 1, V1, leaf)},
                {"A:V1", "N:V1"});
    }
}

TEST_P(TlbiNh, NhVaMatchesGlobalEntriesOfAnyAsid)
{
    World w(cfg());
    // ASID 2 is B's: A's global entry for VG still matches ("regardless of the ASID").
    w.p.run({cmd::tlbi_nh_va(1, 2, VG, true)}, {"A:VG"});
}

TEST_P(TlbiNh, NhVaAnyAddressInsideABlock)
{
    World w(cfg());
    // 4.4: "the least significant bits of the address are ignored as needed, given the size
    // of the entry".
    w.p.run({cmd::tlbi_nh_va(1, 1, VB + 0x123000, true)}, {"A:VB"});
}

// 4.4.2.3: VA for every ASID of the VMID, global entries included.
TEST_P(TlbiNh, NhVaaAllAsidsOfTheVmid)
{
    World w(cfg());
    w.p.run({cmd::tlbi_nh_vaa(1, V1, true), cmd::tlbi_nh_vaa(5, V1, true)},
            {"A:V1", "B:V1", "N:V1"});
}

TEST_P(TlbiNh, NhVaaGlobalAndBlock)
{
    World w(cfg());
    w.p.run({cmd::tlbi_nh_vaa(1, VG, false), cmd::tlbi_nh_vaa(1, VB + 0x1FF000, false)},
            {"A:VG", "A:VB"});
}

// Leaf (4.4.2.3/4): with Leaf == 1 only last-level entries need to go; the model keeps the
// walk-cache (table) entries, so the next walk of the address starts at level 3 (one read);
// with Leaf == 0 the table entries covering the address go too (three reads: levels 1-3 of a
// 39-bit, 4 KB-granule walk) while table entries of other addresses stay.
TEST_P(TlbiNh, LeafKeepsWalkCacheLeaf0RemovesIt)
{
    constexpr uint64_t V3 = 0x600000;  // another 2 MB region, same level-1 entry
    for (bool vaa : {false, true}) {
        for (bool leaf : {true, false}) {
            SCOPED_TRACE(std::string(vaa ? "NH_VAA" : "NH_VA") + (leaf ? " Leaf=1" : " Leaf=0"));
            Rig r(cfg());
            Stream& a = r.s1_stream(1, 1, 1);
            a.pt().map(V1, 0x80000000);
            a.pt().map(V3, 0x80200000);
            a.pt().map(V3 + 0x1000, 0x80400000);
            smmu_xlate_t x = r.xlate(1, V1);
            EXPECT_TRUE(Walked(x, 0x80000000));
            EXPECT_EQ(x.work.s1_reads, 3u);
            EXPECT_TRUE(Walked(r.xlate(1, V3), 0x80200000));
            a.pt().map(V1, 0x90000000);
            smmu_stats_t s0 = r.stats();
            r.submit({vaa ? cmd::tlbi_nh_vaa(1, V1, leaf) : cmd::tlbi_nh_va(1, 1, V1, leaf)});
            smmu_stats_t s1 = r.stats();
            // Leaf = 0: the level-1 and level-2 table entries for V1 (4.4.1.1 note).
            EXPECT_EQ(s1.walk_s1.invalidations - s0.walk_s1.invalidations, leaf ? 0u : 2u);
            x = r.xlate(1, V1);
            EXPECT_TRUE(Walked(x, 0x90000000));
            EXPECT_EQ(x.work.s1_reads, leaf ? 1u : 3u);
            EXPECT_EQ(x.work.walk_cache_hits, leaf ? 1u : 0u);
            // V3's level-2 table entry does not cover V1: kept either way.
            x = r.xlate(1, V3 + 0x1000);
            EXPECT_TRUE(Walked(x, 0x80400000));
            EXPECT_EQ(x.work.s1_reads, 1u);
        }
    }
}

// A changed table descriptor is only guaranteed to be seen after a Leaf == 0 invalidation.
// With Leaf == 1 the model keeps using the cached table entry (permitted: "only cached
// entries for the last level ... are required to be invalidated").
TEST_P(TlbiNh, TableDescriptorChangeNeedsLeaf0)
{
    for (bool leaf : {true, false}) {
        SCOPED_TRACE(leaf ? "Leaf=1" : "Leaf=0");
        Rig r(cfg());
        Stream& a = r.s1_stream(1, 1, 1);
        a.pt().map(V1, 0x80000000);
        EXPECT_TRUE(Walked(r.xlate(1, V1), 0x80000000));
        // The level-2 descriptor of V1 now points to a new level-3 table mapping V1 elsewhere.
        uint64_t l3 = a.pt().fresh_table(V1, 2);
        r.mem().write64(l3 + 8u * ((V1 >> 12) & 511u), a.pt().leaf_desc(0x90000000, 3, false));
        EXPECT_TRUE(Cached(r.xlate(1, V1), 0x80000000));
        r.submit({cmd::tlbi_nh_va(1, 1, V1, leaf)});
        smmu_xlate_t x = r.xlate(1, V1);
        EXPECT_TRUE(Walked(x, leaf ? 0x80000000 : 0x90000000));
    }
}

// Range invalidation (4.4.1.1), TG = 4 KB: Range = (NUM+1) * 2^SCALE granules from Address;
// Address <= A < Address + Range. Pages just outside stay; other ASIDs stay.
TEST_P(TlbiNh, NhVaRangeInsideAndJustOutside)
{
    constexpr uint64_t R = 0x100000;
    cmd::Range rg;
    rg.tg = 1;     // 4 KB
    rg.num = 2;    // (2 + 1) * 2^1 = 6 pages
    rg.scale = 1;
    Rig r(cfg());
    Probes p(r);
    Stream& a = r.s1_stream(1, 1, 1);
    Stream& b = r.s1_stream(2, 2, 1);
    p.add("below", a, R - 0x1000);
    std::vector<std::string> gone;
    for (unsigned i = 0; i < 6; i++) {
        gone.push_back("in" + std::to_string(i));
        p.add(gone.back(), a, R + i * 0x1000);
    }
    p.add("above", a, R + 0x6000);
    p.add("B:in0", b, R);
    p.run({cmd::tlbi_nh_va(1, 1, R, true, rg)}, gone);
}

// A block entry straddling the start of the range must go (it holds addresses in range).
TEST_P(TlbiNh, NhVaRangeStartsInsideABlock)
{
    cmd::Range rg;
    rg.tg = 1;
    rg.num = 3;  // 4 pages: [0x7FE000, 0x802000)
    Rig r(cfg());
    Probes p(r);
    Stream& a = r.s1_stream(1, 1, 1);
    p.add("block 4M-6M", a, 0x400000, 2);
    p.add("block 6M-8M", a, 0x600000, 2);
    p.add("page 8M", a, 0x800000);
    p.add("page 8M+4K", a, 0x801000);
    p.add("page 8M+8K", a, 0x802000);
    p.run({cmd::tlbi_nh_va(1, 1, 0x7FE000, true, rg)}, {"block 6M-8M", "page 8M", "page 8M+4K"});
}

// ... and a block straddling the end of the range too.
TEST_P(TlbiNh, NhVaaRangeEndsInsideABlock)
{
    cmd::Range rg;
    rg.tg = 1;
    rg.num = 3;  // 4 pages: [0x5FE000, 0x602000)
    Rig r(cfg());
    Probes p(r);
    Stream& a = r.s1_stream(1, 1, 1);
    Stream& b = r.s1_stream(2, 2, 1);
    p.add("page 6M-12K", a, 0x5FD000);
    p.add("page 6M-8K", a, 0x5FE000);
    p.add("page 6M-4K", a, 0x5FF000);
    p.add("block 6M-8M", a, 0x600000, 2);
    p.add("block 8M-10M", a, 0x800000, 2);
    p.add("B block 6M-8M", b, 0x600000, 2);
    p.run({cmd::tlbi_nh_vaa(1, 0x5FE000, true, rg)},
          {"page 6M-8K", "page 6M-4K", "block 6M-8M", "B block 6M-8M"});
}

// TTL (4.4.1.1): with TG != 0 and TTL != 0 only leaves of that level are required to go.
// Range [6 MB, 10 MB): a 2 MB block (level 2) at 6 MB and pages (level 3) from 8 MB.
TEST_P(TlbiNh, NhVaRangeLevelHint)
{
    struct Case {
        unsigned ttl;
        std::vector<std::string> gone;
    } cases[] = {{0, {"block", "page 8M", "page 10M-4K"}},
                 {2, {"block"}},
                 {3, {"page 8M", "page 10M-4K"}}};
    for (const Case& c : cases) {
        SCOPED_TRACE("TTL " + std::to_string(c.ttl));
        cmd::Range rg;
        rg.tg = 1;
        rg.num = 1;     // 2 * 2^9 pages = 4 MB
        rg.scale = 9;
        rg.ttl = c.ttl;
        Rig r(cfg());
        Probes p(r);
        Stream& a = r.s1_stream(1, 1, 1);
        p.add("block", a, 0x600000, 2);
        p.add("page 8M", a, 0x800000);
        p.add("page 10M-4K", a, 0x9FF000);
        p.add("page 10M", a, 0xA00000);
        p.run({cmd::tlbi_nh_va(1, 1, 0x600000, true, rg)}, c.gone);
    }
}

// TG (4.4.1.1): "If a non-zero value is specified then the SMMU is only required to
// invalidate TLB entries that were inserted using a Translation Granule that matches TG."
TEST_P(TlbiNh, NhVaaRangeGranuleFilter)
{
    constexpr uint64_t VA = 0x100000;
    struct Case {
        const char* what;
        cmd::Range rg;
        std::vector<std::string> gone;
    } cases[] = {
        {"TG=16K, 1 granule, TTL=3", {2, 0, 0, 3}, {"16K page"}},
        {"TG=4K, 4 granules", {1, 3, 0, 0}, {"4K page"}},
        {"TG=64K, 1 granule, TTL=3", {3, 0, 0, 3}, {"64K page"}},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.what);
        Rig r(cfg());
        Probes p(r);
        Stream& a = r.s1_stream(1, 1, 1, 12);
        Stream& f = r.s1_stream(7, 3, 1, 14);
        Stream& g = r.s1_stream(8, 4, 1, 16);
        p.add("4K page", a, VA);
        p.add("16K page", f, VA);
        p.add("64K page", g, VA);
        p.run({cmd::tlbi_nh_vaa(1, VA, true, c.rg)}, c.gone);
    }
}

// 4.4.1.1: "When TG == 0b00 ... The TTL field does not affect the scope of the invalidation":
// a single-address TLBI with a stray TTL still removes a level-2 block.
TEST_P(TlbiNh, TtlIgnoredWithoutTg)
{
    cmd::Range rg;
    rg.ttl = 3;  // TG = 0
    World w(cfg());
    w.p.run({cmd::tlbi_nh_va(1, 1, VB, true, rg)}, {"A:VB"});
}

// An invalidation takes effect when the command is consumed, not when it is written: with
// command consumption made manual (smmu_set_cmdq_manual), the stale translation stays until
// smmu_cmdq_process() consumes the TLBI and the CMD_SYNC.
TEST_P(TlbiNh, TlbiTakesEffectWhenConsumed)
{
    Rig r(cfg());
    Stream& a = r.s1_stream(1, 1, 1);
    a.pt().map(V1, 0x80000000);
    EXPECT_TRUE(Walked(r.xlate(1, V1), 0x80000000));
    a.pt().map(V1, 0x90000000);
    smmu_set_cmdq_manual(r.s(), true);
    r.submit({cmd::tlbi_nh_va(1, 1, V1, true)}, true, false);
    EXPECT_EQ(smmu_cmdq_pending(r.s()), 2u);
    EXPECT_TRUE(Cached(r.xlate(1, V1), 0x80000000)) << "written, not consumed";
    EXPECT_EQ(smmu_cmdq_process(r.s(), 0), 2u);
    EXPECT_EQ(smmu_cmdq_pending(r.s()), 0u);
    EXPECT_EQ(r.dev.rd32(reg::CMDQ_CONS) & 0xFFFFFu, r.dev.rd32(reg::CMDQ_PROD) & 0xFFFFFu);
    EXPECT_TRUE(Walked(r.xlate(1, V1), 0x90000000));
}

// 4.4.1.1: "The parameter combination of NUM == 0, SCALE == 0 and TTL = 0b00 is Reserved.
// Use of this Reserved combination of parameters causes CERROR_ILL." (TG != 0)
TEST_P(TlbiNh, RangeReservedEncodingIsIllegal)
{
    Rig r(cfg());
    cmd::Range rg;
    rg.tg = 1;
    EXPECT_EQ(r.submit({cmd::tlbi_nh_va(1, 1, V1, true, rg)}, true, false), CERROR_ILL);
}

// 4.4.1.1 note: "If SMMU_IDR5.DS == 0, a TLBI configured with TG == 0b10 and TTL == 0b01,
// raises a CERROR_ILL, since TTL is treated as 0b00" (with NUM == SCALE == 0).
TEST_P(TlbiNh, Range16kTtl1WithoutDsIsIllegal)
{
    Rig r(cfg());
    ASSERT_FALSE(r.dev.cfg.ds);
    cmd::Range rg;
    rg.tg = 2;
    rg.ttl = 1;
    EXPECT_EQ(r.submit({cmd::tlbi_nh_vaa(1, 0, true, rg)}, true, false), CERROR_ILL);
}

// Leaf == 0 range invalidation also removes the table entries overlapping the range.
TEST_P(TlbiNh, RangeLeaf0RemovesWalkCache)
{
    for (bool leaf : {true, false}) {
        SCOPED_TRACE(leaf ? "Leaf=1" : "Leaf=0");
        Rig r(cfg());
        Stream& a = r.s1_stream(1, 1, 1);
        a.pt().map(0x100000, 0x80000000);
        a.pt().map(0x300000, 0x80200000);
        a.pt().map(0x301000, 0x80400000);
        EXPECT_TRUE(Walked(r.xlate(1, 0x100000), 0x80000000));
        EXPECT_TRUE(Walked(r.xlate(1, 0x300000), 0x80200000));
        cmd::Range rg;
        rg.tg = 1;
        rg.num = 0;
        rg.scale = 4;  // 16 pages from 0x100000: only the first 2 MB region
        r.submit({cmd::tlbi_nh_va(1, 1, 0x100000, leaf, rg)});
        smmu_xlate_t x = r.xlate(1, 0x100000);
        EXPECT_TRUE(Walked(x, 0x80000000));
        EXPECT_EQ(x.work.s1_reads, leaf ? 1u : 3u);
        x = r.xlate(1, 0x301000);  // level-2 table entry of [2 MB, 4 MB) kept
        EXPECT_TRUE(Walked(x, 0x80400000));
        EXPECT_EQ(x.work.s1_reads, 1u);
    }
}

}  // namespace
}  // namespace cache_test
