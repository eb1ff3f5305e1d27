// TestFinisher tests: pass, reset and fail codes; other values ignored; FDT nodes.
#include <gtest/gtest.h>

#include <optional>

extern "C" {
#include <libfdt.h>
}

#include "engine/dev/fdt_writer.h"
#include "engine/dev/test_finisher.h"

namespace xenith {
namespace {

struct FinisherTest : ::testing::Test {
    std::optional<std::pair<TestFinisher::Outcome, uint32_t>> got;
    TestFinisher finisher { TestFinisher::default_base, [this](TestFinisher::Outcome o, uint32_t c) { got = { o, c }; } };
};

TEST_F(FinisherTest, PassIsPoweroff)
{
    finisher.write(0, 0x5555, 4);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->first, TestFinisher::Outcome::Pass);
}

TEST_F(FinisherTest, ResetCode)
{
    finisher.write(0, 0x7777, 4);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->first, TestFinisher::Outcome::Reset);
}

TEST_F(FinisherTest, FailCarriesUpperHalfAsCode)
{
    finisher.write(0, 0x3333 | (42u << 16), 4);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->first, TestFinisher::Outcome::Fail);
    EXPECT_EQ(got->second, 42u);
}

TEST_F(FinisherTest, HalfwordWriteCountsAsOpenSbiUsesIt)
{
    finisher.write(0, 0x7777, 2);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->first, TestFinisher::Outcome::Reset);
}

TEST_F(FinisherTest, OtherValuesOffsetsAndByteWritesAreIgnored)
{
    finisher.write(0, 0x1234, 4);
    finisher.write(4, 0x5555, 4);
    finisher.write(0, 0x55, 1);
    EXPECT_FALSE(got);
}

TEST_F(FinisherTest, FdtHasSysconAndPowerNodesPointingAtIt)
{
    FdtWriter fdt;
    fdt.begin_node("soc");
    finisher.write_fdt(fdt);
    fdt.end_node();
    finisher.write_power_nodes(fdt);
    auto blob = fdt.finish();
    ASSERT_TRUE(blob) << blob.error().message();
    void const* dt = blob->data();
    int test = fdt_path_offset(dt, "/soc/test@100000");
    ASSERT_GE(test, 0);
    int poweroff = fdt_path_offset(dt, "/poweroff");
    ASSERT_GE(poweroff, 0);
    int len = 0;
    auto regmap = static_cast<fdt32_t const*>(fdt_getprop(dt, poweroff, "regmap", &len));
    ASSERT_EQ(len, 4);
    EXPECT_EQ(fdt32_to_cpu(*regmap), fdt_get_phandle(dt, test));
    auto value = static_cast<fdt32_t const*>(fdt_getprop(dt, poweroff, "value", &len));
    EXPECT_EQ(fdt32_to_cpu(*value), 0x5555u);
    EXPECT_GE(fdt_node_offset_by_compatible(dt, -1, "syscon-reboot"), 0);
}

} // namespace
} // namespace xenith
