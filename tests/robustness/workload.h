// SPDX-License-Identifier: Apache-2.0
// A seeded random workload over several translation contexts that use the same IOVAs with
// different tables: stage-1 streams with their own ASIDs, two substreams of one stream with
// their own CDs and ASIDs, and stage-2 streams with their own VMIDs. Each context maps its
// IOVAs into its own 1 GiB PA region. The workload remaps and unmaps pages (with or without
// the invalidation that should follow), invalidates, translates on random ports, floods the
// event queue, and drains it now and then.
//
// It checks, for every OK translation, that the PA is the context's current mapping or one
// of its own stale mappings that no invalidation has removed yet (IHI 0070 3.17, 4.4: a TLB
// may hold old translations until they are invalidated, but only of the same context), and
// never in another context's region. It also keeps a digest of everything it observes, so
// the determinism tests can compare two runs.
#ifndef SMMUV3_TESTS_ROBUSTNESS_WORKLOAD_H
#define SMMUV3_TESTS_ROBUSTNESS_WORKLOAD_H

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "rob_rig.h"

namespace rob {

class Workload {
public:
    struct Options {
        bool strict = false;     // invalidate after every remap (then only the current PA is allowed)
        unsigned ports = 2;      // transactions use ports 0..ports-1
        unsigned evtq_log2 = 3;  // a small event queue that overflows
    };

    Workload(const smmu_config_t& cfg, uint64_t seed, const Options& o);
    Workload(const smmu_config_t& cfg, uint64_t seed) : Workload(cfg, seed, Options()) {}

    void step();                          // one random operation
    void run(unsigned steps)
    {
        for (unsigned i = 0; i < steps; i++)
            step();
    }

    Rig& rig() { return *rig_; }
    uint64_t digest() const { return digest_.value(); }
    uint64_t step_digest() const { return last_; }  // digest of the last step only
    const std::vector<std::string>& failures() const { return failures_; }
    unsigned translations() const { return translations_; }
    unsigned ok() const { return ok_; }
    unsigned stale_hits() const { return stale_hits_; }
    unsigned recordable_faults() const { return recordable_; }
    unsigned contexts() const { return static_cast<unsigned>(ctx_.size()); }

private:
    struct Ctx {
        uint32_t sid = 0;
        bool ssv = false;
        uint32_t ssid = 0;
        int stage = 1;
        uint16_t asid = 0, vmid = 0;
        uint64_t region = 0;                        // PA region [region, region + 1 GiB)
        std::unique_ptr<Tables> t;
        std::map<uint64_t, uint64_t> cur;           // page IOVA -> page PA
        std::map<uint64_t, std::set<uint64_t>> stale;
    };

    void add_ctx(Ctx c);
    uint64_t page_iova(unsigned i) const { return 0x40000000ull + 0x10000ull * i; }
    uint64_t random_pa(Ctx& c);
    void map(Ctx& c, uint64_t va, uint64_t pa);     // pa == 0: unmap
    void translate(Ctx& c, uint64_t va, bool write);
    void invalidate();
    void drain();
    void fail(const std::string& what);
    void note(uint64_t v) { digest_.add(v); step_.add(v); }
    void note(const smmu_xlate_t& x) { digest_.add(x); step_.add(x); }

    Options opt_;
    Rng rng_;
    std::unique_ptr<Rig> rig_;
    std::vector<Ctx> ctx_;
    Digest digest_, step_;
    uint64_t last_ = 0;
    std::vector<std::string> failures_;
    unsigned translations_ = 0, ok_ = 0, stale_hits_ = 0, recordable_ = 0;
    static constexpr unsigned kPages = 24;          // IOVAs shared by every context
};

}  // namespace rob
#endif
