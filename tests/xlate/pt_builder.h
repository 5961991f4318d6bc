// SPDX-License-Identifier: Apache-2.0
// Test-only builders for the translation tests: an SMMU brought up the way a driver does it
// (stream table, command and event queues, CR0 enables, CMD_SYNC), and encoders for STEs, CDs,
// L1STDs, L1CDs and VMSAv8-64 translation tables assembled in FakeMem.
//
// Every bit position below is written here from the specifications, with the section it
// comes from: Arm IHI 0070 G.b (SMMUv3) and Arm DDI 0487 M.a.a (Arm ARM, chapter D8).
// Nothing is taken from the model's .def tables or internal headers, on purpose: a field
// typo in the model must not cancel itself out in its tests.
#ifndef SMMUV3_TESTS_XLATE_PT_BUILDER_H
#define SMMUV3_TESTS_XLATE_PT_BUILDER_H

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fake_mem.h"
#include "smmuv3/smmuv3.h"

namespace xlt {

using smmu_test::FakeMem;
using smmu_test::Smmu;

// ------------------------------------------------------------------------------------------
// Bit helpers (absolute bit numbers over a little-endian multi-dword record)
// ------------------------------------------------------------------------------------------

uint64_t mask(unsigned msb, unsigned lsb);
void set_bits(uint64_t* rec, unsigned msb, unsigned lsb, uint64_t v);
uint64_t get_bits(const uint64_t* rec, unsigned msb, unsigned lsb);

// ------------------------------------------------------------------------------------------
// Register offsets and fields (IHI 0070 6.2 register map, 6.3.x register pages)
// ------------------------------------------------------------------------------------------

namespace reg {
constexpr uint64_t CR0 = 0x20;              // 6.3.9
constexpr uint64_t CR0ACK = 0x24;           // 6.3.10
constexpr uint64_t CR1 = 0x28;              // 6.3.11
constexpr uint64_t CR2 = 0x2C;              // 6.3.12
constexpr uint64_t GERROR = 0x60;           // 6.3.19
constexpr uint64_t GERRORN = 0x64;          // 6.3.20
constexpr uint64_t STRTAB_BASE = 0x80;      // 6.3.24
constexpr uint64_t STRTAB_BASE_CFG = 0x88;  // 6.3.25
constexpr uint64_t CMDQ_BASE = 0x90;        // 6.3.26
constexpr uint64_t CMDQ_PROD = 0x98;        // 6.3.27
constexpr uint64_t CMDQ_CONS = 0x9C;        // 6.3.28
constexpr uint64_t EVENTQ_BASE = 0xA0;      // 6.3.29
constexpr uint64_t EVENTQ_PROD = 0x100A8;   // 6.3.95 (Page 1)
constexpr uint64_t EVENTQ_CONS = 0x100AC;   // 6.3.96 (Page 1)

// SMMU_CR0 (6.3.9)
constexpr uint32_t CR0_SMMUEN = 1u << 0;
constexpr uint32_t CR0_EVENTQEN = 1u << 2;
constexpr uint32_t CR0_CMDQEN = 1u << 3;
// SMMU_CR2 (6.3.12)
constexpr uint32_t CR2_E2H = 1u << 0;
constexpr uint32_t CR2_RECINVSID = 1u << 1;
// SMMU_GERROR (6.3.19)
constexpr uint32_t GERROR_CMDQ_ERR = 1u << 0;
}  // namespace reg

// Commands (IHI 0070 4.1.6 common fields, 4.3-4.7 opcodes)
namespace cmd {
constexpr uint8_t CFGI_STE = 0x03;        // 4.3.1: SID [63:32], Leaf [64]
constexpr uint8_t CFGI_STE_RANGE = 0x04;  // 4.3.2 / 4.3.5: Range [68:64]; 31 = CMD_CFGI_ALL
constexpr uint8_t CFGI_CD = 0x05;         // 4.3.3
constexpr uint8_t TLBI_EL2_ALL = 0x20;    // 4.4.4
constexpr uint8_t TLBI_NSNH_ALL = 0x30;   // 4.4.11
constexpr uint8_t SYNC = 0x46;            // 4.7.3: CS [13:12]
}  // namespace cmd

// Event numbers (IHI 0070 7.3)
namespace evt {
constexpr uint8_t C_BAD_STREAMID = 0x02;
constexpr uint8_t F_STE_FETCH = 0x03;
constexpr uint8_t C_BAD_STE = 0x04;
constexpr uint8_t F_STREAM_DISABLED = 0x06;
constexpr uint8_t C_BAD_SUBSTREAMID = 0x08;
constexpr uint8_t F_CD_FETCH = 0x09;
constexpr uint8_t C_BAD_CD = 0x0A;
constexpr uint8_t F_WALK_EABT = 0x0B;
constexpr uint8_t F_TRANSLATION = 0x10;
constexpr uint8_t F_ADDR_SIZE = 0x11;
constexpr uint8_t F_ACCESS = 0x12;
constexpr uint8_t F_PERMISSION = 0x13;
}  // namespace evt

// CLASS field of translation-related events (7.3)
enum : unsigned { CLASS_CD = 0, CLASS_TT = 1, CLASS_IN = 2 };

// ------------------------------------------------------------------------------------------
// Event record (IHI 0070 7.3, 32 bytes), field accessors at the architected positions
// ------------------------------------------------------------------------------------------

struct Event {
    uint64_t raw[4] = {};
    unsigned type() const { return static_cast<unsigned>(get_bits(raw, 7, 0)); }
    bool ssv() const { return get_bits(raw, 11, 11) != 0; }
    uint32_t ssid() const { return static_cast<uint32_t>(get_bits(raw, 31, 12)); }
    uint32_t sid() const { return static_cast<uint32_t>(get_bits(raw, 63, 32)); }
    unsigned stag() const { return static_cast<unsigned>(get_bits(raw, 79, 64)); }
    bool stall() const { return get_bits(raw, 95, 95) != 0; }
    bool pnu() const { return get_bits(raw, 97, 97) != 0; }
    bool ind() const { return get_bits(raw, 98, 98) != 0; }
    bool rnw() const { return get_bits(raw, 99, 99) != 0; }
    bool s2() const { return get_bits(raw, 103, 103) != 0; }
    unsigned cls() const { return static_cast<unsigned>(get_bits(raw, 105, 104)); }
    uint64_t input_addr() const { return get_bits(raw, 191, 128); }
    uint64_t ipa() const { return get_bits(raw, 247, 204) << 12; }        // IPA[55:12]
    uint64_t fetch_addr() const { return get_bits(raw, 247, 195) << 3; }  // FetchAddr[55:3]
    std::string str() const;
};

// ------------------------------------------------------------------------------------------
// STE (IHI 0070 5.2), 64 bytes
// ------------------------------------------------------------------------------------------

struct Ste {
    bool v = true;
    unsigned config = 0b101;  // 0b000 abort, 0b100 bypass, 0b101 S1, 0b110 S2, 0b111 nested
    unsigned s1fmt = 0;
    uint64_t s1_context_ptr = 0;
    unsigned s1cdmax = 0;
    unsigned s1dss = 0;
    unsigned s1cir = 1, s1cor = 1, s1csh = 3;
    bool s1stalld = false;
    unsigned eats = 0;
    unsigned strw = 0;
    unsigned memattr = 0;
    bool mtcfg = false;
    unsigned alloccfg = 0;
    unsigned shcfg = 1;
    unsigned privcfg = 0;
    unsigned instcfg = 0;
    bool mev = false;
    unsigned s2vmid = 0;
    unsigned s2t0sz = 25;
    unsigned s2sl0 = 1;
    unsigned s2ir0 = 1, s2or0 = 1, s2sh0 = 3;
    unsigned s2tg = 0;  // 0b00 4K, 0b01 64K, 0b10 16K
    unsigned s2ps = 5;  // 0b101 48 bits
    bool s2aa64 = true;
    bool s2endi = false;
    bool s2affd = false;
    bool s2ptw = false;
    bool s2hd = false;
    bool s2ha = false;
    bool s2s = false;
    bool s2r = true;
    bool s2sl0_2 = false;
    bool s2ds = false;
    uint64_t s2ttb = 0;

