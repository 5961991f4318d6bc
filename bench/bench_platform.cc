// SPDX-License-Identifier: Apache-2.0
// Replay speed of the platform on the bundled default trace (docs/performance.md "Platform").
// The trace is decoded once, before timing; what is timed is the replay alone (the engine,
// the driver model, the SMMU), as smmu-vp's host.seconds is. Each benchmark reports
// records_per_second over all the trace's records.
//
//   BM_Platform_CoreOnly        core-only replay (smmu_translate_batch), as smmu-vp --core-only
//   BM_Platform_NullSink        floor: the same replay with DMA records dropped, not translated
//   BM_Platform_Tlm             the SystemC platform: smmu-vp run as a process (SystemC
//                               elaborates once per process), its host.seconds as the time
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "core_host.h"
#include "smmuv3_replay/core_run.h"

namespace {

namespace rp = smmuv3::replay;
namespace drv = smmuv3::drv;

const rp::Program& program()
{
    static const std::unique_ptr<rp::Program> p = [] {
        auto src = smmuv3::traces::open_trace(SMMUV3_DEFAULT_TRACE);
        return std::make_unique<rp::Program>(rp::Program::load(*src));
    }();
    return *p;
}

// The iteration's time is the replay's own; the counter is the mean of the iterations' rates.
void report(benchmark::State& state, double seconds, uint64_t records)
{
    state.SetIterationTime(seconds);
    benchmark::Counter& c = state.counters["records_per_second"];
    c.flags = benchmark::Counter::kAvgIterations;
    c.value += static_cast<double>(records) / seconds;
}

void BM_Platform_CoreOnly(benchmark::State& state)
{
    const rp::Program& p = program();
    for (auto _ : state) {
        rp::RunSpec s;
        s.trace = SMMUV3_DEFAULT_TRACE;
        s.program = &p;
        rp::Report r = rp::run_core(s);
        if (r.n.pa_mismatch != 0)
            state.SkipWithError("address mismatch");
        report(state, r.n.host_seconds, r.n.records);
    }
}
BENCHMARK(BM_Platform_CoreOnly)->UseManualTime()->Unit(benchmark::kMillisecond);

// A sink that performs nothing: what the engine and the driver model cost by themselves.
struct NullSink : rp::DmaSink {
    void submit(const smmu_txn_t* req, size_t n, rp::DmaResult* out) override
    {
        for (size_t i = 0; i < n; i++)
            out[i] = {req[i].iova, 0, true};
    }
};

void BM_Platform_NullSink(benchmark::State& state)
{
    const rp::Program& p = program();
    for (auto _ : state) {
        smmu_config_t cfg = smmu_config_default();
        cfg.num_ports = static_cast<uint16_t>(p.shape.ports);
        const rp::Layout l = rp::layout_for(cfg);
        drv::CoreHost host(cfg, l.tables_base, l.tables_size, l.doorbell);
        drv::PageAllocator pages(l.tables_base, l.tables_size);
        drv::Driver d(host, pages, rp::driver_options(cfg, l, p.shape.max_sid));
        d.init();
        NullSink sink;
        rp::Engine e(d, sink, host.smmu(), cfg.num_ports);
        e.run(p);
        report(state, e.counters().host_seconds, e.counters().records);
    }
}
BENCHMARK(BM_Platform_NullSink)->UseManualTime()->Unit(benchmark::kMillisecond);

#ifdef SMMU_VP
// One smmu-vp process per iteration; its JSON report's host.seconds is the time.
void BM_Platform_Tlm(benchmark::State& state)
{
    const std::string cmd = std::string(SMMU_VP) + " --quiet --report json";
    for (auto _ : state) {
        FILE* f = ::popen(cmd.c_str(), "r");
        if (!f) {
            state.SkipWithError("cannot run smmu-vp");
            break;
        }
        std::string out;
        char b[4096];
        size_t n;
        while ((n = std::fread(b, 1, sizeof b, f)) > 0)
            out.append(b, n);
        if (::pclose(f) != 0) {
            state.SkipWithError("smmu-vp failed");
            break;
        }
        auto num = [&](const char* key) {
            size_t at = out.find(key);
            return at == std::string::npos ? -1.0 : std::stod(out.substr(at + std::strlen(key)));
        };
        const double secs = num("\"seconds\": "), recs = num("\"total\": ");
        if (secs <= 0 || recs <= 0 || num("\"pa_mismatch\": ") != 0) {
            state.SkipWithError("unexpected smmu-vp report");
            break;
        }
        report(state, secs, static_cast<uint64_t>(recs));
    }
}
BENCHMARK(BM_Platform_Tlm)->UseManualTime()->Unit(benchmark::kMillisecond);
#endif

}  // namespace
