// SPDX-License-Identifier: Apache-2.0
// Ending a stall: CMD_RESUME (4.7.1), CMD_STALL_TERM (4.7.2), SMMUEN 1 -> 0 (6.3.9), and what
// does not end one (invalidations, 4.3/4.4; smmu_reset drops them silently).
#include <gtest/gtest.h>

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

// 4.7.1 Ac == 1: the transaction is retried as though it had just arrived. Software maps the
// page and invalidates as Linux's iopf handler does (map, TLBI, SYNC, RESUME); the retry
// succeeds and stall_done reports the translation. Ab is IGNORED with Ac == 1.
TEST(Resume, RetryAfterFixingThePageTableSucceeds)
{
    Rig r;
    PageTable& pt = r.add_stream(1, stalling_s1());
    r.enable();
    smmu_xlate_t x = r.xlate_stallable(1, VA + 0x44, 0xC0FFEE, true);
    ASSERT_EQ(x.status, SMMU_XLATE_STALL);
    std::vector<Event> ev = r.consume();
    ASSERT_EQ(ev.size(), 1u);
    pt.map(VA, PA);
    r.tlbi_all();
    r.sync();
    EXPECT_TRUE(r.done().empty());
    r.resume(ev[0].sid(), ev[0].stag(), true, true);
    EXPECT_EQ(r.cmdq_err(), 0u);
    ASSERT_EQ(r.done().size(), 1u);
    EXPECT_EQ(r.done()[0].first, 0xC0FFEEu);
    const smmu_xlate_t& d = r.done()[0].second;
    EXPECT_EQ(d.status, SMMU_XLATE_OK) << describe(d);
    EXPECT_EQ(d.pa, PA + 0x44);
    EXPECT_TRUE(d.perm & SMMU_PERM_W);
    EXPECT_EQ(smmu_stall_count(r.s()), 0u);
    EXPECT_TRUE(r.pending_events().empty());
    // the STAG is gone: a second RESUME has no effect
    r.resume(1, x.stall_tag, true);
    EXPECT_EQ(r.done().size(), 1u);
}

// 4.7.1: a retried transaction "might then progress into the system or fault again"; faulting
// again under a stalling configuration is a new stall with a new record and a new STAG
// (3.12.2.1: a retried transaction is a new transaction).
TEST(Resume, RetryThatFaultsAgainStallsWithANewStag)
{
    Rig r;
    r.add_stream(1, stalling_s1());
    r.enable();
    smmu_xlate_t x = r.xlate_stallable(1, VA, 9);
    ASSERT_EQ(x.status, SMMU_XLATE_STALL);
    r.consume();
    r.resume(1, x.stall_tag, true);
    ASSERT_EQ(r.done().size(), 1u);
    const smmu_xlate_t& d = r.done()[0].second;
    EXPECT_EQ(r.done()[0].first, 9u);
    EXPECT_EQ(d.status, SMMU_XLATE_STALL) << describe(d);
    EXPECT_NE(d.stall_tag, x.stall_tag);
    std::vector<Event> ev = r.consume();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_TRUE(ev[0].stall());
    EXPECT_EQ(ev[0].stag(), d.stall_tag);
    EXPECT_EQ(smmu_stall_count(r.s()), 1u);
    EXPECT_EQ(r.stats().stalled, 2u);
    // the new stall keeps the cookie
    r.resume(1, d.stall_tag, false, true);
    ASSERT_EQ(r.done().size(), 2u);
    EXPECT_EQ(r.done()[1].first, 9u);
    EXPECT_EQ(r.done()[1].second.status, SMMU_XLATE_FAULT);
}

// 3.12.2: a retry uses the configuration of its time; software can clean up by changing the
// stream to terminate first. The retry then terminates and records a Stall = 0 event.
TEST(Resume, RetryUnderATerminatingConfigurationTerminates)
{
    Rig r;
    StreamCfg c = stalling_s1();
    r.add_stream(1, c);
    r.enable();
    smmu_xlate_t x = r.xlate(1, VA);
    ASSERT_EQ(x.status, SMMU_XLATE_STALL);
    r.consume();
    c.cd_s = false;
    r.rewrite(1, c);
    r.cfgi_all();
    r.sync();
    r.resume(1, x.stall_tag, true);
    ASSERT_EQ(r.done().size(), 1u);
    EXPECT_EQ(r.done()[0].first, 0u) << "smmu_translate() stalls carry cookie 0";
    EXPECT_EQ(r.done()[0].second.status, SMMU_XLATE_FAULT);
    std::vector<Event> ev = r.consume();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_FALSE(ev[0].stall());
    EXPECT_EQ(smmu_stall_count(r.s()), 0u);
}

