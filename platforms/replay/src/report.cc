// SPDX-License-Identifier: Apache-2.0
// Text and JSON reports (docs/platform.md "Report"). Output is deterministic: fixed key
// order, integers printed exactly, fractions with fixed decimals.
#include "smmuv3_replay/report.h"

#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <sstream>

namespace smmuv3::replay {

namespace {

std::string fmt(const char* f, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char* f, ...)
{
    char b[256];
    va_list ap;
    va_start(ap, f);
    std::vsnprintf(b, sizeof b, f, ap);
    va_end(ap);
    return b;
}

std::string u64(uint64_t v)
{
    return fmt("%" PRIu64, v);
}

std::string hex(uint64_t v)
{
    return fmt("0x%" PRIx64, v);
}

/// picoseconds as nanoseconds with three decimals, exactly
std::string ns(uint64_t ps)
{
    return fmt("%" PRIu64 ".%03" PRIu64, ps / 1000, ps % 1000);
}

std::string rate(uint64_t hits, uint64_t lookups)
{
    return fmt("%.6f", hit_rate(hits, lookups));
}

std::string quote(const std::string& s)
{
    std::string o = "\"";
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            o += '\\';
            o += ch;
        } else if (c < 0x20) {
            o += fmt("\\u%04x", c);
        } else {
            o += ch;
        }
    }
    return o + "\"";
}

// A small pretty-printing JSON writer: objects and arrays nest, keys in call order.
class Json {
public:
    void open(const std::string& key, char bracket)
    {
        item(key);
        out_ << bracket;
        first_.push_back(true);
    }
    void close(char bracket)
    {
        first_.pop_back();
        out_ << '\n' << std::string(2 * first_.size(), ' ') << bracket;
    }
    void value(const std::string& key, const std::string& raw)
    {
        item(key);
        out_ << raw;
    }
    std::string str()
    {
        out_ << '\n';
        return out_.str();
    }

private:
    void item(const std::string& key)
    {
        if (first_.empty())
            return;
        if (!first_.back())
            out_ << ',';
        first_.back() = false;
        out_ << '\n' << std::string(2 * first_.size(), ' ');
        if (!key.empty())
            out_ << quote(key) << ": ";
    }
    std::ostringstream out_;
    std::vector<bool> first_;
};

smmu_cache_stats_t sum(const smmu_cache_stats_t& a, const smmu_cache_stats_t& b)
{
    return {a.lookups + b.lookups, a.hits + b.hits,           a.misses + b.misses,
            a.fills + b.fills,     a.evictions + b.evictions, a.invalidations + b.invalidations};
}

void cache_json(Json& j, const std::string& key, const smmu_cache_stats_t& c)
{
    j.open(key, '{');
    j.value("lookups", u64(c.lookups));
    j.value("hits", u64(c.hits));
    j.value("misses", u64(c.misses));
    j.value("hit_rate", rate(c.hits, c.lookups));
    j.value("fills", u64(c.fills));
    j.value("evictions", u64(c.evictions));
    j.value("invalidations", u64(c.invalidations));
    j.close('}');
}

void geom_json(Json& j, const std::string& key, const smmu_cache_geom_t& g)
{
    j.open(key, '{');
    j.value("entries", u64(g.entries));
    j.value("ways", u64(g.ways == 0 ? g.entries : g.ways));
    j.value("policy", quote(policy_name(g.policy)));
    j.close('}');
}

std::string stream_name(const RunInfo& run, uint32_t sid)
{
    for (const traces::stream_decl& d : run.streams)
        if (d.sid == sid)
            return d.name;
    return "";
}

// Histogram buckets: latencies <= 1 ns, <= 2 ns, <= 4 ns, ... (upper bounds in ns).
std::vector<std::pair<uint64_t, uint64_t>> buckets(const LatencyStats& l)
{
    std::vector<std::pair<uint64_t, uint64_t>> b;
    if (l.count() == 0)
        return b;
    uint64_t le = 1;
    while (le * 1000 < l.max())
        le *= 2;
    for (uint64_t x = 1; x <= le; x *= 2)
        b.emplace_back(x, 0);
    for (const auto& [v, c] : l.values()) {
        size_t i = 0;
        while (b[i].first * 1000 < v)
            i++;
        b[i].second += c;
    }
    return b;
}

uint64_t faults_total(const smmu_stats_t& s)
{
    uint64_t t = 0;
    for (uint64_t v : s.events_by_type)
        t += v;
    return t;
}

