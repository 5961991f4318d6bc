// SPDX-License-Identifier: Apache-2.0
// The native text form (docs/traces.md "Text form"): one record per line.
#include <algorithm>

#include "native_internal.h"
#include "smmuv3_traces/trace.h"

namespace smmuv3::traces {

using detail::hex;
using detail::parse_num;

namespace {

std::string time_str(const std::optional<uint64_t>& t)
{
    return t ? std::to_string(*t) : std::string("-");
}

std::string access_str(uint8_t a)
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

std::string perm_str(uint8_t p)
{
    std::string s;
    if (p & PERM_R)
        s += 'r';
    if (p & PERM_W)
        s += 'w';
    if (p & PERM_X)
        s += 'x';
    if (p & PERM_P)
        s += 'p';
    return s;
}

std::string outcome_str(const outcome& q)
{
    switch (q.kind) {
    case outcome::none: return "";
    case outcome::hit: return "H";
    case outcome::miss: return q.level < 0 ? "M" : "M" + std::to_string(q.level);
    case outcome::abort: return "A";
    case outcome::bypass: return "B";
    case outcome::disabled: return "D";
    }
    return "";
}

void add_seq(std::string& s, const record& r)
{
    if (r.seq)
        s += " seq=" + std::to_string(*r.seq);
}

void add_ssid(std::string& s, const std::optional<uint32_t>& ssid)
{
    if (ssid)
        s += " ssid=" + hex(*ssid);
}

}  // namespace

std::string format_record(const record& r)
{
    std::string s;
    const std::string t = time_str(r.time);
    switch (r.kind()) {
    case record_kind::dma: {
        const auto& d = std::get<dma_record>(r.body);
        s = "dma " + t + " " + std::to_string(d.port) + " " + hex(d.sid) + " " + hex(d.iova) +
            " " + (d.size ? std::to_string(d.size) : std::string("-")) + " " +
            access_str(d.access);
        add_ssid(s, d.ssid);
        if (d.pa)
            s += " pa=" + hex(*d.pa);
        if (d.asid)
            s += " asid=" + std::to_string(*d.asid);
        if (d.q.kind != outcome::none)
            s += " q=" + outcome_str(d.q);
        add_seq(s, r);
        if (d.noreplay)
            s += " noreplay";
        break;
    }
    case record_kind::map: {
        const auto& m = std::get<map_record>(r.body);
        s = "map " + t + " " + hex(m.sid) + " " + hex(m.iova) + " " + hex(m.pa) + " " +
            hex(m.size) + " " + perm_str(m.perm) + " " + leaf_name(m.leaf_shift);
        add_ssid(s, m.ssid);
        add_seq(s, r);
        break;
    }
    case record_kind::unmap: {
        const auto& u = std::get<unmap_record>(r.body);
        s = "unmap " + t + " " + hex(u.sid) + " " + hex(u.iova) + " " + hex(u.size);
        add_ssid(s, u.ssid);
        add_seq(s, r);
        break;
    }
    case record_kind::bind: {
        const auto& b = std::get<bind_record>(r.body);
        s = "bind " + t + " " + hex(b.sid) + " " + std::to_string(b.asid) + " " +
            leaf_name(b.granule_shift) + " " + std::to_string(b.ias);
        add_ssid(s, b.ssid);
        if (b.vmid)
            s += " vmid=" + std::to_string(*b.vmid);
        if (b.ttb)
            s += " ttb=" + hex(*b.ttb);
        add_seq(s, r);
        break;
    }
    case record_kind::cmd: {
        const auto& c = std::get<cmd_record>(r.body);
        const char* n = cmd_name(c.opcode);
        s = "cmd " + t + " " + (n ? n : hex(c.opcode));
        for (unsigned i = 0; i < cmd_arg_count; ++i) {
            const auto a = static_cast<cmd_arg>(i);
            if (c.has(a))
                s += std::string(" ") + cmd_arg_name(a) + "=" +
                     (cmd_arg_is_hex(a) ? hex(c.args[i]) : std::to_string(c.args[i]));
        }
        add_seq(s, r);
        break;
    }
    case record_kind::event: {
        const auto& e = std::get<event_record>(r.body);
        s = "event " + t + " " + e.name;
        if (e.sid)
            s += " sid=" + hex(*e.sid);
        if (!e.info.empty())
            s += " info=" + e.info;
        add_seq(s, r);
        break;
    }
    case record_kind::mark: {
        const auto& m = std::get<mark_record>(r.body);
        s = "mark " + t + " " + std::to_string(m.idx) + " " + m.name;
        add_seq(s, r);
        break;
    }
    }
    return s;
}

namespace {

const char* const legend =
    "# dma   TIME PORT SID IOVA SIZE ACCESS [ssid=] [pa=] [asid=] [q=] [seq=] [noreplay]\n"
    "# map   TIME SID IOVA PA SIZE PERM LEAF [ssid=] [seq=]\n"
    "# unmap TIME SID IOVA SIZE [ssid=] [seq=]\n"
    "# bind  TIME SID ASID GRANULE IAS [ssid=] [vmid=] [ttb=] [seq=]\n"
    "# cmd   TIME NAME [ARG=VALUE...] [seq=]   event TIME NAME [sid=] [info=] [seq=]"
    "   mark TIME IDX NAME [seq=]\n";

class text_writer : public record_writer {
public:
    text_writer(std::unique_ptr<byte_sink> out, const header& h) : m_out(std::move(out))
    {
        m_buf = std::string(detail::text_magic) + " " + std::to_string(format_major) + "." +
                std::to_string(format_minor) + "\n" + detail::format_header_directives(h) +
                "begin\n" + legend;
    }
    void write(const record& r) override
    {
        std::string e = check_record(r);
        if (!e.empty())
            throw trace_error("writing record " + std::to_string(m_n) + ": " + e);
        m_buf += format_record(r);
        m_buf += '\n';
        ++m_n;
        if (m_buf.size() > (1u << 16))
            flush();
    }
    void finish() override
    {
        m_buf += "end " + std::to_string(m_n) + "\n";
        flush();
        m_out->finish();
    }
    uint64_t written() const override { return m_n; }

private:
    void flush()
    {
        m_out->write(m_buf.data(), m_buf.size());
        m_buf.clear();
    }
    std::unique_ptr<byte_sink> m_out;
    std::string m_buf;
    uint64_t m_n = 0;
};

class text_reader : public record_source {
public:
    text_reader(std::unique_ptr<input> in, compression c) : m_in(std::move(in)), m_comp(c)
    {
        m_loc.file = m_in->name();
        std::string line;
        if (!m_in->getline(line))
            fail(m_loc, "empty file");
        m_loc.line = m_in->line_no();
        parse_magic(line);
        bool saw_unit = false;
        for (;;) {
            if (!m_in->getline(line)) {
                m_loc.line = m_in->line_no();
                fail(m_loc, "header: no 'begin' line (truncated file?)");
            }
            m_loc.line = m_in->line_no();
            if (is_blank_or_comment(line))
                continue;
            if (detail::split_ws(line)[0] == "begin")
                break;
            if (!detail::parse_header_directive(m_loc, line, m_hdr, saw_unit) && !m_newer)
                fail(m_loc, "header: unknown directive '" + detail::split_ws(line)[0] + "'");
        }
        detail::check_header_complete(m_loc, m_hdr, saw_unit);
    }

