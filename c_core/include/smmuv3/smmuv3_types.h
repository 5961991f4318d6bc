/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file smmuv3_types.h
 * @brief Plain data types of the SMMUv3 core API: transactions, results, event records,
 *        configuration, statistics. No functions are declared here.
 *
 * Architectural names follow Arm IHI 0070 (the SMMUv3 specification); section numbers in
 * comments refer to its G.b issue.
 */
#ifndef SMMUV3_SMMUV3_TYPES_H
#define SMMUV3_SMMUV3_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** API outcome. Never an architectural fault: those are data in ::smmu_xlate_t. */
typedef enum smmu_status {
    SMMU_OK = 0,
    SMMU_E_INVAL,       /**< bad argument or misuse of the API */
    SMMU_E_NOMEM,       /**< the allocator returned NULL */
    SMMU_E_CONFIG,      /**< ::smmu_config_t rejected; smmu_config_check() says why */
    SMMU_E_UNSUPPORTED, /**< valid request for something this model does not implement */
    SMMU_E_NOTFOUND,    /**< no such object (e.g. unknown stall tag, unknown preset) */
} smmu_status_t;

/* ------------------------------------------------------------------------------------------ */
/* Transactions                                                                                */
/* ------------------------------------------------------------------------------------------ */

/** Transaction type as presented upstream (3.9, 13.1). */
typedef enum smmu_atype {
    SMMU_ATYPE_UNTRANSLATED = 0, /**< ordinary DMA: translated by the SMMU */
    SMMU_ATYPE_ATS_REQUEST,      /**< PCIe ATS Translation Request (3.9.1): write = !NW,
                                      instr = Exe requested, priv = Priv requested */
    SMMU_ATYPE_TRANSLATED,       /**< PCIe ATS Translated transaction (address is a PA/IPA) */
} smmu_atype_t;

/** Completion status of an ATS Translation Request (3.9.1.2). */
typedef enum smmu_ats_status {
    SMMU_ATS_NONE = 0,   /**< not an ATS Translation Request */
    SMMU_ATS_SUCCESS,    /**< Success: pa, page_mask and perm (R/W/X granted, may be 0) */
    SMMU_ATS_UR,         /**< Unsupported Request (ATS disabled for the stream) */
    SMMU_ATS_CA,         /**< Completer Abort (configuration error) */
} smmu_ats_status_t;

/** Transaction flags. */
enum {
    SMMU_TXN_DEBUG = 1u << 0,       /**< no side effects at all: no events, cache fills,
                                         statistics, HTTU updates or stalls */
    SMMU_TXN_NO_STALL = 1u << 1,    /**< a fault that would stall terminates instead (a
                                         master that cannot wait); the event is recorded */
    SMMU_TXN_SPECULATIVE = 1u << 2, /**< speculative read: faults terminate silently (13.4) */
};

/** One upstream transaction (the inputs of 13.1). */
typedef struct smmu_txn {
    uint64_t iova;         /**< input address (VA, or IPA for stage-2-only streams) */
    uint32_t size;         /**< access size in bytes (0 treated as 1) */
    uint32_t stream_id;    /**< StreamID */
    uint32_t substream_id; /**< SubstreamID, valid when ssv */
    bool ssv;              /**< SubstreamID valid */
    bool write;            /**< RnW == 0 */
    bool instr;            /**< InD == 1 (instruction fetch; ignored for writes, 13.1) */
    bool priv;             /**< PnU == 1 (privileged) */
    bool secure;           /**< Secure stream: this model is Non-secure only; see docs */
    smmu_atype_t atype;    /**< untranslated / ATS request / ATS translated */
    uint16_t port;         /**< upstream port (micro-TLB index), < config.num_ports */
    uint32_t flags;        /**< SMMU_TXN_* */
} smmu_txn_t;

