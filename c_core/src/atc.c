/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A device-side ATC (PCIe Address Translation Cache) for DMA-master models: not part of the
 * SMMU, but the other half of the ATS and PRI protocols the SMMU implements.
 * Arm IHI 0070 G.b 3.9.1 (ATS interface), 3.9.1.2 (completions), 4.5.1 (CMD_ATC_INV and
 * its SSV/Global rules), 8 (page requests), 13.7 (permissions in completions).
 *
 * Fully associative, least-recently-used replacement, linear search: an ATC of a device is
 * small (tens of entries), and a DMA model looks up once per burst, not per byte.
 */
#include <stdlib.h>
#include <string.h>

#include "smmuv3/smmuv3_atc.h"

typedef struct atc_entry {
    uint64_t va;    /* untranslated base, aligned to the span */
    uint64_t mask;  /* span - 1 (the completion's translation size) */
    uint64_t pa;    /* translated base (a PA, or an IPA with split-stage ATS) */
    uint64_t used;  /* LRU stamp; 0 = free slot */
    uint32_t sid;
    uint32_t ssid;  /* valid when ssv */
    bool ssv;
    bool priv;      /* privilege level the permissions are for (PASID requests only) */
    uint8_t perm;   /* SMMU_PERM_* granted */
} atc_entry_t;

struct smmu_atc {
    smmu_atc_alloc_fn alloc;
    void *alloc_ctx;
    uint32_t cap;
    uint64_t clock;
    smmu_atc_stats_t st;
    atc_entry_t *e;
};

static void *libc_alloc(void *ctx, void *ptr, size_t osize, size_t nsize)
{
    (void)ctx;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, nsize);
}

smmu_status_t smmu_atc_create(uint32_t capacity, smmu_atc_alloc_fn alloc, void *alloc_ctx,
                              smmu_atc_t **out)
{
    if (!out)
        return SMMU_E_INVAL;
    *out = NULL;
    size_t bytes = sizeof(atc_entry_t) * (size_t)capacity;
    if (capacity == 0 || bytes / sizeof(atc_entry_t) != capacity)
        return SMMU_E_INVAL; /* none, or a size that overflows */
    if (!alloc)
        alloc = libc_alloc;
    smmu_atc_t *a = alloc(alloc_ctx, NULL, 0, sizeof *a);
    if (!a)
        return SMMU_E_NOMEM;
    memset(a, 0, sizeof *a);
    a->alloc = alloc;
    a->alloc_ctx = alloc_ctx;
    a->cap = capacity;
    a->e = alloc(alloc_ctx, NULL, 0, bytes);
    if (!a->e) {
        alloc(alloc_ctx, a, sizeof *a, 0);
        return SMMU_E_NOMEM;
    }
    memset(a->e, 0, bytes);
    *out = a;
    return SMMU_OK;
}

void smmu_atc_destroy(smmu_atc_t *atc)
{
    if (!atc)
        return;
    smmu_atc_alloc_fn alloc = atc->alloc;
    void *ctx = atc->alloc_ctx;
    alloc(ctx, atc->e, sizeof(atc_entry_t) * atc->cap, 0);
    alloc(ctx, atc, sizeof *atc, 0);
}

/* 13.7: a request or access without a PASID is Data and Unprivileged; Exe and Priv exist
 * only in the PASID prefix. */
static bool eff_priv(const smmu_txn_t *t)
{
    return t->ssv && t->priv;
}

static bool eff_exec(const smmu_txn_t *t)
{
    return t->ssv && t->instr && !t->write;
}

static bool same_tag(const atc_entry_t *e, uint32_t sid, bool ssv, uint32_t ssid, bool priv)
{
    return e->used && e->sid == sid && e->ssv == ssv && (!ssv || (e->ssid == ssid && e->priv == priv));
}

smmu_atc_outcome_t smmu_atc_lookup(smmu_atc_t *atc, const smmu_txn_t *txn, uint64_t *pa)
{
    atc->st.lookups++;
    bool priv = eff_priv(txn);
    uint8_t need = txn->write ? SMMU_PERM_W : eff_exec(txn) ? SMMU_PERM_X : SMMU_PERM_R;
    for (uint32_t i = 0; i < atc->cap; i++) {
        atc_entry_t *e = &atc->e[i];
        if (!same_tag(e, txn->stream_id, txn->ssv, txn->substream_id, priv) ||
            (txn->iova & ~e->mask) != e->va)
            continue;
        e->used = ++atc->clock;
        if (!(e->perm & need)) {
            atc->st.no_perm++;
            return SMMU_ATC_NO_PERM;
        }
        atc->st.hits++;
        if (pa)
            *pa = e->pa + (txn->iova & e->mask);
        return SMMU_ATC_HIT;
    }
    atc->st.misses++;
    return SMMU_ATC_MISS;
}

void smmu_atc_treq(const smmu_txn_t *access, smmu_txn_t *treq)
{
    smmu_txn_t t = *access;
    t.atype = SMMU_ATYPE_ATS_REQUEST;
    t.iova &= ~UINT64_C(0xFFF); /* a Translation Request names a page */
    t.size = 0;
    t.instr = eff_exec(access);
    t.priv = eff_priv(access);
    if (!t.ssv)
        t.substream_id = 0;
    *treq = t;
}

