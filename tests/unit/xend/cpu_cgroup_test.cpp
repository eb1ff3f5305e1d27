// CpuCgroups against directory trees laid out like cgroup v1 and v2 mounts: detection, the
// parent cgroup, the files a domain's weight and cap become, and the unusable cases.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "toolstack/xend/cpu_cgroup.h"

namespace xenith {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class CpuCgroupTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        char tmpl[] = "/tmp/xenith-cgroup-XXXXXX";
        root = ::mkdtemp(tmpl);
    }
    void TearDown() override { fs::remove_all(root); }

    void put(std::string const& path, std::string const& text)
    {
        fs::create_directories(fs::path(root + "/" + path).parent_path());
        std::ofstream(root + "/" + path) << text;
    }
    std::string get(std::string const& path)
    {
        std::ifstream in(root + "/" + path);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }
    // What a v1 host (this project's Debian 12 machines) mounts: cpu,cpuacct with a cpu link.
    void v1_layout(char const* dir = "cpu")
    {
        put(std::string(dir) + "/cpu.shares", "1024\n");
        put(std::string(dir) + "/cpu.cfs_quota_us", "-1\n");
        put(std::string(dir) + "/cpu.cfs_period_us", "100000\n");
    }
    void v2_layout(char const* controllers = "cpuset cpu io memory pids\n")
    {
        put("cgroup.controllers", controllers);
        put("cgroup.subtree_control", "memory pids\n");
    }

    std::string root;
};

TEST_F(CpuCgroupTest, V1DomainGetsSharesQuotaAndProcess)
{
    v1_layout();
    auto cgroups = CpuCgroups::open(root, "xenith");
    ASSERT_TRUE(cgroups.available()) << cgroups.unavailable_reason();
    EXPECT_EQ(cgroups.version(), CgroupVersion::V1);
    EXPECT_EQ(cgroups.parent_path(), root + "/cpu/xenith");
    EXPECT_EQ(cgroups.domain_path("web"), root + "/cpu/xenith/web");

    ASSERT_TRUE(cgroups.attach("web", 4242, { 512, 50 }));
    EXPECT_EQ(get("cpu/xenith/web/cpu.shares"), "2048");
    EXPECT_EQ(get("cpu/xenith/web/cpu.cfs_period_us"), "100000");
    EXPECT_EQ(get("cpu/xenith/web/cpu.cfs_quota_us"), "50000");
    EXPECT_EQ(get("cpu/xenith/web/cgroup.procs"), "4242");
    EXPECT_EQ(*cgroups.get("web", { 512, 50 }), (Credit { 512, 50 }));

    ASSERT_TRUE(cgroups.set("web", { 256, 0 }));
    EXPECT_EQ(get("cpu/xenith/web/cpu.shares"), "1024");
    EXPECT_EQ(get("cpu/xenith/web/cpu.cfs_quota_us"), "-1");
    EXPECT_EQ(*cgroups.get("web", { 256, 0 }), (Credit { 256, 0 }));

    // Changed behind xend's back: the files win, mapped back to Xen's terms.
    put("cpu/xenith/web/cpu.shares", "512\n");
    put("cpu/xenith/web/cpu.cfs_quota_us", "25000\n");
    EXPECT_EQ(*cgroups.get("web", { 256, 0 }), (Credit { 128, 25 }));

    ASSERT_TRUE(cgroups.remove("web"));
    EXPECT_FALSE(fs::exists(root + "/cpu/xenith/web"));
    EXPECT_TRUE(cgroups.remove("web")) << "removing a cgroup that is gone is not an error";
}

TEST_F(CpuCgroupTest, V1CombinedCpuCpuacctMount)
{
    v1_layout("cpu,cpuacct");
    auto cgroups = CpuCgroups::open(root, "test/xenith");
    ASSERT_TRUE(cgroups.available()) << cgroups.unavailable_reason();
    EXPECT_EQ(cgroups.parent_path(), root + "/cpu,cpuacct/test/xenith");
    EXPECT_TRUE(fs::is_directory(root + "/cpu,cpuacct/test/xenith"));
}

TEST_F(CpuCgroupTest, V2EnablesCpuAndWritesWeightAndMax)
{
    v2_layout();
    auto cgroups = CpuCgroups::open(root, "xenith");
    ASSERT_TRUE(cgroups.available()) << cgroups.unavailable_reason();
    EXPECT_EQ(cgroups.version(), CgroupVersion::V2);
    EXPECT_EQ(cgroups.parent_path(), root + "/xenith");
    // +cpu for the root's children (the parent) and for the parent's (the domains).
    EXPECT_EQ(get("cgroup.subtree_control"), "+cpu");
    EXPECT_EQ(get("xenith/cgroup.subtree_control"), "+cpu");

    ASSERT_TRUE(cgroups.attach("db", 77, { 512, 50 }));
    EXPECT_EQ(get("xenith/db/cpu.weight"), "200");
    EXPECT_EQ(get("xenith/db/cpu.max"), "50000 100000");
    EXPECT_EQ(get("xenith/db/cgroup.procs"), "77");

    // v2 rounds 300 to cpu.weight 117; what xend wrote reads back exactly.
    ASSERT_TRUE(cgroups.set("db", { 300, 0 }));
    EXPECT_EQ(get("xenith/db/cpu.weight"), "117");
    EXPECT_EQ(get("xenith/db/cpu.max"), "max 100000");
    EXPECT_EQ(*cgroups.get("db", { 300, 0 }), (Credit { 300, 0 }));
    put("xenith/db/cpu.weight", "50\n");
    put("xenith/db/cpu.max", "150000 100000\n");
    EXPECT_EQ(*cgroups.get("db", { 300, 0 }), (Credit { 128, 150 }));

    ASSERT_TRUE(cgroups.rename("db", "db2"));
    EXPECT_TRUE(fs::exists(root + "/xenith/db2/cpu.weight"));
    ASSERT_TRUE(cgroups.remove("db2"));
    EXPECT_FALSE(fs::exists(root + "/xenith/db2"));
}