/** Outcome of a translation. For an ATS Translation Request, OK means a Success completion
 *  (see smmu_xlate_t::ats and perm); UR and CA completions are SMMU_XLATE_ABORT. */
typedef enum smmu_xlate_status {
    SMMU_XLATE_OK = 0,   /**< translated: pa is valid */
    SMMU_XLATE_BYPASS,   /**< passed through untranslated (GBPA or STE bypass): pa == iova */
    SMMU_XLATE_ABORT,    /**< terminated with abort, no event recorded */
    SMMU_XLATE_FAULT,    /**< terminated; an event may have been recorded (see event/recorded) */
    SMMU_XLATE_RAZWI,    /**< terminated as RAZ/WI (CD.A == 0 or RESUME with Abort == 0):
                              reads return zero, writes are ignored, no error to the master */
    SMMU_XLATE_STALL,    /**< held: the transaction waits for CMD_RESUME / CMD_STALL_TERM */
} smmu_xlate_status_t;

/** Permission bits granted by a translation (intersected over all stages). */
enum {
    SMMU_PERM_R = 1u << 0,
    SMMU_PERM_W = 1u << 1,
    SMMU_PERM_X = 1u << 2,
};

/** Where a translation was served from (for timing in the host). */
typedef enum smmu_hit_level {
    SMMU_HIT_NONE = 0,  /**< no translation lookup (bypass, abort, config error) */
    SMMU_HIT_UTLB,      /**< micro-TLB hit (or the same-page fast path) */
    SMMU_HIT_IOTLB,     /**< main IOTLB hit */
    SMMU_HIT_WALK,      /**< table walk performed */
} smmu_hit_level_t;

/** Decoded event record (7.3). raw[] holds the exact 32-byte record. */
typedef struct smmu_event {
    uint8_t type;          /**< event number (EVT_ID in evt.def), 0 = none */
    bool ssv;
    uint32_t substream_id;
    uint32_t stream_id;
    bool stall;
    uint16_t stag;
    bool pnu, ind, rnw;
    bool s2;
    uint8_t class_;        /**< 0 CD, 1 TT, 2 IN */
    bool ttrnw;
    uint64_t input_addr;
    uint64_t ipa;          /**< IPA for stage-2 faults (bits [55:12] are recorded) */
    uint64_t fetch_addr;   /**< PA of the structure whose fetch aborted */
    uint16_t reason;
    uint64_t raw[4];       /**< the record as written to the event queue */
} smmu_event_t;

/** Work done by one translation: the core counts, the host turns counts into time. */
typedef struct smmu_work {
    uint16_t cfg_reads;   /**< STE/L1STD/CD/L1CD memory reads */
    uint16_t s1_reads;    /**< stage-1 descriptor reads */
    uint16_t s2_reads;    /**< stage-2 descriptor reads (incl. those for nested S1 walks) */
    uint16_t writes;      /**< HTTU descriptor updates */
    bool cfg_hit;         /**< configuration served from the config cache */
    uint8_t cfg_misses;   /**< STE/CD lookups that missed the configuration cache */
    uint8_t walk_cache_hits; /**< stage walks that started from a cached table descriptor */
} smmu_work_t;

/** Result of smmu_translate(). */
typedef struct smmu_xlate {
    smmu_xlate_status_t status;
    uint64_t pa;            /**< output address (OK / BYPASS) */
    uint64_t page_mask;     /**< size of the mapping the translation came from, minus one */
    uint8_t perm;           /**< SMMU_PERM_* granted to this stream for the whole mapping */
    smmu_hit_level_t hit;   /**< where the translation was found */
    bool recorded;          /**< the event was written to (or is waiting for) the event queue */
    uint16_t stall_tag;     /**< STAG when status == SMMU_XLATE_STALL */
    uint8_t mem_attr;       /**< informative only: the stage-1 MAIR attribute (stage-1 and
                                 nested), the stage-2 MemAttr (stage-2 only); STE overrides and
                                 stage combination are not applied */
    uint8_t ats;            /**< smmu_ats_status_t, for SMMU_ATYPE_ATS_REQUEST */
    smmu_event_t event;     /**< valid when status is FAULT, STALL or RAZWI (event.type != 0) */
    smmu_work_t work;
} smmu_xlate_t;

