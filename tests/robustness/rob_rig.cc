// SPDX-License-Identifier: Apache-2.0
// Robustness test helpers; see rob_rig.h. Bit positions are written from the specifications:
//   S: Arm IHI 0070 G.b (SMMUv3), section given per field;
//   A: Arm DDI 0487 (Arm ARM), chapter D8 (VMSAv8-64).
#include "rob_rig.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace rob {

uint64_t Rng::next()
{
    // splitmix64 (Steele, Lea, Flood 2014)
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t test_seed(uint64_t dflt)
{
    const char* e = std::getenv("SMMU_ROB_SEED");
    return e && *e ? std::strtoull(e, nullptr, 0) : dflt;
}

unsigned scaled(unsigned n)
{
    const char* e = std::getenv("SMMU_ROB_SCALE");
    unsigned pct = e && *e ? static_cast<unsigned>(std::strtoul(e, nullptr, 0)) : 100u;
    unsigned v = static_cast<unsigned>(static_cast<uint64_t>(n) * pct / 100u);
    return v ? v : 1u;
}

uint64_t mask(unsigned msb, unsigned lsb)
{
    uint64_t hi = msb >= 63 ? ~uint64_t{0} : ((uint64_t{1} << (msb + 1)) - 1);
    return hi & ~((uint64_t{1} << lsb) - 1);
}

void set_bits(uint64_t* rec, unsigned msb, unsigned lsb, uint64_t v)
{
    if (msb / 64 != lsb / 64)
        throw std::logic_error("field straddles a dword");
    unsigned w = lsb / 64;
    uint64_t mk = mask(msb % 64, lsb % 64);
    if ((v << (lsb % 64) & ~mk) != 0 || ((v << (lsb % 64)) >> (lsb % 64)) != v)
        throw std::logic_error("value does not fit its field");
    rec[w] = (rec[w] & ~mk) | (v << (lsb % 64));
}

uint64_t get_bits(const uint64_t* rec, unsigned msb, unsigned lsb)
{
    return (rec[lsb / 64] & mask(msb % 64, lsb % 64)) >> (lsb % 64);
}

// ------------------------------------------------------------------------------------------
// Commands (S: 4.1.6 common layout: opcode [7:0]; StreamID [63:32]; VMID [47:32]; ASID [63:48])
// ------------------------------------------------------------------------------------------

namespace cmd {
static uint64_t sid_f(uint32_t sid) { return static_cast<uint64_t>(sid) << 32; }
static uint64_t vmid_f(uint16_t v) { return static_cast<uint64_t>(v) << 32; }
static uint64_t asid_f(uint16_t a) { return static_cast<uint64_t>(a) << 48; }

Cmd cfgi_ste(uint32_t sid) { return {0x03 | sid_f(sid), 0}; }         // Leaf [64] = 0
Cmd cfgi_all() { return {0x04, 31}; }                                  // Range [68:64] = 31
Cmd cfgi_cd(uint32_t sid, uint32_t ssid)                               // SSID [31:12]
{
    return {0x05 | (static_cast<uint64_t>(ssid & 0xFFFFFu) << 12) | sid_f(sid), 0};
}
Cmd tlbi_nh_all(uint16_t vmid) { return {0x10 | vmid_f(vmid), 0}; }
Cmd tlbi_nh_asid(uint16_t vmid, uint16_t asid) { return {0x11 | vmid_f(vmid) | asid_f(asid), 0}; }
Cmd tlbi_nh_va(uint16_t vmid, uint16_t asid, uint64_t va)
{
    // 4.4.1: Address [63:12] in dword 1 bits [63:12]; TG = 0 (not a range), Leaf = 0
    return {0x12 | vmid_f(vmid) | asid_f(asid), va & ~uint64_t{0xFFF}};
}
Cmd tlbi_s12_vmall(uint16_t vmid) { return {0x28 | vmid_f(vmid), 0}; }
Cmd tlbi_nsnh_all() { return {0x30, 0}; }
Cmd sync() { return {0x46, 0}; }
}  // namespace cmd

// ------------------------------------------------------------------------------------------
// Tables (A: D8.2 geometry, D8.3 descriptor formats)
// ------------------------------------------------------------------------------------------

Tables::Tables(FakeMem& mem, int stage, unsigned gshift, unsigned ia_bits, unsigned oa_bits,
               int start_level, uint64_t root_pa, uint64_t view)
    : mem_(mem), stage_(stage), g_(gshift), ia_(ia_bits), oa_(oa_bits), start_(start_level),
      root_(root_pa), view_(view)
{
}

unsigned Tables::level_shift(int level) const
{
    // A: D8.2: a level-l descriptor maps 2^(G + (G-3)*(3-l)) bytes
    return g_ + (g_ - 3) * static_cast<unsigned>(3 - level);
}

unsigned Tables::index_bits(int level) const
{
    // The initial table resolves whatever the input size leaves (several concatenated tables
    // at stage 2); the others resolve G-3 bits.
    return level == start_ ? ia_ - level_shift(level) : g_ - 3;
}

uint64_t Tables::index(uint64_t ia, int level) const
{
    return (ia >> level_shift(level)) & ((uint64_t{1} << index_bits(level)) - 1);
}

uint64_t Tables::root_bytes() const
{
    return uint64_t{8} << index_bits(start_);
}

bool Tables::block_ok(int level) const
{
    // A: D8.3.1: without FEAT_LPA2 (DS) / 52-bit 64K, blocks are level 1-2 with 4K, level 2
    // with 16K and 64K.
    if (g_ == 12)
        return level == 1 || level == 2;
    return level == 2;
}

uint64_t Tables::slot(uint64_t ia, int level, uint64_t (*alloc)(void*, uint64_t), void* actx)
{
    uint64_t t = root_;
    for (int l = start_; l < level; l++) {
        uint64_t da = t + 8 * index(ia, l);
        uint64_t d = mem_.read64(da);
        if (d == 0) {
            uint64_t n = alloc(actx, uint64_t{1} << g_);
            mem_.write64(da, table(n));
            t = n;
        } else if ((d & 3) == 3) {
            uint64_t next = d & mask(47, g_);
            if (next < view_)
                return 0;
            t = next - view_;
        } else {
            return 0;
        }
    }
    return t + 8 * index(ia, level);
}

uint64_t Tables::leaf(uint64_t oa, int level, bool ro, bool af) const
{
    // A: D8.3: bits[1:0] = 0b11 Page (level 3), 0b01 Block; OA in [47:level_shift]
    uint64_t d = (oa & mask(47, level_shift(level))) | (level == 3 ? 3u : 1u);
    d |= uint64_t{3} << 8;                        // SH = Inner Shareable, [9:8]
    if (af)
        d |= uint64_t{1} << 10;                   // AF, [10]
    if (stage_ == 1) {
        d |= uint64_t{ro ? 3u : 1u} << 6;         // AP[2:1] [7:6]: 01 RW, 11 RO (EL0 and EL1)
        d |= uint64_t{1} << 11;                   // nG [11]: the entry is tagged with the ASID
    } else {
        d |= uint64_t{ro ? 1u : 3u} << 6;         // S2AP[1:0] [7:6]: 01 read, 11 read/write
        d |= uint64_t{0xF} << 2;                  // MemAttr [5:2]: Normal write-back
    }
    return d;
}

Ref Tables::walk(uint64_t ia, bool write, ipa_fn read_ipa, void* ctx) const
{
    Ref r;
    auto fault = [&](uint8_t type) {
        r.ok = false;
        r.fault = type;
        r.s2 = stage_ == 2;
        return r;
    };
    // Input range: stage 1 uses TTB0 only (EPD1 = 1, no TBI), so VA[63:IA] must be zero
    // (S: 3.4.1; A: D8.2, the input address size); at stage 2 the IPA must be below 2^(64-S2T0SZ). Both are
    // translation faults.
    if (ia_ < 64 && (ia >> ia_) != 0)
        return fault(evt::F_TRANSLATION);
    uint64_t t = root_ + view_;
    for (int level = start_; level <= 3; level++) {
        uint64_t da = t + 8 * index(ia, level);
        if (read_ipa) {
            Ref f;
            uint64_t pa = 0;
            if (!read_ipa(ctx, da, &pa, &f))
                return f;  // a stage-2 fault on a table access
            da = pa;
        }
        uint64_t d = mem_.read64(da);
        if (!(d & 1))
            return fault(evt::F_TRANSLATION);               // invalid
        if (level < 3 && (d & 2)) {                         // Table descriptor
            uint64_t next = d & mask(47, g_);
            if (oa_ < 48 && (next >> oa_) != 0)
                return fault(evt::F_ADDR_SIZE);             // NLTA beyond the PA size
            t = next;
            continue;
        }
        if (level == 3 && !(d & 2))
            return fault(evt::F_TRANSLATION);               // reserved at level 3
        if (level < 3 && !block_ok(level))
            return fault(evt::F_TRANSLATION);               // Block not allowed here
        uint64_t oa = d & mask(47, level_shift(level));
        if (oa_ < 48 && (oa >> oa_) != 0)
            return fault(evt::F_ADDR_SIZE);                 // OA beyond the PA size
        if (!((d >> 10) & 1))
            return fault(evt::F_ACCESS);                    // AF = 0, no HTTU, AFFD = 0
        unsigned ap = static_cast<unsigned>((d >> 6) & 3);
        if (stage_ == 1) {
            // AP[2:1]: AP[2] = read-only; AP[1] = EL0 access (transactions here are
            // unprivileged; the tests never send privileged ones to stage 1 tables)
            if ((write && (ap & 2)) || !(ap & 1))
                return fault(evt::F_PERMISSION);
        } else {
            // S2AP[0] read, S2AP[1] write
            if ((write && !(ap & 2)) || (!write && !(ap & 1)))
                return fault(evt::F_PERMISSION);
        }
        r.ok = true;
        r.pa = oa | (ia & mask(level_shift(level) - 1, 0));
        return r;
    }
    return fault(evt::F_TRANSLATION);  // not reached
}

// ------------------------------------------------------------------------------------------
// Structures
// ------------------------------------------------------------------------------------------

unsigned ps_bits(unsigned ps)
{
    static const unsigned bits[] = {32, 36, 40, 42, 44, 48, 52, 52};
    return bits[ps & 7];
}

void CdDesc::encode(uint64_t dw[8]) const
{
    for (int i = 0; i < 8; i++)
        dw[i] = 0;
    unsigned tg0 = gshift == 12 ? 0u : gshift == 16 ? 1u : 2u;  // S: 5.4 TG0: 00 4K 01 64K 10 16K
    set_bits(dw, 5, 0, t0sz);        // S: 5.4 T0SZ [5:0]
    set_bits(dw, 7, 6, tg0);         // TG0 [7:6]
    set_bits(dw, 9, 8, 1);           // IR0 [9:8]: WB
    set_bits(dw, 11, 10, 1);         // OR0 [11:10]: WB
    set_bits(dw, 13, 12, 3);         // SH0 [13:12]: Inner Shareable
    set_bits(dw, 21, 16, 16);        // T1SZ [21:16] (unused: EPD1 = 1)
    set_bits(dw, 23, 22, 2);         // TG1 [23:22]: 4K
    set_bits(dw, 30, 30, 1);         // EPD1 [30]: no TTB1 walks
    set_bits(dw, 31, 31, 1);         // V [31]
    set_bits(dw, 34, 32, ips);       // IPS [34:32]
    set_bits(dw, 41, 41, 1);         // AA64 [41]
    set_bits(dw, 44, 44, s);         // S [44]
    set_bits(dw, 45, 45, r);         // R [45]
    set_bits(dw, 46, 46, a);         // A [46]
    set_bits(dw, 63, 48, asid);      // ASID [63:48]
    set_bits(dw, 115, 68, (ttb0 >> 4) & mask(47, 0));  // TTB0 [115:68] = address[51:4]
    set_bits(dw, 223, 192, 0xFF);    // MAIR0 [223:192]: Attr0 = Normal WB
}

void SteDesc::encode(uint64_t dw[8]) const
{
    for (int i = 0; i < 8; i++)
        dw[i] = 0;
    set_bits(dw, 0, 0, 1);                          // S: 5.2 V [0]
    set_bits(dw, 3, 1, config);                     // Config [3:1]
    set_bits(dw, 55, 6, s1_context_ptr >> 6);       // S1ContextPtr [55:6]
    set_bits(dw, 63, 59, s1cdmax);                  // S1CDMax [63:59] (S1Fmt 0: linear)
    set_bits(dw, 65, 64, s1cdmax ? 2u : 0u);        // S1DSS [65:64]: 0b10 = no SSV uses CD 0
    set_bits(dw, 67, 66, 1);                        // S1CIR [67:66]
    set_bits(dw, 69, 68, 1);                        // S1COR [69:68]
    set_bits(dw, 71, 70, 3);                        // S1CSH [71:70]
    set_bits(dw, 109, 108, 1);                      // SHCFG [109:108]: use incoming
    set_bits(dw, 143, 128, s2vmid);                 // S2VMID [143:128]
    if (config & 2) {                               // stage 2 enabled
        // S2SL0 [167:166]: 4K: 0 = level 2, 1 = level 1, 2 = level 0;
        //                  16K/64K: 0 = level 3, 1 = level 2, 2 = level 1
        unsigned sl0 = static_cast<unsigned>((s2gshift == 12 ? 2 : 3) - s2_start_level);
        unsigned tg = s2gshift == 12 ? 0u : s2gshift == 16 ? 1u : 2u;  // S2TG: 00 4K 01 64K 10 16K
        set_bits(dw, 165, 160, s2t0sz);             // S2T0SZ [165:160]
        set_bits(dw, 167, 166, sl0);
        set_bits(dw, 169, 168, 1);                  // S2IR0
        set_bits(dw, 171, 170, 1);                  // S2OR0
        set_bits(dw, 173, 172, 3);                  // S2SH0
        set_bits(dw, 175, 174, tg);                 // S2TG [175:174]
        set_bits(dw, 178, 176, s2ps);               // S2PS [178:176]
        set_bits(dw, 179, 179, 1);                  // S2AA64 [179]
        set_bits(dw, 186, 186, s2r);                // S2R [186]
        set_bits(dw, 243, 196, (s2ttb >> 4) & mask(47, 0));  // S2TTB [243:196] = address[51:4]
    }
}

// ------------------------------------------------------------------------------------------
// Rig
// ------------------------------------------------------------------------------------------

Rig::Rig(const smmu_config_t& cfg, const RigOptions& o) : opt_(o)
{
    dev_ = std::make_unique<Smmu>(cfg, 0, uint64_t{1} << 40);
    Smmu& d = *dev_;
    uint64_t st_bytes = uint64_t{64} << o.sid_bits;
    strtab_ = alloc(st_bytes, st_bytes);
    cmdq_ = alloc(16 * 256, 16 * 256);
    uint64_t eq_bytes = uint64_t{32} << o.evtq_log2;
    evtq_ = alloc(eq_bytes, eq_bytes < 32 ? 32 : eq_bytes);
    // S: 6.3.11 CR1: queues and tables Inner Shareable, write-back
    d.wr32(reg::CR1, (1u << 0) | (1u << 2) | (3u << 4) | (1u << 6) | (1u << 8) | (3u << 10));
    d.wr32(reg::CR2, reg::CR2_RECINVSID);
    d.wr64(reg::STRTAB_BASE, strtab_);                 // 6.3.24 ADDR [51:6]
    d.wr32(reg::STRTAB_BASE_CFG, o.sid_bits);          // 6.3.25 FMT 0 (linear), LOG2SIZE [5:0]
    d.wr64(reg::CMDQ_BASE, cmdq_ | 8u);                // 6.3.26 ADDR [51:5], LOG2SIZE [4:0]
    d.wr32(reg::CMDQ_PROD, 0);
    d.wr32(reg::CMDQ_CONS, 0);
    d.wr64(reg::EVENTQ_BASE, evtq_ | o.evtq_log2);     // 6.3.29
    d.wr32(reg::EVENTQ_PROD, 0);
    d.wr32(reg::EVENTQ_CONS, 0);
    uint32_t cr0 = reg::CR0_CMDQEN | (o.evtq_enable ? reg::CR0_EVENTQEN : 0u);
    d.wr32(reg::CR0, cr0);
    if (d.rd32(reg::CR0ACK) != cr0)
        throw std::runtime_error("CR0ACK does not follow CR0");
    submit({cmd::cfgi_all(), cmd::tlbi_nsnh_all()});
    d.wr32(reg::CR0, cr0 | reg::CR0_SMMUEN);
    if (d.rd32(reg::CR0ACK) != (cr0 | reg::CR0_SMMUEN))
        throw std::runtime_error("SMMUEN not acknowledged");
}

uint64_t Rig::alloc(uint64_t size, uint64_t align)
{
    next_ = (next_ + align - 1) & ~(align - 1);
    uint64_t a = next_;
    next_ += size;
    if (next_ >= (uint64_t{1} << 39))
        throw std::runtime_error("rig memory exhausted");
    return a;
}

uint64_t Rig::alloc_page(void* rig, uint64_t size)
{
    return static_cast<Rig*>(rig)->alloc(size, size);
}

void Rig::set_ste(uint32_t sid, const SteDesc& ste)
{
    uint64_t dw[8];
    ste.encode(dw);
    mem().write_dwords(strtab_ + 64 * uint64_t{sid}, dw, 8);
}

void Rig::write_cd(uint64_t pa, const CdDesc& cd)
{
    uint64_t dw[8];
    cd.encode(dw);
    mem().write_dwords(pa, dw, 8);
}

void Rig::submit(const std::vector<Cmd>& cmds)
{
    std::vector<Cmd> all = cmds;
    all.push_back(cmd::sync());
    for (const Cmd& c : all) {
        uint64_t slot = cmdq_ + 16 * (cmd_prod_ & 0xFF);
        mem().write64(slot, c.dw0);
        mem().write64(slot + 8, c.dw1);
        cmd_prod_ = (cmd_prod_ + 1) & 0x1FF;  // index [7:0] + wrap bit [8] (3.5.1)
        dev_->wr32(reg::CMDQ_PROD, cmd_prod_);
    }
    uint32_t cons = dev_->rd32(reg::CMDQ_CONS);
    if ((cons & 0x1FF) != cmd_prod_ || ((cons >> 24) & 0x7F) != 0 ||
        (dev_->rd32(reg::GERROR) & 1u))
        throw std::runtime_error("command error");
}

std::vector<std::array<uint64_t, 4>> Rig::events()
{
    std::vector<std::array<uint64_t, 4>> out;
    const unsigned l = opt_.evtq_log2;
    const uint32_t idx_mask = (2u << l) - 1;  // index and wrap bit
    uint32_t prod = dev_->rd32(reg::EVENTQ_PROD);
    uint32_t cons = dev_->rd32(reg::EVENTQ_CONS);
    uint32_t c = cons & idx_mask;
    while (c != (prod & idx_mask)) {
        std::array<uint64_t, 4> rec{};
        uint64_t a = evtq_ + 32 * uint64_t{c & ((1u << l) - 1)};
        for (unsigned i = 0; i < 4; i++)
            rec[i] = mem().read64(a + 8 * i);
        out.push_back(rec);
        c = (c + 1) & idx_mask;
    }
    // Consume, acknowledging any overflow (6.3.96: OVACKFLG = OVFLG)
    dev_->wr32(reg::EVENTQ_CONS, c | (prod & reg::EVENTQ_OVFLG));
    return out;
}

smmu_xlate_t Rig::xlate(const smmu_txn_t& t)
{
    smmu_xlate_t x;
    smmu_translate(s(), &t, &x);
    return x;
}

smmu_txn_t txn(uint32_t sid, uint64_t iova, bool write)
{
    smmu_txn_t t{};
    t.stream_id = sid;
    t.iova = iova;
    t.size = 4;
    t.write = write;
    return t;
}

std::string describe(const smmu_xlate_t& x)
{
    static const char* st[] = {"OK", "BYPASS", "ABORT", "FAULT", "RAZWI", "STALL"};
    char b[200];
    if (x.event.type)  // the event fields are valid only then (smmuv3_types.h)
        std::snprintf(b, sizeof b, "status=%s pa=0x%llx ev=0x%02x s2=%d class=%u recorded=%d",
                      x.status <= SMMU_XLATE_STALL ? st[x.status] : "?",
                      static_cast<unsigned long long>(x.pa), x.event.type, x.event.s2,
                      x.event.class_, x.recorded);
    else
        std::snprintf(b, sizeof b, "status=%s pa=0x%llx",
                      x.status <= SMMU_XLATE_STALL ? st[x.status] : "?",
                      static_cast<unsigned long long>(x.pa));
    return b;
}

smmu_config_t tiny_caches(smmu_policy_t policy, uint64_t seed)
{
    smmu_config_t c = smmu_config_default();
    c.iotlb = {4, 2, policy};
    c.utlb = {2, 2, policy};
    c.ste_cache = {2, 2, policy};
    c.cd_cache = {2, 2, policy};
    c.walk_s1 = {4, 2, policy};
    c.walk_s2 = {4, 2, policy};
    c.seed = seed;
    return c;
}

void Digest::add(uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        h_ ^= (v >> (8 * i)) & 0xFF;
        h_ *= 0x100000001b3ull;
    }
}

