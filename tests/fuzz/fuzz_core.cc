// SPDX-License-Identifier: Apache-2.0
// libFuzzer target 1: a program of register writes, command-queue entries, memory contents
// and translations driven against one SMMU instance. Everything the SMMU reads is written
// by the input (guest software may be buggy or hostile); the model must answer with events,
// GERROR or command errors, never crash, hang, touch host memory it does not own, or lose a
// record silently. Invariants checked after every step (docs/robustness.md):
//   - every walk ends within a bounded number of memory accesses;
//   - the event queue never holds more than its size;
//   - hits + misses == lookups for every cache;
//   - bypass/abort results are consistent (pa == iova for bypass);
//   - the model only reads and writes host memory through the host callbacks (ASan).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "smmuv3/smmuv3.h"

namespace {

constexpr uint64_t kRamBase = 0x0;
constexpr uint64_t kRamSize = 1u << 20; // 1 MiB of guest RAM; everything else aborts

struct Host {
    std::vector<uint8_t> ram = std::vector<uint8_t>(kRamSize, 0);
    uint64_t smmu_accesses = 0;

    bool in_ram(uint64_t pa, size_t len) const
    {
        return len <= kRamSize && pa >= kRamBase && pa - kRamBase <= kRamSize - len;
    }
    static smmu_mem_result_t rd(void* c, uint64_t pa, void* buf, size_t len, const smmu_mem_attr_t*)
    {
        auto* h = static_cast<Host*>(c);
        h->smmu_accesses++;
        if (!h->in_ram(pa, len))
            return SMMU_MEM_ABORT;
        std::memcpy(buf, h->ram.data() + (pa - kRamBase), len);
        return SMMU_MEM_OK;
    }
    static smmu_mem_result_t wr(void* c, uint64_t pa, const void* buf, size_t len,
                                const smmu_mem_attr_t*)
    {
        auto* h = static_cast<Host*>(c);
        h->smmu_accesses++;
        if (!h->in_ram(pa, len))
            return SMMU_MEM_ABORT;
        std::memcpy(h->ram.data() + (pa - kRamBase), buf, len);
        return SMMU_MEM_OK;
    }
    static uint8_t* ptr(void* c, uint64_t pa, uint64_t* lo, uint64_t* hi)
    {
        auto* h = static_cast<Host*>(c);
        if (!h->in_ram(pa, 1) || (pa & 0x10000)) // only some pages offered, to test both paths
            return nullptr;
        *lo = pa & ~0xFFFFull;
        *hi = *lo + 0xFFFF;
        return h->ram.data() + (pa - kRamBase);
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

// Register offsets a driver writes (Arm IHI 0070 6.2), chosen by the input.
const uint32_t kRegs[] = {0x20, 0x28, 0x2C, 0x44, 0x50, 0x64, 0x68, 0x70, 0x74, 0x80, 0x88,
                          0x90, 0x98, 0x9C, 0xA0, 0xB0, 0xB8, 0xBC, 0xC0, 0xD0, 0xD8, 0xDC,
                          0x100A8, 0x100AC, 0x100C8, 0x100CC};

void fail(const char* what)
{
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
}

void check_cache(const smmu_cache_stats_t& c, const char* name)
{
    if (c.hits + c.misses != c.lookups) {
        std::fprintf(stderr, "%s: hits %llu + misses %llu != lookups %llu\n", name,
                     (unsigned long long)c.hits, (unsigned long long)c.misses,
                     (unsigned long long)c.lookups);
        fail("cache statistics");
    }
}

void check_invariants(smmu_t* s)
{
    smmu_stats_t st;
    smmu_stats_get(s, &st);
    check_cache(st.iotlb, "iotlb");
    check_cache(st.utlb, "utlb");
    check_cache(st.ste_cache, "ste_cache");
    check_cache(st.cd_cache, "cd_cache");
    check_cache(st.walk_s1, "walk_s1");
    check_cache(st.walk_s2, "walk_s2");
    // the event queue never holds more than its size (3.5.1 index arithmetic)
    uint64_t base = 0, prod = 0, cons = 0;
    smmu_mmio_read(s, 0xA0, 8, &base);
    smmu_mmio_read(s, 0x100A8, 4, &prod);
    smmu_mmio_read(s, 0x100AC, 4, &cons);
    unsigned l = static_cast<unsigned>(base & 0x1F);
    const smmu_config_t* cfg = smmu_get_config(s);
    if (l > cfg->eventqs)
        l = cfg->eventqs;
    uint32_t wm = (2u << l) - 1;
    uint32_t count = (static_cast<uint32_t>(prod) - static_cast<uint32_t>(cons)) & wm;
    if (count > (1u << l))
        fail("event queue holds more than its size");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    Input in{data, size};
    Host host;
    smmu_config_t cfg = smmu_config_default();
    // the first byte picks a configuration family so presets and cache shapes are covered
    switch (in.u8() % 4) {
    case 1: smmu_config_preset("qemu-virt", &cfg); break;
    case 2: smmu_config_preset("mmu-700", &cfg); break;
    case 3:
        cfg.iotlb = {4, 4, SMMU_POLICY_RANDOM};
        cfg.utlb = {2, 2, SMMU_POLICY_LFU};
        cfg.walk_s1 = {4, 2, SMMU_POLICY_PLRU};
        cfg.stall_model = 0;
        break;
    default: break;
    }
    smmu_host_ops_t ops{};
    ops.version = SMMU_HOST_OPS_VERSION;
    ops.ctx = &host;
    ops.mem_read = Host::rd;
    ops.mem_write = Host::wr;
    ops.mem_ptr = Host::ptr;
    smmu_t* s = nullptr;
    if (smmu_create(&cfg, &ops, &s) != SMMU_OK)
        return 0;
    unsigned steps = 0;
    while (!in.empty() && steps++ < 4096) {
        switch (in.u8() % 6) {
        case 0: { // guest memory write (tables, descriptors, commands)
            uint64_t pa = in.u(3) % kRamSize & ~7ull;
            uint64_t v = in.u(8);
            std::memcpy(host.ram.data() + pa, &v, 8);
            break;
        }
        case 1: { // register write
            uint32_t off = kRegs[in.u8() % (sizeof kRegs / sizeof kRegs[0])];
            bool wide = (off == 0x68 || off == 0x80 || off == 0x90 || off == 0xA0 ||
                         off == 0xB0 || off == 0xC0 || off == 0xD0) && (in.u8() & 1);
            uint64_t v = in.u(wide ? 8 : 4);
            smmu_mmio_write(s, off, wide ? 8 : 4, v);
            break;
        }
        case 2: { // register read anywhere (including bad sizes and offsets)
            uint64_t off = in.u(3);
            unsigned sz = 1u << (in.u8() % 4);
            uint64_t v;
            smmu_mmio_read(s, off, sz, &v);
            break;
        }
        case 3: { // a translation
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
            t.size = 4;
            smmu_xlate_t x;
            uint64_t before = host.smmu_accesses;
            smmu_translate(s, &t, &x);
            // bounded walk: STE/L1STD + CD/L1CD (each through <= 5 stage-2 reads) + 5 stage-1
            // levels each through <= 5 stage-2 reads + the final stage 2, HTTU, one event
            if (x.work.s1_reads > 5 || x.work.s2_reads > 5 * 8 || x.work.cfg_reads > 4)
                fail("walk not bounded");
            if (host.smmu_accesses - before > 128)
                fail("too many memory accesses for one translation");
            if (x.status == SMMU_XLATE_BYPASS && x.pa != t.iova)
                fail("bypass changed the address");
            break;
        }
        case 4: { // let the command queue run in manual mode sometimes
            smmu_set_cmdq_manual(s, in.u8() & 1);
            smmu_cmdq_process(s, in.u8() % 8);
            break;
        }
        case 5: { // PRI request and stall-related paths
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
        }
        check_invariants(s);
    }
    smmu_destroy(s);
    return 0;
}
