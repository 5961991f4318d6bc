// SPDX-License-Identifier: Apache-2.0
// Property: a translation never produces an output address that the stream's tables do not
// map, and a bypass STE gives exactly the IOVA (or F_ADDR_SIZE beyond the OAS, 3.4). Random stage-1, stage-2 and nested translation tables (seeded) are written to memory,
// including broken entries (invalid, reserved, misplaced blocks, addresses beyond the PA size,
// AF = 0, no access, a table pointing back at the root), and every translation of the model
// is compared with an independent reference walk over the same memory (rob_rig.cc, written
// from DDI 0487 D8 and IHI 0070): every OK result must be the reference's PA, and every fault
// the reference's fault. Every walk must end within the number of memory reads its geometry
// allows.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <algorithm>
#include <memory>
#include <stdexcept>

#include "rob_rig.h"

using namespace rob;

namespace {

enum Kind { S1 = 1, S2 = 2, NESTED = 3, BYPASS = 4 };

struct Stream {
    uint32_t sid = 0;
    Kind kind = S1;
    std::unique_ptr<Tables> s1, s2;
    std::vector<uint64_t> points;  // input addresses worth translating
    std::vector<std::pair<uint64_t, uint64_t>> s2_regions;  // IPA ranges mapped at stage 2
};

struct Pool {
    uint64_t next, end;
};

uint64_t pool_alloc(void* ctx, uint64_t size)
{
    Pool* p = static_cast<Pool*>(ctx);
    uint64_t a = (p->next + size - 1) & ~(size - 1);
    if (a + size > p->end)
        throw std::runtime_error("pool exhausted");
    p->next = a + size;
    return a;
}

// Stage-2 reads of a nested stage-1 walk (table descriptors are read, never written).
bool s2_read(void* ctx, uint64_t ipa, uint64_t* pa, Ref* f)
{
    Ref r = static_cast<const Tables*>(ctx)->walk(ipa, false);
    if (!r.ok) {
        *f = r;
        return false;
    }
    *pa = r.pa;
    return true;
}

// The levels a leaf may sit at
std::vector<int> leaf_levels(const Tables& t)
{
    std::vector<int> v;
    for (int l = t.start_level(); l <= 3; l++)
        if (l == 3 || t.block_ok(l))
            v.push_back(l);
    return v;
}

class World {
public:
    World(const smmu_config_t& cfg, uint64_t seed) : rng_(seed)
    {
        RigOptions o;
        o.sid_bits = 5;
        o.evtq_log2 = 10;
        rig_ = std::make_unique<Rig>(cfg, o);
        uint32_t sid = 0;
        for (int i = 0; i < 3; i++)
            make_s1(sid++);
        for (int i = 0; i < 2; i++)
            make_s2(sid++);
        for (int i = 0; i < 2; i++)
            make_nested(sid++);
        // STE.Config = 0b100 (5.2): the transaction bypasses both stages, PA = IOVA
        Stream b;
        b.sid = sid++;
        b.kind = BYPASS;
        SteDesc ste;
        ste.config = 0b100;
        rig_->set_ste(b.sid, ste);
        streams_.push_back(std::move(b));
    }

    Rig& rig() { return *rig_; }
    std::vector<Stream>& streams() { return streams_; }
    Rng& rng() { return rng_; }

    Ref reference(const Stream& s, uint64_t ia, bool write) const
    {
        switch (s.kind) {
        case S1:
            return s.s1->walk(ia, write);
        case S2:
            if (ia >> 48) {  // beyond IAS (= OAS 48): IHI 0070 3.4.1, a stage-1 F_ADDR_SIZE
                Ref r;
                r.fault = evt::F_ADDR_SIZE;
                return r;
            }
            return s.s2->walk(ia, write);
        case NESTED: {
            Ref r = s.s1->walk(ia, write, &s2_read, s.s2.get());
            if (!r.ok)
                return r;
            return s.s2->walk(r.pa, write);
        }
        case BYPASS: {  // IHI 0070 3.4: an input beyond the OAS (48 bits here) is F_ADDR_SIZE
            Ref r;
            r.ok = (ia >> 48) == 0;
            r.pa = ia;
            r.fault = r.ok ? 0 : evt::F_ADDR_SIZE;
            return r;
        }
        }
        return Ref();
    }

