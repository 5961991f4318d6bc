// SPDX-License-Identifier: Apache-2.0
// Implementation of the cache tests' rig; see cache_rig.h. Section numbers: Arm IHI 0070 G.b
// (SMMUv3) unless marked "D8" (Arm DDI 0487 M.a.a chapter D8).
#include "cache_rig.h"

#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace cache_test {

uint64_t mask(unsigned msb, unsigned lsb)
{
    uint64_t hi = msb >= 63 ? ~UINT64_C(0) : ((UINT64_C(1) << (msb + 1)) - 1);
    return hi & ~((UINT64_C(1) << lsb) - 1);
}

void set_bits(uint64_t* rec, unsigned msb, unsigned lsb, uint64_t v)
{
    for (unsigned b = lsb; b <= msb; b++) {
        uint64_t bit = UINT64_C(1) << (b % 64);
        if ((v >> (b - lsb)) & 1u)
            rec[b / 64] |= bit;
        else
            rec[b / 64] &= ~bit;
    }
}

// ------------------------------------------------------------------------------------------
// Commands
// ------------------------------------------------------------------------------------------

namespace cmd {

static uint64_t sid_f(uint32_t sid) { return static_cast<uint64_t>(sid) << 32; }     // [63:32]
static uint64_t vmid_f(uint16_t v) { return static_cast<uint64_t>(v) << 32; }        // [47:32]
static uint64_t asid_f(uint16_t a) { return static_cast<uint64_t>(a) << 48; }        // [63:48]

Cmd cfgi_ste(uint32_t sid, bool leaf) { return {0x03 | sid_f(sid), leaf ? 1u : 0u}; }
Cmd cfgi_ste_range(uint32_t sid, unsigned range) { return {0x04 | sid_f(sid), range & 31u}; }
Cmd cfgi_all(uint32_t ignored_sid) { return cfgi_ste_range(ignored_sid, 31); }
Cmd cfgi_cd(uint32_t sid, uint32_t ssid, bool leaf)
{
    return {0x05 | (static_cast<uint64_t>(ssid & 0xFFFFFu) << 12) | sid_f(sid), leaf ? 1u : 0u};
}
Cmd cfgi_cd_all(uint32_t sid) { return {0x06 | sid_f(sid), 0}; }
Cmd tlbi_nh_all(uint16_t vmid) { return {0x10 | vmid_f(vmid), 0}; }
Cmd tlbi_nh_asid(uint16_t vmid, uint16_t asid) { return {0x11 | vmid_f(vmid) | asid_f(asid), 0}; }

Cmd tlbi_addr(uint8_t opcode, uint16_t vmid, uint16_t asid, uint64_t addr, bool leaf, Range r)
{
    Cmd c;
    c.dw0 = opcode | (static_cast<uint64_t>(r.num & 31u) << 12) |
            (static_cast<uint64_t>(r.scale & 63u) << 20) | vmid_f(vmid) | asid_f(asid);
    c.dw1 = (leaf ? 1u : 0u) | (static_cast<uint64_t>(r.ttl & 3u) << 8) |
            (static_cast<uint64_t>(r.tg & 3u) << 10) | (addr & ~UINT64_C(0xFFF));
    return c;
}
Cmd tlbi_nh_va(uint16_t vmid, uint16_t asid, uint64_t va, bool leaf, Range r)
{
    return tlbi_addr(0x12, vmid, asid, va, leaf, r);
}
Cmd tlbi_nh_vaa(uint16_t vmid, uint64_t va, bool leaf, Range r)
{
    return tlbi_addr(0x13, vmid, 0, va, leaf, r);
}
Cmd tlbi_el2_all() { return {0x20, 0}; }
Cmd tlbi_el2_asid(uint16_t asid) { return {0x21 | asid_f(asid), 0}; }
Cmd tlbi_el2_va(uint16_t asid, uint64_t va, bool leaf, Range r)
{
    return tlbi_addr(0x22, 0, asid, va, leaf, r);
}
Cmd tlbi_el2_vaa(uint64_t va, bool leaf, Range r) { return tlbi_addr(0x23, 0, 0, va, leaf, r); }
Cmd tlbi_s12_vmall(uint16_t vmid) { return {0x28 | vmid_f(vmid), 0}; }
Cmd tlbi_s2_ipa(uint16_t vmid, uint64_t ipa, bool leaf, Range r)
{
    // IPA[55:12] at [119:76] (4.4.3.1): bits [127:120] are RES0.
    return tlbi_addr(0x2A, vmid, 0, ipa & mask(55, 0), leaf, r);
}
Cmd tlbi_nsnh_all() { return {0x30, 0}; }
Cmd sync() { return {0x46, 0}; }

}  // namespace cmd