    void encode(uint64_t dw[8]) const;
};

// S2TG encoding of a granule shift (IHI 0070 5.2 S2TG)
unsigned s2tg_of(unsigned gshift);

// ------------------------------------------------------------------------------------------
// CD (IHI 0070 5.4), 64 bytes
// ------------------------------------------------------------------------------------------

struct Cd {
    unsigned t0sz = 25;
    unsigned tg0 = 0;  // 0b00 4K, 0b01 64K, 0b10 16K
    unsigned ir0 = 1, or0 = 1, sh0 = 3;
    bool epd0 = false;
    bool endi = false;
    unsigned t1sz = 25;
    unsigned tg1 = 2;  // 0b01 16K, 0b10 4K, 0b11 64K (differs from TG0)
    unsigned ir1 = 1, or1 = 1, sh1 = 3;
    bool epd1 = true;
    bool v = true;
    unsigned ips = 5;  // 0b101 48 bits
    bool affd = false;
    bool wxn = false;
    bool tbi0 = false, tbi1 = false;
    bool pan = false;
    bool aa64 = true;
    bool hd = false, ha = false;
    bool s = false, r = true, a = true;
    bool aset = false;
    unsigned asid = 0;
    bool had0 = false, had1 = false;
    bool e0pd0 = false, e0pd1 = false;
    uint64_t ttb0 = 0, ttb1 = 0;
    bool ds = false;
    uint64_t mair = 0xFF;  // Attr0 = Normal WB (MAIR[7:0]), others Device-nGnRnE

