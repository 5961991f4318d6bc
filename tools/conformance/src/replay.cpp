// SPDX-License-Identifier: Apache-2.0
// Replays one oracle case through the public C API of the SMMUv3 core and compares it with
// the recorded answers (../shared/oracle/FORMAT.md §4-§8).
//
// The platform: RAM [ram_base, ram_base + ram_size) that is all zero at the start of a case,
// external abort everywhere else. The SMMU sees it through smmu_host_ops_t; the "device" and
// the "driver" of the case are this file.
//
// Where QEMU deviates from the architecture (quirks Q1..Q20) the model is held to the
// architected answer (`intent`, `arch_expect`). Such a deviation can leave QEMU's state and
// the architected state apart for the rest of the case; two mechanisms keep the later,
// untagged steps comparable:
//  - event queue shift: when QEMU wrote a different number of event records than the model
//    (Q1 writes one record per 4 bytes, Q6/Q7/Q12/Q16 record or drop where the architecture
//    does not, a stale answer in arch_allows, ...), EVENTQ_PROD values the case reads and
//    EVENTQ_CONS values it writes are moved by that number of records;
//  - diverged register bits: a quirk-tagged register read whose arch_expect differs from
//    QEMU's value marks the differing bits (the whole index for a queue pointer) as no longer
//    comparable with QEMU's later values of that register; a GERRORN write acknowledges only
//    what the model's GERROR shows in those bits, as a driver that read the model would.
//
// Where a recorded answer contradicts the spec itself, the documented-deviation rules
// (deviations.hpp) correct that one field to the spec value when the model has it, and the
// answer is compared again in full; a case whose only differences are such corrections is
// reported as skipped, citing the rule and the section.
#include "replay.hpp"
#include "deviations.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>
#include <unordered_map>

#include "smmuv3/smmuv3.h"

namespace conformance {

namespace {

// Register offsets (reference/smmuv3.md §1.2/§1.3). Page 1 registers are also reachable at
// their Page-0 offset on this platform (FORMAT.md §2); key_of() folds them together.
constexpr uint64_t REG_CR0 = 0x20;
constexpr uint64_t REG_GERROR = 0x60;
constexpr uint64_t REG_GERRORN = 0x64;
constexpr uint64_t REG_STRTAB_BASE = 0x80;
constexpr uint64_t REG_STRTAB_BASE_CFG = 0x88;
constexpr uint64_t REG_CMDQ_PROD = 0x98;
constexpr uint64_t REG_CMDQ_CONS = 0x9C;
constexpr uint64_t REG_EVENTQ_BASE = 0xA0;
constexpr uint64_t REG_EVENTQ_PROD = 0xA8;
constexpr uint64_t REG_EVENTQ_CONS = 0xAC;
constexpr uint64_t REG_PRIQ_PROD = 0xC8;
constexpr uint64_t REG_PRIQ_CONS = 0xCC;
constexpr uint64_t PAGE1 = 0x10000;
constexpr uint32_t QUEUE_PTR_FIELD = 0xFFFFF; // index + wrap, bits [19:0]

constexpr uint64_t EVT_RECORD = 32;
constexpr uint64_t DMA_PAGE = 4096;          // DMAs are split at 4 KiB boundaries

struct id_reg {
    const char *name;
    uint64_t off;
};
constexpr id_reg k_id_regs[] = {{"IDR0", 0x0},  {"IDR1", 0x4},  {"IDR2", 0x8},
                                {"IDR3", 0xC},  {"IDR4", 0x10}, {"IDR5", 0x14},
                                {"IIDR", 0x18}, {"AIDR", 0x1C}};

uint64_t key_of(uint64_t off)
{
    return off >= PAGE1 && off < 2 * PAGE1 ? off - PAGE1 : off;
}

bool is_queue_pointer(uint64_t key)
{
    return key == REG_CMDQ_PROD || key == REG_CMDQ_CONS || key == REG_EVENTQ_PROD ||
           key == REG_EVENTQ_CONS || key == REG_PRIQ_PROD || key == REG_PRIQ_CONS;
}

std::string hex(uint64_t v)
{
    char b[24];
    std::snprintf(b, sizeof b, "0x%" PRIx64, v);
    return b;
}

std::string hex_bytes(const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    std::string s;
    s.reserve(2 * n);
    for (size_t i = 0; i < n; i++) {
        s += digits[p[i] >> 4];
        s += digits[p[i] & 15];
    }
    return s;
}

std::string event_name(unsigned type)
{
    const char *n = event_type_name(type);
    return n ? std::string(n) : "event " + hex(type);
}

std::string join(const std::vector<std::string> &v, const char *sep)
{
    std::string s;
    for (size_t i = 0; i < v.size(); i++)
        s += (i ? sep : "") + v[i];
    return s;
}

/* ------------------------------------------------------------------------------------------ */
/* Event records, decoded with the architected positions (FORMAT.md §5, smmuv3.md §7.1)       */
/* ------------------------------------------------------------------------------------------ */

struct event_fields {
    unsigned type, ssv, ssid, sid, stag, stall, pnu, ind, rnw, s2, cls, ttrnw;
    uint64_t input_addr, dw3;
    uint64_t ipa() const { return dw3 & IPA_MASK; }           // IPA[51:12]
    static constexpr uint64_t IPA_MASK = 0x000FFFFFFFFFF000ull;
};

uint64_t raw_dword(const event_raw &r, unsigned i)
{
    uint64_t v = 0;
    for (unsigned b = 0; b < 8; b++)
        v |= uint64_t{r[8 * i + b]} << (8 * b);
    return v;
}

event_fields decode(const event_raw &r)
{
    uint64_t d0 = raw_dword(r, 0), d1 = raw_dword(r, 1);
    event_fields f{};
    f.type = static_cast<unsigned>(d0 & 0xFF);
    f.ssv = static_cast<unsigned>(d0 >> 11 & 1);
    f.ssid = static_cast<unsigned>(d0 >> 12 & 0xFFFFF);
    f.sid = static_cast<unsigned>(d0 >> 32);
    f.stag = static_cast<unsigned>(d1 & 0xFFFF);
    f.stall = static_cast<unsigned>(d1 >> 31 & 1);
    f.pnu = static_cast<unsigned>(d1 >> 33 & 1);
    f.ind = static_cast<unsigned>(d1 >> 34 & 1);
    f.rnw = static_cast<unsigned>(d1 >> 35 & 1);
    f.s2 = static_cast<unsigned>(d1 >> 39 & 1);
    f.cls = static_cast<unsigned>(d1 >> 40 & 3);
    f.ttrnw = static_cast<unsigned>(d1 >> 44 & 1);
    f.input_addr = raw_dword(r, 2);
    f.dw3 = raw_dword(r, 3);
    return f;
}

/// Translation-related faults: they carry RnW, InputAddr and (for stage 2) the IPA.
bool is_translation_fault(unsigned type)
{
    return type >= 0x10 && type <= 0x13;
}

/// Events with RnW/InputAddr (7.3): the translation faults, F_WALK_EABT, F_UUT.
bool has_input_addr(unsigned type)
{
    return is_translation_fault(type) || type == 0x0B || type == 0x01;
}

const char *class_name(unsigned c)
{
    static const char *const n[] = {"CD", "TT", "IN", "reserved(3)"};
    return n[c & 3];
}

std::string describe_event(const event_raw &r)
{
    event_fields f = decode(r);
    std::string s = event_name(f.type);
    if (is_translation_fault(f.type) || f.type == 0x0B)
        s += std::string(" s2=") + std::to_string(f.s2) + " class=" + class_name(f.cls);
    return s;
}

/* ------------------------------------------------------------------------------------------ */
/* The platform: RAM that reads zero until written, abort elsewhere                           */
/* ------------------------------------------------------------------------------------------ */

class fake_memory {
public:
    fake_memory(uint64_t base, uint64_t size) : m_base(base), m_size(size) {}

