// SPDX-License-Identifier: Apache-2.0
// The importer of the shared captures (../shared/traces/data, FORMAT.md there): the first
// records of every capture against the lines of its .xz files, read independently here;
// record counts; bind/map/unmap synthesis; malformed capture files.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <sstream>

#include "smmuv3_traces/stats.h"
#include "smmuv3_traces/trace.h"
#include "trace_test_util.h"

using namespace trace_test;
using namespace smmuv3::traces;

namespace {

const char* const captures[] = {
    "boot_strict",          "k61_boot_strict",     "mixed_strict",
    "net_lazy",             "nvme_randread_qd1_strict", "nvme_seqread_strict",
    "vblk_dd_strict",       "vblk_randread_qd32_strict",
};

/* The record lines (not '#') of one capture file, split at spaces: what xzcat shows. */
std::vector<std::vector<std::string>> xz_lines(const std::string& path, size_t max)
{
    std::vector<std::vector<std::string>> out;
    auto in = open_input(path);
    std::string line;
    while (out.size() < max && in->getline(line)) {
        if (line.empty() || line[0] == '#')
            continue;
        std::istringstream ss(line);
        std::vector<std::string> t;
        std::string w;
        while (ss >> w)
            t.push_back(w);
        out.push_back(t);
    }
    return out;
}

uint64_t count_lines(const std::string& path)
{
    auto in = open_input(path);
    std::string line;
    uint64_t n = 0;
    while (in->getline(line))
        n += !line.empty() && line[0] != '#';
    return n;
}

uint64_t hex(const std::string& s) { return std::stoull(s, nullptr, 16); }

}  // namespace

class CaptureFirstRecords : public ::testing::TestWithParam<const char*> {};

/* For every capture: the first 40 translations and the first 40 commands that the importer
 * emits carry exactly what the first lines of NAME.dma.xz and NAME.cmd.xz say. */
