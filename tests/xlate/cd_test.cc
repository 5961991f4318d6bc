// SPDX-License-Identifier: Apache-2.0
// Context descriptors and SubstreamIDs.
// IHI 0070 5.2 (S1Fmt, S1CDMax, S1DSS, S1ContextPtr), 5.3 (L1CD), 5.4 (CD and its ILLEGAL
// conditions), 3.4.3 (out-of-range structure addresses), 7.3.7-7.3.11 (events).
#include <functional>
#include <map>
#include <tuple>
#include <vector>

#include "xlate_util.h"

using namespace xlt;

namespace {

constexpr uint64_t kVA = 0x1000;

uint64_t oa_of(uint32_t ssid)
{
    return UINT64_C(0x4000000000) + (uint64_t(ssid) << 12);
}

// A CD table of 2^n CDs in one of the S1Fmt layouts (5.2 S1Fmt, 5.3 L1CD).
struct CdTable {
    Rig& rig;
    unsigned fmt, n;
    uint64_t base = 0;
    std::map<uint32_t, uint64_t> l2;

    CdTable(Rig& r, unsigned fmt_, unsigned n_) : rig(r), fmt(fmt_), n(n_)
    {
        if (fmt == 0) {
            uint64_t bytes = UINT64_C(64) << n;
            base = rig.alloc().get(bytes, bytes);
        } else {
            unsigned leaf = fmt == 1 ? 6 : 10;
            unsigned l1 = n > leaf ? n - leaf : 0;
            uint64_t bytes = UINT64_C(8) << l1;
            base = rig.alloc().get(bytes, bytes < 64 ? 64 : bytes);
        }
    }
    unsigned leaf_bits() const { return fmt == 1 ? 6 : 10; }
    uint64_t l1_pa(uint32_t ssid) const { return base + 8 * (ssid >> leaf_bits()); }
    uint64_t cd_pa(uint32_t ssid)
    {
        if (fmt == 0)
            return base + UINT64_C(64) * ssid;
        uint32_t i = ssid >> leaf_bits();
        if (!l2.count(i)) {
            uint64_t bytes = UINT64_C(64) << leaf_bits();
            l2[i] = rig.alloc().get(bytes, bytes);
            rig.mem().write64(l1_pa(ssid), l1cd(true, l2[i]));
        }
        return l2[i] + UINT64_C(64) * (ssid & ((1u << leaf_bits()) - 1));
    }
    // A CD whose tables map kVA to oa_of(ssid)
    void add(uint32_t ssid)
    {
        PageTable pt(rig.mem(), rig.alloc(), 1, 12, 39);
        pt.map(kVA, oa_of(ssid), 3);
        Cd cd;
        cd.ttb0 = pt.root();
        cd.asid = ssid & 0xFFFF;
        rig.write_cd(cd_pa(ssid), cd);
    }
    Ste ste(unsigned s1dss = 0) const
    {
        Ste s;
        s.config = 0b101;
        s.s1fmt = fmt;
        s.s1cdmax = n;
        s.s1dss = s1dss;
        s.s1_context_ptr = base;
        return s;
    }
};

using FmtParam = std::tuple<unsigned /*fmt*/, unsigned /*n*/, std::vector<uint32_t>>;

class CdFormats : public ::testing::TestWithParam<FmtParam> {};

TEST_P(CdFormats, EachSubstreamUsesItsOwnCd)
{
    auto [fmt, n, ssids] = GetParam();
    Rig rig;
    CdTable t(rig, fmt, n);
    for (uint32_t id : ssids)
        t.add(id);
    rig.set_ste(1, t.ste());
    for (uint32_t id : ssids) {
        smmu_xlate_t x = rig.xlate(Txn(kVA + 0x10).ss(id));
        EXPECT_TRUE(Translated(x, oa_of(id) + 0x10)) << "ssid " << id;
    }
    expect_no_events(rig);
}

class CdRange : public ::testing::TestWithParam<FmtParam> {};

TEST_P(CdRange, SubstreamIdAtOrAbove2PowS1CdMaxIsBadSubstream)
{
    // 5.2 S1CDMax: SSID >= 2^S1CDMax: abort and C_BAD_SUBSTREAMID (7.3.8: SSID recorded)
    auto [fmt, n, ssids] = GetParam();
    Rig rig;
    CdTable t(rig, fmt, n);
    t.add(0);
    rig.set_ste(1, t.ste());
    uint32_t bad = 1u << n;
    smmu_xlate_t x = rig.xlate(Txn(kVA).ss(bad));
    Event e = expect_fault(rig, x, evt::C_BAD_SUBSTREAMID);
    EXPECT_EQ(e.ssid(), bad);
    EXPECT_EQ(e.sid(), 1u);
}

std::string fmt_name(const ::testing::TestParamInfo<FmtParam>& i)
{
    auto [fmt, n, ids] = i.param;
    static const char* f[] = {"Linear", "TwoLevel4K", "TwoLevel64K"};
    return std::string(f[fmt]) + "_S1CDMax" + std::to_string(n);
}

INSTANTIATE_TEST_SUITE_P(
    Layouts, CdFormats,
    ::testing::Values(FmtParam{0, 1, {0, 1}}, FmtParam{0, 4, {0, 1, 15}},
                      FmtParam{0, 8, {0, 200, 255}}, FmtParam{1, 6, {0, 63}},
                      FmtParam{1, 10, {0, 63, 64, 1000, 1023}},
                      FmtParam{1, 20, {0, 0x12345, 0xFFFFF}}, FmtParam{2, 10, {0, 1023}},
                      FmtParam{2, 12, {0, 1023, 1024, 4095}},
                      FmtParam{2, 20, {0x400, 0xFFFFF}}),
    fmt_name);
INSTANTIATE_TEST_SUITE_P(
    Layouts, CdRange,
    ::testing::Values(FmtParam{0, 1, {}}, FmtParam{0, 4, {}}, FmtParam{0, 8, {}},
                      FmtParam{1, 6, {}}, FmtParam{1, 10, {}}, FmtParam{1, 19, {}},
                      FmtParam{2, 10, {}}, FmtParam{2, 12, {}}, FmtParam{2, 19, {}}),
    fmt_name);

TEST(CdFormat, ReservedS1FmtBehavesAsLinear)
{
    // 5.2 S1Fmt 0b11: Reserved, behaves as 0b00
    Rig rig;
    CdTable t(rig, 0, 4);
    t.add(5);
    Ste s = t.ste();
    s.s1fmt = 3;
    rig.set_ste(1, s);
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA).ss(5)), oa_of(5)));
}

