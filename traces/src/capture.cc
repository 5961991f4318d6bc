// SPDX-License-Identifier: Apache-2.0
// Capture events -> native records (docs/traces.md "Importing captures"), and the importer
// of the shared capture files NAME.{dma,cmd,mmio}.xz (their format: shared FORMAT.md).
#include <algorithm>

#include "capture_internal.h"
#include "native_internal.h"

namespace smmuv3::traces {
namespace detail {

std::optional<int64_t> parse_int(std::string_view s, bool hex)
{
    size_t i = 0;
    bool neg = false;
    if (!hex && !s.empty() && s[0] == '-') {
        neg = true;
        i = 1;
    }
    if (s.size() > i + 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
        hex = true;
        i += 2;
    }
    if (i >= s.size())
        return std::nullopt;
    uint64_t v = 0;
    for (; i < s.size(); ++i) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = static_cast<unsigned>(c - '0');
        else if (hex && c >= 'a' && c <= 'f')
            d = static_cast<unsigned>(c - 'a' + 10);
        else if (hex && c >= 'A' && c <= 'F')
            d = static_cast<unsigned>(c - 'A' + 10);
        else
            return std::nullopt;
        /* v * base + d must fit in 64 bits (checked without a division per digit) */
        if (__builtin_mul_overflow(v, uint64_t{hex ? 16u : 10u}, &v) ||
            __builtin_add_overflow(v, uint64_t{d}, &v))
            return std::nullopt;
    }
    /* Addresses use all 64 bits: keep the bit pattern (callers cast back to uint64_t). */
    return neg ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
}

uint32_t capture_translator::port_of(uint32_t sid)
{
    if (!m_opt.port_per_stream)
        return 0;
    auto it = m_ports.find(sid);
    if (it != m_ports.end())
        return it->second;
    uint32_t p = 0;
    for (const auto& kv : m_ports)
        p = std::max(p, kv.second + 1);
    m_ports[sid] = p;
    return p;
}

record capture_translator::pop()
{
    record r = std::move(m_out.front());
    m_out.pop_front();
    return r;
}

void capture_translator::consume(const cap_event& e, const location& where)
{
    switch (e.kind) {
    case cap_event::xlate: translation(e, where); break;
    case cap_event::mmio: ++m_rep.mmio; break;
    case cap_event::cmd: command(e, where); break;
    case cap_event::cd_tt:
        ++m_rep.cd_tt;
        m_cd_tt = e;
        break;
    case cap_event::evt:
    case cap_event::cmderr: {
        event_record ev;
        ev.name = e.name.rfind("SMMU_EVT_", 0) == 0 ? e.name.substr(9) : e.name;
        if (e.kind == cap_event::evt)
            ev.sid = e.sid;
        else
            ev.info = valid_token(e.info, true) ? e.info : std::string();
        if (!valid_token(ev.name))
            ev.name = "UNKNOWN";
        ++m_rep.events;
        push(make_record(e.t, e.seq, std::move(ev)));
        break;
    }
    case cap_event::mark: {
        ++m_rep.marks;
        push(make_record(e.t, e.seq, mark_record{e.idx, e.name}));
        break;
    }
    }
}

void capture_translator::ensure_bound(const cap_event& e)
{
    auto it = m_bound.find(e.sid);
    if (it != m_bound.end() && it->second.asid == *e.asid)
        return;
    if (it != m_bound.end()) {
        /* A new context for the stream: its old mappings belong to the old domain. */
        m_asid_sids[it->second.asid].erase(e.sid);
        auto lo = m_maps.lower_bound({e.sid, 0});
        auto hi = m_maps.lower_bound({e.sid + 1, 0});
        if (e.sid == 0xFFFFFFFFu)
            hi = m_maps.end();
        m_maps.erase(lo, hi);
    }
    bind_record b;
    b.sid = e.sid;
    b.asid = *e.asid;
    if (m_cd_tt) {
        /* CD_TT: T0SZ gives the input size (64 - T0SZ), granule_sz its shift. */
        if (m_cd_tt->granule == 12 || m_cd_tt->granule == 14 || m_cd_tt->granule == 16)
            b.granule_shift = static_cast<uint8_t>(m_cd_tt->granule);
        if (m_cd_tt->tsz <= 48)
            b.ias = static_cast<uint8_t>(64 - m_cd_tt->tsz);
        b.ttb = m_cd_tt->ttb;
        m_cd_tt.reset();
    }
    m_bound[e.sid] = b;
    m_asid_sids[b.asid].insert(e.sid);
    ++m_rep.binds;
    push(make_record(e.t, std::nullopt, b));
}

void capture_translator::emit_unmaps(uint32_t sid, uint64_t start, uint64_t end,
                                     const std::optional<uint64_t>& t)
{
    auto it = m_maps.lower_bound({sid, start});
    if (it != m_maps.begin()) {
        auto prev = std::prev(it);
        if (prev->first.first == sid && prev->first.second + prev->second.size > start)
            it = prev;
    }
    std::optional<unmap_record> run;
    auto flush = [&]() {
        if (!run)
            return;
        ++m_rep.unmaps;
        push(make_record(t, std::nullopt, *run));
        run.reset();
    };
    while (it != m_maps.end() && it->first.first == sid && it->first.second < end) {
        const uint64_t base = it->first.second, size = it->second.size;
        if (run && run->iova + run->size == base)
            run->size += size;
        else {
            flush();
            run = unmap_record{sid, std::nullopt, base, size};
        }
        it = m_maps.erase(it);
    }
    flush();
}

void capture_translator::translation(const cap_event& e, const location& where)
{
    ++m_rep.translations;
    dma_record d;
    d.sid = e.sid;
    d.port = port_of(e.sid);
    d.iova = e.iova;
    d.pa = e.pa;
    d.asid = e.asid;
    /* q and acc are validated tokens (parse_dma, the QEMU-log importer): compare them as
     * characters, not through string comparisons on every record */
    const char q0 = e.q.size() == 1 ? e.q[0] : '\0';
    const bool acc_r = e.acc.size() == 1 && e.acc[0] == 'r';
    const bool untranslated = q0 == 'A' || q0 == 'B' || q0 == 'D';
    if (untranslated) {
        /* A/B/D records carry the real direction. */
        d.access = e.acc.size() == 1 && e.acc[0] == 'w' ? ACC_WRITE : 0;
        d.noreplay = true;
        d.q.kind = q0 == 'A' ? outcome::abort : q0 == 'B' ? outcome::bypass : outcome::disabled;
        (q0 == 'A' ? m_rep.aborts : q0 == 'B' ? m_rep.bypass : m_rep.disabled)++;
        push(make_record(e.t, e.seq, d));
        return;
    }
    /* A successful translation shows the permission of the entry, not the access: "r" can
     * only have been a read; "rw" is a read or a write, recorded as an inferred write. */
    d.access = acc_r ? 0 : (ACC_WRITE | ACC_INFERRED);
    if (q0 == 'H') {
        d.q.kind = outcome::hit;
        ++m_rep.hits;
    } else if (!e.q.empty() && e.q[0] == 'M') {
        d.q.kind = outcome::miss;
        if (e.q.size() == 2)
            d.q.level = static_cast<int8_t>(e.q[1] - '0');
        ++m_rep.misses;
    }
    ++m_rep.replayable;

    if (m_opt.synthesize_maps && e.pa) {
        if (!e.asid) {
            ++m_rep.no_asid;
        } else {
            ensure_bound(e);
            const unsigned g = m_bound[e.sid].granule_shift;
            unsigned shift = g;
            if (d.q.kind == outcome::miss && d.q.level >= 0 && d.q.level <= 3)
                shift = g + static_cast<unsigned>(3 - d.q.level) * (g - 3);
            /* A block must map iova and pa with the same offset; else fall back to a page. */
            if (shift > g && ((e.iova ^ *e.pa) & ((uint64_t{1} << shift) - 1)))
                shift = g;
            const uint8_t perm = acc_r ? PERM_R : (PERM_R | PERM_W);
            auto it = m_maps.upper_bound({e.sid, e.iova});
            bool covered = false;
            if (it != m_maps.begin()) {
                auto prev = std::prev(it);
                if (prev->first.first == e.sid && prev->first.second + prev->second.size > e.iova) {
                    const entry& en = prev->second;
                    covered = en.pa + (e.iova - prev->first.second) == *e.pa && en.perm == perm;
                    if (!covered && shift == g)
                        shift = en.shift;
                }
            }
            if (!covered) {
                const uint64_t mask = (uint64_t{1} << shift) - 1;
                const uint64_t base = e.iova & ~mask;
                map_record m;
                m.sid = e.sid;
                m.iova = base;
                m.pa = *e.pa & ~mask;
                m.size = mask + 1;
                m.perm = perm;
                m.leaf_shift = static_cast<uint8_t>(shift);
                /* the mapping a translation implies obeys the format's rules like any other
                 * (e.g. neither range may reach past 2^64): else the line is malformed */
                record mr = make_record(e.t, std::nullopt, m);
                const std::string bad = check_record(mr);
                if (!bad.empty())
                    fail(where, "translation of iova " + detail::hex(e.iova) + " to pa " +
                                    detail::hex(*e.pa) + " implies an invalid mapping: " + bad);
                emit_unmaps(e.sid, base, base + mask + 1, e.t);
                m_maps[{e.sid, base}] = entry{m.size, m.pa, perm, m.leaf_shift};
                ++m_rep.maps;
                push(std::move(mr));
            }
        }
    }
    push(make_record(e.t, e.seq, d));
}

/* QEMU traces a range TLBI once per power-of-two piece it invalidates, all on the
 * command's line: a key repeating within a group starts the next group. */
static std::vector<std::vector<std::pair<std::string, int64_t>>> arg_groups(const cap_event& e)
{
    std::vector<std::vector<std::pair<std::string, int64_t>>> groups(1);
    for (const auto& kv : e.args) {
        auto& g = groups.back();
        bool repeat = false;
        for (const auto& seen : g)
            repeat = repeat || seen.first == kv.first;
        if (repeat)
            groups.emplace_back();
        groups.back().push_back(kv);
    }
    return groups;
}

static unsigned tg_shift(uint64_t tg)
{
    return tg == 1 ? 12 : tg == 2 ? 14 : 16;
}

/* Folds piece b into a when it continues a's range with the same scope. */
static bool merge_piece(cmd_record& a, const cmd_record& b)
{
    for (cmd_arg k : {cmd_arg::vmid, cmd_arg::asid, cmd_arg::tg, cmd_arg::ttl, cmd_arg::leaf})
        if (a.has(k) != b.has(k) || a.get(k) != b.get(k))
            return false;
    if (!a.get(cmd_arg::tg) || !a.has(cmd_arg::addr) || !b.has(cmd_arg::addr))
        return false;
    const uint64_t na = a.get(cmd_arg::num, 1), nb = b.get(cmd_arg::num, 1);
    if (a.get(cmd_arg::addr) + (na << tg_shift(a.get(cmd_arg::tg))) != b.get(cmd_arg::addr) ||
        na + nb > cmd_arg_max(cmd_arg::num))
        return false;
    a.set(cmd_arg::num, na + nb);
    return true;
}

cmd_record capture_translator::command_piece(const cap_event& e,
                                             const std::vector<std::pair<std::string, int64_t>>& args,
                                             uint8_t opcode, const location& where)
{
    cmd_record c;
    c.opcode = opcode;
    std::optional<int64_t> start, end;
    for (const auto& kv : args) {
        /* named references, not a structured binding: lambdas capture those only from C++20 */
        const std::string& k = kv.first;
        const int64_t v = kv.second;
        auto set = [&](cmd_arg a) {
            if (v < 0)
                return;  // QEMU prints -1 for "not applicable" (e.g. asid of TLBI_NH_VAA)
            if (static_cast<uint64_t>(v) > cmd_arg_max(a))
                fail(where, "command " + e.name + ": " + k + "=" + std::to_string(v) + " out of range");
            c.set(a, static_cast<uint64_t>(v));
        };
        if (k == "start")
            start = v;
        else if (k == "end")
            end = v;
        else if (k == "num_pages")
            set(cmd_arg::num);
        else if (k == "stage")
            continue;  // implied by the opcode
        else if (auto a = parse_cmd_arg(k))
            set(*a);
        else
            fail(where, "command " + e.name + ": unknown argument '" + k + "'");
    }
    if (start && end) {
        /* QEMU decodes CFGI_STE_RANGE as [start, end]; the command encodes 2^(Range+1) SIDs. */
        const uint64_t n = static_cast<uint64_t>(static_cast<uint32_t>(*end)) -
                           static_cast<uint64_t>(static_cast<uint32_t>(*start)) + 1;
        unsigned range = 0;
        while (range < 31 && (uint64_t{2} << range) < n)
            ++range;
        c.set(cmd_arg::sid, static_cast<uint32_t>(*start));
        c.set(cmd_arg::range, range);
    }
    return c;
}

void capture_translator::command(const cap_event& e, const location& where)
{
    auto op = parse_cmd_name(e.name);
    if (!op) {
        /* A command this format does not name: keep it visible as an event. */
        event_record ev;
        ev.name = "CMD";
        ev.info = valid_token(e.name, true) ? e.name : "UNKNOWN";
        ++m_rep.events;
        push(make_record(e.t, e.seq, std::move(ev)));
        return;
    }
    /* One queue entry per line: contiguous pieces become the command's single range.
     * Pieces that do not join (never seen from Linux) stay separate commands. */
    std::vector<cmd_record> cmds;
    for (const auto& g : arg_groups(e)) {
        cmd_record c = command_piece(e, g, *op, where);
        if (cmds.empty() || !merge_piece(cmds.back(), c))
            cmds.push_back(std::move(c));
    }
    for (const auto& c : cmds) {
        ++m_rep.commands;
        infer_unmaps(c, e.t);
        push(make_record(e.t, e.seq, c));
    }
}

void capture_translator::infer_unmaps(const cmd_record& c, const std::optional<uint64_t>& t)
{
    if (!m_opt.synthesize_maps || !m_opt.infer_unmaps ||
        (c.opcode != 0x12 /* TLBI_NH_VA */ && c.opcode != 0x13 /* TLBI_NH_VAA */) ||
        !c.has(cmd_arg::addr))
        return;
    /* Linux unmaps (clears the PTEs) and then invalidates: the unmap is placed right
     * before the TLBI. TG selects the range granule (0 = the single entry at addr). */
    const uint64_t tg = c.get(cmd_arg::tg);
    const uint64_t addr = c.get(cmd_arg::addr);
    uint64_t start_a = addr, end_a = addr + 1;
    if (tg) {
        const unsigned gs = tg_shift(tg);
        start_a = addr & ~((uint64_t{1} << gs) - 1);
        end_a = start_a + std::max<uint64_t>(1, c.get(cmd_arg::num, 1)) * (uint64_t{1} << gs);
    }
    std::set<uint32_t> sids;
    if (c.opcode == 0x12) {
        auto it = m_asid_sids.find(static_cast<uint16_t>(c.get(cmd_arg::asid)));
        if (it != m_asid_sids.end())
            sids = it->second;
    } else {
        for (const auto& kv : m_bound)
            sids.insert(kv.first);
    }
    for (uint32_t sid : sids)
        emit_unmaps(sid, start_a, end_a, t);
}

}  // namespace detail

