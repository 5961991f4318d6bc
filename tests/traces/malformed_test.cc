// SPDX-License-Identifier: Apache-2.0
// Malformed traces: each kind of error gives a clear message naming the file and the line
// (text) or the byte offset and record (binary); nothing crashes; absurd sizes are refused.
#include <gtest/gtest.h>

#include "smmuv3_traces/trace.h"
#include "trace_test_util.h"

using namespace trace_test;
using namespace smmuv3::traces;

namespace {

const std::string head = "smmuv3-trace 1.0\ntime_unit ns\nbegin\n";

std::string binary_sample()
{
    header h;
    std::vector<record> v;
    for (uint64_t i = 0; i < 3; ++i) {
        dma_record d;
        d.sid = 8;
        d.iova = 0x1000 * (i + 1);
        d.pa = 0x40000000 + d.iova;
        v.push_back(make_record(i * 10, i, d));
    }
    return write_trace(h, v, output_format::binary);
}

/* The message, checked to contain every expected fragment. */
void expect_error(const std::string& bytes, std::initializer_list<std::string> parts)
{
    const std::string e = error_of(bytes, "bad.trace");
    ASSERT_FALSE(e.empty()) << "no error for this input";
    for (const std::string& p : parts)
        EXPECT_NE(e.find(p), std::string::npos) << "'" << p << "' not in: " << e;
}

}  // namespace

TEST(MalformedText, BadHeader)
{
    expect_error("", {"bad.trace", "empty file"});
    expect_error("hello world\n", {"bad.trace:1:", "not a native text trace"});
    expect_error("smmuv3-trace 2.0\ntime_unit ns\nbegin\n", {"bad.trace:1:", "version 2.0 is not supported"});
    expect_error("smmuv3-trace 1.0\nbegin\n", {"bad.trace:2:", "no 'time_unit'"});
    expect_error("smmuv3-trace 1.0\ntime_unit fortnights\nbegin\n", {"bad.trace:2:", "unknown time unit 'fortnights'"});
    expect_error("smmuv3-trace 1.0\ntime_unit ns\ncolour blue\nbegin\n", {"bad.trace:3:", "unknown directive 'colour'"});
    expect_error("smmuv3-trace 1.0\ntime_unit ns\n", {"bad.trace:", "no 'begin' line"});
    // a header claiming billions of records is refused before anything is read
    expect_error("smmuv3-trace 1.0\ntime_unit ns\nrecords 2000000000\nbegin\n",
                 {"bad.trace:3:", "record count 2000000000 is absurd (limit 2^30)"});
    expect_error("smmuv3-trace 1.0\ntime_unit ns\nmeta =x\nbegin\n", {"bad.trace:3:", "bad meta key"});
    expect_error("smmuv3-trace 1.0\ntime_unit ns\nstream 0x8\nbegin\n", {"bad.trace:3:", "stream"});
}

