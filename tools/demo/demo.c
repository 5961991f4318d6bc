/* SPDX-License-Identifier: Apache-2.0 */
/*
 * smmu-demo: program the SMMUv3 model the way a driver does, and print what happened.
 *
 *   1. create an SMMU (default configuration) on 64 MiB of RAM at PA 0x80000000;
 *   2. read and decode SMMU_IDR0/1/5;
 *   3. linear stream table, command queue, event queue; enable the queues;
 *   4. CMD_CFGI_ALL + CMD_TLBI_NSNH_ALL + CMD_SYNC;
 *   5. a stage-1 4KB page table and a CD for StreamID 3, its STE, CMD_CFGI_STE + CMD_SYNC;
 *   6. SMMUEN = 1; translate a few DMA addresses (TLB miss, TLB hit, faults);
 *   7. read the event queue, decode the records; print statistics.
 *
 * Like a real driver, this file encodes the STE, CD and descriptors itself, with the bit
 * positions written out from the specification (Arm IHI 0070 G.b for the SMMU, Arm DDI 0487
 * for VMSAv8-64 descriptors). It deliberately does not use model/defs: it is an independent
 * check of the model's tables. The exit status is 0 only if every outcome is the one the
 * architecture requires, so the demo doubles as a smoke test (ctest label "demo").
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smmuv3/smmuv3.h"

/* ---------------------------------------------------------------------------------------- */
/* The host: RAM, interrupts, diagnostics                                                    */
/* ---------------------------------------------------------------------------------------- */

#define RAM_BASE UINT64_C(0x80000000)
#define RAM_SIZE (UINT64_C(64) << 20)

typedef struct host {
    uint8_t *ram;
    unsigned irqs[SMMU_IRQ_COUNT];
} host_t;

static smmu_mem_result_t mem_read(void *ctx, uint64_t pa, void *buf, size_t len,
                                  const smmu_mem_attr_t *attr)
{
    host_t *h = ctx;
    (void)attr;
    if (pa < RAM_BASE || len > RAM_SIZE || pa - RAM_BASE > RAM_SIZE - len)
        return SMMU_MEM_ABORT; /* nothing else is mapped: an external abort */
    memcpy(buf, h->ram + (pa - RAM_BASE), len);
    return SMMU_MEM_OK;
}

static smmu_mem_result_t mem_write(void *ctx, uint64_t pa, const void *buf, size_t len,
                                   const smmu_mem_attr_t *attr)
{
    host_t *h = ctx;
    (void)attr;
    if (pa < RAM_BASE || len > RAM_SIZE || pa - RAM_BASE > RAM_SIZE - len)
        return SMMU_MEM_ABORT;
    memcpy(h->ram + (pa - RAM_BASE), buf, len);
    return SMMU_MEM_OK;
}

static void irq(void *ctx, smmu_irq_t line, bool level)
{
    host_t *h = ctx;
    if (level && line < SMMU_IRQ_COUNT)
        h->irqs[line]++;
}

static void log_msg(void *ctx, smmu_log_t cat, const char *msg)
{
    (void)ctx;
    static const char *const names[] = {"guest error", "unimplemented", "trace"};
    printf("  [model %s] %s\n", (unsigned)cat < 3 ? names[cat] : "log", msg);
}

