// SPDX-License-Identifier: Apache-2.0
// Configuration cache invalidation (Arm IHI 0070 G.b 4.3): a cached STE or CD keeps being
// used after the structure changed in memory, until the right CMD_CFGI_* and a CMD_SYNC;
// then the fresh structure is fetched. Each command removes what 4.3 says, and the model
// removes nothing more (4.3 permits over-invalidation; the model does not do it, and these
// tests hold it to that).
//
// Stale vs fresh is made visible by changing a structure so that its new version gives a
// different answer: an STE becomes a bypass STE (Config = 0b100, output = input), or a CD
// gets a new ASID and the page table a new leaf (the old ASID's TLB entry keeps the old
// answer, the new ASID walks to the new one).
#include "cache_rig.h"

namespace cache_test {
namespace {

constexpr uint64_t VA = 0x100000;

// Parameter: micro-TLB on (default configuration) or off. Configuration invalidation must
// also drop what the micro-TLB cached through the old configuration.
class Cfgi : public ::testing::TestWithParam<bool> {
protected:
    smmu_config_t cfg() const { return GetParam() ? default_config() : config_no_utlb(); }
};

INSTANTIATE_TEST_SUITE_P(Utlb, Cfgi, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& i) {
                             return i.param ? std::string("utlb_on") : std::string("utlb_off");
                         });

::testing::AssertionResult Bypassed(const smmu_xlate_t& x, uint64_t va)
{
    if (x.status == SMMU_XLATE_BYPASS && x.pa == va && !x.work.cfg_hit && x.work.cfg_reads >= 1)
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "want a freshly fetched bypass STE, got " << describe(x);
}

// Give SubstreamID ssid of st a new ASID and remap VA to new_pa in its table (in memory only).
void retarget_cd(Rig& r, Stream& st, size_t ssid, uint16_t new_asid, uint64_t new_pa)
{
    st.cds.at(ssid).asid = new_asid;
    st.pt(ssid).map(VA, new_pa);
    r.commit(st);
}

// 4.3.1 CMD_CFGI_STE: the STE of StreamID (any Leaf for a linear table), every CD cached
// through it; other StreamIDs keep their cached STEs.
TEST_P(Cfgi, CfgiSteRefetchesOnlyThatSte)
{
    for (bool leaf : {true, false}) {
        SCOPED_TRACE(leaf ? "Leaf=1" : "Leaf=0");
        Rig r(cfg());
        Stream& a = r.s1_stream(1, 1, 1);
        Stream& b = r.s1_stream(2, 2, 1);
        a.pt().map(VA, 0x80000000);
        b.pt().map(VA, 0x80200000);
        EXPECT_TRUE(Walked(r.xlate(1, VA), 0x80000000));
        EXPECT_TRUE(Walked(r.xlate(2, VA), 0x80200000));
        // Both STEs become bypass STEs in memory: the cached ones stay in use.
        a.ste.config = 0b100;
        b.ste.config = 0b100;
        r.commit(a);
        r.commit(b);
        EXPECT_TRUE(Cached(r.xlate(1, VA), 0x80000000));
        EXPECT_TRUE(Cached(r.xlate(2, VA), 0x80200000));
        smmu_stats_t s0 = r.stats();
        r.submit({cmd::cfgi_ste(1, leaf)});
        smmu_stats_t s1 = r.stats();
        EXPECT_EQ(s1.ste_cache.invalidations - s0.ste_cache.invalidations, 1u);
        EXPECT_EQ(s1.cd_cache.invalidations - s0.cd_cache.invalidations, 1u);  // A's CD
        EXPECT_EQ(s1.iotlb.invalidations, s0.iotlb.invalidations);  // not a TLB invalidation
        EXPECT_TRUE(Bypassed(r.xlate(1, VA), VA));
        EXPECT_TRUE(Cached(r.xlate(2, VA), 0x80200000)) << "SID 2's STE must survive";
        r.submit({cmd::cfgi_ste(2, leaf)});
        EXPECT_TRUE(Bypassed(r.xlate(2, VA), VA));
    }
}

// 4.3.1: "This command invalidates all Context Descriptors (including L1CD) that were cached
// using the given StreamID."
TEST_P(Cfgi, CfgiSteAlsoDropsTheStreamsCds)
{
    Rig r(cfg());
    Stream& a = r.s1_stream(1, 1, 1);
    Stream& b = r.s1_stream(2, 2, 1);
    a.pt().map(VA, 0x80000000);
    b.pt().map(VA, 0x80200000);
    EXPECT_TRUE(Walked(r.xlate(1, VA), 0x80000000));
    EXPECT_TRUE(Walked(r.xlate(2, VA), 0x80200000));
    retarget_cd(r, a, 0, 11, 0x90000000);
    retarget_cd(r, b, 0, 12, 0x90200000);
    EXPECT_TRUE(Cached(r.xlate(1, VA), 0x80000000));
    EXPECT_TRUE(Cached(r.xlate(2, VA), 0x80200000));
    r.submit({cmd::cfgi_ste(1, true)});
    EXPECT_TRUE(Walked(r.xlate(1, VA), 0x90000000)) << "new CD (ASID 11) after CFGI_STE";
    EXPECT_TRUE(Cached(r.xlate(2, VA), 0x80200000)) << "SID 2's CD must survive";
}

// 4.3.1 Note: CFGI_STE is not required to affect TLB contents; the model leaves them.
TEST_P(Cfgi, CfgiSteLeavesTheTlb)
{
    Rig r(cfg());
    Stream& a = r.s1_stream(1, 1, 1);
    a.pt().map(VA, 0x80000000);
    EXPECT_TRUE(Walked(r.xlate(1, VA), 0x80000000));
    a.pt().map(VA, 0x90000000);
    smmu_stats_t s0 = r.stats();
    r.submit({cmd::cfgi_ste(1, false), cmd::cfgi_all()});
    EXPECT_EQ(r.stats().iotlb.invalidations, s0.iotlb.invalidations);
    smmu_xlate_t x = r.xlate(1, VA);
    EXPECT_TRUE(Cached(x, 0x80000000));
    EXPECT_EQ(x.hit, SMMU_HIT_IOTLB);  // refetched configuration, same ASID: IOTLB hit
    EXPECT_FALSE(x.work.cfg_hit);
}

// 4.3.1 with a 2-level Stream table: Leaf == 0 also invalidates the L1STD walked to the STE
// (5.1: "changing an L1STD needs CMD_CFGI_STE with Leaf=0"); Leaf == 1 the STE itself.
TEST_P(Cfgi, CfgiSteTwoLevelTable)
{
    RigOptions o;
    o.two_level_strtab = true;
    {
        SCOPED_TRACE("Leaf=0, L1STD points to a new L2 table");
        Rig r(cfg(), o);
        Stream& a = r.s1_stream(65, 1, 1);   // L1STD 1, L2 index 1
        Stream& b = r.s1_stream(66, 2, 1);   // same L1STD
        a.pt().map(VA, 0x80000000);
        b.pt().map(VA, 0x80200000);
        EXPECT_TRUE(Walked(r.xlate(65, VA), 0x80000000));
        EXPECT_TRUE(Walked(r.xlate(66, VA), 0x80200000));
        // New L2 table: SID 65 bypass, SID 66 invalid (V = 0).
        uint64_t l2 = r.alloc(4096, 4096);
        Ste byp;
        byp.config = 0b100;
        uint64_t dw[8];
        byp.encode(dw);
        r.mem().write_dwords(l2 + 64u * (65 & 63), dw, 8);
        r.write_l1std(65, l2, 7);
        EXPECT_TRUE(Cached(r.xlate(65, VA), 0x80000000));
        r.submit({cmd::cfgi_ste(65, false)});
        EXPECT_TRUE(Bypassed(r.xlate(65, VA), VA));
        EXPECT_TRUE(Cached(r.xlate(66, VA), 0x80200000)) << "SID 66's cached STE survives";
    }
    {
        SCOPED_TRACE("Leaf=1, STE changed in place");
        Rig r(cfg(), o);
        Stream& a = r.s1_stream(130, 1, 1);
        a.pt().map(VA, 0x80000000);
        EXPECT_TRUE(Walked(r.xlate(130, VA), 0x80000000));
        a.ste.config = 0b100;
        r.commit(a);
        EXPECT_TRUE(Cached(r.xlate(130, VA), 0x80000000));
        r.submit({cmd::cfgi_ste(130, true)});
        EXPECT_TRUE(Bypassed(r.xlate(130, VA), VA));
    }
}

// 4.3.2 CMD_CFGI_STE_RANGE: the aligned range of 2^(Range+1) StreamIDs whose low Range+1
// bits are those of the StreamID parameter ignored; StreamIDs just outside keep their STEs.
TEST_P(Cfgi, CfgiSteRangeInsideAndOutside)
{
    struct Case {
        uint32_t sid;
        unsigned range;
        uint32_t lo, hi;  // expected range, inclusive
    } cases[] = {{5, 0, 4, 5}, {5, 1, 4, 7}, {13, 2, 8, 15}, {3, 3, 0, 15}, {17, 0, 16, 17}};
    for (const Case& c : cases) {
        SCOPED_TRACE("StreamID " + std::to_string(c.sid) + " Range " + std::to_string(c.range));
        Rig r(cfg());
        std::vector<Stream*> s;
        for (uint32_t sid = 0; sid < 20; sid++) {
            s.push_back(&r.s1_stream(sid, static_cast<uint16_t>(100 + sid), 1));
            s.back()->pt().map(VA, 0x80000000 + sid * 0x200000);
            EXPECT_TRUE(Walked(r.xlate(sid, VA), 0x80000000 + sid * 0x200000));
        }
        for (Stream* st : s) {
            st->ste.config = 0b100;
            r.commit(*st);
        }
        smmu_stats_t s0 = r.stats();
        r.submit({cmd::cfgi_ste_range(c.sid, c.range)});
        EXPECT_EQ(r.stats().ste_cache.invalidations - s0.ste_cache.invalidations, c.hi - c.lo + 1);
        for (uint32_t sid = 0; sid < 20; sid++) {
            if (sid >= c.lo && sid <= c.hi)
                EXPECT_TRUE(Bypassed(r.xlate(sid, VA), VA)) << "SID " << sid << " in range";
            else
                EXPECT_TRUE(Cached(r.xlate(sid, VA), 0x80000000 + sid * 0x200000))
                    << "SID " << sid << " outside the range";
        }
    }
}

// 4.3.6 CMD_CFGI_ALL = CFGI_STE_RANGE with Range == 31: every STE and CD; StreamID ignored.
TEST_P(Cfgi, CfgiAllRefetchesEverything)
{
    Rig r(cfg());
    Stream& a = r.s1_stream(1, 1, 1);
    Stream& b = r.s1_stream(200, 2, 1);
    Stream& c = r.s1_stream(3, 3, 2, 12, 0, 1);
    a.pt().map(VA, 0x80000000);
    b.pt().map(VA, 0x80200000);
    c.pt(1).map(VA, 0x80400000);
    EXPECT_TRUE(Walked(r.xlate(1, VA), 0x80000000));
    EXPECT_TRUE(Walked(r.xlate(200, VA), 0x80200000));
    EXPECT_TRUE(Walked(r.xlate(3, VA, true, 1), 0x80400000));
    a.ste.config = 0b100;
    r.commit(a);
    retarget_cd(r, b, 0, 22, 0x90200000);
    retarget_cd(r, c, 1, 33, 0x90400000);
    EXPECT_TRUE(Cached(r.xlate(1, VA), 0x80000000));
    EXPECT_TRUE(Cached(r.xlate(200, VA), 0x80200000));
    EXPECT_TRUE(Cached(r.xlate(3, VA, true, 1), 0x80400000));
    smmu_stats_t s0 = r.stats();
    r.submit({cmd::cfgi_all(0x1234)});
    smmu_stats_t s1 = r.stats();
    EXPECT_EQ(s1.ste_cache.invalidations - s0.ste_cache.invalidations, 3u);
    EXPECT_EQ(s1.cd_cache.invalidations - s0.cd_cache.invalidations, 3u);
    EXPECT_TRUE(Bypassed(r.xlate(1, VA), VA));
    EXPECT_TRUE(Walked(r.xlate(200, VA), 0x90200000));
    EXPECT_TRUE(Walked(r.xlate(3, VA, true, 1), 0x90400000));
}

// 4.3.3 CMD_CFGI_CD: the CD at index SubstreamID of the table found through StreamID; other
// SubstreamIDs, the same SubstreamID of another StreamID, and the STE stay cached.
TEST_P(Cfgi, CfgiCdOneSubstream)
{
    for (bool leaf : {true, false}) {
        SCOPED_TRACE(leaf ? "Leaf=1" : "Leaf=0");
        Rig r(cfg());
        Stream& a = r.s1_stream(1, 10, 1, 12, 0, 2);  // SSIDs 0..3, ASIDs 10..13
        Stream& b = r.s1_stream(2, 20, 1, 12, 0, 2);  // ASIDs 20..23
        a.pt(1).map(VA, 0x80000000);
        a.pt(2).map(VA, 0x80200000);
        b.pt(1).map(VA, 0x80400000);
        EXPECT_TRUE(Walked(r.xlate(1, VA, true, 1), 0x80000000));
        EXPECT_TRUE(Walked(r.xlate(1, VA, true, 2), 0x80200000));
        EXPECT_TRUE(Walked(r.xlate(2, VA, true, 1), 0x80400000));
        retarget_cd(r, a, 1, 31, 0x90000000);
        retarget_cd(r, a, 2, 32, 0x90200000);
        retarget_cd(r, b, 1, 41, 0x90400000);
        a.ste.config = 0b100;  // the STE changes too: CFGI_CD must not refetch it
        r.commit(a);
        EXPECT_TRUE(Cached(r.xlate(1, VA, true, 1), 0x80000000));
        smmu_stats_t s0 = r.stats();
        r.submit({cmd::cfgi_cd(1, 1, leaf)});
        smmu_stats_t s1 = r.stats();
        EXPECT_EQ(s1.cd_cache.invalidations - s0.cd_cache.invalidations, 1u);
        EXPECT_EQ(s1.ste_cache.invalidations, s0.ste_cache.invalidations);
        EXPECT_TRUE(Walked(r.xlate(1, VA, true, 1), 0x90000000)) << "fresh CD 1 (ASID 31)";
        EXPECT_TRUE(Cached(r.xlate(1, VA, true, 2), 0x80200000)) << "CD 2 survives";
        EXPECT_TRUE(Cached(r.xlate(2, VA, true, 1), 0x80400000)) << "SID 2's CD 1 survives";
    }
}

// 4.3.3: "Where substreams are not used with the given StreamID, this command invalidates the
// CD when it is issued with SubstreamID == 0", and with S1DSS == 0b10 the CD at index 0 that
// non-substream traffic uses is invalidated with SubstreamID 0.
TEST_P(Cfgi, CfgiCdIndexZero)
{
    {
        SCOPED_TRACE("single CD (S1CDMax = 0)");
        Rig r(cfg());
        Stream& a = r.s1_stream(1, 1, 1);
        a.pt().map(VA, 0x80000000);
        EXPECT_TRUE(Walked(r.xlate(1, VA), 0x80000000));
        retarget_cd(r, a, 0, 9, 0x90000000);
        EXPECT_TRUE(Cached(r.xlate(1, VA), 0x80000000));
        r.submit({cmd::cfgi_cd(1, 0, true)});
        EXPECT_TRUE(Walked(r.xlate(1, VA), 0x90000000));
    }
    {
        SCOPED_TRACE("S1DSS = 0b10: non-substream traffic uses CD 0");
        Rig r(cfg());
        Stream& a = r.s1_stream(1, 10, 1, 12, 0, 2);
        a.ste.s1dss = 2;
        r.commit(a);
        a.pt(0).map(VA, 0x80000000);
        a.pt(1).map(VA, 0x80200000);
        EXPECT_TRUE(Walked(r.xlate(1, VA), 0x80000000));
        EXPECT_TRUE(Walked(r.xlate(1, VA, true, 1), 0x80200000));
        retarget_cd(r, a, 0, 30, 0x90000000);
        retarget_cd(r, a, 1, 31, 0x90200000);
        EXPECT_TRUE(Cached(r.xlate(1, VA), 0x80000000));
        r.submit({cmd::cfgi_cd(1, 0, true)});
        EXPECT_TRUE(Walked(r.xlate(1, VA), 0x90000000));
        EXPECT_TRUE(Cached(r.xlate(1, VA, true, 1), 0x80200000));
    }
}

// 4.3.3 with a 2-level CD table (STE.S1Fmt = 01, 4 KB leaf tables of 64 CDs; 5.3 L1CD:
// V [0], L2Ptr [55:12]): Leaf == 0 also invalidates the L1CD that located the CD.
TEST_P(Cfgi, CfgiCdTwoLevelTableLeaf0)
{
    Rig r(cfg());
    Stream& a = r.s1_stream(1, 1, 1);  // stage-1 tables, CD fields reused below
    PageTable pt65(r, 12, 39, 1), pt66(r, 12, 39, 1);
    pt65.map(VA, 0x80000000);
    pt66.map(VA, 0x80200000);
    uint64_t l1 = r.alloc(64, 64);      // S1CDMax 7: 2 L1CDs
    uint64_t l2 = r.alloc(4096, 4096);
    auto l1cd = [](uint64_t l2ptr) {
        uint64_t d = 0;
        set_bits(&d, 0, 0, 1);
        set_bits(&d, 55, 12, l2ptr >> 12);
        return d;
    };
    r.mem().write64(l1 + 8, l1cd(l2));  // SSIDs 64..127
    Cd cd = a.cds[0];
    cd.asid = 65;
    cd.ttb0 = pt65.root();
    r.write_cd(l2 + 64u * (65 & 63), cd);
    cd.asid = 66;
    cd.ttb0 = pt66.root();
    r.write_cd(l2 + 64u * (66 & 63), cd);
    a.ste.s1fmt = 1;
    a.ste.s1cdmax = 7;
    a.ste.s1ctxptr = l1;
    r.write_ste(1, a.ste);
    r.submit({cmd::cfgi_ste(1, true)});
    EXPECT_TRUE(Walked(r.xlate(1, VA, true, 65), 0x80000000));
    EXPECT_TRUE(Walked(r.xlate(1, VA, true, 66), 0x80200000));
    // A new L2 table for SSIDs 64..127 where CD 65 has ASID 165 and a new mapping.
    PageTable pt165(r, 12, 39, 1);
    pt165.map(VA, 0x90000000);
    uint64_t l2b = r.alloc(4096, 4096);
    cd.asid = 165;
    cd.ttb0 = pt165.root();
    r.write_cd(l2b + 64u * (65 & 63), cd);
    r.mem().write64(l1 + 8, l1cd(l2b));
    EXPECT_TRUE(Cached(r.xlate(1, VA, true, 65), 0x80000000));
    r.submit({cmd::cfgi_cd(1, 65, false)});
    EXPECT_TRUE(Walked(r.xlate(1, VA, true, 65), 0x90000000));
    EXPECT_TRUE(Cached(r.xlate(1, VA, true, 66), 0x80200000)) << "CD 66 stays cached";
}

// 4.3.4 CMD_CFGI_CD_ALL: every CD cached through StreamID; the STE and other StreamIDs' CDs
// stay.
TEST_P(Cfgi, CfgiCdAll)
{
    Rig r(cfg());
    Stream& a = r.s1_stream(1, 10, 1, 12, 0, 2);
    Stream& b = r.s1_stream(2, 20, 1, 12, 0, 2);
    for (uint32_t ssid = 0; ssid < 4; ssid++) {
        a.pt(ssid).map(VA, 0x80000000 + ssid * 0x200000);
        EXPECT_TRUE(Walked(r.xlate(1, VA, true, ssid), 0x80000000 + ssid * 0x200000));
    }
    b.pt(0).map(VA, 0x81000000);
    EXPECT_TRUE(Walked(r.xlate(2, VA, true, 0), 0x81000000));
    for (uint32_t ssid = 0; ssid < 4; ssid++)
        retarget_cd(r, a, ssid, static_cast<uint16_t>(50 + ssid), 0x90000000 + ssid * 0x200000);
    retarget_cd(r, b, 0, 60, 0x91000000);
    a.ste.config = 0b100;
    r.commit(a);
    smmu_stats_t s0 = r.stats();
    r.submit({cmd::cfgi_cd_all(1)});
    smmu_stats_t s1 = r.stats();
    EXPECT_EQ(s1.cd_cache.invalidations - s0.cd_cache.invalidations, 4u);
    EXPECT_EQ(s1.ste_cache.invalidations, s0.ste_cache.invalidations);
    for (uint32_t ssid = 0; ssid < 4; ssid++)
        EXPECT_TRUE(Walked(r.xlate(1, VA, true, ssid), 0x90000000 + ssid * 0x200000))
            << "SSID " << ssid << " (through the still-cached stage-1 STE)";
    EXPECT_TRUE(Cached(r.xlate(2, VA, true, 0), 0x81000000));
}

// 4.3.3, 4.3.4: CFGI_CD and CFGI_CD_ALL raise CERROR_ILL when stage 1 is not implemented.
TEST(CfgiIllegal, CdCommandsWithoutStage1)
{
    smmu_config_t c = smmu_config_default();
    c.s1p = false;
    c.hyp = false;
    for (Cmd k : {cmd::cfgi_cd(1, 0, true), cmd::cfgi_cd_all(1)}) {
        Rig r(c);
        EXPECT_EQ(r.submit({k}, true, false), CERROR_ILL);
        EXPECT_NE(r.dev.rd32(reg::GERROR) & reg::GERROR_CMDQ_ERR,
                  r.dev.rd32(reg::GERRORN) & reg::GERROR_CMDQ_ERR);
    }
}

}  // namespace
}  // namespace cache_test
