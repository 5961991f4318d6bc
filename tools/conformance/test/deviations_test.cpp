// SPDX-License-Identifier: Apache-2.0
// Unit tests of the documented-deviation rules (src/deviations.*): each rule corrects a
// recorded answer only in its situation, only from the recorded (mistaken) value, and only
// when the model's value is the spec value. The model's records are made up here, so that
// a model value that is neither the recorded nor the spec value can be tried.
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>

#include "deviations.hpp"

using namespace conformance;

namespace {

int g_failures = 0;

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            g_failures++;                                                                \
        }                                                                                \
    } while (0)

/* Guest RAM 0x40000000..0x7fffffff, zero until written; nothing elsewhere. */
class memory {
public:
    bool read(uint64_t pa, void *buf, size_t len) const
    {
        if (pa < BASE || pa + len > BASE + SIZE)
            return false;
        auto *out = static_cast<uint8_t *>(buf);
        for (size_t i = 0; i < len; i++) {
            auto it = m_bytes.find(pa + i);
            out[i] = it == m_bytes.end() ? 0 : it->second;
        }
        return true;
    }
    void write64(uint64_t pa, uint64_t v)
    {
        for (unsigned i = 0; i < 8; i++)
            m_bytes[pa + i] = static_cast<uint8_t>(v >> (8 * i));
    }

private:
    static constexpr uint64_t BASE = 0x40000000, SIZE = 0x40000000;
    std::map<uint64_t, uint8_t> m_bytes;
};

event_raw record(unsigned type, uint32_t sid, unsigned rnw, unsigned s2, unsigned cls,
                 uint64_t input_addr, uint64_t dw3)
{
    uint64_t d[4] = {type | uint64_t{sid} << 32,
                     uint64_t{rnw} << 35 | uint64_t{s2} << 39 | uint64_t{cls} << 40, input_addr,
                     dw3};
    event_raw r{};
    for (unsigned i = 0; i < 4; i++)
        for (unsigned b = 0; b < 8; b++)
            r[8 * i + b] = static_cast<uint8_t>(d[i] >> (8 * b));
    return r;
}

step dma(uint32_t sid, uint64_t iova, bool write)
{
    step s;
    s.kind = op::dma;
    s.sid = sid;
    s.iova = iova;
    s.write = write;
    s.size = 4;
    s.expect.res = result::fault;
    return s;
}

constexpr unsigned F_STE_FETCH = 0x03, F_TRANSLATION = 0x10, F_PERMISSION = 0x13;
constexpr unsigned CD = 0, TT = 1, IN = 2;

/* ---- strtab-base-alignment ------------------------------------------------------------- */

