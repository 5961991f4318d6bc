/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Event queue: record encoding and delivery. Arm IHI 0070 G.b 7.2 (writability), 7.3
 * (record layouts), 7.4 (overflow), 3.18 (EVENTQ interrupt).
 */
#include "internal.h"

void evt_encode(const smmu_event_t *ev, uint64_t raw[4])
{
    memset(raw, 0, 4 * sizeof raw[0]);
    RSET(EVTF_TYPE, raw, ev->type);
    RSET(EVTF_STREAMID, raw, ev->stream_id);
    switch (ev->type) {
    case EVT_C_BAD_SUBSTREAMID:
        /* 7.3.8: the SubstreamID is always present, there is no SSV field */
        RSET(EVTF_SUBSTREAMID, raw, ev->substream_id);
        return;
    case EVT_F_STREAM_DISABLED:
        return;
    case EVT_F_TRANSL_FORBIDDEN:
        RSET(EVTF_RNW, raw, ev->rnw);
        RSET(EVTF_INPUTADDR, raw, ev->input_addr);
        return;
    default:
        break;
    }
    RSET(EVTF_SSV, raw, ev->ssv);
    if (ev->ssv)
        RSET(EVTF_SUBSTREAMID, raw, ev->substream_id);
    switch (ev->type) {
    case EVT_C_BAD_STREAMID:
    case EVT_C_BAD_STE:
    case EVT_C_BAD_CD:
        return;
    case EVT_F_STE_FETCH:
    case EVT_F_CD_FETCH:
    case EVT_F_VMS_FETCH:
        RSET(EVTF_REASON, raw, ev->reason);
        RSET(EVTF_FETCHADDR, raw, ev->fetch_addr >> 3);
        return;
    case EVT_F_BAD_ATS_TREQ:
        RSET(EVTF_ATS_PRIV, raw, ev->pnu);
        RSET(EVTF_ATS_X, raw, ev->ind);
        RSET(EVTF_ATS_RNW, raw, ev->rnw);
        RSET(EVTF_PAGEADDR, raw, ev->input_addr >> 12);
        return;
    case EVT_F_WALK_EABT:
        RSET(EVTF_REASON, raw, ev->reason);
        RSET(EVTF_PNU, raw, ev->pnu);
        RSET(EVTF_IND, raw, ev->ind);
        RSET(EVTF_RNW, raw, ev->rnw);
        RSET(EVTF_S2, raw, ev->s2);
        RSET(EVTF_CLASS, raw, ev->class_);
        RSET(EVTF_INPUTADDR, raw, ev->input_addr);
        RSET(EVTF_FETCHADDR, raw, ev->fetch_addr >> 3);
        return;
    default:
        break;
    }
    /* F_UUT, F_TRANSLATION, F_ADDR_SIZE, F_ACCESS, F_PERMISSION, F_TLB_CONFLICT, ... */
    if (ev->stall) {
        RSET(EVTF_STALL, raw, 1);
        RSET(EVTF_STAG, raw, ev->stag);
    } else if (ev->type == EVT_F_UUT || ev->type == EVT_F_TLB_CONFLICT ||
               ev->type == EVT_F_CFG_CONFLICT) {
        RSET(EVTF_REASON, raw, ev->reason);
    }
    RSET(EVTF_PNU, raw, ev->pnu);
    RSET(EVTF_IND, raw, ev->ind);
    RSET(EVTF_RNW, raw, ev->rnw);
    RSET(EVTF_S2, raw, ev->s2);
    RSET(EVTF_CLASS, raw, ev->class_);
    if (ev->type == EVT_F_PERMISSION)
        RSET(EVTF_TTRNW, raw, ev->ttrnw);
    RSET(EVTF_INPUTADDR, raw, ev->input_addr);
    if (ev->s2)
        RSET(EVTF_IPA, raw, ev->ipa >> 12);
}

