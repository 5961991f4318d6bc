// SPDX-License-Identifier: Apache-2.0
// Test-local helpers for the cache tests: an SMMU brought up the way a driver does it (stream
// table, command and event queues, CR0 enables, CMD_SYNC), encoders for STEs, CDs, L1STDs,
// L1CDs, VMSAv8-64 translation tables and commands, all assembled in FakeMem.
//
// Every register offset, bit position and encoding is written here from the specifications,
// with the section it comes from: Arm IHI 0070 G.b (SMMUv3) and Arm DDI 0487 M.a.a (Arm ARM,
// chapter D8). Nothing comes from the model's .def tables or internal headers: a field typo
// in the model must not cancel itself out in its tests. Only the public API is used.
#ifndef SMMUV3_TESTS_CACHES_CACHE_RIG_H
#define SMMUV3_TESTS_CACHES_CACHE_RIG_H

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fake_mem.h"
#include "smmuv3/smmuv3.h"

namespace cache_test {

using smmu_test::FakeMem;
using smmu_test::Smmu;

// ------------------------------------------------------------------------------------------
// Bits (absolute bit numbers over a little-endian record of 64-bit words)
// ------------------------------------------------------------------------------------------

uint64_t mask(unsigned msb, unsigned lsb);
void set_bits(uint64_t* rec, unsigned msb, unsigned lsb, uint64_t v);

// ------------------------------------------------------------------------------------------
// Registers (IHI 0070 6.2 register map; fields from 6.3.x)
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

constexpr uint32_t CR0_SMMUEN = 1u << 0;    // 6.3.9
constexpr uint32_t CR0_EVENTQEN = 1u << 2;
constexpr uint32_t CR0_CMDQEN = 1u << 3;
constexpr uint32_t CR2_E2H = 1u << 0;       // 6.3.12
constexpr uint32_t CR2_RECINVSID = 1u << 1;
constexpr uint32_t GERROR_CMDQ_ERR = 1u << 0;  // 6.3.19
}  // namespace reg

// CMDQ_CONS.ERR codes (7.1)
constexpr uint32_t CERROR_NONE = 0, CERROR_ILL = 1;

// ------------------------------------------------------------------------------------------
// Commands (IHI 0070 chapter 4). One command: dw0 = bits [63:0], dw1 = bits [127:64].
// ------------------------------------------------------------------------------------------

struct Cmd {
    uint64_t dw0 = 0, dw1 = 0;
};

