/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Stalled transactions: the Stall fault model.
 * Arm IHI 0070 G.b 3.12.2 (stall model, STAG, records that cannot be written), 3.12.2.1-3
 * (suppression, early retry, resources), 5.5 (A/R/S), 4.7.1 (CMD_RESUME), 4.7.2
 * (CMD_STALL_TERM), 6.3.6 (IDR5.STALL_MAX), 6.3.9 (SMMUEN 1->0), 7.2.1 (writability).
 *
 * A fixed pool of config.stall_max stall resources is allocated at create time; the fault path
 * never allocates. Each resource holds one transaction (a copy of its smmu_txn_t), the host
 * cookie, and its event record. The resources in use are kept on a list in arrival order so
 * that terminations and waiting records are processed oldest first.
 *
 * STAG (3.12.2: IMPLEMENTATION SPECIFIC, unique per StreamID, not reused before
 * RESUME/STALL_TERM/SMMUEN->0): bits [n-1:0] are the resource index, n = ceil(log2(stall_max)),
 * and the bits above hold the low bits of a counter bumped at each allocation, so a freed STAG
 * does not come back at once. The index makes the STAG unique among all outstanding stalls (not
 * only those of one StreamID); CMD_RESUME checks the whole STAG and the StreamID (4.7.1).
 *
 * Choices the spec leaves open (listed in docs/stall.md):
 *  - Records that cannot be written (7.2.1: queue disabled, full, or EVENTQ_ABT_ERR active).
 *    The transaction stays stalled and its record is kept. When the queue may have become
 *    writable (EVENTQEN 0->1, EVENTQ_CONS written, EVENTQ_ABT_ERR acknowledged) every waiting
 *    transaction is retried as though it had just arrived, oldest first (3.12.2: "retried ...
 *    when the queue is next writable and a new fault record is generated"; 7.2.1 requires this
 *    for transactions affected by an invalidation and permits it for the others, so doing it
 *    for all is compliant). A retry that succeeds or terminates completes the stall (stall_done;
 *    a terminating fault records its own event). A retry that stalls again keeps its resource
 *    and STAG (the old STAG was never visible to software) and writes the new record, with no
 *    stall_done. A stall record whose write aborts (GERROR.EVENTQ_ABT_ERR, 7.2.2 allows it to
 *    be lost) is kept the same way rather than lost.
 *  - CMD_RESUME naming a stall whose record has not been written yet acts on it (4.7.1 makes
 *    this CONSTRAINED UNPREDICTABLE). CMD_STALL_TERM and SMMUEN 1->0 terminate such stalls too;
 *    their records are then never written.
 *  - No free stall resource (3.12.2.3: how many transactions can stall is IMPLEMENTATION
 *    SPECIFIC; hardware would back-pressure its ingress, which a non-blocking model cannot do).
 *    The stalling configuration is treated as terminating, as 3.12 permits an implementation to
 *    do: the event is recorded with Stall == 0 and the transaction is terminated with abort
 *    (SMMU_XLATE_FAULT) whatever CD.A says. IDR5.STALL_MAX (6.3.6) is then honoured: no more
 *    than stall_max stall records are ever outstanding.
 *  - CMD_RESUME with Ac == 0 and Ab == 0 ends a stage-2 stall RAZ/WI too: 4.7.1 says the
 *    Terminate parameter is not limited by the STE configuration. IDR0.TERM_MODEL == 1 forces
 *    abort (4.7.1).
 *  - Duplicate stall records are never suppressed (3.12.2.1 permits, not requires) and stalled
 *    transactions never early-retry (3.12.2.2).
 *
 * Termination and completion are reported through host_ops.stall_done; the host may call back
 * into the core from it. Every list walk therefore marks the resources it will act on first and
 * re-validates its position after each callback.
 */
#include "pmcg.h"
#include "stall.h"

#define NIL UINT32_MAX

/* SLOT_HELD: record written; SLOT_WAITING: record not written yet; SLOT_WRITING: evtq_write()
 * in progress (host callbacks may run meanwhile) */
