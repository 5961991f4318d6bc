/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Configuration cache: decoded STEs (tag StreamID) and CDs (tag StreamID, SubstreamID).
 * Arm IHI 0070 G.b 4.3 (CFGI_*): an STE invalidation also removes every CD reached through
 * that StreamID. Structures that fail to decode (C_BAD_*) are never cached. L1STDs and
 * L1CDs are not cached (re-read on every STE/CD miss), which is always correct.
 */
#include "cache.h"
#include "kcache.h"

struct smmu_cfgc {
    kcache_t ste;
    kcache_t cd;
};

size_t cfgc_footprint(const smmu_config_t *cfg)
{
    return sizeof(struct smmu_cfgc) + kc_footprint(&cfg->ste_cache, sizeof(smmu_ste_t)) +
           kc_footprint(&cfg->cd_cache, sizeof(smmu_cd_t));
}

struct smmu_cfgc *cfgc_create(smmu_t *smmu)
{
    struct smmu_cfgc *c = smmu_alloc(smmu, sizeof *c);
    if (!c)
        return NULL;
    if (!kc_init(smmu, &c->ste, &smmu->cfg.ste_cache, sizeof(smmu_ste_t), &smmu->stats.ste_cache) ||
        !kc_init(smmu, &c->cd, &smmu->cfg.cd_cache, sizeof(smmu_cd_t), &smmu->stats.cd_cache)) {
        cfgc_destroy(smmu, c);
        return NULL;
    }
    c->ste.gen_sink = c->cd.gen_sink = &smmu->cfg_gen;
    return c;
}

void cfgc_destroy(smmu_t *smmu, struct smmu_cfgc *c)
{
    if (!c)
        return;
    kc_free(smmu, &c->ste);
    kc_free(smmu, &c->cd);
    smmu_free(smmu, c, sizeof *c);
}

void cfgc_flush(smmu_t *smmu, struct smmu_cfgc *c)
{
    kc_flush(&c->ste, smmu->cfg.seed);
    kc_flush(&c->cd, smmu->cfg.seed + 1);
}

const smmu_ste_t *cfgc_ste_lookup(smmu_t *smmu, uint32_t sid)
{
    return kc_lookup(&smmu->cfgc->ste, sid, 0);
}

const smmu_ste_t *cfgc_ste_insert(smmu_t *smmu, uint32_t sid, const smmu_ste_t *ste)
{
    return kc_insert(&smmu->cfgc->ste, sid, 0, ste);
}

const smmu_cd_t *cfgc_cd_lookup(smmu_t *smmu, uint32_t sid, uint32_t ssid_tag)
{
    return kc_lookup(&smmu->cfgc->cd, sid, ssid_tag);
}

const smmu_cd_t *cfgc_cd_insert(smmu_t *smmu, uint32_t sid, uint32_t ssid_tag, const smmu_cd_t *cd)
{
    return kc_insert(&smmu->cfgc->cd, sid, ssid_tag, cd);
}

typedef struct sid_range {
    uint64_t lo, hi;
} sid_range_t;

static bool in_sid_range(uint64_t k0, uint64_t k1, const void *p, const void *arg)
{
    const sid_range_t *r = arg;
    (void)k1;
    (void)p;
    return k0 >= r->lo && k0 <= r->hi;
}

void cfgc_inv_ste(smmu_t *smmu, uint32_t lo, uint32_t hi)
{
    struct smmu_cfgc *c = smmu->cfgc;
    sid_range_t r = {lo, hi};
    if (lo == hi) {
        kc_remove(&c->ste, lo, 0);
    } else {
        kc_remove_if(&c->ste, in_sid_range, &r);
    }
    kc_remove_if(&c->cd, in_sid_range, &r);
}

void cfgc_inv_cd(smmu_t *smmu, uint32_t sid, uint32_t ssid_tag, bool all)
{
    struct smmu_cfgc *c = smmu->cfgc;
    if (!all) {
        kc_remove(&c->cd, sid, ssid_tag);
        return;
    }
    sid_range_t r = {sid, sid};
    kc_remove_if(&c->cd, in_sid_range, &r);
}

uint64_t cfgc_gen(const smmu_t *smmu)
{
    return smmu->cfg_gen;
}

bool cfgc_cached(const smmu_t *smmu, const void *p)
{
    return kc_owns(&smmu->cfgc->ste, p) || kc_owns(&smmu->cfgc->cd, p);
}

void cfgc_memo_fill(smmu_t *smmu, smmu_memo_t *m)
{
    m->gen = cfgc_gen(smmu);
    m->ste_idx = kc_index_of(&smmu->cfgc->ste, m->ste);
    m->cd_idx = m->cd ? kc_index_of(&smmu->cfgc->cd, m->cd) : 0;
    m->ste_pol = &smmu->cfgc->ste.pol;
    m->cd_pol = &smmu->cfgc->cd.pol;
}

void cfgc_memo_hit(smmu_t *smmu, const smmu_memo_t *m)
{
    kc_hit_index(&smmu->cfgc->ste, m->ste_idx);
    if (m->cd)
        kc_hit_index(&smmu->cfgc->cd, m->cd_idx);
}
