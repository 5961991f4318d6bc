/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal state of one SMMU instance and the interfaces between the core's modules.
 * Nothing here is visible to users of the library.
 */
#ifndef SMMUV3_SRC_INTERNAL_H
#define SMMUV3_SRC_INTERNAL_H

#include <assert.h>
#include <string.h>

#include "fields.h"
#include "smmuv3/smmuv3.h"

#if defined(__GNUC__)
#define SMMU_LIKELY(x) __builtin_expect(!!(x), 1)
#define SMMU_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define SMMU_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define SMMU_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define SMMU_ALWAYS_INLINE inline
#define SMMU_LIKELY(x) (x)
#define SMMU_UNLIKELY(x) (x)
#define SMMU_PRINTF(f, a)
#endif

/* ---------------------------------------------------------------------------------------- */
/* Registers and queues                                                                      */
/* ---------------------------------------------------------------------------------------- */

/** One circular queue (3.5): the raw base and index registers. */
typedef struct smmu_queue {
    uint64_t base;   /* *_BASE register as written */
    uint32_t prod;   /* *_PROD register (WR + wrap, OVFLG for output queues) */
    uint32_t cons;   /* *_CONS register (RD + wrap, ERR / OVACKFLG) */
    uint8_t max_log2;   /* IDR1 cap on LOG2SIZE */
    uint8_t entry_log2; /* log2 of the entry size in bytes */
} smmu_queue_t;

typedef struct smmu_regs {
    uint32_t cr0, cr0ack, cr1, cr2;
    uint32_t gbpa, agbpa;
    uint32_t irq_ctrl, irq_ctrlack;
    uint32_t gerror, gerrorn;
    uint64_t gerror_irq_cfg0;
    uint32_t gerror_irq_cfg1, gerror_irq_cfg2;
    uint64_t strtab_base;
    uint32_t strtab_base_cfg;
    smmu_queue_t cmdq, evtq, priq;
    uint64_t eventq_irq_cfg0;
    uint32_t eventq_irq_cfg1, eventq_irq_cfg2;
    uint64_t priq_irq_cfg0;
    uint32_t priq_irq_cfg1, priq_irq_cfg2;
} smmu_regs_t;

/* ---------------------------------------------------------------------------------------- */
/* Decoded configuration structures                                                          */
/* ---------------------------------------------------------------------------------------- */

/** Translation regime / StreamWorld (3.3.5); selects the TLB tags (3.17). */
typedef enum smmu_regime {
    REGIME_NS_EL1 = 0,
    REGIME_NS_EL2 = 1,
    REGIME_NS_EL2_E2H = 2,
} smmu_regime_t;

/** Everything a single-stage VMSAv8-64 walk needs (ptw.c). */
typedef struct ptw_cfg {
    uint64_t ttb;         /* table base, aligned to the initial table size */
    uint8_t gshift;       /* granule: 12, 14 or 16 */
    int8_t start_level;   /* -1 .. 3 */
    uint8_t ia_bits;      /* input address size, 64 - TxSZ */
    uint8_t oa_bits;      /* effective output address size (IPS or S2PS, capped by OAS) */
    uint8_t stage;        /* 1 or 2 */
    bool ds;              /* 52-bit descriptor format for 4K/16K (DS == 1) */
    bool lpa;             /* 64K granule with 52-bit OA: OA[51:48] in bits [15:12] */
    bool pamax52;         /* the implemented PA size is 52 bits (64K level-1 blocks exist) */
    bool ha, hd;          /* hardware access flag / dirty state updates */
    bool affd;            /* access flag faults disabled */
    bool had;             /* hierarchical attributes disabled (stage 1) */
    bool big_endian;      /* descriptor endianness */
    bool one_priv;        /* one-privilege regime (EL2): AP[1] is RES1, XN at bit 54 */
    bool xnx;             /* stage 2: 2-bit XN (IDR3.XNX) */
    bool s2ptw;           /* stage 2: STE.S2PTW (device-memory check for table walks) */
    bool wxn, pan;        /* stage 1: CD.WXN, CD.PAN */
} ptw_cfg_t;

