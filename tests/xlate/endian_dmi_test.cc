// SPDX-License-Identifier: Apache-2.0
// Translation table endianness (CD.ENDI, STE.S2ENDI) and walks through the host's direct
// memory pointers (smmu_host_ops_t.mem_ptr).
// IHI 0070 5.4 ENDI, 5.2 S2ENDI, 6.3.1 IDR0.TTENDIAN (0b00: mixed endian supported).
#include "xlate_util.h"

using namespace xlt;

namespace {

constexpr uint64_t kVA = UINT64_C(0x40201000);
constexpr uint64_t kOA = UINT64_C(0x7700000000);

TEST(Endian, BigEndianStage1Tables)
{
    // 5.4 ENDI == 1: stage-1 descriptors are big-endian (IDR0.TTENDIAN == 0b00 in the
    // default configuration: both endiannesses supported)
    Rig rig;
    S1 s(rig, 12, 25);
    s.pt.big_endian = true;
    s.cd.endi = true;
    s.commit();
    s.pt.map(kVA, kOA, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA + 0x30)), kOA + 0x30));
    // the same tables read little-endian are garbage: the CD flag really selects the order
    s.cd.endi = false;
    s.commit();
    EXPECT_NE(rig.xlate(Txn(kVA + 0x30)).status, SMMU_XLATE_OK);
}

TEST(Endian, BigEndianAccessFlagUpdate)
{
    // 3.13.2 HTTU on a big-endian descriptor: AF (bit 10 of the descriptor value) is set
    Rig rig;
    S1 s(rig, 12, 25);
    s.pt.big_endian = true;
    s.cd.endi = true;
    s.cd.ha = true;
    s.commit();
    Leaf a;
    a.af = false;
    uint64_t dpa = s.pt.map(kVA, kOA, 3, a);
    uint64_t before = s.pt.rd(dpa);
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA)), kOA));
    EXPECT_EQ(s.pt.rd(dpa), before | (UINT64_C(1) << 10));
}

TEST(Endian, BigEndianDirtyStateUpdate)
{
    Rig rig;
    S1 s(rig, 12, 25);
    s.pt.big_endian = true;
    s.cd.endi = true;
    s.cd.ha = s.cd.hd = true;
    s.commit();
    Leaf a;
    a.ap = 3;
    a.dbm = true;
    uint64_t dpa = s.pt.map(kVA, kOA, 3, a);
    uint64_t before = s.pt.rd(dpa);
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA).w()), kOA));
    EXPECT_EQ(s.pt.rd(dpa), before & ~(UINT64_C(1) << 7));
}

TEST(Endian, BigEndianStage2Tables)
{
    // 5.2 S2ENDI == 1
    Rig rig;
    PageTable pt(rig.mem(), rig.alloc(), 2, 12, 39, 1);
    pt.big_endian = true;
    Ste ste;
    ste.config = 0b110;
    ste.s2endi = true;
    ste.s2ttb = pt.root();
    rig.set_ste(1, ste);
    pt.map(kVA, kOA, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA + 8)), kOA + 8));
}

TEST(Endian, MixedEndiannessInANestedStream)
{
    // stage 1 big-endian, stage 2 little-endian: each walk uses its own ENDI
    Rig rig;
    PageTable s2(rig.mem(), rig.alloc(), 2, 12, 40, 1);
    for (uint64_t a = UINT64_C(0x10000000); a < UINT64_C(0x10000000) + 32 * MB; a += 2 * MB)
        s2.map(a, a, 2);
    PageTable s1(rig.mem(), rig.alloc(), 1, 12, 39);
    s1.big_endian = true;
    Cd cd;
    cd.endi = true;
    cd.ttb0 = s1.root();
    Ste ste;
    ste.config = 0b111;
    ste.s2t0sz = 24;
    ste.s2ttb = s2.root();
    ste.s1_context_ptr = rig.put_cd(cd);
    rig.set_ste(1, ste);
    s1.map(kVA, UINT64_C(0x5000000000), 3);
    s2.map(UINT64_C(0x5000000000), kOA, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA)), kOA));
}

// ------------------------------------------------------------------------------------------
// Walks through direct memory pointers (the host offers mem_ptr for RAM pages)
// ------------------------------------------------------------------------------------------

TEST(DirectPointers, WalkAndHttuThroughDirectPointers)
{
    Rig rig;
    rig.mem().offer_dmi = true;
    S1 s(rig, 12, 25);
    s.cd.ha = s.cd.hd = true;
    s.commit();
    Leaf a;
    a.af = false;
    a.ap = 3;
    a.dbm = true;
    uint64_t dpa = s.pt.map(kVA, kOA, 3, a);
    uint64_t before = rig.mem().read64(dpa);
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA + 4)), kOA + 4));
    EXPECT_EQ(rig.mem().read64(dpa), before | (UINT64_C(1) << 10));
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA + 4).w()), kOA + 4));
    EXPECT_EQ(rig.mem().read64(dpa), (before | (UINT64_C(1) << 10)) & ~(UINT64_C(1) << 7));
    // tables rewritten by the host are seen (caches are off)
    s.pt.map(kVA, kOA + 0x5000, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA + 4)), kOA + 0x5004));
}

TEST(DirectPointers, WalkAbortIsStillReported)
{
    Rig rig;
    rig.mem().offer_dmi = true;
    S1 s(rig, 12, 25);
    s.commit();
    s.pt.map(kVA, kOA, 3);
    uint64_t dpa = s.pt.desc_pa(kVA, 3);
    rig.mem().add_abort(dpa, dpa + 7);
    smmu_xlate_t x = rig.xlate(Txn(kVA));
    Event e = expect_fault(rig, x, evt::F_WALK_EABT);
    EXPECT_EQ(e.fetch_addr(), dpa);
}

}  // namespace
