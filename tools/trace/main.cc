// SPDX-License-Identifier: Apache-2.0
// smmu-trace: convert, validate, generate and summarise SMMUv3 DMA traces.
// The format and every option are described in docs/traces.md.
#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "smmuv3_traces/error.h"
#include "smmuv3_traces/generate.h"
#include "smmuv3_traces/stats.h"
#include "smmuv3_traces/trace.h"

namespace po = boost::program_options;
namespace st = smmuv3::traces;

namespace {

/* Exit status: 0 ok, 1 the trace has errors, 2 bad command line. */
constexpr int exit_bad_trace = 1, exit_usage = 2;

struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

const char* const top_usage =
    "usage: smmu-trace COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  convert  IN -o OUT [--format text|binary] [--compress none|zstd|xz]\n"
    "           any supported input (native text/binary, zstd/xz, shared capture NAME or\n"
    "           NAME.dma.xz, QEMU -trace log) to the native form\n"
    "  validate IN...          read every record, check it, print the counts\n"
    "  generate -o OUT --pattern P [--seed N --count N --streams N --working-set N ...]\n"
    "  summary  IN [--entries 32,64,...]   statistics and an exact LRU TLB simulation\n"
    "  stats    same as summary\n"
    "\n"
    "'smmu-trace COMMAND --help' lists the options of a command. Exit status: 0 ok,\n"
    "1 the trace is malformed, 2 bad arguments.\n";

st::import_options import_opts(const po::variables_map& vm)
{
    st::import_options o;
    o.synthesize_maps = !vm.count("no-maps");
    o.infer_unmaps = !vm.count("no-infer-unmap");
    o.port_per_stream = !vm.count("single-port");
    return o;
}

po::options_description import_desc()
{
    po::options_description d("importing captures");
    d.add_options()
        ("no-maps", "do not synthesise bind/map/unmap records from the captured translations")
        ("no-infer-unmap", "do not place unmap records before TLBI_NH_VA/VAA commands")
        ("single-port", "put every StreamID on port 0 (default: one port per StreamID)");
    return d;
}

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& d,
                        const po::positional_options_description& pos, const char* usage)
{
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(d).positional(pos).run(), vm);
        if (vm.count("help")) {
            std::cout << usage << "\n" << d;
            std::exit(0);
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw usage_error(std::string(e.what()) + "\n" + usage);
    }
    return vm;
}

st::compression parse_compress(const std::string& s)
{
    if (s == "none")
        return st::compression::none;
    if (s == "zstd")
        return st::compression::zstd;
    if (s == "xz")
        return st::compression::xz;
    throw usage_error("--compress must be none, zstd or xz (got '" + s + "')");
}

st::output_format parse_format(const std::string& s)
{
    if (s == "text")
        return st::output_format::text;
    if (s == "binary")
        return st::output_format::binary;
    throw usage_error("--format must be text or binary (got '" + s + "')");
}

void print_report(const st::record_source& in, std::ostream& os)
{
    const st::import_report* r = in.report();
    if (!r)
        return;
    os << "import (" << st::input_format_name(in.format()) << "): " << r->translations
       << " translations: " << r->replayable << " replayable (QEMU IOTLB " << r->hits << " hits, "
       << r->misses << " misses), not replayed: " << r->aborts << " aborts, " << r->bypass
       << " bypass, " << r->disabled << " SMMU-disabled\n"
       << "  " << r->commands << " commands, " << r->events << " events, " << r->marks
       << " marks, " << r->cd_tt << " CD decodes, " << r->mmio << " register accesses (not converted)\n"
       << "  synthesised: " << r->binds << " bind, " << r->maps << " map, " << r->unmaps << " unmap";
    if (r->no_asid)
        os << "; " << r->no_asid << " translations without ASID (no mapping)";
    if (r->skipped_lines)
        os << "; " << r->skipped_lines << " log lines of other events skipped";
    os << "\n";
}

void print_mapping_check(const st::mapping_checker& mc, std::ostream& os)
{
    if (!mc.has_maps()) {
        os << "mapping check: the trace has no map records\n";
        return;
    }
    os << "mapping check: " << mc.matched() << " of " << mc.checked()
       << " dma records with an expected output address translate to it through the map records";
    if (mc.unmapped() || mc.mismatched() || mc.overlapping_maps())
        os << "; " << mc.unmapped() << " unmapped, " << mc.mismatched() << " different, "
           << mc.overlapping_maps() << " maps over live mappings";
    os << "\n";
}

