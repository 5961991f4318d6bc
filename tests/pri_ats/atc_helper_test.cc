// SPDX-License-Identifier: Apache-2.0
// The device-side ATC helper (smmuv3_atc.h) on its own: lookups, fills from Translation
// Completions, invalidation rules (IHI 0070 4.5.1 and the PCIe Invalidate Request), page
// requests (chapter 8), allocation.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "smmuv3/smmuv3_atc.h"

namespace {

constexpr uint8_t R = SMMU_PERM_R, W = SMMU_PERM_W, X = SMMU_PERM_X;

smmu_txn_t access(uint64_t va, uint32_t sid = 1, bool write = false)
{
    smmu_txn_t t;
    std::memset(&t, 0, sizeof t);
    t.iova = va;
    t.size = 4;
    t.stream_id = sid;
    t.write = write;
    return t;
}

smmu_txn_t pasid(smmu_txn_t t, uint32_t ssid)
{
    t.ssv = true;
    t.substream_id = ssid;
    return t;
}

smmu_xlate_t success(uint64_t pa, uint8_t perm, uint64_t mask = 0xFFF)
{
    smmu_xlate_t x;
    std::memset(&x, 0, sizeof x);
    x.status = SMMU_XLATE_OK;
    x.ats = SMMU_ATS_SUCCESS;
    x.pa = pa;
    x.page_mask = mask;
    x.perm = perm;
    return x;
}

smmu_atc_inv_t inv(uint32_t sid, uint64_t addr, uint64_t size, bool ssv = false,
                   uint32_t ssid = 0, bool global = false)
{
    smmu_atc_inv_t i;
    std::memset(&i, 0, sizeof i);
    i.stream_id = sid;
    i.addr = addr;
    i.size = size;
    i.ssv = ssv;
    i.substream_id = ssid;
    i.global = global;
    return i;
}

struct Atc {
    smmu_atc_t* a = nullptr;
    explicit Atc(uint32_t cap = 16) { EXPECT_EQ(smmu_atc_create(cap, nullptr, nullptr, &a), SMMU_OK); }
    ~Atc() { smmu_atc_destroy(a); }
    // Fill from the completion of a Translation Request made for this access.
    void fill(const smmu_txn_t& acc, const smmu_xlate_t& resp)
    {
        smmu_txn_t tr;
        smmu_atc_treq(&acc, &tr);
        EXPECT_EQ(smmu_atc_fill(a, &tr, &resp), SMMU_OK);
    }
    smmu_atc_outcome_t look(const smmu_txn_t& t, uint64_t* pa = nullptr)
    {
        return smmu_atc_lookup(a, &t, pa);
    }
};

}  // namespace

TEST(AtcHelper, CreateRejectsBadArguments)
{
    smmu_atc_t* a = reinterpret_cast<smmu_atc_t*>(1);
    EXPECT_EQ(smmu_atc_create(0, nullptr, nullptr, &a), SMMU_E_INVAL);
    EXPECT_EQ(a, nullptr);
    EXPECT_EQ(smmu_atc_create(4, nullptr, nullptr, nullptr), SMMU_E_INVAL);
    smmu_atc_destroy(nullptr);
}

namespace {
struct CountingAlloc {
    int live = 0;
    int fail_after = -1; // fail the n-th allocation (0-based), -1 never
    int calls = 0;
    static void* fn(void* ctx, void* ptr, size_t, size_t nsize)
    {
        auto* c = static_cast<CountingAlloc*>(ctx);
        if (nsize == 0) {
            if (ptr)
                c->live--;
            std::free(ptr);
            return nullptr;
        }
        if (c->fail_after >= 0 && c->calls++ == c->fail_after)
            return nullptr;
        c->live++;
        return std::realloc(ptr, nsize);
    }
};
}  // namespace

TEST(AtcHelper, UsesTheHostAllocator)
{
    CountingAlloc ca;
    smmu_atc_t* a = nullptr;
    ASSERT_EQ(smmu_atc_create(8, CountingAlloc::fn, &ca, &a), SMMU_OK);
    EXPECT_EQ(ca.live, 2);
    smmu_atc_destroy(a);
    EXPECT_EQ(ca.live, 0);
}

TEST(AtcHelper, AllocationFailuresLeakNothing)
{
    for (int n = 0; n < 2; n++) {
        CountingAlloc ca;
        ca.fail_after = n;
        smmu_atc_t* a = nullptr;
        EXPECT_EQ(smmu_atc_create(8, CountingAlloc::fn, &ca, &a), SMMU_E_NOMEM);
        EXPECT_EQ(a, nullptr);
        EXPECT_EQ(ca.live, 0);
    }
}

