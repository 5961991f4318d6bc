// SPDX-License-Identifier: Apache-2.0
// The command queue as software drives it: consumption (4.1.2, 4.1.4), index and wrap
// arithmetic (3.5.1, 6.3.26 - 6.3.28), opcode decoding and validity (4.1.1, 4.1.3, chapter 4),
// command errors and recovery (7.1), nonzero RES0 fields with and without
// smmu_config_t.cmd_res0_check (4.1.5), CMD_SYNC completion signals (4.7.3, 3.18), manual
// consumption and ATC invalidation completion (4.5.1, 4.7.3).
#include <cstdio>
#include <functional>

#include "regs_util.h"

namespace regs_test {
namespace {

constexpr uint64_t kQ = 0x40000; // command queue base (4 KB aligned)

smmu_stats_t stats(Smmu& d)
{
    smmu_stats_t st;
    smmu_stats_get(d.s, &st);
    return st;
}

// ---- consumption -------------------------------------------------------------------------

TEST(CmdqConsume, OnlyWhenEnabledAndProdDiffersFromCons)
{
    // 4.1.2: commands are processed when the queue is non-empty, CMDQEN == 1 and no command
    // queue error is active
    Smmu d("default");
    CmdQueue q(d, kQ, 4);
    q.init(false);
    q.submit({cmd_sync(), cmd_cfgi_all(), cmd_sync()});
    EXPECT_EQ(q.cons(), 0u);
    EXPECT_EQ(stats(d).commands, 0u);
    cr0_set(d, CR0_CMDQEN);
    EXPECT_EQ(q.cons(), 3u);
    // PROD == CONS: empty, nothing to do even though memory holds more commands
    d.mem.write64(q.slot(3), 0x46);
    wr32(d, off::CMDQ_PROD, 3);
    EXPECT_EQ(q.cons(), 3u);
    EXPECT_EQ(stats(d).commands, 3u);
}

TEST(CmdqConsume, SmmuReadsCommandsAtConsNotElsewhere)
{
    // Slots other than the published ones hold an illegal command: touching them would be
    // a CERROR_ILL.
    Smmu d("default");
    CmdQueue q(d, kQ, 3);
    for (uint32_t i = 0; i < 8; i++)
        d.mem.write64(q.slot(i), 0xFF);
    q.init(true, 5); // PROD = CONS = 5
    q.submit({cmd_sync(), cmd_sync()});
    EXPECT_EQ(q.cons(), 7u);
    EXPECT_EQ(rd32(d, off::GERROR), 0u);
}

// ---- wrap arithmetic for several queue sizes (3.5.1) --------------------------------------

class CmdqWrap : public ::testing::TestWithParam<unsigned> {};

TEST_P(CmdqWrap, ConsFollowsProdAcrossWraps)
{
    const unsigned l2 = GetParam();
    const uint32_t n = 1u << l2;
    Smmu d("default");
    CmdQueue q(d, kQ, l2);
    auto poison = [&] {
        for (uint32_t i = 0; i < n; i++)
            d.mem.write64(q.slot(i), 0xFF); // reserved opcode
    };
    poison();
    q.init();
    // Batch sizes: single commands, a full queue (PROD == CONS with the wrap flags differing),
    // one less than full; together several times round the queue.
    std::vector<uint32_t> batches = {1, n, 1, n > 1 ? n - 1 : 1, n, 1, 1, n, n > 2 ? n / 2 : 1, n};
    uint64_t total = 0;
    uint32_t expect = 0;
    for (uint32_t b : batches) {
        for (uint32_t i = 0; i < b; i++)
            q.put(cmd_sync());
        if (b == n) {
            EXPECT_EQ(q.prod ^ q.cons(), n) << "full: same index, wrap flags differ";
        }
        q.publish();
        for (uint32_t i = 0; i < b; i++)
            expect = q_inc(expect, l2);
        total += b;
        EXPECT_EQ(q.cons(), expect) << "LOG2SIZE " << l2 << " after " << total << " commands";
        EXPECT_EQ(q.cons(), q.prod);
        ASSERT_EQ(rd32(d, off::GERROR), 0u) << "a slot outside [CONS, PROD) was read";
        poison();
    }
    EXPECT_EQ(stats(d).commands, total);
    EXPECT_GE(total, 3u * n);
}

TEST_P(CmdqWrap, FirstWrapSetsTheWrapFlag)
{
    // After 2^LOG2SIZE commands from 0 the index is 0 again and RD_WRAP (bit [QS]) is 1
    const unsigned l2 = GetParam();
    Smmu d("default");
    CmdQueue q(d, kQ, l2);
    q.init();
    std::vector<Cmd> cmds(1u << l2, cmd_sync());
    q.submit(cmds);
    EXPECT_EQ(q.cons(), 1u << l2);
    q.submit(cmds);
    EXPECT_EQ(q.cons(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Log2Size, CmdqWrap, ::testing::Values(0u, 1u, 2u, 5u, 8u));

TEST(CmdqWrap, Log2SizeAboveCmdqsIsCappedButReadsBack)
{
    // 6.3.26: any use of LOG2SIZE is capped at IDR1.CMDQS; the field reads back as written
    smmu_config_t c = smmu_config_default();
    c.cmdqs = 2;
    Smmu d(c);
    EXPECT_EQ((rd32(d, off::IDR1) >> 21) & 0x1F, 2u);
    wr64(d, off::CMDQ_BASE, kQ | 5);
    EXPECT_EQ(rd64(d, off::CMDQ_BASE), kQ | 5);
    CmdQueue q(d, kQ, 2); // the queue really has 4 entries
    for (uint32_t i = 0; i < 32; i++)
        d.mem.write64(kQ + 16u * i, 0xFF);
    q.prod = 0;
    wr32(d, off::CMDQ_PROD, 0);
    wr32(d, off::CMDQ_CONS, 0);
    cr0_set(d, CR0_CMDQEN);
    for (int round = 0; round < 3; round++) {
        q.submit({cmd_sync(), cmd_sync(), cmd_sync(), cmd_sync()});
        EXPECT_EQ(q.cons(), q.prod);
        ASSERT_EQ(rd32(d, off::GERROR), 0u);
    }
    EXPECT_EQ(q.cons(), 4u); // 12 commands: index 0, wrap flag at bit 2 set
}

TEST(CmdqWrap, QueueBaseIsAlignedToTheQueueSize)
{
    // 6.3.26: "The effective base address is aligned by the SMMU to the larger of the queue
    // size in bytes or 32 bytes"
    Smmu d("default");
    for (uint32_t i = 0; i < 8; i++) {
        d.mem.write64(kQ + 16u * i, 0x46);        // CMD_SYNC at the aligned base
        d.mem.write64(kQ + 0x40 + 16u * i, 0xFF); // garbage at the unaligned address
    }
    wr64(d, off::CMDQ_BASE, (kQ + 0x40) | 3); // 8 entries = 128 bytes
    wr32(d, off::CMDQ_PROD, 0);
    wr32(d, off::CMDQ_CONS, 0);
    cr0_set(d, CR0_CMDQEN);
    wr32(d, off::CMDQ_PROD, 6);
    EXPECT_EQ(rd32(d, off::CMDQ_CONS), 6u);
    EXPECT_EQ(rd32(d, off::GERROR), 0u);
}

// ---- opcode decoding ------------------------------------------------------------------------

struct OpCase {
    const char* name;
    Cmd cmd;
    uint32_t err;                       // CERROR_NONE: valid and consumed
    void (*mutate)(smmu_config_t&);     // configuration change from "default", or nullptr
};

// gtest prints the case name instead of the bytes of the parameter
void PrintTo(const OpCase& c, std::ostream* os) { *os << c.name; }

void no_hyp(smmu_config_t& c) { c.hyp = false; }
void no_ats(smmu_config_t& c) { c.ats = false; c.pri = false; }
void no_pri(smmu_config_t& c) { c.pri = false; }
void terminate_only(smmu_config_t& c) { c.stall_model = 1; }
void no_s1(smmu_config_t& c) { c.s1p = false; c.hyp = false; }
void no_s2(smmu_config_t& c) { c.s2p = false; c.hyp = false; c.vmw = false; }

const OpCase kOps[] = {
    // ---- valid on the "default" configuration (S1, S2, Hyp, ATS, PRI, stall, RIL) ----
    {"PREFETCH_CONFIG", cmd_raw(0x01, cmd_sid(1)), CERROR_NONE, nullptr},
    {"PREFETCH_ADDR", cmd_raw(0x02, cmd_sid(1), 0x7000 | 2), CERROR_NONE, nullptr},
    {"CFGI_STE", cmd_cfgi_ste(7), CERROR_NONE, nullptr},
    {"CFGI_STE_nonleaf", cmd_cfgi_ste(7, false), CERROR_NONE, nullptr},
    {"CFGI_STE_RANGE", cmd_cfgi_ste_range(0x40, 3), CERROR_NONE, nullptr},
    {"CFGI_ALL", cmd_cfgi_all(), CERROR_NONE, nullptr},
    {"CFGI_CD", cmd_cfgi_cd(7, 3), CERROR_NONE, nullptr},
    {"CFGI_CD_ALL", cmd_cfgi_cd_all(7), CERROR_NONE, nullptr},
    {"TLBI_NH_ALL", cmd_tlbi_nh_all(1), CERROR_NONE, nullptr},
    {"TLBI_NH_ASID", cmd_tlbi_nh_asid(1, 2), CERROR_NONE, nullptr},
    {"TLBI_NH_VA", cmd_tlbi_va(0x12, 1, 2, 0xFFFF6000, true), CERROR_NONE, nullptr},
    {"TLBI_NH_VA_range", cmd_tlbi_va(0x12, 1, 2, 0xFFFF6000, true, 1, 3, 1, 3), CERROR_NONE,
     nullptr},
    {"TLBI_NH_VAA", cmd_tlbi_va(0x13, 1, 0, 0x8000, false), CERROR_NONE, nullptr},
    {"TLBI_EL2_ALL", cmd_raw(0x20), CERROR_NONE, nullptr},
    {"TLBI_EL2_ASID", cmd_raw(0x21, cmd_asid(9)), CERROR_NONE, nullptr},
    {"TLBI_EL2_VA", cmd_tlbi_va(0x22, 0, 9, 0x4000, true), CERROR_NONE, nullptr},
    {"TLBI_EL2_VAA", cmd_tlbi_va(0x23, 0, 0, 0x4000, true), CERROR_NONE, nullptr},
    {"TLBI_S12_VMALL", cmd_raw(0x28, cmd_vmid(3)), CERROR_NONE, nullptr},
    {"TLBI_S2_IPA", cmd_tlbi_va(0x2A, 3, 0, 0x80000000, true), CERROR_NONE, nullptr},
    {"TLBI_NSNH_ALL", cmd_tlbi_nsnh_all(), CERROR_NONE, nullptr},
    {"ATC_INV", cmd_atc_inv(8, 0x10000, 0), CERROR_NONE, nullptr},
    {"ATC_INV_all", cmd_atc_inv(8, 0, 52), CERROR_NONE, nullptr},
    // 4.5.1: "The Global parameter is IGNORED when SSV == 0"
    {"ATC_INV_global_without_ssv", cmd_atc_inv(8, 0, 0, false, 0, true), CERROR_NONE, nullptr},
    {"PRI_RESP_failure", cmd_pri_resp(8, 5, 0), CERROR_NONE, nullptr},
    {"PRI_RESP_invalid", cmd_pri_resp(8, 5, 1), CERROR_NONE, nullptr},
    {"PRI_RESP_success", cmd_pri_resp(8, 5, 2), CERROR_NONE, nullptr},
    {"RESUME_retry", cmd_resume(8, 1, true), CERROR_NONE, nullptr},
    {"RESUME_abort", cmd_resume(8, 1, false), CERROR_NONE, nullptr},
    {"STALL_TERM", cmd_stall_term(8), CERROR_NONE, nullptr},
    {"SYNC_none", cmd_sync(CS_NONE), CERROR_NONE, nullptr},
    // 4.7.3: without IDR0.SEV, SIG_SEV is equivalent to SIG_NONE
    {"SYNC_sev_without_SEV", cmd_sync(CS_SEV), CERROR_NONE, nullptr},
    {"SYNC_irq", cmd_sync(CS_IRQ), CERROR_NONE, nullptr},
    // ---- reserved opcodes (4.1.1) ----
    {"op_0x00", cmd_raw(0x00), CERROR_ILL, nullptr},
    {"op_0x08", cmd_raw(0x08), CERROR_ILL, nullptr},
    {"op_0x0A", cmd_raw(0x0A), CERROR_ILL, nullptr},
    {"op_0x0B", cmd_raw(0x0B), CERROR_ILL, nullptr},
    {"op_0x0F", cmd_raw(0x0F), CERROR_ILL, nullptr},
    {"op_0x14", cmd_raw(0x14), CERROR_ILL, nullptr},
    {"op_0x17", cmd_raw(0x17), CERROR_ILL, nullptr},
    {"op_0x19", cmd_raw(0x19), CERROR_ILL, nullptr},
    {"op_0x1B", cmd_raw(0x1B), CERROR_ILL, nullptr},
    {"op_0x1F", cmd_raw(0x1F), CERROR_ILL, nullptr},
    {"op_0x24", cmd_raw(0x24), CERROR_ILL, nullptr},
    {"op_0x27", cmd_raw(0x27), CERROR_ILL, nullptr},
    {"op_0x29", cmd_raw(0x29), CERROR_ILL, nullptr},
    {"op_0x2B", cmd_raw(0x2B), CERROR_ILL, nullptr},
    {"op_0x2F", cmd_raw(0x2F), CERROR_ILL, nullptr},
    {"op_0x31", cmd_raw(0x31), CERROR_ILL, nullptr},
    {"op_0x3F", cmd_raw(0x3F), CERROR_ILL, nullptr},
    {"op_0x42", cmd_raw(0x42), CERROR_ILL, nullptr},
    {"op_0x43", cmd_raw(0x43), CERROR_ILL, nullptr},
    {"op_0x47", cmd_raw(0x47), CERROR_ILL, nullptr},
    {"op_0x4F", cmd_raw(0x4F), CERROR_ILL, nullptr},
    {"op_0x54", cmd_raw(0x54), CERROR_ILL, nullptr},
    {"op_0x57", cmd_raw(0x57), CERROR_ILL, nullptr},
    {"op_0x59", cmd_raw(0x59), CERROR_ILL, nullptr},
    {"op_0x5B", cmd_raw(0x5B), CERROR_ILL, nullptr},
    {"op_0x5F", cmd_raw(0x5F), CERROR_ILL, nullptr},
    {"op_0x61", cmd_raw(0x61), CERROR_ILL, nullptr},
    {"op_0x6F", cmd_raw(0x6F), CERROR_ILL, nullptr},
    {"op_0x71", cmd_raw(0x71), CERROR_ILL, nullptr},
    {"op_0x72", cmd_raw(0x72), CERROR_ILL, nullptr},
    {"op_0x74", cmd_raw(0x74), CERROR_ILL, nullptr},
    {"op_0x7F", cmd_raw(0x7F), CERROR_ILL, nullptr},
    {"op_0x90", cmd_raw(0x90), CERROR_ILL, nullptr},
    {"op_0xC3", cmd_raw(0xC3), CERROR_ILL, nullptr},
    {"op_0xFF", cmd_raw(0xFF), CERROR_ILL, nullptr},
    // IMPLEMENTATION DEFINED opcodes 0x80-0x8F: this model defines none (model choice)
    {"impdef_0x80", cmd_raw(0x80), CERROR_ILL, nullptr},
    {"impdef_0x8F", cmd_raw(0x8F), CERROR_ILL, nullptr},
    // ---- Secure-only and absent-feature commands (4.1.3, 4.4, 4.3.6, 4.6) ----
    {"TLBI_EL3_ALL", cmd_raw(0x18), CERROR_ILL, nullptr},
    {"TLBI_EL3_VA", cmd_tlbi_va(0x1A, 0, 0, 0x1000, true), CERROR_ILL, nullptr},
    {"TLBI_S_EL2_ALL", cmd_raw(0x50), CERROR_ILL, nullptr},
    {"TLBI_S_EL2_ASID", cmd_raw(0x51, cmd_asid(1)), CERROR_ILL, nullptr},
    {"TLBI_S_EL2_VA", cmd_tlbi_va(0x52, 0, 1, 0x1000, true), CERROR_ILL, nullptr},
    {"TLBI_S_EL2_VAA", cmd_tlbi_va(0x53, 0, 0, 0x1000, true), CERROR_ILL, nullptr},
    {"TLBI_S_S12_VMALL", cmd_raw(0x58, cmd_vmid(1)), CERROR_ILL, nullptr},
    {"TLBI_S_S2_IPA", cmd_tlbi_va(0x5A, 1, 0, 0x1000, true), CERROR_ILL, nullptr},
    {"TLBI_SNH_ALL", cmd_raw(0x60), CERROR_ILL, nullptr},
    {"CFGI_VMS_PIDM_without_MPAM", cmd_raw(0x07, cmd_vmid(1)), CERROR_ILL, nullptr},
    {"DPTI_ALL_without_DPT", cmd_raw(0x70), CERROR_ILL, nullptr},
    {"DPTI_PA_without_DPT", cmd_raw(0x73, 0, 0x1000), CERROR_ILL, nullptr},
    // ---- unsupported by the configuration ----
    {"TLBI_EL2_ALL_without_Hyp", cmd_raw(0x20), CERROR_ILL, no_hyp},
    {"TLBI_EL2_ASID_without_Hyp", cmd_raw(0x21, cmd_asid(9)), CERROR_ILL, no_hyp},
    {"TLBI_EL2_VA_without_Hyp", cmd_tlbi_va(0x22, 0, 9, 0x4000, true), CERROR_ILL, no_hyp},
    {"TLBI_EL2_VAA_without_Hyp", cmd_tlbi_va(0x23, 0, 0, 0x4000, true), CERROR_ILL, no_hyp},
    {"ATC_INV_without_ATS", cmd_atc_inv(8, 0x10000, 0), CERROR_ILL, no_ats},
    {"PRI_RESP_without_PRI", cmd_pri_resp(8, 5, 2), CERROR_ILL, no_pri},
    {"RESUME_terminate_only", cmd_resume(8, 1, true), CERROR_ILL, terminate_only},
    {"STALL_TERM_terminate_only", cmd_stall_term(8), CERROR_ILL, terminate_only},
    {"CFGI_CD_without_S1", cmd_cfgi_cd(7, 0), CERROR_ILL, no_s1},
    {"CFGI_CD_ALL_without_S1", cmd_cfgi_cd_all(7), CERROR_ILL, no_s1},
    {"TLBI_NH_ALL_without_S1", cmd_tlbi_nh_all(1), CERROR_ILL, no_s1},
    {"TLBI_NH_ASID_without_S1", cmd_tlbi_nh_asid(1, 2), CERROR_ILL, no_s1},
    {"TLBI_NH_VA_without_S1", cmd_tlbi_va(0x12, 1, 2, 0x1000, true), CERROR_ILL, no_s1},
    {"TLBI_NH_VAA_without_S1", cmd_tlbi_va(0x13, 1, 0, 0x1000, true), CERROR_ILL, no_s1},
    {"TLBI_S2_IPA_without_S2", cmd_tlbi_va(0x2A, 3, 0, 0x80000000, true), CERROR_ILL, no_s2},
    {"TLBI_S12_VMALL_without_S2", cmd_raw(0x28, cmd_vmid(3)), CERROR_ILL, no_s2},
    // ---- illegal parameters ----
    {"PRI_RESP_reserved_resp", cmd_pri_resp(8, 5, 3), CERROR_ILL, nullptr},
    {"SYNC_cs_reserved", cmd_sync(3), CERROR_ILL, nullptr},
    // 4.4.1.1: TG != 0 with NUM == SCALE == TTL == 0 is reserved
    {"TLBI_NH_VA_range_reserved", cmd_tlbi_va(0x12, 1, 2, 0x1000, true, 1, 0, 0, 0), CERROR_ILL,
     nullptr},
    {"TLBI_S2_IPA_range_reserved", cmd_tlbi_va(0x2A, 1, 0, 0x1000, true, 3, 0, 0, 0), CERROR_ILL,
     nullptr},
    // 4.1.6: SSec == 1 on the Non-secure Command queue is ILLEGAL
    {"CFGI_STE_SSec", cmd_raw(0x03, CMD_SSEC | cmd_sid(7), 1), CERROR_ILL, nullptr},
    {"CFGI_STE_RANGE_SSec", cmd_raw(0x04, CMD_SSEC | cmd_sid(7), 3), CERROR_ILL, nullptr},
    {"CFGI_ALL_SSec", cmd_raw(0x04, CMD_SSEC, 31), CERROR_ILL, nullptr},
    {"CFGI_CD_SSec", cmd_raw(0x05, CMD_SSEC | cmd_sid(7), 1), CERROR_ILL, nullptr},
    {"CFGI_CD_ALL_SSec", cmd_raw(0x06, CMD_SSEC | cmd_sid(7)), CERROR_ILL, nullptr},
    {"PREFETCH_CONFIG_SSec", cmd_raw(0x01, CMD_SSEC | cmd_sid(7)), CERROR_ILL, nullptr},
    {"PREFETCH_ADDR_SSec", cmd_raw(0x02, CMD_SSEC | cmd_sid(7), 0x1000), CERROR_ILL, nullptr},
    {"RESUME_SSec", cmd_raw(0x44, CMD_SSEC | (1u << 12) | cmd_sid(7), 1), CERROR_ILL, nullptr},
    {"STALL_TERM_SSec", cmd_raw(0x45, CMD_SSEC | cmd_sid(7)), CERROR_ILL, nullptr},
};

class CmdqOpcode : public ::testing::TestWithParam<OpCase> {};

TEST_P(CmdqOpcode, DecodedPerSpec)
{
    const OpCase& c = GetParam();
    smmu_config_t cfg = smmu_config_default();
    if (c.mutate)
        c.mutate(cfg);
    const char* why = nullptr;
    ASSERT_EQ(smmu_config_check(&cfg, &why), SMMU_OK) << (why ? why : "");
    Smmu d(cfg);
    CmdQueue q(d, kQ, 4);
    q.init();
    // [CMD_SYNC, command under test, CMD_SYNC(SIG_IRQ), CMD_SYNC]
    q.submit({cmd_sync(), c.cmd, cmd_sync(CS_IRQ), cmd_sync()});
    const unsigned op = static_cast<unsigned>(c.cmd.dw0 & 0xFF);
    smmu_stats_t st = stats(d);
    uint32_t cons = q.cons();
    if (c.err == CERROR_NONE) {
        EXPECT_EQ(cons, 4u) << "valid command consumed";
        EXPECT_EQ(rd32(d, off::GERROR) ^ rd32(d, off::GERRORN), 0u);
        EXPECT_EQ(st.commands, 4u);
        EXPECT_EQ(st.commands_by_op[op], op == 0x46 ? 4u : 1u);
        EXPECT_EQ(st.cmd_errors, 0u);
        EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], op == 0x46 && (c.cmd.dw0 >> 12 & 3) == 1
                                                           ? 2u
                                                           : 1u);
    } else {
        // 7.1: consumption stops, RD stays on the erroneous command, ERR holds the reason,
        // GERROR.CMDQ_ERR is activated and later commands have no effect
        EXPECT_EQ(cons_rd(cons), 1u);
        EXPECT_EQ(cons_err(cons), c.err);
        EXPECT_EQ(rd32(d, off::GERROR), GERROR_CMDQ_ERR);
        EXPECT_EQ(rd32(d, off::GERRORN), 0u);
        EXPECT_EQ(st.commands, 1u);
        EXPECT_EQ(st.commands_by_op[op], op == 0x46 ? 1u : 0u);
        EXPECT_EQ(st.cmd_errors, 1u);
        EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 0u) << "later CMD_SYNC not executed";
        wr32(d, off::CMDQ_PROD, q.prod); // another PROD write does not restart processing
        EXPECT_EQ(cons_rd(q.cons()), 1u);
        EXPECT_EQ(smmu_cmdq_pending(d.s), 0u);
    }
}

INSTANTIATE_TEST_SUITE_P(Commands, CmdqOpcode, ::testing::ValuesIn(kOps),
                         [](const auto& i) { return std::string(i.param.name); });

TEST(CmdqOpcode, ModelChoiceNonZeroReservedFieldsAreIgnoredByDefault)
{
    // 4.1.5: an implementation either detects non-zero RES0 fields (CERROR_ILL) or ignores
    // them; the default configuration ignores them (cmd_res0_check = false). CmdqRes0* below
    // cover cmd_res0_check = true.
    Smmu d("default");
    CmdQueue q(d, kQ, 2);
    q.init();
    q.submit({cmd_raw(0x30, UINT64_C(0xFFFF) << 32, 0xFFF0), cmd_raw(0x46, 1u << 8)});
    EXPECT_EQ(q.cons(), 2u);
    EXPECT_EQ(rd32(d, off::GERROR), 0u);
}

// ---- RES0 fields with smmu_config_t.cmd_res0_check (4.1.5, 4.1.3, 7.1) -----------------------
//
// 4.1.5: "All non-specified fields in the commands are RES0"; an implementation either
// ignores them or "Detects non-zero use of a Reserved field as a malformed command, resulting
// in CERROR_ILL". cmd_res0_check selects the second. Every encoding below is written out by
// hand from the layouts of 4.2 - 4.7, with the common fields of 4.1.6 and the range fields of
// 4.4.1.1 (opcode [7:0]; dw1 bit n is command bit 64 + n).

smmu_config_t res0_config(bool check, void (*mutate)(smmu_config_t&))
{
    smmu_config_t c = smmu_config_default();
    if (mutate)
        mutate(c);
    c.cmd_res0_check = check;
    const char* why = nullptr;
    EXPECT_EQ(smmu_config_check(&c, &why), SMMU_OK) << (why ? why : "");
    return c;
}

// Submits one command and says what became of it: CERROR_NONE if it was consumed, else the
// CMDQ_CONS.ERR it stopped the queue with (7.1: RD stays on it, GERROR.CMDQ_ERR is active).
// The failed entry is then replaced by a CMD_SYNC and the error acknowledged, so that the
// same queue can take the next command.
uint32_t run_one(Smmu& d, CmdQueue& q, const Cmd& c)
{
    const uint32_t at = q.prod;
    q.submit({c});
    const uint32_t cons = q.cons();
    if (((rd32(d, off::GERROR) ^ rd32(d, off::GERRORN)) & GERROR_CMDQ_ERR) == 0) {
        EXPECT_EQ(cons_rd(cons), q.prod) << "consumed";
        return CERROR_NONE;
    }
    EXPECT_EQ(cons_rd(cons), at) << "RD stays on the failing command";
    d.mem.write64(q.slot(at), 0x46);
    d.mem.write64(q.slot(at) + 8, 0);
    wr32(d, off::GERRORN, rd32(d, off::GERROR));
    EXPECT_EQ(cons_rd(q.cons()), q.prod) << "processing resumes after the acknowledgement";
    return cons_err(cons);
}

std::string hex128(const Cmd& c)
{
    char b[48];
    std::snprintf(b, sizeof b, "dw1 0x%016llx dw0 0x%016llx",
                  static_cast<unsigned long long>(c.dw1), static_cast<unsigned long long>(c.dw0));
    return b;
}

struct Res0Case {
    const char* name;
    Cmd full;           // every field the command defines, set to values valid on "default"
    uint64_t def0, def1; // the bits the command defines (opcode included) on "default"
};

void PrintTo(const Res0Case& c, std::ostream* os) { *os << c.name; }

// One case per opcode the model executes. "default" is SMMUv3.2 with S1, S2, Hyp, 16-bit
// ASIDs and VMIDs, RIL, no DS (SCALE is [24:20], bit 25 RES0), ATS, PRI, stalls and MSIs.
const Res0Case kRes0Cases[] = {
    // 4.2.1: SSec [10] (0 on this queue), SSV [11], SubstreamID [31:12], StreamID [63:32]
    {"PREFETCH_CONFIG", {0xFFFFFFFFFFFFF801, 0}, 0xFFFFFFFFFFFFFCFF, 0},
    // 4.2.2: also Size [68:64] and Addr [127:76]. Stride and NS are in the figure only; the
    // model treats the gaps [9:8] and [75:69] they can occupy as defined (ADR 0002 C5), so
    // no bit of this command is RES0 for the check.
    {"PREFETCH_ADDR", {0xFFFFFFFFFFFFF802, 0xFFFFFFFFFFFFF01F}, ~UINT64_C(0), ~UINT64_C(0)},
    {"PREFETCH_ADDR_stride_ns_gaps", {0xFFFFFFFFFFFFFB02, ~UINT64_C(0)}, ~UINT64_C(0),
     ~UINT64_C(0)},
    // 4.3.1: SSec, StreamID, Leaf [64]
    {"CFGI_STE", {0xFFFFFFFF00000003, 0x1}, 0xFFFFFFFF000004FF, 0x1},
    // 4.3.2: SSec, StreamID, Range [68:64]; 4.3.6: CMD_CFGI_ALL is Range == 31
    {"CFGI_STE_RANGE", {0xFFFFFFFF00000004, 0x1E}, 0xFFFFFFFF000004FF, 0x1F},
    {"CFGI_ALL", {0xFFFFFFFF00000004, 0x1F}, 0xFFFFFFFF000004FF, 0x1F},
    // 4.3.3: SSec, SubstreamID, StreamID, Leaf (no SSV: bit 11 is RES0)
    {"CFGI_CD", {0xFFFFFFFFFFFFF005, 0x1}, 0xFFFFFFFFFFFFF4FF, 0x1},
    // 4.3.4: SSec, StreamID
    {"CFGI_CD_ALL", {0xFFFFFFFF00000006, 0}, 0xFFFFFFFF000004FF, 0},
    // 4.4.2.1 VMID [47:32]; 4.4.2.2 + ASID [63:48]
    {"TLBI_NH_ALL", {0x0000FFFF00000010, 0}, 0x0000FFFF000000FF, 0},
    {"TLBI_NH_ASID", {0xFFFFFFFF00000011, 0}, 0xFFFFFFFF000000FF, 0},
    // 4.4.2.4, 4.4.1.1: NUM [16:12], SCALE [24:20], VMID, ASID, Leaf [64], TTL128 [71],
    // TTL [73:72], TG [75:74], Address[63:12] at [127:76]. TG = 64KB, TTL = level 3.
    {"TLBI_NH_VA", {0xFFFFFFFF01F1F012, 0xFFFFFFFFFFFFFF81}, 0xFFFFFFFF01F1F0FF,
     0xFFFFFFFFFFFFFF81},
    // 4.4.2.3: as NH_VA without ASID
    {"TLBI_NH_VAA", {0x0000FFFF01F1F013, 0xFFFFFFFFFFFFFF81}, 0x0000FFFF01F1F0FF,
     0xFFFFFFFFFFFFFF81},
    // 4.4.2.7: no fields; 4.4.2.10: ASID
    {"TLBI_EL2_ALL", {0x20, 0}, 0xFF, 0},
    {"TLBI_EL2_ASID", {0xFFFF000000000021, 0}, 0xFFFF0000000000FF, 0},
    // 4.4.2.8: ASID, range fields, Leaf, Address; 4.4.2.9: without ASID
    {"TLBI_EL2_VA", {0xFFFF000001F1F022, 0xFFFFFFFFFFFFFF81}, 0xFFFF000001F1F0FF,
     0xFFFFFFFFFFFFFF81},
    {"TLBI_EL2_VAA", {0x0000000001F1F023, 0xFFFFFFFFFFFFFF81}, 0x0000000001F1F0FF,
     0xFFFFFFFFFFFFFF81},
    // 4.4.3.2: VMID
    {"TLBI_S12_VMALL", {0x0000FFFF00000028, 0}, 0x0000FFFF000000FF, 0},
    // 4.4.3.1: VMID, range fields, Leaf, IPA[55:12] at [119:76] with [55:52] RES0 (4.1.6)
    {"TLBI_S2_IPA", {0x0000FFFF01F1F02A, 0x000FFFFFFFFFFF81}, 0x0000FFFF01F1F0FF,
     0x000FFFFFFFFFFF81},
    // 4.4.4.1: no fields
    {"TLBI_NSNH_ALL", {0x30, 0}, 0xFF, 0},
    // 4.5.1: Global [9], SSV, SubstreamID, StreamID, Size [69:64] (52 = all), Address
    {"ATC_INV", {0xFFFFFFFFFFFFFA40, 0xFFFFFFFFFFFFF034}, 0xFFFFFFFFFFFFFAFF,
     0xFFFFFFFFFFFFF03F},
    // 4.5.2: SSV, SubstreamID, StreamID, PRGIndex [72:64], Resp [77:76] (10 Success)
    {"PRI_RESP", {0xFFFFFFFFFFFFF841, 0x21FF}, 0xFFFFFFFFFFFFF8FF, 0x31FF},
    // 4.7.1: SSec, Ac [12], Ab [13], StreamID, STAG [79:64]
    {"RESUME", {0xFFFFFFFF00003044, 0xFFFF}, 0xFFFFFFFF000034FF, 0xFFFF},
    // 4.7.2: SSec, StreamID
    {"STALL_TERM", {0xFFFFFFFF00000045, 0}, 0xFFFFFFFF000004FF, 0},
    // 4.7.3: CS [13:12], MSH [23:22], MSIAttr [27:24], MSIData [63:32], MSIAddress[55:2] at
    // [119:66] with [55:52] RES0. SIG_SEV (SIG_NONE without IDR0.SEV) with every MSI bit set,
    // and SIG_IRQ with an MSI address in memory.
    {"SYNC_sev", {0xFFFFFFFF0FC02046, 0x000FFFFFFFFFFFFC}, 0xFFFFFFFF0FC030FF,
     0x000FFFFFFFFFFFFC},
    {"SYNC_irq", {0xFFFFFFFF0FC01046, 0x000000FFFFFFFFFC}, 0xFFFFFFFF0FC030FF,
     0x000FFFFFFFFFFFFC},
};

class CmdqRes0Check : public ::testing::TestWithParam<Res0Case> {};

TEST_P(CmdqRes0Check, FullyPopulatedCommandIsAccepted)
{
    const Res0Case& c = GetParam();
    ASSERT_EQ(c.full.dw0 & ~c.def0, 0u) << "the case sets a bit it does not define";
    ASSERT_EQ(c.full.dw1 & ~c.def1, 0u) << "the case sets a bit it does not define";
    for (bool check : {true, false}) {
        SCOPED_TRACE(check ? "cmd_res0_check on" : "cmd_res0_check off");
        Smmu d(res0_config(check, nullptr));
        CmdQueue q(d, kQ, 4);
        q.init();
        EXPECT_EQ(run_one(d, q, c.full), CERROR_NONE);
        EXPECT_EQ(stats(d).cmd_errors, 0u);
    }
}

TEST_P(CmdqRes0Check, EveryReservedBitGivesCerrorIllOnlyWithTheCheck)
{
    // Each bit the command does not define, set on its own in the fully-populated command
    const Res0Case& c = GetParam();
    Smmu on(res0_config(true, nullptr));
    Smmu off(res0_config(false, nullptr));
    CmdQueue qon(on, kQ, 4), qoff(off, kQ, 4);
    qon.init();
    qoff.init();
    unsigned tried = 0;
    for (unsigned bit = 8; bit < 128; bit++) {
        const uint64_t m = UINT64_C(1) << (bit % 64);
        if ((bit < 64 ? c.def0 : c.def1) & m)
            continue;
        const Cmd bad = bit < 64 ? Cmd{c.full.dw0 | m, c.full.dw1} : Cmd{c.full.dw0, c.full.dw1 | m};
        SCOPED_TRACE("RES0 bit " + std::to_string(bit) + ": " + hex128(bad));
        EXPECT_EQ(run_one(on, qon, bad), CERROR_ILL);
        EXPECT_EQ(run_one(off, qoff, bad), CERROR_NONE);
        tried++;
    }
    EXPECT_EQ(stats(on).cmd_errors, tried);
    EXPECT_EQ(stats(off).cmd_errors, 0u);
}

INSTANTIATE_TEST_SUITE_P(Commands, CmdqRes0Check, ::testing::ValuesIn(kRes0Cases),
                         [](const auto& i) { return std::string(i.param.name); });

struct Res0Literal {
    const char* name;
    Cmd cmd; // a valid command with one RES0 bit set
};

void PrintTo(const Res0Literal& c, std::ostream* os) { *os << c.name; }

const Res0Literal kRes0Literals[] = {
    // CMD_TLBI_NH_ALL(VMID 1): [31:8] and all of dw1 are RES0
    {"TLBI_NH_ALL_bit_8", {0x0000000100000110, 0}},
    {"TLBI_NH_ALL_bit_48", {0x0001000100000010, 0}},
    {"TLBI_NH_ALL_bit_64", {0x0000000100000010, 0x1}},
    // CMD_TLBI_NH_ASID has no Leaf
    {"TLBI_NH_ASID_bit_64", {0x0001000100000011, 0x1}},
    // CMD_TLBI_NH_VA(VMID 1, ASID 1, 0x1000, Leaf): [19:17] between NUM and SCALE, [70:65]
    {"TLBI_NH_VA_bit_17", {0x0001000100020012, 0x1001}},
    {"TLBI_NH_VA_bit_65", {0x0001000100000012, 0x1003}},
    // CMD_TLBI_NH_VAA has no ASID; CMD_TLBI_EL2_VAA has neither VMID nor ASID
    {"TLBI_NH_VAA_bit_48", {0x0001000100000013, 0x1001}},
    {"TLBI_EL2_VAA_bit_32", {0x0000000100000023, 0x1001}},
    {"TLBI_EL2_ALL_bit_63", {0x8000000000000020, 0}},
    {"TLBI_EL2_ASID_bit_32", {0x0001000100000021, 0}},
    {"TLBI_S12_VMALL_bit_48", {0x0001000100000028, 0}},
    // CMD_TLBI_S2_IPA: IPA[55:12] at [119:76], bits [55:52] RES0 (4.1.6); [127:120] RES0
    {"TLBI_S2_IPA_ipa_bit_52", {0x000000010000002A, 0x0010000000001001}},
    {"TLBI_S2_IPA_bit_120", {0x000000010000002A, 0x0100000000001001}},
    {"TLBI_NSNH_ALL_bit_9", {0x0000000000000230, 0}},
    // CMD_CFGI_STE(StreamID 7, Leaf): dw1 outside Leaf, and SSV's position
    {"CFGI_STE_bit_65", {0x0000000700000003, 0x3}},
    {"CFGI_STE_bit_127", {0x0000000700000003, 0x8000000000000001}},
    {"CFGI_STE_bit_11", {0x0000000700000803, 0x1}},
    {"CFGI_STE_RANGE_bit_69", {0x0000000700000004, 0x23}},
    // CMD_CFGI_CD(StreamID 7, SubstreamID 3, Leaf) has no SSV
    {"CFGI_CD_bit_11", {0x0000000700003805, 0x1}},
    {"CFGI_CD_ALL_bit_12", {0x0000000700001006, 0}},
    {"PREFETCH_CONFIG_bit_64", {0x0000000700000001, 0x1}},
    // CMD_ATC_INV has no SSec; [75:70] between Size and Address
    {"ATC_INV_bit_10", {0x0000000800000440, 0x10000}},
    {"ATC_INV_bit_70", {0x0000000800000040, 0x10040}},
    // CMD_PRI_RESP(StreamID 8, PRGIndex 5, Success): [75:73]
    {"PRI_RESP_bit_73", {0x0000000800000041, 0x2205}},
    // CMD_RESUME(StreamID 8, STAG 1, retry) has no SSV; [127:80]
    {"RESUME_bit_11", {0x0000000800001844, 0x1}},
    {"RESUME_bit_80", {0x0000000800001044, 0x10001}},
    {"STALL_TERM_bit_12", {0x0000000800001045, 0}},
    // CMD_SYNC: [11:8] and [21:14] (bits 13:12 are CS), [65:64], MSIAddress[55:52], [127:120]
    {"SYNC_bit_8", {0x0000000000000146, 0}},
    {"SYNC_bit_14", {0x0000000000004046, 0}},
    {"SYNC_bit_64", {0x0000000000000046, 0x1}},
    {"SYNC_msiaddr_bit_55", {0x0000000000000046, 0x0080000000000000}},
    {"SYNC_bit_127", {0x0000000000000046, 0x8000000000000000}},
};

class CmdqRes0Literal : public ::testing::TestWithParam<Res0Literal> {};

TEST_P(CmdqRes0Literal, CerrorIllWithTheCheckExecutedWithout)
{
    const Res0Literal& c = GetParam();
    for (bool check : {true, false}) {
        SCOPED_TRACE(check ? "cmd_res0_check on" : "cmd_res0_check off");
        Smmu d(res0_config(check, nullptr));
        CmdQueue q(d, kQ, 3);
        q.init();
        // [command under test, CMD_SYNC(SIG_IRQ)]
        q.submit({c.cmd, {0x1046, 0}});
        const uint32_t cons = q.cons();
        if (check) {
            // 4.1.3, 7.1: malformed: RD stays on it, ERR = CERROR_ILL, GERROR.CMDQ_ERR, and
            // the CMD_SYNC after it is not executed
            EXPECT_EQ(cons_rd(cons), 0u);
            EXPECT_EQ(cons_err(cons), CERROR_ILL);
            EXPECT_EQ(rd32(d, off::GERROR), GERROR_CMDQ_ERR);
            EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 0u);
            EXPECT_EQ(stats(d).cmd_errors, 1u);
        } else {
            EXPECT_EQ(cons, 2u);
            EXPECT_EQ(rd32(d, off::GERROR), 0u);
            EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 1u);
            const uint64_t op = c.cmd.dw0 & 0xFF;
            EXPECT_EQ(stats(d).commands_by_op[op], op == 0x46 ? 2u : 1u);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Commands, CmdqRes0Literal, ::testing::ValuesIn(kRes0Literals),
                         [](const auto& i) { return std::string(i.param.name); });

// Fields whose width depends on the implementation: with cmd_res0_check, each of `bad` is
// CERROR_ILL and each of `good` is consumed; without it, `bad` are consumed as well.
void expect_res0(void (*mutate)(smmu_config_t&), std::initializer_list<Cmd> bad,
                 std::initializer_list<Cmd> good)
{
    Smmu on(res0_config(true, mutate));
    Smmu off(res0_config(false, mutate));
    CmdQueue qon(on, kQ, 4), qoff(off, kQ, 4);
    qon.init();
    qoff.init();
    for (const Cmd& c : bad) {
        SCOPED_TRACE("reserved: " + hex128(c));
        EXPECT_EQ(run_one(on, qon, c), CERROR_ILL);
        EXPECT_EQ(run_one(off, qoff, c), CERROR_NONE);
    }
    for (const Cmd& c : good) {
        SCOPED_TRACE("defined: " + hex128(c));
        EXPECT_EQ(run_one(on, qon, c), CERROR_NONE);
    }
}

void vmid8(smmu_config_t& c) { c.vmid16 = false; }
void asid8(smmu_config_t& c) { c.asid16 = false; }
void no_ril(smmu_config_t& c) { c.arch_minor = 1; c.ril = false; } // RIL is mandatory in v3.2
void with_ds(smmu_config_t& c) { c.ds = true; c.oas_bits = 52; }
void smmuv3_0(smmu_config_t& c) { c.arch_minor = 0; c.ril = false; }

TEST(CmdqRes0, VmidBits15To8ReservedWith8BitVmids)
{
    // 4.4: "When support for either ASIDs or VMIDs is 8 bits, the upper 8 bits of the
    // corresponding 16-bit parameter field are RES0" (IDR0.VMID16 == 0). VMID 0x100 / 0xFF.
    expect_res0(vmid8,
                {{0x0000010000000010, 0},        // TLBI_NH_ALL
                 {0x0001010000000011, 0},        // TLBI_NH_ASID, ASID 1
                 {0x0001010000000012, 0x1001},   // TLBI_NH_VA, ASID 1, VA 0x1000, Leaf
                 {0x0000010000000013, 0x1001},   // TLBI_NH_VAA
                 {0x0000010000000028, 0},        // TLBI_S12_VMALL
                 {0x000001000000002A, 0x1001}},  // TLBI_S2_IPA, IPA 0x1000
                {{0x000000FF00000010, 0},
                 {0x000100FF00000011, 0},
                 {0x000100FF00000012, 0x1001},
                 {0x000000FF00000013, 0x1001},
                 {0x000000FF00000028, 0},
                 {0x000000FF0000002A, 0x1001}});
    // with 16-bit VMIDs the same bits are defined
    expect_res0(nullptr, {}, {{0x0000010000000010, 0}, {0x0000010000000028, 0},
                              {0x000001000000002A, 0x1001}});
}

TEST(CmdqRes0, AsidBits15To8ReservedWith8BitAsids)
{
    // 4.4, IDR0.ASID16 == 0. ASID 0x100 / 0xFF.
    expect_res0(asid8,
                {{0x0100000100000011, 0},        // TLBI_NH_ASID, VMID 1
                 {0x0100000100000012, 0x1001},   // TLBI_NH_VA, VMID 1, VA 0x1000, Leaf
                 {0x0100000000000021, 0},        // TLBI_EL2_ASID
                 {0x0100000000000022, 0x1001}},  // TLBI_EL2_VA
                {{0x00FF000100000011, 0},
                 {0x00FF000100000012, 0x1001},
                 {0x00FF000000000021, 0},
                 {0x00FF000000000022, 0x1001}});
    expect_res0(nullptr, {}, {{0x0100000100000011, 0}, {0x0100000000000022, 0x1001}});
}

TEST(CmdqRes0, RangeFieldsReservedWithoutRil)
{
    // 4.4.1.1: "If SMMU_IDR3.RIL == 0, this field is RES0" for NUM, SCALE, TG and TTL; TTL128
    // is RES0 when TG == 0b00, the only value TG then has. Leaf and the address stay defined.
    expect_res0(no_ril,
                {{0x0001000100001012, 0x1001},   // TLBI_NH_VA, NUM = 1
                 {0x0001000100100012, 0x1001},   // TLBI_NH_VA, SCALE = 1
                 {0x0001000100000012, 0x1401},   // TLBI_NH_VA, TG = 4KB
                 {0x0001000100000012, 0x1101},   // TLBI_NH_VA, TTL = 1
                 {0x0001000100000012, 0x1081},   // TLBI_NH_VA, TTL128
                 {0x0000000100000013, 0x1101},   // TLBI_NH_VAA, TTL = 1
                 {0x0001000000001022, 0x1001},   // TLBI_EL2_VA, NUM = 1
                 {0x0000000000100023, 0x1001},   // TLBI_EL2_VAA, SCALE = 1
                 {0x000000010000002A, 0x1401}},  // TLBI_S2_IPA, TG = 4KB
                {{0x0001000100000012, 0xFFFFFFFFFFFFF001},
                 {0x0000000100000013, 0x1001},
                 {0x0001000000000022, 0x1001},
                 {0x0000000000000023, 0x1001},
                 {0x000000010000002A, 0x000FFFFFFFFFF001}});
}

TEST(CmdqRes0, NhVmidReservedWithoutStage2)
{
    // 4.4.2: without stage 2, "the VMID parameter is RES0" in CMD_TLBI_NH_*
    expect_res0(no_s2,
                {{0x0000000100000010, 0},        // TLBI_NH_ALL, VMID 1
                 {0x0001000100000011, 0},        // TLBI_NH_ASID, VMID 1, ASID 1
                 {0x0001800000000012, 0x1001},   // TLBI_NH_VA, VMID 0x8000, ASID 1
                 {0x0000000100000013, 0x1001}},  // TLBI_NH_VAA, VMID 1
                {{0x0000000000000010, 0},
                 {0xFFFF000000000011, 0},
                 {0xFFFF000000000012, 0x1001},
                 {0x0000000000000013, 0x1001}});
}

TEST(CmdqRes0, ScaleBit25ReservedWithoutDs)
{
    // 4.4.1.1: "If SMMU_IDR5.DS == 0, this field is 5 bits wide, bits [24:20]. Bit 25 is
    // RES0." TLBI_NH_VA(VMID 1, ASID 1, VA 0x1000, Leaf), TG = 4KB, NUM = 1, SCALE = 0x20 / 0x1F.
    const Cmd scale32 = {0x0001000102001012, 0x1401};
    const Cmd scale31 = {0x0001000101F01012, 0x1401};
    expect_res0(nullptr, {scale32}, {scale31});
    expect_res0(with_ds, {}, {scale32, scale31});
}

TEST(CmdqRes0, AddressBits55To48ReservedBySmmuVersion)
{
    // 4.1.6: bits [55:52] of physical and IPA address fields are RES0 in SMMUv3.1 to v3.3,
    // bits [55:48] in SMMUv3.0. TLBI_S2_IPA(VMID 1, Leaf) IPA[55:12] at [119:76]; CMD_SYNC
    // (SIG_NONE) MSIAddress[55:2] at [119:66]. Address bit n is command bit 64 + n.
    const Cmd ipa52 = {0x000000010000002A, 0x0010000000001001};
    const Cmd ipa48 = {0x000000010000002A, 0x0001000000001001};
    const Cmd ipa47 = {0x000000010000002A, 0x0000800000001001};
    const Cmd msi52 = {0x0000000000000046, 0x0010000000000000};
    const Cmd msi48 = {0x0000000000000046, 0x0001000000000000};
    const Cmd msi47 = {0x0000000000000046, 0x0000800000000000};
    expect_res0(nullptr, {ipa52, msi52}, {ipa48, msi48, ipa47, msi47}); // SMMUv3.2
    expect_res0(smmuv3_0, {ipa52, msi52, ipa48, msi48}, {ipa47, msi47});
}

// ---- errors and recovery (7.1) ---------------------------------------------------------------

TEST(CmdqError, FetchAbortGivesCerrorAbt)
{
    // 4.1.3, 7.1: an external abort reading a command is CERROR_ABT and CONS does not pass it
    Smmu d("default");
    CmdQueue q(d, kQ, 3);
    q.init();
    d.mem.add_abort(q.slot(1), q.slot(1) + 15);
    q.submit({cmd_sync(), cmd_sync(), cmd_sync(CS_IRQ)});
    EXPECT_EQ(cons_rd(q.cons()), 1u);
    EXPECT_EQ(cons_err(q.cons()), CERROR_ABT);
    EXPECT_EQ(rd32(d, off::GERROR), GERROR_CMDQ_ERR);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 0u);
    // the memory is reachable again; acknowledging restarts at CONS.RD
    d.mem.clear_aborts();
    wr32(d, off::GERRORN, GERROR_CMDQ_ERR);
    EXPECT_EQ(cons_rd(q.cons()), 3u); // ERR is UNKNOWN once the error is not active (6.3.28)
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 1u);
}