    // Reads a walk of this stream may need at most: the STE, the CD (through stage 2 when
    // nested), every stage-1 level (each through a stage-2 walk when nested), and the final
    // stage-2 walk.
    unsigned max_reads(const Stream& s) const
    {
        switch (s.kind) {
        case S1: return 2 + s.s1->max_levels();
        case S2: return 1 + s.s2->max_levels();
        case NESTED: {
            unsigned l2 = s.s2->max_levels();
            return 1 + (l2 + 1) + s.s1->max_levels() * (l2 + 1) + l2;
        }
        case BYPASS: return 1;  // the STE
        }
        return 0;
    }

private:
    unsigned g() { return static_cast<unsigned>(12 + 2 * rng_.below(3)); }
    static int natural_start(unsigned g, unsigned ia)
    {
        unsigned s = g - 3;  // DDI 0487 D8.2: 4 - ceil((IA - G) / (G - 3))
        return 4 - static_cast<int>((ia - g + s - 1) / s);
    }

    // Random leaves and broken entries; the interesting input addresses go to points.
    void populate(Tables& t, unsigned mappings, uint64_t (*alloc)(void*, uint64_t), void* actx,
                  std::vector<uint64_t>& points, const std::vector<std::pair<uint64_t, uint64_t>>* oas)
    {
        FakeMem& m = rig_->mem();
        std::vector<int> lv = leaf_levels(t);
        for (unsigned i = 0; i < mappings; i++) {
            int level = lv[rng_.below(lv.size())];
            uint64_t size = uint64_t{1} << t.level_shift(level);
            uint64_t ia = rng_.below(uint64_t{1} << t.ia_bits()) & ~(size - 1);
            uint64_t oa = rng_.below(uint64_t{1} << t.oa_bits());
            if (oas && !oas->empty() && rng_.chance(75)) {
                const auto& r = (*oas)[rng_.below(oas->size())];
                oa = r.first + rng_.below(r.second);
            }
            oa &= ~(size - 1);
            uint64_t slot = t.slot(ia, level, alloc, actx);
            if (!slot || m.read64(slot) != 0)
                continue;
            m.write64(slot, t.leaf(oa, level, rng_.chance(25)));
            points.push_back(ia + rng_.below(size));
        }
        unsigned broken = static_cast<unsigned>(rng_.below(8));
        for (unsigned i = 0; i < broken; i++) {
            int level = t.start_level() + static_cast<int>(rng_.below(4 - t.start_level()));
            uint64_t size = uint64_t{1} << t.level_shift(level);
            uint64_t ia = rng_.below(uint64_t{1} << t.ia_bits()) & ~(size - 1);
            uint64_t slot = t.slot(ia, level, alloc, actx);
            if (!slot || m.read64(slot) != 0)
                continue;
            uint64_t oa = rng_.below(uint64_t{1} << t.oa_bits()) & ~(size - 1);
            uint64_t d = 0;
            switch (rng_.below(7)) {
            case 0:  // level 3: 0b01 is reserved (D8.3); above: a non-zero invalid entry
                d = level == 3 ? (t.leaf(oa, 3, false) & ~uint64_t{2}) : (oa | 0x700);
                break;
            case 1:  // a Block where none is allowed (level 0 with 4K, level 1 with 16K/64K)
                d = level < 3 && !t.block_ok(level) ? t.leaf(oa, level, false)
                                                     : t.leaf(oa, level, false, false);
                break;
            case 2:  // output address beyond the PA size (F_ADDR_SIZE), if there is room
                if (t.oa_bits() < 48 && (level == 3 || t.block_ok(level)))
                    d = t.leaf(oa | (uint64_t{1} << (47 - rng_.below(48 - t.oa_bits()))), level,
                               false);
                break;
            case 3:  // next-level table beyond the PA size
                if (t.oa_bits() < 48 && level < 3)
                    d = ((uint64_t{1} << (47 - rng_.below(48 - t.oa_bits()))) |
                         (oa & mask(47, t.gshift()))) |
                        3u;
                break;
            case 4:  // AF = 0: access flag fault (no HTTU, CD.AFFD / STE.S2AFFD = 0)
                if (level == 3 || t.block_ok(level))
                    d = t.leaf(oa, level, false, false);
                break;
            case 5:  // a table pointing back at the initial table: the walk must still end
                if (level < 3)
                    d = (t.root() & mask(47, t.gshift())) | 3u;  // root() is what walks see
                break;
            default:  // no access: AP[1] = 0 (EL1 only) at stage 1, S2AP = 00 at stage 2
                if (level == 3 || t.block_ok(level))
                    d = t.leaf(oa, level, false) & ~(uint64_t{3} << 6);
                break;
            }
            if (d) {
                m.write64(slot, d);
                points.push_back(ia + rng_.below(size));
            }
        }
    }