namespace {

using detail::cap_event;

/* One of the three capture files, read line by line. */
struct capture_file {
    enum type_t { dma, cmd, mmio };
    std::unique_ptr<input> in;
    std::string kind;  // dma, cmd, mmio
    type_t type = dma;
    std::string line;  // the line being parsed (its buffer is reused)
    location loc;
    std::optional<cap_event> head;
    uint64_t lines = 0;
    std::vector<std::string> header_lines;
    std::string pending;  // first record line read while scanning the header
    bool has_pending = false;
};

class capture_source : public record_source {
public:
    capture_source(const std::string& prefix, const import_options& opt)
        : m_tr(opt, m_rep)
    {
        m_name = prefix;
        size_t slash = prefix.find_last_of('/');
        std::string base = slash == std::string::npos ? prefix : prefix.substr(slash + 1);
        for (const char* k : {"dma", "cmd", "mmio"}) {
            capture_file f;
            f.kind = k;
            f.type = f.kind == "dma" ? capture_file::dma
                     : f.kind == "cmd" ? capture_file::cmd : capture_file::mmio;
            f.loc.file = prefix + "." + k + ".xz";
            compression c;
            try {
                f.in = open_input(f.loc.file, &c);
            } catch (const trace_error&) {
                if (f.kind == "mmio")
                    continue;  // optional: only counted
                throw;
            }
            read_header(f);
            m_files.push_back(std::move(f));
        }
        m_hdr.unit = time_unit::us;
        m_hdr.meta.emplace_back("source", "qemu-smmuv3-capture");
        m_hdr.meta.emplace_back("capture", base);
        apply_capture_header(m_files[0]);
        for (auto& f : m_files)
            advance(f);
    }

