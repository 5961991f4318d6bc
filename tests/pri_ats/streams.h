// SPDX-License-Identifier: Apache-2.0
// Streams for the ATS tests: stage 1 only, stage 2 only and nested, built with pa_rig.h.
#ifndef SMMUV3_TESTS_PRI_ATS_STREAMS_H
#define SMMUV3_TESTS_PRI_ATS_STREAMS_H

#include "pa_rig.h"

namespace pa {

constexpr uint64_t kVa = UINT64_C(0x40000000);   // input (VA) used by the tests
constexpr uint64_t kIpa = UINT64_C(0x80000000);  // stage-1 output / stage-2 input
constexpr uint64_t kPa = UINT64_C(0xC0000000);   // final output

// Stage 1 only (STE.Config 0b101) through one CD; with STE.S1CDMax > 0 a linear table of
// 2^S1CDMax identical CDs (STE.S1Fmt 0b00, 5.2).
struct S1Stream {
    Rig& r;
    uint32_t sid;
    PageTable pt;
    Cd cd;
    Ste ste;
    uint64_t cd_pa = 0;

    S1Stream(Rig& rig, uint32_t sid_) : r(rig), sid(sid_), pt(rig.table(1)) { cd.ttb0 = pt.root(); }
    void commit()
    {
        if (!cd_pa)
            cd_pa = r.alloc(64u << ste.s1cdmax);
        for (unsigned i = 0; i < (1u << ste.s1cdmax); i++)
            r.put_cd_at(cd_pa + 64 * uint64_t(i), cd);
        ste.s1ctxptr = cd_pa;
        r.set_ste(sid, ste);
        r.invalidate_all();
    }
};

// Nested (Config 0b111) or, with ste.config = 0b110, stage 2 only. Stage 2 identity-maps
// every page the rig allocated for CDs and stage-1 tables, so structure fetches translate.
struct NestedStream {
    Rig& r;
    uint32_t sid;
    PageTable s1;
    PageTable s2;
    Cd cd;
    Ste ste;
    uint64_t cd_pa = 0;

    NestedStream(Rig& rig, uint32_t sid_)
        : r(rig), sid(sid_), s1(rig.table(1)), s2(rig.table(2))
    {
        cd.ttb0 = s1.root();
        ste.config = 0b111;
        ste.s2ttb = s2.root();
    }
    void commit()
    {
        if (!cd_pa)
            cd_pa = r.alloc(64u << ste.s1cdmax);
        for (unsigned i = 0; i < (1u << ste.s1cdmax); i++)
            r.put_cd_at(cd_pa + 64 * uint64_t(i), cd);
        uint64_t top = r.alloc_mark();
        for (uint64_t p = Rig::kAllocBase; p < top; p += 4096)
            if (s2.pte(p) == 0)
                s2.map(p, p);
        ste.s1ctxptr = cd_pa;
        r.set_ste(sid, ste);
        r.invalidate_all();
    }
};

inline smmu_txn_t with_pasid(smmu_txn_t t, uint32_t ssid)
{
    t.ssv = true;
    t.substream_id = ssid;
    return t;
}

inline ::testing::AssertionResult Success(const smmu_xlate_t& x, uint8_t perm)
{
    if (x.status == SMMU_XLATE_OK && x.ats == SMMU_ATS_SUCCESS && x.perm == perm)
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "want Success perm=" << unsigned(perm) << ", got "
                                         << describe(x);
}

inline ::testing::AssertionResult Completion(const smmu_xlate_t& x, smmu_ats_status_t st)
{
    if (x.status == SMMU_XLATE_ABORT && x.ats == st)
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "want ABORT with ats=" << unsigned(st) << ", got "
                                         << describe(x);
}

}  // namespace pa

#endif
