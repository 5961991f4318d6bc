/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Lifecycle, configuration and ID-register derivation.
 * Arm IHI 0070 G.b: 6.3.1-6.3.8 (ID registers), 6.3.170 (identification block).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cache.h"
#include "internal.h"
#include "pmcg.h"
#include "stall.h"

/* ---------------------------------------------------------------------------------------- */
/* Allocation and diagnostics                                                                */
/* ---------------------------------------------------------------------------------------- */

static void *default_alloc(void *ctx, void *ptr, size_t osize, size_t nsize)
{
    (void)ctx;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, nsize);
}

void *smmu_alloc(smmu_t *smmu, size_t size)
{
    void *p = smmu->ops.alloc(smmu->ops.ctx, NULL, 0, size);
    if (p)
        memset(p, 0, size);
    return p;
}

void smmu_free(smmu_t *smmu, void *ptr, size_t size)
{
    if (ptr)
        smmu->ops.alloc(smmu->ops.ctx, ptr, size, 0);
}

void smmu_logf(smmu_t *smmu, smmu_log_t cat, const char *fmt, ...)
{
    if (!smmu->ops.log || (cat == SMMU_LOG_TRACE && !smmu->trace))
        return;
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    smmu->ops.log(smmu->ops.ctx, cat, buf);
}

void smmu_set_trace(smmu_t *smmu, bool on)
{
    smmu->trace = on;
}

const char *smmu_status_str(smmu_status_t s)
{
    switch (s) {
    case SMMU_OK: return "ok";
    case SMMU_E_INVAL: return "invalid argument";
    case SMMU_E_NOMEM: return "out of memory";
    case SMMU_E_CONFIG: return "configuration rejected";
    case SMMU_E_UNSUPPORTED: return "not supported by this model";
    case SMMU_E_NOTFOUND: return "not found";
    }
    return "unknown status";
}

/* ---------------------------------------------------------------------------------------- */
/* Configuration                                                                             */
/* ---------------------------------------------------------------------------------------- */

smmu_config_t smmu_config_default(void)
{
    smmu_config_t c;
    memset(&c, 0, sizeof c);
    c.struct_size = sizeof c;
    c.arch_minor = 2;
    c.s1p = c.s2p = true;
    c.hyp = true;
    c.ats = true;
    c.pri = true;
    c.msi = true;
    c.sev = false;
    c.httu = 2;
    c.cohacc = true;
    c.asid16 = c.vmid16 = true;
    c.vmw = true;
    c.cd2l = true;
    c.st_2level = true;
    c.stall_model = 0;
    c.term_model = 0;
    c.ttendian = 0;
    c.sidsize = 16;
    c.ssidsize = 20;
    c.cmdqs = 19;
    c.eventqs = 19;
    c.priqs = 19;
    c.attr_types_ovr = c.attr_perms_ovr = true;
    c.had = c.xnx = c.ril = true;
    c.bbml = 1;
    c.oas_bits = 48;
    c.gran4k = c.gran16k = c.gran64k = true;
    c.stall_max = 64;
    c.iidr = 0;
    /* CoreSight identification: JEP106 Arm (continuation 4, code 0x3B), part 0x483 ("model") */
    c.pidr[0] = 0x83; c.pidr[1] = 0xB4; c.pidr[2] = 0x0B; c.pidr[3] = 0x00; c.pidr[4] = 0x04;
    c.gbpa_reset = 0;
    c.page0_alias = false;
    c.cmd_res0_check = false;
    c.evtq_irq_every_write = false;
    c.iotlb = (smmu_cache_geom_t){2048, 8, SMMU_POLICY_LRU};
    c.utlb = (smmu_cache_geom_t){32, 32, SMMU_POLICY_LRU};
    c.ste_cache = (smmu_cache_geom_t){256, 4, SMMU_POLICY_LRU};
    c.cd_cache = (smmu_cache_geom_t){256, 4, SMMU_POLICY_LRU};
    c.walk_s1 = (smmu_cache_geom_t){256, 4, SMMU_POLICY_LRU};
    c.walk_s2 = (smmu_cache_geom_t){256, 4, SMMU_POLICY_LRU};
    c.num_ports = 1;
    c.seed = 1;
    c.pmcg_count = 1;
    c.pmcg_counters = 8;
    c.pmcg_counter_bits = 48;
    return c;
}

