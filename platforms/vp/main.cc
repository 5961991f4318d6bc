// SPDX-License-Identifier: Apache-2.0
// smmu-vp: replays a DMA trace through the SMMUv3 model on a SystemC virtual platform (or on
// the bare core with --core-only) and reports TLB hit rates, latencies and faults.
// Every option is described in docs/platform.md.
#include <boost/program_options.hpp>

#include <systemc>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "smmuv3_replay/core_run.h"
#include "smmuv3_replay/report.h"
#include "smmuv3_traces/error.h"
#include "sweep.h"
#include "vp.h"

namespace po = boost::program_options;
namespace rp = smmuv3::replay;

namespace {

// Exit status: 0 ok, 1 the trace is malformed or the replay failed, 2 bad command line.
constexpr int EXIT_TRACE = 1, EXIT_USAGE = 2;

struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

const char* const USAGE =
    "usage: smmu-vp [--trace FILE] [options]\n"
    "Replays a DMA trace through the SMMUv3 model on a SystemC virtual platform and reports\n"
    "TLB hit rates, translation latencies and faults (docs/platform.md). Without --trace it\n"
    "replays the bundled default trace. FILE is a native trace (text or binary, optionally\n"
    "zstd/xz compressed), a shared capture NAME or NAME.dma.xz, or the name of a bundled or\n"
    "shared trace (boot_strict, mixed_strict, ...).\n"
    "Exit status: 0 ok, 1 malformed trace or failed replay, 2 bad options or files.\n";

struct Cache {
    const char* name;
    const char* what;
    std::vector<smmu_cache_geom_t smmu_config_t::*> geoms;
};

const std::vector<Cache>& caches()
{
    static const std::vector<Cache> c = {
        {"tlb", "main IOTLB", {&smmu_config_t::iotlb}},
        {"utlb", "per-port micro-TLB (fully associative; entries 0 = off)", {&smmu_config_t::utlb}},
        {"ste-cache", "configuration cache: STEs", {&smmu_config_t::ste_cache}},
        {"cd-cache", "configuration cache: CDs", {&smmu_config_t::cd_cache}},
        {"walk-cache", "both walk caches", {&smmu_config_t::walk_s1, &smmu_config_t::walk_s2}},
        {"walk-cache-s1", "stage-1 walk cache", {&smmu_config_t::walk_s1}},
        {"walk-cache-s2", "stage-2 walk cache", {&smmu_config_t::walk_s2}},
    };
    return c;
}

struct Latency {
    const char* name;
    const char* what;
    uint64_t rp::Timing::*field;
};

const std::vector<Latency>& latencies()
{
    static const std::vector<Latency> l = {
        {"mem-latency", "memory access (table walks and DMA data)", &rp::Timing::mem},
        {"utlb-latency", "micro-TLB hit", &rp::Timing::utlb_hit},
        {"tlb-latency", "IOTLB hit (also the lookup before a walk)", &rp::Timing::iotlb_hit},
        {"walk-latency", "SMMU-side cost of each descriptor read", &rp::Timing::walk_level},
        {"cfg-latency", "SMMU-side cost of each STE/CD read", &rp::Timing::cfg_fetch},
        {"httu-latency", "SMMU-side cost of each access-flag/dirty update",
         &rp::Timing::httu_update},
        {"bypass-latency", "a transaction without TLB lookup", &rp::Timing::bypass},
        {"cmd-latency", "each command (SystemC platform)", &rp::Timing::command},
    };
    return l;
}

std::string fmt_ns(uint64_t ps)
{
    std::ostringstream o;
    o << ps / 1000;
    if (ps % 1000) {
        char b[8];
        std::snprintf(b, sizeof b, ".%03u", static_cast<unsigned>(ps % 1000));
        std::string f = b;
        while (f.back() == '0')
            f.pop_back();
        o << f;
    }
    return o.str();
}

bool is_file(const std::string& p)
{
    struct stat s;
    return ::stat(p.c_str(), &s) == 0 && S_ISREG(s.st_mode);
}

// A trace as given, a capture prefix, or the name of a bundled or shared trace.
std::string resolve_trace(const std::string& t)
{
    if (is_file(t) || is_file(t + ".dma.xz"))
        return t;
    for (const char* dir : {SMMUV3_BUNDLED_TRACES, SMMUV3_SHARED_TRACES})
        for (const char* ext : {"", ".trace", ".trace.zst", ".trace.xz"}) {
            std::string p = std::string(dir) + "/" + t + ext;
            if (is_file(p) || (!*ext && is_file(p + ".dma.xz")))
                return p;
        }
    throw usage_error("no such trace: '" + t +
                      "' (a file, a capture NAME with NAME.dma.xz, or a "
                      "bundled/shared trace name)");
}

std::vector<std::string> split(const std::string& s)
{
    std::vector<std::string> v;
    std::stringstream ss(s);
    std::string x;
    while (std::getline(ss, x, ','))
        if (!x.empty())
            v.push_back(x);
    return v;
}

uint32_t parse_u32(const std::string& opt, const std::string& s)
{
    try {
        size_t n = 0;
        unsigned long v = std::stoul(s, &n, 0);
        if (n == s.size() && v <= 0xFFFFFFFFul)
            return static_cast<uint32_t>(v);
    } catch (const std::exception&) {
    }
    throw usage_error("--" + opt + ": '" + s + "' is not a number");
}

smmu_policy_t parse_policy(const std::string& opt, const std::string& s)
{
    if (auto p = rp::parse_policy(s))
        return *p;
    throw usage_error("--" + opt + " must be lru, lfu, fifo, random or plru (not '" + s + "')");
}

// Progress on stderr for long replays to a terminal: shown after half a second. A bar when
// the trace's header announces its record count, a moving marker otherwise.
class Progress {
public:
    Progress(bool on, uint64_t total)
        : on_(on), total_(total), t0_(std::chrono::steady_clock::now())
    {}
    void operator()(uint64_t done)
    {
        if (!on_)
            return;
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
        if (s < 0.5)
            return;
        shown_ = true;
        std::string bar(30, ' ');
        if (total_) {
            const size_t n = static_cast<size_t>(30 * std::min<uint64_t>(done, total_) / total_);
            bar.replace(0, n, n, '#');
        } else {
            bar[static_cast<size_t>(std::fmod(s * 8, 30.0))] = '#';
        }
        std::fprintf(stderr, "\rreplaying [%s] %8.2f M records, %.1f s ", bar.c_str(),
                     static_cast<double>(done) / 1e6, s);
        std::fflush(stderr);
    }
    void end()
    {
        if (shown_)
            std::fprintf(stderr, "\r%70s\r", "");
    }

private:
    bool on_, shown_ = false;
    uint64_t total_;
    std::chrono::steady_clock::time_point t0_;
};

struct Cli {
    rp::RunSpec spec;
    std::string report = "text", out;
    bool quiet = false, core_only = false, sweep = false;
    smmuv3::vp::SweepOptions sw;
};

Cli parse(int argc, char** argv)
{
    po::options_description general("general");
    general.add_options()("help,h", "this help")("trace,t", po::value<std::string>(),
                                                 "trace to replay (default: the bundled trace)")(
        "preset", po::value<std::string>()->default_value("default"),
        "SMMU implementation preset: default, qemu-virt, qemu-virt-s1only, mmu-600, mmu-700")(
        "core-only", "replay on the bare C core (smmu_translate_batch), no SystemC")(
        "report", po::value<std::string>()->default_value("text"), "report format: text or json")(
        "out,o", po::value<std::string>(), "write the report to FILE (default: stdout)")(
        "quiet,q", "print only the report (no progress, no messages)")(
        "seed", po::value<uint64_t>(), "seed of the random replacement policy");
    po::options_description cache(
        "caches (each also --NAME-ways W and --NAME-policy lru|lfu|fifo|random|plru)");
    for (const Cache& c : caches()) {
        const std::string n = c.name;
        cache.add_options()((n + "-entries").c_str(), po::value<std::string>(),
                            (std::string(c.what) + ": entries (0 = off)").c_str());
        if (n != "utlb")
            cache.add_options()((n + "-ways").c_str(), po::value<std::string>(), "");
        cache.add_options()((n + "-policy").c_str(), po::value<std::string>(), "");
    }
    po::options_description timing("latencies in ns (fractions allowed)");
    const rp::Timing dt;
    for (const Latency& l : latencies())
        timing.add_options()(
            l.name, po::value<double>(),
            (std::string(l.what) + " (default " + fmt_ns(dt.*l.field) + ")").c_str());
    po::options_description tlm("SystemC platform");
    tlm.add_options()("quantum", po::value<double>()->default_value(10000),
                      "temporal decoupling quantum, ns")(
        "timed-cmdq", "consume commands in the SMMU's command thread, one per --cmd-latency "
                      "(default: at once, the time charged to the CPU)");
    po::options_description sweep("sweep (docs/platform.md)");
    sweep.add_options()("sweep", "run a grid of IOTLB configurations, write a CSV and a plot")(
        "sweep-entries", po::value<std::string>(), "IOTLB sizes (default 16,32,...,4096)")(
        "sweep-policies", po::value<std::string>(), "policies (default lru,lfu,fifo,random,plru)")(
        "sweep-ways", po::value<std::string>(),
        "associativities, 0 = fully associative "
        "(default: --tlb-ways)")("jobs,j", po::value<unsigned>()->default_value(2),
                                 "worker processes")(
        "csv", po::value<std::string>()->default_value("smmu-sweep.csv"),
        "CSV output")("plot", po::value<std::string>()->default_value("smmu-sweep.png"),
                      "plot output, .png or .svg ('' = none)")(
        "tlm", "sweep on the SystemC platform (default: core-only)");
    po::options_description all;
    all.add(general).add(cache).add(timing).add(tlm).add(sweep);
    po::positional_options_description pos;
    pos.add("trace", 1);

    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw usage_error(e.what());
    }
    if (vm.count("help")) {
        std::cout << USAGE << all;
        std::exit(0);
    }

