// SPDX-License-Identifier: Apache-2.0
// The PRI queue: record layout (IHI 0070 chapter 8), queue mechanics (3.5.1), interrupts
// (6.3.36 PRIQ_IRQ_CFG2.LO, 3.18), overflow and automatic responses (8.1), aborts and the
// disabled queue (8.2), ResponseCodes (8.3).
#include "pa_rig.h"

using namespace pa;

namespace {

constexpr uint8_t kSuccess = 0x0, kFailure = 0xF;

smmu_pri_req_t with_pasid(smmu_pri_req_t q, uint32_t ssid)
{
    q.ssv = true;
    q.substream_id = ssid;
    return q;
}

smmu_pri_req_t stop_marker(uint32_t sid, uint32_t ssid, unsigned prgi)
{
    // 8: a Stop PASID marker is a request with a PASID and {Last, W, R} == 0b100
    smmu_pri_req_t q = ppr(sid, 0, prgi, true);
    q.read = false;
    return with_pasid(q, ssid);
}

void request(Rig& r, const smmu_pri_req_t& q)
{
    ASSERT_EQ(smmu_pri_request(r.s, &q), SMMU_OK);
}

RigOptions small_queue(unsigned log2)
{
    RigOptions o;
    o.priq_log2 = log2;
    return o;
}

}  // namespace

// ------------------------------------------------------------------------------------------
// API status
// ------------------------------------------------------------------------------------------

TEST(PriApi, StatusCodes)
{
    Rig r;
    smmu_pri_req_t q = ppr(1, 0x1000, 1, true);
    EXPECT_EQ(smmu_pri_request(nullptr, &q), SMMU_E_INVAL);
    EXPECT_EQ(smmu_pri_request(r.s, nullptr), SMMU_E_INVAL);
    smmu_pri_req_t bad = q;
    bad.prg_index = 0x200; // PRGIndex is 9 bits
    EXPECT_EQ(smmu_pri_request(r.s, &bad), SMMU_E_INVAL);
    bad = with_pasid(q, 1u << 20); // a PASID is 20 bits
    EXPECT_EQ(smmu_pri_request(r.s, &bad), SMMU_E_INVAL);
    bad = q;
    bad.exec = true; // Exe and Priv travel in the PASID prefix (8, 13.7)
    EXPECT_EQ(smmu_pri_request(r.s, &bad), SMMU_E_INVAL);
    bad = q;
    bad.priv = true;
    EXPECT_EQ(smmu_pri_request(r.s, &bad), SMMU_E_INVAL);
    EXPECT_EQ(r.priq_writes(), 0u);
    EXPECT_TRUE(r.mem.pri_resps.empty());
}

TEST(PriApi, UnsupportedWithoutIdr0Pri)
{
    smmu_config_t c = default_config();
    c.pri = false;
    Rig r(c);
    EXPECT_EQ(r.rd32(reg::IDR0) & reg::IDR0_PRI, 0u);
    smmu_pri_req_t q = ppr(1, 0x1000, 1, true);
    EXPECT_EQ(smmu_pri_request(r.s, &q), SMMU_E_UNSUPPORTED);
}

// ------------------------------------------------------------------------------------------
// Record layout (chapter 8): literal dwords
// ------------------------------------------------------------------------------------------

TEST(PriRecord, LayoutWithPasidLiteral)
{
    Rig r;
    smmu_pri_req_t q = with_pasid(ppr(0x1234, UINT64_C(0x00007FFF12345ABC), 0x1A5, true), 0xABCDE);
    q.priv = q.exec = q.write = true;
    request(r, q);
    // StreamID [31:0], SubstreamID [51:32], Priv 58, X 59, R 60, W 61, Last 62, SSV 63,
    // PRGIndex [72:64], Page address [127:76] (address bits [11:0] are not recorded)
    EXPECT_EQ(r.mem.read64(r.priq_slot(0)), UINT64_C(0xFC0ABCDE00001234));
    EXPECT_EQ(r.mem.read64(r.priq_slot(0) + 8), UINT64_C(0x00007FFF123451A5));
    EXPECT_EQ(r.rd32(reg::PRIQ_PROD), 1u);
}

