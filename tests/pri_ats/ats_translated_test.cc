// SPDX-License-Identifier: Apache-2.0
// ATS Translated transactions (IHI 0070 3.9.1.3, 6.3.9 ATSCHK, 7.3.8 F_TRANSL_FORBIDDEN,
// 13.6.3 split stage).
#include "streams.h"

using namespace pa;

namespace {

Event one_event(Rig& r, unsigned type)
{
    std::vector<Event> ev = r.events();
    EXPECT_EQ(ev.size(), 1u);
    if (ev.empty())
        return Event();
    EXPECT_EQ(ev[0].type(), type);
    return ev[0];
}

void expect_forbidden(Rig& r, const smmu_xlate_t& x, uint32_t sid, uint64_t addr, bool write)
{
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT) << describe(x);
    Event e = one_event(r, evt::F_TRANSL_FORBIDDEN);
    EXPECT_EQ(e.sid(), sid);
    EXPECT_EQ(e.rnw(), !write);       // 7.3.8: RnW [99]
    EXPECT_EQ(e.input_addr(), addr);  // InputAddr [191:128] (common position, 7.3)
}

void expect_silent_abort(Rig& r, const smmu_xlate_t& x)
{
    EXPECT_EQ(x.status, SMMU_XLATE_ABORT) << describe(x);
    EXPECT_TRUE(r.events().empty());
}

RigOptions no_atschk()
{
    RigOptions o;
    o.atschk = false;
    return o;
}

}  // namespace

TEST(AtsTranslated, SmmuDisabledIsForbidden)
{
    RigOptions o;
    o.enable = false;
    Rig r(default_config(), o);
    smmu_xlate_t x = r.xlate(translated(kPa, 4, true));
    expect_forbidden(r, x, 4, kPa, true);
}

TEST(AtsTranslated, AtschkZeroBypassesWithoutLookingAtTheSte)
{
    Rig r(default_config(), no_atschk());
    Ste bad;
    bad.v = false;
    r.set_ste(4, bad);
    uint64_t reads = r.mem.smmu_reads;
    smmu_xlate_t x = r.xlate(translated(kPa + 0x44, 4, true));
    EXPECT_EQ(x.status, SMMU_XLATE_BYPASS) << describe(x);
    EXPECT_EQ(x.pa, kPa + 0x44);
    EXPECT_EQ(r.mem.smmu_reads, reads); // no Stream table or TLB lookup (6.3.9 ATSCHK == 0)
    EXPECT_TRUE(r.events().empty());
}

TEST(AtsTranslated, AtschkZeroAddressAboveOasAborts)
{
    // 3.9.1.1: abort without event (this model's choice of the two permitted behaviours)
    Rig r(default_config(), no_atschk());
    expect_silent_abort(r, r.xlate(translated(UINT64_C(1) << 48, 4)));
}

TEST(AtsTranslated, Eats00IsForbidden)
{
    Rig r;
    S1Stream st(r, 4);
    st.ste.eats = 0b00;
    st.commit();
    expect_forbidden(r, r.xlate(translated(kPa, 4)), 4, kPa, false);
}

TEST(AtsTranslated, BypassSteIsForbidden)
{
    Rig r;
    Ste ste;
    ste.config = 0b100;
    r.set_ste(4, ste);
    expect_forbidden(r, r.xlate(translated(kPa, 4)), 4, kPa, false);
}

TEST(AtsTranslated, ConfigAbortAbortsSilently)
{
    Rig r;
    Ste ste;
    ste.config = 0b000;
    r.set_ste(4, ste);
    expect_silent_abort(r, r.xlate(translated(kPa, 4)));
}

TEST(AtsTranslated, ConfigurationErrorsAbortSilently)
{
    // 3.9.1.3: C_BAD_STE, C_BAD_STREAMID, F_STE_FETCH with ATSCHK == 1 abort; recorded only
    // with CR2.REC_CFG_ATS (RES0 here)
    Rig r;
    Ste bad;
    bad.v = false;
    r.set_ste(4, bad);
    expect_silent_abort(r, r.xlate(translated(kPa, 4)));
    expect_silent_abort(r, r.xlate(translated(kPa, 0x1000)));
    r.mem.add_abort(r.ste_pa(5), r.ste_pa(5) + 63);
    expect_silent_abort(r, r.xlate(translated(kPa, 5)));
}

TEST(AtsTranslated, FullAtsPasses)
{
    Rig r;
    S1Stream st(r, 4); // EATS 0b01
    st.commit();
    smmu_xlate_t x = r.xlate(translated(kPa + 0x8, 4, true));
    EXPECT_EQ(x.status, SMMU_XLATE_BYPASS) << describe(x);
    EXPECT_EQ(x.pa, kPa + 0x8);
    EXPECT_TRUE(r.events().empty());
    smmu_stats_t s;
    smmu_stats_get(r.s, &s);
    EXPECT_EQ(s.ats_translated, 1u);
}

TEST(AtsTranslated, SplitStageTranslatesTheIpaAtStage2)
{
    Rig r;
    NestedStream st(r, 4);
    st.ste.eats = 0b10;
    st.s2.map(kIpa, kPa);
    st.commit();
    smmu_xlate_t x = r.xlate(translated(kIpa + 0x30, 4, true));
    EXPECT_EQ(x.status, SMMU_XLATE_OK) << describe(x);
    EXPECT_EQ(x.pa, kPa + 0x30);
    EXPECT_TRUE(r.events().empty());
}

TEST(AtsTranslated, SplitStageFaultsAreRecordedAsStage2)
{
    // 3.9.1.3: a stage-2 fault of a Translated transaction is recorded as for an ordinary one
    Rig r;
    NestedStream st(r, 4);
    st.ste.eats = 0b10;
    st.commit();
    smmu_xlate_t x = r.xlate(translated(kIpa + 0x30, 4, false));
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT) << describe(x);
    Event e = one_event(r, evt::F_TRANSLATION);
    EXPECT_EQ(e.sid(), 4u);
    EXPECT_TRUE(e.s2());
    EXPECT_EQ(e.cls(), 2u); // CLASS IN
    EXPECT_EQ(e.ipa(), kIpa);
    EXPECT_EQ(e.input_addr(), kIpa + 0x30);
}

TEST(AtsTranslated, SplitStagePermissionFault)
{
    Rig r;
    NestedStream st(r, 4);
    st.ste.eats = 0b10;
    Leaf s2ro;
    s2ro.s2ap = 0b01;
    st.s2.map(kIpa, kPa, s2ro);
    st.commit();
    EXPECT_EQ(r.xlate(translated(kIpa, 4, false)).status, SMMU_XLATE_OK);
    smmu_xlate_t x = r.xlate(translated(kIpa, 4, true));
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT) << describe(x);
    Event e = one_event(r, 0x13); // F_PERMISSION
    EXPECT_TRUE(e.s2());
    EXPECT_FALSE(e.rnw());
}
