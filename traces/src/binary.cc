// SPDX-License-Identifier: Apache-2.0
// The native binary form (docs/traces.md "Binary form"): magic, version, header text,
// then length-prefixed records of LEB128 fields, closed by an end record.
#include <cstring>

#include "native_internal.h"
#include "smmuv3_traces/trace.h"

namespace smmuv3::traces {

namespace {

constexpr uint8_t K_END = 0;
constexpr uint64_t F_TIME = 1, F_SEQ = 2, F_SSID = 4;
/* kind-specific flags, from bit 3 */
constexpr uint64_t F_DMA_PA = 8, F_DMA_ASID = 16, F_DMA_NOREPLAY = 32;
constexpr uint64_t F_BIND_VMID = 8, F_BIND_TTB = 16;
constexpr uint64_t F_EVT_SID = 8, F_EVT_INFO = 16;
/* Outcome codes (docs/traces.md). */
constexpr uint8_t Q_NONE = 0, Q_HIT = 1, Q_ABORT = 2, Q_BYPASS = 3, Q_DISABLED = 4, Q_MISS = 5,
                  Q_MISS_L0 = 16;

uint64_t zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

/* Delta state shared by writer and reader: each field is coded against its previous value. */
struct delta_state {
    uint64_t time = 0, seq = 0, iova = 0, pa = 0;
};

void put_varint(std::string& b, uint64_t v)
{
    while (v >= 0x80) {
        b += static_cast<char>(static_cast<uint8_t>(v) | 0x80);
        v >>= 7;
    }
    b += static_cast<char>(v);
}

void put_delta(std::string& b, uint64_t& prev, uint64_t v)
{
    put_varint(b, zigzag(static_cast<int64_t>(v - prev)));
    prev = v;
}

void put_string(std::string& b, const std::string& s)
{
    put_varint(b, s.size());
    b += s;
}

uint8_t outcome_code(const outcome& q)
{
    switch (q.kind) {
    case outcome::none: return Q_NONE;
    case outcome::hit: return Q_HIT;
    case outcome::abort: return Q_ABORT;
    case outcome::bypass: return Q_BYPASS;
    case outcome::disabled: return Q_DISABLED;
    case outcome::miss: return q.level < 0 ? Q_MISS : static_cast<uint8_t>(Q_MISS_L0 + q.level);
    }
    return Q_NONE;
}

class binary_writer : public record_writer {
public:
    binary_writer(std::unique_ptr<byte_sink> out, const header& h) : m_out(std::move(out))
    {
        std::string text = detail::format_header_directives(h);
        m_buf.assign(detail::binary_magic, sizeof detail::binary_magic);
        put_le(format_major, 2);
        put_le(format_minor, 2);
        put_le(text.size(), 4);
        m_buf += text;
    }

    void write(const record& r) override
    {
        std::string e = check_record(r);
        if (!e.empty())
            throw trace_error("writing record " + std::to_string(m_n) + ": " + e);
        m_p.clear();
        uint64_t flags = (r.time ? F_TIME : 0) | (r.seq ? F_SEQ : 0);
        std::visit([&](const auto& b) { flags |= body_flags(b); }, r.body);
        put_varint(m_p, flags);
        if (r.time)
            put_delta(m_p, m_d.time, *r.time);
        if (r.seq)
            put_delta(m_p, m_d.seq, *r.seq);
        std::visit([&](const auto& b) { body(b); }, r.body);
        m_buf += static_cast<char>(r.kind());
        put_varint(m_buf, m_p.size());
        m_buf += m_p;
        ++m_n;
        if (m_buf.size() > (1u << 16))
            flush();
    }

    void finish() override
    {
        m_p.clear();
        put_varint(m_p, m_n);
        m_buf += static_cast<char>(K_END);
        put_varint(m_buf, m_p.size());
        m_buf += m_p;
        flush();
        m_out->finish();
    }
    uint64_t written() const override { return m_n; }

private:
    void put_le(uint64_t v, unsigned n)
    {
        for (unsigned i = 0; i < n; ++i)
            m_buf += static_cast<char>(static_cast<uint8_t>(v >> (8 * i)));
    }
    void flush()
    {
        m_out->write(m_buf.data(), m_buf.size());
        m_buf.clear();
    }

