// SPDX-License-Identifier: Apache-2.0
// Trace statistics and the exact LRU TLB simulation (docs/traces.md "Summary").
#include "smmuv3_traces/stats.h"

#include <cstdio>
#include <unordered_set>

#include "native_internal.h"

namespace smmuv3::traces {

bool lru_tlb::access(uint32_t sid, uint64_t vpn, bool count)
{
    const key k{sid, vpn};
    auto it = m_map.find(k);
    if (it != m_map.end()) {
        m_lru.splice(m_lru.begin(), m_lru, it->second);
        if (count)
            ++m_hits;
        return true;
    }
    if (count)
        ++m_misses;
    m_lru.push_front(k);
    m_map.emplace(k, m_lru.begin());
    if (m_map.size() > m_cap) {
        m_map.erase(m_lru.back());
        m_lru.pop_back();
    }
    return false;
}

void lru_tlb::invalidate_pages(const std::set<uint32_t>& sids, uint64_t vpn0, uint64_t npages)
{
    /* Either probe every key of the range or scan the TLB, whichever is less work: the
     * result is the same. */
    if (npages <= m_map.size() / (sids.size() ? sids.size() : 1)) {
        for (uint32_t sid : sids)
            for (uint64_t v = vpn0; v < vpn0 + npages; ++v) {
                auto it = m_map.find({sid, v});
                if (it != m_map.end()) {
                    m_lru.erase(it->second);
                    m_map.erase(it);
                }
            }
        return;
    }
    for (auto it = m_lru.begin(); it != m_lru.end();) {
        if (sids.count(it->first) && it->second >= vpn0 && it->second - vpn0 < npages) {
            m_map.erase(*it);
            it = m_lru.erase(it);
        } else {
            ++it;
        }
    }
}

void lru_tlb::invalidate_sids(const std::set<uint32_t>& sids)
{
    for (auto it = m_lru.begin(); it != m_lru.end();) {
        if (sids.count(it->first)) {
            m_map.erase(*it);
            it = m_lru.erase(it);
        } else {
            ++it;
        }
    }
}

void lru_tlb::clear()
{
    m_map.clear();
    m_lru.clear();
}

namespace {
struct page_hash {
    size_t operator()(const std::pair<uint32_t, uint64_t>& k) const
    {
        return std::hash<uint64_t>()(k.second * 0x9E3779B97F4A7C15ull ^ k.first);
    }
};
using page_set = std::unordered_set<std::pair<uint32_t, uint64_t>, page_hash>;

std::string access_token(uint8_t a)
{
    std::string s = (a & ACC_WRITE) ? "w" : "r";
    if (a & ACC_INSTR)
        s += 'i';
    if (a & ACC_PRIV)
        s += 'p';
    if (a & ACC_INFERRED)
        s += '?';
    return s;
}

std::string outcome_token(const outcome& q)
{
    switch (q.kind) {
    case outcome::none: return "-";
    case outcome::hit: return "H";
    case outcome::miss: return q.level < 0 ? "M" : "M" + std::to_string(q.level);
    case outcome::abort: return "A";
    case outcome::bypass: return "B";
    case outcome::disabled: return "D";
    }
    return "?";
}
}  // namespace

struct stats_collector::impl {
    std::vector<size_t> entries;
    std::vector<lru_tlb> plain, inval;
    std::map<uint16_t, std::set<uint32_t>> asid_sids;
    std::set<uint32_t> all_sids;
    page_set whole_pages, phase_pages;
    trace_stats st;
    phase_stats* cur = nullptr;       // open phase, if any
    uint64_t mapped_now = 0;

    phase_stats open(const std::string& name, uint32_t idx)
    {
        phase_stats p;
        p.name = name;
        p.idx = idx;
        for (size_t i = 0; i < entries.size(); ++i) {
            p.plain.emplace_back(plain[i].hits(), plain[i].misses());
            p.inval.emplace_back(inval[i].hits(), inval[i].misses());
        }
        return p;
    }

    void close(phase_stats& p)
    {
        for (size_t i = 0; i < entries.size(); ++i) {
            p.plain[i] = {plain[i].hits() - p.plain[i].first, plain[i].misses() - p.plain[i].second};
            p.inval[i] = {inval[i].hits() - p.inval[i].first, inval[i].misses() - p.inval[i].second};
        }
    }