// ------------------------------------------------------------------------------------------
// Structures
// ------------------------------------------------------------------------------------------

void Ste::encode(uint64_t dw[8]) const
{
    for (int i = 0; i < 8; i++)
        dw[i] = 0;
    set_bits(dw, 0, 0, v);                    // V
    set_bits(dw, 3, 1, config);               // Config
    set_bits(dw, 5, 4, s1fmt);                // S1Fmt
    set_bits(dw, 55, 6, s1ctxptr >> 6);       // S1ContextPtr[55:6]
    set_bits(dw, 63, 59, s1cdmax);            // S1CDMax
    set_bits(dw, 65, 64, s1dss);              // S1DSS
    set_bits(dw, 95, 94, strw);               // STRW
    set_bits(dw, 109, 108, shcfg);            // SHCFG
    set_bits(dw, 143, 128, s2vmid);           // S2VMID
    set_bits(dw, 165, 160, s2t0sz);           // S2T0SZ
    set_bits(dw, 167, 166, s2sl0);            // S2SL0
    set_bits(dw, 175, 174, s2tg);             // S2TG
    set_bits(dw, 178, 176, s2ps);             // S2PS
    set_bits(dw, 179, 179, s2aa64);           // S2AA64
    set_bits(dw, 186, 186, s2r);              // S2R
    set_bits(dw, 247, 196, s2ttb >> 4);       // S2TTB[51:4] (v3.1+: [247:244] RES0)
}

void Cd::encode(uint64_t dw[8]) const
{
    for (int i = 0; i < 8; i++)
        dw[i] = 0;
    set_bits(dw, 5, 0, t0sz);                 // T0SZ
    set_bits(dw, 7, 6, tg0);                  // TG0
    set_bits(dw, 14, 14, epd0);               // EPD0
    set_bits(dw, 21, 16, t1sz);               // T1SZ
    set_bits(dw, 23, 22, tg1);                // TG1
    set_bits(dw, 30, 30, epd1);               // EPD1
    set_bits(dw, 31, 31, v);                  // V
    set_bits(dw, 34, 32, ips);                // IPS
    set_bits(dw, 41, 41, aa64);               // AA64
    set_bits(dw, 45, 45, r);                  // R
    set_bits(dw, 46, 46, a);                  // A
    set_bits(dw, 47, 47, aset);               // ASET
    set_bits(dw, 63, 48, asid);               // ASID
    set_bits(dw, 119, 68, ttb0 >> 4);         // TTB0[55:4]
    set_bits(dw, 183, 132, ttb1 >> 4);        // TTB1[55:4]
    set_bits(dw, 255, 192, mair);             // MAIR0, MAIR1
}

// ------------------------------------------------------------------------------------------
// Translation tables (D8.2 geometry, D8.3 descriptors)
// ------------------------------------------------------------------------------------------

PageTable::PageTable(Rig& rig, unsigned gshift, unsigned ia_bits, unsigned stage)
    : rig_(rig), g_(gshift), ia_(ia_bits), stage_(stage)
{
    // D8.2: start level = 4 - ceil((IAsize - G) / (G - 3)).
    unsigned s = g_ - 3;
    start_ = 4 - static_cast<int>((ia_ - g_ + s - 1) / s);
    unsigned bits = ia_ - level_shift(start_);
    uint64_t size = UINT64_C(8) << bits;
    if (size < 64)
        size = 64;
    root_ = rig_.alloc(size, size);
}