static bool is_pow2(uint32_t x)
{
    return x && !(x & (x - 1));
}

static const char *check_cache(const smmu_cache_geom_t *g, bool fully_assoc_only)
{
    if (g->entries == 0)
        return NULL;
    if (g->entries > (1u << 22))
        return "cache larger than 4M entries";
    uint32_t ways = g->ways ? g->ways : g->entries;
    if (ways > g->entries || g->entries % ways)
        return "cache ways must divide its entries";
    if (!is_pow2(g->entries / ways))
        return "cache set count must be a power of two";
    if (fully_assoc_only && ways != g->entries)
        return "micro-TLB must be fully associative";
    if ((unsigned)g->policy > SMMU_POLICY_PLRU)
        return "unknown replacement policy";
    if (g->policy == SMMU_POLICY_PLRU && !is_pow2(ways))
        return "tree-PLRU needs a power-of-two number of ways";
    return NULL;
}

static const char *check_features(const smmu_config_t *c)
{
    if (c->arch_minor > 2)
        return "arch_minor above 2 (SMMUv3.2) is not modelled";
    if (!c->s1p && !c->s2p)
        return "at least one of s1p, s2p is needed";
    if (c->hyp && !(c->s1p && c->s2p))
        return "hyp needs both stages (IDR0.Hyp is RES0 otherwise)";
    if (c->pri && !c->ats)
        return "pri needs ats";
    if (c->httu > 2)
        return "httu must be 0, 1 or 2 (table-AF update, HTTU=3, is not modelled)";
    if (c->stall_model > 2)
        return "stall_model must be 0, 1 or 2";
    if (c->stall_model != 1 && c->stall_max == 0)
        return "stall_max must be at least 1 when stalls are supported";
    if (c->term_model > 1)
        return "term_model must be 0 or 1";
    if (c->ttendian == 1 || c->ttendian > 3)
        return "ttendian must be 0 (mixed), 2 (little) or 3 (big)";
    if (c->vmw && !c->s2p)
        return "vmw needs s2p";
    if (c->bbml > 2)
        return "bbml must be 0, 1 or 2";
    return NULL;
}

static const char *check_sizes(const smmu_config_t *c)
{
    if (c->sidsize > 32)
        return "sidsize above 32";
    if (c->sidsize >= 7 && !c->st_2level)
        return "sidsize >= 7 requires 2-level stream tables (6.3.2)";
    if (c->ssidsize > 20)
        return "ssidsize above 20";
    if (c->cmdqs > 19 || c->eventqs > 19 || c->priqs > 19)
        return "queue sizes above 2^19 entries";
    switch (c->oas_bits) {
    case 32: case 36: case 40: case 42: case 44: case 48: break;
    case 52:
        if (c->arch_minor < 1)
            return "52-bit OAS needs SMMUv3.1";
        break;
    default: return "oas_bits must be 32, 36, 40, 42, 44, 48 or 52";
    }
    if (!c->gran4k && !c->gran16k && !c->gran64k)
        return "at least one granule is needed";
    if (c->ds && (c->oas_bits != 52 || (!c->gran4k && !c->gran16k)))
        return "ds needs 52-bit OAS and a 4K or 16K granule";
    if (c->vax > 1)
        return "vax must be 0 or 1 (56-bit VA needs VMSAv9-128)";
    if (c->vax == 1 && (c->arch_minor < 1 || !(c->gran64k || c->ds)))
        return "vax=1 needs SMMUv3.1 and the 64K granule or ds";
    return NULL;
}

/* Bytes smmu_create() allocates for a configuration whose fields are individually valid.
 * Counted in 64 bits: 256 ports of 4M-entry micro-TLBs overflow a 32-bit size_t. */
static uint64_t footprint_of(const smmu_config_t *cfg)
{
    uint64_t n = sizeof(smmu_t);
    n += tlb_footprint(&cfg->iotlb);
    n += ((uint64_t)tlb_footprint(&cfg->utlb) + sizeof(void *) + sizeof(smmu_fast_t) +
          sizeof(smmu_memo_t) * SMMU_MEMO_SLOTS) *
         cfg->num_ports;
    n += cfgc_footprint(cfg) + walkc_footprint(cfg);
    n += stall_footprint(cfg) + pmcg_footprint(cfg);
    return n;
}

