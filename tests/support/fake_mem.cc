// SPDX-License-Identifier: Apache-2.0
#include "fake_mem.h"

#include <stdexcept>

namespace smmu_test {

static constexpr uint64_t kPage = 4096;

FakeMem::FakeMem(uint64_t ram_base, uint64_t ram_size) : ram_base_(ram_base), ram_size_(ram_size) {}

bool FakeMem::is_ram(uint64_t pa, size_t len) const
{
    if (len == 0)
        return true;
    uint64_t last = pa + len - 1;
    return last >= pa && pa >= ram_base_ && last - ram_base_ < ram_size_;
}

uint8_t* FakeMem::page(uint64_t pa, bool create) const
{
    uint64_t key = pa / kPage;
    auto it = pages_.find(key);
    if (it != pages_.end())
        return it->second.get();
    if (!create)
        return nullptr;
    auto p = std::make_unique<uint8_t[]>(kPage);
    std::memset(p.get(), 0, kPage);
    uint8_t* raw = p.get();
    pages_.emplace(key, std::move(p));
    return raw;
}

void FakeMem::write(uint64_t pa, const void* buf, size_t len)
{
    const uint8_t* b = static_cast<const uint8_t*>(buf);
    while (len) {
        size_t off = pa % kPage, n = std::min<size_t>(len, kPage - off);
        std::memcpy(page(pa, true) + off, b, n);
        pa += n;
        b += n;
        len -= n;
    }
}

void FakeMem::read(uint64_t pa, void* buf, size_t len) const
{
    uint8_t* b = static_cast<uint8_t*>(buf);
    while (len) {
        size_t off = pa % kPage, n = std::min<size_t>(len, kPage - off);
        const uint8_t* p = page(pa, false);
        if (p)
            std::memcpy(b, p + off, n);
        else
            std::memset(b, 0, n);
        pa += n;
        b += n;
        len -= n;
    }
}

void FakeMem::write64(uint64_t pa, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = static_cast<uint8_t>(v >> (8 * i));
    write(pa, b, 8);
}

uint64_t FakeMem::read64(uint64_t pa) const
{
    uint8_t b[8];
    read(pa, b, 8);
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | b[i];
    return v;
}

void FakeMem::write32(uint64_t pa, uint32_t v)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++)
        b[i] = static_cast<uint8_t>(v >> (8 * i));
    write(pa, b, 4);
}

uint32_t FakeMem::read32(uint64_t pa) const
{
    uint8_t b[4];
    read(pa, b, 4);
    return static_cast<uint32_t>(b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<uint32_t>(b[3]) << 24));
}

void FakeMem::write_dwords(uint64_t pa, const uint64_t* dw, size_t n)
{
    for (size_t i = 0; i < n; i++)
        write64(pa + 8 * i, dw[i]);
}

void FakeMem::add_abort(uint64_t lo, uint64_t hi)
{
    aborts_.emplace_back(lo, hi);
}

void FakeMem::clear_aborts()
{
    aborts_.clear();
}

bool FakeMem::aborts(uint64_t pa, size_t len) const
{
    if (!is_ram(pa, len))
        return true;
    uint64_t last = pa + len - 1;
    for (auto& a : aborts_)
        if (pa <= a.second && last >= a.first)
            return true;
    return false;
}

std::vector<MemWrite> FakeMem::msis() const
{
    std::vector<MemWrite> v;
    for (auto& w : smmu_writes)
        if (w.kind == SMMU_ACCESS_MSI)
            v.push_back(w);
    return v;
}

smmu_mem_result_t FakeMem::s_read(void* ctx, uint64_t pa, void* buf, size_t len,
                                  const smmu_mem_attr_t*)
{
    auto* m = static_cast<FakeMem*>(ctx);
    m->smmu_reads++;
    if (m->aborts(pa, len))
        return SMMU_MEM_ABORT;
    m->read(pa, buf, len);
    return SMMU_MEM_OK;
}

smmu_mem_result_t FakeMem::s_write(void* ctx, uint64_t pa, const void* buf, size_t len,
                                   const smmu_mem_attr_t* a)
{
    auto* m = static_cast<FakeMem*>(ctx);
    const uint8_t* b = static_cast<const uint8_t*>(buf);
    m->smmu_writes.push_back({pa, std::vector<uint8_t>(b, b + len), a ? a->kind : SMMU_ACCESS_MSI});
    if (m->aborts(pa, len))
        return SMMU_MEM_ABORT;
    m->write(pa, buf, len);
    return SMMU_MEM_OK;
}

