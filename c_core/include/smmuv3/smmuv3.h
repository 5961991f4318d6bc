/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file smmuv3.h
 * @brief Public API of the SMMUv3 architecture model's C core.
 *
 * One opaque ::smmu_t per SMMU instance; no global state, so any number of instances can
 * live in one process. The core reaches the outside world only through ::smmu_host_ops_t.
 * It never blocks and has no notion of time: it reports the work it did (::smmu_work_t) and
 * the host (a SystemC wrapper, a trace replayer, a test) turns that into time.
 *
 * Four channels, never mixed:
 *  - API misuse, bad configuration, allocation failure: ::smmu_status_t return values;
 *  - architectural outcomes (faults, events, GERROR, command errors): data, in
 *    ::smmu_xlate_t, in the event queue in guest memory, in the registers;
 *  - diagnostics (guest mistakes, unimplemented features): smmu_host_ops_t::log;
 *  - internal invariants: assert().
 */
#ifndef SMMUV3_SMMUV3_H
#define SMMUV3_SMMUV3_H

#include "smmuv3/smmuv3_types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SMMUV3_VERSION_MAJOR 0
#define SMMUV3_VERSION_MINOR 1

typedef struct smmu smmu_t; /**< one SMMU instance (opaque) */

/* ------------------------------------------------------------------------------------------ */
/* Host interface                                                                              */
/* ------------------------------------------------------------------------------------------ */

/** Outcome of a downstream memory access. An abort becomes F_STE_FETCH, F_CD_FETCH,
 *  F_WALK_EABT, CERROR_ABT, GERROR.EVENTQ_ABT_ERR, GERROR.MSI_*_ABT_ERR, ... as the spec says. */
typedef enum smmu_mem_result {
    SMMU_MEM_OK = 0,
    SMMU_MEM_ABORT,
} smmu_mem_result_t;

/** Which SMMU function makes a downstream access (for attributes, statistics and timing). */
typedef enum smmu_access_kind {
    SMMU_ACCESS_STE = 0,   /**< L1STD / STE fetch */
    SMMU_ACCESS_CD,        /**< L1CD / CD fetch */
    SMMU_ACCESS_PTW_S1,    /**< stage-1 descriptor fetch */
    SMMU_ACCESS_PTW_S2,    /**< stage-2 descriptor fetch */
    SMMU_ACCESS_HTTU,      /**< descriptor update (access flag / dirty state) */
    SMMU_ACCESS_CMDQ,      /**< command fetch */
    SMMU_ACCESS_EVTQ,      /**< event record write */
    SMMU_ACCESS_PRIQ,      /**< PRI record write */
    SMMU_ACCESS_MSI,       /**< MSI write */
} smmu_access_kind_t;

/** Attributes of a downstream access made by the SMMU itself. */
typedef struct smmu_mem_attr {
    smmu_access_kind_t kind;
    uint8_t memattr;  /**< STE.MemAttr-style encoding (CFG2.MemAttr for MSIs) */
    uint8_t sh;       /**< shareability: 0 NSH, 2 OSH, 3 ISH */
} smmu_mem_attr_t;

/** Interrupt lines of the Non-secure programming interface (3.18). All are edge-triggered:
 *  the core calls irq(line, true) then irq(line, false) for each pulse. */
typedef enum smmu_irq {
    SMMU_IRQ_EVENTQ = 0,
    SMMU_IRQ_PRIQ,
    SMMU_IRQ_CMD_SYNC,
    SMMU_IRQ_GERROR,
    SMMU_IRQ_PMCG,     /**< overflow of any PMCG counter (wired output of the PMCGs) */
    SMMU_IRQ_SEV,      /**< CMD_SYNC with CS = SIG_SEV (WFE wake-up event) */
    SMMU_IRQ_COUNT
} smmu_irq_t;

/** Diagnostic categories (QEMU LOG_GUEST_ERROR / LOG_UNIMP style). */
typedef enum smmu_log {
    SMMU_LOG_GUEST_ERROR = 0, /**< guest software did something the spec calls an error */
    SMMU_LOG_UNIMP,           /**< feature not modelled */
    SMMU_LOG_TRACE,           /**< verbose trace (only when enabled with smmu_set_trace) */
} smmu_log_t;