    void encode(uint64_t dw[8]) const;
};

// TG0 / TG1 encodings of a granule shift (IHI 0070 5.4: they differ)
unsigned tg0_of(unsigned gshift);
unsigned tg1_of(unsigned gshift);

// L1STD (IHI 0070 5.1): Span [4:0], L2Ptr [55:6]
uint64_t l1std(unsigned span, uint64_t l2ptr);
// L1CD (IHI 0070 5.3): V [0], L2Ptr [55:12]
uint64_t l1cd(bool v, uint64_t l2ptr);

// ------------------------------------------------------------------------------------------
// VMSAv8-64 descriptors (DDI 0487 D8.3)
// ------------------------------------------------------------------------------------------

// Attributes of a Block or Page descriptor. Stage-1 and stage-2 meanings share bits
// [7:6] (AP[2:1] / S2AP[1:0]) and [54:53] (UXN,PXN / XN[1:0]).
struct Leaf {
    bool af = true;        // [10]
    unsigned ap = 0b01;    // stage 1 AP[2:1] at [7:6]: 01 = RW at EL0 and EL1
    unsigned s2ap = 0b11;  // stage 2 S2AP[1:0] at [7:6]: 11 = RW
    bool uxn = false;      // stage 1 [54] (XN in one-privilege regimes)
    bool pxn = false;      // stage 1 [53]
    unsigned xn = 0;       // stage 2 XN[1:0] at [54:53]
    bool ng = false;       // stage 1 [11]
    bool dbm = false;      // [51]
    bool contig = false;   // [52]
    unsigned sh = 3;       // [9:8] (replaced by OA[51:50] when DS)
    unsigned attrindx = 0; // stage 1 [4:2]
    unsigned memattr = 0xF;// stage 2 MemAttr [5:2]
    uint64_t extra = 0;    // ORed in last