    void make_s1(uint32_t sid)
    {
        Rig& r = *rig_;
        Stream s;
        s.sid = sid;
        s.kind = S1;
        unsigned gr = g();
        unsigned ia = static_cast<unsigned>(rng_.range(25, 48));
        unsigned ips = rng_.chance(50) ? 2u : 5u;  // 40 or 48 bits
        int start = natural_start(gr, ia);
        uint64_t root = r.alloc(uint64_t{1} << gr, uint64_t{1} << gr);
        s.s1 = std::make_unique<Tables>(r.mem(), 1, gr, ia, ps_bits(ips), start, root);
        populate(*s.s1, static_cast<unsigned>(rng_.range(8, 40)), &Rig::alloc_page, &r, s.points,
                 nullptr);
        CdDesc cd;
        cd.t0sz = 64 - ia;
        cd.gshift = gr;
        cd.ips = ips;
        cd.asid = static_cast<uint16_t>(100 + sid);
        cd.ttb0 = root;
        uint64_t cd_pa = r.alloc(64, 64);
        r.write_cd(cd_pa, cd);
        SteDesc ste;
        ste.config = 0b101;
        ste.s1_context_ptr = cd_pa;
        r.set_ste(sid, ste);
        streams_.push_back(std::move(s));
    }

    // Stage-2 geometry: a random input size and a start level that S2SL0 can encode, the
    // natural one or one deeper with 2..16 concatenated initial tables (DDI 0487 D8.2,
    // AArch64.S2InconsistentSL: 1 <= IA - level_shift(start) <= (G - 3) + 4).
    std::unique_ptr<Tables> s2_tables(unsigned ia, unsigned* gr_out, unsigned* ps_out,
                                      int* start_out, uint64_t* root_out)
    {
        Rig& r = *rig_;
        unsigned gr = g();
        unsigned ps = rng_.chance(50) ? 2u : 5u;
        std::vector<int> ok;
        for (int l = gr == 12 ? 0 : 1; l <= (gr == 12 ? 2 : 3); l++) {
            unsigned lsb = gr + (gr - 3) * static_cast<unsigned>(3 - l);
            if (ia > lsb && ia - lsb <= (gr - 3) + 4)
                ok.push_back(l);
        }
        int start = ok[rng_.below(ok.size())];
        unsigned lsb = gr + (gr - 3) * static_cast<unsigned>(3 - start);
        uint64_t bytes = uint64_t{8} << (ia - lsb);
        uint64_t root = r.alloc(bytes < 64 ? 64 : bytes, bytes < 64 ? 64 : bytes);
        *gr_out = gr;
        *ps_out = ps;
        *start_out = start;
        *root_out = root;
        return std::make_unique<Tables>(r.mem(), 2, gr, ia, ps_bits(ps), start, root);
    }