TEST(AtcHelper, MissFillHit)
{
    Atc c;
    smmu_txn_t t = access(0x40000123);
    uint64_t pa = 0;
    EXPECT_EQ(c.look(t), SMMU_ATC_MISS);
    c.fill(t, success(0xC0000000, R | W));
    EXPECT_EQ(c.look(t, &pa), SMMU_ATC_HIT);
    EXPECT_EQ(pa, UINT64_C(0xC0000123));
    EXPECT_EQ(c.look(access(0x40000FFC, 1, true), &pa), SMMU_ATC_HIT);
    EXPECT_EQ(pa, UINT64_C(0xC0000FFC));
    EXPECT_EQ(c.look(access(0x40001000)), SMMU_ATC_MISS); // next page
    EXPECT_EQ(c.look(access(0x40000123, 2)), SMMU_ATC_MISS); // other stream
    smmu_atc_stats_t s;
    smmu_atc_stats_get(c.a, &s);
    EXPECT_EQ(s.lookups, 5u);
    EXPECT_EQ(s.hits, 2u);
    EXPECT_EQ(s.misses, 3u);
    EXPECT_EQ(s.fills, 1u);
    smmu_atc_stats_reset(c.a);
    smmu_atc_stats_get(c.a, &s);
    EXPECT_EQ(s.lookups, 0u);
}

TEST(AtcHelper, LargeTranslationSize)
{
    Atc c;
    c.fill(access(0x40123000), success(0xC0123000, R, 0x1FFFFF)); // a 2 MB completion
    uint64_t pa = 0;
    EXPECT_EQ(c.look(access(0x401FFFF0), &pa), SMMU_ATC_HIT);
    EXPECT_EQ(pa, UINT64_C(0xC01FFFF0));
    EXPECT_EQ(c.look(access(0x40000000), &pa), SMMU_ATC_HIT);
    EXPECT_EQ(pa, UINT64_C(0xC0000000));
    EXPECT_EQ(c.look(access(0x40200000)), SMMU_ATC_MISS);
}

TEST(AtcHelper, PermissionsAreChecked)
{
    Atc c;
    c.fill(access(0x1000), success(0x9000, R));
    EXPECT_EQ(c.look(access(0x1000)), SMMU_ATC_HIT);
    EXPECT_EQ(c.look(access(0x1000, 1, true)), SMMU_ATC_NO_PERM);
    // a new completion (NW == 0) replaces the read-only one
    c.fill(access(0x1000, 1, true), success(0x9000, R | W));
    EXPECT_EQ(c.look(access(0x1000, 1, true)), SMMU_ATC_HIT);
    EXPECT_EQ(smmu_atc_count(c.a), 1u);
    smmu_atc_stats_t s;
    smmu_atc_stats_get(c.a, &s);
    EXPECT_EQ(s.no_perm, 1u);
}

TEST(AtcHelper, ExecuteNeedsExeWithPasid)
{
    Atc c;
    smmu_txn_t t = pasid(access(0x1000), 3);
    t.instr = true;
    c.fill(t, success(0x9000, R));
    EXPECT_EQ(c.look(t), SMMU_ATC_NO_PERM);
    c.fill(t, success(0x9000, R | X));
    EXPECT_EQ(c.look(t), SMMU_ATC_HIT);
    // 13.7: without a PASID an access is Data: instr is ignored
    smmu_txn_t d = access(0x1000);
    d.instr = true;
    c.fill(d, success(0x9000, R));
    EXPECT_EQ(c.look(d), SMMU_ATC_HIT);
}

TEST(AtcHelper, DeniedCompletionsAreNotCached)
{
    Atc c;
    smmu_txn_t t = access(0x1000);
    c.fill(t, success(0, 0)); // Success with R == W == 0
    EXPECT_EQ(c.look(t), SMMU_ATC_MISS);
    EXPECT_EQ(smmu_atc_count(c.a), 0u);
    smmu_atc_stats_t s;
    smmu_atc_stats_get(c.a, &s);
    EXPECT_EQ(s.fills_denied, 1u);
    EXPECT_EQ(s.fills, 0u);
}