TEST(CmdqError, QueueOutsideMemoryAbortsAtTheFirstCommand)
{
    Smmu d(smmu_config_default(), 0, UINT64_C(1) << 30); // RAM below 1 GB only
    wr64(d, off::CMDQ_BASE, (UINT64_C(1) << 31) | 2);
    wr32(d, off::CMDQ_PROD, 0);
    wr32(d, off::CMDQ_CONS, 0);
    cr0_set(d, CR0_CMDQEN);
    wr32(d, off::CMDQ_PROD, 1);
    EXPECT_EQ(rd32(d, off::CMDQ_CONS), CERROR_ABT << 24);
    EXPECT_EQ(rd32(d, off::GERROR), GERROR_CMDQ_ERR);
}

TEST(CmdqError, RecoveryResumesFromConsRdAfterTheEntryIsFixed)
{
    Smmu d("default");
    CmdQueue q(d, kQ, 3);
    q.init();
    q.submit({cmd_sync(), cmd_raw(0x00), cmd_cfgi_all(), cmd_sync(CS_IRQ)});
    ASSERT_EQ(cons_rd(q.cons()), 1u);
    ASSERT_EQ(cons_err(q.cons()), CERROR_ILL);
    // 7.1: software fixes the entry, then toggles GERRORN.CMDQ_ERR; no PROD write needed
    d.mem.write64(q.slot(1), 0x46);
    d.mem.write64(q.slot(1) + 8, 0);
    wr32(d, off::GERRORN, GERROR_CMDQ_ERR);
    EXPECT_EQ(cons_rd(q.cons()), 4u);
    EXPECT_EQ(rd32(d, off::GERROR), rd32(d, off::GERRORN)) << "no error active";
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 1u);
    smmu_stats_t st = stats(d);
    EXPECT_EQ(st.commands, 4u);
    EXPECT_EQ(st.cmd_errors, 1u);
    // the queue keeps working afterwards
    q.submit({cmd_sync()});
    EXPECT_EQ(cons_rd(q.cons()), 5u);
}