    static uint64_t ssid_flag(const std::optional<uint32_t>& s) { return s ? F_SSID : 0; }
    static uint64_t body_flags(const dma_record& d)
    {
        return ssid_flag(d.ssid) | (d.pa ? F_DMA_PA : 0) | (d.asid ? F_DMA_ASID : 0) |
               (d.noreplay ? F_DMA_NOREPLAY : 0);
    }
    static uint64_t body_flags(const map_record& m) { return ssid_flag(m.ssid); }
    static uint64_t body_flags(const unmap_record& u) { return ssid_flag(u.ssid); }
    static uint64_t body_flags(const bind_record& b)
    {
        return ssid_flag(b.ssid) | (b.vmid ? F_BIND_VMID : 0) | (b.ttb ? F_BIND_TTB : 0);
    }
    static uint64_t body_flags(const cmd_record&) { return 0; }
    static uint64_t body_flags(const event_record& e)
    {
        return (e.sid ? F_EVT_SID : 0) | (e.info.empty() ? 0 : F_EVT_INFO);
    }
    static uint64_t body_flags(const mark_record&) { return 0; }

    void body(const dma_record& d)
    {
        put_varint(m_p, d.port);
        put_varint(m_p, d.sid);
        if (d.ssid)
            put_varint(m_p, *d.ssid);
        put_delta(m_p, m_d.iova, d.iova);
        put_varint(m_p, d.size);
        put_varint(m_p, d.access);
        put_varint(m_p, outcome_code(d.q));
        if (d.pa)
            put_delta(m_p, m_d.pa, *d.pa);
        if (d.asid)
            put_varint(m_p, *d.asid);
    }
    void body(const map_record& m)
    {
        put_varint(m_p, m.sid);
        if (m.ssid)
            put_varint(m_p, *m.ssid);
        put_varint(m_p, m.iova);
        put_varint(m_p, m.pa);
        put_varint(m_p, m.size);
        put_varint(m_p, m.perm);
        put_varint(m_p, m.leaf_shift);
    }
    void body(const unmap_record& u)
    {
        put_varint(m_p, u.sid);
        if (u.ssid)
            put_varint(m_p, *u.ssid);
        put_varint(m_p, u.iova);
        put_varint(m_p, u.size);
    }
    void body(const bind_record& b)
    {
        put_varint(m_p, b.sid);
        if (b.ssid)
            put_varint(m_p, *b.ssid);
        put_varint(m_p, b.asid);
        put_varint(m_p, b.granule_shift);
        put_varint(m_p, b.ias);
        if (b.vmid)
            put_varint(m_p, *b.vmid);
        if (b.ttb)
            put_varint(m_p, *b.ttb);
    }
    void body(const cmd_record& c)
    {
        put_varint(m_p, c.opcode);
        put_varint(m_p, c.present);
        for (unsigned i = 0; i < cmd_arg_count; ++i)
            if (c.has(static_cast<cmd_arg>(i)))
                put_varint(m_p, c.args[i]);
    }
    void body(const event_record& e)
    {
        put_string(m_p, e.name);
        if (e.sid)
            put_varint(m_p, *e.sid);
        if (!e.info.empty())
            put_string(m_p, e.info);
    }
    void body(const mark_record& m)
    {
        put_varint(m_p, m.idx);
        put_string(m_p, m.name);
    }

