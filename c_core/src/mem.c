/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Downstream memory accesses made by the SMMU itself: structure and descriptor fetches,
 * queue accesses, MSIs and HTTU updates. Uses the host's direct pointers (mem_ptr, the
 * DMI idea) when offered, and the read/write callbacks otherwise. Records are assembled
 * little-endian from bytes (house style B5); big-endian descriptors are swapped per 64 bits.
 */
#include "internal.h"

/* A new direct-pointer region for [pa, last] from host_ops.mem_ptr, or NULL. */
static smmu_dmi_t *dmi_fetch(smmu_t *s, uint64_t pa, uint64_t last)
{
    if (!s->ops.mem_ptr)
        return NULL;
    uint64_t lo = 0, hi = 0;
    uint8_t *p = s->ops.mem_ptr(s->ops.ctx, pa, &lo, &hi);
    if (!p || lo > pa || hi < last || last < pa)
        return NULL;
    smmu_dmi_t *d = &s->dmi[s->dmi_next++ % SMMU_DMI_SLOTS];
    d->lo = lo;
    d->hi = hi;
    d->ptr = p - (pa - lo);
    return d;
}

/* The direct-pointer region holding [pa, pa + len): a cached one, else a new one from the
 * host, else NULL. */
static smmu_dmi_t *dmi_find(smmu_t *s, uint64_t pa, size_t len)
{
    uint64_t last = pa + len - 1;
    smmu_dmi_t *d = dmi_cached(s, pa, last);
    return d ? d : dmi_fetch(s, pa, last);
}

void mem_dmi_drop(smmu_t *smmu, uint64_t lo, uint64_t hi)
{
    for (unsigned i = 0; i < SMMU_DMI_SLOTS; i++) {
        smmu_dmi_t *d = &smmu->dmi[i];
        if (d->ptr && d->lo <= hi && d->hi >= lo) {
            d->ptr = NULL;
            d->lo = 1;
            d->hi = 0;
        }
    }
}

void smmu_dmi_invalidate(smmu_t *smmu, uint64_t lo, uint64_t hi)
{
    mem_dmi_drop(smmu, lo, hi);
}

/* CR1 cacheability encoding (00 NC, 01 WB, 10 WT, 11 reserved -> 00) as a MemAttr nibble
 * (STE.MemAttr Normal encoding: 01 NC, 10 WT, 11 WB). */
static unsigned cr1_cache(unsigned c)
{
    return c == 1u ? 3u : c == 2u ? 2u : 1u;
}

static smmu_mem_attr_t attr_for(const smmu_t *s, smmu_access_kind_t k)
{
    smmu_mem_attr_t a;
    a.kind = k;
    /* 6.3.11: CR1.QUEUE_* apply to the queues, CR1.TABLE_* to the stream table (and, in this
     * model, to the other structure and descriptor fetches reported here). */
    uint32_t cr1 = s->r.cr1;
    bool queue = k == SMMU_ACCESS_CMDQ || k == SMMU_ACCESS_EVTQ || k == SMMU_ACCESS_PRIQ;
    unsigned ic, oc, sh;
    if (queue) {
        ic = (unsigned)REG_GET(CR1, QUEUE_IC, cr1);
        oc = (unsigned)REG_GET(CR1, QUEUE_OC, cr1);
        sh = (unsigned)REG_GET(CR1, QUEUE_SH, cr1);
    } else {
        ic = (unsigned)REG_GET(CR1, TABLE_IC, cr1);
        oc = (unsigned)REG_GET(CR1, TABLE_OC, cr1);
        sh = (unsigned)REG_GET(CR1, TABLE_SH, cr1);
    }
    unsigned ie = cr1_cache(ic), oe = cr1_cache(oc);
    a.memattr = (uint8_t)((oe << 2) | ie);
    if (sh == 1u)
        sh = 0u; /* 6.3.11: SH 0b01 is reserved, treated as 0b00 */
    if (ie == 1u && oe == 1u)
        sh = 2u; /* 6.3.11: with OC == IC == NC, SH is IGNORED and behaves as OSH */
    a.sh = (uint8_t)sh;
    return a;
}

/* A read through host_ops.mem_read, for an address no direct-pointer region covers. */
static smmu_mem_result_t host_read(smmu_t *smmu, uint64_t pa, void *buf, size_t len,
                                   smmu_access_kind_t k)
{
    smmu_mem_attr_t a = attr_for(smmu, k);
    return smmu->ops.mem_read(smmu->ops.ctx, pa, buf, len, &a);
}