TEST(CmdqError, AcknowledgingWithoutFixingRaisesTheErrorAgain)
{
    // "Commands at or after the CMDQ_CONS.RD position are fetched or re-fetched after
    // command processing is restarted": the bad command fails again; GERROR toggles again.
    Smmu d("default");
    CmdQueue q(d, kQ, 3);
    q.init();
    q.submit({cmd_raw(0x00)});
    EXPECT_EQ(rd32(d, off::GERROR), GERROR_CMDQ_ERR);
    wr32(d, off::GERRORN, GERROR_CMDQ_ERR);
    EXPECT_EQ(rd32(d, off::GERROR), 0u) << "toggled back: active again (GERROR != GERRORN)";
    EXPECT_EQ(rd32(d, off::GERRORN), GERROR_CMDQ_ERR);
    EXPECT_EQ(cons_rd(q.cons()), 0u);
    EXPECT_EQ(cons_err(q.cons()), CERROR_ILL);
    EXPECT_EQ(stats(d).cmd_errors, 2u);
}

TEST(CmdqError, ProdMayMoveBackToConsWhileTheErrorIsActive)
{
    // 7.1: while the error is active CMDQ_PROD might be moved backwards as far as CONS
    Smmu d("default");
    CmdQueue q(d, kQ, 3);
    q.init();
    q.submit({cmd_sync(), cmd_raw(0xFF), cmd_sync(CS_IRQ)});
    ASSERT_EQ(cons_rd(q.cons()), 1u);
    q.prod = 1;
    q.publish();
    wr32(d, off::GERRORN, GERROR_CMDQ_ERR);
    EXPECT_EQ(cons_rd(q.cons()), 1u);
    EXPECT_EQ(rd32(d, off::GERROR) ^ rd32(d, off::GERRORN), 0u);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 0u);
    q.submit({cmd_sync(CS_IRQ)});
    EXPECT_EQ(cons_rd(q.cons()), 2u);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 1u);
}

