// SPDX-License-Identifier: Apache-2.0
// The PRI / ATS test rig; see pa_rig.h. Bit positions from Arm IHI 0070 G.b (section given
// per field) and Arm DDI 0487 chapter D8.
#include "pa_rig.h"

#include <cstdio>
#include <stdexcept>

namespace pa {

static uint64_t mask(unsigned msb, unsigned lsb)
{
    uint64_t hi = msb >= 63 ? ~UINT64_C(0) : ((UINT64_C(1) << (msb + 1)) - 1);
    return hi & ~((UINT64_C(1) << lsb) - 1);
}

uint64_t get_bits(const uint64_t* rec, unsigned msb, unsigned lsb)
{
    return (rec[lsb / 64] & mask(msb % 64, lsb % 64)) >> (lsb % 64);
}

void set_bits(uint64_t* rec, unsigned msb, unsigned lsb, uint64_t v)
{
    if (msb / 64 != lsb / 64)
        throw std::logic_error("field straddles a dword");
    uint64_t mk = mask(msb % 64, lsb % 64);
    if (((v << (lsb % 64)) & ~mk) != 0 || ((v << (lsb % 64)) >> (lsb % 64)) != v)
        throw std::logic_error("value does not fit its field");
    rec[lsb / 64] = (rec[lsb / 64] & ~mk) | (v << (lsb % 64));
}

// ------------------------------------------------------------------------------------------
// STE (5.2) and CD (5.4)
// ------------------------------------------------------------------------------------------

void Ste::encode(uint64_t dw[8]) const
{
    for (int i = 0; i < 8; i++)
        dw[i] = 0;
    set_bits(dw, 0, 0, v);                       // V [0]
    set_bits(dw, 3, 1, config);                  // Config [3:1]
    set_bits(dw, 5, 4, s1fmt);                   // S1Fmt [5:4]
    set_bits(dw, 55, 6, s1ctxptr >> 6);          // S1ContextPtr [55:6]
    set_bits(dw, 63, 59, s1cdmax);               // S1CDMax [63:59]
    set_bits(dw, 65, 64, s1dss);                 // S1DSS [65:64]
    set_bits(dw, 67, 66, 1);                     // S1CIR [67:66]: WB
    set_bits(dw, 69, 68, 1);                     // S1COR [69:68]: WB
    set_bits(dw, 71, 70, 3);                     // S1CSH [71:70]: ISH
    set_bits(dw, 82, 82, ppar);                  // PPAR [82]
    set_bits(dw, 93, 92, eats);                  // EATS [93:92]
    set_bits(dw, 109, 108, 1);                   // SHCFG [109:108]: use incoming
    set_bits(dw, 113, 112, privcfg);             // PRIVCFG [113:112]
    set_bits(dw, 115, 114, instcfg);             // INSTCFG [115:114]
    set_bits(dw, 143, 128, s2vmid);              // S2VMID [143:128]
    set_bits(dw, 165, 160, s2t0sz);              // S2T0SZ [165:160]
    set_bits(dw, 167, 166, s2sl0);               // S2SL0 [167:166]
    set_bits(dw, 169, 168, 1);                   // S2IR0 [169:168]
    set_bits(dw, 171, 170, 1);                   // S2OR0 [171:170]
    set_bits(dw, 173, 172, 3);                   // S2SH0 [173:172]
    set_bits(dw, 175, 174, s2tg);                // S2TG [175:174]: 00 = 4 KB
    set_bits(dw, 178, 176, s2ps);                // S2PS [178:176]
    set_bits(dw, 179, 179, 1);                   // S2AA64 [179]
    set_bits(dw, 183, 183, s2hd);                // S2HD [183]
    set_bits(dw, 184, 184, s2ha);                // S2HA [184]
    set_bits(dw, 185, 185, s2s);                 // S2S [185]
    set_bits(dw, 186, 186, s2r);                 // S2R [186]
    set_bits(dw, 247, 196, s2ttb >> 4);          // S2TTB [247:196] = address [55:4]
}

void Cd::encode(uint64_t dw[8]) const
{
    for (int i = 0; i < 8; i++)
        dw[i] = 0;
    set_bits(dw, 5, 0, t0sz);        // T0SZ [5:0]
    set_bits(dw, 7, 6, 0);           // TG0 [7:6]: 00 = 4 KB
    set_bits(dw, 9, 8, 1);           // IR0 [9:8]: WB
    set_bits(dw, 11, 10, 1);         // OR0 [11:10]: WB
    set_bits(dw, 13, 12, 3);         // SH0 [13:12]: ISH
    set_bits(dw, 14, 14, epd0);      // EPD0 [14]
    set_bits(dw, 21, 16, 25);        // T1SZ [21:16]
    set_bits(dw, 23, 22, 2);         // TG1 [23:22]: 10 = 4 KB
    set_bits(dw, 30, 30, 1);         // EPD1 [30]: TTB1 walks disabled
    set_bits(dw, 31, 31, v);         // V [31]
    set_bits(dw, 34, 32, ips);       // IPS [34:32]
    set_bits(dw, 41, 41, 1);         // AA64 [41]
    set_bits(dw, 42, 42, hd);        // HD [42]
    set_bits(dw, 43, 43, ha);        // HA [43]
    set_bits(dw, 44, 44, s);         // S [44]
    set_bits(dw, 45, 45, r);         // R [45]
    set_bits(dw, 46, 46, a);         // A [46]
    set_bits(dw, 63, 48, asid);      // ASID [63:48]
    set_bits(dw, 119, 68, ttb0 >> 4); // TTB0 [119:68] = address [55:4]
    set_bits(dw, 223, 192, 0xFF);    // MAIR0 [223:192]: Attr0 = Normal WB
}

// ------------------------------------------------------------------------------------------
// VMSAv8-64, 4 KB granule, 39-bit input: levels 1, 2, 3 (DDI 0487 D8.2)
// ------------------------------------------------------------------------------------------

PageTable::PageTable(smmu_test::FakeMem& mem, uint64_t (*alloc)(void*), void* actx, int stage)
    : mem_(mem), alloc_(alloc), actx_(actx), stage_(stage), root_(alloc(actx))
{
}

uint64_t PageTable::pte_pa(uint64_t ia)
{
    uint64_t table = root_;
    for (int level = 1; level < 3; level++) {
        unsigned shift = 12 + 9 * static_cast<unsigned>(3 - level);
        uint64_t dpa = table + 8 * ((ia >> shift) & 0x1FF);
        uint64_t d = mem_.read64(dpa);
        if ((d & 3) != 3) {
            // Table descriptor (D8.3.1): [1:0] = 0b11, next-level table address [47:12]
            d = (alloc_(actx_) & mask(47, 12)) | 3;
            mem_.write64(dpa, d);
        }
        table = d & mask(47, 12);
    }
    return table + 8 * ((ia >> 12) & 0x1FF);
}

uint64_t PageTable::map(uint64_t ia, uint64_t oa, const Leaf& l)
{
    // Page descriptor (D8.3.2): [1:0] = 0b11, OA [47:12], AF [10], SH [9:8] = ISH,
    // stage 1: AttrIndx [4:2] = 0, AP[2:1] [7:6], PXN [53], UXN [54];
    // stage 2: MemAttr [5:2] = 0b1111 (Normal WB), S2AP [7:6], XN [54:53]; DBM [51]
    uint64_t d = 3 | (oa & mask(47, 12)) | (uint64_t(l.af) << 10) | (UINT64_C(3) << 8) |
                 (uint64_t(l.dbm) << 51);
    if (stage_ == 1)
        d |= (uint64_t(l.ap) << 6) | (uint64_t(l.pxn) << 53) | (uint64_t(l.uxn) << 54);
    else
        d |= (UINT64_C(0xF) << 2) | (uint64_t(l.s2ap) << 6) | (uint64_t(l.xn) << 53);
    uint64_t p = pte_pa(ia);
    mem_.write64(p, d);
    return p;
}

void PageTable::unmap(uint64_t ia)
{
    mem_.write64(pte_pa(ia), 0);
}

// ------------------------------------------------------------------------------------------
// Host
// ------------------------------------------------------------------------------------------

static smmu_atc_result_t host_atc_inv(void* ctx, const smmu_atc_inv_t* inv)
{
    Host* h = static_cast<Host*>(static_cast<smmu_test::FakeMem*>(ctx));
    h->atc_invs.push_back(*inv);
    if (h->atc)
        smmu_atc_invalidate(h->atc, inv);
    return h->atc_answer;
}

smmu_host_ops_t Host::host_ops()
{
    smmu_host_ops_t o = ops();
    o.atc_inv = host_atc_inv;
    return o;
}

// ------------------------------------------------------------------------------------------
// Rig
// ------------------------------------------------------------------------------------------

smmu_config_t default_config()
{
    smmu_config_t c = smmu_config_default();
    c.ats = c.pri = true;
    c.msi = true;
    return c;
}

Rig::Rig(const smmu_config_t& c, const RigOptions& o) : cfg(c), opt_(o)
{
    smmu_host_ops_t ops = mem.host_ops();
    if (smmu_create(&cfg, &ops, &s) != SMMU_OK)
        throw std::runtime_error("smmu_create failed");
    // Stream table: linear, 256 STEs (6.3.24 ADDR [55:6], 6.3.25 LOG2SIZE [5:0])
    strtab_ = UINT64_C(0x01000000);
    wr64(reg::STRTAB_BASE, strtab_);
    wr32(reg::STRTAB_BASE_CFG, 8);
    // Queues: *_BASE ADDR [55:5], LOG2SIZE [4:0] (6.3.26, 6.3.29, 6.3.33)
    cmdq_ = UINT64_C(0x01010000);
    evtq_ = UINT64_C(0x01020000);
    priq_ = UINT64_C(0x01030000);
    wr64(reg::CMDQ_BASE, cmdq_ | 8);
    wr32(reg::CMDQ_PROD, 0);
    wr32(reg::CMDQ_CONS, 0);
    wr64(reg::EVENTQ_BASE, evtq_ | 8);
    wr32(reg::EVENTQ_PROD, 0);
    wr32(reg::EVENTQ_CONS, 0);
    if (cfg.pri) {
        wr64(reg::PRIQ_BASE, priq_ | o.priq_log2);
        wr32(reg::PRIQ_PROD, 0);
        wr32(reg::PRIQ_CONS, 0);
    }
    base_cr0_ = reg::CR0_CMDQEN | reg::CR0_EVENTQEN;
    if (o.priqen && cfg.pri)
        base_cr0_ |= reg::CR0_PRIQEN;
    if (o.atschk && cfg.ats)
        base_cr0_ |= reg::CR0_ATSCHK;
    set_cr0(base_cr0_);
    if (o.enable) {
        invalidate_all();
        set_cr0(base_cr0_ | reg::CR0_SMMUEN);
    }
}

Rig::~Rig()
{
    smmu_destroy(s);
}

uint32_t Rig::rd32(uint64_t off)
{
    uint64_t v = 0;
    EXPECT_EQ(smmu_mmio_read(s, off, 4, &v), SMMU_OK);
    return static_cast<uint32_t>(v);
}

void Rig::wr32(uint64_t off, uint32_t v)
{
    EXPECT_EQ(smmu_mmio_write(s, off, 4, v), SMMU_OK);
}

void Rig::wr64(uint64_t off, uint64_t v)
{
    EXPECT_EQ(smmu_mmio_write(s, off, 8, v), SMMU_OK);
}

void Rig::set_cr0(uint32_t v)
{
    wr32(reg::CR0, v);
    EXPECT_EQ(rd32(reg::CR0ACK), v) << "CR0 Update did not complete";
}

uint64_t Rig::alloc(uint64_t size)
{
    if (size < 4096)
        size = 4096;
    next_ = (next_ + size - 1) & ~(size - 1);
    uint64_t p = next_;
    next_ += size;
    std::vector<uint8_t> zero(size, 0);
    mem.write(p, zero.data(), zero.size());
    return p;
}

void Rig::set_ste(uint32_t sid, const Ste& ste)
{
    uint64_t dw[8];
    ste.encode(dw);
    mem.write_dwords(ste_pa(sid), dw, 8);
}

void Rig::put_cd_at(uint64_t pa, const Cd& cd)
{
    uint64_t dw[8];
    cd.encode(dw);
    mem.write_dwords(pa, dw, 8);
}

uint64_t Rig::put_cd(const Cd& cd)
{
    uint64_t pa = alloc();
    put_cd_at(pa, cd);
    return pa;
}

void Rig::command(uint64_t dw0, uint64_t dw1)
{
    uint64_t slot = cmdq_ + 16 * (cmd_prod_ & 0xFF);
    mem.write64(slot, dw0);
    mem.write64(slot + 8, dw1);
    cmd_prod_ = (cmd_prod_ + 1) & 0x1FF; // 256 entries: index [7:0], wrap [8]
    wr32(reg::CMDQ_PROD, cmd_prod_);
}

unsigned Rig::cmd_error()
{
    if (!((rd32(reg::GERROR) ^ rd32(reg::GERRORN)) & reg::GERROR_CMDQ_ERR))
        return 0;
    return (rd32(reg::CMDQ_CONS) >> reg::CMDQ_CONS_ERR_SHIFT) & 0x7F;
}

void Rig::sync()
{
    command(0x46); // CMD_SYNC (4.7.3), CS = SIG_NONE
}

void Rig::invalidate_all()
{
    command(0x04, 31);  // CMD_CFGI_ALL: CMD_CFGI_STE_RANGE with Range [68:64] = 31 (4.3.5)
    command(0x30);      // CMD_TLBI_NSNH_ALL (4.4.11)
    sync();
}

void Rig::pri_resp(uint32_t sid, unsigned prgi, unsigned resp, bool ssv, uint32_t ssid)
{
    // CMD_PRI_RESP (4.5.2): SSV [11], SubstreamID [31:12], StreamID [63:32],
    // PRGIndex [72:64], Resp [77:76]
    uint64_t c[2] = {0x41, 0};
    set_bits(c, 11, 11, ssv);
    set_bits(c, 31, 12, ssid);
    set_bits(c, 63, 32, sid);
    set_bits(c, 72, 64, prgi);
    set_bits(c, 77, 76, resp);
    command(c[0], c[1]);
}

void Rig::atc_inv(uint32_t sid, uint64_t addr, unsigned size, bool ssv, uint32_t ssid,
                  bool global)
{
    // CMD_ATC_INV (4.5.1): Global [9], SSV [11], SubstreamID [31:12], StreamID [63:32],
    // Size [69:64], Address [127:76] = address [63:12]
    uint64_t c[2] = {0x40, 0};
    set_bits(c, 9, 9, global);
    set_bits(c, 11, 11, ssv);
    set_bits(c, 31, 12, ssid);
    set_bits(c, 63, 32, sid);
    set_bits(c, 69, 64, size);
    set_bits(c, 127, 76, addr >> 12);
    command(c[0], c[1]);
}

void Rig::tlbi_nh_va(unsigned vmid, unsigned asid, uint64_t va)
{
    // CMD_TLBI_NH_VA (4.4.2): VMID [47:32], ASID [63:48], Leaf [64], Address [127:76].
    // With stage 2 implemented, stage-1-only NS-EL1 entries are tagged with STE.S2VMID.
    uint64_t c[2] = {0x12, 0};
    set_bits(c, 47, 32, vmid);
    set_bits(c, 63, 48, asid);
    set_bits(c, 64, 64, 1);
    set_bits(c, 127, 76, va >> 12);
    command(c[0], c[1]);
}

std::vector<Event> Rig::events()
{
    std::vector<Event> v;
    uint32_t prod = rd32(reg::EVENTQ_PROD) & 0x1FF, cons = rd32(reg::EVENTQ_CONS) & 0x1FF;
    while (cons != prod) {
        Event e;
        uint64_t slot = evtq_ + 32 * (cons & 0xFF);
        for (int i = 0; i < 4; i++)
            e.raw[i] = mem.read64(slot + 8 * uint64_t(i));
        v.push_back(e);
        cons = (cons + 1) & 0x1FF;
    }
    wr32(reg::EVENTQ_CONS, cons);
    return v;
}

PriRec Rig::slot(unsigned idx) const
{
    PriRec r;
    r.raw[0] = mem.read64(priq_slot(idx));
    r.raw[1] = mem.read64(priq_slot(idx) + 8);
    return r;
}

std::vector<PriRec> Rig::pri_records(bool consume)
{
    std::vector<PriRec> v;
    uint32_t qs = opt_.priq_log2;
    uint32_t wrap_mask = (2u << qs) - 1, idx_mask = (1u << qs) - 1;
    uint32_t prod_reg = rd32(reg::PRIQ_PROD), cons_reg = rd32(reg::PRIQ_CONS);
    uint32_t prod = prod_reg & wrap_mask, cons = cons_reg & wrap_mask;
    while (cons != prod) {
        v.push_back(slot(cons & idx_mask));
        cons = (cons + 1) & wrap_mask;
    }
    if (consume) // the driver moves RD on; OVACKFLG is left as it was
        wr32(reg::PRIQ_CONS, (cons_reg & reg::OVFLG) | cons);
    return v;
}

size_t Rig::priq_writes() const
{
    size_t n = 0;
    for (const auto& w : mem.smmu_writes)
        n += w.kind == SMMU_ACCESS_PRIQ;
    return n;
}

smmu_xlate_t Rig::xlate(const smmu_txn_t& t)
{
    smmu_xlate_t x;
    std::memset(&x, 0, sizeof x);
    smmu_translate(s, &t, &x);
    return x;
}

// ------------------------------------------------------------------------------------------
// Transactions
// ------------------------------------------------------------------------------------------

smmu_txn_t untranslated(uint64_t va, uint32_t sid, bool write)
{
    smmu_txn_t t;
    std::memset(&t, 0, sizeof t);
    t.iova = va;
    t.size = 4;
    t.stream_id = sid;
    t.write = write;
    return t;
}

smmu_txn_t treq(uint64_t va, uint32_t sid, bool write)
{
    smmu_txn_t t = untranslated(va, sid, write);
    t.atype = SMMU_ATYPE_ATS_REQUEST;
    return t;
}

smmu_txn_t translated(uint64_t pa_, uint32_t sid, bool write)
{
    smmu_txn_t t = untranslated(pa_, sid, write);
    t.atype = SMMU_ATYPE_TRANSLATED;
    return t;
}

smmu_pri_req_t ppr(uint32_t sid, uint64_t addr, unsigned prgi, bool last)
{
    smmu_pri_req_t r;
    std::memset(&r, 0, sizeof r);
    r.stream_id = sid;
    r.addr = addr;
    r.prg_index = static_cast<uint16_t>(prgi);
    r.last = last;
    r.read = true;
    return r;
}

std::string describe(const smmu_xlate_t& x)
{
    static const char* st[] = {"OK", "BYPASS", "ABORT", "FAULT", "RAZWI", "STALL"};
    static const char* at[] = {"none", "Success", "UR", "CA"};
    char b[256];
    std::snprintf(b, sizeof b, "status=%s ats=%s pa=0x%llx mask=0x%llx perm=%u ev=0x%02x rec=%d",
                  x.status <= SMMU_XLATE_STALL ? st[x.status] : "?",
                  x.ats <= SMMU_ATS_CA ? at[x.ats] : "?", static_cast<unsigned long long>(x.pa),
                  static_cast<unsigned long long>(x.page_mask), x.perm, x.event.type, x.recorded);
    return b;
}

}  // namespace pa
