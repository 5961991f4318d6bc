// SPDX-License-Identifier: Apache-2.0
// Test-local helpers of the robustness property tests (docs/robustness.md): a seeded random
// generator, an SMMU brought up like a driver does it, random VMSAv8-64 translation tables,
// and an independent reference walker that reads the same memory as the model.
//
// Every bit position here is written from the specifications, with the section it comes
// from: Arm IHI 0070 G.b (SMMUv3) and Arm DDI 0487 (Arm ARM, chapter D8). Nothing comes from
// the model's .def tables or internal headers, so that a mistake in the model cannot cancel
// itself out in the reference.
#ifndef SMMUV3_TESTS_ROBUSTNESS_ROB_RIG_H
#define SMMUV3_TESTS_ROBUSTNESS_ROB_RIG_H

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fake_mem.h"
#include "smmuv3/smmuv3.h"

namespace rob {

using smmu_test::FakeMem;
using smmu_test::Smmu;

// ------------------------------------------------------------------------------------------
// Random numbers: splitmix64, integer draws only, so a seed gives the same sequence on every
// host and standard library.
// ------------------------------------------------------------------------------------------

class Rng {
public:
    explicit Rng(uint64_t seed) : s_(seed) {}
    uint64_t next();
    uint64_t below(uint64_t n) { return n ? next() % n : 0; }  // 0 <= x < n
    uint64_t range(uint64_t lo, uint64_t hi) { return lo + below(hi - lo + 1); }
    bool chance(unsigned percent) { return below(100) < percent; }

private:
    uint64_t s_;
};

// Seed of a randomised test: SMMU_ROB_SEED in the environment overrides the default, so a
// failure printed with its seed can be replayed.
uint64_t test_seed(uint64_t dflt);
// Scale of the randomised tests: SMMU_ROB_SCALE (percent, default 100). The valgrind step of
// scripts/test.sh runs with a smaller scale.
unsigned scaled(unsigned n);

uint64_t mask(unsigned msb, unsigned lsb);
void set_bits(uint64_t* rec, unsigned msb, unsigned lsb, uint64_t v);
uint64_t get_bits(const uint64_t* rec, unsigned msb, unsigned lsb);

// Event numbers (IHI 0070 7.3)
namespace evt {
constexpr uint8_t F_TRANSLATION = 0x10;
constexpr uint8_t F_ADDR_SIZE = 0x11;
constexpr uint8_t F_ACCESS = 0x12;
constexpr uint8_t F_PERMISSION = 0x13;
}  // namespace evt

// Register offsets (IHI 0070 6.2) and the bits used here
namespace reg {
constexpr uint64_t CR0 = 0x20, CR0ACK = 0x24, CR1 = 0x28, CR2 = 0x2C;
constexpr uint64_t GERROR = 0x60, GERRORN = 0x64;
constexpr uint64_t STRTAB_BASE = 0x80, STRTAB_BASE_CFG = 0x88;
constexpr uint64_t CMDQ_BASE = 0x90, CMDQ_PROD = 0x98, CMDQ_CONS = 0x9C;
constexpr uint64_t EVENTQ_BASE = 0xA0;
constexpr uint64_t EVENTQ_PROD = 0x100A8, EVENTQ_CONS = 0x100AC;  // Page 1 (6.3.95, 6.3.96)
constexpr uint32_t CR0_SMMUEN = 1u << 0, CR0_EVENTQEN = 1u << 2, CR0_CMDQEN = 1u << 3;
constexpr uint32_t CR2_RECINVSID = 1u << 1;
constexpr uint32_t EVENTQ_OVFLG = 1u << 31;     // EVENTQ_PROD.OVFLG (6.3.95)
constexpr uint32_t EVENTQ_OVACKFLG = 1u << 31;  // EVENTQ_CONS.OVACKFLG (6.3.96)
constexpr uint32_t GERROR_EVENTQ_ABT_ERR = 1u << 2;
}  // namespace reg

// Commands (IHI 0070 chapter 4): two dwords
struct Cmd {
    uint64_t dw0 = 0, dw1 = 0;
};
namespace cmd {
Cmd cfgi_ste(uint32_t sid);                           // 4.3.1
Cmd cfgi_all();                                       // 4.3.5 (CFGI_STE_RANGE, Range 31)
Cmd cfgi_cd(uint32_t sid, uint32_t ssid);             // 4.3.3
Cmd tlbi_nh_all(uint16_t vmid);                       // 4.4.2
Cmd tlbi_nh_asid(uint16_t vmid, uint16_t asid);       // 4.4.3
Cmd tlbi_nh_va(uint16_t vmid, uint16_t asid, uint64_t va);  // 4.4.1, one page, Leaf = 0
Cmd tlbi_s12_vmall(uint16_t vmid);                    // 4.4.8
Cmd tlbi_nsnh_all();                                  // 4.4.11
Cmd sync();                                           // 4.7.3, CS = none
}  // namespace cmd

// ------------------------------------------------------------------------------------------
// Translation tables and the reference walk (DDI 0487 D8.2, D8.3)
// ------------------------------------------------------------------------------------------

// Result of the reference walk
struct Ref {
    bool ok = false;
    uint64_t pa = 0;
    uint8_t fault = 0;      // event number when !ok
    bool s2 = false;        // the fault is a stage-2 fault
};

// One stage of translation tables in FakeMem.
//   stage 1: TTB0 only (EPD1 = 1), no TBI; leaves AP[2:1] = 01 (RW) or 11 (RO), both EL0 and
//            EL1 may access (so the PnU of the transaction does not matter).
//   stage 2: S2AP = 11 (RW) or 01 (RO); the start level may be one deeper than needed, with
//            concatenated initial tables.
// `view` is added to every table address written into a descriptor and to root(): tables of a
// nested stage 1 live at PA t and are seen by the walker at IPA t + view.
class Tables {
public:
    Tables(FakeMem& mem, int stage, unsigned gshift, unsigned ia_bits, unsigned oa_bits,
           int start_level, uint64_t root_pa, uint64_t view = 0);