enum { SLOT_FREE = 0, SLOT_HELD, SLOT_WAITING, SLOT_WRITING };
enum { MARK_TERM = 1u << 0, MARK_RETRY = 1u << 1 };  /* selected by the running walk */

typedef struct stall_slot {
    smmu_txn_t txn;        /* the stalled transaction, replayed on retry */
    smmu_event_t ev;       /* its record (Stall = 1, STAG) */
    uint64_t cookie;       /* host cookie for stall_done */
    uint32_t serial;       /* allocation number: identity of this use of the slot */
    uint32_t prev, next;   /* arrival-order list */
    uint16_t stag;
    uint8_t state;         /* SLOT_* */
    uint8_t marks;         /* MARK_* */
} stall_slot_t;

struct smmu_stalls {
    stall_slot_t *slot;
    uint32_t cap;          /* stall resources (config.stall_max, 0 with STALL_MODEL == 01) */
    uint32_t used;
    uint32_t waiting;      /* SLOT_WAITING resources */
    uint32_t cursor;       /* next free-slot search starts here */
    uint32_t head, tail;
    uint32_t serial;
    unsigned idx_bits;     /* STAG bits that hold the resource index */
    const smmu_txn_t *reuse_txn; /* record retry in progress: its transaction ... */
    uint32_t reuse_idx;          /* ... keeps this resource if it stalls again */
    uint32_t reuse_serial;
    bool retrying;         /* stall_retry_records() is running */
    bool retry_again;      /* ... and was called again from a host callback */
};

static uint32_t capacity(const smmu_config_t *c)
{
    return c->stall_model == 1 ? 0u : c->stall_max;
}

size_t stall_footprint(const smmu_config_t *cfg)
{
    return sizeof(struct smmu_stalls) + (size_t)capacity(cfg) * sizeof(stall_slot_t);
}

bool stall_create(smmu_t *s)
{
    struct smmu_stalls *st = smmu_alloc(s, sizeof *st);
    if (!st)
        return false;
    s->stalls = st;
    st->cap = capacity(&s->cfg);
    if (st->cap) {
        st->slot = smmu_alloc(s, (size_t)st->cap * sizeof(stall_slot_t));
        if (!st->slot)
            return false; /* smmu_create() calls stall_destroy() */
    }
    while (st->idx_bits < 16 && (UINT32_C(1) << st->idx_bits) < st->cap)
        st->idx_bits++;
    stall_reset(s);
    return true;
}

void stall_destroy(smmu_t *s)
{
    struct smmu_stalls *st = s->stalls;
    if (!st)
        return;
    if (st->slot)
        smmu_free(s, st->slot, (size_t)st->cap * sizeof(stall_slot_t));
    smmu_free(s, st, sizeof *st);
    s->stalls = NULL;
}

void stall_reset(smmu_t *s)
{
    struct smmu_stalls *st = s->stalls;
    if (!st)
        return;
    for (uint32_t i = 0; i < st->cap; i++) {
        st->slot[i].state = SLOT_FREE;
        st->slot[i].marks = 0;
    }
    st->used = st->waiting = 0;
    st->cursor = 0;
    st->head = st->tail = NIL;
    s->stall_bound.txn = NULL;
    s->stall_bound.cookie = 0;
    st->reuse_txn = NULL;
    st->retrying = st->retry_again = false;
}