TEST(AtcHelper, FillRejectsWhatIsNotASuccessCompletion)
{
    Atc c;
    smmu_txn_t acc = access(0x1000), tr;
    smmu_atc_treq(&acc, &tr);
    smmu_xlate_t ur = success(0, 0);
    ur.status = SMMU_XLATE_ABORT;
    ur.ats = SMMU_ATS_UR;
    EXPECT_EQ(smmu_atc_fill(c.a, &tr, &ur), SMMU_E_INVAL);
    ur.ats = SMMU_ATS_CA;
    EXPECT_EQ(smmu_atc_fill(c.a, &tr, &ur), SMMU_E_INVAL);
    smmu_txn_t plain = access(0x1000);
    smmu_xlate_t ok = success(0x9000, R);
    EXPECT_EQ(smmu_atc_fill(c.a, &plain, &ok), SMMU_E_INVAL); // not a Translation Request
    EXPECT_EQ(smmu_atc_count(c.a), 0u);
}

TEST(AtcHelper, PasidAndPrivilegeAreSeparateEntries)
{
    Atc c;
    smmu_txn_t u = pasid(access(0x1000), 5);
    smmu_txn_t p = u;
    p.priv = true;
    c.fill(u, success(0x9000, R));
    EXPECT_EQ(c.look(u), SMMU_ATC_HIT);
    EXPECT_EQ(c.look(p), SMMU_ATC_MISS);             // 13.7: per privilege level
    EXPECT_EQ(c.look(pasid(access(0x1000), 6)), SMMU_ATC_MISS);
    EXPECT_EQ(c.look(access(0x1000)), SMMU_ATC_MISS); // no PASID
    c.fill(p, success(0xA000, R | W));
    uint64_t pa = 0;
    EXPECT_EQ(c.look(p, &pa), SMMU_ATC_HIT);
    EXPECT_EQ(pa, UINT64_C(0xA000));
    EXPECT_EQ(c.look(u, &pa), SMMU_ATC_HIT);
    EXPECT_EQ(pa, UINT64_C(0x9000));
    // without a PASID Priv does not exist: one entry serves both
    smmu_txn_t np = access(0x2000);
    c.fill(np, success(0xB000, R));
    np.priv = true;
    EXPECT_EQ(c.look(np), SMMU_ATC_HIT);
}

TEST(AtcHelper, LeastRecentlyUsedReplacement)
{
    Atc c(2);
    c.fill(access(0x1000), success(0x9000, R));
    c.fill(access(0x2000), success(0xA000, R));
    EXPECT_EQ(c.look(access(0x1000)), SMMU_ATC_HIT); // 0x2000 is now the oldest
    c.fill(access(0x3000), success(0xB000, R));
    EXPECT_EQ(c.look(access(0x2000)), SMMU_ATC_MISS);
    EXPECT_EQ(c.look(access(0x1000)), SMMU_ATC_HIT);
    EXPECT_EQ(c.look(access(0x3000)), SMMU_ATC_HIT);
    smmu_atc_stats_t s;
    smmu_atc_stats_get(c.a, &s);
    EXPECT_EQ(s.evictions, 1u);
}

// Invalidation (4.5.1): SSV == 0 -> the entries obtained without a PASID; SSV == 1 -> that
// PASID; SSV == 1 with Global -> every PASID. Range overlap only; Size 52 -> everything.
class AtcHelperInv : public ::testing::Test {
protected:
    Atc c{32};
    void SetUp() override
    {
        c.fill(access(0x10000), success(0x90000, R));                 // no PASID
        c.fill(pasid(access(0x10000), 1), success(0x91000, R));        // PASID 1
        c.fill(pasid(access(0x10000), 2), success(0x92000, R));        // PASID 2
        c.fill(access(0x20000), success(0xA0000, R, 0xFFFF));          // 64 KB, no PASID
        c.fill(access(0x10000, 9), success(0x99000, R));               // another stream
    }
    bool has(const smmu_txn_t& t) { return c.look(t) == SMMU_ATC_HIT; }
};

TEST_F(AtcHelperInv, WithoutPasidOnlyNonPasidEntries)
{
    smmu_atc_inv_t i = inv(1, 0x10000, 0x1000);
    EXPECT_EQ(smmu_atc_invalidate(c.a, &i), 1u);
    EXPECT_FALSE(has(access(0x10000)));
    EXPECT_TRUE(has(pasid(access(0x10000), 1)));
    EXPECT_TRUE(has(pasid(access(0x10000), 2)));
    EXPECT_TRUE(has(access(0x20000)));
    EXPECT_TRUE(has(access(0x10000, 9)));
}