/* Remove entries of this tag overlapping [lo, hi]; returns how many. */
static unsigned drop_overlaps(smmu_atc_t *atc, uint32_t sid, bool ssv, uint32_t ssid, bool priv,
                              uint64_t lo, uint64_t hi)
{
    unsigned n = 0;
    for (uint32_t i = 0; i < atc->cap; i++) {
        atc_entry_t *e = &atc->e[i];
        if (same_tag(e, sid, ssv, ssid, priv) && e->va <= hi && e->va + e->mask >= lo) {
            e->used = 0;
            n++;
        }
    }
    return n;
}

static atc_entry_t *victim(smmu_atc_t *atc)
{
    atc_entry_t *v = &atc->e[0];
    for (uint32_t i = 0; i < atc->cap; i++) {
        atc_entry_t *e = &atc->e[i];
        if (!e->used)
            return e;
        if (e->used < v->used)
            v = e;
    }
    atc->st.evictions++;
    return v;
}

smmu_status_t smmu_atc_fill(smmu_atc_t *atc, const smmu_txn_t *treq, const smmu_xlate_t *resp)
{
    if (!atc || !treq || !resp || treq->atype != SMMU_ATYPE_ATS_REQUEST ||
        resp->ats != SMMU_ATS_SUCCESS || resp->status != SMMU_XLATE_OK)
        return SMMU_E_INVAL;
    uint64_t mask = resp->page_mask | UINT64_C(0xFFF); /* at least one 4 KB page */
    uint64_t va = treq->iova & ~mask;
    bool ssv = treq->ssv;
    uint32_t ssid = ssv ? treq->substream_id : 0;
    bool priv = eff_priv(treq);
    /* the newest completion for a range replaces what was cached for it */
    drop_overlaps(atc, treq->stream_id, ssv, ssid, priv, va, va + mask);
    uint8_t perm = resp->perm & (SMMU_PERM_R | SMMU_PERM_W | SMMU_PERM_X);
    if (!perm) {
        /* 3.9.1.2: Success with R == W == 0 denies access; nothing to cache */
        atc->st.fills_denied++;
        return SMMU_OK;
    }
    atc_entry_t *e = victim(atc);
    e->va = va;
    e->mask = mask;
    e->pa = resp->pa & ~mask;
    e->sid = treq->stream_id;
    e->ssv = ssv;
    e->ssid = ssid;
    e->priv = priv;
    e->perm = perm;
    e->used = ++atc->clock;
    atc->st.fills++;
    return SMMU_OK;
}

/* 4.5.1 and the PCIe Invalidate Request: which cached entries a request names. */
static bool inv_hits(const atc_entry_t *e, const smmu_atc_inv_t *inv)
{
    if (!e->used || e->sid != inv->stream_id)
        return false;
    if (!inv->ssv)
        return !e->ssv;                  /* no PASID: entries obtained without one */
    if (!e->ssv)
        return false;
    return inv->global || e->ssid == inv->substream_id; /* Global: every PASID */
}

unsigned smmu_atc_invalidate(smmu_atc_t *atc, const smmu_atc_inv_t *inv)
{
    atc->st.invalidations++;
    bool all = inv->size == UINT64_MAX; /* CMD_ATC_INV Size == 52: the whole address space */
    if (!all && inv->size == 0)
        return 0;
    uint64_t lo = inv->addr;
    uint64_t hi = lo + (inv->size - 1);
    if (hi < lo)
        hi = UINT64_MAX;
    unsigned n = 0;
    for (uint32_t i = 0; i < atc->cap; i++) {
        atc_entry_t *e = &atc->e[i];
        if (inv_hits(e, inv) && (all || (e->va <= hi && e->va + e->mask >= lo))) {
            e->used = 0;
            n++;
        }
    }
    atc->st.invalidated += n;
    return n;
}

void smmu_atc_flush(smmu_atc_t *atc)
{
    for (uint32_t i = 0; i < atc->cap; i++)
        atc->e[i].used = 0;
}

unsigned smmu_atc_count(const smmu_atc_t *atc)
{
    unsigned n = 0;
    for (uint32_t i = 0; i < atc->cap; i++)
        n += atc->e[i].used != 0;
    return n;
}

void smmu_atc_page_request(const smmu_txn_t *access, uint16_t prg_index, bool last,
                           smmu_pri_req_t *out)
{
    memset(out, 0, sizeof *out);
    out->stream_id = access->stream_id;
    out->ssv = access->ssv;
    out->substream_id = access->ssv ? access->substream_id : 0;
    out->read = true; /* 13.7: read access is implied by every ATS Translation Request */
    out->write = access->write;
    out->exec = eff_exec(access);
    out->priv = eff_priv(access);
    out->last = last;
    out->prg_index = (uint16_t)(prg_index & 0x1FFu);
    out->addr = access->iova & ~UINT64_C(0xFFF);
}

void smmu_atc_stats_get(const smmu_atc_t *atc, smmu_atc_stats_t *out)
{
    *out = atc->st;
}

void smmu_atc_stats_reset(smmu_atc_t *atc)
{
    memset(&atc->st, 0, sizeof atc->st);
}
