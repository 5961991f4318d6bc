// SPDX-License-Identifier: Apache-2.0
// What both capture importers (shared capture files, QEMU log) produce, and the translator
// that turns it into native records, synthesising bind/map/unmap records (not installed).
#ifndef SMMUV3_TRACES_SRC_CAPTURE_INTERNAL_H
#define SMMUV3_TRACES_SRC_CAPTURE_INTERNAL_H

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "smmuv3_traces/error.h"
#include "smmuv3_traces/trace.h"

namespace smmuv3::traces::detail {

/// One event of a QEMU SMMUv3 capture, as FORMAT.md of the shared traces describes it.
struct cap_event {
    enum kind_t { xlate, mmio, cmd, evt, mark, cd_tt, cmderr } kind = xlate;
    uint64_t seq = 0;
    std::optional<uint64_t> t;
    // xlate
    uint32_t sid = 0;
    std::optional<uint16_t> asid;
    uint64_t iova = 0;
    std::string acc;                  ///< r / rw (success), r / w (A, B, D)
    std::optional<uint64_t> pa;
    std::string q;                    ///< H, M, M0..M3, A, B, D, ? (unknown)
    // cmd / evt / mark / cmderr
    std::string name;
    std::vector<std::pair<std::string, int64_t>> args;  ///< cmd arguments as decoded
    std::string info;                 ///< cmderr: what QEMU said, as one token
    uint32_t idx = 0;                 ///< mark
    // cd_tt
    unsigned tsz = 16, granule = 12;
    uint64_t ttb = 0;
};

class capture_translator {
public:
    capture_translator(const import_options& opt, import_report& rep) : m_opt(opt), m_rep(rep) {}
    /// Declares the port of a StreamID (from the capture's meta sids=).
    void declare_port(uint32_t sid, uint32_t port) { m_ports[sid] = port; }
    /// Converts one capture event; location is used for error messages.
    void consume(const cap_event& e, const location& where);
    bool empty() const { return m_out.empty(); }
    record pop();

private:
    struct entry {
        uint64_t size, pa;
        uint8_t perm, shift;
    };
    using key = std::pair<uint32_t, uint64_t>;  // (sid, base iova)

    void translation(const cap_event& e, const location& where);
    void command(const cap_event& e, const location& where);
    cmd_record command_piece(const cap_event& e,
                             const std::vector<std::pair<std::string, int64_t>>& args,
                             uint8_t opcode, const location& where);
    void infer_unmaps(const cmd_record& c, const std::optional<uint64_t>& t);
    void ensure_bound(const cap_event& e);
    void emit_unmaps(uint32_t sid, uint64_t start, uint64_t end, const std::optional<uint64_t>& t);
    uint32_t port_of(uint32_t sid);
    void push(record r) { m_out.push_back(std::move(r)); }

    import_options m_opt;
    import_report& m_rep;
    std::deque<record> m_out;
    std::map<uint32_t, uint32_t> m_ports;
    std::map<uint32_t, bind_record> m_bound;            // sid -> its context
    std::map<uint16_t, std::set<uint32_t>> m_asid_sids;  // asid -> bound sids
    std::map<key, entry> m_maps;                        // synthesised mappings
    std::optional<cap_event> m_cd_tt;                   // last CD_TT, for the next bind
};

/// "0x1f" / "1f" (hex=true) or "31" / "-1" (decimal); nullopt if malformed.
std::optional<int64_t> parse_int(std::string_view s, bool hex);

}  // namespace smmuv3::traces::detail
#endif
