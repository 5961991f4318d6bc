// SPDX-License-Identifier: Apache-2.0
// The native format (docs/traces.md): canonical text, text <-> binary <-> compressed round
// trips, detection from the content, and the versioning rules.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "smmuv3_traces/trace.h"
#include "trace_test_util.h"

using namespace trace_test;
using namespace smmuv3::traces;

namespace {

header sample_header()
{
    header h;
    h.unit = time_unit::ns;
    h.meta = {{"source", "format_test"}, {"note", "spaces and = are fine in values"}};
    h.streams = {{0x8, 0, "virtio-blk"}, {0x10, 1, ""}};
    return h;
}

/* One record of every kind, with and without every optional field. */
std::vector<record> sample_records()
{
    std::vector<record> v;
    bind_record b;
    b.sid = 0x8;
    b.asid = 1;
    b.ttb = 0x43b9e000;
    v.push_back(make_record(uint64_t{0}, std::nullopt, b));
    bind_record b2;
    b2.sid = 0x10;
    b2.ssid = 3;
    b2.asid = 65535;
    b2.granule_shift = 16;
    b2.ias = 52;
    b2.vmid = 7;
    v.push_back(make_record(std::nullopt, std::nullopt, b2));
    map_record m;
    m.sid = 0x8;
    m.iova = 0xffffb000;
    m.pa = 0x443ab000;
    m.size = 0x1000;
    m.perm = PERM_R | PERM_W;
    v.push_back(make_record(uint64_t{10}, std::nullopt, m));
    map_record blk;
    blk.sid = 0x10;
    blk.ssid = 3;
    blk.iova = 0x40000000;
    blk.pa = 0x80000000;
    blk.size = 0x400000;
    blk.perm = PERM_R | PERM_X | PERM_P;
    blk.leaf_shift = 21;
    v.push_back(make_record(uint64_t{11}, uint64_t{5}, blk));
    dma_record d;
    d.sid = 0x8;
    d.iova = 0xffffb002;
    d.access = ACC_WRITE | ACC_INFERRED;
    d.pa = 0x443ab002;
    d.asid = 1;
    d.q.kind = outcome::miss;
    d.q.level = 3;
    v.push_back(make_record(uint64_t{967082}, uint64_t{83}, d));
    dma_record d2;  // every optional field absent, time absent
    d2.port = 1;
    d2.sid = 0x10;
    d2.iova = 0x40000010;
    d2.size = 64;
    v.push_back(make_record(std::nullopt, std::nullopt, d2));
    dma_record d3;  // backwards in time and address: deltas are signed
    d3.port = 2;
    d3.sid = 0x18;
    d3.ssid = 0xFFFFF;
    d3.iova = 0x10;
    d3.size = 4096;
    d3.access = ACC_INSTR | ACC_PRIV;
    d3.pa = 0;
    d3.q.kind = outcome::disabled;
    d3.noreplay = true;
    v.push_back(make_record(uint64_t{5}, uint64_t{2}, d3));
    dma_record d4;
    d4.sid = 0x8;
    d4.iova = ~uint64_t{0};
    d4.pa = ~uint64_t{0};
    d4.q.kind = outcome::hit;
    v.push_back(make_record(~uint64_t{0}, ~uint64_t{0}, d4));
    unmap_record u;
    u.sid = 0x8;
    u.iova = 0xffffb000;
    u.size = 0x1000;
    v.push_back(make_record(uint64_t{20}, std::nullopt, u));
    cmd_record c;
    c.opcode = 0x12;  // TLBI_NH_VA
    c.set(cmd_arg::vmid, 0);
    c.set(cmd_arg::asid, 1);
    c.set(cmd_arg::addr, 0xffff6000);
    c.set(cmd_arg::tg, 1);
    c.set(cmd_arg::num, 32);
    c.set(cmd_arg::ttl, 3);
    c.set(cmd_arg::leaf, 1);
    v.push_back(make_record(uint64_t{21}, uint64_t{109}, c));
    v.push_back(make_record(uint64_t{22}, uint64_t{110}, cmd_record{0x46, 0, {}}));  // SYNC
    cmd_record range;
    range.opcode = 0x04;  // CFGI_STE_RANGE
    range.set(cmd_arg::sid, 0);
    range.set(cmd_arg::range, 31);
    v.push_back(make_record(uint64_t{23}, std::nullopt, range));
    v.push_back(make_record(uint64_t{24}, uint64_t{111}, event_record{"F_TRANSLATION", 0x10u, ""}));
    v.push_back(make_record(std::nullopt, std::nullopt, event_record{"CMDERR", std::nullopt, "Error_on_X:1"}));
    v.push_back(make_record(uint64_t{25}, uint64_t{342}, mark_record{1, "nvme_randread_qd1"}));
    v.push_back(make_record(uint64_t{26}, std::nullopt, mark_record{2, "end"}));
    return v;
}

void expect_same(const std::vector<record>& a, const std::vector<record>& b)
{
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(format_record(a[i]), format_record(b[i])) << "record " << i;
        EXPECT_EQ(a[i].time, b[i].time) << "record " << i;
        EXPECT_EQ(a[i].seq, b[i].seq) << "record " << i;
    }
}

}  // namespace