    void close_current()
    {
        if (!cur)
            return;
        close(*cur);
        cur->distinct_pages = phase_pages.size();
        phase_pages.clear();
        cur = nullptr;
    }

    void count_dma(phase_stats& p, const dma_record& d, const std::pair<uint32_t, uint64_t>& k,
                   page_set* pages)
    {
        ++p.dma;
        if (pages)
            pages->insert(k);
        p.sids.insert(d.sid);
        ++p.access[access_token(d.access)];
        if (d.q.kind == outcome::hit || d.q.kind == outcome::miss) {
            ++p.qemu_known;
            p.qemu_hit += d.q.kind == outcome::hit;
        }
    }

    void dma(const dma_record& d)
    {
        ++st.outcomes[outcome_token(d.q)];
        if (d.noreplay) {
            ++st.dma_noreplay;
            return;
        }
        ++st.dma_replayable;
        ++st.dma_by_sid[d.sid];
        if (d.asid)
            asid_sids[*d.asid].insert(d.sid);
        all_sids.insert(d.sid);
        const std::pair<uint32_t, uint64_t> k{d.sid, d.iova >> 12};
        whole_pages.insert(k);
        for (size_t i = 0; i < entries.size(); ++i) {
            /* Counted always: a phase's numbers are the differences over its records. */
            plain[i].access(k.first, k.second, true);
            inval[i].access(k.first, k.second, true);
        }
        count_dma(st.whole, d, k, nullptr);
        if (cur)
            count_dma(*cur, d, k, &phase_pages);
    }

    void cmd(const cmd_record& c)
    {
        const std::string name = cmd_name(c.opcode);
        ++st.commands[name];
        const bool tlbi = name.rfind("TLBI", 0) == 0;
        ++st.whole.cmds;
        st.whole.tlbi += tlbi;
        if (cur) {
            ++cur->cmds;
            cur->tlbi += tlbi;
        }
        if (!tlbi)
            return;
        /* The invalidation a TLB keyed by (sid, 4 KiB page) sees: by ASID + range for
         * TLBI_NH_VA (sids that used the ASID), by range over every sid for TLBI_NH_VAA,
         * every entry of the ASID's sids for TLBI_NH_ASID, everything for the others. */
        if ((c.opcode == 0x12 || c.opcode == 0x13) && c.has(cmd_arg::addr)) {
            const uint64_t tg = c.get(cmd_arg::tg, 1);
            const unsigned gs = tg == 2 ? 14 : tg == 3 ? 16 : 12;
            const uint64_t n = std::max<uint64_t>(1, c.get(cmd_arg::num, 1)) << (gs - 12);
            std::set<uint32_t> sids;
            if (c.opcode == 0x12) {
                auto it = asid_sids.find(static_cast<uint16_t>(c.get(cmd_arg::asid)));
                if (it != asid_sids.end())
                    sids = it->second;
            } else {
                sids = all_sids;
            }
            for (auto& t : inval)
                t.invalidate_pages(sids, c.get(cmd_arg::addr) >> 12, n);
        } else if (c.opcode == 0x11) {
            auto it = asid_sids.find(static_cast<uint16_t>(c.get(cmd_arg::asid)));
            std::set<uint32_t> sids = it == asid_sids.end() ? std::set<uint32_t>() : it->second;
            for (auto& t : inval)
                t.invalidate_sids(sids);
        } else {
            for (auto& t : inval)
                t.clear();
        }
    }

