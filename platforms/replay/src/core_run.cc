// SPDX-License-Identifier: Apache-2.0
#include "smmuv3_replay/core_run.h"

#include <algorithm>

#include "core_host.h"

namespace smmuv3::replay {

TraceShape spec_shape(const RunSpec& spec)
{
    return spec.program ? spec.program->shape : trace_shape(spec.trace);
}

Report run_core(const RunSpec& spec)
{
    const TraceShape shape = spec_shape(spec);
    smmu_config_t cfg = spec.cfg;
    cfg.num_ports = static_cast<uint16_t>(std::max<unsigned>(cfg.num_ports, shape.ports));
    const Layout l = layout_for(cfg);
    drv::CoreHost host(cfg, l.tables_base, l.tables_size, l.doorbell);
    drv::PageAllocator pages(l.tables_base, l.tables_size);
    drv::Driver driver(host, pages, driver_options(cfg, l, shape.max_sid));
    driver.init();
    smmu_stats_reset(host.smmu());  // the report counts the replay, not the probe

    CoreSink sink(host.smmu(), spec.timing);
    Engine eng(driver, sink, host.smmu(), cfg.num_ports);
    RunInfo run;
    run.trace = spec.trace;
    run.mode = "core-only";
    run.preset = spec.preset;
    run.cfg = cfg;
    run.timing = spec.timing;
    run.ports = cfg.num_ports;
    if (spec.program) {
        run.trace_format = spec.program->format;
        run.streams = spec.program->hdr.streams;
        eng.run(*spec.program, spec.progress);
    } else {
        auto src = traces::open_trace(spec.trace);
        run.trace_format = format_name(*src);
        run.streams = src->hdr().streams;
        Decoder dec(*src);
        eng.run(dec, spec.progress);
    }
    return collect(run, eng, host.smmu(), driver);
}

}  // namespace smmuv3::replay