/** A CMD_ATC_INV as delivered to the host (4.5.1). */
typedef struct smmu_atc_inv {
    uint32_t stream_id;
    uint32_t substream_id;
    bool ssv;
    bool global;
    uint64_t addr;     /**< start, aligned to the span */
    uint64_t size;     /**< span in bytes; UINT64_MAX when Size == 52 (everything) */
} smmu_atc_inv_t;

/** Host answer to an ATC invalidation. */
typedef enum smmu_atc_result {
    SMMU_ATC_DONE = 0,   /**< completed at once */
    SMMU_ATC_PENDING,    /**< the host calls smmu_atc_inv_complete() later; CMD_SYNC waits */
    SMMU_ATC_TIMEOUT,    /**< the endpoint never answers: the next CMD_SYNC gets CERROR_ATC_INV_SYNC */
} smmu_atc_result_t;

/** A PRI page-request-group response (CMD_PRI_RESP, or automatic on PRIQ overflow, 8.1). */
typedef struct smmu_pri_resp {
    uint32_t stream_id;
    uint32_t substream_id;
    bool ssv;           /**< the response carries a PASID */
    uint16_t prg_index;
    uint8_t code;       /**< PCIe response code: 0 Success, 1 Invalid Request, 0xF Failure */
} smmu_pri_resp_t;

/** Scope of an invalidation, reported to the host so it can revoke DMI grants. */
typedef struct smmu_inval {
    enum {
        SMMU_INVAL_ALL = 0,    /**< anything may have changed */
        SMMU_INVAL_STREAM,     /**< translations of stream_id changed */
        SMMU_INVAL_RANGE,      /**< input addresses [addr, addr+size) of any stream changed */
    } scope;
    uint32_t stream_id;
    uint64_t addr, size;
} smmu_inval_t;

#define SMMU_HOST_OPS_VERSION 1u

/**
 * Callbacks through which the core reaches the outside world. Only mem_read and mem_write
 * are mandatory; every other member may be NULL.
 */
typedef struct smmu_host_ops {
    uint32_t version; /**< SMMU_HOST_OPS_VERSION */
    void *ctx;        /**< passed to every callback */

    /** Read len bytes of downstream memory at physical address pa. */
    smmu_mem_result_t (*mem_read)(void *ctx, uint64_t pa, void *buf, size_t len,
                                  const smmu_mem_attr_t *attr);
    /** Write len bytes of downstream memory (queue records, MSIs, HTTU fallback). */
    smmu_mem_result_t (*mem_write)(void *ctx, uint64_t pa, const void *buf, size_t len,
                                   const smmu_mem_attr_t *attr);
    /** Optional: atomic 64-bit compare-and-swap for HTTU (3.13). Returns the value observed
     *  in *old; the swap happened iff *old == expected. NULL: read + write are used. */
    smmu_mem_result_t (*mem_cas64)(void *ctx, uint64_t pa, uint64_t expected, uint64_t desired,
                                   uint64_t *old, const smmu_mem_attr_t *attr);
    /** Optional direct pointer (the TLM DMI idea): return a host pointer to the byte at pa and
     *  set [*lo, *hi] to the inclusive physical range that pointer covers, or return NULL.
     *  Used for table walks and structure fetches; granted ranges are kept until
     *  smmu_dmi_invalidate() is called for them. */
    uint8_t *(*mem_ptr)(void *ctx, uint64_t pa, uint64_t *lo, uint64_t *hi);

    /** Optional: pulse of an interrupt line (level true, then false). */
    void (*irq)(void *ctx, smmu_irq_t line, bool level);
    /** Optional diagnostics sink. */
    void (*log)(void *ctx, smmu_log_t cat, const char *msg);
    /** Optional allocator with lua_Alloc semantics: nsize == 0 frees. NULL: libc. */
    void *(*alloc)(void *ctx, void *ptr, size_t osize, size_t nsize);

    /** Optional: CMD_ATC_INV delivered to the endpoint's ATC. NULL: completes at once. */
    smmu_atc_result_t (*atc_inv)(void *ctx, const smmu_atc_inv_t *inv);
    /** Optional: PRG response sent to the endpoint. */
    void (*pri_resp)(void *ctx, const smmu_pri_resp_t *resp);
    /** Optional: a stalled transaction finished. Called when CMD_RESUME retries it (the
     *  retry's result, which may be a new stall under a new STAG, after which another
     *  stall_done follows), when CMD_RESUME / CMD_STALL_TERM / SMMUEN 1->0 terminate it
     *  (SMMU_XLATE_FAULT = abort, SMMU_XLATE_RAZWI), or when the retry of a stall whose record
     *  was waiting for the event queue succeeds or terminates. cookie is the one given to
     *  smmu_translate_stallable() (0 for smmu_translate(), i for smmu_translate_batch()).
     *  smmu_reset() abort-terminates held stalls and reports each here; smmu_destroy() drops
     *  them silently (the host must not wait for them any more). It is
     *  called from inside smmu_mmio_write() / smmu_cmdq_process(); the host may call back into
     *  the core from it. */
    void (*stall_done)(void *ctx, uint64_t cookie, const smmu_xlate_t *result);
    /** Optional: cached translations in this scope were invalidated or changed. */
    void (*invalidated)(void *ctx, const smmu_inval_t *scope);
} smmu_host_ops_t;