    const header& hdr() const override { return m_hdr; }
    input_format format() const override { return input_format::native_text; }
    compression compressed() const override { return m_comp; }
    uint64_t skipped_unknown() const override { return m_skipped; }

    bool next(record& r) override
    {
        std::string line;
        while (m_in->getline(line)) {
            m_loc.line = m_in->line_no();
            if (is_blank_or_comment(line))
                continue;
            auto t = detail::split_ws(line);
            if (m_ended) {
                m_loc.record = -1;
                fail(m_loc, "data after the 'end' line");
            }
            m_loc.record = static_cast<int64_t>(m_n);
            if (t[0] == "end") {
                check_end(t);
                continue;
            }
            if (parse(t, r)) {
                ++m_n;
                return true;
            }
        }
        m_loc.line = m_in->line_no();
        m_loc.record = -1;
        if (m_hdr.records && *m_hdr.records != m_n + m_skipped)
            fail(m_loc, "header announces " + std::to_string(*m_hdr.records) +
                            " records, the file has " + std::to_string(m_n + m_skipped));
        return false;
    }

private:
    static bool is_blank_or_comment(const std::string& line)
    {
        size_t i = line.find_first_not_of(" \t");
        return i == std::string::npos || line[i] == '#';
    }

    void parse_magic(const std::string& line)
    {
        auto t = detail::split_ws(line);
        if (t.size() != 2 || t[0] != detail::text_magic)
            fail(m_loc, "not a native text trace: the first line must be 'smmuv3-trace 1.0'");
        size_t dot = t[1].find('.');
        if (dot == std::string::npos)
            fail(m_loc, "header: bad version '" + t[1] + "' (MAJOR.MINOR)");
        m_hdr.major = static_cast<unsigned>(parse_num(m_loc, "major version", t[1].substr(0, dot), 0xFFFF));
        m_hdr.minor = static_cast<unsigned>(parse_num(m_loc, "minor version", t[1].substr(dot + 1), 0xFFFF));
        if (m_hdr.major != format_major)
            fail(m_loc, "header: format version " + t[1] + " is not supported (this reader reads " +
                            std::to_string(format_major) + ".x)");
        m_newer = m_hdr.minor > format_minor;
    }

