// SPDX-License-Identifier: Apache-2.0
// The driver model's additions for replay: commands encoded from their decoded fields
// (golden dwords from IHI 0070 chapter 4, written out by hand), range TLBIs split into
// NUM/SCALE chunks, page-table edits without invalidation (block splitting), and command
// errors skipped the way Linux does.
#include <functional>
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <vector>

#include "core_host.h"
#include "smmu_driver.h"

namespace {

namespace drv = smmuv3::drv;

// A register file that answers like an idle SMMU and records every command written to the
// command queue (CMDQ_CONS follows CMDQ_PROD at once).
struct RecordingBus : drv::Bus {
    std::map<uint64_t, uint64_t> regs;
    std::map<uint64_t, uint8_t> mem;  // sparse bytes by address
    std::vector<std::pair<uint64_t, uint64_t>> cmds;
    uint64_t cmdq_base = 0;

    uint64_t reg_read(uint64_t off, unsigned) override
    {
        switch (off) {
        case 0x4: return (8u << 21) | (7u << 16);  // IDR1: CMDQS 8, EVENTQS 7
        case 0xC: return 1u << 10;                 // IDR3: RIL
        case 0x14: return 5;                       // IDR5: OAS 48 bits
        case 0x24: return regs[0x20];              // CR0ACK = CR0
        case 0x54: return regs[0x50];              // IRQ_CTRLACK = IRQ_CTRL
        case 0x9C: return regs[0x98];              // CMDQ_CONS = CMDQ_PROD
        default: return regs[off];
        }
    }
    void reg_write(uint64_t off, unsigned, uint64_t val) override
    {
        regs[off] = val;
        if (off == 0x90)
            cmdq_base = val & 0x000FFFFFFFFFFFE0ull;
    }
    void mem_write(uint64_t pa, const void* buf, size_t len) override
    {
        const auto* b = static_cast<const uint8_t*>(buf);
        if (len == 16 && cmdq_base && pa >= cmdq_base && pa < cmdq_base + (16u << 8)) {
            uint64_t d[2];
            std::memcpy(d, b, 16);
            cmds.emplace_back(d[0], d[1]);
        }
        for (size_t i = 0; i < len; i++)
            mem[pa + i] = b[i];
    }
    void mem_read(uint64_t pa, void* buf, size_t len) override
    {
        auto* b = static_cast<uint8_t*>(buf);
        for (size_t i = 0; i < len; i++) {
            auto it = mem.find(pa + i);
            b[i] = it == mem.end() ? 0 : it->second;
        }
    }
};

struct DriverRig {
    RecordingBus bus;
    drv::PageAllocator pages{0x40000000, 16 << 20};
    drv::Driver d{bus, pages};
    DriverRig()
    {
        d.init();
        bus.cmds.clear();
    }
};

drv::Command tlbi_nh_va(uint64_t addr, uint64_t num)
{
    drv::Command c;
    c.opcode = 0x12;
    c.vmid = 0;
    c.asid = 1;
    c.addr = addr;
    c.tg = 1;
    c.num = num;
    c.ttl = 3;
    c.leaf = true;
    return c;
}

TEST(DriverEncode, TlbiNhVaRangeGolden)
{
    // CMD_TLBI_NH_VA (4.4.2): opcode 0x12, NUM [16:12], SCALE [25:20], VMID [47:32],
    // ASID [63:48]; Leaf [64], TTL [73:72], TG [75:74], Address [127:76].
    drv::Command c = tlbi_nh_va(0xffe00000, 0);
    uint64_t dw[2];
    drv::Driver::encode(c, 16, 0, dw);
    EXPECT_EQ(dw[0], 0x0001000000010012ull);
    EXPECT_EQ(dw[1], 0x00000000ffe00701ull);
    drv::Driver::encode(c, 0, 6, dw);
    EXPECT_EQ(dw[0], 0x0001000000600012ull);
}

TEST(DriverEncode, OtherCommandsGolden)
{
    uint64_t dw[2];
    drv::Command c;
    c.opcode = 0x04;  // CMD_CFGI_STE_RANGE, Range 31 = CMD_CFGI_ALL (4.3.5)
    c.range = 31;
    drv::Driver::encode(c, 0, 0, dw);
    EXPECT_EQ(dw[0], 0x04ull);
    EXPECT_EQ(dw[1], 0x1Full);
    c = {};
    c.opcode = 0x05;  // CMD_CFGI_CD: SubstreamID [31:12], StreamID [63:32], Leaf [64]
    c.sid = 0x18;
    c.ssid = 0x5;
    c.leaf = true;
    drv::Driver::encode(c, 0, 0, dw);
    EXPECT_EQ(dw[0], 0x0000001800005005ull);
    EXPECT_EQ(dw[1], 1u);
    c = {};
    c.opcode = 0x11;  // CMD_TLBI_NH_ASID
    c.asid = 3;
    c.vmid = 2;
    drv::Driver::encode(c, 0, 0, dw);
    EXPECT_EQ(dw[0], 0x0003000200000011ull);
    c = {};
    c.opcode = 0x46;  // CMD_SYNC: CS [13:12], MSH [23:22], MSIAttr [27:24], MSIData [63:32],
    c.cs = 1;         // MSIAddr [119:66]
    c.msh = 3;
    c.msiattr = 0xF;
    c.msidata = 0xCAFE;
    c.msiaddr = 0x40001234;
    drv::Driver::encode(c, 0, 0, dw);
    EXPECT_EQ(dw[0], 0x0000CAFE0FC01046ull);
    EXPECT_EQ(dw[1], 0x40001234ull);
    c = {};
    c.opcode = 0x2A;  // CMD_TLBI_S2_IPA: IPA [119:76] only
    c.vmid = 9;
    c.addr = 0xFF12345678901000ull;
    drv::Driver::encode(c, 0, 0, dw);
    EXPECT_EQ(dw[0], 0x000000090000002Aull);
    EXPECT_EQ(dw[1], 0x0012345678901000ull);
}

TEST(DriverCommand, RangeTlbiUsesCtzScaleAndSplitsLargeNum)
{
    DriverRig r;
    // 17 pages: scale = ctz(17) = 0, NUM = 16: one command
    r.d.command(tlbi_nh_va(0xffe00000, 17));
    // 64 pages: scale = 6, NUM = 0
    r.d.command(tlbi_nh_va(0x10000000, 64));
    // 33 pages: NUM would be 32: 32 pages, then 1 page after them
    r.d.command(tlbi_nh_va(0x20000000, 33));
    ASSERT_EQ(r.bus.cmds.size(), 4u);
    EXPECT_EQ(r.bus.cmds[0].first, 0x0001000000010012ull);
    EXPECT_EQ(r.bus.cmds[1].first, 0x0001000000600012ull);
    EXPECT_EQ(r.bus.cmds[1].second, 0x0000000010000701ull);
    EXPECT_EQ(r.bus.cmds[2].first, 0x000100000001F012ull);
    EXPECT_EQ(r.bus.cmds[2].second, 0x0000000020000701ull);
    EXPECT_EQ(r.bus.cmds[3].first, 0x0001000000000012ull);
    EXPECT_EQ(r.bus.cmds[3].second, 0x0000000020020701ull);
}

TEST(DriverCommand, SyncIsPublishedAndWaitedFor)
{
    DriverRig r;
    r.d.command(tlbi_nh_va(0x1000, 1));
    const uint64_t prod_before = r.bus.regs[0x98], syncs_before = r.d.syncs();
    drv::Command s;
    s.opcode = 0x46;
    r.d.command(s);
    EXPECT_NE(r.bus.regs[0x98], prod_before);  // CMDQ_PROD written
    EXPECT_EQ(r.bus.cmds.size(), 2u);
    EXPECT_EQ(r.d.syncs(), syncs_before + 1);
}

// Page tables on a real core host: clear() removes exactly the range, splitting blocks.
struct TableRig {
    smmu_config_t cfg = smmu_config_default();
    drv::CoreHost host{cfg, 0x40000000, 64 << 20};
    drv::PageAllocator pages{0x40000000, 64 << 20};
    drv::Driver d{host, pages};
    drv::Domain* dom;
    TableRig()
    {
        d.init();
        dom = d.new_s1_domain(1);
    }
};

TEST(DriverClear, SplitsABlockAndKeepsTheRest)
{
    TableRig r;
    r.d.map(r.dom, 0x200000, 0x80000000, 0x200000, drv::PROT_READ | drv::PROT_WRITE, 21);
    uint64_t pa = 0;
    unsigned leaf = 0;
    ASSERT_TRUE(r.d.lookup(r.dom, 0x201000, &pa, &leaf));
    EXPECT_EQ(leaf, 21u);
    r.d.clear(r.dom, 0x201000, 0x2000);
    EXPECT_FALSE(r.d.lookup(r.dom, 0x201000, nullptr, nullptr));
    EXPECT_FALSE(r.d.lookup(r.dom, 0x202fff, nullptr, nullptr));
    ASSERT_TRUE(r.d.lookup(r.dom, 0x200abc, &pa, &leaf));
    EXPECT_EQ(pa, 0x80000abcu);
    EXPECT_EQ(leaf, 12u);
    ASSERT_TRUE(r.d.lookup(r.dom, 0x3ff000, &pa, &leaf));
    EXPECT_EQ(pa, 0x801ff000u);
}

// The driver writes a page of the last-level table it reached last time directly
// (Domain::leaf_table); a block written over that table's region, or removed, must drop the
// shortcut so that later pages go where a walk finds them.
TEST(DriverTables, LastLevelShortcutFollowsBlockMapsAndRemovals)
{
    TableRig r;
    const unsigned rw = drv::PROT_READ | drv::PROT_WRITE;
    uint64_t pa = 0;
    unsigned leaf = 0;
    r.d.map(r.dom, 0x200000, 0x80000000, 0x1000, rw);  // reaches the table of 0x200000-0x3fffff
    r.d.map(r.dom, 0x203000, 0x80003000, 0x1000, rw);  // through the shortcut
    ASSERT_TRUE(r.d.lookup(r.dom, 0x203010, &pa, &leaf));
    EXPECT_EQ(pa, 0x80003010u);
    EXPECT_EQ(leaf, 12u);
    // a 2 MiB block replaces the level-2 table descriptor of that region
    r.d.map(r.dom, 0x200000, 0x90000000, 0x200000, rw, 21);
    ASSERT_TRUE(r.d.lookup(r.dom, 0x203010, &pa, &leaf));
    EXPECT_EQ(pa, 0x90003010u);
    EXPECT_EQ(leaf, 21u);
    // a page mapped there again walks: a new table replaces the block
    r.d.map(r.dom, 0x205000, 0x81005000, 0x1000, rw);
    ASSERT_TRUE(r.d.lookup(r.dom, 0x205020, &pa, &leaf));
    EXPECT_EQ(pa, 0x81005020u);
    EXPECT_EQ(leaf, 12u);
    // a page cleared through the shortcut is gone, its neighbour stays
    r.d.map(r.dom, 0x206000, 0x81006000, 0x1000, rw);
    r.d.clear(r.dom, 0x205000, 0x1000);
    EXPECT_FALSE(r.d.lookup(r.dom, 0x205000, nullptr, nullptr));
    EXPECT_TRUE(r.d.lookup(r.dom, 0x206000, nullptr, nullptr));
    // a block cleared whole drops the shortcut; the next page there walks and is found
    r.d.map(r.dom, 0x400000, 0xA0000000, 0x200000, rw, 21);
    r.d.clear(r.dom, 0x400000, 0x200000);
    EXPECT_FALSE(r.d.lookup(r.dom, 0x400000, nullptr, nullptr));
    r.d.map(r.dom, 0x207000, 0x81007000, 0x1000, rw);
    ASSERT_TRUE(r.d.lookup(r.dom, 0x207000, &pa, nullptr));
    EXPECT_EQ(pa, 0x81007000u);
    r.d.map(r.dom, 0x401000, 0xA1001000, 0x1000, rw);
    ASSERT_TRUE(r.d.lookup(r.dom, 0x401000, &pa, &leaf));
    EXPECT_EQ(pa, 0xA1001000u);
    EXPECT_EQ(leaf, 12u);
    // clearing the whole 2 MiB region removes its table descriptor: the next page walks
    r.d.clear(r.dom, 0x400000, 0x200000);
    EXPECT_FALSE(r.d.lookup(r.dom, 0x401000, nullptr, nullptr));
    r.d.map(r.dom, 0x402000, 0xA2002000, 0x1000, rw);
    ASSERT_TRUE(r.d.lookup(r.dom, 0x402000, &pa, &leaf));
    EXPECT_EQ(pa, 0xA2002000u);
    EXPECT_EQ(leaf, 12u);
}

TEST(DriverClear, IssuesNoCommands)
{
    TableRig r;
    r.d.map(r.dom, 0x10000, 0x80010000, 0x4000, drv::PROT_READ);
    const uint64_t before = r.d.commands_issued();
    r.d.clear(r.dom, 0x11000, 0x2000);
    EXPECT_EQ(r.d.commands_issued(), before);
    EXPECT_TRUE(r.d.lookup(r.dom, 0x10000, nullptr, nullptr));
    EXPECT_FALSE(r.d.lookup(r.dom, 0x11000, nullptr, nullptr));
    EXPECT_FALSE(r.d.lookup(r.dom, 0x12000, nullptr, nullptr));
    EXPECT_TRUE(r.d.lookup(r.dom, 0x13000, nullptr, nullptr));
    r.d.unmap(r.dom, 0x13000, 0x1000);  // unmap = clear + TLBI + SYNC
    EXPECT_GT(r.d.commands_issued(), before);
}

TEST(DriverErrors, IllegalCommandIsSkippedLikeLinux)
{
    // A Secure TLBI on the Non-secure queue is CERROR_ILL (4.1.5); the driver replaces it by
    // a CMD_SYNC, acknowledges GERROR.CMDQ_ERR and the queue goes on.
    TableRig r;
    drv::Command bad;
    bad.opcode = 0x60;  // CMD_TLBI_SNH_ALL
    r.d.command(bad);
    drv::Command s;
    s.opcode = 0x46;
    r.d.command(s);
    EXPECT_EQ(r.d.command_errors(), 1u);
    smmu_stats_t st;
    smmu_stats_get(r.host.smmu(), &st);
    EXPECT_EQ(st.cmd_errors, 1u);
    r.d.command(s);  // still working
    EXPECT_EQ(r.d.command_errors(), 1u);
}


// Absurd requests are refused before anything is written, with a message naming them.
std::string driver_error(const std::function<void()>& f)
{
    try {
        f();
    } catch (const drv::DriverError& e) {
        return e.what();
    }
    return "";
}

TEST(DriverErrors, MapBeyondTheTableMemoryIsRefusedUpFront)
{
    TableRig r;
    const uint64_t used = r.pages.used_end();
    // 16 TiB of 4 KiB pages needs 32 GiB of leaf tables; the rig has 64 MiB
    std::string e = driver_error([&] {
        r.d.map(r.dom, 0, 0x80000000, 1ull << 44, drv::PROT_READ);
    });
    EXPECT_NE(e.find("map of 0x100000000000 bytes at 0x0"), std::string::npos) << e;
    EXPECT_NE(e.find("bytes of page tables"), std::string::npos) << e;
    EXPECT_EQ(r.pages.used_end(), used);  // no table was allocated
    EXPECT_FALSE(r.d.lookup(r.dom, 0, nullptr, nullptr));
}

TEST(DriverErrors, MapBeyondTheInputRangeIsRefused)
{
    TableRig r;  // 48-bit stage-1 domain
    std::string e = driver_error([&] {
        r.d.map(r.dom, (1ull << 48) - 0x1000, 0x80000000, 0x2000, drv::PROT_READ);
    });
    EXPECT_NE(e.find("beyond the 48-bit input range"), std::string::npos) << e;
    e = driver_error([&] { r.d.map(r.dom, ~0ull - 0xfff, 0x80000000, 0x2000, drv::PROT_READ); });
    EXPECT_NE(e.find("beyond the 48-bit input range"), std::string::npos) << e;
}

TEST(DriverErrors, LinearStreamTableTooLargeIsRefusedAndSidsizeClamps)
{
    smmu_config_t cfg = smmu_config_default();
    cfg.sidsize = 24;  // the driver may still choose a linear table (6.3.24)
    drv::CoreHost host{cfg, 0x40000000, 64 << 20};
    drv::PageAllocator pages{0x40000000, 64 << 20};
    drv::DriverOptions o;
    o.strtab_2level = false;
    o.strtab_log2 = 40;  // clamped to IDR1.SIDSIZE first, as Linux sizes the table
    drv::Driver d{host, pages, o};
    std::string e = driver_error([&] { d.init(); });
    // 2^24 STEs of 64 bytes = 1 GiB > 64 MiB of table memory
    EXPECT_NE(e.find("a linear stream table of 2^24 STEs (1073741824 bytes)"), std::string::npos) << e;
    EXPECT_NE(e.find("use a 2-level stream table"), std::string::npos) << e;
}

}  // namespace
