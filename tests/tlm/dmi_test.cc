// SPDX-License-Identifier: Apache-2.0
// Upstream DMI: granted for a whole translated page with the translation's rights, denied in
// the LRM way otherwise, and revoked whenever the translation may have changed (TLBI, CFGI,
// CR0) or the downstream target revokes its own grant. "No stale pointer survives": after
// each change, every region handed out before it has been invalidated.
#include <cstring>

#include "tlm_harness.h"

using namespace tlmtest;

namespace {

constexpr unsigned RW = drv::PROT_READ | drv::PROT_WRITE;

// Grant on page `page` of IOVA; checks the region is exactly that page at the right PA.
void expect_grant(platform& p, uint64_t page, uint64_t pa, bool write_ok, tlm::tlm_dmi& d)
{
    ASSERT_TRUE(p.master().dmi(IOVA + page * PAGE + 0x10, false, d));
    EXPECT_EQ(d.get_start_address(), IOVA + page * PAGE);
    EXPECT_EQ(d.get_end_address(), IOVA + page * PAGE + PAGE - 1);
    EXPECT_EQ(d.get_dmi_ptr(), p.mem.at(pa));
    EXPECT_TRUE(d.is_read_allowed());
    EXPECT_EQ(d.is_write_allowed(), write_ok);
}

}  // namespace

TEST(Dmi, GrantedForAMappedPageWithItsRights)
{
    platform p;
    p.run([&] {
        drv::Domain* d = p.setup_s1(SID, IOVA, DATA_PA, 2 * PAGE, RW);
        p.driver().map(d, IOVA + 2 * PAGE, DATA_PA + 2 * PAGE, PAGE, drv::PROT_READ);
        tlm::tlm_dmi rw, ro;
        expect_grant(p, 1, DATA_PA + PAGE, true, rw);
        expect_grant(p, 2, DATA_PA + 2 * PAGE, false, ro);
        EXPECT_EQ(rw.get_read_latency(), p.mem.read_latency + p.smmu.get_timing().utlb_hit);
        EXPECT_EQ(rw.get_write_latency(), p.mem.write_latency + p.smmu.get_timing().utlb_hit);
        // a write request on the read-only page is denied (and said so for the page)
        tlm::tlm_dmi w;
        EXPECT_FALSE(p.master().dmi(IOVA + 2 * PAGE, true, w));
        EXPECT_EQ(w.get_granted_access(), tlm::tlm_dmi::DMI_ACCESS_NONE);
        // the pointer really is the translated memory
        std::memset(p.mem.at(DATA_PA + PAGE + 0x20), 0x9E, 4);
        EXPECT_EQ(rw.get_dmi_ptr()[0x20], 0x9E);
        EXPECT_EQ(p.smmu.counters().dmi_grants, 2u);
    });
}

TEST(Dmi, BlockMappingsAreGrantedWhole)
{
    platform p;
    p.run([&] {
        drv::Domain* d = p.setup_s1(SID, IOVA, DATA_PA, 0);
        p.driver().map(d, IOVA, DATA_PA, 2ull << 20, RW, 21); // one 2 MB block
        tlm::tlm_dmi dmi;
        ASSERT_TRUE(p.master().dmi(IOVA + 0x12345, false, dmi));
        EXPECT_EQ(dmi.get_start_address(), IOVA);
        EXPECT_EQ(dmi.get_end_address(), IOVA + (2ull << 20) - 1);
        EXPECT_EQ(dmi.get_dmi_ptr(), p.mem.at(DATA_PA));
    });
}

TEST(Dmi, DeniedWhereNothingIsMappedAndWithoutSideEffects)
{
    platform p;
    p.run([&] {
        p.setup_s1(SID, IOVA, DATA_PA, PAGE);
        const smmu_stats_t s0 = p.stats();
        tlm::tlm_dmi d;
        EXPECT_FALSE(p.master().dmi(IOVA + 5 * PAGE + 8, false, d));
        EXPECT_EQ(d.get_start_address(), IOVA + 5 * PAGE);
        EXPECT_EQ(d.get_end_address(), IOVA + 6 * PAGE - 1);
        EXPECT_EQ(d.get_granted_access(), tlm::tlm_dmi::DMI_ACCESS_NONE);
        EXPECT_TRUE(p.events().empty()); // a refused DMI request records no fault
        EXPECT_EQ(p.stats().faulted, s0.faulted);
    });
}

TEST(Dmi, DeniedWhenTheDownstreamTargetDenies)
{
    platform p;
    p.mem.dmi_enabled = false;
    p.run([&] {
        p.setup_s1();
        tlm::tlm_dmi d;
        EXPECT_FALSE(p.master().dmi(IOVA, false, d));
        EXPECT_EQ(d.get_granted_access(), tlm::tlm_dmi::DMI_ACCESS_NONE);
        EXPECT_LE(d.get_start_address(), IOVA);
        EXPECT_GE(d.get_end_address(), IOVA);
    });
}