    SteDesc s2_ste(unsigned config, uint32_t sid, unsigned ia, unsigned gr, unsigned ps,
                   int start, uint64_t root)
    {
        SteDesc ste;
        ste.config = config;
        ste.s2vmid = static_cast<uint16_t>(200 + sid);
        ste.s2t0sz = 64 - ia;
        ste.s2gshift = gr;
        ste.s2_start_level = start;
        ste.s2ps = ps;
        ste.s2ttb = root;
        return ste;
    }

    void make_s2(uint32_t sid)
    {
        Rig& r = *rig_;
        Stream s;
        s.sid = sid;
        s.kind = S2;
        unsigned ia = static_cast<unsigned>(rng_.range(25, 48)), gr, ps;
        int start;
        uint64_t root;
        s.s2 = s2_tables(ia, &gr, &ps, &start, &root);
        populate(*s.s2, static_cast<unsigned>(rng_.range(8, 40)), &Rig::alloc_page, &r, s.points,
                 nullptr);
        r.set_ste(sid, s2_ste(0b110, sid, ia, gr, ps, start, root));
        streams_.push_back(std::move(s));
    }

    void make_nested(uint32_t sid)
    {
        Rig& r = *rig_;
        Stream s;
        s.sid = sid;
        s.kind = NESTED;
        // Stage 2: IPA size 33..48 bits; a 4 MiB window of IPA space holds the stage-1 tables
        // and the CD (mapped page by page onto a PA pool), plus random regions for the data.
        unsigned ia2 = static_cast<unsigned>(rng_.range(33, 48)), gr2, ps2;
        int start2;
        uint64_t root2;
        s.s2 = s2_tables(ia2, &gr2, &ps2, &start2, &root2);
        unsigned ips1 = rng_.chance(50) ? 2u : 5u;
        unsigned ipa_bits = std::min(ia2, ps_bits(ips1));
        const uint64_t window = uint64_t{1} << (ipa_bits - 1);
        const uint64_t pool_size = uint64_t{4} << 20;
        uint64_t pool_pa = r.alloc(pool_size, pool_size);
        uint64_t page2 = uint64_t{1} << gr2;
        for (uint64_t o = 0; o < pool_size; o += page2) {
            uint64_t slot = s.s2->slot(window + o, 3, &Rig::alloc_page, &r);
            r.mem().write64(slot, s.s2->leaf(pool_pa + o, 3, false));
        }
        for (unsigned i = 0; i < 6; i++) {
            std::vector<int> lv = leaf_levels(*s.s2);
            int level = lv[rng_.below(lv.size())];
            uint64_t size = uint64_t{1} << s.s2->level_shift(level);
            uint64_t ipa = rng_.below(uint64_t{1} << ipa_bits) & ~(size - 1);
            uint64_t slot = s.s2->slot(ipa, level, &Rig::alloc_page, &r);
            if (!slot || r.mem().read64(slot) != 0)
                continue;
            uint64_t oa = rng_.below(uint64_t{1} << s.s2->oa_bits()) & ~(size - 1);
            r.mem().write64(slot, s.s2->leaf(oa, level, rng_.chance(25)));
            s.s2_regions.emplace_back(ipa, size);
        }
        std::vector<uint64_t> ipa_points;
        populate(*s.s2, 4, &Rig::alloc_page, &r, ipa_points, nullptr);
        // Stage 1, tables in the pool (seen at IPA window + offset)
        Pool pool{pool_pa, pool_pa + pool_size};
        uint64_t cd_pa = pool_alloc(&pool, 64);
        unsigned gr1 = g();
        unsigned ia1 = static_cast<unsigned>(rng_.range(25, 48));
        int start1 = natural_start(gr1, ia1);
        uint64_t root1 = pool_alloc(&pool, uint64_t{1} << gr1);
        s.s1 = std::make_unique<Tables>(r.mem(), 1, gr1, ia1, ps_bits(ips1), start1, root1,
                                        window - pool_pa);
        populate(*s.s1, static_cast<unsigned>(rng_.range(6, 16)), &pool_alloc, &pool, s.points,
                 &s.s2_regions);
        CdDesc cd;
        cd.t0sz = 64 - ia1;
        cd.gshift = gr1;
        cd.ips = ips1;
        cd.asid = static_cast<uint16_t>(100 + sid);
        cd.ttb0 = s.s1->root();
        r.write_cd(cd_pa, cd);
        SteDesc ste = s2_ste(0b111, sid, ia2, gr2, ps2, start2, root2);
        ste.s1_context_ptr = window + (cd_pa - pool_pa);
        r.set_ste(sid, ste);
        streams_.push_back(std::move(s));
    }

