// HostInfo: the seed's CPU flags and memory from canned /proc text.
#include <gtest/gtest.h>

#include "toolstack/xend/host_info.h"

using namespace xenith;

TEST(HostInfo, VirtFlagsInSeedOrder)
{
    std::string cpuinfo = "processor\t: 0\nflags\t\t: fpu vme lm pae svm sse2\n\nprocessor\t: 1\nflags\t\t: fpu\n";
    EXPECT_EQ(virt_flags_from_cpuinfo(cpuinfo), (std::vector<std::string> { "pae", "svm", "lm" }));
}

TEST(HostInfo, FlagsMatchWholeWordsOnly)
{
    // "lmx" or "vmx_ept" must not count as lm / vmx.
    EXPECT_TRUE(virt_flags_from_cpuinfo("flags\t: lmx vmx_ept paes\n").empty());
}

TEST(HostInfo, NoFlagsLine)
{
    EXPECT_TRUE(virt_flags_from_cpuinfo("processor : 0\nisa : rv64imafdc\n").empty());
}

TEST(HostInfo, MeminfoInMiB)
{
    std::string meminfo = "MemTotal:       24683520 kB\nMemFree:         1000 kB\nMemAvailable:   22939648 kB\n";
    EXPECT_EQ(meminfo_mib(meminfo, "MemTotal"), 24105u);
    EXPECT_EQ(meminfo_mib(meminfo, "MemAvailable"), 22402u);
    EXPECT_EQ(meminfo_mib(meminfo, "Mem"), 0u);
    EXPECT_EQ(meminfo_mib(meminfo, "SwapTotal"), 0u);
}

namespace xenith {
namespace {

TEST(Dom0MinMem, NoReservationAdmitsAnything)
{
    EXPECT_TRUE(admit_domain_memory("web", 4096, 100, 0));
}

TEST(Dom0MinMem, AdmitsWhileTheReservationStaysAvailable)
{
    EXPECT_TRUE(admit_domain_memory("web", 512, 768, 256));
}

TEST(Dom0MinMem, RefusesOneMiBOverAndSaysWhatToChange)
{
    auto status = admit_domain_memory("web", 513, 768, 256);
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().message(),
        "domain 'web' needs 513 MiB, but the host has 768 MiB available and dom0-min-mem keeps 256 MiB of it for the "
        "host; lower the domain's memory, stop another domain, or lower (dom0-min-mem) in xend-config.sxp");
}

TEST(Dom0MinMem, TheHostReportsSomeAvailableMemory)
{
    EXPECT_GT(available_memory_mib(), 0u);
}

} // namespace
} // namespace xenith