    const header& hdr() const override { return m_hdr; }
    input_format format() const override { return input_format::capture; }
    compression compressed() const override { return compression::xz; }
    const import_report* report() const override { return &m_rep; }

    bool next(record& r) override
    {
        while (m_tr.empty()) {
            capture_file* best = nullptr;
            for (auto& f : m_files)
                if (f.head && (!best || f.head->seq < best->head->seq))
                    best = &f;
            if (!best) {
                finish();
                return false;
            }
            if (m_last_seq && best->head->seq <= *m_last_seq)
                fail(best->loc, "seq " + std::to_string(best->head->seq) +
                                    " is not after the previous record's seq " +
                                    std::to_string(*m_last_seq) + " (files not merged by seq?)");
            m_last_seq = best->head->seq;
            location where = best->loc;
            m_tr.consume(*best->head, where);
            advance(*best);
        }
        r = m_tr.pop();
        return true;
    }

private:
    void read_header(capture_file& f)
    {
        std::string line;
        bool first = true;
        while (f.in->getline(line)) {
            f.loc.line = f.in->line_no();
            if (first && line.rfind("# smmu-trace v1", 0) != 0)
                fail(f.loc, "not a shared capture file: the first line must be '# smmu-trace v1 ...'");
            first = false;
            if (line.empty() || line[0] != '#') {
                f.pending = line;
                f.has_pending = true;
                break;
            }
            f.header_lines.push_back(line);
        }
        if (first)
            fail(f.loc, "empty file");
        const std::string want = f.kind == "dma"   ? "# fields: seq t_us sid asid iova acc pa q"
                                 : f.kind == "cmd" ? "# fields: seq t_us kind args..."
                                                   : "# fields: seq t_us rw offset size value reg";
        if (std::find(f.header_lines.begin(), f.header_lines.end(), want) == f.header_lines.end())
            fail(f.loc, "header has no '" + want + "' line (not a ." + f.kind + ".xz file?)");
    }

