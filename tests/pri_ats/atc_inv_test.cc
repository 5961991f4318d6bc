// SPDX-License-Identifier: Apache-2.0
// CMD_ATC_INV (IHI 0070 4.5.1) delivered through host_ops.atc_inv, and its completion by
// CMD_SYNC (4.7.3, 3.9.1.4).
#include "pa_rig.h"

using namespace pa;

namespace {

struct SpanCase {
    uint64_t addr;
    unsigned size;
    uint64_t want_addr, want_size;
};

class AtcInvSpan : public ::testing::TestWithParam<SpanCase> {};

constexpr uint64_t kSyncIrq = 0x46 | (1u << 12); // CMD_SYNC, CS [13:12] = SIG_IRQ

}  // namespace

TEST_P(AtcInvSpan, AlignedToItsSize)
{
    // 4.5.1: span 4096 * 2^Size, aligned to its size (Address[11 + Size:0] taken as 0);
    // Size 52 is the whole 2^64 address space
    const SpanCase& k = GetParam();
    Rig r;
    r.atc_inv(0x31, k.addr, k.size);
    EXPECT_EQ(r.cmd_error(), 0u);
    ASSERT_EQ(r.mem.atc_invs.size(), 1u);
    const smmu_atc_inv_t& i = r.mem.atc_invs[0];
    EXPECT_EQ(i.stream_id, 0x31u);
    EXPECT_FALSE(i.ssv);
    EXPECT_FALSE(i.global);
    EXPECT_EQ(i.addr, k.want_addr);
    EXPECT_EQ(i.size, k.want_size);
}

INSTANTIATE_TEST_SUITE_P(
    Spans, AtcInvSpan,
    ::testing::Values(
        SpanCase{UINT64_C(0x123456789000), 0, UINT64_C(0x123456789000), 0x1000},
        SpanCase{UINT64_C(0x123456789000), 4, UINT64_C(0x123456780000), 0x10000},
        SpanCase{UINT64_C(0x123456789000), 9, UINT64_C(0x123456600000), 0x200000},
        SpanCase{UINT64_C(0xFFFF800000001000), 0, UINT64_C(0xFFFF800000001000), 0x1000},
        SpanCase{UINT64_C(0x123456789000), 51, 0, UINT64_C(1) << 63},
        SpanCase{UINT64_C(0x123456789000), 52, 0, UINT64_MAX}));

TEST(AtcInv, PasidAndGlobal)
{
    Rig r;
    r.atc_inv(2, 0x40000000, 0, true, 0x9ABCD, true);
    r.atc_inv(2, 0x40000000, 0, true, 0x9ABCD, false);
    ASSERT_EQ(r.mem.atc_invs.size(), 2u);
    EXPECT_TRUE(r.mem.atc_invs[0].ssv);
    EXPECT_EQ(r.mem.atc_invs[0].substream_id, 0x9ABCDu);
    EXPECT_TRUE(r.mem.atc_invs[0].global);
    EXPECT_FALSE(r.mem.atc_invs[1].global);
}

TEST(AtcInv, GlobalIgnoredWithoutSsv)
{
    Rig r;
    r.atc_inv(2, 0x40000000, 0, false, 0x5, true); // 4.5.1: Global IGNORED when SSV == 0
    EXPECT_EQ(r.cmd_error(), 0u);
    ASSERT_EQ(r.mem.atc_invs.size(), 1u);
    EXPECT_FALSE(r.mem.atc_invs[0].global);
    EXPECT_FALSE(r.mem.atc_invs[0].ssv);
    EXPECT_EQ(r.mem.atc_invs[0].substream_id, 0u);
}

TEST(AtcInv, SsvWithoutPasidSupportBehavesAsSsvZero)
{
    smmu_config_t c = default_config();
    c.ssidsize = 0;
    Rig r(c);
    r.atc_inv(2, 0x40000000, 0, true, 0x5, true);
    EXPECT_EQ(r.cmd_error(), 0u);
    ASSERT_EQ(r.mem.atc_invs.size(), 1u);
    EXPECT_FALSE(r.mem.atc_invs[0].ssv);
    EXPECT_FALSE(r.mem.atc_invs[0].global);
}

