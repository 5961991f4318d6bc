// SPDX-License-Identifier: Apache-2.0
// Test-local helpers for the PMCG tests. Every offset, bit position and encoding below is
// copied from Arm IHI 0070 G.b (chapter 10 for the PMCG, 5.2/5.4/6.3 for the SMMU side,
// DDI 0487 D8 for descriptors), never from the model's .def tables or internal headers, so
// that a typo in a table cannot cancel itself out (house style B10).
#ifndef SMMUV3_TESTS_PMCG_PMCG_UTIL_H
#define SMMUV3_TESTS_PMCG_PMCG_UTIL_H

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <map>
#include <stdexcept>
#include <vector>

#include "fake_mem.h"

namespace pmcg_test {

using smmu_test::FakeMem;
using smmu_test::MemWrite;
using smmu_test::Smmu;

// ---- PMCG Page 0 offsets (10.5.1) ----
namespace pm {
constexpr uint64_t EVCNTR0 = 0x000, EVTYPER0 = 0x400, SVR0 = 0x600, SMR0 = 0xA00;
constexpr uint64_t CNTENSET0 = 0xC00, CNTENCLR0 = 0xC20, INTENSET0 = 0xC40, INTENCLR0 = 0xC60;
constexpr uint64_t OVSCLR0 = 0xC80, OVSSET0 = 0xCC0, CAPR = 0xD88, SCR = 0xDF8;
constexpr uint64_t CFGR = 0xE00, CR = 0xE04, IIDR = 0xE08, CEID0 = 0xE20, CEID1 = 0xE28;
constexpr uint64_t SCR_ALIAS = 0xE40, ROOTCR = 0xE48;
constexpr uint64_t IRQ_CTRL = 0xE50, IRQ_CTRLACK = 0xE54;
constexpr uint64_t IRQ_CFG0 = 0xE58, IRQ_CFG1 = 0xE60, IRQ_CFG2 = 0xE64, IRQ_STATUS = 0xE68;
constexpr uint64_t GMPAM = 0xE6C, AIDR = 0xE70, MPAMIDR = 0xE74, S_MPAMIDR = 0xE78;
constexpr uint64_t PMDEVARCH = 0xFBC, PMDEVTYPE = 0xFCC;
constexpr uint64_t PIDR4 = 0xFD0, PIDR5 = 0xFD4, PIDR6 = 0xFD8, PIDR7 = 0xFDC;
constexpr uint64_t PIDR0 = 0xFE0, PIDR1 = 0xFE4, PIDR2 = 0xFE8, PIDR3 = 0xFEC;
constexpr uint64_t CIDR0 = 0xFF0, CIDR1 = 0xFF4, CIDR2 = 0xFF8, CIDR3 = 0xFFC;
}  // namespace pm

// ---- SMMU_PMCG_EVTYPERn (10.5.2.2) ----
constexpr uint32_t EVTYPER_OVFCAP = 1u << 31, EVTYPER_FILTER_SEC_SID = 1u << 30,
                   EVTYPER_FILTER_SID_SPAN = 1u << 29, EVTYPER_FILTER_REALM_SID = 1u << 28;
// ---- SMMU_PMCG_CFGR (10.5.2.13) ----
constexpr uint32_t CFGR_RELOC_CTRS = 1u << 20, CFGR_MSI = 1u << 21, CFGR_CAPTURE = 1u << 22,
                   CFGR_SID_FILTER_TYPE = 1u << 23, CFGR_MPAM = 1u << 24,
                   CFGR_FILTER_PARTID_PMG = 1u << 25;
constexpr uint32_t cfgr_nctr(uint32_t v) { return v & 0x3Fu; }          // [5:0]
constexpr uint32_t cfgr_size(uint32_t v) { return (v >> 8) & 0x3Fu; }   // [13:8]
// ---- CR (10.5.2.14), IRQ_CTRL/ACK (10.5.2.19-20), CAPR (10.5.2.11), IRQ_STATUS (10.5.2.24)
constexpr uint32_t CR_E = 1u, IRQ_CTRL_IRQEN = 1u, CAPR_CAPTURE = 1u, IRQ_STATUS_IRQ_ABT = 1u;
// ---- IRQ_CFG2 (10.5.2.23): SH [5:4], MEMATTR [3:0] ----
constexpr uint32_t irq_cfg2(uint32_t sh, uint32_t memattr) { return (sh << 4) | memattr; }

// ---- Architected events (10.3) ----
enum : uint32_t {
    EV_CYCLES = 0, EV_TRANSACTION = 1, EV_TLB_MISS = 2, EV_CONFIG_CACHE_MISS = 3,
    EV_WALK_ACCESS = 4, EV_CONFIG_ACCESS = 5, EV_ATS_TRANS_RQ = 6, EV_ATS_TRANS_PASSED = 7,
};

// ---- SMMU registers used to bring the SMMU up (6.2, 6.3) ----
namespace sm {
constexpr uint64_t CR0 = 0x20, CR0ACK = 0x24, STRTAB_BASE = 0x80, STRTAB_BASE_CFG = 0x88;
constexpr uint64_t EVENTQ_BASE = 0xA0;
constexpr uint32_t CR0_SMMUEN = 1u << 0, CR0_EVENTQEN = 1u << 2, CR0_ATSCHK = 1u << 4;
}  // namespace sm

// Memory map of the rig.
constexpr uint64_t STRTAB = 0x100000;   // 256 linear STEs
constexpr uint64_t EVENTQ = 0x200000;   // 32 event records
constexpr uint64_t TABLES = 0x400000;   // bump allocator for CDs and translation tables
constexpr uint64_t MSI_DOORBELL = 0x8000000;

// A FakeMem-backed SMMU with its PMCG frames, a linear stream table and helpers that build
// stage-1 / stage-2 streams from the spec's bit positions.
class Rig {
public:
    Smmu smmu;
    smmu_t* s;