// 4.7.1 Ac == 0, Ab == 1: terminated with an abort; Ab == 0: RAZ/WI.
TEST(Resume, TerminateAbortAndRazWi)
{
    Rig r;
    r.add_stream(1, stalling_s1());
    r.enable();
    smmu_xlate_t a = r.xlate_stallable(1, VA, 1);
    smmu_xlate_t b = r.xlate_stallable(1, VA + 0x1000, 2, true);
    r.consume();
    r.resume(1, b.stall_tag, false, false);
    r.resume(1, a.stall_tag, false, true);
    ASSERT_EQ(r.done().size(), 2u);
    EXPECT_EQ(r.done()[0].first, 2u);
    EXPECT_EQ(r.done()[0].second.status, SMMU_XLATE_RAZWI);
    EXPECT_EQ(r.done()[0].second.stall_tag, b.stall_tag);
    EXPECT_TRUE(r.done()[0].second.recorded);
    EXPECT_EQ(r.done()[1].first, 1u);
    EXPECT_EQ(r.done()[1].second.status, SMMU_XLATE_FAULT);
    EXPECT_EQ(r.done()[1].second.event.type, F_TRANSLATION);
    EXPECT_TRUE(r.pending_events().empty()) << "termination records nothing new";
    EXPECT_EQ(smmu_stall_count(r.s()), 0u);
}

// 4.7.1: "If SMMU_IDR0.TERM_MODEL == 1, the Ab parameter is IGNORED: transaction is terminated
// with abort."
TEST(Resume, TermModel1AlwaysAborts)
{
    Rig r(config(0, 64, 1));
    EXPECT_EQ((r.h().rd32(reg::IDR0) >> 26) & 1u, 1u);
    r.add_stream(1, stalling_s1());
    r.enable();
    smmu_xlate_t x = r.xlate(1, VA);
    r.resume(1, x.stall_tag, false, false);
    ASSERT_EQ(r.done().size(), 1u);
    EXPECT_EQ(r.done()[0].second.status, SMMU_XLATE_FAULT);
}

// 4.7.1: "There is no dependency between STE.S2S and the behavior of the CMD_RESUME, and the
// Terminate parameter is not limited by STE configuration": a stage-2 stall can end RAZ/WI.
TEST(Resume, Stage2StallCanEndRazWi)
{
    Rig r;
    StreamCfg c;
    c.s1 = false;
    c.s2 = true;
    c.s2s = true;
    r.add_stream(1, c);
    r.enable();
    smmu_xlate_t x = r.xlate(1, 0x5000);
    ASSERT_EQ(x.status, SMMU_XLATE_STALL);
    r.resume(1, x.stall_tag, false, false);
    ASSERT_EQ(r.done().size(), 1u);
    EXPECT_EQ(r.done()[0].second.status, SMMU_XLATE_RAZWI);
}

// 4.7.1: a STAG that names no stalled transaction, or one of another StreamID, has no effect.
TEST(Resume, UnknownStreamOrStagHasNoEffect)
{
    Rig r;
    r.add_stream(1, stalling_s1());
    r.add_stream(2, stalling_s1());
    r.enable();
    smmu_xlate_t x = r.xlate(1, VA);
    ASSERT_EQ(x.status, SMMU_XLATE_STALL);
    r.resume(2, x.stall_tag, false);                          // right STAG, wrong StreamID
    r.resume(1, static_cast<uint16_t>(x.stall_tag ^ 1), false); // other resource
    r.resume(1, static_cast<uint16_t>(x.stall_tag ^ 0x8000), false);  // stale generation
    r.resume(7, 0, true);                                     // no stalls at all
    EXPECT_EQ(r.cmdq_err(), 0u);
    EXPECT_TRUE(r.done().empty());
    EXPECT_EQ(smmu_stall_count(r.s()), 1u);
    r.resume(1, x.stall_tag, false);
    EXPECT_EQ(r.done().size(), 1u);
}

