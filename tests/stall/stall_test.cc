// SPDX-License-Identifier: Apache-2.0
// When a transaction stalls: CD.S / STE.S2S (5.5, 3.12), the STALL_MODEL configurations
// (6.3.1, 5.2/5.4 ILLEGAL rules), the stall record (7.3: Stall bit 95, STAG bits 79:64),
// the STAG (3.12.2), resources (6.3.6 STALL_MAX, 3.12.2.3) and the transaction flags.
#include <gtest/gtest.h>

#include <set>

#include "stall_rig.h"

namespace stall_test {
namespace {

constexpr uint64_t VA = 0x40000000, PA = 0x80000000;

StreamCfg stalling_s1()
{
    StreamCfg c;
    c.cd_s = true;
    return c;
}

// 3.12.2, 5.5: CD.S == 1 and a stage-1 translation fault: the transaction is held, the event is
// always recorded with Stall = 1 and an STAG, and the core reports SMMU_XLATE_STALL.
TEST(StallHold, CdSStallsAndRecordsStallTag)
{
    Rig r;
    r.add_stream(3, stalling_s1());
    r.enable();
    smmu_xlate_t x = r.xlate(3, VA + 0x123);
    EXPECT_EQ(x.status, SMMU_XLATE_STALL) << describe(x);
    EXPECT_TRUE(x.recorded);
    EXPECT_TRUE(x.event.stall);
    EXPECT_EQ(x.event.stag, x.stall_tag);
    std::vector<Event> ev = r.consume();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type(), F_TRANSLATION) << ev[0].str();
    EXPECT_TRUE(ev[0].stall()) << ev[0].str();  // bit 95
    EXPECT_EQ(ev[0].stag(), x.stall_tag);       // bits 79:64
    EXPECT_EQ(ev[0].sid(), 3u);
    EXPECT_EQ(ev[0].input_addr(), VA + 0x123);
    EXPECT_FALSE(ev[0].s2());
    EXPECT_EQ(ev[0].cls(), CLASS_IN);
    EXPECT_TRUE(ev[0].rnw());
    for (unsigned i = 0; i < 4; i++)
        EXPECT_EQ(ev[0].raw[i], x.event.raw[i]) << "dword " << i << " of out->event.raw";
    EXPECT_EQ(smmu_stall_count(r.s()), 1u);
    EXPECT_TRUE(r.done().empty()) << "no stall_done before RESUME";
}

// 5.5: "The stall is always reported and the R bit is ignored."
TEST(StallHold, CdSRecordsEvenWithRZero)
{
    Rig r;
    StreamCfg c = stalling_s1();
    c.cd_r = false;
    r.add_stream(1, c);
    r.enable();
    smmu_xlate_t x = r.xlate(1, VA);
    EXPECT_EQ(x.status, SMMU_XLATE_STALL);
    ASSERT_EQ(r.consume().size(), 1u);
}

// 3.12: all four translation-related faults stall; here F_PERMISSION (a write to a read-only
// page) with the write reported in RnW.
TEST(StallHold, PermissionFaultStalls)
{
    Rig r;
    r.add_stream(1, stalling_s1()).map(VA, PA, false);
    r.enable();
    EXPECT_EQ(r.xlate(1, VA).status, SMMU_XLATE_OK);
    smmu_xlate_t x = r.xlate(1, VA, true);
    EXPECT_EQ(x.status, SMMU_XLATE_STALL) << describe(x);
    std::vector<Event> ev = r.consume();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type(), F_PERMISSION);
    EXPECT_TRUE(ev[0].stall());
    EXPECT_FALSE(ev[0].rnw());
}

// 3.12, 5.5: STE.S2S == 1 stalls stage-2 translation-related faults (S2 = 1, CLASS = IN, IPA).
TEST(StallHold, S2SStallsStage2Fault)
{
    Rig r;
    StreamCfg c;
    c.s1 = false;
    c.s2 = true;
    c.s2s = true;
    r.add_stream(2, c);
    r.enable();
    smmu_xlate_t x = r.xlate(2, 0x12345678);
    EXPECT_EQ(x.status, SMMU_XLATE_STALL) << describe(x);
    std::vector<Event> ev = r.consume();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type(), F_TRANSLATION);
    EXPECT_TRUE(ev[0].stall());
    EXPECT_EQ(ev[0].stag(), x.stall_tag);
    EXPECT_TRUE(ev[0].s2());
    EXPECT_EQ(ev[0].cls(), CLASS_IN);
    EXPECT_EQ(ev[0].ipa(), 0x12345000u);
}

