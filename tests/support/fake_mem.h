// SPDX-License-Identifier: Apache-2.0
// A host for tests: sparse RAM with fault injection, interrupt and MSI recording, and the
// smmu_host_ops_t that connects it to an SMMU instance.
#ifndef SMMUV3_TESTS_FAKE_MEM_H
#define SMMUV3_TESTS_FAKE_MEM_H

#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "smmuv3/smmuv3.h"

namespace smmu_test {

struct MemWrite {
    uint64_t pa;
    std::vector<uint8_t> data;
    smmu_access_kind_t kind;
};

class FakeMem {
public:
    // RAM covers [ram_base, ram_base + ram_size); everything else is an external abort.
    explicit FakeMem(uint64_t ram_base = 0, uint64_t ram_size = UINT64_C(1) << 40);

    // Host memory access (what the test, acting as the CPU, does).
    void write(uint64_t pa, const void* buf, size_t len);
    void read(uint64_t pa, void* buf, size_t len) const;
    void write64(uint64_t pa, uint64_t v);
    uint64_t read64(uint64_t pa) const;
    void write32(uint64_t pa, uint32_t v);
    uint32_t read32(uint64_t pa) const;
    void write_dwords(uint64_t pa, const uint64_t* dw, size_t n);
    bool is_ram(uint64_t pa, size_t len) const;

    // Fault injection: accesses overlapping [lo, hi] abort.
    void add_abort(uint64_t lo, uint64_t hi);
    void clear_aborts();

    // Offer direct pointers (mem_ptr) for RAM.
    bool offer_dmi = false;
    // Provide mem_cas64.
    bool offer_cas = true;

    // What the SMMU did.
    std::vector<MemWrite> smmu_writes;   // every SMMU-originated write, in order
    std::vector<MemWrite> msis() const;  // the SMMU_ACCESS_MSI writes
    unsigned irq_pulses[SMMU_IRQ_COUNT] = {};
    std::vector<std::string> log;
    uint64_t smmu_reads = 0;
    std::vector<smmu_atc_inv_t> atc_invs;
    smmu_atc_result_t atc_answer = SMMU_ATC_DONE;
    std::vector<smmu_pri_resp_t> pri_resps;
    std::vector<smmu_inval_t> invalidations;
    std::vector<std::pair<uint64_t, smmu_xlate_t>> stall_done;
    std::function<void(smmu_irq_t)> on_irq;

    smmu_host_ops_t ops();

private:
    uint8_t* page(uint64_t pa, bool create) const;
    bool aborts(uint64_t pa, size_t len) const;

    uint64_t ram_base_, ram_size_;
    mutable std::map<uint64_t, std::unique_ptr<uint8_t[]>> pages_;
    std::vector<std::pair<uint64_t, uint64_t>> aborts_;

    static smmu_mem_result_t s_read(void* ctx, uint64_t pa, void* buf, size_t len,
                                    const smmu_mem_attr_t* a);
    static smmu_mem_result_t s_write(void* ctx, uint64_t pa, const void* buf, size_t len,
                                     const smmu_mem_attr_t* a);
    static smmu_mem_result_t s_cas(void* ctx, uint64_t pa, uint64_t e, uint64_t d, uint64_t* old,
                                   const smmu_mem_attr_t* a);
    static uint8_t* s_ptr(void* ctx, uint64_t pa, uint64_t* lo, uint64_t* hi);
    static void s_irq(void* ctx, smmu_irq_t line, bool level);
    static void s_log(void* ctx, smmu_log_t cat, const char* msg);
    static smmu_atc_result_t s_atc(void* ctx, const smmu_atc_inv_t* inv);
    static void s_pri(void* ctx, const smmu_pri_resp_t* r);
    static void s_stall(void* ctx, uint64_t cookie, const smmu_xlate_t* x);
    static void s_inval(void* ctx, const smmu_inval_t* i);
};

// An SMMU instance bound to a FakeMem, destroyed with it.
struct Smmu {
    FakeMem mem;
    smmu_t* s = nullptr;
    smmu_config_t cfg;

    explicit Smmu(const smmu_config_t& c, uint64_t ram_base = 0,
                  uint64_t ram_size = UINT64_C(1) << 40);
    explicit Smmu(const char* preset = "default");
    ~Smmu();
    Smmu(const Smmu&) = delete;
    Smmu& operator=(const Smmu&) = delete;

    uint32_t rd32(uint64_t off);
    uint64_t rd64(uint64_t off);
    void wr32(uint64_t off, uint32_t v);
    void wr64(uint64_t off, uint64_t v);
};

}  // namespace smmu_test
#endif
