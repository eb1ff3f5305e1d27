// Xen credit weight/cap to cgroup values: v1 shares and CFS quota, v2 cpu.weight and cpu.max.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "toolstack/xend/credit_mapping.h"

namespace xenith {
namespace {

TEST(CreditMapping, V1SharesKeepXenRatios)
{
    EXPECT_EQ(weight_to_shares(256), 1024u); // Xen's default is the kernel's default
    EXPECT_EQ(weight_to_shares(512), 2048u);
    EXPECT_EQ(weight_to_shares(1), 4u);
    EXPECT_EQ(weight_to_shares(65535), 262140u); // below the kernel's 262144 maximum
    for (unsigned w : { 1u, 7u, 256u, 300u, 512u, 65535u })
        EXPECT_EQ(shares_to_weight(weight_to_shares(w)), w);
    EXPECT_EQ(shares_to_weight(2), 1u); // the kernel's minimum still reads as a weight
    EXPECT_EQ(shares_to_weight(1 << 20), 65535u);
}

TEST(CreditMapping, V2WeightScalesTo100)
{
    EXPECT_EQ(weight_to_cpu_weight(256), 100u);
    EXPECT_EQ(weight_to_cpu_weight(512), 200u);
    EXPECT_EQ(weight_to_cpu_weight(128), 50u);
    EXPECT_EQ(weight_to_cpu_weight(1), 1u);          // never 0: the kernel rejects it
    EXPECT_EQ(weight_to_cpu_weight(25600), 10000u);
    EXPECT_EQ(weight_to_cpu_weight(65535), 10000u);  // the kernel's maximum
    EXPECT_EQ(weight_to_cpu_weight(300), 117u);      // rounded
    EXPECT_EQ(cpu_weight_to_weight(100), 256u);
    EXPECT_EQ(cpu_weight_to_weight(200), 512u);
    EXPECT_EQ(cpu_weight_to_weight(10000), 25600u);
    EXPECT_EQ(cpu_weight_to_weight(1), 3u);
}

TEST(CreditMapping, CapIsAQuotaPer100ms)
{
    EXPECT_EQ(kCapPeriodUs, 100000u);
    EXPECT_EQ(cap_to_quota_us(0), -1);
    EXPECT_EQ(cap_to_quota_us(50), 50000);
    EXPECT_EQ(cap_to_quota_us(1), 1000); // the kernel's minimum quota
    EXPECT_EQ(cap_to_quota_us(200), 200000);
    EXPECT_EQ(quota_to_cap(-1, 100000), 0u);
    EXPECT_EQ(quota_to_cap(50000, 100000), 50u);
    EXPECT_EQ(quota_to_cap(25000, 50000), 50u);
    EXPECT_EQ(quota_to_cap(1, 100000), 1u); // any quota at all is a cap
    EXPECT_EQ(cap_to_cpu_max(0), "max 100000");
    EXPECT_EQ(cap_to_cpu_max(50), "50000 100000");
    EXPECT_EQ(cap_to_cpu_max(150), "150000 100000");
}

TEST(CreditMapping, ReadsCpuMax)
{
    EXPECT_EQ(*cpu_max_to_cap("max 100000\n"), 0u);
    EXPECT_EQ(*cpu_max_to_cap("50000 100000"), 50u);
    EXPECT_EQ(*cpu_max_to_cap("20000 10000"), 200u);
    EXPECT_EQ(*cpu_max_to_cap("max"), 0u);
    EXPECT_FALSE(cpu_max_to_cap("lots 100000"));
    EXPECT_FALSE(cpu_max_to_cap("5000 0"));
    EXPECT_THAT(cpu_max_to_cap("5000 x").error().message(), ::testing::HasSubstr("cpu.max \"5000 x\""));
}

} // namespace
} // namespace xenith
