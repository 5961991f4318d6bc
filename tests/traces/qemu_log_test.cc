// SPDX-License-Identifier: Apache-2.0
// The importer of QEMU's SMMUv3 trace log (log backend, -msg timestamp=on), on real-looking
// lines: tests/traces/fixtures/qemu_smmuv3.log follows QEMU 10.0's hw/arm/trace-events
// formats and reproduces the start of the boot_strict capture (same times from t0).
#include <gtest/gtest.h>

#include "smmuv3_traces/trace.h"
#include "trace_test_util.h"

using namespace trace_test;
using namespace smmuv3::traces;

namespace {
std::vector<std::string> import_lines(const std::string& log, const import_report** rep = nullptr)
{
    static std::unique_ptr<record_source> keep;
    keep = import_qemu_log(std::make_unique<input>(memory_source(log), "q.log"));
    std::vector<std::string> out;
    record r;
    while (keep->next(r))
        out.push_back(format_record(r));
    if (rep)
        *rep = keep->report();
    return out;
}

/* Importing log must fail with a message containing want. */
void expect_import_error(const std::string& log, const std::string& want)
{
    try {
        import_lines(log);
        ADD_FAILURE() << "no error, expected: " << want;
    } catch (const trace_error& e) {
        EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
    }
}
}  // namespace

TEST(QemuLog, FixtureImportsToTheExpectedRecords)
{
    auto in = open_trace(fixture("qemu_smmuv3.log"));
    EXPECT_EQ(in->format(), input_format::qemu_log);
    EXPECT_EQ(*in->hdr().find_meta("t0_epoch_us"), "1795626556730434");
    std::vector<std::string> got;
    record r;
    while (in->next(r))
        got.push_back(format_record(r));
    const std::vector<std::string> want = {
        "cmd 20870 CFGI_STE_RANGE sid=0x0 range=31 seq=3",
        "cmd 20877 SYNC seq=4",
        "cmd 21083 TLBI_NSNH_ALL seq=5",
        "cmd 441268 TLBI_NH_ASID asid=1 seq=6",
        "cmd 442529 CFGI_CD sid=0x8 seq=7",
        "cmd 442836 CFGI_STE sid=0x8 seq=8",
        "cmd 442907 PREFETCH_CONFIG seq=9",
        "bind 967082 0x8 1 4K 48 ttb=0x43b9e000",
        "map 967082 0x8 0xffffb000 0x443ab000 0x1000 rw 4K",
        "dma 967082 0 0x8 0xffffb002 - w? pa=0x443ab002 asid=1 q=M3 seq=11",
        "dma 967110 0 0x8 0xffffb002 - w? pa=0x443ab002 asid=1 q=H seq=12",
        "map 979197 0x8 0xffff6000 0x43bcf000 0x1000 r 4K",
        "dma 979197 0 0x8 0xffff6000 - r pa=0x43bcf000 asid=1 q=M3 seq=13",
        "unmap 980639 0x8 0xffff6000 0x1000",
        "cmd 980639 TLBI_NH_VA vmid=0 asid=1 addr=0xffff6000 tg=1 num=1 ttl=3 leaf=1 seq=15",
        "cmd 980654 SYNC seq=16",
        "mark 1369567 1 phase1 seq=18",
        "dma 1469568 1 0x10 0x12345000 - r q=A seq=19 noreplay",
        "event 1469569 F_TRANSLATION sid=0x10 seq=20",
        "dma 2538753 2 0x18 0xfffff040 - w pa=0xfffff040 q=D seq=21 noreplay",
    };
    EXPECT_EQ(got, want);
    const import_report& rep = *in->report();
    EXPECT_EQ(rep.mmio, 5u);
    EXPECT_EQ(rep.translations, 5u);
    EXPECT_EQ(rep.aborts, 1u);
    EXPECT_EQ(rep.disabled, 1u);
    EXPECT_EQ(rep.cd_tt, 1u);
    EXPECT_EQ(rep.skipped_lines, 7u);  // QEMU-internal side effects and the qemu message
}

