// SPDX-License-Identifier: Apache-2.0
// The initialisation sequence of a Linux arm-smmu-v3 driver (probe and device reset), as
// summarised in the reference (2.8) from 6.3.26 and 4.3: probe the ID registers, disable,
// set up the queues and the stream table, enable the queues, invalidate everything, set up
// interrupts, enable the SMMU. Every value the driver reads back is checked.
#include "regs_util.h"

namespace regs_test {
namespace {

constexpr uint64_t kStrtab = 0x40100000; // 2-level stream table: L1 descriptors
constexpr uint64_t kL2 = 0x40200000;     // one L2 table (256 STEs, SPLIT = 8)
constexpr uint64_t kCmdq = 0x40300000;
constexpr uint64_t kEvtq = 0x40400000;
constexpr uint64_t kPriq = 0x40500000;
constexpr uint64_t kGerrorMsi = 0x08020040;
constexpr uint64_t kEvtqMsi = 0x08020044;
constexpr uint64_t kPriqMsi = 0x08020048;

TEST(LinuxInit, DriverSequenceOnDefaultConfiguration)
{
    Smmu d("default");

    // ---- arm_smmu_device_hw_probe(): the ID registers ----
    const uint32_t idr0 = rd32(d, off::IDR0);
    const uint32_t idr1 = rd32(d, off::IDR1);
    const uint32_t idr3 = rd32(d, off::IDR3);
    const uint32_t idr5 = rd32(d, off::IDR5);
    EXPECT_EQ(idr0, 0x080F369Bu);
    EXPECT_EQ(idr1, 0x0E739D10u);
    EXPECT_EQ(idr3, 0x00000C14u);
    EXPECT_EQ(idr5, 0x00400075u);
    EXPECT_EQ(rd32(d, off::IIDR), 0u);
    EXPECT_EQ((idr0 >> 27) & 3, 1u) << "ST_LEVEL: 2-level stream tables";
    EXPECT_EQ((idr0 >> 2) & 3, 2u) << "TTF: AArch64";
    EXPECT_EQ((idr1 >> 29) & 3, 0u) << "no TABLES_PRESET / QUEUES_PRESET";
    const unsigned cmdq_log2 = 8, evtq_log2 = 7, priq_log2 = 6; // all <= the IDR1 maxima

    // ---- arm_smmu_device_reset(): disable ----
    EXPECT_EQ(rd32(d, off::CR0), 0u);
    wr32(d, off::CR0, 0);
    EXPECT_EQ(rd32(d, off::CR0ACK), 0u);

    // CR1: tables and queues Inner Shareable, Write-Back (Linux: 0xd75)
    wr32(d, off::CR1, 0xD75);
    // CR2: PTM | RECINVSID (PTM is RES0 without IDR0.BTM)
    wr32(d, off::CR2, CR2_PTM | CR2_RECINVSID);
    EXPECT_EQ(rd32(d, off::CR1), 0xD75u);
    EXPECT_EQ(rd32(d, off::CR2), CR2_RECINVSID);

    // ---- stream table: 2-level, SPLIT = 8, LOG2SIZE = SIDSIZE = 16 ----
    // L1STD for StreamIDs 0x000-0x0FF: Span [4:0] = SPLIT + 1, L2Ptr [55:6] (5.1)
    d.mem.write64(kStrtab, kL2 | 9);
    // STE for StreamID 8: V = 1, Config = 0b000 (abort, no event); others V = 0
    d.mem.write64(kL2 + 8 * 64, 0x1);
    wr64(d, off::STRTAB_BASE, Q_BASE_RWA | kStrtab);
    wr32(d, off::STRTAB_BASE_CFG, (1u << 16) | (8u << 6) | 16u);
    EXPECT_EQ(rd64(d, off::STRTAB_BASE), Q_BASE_RWA | kStrtab);
    EXPECT_EQ(rd32(d, off::STRTAB_BASE_CFG), 0x10210u);

    // ---- command queue ----
    wr64(d, off::CMDQ_BASE, Q_BASE_RWA | kCmdq | cmdq_log2);
    wr32(d, off::CMDQ_PROD, 0);
    wr32(d, off::CMDQ_CONS, 0);
    EXPECT_EQ(rd64(d, off::CMDQ_BASE), Q_BASE_RWA | kCmdq | cmdq_log2);
    wr32(d, off::CR0, CR0_CMDQEN);
    EXPECT_EQ(rd32(d, off::CR0ACK), CR0_CMDQEN);

    // invalidate any cached configuration and TLB entries (4.3.5, 4.4.3, 4.4.5, 4.7.3)
    CmdQueue q(d, kCmdq, cmdq_log2);
    q.submit({cmd_cfgi_all(), cmd_sync(CS_SEV)});
    EXPECT_EQ(rd32(d, off::CMDQ_CONS), 2u);
    q.submit({cmd_raw(0x20), cmd_tlbi_nsnh_all(), cmd_sync(CS_SEV)}); // TLBI_EL2_ALL (Hyp)
    EXPECT_EQ(rd32(d, off::CMDQ_CONS), 5u);
    EXPECT_EQ(rd32(d, off::GERROR), 0u);

    // ---- event queue ----
    wr64(d, off::EVENTQ_BASE, Q_BASE_RWA | kEvtq | evtq_log2);
    wr32(d, off::EVENTQ_PROD, 0);
    wr32(d, off::EVENTQ_CONS, 0);
    EXPECT_EQ(rd64(d, off::EVENTQ_BASE), Q_BASE_RWA | kEvtq | evtq_log2);
    wr32(d, off::CR0, CR0_CMDQEN | CR0_EVENTQEN);
    EXPECT_EQ(rd32(d, off::CR0ACK), CR0_CMDQEN | CR0_EVENTQEN);

    // ---- PRI queue ----
    wr64(d, off::PRIQ_BASE, Q_BASE_RWA | kPriq | priq_log2);
    wr32(d, off::PRIQ_PROD, 0);
    wr32(d, off::PRIQ_CONS, 0);
    EXPECT_EQ(rd64(d, off::PRIQ_BASE), Q_BASE_RWA | kPriq | priq_log2);
    const uint32_t queues = CR0_CMDQEN | CR0_EVENTQEN | CR0_PRIQEN;
    wr32(d, off::CR0, queues);
    EXPECT_EQ(rd32(d, off::CR0ACK), queues);

    // ---- interrupts: disable, program MSIs, enable ----
    wr32(d, off::IRQ_CTRL, 0);
    EXPECT_EQ(rd32(d, off::IRQ_CTRLACK), 0u);
    wr64(d, off::GERROR_IRQ_CFG0, kGerrorMsi);
    wr32(d, off::GERROR_IRQ_CFG1, 0x1001);
    wr32(d, off::GERROR_IRQ_CFG2, 0x1); // Device-nGnRE
    wr64(d, off::EVENTQ_IRQ_CFG0, kEvtqMsi);
    wr32(d, off::EVENTQ_IRQ_CFG1, 0x1002);
    wr32(d, off::EVENTQ_IRQ_CFG2, 0x1);
    wr64(d, off::PRIQ_IRQ_CFG0, kPriqMsi);
    wr32(d, off::PRIQ_IRQ_CFG1, 0x1003);
    wr32(d, off::PRIQ_IRQ_CFG2, 0x1);
    const uint32_t irqs = IRQ_CTRL_GERROR_IRQEN | IRQ_CTRL_PRIQ_IRQEN | IRQ_CTRL_EVENTQ_IRQEN;
    wr32(d, off::IRQ_CTRL, irqs);
    EXPECT_EQ(rd32(d, off::IRQ_CTRLACK), irqs);
    EXPECT_EQ(rd64(d, off::GERROR_IRQ_CFG0), kGerrorMsi);
    EXPECT_EQ(rd64(d, off::EVENTQ_IRQ_CFG0), kEvtqMsi);
    EXPECT_EQ(rd64(d, off::PRIQ_IRQ_CFG0), kPriqMsi);

    // ---- enable the SMMU (ATSCHK as Linux sets it with ATS) ----
    const uint32_t all = queues | CR0_ATSCHK | CR0_SMMUEN;
    wr32(d, off::CR0, all);
    EXPECT_EQ(rd32(d, off::CR0), all);
    EXPECT_EQ(rd32(d, off::CR0ACK), all);
    EXPECT_EQ(rd32(d, off::GBPA) & GBPA_UPDATE, 0u);
    EXPECT_EQ(rd32(d, off::GERROR), rd32(d, off::GERRORN));
    EXPECT_TRUE(d.mem.msis().empty()) << "nothing to report yet";

    // ---- the result as the driver sees it afterwards ----
    // StreamID 8: STE Config = abort: terminated without an event (5.2)
    smmu_txn_t t{};
    t.stream_id = 8;
    t.iova = 0x1000;
    smmu_xlate_t x{};
    smmu_translate(d.s, &t, &x);
    EXPECT_EQ(x.status, SMMU_XLATE_ABORT);
    EXPECT_EQ(rd32(d, off::EVENTQ_PROD), 0u);
    // StreamID 0x10: STE V == 0 -> C_BAD_STE, EVENTQ MSI
    t.stream_id = 0x10;
    smmu_translate(d.s, &t, &x);
    EXPECT_EQ(rd32(d, off::EVENTQ_PROD), 1u);
    EXPECT_EQ(d.mem.read64(kEvtq), (UINT64_C(0x10) << 32) | 0x04);
    // StreamID 0x100: its L1STD has Span == 0 -> C_BAD_STREAMID (7.3.3, RECINVSID == 1)
    t.stream_id = 0x100;
    smmu_translate(d.s, &t, &x);
    EXPECT_EQ(rd32(d, off::EVENTQ_PROD), 2u);
    EXPECT_EQ(d.mem.read64(kEvtq + 32), (UINT64_C(0x100) << 32) | 0x02);
    auto msis = d.mem.msis();
    ASSERT_EQ(msis.size(), 1u) << "one EVENTQ MSI: empty -> non-empty";
    EXPECT_EQ(msis[0].pa, kEvtqMsi);
    EXPECT_EQ(d.mem.read32(kEvtqMsi), 0x1002u);
    // the driver consumes the events and acknowledges
    wr32(d, off::EVENTQ_CONS, 2);
    EXPECT_EQ(rd32(d, off::EVENTQ_CONS), 2u);

    // arm_smmu_cmdq_issue_cmd_with_sync(): a CFGI_STE + CMD_SYNC with an MSI to poll
    q.submit({cmd_cfgi_ste(0x10), cmd_sync(CS_IRQ, 0x40600000, 0)});
    EXPECT_EQ(rd32(d, off::CMDQ_CONS), 7u);
    EXPECT_EQ(d.mem.msis().size(), 2u);

    // ---- shutdown: arm_smmu_device_disable() ----
    wr32(d, off::CR0, 0);
    EXPECT_EQ(rd32(d, off::CR0ACK), 0u);
    EXPECT_EQ(rd32(d, off::GERROR), rd32(d, off::GERRORN));
}

TEST(LinuxInit, DriverSequenceOnQemuVirt)
{
    // The same sequence against the "qemu-virt" preset: no MSIs (wired interrupts), no PRI,
    // no ATS, no Hyp; the values the real driver read from QEMU (traces/data/boot_strict).
    Smmu d("qemu-virt");
    EXPECT_EQ(rd32(d, off::IDR0), 0x0d44101bu);
    EXPECT_EQ(rd32(d, off::IDR1), 0x02730010u);
    EXPECT_EQ(rd32(d, off::IDR3), 0x1414u);
    EXPECT_EQ(rd32(d, off::IDR5), 0x74u);
    EXPECT_EQ(rd32(d, off::IIDR), 0u);
    EXPECT_EQ(rd32(d, off::CR0), 0u);
    wr32(d, off::CR0, 0);
    EXPECT_EQ(rd32(d, off::CR0ACK), 0u);
    wr32(d, off::CR1, 0xD75);
    wr32(d, off::CR2, 6);
    wr64(d, off::STRTAB_BASE, 0x40000000439F2000);
    wr32(d, off::STRTAB_BASE_CFG, 0x10210);
    wr64(d, off::CMDQ_BASE, 0x400000007AB00010); // LOG2SIZE 16
    wr32(d, off::CMDQ_PROD, 0);
    wr32(d, off::CMDQ_CONS, 0);
    wr32(d, off::CR0, CR0_CMDQEN);
    EXPECT_EQ(rd32(d, off::CR0ACK), CR0_CMDQEN);
    CmdQueue q(d, 0x7AB00000, 16);
    q.submit({cmd_cfgi_all(), cmd_sync(CS_SEV)});
    EXPECT_EQ(rd32(d, off::CMDQ_CONS), 2u);
    q.submit({cmd_tlbi_nsnh_all(), cmd_sync(CS_SEV)});
    EXPECT_EQ(rd32(d, off::CMDQ_CONS), 4u);
    wr64(d, off::EVENTQ_BASE, 0x400000007AC0000F);
    wr32(d, 0xA8, 0); // Page-0 aliases, as QEMU traces them
    wr32(d, 0xAC, 0);
    wr32(d, off::CR0, CR0_CMDQEN | CR0_EVENTQEN);
    EXPECT_EQ(rd32(d, off::CR0ACK), CR0_CMDQEN | CR0_EVENTQEN);
    wr32(d, off::IRQ_CTRL, 0);
    EXPECT_EQ(rd32(d, off::IRQ_CTRLACK), 0u);
    wr64(d, off::GERROR_IRQ_CFG0, 0);
    wr64(d, off::EVENTQ_IRQ_CFG0, 0);
    wr32(d, off::IRQ_CTRL, IRQ_CTRL_GERROR_IRQEN | IRQ_CTRL_EVENTQ_IRQEN);
    EXPECT_EQ(rd32(d, off::IRQ_CTRLACK), 5u);
    wr32(d, off::CR0, CR0_CMDQEN | CR0_EVENTQEN | CR0_SMMUEN);
    EXPECT_EQ(rd32(d, off::CR0ACK), 0xDu);
    EXPECT_EQ(rd32(d, off::GBPA), 0x1000u);
    EXPECT_EQ(rd32(d, off::GERROR), 0u);
}

}  // namespace
}  // namespace regs_test