    explicit Rig(const smmu_config_t& c) : smmu(c), s(smmu.s) {}
    Rig() : Rig(smmu_config_default()) {}

    FakeMem& mem() { return smmu.mem; }
    const smmu_config_t& cfg() const { return smmu.cfg; }

    // ---- PMCG register access (throws when the model refuses the access) ----
    uint32_t r32(unsigned g, uint64_t off)
    {
        uint64_t v = ~UINT64_C(0);
        if (smmu_pmcg_read(s, g, off, 4, &v) != SMMU_OK)
            throw std::runtime_error("pmcg read refused");
        return static_cast<uint32_t>(v);
    }
    uint64_t r64(unsigned g, uint64_t off)
    {
        uint64_t v = ~UINT64_C(0);
        if (smmu_pmcg_read(s, g, off, 8, &v) != SMMU_OK)
            throw std::runtime_error("pmcg read refused");
        return v;
    }
    void w32(unsigned g, uint64_t off, uint32_t v)
    {
        if (smmu_pmcg_write(s, g, off, 4, v) != SMMU_OK)
            throw std::runtime_error("pmcg write refused");
    }
    void w64(unsigned g, uint64_t off, uint64_t v)
    {
        if (smmu_pmcg_write(s, g, off, 8, v) != SMMU_OK)
            throw std::runtime_error("pmcg write refused");
    }

    // EVCNTRn / SVRn with the stride and width CFGR.SIZE implies (10.5.1, 10.5.2.1).
    bool wide(unsigned g = 0) { return cfgr_size(r32(g, pm::CFGR)) > 31; }
    uint64_t stride(unsigned g = 0) { return wide(g) ? 8 : 4; }
    uint64_t counter(unsigned g, unsigned n)
    {
        uint64_t off = pm::EVCNTR0 + stride(g) * n;
        return wide(g) ? r64(g, off) : r32(g, off);
    }
    void set_counter(unsigned g, unsigned n, uint64_t v)
    {
        uint64_t off = pm::EVCNTR0 + stride(g) * n;
        if (wide(g))
            w64(g, off, v);
        else
            w32(g, off, static_cast<uint32_t>(v));
    }
    uint64_t shadow(unsigned g, unsigned n)
    {
        uint64_t off = pm::SVR0 + stride(g) * n;
        return wide(g) ? r64(g, off) : r32(g, off);
    }