unsigned PageTable::level_shift(int level) const
{
    return g_ + (g_ - 3) * static_cast<unsigned>(3 - level);
}

unsigned PageTable::index(uint64_t va, int level) const
{
    unsigned lsb = level_shift(level);
    unsigned bits = level == start_ ? ia_ - lsb : g_ - 3;
    return static_cast<unsigned>((va >> lsb) & ((UINT64_C(1) << bits) - 1));
}

uint64_t PageTable::table_at(uint64_t va, int level, bool create)
{
    uint64_t t = root_;
    for (int l = start_; l < level; l++) {
        uint64_t da = t + 8u * index(va, l);
        uint64_t d = rig_.mem().read64(da);
        if ((d & 3u) == 3u) {                 // table descriptor: NLTA[47:G]
            t = d & mask(47, g_);
            continue;
        }
        if (!create)
            throw std::runtime_error("no table on the way");
        uint64_t n = rig_.alloc(UINT64_C(1) << g_, UINT64_C(1) << g_);
        rig_.mem().write64(da, n | 3u);
        t = n;
    }
    return t;
}

uint64_t PageTable::leaf_desc(uint64_t pa, int level, bool global) const
{
    uint64_t d = (pa & mask(47, level_shift(level))) | (level == 3 ? 3u : 1u);
    d |= UINT64_C(1) << 10;                   // AF
    d |= UINT64_C(3) << 8;                    // SH = Inner Shareable
    if (stage_ == 1) {
        d |= UINT64_C(1) << 6;                // AP[2:1] = 01: read/write, EL0 too
        if (!global)
            d |= UINT64_C(1) << 11;           // nG
    } else {
        d |= UINT64_C(3) << 6;                // S2AP = 11: read/write
        d |= UINT64_C(0xF) << 2;              // MemAttr = Normal WB
    }
    return d;
}

void PageTable::map(uint64_t va, uint64_t pa, int level, bool global)
{
    uint64_t t = table_at(va, level, true);
    rig_.mem().write64(t + 8u * index(va, level), leaf_desc(pa, level, global));
}

uint64_t PageTable::desc_pa(uint64_t va, int level) const
{
    return const_cast<PageTable*>(this)->table_at(va, level, false) + 8u * index(va, level);
}

uint64_t PageTable::fresh_table(uint64_t va, int level)
{
    uint64_t n = rig_.alloc(UINT64_C(1) << g_, UINT64_C(1) << g_);
    rig_.mem().write64(desc_pa(va, level), n | 3u);
    return n;
}

// ------------------------------------------------------------------------------------------
// Rig
// ------------------------------------------------------------------------------------------

smmu_config_t default_config()
{
    return smmu_config_default();
}

smmu_config_t config_no_utlb()
{
    smmu_config_t c = smmu_config_default();
    c.utlb.entries = 0;
    return c;
}

uint64_t Rig::alloc(uint64_t size, uint64_t align)
{
    next_ = (next_ + align - 1) & ~(align - 1);
    uint64_t a = next_;
    next_ += size;
    if (next_ >= UINT64_C(0x80000000))
        throw std::runtime_error("rig memory exhausted");
    return a;
}

static uint32_t rd32(Smmu& d, uint64_t o)
{
    return d.rd32(o);
}