    void apply_capture_header(const capture_file& f)
    {
        for (const auto& l : f.header_lines) {
            auto t = detail::split_ws(l);
            if (t.size() >= 3 && t[1] == "meta") {
                size_t eq = t[2].find('=');
                if (eq == std::string::npos)
                    continue;
                std::string k = t[2].substr(0, eq);
                std::string v = l.substr(l.find(t[2]) + eq + 1);
                if (v.size() <= max_meta_len)
                    m_hdr.meta.emplace_back(k, v);
                if (k == "sids")
                    declare_sids(v);
            } else if (t.size() == 3 && t[1] == "t0_epoch_us") {
                m_hdr.meta.emplace_back("t0_epoch_us", t[2]);
            } else if (t.size() == 3 && t[1] == "records_total") {
                location l2 = f.loc;
                l2.line = 0;
                uint64_t n = detail::parse_num(l2, "records_total", t[2], ~uint64_t{0});
                if (n > max_records)
                    fail(l2, "header: records_total " + t[2] + " is absurd (limit 2^30); not reading it");
                m_rep.capture_records_total = n;
            } else if (t.size() >= 5 && t[1] == "phase") {
                m_hdr.meta.emplace_back("phase." + t[2], t[3] + " " + t[4]);
            }
        }
    }

    /* meta sids=8=virtio-blk-pci(00:01.0),10=nvme(00:02.0),... : ports in this order. */
    void declare_sids(const std::string& v)
    {
        size_t p = 0;
        uint32_t port = 0;
        while (p < v.size()) {
            size_t comma = v.find(',', p);
            std::string item = v.substr(p, comma == std::string::npos ? std::string::npos : comma - p);
            size_t eq = item.find('=');
            auto sid = detail::parse_int(item.substr(0, eq), true);
            if (sid && *sid >= 0 && *sid <= static_cast<int64_t>(max_sid)) {
                stream_decl s;
                s.sid = static_cast<uint32_t>(*sid);
                s.port = port++;
                if (eq != std::string::npos && valid_token(item.substr(eq + 1), true))
                    s.name = item.substr(eq + 1);
                m_hdr.streams.push_back(s);
                m_tr.declare_port(s.sid, s.port);
            }
            if (comma == std::string::npos)
                break;
            p = comma + 1;
        }
    }