    Cli c;
    rp::RunSpec& s = c.spec;
    s.trace =
        resolve_trace(vm.count("trace") ? vm["trace"].as<std::string>() : SMMUV3_DEFAULT_TRACE);
    s.preset = vm["preset"].as<std::string>();
    if (smmu_config_preset(s.preset.c_str(), &s.cfg) != SMMU_OK) {
        std::string names;
        for (const char* const* n = smmu_config_preset_names(); *n; n++)
            names += std::string(names.empty() ? "" : ", ") + *n;
        throw usage_error("--preset: unknown preset '" + s.preset + "' (" + names + ")");
    }
    for (const Cache& k : caches()) {
        const std::string n = k.name;
        for (auto g : k.geoms) {
            smmu_cache_geom_t& geo = s.cfg.*g;
            const bool ways_given = vm.count(n + "-ways") != 0;
            if (vm.count(n + "-entries")) {
                geo.entries = parse_u32(n + "-entries", vm[n + "-entries"].as<std::string>());
                // the micro-TLB is fully associative; elsewhere a cache smaller than its
                // associativity becomes fully associative unless --NAME-ways says otherwise
                if (n == "utlb" || (!ways_given && geo.ways > geo.entries))
                    geo.ways = geo.entries;
            }
            if (ways_given)
                geo.ways = parse_u32(n + "-ways", vm[n + "-ways"].as<std::string>());
            if (vm.count(n + "-policy"))
                geo.policy = parse_policy(n + "-policy", vm[n + "-policy"].as<std::string>());
        }
    }
    if (vm.count("seed"))
        s.cfg.seed = vm["seed"].as<uint64_t>();
    for (const Latency& l : latencies()) {
        if (!vm.count(l.name))
            continue;
        const double v = vm[l.name].as<double>();
        if (!(v >= 0) || v > 1e9)
            throw usage_error(std::string("--") + l.name + " must be between 0 and 1e9 ns");
        s.timing.*l.field = static_cast<uint64_t>(std::llround(v * 1000.0));
    }
    const double q = vm["quantum"].as<double>();
    if (!(q > 0) || q > 1e12)
        throw usage_error("--quantum must be a positive number of ns");
    s.quantum_ps = static_cast<uint64_t>(std::llround(q * 1000.0));
    s.timed_cmdq = vm.count("timed-cmdq") != 0;
    const char* why = nullptr;
    smmu_config_t check = s.cfg;
    if (smmu_config_check(&check, &why) != SMMU_OK)
        throw usage_error(std::string("the SMMU configuration is rejected: ") + (why ? why : "?"));

