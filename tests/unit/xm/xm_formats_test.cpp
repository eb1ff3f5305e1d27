// Golden output of xm's tables: Xen's layouts, byte for byte.
#include <gtest/gtest.h>

#include "toolstack/xm/xm_formats.h"

using namespace xenith;
using Json = nlohmann::json;

namespace {

Json sample_domains()
{
    return Json::parse(R"([
        {"name":"Domain-0","id":0,"memory_mib":23940,"vcpus":2,"state":"r-----","cpu_seconds":812.43,"uptime_seconds":93784},
        {"name":"centos5","id":1,"memory_mib":128,"vcpus":1,"state":"-b----","cpu_seconds":3.14,"uptime_seconds":59,
         "vcpu_info":[{"id":0,"online":true,"running":false,"blocked":true,"cpu_seconds":3.14,"host_cpu":1,"affinity":[]}]},
        {"name":"a-very-long-domain-name-that-is-exactly-40c","id":12,"memory_mib":1024,"vcpus":4,"state":"--p---","cpu_seconds":0,"uptime_seconds":90061},
        {"name":"defined","id":null,"memory_mib":256,"vcpus":2,"state":"------","cpu_seconds":0}
    ])");
}

} // namespace

TEST(XmList, GoldenTable)
{
    EXPECT_EQ(xm::format_list(sample_domains()),
        "Name                                      ID Mem(MiB) VCPUs State  Time(s)\n"
        "Domain-0                                   0    23940     2 r-----    812.4\n"
        "centos5                                    1      128     1 -b----      3.1\n"
        "a-very-long-domain-name-that-is-exactly-40c  12     1024     4 --p---      0.0\n"
        "defined                                           256     2 ------      0.0\n");
}

TEST(XmList, MatchesTheArchitectureExample)
{
    // The rows of ARCHITECTURE.md's example, as a Xen user sees them on CentOS 5.
    auto out = xm::format_list(Json::parse(R"([
        {"name":"Domain-0","id":0,"memory_mib":23940,"vcpus":2,"state":"r-----","cpu_seconds":812.4},
        {"name":"centos5","id":1,"memory_mib":128,"vcpus":1,"state":"-b----","cpu_seconds":3.1}])"));
    EXPECT_EQ(out,
        "Name                                      ID Mem(MiB) VCPUs State  Time(s)\n"
        "Domain-0                                   0    23940     2 r-----    812.4\n"
        "centos5                                    1      128     1 -b----      3.1\n");
}

TEST(XmInfo, GoldenKeyValueLayout)
{
    Json info = Json::parse(R"({"host":"node1","release":"6.1.0","version":"#1 SMP","machine":"x86_64","nr_cpus":2,
        "nr_nodes":1,"cores_per_socket":2,"threads_per_core":1,"cpu_mhz":2100,"hw_caps":["pae","lm"],
        "virt_caps":["riscv-interp","kvm"],"total_memory":24105,"free_memory":22402,"dom0_min_mem":0})");
    auto out = xm::format_info(info, "0.1");
    std::string expected_head = "host                   : node1\n"
                                "release                : 6.1.0\n"
                                "version                : #1 SMP\n"
                                "machine                : x86_64\n"
                                "nr_cpus                : 2\n"
                                "nr_nodes               : 1\n"
                                "cores_per_socket       : 2\n"
                                "threads_per_core       : 1\n"
                                "cpu_mhz                : 2100\n"
                                "hw_caps                : pae lm\n"
                                "virt_caps              : riscv-interp kvm\n"
                                "total_memory           : 24105\n"
                                "free_memory            : 22402\n"
                                "dom0_min_mem           : 0\n"
                                "xen_major              : 0\n"
                                "xen_minor              : 1\n";
    EXPECT_EQ(out.substr(0, expected_head.size()), expected_head);
    EXPECT_NE(out.find("\nxend_config_format     : 4\n"), std::string::npos);
    // sched-credit's weight and cap: Xen's credit scheduler, as Xen's xm info names it.
    EXPECT_NE(out.find("\nxen_scheduler          : credit\n"), std::string::npos);
}

TEST(XmInfo, HostWithoutKvmSaysInterpreterOnly)
{
    Json info = Json::parse(R"({"hw_caps":[],"virt_caps":["riscv-interp"]})");
    auto out = xm::format_info(info, "0.1");
    EXPECT_NE(out.find("virt_caps              : riscv-interp\n"), std::string::npos);
    EXPECT_NE(out.find("hw_caps                : \n"), std::string::npos);
}