    void advance(capture_file& f)
    {
        f.head.reset();
        std::string& line = f.line;
        for (;;) {
            if (f.has_pending) {
                line = f.pending;
                f.has_pending = false;
            } else if (!f.in->getline(line)) {
                return;
            }
            f.loc.line = f.in->line_no();
            if (line.empty() || line[0] == '#')
                continue;
            break;
        }
        ++f.lines;
        f.loc.record = static_cast<int64_t>(f.lines - 1);
        std::vector<std::string_view>& t = m_tok;
        detail::split_ws(std::string_view(line), t);
        if (t.size() < 3)
            fail(f.loc, "too few fields");
        cap_event e;
        e.seq = num(f, "seq", t[0], false);
        e.t = num(f, "t_us", t[1], false);
        if (f.type == capture_file::dma)
            parse_dma(f, t, e);
        else if (f.type == capture_file::mmio)
            e.kind = cap_event::mmio;
        else
            parse_cmd(f, t, e);
        f.head = std::move(e);
    }

    uint64_t num(capture_file& f, const char* what, std::string_view tok, bool hex)
    {
        auto v = detail::parse_int(tok, hex);
        if (!v || *v < 0)
            fail(f.loc, std::string("bad ") + what + " '" + std::string(tok) + "'");
        return static_cast<uint64_t>(*v);
    }

