/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Circular queue arithmetic shared by the command, event and PRI queues.
 * Arm IHI 0070 G.b 3.5.1: an index register holds the entry index in bits [QS-1:0] and the
 * wrap flag in bit [QS], QS = effective LOG2SIZE; bits above are preserved by increments
 * (CMDQ_CONS.ERR, *_PROD.OVFLG, *_CONS.OVACKFLG live there).
 */
#include "internal.h"

unsigned queue_log2(const smmu_queue_t *q)
{
    /* 6.3.26: LOG2SIZE above the IDR1 maximum behaves as the maximum (reads back as written) */
    unsigned l = (unsigned)REG_GET(CMDQ_BASE, LOG2SIZE, q->base);
    return l > q->max_log2 ? q->max_log2 : l;
}

static uint32_t wrap_mask(const smmu_queue_t *q)
{
    return (2u << queue_log2(q)) - 1u;
}

uint64_t queue_addr(const smmu_queue_t *q, uint32_t index_reg)
{
    unsigned l = queue_log2(q);
    uint64_t bytes = (uint64_t)1 << (l + q->entry_log2);
    /* the base is aligned to the queue size, and to at least 32 bytes (6.3.26) */
    uint64_t align = bytes < 32 ? 32 : bytes;
    uint64_t base = (q->base & REG_MASK(CMDQ_BASE, ADDR)) & ~(align - 1);
    uint32_t idx = index_reg & ((1u << l) - 1u);
    return base + ((uint64_t)idx << q->entry_log2);
}

bool queue_empty(const smmu_queue_t *q)
{
    return ((q->prod ^ q->cons) & wrap_mask(q)) == 0;
}

bool queue_full(const smmu_queue_t *q)
{
    uint32_t wm = wrap_mask(q);
    uint32_t wrap = (wm >> 1) + 1u;
    return ((q->prod ^ q->cons) & wm) == wrap;
}

uint32_t queue_inc(const smmu_queue_t *q, uint32_t index_reg)
{
    uint32_t wm = wrap_mask(q);
    uint32_t keep = index_reg & ~0xFFFFFu;  /* flag fields above the index */
    return keep | (((index_reg & wm) + 1u) & wm);
}

unsigned queue_count(const smmu_queue_t *q)
{
    uint32_t wm = wrap_mask(q);
    return ((q->prod & wm) - (q->cons & wm)) & wm;
}