    std::unique_ptr<byte_sink> m_out;
    std::string m_buf, m_p;
    delta_state m_d;
    uint64_t m_n = 0;
};

class binary_reader : public record_source {
public:
    binary_reader(std::unique_ptr<input> in, compression c) : m_in(std::move(in)), m_comp(c)
    {
        m_loc.file = m_in->name();
        m_loc.binary = true;
        char magic[8];
        if (!m_in->read_exact(magic, 8) || std::memcmp(magic, detail::binary_magic, 8) != 0)
            fail(m_loc, "not a native binary trace (bad magic)");
        m_loc.offset = 8;
        uint8_t v[8];
        if (!m_in->read_exact(v, 8))
            fail(m_loc, "truncated header");
        m_hdr.major = v[0] | unsigned(v[1]) << 8;
        m_hdr.minor = v[2] | unsigned(v[3]) << 8;
        uint64_t len = v[4] | uint64_t(v[5]) << 8 | uint64_t(v[6]) << 16 | uint64_t(v[7]) << 24;
        if (m_hdr.major != format_major)
            fail(m_loc, "format version " + std::to_string(m_hdr.major) + "." +
                            std::to_string(m_hdr.minor) + " is not supported (this reader reads " +
                            std::to_string(format_major) + ".x)");
        m_newer = m_hdr.minor > format_minor;
        m_loc.offset = 12;
        if (len > max_header_bytes)
            fail(m_loc, "header length " + std::to_string(len) +
                            " is absurd (limit 1 MiB); not reading it");
        std::string text(len, '\0');
        m_loc.offset = 16;
        if (!m_in->read_exact(text.data(), len))
            fail(m_loc, "truncated header (" + std::to_string(len) + " bytes announced)");
        parse_header_text(text);
    }

    const header& hdr() const override { return m_hdr; }
    input_format format() const override { return input_format::native_binary; }
    compression compressed() const override { return m_comp; }
    uint64_t skipped_unknown() const override { return m_skipped; }

    bool next(record& r) override
    {
        for (;;) {
            if (m_ended)
                return false;
            m_loc.offset = m_in->offset();
            m_loc.record = static_cast<int64_t>(m_n + m_skipped);
            int kind = m_in->get();
            if (kind < 0) {
                m_loc.record = -1;
                fail(m_loc, "truncated: the file ends without an end record");
            }
            uint64_t len = varint_stream();
            if (len > max_payload_bytes)
                fail(m_loc, "record length " + std::to_string(len) + " is absurd (limit 65536)");
            m_p.resize(len);
            if (!m_in->read_exact(m_p.data(), len))
                fail(m_loc, "truncated record (" + std::to_string(len) +
                                " bytes announced, the file ends first)");
            m_pos = 0;
            if (kind == K_END) {
                finish_end();
                return false;
            }
            if (kind < 1 || kind > 7) {
                if (m_newer) {
                    ++m_skipped;
                    continue;
                }
                fail(m_loc, "unknown record kind " + detail::hex(static_cast<uint64_t>(kind)));
            }
            decode(static_cast<record_kind>(kind), r);
            if (m_pos != m_p.size() && !m_newer)
                fail(m_loc, std::to_string(m_p.size() - m_pos) + " unexpected bytes at the end of a " +
                                record_kind_name(static_cast<record_kind>(kind)) + " record");
            std::string e = check_record(r);
            if (!e.empty())
                fail(m_loc, e);
            ++m_n;
            return true;
        }
    }

private:
    void parse_header_text(const std::string& text)
    {
        bool saw_unit = false;
        size_t p = 0;
        unsigned lineno = 0;
        while (p < text.size()) {
            size_t nl = text.find('\n', p);
            if (nl == std::string::npos)
                fail(m_loc, "header text does not end with a newline");
            std::string line = text.substr(p, nl - p);
            ++lineno;
            location l = m_loc;
            l.offset = 16 + p;
            if (!detail::parse_header_directive(l, line, m_hdr, saw_unit) && !m_newer)
                fail(l, "header: unknown directive '" + detail::split_ws(line)[0] + "'");
            p = nl + 1;
        }
        detail::check_header_complete(m_loc, m_hdr, saw_unit);
    }

    uint64_t varint_stream()
    {
        uint64_t v = 0;
        for (unsigned shift = 0;; shift += 7) {
            int b = m_in->get();
            if (b < 0)
                fail(m_loc, "truncated record length");
            if (shift == 63 && b > 1)
                fail(m_loc, "record length does not fit in 64 bits");
            v |= uint64_t(b & 0x7F) << shift;
            if (!(b & 0x80))
                return v;
        }
    }