TEST(CmdqError, DisablingTheQueueDoesNotAcknowledgeTheError)
{
    // 6.3.28: a change to CMDQEN does not affect, or acknowledge, GERROR.CMDQ_ERR
    Smmu d("default");
    CmdQueue q(d, kQ, 3);
    q.init();
    q.submit({cmd_raw(0x00), cmd_sync()});
    cr0_clear(d, CR0_CMDQEN);
    d.mem.write64(q.slot(0), 0x46);
    cr0_set(d, CR0_CMDQEN);
    EXPECT_EQ(cons_rd(q.cons()), 0u);
    EXPECT_EQ(rd32(d, off::GERROR), GERROR_CMDQ_ERR);
    wr32(d, off::GERRORN, GERROR_CMDQ_ERR);
    EXPECT_EQ(cons_rd(q.cons()), 2u);
}

// ---- CMD_SYNC completion signals (4.7.3) ----------------------------------------------------

TEST(CmdSync, SigIrqWithMsiAddressWritesTheMsi)
{
    Smmu d("default");
    CmdQueue q(d, kQ, 3);
    q.init();
    const uint64_t msi = 0x8000040;
    q.submit({cmd_sync(CS_IRQ, msi, 0xCAFEF00D)});
    EXPECT_EQ(q.cons(), 1u);
    auto msis = d.mem.msis();
    ASSERT_EQ(msis.size(), 1u);
    EXPECT_EQ(msis[0].pa, msi);
    // "The MSI is a 32-bit word-aligned write of MSIData"
    EXPECT_EQ(msis[0].data, (std::vector<uint8_t>{0x0D, 0xF0, 0xFE, 0xCA}));
    EXPECT_EQ(d.mem.read32(msi), 0xCAFEF00Du);
    // 4.7.3: on implementations with wired interrupts the CMD_SYNC output is asserted
    // "regardless of the value of MSIAddress"
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 1u);
    EXPECT_EQ(stats(d).msis, 1u);
}