TEST_F(AtcHelperInv, OnePasid)
{
    smmu_atc_inv_t i = inv(1, 0x10000, 0x1000, true, 2);
    EXPECT_EQ(smmu_atc_invalidate(c.a, &i), 1u);
    EXPECT_TRUE(has(pasid(access(0x10000), 1)));
    EXPECT_FALSE(has(pasid(access(0x10000), 2)));
    EXPECT_TRUE(has(access(0x10000)));
}

TEST_F(AtcHelperInv, GlobalAllPasids)
{
    smmu_atc_inv_t i = inv(1, 0x10000, 0x1000, true, 2, true);
    EXPECT_EQ(smmu_atc_invalidate(c.a, &i), 2u);
    EXPECT_FALSE(has(pasid(access(0x10000), 1)));
    EXPECT_FALSE(has(pasid(access(0x10000), 2)));
    EXPECT_TRUE(has(access(0x10000)));
}

TEST_F(AtcHelperInv, RangeOverlap)
{
    // a 4 KB invalidation inside the 64 KB entry removes it
    smmu_atc_inv_t i = inv(1, 0x2F000, 0x1000);
    EXPECT_EQ(smmu_atc_invalidate(c.a, &i), 1u);
    EXPECT_FALSE(has(access(0x20000)));
    // a range that touches nothing
    i = inv(1, 0x11000, 0xF000);
    EXPECT_EQ(smmu_atc_invalidate(c.a, &i), 0u);
    EXPECT_TRUE(has(access(0x10000)));
}

TEST_F(AtcHelperInv, EverythingOfTheStream)
{
    smmu_atc_inv_t i = inv(1, 0, UINT64_MAX); // CMD_ATC_INV Size == 52, SSV == 0
    EXPECT_EQ(smmu_atc_invalidate(c.a, &i), 2u);
    i = inv(1, 0, UINT64_MAX, true, 0, true);
    EXPECT_EQ(smmu_atc_invalidate(c.a, &i), 2u);
    EXPECT_EQ(smmu_atc_count(c.a), 1u); // the other stream's entry
    smmu_atc_stats_t s;
    smmu_atc_stats_get(c.a, &s);
    EXPECT_EQ(s.invalidations, 2u);
    EXPECT_EQ(s.invalidated, 4u);
    smmu_atc_flush(c.a);
    EXPECT_EQ(smmu_atc_count(c.a), 0u);
}

TEST(AtcHelper, TranslationRequestFromAnAccess)
{
    smmu_txn_t a = pasid(access(0x40000ABC, 3, true), 7);
    a.priv = true;
    a.instr = true; // a write is never an instruction fetch
    a.port = 2;
    smmu_txn_t tr;
    smmu_atc_treq(&a, &tr);
    EXPECT_EQ(tr.atype, SMMU_ATYPE_ATS_REQUEST);
    EXPECT_EQ(tr.iova, UINT64_C(0x40000000));
    EXPECT_TRUE(tr.write); // NW == 0
    EXPECT_FALSE(tr.instr);
    EXPECT_TRUE(tr.priv);
    EXPECT_TRUE(tr.ssv);
    EXPECT_EQ(tr.substream_id, 7u);
    EXPECT_EQ(tr.stream_id, 3u);
    EXPECT_EQ(tr.port, 2u);
    smmu_txn_t np = access(0x5000);
    np.priv = np.instr = true;
    smmu_atc_treq(&np, &tr);
    EXPECT_FALSE(tr.priv); // 13.7: no PASID, no Priv/Exe
    EXPECT_FALSE(tr.instr);
}

TEST(AtcHelper, PageRequestFromAnAccess)
{
    smmu_txn_t a = pasid(access(0x40000ABC, 3, true), 7);
    a.priv = true;
    smmu_pri_req_t q;
    smmu_atc_page_request(&a, 0x1AB, true, &q);
    EXPECT_EQ(q.stream_id, 3u);
    EXPECT_TRUE(q.ssv);
    EXPECT_EQ(q.substream_id, 7u);
    EXPECT_TRUE(q.read);
    EXPECT_TRUE(q.write);
    EXPECT_FALSE(q.exec);
    EXPECT_TRUE(q.priv);
    EXPECT_TRUE(q.last);
    EXPECT_EQ(q.prg_index, 0x1ABu);
    EXPECT_EQ(q.addr, UINT64_C(0x40000000));
    smmu_txn_t np = access(0x5000);
    np.priv = np.instr = true;
    smmu_atc_page_request(&np, 1, false, &q);
    EXPECT_FALSE(q.ssv);
    EXPECT_FALSE(q.priv);
    EXPECT_FALSE(q.exec);
    EXPECT_FALSE(q.write);
    EXPECT_FALSE(q.last);
}
