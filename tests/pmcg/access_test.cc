// SPDX-License-Identifier: Apache-2.0
// Access rules of the PMCG register frame (10.5, 10.5.2): sizes, strides, RES0 bits, the
// W1S/W1C pairs, read-only and write-only registers, the IRQ_CTRL handshake and the Guarded
// MSI configuration.
#include "pmcg_util.h"

namespace pmcg_test {
namespace {

// smmu_pmcg_read/write: a bad group, size or alignment is SMMU_E_INVAL.
TEST(PmcgAccess, BadAccessesAreRefused)
{
    Rig r;  // one group
    uint64_t v = 7;
    EXPECT_EQ(smmu_pmcg_read(r.s, 1, pm::CFGR, 4, &v), SMMU_E_INVAL);
    EXPECT_EQ(v, 0u);
    EXPECT_EQ(smmu_pmcg_write(r.s, 1, pm::CR, 4, 1), SMMU_E_INVAL);
    for (unsigned size : {1u, 2u, 3u, 16u})
        EXPECT_EQ(smmu_pmcg_read(r.s, 0, pm::CFGR, size, &v), SMMU_E_INVAL) << size;
    EXPECT_EQ(smmu_pmcg_read(r.s, 0, pm::CFGR + 2, 4, &v), SMMU_E_INVAL);
    EXPECT_EQ(smmu_pmcg_read(r.s, 0, pm::CNTENSET0 + 4, 8, &v), SMMU_E_INVAL);
    EXPECT_EQ(smmu_pmcg_write(r.s, 0, pm::CR + 1, 4, 1), SMMU_E_INVAL);
    EXPECT_EQ(r.r32(0, pm::CR), 0u);
    // No Page 1 (CFGR.RELOC_CTRS == 0): offsets from 0x1000 do not exist.
    EXPECT_EQ(smmu_pmcg_read(r.s, 0, 0x1000, 4, &v), SMMU_E_INVAL);
    EXPECT_EQ(smmu_pmcg_read(r.s, 0, 0x1C80, 8, &v), SMMU_E_INVAL);
    EXPECT_EQ(smmu_pmcg_read(r.s, 0, pm::CFGR, 4, nullptr), SMMU_E_INVAL);
    EXPECT_EQ(smmu_pmcg_read(nullptr, 0, pm::CFGR, 4, &v), SMMU_E_INVAL);
}

TEST(PmcgAccess, NoGroupsMeansNoFrames)
{
    Rig r(config(0, 8, 48));
    uint64_t v;
    EXPECT_EQ(smmu_pmcg_read(r.s, 0, pm::CFGR, 4, &v), SMMU_E_INVAL);
    EXPECT_EQ(smmu_pmcg_write(r.s, 0, pm::CR, 4, 1), SMMU_E_INVAL);
    smmu_advance_cycles(r.s, 10);  // harmless
}

// 10.5: aligned 32-bit accesses to 64-bit registers reach either half.
TEST(PmcgAccess, ThirtyTwoBitHalvesOf64BitRegisters)
{
    Rig r(config(1, 64, 64));
    r.w32(0, pm::CNTENSET0 + 4, 0x80000001u);  // counters 32 and 63
    EXPECT_EQ(r.r64(0, pm::CNTENSET0), UINT64_C(0x8000000100000000));
    EXPECT_EQ(r.r32(0, pm::CNTENCLR0 + 4), 0x80000001u);
    EXPECT_EQ(r.r32(0, pm::CNTENCLR0), 0u);
    // 64-bit counter written in halves
    r.w32(0, pm::EVCNTR0 + 8 * 3, 0xDDCCBBAAu);
    r.w32(0, pm::EVCNTR0 + 8 * 3 + 4, 0x11223344u);
    EXPECT_EQ(r.r64(0, pm::EVCNTR0 + 8 * 3), UINT64_C(0x11223344DDCCBBAA));
    EXPECT_EQ(r.r32(0, pm::EVCNTR0 + 8 * 3 + 4), 0x11223344u);
}

// 10.5.2.5 - 10.5.2.10: SET registers are W1S, CLR registers W1C, both read the state.
TEST(PmcgAccess, SetAndClearPairs)
{
    Rig r;  // 8 counters
    struct Pair {
        uint64_t set, clr;
    };
    for (Pair p : {Pair{pm::CNTENSET0, pm::CNTENCLR0}, Pair{pm::INTENSET0, pm::INTENCLR0},
                   Pair{pm::OVSSET0, pm::OVSCLR0}}) {
        r.w64(0, p.set, 0x05);
        r.w64(0, p.set, 0x30);  // writing 0s changes nothing
        EXPECT_EQ(r.r64(0, p.set), 0x35u) << std::hex << p.set;
        EXPECT_EQ(r.r64(0, p.clr), 0x35u);
        r.w64(0, p.clr, 0x11);
        EXPECT_EQ(r.r64(0, p.set), 0x24u);
        EXPECT_EQ(r.r64(0, p.clr), 0x24u);
        r.w64(0, p.clr, ~UINT64_C(0));
        EXPECT_EQ(r.r64(0, p.set), 0u);
    }
}

// Bits of the bitmaps beyond the implemented counters are RES0.
TEST(PmcgAccess, BitmapBitsOfAbsentCountersAreRes0)
{
    Rig r;  // 8 counters
    for (uint64_t off : {pm::CNTENSET0, pm::INTENSET0, pm::OVSSET0}) {
        r.w64(0, off, ~UINT64_C(0));
        EXPECT_EQ(r.r64(0, off), 0xFFu) << std::hex << off;
    }
}

// 10.5.1: EVCNTRn and SVRn are on a 4-byte stride when CFGR.SIZE <= 31, else 8 bytes; bits
// above the counter size are RES0 (10.5.2.1).
TEST(PmcgAccess, CounterStrideAndWidth32)
{
    Rig r(config(1, 4, 32));
    for (unsigned n = 0; n < 4; n++)
        r.w32(0, pm::EVCNTR0 + 4 * n, 0x100u + n);
    for (unsigned n = 0; n < 4; n++)
        EXPECT_EQ(r.r32(0, pm::EVCNTR0 + 4 * n), 0x100u + n);
    // A 64-bit access acts on two consecutive 32-bit counters, low word first (as 6.2 allows
    // for register pairs; regs.c makes the same choice).
    EXPECT_EQ(r.r64(0, pm::EVCNTR0), UINT64_C(0x0000010100000100));
    // counter 4 does not exist: RAZ/WI
    r.w32(0, pm::EVCNTR0 + 16, 0xFFFFFFFFu);
    EXPECT_EQ(r.r32(0, pm::EVCNTR0 + 16), 0u);
}

TEST(PmcgAccess, CounterStrideAndWidth48)
{
    Rig r;  // 48-bit counters: 8-byte stride
    r.w64(0, pm::EVCNTR0 + 8, ~UINT64_C(0));
    EXPECT_EQ(r.r64(0, pm::EVCNTR0 + 8), UINT64_C(0x0000FFFFFFFFFFFF));  // [63:48] RES0
    EXPECT_EQ(r.r64(0, pm::EVCNTR0), 0u);
    EXPECT_EQ(r.r64(0, pm::EVCNTR0 + 16), 0u);
    r.w64(0, pm::EVCNTR0 + 8 * 7, 0x1234);
    EXPECT_EQ(r.counter(0, 7), 0x1234u);
    r.w64(0, pm::EVCNTR0 + 8 * 8, 0x1234);  // counter 8 does not exist
    EXPECT_EQ(r.r64(0, pm::EVCNTR0 + 8 * 8), 0u);
}

TEST(PmcgAccess, CounterWidth36)
{
    Rig r(config(1, 2, 36));
    r.w64(0, pm::EVCNTR0, ~UINT64_C(0));
    EXPECT_EQ(r.r64(0, pm::EVCNTR0), UINT64_C(0xFFFFFFFFF));
}

// 10.5.2.3: SVRn are read-only.
TEST(PmcgAccess, ShadowRegistersAreReadOnly)
{
    Rig r;
    r.w64(0, pm::SVR0, 0x55);
    EXPECT_EQ(r.r64(0, pm::SVR0), 0u);
}

// 10.5.2.2: without Secure state FILTER_SEC_SID is RES0; without Realm and MPAM filtering
// FILTER_REALM_SID, FILTER_MPAM_SP, FILTER_PMG and FILTER_PARTID are RES0; bits [27:20] RES0.
// OVFCAP is writable (CFGR.CAPTURE == 1) and all 16 EVENT bits are kept.
TEST(PmcgAccess, EvtyperRes0Bits)
{
    Rig r;
    r.w32(0, pm::EVTYPER0 + 4 * 2, 0xFFFFFFFFu);
    EXPECT_EQ(r.r32(0, pm::EVTYPER0 + 4 * 2), EVTYPER_OVFCAP | EVTYPER_FILTER_SID_SPAN | 0xFFFFu);
    r.w32(0, pm::EVTYPER0 + 4 * 8, 1);  // counter 8 does not exist
    EXPECT_EQ(r.r32(0, pm::EVTYPER0 + 4 * 8), 0u);
}

// 10.5.2.4 / 10.4.1: SMRn.STREAMID implements the PMCG StreamID size (here IDR1.SIDSIZE);
// the bits above are RAZ/WI.
TEST(PmcgAccess, SmrImplementsSidsizeBits)
{
    Rig r;  // SIDSIZE 16
    r.w32(0, pm::SMR0 + 4 * 3, 0xFFFFFFFFu);
    EXPECT_EQ(r.r32(0, pm::SMR0 + 4 * 3), 0xFFFFu);
    r.w32(0, pm::SMR0, 0x12345u);  // 10.4.1 example: reads back truncated
    EXPECT_EQ(r.r32(0, pm::SMR0), 0x2345u);
    smmu_config_t c = smmu_config_default();
    c.sidsize = 32;
    Rig w(c);
    w.w32(0, pm::SMR0, 0xFFFFFFFFu);
    EXPECT_EQ(w.r32(0, pm::SMR0), 0xFFFFFFFFu);
}

// 10.5.2.11: CAPR is write-only and reads as zero.
TEST(PmcgAccess, CaprReadsZero)
{
    Rig r;
    r.w32(0, pm::CAPR, CAPR_CAPTURE);
    EXPECT_EQ(r.r32(0, pm::CAPR), 0u);
}

// 10.5.2.12: this PMCG has no Secure state, so SCR (and its alias at 0xE40) are RAZ/WI;
// ROOTCR, GMPAM, MPAMIDR, S_MPAMIDR are RES0 (no Realm, no MPAM); CR bits [31:1] RES0.
TEST(PmcgAccess, AbsentFeaturesReadAsZero)
{
    Rig r;
    for (uint64_t off : {pm::SCR, pm::SCR_ALIAS, pm::ROOTCR, pm::GMPAM, pm::MPAMIDR,
                         pm::S_MPAMIDR, uint64_t{0xE80}, uint64_t{0xD00}}) {
        r.w32(0, off, 0xFFFFFFFFu);
        EXPECT_EQ(r.r32(0, off), 0u) << std::hex << off;
    }
    r.w32(0, pm::CR, 0xFFFFFFFFu);
    EXPECT_EQ(r.r32(0, pm::CR), CR_E);
}

// Read-only registers ignore writes (10.5: "Writes to read-only registers are IGNORED").
TEST(PmcgAccess, ReadOnlyRegistersIgnoreWrites)
{
    Rig r;
    for (uint64_t off : {pm::CFGR, pm::IIDR, pm::AIDR, pm::IRQ_CTRLACK, pm::IRQ_STATUS,
                         pm::CIDR1, pm::PIDR0, pm::PMDEVARCH}) {
        uint32_t before = r.r32(0, off);
        r.w32(0, off, ~before);
        EXPECT_EQ(r.r32(0, off), before) << std::hex << off;
    }
    uint64_t ceid = r.r64(0, pm::CEID0);
    r.w64(0, pm::CEID0, 0);
    EXPECT_EQ(r.r64(0, pm::CEID0), ceid);
}

// 10.5.2.19 / 10.5.2.20: IRQ_CTRLACK follows IRQ_CTRL (the Update completes before the
// write returns); bits [31:1] are RES0.
TEST(PmcgAccess, IrqCtrlHandshake)
{
    Rig r;
    r.w32(0, pm::IRQ_CTRL, 0xFFFFFFFFu);
    EXPECT_EQ(r.r32(0, pm::IRQ_CTRL), IRQ_CTRL_IRQEN);
    EXPECT_EQ(r.r32(0, pm::IRQ_CTRLACK), IRQ_CTRL_IRQEN);
    r.w32(0, pm::IRQ_CTRL, 0);
    EXPECT_EQ(r.r32(0, pm::IRQ_CTRLACK), 0u);
}

// 10.5.2.21 - 10.5.2.23: IRQ_CFG0-2 are Guarded by IRQEN: writes while IRQEN (or its ACK)
// is 1 are ignored. ADDR is [55:2]; bits above IDR5.OAS are RES0; SH [5:4], MEMATTR [3:0].
TEST(PmcgAccess, IrqCfgGuardedByIrqen)
{
    Rig r;  // OAS 48
    r.w64(0, pm::IRQ_CFG0, ~UINT64_C(0));
    EXPECT_EQ(r.r64(0, pm::IRQ_CFG0), UINT64_C(0x0000FFFFFFFFFFFC));
    r.w32(0, pm::IRQ_CFG1, 0xCAFEF00Du);
    r.w32(0, pm::IRQ_CFG2, 0xFFFFFFFFu);
    EXPECT_EQ(r.r32(0, pm::IRQ_CFG1), 0xCAFEF00Du);
    EXPECT_EQ(r.r32(0, pm::IRQ_CFG2), 0x3Fu);
    r.w32(0, pm::IRQ_CTRL, IRQ_CTRL_IRQEN);
    r.w64(0, pm::IRQ_CFG0, 0x1000);
    r.w32(0, pm::IRQ_CFG1, 1);
    r.w32(0, pm::IRQ_CFG2, 0);
    EXPECT_EQ(r.r64(0, pm::IRQ_CFG0), UINT64_C(0x0000FFFFFFFFFFFC));
    EXPECT_EQ(r.r32(0, pm::IRQ_CFG1), 0xCAFEF00Du);
    EXPECT_EQ(r.r32(0, pm::IRQ_CFG2), 0x3Fu);
    r.w32(0, pm::IRQ_CTRL, 0);
    r.w64(0, pm::IRQ_CFG0, 0x1000);
    EXPECT_EQ(r.r64(0, pm::IRQ_CFG0), 0x1000u);
}

// 10.5.2.21 - 10.5.2.24: without CFGR.MSI the MSI registers are RES0.
TEST(PmcgAccess, MsiRegistersRes0WithoutMsi)
{
    smmu_config_t c = smmu_config_default();
    c.msi = false;
    Rig r(c);
    r.w64(0, pm::IRQ_CFG0, 0x1000);
    r.w32(0, pm::IRQ_CFG1, 5);
    r.w32(0, pm::IRQ_CFG2, 1);
    EXPECT_EQ(r.r64(0, pm::IRQ_CFG0), 0u);
    EXPECT_EQ(r.r32(0, pm::IRQ_CFG1), 0u);
    EXPECT_EQ(r.r32(0, pm::IRQ_CFG2), 0u);
    EXPECT_EQ(r.r32(0, pm::IRQ_STATUS), 0u);
}

// Statistics are the model's, not the guest's: PMCG register traffic leaves them alone.
TEST(PmcgAccess, StatisticsUntouchedByPmcgAccesses)
{
    Rig r;
    r.enable();
    r.s2_stream(1);
    r.map(1, 0x1000, 0x7000);
    r.xlate(1, 0x1000);
    smmu_stats_t before, after;
    smmu_stats_get(r.s, &before);
    for (uint64_t off = 0; off < 0x1000; off += 4)
        r.r32(0, off);
    for (uint64_t off = 0; off < 0x1000; off += 8)
        r.r64(0, off);
    r.program(0, 0, EV_TRANSACTION);
    r.enable_group(0);
    r.w32(0, pm::CAPR, CAPR_CAPTURE);
    smmu_stats_get(r.s, &after);
    EXPECT_EQ(std::memcmp(&before, &after, sizeof before), 0);
}

}  // namespace
}  // namespace pmcg_test
