// SPDX-License-Identifier: Apache-2.0
// Memory attributes of the SMMU's own accesses as the host sees them (smmu_mem_attr_t):
// queue and stream-table accesses follow SMMU_CR1 (6.3.11), register-configured MSIs follow
// SMMU_*_IRQ_CFG2 (6.3.23) and CMD_SYNC MSIs the command's MSIAttr/MSH (4.7.3). MemAttr uses
// the STE.MemAttr encoding: 0b00xx Device, otherwise Normal with outer [3:2] and inner [1:0]
// (01 Non-cacheable, 10 Write-Through, 11 Write-Back).
#include "regs_util.h"

namespace regs_test {
namespace {

// A host that records the attributes of every SMMU access and forwards it to a FakeMem.
class AttrSpy {
public:
    explicit AttrSpy(const char* preset_name)
    {
        inner_ = mem.ops();
        smmu_host_ops_t o = inner_;
        o.ctx = this;
        o.mem_read = s_read;
        o.mem_write = s_write;
        o.mem_ptr = nullptr;
        smmu_config_t c = preset(preset_name);
        if (smmu_create(&c, &o, &s) != SMMU_OK)
            throw std::runtime_error("smmu_create");
    }
    ~AttrSpy() { smmu_destroy(s); }
    AttrSpy(const AttrSpy&) = delete;
    AttrSpy& operator=(const AttrSpy&) = delete;

    void wr32(uint64_t o, uint32_t v) { ASSERT_EQ(smmu_mmio_write(s, o, 4, v), SMMU_OK); }
    void wr64(uint64_t o, uint64_t v) { ASSERT_EQ(smmu_mmio_write(s, o, 8, v), SMMU_OK); }
    uint32_t rd32(uint64_t o)
    {
        uint64_t v = 0;
        EXPECT_EQ(smmu_mmio_read(s, o, 4, &v), SMMU_OK);
        return static_cast<uint32_t>(v);
    }
    // The first recorded access of a kind.
    const smmu_mem_attr_t* find(const std::vector<smmu_mem_attr_t>& v, smmu_access_kind_t k)
    {
        for (const auto& a : v)
            if (a.kind == k)
                return &a;
        return nullptr;
    }

    FakeMem mem;
    smmu_t* s = nullptr;
    std::vector<smmu_mem_attr_t> reads, writes;

private:
    static smmu_mem_result_t s_read(void* ctx, uint64_t pa, void* buf, size_t len,
                                    const smmu_mem_attr_t* a)
    {
        auto* me = static_cast<AttrSpy*>(ctx);
        me->reads.push_back(*a);
        return me->inner_.mem_read(me->inner_.ctx, pa, buf, len, a);
    }
    static smmu_mem_result_t s_write(void* ctx, uint64_t pa, const void* buf, size_t len,
                                     const smmu_mem_attr_t* a)
    {
        auto* me = static_cast<AttrSpy*>(ctx);
        me->writes.push_back(*a);
        return me->inner_.mem_write(me->inner_.ctx, pa, buf, len, a);
    }
    smmu_host_ops_t inner_;
};

// One CMD_SYNC on a queue at 0x40000 with CR1 = cr1.
void run_sync(AttrSpy& h, uint32_t cr1, const Cmd& c)
{
    h.wr32(off::CR1, cr1);
    h.wr64(off::CMDQ_BASE, 0x40000 | 2);
    h.mem.write64(0x40000, c.dw0);
    h.mem.write64(0x40008, c.dw1);
    h.wr32(off::CR0, CR0_CMDQEN);
    h.wr32(off::CMDQ_PROD, 1);
}

TEST(AccessAttr, CommandFetchFollowsCr1QueueFields)
{
    // CR1: QUEUE_IC = 01 (WB), QUEUE_OC = 10 (WT), QUEUE_SH = 11 (ISH) -> MemAttr 0b1011
    AttrSpy h("default");
    run_sync(h, (3u << 4) | (2u << 2) | 1u, cmd_sync());
    const smmu_mem_attr_t* a = h.find(h.reads, SMMU_ACCESS_CMDQ);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->memattr, 0xBu);
    EXPECT_EQ(a->sh, 3u);
}

TEST(AccessAttr, NonCacheableQueueIsOuterShareable)
{
    // 6.3.11: with QUEUE_OC == QUEUE_IC == 0b00 QUEUE_SH is IGNORED and behaves as OSH
    AttrSpy h("default");
    run_sync(h, 3u << 4, cmd_sync());
    const smmu_mem_attr_t* a = h.find(h.reads, SMMU_ACCESS_CMDQ);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->memattr, 0x5u);
    EXPECT_EQ(a->sh, 2u);
}