TEST(AtcInv, SizeAbove52IsIllegal)
{
    Rig r;
    r.atc_inv(2, 0, 53); // 4.5.1: permitted to raise CERROR_ILL (this model does)
    EXPECT_EQ(r.cmd_error(), CERROR_ILL);
    EXPECT_TRUE(r.mem.atc_invs.empty());
}

TEST(AtcInv, IgnoredWhileSmmuenZero)
{
    RigOptions o;
    o.enable = false;
    Rig r(default_config(), o);
    r.atc_inv(2, 0x1000, 0);
    r.sync();
    EXPECT_EQ(r.cmd_error(), 0u);
    EXPECT_EQ(r.cmdq_cons(), r.rd32(reg::CMDQ_PROD) & 0x1FF);
    EXPECT_TRUE(r.mem.atc_invs.empty());
}

TEST(AtcInv, IllegalWithoutAts)
{
    smmu_config_t c = default_config();
    c.ats = false;
    c.pri = false; // PRI needs ATS
    Rig r(c);
    EXPECT_EQ(r.rd32(reg::IDR0) & reg::IDR0_ATS, 0u);
    r.atc_inv(2, 0x1000, 0);
    EXPECT_EQ(r.cmd_error(), CERROR_ILL);
    EXPECT_TRUE(r.mem.atc_invs.empty());
}

TEST(AtcInvSync, WaitsForPendingInvalidation)
{
    Rig r;
    r.mem.atc_answer = SMMU_ATC_PENDING;
    uint32_t base = r.cmdq_cons();
    r.atc_inv(2, 0x1000, 0);
    r.command(kSyncIrq);
    r.pri_resp(2, 1, 0b10); // queued behind the CMD_SYNC
    ASSERT_EQ(r.mem.atc_invs.size(), 1u);
    EXPECT_EQ(r.cmdq_cons(), base + 1); // CMD_SYNC not complete
    EXPECT_EQ(r.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 0u);
    EXPECT_TRUE(r.mem.pri_resps.empty());
    EXPECT_EQ(smmu_cmdq_pending(r.s), 2u);
    smmu_atc_inv_complete(r.s);
    EXPECT_EQ(r.cmdq_cons(), base + 3);
    EXPECT_EQ(r.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 1u);
    EXPECT_EQ(r.mem.pri_resps.size(), 1u);
    EXPECT_EQ(r.cmd_error(), 0u);
}

TEST(AtcInvSync, WaitsForEveryPendingInvalidation)
{
    Rig r;
    r.mem.atc_answer = SMMU_ATC_PENDING;
    r.atc_inv(2, 0x1000, 0);
    r.atc_inv(3, 0x1000, 0);
    r.command(kSyncIrq);
    smmu_atc_inv_complete(r.s);
    EXPECT_EQ(r.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 0u);
    smmu_atc_inv_complete(r.s);
    EXPECT_EQ(r.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 1u);
}

TEST(AtcInvSync, TimeoutGivesCerrorAtcInvSync)
{
    // 3.9.1.4, 4.7.3: the CMD_SYNC after an ATC invalidation that never completed fails
    Rig r;
    r.mem.atc_answer = SMMU_ATC_TIMEOUT;
    uint32_t base = r.cmdq_cons();
    r.atc_inv(2, 0x1000, 0);
    r.command(kSyncIrq);
    EXPECT_EQ(r.cmd_error(), CERROR_ATC_INV_SYNC);
    EXPECT_EQ(r.cmdq_cons(), base + 1); // CONS on the CMD_SYNC
    EXPECT_EQ(r.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 0u);
}

TEST(AtcInvSync, DoneCompletesAtOnce)
{
    Rig r;
    uint32_t base = r.cmdq_cons();
    r.atc_inv(2, 0x1000, 0);
    r.command(kSyncIrq);
    EXPECT_EQ(r.cmdq_cons(), base + 2);
    EXPECT_EQ(r.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 1u);
}