TEST(TraceText, CanonicalSpellingOfEveryKind)
{
    const auto v = sample_records();
    EXPECT_EQ(format_record(v[0]), "bind 0 0x8 1 4K 48 ttb=0x43b9e000");
    EXPECT_EQ(format_record(v[1]), "bind - 0x10 65535 64K 52 ssid=0x3 vmid=7");
    EXPECT_EQ(format_record(v[2]), "map 10 0x8 0xffffb000 0x443ab000 0x1000 rw 4K");
    EXPECT_EQ(format_record(v[3]), "map 11 0x10 0x40000000 0x80000000 0x400000 rxp 2M ssid=0x3 seq=5");
    EXPECT_EQ(format_record(v[4]), "dma 967082 0 0x8 0xffffb002 - w? pa=0x443ab002 asid=1 q=M3 seq=83");
    EXPECT_EQ(format_record(v[5]), "dma - 1 0x10 0x40000010 64 r");
    EXPECT_EQ(format_record(v[6]), "dma 5 2 0x18 0x10 4096 rip ssid=0xfffff pa=0x0 q=D seq=2 noreplay");
    EXPECT_EQ(format_record(v[8]), "unmap 20 0x8 0xffffb000 0x1000");
    EXPECT_EQ(format_record(v[9]),
              "cmd 21 TLBI_NH_VA vmid=0 asid=1 addr=0xffff6000 tg=1 num=32 ttl=3 leaf=1 seq=109");
    EXPECT_EQ(format_record(v[10]), "cmd 22 SYNC seq=110");
    EXPECT_EQ(format_record(v[11]), "cmd 23 CFGI_STE_RANGE sid=0x0 range=31");
    EXPECT_EQ(format_record(v[12]), "event 24 F_TRANSLATION sid=0x10 seq=111");
    EXPECT_EQ(format_record(v[13]), "event - CMDERR info=Error_on_X:1");
    EXPECT_EQ(format_record(v[14]), "mark 25 1 nvme_randread_qd1 seq=342");
}

TEST(TraceText, HeaderLayout)
{
    const std::string t = write_trace(sample_header(), {}, output_format::text);
    EXPECT_EQ(t.substr(0, t.find("begin\n") + 6),
              "smmuv3-trace 1.0\n"
              "time_unit ns\n"
              "stream 0x8 port=0 name=virtio-blk\n"
              "stream 0x10 port=1\n"
              "meta source=format_test\n"
              "meta note=spaces and = are fine in values\n"
              "begin\n");
    EXPECT_EQ(t.substr(t.size() - 6), "end 0\n");
}

class TraceRoundTrip : public ::testing::TestWithParam<compression> {};