/* The CPU's view of RAM: little-endian 64-bit stores and loads. */
static void ram_wr64(host_t *h, uint64_t pa, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++)
        h->ram[pa - RAM_BASE + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t ram_rd64(const host_t *h, uint64_t pa)
{
    uint64_t v = 0;
    for (unsigned i = 8; i-- > 0;)
        v = (v << 8) | h->ram[pa - RAM_BASE + i];
    return v;
}

/* ---------------------------------------------------------------------------------------- */
/* Register access (offsets from IHI 0070 6.2, Table 6-1/6-2)                                 */
/* ---------------------------------------------------------------------------------------- */

enum {
    IDR0 = 0x00, IDR1 = 0x04, IDR5 = 0x14,
    CR0 = 0x20, CR0ACK = 0x24, CR1 = 0x28, CR2 = 0x2C,
    IRQ_CTRL = 0x50, IRQ_CTRLACK = 0x54, GERROR = 0x60,
    STRTAB_BASE = 0x80, STRTAB_BASE_CFG = 0x88,
    CMDQ_BASE = 0x90, CMDQ_PROD = 0x98, CMDQ_CONS = 0x9C,
    EVENTQ_BASE = 0xA0,
    EVENTQ_PROD = 0x100A8, EVENTQ_CONS = 0x100AC, /* Page 1 */
};

/* CR0 (6.3.9) and IRQ_CTRL (6.3.16) bits */
enum { CR0_SMMUEN = 1u << 0, CR0_EVENTQEN = 1u << 2, CR0_CMDQEN = 1u << 3 };
enum { IRQ_GERROR = 1u << 0, IRQ_EVENTQ = 1u << 2 };

static smmu_t *g_smmu;
static int g_failures;
static uint64_t g_s1_reads, g_cfg_reads; /* summed from smmu_xlate_t::work */

static uint64_t rd(uint64_t off)
{
    uint64_t v = 0;
    smmu_mmio_read(g_smmu, off, 4, &v);
    return v;
}

static void wr(uint64_t off, uint64_t v)
{
    smmu_mmio_write(g_smmu, off, 4, v);
}

static void wr64(uint64_t off, uint64_t v)
{
    smmu_mmio_write(g_smmu, off, 8, v);
}

static void expect(bool ok, const char *what)
{
    if (!ok) {
        printf("  UNEXPECTED: %s\n", what);
        g_failures++;
    }
}

/* Write CR0 (or IRQ_CTRL) and poll its ACK register, as 6.3.9 requires. */
static bool update(uint64_t reg, uint64_t ack, uint32_t val)
{
    wr(reg, val);
    for (int i = 0; i < 1000; i++)
        if (rd(ack) == val)
            return true;
    return false;
}

static uint64_t bits(uint64_t v, unsigned msb, unsigned lsb)
{
    return (v >> lsb) & ((UINT64_C(2) << (msb - lsb)) - 1);
}

/* Place a field value at [msb:lsb] of a 64-bit word (no overflow into neighbours). */
static uint64_t fld(unsigned msb, unsigned lsb, uint64_t v)
{
    return (v & ((UINT64_C(2) << (msb - lsb)) - 1)) << lsb;
}

/* ---------------------------------------------------------------------------------------- */
/* Guest memory layout                                                                       */
/* ---------------------------------------------------------------------------------------- */

#define STRTAB_PA  UINT64_C(0x80000000) /* 16 STEs, 1 KB                     */
#define CMDQ_PA    UINT64_C(0x80010000) /* 2^8 commands of 16 bytes          */
#define EVTQ_PA    UINT64_C(0x80020000) /* 2^7 records of 32 bytes           */
#define CD_PA      UINT64_C(0x80030000) /* one context descriptor, 64 bytes  */
#define PT_PA      UINT64_C(0x80040000) /* four 4 KB tables: L0, L1, L2, L3  */
#define BUF_PA     UINT64_C(0x80100000) /* DMA buffers                       */
#define IOVA_BASE  UINT64_C(0x10000000)

enum { STRTAB_LOG2 = 4, CMDQ_LOG2 = 8, EVTQ_LOG2 = 7, SID = 3, ASID = 1 };

/* ---------------------------------------------------------------------------------------- */
/* Command queue (IHI 0070 chapter 4; 3.5.1 for the index arithmetic)                         */
/* ---------------------------------------------------------------------------------------- */

static host_t g_host;
static uint32_t g_cmdq_prod;

static void cmd_post(uint64_t dw0, uint64_t dw1)
{
    uint32_t idx = g_cmdq_prod & ((1u << CMDQ_LOG2) - 1);
    ram_wr64(&g_host, CMDQ_PA + 16u * idx, dw0);
    ram_wr64(&g_host, CMDQ_PA + 16u * idx + 8, dw1);
    g_cmdq_prod = (g_cmdq_prod + 1) & ((2u << CMDQ_LOG2) - 1); /* index + wrap bit */
}

/* 4.3.5 CMD_CFGI_ALL: CMD_CFGI_STE_RANGE (0x04) with Range[68:64] == 31 */
static void cmd_cfgi_all(void) { cmd_post(0x04, fld(4, 0, 31)); }
/* 4.3.1 CMD_CFGI_STE: StreamID[63:32], Leaf[64] */
static void cmd_cfgi_ste(uint32_t sid) { cmd_post(0x03 | fld(63, 32, sid), 1); }
/* 4.4.5 CMD_TLBI_NSNH_ALL */
static void cmd_tlbi_nsnh_all(void) { cmd_post(0x30, 0); }
/* 4.7.3 CMD_SYNC with CS[13:12] = 01 (SIG_IRQ); MSIAddress 0: the wired interrupt */
static void cmd_sync(void) { cmd_post(0x46 | fld(13, 12, 1), 0); }

/* Publish the new PROD (6.3.27) and check that everything was consumed without error. */
static void cmd_kick(const char *what)
{
    wr(CMDQ_PROD, g_cmdq_prod);
    uint64_t cons = rd(CMDQ_CONS);
    printf("commands      : %s -> CONS 0x%" PRIx64 " (PROD 0x%x), CONS.ERR %" PRIu64
           ", GERROR 0x%" PRIx64 "\n",
           what, bits(cons, 19, 0), g_cmdq_prod, bits(cons, 30, 24), rd(GERROR));
    expect(bits(cons, 19, 0) == g_cmdq_prod, "commands not all consumed");
}

/* ---------------------------------------------------------------------------------------- */
/* Structures: STE (5.2), CD (5.4), VMSAv8-64 descriptors (DDI 0487 D8.3)                     */
/* ---------------------------------------------------------------------------------------- */

static void write_ste(uint32_t sid, uint64_t cd_pa)
{
    uint64_t ste[8] = {0};
    ste[0] = fld(0, 0, 1)                /* V                                        */
           | fld(3, 1, 5)                /* Config = 0b101: S1 translate, S2 bypass  */
           | fld(5, 4, 0)                /* S1Fmt: single CD (S1CDMax == 0)          */
           | (cd_pa & 0x00FFFFFFFFFFFFC0u); /* S1ContextPtr[55:6]                    */
    ste[1] = fld(67 - 64, 66 - 64, 1)    /* S1CIR: WB read-allocate                  */
           | fld(69 - 64, 68 - 64, 1)    /* S1COR                                    */
           | fld(71 - 64, 70 - 64, 3)    /* S1CSH: inner shareable                   */
           | fld(109 - 64, 108 - 64, 1); /* SHCFG: use incoming shareability         */
    /* STRW[95:94] = 00 (NS-EL1), EATS = 00, S2VMID = 0: all zero */
    for (unsigned i = 0; i < 8; i++)
        ram_wr64(&g_host, STRTAB_PA + 64u * sid + 8u * i, ste[i]);
}

static void write_cd(uint64_t cd_pa, uint64_t ttb0)
{
    uint64_t cd[8] = {0};
    cd[0] = fld(5, 0, 16)     /* T0SZ = 16: 48-bit input range, walk starts at level 0 */
          | fld(7, 6, 0)      /* TG0 = 4KB                                            */
          | fld(9, 8, 1)      /* IR0: WB                                              */
          | fld(11, 10, 1)    /* OR0: WB                                              */
          | fld(13, 12, 3)    /* SH0: inner shareable                                 */
          | fld(30, 30, 1)    /* EPD1: no TTB1 walks                                  */
          | fld(31, 31, 1)    /* V                                                    */
          | fld(34, 32, 5)    /* IPS = 48 bits                                        */
          | fld(41, 41, 1)    /* AA64                                                 */
          | fld(45, 45, 1)    /* R: record faults (5.5)                               */
          | fld(46, 46, 1)    /* A: abort on fault (5.5)                              */
          | fld(63, 48, ASID);
    cd[1] = ttb0 & 0x00FFFFFFFFFFFFF0u;  /* TTB0[119:68] = address[55:4]             */
    cd[3] = 0x04FF;                      /* MAIR0: Attr0 Normal WB, Attr1 Device-nGnRE */
    for (unsigned i = 0; i < 8; i++)
        ram_wr64(&g_host, cd_pa + 8u * i, cd[i]);
}

/* DDI 0487 D8.3.1 table descriptor: [1:0] = 0b11, next-level table address [47:12] */
static uint64_t pte_table(uint64_t next)
{
    return (next & 0x0000FFFFFFFFF000u) | 3u;
}

/* D8.3.2 stage-1 page descriptor (level 3): [1:0] = 0b11, AttrIndx[4:2], AP[7:6], SH[9:8],
 * AF[10], nG[11], OA[47:12], PXN[53], UXN[54]. AP[1] = 1 lets unprivileged DMA in. */
static uint64_t pte_page(uint64_t pa, bool writable)
{
    return (pa & 0x0000FFFFFFFFF000u) | 3u | fld(4, 2, 0) | fld(7, 6, writable ? 1 : 3) |
           fld(9, 8, 3) | fld(10, 10, 1) | fld(11, 11, 1) | fld(53, 53, 1) | fld(54, 54, 1);
}

/* Map IOVA_BASE + i * 4KB -> BUF_PA + i * 4KB; the last page is read-only. */
static void build_page_table(unsigned pages)
{
    const uint64_t l0 = PT_PA, l1 = PT_PA + 0x1000, l2 = PT_PA + 0x2000, l3 = PT_PA + 0x3000;
    /* 4KB granule, 48-bit VA: level l indexes VA[47 - 9l : 39 - 9l] (D8.2) */
    ram_wr64(&g_host, l0 + 8 * bits(IOVA_BASE, 47, 39), pte_table(l1));
    ram_wr64(&g_host, l1 + 8 * bits(IOVA_BASE, 38, 30), pte_table(l2));
    ram_wr64(&g_host, l2 + 8 * bits(IOVA_BASE, 29, 21), pte_table(l3));
    for (unsigned i = 0; i < pages; i++) {
        uint64_t va = IOVA_BASE + 0x1000u * i;
        ram_wr64(&g_host, l3 + 8 * bits(va, 20, 12), pte_page(BUF_PA + 0x1000u * i, i + 1 < pages));
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Translations                                                                              */
/* ---------------------------------------------------------------------------------------- */

static const char *hit_name(smmu_hit_level_t h)
{
    switch (h) {
    case SMMU_HIT_UTLB: return "micro-TLB hit";
    case SMMU_HIT_IOTLB: return "IOTLB hit";
    case SMMU_HIT_WALK: return "TLB miss, walk";
    default: return "no lookup";
    }
}

/* Translate one DMA access and compare with what the architecture requires:
 * want_evt == 0 means a translation to want_pa, otherwise a fault of that event type. */
static void dma(bool write, uint64_t iova, uint64_t want_pa, unsigned want_evt, const char *note)
{
    smmu_txn_t t;
    memset(&t, 0, sizeof t);
    t.iova = iova;
    t.size = 8;
    t.stream_id = SID;
    t.write = write; /* unprivileged data access (13.1 default attributes) */
    smmu_xlate_t x;
    smmu_translate(g_smmu, &t, &x);
    g_s1_reads += x.work.s1_reads;
    g_cfg_reads += x.work.cfg_reads;
    printf("  %-5s 0x%08" PRIx64 " %-10s -> ", write ? "write" : "read", iova, note);
    if (x.status == SMMU_XLATE_OK) {
        printf("OK pa 0x%" PRIx64 " (%s; STE/CD reads %u, S1 descriptor reads %u)\n", x.pa,
               hit_name(x.hit), x.work.cfg_reads, x.work.s1_reads);
        expect(want_evt == 0 && x.pa == want_pa, "wrong translation");
        return;
    }
    const char *name = smmu_event_name(x.event.type);
    printf("%s %s%s\n", x.status == SMMU_XLATE_FAULT ? "FAULT" : "status", name ? name : "?",
           x.recorded ? " (recorded in the event queue)" : "");
    expect(x.status == SMMU_XLATE_FAULT && x.event.type == want_evt, "wrong fault");
}

/* Consume every record in the event queue (7.3) and print it decoded. */
static unsigned drain_events(void)
{
    uint64_t prod = rd(EVENTQ_PROD), cons = rd(EVENTQ_CONS);
    const uint64_t qmask = (UINT64_C(2) << EVTQ_LOG2) - 1; /* index + wrap bit (3.5.1) */
    printf("event queue   : PROD 0x%" PRIx64 " CONS 0x%" PRIx64 ", EVENTQ interrupts %u\n",
           prod, cons, g_host.irqs[SMMU_IRQ_EVENTQ]);
    unsigned n = 0;
    while ((cons & qmask) != (prod & qmask)) {
        uint64_t pa = EVTQ_PA + 32u * (cons & ((1u << EVTQ_LOG2) - 1));
        uint64_t raw[4];
        for (unsigned i = 0; i < 4; i++)
            raw[i] = ram_rd64(&g_host, pa + 8u * i);
        smmu_event_t ev;
        smmu_event_decode(raw, &ev);
        /* 7.3, checked here independently of the model's tables: type [7:0], StreamID
         * [63:32], RnW [99], CLASS [105:104], InputAddr [191:128] */
        expect(raw[0] == (bits(raw[0], 7, 0) | (uint64_t)SID << 32) &&
                   bits(raw[1], 41, 40) == 2 && bits(raw[1], 35, 35) == ev.rnw &&
                   raw[2] == ev.input_addr && ev.input_addr >= IOVA_BASE,
               "event record layout");
        const char *name = smmu_event_name(ev.type);
        static const char *const cls[4] = {"CD", "TT", "IN", "?"};
        printf("  0x%02x %-14s SID %u input 0x%" PRIx64 " RnW %d PnU %d InD %d S2 %d CLASS %s\n",
               ev.type, name ? name : "?", ev.stream_id, ev.input_addr, ev.rnw, ev.pnu, ev.ind,
               ev.s2, cls[ev.class_ & 3]);
        cons = (cons & ~qmask) | ((cons + 1) & qmask);
        n++;
    }
    wr(EVENTQ_CONS, cons); /* hand the slots back (6.3.96) */
    return n;
}

/* ---------------------------------------------------------------------------------------- */

static void print_ids(void)
{
    uint64_t i0 = rd(IDR0), i1 = rd(IDR1), i5 = rd(IDR5);
    static const char *const httu[4] = {"none", "AF", "AF+dirty", "AF+dirty+table-AF"};
    static const unsigned oas[8] = {32, 36, 40, 42, 44, 48, 52, 56};
    printf("IDR0 0x%08" PRIx64 ": S1P %d S2P %d HYP %d ATS %d PRI %d MSI %d HTTU %s "
           "ASID16 %d VMID16 %d CD2L %d ST_LEVEL %s STALL_MODEL %" PRIu64 "\n",
           i0, (int)bits(i0, 1, 1), (int)bits(i0, 0, 0), (int)bits(i0, 9, 9),
           (int)bits(i0, 10, 10), (int)bits(i0, 16, 16), (int)bits(i0, 13, 13),
           httu[bits(i0, 7, 6)], (int)bits(i0, 12, 12), (int)bits(i0, 18, 18),
           (int)bits(i0, 19, 19), bits(i0, 28, 27) ? "2-level" : "linear", bits(i0, 25, 24));
    printf("IDR1 0x%08" PRIx64 ": SIDSIZE %" PRIu64 " SSIDSIZE %" PRIu64 " CMDQS %" PRIu64
           " EVENTQS %" PRIu64 " PRIQS %" PRIu64 "\n",
           i1, bits(i1, 5, 0), bits(i1, 10, 6), bits(i1, 25, 21), bits(i1, 20, 16),
           bits(i1, 15, 11));
    printf("IDR5 0x%08" PRIx64 ": OAS %u bits, granules%s%s%s, STALL_MAX %" PRIu64 "\n", i5,
           oas[bits(i5, 2, 0)], bits(i5, 4, 4) ? " 4K" : "", bits(i5, 5, 5) ? " 16K" : "",
           bits(i5, 6, 6) ? " 64K" : "", bits(i5, 31, 16));
}

static void print_stats(void)
{
    smmu_stats_t st;
    smmu_stats_get(g_smmu, &st);
    printf("statistics    : %" PRIu64 " translations, %" PRIu64 " faulted, %" PRIu64
           " walks (%" PRIu64 " descriptor reads), %" PRIu64 " STE/CD reads\n",
           st.translations, st.faulted, st.walks, st.walk_reads_s1, st.cfg_reads);
    printf("                micro-TLB %" PRIu64 "/%" PRIu64 " hits, IOTLB %" PRIu64 "/%" PRIu64
           " hits, %" PRIu64 " commands, %" PRIu64 " events, %" PRIu64 " interrupt pulses\n",
           st.utlb.hits, st.utlb.lookups, st.iotlb.hits, st.iotlb.lookups, st.commands, st.events,
           st.irqs);
    /* the global counters must agree with the per-translation work reports */
    expect(st.walk_reads_s1 == g_s1_reads && st.cfg_reads == g_cfg_reads,
           "statistics walk_reads_s1/cfg_reads disagree with smmu_xlate_t::work");
}

int main(void)
{
    g_host.ram = calloc(1, (size_t)RAM_SIZE);
    if (!g_host.ram)
        return 2;
    smmu_host_ops_t ops;
    memset(&ops, 0, sizeof ops);
    ops.version = SMMU_HOST_OPS_VERSION;
    ops.ctx = &g_host;
    ops.mem_read = mem_read;
    ops.mem_write = mem_write;
    ops.irq = irq;
    ops.log = log_msg;
    smmu_config_t cfg = smmu_config_default();
    smmu_status_t st = smmu_create(&cfg, &ops, &g_smmu);
    if (st != SMMU_OK) {
        printf("smmu_create: %s\n", smmu_status_str(st));
        free(g_host.ram);
        return 2;
    }
    printf("smmu-demo: SMMUv3.%u model, default configuration, 64 MiB RAM at 0x%" PRIx64 "\n",
           cfg.arch_minor, RAM_BASE);
    print_ids();

    /* Bring-up (reference 2.8): attributes, CR2, stream table, queues. */
    wr(CR1, 0xD75);      /* 6.3.11: tables and queues WB, inner shareable */
    wr(CR2, 1u << 1);    /* 6.3.12: RECINVSID, record C_BAD_STREAMID */
    wr64(STRTAB_BASE, STRTAB_PA);
    wr(STRTAB_BASE_CFG, STRTAB_LOG2); /* FMT[17:16] = 00 linear, LOG2SIZE[5:0] */
    wr64(CMDQ_BASE, CMDQ_PA | CMDQ_LOG2);
    wr(CMDQ_PROD, 0);
    wr(CMDQ_CONS, 0);
    wr64(EVENTQ_BASE, EVTQ_PA | EVTQ_LOG2);
    wr(EVENTQ_PROD, 0);
    wr(EVENTQ_CONS, 0);
    bool ok = update(CR0, CR0ACK, CR0_CMDQEN | CR0_EVENTQEN) &&
              update(IRQ_CTRL, IRQ_CTRLACK, IRQ_GERROR | IRQ_EVENTQ);
    printf("queues        : stream table %u STEs @0x%" PRIx64 ", CMDQ %u @0x%" PRIx64
           ", EVTQ %u @0x%" PRIx64 ", CR0ACK 0x%" PRIx64 "\n",
           1u << STRTAB_LOG2, STRTAB_PA, 1u << CMDQ_LOG2, CMDQ_PA, 1u << EVTQ_LOG2, EVTQ_PA,
           rd(CR0ACK));
    expect(ok, "CR0ACK / IRQ_CTRLACK did not follow");
    cmd_cfgi_all();
    cmd_tlbi_nsnh_all();
    cmd_sync();
    cmd_kick("CFGI_ALL TLBI_NSNH_ALL SYNC");

    /* StreamID 3: stage 1 only, one CD, four levels of 4KB tables; three pages mapped. */
    build_page_table(3);
    write_cd(CD_PA, PT_PA);
    write_ste(SID, CD_PA);
    printf("stream %u      : STE Config=0b101 (S1 only), CD @0x%" PRIx64 " ASID %u T0SZ 16 "
           "TG0 4K, TTB0 @0x%" PRIx64 "\n", (unsigned)SID, CD_PA, (unsigned)ASID, PT_PA);
    printf("page table    : 0x%" PRIx64 "-0x%" PRIx64 " -> 0x%" PRIx64
           " (2 pages RW, 1 page RO), rest unmapped\n",
           IOVA_BASE, IOVA_BASE + 0x2FFF, BUF_PA);
    cmd_cfgi_ste(SID);
    cmd_sync();
    cmd_kick("CFGI_STE(3) SYNC");
    ok = update(CR0, CR0ACK, CR0_CMDQEN | CR0_EVENTQEN | CR0_SMMUEN);
    printf("SMMU enabled  : CR0ACK 0x%" PRIx64 ", CMD_SYNC interrupts %u\n", rd(CR0ACK),
           g_host.irqs[SMMU_IRQ_CMD_SYNC]);
    expect(ok, "SMMUEN not acknowledged");

    printf("DMA from StreamID %u (unprivileged data accesses):\n", (unsigned)SID);
    dma(false, IOVA_BASE + 0x040, BUF_PA + 0x040, 0, "");
    dma(false, IOVA_BASE + 0x080, BUF_PA + 0x080, 0, "same page");
    dma(true, IOVA_BASE + 0x1008, BUF_PA + 0x1008, 0, "");
    dma(true, IOVA_BASE + 0x2000, 0, 0x13 /* F_PERMISSION */, "read-only");
    dma(false, IOVA_BASE + 0x5000, 0, 0x10 /* F_TRANSLATION */, "unmapped");
    unsigned nev = drain_events();
    expect(nev == 2, "expected two event records");
    print_stats();

    smmu_destroy(g_smmu);
    free(g_host.ram);
    printf("%s\n", g_failures ? "demo: UNEXPECTED RESULTS (see above)" : "demo: all outcomes as the architecture requires");
    return g_failures ? 1 : 0;
}