TEST(PriRecord, LayoutWithoutPasidLiteral)
{
    Rig r;
    smmu_pri_req_t q = ppr(7, UINT64_C(0xFFFFF00000001000), 3, false);
    q.substream_id = 0x55; // ignored: no PASID
    request(r, q);
    // SSV == 0: SubstreamID UNKNOWN (written 0), X and Priv 0; R set; Last 0
    EXPECT_EQ(r.mem.read64(r.priq_slot(0)), UINT64_C(0x1000000000000007));
    EXPECT_EQ(r.mem.read64(r.priq_slot(0) + 8), UINT64_C(0xFFFFF00000001003));
}

TEST(PriRecord, FieldsDecode)
{
    Rig r;
    smmu_pri_req_t q = with_pasid(ppr(0x42, 0x123456000, 0x1FF, false), 0x9);
    q.write = true;
    q.read = false;
    request(r, q);
    std::vector<PriRec> v = r.pri_records();
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].sid(), 0x42u);
    EXPECT_TRUE(v[0].ssv());
    EXPECT_EQ(v[0].ssid(), 0x9u);
    EXPECT_TRUE(v[0].write());
    EXPECT_FALSE(v[0].read());
    EXPECT_FALSE(v[0].last());
    EXPECT_EQ(v[0].prgi(), 0x1FFu);
    EXPECT_EQ(v[0].addr(), UINT64_C(0x123456000));
}

TEST(PriRecord, StopMarkerIsRecordedWhenTheQueueAcceptsIt)
{
    Rig r;
    request(r, stop_marker(3, 0x77, 12));
    std::vector<PriRec> v = r.pri_records();
    ASSERT_EQ(v.size(), 1u);
    EXPECT_TRUE(v[0].ssv());
    EXPECT_TRUE(v[0].last());
    EXPECT_FALSE(v[0].read());
    EXPECT_FALSE(v[0].write());
    EXPECT_TRUE(r.mem.pri_resps.empty()); // 8.2: the SMMU never answers Stop markers
}

TEST(PriRecord, PasidIgnoredWithoutSubstreamSupport)
{
    // 8: SSV is 0 when Substreams are not supported; X and Priv are then 0 too
    smmu_config_t c = default_config();
    c.ssidsize = 0;
    Rig r(c);
    smmu_pri_req_t q = with_pasid(ppr(2, 0x5000, 4, true), 0x33);
    q.exec = q.priv = true;
    request(r, q);
    std::vector<PriRec> v = r.pri_records();
    ASSERT_EQ(v.size(), 1u);
    EXPECT_FALSE(v[0].ssv());
    EXPECT_EQ(v[0].ssid(), 0u);
    EXPECT_FALSE(v[0].exec());
    EXPECT_FALSE(v[0].priv());
    EXPECT_TRUE(v[0].read());
}

// ------------------------------------------------------------------------------------------
// Queue mechanics (3.5.1)
// ------------------------------------------------------------------------------------------

TEST(PriQueue, WrapsAndTogglesTheWrapFlag)
{
    Rig r(default_config(), small_queue(2)); // 4 entries: WR [1:0], WR_WRAP [2]
    for (unsigned i = 0; i < 3; i++)
        request(r, ppr(1, 0x1000 * (i + 1), i, false));
    EXPECT_EQ(r.pri_records().size(), 3u);
    for (unsigned i = 3; i < 6; i++)
        request(r, ppr(1, 0x1000 * (i + 1), i, false));
    EXPECT_EQ(r.rd32(reg::PRIQ_PROD), 0b110u); // index 2, wrap flag 1
    EXPECT_EQ(r.slot(3).prgi(), 3u);
    EXPECT_EQ(r.slot(0).prgi(), 4u);
    EXPECT_EQ(r.slot(1).prgi(), 5u);
    std::vector<PriRec> v = r.pri_records();
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[0].prgi(), 3u);
    EXPECT_EQ(v[2].prgi(), 5u);
    EXPECT_EQ(r.rd32(reg::PRIQ_CONS), 0b110u);
    EXPECT_EQ(r.rd32(reg::PRIQ_PROD) & reg::OVFLG, 0u);
}

TEST(PriQueue, FillsToCapacityWithoutOverflow)
{
    Rig r(default_config(), small_queue(2));
    for (unsigned i = 0; i < 4; i++)
        request(r, ppr(1, 0x1000, i, true));
    EXPECT_EQ(r.rd32(reg::PRIQ_PROD), 0b100u); // full: same index, other wrap
    EXPECT_EQ(r.rd32(reg::PRIQ_PROD) & reg::OVFLG, 0u);
    EXPECT_TRUE(r.mem.pri_resps.empty());
}

