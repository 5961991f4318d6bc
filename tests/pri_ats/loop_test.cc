// SPDX-License-Identifier: Apache-2.0
// The whole ATS + PRI loop with the device-side ATC helper (IHI 0070 3.9.1 "PRI", 3.9.1.2,
// chapter 8, 4.5.1 invalidation sequence):
//   ATC miss -> Translation Request -> Success R == W == 0 (page not mapped) -> Page Request
//   -> PRI record -> driver maps the page and sends CMD_PRI_RESP Success -> the device retries
//   -> Success with the PA -> ATC hit -> Translated transaction; then the driver unmaps:
//   change PTE -> CMD_TLBI -> CMD_SYNC -> CMD_ATC_INV -> CMD_SYNC -> the ATC entry is gone.
#include "streams.h"

using namespace pa;

namespace {

constexpr uint8_t R = SMMU_PERM_R, W = SMMU_PERM_W;
constexpr uint64_t kSyncIrq = 0x46 | (1u << 12); // CMD_SYNC with CS = SIG_IRQ

// The endpoint: its ATC and the steps of the protocol it follows.
struct Endpoint {
    Rig& r;
    smmu_atc_t* atc = nullptr;
    explicit Endpoint(Rig& rig) : r(rig)
    {
        EXPECT_EQ(smmu_atc_create(16, nullptr, nullptr, &atc), SMMU_OK);
        r.mem.atc = atc; // host_ops.atc_inv forwards ATS Invalidate Requests here
    }
    ~Endpoint()
    {
        r.mem.atc = nullptr;
        smmu_atc_destroy(atc);
    }
    // Translation Request for the access; caches what the completion grants.
    smmu_xlate_t translate(const smmu_txn_t& acc)
    {
        smmu_txn_t tr;
        smmu_atc_treq(&acc, &tr);
        smmu_xlate_t x = r.xlate(tr);
        if (x.ats == SMMU_ATS_SUCCESS) {
            EXPECT_EQ(smmu_atc_fill(atc, &tr, &x), SMMU_OK);
        }
        return x;
    }
    smmu_atc_outcome_t lookup(const smmu_txn_t& acc, uint64_t* pa = nullptr)
    {
        return smmu_atc_lookup(atc, &acc, pa);
    }
    void page_request(const smmu_txn_t& acc, unsigned prgi)
    {
        smmu_pri_req_t q;
        smmu_atc_page_request(&acc, static_cast<uint16_t>(prgi), true, &q);
        EXPECT_EQ(smmu_pri_request(r.s, &q), SMMU_OK);
    }
};

// The driver's PRI handler: map every requested page, answer each group with Success.
unsigned service_pri(Rig& r, PageTable& pt, uint64_t pa)
{
    unsigned n = 0;
    for (const PriRec& rec : r.pri_records()) {
        pt.map(rec.addr(), pa);
        if (rec.last())
            r.pri_resp(rec.sid(), rec.prgi(), 0b10, rec.ssv(), rec.ssid());
        n++;
    }
    return n;
}

}  // namespace

TEST(AtsPriLoop, FaultServicedThroughPriThenUnmapped)
{
    Rig r;
    r.wr32(reg::IRQ_CTRL, reg::IRQ_PRIQ);
    Endpoint ep(r);
    S1Stream st(r, 8);
    st.commit(); // nothing mapped yet
    const smmu_txn_t acc = untranslated(kVa + 0x234, 8, true);

    // the device misses in its ATC and asks the SMMU
    EXPECT_EQ(ep.lookup(acc), SMMU_ATC_MISS);
    EXPECT_TRUE(Success(ep.translate(acc), 0)); // not mapped: Success, R == W == 0
    EXPECT_EQ(ep.lookup(acc), SMMU_ATC_MISS);   // nothing was cached
    EXPECT_TRUE(r.events().empty());             // ATS failures record no events (3.9.1)

    // ... so it sends a Page Request; the PRI queue interrupt tells the driver
    ep.page_request(acc, 0x21);
    EXPECT_EQ(r.mem.irq_pulses[SMMU_IRQ_PRIQ], 1u);
    std::vector<PriRec> peek = r.pri_records(false);
    ASSERT_EQ(peek.size(), 1u);
    EXPECT_EQ(peek[0].sid(), 8u);
    EXPECT_EQ(peek[0].addr(), kVa);
    EXPECT_TRUE(peek[0].write());
    EXPECT_TRUE(peek[0].last());
    EXPECT_EQ(peek[0].prgi(), 0x21u);

    // the driver makes the page present and answers the group
    EXPECT_EQ(service_pri(r, st.pt, kPa), 1u);
    EXPECT_EQ(r.cmd_error(), 0u);
    ASSERT_EQ(r.mem.pri_resps.size(), 1u);
    EXPECT_EQ(r.mem.pri_resps[0].code, 0u); // Success
    EXPECT_EQ(r.mem.pri_resps[0].stream_id, 8u);
    EXPECT_EQ(r.mem.pri_resps[0].prg_index, 0x21u);
    EXPECT_FALSE(r.mem.pri_resps[0].ssv);

    // the device retries: Success with the PA, cached, then a hit
    smmu_xlate_t x = ep.translate(acc);
    EXPECT_TRUE(Success(x, R | W));
    EXPECT_EQ(x.pa, kPa);
    uint64_t pa = 0;
    EXPECT_EQ(ep.lookup(acc, &pa), SMMU_ATC_HIT);
    EXPECT_EQ(pa, kPa + 0x234);
    // ... and issues the DMA as a Translated transaction (ATSCHK == 1, EATS 0b01: passes)
    smmu_xlate_t d = r.xlate(translated(pa, 8, true));
    EXPECT_EQ(d.status, SMMU_XLATE_BYPASS) << describe(d);
    EXPECT_EQ(d.pa, kPa + 0x234);

    // the driver unmaps the page: PTE, TLBI, SYNC, ATC_INV, SYNC (4.5.1)
    st.pt.unmap(kVa);
    r.tlbi_nh_va(st.ste.s2vmid, st.cd.asid, kVa);
    r.sync();
    r.atc_inv(8, kVa, 0);
    r.sync();
    EXPECT_EQ(r.cmd_error(), 0u);
    ASSERT_EQ(r.mem.atc_invs.size(), 1u);
    EXPECT_EQ(r.mem.atc_invs[0].addr, kVa);
    EXPECT_EQ(r.mem.atc_invs[0].size, 0x1000u);
    EXPECT_EQ(smmu_atc_count(ep.atc), 0u);
    EXPECT_EQ(ep.lookup(acc), SMMU_ATC_MISS);
    // a new request sees the unmapped page: the SMMU's own TLB was invalidated first
    EXPECT_TRUE(Success(ep.translate(acc), 0));

    smmu_atc_stats_t s;
    smmu_atc_stats_get(ep.atc, &s);
    EXPECT_EQ(s.fills, 1u);
    EXPECT_EQ(s.fills_denied, 2u);
    EXPECT_EQ(s.invalidated, 1u);
    smmu_stats_t ss;
    smmu_stats_get(r.s, &ss);
    EXPECT_EQ(ss.pri_records, 1u);
    EXPECT_EQ(ss.ats_requests, 3u);
}

