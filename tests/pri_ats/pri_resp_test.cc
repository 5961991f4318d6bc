// SPDX-License-Identifier: Apache-2.0
// CMD_PRI_RESP (IHI 0070 4.5.2) and the PRG ResponseCodes it sends (8.3).
#include "pa_rig.h"

using namespace pa;

namespace {

struct RespCase {
    unsigned resp;
    uint8_t code;
};

class PriResp : public ::testing::TestWithParam<RespCase> {};

}  // namespace

TEST_P(PriResp, MapsRespToPcieResponseCode)
{
    // 4.5.2 / 8.3: 0b00 ResponseFailure (0b1111), 0b01 InvalidRequest (0b0001),
    // 0b10 Success (0b0000)
    Rig r;
    r.pri_resp(0x1234, 0x1A5, GetParam().resp);
    EXPECT_EQ(r.cmd_error(), 0u);
    ASSERT_EQ(r.mem.pri_resps.size(), 1u);
    const smmu_pri_resp_t& p = r.mem.pri_resps[0];
    EXPECT_EQ(p.stream_id, 0x1234u);
    EXPECT_EQ(p.prg_index, 0x1A5u);
    EXPECT_EQ(p.code, GetParam().code);
    EXPECT_FALSE(p.ssv);
}

INSTANTIATE_TEST_SUITE_P(Codes, PriResp,
                         ::testing::Values(RespCase{0b00, 0xF}, RespCase{0b01, 0x1},
                                           RespCase{0b10, 0x0}));

TEST(PriRespCmd, SsvCarriesThePasid)
{
    Rig r;
    r.pri_resp(7, 3, 0b10, true, 0xFEDCB);
    ASSERT_EQ(r.mem.pri_resps.size(), 1u);
    EXPECT_TRUE(r.mem.pri_resps[0].ssv);
    EXPECT_EQ(r.mem.pri_resps[0].substream_id, 0xFEDCBu);
}

TEST(PriRespCmd, ReservedRespIsIllegal)
{
    Rig r;
    uint32_t base = r.cmdq_cons();
    r.pri_resp(7, 3, 0b11);
    EXPECT_EQ(r.cmd_error(), CERROR_ILL);
    EXPECT_TRUE(r.mem.pri_resps.empty());
    EXPECT_EQ(r.cmdq_cons(), base); // CONS stays on the failing command
}

TEST(PriRespCmd, IgnoredWhileSmmuenZero)
{
    RigOptions o;
    o.enable = false;
    Rig r(default_config(), o);
    r.pri_resp(7, 3, 0b10);
    r.sync();
    EXPECT_EQ(r.cmd_error(), 0u);
    EXPECT_EQ(r.cmdq_cons(), r.rd32(reg::CMDQ_PROD) & 0x1FF);
    EXPECT_TRUE(r.mem.pri_resps.empty());
}

TEST(PriRespCmd, IllegalWithoutPri)
{
    smmu_config_t c = default_config();
    c.pri = false;
    Rig r(c);
    r.pri_resp(7, 3, 0b10);
    EXPECT_EQ(r.cmd_error(), CERROR_ILL);
    EXPECT_TRUE(r.mem.pri_resps.empty());
}

TEST(PriRespCmd, SsvWithoutPasidSupportBehavesAsSsvZero)
{
    // 4.5.2: CONSTRAINED UNPREDICTABLE; this model takes the first option
    smmu_config_t c = default_config();
    c.ssidsize = 0;
    Rig r(c);
    r.pri_resp(7, 3, 0b10, true, 0x5);
    EXPECT_EQ(r.cmd_error(), 0u);
    ASSERT_EQ(r.mem.pri_resps.size(), 1u);
    EXPECT_FALSE(r.mem.pri_resps[0].ssv);
    EXPECT_EQ(r.mem.pri_resps[0].substream_id, 0u);
}

TEST(PriRespCmd, AnswersARecordedGroup)
{
    // The driver view (8, 8.3): read the Last == 1 record, answer its group with the PASID
    // the record carries.
    Rig r;
    smmu_pri_req_t q = ppr(0x21, 0x40000000, 0x33, true);
    q.ssv = true;
    q.substream_id = 0x17;
    ASSERT_EQ(smmu_pri_request(r.s, &q), SMMU_OK);
    std::vector<PriRec> v = r.pri_records();
    ASSERT_EQ(v.size(), 1u);
    r.pri_resp(v[0].sid(), v[0].prgi(), 0b10, v[0].ssv(), v[0].ssid());
    ASSERT_EQ(r.mem.pri_resps.size(), 1u);
    EXPECT_EQ(r.mem.pri_resps[0].stream_id, 0x21u);
    EXPECT_EQ(r.mem.pri_resps[0].prg_index, 0x33u);
    EXPECT_EQ(r.mem.pri_resps[0].substream_id, 0x17u);
    EXPECT_TRUE(r.mem.pri_resps[0].ssv);
    EXPECT_EQ(r.mem.pri_resps[0].code, 0u);
}
