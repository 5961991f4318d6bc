/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Field constants and accessors, derived from the .def tables in model/defs (house style B5).
 * Every architectural bit position lives in a .def file; this header only turns each row
 * into <PREFIX>_<NAME>_LSB / _WIDTH constants and provides the accessors.
 */
#ifndef SMMUV3_SRC_FIELDS_H
#define SMMUV3_SRC_FIELDS_H

#include <stdint.h>

/* Register fields: SMMU_<REG>_<FIELD>_LSB / _WIDTH */
#define SMMU_REG(n, off, w)
#define SMMU_FIELD(r, f, msb, lsb) \
    enum { SMMU_##r##_##f##_LSB = (lsb), SMMU_##r##_##f##_WIDTH = (msb) - (lsb) + 1 };
#include "regs.def"
#undef SMMU_FIELD
#undef SMMU_REG

/* Register offsets: SMMU_OFF_<REG> */
#define SMMU_REG(n, off, w) SMMU_OFF_##n = (off),
#define SMMU_FIELD(r, f, msb, lsb)
enum smmu_reg_offset {
#include "regs.def"
};
#undef SMMU_FIELD
#undef SMMU_REG

/* Records: <PREFIX>_<NAME>_LSB / _WIDTH, bit numbers across the whole record */
#define STE_FIELD(f, msb, lsb) enum { STE_##f##_LSB = (lsb), STE_##f##_WIDTH = (msb) - (lsb) + 1 };
#define L1STD_FIELD(f, msb, lsb) \
    enum { L1STD_##f##_LSB = (lsb), L1STD_##f##_WIDTH = (msb) - (lsb) + 1 };
#include "ste.def"
#undef STE_FIELD
#undef L1STD_FIELD

#define CD_FIELD(f, msb, lsb) enum { CD_##f##_LSB = (lsb), CD_##f##_WIDTH = (msb) - (lsb) + 1 };
#define L1CD_FIELD(f, msb, lsb) \
    enum { L1CD_##f##_LSB = (lsb), L1CD_##f##_WIDTH = (msb) - (lsb) + 1 };
#include "cd.def"
#undef CD_FIELD
#undef L1CD_FIELD

#define CMD_OP(n, op) CMD_##n = (op),
#define CMD_FIELD(f, msb, lsb)
#define CMD_USES(n, f)
enum smmu_cmd_opcode {
#include "cmd.def"
};
#undef CMD_OP
#undef CMD_FIELD
#define CMD_OP(n, op)
#define CMD_FIELD(f, msb, lsb) \
    enum { CMDF_##f##_LSB = (lsb), CMDF_##f##_WIDTH = (msb) - (lsb) + 1 };
#include "cmd.def"
#undef CMD_OP
#undef CMD_FIELD
#undef CMD_USES

#define EVT_ID(n, id) EVT_##n = (id),
#define EVT_FIELD(f, msb, lsb)
enum smmu_evt_id {
#include "evt.def"
};
#undef EVT_ID
#undef EVT_FIELD
#define EVT_ID(n, id)
#define EVT_FIELD(f, msb, lsb) \
    enum { EVTF_##f##_LSB = (lsb), EVTF_##f##_WIDTH = (msb) - (lsb) + 1 };
#include "evt.def"
#undef EVT_ID
#undef EVT_FIELD

#define PRIQ_FIELD(f, msb, lsb) \
    enum { PRIQ_##f##_LSB = (lsb), PRIQ_##f##_WIDTH = (msb) - (lsb) + 1 };
#include "priq.def"
#undef PRIQ_FIELD

#define PTE_FIELD(f, msb, lsb) enum { PTE_##f##_LSB = (lsb), PTE_##f##_WIDTH = (msb) - (lsb) + 1 };
#include "pte.def"
#undef PTE_FIELD

/* PMCG register frame (chapter 10): SMMU_PMCG_<REG>_<FIELD>_LSB / _WIDTH,
 * SMMU_PMCG_OFF_<REG> (offset within the group's page), PMCG_EVT_<NAME> (event IDs) */
#define PMCG_REG(n, off, w)
#define PMCG_FIELD(r, f, msb, lsb) \
    enum { SMMU_PMCG_##r##_##f##_LSB = (lsb), SMMU_PMCG_##r##_##f##_WIDTH = (msb) - (lsb) + 1 };
#define PMCG_EVENT(n, id, filt, ats)
#include "pmcg.def"
#undef PMCG_REG
#undef PMCG_FIELD
#define PMCG_REG(n, off, w) SMMU_PMCG_OFF_##n = (off),
#define PMCG_FIELD(r, f, msb, lsb)
enum smmu_pmcg_offset {
#include "pmcg.def"
};
#undef PMCG_REG
#undef PMCG_EVENT
#define PMCG_REG(n, off, w)
#define PMCG_EVENT(n, id, filt, ats) PMCG_EVT_##n = (id),
enum smmu_pmcg_event {
#include "pmcg.def"
};
#undef PMCG_EVENT
#undef PMCG_FIELD
#undef PMCG_REG

/* ---- accessors ---- */

static inline uint64_t bits_mask(unsigned width)
{
    return width >= 64 ? ~UINT64_C(0) : ((UINT64_C(1) << width) - 1);
}

/* Field of a single 64-bit value (registers, descriptors). */
static inline uint64_t val_get(uint64_t v, unsigned lsb, unsigned width)
{
    return (v >> lsb) & bits_mask(width);
}

static inline uint64_t val_set(uint64_t v, unsigned lsb, unsigned width, uint64_t x)
{
    uint64_t m = bits_mask(width) << lsb;
    return (v & ~m) | ((x << lsb) & m);
}

/* Field of a multi-dword record; fields never straddle a dword (checked by a unit test). */
static inline uint64_t rec_get(const uint64_t *rec, unsigned lsb, unsigned width)
{
    return val_get(rec[lsb / 64], lsb % 64, width);
}

static inline void rec_set(uint64_t *rec, unsigned lsb, unsigned width, uint64_t x)
{
    rec[lsb / 64] = val_set(rec[lsb / 64], lsb % 64, width, x);
}

#define FMASK(P) ((~UINT64_C(0) >> (64 - (P##_WIDTH))) << (P##_LSB))
#define VGET(P, v) val_get((v), P##_LSB, P##_WIDTH)
#define VSET(P, v, x) val_set((v), P##_LSB, P##_WIDTH, (uint64_t)(x))
#define RGET(P, rec) rec_get((rec), P##_LSB, P##_WIDTH)
#define RSET(P, rec, x) rec_set((rec), P##_LSB, P##_WIDTH, (uint64_t)(x))

/* Register field helpers: REG_GET(CR0, SMMUEN, v) */
#define REG_GET(r, f, v) VGET(SMMU_##r##_##f, v)
#define REG_SET(r, f, v, x) VSET(SMMU_##r##_##f, v, x)
#define REG_MASK(r, f) FMASK(SMMU_##r##_##f)

#endif /* SMMUV3_SRC_FIELDS_H */