TEST_P(TraceRoundTrip, TextBinaryTextIsByteIdentical)
{
    const auto recs = sample_records();
    const std::string text = write_trace(sample_header(), recs, output_format::text);
    auto in1 = open_memory(write_trace(sample_header(), recs, output_format::text, GetParam()));
    const auto r1 = read_all(*in1);
    const std::string bin = write_trace(in1->hdr(), r1, output_format::binary, GetParam());
    auto in2 = open_memory(bin);
    EXPECT_EQ(in2->format(), input_format::native_binary);
    EXPECT_EQ(in2->compressed(), GetParam());
    const auto r2 = read_all(*in2);
    expect_same(recs, r2);
    EXPECT_EQ(write_trace(in2->hdr(), r2, output_format::text), text);
}

TEST_P(TraceRoundTrip, BinaryTextBinaryIsByteIdentical)
{
    const auto recs = sample_records();
    const std::string bin = write_trace(sample_header(), recs, output_format::binary);
    auto in1 = open_memory(write_trace(sample_header(), recs, output_format::binary, GetParam()));
    auto t = write_trace(in1->hdr(), read_all(*in1), output_format::text, GetParam());
    auto in2 = open_memory(t);
    EXPECT_EQ(in2->format(), input_format::native_text);
    EXPECT_EQ(write_trace(in2->hdr(), read_all(*in2), output_format::binary), bin);
}

INSTANTIATE_TEST_SUITE_P(Compression, TraceRoundTrip,
                         ::testing::Values(compression::none, compression::zstd, compression::xz),
                         [](const auto& p) { return std::string(compression_name(p.param)); });

TEST(TraceRoundTrip, HeaderSurvivesBothForms)
{
    header h = sample_header();
    h.unit = time_unit::ps;
    h.records = 0;
    for (auto f : {output_format::text, output_format::binary}) {
        auto in = open_memory(write_trace(h, {}, f));
        EXPECT_EQ(in->hdr().unit, time_unit::ps);
        EXPECT_EQ(in->hdr().records, std::optional<uint64_t>(0));
        EXPECT_EQ(in->hdr().meta, h.meta);
        ASSERT_EQ(in->hdr().streams.size(), 2u);
        EXPECT_EQ(in->hdr().streams[0].name, "virtio-blk");
        EXPECT_EQ(in->hdr().streams[1].port, 1u);
    }
}

TEST(TraceText, LenientSpellingReadsAsCanonical)
{
    /* Tabs, several spaces, upper-case hex, decimal addresses, optional fields in any order,
     * comments and blank lines anywhere, no end line: all the same records. */
    const std::string t =
        "smmuv3-trace 1.0\n# comment\n\ntime_unit ns\nbegin\n"
        "dma\t967082  0 8 0xFFFFB002 - w?   seq=83 q=M3 asid=1 pa=0x443AB002\n"
        "   # indented comment\n"
        "map 10 0x8 4294946816 0x443ab000 4096 rw 4K\n";
    auto in = open_memory(t);
    auto r = read_all(*in);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(format_record(r[0]), "dma 967082 0 0x8 0xffffb002 - w? pa=0x443ab002 asid=1 q=M3 seq=83");
    EXPECT_EQ(format_record(r[1]), "map 10 0x8 0xffffb000 0x443ab000 0x1000 rw 4K");
}

TEST(TraceDetect, CompressionAndFormatComeFromTheContentNotTheName)
{
    const auto recs = sample_records();
    const std::string path = ::testing::TempDir() + "/misleading_name.txt";
    for (auto c : {compression::none, compression::zstd, compression::xz}) {
        for (auto f : {output_format::text, output_format::binary}) {
            {
                std::ofstream o(path, std::ios::binary);
                o << write_trace(sample_header(), recs, f, c);
            }
            auto in = open_trace(path);
            EXPECT_EQ(in->compressed(), c);
            EXPECT_EQ(in->format(), f == output_format::text ? input_format::native_text
                                                              : input_format::native_binary);
            expect_same(recs, read_all(*in));
        }
    }
    std::remove(path.c_str());
}