    c.report = vm["report"].as<std::string>();
    if (c.report != "text" && c.report != "json")
        throw usage_error("--report must be text or json (not '" + c.report + "')");
    if (vm.count("out"))
        c.out = vm["out"].as<std::string>();
    c.quiet = vm.count("quiet") != 0;
    c.core_only = vm.count("core-only") != 0;

    c.sweep = vm.count("sweep") != 0;
    smmuv3::vp::SweepOptions& w = c.sw;
    if (vm.count("sweep-entries")) {
        w.entries.clear();
        for (const std::string& x : split(vm["sweep-entries"].as<std::string>()))
            w.entries.push_back(parse_u32("sweep-entries", x));
    }
    if (vm.count("sweep-policies")) {
        w.policies.clear();
        for (const std::string& x : split(vm["sweep-policies"].as<std::string>()))
            w.policies.push_back(parse_policy("sweep-policies", x));
    }
    if (vm.count("sweep-ways"))
        for (const std::string& x : split(vm["sweep-ways"].as<std::string>()))
            w.ways.push_back(parse_u32("sweep-ways", x));
    if (w.entries.empty() || w.policies.empty())
        throw usage_error("--sweep-entries and --sweep-policies need at least one value");
    w.jobs = vm["jobs"].as<unsigned>();
    if (w.jobs == 0 || w.jobs > 64)
        throw usage_error("--jobs must be 1..64");
    w.csv = vm["csv"].as<std::string>();
    w.plot = vm["plot"].as<std::string>();
    if (!w.plot.empty() && w.plot.size() > 4 && w.plot.compare(w.plot.size() - 4, 4, ".png") != 0 &&
        w.plot.compare(w.plot.size() - 4, 4, ".svg") != 0)
        throw usage_error("--plot must name a .png or .svg file");
    w.tlm = vm.count("tlm") != 0;
    w.quiet = c.quiet;
    return c;
}

