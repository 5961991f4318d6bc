// SPDX-License-Identifier: Apache-2.0
// smmu-vp as a command: deterministic reports, the documented JSON keys, exit status and
// messages for malformed traces and bad options, report files, and a small sweep.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>
#include <string>

#include "platform_test_util.h"

#ifdef SMMU_VP

namespace {

using namespace platform_test;
using nlohmann::json;

const std::string VP = SMMU_VP;
const std::string BOOT = bundled("boot_strict.trace");

json report(const std::string& args)
{
    Proc r = run(VP + " --quiet --report json " + args);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    return json::parse(r.out);
}

TEST(VpDeterminism, SameTraceAndOptionsGiveIdenticalJson)
{
    for (const char* mode : {"", "--core-only"}) {
        Proc a = run(VP + " -q --report json --trace " + BOOT + " --tlb-entries 64 " + mode);
        Proc b = run(VP + " -q --report json --trace " + BOOT + " --tlb-entries 64 " + mode);
        ASSERT_EQ(a.status, 0) << a.err;
        ASSERT_EQ(b.status, 0) << b.err;
        // byte-identical once the host object (the last one) is cut off
        const size_t ha = a.out.find("\n  \"host\""), hb = b.out.find("\n  \"host\"");
        ASSERT_NE(ha, std::string::npos);
        EXPECT_EQ(a.out.substr(0, ha), b.out.substr(0, hb)) << mode;
        EXPECT_EQ(stable(json::parse(a.out)), stable(json::parse(b.out)));
    }
}

// Every key listed in the table of docs/platform.md's "JSON report" section ("| `a.b.c` | ...") is
// in the report.
TEST(VpReport, JsonHasEveryDocumentedKey)
{
    const std::string all = slurp(std::string(SMMUV3_DOCS) + "/platform.md");
    const size_t from = all.find("### JSON report"), to = all.find("\n## ", from);
    ASSERT_NE(from, std::string::npos);
    const std::string doc = all.substr(from, to == std::string::npos ? to : to - from);
    std::regex row(R"(\n\| `([a-z_0-9.\[\]]+)` \|)");
    std::set<std::string> keys;
    for (std::sregex_iterator it(doc.begin(), doc.end(), row), end; it != end; ++it)
        keys.insert((*it)[1]);
    ASSERT_GT(keys.size(), 40u) << "the key table of docs/platform.md was not found";
    for (const char* mode : {"", "--core-only"}) {
        json j = report("--trace " + BOOT + " " + mode);
        for (const std::string& k : keys) {
            if (*mode && k.rfind("platform", 0) == 0)
                continue;  // the platform object is the SystemC platform's only
            const json* p = &j;
            std::string path = k;
            bool ok = true;
            size_t pos = 0;
            while (ok && pos <= path.size()) {
                size_t dot = path.find('.', pos);
                std::string part =
                    path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
                const bool arr = part.size() > 2 && part.compare(part.size() - 2, 2, "[]") == 0;
                if (arr)
                    part.resize(part.size() - 2);
                ok = p->is_object() && p->contains(part);
                if (ok) {
                    p = &(*p)[part];
                    if (arr) {
                        ok = p->is_array() && !p->empty();
                        if (ok)
                            p = &(*p)[0];
                    }
                }
                if (dot == std::string::npos)
                    break;
                pos = dot + 1;
            }
            EXPECT_TRUE(ok) << "documented key '" << k << "' missing " << mode;
        }
    }
}

TEST(VpReport, RequiredKeysAndTypes)
{
    json j = report("--trace " + BOOT);
    for (const char* c : {"tlb", "utlb", "config_cache", "walk_cache"}) {
        ASSERT_TRUE(j.contains(c)) << c;
        const json& x = j[c];
        EXPECT_EQ(x["hits"].get<uint64_t>() + x["misses"].get<uint64_t>(),
                  x["lookups"].get<uint64_t>())
            << c;
        EXPECT_GE(x["hit_rate"].get<double>(), 0.0);
        EXPECT_LE(x["hit_rate"].get<double>(), 1.0);
    }
    EXPECT_EQ(j["records"]["replayed"].get<uint64_t>() + j["records"]["skipped"].get<uint64_t>(),
              j["records"]["total"].get<uint64_t>());
    EXPECT_EQ(j["records"]["total"], 328);
    EXPECT_EQ(j["records"]["pa_mismatch"], 0);
    for (const char* p : {"mean", "p50", "p90", "p99", "max"})
        EXPECT_TRUE(j["latency_ns"][p].is_number()) << p;
    EXPECT_TRUE(j["faults"]["total"].is_number());
    EXPECT_TRUE(j["host"]["seconds"].is_number());
    EXPECT_TRUE(j["host"]["records_per_second"].is_number());
}

TEST(VpReport, TextReportAndOutFile)
{
    Proc r = run(VP + " --trace " + BOOT);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("pa check      0 mismatches"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("latency (ns)"), std::string::npos);
    EXPECT_EQ(r.err.find("replaying ["), std::string::npos);  // no progress bar without a tty
    TempFile out(".json");
    Proc f = run(VP + " -q --report json --out " + out.path() + " --trace " + BOOT);
    ASSERT_EQ(f.status, 0) << f.err;
    EXPECT_EQ(f.out, "");
    EXPECT_EQ(json::parse(slurp(out.path()))["records"]["pa_mismatch"], 0);
}

TEST(VpReport, OptionsReachTheConfiguration)
{
    json j = report("--core-only --trace " + BOOT +
                    " --preset mmu-600 --tlb-entries 128 --tlb-ways 4 --tlb-policy fifo"
                    " --utlb-entries 0 --walk-cache-s2-entries 16 --mem-latency 80.5"
                    " --tlb-latency 3");
    EXPECT_EQ(j["config"]["preset"], "mmu-600");
    EXPECT_EQ(j["config"]["tlb"]["entries"], 128);
    EXPECT_EQ(j["config"]["tlb"]["ways"], 4);
    EXPECT_EQ(j["config"]["tlb"]["policy"], "fifo");
    EXPECT_EQ(j["config"]["utlb"]["entries"], 0);
    EXPECT_EQ(j["config"]["walk_cache_s2"]["entries"], 16);
    EXPECT_EQ(j["config"]["walk_cache_s1"]["entries"], 256);  // mmu-600's own
    EXPECT_DOUBLE_EQ(j["config"]["latency_ns"]["mem"].get<double>(), 80.5);
    EXPECT_DOUBLE_EQ(j["config"]["latency_ns"]["tlb_hit"].get<double>(), 3.0);
    EXPECT_EQ(j["utlb"]["lookups"], 0);
    EXPECT_EQ(j["records"]["pa_mismatch"], 0);
}

TEST(VpErrors, MalformedTraceExitsWithOneAndSaysWhere)
{
    TempFile bad(".trace", "smmuv3-trace 1.0\ntime_unit ns\nbegin\n"
                           "bind - 0x8 1 4K 48\n"
                           "dma - 0 0x8 0xfffz 4 r\n");
    for (const char* mode : {"", "--core-only"}) {
        Proc r = run(VP + " --trace " + bad.path() + " " + mode);
        EXPECT_EQ(r.status, 1) << mode;
        EXPECT_NE(r.err.find("smmu-vp: malformed trace: "), std::string::npos) << r.err;
        EXPECT_NE(r.err.find(bad.path() + ":5: record 1: bad IOVA"), std::string::npos) << r.err;
    }
    TempFile junk(".trace", "this is not a trace\n");
    Proc j = run(VP + " --trace " + junk.path());
    EXPECT_EQ(j.status, 1);
    EXPECT_NE(j.err.find("malformed trace"), std::string::npos) << j.err;
}

TEST(VpErrors, BadOptionsAndFilesExitWithTwo)
{
    struct Case {
        std::string args, message;
    } cases[] = {
        {"--trace /nonexistent/x.trace", "no such trace: '/nonexistent/x.trace'"},
        {"--tlb-policy mru", "--tlb-policy must be lru, lfu, fifo, random or plru"},
        {"--tlb-entries many", "--tlb-entries: 'many' is not a number"},
        {"--report xml", "--report must be text or json"},
        {"--preset mmu-9000", "--preset: unknown preset 'mmu-9000'"},
        {"--frobnicate", "unrecognised option '--frobnicate'"},
        {"--mem-latency -3", "--mem-latency must be between 0 and 1e9 ns"},
        {"--tlb-entries 48 --tlb-ways 5", "the SMMU configuration is rejected"},
        {"--out /nonexistent/dir/r.json", "cannot write '/nonexistent/dir/r.json'"},
        {"--sweep --plot x.gif", "--plot must name a .png or .svg file"},
    };
    for (const Case& c : cases) {
        const bool own_trace = c.args.find("--trace") != std::string::npos;
        Proc r = run(VP + " " + c.args + (own_trace ? "" : " --trace " + BOOT));
        EXPECT_EQ(r.status, 2) << c.args << "\n" << r.err;
        EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\n" << r.err;
        EXPECT_NE(r.err.find("smmu-vp --help"), std::string::npos) << c.args;
        EXPECT_EQ(r.out, "") << c.args;
    }
    Proc h = run(VP + " --help");
    EXPECT_EQ(h.status, 0);
    EXPECT_NE(h.out.find("--tlb-entries"), std::string::npos);
    EXPECT_NE(h.out.find("--walk-cache-s1-policy"), std::string::npos);
}

TEST(VpSweep, SmallGridWritesCsvAndPlot)
{
    if (run("command -v gnuplot").status != 0)
        GTEST_SKIP() << "gnuplot not installed";
    TempFile csv(".csv"), svg(".svg");
    Proc r = run(VP + " --sweep --trace " + BOOT +
                 " --sweep-entries 2,8,64 --sweep-policies lru,fifo --utlb-entries 0 --csv " +
                 csv.path() + " --plot " + svg.path());
    ASSERT_EQ(r.status, 0) << r.err;
    const std::string c = slurp(csv.path());
    EXPECT_EQ(c.rfind("policy,ways,entries,tlb_lookups,tlb_hits,tlb_hit_rate,", 0), 0u) << c;
    EXPECT_EQ(std::count(c.begin(), c.end(), '\n'), 7);
    EXPECT_NE(c.find("\nlru,8,64,"), std::string::npos) << c;
    EXPECT_NE(c.find("\nfifo,8,2,"), std::string::npos) << c;
    EXPECT_NE(slurp(svg.path()).find("<svg"), std::string::npos);
}

}  // namespace

#endif  // SMMU_VP