Rig::Rig(const smmu_config_t& cfg, RigOptions o) : dev(cfg), cfg_(cfg), opt_(o)
{
    // 6.3.25 STRTAB_BASE_CFG: FMT [17:16], SPLIT [10:6], LOG2SIZE [5:0]; 256 StreamIDs.
    uint32_t base_cfg = 8;
    if (opt_.two_level_strtab) {
        // 4 L1STDs (SID[7:6]); each L2 table holds 2^(Span-1) = 64 STEs (Span = 7, 5.1).
        strtab_ = alloc(64, 64);
        for (uint32_t i = 0; i < 4; i++) {
            l2_.push_back(alloc(4096, 4096));
            write_l1std(i << 6, l2_.back(), 7);
        }
        base_cfg |= (1u << 16) | (6u << 6);
    } else {
        strtab_ = alloc(256 * 64, 256 * 64);
    }
    strtab_cfg_ = base_cfg;
    // 6.3.26 CMDQ_BASE: ADDR [55:5], LOG2SIZE [4:0]; 16-byte commands.
    cmdq_ = alloc(UINT64_C(16) << cmdq_log2_, UINT64_C(16) << cmdq_log2_);
    // 6.3.29 EVENTQ_BASE: 32-byte records, 128 of them.
    evtq_ = alloc(32 * 128, 32 * 128);
    bring_up();
    smmu_stats_reset(dev.s);
}

void Rig::bring_up()
{
    // Driver order (2.8): tables and queues, CR1/CR2, queue enables, invalidation, SMMUEN.
    dev.wr64(reg::STRTAB_BASE, strtab_);      // 6.3.24: ADDR [55:6]
    dev.wr32(reg::STRTAB_BASE_CFG, strtab_cfg_);
    dev.wr64(reg::CMDQ_BASE, cmdq_ | cmdq_log2_);
    prod_ = 0;
    dev.wr32(reg::CMDQ_PROD, 0);
    dev.wr32(reg::CMDQ_CONS, 0);
    dev.wr64(reg::EVENTQ_BASE, evtq_ | 7u);
    dev.wr32(reg::EVENTQ_PROD, 0);
    dev.wr32(reg::EVENTQ_CONS, 0);
    dev.wr32(reg::CR1, 0);
    dev.wr32(reg::CR2, reg::CR2_RECINVSID | (opt_.e2h ? reg::CR2_E2H : 0u));
    // 6.3.9 CR0.VMW [8:6]
    uint32_t cr0 = reg::CR0_CMDQEN | reg::CR0_EVENTQEN | ((opt_.vmw & 7u) << 6);
    dev.wr32(reg::CR0, cr0);
    if (rd32(dev, reg::CR0ACK) != cr0)
        throw std::runtime_error("CR0ACK did not follow CR0");
    // 2.8 / 4.3.6: invalidate everything after enabling the command queue.
    std::vector<Cmd> init = {cmd::cfgi_all(), cmd::tlbi_nsnh_all()};
    if (cfg_.hyp)
        init.push_back(cmd::tlbi_el2_all());
    if (submit(init) != CERROR_NONE)
        throw std::runtime_error("initial invalidation failed");
    dev.wr32(reg::CR0, cr0 | reg::CR0_SMMUEN);
    if (rd32(dev, reg::CR0ACK) != (cr0 | reg::CR0_SMMUEN))
        throw std::runtime_error("SMMUEN not acknowledged");
}

uint64_t Rig::l1std_pa(uint32_t sid) const
{
    return strtab_ + 8u * (sid >> 6);
}

uint64_t Rig::l2_table(uint32_t sid) const
{
    return l2_.at(sid >> 6);
}

void Rig::write_l1std(uint32_t sid, uint64_t l2, unsigned span)
{
    // 5.1 L1STD: Span [4:0], L2Ptr [55:6].
    uint64_t d = 0;
    set_bits(&d, 4, 0, span);
    set_bits(&d, 55, 6, l2 >> 6);
    mem().write64(l1std_pa(sid), d);
    if (opt_.two_level_strtab && (sid >> 6) < l2_.size())
        l2_[sid >> 6] = l2;
}

uint64_t Rig::ste_pa(uint32_t sid) const
{
    if (opt_.two_level_strtab)
        return l2_table(sid) + 64u * (sid & 63u);
    return strtab_ + 64u * sid;
}

void Rig::write_ste(uint32_t sid, const Ste& ste)
{
    uint64_t dw[8];
    ste.encode(dw);
    mem().write_dwords(ste_pa(sid), dw, 8);
}