    void check_end(const std::vector<std::string>& t)
    {
        m_loc.record = -1;
        if (t.size() != 2)
            fail(m_loc, "'end' needs the record count");
        uint64_t n = parse_num(m_loc, "end record count", t[1], ~uint64_t{0});
        if (n != m_n + m_skipped)
            fail(m_loc, "'end' says " + t[1] + " records, the file has " +
                            std::to_string(m_n + m_skipped));
        m_ended = true;
    }

    std::optional<uint64_t> parse_time(const std::string& tok)
    {
        if (tok == "-")
            return std::nullopt;
        return parse_num(m_loc, "time", tok, ~uint64_t{0});
    }

    void need(const std::vector<std::string>& t, size_t n, const char* usage)
    {
        if (t.size() < n)
            fail(m_loc, std::string("too few fields for '") + t[0] + "' (expected " + usage + ")");
    }

    /* Optional KEY=VALUE (or flag) tokens from index i on; f(key, value) returns false for an
     * unknown key. */
    template <typename F>
    void optional_fields(const std::vector<std::string>& t, size_t i, F f)
    {
        std::vector<std::string> seen;
        for (; i < t.size(); ++i) {
            size_t eq = t[i].find('=');
            std::string k = eq == std::string::npos ? t[i] : t[i].substr(0, eq);
            std::string v = eq == std::string::npos ? std::string() : t[i].substr(eq + 1);
            if (std::find(seen.begin(), seen.end(), k) != seen.end())
                fail(m_loc, "field '" + k + "' given twice");
            seen.push_back(k);
            if (!f(k, v, eq != std::string::npos) && !m_newer)
                fail(m_loc, "unknown field '" + t[i] + "' for '" + t[0] + "'");
        }
    }

    static void need_value(const location& loc, const std::string& k, bool has)
    {
        if (!has)
            fail(loc, "field '" + k + "' needs a value (" + k + "=...)");
    }

