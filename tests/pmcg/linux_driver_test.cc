// SPDX-License-Identifier: Apache-2.0
// The register sequence Linux's drivers/perf/arm_smmuv3_pmu.c uses (probe, event add/start,
// enable, read, overflow interrupt, stop), replayed against the model. The sequence is
// described here from the driver's behaviour; no driver code is used.
#include "pmcg_util.h"

namespace pmcg_test {
namespace {

// A minimal "driver" holding what the probe learns from the frame.
struct Driver {
    Rig& r;
    unsigned g;
    unsigned num_counters = 0;
    uint64_t counter_mask = 0;
    uint64_t supported[2] = {};
    bool global_filter = false;
    uint64_t prev[64] = {};
    uint64_t count[64] = {};

    Driver(Rig& rig, unsigned group) : r(rig), g(group) {}

    bool wide() const { return (counter_mask >> 32) & 1; }

    // probe: CFGR (RELOC_CTRS decides where the counters live), CEID0/1 with 64-bit reads,
    // NCTR + 1 counters, mask GENMASK(SIZE, 0); then reset and MSI setup.
    void probe(uint64_t doorbell, uint32_t msi_data)
    {
        uint32_t cfgr = r.r32(g, pm::CFGR);
        ASSERT_FALSE(cfgr & CFGR_RELOC_CTRS);  // counters in Page 0
        supported[0] = r.r64(g, pm::CEID0);
        supported[1] = r.r64(g, pm::CEID1);
        num_counters = cfgr_nctr(cfgr) + 1;
        global_filter = (cfgr & CFGR_SID_FILTER_TYPE) != 0;
        unsigned size = cfgr_size(cfgr);
        counter_mask = size == 63 ? ~UINT64_C(0) : (UINT64_C(1) << (size + 1)) - 1;
        // reset: disable (CR, IRQ_CTRL), then clear every counter's enables and overflow
        uint64_t present = num_counters == 64 ? ~UINT64_C(0)
                                              : (UINT64_C(1) << num_counters) - 1;
        r.w32(g, pm::CR, 0);
        r.w32(g, pm::IRQ_CTRL, 0);
        r.w64(g, pm::CNTENCLR0, present);
        r.w64(g, pm::INTENCLR0, present);
        r.w64(g, pm::OVSCLR0, present);
        // MSI: clear the address, check CFGR.MSI, write the message (address masked to
        // [51:2]), Device-nGnRE attributes
        r.w64(g, pm::IRQ_CFG0, 0);
        if (cfgr & CFGR_MSI) {
            r.w64(g, pm::IRQ_CFG0, doorbell & UINT64_C(0x000FFFFFFFFFFFFC));
            r.w32(g, pm::IRQ_CFG1, msi_data);
            r.w32(g, pm::IRQ_CFG2, 0x1);
        }
        (void)r.r32(g, pm::IIDR);
    }

    bool event_supported(unsigned ev) const { return (supported[ev / 64] >> (ev % 64)) & 1; }