TEST(PriQueue, Statistics)
{
    Rig r(default_config(), small_queue(0)); // one entry
    request(r, ppr(1, 0x1000, 1, false));
    request(r, ppr(1, 0x2000, 2, true)); // overflow: dropped
    smmu_stats_t st;
    smmu_stats_get(r.s, &st);
    EXPECT_EQ(st.pri_records, 1u);
    EXPECT_EQ(st.pri_dropped, 1u);
}

// ------------------------------------------------------------------------------------------
// Interrupts (6.3.36, 3.18)
// ------------------------------------------------------------------------------------------

TEST(PriIrq, Lo0SignalsEmptyToNonEmpty)
{
    Rig r;
    r.wr32(reg::IRQ_CTRL, reg::IRQ_PRIQ);
    request(r, ppr(1, 0x1000, 1, false));
    request(r, ppr(1, 0x2000, 1, true));
    EXPECT_EQ(r.mem.irq_pulses[SMMU_IRQ_PRIQ], 1u); // only the first record
    r.pri_records();                                 // queue empty again
    request(r, ppr(1, 0x3000, 2, false));
    EXPECT_EQ(r.mem.irq_pulses[SMMU_IRQ_PRIQ], 2u);
}

TEST(PriIrq, Lo1SignalsOnlyLastRecords)
{
    Rig r;
    r.wr32(reg::PRIQ_IRQ_CFG2, reg::PRIQ_IRQ_CFG2_LO);
    r.wr32(reg::IRQ_CTRL, reg::IRQ_PRIQ);
    request(r, ppr(1, 0x1000, 1, false)); // empty -> non-empty, but Last == 0
    EXPECT_EQ(r.mem.irq_pulses[SMMU_IRQ_PRIQ], 0u);
    request(r, ppr(1, 0x2000, 1, true));
    EXPECT_EQ(r.mem.irq_pulses[SMMU_IRQ_PRIQ], 1u);
    request(r, ppr(1, 0x3000, 2, true)); // queue not empty: still signalled
    EXPECT_EQ(r.mem.irq_pulses[SMMU_IRQ_PRIQ], 2u);
}

TEST(PriIrq, DisabledByIrqCtrl)
{
    Rig r;
    r.wr64(reg::PRIQ_IRQ_CFG0, 0x09000040);
    request(r, ppr(1, 0x1000, 1, true));
    EXPECT_EQ(r.mem.irq_pulses[SMMU_IRQ_PRIQ], 0u);
    EXPECT_TRUE(r.mem.msis().empty());
}

TEST(PriIrq, MsiCarriesCfg1Data)
{
    Rig r;
    r.wr64(reg::PRIQ_IRQ_CFG0, 0x09000040);   // ADDR [55:2]
    r.wr32(reg::PRIQ_IRQ_CFG1, 0xCAFE0001);   // DATA
    r.wr32(reg::PRIQ_IRQ_CFG2, (3u << 4) | 1); // SH = ISH, MemAttr = Device-nGnRE
    r.wr32(reg::IRQ_CTRL, reg::IRQ_PRIQ);
    request(r, ppr(1, 0x1000, 1, true));
    std::vector<smmu_test::MemWrite> m = r.mem.msis();
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].pa, UINT64_C(0x09000040));
    ASSERT_EQ(m[0].data.size(), 4u);
    EXPECT_EQ(r.mem.read32(0x09000040), 0xCAFE0001u); // little-endian 32-bit write
    EXPECT_EQ((r.rd32(reg::GERROR) ^ r.rd32(reg::GERRORN)) & reg::GERROR_MSI_PRIQ_ABT_ERR, 0u);
}

TEST(PriIrq, AbortedMsiRaisesMsiPriqAbtErr)
{
    Rig r;
    r.wr64(reg::PRIQ_IRQ_CFG0, 0x09000040);
    r.wr32(reg::IRQ_CTRL, reg::IRQ_PRIQ);
    r.mem.add_abort(0x09000040, 0x09000043);
    request(r, ppr(1, 0x1000, 1, true));
    EXPECT_NE((r.rd32(reg::GERROR) ^ r.rd32(reg::GERRORN)) & reg::GERROR_MSI_PRIQ_ABT_ERR, 0u);
    EXPECT_EQ(r.pri_records().size(), 1u); // the record itself was written
}

// ------------------------------------------------------------------------------------------
// Overflow (8.1)
// ------------------------------------------------------------------------------------------

