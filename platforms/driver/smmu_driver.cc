// SPDX-License-Identifier: Apache-2.0
// Driver model; see smmu_driver.h. Encodings follow Arm IHI 0070 G.b (STE 5.2, CD 5.4,
// commands 4.x, registers 6.3) and the VMSAv8-64 descriptor formats (DDI 0487 D8.3). This is
// the driver's own encoder: the model's conformance tests never use it.
#include "smmu_driver.h"

#include <cstdio>

#include <cstring>
#include <string>

namespace smmuv3::drv {

namespace {

// Register offsets (6.2)
constexpr uint64_t IDR0 = 0x0, IDR1 = 0x4, IDR3 = 0xC, IDR5 = 0x14, CR0 = 0x20, CR0ACK = 0x24,
                   CR1 = 0x28, CR2 = 0x2C, IRQ_CTRL = 0x50, IRQ_CTRLACK = 0x54, GERROR = 0x60,
                   GERRORN = 0x64, GERROR_IRQ_CFG0 = 0x68, GERROR_IRQ_CFG1 = 0x70,
                   STRTAB_BASE = 0x80, STRTAB_BASE_CFG = 0x88, CMDQ_BASE = 0x90, CMDQ_PROD = 0x98,
                   CMDQ_CONS = 0x9C, EVENTQ_BASE = 0xA0, EVENTQ_IRQ_CFG0 = 0xB0,
                   EVENTQ_IRQ_CFG1 = 0xB8, EVENTQ_PROD = 0x100A8, EVENTQ_CONS = 0x100AC;
constexpr uint32_t CR0_SMMUEN = 1, CR0_EVENTQEN = 4, CR0_CMDQEN = 8;

// Opcodes (4.1.1)
constexpr uint8_t OP_PREFETCH_CONFIG = 0x01, OP_PREFETCH_ADDR = 0x02, OP_CFGI_STE = 0x03,
                  OP_CFGI_ALL = 0x04, OP_CFGI_CD = 0x05, OP_CFGI_CD_ALL = 0x06,
                  OP_CFGI_VMS_PIDM = 0x07, OP_TLBI_NH_ALL = 0x10, OP_TLBI_NH_ASID = 0x11,
                  OP_TLBI_NH_VA = 0x12, OP_TLBI_NH_VAA = 0x13, OP_TLBI_EL3_ALL = 0x18,
                  OP_TLBI_EL3_VA = 0x1A, OP_TLBI_EL2_ALL = 0x20, OP_TLBI_EL2_ASID = 0x21,
                  OP_TLBI_EL2_VA = 0x22, OP_TLBI_EL2_VAA = 0x23, OP_TLBI_S12_VMALL = 0x28,
                  OP_TLBI_S2_IPA = 0x2A, OP_TLBI_NSNH_ALL = 0x30, OP_ATC_INV = 0x40,
                  OP_PRI_RESP = 0x41, OP_RESUME = 0x44, OP_STALL_TERM = 0x45, OP_SYNC = 0x46,
                  OP_TLBI_S_EL2_ALL = 0x50, OP_TLBI_S_EL2_ASID = 0x51, OP_TLBI_S_EL2_VA = 0x52,
                  OP_TLBI_S_EL2_VAA = 0x53, OP_TLBI_S_S12_VMALL = 0x58, OP_TLBI_S_S2_IPA = 0x5A,
                  OP_DPTI_PA = 0x73;
constexpr uint32_t GERROR_CMDQ_ERR = 1;
constexpr uint64_t OA_MASK = 0x0000FFFFFFFFF000ull; // output address bits [47:12]

// TLBIs with an address, which take a range (4.4.1.1).
bool range_tlbi(uint8_t op)
{
    switch (op) {
    case OP_TLBI_NH_VA: case OP_TLBI_NH_VAA: case OP_TLBI_EL3_VA: case OP_TLBI_EL2_VA:
    case OP_TLBI_EL2_VAA: case OP_TLBI_S2_IPA: case OP_TLBI_S_EL2_VA: case OP_TLBI_S_EL2_VAA:
    case OP_TLBI_S_S2_IPA:
        return true;
    default:
        return false;
    }
}

int start_level(unsigned g, unsigned ia_bits)
{
    unsigned s = g - 3;
    return 4 - static_cast<int>((ia_bits - g + s - 1) / s);
}

unsigned oas_enc_bits(uint32_t idr5)
{
    static const unsigned b[8] = {32, 36, 40, 42, 44, 48, 52, 52};
    return b[idr5 & 7];
}

}  // namespace

uint64_t PageAllocator::alloc(uint64_t size, uint64_t align)
{
    uint64_t a = (next_ + align - 1) & ~(align - 1);
    if (a + size > end_ || a + size < a)
        throw DriverError("driver memory exhausted");
    next_ = a + size;
    return a;
}

Driver::Driver(Bus& bus, PageAllocator& pages, DriverOptions opt)
    : bus_(bus), pages_(pages), opt_(opt), mem_(bus.backdoor(pages.base(), pages.size()))
{
}

Driver::~Driver()
{
    for (Domain* d : domains_)
        delete d;
}

// Every table and queue lives in pages_, so the backdoor (when the Bus has one) covers them.
inline uint64_t Driver::read_pte(uint64_t pa) const
{
    uint64_t v = 0;
    if (mem_)
        std::memcpy(&v, mem_ + (pa - pages_.base()), 8);
    else
        bus_.mem_read(pa, &v, 8);
    return v; // the host is little-endian, and so are the tables (TTENDIAN LE)
}

inline void Driver::mem_write(uint64_t pa, const void* buf, size_t len)
{
    if (!mem_)
        return bus_.mem_write(pa, buf, len);
    uint8_t* p = mem_ + (pa - pages_.base());
    // descriptors and commands: fixed-size copies the compiler inlines (no libc call)
    if (len == 8)
        std::memcpy(p, buf, 8);
    else if (len == 16)
        std::memcpy(p, buf, 16);
    else
        std::memcpy(p, buf, len);
}

inline void Driver::write_pte(uint64_t pa, uint64_t v)
{
    mem_write(pa, &v, 8);
}

// The slot of ia's page in the last-level table reached last time (Domain::leaf_table), or 0
// when ia lies outside the region that table maps.
inline uint64_t Driver::leaf_slot(const Domain* d, uint64_t ia) const
{
    const unsigned g = d->gshift, s = g - 3;
    if (!d->leaf_table || (ia >> (g + s)) != d->leaf_region)
        return 0;
    return d->leaf_table + 8 * ((ia >> g) & ((1ull << s) - 1));
}

uint64_t Driver::table_alloc(unsigned gshift, unsigned entries)
{
    uint64_t bytes = static_cast<uint64_t>(entries) * 8;
    uint64_t align = bytes < 64 ? 64 : bytes;
    uint64_t pa = pages_.alloc(bytes < (1ull << gshift) ? (1ull << gshift) : bytes,
                               align > (1ull << gshift) ? align : (1ull << gshift));
    if (mem_) {
        std::memset(mem_ + (pa - pages_.base()), 0, bytes);
    } else {
        std::vector<uint8_t> z(bytes, 0);
        bus_.mem_write(pa, z.data(), z.size());
    }
    return pa;
}

// Polls CMDQ_CONS until it reaches prod. A command error (GERROR.CMDQ_ERR active, 7.1) is
// handled as Linux's arm-smmu-v3 does: the faulty command is replaced by a CMD_SYNC and the
// error acknowledged through GERRORN, so consumption restarts at CMDQ_CONS.
void Driver::wait_cons(uint32_t prod)
{
    const uint32_t mask = (2u << opt_.cmdq_log2) - 1;
    for (unsigned i = 0; i < 1000000; i++) {
        uint32_t cons = static_cast<uint32_t>(bus_.reg_read(CMDQ_CONS, 4));
        cmdq_cons_ = cons & mask;
        if ((cons & mask) == (prod & mask))
            return;
        uint32_t gerror = static_cast<uint32_t>(bus_.reg_read(GERROR, 4));
        if (((gerror ^ gerrorn_) & GERROR_CMDQ_ERR) != 0) {
            skip_cmd_error(cons);
            continue;
        }
        bus_.wait_commands((prod - cons) & mask); // entries between CONS and PROD
    }
    throw DriverError("CMD_SYNC timeout");
}

void Driver::skip_cmd_error(uint32_t cons)
{
    const unsigned err = (cons >> 24) & 0x7F;
    if (++ncmd_errors_ > 1000000)
        throw DriverError("command queue error, CMDQ_CONS.ERR=" + std::to_string(err));
    // CERROR_ILL (1): replace the command. CERROR_ABT (2) and CERROR_ATC_INV_SYNC (3): the
    // command is retried as it is.
    if (err == 1) {
        const uint32_t idxm = (1u << opt_.cmdq_log2) - 1;
        uint64_t c[2] = {OP_SYNC, 0};
        mem_write(cmdq_ + 16ull * (cons & idxm), c, 16);
    }
    gerrorn_ ^= GERROR_CMDQ_ERR;
    bus_.reg_write(GERRORN, 4, gerrorn_);
}

void Driver::init()
{
    for (unsigned i = 0; i < 6; i++)
        idr_[i] = static_cast<uint32_t>(bus_.reg_read(4 * i, 4));
    ril_ = (idr_[3] >> 10) & 1;
    unsigned cmdqs = (idr_[1] >> 21) & 0x1F, evtqs = (idr_[1] >> 16) & 0x1F;
    if (opt_.cmdq_log2 > cmdqs)
        opt_.cmdq_log2 = cmdqs;
    if (opt_.evtq_log2 > evtqs)
        opt_.evtq_log2 = evtqs;
    // disable
    bus_.reg_write(CR0, 4, 0);
    while (bus_.reg_read(CR0ACK, 4) != 0)
        bus_.poll_wait();
    // CR1: WB, ISH for tables and queues; CR2: RECINVSID
    bus_.reg_write(CR1, 4, 0xD75);
    bus_.reg_write(CR2, 4, 0x2);
    // stream table (6.3.24, 6.3.25)
    // the stream table covers at most IDR1.SIDSIZE bits of StreamID, as Linux sizes it
    const unsigned sidsize = idr_[1] & 0x3F;
    if (opt_.strtab_log2 > sidsize)
        opt_.strtab_log2 = sidsize;
    unsigned l2 = opt_.strtab_log2;
    if (!opt_.strtab_2level && (64ull << l2) > pages_.size())
        throw DriverError("a linear stream table of 2^" + std::to_string(l2) + " STEs (" +
                          std::to_string(64ull << l2) + " bytes) does not fit the driver's " +
                          std::to_string(pages_.size()) +
                          " bytes of table memory; use a 2-level stream table");
    if (opt_.strtab_2level) {
        unsigned split = 8, l1n = l2 > split ? 1u << (l2 - split) : 1u;
        strtab_ = table_alloc(12, l1n < 8 ? 8 : l1n);
        bus_.reg_write(STRTAB_BASE, 8, strtab_ | (1ull << 62));
        bus_.reg_write(STRTAB_BASE_CFG, 4, (1u << 16) | (split << 6) | l2);
    } else {
        uint64_t bytes = 64ull << l2;
        strtab_ = pages_.alloc(bytes, bytes < 4096 ? 4096 : bytes);
        std::vector<uint8_t> z(bytes, 0);
        mem_write(strtab_, z.data(), z.size());
        bus_.reg_write(STRTAB_BASE, 8, strtab_ | (1ull << 62));
        bus_.reg_write(STRTAB_BASE_CFG, 4, l2);
    }
    // queues (6.3.26, 6.3.29)
    uint64_t cq = 16ull << opt_.cmdq_log2, eq = 32ull << opt_.evtq_log2;
    cmdq_ = pages_.alloc(cq, cq < 32 ? 32 : cq);
    evtq_ = pages_.alloc(eq, eq < 32 ? 32 : eq);
    bus_.reg_write(CMDQ_BASE, 8, cmdq_ | opt_.cmdq_log2 | (1ull << 62));
    bus_.reg_write(CMDQ_PROD, 4, 0);
    bus_.reg_write(CMDQ_CONS, 4, 0);
    cmdq_prod_ = cmdq_cons_ = 0;
    gerrorn_ = static_cast<uint32_t>(bus_.reg_read(GERRORN, 4));
    bus_.reg_write(CR0, 4, CR0_CMDQEN);
    while ((bus_.reg_read(CR0ACK, 4) & CR0_CMDQEN) == 0)
        bus_.poll_wait();
    cfgi_all();
    cmd(OP_TLBI_NSNH_ALL, 0);
    sync();
    bus_.reg_write(EVENTQ_BASE, 8, evtq_ | opt_.evtq_log2 | (1ull << 62));
    bus_.reg_write(EVENTQ_PROD, 4, 0);
    bus_.reg_write(EVENTQ_CONS, 4, 0);
    evtq_cons_ = 0;
    bus_.reg_write(CR0, 4, CR0_CMDQEN | CR0_EVENTQEN);
    while ((bus_.reg_read(CR0ACK, 4) & CR0_EVENTQEN) == 0)
        bus_.poll_wait();
    // interrupts: MSIs when asked for and supported (IDR0.MSI), else wired
    bus_.reg_write(IRQ_CTRL, 4, 0);
    while (bus_.reg_read(IRQ_CTRLACK, 4) != 0)
        bus_.poll_wait();
    bool msi = opt_.msi && ((idr_[0] >> 13) & 1);
    bus_.reg_write(GERROR_IRQ_CFG0, 8, msi ? opt_.gerror_msi_addr : 0);
    bus_.reg_write(GERROR_IRQ_CFG1, 4, 0x6E);
    bus_.reg_write(EVENTQ_IRQ_CFG0, 8, msi ? opt_.evtq_msi_addr : 0);
    bus_.reg_write(EVENTQ_IRQ_CFG1, 4, 0x45);
    bus_.reg_write(IRQ_CTRL, 4, 0x5); // EVENTQ_IRQEN | GERROR_IRQEN
    while (bus_.reg_read(IRQ_CTRLACK, 4) != 0x5)
        bus_.poll_wait();
    bus_.reg_write(CR0, 4, CR0_CMDQEN | CR0_EVENTQEN | CR0_SMMUEN);
    while ((bus_.reg_read(CR0ACK, 4) & CR0_SMMUEN) == 0)
        bus_.poll_wait();
}

// ---- commands (4.1 - 4.7) ----

void Driver::cmd(uint64_t dw0, uint64_t dw1)
{
    uint32_t mask = (2u << opt_.cmdq_log2) - 1, idxm = (1u << opt_.cmdq_log2) - 1;
    // queue full (index equal, wrap bit different): re-read CONS, which the driver otherwise
    // only learns while waiting, then publish and wait for room
    auto full = [&] { return ((cmdq_prod_ ^ cmdq_cons_) & mask) == idxm + 1; };
    if (full()) {
        cmdq_cons_ = static_cast<uint32_t>(bus_.reg_read(CMDQ_CONS, 4)) & mask;
        if (full()) {
            publish();
            wait_cons(cmdq_prod_);
        }
    }
    uint64_t slot = cmdq_ + 16ull * (cmdq_prod_ & idxm);
    uint64_t c[2] = {dw0, dw1};
    mem_write(slot, c, 16);
    cmdq_prod_ = (cmdq_prod_ + 1) & mask;
    ncmds_++;
}

void Driver::encode(const Command& c, unsigned num_field, unsigned scale, uint64_t dw[2])
{
    uint64_t d0 = c.opcode, d1 = 0;
    auto sid = [&] { d0 |= static_cast<uint64_t>(c.sid) << 32; };
    auto ssid = [&] {
        d0 |= (static_cast<uint64_t>(c.ssid) & 0xFFFFF) << 12 | (c.ssv ? 1ull << 11 : 0);
    };
    auto vmid = [&] { d0 |= static_cast<uint64_t>(c.vmid) << 32; };
    auto asid = [&] { d0 |= static_cast<uint64_t>(c.asid) << 48; };
    // TLBI address forms: NUM [16:12], SCALE [25:20]; Leaf, TTL [9:8], TG [11:10], address
    auto range = [&](uint64_t amask) {
        d0 |= (static_cast<uint64_t>(num_field) & 0x1F) << 12 |
              (static_cast<uint64_t>(scale) & 0x3F) << 20;
        d1 = (c.addr & amask) | (c.leaf ? 1 : 0) | (static_cast<uint64_t>(c.ttl & 3) << 8) |
             (static_cast<uint64_t>(c.tg & 3) << 10);
    };
    constexpr uint64_t VA = ~0xFFFull, IPA = 0x00FFFFFFFFFFF000ull;
    switch (c.opcode) {
    case OP_PREFETCH_CONFIG: sid(); ssid(); break;
    case OP_PREFETCH_ADDR: sid(); ssid(); d1 = (c.addr & VA) | (c.size & 0x1F); break;
    case OP_CFGI_STE: sid(); d1 = c.leaf ? 1 : 0; break;
    case OP_CFGI_ALL: sid(); d1 = c.range & 0x1F; break; // CFGI_STE_RANGE
    case OP_CFGI_CD: sid(); d0 |= (static_cast<uint64_t>(c.ssid) & 0xFFFFF) << 12;
        d1 = c.leaf ? 1 : 0; break;
    case OP_CFGI_CD_ALL: sid(); break;
    case OP_CFGI_VMS_PIDM: case OP_TLBI_NH_ALL: case OP_TLBI_S12_VMALL:
    case OP_TLBI_S_S12_VMALL: vmid(); break;
    case OP_TLBI_NH_ASID: vmid(); asid(); break;
    case OP_TLBI_NH_VA: vmid(); asid(); range(VA); break;
    case OP_TLBI_NH_VAA: vmid(); range(VA); break;
    case OP_TLBI_EL2_ASID: case OP_TLBI_S_EL2_ASID: asid(); break;
    case OP_TLBI_EL2_VA: case OP_TLBI_S_EL2_VA: asid(); range(VA); break;
    case OP_TLBI_EL3_VA: case OP_TLBI_EL2_VAA: case OP_TLBI_S_EL2_VAA: range(VA); break;
    case OP_TLBI_S2_IPA: case OP_TLBI_S_S2_IPA: vmid(); range(IPA); break;
    case OP_ATC_INV: sid(); ssid(); d0 |= c.global ? 1ull << 9 : 0;
        d1 = (c.addr & VA) | (c.size & 0x3F); break;
    case OP_PRI_RESP: sid(); ssid();
        d1 = (c.prgidx & 0x1FFu) | (static_cast<uint64_t>(c.resp & 3) << 12); break;
    case OP_RESUME: sid(); d0 |= (c.ac ? 1ull << 12 : 0) | (c.ab ? 1ull << 13 : 0);
        d1 = c.stag; break;
    case OP_STALL_TERM: sid(); break;
    case OP_SYNC:
        d0 |= (static_cast<uint64_t>(c.cs & 3) << 12) | (static_cast<uint64_t>(c.msh & 3) << 22) |
              (static_cast<uint64_t>(c.msiattr & 0xF) << 24) |
              (static_cast<uint64_t>(c.msidata) << 32);
        d1 = c.msiaddr & 0x00FFFFFFFFFFFFFCull;
        break;
    case OP_DPTI_PA: d1 = c.addr & VA; break;
    default: break; // *_ALL forms without arguments (and unknown opcodes: the opcode alone)
    }
    dw[0] = d0;
    dw[1] = d1;
}

void Driver::command(const Command& c)
{
    uint64_t dw[2];
    if (c.opcode == OP_SYNC) {
        encode(c, 0, 0, dw);
        cmd(dw[0], dw[1]);
        publish();
        wait_cons(cmdq_prod_);
        nsyncs_++;
        return;
    }
    if (!range_tlbi(c.opcode) || c.tg == 0 || c.num == 0) {
        encode(c, 0, 0, dw);
        cmd(dw[0], dw[1]);
        return;
    }
    // (NUM + 1) << SCALE granules per command (4.4.1.1); NUM is 5 bits
    const unsigned g = c.tg == 1 ? 12 : c.tg == 2 ? 14 : 16;
    Command part = c;
    uint64_t left = c.num;
    while (left) {
        const unsigned scale = static_cast<unsigned>(__builtin_ctzll(left));
        uint64_t n = left >> scale;
        if (n > 32)
            n = 32;
        encode(part, static_cast<unsigned>(n - 1), scale, dw);
        cmd(dw[0], dw[1]);
        left -= n << scale;
        part.addr += (n << scale) << g;
    }
}

void Driver::publish()
{
    bus_.reg_write(CMDQ_PROD, 4, cmdq_prod_);
}

void Driver::sync()
{
    cmd(OP_SYNC, 0); // CS = SIG_NONE: completion by polling CONS
    publish();
    wait_cons(cmdq_prod_);
    nsyncs_++;
}

void Driver::cfgi_ste(uint32_t sid)
{
    cmd(OP_CFGI_STE | (static_cast<uint64_t>(sid) << 32), 1 /* Leaf */);
    sync();
}

void Driver::cfgi_all()
{
    cmd(OP_CFGI_ALL, 31 /* Range = 31: all */);
}

void Driver::tlbi_all()
{
    cmd(OP_TLBI_NSNH_ALL, 0);
    sync();
}

void Driver::tlbi_asid(const Domain* d)
{
    if (d->kind == Domain::S2)
        cmd(OP_TLBI_S12_VMALL | (static_cast<uint64_t>(d->vmid) << 32), 0);
    else
        cmd(OP_TLBI_NH_ASID | (static_cast<uint64_t>(d->vmid) << 32) |
                (static_cast<uint64_t>(d->asid) << 48),
            0);
    sync();
}

void Driver::tlbi_va(const Domain* d, uint64_t iova, uint64_t size, bool leaf)
{
    bool s2 = d->kind == Domain::S2;
    uint64_t op = s2 ? OP_TLBI_S2_IPA : OP_TLBI_NH_VA;
    uint64_t dw0 = op | (static_cast<uint64_t>(d->vmid) << 32) |
                   (s2 ? 0 : static_cast<uint64_t>(d->asid) << 48);
    uint64_t amask = s2 ? 0x00FFFFFFFFFFF000ull : ~0xFFFull;
    uint64_t g = d->gshift;
    uint64_t pages = (size + (1ull << g) - 1) >> g;
    if (!(ril_ && opt_.use_range_tlbi)) {
        for (uint64_t i = 0; i < pages; i++)
            cmd(dw0, ((iova + (i << g)) & amask) | (leaf ? 1 : 0));
        sync();
        return;
    }
    // range invalidation (4.4.1.1): (NUM + 1) * 2^SCALE granules per command
    uint64_t tg = g == 12 ? 1 : g == 14 ? 2 : 3;
    uint64_t addr = iova;
    while (pages) {
        unsigned scale = static_cast<unsigned>(__builtin_ctzll(pages));
        if (scale > 31)
            scale = 31;
        uint64_t num = (pages >> scale) > 32 ? 32 : (pages >> scale);
        uint64_t chunk = num << scale;
        // TTL: leaf level 3 when invalidating single pages of the granule
        uint64_t ttl = leaf && chunk == 1 ? 3 : 0;
        uint64_t d0 = dw0 | ((num - 1) << 12) | (static_cast<uint64_t>(scale) << 20);
        uint64_t d1 = (addr & amask) | (leaf ? 1 : 0) | (ttl << 8) | (tg << 10);
        cmd(d0, d1);
        pages -= chunk;
        addr += chunk << g;
    }
    sync();
}

// ---- structures ----

void Driver::write_ste(uint32_t sid, const uint64_t ste[8])
{
    uint64_t pa;
    if (opt_.strtab_2level) {
        const unsigned split = 8;
        uint64_t l1 = sid >> split;
        auto it = l2_strtab_.find(l1);
        if (it == l2_strtab_.end()) {
            uint64_t bytes = 64ull << split;      // 2^SPLIT STEs of 64 bytes
            uint64_t l2 = pages_.alloc(bytes, bytes);
            std::vector<uint8_t> z(bytes, 0);
            mem_write(l2, z.data(), z.size());
            it = l2_strtab_.emplace(l1, l2).first;
            uint64_t desc = l2 | (split + 1);      // Span = SPLIT + 1 (5.1)
            write_pte(strtab_ + 8 * l1, desc);
            cmd(OP_CFGI_STE | (static_cast<uint64_t>(sid) << 32), 0 /* Leaf = 0: L1STD */);
        }
        pa = it->second + 64ull * (sid & ((1u << split) - 1));
    } else {
        pa = strtab_ + 64ull * sid;
    }
    mem_write(pa, ste, 64);
}

void Driver::write_cd(Domain* d)
{
    uint64_t cd[8] = {};
    unsigned tg0 = d->gshift == 12 ? 0 : d->gshift == 16 ? 1 : 2;
    unsigned ips = idr_[5] & 7;
    cd[0] = (64 - d->ia_bits) | (static_cast<uint64_t>(tg0) << 6) | (1ull << 8) | (1ull << 10) |
            (3ull << 12) | (1ull << 30) /* EPD1 */ | (1ull << 31) /* V */ |
            (static_cast<uint64_t>(ips) << 32) | (1ull << 41) /* AA64 */ |
            (opt_.record_faults ? 1ull << 45 : 0) /* R */ | (1ull << 46) /* A */ |
            (static_cast<uint64_t>(d->asid) << 48);
    cd[1] = d->root & 0x000FFFFFFFFFFFF0ull;
    cd[3] = 0x0000000000044FFull; // MAIR: Attr0 WB, Attr1 Device-nGnRE, Attr2 NC
    mem_write(d->cd, cd, 64);
}

Domain* Driver::new_s1_domain(uint16_t asid, unsigned gshift, unsigned ia_bits)
{
    auto* d = new Domain;
    d->kind = Domain::S1;
    d->asid = asid;
    d->gshift = gshift;
    d->ia_bits = ia_bits;
    d->start_level = start_level(gshift, ia_bits);
    unsigned s = gshift - 3;
    unsigned entries = 1u << (ia_bits - (gshift + s * static_cast<unsigned>(3 - d->start_level)));
    d->root = table_alloc(gshift, entries);
    d->cd = pages_.alloc(64, 64);
    write_cd(d);
    domains_.push_back(d);
    return d;
}

Domain* Driver::new_s2_domain(uint16_t vmid, unsigned gshift, unsigned ia_bits)
{
    auto* d = new Domain;
    d->kind = Domain::S2;
    d->vmid = vmid;
    d->gshift = gshift;
    d->ia_bits = ia_bits;
    d->start_level = start_level(gshift, ia_bits);
    unsigned s = gshift - 3;
    unsigned entries = 1u << (ia_bits - (gshift + s * static_cast<unsigned>(3 - d->start_level)));
    d->root = table_alloc(gshift, entries);
    domains_.push_back(d);
    return d;
}

Domain* Driver::new_nested_domain(uint16_t asid, uint16_t vmid, unsigned gshift)
{
    Domain* d = new_s1_domain(asid, gshift, 48);
    d->kind = Domain::NESTED;
    d->vmid = vmid;
    unsigned ias = oas_enc_bits(idr_[5]);
    d->s2 = new_s2_domain(vmid, gshift, ias > 48 ? 48 : ias);
    return d;
}

Domain* Driver::new_bypass_domain()
{
    auto* d = new Domain;
    d->kind = Domain::BYPASS;
    domains_.push_back(d);
    return d;
}

void Driver::attach(uint32_t sid, Domain* d)
{
    uint64_t ste[8] = {};
    bool stalls = ((idr_[0] >> 24) & 3) == 0;
    auto s2_fields = [&](const Domain* s2) {
        unsigned tg = s2->gshift == 12 ? 0 : s2->gshift == 16 ? 1 : 2;
        int sl = s2->start_level;
        unsigned sl0 = s2->gshift == 12 ? static_cast<unsigned>(2 - sl) : static_cast<unsigned>(3 - sl);
        unsigned ps = idr_[5] & 7;
        ste[2] = s2->vmid | (static_cast<uint64_t>(64 - s2->ia_bits) << 32) |
                 (static_cast<uint64_t>(sl0) << 38) | (1ull << 40) | (1ull << 42) | (3ull << 44) |
                 (static_cast<uint64_t>(tg) << 46) | (static_cast<uint64_t>(ps) << 48) |
                 (1ull << 51) /* S2AA64 */ | (1ull << 58) /* S2R */;
        ste[3] = s2->root & 0x000FFFFFFFFFFFF0ull;
    };
    switch (d->kind) {
    case Domain::ABORT: ste[0] = 1; break;
    case Domain::BYPASS: ste[0] = 1 | (4u << 1); break;
    case Domain::S1:
        ste[0] = 1 | (5u << 1) | (d->cd & 0x000FFFFFFFFFFFC0ull);
        ste[1] = (1ull << 2) | (1ull << 4) | (3ull << 6) | (stalls ? 1ull << 27 : 0);
        ste[2] = d->vmid;
        break;
    case Domain::S2:
        ste[0] = 1 | (6u << 1);
        s2_fields(d);
        break;
    case Domain::NESTED:
        ste[0] = 1 | (7u << 1) | (d->cd & 0x000FFFFFFFFFFFC0ull);
        ste[1] = (1ull << 2) | (1ull << 4) | (3ull << 6) | (stalls ? 1ull << 27 : 0);
        s2_fields(d->s2);
        break;
    }
    write_ste(sid, ste);
    cfgi_ste(sid);
}

// ---- page tables (DDI 0487 D8.3) ----

uint64_t Driver::leaf_desc(const Domain* d, uint64_t pa, unsigned prot, unsigned leaf_shift,
                           bool stage2) const
{
    bool page = leaf_shift == d->gshift;
    uint64_t v = pa | 1 | (page ? 2 : 0) | (3ull << 8) /* SH ISH */ | (1ull << 10) /* AF */;
    if (stage2) {
        v |= (0xFull << 2) /* MemAttr Normal WB */ | ((prot & PROT_READ) ? 1ull << 6 : 0) |
             ((prot & PROT_WRITE) ? 1ull << 7 : 0) | ((prot & PROT_EXEC) ? 0 : 1ull << 54);
    } else {
        v |= (0ull << 2) /* AttrIndx 0 */ | ((prot & PROT_WRITE) ? 0 : 1ull << 7) /* AP[2] */ |
             ((prot & PROT_PRIV) ? 0 : 1ull << 6) /* AP[1]: unprivileged access */ |
             (1ull << 11) /* nG */ | ((prot & PROT_EXEC) ? 0 : (3ull << 53)) /* PXN, UXN */;
    }
    return v;
}

void Driver::set_pte(Domain* d, uint64_t root, int start, unsigned ia_bits, uint64_t ia,
                     uint64_t desc, unsigned leaf_shift, bool)
{
    unsigned g = d->gshift, s = g - 3;
    const bool page = leaf_shift == g && root == d->root;
    if (const uint64_t slot = page ? leaf_slot(d, ia) : 0) {
        write_pte(slot, desc);
        return;
    }
    uint64_t table = root;
    for (int l = start;; l++) {
        unsigned lsb = g + s * static_cast<unsigned>(3 - l);
        unsigned bits = l == start ? ia_bits - lsb : s;
        uint64_t idx = (ia >> lsb) & ((1ull << bits) - 1);
        uint64_t slot = table + 8 * idx;
        if (lsb == leaf_shift) {
            if (l < 3)
                d->leaf_table = 0; // a block (or its removal) above level 3: paths change
            else if (page && l > start)
                d->leaf_table = table, d->leaf_region = ia >> (g + s);
            write_pte(slot, desc);
            return;
        }
        uint64_t cur = read_pte(slot);
        if ((cur & 3) != 3) {
            uint64_t next = table_alloc(g, 1u << s);
            write_pte(slot, next | 3);
            table = next;
        } else {
            table = cur & 0x0000FFFFFFFFF000ull & ~((1ull << g) - 1);
        }
    }
}

// Refuses, before touching a table, a map the domain cannot hold or whose last-level tables
// alone would not fit the driver's table memory (8 bytes per leaf).
void Driver::check_map(const Domain* d, uint64_t iova, uint64_t size, unsigned leaf_shift) const
{
    auto hex = [](uint64_t v) {
        char b[24];
        std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
        return std::string(b);
    };
    const uint64_t limit = d->ia_bits >= 64 ? ~0ull : (1ull << d->ia_bits);
    if (leaf_shift >= 64 || iova + size < iova || iova + size > limit)
        throw DriverError("map of " + hex(size) + " bytes at " + hex(iova) + " is beyond the " +
                          std::to_string(d->ia_bits) + "-bit input range of the domain");
    const uint64_t left = pages_.base() + pages_.size() - pages_.used_end();
    const uint64_t leaves = (size >> leaf_shift) + 1;
    if (leaves > left / 8)
        throw DriverError("map of " + hex(size) + " bytes at " + hex(iova) + " in pages of " +
                          hex(1ull << leaf_shift) + " bytes needs at least " + hex(leaves * 8) +
                          " bytes of page tables; the driver's table memory has " + hex(left) +
                          " bytes left");
}

void Driver::map(Domain* d, uint64_t iova, uint64_t pa, uint64_t size, unsigned prot,
                 unsigned leaf_shift)
{
    if (!leaf_shift)
        leaf_shift = d->gshift;
    check_map(d, iova, size, leaf_shift);
    bool s2 = d->kind == Domain::S2;
    uint64_t step = 1ull << leaf_shift;
    for (uint64_t off = 0; off < size; off += step)
        set_pte(d, d->root, d->start_level, d->ia_bits, iova + off,
                leaf_desc(d, pa + off, prot, leaf_shift, s2), leaf_shift, s2);
}

void Driver::identity_s2(Domain* d, uint64_t pa, uint64_t size)
{
    if (!d->s2)
        throw DriverError("identity_s2 needs a nested domain");
    map(d->s2, pa, pa, size, PROT_READ | PROT_WRITE | PROT_EXEC, 0);
}

bool Driver::lookup(const Domain* d, uint64_t iova, uint64_t* pa, unsigned* leaf_shift) const
{
    unsigned g = d->gshift, s = g - 3;
    uint64_t table = d->root;
    for (int l = d->start_level; l <= 3; l++) {
        unsigned lsb = g + s * static_cast<unsigned>(3 - l);
        unsigned bits = l == d->start_level ? d->ia_bits - lsb : s;
        uint64_t v = read_pte(table + 8 * ((iova >> lsb) & ((1ull << bits) - 1)));
        if (!(v & 1))
            return false;
        uint64_t addr = v & 0x0000FFFFFFFFF000ull;
        if (l == 3 || !(v & 2)) {
            addr &= ~((1ull << lsb) - 1);
            if (pa)
                *pa = addr | (iova & ((1ull << lsb) - 1));
            if (leaf_shift)
                *leaf_shift = lsb;
            return true;
        }
        table = addr & ~((1ull << g) - 1);
    }
    return false;
}

void Driver::unmap(Domain* d, uint64_t iova, uint64_t size)
{
    clear(d, iova, size);
    tlbi_va(d, iova, size, opt_.leaf_tlbi);
}

void Driver::clear(Domain* d, uint64_t iova, uint64_t size)
{
    if (size == 0)
        return;
    uint64_t hi = iova + (size - 1);
    if (hi < iova)
        hi = ~0ull;
    const unsigned g = d->gshift, s = g - 3;
    // The common case, one page removed from the last-level table reached last time.
    if (const uint64_t slot =
            size == (1ull << g) && (iova & (size - 1)) == 0 ? leaf_slot(d, iova) : 0) {
        if (read_pte(slot) & 1)
            write_pte(slot, 0);
        return;
    }
    // Else one leaf removed whole: walk straight down to it.
    uint64_t table = d->root;
    for (int l = d->start_level; l <= 3; l++) {
        const unsigned lsb = g + s * static_cast<unsigned>(3 - l);
        const unsigned bits = l == d->start_level ? d->ia_bits - lsb : s;
        const uint64_t slot = table + 8 * ((iova >> lsb) & ((1ull << bits) - 1));
        const uint64_t v = read_pte(slot);
        if (!(v & 1))
            break;
        if (l < 3 && (v & 3) == 3) {
            table = v & OA_MASK & ~((1ull << g) - 1);
            continue;
        }
        if ((iova & ((1ull << lsb) - 1)) == 0 && size == (1ull << lsb)) {
            // above level 3 this removes a block, never a table descriptor, so the path to
            // Domain::leaf_table (table descriptors only) is untouched
            write_pte(slot, 0);
            return;
        }
        break;
    }
    const unsigned lsb = g + s * static_cast<unsigned>(3 - d->start_level);
    d->leaf_table = 0; // clear_table() may rewrite entries above level 3
    clear_table(d, d->root, d->start_level, d->ia_bits - lsb, 0, iova, hi);
}

// Clear [lo, hi] (inclusive) in the table at `level` whose entries cover input addresses from
// `base`, 2^bits entries. Entries wholly inside are invalidated; tables that straddle an end
// are descended into, blocks that straddle an end are split into a next-level table first.
void Driver::clear_table(Domain* d, uint64_t table, int level, unsigned bits, uint64_t base,
                         uint64_t lo, uint64_t hi)
{
    const unsigned g = d->gshift, s = g - 3;
    const unsigned lsb = g + s * static_cast<unsigned>(3 - level);
    const uint64_t span = 1ull << lsb, n = 1ull << bits;
    const uint64_t last = base + ((n << lsb) - 1);
    if (hi < base || lo > last)
        return;
    uint64_t i0 = lo > base ? (lo - base) >> lsb : 0;
    uint64_t i1 = hi < last ? (hi - base) >> lsb : n - 1;
    for (uint64_t i = i0; i <= i1; i++) {
        const uint64_t slot = table + 8 * i, e_lo = base + (i << lsb), e_hi = e_lo + (span - 1);
        uint64_t v = read_pte(slot);
        if (!(v & 1))
            continue;
        if ((lo <= e_lo && e_hi <= hi) || level == 3) {
            write_pte(slot, 0);
            continue;
        }
        uint64_t next;
        if ((v & 3) == 3) {
            next = v & OA_MASK & ~((1ull << g) - 1);
        } else {
            // split the block: 2^s entries of the next level with the same attributes
            next = table_alloc(g, 1u << s);
            const uint64_t step = span >> s, oa = v & OA_MASK & ~(span - 1);
            const uint64_t attrs = v & ~OA_MASK & ~3ull;
            for (uint64_t j = 0; j < (1ull << s); j++)
                write_pte(next + 8 * j, attrs | (oa + j * step) | (level + 1 == 3 ? 3 : 1));
            write_pte(slot, next | 3);
        }
        clear_table(d, next, level + 1, s, e_lo, lo, hi);
    }
}

void Driver::remap(Domain* d, uint64_t iova, uint64_t pa, unsigned prot, unsigned leaf_shift)
{
    if (!leaf_shift)
        leaf_shift = d->gshift;
    uint64_t base = iova & ~((1ull << leaf_shift) - 1);
    bool s2 = d->kind == Domain::S2;
    set_pte(d, d->root, d->start_level, d->ia_bits, base, 0, leaf_shift, s2);
    tlbi_va(d, base, 1ull << leaf_shift, opt_.leaf_tlbi);
    set_pte(d, d->root, d->start_level, d->ia_bits, base,
            leaf_desc(d, pa & ~((1ull << leaf_shift) - 1), prot, leaf_shift, s2), leaf_shift, s2);
}

std::vector<Event> Driver::events()
{
    std::vector<Event> out;
    uint32_t mask = (2u << opt_.evtq_log2) - 1, idxm = (1u << opt_.evtq_log2) - 1;
    uint32_t prod = static_cast<uint32_t>(bus_.reg_read(EVENTQ_PROD, 4));
    while ((evtq_cons_ & mask) != (prod & mask)) {
        Event e;
        bus_.mem_read(evtq_ + 32ull * (evtq_cons_ & idxm), e.raw, 32);
        out.push_back(e);
        evtq_cons_ = (evtq_cons_ + 1) & mask;
    }
    // acknowledge any overflow together with the new read index (7.4)
    bus_.reg_write(EVENTQ_CONS, 4, evtq_cons_ | (prod & 0x80000000u));
    return out;
}

}  // namespace smmuv3::drv
