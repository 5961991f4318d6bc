// SPDX-License-Identifier: Apache-2.0
// Replay of every register access a real Linux arm-smmu-v3 driver (kernels 6.12 and 6.1)
// made while probing QEMU's SMMUv3 (../shared/traces, format in FORMAT.md) against the model
// configured as "qemu-virt". Writes are replayed; every read whose value the trace can
// predict is compared with what QEMU returned.
//
// The trace does not carry the command-queue memory. Before each CMDQ_PROD write the slots
// being published are filled with real commands: either synthesised from NAME.cmd.xz (the
// commands QEMU consumed, in queue order) or CMD_SYNC (opcode 0x46, CS = SIG_NONE). With
// valid commands in the queue, CMDQ_CONS is predictable and compared as well.
#include <lzma.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "regs_util.h"

#ifndef SMMU_TRACE_DIR
#define SMMU_TRACE_DIR ""
#endif

namespace regs_test {
namespace {

// Decompress a whole .xz file; false if it cannot be read.
bool read_xz(const std::string& path, std::string* out)
{
    std::ifstream f(path, std::ios::binary);
    if (!f)
        return false;
    std::string in((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    lzma_stream s = LZMA_STREAM_INIT;
    if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK)
        return false;
    s.next_in = reinterpret_cast<const uint8_t*>(in.data());
    s.avail_in = in.size();
    std::vector<uint8_t> buf(1 << 16);
    lzma_ret r = LZMA_OK;
    out->clear();
    while (r == LZMA_OK) {
        s.next_out = buf.data();
        s.avail_out = buf.size();
        r = lzma_code(&s, LZMA_FINISH);
        out->append(reinterpret_cast<const char*>(buf.data()), buf.size() - s.avail_out);
    }
    lzma_end(&s);
    return r == LZMA_STREAM_END;
}

std::vector<std::vector<std::string>> records(const std::string& text)
{
    std::vector<std::vector<std::string>> v;
    std::istringstream is(text);
    std::string line;
    while (std::getline(is, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        std::istringstream ls(line);
        std::vector<std::string> f;
        std::string w;
        while (ls >> w)
            f.push_back(w);
        v.push_back(f);
    }
    return v;
}

uint64_t hex(const std::string& s) { return std::stoull(s, nullptr, 16); }

struct MmioRec {
    uint64_t seq;
    bool write;
    uint64_t off;
    unsigned size;
    uint64_t value;
    std::string reg;
    bool bus_error;
};

struct CmdRec {
    uint64_t seq;
    std::string name;
    std::map<std::string, std::string> args;
};

// Encode a command as QEMU decoded it (FORMAT.md "NAME.cmd.xz") into its 16-byte form,
// using the spec's field positions (chapter 4, via regs_util.h).
bool encode(const CmdRec& c, Cmd* out, std::string* why)
{
    auto arg = [&](const char* k, uint64_t def) {
        auto it = c.args.find(k);
        return it == c.args.end() ? def : std::stoull(it->second, nullptr, 0);
    };
    auto arghex = [&](const char* k, uint64_t def) {
        auto it = c.args.find(k);
        return it == c.args.end() ? def : hex(it->second);
    };
    if (c.name == "SYNC") {
        // Linux without MSI polling uses CS = SIG_SEV; QEMU's IDR0.SEV == 0 makes it SIG_NONE
        *out = cmd_sync(CS_SEV);
    } else if (c.name == "CFGI_STE_RANGE") {
        uint64_t start = arghex("start", 0), end = arghex("end", 0xFFFFFFFF);
        if (start == 0 && end == 0xFFFFFFFF) {
            *out = cmd_cfgi_all();
        } else {
            uint64_t n = end - start + 1;
            unsigned range = 0;
            while ((UINT64_C(2) << range) < n)
                range++;
            *out = cmd_cfgi_ste_range(static_cast<uint32_t>(start), range);
        }
    } else if (c.name == "CFGI_STE") {
        *out = cmd_cfgi_ste(static_cast<uint32_t>(arghex("sid", 0)));
    } else if (c.name == "CFGI_CD") {
        *out = cmd_cfgi_cd(static_cast<uint32_t>(arghex("sid", 0)), 0);
    } else if (c.name == "CFGI_CD_ALL") {
        *out = cmd_cfgi_cd_all(static_cast<uint32_t>(arghex("sid", 0)));
    } else if (c.name == "PREFETCH_CONFIG") {
        *out = cmd_raw(0x01, cmd_sid(static_cast<uint32_t>(arghex("sid", 0))));
    } else if (c.name == "TLBI_NSNH_ALL") {
        *out = cmd_tlbi_nsnh_all();
    } else if (c.name == "TLBI_NH_ALL") {
        *out = cmd_tlbi_nh_all(static_cast<uint16_t>(arg("vmid", 0)));
    } else if (c.name == "TLBI_NH_ASID") {
        *out = cmd_tlbi_nh_asid(static_cast<uint16_t>(arg("vmid", 0)),
                                static_cast<uint16_t>(arg("asid", 0)));
    } else if (c.name == "TLBI_NH_VA" || c.name == "TLBI_NH_VAA") {
        unsigned tg = static_cast<unsigned>(arg("tg", 0)), num = 0, scale = 0;
        if (tg) {
            // range = (NUM + 1) * 2^SCALE pages (4.4.1.1)
            uint64_t pages = arghex("num_pages", 1);
            while (pages > 1 && !(pages & 1)) {
                pages >>= 1;
                scale++;
            }
            if (pages > 32) {
                *why = "num_pages not encodable";
                return false;
            }
            num = static_cast<unsigned>(pages - 1);
        }
        *out = cmd_tlbi_va(c.name == "TLBI_NH_VA" ? 0x12 : 0x13,
                           static_cast<uint16_t>(arg("vmid", 0)),
                           static_cast<uint16_t>(arg("asid", 0)), arghex("addr", 0),
                           arg("leaf", 0) != 0, tg, num, scale,
                           static_cast<unsigned>(arg("ttl", 0)));
    } else {
        *why = "no encoding for " + c.name;
        return false;
    }
    return true;
}

enum class Fill { FromCmdTrace, CmdSync };

struct ReplayCase {
    const char* name; // capture NAME in SMMU_TRACE_DIR
    Fill fill;
};

// gtest prints the case name instead of the bytes of the parameter
void PrintTo(const ReplayCase& c, std::ostream* os) { *os << c.name; }

class Replay : public ::testing::TestWithParam<ReplayCase> {};

TEST_P(Replay, ReadsMatchQemu)
{
    const ReplayCase& rc = GetParam();
    const std::string dir = SMMU_TRACE_DIR;
    std::string text;
    if (dir.empty() || !read_xz(dir + "/" + rc.name + ".mmio.xz", &text))
        GTEST_SKIP() << "trace " << rc.name << ".mmio.xz not found in '" << dir
                     << "' (shared/traces/data next to the repository)";
    std::vector<MmioRec> mmio;
    for (const auto& f : records(text)) {
        ASSERT_GE(f.size(), 7u);
        mmio.push_back({std::stoull(f[0]), f[2] == "W", hex(f[3]),
                        static_cast<unsigned>(std::stoul(f[4])), hex(f[5]), f[6],
                        f.size() > 7 && f[7].rfind("ERR=", 0) == 0});
    }
    ASSERT_GT(mmio.size(), 20u);

    std::vector<CmdRec> cmds;
    if (rc.fill == Fill::FromCmdTrace) {
        std::string ctext;
        if (!read_xz(dir + "/" + rc.name + ".cmd.xz", &ctext))
            GTEST_SKIP() << "trace " << rc.name << ".cmd.xz not found";
        for (const auto& f : records(ctext)) {
            if (f.size() < 4 || f[2] != "CMD")
                continue;
            CmdRec c{std::stoull(f[0]), f[3], {}};
            for (size_t i = 4; i < f.size(); i++) {
                size_t eq = f[i].find('=');
                if (eq != std::string::npos)
                    c.args[f[i].substr(0, eq)] = f[i].substr(eq + 1);
            }
            cmds.push_back(c);
        }
        ASSERT_FALSE(cmds.empty());
    }

    Smmu d("qemu-virt");
    uint64_t cmdq_base = 0; // CMDQ_BASE as the driver programmed it
    uint32_t prod = 0;
    size_t next_cmd = 0;
    uint64_t last_prod_seq = 0;
    unsigned compared = 0, cons_compared = 0, published = 0;
    std::map<std::string, unsigned> reads_by_reg;

    for (const MmioRec& m : mmio) {
        SCOPED_TRACE("seq " + std::to_string(m.seq) + " " + (m.write ? "W " : "R ") + m.reg);
        ASSERT_FALSE(m.bus_error) << "QEMU returned a bus error; not expected in these captures";
        if (m.write) {
            if (m.off == off::CMDQ_BASE && m.size == 8)
                cmdq_base = m.value;
            else if (m.off == off::CMDQ_BASE)
                cmdq_base = (cmdq_base & ~UINT64_C(0xFFFFFFFF)) | m.value;
            else if (m.off == off::CMDQ_BASE + 4)
                cmdq_base = (cmdq_base & UINT64_C(0xFFFFFFFF)) | (m.value << 32);
            if (m.off == off::CMDQ_PROD) {
                // publish (new - old) commands: put real ones into those slots first
                const unsigned l2 = static_cast<unsigned>(cmdq_base & 0x1F);
                const uint64_t base = cmdq_base & UINT64_C(0x00FFFFFFFFFFFFE0);
                const uint32_t np = static_cast<uint32_t>(m.value) & q_wrap_mask(l2);
                for (uint32_t p = prod; p != np; p = q_inc(p, l2)) {
                    Cmd c = cmd_sync();
                    if (rc.fill == Fill::FromCmdTrace) {
                        ASSERT_LT(next_cmd, cmds.size()) << "more commands published than consumed";
                        const CmdRec& cr = cmds[next_cmd++];
                        // FORMAT.md: a command is consumed right after the CMDQ_PROD write
                        // that published it (its seq lies between the two PROD writes)
                        EXPECT_GT(cr.seq, last_prod_seq) << cr.name;
                        EXPECT_LT(cr.seq, m.seq) << cr.name;
                        std::string why;
                        ASSERT_TRUE(encode(cr, &c, &why)) << why;
                    }
                    d.mem.write64(base + 16u * q_idx(p, l2), c.dw0);
                    d.mem.write64(base + 16u * q_idx(p, l2) + 8, c.dw1);
                    published++;
                }
                prod = np;
                last_prod_seq = m.seq;
            }
            ASSERT_EQ(smmu_mmio_write(d.s, m.off, m.size, m.value), SMMU_OK);
            continue;
        }
        uint64_t v = 0;
        ASSERT_EQ(smmu_mmio_read(d.s, m.off, m.size, &v), SMMU_OK);
        reads_by_reg[m.reg]++;
        // The producer indices of the output queues depend on DMA traffic that an MMIO
        // replay does not reproduce; everything else (IDRs, CR0/CR0ACK, IRQ_CTRLACK, GBPA,
        // GERROR, bases and configuration, CMDQ_CONS with the queue filled) is compared.
        if (m.reg == "EVENTQ_PROD" || m.reg == "PRIQ_PROD")
            continue;
        EXPECT_EQ(v, m.value) << std::hex << "offset 0x" << m.off << ": model 0x" << v
                              << ", QEMU 0x" << m.value;
        compared++;
        if (m.off == off::CMDQ_CONS)
            cons_compared++;
    }
    if (rc.fill == Fill::FromCmdTrace) {
        EXPECT_EQ(next_cmd, cmds.size()) << "every consumed command was published";
    }

    // the replay left no error behind and every published command was consumed once
    smmu_stats_t st;
    smmu_stats_get(d.s, &st);
    EXPECT_EQ(st.cmd_errors, 0u);
    EXPECT_EQ(st.commands, published);
    uint64_t g = 0, gn = 0;
    smmu_mmio_read(d.s, off::GERROR, 4, &g);
    smmu_mmio_read(d.s, off::GERRORN, 4, &gn);
    EXPECT_EQ(g, gn);
    EXPECT_GT(compared, 20u);
    EXPECT_GT(cons_compared, 10u);
    for (const char* r : {"IDR0", "IDR1", "IDR3", "IDR5", "CR0ACK", "IRQ_CTRLACK"})
        EXPECT_GT(reads_by_reg[r], 0u) << r << " was read by the driver";
    if (rc.fill == Fill::FromCmdTrace) {
        // the synthesised commands are the ones QEMU consumed
        EXPECT_EQ(st.commands_by_op[0x46] + st.commands_by_op[0x04] + st.commands_by_op[0x30] +
                      st.commands_by_op[0x11] + st.commands_by_op[0x12] +
                      st.commands_by_op[0x03] + st.commands_by_op[0x05] + st.commands_by_op[0x01],
                  st.commands);
    }
}

INSTANTIATE_TEST_SUITE_P(Boot, Replay,
                         ::testing::Values(ReplayCase{"boot_strict", Fill::FromCmdTrace},
                                           ReplayCase{"boot_strict", Fill::CmdSync},
                                           ReplayCase{"k61_boot_strict", Fill::FromCmdTrace},
                                           ReplayCase{"k61_boot_strict", Fill::CmdSync}),
                         [](const auto& i) {
                             return std::string(i.param.name) +
                                    (i.param.fill == Fill::FromCmdTrace ? "_commands" : "_syncs");
                         });

}  // namespace
}  // namespace regs_test