/* ------------------------------------------------------------------------------------------ */
/* Lifecycle                                                                                   */
/* ------------------------------------------------------------------------------------------ */

/** Short English text for a status (sqlite3_errstr style). Never NULL. */
const char *smmu_status_str(smmu_status_t s);

/** The documented default configuration (docs/configuration.md). */
smmu_config_t smmu_config_default(void);

/** Fill *out with a named implementation preset from model/presets (e.g. "default",
 *  "qemu-virt", "qemu-virt-s1only", "mmu-600", "mmu-700").
 *  @return SMMU_OK, or SMMU_E_NOTFOUND for an unknown name. */
smmu_status_t smmu_config_preset(const char *name, smmu_config_t *out);

/** Names of all presets, NULL-terminated. */
const char *const *smmu_config_preset_names(void);

/**
 * Check a configuration without creating anything.
 * @param why  if not NULL, receives a static string naming the first problem (or NULL).
 * @return SMMU_OK or SMMU_E_CONFIG.
 */
smmu_status_t smmu_config_check(const smmu_config_t *cfg, const char **why);

/** Bytes an instance with this configuration allocates (0 if the config is invalid). */
size_t smmu_config_footprint(const smmu_config_t *cfg);

/**
 * Create an SMMU. The instance starts in its reset state.
 * @param cfg  configuration (copied); NULL means smmu_config_default().
 * @param ops  host callbacks (copied); mem_read and mem_write are mandatory.
 * @param out  receives the handle.
 * @return SMMU_OK, SMMU_E_INVAL, SMMU_E_CONFIG or SMMU_E_NOMEM.
 */
smmu_status_t smmu_create(const smmu_config_t *cfg, const smmu_host_ops_t *ops, smmu_t **out);

/** Destroy an instance (NULL is ignored). Stalled transactions are dropped silently. */
void smmu_destroy(smmu_t *smmu);

/** Warm reset: registers to their reset values, caches emptied, stalled transactions
 *  abort-terminated (reported through host_ops.stall_done),
 *  statistics kept. */
void smmu_reset(smmu_t *smmu);

/** The configuration the instance was created with. */
const smmu_config_t *smmu_get_config(const smmu_t *smmu);

/* ------------------------------------------------------------------------------------------ */
/* Programming interface                                                                       */
/* ------------------------------------------------------------------------------------------ */

/**
 * Read a register. offset is from the SMMU base (Page 0 at 0, Page 1 at 0x10000).
 * Aligned 4-byte accesses work everywhere; aligned 8-byte accesses on 64-bit registers and
 * (CONSTRAINED UNPREDICTABLE, 6.2) on pairs of 32-bit registers, low word first.
 * @return SMMU_E_INVAL for other sizes or misalignment (*val is then 0; the TLM wrapper
 *         turns this into an error response), SMMU_OK otherwise (unimplemented offsets read 0).
 */
smmu_status_t smmu_mmio_read(smmu_t *smmu, uint64_t offset, unsigned size, uint64_t *val);

/** Write a register; same access rules as smmu_mmio_read(). Side effects (command
 *  consumption, CR0ACK updates, interrupts) happen before the call returns, unless command
 *  processing was made manual with smmu_set_cmdq_manual(). */
