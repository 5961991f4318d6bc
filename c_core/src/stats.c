/* SPDX-License-Identifier: Apache-2.0 */
/* Statistics: global counters and optional per-StreamID counters. */
#include "cache.h"

#define SMMU_MAX_TRACKED_STREAMS 1024

void smmu_stats_get(const smmu_t *smmu, smmu_stats_t *out)
{
    *out = smmu->stats;
    /* the same-page path counts with one counter (translate.c) */
    out->translations += smmu->fast_hits;
    out->utlb.lookups += smmu->fast_hits;
    out->utlb.hits += smmu->fast_hits;
}

void smmu_stats_reset(smmu_t *smmu)
{
    memset(&smmu->stats, 0, sizeof smmu->stats);
    smmu->fast_hits = 0;
    for (unsigned i = 0; i < smmu->nstreams; i++)
        memset(&smmu->streams[i].st, 0, sizeof smmu->streams[i].st);
}

void stats_streams_free(smmu_t *smmu)
{
    smmu_free(smmu, smmu->streams, sizeof(*smmu->streams) * SMMU_MAX_TRACKED_STREAMS);
    smmu->streams = NULL;
    smmu->nstreams = 0;
    smmu->track_last_valid = false;
}

static struct smmu_stream_track *track_search(const smmu_t *smmu, uint32_t sid)
{
    for (unsigned i = 0; i < smmu->nstreams; i++)
        if (smmu->streams[i].used && smmu->streams[i].sid == sid)
            return &smmu->streams[i];
    return NULL;
}

/* Remembers the answer for stats_stream_find() (cache.h). */
struct smmu_stream_track *stats_stream_search(smmu_t *smmu, uint32_t sid)
{
    smmu->track_last = track_search(smmu, sid);
    smmu->track_last_sid = sid;
    smmu->track_last_valid = true;
    return smmu->track_last;
}

smmu_status_t smmu_stats_track_stream(smmu_t *smmu, uint32_t sid, bool on)
{
    struct smmu_stream_track *t = track_search(smmu, sid);
    smmu->epoch++; /* the fast entries remember which track counts their stream */
    smmu->track_last_valid = false;
    if (!on) {
        if (t)
            t->used = false;
        return SMMU_OK;
    }
    if (t)
        return SMMU_OK;
    if (!smmu->streams) {
        smmu->streams = smmu_alloc(smmu, sizeof(*smmu->streams) * SMMU_MAX_TRACKED_STREAMS);
        if (!smmu->streams)
            return SMMU_E_NOMEM;
    }
    for (unsigned i = 0; i < smmu->nstreams; i++) {
        if (!smmu->streams[i].used) {
            t = &smmu->streams[i];
            break;
        }
    }
    if (!t) {
        if (smmu->nstreams == SMMU_MAX_TRACKED_STREAMS)
            return SMMU_E_NOMEM;
        t = &smmu->streams[smmu->nstreams++];
    }
    memset(t, 0, sizeof *t);
    t->sid = sid;
    t->used = true;
    return SMMU_OK;
}

smmu_status_t smmu_stream_stats_get(const smmu_t *smmu, uint32_t sid, smmu_stream_stats_t *out)
{
    const struct smmu_stream_track *t = track_search(smmu, sid);
    if (!t)
        return SMMU_E_NOTFOUND;
    *out = t->st;
    return SMMU_OK;
}

void stats_stream_note(smmu_t *smmu, uint32_t sid, const smmu_xlate_t *x)
{
    struct smmu_stream_track *t = stats_stream_find(smmu, sid);
    if (!t)
        return;
    t->st.translations++;
    if (x->hit == SMMU_HIT_UTLB)
        t->st.utlb_hits++;
    else if (x->hit == SMMU_HIT_IOTLB)
        t->st.iotlb_hits++;
    else if (x->hit == SMMU_HIT_WALK)
        t->st.iotlb_misses++;
    if (x->status == SMMU_XLATE_FAULT || x->status == SMMU_XLATE_STALL ||
        x->status == SMMU_XLATE_RAZWI)
        t->st.faults++;
}