TEST(CdSubstream, SubstreamWithS1CdMaxZeroIsBadSubstream)
{
    // 5.2 S1CDMax == 0: a transaction with SSV == 1 gets C_BAD_SUBSTREAMID
    Rig rig;
    S1 s(rig, 12, 25);
    s.commit();
    s.pt.map(kVA, 0x9000, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA)), 0x9000));
    smmu_xlate_t x = rig.xlate(Txn(kVA).ss(0));
    Event e = expect_fault(rig, x, evt::C_BAD_SUBSTREAMID);
    EXPECT_EQ(e.ssid(), 0u);
}

TEST(CdSubstream, WithoutSubstreamSupportS1CdMaxIsIgnored)
{
    // 5.2 S1CDMax / S1Fmt / S1DSS: IGNORED when IDR1.SSIDSIZE == 0; S1ContextPtr is one CD;
    // a transaction with a SubstreamID is C_BAD_SUBSTREAMID
    smmu_config_t c = config_nocache();
    c.ssidsize = 0;
    c.pri = false;
    Rig rig(c);
    S1 s(rig, 12, 25);
    s.ste.s1cdmax = 5;
    s.ste.s1fmt = 1;
    s.commit();
    s.pt.map(kVA, 0x9000, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA)), 0x9000));
    smmu_xlate_t x = rig.xlate(Txn(kVA).ss(1));
    expect_fault(rig, x, evt::C_BAD_SUBSTREAMID);
}

TEST(CdSubstream, InvalidL1cdIsBadSubstream)
{
    // 5.3 L1CD.V == 0 -> C_BAD_SUBSTREAMID
    Rig rig;
    CdTable t(rig, 1, 10);
    t.add(64);
    rig.set_ste(1, t.ste());
    smmu_xlate_t x = rig.xlate(Txn(kVA).ss(200));  // L1CD #3 is zero
    Event e = expect_fault(rig, x, evt::C_BAD_SUBSTREAMID);
    EXPECT_EQ(e.ssid(), 200u);
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA).ss(64)), oa_of(64)));
}

