// SPDX-License-Identifier: Apache-2.0
// libFuzzer target 1: a program of guest memory writes, register accesses, command-queue
// control, translations and PRI requests driven against one SMMU instance. Everything the SMMU
// reads is written by the input (guest software may be buggy or hostile); the model must
// answer with events, GERROR or command errors, never crash, hang, touch host memory it does
// not own, or lose a record silently. Invariants checked after every step (docs/robustness.md):
//   - every walk ends within a bounded number of memory accesses;
//   - an OK translation's PA is below 2^OAS, a bypass's PA is its IOVA;
//   - the SMMU never fills the event queue beyond its size; every record is either written or
//     counted as dropped, a written record is the one the translation reported, and a record
//     that finds the queue full leaves an overflow pending (EVENTQ_PROD.OVFLG, 7.4);
//   - hits + misses == lookups for every cache; one translation counted per translation;
//   - log messages are NUL-terminated text;
//   - SMMU_TXN_DEBUG translations change nothing (statistics, memory, interrupts, registers);
//   - determinism: the whole program is run twice, on two instances, and everything observed
//     (results, registers read, event records, statistics, memory written) must be identical;
//   - the model reads and writes host memory only through the callbacks and the 4 KiB direct
//     pointers it was granted (each page is its own heap block, so ASan sees any overrun).
//
// Guest RAM is sparse: 4 KiB pages allocated on first write, [0, 2^31), which holds the
// oracle's 1 GiB at 0x40000000 (tests/fuzz/make_seeds.py turns its cases into seeds).
// Input format (one byte selects the configuration, then operations; see the switch below).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <unordered_map>
#include <vector>

#include "smmuv3/smmuv3.h"

namespace {

constexpr uint64_t kRamEnd = uint64_t{1} << 31;  // RAM is [0, 2^31); everything else aborts
constexpr uint64_t kPage = 4096;
constexpr size_t kMaxPages = 8192;               // 32 MiB of guest RAM per run at most
constexpr unsigned kMaxSteps = 4096;

void fail(const char* what)
{
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
}

// FNV-1a over everything observed, for the determinism check.
struct Digest {
    uint64_t h = 0xcbf29ce484222325ull;
    void add(uint64_t v)
    {
        for (int i = 0; i < 8; i++) {
            h ^= (v >> (8 * i)) & 0xFF;
            h *= 0x100000001b3ull;
        }
    }
    void bytes(const void* p, size_t n)
    {
        const uint8_t* b = static_cast<const uint8_t*>(p);
        for (size_t i = 0; i < n; i++) {
            h ^= b[i];
            h *= 0x100000001b3ull;
        }
    }
};

struct Host {
    std::unordered_map<uint64_t, std::unique_ptr<uint8_t[]>> pages;
    uint64_t accesses = 0;  // SMMU reads and writes through the callbacks
    uint64_t effects = 0;   // writes, interrupts and notifications: what a debug access must not do
    bool offer_ptr = false;
    smmu_atc_result_t atc_answer = SMMU_ATC_DONE;
    Digest* digest = nullptr;

    uint8_t* page(uint64_t pa, bool create)
    {
        auto it = pages.find(pa / kPage);
        if (it != pages.end())
            return it->second.get();
        if (!create || pages.size() >= kMaxPages)
            return nullptr;
        auto p = std::make_unique<uint8_t[]>(kPage);
        std::memset(p.get(), 0, kPage);
        uint8_t* raw = p.get();
        pages.emplace(pa / kPage, std::move(p));
        return raw;
    }
    static bool in_ram(uint64_t pa, size_t len) { return len <= kRamEnd && pa <= kRamEnd - len; }
    void write(uint64_t pa, const void* buf, size_t len)
    {
        const uint8_t* b = static_cast<const uint8_t*>(buf);
        while (len) {
            size_t off = pa % kPage, n = len < kPage - off ? len : kPage - off;
            if (uint8_t* p = page(pa, true))
                std::memcpy(p + off, b, n);
            pa += n;
            b += n;
            len -= n;
        }
    }
    void read(uint64_t pa, void* buf, size_t len)
    {
        uint8_t* b = static_cast<uint8_t*>(buf);
        while (len) {
            size_t off = pa % kPage, n = len < kPage - off ? len : kPage - off;
            if (uint8_t* p = page(pa, false))
                std::memcpy(b, p + off, n);
            else
                std::memset(b, 0, n);
            pa += n;
            b += n;
            len -= n;
        }
    }