std::string event_name(unsigned t)
{
    const char* n = smmu_event_name(t);
    return n ? n : fmt("EVENT_0x%02x", t);
}

}  // namespace

double hit_rate(uint64_t hits, uint64_t lookups)
{
    return lookups ? static_cast<double>(hits) / static_cast<double>(lookups) : 0.0;
}

Report collect(const RunInfo& run, const Engine& eng, smmu_t* smmu, const drv::Driver& drv)
{
    Report r;
    r.run = run;
    r.n = eng.counters();
    smmu_stats_get(smmu, &r.stats);
    for (uint32_t sid : eng.streams()) {
        StreamReport s{sid, {}};
        if (smmu_stream_stats_get(smmu, sid, &s.st) == SMMU_OK)
            r.streams.push_back(s);
    }
    r.command_errors = drv.command_errors();
    return r;
}

std::string to_json(const Report& r)
{
    const Counters& n = r.n;
    const smmu_stats_t& s = r.stats;
    const smmu_config_t& c = r.run.cfg;
    const Timing& t = r.run.timing;
    Json j;
    j.open("", '{');
    j.value("format", quote("smmu-vp-report 1"));
    j.value("mode", quote(r.run.mode));
    j.open("trace", '{');
    j.value("path", quote(r.run.trace));
    j.value("format", quote(r.run.trace_format));
    j.close('}');

    j.open("config", '{');
    j.value("preset", quote(r.run.preset));
    j.value("ports", u64(r.run.ports));
    geom_json(j, "tlb", c.iotlb);
    geom_json(j, "utlb", c.utlb);
    geom_json(j, "ste_cache", c.ste_cache);
    geom_json(j, "cd_cache", c.cd_cache);
    geom_json(j, "walk_cache_s1", c.walk_s1);
    geom_json(j, "walk_cache_s2", c.walk_s2);
    j.open("latency_ns", '{');
    j.value("utlb_hit", ns(t.utlb_hit));
    j.value("tlb_hit", ns(t.iotlb_hit));
    j.value("bypass", ns(t.bypass));
    j.value("walk_level", ns(t.walk_level));
    j.value("cfg_fetch", ns(t.cfg_fetch));
    j.value("httu_update", ns(t.httu_update));
    j.value("mem", ns(t.mem));
    j.value("command", ns(t.command));
    j.close('}');
    j.close('}');

    j.open("records", '{');
    j.value("total", u64(n.records));
    j.value("replayed", u64(n.records - n.skipped));
    j.value("skipped", u64(n.skipped));
    j.open("skipped_by_reason", '{');
    for (const auto& [why, cnt] : n.skipped_by_reason)
        j.value(why, u64(cnt));
    j.close('}');
    j.open("by_kind", '{');
    for (const auto& [kind, cnt] : n.by_kind)
        j.value(kind, u64(cnt));
    j.close('}');
    j.value("pa_checked", u64(n.pa_checked));
    j.value("pa_mismatch", u64(n.pa_mismatch));
    j.value("first_pa_mismatch", n.first_mismatch.empty() ? "null" : quote(n.first_mismatch));
    j.close('}');

    j.open("translations", '{');
    j.value("requests", u64(n.dma));
    j.value("ok", u64(n.dma_ok));
    j.value("failed", u64(n.dma_failed));
    j.value("bypassed", u64(s.bypassed));
    j.value("faulted", u64(s.faulted));
    j.value("aborted", u64(s.aborted));
    j.close('}');

    j.open("faults", '{');
    j.value("total", u64(faults_total(s)));
    j.open("by_type", '{');
    for (unsigned i = 0; i < SMMU_EVENT_TYPES; i++)
        if (s.events_by_type[i])
            j.value(event_name(i), u64(s.events_by_type[i]));
    j.close('}');
    j.value("events_recorded", u64(s.events));
    j.value("events_dropped", u64(s.events_dropped));
    j.close('}');

    cache_json(j, "tlb", s.iotlb);
    cache_json(j, "utlb", s.utlb);
    cache_json(j, "config_cache", sum(s.ste_cache, s.cd_cache));
    cache_json(j, "walk_cache", sum(s.walk_s1, s.walk_s2));
    cache_json(j, "ste_cache", s.ste_cache);
    cache_json(j, "cd_cache", s.cd_cache);
    cache_json(j, "walk_cache_s1", s.walk_s1);
    cache_json(j, "walk_cache_s2", s.walk_s2);

    j.open("streams", '[');
    for (const StreamReport& sr : r.streams) {
        const smmu_stream_stats_t& x = sr.st;
        j.open("", '{');
        j.value("sid", quote(hex(sr.sid)));
        j.value("name", quote(stream_name(r.run, sr.sid)));
        j.value("translations", u64(x.translations));
        j.value("utlb_hits", u64(x.utlb_hits));
        j.value("tlb_hits", u64(x.iotlb_hits));
        j.value("tlb_misses", u64(x.iotlb_misses));
        j.value("faults", u64(x.faults));
        j.value("utlb_hit_rate", rate(x.utlb_hits, x.translations));
        j.value("tlb_hit_rate", rate(x.iotlb_hits, x.iotlb_hits + x.iotlb_misses));
        j.value("hit_rate", rate(x.utlb_hits + x.iotlb_hits, x.translations));
        j.close('}');
    }
    j.close(']');

    j.open("walks", '{');
    j.value("count", u64(s.walks));
    j.value("memory_accesses",
            u64(s.walk_reads_s1 + s.walk_reads_s2 + s.cfg_reads + s.httu_writes));
    j.value("s1_reads", u64(s.walk_reads_s1));
    j.value("s2_reads", u64(s.walk_reads_s2));
    j.value("cfg_reads", u64(s.cfg_reads));
    j.value("httu_writes", u64(s.httu_writes));
    j.close('}');

    j.open("commands", '{');
    j.value("total", u64(s.commands));
    j.open("by_name", '{');
    for (unsigned i = 0; i < 256; i++) {
        if (!s.commands_by_op[i])
            continue;
        const char* nm = smmu_cmd_name(i);
        j.value(nm ? nm : fmt("CMD_0x%02x", i), u64(s.commands_by_op[i]));
    }
    j.close('}');
    j.value("errors", u64(s.cmd_errors));
    j.close('}');

    j.open("interrupts", '{');
    j.value("msi", u64(s.msis));
    j.value("wired", u64(s.irqs));
    j.close('}');

    const LatencyStats& l = n.latency;
    j.open("latency_ns", '{');
    j.value("count", u64(l.count()));
    j.value("mean", fmt("%.3f", l.count() ? static_cast<double>(l.sum()) / 1000.0 /
                                                static_cast<double>(l.count())
                                          : 0.0));
    j.value("min", ns(l.min()));
    j.value("p50", ns(l.percentile(50)));
    j.value("p90", ns(l.percentile(90)));
    j.value("p99", ns(l.percentile(99)));
    j.value("max", ns(l.max()));
    j.open("histogram", '[');
    for (const auto& [le, cnt] : buckets(l)) {
        j.open("", '{');
        j.value("le", u64(le));
        j.value("count", u64(cnt));
        j.close('}');
    }
    j.close(']');
    j.close('}');

    if (!r.platform.empty()) {
        j.open("platform", '{');
        for (const auto& [k, v] : r.platform)
            j.value(k, v);
        j.close('}');
    }

    j.open("host", '{');
    j.value("seconds", fmt("%.6f", n.host_seconds));
    j.value(
        "records_per_second",
        fmt("%.0f", n.host_seconds > 0 ? static_cast<double>(n.records) / n.host_seconds : 0.0));
    j.value("cpu_seconds", fmt("%.6f", n.host_cpu_seconds));
    j.value("decode_seconds", fmt("%.6f", n.decode_seconds));
    j.close('}');
    j.close('}');
    return j.str();
}