    Rng rng_;
    std::unique_ptr<Rig> rig_;
    std::vector<Stream> streams_;
};

const char* kind_name(Kind k)
{
    return k == S1 ? "stage 1" : k == S2 ? "stage 2" : k == NESTED ? "nested" : "bypass";
}

struct Case {
    const char* name;
    smmu_config_t cfg;
};

std::vector<Case> configs()
{
    smmu_config_t nocache = smmu_config_default();
    nocache.iotlb.entries = nocache.utlb.entries = nocache.ste_cache.entries = 0;
    nocache.cd_cache.entries = nocache.walk_s1.entries = nocache.walk_s2.entries = 0;
    return {{"default", smmu_config_default()},
            {"nocache", nocache},
            {"tiny_lru", tiny_caches(SMMU_POLICY_LRU, 1)},
            {"tiny_random", tiny_caches(SMMU_POLICY_RANDOM, 7)},
            {"tiny_plru", tiny_caches(SMMU_POLICY_PLRU, 1)}};
}

class Reference : public ::testing::TestWithParam<Case> {};

}  // namespace

// Every OK result is the reference's PA, every fault the reference's fault, and every walk
// stays within the reads its geometry allows. The tables are never changed after they are
// written, so caching cannot make any result differ from the reference.
TEST_P(Reference, EveryResultMatchesAnIndependentWalk)
{
    const uint64_t seed0 = test_seed(0x5EED0001);
    const unsigned worlds = scaled(40), per_world = scaled(600);
    unsigned ok = 0, faults = 0, failures = 0;
    unsigned ok_by_kind[5] = {}, faults_by_kind[5] = {};
    for (unsigned w = 0; w < worlds && failures < 10; w++) {
        const uint64_t seed = seed0 + w;
        World world(GetParam().cfg, seed);
        Rng& rng = world.rng();
        FakeMem& mem = world.rig().mem();
        for (unsigned i = 0; i < per_world && failures < 10; i++) {
            if (i % 512 == 511)
                world.rig().events();  // software consumes the records now and then
            Stream& s = world.streams()[rng.below(world.streams().size())];
            uint64_t ia;
            unsigned pick = static_cast<unsigned>(rng.below(100));
            if (pick < 70 && !s.points.empty())
                ia = s.points[rng.below(s.points.size())] & ~uint64_t{3};
            else if (pick < 95)
                ia = rng.below(uint64_t{1} << (s.s1 ? s.s1->ia_bits() : s.s2 ? s.s2->ia_bits() : 48)) &
                     ~uint64_t{3};
            else
                ia = rng.next() & ~uint64_t{3};
            bool write = rng.chance(40);
            Ref ref = world.reference(s, ia, write);
            uint64_t reads0 = mem.smmu_reads;
            smmu_xlate_t x = world.rig().xlate(txn(s.sid, ia, write));
            uint64_t reads = mem.smmu_reads - reads0;
            char where[256];
            std::snprintf(where, sizeof where,
                          "seed 0x%llx sid %u (%s) iova 0x%llx %s: model %s; reference %s 0x%llx "
                          "(fault 0x%02x s2 %d)",
                          static_cast<unsigned long long>(seed), s.sid, kind_name(s.kind),
                          static_cast<unsigned long long>(ia), write ? "write" : "read",
                          describe(x).c_str(), ref.ok ? "OK" : "fault",
                          static_cast<unsigned long long>(ref.pa), ref.fault, ref.s2);
            bool good;
            if (s.kind == BYPASS) {
                good = ref.ok ? x.status == SMMU_XLATE_BYPASS && x.pa == ia
                              : x.status == SMMU_XLATE_FAULT && x.event.type == ref.fault;
            } else if (x.status == SMMU_XLATE_OK) {
                ok_by_kind[s.kind]++;
                ok++;
                good = ref.ok && x.pa == ref.pa;
            } else {
                faults++;
                faults_by_kind[s.kind]++;
                good = !ref.ok && x.status == SMMU_XLATE_FAULT && x.event.type == ref.fault &&
                       x.event.s2 == ref.s2;
            }
            if (!good) {
                ADD_FAILURE() << where;
                failures++;
            }
            if (reads > world.max_reads(s)) {
                ADD_FAILURE() << "walk not bounded: " << reads << " reads, at most "
                              << world.max_reads(s) << " expected; " << where;
                failures++;
            }
        }
        // the event queue is large enough and consumed: nothing is lost
        smmu_stats_t st;
        smmu_stats_get(world.rig().s(), &st);
        EXPECT_EQ(st.events_dropped, 0u);
    }
    // the random tables must produce both outcomes in quantity, or the test proves little
    EXPECT_GT(ok, worlds * per_world / 5);
    EXPECT_GT(faults, worlds * per_world / 5);
    for (Kind k : {S1, S2, NESTED}) {
        EXPECT_GT(ok_by_kind[k], worlds * per_world / 20) << kind_name(k);
        EXPECT_GT(faults_by_kind[k], worlds * per_world / 20) << kind_name(k);
        RecordProperty(std::string("ok_") + (k == S1 ? "s1" : k == S2 ? "s2" : "nested"),
                       static_cast<int>(ok_by_kind[k]));
    }
    RecordProperty("ok", static_cast<int>(ok));
    RecordProperty("faults", static_cast<int>(faults));
}

