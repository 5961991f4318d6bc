// SPDX-License-Identifier: Apache-2.0
// Test-local helpers for the register-file tests. Every register offset, bit position and
// encoding below is copied from Arm IHI 0070 G.b (section cited next to it), not taken from
// the model's .def tables, so that a typo in a table cannot cancel itself out (house style B10).
#ifndef SMMUV3_TESTS_REGS_REGS_UTIL_H
#define SMMUV3_TESTS_REGS_REGS_UTIL_H

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

#include "fake_mem.h"

namespace regs_test {

using smmu_test::FakeMem;
using smmu_test::Smmu;

// ---- Register offsets: 6.2.1 (Page 0) and 6.2.2 (Page 1, at +0x10000) ----
namespace off {
constexpr uint64_t IDR0 = 0x00, IDR1 = 0x04, IDR2 = 0x08, IDR3 = 0x0C, IDR4 = 0x10, IDR5 = 0x14;
constexpr uint64_t IIDR = 0x18, AIDR = 0x1C;
constexpr uint64_t CR0 = 0x20, CR0ACK = 0x24, CR1 = 0x28, CR2 = 0x2C;
constexpr uint64_t STATUSR = 0x40, GBPA = 0x44, AGBPA = 0x48;
constexpr uint64_t IRQ_CTRL = 0x50, IRQ_CTRLACK = 0x54;
constexpr uint64_t GERROR = 0x60, GERRORN = 0x64;
constexpr uint64_t GERROR_IRQ_CFG0 = 0x68, GERROR_IRQ_CFG1 = 0x70, GERROR_IRQ_CFG2 = 0x74;
constexpr uint64_t STRTAB_BASE = 0x80, STRTAB_BASE_CFG = 0x88;
constexpr uint64_t CMDQ_BASE = 0x90, CMDQ_PROD = 0x98, CMDQ_CONS = 0x9C;
constexpr uint64_t EVENTQ_BASE = 0xA0;
constexpr uint64_t EVENTQ_IRQ_CFG0 = 0xB0, EVENTQ_IRQ_CFG1 = 0xB8, EVENTQ_IRQ_CFG2 = 0xBC;
constexpr uint64_t PRIQ_BASE = 0xC0;
constexpr uint64_t PRIQ_IRQ_CFG0 = 0xD0, PRIQ_IRQ_CFG1 = 0xD8, PRIQ_IRQ_CFG2 = 0xDC;
constexpr uint64_t PIDR4 = 0xFD0, PIDR0 = 0xFE0, CIDR0 = 0xFF0;
constexpr uint64_t EVENTQ_PROD = 0x100A8, EVENTQ_CONS = 0x100AC;
constexpr uint64_t PRIQ_PROD = 0x100C8, PRIQ_CONS = 0x100CC;
}  // namespace off

// ---- SMMU_CR0 / CR0ACK fields (6.3.9) ----
constexpr uint32_t CR0_SMMUEN = 1u << 0, CR0_PRIQEN = 1u << 1, CR0_EVENTQEN = 1u << 2,
                   CR0_CMDQEN = 1u << 3, CR0_ATSCHK = 1u << 4;
constexpr uint32_t cr0_vmw(uint32_t v) { return (v & 7u) << 6; }
// ---- SMMU_CR2 (6.3.12) ----
constexpr uint32_t CR2_E2H = 1u << 0, CR2_RECINVSID = 1u << 1, CR2_PTM = 1u << 2;
// ---- SMMU_GBPA (6.3.14) ----
constexpr uint32_t GBPA_UPDATE = 1u << 31, GBPA_ABORT = 1u << 20;
// ---- SMMU_IRQ_CTRL / IRQ_CTRLACK (6.3.16, 6.3.18) ----
constexpr uint32_t IRQ_CTRL_GERROR_IRQEN = 1u << 0, IRQ_CTRL_PRIQ_IRQEN = 1u << 1,
                   IRQ_CTRL_EVENTQ_IRQEN = 1u << 2;
// ---- SMMU_GERROR / GERRORN (6.3.19, 6.3.20) ----
constexpr uint32_t GERROR_CMDQ_ERR = 1u << 0, GERROR_EVENTQ_ABT_ERR = 1u << 2,
                   GERROR_PRIQ_ABT_ERR = 1u << 3, GERROR_MSI_CMDQ_ABT_ERR = 1u << 4,
                   GERROR_MSI_EVENTQ_ABT_ERR = 1u << 5, GERROR_MSI_PRIQ_ABT_ERR = 1u << 6,
                   GERROR_MSI_GERROR_ABT_ERR = 1u << 7, GERROR_SFM_ERR = 1u << 8;
// ---- queue index registers (6.3.27, 6.3.28, 6.3.95, 6.3.96) ----
constexpr uint32_t Q_OVFLG = 1u << 31;  // EVENTQ_PROD.OVFLG / EVENTQ_CONS.OVACKFLG
constexpr uint32_t cons_err(uint32_t cons) { return (cons >> 24) & 0x7Fu; }  // CMDQ_CONS.ERR
constexpr uint32_t cons_rd(uint32_t cons) { return cons & 0xFFFFFu; }        // CMDQ_CONS.RD
// ---- CMDQ_CONS.ERR codes (7.1) ----
constexpr uint32_t CERROR_NONE = 0, CERROR_ILL = 1, CERROR_ABT = 2, CERROR_ATC_INV_SYNC = 3;
// ---- queue base registers (6.3.26, 6.3.29): RA/WA bit 62, ADDR [55:5], LOG2SIZE [4:0] ----
constexpr uint64_t Q_BASE_RWA = UINT64_C(1) << 62;
// ---- event numbers (7.3) ----
constexpr uint8_t EVT_C_BAD_STREAMID = 0x02, EVT_C_BAD_STE = 0x04;

// Index arithmetic of a queue with 2^log2 entries (3.5.1): index in [log2-1:0], wrap flag at
// bit [log2]; an increment wraps the index and toggles the flag.
constexpr uint32_t q_wrap_mask(unsigned log2) { return (2u << log2) - 1u; }
constexpr uint32_t q_inc(uint32_t v, unsigned log2) { return (v + 1u) & q_wrap_mask(log2); }
constexpr uint32_t q_idx(uint32_t v, unsigned log2) { return v & ((1u << log2) - 1u); }

// ---- commands (chapter 4). One command is 16 bytes: dw0 = bits [63:0], dw1 = [127:64] ----
struct Cmd {
    uint64_t dw0, dw1;
};

// 4.1.6 common fields: Opcode [7:0], SSec [10], SSV [11], SubstreamID [31:12], StreamID [63:32]
constexpr uint64_t CMD_SSEC = UINT64_C(1) << 10;
constexpr uint64_t CMD_SSV = UINT64_C(1) << 11;
inline uint64_t cmd_sid(uint32_t sid) { return static_cast<uint64_t>(sid) << 32; }
inline uint64_t cmd_ssid(uint32_t ssid) { return static_cast<uint64_t>(ssid & 0xFFFFFu) << 12; }
inline uint64_t cmd_vmid(uint16_t vmid) { return static_cast<uint64_t>(vmid) << 32; }  // [47:32]
inline uint64_t cmd_asid(uint16_t asid) { return static_cast<uint64_t>(asid) << 48; }  // [63:48]

inline Cmd cmd_raw(uint8_t opcode, uint64_t dw0 = 0, uint64_t dw1 = 0)
{
    return {opcode | dw0, dw1};
}

// 4.7.3 CMD_SYNC (0x46): CS [13:12] (0 SIG_NONE, 1 SIG_IRQ, 2 SIG_SEV, 3 reserved),
// MSH [23:22], MSIAttr [27:24], MSIData [63:32], MSIAddress[55:2] at bits [119:66].
constexpr unsigned CS_NONE = 0, CS_IRQ = 1, CS_SEV = 2;
inline Cmd cmd_sync(unsigned cs = CS_NONE, uint64_t msi_addr = 0, uint32_t msi_data = 0,
                    unsigned msiattr = 0, unsigned msh = 0)
{
    return {0x46 | (static_cast<uint64_t>(cs & 3u) << 12) |
                (static_cast<uint64_t>(msh & 3u) << 22) |
                (static_cast<uint64_t>(msiattr & 0xFu) << 24) |
                (static_cast<uint64_t>(msi_data) << 32),
            msi_addr & UINT64_C(0x00FFFFFFFFFFFFFC)};
}
// 4.3.1 CMD_CFGI_STE (0x03): StreamID, Leaf [64]
inline Cmd cmd_cfgi_ste(uint32_t sid, bool leaf = true)
{
    return {0x03 | cmd_sid(sid), leaf ? 1u : 0u};
}
// 4.3.2 CMD_CFGI_STE_RANGE (0x04): Range [68:64]; 4.3.5 CMD_CFGI_ALL is Range == 31
inline Cmd cmd_cfgi_ste_range(uint32_t sid, unsigned range)
{
    return {0x04 | cmd_sid(sid), range & 31u};
}
inline Cmd cmd_cfgi_all() { return {0x04, 31}; }
// 4.3.3 CMD_CFGI_CD (0x05): SubstreamID, StreamID, Leaf [64]; 4.3.4 CMD_CFGI_CD_ALL (0x06)
inline Cmd cmd_cfgi_cd(uint32_t sid, uint32_t ssid, bool leaf = true)
{
    return {0x05 | cmd_ssid(ssid) | cmd_sid(sid), leaf ? 1u : 0u};
}
inline Cmd cmd_cfgi_cd_all(uint32_t sid) { return {0x06 | cmd_sid(sid), 0}; }
// 4.4 TLB invalidation. Range fields (4.4.1.1): NUM [16:12], SCALE [24:20], Leaf [64],
// TTL [73:72], TG [75:74], Address[63:12] at [127:76] (IPA[55:12] at [119:76]).
inline Cmd cmd_tlbi_nh_all(uint16_t vmid) { return {0x10 | cmd_vmid(vmid), 0}; }
inline Cmd cmd_tlbi_nh_asid(uint16_t vmid, uint16_t asid)
{
    return {0x11 | cmd_vmid(vmid) | cmd_asid(asid), 0};
}
inline Cmd cmd_tlbi_va(uint8_t opcode, uint16_t vmid, uint16_t asid, uint64_t va, bool leaf,
                       unsigned tg = 0, unsigned num = 0, unsigned scale = 0, unsigned ttl = 0)
{
    return {opcode | (static_cast<uint64_t>(num & 31u) << 12) |
                (static_cast<uint64_t>(scale & 31u) << 20) | cmd_vmid(vmid) | cmd_asid(asid),
            (leaf ? 1u : 0u) | (static_cast<uint64_t>(ttl & 3u) << 8) |
                (static_cast<uint64_t>(tg & 3u) << 10) | (va & ~UINT64_C(0xFFF))};
}
inline Cmd cmd_tlbi_nsnh_all() { return {0x30, 0}; }
// 4.5.1 CMD_ATC_INV (0x40): Global [9], SSV, SubstreamID, StreamID, Size [69:64], Addr [127:76]
inline Cmd cmd_atc_inv(uint32_t sid, uint64_t addr, unsigned size, bool ssv = false,
                       uint32_t ssid = 0, bool global = false)
{
    return {0x40 | (global ? UINT64_C(1) << 9 : 0) | (ssv ? CMD_SSV : 0) | cmd_ssid(ssid) |
                cmd_sid(sid),
            (size & 63u) | (addr & ~UINT64_C(0xFFF))};
}
// 4.5.2 CMD_PRI_RESP (0x41): PRGIndex [72:64], Resp [77:76]
inline Cmd cmd_pri_resp(uint32_t sid, uint16_t prgi, unsigned resp)
{
    return {0x41 | cmd_sid(sid), (prgi & 0x1FFu) | (static_cast<uint64_t>(resp & 3u) << 12)};
}
// 4.7.1 CMD_RESUME (0x44): Ac [12], Ab [13], StreamID, STAG [79:64]; 4.7.2 CMD_STALL_TERM (0x45)
inline Cmd cmd_resume(uint32_t sid, uint16_t stag, bool retry)
{
    return {0x44 | (retry ? UINT64_C(1) << 12 : UINT64_C(1) << 13) | cmd_sid(sid), stag};
}
inline Cmd cmd_stall_term(uint32_t sid) { return {0x45 | cmd_sid(sid), 0}; }

// ---- register access with gtest assertions ----
inline uint32_t rd32(Smmu& d, uint64_t o)
{
    uint64_t v = ~UINT64_C(0);
    EXPECT_EQ(smmu_mmio_read(d.s, o, 4, &v), SMMU_OK) << "read32 @0x" << std::hex << o;
    return static_cast<uint32_t>(v);
}
inline uint64_t rd64(Smmu& d, uint64_t o)
{
    uint64_t v = ~UINT64_C(0);
    EXPECT_EQ(smmu_mmio_read(d.s, o, 8, &v), SMMU_OK) << "read64 @0x" << std::hex << o;
    return v;
}
inline void wr32(Smmu& d, uint64_t o, uint32_t v)
{
    EXPECT_EQ(smmu_mmio_write(d.s, o, 4, v), SMMU_OK) << "write32 @0x" << std::hex << o;
}
inline void wr64(Smmu& d, uint64_t o, uint64_t v)
{
    EXPECT_EQ(smmu_mmio_write(d.s, o, 8, v), SMMU_OK) << "write64 @0x" << std::hex << o;
}

// Set or clear CR0 bits and check the Update handshake completed (6.3.9: CR0ACK follows).
inline void cr0_set(Smmu& d, uint32_t bits)
{
    uint32_t v = rd32(d, off::CR0) | bits;
    wr32(d, off::CR0, v);
    EXPECT_EQ(rd32(d, off::CR0ACK), v);
}
inline void cr0_clear(Smmu& d, uint32_t bits)
{
    uint32_t v = rd32(d, off::CR0) & ~bits;
    wr32(d, off::CR0, v);
    EXPECT_EQ(rd32(d, off::CR0ACK), v);
}

inline smmu_config_t preset(const char* name)
{
    smmu_config_t c{};
    if (smmu_config_preset(name, &c) != SMMU_OK)
        throw std::runtime_error(std::string("unknown preset ") + name);
    return c;
}

// A command queue driven the way software drives it (3.5, 4.1.2): commands are written to
// memory at PROD, then PROD is published.
struct CmdQueue {
    Smmu& d;
    uint64_t base;
    unsigned log2;
    uint32_t prod = 0;