TEST_F(CpuCgroupTest, V2AlreadyEnabledIsLeftAlone)
{
    v2_layout();
    put("cgroup.subtree_control", "cpu memory pids\n");
    auto cgroups = CpuCgroups::open(root, "xenith");
    ASSERT_TRUE(cgroups.available()) << cgroups.unavailable_reason();
    EXPECT_EQ(get("cgroup.subtree_control"), "cpu memory pids\n");
}

TEST_F(CpuCgroupTest, V2WithoutCpuControllerIsUnavailable)
{
    v2_layout("memory pids\n");
    auto cgroups = CpuCgroups::open(root, "xenith");
    ASSERT_FALSE(cgroups.available());
    EXPECT_THAT(cgroups.unavailable_reason(), HasSubstr(root + "/cgroup.controllers"));
    EXPECT_THAT(cgroups.unavailable_reason(), HasSubstr("no cpu controller"));
    auto attached = cgroups.attach("web", 1, {});
    ASSERT_FALSE(attached);
    EXPECT_EQ(attached.error().message(), cgroups.unavailable_reason());
    EXPECT_FALSE(cgroups.get("web", {}));
    EXPECT_TRUE(cgroups.remove("web")) << "nothing to remove when nothing was created";
}

TEST_F(CpuCgroupTest, NoControllerAtAllNamesTheRoot)
{
    auto cgroups = CpuCgroups::open(root, "xenith");
    ASSERT_FALSE(cgroups.available());
    EXPECT_THAT(cgroups.unavailable_reason(), HasSubstr("no cgroup cpu controller under " + root));
    EXPECT_THAT(cgroups.unavailable_reason(), HasSubstr("xm sched-credit are unavailable"));
    EXPECT_FALSE(CpuCgroups::open("", "xenith").available());
}

TEST_F(CpuCgroupTest, ParentThatCannotBeCreatedNamesThePath)
{
    v1_layout();
    put("cpu/blocked", "a file where the parent's directory would go\n");
    auto blocked = CpuCgroups::open(root, "blocked/xenith");
    ASSERT_FALSE(blocked.available());
    EXPECT_THAT(blocked.unavailable_reason(), HasSubstr("cgroup " + root + "/cpu/blocked: a file of that name is in the way"));
    // mkdir refused (as it is for a user who is not root): the reason carries the path and errno.
    std::string long_name(300, 'x');
    auto refused = CpuCgroups::open(root, long_name);
    ASSERT_FALSE(refused.available());
    EXPECT_THAT(refused.unavailable_reason(), HasSubstr("cgroup " + root + "/cpu/" + long_name + ": mkdir: File name too long"));
}

TEST_F(CpuCgroupTest, NamesThatAreNotCgroupsAreRefused)
{
    v1_layout();
    auto cgroups = CpuCgroups::open(root, "xenith");
    ASSERT_TRUE(cgroups.available());
    put("cpu/xenith/tasks", "");
    auto tasks = cgroups.attach("tasks", 1, {});
    ASSERT_FALSE(tasks);
    EXPECT_THAT(tasks.error().message(), HasSubstr("cgroup " + root + "/cpu/xenith/tasks: a file of that name is in the way"));
    for (char const* bad : { "", ".", "..", "a/b" })
        EXPECT_FALSE(cgroups.attach(bad, 1, {})) << bad;
    EXPECT_EQ(get("cpu/cpu.shares"), "1024\n") << "the root cgroup was left alone";
}

TEST_F(CpuCgroupTest, SetOnAMissingDomainCgroupSaysSo)
{
    v1_layout();
    auto cgroups = CpuCgroups::open(root, "xenith");
    ASSERT_TRUE(cgroups.available());
    auto set = cgroups.set("ghost", { 512, 0 });
    ASSERT_FALSE(set);
    EXPECT_THAT(set.error().message(), HasSubstr(root + "/cpu/xenith/ghost does not exist"));
}

TEST_F(CpuCgroupTest, ProcessCgroupIsFoundThroughProcSelfCgroup)
{
    // Domain-0's row: the cgroup a process runs in. Mirror this test's own v1 cpu cgroup path
    // in the fake tree, with settings of our choosing.
    std::ifstream proc("/proc/self/cgroup");
    std::string line, relative;
    bool found = false;
    while (std::getline(proc, line)) {
        auto first = line.find(':'), second = line.find(':', first + 1);
        std::string controllers(1, ',');
        controllers.append(line, first + 1, second - first - 1).push_back(',');
        if (controllers.find(",cpu,") != std::string::npos) {
            relative = line.substr(second + 1);
            found = true;
        }
    }
    if (!found)
        GTEST_SKIP() << "this host has no cgroup v1 cpu hierarchy in /proc/self/cgroup";
    v1_layout();
    std::string dir = "cpu" + (relative == "/" ? std::string() : relative);
    put(dir + "/cpu.shares", "2048\n");
    put(dir + "/cpu.cfs_quota_us", "50000\n");
    put(dir + "/cpu.cfs_period_us", "100000\n");
    auto cgroups = CpuCgroups::open(root, "xenith");
    ASSERT_TRUE(cgroups.available());
    auto credit = cgroups.get_process(::getpid());
    ASSERT_TRUE(credit) << credit.error().message();
    EXPECT_EQ(*credit, (Credit { 512, 50 }));
}

} // namespace
} // namespace xenith