    uint64_t varint(const char* what, uint64_t max = ~uint64_t{0})
    {
        uint64_t v = 0;
        for (unsigned shift = 0;; shift += 7) {
            if (m_pos >= m_p.size())
                fail(m_loc, std::string("record ends inside field '") + what + "'");
            auto b = static_cast<uint8_t>(m_p[m_pos++]);
            if (shift == 63 && b > 1)
                fail(m_loc, std::string("field '") + what + "' does not fit in 64 bits");
            v |= uint64_t(b & 0x7F) << shift;
            if (!(b & 0x80))
                break;
        }
        if (v > max)
            fail(m_loc, std::string("field '") + what + "' = " + detail::hex(v) + " is larger than " +
                            detail::hex(max));
        return v;
    }

    uint64_t delta(const char* what, uint64_t& prev)
    {
        prev += static_cast<uint64_t>(unzigzag(varint(what)));
        return prev;
    }

    std::string str(const char* what)
    {
        uint64_t n = varint(what);
        if (n > max_name_len)
            fail(m_loc, std::string("string '") + what + "' length " + std::to_string(n) +
                            " is absurd (limit 255)");
        if (m_pos + n > m_p.size())
            fail(m_loc, std::string("record ends inside string '") + what + "'");
        std::string s = m_p.substr(m_pos, n);
        m_pos += n;
        return s;
    }

    void finish_end()
    {
        uint64_t n = varint("record count");
        m_loc.record = -1;
        if (n != m_n + m_skipped)
            fail(m_loc, "end record says " + std::to_string(n) + " records, the file has " +
                            std::to_string(m_n + m_skipped));
        if (m_hdr.records && *m_hdr.records != n)
            fail(m_loc, "header announces " + std::to_string(*m_hdr.records) +
                            " records, the file has " + std::to_string(n));
        m_loc.offset = m_in->offset();
        if (!m_in->at_end())
            fail(m_loc, "data after the end record");
        m_ended = true;
    }