/* ------------------------------------------------------------------------------------------ */
/* Configuration                                                                               */
/* ------------------------------------------------------------------------------------------ */

/** Replacement policies for the caches. */
typedef enum smmu_policy {
    SMMU_POLICY_LRU = 0,
    SMMU_POLICY_LFU,
    SMMU_POLICY_FIFO,
    SMMU_POLICY_RANDOM,  /**< seeded by smmu_config_t::seed, reproducible */
    SMMU_POLICY_PLRU,    /**< tree pseudo-LRU (ways must be a power of two) */
} smmu_policy_t;

/** Geometry of one cache. entries == 0 turns the cache off. */
typedef struct smmu_cache_geom {
    uint32_t entries;      /**< total entries (0 = off) */
    uint32_t ways;         /**< associativity; 0 or == entries means fully associative */
    smmu_policy_t policy;
} smmu_cache_geom_t;

/**
 * Implementation choices: what the ID registers advertise and how big things are.
 * Obtain defaults with smmu_config_default() or a preset, then edit; smmu_config_check()
 * says what the model cannot do. Nothing is silently changed.
 */
typedef struct smmu_config {
    uint32_t struct_size;  /**< sizeof(smmu_config_t), set by smmu_config_default() */

    /* SMMU_AIDR */
    uint8_t arch_minor;    /**< SMMUv3.x minor revision (0..2 modelled) */

    /* SMMU_IDR0 */
    bool s1p, s2p;         /**< stage 1 / stage 2 supported */
    bool hyp;              /**< EL2 StreamWorlds (needs s1p && s2p) */
    bool ats;              /**< PCIe ATS */
    bool ns1ats;           /**< IDR0.NS1ATS: 1 = split-stage ATS NOT supported */
    bool pri;              /**< PRI queue (needs ats) */
    bool msi;              /**< message-signalled interrupts */
    bool sev;              /**< CMD_SYNC SIG_SEV (reported through the host irq hook) */
    uint8_t httu;          /**< 0 none, 1 access flag, 2 access flag + dirty state */
    bool btm;              /**< broadcast TLB maintenance (advertised only; no broadcast input) */
    bool cohacc;           /**< coherent access */
    bool asid16, vmid16;
    bool vmw;              /**< VMID wildcards (CR0.VMW) */
    bool cd2l;             /**< 2-level CD tables */
    bool st_2level;        /**< IDR0.ST_LEVEL = 01 */
    uint8_t stall_model;   /**< IDR0.STALL_MODEL: 0 stall+terminate, 1 terminate only, 2 stall forced */
    uint8_t term_model;    /**< IDR0.TERM_MODEL */
    uint8_t ttendian;      /**< IDR0.TTENDIAN: 0 mixed, 2 little only, 3 big only */
    bool dormhint;

    /* SMMU_IDR1 */
    uint8_t sidsize;       /**< StreamID bits, 0..32 */
    uint8_t ssidsize;      /**< SubstreamID bits, 0..20 */
    uint8_t cmdqs, eventqs, priqs; /**< log2 of the maximum queue sizes, 0..19 */
    bool attr_types_ovr, attr_perms_ovr;

    /* SMMU_IDR3 */
    bool had, xnx, ril, stt, e0pd, pps;
    uint8_t bbml;

    /* SMMU_IDR5 */
    uint8_t oas_bits;      /**< 32, 36, 40, 42, 44, 48 or 52 */
    bool gran4k, gran16k, gran64k;
    bool ds;               /**< 52-bit with 4K/16K granules */
    uint8_t vax;           /**< 0: 48-bit VA, 1: 52-bit VA (64K granule or DS) */
    uint16_t stall_max;    /**< IDR5.STALL_MAX: stalled transactions held at once */

    /* identification */
    uint32_t iidr;
    uint8_t pidr[8];       /**< PIDR0..PIDR7 low bytes */
    uint32_t gbpa_reset;   /**< SMMU_GBPA reset value (Update must be 0) */

    /* CONSTRAINED UNPREDICTABLE / IMPLEMENTATION DEFINED choices (docs/decisions) */
    bool page0_alias;      /**< Page-0 0xA8/0xAC/0xC8/0xCC alias the Page-1 registers (6.2) */
    bool cmd_res0_check;   /**< commands with nonzero RES0 fields give CERROR_ILL (4.1.5) */
    bool evtq_irq_every_write; /**< EVENTQ interrupt after every record, not only empty->non-empty */

    /* caches; each can be turned off with entries == 0 */
    smmu_cache_geom_t iotlb;     /**< main TLB (combined S1/S2/nested results) */
    smmu_cache_geom_t utlb;      /**< per-port micro-TLB, fully associative */
    smmu_cache_geom_t ste_cache; /**< configuration cache: STEs */
    smmu_cache_geom_t cd_cache;  /**< configuration cache: CDs */
    smmu_cache_geom_t walk_s1;   /**< stage-1 intermediate table entries */
    smmu_cache_geom_t walk_s2;   /**< stage-2 intermediate table entries and S2 results used by
                                      nested stage-1 walks */
    uint16_t num_ports;          /**< upstream ports (micro-TLBs), >= 1 */
    uint64_t seed;               /**< seed of the random replacement policy */

    /* PMCG */
    uint8_t pmcg_count;          /**< performance monitor counter groups (0 = none) */
    uint8_t pmcg_counters;       /**< counters per group, 1..64 */
    uint8_t pmcg_counter_bits;   /**< 32, 36, 40, 44, 48 or 64 */
} smmu_config_t;

