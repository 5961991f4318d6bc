// SPDX-License-Identifier: Apache-2.0
// Configuration plumbing: what the constructor refuses, and what it reports.
#include "tlm_harness.h"

using namespace tlmtest;

TEST(Config, MorePortsThanMicroTlbsIsAnError)
{
    smmu_config_t cfg = default_config(1);
    EXPECT_THROW(smmuv3::smmuv3_tlm("smmu", cfg, smmuv3::timing(), 2), sc_core::sc_report);
}

TEST(Config, RejectedCoreConfigurationIsAnError)
{
    smmu_config_t cfg = default_config(1);
    cfg.oas_bits = 33; // not an architected size
    EXPECT_THROW(smmuv3::smmuv3_tlm("smmu", cfg), sc_core::sc_report);
}

TEST(Config, UnsupportedFaultResponseFallsBackWithAWarning)
{
    smmuv3::tlm_options o;
    o.fault_response = tlm::TLM_BURST_ERROR_RESPONSE;
    const unsigned before = reports("/smmuv3/tlm/config");
    smmuv3::smmuv3_tlm smmu("smmu", default_config(), smmuv3::timing(), 1, o);
    EXPECT_EQ(reports("/smmuv3/tlm/config"), before + 1);
    EXPECT_EQ(smmu.options().fault_response, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(smmu.num_ports(), 1u);
    EXPECT_NE(smmu.smmu(), nullptr);
}
