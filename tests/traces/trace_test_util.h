// SPDX-License-Identifier: Apache-2.0
// Helpers of the trace tests: traces in memory, records compared field by field.
#ifndef SMMUV3_TESTS_TRACES_TRACE_TEST_UTIL_H
#define SMMUV3_TESTS_TRACES_TRACE_TEST_UTIL_H

#include <sys/stat.h>

#include <string>
#include <vector>

#include "smmuv3_traces/error.h"
#include "smmuv3_traces/trace.h"

namespace trace_test {

namespace st = smmuv3::traces;

inline std::string shared(const std::string& name) { return std::string(SMMUV3_SHARED_TRACES) + "/" + name; }
inline std::string fixture(const std::string& name) { return std::string(SMMUV3_TRACE_FIXTURES) + "/" + name; }

inline bool have_shared()
{
    struct stat s;
    return ::stat((shared("boot_strict.dma.xz")).c_str(), &s) == 0;
}

/// Writes records with a header into a string (optionally compressed).
inline std::string write_trace(const st::header& h, const std::vector<st::record>& recs,
                               st::output_format f, st::compression c = st::compression::none)
{
    std::string out;
    std::unique_ptr<st::byte_sink> sink = std::make_unique<st::memory_sink>(&out);
    if (c == st::compression::zstd)
        sink = st::zstd_sink(std::move(sink), 3);
    else if (c == st::compression::xz)
        sink = st::xz_sink(std::move(sink), 1);
    auto w = st::make_writer(std::move(sink), f, h);
    for (const auto& r : recs)
        w->write(r);
    w->finish();
    return out;
}

/// Opens a native trace held in memory (detecting compression like open_input does).
inline std::unique_ptr<st::record_source> open_memory(const std::string& bytes,
                                                      const std::string& name = "mem.trace")
{
    st::compression c = st::compression::none;
    std::unique_ptr<st::byte_source> src = st::memory_source(bytes);
    if (bytes.compare(0, 4, "\x28\xB5\x2F\xFD", 4) == 0) {
        c = st::compression::zstd;
        src = st::zstd_source(std::move(src), name);
    } else if (bytes.compare(0, 6, std::string("\xFD" "7zXZ\0", 6)) == 0) {
        c = st::compression::xz;
        src = st::xz_source(std::move(src), name);
    }
    return st::read_native(std::make_unique<st::input>(std::move(src), name), c);
}

inline std::vector<st::record> read_all(st::record_source& in)
{
    std::vector<st::record> v;
    st::record r;
    while (in.next(r))
        v.push_back(r);
    return v;
}

/// The message a malformed in-memory trace produces ("" if it reads fine).
inline std::string error_of(const std::string& bytes, const std::string& name = "bad.trace")
{
    try {
        auto in = open_memory(bytes, name);
        st::record r;
        while (in->next(r)) {
        }
    } catch (const st::trace_error& e) {
        return e.what();
    }
    return "";
}

}  // namespace trace_test
#endif
