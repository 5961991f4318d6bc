// SPDX-License-Identifier: Apache-2.0
#include "stall_rig.h"

#include <cstdio>
#include <stdexcept>

namespace stall_test {

std::string Event::str() const
{
    char b[160];
    std::snprintf(b, sizeof b, "type=0x%02x sid=%u stall=%d stag=0x%x s2=%d class=%u in=0x%llx",
                  type(), sid(), stall() ? 1 : 0, stag(), s2() ? 1 : 0, cls(),
                  static_cast<unsigned long long>(input_addr()));
    return b;
}

std::string describe(const smmu_xlate_t& x)
{
    static const char* const names[] = {"OK", "BYPASS", "ABORT", "FAULT", "RAZWI", "STALL"};
    char b[160];
    std::snprintf(b, sizeof b, "status=%s pa=0x%llx stag=0x%x event=0x%02x stall=%d recorded=%d",
                  x.status <= SMMU_XLATE_STALL ? names[x.status] : "?",
                  static_cast<unsigned long long>(x.pa), x.stall_tag, x.event.type,
                  x.event.stall ? 1 : 0, x.recorded ? 1 : 0);
    return b;
}

smmu_config_t config(uint8_t stall_model, uint16_t stall_max, uint8_t term_model)
{
    smmu_config_t c = smmu_config_default();
    c.stall_model = stall_model;
    c.stall_max = stall_max;
    c.term_model = term_model;
    return c;
}

// ---------------------------------------------------------------------------------------------
// VMSAv8-64, 4 KB granule, 39-bit input: levels 1..3 (DDI 0487 D8.2, D8.3)
// ---------------------------------------------------------------------------------------------

PageTable::PageTable(smmu_test::FakeMem& m, uint64_t& pool, unsigned stage)
    : mem_(m), pool_(pool), stage_(stage), root_(pool)
{
    pool_ += 0x1000;
}

uint64_t PageTable::leaf_slot(uint64_t ia)
{
    uint64_t table = root_;
    for (unsigned level = 1; level < 3; level++) {
        unsigned shift = 39 - 9 * level;  // 30, 21
        uint64_t slot = table + ((ia >> shift) & 0x1FF) * 8;
        uint64_t d = mem_.read64(slot);
        if ((d & 3) != 3) {
            d = pool_ | 3;  // table descriptor: NLTA | 0b11
            pool_ += 0x1000;
            mem_.write64(slot, d);
        }
        table = d & UINT64_C(0x0000FFFFFFFFF000);
    }
    return table + ((ia >> 12) & 0x1FF) * 8;
}

void PageTable::map(uint64_t ia, uint64_t oa, bool writable)
{
    uint64_t d = (oa & ~UINT64_C(0xFFF)) | 3 | (UINT64_C(1) << 10) | (UINT64_C(3) << 8);  // AF, ISH
    if (stage_ == 1)
        d |= (writable ? UINT64_C(1) : UINT64_C(3)) << 6;  // AP[2:1]: 01 RW any EL, 11 RO any EL
    else
        d |= ((writable ? UINT64_C(3) : UINT64_C(1)) << 6) | (UINT64_C(0xF) << 2);  // S2AP, Normal WB
    mem_.write64(leaf_slot(ia), d);
}

void PageTable::unmap(uint64_t ia)
{
    mem_.write64(leaf_slot(ia), 0);
}

// ---------------------------------------------------------------------------------------------
// The rig
// ---------------------------------------------------------------------------------------------

Rig::Rig(const smmu_config_t& c, unsigned evtq_log2) : h_(c), evtq_log2_(evtq_log2) {}

PageTable& Rig::add_stream(uint32_t sid, const StreamCfg& sc)
{
    Stream st;
    st.cfg = sc;
    if (sc.s1) {
        tables_.push_back(std::make_unique<PageTable>(h_.mem, pool_, 1));
        st.s1pt = tables_.back().get();
    }
    if (sc.s2) {
        tables_.push_back(std::make_unique<PageTable>(h_.mem, pool_, 2));
        st.s2pt = tables_.back().get();
        if (sc.s1) {
            // nested: the CD and the stage-1 tables are IPAs, mapped 1:1 at stage 2
            st.s2pt->map(cd_addr(sid), cd_addr(sid));
            for (uint64_t a = POOL; a < POOL + 0x200000; a += 0x1000)
                st.s2pt->map(a, a);
        }
    }
    streams_[sid] = st;
    write_ste(sid, st);
    if (sc.s1)
        write_cd(sid, st);
    return sc.s1 ? *st.s1pt : *st.s2pt;
}

void Rig::rewrite(uint32_t sid, const StreamCfg& sc)
{
    Stream& st = streams_.at(sid);
    st.cfg = sc;
    write_ste(sid, st);
    if (sc.s1)
        write_cd(sid, st);
}

// STE (5.2): bit positions across the 512-bit entry.
void Rig::write_ste(uint32_t sid, const Stream& st)
{
    const StreamCfg& c = st.cfg;
    uint64_t e[8] = {};
    put(e, 0, 1, 1);                                            // V
    put(e, 1, 3, 0b100 | (c.s1 ? 1u : 0u) | (c.s2 ? 2u : 0u));  // Config
    if (c.s1) {
        put(e, 6, 50, cd_addr(sid) >> 6);  // S1ContextPtr[55:6]
        put(e, 66, 2, 1);                  // S1CIR WB
        put(e, 68, 2, 1);                  // S1COR WB
        put(e, 70, 2, 3);                  // S1CSH ISH
        put(e, 91, 1, c.s1stalld);         // S1STALLD
    }
    if (c.s2) {
        put(e, 128, 16, c.vmid);           // S2VMID
        put(e, 160, 6, 25);                // S2T0SZ: 39-bit IPA
        put(e, 166, 2, 1);                 // S2SL0: start at level 1 (4 KB)
        put(e, 168, 2, 1);                 // S2IR0
        put(e, 170, 2, 1);                 // S2OR0
        put(e, 172, 2, 3);                 // S2SH0
        put(e, 174, 2, 0);                 // S2TG: 4 KB
        put(e, 176, 3, 5);                 // S2PS: 48 bits
        put(e, 179, 1, 1);                 // S2AA64
        put(e, 185, 1, c.s2s);             // S2S
        put(e, 186, 1, c.s2r);             // S2R
        put(e, 196, 52, st.s2pt->root() >> 4);  // S2TTB[55:4]
    }
    h_.mem.write_dwords(STRTAB + 64u * sid, e, 8);
}

// CD (5.4): TTB0 only, 39-bit VA, 4 KB, 48-bit IPS.
void Rig::write_cd(uint32_t sid, const Stream& st)
{
    const StreamCfg& c = st.cfg;
    uint64_t d[8] = {};
    put(d, 0, 6, 25);            // T0SZ
    put(d, 6, 2, 0);             // TG0: 4 KB
    put(d, 8, 2, 1);             // IR0
    put(d, 10, 2, 1);            // OR0
    put(d, 12, 2, 3);            // SH0
    put(d, 16, 6, 25);           // T1SZ
    put(d, 22, 2, 2);            // TG1: 4 KB
    put(d, 30, 1, 1);            // EPD1
    put(d, 31, 1, 1);            // V
    put(d, 32, 3, 5);            // IPS: 48 bits
    put(d, 41, 1, 1);            // AA64
    put(d, 44, 1, c.cd_s);       // S
    put(d, 45, 1, c.cd_r);       // R
    put(d, 46, 1, c.cd_a);       // A
    put(d, 48, 16, c.asid);      // ASID
    put(d, 68, 52, st.s1pt->root() >> 4);  // TTB0[55:4]
    put(d, 192, 32, 0xFF);       // MAIR0: Attr0 = Normal WB
    h_.mem.write_dwords(cd_addr(sid), d, 8);
}

void Rig::enable(bool eventq, bool smmuen)
{
    cmd_prod_ = 0;
    evt_cons_ = 0;
    h_.wr64(reg::STRTAB_BASE, STRTAB);
    h_.wr32(reg::STRTAB_BASE_CFG, STRTAB_LOG2);  // FMT linear
    h_.wr64(reg::CMDQ_BASE, CMDQ | 8);            // 256 commands
    h_.wr32(reg::CMDQ_PROD, 0);
    h_.wr32(reg::CMDQ_CONS, 0);
    h_.wr64(reg::EVENTQ_BASE, EVTQ | evtq_log2_);
    h_.wr32(reg::EVENTQ_PROD, 0);
    h_.wr32(reg::EVENTQ_CONS, 0);
    h_.wr32(reg::CR1, 0x0D75);  // queues and tables WB, ISH
    set_cr0(reg::CR0_CMDQEN | (eventq ? reg::CR0_EVENTQEN : 0) | (smmuen ? reg::CR0_SMMUEN : 0));
}

void Rig::set_cr0(uint32_t v)
{
    h_.wr32(reg::CR0, v);
    if (h_.rd32(reg::CR0ACK) != v)
        throw std::runtime_error("CR0ACK did not follow CR0");
}

void Rig::cmd(uint64_t dw0, uint64_t dw1)
{
    const unsigned log2 = 8;
    uint32_t idx = cmd_prod_ & ((1u << log2) - 1);
    uint64_t c[2] = {dw0, dw1};
    h_.mem.write_dwords(CMDQ + 16u * idx, c, 2);
    cmd_prod_ = (cmd_prod_ + 1) & ((1u << (log2 + 1)) - 1);
    h_.wr32(reg::CMDQ_PROD, cmd_prod_);
}

// 4.7.1 CMD_RESUME: opcode 0x44, Ac [12], Ab [13], StreamID [63:32], STAG [79:64].
void Rig::resume(uint32_t sid, uint16_t stag, bool retry, bool abort)
{
    uint64_t dw0 = 0x44 | (retry ? UINT64_C(1) << 12 : 0) | (abort ? UINT64_C(1) << 13 : 0) |
                   (static_cast<uint64_t>(sid) << 32);
    cmd(dw0, stag);
}

// 4.7.2 CMD_STALL_TERM: opcode 0x45, StreamID [63:32].
void Rig::stall_term(uint32_t sid)
{
    cmd(0x45 | (static_cast<uint64_t>(sid) << 32));
}

// 4.3.4 CMD_CFGI_ALL: CMD_CFGI_STE_RANGE (0x04) with Range [68:64] = 31.
void Rig::cfgi_all()
{
    cmd(0x04, 31);
}

// 4.4 CMD_TLBI_NSNH_ALL (0x30).
void Rig::tlbi_all()
{
    cmd(0x30);
}

// 4.7.3 CMD_SYNC (0x46), CS = SIG_NONE.
void Rig::sync()
{
    cmd(0x46);
}

uint32_t Rig::cmdq_err()
{
    return (h_.rd32(reg::CMDQ_CONS) >> 24) & 0x7F;
}

std::vector<Event> Rig::pending_events()
{
    std::vector<Event> v;
    uint32_t mask = (2u << evtq_log2_) - 1;  // index + wrap bit
    uint32_t prod = evtq_prod() & mask;
    for (uint32_t c = evt_cons_ & mask; c != prod; c = (c + 1) & mask) {
        Event e;
        uint64_t a = EVTQ + 32u * (c & ((1u << evtq_log2_) - 1));
        for (unsigned i = 0; i < 4; i++)
            e.raw[i] = h_.mem.read64(a + 8 * i);
        v.push_back(e);
    }
    return v;
}

std::vector<Event> Rig::consume()
{
    std::vector<Event> v = pending_events();
    uint32_t prod = evtq_prod();
    uint32_t mask = (2u << evtq_log2_) - 1;
    evt_cons_ = prod & mask;
    h_.wr32(reg::EVENTQ_CONS, evt_cons_ | (prod & reg::Q_OVFLG));  // OVACKFLG = OVFLG
    return v;
}

smmu_txn_t Rig::txn(uint32_t sid, uint64_t va, bool write, uint32_t flags)
{
    smmu_txn_t t{};
    t.iova = va;
    t.size = 4;
    t.stream_id = sid;
    t.write = write;
    t.flags = flags;
    return t;
}

smmu_xlate_t Rig::xlate(uint32_t sid, uint64_t va, bool write, uint32_t flags)
{
    smmu_txn_t t = txn(sid, va, write, flags);
    smmu_xlate_t x{};
    smmu_translate(h_.s, &t, &x);
    return x;
}

smmu_xlate_t Rig::xlate_stallable(uint32_t sid, uint64_t va, uint64_t cookie, bool write)
{
    smmu_txn_t t = txn(sid, va, write);
    smmu_xlate_t x{};
    smmu_translate_stallable(h_.s, &t, cookie, &x);
    return x;
}

smmu_stats_t Rig::stats()
{
    smmu_stats_t st;
    smmu_stats_get(h_.s, &st);
    return st;
}

}  // namespace stall_test