// 4.7.2: CMD_STALL_TERM abort-terminates every stalled transaction of the StreamID, and only
// those, after the STE has been made to abort new transactions.
TEST(StallTerm, TerminatesOnlyThatStream)
{
    Rig r;
    StreamCfg c = stalling_s1();
    r.add_stream(1, c);
    r.add_stream(2, stalling_s1());
    r.enable();
    smmu_xlate_t a = r.xlate_stallable(1, VA, 10);
    smmu_xlate_t o = r.xlate_stallable(2, VA, 20);
    smmu_xlate_t b = r.xlate_stallable(1, VA + 0x1000, 11);
    ASSERT_EQ(smmu_stall_count(r.s()), 3u);
    r.consume();
    // 4.7.2.1 sequence: STE.Config = abort, CFGI, SYNC, STALL_TERM
    uint64_t ste0 = r.mem().read64(Rig::STRTAB + 64);
    r.mem().write64(Rig::STRTAB + 64, ste0 & ~UINT64_C(0xE));
    r.cfgi_all();
    r.sync();
    r.stall_term(1);
    EXPECT_EQ(r.cmdq_err(), 0u);
    ASSERT_EQ(r.done().size(), 2u);
    EXPECT_EQ(r.done()[0].first, 10u) << "oldest first";
    EXPECT_EQ(r.done()[1].first, 11u);
    EXPECT_EQ(r.done()[0].second.status, SMMU_XLATE_FAULT);
    EXPECT_EQ(r.done()[1].second.status, SMMU_XLATE_FAULT);
    EXPECT_EQ(r.done()[0].second.stall_tag, a.stall_tag);
    EXPECT_EQ(r.done()[1].second.stall_tag, b.stall_tag);
    EXPECT_EQ(smmu_stall_count(r.s()), 1u);
    EXPECT_TRUE(r.pending_events().empty());
    r.resume(2, o.stall_tag, false);
    ASSERT_EQ(r.done().size(), 3u);
    EXPECT_EQ(r.done()[2].first, 20u);
}

// 6.3.9, 3.12.2: clearing SMMUEN abort-terminates every stalled transaction.
TEST(StallTerm, SmmuenOffTerminatesAll)
{
    Rig r;
    r.add_stream(1, stalling_s1());
    StreamCfg s2;
    s2.s1 = false;
    s2.s2 = true;
    s2.s2s = true;
    r.add_stream(2, s2);
    r.enable();
    r.xlate_stallable(1, VA, 1);
    r.xlate_stallable(2, VA, 2);
    r.xlate_stallable(1, VA + 0x1000, 3);
    ASSERT_EQ(smmu_stall_count(r.s()), 3u);
    r.set_cr0(reg::CR0_CMDQEN | reg::CR0_EVENTQEN);
    ASSERT_EQ(r.done().size(), 3u);
    for (unsigned i = 0; i < 3; i++) {
        EXPECT_EQ(r.done()[i].first, i + 1u);
        EXPECT_EQ(r.done()[i].second.status, SMMU_XLATE_FAULT);
    }
    EXPECT_EQ(smmu_stall_count(r.s()), 0u);
    // commands naming them now have no effect; re-enabling does not bring them back
    r.set_cr0(reg::CR0_CMDQEN | reg::CR0_EVENTQEN | reg::CR0_SMMUEN);
    r.resume(1, r.done()[0].second.stall_tag, true);
    EXPECT_EQ(r.done().size(), 3u);
}

// 4.3, 4.4, 4.7.3: configuration and TLB invalidations do not touch stalled transactions; they
// only affect what a later retry sees.
TEST(StallTerm, InvalidationsDoNotDropStalls)
{
    Rig r;
    PageTable& pt = r.add_stream(1, stalling_s1());
    r.enable();
    smmu_xlate_t x = r.xlate(1, VA);
    r.cfgi_all();
    r.cmd(0x03 | (UINT64_C(1) << 32), 1);  // CMD_CFGI_STE(SID 1, Leaf)
    r.tlbi_all();
    r.cmd(0x10 | (UINT64_C(1) << 32));  // CMD_TLBI_NH_ALL(VMID 1)
    r.sync();
    EXPECT_EQ(r.cmdq_err(), 0u);
    EXPECT_EQ(smmu_stall_count(r.s()), 1u);
    EXPECT_TRUE(r.done().empty());
    pt.map(VA, PA);
    r.resume(1, x.stall_tag, true);
    ASSERT_EQ(r.done().size(), 1u);
    EXPECT_EQ(r.done()[0].second.status, SMMU_XLATE_OK);
}

// smmu_reset / smmu_destroy drop stalls silently (smmuv3.h): no stall_done.
// smmu_reset() ends held transactions with abort and reports each one, so a host blocking an
// initiator on a stall is released (the model's choice; a reset is outside the architecture's
// programming interface).
TEST(StallTerm, ResetAbortsAndReportsStalls)
{
    Rig r;
    r.add_stream(1, stalling_s1());
    r.enable();
    r.xlate(1, VA);
    r.xlate(1, VA + 0x1000);
    ASSERT_EQ(smmu_stall_count(r.s()), 2u);
    smmu_reset(r.s());
    EXPECT_EQ(smmu_stall_count(r.s()), 0u);
    ASSERT_EQ(r.done().size(), 2u);
    for (const auto& d : r.done())
        EXPECT_EQ(d.second.status, SMMU_XLATE_FAULT);
    // the instance works again once the driver has set it up again
    r.enable();
    smmu_xlate_t x = r.xlate(1, VA);
    EXPECT_EQ(x.status, SMMU_XLATE_STALL);
    r.resume(1, x.stall_tag, false);
    EXPECT_EQ(r.done().size(), 3u);
}

}  // namespace
}  // namespace stall_test
