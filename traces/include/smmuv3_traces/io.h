// SPDX-License-Identifier: Apache-2.0
// Byte streams under the trace readers and writers: files (or stdin/stdout for "-"),
// zstd and xz (de)compression, detected from the content when reading.
#ifndef SMMUV3_TRACES_IO_H
#define SMMUV3_TRACES_IO_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace smmuv3::traces {

enum class compression : uint8_t { none, zstd, xz };
const char* compression_name(compression c);

/// A source of bytes. read() returns 0 only at the end; it throws trace_error on I/O or
/// decompression errors.
class byte_source {
public:
    virtual ~byte_source() = default;
    virtual size_t read(void* buf, size_t n) = 0;
};

/// A sink of bytes. finish() flushes and closes (compressed streams write their end);
/// destroying an unfinished sink discards nothing but does not report errors.
class byte_sink {
public:
    virtual ~byte_sink() = default;
    virtual void write(const void* buf, size_t n) = 0;
    virtual void finish() = 0;
};

std::unique_ptr<byte_source> open_file_source(const std::string& path);  // "-" = stdin
std::unique_ptr<byte_sink> open_file_sink(const std::string& path);      // "-" = stdout
std::unique_ptr<byte_source> zstd_source(std::unique_ptr<byte_source> in, std::string name);
std::unique_ptr<byte_source> xz_source(std::unique_ptr<byte_source> in, std::string name);
std::unique_ptr<byte_sink> zstd_sink(std::unique_ptr<byte_sink> out, int level);
std::unique_ptr<byte_sink> xz_sink(std::unique_ptr<byte_sink> out, int level);

/// Buffered input with peeking, line reading and offset tracking. The offset counts bytes
/// of the decompressed stream.
class input {
public:
    input(std::unique_ptr<byte_source> src, std::string name);

    const std::string& name() const { return m_name; }
    uint64_t offset() const { return m_offset; }
    /// Up to n bytes ahead without consuming them (fewer only at the end).
    std::string peek(size_t n);
    bool at_end();
    /// Next byte, or -1 at the end.
    int get();
    /// Up to n bytes (at least one unless at the end).
    size_t read_some(void* buf, size_t n);
    /// Exactly n bytes, false (and consumes what there was) if the stream ends first.
    bool read_exact(void* buf, size_t n);
    /// Next line without its "\n" (and "\r"); false at the end. A line longer than
    /// max_len throws a trace_error naming the line.
    bool getline(std::string& line, size_t max_len = 1u << 16);
    uint64_t line_no() const { return m_line; }

private:
    bool fill(size_t want);

    std::unique_ptr<byte_source> m_src;
    std::string m_name;
    std::string m_buf;
    size_t m_pos = 0;
    bool m_eof = false;
    uint64_t m_offset = 0;
    uint64_t m_line = 0;
};

/// Opens a file and undoes its compression (zstd or xz, detected from the magic bytes).
std::unique_ptr<input> open_input(const std::string& path, compression* detected = nullptr);

/// Opens a file for writing through the given compression (level: -1 = default).
std::unique_ptr<byte_sink> open_output(const std::string& path, compression c, int level = -1);

}  // namespace smmuv3::traces
#endif