/* Resource limit (docs/robustness.md): every field may be within its own range and the whole
 * still need absurd memory (six 4M-entry caches and 256 ports of 4M-entry micro-TLBs need
 * about 150 GB). Such a configuration is refused before anything is allocated. The default
 * needs about 400 KB; one 4M-entry IOTLB about 600 MB. */
#define SMMU_MAX_FOOTPRINT (UINT64_C(1) << 30)

static const char *check_impl(const smmu_config_t *c)
{
    if (c->gbpa_reset & ~(REG_MASK(GBPA, MEMATTR) | REG_MASK(GBPA, MTCFG) |
                          REG_MASK(GBPA, ALLOCCFG) | REG_MASK(GBPA, SHCFG) |
                          REG_MASK(GBPA, PRIVCFG) | REG_MASK(GBPA, INSTCFG) |
                          REG_MASK(GBPA, ABORT)))
        return "gbpa_reset sets Update or RES0 bits";
    if (c->num_ports == 0 || c->num_ports > 256)
        return "num_ports must be 1..256";
    const char *why;
    if ((why = check_cache(&c->iotlb, false)) || (why = check_cache(&c->utlb, true)) ||
        (why = check_cache(&c->ste_cache, false)) || (why = check_cache(&c->cd_cache, false)) ||
        (why = check_cache(&c->walk_s1, false)) || (why = check_cache(&c->walk_s2, false)))
        return why;
    if (c->pmcg_count > 8)
        return "pmcg_count above 8";
    if (c->pmcg_count && (c->pmcg_counters == 0 || c->pmcg_counters > 64))
        return "pmcg_counters must be 1..64";
    if (c->pmcg_count) {
        switch (c->pmcg_counter_bits) {
        case 32: case 36: case 40: case 44: case 48: case 64: break;
        default: return "pmcg_counter_bits must be 32, 36, 40, 44, 48 or 64";
        }
    }
    if (footprint_of(c) > SMMU_MAX_FOOTPRINT)
        return "configuration needs more than 1 GiB (see smmu_config_footprint): reduce the "
               "cache sizes, num_ports or stall_max";
    return NULL;
}

smmu_status_t smmu_config_check(const smmu_config_t *cfg, const char **why)
{
    const char *w = NULL;
    if (!cfg)
        w = "no configuration";
    else if (cfg->struct_size != sizeof(smmu_config_t))
        w = "struct_size mismatch: initialise with smmu_config_default()";
    else if (!(w = check_features(cfg)) && !(w = check_sizes(cfg)))
        w = check_impl(cfg);
    if (why)
        *why = w;
    return w ? SMMU_E_CONFIG : SMMU_OK;
}

/* ---------------------------------------------------------------------------------------- */
/* ID registers (6.3.1 - 6.3.8)                                                              */
/* ---------------------------------------------------------------------------------------- */

static uint8_t oas_encode(uint8_t bits)
{
    switch (bits) {
    case 32: return 0;
    case 36: return 1;
    case 40: return 2;
    case 42: return 3;
    case 44: return 4;
    case 48: return 5;
    default: return 6;
    }
}