    bool contains(uint64_t pa, uint64_t len) const
    {
        return len <= m_size && pa >= m_base && pa - m_base <= m_size - len;
    }

    void read(uint64_t pa, void *buf, size_t len) const
    {
        auto *out = static_cast<uint8_t *>(buf);
        while (len) {
            size_t in_page = std::min<uint64_t>(len, PAGE - (pa & (PAGE - 1)));
            auto it = m_pages.find(pa / PAGE);
            if (it == m_pages.end())
                std::memset(out, 0, in_page);
            else
                std::memcpy(out, it->second.get() + (pa & (PAGE - 1)), in_page);
            out += in_page;
            pa += in_page;
            len -= in_page;
        }
    }

    void write(uint64_t pa, const void *buf, size_t len)
    {
        const auto *in = static_cast<const uint8_t *>(buf);
        while (len) {
            size_t in_page = std::min<uint64_t>(len, PAGE - (pa & (PAGE - 1)));
            auto &page = m_pages[pa / PAGE];
            if (!page) {
                page = std::make_unique<uint8_t[]>(PAGE);
                std::memset(page.get(), 0, PAGE);
            }
            std::memcpy(page.get() + (pa & (PAGE - 1)), in, in_page);
            in += in_page;
            pa += in_page;
            len -= in_page;
        }
    }

private:
    static constexpr uint64_t PAGE = 4096;
    uint64_t m_base, m_size;
    std::unordered_map<uint64_t, std::unique_ptr<uint8_t[]>> m_pages;
};

/* ------------------------------------------------------------------------------------------ */
/* One DMA as the model performed it                                                          */
/* ------------------------------------------------------------------------------------------ */

struct dma_result {
    std::string res;               ///< ok, fault, abort, partial, razwi, stall
    bool has_pa = false;
    uint64_t pa = 0;               ///< output address of the first part
    uint64_t fault_iova = 0;       ///< input address of the part that did not complete
    std::vector<event_raw> records;
    std::vector<uint8_t> read;     ///< bytes the device read (completed parts)
    std::vector<std::string> notes;
};

std::string describe(const dma_result &d)
{
    std::string s = d.res;
    if (d.has_pa)
        s += " pa=" + hex(d.pa);
    if (d.records.empty()) {
        if (d.res != "ok")
            s += ", no event recorded";
    } else {
        std::vector<std::string> names;
        for (const auto &r : d.records)
            names.push_back(describe_event(r));
        s += ", recorded " + join(names, ", ");
    }
    return s;
}

std::string describe(const expectation &e)
{
    std::string s = result_name(e.res);
    if (e.pa)
        s += " pa=" + hex(*e.pa);
    if (e.events.empty()) {
        if (e.res != result::ok)
            s += ", no event recorded";
    } else if (e.events.size() == 1) {
        s += ", recorded " + describe_event(e.events[0]);
    } else {
        s += ", recorded " + std::to_string(e.events.size()) + " events, first " +
             describe_event(e.events[0]);
    }
    return s;
}

std::string describe(const outcome &o)
{
    std::string s = result_name(o.res);
    if (o.pa)
        s += " pa=" + hex(*o.pa);
    if (o.res == result::fault) {
        if (!o.has_event) {
            s += ", not recorded";
        } else {
            s += ", " + event_name(o.event);
            if (o.s2)
                s += " s2=" + std::to_string(*o.s2);
            if (o.cls)
                s += std::string(" class=") + class_name(*o.cls);
            if (o.ipa)
                s += " ipa=" + hex(*o.ipa);
        }
    }
    if (!o.second_page.empty())
        s += "; rest: " + describe(o.second_page[0]);
    return s;
}

/* ------------------------------------------------------------------------------------------ */
/* The replayer                                                                               */
/* ------------------------------------------------------------------------------------------ */

struct smmu_deleter {
    void operator()(smmu_t *s) const { smmu_destroy(s); }
};

class replayer {
public:
    replayer(const oracle_case &c, const options &opt)
        : m_case(c), m_opt(opt), m_mem(c.ram_base, c.ram_size)
    {
    }

