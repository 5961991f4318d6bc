// SPDX-License-Identifier: Apache-2.0
// A small driver for the stall tests: builds the Stream table, CDs and VMSAv8-64 4 KB page
// tables in FakeMem from the spec's bit positions (IHI 0070 G.b 5.2 STE, 5.4 CD, 6.3 registers,
// 4.x commands, 7.3 events; DDI 0487 D8.3 descriptors), and plays the driver: command queue,
// event queue. Deliberately independent of the model's own .def tables.
#ifndef SMMUV3_TESTS_STALL_STALL_RIG_H
#define SMMUV3_TESTS_STALL_STALL_RIG_H

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fake_mem.h"

namespace stall_test {

// Place a field of `width` bits at absolute bit `lsb` of a little-endian multi-dword record.
inline void put(uint64_t* rec, unsigned lsb, unsigned width, uint64_t v)
{
    uint64_t m = width == 64 ? ~UINT64_C(0) : ((UINT64_C(1) << width) - 1);
    rec[lsb / 64] = (rec[lsb / 64] & ~(m << (lsb % 64))) | ((v & m) << (lsb % 64));
}
inline uint64_t get(const uint64_t* rec, unsigned msb, unsigned lsb)
{
    unsigned w = msb - lsb + 1;
    uint64_t v = rec[lsb / 64] >> (lsb % 64);
    return w == 64 ? v : (v & ((UINT64_C(1) << w) - 1));
}

// Register offsets (6.2) and fields (6.3).
namespace reg {
constexpr uint64_t IDR0 = 0x0, IDR5 = 0x14, CR0 = 0x20, CR0ACK = 0x24, CR1 = 0x28, CR2 = 0x2C;
constexpr uint64_t IRQ_CTRL = 0x50, GERROR = 0x60, GERRORN = 0x64;
constexpr uint64_t STRTAB_BASE = 0x80, STRTAB_BASE_CFG = 0x88;
constexpr uint64_t CMDQ_BASE = 0x90, CMDQ_PROD = 0x98, CMDQ_CONS = 0x9C;
constexpr uint64_t EVENTQ_BASE = 0xA0, EVENTQ_PROD = 0x100A8, EVENTQ_CONS = 0x100AC;
constexpr uint32_t CR0_SMMUEN = 1u << 0, CR0_EVENTQEN = 1u << 2, CR0_CMDQEN = 1u << 3;
constexpr uint32_t GERROR_EVENTQ_ABT_ERR = 1u << 2;
constexpr uint32_t Q_OVFLG = 1u << 31;
}  // namespace reg

// Event record (7.3), 32 bytes.
struct Event {
    uint64_t raw[4] = {};
    unsigned type() const { return static_cast<unsigned>(get(raw, 7, 0)); }
    uint32_t sid() const { return static_cast<uint32_t>(get(raw, 63, 32)); }
    uint16_t stag() const { return static_cast<uint16_t>(get(raw, 79, 64)); }
    bool stall() const { return get(raw, 95, 95) != 0; }
    bool rnw() const { return get(raw, 99, 99) != 0; }
    bool s2() const { return get(raw, 103, 103) != 0; }
    unsigned cls() const { return static_cast<unsigned>(get(raw, 105, 104)); }
    uint64_t input_addr() const { return raw[2]; }
    uint64_t ipa() const { return get(raw, 247, 204) << 12; }
    std::string str() const;
};

constexpr unsigned F_TRANSLATION = 0x10, F_PERMISSION = 0x13, C_BAD_STE = 0x04, C_BAD_CD = 0x0A;
constexpr unsigned CLASS_IN = 2;

// What a test configures for one stream.
struct StreamCfg {
    bool s1 = true, s2 = false;
    bool cd_s = false, cd_r = true, cd_a = true;   // CD.S/R/A (5.5)
    bool s2s = false, s2r = true;                  // STE.S2S/S2R
    bool s1stalld = false;                         // STE.S1STALLD
    uint16_t asid = 1, vmid = 1;
};

// One 4 KB-granule translation table set with a 39-bit input (start level 1).
class PageTable {
public:
    PageTable(smmu_test::FakeMem& m, uint64_t& pool, unsigned stage);
    uint64_t root() const { return root_; }
    void map(uint64_t ia, uint64_t oa, bool writable = true);
    void unmap(uint64_t ia);

private:
    uint64_t leaf_slot(uint64_t ia);
    smmu_test::FakeMem& mem_;
    uint64_t& pool_;
    unsigned stage_;
    uint64_t root_;
};

class Rig {
public:
    static constexpr uint64_t STRTAB = 0x100000, CMDQ = 0x200000, EVTQ = 0x300000;
    static constexpr uint64_t CDS = 0x400000, POOL = 0x1000000;
    static constexpr unsigned STRTAB_LOG2 = 6;  // 64 streams, linear

