// SPDX-License-Identifier: Apache-2.0
// Test rig for the PRI / ATS tests: an SMMU brought up the way a driver does it (stream
// table, command, event and PRI queues), STE / CD / translation-table builders, and a host
// whose atc_inv callback can be forwarded to a device-side ATC (smmuv3_atc.h).
//
// Every bit position here is written from the specifications, with the section it comes
// from: Arm IHI 0070 G.b (SMMUv3) and Arm DDI 0487 (VMSAv8-64, chapter D8). Nothing comes
// from the model's .def tables or its internal headers, so a typo there cannot cancel out.
#ifndef SMMUV3_TESTS_PRI_ATS_PA_RIG_H
#define SMMUV3_TESTS_PRI_ATS_PA_RIG_H

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "fake_mem.h"
#include "smmuv3/smmuv3.h"
#include "smmuv3/smmuv3_atc.h"

namespace pa {

// Absolute bit numbers over a little-endian record of 64-bit words.
uint64_t get_bits(const uint64_t* rec, unsigned msb, unsigned lsb);
void set_bits(uint64_t* rec, unsigned msb, unsigned lsb, uint64_t v);

// ------------------------------------------------------------------------------------------
// Registers (IHI 0070 6.2 register map, 6.3.x pages)
// ------------------------------------------------------------------------------------------
namespace reg {
constexpr uint64_t IDR0 = 0x0, IDR1 = 0x4, IDR3 = 0xC;   // 6.3.1, 6.3.2, 6.3.4
constexpr uint64_t CR0 = 0x20, CR0ACK = 0x24, CR2 = 0x2C; // 6.3.9, 6.3.10, 6.3.12
constexpr uint64_t IRQ_CTRL = 0x50, IRQ_CTRLACK = 0x54;   // 6.3.16, 6.3.17
constexpr uint64_t GERROR = 0x60, GERRORN = 0x64;         // 6.3.19, 6.3.20
constexpr uint64_t STRTAB_BASE = 0x80, STRTAB_BASE_CFG = 0x88;
constexpr uint64_t CMDQ_BASE = 0x90, CMDQ_PROD = 0x98, CMDQ_CONS = 0x9C;
constexpr uint64_t EVENTQ_BASE = 0xA0;
constexpr uint64_t PRIQ_BASE = 0xC0;                      // 6.3.33
constexpr uint64_t PRIQ_IRQ_CFG0 = 0xD0, PRIQ_IRQ_CFG1 = 0xD8, PRIQ_IRQ_CFG2 = 0xDC;
constexpr uint64_t EVENTQ_PROD = 0x100A8, EVENTQ_CONS = 0x100AC; // Page 1
constexpr uint64_t PRIQ_PROD = 0x100C8, PRIQ_CONS = 0x100CC;     // 6.3.97, 6.3.98 (Page 1)

constexpr uint32_t IDR0_ATS = 1u << 10, IDR0_NS1ATS = 1u << 11, IDR0_PRI = 1u << 16;
constexpr uint32_t IDR3_PPS = 1u << 5;
constexpr uint32_t CR0_SMMUEN = 1u << 0, CR0_PRIQEN = 1u << 1, CR0_EVENTQEN = 1u << 2,
                   CR0_CMDQEN = 1u << 3, CR0_ATSCHK = 1u << 4;
constexpr uint32_t IRQ_GERROR = 1u << 0, IRQ_PRIQ = 1u << 1, IRQ_EVENTQ = 1u << 2;
constexpr uint32_t GERROR_CMDQ_ERR = 1u << 0, GERROR_PRIQ_ABT_ERR = 1u << 3,
                   GERROR_MSI_PRIQ_ABT_ERR = 1u << 6;
constexpr uint32_t PRIQ_IRQ_CFG2_LO = 1u << 31;           // 6.3.36
constexpr uint32_t OVFLG = 1u << 31;                      // PRIQ_PROD.OVFLG / CONS.OVACKFLG
constexpr unsigned CMDQ_CONS_ERR_SHIFT = 24;              // CMDQ_CONS.ERR [30:24] (6.3.28)
}  // namespace reg

// CERROR codes (7.1)
constexpr unsigned CERROR_ILL = 1, CERROR_ATC_INV_SYNC = 3;

// Event numbers (7.3)
namespace evt {
constexpr unsigned F_BAD_ATS_TREQ = 0x05, F_TRANSL_FORBIDDEN = 0x07, F_TRANSLATION = 0x10;
}

// ------------------------------------------------------------------------------------------
// Records
// ------------------------------------------------------------------------------------------

// PRI queue record (chapter 8, 16 bytes).
struct PriRec {
    uint64_t raw[2] = {};
    uint32_t sid() const { return static_cast<uint32_t>(get_bits(raw, 31, 0)); }
    uint32_t ssid() const { return static_cast<uint32_t>(get_bits(raw, 51, 32)); }
    bool priv() const { return get_bits(raw, 58, 58) != 0; }
    bool exec() const { return get_bits(raw, 59, 59) != 0; }
    bool read() const { return get_bits(raw, 60, 60) != 0; }
    bool write() const { return get_bits(raw, 61, 61) != 0; }
    bool last() const { return get_bits(raw, 62, 62) != 0; }
    bool ssv() const { return get_bits(raw, 63, 63) != 0; }
    unsigned prgi() const { return static_cast<unsigned>(get_bits(raw, 72, 64)); }
    uint64_t addr() const { return get_bits(raw, 127, 76) << 12; }
};

// Event record (7.3, 32 bytes): the common fields.
struct Event {
    uint64_t raw[4] = {};
    unsigned type() const { return static_cast<unsigned>(get_bits(raw, 7, 0)); }
    bool ssv() const { return get_bits(raw, 11, 11) != 0; }
    uint32_t ssid() const { return static_cast<uint32_t>(get_bits(raw, 31, 12)); }
    uint32_t sid() const { return static_cast<uint32_t>(get_bits(raw, 63, 32)); }
    bool rnw() const { return get_bits(raw, 99, 99) != 0; }
    bool s2() const { return get_bits(raw, 103, 103) != 0; }
    unsigned cls() const { return static_cast<unsigned>(get_bits(raw, 105, 104)); }
    uint64_t input_addr() const { return get_bits(raw, 191, 128); }
    uint64_t ipa() const { return get_bits(raw, 247, 204) << 12; }
};

// STE (5.2). Defaults: valid, stage 1 only, EATS = 0b01.
struct Ste {
    bool v = true;
    unsigned config = 0b101;
    unsigned s1fmt = 0;
    uint64_t s1ctxptr = 0;
    unsigned s1cdmax = 0;
    unsigned s1dss = 0;
    bool ppar = false;
    unsigned eats = 0b01;
    unsigned privcfg = 0, instcfg = 0;
    unsigned s2vmid = 1;
    unsigned s2t0sz = 25, s2sl0 = 1, s2tg = 0, s2ps = 5;
    bool s2ha = false, s2hd = false, s2s = false, s2r = true;
    uint64_t s2ttb = 0;
    void encode(uint64_t dw[8]) const;
};

// CD (5.4). Defaults: valid, AArch64, 4K TTB0 with T0SZ = 25, TTB1 disabled, 48-bit IPS.
struct Cd {
    bool v = true;
    unsigned t0sz = 25;
    bool epd0 = false;
    unsigned ips = 5;
    bool ha = false, hd = false;
    bool s = false, r = true, a = true;
    unsigned asid = 1;
    uint64_t ttb0 = 0;
    void encode(uint64_t dw[8]) const;
};

// VMSAv8-64 Page descriptor attributes (DDI 0487 D8.3). Stage 1 uses ap/uxn/pxn, stage 2
// s2ap/xn; both af and dbm.
struct Leaf {
    bool af = true;          // [10]
    unsigned ap = 0b01;      // stage 1 AP[2:1] [7:6]: 00 EL1 RW; 01 RW; 10 EL1 RO; 11 RO
    unsigned s2ap = 0b11;    // stage 2 S2AP[1:0] [7:6]: bit 6 read, bit 7 write
    bool uxn = false;        // stage 1 [54]
    bool pxn = false;        // stage 1 [53]
    unsigned xn = 0;         // stage 2 XN[1:0] [54:53]
    bool dbm = false;        // [51]
};

// 4 KB-granule, 39-bit input translation table (levels 1-3), allocated in FakeMem.
class PageTable {
public:
    PageTable(smmu_test::FakeMem& mem, uint64_t (*alloc)(void*), void* actx, int stage);
    uint64_t root() const { return root_; }
    uint64_t map(uint64_t ia, uint64_t oa, const Leaf& l = Leaf());  // returns the PTE's PA
    void unmap(uint64_t ia);
    uint64_t pte_pa(uint64_t ia);
    uint64_t pte(uint64_t ia) { return mem_.read64(pte_pa(ia)); }

private:
    smmu_test::FakeMem& mem_;
    uint64_t (*alloc_)(void*);
    void* actx_;
    int stage_;
    uint64_t root_;
};

// ------------------------------------------------------------------------------------------
// The host: a FakeMem whose atc_inv callback also forwards to a device ATC
// ------------------------------------------------------------------------------------------

struct Host : smmu_test::FakeMem {
    smmu_atc_t* atc = nullptr;  // when set, ATS Invalidate Requests reach it
    smmu_host_ops_t host_ops();
};

struct RigOptions {
    unsigned priq_log2 = 8;      // PRIQ_BASE.LOG2SIZE
    bool enable = true;          // SMMUEN + queues at construction
    bool atschk = true;
    bool priqen = true;
};

smmu_config_t default_config();

class Rig {
public:
    explicit Rig(const smmu_config_t& cfg = default_config(), const RigOptions& o = RigOptions());
    ~Rig();
    Rig(const Rig&) = delete;
    Rig& operator=(const Rig&) = delete;