TEST(XmVcpuList, GoldenTable)
{
    auto domains = sample_domains();
    domains.erase(2);
    EXPECT_EQ(xm::format_vcpu_list(domains),
        "Name                              ID  VCPU   CPU State   Time(s) CPU Affinity\n"
        "Domain-0                           0     0     -   r--     812.4 any cpu\n"
        "Domain-0                           0     1     -   r--       0.0 any cpu\n"
        "centos5                            1     0     1   -b-       3.1 any cpu\n");
}

TEST(XmVcpuList, StatesTimesAndAffinityAsXen3)
{
    // Running, blocked, neither (paused) and offline VCPUs; pinned to one CPU, to ranges, to all.
    auto domains = Json::parse(R"([{"name":"smp","id":7,"vcpus":4,"state":"r-----","vcpu_info":[
        {"id":0,"online":true,"running":true,"blocked":false,"cpu_seconds":12345678.91,"host_cpu":1,"affinity":[1]},
        {"id":1,"online":true,"running":false,"blocked":true,"cpu_seconds":0.04,"host_cpu":0,"affinity":[0,1,3,5,6,7]},
        {"id":2,"online":true,"running":false,"blocked":false,"cpu_seconds":2.25,"host_cpu":0,"affinity":[]},
        {"id":3,"online":false,"running":false,"blocked":false,"cpu_seconds":0,"host_cpu":1,"affinity":[2]}]}])");
    EXPECT_EQ(xm::format_vcpu_list(domains),
        "Name                              ID  VCPU   CPU State   Time(s) CPU Affinity\n"
        "smp                                7     0     1   r--  12345678.9 1\n"
        "smp                                7     1     0   -b-       0.0 0-1,3,5-7\n"
        "smp                                7     2     0   ---       2.2 any cpu\n"
        "smp                                7     3     -   --p       0.0 2\n");
}

TEST(XmSchedCredit, GoldenTable)
{
    auto rows = Json::parse(R"([{"name":"Domain-0","id":0,"weight":256,"cap":0},
        {"name":"centos5","id":1,"weight":512,"cap":50},
        {"name":"a-very-long-domain-name-that-is-exactly-40c","id":12,"weight":65535,"cap":400}])");
    EXPECT_EQ(xm::format_sched_credit(rows),
        "Name                              ID Weight Cap \n"
        "Domain-0                           0    256    0\n"
        "centos5                            1    512   50\n"
        "a-very-long-domain-name-that-is-exactly-40c  12  65535  400\n");
}

TEST(XmUptime, GoldenTable)
{
    EXPECT_EQ(xm::format_uptime(sample_domains(), false, 0),
        "Name                                ID Uptime\n"
        "Domain-0                             0 1 day,  2:03:04\n"
        "centos5                              1  0:00:59\n"
        "a-very-long-domain-name-that-is-exactly-40c   12 1 day,  1:01:01\n");
}

TEST(XmUptime, DaysPluralAndShortForm)
{
    EXPECT_EQ(xm::uptime_to_string(3 * 86400 + 3600 * 5 + 60 * 7 + 9, false), "3 days,  5:07:09");
    EXPECT_EQ(xm::uptime_to_string(86400, false), "1 day,  0:00:00");
    EXPECT_EQ(xm::uptime_to_string(59, true), " 0:00");
    EXPECT_EQ(xm::uptime_to_string(2 * 86400 + 3600 * 11 + 60 * 30, true), "2 days, 11:30");
}

TEST(XmTop, BatchFrameCountsStates)
{
    Json info = Json::parse(R"({"total_memory":1024,"free_memory":512,"nr_cpus":2,"cpu_mhz":2100})");
    auto out = xm::format_top(sample_domains(), info, Json { { "centos5", 12.5 } }, 0);
    EXPECT_NE(out.find("3 domains: 1 running, 1 blocked, 1 paused, 0 crashed, 0 dying, 0 shutdown"), std::string::npos) << out;
    EXPECT_NE(out.find("      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS\n"), std::string::npos) << out;
    EXPECT_NE(out.find("   centos5 -b----          3   12.5     131072   12.5"), std::string::npos) << out;
}