    explicit Rig(const smmu_config_t& c, unsigned evtq_log2 = 5);
    Rig() : Rig(smmu_config_default()) {}

    smmu_t* s() { return h_.s; }
    smmu_test::FakeMem& mem() { return h_.mem; }
    smmu_test::Smmu& h() { return h_; }

    // Stream table, CD and tables for sid; returns the stage-1 (or, without stage 1, the
    // stage-2) page table. Stage-2 tables of a nested stream map the stage-1 tables and the CD
    // 1:1 automatically.
    PageTable& add_stream(uint32_t sid, const StreamCfg& sc);
    PageTable& s1(uint32_t sid) { return *streams_.at(sid).s1pt; }
    PageTable& s2(uint32_t sid) { return *streams_.at(sid).s2pt; }
    // Rewrite the STE / CD of sid after editing the StreamCfg.
    void rewrite(uint32_t sid, const StreamCfg& sc);

    // Control.
    void enable(bool eventq = true, bool smmuen = true);
    void set_cr0(uint32_t v);
    uint32_t cr0() { return h_.rd32(reg::CR0); }

    // Commands (4.x): queued and consumed at once (automatic mode).
    void cmd(uint64_t dw0, uint64_t dw1 = 0);
    void resume(uint32_t sid, uint16_t stag, bool retry, bool abort = true);  // 4.7.1
    void stall_term(uint32_t sid);                                            // 4.7.2
    void cfgi_all();                                                          // 4.3.4
    void tlbi_all();                                                          // 4.4 NSNH_ALL
    void sync();                                                              // 4.7.3
    uint32_t cmdq_err();  // CMDQ_CONS.ERR

    // Event queue: records between CONS and PROD; consume() advances CONS past them.
    std::vector<Event> pending_events();
    std::vector<Event> consume();
    uint32_t evtq_prod() { return h_.rd32(reg::EVENTQ_PROD); }

    // Translation.
    static smmu_txn_t txn(uint32_t sid, uint64_t va, bool write = false, uint32_t flags = 0);
    smmu_xlate_t xlate(uint32_t sid, uint64_t va, bool write = false, uint32_t flags = 0);
    smmu_xlate_t xlate_stallable(uint32_t sid, uint64_t va, uint64_t cookie, bool write = false);

    const std::vector<std::pair<uint64_t, smmu_xlate_t>>& done() { return h_.mem.stall_done; }
    smmu_stats_t stats();

private:
    struct Stream {
        StreamCfg cfg;
        PageTable* s1pt = nullptr;
        PageTable* s2pt = nullptr;
    };
    void write_ste(uint32_t sid, const Stream& st);
    void write_cd(uint32_t sid, const Stream& st);
    uint64_t cd_addr(uint32_t sid) const { return CDS + 64u * sid; }

    smmu_test::Smmu h_;
    uint64_t pool_ = POOL;
    unsigned evtq_log2_;
    uint32_t cmd_prod_ = 0;
    uint32_t evt_cons_ = 0;
    std::map<uint32_t, Stream> streams_;
    std::vector<std::unique_ptr<PageTable>> tables_;
};

// smmu_config_default() with a few stall-related knobs.
smmu_config_t config(uint8_t stall_model = 0, uint16_t stall_max = 64, uint8_t term_model = 0);

std::string describe(const smmu_xlate_t& x);

}  // namespace stall_test
#endif