TEST(CdSubstream, L1cdPointerBeyondOasIsBadSubstream)
{
    // 3.4.3 (3): SMMUv3.1+ generates C_BAD_SUBSTREAMID for an L1CD.L2Ptr beyond the OAS
    Rig rig;
    CdTable t(rig, 1, 10);
    rig.set_ste(1, t.ste());
    rig.mem().write64(t.l1_pa(70), l1cd(true, UINT64_C(1) << 48));
    smmu_xlate_t x = rig.xlate(Txn(kVA).ss(70));
    expect_fault(rig, x, evt::C_BAD_SUBSTREAMID);
}

// ------------------------------------------------------------------------------------------
// S1DSS: transactions without a SubstreamID when S1CDMax > 0 (5.2)
// ------------------------------------------------------------------------------------------

TEST(S1dss, TerminateRecordsStreamDisabled)
{
    // 0b00: abort and F_STREAM_DISABLED (7.3.7)
    Rig rig;
    CdTable t(rig, 0, 3);
    t.add(0);
    rig.set_ste(1, t.ste(0));
    smmu_xlate_t x = rig.xlate(Txn(kVA));
    Event e = expect_fault(rig, x, evt::F_STREAM_DISABLED);
    EXPECT_EQ(e.sid(), 1u);
    // SubstreamID 0 is an ordinary substream with S1DSS 0b00
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA).ss(0)), oa_of(0)));
}

TEST(S1dss, ReservedValueBehavesAsTerminate)
{
    Rig rig;
    CdTable t(rig, 0, 3);
    t.add(0);
    rig.set_ste(1, t.ste(3));
    smmu_xlate_t x = rig.xlate(Txn(kVA));
    expect_fault(rig, x, evt::F_STREAM_DISABLED);
}

TEST(S1dss, BypassSkipsStage1)
{
    // 0b01: bypass stage 1 as though Config == 0b1x0; no CD is fetched
    Rig rig;
    CdTable t(rig, 0, 3);
    rig.set_ste(1, t.ste(1));  // all CDs invalid: a CD fetch would give C_BAD_CD
    smmu_xlate_t x = rig.xlate(Txn(UINT64_C(0x123456789)));
    EXPECT_TRUE(x.status == SMMU_XLATE_BYPASS || x.status == SMMU_XLATE_OK) << describe(x);
    EXPECT_EQ(x.pa, UINT64_C(0x123456789));
    expect_no_events(rig);
}

TEST(S1dss, SubstreamZeroCdServesNonSubstreamTraffic)
{
    // 0b10: non-substream traffic uses CD 0; substream 0 is then terminated with
    // F_STREAM_DISABLED
    Rig rig;
    CdTable t(rig, 0, 3);
    t.add(0);
    t.add(2);
    rig.set_ste(1, t.ste(2));
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA)), oa_of(0)));
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA).ss(2)), oa_of(2)));
    smmu_xlate_t x = rig.xlate(Txn(kVA).ss(0));
    expect_fault(rig, x, evt::F_STREAM_DISABLED);
}

// ------------------------------------------------------------------------------------------
// F_CD_FETCH (7.3.10)
// ------------------------------------------------------------------------------------------

TEST(CdFetch, AbortingCdIsCdFetchFault)
{
    Rig rig;
    CdTable t(rig, 0, 4);
    t.add(9);
    rig.set_ste(1, t.ste());
    uint64_t pa = t.cd_pa(9);
    rig.mem().add_abort(pa + 32, pa + 39);
    smmu_xlate_t x = rig.xlate(Txn(kVA).ss(9));
    Event e = expect_fault(rig, x, evt::F_CD_FETCH);
    EXPECT_EQ(e.fetch_addr(), pa);
    EXPECT_TRUE(e.ssv());
    EXPECT_EQ(e.ssid(), 9u);
}