void Rig::write_cd(uint64_t pa, const Cd& cd)
{
    uint64_t dw[8];
    cd.encode(dw);
    mem().write_dwords(pa, dw, 8);
}

static unsigned tg0_of(unsigned gshift)
{
    return gshift == 12 ? 0u : gshift == 16 ? 1u : 2u;  // 5.4 TG0: 00 4KB, 01 64KB, 10 16KB
}

Stream& Rig::s1_stream(uint32_t sid, uint16_t asid, uint16_t vmid, unsigned gshift, unsigned strw,
                       unsigned cdmax)
{
    auto st = std::make_unique<Stream>();
    st->sid = sid;
    unsigned n = 1u << cdmax;
    // 5.2: a linear CD table of 2^S1CDMax CDs is aligned to its size
    uint64_t bytes = 64u * n;
    st->cd_table = alloc(bytes, bytes);
    for (unsigned i = 0; i < n; i++) {
        st->pts.push_back(std::make_unique<PageTable>(*this, gshift, 64 - 25, 1));
        Cd cd;
        cd.t0sz = 25;
        cd.tg0 = tg0_of(gshift);
        cd.ttb0 = st->pts.back()->root();
        cd.asid = static_cast<uint16_t>(asid + i);
        st->cds.push_back(cd);
    }
    st->ste.config = 0b101;
    st->ste.s1ctxptr = st->cd_table;
    st->ste.s1cdmax = cdmax;
    st->ste.strw = strw;
    st->ste.s2vmid = vmid;
    commit(*st);
    streams_.push_back(std::move(st));
    return *streams_.back();
}

PageTable& Rig::s2_table(uint16_t vmid)
{
    auto it = s2_.find(vmid);
    if (it != s2_.end())
        return *it->second;
    auto pt = std::make_unique<PageTable>(*this, 12, 64 - 25, 2);
    for (uint64_t gb = 0; gb < 4; gb++)
        pt->map(gb << 30, gb << 30, 1);       // identity, 1 GB blocks at level 1
    PageTable& r = *pt;
    s2_[vmid] = std::move(pt);
    return r;
}

Stream& Rig::s2_stream(uint32_t sid, uint16_t vmid)
{
    auto st = std::make_unique<Stream>();
    st->sid = sid;
    st->s2 = &s2_table(vmid);
    st->ste.config = 0b110;
    st->ste.s2vmid = vmid;
    st->ste.s2t0sz = 25;   // 39-bit IPA
    st->ste.s2sl0 = 1;     // 4KB granule, start level 1 (D8.2, VTCR_EL2.SL0 encoding)
    st->ste.s2ttb = st->s2->root();
    commit(*st);
    streams_.push_back(std::move(st));
    return *streams_.back();
}

Stream& Rig::nested_stream(uint32_t sid, uint16_t asid, uint16_t vmid)
{
    auto st = std::make_unique<Stream>();
    st->sid = sid;
    st->s2 = &s2_table(vmid);
    st->cd_table = alloc(64, 64);
    st->pts.push_back(std::make_unique<PageTable>(*this, 12, 64 - 25, 1));
    Cd cd;
    cd.ttb0 = st->pts.back()->root();
    cd.asid = asid;
    st->cds.push_back(cd);
    st->ste.config = 0b111;
    st->ste.s1ctxptr = st->cd_table;
    st->ste.s2vmid = vmid;
    st->ste.s2t0sz = 25;
    st->ste.s2sl0 = 1;
    st->ste.s2ttb = st->s2->root();
    commit(*st);
    streams_.push_back(std::move(st));
    return *streams_.back();
}

void Rig::commit(Stream& st)
{
    for (size_t i = 0; i < st.cds.size(); i++)
        write_cd(st.cd_table + 64u * i, st.cds[i]);
    write_ste(st.sid, st.ste);
}

uint32_t Rig::submit(std::initializer_list<Cmd> cmds, bool sync, bool expect_ok)
{
    return submit(std::vector<Cmd>(cmds), sync, expect_ok);
}

