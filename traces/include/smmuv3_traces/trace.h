// SPDX-License-Identifier: Apache-2.0
// Reading and writing native traces, importing captures, and the format auto-detection.
//
//   auto in = smmuv3::traces::open_trace("nvme.trace.zst");   // any supported input
//   smmuv3::traces::record r;
//   while (in->next(r)) { ... }                                 // streaming
//
#ifndef SMMUV3_TRACES_TRACE_H
#define SMMUV3_TRACES_TRACE_H

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "smmuv3_traces/io.h"
#include "smmuv3_traces/record.h"

namespace smmuv3::traces {

/// Kinds of input open_trace() recognises (from the content).
enum class input_format : uint8_t { native_text, native_binary, capture, qemu_log };
const char* input_format_name(input_format f);

/// Counts an importer gathers while it reads (all zero for native inputs).
struct import_report {
    uint64_t translations = 0;        ///< capture translation records read
    uint64_t replayable = 0;          ///< of which became replayable dma records
    uint64_t aborts = 0, bypass = 0, disabled = 0;  ///< q = A / B / D: not replayed
    uint64_t hits = 0, misses = 0;    ///< QEMU IOTLB outcome of the replayable ones
    uint64_t commands = 0, events = 0, marks = 0, cd_tt = 0;
    uint64_t mmio = 0;                ///< register accesses (counted, not converted)
    uint64_t maps = 0, unmaps = 0, binds = 0;  ///< records synthesised
    uint64_t no_asid = 0;             ///< translations without ASID (no mapping synthesised)
    uint64_t skipped_lines = 0;       ///< QEMU log lines of events not used
    uint64_t capture_records_total = 0;  ///< capture header records_total, 0 if none
};

/// A stream of records with its header.
class record_source {
public:
    virtual ~record_source() = default;
    virtual const header& hdr() const = 0;
    /// Next record; false at the end (after which the input was fully checked).
    virtual bool next(record& r) = 0;
    virtual input_format format() const = 0;
    virtual compression compressed() const { return compression::none; }
    /// Importers: what they counted so far (complete after next() returned false).
    virtual const import_report* report() const { return nullptr; }
    /// Records skipped because a newer minor version defines them (native readers).
    virtual uint64_t skipped_unknown() const { return 0; }
};

/// How importers turn a capture into records (defaults are what docs/traces.md describes).
struct import_options {
    bool synthesize_maps = true;      ///< emit bind/map records before translations
    bool infer_unmaps = true;         ///< emit unmap records before TLBI_NH_VA/VAA commands
    bool port_per_stream = true;      ///< one port per StreamID (false: all on port 0)
};

/// Opens any supported input: native text/binary (optionally zstd/xz compressed), a shared
/// capture (NAME, NAME.dma.xz, NAME.cmd.xz or NAME.mmio.xz) or a QEMU trace log.
std::unique_ptr<record_source> open_trace(const std::string& path,
                                          const import_options& opt = {});

/// Native readers on an already opened input (tests use these on memory buffers).
std::unique_ptr<record_source> read_native(std::unique_ptr<input> in, compression c);
/// QEMU `-trace` log (log backend) importer on an opened input.
std::unique_ptr<record_source> import_qemu_log(std::unique_ptr<input> in,
                                               const import_options& opt = {});
/// Shared capture importer: prefix is NAME (the files NAME.dma.xz, NAME.cmd.xz, NAME.mmio.xz).
std::unique_ptr<record_source> import_capture(const std::string& prefix,
                                              const import_options& opt = {});

enum class output_format : uint8_t { text, binary };

/// Writes records as they come; finish() writes the end record and closes the output.
class record_writer {
public:
    virtual ~record_writer() = default;
    virtual void write(const record& r) = 0;
    virtual void finish() = 0;
    virtual uint64_t written() const = 0;
};

std::unique_ptr<record_writer> make_writer(std::unique_ptr<byte_sink> out, output_format f,
                                           const header& h);
/// Opens path ("-" = stdout) with the given form and compression.
std::unique_ptr<record_writer> open_writer(const std::string& path, output_format f,
                                           compression c, const header& h, int level = -1);

/// Text form of one record (one line, no newline): what the text writer writes.
std::string format_record(const record& r);

/// In-memory byte source/sink, for tests and tools.
std::unique_ptr<byte_source> memory_source(std::string bytes);
class memory_sink : public byte_sink {
public:
    explicit memory_sink(std::string* out) : m_out(out) {}
    void write(const void* buf, size_t n) override;
    void finish() override {}

private:
    std::string* m_out;
};

}  // namespace smmuv3::traces
#endif