TEST(CdFetch, AbortingL1cdIsCdFetchFault)
{
    Rig rig;
    CdTable t(rig, 2, 12);
    t.add(2048);
    rig.set_ste(1, t.ste());
    uint64_t l1 = t.l1_pa(2048);
    rig.mem().add_abort(l1, l1 + 7);
    smmu_xlate_t x = rig.xlate(Txn(kVA).ss(2048));
    Event e = expect_fault(rig, x, evt::F_CD_FETCH);
    EXPECT_EQ(e.fetch_addr(), l1);
}

TEST(CdFetch, SingleCdAbort)
{
    Rig rig;
    Cd cd;
    uint64_t pa = rig.s1_stream(4, cd);
    rig.mem().add_abort(pa, pa + 63);
    smmu_xlate_t x = rig.xlate(Txn(kVA, 4));
    Event e = expect_fault(rig, x, evt::F_CD_FETCH);
    EXPECT_EQ(e.fetch_addr(), pa);
    EXPECT_EQ(e.sid(), 4u);
    EXPECT_FALSE(e.ssv());
}

// ------------------------------------------------------------------------------------------
// ILLEGAL CDs -> C_BAD_CD (5.4; reference 4.4). Each case first translates with the legal
// form.
// ------------------------------------------------------------------------------------------

struct CdCase {
    const char* name;
    std::function<void(smmu_config_t&)> cfg;
    std::function<void(Cd&, Ste&)> base;
    std::function<void(Cd&, Ste&)> bad;
};

class CdIllegal : public ::testing::TestWithParam<CdCase> {};

TEST_P(CdIllegal, IsBadCd)
{
    const CdCase& c = GetParam();
    smmu_config_t cfg = config_nocache();
    if (c.cfg)
        c.cfg(cfg);
    Rig rig(cfg);
    S1 s(rig, 12, 25);
    PageTable pt1(rig.mem(), rig.alloc(), 1, 12, 39);
    s.pt.map(kVA, 0x9000, 3);
    s.cd.t1sz = 25;
    s.cd.tg1 = tg1_of(12);
    s.cd.ttb1 = pt1.root();
    if (c.base)
        c.base(s.cd, s.ste);
    s.commit();
    smmu_xlate_t x = rig.xlate(Txn(kVA));
    ASSERT_TRUE(Translated(x, 0x9000)) << "legal form";
    c.bad(s.cd, s.ste);
    s.commit();
    x = rig.xlate(Txn(kVA));
    Event e = expect_fault(rig, x, evt::C_BAD_CD);
    EXPECT_EQ(e.sid(), 1u);
}

std::vector<CdCase> cd_cases()
{
    std::vector<CdCase> v;
    v.push_back({"V_zero", nullptr, nullptr, [](Cd& c, Ste&) { c.v = false; }});
    v.push_back({"TG0_reserved", nullptr, nullptr, [](Cd& c, Ste&) { c.tg0 = 3; }});
    v.push_back({"TG0_unsupported_granule", [](smmu_config_t& k) { k.gran16k = false; },
                 nullptr, [](Cd& c, Ste&) { c.tg0 = tg0_of(14); }});
    v.push_back({"T0SZ_above_39", nullptr, nullptr, [](Cd& c, Ste&) { c.t0sz = 40; }});
    v.push_back({"T0SZ_below_16", nullptr, nullptr, [](Cd& c, Ste&) { c.t0sz = 15; }});
    v.push_back({"AA64_zero", nullptr, nullptr, [](Cd& c, Ste&) { c.aa64 = false; }});
    v.push_back({"HA_without_HTTU", [](smmu_config_t& k) { k.httu = 0; }, nullptr,
                 [](Cd& c, Ste&) { c.ha = true; }});
    v.push_back({"HD_with_HTTU_AF_only", [](smmu_config_t& k) { k.httu = 1; },
                 [](Cd& c, Ste&) { c.ha = true; }, [](Cd& c, Ste&) { c.hd = true; }});
    v.push_back({"A_zero_with_TERM_MODEL_1", [](smmu_config_t& k) { k.term_model = 1; },
                 nullptr, [](Cd& c, Ste&) { c.a = false; }});
    v.push_back({"TTB0_beyond_IPS", nullptr, [](Cd& c, Ste&) { c.ips = 0; },
                 [](Cd& c, Ste&) { c.ttb0 = UINT64_C(0x100000000); }});
    v.push_back({"TG1_reserved_with_EPD1_zero", nullptr, [](Cd& c, Ste&) { c.epd1 = false; },
                 [](Cd& c, Ste&) { c.tg1 = 0; }});
    v.push_back({"T1SZ_out_of_range_with_EPD1_zero", nullptr,
                 [](Cd& c, Ste&) { c.epd1 = false; }, [](Cd& c, Ste&) { c.t1sz = 45; }});
    v.push_back({"TTB1_beyond_IPS_with_EPD1_zero", nullptr,
                 [](Cd& c, Ste&) { c.epd1 = false; c.ips = 0; },
                 [](Cd& c, Ste&) { c.ttb1 = UINT64_C(0x100000000); }});
    v.push_back({"ENDI_big_with_little_endian_only", [](smmu_config_t& k) { k.ttendian = 2; },
                 nullptr, [](Cd& c, Ste&) { c.endi = true; }});
    v.push_back({"S_with_terminate_only_stall_model",
                 [](smmu_config_t& k) { k.stall_model = 1; }, nullptr,
                 [](Cd& c, Ste&) { c.s = true; }});
    v.push_back({"S_with_S1STALLD", nullptr, [](Cd&, Ste& s) { s.s1stalld = true; },
                 [](Cd& c, Ste&) { c.s = true; }});
    v.push_back({"S_zero_with_stall_forced", [](smmu_config_t& k) { k.stall_model = 2; },
                 [](Cd& c, Ste&) { c.s = true; }, [](Cd& c, Ste&) { c.s = false; }});
    v.push_back({"ASID_high_byte_without_ASID16", [](smmu_config_t& k) { k.asid16 = false; },
                 [](Cd& c, Ste&) { c.asid = 0xFF; }, [](Cd& c, Ste&) { c.asid = 0x100; }});
    return v;
}