    void parse_dma(capture_file& f, const std::vector<std::string_view>& t, cap_event& e)
    {
        if (t.size() != 8)
            fail(f.loc, "expected 8 fields (seq t_us sid asid iova acc pa q), got " +
                            std::to_string(t.size()));
        e.kind = cap_event::xlate;
        uint64_t sid = num(f, "sid", t[2], true);
        if (sid > max_sid)
            fail(f.loc, "bad sid '" + std::string(t[2]) + "'");
        e.sid = static_cast<uint32_t>(sid);
        if (t[3] != "-") {
            uint64_t a = num(f, "asid", t[3], false);
            if (a > 0xFFFF)
                fail(f.loc, "bad asid '" + std::string(t[3]) + "'");
            e.asid = static_cast<uint16_t>(a);
        }
        auto iova = detail::parse_int(t[4], true);
        if (!iova)
            fail(f.loc, "bad iova '" + std::string(t[4]) + "'");
        e.iova = static_cast<uint64_t>(*iova);
        if (t[5] != "r" && t[5] != "rw" && t[5] != "w")
            fail(f.loc, "bad acc '" + std::string(t[5]) + "' (r, rw or w)");
        e.acc.assign(t[5]);
        if (t[6] != "-") {
            auto pa = detail::parse_int(t[6], true);
            if (!pa)
                fail(f.loc, "bad pa '" + std::string(t[6]) + "'");
            e.pa = static_cast<uint64_t>(*pa);
        }
        const std::string_view q = t[7];
        if (!(q == "H" || q == "A" || q == "B" || q == "D" || q == "M" || q == "?" ||
              (q.size() == 2 && q[0] == 'M' && q[1] >= '0' && q[1] <= '3')))
            fail(f.loc, "bad q '" + std::string(q) + "' (H, M1..M3, A, B or D)");
        e.q.assign(q);
        if ((q == "A") != !e.pa)
            fail(f.loc, "pa must be '-' exactly for aborts (q=A)");
    }

