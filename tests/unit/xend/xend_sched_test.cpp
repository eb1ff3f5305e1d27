// Xend's scheduling requests in-process: sched-credit against a cgroup tree laid out like v1,
// its refusal without cgroups, and cpus= / vcpu-pin checks that need no guest.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include "toolstack/config/config_json.h"
#include "toolstack/xend/xend.h"
#include "xend/xend_in_process.h"

using namespace xenith;
using Json = nlohmann::json;
using ::testing::HasSubstr;

namespace {

class XendSchedTest : public XendInProcess {
protected:
    void fake_v1_cgroups()
    {
        std::filesystem::create_directories(dir + "/cgroup/cpu");
        std::ofstream(dir + "/cgroup/cpu/cpu.shares") << "1024\n";
        std::ofstream(dir + "/cgroup/cpu/cpu.cfs_quota_us") << "-1\n";
        std::ofstream(dir + "/cgroup/cpu/cpu.cfs_period_us") << "100000\n";
        options.cgroup_root = dir + "/cgroup";
    }
};

} // namespace

TEST_F(XendSchedTest, SchedCreditListsDomain0FromXendsOwnCgroup)
{
    fake_v1_cgroups();
    start();
    EXPECT_TRUE(std::filesystem::is_directory(dir + "/cgroup/cpu/xenith"));
    auto reply = call({ { "op", "sched-credit" } });
    ASSERT_TRUE(reply["ok"].get<bool>()) << reply.dump();
    auto const& rows = reply["result"]["domains"];
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0]["name"], "Domain-0");
    EXPECT_EQ(rows[0]["id"], 0);
    EXPECT_EQ(rows[0]["weight"], 256);
    EXPECT_EQ(rows[0]["cap"], 0);
}

TEST_F(XendSchedTest, SchedCreditNeedsADomainToSetAndARunningOne)
{
    fake_v1_cgroups();
    start();
    auto reply = call({ { "op", "sched-credit" }, { "weight", 512 } });
    EXPECT_FALSE(reply["ok"].get<bool>());
    EXPECT_EQ(reply["error"], "No domain given.");
    reply = call({ { "op", "sched-credit" }, { "domain", "ghost" }, { "weight", 512 } });
    EXPECT_FALSE(reply["ok"].get<bool>());
    EXPECT_EQ(reply["error"], "Domain 'ghost' does not exist.");
}

TEST_F(XendSchedTest, WithoutCgroupsSchedCreditSaysWhyNamingThePath)
{
    options.cgroup_root = dir + "/empty";
    ::mkdir(options.cgroup_root.c_str(), 0755);
    start();
    for (Json request : { Json { { "op", "sched-credit" } }, Json { { "op", "sched-credit" }, { "domain", "x" }, { "cap", 10 } } }) {
        auto reply = call(request);
        ASSERT_FALSE(reply["ok"].get<bool>());
        EXPECT_THAT(reply["error"].get<std::string>(), HasSubstr("no cgroup cpu controller under " + options.cgroup_root));
    }
}

TEST_F(XendSchedTest, CreateRefusesCpusTheHostLacks)
{
    start();
    DomainConfig c;
    c.name = "wide";
    c.kernel = "/nope/Image";
    c.cpus = "0,4095";
    auto reply = call({ { "op", "create" }, { "config", to_json(c) } });
    ASSERT_FALSE(reply["ok"].get<bool>());
    auto cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
    EXPECT_THAT(reply["error"].get<std::string>(),
        HasSubstr(fmt::format("domain 'wide': cpus: CPU 4095 does not exist: this host has {} CPU", cpus)));
    EXPECT_EQ(call({ { "op", "list" } })["result"]["domains"].size(), 1u) << "the domain was not left behind";
}

TEST_F(XendSchedTest, CreateRefusesAPerVcpuListNamingACpuTheHostLacks)
{
    start();
    DomainConfig c;
    c.name = "perv";
    c.kernel = "/nope/Image";
    c.vcpus = 2;
    c.vcpu_cpus = { "0", "4095" };
    auto reply = call({ { "op", "create" }, { "config", to_json(c) } });
    ASSERT_FALSE(reply["ok"].get<bool>());
    EXPECT_THAT(reply["error"].get<std::string>(), HasSubstr("domain 'perv': cpus (vCPU 1): CPU 4095 does not exist"));
}

TEST_F(XendSchedTest, VcpuPinOfAnUnknownDomain)
{
    start();
    auto reply = call({ { "op", "vcpu-pin" }, { "domain", "ghost" }, { "vcpu", 0 }, { "cpus", "0" } });
    ASSERT_FALSE(reply["ok"].get<bool>());
    EXPECT_EQ(reply["error"], "Domain 'ghost' does not exist.");
}