TEST(TraceFile, WriterAndOpenTraceOnDisk)
{
    const std::string path = ::testing::TempDir() + "/on_disk.trace.zst";
    auto w = open_writer(path, output_format::binary, compression::zstd, sample_header());
    for (const auto& r : sample_records())
        w->write(r);
    w->finish();
    EXPECT_EQ(w->written(), sample_records().size());
    auto in = open_trace(path);
    expect_same(sample_records(), read_all(*in));
    std::remove(path.c_str());
}

/* Versioning: a file of a newer minor version may carry record kinds and fields this reader
 * does not know; they are skipped and counted. The same in a 1.0 file is an error. */
TEST(TraceVersioning, NewerMinorSkipsUnknownKindsAndFields)
{
    const std::string body = "time_unit us\nfuture_directive 42\nbegin\n"
                             "dma 1 0 0x8 0x1000 4 r colour=blue\n"
                             "hologram 2 0x8 fancy\n"
                             "dma 3 0 0x8 0x2000 4 w\n"
                             "end 3\n";
    auto in = open_memory("smmuv3-trace 1.7\n" + body);
    auto r = read_all(*in);
    EXPECT_EQ(r.size(), 2u);
    EXPECT_EQ(in->skipped_unknown(), 1u);
    EXPECT_EQ(in->hdr().minor, 7u);

    EXPECT_NE(error_of("smmuv3-trace 1.0\n" + body).find("unknown directive 'future_directive'"),
              std::string::npos);
}

TEST(TraceVersioning, BinaryNewerMinorSkipsUnknownKindsAndTrailingFields)
{
    /* A 1.0 file, patched to minor 3, with a record of kind 0x40 and two extra payload bytes
     * appended to a dma record: both are skipped by the length prefix. */
    dma_record d;
    d.sid = 8;
    d.iova = 0x1000;
    std::string bin = write_trace(sample_header(), {make_record(std::nullopt, std::nullopt, d)},
                                  output_format::binary);
    const size_t hdr_len = static_cast<unsigned char>(bin[12]) | static_cast<unsigned char>(bin[13]) << 8;
    const size_t rec = 16 + hdr_len;  // the dma record: kind, length, payload
    const size_t len = static_cast<unsigned char>(bin[rec + 1]);
    std::string patched = bin.substr(0, rec);
    patched += '\x40';
    patched += '\x02';
    patched += "zz";
    patched += '\x01';
    patched += static_cast<char>(len + 2);
    patched += bin.substr(rec + 2, len) + "yy";
    patched += bin.substr(rec + 2 + len, 2);  // end record: kind 0, length 1 ...
    patched += '\x02';                         // ... count 2 (the skipped record counts)
    patched[10] = 3;
    auto in = open_memory(patched);
    auto r = read_all(*in);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(format_record(r[0]), "dma - 0 0x8 0x1000 - r");
    EXPECT_EQ(in->skipped_unknown(), 1u);
    patched[10] = 0;
    EXPECT_NE(error_of(patched).find("unknown record kind 0x40"), std::string::npos);
}

TEST(TraceLeaf, NamesAndShifts)
{
    EXPECT_EQ(leaf_name(12), "4K");
    EXPECT_EQ(leaf_name(14), "16K");
    EXPECT_EQ(leaf_name(21), "2M");
    EXPECT_EQ(leaf_name(29), "512M");
    EXPECT_EQ(leaf_name(30), "1G");
    EXPECT_EQ(leaf_name(42), "4T");
    for (unsigned s = 12; s <= 52; ++s)
        EXPECT_EQ(parse_leaf(leaf_name(s)), std::optional<unsigned>(s));
    EXPECT_FALSE(parse_leaf("4096"));
    EXPECT_FALSE(parse_leaf("3K"));
    EXPECT_FALSE(parse_leaf("1024K"));  // not canonical: 1M
    EXPECT_FALSE(parse_leaf("2K"));
}