uint32_t Rig::submit(const std::vector<Cmd>& cmds, bool sync, bool expect_ok)
{
    std::vector<Cmd> all(cmds);
    if (sync)
        all.push_back(cmd::sync());
    // 3.5.1: index in [LOG2SIZE-1:0], wrap flag at [LOG2SIZE].
    uint32_t idx_mask = (1u << cmdq_log2_) - 1u, wrap_mask = (2u << cmdq_log2_) - 1u;
    for (const Cmd& c : all) {
        uint64_t a = cmdq_ + 16u * (prod_ & idx_mask);
        mem().write64(a, c.dw0);
        mem().write64(a + 8, c.dw1);
        prod_ = (prod_ + 1u) & wrap_mask;
    }
    dev.wr32(reg::CMDQ_PROD, prod_);
    uint32_t cons = dev.rd32(reg::CMDQ_CONS);
    uint32_t err = (cons >> 24) & 0x7Fu;     // 6.3.28 CMDQ_CONS.ERR [30:24]
    if (expect_ok) {
        EXPECT_EQ(err, CERROR_NONE) << "command error";
        EXPECT_EQ(cons & 0xFFFFFu, prod_) << "commands not all consumed";
        EXPECT_EQ(dev.rd32(reg::GERROR) & reg::GERROR_CMDQ_ERR,
                  dev.rd32(reg::GERRORN) & reg::GERROR_CMDQ_ERR);
    }
    return err;
}

smmu_xlate_t Rig::xlate(uint32_t sid, uint64_t va, bool ssv, uint32_t ssid, uint16_t port,
                        uint32_t flags)
{
    smmu_txn_t t{};
    t.iova = va;
    t.size = 4;
    t.stream_id = sid;
    t.ssv = ssv;
    t.substream_id = ssid;
    t.port = port;
    t.flags = flags;
    smmu_xlate_t x{};
    smmu_translate(dev.s, &t, &x);
    return x;
}

smmu_stats_t Rig::stats() const
{
    smmu_stats_t st;
    smmu_stats_get(dev.s, &st);
    return st;
}

// ------------------------------------------------------------------------------------------
// Probes
// ------------------------------------------------------------------------------------------

Probe& Probes::add(const std::string& name, Stream& st, uint64_t va, int level, bool global)
{
    Probe p;
    p.name = name;
    p.sid = st.sid;
    p.pt = st.pts.empty() ? st.s2 : st.pts[0].get();
    p.va = va;
    p.level = level;
    p.global = global;
    // 2 MB apart (aligned for pages and 2 MB blocks), below 4 GB so that nested streams'
    // identity stage 2 covers them; new_pa = old_pa + 1 GB.
    p.old_pa = next_pa_;
    p.new_pa = next_pa_ + 0x40000000;
    next_pa_ += 0x200000;
    if (next_pa_ >= 0xC0000000)
        throw std::runtime_error("too many probes");
    p_.push_back(p);
    return p_.back();
}

Probe& Probes::add_ssid(const std::string& name, Stream& st, uint32_t ssid, uint64_t va)
{
    Probe& p = add(name, st, va);
    p.pt = st.pts.at(ssid).get();
    p.ssv = true;
    p.ssid = ssid;
    return p;
}

Probe& Probes::get(const std::string& name)
{
    for (Probe& p : p_)
        if (p.name == name)
            return p;
    throw std::runtime_error("no probe " + name);
}

static uint64_t expect_pa(const Probe& p, uint64_t pa)
{
    return pa + (p.at() - p.va);
}

void Probes::warm()
{
    for (Probe& p : p_)
        p.pt->map(p.va, p.old_pa, p.level, p.global);
    for (Probe& p : p_) {
        EXPECT_TRUE(Walked(rig_.xlate(p.sid, p.at(), p.ssv, p.ssid), expect_pa(p, p.old_pa)))
            << p.name << " (first access)";
        EXPECT_TRUE(Cached(rig_.xlate(p.sid, p.at(), p.ssv, p.ssid), expect_pa(p, p.old_pa)))
            << p.name << " (second access)";
    }
}