/** Decoded STE (5.2). */
typedef struct smmu_ste {
    uint8_t config;        /* STE.Config */
    bool s1_en, s2_en;     /* Config[0], Config[1] with Config[2] == 1 */
    uint8_t s1fmt, s1cdmax, s1dss;
    uint64_t s1ctxptr;
    bool s1stalld;
    uint8_t eats;
    smmu_regime_t regime;
    uint8_t mtcfg, memattr, alloccfg, shcfg, privcfg, instcfg;
    uint16_t vmid;         /* S2VMID (also tags S1-only NS-EL1 entries when S2P == 1) */
    bool s2s, s2r;         /* stage-2 stall / record */
    bool mev, ppar;
    ptw_cfg_t s2;          /* stage-2 walk (valid when s2_en) */
} smmu_ste_t;

/** Decoded CD (5.4). */
typedef struct smmu_cd {
    ptw_cfg_t tt[2];       /* TTB0 / TTB1 walks */
    bool epd[2];           /* effective EPDx: walks via TTBx disabled */
    bool tbi[2];           /* top-byte ignore per half */
    bool e0pd[2];          /* unprivileged accesses via TTBx fault */
    bool two_ranges;       /* regime has a TTB1 half */
    uint64_t rmask[2];     /* 3.4.1 range check: bits [top:N] of the input address ... */
    uint64_t rwant[2];     /* ... must equal these (all ones for TTB1, zero for TTB0) */
    uint16_t asid;
    bool aset;             /* ASID not shared with PE TLBIs (3.17.1): tags global entries */
    uint64_t mair;
    bool wxn, pan, epan;
    bool a, r, s;          /* fault configuration (5.5) */
} smmu_cd_t;

/* ---------------------------------------------------------------------------------------- */
/* Faults                                                                                    */
/* ---------------------------------------------------------------------------------------- */

/** CLASS field of translation-related events (7.3). */
enum { CLASS_CD = 0, CLASS_TT = 1, CLASS_IN = 2 };

/** A fault found while translating; turned into an event record by translate.c. */
typedef struct smmu_fault {
    uint8_t type;          /* EVT_* */
    bool s2;
    uint8_t class_;
    bool ttrnw;            /* CLASS == TT stage-2 permission fault: 1 read, 0 write */
    uint64_t ipa;
    uint64_t fetch_addr;
    bool always_abort;     /* not subject to A/R/S (stage-1 bypass address size, 3.12) */
    uint16_t reason;
} smmu_fault_t;

/* ---------------------------------------------------------------------------------------- */
/* Caches                                                                                    */
/* ---------------------------------------------------------------------------------------- */

/** Replacement-policy state shared by every set-associative cache (cache_policy.c). */
typedef struct cpol {
    uint32_t sets, ways;
    uint32_t set_mask;
    uint32_t vwords;    /* 64-bit words per set in valid[] and plru[] */
    uint32_t wshift;    /* log2(ways) when ways is a power of two, else WSHIFT_NONE */
    smmu_policy_t policy;
    bool lru_list;      /* LRU kept as a recency list (wide sets), see cache_policy.c */
    uint64_t *meta;     /* per entry: LRU last use, FIFO fill time, LFU use count */
    uint32_t *link;     /* instead of meta with lru_list: the recency list, cpol_links() */
    uint64_t *valid;    /* per set: bitmap of valid ways */
    uint64_t *plru;     /* per set: tree bits, node n at bit n */
    uint64_t clock;
    uint64_t rng;
} cpol_t;

struct smmu_tlb;   /* tlb.c */
struct smmu_cfgc;  /* cfgcache.c */
struct smmu_walkc; /* walkcache.c */
struct smmu_stalls;
struct smmu_pmcg;

/* ---------------------------------------------------------------------------------------- */
/* The instance                                                                              */
/* ---------------------------------------------------------------------------------------- */

struct smmu_stream_track; /* stats.c */
/** Per-port fast path: the port's most recently used micro-TLB entry (so a hit on it changes
 *  no LRU, FIFO, random or PLRU state), valid while epoch matches s->epoch. */
