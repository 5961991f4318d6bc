// SPDX-License-Identifier: Apache-2.0
// Configuration sweeps: the trace is decoded once, then every grid point runs in a worker
// process forked from this one (so each may elaborate its own SystemC platform), at most
// `jobs` at a time. Each worker writes one CSV row to a pipe.
#include "sweep.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "vp.h"

namespace smmuv3::vp {

namespace rp = smmuv3::replay;

namespace {

struct Point {
    smmu_policy_t policy;
    uint32_t ways, entries;
    std::string row;  // CSV values after the three key columns, or "" on failure
    std::string error;
};

const char* const CSV_HEADER =
    "policy,ways,entries,tlb_lookups,tlb_hits,tlb_hit_rate,utlb_hit_rate,walks,"
    "latency_mean_ns,latency_p50_ns,latency_p90_ns,latency_p99_ns,latency_max_ns,pa_mismatch,"
    "host_seconds";

std::string ns(uint64_t ps)
{
    char b[48];
    std::snprintf(b, sizeof b, "%" PRIu64 ".%03" PRIu64, ps / 1000, ps % 1000);
    return b;
}

std::string row_of(const rp::Report& r)
{
    const rp::LatencyStats& l = r.n.latency;
    char b[512];
    std::snprintf(
        b, sizeof b,
        "%" PRIu64 ",%" PRIu64 ",%.6f,%.6f,%" PRIu64 ",%.3f,%s,%s,%s,%s,%" PRIu64 ",%.6f",
        r.stats.iotlb.lookups, r.stats.iotlb.hits,
        rp::hit_rate(r.stats.iotlb.hits, r.stats.iotlb.lookups),
        rp::hit_rate(r.stats.utlb.hits, r.stats.utlb.lookups), r.stats.walks,
        l.count() ? static_cast<double>(l.sum()) / 1000.0 / static_cast<double>(l.count()) : 0.0,
        ns(l.percentile(50)).c_str(), ns(l.percentile(90)).c_str(), ns(l.percentile(99)).c_str(),
        ns(l.max()).c_str(), r.n.pa_mismatch, r.n.host_seconds);
    return b;
}

// Child side: run one point, write "ok ROW" or "error MESSAGE" to fd.
[[noreturn]] void child(const rp::RunSpec& spec, bool tlm, int fd)
{
    std::string msg;
    try {
        rp::Report r = tlm ? run_tlm(spec) : rp::run_core(spec);
        msg = "ok " + row_of(r);
    } catch (const std::exception& e) {
        msg = std::string("error ") + e.what();
    }
    size_t off = 0;
    while (off < msg.size()) {
        ssize_t w = ::write(fd, msg.data() + off, msg.size() - off);
        if (w <= 0)
            break;
        off += static_cast<size_t>(w);
    }
    ::close(fd);
    std::fflush(nullptr);
    _exit(0);
}

std::string read_all(int fd)
{
    std::string s;
    char b[4096];
    for (;;) {
        ssize_t n = ::read(fd, b, sizeof b);
        if (n <= 0)
            break;
        s.append(b, static_cast<size_t>(n));
    }
    return s;
}

bool plot(const SweepOptions& o, const std::string& title)
{
    const bool svg = o.plot.size() > 4 && o.plot.compare(o.plot.size() - 4, 4, ".svg") == 0;
    FILE* g = ::popen("gnuplot", "w");
    if (!g)
        return false;
    // columns: 1 policy, 2 ways, 3 entries, 6 tlb_hit_rate, 9 latency_mean_ns
    std::ostringstream s;
    s << (svg ? "set terminal svg size 1100,460 dynamic font 'sans,11'\n"
              : "set terminal pngcairo size 1100,460 font 'sans,10'\n");
    s << "set termoption noenhanced\n"
      << "set output '" << o.plot << "'\n"
      << "set datafile separator ','\n"
      << "set key autotitle columnhead\n"
      << "set multiplot layout 1,2 title '" << title << "'\n"
      << "set logscale x 2\nset grid\nset key bottom right\n"
      << "set xlabel 'IOTLB entries'\nset ylabel 'IOTLB hit rate'\nset yrange [0:1]\n"
      << "plot ";
    const char* sep = "";
    for (smmu_policy_t p : o.policies) {
        s << sep << "'" << o.csv << "' using 3:(strcol(1) eq '" << rp::policy_name(p)
          << "' ? $6 : NaN) with linespoints title '" << rp::policy_name(p) << "'";
        sep = ", ";
    }
    s << "\nset ylabel 'mean translation latency (ns)'\nset yrange [0:*]\nset key top right\nplot ";
    sep = "";
    for (smmu_policy_t p : o.policies) {
        s << sep << "'" << o.csv << "' using 3:(strcol(1) eq '" << rp::policy_name(p)
          << "' ? $9 : NaN) with linespoints title '" << rp::policy_name(p) << "'";
        sep = ", ";
    }
    s << "\nunset multiplot\n";
    const std::string script = s.str();
    std::fwrite(script.data(), 1, script.size(), g);
    return ::pclose(g) == 0;
}

std::string base_name(const std::string& p)
{
    size_t s = p.find_last_of('/');
    return s == std::string::npos ? p : p.substr(s + 1);
}

// The workers run at once: refuse a grid whose largest instances, one per worker, would not
// fit in half the machine's memory, before forking any.
void check_memory(const rp::RunSpec& base, const std::vector<Point>& pts, const SweepOptions& o)
{
    size_t worst = 0;
    for (const Point& pt : pts) {
        smmu_config_t c = base.cfg;
        const uint32_t w = pt.ways == 0 || pt.ways > pt.entries ? pt.entries : pt.ways;
        c.iotlb = {pt.entries, w, pt.policy};
        const size_t f = smmu_config_footprint(&c);
        worst = f > worst ? f : worst;
    }
    const long pages = ::sysconf(_SC_PHYS_PAGES), psize = ::sysconf(_SC_PAGESIZE);
    if (pages <= 0 || psize <= 0)
        return;
    const double avail = static_cast<double>(pages) * static_cast<double>(psize) / 2;
    const size_t workers = std::min<size_t>(o.jobs ? o.jobs : 1, pts.size());
    if (static_cast<double>(worst) * static_cast<double>(workers) > avail) {
        char msg[256];
        std::snprintf(msg, sizeof msg,
                      "--sweep: %zu workers x %.1f MiB (the largest configuration's SMMU) "
                      "exceed half of the machine's memory (%.1f MiB); lower --jobs or the "
                      "TLB sizes",
                      workers, static_cast<double>(worst) / 1048576.0, avail / 1048576.0);
        throw std::runtime_error(msg);
    }
}

}  // namespace

int run_sweep(const rp::RunSpec& base, const SweepOptions& o)
{
    // decode once; every worker inherits the decoded trace
    auto src = traces::open_trace(base.trace);
    const rp::Program prog = rp::Program::load(*src);
    src.reset();

    std::vector<Point> pts;
    std::vector<uint32_t> ways = o.ways;
    if (ways.empty())
        ways.push_back(base.cfg.iotlb.ways);
    for (uint32_t w : ways)
        for (smmu_policy_t p : o.policies)
            for (uint32_t e : o.entries)
                pts.push_back({p, w, e, "", ""});
    check_memory(base, pts, o);
    if (!o.quiet)
        std::fprintf(stderr, "sweep: %zu configurations of %s, %u workers, %s\n", pts.size(),
                     base.trace.c_str(), o.jobs, o.tlm ? "SystemC platform" : "core-only");

    std::map<pid_t, std::pair<size_t, int>> running;  // pid -> (point, read fd)
    size_t next = 0, finished = 0;
    bool failed = false;
    std::fflush(nullptr);
    while (finished < pts.size()) {
        while (next < pts.size() && running.size() < (o.jobs ? o.jobs : 1)) {
            Point& pt = pts[next];
            rp::RunSpec spec = base;
            spec.program = &prog;
            spec.progress = nullptr;
            const uint32_t w = pt.ways == 0 || pt.ways > pt.entries ? pt.entries : pt.ways;
            spec.cfg.iotlb = {pt.entries, w, pt.policy};
            const char* why = nullptr;
            if (smmu_config_check(&spec.cfg, &why) != SMMU_OK) {
                pt.error = why ? why : "configuration rejected";
                next++;
                finished++;
                continue;
            }
            int fds[2];
            if (::pipe(fds) != 0) {
                std::perror("pipe");
                return 1;
            }
            pid_t pid = ::fork();
            if (pid < 0) {
                std::perror("fork");
                return 1;
            }
            if (pid == 0) {
                ::close(fds[0]);
                child(spec, o.tlm, fds[1]);
            }
            ::close(fds[1]);
            running[pid] = {next, fds[0]};
            next++;
        }
        if (running.empty())
            continue;
        int status = 0;
        pid_t pid = ::wait(&status);
        auto it = running.find(pid);
        if (it == running.end())
            continue;
        Point& pt = pts[it->second.first];
        std::string msg = read_all(it->second.second);
        ::close(it->second.second);
        running.erase(it);
        finished++;
        if (msg.compare(0, 3, "ok ") == 0)
            pt.row = msg.substr(3);
        else
            pt.error = msg.empty() ? "worker died (status " + std::to_string(status) + ")"
                                   : msg.substr(msg.find(' ') + 1);
        if (!o.quiet)
            std::fprintf(stderr, "  [%zu/%zu] %s ways=%u entries=%u: %s\n", finished, pts.size(),
                         rp::policy_name(pt.policy), pt.ways, pt.entries,
                         pt.error.empty() ? "ok" : pt.error.c_str());
    }

    std::ofstream csv(o.csv);
    if (!csv) {
        std::fprintf(stderr, "smmu-vp: cannot write %s\n", o.csv.c_str());
        return 2;
    }
    csv << CSV_HEADER << "\n";
    for (const Point& pt : pts) {
        if (pt.row.empty()) {
            failed = true;
            std::fprintf(stderr, "smmu-vp: %s ways=%u entries=%u failed: %s\n",
                         rp::policy_name(pt.policy), pt.ways, pt.entries, pt.error.c_str());
            continue;
        }
        csv << rp::policy_name(pt.policy) << "," << pt.ways << "," << pt.entries << "," << pt.row
            << "\n";
    }
    csv.close();
    if (!o.quiet)
        std::fprintf(stderr, "sweep: wrote %s\n", o.csv.c_str());
    if (!o.plot.empty()) {
        const uint32_t u = base.cfg.utlb.entries;
        const std::string title =
            base_name(base.trace) + " - " + (o.tlm ? "SystemC platform" : "core-only") +
            ", preset " + base.preset + ", micro-TLB " +
            (u ? std::to_string(u) + " entries" : std::string("off")) + ", IOTLB ways " +
            (o.ways.empty() ? std::to_string(base.cfg.iotlb.ways) : std::string("as in the CSV"));
        if (!plot(o, title)) {
            std::fprintf(stderr, "smmu-vp: gnuplot failed; no plot (install gnuplot-nox)\n");
            failed = true;
        } else if (!o.quiet) {
            std::fprintf(stderr, "sweep: wrote %s\n", o.plot.c_str());
        }
    }
    return failed ? 1 : 0;
}

}  // namespace smmuv3::vp
