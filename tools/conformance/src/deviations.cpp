// SPDX-License-Identifier: Apache-2.0
// Documented deviations: recorded answers that contradict IHI 0070 G.b, recognised by rules
// (see deviations.hpp for the contract, README.md "Documented deviations" for the rules).
//
// Nothing here asks the model how it computed a value: the spec values come from the case's
// own data (the registers it wrote, guest memory), walked the way the spec says.
#include "deviations.hpp"

#include <cinttypes>
#include <cstdio>

namespace conformance {

namespace {

constexpr uint64_t IPA_MASK = 0x000FFFFFFFFFF000ull;   // record IPA[51:12]
constexpr uint64_t FETCH_MASK = 0x00FFFFFFFFFFFFF8ull; // record FetchAddr[55:3]
constexpr uint64_t ADDR_55_6 = 0x00FFFFFFFFFFFFC0ull;  // STRTAB_BASE.ADDR, L1STD.L2Ptr
constexpr uint64_t PTR_51_6 = 0x000FFFFFFFFFFFC0ull;   // STE.S1ContextPtr
constexpr uint64_t TTB_51_4 = 0x000FFFFFFFFFFFF0ull;   // STE.S2TTB, CD.TTB0/TTB1
constexpr uint64_t OA_47_12 = 0x0000FFFFFFFFF000ull;   // descriptor address (no 52-bit PA)

constexpr unsigned EVT_STE_FETCH = 0x03;
constexpr unsigned EVT_WALK_EABT = 0x0B;
constexpr unsigned CLASS_CD = 0, CLASS_TT = 1;

constexpr const char *SPEC = "IHI 0070 G.b ";

std::string hex(uint64_t v)
{
    char b[24];
    std::snprintf(b, sizeof b, "0x%" PRIx64, v);
    return b;
}

uint64_t low_mask(unsigned bits)
{
    return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
}

/* Event records (IHI 0070 §7.3): dword i is bytes 8i..8i+7, little-endian. */
uint64_t dw(const event_raw &r, unsigned i)
{
    uint64_t v = 0;
    for (unsigned b = 0; b < 8; b++)
        v |= uint64_t{r[8 * i + b]} << (8 * b);
    return v;
}

void set_dw(event_raw &r, unsigned i, uint64_t v)
{
    for (unsigned b = 0; b < 8; b++)
        r[8 * i + b] = static_cast<uint8_t>(v >> (8 * b));
}

unsigned ev_type(const event_raw &r) { return r[0]; }
uint32_t ev_sid(const event_raw &r) { return static_cast<uint32_t>(dw(r, 0) >> 32); }
unsigned ev_rnw(const event_raw &r) { return dw(r, 1) >> 35 & 1; }   // bit 99
unsigned ev_s2(const event_raw &r) { return dw(r, 1) >> 39 & 1; }    // bit 103
unsigned ev_class(const event_raw &r) { return dw(r, 1) >> 40 & 3; } // bits 105:104
uint64_t ev_input_addr(const event_raw &r) { return dw(r, 2); }     // bits 191:128
uint64_t ev_ipa(const event_raw &r) { return dw(r, 3) & IPA_MASK; }
uint64_t ev_fetch(const event_raw &r) { return dw(r, 3) & FETCH_MASK; }

bool is_translation_fault(unsigned type)
{
    return type >= 0x10 && type <= 0x13;
}

const char *event_label(unsigned type)
{
    const char *n = event_type_name(type);
    return n ? n : "event";
}

bool read64(const rule_env &env, uint64_t pa, uint64_t &v)
{
    uint8_t b[8];
    if (!env.read || !env.read(pa, b, sizeof b))
        return false;
    v = 0;
    for (unsigned i = 0; i < 8; i++)
        v |= uint64_t{b[i]} << (8 * i);
    return true;
}

/* ------------------------------------------------------------------------------------------ */
/* A spec walk (reference/smmuv3.md §3.1, §5.3, §5.9, §5.10; Arm ARM D8.2)                    */
/* ------------------------------------------------------------------------------------------ */

/// Geometry of one translation regime: granule, input size and initial lookup level.
struct geometry {
    unsigned g = 12;  // log2(granule)
    unsigned ias = 0; // input address size in bits
    int start = 0;    // initial lookup level

