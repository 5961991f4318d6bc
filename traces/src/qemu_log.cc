// SPDX-License-Identifier: Apache-2.0
// Importer of QEMU's SMMUv3 trace events as its `log` trace backend writes them:
//   PID@SEC.USEC:EVENT ARGS      (with -msg timestamp=on)
//   EVENT ARGS                   (without)
// The argument text of each event is the format string of QEMU's hw/arm/trace-events; only
// "key=value" / "key:value" fragments are relied on, so older spellings parse too.
#include <cstring>

#include "capture_internal.h"
#include "native_internal.h"

namespace smmuv3::traces {
namespace {

using detail::cap_event;

bool word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* A parsed log line. */
struct log_line {
    std::optional<uint64_t> t_abs_us;
    std::string event, rest;
};

/* Splits "PID@SEC.USEC:event rest" or "event rest"; false if it is not a trace line. */
bool split_line(const std::string& l, log_line& out)
{
    size_t p = 0;
    out.t_abs_us.reset();
    size_t at = l.find('@');
    size_t colon = l.find(':');
    if (at != std::string::npos && colon != std::string::npos && at < colon && at > 0) {
        auto digits = [&](size_t a, size_t b) {
            if (a >= b)
                return false;
            for (size_t i = a; i < b; ++i)
                if (l[i] < '0' || l[i] > '9')
                    return false;
            return true;
        };
        size_t dot = l.find('.', at);
        if (digits(0, at) && dot != std::string::npos && dot < colon && digits(at + 1, dot) &&
            digits(dot + 1, colon) && colon - at < 20) {
            uint64_t sec = std::stoull(l.substr(at + 1, dot - at - 1));
            uint64_t usec = std::stoull(l.substr(dot + 1, colon - dot - 1));
            out.t_abs_us = sec * 1000000 + usec;
            p = colon + 1;
        }
    }
    size_t e = p;
    while (e < l.size() && word_char(l[e]))
        ++e;
    if (e == p)
        return false;
    out.event = l.substr(p, e - p);
    if (e < l.size() && l[e] != ' ')
        return false;
    out.rest = e < l.size() ? l.substr(e + 1) : std::string();
    return true;
}

/* The number after "key" + "=" or ":" (optionally followed by a space), e.g. "sid=0x8",
 * "iova:0x1000", "size: 0x4", "tsz:16". nullopt if absent or malformed. */
std::optional<std::string> kv_text(const std::string& rest, const char* key)
{
    const size_t kl = std::strlen(key);
    for (size_t p = rest.find(key); p != std::string::npos; p = rest.find(key, p + 1)) {
        if (p > 0 && word_char(rest[p - 1]))
            continue;
        size_t i = p + kl;
        if (i >= rest.size() || (rest[i] != '=' && rest[i] != ':'))
            continue;
        ++i;
        if (i < rest.size() && rest[i] == ' ')
            ++i;
        size_t j = i;
        if (j < rest.size() && rest[j] == '-')
            ++j;
        while (j < rest.size() && (word_char(rest[j])))
            ++j;
        return rest.substr(i, j - i);
    }
    return std::nullopt;
}

/* The number kv_text() found, or nullopt. */
std::optional<int64_t> kv_number(const std::optional<std::string>& text)
{
    return text ? detail::parse_int(*text, false) : std::nullopt;
}

std::optional<int64_t> kv(const std::string& rest, const char* key)
{
    return kv_number(kv_text(rest, key));
}

/* Events whose arguments belong to the command announced by the last smmuv3_cmdq_opcode. */
const char* const detail_events[] = {
    "smmuv3_cmdq_cfgi_ste",     "smmuv3_cmdq_cfgi_cd",    "smmuv3_cmdq_tlbi_nh_asid",
    "smmuv3_cmdq_tlbi_nh",      "smmuv3_cmdq_tlbi_s12_vmid", "smmuv3_range_inval",
    "smmuv3_cmdq_cfgi_ste_range", "smmuv3_cmdq_tlbi_nsnh", "smmuv3_s1_range_inval",
    "smmuv3_cmdq_tlbi_nh_va",   "smmuv3_cmdq_tlbi_nh_vaa",
};

class qemu_log_source : public record_source {
public:
    qemu_log_source(std::unique_ptr<input> in, const import_options& opt)
        : m_in(std::move(in)), m_tr(opt, m_rep)
    {
        m_loc.file = m_in->name();
        m_hdr.unit = time_unit::us;
        m_hdr.meta.emplace_back("source", "qemu-trace-log");
        /* Find the first timestamp (t0) so the header can carry it: read ahead a little. */
        std::string line;
        while (m_ahead.size() < 4096 && m_in->getline(line)) {
            m_ahead.push_back(line);
            log_line ll;
            if (split_line(line, ll) && ll.t_abs_us) {
                m_t0 = *ll.t_abs_us;
                m_hdr.meta.emplace_back("t0_epoch_us", std::to_string(*m_t0));
                break;
            }
        }
    }