void Digest::add(const smmu_xlate_t& x)
{
    add(x.status);
    add(x.pa);
    add(x.page_mask);
    add(x.perm);
    add(x.hit);
    add(x.recorded);
    add(x.stall_tag);
    add(x.mem_attr);
    // smmuv3_types.h: `event` is valid only when event.type != 0 (FAULT, STALL, RAZWI) and
    // `ats` only for ATS Translation Requests; the hit paths leave them unwritten.
    add(x.event.type);
    if (x.event.type)
        for (uint64_t w : x.event.raw)
            add(w);
    add(x.work.cfg_reads);
    add(x.work.s1_reads);
    add(x.work.s2_reads);
    add(x.work.writes);
    add(x.work.cfg_hit);
    add(x.work.cfg_misses);
    add(x.work.walk_cache_hits);
}

void Digest::add(const smmu_stats_t& st)
{
    // smmu_stats_t holds only uint64_t counters (smmuv3_types.h): hash them all in order.
    static_assert(sizeof(smmu_stats_t) % sizeof(uint64_t) == 0, "stats are 64-bit counters");
    uint64_t w[sizeof st / sizeof(uint64_t)];
    std::memcpy(w, &st, sizeof st);
    for (uint64_t v : w)
        add(v);
}

}  // namespace rob