    case_report run(volatile int *progress);

private:
    // host callbacks
    static smmu_mem_result_t host_read(void *ctx, uint64_t pa, void *buf, size_t len,
                                       const smmu_mem_attr_t *attr);
    static smmu_mem_result_t host_write(void *ctx, uint64_t pa, const void *buf, size_t len,
                                        const smmu_mem_attr_t *attr);
    static void host_log(void *ctx, smmu_log_t cat, const char *msg);

    bool start();
    void check_id_regs();
    void do_step(size_t i, const step &s);
    void do_reg_write(size_t i, const step &s);
    void do_reg_read(size_t i, const step &s);
    void do_dma(size_t i, const step &s);
    void do_mem_expect(size_t i, const step &s);

    dma_result perform(const step &s);
    std::string check_expect(const expectation &e, const dma_result &d) const;
    std::string check_with_rules(const step &s, const dma_result &d, std::vector<deviation> &devs,
                                 std::string &remaining) const;
    rule_env env() const;
    std::string check_outcome(const step &s, const outcome &o, const dma_result &d) const;
    std::string check_record(const step &s, const outcome &f, const event_raw &r,
                             uint64_t fault_iova) const;

    uint64_t mmio_read(uint64_t off, unsigned size, size_t step_idx);
    void mmio_write(uint64_t off, unsigned size, uint64_t val, size_t step_idx);

    unsigned evq_qs() const;
    uint32_t evq_ptr_mask() const { return (2u << evq_qs()) - 1; }
    uint64_t shift_pointer(uint64_t v, int64_t records) const;

    void failure(const std::string &what, const std::string &diff);
    void note(const std::string &s)
    {
        if (m_opt.verbose)
            m_report.detail.push_back(s);
    }
    std::string step_label(size_t i, const step &s) const;
    std::string deviation_summary() const;

    const oracle_case &m_case;
    const options &m_opt;
    fake_memory m_mem;
    std::unique_ptr<smmu_t, smmu_deleter> m_smmu;
    case_report m_report;

