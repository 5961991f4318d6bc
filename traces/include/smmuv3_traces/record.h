// SPDX-License-Identifier: Apache-2.0
// The records of a native SMMUv3 trace (docs/traces.md): DMA accesses, mapping changes,
// stream bindings, commands, events and phase markers, plus the trace header.
#ifndef SMMUV3_TRACES_RECORD_H
#define SMMUV3_TRACES_RECORD_H

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace smmuv3::traces {

/// Format version written by this library; see "Versioning" in docs/traces.md.
inline constexpr unsigned format_major = 1;
inline constexpr unsigned format_minor = 0;

/// Unit of every TIME field of a trace (header `time_unit`).
enum class time_unit : uint8_t { ps = 0, ns = 1, us = 2, ms = 3, s = 4 };
const char* time_unit_name(time_unit u);
std::optional<time_unit> parse_time_unit(const std::string& s);

/// Access attributes of a DMA record (binary: one byte with these bits).
enum access_bits : uint8_t {
    ACC_WRITE = 1,     ///< write; clear = read
    ACC_INSTR = 2,     ///< instruction fetch; clear = data
    ACC_PRIV = 4,      ///< privileged; clear = unprivileged
    ACC_INFERRED = 8,  ///< the capture did not see the direction; it was inferred (docs)
};

/// Mapping permissions (binary: one byte; same values as smmuv3::drv::Prot).
enum perm_bits : uint8_t { PERM_R = 1, PERM_W = 2, PERM_X = 4, PERM_P = 8 };

/// What the capture saw for a translation (QEMU's `q` column).
struct outcome {
    enum kind_t : uint8_t { none, hit, miss, abort, bypass, disabled } kind = none;
    int8_t level = -1;  ///< miss: leaf level 0..3 of the walk, -1 = unknown
    bool operator==(const outcome& o) const { return kind == o.kind && level == o.level; }
    bool operator!=(const outcome& o) const { return !(*this == o); }
};

/// One device access to translate.
struct dma_record {
    uint32_t port = 0;                ///< upstream (master) port index
    uint32_t sid = 0;                 ///< StreamID
    std::optional<uint32_t> ssid;     ///< SubstreamID (SSV = has_value)
    uint64_t iova = 0;                ///< input address, bytes
    uint32_t size = 0;                ///< access size in bytes, 0 = unknown
    uint8_t access = 0;               ///< access_bits
    std::optional<uint64_t> pa;       ///< expected output address (what the capture saw)
    std::optional<uint16_t> asid;     ///< ASID the capture used for it
    outcome q;                        ///< capture's hit/miss/abort...
    bool noreplay = false;            ///< count it, but do not replay it as a translation
};

/// Map [iova, iova+size) -> [pa, pa+size) in the stream's address space.
struct map_record {
    uint32_t sid = 0;
    std::optional<uint32_t> ssid;
    uint64_t iova = 0, pa = 0, size = 0;
    uint8_t perm = PERM_R;            ///< perm_bits
    uint8_t leaf_shift = 12;          ///< log2 of the leaf (page or block) size
};

/// Remove every mapping of [iova, iova+size) from the stream's address space.
struct unmap_record {
    uint32_t sid = 0;
    std::optional<uint32_t> ssid;
    uint64_t iova = 0, size = 0;
};

/// The stream (from now on) translates in a fresh stage-1 context with this ASID.
struct bind_record {
    uint32_t sid = 0;
    std::optional<uint32_t> ssid;
    uint16_t asid = 0;
    uint8_t granule_shift = 12;       ///< 12, 14 or 16
    uint8_t ias = 48;                 ///< input address size, bits (64 - T0SZ)
    std::optional<uint16_t> vmid;
    std::optional<uint64_t> ttb;      ///< table base the capture's guest used (information)
};

/// Command arguments, in their canonical (text and binary) order. See docs/traces.md.
enum class cmd_arg : uint8_t {
    sid, ssid, range, vmid, asid, addr, tg, num, ttl, leaf, size, cs, msiaddr, msidata,
    stag, resp, prgidx, global, ac, ab,
    count_  // number of arguments
};
inline constexpr unsigned cmd_arg_count = static_cast<unsigned>(cmd_arg::count_);
const char* cmd_arg_name(cmd_arg a);
bool cmd_arg_is_hex(cmd_arg a);
uint64_t cmd_arg_max(cmd_arg a);
std::optional<cmd_arg> parse_cmd_arg(const std::string& s);

/// One SMMUv3 command, named by its opcode (Arm IHI 0070 Table 4-1).
struct cmd_record {
    uint8_t opcode = 0;
    uint32_t present = 0;                          ///< bit i: argument i is present
    std::array<uint64_t, cmd_arg_count> args{};    ///< values of the present arguments

    bool has(cmd_arg a) const { return (present >> static_cast<unsigned>(a)) & 1u; }
    uint64_t get(cmd_arg a, uint64_t dflt = 0) const
    {
        return has(a) ? args[static_cast<unsigned>(a)] : dflt;
    }
    void set(cmd_arg a, uint64_t v)
    {
        present |= 1u << static_cast<unsigned>(a);
        args[static_cast<unsigned>(a)] = v;
    }
};
/// Command name without CMD_ ("TLBI_NH_VA"), nullptr for an unknown opcode.
const char* cmd_name(uint8_t opcode);
std::optional<uint8_t> parse_cmd_name(const std::string& s);

/// Something the SMMU reported (event record, command error): information only.
struct event_record {
    std::string name;                 ///< e.g. F_TRANSLATION, CMDERR
    std::optional<uint32_t> sid;
    std::string info;                 ///< empty = none
};

/// A workload phase boundary (name "end" closes the last phase).
struct mark_record {
    uint32_t idx = 0;
    std::string name;
};

enum class record_kind : uint8_t { dma = 1, map = 2, unmap = 3, bind = 4, cmd = 5, event = 6, mark = 7 };
const char* record_kind_name(record_kind k);

struct record {
    std::optional<uint64_t> time;     ///< in the header's time_unit
    std::optional<uint64_t> seq;      ///< the capture's sequence number, if any
    std::variant<dma_record, map_record, unmap_record, bind_record, cmd_record, event_record,
                 mark_record>
        body;

    record_kind kind() const { return static_cast<record_kind>(body.index() + 1); }
};

/// A record built in one step (time and seq may be empty).
template <typename Body>
record make_record(std::optional<uint64_t> time, std::optional<uint64_t> seq, Body&& b)
{
    record r{time, seq, decltype(record::body)(std::in_place_type<std::decay_t<Body>>,
                                               std::forward<Body>(b))};
    return r;
}

/// A StreamID declared in the header, with the port it enters on.
struct stream_decl {
    uint32_t sid = 0;
    uint32_t port = 0;
    std::string name;                 ///< empty = none
};

struct header {
    unsigned major = format_major, minor = format_minor;
    time_unit unit = time_unit::ns;
    std::optional<uint64_t> records;  ///< record count announced by the writer, if known
    std::vector<std::pair<std::string, std::string>> meta;
    std::vector<stream_decl> streams;

    const std::string* find_meta(const std::string& key) const;
};

/// Limits beyond which a header or record is rejected as absurd (docs/traces.md).
inline constexpr uint64_t max_records = uint64_t{1} << 30;  // about a billion: far above any capture
inline constexpr uint64_t max_header_bytes = 1u << 20;
inline constexpr uint64_t max_payload_bytes = 1u << 16;
inline constexpr size_t max_name_len = 255;
inline constexpr size_t max_meta_len = 1024;
inline constexpr uint64_t max_map_size = uint64_t{1} << 52;
inline constexpr uint64_t max_sid = 0xFFFFFFFFu;
inline constexpr uint64_t max_ssid = 0xFFFFFu;

/// Checks one record's values against the rules of docs/traces.md; returns an empty
/// string if it is valid, otherwise what is wrong.
std::string check_record(const record& r);
/// Checks a token used as a name (mark, event, stream): printable, no space, no '='.
bool valid_token(const std::string& s, bool allow_equals = false);

/// Leaf size spelled as in the text form ("4K", "2M", "1G"); shift 12..52.
std::string leaf_name(unsigned shift);
std::optional<unsigned> parse_leaf(const std::string& s);

}  // namespace smmuv3::traces
#endif
