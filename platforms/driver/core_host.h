// SPDX-License-Identifier: Apache-2.0
// A host for the bare C core: one flat RAM region (direct pointers offered for it), an MSI
// doorbell that counts writes, and a Bus so the driver model can program the SMMU through
// smmu_mmio_*. Used by smmu-bench and by smmu-vp --core-only.
#ifndef SMMUV3_PLATFORMS_DRIVER_CORE_HOST_H
#define SMMUV3_PLATFORMS_DRIVER_CORE_HOST_H

#include <cstdint>
#include <cstdlib>
#include <memory>

#include "smmu_driver.h"
#include "smmuv3/smmuv3.h"

namespace smmuv3::drv {

class CoreHost : public Bus {
public:
    /// RAM [ram_base, ram_base + ram_size); an MSI doorbell page at msi_base.
    CoreHost(const smmu_config_t& cfg, uint64_t ram_base, uint64_t ram_size,
             uint64_t msi_base = 0x08000000);
    ~CoreHost() override;
    CoreHost(const CoreHost&) = delete;
    CoreHost& operator=(const CoreHost&) = delete;

    smmu_t* smmu() const { return smmu_; }
    uint8_t* ram() const { return ram_.get(); }
    uint64_t ram_base() const { return ram_base_; }
    uint64_t ram_size() const { return ram_size_; }
    uint64_t msi_base() const { return msi_base_; }

    // Bus
    uint64_t reg_read(uint64_t off, unsigned size) override;
    void reg_write(uint64_t off, unsigned size, uint64_t val) override;
    void mem_write(uint64_t pa, const void* buf, size_t len) override;
    void mem_read(uint64_t pa, void* buf, size_t len) override;
    uint8_t* backdoor(uint64_t pa, uint64_t len) override
    {
        return in_ram(pa, len) ? ram_.get() + (pa - ram_base_) : nullptr;
    }

    uint64_t msis = 0;
    uint64_t irqs[SMMU_IRQ_COUNT] = {};
    bool offer_dmi = true;

private:
    bool in_ram(uint64_t pa, size_t len) const
    {
        return pa >= ram_base_ && len <= ram_size_ && pa - ram_base_ <= ram_size_ - len;
    }
    static smmu_mem_result_t s_read(void*, uint64_t, void*, size_t, const smmu_mem_attr_t*);
    static smmu_mem_result_t s_write(void*, uint64_t, const void*, size_t,
                                     const smmu_mem_attr_t*);
    static smmu_mem_result_t s_cas(void*, uint64_t, uint64_t, uint64_t, uint64_t*,
                                   const smmu_mem_attr_t*);
    static uint8_t* s_ptr(void*, uint64_t, uint64_t*, uint64_t*);
    static void s_irq(void*, smmu_irq_t, bool);

    struct free_deleter {
        void operator()(uint8_t* p) const;
    };
    uint64_t ram_base_, ram_size_, msi_base_;
    std::unique_ptr<uint8_t[], free_deleter> ram_;  ///< calloc: pages are committed when used
    smmu_t* smmu_ = nullptr;
};

}  // namespace smmuv3::drv
#endif
