/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PRI queue and PRG responses. Arm IHI 0070 G.b chapter 8 (record format), 8.1 (overflow and
 * automatic responses), 8.2 (disabled queue, aborts, Stop markers), 8.3 (ResponseCodes),
 * 4.5.2 (CMD_PRI_RESP), 6.3.9.5 (effective PRIQEN), 6.3.36 (PRIQ_IRQ_CFG2.LO), 3.18.
 *
 * Model choices (docs/ats_pri.md):
 *  - a write abort is synchronous (8.2 leaves it IMPLEMENTATION DEFINED): the PPR whose
 *    record aborted gets an automatic Response Failure, without PASID;
 *  - with the queue disabled or PRIQ_ABT_ERR active, every discarded PPR (Last == 0 too) is
 *    answered with Response Failure, as 8.2 words it ("All incoming PPRs cause...");
 *  - without PASID support (IDR1.SSIDSIZE == 0) an overflow auto-response is Success and no
 *    STE is read (8.1 permits either); a request's PASID is then ignored (8: "SSV ... is
 *    also 0 when Substreams are not supported"), and with it its X and Priv bits;
 *  - CMD_PRI_RESP with SSV == 1 but no PASID support behaves as SSV == 0 (4.5.2 CONSTRAINED
 *    UNPREDICTABLE, first option);
 *  - no events are recorded while checking STE.PPAR: they need CR2.REC_CFG_ATS, which is RES0
 *    here (IDR0.ATSRECERR == 0).
 */
#include "priq.h"

#define CMD_GET(F, cmd) RGET(CMDF_##F, cmd)

/* PCIe PRG ResponseCodes (8.3) */
enum { PRG_SUCCESS = 0x0, PRG_INVALID_REQUEST = 0x1, PRG_FAILURE = 0xF };

void priq_reset(smmu_t *s)
{
    (void)s; /* all PRI queue state lives in the registers (regs_reset) */
}

/* 6.3.9.5: the effective PRIQEN is 0 while SMMUEN == 0 (CR0ACK.PRIQEN keeps the written
 * value); 8.2: an active PRIQ_ABT_ERR stops writes as well. */
static bool priq_accepting(const smmu_t *s)
{
    return REG_GET(CR0ACK, PRIQEN, s->r.cr0ack) && smmu_enabled(s) &&
           !gerror_active(s, (uint32_t)REG_MASK(GERROR, PRIQ_ABT_ERR));
}

/* 8.1: an overflow condition is present while PRIQ_PROD.OVFLG != PRIQ_CONS.OVACKFLG. */
static bool priq_overflowed(const smmu_t *s)
{
    return REG_GET(PRIQ_PROD, OVFLG, s->r.priq.prod) !=
           REG_GET(PRIQ_CONS, OVACKFLG, s->r.priq.cons);
}

static void send_resp(smmu_t *s, uint32_t sid, uint16_t prgi, uint8_t code, bool ssv,
                      uint32_t ssid)
{
    if (!s->ops.pri_resp)
        return;
    smmu_pri_resp_t r;
    memset(&r, 0, sizeof r);
    r.stream_id = sid;
    r.prg_index = prgi;
    r.code = code;
    r.ssv = ssv;
    r.substream_id = ssv ? ssid : 0;
    s->ops.pri_resp(s->ops.ctx, &r);
}

/* 8.1: can STE.PPAR of sid be read? Returns false when the STE is inaccessible or invalid
 * (SMMUEN == 0, StreamID out of range, fetch abort, V == 0 or ILLEGAL), else *ppar. */
static bool ste_ppar(smmu_t *s, uint32_t sid, bool *ppar)
{
    if (!smmu_enabled(s))
        return false;
    uint64_t raw[8];
    smmu_fault_t f;
    smmu_work_t w;
    memset(&f, 0, sizeof f);
    memset(&w, 0, sizeof w);
    bool ok = ste_fetch(s, sid, raw, &f, &w);
    s->stats.cfg_reads += w.cfg_reads;
    smmu_ste_t ste;
    if (!ok || !ste_decode(s, raw, &ste))
        return false;
    /* read from the raw STE: ste_decode() skips the field for Config == 0b0xx, and a valid
     * STE of any Config answers the question 8.1 asks */
    *ppar = RGET(STE_PPAR, raw) != 0;
    return true;
}

/* 8.1: automatic PRG Response for a PPR with Last == 1 discarded because of an overflow. */
static void overflow_resp(smmu_t *s, const smmu_pri_req_t *q)
{
    bool pasid = false;
    uint8_t code = PRG_SUCCESS;
    if (q->ssv) {
        /* only reached with PASID support (q->ssv is cleared without it) */
        bool ppar = false;
        if (REG_GET(IDR3, PPS, s->idr[3]))
            pasid = true;           /* PPS == 1: same PASID, STE.PPAR not checked */
        else if (ste_ppar(s, q->stream_id, &ppar))
            pasid = ppar;           /* valid STE: PASID iff PPAR, Success either way */
        else
            code = PRG_FAILURE;     /* STE not usable: Failure, without PASID */
    }
    send_resp(s, q->stream_id, q->prg_index, code, pasid, q->substream_id);
}

static void encode(const smmu_pri_req_t *q, uint64_t rec[2])
{
    rec[0] = rec[1] = 0;
    RSET(PRIQ_STREAMID, rec, q->stream_id);
    RSET(PRIQ_SSV, rec, q->ssv);
    if (q->ssv) {
        /* 8: SubstreamID is UNKNOWN, and X and Priv are 0, when SSV == 0 (written as 0) */
        RSET(PRIQ_SUBSTREAMID, rec, q->substream_id);
        RSET(PRIQ_PRIV, rec, q->priv);
        RSET(PRIQ_EXEC, rec, q->exec);
    }
    RSET(PRIQ_READ, rec, q->read);
    RSET(PRIQ_WRITE, rec, q->write);
    RSET(PRIQ_LAST, rec, q->last);
    RSET(PRIQ_PRGINDEX, rec, q->prg_index);
    RSET(PRIQ_ADDR, rec, q->addr >> 12);
}