smmu_mem_result_t mem_read(smmu_t *smmu, uint64_t pa, void *buf, size_t len, smmu_access_kind_t k)
{
    smmu_dmi_t *d = dmi_find(smmu, pa, len);
    if (d) {
        memcpy(buf, d->ptr + (pa - d->lo), len);
        return SMMU_MEM_OK;
    }
    return host_read(smmu, pa, buf, len, k);
}

smmu_mem_result_t mem_write(smmu_t *smmu, uint64_t pa, const void *buf, size_t len,
                            smmu_access_kind_t k)
{
    smmu_dmi_t *d = dmi_find(smmu, pa, len);
    if (d) {
        memcpy(d->ptr + (pa - d->lo), buf, len);
        return SMMU_MEM_OK;
    }
    smmu_mem_attr_t a = attr_for(smmu, k);
    return smmu->ops.mem_write(smmu->ops.ctx, pa, buf, len, &a);
}

static uint64_t le64(const uint8_t *b)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | b[i];
    return v;
}

static void put_le64(uint8_t *b, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        b[i] = (uint8_t)v;
        v >>= 8;
    }
}

static uint64_t bswap64(uint64_t v)
{
    return __builtin_bswap64(v);
}

smmu_mem_result_t mem_read_dwords(smmu_t *smmu, uint64_t pa, uint64_t *dw, unsigned n,
                                  smmu_access_kind_t k)
{
    assert(n <= 8);
    const smmu_dmi_t *d = dmi_find(smmu, pa, 8u * n);
    if (d) { /* commands, STEs, CDs inside a direct-pointer region: no staging buffer */
        const uint8_t *src = d->ptr + (pa - d->lo);
        for (unsigned i = 0; i < n; i++) {
            uint64_t v;
            memcpy(&v, src + 8 * i, 8);
            dw[i] = mem_from_le64(v);
        }
        return SMMU_MEM_OK;
    }
    uint8_t b[64];
    smmu_mem_result_t r = host_read(smmu, pa, b, 8u * n, k);
    if (r != SMMU_MEM_OK)
        return r;
    for (unsigned i = 0; i < n; i++)
        dw[i] = le64(b + 8 * i);
    return SMMU_MEM_OK;
}

/* mem_read64() (internal.h) when no cached direct-pointer region holds the descriptor. */
smmu_mem_result_t mem_read64_slow(smmu_t *smmu, uint64_t pa, uint64_t *val, bool big_endian,
                                  smmu_access_kind_t k)
{
    uint8_t b[8];
    smmu_mem_result_t r = mem_read(smmu, pa, b, 8, k);
    if (r != SMMU_MEM_OK)
        return r;
    uint64_t v = le64(b);
    *val = big_endian ? bswap64(v) : v;
    return SMMU_MEM_OK;
}

smmu_mem_result_t mem_write_dwords(smmu_t *smmu, uint64_t pa, const uint64_t *dw, unsigned n,
                                   smmu_access_kind_t k)
{
    uint8_t b[64];
    assert(n <= 8);
    for (unsigned i = 0; i < n; i++)
        put_le64(b + 8 * i, dw[i]);
    return mem_write(smmu, pa, b, 8u * n, k);
}

smmu_mem_result_t mem_cas64(smmu_t *smmu, uint64_t pa, uint64_t expected, uint64_t desired,
                            uint64_t *old, bool big_endian)
{
    uint64_t e = big_endian ? bswap64(expected) : expected;
    uint64_t n = big_endian ? bswap64(desired) : desired;
    smmu_mem_result_t r;
    uint64_t seen;
    if (smmu->ops.mem_cas64) {
        /* the host's CAS works on the little-endian value of the 8 bytes */
        smmu_mem_attr_t a = attr_for(smmu, SMMU_ACCESS_HTTU);
        r = smmu->ops.mem_cas64(smmu->ops.ctx, pa, e, n, &seen, &a);
    } else {
        /* Without a host CAS the read-modify-write is atomic with respect to the model
         * itself (single-threaded); the host documents what else may write concurrently. */
        uint8_t b[8];
        r = mem_read(smmu, pa, b, 8, SMMU_ACCESS_HTTU);
        if (r == SMMU_MEM_OK) {
            seen = le64(b);
            if (seen == e) {
                put_le64(b, n);
                r = mem_write(smmu, pa, b, 8, SMMU_ACCESS_HTTU);
            }
        }
    }
    if (r == SMMU_MEM_OK)
        *old = big_endian ? bswap64(seen) : seen;
    return r;
}