void test_strtab_base_alignment()
{
    // Linear table of 2^8 STEs (16 KiB) at 0x1_0000_2000 (unbacked): the spec aligns the base
    // to 16 KiB (0x1_0000_0000), the recorded answer to 8 KiB (0x1_0000_2000).
    rule_env env;
    env.strtab_base = 0x4000000100002000ull;
    env.strtab_base_cfg = 0x8;
    step s = dma(0x10, 0x1000, false);
    const uint64_t spec = 0x100000400, half = 0x100002400, other = 0x100002800;
    auto run = [&](uint64_t recorded, uint64_t model_value, std::vector<deviation> &devs) {
        expectation e = s.expect;
        e.events = {record(F_STE_FETCH, 0x10, 0, 0, 0, 0, recorded)};
        std::vector<event_raw> model = {record(F_STE_FETCH, 0x10, 0, 0, 0, 0, model_value)};
        devs = correct_expectation(env, s, model, e);
        return e.events[0] == model[0];
    };
    std::vector<deviation> devs;
    // recorded = half alignment, model = spec: corrected to the model's record.
    CHECK(run(half, spec, devs));
    CHECK(devs.size() == 1 && devs[0].rule == "strtab-base-alignment");
    CHECK(devs.size() == 1 && devs[0].section.find("6.3.24") != std::string::npos);
    // The model's value is neither: no correction.
    CHECK(!run(half, other, devs) && devs.empty());
    // The model's value is the recorded one: nothing to correct.
    CHECK(run(half, half, devs) && devs.empty());
    // The recorded value is not the half-aligned one: not this mistake.
    CHECK(!run(other, spec, devs) && devs.empty());
    // A 2-level table (FMT=1): the linear addresses are not what it fetches.
    env.strtab_base_cfg = 0x10000 | 6 << 6 | 8;
    CHECK(!run(half, spec, devs) && devs.empty());
    // 2-level, LOG2SIZE=16, SPLIT=6: 1024 L1STDs (8 KiB) at 0x1_0000_1000; the spec aligns
    // to 8 KiB, the mistake to 4 KiB. SID 0x10 uses L1STD 0: 0x1_0000_0000 / 0x1_0000_1000.
    env.strtab_base = 0x4000000100001000ull;
    env.strtab_base_cfg = 0x10000 | 6 << 6 | 16;
    CHECK(run(0x100001000, 0x100000000, devs) && devs.size() == 1);
    CHECK(!run(0x100001000, 0x100000800, devs) && devs.empty()); // model: neither
    CHECK(!run(0x100003000, 0x100000000, devs) && devs.empty()); // recorded: not the mistake
    // A first-level table of 64 bytes or less: both alignments agree.
    env.strtab_base = 0x4000000100000040ull;
    env.strtab_base_cfg = 0x10000 | 6 << 6 | 9;
    CHECK(!run(0x100000040, 0x100000000, devs) && devs.empty());
    // A base aligned to the table size: both alignments agree, nothing to tell apart.
    env.strtab_base_cfg = 0x8;
    env.strtab_base = 0x4000000100000000ull;
    CHECK(!run(0x100000800, spec, devs) && devs.empty());
    // No STRTAB_BASE written: no rule.
    env.strtab_base.reset();
    CHECK(!run(half, spec, devs) && devs.empty());
}

/* ---- cd-fault-rnw ---------------------------------------------------------------------- */

void test_cd_fault_rnw()
{
    rule_env env;
    auto run = [&](bool write, unsigned type, unsigned cls, unsigned rec_rnw, unsigned model_rnw,
                   std::vector<deviation> &devs) {
        step s = dma(0x80, 0x3343c0, write);
        expectation e = s.expect;
        e.events = {record(type, 0x80, rec_rnw, 1, cls, 0x3343c0, 0x6658518000)};
        std::vector<event_raw> model = {
            record(type, 0x80, model_rnw, 1, cls, 0x3343c0, 0x6658518000)};
        devs = correct_expectation(env, s, model, e);
        return e.events[0] == model[0];
    };
    std::vector<deviation> devs;
    CHECK(run(true, F_TRANSLATION, CD, 1, 0, devs));
    CHECK(devs.size() == 1 && devs[0].rule == "cd-fault-rnw");
    CHECK(run(true, F_PERMISSION, CD, 1, 0, devs) && devs.size() == 1);
    // The model agrees with the record (RnW=1, wrong for a write but not this rule's business
    // to hide or to flag): no correction. RnW is one bit, so this is the only "other" value.
    CHECK(run(true, F_TRANSLATION, CD, 1, 1, devs) && devs.empty());
    // A read: RnW=1 is right, a model saying 0 is wrong.
    CHECK(!run(false, F_TRANSLATION, CD, 1, 0, devs) && devs.empty());
    // CLASS=TT or IN: not this rule.
    CHECK(!run(true, F_TRANSLATION, TT, 1, 0, devs) && devs.empty());
    CHECK(!run(true, F_TRANSLATION, IN, 1, 0, devs) && devs.empty());
    // Recorded RnW already 0 and the model says 1: the model is wrong, no correction.
    CHECK(!run(true, F_TRANSLATION, CD, 0, 1, devs) && devs.empty());
    // A record the rule does not cover (F_STE_FETCH has no RnW).
    CHECK(!run(true, F_STE_FETCH, CD, 1, 0, devs) && devs.empty());
    // Another field differs as well: the rule corrects RnW only, the records still differ.
    {
        step s = dma(0x80, 0x3343c0, true);
        expectation e = s.expect;
        e.events = {record(F_TRANSLATION, 0x80, 1, 1, CD, 0x3343c0, 0x6658518000)};
        std::vector<event_raw> model = {
            record(F_TRANSLATION, 0x80, 0, 1, CD, 0x3343c0, 0x6658519000)};
        devs = correct_expectation(env, s, model, e);
        CHECK(devs.size() == 1 && e.events[0] != model[0]);
    }
}

