// SPDX-License-Identifier: Apache-2.0
// libFuzzer target 3: the conformance runner's case reader (tools/conformance/src/oracle.*,
// format ../shared/oracle/FORMAT.md). The first byte picks plain .jsonl or .jsonl.xz (the
// input is then xz-compressed by the harness, or taken as is when it already is .xz data);
// the rest is the file. Invariants: a malformed file is rejected with "FILE:LINE: why" (or
// "FILE: why"), never a crash, a hang or another exception; an accepted file holds at least
// one case, and every case satisfies the schema rules the reader promises (non-empty id,
// register accesses of 4 or 8 bytes with values that fit, DMA sizes of 1..2^30 bytes with as
// many data bytes for writes, 32-byte event records, a sane RAM range).
#include <lzma.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "oracle.hpp"

namespace cf = conformance;

namespace {

void fail(const std::string& what)
{
    std::fprintf(stderr, "invariant violated: %s\n", what.c_str());
    std::abort();
}

const std::string& tmpdir();

void remove_tmpdir()
{
    for (const char* f : {"/case.jsonl", "/case.jsonl.xz"})
        ::unlink((tmpdir() + f).c_str());
    ::rmdir(tmpdir().c_str());
}

const std::string& tmpdir()
{
    // never destroyed, so that remove_tmpdir() can still use it at exit
    static const std::string* dir = [] {
        char t[] = "/tmp/smmu-fuzz-oracle-XXXXXX";
        if (!mkdtemp(t))
            fail("mkdtemp");
        auto* d = new std::string(t);
        std::atexit(remove_tmpdir);  // normal exits; after a crash it stays for inspection
        return d;
    }();
    return *dir;
}

std::string xz(const std::string& in)
{
    std::string out(lzma_stream_buffer_bound(in.size()), '\0');
    size_t pos = 0;
    if (lzma_easy_buffer_encode(0, LZMA_CHECK_CRC32, nullptr,
                                reinterpret_cast<const uint8_t*>(in.data()), in.size(),
                                reinterpret_cast<uint8_t*>(&out[0]), &pos, out.size()) != LZMA_OK)
        fail("xz encoding");
    out.resize(pos);
    return out;
}

void check_outcome(const cf::outcome& o)
{
    if ((o.res == cf::result::ok || o.res == cf::result::partial) && !o.pa)
        fail("ok outcome without a PA");
    if (o.res == cf::result::partial && o.second_page.size() != 1)
        fail("partial outcome without its second page");
    if (o.s2 && *o.s2 > 1)
        fail("S2 above 1");
    if (o.cls && *o.cls > 2)
        fail("CLASS above 2");
    for (const auto& p : o.second_page)
        check_outcome(p);
}

void check_case(const cf::oracle_case& c)
{
    if (c.id.empty())
        fail("case without an id");
    if (c.ram_size == 0 || c.ram_size > (uint64_t{1} << 40) || c.ram_base + c.ram_size < c.ram_base)
        fail("RAM range accepted");
    for (const auto& s : c.steps) {
        switch (s.kind) {
        case cf::op::reg_write:
        case cf::op::reg_read:
            if (s.size != 4 && s.size != 8)
                fail("register access size");
            if (s.size == 4 && s.val > UINT32_MAX)
                fail("4-byte register value above 32 bits");
            break;
        case cf::op::dma:
            if (s.size == 0 || s.size > (1u << 30))
                fail("DMA size");
            if (s.write && s.data.size() != s.size)
                fail("DMA write data does not match its size");
            if (s.ssid && *s.ssid >= (1u << 20))
                fail("SubstreamID above 20 bits");
            check_outcome(s.intent);
            for (const auto& a : s.arch_allows)
                check_outcome(a);
            if ((s.expect.res == cf::result::ok || s.expect.res == cf::result::partial) &&
                !s.expect.pa)
                fail("expected ok without a PA");
            break;
        default:
            break;
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0)
        return 0;
    const bool compressed = data[0] & 1;
    std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (compressed && (data[0] & 2))
        body = xz(body);  // valid .xz around fuzzed JSON; otherwise the bytes are the .xz file
    const std::string path = tmpdir() + (compressed ? "/case.jsonl.xz" : "/case.jsonl");
    {
        std::ofstream f(path, std::ios::binary | std::ios::trunc);
        f.write(body.data(), static_cast<std::streamsize>(body.size()));
        if (!f)
            fail("cannot write " + path);
    }
    std::vector<cf::oracle_case> cases;
    std::string err;
    const bool ok = cf::load_cases(path, cases, err);  // any exception escapes: a crash
    if (ok) {
        if (cases.empty())
            fail("accepted a file without cases");
        if (!err.empty())
            fail("accepted with an error message");
        for (const auto& c : cases)
            check_case(c);
    } else if (err.compare(0, path.size(), path) != 0) {
        fail("error message does not name the file: " + err);
    }
    return 0;
}