    const header& hdr() const override { return m_hdr; }
    input_format format() const override { return input_format::qemu_log; }
    const import_report* report() const override { return &m_rep; }

    bool next(record& r) override
    {
        while (m_tr.empty()) {
            std::string line;
            if (m_next_ahead < m_ahead.size()) {
                line = std::move(m_ahead[m_next_ahead++]);
                m_loc.line = m_next_ahead;
            } else if (m_in->getline(line)) {
                m_loc.line = m_in->line_no();
            } else {
                if (!m_done) {
                    flush_cmd();
                    m_done = true;
                    continue;
                }
                return false;
            }
            handle(line);
        }
        r = m_tr.pop();
        return true;
    }

private:
    void emit(cap_event e)
    {
        e.seq = m_seq++;
        e.t = m_t;
        m_tr.consume(e, m_loc);
    }

    void flush_cmd()
    {
        if (!m_cmd)
            return;
        cap_event e = std::move(*m_cmd);
        m_cmd.reset();
        m_tr.consume(e, m_cmd_loc);
    }

    std::optional<int64_t> need(const log_line& ll, const char* key)
    {
        return need_number(ll, key, kv_text(ll.rest, key));
    }

    /* An address, StreamID or other unsigned field: a '-' sign is an error, not the
     * two's-complement bit pattern. */
    uint64_t need_u(const log_line& ll, const char* key)
    {
        auto text = kv_text(ll.rest, key);
        if (text && !text->empty() && (*text)[0] == '-')
            fail(m_loc, ll.event + ": '" + key + "' is negative in '" + ll.rest + "'");
        return static_cast<uint64_t>(*need_number(ll, key, text));
    }

    /* The number in text, the value kv_text() found for key; an error naming the line if
     * there is none. */
    std::optional<int64_t> need_number(const log_line& ll, const char* key,
                                       const std::optional<std::string>& text)
    {
        auto v = kv_number(text);
        if (!v)
            fail(m_loc, ll.event + ": no '" + key + "' in '" + ll.rest + "'");
        return v;
    }