    Host mem;
    smmu_t* s = nullptr;
    smmu_config_t cfg;

    uint32_t rd32(uint64_t off);
    void wr32(uint64_t off, uint32_t v);
    void wr64(uint64_t off, uint64_t v);
    void set_cr0(uint32_t v);               // write and check CR0ACK
    uint32_t base_cr0() const { return base_cr0_; }

    uint64_t alloc(uint64_t size = 4096);   // zeroed, size-aligned (>= 4 KB)
    uint64_t alloc_mark() const { return next_; } // everything below was allocated
    static constexpr uint64_t kAllocBase = UINT64_C(0x02000000);
    static uint64_t alloc_thunk(void* rig) { return static_cast<Rig*>(rig)->alloc(); }
    PageTable table(int stage) { return PageTable(mem, alloc_thunk, this, stage); }

    // Stream table (linear, 256 entries)
    uint64_t ste_pa(uint32_t sid) const { return strtab_ + 64 * uint64_t(sid); }
    void set_ste(uint32_t sid, const Ste& ste);
    uint64_t put_cd(const Cd& cd);
    void put_cd_at(uint64_t pa, const Cd& cd);

    // Commands (256 entries); return the CERROR seen (0 = none) after processing.
    void command(uint64_t dw0, uint64_t dw1 = 0);
    unsigned cmd_error();
    uint32_t cmdq_cons() { return rd32(reg::CMDQ_CONS) & 0x1FF; } // RD + wrap (256 entries)
    void sync();
    void invalidate_all();                  // CMD_CFGI_ALL + CMD_TLBI_NSNH_ALL + CMD_SYNC
    void pri_resp(uint32_t sid, unsigned prgi, unsigned resp, bool ssv = false,
                  uint32_t ssid = 0);
    void atc_inv(uint32_t sid, uint64_t addr, unsigned size, bool ssv = false, uint32_t ssid = 0,
                 bool global = false);
    void tlbi_nh_va(unsigned vmid, unsigned asid, uint64_t va);