static void derive_idrs(smmu_t *s)
{
    const smmu_config_t *c = &s->cfg;
    uint64_t v = 0;
    v = REG_SET(IDR0, S2P, v, c->s2p);
    v = REG_SET(IDR0, S1P, v, c->s1p);
    v = REG_SET(IDR0, TTF, v, 2);            /* VMSAv8-64 only */
    v = REG_SET(IDR0, COHACC, v, c->cohacc);
    v = REG_SET(IDR0, BTM, v, c->btm);
    v = REG_SET(IDR0, HTTU, v, c->httu);
    v = REG_SET(IDR0, DORMHINT, v, c->dormhint);
    v = REG_SET(IDR0, HYP, v, c->hyp);
    v = REG_SET(IDR0, ATS, v, c->ats);
    v = REG_SET(IDR0, NS1ATS, v, c->ats && c->ns1ats);
    v = REG_SET(IDR0, ASID16, v, c->asid16);
    v = REG_SET(IDR0, MSI, v, c->msi);
    v = REG_SET(IDR0, SEV, v, c->sev);
    v = REG_SET(IDR0, PRI, v, c->pri);
    v = REG_SET(IDR0, VMW, v, c->vmw);
    v = REG_SET(IDR0, VMID16, v, c->vmid16);
    v = REG_SET(IDR0, CD2L, v, c->cd2l);
    v = REG_SET(IDR0, TTENDIAN, v, c->ttendian);
    v = REG_SET(IDR0, STALL_MODEL, v, c->stall_model);
    v = REG_SET(IDR0, TERM_MODEL, v, c->term_model);
    v = REG_SET(IDR0, ST_LEVEL, v, c->st_2level ? 1 : 0);
    s->idr[0] = (uint32_t)v;

    v = 0;
    v = REG_SET(IDR1, SIDSIZE, v, c->sidsize);
    v = REG_SET(IDR1, SSIDSIZE, v, c->ssidsize);
    v = REG_SET(IDR1, PRIQS, v, c->pri ? c->priqs : 0);
    v = REG_SET(IDR1, EVENTQS, v, c->eventqs);
    v = REG_SET(IDR1, CMDQS, v, c->cmdqs);
    v = REG_SET(IDR1, ATTR_PERMS_OVR, v, c->attr_perms_ovr);
    v = REG_SET(IDR1, ATTR_TYPES_OVR, v, c->attr_types_ovr);
    s->idr[1] = (uint32_t)v;
    s->idr[2] = 0;

    v = 0;
    v = REG_SET(IDR3, HAD, v, c->had);
    v = REG_SET(IDR3, XNX, v, c->xnx && c->s2p);
    v = REG_SET(IDR3, PPS, v, c->pri && c->pps);
    v = REG_SET(IDR3, STT, v, c->stt);
    v = REG_SET(IDR3, RIL, v, c->ril);
    v = REG_SET(IDR3, BBML, v, c->bbml);
    v = REG_SET(IDR3, E0PD, v, c->e0pd);
    s->idr[3] = (uint32_t)v;
    s->idr[4] = 0;

    v = 0;
    v = REG_SET(IDR5, OAS, v, oas_encode(c->oas_bits));
    v = REG_SET(IDR5, GRAN4K, v, c->gran4k);
    v = REG_SET(IDR5, GRAN16K, v, c->gran16k);
    v = REG_SET(IDR5, GRAN64K, v, c->gran64k);
    v = REG_SET(IDR5, DS, v, c->ds);
    v = REG_SET(IDR5, VAX, v, c->vax);
    v = REG_SET(IDR5, STALL_MAX, v, c->stall_model == 1 ? 0 : c->stall_max);
    s->idr[5] = (uint32_t)v;

    s->iidr = c->iidr;
    s->aidr = (uint32_t)REG_SET(AIDR, ARCHMINORREV, 0, c->arch_minor);
    s->oas_bits = c->oas_bits;
    /* 3.4: IAS = OAS when only VMSAv8-64 is implemented (IDR0.TTF == 0b10). */
    s->ias_bits = c->oas_bits;
}

/* ---------------------------------------------------------------------------------------- */
/* Lifecycle                                                                                 */
/* ---------------------------------------------------------------------------------------- */

const smmu_config_t *smmu_get_config(const smmu_t *smmu)
{
    return &smmu->cfg;
}

static void destroy_parts(smmu_t *s)
{
    tlb_destroy(s, s->iotlb);
    if (s->utlb) {
        for (unsigned i = 0; i < s->cfg.num_ports; i++)
            tlb_destroy(s, s->utlb[i]);
        smmu_free(s, s->utlb, sizeof(*s->utlb) * s->cfg.num_ports);
    }
    smmu_free(s, s->fast, sizeof(*s->fast) * s->cfg.num_ports);
    smmu_free(s, s->memo, sizeof(*s->memo) * SMMU_MEMO_SLOTS * s->cfg.num_ports);
    cfgc_destroy(s, s->cfgc);
    walkc_destroy(s, s->walkc);
    stall_destroy(s);
    pmcg_destroy(s);
    stats_streams_free(s);
}

static smmu_status_t create_parts(smmu_t *s)
{
    s->iotlb = tlb_create(s, &s->cfg.iotlb);
    s->utlb = smmu_alloc(s, sizeof(*s->utlb) * s->cfg.num_ports);
    s->fast = smmu_alloc(s, sizeof(*s->fast) * s->cfg.num_ports);
    s->memo = smmu_alloc(s, sizeof(*s->memo) * SMMU_MEMO_SLOTS * s->cfg.num_ports);
    if ((s->cfg.iotlb.entries && !s->iotlb) || !s->utlb || !s->fast || !s->memo)
        return SMMU_E_NOMEM;
    for (unsigned i = 0; i < s->cfg.num_ports; i++) {
        s->utlb[i] = utlb_create(s, &s->cfg.utlb, &s->fast[i]);
        if (s->cfg.utlb.entries && !s->utlb[i])
            return SMMU_E_NOMEM;
    }
    s->cfgc = cfgc_create(s);
    s->walkc = walkc_create(s);
    if (!s->cfgc || !s->walkc || !stall_create(s) || !pmcg_create(s))
        return SMMU_E_NOMEM;
    return SMMU_OK;
}