typedef struct smmu_fast {
    uint64_t va;           /* input address of the mapping, aligned to its size */
    uint64_t nmask;        /* ~(mapping size - 1) */
    uint64_t pa;           /* output address of va */
    uint64_t epoch;
    uint32_t sid, ssid_tag;
    uint32_t idx;          /* micro-TLB entry number (replacement state) */
    struct smmu_stream_track *track; /* per-StreamID statistics of sid, or NULL */
    uint64_t perm;         /* byte FAST_CLASS(): 0 when the access is not allowed, else
                              FAST_OK | the SMMU_PERM_* granted (PRIVCFG/INSTCFG applied) */
    uint8_t attr;
} smmu_fast_t;
/* Raw access class of a transaction: write << 2 | instr << 1 | priv (instr is ignored for
 * writes, so classes 6 and 7 behave as 4 and 5). */
#define FAST_CLASS(t) ((unsigned)(t)->write << 2 | (unsigned)(t)->instr << 1 | (unsigned)(t)->priv)
#define FAST_OK 0x80u
#define FAST_PERM(perm, cls) ((unsigned)((perm) >> (8u * (cls))) & 0xFFu)

/** Per-port configuration memo: the decoded STE/CD (in the configuration cache) of the
 *  last stream seen on the port, valid while the configuration cache is unchanged. A memo
 *  hit counts and touches the configuration cache exactly as a lookup would. */
typedef struct smmu_memo {
    uint64_t gen;          /* cfgc_gen() when filled; 0 = invalid */
    uint32_t sid, ssid_tag;
    const smmu_ste_t *ste;
    const smmu_cd_t *cd;   /* NULL when stage 1 is not used */
    uint32_t ste_idx, cd_idx; /* their configuration cache entry numbers */
    cpol_t *ste_pol, *cd_pol; /* and replacement state */
    /* precomputed for the IOTLB hit path */
    uint8_t plan;          /* MEMO_* */
    uint8_t privcfg, instcfg; /* overrides; privcfg 3 also for one-privilege regimes */
    bool two_ranges;
    bool tbi[2], e0pd[2];
    uint8_t s2_ia_bits;    /* MEMO_S2: input address size */
    uint32_t ctx;
    uint16_t asid;
    uint64_t kmix, kmix_global; /* TLB hash of (ctx, asid) and (ctx, global) */
    uint64_t rmask[2], rwant[2];
} smmu_memo_t;
enum { MEMO_OTHER = 0, MEMO_S1, MEMO_S2 };
/* Memos per port, direct-mapped by StreamID (and SubstreamID): a port that carries many
 * streams, like a PCIe root port, keeps one per stream. A simulation aid, not an
 * architected cache: every memo hit is counted as the configuration cache hits it saves. */
#define SMMU_MEMO_SLOTS 64u
static inline uint32_t memo_slot(unsigned port, uint32_t sid, uint32_t ssid_tag)
{
    return (uint32_t)port * SMMU_MEMO_SLOTS + ((sid ^ (ssid_tag * 0x9E3779B1u)) & (SMMU_MEMO_SLOTS - 1u));
}

/** The host cookie bound to the stallable translation in progress (stall.h). */
typedef struct stall_cookie {
    const smmu_txn_t *txn;
    uint64_t cookie;
} stall_cookie_t;

/** Cached direct-pointer regions from host_ops.mem_ptr. */
#define SMMU_DMI_SLOTS 4
typedef struct smmu_dmi {
    uint64_t lo, hi;       /* inclusive; lo > hi when empty */
    uint8_t *ptr;          /* host pointer for address lo */
} smmu_dmi_t;

struct smmu {
    smmu_config_t cfg;
    smmu_host_ops_t ops;

    /* ID registers derived from cfg at create time (smmu.c) */
    uint32_t idr[6];
    uint32_t iidr, aidr;
    uint8_t oas_bits, ias_bits;

    smmu_regs_t r;

    /* command queue state beyond the registers */
    bool cmdq_manual;
    bool cmdq_sync_wait;        /* a CMD_SYNC waits for ATC invalidations */
    unsigned atc_pending;       /* ATC invalidations the host has not completed */
    bool atc_timeout;           /* an ATC invalidation timed out since the last CMD_SYNC */
    bool in_cmdq;               /* re-entrancy guard */
    /* cmdq.c: per opcode, the command bits that are not RES0 (4.1.5), from cmd.def's
     * CMD_USES rows and the configuration; set once by cmdq_init() */
    uint64_t cmd_defined[256][2];

