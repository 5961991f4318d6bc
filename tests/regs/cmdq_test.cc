// SPDX-License-Identifier: Apache-2.0
// The command queue as software drives it: consumption (4.1.2, 4.1.4), index and wrap
// arithmetic (3.5.1, 6.3.26 - 6.3.28), opcode decoding and validity (4.1.1, 4.1.3, chapter 4),
// command errors and recovery (7.1), CMD_SYNC completion signals (4.7.3, 3.18), manual
// consumption and ATC invalidation completion (4.5.1, 4.7.3).
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
    // them; the default configuration ignores them (cmd_res0_check = false).
    Smmu d("default");
    CmdQueue q(d, kQ, 2);
    q.init();
    q.submit({cmd_raw(0x30, UINT64_C(0xFFFF) << 32, 0xFFF0), cmd_raw(0x46, 1u << 8)});
    EXPECT_EQ(q.cons(), 2u);
    EXPECT_EQ(rd32(d, off::GERROR), 0u);
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