// 3.12.2.3: a stage-2 fault during the stage-1 table walk follows STE.S2S (CLASS = TT); software
// fixes the stage-2 mapping and retries, which re-fetches the tables.
TEST(StallHold, Stage2FaultOnStage1WalkStallsAndRetries)
{
    Rig r;
    StreamCfg c;
    c.s2 = true;
    c.s2s = true;
    PageTable& s1 = r.add_stream(4, c);
    s1.map(VA, 0x300000);  // IPA 0x300000 ...
    r.s2(4).map(0x300000, PA);  // ... -> PA
    r.s2(4).unmap(s1.root());   // the stage-1 level-1 table is not mapped at stage 2
    r.enable();
    smmu_xlate_t x = r.xlate_stallable(4, VA + 8, 5);
    ASSERT_EQ(x.status, SMMU_XLATE_STALL) << describe(x);
    std::vector<Event> ev = r.consume();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_TRUE(ev[0].s2());
    EXPECT_EQ(ev[0].cls(), 1u) << "CLASS = TT";
    EXPECT_EQ(ev[0].ipa(), s1.root());
    r.s2(4).map(s1.root(), s1.root());
    r.tlbi_all();
    r.sync();
    r.resume(4, x.stall_tag, true);
    ASSERT_EQ(r.done().size(), 1u);
    EXPECT_EQ(r.done()[0].first, 5u);
    EXPECT_EQ(r.done()[0].second.status, SMMU_XLATE_OK) << describe(r.done()[0].second);
    EXPECT_EQ(r.done()[0].second.pa, PA + 8);
}

// 3.12, 3.12.2.3: a stage-2 fault while fetching the CD from IPA space is a stage-2 fault
// (CLASS = CD) and stalls under STE.S2S; once the CD's IPA is mapped the retry succeeds.
TEST(StallHold, Stage2FaultOnCdFetchStalls)
{
    Rig r;
    StreamCfg c;
    c.s2 = true;
    c.s2s = true;
    PageTable& s1 = r.add_stream(6, c);
    s1.map(VA, 0x300000);
    r.s2(6).map(0x300000, PA);
    uint64_t cd = Rig::CDS + 64u * 6;
    r.s2(6).unmap(cd);
    r.enable();
    smmu_xlate_t x = r.xlate_stallable(6, VA, 8);
    ASSERT_EQ(x.status, SMMU_XLATE_STALL) << describe(x);
    std::vector<Event> ev = r.consume();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_TRUE(ev[0].stall());
    EXPECT_TRUE(ev[0].s2());
    EXPECT_EQ(ev[0].cls(), 0u) << "CLASS = CD";
    EXPECT_EQ(ev[0].ipa(), cd & ~UINT64_C(0xFFF));
    r.s2(6).map(cd, cd);
    r.tlbi_all();
    r.sync();
    r.resume(6, x.stall_tag, true);
    ASSERT_EQ(r.done().size(), 1u);
    EXPECT_EQ(r.done()[0].second.status, SMMU_XLATE_OK) << describe(r.done()[0].second);
    EXPECT_EQ(r.done()[0].second.pa, PA);
}