namespace cmd {
// 4.1.6 common fields: Opcode [7:0], SSV [11], SubstreamID [31:12], StreamID [63:32];
// 4.4 TLBI: VMID [47:32], ASID [63:48].
// 4.3.1 CMD_CFGI_STE (0x03): StreamID, Leaf [64].
Cmd cfgi_ste(uint32_t sid, bool leaf);
// 4.3.2 CMD_CFGI_STE_RANGE (0x04): StreamID, Range [68:64] (2^(Range+1) StreamIDs).
Cmd cfgi_ste_range(uint32_t sid, unsigned range);
// 4.3.6 CMD_CFGI_ALL: CMD_CFGI_STE_RANGE with Range == 31 (the StreamID is IGNORED).
Cmd cfgi_all(uint32_t ignored_sid = 0);
// 4.3.3 CMD_CFGI_CD (0x05): SubstreamID [31:12], StreamID, Leaf [64].
Cmd cfgi_cd(uint32_t sid, uint32_t ssid, bool leaf);
// 4.3.4 CMD_CFGI_CD_ALL (0x06): StreamID.
Cmd cfgi_cd_all(uint32_t sid);
// 4.4.2.1 CMD_TLBI_NH_ALL (0x10): VMID.
Cmd tlbi_nh_all(uint16_t vmid);
// 4.4.2.2 CMD_TLBI_NH_ASID (0x11): VMID, ASID.
Cmd tlbi_nh_asid(uint16_t vmid, uint16_t asid);

// Address-based TLBI fields (4.4.1.1): NUM [16:12], SCALE [25:20], Leaf [64], TTL [73:72],
// TG [75:74], Address [127:76] = VA[63:12] (IPA[55:12] at [119:76] for CMD_TLBI_S2_IPA).
struct Range {
    unsigned tg = 0, num = 0, scale = 0, ttl = 0;
};
Cmd tlbi_addr(uint8_t opcode, uint16_t vmid, uint16_t asid, uint64_t addr, bool leaf,
              Range r = {});
// 4.4.2.4 CMD_TLBI_NH_VA (0x12): VMID, ASID, Addr, Leaf.
Cmd tlbi_nh_va(uint16_t vmid, uint16_t asid, uint64_t va, bool leaf, Range r = {});
// 4.4.2.3 CMD_TLBI_NH_VAA (0x13): VMID, Addr, Leaf.
Cmd tlbi_nh_vaa(uint16_t vmid, uint64_t va, bool leaf, Range r = {});
// 4.4.2.7 CMD_TLBI_EL2_ALL (0x20).
Cmd tlbi_el2_all();
// 4.4.2.10 CMD_TLBI_EL2_ASID (0x21): ASID.
Cmd tlbi_el2_asid(uint16_t asid);
// 4.4.2.8 CMD_TLBI_EL2_VA (0x22): ASID, Addr, Leaf.
Cmd tlbi_el2_va(uint16_t asid, uint64_t va, bool leaf, Range r = {});
// 4.4.2.9 CMD_TLBI_EL2_VAA (0x23): Addr, Leaf.
Cmd tlbi_el2_vaa(uint64_t va, bool leaf, Range r = {});
// 4.4.3.2 CMD_TLBI_S12_VMALL (0x28): VMID.
Cmd tlbi_s12_vmall(uint16_t vmid);
// 4.4.3.1 CMD_TLBI_S2_IPA (0x2A): VMID, IPA, Leaf.
Cmd tlbi_s2_ipa(uint16_t vmid, uint64_t ipa, bool leaf, Range r = {});
// 4.4.4.1 CMD_TLBI_NSNH_ALL (0x30).
Cmd tlbi_nsnh_all();
// 4.7.3 CMD_SYNC (0x46), CS = SIG_NONE.
Cmd sync();
}  // namespace cmd

// ------------------------------------------------------------------------------------------
// Structures
// ------------------------------------------------------------------------------------------

// STE (IHI 0070 5.2). Only the fields these tests use.
struct Ste {
    bool v = true;             // [0]
    unsigned config = 0b101;   // [3:1]: 100 bypass, 101 S1, 110 S2, 111 nested
    unsigned s1fmt = 0;        // [5:4]: 00 linear CD table, 01 2-level (4KB leaves)
    uint64_t s1ctxptr = 0;     // [55:6]
    unsigned s1cdmax = 0;      // [63:59]
    unsigned s1dss = 0;        // [65:64]
    unsigned shcfg = 1;        // [109:108]: 01 incoming
    unsigned strw = 0;         // [95:94]: 00 NS-EL1, 10 NS-EL2(-E2H)
    uint16_t s2vmid = 0;       // [143:128]
    unsigned s2t0sz = 25;      // [165:160]
    unsigned s2sl0 = 1;        // [167:166]: 4KB granule, 01 = start at level 1
    unsigned s2tg = 0;         // [175:174]: 00 4KB
    unsigned s2ps = 5;         // [178:176]: 101 = 48 bits
    bool s2aa64 = true;        // [179]
    bool s2r = true;           // [186]
    uint64_t s2ttb = 0;        // [247:196] = S2TTB[51:4]
    void encode(uint64_t dw[8]) const;
};

// CD (IHI 0070 5.4).
struct Cd {
    unsigned t0sz = 25;        // [5:0]
    unsigned tg0 = 0;          // [7:6]: 00 4KB, 01 64KB, 10 16KB
    bool epd0 = false;         // [14]
    unsigned t1sz = 25;        // [21:16]
    unsigned tg1 = 2;          // [23:22]: 01 16KB, 10 4KB, 11 64KB
    bool epd1 = true;          // [30]
    bool v = true;             // [31]
    unsigned ips = 5;          // [34:32]: 101 = 48 bits
    bool aa64 = true;          // [41]
    bool r = true, a = true;   // [45], [46]
    bool aset = false;         // [47]
    uint16_t asid = 0;         // [63:48]
    uint64_t ttb0 = 0;         // [119:68] = TTB0[55:4]
    uint64_t ttb1 = 0;         // [183:132]
    uint64_t mair = 0xFF;      // [255:192]: Attr0 = Normal WB
    void encode(uint64_t dw[8]) const;
};

