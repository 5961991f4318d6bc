// SPDX-License-Identifier: Apache-2.0
// The host side of stalls (smmuv3.h): cookies, batches and trace replay, and a driver that
// handles stall records from its interrupt handler (calling back into the core).
#include <gtest/gtest.h>

#include <cstdlib>

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

// smmu_translate_batch: cookie = index; a stalled element does not hold back the ones after it
// (3.12.2: later transactions may overtake a stalled one).
TEST(StallHost, BatchReportsTheStalledElementAndGoesOn)
{
    Rig r;
    PageTable& pt = r.add_stream(1, stalling_s1());
    pt.map(VA, PA);
    pt.map(VA + 0x2000, PA + 0x2000);
    r.enable();
    smmu_txn_t in[3] = {Rig::txn(1, VA), Rig::txn(1, VA + 0x1000), Rig::txn(1, VA + 0x2000)};
    smmu_xlate_t out[3];
    smmu_translate_batch(r.s(), in, out, 3);
    EXPECT_EQ(out[0].status, SMMU_XLATE_OK);
    EXPECT_EQ(out[1].status, SMMU_XLATE_STALL);
    EXPECT_EQ(out[2].status, SMMU_XLATE_OK);
    EXPECT_EQ(out[2].pa, PA + 0x2000);
    pt.map(VA + 0x1000, PA + 0x1000);
    r.tlbi_all();
    r.sync();
    r.resume(1, out[1].stall_tag, true);
    ASSERT_EQ(r.done().size(), 1u);
    EXPECT_EQ(r.done()[0].first, 1u) << "cookie = index";
    EXPECT_EQ(r.done()[0].second.pa, PA + 0x1000);
}

// smmu_translate_batch_stallable: cookies cookie_base + i, so that batches with stalls
// outstanding at the same time can be told apart; SMMU_TXN_NO_STALL elements never stall.
TEST(StallHost, BatchCookieBaseAndNoStallElements)
{
    Rig r;
    r.add_stream(1, stalling_s1());
    r.enable();
    smmu_txn_t a[2] = {Rig::txn(1, VA), Rig::txn(1, VA + 0x1000, false, SMMU_TXN_NO_STALL)};
    smmu_txn_t b[1] = {Rig::txn(1, VA + 0x2000)};
    smmu_xlate_t oa[2], ob[1];
    smmu_translate_batch_stallable(r.s(), a, oa, 2, 100);
    smmu_translate_batch_stallable(r.s(), b, ob, 1, 200);
    EXPECT_EQ(oa[0].status, SMMU_XLATE_STALL);
    EXPECT_EQ(oa[1].status, SMMU_XLATE_FAULT);
    EXPECT_EQ(ob[0].status, SMMU_XLATE_STALL);
    r.set_cr0(r.cr0() & ~reg::CR0_SMMUEN);
    ASSERT_EQ(r.done().size(), 2u);
    EXPECT_EQ(r.done()[0].first, 100u);
    EXPECT_EQ(r.done()[1].first, 200u);
}

// A driver in the interrupt handler, as Linux's event-queue thread plus iopf handler: on the
// EVENTQ interrupt it reads the stall record, maps the page, invalidates, and resumes with
// retry. All of it happens inside the smmu_translate() call that stalled, so stall_done comes
// before that call returns SMMU_XLATE_STALL.
TEST(StallHost, DriverResumesFromItsInterruptHandler)
{
    Rig r;
    PageTable& pt = r.add_stream(1, stalling_s1());
    r.enable();
    r.h().wr32(reg::IRQ_CTRL, 1u << 2);  // EVENTQ_IRQEN
    unsigned handled = 0;
    r.mem().on_irq = [&](smmu_irq_t line) {
        if (line != SMMU_IRQ_EVENTQ)
            return;
        for (const Event& e : r.consume()) {
            if (!e.stall())
                continue;
            handled++;
            pt.map(e.input_addr() & ~UINT64_C(0xFFF), PA);
            r.tlbi_all();
            r.sync();
            r.resume(e.sid(), e.stag(), true);
        }
    };
    smmu_xlate_t x = r.xlate_stallable(1, VA + 0x10, 42);
    EXPECT_EQ(x.status, SMMU_XLATE_STALL);
    EXPECT_EQ(handled, 1u);
    ASSERT_EQ(r.done().size(), 1u);
    EXPECT_EQ(r.done()[0].first, 42u);
    EXPECT_EQ(r.done()[0].second.status, SMMU_XLATE_OK);
    EXPECT_EQ(r.done()[0].second.pa, PA + 0x10);
    EXPECT_EQ(smmu_stall_count(r.s()), 0u);
    r.mem().on_irq = nullptr;
}

// The host may translate from inside stall_done: a transaction it issues there that stalls gets
// its own resource and is not swept up by the CMD_STALL_TERM that is running (4.7.2:
// transactions that stall after the command is consumed are not affected).
struct Reissuer {
    smmu_t* s = nullptr;
    std::vector<std::pair<uint64_t, smmu_xlate_t>> done;
};
Reissuer* g_reissuer;  // FakeMem owns the ops context, so the hook finds its state here