TEST_P(CaptureFirstRecords, MatchTheXzLines)
{
    if (!have_shared())
        GTEST_SKIP() << "shared traces not found beside the repository";
    const std::string name = shared(GetParam());
    const auto dma_lines = xz_lines(name + ".dma.xz", 40);
    const auto cmd_lines = xz_lines(name + ".cmd.xz", 40);
    const uint64_t last_seq = std::max(std::stoull(dma_lines.back()[0]), std::stoull(cmd_lines.back()[0]));

    auto in = open_trace(name);
    EXPECT_EQ(in->format(), input_format::capture);
    std::map<uint64_t, record> by_seq;
    record r;
    while (in->next(r)) {
        if (r.seq)
            by_seq[*r.seq] = r;
        if (r.seq && *r.seq >= last_seq)
            break;
    }
    for (const auto& t : dma_lines) {
        SCOPED_TRACE(name + ".dma.xz seq " + t[0]);
        ASSERT_TRUE(by_seq.count(std::stoull(t[0])));
        const record& rec = by_seq[std::stoull(t[0])];
        ASSERT_EQ(rec.kind(), record_kind::dma);
        const auto& d = std::get<dma_record>(rec.body);
        EXPECT_EQ(rec.time, std::optional<uint64_t>(std::stoull(t[1])));
        EXPECT_EQ(d.sid, hex(t[2]));
        if (t[3] == "-") {
            EXPECT_FALSE(d.asid);
        } else {
            EXPECT_EQ(d.asid, std::optional<uint16_t>(static_cast<uint16_t>(std::stoul(t[3]))));
        }
        EXPECT_EQ(d.iova, hex(t[4]));
        if (t[6] == "-") {
            EXPECT_FALSE(d.pa);
        } else {
            EXPECT_EQ(d.pa, std::optional<uint64_t>(hex(t[6])));
        }
        const std::string q = t[7];
        const bool untranslated = q == "A" || q == "B" || q == "D";
        EXPECT_EQ(d.noreplay, untranslated);
        if (q == "H") {
            EXPECT_EQ(d.q.kind, outcome::hit);
        } else if (q[0] == 'M') {
            EXPECT_EQ(d.q, (outcome{outcome::miss, static_cast<int8_t>(q[1] - '0')}));
        }
        if (untranslated) {
            EXPECT_EQ(d.access, t[5] == "w" ? ACC_WRITE : 0);
        } else {
            EXPECT_EQ(d.access, t[5] == "r" ? 0 : (ACC_WRITE | ACC_INFERRED));
        }
    }
    for (const auto& t : cmd_lines) {
        SCOPED_TRACE(name + ".cmd.xz seq " + t[0]);
        if (t[2] == "CD_TT")
            continue;  // folded into the next bind record
        ASSERT_TRUE(by_seq.count(std::stoull(t[0])));
        const record& rec = by_seq[std::stoull(t[0])];
        EXPECT_EQ(rec.time, std::optional<uint64_t>(std::stoull(t[1])));
        if (t[2] == "MARK") {
            ASSERT_EQ(rec.kind(), record_kind::mark);
            EXPECT_EQ(std::get<mark_record>(rec.body).name, t[4]);
            continue;
        }
        ASSERT_EQ(t[2], "CMD");
        ASSERT_EQ(rec.kind(), record_kind::cmd);
        const auto& c = std::get<cmd_record>(rec.body);
        EXPECT_EQ(cmd_name(c.opcode), t[3]);
        for (size_t i = 4; i < t.size(); ++i) {
            const std::string k = t[i].substr(0, t[i].find('='));
            const std::string v = t[i].substr(t[i].find('=') + 1);
            if (k == "stage")
                continue;
            uint64_t want = 0, got = 0;
            if (k == "start") {
                got = c.get(cmd_arg::sid, 99);
                want = hex(v);
            } else if (k == "end") {
                got = c.get(cmd_arg::range);
                want = 31;  // every capture: start=0 end=ffffffff
            } else if (k == "num_pages") {
                got = c.get(cmd_arg::num);
                want = hex(v);
            } else {
                got = c.get(*parse_cmd_arg(k), 99);
                want = (k == "addr" || k == "sid") ? hex(v) : std::stoull(v);
            }
            EXPECT_EQ(got, want) << k;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Shared, CaptureFirstRecords, ::testing::ValuesIn(captures),
                         [](const auto& p) { return std::string(p.param); });

/* What xzcat shows at the start of boot_strict, and what the importer makes of it. */
TEST(CaptureBootStrict, FirstRecordsAsText)
{
    if (!have_shared())
        GTEST_SKIP() << "shared traces not found";
    auto in = open_trace(shared("boot_strict"));
    std::vector<std::string> got;
    record r;
    while (got.size() < 33 && in->next(r))
        got.push_back(format_record(r));
    // boot_strict.cmd.xz: "17 20870 CMD CFGI_STE_RANGE start=0 end=ffffffff", "18 20877 CMD SYNC"
    EXPECT_EQ(got[0], "cmd 20870 CFGI_STE_RANGE sid=0x0 range=31 seq=17");
    EXPECT_EQ(got[1], "cmd 20877 SYNC seq=18");
    EXPECT_EQ(got[2], "cmd 21083 TLBI_NSNH_ALL seq=21");
    EXPECT_EQ(got[4], "cmd 441268 TLBI_NH_ASID asid=1 seq=38");
    EXPECT_EQ(got[6], "cmd 442529 CFGI_CD sid=0x8 seq=42");
    // "82 967028 CD_TT tt=0 tsz=16 ttb=43b9e000 granule=12" then
    // "83 967082 8 1 ffffb002 rw 443ab002 M3": the stream is bound, the page mapped, then the access
    EXPECT_EQ(got[26], "bind 967082 0x8 1 4K 48 ttb=0x43b9e000");
    EXPECT_EQ(got[27], "map 967082 0x8 0xffffb000 0x443ab000 0x1000 rw 4K");
    EXPECT_EQ(got[28], "dma 967082 0 0x8 0xffffb002 - w? pa=0x443ab002 asid=1 q=M3 seq=83");
    EXPECT_EQ(got[29], "dma 967110 0 0x8 0xffffb002 - w? pa=0x443ab002 asid=1 q=H seq=84");
    EXPECT_EQ(in->hdr().unit, time_unit::us);
    ASSERT_EQ(in->hdr().streams.size(), 3u);
    EXPECT_EQ(in->hdr().streams[1].sid, 0x10u);
    EXPECT_EQ(in->hdr().streams[1].port, 1u);
    EXPECT_EQ(*in->hdr().find_meta("kernel"), "6.12.95+deb12-arm64");
}

/* Record counts: computed here from the .xz files, and the numbers
 * `python3 tools/smmu_trace.py stats data/boot_strict` prints (dma 210, mmio 101, cmd 73). */
TEST(CaptureBootStrict, CountsAgreeWithTheFilesAndSmmuTracePy)
{
    if (!have_shared())
        GTEST_SKIP() << "shared traces not found";
    const std::string name = shared("boot_strict");
    const uint64_t dma = count_lines(name + ".dma.xz"), cmd = count_lines(name + ".cmd.xz"),
                   mmio = count_lines(name + ".mmio.xz");
    EXPECT_EQ(dma, 210u);
    EXPECT_EQ(cmd, 73u);
    EXPECT_EQ(mmio, 101u);
    auto in = open_trace(name + ".dma.xz");  // any of the three files names the capture
    std::map<record_kind, uint64_t> kinds;
    record r;
    mapping_checker mc;
    uint64_t n = 0;
    while (in->next(r)) {
        ++kinds[r.kind()];
        mc.add(r, n++);
    }
    const import_report& rep = *in->report();
    EXPECT_EQ(rep.translations, dma);
    EXPECT_EQ(rep.commands + rep.events + rep.marks + rep.cd_tt, cmd);
    EXPECT_EQ(rep.mmio, mmio);
    EXPECT_EQ(rep.capture_records_total, dma + cmd + mmio);  // header: records_total 384
    EXPECT_EQ(kinds[record_kind::dma], dma);
    EXPECT_EQ(rep.disabled, 1u);  // "383 2538749 18 - fffff040 w fffff040 D"
    EXPECT_EQ(rep.replayable, 209u);
    EXPECT_EQ(rep.hits, 180u);
    EXPECT_EQ(rep.misses, 29u);
    EXPECT_EQ(kinds[record_kind::cmd], 69u);
    EXPECT_EQ(kinds[record_kind::bind], 3u);
    EXPECT_EQ(kinds[record_kind::map], 29u);
    EXPECT_EQ(kinds[record_kind::unmap], 16u);
    EXPECT_EQ(mc.checked(), 209u);
    EXPECT_EQ(mc.matched(), 209u);
    EXPECT_EQ(mc.first_problem(), "");
}

TEST(CaptureImport, OptionsTurnSynthesisAndPortsOff)
{
    if (!have_shared())
        GTEST_SKIP() << "shared traces not found";
    import_options o;
    o.synthesize_maps = false;
    o.port_per_stream = false;
    auto in = open_trace(shared("k61_boot_strict.cmd.xz"), o);
    record r;
    while (in->next(r)) {
        EXPECT_NE(r.kind(), record_kind::map);
        EXPECT_NE(r.kind(), record_kind::bind);
        EXPECT_NE(r.kind(), record_kind::unmap);
        if (r.kind() == record_kind::dma) {
            EXPECT_EQ(std::get<dma_record>(r.body).port, 0u);
        }
    }
    /* Without unmaps inferred from TLBIs, an unmap is only emitted right before a map that
     * gives the range another output address. */
    import_options keep_maps;
    keep_maps.infer_unmaps = false;
    auto in2 = open_trace(shared("k61_boot_strict"), keep_maps);
    mapping_checker mc;
    uint64_t n = 0;
    bool after_unmap = false;
    while (in2->next(r)) {
        if (after_unmap) {
            EXPECT_EQ(r.kind(), record_kind::map) << format_record(r);
        }
        after_unmap = r.kind() == record_kind::unmap;
        mc.add(r, n++);
    }
    EXPECT_EQ(mc.matched(), 210u);
}

/* Malformed capture files: the message names the file and the line. */
class CaptureMalformed : public ::testing::Test {
protected:
    void write(const std::string& kind, const std::string& text)
    {
        auto s = xz_sink(open_file_sink(m_prefix + "." + kind + ".xz"), 1);
        s->write(text.data(), text.size());
        s->finish();
    }
    void SetUp() override
    {
        m_prefix = ::testing::TempDir() + "/broken_capture_" +
                   ::testing::UnitTest::GetInstance()->current_test_info()->name();
        write("dma", "# smmu-trace v1 (see FORMAT.md)\n# fields: seq t_us sid asid iova acc pa q\n"
                     "3 10 8 1 ffffb002 rw 443ab002 M3\n");
        write("cmd", "# smmu-trace v1 (see FORMAT.md)\n# fields: seq t_us kind args...\n"
                     "1 5 CMD SYNC\n");
        write("mmio", "# smmu-trace v1 (see FORMAT.md)\n# fields: seq t_us rw offset size value reg\n"
                      "0 0 R 0 4 d44101b IDR0\n");
    }
    void TearDown() override
    {
        for (const char* k : {"dma", "cmd", "mmio"})
            std::remove((m_prefix + "." + k + ".xz").c_str());
    }
    std::string error()
    {
        try {
            auto in = open_trace(m_prefix);
            record r;
            while (in->next(r)) {
            }
        } catch (const trace_error& e) {
            return e.what();
        }
        return "";
    }
    std::string m_prefix;
};

TEST_F(CaptureMalformed, WellFormedReads) { EXPECT_EQ(error(), ""); }

TEST_F(CaptureMalformed, BadDmaField)
{
    write("dma", "# smmu-trace v1\n# fields: seq t_us sid asid iova acc pa q\n3 10 8 1 ffffb002 rw 443ab002 M3\n"
                 "4 11 8 1 zz rw 443ab002 H\n");
    EXPECT_NE(error().find(".dma.xz:4: record 1: bad iova 'zz'"), std::string::npos) << error();
}

// Hex fields use all 64 bits: 16 hex digits read, a 17th significant one does not fit.
TEST_F(CaptureMalformed, HexFieldsFitIn64Bits)
{
    write("dma", "# smmu-trace v1\n# fields: seq t_us sid asid iova acc pa q\n3 10 8 1 ffffb002 rw 443ab002 M3\n"
                 "4 11 8 1 fffffffffffff000 r - A\n");
    EXPECT_EQ(error(), "");
    write("dma", "# smmu-trace v1\n# fields: seq t_us sid asid iova acc pa q\n3 10 8 1 ffffb002 rw 443ab002 M3\n"
                 "4 11 8 1 10000000000000000 r - A\n");
    EXPECT_NE(error().find(".dma.xz:4: record 1: bad iova '10000000000000000'"), std::string::npos)
        << error();
    write("dma", "# smmu-trace v1\n# fields: seq t_us sid asid iova acc pa q\n"
                 "18446744073709551616 10 8 1 ffffb002 rw 443ab002 M3\n");
    EXPECT_NE(error().find(".dma.xz:3: record 0: bad seq '18446744073709551616'"), std::string::npos)
        << error();
}

TEST_F(CaptureMalformed, WrongFieldCountAndKind)
{
    write("dma", "# smmu-trace v1\n# fields: seq t_us sid asid iova acc pa q\n3 10 8 1 ffffb002 rw\n");
    EXPECT_NE(error().find(".dma.xz:3: record 0: expected 8 fields"), std::string::npos) << error();
    SetUp();
    write("cmd", "# smmu-trace v1\n# fields: seq t_us kind args...\n1 5 FROB x\n");
    EXPECT_NE(error().find(".cmd.xz:3: record 0: unknown record kind 'FROB'"), std::string::npos) << error();
}

TEST_F(CaptureMalformed, NotACaptureAndSeqOrder)
{
    write("cmd", "hello\n");
    EXPECT_NE(error().find(".cmd.xz:1: not a shared capture file"), std::string::npos) << error();
    SetUp();
    write("cmd", "# smmu-trace v1\n# fields: seq t_us kind args...\n3 5 CMD SYNC\n");
    EXPECT_NE(error().find("seq 3 is not after the previous record's seq 3"), std::string::npos) << error();
}

TEST_F(CaptureMalformed, AbsurdRecordsTotal)
{
    write("dma", "# smmu-trace v1\n# records_total 99999999999999999\n# fields: seq t_us sid asid iova acc pa q\n");
    EXPECT_NE(error().find("records_total 99999999999999999 is absurd"), std::string::npos) << error();
    SetUp();
    write("dma", "# smmu-trace v1\n# records_total 7\n# fields: seq t_us sid asid iova acc pa q\n"
                 "3 10 8 1 ffffb002 rw 443ab002 M3\n");
    EXPECT_NE(error().find("header says records_total 7, the three files hold 3"), std::string::npos) << error();
}

/* QEMU logs a range TLBI once per power-of-two piece, all on the command's line
 * (vblk_dd_strict.cmd.xz seq 712). The command is one queue entry covering every piece. */
class CaptureRangeGroups : public CaptureMalformed {
protected:
    std::vector<cmd_record> commands(const std::string& line)
    {
        write("cmd", "# smmu-trace v1\n# fields: seq t_us kind args...\n" + line + "\n");
        std::vector<cmd_record> out;
        auto in = open_trace(m_prefix);
        record r;
        while (in->next(r))
            if (r.kind() == record_kind::cmd)
                out.push_back(std::get<cmd_record>(r.body));
        return out;
    }
};

TEST_F(CaptureRangeGroups, ContiguousPiecesAreOneCommand)
{
    auto c = commands("712 3314709 CMD TLBI_NH_VA vmid=0 asid=1 addr=ffe00000 tg=1 num_pages=10 ttl=3 "
                      "leaf=1 stage=1 vmid=0 asid=1 addr=ffe10000 tg=1 num_pages=1 ttl=3 leaf=1 stage=1");
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(c[0].get(cmd_arg::addr), 0xffe00000u);
    EXPECT_EQ(c[0].get(cmd_arg::num), 0x11u);  // 0x10 + 1 pages of 4 KiB
    EXPECT_EQ(c[0].get(cmd_arg::asid), 1u);
    EXPECT_EQ(c[0].get(cmd_arg::tg), 1u);
}

TEST_F(CaptureRangeGroups, DisjointPiecesStaySeparate)
{
    auto c = commands("9 20 CMD TLBI_NH_VA vmid=0 asid=1 addr=ffe00000 tg=1 num_pages=1 ttl=3 leaf=1 "
                      "stage=1 vmid=0 asid=1 addr=ffe80000 tg=1 num_pages=2 ttl=3 leaf=1 stage=1");
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[0].get(cmd_arg::addr), 0xffe00000u);
    EXPECT_EQ(c[0].get(cmd_arg::num), 1u);
    EXPECT_EQ(c[1].get(cmd_arg::addr), 0xffe80000u);
    EXPECT_EQ(c[1].get(cmd_arg::num), 2u);
}