    void handle(const std::string& line)
    {
        log_line ll;
        if (line.empty())
            return;
        if (!split_line(line, ll)) {
            ++m_rep.skipped_lines;
            return;
        }
        if (ll.t_abs_us) {
            if (!m_t0)
                m_t0 = ll.t_abs_us;
            m_t = *ll.t_abs_us >= *m_t0 ? *ll.t_abs_us - *m_t0 : uint64_t{0};
        }
        const std::string& ev = ll.event;
        for (const char* d : detail_events) {
            if (ev == d) {
                command_detail(ll);
                return;
            }
        }
        if (ev == "smmu_iotlb_lookup_hit" || ev == "smmu_iotlb_lookup_miss") {
            m_lookup_asid = kv(ll.rest, "asid");
            m_lookup_addr = kv(ll.rest, "addr");
            m_lookup_hit = ev == "smmu_iotlb_lookup_hit";
            m_insert_level.reset();
            return;
        }
        if (ev == "smmu_iotlb_insert") {
            m_insert_level = kv(ll.rest, "level");
            return;
        }
        if (ev == "smmuv3_translate_success")
            return translate_success(ll);
        if (ev == "smmuv3_translate_abort" || ev == "smmuv3_translate_bypass" ||
            ev == "smmuv3_translate_disable")
            return translate_other(ll);
        if (ev == "smmuv3_read_mmio" || ev == "smmuv3_write_mmio") {
            flush_cmd();
            cap_event e;
            e.kind = cap_event::mmio;
            emit(e);
            return;
        }
        if (ev == "smmuv3_cmdq_opcode") {
            flush_cmd();
            std::string name = ll.rest;
            size_t arrow = name.find("<---");
            if (arrow != std::string::npos)
                name = name.substr(arrow + 4);
            auto t = detail::split_ws(name);
            if (t.empty())
                fail(m_loc, "smmuv3_cmdq_opcode without a command name");
            name = t[0].rfind("SMMU_CMD_", 0) == 0 ? t[0].substr(9) : t[0];
            cap_event e;
            e.kind = cap_event::cmd;
            e.name = name;
            e.seq = m_seq++;
            e.t = m_t;
            m_cmd = e;
            m_cmd_loc = m_loc;
            return;
        }
        if (ev == "smmuv3_record_event") {
            flush_cmd();
            cap_event e;
            e.kind = cap_event::evt;
            auto t = detail::split_ws(ll.rest);
            e.name = t.empty() ? "UNKNOWN" : t[0];
            e.sid = static_cast<uint32_t>(need_u(ll, "sid"));
            emit(e);
            return;
        }
        if (ev == "smmuv3_cmdq_consume_error" || ev == "smmuv3_unhandled_cmd") {
            flush_cmd();
            cap_event e;
            e.kind = cap_event::cmderr;
            e.name = ev == "smmuv3_unhandled_cmd" ? "CMDUNHANDLED" : "CMDERR";
            std::string info = ll.rest;
            for (char& c : info)
                if (c == ' ')
                    c = '_';
            e.info = info.substr(0, max_name_len);
            emit(e);
            return;
        }
        if (ev == "smmuv3_decode_cd_tt") {
            flush_cmd();
            cap_event e;
            e.kind = cap_event::cd_tt;
            e.tsz = static_cast<unsigned>(*need(ll, "tsz"));
            e.ttb = need_u(ll, "ttb");
            e.granule = static_cast<unsigned>(*need(ll, "granule_sz"));
            emit(e);
            return;
        }
        if (ev == "pl031_write") {
            auto addr = kv(ll.rest, "addr");
            if (!addr) {
                /* "addr 0x00000008 value ..." (a space, not '='). */
                auto t = detail::split_ws(ll.rest);
                if (t.size() >= 2 && t[0] == "addr")
                    addr = detail::parse_int(t[1], false);
            }
            if (addr && *addr == 0x8) {  // RTC_LR: the guest's phase marker (hwclock -w)
                flush_cmd();
                cap_event e;
                e.kind = cap_event::mark;
                e.idx = ++m_marks;
                e.name = "phase" + std::to_string(e.idx);
                emit(e);
            }
            return;
        }
        ++m_rep.skipped_lines;
    }