void reissue(void*, uint64_t cookie, const smmu_xlate_t* x)
{
    g_reissuer->done.emplace_back(cookie, *x);
    if (cookie < 10) {  // re-issue each original transaction once, with cookie + 10
        smmu_txn_t t = Rig::txn(1, VA + 0x100000 * cookie);
        smmu_xlate_t y;
        smmu_translate_stallable(g_reissuer->s, &t, cookie + 10, &y);
    }
}

TEST(StallHost, TranslatingFromStallDoneDuringStallTerm)
{
    Rig r;  // provides the memory and the tables; a second SMMU with our hook uses them
    r.add_stream(1, stalling_s1());
    Reissuer host;
    g_reissuer = &host;
    smmu_host_ops_t o = r.mem().ops();
    o.stall_done = reissue;
    smmu_config_t c = smmu_config_default();
    ASSERT_EQ(smmu_create(&c, &o, &host.s), SMMU_OK);
    smmu_t* s = host.s;
    constexpr uint64_t CMDQ2 = 0x500000, EVTQ2 = 0x600000;
    smmu_mmio_write(s, reg::STRTAB_BASE, 8, Rig::STRTAB);
    smmu_mmio_write(s, reg::STRTAB_BASE_CFG, 4, Rig::STRTAB_LOG2);
    smmu_mmio_write(s, reg::CMDQ_BASE, 8, CMDQ2 | 4);
    smmu_mmio_write(s, reg::EVENTQ_BASE, 8, EVTQ2 | 5);
    smmu_mmio_write(s, reg::CR0, 4, reg::CR0_CMDQEN | reg::CR0_EVENTQEN | reg::CR0_SMMUEN);
    smmu_txn_t t1 = Rig::txn(1, VA), t2 = Rig::txn(1, VA + 0x1000);
    smmu_xlate_t y;
    smmu_translate_stallable(s, &t1, 1, &y);
    ASSERT_EQ(y.status, SMMU_XLATE_STALL);
    smmu_translate_stallable(s, &t2, 2, &y);
    ASSERT_EQ(smmu_stall_count(s), 2u);
    uint64_t cmd[2] = {0x45 | (UINT64_C(1) << 32), 0};  // CMD_STALL_TERM(SID 1)
    r.mem().write_dwords(CMDQ2, cmd, 2);
    smmu_mmio_write(s, reg::CMDQ_PROD, 4, 1);
    ASSERT_EQ(host.done.size(), 2u);
    EXPECT_EQ(host.done[0].first, 1u);
    EXPECT_EQ(host.done[1].first, 2u);
    EXPECT_EQ(smmu_stall_count(s), 2u) << "the re-issued transactions stalled anew";
    smmu_mmio_write(s, reg::CR0, 4, reg::CR0_CMDQEN | reg::CR0_EVENTQEN);  // SMMUEN 1 -> 0
    ASSERT_EQ(host.done.size(), 4u);
    EXPECT_EQ(host.done[2].first, 11u);
    EXPECT_EQ(host.done[3].first, 12u);
    EXPECT_EQ(smmu_stall_count(s), 0u);
    smmu_destroy(s);
    g_reissuer = nullptr;
}

// The stall resources are allocated at create time (never on the fault path): every allocation
// failure during smmu_create() gives SMMU_E_NOMEM and leaks nothing, and the footprint
// smmu_config_footprint() reports includes them.
struct AllocLog {
    long fail_at = -1;  // index of the allocation that fails
    long count = 0;
    long live = 0;
};
AllocLog g_alloc;

void* failing_alloc(void*, void* ptr, size_t, size_t nsize)
{
    if (nsize == 0) {
        if (ptr)
            g_alloc.live--;
        std::free(ptr);
        return nullptr;
    }
    if (ptr)
        return std::realloc(ptr, nsize);
    if (g_alloc.count++ == g_alloc.fail_at)
        return nullptr;
    g_alloc.live++;
    return std::calloc(1, nsize);
}

TEST(StallHost, CreateFailsCleanlyWhenAnyAllocationFails)
{
    smmu_test::FakeMem mem;
    smmu_host_ops_t o = mem.ops();
    o.alloc = failing_alloc;
    smmu_config_t c = config(0, 1000);
    smmu_config_t small = config(0, 1);
    EXPECT_GT(smmu_config_footprint(&c), smmu_config_footprint(&small));
    for (long n = 0;; n++) {
        g_alloc = AllocLog();
        g_alloc.fail_at = n;
        smmu_t* s = nullptr;
        smmu_status_t st = smmu_create(&c, &o, &s);
        if (st == SMMU_OK) {
            EXPECT_EQ(smmu_stall_count(s), 0u);
            smmu_destroy(s);
            EXPECT_EQ(g_alloc.live, 0);
            EXPECT_GT(n, 0);
            break;
        }
        EXPECT_EQ(st, SMMU_E_NOMEM) << "failing allocation " << n;
        EXPECT_EQ(g_alloc.live, 0) << "leak after failing allocation " << n;
        ASSERT_LT(n, 10000);
    }
}

}  // namespace
}  // namespace stall_test
