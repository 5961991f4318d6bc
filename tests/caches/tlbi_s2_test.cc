// SPDX-License-Identifier: Apache-2.0
// Stage-2 and all-stage TLB invalidation (Arm IHI 0070 G.b 4.4.3, 4.4.4): CMD_TLBI_S12_VMALL,
// CMD_TLBI_S2_IPA, CMD_TLBI_NSNH_ALL, and the stage-2 caching behind nested walks.
//
// As in tlbi_nh_test.cc, "kept" checks hold the model to its claim of exact scope (4.4 allows
// over-invalidation); "invalidated" checks are architectural.
#include "cache_rig.h"

namespace cache_test {
namespace {

constexpr uint64_t V1 = 0x100000;
// Stage-2-only IPAs, outside the identity-mapped first 4 GB of every VMID's stage 2.
constexpr uint64_t I1 = UINT64_C(0x1000100000), I2 = I1 + 0x1000;
constexpr uint64_t IB = UINT64_C(0x1000400000);  // a 2 MB stage-2 block

class TlbiS2 : public ::testing::TestWithParam<bool> {
protected:
    smmu_config_t cfg() const { return GetParam() ? default_config() : config_no_utlb(); }
};

INSTANTIATE_TEST_SUITE_P(Utlb, TlbiS2, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& i) {
                             return i.param ? std::string("utlb_on") : std::string("utlb_off");
                         });

// A (SID 1, S1, ASID 1, VMID 1), C (SID 3, S1, ASID 1, VMID 2), N (SID 4, nested, ASID 1,
// VMID 5), D (SID 5, S2 only, VMID 5), D2 (SID 8, S2 only, VMID 6), E (SID 6, NS-EL2).
// Stage-1-only streams do not share a VMID with stage-2 ones (3.17).
struct World {
    Rig r;
    Probes p;
    Stream &a, &c, &n, &d, &d2, &e;
    explicit World(const smmu_config_t& cfg)
        : r(cfg),
          p(r),
          a(r.s1_stream(1, 1, 1)),
          c(r.s1_stream(3, 1, 2)),
          n(r.nested_stream(4, 1, 5)),
          d(r.s2_stream(5, 5)),
          d2(r.s2_stream(8, 6)),
          e(r.s1_stream(6, 0, 0, 12, 0b10))
    {
        p.add("A:V1", a, V1);
        p.add("C:V1", c, V1);
        p.add("N:V1", n, V1);
        p.add("D:I1", d, I1);
        p.add("D:I2", d, I2);
        p.add("D:IB", d, IB, 2);
        p.add("D2:I1", d2, I1);
        p.add("E:V1", e, V1);
    }
};

// 4.4.3.2: all NS non-EL2 entries of the VMID at every stage.
TEST_P(TlbiS2, S12VmallEveryStageOfTheVmid)
{
    World w(cfg());
    w.p.run({cmd::tlbi_s12_vmall(5)}, {"N:V1", "D:I1", "D:I2", "D:IB"});
}

TEST_P(TlbiS2, S12VmallStage1OnlyVmid)
{
    World w(cfg());
    w.p.run({cmd::tlbi_s12_vmall(1)}, {"A:V1"});
}

// 4.4.3.1: stage-2-only entries by VMID and IPA. "This command is not required to invalidate
// structures containing combined stage 1 and stage 2 information" - the model keeps them
// (cmdq.c): N's entry stays even when the IPA is its output address.
TEST_P(TlbiS2, S2IpaOneAddress)
{
    for (bool leaf : {true, false}) {
        SCOPED_TRACE(leaf ? "Leaf=1" : "Leaf=0");
        World w(cfg());
        w.p.run({cmd::tlbi_s2_ipa(5, I1, leaf), cmd::tlbi_s2_ipa(5, w.p.get("N:V1").old_pa, leaf),
                 cmd::tlbi_s2_ipa(1, V1, leaf)},
                {"D:I1"});
    }
}

TEST_P(TlbiS2, S2IpaInsideABlock)
{
    World w(cfg());
    w.p.run({cmd::tlbi_s2_ipa(5, IB + 0x1FF000, true)}, {"D:IB"});
}

// Range and level hint for IPAs (4.4.1.1). The 8 MB range [64 GB, 64 GB + 8 MB) holds the
// pages I1, I2 (level 3) and the block IB (level 2); TTL selects the level.
TEST_P(TlbiS2, S2IpaRangeAndTtl)
{
    struct Case {
        uint64_t addr;
        unsigned num, scale, ttl;
        std::vector<std::string> gone;
    } cases[] = {{I1, 1, 0, 0, {"D:I1", "D:I2"}},                       // 2 pages from I1
                 {I2, 0, 0, 3, {"D:I2"}},                               // 1 page, level 3
                 {I1 - 0x100000, 1, 10, 3, {"D:I1", "D:I2"}},           // 8 MB, level 3 only
                 {I1 - 0x100000, 1, 10, 2, {"D:IB"}},                   // 8 MB, level 2 only
                 {I1 - 0x100000, 1, 10, 0, {"D:I1", "D:I2", "D:IB"}}};  // 8 MB, any level
    for (const Case& c : cases) {
        SCOPED_TRACE("NUM " + std::to_string(c.num) + " SCALE " + std::to_string(c.scale) +
                     " TTL " + std::to_string(c.ttl));
        World w(cfg());
        cmd::Range rg;
        rg.tg = 1;
        rg.num = c.num;
        rg.scale = c.scale;
        rg.ttl = c.ttl;
        w.p.run({cmd::tlbi_s2_ipa(5, c.addr, true, rg)}, c.gone);
    }
}

// Leaf for stage 2: Leaf == 1 keeps the stage-2 walk-cache (table) entries, so the next walk
// of the IPA reads one descriptor; Leaf == 0 removes them (a 3-level walk again).
TEST_P(TlbiS2, S2IpaLeafAndWalkCache)
{
    for (bool leaf : {true, false}) {
        SCOPED_TRACE(leaf ? "Leaf=1" : "Leaf=0");
        Rig r(cfg());
        Stream& d = r.s2_stream(5, 1);
        d.s2->map(I1, 0x80000000);
        smmu_xlate_t x = r.xlate(5, I1);
        EXPECT_TRUE(Walked(x, 0x80000000));
        EXPECT_EQ(x.work.s2_reads, 3u);
        d.s2->map(I1, 0x90000000);
        smmu_stats_t s0 = r.stats();
        r.submit({cmd::tlbi_s2_ipa(1, I1, leaf)});
        EXPECT_EQ(r.stats().walk_s2.invalidations - s0.walk_s2.invalidations, leaf ? 0u : 2u);
        x = r.xlate(5, I1);
        EXPECT_TRUE(Walked(x, 0x90000000));
        EXPECT_EQ(x.work.s2_reads, leaf ? 1u : 3u);
    }
}

// 4.4.4.1: all NS non-EL2 entries, every VMID and stage; NS-EL2 entries stay.
TEST_P(TlbiS2, NsnhAllEverythingButEl2)
{
    World w(cfg());
    w.p.run({cmd::tlbi_nsnh_all()},
            {"A:V1", "C:V1", "N:V1", "D:I1", "D:I2", "D:IB", "D2:I1"});
}

// After S12_VMALL / NSNH_ALL the walk caches of the VMID(s) are empty too; other VMIDs'
// stay after S12_VMALL.
TEST_P(TlbiS2, S12VmallAndNsnhAllEmptyTheWalkCaches)
{
    for (bool nsnh : {false, true}) {
        SCOPED_TRACE(nsnh ? "NSNH_ALL" : "S12_VMALL(5) + S12_VMALL(1)");
        Rig r(cfg());
        Stream& d = r.s2_stream(5, 5);
        Stream& d2 = r.s2_stream(8, 6);
        Stream& a = r.s1_stream(1, 1, 1);
        d.s2->map(I1, 0x80000000);
        d.s2->map(I2, 0x80200000);
        d2.s2->map(I1, 0x80400000);
        d2.s2->map(I2, 0x80600000);
        a.pt().map(V1, 0x80800000);
        a.pt().map(V1 + 0x1000, 0x80A00000);
        EXPECT_TRUE(Walked(r.xlate(5, I1), 0x80000000));
        EXPECT_TRUE(Walked(r.xlate(8, I1), 0x80400000));
        EXPECT_TRUE(Walked(r.xlate(1, V1), 0x80800000));
        if (nsnh)
            r.submit({cmd::tlbi_nsnh_all()});
        else
            r.submit({cmd::tlbi_s12_vmall(5), cmd::tlbi_s12_vmall(1)});
        smmu_xlate_t x = r.xlate(5, I2);
        EXPECT_TRUE(Walked(x, 0x80200000));
        EXPECT_EQ(x.work.s2_reads, 3u);
        x = r.xlate(1, V1 + 0x1000);
        EXPECT_TRUE(Walked(x, 0x80A00000));
        EXPECT_EQ(x.work.s1_reads, 3u);
        x = r.xlate(8, I2);
        EXPECT_TRUE(Walked(x, 0x80600000));
        EXPECT_EQ(x.work.s2_reads, nsnh ? 3u : 1u);
    }
}

// 4.4.3.1: where combined stage 1 + 2 entries exist, CMD_TLBI_S2_IPA "is expected to be used
// with CMD_TLBI_NH_ALL or CMD_TLBI_NH_VAA". A nested stream's output IPA is remapped at stage 2;
// S2_IPA alone leaves the combined entry (model choice, permitted); with NH_VAA the fresh
// translation appears.
TEST_P(TlbiS2, NestedStage2ChangeNeedsS2IpaAndStage1Tlbi)
{
    constexpr uint64_t NI = UINT64_C(0x1000800000);  // IPA mapped by a stage-2 page
    Rig r(cfg());
    Stream& n = r.nested_stream(4, 1, 1);
    n.pt().map(V1, NI);
    n.s2->map(NI, 0x80000000);
    EXPECT_TRUE(Walked(r.xlate(4, V1), 0x80000000));
    n.s2->map(NI, 0x90000000);
    EXPECT_TRUE(Cached(r.xlate(4, V1), 0x80000000));
    r.submit({cmd::tlbi_s2_ipa(1, NI, true)});
    EXPECT_TRUE(Cached(r.xlate(4, V1), 0x80000000)) << "combined entry kept by S2_IPA alone";
    r.submit({cmd::tlbi_nh_vaa(1, V1, true)});
    EXPECT_TRUE(Walked(r.xlate(4, V1), 0x90000000));
}

// The stage-2 translation of a stage-1 table address is a stage-2 leaf entry: after the
// stage-2 mapping of a level-3 table's IPA changes, S2_IPA (even Leaf == 1) + NH_VAA must make
// the nested walk read the table at its new PA.
TEST_P(TlbiS2, NestedTableIpaRemappedAtStage2)
{
    constexpr uint64_t T = UINT64_C(0x1001000000);  // IPA of V1's level-3 table
    Rig r(cfg());
    Stream& n = r.nested_stream(4, 1, 1);
    n.pt().map(V1, 0x80000000);                     // creates the level-2 table
    uint64_t x_pa = r.alloc(4096, 4096), y_pa = r.alloc(4096, 4096);
    unsigned i3 = (V1 >> 12) & 511u;
    r.mem().write64(x_pa + 8u * i3, n.pt().leaf_desc(0x80000000, 3, false));
    r.mem().write64(y_pa + 8u * i3, n.pt().leaf_desc(0x90000000, 3, false));
    r.mem().write64(n.pt().desc_pa(V1, 2), T | 3u);  // level-2 table descriptor -> IPA T
    n.s2->map(T, x_pa);
    EXPECT_TRUE(Walked(r.xlate(4, V1), 0x80000000));
    n.s2->map(T, y_pa);
    r.submit({cmd::tlbi_nh_vaa(1, V1, true)});
    EXPECT_TRUE(Walked(r.xlate(4, V1), 0x80000000))
        << "stage-2 result for T still cached: stage 1 reads the old table (permitted)";
    r.submit({cmd::tlbi_s2_ipa(1, T, true), cmd::tlbi_nh_vaa(1, V1, true)});
    EXPECT_TRUE(Walked(r.xlate(4, V1), 0x90000000));
}

// The same when the stage-2 mapping of the table's IPA is a 2 MB block: the stage-2 result
// cached for the table's IPA comes from the block, and 4.4 says "To match a TLB entry, the
// least significant bits of the address are ignored as needed, given the size of the entry":
// an S2_IPA naming any address of the block (here its last page, not the table's page) must
// remove it.
TEST_P(TlbiS2, NestedTableIpaInAStage2Block)
{
    constexpr uint64_t TB = UINT64_C(0x1001000000);  // 2 MB block of IPA space
    constexpr uint64_t T = TB + 0x3000;              // IPA of V1's level-3 table
    for (bool range : {false, true}) {
        SCOPED_TRACE(range ? "range TLBI over the block's last page" : "TLBI of the last page");
        Rig r(cfg());
        Stream& n = r.nested_stream(4, 1, 5);
        n.pt().map(V1, 0x80000000);
        uint64_t xb = r.alloc(0x200000, 0x200000), yb = r.alloc(0x200000, 0x200000);
        unsigned i3 = (V1 >> 12) & 511u;
        r.mem().write64(xb + (T - TB) + 8u * i3, n.pt().leaf_desc(0x80000000, 3, false));
        r.mem().write64(yb + (T - TB) + 8u * i3, n.pt().leaf_desc(0x90000000, 3, false));
        r.mem().write64(n.pt().desc_pa(V1, 2), T | 3u);
        n.s2->map(TB, xb, 2);
        EXPECT_TRUE(Walked(r.xlate(4, V1), 0x80000000));
        n.s2->map(TB, yb, 2);
        cmd::Range rg;
        if (range) {
            rg.tg = 1;
            rg.ttl = 2;  // the block is a level-2 leaf; Address aligned to 2 MB for TTL 2
        }
        uint64_t addr = range ? TB : TB + 0x1FF000;
        r.submit({cmd::tlbi_s2_ipa(5, addr, true, rg), cmd::tlbi_nh_vaa(5, V1, true)});
        EXPECT_TRUE(Walked(r.xlate(4, V1), 0x90000000))
            << "the stage-2 block was invalidated: the table must be read at its new PA";
    }
}

// S2_IPA and S12_VMALL raise CERROR_ILL without stage 2 (4.4.3.1, 4.4.3.2); NSNH_ALL is
// valid on every SMMU (4.4.4.1).
TEST(TlbiS2Illegal, WithoutStage2)
{
    smmu_config_t c = smmu_config_default();
    c.s2p = false;
    c.hyp = false;
    c.vmw = false;
    for (Cmd k : {cmd::tlbi_s2_ipa(0, I1, true), cmd::tlbi_s12_vmall(0)}) {
        Rig r(c);
        EXPECT_EQ(r.submit({k}, true, false), CERROR_ILL);
    }
    Rig r(c);
    EXPECT_EQ(r.submit({cmd::tlbi_nsnh_all()}), CERROR_NONE);
}

}  // namespace
}  // namespace cache_test