    // Counter n counts `event`; filter: span + SMR as in 10.4 (default: span, all ones =
    // every StreamID, which is what Linux programs when filtering is off).
    void program(unsigned g, unsigned n, uint32_t event, bool span = true,
                 uint32_t smr = 0xFFFFFFFFu, uint32_t extra = 0)
    {
        w32(g, pm::EVTYPER0 + 4 * n, event | (span ? EVTYPER_FILTER_SID_SPAN : 0) | extra);
        w32(g, pm::SMR0 + 4 * n, smr);
        w64(g, pm::CNTENSET0, UINT64_C(1) << n);
    }
    void enable_group(unsigned g, bool on = true) { w32(g, pm::CR, on ? CR_E : 0); }

    // ---- SMMU bring-up (6.3.24, 6.3.25, 6.3.9; driver order of the reference 2.8) ----
    void enable(bool atschk = false)
    {
        smmu.wr64(sm::STRTAB_BASE, STRTAB);  // ADDR [51:6], RA = 0
        smmu.wr32(sm::STRTAB_BASE_CFG, 8);   // FMT = 00 linear, LOG2SIZE = 8
        smmu.wr64(sm::EVENTQ_BASE, EVENTQ | 5);  // LOG2SIZE = 5
        uint32_t cr0 = sm::CR0_SMMUEN | sm::CR0_EVENTQEN | (atschk ? sm::CR0_ATSCHK : 0);
        smmu.wr32(sm::CR0, cr0);
        if (smmu.rd32(sm::CR0ACK) != cr0)
            throw std::runtime_error("CR0ACK did not follow CR0");
    }

    uint64_t alloc(uint64_t size, uint64_t align = 4096)
    {
        next_ = (next_ + align - 1) & ~(align - 1);
        uint64_t a = next_;
        next_ += size;
        return a;
    }

    void write_ste(uint32_t sid, const uint64_t dw[8])
    {
        mem().write_dwords(STRTAB + 64ull * sid, dw, 8);
    }

    // Stage-2-only stream (STE.Config = 0b110, 5.2): 4 KB granule, S2T0SZ = 25 (39-bit IPA),
    // S2SL0 = 0b01 (start at level 1), S2PS = 0b101 (48 bits), S2AA64 = 1, S2R = 1.
    // eats: STE.EATS [93:92]; s2ha: STE.S2HA [184].
    uint64_t s2_stream(uint32_t sid, unsigned eats = 0, bool s2ha = false)
    {
        uint64_t root = alloc(4096);
        roots_[sid] = {root, 2};
        uint64_t dw[8] = {};
        dw[0] = 1u | (0b110u << 1);                        // V [0], Config [3:1]
        dw[1] = static_cast<uint64_t>(eats) << (92 - 64);  // EATS [93:92]
        dw[2] = (sid + 1u)                                 // S2VMID [143:128]
                | (UINT64_C(25) << (160 - 128))            // S2T0SZ [165:160]
                | (UINT64_C(1) << (166 - 128))             // S2SL0 [167:166]
                | (UINT64_C(0) << (174 - 128))             // S2TG [175:174]: 4 KB
                | (UINT64_C(5) << (176 - 128))             // S2PS [178:176]
                | (UINT64_C(1) << (179 - 128))             // S2AA64 [179]
                | (static_cast<uint64_t>(s2ha) << (184 - 128))  // S2HA [184]
                | (UINT64_C(1) << (186 - 128));            // S2R [186]
        dw[3] = root & UINT64_C(0x000FFFFFFFFFFFF0);       // S2TTB [247:196]
        write_ste(sid, dw);
        return root;
    }