INSTANTIATE_TEST_SUITE_P(Cases, CdIllegal, ::testing::ValuesIn(cd_cases()),
                         [](const ::testing::TestParamInfo<CdCase>& i) { return i.param.name; });

TEST(CdIgnored, Ttb1FieldsAreIgnoredWhenEpd1)
{
    // 5.4: T1SZ, TG1, TTB1 are IGNORED when EPD1 == 1
    Rig rig;
    S1 s(rig, 12, 25);
    s.cd.epd1 = true;
    s.cd.tg1 = 0;
    s.cd.t1sz = 63;
    s.cd.ttb1 = UINT64_C(0xFFFFFFFFFFF0);
    s.commit();
    s.pt.map(kVA, 0x9000, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(kVA)), 0x9000));
}

TEST(CdIgnored, Ttb0FieldsAreIgnoredWhenEpd0)
{
    // 5.4: T0SZ, TG0, TTB0 are IGNORED when EPD0 == 1
    Rig rig;
    S1 s(rig, 12, 25);
    PageTable pt1(rig.mem(), rig.alloc(), 1, 12, 39);
    s.cd.epd0 = true;
    s.cd.tg0 = 3;
    s.cd.t0sz = 63;
    s.cd.epd1 = false;
    s.cd.t1sz = 25;
    s.cd.tg1 = tg1_of(12);
    s.cd.ttb1 = pt1.root();
    s.commit();
    uint64_t hi = UINT64_C(0xFFFFFF8000001000);
    pt1.map(hi, 0x9000, 3);
    EXPECT_TRUE(Translated(rig.xlate(Txn(hi)), 0x9000));
}

TEST(CdIgnored, HdWithoutHaIsNotIllegal)
{
    // 5.4 HA: {HD, HA} == 0b10 is Reserved; if HD == 1 is not ILLEGAL it behaves as 0b00
    Rig rig;
    S1 s(rig, 12, 25);
    s.cd.hd = true;
    s.cd.ha = false;
    s.commit();
    Leaf a;
    a.af = false;
    uint64_t dpa = s.pt.map(kVA, 0x9000, 3, a);
    uint64_t before = rig.mem().read64(dpa);
    smmu_xlate_t x = rig.xlate(Txn(kVA));
    expect_s1_fault(rig, x, evt::F_ACCESS, kVA);  // no AF update: HTTU disabled
    EXPECT_EQ(rig.mem().read64(dpa), before);
}

}  // namespace