TEST(CmdSync, MsiAddressUsesBits55To2)
{
    // MSIAddress[55:2] sits at command bits [119:66]; bits [1:0] of the address are zero
    Smmu d("default");
    CmdQueue q(d, kQ, 3);
    q.init();
    q.submit({cmd_sync(CS_IRQ, UINT64_C(0xAB12345678), 7), cmd_sync(CS_IRQ, 0x1004, 8)});
    auto msis = d.mem.msis();
    ASSERT_EQ(msis.size(), 2u);
    EXPECT_EQ(msis[0].pa, UINT64_C(0xAB12345678));
    EXPECT_EQ(msis[1].pa, 0x1004u);
    EXPECT_EQ(d.mem.read32(0x1004), 8u);
}

TEST(CmdSync, SigIrqWithoutMsiAddressUsesTheWiredInterrupt)
{
    Smmu d("default");
    CmdQueue q(d, kQ, 3);
    q.init();
    q.submit({cmd_sync(CS_IRQ, 0, 0x1234)});
    EXPECT_TRUE(d.mem.msis().empty()) << "MSIAddress == 0: no MSI";
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 1u);
}

TEST(CmdSync, SigIrqWithoutMsiSupportUsesTheWiredInterrupt)
{
    // 4.7.3: "On implementations that do not support MSIs, MSIAddress and MSIData are IGNORED"
    Smmu d("qemu-virt");
    CmdQueue q(d, kQ, 3);
    q.init();
    q.submit({cmd_sync(CS_IRQ, 0x8000040, 0x1234)});
    EXPECT_EQ(q.cons(), 1u);
    EXPECT_TRUE(d.mem.msis().empty());
    EXPECT_EQ(d.mem.read32(0x8000040), 0u);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 1u);
}