TEST(AtsPriLoop, WithPasidAndAPendingInvalidation)
{
    Rig r;
    Endpoint ep(r);
    S1Stream st(r, 8);
    st.ste.s1cdmax = 2; // four CDs, PASIDs 0..3
    st.commit();
    smmu_txn_t acc = with_pasid(untranslated(kVa + 0x10, 8, false), 3);

    EXPECT_TRUE(Success(ep.translate(acc), 0));
    ep.page_request(acc, 5);
    std::vector<PriRec> peek = r.pri_records(false);
    ASSERT_EQ(peek.size(), 1u);
    EXPECT_TRUE(peek[0].ssv());
    EXPECT_EQ(peek[0].ssid(), 3u);
    EXPECT_TRUE(peek[0].read());
    EXPECT_FALSE(peek[0].write());
    service_pri(r, st.pt, kPa);
    ASSERT_EQ(r.mem.pri_resps.size(), 1u);
    EXPECT_TRUE(r.mem.pri_resps[0].ssv); // the response carries the PASID (4.5.2)
    EXPECT_EQ(r.mem.pri_resps[0].substream_id, 3u);

    EXPECT_TRUE(Success(ep.translate(acc), R)); // NW == 1: read only
    EXPECT_EQ(ep.lookup(acc), SMMU_ATC_HIT);
    smmu_txn_t wr = acc;
    wr.write = true;
    EXPECT_EQ(ep.lookup(wr), SMMU_ATC_NO_PERM);  // needs a request with NW == 0
    EXPECT_TRUE(Success(ep.translate(wr), R | W));
    EXPECT_EQ(ep.lookup(wr), SMMU_ATC_HIT);

    // unmap; this endpoint answers the invalidation later
    st.pt.unmap(kVa);
    r.tlbi_nh_va(st.ste.s2vmid, st.cd.asid, kVa);
    r.sync();
    r.mem.atc_answer = SMMU_ATC_PENDING;
    uint32_t before = r.mem.irq_pulses[SMMU_IRQ_CMD_SYNC];
    r.atc_inv(8, kVa, 0, true, 3);
    r.command(kSyncIrq);
    EXPECT_EQ(smmu_atc_count(ep.atc), 0u);                      // the ATC dropped it ...
    EXPECT_EQ(r.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], before);      // ... the SYNC still waits
    smmu_atc_inv_complete(r.s);
    EXPECT_EQ(r.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], before + 1);
    EXPECT_EQ(r.cmd_error(), 0u);
    EXPECT_EQ(ep.lookup(acc), SMMU_ATC_MISS);
    EXPECT_TRUE(Success(ep.translate(acc), 0));
}

TEST(AtsPriLoop, OverflowAutoResponseLeadsToARetry)
{
    // 8.1: a PPR lost to overflow gets an automatic Success; the device tries ATS again,
    // fails again, and asks again once the queue has room
    RigOptions o;
    o.priq_log2 = 0; // one entry
    Rig r(default_config(), o);
    Endpoint ep(r);
    S1Stream st(r, 8);
    st.commit();
    smmu_txn_t a = untranslated(kVa, 8, true), b = untranslated(kVa + 0x1000, 8, true);
    ep.page_request(a, 1);
    ep.page_request(b, 2); // queue full: overflow, automatic Success for group 2
    ASSERT_EQ(r.mem.pri_resps.size(), 1u);
    EXPECT_EQ(r.mem.pri_resps[0].prg_index, 2u);
    EXPECT_EQ(r.mem.pri_resps[0].code, 0u);
    EXPECT_TRUE(Success(ep.translate(b), 0)); // still not mapped
    // the driver services the queue and acknowledges the overflow in one CONS write
    std::vector<PriRec> v = r.pri_records(false);
    ASSERT_EQ(v.size(), 1u);
    st.pt.map(v[0].addr(), kPa);
    r.wr32(reg::PRIQ_CONS, reg::OVFLG | 1);
    r.pri_resp(v[0].sid(), v[0].prgi(), 0b10);
    ep.page_request(b, 2); // the retry is recorded
    v = r.pri_records();
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].addr(), kVa + 0x1000);
    EXPECT_TRUE(Success(ep.translate(a), R | W));
}
