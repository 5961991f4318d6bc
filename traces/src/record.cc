// SPDX-License-Identifier: Apache-2.0
// Record names, command tables and the per-record rules of docs/traces.md.
#include "smmuv3_traces/record.h"

#include <cstdio>
#include <cstring>

#include "smmuv3_traces/error.h"

namespace smmuv3::traces {

std::string location::str() const
{
    std::string s = file;
    if (binary) {
        s += ": byte offset " + std::to_string(offset);
        if (record >= 0)
            s += " (record " + std::to_string(record) + ")";
    } else {
        if (line)
            s += ":" + std::to_string(line);
        if (record >= 0)
            s += ": record " + std::to_string(record);
    }
    return s;
}

void fail(const location& where, const std::string& msg)
{
    throw trace_error(where.str() + ": " + msg);
}

namespace {
const char* const unit_names[] = {"ps", "ns", "us", "ms", "s"};

/* Opcodes of Arm IHI 0070 Table 4-1 (the same values as model/defs/cmd.def; the trace
 * format names commands, it does not encode them, so no field positions are needed). */
struct op_name {
    uint8_t op;
    const char* name;
};
const op_name op_names[] = {
    {0x01, "PREFETCH_CONFIG"}, {0x02, "PREFETCH_ADDR"},  {0x03, "CFGI_STE"},
    {0x04, "CFGI_STE_RANGE"},  {0x05, "CFGI_CD"},        {0x06, "CFGI_CD_ALL"},
    {0x07, "CFGI_VMS_PIDM"},   {0x10, "TLBI_NH_ALL"},    {0x11, "TLBI_NH_ASID"},
    {0x12, "TLBI_NH_VA"},      {0x13, "TLBI_NH_VAA"},    {0x18, "TLBI_EL3_ALL"},
    {0x1A, "TLBI_EL3_VA"},     {0x20, "TLBI_EL2_ALL"},   {0x21, "TLBI_EL2_ASID"},
    {0x22, "TLBI_EL2_VA"},     {0x23, "TLBI_EL2_VAA"},   {0x28, "TLBI_S12_VMALL"},
    {0x2A, "TLBI_S2_IPA"},     {0x30, "TLBI_NSNH_ALL"},  {0x40, "ATC_INV"},
    {0x41, "PRI_RESP"},        {0x44, "RESUME"},         {0x45, "STALL_TERM"},
    {0x46, "SYNC"},            {0x50, "TLBI_S_EL2_ALL"}, {0x51, "TLBI_S_EL2_ASID"},
    {0x52, "TLBI_S_EL2_VA"},   {0x53, "TLBI_S_EL2_VAA"}, {0x58, "TLBI_S_S12_VMALL"},
    {0x5A, "TLBI_S_S2_IPA"},   {0x60, "TLBI_SNH_ALL"},   {0x70, "DPTI_ALL"},
    {0x73, "DPTI_PA"},
};

struct arg_info {
    const char* name;
    bool hex;
    uint64_t max;
};
/* Order = enum cmd_arg = canonical order in both forms. Maxima are the widths of the
 * command fields (IHI 0070 4.1.6 ff.); num counts granules ((NUM+1) << SCALE). */
const arg_info arg_infos[cmd_arg_count] = {
    {"sid", true, 0xFFFFFFFFu},         {"ssid", true, 0xFFFFFu},
    {"range", false, 31},               {"vmid", false, 0xFFFF},
    {"asid", false, 0xFFFF},            {"addr", true, ~uint64_t{0}},
    {"tg", false, 3},                   {"num", false, uint64_t{32} << 31},
    {"ttl", false, 3},                  {"leaf", false, 1},
    {"size", false, 63},                {"cs", false, 3},
    {"msiaddr", true, ~uint64_t{0}},    {"msidata", true, 0xFFFFFFFFu},
    {"stag", false, 0xFFFF},            {"resp", false, 3},
    {"prgidx", false, 0x1FF},           {"global", false, 1},
    {"ac", false, 1},                   {"ab", false, 1},
};
}  // namespace

const char* time_unit_name(time_unit u) { return unit_names[static_cast<unsigned>(u)]; }

std::optional<time_unit> parse_time_unit(const std::string& s)
{
    for (unsigned i = 0; i < 5; ++i)
        if (s == unit_names[i])
            return static_cast<time_unit>(i);
    return std::nullopt;
}

const char* cmd_arg_name(cmd_arg a) { return arg_infos[static_cast<unsigned>(a)].name; }
bool cmd_arg_is_hex(cmd_arg a) { return arg_infos[static_cast<unsigned>(a)].hex; }
uint64_t cmd_arg_max(cmd_arg a) { return arg_infos[static_cast<unsigned>(a)].max; }

std::optional<cmd_arg> parse_cmd_arg(const std::string& s)
{
    for (unsigned i = 0; i < cmd_arg_count; ++i)
        if (s == arg_infos[i].name)
            return static_cast<cmd_arg>(i);
    return std::nullopt;
}

const char* cmd_name(uint8_t opcode)
{
    for (const auto& o : op_names)
        if (o.op == opcode)
            return o.name;
    return nullptr;
}

std::optional<uint8_t> parse_cmd_name(const std::string& s)
{
    for (const auto& o : op_names)
        if (s == o.name)
            return o.op;
    return std::nullopt;
}

const char* record_kind_name(record_kind k)
{
    switch (k) {
    case record_kind::dma: return "dma";
    case record_kind::map: return "map";
    case record_kind::unmap: return "unmap";
    case record_kind::bind: return "bind";
    case record_kind::cmd: return "cmd";
    case record_kind::event: return "event";
    case record_kind::mark: return "mark";
    }
    return "?";
}

const std::string* header::find_meta(const std::string& key) const
{
    for (const auto& kv : meta)
        if (kv.first == key)
            return &kv.second;
    return nullptr;
}

bool valid_token(const std::string& s, bool allow_equals)
{
    if (s.empty() || s.size() > max_name_len)
        return false;
    for (char c : s) {
        if (c <= ' ' || c > '~' || (c == '=' && !allow_equals))
            return false;
    }
    return true;
}

std::string leaf_name(unsigned shift)
{
    static const char units[] = {'K', 'M', 'G', 'T', 'P'};
    unsigned u = (shift - 10) / 10;
    if (u > 4)
        u = 4;
    return std::to_string(uint64_t{1} << (shift - 10 - 10 * u)) + units[u];
}

std::optional<unsigned> parse_leaf(const std::string& s)
{
    if (s.size() < 2)
        return std::nullopt;
    const char* units = "KMGTP";
    const char* u = std::strchr(units, s.back());
    if (!u)
        return std::nullopt;
    unsigned base = 10 + 10 * static_cast<unsigned>(u - units);
    uint64_t n = 0;
    for (size_t i = 0; i + 1 < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9' || n > 1000000)
            return std::nullopt;
        n = n * 10 + static_cast<uint64_t>(s[i] - '0');
    }
    if (n == 0 || (n & (n - 1)))
        return std::nullopt;
    unsigned shift = base;
    while (n > 1) {
        n >>= 1;
        ++shift;
    }
    if (shift < 12 || shift > 52 || leaf_name(shift) != s)
        return std::nullopt;
    return shift;
}

namespace {
std::string hex(uint64_t v)
{
    char b[24];
    std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
    return b;
}

std::string check_body(const dma_record& d)
{
    if (d.ssid && *d.ssid > max_ssid)
        return "SubstreamID " + hex(*d.ssid) + " exceeds 20 bits";
    if (d.access & ~0x0Fu)
        return "unknown access bits";
    if (d.q.kind == outcome::miss && d.q.level > 3)
        return "miss level must be 0..3";
    return {};
}

std::string check_range(uint64_t iova, uint64_t size, unsigned align_shift, const char* what)
{
    const uint64_t mask = (uint64_t{1} << align_shift) - 1;
    if (size == 0)
        return std::string(what) + " size is 0";
    if (size > max_map_size)
        return std::string(what) + " size " + hex(size) + " is absurd (limit 2^52)";
    if ((iova & mask) || (size & mask))
        return std::string(what) + " address " + hex(iova) + " or size " + hex(size) +
               " not aligned to " + leaf_name(align_shift);
    if (iova + size < iova)
        return std::string(what) + " range wraps past 2^64";
    return {};
}

std::string check_body(const map_record& m)
{
    if (m.ssid && *m.ssid > max_ssid)
        return "SubstreamID exceeds 20 bits";
    if (m.leaf_shift < 12 || m.leaf_shift > 52)
        return "leaf size must be 4K..4P";
    if (!(m.perm & (PERM_R | PERM_W)) || (m.perm & ~0x0Fu))
        return "permission must include r or w";
    std::string e = check_range(m.iova, m.size, m.leaf_shift, "map");
    if (!e.empty())
        return e;
    if (m.pa & ((uint64_t{1} << m.leaf_shift) - 1))
        return "map output address " + hex(m.pa) + " not aligned to " + leaf_name(m.leaf_shift);
    if (m.pa + m.size < m.pa)
        return "map output range wraps past 2^64";
    return {};
}

std::string check_body(const unmap_record& u)
{
    if (u.ssid && *u.ssid > max_ssid)
        return "SubstreamID exceeds 20 bits";
    return check_range(u.iova, u.size, 12, "unmap");
}

std::string check_body(const bind_record& b)
{
    if (b.ssid && *b.ssid > max_ssid)
        return "SubstreamID exceeds 20 bits";
    if (b.granule_shift != 12 && b.granule_shift != 14 && b.granule_shift != 16)
        return "granule must be 4K, 16K or 64K";
    if (b.ias < 16 || b.ias > 64)
        return "input address size must be 16..64 bits";
    return {};
}

std::string check_body(const cmd_record& c)
{
    if (!cmd_name(c.opcode))
        return "unknown command opcode " + hex(c.opcode);
    if (c.present >> cmd_arg_count)
        return "unknown command argument";
    for (unsigned i = 0; i < cmd_arg_count; ++i) {
        const auto a = static_cast<cmd_arg>(i);
        if (c.has(a) && c.args[i] > cmd_arg_max(a))
            return std::string("command argument ") + cmd_arg_name(a) + " out of range";
    }
    return {};
}

std::string check_body(const event_record& e)
{
    if (!valid_token(e.name))
        return "event name must be 1..255 printable characters without space or '='";
    if (!e.info.empty() && !valid_token(e.info, true))
        return "event info must be 1..255 printable characters without space";
    return {};
}

std::string check_body(const mark_record& m)
{
    if (!valid_token(m.name))
        return "mark name must be 1..255 printable characters without space or '='";
    return {};
}
}  // namespace

std::string check_record(const record& r)
{
    return std::visit([](const auto& b) { return check_body(b); }, r.body);
}

}  // namespace smmuv3::traces
