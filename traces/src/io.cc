// SPDX-License-Identifier: Apache-2.0
// Files, stdin/stdout, zstd and xz streams, and the buffered input used by every reader.
#include "smmuv3_traces/io.h"

#include <lzma.h>
#include <zstd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "smmuv3_traces/error.h"
#include "smmuv3_traces/trace.h"

namespace smmuv3::traces {

const char* compression_name(compression c)
{
    switch (c) {
    case compression::none: return "none";
    case compression::zstd: return "zstd";
    case compression::xz: return "xz";
    }
    return "?";
}

namespace {

constexpr size_t chunk = 1u << 16;

class file_source : public byte_source {
public:
    explicit file_source(const std::string& path) : m_name(path)
    {
        if (path == "-") {
            m_f = stdin;
            return;
        }
        m_f = std::fopen(path.c_str(), "rb");
        if (!m_f)
            throw trace_error(path + ": cannot open: " + std::strerror(errno));
    }
    ~file_source() override
    {
        if (m_f && m_f != stdin)
            std::fclose(m_f);
    }
    size_t read(void* buf, size_t n) override
    {
        size_t got = std::fread(buf, 1, n, m_f);
        if (got == 0 && std::ferror(m_f))
            throw trace_error(m_name + ": read error: " + std::strerror(errno));
        return got;
    }

private:
    std::FILE* m_f = nullptr;
    std::string m_name;
};

class file_sink : public byte_sink {
public:
    explicit file_sink(const std::string& path) : m_name(path)
    {
        if (path == "-") {
            m_f = stdout;
            return;
        }
        m_f = std::fopen(path.c_str(), "wb");
        if (!m_f)
            throw trace_error(path + ": cannot create: " + std::strerror(errno));
    }
    ~file_sink() override
    {
        if (m_f && m_f != stdout)
            std::fclose(m_f);
    }
    void write(const void* buf, size_t n) override
    {
        if (n && std::fwrite(buf, 1, n, m_f) != n)
            throw trace_error(m_name + ": write error: " + std::strerror(errno));
    }
    void finish() override
    {
        if (!m_f)
            return;
        bool bad = std::fflush(m_f) != 0;
        if (m_f != stdout)
            bad = std::fclose(m_f) != 0 || bad;
        m_f = nullptr;
        if (bad)
            throw trace_error(m_name + ": write error: " + std::strerror(errno));
    }

private:
    std::FILE* m_f = nullptr;
    std::string m_name;
};

class zstd_in : public byte_source {
public:
    zstd_in(std::unique_ptr<byte_source> in, std::string name)
        : m_in(std::move(in)), m_name(std::move(name)), m_ds(ZSTD_createDStream()), m_buf(chunk)
    {
        if (!m_ds)
            throw trace_error(m_name + ": out of memory for zstd");
        ZSTD_initDStream(m_ds);
    }
    ~zstd_in() override { ZSTD_freeDStream(m_ds); }
    size_t read(void* buf, size_t n) override
    {
        ZSTD_outBuffer out = {buf, n, 0};
        while (out.pos == 0) {
            if (m_ib.pos == m_ib.size) {
                if (m_eof)
                    break;
                m_ib.size = m_in->read(m_buf.data(), m_buf.size());
                m_ib.pos = 0;
                m_ib.src = m_buf.data();
                if (m_ib.size == 0) {
                    m_eof = true;
                    if (m_pending)
                        throw trace_error(m_name + ": truncated zstd stream");
                    break;
                }
            }
            size_t r = ZSTD_decompressStream(m_ds, &out, &m_ib);
            if (ZSTD_isError(r))
                throw trace_error(m_name + ": corrupt zstd stream: " + ZSTD_getErrorName(r));
            m_pending = r != 0;
        }
        return out.pos;
    }

private:
    std::unique_ptr<byte_source> m_in;
    std::string m_name;
    ZSTD_DStream* m_ds;
    std::vector<char> m_buf;
    ZSTD_inBuffer m_ib = {nullptr, 0, 0};
    bool m_eof = false, m_pending = false;
};

class xz_in : public byte_source {
public:
    xz_in(std::unique_ptr<byte_source> in, std::string name)
        : m_in(std::move(in)), m_name(std::move(name)), m_buf(chunk)
    {
        if (lzma_stream_decoder(&m_s, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
            throw trace_error(m_name + ": cannot start the xz decoder");
    }
    ~xz_in() override { lzma_end(&m_s); }
    size_t read(void* buf, size_t n) override
    {
        if (m_done)
            return 0;
        m_s.next_out = static_cast<uint8_t*>(buf);
        m_s.avail_out = n;
        while (m_s.avail_out == n) {
            if (m_s.avail_in == 0 && !m_eof) {
                m_s.avail_in = m_in->read(m_buf.data(), m_buf.size());
                m_s.next_in = reinterpret_cast<const uint8_t*>(m_buf.data());
                m_eof = m_s.avail_in == 0;
            }
            lzma_ret r = lzma_code(&m_s, m_eof ? LZMA_FINISH : LZMA_RUN);
            if (r == LZMA_STREAM_END) {
                m_done = true;
                break;
            }
            if (r == LZMA_BUF_ERROR && m_eof)
                throw trace_error(m_name + ": truncated xz stream");
            if (r != LZMA_OK)
                throw trace_error(m_name + ": corrupt xz stream (liblzma error " +
                                  std::to_string(static_cast<int>(r)) + ")");
        }
        return n - m_s.avail_out;
    }

private:
    std::unique_ptr<byte_source> m_in;
    std::string m_name;
    lzma_stream m_s = LZMA_STREAM_INIT;
    std::vector<char> m_buf;
    bool m_eof = false, m_done = false;
};

class zstd_out : public byte_sink {
public:
    zstd_out(std::unique_ptr<byte_sink> out, int level)
        : m_out(std::move(out)), m_cs(ZSTD_createCStream()), m_buf(ZSTD_CStreamOutSize())
    {
        if (!m_cs)
            throw trace_error("out of memory for zstd");
        ZSTD_initCStream(m_cs, level < 0 ? 19 : level);
    }
    ~zstd_out() override { ZSTD_freeCStream(m_cs); }
    void write(const void* buf, size_t n) override
    {
        ZSTD_inBuffer in = {buf, n, 0};
        while (in.pos < in.size) {
            ZSTD_outBuffer o = {m_buf.data(), m_buf.size(), 0};
            size_t r = ZSTD_compressStream(m_cs, &o, &in);
            if (ZSTD_isError(r))
                throw trace_error(std::string("zstd: ") + ZSTD_getErrorName(r));
            m_out->write(m_buf.data(), o.pos);
        }
    }
    void finish() override
    {
        size_t r;
        do {
            ZSTD_outBuffer o = {m_buf.data(), m_buf.size(), 0};
            r = ZSTD_endStream(m_cs, &o);
            if (ZSTD_isError(r))
                throw trace_error(std::string("zstd: ") + ZSTD_getErrorName(r));
            m_out->write(m_buf.data(), o.pos);
        } while (r != 0);
        m_out->finish();
    }

private:
    std::unique_ptr<byte_sink> m_out;
    ZSTD_CStream* m_cs;
    std::vector<char> m_buf;
};

class xz_out : public byte_sink {
public:
    xz_out(std::unique_ptr<byte_sink> out, int level) : m_out(std::move(out)), m_buf(chunk)
    {
        uint32_t preset = level < 0 ? 6u : static_cast<uint32_t>(level);
        if (lzma_easy_encoder(&m_s, preset, LZMA_CHECK_CRC64) != LZMA_OK)
            throw trace_error("cannot start the xz encoder (level " + std::to_string(level) + ")");
    }
    ~xz_out() override { lzma_end(&m_s); }
    void write(const void* buf, size_t n) override { run(buf, n, LZMA_RUN); }
    void finish() override
    {
        run(nullptr, 0, LZMA_FINISH);
        m_out->finish();
    }

private:
    void run(const void* buf, size_t n, lzma_action act)
    {
        m_s.next_in = static_cast<const uint8_t*>(buf);
        m_s.avail_in = n;
        for (;;) {
            m_s.next_out = reinterpret_cast<uint8_t*>(m_buf.data());
            m_s.avail_out = m_buf.size();
            lzma_ret r = lzma_code(&m_s, act);
            m_out->write(m_buf.data(), m_buf.size() - m_s.avail_out);
            if (r == LZMA_STREAM_END)
                return;
            if (r != LZMA_OK)
                throw trace_error("xz encoder error " + std::to_string(static_cast<int>(r)));
            if (act == LZMA_RUN && m_s.avail_in == 0)
                return;
        }
    }
    std::unique_ptr<byte_sink> m_out;
    lzma_stream m_s = LZMA_STREAM_INIT;
    std::vector<char> m_buf;
};

class mem_source : public byte_source {
public:
    explicit mem_source(std::string b) : m_b(std::move(b)) {}
    size_t read(void* buf, size_t n) override
    {
        size_t k = std::min(n, m_b.size() - m_pos);
        std::memcpy(buf, m_b.data() + m_pos, k);
        m_pos += k;
        return k;
    }

private:
    std::string m_b;
    size_t m_pos = 0;
};

}  // namespace

std::unique_ptr<byte_source> open_file_source(const std::string& path)
{
    return std::make_unique<file_source>(path);
}
std::unique_ptr<byte_sink> open_file_sink(const std::string& path)
{
    return std::make_unique<file_sink>(path);
}
std::unique_ptr<byte_source> zstd_source(std::unique_ptr<byte_source> in, std::string name)
{
    return std::make_unique<zstd_in>(std::move(in), std::move(name));
}
std::unique_ptr<byte_source> xz_source(std::unique_ptr<byte_source> in, std::string name)
{
    return std::make_unique<xz_in>(std::move(in), std::move(name));
}
std::unique_ptr<byte_sink> zstd_sink(std::unique_ptr<byte_sink> out, int level)
{
    return std::make_unique<zstd_out>(std::move(out), level);
}
std::unique_ptr<byte_sink> xz_sink(std::unique_ptr<byte_sink> out, int level)
{
    return std::make_unique<xz_out>(std::move(out), level);
}
std::unique_ptr<byte_source> memory_source(std::string bytes)
{
    return std::make_unique<mem_source>(std::move(bytes));
}
void memory_sink::write(const void* buf, size_t n) { m_out->append(static_cast<const char*>(buf), n); }

input::input(std::unique_ptr<byte_source> src, std::string name)
    : m_src(std::move(src)), m_name(std::move(name))
{
}

bool input::fill(size_t want)
{
    while (m_buf.size() - m_pos < want && !m_eof) {
        if (m_pos > 0 && m_pos == m_buf.size()) {
            m_buf.clear();
            m_pos = 0;
        } else if (m_pos > chunk) {
            m_buf.erase(0, m_pos);
            m_pos = 0;
        }
        size_t old = m_buf.size();
        m_buf.resize(old + chunk);
        size_t got = m_src->read(&m_buf[old], chunk);
        m_buf.resize(old + got);
        if (got == 0)
            m_eof = true;
    }
    return m_buf.size() - m_pos >= want;
}

std::string input::peek(size_t n)
{
    fill(n);
    return m_buf.substr(m_pos, n);
}

bool input::at_end() { return !fill(1); }

int input::get()
{
    if (!fill(1))
        return -1;
    ++m_offset;
    return static_cast<unsigned char>(m_buf[m_pos++]);
}

size_t input::read_some(void* buf, size_t n)
{
    if (!fill(1))
        return 0;
    size_t k = std::min(n, m_buf.size() - m_pos);
    std::memcpy(buf, m_buf.data() + m_pos, k);
    m_pos += k;
    m_offset += k;
    return k;
}

bool input::read_exact(void* buf, size_t n)
{
    bool ok = fill(n);
    size_t k = std::min(n, m_buf.size() - m_pos);
    std::memcpy(buf, m_buf.data() + m_pos, k);
    m_pos += k;
    m_offset += k;
    return ok;
}

bool input::getline(std::string& line, size_t max_len)
{
    line.clear();
    if (!fill(1))
        return false;
    ++m_line;
    for (;;) {
        size_t nl = m_buf.find('\n', m_pos);
        size_t end = nl == std::string::npos ? m_buf.size() : nl;
        line.append(m_buf, m_pos, end - m_pos);
        m_offset += end - m_pos;
        m_pos = end;
        if (line.size() > max_len)
            throw trace_error(m_name + ":" + std::to_string(m_line) + ": line longer than " +
                              std::to_string(max_len) + " bytes (not a text trace?)");
        if (nl != std::string::npos) {
            ++m_pos;
            ++m_offset;
            break;
        }
        if (!fill(1))
            break;
    }
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return true;
}

std::unique_ptr<input> open_input(const std::string& path, compression* detected)
{
    auto raw = std::make_unique<input>(open_file_source(path), path);
    const std::string magic = raw->peek(6);
    compression c = compression::none;
    if (magic.size() >= 4 && magic.compare(0, 4, "\x28\xB5\x2F\xFD", 4) == 0)
        c = compression::zstd;
    else if (magic.size() >= 6 && magic.compare(0, 6, "\xFD" "7zXZ\0", 6) == 0)
        c = compression::xz;
    if (detected)
        *detected = c;
    if (c == compression::none)
        return raw;
    /* The raw input has only peeked: wrap it as a byte source for the decompressor. */
    struct input_source : byte_source {
        std::unique_ptr<input> in;
        size_t read(void* buf, size_t n) override { return in->read_some(buf, n); }
    };
    auto src = std::make_unique<input_source>();
    src->in = std::move(raw);
    auto dec = c == compression::zstd ? zstd_source(std::move(src), path)
                                      : xz_source(std::move(src), path);
    return std::make_unique<input>(std::move(dec), path);
}

std::unique_ptr<byte_sink> open_output(const std::string& path, compression c, int level)
{
    auto f = open_file_sink(path);
    switch (c) {
    case compression::none: return f;
    case compression::zstd: return zstd_sink(std::move(f), level);
    case compression::xz: return xz_sink(std::move(f), level);
    }
    return f;
}

}  // namespace smmuv3::traces
