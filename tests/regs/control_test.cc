// SPDX-License-Identifier: Apache-2.0
// Control registers with an Update handshake: CR0/CR0ACK (6.3.9, 6.3.10), GBPA (6.3.14) and
// IRQ_CTRL/IRQ_CTRLACK (6.3.16, 6.3.18), and the behaviour of transactions while SMMUEN == 0.
#include "regs_util.h"

namespace regs_test {
namespace {

// ---- CR0 / CR0ACK ----------------------------------------------------------------------

TEST(Cr0, EachFieldIsAcknowledged)
{
    // 6.3.9: each field Updates independently and CR0ACK shows the value once Updated; this
    // model completes every Update before the write returns (model choice, regs.c).
    Smmu d("default");
    const uint32_t fields[] = {CR0_SMMUEN, CR0_PRIQEN, CR0_EVENTQEN, CR0_CMDQEN, CR0_ATSCHK,
                               cr0_vmw(1), cr0_vmw(4), cr0_vmw(7)};
    for (uint32_t f : fields) {
        wr32(d, off::CR0, f);
        EXPECT_EQ(rd32(d, off::CR0), f) << std::hex << f;
        EXPECT_EQ(rd32(d, off::CR0ACK), f) << std::hex << f;
    }
    wr32(d, off::CR0, 0);
    EXPECT_EQ(rd32(d, off::CR0ACK), 0u);
}

TEST(Cr0, FieldsUpdateIndependently)
{
    Smmu d("default");
    cr0_set(d, CR0_CMDQEN);
    cr0_set(d, CR0_EVENTQEN);
    cr0_set(d, CR0_SMMUEN);
    EXPECT_EQ(rd32(d, off::CR0ACK), CR0_CMDQEN | CR0_EVENTQEN | CR0_SMMUEN);
    cr0_clear(d, CR0_EVENTQEN);
    EXPECT_EQ(rd32(d, off::CR0ACK), CR0_CMDQEN | CR0_SMMUEN);
}

TEST(Cr0, ReservedBitsAreNotReflected)
{
    // 6.3.9: bits [31:11], 9 and 5 are RES0 (DPT_WALK_EN [10] without IDR3.DPT); "Reserved
    // fields in SMMU_CR0 are not reflected in SMMU_CR0ACK".
    Smmu d("default");
    wr32(d, off::CR0, 0xFFFFFE20u);
    EXPECT_EQ(rd32(d, off::CR0), 0u);
    EXPECT_EQ(rd32(d, off::CR0ACK), 0u);
}

TEST(Cr0, FeatureFieldsAreRes0WithoutTheFeature)
{
    // PRIQEN needs IDR0.PRI, ATSCHK IDR0.ATS, VMW IDR0.VMW (6.3.9)
    Smmu d("qemu-virt");
    wr32(d, off::CR0, CR0_PRIQEN | CR0_ATSCHK | cr0_vmw(2) | CR0_CMDQEN);
    EXPECT_EQ(rd32(d, off::CR0), CR0_CMDQEN);
    EXPECT_EQ(rd32(d, off::CR0ACK), CR0_CMDQEN);
}

TEST(Cr0, EnablingTheCommandQueueStartsProcessing)
{
    // 6.3.9.3: when CMDQEN completes Update to 1 the SMMU begins processing if non-empty
    Smmu d("default");
    CmdQueue q(d, 0x10000, 3);
    q.init(false);
    q.submit({cmd_sync(), cmd_sync()});
    EXPECT_EQ(q.cons(), 0u) << "commands are not fetched while CMDQEN == 0";
    cr0_set(d, CR0_CMDQEN);
    EXPECT_EQ(q.cons(), 2u);
}

TEST(Cr0, DisablingTheCommandQueueStopsProcessing)
{
    Smmu d("default");
    CmdQueue q(d, 0x10000, 3);
    q.init();
    q.submit({cmd_sync()});
    EXPECT_EQ(q.cons(), 1u);
    cr0_clear(d, CR0_CMDQEN);
    q.submit({cmd_sync(), cmd_sync()});
    EXPECT_EQ(q.cons(), 1u) << "6.3.9.3: commands are not fetched when CMDQEN == 0";
    cr0_set(d, CR0_CMDQEN);
    EXPECT_EQ(q.cons(), 3u);
}

// ---- GBPA ------------------------------------------------------------------------------

TEST(Gbpa, WriteWithUpdateAppliesAndCompletes)
{
    // 6.3.14.1: written with Update = 1; the SMMU clears Update when the attributes apply
    Smmu d("default");
    wr32(d, off::GBPA, GBPA_UPDATE | GBPA_ABORT | (2u << 12) | (3u << 16) | (2u << 18) | 0x1Fu);
    EXPECT_EQ(rd32(d, off::GBPA), GBPA_ABORT | (2u << 12) | (3u << 16) | (2u << 18) | 0x1Fu);
    wr32(d, off::GBPA, GBPA_UPDATE | (1u << 12));
    EXPECT_EQ(rd32(d, off::GBPA), 1u << 12);
}

TEST(Gbpa, WriteWithoutUpdateIsIgnored)
{
    // 6.3.14.1: "If this register is written without simultaneously setting Update to 1 ...
    // The write is IGNORED. This is the only permitted behavior in SMMUv3.2 and later."
    Smmu d("qemu-virt");
    EXPECT_EQ(rd32(d, off::GBPA), 0x1000u);
    wr32(d, off::GBPA, GBPA_ABORT);
    EXPECT_EQ(rd32(d, off::GBPA), 0x1000u);
    wr32(d, off::GBPA, 0);
    EXPECT_EQ(rd32(d, off::GBPA), 0x1000u);
}

smmu_xlate_t txn(Smmu& d, uint32_t sid, uint64_t iova, bool write)
{
    smmu_txn_t t{};
    t.stream_id = sid;
    t.iova = iova;
    t.size = 8;
    t.write = write;
    smmu_xlate_t x{};
    smmu_translate(d.s, &t, &x);
    return x;
}

TEST(Gbpa, DisabledSmmuBypassesOrAbortsPerGbpaAbort)
{
    // 6.3.9.6: with SMMUEN == 0 transactions bypass with GBPA attributes when GBPA.ABORT == 0
    // and are terminated with abort when GBPA.ABORT == 1; no event is recorded (7.2.1).
    Smmu d("default");
    EventRig ev(d, 3);
    ev.init(4, CR2_RECINVSID, /*enable_smmu=*/false);
    smmu_xlate_t x = txn(d, 5, 0x12345678, false);
    EXPECT_EQ(x.status, SMMU_XLATE_BYPASS);
    EXPECT_EQ(x.pa, 0x12345678u);

    wr32(d, off::GBPA, GBPA_UPDATE | GBPA_ABORT);
    x = txn(d, 5, 0x12345678, true);
    EXPECT_EQ(x.status, SMMU_XLATE_ABORT);
    x = txn(d, 0xFFFF, 0x1000, false); // even an out-of-range StreamID: no C_BAD_STREAMID
    EXPECT_EQ(x.status, SMMU_XLATE_ABORT);

    wr32(d, off::GBPA, GBPA_UPDATE);
    x = txn(d, 5, 0xABC000, true);
    EXPECT_EQ(x.status, SMMU_XLATE_BYPASS);
    EXPECT_EQ(x.pa, 0xABC000u);
    EXPECT_EQ(ev.prod(), 0u) << "no event while SMMUEN == 0";
}

TEST(Gbpa, UpdateWithoutUpdateBitDoesNotChangeTheBypassBehaviour)
{
    Smmu d("default");
    wr32(d, off::GBPA, GBPA_ABORT); // ignored: Update == 0
    EXPECT_EQ(txn(d, 1, 0x4000, false).status, SMMU_XLATE_BYPASS);
    wr32(d, off::GBPA, GBPA_UPDATE | GBPA_ABORT);
    EXPECT_EQ(txn(d, 1, 0x4000, false).status, SMMU_XLATE_ABORT);
}

TEST(Gbpa, GbpaDoesNotApplyOnceSmmuIsEnabled)
{
    // With SMMUEN == 1 the Stream table is used: an STE with V == 0 gives C_BAD_STE, even
    // though GBPA says bypass.
    Smmu d("default");
    EventRig ev(d, 3);
    ev.init();
    smmu_xlate_t x = txn(d, 3, 0x1000, false);
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT);
    EXPECT_EQ(x.event.type, EVT_C_BAD_STE);
    cr0_clear(d, CR0_SMMUEN);
    EXPECT_EQ(txn(d, 3, 0x1000, false).status, SMMU_XLATE_BYPASS);
}

// ---- IRQ_CTRL / IRQ_CTRLACK -----------------------------------------------------------

TEST(IrqCtrl, EachEnableIsAcknowledged)
{
    // 6.3.16, 6.3.18: IRQ_CTRLACK shows each field once its Update completed
    Smmu d("default");
    for (uint32_t v : {IRQ_CTRL_GERROR_IRQEN, IRQ_CTRL_PRIQ_IRQEN, IRQ_CTRL_EVENTQ_IRQEN, 7u, 0u}) {
        wr32(d, off::IRQ_CTRL, v);
        EXPECT_EQ(rd32(d, off::IRQ_CTRL), v);
        EXPECT_EQ(rd32(d, off::IRQ_CTRLACK), v);
    }
}

TEST(IrqCtrl, ReservedAndAbsentFieldsAreNotReflected)
{
    Smmu d("qemu-virt"); // no PRI: PRIQ_IRQEN is RES0
    wr32(d, off::IRQ_CTRL, 0xFFFFFFFF);
    EXPECT_EQ(rd32(d, off::IRQ_CTRL), IRQ_CTRL_GERROR_IRQEN | IRQ_CTRL_EVENTQ_IRQEN);
    EXPECT_EQ(rd32(d, off::IRQ_CTRLACK), IRQ_CTRL_GERROR_IRQEN | IRQ_CTRL_EVENTQ_IRQEN);
}

TEST(IrqCtrl, DisabledSourcesDoNotInterrupt)
{
    // 3.18.2: each source is enabled individually through IRQ_CTRL
    Smmu d("default");
    CmdQueue q(d, 0x10000, 3);
    q.init();
    wr64(d, off::GERROR_IRQ_CFG0, 0x9000);
    wr32(d, off::GERROR_IRQ_CFG1, 0x77);
    q.submit({cmd_raw(0x00)}); // reserved opcode: CERROR_ILL, GERROR.CMDQ_ERR
    EXPECT_EQ(rd32(d, off::GERROR), GERROR_CMDQ_ERR);
    EXPECT_EQ(d.mem.irq_pulses[SMMU_IRQ_GERROR], 0u);
    EXPECT_TRUE(d.mem.msis().empty());
}

}  // namespace
}  // namespace regs_test