class Rig;

// A VMSAv8-64 translation table (DDI 0487 D8.2, D8.3) for one stage, built in FakeMem.
class PageTable {
public:
    PageTable(Rig& rig, unsigned gshift, unsigned ia_bits, unsigned stage);
    uint64_t root() const { return root_; }
    int start_level() const { return start_; }
    unsigned gshift() const { return g_; }
    // Level whose blocks/pages have this size (log2), e.g. 12/21/30 for 4KB.
    unsigned level_shift(int level) const;
    // Map one leaf at `level` (3 = page, < 3 = block): creates the tables on the way and
    // overwrites whatever descriptor is there. Stage 1: nG = !global.
    void map(uint64_t va, uint64_t pa, int level = 3, bool global = false);
    // Descriptor address of va at level (tables on the way must exist).
    uint64_t desc_pa(uint64_t va, int level) const;
    // Replace the table descriptor at `level` for va with one pointing to a fresh, empty
    // next-level table; returns the new table's address.
    uint64_t fresh_table(uint64_t va, int level);
    uint64_t leaf_desc(uint64_t pa, int level, bool global) const;

private:
    uint64_t table_at(uint64_t va, int level, bool create);
    unsigned index(uint64_t va, int level) const;
    Rig& rig_;
    unsigned g_, ia_, stage_;
    int start_;
    uint64_t root_;
};

// A stream (Config 0b101 stage 1 only, 0b110 stage 2 only, 0b111 nested) and its structures.
struct Stream {
    uint32_t sid = 0;
    Ste ste;
    uint64_t cd_table = 0;               // CD (S1CDMax == 0) or linear CD table
    std::vector<Cd> cds;                 // by SubstreamID
    std::vector<std::unique_ptr<PageTable>> pts;  // stage-1 table per CD
    PageTable* s2 = nullptr;             // stage-2 table of its VMID (S2-only or nested)
    PageTable& pt(size_t ssid = 0) { return *pts.at(ssid); }
    uint16_t asid(size_t ssid = 0) const { return cds.at(ssid).asid; }
};

struct RigOptions {
    bool e2h = false;              // SMMU_CR2.E2H
    bool two_level_strtab = false; // STRTAB_BASE_CFG.FMT = 01, SPLIT = 6
    unsigned vmw = 0;              // SMMU_CR0.VMW (VMID wildcard, 3.17.6)
};

// An SMMU instance brought up with a stream table of 256 StreamIDs, a command queue and an
// event queue; SMMUEN = 1 after the driver-style initial invalidations (IHI 0070 4.3.6).
class Rig {
public:
    explicit Rig(const smmu_config_t& cfg, RigOptions o = {});
    Rig(const Rig&) = delete;
    Rig& operator=(const Rig&) = delete;

    Smmu dev;
    smmu_t* s() { return dev.s; }
    // Program the registers and enable the SMMU (done by the constructor; again after
    // smmu_reset(), with the same tables and queues).
    void bring_up();
    FakeMem& mem() { return dev.mem; }

    // Bump allocator for structures in FakeMem (zeroed memory, below 4 GB).
    uint64_t alloc(uint64_t size, uint64_t align);

    // Stream table
    uint64_t ste_pa(uint32_t sid) const;
    void write_ste(uint32_t sid, const Ste& ste);
    // 2-level tables only: the L1STD of sid and its L2 table (IHI 0070 5.1).
    uint64_t l1std_pa(uint32_t sid) const;
    uint64_t l2_table(uint32_t sid) const;
    void write_l1std(uint32_t sid, uint64_t l2, unsigned span);
    void write_cd(uint64_t pa, const Cd& cd);

