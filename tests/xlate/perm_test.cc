// SPDX-License-Identifier: Apache-2.0
// Stage-1 Direct permissions: AP[2:1], APTable, HADx, UXN/PXN and their table forms, WXN,
// PAN, and the rule that writes are always Data accesses.
// DDI 0487 D8.4.1 (Tables D8-63, D8-64, rules RVWLLR, RSYMMB, RFYMXJ); IHI 0070 5.4 (WXN, PAN,
// HAD0/HAD1), 13.1 (writes are Data).
#include "xlate_util.h"

using namespace xlt;

namespace {

constexpr uint64_t kVA = UINT64_C(0x40201000);
constexpr uint64_t kOA = UINT64_C(0x7700000000);

struct PermCase {
    const char* name;
    unsigned ap;
    bool uxn = false, pxn = false;
    TableAttrs tbl = {};   // on the level-1 Table descriptor
    TableAttrs tbl2 = {};  // on the level-2 Table descriptor
    bool had0 = false, wxn = false, pan = false;
    bool priv = false, write = false, instr = false;
    bool ok = false;
};

class S1Perm : public ::testing::TestWithParam<PermCase> {};

TEST_P(S1Perm, Outcome)
{
    const PermCase& c = GetParam();
    Rig rig;
    S1 s(rig, 12, 25);  // 4K, start level 1: Table descriptors at levels 1 and 2
    s.cd.had0 = c.had0;
    s.cd.wxn = c.wxn;
    s.cd.pan = c.pan;
    s.commit();
    Leaf a;
    a.ap = c.ap;
    a.uxn = c.uxn;
    a.pxn = c.pxn;
    s.pt.map(kVA, kOA, 3, a);
    s.pt.table_attrs(kVA, 1, c.tbl);
    s.pt.table_attrs(kVA, 2, c.tbl2);
    Txn t(kVA + 0x44);
    t.p(c.priv).w(c.write).x(c.instr);
    smmu_xlate_t x = rig.xlate(t);
    if (c.ok) {
        EXPECT_TRUE(Translated(x, kOA + 0x44));
        expect_no_events(rig);
    } else {
        Event e = expect_s1_fault(rig, x, evt::F_PERMISSION, kVA + 0x44);
        // 7.3: RnW, PnU, InD (InD == 0 when RnW == 0)
        EXPECT_EQ(e.rnw(), !c.write);
        EXPECT_EQ(e.pnu(), c.priv);
        EXPECT_EQ(e.ind(), c.instr && !c.write);
    }
}

TEST_P(S1Perm, OutcomeWithWarmCaches)
{
    // The same check when the translation is already cached (after other accesses to the
    // page succeeded): a cached entry must carry the permissions, not the last access's
    const PermCase& c = GetParam();
    Rig rig(smmu_config_default());
    S1 s(rig, 12, 25);
    s.cd.had0 = c.had0;
    s.cd.wxn = c.wxn;
    s.cd.pan = c.pan;
    s.commit();
    Leaf a;
    a.ap = c.ap;
    a.uxn = c.uxn;
    a.pxn = c.pxn;
    s.pt.map(kVA, kOA, 3, a);
    s.pt.table_attrs(kVA, 1, c.tbl);
    s.pt.table_attrs(kVA, 2, c.tbl2);
    for (int priv = 0; priv < 2; priv++)
        for (int kind = 0; kind < 3; kind++) {
            Txn w(kVA + 0x80);
            w.p(priv).w(kind == 1).x(kind == 2);
            rig.xlate(w);
        }
    rig.events();
    Txn t(kVA + 0x44);
    t.p(c.priv).w(c.write).x(c.instr);
    smmu_xlate_t x = rig.xlate(t);
    if (c.ok) {
        EXPECT_TRUE(Translated(x, kOA + 0x44));
        expect_no_events(rig);
    } else {
        expect_s1_fault(rig, x, evt::F_PERMISSION, kVA + 0x44);
    }
}

std::vector<PermCase> ap_matrix()
{
    // D8.4.1.2.1 Table D8-63: 00 PrivRW; 01 PrivRW+UnprivRW; 10 PrivR; 11 PrivR+UnprivR
    static const char* names[4][2][2] = {
        {{"AP00_unpriv_read", "AP00_unpriv_write"}, {"AP00_priv_read", "AP00_priv_write"}},
        {{"AP01_unpriv_read", "AP01_unpriv_write"}, {"AP01_priv_read", "AP01_priv_write"}},
        {{"AP10_unpriv_read", "AP10_unpriv_write"}, {"AP10_priv_read", "AP10_priv_write"}},
        {{"AP11_unpriv_read", "AP11_unpriv_write"}, {"AP11_priv_read", "AP11_priv_write"}}};
    std::vector<PermCase> v;
    for (unsigned ap = 0; ap < 4; ap++)
        for (int priv = 0; priv < 2; priv++)
            for (int wr = 0; wr < 2; wr++) {
                PermCase c;
                c.name = names[ap][priv][wr];
                c.ap = ap;
                c.priv = priv;
                c.write = wr;
                bool r = priv ? true : (ap & 1);
                bool w = !(ap & 2) && (priv || (ap & 1));
                c.ok = wr ? w : r;
                v.push_back(c);
            }
    return v;
}

PermCase mk(const char* name, unsigned ap, bool priv, bool write, bool instr, bool ok)
{
    PermCase c;
    c.name = name;
    c.ap = ap;
    c.priv = priv;
    c.write = write;
    c.instr = instr;
    c.ok = ok;
    return c;
}

std::vector<PermCase> hierarchical()
{
    std::vector<PermCase> v;
    // Table D8-64: APTable 01 removes unprivileged access; 10 removes writes; 11 both
    PermCase c = mk("APTable01_unpriv_read", 1, false, false, false, false);
    c.tbl.ap_table = 1;
    v.push_back(c);
    c = mk("APTable01_priv_write", 1, true, true, false, true);
    c.tbl.ap_table = 1;
    v.push_back(c);
    c = mk("APTable10_priv_write", 1, true, true, false, false);
    c.tbl.ap_table = 2;
    v.push_back(c);
    c = mk("APTable10_unpriv_write", 1, false, true, false, false);
    c.tbl.ap_table = 2;
    v.push_back(c);
    c = mk("APTable10_unpriv_read", 1, false, false, false, true);
    c.tbl.ap_table = 2;
    v.push_back(c);
    c = mk("APTable11_priv_read", 1, true, false, false, true);
    c.tbl.ap_table = 3;
    v.push_back(c);
    c = mk("APTable11_unpriv_read", 1, false, false, false, false);
    c.tbl.ap_table = 3;
    v.push_back(c);
    c = mk("APTable10_at_level2_priv_write", 0, true, true, false, false);
    c.tbl2.ap_table = 2;
    v.push_back(c);
    // IHI 0070 5.4 HAD0: APTable, PXNTable, UXNTable of TTB0 walks are IGNORED
    c = mk("HAD0_ignores_APTable", 1, false, true, false, true);
    c.tbl.ap_table = 3;
    c.had0 = true;
    v.push_back(c);
    c = mk("HAD0_ignores_UXNTable", 3, false, false, true, true);
    c.tbl.uxn_table = true;
    c.had0 = true;
    v.push_back(c);
    c = mk("HAD0_ignores_PXNTable", 3, true, false, true, true);
    c.tbl.pxn_table = true;
    c.had0 = true;
    v.push_back(c);
    return v;
}

std::vector<PermCase> execute()
{
    std::vector<PermCase> v;
    // D8.4.1.2.3: UXN removes UnprivExecute, PXN removes PrivExecute
    PermCase c = mk("UXN_unpriv_instr", 3, false, false, true, false);
    c.uxn = true;
    v.push_back(c);
    c = mk("UXN_priv_instr", 3, true, false, true, true);
    c.uxn = true;
    v.push_back(c);
    c = mk("PXN_priv_instr", 3, true, false, true, false);
    c.pxn = true;
    v.push_back(c);
    c = mk("PXN_unpriv_instr", 3, false, false, true, true);
    c.pxn = true;
    v.push_back(c);
    c = mk("UXNTable_unpriv_instr", 3, false, false, true, false);
    c.tbl.uxn_table = true;
    v.push_back(c);
    c = mk("UXNTable_priv_instr", 3, true, false, true, true);
    c.tbl.uxn_table = true;
    v.push_back(c);
    c = mk("PXNTable_priv_instr", 3, true, false, true, false);
    c.tbl2.pxn_table = true;
    v.push_back(c);
    c = mk("PXNTable_unpriv_instr", 3, false, false, true, true);
    c.tbl2.pxn_table = true;
    v.push_back(c);
    // Execute needs no data permission: AP 00 with UXN 0 is execute-only at EL0
    v.push_back(mk("AP00_unpriv_instr_execute_only", 0, false, false, true, true));
    v.push_back(mk("AP00_priv_instr", 0, true, false, true, true));
    v.push_back(mk("AP10_priv_instr", 2, true, false, true, true));
    // RVWLLR: if UnprivWrite is present, PrivExecute is removed
    v.push_back(mk("AP01_priv_instr_unpriv_writable", 1, true, false, true, false));
    v.push_back(mk("AP01_unpriv_instr", 1, false, false, true, true));
    // WXN (IHI 0070 5.4; RSYMMB / RFYMXJ): writable pages are not executable
    c = mk("WXN_AP01_unpriv_instr", 1, false, false, true, false);
    c.wxn = true;
    v.push_back(c);
    c = mk("WXN_AP00_priv_instr", 0, true, false, true, false);
    c.wxn = true;
    v.push_back(c);
    c = mk("WXN_AP10_priv_instr", 2, true, false, true, true);
    c.wxn = true;
    v.push_back(c);
    c = mk("WXN_AP11_unpriv_instr", 3, false, false, true, true);
    c.wxn = true;
    v.push_back(c);
    c = mk("WXN_AP00_unpriv_instr", 0, false, false, true, true);  // not UnprivWrite
    c.wxn = true;
    v.push_back(c);
    c = mk("WXN_APTable10_priv_instr", 0, true, false, true, true);  // made read-only
    c.wxn = true;
    c.tbl.ap_table = 2;
    v.push_back(c);
    // IHI 0070 13.1: writes are always Data, InD is ignored for writes
    c = mk("write_with_InD_is_data", 1, false, true, true, true);
    c.uxn = c.pxn = true;
    v.push_back(c);
    c = mk("write_with_InD_faults_as_data", 3, false, true, true, false);
    v.push_back(c);
    return v;
}

std::vector<PermCase> pan()
{
    std::vector<PermCase> v;
    // IHI 0070 5.4 PAN: privileged data access to a page with unprivileged access permitted
    PermCase c = mk("PAN_AP01_priv_read", 1, true, false, false, false);
    c.pan = true;
    v.push_back(c);
    c = mk("PAN_AP01_priv_write", 1, true, true, false, false);
    c.pan = true;
    v.push_back(c);
    c = mk("PAN_AP11_priv_read", 3, true, false, false, false);
    c.pan = true;
    v.push_back(c);
    c = mk("PAN_AP00_priv_read", 0, true, false, false, true);
    c.pan = true;
    v.push_back(c);
    c = mk("PAN_AP10_priv_write", 2, true, true, false, false);  // read-only anyway
    c.pan = true;
    v.push_back(c);
    c = mk("PAN_AP01_unpriv_write", 1, false, true, false, true);
    c.pan = true;
    v.push_back(c);
    c = mk("PAN_AP11_priv_instr_not_data", 3, true, false, true, true);
    c.pan = true;
    v.push_back(c);
    c = mk("PAN_APTable01_removes_unpriv_so_priv_read_ok", 1, true, false, false, true);
    c.pan = true;
    c.tbl.ap_table = 1;
    v.push_back(c);
    return v;
}

std::string perm_name(const ::testing::TestParamInfo<PermCase>& i)
{
    return i.param.name;
}

INSTANTIATE_TEST_SUITE_P(AP, S1Perm, ::testing::ValuesIn(ap_matrix()), perm_name);
INSTANTIATE_TEST_SUITE_P(Hierarchical, S1Perm, ::testing::ValuesIn(hierarchical()), perm_name);
INSTANTIATE_TEST_SUITE_P(Execute, S1Perm, ::testing::ValuesIn(execute()), perm_name);
INSTANTIATE_TEST_SUITE_P(PAN, S1Perm, ::testing::ValuesIn(pan()), perm_name);

TEST(S1PermTtb1, Had1DisablesHierarchicalAttributesOfTtb1Only)
{
    // IHI 0070 5.4 HAD1 affects walks through TTB1 only
    Rig rig;
    S1 s(rig, 12, 25);
    PageTable pt1(rig.mem(), rig.alloc(), 1, 12, 39);
    s.cd.epd1 = false;
    s.cd.t1sz = 25;
    s.cd.tg1 = tg1_of(12);
    s.cd.ttb1 = pt1.root();
    s.cd.had1 = true;
    s.commit();
    uint64_t hi = UINT64_C(0xFFFFFF8040201000);
    s.pt.map(kVA, kOA, 3);
    pt1.map(hi, kOA + 0x1000, 3);
    TableAttrs ro;
    ro.ap_table = 2;  // remove write
    s.pt.table_attrs(kVA, 1, ro);
    pt1.table_attrs(hi, 1, ro);
    EXPECT_TRUE(Translated(rig.xlate(Txn(hi).w()), kOA + 0x1000));
    smmu_xlate_t x = rig.xlate(Txn(kVA).w());
    expect_s1_fault(rig, x, evt::F_PERMISSION, kVA);
}

TEST(S1PermResult, PermReportsTheRightsOfTheMapping)
{
    // smmu_xlate_t.perm: R/W/X granted to this stream for the whole mapping
    Rig rig;
    S1 s(rig, 12, 25);
    s.commit();
    Leaf a = Leaf::ro();  // AP 11: read at both levels, UXN 0
    s.pt.map(kVA, kOA, 3, a);
    smmu_xlate_t x = rig.xlate(Txn(kVA));
    ASSERT_TRUE(Translated(x, kOA));
    EXPECT_EQ(x.perm, SMMU_PERM_R | SMMU_PERM_X);
    a.ap = 1;
    a.uxn = true;
    s.pt.map(kVA, kOA, 3, a);
    x = rig.xlate(Txn(kVA));
    ASSERT_TRUE(Translated(x, kOA));
    EXPECT_EQ(x.perm, SMMU_PERM_R | SMMU_PERM_W);
}

}  // namespace