int run(int argc, char** argv)
{
    Cli c = parse(argc, argv);
    if (c.sweep)
        return smmuv3::vp::run_sweep(c.spec, c.sw);

    std::ofstream file;
    if (!c.out.empty()) {
        file.open(c.out);
        if (!file)
            throw usage_error("cannot write '" + c.out + "'");
    }
    uint64_t total = 0;
    const bool tty = !c.quiet && ::isatty(2);
    if (tty) {
        auto src = smmuv3::traces::open_trace(c.spec.trace);
        total = src->hdr().records.value_or(0);
    }
    Progress progress(tty, total);
    c.spec.progress = [&progress](uint64_t done) { progress(done); };
    rp::Report r = c.core_only ? rp::run_core(c.spec) : smmuv3::vp::run_tlm(c.spec);
    progress.end();
    const std::string text = c.report == "json" ? rp::to_json(r) : rp::to_text(r);
    if (c.out.empty()) {
        std::cout << text;
        std::cout.flush();
    } else {
        file << text;
        file.close();
        if (!file)
            throw usage_error("cannot write '" + c.out + "'");
        if (!c.quiet)
            std::fprintf(stderr, "smmu-vp: report written to %s\n", c.out.c_str());
    }
    return 0;
}

}  // namespace

int sc_main(int argc, char* argv[])
{
    try {
        return run(argc, argv);
    } catch (const usage_error& e) {
        std::fprintf(stderr, "smmu-vp: %s\n(smmu-vp --help lists the options)\n", e.what());
        return EXIT_USAGE;
    } catch (const smmuv3::traces::trace_error& e) {
        std::fprintf(stderr, "smmu-vp: malformed trace: %s\n", e.what());
        return EXIT_TRACE;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "smmu-vp: replay failed: %s\n", e.what());
        return EXIT_TRACE;
    }
}

// The SystemC banner would precede a JSON report on stdout: switch it off before SystemC
// starts, then run sc_main as SystemC's own main() would.
int main(int argc, char* argv[])
{
    ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    return sc_core::sc_elab_and_sim(argc, argv);
}