unsigned smmu_stall_count(const smmu_t *smmu)
{
    return smmu && smmu->stalls ? smmu->stalls->used : 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Resources                                                                                 */
/* ---------------------------------------------------------------------------------------- */

static uint32_t slot_alloc(struct smmu_stalls *st)
{
    if (st->used >= st->cap)
        return NIL;
    for (uint32_t n = 0; n < st->cap; n++) {
        uint32_t i = (st->cursor + n) % st->cap;
        stall_slot_t *sl = &st->slot[i];
        if (sl->state != SLOT_FREE)
            continue;
        st->cursor = (i + 1) % st->cap;
        sl->serial = ++st->serial;
        /* 3.12.2: index below, allocation count above: unique while outstanding */
        sl->stag = (uint16_t)(((uint32_t)sl->serial << st->idx_bits) | i);
        sl->marks = 0;
        sl->prev = st->tail;
        sl->next = NIL;
        if (st->tail != NIL)
            st->slot[st->tail].next = i;
        else
            st->head = i;
        st->tail = i;
        st->used++;
        return i;
    }
    return NIL;
}

static void slot_free(struct smmu_stalls *st, uint32_t i)
{
    stall_slot_t *sl = &st->slot[i];
    assert(sl->state != SLOT_FREE);
    if (sl->prev != NIL)
        st->slot[sl->prev].next = sl->next;
    else
        st->head = sl->next;
    if (sl->next != NIL)
        st->slot[sl->next].prev = sl->prev;
    else
        st->tail = sl->prev;
    if (sl->state == SLOT_WAITING)
        st->waiting--;
    sl->state = SLOT_FREE;
    sl->marks = 0;
    st->used--;
}

/* 4.7.1: the STAG must name a resource holding a stall of this StreamID. */
static uint32_t slot_find(const struct smmu_stalls *st, uint32_t sid, uint16_t stag)
{
    uint32_t i = stag & ((UINT32_C(1) << st->idx_bits) - 1u);
    if (i >= st->cap)
        return NIL;
    const stall_slot_t *sl = &st->slot[i];
    if (sl->state == SLOT_FREE || sl->stag != stag || sl->txn.stream_id != sid)
        return NIL;
    return i;
}

/* First resource at or after i (in arrival order) carrying mark m. */
static uint32_t next_marked(const struct smmu_stalls *st, uint32_t i, uint8_t m)
{
    while (i != NIL && !(st->slot[i].marks & m))
        i = st->slot[i].next;
    return i;
}

/* The walk continues at nxt unless a host callback freed or reused it meanwhile. */
static uint32_t walk_resume(const struct smmu_stalls *st, uint32_t nxt, uint32_t serial, uint8_t m)
{
    if (nxt != NIL && st->slot[nxt].state != SLOT_FREE && st->slot[nxt].serial == serial)
        return next_marked(st, nxt, m);
    return next_marked(st, st->head, m);
}

/* ---------------------------------------------------------------------------------------- */
/* Completion                                                                                */
/* ---------------------------------------------------------------------------------------- */

static void report(smmu_t *s, uint64_t cookie, const smmu_xlate_t *r)
{
    if (s->ops.stall_done)
        s->ops.stall_done(s->ops.ctx, cookie, r);
}

/* Run a transaction as though it had just arrived (3.12.2, 4.7.1 Retry): current
 * configuration and TLB state, counted like any translation. */
static void run_txn(smmu_t *s, const smmu_txn_t *t, uint64_t cookie, smmu_xlate_t *r)
{
    stall_cookie_t prev = stall_cookie_bind(s, t, cookie);
    xlate_one(s, t, r); /* with its per-StreamID and PMCG accounting */
    stall_cookie_restore(s, prev);
}

/* Terminate a stall (4.7.1 Ac == 0, 4.7.2, 6.3.9): the host learns the outcome; the record
 * (if it was written) is the one it stalled with. */
static void terminate(smmu_t *s, uint32_t i, smmu_xlate_status_t how)
{
    struct smmu_stalls *st = s->stalls;
    stall_slot_t *sl = &st->slot[i];
    smmu_xlate_t r;
    memset(&r, 0, sizeof r);
    r.status = how;
    r.hit = SMMU_HIT_NONE;
    r.recorded = sl->state != SLOT_WAITING;
    r.stall_tag = sl->stag;
    r.event = sl->ev;
    uint64_t cookie = sl->cookie;
    slot_free(st, i);
    report(s, cookie, &r);
}

/* 4.7.1 Ac == 1: the resource and STAG are released, then the transaction is new. */
static void retry(smmu_t *s, uint32_t i)
{
    struct smmu_stalls *st = s->stalls;
    smmu_txn_t t = st->slot[i].txn;
    uint64_t cookie = st->slot[i].cookie;
    slot_free(st, i);
    smmu_xlate_t r;
    run_txn(s, &t, cookie, &r);
    report(s, cookie, &r);
}

static void terminate_marked(smmu_t *s)
{
    struct smmu_stalls *st = s->stalls;
    uint32_t i = next_marked(st, st->head, MARK_TERM);
    while (i != NIL) {
        uint32_t nxt = next_marked(st, st->slot[i].next, MARK_TERM);
        uint32_t serial = nxt != NIL ? st->slot[nxt].serial : 0;
        terminate(s, i, SMMU_XLATE_FAULT);
        i = walk_resume(st, nxt, serial, MARK_TERM);
    }
}

void stall_resume(smmu_t *s, uint32_t sid, uint16_t stag, bool do_retry, bool abort)
{
    struct smmu_stalls *st = s->stalls;
    uint32_t i = slot_find(st, sid, stag);
    if (i == NIL)
        return; /* 4.7.1: no stalled transaction matches: no effect */
    if (do_retry) {
        retry(s, i); /* Ab is IGNORED */
        return;
    }
    /* 4.7.1: Ab == 1 abort, Ab == 0 RAZ/WI; TERM_MODEL == 1 ignores Ab. Not limited by the
     * STE: a stage-2 stall may end RAZ/WI as well. */
    bool razwi = !abort && s->cfg.term_model != 1;
    terminate(s, i, razwi ? SMMU_XLATE_RAZWI : SMMU_XLATE_FAULT);
}

void stall_term(smmu_t *s, uint32_t sid)
{
    struct smmu_stalls *st = s->stalls;
    /* 4.7.2: transactions that stall after the command is consumed are not affected, so the
     * set is fixed before any host callback can add to it */
    for (uint32_t i = st->head; i != NIL; i = st->slot[i].next)
        if (st->slot[i].txn.stream_id == sid)
            st->slot[i].marks |= MARK_TERM;
    terminate_marked(s);
}

void stall_terminate_all(smmu_t *s)
{
    struct smmu_stalls *st = s->stalls;
    /* 6.3.9: SMMUEN 1 -> 0 marks every stalled transaction for abort-termination; records not
     * yet written are discarded with them */
    for (uint32_t i = st->head; i != NIL; i = st->slot[i].next)
        st->slot[i].marks |= MARK_TERM;
    terminate_marked(s);
}

/* ---------------------------------------------------------------------------------------- */
/* Holding a transaction and writing its record                                              */
/* ---------------------------------------------------------------------------------------- */

/* 3.12: no resource to stall with: treated as a terminating configuration, recorded with
 * Stall == 0 and terminated with abort. */
static void no_room(smmu_t *s, smmu_xlate_t *out)
{
    out->status = SMMU_XLATE_FAULT;
    out->stall_tag = 0;
    out->event.stall = false;
    out->event.stag = 0;
    evt_encode(&out->event, out->event.raw);
    s->stats.faulted++;
    smmu_logf(s, SMMU_LOG_TRACE, "stall: all %u stall resources in use; SID 0x%x terminated",
              (unsigned)s->stalls->cap, (unsigned)out->event.stream_id);
    out->recorded = evtq_write(s, &out->event);
}

void stall_hold(smmu_t *s, const smmu_txn_t *txn, smmu_xlate_t *out)
{
    struct smmu_stalls *st = s->stalls;
    uint32_t i = NIL;
    if (st->reuse_txn == txn) {
        st->reuse_txn = NULL;
        i = st->reuse_idx; /* record retry stalling again: same resource, same STAG */
        if (st->slot[i].state != SLOT_WAITING || st->slot[i].serial != st->reuse_serial)
            i = NIL; /* completed by a host callback meanwhile: this is a new stall */
    }
    if (i == NIL) {
        i = slot_alloc(st);
        if (i == NIL) {
            no_room(s, out);
            return;
        }
        stall_slot_t *sl = &st->slot[i];
        sl->txn = *txn;
        sl->cookie = s->stall_bound.txn == txn ? s->stall_bound.cookie : 0;
        sl->state = SLOT_WRITING;
        s->stats.stalled++;
    }
    stall_slot_t *sl = &st->slot[i];
    if (sl->state == SLOT_WAITING)
        st->waiting--;
    sl->state = SLOT_WRITING;
    uint32_t serial = sl->serial;
    out->status = SMMU_XLATE_STALL;
    out->stall_tag = sl->stag;
    out->recorded = true; /* written, or waiting to be (smmu_xlate_t::recorded) */
    out->event.stall = true;
    out->event.stag = sl->stag;
    evt_encode(&out->event, out->event.raw);
    sl->ev = out->event;
    /* 7.2.1: stall records are never discarded. While the write is in progress a host
     * interrupt handler may resume or terminate this stall (it is then no longer ours), or
     * acknowledge the EVENTQ_ABT_ERR the write raised (then the queue takes it at once). */
    bool written = false;
    for (unsigned tries = 0; tries < 2 && !written; tries++) {
        if (tries && !evtq_writable(s))
            break;
        written = evtq_write(s, &out->event);
        if (sl->state != SLOT_WRITING || sl->serial != serial)
            return;
    }
    sl->state = written ? SLOT_HELD : SLOT_WAITING;
    if (!written)
        st->waiting++;
}

/* Retry one transaction whose record is waiting (3.12.2, 7.2.1). */
static void record_retry(smmu_t *s, uint32_t i)
{
    struct smmu_stalls *st = s->stalls;
    stall_slot_t *sl = &st->slot[i];
    sl->marks &= (uint8_t)~MARK_RETRY;
    if (sl->state != SLOT_WAITING)
        return;
    smmu_txn_t t = sl->txn;
    uint64_t cookie = sl->cookie;
    uint32_t serial = sl->serial;
    st->reuse_txn = &t;
    st->reuse_idx = i;
    st->reuse_serial = serial;
    smmu_xlate_t r;
    run_txn(s, &t, cookie, &r);
    bool restalled = st->reuse_txn == NULL;
    st->reuse_txn = NULL;
    if (restalled || sl->state == SLOT_FREE || sl->serial != serial)
        return; /* still stalled under its STAG, or a callback already completed it */
    /* succeeded or terminated: its (terminate) event, if any, has been recorded by now */
    slot_free(st, i);
    report(s, cookie, &r);
}

/* One pass over the transactions waiting when it starts, oldest first, while the queue takes
 * records (a full queue stops the pass; the next EVENTQ_CONS write resumes it). */
static void retry_pass(smmu_t *s)
{
    struct smmu_stalls *st = s->stalls;
    for (uint32_t i = st->head; i != NIL; i = st->slot[i].next)
        if (st->slot[i].state == SLOT_WAITING)
            st->slot[i].marks |= MARK_RETRY;
    uint32_t i = next_marked(st, st->head, MARK_RETRY);
    while (i != NIL && evtq_writable(s)) {
        uint32_t nxt = next_marked(st, st->slot[i].next, MARK_RETRY);
        uint32_t serial = nxt != NIL ? st->slot[nxt].serial : 0;
        record_retry(s, i);
        i = walk_resume(st, nxt, serial, MARK_RETRY);
    }
    for (uint32_t j = st->head; j != NIL; j = st->slot[j].next)
        st->slot[j].marks &= (uint8_t)~MARK_RETRY;
}

void stall_retry_records(smmu_t *s)
{
    struct smmu_stalls *st = s->stalls;
    if (!st || st->waiting == 0 || !evtq_writable(s))
        return;
    if (st->retrying) {
        st->retry_again = true; /* called from a host callback during a pass */
        return;
    }
    st->retrying = true;
    do {
        st->retry_again = false;
        retry_pass(s);
    } while (st->retry_again && st->waiting && evtq_writable(s));
    st->retrying = false;
}