    int stage() const { return stage_; }
    unsigned gshift() const { return g_; }
    unsigned ia_bits() const { return ia_; }
    unsigned oa_bits() const { return oa_; }
    int start_level() const { return start_; }
    uint64_t root() const { return root_ + view_; }
    unsigned level_shift(int level) const;
    unsigned index_bits(int level) const;
    uint64_t index(uint64_t ia, int level) const;
    // Bytes of the initial table (concatenated tables included)
    uint64_t root_bytes() const;
    // Whether a Block descriptor is allowed at this level (without DS / 52-bit LPA)
    bool block_ok(int level) const;

    // PA of the slot holding the level-`level` descriptor of ia, creating tables on the way
    // with `alloc` (bump allocator). Returns 0 if a leaf or an invalid-but-nonzero descriptor
    // is in the way.
    uint64_t slot(uint64_t ia, int level, uint64_t (*alloc)(void*, uint64_t), void* actx);
    // Leaf descriptor (Page at level 3, Block above) with AF = 1
    uint64_t leaf(uint64_t oa, int level, bool ro, bool af = true) const;
    uint64_t table(uint64_t next_pa) const { return ((next_pa + view_) & mask(47, g_)) | 3u; }

    // The reference walk. read_ipa translates a table address of a nested stage 1 (nullptr:
    // table addresses are PAs); it returns false with *f filled on a stage-2 fault.
    using ipa_fn = bool (*)(void* ctx, uint64_t ipa, uint64_t* pa, Ref* f);
    Ref walk(uint64_t ia, bool write, ipa_fn read_ipa = nullptr, void* ctx = nullptr) const;
    // Number of descriptor reads a walk needs at most
    unsigned max_levels() const { return static_cast<unsigned>(4 - start_); }

private:
    FakeMem& mem_;
    int stage_;
    unsigned g_, ia_, oa_;
    int start_;
    uint64_t root_, view_;
};

// ------------------------------------------------------------------------------------------
// Structures (IHI 0070 5.2 STE, 5.4 CD)
// ------------------------------------------------------------------------------------------

struct CdDesc {
    unsigned t0sz = 16;
    unsigned gshift = 12;
    unsigned ips = 5;        // 5.4 IPS: 0b010 40 bits, 0b101 48 bits
    uint16_t asid = 0;
    uint64_t ttb0 = 0;
    bool r = true, a = true, s = false;
    void encode(uint64_t dw[8]) const;
};

struct SteDesc {
    unsigned config = 0b101;  // 0b000 abort, 0b100 bypass, 0b101 S1, 0b110 S2, 0b111 nested
    uint64_t s1_context_ptr = 0;
    unsigned s1cdmax = 0;    // log2 of the number of CDs (linear CD table)
    uint16_t s2vmid = 0;
    unsigned s2t0sz = 16;
    int s2_start_level = 0;
    unsigned s2gshift = 12;
    unsigned s2ps = 5;       // 0b010 40 bits, 0b101 48 bits
    uint64_t s2ttb = 0;
    bool s2r = true;
    void encode(uint64_t dw[8]) const;
};

unsigned ps_bits(unsigned ps);  // IPS / S2PS encoding -> bits (6.3.6 IDR5.OAS table)

// ------------------------------------------------------------------------------------------
// An SMMU brought up like a driver: linear stream table of 2^sid_bits STEs, a command queue of
// 256 entries, an event queue of 2^evtq_log2 entries, SMMUEN = 1.
// ------------------------------------------------------------------------------------------

struct RigOptions {
    unsigned sid_bits = 6;
    unsigned evtq_log2 = 7;
    bool evtq_enable = true;
};

class Rig {
public:
    explicit Rig(const smmu_config_t& cfg, const RigOptions& o = RigOptions());

