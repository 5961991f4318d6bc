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
    /// Called while the driver waits for CMDQ_CONS to reach CMDQ_PROD, with the number of
    /// commands still outstanding, so a timed platform can sleep until they should be done
    /// (as a CPU in WFE would) instead of polling at a fixed period. Default: poll_wait().
    virtual void wait_commands(unsigned outstanding)
    {
        (void)outstanding;
        poll_wait();
    }
    /// Optional backdoor: a host pointer to the bytes [pa, pa + len) of memory, or nullptr.
    /// The driver asks once for the whole range of its PageAllocator and then reads and
    /// writes its tables and queues through the pointer (the TLM DMI idea).
    virtual uint8_t* backdoor(uint64_t pa, uint64_t len)
    {
        (void)pa;
        (void)len;
        return nullptr;
    }
};

/// Zeroed page-aligned allocations from a physical range (the driver's DMA memory).
class PageAllocator {
public:
    PageAllocator(uint64_t base, uint64_t size) : base_(base), next_(base), end_(base + size) {}
    uint64_t alloc(uint64_t size, uint64_t align);
    uint64_t used_end() const { return next_; }
    uint64_t base() const { return base_; }
    uint64_t size() const { return end_ - base_; }

private:
    uint64_t base_, next_, end_;
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
    /// The last-level table the driver last reached, and the input-address region it maps
    /// (ia >> (gshift + gshift - 3)): a page mapped or unmapped in that region is one
    /// descriptor access. Dropped (0) whenever the driver rewrites an entry above level 3.
    uint64_t leaf_table = 0, leaf_region = 0;
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

/// A command in decoded form (IHI 0070 chapter 4). Driver::command() encodes it; fields a
/// command does not have are ignored. Opcodes are those of Table 4-1.
struct Command {
    uint8_t opcode = 0;
    uint32_t sid = 0;          ///< StreamID (first StreamID of CFGI_STE_RANGE)
    uint32_t ssid = 0;         ///< SubstreamID
    bool ssv = false;          ///< SubstreamID valid (PREFETCH_*, ATC_INV, PRI_RESP)
    uint8_t range = 0;         ///< CFGI_STE_RANGE: 2^(range+1) StreamIDs
    uint16_t vmid = 0, asid = 0;
    uint64_t addr = 0;         ///< VA (TLBI_*_VA*), IPA (TLBI_S2_IPA), ATC_INV/PREFETCH_ADDR
    uint8_t tg = 0;            ///< range invalidation granule: 1 = 4K, 2 = 16K, 3 = 64K, 0 = none
    uint64_t num = 0;          ///< range TLBI: granules to invalidate (see command())
    uint8_t ttl = 0;           ///< TTL level hint
    bool leaf = false;
    uint8_t size = 0;          ///< ATC_INV / PREFETCH_ADDR Size
    uint8_t cs = 0;            ///< CMD_SYNC completion signal: 0 none, 1 IRQ (MSI), 2 SEV
    uint8_t msh = 0, msiattr = 0;
    uint32_t msidata = 0;
    uint64_t msiaddr = 0;      ///< CMD_SYNC MSI address (bits [55:2] are encoded)
    uint16_t stag = 0;         ///< RESUME
    uint8_t resp = 0;          ///< PRI_RESP response code
    uint16_t prgidx = 0;       ///< PRI_RESP group index
    bool global = false;       ///< ATC_INV Global
    bool ac = false, ab = false; ///< RESUME Ac / Ab
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
    /// Page-table edit only: remove every mapping inside [iova, iova+size) without any
    /// invalidation (the caller sends the TLBIs). A block that straddles an end of the range
    /// is split into next-level entries first, so the parts outside the range stay mapped
    /// (as Linux's io-pgtable does); a page of a 16K/64K granule that the range only partly
    /// covers is removed whole.
    void clear(Domain* d, uint64_t iova, uint64_t size);
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
    /// Queue a command given in decoded form, the way a replayer of captured commands needs:
    /// range TLBIs (tg != 0, num != 0) use scale = ctz(num) and NUM = (num >> scale) - 1,
    /// split into several commands when NUM would exceed 31 (4.4.1.1); a CMD_SYNC is
    /// published and waited for (with its own CS/MSI fields as given).
    void command(const Command& c);
    /// Pack a command into two dwords. The NUM and SCALE fields of TLBIs are the arguments
    /// (4.4.1.1); c.num is not used.
    static void encode(const Command& c, unsigned num_field, unsigned scale, uint64_t dw[2]);

    /// Drain the event queue.
    std::vector<Event> events();

    uint32_t idr(unsigned n) const { return idr_[n]; }
    uint64_t commands_issued() const { return ncmds_; }
    uint64_t syncs() const { return nsyncs_; }
    /// Command errors met while waiting (GERROR.CMDQ_ERR); each faulty command was replaced
    /// by a CMD_SYNC and the queue restarted, as Linux does.
    uint64_t command_errors() const { return ncmd_errors_; }
    const DriverOptions& options() const { return opt_; }

private:
    void check_map(const Domain* d, uint64_t iova, uint64_t size, unsigned leaf_shift) const;
    uint64_t table_alloc(unsigned gshift, unsigned entries);
    void write_ste(uint32_t sid, const uint64_t ste[8]);
    void write_cd(Domain* d);
    void set_pte(Domain* d, uint64_t root, int start, unsigned ia_bits, uint64_t ia,
                 uint64_t desc, unsigned leaf_shift, bool stage2);
    uint64_t leaf_desc(const Domain* d, uint64_t pa, unsigned prot, unsigned leaf_shift,
                       bool stage2) const;
    void wait_cons(uint32_t prod);
    void skip_cmd_error(uint32_t cons);
    void clear_table(Domain* d, uint64_t table, int level, unsigned bits, uint64_t base,
                     uint64_t lo, uint64_t hi);
    uint64_t read_pte(uint64_t pa) const;
    uint64_t leaf_slot(const Domain* d, uint64_t ia) const;
    void write_pte(uint64_t pa, uint64_t v);
    void mem_write(uint64_t pa, const void* buf, size_t len);

    Bus& bus_;
    PageAllocator& pages_;
    DriverOptions opt_;
    uint32_t idr_[6] = {};
    uint64_t strtab_ = 0, cmdq_ = 0, evtq_ = 0;
    uint32_t cmdq_prod_ = 0, cmdq_cons_ = 0, evtq_cons_ = 0, gerrorn_ = 0;
    uint64_t ncmds_ = 0, nsyncs_ = 0, ncmd_errors_ = 0;
    uint8_t* mem_ = nullptr;   ///< backdoor to [pages_.base(), +size()), or nullptr
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
