// SPDX-License-Identifier: Apache-2.0
// EL2 TLB invalidation (Arm IHI 0070 G.b 4.4.2.7 - 4.4.2.10): CMD_TLBI_EL2_ALL, _ASID, _VA,
// _VAA for stage-1-only streams with STE.STRW = 0b10, whose StreamWorld is NS-EL2 when
// SMMU_CR2.E2H == 0 and NS-EL2-E2H when E2H == 1 (5.2 STRW; tags from 3.17: NS-EL2 entries
// carry no ASID and no VMID, NS-EL2-E2H entries an ASID when non-global). The default
// configuration has IDR0.Hyp == 1. NS-EL1 entries are never in scope.
//
// As in tlbi_nh_test.cc, "kept" checks hold the model to its claim of exact scope (4.4 allows
// over-invalidation); "invalidated" checks are architectural.
#include "cache_rig.h"

namespace cache_test {
namespace {

constexpr uint64_t V1 = 0x100000, V2 = 0x101000, VG = 0x200000;

class TlbiEl2 : public ::testing::TestWithParam<bool> {
protected:
    smmu_config_t cfg() const { return GetParam() ? default_config() : config_no_utlb(); }
};

INSTANTIATE_TEST_SUITE_P(Utlb, TlbiEl2, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& i) {
                             return i.param ? std::string("utlb_on") : std::string("utlb_off");
                         });

// E2H == 0 world: E (SID 6, NS-EL2: one VA range, no ASID); A (SID 1, NS-EL1, ASID 1,
// VMID 1) with the same VAs.
struct WorldEl2 {
    Rig r;
    Probes p;
    Stream &e, &a;
    explicit WorldEl2(const smmu_config_t& cfg)
        : r(cfg), p(r), e(r.s1_stream(6, 0, 0, 12, 0b10)), a(r.s1_stream(1, 1, 1))
    {
        p.add("E:V1", e, V1);
        p.add("E:V2", e, V2);
        p.add("A:V1", a, V1);
    }
};

// E2H == 1 world: E1 (SID 6, NS-EL2-E2H, ASID 7) with a global page, E2 (SID 7, ASID 8),
// A (SID 1, NS-EL1, ASID 7, VMID 1).
struct WorldE2h {
    Rig r;
    Probes p;
    Stream &e1, &e2, &a;
    static RigOptions opts()
    {
        RigOptions o;
        o.e2h = true;
        return o;
    }
    explicit WorldE2h(const smmu_config_t& cfg)
        : r(cfg, opts()),
          p(r),
          e1(r.s1_stream(6, 7, 0, 12, 0b10)),
          e2(r.s1_stream(7, 8, 0, 12, 0b10)),
          a(r.s1_stream(1, 7, 1))
    {
        p.add("E1:V1", e1, V1);
        p.add("E1:V2", e1, V2);
        p.add("E1:VG", e1, VG, 3, true);
        p.add("E2:V1", e2, V1);
        p.add("A:V1", a, V1);
    }
};

// ---- CR2.E2H == 0 ----

// 4.4.2.7: all NS-EL2 entries.
TEST_P(TlbiEl2, E2h0El2All)
{
    WorldEl2 w(cfg());
    w.p.run({cmd::tlbi_el2_all()}, {"E:V1", "E:V2"});
}

// 4.4.2.8: "When SMMU_CR2.E2H == 0, TLB entries inserted with a StreamWorld == NS-EL2
// configuration are invalidated if VA matches, and the ASID parameter is ignored."
TEST_P(TlbiEl2, E2h0El2VaIgnoresAsid)
{
    for (bool leaf : {true, false}) {
        SCOPED_TRACE(leaf ? "Leaf=1" : "Leaf=0");
        WorldEl2 w(cfg());
        w.p.run({cmd::tlbi_el2_va(0x55, V1, leaf)}, {"E:V1"});
    }
}

// 4.4.2.9: NS-EL2 entries by VA.
TEST_P(TlbiEl2, E2h0El2Vaa)
{
    WorldEl2 w(cfg());
    w.p.run({cmd::tlbi_el2_vaa(V1, true)}, {"E:V1"});
}

// 4.4.2.10: "EL2 (non-ASID-tagged) entries are not required to be invalidated."
TEST_P(TlbiEl2, E2h0El2AsidLeavesEl2Entries)
{
    WorldEl2 w(cfg());
    w.p.run({cmd::tlbi_el2_asid(0), cmd::tlbi_el2_asid(1)}, {});
}

// Stage-1 NS-EL1 commands do not reach NS-EL2 entries (4.4.2.1: "not NS-EL2 or NS-EL2-E2H").
TEST_P(TlbiEl2, E2h0NhCommandsLeaveEl2Entries)
{
    WorldEl2 w(cfg());
    w.p.run({cmd::tlbi_nh_all(0), cmd::tlbi_nh_vaa(0, V2, false), cmd::tlbi_nh_asid(0, 0)}, {});
}

// EL2 range invalidation (4.4.1.1 applies to CMD_TLBI_EL2_VA/VAA too).
TEST_P(TlbiEl2, E2h0El2VaaRange)
{
    cmd::Range rg;
    rg.tg = 1;
    rg.num = 1;  // 2 pages
    Rig r(cfg());
    Probes p(r);
    Stream& e = r.s1_stream(6, 0, 0, 12, 0b10);
    p.add("below", e, V1 - 0x1000);
    p.add("in0", e, V1);
    p.add("in1", e, V1 + 0x1000);
    p.add("above", e, V1 + 0x2000);
    p.run({cmd::tlbi_el2_vaa(V1, true, rg)}, {"in0", "in1"});
}

// Leaf: EL2_VA with Leaf == 1 keeps the walk-cache entries, Leaf == 0 removes them.
TEST_P(TlbiEl2, E2h0LeafAndWalkCache)
{
    for (bool leaf : {true, false}) {
        SCOPED_TRACE(leaf ? "Leaf=1" : "Leaf=0");
        Rig r(cfg());
        Stream& e = r.s1_stream(6, 0, 0, 12, 0b10);
        e.pt().map(V1, 0x80000000);
        EXPECT_TRUE(Walked(r.xlate(6, V1), 0x80000000));
        e.pt().map(V1, 0x90000000);
        r.submit({cmd::tlbi_el2_va(0, V1, leaf)});
        smmu_xlate_t x = r.xlate(6, V1);
        EXPECT_TRUE(Walked(x, 0x90000000));
        EXPECT_EQ(x.work.s1_reads, leaf ? 1u : 3u);
    }
}

// ---- CR2.E2H == 1 ----

TEST_P(TlbiEl2, E2h1El2All)
{
    WorldE2h w(cfg());
    w.p.run({cmd::tlbi_el2_all()}, {"E1:V1", "E1:V2", "E1:VG", "E2:V1"});
}

// 4.4.2.10: non-global NS-EL2-E2H entries of the ASID.
TEST_P(TlbiEl2, E2h1El2AsidKeepsGlobalAndOtherAsid)
{
    WorldE2h w(cfg());
    w.p.run({cmd::tlbi_el2_asid(7)}, {"E1:V1", "E1:V2"});
}

// 4.4.2.8: "When SMMU_CR2.E2H == 1, TLB entries inserted with a StreamWorld == NS-EL2-E2H
// configuration are invalidated if ASID matches (or global) and VA matches."
TEST_P(TlbiEl2, E2h1El2VaByAsid)
{
    WorldE2h w(cfg());
    w.p.run({cmd::tlbi_el2_va(7, V1, true)}, {"E1:V1"});
}

TEST_P(TlbiEl2, E2h1El2VaGlobalAnyAsid)
{
    WorldE2h w(cfg());
    w.p.run({cmd::tlbi_el2_va(8, VG, false)}, {"E1:VG"});
}

// 4.4.2.9: NS-EL2-E2H entries by VA, all ASIDs.
TEST_P(TlbiEl2, E2h1El2VaaAllAsids)
{
    WorldE2h w(cfg());
    w.p.run({cmd::tlbi_el2_vaa(V1, true)}, {"E1:V1", "E2:V1"});
}

// NS-EL1 commands with the same ASID do not reach NS-EL2-E2H entries, and EL2 commands do
// not reach NS-EL1 ones.
TEST_P(TlbiEl2, E2h1RegimesAreSeparate)
{
    {
        WorldE2h w(cfg());
        w.p.run({cmd::tlbi_nh_asid(0, 7), cmd::tlbi_nh_va(0, 7, V1, false), cmd::tlbi_nh_all(0),
                 cmd::tlbi_nh_asid(1, 7), cmd::tlbi_nh_vaa(1, V2, false)},
                {"A:V1"});
    }
    {
        WorldE2h w(cfg());
        w.p.run({cmd::tlbi_el2_asid(7), cmd::tlbi_el2_va(7, V2, false)}, {"E1:V1", "E1:V2"});
    }
}

// EL2 commands raise CERROR_ILL when IDR0.Hyp == 0 (4.4.2.7-10).
TEST(TlbiEl2Illegal, WithoutHyp)
{
    smmu_config_t c = smmu_config_default();
    c.hyp = false;
    for (Cmd k : {cmd::tlbi_el2_all(), cmd::tlbi_el2_asid(1), cmd::tlbi_el2_va(1, V1, true),
                  cmd::tlbi_el2_vaa(V1, true)}) {
        Rig r(c);
        EXPECT_EQ(r.submit({k}, true, false), CERROR_ILL);
    }
}

}  // namespace
}  // namespace cache_test
