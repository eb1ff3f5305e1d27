// DomainStore: what survives an xend restart.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sys/stat.h>

#include "toolstack/xend/domain_store.h"

using namespace xenith;

namespace {

class DomainStoreTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        char tmpl[] = "/tmp/xenith-store-XXXXXX";
        dir = ::mkdtemp(tmpl);
        store = std::make_unique<DomainStore>(dir + "/state", dir + "/run");
        ASSERT_TRUE(store->prepare());
    }
    void TearDown() override { std::system(("rm -rf " + dir).c_str()); }

    std::string dir;
    std::unique_ptr<DomainStore> store;
};

DomainRecord sample()
{
    DomainRecord r;
    r.id = 12;
    r.name = "centos5";
    r.uuid = "8e1f7a44-0b5e-4c8f-9a55-2f54f0d9a001";
    r.config.name = "centos5";
    r.config.kernel = "/boot/Image";
    r.config.memory_mib = 256;
    r.config.vcpus = 2;
    r.config.on_crash = LifecycleAction::Preserve;
    r.phase = DomainPhase::Running;
    r.monitor_pid = 4242;
    r.monitor_start = 998877;
    r.vm_pid = 4243;
    r.start_time = 1700000000.5;
    r.run_dir = "/run/xenith/domains/12";
    r.control_path = r.run_dir + "/control.sock";
    r.console_path = r.run_dir + "/console.sock";
    r.console_log = "/var/log/xenith/console/centos5.log";
    return r;
}

} // namespace

TEST_F(DomainStoreTest, NextIdDefaultsToOne)
{
    EXPECT_EQ(store->load_next_id().value(), 1u);
}

TEST_F(DomainStoreTest, NextIdRoundTrip)
{
    ASSERT_TRUE(store->save_next_id(17));
    EXPECT_EQ(store->load_next_id().value(), 17u);
}

TEST_F(DomainStoreTest, GarbledNextIdIsAnErrorNamingTheFile)
{
    std::ofstream(dir + "/state/next-id") << "seventeen\n";
    auto id = store->load_next_id();
    ASSERT_FALSE(id);
    EXPECT_NE(id.error().message().find(dir + "/state/next-id"), std::string::npos);
}

TEST_F(DomainStoreTest, RunningRecordRoundTrip)
{
    ASSERT_TRUE(store->save_running(sample()));
    std::vector<std::string> problems;
    auto records = store->load_running(problems);
    ASSERT_TRUE(problems.empty());
    ASSERT_EQ(records.size(), 1u);
    auto const& r = records[0];
    EXPECT_EQ(r.id, 12u);
    EXPECT_EQ(r.name, "centos5");
    EXPECT_EQ(r.config.memory_mib, 256u);
    EXPECT_EQ(r.config.vcpus, 2u);
    EXPECT_EQ(r.config.on_crash, LifecycleAction::Preserve);
    EXPECT_EQ(r.monitor_pid, 4242);
    EXPECT_EQ(r.monitor_start, 998877u);
    EXPECT_EQ(r.vm_pid, 4243);
    EXPECT_EQ(r.phase, DomainPhase::Running);
    EXPECT_EQ(r.console_path, "/run/xenith/domains/12/console.sock");
    EXPECT_DOUBLE_EQ(r.start_time, 1700000000.5);
}

TEST_F(DomainStoreTest, FilesArePrivate)
{
    ASSERT_TRUE(store->save_running(sample()));
    struct stat st {};
    ASSERT_EQ(::stat((dir + "/run/domains/12.json").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(DomainStoreTest, RemoveRunning)
{
    ASSERT_TRUE(store->save_running(sample()));
    ASSERT_TRUE(store->remove_running(12));
    std::vector<std::string> problems;
    EXPECT_TRUE(store->load_running(problems).empty());
    EXPECT_TRUE(store->remove_running(12)); // already gone is fine
}

TEST_F(DomainStoreTest, CorruptRecordIsReportedAndSkipped)
{
    ASSERT_TRUE(store->save_running(sample()));
    std::ofstream(dir + "/run/domains/13.json") << "{ not json";
    std::ofstream(dir + "/run/domains/14.json") << R"({"id":14})";
    std::vector<std::string> problems;
    auto records = store->load_running(problems);
    EXPECT_EQ(records.size(), 1u);
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_NE(problems[0].find("13.json"), std::string::npos);
    EXPECT_NE(problems[1].find("14.json"), std::string::npos);
}

TEST_F(DomainStoreTest, ManagedDomainsLoadInactive)
{
    auto r = sample();
    r.managed = true;
    ASSERT_TRUE(store->save_managed(r));
    std::vector<std::string> problems;
    auto managed = store->load_managed(problems);
    ASSERT_EQ(managed.size(), 1u);
    EXPECT_TRUE(managed[0].managed);
    EXPECT_EQ(managed[0].id, kNoDomainId);
    EXPECT_EQ(managed[0].phase, DomainPhase::Inactive);
    EXPECT_EQ(managed[0].uuid, r.uuid);
    ASSERT_TRUE(store->remove_managed("centos5"));
    EXPECT_TRUE(store->load_managed(problems).empty());
}