// 3.12.5: each stage follows its own configuration. Stage-1 terminate + stage-2 stall: a stage-1
// fault terminates; stage-1 stall + stage-2 terminate: a stage-2 fault terminates.
TEST(StallHold, EachStageFollowsItsOwnConfiguration)
{
    Rig r;
    StreamCfg a;
    a.s2 = true;
    a.s2s = true;  // CD.S == 0
    r.add_stream(1, a);
    StreamCfg b;
    b.s2 = true;
    b.cd_s = true;  // S2S == 0
    b.vmid = 2;
    r.add_stream(2, b).map(VA, 0x300000);  // IPA 0x300000 not mapped at stage 2
    r.enable();
    smmu_xlate_t x1 = r.xlate(1, VA);
    EXPECT_EQ(x1.status, SMMU_XLATE_FAULT) << describe(x1);
    smmu_xlate_t x2 = r.xlate(2, VA);
    EXPECT_EQ(x2.status, SMMU_XLATE_FAULT) << describe(x2);
    std::vector<Event> ev = r.consume();
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_FALSE(ev[0].stall());
    EXPECT_FALSE(ev[0].s2());
    EXPECT_FALSE(ev[1].stall());
    EXPECT_TRUE(ev[1].s2());
    EXPECT_EQ(smmu_stall_count(r.s()), 0u);
}

// 5.5 (STALL_MODEL == 00): STE.S1STALLD == 1 with CD.S == 1 makes the CD ILLEGAL (C_BAD_CD);
// with CD.S == 0 the stream works and terminates faults.
TEST(StallModel, S1StalldForbidsCdS)
{
    Rig r;
    StreamCfg c = stalling_s1();
    c.s1stalld = true;
    r.add_stream(1, c);
    StreamCfg d;
    d.s1stalld = true;
    r.add_stream(2, d).map(VA, PA);
    r.enable();
    smmu_xlate_t x = r.xlate(1, VA);
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT) << describe(x);
    EXPECT_EQ(r.xlate(2, VA).status, SMMU_XLATE_OK);
    EXPECT_EQ(r.xlate(2, VA + 0x10000).status, SMMU_XLATE_FAULT);
    std::vector<Event> ev = r.consume();
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(ev[0].type(), C_BAD_CD);
    EXPECT_EQ(ev[1].type(), F_TRANSLATION);
    EXPECT_FALSE(ev[1].stall());
    EXPECT_EQ(smmu_stall_count(r.s()), 0u);
}

// 6.3.1 STALL_MODEL == 0b10 (stall forced), 5.5: CD.S == 0 and (stage 2 enabled) S2S == 0 are
// ILLEGAL, S1STALLD == 1 is ILLEGAL; stalling configurations work.
TEST(StallModel, ForcedStallConfiguration)
{
    Rig r(config(2));
    EXPECT_EQ((r.h().rd32(reg::IDR0) >> 24) & 3u, 2u);
    StreamCfg ok = stalling_s1();
    r.add_stream(1, ok);
    StreamCfg no_s;
    r.add_stream(2, no_s);  // CD.S == 0
    StreamCfg stalld = stalling_s1();
    stalld.s1stalld = true;
    r.add_stream(3, stalld);
    StreamCfg s2_no;
    s2_no.s1 = false;
    s2_no.s2 = true;
    r.add_stream(4, s2_no);  // S2S == 0
    StreamCfg s2_yes = s2_no;
    s2_yes.s2s = true;
    s2_yes.vmid = 5;
    r.add_stream(5, s2_yes);
    r.enable();
    EXPECT_EQ(r.xlate(1, VA).status, SMMU_XLATE_STALL);
    EXPECT_EQ(r.xlate(2, VA).status, SMMU_XLATE_FAULT);
    EXPECT_EQ(r.xlate(3, VA).status, SMMU_XLATE_FAULT);
    EXPECT_EQ(r.xlate(4, VA).status, SMMU_XLATE_FAULT);
    EXPECT_EQ(r.xlate(5, VA).status, SMMU_XLATE_STALL);
    std::vector<Event> ev = r.consume();
    ASSERT_EQ(ev.size(), 5u);
    EXPECT_TRUE(ev[0].stall());
    EXPECT_EQ(ev[1].type(), C_BAD_CD);
    EXPECT_EQ(ev[2].type(), C_BAD_STE);
    EXPECT_EQ(ev[3].type(), C_BAD_STE);
    EXPECT_TRUE(ev[4].stall());
    EXPECT_EQ(smmu_stall_count(r.s()), 2u);
}