    static Leaf ro() { Leaf l; l.ap = 0b11; l.s2ap = 0b01; return l; }
};

// Hierarchical attributes of a stage-1 Table descriptor (DDI 0487 D8.3.1.1, Table D8-50)
struct TableAttrs {
    unsigned ap_table = 0;   // [62:61]
    bool uxn_table = false;  // [60]
    bool pxn_table = false;  // [59]
    uint64_t bits() const;
};

// ------------------------------------------------------------------------------------------
// Physical memory allocator (bump pointer, in a FakeMem)
// ------------------------------------------------------------------------------------------

class Alloc {
public:
    explicit Alloc(uint64_t base = UINT64_C(0x10000000)) : next_(base) {}
    uint64_t get(uint64_t size, uint64_t align);
    uint64_t next() const { return next_; }

private:
    uint64_t next_;
};

// ------------------------------------------------------------------------------------------
// VMSAv8-64 translation table builder (DDI 0487 D8.2 geometry, D8.3 formats)
// ------------------------------------------------------------------------------------------

class PageTable {
public:
    static constexpr int kAuto = 100;

    // stage: 1 or 2. gshift: 12, 14 or 16. ia_bits: input address size (64 - TxSZ).
    // start_level: kAuto for the stage-1 rule 4 - ceil((IAsize - G) / S) (D8.2); for stage 2
    // give the level selected by S2SL0 (the initial table is then concatenated as needed).
    // view: descriptors and root() hold pa + view (an IPA window for nested stage 1).
    // ds: 52-bit addresses with 4K/16K (OA[49:48] at [49:48], OA[51:50] at [9:8]);
    // lpa: 52-bit addresses with 64K (OA[51:48] at [15:12]).
    PageTable(FakeMem& mem, Alloc& alloc, int stage, unsigned gshift, unsigned ia_bits,
              int start_level = kAuto, uint64_t view = 0, bool ds = false, bool lpa = false,
              uint64_t root_pa = 0);

    int stage() const { return stage_; }
    unsigned gshift() const { return gshift_; }
    unsigned stride() const { return gshift_ - 3; }
    unsigned ia_bits() const { return ia_bits_; }
    int start_level() const { return start_; }
    uint64_t root() const { return root_pa_ + view_; }  // value for TTBx / S2TTB
    uint64_t root_pa() const { return root_pa_; }
    uint64_t root_bytes() const { return root_bytes_; }
    // log2 of the size mapped by one descriptor at level l
    unsigned level_shift(int l) const { return gshift_ + stride() * static_cast<unsigned>(3 - l); }
    uint64_t index(uint64_t ia, int l) const;

    // Block (level < 3) or Page (level 3) descriptor for ia -> oa; creates the tables above.
    // Returns the PA of the descriptor.
    uint64_t map(uint64_t ia, uint64_t oa, int level, const Leaf& a = Leaf());
    // Write a raw descriptor for ia at level (creating the tables above). Returns its PA.
    uint64_t set_raw(uint64_t ia, int level, uint64_t desc);
    // PA of the descriptor for ia at level (the tables above must already exist or are made).
    uint64_t desc_pa(uint64_t ia, int level);
    // OR table attributes into the Table descriptor for ia at level (which must be a table).
    void table_attrs(uint64_t ia, int level, const TableAttrs& t);
    // Encoders
    uint64_t leaf_desc(uint64_t oa, int level, const Leaf& a) const;
    uint64_t table_desc(uint64_t next) const;
    uint64_t addr_bits(uint64_t addr) const;  // OA / NLTA placement in a descriptor
    uint64_t read(uint64_t ia, int level);    // the descriptor currently in memory
    uint64_t rd(uint64_t pa) const;           // descriptor at pa (honours big_endian)
    void wr(uint64_t pa, uint64_t v);

    // Descriptors are stored big-endian (CD.ENDI == 1 / STE.S2ENDI == 1); set before use.
    bool big_endian = false;

private:
    uint64_t table_pa(uint64_t ia, int level);  // PA of the table holding level-l descriptors
    uint64_t addr_of(uint64_t desc) const;      // decode NLTA