    // event add (+ start): EVTYPER = event | span << 29 and SMR = sid (filtering off: span 1
    // and all-ones), INTENSET, then the period (half the counter range) and CNTENSET.
    void add(unsigned idx, unsigned ev, bool filter = false, bool span = false, uint32_t sid = 0)
    {
        ASSERT_TRUE(event_supported(ev)) << ev;
        uint32_t sp = filter ? span : 1u;
        uint32_t sm = filter ? sid : 0xFFFFFFFFu;
        r.w32(g, pm::EVTYPER0 + 4 * idx, ev | (sp << 29));
        r.w32(g, pm::SMR0 + 4 * idx, sm);
        r.w64(g, pm::INTENSET0, UINT64_C(1) << idx);
        set_period(idx);
        r.w64(g, pm::CNTENSET0, UINT64_C(1) << idx);
    }
    void set_period(unsigned idx)
    {
        uint64_t v = counter_mask >> 1;
        if (wide())
            r.w64(g, pm::EVCNTR0 + 8 * idx, v);
        else
            r.w32(g, pm::EVCNTR0 + 4 * idx, static_cast<uint32_t>(v));
        prev[idx] = v;
    }
    uint64_t read_counter(unsigned idx)
    {
        return wide() ? r.r64(g, pm::EVCNTR0 + 8 * idx) : r.r32(g, pm::EVCNTR0 + 4 * idx);
    }
    void update(unsigned idx)
    {
        uint64_t now = read_counter(idx);
        count[idx] += (now - prev[idx]) & counter_mask;
        prev[idx] = now;
    }
    // pmu_enable / pmu_disable
    void enable()
    {
        r.w32(g, pm::IRQ_CTRL, IRQ_CTRL_IRQEN);
        r.w32(g, pm::CR, CR_E);
    }
    void disable()
    {
        r.w32(g, pm::CR, 0);
        r.w32(g, pm::IRQ_CTRL, 0);
    }
    // interrupt handler: read OVSSET0, clear with OVSCLR0, update and re-arm each counter
    unsigned handle_irq()
    {
        uint64_t ovs = r.r64(g, pm::OVSSET0);
        if (!ovs)
            return 0;
        r.w64(g, pm::OVSCLR0, ovs);
        unsigned n = 0;
        for (unsigned idx = 0; idx < num_counters; idx++)
            if ((ovs >> idx) & 1) {
                update(idx);
                set_period(idx);
                n++;
            }
        return n;
    }
    void stop(unsigned idx)
    {
        r.w64(g, pm::CNTENCLR0, UINT64_C(1) << idx);
        update(idx);
    }
};

class PmcgLinux : public ::testing::TestWithParam<unsigned> {};

// perf stat -e smmuv3_pmcg/transaction,filter_enable=1,filter_span=1,filter_stream_id=0x42/
// together with cycles and config_struct_access, against real translations.
TEST_P(PmcgLinux, ProbeProgramCountRead)
{
    Rig r(config(1, 4, GetParam()));
    Driver d(r, 0);
    d.probe(MSI_DOORBELL, 0x4242);
    EXPECT_EQ(d.num_counters, 4u);
    EXPECT_FALSE(d.global_filter);
    for (unsigned ev = 0; ev < 8; ev++)
        EXPECT_TRUE(d.event_supported(ev)) << ev;
    EXPECT_FALSE(d.event_supported(8));
    r.enable();
    for (uint32_t sid : {0x41u, 0x42u, 0x43u}) {
        r.s2_stream(sid);
        r.map(sid, 0x1000, 0x7000 + 0x1000 * sid);
    }
    d.add(0, EV_TRANSACTION, true, true, 0x42);
    d.add(1, EV_CYCLES);
    d.add(2, EV_CONFIG_ACCESS);
    d.enable();
    for (uint32_t sid : {0x41u, 0x42u, 0x43u, 0x42u})
        ASSERT_EQ(r.xlate(sid, 0x1000).status, SMMU_XLATE_OK);
    smmu_advance_cycles(r.s, 1000);
    d.stop(0);
    d.stop(1);
    d.stop(2);
    d.disable();
    EXPECT_EQ(d.count[0], 3u);     // 0x42 twice and 0x43 once
    EXPECT_EQ(d.count[1], 1000u);
    EXPECT_EQ(d.count[2], 3u);     // three STE fetches
    // stopped counters stay put
    r.xlate(0x42, 0x1000);
    smmu_advance_cycles(r.s, 5);
    d.update(0);
    d.update(1);
    EXPECT_EQ(d.count[0], 3u);
    EXPECT_EQ(d.count[1], 1000u);
    EXPECT_TRUE(r.mem().msis().empty());
}

// A long run of cycles: the counter passes its maximum, the PMCG interrupts through the MSI
// the driver configured, and the handler's bookkeeping gives the exact total.
TEST_P(PmcgLinux, OverflowInterruptAndHandler)
{
    Rig r(config(1, 2, GetParam()));
    Driver d(r, 0);
    d.probe(MSI_DOORBELL, 0x99);
    d.add(0, EV_CYCLES);
    d.enable();
    uint64_t half = d.counter_mask >> 1;
    uint64_t step = half / 2 + 7;
    uint64_t total = 0;
    unsigned irqs = 0;
    for (int i = 0; i < 6; i++) {
        smmu_advance_cycles(r.s, step);
        total += step;
        if (r.pmcg_irqs() > irqs) {
            irqs = r.pmcg_irqs();
            EXPECT_EQ(d.handle_irq(), 1u);
        }
    }
    EXPECT_GE(irqs, 2u);
    std::vector<MemWrite> m = r.mem().msis();
    ASSERT_EQ(m.size(), irqs);
    EXPECT_EQ(m[0].pa, MSI_DOORBELL);
    EXPECT_EQ(m[0].data[0], 0x99u);
    d.stop(0);
    EXPECT_EQ(d.count[0], total);
    EXPECT_EQ(r.r64(0, pm::OVSSET0), 0u);
}

INSTANTIATE_TEST_SUITE_P(CounterBits, PmcgLinux, ::testing::Values(32u, 48u, 64u),
                         [](const ::testing::TestParamInfo<unsigned>& i) {
                             return "bits" + std::to_string(i.param);
                         });

}  // namespace
}  // namespace pmcg_test
