// SPDX-License-Identifier: Apache-2.0
// Shared between the native readers and writers (not installed).
#ifndef SMMUV3_TRACES_SRC_NATIVE_INTERNAL_H
#define SMMUV3_TRACES_SRC_NATIVE_INTERNAL_H

#include <string>
#include <string_view>
#include <vector>

#include "smmuv3_traces/error.h"
#include "smmuv3_traces/record.h"

namespace smmuv3::traces::detail {

inline constexpr char text_magic[] = "smmuv3-trace";
inline constexpr char binary_magic[8] = {'\x89', 'S', 'M', 'M', 'U', 'T', 'R', '\n'};

std::vector<std::string> split_ws(const std::string& line);
/// The same tokens as views into line, into out (cleared first): no allocation once out has
/// grown to the longest line's token count.
void split_ws(std::string_view line, std::vector<std::string_view>& out);
std::string hex(uint64_t v);
/// Parses a decimal or 0x-hex number no larger than max; fails naming the field.
uint64_t parse_num(const location& loc, const std::string& field, const std::string& tok,
                   uint64_t max);

/// Header directives (the lines between the magic line and `begin`), shared by both forms.
std::string format_header_directives(const header& h);
/// Applies one directive line to h. Returns false if the directive is unknown (the caller
/// decides whether that is an error, see "Versioning").
bool parse_header_directive(const location& loc, const std::string& line, header& h,
                            bool& saw_unit);
void check_header_complete(const location& loc, const header& h, bool saw_unit);

}  // namespace smmuv3::traces::detail
#endif