    FakeMem& mem_;
    Alloc& alloc_;
    int stage_;
    unsigned gshift_, ia_bits_;
    int start_;
    uint64_t view_;
    bool ds_, lpa_;
    uint64_t root_pa_ = 0, root_bytes_ = 0;
};

// ------------------------------------------------------------------------------------------
// Transactions
// ------------------------------------------------------------------------------------------

struct Txn : smmu_txn_t {
    explicit Txn(uint64_t va, uint32_t sid = 1);
    Txn& w(bool v = true) { write = v; return *this; }
    Txn& x(bool v = true) { instr = v; return *this; }
    Txn& p(bool v = true) { priv = v; return *this; }
    Txn& ss(uint32_t id) { ssv = true; substream_id = id; return *this; }
    Txn& debug() { flags |= SMMU_TXN_DEBUG; return *this; }
};

// ------------------------------------------------------------------------------------------
// An SMMU brought up like a driver does it
// ------------------------------------------------------------------------------------------

struct RigOptions {
    bool two_level = false;   // STRTAB_BASE_CFG.FMT = 2-level
    unsigned log2size = 8;    // STRTAB_BASE_CFG.LOG2SIZE
    unsigned split = 8;       // STRTAB_BASE_CFG.SPLIT (2-level)
    bool recinvsid = true;    // CR2.RECINVSID
    bool e2h = false;         // CR2.E2H
    uint64_t ram_size = UINT64_C(1) << 40;
};

// The default configuration with every cache off (architecture tests that are not about
// caching do not need invalidation).
smmu_config_t config_nocache();
smmu_config_t config_nocache(smmu_config_t c);

class Rig {
public:
    explicit Rig(const smmu_config_t& cfg = config_nocache(), const RigOptions& o = RigOptions());
    ~Rig();

    Smmu& dev() { return *dev_; }
    FakeMem& mem() { return dev_->mem; }
    smmu_t* s() { return dev_->s; }
    Alloc& alloc() { return alloc_; }
    const RigOptions& options() const { return opt_; }
    uint64_t strtab() const { return strtab_; }

    // Stream table. For a 2-level table, an L2 array of 2^(SPLIT) STEs (Span = SPLIT + 1) is
    // made on first use of its L1STD unless set_l1std() placed one already.
    uint64_t ste_pa(uint32_t sid);
    void set_ste(uint32_t sid, const Ste& s);
    uint64_t l1std_pa(uint32_t sid) const;
    void set_l1std(uint32_t sid, unsigned span, uint64_t l2ptr);

    // Context descriptors
    uint64_t put_cd(const Cd& cd);                          // a single CD in fresh memory
    void write_cd(uint64_t pa, const Cd& cd);
    // A stream with stage 1 only through one CD; returns the CD PA.
    uint64_t s1_stream(uint32_t sid, const Cd& cd, Ste ste = Ste());

    // Commands (queue of 256 entries)
    void command(uint64_t dw0, uint64_t dw1 = 0);
    bool sync();               // CMD_SYNC; true when consumed without command error
    void invalidate_all();     // CMD_CFGI_ALL + CMD_TLBI_NSNH_ALL (+ TLBI_EL2_ALL) + CMD_SYNC

    // Events: the records written since the last call (advances EVENTQ_CONS)
    std::vector<Event> events();

    smmu_xlate_t xlate(const smmu_txn_t& t);

private:
    std::unique_ptr<Smmu> dev_;
    RigOptions opt_;
    Alloc alloc_;
    uint64_t strtab_ = 0, cmdq_ = 0, evtq_ = 0;
    unsigned cmdq_log2_ = 8, evtq_log2_ = 8;
    uint32_t cmd_prod_ = 0;
    std::vector<uint64_t> l2_;  // 2-level: L2 array PA per L1 index (0 = none)
};

std::string describe(const smmu_xlate_t& x);

}  // namespace xlt

#endif
