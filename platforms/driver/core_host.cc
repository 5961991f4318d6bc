// SPDX-License-Identifier: Apache-2.0
#include "core_host.h"

#include <cstring>
#include <string>

namespace smmuv3::drv {

CoreHost::CoreHost(const smmu_config_t& cfg, uint64_t ram_base, uint64_t ram_size,
                   uint64_t msi_base)
    : ram_base_(ram_base), ram_size_(ram_size), msi_base_(msi_base),
      ram_(static_cast<uint8_t*>(std::calloc(ram_size, 1)))
{
    if (!ram_)
        throw DriverError("cannot allocate " + std::to_string(ram_size) + " bytes of RAM");
    smmu_host_ops_t ops{};
    ops.version = SMMU_HOST_OPS_VERSION;
    ops.ctx = this;
    ops.mem_read = s_read;
    ops.mem_write = s_write;
    ops.mem_cas64 = s_cas;
    ops.mem_ptr = s_ptr;
    ops.irq = s_irq;
    const char* why = nullptr;
    if (smmu_config_check(&cfg, &why) != SMMU_OK)
        throw DriverError(std::string("configuration rejected: ") + (why ? why : "?"));
    smmu_status_t st = smmu_create(&cfg, &ops, &smmu_);
    if (st != SMMU_OK)
        throw DriverError(std::string("smmu_create: ") + smmu_status_str(st));
}

void CoreHost::free_deleter::operator()(uint8_t* p) const
{
    std::free(p);
}

CoreHost::~CoreHost()
{
    smmu_destroy(smmu_);
}

uint64_t CoreHost::reg_read(uint64_t off, unsigned size)
{
    uint64_t v = 0;
    if (smmu_mmio_read(smmu_, off, size, &v) != SMMU_OK)
        throw DriverError("register read refused at offset " + std::to_string(off));
    return v;
}

void CoreHost::reg_write(uint64_t off, unsigned size, uint64_t val)
{
    if (smmu_mmio_write(smmu_, off, size, val) != SMMU_OK)
        throw DriverError("register write refused at offset " + std::to_string(off));
}

void CoreHost::mem_write(uint64_t pa, const void* buf, size_t len)
{
    if (!in_ram(pa, len))
        throw DriverError("driver write outside RAM");
    std::memcpy(ram_.get() + (pa - ram_base_), buf, len);
}

void CoreHost::mem_read(uint64_t pa, void* buf, size_t len)
{
    if (!in_ram(pa, len))
        throw DriverError("driver read outside RAM");
    std::memcpy(buf, ram_.get() + (pa - ram_base_), len);
}

smmu_mem_result_t CoreHost::s_read(void* ctx, uint64_t pa, void* buf, size_t len,
                                   const smmu_mem_attr_t*)
{
    auto* h = static_cast<CoreHost*>(ctx);
    if (!h->in_ram(pa, len))
        return SMMU_MEM_ABORT;
    std::memcpy(buf, h->ram_.get() + (pa - h->ram_base_), len);
    return SMMU_MEM_OK;
}

smmu_mem_result_t CoreHost::s_write(void* ctx, uint64_t pa, const void* buf, size_t len,
                                    const smmu_mem_attr_t*)
{
    auto* h = static_cast<CoreHost*>(ctx);
    if (pa >= h->msi_base_ && pa - h->msi_base_ < 4096) {
        h->msis++;
        return SMMU_MEM_OK;
    }
    if (!h->in_ram(pa, len))
        return SMMU_MEM_ABORT;
    std::memcpy(h->ram_.get() + (pa - h->ram_base_), buf, len);
    return SMMU_MEM_OK;
}

smmu_mem_result_t CoreHost::s_cas(void* ctx, uint64_t pa, uint64_t e, uint64_t d, uint64_t* old,
                                  const smmu_mem_attr_t*)
{
    auto* h = static_cast<CoreHost*>(ctx);
    if (!h->in_ram(pa, 8))
        return SMMU_MEM_ABORT;
    uint8_t* p = h->ram_.get() + (pa - h->ram_base_);
    std::memcpy(old, p, 8);
    if (*old == e)
        std::memcpy(p, &d, 8);
    return SMMU_MEM_OK;
}

uint8_t* CoreHost::s_ptr(void* ctx, uint64_t pa, uint64_t* lo, uint64_t* hi)
{
    auto* h = static_cast<CoreHost*>(ctx);
    if (!h->offer_dmi || !h->in_ram(pa, 1))
        return nullptr;
    *lo = h->ram_base_;
    *hi = h->ram_base_ + h->ram_size_ - 1;
    return h->ram_.get() + (pa - h->ram_base_);
}

void CoreHost::s_irq(void* ctx, smmu_irq_t line, bool level)
{
    if (level)
        static_cast<CoreHost*>(ctx)->irqs[line]++;
}

}  // namespace smmuv3::drv