TEST(PriOverflow, NoWritesUntilAcknowledged)
{
    Rig r(default_config(), small_queue(1)); // two entries
    request(r, ppr(5, 0x1000, 1, false));
    request(r, ppr(5, 0x2000, 2, false));
    EXPECT_EQ(r.rd32(reg::PRIQ_PROD), 0b10u); // full
    // a PPR arriving at a full queue toggles OVFLG and is discarded; Last == 1: auto-response
    request(r, ppr(5, 0x3000, 3, true));
    EXPECT_EQ(r.rd32(reg::PRIQ_PROD), reg::OVFLG | 0b10u);
    ASSERT_EQ(r.mem.pri_resps.size(), 1u);
    EXPECT_EQ(r.mem.pri_resps[0].stream_id, 5u);
    EXPECT_EQ(r.mem.pri_resps[0].prg_index, 3u);
    EXPECT_EQ(r.mem.pri_resps[0].code, kSuccess);
    EXPECT_FALSE(r.mem.pri_resps[0].ssv);
    EXPECT_EQ(r.priq_writes(), 2u);
    // Last == 0: dropped silently
    request(r, ppr(5, 0x4000, 4, false));
    EXPECT_EQ(r.mem.pri_resps.size(), 1u);
    // software consumes the records but does not acknowledge: still no writes (unlike the
    // event queue, 7.4)
    EXPECT_EQ(r.pri_records().size(), 2u);
    request(r, ppr(5, 0x5000, 6, true));
    EXPECT_EQ(r.priq_writes(), 2u);
    ASSERT_EQ(r.mem.pri_resps.size(), 2u);
    EXPECT_EQ(r.mem.pri_resps[1].prg_index, 6u);
    // OVACKFLG = OVFLG: delivery resumes
    r.wr32(reg::PRIQ_CONS, reg::OVFLG | 0b10u);
    request(r, ppr(5, 0x6000, 7, false));
    EXPECT_EQ(r.priq_writes(), 3u);
    EXPECT_EQ(r.rd32(reg::PRIQ_PROD), reg::OVFLG | 0b11u); // OVFLG stays as toggled
    std::vector<PriRec> v = r.pri_records();
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].prgi(), 7u);
    EXPECT_EQ(r.mem.pri_resps.size(), 2u);
    smmu_stats_t st;
    smmu_stats_get(r.s, &st);
    EXPECT_EQ(st.pri_records, 3u);
    EXPECT_EQ(st.pri_dropped, 3u);
}

TEST(PriOverflow, SecondOverflowTogglesAgainAfterAck)
{
    Rig r(default_config(), small_queue(0)); // one entry
    request(r, ppr(1, 0x1000, 1, false));
    request(r, ppr(1, 0x2000, 2, false)); // overflow 1
    EXPECT_EQ(r.rd32(reg::PRIQ_PROD) & reg::OVFLG, reg::OVFLG);
    r.pri_records();
    r.wr32(reg::PRIQ_CONS, reg::OVFLG | 1); // acknowledge
    request(r, ppr(1, 0x3000, 3, false));   // written
    request(r, ppr(1, 0x4000, 4, false));   // overflow 2: OVFLG toggles back
    EXPECT_EQ(r.rd32(reg::PRIQ_PROD), 0u);  // OVFLG 0, WR index 0, wrap 0
    EXPECT_EQ(r.priq_writes(), 2u);
}

TEST(PriOverflow, StopMarkersAndLastZeroAreDroppedSilently)
{
    Rig r(default_config(), small_queue(0));
    request(r, ppr(1, 0x1000, 1, false));
    request(r, stop_marker(1, 0x10, 2));
    request(r, with_pasid(ppr(1, 0x2000, 3, false), 0x10));
    EXPECT_TRUE(r.mem.pri_resps.empty());
    EXPECT_EQ(r.rd32(reg::PRIQ_PROD) & reg::OVFLG, reg::OVFLG);
}