TEST(CmdSync, SigNoneSignalsNothing)
{
    Smmu d("default");
    CmdQueue q(d, kQ, 3);
    q.init();
    q.submit({cmd_sync(CS_NONE, 0x8000040, 0x1234)}); // MSI fields IGNORED with SIG_NONE
    EXPECT_EQ(q.cons(), 1u);
    EXPECT_TRUE(d.mem.msis().empty());
    EXPECT_TRUE(d.mem.smmu_writes.empty());
    for (unsigned i = 0; i < SMMU_IRQ_COUNT; i++)
        EXPECT_EQ(d.mem.irq_pulses[i], 0u) << i;
}

TEST(CmdSync, SigSevSendsAnEventOnlyWithIdr0Sev)
{
    smmu_config_t c = smmu_config_default();
    c.sev = true;
    Smmu d(c);
    CmdQueue q(d, kQ, 3);
    q.init();
    q.submit({cmd_sync(CS_SEV)});
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_SEV], 1u);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 0u);

    Smmu n("default"); // IDR0.SEV == 0: SIG_SEV is SIG_NONE
    CmdQueue qn(n, kQ, 3);
    qn.init();
    qn.submit({cmd_sync(CS_SEV)});
    EXPECT_EQ(n.mem.irq_pulses[SMMU_IRQ_SEV], 0u);
}