TEST(AccessAttr, ReservedEncodingsAreTreatedAsZero)
{
    // 6.3.11: cacheability 0b11 and shareability 0b01 are reserved, treated as 0b00
    AttrSpy h("default");
    run_sync(h, (1u << 4) | (1u << 2) | 3u, cmd_sync()); // IC = 11 -> NC, OC = WB, SH = 01
    const smmu_mem_attr_t* a = h.find(h.reads, SMMU_ACCESS_CMDQ);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->memattr, 0xDu); // outer WB (11), inner NC (01)
    EXPECT_EQ(a->sh, 0u);
}

TEST(AccessAttr, CmdSyncMsiUsesMsiAttrAndMsh)
{
    AttrSpy h("default");
    run_sync(h, 0xD75, cmd_sync(CS_IRQ, 0x9000, 1, 0xF, 3)); // Normal WB, ISH
    const smmu_mem_attr_t* a = h.find(h.writes, SMMU_ACCESS_MSI);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->memattr, 0xFu);
    EXPECT_EQ(a->sh, 3u);
}

TEST(AccessAttr, DeviceOrNonCacheableMsiIsOuterShareable)
{
    // 4.7.3: MSH is IGNORED for any-Device or Normal-iNC-oNC; effectively Outer Shareable
    for (unsigned memattr : {0x1u, 0x5u}) {
        AttrSpy h("default");
        run_sync(h, 0xD75, cmd_sync(CS_IRQ, 0x9000, 1, memattr, 3));
        const smmu_mem_attr_t* a = h.find(h.writes, SMMU_ACCESS_MSI);
        ASSERT_NE(a, nullptr);
        EXPECT_EQ(a->memattr, memattr);
        EXPECT_EQ(a->sh, 2u) << memattr;
    }
}

TEST(AccessAttr, RegisterMsiUsesIrqCfg2)
{
    // 6.3.23: GERROR_IRQ_CFG2.SH [5:4], MemAttr [3:0]
    AttrSpy h("default");
    h.wr64(off::GERROR_IRQ_CFG0, 0xB000);
    h.wr32(off::GERROR_IRQ_CFG1, 1);
    h.wr32(off::GERROR_IRQ_CFG2, (3u << 4) | 0xF);
    h.wr32(off::IRQ_CTRL, IRQ_CTRL_GERROR_IRQEN);
    run_sync(h, 0, cmd_raw(0x00)); // CERROR_ILL -> GERROR interrupt
    ASSERT_EQ(h.rd32(off::CMDQ_CONS) >> 24, CERROR_ILL);
    const smmu_mem_attr_t* a = h.find(h.writes, SMMU_ACCESS_MSI);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->memattr, 0xFu);
    EXPECT_EQ(a->sh, 3u);
}

TEST(AccessAttr, EventRecordWriteFollowsCr1QueueFields)
{
    AttrSpy h("default");
    // TABLE: SH = ISH, OC = WT, IC = WB; QUEUE: SH = OSH, OC = WB, IC = WB
    h.wr32(off::CR1, (3u << 10) | (2u << 8) | (1u << 6) | (2u << 4) | (1u << 2) | 1u);
    h.wr64(off::STRTAB_BASE, 0x100000);
    h.wr32(off::STRTAB_BASE_CFG, 4);
    h.wr64(off::EVENTQ_BASE, 0x200000 | 3);
    h.wr32(off::CR0, CR0_EVENTQEN | CR0_SMMUEN);
    smmu_txn_t t{};
    t.stream_id = 1;
    smmu_xlate_t x{};
    smmu_translate(h.s, &t, &x);
    const smmu_mem_attr_t* ev = h.find(h.writes, SMMU_ACCESS_EVTQ);
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->memattr, 0xFu);
    EXPECT_EQ(ev->sh, 2u);
    // the STE fetch uses the TABLE_* fields (6.3.11)
    const smmu_mem_attr_t* ste = h.find(h.reads, SMMU_ACCESS_STE);
    ASSERT_NE(ste, nullptr);
    EXPECT_EQ(ste->memattr, 0xBu);
    EXPECT_EQ(ste->sh, 3u);
}

}  // namespace
}  // namespace regs_test