TEST(PriOverflow, Lo1InterruptForDiscardedLastMessage)
{
    // 6.3.36: with LO == 1, a Last == 1 message discarded because of overflow still
    // generates the interrupt
    Rig r(default_config(), small_queue(0));
    r.wr32(reg::PRIQ_IRQ_CFG2, reg::PRIQ_IRQ_CFG2_LO);
    r.wr32(reg::IRQ_CTRL, reg::IRQ_PRIQ);
    request(r, ppr(1, 0x1000, 1, false));
    EXPECT_EQ(r.mem.irq_pulses[SMMU_IRQ_PRIQ], 0u);
    request(r, ppr(1, 0x2000, 2, true));
    EXPECT_EQ(r.mem.irq_pulses[SMMU_IRQ_PRIQ], 1u);
    request(r, ppr(1, 0x3000, 3, false));
    EXPECT_EQ(r.mem.irq_pulses[SMMU_IRQ_PRIQ], 1u);
}

// Automatic responses with a PASID (8.1, 8.2)
struct AutoCase {
    const char* name;
    bool pps;
    int ste;          // 0 none/V == 0, 1 valid PPAR == 0, 2 valid PPAR == 1, 3 ILLEGAL,
                      // 4 fetch abort, 5 Config 0b000 with PPAR == 1, 6 SID out of range
    bool pasid;       // the request has a PASID
    uint8_t code;
    bool resp_pasid;
};

class PriAutoResponse : public ::testing::TestWithParam<AutoCase> {};

TEST_P(PriAutoResponse, FollowsPpsAndPpar)
{
    const AutoCase& k = GetParam();
    smmu_config_t c = default_config();
    c.pps = k.pps;
    Rig r(c, small_queue(0));
    EXPECT_EQ((r.rd32(reg::IDR3) & reg::IDR3_PPS) != 0, k.pps);
    uint32_t sid = k.ste == 6 ? 0x1000 : 9; // STRTAB_BASE_CFG.LOG2SIZE == 8
    Ste ste;
    ste.config = 0b100;
    switch (k.ste) {
    case 0: ste.v = false; break;
    case 1: break;
    case 2: ste.ppar = true; break;
    case 3: ste.config = 0b101; ste.eats = 0b10; ste.s1ctxptr = r.put_cd(Cd()); break;
    case 4: r.mem.add_abort(r.ste_pa(sid), r.ste_pa(sid) + 63); break;
    case 5: ste.config = 0b000; ste.ppar = true; break;
    default: break;
    }
    if (k.ste != 6)
        r.set_ste(sid, ste);
    request(r, ppr(sid, 0x1000, 1, false)); // fills the one-entry queue
    smmu_pri_req_t q = ppr(sid, 0x2000, 0x155, true);
    if (k.pasid)
        q = with_pasid(q, 0xBEEF);
    request(r, q);
    ASSERT_EQ(r.mem.pri_resps.size(), 1u);
    const smmu_pri_resp_t& p = r.mem.pri_resps[0];
    EXPECT_EQ(p.stream_id, sid);
    EXPECT_EQ(p.prg_index, 0x155u);
    EXPECT_EQ(p.code, k.code);
    EXPECT_EQ(p.ssv, k.resp_pasid);
    if (k.resp_pasid) {
        EXPECT_EQ(p.substream_id, 0xBEEFu);
    }
    EXPECT_TRUE(r.events().empty()); // CR2.REC_CFG_ATS is RES0: nothing recorded
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PriAutoResponse,
    ::testing::Values(AutoCase{"NoPasidAnySte", false, 0, false, kSuccess, false},
                      AutoCase{"PpsIgnoresSte", true, 0, true, kSuccess, true},
                      AutoCase{"PparOne", false, 2, true, kSuccess, true},
                      AutoCase{"PparZero", false, 1, true, kSuccess, false},
                      AutoCase{"SteInvalid", false, 0, true, kFailure, false},
                      AutoCase{"SteIllegal", false, 3, true, kFailure, false},
                      AutoCase{"SteFetchAbort", false, 4, true, kFailure, false},
                      AutoCase{"SidOutOfRange", false, 6, true, kFailure, false},
                      AutoCase{"ConfigAbortIsValid", false, 5, true, kSuccess, true}),
    [](const ::testing::TestParamInfo<AutoCase>& i) { return std::string(i.param.name); });

TEST(PriOverflow, NoPasidSupportAnswersSuccessWithoutPasid)
{
    // 8.1: without PASID support no STE check is needed; this model answers Success
    smmu_config_t c = default_config();
    c.ssidsize = 0;
    Rig r(c, small_queue(0));
    request(r, ppr(4, 0x1000, 1, false));
    request(r, with_pasid(ppr(4, 0x2000, 2, true), 0x3)); // STE 4 is all zero (invalid)
    ASSERT_EQ(r.mem.pri_resps.size(), 1u);
    EXPECT_EQ(r.mem.pri_resps[0].code, kSuccess);
    EXPECT_FALSE(r.mem.pri_resps[0].ssv);
}