TEST(MalformedText, BadField)
{
    expect_error(head + "dma 1 0 0x8 0xfffz 4 r\n", {"bad.trace:4: record 0: bad IOVA '0xfffz'"});
    expect_error(head + "dma 1 0 0x8 0x1000 4 r\ndma x 0 0x8 0x1000 4 r\n", {"bad.trace:5: record 1: bad time 'x'"});
    expect_error(head + "dma 1 0 0x100000000 0x1000 4 r\n", {"bad.trace:4:", "StreamID", "larger than 0xffffffff"});
    expect_error(head + "dma 1 0 0x8 0x1000 4 x\n", {"bad.trace:4:", "bad access 'x'"});
    expect_error(head + "dma 1 0 0x8 0x1000 0 r\n", {"bad.trace:4:", "write '-' for an unknown size"});
    expect_error(head + "dma 1 0 0x8 0x1000 4 r q=Z\n", {"bad.trace:4:", "bad q 'Z'"});
    expect_error(head + "dma 1 0 0x8 0x1000 4 r pa=1 pa=2\n", {"bad.trace:4:", "'pa' given twice"});
    expect_error(head + "dma 1 0 0x8 0x1000 4 r colour=red\n", {"bad.trace:4:", "unknown field 'colour=red'"});
    expect_error(head + "dma 1 0 0x8 0x1000\n", {"bad.trace:4:", "too few fields for 'dma'"});
    expect_error(head + "dma 1 0 0x8 99999999999999999999 4 r\n", {"bad.trace:4:", "does not fit in 64 bits"});
    expect_error(head + "map 1 0x8 0x1000 0x2000 0x1000 rw 3K\n", {"bad.trace:4:", "bad leaf size '3K'"});
    expect_error(head + "map 1 0x8 0x1800 0x2000 0x1000 rw 4K\n", {"bad.trace:4:", "not aligned to 4K"});
    expect_error(head + "map 1 0x8 0x1000 0x2000 0x1000 x 4K\n", {"bad.trace:4:", "needs r or w"});
    expect_error(head + "unmap 1 0x8 0x1000 0\n", {"bad.trace:4:", "unmap size is 0"});
    expect_error(head + "bind 1 0x8 1 8K 48\n", {"bad.trace:4:", "granule must be 4K, 16K or 64K"});
    expect_error(head + "cmd 1 TLBI_NH_VA tg=4\n", {"bad.trace:4:", "tg", "larger than 0x3"});
    expect_error(head + "cmd 1 TLBI_NH_VA colour=1\n", {"bad.trace:4:", "unknown field 'colour=1'"});
    expect_error(head + "cmd 1 CMD_SYNC\n", {"bad.trace:4:", "unknown command 'CMD_SYNC'"});
    expect_error(head + "mark 1 x end\n", {"bad.trace:4:", "bad mark index 'x'"});
}

TEST(MalformedText, UnknownRecordKind)
{
    expect_error(head + "dma 1 0 0x8 0x1000 4 r\nteleport 1 0x8\n", {"bad.trace:5: record 1: unknown record kind 'teleport'"});
}

TEST(MalformedText, CountsMustAgree)
{
    expect_error(head + "dma 1 0 0x8 0x1000 4 r\nend 2\n", {"bad.trace:5:", "'end' says 2 records, the file has 1"});
    expect_error(head + "end 0\ndma 1 0 0x8 0x1000 4 r\n", {"bad.trace:5:", "data after the 'end' line"});
    expect_error("smmuv3-trace 1.0\ntime_unit ns\nrecords 5\nbegin\n", {"bad.trace", "announces 5 records, the file has 0"});
}

TEST(MalformedText, AbsurdCountsAreRefusedNotAttempted)
{
    expect_error("smmuv3-trace 1.0\ntime_unit ns\nrecords 1000000000000000\nbegin\n",
                 {"bad.trace:3:", "record count 1000000000000000 is absurd"});
    expect_error(head + std::string(100000, 'x') + "\n", {"bad.trace:4:", "line longer than"});
}

TEST(MalformedBinary, BadHeader)
{
    std::string b = binary_sample();
    std::string bad = b;
    bad[1] = 'X';
    expect_error(bad, {"bad.trace: byte offset 0", "not a native binary trace (bad magic)"});
    bad = b;
    bad[8] = 9;  // major version 9
    expect_error(bad, {"bad.trace: byte offset 8", "version 9.0 is not supported"});
    bad = b;
    bad[15] = 0x7f;  // header length ~2 GiB
    expect_error(bad, {"bad.trace: byte offset 12", "header length", "is absurd"});
    expect_error(b.substr(0, 12), {"bad.trace: byte offset 8", "truncated header"});
    expect_error(b.substr(0, 20), {"bad.trace: byte offset 16", "truncated header"});
}

TEST(MalformedBinary, TruncatedAtEveryByteGivesAnErrorNeverACrash)
{
    const std::string b = binary_sample();
    for (size_t n = 0; n < b.size(); ++n) {
        const std::string e = error_of(b.substr(0, n));
        EXPECT_FALSE(e.empty()) << "cut at " << n;
        EXPECT_NE(e.find("bad.trace"), std::string::npos) << e;
    }
    EXPECT_EQ(error_of(b), "");
    const std::string hdr_len = b.substr(12, 4);
    const size_t first = 16 + static_cast<unsigned char>(hdr_len[0]);
    expect_error(b.substr(0, first + 3), {"bad.trace: byte offset " + std::to_string(first) + " (record 0)", "truncated record"});
    expect_error(b.substr(0, b.size() - 3), {"truncated: the file ends without an end record"});
}