    void parse_cmd(capture_file& f, const std::vector<std::string_view>& t, cap_event& e)
    {
        const std::string_view k = t[2];
        auto kvs = [&](size_t from) {
            for (size_t i = from; i < t.size(); ++i) {
                size_t eq = t[i].find('=');
                if (eq == std::string_view::npos)
                    fail(f.loc, "bad argument '" + std::string(t[i]) + "' (KEY=VALUE)");
                std::string_view key = t[i].substr(0, eq);
                const bool hex = key == "addr" || key == "sid" || key == "start" || key == "end" ||
                                 key == "num_pages" || key == "ttb";
                auto v = detail::parse_int(t[i].substr(eq + 1), hex);
                if (!v)
                    fail(f.loc, "bad value in '" + std::string(t[i]) + "'");
                e.args.emplace_back(std::string(key), *v);
            }
        };
        if (k == "CMD") {
            if (t.size() < 4)
                fail(f.loc, "CMD without a command name");
            e.kind = cap_event::cmd;
            e.name.assign(t[3]);
            kvs(4);
        } else if (k == "EVT") {
            if (t.size() < 4)
                fail(f.loc, "EVT without an event type");
            e.kind = cap_event::evt;
            e.name.assign(t[3]);
            kvs(4);
            for (const auto& a : e.args)
                if (a.first == "sid")
                    e.sid = static_cast<uint32_t>(a.second);
        } else if (k == "CMDERR" || k == "CMDUNHANDLED") {
            e.kind = cap_event::cmderr;
            e.name.assign(k);
            if (t.size() > 3)
                e.info.assign(t[3]);
        } else if (k == "CD_TT") {
            e.kind = cap_event::cd_tt;
            kvs(3);
            for (const auto& a : e.args) {
                if (a.first == "tsz")
                    e.tsz = static_cast<unsigned>(a.second);
                else if (a.first == "granule")
                    e.granule = static_cast<unsigned>(a.second);
                else if (a.first == "ttb")
                    e.ttb = static_cast<uint64_t>(a.second);
            }
        } else if (k == "MARK") {
            if (t.size() != 5)
                fail(f.loc, "MARK needs IDX NAME");
            e.kind = cap_event::mark;
            e.idx = static_cast<uint32_t>(num(f, "mark index", t[3], false));
            e.name.assign(t[4]);
            if (!valid_token(e.name))
                fail(f.loc, "bad mark name '" + std::string(t[4]) + "'");
        } else {
            fail(f.loc, "unknown record kind '" + std::string(k) +
                            "' (CMD, EVT, CD_TT, MARK, CMDERR, CMDUNHANDLED)");
        }
    }

    void finish()
    {
        uint64_t total = 0;
        for (const auto& f : m_files)
            total += f.lines;
        if (m_rep.capture_records_total && total != m_rep.capture_records_total &&
            m_files.size() == 3) {
            location l;
            l.file = m_name;
            fail(l, "header says records_total " + std::to_string(m_rep.capture_records_total) +
                        ", the three files hold " + std::to_string(total));
        }
    }

    std::string m_name;
    header m_hdr;
    import_report m_rep;
    detail::capture_translator m_tr;
    std::vector<capture_file> m_files;
    std::vector<std::string_view> m_tok;  // tokens of the line being parsed
    std::optional<uint64_t> m_last_seq;
};

}  // namespace

std::unique_ptr<record_source> import_capture(const std::string& prefix, const import_options& opt)
{
    return std::make_unique<capture_source>(prefix, opt);
}

}  // namespace smmuv3::traces