// ------------------------------------------------------------------------------------------
// Write abort (8.2) and the disabled queue (6.3.9.5, 8.2)
// ------------------------------------------------------------------------------------------

TEST(PriAbort, WriteAbortRaisesPriqAbtErr)
{
    Rig r;
    r.mem.add_abort(r.priq_base(), r.priq_base() + 0xFFF);
    request(r, with_pasid(ppr(6, 0x1000, 9, false), 0x21));
    EXPECT_NE((r.rd32(reg::GERROR) ^ r.rd32(reg::GERRORN)) & reg::GERROR_PRIQ_ABT_ERR, 0u);
    EXPECT_EQ(r.rd32(reg::PRIQ_PROD), 0u);
    // synchronous abort (our IMPLEMENTATION DEFINED choice): Response Failure, no PASID
    ASSERT_EQ(r.mem.pri_resps.size(), 1u);
    EXPECT_EQ(r.mem.pri_resps[0].code, kFailure);
    EXPECT_FALSE(r.mem.pri_resps[0].ssv);
    EXPECT_EQ(r.mem.pri_resps[0].prg_index, 9u);
    // while PRIQ_ABT_ERR is active: no writes, every PPR answered with Failure, Stop
    // markers ignored
    r.mem.clear_aborts();
    request(r, ppr(6, 0x2000, 10, false));
    request(r, stop_marker(6, 0x21, 11));
    EXPECT_EQ(r.priq_writes(), 1u); // the aborted attempt only
    ASSERT_EQ(r.mem.pri_resps.size(), 2u);
    EXPECT_EQ(r.mem.pri_resps[1].prg_index, 10u);
    EXPECT_EQ(r.mem.pri_resps[1].code, kFailure);
    // acknowledge the error (GERRORN toggle, 7.5): writes resume
    r.wr32(reg::GERRORN, r.rd32(reg::GERRORN) ^ reg::GERROR_PRIQ_ABT_ERR);
    request(r, ppr(6, 0x3000, 12, true));
    std::vector<PriRec> v = r.pri_records();
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].prgi(), 12u);
    EXPECT_EQ(r.mem.pri_resps.size(), 2u);
}

TEST(PriEnable, PriqenZeroDiscardsWithFailure)
{
    RigOptions o;
    o.priqen = false;
    Rig r(default_config(), o);
    EXPECT_EQ(r.rd32(reg::CR0ACK) & reg::CR0_PRIQEN, 0u);
    request(r, ppr(3, 0x1000, 1, false));
    request(r, with_pasid(ppr(3, 0x2000, 2, true), 0x44));
    request(r, stop_marker(3, 0x44, 3));
    EXPECT_EQ(r.priq_writes(), 0u);
    // 8.2: every PPR gets Response Failure without PASID; Stop markers get nothing
    ASSERT_EQ(r.mem.pri_resps.size(), 2u);
    for (const auto& p : r.mem.pri_resps) {
        EXPECT_EQ(p.code, kFailure);
        EXPECT_FALSE(p.ssv);
        EXPECT_EQ(p.stream_id, 3u);
    }
    EXPECT_EQ(r.mem.pri_resps[0].prg_index, 1u);
    EXPECT_EQ(r.mem.pri_resps[1].prg_index, 2u);
}

TEST(PriEnable, SmmuenZeroMakesEffectivePriqenZero)
{
    RigOptions o;
    o.enable = false; // PRIQEN = 1, SMMUEN = 0
    Rig r(default_config(), o);
    // 6.3.9.5: CR0ACK.PRIQEN follows CR0.PRIQEN; only the effective value is 0
    EXPECT_NE(r.rd32(reg::CR0ACK) & reg::CR0_PRIQEN, 0u);
    request(r, ppr(3, 0x1000, 1, true));
    EXPECT_EQ(r.priq_writes(), 0u);
    ASSERT_EQ(r.mem.pri_resps.size(), 1u);
    EXPECT_EQ(r.mem.pri_resps[0].code, kFailure);
    r.set_cr0(r.base_cr0() | reg::CR0_SMMUEN);
    request(r, ppr(3, 0x1000, 2, true));
    EXPECT_EQ(r.pri_records().size(), 1u);
    EXPECT_EQ(r.mem.pri_resps.size(), 1u);
}