std::string to_text(const Report& r)
{
    const Counters& n = r.n;
    const smmu_stats_t& s = r.stats;
    std::ostringstream o;
    o << "smmu-vp: " << r.run.trace << " (" << r.run.trace_format << "), "
      << (r.run.mode == "tlm" ? "SystemC TLM platform" : "core-only replay") << ", preset "
      << r.run.preset << ", " << r.run.ports << (r.run.ports == 1 ? " port\n" : " ports\n");
    o << fmt("records       %" PRIu64 " replayed, %" PRIu64 " skipped", n.records - n.skipped,
             n.skipped);
    if (!n.skipped_by_reason.empty()) {
        o << " (";
        const char* sep = "";
        for (const auto& [why, cnt] : n.skipped_by_reason) {
            o << sep << why << " " << cnt;
            sep = ", ";
        }
        o << ")";
    }
    o << "\n";
    o << fmt("pa check      %" PRIu64 " mismatches in %" PRIu64 " DMA records with an expected "
             "address\n",
             n.pa_mismatch, n.pa_checked);
    if (!n.first_mismatch.empty())
        o << "              first: " << n.first_mismatch << "\n";
    o << fmt("translations  %" PRIu64 ": %" PRIu64 " ok, %" PRIu64 " failed; faults %" PRIu64,
             n.dma, n.dma_ok, n.dma_failed, faults_total(s));
    for (unsigned i = 0; i < SMMU_EVENT_TYPES; i++)
        if (s.events_by_type[i])
            o << " " << event_name(i) << "=" << s.events_by_type[i];
    o << "\n";
    o << "cache            lookups        hits      misses  hit rate\n";
    auto row = [&](const char* name, const smmu_cache_stats_t& c) {
        o << fmt("  %-12s %10" PRIu64 "  %10" PRIu64 "  %10" PRIu64 "  %7.2f%%\n", name, c.lookups,
                 c.hits, c.misses, 100.0 * hit_rate(c.hits, c.lookups));
    };
    row("utlb", s.utlb);
    row("tlb", s.iotlb);
    row("config cache", sum(s.ste_cache, s.cd_cache));
    row("walk cache", sum(s.walk_s1, s.walk_s2));
    if (!r.streams.empty()) {
        o << "stream                       translations  utlb hits   tlb hits  tlb misses  hit rate\n";
        for (const StreamReport& sr : r.streams) {
            std::string label = hex(sr.sid);
            std::string nm = stream_name(r.run, sr.sid);
            if (!nm.empty())
                label += " " + nm;
            if (label.size() > 28)
                label.resize(28);
            o << fmt("  %-28s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %11" PRIu64 "  %7.2f%%\n",
                     label.c_str(), sr.st.translations, sr.st.utlb_hits, sr.st.iotlb_hits,
                     sr.st.iotlb_misses,
                     100.0 * hit_rate(sr.st.utlb_hits + sr.st.iotlb_hits, sr.st.translations));
        }
    }
    o << fmt("table walks   %" PRIu64 " walks, %" PRIu64 " memory accesses (stage 1 %" PRIu64
             ", stage 2 %" PRIu64 ", STE/CD %" PRIu64 ", HTTU %" PRIu64 ")\n",
             s.walks, s.walk_reads_s1 + s.walk_reads_s2 + s.cfg_reads + s.httu_writes,
             s.walk_reads_s1, s.walk_reads_s2, s.cfg_reads, s.httu_writes);
    o << fmt("commands      %" PRIu64 " (%" PRIu64 " errors); interrupts: %" PRIu64 " MSI, %" PRIu64
             " wired\n",
             s.commands, s.cmd_errors, s.msis, s.irqs);
    const LatencyStats& l = n.latency;
    o << fmt("latency (ns)  mean %.3f  p50 %s  p90 %s  p99 %s  max %s\n",
             l.count() ? static_cast<double>(l.sum()) / 1000.0 / static_cast<double>(l.count())
                       : 0.0,
             ns(l.percentile(50)).c_str(), ns(l.percentile(90)).c_str(),
             ns(l.percentile(99)).c_str(), ns(l.max()).c_str());
    uint64_t top = 0;
    const auto b = buckets(l);
    for (const auto& [le, cnt] : b)
        top = cnt > top ? cnt : top;
    for (const auto& [le, cnt] : b) {
        if (!cnt)
            continue;
        const int w = static_cast<int>((cnt * 40 + top - 1) / top);
        o << fmt("  <= %5" PRIu64 " ns %10" PRIu64 "  %s\n", le, cnt,
                 std::string(static_cast<size_t>(w), '#').c_str());
    }
    for (const auto& [k, v] : r.platform)
        o << fmt("platform      %s = %s\n", k.c_str(),
                 v.size() > 1 && v[0] == '"' ? v.substr(1, v.size() - 2).c_str() : v.c_str());
    o << fmt("host          %.3f s replaying, %.2f M records/s (decoding %.3f s, not included)\n",
             n.host_seconds,
             n.host_seconds > 0 ? static_cast<double>(n.records) / n.host_seconds / 1e6 : 0.0,
             n.decode_seconds);
    return o.str();
}

}  // namespace smmuv3::replay