/* Write one record; false if it could not be written (the caller answers the PPR). */
static bool priq_write(smmu_t *s, const smmu_pri_req_t *q)
{
    smmu_queue_t *pq = &s->r.priq;
    uint64_t rec[2];
    encode(q, rec);
    bool was_empty = queue_empty(pq);
    if (mem_write_dwords(s, queue_addr(pq, pq->prod), rec, 2, SMMU_ACCESS_PRIQ) != SMMU_MEM_OK) {
        /* 8.2: an external abort on a PRI queue write activates GERROR.PRIQ_ABT_ERR */
        gerror_raise(s, (uint32_t)REG_MASK(GERROR, PRIQ_ABT_ERR));
        return false;
    }
    pq->prod = queue_inc(pq, pq->prod);
    s->stats.pri_records++;
    /* 6.3.36: LO == 0 signals the empty -> non-empty transition, LO == 1 each record with
     * Last == 1; either way after the PROD update that makes the record visible (3.18) */
    bool lo = REG_GET(PRIQ_IRQ_CFG2, LO, s->r.priq_irq_cfg2) != 0;
    if (lo ? q->last : was_empty)
        irq_signal(s, IRQSRC_PRIQ);
    return true;
}

smmu_status_t smmu_pri_request(smmu_t *s, const smmu_pri_req_t *req)
{
    if (!s || !req)
        return SMMU_E_INVAL;
    if (!s->cfg.pri)
        return SMMU_E_UNSUPPORTED;
    /* PRGIndex is 9 bits and a PASID 20 bits (8); Exe and Priv travel in the PASID prefix,
     * so a request without one cannot carry them (8, 13.7) */
    if (req->prg_index >> 9 || (req->ssv && req->substream_id >> 20) ||
        (!req->ssv && (req->exec || req->priv)))
        return SMMU_E_INVAL;
    smmu_pri_req_t q = *req;
    q.addr &= ~UINT64_C(0xFFF);
    if (s->cfg.ssidsize == 0) {
        q.ssv = false; /* 8: SSV is 0 when Substreams are not supported */
        q.exec = q.priv = false;
    }
    if (!q.ssv)
        q.substream_id = 0;
    /* 8: a Stop PASID marker is LWR == 0b100 with a PASID; without one it is a PPR */
    bool stop = q.ssv && q.last && !q.write && !q.read;

    if (!priq_accepting(s)) {
        /* 8.2: discarded; every PPR (not a Stop marker) gets Response Failure, no PASID */
        s->stats.pri_dropped++;
        if (!stop)
            send_resp(s, q.stream_id, q.prg_index, PRG_FAILURE, false, 0);
        return SMMU_OK;
    }
    if (!priq_overflowed(s) && queue_full(&s->r.priq)) {
        /* 8.1: a message arriving while the queue is full toggles OVFLG (no overflow is
         * pending here) and is handled as discarded in the overflow condition */
        s->r.priq.prod ^= (uint32_t)REG_MASK(PRIQ_PROD, OVFLG);
    }
    if (priq_overflowed(s)) {
        /* 8.1: no entries are written until OVACKFLG == OVFLG; a PPR with Last == 1 gets an
         * automatic response, Last == 0 PPRs and Stop markers are dropped silently */
        s->stats.pri_dropped++;
        if (q.last && !stop)
            overflow_resp(s, &q);
        /* 6.3.36: with LO == 1, a Last == 1 message discarded because of an overflow still
         * generates the interrupt */
        if (q.last && REG_GET(PRIQ_IRQ_CFG2, LO, s->r.priq_irq_cfg2))
            irq_signal(s, IRQSRC_PRIQ);
        return SMMU_OK;
    }
    if (!priq_write(s, &q)) {
        /* 8.2: synchronous abort (our choice): Response Failure for this PPR, no PASID */
        s->stats.pri_dropped++;
        if (!stop)
            send_resp(s, q.stream_id, q.prg_index, PRG_FAILURE, false, 0);
    }
    return SMMU_OK;
}

bool priq_cmd_resp(smmu_t *s, const uint64_t *cmd)
{
    unsigned resp = (unsigned)CMD_GET(RESP, cmd);
    if (!s->cfg.pri || resp == 3)
        return false; /* 4.5.2: ILLEGAL without IDR0.PRI, or with Resp == 0b11 (Reserved) */
    if (!smmu_enabled(s))
        return true; /* 4.5.2, 6.3.9.6: IGNORED while SMMUEN == 0 */
    /* 4.5.2 / 8.3: Resp 0b00 ResponseFailure, 0b01 InvalidRequest, 0b10 Success */
    static const uint8_t code[3] = {PRG_FAILURE, PRG_INVALID_REQUEST, PRG_SUCCESS};
    /* 4.5.2: with SSV == 1 the response carries the SubstreamID as its PASID; without PASID
     * support SSV == 1 is CONSTRAINED UNPREDICTABLE: we behave as SSV == 0 */
    bool ssv = CMD_GET(SSV, cmd) != 0 && s->cfg.ssidsize != 0;
    send_resp(s, (uint32_t)CMD_GET(STREAMID, cmd), (uint16_t)CMD_GET(PRGINDEX, cmd), code[resp],
              ssv, (uint32_t)CMD_GET(SUBSTREAMID, cmd));
    return true;
}
