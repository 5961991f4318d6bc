// SPDX-License-Identifier: Apache-2.0
// Resource limits: a configuration that would need absurd memory is rejected by
// smmu_config_check() with a reason, before anything is allocated; every accepted
// configuration needs at most 1 GiB, and smmu_create() allocates what smmu_config_footprint()
// announces.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "fake_mem.h"
#include "rob_rig.h"

using namespace rob;

namespace {

constexpr uint64_t kLimit = uint64_t{1} << 30;  // c_core/src/smmu.c SMMU_MAX_FOOTPRINT

// An allocator that counts what it hands out (lua_Alloc semantics).
struct Counting {
    uint64_t calls = 0, live = 0, peak = 0;
    static void* alloc(void* ctx, void* p, size_t osize, size_t nsize)
    {
        auto* c = static_cast<Counting*>(ctx);
        c->calls++;
        if (nsize == 0) {
            c->live -= p ? osize : 0;
            std::free(p);
            return nullptr;
        }
        void* q = std::realloc(p, nsize);
        if (q) {
            c->live += nsize - (p ? osize : 0);
            c->peak = std::max(c->peak, c->live);
        }
        return q;
    }
};

// A host whose memory is a FakeMem and whose allocator counts; it must outlive the instance.
struct Host {
    FakeMem mem;
    Counting cnt;
};

smmu_status_t create_counted(const smmu_config_t& c, Host& host, smmu_t** s)
{
    smmu_host_ops_t ops{};
    ops.version = SMMU_HOST_OPS_VERSION;
    ops.ctx = &host;
    ops.mem_read = [](void* ctx, uint64_t pa, void* buf, size_t len, const smmu_mem_attr_t*) {
        static_cast<Host*>(ctx)->mem.read(pa, buf, len);
        return SMMU_MEM_OK;
    };
    ops.mem_write = [](void* ctx, uint64_t pa, const void* buf, size_t len,
                       const smmu_mem_attr_t*) {
        static_cast<Host*>(ctx)->mem.write(pa, buf, len);
        return SMMU_MEM_OK;
    };
    ops.alloc = [](void* ctx, void* p, size_t o, size_t n) {
        return Counting::alloc(&static_cast<Host*>(ctx)->cnt, p, o, n);
    };
    return smmu_create(&c, &ops, s);
}

struct Absurd {
    const char* what;
    void (*spoil)(smmu_config_t&);
};

const smmu_cache_geom_t k4M = {1u << 22, 8, SMMU_POLICY_LRU};
const smmu_cache_geom_t k4MFull = {1u << 22, 1u << 22, SMMU_POLICY_LRU};

}  // namespace

TEST(Limits, AbsurdConfigurationsAreRejectedWithAReasonAndNothingIsAllocated)
{
    const Absurd cases[] = {
        {"IOTLB above 4M entries", [](smmu_config_t& c) { c.iotlb = {(1u << 22) * 2, 8, SMMU_POLICY_LRU}; }},
        {"walk cache of 2^31 entries", [](smmu_config_t& c) { c.walk_s1 = {1u << 31, 8, SMMU_POLICY_LRU}; }},
        {"no ports", [](smmu_config_t& c) { c.num_ports = 0; }},
        {"65535 ports", [](smmu_config_t& c) { c.num_ports = 65535; }},
        {"9 PMCGs", [](smmu_config_t& c) { c.pmcg_count = 9; }},
        {"255 PMCGs", [](smmu_config_t& c) { c.pmcg_count = 255; }},
        {"255 counters", [](smmu_config_t& c) { c.pmcg_counters = 255; }},
        {"2^20-entry queues", [](smmu_config_t& c) { c.cmdqs = 20; }},
        {"2^255-entry event queue", [](smmu_config_t& c) { c.eventqs = 255; }},
        {"33-bit StreamIDs", [](smmu_config_t& c) { c.sidsize = 33; }},
        {"every cache at 4M entries",
         [](smmu_config_t& c) {
             c.iotlb = c.ste_cache = c.cd_cache = c.walk_s1 = c.walk_s2 = k4M;
         }},
        {"256 ports of 4M-entry micro-TLBs",
         [](smmu_config_t& c) {
             c.num_ports = 256;
             c.utlb = k4MFull;
         }},
        {"16 ports of 4M-entry micro-TLBs",
         [](smmu_config_t& c) {
             c.num_ports = 16;
             c.utlb = k4MFull;
         }},
    };
    for (const Absurd& a : cases) {
        SCOPED_TRACE(a.what);
        smmu_config_t c = smmu_config_default();
        a.spoil(c);
        const char* why = nullptr;
        EXPECT_EQ(smmu_config_check(&c, &why), SMMU_E_CONFIG);
        ASSERT_NE(why, nullptr);
        EXPECT_GT(std::string(why).size(), 10u) << "a reason a user can act on";
        EXPECT_EQ(smmu_config_footprint(&c), 0u);
        Host host;
        smmu_t* s = nullptr;
        EXPECT_EQ(create_counted(c, host, &s), SMMU_E_CONFIG);
        EXPECT_EQ(s, nullptr);
        EXPECT_EQ(host.cnt.calls, 0u) << "an allocation was attempted";
    }
}