    smmu_t* s() { return dev_->s; }
    FakeMem& mem() { return dev_->mem; }
    Smmu& dev() { return *dev_; }
    uint64_t alloc(uint64_t size, uint64_t align);
    static uint64_t alloc_page(void* rig, uint64_t size);  // for Tables::slot

    void set_ste(uint32_t sid, const SteDesc& ste);
    void write_cd(uint64_t pa, const CdDesc& cd);
    uint64_t evtq_base() const { return evtq_; }
    unsigned evtq_log2() const { return opt_.evtq_log2; }

    // Commands: queued, published at once (the core consumes them on the CMDQ_PROD write).
    void submit(const std::vector<Cmd>& cmds);  // appends CMD_SYNC; throws on a command error
    // The event records written since the last call, advancing EVENTQ_CONS.
    std::vector<std::array<uint64_t, 4>> events();

    smmu_xlate_t xlate(const smmu_txn_t& t);

private:
    std::unique_ptr<Smmu> dev_;
    RigOptions opt_;
    uint64_t next_ = 0x10000000;
    uint64_t strtab_ = 0, cmdq_ = 0, evtq_ = 0;
    uint32_t cmd_prod_ = 0;
};

smmu_txn_t txn(uint32_t sid, uint64_t iova, bool write = false);
std::string describe(const smmu_xlate_t& x);

// A small configuration whose caches are tiny, so that evictions and refills happen all the
// time (the random replacement policy included).
smmu_config_t tiny_caches(smmu_policy_t policy, uint64_t seed);

// A digest of everything observable: FNV-1a over a stream of 64-bit words.
class Digest {
public:
    void add(uint64_t v);
    void add(const smmu_xlate_t& x);      // status, pa, mask, perm, hit, event record, work
    void add(const smmu_stats_t& st);     // every counter
    uint64_t value() const { return h_; }

private:
    uint64_t h_ = 0xcbf29ce484222325ull;
};

}  // namespace rob
#endif
