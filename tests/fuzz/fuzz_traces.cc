// SPDX-License-Identifier: Apache-2.0
// libFuzzer target 2: the trace readers and importers (docs/traces.md). The first byte picks
// the reader, the rest is its input:
//   0  native reader on memory, compression detected from the magic (text, binary, zstd, xz)
//   1  QEMU -trace log importer
//   2  shared-capture importer: up to three files (NAME.dma.xz, NAME.cmd.xz, NAME.mmio.xz,
//      separated in the input by a line "%%"), written to a private temporary directory
//   3  open_trace() on a file: the whole content-based format detection
//   4  round trip: whatever the native reader accepts is written as binary and as text
//      (uncompressed, zstd or xz) and read back, and must give the same records
// Invariants: a malformed input is a smmuv3::traces::trace_error with a message naming the
// input, never a crash, a hang, another exception or unbounded memory; every record a reader
// returns passes check_record(); the statistics and the mapping check accept whatever the
// readers return; the round trips are exact.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "smmuv3_traces/error.h"
#include "smmuv3_traces/stats.h"
#include "smmuv3_traces/trace.h"

namespace st = smmuv3::traces;

namespace {

void fail(const std::string& what)
{
    std::fprintf(stderr, "invariant violated: %s\n", what.c_str());
    std::abort();
}

const std::string& tmpdir();

void remove_tmpdir()
{
    for (const char* f : {"/cap.dma.xz", "/cap.cmd.xz", "/cap.mmio.xz", "/any.trace"})
        ::unlink((tmpdir() + f).c_str());
    ::rmdir(tmpdir().c_str());
}

const std::string& tmpdir()
{
    // never destroyed, so that remove_tmpdir() can still use it at exit
    static const std::string* dir = [] {
        char t[] = "/tmp/smmu-fuzz-traces-XXXXXX";
        if (!mkdtemp(t))
            fail("mkdtemp");
        auto* d = new std::string(t);
        std::atexit(remove_tmpdir);  // normal exits; after a crash it stays for inspection
        return d;
    }();
    return *dir;
}

void write_file(const std::string& path, const std::string& bytes)
{
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!f)
        fail("cannot write " + path);
}

std::unique_ptr<st::record_source> open_memory(const std::string& bytes, const std::string& name)
{
    st::compression c = st::compression::none;
    std::unique_ptr<st::byte_source> src = st::memory_source(bytes);
    if (bytes.compare(0, 4, "\x28\xB5\x2F\xFD", 4) == 0) {
        c = st::compression::zstd;
        src = st::zstd_source(std::move(src), name);
    } else if (bytes.compare(0, 6, std::string("\xFD" "7zXZ\0", 6)) == 0) {
        c = st::compression::xz;
        src = st::xz_source(std::move(src), name);
    }
    return st::read_native(std::make_unique<st::input>(std::move(src), name), c);
}

// Reads every record, checking each; feeds the statistics and the mapping check.
std::vector<st::record> drain(st::record_source& in, size_t keep)
{
    std::vector<st::record> out;
    st::stats_collector stats({4, 32});
    st::mapping_checker maps;
    st::record r;
    uint64_t n = 0;
    while (in.next(r)) {
        std::string why = st::check_record(r);
        if (!why.empty())
            fail("a reader returned an invalid record: " + why + ": " + st::format_record(r));
        stats.add(r);
        maps.add(r, n++);
        if (out.size() < keep)
            out.push_back(r);
    }
    (void)stats.finish();
    const st::header& h = in.hdr();
    if (h.records && *h.records > st::max_records)
        fail("header announces an absurd record count");
    return out;
}

std::string as_text(const std::vector<st::record>& v)
{
    std::string s;
    for (const auto& r : v)
        s += st::format_record(r) + "\n";
    return s;
}

// 4: native input -> binary and text writers (with compression) -> readers: same records.
void round_trip(const std::string& bytes, uint8_t how)
{
    std::vector<st::record> recs;
    st::header h;
    try {
        auto in = open_memory(bytes, "in.trace");
        h = in->hdr();
        if (in->skipped_unknown())
            return;  // a newer minor version: what was skipped cannot come back
        recs = drain(*in, 1u << 20);
    } catch (const st::trace_error&) {
        return;
    }
    const st::output_format fmts[] = {st::output_format::binary, st::output_format::text};
    for (st::output_format f : fmts) {
        std::string out;
        std::unique_ptr<st::byte_sink> sink = std::make_unique<st::memory_sink>(&out);
        if ((how % 3) == 1)
            sink = st::zstd_sink(std::move(sink), 1);
        else if ((how % 3) == 2)
            sink = st::xz_sink(std::move(sink), 0);
        h.records.reset();
        auto w = st::make_writer(std::move(sink), f, h);
        for (const auto& r : recs)
            w->write(r);
        w->finish();
        std::vector<st::record> back;
        try {
            auto in = open_memory(out, "rt.trace");
            back = drain(*in, 1u << 20);
        } catch (const st::trace_error& e) {
            fail(std::string("the writer's own output is rejected: ") + e.what());
        }
        if (as_text(back) != as_text(recs))
            fail("round trip changed the records");
    }
}

void run(uint8_t mode, const std::string& body)
{
    switch (mode % 5) {
    case 0: {
        auto in = open_memory(body, "fuzz.trace");
        drain(*in, 0);
        break;
    }
    case 1: {
        auto in = st::import_qemu_log(
            std::make_unique<st::input>(st::memory_source(body), "fuzz.log"));
        drain(*in, 0);
        break;
    }
    case 2: {
        const char* sufs[] = {".dma.xz", ".cmd.xz", ".mmio.xz"};
        const std::string prefix = tmpdir() + "/cap";
        size_t pos = 0;
        for (int i = 0; i < 3; i++) {
            if (pos > body.size()) {  // fewer than three parts: fewer files
                ::unlink((prefix + sufs[i]).c_str());
                continue;
            }
            size_t sep = body.find("\n%%\n", pos);
            write_file(prefix + sufs[i],
                       body.substr(pos, sep == std::string::npos ? std::string::npos : sep - pos));
            pos = sep == std::string::npos ? body.size() + 1 : sep + 4;
        }
        st::import_options o;
        o.port_per_stream = body.size() & 1;
        auto in = st::import_capture(prefix, o);
        drain(*in, 0);
        break;
    }
    case 3: {
        const std::string path = tmpdir() + "/any.trace";
        write_file(path, body);
        auto in = st::open_trace(path);
        drain(*in, 0);
        break;
    }
    default:
        round_trip(body, static_cast<uint8_t>(mode / 5));
        break;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0)
        return 0;
    std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        run(data[0], body);
    } catch (const st::trace_error& e) {
        // the documented error: a message that says where
        if (std::strlen(e.what()) == 0)
            fail("trace_error without a message");
    }
    // any other exception escapes and libFuzzer reports it as a crash
    return 0;
}