void Probes::remap()
{
    for (Probe& p : p_)
        p.pt->map(p.va, p.new_pa, p.level, p.global);
    for (Probe& p : p_)
        EXPECT_TRUE(Cached(rig_.xlate(p.sid, p.at(), p.ssv, p.ssid), expect_pa(p, p.old_pa)))
            << p.name << " (remapped in memory, not yet invalidated: stale)";
}

void Probes::check(const std::vector<std::string>& gone)
{
    for (const std::string& g : gone)
        get(g);  // every name exists
    smmu_stats_t s0 = rig_.stats();
    for (Probe& p : p_) {
        bool is_gone = false;
        for (const std::string& g : gone)
            is_gone |= g == p.name;
        smmu_xlate_t x = rig_.xlate(p.sid, p.at(), p.ssv, p.ssid);
        if (is_gone)
            EXPECT_TRUE(Walked(x, expect_pa(p, p.new_pa))) << p.name << " must be invalidated";
        else
            EXPECT_TRUE(Cached(x, expect_pa(p, p.old_pa))) << p.name << " must survive";
    }
    // The same seen through the statistics: one IOTLB miss and one walk per invalidated
    // entry, one TLB hit (micro-TLB or IOTLB) per survivor.
    smmu_stats_t s1 = rig_.stats();
    EXPECT_EQ(s1.iotlb.misses - s0.iotlb.misses, gone.size());
    EXPECT_EQ(s1.walks - s0.walks, gone.size());
    EXPECT_EQ((s1.iotlb.hits + s1.utlb.hits) - (s0.iotlb.hits + s0.utlb.hits),
              p_.size() - gone.size());
}

void Probes::run(const std::vector<Cmd>& cmds, const std::vector<std::string>& gone)
{
    warm();
    remap();
    smmu_stats_t before = rig_.stats();
    rig_.submit(cmds);
    smmu_stats_t after = rig_.stats();
    EXPECT_EQ(after.iotlb.invalidations - before.iotlb.invalidations, gone.size())
        << "IOTLB entries removed";
    check(gone);
}

// ------------------------------------------------------------------------------------------
// Assertions
// ------------------------------------------------------------------------------------------

std::string describe(const smmu_xlate_t& x)
{
    static const char* const st[] = {"OK", "BYPASS", "ABORT", "FAULT", "RAZWI", "STALL"};
    static const char* const hit[] = {"none", "utlb", "iotlb", "walk"};
    char b[200];
    std::snprintf(b, sizeof b,
                  "status=%s pa=0x%llx hit=%s event=0x%x cfg_reads=%u s1_reads=%u s2_reads=%u "
                  "wc_hits=%u",
                  x.status <= SMMU_XLATE_STALL ? st[x.status] : "?",
                  static_cast<unsigned long long>(x.pa), x.hit <= SMMU_HIT_WALK ? hit[x.hit] : "?",
                  x.event.type, x.work.cfg_reads, x.work.s1_reads, x.work.s2_reads,
                  x.work.walk_cache_hits);
    return b;
}

static ::testing::AssertionResult want(const smmu_xlate_t& x, uint64_t pa, bool cached)
{
    bool hit_ok = cached ? (x.hit == SMMU_HIT_UTLB || x.hit == SMMU_HIT_IOTLB)
                         : x.hit == SMMU_HIT_WALK;
    if (x.status == SMMU_XLATE_OK && x.pa == pa && hit_ok)
        return ::testing::AssertionSuccess();
    char b[80];
    std::snprintf(b, sizeof b, "want OK pa=0x%llx from %s, got ",
                  static_cast<unsigned long long>(pa), cached ? "a TLB" : "a walk");
    return ::testing::AssertionFailure() << b << describe(x);
}

::testing::AssertionResult Cached(const smmu_xlate_t& x, uint64_t pa)
{
    return want(x, pa, true);
}

::testing::AssertionResult Walked(const smmu_xlate_t& x, uint64_t pa)
{
    return want(x, pa, false);
}

}  // namespace cache_test
