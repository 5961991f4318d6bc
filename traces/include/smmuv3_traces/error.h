// SPDX-License-Identifier: Apache-2.0
// Errors of the trace library: one exception type whose message names the file and the
// place in it (line for text, byte offset and record index for binary), see docs/traces.md.
#ifndef SMMUV3_TRACES_ERROR_H
#define SMMUV3_TRACES_ERROR_H

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

namespace smmuv3::traces {

/// A malformed or unreadable trace, or a misuse of the API. what() is the full message,
/// e.g. "t.trace:12: record 9: bad IOVA 'xyz': not a number".
class trace_error : public std::runtime_error {
public:
    explicit trace_error(const std::string& msg) : std::runtime_error(msg) {}
};

/// Where in an input a problem is: used to build trace_error messages.
struct location {
    location() = default;
    explicit location(std::string f) : file(std::move(f)) {}

    std::string file;             ///< file name as given by the caller ("-" = stdin)
    uint64_t line = 0;            ///< 1-based text line, 0 if not a text position
    uint64_t offset = 0;          ///< byte offset in the (decompressed) stream, binary only
    bool binary = false;          ///< which of line / offset applies
    int64_t record = -1;          ///< 0-based record index, -1 if not inside a record

    std::string str() const;      ///< "file:line: record N" or "file: byte offset X (record N)"
};

[[noreturn]] void fail(const location& where, const std::string& msg);

}  // namespace smmuv3::traces
#endif
