// SPDX-License-Identifier: Apache-2.0
// The header directives common to the text and binary forms (docs/traces.md "Header").
#include <cstdio>

#include "native_internal.h"

namespace smmuv3::traces::detail {

void split_ws(std::string_view line, std::vector<std::string_view>& out)
{
    out.clear();
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
            ++i;
        size_t j = i;
        while (j < line.size() && line[j] != ' ' && line[j] != '\t')
            ++j;
        if (j > i)
            out.push_back(line.substr(i, j - i));
        i = j;
    }
}

std::vector<std::string> split_ws(const std::string& line)
{
    std::vector<std::string_view> views;
    split_ws(std::string_view(line), views);
    return std::vector<std::string>(views.begin(), views.end());
}

std::string hex(uint64_t v)
{
    char b[24];
    std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
    return b;
}

uint64_t parse_num(const location& loc, const std::string& field, const std::string& tok,
                   uint64_t max)
{
    bool is_hex = tok.size() > 2 && tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X');
    size_t i = is_hex ? 2 : 0;
    if (tok.size() == i)
        fail(loc, "bad " + field + " '" + tok + "': not a number");
    uint64_t v = 0;
    for (; i < tok.size(); ++i) {
        char c = tok[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = static_cast<unsigned>(c - '0');
        else if (is_hex && c >= 'a' && c <= 'f')
            d = static_cast<unsigned>(c - 'a' + 10);
        else if (is_hex && c >= 'A' && c <= 'F')
            d = static_cast<unsigned>(c - 'A' + 10);
        else
            fail(loc, "bad " + field + " '" + tok + "': not a " +
                          (is_hex ? "hex number" : "number (hex needs 0x)"));
        /* v * base + d must fit in 64 bits (checked without a division per digit) */
        if (__builtin_mul_overflow(v, uint64_t{is_hex ? 16u : 10u}, &v) ||
            __builtin_add_overflow(v, uint64_t{d}, &v))
            fail(loc, "bad " + field + " '" + tok + "': does not fit in 64 bits");
    }
    if (v > max)
        fail(loc, "bad " + field + " '" + tok + "': larger than " + hex(max));
    return v;
}

std::string format_header_directives(const header& h)
{
    std::string s = "time_unit ";
    s += time_unit_name(h.unit);
    s += '\n';
    if (h.records)
        s += "records " + std::to_string(*h.records) + "\n";
    for (const auto& st : h.streams) {
        s += "stream " + hex(st.sid) + " port=" + std::to_string(st.port);
        if (!st.name.empty())
            s += " name=" + st.name;
        s += '\n';
    }
    for (const auto& kv : h.meta)
        s += "meta " + kv.first + "=" + kv.second + "\n";
    return s;
}

namespace {
bool valid_meta_key(const std::string& k)
{
    if (k.empty() || k.size() > 64)
        return false;
    for (char c : k)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return false;
    return true;
}
}  // namespace

bool parse_header_directive(const location& loc, const std::string& line, header& h,
                            bool& saw_unit)
{
    auto t = split_ws(line);
    if (t.empty())
        return true;
    const std::string& d = t[0];
    if (d == "time_unit") {
        if (t.size() != 2)
            fail(loc, "header: 'time_unit' needs one value (ps, ns, us, ms or s)");
        auto u = parse_time_unit(t[1]);
        if (!u)
            fail(loc, "header: unknown time unit '" + t[1] + "' (ps, ns, us, ms or s)");
        if (saw_unit)
            fail(loc, "header: time_unit given twice");
        h.unit = *u;
        saw_unit = true;
        return true;
    }
    if (d == "records") {
        if (t.size() != 2)
            fail(loc, "header: 'records' needs one count");
        uint64_t n = parse_num(loc, "record count", t[1], ~uint64_t{0});
        if (n > max_records)
            fail(loc, "header: record count " + t[1] + " is absurd (limit 2^30); not reading it");
        h.records = n;
        return true;
    }
    if (d == "meta") {
        size_t p = line.find("meta") + 4;
        while (p < line.size() && (line[p] == ' ' || line[p] == '\t'))
            ++p;
        size_t eq = line.find('=', p);
        if (eq == std::string::npos)
            fail(loc, "header: 'meta' needs KEY=VALUE");
        std::string k = line.substr(p, eq - p), v = line.substr(eq + 1);
        if (!valid_meta_key(k))
            fail(loc, "header: bad meta key '" + k + "' (1..64 of A-Z a-z 0-9 _ . -)");
        if (v.size() > max_meta_len)
            fail(loc, "header: meta value longer than 1024 bytes");
        for (char c : v)
            if (static_cast<unsigned char>(c) < ' ')
                fail(loc, "header: meta value has a control character");
        h.meta.emplace_back(k, v);
        return true;
    }
    if (d == "stream") {
        if (t.size() < 3)
            fail(loc, "header: 'stream' needs SID port=P [name=NAME]");
        if (h.streams.size() >= 65536)
            fail(loc, "header: more than 65536 stream declarations is absurd");
        stream_decl s;
        s.sid = static_cast<uint32_t>(parse_num(loc, "StreamID", t[1], max_sid));
        bool port = false;
        for (size_t i = 2; i < t.size(); ++i) {
            if (t[i].rfind("port=", 0) == 0) {
                s.port = static_cast<uint32_t>(parse_num(loc, "port", t[i].substr(5), 0xFFFF));
                port = true;
            } else if (t[i].rfind("name=", 0) == 0) {
                s.name = t[i].substr(5);
                if (!valid_token(s.name, true))
                    fail(loc, "header: bad stream name '" + s.name + "'");
            } else {
                fail(loc, "header: unknown stream field '" + t[i] + "'");
            }
        }
        if (!port)
            fail(loc, "header: stream " + t[1] + " has no port=");
        for (const auto& o : h.streams)
            if (o.sid == s.sid)
                fail(loc, "header: stream " + t[1] + " declared twice");
        h.streams.push_back(s);
        return true;
    }
    return false;
}

void check_header_complete(const location& loc, const header& h, bool saw_unit)
{
    (void)h;
    if (!saw_unit)
        fail(loc, "header: no 'time_unit' directive (required)");
}

}  // namespace smmuv3::traces::detail