// The largest caches the check accepts one at a time, and what it says about the total.
TEST(Limits, OneLargeCacheIsAcceptedButNotAllOfThem)
{
    smmu_config_t c = smmu_config_default();
    c.iotlb = k4M;
    EXPECT_EQ(smmu_config_check(&c, nullptr), SMMU_OK);
    EXPECT_LE(smmu_config_footprint(&c), kLimit);
    c.walk_s2 = k4M;
    c.ste_cache = k4M;
    const char* why = nullptr;
    EXPECT_EQ(smmu_config_check(&c, &why), SMMU_E_CONFIG);
    ASSERT_NE(why, nullptr);
    EXPECT_NE(std::string(why).find("1 GiB"), std::string::npos) << why;
}

// Random accepted configurations: the footprint is within the limit, and smmu_create()
// allocates exactly what smmu_config_footprint() announced (everything at create time,
// docs/architecture.md), and frees all of it.
TEST(Limits, CreateAllocatesWhatTheFootprintSays)
{
    Rng rng(test_seed(0x11A1));
    const smmu_policy_t pols[] = {SMMU_POLICY_LRU, SMMU_POLICY_LFU, SMMU_POLICY_FIFO,
                                  SMMU_POLICY_RANDOM, SMMU_POLICY_PLRU};
    unsigned accepted = 0;
    const unsigned n = scaled(60);
    for (unsigned i = 0; i < n; i++) {
        smmu_config_t c = smmu_config_default();
        smmu_cache_geom_t* caches[] = {&c.iotlb, &c.ste_cache, &c.cd_cache, &c.walk_s1, &c.walk_s2};
        for (smmu_cache_geom_t* g : caches) {
            uint32_t ways = 1u << rng.below(5);
            *g = {static_cast<uint32_t>(ways << rng.below(10)), ways, pols[rng.below(5)]};
            if (rng.chance(10))
                g->entries = 0;
        }
        uint32_t u = static_cast<uint32_t>(rng.range(0, 64));
        c.utlb = {u, u, rng.chance(50) ? SMMU_POLICY_LRU : SMMU_POLICY_FIFO};
        c.num_ports = static_cast<uint16_t>(rng.range(1, 256));
        c.pmcg_count = static_cast<uint8_t>(rng.below(9));
        c.pmcg_counters = static_cast<uint8_t>(rng.range(1, 64));
        c.stall_max = static_cast<uint16_t>(rng.range(1, 4096));
        if (smmu_config_check(&c, nullptr) != SMMU_OK)
            continue;
        accepted++;
        size_t fp = smmu_config_footprint(&c);
        ASSERT_GT(fp, 0u);
        ASSERT_LE(fp, kLimit);
        Host host;
        smmu_t* s = nullptr;
        ASSERT_EQ(create_counted(c, host, &s), SMMU_OK);
        EXPECT_EQ(host.cnt.peak, fp) << "footprint differs from what smmu_create() allocated";
        smmu_destroy(s);
        EXPECT_EQ(host.cnt.live, 0u) << "smmu_destroy() leaked";
    }
    EXPECT_GT(accepted, n / 3);  // most random configurations are valid
}