    /* bumped whenever a cached translation may have changed (fast-path memo validity) */
    uint64_t epoch;
    /* bumped on every configuration cache change (configuration memo validity) */
    uint64_t cfg_gen;

    struct smmu_tlb *iotlb;
    struct smmu_tlb **utlb;     /* cfg.num_ports micro-TLBs */
    smmu_fast_t *fast;          /* cfg.num_ports fast-path entries */
    smmu_memo_t *memo;          /* cfg.num_ports * SMMU_MEMO_SLOTS configuration memos */
    struct smmu_cfgc *cfgc;
    struct smmu_walkc *walkc;
    struct smmu_stalls *stalls;
    stall_cookie_t stall_bound;  /* stall.h: cookie of the translation in progress */
    struct smmu_pmcg *pmcg;
    bool pmcg_on;               /* some PMCG counter counts: translations report to pmcg.c */

    smmu_dmi_t dmi[SMMU_DMI_SLOTS];
    unsigned dmi_next;

    uint8_t acls1[16][64];      /* translate.c: stage-1 permissions -> allowed access classes */
    uint8_t acls2[16][16];      /* ... stage-2, per (PRIVCFG, INSTCFG) */

    smmu_stats_t stats;
    uint64_t fast_hits;         /* same-page hits: translations, utlb lookups and hits */
    struct smmu_stream_track *streams;  /* per-StreamID statistics */
    unsigned nstreams;
    struct smmu_stream_track *track_last; /* stats.c: the last track found (or NULL) */
    uint32_t track_last_sid;    /* ... and its StreamID */
    bool track_last_valid;

    bool trace;
    bool warned_secure;         /* SMMU_LOG_UNIMP for Secure transactions logged once */
};

/* ---------------------------------------------------------------------------------------- */
/* Module interfaces                                                                         */
/* ---------------------------------------------------------------------------------------- */

/* smmu.c */
void *smmu_alloc(smmu_t *smmu, size_t size);                 /* zeroed */
void smmu_free(smmu_t *smmu, void *ptr, size_t size);
void smmu_logf(smmu_t *smmu, smmu_log_t cat, const char *fmt, ...) SMMU_PRINTF(3, 4);
static inline bool smmu_enabled(const smmu_t *smmu)
{
    return REG_GET(CR0ACK, SMMUEN, smmu->r.cr0ack) != 0;
}
void smmu_invalidate_notify(smmu_t *smmu, int scope, uint32_t sid, uint64_t addr, uint64_t size);

/* mem.c: downstream accesses, with the direct-pointer fast path */
smmu_mem_result_t mem_read(smmu_t *smmu, uint64_t pa, void *buf, size_t len, smmu_access_kind_t k);
smmu_mem_result_t mem_write(smmu_t *smmu, uint64_t pa, const void *buf, size_t len,
                            smmu_access_kind_t k);
/* The cached direct-pointer region holding [pa, last], or NULL (no call, so a caller's fast
 * path needs no stack frame). */
static SMMU_ALWAYS_INLINE smmu_dmi_t *dmi_cached(smmu_t *s, uint64_t pa, uint64_t last)
{
    for (unsigned i = 0; i < SMMU_DMI_SLOTS; i++) {
        smmu_dmi_t *d = &s->dmi[i];
        if (d->ptr && pa >= d->lo && last <= d->hi && last >= pa)
            return d;
    }
    return NULL;
}
/* Host byte order: records are little-endian; a big-endian host swaps. */
static inline uint64_t mem_from_le64(uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return __builtin_bswap64(v);
#else
    return v;
#endif
}
smmu_mem_result_t mem_read64_slow(smmu_t *smmu, uint64_t pa, uint64_t *val, bool big_endian,
                                  smmu_access_kind_t k);
/* One descriptor (table walks): inline when a cached direct-pointer region holds it. */
static inline smmu_mem_result_t mem_read64(smmu_t *smmu, uint64_t pa, uint64_t *val,
                                           bool big_endian, smmu_access_kind_t k)
{
    const smmu_dmi_t *d = dmi_cached(smmu, pa, pa + 7);
    if (SMMU_LIKELY(d != NULL)) {
        uint64_t v;
        memcpy(&v, d->ptr + (pa - d->lo), 8);
        v = mem_from_le64(v);
        *val = big_endian ? __builtin_bswap64(v) : v;
        return SMMU_MEM_OK;
    }
    return mem_read64_slow(smmu, pa, val, big_endian, k);
}
smmu_mem_result_t mem_read_dwords(smmu_t *smmu, uint64_t pa, uint64_t *dw, unsigned n,
                                  smmu_access_kind_t k);
