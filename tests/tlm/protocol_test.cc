// SPDX-License-Identifier: Apache-2.0
// TLM-2.0 base-protocol rules on the upstream sockets: the response status is always set,
// the data length is respected, the payload comes back as it was sent (address, data
// pointer, length, streaming width, byte enables, extensions), and malformed payloads get an
// error response and a report, never a crash and never a downstream access.
#include <cstring>

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
        std::memset(be, TLM_BYTE_ENABLED, sizeof be);
        struct malformed {
            const char* what;
            std::function<void(tlm::tlm_generic_payload&)> spoil;
            tlm::tlm_response_status want;
        } cases[] = {
            {"zero length", [](tlm::tlm_generic_payload& g) { g.set_data_length(0); },
             tlm::TLM_BURST_ERROR_RESPONSE},
            {"null data", [](tlm::tlm_generic_payload& g) { g.set_data_ptr(nullptr); },
             tlm::TLM_GENERIC_ERROR_RESPONSE},
            {"byte enables longer than the data",
             [&](tlm::tlm_generic_payload& g) {
                 g.set_byte_enable_ptr(be);
                 g.set_byte_enable_length(16);
             },
             tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE},
            {"byte enable pointer with zero length",
             [&](tlm::tlm_generic_payload& g) {
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
