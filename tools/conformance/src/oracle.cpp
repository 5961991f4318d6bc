// SPDX-License-Identifier: Apache-2.0
// Reader of the oracle case files: .jsonl / .jsonl.xz → oracle_case, with schema checks.
#include "oracle.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <lzma.h>
#include <nlohmann/json.hpp>

namespace conformance {

using json = nlohmann::json;

const char *result_name(result r)
{
    switch (r) {
    case result::ok: return "ok";
    case result::fault: return "fault";
    case result::abort: return "abort";
    case result::partial: return "partial";
    }
    return "?";
}

// Event numbers of IHI 0070 §7.3 (reference/smmuv3.md §7.2). The runner keeps its own table
// so that a wrong name table in the model cannot hide a wrong record.
namespace {
struct event_name_entry {
    unsigned type;
    const char *name;
};
constexpr event_name_entry k_event_names[] = {
    {0x01, "F_UUT"},          {0x02, "C_BAD_STREAMID"},     {0x03, "F_STE_FETCH"},
    {0x04, "C_BAD_STE"},      {0x05, "F_BAD_ATS_TREQ"},     {0x06, "F_STREAM_DISABLED"},
    {0x07, "F_TRANSL_FORBIDDEN"}, {0x08, "C_BAD_SUBSTREAMID"}, {0x09, "F_CD_FETCH"},
    {0x0A, "C_BAD_CD"},       {0x0B, "F_WALK_EABT"},        {0x10, "F_TRANSLATION"},
    {0x11, "F_ADDR_SIZE"},    {0x12, "F_ACCESS"},           {0x13, "F_PERMISSION"},
    {0x20, "F_TLB_CONFLICT"}, {0x21, "F_CFG_CONFLICT"},     {0x24, "E_PAGE_REQUEST"},
    {0x25, "F_VMS_FETCH"},
};
} // namespace

const char *event_type_name(unsigned type)
{
    for (const auto &e : k_event_names)
        if (e.type == type)
            return e.name;
    return nullptr;
}

namespace {

/// A schema violation inside one line; the caller adds "FILE:LINE: ".
struct bad_format : std::runtime_error {
    using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string &where, const std::string &what)
{
    throw bad_format(where.empty() ? what : where + ": " + what);
}

const char *json_type(const json &j)
{
    return j.type_name();
}

const json &need(const json &obj, const char *key, const std::string &where)
{
    auto it = obj.find(key);
    if (it == obj.end())
        fail(where, std::string("missing key '") + key + "'");
    return *it;
}

const json *maybe(const json &obj, const char *key)
{
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
}

std::string sub(const std::string &where, const char *key)
{
    return where.empty() ? std::string(key) : where + "." + key;
}

std::string as_string(const json &j, const std::string &where)
{
    if (!j.is_string())
        fail(where, std::string("expected a string, found ") + json_type(j));
    return j.get<std::string>();
}

uint64_t as_uint(const json &j, const std::string &where, uint64_t max)
{
    if (!j.is_number_integer())
        fail(where, std::string("expected an integer, found ") + json_type(j));
    if (j.is_number_unsigned()) {
        uint64_t v = j.get<uint64_t>();
        if (v > max)
            fail(where, "integer out of range: " + std::to_string(v));
        return v;
    }
    int64_t v = j.get<int64_t>();
    if (v < 0 || static_cast<uint64_t>(v) > max)
        fail(where, "integer out of range: " + std::to_string(v));
    return static_cast<uint64_t>(v);
}

/// "0x…" with 1..16 hex digits.
uint64_t as_hex(const json &j, const std::string &where)
{
    std::string s = as_string(j, where);
    if (s.size() < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || s.size() > 18)
        fail(where, "expected a hex string \"0x…\" (at most 64 bits), found \"" + s + "\"");
    uint64_t v = 0;
    for (size_t i = 2; i < s.size(); i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = static_cast<unsigned>(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = static_cast<unsigned>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = static_cast<unsigned>(c - 'A' + 10);
        else
            fail(where, "bad hex digit in \"" + s + "\"");
        v = v << 4 | d;
    }
    return v;
}

/// Hex byte string without "0x", in memory order.
std::vector<uint8_t> as_bytes(const json &j, const std::string &where)
{
    std::string s = as_string(j, where);
    if (s.size() % 2)
        fail(where, "hex byte string has an odd number of digits");
    std::vector<uint8_t> out(s.size() / 2);
    for (size_t i = 0; i < s.size(); i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = static_cast<unsigned>(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = static_cast<unsigned>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = static_cast<unsigned>(c - 'A' + 10);
        else
            fail(where, std::string("bad hex digit '") + c + "' in byte string");
        out[i / 2] = static_cast<uint8_t>(out[i / 2] << 4 | d);
    }
    return out;
}

std::vector<std::string> as_quirks(const json &j, const std::string &where)
{
    if (!j.is_array())
        fail(where, std::string("expected an array of quirk ids, found ") + json_type(j));
    std::vector<std::string> out;
    for (size_t i = 0; i < j.size(); i++) {
        std::string w = where + "[" + std::to_string(i) + "]";
        std::string q = as_string(j[i], w);
        bool ok = q.size() >= 2 && q[0] == 'Q';
        for (size_t k = 1; ok && k < q.size(); k++)
            ok = q[k] >= '0' && q[k] <= '9';
        if (!ok)
            fail(w, "bad quirk id \"" + q + "\" (expected Q<number>)");
        out.push_back(q);
    }
    return out;
}

void need_object(const json &j, const std::string &where)
{
    if (!j.is_object())
        fail(where, std::string("expected an object, found ") + json_type(j));
}

result as_result(const json &j, const std::string &where, bool allow_partial)
{
    std::string s = as_string(j, where);
    if (s == "ok")
        return result::ok;
    if (s == "fault")
        return result::fault;
    if (s == "abort")
        return result::abort;
    if (s == "partial" && allow_partial)
        return result::partial;
    fail(where, "unknown result \"" + s + "\"");
}

uint8_t as_event_type(const json &j, const std::string &where)
{
    std::string s = as_string(j, where);
    for (const auto &e : k_event_names)
        if (s == e.name)
            return static_cast<uint8_t>(e.type);
    fail(where, "unknown event type \"" + s + "\"");
}

unsigned as_class(const json &j, const std::string &where)
{
    std::string s = as_string(j, where);
    if (s == "CD")
        return 0;
    if (s == "TT")
        return 1;
    if (s == "IN")
        return 2;
    fail(where, "unknown CLASS \"" + s + "\" (expected CD, TT or IN)");
}

outcome parse_outcome(const json &j, const std::string &where, bool top)
{
    need_object(j, where);
    outcome o;
    o.res = as_result(need(j, "result", where), sub(where, "result"), top);
    if (o.res == result::ok || o.res == result::partial)
        o.pa = as_hex(need(j, "pa", where), sub(where, "pa"));
    if (o.res == result::fault) {
        const json &ev = need(j, "event", where);
        if (!ev.is_null()) {
            o.has_event = true;
            o.event = as_event_type(ev, sub(where, "event"));
        }
        if (const json *v = maybe(j, "s2"); v && !v->is_null())
            o.s2 = static_cast<unsigned>(as_uint(*v, sub(where, "s2"), 1));
        if (const json *v = maybe(j, "class"); v && !v->is_null())
            o.cls = as_class(*v, sub(where, "class"));
        if (const json *v = maybe(j, "ipa"); v && !v->is_null())
            o.ipa = as_hex(*v, sub(where, "ipa"));
    }
    if (o.res == result::partial)
        o.second_page.push_back(
            parse_outcome(need(j, "second_page", where), sub(where, "second_page"), false));
    return o;
}

void parse_dma(const json &j, const std::string &where, step &s)
{
    s.sid = static_cast<uint32_t>(as_uint(need(j, "sid", where), sub(where, "sid"), UINT32_MAX));
    if (const json *v = maybe(j, "ssid"); v && !v->is_null())
        s.ssid = static_cast<uint32_t>(as_uint(*v, sub(where, "ssid"), (1u << 20) - 1));
    s.iova = as_hex(need(j, "iova", where), sub(where, "iova"));
    std::string dir = as_string(need(j, "dir", where), sub(where, "dir"));
    if (dir != "read" && dir != "write")
        fail(sub(where, "dir"), "expected \"read\" or \"write\", found \"" + dir + "\"");
    s.write = dir == "write";
    s.size = static_cast<unsigned>(as_uint(need(j, "size", where), sub(where, "size"), 1u << 30));
    if (s.size == 0)
        fail(sub(where, "size"), "a DMA of 0 bytes");
    if (s.write) {
        s.data = as_bytes(need(j, "data", where), sub(where, "data"));
        if (s.data.size() != s.size)
            fail(sub(where, "data"), "holds " + std::to_string(s.data.size()) +
                                         " bytes but size is " + std::to_string(s.size));
    }
    if (const json *v = maybe(j, "quirks"))
        s.quirks = as_quirks(*v, sub(where, "quirks"));

    std::string ew = sub(where, "expect");
    const json &e = need(j, "expect", where);
    need_object(e, ew);
    s.expect.res = as_result(need(e, "result", ew), sub(ew, "result"), true);
    if (s.expect.res == result::ok || s.expect.res == result::partial)
        s.expect.pa = as_hex(need(e, "pa", ew), sub(ew, "pa"));
    if (const json *evs = maybe(e, "events")) {
        std::string w = sub(ew, "events");
        if (!evs->is_array())
            fail(w, std::string("expected an array, found ") + json_type(*evs));
        for (size_t i = 0; i < evs->size(); i++) {
            std::string wi = w + "[" + std::to_string(i) + "]";
            need_object((*evs)[i], wi);
            std::vector<uint8_t> raw = as_bytes(need((*evs)[i], "raw", wi), sub(wi, "raw"));
            if (raw.size() != 32)
                fail(sub(wi, "raw"), "an event record is 32 bytes, found " +
                                         std::to_string(raw.size()));
            event_raw r{};
            std::copy(raw.begin(), raw.end(), r.begin());
            s.expect.events.push_back(r);
        }
    }
    if (const json *v = maybe(e, "read_data"); v && !v->is_null())
        s.expect.read_data = as_bytes(*v, sub(ew, "read_data"));
    if (const json *v = maybe(e, "gerror_after"); v && !v->is_null())
        s.expect.gerror_after = as_hex(*v, sub(ew, "gerror_after"));

    std::string iw = sub(where, "intent");
    const json &in = need(j, "intent", where);
    s.intent = parse_outcome(in, iw, true);
    if (const json *alts = maybe(in, "arch_allows")) {
        std::string w = sub(iw, "arch_allows");
        if (!alts->is_array())
            fail(w, std::string("expected an array, found ") + json_type(*alts));
        for (size_t i = 0; i < alts->size(); i++)
            s.arch_allows.push_back(
                parse_outcome((*alts)[i], w + "[" + std::to_string(i) + "]", true));
    }
}

step parse_step(const json &j, const std::string &where)
{
    need_object(j, where);
    step s;
    std::string o = as_string(need(j, "op", where), sub(where, "op"));
    if (const json *n = maybe(j, "note"); n && !n->is_null())
        s.note = as_string(*n, sub(where, "note"));
    if (o == "mem_write" || o == "mem_expect") {
        s.kind = o == "mem_write" ? op::mem_write : op::mem_expect;
        s.addr = as_hex(need(j, "addr", where), sub(where, "addr"));
        s.data = as_bytes(need(j, "data", where), sub(where, "data"));
    } else if (o == "reg_write" || o == "reg_read") {
        s.kind = o == "reg_write" ? op::reg_write : op::reg_read;
        s.reg = as_string(need(j, "reg", where), sub(where, "reg"));
        s.off = as_hex(need(j, "off", where), sub(where, "off"));
        s.size = static_cast<unsigned>(as_uint(need(j, "size", where), sub(where, "size"), 8));
        if (s.size != 4 && s.size != 8)
            fail(sub(where, "size"), "register accesses are 4 or 8 bytes, found " +
                                         std::to_string(s.size));
        s.val = as_hex(need(j, "val", where), sub(where, "val"));
        if (s.size == 4 && s.val > UINT32_MAX)
            fail(sub(where, "val"), "value does not fit a 4-byte access");
        if (s.kind == op::reg_read) {
            if (const json *v = maybe(j, "arch_expect"); v && !v->is_null())
                s.arch_expect = as_hex(*v, sub(where, "arch_expect"));
            if (const json *v = maybe(j, "quirks"))
                s.quirks = as_quirks(*v, sub(where, "quirks"));
        }
    } else if (o == "dma") {
        s.kind = op::dma;
        parse_dma(j, where, s);
    } else if (o == "note") {
        s.kind = op::note;
        if (const json *t = maybe(j, "text"); t && !t->is_null())
            s.note = as_string(*t, sub(where, "text"));
    } else {
        fail(sub(where, "op"), "unknown op \"" + o + "\"");
    }
    return s;
}

oracle_case parse_case(const json &j)
{
    need_object(j, "case");
    oracle_case c;
    std::string fmt = as_string(need(j, "format", ""), "format");
    if (fmt != "smmu-oracle v1")
        fail("format", "unsupported format \"" + fmt + "\" (this runner reads \"smmu-oracle v1\")");
    c.id = as_string(need(j, "id", ""), "id");
    if (c.id.empty())
        fail("id", "empty case id");
    c.category = as_string(need(j, "category", ""), "category");

    const json &p = need(j, "platform", "");
    need_object(p, "platform");
    c.machine = as_string(need(p, "machine", "platform"), "platform.machine");
    if (const json *ram = maybe(p, "ram")) {
        need_object(*ram, "platform.ram");
        c.ram_base = as_hex(need(*ram, "base", "platform.ram"), "platform.ram.base");
        c.ram_size = as_hex(need(*ram, "size", "platform.ram"), "platform.ram.size");
        if (c.ram_size == 0 || c.ram_size > (uint64_t{1} << 40) ||
            c.ram_base + c.ram_size < c.ram_base)
            fail("platform.ram", "unsupported RAM range");
    }

    const json &ids = need(j, "id_regs", "");
    need_object(ids, "id_regs");
    for (auto it = ids.begin(); it != ids.end(); ++it) {
        uint64_t v = as_hex(it.value(), "id_regs." + it.key());
        if (v > UINT32_MAX)
            fail("id_regs." + it.key(), "ID registers are 32 bits");
        c.id_regs.emplace_back(it.key(), static_cast<uint32_t>(v));
    }
    if (const json *q = maybe(j, "quirks"))
        c.quirks = as_quirks(*q, "quirks");

    const json &steps = need(j, "steps", "");
    if (!steps.is_array())
        fail("steps", std::string("expected an array, found ") + json_type(steps));
    c.steps.reserve(steps.size());
    for (size_t i = 0; i < steps.size(); i++)
        c.steps.push_back(parse_step(steps[i], "steps[" + std::to_string(i) + "]"));
    return c;
}

bool ends_with(const std::string &s, const char *suffix)
{
    size_t n = std::strlen(suffix);
    return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

bool read_plain(const std::string &path, std::string &out, std::string &err)
{
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        err = path + ": cannot open: " + std::strerror(errno);
        return false;
    }
    std::ostringstream ss;
    ss << f.rdbuf();
    if (f.bad()) {
        err = path + ": read error";
        return false;
    }
    out = ss.str();
    return true;
}

const char *lzma_error_text(lzma_ret r)
{
    switch (r) {
    case LZMA_MEM_ERROR: return "out of memory";
    case LZMA_FORMAT_ERROR: return "not an .xz file";
    case LZMA_OPTIONS_ERROR: return "unsupported .xz options";
    case LZMA_DATA_ERROR: return "corrupt .xz data";
    case LZMA_BUF_ERROR: return "truncated .xz file";
    default: return "liblzma error";
    }
}

/// Decompress a whole .xz file (concatenated streams allowed) with liblzma.
bool read_xz(const std::string &path, std::string &out, std::string &err)
{
    std::string packed;
    if (!read_plain(path, packed, err))
        return false;
    lzma_stream strm = LZMA_STREAM_INIT;
    lzma_ret r = lzma_stream_decoder(&strm, UINT64_MAX, LZMA_CONCATENATED);
    if (r != LZMA_OK) {
        err = path + ": " + lzma_error_text(r);
        return false;
    }
    strm.next_in = reinterpret_cast<const uint8_t *>(packed.data());
    strm.avail_in = packed.size();
    std::vector<uint8_t> buf(1 << 16);
    out.clear();
    for (;;) {
        strm.next_out = buf.data();
        strm.avail_out = buf.size();
        r = lzma_code(&strm, strm.avail_in == 0 ? LZMA_FINISH : LZMA_RUN);
        out.append(reinterpret_cast<const char *>(buf.data()), buf.size() - strm.avail_out);
        if (r == LZMA_STREAM_END)
            break;
        if (r != LZMA_OK) {
            err = path + ": " + lzma_error_text(r);
            lzma_end(&strm);
            return false;
        }
    }
    lzma_end(&strm);
    return true;
}

} // namespace

bool load_cases(const std::string &path, std::vector<oracle_case> &out, std::string &err)
{
    std::string text;
    bool ok = ends_with(path, ".xz") ? read_xz(path, text, err) : read_plain(path, text, err);
    if (!ok)
        return false;

    size_t pos = 0;
    unsigned lineno = 0;
    unsigned cases = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        size_t end = nl == std::string::npos ? text.size() : nl;
        std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        lineno++;
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue; // blank lines are allowed
        std::string where = path + ":" + std::to_string(lineno) + ": ";
        json j;
        try {
            j = json::parse(line);
        } catch (const json::exception &e) {
            /* parse_error, but also out_of_range for a number beyond a double (1e999) */
            err = where + "bad JSON: " + e.what();
            return false;
        }
        try {
            oracle_case c = parse_case(j);
            c.file = path;
            c.line = lineno;
            out.push_back(std::move(c));
            cases++;
        } catch (const bad_format &e) {
            err = where + e.what();
            return false;
        } catch (const json::exception &e) { // a type check we missed: still not a crash
            err = where + e.what();
            return false;
        }
    }
    if (cases == 0) {
        err = path + ": no cases in file";
        return false;
    }
    return true;
}

} // namespace conformance