int cmd_convert(const std::vector<std::string>& args)
{
    const char* usage =
        "usage: smmu-trace convert IN -o OUT [--format text|binary] [--compress none|zstd|xz]";
    po::options_description d("convert options");
    d.add_options()("help,h", "this help")
        ("input", po::value<std::string>()->required(), "input (any supported format; - = stdin)")
        ("output,o", po::value<std::string>()->required(), "output file (- = stdout)")
        ("format,f", po::value<std::string>()->default_value("binary"), "text or binary")
        ("compress,c", po::value<std::string>()->default_value("none"), "none, zstd or xz")
        ("level", po::value<int>()->default_value(-1), "compression level (-1 = default: zstd 19, xz 6)")
        ("limit", po::value<uint64_t>(), "stop after this many records")
        ("quiet,q", "no report on stderr");
    d.add(import_desc());
    po::positional_options_description pos;
    pos.add("input", 1);
    auto vm = parse(args, d, pos, usage);
    const auto fmt = parse_format(vm["format"].as<std::string>());
    const auto comp = parse_compress(vm["compress"].as<std::string>());
    auto in = st::open_trace(vm["input"].as<std::string>(), import_opts(vm));
    st::header h = in->hdr();
    h.records.reset();  // a count is only announced when it is known to stay right
    auto out = st::open_writer(vm["output"].as<std::string>(), fmt, comp, h, vm["level"].as<int>());
    st::record r;
    const uint64_t limit = vm.count("limit") ? vm["limit"].as<uint64_t>() : ~uint64_t{0};
    while (out->written() < limit && in->next(r))
        out->write(r);
    out->finish();
    if (!vm.count("quiet")) {
        std::cerr << vm["input"].as<std::string>() << " (" << st::input_format_name(in->format())
                  << ", " << st::compression_name(in->compressed()) << ") -> "
                  << vm["output"].as<std::string>() << ": " << out->written() << " records\n";
        print_report(*in, std::cerr);
    }
    return 0;
}

int cmd_validate(const std::vector<std::string>& args)
{
    const char* usage = "usage: smmu-trace validate IN...";
    po::options_description d("validate options");
    d.add_options()("help,h", "this help")
        ("input", po::value<std::vector<std::string>>()->required(), "inputs");
    d.add(import_desc());
    po::positional_options_description pos;
    pos.add("input", -1);
    auto vm = parse(args, d, pos, usage);
    int rc = 0;
    for (const auto& path : vm["input"].as<std::vector<std::string>>()) {
        try {
            auto in = st::open_trace(path, import_opts(vm));
            st::record r;
            std::map<std::string, uint64_t> kinds;
            st::mapping_checker mc;
            uint64_t n = 0;
            while (in->next(r)) {
                ++kinds[st::record_kind_name(r.kind())];
                mc.add(r, n);
                ++n;
            }
            std::cout << path << ": ok, " << st::input_format_name(in->format()) << " ("
                      << st::compression_name(in->compressed()) << "), format " << in->hdr().major
                      << "." << in->hdr().minor << ", time unit " << st::time_unit_name(in->hdr().unit)
                      << ", " << n << " records:";
            for (const auto& kv : kinds)
                std::cout << " " << kv.first << "=" << kv.second;
            std::cout << "\n";
            if (in->skipped_unknown())
                std::cout << "  " << in->skipped_unknown()
                          << " records of kinds from a newer minor version skipped\n";
            print_report(*in, std::cout);
            print_mapping_check(mc, std::cout);
            if (!mc.first_problem().empty()) {
                std::cerr << "error: " << path << ": " << mc.first_problem() << "\n";
                rc = exit_bad_trace;
            }
        } catch (const st::trace_error& e) {
            std::cerr << "error: " << e.what() << "\n";
            rc = exit_bad_trace;
        }
    }
    return rc;
}