smmu_mem_result_t FakeMem::s_cas(void* ctx, uint64_t pa, uint64_t e, uint64_t d, uint64_t* old,
                                 const smmu_mem_attr_t*)
{
    auto* m = static_cast<FakeMem*>(ctx);
    if (m->aborts(pa, 8))
        return SMMU_MEM_ABORT;
    *old = m->read64(pa);
    if (*old == e) {
        m->write64(pa, d);
        uint8_t b[8];
        for (int i = 0; i < 8; i++)
            b[i] = static_cast<uint8_t>(d >> (8 * i));
        m->smmu_writes.push_back({pa, std::vector<uint8_t>(b, b + 8), SMMU_ACCESS_HTTU});
    }
    return SMMU_MEM_OK;
}

uint8_t* FakeMem::s_ptr(void* ctx, uint64_t pa, uint64_t* lo, uint64_t* hi)
{
    auto* m = static_cast<FakeMem*>(ctx);
    if (!m->offer_dmi || m->aborts(pa, 1))
        return nullptr;
    for (auto& a : m->aborts_)
        if (pa / kPage == a.first / kPage || pa / kPage == a.second / kPage)
            return nullptr;
    *lo = pa & ~(kPage - 1);
    *hi = *lo + kPage - 1;
    return m->page(pa, true) + (pa % kPage);
}

void FakeMem::s_irq(void* ctx, smmu_irq_t line, bool level)
{
    auto* m = static_cast<FakeMem*>(ctx);
    if (level) {
        m->irq_pulses[line]++;
        if (m->on_irq)
            m->on_irq(line);
    }
}

void FakeMem::s_log(void* ctx, smmu_log_t, const char* msg)
{
    static_cast<FakeMem*>(ctx)->log.emplace_back(msg);
}

smmu_atc_result_t FakeMem::s_atc(void* ctx, const smmu_atc_inv_t* inv)
{
    auto* m = static_cast<FakeMem*>(ctx);
    m->atc_invs.push_back(*inv);
    return m->atc_answer;
}

void FakeMem::s_pri(void* ctx, const smmu_pri_resp_t* r)
{
    static_cast<FakeMem*>(ctx)->pri_resps.push_back(*r);
}

void FakeMem::s_stall(void* ctx, uint64_t cookie, const smmu_xlate_t* x)
{
    static_cast<FakeMem*>(ctx)->stall_done.emplace_back(cookie, *x);
}

void FakeMem::s_inval(void* ctx, const smmu_inval_t* i)
{
    static_cast<FakeMem*>(ctx)->invalidations.push_back(*i);
}

smmu_host_ops_t FakeMem::ops()
{
    smmu_host_ops_t o{};
    o.version = SMMU_HOST_OPS_VERSION;
    o.ctx = this;
    o.mem_read = s_read;
    o.mem_write = s_write;
    o.mem_cas64 = offer_cas ? s_cas : nullptr;
    o.mem_ptr = s_ptr;
    o.irq = s_irq;
    o.log = s_log;
    o.atc_inv = s_atc;
    o.pri_resp = s_pri;
    o.stall_done = s_stall;
    o.invalidated = s_inval;
    return o;
}

Smmu::Smmu(const smmu_config_t& c, uint64_t ram_base, uint64_t ram_size)
    : mem(ram_base, ram_size), cfg(c)
{
    smmu_host_ops_t o = mem.ops();
    if (smmu_create(&cfg, &o, &s) != SMMU_OK)
        throw std::runtime_error("smmu_create failed");
}

static smmu_config_t preset(const char* name)
{
    smmu_config_t c;
    if (smmu_config_preset(name, &c) != SMMU_OK)
        throw std::runtime_error(std::string("unknown preset ") + name);
    return c;
}

Smmu::Smmu(const char* p) : Smmu(preset(p)) {}

Smmu::~Smmu()
{
    smmu_destroy(s);
}

uint32_t Smmu::rd32(uint64_t off)
{
    uint64_t v = 0;
    if (smmu_mmio_read(s, off, 4, &v) != SMMU_OK)
        throw std::runtime_error("mmio read refused");
    return static_cast<uint32_t>(v);
}

uint64_t Smmu::rd64(uint64_t off)
{
    uint64_t v = 0;
    if (smmu_mmio_read(s, off, 8, &v) != SMMU_OK)
        throw std::runtime_error("mmio read refused");
    return v;
}

void Smmu::wr32(uint64_t off, uint32_t v)
{
    if (smmu_mmio_write(s, off, 4, v) != SMMU_OK)
        throw std::runtime_error("mmio write refused");
}

void Smmu::wr64(uint64_t off, uint64_t v)
{
    if (smmu_mmio_write(s, off, 8, v) != SMMU_OK)
        throw std::runtime_error("mmio write refused");
}

}  // namespace smmu_test