smmu_mem_result_t mem_write_dwords(smmu_t *smmu, uint64_t pa, const uint64_t *dw, unsigned n,
                                   smmu_access_kind_t k);
smmu_mem_result_t mem_cas64(smmu_t *smmu, uint64_t pa, uint64_t expected, uint64_t desired,
                            uint64_t *old, bool big_endian);
void mem_dmi_drop(smmu_t *smmu, uint64_t lo, uint64_t hi);

/* regs.c */
void regs_reset(smmu_t *smmu);

/* irq.c: interrupts, MSIs and global errors (3.18, 7.5) */
typedef enum smmu_irq_src { IRQSRC_EVENTQ, IRQSRC_PRIQ, IRQSRC_GERROR } smmu_irq_src_t;
void irq_signal(smmu_t *smmu, smmu_irq_src_t src);
void irq_cmd_sync(smmu_t *smmu, uint64_t msi_addr, uint32_t msi_data, uint8_t msiattr, bool msi);
void gerror_raise(smmu_t *smmu, uint32_t bit_mask);
static inline bool gerror_active(const smmu_t *smmu, uint64_t bit_mask)
{
    return ((smmu->r.gerror ^ smmu->r.gerrorn) & bit_mask) != 0;
}
void irq_pulse(smmu_t *smmu, smmu_irq_t line);

/* queue.c helpers (3.5.1) */
unsigned queue_log2(const smmu_queue_t *q);
uint64_t queue_addr(const smmu_queue_t *q, uint32_t index_reg);
bool queue_empty(const smmu_queue_t *q);
bool queue_full(const smmu_queue_t *q);
uint32_t queue_inc(const smmu_queue_t *q, uint32_t index_reg);
unsigned queue_count(const smmu_queue_t *q);

/* cmdq.c */
void cmdq_init(smmu_t *smmu);            /* at create: the RES0 masks of the commands */
void cmdq_kick(smmu_t *smmu);            /* consume if automatic */
unsigned cmdq_consume(smmu_t *smmu, unsigned max);

/* evtq.c */
void evt_encode(const smmu_event_t *ev, uint64_t raw[4]);
/* Write a record. Returns true if written; stall records are never dropped: returns false
 * and the caller keeps the stall pending (7.2.1). */
bool evtq_write(smmu_t *smmu, const smmu_event_t *ev);
bool evtq_writable(const smmu_t *smmu);

/* priq.c */
void priq_reset(smmu_t *smmu);

/* strtab.c (5.1, 5.2, 6.3.24-25) */
bool ste_fetch(smmu_t *smmu, uint32_t sid, uint64_t ste[8], smmu_fault_t *f, smmu_work_t *w);
bool ste_decode(const smmu_t *smmu, const uint64_t ste[8], smmu_ste_t *out);
unsigned smmu_ps_bits(const smmu_t *smmu, unsigned enc);    /* IPS/S2PS/OAS encoding, capped */
unsigned smmu_tsz_max(const smmu_t *smmu, unsigned gshift);

/* ctxdesc.c (5.3, 5.4) */
typedef bool (*cd_ipa_xlate_fn)(void *ctx, uint64_t ipa, uint64_t *pa, smmu_fault_t *f);
bool cd_fetch(smmu_t *smmu, const smmu_ste_t *ste, uint32_t ssid, uint64_t cd[8],
              smmu_fault_t *f, smmu_work_t *w, cd_ipa_xlate_fn xl, void *xctx);
bool cd_decode(const smmu_t *smmu, const smmu_ste_t *ste, const uint64_t cd[8], smmu_cd_t *out);

/* translate.c */
/* One translation without the same-page check, with its per-StreamID and PMCG accounting. */
void xlate_one(smmu_t *smmu, const smmu_txn_t *txn, smmu_xlate_t *out);
void xlate_init_tables(smmu_t *smmu);