int cmd_generate(const std::vector<std::string>& args)
{
    const char* usage =
        "usage: smmu-trace generate -o OUT [--pattern sequential|random|linux|mixed] [--seed N]\n"
        "       [--count N] [--streams N] [--working-set PAGES] [--access-size BYTES] ...";
    po::options_description d("generate options");
    st::generate_options g;
    d.add_options()("help,h", "this help")
        ("output,o", po::value<std::string>()->required(), "output file (- = stdout)")
        ("format,f", po::value<std::string>()->default_value("binary"), "text or binary")
        ("compress,c", po::value<std::string>()->default_value("none"), "none, zstd or xz")
        ("level", po::value<int>()->default_value(-1), "compression level")
        ("pattern,p", po::value<std::string>()->default_value("random"), "sequential, random, linux or mixed")
        ("seed,s", po::value<uint64_t>(&g.seed)->default_value(1), "PRNG seed")
        ("count,n", po::value<uint64_t>(&g.count)->default_value(10000), "DMA records")
        ("streams", po::value<unsigned>(&g.streams)->default_value(1), "devices (StreamIDs)")
        ("sid-base", po::value<uint32_t>(&g.sid_base)->default_value(8), "first StreamID")
        ("sid-stride", po::value<uint32_t>(&g.sid_stride)->default_value(8), "StreamID step")
        ("working-set,w", po::value<uint64_t>(&g.working_set)->default_value(256), "pages per stream (sequential, random)")
        ("access-size", po::value<uint32_t>(&g.access_size)->default_value(64), "bytes per access")
        ("granule", po::value<unsigned>()->default_value(4), "translation granule in KiB: 4, 16 or 64")
        ("lazy", "linux: batch invalidations (TLBI_NH_ASID) like iommu.strict=0")
        ("queue-depth", po::value<unsigned>(&g.queue_depth)->default_value(8), "linux: buffers in flight per stream")
        ("max-buffer-pages", po::value<unsigned>(&g.max_buffer_pages)->default_value(32), "linux: largest buffer")
        ("time-step", po::value<uint64_t>(&g.time_step)->default_value(100), "ns between accesses");
    po::positional_options_description pos;
    auto vm = parse(args, d, pos, usage);
    auto p = st::parse_pattern(vm["pattern"].as<std::string>());
    if (!p)
        throw usage_error("--pattern must be sequential, random, linux or mixed (got '" +
                          vm["pattern"].as<std::string>() + "')");
    g.pat = *p;
    g.strict = !vm.count("lazy");
    const unsigned kib = vm["granule"].as<unsigned>();
    if (kib != 4 && kib != 16 && kib != 64)
        throw usage_error("--granule must be 4, 16 or 64");
    g.granule_shift = kib == 4 ? 12 : kib == 16 ? 14 : 16;
    std::string e = st::check_generate_options(g);
    if (!e.empty())
        throw usage_error("generate: " + e);
    auto in = st::generate(g);
    auto out = st::open_writer(vm["output"].as<std::string>(), parse_format(vm["format"].as<std::string>()),
                               parse_compress(vm["compress"].as<std::string>()), in->hdr(), vm["level"].as<int>());
    st::record r;
    while (in->next(r))
        out->write(r);
    out->finish();
    return 0;
}

std::vector<size_t> parse_entries(const std::string& s)
{
    std::vector<size_t> v;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        char* end = nullptr;
        unsigned long long n = std::strtoull(item.c_str(), &end, 10);
        if (item.empty() || *end || n == 0 || n > (1u << 24))
            throw usage_error("--entries: '" + item + "' is not a TLB size in 1..16777216");
        v.push_back(static_cast<size_t>(n));
    }
    if (v.empty())
        throw usage_error("--entries needs at least one size");
    return v;
}

int cmd_summary(const std::vector<std::string>& args)
{
    const char* usage = "usage: smmu-trace summary IN [--entries 32,64,128,256,512,1024,2048]";
    po::options_description d("summary options");
    d.add_options()("help,h", "this help")
        ("input", po::value<std::string>()->required(), "input (any supported format)")
        ("entries,e", po::value<std::string>()->default_value("32,64,128,256,512,1024,2048"),
         "LRU TLB sizes to simulate, comma-separated");
    d.add(import_desc());
    po::positional_options_description pos;
    pos.add("input", 1);
    auto vm = parse(args, d, pos, usage);
    auto entries = parse_entries(vm["entries"].as<std::string>());
    auto in = st::open_trace(vm["input"].as<std::string>(), import_opts(vm));
    st::stats_collector sc(entries);
    st::mapping_checker mc;
    st::record r;
    uint64_t n = 0;
    while (in->next(r)) {
        sc.add(r);
        mc.add(r, n++);
    }
    std::cout << vm["input"].as<std::string>() << ": " << st::input_format_name(in->format()) << " ("
              << st::compression_name(in->compressed()) << "), time unit "
              << st::time_unit_name(in->hdr().unit) << "\n";
    print_report(*in, std::cout);
    print_mapping_check(mc, std::cout);
    std::cout << st::format_stats(sc.finish());
    return 0;
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::cerr << top_usage;
        return exit_usage;
    }
    const std::string cmd = argv[1];
    std::vector<std::string> args(argv + 2, argv + argc);
    try {
        if (cmd == "convert")
            return cmd_convert(args);
        if (cmd == "validate")
            return cmd_validate(args);
        if (cmd == "generate")
            return cmd_generate(args);
        if (cmd == "summary" || cmd == "stats")
            return cmd_summary(args);
        if (cmd == "-h" || cmd == "--help" || cmd == "help") {
            std::cout << top_usage;
            return 0;
        }
        std::cerr << "smmu-trace: unknown command '" << cmd << "'\n" << top_usage;
        return exit_usage;
    } catch (const usage_error& e) {
        std::cerr << "smmu-trace " << cmd << ": " << e.what() << "\n";
        return exit_usage;
    } catch (const st::trace_error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return exit_bad_trace;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return exit_bad_trace;
    }
}
