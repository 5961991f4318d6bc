// SPDX-License-Identifier: Apache-2.0
// Test-only builders; see pt_builder.h. Bit positions are written from the specifications:
//   S: Arm IHI 0070 G.b (SMMUv3), section given per field;
//   A: Arm DDI 0487 M.a.a (Arm ARM), chapter D8.
#include "pt_builder.h"

#include <cstdio>
#include <stdexcept>

namespace xlt {

// ------------------------------------------------------------------------------------------
// Bit helpers
// ------------------------------------------------------------------------------------------

uint64_t mask(unsigned msb, unsigned lsb)
{
    uint64_t hi = msb >= 63 ? ~UINT64_C(0) : ((UINT64_C(1) << (msb + 1)) - 1);
    return hi & ~((UINT64_C(1) << lsb) - 1);
}

void set_bits(uint64_t* rec, unsigned msb, unsigned lsb, uint64_t v)
{
    if (msb / 64 != lsb / 64)
        throw std::logic_error("field straddles a dword");
    unsigned w = lsb / 64, l = lsb % 64, m = msb % 64;
    uint64_t mk = mask(m, l);
    uint64_t sv = (v << l) & mk;
    if (((v << l) >> l) != v || (v << l & ~mk) != 0)
        throw std::logic_error("value does not fit its field");
    rec[w] = (rec[w] & ~mk) | sv;
}

uint64_t get_bits(const uint64_t* rec, unsigned msb, unsigned lsb)
{
    unsigned w = lsb / 64, l = lsb % 64, m = msb % 64;
    return (rec[w] & mask(m, l)) >> l;
}

std::string Event::str() const
{
    char b[256];
    std::snprintf(b, sizeof b,
                  "type=0x%02x sid=%u ssv=%d ssid=%u rnw=%d ind=%d pnu=%d s2=%d class=%u "
                  "in=0x%llx ipa=0x%llx fetch=0x%llx",
                  type(), sid(), ssv(), ssid(), rnw(), ind(), pnu(), s2(), cls(),
                  static_cast<unsigned long long>(input_addr()),
                  static_cast<unsigned long long>(ipa()),
                  static_cast<unsigned long long>(fetch_addr()));
    return b;
}

std::string describe(const smmu_xlate_t& x)
{
    static const char* st[] = {"OK", "BYPASS", "ABORT", "FAULT", "RAZWI", "STALL"};
    char b[256];
    std::snprintf(b, sizeof b, "status=%s pa=0x%llx mask=0x%llx perm=%u ev=0x%02x rec=%d",
                  x.status <= SMMU_XLATE_STALL ? st[x.status] : "?",
                  static_cast<unsigned long long>(x.pa),
                  static_cast<unsigned long long>(x.page_mask), x.perm, x.event.type,
                  x.recorded);
    return b;
}

// ------------------------------------------------------------------------------------------
// STE (S: 5.2). Absolute bit numbers over the 512-bit structure.
// ------------------------------------------------------------------------------------------

void Ste::encode(uint64_t dw[8]) const
{
    for (int i = 0; i < 8; i++)
        dw[i] = 0;
    set_bits(dw, 0, 0, v);                        // 5.2 V, bit [0]
    set_bits(dw, 3, 1, config);                   // 5.2 Config, bits [3:1]
    set_bits(dw, 5, 4, s1fmt);                    // 5.2 S1Fmt, bits [5:4]
    set_bits(dw, 55, 6, s1_context_ptr >> 6);     // 5.2 S1ContextPtr, bits [55:6]
    set_bits(dw, 63, 59, s1cdmax);                // 5.2 S1CDMax, bits [63:59]
    set_bits(dw, 65, 64, s1dss);                  // 5.2 S1DSS, bits [65:64]
    set_bits(dw, 67, 66, s1cir);                  // 5.2 S1CIR, bits [67:66]
    set_bits(dw, 69, 68, s1cor);                  // 5.2 S1COR, bits [69:68]
    set_bits(dw, 71, 70, s1csh);                  // 5.2 S1CSH, bits [71:70]
    set_bits(dw, 83, 83, mev);                    // 5.2 MEV, bit [83]
    set_bits(dw, 91, 91, s1stalld);               // 5.2 S1STALLD, bit [91]
    set_bits(dw, 93, 92, eats);                   // 5.2 EATS, bits [93:92]
    set_bits(dw, 95, 94, strw);                   // 5.2 STRW, bits [95:94]
    set_bits(dw, 99, 96, memattr);                // 5.2 MemAttr, bits [99:96]
    set_bits(dw, 100, 100, mtcfg);                // 5.2 MTCFG, bit [100]
    set_bits(dw, 104, 101, alloccfg);             // 5.2 ALLOCCFG, bits [104:101]
    set_bits(dw, 109, 108, shcfg);                // 5.2 SHCFG, bits [109:108]
    set_bits(dw, 113, 112, privcfg);              // 5.2 PRIVCFG, bits [113:112]
    set_bits(dw, 115, 114, instcfg);              // 5.2 INSTCFG, bits [115:114]
    set_bits(dw, 143, 128, s2vmid);               // 5.2 S2VMID, bits [143:128]
    set_bits(dw, 165, 160, s2t0sz);               // 5.2 S2T0SZ, bits [165:160]
    set_bits(dw, 167, 166, s2sl0);                // 5.2 S2SL0, bits [167:166]
    set_bits(dw, 169, 168, s2ir0);                // 5.2 S2IR0, bits [169:168]
    set_bits(dw, 171, 170, s2or0);                // 5.2 S2OR0, bits [171:170]
    set_bits(dw, 173, 172, s2sh0);                // 5.2 S2SH0, bits [173:172]
    set_bits(dw, 175, 174, s2tg);                 // 5.2 S2TG, bits [175:174]
    set_bits(dw, 178, 176, s2ps);                 // 5.2 S2PS, bits [178:176]
    set_bits(dw, 179, 179, s2aa64);               // 5.2 S2AA64, bit [179]
    set_bits(dw, 180, 180, s2endi);               // 5.2 S2ENDI, bit [180]
    set_bits(dw, 181, 181, s2affd);               // 5.2 S2AFFD, bit [181]
    set_bits(dw, 182, 182, s2ptw);                // 5.2 S2PTW, bit [182]
    set_bits(dw, 183, 183, s2hd);                 // 5.2 S2HD, bit [183]
    set_bits(dw, 184, 184, s2ha);                 // 5.2 S2HA, bit [184]
    set_bits(dw, 185, 185, s2s);                  // 5.2 S2S, bit [185]
    set_bits(dw, 186, 186, s2r);                  // 5.2 S2R, bit [186]
    set_bits(dw, 194, 194, s2sl0_2);              // 5.2 S2SL0_2, bit [194]
    set_bits(dw, 195, 195, s2ds);                 // 5.2 S2DS, bit [195]
    set_bits(dw, 243, 196, (s2ttb >> 4) & mask(47, 0)); // 5.2 S2TTB: [243:196] = addr[51:4]
}

unsigned s2tg_of(unsigned gshift)
{
    return gshift == 12 ? 0u : gshift == 16 ? 1u : 2u; // 5.2 S2TG: 00 4K, 01 64K, 10 16K
}

// ------------------------------------------------------------------------------------------
// CD (S: 5.4)
// ------------------------------------------------------------------------------------------

void Cd::encode(uint64_t dw[8]) const
{
    for (int i = 0; i < 8; i++)
        dw[i] = 0;
    set_bits(dw, 5, 0, t0sz);                     // 5.4 T0SZ, bits [5:0]
    set_bits(dw, 7, 6, tg0);                      // 5.4 TG0, bits [7:6]
    set_bits(dw, 9, 8, ir0);                      // 5.4 IR0, bits [9:8]
    set_bits(dw, 11, 10, or0);                    // 5.4 OR0, bits [11:10]
    set_bits(dw, 13, 12, sh0);                    // 5.4 SH0, bits [13:12]
    set_bits(dw, 14, 14, epd0);                   // 5.4 EPD0, bit [14]
    set_bits(dw, 15, 15, endi);                   // 5.4 ENDI, bit [15]
    set_bits(dw, 21, 16, t1sz);                   // 5.4 T1SZ, bits [21:16]
    set_bits(dw, 23, 22, tg1);                    // 5.4 TG1, bits [23:22]
    set_bits(dw, 25, 24, ir1);                    // 5.4 IR1, bits [25:24]
    set_bits(dw, 27, 26, or1);                    // 5.4 OR1, bits [27:26]
    set_bits(dw, 29, 28, sh1);                    // 5.4 SH1, bits [29:28]
    set_bits(dw, 30, 30, epd1);                   // 5.4 EPD1, bit [30]
    set_bits(dw, 31, 31, v);                      // 5.4 V, bit [31]
    set_bits(dw, 34, 32, ips);                    // 5.4 IPS, bits [34:32]
    set_bits(dw, 35, 35, affd);                   // 5.4 AFFD, bit [35]
    set_bits(dw, 36, 36, wxn);                    // 5.4 WXN, bit [36]
    set_bits(dw, 38, 38, tbi0);                   // 5.4 TBI0, bit [38]
    set_bits(dw, 39, 39, tbi1);                   // 5.4 TBI1, bit [39]
    set_bits(dw, 40, 40, pan);                    // 5.4 PAN, bit [40]
    set_bits(dw, 41, 41, aa64);                   // 5.4 AA64, bit [41]
    set_bits(dw, 42, 42, hd);                     // 5.4 HD, bit [42]
    set_bits(dw, 43, 43, ha);                     // 5.4 HA, bit [43]
    set_bits(dw, 44, 44, s);                      // 5.4 S, bit [44]
    set_bits(dw, 45, 45, r);                      // 5.4 R, bit [45]
    set_bits(dw, 46, 46, a);                      // 5.4 A, bit [46]
    set_bits(dw, 47, 47, aset);                   // 5.4 ASET, bit [47]
    set_bits(dw, 63, 48, asid);                   // 5.4 ASID, bits [63:48]
    set_bits(dw, 65, 65, had0);                   // 5.4 HAD0, bit [65]
    set_bits(dw, 66, 66, e0pd0);                  // 5.4 E0PD0, bit [66]
    set_bits(dw, 115, 68, (ttb0 >> 4) & mask(47, 0)); // 5.4 TTB0: [115:68] = addr[51:4]
    set_bits(dw, 129, 129, had1);                 // 5.4 HAD1, bit [129]
    set_bits(dw, 130, 130, e0pd1);                // 5.4 E0PD1, bit [130]
    set_bits(dw, 179, 132, (ttb1 >> 4) & mask(47, 0)); // 5.4 TTB1: [179:132] = addr[51:4]
    set_bits(dw, 186, 186, ds);                   // 5.4 DS, bit [186]
    set_bits(dw, 223, 192, mair & 0xFFFFFFFFu);   // 5.4 MAIR0, bits [223:192]
    set_bits(dw, 255, 224, mair >> 32);           // 5.4 MAIR1, bits [255:224]
}

unsigned tg0_of(unsigned gshift)
{
    return gshift == 12 ? 0u : gshift == 16 ? 1u : 2u; // 5.4 TG0: 00 4K, 01 64K, 10 16K
}

unsigned tg1_of(unsigned gshift)
{
    return gshift == 12 ? 2u : gshift == 16 ? 3u : 1u; // 5.4 TG1: 01 16K, 10 4K, 11 64K
}

uint64_t l1std(unsigned span, uint64_t l2ptr)
{
    uint64_t d = 0;
    set_bits(&d, 4, 0, span);            // 5.1 Span, bits [4:0]
    set_bits(&d, 55, 6, l2ptr >> 6);     // 5.1 L2Ptr, bits [55:6]
    return d;
}

uint64_t l1cd(bool v, uint64_t l2ptr)
{
    uint64_t d = 0;
    set_bits(&d, 0, 0, v);               // 5.3 V, bit [0]
    set_bits(&d, 55, 12, l2ptr >> 12);   // 5.3 L2Ptr, bits [55:12]
    return d;
}

// ------------------------------------------------------------------------------------------
// Descriptors (A: D8.3)
// ------------------------------------------------------------------------------------------

uint64_t TableAttrs::bits() const
{
    uint64_t d = 0;
    set_bits(&d, 62, 61, ap_table);      // D8.3.1.1 Table D8-50: APTable[1:0], bits [62:61]
    set_bits(&d, 60, 60, uxn_table);     // UXNTable (XNTable), bit [60]
    set_bits(&d, 59, 59, pxn_table);     // PXNTable, bit [59]
    return d;
}

uint64_t Alloc::get(uint64_t size, uint64_t align)
{
    if (align < 8)
        align = 8;
    uint64_t a = (next_ + align - 1) & ~(align - 1);
    next_ = a + size;
    return a;
}

PageTable::PageTable(FakeMem& mem, Alloc& alloc, int stage, unsigned gshift, unsigned ia_bits,
                     int start_level, uint64_t view, bool ds, bool lpa, uint64_t root_pa)
    : mem_(mem), alloc_(alloc), stage_(stage), gshift_(gshift), ia_bits_(ia_bits), view_(view),
      ds_(ds), lpa_(lpa)
{
    if (start_level == kAuto) {
        // D8.2: initial lookup level = 4 - ceil((IAsize - G) / S)
        unsigned s = stride();
        start_ = 4 - static_cast<int>((ia_bits - gshift + s - 1) / s);
    } else {
        start_ = start_level;
    }
    unsigned top = level_shift(start_);
    unsigned entries_log2 = ia_bits > top ? ia_bits - top : 0;
    root_bytes_ = UINT64_C(8) << entries_log2;
    uint64_t align = root_bytes_ < 64 ? 64 : root_bytes_;
    root_pa_ = root_pa ? root_pa : alloc_.get(root_bytes_, align);
}

uint64_t PageTable::index(uint64_t ia, int l) const
{
    unsigned lsb = level_shift(l);
    unsigned bits = stride();
    if (l == start_)
        bits = ia_bits_ > lsb ? ia_bits_ - lsb : 0;  // the initial table may be narrower/wider
    return (ia >> lsb) & ((UINT64_C(1) << bits) - 1);
}

uint64_t PageTable::addr_bits(uint64_t a) const
{
    // D8.3.1.1 / D8.3.1.2: address bits [47:G] in place; 52-bit extensions:
    //   64K with FEAT_LPA: OA/NLTA[51:48] in descriptor bits [15:12];
    //   DS == 1 (4K/16K): [49:48] in bits [49:48], [51:50] in bits [9:8].
    uint64_t d = a & mask(47, gshift_);
    if (lpa_)
        d |= ((a >> 48) & 0xF) << 12;
    if (ds_) {
        d |= a & mask(49, 48);
        d |= ((a >> 50) & 0x3) << 8;
    }
    return d;
}

uint64_t PageTable::addr_of(uint64_t d) const
{
    uint64_t a = d & mask(47, gshift_);
    if (lpa_)
        a |= ((d >> 12) & 0xF) << 48;
    if (ds_) {
        a |= d & mask(49, 48);
        a |= ((d >> 8) & 0x3) << 50;
    }
    return a;
}

uint64_t PageTable::table_desc(uint64_t next) const
{
    return addr_bits(next) | 0x3;  // D8.3: bits[1:0] = 0b11 Table descriptor
}

uint64_t PageTable::leaf_desc(uint64_t oa, int level, const Leaf& a) const
{
    // D8.3: bit[0] valid; bit[1] = 0 Block (level < 3), 1 Page (level 3)
    uint64_t d = level == 3 ? 0x3 : 0x1;
    d |= addr_bits(oa);
    if (stage_ == 1) {
        set_bits(&d, 4, 2, a.attrindx);   // AttrIndx[2:0], bits [4:2]
        set_bits(&d, 7, 6, a.ap);         // AP[2:1], bits [7:6]
        set_bits(&d, 11, 11, a.ng);       // nG, bit [11]
        set_bits(&d, 53, 53, a.pxn);      // PXN, bit [53]
        set_bits(&d, 54, 54, a.uxn);      // UXN / XN, bit [54]
    } else {
        set_bits(&d, 5, 2, a.memattr);    // stage 2 MemAttr[3:0], bits [5:2]
        set_bits(&d, 7, 6, a.s2ap);       // S2AP[1:0], bits [7:6]
        set_bits(&d, 54, 53, a.xn);       // XN[1:0], bits [54:53] (FEAT_XNX)
    }
    if (!ds_)
        set_bits(&d, 9, 8, a.sh);         // SH[1:0], bits [9:8]
    set_bits(&d, 10, 10, a.af);           // AF, bit [10]
    set_bits(&d, 51, 51, a.dbm);          // DBM, bit [51]
    set_bits(&d, 52, 52, a.contig);       // Contiguous, bit [52]
    return d | a.extra;
}

// Descriptors in memory: little-endian, or big-endian (CD.ENDI / STE.S2ENDI == 1)
static uint64_t bswap64(uint64_t v)
{
    uint64_t r = 0;
    for (int i = 0; i < 8; i++)
        r = (r << 8) | ((v >> (8 * i)) & 0xFF);
    return r;
}

uint64_t PageTable::rd(uint64_t pa) const
{
    uint64_t v = mem_.read64(pa);
    return big_endian ? bswap64(v) : v;
}

void PageTable::wr(uint64_t pa, uint64_t v)
{
    mem_.write64(pa, big_endian ? bswap64(v) : v);
}

uint64_t PageTable::table_pa(uint64_t ia, int level)
{
    uint64_t t = root_pa_;
    for (int l = start_; l < level; l++) {
        uint64_t dpa = t + 8 * index(ia, l);
        uint64_t d = rd(dpa);
        if ((d & 3) == 3) {
            t = addr_of(d) - view_;
        } else {
            uint64_t g = UINT64_C(1) << gshift_;
            uint64_t nt = alloc_.get(g, g);
            wr(dpa, table_desc(nt + view_));
            t = nt;
        }
    }
    return t;
}

uint64_t PageTable::desc_pa(uint64_t ia, int level)
{
    return table_pa(ia, level) + 8 * index(ia, level);
}

uint64_t PageTable::map(uint64_t ia, uint64_t oa, int level, const Leaf& a)
{
    uint64_t p = desc_pa(ia, level);
    wr(p, leaf_desc(oa, level, a));
    return p;
}

uint64_t PageTable::set_raw(uint64_t ia, int level, uint64_t desc)
{
    uint64_t p = desc_pa(ia, level);
    wr(p, desc);
    return p;
}

void PageTable::table_attrs(uint64_t ia, int level, const TableAttrs& t)
{
    uint64_t p = desc_pa(ia, level);
    uint64_t d = rd(p);
    if ((d & 3) != 3)
        throw std::logic_error("not a table descriptor");
    wr(p, d | t.bits());
}

uint64_t PageTable::read(uint64_t ia, int level)
{
    return rd(desc_pa(ia, level));
}

// ------------------------------------------------------------------------------------------
// Transactions
// ------------------------------------------------------------------------------------------

Txn::Txn(uint64_t va, uint32_t sid) : smmu_txn_t()
{
    iova = va;
    size = 4;
    stream_id = sid;
}

// ------------------------------------------------------------------------------------------
// Rig
// ------------------------------------------------------------------------------------------

smmu_config_t config_nocache(smmu_config_t c)
{
    smmu_cache_geom_t off = {0, 0, SMMU_POLICY_LRU};
    c.iotlb = c.utlb = c.ste_cache = c.cd_cache = c.walk_s1 = c.walk_s2 = off;
    return c;
}

smmu_config_t config_nocache()
{
    return config_nocache(smmu_config_default());
}

static void wait_ack(Smmu& d, uint32_t want)
{
    // 6.3.10: a CR0 field has been Updated when CR0ACK shows the written value
    for (int i = 0; i < 1000; i++)
        if (d.rd32(reg::CR0ACK) == want)
            return;
    throw std::runtime_error("CR0ACK does not follow CR0");
}

Rig::Rig(const smmu_config_t& cfg, const RigOptions& o) : opt_(o)
{
    dev_ = std::make_unique<Smmu>(cfg, 0, o.ram_size);
    Smmu& d = *dev_;
    // Bring-up in the order of 6.3.26 (bases, then indices, then enables):
    // CR1: queues and tables Inner Shareable, WB inner/outer (6.3.11)
    uint32_t cr1 = (1u << 0) | (1u << 2) | (3u << 4) | (1u << 6) | (1u << 8) | (3u << 10);
    d.wr32(reg::CR1, cr1);
    d.wr32(reg::CR2, (o.recinvsid ? reg::CR2_RECINVSID : 0) | (o.e2h ? reg::CR2_E2H : 0));

    // Stream table (6.3.24, 6.3.25)
    uint32_t cfgv = 0;
    if (o.two_level) {
        unsigned l1_log2 = o.log2size > o.split ? o.log2size - o.split : 0;
        uint64_t bytes = UINT64_C(8) << l1_log2;
        strtab_ = alloc_.get(bytes, bytes < 64 ? 64 : bytes);
        l2_.assign(size_t(1) << l1_log2, 0);
        cfgv = (1u << 16) | (o.split << 6) | o.log2size;  // FMT [17:16] = 01, SPLIT [10:6]
    } else {
        uint64_t bytes = UINT64_C(64) << o.log2size;
        strtab_ = alloc_.get(bytes, bytes);
        cfgv = o.log2size;                                // LOG2SIZE [5:0]
    }
    d.wr64(reg::STRTAB_BASE, strtab_ & mask(55, 6));      // ADDR [55:6]
    d.wr32(reg::STRTAB_BASE_CFG, cfgv);

    // Command queue (6.3.26-6.3.28): ADDR [55:5], LOG2SIZE [4:0]
    cmdq_ = alloc_.get(UINT64_C(16) << cmdq_log2_, UINT64_C(16) << cmdq_log2_);
    d.wr64(reg::CMDQ_BASE, (cmdq_ & mask(55, 5)) | cmdq_log2_);
    d.wr32(reg::CMDQ_PROD, 0);
    d.wr32(reg::CMDQ_CONS, 0);
    uint32_t cr0 = reg::CR0_CMDQEN;
    d.wr32(reg::CR0, cr0);
    wait_ack(d, cr0);

    // Event queue (6.3.29, 6.3.95, 6.3.96)
    evtq_ = alloc_.get(UINT64_C(32) << evtq_log2_, UINT64_C(32) << evtq_log2_);
    d.wr64(reg::EVENTQ_BASE, (evtq_ & mask(55, 5)) | evtq_log2_);
    d.wr32(reg::EVENTQ_PROD, 0);
    d.wr32(reg::EVENTQ_CONS, 0);
    cr0 |= reg::CR0_EVENTQEN;
    d.wr32(reg::CR0, cr0);
    wait_ack(d, cr0);

    // Invalidate everything before enabling (4.3, driver practice), then SMMUEN
    invalidate_all();
    cr0 |= reg::CR0_SMMUEN;
    d.wr32(reg::CR0, cr0);
    wait_ack(d, cr0);
}

Rig::~Rig() = default;

uint64_t Rig::l1std_pa(uint32_t sid) const
{
    return strtab_ + 8 * (sid >> opt_.split);
}

void Rig::set_l1std(uint32_t sid, unsigned span, uint64_t l2ptr)
{
    uint32_t i = sid >> opt_.split;
    if (i >= l2_.size())
        l2_.resize(i + 1, 0);
    l2_[i] = span ? l2ptr : 0;
    mem().write64(l1std_pa(sid), l1std(span, l2ptr));
}

uint64_t Rig::ste_pa(uint32_t sid)
{
    if (!opt_.two_level)
        return strtab_ + UINT64_C(64) * sid;
    uint32_t i = sid >> opt_.split;
    if (i >= l2_.size())
        l2_.resize(i + 1, 0);
    if (!l2_[i]) {
        uint64_t bytes = UINT64_C(64) << opt_.split;
        uint64_t l2 = alloc_.get(bytes, bytes);
        set_l1std(sid, opt_.split + 1, l2);  // 5.1: Span = SPLIT + 1 covers 2^SPLIT STEs
    }
    return l2_[i] + UINT64_C(64) * (sid & ((1u << opt_.split) - 1));
}

void Rig::set_ste(uint32_t sid, const Ste& s)
{
    uint64_t dw[8];
    s.encode(dw);
    mem().write_dwords(ste_pa(sid), dw, 8);
}

void Rig::write_cd(uint64_t pa, const Cd& cd)
{
    uint64_t dw[8];
    cd.encode(dw);
    mem().write_dwords(pa, dw, 8);
}

uint64_t Rig::put_cd(const Cd& cd)
{
    uint64_t pa = alloc_.get(64, 64);
    write_cd(pa, cd);
    return pa;
}

uint64_t Rig::s1_stream(uint32_t sid, const Cd& cd, Ste ste)
{
    uint64_t pa = put_cd(cd);
    ste.config = 0b101;
    ste.s1_context_ptr = pa;
    set_ste(sid, ste);
    return pa;
}

void Rig::command(uint64_t dw0, uint64_t dw1)
{
    // 3.5.1: entry i at BASE + 16 i; PROD.WR = index | wrap bit at LOG2SIZE
    uint32_t n = 1u << cmdq_log2_;
    uint32_t idx = cmd_prod_ & (n - 1);
    uint64_t dw[2] = {dw0, dw1};
    mem().write_dwords(cmdq_ + 16 * idx, dw, 2);
    cmd_prod_ = (cmd_prod_ + 1) & ((n << 1) - 1);
    dev_->wr32(reg::CMDQ_PROD, cmd_prod_);
}

bool Rig::sync()
{
    command(cmd::SYNC);  // CS = 0b00 SIG_NONE
    uint32_t cons = dev_->rd32(reg::CMDQ_CONS);
    uint32_t gerr = dev_->rd32(reg::GERROR) ^ dev_->rd32(reg::GERRORN);
    return (cons & 0xFFFFF) == cmd_prod_ && !(gerr & reg::GERROR_CMDQ_ERR);
}

void Rig::invalidate_all()
{
    command(cmd::CFGI_STE_RANGE, 31);  // CMD_CFGI_ALL: Range [68:64] = 31 (4.3.5)
    command(cmd::TLBI_NSNH_ALL);
    if (dev_->cfg.hyp)
        command(cmd::TLBI_EL2_ALL);
    if (!sync())
        throw std::runtime_error("invalidation commands not consumed");
}

std::vector<Event> Rig::events()
{
    std::vector<Event> v;
    uint32_t n = 1u << evtq_log2_;
    uint32_t wrap_mask = (n << 1) - 1;
    uint32_t prod = dev_->rd32(reg::EVENTQ_PROD);
    uint32_t cons = dev_->rd32(reg::EVENTQ_CONS);
    uint32_t p = prod & wrap_mask, c = cons & wrap_mask;
    while (c != p) {
        Event e;
        // 7.3: records are little-endian; reassemble the dwords from bytes
        for (int i = 0; i < 4; i++)
            e.raw[i] = mem().read64(evtq_ + 32 * (c & (n - 1)) + 8 * i);
        v.push_back(e);
        c = (c + 1) & wrap_mask;
    }
    // 6.3.96: OVACKFLG [31] acknowledges an overflow; RD [19:0]
    dev_->wr32(reg::EVENTQ_CONS, c | (prod & 0x80000000u));
    return v;
}

smmu_xlate_t Rig::xlate(const smmu_txn_t& t)
{
    smmu_xlate_t x;
    smmu_translate(dev_->s, &t, &x);
    return x;
}

}  // namespace xlt