    void command_detail(const log_line& ll)
    {
        if (!m_cmd) {
            ++m_rep.skipped_lines;
            return;
        }
        const std::string& ev = ll.event;
        auto add = [&](const char* key, const char* as) {
            auto v = kv(ll.rest, key);
            if (v)
                m_cmd->args.emplace_back(as, *v);
        };
        if (ev == "smmuv3_cmdq_cfgi_ste") {
            /* "streamid= 0x8" (QEMU >= 9) or "streamid =8": the last number */
            auto t = detail::split_ws(ll.rest);
            auto v = t.empty() ? std::nullopt : detail::parse_int(t.back(), false);
            if (t.empty() || !v) {
                std::string s = t.empty() ? "" : t.back();
                size_t eq = s.find('=');
                v = eq == std::string::npos ? std::nullopt : detail::parse_int(s.substr(eq + 1), false);
            }
            if (!v)
                fail(m_loc, ev + ": no StreamID in '" + ll.rest + "'");
            m_cmd->args.emplace_back("sid", *v);
        } else if (ev == "smmuv3_cmdq_cfgi_cd") {
            auto v = kv(ll.rest, "sid");
            if (!v) {
                auto t = detail::split_ws(ll.rest);
                v = t.empty() ? std::nullopt : detail::parse_int(t.back(), false);
            }
            if (!v)
                fail(m_loc, ev + ": no StreamID in '" + ll.rest + "'");
            m_cmd->args.emplace_back("sid", *v);
        } else if (ev == "smmuv3_cmdq_cfgi_ste_range") {
            add("start", "start");
            add("end", "end");
        } else {
            add("vmid", "vmid");
            add("asid", "asid");
            add("addr", "addr");
            add("tg", "tg");
            add("num_pages", "num_pages");
            add("ttl", "ttl");
            add("leaf", "leaf");
        }
    }

    void translate_success(const log_line& ll)
    {
        flush_cmd();
        cap_event e;
        e.kind = cap_event::xlate;
        e.sid = static_cast<uint32_t>(need_u(ll, "sid"));
        e.iova = need_u(ll, "iova");
        e.pa = need_u(ll, "translated");
        auto perm = *need(ll, "perm");
        e.acc = perm == 1 ? "r" : perm == 2 ? "w" : "rw";
        e.q = "?";
        /* The IOTLB lookup just before a translation of the same address gives its ASID and
         * whether QEMU hit; a miss is followed by the insert, which gives the leaf level. */
        if (m_lookup_addr && static_cast<uint64_t>(*m_lookup_addr) == e.iova) {
            if (m_lookup_asid && *m_lookup_asid >= 0 && *m_lookup_asid <= 0xFFFF)
                e.asid = static_cast<uint16_t>(*m_lookup_asid);
            if (m_lookup_hit)
                e.q = "H";
            else if (m_insert_level && *m_insert_level >= 0 && *m_insert_level <= 3)
                e.q = "M" + std::to_string(*m_insert_level);
            else
                e.q = "M";
        }
        m_lookup_addr.reset();
        emit(e);
    }

    void translate_other(const log_line& ll)
    {
        flush_cmd();
        cap_event e;
        e.kind = cap_event::xlate;
        e.sid = static_cast<uint32_t>(need_u(ll, "sid"));
        e.iova = need_u(ll, "iova");
        e.acc = *need(ll, "is_write") ? "w" : "r";
        e.q = ll.event == "smmuv3_translate_abort" ? "A" : ll.event == "smmuv3_translate_bypass" ? "B" : "D";
        if (e.q != "A")
            e.pa = e.iova;
        m_lookup_addr.reset();
        emit(e);
    }

    std::unique_ptr<input> m_in;
    header m_hdr;
    import_report m_rep;
    detail::capture_translator m_tr;
    location m_loc, m_cmd_loc;
    std::vector<std::string> m_ahead;
    size_t m_next_ahead = 0;
    std::optional<uint64_t> m_t0;
    std::optional<uint64_t> m_t;
    uint64_t m_seq = 0;
    uint32_t m_marks = 0;
    std::optional<cap_event> m_cmd;
    std::optional<int64_t> m_lookup_asid, m_lookup_addr, m_insert_level;
    bool m_lookup_hit = false, m_done = false;
};

}  // namespace

std::unique_ptr<record_source> import_qemu_log(std::unique_ptr<input> in, const import_options& opt)
{
    return std::make_unique<qemu_log_source>(std::move(in), opt);
}

}  // namespace smmuv3::traces