INSTANTIATE_TEST_SUITE_P(Configs, Reference, ::testing::ValuesIn(configs()),
                         [](const ::testing::TestParamInfo<Case>& i) { return i.param.name; });

// The reference walker itself, on mappings it did not write: a 4K stage-1 table whose every
// entry points back at the initial table. The walk visits the same table at each level and
// ends at level 3, where 0b11 is a Page descriptor (whose AF is 0: an Access flag fault).
// The model must end within the four levels' reads too.
TEST(BoundedWalk, TablesThatPointBackAtThemselves)
{
    for (unsigned g : {12u, 14u, 16u}) {
        Rig rig(smmu_config_default());
        uint64_t root = rig.alloc(uint64_t{1} << g, uint64_t{1} << g);
        unsigned s = g - 3;
        int start = 4 - static_cast<int>((48 - g + s - 1) / s);
        Tables t(rig.mem(), 1, g, 48, 48, start, root);
        for (uint64_t i = 0; i < (uint64_t{1} << s); i++)
            rig.mem().write64(root + 8 * i, t.table(root));
        CdDesc cd;
        cd.gshift = g;
        cd.asid = 1;
        cd.ttb0 = root;
        uint64_t cd_pa = rig.alloc(64, 64);
        rig.write_cd(cd_pa, cd);
        SteDesc ste;
        ste.s1_context_ptr = cd_pa;
        rig.set_ste(1, ste);
        for (uint64_t va : {0x0ull, 0x123456789000ull, 0xFFFFFFFFF000ull}) {
            uint64_t r0 = rig.mem().smmu_reads;
            smmu_xlate_t x = rig.xlate(txn(1, va));
            Ref ref = t.walk(va, false);
            EXPECT_FALSE(ref.ok);
            EXPECT_EQ(ref.fault, evt::F_ACCESS) << "granule " << g;
            EXPECT_EQ(x.status, SMMU_XLATE_FAULT) << describe(x);
            EXPECT_EQ(x.event.type, ref.fault) << "granule " << g << " " << describe(x);
            EXPECT_LE(rig.mem().smmu_reads - r0, 2u + t.max_levels());
        }
    }
}
