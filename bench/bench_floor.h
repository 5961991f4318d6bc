// SPDX-License-Identifier: Apache-2.0
#ifndef SMMUV3_BENCH_FLOOR_H
#define SMMUV3_BENCH_FLOOR_H

#include "smmuv3/smmuv3.h"

namespace bench {

// A call with smmu_translate()'s signature that only stores a fixed result: the floor of
// the same-page path (bench_floor.cc).
void floor_call_result(void* ctx, const smmu_txn_t* t, smmu_xlate_t* o);

}  // namespace bench

#endif
