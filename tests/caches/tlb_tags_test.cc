// SPDX-License-Identifier: Apache-2.0
// TLB tagging and invalidation corners (Arm IHI 0070 G.b 3.17, 4.4): VMID wildcards
// (SMMU_CR0.VMW, 3.17.6), addresses in the TTB1 half, micro-TLBs of every port, and the ASET
// rule for global entries (3.17.1).
#include "cache_rig.h"

namespace cache_test {
namespace {

constexpr uint64_t V1 = 0x100000, VG = 0x200000;
constexpr uint64_t I1 = UINT64_C(0x1000100000);

// 3.17.6: "An invalidation operation that matches on Non-secure VMID matches one exact VMID or
// ignores a configured number of VMID LSBs, as configured by SMMU_CR0.VMW" (6.3.9: 001..100
// ignore VMID[0] .. VMID[3:0]), "whether for stage 1 within the guest or at stage 2". Lookups
// still use every VMID bit.
struct VmwWorld {
    Rig r;
    Probes p;
    static RigOptions opts(unsigned vmw)
    {
        RigOptions o;
        o.vmw = vmw;
        return o;
    }
    explicit VmwWorld(unsigned vmw) : r(default_config(), opts(vmw)), p(r)
    {
        p.add("S1 VMID 2", r.s1_stream(1, 1, 2), V1);
        p.add("S1 VMID 3", r.s1_stream(2, 1, 3), V1);
        p.add("S1 VMID 4", r.s1_stream(3, 1, 4), V1);
        p.add("S2 VMID 6", r.s2_stream(4, 6), I1);
        p.add("S2 VMID 7", r.s2_stream(5, 7), I1);
        p.add("S2 VMID 8", r.s2_stream(6, 8), I1);
    }
};

TEST(TlbTags, VmidWildcardNhAll)
{
    VmwWorld w(1);
    w.p.run({cmd::tlbi_nh_all(2)}, {"S1 VMID 2", "S1 VMID 3"});
}

TEST(TlbTags, VmidWildcardNhVaAndAsid)
{
    {
        VmwWorld w(1);
        w.p.run({cmd::tlbi_nh_va(3, 1, V1, true)}, {"S1 VMID 2", "S1 VMID 3"});
    }
    {
        VmwWorld w(2);  // VMID[1:0] ignored: 4..7
        w.p.run({cmd::tlbi_nh_asid(5, 1)}, {"S1 VMID 4"});
    }
}

TEST(TlbTags, VmidWildcardStage2)
{
    {
        VmwWorld w(1);
        w.p.run({cmd::tlbi_s12_vmall(7)}, {"S2 VMID 6", "S2 VMID 7"});
    }
    {
        VmwWorld w(1);
        w.p.run({cmd::tlbi_s2_ipa(6, I1, true)}, {"S2 VMID 6", "S2 VMID 7"});
    }
    {
        VmwWorld w(4);  // VMID[3:0] ignored: 0..15
        w.p.run({cmd::tlbi_s12_vmall(9)},
                {"S1 VMID 2", "S1 VMID 3", "S1 VMID 4", "S2 VMID 6", "S2 VMID 7", "S2 VMID 8"});
    }
}

TEST(TlbTags, VmwZeroIsExact)
{
    VmwWorld w(0);
    w.p.run({cmd::tlbi_nh_all(2), cmd::tlbi_s12_vmall(7)}, {"S1 VMID 2", "S2 VMID 7"});
}

// Addresses in the TTB1 half (VA[55] == 1): the command's Address is VA[63:12].
TEST(TlbTags, Ttb1Addresses)
{
    constexpr uint64_t U1 = UINT64_C(0xFFFFFF8000100000);  // T1SZ = 25
    for (bool range : {false, true}) {
        SCOPED_TRACE(range ? "range" : "single address");
        Rig r(config_no_utlb());
        Stream& a = r.s1_stream(1, 1, 1);
        PageTable t1(r, 12, 39, 1);
        a.cds[0].epd1 = false;
        a.cds[0].ttb1 = t1.root();
        r.commit(a);
        Probes p(r);
        p.add("TTB0 V1", a, V1);
        p.add("TTB1 U1", a, U1).pt = &t1;
        p.add("TTB1 U1+4K", a, U1 + 0x1000).pt = &t1;
        p.add("TTB1 U1+8K", a, U1 + 0x2000).pt = &t1;
        if (range) {
            cmd::Range rg;
            rg.tg = 1;
            rg.num = 1;
            p.run({cmd::tlbi_nh_vaa(1, U1, true, rg)}, {"TTB1 U1", "TTB1 U1+4K"});
        } else {
            p.run({cmd::tlbi_nh_va(1, 1, U1, true)}, {"TTB1 U1"});
        }
    }
}

// Every port's micro-TLB is invalidated (TLBI and CFGI), and each port fills its own. The
// IOTLB is off so that every port walks and fills its micro-TLB (the model fills micro-TLBs
// from walks only, not from IOTLB hits).
TEST(TlbTags, EveryPortsMicroTlb)
{
    smmu_config_t c = smmu_config_default();
    c.num_ports = 3;
    c.iotlb.entries = 0;
    Rig r(c);
    Stream& a = r.s1_stream(1, 1, 1);
    a.pt().map(V1, 0x80000000);
    EXPECT_TRUE(Walked(r.xlate(1, V1, false, 0, 2), 0x80000000));
    EXPECT_TRUE(Walked(r.xlate(1, V1, false, 0, 1), 0x80000000)) << "port 1's micro-TLB is its own";
    EXPECT_TRUE(Walked(r.xlate(1, V1, false, 0, 0), 0x80000000));
    for (uint16_t port = 0; port < 3; port++) {
        smmu_xlate_t x = r.xlate(1, V1 + 8, false, 0, port);
        EXPECT_TRUE(Cached(x, 0x80000008)) << "port " << port;
        EXPECT_EQ(x.hit, SMMU_HIT_UTLB) << "port " << port;
    }
    a.pt().map(V1, 0x90000000);
    smmu_stats_t s0 = r.stats();
    r.submit({cmd::tlbi_nh_va(1, 1, V1, true)});
    EXPECT_EQ(r.stats().utlb.invalidations - s0.utlb.invalidations, 3u);
    for (uint16_t port = 0; port < 3; port++)
        EXPECT_TRUE(Walked(r.xlate(1, V1, false, 0, port), 0x90000000)) << "port " << port;
    a.ste.config = 0b100;
    r.commit(a);
    r.submit({cmd::cfgi_ste(1, true)});
    for (uint16_t port = 0; port < 3; port++) {
        smmu_xlate_t x = r.xlate(1, V1, false, 0, port);
        EXPECT_EQ(x.status, SMMU_XLATE_BYPASS) << "port " << port << ": " << describe(x);
    }
}

// TLBIs by address in the micro-TLB alone (IOTLB off): a port holding one stream is
// invalidated by probing the named pages, a port holding two by scanning; both remove exactly
// the entries the TLBI names (4.4.2.3), including a 2MB block named by an address inside it,
// and stale entries stay stale until then.
TEST(TlbTags, MicroTlbInvalidationByAddress)
{
    for (bool two_streams : {false, true}) {
        SCOPED_TRACE(two_streams ? "two streams on the port" : "one stream on the port");
        smmu_config_t c = smmu_config_default();
        c.iotlb.entries = 0;
        Rig r(c);
        Stream& a = r.s1_stream(1, 1, 1);
        Stream& b = r.s1_stream(2, 2, 1);
        const uint64_t blk = 0x40000000;  // 1GB-aligned region of 2MB blocks
        for (unsigned i = 0; i < 4; i++)
            a.pt().map(V1 + i * 0x1000u, 0x80000000 + i * 0x1000u);
        a.pt().map(blk, 0x90000000, 2);
        b.pt().map(V1, 0xA0000000);
        for (unsigned i = 0; i < 4; i++) {
            EXPECT_TRUE(Walked(r.xlate(1, V1 + i * 0x1000u), 0x80000000 + i * 0x1000u));
        }
        EXPECT_TRUE(Walked(r.xlate(1, blk + 0x1000), 0x90001000));
        if (two_streams) {
            EXPECT_TRUE(Walked(r.xlate(2, V1), 0xA0000000));
        }
        // new tables; the micro-TLB keeps the old translations until invalidated
        for (unsigned i = 0; i < 4; i++)
            a.pt().map(V1 + i * 0x1000u, 0x88000000 + i * 0x1000u);
        a.pt().map(blk, 0x98000000, 2);
        b.pt().map(V1, 0xA8000000);
        EXPECT_TRUE(Cached(r.xlate(1, V1 + 0x2000), 0x80002000)) << "stale until a TLBI";
        r.submit({cmd::tlbi_nh_va(1, 1, V1 + 0x1000, true)});
        EXPECT_TRUE(Walked(r.xlate(1, V1 + 0x1000), 0x88001000)) << "the page named";
        for (unsigned i : {0u, 2u, 3u}) {
            EXPECT_TRUE(Cached(r.xlate(1, V1 + i * 0x1000u), 0x80000000 + i * 0x1000u)) << i;
        }
        EXPECT_TRUE(Cached(r.xlate(1, blk + 0x1000), 0x90001000));
        r.submit({cmd::tlbi_nh_va(1, 1, blk + 0x123000, true)});
        EXPECT_TRUE(Walked(r.xlate(1, blk + 0x1000), 0x98001000)) << "the block holding the VA";
        if (two_streams) {
            EXPECT_TRUE(Cached(r.xlate(2, V1), 0xA0000000)) << "other ASID: same VA survives";
            r.submit({cmd::tlbi_nh_va(1, 2, V1, true)});
            EXPECT_TRUE(Walked(r.xlate(2, V1), 0xA8000000));
        }
        EXPECT_TRUE(Cached(r.xlate(1, V1), 0x80000000)) << "ASID 2's TLBI leaves ASID 1";
        r.submit({cmd::tlbi_nh_asid(1, 1)});
        for (unsigned i = 0; i < 4; i++) {
            EXPECT_TRUE(Walked(r.xlate(1, V1 + i * 0x1000u), 0x88000000 + i * 0x1000u)) << i;
        }
    }
}

// The same-page fast path copies one micro-TLB entry: a TLBI of another page leaves it, a
// TLBI of its page, a CFGI of its stream and clearing SMMUEN (6.3.9) all end it.
TEST(TlbTags, SamePageEntryLivesAndDiesWithItsMicroTlbEntry)
{
    Rig r(default_config());
    Stream& a = r.s1_stream(1, 1, 1);
    a.pt().map(V1, 0x80000000);
    a.pt().map(V1 + 0x1000, 0x80001000);
    EXPECT_TRUE(Walked(r.xlate(1, V1 + 0x1000), 0x80001000));
    EXPECT_TRUE(Walked(r.xlate(1, V1), 0x80000000));
    EXPECT_EQ(r.xlate(1, V1 + 8).hit, SMMU_HIT_UTLB);
    a.pt().map(V1, 0x90000000);
    a.pt().map(V1 + 0x1000, 0x90001000);
    r.submit({cmd::tlbi_nh_va(1, 1, V1 + 0x1000, true)});
    smmu_xlate_t x = r.xlate(1, V1 + 16);
    EXPECT_TRUE(Cached(x, 0x80000010)) << "another page's TLBI leaves the entry";
    EXPECT_EQ(x.hit, SMMU_HIT_UTLB);
    r.submit({cmd::tlbi_nh_va(1, 1, V1, true)});
    EXPECT_TRUE(Walked(r.xlate(1, V1 + 24), 0x90000018)) << "its own page's TLBI ends it";
    EXPECT_EQ(r.xlate(1, V1 + 32).hit, SMMU_HIT_UTLB);
    // CFGI_STE drops the stream's micro-TLB entries (and so the fast entry); the IOTLB,
    // tagged by ASID and VMID, keeps the translation (4.3.1)
    r.submit({cmd::cfgi_ste(1, true)});
    x = r.xlate(1, V1 + 40);
    EXPECT_TRUE(Cached(x, 0x90000028)) << describe(x);
    EXPECT_EQ(x.hit, SMMU_HIT_IOTLB) << "CFGI_STE of its stream ends it";
    EXPECT_EQ(r.xlate(1, V1 + 48).hit, SMMU_HIT_UTLB);
    // SMMUEN = 0 (CR0 at 0x20, 6.3.9): incoming transactions follow GBPA, cached or not
    uint64_t cr0 = 0;
    ASSERT_EQ(smmu_mmio_read(r.s(), 0x20, 4, &cr0), SMMU_OK);
    ASSERT_EQ(smmu_mmio_write(r.s(), 0x20, 4, cr0 & ~uint64_t{1}), SMMU_OK);
    x = r.xlate(1, V1 + 56);
    EXPECT_NE(x.hit, SMMU_HIT_UTLB);
    EXPECT_NE(x.status, SMMU_XLATE_OK) << describe(x);
}

// Same-page hits are micro-TLB hits for the replacement policy too: with LFU they count as
// uses, so the entry hit four times outlives the one hit once.
TEST(TlbTags, SamePageHitsCountForLfu)
{
    smmu_config_t c = smmu_config_default();
    c.utlb = {2, 2, SMMU_POLICY_LFU};
    Rig r(c);
    Stream& a = r.s1_stream(1, 1, 1);
    for (unsigned i = 0; i < 3; i++)
        a.pt().map(V1 + i * 0x1000u, 0x80000000 + i * 0x1000u);
    EXPECT_TRUE(Walked(r.xlate(1, V1), 0x80000000));
    for (unsigned k = 1; k <= 3; k++)
        EXPECT_EQ(r.xlate(1, V1 + 8 * k).hit, SMMU_HIT_UTLB);  // same page: uses 2, 3, 4
    EXPECT_TRUE(Walked(r.xlate(1, V1 + 0x1000), 0x80001000));  // use 1
    EXPECT_TRUE(Walked(r.xlate(1, V1 + 0x2000), 0x80002000));  // evicts the least used
    EXPECT_EQ(r.xlate(1, V1).hit, SMMU_HIT_UTLB) << "page 0 was used most";
    EXPECT_EQ(r.xlate(1, V1 + 0x1000).hit, SMMU_HIT_IOTLB) << "page 1 was evicted";
}

// The configuration memos are direct-mapped by StreamID: streams 1 and 65 share a slot and
// must keep evicting each other's memo without ever borrowing the other's context (ASID),
// while stream 2 keeps its own; the micro-TLB is off so every hit goes through a memo.
TEST(TlbTags, StreamsSharingAMemoSlotKeepTheirOwnContext)
{
    Rig r(config_no_utlb());
    for (uint32_t sid : {1u, 2u, 65u}) {
        Stream& st = r.s1_stream(sid, static_cast<uint16_t>(sid), 1);
        st.pt().map(V1, 0x80000000 + sid * 0x10000u);
    }
    for (int round = 0; round < 3; round++)
        for (uint32_t sid : {1u, 65u, 2u, 65u, 1u}) {
            smmu_xlate_t x = r.xlate(sid, V1 + 8);
            EXPECT_EQ(x.status, SMMU_XLATE_OK) << describe(x);
            EXPECT_EQ(x.pa, 0x80000008 + sid * 0x10000u) << "stream " << sid;
            if (round > 0) {
                EXPECT_EQ(x.hit, SMMU_HIT_IOTLB) << "stream " << sid;
            }
        }
    smmu_stats_t st = r.stats();
    EXPECT_EQ(st.ste_cache.lookups, st.ste_cache.hits + st.ste_cache.misses);
    EXPECT_EQ(st.ste_cache.misses, 3u) << "one STE fetch per stream";
    EXPECT_EQ(st.ste_cache.lookups, 15u) << "every translation looked its STE up once";
}

// 3.17.1: "The SMMU only matches global TLB entries ... against lookups from the same
// StreamWorld and ASID set (ASET). Global TLB entries with ASET == 0 do not match lookups
// through configurations with ASET == 1" (and vice versa). A and C (ASET 0) share a global
// mapping of VG; B (ASET 1, same VMID) maps VG elsewhere and must not see A's entry.
TEST(TlbTags, GlobalEntriesMatchOnlyTheSameAset)
{
    for (bool utlb : {true, false}) {
        SCOPED_TRACE(utlb ? "utlb on" : "utlb off");
        Rig r(utlb ? default_config() : config_no_utlb());
        Stream& a = r.s1_stream(1, 1, 1);
        Stream& b = r.s1_stream(2, 2, 1);
        Stream& c = r.s1_stream(3, 3, 1);
        b.cds[0].aset = true;
        r.commit(b);
        a.pt().map(VG, 0x80000000, 3, true);
        c.pt().map(VG, 0x80000000, 3, true);
        b.pt().map(VG, 0x80200000, 3, true);
        EXPECT_TRUE(Walked(r.xlate(1, VG), 0x80000000));
        EXPECT_TRUE(Cached(r.xlate(3, VG), 0x80000000)) << "same ASET: the global entry is shared";
        EXPECT_TRUE(Walked(r.xlate(2, VG), 0x80200000)) << "ASET 1 must not match an ASET 0 "
                                                            "global entry";
        EXPECT_TRUE(Cached(r.xlate(2, VG), 0x80200000));
        EXPECT_TRUE(Cached(r.xlate(1, VG), 0x80000000)) << "nor the reverse";
    }
}

// 3.17.1, 3.17: "CMD_TLBI_* commands invalidate all matching TLB entries regardless of their
// ASET value" (NH_ASID for a non-global ASET == 1 entry).
TEST(TlbTags, TlbiIgnoresAset)
{
    Rig r(default_config());
    Probes p(r);
    Stream& b = r.s1_stream(2, 2, 1);
    b.cds[0].aset = true;
    r.commit(b);
    p.add("B:V1", b, V1);
    p.add("B:V1+4K", b, V1 + 0x1000);
    p.run({cmd::tlbi_nh_asid(1, 2)}, {"B:V1", "B:V1+4K"});
}

}  // namespace
}  // namespace cache_test

namespace cache_test {
namespace {

// The micro-TLB is refilled from IOTLB hits, as a TBU is from its TCU: pages 0..7 are
// evicted from a 32-entry micro-TLB by pages 8..39; afterwards a loop over pages 0..7 (a
// working set 4x smaller than the micro-TLB) hits the micro-TLB after one IOTLB hit per page.
TEST(TlbTags, MicroTlbRefilledFromIotlbHits)
{
    Rig r(default_config());
    Stream& a = r.s1_stream(1, 1, 1);
    for (unsigned i = 0; i < 40; i++)
        a.pt().map(V1 + i * 0x1000u, 0x80000000 + i * 0x1000u);
    for (unsigned i = 0; i < 40; i++)
        r.xlate(1, V1 + i * 0x1000u);
    unsigned utlb_hits = 0;
    for (int round = 0; round < 4; round++)
        for (unsigned i = 0; i < 8; i++)
            utlb_hits += r.xlate(1, V1 + i * 0x1000u).hit == SMMU_HIT_UTLB;
    EXPECT_EQ(utlb_hits, 24u) << "one IOTLB hit per page, then micro-TLB hits";
}

}  // namespace
}  // namespace cache_test