TEST(MalformedBinary, CorruptBytesGiveAnErrorOrValidRecordsNeverACrash)
{
    /* Every byte of the record area flipped in turn: the reader either rejects the file with
     * a message or reads valid records (a flipped address is still an address). */
    const std::string b = binary_sample();
    const size_t first = 16 + static_cast<unsigned char>(b[12]);
    for (size_t i = first; i < b.size(); ++i)
        for (unsigned char x : {0x01, 0x80, 0xff}) {
            std::string c = b;
            c[i] = static_cast<char>(c[i] ^ x);
            try {
                auto in = open_memory(c);
                record r;
                while (in->next(r))
                    EXPECT_EQ(check_record(r), "");
            } catch (const trace_error& e) {
                EXPECT_NE(std::string(e.what()).find("mem.trace"), std::string::npos);
            }
        }
}

TEST(MalformedBinary, UnknownRecordKindAndBadFields)
{
    const std::string b = binary_sample();
    const size_t first = 16 + static_cast<unsigned char>(b[12]);
    std::string c = b;
    c[first] = 0x33;
    expect_error(c, {"bad.trace: byte offset " + std::to_string(first) + " (record 0)", "unknown record kind 0x33"});
    c = b;
    c[first + 1] = static_cast<char>(0xff);  // payload length: varint 0xff 0xff ... continues
    c[first + 2] = static_cast<char>(0xff);
    c[first + 3] = static_cast<char>(0x7f);
    expect_error(c, {"(record 0)", "record length", "is absurd"});
}

TEST(MalformedBinary, EndRecordMustAgreeAndEndTheFile)
{
    std::string b = binary_sample();
    std::string c = b;
    c[c.size() - 1] = 7;
    expect_error(c, {"end record says 7 records, the file has 3"});
    expect_error(b + "x", {"data after the end record"});
}

TEST(MalformedCompressed, TruncatedStreamsAreReported)
{
    const std::string b = binary_sample();
    header h;
    for (auto c : {compression::zstd, compression::xz}) {
        std::string z = write_trace(h, {}, output_format::binary, c);
        const std::string e = error_of(z.substr(0, z.size() - 5));
        EXPECT_NE(e.find("truncated"), std::string::npos) << e;
    }
}

TEST(MalformedWriter, InvalidRecordsAreRefused)
{
    map_record m;
    m.sid = 8;
    m.iova = 0x1234;
    m.size = 0x1000;
    header h;
    for (auto f : {output_format::text, output_format::binary}) {
        try {
            write_trace(h, {make_record(std::nullopt, std::nullopt, m)}, f);
            FAIL() << "no error";
        } catch (const trace_error& e) {
            EXPECT_NE(std::string(e.what()).find("writing record 0: map address 0x1234"), std::string::npos)
                << e.what();
        }
    }
}

TEST(MalformedInput, MissingFileAndUnknownFormat)
{
    try {
        open_trace("/nonexistent/x.trace");
        FAIL();
    } catch (const trace_error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/x.trace: cannot open"), std::string::npos);
    }
    try {
        open_trace(fixture("../CMakeLists.txt"));
        FAIL();
    } catch (const trace_error& e) {
        EXPECT_NE(std::string(e.what()).find("unknown format"), std::string::npos) << e.what();
    }
}

TEST(MalformedBinary, UnknownFlagBitsInAVersion10File)
{
    const std::string b = binary_sample();
    const size_t first = 16 + static_cast<unsigned char>(b[12]);
    std::string c = b;
    c[first + 2] = static_cast<char>(c[first + 2] | 0x40);  // flags of the first dma record
    expect_error(c, {"(record 0)", "unknown flag bits 0x40 in a dma record"});
}