// 6.3.1 STALL_MODEL == 0b01 (terminate only): CD.S == 1 / S2S == 1 are ILLEGAL, CMD_RESUME and
// CMD_STALL_TERM are CERROR_ILL (4.7.1, 4.7.2), IDR5.STALL_MAX is RES0 (6.3.6).
TEST(StallModel, TerminateOnlyConfiguration)
{
    Rig r(config(1));
    EXPECT_EQ(r.h().rd32(reg::IDR5) >> 16, 0u);
    r.add_stream(1, stalling_s1());
    StreamCfg s2;
    s2.s1 = false;
    s2.s2 = true;
    s2.s2s = true;
    r.add_stream(2, s2);
    r.enable();
    EXPECT_EQ(r.xlate(1, VA).status, SMMU_XLATE_FAULT);
    EXPECT_EQ(r.xlate(2, VA).status, SMMU_XLATE_FAULT);
    std::vector<Event> ev = r.consume();
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(ev[0].type(), C_BAD_CD);
    EXPECT_EQ(ev[1].type(), C_BAD_STE);
    r.resume(1, 0, true);
    EXPECT_EQ(r.cmdq_err(), 1u) << "CERROR_ILL";
}

// SMMU_TXN_NO_STALL (a master that cannot wait): the fault terminates as CD.A says and the event
// is still recorded, with Stall = 0 (3.12: stalling configuration treated as terminating).
TEST(StallFlags, NoStallTerminatesAndRecords)
{
    Rig r;
    r.add_stream(1, stalling_s1());
    StreamCfg razwi = stalling_s1();
    razwi.cd_a = false;
    r.add_stream(2, razwi);
    r.enable();
    smmu_xlate_t x = r.xlate(1, VA, false, SMMU_TXN_NO_STALL);
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT) << describe(x);
    EXPECT_TRUE(x.recorded);
    EXPECT_FALSE(x.event.stall);
    // 3.12.2: a stalling configuration treated as terminating aborts, whatever CD.A says
    // (A does not apply when S == 1, 5.5)
    smmu_xlate_t y = r.xlate(2, VA, true, SMMU_TXN_NO_STALL);
    EXPECT_EQ(y.status, SMMU_XLATE_FAULT) << describe(y);
    std::vector<Event> ev = r.consume();
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_FALSE(ev[0].stall());
    EXPECT_EQ(ev[0].stag(), 0u);
    EXPECT_FALSE(ev[1].stall());
    EXPECT_EQ(smmu_stall_count(r.s()), 0u);
    EXPECT_EQ(r.stats().stalled, 0u);
}

// SMMU_TXN_DEBUG: "no side effects at all ... or stalls". The result says the access would
// stall, but nothing is held, recorded or counted.
TEST(StallFlags, DebugTranslationsNeverStall)
{
    Rig r;
    r.add_stream(1, stalling_s1());
    r.enable();
    smmu_stats_t before = r.stats();
    smmu_xlate_t x = r.xlate(1, VA, false, SMMU_TXN_DEBUG);
    EXPECT_EQ(x.status, SMMU_XLATE_STALL) << "would stall (smmuv3.h)";
    EXPECT_EQ(x.stall_tag, 0u);
    EXPECT_FALSE(x.recorded);
    EXPECT_EQ(smmu_stall_count(r.s()), 0u);
    EXPECT_TRUE(r.pending_events().empty());
    EXPECT_EQ(r.stats().stalled, before.stalled);
    EXPECT_EQ(r.stats().events, before.events);
    EXPECT_TRUE(r.done().empty());
}

// 3.12.4.1: stall records do not arise from speculative accesses (13.4: silently terminated).
TEST(StallFlags, SpeculativeReadsNeverStall)
{
    Rig r;
    r.add_stream(1, stalling_s1());
    r.enable();
    smmu_xlate_t x = r.xlate(1, VA, false, SMMU_TXN_SPECULATIVE);
    EXPECT_NE(x.status, SMMU_XLATE_STALL);
    EXPECT_EQ(smmu_stall_count(r.s()), 0u);
    EXPECT_TRUE(r.pending_events().empty());
}