TEST(CmdSync, ConsumptionIsObservableWhenTheInterruptIs)
{
    // 3.18, 4.7.3: "Observation of the interrupt or event means that the consumption of the
    // CMD_SYNC is observable"
    Smmu d("default");
    CmdQueue q(d, kQ, 3);
    q.init();
    std::vector<uint32_t> seen;
    d.mem.on_irq = [&](smmu_irq_t line) {
        if (line == SMMU_IRQ_CMD_SYNC) {
            seen.push_back(rd32(d, off::CMDQ_CONS));
            seen.push_back(d.mem.read32(0x8000040));
        }
    };
    q.submit({cmd_sync(), cmd_sync(CS_IRQ, 0x8000040, 0x55), cmd_sync()});
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_GE(cons_rd(seen[0]), 2u) << "CONS has passed the CMD_SYNC";
    EXPECT_EQ(seen[1], 0x55u) << "the MSI is visible too";
}

TEST(CmdSync, AbortedMsiSetsGerrorMsiCmdqAbtErr)
{
    // 3.18, 4.7.3: an aborted CMD_SYNC MSI is reported in GERROR.MSI_CMDQ_ABT_ERR; the
    // CMD_SYNC itself completes (it is not a command error)
    Smmu d("default");
    CmdQueue q(d, kQ, 3);
    q.init();
    wr32(d, off::IRQ_CTRL, IRQ_CTRL_GERROR_IRQEN); // wired GERROR interrupt
    d.mem.add_abort(0xF000000, 0xF000FFF);
    q.submit({cmd_sync(CS_IRQ, 0xF000100, 1), cmd_sync()});
    EXPECT_EQ(q.cons(), 2u);
    EXPECT_EQ(rd32(d, off::GERROR), GERROR_MSI_CMDQ_ABT_ERR);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_GERROR], 1u);
    EXPECT_EQ(stats(d).cmd_errors, 0u);
    // 7.5: while active, a second abort does not toggle GERROR or interrupt again
    q.submit({cmd_sync(CS_IRQ, 0xF000100, 2)});
    EXPECT_EQ(rd32(d, off::GERROR), GERROR_MSI_CMDQ_ABT_ERR);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_GERROR], 1u);
    // acknowledged: the next abort is a new error
    wr32(d, off::GERRORN, GERROR_MSI_CMDQ_ABT_ERR);
    q.submit({cmd_sync(CS_IRQ, 0xF000100, 3)});
    EXPECT_EQ(rd32(d, off::GERROR) ^ rd32(d, off::GERRORN), GERROR_MSI_CMDQ_ABT_ERR);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_GERROR], 2u);
}

// ---- manual consumption ----------------------------------------------------------------