smmu_status_t smmu_mmio_write(smmu_t *smmu, uint64_t offset, unsigned size, uint64_t val);

/**
 * Command consumption mode. Automatic (the default): commands are consumed when
 * CMDQ_PROD is written, as QEMU does. Manual: the host calls smmu_cmdq_process() to consume
 * commands one by one so CMDQ_CONS moves over simulated time.
 */
void smmu_set_cmdq_manual(smmu_t *smmu, bool manual);

/**
 * Consume up to max_cmds commands (0 = as many as available).
 * @return the number of commands consumed. A CMD_SYNC waiting for an ATC invalidation
 *         stops consumption until smmu_atc_inv_complete().
 */
unsigned smmu_cmdq_process(smmu_t *smmu, unsigned max_cmds);

/** Number of commands waiting in the command queue (0 when disabled or in error). */
unsigned smmu_cmdq_pending(const smmu_t *smmu);

/** Report completion of an ATC invalidation that atc_inv answered SMMU_ATC_PENDING. */
void smmu_atc_inv_complete(smmu_t *smmu);

/* ------------------------------------------------------------------------------------------ */
/* Translation                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/**
 * Translate one transaction. Never blocks. Faults are data in *out; the event record (if
 * recorded) is also written to the event queue. With SMMU_TXN_DEBUG nothing at all changes.
 *
 * Stalls (3.12.2, docs/stall.md). When a translation-related fault hits a stage configured to
 * stall (CD.S, STE.S2S), out->status is SMMU_XLATE_STALL: the transaction is held by the core
 * under out->stall_tag (the STAG of its event record, which has Stall = 1) and the host must
 * not complete it. It ends when software sends CMD_RESUME or CMD_STALL_TERM, or clears
 * SMMU_CR0.SMMUEN; the host then learns the final outcome through host_ops.stall_done with
 * the cookie given here (0 for smmu_translate(); see smmu_translate_stallable()). A stall
 * whose record could not be written yet (event queue disabled, full, or EVENTQ_ABT_ERR) also
 * ends through stall_done if, when the queue becomes writable, its retry succeeds or
 * terminates. Later transactions are not held back by a stalled one.
 *
 * - A master that cannot wait sets SMMU_TXN_NO_STALL: the fault terminates as CD.A says and is
 *   recorded with Stall = 0 (3.12).
 * - When all IDR5.STALL_MAX stall resources are in use, a stalling fault is recorded with
 *   Stall = 0 and terminated with abort (SMMU_XLATE_FAULT). A host that wants ingress
 *   back-pressure instead checks smmu_stall_count() against the configured stall_max before
 *   presenting a stallable transaction.
 * - A debug translation (SMMU_TXN_DEBUG) never stalls: if the fault would stall it reports
 *   SMMU_XLATE_STALL with stall_tag 0, nothing is held and no stall_done follows.
 */
void smmu_translate(smmu_t *smmu, const smmu_txn_t *txn, smmu_xlate_t *out);

/** Like smmu_translate(), attaching a host cookie that host_ops.stall_done hands back if the
 *  transaction stalls (a request id, a pointer to the host's transaction object, ...). */
void smmu_translate_stallable(smmu_t *smmu, const smmu_txn_t *txn, uint64_t cookie,
                              smmu_xlate_t *out);

/**
 * Translate n transactions in order (DMA engines, trace replay), as smmu_translate_stallable()
 * with cookie i for in[i]. A stalled element is reported in out[i] (SMMU_XLATE_STALL) and does
 * not hold back the elements after it; its final result arrives later through stall_done.
 *
 * Replay policy for hosts that cannot wait (docs/stall.md): either set SMMU_TXN_NO_STALL on the
 * elements (stalling faults terminate and are still recorded), or keep going and resolve the
 * stalls through the command queue (the replayer, acting as the driver, reads the Stall = 1
 * records and issues CMD_RESUME / CMD_STALL_TERM), collecting the final results from
 * stall_done. When several batches may have stalls outstanding at once, use
 * smmu_translate_batch_stallable() so that their cookies differ.
 */
void smmu_translate_batch(smmu_t *smmu, const smmu_txn_t *in, smmu_xlate_t *out, size_t n);