// TLBI (unmap, remap): the region is revoked, and a new request sees the new mapping.
TEST(Dmi, RevokedByTlbi)
{
    platform p;
    p.run([&] {
        drv::Domain* d = p.setup_s1(SID, IOVA, DATA_PA, 4 * PAGE, RW);
        tlm::tlm_dmi g;
        expect_grant(p, 1, DATA_PA + PAGE, true, g);
        // remap the page elsewhere: TLBI_NH_VA + SYNC
        p.driver().remap(d, IOVA + PAGE, DATA_PA + 9 * PAGE, RW);
        EXPECT_TRUE(p.master().invalidated(g.get_start_address(), g.get_end_address()));
        tlm::tlm_dmi g2;
        expect_grant(p, 1, DATA_PA + 9 * PAGE, true, g2);
        // unmap: revoked again, then denied
        p.master().invalidations.clear();
        p.driver().unmap(d, IOVA + PAGE, PAGE);
        EXPECT_TRUE(p.master().invalidated(g2.get_start_address(), g2.get_end_address()));
        tlm::tlm_dmi g3;
        EXPECT_FALSE(p.master().dmi(IOVA + PAGE, false, g3));
        EXPECT_GE(p.smmu.counters().dmi_revocations, 2u);
    });
}

TEST(Dmi, RevokedByCfgiSte)
{
    platform p;
    p.run([&] {
        p.setup_s1();
        tlm::tlm_dmi g;
        expect_grant(p, 0, DATA_PA, true, g);
        p.driver().cfgi_ste(SID);
        EXPECT_TRUE(p.master().invalidated(g.get_start_address(), g.get_end_address()));
    });
}

TEST(Dmi, RevokedWhenSmmuenIsCleared)
{
    platform p;
    p.run([&] {
        p.setup_s1();
        tlm::tlm_dmi g;
        expect_grant(p, 3, DATA_PA + 3 * PAGE, true, g);
        const uint32_t cr0 = static_cast<uint32_t>(p.cpu.reg_read(R_CR0, 4));
        p.cpu.reg_write(R_CR0, 4, cr0 & ~1u); // SMMUEN = 0: GBPA bypass from now on
        EXPECT_TRUE(p.master().invalidated(g.get_start_address(), g.get_end_address()));
        // now the IOVA is a physical address (bypass): a new grant says so
        tlm::tlm_dmi b;
        ASSERT_TRUE(p.master().dmi(DATA_PA + 0x10, false, b));
        EXPECT_EQ(b.get_dmi_ptr(), p.mem.at(DATA_PA));
    });
}

TEST(Dmi, RevokedWhenTheDownstreamTargetRevokes)
{
    platform p;
    p.run([&] {
        p.setup_s1();
        tlm::tlm_dmi g;
        expect_grant(p, 2, DATA_PA + 2 * PAGE, true, g);
        p.mem.invalidate(DATA_PA + 2 * PAGE + 0x100, DATA_PA + 2 * PAGE + 0x1FF);
        EXPECT_TRUE(p.master().invalidated(g.get_start_address(), g.get_end_address()));
        // a new request is granted again (the memory still offers DMI there)
        tlm::tlm_dmi g2;
        expect_grant(p, 2, DATA_PA + 2 * PAGE, true, g2);
    });
}

// The SMMU's own direct pointers are dropped with the downstream grant: after the table
// memory starts aborting, the walk sees the abort (no stale pointer in the core).
TEST(Dmi, CorePointersFollowDownstreamRevocation)
{
    smmu_config_t cfg = default_config();
    cfg.iotlb.entries = 0;
    cfg.utlb.entries = 0;
    cfg.walk_s1.entries = 0;
    platform p(cfg);
    p.run([&] {
        drv::Domain* d = p.setup_s1();
        EXPECT_EQ(p.master().read(IOVA, 8).status, tlm::TLM_OK_RESPONSE);
        EXPECT_GT(p.mem.dmi_requests, 0u);
        const uint64_t t = p.l3_table(d, IOVA);
        p.mem.add_abort(t, t + PAGE - 1); // revokes DMI over the table
        EXPECT_EQ(p.master().read(IOVA, 8).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
        auto ev = p.events();
        ASSERT_EQ(ev.size(), 1u);
        EXPECT_EQ(ev[0].type(), 0x0Bu); // F_WALK_EABT
    });
}

// With HTTU, a DMI grant performs the access flag update the first access would make.
TEST(Dmi, GrantSetsTheAccessFlag)
{
    platform p;
    p.run([&] {
        drv::Domain* d = p.setup_s1(SID, IOVA, DATA_PA, PAGE);
        p.modify(d->cd, 1ull << 43, 0); // CD.HA = 1 (before the CD is fetched)
        const uint64_t pte = p.pte_addr(d, IOVA);
        p.modify(pte, 0, 1ull << 10);   // AF = 0
        tlm::tlm_dmi g;
        ASSERT_TRUE(p.master().dmi(IOVA, false, g));
        EXPECT_TRUE(p.mem.read64(pte) & (1ull << 10));
    });
}