    CmdQueue(Smmu& dev, uint64_t b, unsigned l2) : d(dev), base(b), log2(l2) {}

    // Program CMDQ_BASE, PROD = CONS = 0 and (optionally) enable: the order of 6.3.26.
    void init(bool enable = true, uint32_t start = 0)
    {
        wr64(d, off::CMDQ_BASE, base | log2);
        prod = start;
        wr32(d, off::CMDQ_PROD, start);
        wr32(d, off::CMDQ_CONS, start);
        if (enable)
            cr0_set(d, CR0_CMDQEN);
    }
    uint64_t slot(uint32_t index) const { return base + 16u * q_idx(index, log2); }
    void put(const Cmd& c)
    {
        d.mem.write64(slot(prod), c.dw0);
        d.mem.write64(slot(prod) + 8, c.dw1);
        prod = q_inc(prod, log2);
    }
    void publish() { wr32(d, off::CMDQ_PROD, prod); }
    void submit(std::initializer_list<Cmd> cmds)
    {
        for (const Cmd& c : cmds)
            put(c);
        publish();
    }
    void submit(const std::vector<Cmd>& cmds)
    {
        for (const Cmd& c : cmds)
            put(c);
        publish();
    }
    uint32_t cons() { return rd32(d, off::CMDQ_CONS); }
};

// A linear stream table with every STE zero (V == 0) and an event queue, SMMU enabled.
// Transactions then raise C_BAD_STE (7.3.4) or, beyond 2^LOG2SIZE, C_BAD_STREAMID (7.3.2).
struct EventRig {
    Smmu& d;
    uint64_t strtab, evtq;
    unsigned evtq_log2;
    uint32_t cons = 0;