/* cache_policy.c */
bool cpol_init(smmu_t *smmu, cpol_t *cp, const smmu_cache_geom_t *g);
void cpol_free(smmu_t *smmu, cpol_t *cp);
size_t cpol_footprint(const smmu_cache_geom_t *g);
void cpol_plru_touch(cpol_t *cp, uint32_t set, uint32_t way);
#define CPOL_NILW 0xFFFFFFFFu
/* LRU recency list (wide sets, see cache_policy.c): per set, link[] holds the head (most
 * recently used way) and the tail, then prev[ways], then next[ways]. */
enum { CPOL_HEAD = 0, CPOL_TAIL = 1, CPOL_PREV = 2 };
static inline uint32_t *cpol_links(const cpol_t *cp, uint32_t set)
{
    return cp->link + (size_t)set * (2u * cp->ways + 2u);
}
/* A hit on a valid way moves it to the front. */
static inline void cpol_lru_list_hit(cpol_t *cp, uint32_t set, uint32_t way)
{
    uint32_t *l = cpol_links(cp, set);
    uint32_t head = l[CPOL_HEAD];
    if (head == way)
        return; /* already the most recently used (a run of hits on one entry) */
    /* unlink + push to the front, specialised: way is not the head, so it has a predecessor
     * and the head stays non-empty */
    uint32_t *prev = l + CPOL_PREV, *next = l + CPOL_PREV + cp->ways;
    uint32_t p = prev[way], n = next[way];
    next[p] = n;
    if (n != CPOL_NILW)
        prev[n] = p;
    else
        l[CPOL_TAIL] = p;
    prev[way] = CPOL_NILW;
    next[way] = head;
    prev[head] = way;
    l[CPOL_HEAD] = way;
}
/* The same for any way (nothing happens to an invalid one); out of line, so that
 * cpol_touch() stays small enough to inline on the stamp-based hit paths. */
void cpol_lru_list_touch(cpol_t *cp, uint32_t set, uint32_t way);
/* Replacement state update on a hit (inline: it is on every hit path). */
static inline void cpol_touch(cpol_t *cp, uint32_t set, uint32_t way)
{
    switch (cp->policy) {
    case SMMU_POLICY_LRU:
        if (SMMU_UNLIKELY(cp->lru_list))
            cpol_lru_list_touch(cp, set, way);
        else
            cp->meta[(size_t)set * cp->ways + way] = ++cp->clock;
        break;
    case SMMU_POLICY_LFU: cp->meta[(size_t)set * cp->ways + way]++; break;
    case SMMU_POLICY_PLRU: cpol_plru_touch(cp, set, way); break;
    case SMMU_POLICY_FIFO:
    case SMMU_POLICY_RANDOM: break;
    }
}
#define WSHIFT_NONE 32u
/* Entry number idx = set * ways + way, split without a division when ways is a power of
 * two (it usually is). */
static inline uint32_t cpol_set_of(const cpol_t *cp, uint32_t idx)
{
    return cp->wshift != WSHIFT_NONE ? idx >> cp->wshift : idx / cp->ways;
}
static inline uint32_t cpol_way_of(const cpol_t *cp, uint32_t idx)
{
    return cp->wshift != WSHIFT_NONE ? idx & (cp->ways - 1u) : idx % cp->ways;
}
/* Same, by entry number (set * ways + way). */
static SMMU_ALWAYS_INLINE void cpol_touch_idx(cpol_t *cp, uint32_t idx)
{
    if (cp->policy == SMMU_POLICY_LRU && !cp->lru_list)
        cp->meta[idx] = ++cp->clock;
    else
        cpol_touch(cp, cpol_set_of(cp, idx), cpol_way_of(cp, idx));
}
uint32_t cpol_victim(cpol_t *cp, uint32_t set);      /* an invalid way first */
void cpol_filled(cpol_t *cp, uint32_t set, uint32_t way); /* also marks the way valid */
void cpol_set_valid(cpol_t *cp, uint32_t set, uint32_t way, bool valid);
void cpol_reset(cpol_t *cp, uint64_t seed);

/* stats */
void stats_stream_note(smmu_t *smmu, uint32_t sid, const smmu_xlate_t *x);

#endif /* SMMUV3_SRC_INTERNAL_H */