smmu_status_t smmu_create(const smmu_config_t *cfg, const smmu_host_ops_t *ops, smmu_t **out)
{
    if (!out || !ops || ops->version != SMMU_HOST_OPS_VERSION || !ops->mem_read ||
        !ops->mem_write)
        return SMMU_E_INVAL;
    *out = NULL;
    smmu_config_t def = smmu_config_default();
    if (!cfg)
        cfg = &def;
    if (smmu_config_check(cfg, NULL) != SMMU_OK)
        return SMMU_E_CONFIG;

    void *(*alloc)(void *, void *, size_t, size_t) = ops->alloc ? ops->alloc : default_alloc;
    smmu_t *s = alloc(ops->ctx, NULL, 0, sizeof *s);
    if (!s)
        return SMMU_E_NOMEM;
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    s->ops = *ops;
    s->ops.alloc = alloc;
    derive_idrs(s);
    xlate_init_tables(s);
    cmdq_init(s);
    smmu_status_t st = create_parts(s);
    if (st != SMMU_OK) {
        smmu_destroy(s);
        return st;
    }
    s->epoch = 1;   /* fast-path entries start invalid (epoch 0) */
    s->cfg_gen = 1; /* configuration memos start invalid (gen 0) */
    smmu_reset(s);
    *out = s;
    return SMMU_OK;
}

void smmu_destroy(smmu_t *smmu)
{
    if (!smmu)
        return;
    destroy_parts(smmu);
    smmu->ops.alloc(smmu->ops.ctx, smmu, sizeof *smmu, 0);
}

void smmu_reset(smmu_t *smmu)
{
    /* held transactions end with abort, reported to the host, before the state goes */
    if (smmu->stalls && smmu_stall_count(smmu))
        stall_terminate_all(smmu);
    regs_reset(smmu);
    tlb_flush(smmu, smmu->iotlb);
    for (unsigned i = 0; i < smmu->cfg.num_ports; i++)
        tlb_flush(smmu, smmu->utlb[i]);
    cfgc_flush(smmu, smmu->cfgc);
    walkc_flush(smmu, smmu->walkc);
    stall_reset(smmu);
    priq_reset(smmu);
    pmcg_reset(smmu);
    mem_dmi_drop(smmu, 0, UINT64_MAX);
    smmu->cmdq_sync_wait = false;
    smmu->atc_pending = 0;
    smmu->atc_timeout = false;
    smmu->epoch++;
    for (unsigned i = 0; i < smmu->cfg.num_ports; i++)
        smmu->fast[i].epoch = 0;
    for (unsigned i = 0; i < smmu->cfg.num_ports * SMMU_MEMO_SLOTS; i++)
        smmu->memo[i].gen = 0;
}

size_t smmu_config_footprint(const smmu_config_t *cfg)
{
    if (smmu_config_check(cfg, NULL) != SMMU_OK)
        return 0;
    return (size_t)footprint_of(cfg); /* at most SMMU_MAX_FOOTPRINT: checked above */
}

void smmu_invalidate_notify(smmu_t *smmu, int scope, uint32_t sid, uint64_t addr, uint64_t size)
{
    /* The fast entries need no epoch bump here: each is dropped with the micro-TLB entry it
     * copies (tlb.c), and every TLBI and CFGI removes those through the micro-TLBs. */
    if (!smmu->ops.invalidated)
        return;
    smmu_inval_t inv;
    memset(&inv, 0, sizeof inv);
    inv.scope = scope == SMMU_INVAL_STREAM ? SMMU_INVAL_STREAM
              : scope == SMMU_INVAL_RANGE  ? SMMU_INVAL_RANGE
                                           : SMMU_INVAL_ALL;
    inv.stream_id = sid;
    inv.addr = addr;
    inv.size = size;
    smmu->ops.invalidated(smmu->ops.ctx, &inv);
}
