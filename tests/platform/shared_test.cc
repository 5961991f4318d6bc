// SPDX-License-Identifier: Apache-2.0
// Every shared Linux capture (../shared/traces/data) replays with every expected output address
// reproduced (records.pa_mismatch == 0) and no command rejected for a nonzero RES0 bit:
// core-only for all of them, and through the SystemC
// platform (smmu-vp) for boot_strict, the bundled default trace and mixed_strict (three
// devices interleaved on three ports). The TLM platform and the core-only replay give the same
// report apart from the mode, the platform section and the host times.
#include <gtest/gtest.h>

#include <string>

#include "platform_test_util.h"
#include "smmuv3_replay/core_run.h"

namespace {

namespace rp = smmuv3::replay;
namespace st = smmuv3::traces;
using namespace platform_test;

const char* const CAPTURES[] = {
    "boot_strict",    "k61_boot_strict",           "mixed_strict",
    "net_lazy",       "nvme_randread_qd1_strict",  "nvme_seqread_strict",
    "vblk_dd_strict", "vblk_randread_qd32_strict",
};

class SharedCapture : public ::testing::TestWithParam<const char*> {};

TEST_P(SharedCapture, CoreOnlyReplayReproducesEveryAddress)
{
    if (!have_shared())
        GTEST_SKIP() << "shared captures not found at " << SMMUV3_SHARED_TRACES;
    const std::string name = GetParam();
    rp::RunSpec s;
    s.trace = shared(name);
    s.cfg.cmd_res0_check = true;  // the driver keeps RES0 bits of commands zero (4.1.5)
    rp::Report r = rp::run_core(s);
    EXPECT_GT(r.n.pa_checked, 0u);
    EXPECT_EQ(r.n.pa_checked, r.n.dma);
    EXPECT_EQ(r.n.dma_failed, 0u);
    EXPECT_EQ(r.stats.cmd_errors, 0u);
    EXPECT_EQ(r.n.pa_mismatch, 0u) << r.n.first_mismatch;
}

INSTANTIATE_TEST_SUITE_P(Captures, SharedCapture, ::testing::ValuesIn(CAPTURES),
                         [](const auto& p) { return std::string(p.param); });

// The driver model builds its commands as Linux does, with every RES0 bit zero (4.1.5): with
// smmu_config_t.cmd_res0_check on, the bundled traces replay without a command error.
TEST(BundledTrace, DriverCommandsKeepReservedBitsZero)
{
    for (const char* name : {"boot_strict.trace", "nvme_randread_qd1_strict.trace.zst"}) {
        SCOPED_TRACE(name);
        rp::RunSpec s;
        s.trace = bundled(name);
        s.cfg.cmd_res0_check = true;
        rp::Report r = rp::run_core(s);
        EXPECT_GT(r.stats.commands, 0u);
        EXPECT_EQ(r.stats.cmd_errors, 0u);
        EXPECT_EQ(r.command_errors, 0u);
        EXPECT_EQ(r.n.pa_mismatch, 0u) << r.n.first_mismatch;
    }
}

TEST(SharedCapture, TablesAloneReproduceVblkDd)
{
    // Without TLBs every translation walks the replayed tables: the map/unmap replay is
    // exact even where the captured invalidations are incomplete.
    if (!have_shared())
        GTEST_SKIP() << "shared captures not found";
    rp::RunSpec s;
    s.trace = shared("vblk_dd_strict");
    s.cfg.iotlb = {0, 0, SMMU_POLICY_LRU};
    s.cfg.utlb = {0, 0, SMMU_POLICY_LRU};
    rp::Report r = rp::run_core(s);
    EXPECT_GT(r.n.pa_checked, 100000u);
    EXPECT_EQ(r.n.pa_mismatch, 0u) << r.n.first_mismatch;
}

#ifdef SMMU_VP
nlohmann::json vp_json(const std::string& args)
{
    Proc r = run(std::string(SMMU_VP) + " --quiet --report json " + args);
    EXPECT_EQ(r.status, 0) << r.err;
    return nlohmann::json::parse(r.out);
}

void tlm_matches_core(const std::string& trace)
{
    nlohmann::json tlm = vp_json("--trace " + trace);
    nlohmann::json core = vp_json("--core-only --trace " + trace);
    EXPECT_EQ(tlm["records"]["pa_mismatch"], 0) << tlm["records"]["first_pa_mismatch"];
    EXPECT_GT(tlm["records"]["pa_checked"].get<uint64_t>(), 0u);
    EXPECT_EQ(tlm["mode"], "tlm");
    EXPECT_EQ(tlm["platform"]["master_requests"], tlm["translations"]["requests"]);
    EXPECT_EQ(tlm["platform"]["terminated"], 0);
    for (auto* j : {&tlm, &core}) {
        j->erase("host");
        j->erase("platform");
        j->erase("mode");
    }
    EXPECT_EQ(tlm, core) << "the TLM platform and the core-only replay disagree";
}

TEST(SharedCaptureTlm, BootStrict)
{
    if (!have_shared())
        GTEST_SKIP() << "shared captures not found";
    tlm_matches_core(shared("boot_strict"));
}

TEST(SharedCaptureTlm, MixedStrictThreePorts)
{
    if (!have_shared())
        GTEST_SKIP() << "shared captures not found";
    tlm_matches_core(shared("mixed_strict.dma.xz"));
}

TEST(BundledTraceTlm, DefaultTrace)
{
    tlm_matches_core(bundled("nvme_randread_qd1_strict.trace.zst"));
}

TEST(BundledTraceTlm, TimedCommandQueueGivesTheSameSimulatedTime)
{
    nlohmann::json a = vp_json("--trace " + bundled("boot_strict.trace"));
    nlohmann::json b = vp_json("--timed-cmdq --trace " + bundled("boot_strict.trace"));
    EXPECT_EQ(a["platform"]["cmdq"], "annotated");
    EXPECT_EQ(b["platform"]["cmdq"], "timed");
    EXPECT_EQ(a["platform"]["sim_time_ns"], b["platform"]["sim_time_ns"]);
    EXPECT_EQ(a["latency_ns"], b["latency_ns"]);
    EXPECT_EQ(a["records"]["pa_mismatch"], 0);
}
#endif

}  // namespace
