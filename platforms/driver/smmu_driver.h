// SPDX-License-Identifier: Apache-2.0
// A driver model that programs an SMMUv3 the way Linux's arm-smmu-v3 driver does: probe,
// stream table, command and event queues, context descriptors, stage-1 (and stage-2) page
// tables in simulated memory, map/unmap with TLBI + CMD_SYNC. It reaches the SMMU and the
// memory only through a Bus, so the same driver runs against the bare C core (benchmarks,
// core-only replay) and against the SystemC platform (register socket + memory backdoor).
#ifndef SMMUV3_PLATFORMS_DRIVER_SMMU_DRIVER_H
#define SMMUV3_PLATFORMS_DRIVER_SMMU_DRIVER_H

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace smmuv3::drv {

/// What the driver needs from the platform.
struct Bus {
    virtual ~Bus() = default;
    virtual uint64_t reg_read(uint64_t off, unsigned size) = 0;
    virtual void reg_write(uint64_t off, unsigned size, uint64_t val) = 0;
    virtual void mem_write(uint64_t pa, const void* buf, size_t len) = 0;
    virtual void mem_read(uint64_t pa, void* buf, size_t len) = 0;
    /// Called while the driver polls a register (lets a timed platform advance time).
    virtual void poll_wait() {}
};

/// Zeroed page-aligned allocations from a physical range (the driver's DMA memory).
class PageAllocator {
public:
    PageAllocator(uint64_t base, uint64_t size) : next_(base), end_(base + size) {}
    uint64_t alloc(uint64_t size, uint64_t align);
    uint64_t used_end() const { return next_; }

private:
    uint64_t next_, end_;
};

struct DriverError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Page permissions for map().
enum Prot : unsigned { PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4, PROT_PRIV = 8 };

/// One translation context (a Linux iommu_domain): a page table, an ASID and/or VMID.
struct Domain {
    enum Kind { S1, S2, NESTED, BYPASS, ABORT } kind = S1;
    uint16_t asid = 0;
    uint16_t vmid = 0;
    unsigned gshift = 12;      ///< granule (12, 14, 16)
    unsigned ia_bits = 48;     ///< input address size
    uint64_t root = 0;         ///< stage-1 (or stage-2 for S2) table base
    uint64_t cd = 0;           ///< context descriptor address
    Domain* s2 = nullptr;      ///< nested: the stage-2 domain
    int start_level = 0;
};

struct DriverOptions {
    unsigned strtab_log2 = 8;    ///< StreamIDs covered
    bool strtab_2level = false;
    unsigned cmdq_log2 = 8;
    unsigned evtq_log2 = 7;
    bool msi = false;            ///< use MSIs for EVENTQ/GERROR (needs an MSI doorbell)
    uint64_t evtq_msi_addr = 0, gerror_msi_addr = 0;
    bool record_faults = true;   ///< CD.R
    bool use_range_tlbi = true;  ///< TLBI with TG/NUM/SCALE when IDR3.RIL (Linux does)
    bool leaf_tlbi = true;       ///< Leaf = 1 on unmap (Linux does)
};

/// Decoded event record as the driver sees it.
struct Event {
    uint64_t raw[4];
    unsigned type() const { return static_cast<unsigned>(raw[0] & 0xFF); }
    uint32_t sid() const { return static_cast<uint32_t>(raw[0] >> 32); }
    uint64_t input_addr() const { return raw[2]; }
};

class Driver {
public:
    Driver(Bus& bus, PageAllocator& pages, DriverOptions opt = {});

    /// Linux-like probe and initialisation (arm_smmu_device_reset): IDRs, disable, queues,
    /// stream table, CFGI_ALL + TLBI_NSNH_ALL + SYNC, IRQs, enable.
    void init();

    /// Create translation contexts.
    Domain* new_s1_domain(uint16_t asid, unsigned gshift = 12, unsigned ia_bits = 48);
    Domain* new_s2_domain(uint16_t vmid, unsigned gshift = 12, unsigned ia_bits = 40);
    Domain* new_nested_domain(uint16_t asid, uint16_t vmid, unsigned gshift = 12);
    Domain* new_bypass_domain();

    /// Point a StreamID at a domain: writes the STE, CFGI_STE + SYNC.
    void attach(uint32_t sid, Domain* d);

    /// Map [iova, iova+size) to pa with the given permissions, leaf size 2^leaf_shift
    /// (a page or a block of the domain's granule). Nested domains: iova is the VA and pa
    /// the IPA, and stage 2 maps IPA == PA identically (see identity_s2()).
    void map(Domain* d, uint64_t iova, uint64_t pa, uint64_t size, unsigned prot,
             unsigned leaf_shift = 0);
    /// Unmap and invalidate (TLBI_NH_VA or TLBI_S2_IPA, then CMD_SYNC).
    void unmap(Domain* d, uint64_t iova, uint64_t size);
    /// Change the output address of one mapped page/block in place, with invalidation.
    void remap(Domain* d, uint64_t iova, uint64_t pa, unsigned prot, unsigned leaf_shift = 0);
    /// Nested domains: map the stage-2 identity for [pa, pa+size).
    void identity_s2(Domain* d, uint64_t pa, uint64_t size);

    /// Current output address and leaf size of a mapping, if any.
    bool lookup(const Domain* d, uint64_t iova, uint64_t* pa, unsigned* leaf_shift) const;

    /// Commands.
    void cmd(uint64_t dw0, uint64_t dw1);          ///< queue one command (publish later)
    void publish();                                 ///< write CMDQ_PROD
    void sync();                                    ///< queue CMD_SYNC, publish, wait
    void tlbi_va(const Domain* d, uint64_t iova, uint64_t size, bool leaf);
    void tlbi_asid(const Domain* d);
    void tlbi_all();
    void cfgi_ste(uint32_t sid);
    void cfgi_all();

    /// Drain the event queue.
    std::vector<Event> events();

    uint32_t idr(unsigned n) const { return idr_[n]; }
    uint64_t commands_issued() const { return ncmds_; }
    uint64_t syncs() const { return nsyncs_; }
    const DriverOptions& options() const { return opt_; }

private:
    uint64_t table_alloc(unsigned gshift, unsigned entries);
    void write_ste(uint32_t sid, const uint64_t ste[8]);
    void write_cd(Domain* d);
    void set_pte(Domain* d, uint64_t root, int start, unsigned ia_bits, uint64_t ia,
                 uint64_t desc, unsigned leaf_shift, bool stage2);
    uint64_t leaf_desc(const Domain* d, uint64_t pa, unsigned prot, unsigned leaf_shift,
                       bool stage2) const;
    void wait_cons(uint32_t prod);
    uint64_t read_pte(uint64_t pa) const;
    void write_pte(uint64_t pa, uint64_t v);

    Bus& bus_;
    PageAllocator& pages_;
    DriverOptions opt_;
    uint32_t idr_[6] = {};
    uint64_t strtab_ = 0, cmdq_ = 0, evtq_ = 0;
    uint32_t cmdq_prod_ = 0, evtq_cons_ = 0;
    uint64_t ncmds_ = 0, nsyncs_ = 0;
    bool ril_ = false;
    std::vector<Domain*> domains_;
    std::map<uint64_t, uint64_t> l2_strtab_;  ///< 2-level: L1 index -> L2 table PA

public:
    ~Driver();
    Driver(const Driver&) = delete;
    Driver& operator=(const Driver&) = delete;
};

}  // namespace smmuv3::drv
#endif
