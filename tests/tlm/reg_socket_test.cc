// SPDX-License-Identifier: Apache-2.0
// The register socket (Pages 0 and 1) and the PMCG socket: every access size, and the error
// responses of accesses the wrapper or the core refuses (with a report, never a crash).
#include <cstring>

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