TEST(QemuLog, LinesWithoutTimestampsHaveNoTime)
{
    const import_report* rep = nullptr;
    auto got = import_lines(
        "smmuv3_cmdq_opcode <--- SMMU_CMD_TLBI_NH_ASID\n"
        "smmuv3_cmdq_tlbi_nh_asid asid=3\n"
        "smmu_iotlb_lookup_miss IOTLB cache MISS asid=3 vmid=-1 addr=0xffffc000 hit=0 miss=1 hit rate=0\n"
        "smmu_iotlb_insert IOTLB ++ asid=3 vmid=-1 addr=0xffffc000 tg=1 level=2\n"
        "smmuv3_translate_success smmuv3-iommu-memory-region-16-1 sid=0x10 iova=0xffffc000 translated=0x49ffc000 perm=0x3 stage=1\n",
        &rep);
    ASSERT_EQ(got.size(), 4u);
    EXPECT_EQ(got[0], "cmd - TLBI_NH_ASID asid=3 seq=0");
    EXPECT_EQ(got[1], "bind - 0x10 3 4K 48");
    /* A level-2 leaf is a 2 MiB block: mapped as one. */
    EXPECT_EQ(got[2], "map - 0x10 0xffe00000 0x49e00000 0x200000 rw 2M");
    EXPECT_EQ(got[3], "dma - 0 0x10 0xffffc000 - w? pa=0x49ffc000 asid=3 q=M2 seq=1");
}

TEST(QemuLog, TranslationWithoutALookupHasNoAsidNorMapping)
{
    const import_report* rep = nullptr;
    auto got = import_lines(
        "1@1.000000:smmuv3_translate_success mr sid=0x8 iova=0x1000 translated=0x2000 perm=0x1 stage=1\n", &rep);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], "dma 0 0 0x8 0x1000 - r pa=0x2000 seq=0");
    EXPECT_EQ(rep->no_asid, 1u);
}

TEST(QemuLog, OlderSpellingsParse)
{
    /* QEMU 8 printed decimal StreamIDs in some events ("streamid =8", "streamid = 8"). */
    auto got = import_lines("smmuv3_cmdq_opcode <--- SMMU_CMD_CFGI_STE\nsmmuv3_cmdq_cfgi_ste streamid =8\n"
                            "smmuv3_cmdq_opcode <--- SMMU_CMD_CFGI_CD\nsmmuv3_cmdq_cfgi_cd streamid = 16\n");
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0], "cmd - CFGI_STE sid=0x8 seq=0");
    EXPECT_EQ(got[1], "cmd - CFGI_CD sid=0x10 seq=1");
}

TEST(QemuLog, MalformedKnownEventNamesTheLine)
{
    expect_import_error("smmuv3_read_mmio addr: 0x0 val:0x1 size: 0x4(0)\n"
                        "smmuv3_translate_success mr sid=0x8 translated=0x2000 perm=0x1\n",
                        "q.log:2: smmuv3_translate_success: no 'iova'");
}

// A translation whose output page ends at 2^64 implies a map whose output range wraps: the
// importer names the line instead of returning a record that breaks the format's rules (a
// libFuzzer find, tests/fuzz/regressions/traces/map-pa-wraps-past-2-64).
TEST(QemuLog, TranslationImplyingAWrappingMapNamesTheLine)
{
    expect_import_error(
        "smmu_iotlb_lookup_miss IOTLB cache MISS asid=1 vmid=-1 addr=0xffffb002 hit=0 miss=1 hit rate=0\n"
        "smmuv3_translate_success mr sid=0x8 iova=0xffffb002 translated=0xfffffffffffffffb perm=0x3 stage=1\n",
        "q.log:2: translation of iova 0xffffb002 to pa 0xfffffffffffffffb implies an invalid mapping: "
        "map output range wraps past 2^64");
}

// Addresses and StreamIDs are unsigned: "-5" is an error naming the line, not the
// two's-complement bit pattern 0xfffffffffffffffb.
TEST(QemuLog, NegativeAddressOrStreamIdNamesTheLine)
{
    expect_import_error("smmuv3_translate_success mr sid=0x8 iova=0x1000 translated=-5 perm=0x3\n",
                        "q.log:1: smmuv3_translate_success: 'translated' is negative");
    expect_import_error("smmuv3_translate_success mr sid=-1 iova=0x1000 translated=0x2000 perm=0x3\n",
                        "q.log:1: smmuv3_translate_success: 'sid' is negative");
    expect_import_error("smmuv3_translate_success mr sid=0x8 iova=-4096 translated=0x2000 perm=0x3\n",
                        "q.log:1: smmuv3_translate_success: 'iova' is negative");
}

TEST(QemuLog, UnknownCommandNameBecomesAnEvent)
{
    auto got = import_lines("smmuv3_cmdq_opcode <--- SMMU_CMD_FROBNICATE\n");
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], "event - CMD info=FROBNICATE seq=0");
}