// 3.12.2: the STAG identifies the transaction together with the StreamID and is not reused
// until the stall is acknowledged; several stalls of one stream get distinct STAGs, and a
// released STAG does not come straight back.
TEST(StallTag, UniquePerStreamAndNotReusedAtOnce)
{
    Rig r(config(0, 8));
    r.add_stream(1, stalling_s1());
    r.add_stream(2, stalling_s1());
    r.enable();
    std::set<uint16_t> tags;
    for (unsigned i = 0; i < 4; i++) {
        smmu_xlate_t x = r.xlate(1, VA + 0x1000u * i);
        ASSERT_EQ(x.status, SMMU_XLATE_STALL);
        EXPECT_TRUE(tags.insert(x.stall_tag).second) << "STAG reused: " << x.stall_tag;
    }
    smmu_xlate_t other = r.xlate(2, VA);
    EXPECT_EQ(tags.count(other.stall_tag), 0u);
    uint16_t first = *tags.begin();
    r.resume(1, first, false);
    EXPECT_EQ(smmu_stall_count(r.s()), 4u);
    smmu_xlate_t again = r.xlate(1, VA + 0x10000);
    ASSERT_EQ(again.status, SMMU_XLATE_STALL);
    EXPECT_NE(again.stall_tag, first);
    EXPECT_EQ(tags.count(again.stall_tag), 0u);
}

// 6.3.6: IDR5.STALL_MAX advertises the resources; no more stall records than that are ever
// outstanding. Beyond it the model treats the stalling configuration as terminating (3.12):
// recorded with Stall = 0 and terminated with abort, whatever CD.A says.
TEST(StallResources, ExhaustionTerminatesWithAbortAndStallZero)
{
    Rig r(config(0, 2));
    EXPECT_EQ(r.h().rd32(reg::IDR5) >> 16, 2u);
    StreamCfg c = stalling_s1();
    c.cd_a = false;  // A does not apply to a stalling configuration
    r.add_stream(1, c);
    r.enable();
    smmu_xlate_t a = r.xlate(1, VA);
    smmu_xlate_t b = r.xlate(1, VA + 0x1000);
    smmu_xlate_t x = r.xlate(1, VA + 0x2000);
    EXPECT_EQ(a.status, SMMU_XLATE_STALL);
    EXPECT_EQ(b.status, SMMU_XLATE_STALL);
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT) << describe(x);
    EXPECT_TRUE(x.recorded);
    EXPECT_FALSE(x.event.stall);
    EXPECT_EQ(smmu_stall_count(r.s()), 2u);
    std::vector<Event> ev = r.consume();
    ASSERT_EQ(ev.size(), 3u);
    EXPECT_TRUE(ev[0].stall());
    EXPECT_TRUE(ev[1].stall());
    EXPECT_FALSE(ev[2].stall());
    EXPECT_EQ(ev[2].type(), F_TRANSLATION);
    EXPECT_EQ(ev[2].input_addr(), VA + 0x2000);
    // a resource comes back with the RESUME
    r.resume(1, a.stall_tag, false);
    EXPECT_EQ(r.xlate(1, VA + 0x3000).status, SMMU_XLATE_STALL);
    EXPECT_EQ(smmu_stall_count(r.s()), 2u);
}

// stats.stalled counts transactions that stalled; the translations that succeed, fault or
// stall are all translations.
TEST(StallStats, StalledCountsStalls)
{
    Rig r;
    r.add_stream(1, stalling_s1()).map(VA, PA);
    r.enable();
    smmu_stats_t s0 = r.stats();
    EXPECT_EQ(r.xlate(1, VA).status, SMMU_XLATE_OK);
    EXPECT_EQ(r.xlate(1, VA + 0x1000).status, SMMU_XLATE_STALL);
    EXPECT_EQ(r.xlate(1, VA + 0x2000).status, SMMU_XLATE_STALL);
    smmu_stats_t s1 = r.stats();
    EXPECT_EQ(s1.stalled - s0.stalled, 2u);
    EXPECT_EQ(s1.faulted - s0.faulted, 0u);
    EXPECT_EQ(s1.translations - s0.translations, 3u);
    EXPECT_EQ(s1.events - s0.events, 2u);
    EXPECT_EQ(s1.events_by_type[F_TRANSLATION] - s0.events_by_type[F_TRANSLATION], 2u);
}

}  // namespace
}  // namespace stall_test