    bool parse(const std::vector<std::string>& t, record& r)
    {
        r.seq.reset();
        const std::string& k = t[0];
        auto seq_field = [&](const std::string& key, const std::string& v, bool has) {
            if (key != "seq")
                return false;
            need_value(m_loc, key, has);
            r.seq = parse_num(m_loc, "seq", v, ~uint64_t{0});
            return true;
        };
        if (k == "dma") {
            need(t, 7, "dma TIME PORT SID IOVA SIZE ACCESS");
            dma_record d;
            r.time = parse_time(t[1]);
            d.port = static_cast<uint32_t>(parse_num(m_loc, "port", t[2], 0xFFFF));
            d.sid = static_cast<uint32_t>(parse_num(m_loc, "StreamID", t[3], max_sid));
            d.iova = parse_num(m_loc, "IOVA", t[4], ~uint64_t{0});
            d.size = t[5] == "-" ? 0 : static_cast<uint32_t>(parse_num(m_loc, "size", t[5], 0xFFFFFFFFu));
            if (t[5] == "0")
                fail(m_loc, "bad size '0': write '-' for an unknown size");
            d.access = parse_access(t[6]);
            optional_fields(t, 7, [&](const std::string& key, const std::string& v, bool has) {
                if (key == "noreplay") {
                    if (has)
                        fail(m_loc, "'noreplay' takes no value");
                    d.noreplay = true;
                    return true;
                }
                if (seq_field(key, v, has))
                    return true;
                need_value(m_loc, key, has);
                if (key == "ssid")
                    d.ssid = static_cast<uint32_t>(parse_num(m_loc, "SubstreamID", v, max_ssid));
                else if (key == "pa")
                    d.pa = parse_num(m_loc, "output address", v, ~uint64_t{0});
                else if (key == "asid")
                    d.asid = static_cast<uint16_t>(parse_num(m_loc, "ASID", v, 0xFFFF));
                else if (key == "q")
                    d.q = parse_outcome(v);
                else
                    return false;
                return true;
            });
            r.body = std::move(d);
        } else if (k == "map") {
            need(t, 8, "map TIME SID IOVA PA SIZE PERM LEAF");
            map_record m;
            r.time = parse_time(t[1]);
            m.sid = static_cast<uint32_t>(parse_num(m_loc, "StreamID", t[2], max_sid));
            m.iova = parse_num(m_loc, "IOVA", t[3], ~uint64_t{0});
            m.pa = parse_num(m_loc, "output address", t[4], ~uint64_t{0});
            m.size = parse_num(m_loc, "size", t[5], ~uint64_t{0});
            m.perm = parse_perm(t[6]);
            auto leaf = parse_leaf(t[7]);
            if (!leaf)
                fail(m_loc, "bad leaf size '" + t[7] + "' (4K, 16K, 64K, 2M, 32M, 512M, 1G ...)");
            m.leaf_shift = static_cast<uint8_t>(*leaf);
            optional_fields(t, 8, [&](const std::string& key, const std::string& v, bool has) {
                if (seq_field(key, v, has))
                    return true;
                if (key != "ssid")
                    return false;
                need_value(m_loc, key, has);
                m.ssid = static_cast<uint32_t>(parse_num(m_loc, "SubstreamID", v, max_ssid));
                return true;
            });
            r.body = std::move(m);
        } else if (k == "unmap") {
            need(t, 5, "unmap TIME SID IOVA SIZE");
            unmap_record u;
            r.time = parse_time(t[1]);
            u.sid = static_cast<uint32_t>(parse_num(m_loc, "StreamID", t[2], max_sid));
            u.iova = parse_num(m_loc, "IOVA", t[3], ~uint64_t{0});
            u.size = parse_num(m_loc, "size", t[4], ~uint64_t{0});
            optional_fields(t, 5, [&](const std::string& key, const std::string& v, bool has) {
                if (seq_field(key, v, has))
                    return true;
                if (key != "ssid")
                    return false;
                need_value(m_loc, key, has);
                u.ssid = static_cast<uint32_t>(parse_num(m_loc, "SubstreamID", v, max_ssid));
                return true;
            });
            r.body = std::move(u);
        } else if (k == "bind") {
            need(t, 6, "bind TIME SID ASID GRANULE IAS");
            bind_record b;
            r.time = parse_time(t[1]);
            b.sid = static_cast<uint32_t>(parse_num(m_loc, "StreamID", t[2], max_sid));
            b.asid = static_cast<uint16_t>(parse_num(m_loc, "ASID", t[3], 0xFFFF));
            auto g = parse_leaf(t[4]);
            if (!g)
                fail(m_loc, "bad granule '" + t[4] + "' (4K, 16K or 64K)");
            b.granule_shift = static_cast<uint8_t>(*g);
            b.ias = static_cast<uint8_t>(parse_num(m_loc, "input address size", t[5], 64));
            optional_fields(t, 6, [&](const std::string& key, const std::string& v, bool has) {
                if (seq_field(key, v, has))
                    return true;
                need_value(m_loc, key, has);
                if (key == "ssid")
                    b.ssid = static_cast<uint32_t>(parse_num(m_loc, "SubstreamID", v, max_ssid));
                else if (key == "vmid")
                    b.vmid = static_cast<uint16_t>(parse_num(m_loc, "VMID", v, 0xFFFF));
                else if (key == "ttb")
                    b.ttb = parse_num(m_loc, "ttb", v, ~uint64_t{0});
                else
                    return false;
                return true;
            });
            r.body = std::move(b);
        } else if (k == "cmd") {
            need(t, 3, "cmd TIME NAME [ARG=VALUE...]");
            cmd_record c;
            r.time = parse_time(t[1]);
            auto op = parse_cmd_name(t[2]);
            if (!op)
                fail(m_loc, "unknown command '" + t[2] + "'");
            c.opcode = *op;
            optional_fields(t, 3, [&](const std::string& key, const std::string& v, bool has) {
                if (seq_field(key, v, has))
                    return true;
                auto a = parse_cmd_arg(key);
                if (!a)
                    return false;
                need_value(m_loc, key, has);
                c.set(*a, parse_num(m_loc, std::string("command argument ") + key, v, cmd_arg_max(*a)));
                return true;
            });
            r.body = std::move(c);
        } else if (k == "event") {
            need(t, 3, "event TIME NAME");
            event_record e;
            r.time = parse_time(t[1]);
            e.name = t[2];
            optional_fields(t, 3, [&](const std::string& key, const std::string& v, bool has) {
                if (seq_field(key, v, has))
                    return true;
                need_value(m_loc, key, has);
                if (key == "sid")
                    e.sid = static_cast<uint32_t>(parse_num(m_loc, "StreamID", v, max_sid));
                else if (key == "info")
                    e.info = v;
                else
                    return false;
                return true;
            });
            r.body = std::move(e);
        } else if (k == "mark") {
            need(t, 4, "mark TIME IDX NAME");
            mark_record m;
            r.time = parse_time(t[1]);
            m.idx = static_cast<uint32_t>(parse_num(m_loc, "mark index", t[2], 0xFFFFFFFFu));
            m.name = t[3];
            optional_fields(t, 4, [&](const std::string& key, const std::string& v, bool has) {
                return seq_field(key, v, has);
            });
            r.body = std::move(m);
        } else {
            if (m_newer) {
                ++m_skipped;
                return false;
            }
            fail(m_loc, "unknown record kind '" + k + "'");
        }
        std::string e = check_record(r);
        if (!e.empty())
            fail(m_loc, e);
        return true;
    }

