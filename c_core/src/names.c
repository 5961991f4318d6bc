/* SPDX-License-Identifier: Apache-2.0 */
/* Spec names of events, commands and registers, generated from the .def tables. */
#include "internal.h"

const char *smmu_event_name(unsigned type)
{
    switch (type) {
#define EVT_ID(n, id) \
    case id: return #n;
#define EVT_FIELD(f, msb, lsb)
#include "evt.def"
#undef EVT_ID
#undef EVT_FIELD
    default: return NULL;
    }
}

const char *smmu_cmd_name(unsigned opcode)
{
    switch (opcode) {
#define CMD_OP(n, op) \
    case op: return "CMD_" #n;
#define CMD_FIELD(f, msb, lsb)
#define CMD_USES(n, f)
#include "cmd.def"
#undef CMD_OP
#undef CMD_FIELD
#undef CMD_USES
    default: return NULL;
    }
}

const char *smmu_reg_name(uint64_t offset)
{
    switch (offset) {
#define SMMU_REG(n, off, w) \
    case off: return "SMMU_" #n;
#define SMMU_FIELD(r, f, msb, lsb)
#include "regs.def"
#undef SMMU_REG
#undef SMMU_FIELD
    default: return NULL;
    }
}
