// SPDX-License-Identifier: Apache-2.0
// Access flag and hardware updates of the Access flag and dirty state.
// IHI 0070 3.13.1-3.13.3 (HTTU, DBM), 5.4 (CD.AFFD, HA, HD), 5.2 (STE.S2AFFD, S2HA, S2HD);
// DDI 0487 D8.5.
#include <cstring>

#include "xlate_util.h"

using namespace xlt;

namespace {

constexpr uint64_t kVA = UINT64_C(0x40201000);
constexpr uint64_t kOA = UINT64_C(0x7700000000);
constexpr uint64_t AF = UINT64_C(1) << 10;   // D8.3: AF, bit [10]
constexpr uint64_t AP2 = UINT64_C(1) << 7;   // D8.3: AP[2], bit [7]
constexpr uint64_t S2AP1 = UINT64_C(1) << 7; // D8.3: S2AP[1] (write), bit [7]

struct Httu {
    Rig rig;
    S1 s{rig, 12, 25};
    uint64_t dpa = 0;
    uint64_t before = 0;
    Httu(bool ha, bool hd, bool affd, const Leaf& a, const smmu_config_t& cfg = config_nocache())
        : rig(cfg)
    {
        s.cd.ha = ha;
        s.cd.hd = hd;
        s.cd.affd = affd;
        s.commit();
        dpa = s.pt.map(kVA, kOA, 3, a);
        before = rig.mem().read64(dpa);
    }
    uint64_t now() { return rig.mem().read64(dpa); }
};

Leaf no_af()
{
    Leaf a;
    a.af = false;
    return a;
}

TEST(AccessFlag, AfZeroWithoutHttuIsAnAccessFault)
{
    // 3.13.1 / 5.4 AFFD == 0: a descriptor with AF == 0 gives F_ACCESS
    Httu h(false, false, false, no_af());
    smmu_xlate_t x = h.rig.xlate(Txn(kVA + 8));
    expect_s1_fault(h.rig, x, evt::F_ACCESS, kVA + 8);
    EXPECT_EQ(h.now(), h.before);
}

TEST(AccessFlag, AffdTreatsAfAsOne)
{
    // 5.4 AFFD == 1: an Access flag fault never occurs; the descriptor is not written
    Httu h(false, false, true, no_af());
    EXPECT_TRUE(Translated(h.rig.xlate(Txn(kVA + 8)), kOA + 8));
    EXPECT_EQ(h.now(), h.before);
    expect_no_events(h.rig);
}

TEST(AccessFlag, AccessFaultHasPriorityOverPermissionFault)
{
    // 3.13.1: a write to a read-only page with AF == 0 gives F_ACCESS first
    Leaf a = no_af();
    a.ap = 3;
    Httu h(false, false, false, a);
    smmu_xlate_t x = h.rig.xlate(Txn(kVA).w());
    expect_s1_fault(h.rig, x, evt::F_ACCESS, kVA);
}

TEST(AccessFlag, HaSetsTheAccessFlagInMemory)
{
    // 3.13.2: with HA the SMMU atomically sets AF and the translation succeeds
    Httu h(true, false, false, no_af());
    EXPECT_TRUE(Translated(h.rig.xlate(Txn(kVA + 8)), kOA + 8));
    EXPECT_EQ(h.now(), h.before | AF);
    expect_no_events(h.rig);
}

TEST(AccessFlag, HaSetsTheAccessFlagOfABlock)
{
    Rig rig;
    S1 s(rig, 12, 25);
    s.cd.ha = true;
    s.commit();
    uint64_t dpa = s.pt.map(UINT64_C(0x40000000), kOA, 1, no_af());  // 1GB block
    uint64_t before = rig.mem().read64(dpa);
    EXPECT_TRUE(Translated(rig.xlate(Txn(UINT64_C(0x40123456))), kOA + 0x123456));
    EXPECT_EQ(rig.mem().read64(dpa), before | AF);
}

TEST(AccessFlag, HaWithCachesOnStillUpdatesMemory)
{
    Httu h(true, false, false, no_af(), smmu_config_default());
    EXPECT_TRUE(Translated(h.rig.xlate(Txn(kVA)), kOA));
    EXPECT_EQ(h.now(), h.before | AF);
    EXPECT_TRUE(Translated(h.rig.xlate(Txn(kVA + 0x10)), kOA + 0x10));
}

Leaf writable_clean(bool dbm = true)
{
    Leaf a;
    a.ap = 3;  // AP[2] = 1: read-only, readable at EL0
    a.dbm = dbm;
    return a;
}

TEST(DirtyState, WriteToWritableCleanPageClearsAp2)
{
    // 3.13.3.1: AP[2:1] == 1x, DBM == 1, HD == 1: a write atomically clears AP[2]
    Httu h(true, true, false, writable_clean());
    EXPECT_TRUE(Translated(h.rig.xlate(Txn(kVA + 0x20).w()), kOA + 0x20));
    EXPECT_EQ(h.now(), h.before & ~AP2);
    expect_no_events(h.rig);
    // now writable-dirty
    EXPECT_TRUE(Translated(h.rig.xlate(Txn(kVA + 0x28).w()), kOA + 0x28));
}

TEST(DirtyState, WriteSetsAfAndClearsAp2Together)
{
    // 3.13.2: if the dirty state is updated, the final descriptor also has AF == 1
    Leaf a = writable_clean();
    a.af = false;
    Httu h(true, true, false, a);
    EXPECT_TRUE(Translated(h.rig.xlate(Txn(kVA).w()), kOA));
    EXPECT_EQ(h.now(), (h.before & ~AP2) | AF);
}

TEST(DirtyState, ReadDoesNotMakeThePageDirty)
{
    Httu h(true, true, false, writable_clean());
    EXPECT_TRUE(Translated(h.rig.xlate(Txn(kVA)), kOA));
    EXPECT_EQ(h.now(), h.before);
}

TEST(DirtyState, DbmZeroIsAPermissionFault)
{
    // 3.13.3.1: DBM == 0 means genuinely read-only
    Httu h(true, true, false, writable_clean(false));
    smmu_xlate_t x = h.rig.xlate(Txn(kVA).w());
    expect_s1_fault(h.rig, x, evt::F_PERMISSION, kVA);
    EXPECT_EQ(h.now() & AP2, AP2);
}

TEST(DirtyState, HdZeroIsAPermissionFault)
{
    Httu h(true, false, false, writable_clean());
    smmu_xlate_t x = h.rig.xlate(Txn(kVA).w());
    expect_s1_fault(h.rig, x, evt::F_PERMISSION, kVA);
    EXPECT_EQ(h.now() & AP2, AP2);
}

TEST(DirtyState, ApTableReadOnlyIsNeverMadeWritable)
{
    // 3.13.3.1 note: dirty-state update does not apply when APTable removed write access
    Httu h(true, true, false, writable_clean());
    TableAttrs t;
    t.ap_table = 2;
    h.s.pt.table_attrs(kVA, 2, t);
    smmu_xlate_t x = h.rig.xlate(Txn(kVA).w());
    expect_s1_fault(h.rig, x, evt::F_PERMISSION, kVA);
    EXPECT_EQ(h.rig.mem().read64(h.dpa) & AP2, AP2);
}

TEST(DirtyState, PrivilegedOnlyWritableCleanPage)
{
    // AP[2:1] == 10 with DBM: a privileged write clears AP[2] (-> 00), unprivileged faults
    Leaf a = writable_clean();
    a.ap = 2;
    Httu h(true, true, false, a);
    smmu_xlate_t x = h.rig.xlate(Txn(kVA).w());
    expect_s1_fault(h.rig, x, evt::F_PERMISSION, kVA);
    EXPECT_EQ(h.now() & AP2, AP2);
    EXPECT_TRUE(Translated(h.rig.xlate(Txn(kVA).w().p()), kOA));
    EXPECT_EQ(h.now() & (UINT64_C(3) << 6), 0u);
}

TEST(DirtyState, WithCachesOnAWriteAfterAReadStillUpdates)
{
    // a cached writable-clean translation must not satisfy a later write without the update
    Httu h(true, true, false, writable_clean(), smmu_config_default());
    EXPECT_TRUE(Translated(h.rig.xlate(Txn(kVA)), kOA));
    EXPECT_EQ(h.now(), h.before);
    EXPECT_TRUE(Translated(h.rig.xlate(Txn(kVA).w()), kOA));
    EXPECT_EQ(h.now(), h.before & ~AP2);
}

TEST(HttuDebug, DebugTranslationsDoNotUpdateDescriptors)
{
    // SMMU_TXN_DEBUG: no side effects at all (smmuv3.h), so no HTTU either
    Leaf a = writable_clean();
    a.af = false;
    Httu h(true, true, false, a);
    smmu_xlate_t x = h.rig.xlate(Txn(kVA).debug());
    (void)x;
    EXPECT_EQ(h.now(), h.before);
    x = h.rig.xlate(Txn(kVA).w().debug());
    EXPECT_EQ(h.now(), h.before);
    expect_no_events(h.rig);
    for (auto& w : h.rig.mem().smmu_writes)
        EXPECT_NE(w.kind, SMMU_ACCESS_HTTU);
    // and a real access afterwards still performs the update
    EXPECT_TRUE(Translated(h.rig.xlate(Txn(kVA).w()), kOA));
    EXPECT_EQ(h.now(), (h.before & ~AP2) | AF);
}

// ------------------------------------------------------------------------------------------
// Stage 2 (STE.S2HA / S2HD / S2AFFD), stage-2-only stream (Config 0b110)
// ------------------------------------------------------------------------------------------

struct S2Httu {
    Rig rig;
    PageTable pt{rig.mem(), rig.alloc(), 2, 12, 39, 1};  // S2T0SZ 25, S2SL0 01 (level 1)
    Ste ste;
    uint64_t dpa = 0, before = 0;
    S2Httu(bool ha, bool hd, bool affd, const Leaf& a)
    {
        ste.config = 0b110;
        ste.s2t0sz = 25;
        ste.s2sl0 = 1;
        ste.s2ttb = pt.root();
        ste.s2ha = ha;
        ste.s2hd = hd;
        ste.s2affd = affd;
        rig.set_ste(1, ste);
        dpa = pt.map(kVA, kOA, 3, a);
        before = rig.mem().read64(dpa);
    }
    uint64_t now() { return rig.mem().read64(dpa); }
};

TEST(S2AccessFlag, AfZeroIsAStage2AccessFault)
{
    S2Httu h(false, false, false, no_af());
    smmu_xlate_t x = h.rig.xlate(Txn(kVA + 4));
    expect_s2_fault(h.rig, x, evt::F_ACCESS, CLASS_IN, kVA, kVA + 4);
    EXPECT_EQ(h.now(), h.before);
}

TEST(S2AccessFlag, S2AffdTreatsAfAsOne)
{
    // 5.2 S2AFFD
    S2Httu h(false, false, true, no_af());
    EXPECT_TRUE(Translated(h.rig.xlate(Txn(kVA + 4)), kOA + 4));
    EXPECT_EQ(h.now(), h.before);
}

TEST(S2AccessFlag, S2HaSetsTheAccessFlag)
{
    S2Httu h(true, false, false, no_af());
    EXPECT_TRUE(Translated(h.rig.xlate(Txn(kVA + 4)), kOA + 4));
    EXPECT_EQ(h.now(), h.before | AF);
}

Leaf s2_writable_clean(bool dbm = true)
{
    Leaf a;
    a.s2ap = 1;  // read-only: S2AP[1] == 0
    a.dbm = dbm;
    return a;
}

TEST(S2DirtyState, WriteSetsS2ap1OnDbmPages)
{
    // 3.13.3.1: S2AP == 0b0x, DBM == 1, S2HD == 1: a write atomically sets S2AP[1]
    S2Httu h(true, true, false, s2_writable_clean());
    EXPECT_TRUE(Translated(h.rig.xlate(Txn(kVA).w()), kOA));
    EXPECT_EQ(h.now(), h.before | S2AP1);
    expect_no_events(h.rig);
}

TEST(S2DirtyState, ReadDoesNotSetS2ap1)
{
    S2Httu h(true, true, false, s2_writable_clean());
    EXPECT_TRUE(Translated(h.rig.xlate(Txn(kVA)), kOA));
    EXPECT_EQ(h.now(), h.before);
}

TEST(S2DirtyState, DbmZeroIsAStage2PermissionFault)
{
    S2Httu h(true, true, false, s2_writable_clean(false));
    smmu_xlate_t x = h.rig.xlate(Txn(kVA).w());
    expect_s2_fault(h.rig, x, evt::F_PERMISSION, CLASS_IN, kVA, kVA);
    EXPECT_EQ(h.now(), h.before);
}

TEST(S2DirtyState, DebugWriteDoesNotSetS2ap1)
{
    S2Httu h(true, true, false, s2_writable_clean());
    smmu_xlate_t x = h.rig.xlate(Txn(kVA).w().debug());
    (void)x;
    EXPECT_EQ(h.now(), h.before);
    expect_no_events(h.rig);
}

}  // namespace