void smmu_event_decode(const uint64_t raw[4], smmu_event_t *ev)
{
    memset(ev, 0, sizeof *ev);
    memcpy(ev->raw, raw, sizeof ev->raw);
    ev->type = (uint8_t)RGET(EVTF_TYPE, raw);
    ev->ssv = RGET(EVTF_SSV, raw) != 0;
    ev->substream_id = (uint32_t)RGET(EVTF_SUBSTREAMID, raw);
    ev->stream_id = (uint32_t)RGET(EVTF_STREAMID, raw);
    ev->stall = RGET(EVTF_STALL, raw) != 0;
    ev->stag = (uint16_t)RGET(EVTF_STAG, raw);
    ev->reason = (uint16_t)RGET(EVTF_REASON, raw);
    ev->pnu = RGET(EVTF_PNU, raw) != 0;
    ev->ind = RGET(EVTF_IND, raw) != 0;
    ev->rnw = RGET(EVTF_RNW, raw) != 0;
    ev->s2 = RGET(EVTF_S2, raw) != 0;
    ev->class_ = (uint8_t)RGET(EVTF_CLASS, raw);
    ev->ttrnw = RGET(EVTF_TTRNW, raw) != 0;
    ev->input_addr = RGET(EVTF_INPUTADDR, raw);
    ev->ipa = RGET(EVTF_IPA, raw) << 12;
    ev->fetch_addr = RGET(EVTF_FETCHADDR, raw) << 3;
}

bool evtq_writable(const smmu_t *s)
{
    return REG_GET(CR0ACK, EVENTQEN, s->r.cr0ack) && !queue_full(&s->r.evtq) &&
           !gerror_active(s, (uint32_t)REG_MASK(GERROR, EVENTQ_ABT_ERR));
}

/* 7.4: a non-stall record that finds the (enabled) queue full is discarded and, unless an
 * overflow is already pending (OVFLG != OVACKFLG), EVENTQ_PROD.OVFLG is toggled. */
static void overflow(smmu_t *s)
{
    smmu_queue_t *q = &s->r.evtq;
    uint32_t ovflg = (uint32_t)REG_GET(EVENTQ_PROD, OVFLG, q->prod);
    uint32_t ovack = (uint32_t)REG_GET(EVENTQ_CONS, OVACKFLG, q->cons);
    if (ovflg == ovack)
        q->prod ^= (uint32_t)REG_MASK(EVENTQ_PROD, OVFLG);
}

bool evtq_write(smmu_t *s, const smmu_event_t *ev)
{
    smmu_queue_t *q = &s->r.evtq;
    if (!REG_GET(CR0ACK, EVENTQEN, s->r.cr0ack) ||
        gerror_active(s, (uint32_t)REG_MASK(GERROR, EVENTQ_ABT_ERR))) {
        /* 7.2.1: not writable; non-stall records are discarded (no overflow when disabled) */
        if (!ev->stall)
            s->stats.events_dropped++;
        return false;
    }
    if (queue_full(q)) {
        if (!ev->stall) {
            overflow(s);
            s->stats.events_dropped++;
        }
        return false;
    }
    uint64_t raw[4];
    evt_encode(ev, raw);
    bool was_empty = queue_empty(q);
    if (mem_write_dwords(s, queue_addr(q, q->prod), raw, 4, SMMU_ACCESS_EVTQ) != SMMU_MEM_OK) {
        /* 7.2.2: the record is lost and the queue stops accepting records until acked (a
         * stall record is kept by the stall model and written again later) */
        gerror_raise(s, (uint32_t)REG_MASK(GERROR, EVENTQ_ABT_ERR));
        if (!ev->stall)
            s->stats.events_dropped++;
        return false;
    }
    q->prod = queue_inc(q, q->prod);
    s->stats.events++;
    /* 3.18: the interrupt must not be observable before the PROD update it announces */
    if (was_empty || s->cfg.evtq_irq_every_write)
        irq_signal(s, IRQSRC_EVENTQ);
    return true;
}
