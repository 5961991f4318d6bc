// SPDX-License-Identifier: Apache-2.0
// The register socket (Pages 0 and 1) and the PMCG socket: every access size, and the error
// responses of accesses the wrapper or the core refuses (with a report, never a crash).
#include <cstring>
#include <functional>
#include <vector>

#include "tlm_harness.h"

using namespace tlmtest;
using tlm::TLM_READ_COMMAND;
using tlm::TLM_WRITE_COMMAND;

namespace {

uint64_t core_read(platform& p, uint64_t off, unsigned size)
{
    uint64_t v = 0;
    EXPECT_EQ(smmu_mmio_read(p.smmu.smmu(), off, size, &v), SMMU_OK);
    return v;
}

}  // namespace

TEST(RegSocket, FourByteReadsAndWritesReachTheRegisters)
{
    platform p;
    p.run([&] {
        unsigned char b[4];
        // IDR0 and IDR1 read through the socket equal what the core holds
        for (uint64_t off : {R_IDR0, R_IDR1}) {
            EXPECT_EQ(p.cpu.access(p.cpu.reg_socket, TLM_READ_COMMAND, off, b, 4),
                      tlm::TLM_OK_RESPONSE);
            uint32_t v;
            std::memcpy(&v, b, 4);
            EXPECT_EQ(v, core_read(p, off, 4)) << std::hex << off;
        }
        // CR1 is read-write
        uint32_t cr1 = 0xD75;
        std::memcpy(b, &cr1, 4);
        EXPECT_EQ(p.cpu.access(p.cpu.reg_socket, TLM_WRITE_COMMAND, R_CR1, b, 4),
                  tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(core_read(p, R_CR1, 4), 0xD75u);
        std::memset(b, 0, 4);
        EXPECT_EQ(p.cpu.access(p.cpu.reg_socket, TLM_READ_COMMAND, R_CR1, b, 4),
                  tlm::TLM_OK_RESPONSE);
        std::memcpy(&cr1, b, 4);
        EXPECT_EQ(cr1, 0xD75u);
        // Page 1: EVENTQ_PROD (4 bytes)
        EXPECT_EQ(p.cpu.access(p.cpu.reg_socket, TLM_READ_COMMAND, R_EVENTQ_PROD, b, 4),
                  tlm::TLM_OK_RESPONSE);
    });
}

TEST(RegSocket, EightByteAccessesToSixtyFourBitRegisters)
{
    platform p;
    p.run([&] {
        const uint64_t base = 0x0000004000123000ull | (1ull << 62); // STRTAB_BASE: RA + addr
        unsigned char b[8];
        std::memcpy(b, &base, 8);
        EXPECT_EQ(p.cpu.access(p.cpu.reg_socket, TLM_WRITE_COMMAND, R_STRTAB_BASE, b, 8),
                  tlm::TLM_OK_RESPONSE);
        const uint64_t held = core_read(p, R_STRTAB_BASE, 8);
        EXPECT_EQ(held & 0x0000FFFFFFFFFFC0ull, 0x0000004000123000ull);
        std::memset(b, 0, 8);
        EXPECT_EQ(p.cpu.access(p.cpu.reg_socket, TLM_READ_COMMAND, R_STRTAB_BASE, b, 8),
                  tlm::TLM_OK_RESPONSE);
        uint64_t v;
        std::memcpy(&v, b, 8);
        EXPECT_EQ(v, held);
        // the two 32-bit halves
        unsigned char lo[4], hi[4];
        EXPECT_EQ(p.cpu.access(p.cpu.reg_socket, TLM_READ_COMMAND, R_STRTAB_BASE, lo, 4),
                  tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(p.cpu.access(p.cpu.reg_socket, TLM_READ_COMMAND, R_STRTAB_BASE + 4, hi, 4),
                  tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(std::memcmp(lo, b, 4), 0);
        EXPECT_EQ(std::memcmp(hi, b + 4, 4), 0);
    });
}

TEST(RegSocket, OtherSizesAreBurstErrors)
{
    platform p;
    p.run([&] {
        const unsigned before = reports("/smmuv3/tlm/reg");
        unsigned char b[16] = {};
        for (unsigned len : {1u, 2u, 3u, 16u})
            EXPECT_EQ(p.cpu.access(p.cpu.reg_socket, TLM_READ_COMMAND, 0x0, b, len),
                      tlm::TLM_BURST_ERROR_RESPONSE) << len;
        EXPECT_EQ(p.cpu.access(p.cpu.reg_socket, TLM_WRITE_COMMAND, R_CR1, b, 2),
                  tlm::TLM_BURST_ERROR_RESPONSE);
        EXPECT_EQ(reports("/smmuv3/tlm/reg"), before + 5);
        EXPECT_EQ(p.smmu.counters().bad_payloads, 5u);
    });
}

TEST(RegSocket, MisalignedAndOutOfRangeAreAddressErrors)
{
    platform p;
    p.run([&] {
        const unsigned before = reports("/smmuv3/tlm/reg");
        unsigned char b[8] = {};
        EXPECT_EQ(p.cpu.access(p.cpu.reg_socket, TLM_READ_COMMAND, 0x22, b, 4),
                  tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(p.cpu.access(p.cpu.reg_socket, TLM_READ_COMMAND, 0x84, b, 8),
                  tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(p.cpu.access(p.cpu.reg_socket, TLM_READ_COMMAND, 0x20000, b, 4),
                  tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(p.cpu.access(p.cpu.reg_socket, TLM_WRITE_COMMAND, 0xFFFFFFFFFFFFFFFCull, b, 4),
                  tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(reports("/smmuv3/tlm/reg"), before + 4);
    });
}

// The core's documented choice (docs/decisions/0002): a 64-bit access to two 32-bit
// registers acts on both, low word first. The socket passes it through.
TEST(RegSocket, EightBytesOnTwoThirtyTwoBitRegistersReadsBoth)
{
    platform p;
    p.run([&] {
        unsigned char b[8] = {};
        EXPECT_EQ(p.cpu.access(p.cpu.reg_socket, TLM_READ_COMMAND, R_CR0, b, 8),
                  tlm::TLM_OK_RESPONSE);
        uint64_t v;
        std::memcpy(&v, b, 8);
        EXPECT_EQ(v, core_read(p, R_CR0, 4) | core_read(p, R_CR0ACK, 4) << 32);
    });
}

TEST(RegSocket, ByteEnablesStreamingNullDataAndUnknownCommandsAreRejected)
{
    platform p;
    p.run([&] {
        const unsigned before = reports("/smmuv3/tlm/reg");
        unsigned char data[8] = {}, be[4] = {0xFF, 0xFF, 0, 0};
        auto run = [&](tlm::tlm_generic_payload& gp) {
            sc_time d = SC_ZERO_TIME;
            p.cpu.reg_socket->b_transport(gp, d);
            return gp.get_response_status();
        };
        tlm::tlm_generic_payload gp;
        gp.set_command(TLM_READ_COMMAND);
        gp.set_address(R_IDR0);
        gp.set_data_ptr(data);
        gp.set_data_length(4);
        gp.set_streaming_width(4);
        gp.set_byte_enable_ptr(be);
        gp.set_byte_enable_length(4);
        EXPECT_EQ(run(gp), tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        gp.set_byte_enable_ptr(nullptr);
        gp.set_byte_enable_length(0);
        gp.set_data_length(8);
        gp.set_address(R_STRTAB_BASE);
        gp.set_streaming_width(4);
        EXPECT_EQ(run(gp), tlm::TLM_BURST_ERROR_RESPONSE);
        gp.set_streaming_width(8);
        gp.set_data_ptr(nullptr);
        EXPECT_EQ(run(gp), tlm::TLM_GENERIC_ERROR_RESPONSE);
        gp.set_data_ptr(data);
        gp.set_command(static_cast<tlm::tlm_command>(3));
        EXPECT_EQ(run(gp), tlm::TLM_COMMAND_ERROR_RESPONSE);
        gp.set_command(tlm::TLM_IGNORE_COMMAND);
        EXPECT_EQ(run(gp), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(reports("/smmuv3/tlm/reg"), before + 4);
    });
}

TEST(RegSocket, DebugTransportReadsWithoutSideEffectsAndRefusesWrites)
{
    platform p;
    p.run([&] {
        tlm::tlm_generic_payload gp;
        unsigned char b[4] = {};
        gp.set_command(TLM_READ_COMMAND);
        gp.set_address(R_IDR0);
        gp.set_data_ptr(b);
        gp.set_data_length(4);
        EXPECT_EQ(p.cpu.reg_socket->transport_dbg(gp), 4u);
        uint32_t v;
        std::memcpy(&v, b, 4);
        EXPECT_EQ(v, core_read(p, R_IDR0, 4));
        gp.set_command(TLM_WRITE_COMMAND);
        gp.set_address(R_CR1);
        EXPECT_EQ(p.cpu.reg_socket->transport_dbg(gp), 0u);
    });
}

TEST(RegSocket, RegisterAccessLatencyIsAnnotated)
{
    smmuv3::timing t;
    t.reg_access = sc_time(3, SC_NS);
    platform p(default_config(), t);
    p.run([&] {
        unsigned char b[4];
        sc_time d;
        EXPECT_EQ(p.cpu.access(p.cpu.reg_socket, TLM_READ_COMMAND, R_IDR0, b, 4, &d),
                  tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(d, sc_time(3, SC_NS));
    });
}

// PMCG frames: group g at g * 0x2000 (Page 0; Page 1 at +0x1000). Whatever the core answers
// for a (group, offset) is what the socket answers: a value with OK, or an error response.
TEST(PmcgSocket, FramesMapOntoGroupsAndBadAccessesAreErrors)
{
    smmu_config_t cfg = default_config();
    cfg.pmcg_count = 2;
    platform p(cfg);
    p.run([&] {
        for (unsigned g = 0; g < 2; g++) {
            for (uint64_t off : {0x0ull, 0xE00ull, 0xE04ull, 0xFBCull, 0x1000ull}) {
                uint64_t want = 0;
                smmu_status_t st = smmu_pmcg_read(p.smmu.smmu(), g, off, 4, &want);
                unsigned char b[4] = {};
                tlm::tlm_response_status r = p.cpu.access(
                    p.cpu.pmcg_socket, TLM_READ_COMMAND, g * smmuv3::smmuv3_tlm::PMCG_FRAME + off,
                    b, 4);
                if (st == SMMU_OK) {
                    EXPECT_EQ(r, tlm::TLM_OK_RESPONSE);
                    uint32_t v;
                    std::memcpy(&v, b, 4);
                    EXPECT_EQ(v, static_cast<uint32_t>(want));
                } else {
                    EXPECT_NE(r, tlm::TLM_OK_RESPONSE) << smmu_status_str(st);
                }
            }
        }
        unsigned char b[8] = {};
        // beyond the last group, misaligned, bad size
        EXPECT_EQ(p.cpu.access(p.cpu.pmcg_socket, TLM_READ_COMMAND, 2 * 0x2000, b, 4),
                  tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(p.cpu.access(p.cpu.pmcg_socket, TLM_READ_COMMAND, 0x2, b, 4),
                  tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(p.cpu.access(p.cpu.pmcg_socket, TLM_READ_COMMAND, 0x0, b, 2),
                  tlm::TLM_BURST_ERROR_RESPONSE);
        EXPECT_GE(reports("/smmuv3/tlm/pmcg"), 3u);
    });
}

namespace {

// One malformed payload: what is spoiled, and the response docs/tlm.md gives for it.
struct malformed_case {
    const char* what;
    std::function<void(tlm::tlm_generic_payload&)> spoil;
    tlm::tlm_response_status want;
};

// Every malformed form of a 4-byte access: the register socket and the PMCG socket answer
// them the same way (docs/tlm.md, "Sockets").
std::vector<malformed_case> malformed_register_accesses(unsigned char* be)
{
    return {
        {"zero length", [](tlm::tlm_generic_payload& g) { g.set_data_length(0); },
         tlm::TLM_BURST_ERROR_RESPONSE},
        {"null data pointer", [](tlm::tlm_generic_payload& g) { g.set_data_ptr(nullptr); },
         tlm::TLM_GENERIC_ERROR_RESPONSE},
        {"byte enables as long as the data",
         [be](tlm::tlm_generic_payload& g) {
             g.set_byte_enable_ptr(be);
             g.set_byte_enable_length(4);
         },
         tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE},
        {"byte enables longer than the data",
         [be](tlm::tlm_generic_payload& g) {
             g.set_byte_enable_ptr(be);
             g.set_byte_enable_length(8);
         },
         tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE},
        {"streaming width below the length",
         [](tlm::tlm_generic_payload& g) { g.set_streaming_width(2); },
         tlm::TLM_BURST_ERROR_RESPONSE},
        {"unknown command",
         [](tlm::tlm_generic_payload& g) { g.set_command(static_cast<tlm::tlm_command>(3)); },
         tlm::TLM_COMMAND_ERROR_RESPONSE},
    };
}

// Sends each malformed form of a read and of a write of `val` at `addr`, and checks the
// response, that a read left the data buffer alone, and that each got one report.
void send_malformed(platform& p, tlm::tlm_initiator_socket<>& s, uint64_t addr, uint32_t val,
                    const char* report_type)
{
    unsigned char be[8];
    std::memset(be, TLM_BYTE_ENABLED, sizeof be);
    const auto cases = malformed_register_accesses(be);
    const unsigned reports0 = reports(report_type);
    const uint64_t bad0 = p.smmu.counters().bad_payloads;
    unsigned n = 0;
    for (tlm::tlm_command cmd : {TLM_READ_COMMAND, TLM_WRITE_COMMAND}) {
        for (const auto& c : cases) {
            SCOPED_TRACE(testing::Message() << c.what << (cmd == TLM_READ_COMMAND ? " (read)"
                                                                                 : " (write)"));
            unsigned char data[8];
            std::memset(data, 0xEE, sizeof data);
            if (cmd == TLM_WRITE_COMMAND)
                std::memcpy(data, &val, 4);
            tlm::tlm_generic_payload gp;
            gp.set_command(cmd);
            gp.set_address(addr);
            gp.set_data_ptr(data);
            gp.set_data_length(4);
            gp.set_streaming_width(4);
            c.spoil(gp);
            sc_time d = SC_ZERO_TIME;
            s->b_transport(gp, d);
            EXPECT_EQ(gp.get_response_status(), c.want);
            EXPECT_EQ(d, SC_ZERO_TIME) << "a refused access took time";
            if (cmd == TLM_READ_COMMAND) {
                for (unsigned char b : data)
                    EXPECT_EQ(b, 0xEE) << "a refused read wrote the data buffer";
            }
            n++;
            EXPECT_EQ(reports(report_type), reports0 + n) << "no report";
        }
    }
    EXPECT_EQ(p.smmu.counters().bad_payloads, bad0 + n);
}

}  // namespace

// The robustness promise on reg_socket: each malformed payload (zero length, null data, byte
// enables longer than the data, streaming width below the length, unknown command), as a
// read and as a write, gets its error response and a report, and changes no register.
TEST(RegSocket, EveryMalformedPayloadIsRefusedAndChangesNothing)
{
    platform p;
    p.run([&] {
        ASSERT_EQ(core_read(p, R_CR1, 4), 0u);
        const uint64_t mem0 = p.mem.transports + p.mem.debug_transports + p.mem.dmi_requests;
        send_malformed(p, p.cpu.reg_socket, R_CR1, 0xD75, "/smmuv3/tlm/reg");
        EXPECT_EQ(core_read(p, R_CR1, 4), 0u) << "a refused write reached CR1";
        // nor reached the command queue: a refused CMDQ_PROD write consumes nothing
        send_malformed(p, p.cpu.reg_socket, R_CMDQ_PROD, 1, "/smmuv3/tlm/reg");
        EXPECT_EQ(core_read(p, R_CMDQ_PROD, 4), 0u);
        EXPECT_EQ(p.mem.transports + p.mem.debug_transports + p.mem.dmi_requests, mem0)
            << "a refused register access went downstream";
        EXPECT_EQ(reports("/smmuv3/tlm/pmcg"), 0u);
        EXPECT_EQ(reports("/smmuv3/tlm/upstream"), 0u);
        // the same register takes a well-formed write (so the checks above can fail)
        unsigned char b[4];
        const uint32_t v = 0xD75;
        std::memcpy(b, &v, 4);
        EXPECT_EQ(p.cpu.access(p.cpu.reg_socket, TLM_WRITE_COMMAND, R_CR1, b, 4),
                  tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(core_read(p, R_CR1, 4), 0xD75u);
    });
}

// transport_dbg uses the command, address, data pointer and data length (IEEE 1666-2011
// 14.8: a TLM_MIN_PAYLOAD debug transaction); byte enables and the streaming width are
// ignored, not errors. Reads transfer the register, writes are refused (0 bytes), and
// neither is reported.
TEST(RegSocket, DebugTransportIgnoresByteEnablesAndStreamingWidth)
{
    platform p;
    p.run([&] {
        const uint32_t idr0 = static_cast<uint32_t>(core_read(p, R_IDR0, 4));
        unsigned char be[8] = {TLM_BYTE_ENABLED, TLM_BYTE_DISABLED, TLM_BYTE_DISABLED,
                               TLM_BYTE_ENABLED, TLM_BYTE_DISABLED, TLM_BYTE_ENABLED,
                               TLM_BYTE_ENABLED, TLM_BYTE_DISABLED};
        struct {
            const char* what;
            unsigned char* be;
            unsigned be_len, sw;
        } cases[] = {
            {"byte enables as long as the data", be, 4, 4},
            {"byte enables longer than the data", be, 8, 4},
            {"streaming width below the length", nullptr, 0, 2},
            {"streaming width zero", nullptr, 0, 0},
        };
        const unsigned reports0 = reports("/smmuv3/tlm/reg");
        for (const auto& c : cases) {
            SCOPED_TRACE(c.what);
            unsigned char b[4];
            std::memset(b, 0xEE, sizeof b);
            tlm::tlm_generic_payload gp;
            gp.set_command(TLM_READ_COMMAND);
            gp.set_address(R_IDR0);
            gp.set_data_ptr(b);
            gp.set_data_length(4);
            gp.set_streaming_width(c.sw);
            gp.set_byte_enable_ptr(c.be);
            gp.set_byte_enable_length(c.be_len);
            EXPECT_EQ(p.cpu.reg_socket->transport_dbg(gp), 4u);
            uint32_t v;
            std::memcpy(&v, b, 4);
            EXPECT_EQ(v, idr0) << "every byte is transferred, whatever the byte enables";
            EXPECT_EQ(gp.get_byte_enable_ptr(), c.be);
            EXPECT_EQ(gp.get_byte_enable_length(), c.be_len);
            EXPECT_EQ(gp.get_streaming_width(), c.sw);
            // a debug write is refused however it is formed
            const uint32_t cr1 = 0xD75;
            std::memcpy(b, &cr1, 4);
            gp.set_command(TLM_WRITE_COMMAND);
            gp.set_address(R_CR1);
            EXPECT_EQ(p.cpu.reg_socket->transport_dbg(gp), 0u);
            EXPECT_EQ(core_read(p, R_CR1, 4), 0u);
        }
        EXPECT_EQ(reports("/smmuv3/tlm/reg"), reports0);
        EXPECT_EQ(p.smmu.counters().bad_payloads, 0u);
    });
}

// The robustness promise on pmcg_socket: the same malformed payloads get the same answers
// as on reg_socket, with a report under /smmuv3/tlm/pmcg, and no PMCG register changes.
TEST(PmcgSocket, EveryMalformedPayloadIsRefusedAndChangesNothing)
{
    constexpr uint64_t EVTYPER0 = 0x400, SMR0 = 0xA00;  // IHI 0070 10.5.2.2, 10.5.2.4
    smmu_config_t cfg = default_config();
    cfg.pmcg_count = 2;
    platform p(cfg);
    p.run([&] {
        auto pmcg_read = [&](unsigned g, uint64_t off) {
            uint64_t v = ~uint64_t{0};
            EXPECT_EQ(smmu_pmcg_read(p.smmu.smmu(), g, off, 4, &v), SMMU_OK);
            return v;
        };
        const uint64_t g1 = smmuv3::smmuv3_tlm::PMCG_FRAME;
        const uint64_t evtyper0 = pmcg_read(0, EVTYPER0), smr1 = pmcg_read(1, SMR0);
        const uint64_t mem0 = p.mem.transports + p.mem.debug_transports + p.mem.dmi_requests;
        send_malformed(p, p.cpu.pmcg_socket, EVTYPER0, 0x1, "/smmuv3/tlm/pmcg");
        send_malformed(p, p.cpu.pmcg_socket, g1 + SMR0, 0x5, "/smmuv3/tlm/pmcg");
        EXPECT_EQ(pmcg_read(0, EVTYPER0), evtyper0) << "a refused write reached EVTYPER0";
        EXPECT_EQ(pmcg_read(1, SMR0), smr1) << "a refused write reached group 1's SMR0";
        EXPECT_EQ(p.mem.transports + p.mem.debug_transports + p.mem.dmi_requests, mem0);
        EXPECT_EQ(reports("/smmuv3/tlm/reg"), 0u);
        EXPECT_EQ(p.smmu.irq_count(SMMU_IRQ_PMCG), 0u);
        // well-formed writes to the same registers do land
        unsigned char b[4] = {0x1, 0, 0, 0};
        EXPECT_EQ(p.cpu.access(p.cpu.pmcg_socket, TLM_WRITE_COMMAND, EVTYPER0, b, 4),
                  tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(pmcg_read(0, EVTYPER0), 0x1u);
        b[0] = 0x5;
        EXPECT_EQ(p.cpu.access(p.cpu.pmcg_socket, TLM_WRITE_COMMAND, g1 + SMR0, b, 4),
                  tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(pmcg_read(1, SMR0), 0x5u);
    });
}