    unsigned stride() const { return g - 3; }
    unsigned shift(int l) const { return g + stride() * static_cast<unsigned>(3 - l); }
    /// Index bits at level l: the initial level resolves what is left of the input (fewer
    /// bits, or up to 4 more at stage 2 where initial tables are concatenated).
    unsigned width(int l) const { return l == start ? ias - shift(l) : stride(); }
    uint64_t index(int l, uint64_t ia) const { return ia >> shift(l) & low_mask(width(l)); }
    uint64_t table_bytes(int l) const { return uint64_t{8} << width(l); }
};

/// Block descriptors are allowed at 4K L1/L2, 16K L2, 64K L2 (no DS, no 52-bit PA).
bool block_allowed(unsigned g, int l)
{
    return g == 12 ? (l == 1 || l == 2) : l == 2;
}

unsigned ps_bits(unsigned enc)
{
    static const unsigned bits[8] = {32, 36, 40, 42, 44, 48, 52, 56};
    return bits[enc & 7];
}

struct s2_config {
    geometry geo;
    uint64_t ttb = 0;
    unsigned ps = 48; // effective output size: MIN(S2PS, OAS), 48 unless 64K
    bool affd = false, ha = false, ptw = false;
};

enum class s2_status { ok, fault, abort };

struct s2_result {
    s2_status st = s2_status::fault;
    uint64_t pa = 0;
    std::string why;
};

/// Stage-2 translation of an IPA read by the SMMU itself (a CD or a stage-1 descriptor).
s2_result s2_translate(const rule_env &env, const s2_config &c, uint64_t ipa)
{
    s2_result r;
    const geometry &geo = c.geo;
    if (geo.ias < 64 && (ipa >> geo.ias) != 0) {
        r.why = "IPA beyond 2^(64-S2T0SZ)";
        return r;
    }
    uint64_t base = c.ttb & ~(geo.table_bytes(geo.start) - 1);
    for (int l = geo.start; l <= 3; l++) {
        uint64_t d;
        uint64_t da = base + 8 * geo.index(l, ipa);
        if (!read64(env, da, d)) {
            r.st = s2_status::abort;
            r.why = "stage-2 descriptor at " + hex(da) + " is not memory";
            return r;
        }
        std::string at = "stage-2 level " + std::to_string(l) + " descriptor " + hex(d) + " at " +
                         hex(da);
        if (!(d & 1)) {
            r.why = at + " is invalid";
            return r;
        }
        bool table = (d & 2) != 0;
        if (l < 3 && table) {
            base = d & OA_47_12 & ~low_mask(geo.g);
            if (c.ps < 64 && (base >> c.ps) != 0) {
                r.why = at + ": next table beyond S2PS";
                return r;
            }
            continue;
        }
        if (l == 3 && !table) {
            r.why = at + " is reserved";
            return r;
        }
        if (l < 3 && !block_allowed(geo.g, l)) {
            r.why = at + " is a block at a level without blocks";
            return r;
        }
        unsigned sh = geo.shift(l);
        uint64_t oa = (d & OA_47_12 & ~low_mask(sh)) | (ipa & low_mask(sh));
        if (c.ps < 64 && (oa >> c.ps) != 0) {
            r.why = at + ": output beyond S2PS";
            return r;
        }
        if (!(d >> 10 & 1) && !c.affd && !c.ha) {
            r.why = at + ": AF=0";
            return r;
        }
        if (!(d >> 6 & 1)) {
            r.why = at + ": S2AP denies reads";
            return r;
        }
        if (c.ptw && (d >> 4 & 3) == 0) {
            r.why = at + ": Device memory with STE.S2PTW=1";
            return r;
        }
        r.st = s2_status::ok;
        r.pa = oa;
        return r;
    }
    r.why = "stage-2 walk did not end";
    return r;
}

/// Address of the STE of `sid` (IHI 0070 §6.3.24, §6.3.25, §5.1).
std::optional<uint64_t> ste_address(const rule_env &env, uint32_t sid, std::string &why)
{
    if (!env.strtab_base || !env.strtab_base_cfg) {
        why = "the case wrote no STRTAB_BASE/STRTAB_BASE_CFG";
        return std::nullopt;
    }
    uint32_t cfg = *env.strtab_base_cfg;
    unsigned log2size = cfg & 0x3F, split = cfg >> 6 & 0x1F, fmt = cfg >> 16 & 3;
    if (log2size < 32 && (sid >> log2size) != 0) {
        why = "StreamID beyond STRTAB_BASE_CFG.LOG2SIZE";
        return std::nullopt;
    }
    uint64_t addr = *env.strtab_base & ADDR_55_6;
    if (fmt == 0)
        return (addr & ~low_mask(log2size + 6)) + 64 * uint64_t{sid};
    if (fmt != 1) {
        why = "reserved STRTAB_BASE_CFG.FMT";
        return std::nullopt;
    }
    unsigned l1_bits = log2size > split ? log2size - split + 3 : 3;
    uint64_t l1 = (addr & ~low_mask(l1_bits > 6 ? l1_bits : 6)) + 8 * uint64_t{sid >> split};
    uint64_t d;
    if (!read64(env, l1, d)) {
        why = "L1STD at " + hex(l1) + " is not memory";
        return std::nullopt;
    }
    unsigned span = d & 0x1F;
    uint64_t idx = sid & low_mask(split);
    if (span == 0 || span > 11 || span > split + 1 || (idx >> (span - 1)) != 0) {
        why = "L1STD " + hex(d) + " does not cover the StreamID";
        return std::nullopt;
    }
    return ((d & ADDR_55_6) & ~low_mask(span - 1 + 6)) + 64 * idx;
}

} // namespace

std::optional<s1_descriptor> s1_descriptor_at(const rule_env &env, uint32_t sid, uint64_t va,
                                              uint64_t table_ipa, std::string &why)
{
    std::optional<uint64_t> ste_pa = ste_address(env, sid, why);
    if (!ste_pa)
        return std::nullopt;
    uint64_t ste[4];
    for (unsigned i = 0; i < 4; i++)
        if (!read64(env, *ste_pa + 8 * i, ste[i])) {
            why = "STE at " + hex(*ste_pa) + " is not memory";
            return std::nullopt;
        }
    if (!(ste[0] & 1) || (ste[0] >> 1 & 7) != 7) {
        why = "STE is not a valid nested (Config=0b111) STE";
        return std::nullopt;
    }

    // Stage 2 (STE dword 2/3).
    s2_config s2;
    static const unsigned s2tg_bits[4] = {12, 16, 14, 0};
    s2.geo.g = s2tg_bits[ste[2] >> 46 & 3];
    unsigned s2t0sz = ste[2] >> 32 & 0x3F, sl0 = ste[2] >> 38 & 3;
    if (s2.geo.g == 0 || !(ste[2] >> 51 & 1)) {
        why = "STE.S2TG reserved or STE.S2AA64=0";
        return std::nullopt;
    }
    s2.geo.ias = 64 - s2t0sz;
    if (s2.geo.g == 12)
        s2.geo.start = sl0 == 3 ? -1 : 2 - static_cast<int>(sl0);
    else
        s2.geo.start = (s2.geo.g == 16 && sl0 == 3) ? -1 : 3 - static_cast<int>(sl0);
    unsigned levels = static_cast<unsigned>(3 - s2.geo.start);
    if (s2.geo.start < 0 || s2.geo.ias < levels * s2.geo.stride() + s2.geo.g + 1 ||
        s2.geo.ias > levels * s2.geo.stride() + s2.geo.g + s2.geo.stride() + 4) {
        why = "STE.S2SL0/S2T0SZ not a consistent stage-2 geometry";
        return std::nullopt;
    }
    s2.ps = ps_bits(static_cast<unsigned>(ste[2] >> 48 & 7));
    if (env.oas_bits < s2.ps)
        s2.ps = env.oas_bits;
    if (s2.geo.g != 16 && s2.ps > 48)
        s2.ps = 48;
    s2.affd = ste[2] >> 53 & 1;
    s2.ptw = ste[2] >> 54 & 1;
    s2.ha = ste[2] >> 56 & 1;
    s2.ttb = ste[3] & TTB_51_4;

    // The CD (single CD: the platform has no SubstreamIDs), at an IPA.
    if (env.ssidsize != 0 && (ste[0] >> 59) != 0) {
        why = "STE.S1CDMax != 0 with substreams: CD tables are not walked here";
        return std::nullopt;
    }
    s2_result cdr = s2_translate(env, s2, ste[0] & PTR_51_6);
    if (cdr.st != s2_status::ok) {
        why = "the CD fetch faults at stage 2: " + cdr.why;
        return std::nullopt;
    }
    uint64_t cd[3];
    for (unsigned i = 0; i < 3; i++)
        if (!read64(env, cdr.pa + 8 * i, cd[i])) {
            why = "CD at " + hex(cdr.pa) + " is not memory";
            return std::nullopt;
        }
    if (!(cd[0] >> 31 & 1) || !(cd[0] >> 41 & 1)) {
        why = "CD not valid or not VMSAv8-64";
        return std::nullopt;
    }

    // Stage 1: TTB0 or TTB1 by VA[55] (a nested STE is NS-EL1, two VA ranges).
    geometry s1;
    unsigned tsz;
    bool epd;
    uint64_t ttb;
    if (va >> 55 & 1) {
        static const unsigned tg1_bits[4] = {0, 14, 12, 16};
        tsz = cd[0] >> 16 & 0x3F;
        s1.g = tg1_bits[cd[0] >> 22 & 3];
        epd = cd[0] >> 30 & 1;
        ttb = cd[2] & TTB_51_4;
    } else {
        static const unsigned tg0_bits[4] = {12, 16, 14, 0};
        tsz = cd[0] & 0x3F;
        s1.g = tg0_bits[cd[0] >> 6 & 3];
        epd = cd[0] >> 14 & 1;
        ttb = cd[1] & TTB_51_4;
    }
    if (s1.g == 0 || epd) {
        why = "CD.TGx reserved or EPDx=1";
        return std::nullopt;
    }
    s1.ias = 64 - tsz;
    if (s1.ias <= s1.g) {
        why = "CD.TxSZ out of range";
        return std::nullopt;
    }
    s1.start = 4 - static_cast<int>((s1.ias - s1.g + s1.stride() - 1) / s1.stride());
    if (s1.start < 0) {
        why = "CD.TxSZ needs a level -1 walk";
        return std::nullopt;
    }

    uint64_t base = ttb & ~(s1.table_bytes(s1.start) - 1);
    for (int l = s1.start; l <= 3; l++) {
        uint64_t idx = s1.index(l, va);
        uint64_t da = base + 8 * idx;
        s2_result r = s2_translate(env, s2, da);
        if (((base ^ table_ipa) & IPA_MASK) == 0) {
            if (r.st != s2_status::fault) {
                why = "stage 2 " +
                      std::string(r.st == s2_status::ok ? "translates" : "aborts on") +
                      " the descriptor address " + hex(da) + " of the table at " + hex(base) +
                      ": the spec gives no stage-2 translation-related fault there";
                return std::nullopt;
            }
            s1_descriptor out;
            out.ipa = da;
            out.table = base;
            out.level = l;
            out.granule_bits = s1.g;
            out.index = idx;
            return out;
        }
        if (r.st != s2_status::ok) {
            why = "stage 2 faults on the level-" + std::to_string(l) + " descriptor " + hex(da) +
                  " before the walk reaches " + hex(table_ipa) + ": " + r.why;
            return std::nullopt;
        }
        uint64_t d;
        if (!read64(env, r.pa, d)) {
            why = "stage-1 descriptor at PA " + hex(r.pa) + " is not memory";
            return std::nullopt;
        }
        if (l == 3 || (d & 3) != 3) {
            why = "the stage-1 walk ends at level " + std::to_string(l) + " before reaching " +
                  hex(table_ipa);
            return std::nullopt;
        }
        base = d & OA_47_12 & ~low_mask(s1.g);
    }
    why = "the stage-1 walk does not reach " + hex(table_ipa);
    return std::nullopt;
}

namespace {

/* ------------------------------------------------------------------------------------------ */
/* The rules                                                                                  */
/* ------------------------------------------------------------------------------------------ */

/// strtab-base-alignment (§6.3.24): the Stream table base is aligned to the table size:
///  - linear (FMT=0): 2^LOG2SIZE STEs of 64 bytes, ADDR[LOG2SIZE+5:0] = 0;
///  - 2-level (FMT=1): the first-level table, 2^(LOG2SIZE-SPLIT) L1STDs of 8 bytes (at least
///    64 bytes), ADDR[MAX(5, LOG2SIZE-SPLIT-1+3):0] = 0.
/// The recorded F_STE_FETCH FetchAddr (the STE, or the L1STD, the fetch aborted on) used half
/// of that alignment: ADDR[LOG2SIZE+4:0] = 0, resp. ADDR[MAX(5, LOG2SIZE-SPLIT+2)-1:0] = 0.
void strtab_base_alignment(const rule_env &env, const step &s,
                           const std::vector<event_raw> &model, expectation &e,
                           std::vector<deviation> &out)
{
    if (!env.strtab_base || !env.strtab_base_cfg)
        return;
    uint32_t cfg = *env.strtab_base_cfg;
    unsigned log2size = cfg & 0x3F, split = cfg >> 6 & 0x1F, fmt = cfg >> 16 & 3;
    if (log2size + 6 >= 56 || (s.sid >> log2size) != 0)
        return; // the StreamID is out of range: no fetch
    uint64_t addr = *env.strtab_base & ADDR_55_6;
    unsigned spec_bits, half_bits; // low address bits cleared
    uint64_t offset;
    std::string what;
    if (fmt == 0) {
        spec_bits = log2size + 6;
        half_bits = log2size + 5;
        offset = 64 * uint64_t{s.sid};
        what = "linear table of 2^LOG2SIZE STEs aligned to its size, ADDR[LOG2SIZE+5:0] = 0";
    } else if (fmt == 1) {
        unsigned top = log2size > split ? log2size - split + 2 : 2; // LOG2SIZE-SPLIT-1+3
        spec_bits = (top > 5 ? top : 5) + 1;
        half_bits = top > 5 ? top : 5;
        offset = 8 * uint64_t{s.sid >> split};
        what = "first-level table aligned to its size, ADDR[MAX(5, LOG2SIZE-SPLIT-1+3):0] = 0; "
               "SPLIT " +
               std::to_string(split);
    } else {
        return;
    }
    uint64_t spec = ((addr & ~low_mask(spec_bits)) + offset) & FETCH_MASK;
    uint64_t half = ((addr & ~low_mask(half_bits)) + offset) & FETCH_MASK;
    if (spec == half)
        return; // both alignments give the same address: nothing to tell apart
    for (size_t k = 0; k < e.events.size() && k < model.size(); k++) {
        event_raw &rec = e.events[k];
        const event_raw &got = model[k];
        if (ev_type(rec) != EVT_STE_FETCH || ev_type(got) != EVT_STE_FETCH ||
            ev_sid(rec) != s.sid)
            continue;
        if (ev_fetch(rec) != half || ev_fetch(got) != spec)
            continue;
        set_dw(rec, 3, (dw(rec, 3) & ~FETCH_MASK) | spec);
        out.push_back({"strtab-base-alignment", std::string(SPEC) + "§6.3.24 SMMU_STRTAB_BASE",
                       std::string("F_STE_FETCH: FetchAddr recorded ") + hex(half) +
                           " (STRTAB_BASE aligned to 2^" + std::to_string(half_bits) +
                           "), spec and model " + hex(spec) + " (" + what + "; STRTAB_BASE " +
                           hex(*env.strtab_base) + ", LOG2SIZE " + std::to_string(log2size) +
                           ", StreamID " + hex(s.sid) + ")"});
    }
}

std::string tt_detail(unsigned type, uint64_t recorded, const s1_descriptor &d)
{
    return std::string(event_label(type)) + " S2=1 CLASS=TT: IPA[51:12] recorded " +
           hex(recorded) + " (the stage-1 table base), spec and model " + hex(d.ipa & IPA_MASK) +
           " (\"IPA is the stage 1 translation table descriptor address\": " + hex(d.ipa) +
           " = table + 8 * index " + hex(d.index) + " at level " + std::to_string(d.level) +
           ", " + std::to_string((1u << d.granule_bits) / 1024) + " KiB granule)";
}

const char *const TT_SECTION = "§7.3.13 F_TRANSLATION, §7.3.16 F_PERMISSION";

/// tt-descriptor-ipa (§7.3.13), on QEMU's records.
void tt_descriptor_ipa(const rule_env &env, const step &s, const std::vector<event_raw> &model,
                       expectation &e, std::vector<deviation> &out)
{
    for (size_t k = 0; k < e.events.size() && k < model.size(); k++) {
        event_raw &rec = e.events[k];
        const event_raw &got = model[k];
        unsigned t = ev_type(rec);
        if (!is_translation_fault(t) || ev_s2(rec) != 1 || ev_class(rec) != CLASS_TT)
            continue;
        if (ev_type(got) != t || ev_s2(got) != 1 || ev_class(got) != CLASS_TT)
            continue;
        uint64_t recorded = ev_ipa(rec);
        std::string why;
        std::optional<s1_descriptor> d =
            s1_descriptor_at(env, s.sid, ev_input_addr(rec), recorded, why);
        if (!d || (d->ipa & IPA_MASK) == recorded || ev_ipa(got) != (d->ipa & IPA_MASK))
            continue;
        set_dw(rec, 3, (dw(rec, 3) & ~IPA_MASK) | (d->ipa & IPA_MASK));
        out.push_back({"tt-descriptor-ipa", std::string(SPEC) + TT_SECTION,
                       tt_detail(t, recorded, *d)});
    }
}

/// cd-fault-rnw (§7.3, §7.3.13, §7.3.16): RnW is the incoming transaction's; the CD read is
/// implied by CLASS=CD. The recorded stage-2 CD-fetch fault of a write says RnW=1 (read).
void cd_fault_rnw(const step &s, const std::vector<event_raw> &model, expectation &e,
                  std::vector<deviation> &out)
{
    if (!s.write)
        return;
    for (size_t k = 0; k < e.events.size() && k < model.size(); k++) {
        event_raw &rec = e.events[k];
        const event_raw &got = model[k];
        unsigned t = ev_type(rec);
        if (!is_translation_fault(t) && t != EVT_WALK_EABT)
            continue;
        if (ev_s2(rec) != 1 || ev_class(rec) != CLASS_CD || ev_rnw(rec) != 1)
            continue;
        if (ev_type(got) != t || ev_s2(got) != 1 || ev_class(got) != CLASS_CD || ev_rnw(got) != 0)
            continue;
        set_dw(rec, 1, dw(rec, 1) & ~(uint64_t{1} << 35));
        out.push_back({"cd-fault-rnw",
                       std::string(SPEC) +
                           "§7.3 RnW, §7.3.13 F_TRANSLATION, §7.3.16 F_PERMISSION",
                       std::string(event_label(t)) +
                           " S2=1 CLASS=CD of a write DMA: RnW recorded 1, spec and model 0 "
                           "(RnW is \"the Read/Write nature of the incoming transaction\"; "
                           "\"when CLASS == CD, the access is implicitly Data and a read\")"});
    }
}

} // namespace

std::vector<deviation> correct_expectation(const rule_env &env, const step &s,
                                           const std::vector<event_raw> &model, expectation &e)
{
    std::vector<deviation> out;
    strtab_base_alignment(env, s, model, e, out);
    tt_descriptor_ipa(env, s, model, e, out);
    cd_fault_rnw(s, model, e, out);
    return out;
}

std::vector<deviation> correct_outcome(const rule_env &env, const step &s,
                                       const std::vector<event_raw> &model, uint64_t fault_iova,
                                       outcome &o)
{
    // Architected answers carry no FetchAddr and no RnW (the runner takes RnW from the
    // transaction), so only tt-descriptor-ipa can apply to them.
    std::vector<deviation> out;
    outcome *f = o.res == result::fault ? &o
                 : o.res == result::partial && !o.second_page.empty() ? &o.second_page[0]
                                                                      : nullptr;
    if (!f || f->res != result::fault || !f->has_event || !is_translation_fault(f->event) ||
        f->s2 != 1u || f->cls != CLASS_TT || !f->ipa || model.size() != 1)
        return out;
    const event_raw &got = model[0];
    if (ev_type(got) != f->event || ev_s2(got) != 1 || ev_class(got) != CLASS_TT)
        return out;
    uint64_t recorded = *f->ipa & IPA_MASK;
    std::string why;
    std::optional<s1_descriptor> d = s1_descriptor_at(env, s.sid, fault_iova, recorded, why);
    if (!d || (d->ipa & IPA_MASK) == recorded || ev_ipa(got) != (d->ipa & IPA_MASK))
        return out;
    f->ipa = d->ipa;
    out.push_back({"tt-descriptor-ipa", std::string(SPEC) + TT_SECTION,
                   tt_detail(f->event, recorded, *d)});
    return out;
}

} // namespace conformance