TEST(CmdqManual, ConsMovesOneCommandAtATime)
{
    Smmu d("default");
    CmdQueue q(d, kQ, 3);
    q.init();
    smmu_set_cmdq_manual(d.s, true);
    q.submit({cmd_cfgi_all(), cmd_tlbi_nsnh_all(), cmd_sync(CS_IRQ), cmd_sync()});
    EXPECT_EQ(q.cons(), 0u);
    EXPECT_EQ(smmu_cmdq_pending(d.s), 4u);
    EXPECT_EQ(smmu_cmdq_process(d.s, 1), 1u);
    EXPECT_EQ(q.cons(), 1u);
    EXPECT_EQ(smmu_cmdq_process(d.s, 1), 1u);
    EXPECT_EQ(q.cons(), 2u);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 0u);
    EXPECT_EQ(smmu_cmdq_process(d.s, 1), 1u);
    EXPECT_EQ(q.cons(), 3u);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 1u);
    EXPECT_EQ(smmu_cmdq_pending(d.s), 1u);
    EXPECT_EQ(smmu_cmdq_process(d.s, 0), 1u);
    EXPECT_EQ(smmu_cmdq_process(d.s, 0), 0u);
    EXPECT_EQ(q.cons(), 4u);
}

TEST(CmdqManual, ProcessAllAndBackToAutomatic)
{
    Smmu d("default");
    CmdQueue q(d, kQ, 3);
    q.init();
    smmu_set_cmdq_manual(d.s, true);
    q.submit({cmd_sync(), cmd_sync(), cmd_sync()});
    EXPECT_EQ(smmu_cmdq_process(d.s, 2), 2u);
    EXPECT_EQ(q.cons(), 2u);
    smmu_set_cmdq_manual(d.s, false); // automatic again: the rest is consumed at once
    EXPECT_EQ(q.cons(), 3u);
    q.submit({cmd_sync()});
    EXPECT_EQ(q.cons(), 4u);
}

TEST(CmdqManual, NothingToProcessWhenDisabledOrInError)
{
    Smmu d("default");
    CmdQueue q(d, kQ, 3);
    q.init(false);
    smmu_set_cmdq_manual(d.s, true);
    q.submit({cmd_raw(0x00), cmd_sync()});
    EXPECT_EQ(smmu_cmdq_pending(d.s), 0u) << "CMDQEN == 0";
    EXPECT_EQ(smmu_cmdq_process(d.s, 0), 0u);
    cr0_set(d, CR0_CMDQEN);
    EXPECT_EQ(q.cons(), 0u) << "manual: enabling does not consume";
    EXPECT_EQ(smmu_cmdq_process(d.s, 0), 0u);
    EXPECT_EQ(cons_err(q.cons()), CERROR_ILL);
    EXPECT_EQ(smmu_cmdq_pending(d.s), 0u) << "error active";
    EXPECT_EQ(smmu_cmdq_process(d.s, 0), 0u);
}

TEST(CmdqSev, QueueBecomingNonFullSendsAnEventWithIdr0Sev)
{
    // 4.1.2: with IDR0.SEV == 1 a WFE wake-up event is sent when the queue becomes non-full
    smmu_config_t c = smmu_config_default();
    c.sev = true;
    Smmu d(c);
    CmdQueue q(d, kQ, 2);
    q.init();
    smmu_set_cmdq_manual(d.s, true);
    q.submit({cmd_sync(), cmd_sync(), cmd_sync(), cmd_sync()}); // full
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_SEV], 0u);
    smmu_cmdq_process(d.s, 1);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_SEV], 1u);
    smmu_cmdq_process(d.s, 0);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_SEV], 1u) << "only the full -> non-full transition";
}

// ---- ATC invalidation completion (4.5.1, 4.7.3) ----------------------------------------

// ATC_INV is IGNORED while SMMUEN == 0 (4.5.1): enable the SMMU with an (unused) table.
void enable_smmu(Smmu& d)
{
    wr64(d, off::STRTAB_BASE, 0x100000);
    wr32(d, off::STRTAB_BASE_CFG, 4);
    cr0_set(d, CR0_SMMUEN);
}

TEST(AtcInv, PendingInvalidationHoldsTheNextCmdSync)
{
    Smmu d("default");
    enable_smmu(d);
    CmdQueue q(d, kQ, 3);
    q.init();
    d.mem.atc_answer = SMMU_ATC_PENDING;
    q.submit({cmd_atc_inv(0x18, 0x12345000, 2, true, 0x77), cmd_sync(CS_IRQ), cmd_cfgi_all()});
    ASSERT_EQ(d.mem.atc_invs.size(), 1u);
    const smmu_atc_inv_t& inv = d.mem.atc_invs[0];
    EXPECT_EQ(inv.stream_id, 0x18u);
    EXPECT_TRUE(inv.ssv);
    EXPECT_EQ(inv.substream_id, 0x77u);
    EXPECT_FALSE(inv.global);
    EXPECT_EQ(inv.size, 4096u << 2);    // span 4096 * 2^Size
    EXPECT_EQ(inv.addr, 0x12344000u);   // aligned to the span: Address[11+Size:0] == 0
    EXPECT_EQ(q.cons(), 1u) << "the CMD_SYNC waits: not consumed";
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 0u);
    EXPECT_EQ(rd32(d, off::GERROR), 0u);
    wr32(d, off::CMDQ_PROD, q.prod); // re-kicking does not complete it either
    EXPECT_EQ(q.cons(), 1u);
    smmu_atc_inv_complete(d.s);
    EXPECT_EQ(q.cons(), 3u);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 1u);
}

TEST(AtcInv, SyncWaitsForEveryPendingInvalidation)
{
    Smmu d("default");
    enable_smmu(d);
    CmdQueue q(d, kQ, 3);
    q.init();
    d.mem.atc_answer = SMMU_ATC_PENDING;
    q.submit({cmd_atc_inv(1, 0, 52), cmd_atc_inv(2, 0, 52), cmd_sync()});
    EXPECT_EQ(q.cons(), 2u);
    smmu_atc_inv_complete(d.s);
    EXPECT_EQ(q.cons(), 2u);
    smmu_atc_inv_complete(d.s);
    EXPECT_EQ(q.cons(), 3u);
}

TEST(AtcInv, GlobalIsIgnoredWithoutSsvAndSentWithIt)
{
    Smmu d("default");
    enable_smmu(d);
    CmdQueue q(d, kQ, 3);
    q.init();
    q.submit({cmd_atc_inv(1, 0, 52, false, 0, true), cmd_atc_inv(1, 0, 52, true, 4, true)});
    ASSERT_EQ(d.mem.atc_invs.size(), 2u);
    EXPECT_FALSE(d.mem.atc_invs[0].global);
    EXPECT_TRUE(d.mem.atc_invs[1].global);
    EXPECT_EQ(d.mem.atc_invs[0].size, UINT64_MAX); // Size == 52: everything
}

TEST(AtcInv, IgnoredWhileSmmuIsDisabled)
{
    // 4.5.1: IGNORED (consumed without effect) when SMMUEN == 0
    Smmu d("default");
    CmdQueue q(d, kQ, 3);
    q.init();
    d.mem.atc_answer = SMMU_ATC_PENDING;
    q.submit({cmd_atc_inv(1, 0, 0), cmd_sync()});
    EXPECT_TRUE(d.mem.atc_invs.empty());
    EXPECT_EQ(q.cons(), 2u);
}

TEST(AtcInv, TimeoutGivesCerrorAtcInvSyncOnTheSync)
{
    Smmu d("default");
    enable_smmu(d);
    CmdQueue q(d, kQ, 3);
    q.init();
    d.mem.atc_answer = SMMU_ATC_TIMEOUT;
    q.submit({cmd_atc_inv(1, 0x1000, 0), cmd_tlbi_nsnh_all(), cmd_sync(CS_IRQ)});
    // 4.7.3: the CMD_SYNC is not consumed, RD points at it, no completion signal
    EXPECT_EQ(cons_rd(q.cons()), 2u);
    EXPECT_EQ(cons_err(q.cons()), CERROR_ATC_INV_SYNC);
    EXPECT_EQ(rd32(d, off::GERROR), GERROR_CMDQ_ERR);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 0u);
    // after the error is acknowledged the CMD_SYNC is fetched again and completes
    wr32(d, off::GERRORN, GERROR_CMDQ_ERR);
    EXPECT_EQ(cons_rd(q.cons()), 3u);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_CMD_SYNC], 1u);
}

TEST(AtcInv, ManualModeStopsAtTheWaitingSync)
{
    Smmu d("default");
    enable_smmu(d);
    CmdQueue q(d, kQ, 3);
    q.init();
    smmu_set_cmdq_manual(d.s, true);
    d.mem.atc_answer = SMMU_ATC_PENDING;
    q.submit({cmd_atc_inv(1, 0, 0), cmd_sync(), cmd_sync()});
    EXPECT_EQ(smmu_cmdq_process(d.s, 0), 1u);
    EXPECT_EQ(smmu_cmdq_process(d.s, 0), 0u);
    smmu_atc_inv_complete(d.s);
    EXPECT_EQ(q.cons(), 1u) << "manual mode: the host consumes";
    EXPECT_EQ(smmu_cmdq_process(d.s, 0), 2u);
    EXPECT_EQ(q.cons(), 3u);
}

}  // namespace
}  // namespace regs_test
