// Xend's API handlers in-process, with real state directories (no guest needed).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include "toolstack/config/config_json.h"
#include "toolstack/xend/xend.h"
#include "xend/xend_in_process.h"

using namespace xenith;
using Json = nlohmann::json;

namespace {

class XendApiTest : public XendInProcess {
protected:
    void SetUp() override
    {
        XendInProcess::SetUp();
        options.vm_binary = write_script("vm-fails.sh", "echo 'xenith-vm: kernel /nope/Image: No such file or directory' >&2; exit 1");
    }

    std::string write_script(std::string const& name, std::string const& body)
    {
        std::string path = dir + "/" + name;
        std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
        ::chmod(path.c_str(), 0755);
        return path;
    }

    static Json config(std::string const& name)
    {
        DomainConfig c;
        c.name = name;
        c.kernel = "/nope/Image";
        c.memory_mib = 64;
        return to_json(c);
    }
};

} // namespace

TEST_F(XendApiTest, ListAlwaysShowsDomain0First)
{
    start();
    auto reply = call({ { "op", "list" } });
    ASSERT_TRUE(reply["ok"].get<bool>()) << reply.dump();
    auto const& domains = reply["result"]["domains"];
    ASSERT_EQ(domains.size(), 1u);
    EXPECT_EQ(domains[0]["name"], "Domain-0");
    EXPECT_EQ(domains[0]["id"], 0);
    EXPECT_EQ(domains[0]["state"], "r-----");
    EXPECT_GT(domains[0]["memory_mib"].get<uint64_t>(), 0u);
}