/* ---- tt-descriptor-ipa ----------------------------------------------------------------- */

// A nested StreamID 1: stage 2 4K granule, IPA = PA for 0x4000_0000..0x7fff_ffff (one 1 GiB
// block), nothing above; the CD at IPA 0x4210_0000; stage 1 16K granule, T0SZ=34 (start at
// level 2), whose level-2 entry 0 points at a level-3 table at IPA 0x8000_0000 that stage 2
// does not map. VA 0xa00c64 uses index 0x280 there: descriptor IPA 0x8000_1400.
struct nested_world {
    memory mem;
    rule_env env;
    static constexpr uint64_t S2TTB = 0x42000000;

    nested_world()
    {
        env.read = [this](uint64_t pa, void *buf, size_t len) { return mem.read(pa, buf, len); };
        env.strtab_base = 0x4000000041000000ull;
        env.strtab_base_cfg = 0x6; // linear, 64 STEs
        env.oas_bits = 44;
        const uint64_t ste = 0x41000000 + 64 * 1;
        mem.write64(ste + 0, 1 | 7 << 1 | 0x42100000ull);              // V, Config=111, CD IPA
        mem.write64(ste + 16, 1 | 24ull << 32 | 1ull << 38 |           // S2T0SZ=24, SL0=1 (L1)
                                  4ull << 48 | 1ull << 51 | 1ull << 58); // S2PS=44, AA64, S2R
        mem.write64(ste + 24, S2TTB);
        // S2 level 1 (two concatenated tables): entry 1 = 1 GiB block at 0x4000_0000.
        mem.write64(S2TTB + 8 * 1, 0x40000000 | 1 << 10 | 3 << 6 | 0xF << 2 | 1);
        const uint64_t cd = 0x42100000;
        mem.write64(cd + 0, 34 | 2 << 6 | 1ull << 30 | 1ull << 31 | 4ull << 32 | 1ull << 41 |
                                1ull << 45 | 1ull << 46);
        mem.write64(cd + 8, 0x42200000); // TTB0
        mem.write64(0x42200000, 0x80000000 | 3); // S1 L2[0] -> L3 table at IPA 0x8000_0000
    }
};

