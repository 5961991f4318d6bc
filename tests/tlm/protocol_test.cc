// SPDX-License-Identifier: Apache-2.0
// TLM-2.0 base-protocol rules on the upstream sockets: the response status is always set,
// the data length is respected, the payload comes back as it was sent (address, data
// pointer, length, streaming width, byte enables, extensions), and malformed payloads get an
// error response and a report, never a crash and never a downstream access.
#include <cstring>
#include <functional>
#include <vector>

#include "tlm_harness.h"

using namespace tlmtest;

namespace {

// Another extension, to check the SMMU neither removes nor adds extensions.
struct other_ext : tlm::tlm_extension<other_ext> {
    int v = 0;
    tlm::tlm_extension_base* clone() const override { return new other_ext(*this); }
    void copy_from(const tlm::tlm_extension_base& e) override
    {
        v = static_cast<const other_ext&>(e).v;
    }
};

struct payload {
    tlm::tlm_generic_payload gp;
    unsigned char data[64 + 8];
    smmuv3::smmu_ext ext;
    other_ext other;

    payload(tlm::tlm_command cmd, uint64_t addr, unsigned len)
    {
        std::memset(data, 0xEE, sizeof data);
        gp.set_command(cmd);
        gp.set_address(addr);
        gp.set_data_ptr(data);
        gp.set_data_length(len);
        gp.set_streaming_width(len);
        ext.stream_id = SID;
        ext.priv = true;
        other.v = 7;
        gp.set_extension(&ext);
        gp.set_extension(&other);
    }
    ~payload()
    {
        gp.clear_extension(&ext);
        gp.clear_extension(&other);
    }
};

// Every malformed upstream payload of an 8-byte read at IOVA, and the response docs/tlm.md
// ("Upstream transactions", step 1) gives for it. be: 16 byte enables.
struct malformed {
    const char* what;
    std::function<void(tlm::tlm_generic_payload&)> spoil;
    tlm::tlm_response_status want;
};

std::vector<malformed> malformed_upstream(unsigned char* be)
{
    std::memset(be, TLM_BYTE_ENABLED, 16);
    return {
        {"zero length", [](tlm::tlm_generic_payload& g) { g.set_data_length(0); },
         tlm::TLM_BURST_ERROR_RESPONSE},
        {"null data", [](tlm::tlm_generic_payload& g) { g.set_data_ptr(nullptr); },
         tlm::TLM_GENERIC_ERROR_RESPONSE},
        {"byte enables longer than the data",
         [be](tlm::tlm_generic_payload& g) {
             g.set_byte_enable_ptr(be);
             g.set_byte_enable_length(16);
         },
         tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE},
        {"byte enable pointer with zero length",
         [be](tlm::tlm_generic_payload& g) {
             g.set_byte_enable_ptr(be);
             g.set_byte_enable_length(0);
         },
         tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE},
        {"streaming width below the length",
         [](tlm::tlm_generic_payload& g) { g.set_streaming_width(4); },
         tlm::TLM_BURST_ERROR_RESPONSE},
        {"streaming width zero", [](tlm::tlm_generic_payload& g) { g.set_streaming_width(0); },
         tlm::TLM_BURST_ERROR_RESPONSE},
        {"unknown command",
         [](tlm::tlm_generic_payload& g) { g.set_command(static_cast<tlm::tlm_command>(3)); },
         tlm::TLM_COMMAND_ERROR_RESPONSE},
        {"address wraps",
         [](tlm::tlm_generic_payload& g) { g.set_address(~uint64_t{0} - 3); },
         tlm::TLM_ADDRESS_ERROR_RESPONSE},
    };
}

bool same_stats(const smmu_stats_t& a, const smmu_stats_t& b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace

TEST(Protocol, ResponseSetPayloadRestoredExtensionsUntouched)
{
    platform p;
    p.run([&] {
        p.setup_s1(SID, IOVA, DATA_PA, 2 * PAGE,
                   drv::PROT_READ | drv::PROT_WRITE | drv::PROT_PRIV);
        struct {
            tlm::tlm_command cmd;
            uint64_t addr;
            unsigned len;
            bool ok;
        } cases[] = {
            {tlm::TLM_READ_COMMAND, IOVA + 0x10, 8, true},           // hit path
            {tlm::TLM_WRITE_COMMAND, IOVA + 0x40, 4, true},
            {tlm::TLM_READ_COMMAND, IOVA + PAGE - 8, 64, false},     // split, 2nd page faults
            {tlm::TLM_READ_COMMAND, IOVA + PAGE - 32, 64, true},     // split
            {tlm::TLM_READ_COMMAND, IOVA + 64 * PAGE, 8, false},     // fault
            {tlm::TLM_IGNORE_COMMAND, IOVA, 8, true},
        };
        cases[2].addr = IOVA + 2 * PAGE - 8; // second page unmapped
        for (const auto& c : cases) {
            payload pl(c.cmd, c.addr, c.len);
            const smmuv3::smmu_ext before = pl.ext;
            sc_time delay = SC_ZERO_TIME;
            p.master().socket->b_transport(pl.gp, delay);
            SCOPED_TRACE(testing::Message() << "addr 0x" << std::hex << c.addr << " len " << c.len);
            EXPECT_NE(pl.gp.get_response_status(), tlm::TLM_INCOMPLETE_RESPONSE);
            EXPECT_EQ(pl.gp.is_response_ok(), c.ok);
            EXPECT_EQ(pl.gp.get_address(), c.addr);
            EXPECT_EQ(pl.gp.get_data_ptr(), pl.data);
            EXPECT_EQ(pl.gp.get_data_length(), c.len);
            EXPECT_EQ(pl.gp.get_streaming_width(), c.len);
            EXPECT_EQ(pl.gp.get_byte_enable_ptr(), nullptr);
            EXPECT_EQ(pl.gp.get_extension<smmuv3::smmu_ext>(), &pl.ext);
            EXPECT_EQ(pl.gp.get_extension<other_ext>(), &pl.other);
            EXPECT_EQ(pl.other.v, 7);
            EXPECT_EQ(std::memcmp(&before, &pl.ext, sizeof before), 0) << "smmu_ext modified";
            // data length respected: nothing written past the end of a read
            if (c.cmd == tlm::TLM_READ_COMMAND) {
                EXPECT_EQ(pl.data[c.len], 0xEE);
            }
        }
    });
}

TEST(Protocol, MalformedPayloadsGetAnErrorAndAReport)
{
    platform p;
    p.run([&] {
        p.setup_s1();
        p.mem.log.clear();
        const unsigned reports0 = reports("/smmuv3/tlm/upstream");
        unsigned char be[16];
        const auto cases = malformed_upstream(be);
        unsigned n = 0;
        for (const auto& c : cases) {
            SCOPED_TRACE(c.what);
            payload pl(tlm::TLM_READ_COMMAND, IOVA, 8);
            c.spoil(pl.gp);
            sc_time delay = SC_ZERO_TIME;
            p.master().socket->b_transport(pl.gp, delay);
            EXPECT_EQ(pl.gp.get_response_status(), c.want);
            n++;
        }
        EXPECT_EQ(reports("/smmuv3/tlm/upstream"), reports0 + n);
        EXPECT_EQ(p.smmu.counters().bad_payloads, n);
        EXPECT_EQ(p.mem.count(0, ~uint64_t{0}), 0u) << "a malformed payload went downstream";
        EXPECT_TRUE(p.events().empty());
    });
}

// A malformed debug transaction transfers nothing; a zero-length one is not an error.
TEST(Protocol, MalformedDebugTransactions)
{
    platform p;
    p.run([&] {
        p.setup_s1();
        tlm::tlm_generic_payload gp;
        gp.set_command(tlm::TLM_READ_COMMAND);
        gp.set_address(IOVA);
        gp.set_data_ptr(nullptr);
        gp.set_data_length(8);
        EXPECT_EQ(p.master().socket->transport_dbg(gp), 0u);
        unsigned char b[8];
        gp.set_data_ptr(b);
        gp.set_data_length(0);
        EXPECT_EQ(p.master().socket->transport_dbg(gp), 0u);
        gp.set_command(static_cast<tlm::tlm_command>(3));
        gp.set_data_length(8);
        EXPECT_EQ(p.master().socket->transport_dbg(gp), 0u);
    });
}

// transport_dbg uses the command, address, data pointer, data length and extensions (IEEE
// 1666-2011 14.8, a TLM_MIN_PAYLOAD debug transaction): byte enables and the streaming width
// are ignored, not errors. Every byte is transferred, nothing is reported, and the payload
// comes back as it was sent, also when the transfer is split at a page boundary.
TEST(Protocol, DebugTransportIgnoresByteEnablesAndStreamingWidth)
{
    platform p;
    p.run([&] {
        p.setup_s1(SID, IOVA, DATA_PA, 2 * PAGE);
        for (unsigned i = 0; i < 32; i++)
            *p.mem.at(DATA_PA + PAGE - 16 + i) = static_cast<unsigned char>(0x30 + i);
        unsigned char be[16];
        for (unsigned i = 0; i < 16; i++)
            be[i] = i % 3 ? TLM_BYTE_DISABLED : TLM_BYTE_ENABLED;
        struct {
            const char* what;
            uint64_t off;  // from IOVA + PAGE - 16
            unsigned char* be;
            unsigned be_len, sw;
        } cases[] = {
            {"byte enables as long as the data", 0, be, 8, 8},
            {"byte enables longer than the data", 0, be, 16, 8},
            {"byte enable pointer with zero length", 0, be, 0, 8},
            {"streaming width below the length", 0, nullptr, 0, 4},
            {"streaming width zero", 0, nullptr, 0, 0},
            {"both, across the page boundary", 12, be, 16, 2},
        };
        const unsigned reports0 = reports("/smmuv3/tlm/upstream");
        const uint64_t transports0 = p.mem.transports;
        const smmu_stats_t s0 = p.stats();
        for (const auto& c : cases) {
            SCOPED_TRACE(c.what);
            const uint64_t va = IOVA + PAGE - 16 + c.off;
            unsigned char buf[8];
            std::memset(buf, 0xEE, sizeof buf);
            tlm::tlm_generic_payload gp;
            gp.set_command(tlm::TLM_READ_COMMAND);
            gp.set_address(va);
            gp.set_data_ptr(buf);
            gp.set_data_length(8);
            gp.set_streaming_width(c.sw);
            gp.set_byte_enable_ptr(c.be);
            gp.set_byte_enable_length(c.be_len);
            EXPECT_EQ(p.master().socket->transport_dbg(gp), 8u);
            EXPECT_EQ(std::memcmp(buf, p.mem.at(DATA_PA + PAGE - 16 + c.off), 8), 0)
                << "not every byte was read";
            EXPECT_EQ(gp.get_address(), va);
            EXPECT_EQ(gp.get_data_ptr(), buf);
            EXPECT_EQ(gp.get_data_length(), 8u);
            EXPECT_EQ(gp.get_streaming_width(), c.sw);
            EXPECT_EQ(gp.get_byte_enable_ptr(), c.be);
            EXPECT_EQ(gp.get_byte_enable_length(), c.be_len);
            // a debug write the same way writes every byte
            unsigned char w[8];
            for (unsigned i = 0; i < 8; i++)
                w[i] = static_cast<unsigned char>(0xA0 + i + c.off);
            gp.set_command(tlm::TLM_WRITE_COMMAND);
            gp.set_data_ptr(w);
            EXPECT_EQ(p.master().socket->transport_dbg(gp), 8u);
            EXPECT_EQ(std::memcmp(w, p.mem.at(DATA_PA + PAGE - 16 + c.off), 8), 0)
                << "not every byte was written";
        }
        EXPECT_EQ(reports("/smmuv3/tlm/upstream"), reports0);
        EXPECT_EQ(p.smmu.counters().bad_payloads, 0u);
        EXPECT_EQ(p.mem.transports, transports0) << "b_transport used downstream";
        EXPECT_TRUE(same_stats(s0, p.stats())) << "statistics changed";
        EXPECT_TRUE(p.events().empty());
    });
}

// get_direct_mem_ptr uses the command and the address (and the extensions) of the request
// (IEEE 1666-2011 14.8, a TLM_MIN_PAYLOAD DMI transaction). A null data pointer, a zero
// length, byte enables or a zero streaming width change nothing: the grant is the one a
// clean request gets. An unknown command is neither a read nor a write request: it is denied
// for the page, with a report, before any translation or downstream request.
TEST(Protocol, DmiRequestsWithMalformedPayloads)
{
    platform p;
    p.run([&] {
        p.setup_s1();
        tlm::tlm_dmi ref_r, ref_w;
        ASSERT_TRUE(p.master().dmi(IOVA + 0x10, false, ref_r));
        ASSERT_TRUE(p.master().dmi(IOVA + 0x10, true, ref_w));
        ASSERT_TRUE(ref_w.is_write_allowed());
        const unsigned reports0 = reports("/smmuv3/tlm/upstream");
        unsigned char be[4] = {TLM_BYTE_ENABLED, TLM_BYTE_DISABLED, TLM_BYTE_ENABLED,
                               TLM_BYTE_DISABLED};
        for (tlm::tlm_command cmd : {tlm::TLM_READ_COMMAND, tlm::TLM_WRITE_COMMAND}) {
            SCOPED_TRACE(cmd == tlm::TLM_READ_COMMAND ? "read" : "write");
            const tlm::tlm_dmi& ref = cmd == tlm::TLM_READ_COMMAND ? ref_r : ref_w;
            tlm::tlm_generic_payload gp;
            gp.set_command(cmd);
            gp.set_address(IOVA + 0x10);
            gp.set_data_ptr(nullptr);
            gp.set_data_length(0);
            gp.set_streaming_width(0);
            gp.set_byte_enable_ptr(be);
            gp.set_byte_enable_length(16);
            tlm::tlm_dmi d;
            ASSERT_TRUE(p.master().socket->get_direct_mem_ptr(gp, d));
            EXPECT_EQ(d.get_dmi_ptr(), ref.get_dmi_ptr());
            EXPECT_EQ(d.get_start_address(), ref.get_start_address());
            EXPECT_EQ(d.get_end_address(), ref.get_end_address());
            EXPECT_EQ(d.get_granted_access(), ref.get_granted_access());
            EXPECT_EQ(d.get_dmi_ptr(), p.mem.at(DATA_PA));
        }
        EXPECT_EQ(reports("/smmuv3/tlm/upstream"), reports0);
        EXPECT_EQ(p.smmu.counters().bad_payloads, 0u);

        // unknown command: denied, reported, nothing translated or asked downstream
        const smmu_stats_t s0 = p.stats();
        const uint64_t dmi0 = p.mem.dmi_requests, transports0 = p.mem.transports;
        const uint64_t grants0 = p.smmu.counters().dmi_grants;
        tlm::tlm_generic_payload gp;
        gp.set_command(static_cast<tlm::tlm_command>(3));
        gp.set_address(IOVA + PAGE + 0x10);
        unsigned char buf[8];
        gp.set_data_ptr(buf);
        gp.set_data_length(8);
        gp.set_streaming_width(8);
        tlm::tlm_dmi d;
        EXPECT_FALSE(p.master().socket->get_direct_mem_ptr(gp, d));
        EXPECT_EQ(d.get_granted_access(), tlm::tlm_dmi::DMI_ACCESS_NONE);
        EXPECT_EQ(d.get_dmi_ptr(), nullptr);
        EXPECT_EQ(d.get_start_address(), IOVA + PAGE);
        EXPECT_EQ(d.get_end_address(), IOVA + 2 * PAGE - 1);
        EXPECT_EQ(reports("/smmuv3/tlm/upstream"), reports0 + 1);
        EXPECT_EQ(p.smmu.counters().bad_payloads, 1u);
        EXPECT_EQ(p.smmu.counters().dmi_grants, grants0);
        EXPECT_EQ(p.mem.dmi_requests, dmi0) << "DMI asked downstream";
        EXPECT_EQ(p.mem.transports, transports0);
        EXPECT_TRUE(same_stats(s0, p.stats())) << "the request was translated";
        EXPECT_TRUE(p.events().empty());
    });
}

// nb_transport_fw on an upstream socket: the simple target socket runs b_transport in its own
// thread and answers BEGIN_RESP on the backward path. A malformed payload comes back with the
// same error response as through b_transport, and a report; nothing goes downstream.
TEST(Protocol, NbTransportMalformedPayloadsGetAnErrorAndAReport)
{
    platform p;
    p.run([&] {
        p.setup_s1();
        p.mem.log.clear();
        test_master& m = p.master();
        auto await = [&](size_t n) {
            // the response comes after the annotated delay: a walk and the read, < 1 us
            for (int i = 0; i < 10 && m.nb_responses.size() < n; i++)
                sc_core::wait(sc_time(1, sc_core::SC_US), m.nb_response_ev);
            return m.nb_responses.size() >= n;
        };
        const unsigned reports0 = reports("/smmuv3/tlm/upstream");
        unsigned char be[16];
        const auto cases = malformed_upstream(be);
        size_t n = 0;
        for (const auto& c : cases) {
            SCOPED_TRACE(c.what);
            payload pl(tlm::TLM_READ_COMMAND, IOVA, 8);
            c.spoil(pl.gp);
            tlm::tlm_phase ph = tlm::BEGIN_REQ;
            sc_time t = SC_ZERO_TIME;
            EXPECT_EQ(m.socket->nb_transport_fw(pl.gp, ph, t), tlm::TLM_ACCEPTED);
            ASSERT_TRUE(await(n + 1)) << "no response";
            const test_master::nb_response& r = m.nb_responses[n];
            EXPECT_EQ(r.trans, &pl.gp);
            EXPECT_EQ(r.phase, tlm::BEGIN_RESP);
            EXPECT_EQ(r.status, c.want);
            EXPECT_EQ(pl.gp.get_response_status(), c.want);
            for (unsigned i = 0; i < sizeof pl.data; i++)
                EXPECT_EQ(pl.data[i], 0xEE) << "a refused read wrote the data buffer";
            n++;
            EXPECT_EQ(reports("/smmuv3/tlm/upstream"), reports0 + n) << "no report";
        }
        EXPECT_EQ(p.smmu.counters().bad_payloads, n);
        EXPECT_EQ(p.mem.count(0, ~uint64_t{0}), 0u) << "a malformed payload went downstream";
        EXPECT_TRUE(p.events().empty());
        // the same path with a well-formed payload reads the memory
        std::memset(p.mem.at(DATA_PA), 0x5A, 8);
        payload ok(tlm::TLM_READ_COMMAND, IOVA, 8);
        tlm::tlm_phase ph = tlm::BEGIN_REQ;
        sc_time t = SC_ZERO_TIME;
        EXPECT_EQ(m.socket->nb_transport_fw(ok.gp, ph, t), tlm::TLM_ACCEPTED);
        ASSERT_TRUE(await(n + 1));
        EXPECT_EQ(m.nb_responses[n].status, tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(ok.data[0], 0x5A);
        EXPECT_EQ(ok.data[7], 0x5A);
        EXPECT_EQ(p.mem.count(DATA_PA, DATA_PA + 7, tlm::TLM_READ_COMMAND), 1u);
    });
}