TEST_F(XendApiTest, ApiSocketIsPrivate)
{
    start();
    struct stat st {};
    ASSERT_EQ(::stat(options.socket_path.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(XendApiTest, ApiSocketCanBeSharedWithAGroup)
{
    options.config.xend_unix_group = std::to_string(::getegid());
    start();
    struct stat st {};
    ASSERT_EQ(::stat(options.socket_path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0660u);
    EXPECT_EQ(st.st_gid, ::getegid());
}

TEST_F(XendApiTest, ApiSocketGroupThatDoesNotExistStopsXend)
{
    options.config.xend_unix_group = "no-such-group-xenith";
    auto created = Xend::create(options);
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error().message(),
        "xend-unix-group: group 'no-such-group-xenith' does not exist (xend-unix-group names a group of /etc/group, or a gid)");
    struct stat st {};
    EXPECT_NE(::stat(options.socket_path.c_str(), &st), 0) << "no socket is left behind";
}

TEST_F(XendApiTest, SecondXendOnTheSameSocketRefused)
{
    start();
    auto second = Xend::create(options);
    ASSERT_FALSE(second);
    EXPECT_NE(second.error().message().find("already serving"), std::string::npos);
}

TEST_F(XendApiTest, UnknownOpAndBadVersion)
{
    start();
    auto reply = call({ { "op", "launch-missiles" } });
    EXPECT_FALSE(reply["ok"].get<bool>());
    EXPECT_EQ(reply["error"], "unknown operation 'launch-missiles'");
    auto bad = xend->handle_request(R"({"version":9,"op":"list"})");
    EXPECT_FALSE(bad["ok"].get<bool>());
}

TEST_F(XendApiTest, UnknownDomainSaysSoLikeXen)
{
    start();
    for (auto op : { "destroy", "shutdown", "pause", "console" }) {
        auto reply = call({ { "op", op }, { "domain", "ghost" } });
        EXPECT_FALSE(reply["ok"].get<bool>());
        EXPECT_EQ(reply["error"], "Domain 'ghost' does not exist.") << op;
    }
    auto reply = call({ { "op", "list" }, { "domains", { "ghost" } } });
    EXPECT_EQ(reply["error"], "Domain 'ghost' does not exist.");
}

TEST_F(XendApiTest, Domain0CannotBeDestroyed)
{
    start();
    auto reply = call({ { "op", "destroy" }, { "domain", "Domain-0" } });
    EXPECT_FALSE(reply["ok"].get<bool>());
    EXPECT_NE(reply["error"].get<std::string>().find("host"), std::string::npos);
}

TEST_F(XendApiTest, CreateReportsWhyXenithVmFailed)
{
    start();
    auto reply = call({ { "op", "create" }, { "config", config("web") } });
    ASSERT_FALSE(reply["ok"].get<bool>());
    auto message = reply["error"].get<std::string>();
    EXPECT_NE(message.find("exited during start-up"), std::string::npos) << message;
    EXPECT_NE(message.find("kernel /nope/Image: No such file"), std::string::npos) << message;
    // Nothing is left behind: not listed, no run record.
    EXPECT_EQ(call({ { "op", "list" } })["result"]["domains"].size(), 1u);
    EXPECT_EQ(::access((dir + "/run/domains/1.json").c_str(), F_OK), -1);
}

TEST_F(XendApiTest, CreateWithMissingVmBinaryNamesIt)
{
    options.vm_binary = dir + "/not-built/xenith-vm";
    start();
    auto reply = call({ { "op", "create" }, { "config", config("web") } });
    ASSERT_FALSE(reply["ok"].get<bool>());
    EXPECT_NE(reply["error"].get<std::string>().find("not-built/xenith-vm"), std::string::npos);
}

TEST_F(XendApiTest, CreateRejectsInvalidConfig)
{
    start();
    auto bad_name = config("123");
    auto reply = call({ { "op", "create" }, { "config", bad_name } });
    EXPECT_FALSE(reply["ok"].get<bool>());
    reply = call({ { "op", "create" } });
    EXPECT_FALSE(reply["ok"].get<bool>());
    EXPECT_NE(reply["error"].get<std::string>().find("config"), std::string::npos);
}

TEST_F(XendApiTest, FailedStartsStillConsumeIds)
{
    start();
    (void)call({ { "op", "create" }, { "config", config("a") } });
    (void)call({ { "op", "create" }, { "config", config("b") } });
    std::ifstream next(dir + "/state/next-id");
    unsigned id = 0;
    next >> id;
    EXPECT_EQ(id, 3u); // ids are never reused, even those of domains that failed to start
}

TEST_F(XendApiTest, ManagedDomainSurvivesXendRestart)
{
    start();
    auto reply = call({ { "op", "new" }, { "config", config("kept") } });
    ASSERT_TRUE(reply["ok"].get<bool>()) << reply.dump();
    start(); // a new xend on the same directories
    xend->load_managed_domains();
    auto listed = call({ { "op", "list" }, { "domains", { "kept" } } });
    ASSERT_TRUE(listed["ok"].get<bool>()) << listed.dump();
    EXPECT_TRUE(listed["result"]["domains"][0]["id"].is_null());
    EXPECT_EQ(listed["result"]["domains"][0]["state"], "------");
    EXPECT_TRUE(listed["result"]["domains"][0]["managed"].get<bool>());

    auto twice = call({ { "op", "create" }, { "config", config("kept") } });
    EXPECT_FALSE(twice["ok"].get<bool>());
    EXPECT_NE(twice["error"].get<std::string>().find("xm start kept"), std::string::npos);

    ASSERT_TRUE(call({ { "op", "delete" }, { "domain", "kept" } })["ok"].get<bool>());
    start();
    xend->load_managed_domains();
    EXPECT_EQ(call({ { "op", "list" } })["result"]["domains"].size(), 1u);
}

TEST_F(XendApiTest, RenameManagedDomainMovesItsDefinition)
{
    start();
    ASSERT_TRUE(call({ { "op", "new" }, { "config", config("old") } })["ok"].get<bool>());
    auto reply = call({ { "op", "rename" }, { "domain", "old" }, { "new_name", "new" } });
    ASSERT_TRUE(reply["ok"].get<bool>()) << reply.dump();
    start();
    xend->load_managed_domains();
    EXPECT_FALSE(call({ { "op", "list" }, { "domains", { "old" } } })["ok"].get<bool>());
    EXPECT_TRUE(call({ { "op", "list" }, { "domains", { "new" } } })["ok"].get<bool>());
    auto invalid = call({ { "op", "rename" }, { "domain", "new" }, { "new_name", "Domain-0" } });
    EXPECT_FALSE(invalid["ok"].get<bool>());
}

TEST_F(XendApiTest, PreservedCrashIsStillListedAfterRestart)
{
    // A record left by an earlier xend: the domain crashed with on_crash=preserve.
    DomainRecord r;
    r.id = 7;
    r.name = "crashed";
    r.config.name = "crashed";
    r.config.on_crash = LifecycleAction::Preserve;
    r.phase = DomainPhase::Crashed;
    r.run_dir = dir + "/run/domains/7";
    DomainStore store(dir + "/state", dir + "/run");
    ASSERT_TRUE(store.prepare());
    ASSERT_TRUE(store.save_running(r));
    start();
    xend->adopt_running_domains();
    auto listed = call({ { "op", "list" }, { "domains", { "crashed" } } });
    ASSERT_TRUE(listed["ok"].get<bool>()) << listed.dump();
    EXPECT_EQ(listed["result"]["domains"][0]["state"], "----c-");
    EXPECT_EQ(listed["result"]["domains"][0]["id"], 7);
    EXPECT_EQ(xend->registry().allocate_id(), 8u);
    ASSERT_TRUE(call({ { "op", "destroy" }, { "domain", "crashed" } })["ok"].get<bool>());
    EXPECT_EQ(call({ { "op", "list" } })["result"]["domains"].size(), 1u);
}

TEST_F(XendApiTest, DomainThatPoweredOffWhileXendWasDownIsCleanedUp)
{
    DomainRecord r;
    r.id = 4;
    r.name = "gone";
    r.config.name = "gone";
    r.phase = DomainPhase::Running;
    r.monitor_pid = 999999; // no such process
    r.run_dir = dir + "/run/domains/4";
    DomainStore store(dir + "/state", dir + "/run");
    ASSERT_TRUE(store.prepare());
    ASSERT_TRUE(store.save_running(r));
    ::mkdir(r.run_dir.c_str(), 0700);
    std::ofstream(r.run_dir + "/exit") << "exit 0\n"; // poweroff; on_poweroff=destroy
    start();
    xend->adopt_running_domains();
    EXPECT_EQ(call({ { "op", "list" } })["result"]["domains"].size(), 1u);
    EXPECT_EQ(::access((dir + "/run/domains/4.json").c_str(), F_OK), -1);
}

TEST_F(XendApiTest, AutostartStartsLinkedConfigsAndSkipsBrokenOnes)
{
    std::string auto_dir = options.dirs.config + "/auto";
    ::mkdir(auto_dir.c_str(), 0700);
    std::ofstream(options.dirs.config + "/broken") << "name = \"broken\"\nmemory = \"lots\"\n";
    ASSERT_EQ(::symlink("../broken", (auto_dir + "/broken").c_str()), 0);
    start();
    xend->start_auto_domains();
    EXPECT_EQ(call({ { "op", "list" } })["result"]["domains"].size(), 1u);
}

TEST_F(XendApiTest, InfoHasVirtCaps)
{
    start();
    auto reply = call({ { "op", "info" } });
    ASSERT_TRUE(reply["ok"].get<bool>());
    auto caps = reply["result"]["virt_caps"];
    ASSERT_TRUE(caps.is_array());
    // Only engines this build can run: no "kvm" on a host with /dev/kvm, as Xenith has no KVM
    // engine yet.
    EXPECT_EQ(caps, Json::array({ "riscv-interp" }));
}
