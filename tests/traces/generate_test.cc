// SPDX-License-Identifier: Apache-2.0
// The synthetic generator: reproducible from its seed, different across seeds, and every
// trace it writes is self-consistent (each access translates through its map records).
#include <gtest/gtest.h>

#include "smmuv3_traces/generate.h"
#include "smmuv3_traces/stats.h"
#include "trace_test_util.h"

using namespace trace_test;
using namespace smmuv3::traces;

namespace {

std::string generate_bytes(const generate_options& o, output_format f = output_format::binary)
{
    auto g = generate(o);
    return write_trace(g->hdr(), read_all(*g), f);
}

generate_options opts(pattern p, uint64_t seed, unsigned streams = 3)
{
    generate_options o;
    o.pat = p;
    o.seed = seed;
    o.count = 3000;
    o.streams = streams;
    o.working_set = 64;
    return o;
}

}  // namespace

class GeneratePattern : public ::testing::TestWithParam<pattern> {};

TEST_P(GeneratePattern, SameSeedSameBytesOtherSeedOtherBytes)
{
    const std::string a = generate_bytes(opts(GetParam(), 42));
    EXPECT_EQ(a, generate_bytes(opts(GetParam(), 42)));
    EXPECT_NE(a, generate_bytes(opts(GetParam(), 43)));
    EXPECT_EQ(generate_bytes(opts(GetParam(), 7), output_format::text),
              generate_bytes(opts(GetParam(), 7), output_format::text));
}

TEST_P(GeneratePattern, EveryAccessTranslatesThroughTheMapRecords)
{
    auto g = generate(opts(GetParam(), 9));
    mapping_checker mc;
    record r;
    uint64_t n = 0, dma = 0;
    std::set<uint32_t> sids;
    while (g->next(r)) {
        ASSERT_EQ(check_record(r), "") << format_record(r);
        mc.add(r, n++);
        if (r.kind() == record_kind::dma) {
            ++dma;
            const auto& d = std::get<dma_record>(r.body);
            sids.insert(d.sid);
            EXPECT_TRUE(d.pa);
            EXPECT_EQ((d.iova & 0xFFF) + d.size <= 0x1000, true) << "access crosses a page";
        }
    }
    EXPECT_EQ(dma, 3000u);
    EXPECT_EQ(sids, (std::set<uint32_t>{0x8, 0x10, 0x18}));
    EXPECT_EQ(mc.checked(), dma);
    EXPECT_EQ(mc.matched(), dma) << mc.first_problem();
    EXPECT_EQ(mc.overlapping_maps(), 0u);
}

INSTANTIATE_TEST_SUITE_P(All, GeneratePattern,
                         ::testing::Values(pattern::sequential, pattern::random, pattern::linux_dma,
                                           pattern::mixed),
                         [](const auto& p) { return std::string(pattern_name(p.param)); });

/* Linux-like: IOVAs allocated top-down below 4 GiB, buffers mapped before use and unmapped
 * with a range TLBI + SYNC (strict) or batched by ASID (lazy); freed IOVAs are reused. */
TEST(GenerateLinux, TopDownIovaMapUnmapAndInvalidation)
{
    for (bool strict : {true, false}) {
        generate_options o = opts(pattern::linux_dma, 3, 1);
        o.strict = strict;
        o.count = 20000;
        auto g = generate(o);
        record r;
        uint64_t maps = 0, unmaps = 0, va = 0, asid = 0, sync = 0, lowest = ~uint64_t{0};
        std::map<uint64_t, unsigned> map_count;
        while (g->next(r)) {
            if (r.kind() == record_kind::map) {
                const auto& m = std::get<map_record>(r.body);
                ++maps;
                ++map_count[m.iova];
                EXPECT_LT(m.iova, uint64_t{1} << 32);
                lowest = std::min(lowest, m.iova);
            } else if (r.kind() == record_kind::unmap) {
                ++unmaps;
            } else if (r.kind() == record_kind::cmd) {
                const auto& c = std::get<cmd_record>(r.body);
                va += c.opcode == 0x12;
                asid += c.opcode == 0x11;
                sync += c.opcode == 0x46;
            }
        }
        EXPECT_GT(unmaps, 100u);
        EXPECT_GT(lowest, 0xF0000000u) << "top-down allocation stays near the top";
        if (strict) {
            EXPECT_EQ(va, unmaps);
            EXPECT_EQ(asid, 0u);
            EXPECT_EQ(sync, unmaps);
        } else {
            EXPECT_EQ(va, 0u);
            EXPECT_EQ(asid, unmaps / 64);
        }
        unsigned reused = 0;
        for (const auto& kv : map_count)
            reused += kv.second > 1;
        EXPECT_GT(reused, 0u) << "freed IOVAs are reused";
    }
}

TEST(GenerateOptions, BadOptionsAreExplained)
{
    generate_options o;
    o.access_size = 8192;
    EXPECT_NE(check_generate_options(o).find("access size"), std::string::npos);
    o = generate_options{};
    o.granule_shift = 13;
    EXPECT_NE(check_generate_options(o).find("granule"), std::string::npos);
    o = generate_options{};
    o.streams = 0;
    EXPECT_NE(check_generate_options(o).find("streams"), std::string::npos);
    o = generate_options{};
    o.count = uint64_t{1} << 50;
    EXPECT_NE(check_generate_options(o).find("count"), std::string::npos);
    EXPECT_THROW(generate(o), trace_error);
    EXPECT_EQ(parse_pattern("linux"), std::optional<pattern>(pattern::linux_dma));
    EXPECT_FALSE(parse_pattern("zigzag"));
}

TEST(GenerateGranule, SixtyFourKPages)
{
    generate_options o = opts(pattern::mixed, 1);
    o.granule_shift = 16;
    o.access_size = 4096;
    auto g = generate(o);
    mapping_checker mc;
    record r;
    uint64_t n = 0;
    while (g->next(r)) {
        if (r.kind() == record_kind::map) {
            EXPECT_EQ(std::get<map_record>(r.body).leaf_shift, 16);
        }
        mc.add(r, n++);
    }
    EXPECT_EQ(mc.matched(), 3000u) << mc.first_problem();
}