/** smmu_translate_batch() with cookie cookie_base + i for in[i]. */
void smmu_translate_batch_stallable(smmu_t *smmu, const smmu_txn_t *in, smmu_xlate_t *out,
                                    size_t n, uint64_t cookie_base);

/** Number of transactions currently stalled (held by the core), at most the configured
 *  stall_max (IDR5.STALL_MAX). */
unsigned smmu_stall_count(const smmu_t *smmu);

/** Drop any cached direct pointer (mem_ptr) overlapping [lo, hi]; call when the host's
 *  DMI grant for that range is revoked. lo = 0, hi = UINT64_MAX drops all. */
void smmu_dmi_invalidate(smmu_t *smmu, uint64_t lo, uint64_t hi);

/* ------------------------------------------------------------------------------------------ */
/* PRI (chapter 8)                                                                             */
/* ------------------------------------------------------------------------------------------ */

/** A PCIe Page Request (PRI) message from an endpoint. */
typedef struct smmu_pri_req {
    uint32_t stream_id;
    uint32_t substream_id;
    bool ssv;              /**< PASID present */
    bool read, write, exec, priv;
    bool last;             /**< last request of the Page Request Group */
    uint16_t prg_index;    /**< 9-bit Page Request Group index */
    uint64_t addr;         /**< page address (bits [11:0] ignored) */
} smmu_pri_req_t;

/** Deliver a page request to the PRI queue (8.1: on overflow the SMMU may answer the group
 *  itself through host_ops.pri_resp). @return SMMU_E_UNSUPPORTED without IDR0.PRI. */
smmu_status_t smmu_pri_request(smmu_t *smmu, const smmu_pri_req_t *req);

/* ------------------------------------------------------------------------------------------ */
/* Performance monitor counter groups (chapter 10)                                            */
/* ------------------------------------------------------------------------------------------ */

/** Read/write a PMCG register; offset within the group's 4 KB frame (CFGR.RELOC_CTRS = 0:
 *  there is no Page 1, offsets from 0x1000 are refused). @return SMMU_E_INVAL for a bad
 *  group, size, alignment or offset. */
smmu_status_t smmu_pmcg_read(smmu_t *smmu, unsigned group, uint64_t offset, unsigned size,
                             uint64_t *val);
smmu_status_t smmu_pmcg_write(smmu_t *smmu, unsigned group, uint64_t offset, unsigned size,
                              uint64_t val);
/** Tell the core that this many SMMU clock cycles passed (PMCG event 0). */
void smmu_advance_cycles(smmu_t *smmu, uint64_t cycles);

/* ------------------------------------------------------------------------------------------ */
/* Statistics and helpers                                                                      */
/* ------------------------------------------------------------------------------------------ */

/** Copy the statistics. */
void smmu_stats_get(const smmu_t *smmu, smmu_stats_t *out);
/** Zero every statistic (the architectural state is untouched). */
void smmu_stats_reset(smmu_t *smmu);
/** Start (or stop) counting per-StreamID statistics for sid. Up to 1024 streams.
 *  @return SMMU_E_NOMEM when the table is full. */
smmu_status_t smmu_stats_track_stream(smmu_t *smmu, uint32_t sid, bool on);
/** Per-StreamID statistics; SMMU_E_NOTFOUND when sid is not tracked. */
smmu_status_t smmu_stream_stats_get(const smmu_t *smmu, uint32_t sid, smmu_stream_stats_t *out);

/** Decode a raw 32-byte event record (7.3) into its fields. */
void smmu_event_decode(const uint64_t raw[4], smmu_event_t *out);
/** Spec name of an event number ("F_TRANSLATION"), or NULL if reserved. */
const char *smmu_event_name(unsigned type);
/** Spec name of a command opcode ("CMD_TLBI_NH_VA"), or NULL if reserved. */
const char *smmu_cmd_name(unsigned opcode);
/** Spec name of a register at offset ("SMMU_CR0"), or NULL. */
const char *smmu_reg_name(uint64_t offset);

/** Enable SMMU_LOG_TRACE messages (off by default; they cost time). */
void smmu_set_trace(smmu_t *smmu, bool on);

#ifdef __cplusplus
}
#endif
#endif /* SMMUV3_SMMUV3_H */
