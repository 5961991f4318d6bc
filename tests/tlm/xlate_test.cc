// SPDX-License-Identifier: Apache-2.0
// Translated traffic end to end: upstream master -> SMMU -> memory. What is checked is the
// wrapper's job: the address rewrite and restore, StreamID sources, page splits, the
// response of each outcome (fault, RAZ/WI, ATS, IGNORE). The architecture behind each
// outcome is tested in the C-core suites.
#include <cstring>
#include <string>

#include "tlm_harness.h"

using namespace tlmtest;

namespace {

std::vector<unsigned char> pattern(unsigned n, unsigned seed)
{
    std::vector<unsigned char> v(n);
    for (unsigned i = 0; i < n; i++)
        v[i] = static_cast<unsigned char>(seed + i * 13);
    return v;
}

}  // namespace

TEST(Xlate, ReadsAndWritesReachTheTranslatedAddress)
{
    platform p;
    p.run([&] {
        p.setup_s1();
        auto data = pattern(64, 1);
        auto w = p.master().write(IOVA + 2 * PAGE + 0x40, data);
        EXPECT_EQ(w.status, tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(std::memcmp(p.mem.at(DATA_PA + 2 * PAGE + 0x40), data.data(), 64), 0);
        std::memcpy(p.mem.at(DATA_PA + 5 * PAGE + 8), data.data(), 8);
        auto r = p.master().read(IOVA + 5 * PAGE + 8, 8);
        EXPECT_EQ(r.status, tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(std::memcmp(r.data.data(), data.data(), 8), 0);
        // the memory saw the physical addresses
        EXPECT_EQ(p.mem.count(DATA_PA + 2 * PAGE + 0x40, DATA_PA + 2 * PAGE + 0x40,
                              tlm::TLM_WRITE_COMMAND), 1u);
        EXPECT_EQ(p.mem.count(DATA_PA + 5 * PAGE + 8, DATA_PA + 5 * PAGE + 8,
                              tlm::TLM_READ_COMMAND), 1u);
        EXPECT_EQ(p.mem.count(IOVA, IOVA + 16 * PAGE), 0u);
    });
}

// StreamID: the extension first, else the port's default StreamID from the options.
TEST(Xlate, StreamIdFromExtensionElsePortDefault)
{
    smmuv3::tlm_options o;
    o.default_stream_ids = {5, 6};
    platform p(default_config(2), smmuv3::timing(), 2, o);
    p.run([&] {
        p.setup_s1(5, IOVA, DATA_PA, PAGE);
        p.setup_s1(6, IOVA, DATA_PA + PAGE, PAGE);
        std::memset(p.mem.at(DATA_PA), 0x55, 8);
        std::memset(p.mem.at(DATA_PA + PAGE), 0x66, 8);
        auto r0 = p.master(0).read(IOVA, 8);
        auto r1 = p.master(1).read(IOVA, 8);
        ASSERT_EQ(r0.status, tlm::TLM_OK_RESPONSE);
        ASSERT_EQ(r1.status, tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(r0.data[0], 0x55);
        EXPECT_EQ(r1.data[0], 0x66);
        smmuv3::smmu_ext e;
        e.stream_id = 6;
        auto r2 = p.master(0).read(IOVA, 8, &e);
        ASSERT_EQ(r2.status, tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(r2.data[0], 0x66);
        // the extension travels downstream with the forwarded transaction
        EXPECT_TRUE(p.mem.log.back().ext);
    });
}

// Port i uses micro-TLB i: a translation cached in port 0's micro-TLB is an IOTLB hit on
// port 1 (the hit level shows in the annotated latency), then a micro-TLB hit there too.
TEST(Xlate, EachPortHasItsOwnMicroTlb)
{
    smmuv3::timing t;
    t.utlb_hit = sc_time(3, SC_NS);
    t.iotlb_hit = sc_time(7, SC_NS);
    platform p(default_config(2), t, 2);
    p.run([&] {
        p.setup_s1(SID, IOVA, DATA_PA, PAGE);
        const sc_time mem = p.mem.read_latency;
        smmuv3::smmu_ext e;
        e.stream_id = SID;
        p.master(0).read(IOVA, 8, &e); // walk: fills the IOTLB and micro-TLB 0
        EXPECT_EQ(p.master(0).read(IOVA + 8, 8, &e).delay, sc_time(3, SC_NS) + mem);
        const uint64_t walks = p.stats().walks;
        EXPECT_EQ(p.master(1).read(IOVA + 16, 8, &e).delay, sc_time(7, SC_NS) + mem);
        EXPECT_EQ(p.master(1).read(IOVA + 24, 8, &e).delay, sc_time(3, SC_NS) + mem);
        EXPECT_EQ(p.stats().walks, walks);
    });
}

TEST(Xlate, TransactionCrossingAPageIsSplit)
{
    platform p;
    p.run([&] {
        drv::Domain* d = p.setup_s1(SID, IOVA, DATA_PA, 0);
        // two consecutive IOVA pages on non-contiguous physical pages
        p.driver().map(d, IOVA, DATA_PA + 7 * PAGE, PAGE, drv::PROT_READ | drv::PROT_WRITE);
        p.driver().map(d, IOVA + PAGE, DATA_PA + 3 * PAGE, PAGE,
                       drv::PROT_READ | drv::PROT_WRITE);
        auto data = pattern(64, 9);
        p.mem.log.clear();
        auto w = p.master().write(IOVA + PAGE - 24, data);
        EXPECT_EQ(w.status, tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(std::memcmp(p.mem.at(DATA_PA + 8 * PAGE - 24), data.data(), 24), 0);
        EXPECT_EQ(std::memcmp(p.mem.at(DATA_PA + 3 * PAGE), data.data() + 24, 40), 0);
        EXPECT_EQ(p.mem.count(DATA_PA + 8 * PAGE - 24, DATA_PA + 8 * PAGE - 24), 1u);
        EXPECT_EQ(p.mem.count(DATA_PA + 3 * PAGE, DATA_PA + 3 * PAGE), 1u);
        auto r = p.master().read(IOVA + PAGE - 24, 64);
        EXPECT_EQ(r.status, tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(r.data, data);
        EXPECT_EQ(p.smmu.counters().splits, 2u);
    });
}

TEST(Xlate, SplitTransactionKeepsByteEnablesAligned)
{
    platform p;
    p.run([&] {
        drv::Domain* d = p.setup_s1(SID, IOVA, DATA_PA, 0);
        p.driver().map(d, IOVA, DATA_PA + 7 * PAGE, PAGE, drv::PROT_READ | drv::PROT_WRITE);
        p.driver().map(d, IOVA + PAGE, DATA_PA + 3 * PAGE, PAGE,
                       drv::PROT_READ | drv::PROT_WRITE);
        std::memset(p.mem.at(DATA_PA + 8 * PAGE - 8), 0, 8);
        std::memset(p.mem.at(DATA_PA + 3 * PAGE), 0, 8);
        unsigned char data[16], be[16];
        for (unsigned i = 0; i < 16; i++) {
            data[i] = static_cast<unsigned char>(0xA0 + i);
            be[i] = (i % 2) ? TLM_BYTE_ENABLED : TLM_BYTE_DISABLED;
        }
        tlm::tlm_generic_payload gp;
        gp.set_command(tlm::TLM_WRITE_COMMAND);
        gp.set_address(IOVA + PAGE - 8);
        gp.set_data_ptr(data);
        gp.set_data_length(16);
        gp.set_streaming_width(16);
        gp.set_byte_enable_ptr(be);
        gp.set_byte_enable_length(16);
        sc_time d0 = SC_ZERO_TIME;
        p.master().socket->b_transport(gp, d0);
        EXPECT_EQ(gp.get_response_status(), tlm::TLM_OK_RESPONSE);
        for (unsigned i = 0; i < 16; i++) {
            const unsigned char* m = i < 8 ? p.mem.at(DATA_PA + 8 * PAGE - 8 + i)
                                           : p.mem.at(DATA_PA + 3 * PAGE + i - 8);
            EXPECT_EQ(*m, (i % 2) ? data[i] : 0) << i;
        }
        EXPECT_EQ(gp.get_byte_enable_ptr(), be);
        EXPECT_EQ(gp.get_byte_enable_length(), 16u);
    });
}

TEST(Xlate, SplitWhoseSecondPageFaultsIsAnError)
{
    platform p;
    p.run([&] {
        p.setup_s1(SID, IOVA, DATA_PA, PAGE); // only the first page is mapped
        auto r = p.master().read(IOVA + PAGE - 8, 16);
        EXPECT_EQ(r.status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
        auto ev = p.events();
        ASSERT_EQ(ev.size(), 1u);
        EXPECT_EQ(ev[0].type(), 0x10u);
        EXPECT_EQ(ev[0].input_addr(), IOVA + PAGE);
    });
}

// ---------------------------------------------------------------------------------------
// Faults: each kind completes the transaction with the fault response, after its event has
// been written to the event queue.
// ---------------------------------------------------------------------------------------

struct fault_case {
    const char* name;
    unsigned type;
    std::function<void(smmu_config_t&)> tweak;
    // arrange the fault; returns the StreamID and sets the access to make
    std::function<uint32_t(platform&, uint64_t& iova, bool& write, smmuv3::smmu_ext& ext)> arrange;
};

class XlateFault : public ::testing::TestWithParam<fault_case> {};

TEST_P(XlateFault, ErrorResponseAndEventInTheQueue)
{
    const fault_case& fc = GetParam();
    smmu_config_t cfg = default_config();
    if (fc.tweak)
        fc.tweak(cfg);
    platform p(cfg);
    p.run([&] {
        uint64_t iova = IOVA;
        bool write = false;
        smmuv3::smmu_ext ext;
        ext.stream_id = SID;
        uint32_t sid = fc.arrange(p, iova, write, ext);
        ext.stream_id = sid;
        p.mem.log.clear();
        auto r = write ? p.master().write(iova, pattern(8, 3), &ext)
                       : p.master().read(iova, 8, &ext);
        EXPECT_EQ(r.status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(p.smmu.counters().terminated, 1u);
        // nothing reached the data buffer area
        EXPECT_EQ(p.mem.count(DATA_PA, RAM_BASE + RAM_SIZE - 1), 0u);
        auto ev = p.events();
        ASSERT_EQ(ev.size(), 1u);
        EXPECT_EQ(ev[0].type(), fc.type) << smmu_event_name(ev[0].type());
        EXPECT_EQ(ev[0].sid(), sid);
    });
}

const fault_case kFaults[] = {
    {"F_TRANSLATION", 0x10, nullptr,
     [](platform& p, uint64_t& iova, bool&, smmuv3::smmu_ext&) {
         p.setup_s1();
         iova = IOVA + 64 * PAGE;
         return SID;
     }},
    {"F_PERMISSION", 0x13, nullptr,
     [](platform& p, uint64_t&, bool& write, smmuv3::smmu_ext&) {
         p.setup_s1(SID, IOVA, DATA_PA, PAGE, drv::PROT_READ);
         write = true;
         return SID;
     }},
    {"F_ACCESS", 0x12, nullptr, // AF == 0 and no hardware update (CD.HA == 0)
     [](platform& p, uint64_t&, bool&, smmuv3::smmu_ext&) {
         drv::Domain* d = p.setup_s1(SID, IOVA, DATA_PA, PAGE);
         p.modify(p.pte_addr(d, IOVA), 0, 1ull << 10);
         return SID;
     }},
    {"F_ADDR_SIZE", 0x11, [](smmu_config_t& c) { c.oas_bits = 40; },
     [](platform& p, uint64_t&, bool&, smmuv3::smmu_ext&) {
         p.setup_s1(SID, IOVA, 1ull << 44, PAGE); // output beyond the 40-bit OAS
         return SID;
     }},
    {"F_WALK_EABT", 0x0B, nullptr,
     [](platform& p, uint64_t&, bool&, smmuv3::smmu_ext&) {
         drv::Domain* d = p.setup_s1(SID, IOVA, DATA_PA, PAGE);
         uint64_t t = p.l3_table(d, IOVA);
         p.mem.add_abort(t, t + PAGE - 1);
         return SID;
     }},
    {"C_BAD_STREAMID", 0x02, nullptr,
     [](platform& p, uint64_t&, bool&, smmuv3::smmu_ext&) {
         p.setup_s1();
         return uint32_t{0x1000}; // beyond the 256-entry stream table
     }},
    {"C_BAD_STE", 0x04, nullptr,
     [](platform& p, uint64_t&, bool&, smmuv3::smmu_ext&) {
         p.setup_s1();
         return SID + 1; // a valid StreamID whose STE is not valid
     }},
    {"F_STE_FETCH", 0x03, nullptr,
     [](platform& p, uint64_t&, bool&, smmuv3::smmu_ext&) {
         p.setup_s1();
         uint64_t ste = p.ste_addr(SID);
         p.mem.add_abort(ste, ste + 63);
         return SID;
     }},
    {"F_CD_FETCH", 0x09, nullptr,
     [](platform& p, uint64_t&, bool&, smmuv3::smmu_ext&) {
         drv::Domain* d = p.setup_s1();
         p.mem.add_abort(d->cd, d->cd + 63);
         return SID;
     }},
    {"C_BAD_SUBSTREAMID", 0x08, nullptr,
     [](platform& p, uint64_t&, bool&, smmuv3::smmu_ext& e) {
         p.setup_s1();
         e.set_substream(3); // S1CDMax == 0: no substreams
         return SID;
     }},
};

INSTANTIATE_TEST_SUITE_P(Kinds, XlateFault, ::testing::ValuesIn(kFaults),
                         [](const ::testing::TestParamInfo<fault_case>& i) {
                             return std::string(i.param.name);
                         });

TEST(Xlate, FaultResponseIsConfigurable)
{
    smmuv3::tlm_options o;
    o.fault_response = tlm::TLM_GENERIC_ERROR_RESPONSE;
    platform p(default_config(), smmuv3::timing(), 1, o);
    p.run([&] {
        p.setup_s1();
        EXPECT_EQ(p.master().read(IOVA + 64 * PAGE, 8).status, tlm::TLM_GENERIC_ERROR_RESPONSE);
        EXPECT_EQ(p.events().size(), 1u);
    });
}

// CD.A == 0: faults terminate as RAZ/WI: reads return zeros, writes are dropped, OK response.
TEST(Xlate, RazWiReadsZeroAndDropsWrites)
{
    platform p;
    p.run([&] {
        drv::Domain* d = p.setup_s1(SID, IOVA, DATA_PA, PAGE, drv::PROT_READ);
        p.modify(d->cd, 0, 1ull << 46); // CD.A = 0 (the CD has not been fetched yet)
        std::memset(p.mem.at(DATA_PA), 0x77, 16);
        auto r = p.master().read(IOVA + 64 * PAGE, 16);   // unmapped: RAZ
        EXPECT_EQ(r.status, tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(r.data, std::vector<unsigned char>(16, 0));
        auto w = p.master().write(IOVA, pattern(16, 1));   // read-only: WI
        EXPECT_EQ(w.status, tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(*p.mem.at(DATA_PA), 0x77);
        EXPECT_EQ(p.mem.count(DATA_PA, DATA_PA + PAGE - 1, tlm::TLM_WRITE_COMMAND), 0u);
        EXPECT_EQ(p.smmu.counters().razwi, 2u);
        // a permitted read still works
        EXPECT_EQ(p.master().read(IOVA, 8).data[0], 0x77);
    });
}

// ATS Translation Requests are answered in the extension; nothing goes downstream.
TEST(Xlate, AtsTranslationRequestAnsweredInTheExtension)
{
    platform p;
    p.run([&] {
        p.setup_s1(SID, IOVA, DATA_PA, 2 * PAGE);
        p.modify(p.ste_addr(SID) + 8, 1ull << 28, 3ull << 28); // STE.EATS = 0b01
        p.driver().cfgi_ste(SID);
        p.mem.log.clear();
        smmuv3::smmu_ext e;
        e.stream_id = SID;
        e.atype = SMMU_ATYPE_ATS_REQUEST;
        tlm::tlm_generic_payload gp;
        unsigned char buf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
        gp.set_command(tlm::TLM_WRITE_COMMAND); // write permission requested
        gp.set_address(IOVA + PAGE + 0x123);
        gp.set_data_ptr(buf);
        gp.set_data_length(8);
        gp.set_streaming_width(8);
        gp.set_extension(&e);
        sc_time d = SC_ZERO_TIME;
        p.master().socket->b_transport(gp, d);
        EXPECT_EQ(gp.get_response_status(), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(e.ats_status, SMMU_ATS_SUCCESS);
        EXPECT_EQ(e.ats_addr, DATA_PA + PAGE + 0x123);
        EXPECT_EQ(e.ats_size, PAGE);
        EXPECT_EQ(e.ats_perm & (SMMU_PERM_R | SMMU_PERM_W), SMMU_PERM_R | SMMU_PERM_W);
        EXPECT_EQ(buf[0], 1); // the data buffer is not touched
        // an unmapped address: Success without permissions
        gp.set_address(IOVA + 64 * PAGE);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        p.master().socket->b_transport(gp, d);
        EXPECT_EQ(gp.get_response_status(), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(e.ats_status, SMMU_ATS_SUCCESS);
        EXPECT_EQ(e.ats_perm, 0u);
        // a stream without ATS (EATS == 0): Unsupported Request, error response
        p.setup_s1(SID + 1, IOVA, DATA_PA, PAGE);
        e.stream_id = SID + 1;
        gp.set_address(IOVA);
        p.master().socket->b_transport(gp, d);
        EXPECT_NE(gp.get_response_status(), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(e.ats_status, SMMU_ATS_UR);
        gp.clear_extension(&e);
        EXPECT_EQ(p.mem.count(DATA_PA, RAM_BASE + RAM_SIZE - 1), 0u);
        EXPECT_EQ(p.smmu.counters().ats_requests, 3u);
    });
}

// ATS Translated transactions (CR0.ATSCHK == 0): the address is already physical.
TEST(Xlate, AtsTranslatedTransactionsPassThrough)
{
    platform p;
    p.run([&] {
        p.setup_s1();
        std::memset(p.mem.at(DATA_PA + 9 * PAGE), 0x4D, 8);
        smmuv3::smmu_ext e;
        e.stream_id = SID;
        e.atype = SMMU_ATYPE_TRANSLATED;
        auto r = p.master().read(DATA_PA + 9 * PAGE, 8, &e);
        EXPECT_EQ(r.status, tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(r.data[0], 0x4D);
        EXPECT_EQ(p.stats().ats_translated, 1u);
    });
}

// TLM_IGNORE_COMMAND: translated without side effects and forwarded to the physical address.
TEST(Xlate, IgnoreCommandIsTranslatedAndForwarded)
{
    platform p;
    p.run([&] {
        p.setup_s1();
        unsigned char buf[8];
        tlm::tlm_generic_payload gp;
        gp.set_command(tlm::TLM_IGNORE_COMMAND);
        gp.set_address(IOVA + 3 * PAGE);
        gp.set_data_ptr(buf);
        gp.set_data_length(8);
        gp.set_streaming_width(8);
        sc_time d = SC_ZERO_TIME;
        p.mem.log.clear();
        p.master().socket->b_transport(gp, d);
        EXPECT_EQ(gp.get_response_status(), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(p.mem.count(DATA_PA + 3 * PAGE, DATA_PA + 3 * PAGE, tlm::TLM_IGNORE_COMMAND),
                  1u);
        EXPECT_EQ(gp.get_address(), IOVA + 3 * PAGE);
        // unmapped: an error response, but no event (nothing was accessed)
        gp.set_address(IOVA + 64 * PAGE);
        p.master().socket->b_transport(gp, d);
        EXPECT_EQ(gp.get_response_status(), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_TRUE(p.events().empty());
    });
}

// SMMUEN == 0 with GBPA bypass (the reset state): addresses pass through untranslated.
TEST(Xlate, BypassWhileDisabled)
{
    platform p;
    p.run([&] {
        std::memset(p.mem.at(DATA_PA), 0x3C, 8);
        auto r = p.master().read(DATA_PA, 8);
        EXPECT_EQ(r.status, tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(r.data[0], 0x3C);
        EXPECT_EQ(p.stats().bypassed, 1u);
    });
}
