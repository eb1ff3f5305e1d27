// CPU lists: Xen's "0-3,^1" / "all" syntax for cpus= and xm vcpu-pin, its errors and printing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "toolstack/config/cpu_list.h"

namespace xenith {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(CpuList, SingleRangesAndExclusions)
{
    auto one = parse_cpu_list("1", "cpus");
    ASSERT_TRUE(one) << one.error().message();
    EXPECT_FALSE(one->all);
    EXPECT_THAT(one->cpus, ElementsAre(1u));

    auto xen = parse_cpu_list("0-3,^1", "cpus");
    ASSERT_TRUE(xen) << xen.error().message();
    EXPECT_THAT(xen->cpus, ElementsAre(0u, 2u, 3u));

    auto mixed = parse_cpu_list(" 6, 0-2 ,^1-2,8-9,^9 ", "cpus");
    ASSERT_TRUE(mixed) << mixed.error().message();
    EXPECT_THAT(mixed->cpus, ElementsAre(0u, 6u, 8u));
}

TEST(CpuList, LaterItemsWinAsInXm)
{
    // xm applies items left to right: an exclusion before the range it excludes from is void.
    auto list = parse_cpu_list("^1,0-3", "cpus");
    ASSERT_TRUE(list) << list.error().message();
    EXPECT_THAT(list->cpus, ElementsAre(0u, 1u, 2u, 3u));
}

TEST(CpuList, AllIsEveryCpu)
{
    auto all = parse_cpu_list("all", "vcpu-pin");
    ASSERT_TRUE(all) << all.error().message();
    EXPECT_TRUE(all->all);
    EXPECT_THAT(affinity_of(*all, 2), IsEmpty());
    EXPECT_TRUE(check_cpus_exist(*all, 1, "vcpu-pin"));
}

TEST(CpuList, SyntaxErrorsNameTheKeyAndTheText)
{
    for (char const* bad : { "", "x", "1-", "-1", "1,,2", "3-1", "1.5", "0-99999", "^", "1 2" }) {
        auto parsed = parse_cpu_list(bad, "cpus");
        ASSERT_FALSE(parsed) << "accepted \"" << bad << "\"";
        EXPECT_THAT(parsed.error().message(), HasSubstr("cpus: \""));
        EXPECT_THAT(parsed.error().message(), HasSubstr("0-3,^1"));
    }
    EXPECT_THAT(parse_cpu_list("3-1", "vcpu-pin").error().message(), HasSubstr("range \"3-1\" goes backwards"));
}

TEST(CpuList, OnlyExclusionsLeaveNothing)
{
    auto parsed = parse_cpu_list("0,^0", "cpus");
    ASSERT_FALSE(parsed);
    EXPECT_THAT(parsed.error().message(), HasSubstr("cpus: \"0,^0\" leaves no CPU"));
    EXPECT_FALSE(parse_cpu_list("^1", "cpus"));
}

TEST(CpuList, OutOfRangeNamesTheKeyAndTheHostCount)
{
    auto parsed = parse_cpu_list("1-5", "cpus");
    ASSERT_TRUE(parsed);
    auto status = check_cpus_exist(*parsed, 2, "cpus");
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().message(), "cpus: CPU 2 does not exist: this host has 2 CPUs (0-1)");
    auto single = check_cpus_exist(*parse_cpu_list("1", "x"), 1, "vcpu-pin");
    ASSERT_FALSE(single);
    EXPECT_EQ(single.error().message(), "vcpu-pin: CPU 1 does not exist: this host has 1 CPU (0)");
    EXPECT_TRUE(check_cpus_exist(*parse_cpu_list("0-1", "x"), 2, "cpus"));
}

TEST(CpuList, AffinityOfEveryHostCpuIsAny)
{
    EXPECT_THAT(affinity_of(*parse_cpu_list("0-1", "x"), 2), IsEmpty());
    EXPECT_THAT(affinity_of(*parse_cpu_list("1", "x"), 2), ElementsAre(1u));
    EXPECT_THAT(affinity_of(*parse_cpu_list("0,2", "x"), 4), ElementsAre(0u, 2u));
}

TEST(CpuList, VcpuAffinitiesOneListForAllOrOnePerVcpu)
{
    using Pins = std::vector<std::vector<unsigned>>;
    EXPECT_EQ(vcpu_affinities("", {}, 2, 4, "cpus").value(), (Pins { {}, {} }));
    EXPECT_EQ(vcpu_affinities("1", {}, 2, 4, "cpus").value(), (Pins { { 1 }, { 1 } }));
    EXPECT_EQ(vcpu_affinities("all", {}, 2, 4, "cpus").value(), (Pins { {}, {} }));
    // xl's list form: vCPU i gets element i; a vCPU past the end runs anywhere.
    EXPECT_EQ(vcpu_affinities("", { "0", "1-3" }, 3, 4, "cpus").value(), (Pins { { 0 }, { 1, 2, 3 }, {} }));
    EXPECT_EQ(vcpu_affinities("", { "2", "0-3" }, 2, 4, "cpus").value(), (Pins { { 2 }, {} })) << "every host CPU is any CPU";
    auto missing = vcpu_affinities("", { "0", "7" }, 2, 4, "domain 'web': cpus");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message(), "domain 'web': cpus (vCPU 1): CPU 7 does not exist: this host has 4 CPUs (0-3)");
}

TEST(CpuList, FormatsRangesAsXmVcpuList)
{
    EXPECT_EQ(format_cpu_affinity({}, 4), "any cpu");
    EXPECT_EQ(format_cpu_affinity({ 0, 1, 2, 3 }, 4), "any cpu");
    EXPECT_EQ(format_cpu_affinity({ 1 }, 2), "1");
    EXPECT_EQ(format_cpu_affinity({ 0, 1 }, 4), "0-1");
    EXPECT_EQ(format_cpu_affinity({ 7, 5, 6, 3, 0, 1 }, 8), "0-1,3,5-7");
    EXPECT_EQ(format_cpu_affinity({ 2, 2, 4 }, 8), "2,4");
}

} // namespace
} // namespace xenith
