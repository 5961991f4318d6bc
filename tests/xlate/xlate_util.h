// SPDX-License-Identifier: Apache-2.0
// Small helpers shared by the translation tests (on top of pt_builder.h).
#ifndef SMMUV3_TESTS_XLATE_XLATE_UTIL_H
#define SMMUV3_TESTS_XLATE_XLATE_UTIL_H

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>

#include "pt_builder.h"

namespace xlt {

constexpr uint64_t KB = 1024, MB = KB * 1024, GB = MB * 1024, TB = GB * 1024;

inline const char* gname(unsigned g)
{
    return g == 12 ? "4K" : g == 14 ? "16K" : "64K";
}

// A stage-1 stream (Config 0b101) with its CD and one translation table per half.
struct S1 {
    Rig& rig;
    uint32_t sid;
    PageTable pt;  // TTB0
    Cd cd;
    uint64_t cd_pa = 0;
    Ste ste;

    S1(Rig& r, unsigned gshift = 12, unsigned t0sz = 25, uint32_t sid_ = 1)
        : rig(r), sid(sid_), pt(r.mem(), r.alloc(), 1, gshift, 64 - t0sz)
    {
        cd.t0sz = t0sz;
        cd.tg0 = tg0_of(gshift);
        cd.ttb0 = pt.root();
    }
    // Write the CD and the STE (call again after changing cd/ste).
    void commit()
    {
        if (!cd_pa)
            cd_pa = rig.alloc().get(64, 64);
        rig.write_cd(cd_pa, cd);
        ste.config = 0b101;
        ste.s1_context_ptr = cd_pa;
        rig.set_ste(sid, ste);
    }
};

inline ::testing::AssertionResult Translated(const smmu_xlate_t& x, uint64_t pa)
{
    if (x.status == SMMU_XLATE_OK && x.pa == pa)
        return ::testing::AssertionSuccess();
    char b[64];
    std::snprintf(b, sizeof b, "want OK pa=0x%llx, got ", static_cast<unsigned long long>(pa));
    return ::testing::AssertionFailure() << b << describe(x);
}

inline bool terminated(const smmu_xlate_t& x)
{
    return x.status == SMMU_XLATE_FAULT || x.status == SMMU_XLATE_ABORT;
}

// Exactly one event was written since the last drain; returns it (or a zero record).
inline Event one_event(Rig& r)
{
    std::vector<Event> v = r.events();
    EXPECT_EQ(v.size(), 1u) << "events in the queue: " << v.size()
                            << (v.empty() ? "" : (" first: " + v[0].str()));
    return v.empty() ? Event() : v[0];
}

// Fault with one recorded event of this type; returns the event.
inline Event expect_fault(Rig& r, const smmu_xlate_t& x, unsigned type)
{
    EXPECT_EQ(x.status, SMMU_XLATE_FAULT) << describe(x);
    Event e = one_event(r);
    EXPECT_EQ(e.type(), type) << e.str();
    return e;
}

// A stage-1 translation-related fault on the input (S2 = 0, CLASS = IN, 7.3.13).
inline Event expect_s1_fault(Rig& r, const smmu_xlate_t& x, unsigned type, uint64_t va)
{
    Event e = expect_fault(r, x, type);
    EXPECT_FALSE(e.s2()) << e.str();
    EXPECT_EQ(e.cls(), CLASS_IN) << e.str();
    EXPECT_EQ(e.input_addr(), va) << e.str();
    return e;
}

inline Event expect_s2_fault(Rig& r, const smmu_xlate_t& x, unsigned type, unsigned cls,
                             uint64_t ipa, uint64_t in)
{
    Event e = expect_fault(r, x, type);
    EXPECT_TRUE(e.s2()) << e.str();
    EXPECT_EQ(e.cls(), cls) << e.str();
    EXPECT_EQ(e.ipa(), ipa & ~UINT64_C(0xFFF)) << e.str();
    EXPECT_EQ(e.input_addr(), in) << e.str();
    return e;
}

inline void expect_no_events(Rig& r)
{
    std::vector<Event> v = r.events();
    EXPECT_TRUE(v.empty()) << "unexpected event " << (v.empty() ? "" : v[0].str());
}

}  // namespace xlt

#endif
