// SPDX-License-Identifier: Apache-2.0
// The floor of an out-of-line translation call: what any smmu_translate() costs before it
// translates anything. In its own translation unit so the compiler cannot see through it.
#include "bench_floor.h"

namespace bench {

__attribute__((noinline)) void floor_call_result(void* ctx, const smmu_txn_t* t, smmu_xlate_t* o)
{
    (void)ctx;
    // the fields a successful translation reports (smmuv3_types.h), from one saved mapping
    o->status = SMMU_XLATE_OK;
    o->pa = 0x80000000u + (t->iova & 0xFFFu);
    o->page_mask = 0xFFF;
    o->perm = SMMU_PERM_R | SMMU_PERM_W;
    o->mem_attr = 0;
    o->hit = SMMU_HIT_UTLB;
    o->recorded = false;
    o->stall_tag = 0;
    o->event.type = 0;
    o->work = smmu_work_t{};
}

}  // namespace bench