/* ------------------------------------------------------------------------------------------ */
/* Statistics                                                                                  */
/* ------------------------------------------------------------------------------------------ */

/** Counters of one cache. hits + misses == lookups always holds. */
typedef struct smmu_cache_stats {
    uint64_t lookups, hits, misses, fills, evictions, invalidations;
} smmu_cache_stats_t;

/** Number of distinct event types counted in smmu_stats_t::events (index = event number). */
#define SMMU_EVENT_TYPES 256

/** Everything the model counts. Read with smmu_stats_get(), zero with smmu_stats_reset(). */
typedef struct smmu_stats {
    uint64_t translations;      /**< smmu_translate calls (debug ones excluded) */
    uint64_t bypassed, aborted, faulted, stalled;
    smmu_cache_stats_t iotlb, utlb, ste_cache, cd_cache, walk_s1, walk_s2;
    uint64_t walks;             /**< table walks started */
    uint64_t walk_reads_s1, walk_reads_s2, cfg_reads, httu_writes;
    uint64_t commands;          /**< commands consumed */
    uint64_t commands_by_op[256];
    uint64_t cmd_errors;
    uint64_t events;            /**< records written to the event queue */
    uint64_t events_dropped;    /**< records discarded (queue full/disabled) */
    uint64_t events_by_type[SMMU_EVENT_TYPES]; /**< faults raised, by event number */
    uint64_t msis, irqs;        /**< MSI writes / wired interrupt pulses */
    uint64_t pri_records, pri_dropped;
    uint64_t ats_requests, ats_translated;
} smmu_stats_t;

/** Per-StreamID counters (enabled with smmu_stats_track_stream()). */
typedef struct smmu_stream_stats {
    uint64_t translations, iotlb_hits, iotlb_misses, utlb_hits, faults;
} smmu_stream_stats_t;

#ifdef __cplusplus
}
#endif
#endif /* SMMUV3_SMMUV3_TYPES_H */