    // Streams. Data PAs are chosen by the tests; structures come from alloc().
    // S1-only (Config 0b101): one CD (cdmax == 0) or a linear table of 2^cdmax CDs; the CD of
    // SubstreamID n gets ASID asid + n.
    Stream& s1_stream(uint32_t sid, uint16_t asid, uint16_t vmid, unsigned gshift = 12,
                      unsigned strw = 0, unsigned cdmax = 0);
    // The stage-2 table of a VMID (one per VMID: "TTBs in the same VMID are considered
    // equivalent", 3.17.6):
    // 39-bit IPA, 4KB granule, identity-mapping the first 4 GB with 1 GB blocks (where every
    // structure lives), plus whatever the tests map elsewhere.
    PageTable& s2_table(uint16_t vmid);
    // Stage 2 only (Config 0b110).
    Stream& s2_stream(uint32_t sid, uint16_t vmid);
    // Nested (Config 0b111).
    Stream& nested_stream(uint32_t sid, uint16_t asid, uint16_t vmid);
    // Rewrite the STE / CDs of a stream from its (modified) fields.
    void commit(Stream& st);

    // Commands: write, publish CMDQ_PROD, and expect them consumed without error; a CMD_SYNC
    // is appended unless sync == false. Returns CMDQ_CONS.ERR.
    uint32_t submit(std::initializer_list<Cmd> cmds, bool sync = true, bool expect_ok = true);
    uint32_t submit(const std::vector<Cmd>& cmds, bool sync = true, bool expect_ok = true);

    smmu_xlate_t xlate(uint32_t sid, uint64_t va, bool ssv = false, uint32_t ssid = 0,
                       uint16_t port = 0, uint32_t flags = 0);
    smmu_stats_t stats() const;

private:
    smmu_config_t cfg_;
    RigOptions opt_;
    uint64_t next_ = 0x01000000;
    uint64_t strtab_ = 0, cmdq_ = 0, evtq_ = 0;
    uint32_t strtab_cfg_ = 0;
    std::vector<uint64_t> l2_;     // 2-level: L2 table of each L1STD
    unsigned cmdq_log2_ = 8;
    uint32_t prod_ = 0;
    std::vector<std::unique_ptr<Stream>> streams_;
    std::map<uint16_t, std::unique_ptr<PageTable>> s2_;
};

// One cached translation watched across an invalidation: mapped to old_pa, warmed into the
// TLBs, then remapped to new_pa in memory (no invalidation). Afterwards the translation must
// be the stale old_pa (from a TLB) if the entry survived, or the fresh new_pa (from a walk)
// if it was invalidated.
struct Probe {
    std::string name;
    uint32_t sid = 0;
    PageTable* pt = nullptr;  // table holding the leaf (stage 1, or stage 2 for S2-only)
    uint64_t va = 0;          // start of the mapping (VA, or IPA for S2-only streams)
    int level = 3;
    bool global = false;
    bool ssv = false;
    uint32_t ssid = 0;
    uint64_t old_pa = 0, new_pa = 0;
    uint64_t at() const { return va + 0x10; }  // address translated
};

class Probes {
public:
    explicit Probes(Rig& r) : rig_(r) {}
    // A leaf of stream st (its stage-1 table of SubstreamID ssid; stage 2 for S2-only).
    Probe& add(const std::string& name, Stream& st, uint64_t va, int level = 3,
               bool global = false);
    Probe& add_ssid(const std::string& name, Stream& st, uint32_t ssid, uint64_t va);
    Probe& get(const std::string& name);
    // Map (old), translate twice (walk, then a TLB hit).
    void warm();
    // Rewrite every leaf to new_pa in memory; translations stay stale (old_pa, cached).
    void remap();
    // warm() + remap(), submit cmds (+ CMD_SYNC), then check: probes named in `gone` walk to
    // new_pa, all others still hit old_pa; iotlb.invalidations grows by gone.size().
    void run(const std::vector<Cmd>& cmds, const std::vector<std::string>& gone);
    // Only the checks after the commands.
    void check(const std::vector<std::string>& gone);

private:
    Rig& rig_;
    std::vector<Probe> p_;
    uint64_t next_pa_ = 0x80000000;
};

// Configurations.
smmu_config_t default_config();
smmu_config_t config_no_utlb();

// Assertions on a translation.
::testing::AssertionResult Cached(const smmu_xlate_t& x, uint64_t pa);   // OK, pa, TLB hit
::testing::AssertionResult Walked(const smmu_xlate_t& x, uint64_t pa);   // OK, pa, table walk
std::string describe(const smmu_xlate_t& x);

}  // namespace cache_test

#endif