    // Event queue (256 entries): records since the last call
    std::vector<Event> events();

    // PRI queue
    uint64_t priq_base() const { return priq_; }
    unsigned priq_log2() const { return opt_.priq_log2; }
    uint64_t priq_slot(unsigned idx) const { return priq_ + 16 * uint64_t(idx); }
    PriRec slot(unsigned idx) const;
    std::vector<PriRec> pri_records(bool consume = true);  // CONS .. PROD
    size_t priq_writes() const;   // SMMU_ACCESS_PRIQ writes seen by the host

    smmu_xlate_t xlate(const smmu_txn_t& t);

private:
    RigOptions opt_;
    uint64_t next_ = kAllocBase;
    uint64_t strtab_ = 0, cmdq_ = 0, evtq_ = 0, priq_ = 0;
    uint32_t cmd_prod_ = 0;
    uint32_t base_cr0_ = 0;
};

// Transactions
smmu_txn_t treq(uint64_t va, uint32_t sid, bool write = false);   // ATS Translation Request
smmu_txn_t translated(uint64_t pa, uint32_t sid, bool write = false);
smmu_txn_t untranslated(uint64_t va, uint32_t sid, bool write = false);
smmu_pri_req_t ppr(uint32_t sid, uint64_t addr, unsigned prgi, bool last);

std::string describe(const smmu_xlate_t& x);

}  // namespace pa

#endif
