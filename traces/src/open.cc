// SPDX-License-Identifier: Apache-2.0
// Format auto-detection from the content and the reader/writer factories.
#include <sys/stat.h>

#include "native_internal.h"
#include "smmuv3_traces/trace.h"

namespace smmuv3::traces {

std::unique_ptr<record_writer> make_text_writer(std::unique_ptr<byte_sink> out, const header& h);
std::unique_ptr<record_source> make_text_reader(std::unique_ptr<input> in, compression c);
std::unique_ptr<record_writer> make_binary_writer(std::unique_ptr<byte_sink> out, const header& h);
std::unique_ptr<record_source> make_binary_reader(std::unique_ptr<input> in, compression c);

const char* input_format_name(input_format f)
{
    switch (f) {
    case input_format::native_text: return "native text";
    case input_format::native_binary: return "native binary";
    case input_format::capture: return "shared capture";
    case input_format::qemu_log: return "QEMU trace log";
    }
    return "?";
}

namespace {

bool exists(const std::string& p)
{
    struct stat st;
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool ends_with(const std::string& s, const std::string& suf)
{
    return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
}

/* A QEMU log line: "PID@SEC.USEC:smmu..." or "smmu..." / "pl031_..." at the start. */
bool looks_like_qemu_log(const std::string& head)
{
    size_t p = 0;
    for (int n = 0; n < 64 && p < head.size(); ++n) {
        size_t nl = head.find('\n', p);
        std::string l = head.substr(p, nl == std::string::npos ? std::string::npos : nl - p);
        size_t c = l.find(':');
        size_t at = l.find('@');
        std::string ev = (at != std::string::npos && c != std::string::npos && at < c) ? l.substr(c + 1) : l;
        if (ev.rfind("smmuv3_", 0) == 0 || ev.rfind("smmu_", 0) == 0)
            return true;
        if (nl == std::string::npos)
            break;
        p = nl + 1;
    }
    return false;
}

}  // namespace

std::unique_ptr<record_source> read_native(std::unique_ptr<input> in, compression c)
{
    const std::string head = in->peek(16);
    if (head.size() >= 8 && head.compare(0, 8, detail::binary_magic, 8) == 0)
        return make_binary_reader(std::move(in), c);
    if (head.empty())
        fail(location{in->name()}, "empty file");
    /* Neither magic: report it in the terms of the form the bytes look like. */
    if (head.find('\0') == std::string::npos && head[0] != '\x89')
        return make_text_reader(std::move(in), c);
    return make_binary_reader(std::move(in), c);
}

std::unique_ptr<record_source> open_trace(const std::string& path, const import_options& opt)
{
    /* A capture given by its prefix NAME (the files are NAME.dma.xz etc.). */
    if (path != "-" && !exists(path) && exists(path + ".dma.xz"))
        return import_capture(path, opt);
    compression c = compression::none;
    auto in = open_input(path, &c);
    const std::string head = in->peek(4096);
    if ((head.size() >= 8 && head.compare(0, 8, detail::binary_magic, 8) == 0) ||
        head.rfind(detail::text_magic, 0) == 0)
        return read_native(std::move(in), c);
    if (head.rfind("# smmu-trace v1", 0) == 0) {
        /* One file of a shared capture: the importer reads its siblings (found by name). */
        for (const char* suf : {".dma.xz", ".cmd.xz", ".mmio.xz"})
            if (ends_with(path, suf))
                return import_capture(path.substr(0, path.size() - std::string(suf).size()), opt);
        fail(location{path}, "a shared capture file, but its name does not end in "
                             ".dma.xz/.cmd.xz/.mmio.xz, so its sibling files cannot be found");
    }
    if (looks_like_qemu_log(head))
        return import_qemu_log(std::move(in), opt);
    if (head.empty())
        fail(location{path}, "empty file");
    fail(location{path}, "unknown format (not a native trace, a shared capture or a QEMU SMMUv3 "
                         "trace log)");
}

std::unique_ptr<record_writer> make_writer(std::unique_ptr<byte_sink> out, output_format f,
                                           const header& h)
{
    if (f == output_format::text)
        return make_text_writer(std::move(out), h);
    return make_binary_writer(std::move(out), h);
}

std::unique_ptr<record_writer> open_writer(const std::string& path, output_format f, compression c,
                                           const header& h, int level)
{
    return make_writer(open_output(path, c, level), f, h);
}

}  // namespace smmuv3::traces
