// SPDX-License-Identifier: Apache-2.0
// The random multi-context workload of the isolation, statistics and determinism tests.
#include "workload.h"

#include <cstdio>
#include <stdexcept>

namespace rob {

namespace {
constexpr uint64_t kGiB = uint64_t{1} << 30;
constexpr uint8_t F_TLB_CONFLICT = 0x20;  // IHI 0070 7.3.17
}  // namespace

Workload::Workload(const smmu_config_t& cfg, uint64_t seed, const Options& o)
    : opt_(o), rng_(seed)
{
    RigOptions ro;
    ro.evtq_log2 = o.evtq_log2;
    rig_ = std::make_unique<Rig>(cfg, ro);
    Rig& r = *rig_;
    const unsigned granules[] = {12, 14, 16};

    // Four stage-1 streams, each with its own CD and ASID (IHI 0070 5.4), VMID 0.
    for (uint32_t i = 0; i < 4; i++) {
        Ctx c;
        c.sid = 1 + i;
        c.asid = static_cast<uint16_t>(10 + i);
        unsigned g = granules[rng_.below(3)];
        uint64_t root = r.alloc(uint64_t{1} << g, uint64_t{1} << g);
        // IA 40 bits: start level 4 - ceil((40 - G) / (G - 3)) (DDI 0487 D8.2)
        unsigned s = g - 3;
        int start = 4 - static_cast<int>((40 - g + s - 1) / s);
        c.t = std::make_unique<Tables>(r.mem(), 1, g, 40, 48, start, root);
        CdDesc cd;
        cd.t0sz = 24;
        cd.gshift = g;
        cd.asid = c.asid;
        cd.ttb0 = root;
        uint64_t cd_pa = r.alloc(64, 64);
        r.write_cd(cd_pa, cd);
        SteDesc ste;
        ste.config = 0b101;
        ste.s1_context_ptr = cd_pa;
        r.set_ste(c.sid, ste);
        add_ctx(std::move(c));
    }
    // One stream with a linear table of four CDs (S1CDMax = 2); substreams 1 and 2 have their
    // own ASIDs and tables (CD 0 is left invalid: only SSV traffic uses this stream).
    {
        uint64_t cdt = r.alloc(4 * 64, 256);
        SteDesc ste;
        ste.config = 0b101;
        ste.s1_context_ptr = cdt;
        ste.s1cdmax = 2;
        r.set_ste(5, ste);
        for (uint32_t ss = 1; ss <= 2; ss++) {
            Ctx c;
            c.sid = 5;
            c.ssv = true;
            c.ssid = ss;
            c.asid = static_cast<uint16_t>(20 + ss);
            unsigned g = granules[rng_.below(3)];
            uint64_t root = r.alloc(uint64_t{1} << g, uint64_t{1} << g);
            unsigned s = g - 3;
            int start = 4 - static_cast<int>((40 - g + s - 1) / s);
            c.t = std::make_unique<Tables>(r.mem(), 1, g, 40, 48, start, root);
            CdDesc cd;
            cd.t0sz = 24;
            cd.gshift = g;
            cd.asid = c.asid;
            cd.ttb0 = root;
            r.write_cd(cdt + 64 * ss, cd);
            add_ctx(std::move(c));
        }
    }
    // Two stage-2-only streams with their own VMIDs (IHI 0070 5.2, Config = 0b110).
    for (uint32_t i = 0; i < 2; i++) {
        Ctx c;
        c.sid = 6 + i;
        c.stage = 2;
        c.vmid = static_cast<uint16_t>(30 + i);
        unsigned g = granules[rng_.below(3)];
        unsigned s = g - 3;
        int start = 4 - static_cast<int>((40 - g + s - 1) / s);
        // The natural start level (4K: level 0, 16K: level 1, 64K: level 2), all encodable in
        // S2SL0 with a 48-bit PA size; the initial table is not concatenated.
        uint64_t bytes = uint64_t{8} << (40 - (g + s * static_cast<unsigned>(3 - start)));
        uint64_t root = r.alloc(bytes < 64 ? 64 : bytes, bytes < 64 ? 64 : bytes);
        c.t = std::make_unique<Tables>(r.mem(), 2, g, 40, 48, start, root);
        SteDesc ste;
        ste.config = 0b110;
        ste.s2vmid = c.vmid;
        ste.s2t0sz = 24;
        ste.s2gshift = g;
        ste.s2_start_level = start;
        ste.s2ttb = root;
        r.set_ste(c.sid, ste);
        add_ctx(std::move(c));
    }
    // Initial mappings: most IOVAs of every context are mapped.
    for (Ctx& c : ctx_)
        for (unsigned i = 0; i < kPages; i++)
            if (rng_.chance(85))
                map(c, page_iova(i), random_pa(c));
    // The tables were written before any translation: no invalidation is needed (IHI 0070
    // 3.21: only structures that may have been cached need one).
    for (Ctx& c : ctx_)
        c.stale.clear();
}

void Workload::add_ctx(Ctx c)
{
    c.region = static_cast<uint64_t>(ctx_.size() + 1) << 32;
    ctx_.push_back(std::move(c));
}

uint64_t Workload::random_pa(Ctx& c)
{
    unsigned g = c.t->gshift();
    return c.region + (rng_.below(kGiB >> g) << g);
}

void Workload::map(Ctx& c, uint64_t va, uint64_t pa)
{
    uint64_t slot = c.t->slot(va, 3, &Rig::alloc_page, rig_.get());
    if (!slot)
        throw std::logic_error("no slot");
    rig_->mem().write64(slot, pa ? c.t->leaf(pa, 3, false) : 0);
    auto it = c.cur.find(va);
    if (it != c.cur.end()) {
        if (it->second != pa)
            c.stale[va].insert(it->second);
        c.cur.erase(it);
    }
    if (pa)
        c.cur[va] = pa;
    if (opt_.strict) {
        // IHI 0070 4.4: TLBI_NH_VA for stage 1 (ASID, VA); a stage-2 change is invalidated
        // here with TLBI_S12_VMALL (S2_IPA would need a following NH_ALL as well, 4.4.3).
        if (c.stage == 1)
            rig_->submit({cmd::tlbi_nh_va(c.vmid, c.asid, va)});
        else
            rig_->submit({cmd::tlbi_s12_vmall(c.vmid)});
        if (c.stage == 1)
            c.stale.erase(va);
        else
            c.stale.clear();
    }
}

void Workload::fail(const std::string& what)
{
    if (failures_.size() < 20)
        failures_.push_back(what);
}

void Workload::translate(Ctx& c, uint64_t va, bool write)
{
    unsigned g = c.t->gshift();
    uint64_t off = rng_.below((uint64_t{1} << g) / 4) * 4;
    smmu_txn_t t = txn(c.sid, va + off, write);
    t.ssv = c.ssv;
    t.substream_id = c.ssid;
    t.port = static_cast<uint16_t>(rng_.below(opt_.ports));
    smmu_xlate_t x = rig_->xlate(t);
    note(x);
    translations_++;

    auto it = c.cur.find(va);
    auto st = c.stale.find(va);
    bool has_stale = st != c.stale.end() && !st->second.empty();
    char where[160];
    std::snprintf(where, sizeof where, "sid %u ssid %u iova 0x%llx %s: %s", c.sid, c.ssid,
                  static_cast<unsigned long long>(va + off), write ? "write" : "read",
                  describe(x).c_str());
    if (x.status == SMMU_XLATE_OK) {
        ok_++;
        // Isolation first: the output must be in this context's own region.
        if (x.pa < c.region || x.pa >= c.region + kGiB)
            fail(std::string("ISOLATION: PA outside the context's region: ") + where);
        uint64_t page = x.pa - off;
        bool cur = it != c.cur.end() && it->second == page;
        bool old = has_stale && st->second.count(page);
        if (old && !cur)
            stale_hits_++;
        if (!cur && !old)
            fail(std::string("PA is neither the mapping nor a stale one: ") + where);
        return;
    }
    if (x.status == SMMU_XLATE_FAULT) {
        recordable_++;  // CD.R = 1, STE.S2R = 1, no stall: every fault is recorded or counted
        bool unmapped = it == c.cur.end();
        bool expected = unmapped ? x.event.type == evt::F_TRANSLATION
                                 : has_stale && x.event.type == F_TLB_CONFLICT;
        if (!expected)
            fail(std::string("unexpected fault: ") + where);
        if (x.event.stream_id != c.sid || x.event.input_addr != va + off)
            fail(std::string("event record names another transaction: ") + where);
        return;
    }
    fail(std::string("unexpected status: ") + where);
}

void Workload::invalidate()
{
    Ctx& c = ctx_[rng_.below(ctx_.size())];
    switch (rng_.below(6)) {
    case 0:  // 4.4.1: one VA of one ASID (stage 1), or everything of a VMID (stage 2)
        if (c.stage == 1) {
            uint64_t va = page_iova(static_cast<unsigned>(rng_.below(kPages)));
            rig_->submit({cmd::tlbi_nh_va(c.vmid, c.asid, va)});
            c.stale.erase(va);
        } else {
            rig_->submit({cmd::tlbi_s12_vmall(c.vmid)});
            c.stale.clear();
        }
        note(1);
        break;
    case 1:  // 4.4.3: a whole ASID
        if (c.stage == 1) {
            rig_->submit({cmd::tlbi_nh_asid(c.vmid, c.asid)});
            c.stale.clear();
        }
        note(2);
        break;
    case 2:  // 4.4.2: every stage-1 entry of VMID 0
        rig_->submit({cmd::tlbi_nh_all(0)});
        for (Ctx& o : ctx_)
            if (o.stage == 1 && o.vmid == 0)
                o.stale.clear();
        note(3);
        break;
    case 3:  // 4.4.11: everything
        rig_->submit({cmd::tlbi_nsnh_all()});
        for (Ctx& o : ctx_)
            o.stale.clear();
        note(4);
        break;
    case 4:  // 4.3: configuration caches only; TLB entries stay
        rig_->submit({cmd::cfgi_all()});
        note(5);
        break;
    default:  // 4.4: an invalidation of an ASID nobody uses changes nothing visible
        rig_->submit({cmd::tlbi_nh_asid(0, 999)});
        note(6);
        break;
    }
}

void Workload::drain()
{
    for (const auto& rec : rig_->events())
        for (uint64_t w : rec)
            note(w);
    note(rig_->dev().rd32(reg::EVENTQ_PROD));
    note(rig_->dev().rd32(reg::GERROR));
}

void Workload::step()
{
    step_ = Digest();
    Ctx& c = ctx_[rng_.below(ctx_.size())];
    unsigned op = static_cast<unsigned>(rng_.below(100));
    if (op < 65) {
        translate(c, page_iova(static_cast<unsigned>(rng_.below(kPages))), rng_.chance(30));
    } else if (op < 72) {
        // an IOVA no context ever maps: a translation fault, recorded
        translate(c, page_iova(kPages + static_cast<unsigned>(rng_.below(8))), false);
    } else if (op < 84) {
        uint64_t va = page_iova(static_cast<unsigned>(rng_.below(kPages)));
        map(c, va, rng_.chance(20) ? 0 : random_pa(c));
        note(7);
    } else if (op < 94) {
        invalidate();
    } else {
        drain();
    }
    last_ = step_.value();
}

}  // namespace rob