    void mark(const mark_record& mk)
    {
        close_current();
        if (mk.name == "end")
            return;
        st.phases.push_back(open(mk.name, mk.idx));
        cur = &st.phases.back();
    }
};

stats_collector::stats_collector(std::vector<size_t> entries) : m(std::make_unique<impl>())
{
    m->entries = entries;
    for (size_t e : entries) {
        m->plain.emplace_back(e);
        m->inval.emplace_back(e);
    }
    m->st.entries = entries;
    m->st.whole = m->open("(whole-trace)", 0);
}

stats_collector::~stats_collector() = default;

void stats_collector::add(const record& r)
{
    ++m->st.records;
    ++m->st.by_kind[record_kind_name(r.kind())];
    switch (r.kind()) {
    case record_kind::dma: m->dma(std::get<dma_record>(r.body)); break;
    case record_kind::cmd: m->cmd(std::get<cmd_record>(r.body)); break;
    case record_kind::mark: m->mark(std::get<mark_record>(r.body)); break;
    case record_kind::map:
        m->mapped_now += std::get<map_record>(r.body).size;
        m->st.bytes_mapped_max = std::max(m->st.bytes_mapped_max, m->mapped_now);
        break;
    case record_kind::unmap: {
        const uint64_t s = std::get<unmap_record>(r.body).size;
        m->mapped_now = s > m->mapped_now ? 0 : m->mapped_now - s;
        break;
    }
    default: break;
    }
}

trace_stats stats_collector::finish()
{
    /* Phases reserve no storage up front: pointers into st.phases stay valid only because
     * close_current() runs before the next push_back. */
    m->close_current();
    m->close(m->st.whole);
    m->st.whole.distinct_pages = m->whole_pages.size();
    m->st.distinct_pages = m->whole_pages.size();
    if (m->st.phases.empty())
        m->st.phases.push_back(m->st.whole);
    return m->st;
}

void mapping_checker::problem(uint64_t index, const std::string& what)
{
    if (m_first.empty())
        m_first = "record " + std::to_string(index) + ": " + what;
}

void mapping_checker::remove(uint32_t sid, uint64_t start, uint64_t end)
{
    auto it = m_map.lower_bound({sid, start});
    if (it != m_map.begin()) {
        auto prev = std::prev(it);
        if (prev->first.first == sid && prev->first.second + prev->second.size > start)
            it = prev;
    }
    while (it != m_map.end() && it->first.first == sid && it->first.second < end) {
        const uint64_t base = it->first.second;
        const entry e = it->second;
        it = m_map.erase(it);
        /* Keep the parts of a partly unmapped entry (a split block). */
        if (base < start)
            m_map[{sid, base}] = entry{start - base, e.pa, e.perm};
        if (base + e.size > end)
            m_map[{sid, end}] = entry{base + e.size - end, e.pa + (end - base), e.perm};
    }
}

void mapping_checker::add(const record& r, uint64_t index)
{
    switch (r.kind()) {
    case record_kind::bind: {
        const uint32_t sid = std::get<bind_record>(r.body).sid;
        remove(sid, 0, ~uint64_t{0});
        m_map.erase({sid, ~uint64_t{0}});
        break;
    }
    case record_kind::map: {
        const auto& m = std::get<map_record>(r.body);
        m_maps_seen = true;
        auto it = m_map.lower_bound({m.sid, m.iova});
        bool overlap = it != m_map.end() && it->first.first == m.sid && it->first.second < m.iova + m.size;
        if (it != m_map.begin()) {
            auto prev = std::prev(it);
            overlap = overlap || (prev->first.first == m.sid && prev->first.second + prev->second.size > m.iova);
        }
        if (overlap) {
            ++m_overlaps;
            problem(index, "map of " + detail::hex(m.iova) + " overlaps a live mapping");
            remove(m.sid, m.iova, m.iova + m.size);
        }
        m_map[{m.sid, m.iova}] = entry{m.size, m.pa, m.perm};
        break;
    }
    case record_kind::unmap: {
        const auto& u = std::get<unmap_record>(r.body);
        remove(u.sid, u.iova, u.iova + u.size);
        break;
    }
    case record_kind::dma: {
        const auto& d = std::get<dma_record>(r.body);
        if (d.noreplay || !d.pa || !m_maps_seen)
            break;
        ++m_checked;
        auto it = m_map.upper_bound({d.sid, d.iova});
        if (it == m_map.begin() || std::prev(it)->first.first != d.sid ||
            std::prev(it)->first.second + std::prev(it)->second.size <= d.iova) {
            ++m_unmapped;
            problem(index, "dma to " + detail::hex(d.iova) + " (sid " + detail::hex(d.sid) +
                               ") has no mapping");
            break;
        }
        --it;
        const entry& e = it->second;
        const uint64_t pa = e.pa + (d.iova - it->first.second);
        const uint8_t need = (d.access & ACC_WRITE) ? PERM_W : PERM_R;
        if (pa != *d.pa || !(e.perm & need)) {
            ++m_mismatched;
            problem(index, "dma to " + detail::hex(d.iova) + " expects " + detail::hex(*d.pa) +
                               ", the mappings give " + detail::hex(pa) +
                               ((e.perm & need) ? "" : " without the needed permission"));
            break;
        }
        ++m_matched;
        break;
    }
    default: break;
    }
}

std::string format_stats(const trace_stats& s)
{
    std::string o;
    char b[256];
    auto pct = [](uint64_t h, uint64_t t) {
        char x[32];
        if (!t)
            return std::string("n/a");
        std::snprintf(x, sizeof x, "%.1f", 100.0 * static_cast<double>(h) / static_cast<double>(t));
        return std::string(x);
    };
    std::snprintf(b, sizeof b, "records: %llu\n", static_cast<unsigned long long>(s.records));
    o += b;
    for (const auto& kv : s.by_kind) {
        std::snprintf(b, sizeof b, "  %-6s %llu\n", kv.first.c_str(), static_cast<unsigned long long>(kv.second));
        o += b;
    }
    std::snprintf(b, sizeof b, "dma: %llu replayable, %llu not replayed (q = A/B/D)\n",
                  static_cast<unsigned long long>(s.dma_replayable),
                  static_cast<unsigned long long>(s.dma_noreplay));
    o += b;
    o += "  by q:";
    for (const auto& kv : s.outcomes)
        o += " " + kv.first + "=" + std::to_string(kv.second);
    o += "\n  by StreamID:";
    for (const auto& kv : s.dma_by_sid)
        o += " " + detail::hex(kv.first) + "=" + std::to_string(kv.second);
    o += "\n  by access:";
    for (const auto& kv : s.whole.access)
        o += " " + kv.first + "=" + std::to_string(kv.second);
    o += "\n  distinct (sid, 4K page): " + std::to_string(s.distinct_pages);
    o += "\n  QEMU IOTLB hit rate: " + pct(s.whole.qemu_hit, s.whole.qemu_known) + " % (" +
         std::to_string(s.whole.qemu_hit) + " of " + std::to_string(s.whole.qemu_known) + ")\n";
    o += "commands: " + std::to_string(s.whole.cmds) + " (" + std::to_string(s.whole.tlbi) + " TLBI)\n ";
    for (const auto& kv : s.commands)
        o += " " + kv.first + "=" + std::to_string(kv.second);
    o += "\nlargest mapped total: " + std::to_string(s.bytes_mapped_max) + " bytes\n";
    o += "\nLRU TLB keyed by (sid, 4K page), hit % [hits/misses]; plain = no invalidation, "
         "inval = honours TLBIs; warm from the preceding part of the trace:\n";
    for (const auto& p : s.phases) {
        o += "phase " + std::to_string(p.idx) + " " + p.name + ": dma " + std::to_string(p.dma) +
             ", distinct pages " + std::to_string(p.distinct_pages) + ", sids";
        for (uint32_t sid : p.sids)
            o += " " + detail::hex(sid);
        o += ", commands " + std::to_string(p.cmds) + " (TLBI " + std::to_string(p.tlbi) +
             "), QEMU IOTLB " + pct(p.qemu_hit, p.qemu_known) + " %\n";
        for (size_t i = 0; i < s.entries.size(); ++i) {
            const auto& pl = p.plain[i];
            const auto& in = p.inval[i];
            std::snprintf(b, sizeof b, "  entries %6zu: plain %5s %% [%llu/%llu]  inval %5s %% [%llu/%llu]\n",
                          s.entries[i], pct(pl.first, pl.first + pl.second).c_str(),
                          static_cast<unsigned long long>(pl.first), static_cast<unsigned long long>(pl.second),
                          pct(in.first, in.first + in.second).c_str(),
                          static_cast<unsigned long long>(in.first), static_cast<unsigned long long>(in.second));
            o += b;
        }
    }
    return o;
}

}  // namespace smmuv3::traces