    uint64_t m_evq_base = 0;     // EVENTQ_BASE as the driver wrote it
    unsigned m_eventqs = 19;     // IDR1.EVENTQS
    int64_t m_shift = 0;         // records QEMU wrote minus records the model wrote
    int64_t m_cons_shift = 0;    // m_shift when the driver last wrote EVENTQ_CONS
    std::map<uint64_t, uint64_t> m_diverged; // register key -> bits QEMU and the spec disagree on
    bool m_prev_dma_like_qemu = true;        // last DMA had QEMU's result and PA
    bool m_prev_was_dma = false;
    // What the driver programmed, for the documented-deviation rules (deviations.hpp).
    bool m_smmuen = false;                   // CR0.SMMUEN as last written
    std::optional<uint64_t> m_strtab_base;   // written while SMMUEN=0 (only then RW, §6.3.24)
    std::optional<uint32_t> m_strtab_base_cfg;
    unsigned m_oas_bits = 48, m_ssidsize = 0; // IDR5.OAS, IDR1.SSIDSIZE of the case
    std::vector<std::pair<size_t, deviation>> m_deviations; // step index, what was corrected
    std::vector<std::string> m_log;
    unsigned m_log_dropped = 0;
};

smmu_mem_result_t replayer::host_read(void *ctx, uint64_t pa, void *buf, size_t len,
                                      const smmu_mem_attr_t *attr)
{
    (void)attr;
    auto *r = static_cast<replayer *>(ctx);
    if (!r->m_mem.contains(pa, len)) {
        std::memset(buf, 0, len);
        return SMMU_MEM_ABORT; // nothing but RAM on this platform: external abort
    }
    r->m_mem.read(pa, buf, len);
    return SMMU_MEM_OK;
}

smmu_mem_result_t replayer::host_write(void *ctx, uint64_t pa, const void *buf, size_t len,
                                       const smmu_mem_attr_t *attr)
{
    (void)attr;
    auto *r = static_cast<replayer *>(ctx);
    if (!r->m_mem.contains(pa, len))
        return SMMU_MEM_ABORT;
    r->m_mem.write(pa, buf, len);
    return SMMU_MEM_OK;
}

void replayer::host_log(void *ctx, smmu_log_t cat, const char *msg)
{
    auto *r = static_cast<replayer *>(ctx);
    if (!r->m_opt.verbose || cat == SMMU_LOG_TRACE)
        return;
    if (r->m_log.size() >= 200) {
        r->m_log_dropped++;
        return;
    }
    std::string m = msg ? msg : "";
    std::replace(m.begin(), m.end(), '\n', ' ');
    r->m_log.push_back(std::string(cat == SMMU_LOG_UNIMP ? "model unimp: " : "model log: ") +
                       m);
}

std::string replayer::step_label(size_t i, const step &s) const
{
    std::string l = "step " + std::to_string(i) + " (";
    switch (s.kind) {
    case op::mem_write: l += "mem_write " + hex(s.addr); break;
    case op::mem_expect: l += "mem_expect " + hex(s.addr); break;
    case op::reg_write: l += "reg_write " + s.reg + " @" + hex(s.off); break;
    case op::reg_read: l += "reg_read " + s.reg + " @" + hex(s.off); break;
    case op::dma:
        l += std::string("dma sid=") + hex(s.sid) + (s.write ? " write " : " read ") +
             hex(s.iova) + "+" + std::to_string(s.size);
        break;
    case op::note: l += "note"; break;
    }
    if (!s.quirks.empty())
        l += " [" + join(s.quirks, ",") + "]";
    return l + ")";
}

/// "rule [section]: steps N, M: detail; ..." — steps with the same correction listed once.
std::string replayer::deviation_summary() const
{
    std::vector<std::string> parts;
    std::vector<bool> done(m_deviations.size(), false);
    for (size_t a = 0; a < m_deviations.size(); a++) {
        if (done[a])
            continue;
        const deviation &v = m_deviations[a].second;
        std::vector<std::string> steps;
        for (size_t b = a; b < m_deviations.size(); b++) {
            const deviation &w = m_deviations[b].second;
            if (!done[b] && w.rule == v.rule && w.detail == v.detail) {
                done[b] = true;
                steps.push_back(std::to_string(m_deviations[b].first));
            }
        }
        parts.push_back(v.rule + " [" + v.section + "]: step" + (steps.size() > 1 ? "s " : " ") +
                        join(steps, ", ") + ": " + v.detail);
    }
    return join(parts, "; ");
}

void replayer::failure(const std::string &what, const std::string &diff)
{
    m_report.st = case_report::status::failed;
    m_report.failures.push_back(what + ": " + diff);
}

uint64_t replayer::mmio_read(uint64_t off, unsigned size, size_t step_idx)
{
    uint64_t v = 0;
    smmu_status_t st = smmu_mmio_read(m_smmu.get(), off, size, &v);
    if (st != SMMU_OK)
        failure("step " + std::to_string(step_idx),
                "smmu_mmio_read(" + hex(off) + ", " + std::to_string(size) + ") returned " +
                    smmu_status_str(st));
    return v;
}

void replayer::mmio_write(uint64_t off, unsigned size, uint64_t val, size_t step_idx)
{
    smmu_status_t st = smmu_mmio_write(m_smmu.get(), off, size, val);
    if (st != SMMU_OK)
        failure("step " + std::to_string(step_idx),
                "smmu_mmio_write(" + hex(off) + ", " + std::to_string(size) + ", " + hex(val) +
                    ") returned " + smmu_status_str(st));
}

unsigned replayer::evq_qs() const
{
    return std::min(static_cast<unsigned>(m_evq_base & 0x1F), m_eventqs);
}

/// A pointer into QEMU's event queue, moved back by the records QEMU wrote in excess.
uint64_t replayer::shift_pointer(uint64_t v, int64_t records) const
{
    uint64_t m = evq_ptr_mask();
    return (v & ~m) | ((v - static_cast<uint64_t>(records)) & m);
}

bool replayer::start()
{
    const char *preset = m_opt.preset.empty() ? preset_for_machine(m_case.machine)
                                              : m_opt.preset.c_str();
    if (!preset) {
        m_report.st = case_report::status::skipped;
        m_report.skip_reason = "no model preset for machine \"" + m_case.machine + "\"";
        return false;
    }
    smmu_config_t cfg;
    smmu_status_t st = smmu_config_preset(preset, &cfg);
    if (st != SMMU_OK) {
        m_report.st = case_report::status::skipped;
        m_report.skip_reason = std::string("smmu_config_preset(\"") + preset + "\") returned " +
                               smmu_status_str(st);
        return false;
    }
    smmu_host_ops_t ops;
    std::memset(&ops, 0, sizeof ops);
    ops.version = SMMU_HOST_OPS_VERSION;
    ops.ctx = this;
    ops.mem_read = host_read;
    ops.mem_write = host_write;
    ops.log = host_log;
    smmu_t *s = nullptr;
    st = smmu_create(&cfg, &ops, &s);
    if (st != SMMU_OK) {
        const char *why = nullptr;
        smmu_config_check(&cfg, &why);
        failure("setup", std::string("smmu_create with preset \"") + preset + "\" returned " +
                                smmu_status_str(st) + (why ? std::string(": ") + why : ""));
        return false;
    }
    m_smmu.reset(s);
    note(std::string("preset ") + preset);
    return true;
}

/// The model must report the ID registers the case was recorded with.
void replayer::check_id_regs()
{
    for (const auto &[name, val] : m_case.id_regs) {
        const id_reg *r = nullptr;
        for (const auto &k : k_id_regs)
            if (name == k.name)
                r = &k;
        if (!r) {
            note("id_regs: " + name + " not checked (unknown register)");
            continue;
        }
        uint64_t got = 0;
        smmu_status_t st = smmu_mmio_read(m_smmu.get(), r->off, 4, &got);
        if (st != SMMU_OK || got != val)
            failure("id_regs",
                    name + ": case " + hex(val) + ", model " +
                        (st == SMMU_OK ? hex(got) : std::string(smmu_status_str(st))));
        if (name == "IDR1") {
            m_eventqs = val >> 16 & 0x1F;
            m_ssidsize = val >> 6 & 0x1F;
        }
        if (name == "IDR5") {
            static const unsigned oas[8] = {32, 36, 40, 42, 44, 48, 52, 56};
            m_oas_bits = oas[val & 7];
        }
    }
}

case_report replayer::run(volatile int *progress)
{
    if (!start())
        return m_report;
    check_id_regs();
    // The driver's idea of EVENTQ_BASE before it writes one: the reset value.
    smmu_mmio_read(m_smmu.get(), REG_EVENTQ_BASE, 8, &m_evq_base);

    for (size_t i = 0; i < m_case.steps.size(); i++) {
        if (progress)
            *progress = static_cast<int>(i);
        do_step(i, m_case.steps[i]);
    }
    // A case whose only differences from the recorded answers are documented deviations
    // (recorded answers that contradict the spec, deviations.hpp) is skipped, citing them.
    if (m_report.st == case_report::status::passed && !m_deviations.empty()) {
        m_report.st = case_report::status::skipped;
        m_report.skip_reason = "recorded answer contradicts the spec (the model follows it): " +
                               deviation_summary();
    }
    for (const auto &l : m_log)
        m_report.detail.push_back(l);
    if (m_log_dropped)
        m_report.detail.push_back("model log: " + std::to_string(m_log_dropped) +
                                  " more messages dropped");
    return m_report;
}

void replayer::do_step(size_t i, const step &s)
{
    bool after_dma = m_prev_was_dma;
    m_prev_was_dma = false;
    switch (s.kind) {
    case op::mem_write:
        if (!m_mem.contains(s.addr, s.data.size())) {
            failure(step_label(i, s), "address outside RAM (case error)");
            return;
        }
        m_mem.write(s.addr, s.data.data(), s.data.size());
        return;
    case op::reg_write: do_reg_write(i, s); return;
    case op::reg_read: do_reg_read(i, s); return;
    case op::dma:
        do_dma(i, s);
        m_prev_was_dma = true;
        return;
    case op::mem_expect:
        // Data a DMA wrote lands at QEMU's PA; if the model legitimately used another PA
        // (a quirk, or the other answer of arch_allows) there is nothing to check there.
        if (after_dma && !m_prev_dma_like_qemu)
            note(step_label(i, s) + ": not checked, the DMA above took another architected "
                                    "path than QEMU; applied");
        else
            do_mem_expect(i, s);
        if (m_mem.contains(s.addr, s.data.size()))
            m_mem.write(s.addr, s.data.data(), s.data.size());
        m_prev_was_dma = after_dma; // several mem_expects may follow one DMA
        return;
    case op::note: return;
    }
}

void replayer::do_reg_write(size_t i, const step &s)
{
    uint64_t key = key_of(s.off);
    uint64_t val = s.val;
    if (key == REG_EVENTQ_PROD) {
        m_shift = 0; // software (re)initialises the queue: both sides agree again
        m_cons_shift = 0;
    } else if (key == REG_EVENTQ_CONS) {
        m_cons_shift = m_shift;
        val = shift_pointer(val, m_shift);
        if (m_shift)
            note(step_label(i, s) + ": written as " + hex(val) + " (event queue shifted by " +
                 std::to_string(m_shift) + " records)");
    } else if (key == REG_GERRORN) {
        auto it = m_diverged.find(REG_GERROR);
        if (it != m_diverged.end()) {
            uint64_t gerror = 0;
            smmu_mmio_read(m_smmu.get(), REG_GERROR, 4, &gerror);
            uint64_t dm = it->second & 0xFFFFFFFF;
            val = (val & ~dm) | (gerror & dm);
            m_diverged[REG_GERRORN] |= dm;
            if (val != s.val)
                note(step_label(i, s) + ": written as " + hex(val) +
                     " (acknowledges what the model's GERROR shows)");
        }
    }
    if (key == REG_EVENTQ_BASE) {
        m_evq_base = s.size == 8 ? val : (m_evq_base & ~uint64_t{0xFFFFFFFF}) | val;
    } else if (key == REG_EVENTQ_BASE + 4 && s.size == 4) {
        m_evq_base = (m_evq_base & 0xFFFFFFFF) | val << 32;
    }
    if (key == REG_CR0) {
        m_smmuen = val & 1;
    } else if (!m_smmuen && key == REG_STRTAB_BASE) {
        uint64_t old = m_strtab_base.value_or(0);
        m_strtab_base = s.size == 8 ? val : (old & ~uint64_t{0xFFFFFFFF}) | val;
    } else if (!m_smmuen && key == REG_STRTAB_BASE + 4 && s.size == 4) {
        m_strtab_base = (m_strtab_base.value_or(0) & 0xFFFFFFFF) | val << 32;
    } else if (!m_smmuen && key == REG_STRTAB_BASE_CFG) {
        m_strtab_base_cfg = static_cast<uint32_t>(val);
    }
    mmio_write(s.off, s.size, val, i);
}

void replayer::do_reg_read(size_t i, const step &s)
{
    uint64_t got = mmio_read(s.off, s.size, i);
    uint64_t key = key_of(s.off);
    bool arch = !s.quirks.empty() && s.arch_expect;
    uint64_t want = arch ? *s.arch_expect : s.val;
    uint64_t mask = s.size == 8 ? ~uint64_t{0} : 0xFFFFFFFF;

    if (arch && *s.arch_expect != s.val) {
        uint64_t diff = *s.arch_expect ^ s.val;
        if (is_queue_pointer(key) && (diff & QUEUE_PTR_FIELD))
            diff |= QUEUE_PTR_FIELD;
        m_diverged[key] |= diff;
    }
    if (key == REG_EVENTQ_PROD)
        want = shift_pointer(want, m_shift);
    else if (key == REG_EVENTQ_CONS)
        want = shift_pointer(want, m_cons_shift); // the value the driver last wrote
    std::string ignored;
    if (!arch) {
        auto it = m_diverged.find(key);
        if (it != m_diverged.end() && it->second) {
            mask &= ~it->second;
            ignored = " (bits " + hex(it->second) + " not compared: they diverged from QEMU "
                                                    "after a quirk)";
        }
    }
    if ((got ^ want) & mask) {
        std::string src = arch ? "arch_expect " : "expected ";
        failure(step_label(i, s), src + hex(want) + ", model " + hex(got) + ignored);
    } else if (arch && *s.arch_expect != s.val) {
        note(step_label(i, s) + ": architected " + hex(want) + " (QEMU " + hex(s.val) + ")");
    }
}

dma_result replayer::perform(const step &s)
{
    dma_result d;
    uint64_t prod0 = 0;
    smmu_mmio_read(m_smmu.get(), PAGE1 + REG_EVENTQ_PROD, 4, &prod0);

    uint64_t done = 0;
    d.res = "ok";
    while (done < s.size) {
        uint64_t iova = s.iova + done;
        uint64_t len = std::min<uint64_t>(s.size - done, DMA_PAGE - (iova & (DMA_PAGE - 1)));
        smmu_txn_t txn;
        std::memset(&txn, 0, sizeof txn);
        txn.iova = iova;
        txn.size = static_cast<uint32_t>(len);
        txn.stream_id = s.sid;
        txn.ssv = s.ssid.has_value();
        txn.substream_id = s.ssid.value_or(0);
        txn.write = s.write;
        txn.instr = false;
        txn.priv = false; // PCIe without PASID: unprivileged data access
        txn.atype = SMMU_ATYPE_UNTRANSLATED;
        smmu_xlate_t x;
        std::memset(&x, 0, sizeof x);
        smmu_translate(m_smmu.get(), &txn, &x);

        if (x.status == SMMU_XLATE_OK || x.status == SMMU_XLATE_BYPASS) {
            if (done == 0) {
                d.has_pa = true;
                d.pa = x.pa;
            }
            if (!m_mem.contains(x.pa, len)) {
                d.notes.push_back("device access at " + hex(x.pa) + " is outside RAM");
                if (!s.write)
                    d.read.insert(d.read.end(), len, 0);
            } else if (s.write) {
                m_mem.write(x.pa, s.data.data() + done, len);
            } else {
                size_t at = d.read.size();
                d.read.resize(at + len);
                m_mem.read(x.pa, d.read.data() + at, len);
            }
            done += len;
            continue;
        }
        const char *r = "fault";
        switch (x.status) {
        case SMMU_XLATE_ABORT: r = "abort"; break;
        case SMMU_XLATE_RAZWI: r = "razwi"; break;
        case SMMU_XLATE_STALL: r = "stall"; break;
        default: break;
        }
        d.res = done ? "partial" : r;
        if (done)
            d.notes.push_back("the part at " + hex(iova) + " did not complete: " + r);
        d.fault_iova = iova;
        break;
    }

    // New records, read from the queue in guest memory as the driver does.
    uint64_t prod1 = 0;
    smmu_mmio_read(m_smmu.get(), PAGE1 + REG_EVENTQ_PROD, 4, &prod1);
    uint64_t pm = evq_ptr_mask();
    uint64_t n = ((prod1 & pm) - (prod0 & pm)) & pm;
    uint64_t slots = uint64_t{1} << evq_qs();
    uint64_t base = m_evq_base & 0x00FFFFFFFFFFFFE0ull;
    for (uint64_t k = 0; k < n; k++) {
        uint64_t slot = ((prod0 & pm) + k) & (slots - 1);
        uint64_t pa = base + slot * EVT_RECORD;
        event_raw r{};
        if (!m_mem.contains(pa, EVT_RECORD)) {
            d.notes.push_back("EVENTQ_PROD moved but slot " + std::to_string(slot) + " at " +
                              hex(pa) + " is outside RAM");
            continue;
        }
        m_mem.read(pa, r.data(), r.size());
        d.records.push_back(r);
    }
    return d;
}

/// Record dword 3 bits [11:0] are RES0 in translation-fault records, where QEMU writes the
/// low IPA bits (Q19, present on every stage-2 record, tagged or not); they are not compared.
std::string compare_raw(const event_raw &want, const event_raw &got)
{
    event_fields w = decode(want), g = decode(got);
    if (w.type != g.type)
        return "type: expected " + event_name(w.type) + ", model " + event_name(g.type);
    auto num = [](const char *name, uint64_t a, uint64_t b, bool as_hex) {
        return std::string(name) + ": expected " + (as_hex ? hex(a) : std::to_string(a)) +
               ", model " + (as_hex ? hex(b) : std::to_string(b));
    };
    if (w.sid != g.sid)
        return num("sid", w.sid, g.sid, true);
    if (w.ssv != g.ssv)
        return num("ssv", w.ssv, g.ssv, false);
    bool walk_eabt = w.type == 0x0B;
    bool fetch = w.type == 0x03 || w.type == 0x09 || w.type == 0x25 || walk_eabt;
    if (is_translation_fault(w.type) || walk_eabt) {
        if (w.cls != g.cls)
            return std::string("class: expected ") + class_name(w.cls) + ", model " +
                   class_name(g.cls);
        if (w.s2 != g.s2)
            return num("s2", w.s2, g.s2, false);
        if (w.rnw != g.rnw)
            return num("rnw", w.rnw, g.rnw, false);
        if (w.input_addr != g.input_addr)
            return num("input_addr", w.input_addr, g.input_addr, true);
    }
    if (is_translation_fault(w.type) && w.ipa() != g.ipa())
        return num("ipa[51:12]", w.ipa(), g.ipa(), true);
    constexpr uint64_t FETCH_MASK = 0x000FFFFFFFFFFFF8ull; // FetchAddr[51:3]
    if (fetch && (w.dw3 & FETCH_MASK) != (g.dw3 & FETCH_MASK))
        return num("fetch_addr", w.dw3 & FETCH_MASK, g.dw3 & FETCH_MASK, true);
    event_raw a = want, b = got;
    if (is_translation_fault(w.type))
        for (unsigned k = 24; k < 26; k++) {
            a[k] = static_cast<uint8_t>(k == 24 ? 0 : a[k] & 0xF0);
            b[k] = static_cast<uint8_t>(k == 24 ? 0 : b[k] & 0xF0);
        }
    if (a != b) {
        size_t k = 0;
        while (a[k] == b[k])
            k++;
        return "raw record differs from byte " + std::to_string(k) + ": expected " +
               hex_bytes(want.data(), want.size()) + ", model " + hex_bytes(got.data(), got.size());
    }
    return "";
}

/// Compare with what QEMU did (steps without quirks): s.expect, or a corrected copy of it.
std::string replayer::check_expect(const expectation &e, const dma_result &d) const
{
    if (d.res != result_name(e.res) || (e.pa && (!d.has_pa || d.pa != *e.pa)))
        return "expected " + describe(e) + "; model " + describe(d);
    if (d.records.size() != e.events.size())
        return "expected " + std::to_string(e.events.size()) + " event record(s) (" +
               describe(e) + "); model wrote " + std::to_string(d.records.size()) + " (" +
               describe(d) + ")";
    for (size_t k = 0; k < e.events.size(); k++) {
        std::string diff = compare_raw(e.events[k], d.records[k]);
        if (!diff.empty())
            return "event[" + std::to_string(k) + "] " + event_name(decode(e.events[k]).type) +
                   ": " + diff;
    }
    if (e.read_data && d.res == "ok") {
        const auto &want = *e.read_data;
        size_t n = std::min(want.size(), d.read.size());
        if (n != want.size() || !std::equal(want.begin(), want.end(), d.read.begin()))
            return "read data: expected " + hex_bytes(want.data(), want.size()) + ", device read " +
                   hex_bytes(d.read.data(), n);
    }
    return "";
}

/// Check one recorded event against an architected fault description.
std::string replayer::check_record(const step &s, const outcome &f, const event_raw &r,
                                   uint64_t fault_iova) const
{
    event_fields g = decode(r);
    if (g.type != f.event)
        return "event type: intent " + event_name(f.event) + ", model " + event_name(g.type);
    if (g.sid != s.sid)
        return "event sid: expected " + hex(s.sid) + ", model " + hex(g.sid);
    if (g.ssv != (s.ssid ? 1u : 0u))
        return "event ssv: expected " + std::to_string(s.ssid ? 1 : 0) + ", model " +
               std::to_string(g.ssv);
    if (f.s2 && g.s2 != *f.s2)
        return "event s2: intent " + std::to_string(*f.s2) + ", model " + std::to_string(g.s2);
    if (f.cls && g.cls != *f.cls)
        return std::string("event class: intent ") + class_name(*f.cls) + ", model " +
               class_name(g.cls);
    if (f.ipa && g.ipa() != (*f.ipa & event_fields::IPA_MASK))
        return "event ipa[51:12]: intent " + hex(*f.ipa & event_fields::IPA_MASK) + ", model " +
               hex(g.ipa());
    if (has_input_addr(g.type)) {
        if (g.rnw != (s.write ? 0u : 1u))
            return "event rnw: expected " + std::to_string(s.write ? 0 : 1) + ", model " +
                   std::to_string(g.rnw);
        if (g.input_addr != fault_iova)
            return "event input_addr: expected " + hex(fault_iova) + ", model " +
                   hex(g.input_addr);
    }
    return "";
}

/// Compare with an architected answer (intent or an arch_allows entry).
std::string replayer::check_outcome(const step &s, const outcome &o, const dma_result &d) const
{
    if (d.res != result_name(o.res) || (o.pa && (!d.has_pa || d.pa != *o.pa)))
        return "intent " + describe(o) + "; model " + describe(d);
    const outcome *f = nullptr;
    if (o.res == result::fault)
        f = &o;
    else if (o.res == result::partial && !o.second_page.empty())
        f = &o.second_page[0];
    if (f && f->res != result::fault) // partial whose rest aborts: nothing is recorded
        f = nullptr;
    size_t want = f && f->has_event ? 1 : 0;
    if (d.records.size() != want)
        return "intent " + describe(o) + "; model " + describe(d);
    if (want)
        return check_record(s, *f, d.records[0], d.fault_iova);
    return "";
}

rule_env replayer::env() const
{
    rule_env e;
    e.read = [this](uint64_t pa, void *buf, size_t len) {
        if (!m_mem.contains(pa, len))
            return false;
        m_mem.read(pa, buf, len);
        return true;
    };
    e.strtab_base = m_strtab_base;
    e.strtab_base_cfg = m_strtab_base_cfg;
    e.oas_bits = m_oas_bits;
    e.ssidsize = m_ssidsize;
    return e;
}

/// Where the model differs from every recorded answer it is compared with: the same answers
/// with the documented deviations corrected to the spec (deviations.hpp), compared in full
/// again. Returns the answer that then matches ("" if none) and the corrections it needed;
/// when a rule corrected something but another difference remains, `remaining` says which.
std::string replayer::check_with_rules(const step &s, const dma_result &d,
                                       std::vector<deviation> &devs, std::string &remaining) const
{
    rule_env e = env();
    auto rules = [](const std::vector<deviation> &v) {
        std::vector<std::string> n;
        for (const auto &x : v)
            n.push_back(x.rule + " (" + x.section + ")");
        return join(n, ", ");
    };
    if (s.quirks.empty()) {
        expectation fixed = s.expect;
        std::vector<deviation> v = correct_expectation(e, s, d.records, fixed);
        if (!v.empty()) {
            std::string diff = check_expect(fixed, d);
            if (diff.empty()) {
                devs = std::move(v);
                return "QEMU";
            }
            if (remaining.empty())
                remaining = "with the documented deviation " + rules(v) + " corrected: " + diff;
        }
    }
    if (s.quirks.empty() && s.arch_allows.empty())
        return "";
    for (size_t k = 0; k <= s.arch_allows.size(); k++) {
        outcome fixed = k == 0 ? s.intent : s.arch_allows[k - 1];
        std::vector<deviation> v = correct_outcome(e, s, d.records, d.fault_iova, fixed);
        if (v.empty())
            continue;
        std::string diff = check_outcome(s, fixed, d);
        if (diff.empty()) {
            devs = std::move(v);
            return k == 0 ? "intent" : "arch_allows[" + std::to_string(k - 1) + "]";
        }
        if (remaining.empty())
            remaining = "with the documented deviation " + rules(v) + " corrected: " + diff;
    }
    return "";
}

void replayer::do_dma(size_t i, const step &s)
{
    dma_result d = perform(s);
    for (const auto &n : d.notes)
        note(step_label(i, s) + ": " + n);

    // Who the model is compared with: QEMU for an untagged step; the architected answers
    // (intent, then arch_allows) for a tagged one, or as the alternative of a stale answer.
    std::string first_diff;
    std::string accepted;
    if (s.quirks.empty()) {
        first_diff = check_expect(s.expect, d);
        if (first_diff.empty())
            accepted = "QEMU";
    }
    if (accepted.empty() && (!s.quirks.empty() || !s.arch_allows.empty())) {
        std::string diff = check_outcome(s, s.intent, d);
        if (diff.empty())
            accepted = "intent";
        if (first_diff.empty())
            first_diff = diff;
        for (size_t k = 0; accepted.empty() && k < s.arch_allows.size(); k++)
            if (check_outcome(s, s.arch_allows[k], d).empty())
                accepted = "arch_allows[" + std::to_string(k) + "]";
    }
    std::vector<deviation> devs;
    std::string remaining;
    if (accepted.empty())
        accepted = check_with_rules(s, d, devs, remaining);
    if (accepted.empty()) {
        if (!remaining.empty())
            first_diff += " (" + remaining + ")";
        if (!s.quirks.empty())
            first_diff = "(QEMU quirk: checked against the architected answer) " + first_diff;
        if (!s.arch_allows.empty()) {
            std::vector<std::string> alts;
            for (const auto &a : s.arch_allows)
                alts.push_back(describe(a));
            first_diff += " (arch_allows also permits: " + join(alts, " | ") + ")";
        }
        failure(step_label(i, s), first_diff);
    } else if (!devs.empty()) {
        for (const auto &v : devs) {
            note(step_label(i, s) + ": documented deviation " + v.rule + " (" + v.section +
                 "): " + accepted + " corrected to the spec: " + v.detail);
            m_deviations.emplace_back(i, v);
        }
    }
    if (!accepted.empty() && accepted != "QEMU") {
        if (devs.empty())
            note(step_label(i, s) + ": model " + describe(d) + " accepted as " + accepted +
                 " (QEMU: " + describe(s.expect) + ")");
        // The architected path may leave GERROR unlike QEMU's (Q1's extra records can
        // overflow QEMU's queue, which QEMU reports in GERROR, Q14): those bits no longer
        // compare with QEMU's later values.
        if (s.expect.gerror_after) {
            uint64_t g = 0;
            smmu_mmio_read(m_smmu.get(), REG_GERROR, 4, &g);
            if (uint64_t diff = (g ^ *s.expect.gerror_after) & 0xFFFFFFFF) {
                m_diverged[REG_GERROR] |= diff;
                note(step_label(i, s) + ": GERROR bits " + hex(diff) + " diverge from QEMU");
            }
        }
    }

    m_prev_dma_like_qemu =
        d.res == result_name(s.expect.res) && (!s.expect.pa || (d.has_pa && d.pa == *s.expect.pa));
    m_shift += static_cast<int64_t>(s.expect.events.size()) -
               static_cast<int64_t>(d.records.size());
}

void replayer::do_mem_expect(size_t i, const step &s)
{
    if (!m_mem.contains(s.addr, s.data.size())) {
        failure(step_label(i, s), "address outside RAM (case error)");
        return;
    }
    std::vector<uint8_t> got(s.data.size());
    m_mem.read(s.addr, got.data(), got.size());
    if (got == s.data)
        return;
    size_t k = 0;
    while (got[k] == s.data[k])
        k++;
    size_t n = std::min<size_t>(16, s.data.size() - k);
    failure(step_label(i, s),
            "memory differs at " + hex(s.addr + k) + ": expected " +
                hex_bytes(s.data.data() + k, n) + ", found " + hex_bytes(got.data() + k, n) +
                (n < s.data.size() - k ? "…" : ""));
}

} // namespace

const char *preset_for_machine(const std::string &machine)
{
    std::string m = machine.substr(0, machine.find(','));
    if (m == "virt" || m == "virt-10.0")
        return "qemu-virt";         // stage=nested: IDR0 0x0d44101b
    if (m == "virt-9.1")
        return "qemu-virt-s1only";  // stage 1 only: IDR0 0x0d44101a
    return nullptr;
}

case_report run_case(const oracle_case &c, const options &opt, volatile int *progress)
{
    try {
        replayer r(c, opt);
        return r.run(progress);
    } catch (const std::exception &e) {
        case_report rep;
        rep.st = case_report::status::failed;
        rep.failures.push_back(std::string("runner error: ") + e.what());
        return rep;
    }
}

} // namespace conformance