void test_tt_descriptor_ipa()
{
    const uint64_t va = 0xa00c64, table = 0x80000000, desc = 0x80001400;
    {
        nested_world w;
        std::string why;
        auto d = s1_descriptor_at(w.env, 1, va, table, why);
        CHECK(d && d->ipa == desc && d->level == 3 && d->index == 0x280 && d->granule_bits == 14);
        // A table the walk does not reach.
        CHECK(!s1_descriptor_at(w.env, 1, va, 0x90000000, why));
        CHECK(!s1_descriptor_at(w.env, 2, va, table, why)); // SID 2: STE V=0
    }

    auto intent = [](uint64_t ipa) {
        outcome o;
        o.res = result::fault;
        o.has_event = true;
        o.event = F_TRANSLATION;
        o.s2 = 1;
        o.cls = TT;
        o.ipa = ipa;
        return o;
    };
    auto model = [&](unsigned s2, uint64_t ipa) {
        return std::vector<event_raw>{record(F_TRANSLATION, 1, 1, s2, TT, va, ipa)};
    };
    step s = dma(1, va, false);
    {
        nested_world w;
        // Intent = table base, model = the descriptor address: corrected to the spec value.
        outcome o = intent(table);
        auto devs = correct_outcome(w.env, s, model(1, desc & ~0xFFFull), va, o);
        CHECK(devs.size() == 1 && devs[0].rule == "tt-descriptor-ipa" && o.ipa == desc);
        CHECK(devs.size() == 1 && devs[0].section.find("7.3.13") != std::string::npos);
        // The model's IPA is neither the table nor the descriptor: no correction.
        o = intent(table);
        devs = correct_outcome(w.env, s, model(1, 0x80002000), va, o);
        CHECK(devs.empty() && o.ipa == table);
        // The model reports the table base (what the recorded answer says): nothing to do.
        devs = correct_outcome(w.env, s, model(1, table), va, o);
        CHECK(devs.empty());
        // The recorded IPA is not the table the walk faults on: not this mistake.
        o = intent(0x90000000);
        devs = correct_outcome(w.env, s, model(1, desc), va, o);
        CHECK(devs.empty());
        // The model says stage 1 (S2=0): not this rule.
        o = intent(table);
        devs = correct_outcome(w.env, s, model(0, desc), va, o);
        CHECK(devs.empty());
        // QEMU-style record with S2=1: corrected too; with S2=0 (quirk Q4) not.
        expectation e = s.expect;
        e.events = model(1, table);
        devs = correct_expectation(w.env, s, model(1, desc), e);
        CHECK(devs.size() == 1 && e.events[0] == model(1, desc & ~0xFFFull)[0]);
        e.events = model(0, table);
        devs = correct_expectation(w.env, s, model(1, desc), e);
        CHECK(devs.empty());
    }
    {
        // Stage 2 maps the descriptor's page (not the table's first page): the spec walk
        // reads that descriptor, so there is no CLASS=TT fault at this table and a model
        // reporting one with the descriptor address is wrong.
        nested_world w;
        const uint64_t l2 = 0x42010000, l3 = 0x42011000;
        w.mem.write64(nested_world::S2TTB + 8 * 2, l2 | 3);             // L1[2] -> L2 table
        w.mem.write64(l2, l3 | 3);                                     // L2[0] -> L3 table
        w.mem.write64(l3 + 8 * 1, 0x43000000 | 1 << 10 | 3 << 6 | 0xF << 2 | 3); // page
        std::string why;
        CHECK(!s1_descriptor_at(w.env, 1, va, table, why));
        outcome o = intent(table);
        auto devs = correct_outcome(w.env, s, model(1, desc), va, o);
        CHECK(devs.empty() && o.ipa == table);
    }
    {
        // Stage 2 maps the descriptor's page without read permission (S2AP=10): a stage-2
        // permission fault there, so the rule applies (for F_PERMISSION records).
        nested_world w;
        const uint64_t l2 = 0x42010000, l3 = 0x42011000;
        w.mem.write64(nested_world::S2TTB + 8 * 2, l2 | 3);
        w.mem.write64(l2, l3 | 3);
        w.mem.write64(l3 + 8 * 1, 0x43000000 | 1 << 10 | 2 << 6 | 0xF << 2 | 3);
        std::string why;
        auto d = s1_descriptor_at(w.env, 1, va, table, why);
        CHECK(d && d->ipa == desc);
    }
}

} // namespace

int main()
{
    test_strtab_base_alignment();
    test_cd_fault_rnw();
    test_tt_descriptor_ipa();
    if (g_failures) {
        std::fprintf(stderr, "%d check(s) failed\n", g_failures);
        return 1;
    }
    std::printf("deviation rules: all checks passed\n");
    return 0;
}