    EventRig(Smmu& dev, unsigned eq_log2, uint64_t st = 0x100000, uint64_t eq = 0x200000)
        : d(dev), strtab(st), evtq(eq), evtq_log2(eq_log2)
    {
    }
    // STRTAB_BASE_CFG (6.3.25): FMT [17:16] = 0 (linear), LOG2SIZE [5:0]
    void init(unsigned strtab_log2 = 4, uint32_t cr2 = CR2_RECINVSID, bool enable_smmu = true)
    {
        wr64(d, off::STRTAB_BASE, strtab);
        wr32(d, off::STRTAB_BASE_CFG, strtab_log2);
        wr32(d, off::CR2, cr2);
        wr64(d, off::EVENTQ_BASE, evtq | evtq_log2);
        wr32(d, off::EVENTQ_PROD, 0);
        wr32(d, off::EVENTQ_CONS, 0);
        cr0_set(d, CR0_EVENTQEN);
        if (enable_smmu)
            cr0_set(d, CR0_SMMUEN);
    }
    smmu_xlate_t access(uint32_t sid, uint64_t iova = 0x1000, bool write = false)
    {
        smmu_txn_t t{};
        t.stream_id = sid;
        t.iova = iova;
        t.size = 4;
        t.write = write;
        smmu_xlate_t x{};
        smmu_translate(d.s, &t, &x);
        return x;
    }
    uint32_t prod() { return rd32(d, off::EVENTQ_PROD); }
    // The 32-byte record at queue index idx, as four little-endian dwords (7.3).
    std::vector<uint64_t> record(uint32_t idx)
    {
        uint64_t a = evtq + 32u * q_idx(idx, evtq_log2);
        return {d.mem.read64(a), d.mem.read64(a + 8), d.mem.read64(a + 16), d.mem.read64(a + 24)};
    }
    // Consume n records as a driver does: advance RD, keep OVACKFLG as given.
    void consume(unsigned n, bool ovack)
    {
        for (unsigned i = 0; i < n; i++)
            cons = q_inc(cons, evtq_log2);
        wr32(d, off::EVENTQ_CONS, cons | (ovack ? Q_OVFLG : 0));
    }
};

}  // namespace regs_test
#endif