    uint8_t parse_access(const std::string& s)
    {
        uint8_t a = 0;
        if (s.empty() || (s[0] != 'r' && s[0] != 'w'))
            fail(m_loc, "bad access '" + s + "': starts with r or w");
        if (s[0] == 'w')
            a |= ACC_WRITE;
        for (size_t i = 1; i < s.size(); ++i) {
            uint8_t bit = s[i] == 'i' ? ACC_INSTR : s[i] == 'p' ? ACC_PRIV : s[i] == '?' ? ACC_INFERRED : 0;
            if (!bit || (a & bit))
                fail(m_loc, "bad access '" + s + "': r or w, then optionally i, p, ?");
            a |= bit;
        }
        return a;
    }

    uint8_t parse_perm(const std::string& s)
    {
        uint8_t p = 0;
        for (char c : s) {
            uint8_t bit = c == 'r' ? PERM_R : c == 'w' ? PERM_W : c == 'x' ? PERM_X : c == 'p' ? PERM_P : 0;
            if (!bit || (p & bit))
                fail(m_loc, "bad permission '" + s + "': letters r, w, x, p");
            p |= bit;
        }
        if (!(p & (PERM_R | PERM_W)))
            fail(m_loc, "bad permission '" + s + "': needs r or w");
        return p;
    }

    outcome parse_outcome(const std::string& s)
    {
        outcome q;
        if (s == "H")
            q.kind = outcome::hit;
        else if (s == "A")
            q.kind = outcome::abort;
        else if (s == "B")
            q.kind = outcome::bypass;
        else if (s == "D")
            q.kind = outcome::disabled;
        else if (s == "M")
            q.kind = outcome::miss;
        else if (s.size() == 2 && s[0] == 'M' && s[1] >= '0' && s[1] <= '3') {
            q.kind = outcome::miss;
            q.level = static_cast<int8_t>(s[1] - '0');
        } else
            fail(m_loc, "bad q '" + s + "' (H, M, M0..M3, A, B or D)");
        return q;
    }

    std::unique_ptr<input> m_in;
    compression m_comp;
    header m_hdr;
    location m_loc;
    uint64_t m_n = 0, m_skipped = 0;
    bool m_newer = false, m_ended = false;
};

}  // namespace

std::unique_ptr<record_writer> make_text_writer(std::unique_ptr<byte_sink> out, const header& h)
{
    return std::make_unique<text_writer>(std::move(out), h);
}

std::unique_ptr<record_source> make_text_reader(std::unique_ptr<input> in, compression c)
{
    return std::make_unique<text_reader>(std::move(in), c);
}

}  // namespace smmuv3::traces