    static smmu_mem_result_t rd(void* c, uint64_t pa, void* buf, size_t len, const smmu_mem_attr_t* a)
    {
        auto* h = static_cast<Host*>(c);
        h->accesses++;
        if (!a || static_cast<unsigned>(a->kind) > SMMU_ACCESS_MSI)
            fail("memory access without a valid attribute");
        if (!in_ram(pa, len))
            return SMMU_MEM_ABORT;
        h->read(pa, buf, len);
        return SMMU_MEM_OK;
    }
    static smmu_mem_result_t wr(void* c, uint64_t pa, const void* buf, size_t len,
                                const smmu_mem_attr_t* a)
    {
        auto* h = static_cast<Host*>(c);
        h->accesses++;
        if (!a || static_cast<unsigned>(a->kind) > SMMU_ACCESS_MSI)
            fail("memory access without a valid attribute");
        h->effects++;
        h->digest->add(pa);
        h->digest->add(a->kind);
        h->digest->bytes(buf, len);
        if (!in_ram(pa, len))
            return SMMU_MEM_ABORT;
        h->write(pa, buf, len);
        return SMMU_MEM_OK;
    }
    static smmu_mem_result_t cas(void* c, uint64_t pa, uint64_t expected, uint64_t desired,
                                 uint64_t* old, const smmu_mem_attr_t*)
    {
        auto* h = static_cast<Host*>(c);
        h->accesses++;
        if (!in_ram(pa, 8) || (pa & 7))
            return SMMU_MEM_ABORT;
        uint8_t b[8];
        h->read(pa, b, 8);
        uint64_t v = 0;
        for (int i = 7; i >= 0; i--)
            v = v << 8 | b[i];
        *old = v;
        if (v == expected) {
            h->effects++;
            for (int i = 0; i < 8; i++)
                b[i] = static_cast<uint8_t>(desired >> (8 * i));
            h->write(pa, b, 8);
            h->digest->add(pa);
            h->digest->add(desired);
        }
        return SMMU_MEM_OK;
    }
    // Direct pointers to existing pages only, one page at a time, and only to every other
    // page so that both paths run. Pages are never freed while the instance lives.
    static uint8_t* ptr(void* c, uint64_t pa, uint64_t* lo, uint64_t* hi)
    {
        auto* h = static_cast<Host*>(c);
        if (!h->offer_ptr || !in_ram(pa, 1) || (pa & kPage))
            return nullptr;
        uint8_t* p = h->page(pa, false);
        if (!p)
            return nullptr;
        *lo = pa & ~(kPage - 1);
        *hi = *lo + kPage - 1;
        return p + (pa - *lo);
    }
    static void irq(void* c, smmu_irq_t line, bool level)
    {
        if (static_cast<unsigned>(line) >= SMMU_IRQ_COUNT)
            fail("unknown interrupt line");
        static_cast<Host*>(c)->effects++;
        static_cast<Host*>(c)->digest->add(0x100u + line * 2u + level);
    }
    static void log(void*, smmu_log_t, const char* msg)
    {
        if (!msg || std::strlen(msg) > 4096)
            fail("log message missing or unterminated");
    }
    static smmu_atc_result_t atc(void* c, const smmu_atc_inv_t* inv)
    {
        auto* h = static_cast<Host*>(c);
        h->effects++;
        h->digest->add(inv->stream_id);
        h->digest->add(inv->addr);
        h->digest->add(inv->size);
        return h->atc_answer;
    }
    static void pri_resp(void* c, const smmu_pri_resp_t* r)
    {
        auto* h = static_cast<Host*>(c);
        h->effects++;
        h->digest->add(r->stream_id);
        h->digest->add(r->prg_index);
        h->digest->add(r->code);
    }
    static void stall_done(void* c, uint64_t cookie, const smmu_xlate_t* x)
    {
        auto* h = static_cast<Host*>(c);
        h->effects++;
        h->digest->add(cookie);
        h->digest->add(x->status);
        h->digest->add(x->pa);
    }
    static void invalidated(void* c, const smmu_inval_t* i)
    {
        auto* h = static_cast<Host*>(c);
        h->effects++;
        h->digest->add(i->scope);
        h->digest->add(i->stream_id);
    }
};

struct Input {
    const uint8_t* p;
    size_t n;
    bool empty() const { return n == 0; }
    uint8_t u8()
    {
        if (!n)
            return 0;
        n--;
        return *p++;
    }
    uint64_t u(unsigned bytes)
    {
        uint64_t v = 0;
        for (unsigned i = 0; i < bytes; i++)
            v |= uint64_t{u8()} << (8 * i);
        return v;
    }
};

// Register offsets a driver writes (IHI 0070 6.2), chosen by the input.
const uint32_t kRegs[] = {0x20,    0x28,    0x2C,    0x44,    0x50,    0x64,   0x68,
                          0x70,    0x74,    0x80,    0x88,    0x90,    0x98,   0x9C,
                          0xA0,    0xB0,    0xB8,    0xBC,    0xC0,    0xD0,   0xD8,
                          0xDC,    0x100A8, 0x100AC, 0x100C8, 0x100CC, 0xE00,  0xE04};

bool is64(uint64_t off)
{
    return off == 0x68 || off == 0x80 || off == 0x90 || off == 0xA0 || off == 0xB0 ||
           off == 0xC0 || off == 0xD0;
}

void check_cache(const smmu_cache_stats_t& c, const char* name)
{
    if (c.hits + c.misses != c.lookups) {
        std::fprintf(stderr, "%s: hits %llu + misses %llu != lookups %llu\n", name,
                     static_cast<unsigned long long>(c.hits),
                     static_cast<unsigned long long>(c.misses),
                     static_cast<unsigned long long>(c.lookups));
        fail("cache statistics");
    }
}

struct EvtqState {
    uint64_t base;
    uint32_t prod, cons, gerror, gerrorn, cr0ack;
    // 7.2: the queue is writable when enabled and EVENTQ_ABT_ERR is not active (GERROR and
    // GERRORN differ in an active error, 6.3.19)
    bool writable() const { return (cr0ack & 4) && !((gerror ^ gerrorn) & 4); }
};

EvtqState evtq(smmu_t* s)
{
    EvtqState q{};
    uint64_t v = 0;
    smmu_mmio_read(s, 0xA0, 8, &q.base);
    smmu_mmio_read(s, 0x100A8, 4, &v);
    q.prod = static_cast<uint32_t>(v);
    smmu_mmio_read(s, 0x100AC, 4, &v);
    q.cons = static_cast<uint32_t>(v);
    smmu_mmio_read(s, 0x60, 4, &v);
    q.gerror = static_cast<uint32_t>(v);
    smmu_mmio_read(s, 0x64, 4, &v);
    q.gerrorn = static_cast<uint32_t>(v);
    smmu_mmio_read(s, 0x24, 4, &v);
    q.cr0ack = static_cast<uint32_t>(v);
    return q;
}

// Effective LOG2SIZE: the register value capped by IDR1.EVENTQS (6.3.29)
unsigned evtq_log2(smmu_t* s, const EvtqState& q)
{
    unsigned l = static_cast<unsigned>(q.base & 0x1F);
    unsigned cap = smmu_get_config(s)->eventqs;
    return l > cap ? cap : l;
}

unsigned evtq_used(smmu_t* s, const EvtqState& q)
{
    unsigned l = evtq_log2(s, q);
    uint32_t wm = (2u << l) - 1;
    return ((q.prod & wm) - (q.cons & wm)) & wm;
}

// The queue may look over-full only because software wrote a CONS beyond PROD (a guest error;
// the oracle's drivers do it when they expect a record the architecture does not write).
// What the SMMU must never do is make a valid queue over-full: checked around every step
// that is not a register write or a reset.
void check_evtq_step(smmu_t* s, const EvtqState& before)
{
    EvtqState after = evtq(s);
    unsigned size = 1u << evtq_log2(s, before);
    if (after.base != before.base || evtq_used(s, before) > size)
        return;
    if (evtq_used(s, after) > size) {
        std::fprintf(stderr, "EVENTQ_BASE 0x%llx PROD 0x%x -> 0x%x CONS 0x%x (IDR1.EVENTQS %u)\n",
                     static_cast<unsigned long long>(after.base), before.prod, after.prod,
                     after.cons, smmu_get_config(s)->eventqs);
        fail("the SMMU filled the event queue beyond its size");
    }
}

void check_invariants(smmu_t* s, Digest& d)
{
    smmu_stats_t st;
    smmu_stats_get(s, &st);
    check_cache(st.iotlb, "iotlb");
    check_cache(st.utlb, "utlb");
    check_cache(st.ste_cache, "ste_cache");
    check_cache(st.cd_cache, "cd_cache");
    check_cache(st.walk_s1, "walk_s1");
    check_cache(st.walk_s2, "walk_s2");
    EvtqState q = evtq(s);
    d.add(q.prod);
    d.add(q.cons);
    d.add(q.gerror);
}

smmu_config_t config_for(uint8_t family)
{
    smmu_config_t cfg = smmu_config_default();
    switch (family % 8) {
    case 1: smmu_config_preset("qemu-virt", &cfg); break;
    case 2: smmu_config_preset("mmu-700", &cfg); break;
    case 3:  // tiny caches, random replacement: evictions all the time
        cfg.iotlb = {4, 4, SMMU_POLICY_RANDOM};
        cfg.utlb = {2, 2, SMMU_POLICY_LFU};
        cfg.walk_s1 = {4, 2, SMMU_POLICY_PLRU};
        cfg.walk_s2 = {2, 2, SMMU_POLICY_FIFO};
        cfg.ste_cache = {2, 1, SMMU_POLICY_RANDOM};
        cfg.cd_cache = {2, 2, SMMU_POLICY_LRU};
        cfg.num_ports = 2;
        cfg.stall_model = 0;
        cfg.seed = 42;
        break;
    case 4: smmu_config_preset("qemu-virt-s1only", &cfg); break;
    case 5: smmu_config_preset("mmu-600", &cfg); break;
    case 6:  // everything on: ATS, PRI, HTTU, stalls, two-level tables, 52-bit
        cfg.ats = cfg.pri = true;
        cfg.httu = 2;
        cfg.stall_model = 0;
        cfg.stall_max = 4;
        cfg.arch_minor = 2;
        cfg.oas_bits = 52;
        cfg.ds = true;
        cfg.vax = 1;
        cfg.hyp = true;
        cfg.msi = true;
        cfg.num_ports = 4;
        break;
    case 7:  // no caches at all
        cfg.iotlb.entries = cfg.utlb.entries = cfg.ste_cache.entries = 0;
        cfg.cd_cache.entries = cfg.walk_s1.entries = cfg.walk_s2.entries = 0;
        break;
    default: break;
    }
    return cfg;
}

// Runs the whole program on a fresh instance; returns the digest of everything observed.
uint64_t run(const uint8_t* data, size_t size)
{
    Input in{data, size};
    Digest d;
    Host host;
    host.digest = &d;
    uint8_t head = in.u8();
    smmu_config_t cfg = config_for(head & 7);
    if (smmu_config_check(&cfg, nullptr) != SMMU_OK)
        fail("a preset configuration was rejected");
    host.offer_ptr = head & 0x08;
    smmu_host_ops_t ops{};
    ops.version = SMMU_HOST_OPS_VERSION;
    ops.ctx = &host;
    ops.mem_read = Host::rd;
    ops.mem_write = Host::wr;
    ops.mem_cas64 = (head & 0x10) ? Host::cas : nullptr;
    ops.mem_ptr = Host::ptr;
    ops.irq = Host::irq;
    ops.log = Host::log;
    ops.atc_inv = Host::atc;
    ops.pri_resp = Host::pri_resp;
    ops.stall_done = Host::stall_done;
    ops.invalidated = Host::invalidated;
    smmu_t* s = nullptr;
    if (smmu_create(&cfg, &ops, &s) != SMMU_OK)
        fail("smmu_create failed for a valid configuration");
    smmu_set_trace(s, head & 0x20);
    const unsigned oas = cfg.oas_bits;
    unsigned steps = 0;
    while (!in.empty() && steps++ < kMaxSteps) {
        const unsigned op = in.u8() % 13;
        const EvtqState before = evtq(s);
        switch (op) {
        case 0: {  // guest writes 8 bytes in the first 16 MiB (dense, for random programs)
            uint64_t pa = in.u(3) & ~uint64_t{7};
            uint64_t v = in.u(8);
            host.write(pa, &v, 8);
            break;
        }
        case 1: {  // register write from the driver's list
            uint32_t off = kRegs[in.u8() % (sizeof kRegs / sizeof kRegs[0])];
            bool wide = is64(off) && (in.u8() & 1);
            uint64_t v = in.u(wide ? 8 : 4);
            d.add(smmu_mmio_write(s, off, wide ? 8 : 4, v));
            break;
        }
        case 2: {  // register read anywhere, including bad sizes and offsets
            uint64_t off = in.u(3);
            unsigned sz = 1u << (in.u8() % 4);
            uint64_t v = 0;
            d.add(smmu_mmio_read(s, off, sz, &v));
            d.add(v);
            break;
        }
        case 3: {  // a translation (the oracle's dma steps)
            smmu_txn_t t{};
            t.stream_id = static_cast<uint32_t>(in.u(2));
            uint8_t f = in.u8();
            t.ssv = f & 1;
            t.write = f & 2;
            t.instr = f & 4;
            t.priv = f & 8;
            t.atype = static_cast<smmu_atype_t>((f >> 4) % 3);
            t.flags = (f & 0x40) ? SMMU_TXN_DEBUG : ((f & 0x80) ? SMMU_TXN_NO_STALL : 0);
            t.substream_id = static_cast<uint32_t>(in.u(3) & 0xFFFFF);
            t.iova = in.u(8);
            t.size = in.u8();
            t.port = static_cast<uint16_t>(t.size >> 6);  // may exceed num_ports on purpose
            const bool debug = t.flags & SMMU_TXN_DEBUG;
            EvtqState q0 = evtq(s);
            smmu_stats_t s0;
            smmu_stats_get(s, &s0);
            smmu_xlate_t x;
            uint64_t accesses0 = host.accesses, effects0 = host.effects;
            smmu_translate_stallable(s, &t, steps, &x);
            smmu_stats_t s1;
            smmu_stats_get(s, &s1);
            // bounded walk: STE/L1STD + CD/L1CD (each through <= 5 stage-2 reads) + 5 stage-1
            // levels each through <= 5 stage-2 reads + the final stage 2, HTTU, one event
            if (x.work.s1_reads > 5 || x.work.s2_reads > 5 * 8 || x.work.cfg_reads > 4)
                fail("walk not bounded");
            if (host.accesses - accesses0 > 128)
                fail("too many memory accesses for one translation");
            if (x.status == SMMU_XLATE_BYPASS && x.pa != t.iova)
                fail("bypass changed the address");
            if (x.status == SMMU_XLATE_OK && t.atype != SMMU_ATYPE_ATS_REQUEST && oas < 64 &&
                (x.pa >> oas) != 0)
                fail("output address beyond the OAS");
            if (s1.translations - s0.translations != (debug ? 0u : 1u))
                fail("translations not counted once");
            // SMMU_TXN_DEBUG: "nothing at all changes" (smmuv3.h): no statistic, no write,
            // no interrupt, no register change
            if (debug && (std::memcmp(&s0, &s1, sizeof s0) != 0 || host.effects != effects0))
                fail("a debug translation had a side effect");
            if (debug) {
                EvtqState q1 = evtq(s);
                if (q1.prod != q0.prod || q1.gerror != q0.gerror)
                    fail("a debug translation changed a register");
            }
            // every record is written or counted as dropped, never both, at most one
            uint64_t written = s1.events - s0.events, dropped = s1.events_dropped - s0.events_dropped;
            if (written + dropped > 1)
                fail("one translation produced several records");
            if (x.recorded && x.status != SMMU_XLATE_STALL && written != 1)
                fail("recorded but not written");
            if (written == 1) {
                // the record at the old PROD is the one reported (7.3), byte for byte
                // 6.3.29: the base is aligned to the queue size (at least 32 bytes)
                unsigned l = evtq_log2(s, q0);
                uint64_t a = (q0.base & 0x000FFFFFFFFFFFE0ull & ~((uint64_t{32} << l) - 1)) +
                             32 * uint64_t{q0.prod & ((1u << l) - 1)};
                uint8_t rec[32];
                host.read(a, rec, 32);
                if (x.event.type) {
                    uint8_t want[32];
                    for (int i = 0; i < 32; i++)
                        want[i] = static_cast<uint8_t>(x.event.raw[i / 8] >> (8 * (i % 8)));
                    if (x.recorded && std::memcmp(rec, want, 32) != 0) {
                        std::fprintf(stderr, "queue 0x%llx slot %u, status %d:\n",
                                     static_cast<unsigned long long>(a),
                                     q0.prod & ((1u << l) - 1), x.status);
                        for (int i = 0; i < 32; i++)
                            std::fprintf(stderr, "%02x%s", rec[i], i == 31 ? "  (queue)\n" : "");
                        for (int i = 0; i < 32; i++)
                            std::fprintf(stderr, "%02x%s", want[i], i == 31 ? "  (reported)\n" : "");
                        fail("the record in the queue is not the one reported");
                    }
                }
            }
            // full: exactly size entries (more means software wrote a CONS beyond PROD)
            if (dropped == 1 && q0.writable() && evtq_used(s, q0) == (1u << evtq_log2(s, q0))) {
                EvtqState q1 = evtq(s);
                if (((q1.prod ^ q1.cons) & 0x80000000u) == 0) {
                    std::fprintf(stderr,
                                 "EVENTQ_BASE 0x%llx PROD 0x%x CONS 0x%x GERROR 0x%x GERRORN 0x%x"
                                 " -> PROD 0x%x CONS 0x%x GERROR 0x%x\n",
                                 static_cast<unsigned long long>(q0.base), q0.prod, q0.cons,
                                 q0.gerror, q0.gerrorn, q1.prod, q1.cons, q1.gerror);
                    fail("a record was dropped on a full queue without an overflow (7.4)");
                }
            }
            d.add(x.status);
            d.add(x.pa);
            d.add(x.page_mask);
            d.add(x.perm);
            d.add(x.hit);
            d.add(x.recorded);
            d.add(x.event.type);
            if (x.event.type)  // the event is valid only then (smmuv3_types.h)
                for (uint64_t w : x.event.raw)
                    d.add(w);
            break;
        }
        case 4: {  // command consumption, automatic or manual
            smmu_set_cmdq_manual(s, in.u8() & 1);
            d.add(smmu_cmdq_process(s, in.u8() % 8));
            d.add(smmu_cmdq_pending(s));
            break;
        }
        case 5: {  // PRI request
            smmu_pri_req_t r{};
            r.stream_id = static_cast<uint32_t>(in.u(2));
            r.addr = in.u(8);
            uint8_t f = in.u8();
            r.ssv = f & 1;
            r.read = f & 2;
            r.write = f & 4;
            r.last = f & 8;
            r.prg_index = static_cast<uint16_t>(in.u(2) & 0x1FF);
            smmu_pri_request(s, &r);
            break;
        }
        case 6: {  // guest writes a block anywhere in RAM (the oracle's mem_write steps)
            uint64_t pa = in.u(4) & (kRamEnd - 1);
            size_t len = size_t{in.u8()} + 1;
            uint8_t buf[256];
            for (size_t i = 0; i < len; i++)
                buf[i] = in.u8();
            if (Host::in_ram(pa, len))
                host.write(pa, buf, len);
            break;
        }
        case 7: {  // register write at any offset (the oracle's reg_write steps)
            uint64_t off = in.u(3);
            unsigned sz = (in.u8() & 1) ? 8 : 4;
            uint64_t v = in.u(sz);
            d.add(smmu_mmio_write(s, off, sz, v));
            break;
        }
        case 8: {  // the host revokes direct pointers
            uint64_t lo = in.u(4), hi = lo + in.u(3);
            smmu_dmi_invalidate(s, lo, hi);
            break;
        }
        case 9: {  // ATC invalidation answers
            host.atc_answer = static_cast<smmu_atc_result_t>(in.u8() % 3);
            if (in.u8() & 1)
                smmu_atc_inv_complete(s);
            break;
        }
        case 10: {  // statistics of a stream, warm reset (rare)
            uint8_t f = in.u8();
            if (f == 0xA5)
                smmu_reset(s);
            else
                smmu_stats_track_stream(s, f, true);
            break;
        }
        case 11: {  // time passes for the PMCG
            smmu_advance_cycles(s, in.u(2));
            break;
        }
        default: {  // a PMCG register access (chapter 10): any group, offset and size
            unsigned g = in.u8() % 10;
            uint64_t off = in.u(2) & 0x1FFF;
            unsigned sz = 1u << (in.u8() % 4);
            if (in.u8() & 1) {
                d.add(smmu_pmcg_write(s, g, off, sz, in.u(8)));
            } else {
                uint64_t v = 0;
                d.add(smmu_pmcg_read(s, g, off, sz, &v));
                d.add(v);
            }
            break;
        }
        }
        if (op != 1 && op != 7 && op != 10 && op != 12)  // not a register write or a reset
            check_evtq_step(s, before);
        check_invariants(s, d);
    }
    smmu_stats_t st;
    smmu_stats_get(s, &st);
    d.bytes(&st, sizeof st);
    smmu_destroy(s);
    return d.h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    // Determinism: the same program on two fresh instances observes exactly the same things.
    uint64_t a = run(data, size);
    uint64_t b = run(data, size);
    if (a != b)
        fail("two runs of the same program differ");
    return 0;
}