    // Stage-1-only stream (STE.Config = 0b101) with one CD (5.4): 4 KB granule, T0SZ = 25,
    // TTB1 disabled, IPS 48 bits, AA64, R = A = 1, MAIR Attr0 = 0xFF.
    uint64_t s1_stream(uint32_t sid)
    {
        uint64_t root = alloc(4096);
        roots_[sid] = {root, 1};
        uint64_t cd_pa = alloc(64, 64);
        uint64_t cd[8] = {};
        cd[0] = 25u                                        // T0SZ [5:0]
                | (UINT64_C(25) << 16)                     // T1SZ [21:16]
                | (UINT64_C(0b10) << 22)                   // TG1 [23:22]: 4 KB
                | (UINT64_C(1) << 30)                      // EPD1 [30]
                | (UINT64_C(1) << 31)                      // V [31]
                | (UINT64_C(5) << 32)                      // IPS [34:32]
                | (UINT64_C(1) << 41)                      // AA64 [41]
                | (UINT64_C(1) << 45)                      // R [45]
                | (UINT64_C(1) << 46)                      // A [46]
                | (static_cast<uint64_t>(sid + 1u) << 48); // ASID [63:48]
        cd[1] = root & UINT64_C(0x000FFFFFFFFFFFF0);       // TTB0 [119:68]
        cd[3] = 0xFF;                                      // MAIR0 Attr0: Normal WB
        mem().write_dwords(cd_pa, cd, 8);
        uint64_t dw[8] = {};
        dw[0] = 1u | (0b101u << 1) | (cd_pa & UINT64_C(0x000FFFFFFFFFFFC0)); // S1ContextPtr
        write_ste(sid, dw);
        return root;
    }

    // Map one 4 KB page at level 3, creating the level-2 and level-3 tables (D8.3).
    // Stage 2: S2AP = RW, MemAttr = 0xF; stage 1: AP = 0b01 (RW at any EL), AttrIndx 0.
    void map(uint32_t sid, uint64_t ia, uint64_t pa, bool af = true)
    {
        auto it = roots_.find(sid);
        if (it == roots_.end())
            throw std::runtime_error("no stream");
        uint64_t table = it->second.first;
        for (int level = 1; level < 3; level++) {
            uint64_t slot = table + 8 * ((ia >> (39 - 9 * level)) & 0x1FF);
            uint64_t d = mem().read64(slot);
            if (!(d & 1)) {
                d = alloc(4096) | 0x3;  // table descriptor
                mem().write64(slot, d);
            }
            table = d & UINT64_C(0x0000FFFFFFFFF000);
        }
        uint64_t leaf = (pa & UINT64_C(0x0000FFFFFFFFF000)) | 0x3 | (UINT64_C(3) << 8) |
                        (af ? UINT64_C(1) << 10 : 0);
        leaf |= it->second.second == 2 ? (UINT64_C(0xF) << 2) | (UINT64_C(3) << 6)  // S2
                                       : (UINT64_C(1) << 6);                        // S1
        mem().write64(table + 8 * ((ia >> 12) & 0x1FF), leaf);
    }

    smmu_xlate_t xlate(uint32_t sid, uint64_t iova, smmu_atype_t atype = SMMU_ATYPE_UNTRANSLATED,
                       bool write = false, bool secure = false)
    {
        smmu_txn_t t{};
        t.iova = iova;
        t.size = 4;
        t.stream_id = sid;
        t.write = write;
        t.atype = atype;
        t.secure = secure;
        smmu_xlate_t x{};
        smmu_translate(s, &t, &x);
        return x;
    }

    unsigned pmcg_irqs() const { return smmu.mem.irq_pulses[SMMU_IRQ_PMCG]; }

private:
    uint64_t next_ = TABLES;
    std::map<uint32_t, std::pair<uint64_t, int>> roots_;  // sid -> (root table, stage)
};

inline smmu_config_t config(unsigned groups, unsigned counters, unsigned bits)
{
    smmu_config_t c = smmu_config_default();
    c.pmcg_count = static_cast<uint8_t>(groups);
    c.pmcg_counters = static_cast<uint8_t>(counters);
    c.pmcg_counter_bits = static_cast<uint8_t>(bits);
    return c;
}

}  // namespace pmcg_test

#endif