    void decode(record_kind k, record& r)
    {
        uint64_t flags = varint("flags");
        uint64_t known = F_TIME | F_SEQ;
        if (k == record_kind::dma)
            known |= F_SSID | F_DMA_PA | F_DMA_ASID | F_DMA_NOREPLAY;
        else if (k == record_kind::bind)
            known |= F_SSID | F_BIND_VMID | F_BIND_TTB;
        else if (k == record_kind::event)
            known |= F_EVT_SID | F_EVT_INFO;
        else if (k == record_kind::map || k == record_kind::unmap)
            known |= F_SSID;
        if ((flags & ~known) && !m_newer)
            fail(m_loc, std::string("unknown flag bits ") + detail::hex(flags & ~known) + " in a " +
                            record_kind_name(k) + " record");
        r.time = std::nullopt;
        r.seq = std::nullopt;
        if (flags & F_TIME)
            r.time = delta("time", m_d.time);
        if (flags & F_SEQ)
            r.seq = delta("seq", m_d.seq);
        auto ssid = [&]() -> std::optional<uint32_t> {
            if (!(flags & F_SSID))
                return std::nullopt;
            return static_cast<uint32_t>(varint("ssid", max_ssid));
        };
        switch (k) {
        case record_kind::dma: {
            dma_record d;
            d.port = static_cast<uint32_t>(varint("port", 0xFFFF));
            d.sid = static_cast<uint32_t>(varint("sid", max_sid));
            d.ssid = ssid();
            d.iova = delta("iova", m_d.iova);
            d.size = static_cast<uint32_t>(varint("size", 0xFFFFFFFFu));
            d.access = static_cast<uint8_t>(varint("access", 0x0F));
            uint64_t q = varint("q", 0xFF);
            if (q == Q_HIT)
                d.q.kind = outcome::hit;
            else if (q == Q_ABORT)
                d.q.kind = outcome::abort;
            else if (q == Q_BYPASS)
                d.q.kind = outcome::bypass;
            else if (q == Q_DISABLED)
                d.q.kind = outcome::disabled;
            else if (q == Q_MISS)
                d.q.kind = outcome::miss;
            else if (q >= Q_MISS_L0 && q <= Q_MISS_L0 + 3) {
                d.q.kind = outcome::miss;
                d.q.level = static_cast<int8_t>(q - Q_MISS_L0);
            } else if (q != Q_NONE)
                fail(m_loc, "unknown q code " + std::to_string(q));
            if (flags & F_DMA_PA)
                d.pa = delta("pa", m_d.pa);
            if (flags & F_DMA_ASID)
                d.asid = static_cast<uint16_t>(varint("asid", 0xFFFF));
            d.noreplay = flags & F_DMA_NOREPLAY;
            r.body = std::move(d);
            break;
        }
        case record_kind::map: {
            map_record m;
            m.sid = static_cast<uint32_t>(varint("sid", max_sid));
            m.ssid = ssid();
            m.iova = varint("iova");
            m.pa = varint("pa");
            m.size = varint("size");
            m.perm = static_cast<uint8_t>(varint("perm", 0x0F));
            m.leaf_shift = static_cast<uint8_t>(varint("leaf", 63));
            r.body = std::move(m);
            break;
        }
        case record_kind::unmap: {
            unmap_record u;
            u.sid = static_cast<uint32_t>(varint("sid", max_sid));
            u.ssid = ssid();
            u.iova = varint("iova");
            u.size = varint("size");
            r.body = std::move(u);
            break;
        }
        case record_kind::bind: {
            bind_record b;
            b.sid = static_cast<uint32_t>(varint("sid", max_sid));
            b.ssid = ssid();
            b.asid = static_cast<uint16_t>(varint("asid", 0xFFFF));
            b.granule_shift = static_cast<uint8_t>(varint("granule", 63));
            b.ias = static_cast<uint8_t>(varint("ias", 64));
            if (flags & F_BIND_VMID)
                b.vmid = static_cast<uint16_t>(varint("vmid", 0xFFFF));
            if (flags & F_BIND_TTB)
                b.ttb = varint("ttb");
            r.body = std::move(b);
            break;
        }
        case record_kind::cmd: {
            cmd_record c;
            c.opcode = static_cast<uint8_t>(varint("opcode", 0xFF));
            c.present = static_cast<uint32_t>(varint("argument mask", 0xFFFFFFFFu));
            if ((c.present >> cmd_arg_count) && !m_newer)
                fail(m_loc, "command has an unknown argument (mask " + detail::hex(c.present) + ")");
            c.present &= (1u << cmd_arg_count) - 1;
            for (unsigned i = 0; i < cmd_arg_count; ++i)
                if (c.has(static_cast<cmd_arg>(i)))
                    c.args[i] = varint(cmd_arg_name(static_cast<cmd_arg>(i)));
            r.body = std::move(c);
            break;
        }
        case record_kind::event: {
            event_record e;
            e.name = str("name");
            if (flags & F_EVT_SID)
                e.sid = static_cast<uint32_t>(varint("sid", max_sid));
            if (flags & F_EVT_INFO)
                e.info = str("info");
            r.body = std::move(e);
            break;
        }
        case record_kind::mark: {
            mark_record m;
            m.idx = static_cast<uint32_t>(varint("idx", 0xFFFFFFFFu));
            m.name = str("name");
            r.body = std::move(m);
            break;
        }
        }
    }

    std::unique_ptr<input> m_in;
    compression m_comp;
    header m_hdr;
    location m_loc;
    std::string m_p;
    size_t m_pos = 0;
    delta_state m_d;
    uint64_t m_n = 0, m_skipped = 0;
    bool m_newer = false, m_ended = false;
};

}  // namespace

std::unique_ptr<record_writer> make_binary_writer(std::unique_ptr<byte_sink> out, const header& h)
{
    return std::make_unique<binary_writer>(std::move(out), h);
}

std::unique_ptr<record_source> make_binary_reader(std::unique_ptr<input> in, compression c)
{
    return std::make_unique<binary_reader>(std::move(in), c);
}

}  // namespace smmuv3::traces
