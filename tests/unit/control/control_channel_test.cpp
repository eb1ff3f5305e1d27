// ControlChannel: requests map onto DomainControl calls; bad requests get errors, not crashes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

#include "engine/domain/control_channel.h"
#include "engine/domain/control_protocol.h"

using namespace xenith;
using ::testing::Return;

namespace {

class MockDomain : public DomainControl {
public:
    MOCK_METHOD(DomainStatus, status, (), (const, override));
    MOCK_METHOD(Status, request_shutdown, (), (override));
    MOCK_METHOD(Status, request_reboot, (), (override));
    MOCK_METHOD(Status, destroy, (), (override));
    MOCK_METHOD(Status, pause, (), (override));
    MOCK_METHOD(Status, unpause, (), (override));
    MOCK_METHOD(Status, set_memory_target, (uint64_t), (override));
    MOCK_METHOD(Status, set_online_vcpus, (unsigned), (override));
    MOCK_METHOD(Status, pin_vcpu, (unsigned, std::vector<int> const&), (override));
    MOCK_METHOD(Status, sysrq, (char), (override));
    MOCK_METHOD(Status, dump_core, (std::string const&), (override));
};

class ControlChannelTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        char tmpl[] = "/tmp/xenith-control-XXXXXX";
        dir = ::mkdtemp(tmpl);
        loop = std::move(EventLoop::create().value());
        auto created = ControlChannel::create(*loop, domain, { dir + "/control.sock", "guest1", dir + "/console.sock" });
        ASSERT_TRUE(created) << created.error().message();
        channel = std::move(*created);
    }
    void TearDown() override
    {
        // The loop thread may be inside a callback of the channel: stop it first.
        loop->stop();
        loop->join();
        channel.reset();
        std::system(("rm -rf " + dir).c_str());
    }
    nlohmann::json call(std::string const& line) { return nlohmann::json::parse(channel->handle_line(line)); }

    std::string dir;
    MockDomain domain;
    std::unique_ptr<EventLoop> loop;
    std::unique_ptr<ControlChannel> channel;
};

} // namespace

TEST_F(ControlChannelTest, StatusReportsDomainState)
{
    DomainStatus s;
    s.state = DomainRunState::Blocked;
    s.memory_mib = 256;
    s.cpu_seconds = 1.5;
    s.instret = 123456789012ull;
    s.vcpus.push_back({ 0, true, false, true, 1.5, 1, { 1 }, 123456789012ull });
    EXPECT_CALL(domain, status()).WillOnce(Return(s));
    auto reply = call(R"({"version":1,"op":"status"})");
    ASSERT_TRUE(reply["ok"].get<bool>());
    auto back = control::status_from_json(reply["result"]);
    EXPECT_EQ(back.state, DomainRunState::Blocked);
    EXPECT_EQ(back.memory_mib, 256u);
    EXPECT_DOUBLE_EQ(back.cpu_seconds, 1.5);
    EXPECT_EQ(back.instret, 123456789012ull);
    ASSERT_EQ(back.vcpus.size(), 1u);
    EXPECT_EQ(back.vcpus[0].host_cpu, 1);
    EXPECT_EQ(back.vcpus[0].instret, 123456789012ull);
    EXPECT_FALSE(back.vcpus[0].running);
    EXPECT_TRUE(back.vcpus[0].blocked);
    EXPECT_EQ(back.vcpus[0].affinity, std::vector<int> { 1 });
    EXPECT_EQ(reply["result"]["name"], "guest1");
}

TEST_F(ControlChannelTest, IdentifyNamesDomainAndConsole)
{
    auto reply = call(R"({"version":1,"op":"identify"})");
    ASSERT_TRUE(reply["ok"].get<bool>());
    EXPECT_EQ(reply["result"]["name"], "guest1");
    EXPECT_EQ(reply["result"]["console"], dir + "/console.sock");
    EXPECT_EQ(reply["result"]["pid"].get<int>(), ::getpid());
}

TEST_F(ControlChannelTest, LifecycleOpsCallDomainControl)
{
    EXPECT_CALL(domain, request_shutdown()).WillOnce(Return(Status {}));
    EXPECT_CALL(domain, request_reboot()).WillOnce(Return(Status {}));
    EXPECT_CALL(domain, destroy()).WillOnce(Return(Status {}));
    EXPECT_CALL(domain, pause()).WillOnce(Return(Status {}));
    EXPECT_CALL(domain, unpause()).WillOnce(Return(Status {}));
    for (auto op : { "shutdown", "reboot", "destroy", "pause", "unpause" })
        EXPECT_TRUE(call(fmt::format(R"({{"version":1,"op":"{}"}})", op))["ok"].get<bool>()) << op;
}

TEST_F(ControlChannelTest, DomainErrorIsReportedVerbatim)
{
    EXPECT_CALL(domain, pause()).WillOnce(Return(std::unexpected(Error("domain is already paused"))));
    auto reply = call(R"({"version":1,"op":"pause"})");
    EXPECT_FALSE(reply["ok"].get<bool>());
    EXPECT_EQ(reply["error"], "domain is already paused");
}

TEST_F(ControlChannelTest, MemSetPassesMiB)
{
    EXPECT_CALL(domain, set_memory_target(96)).WillOnce(Return(Status {}));
    EXPECT_TRUE(call(R"({"version":1,"op":"mem-set","mib":96})")["ok"].get<bool>());
}

TEST_F(ControlChannelTest, MemSetRejectsNegativeZeroAndStrings)
{
    for (auto arg : { "-5", "0", "\"96\"", "1.5" })
        EXPECT_FALSE(call(fmt::format(R"({{"version":1,"op":"mem-set","mib":{}}})", arg))["ok"].get<bool>()) << arg;
}

TEST_F(ControlChannelTest, VcpuSetBounds)
{
    EXPECT_CALL(domain, set_online_vcpus(2)).WillOnce(Return(Status {}));
    EXPECT_TRUE(call(R"({"version":1,"op":"vcpu-set","count":2})")["ok"].get<bool>());
    EXPECT_FALSE(call(R"({"version":1,"op":"vcpu-set","count":0})")["ok"].get<bool>());
    EXPECT_FALSE(call(R"({"version":1,"op":"vcpu-set","count":100000})")["ok"].get<bool>());
}

TEST_F(ControlChannelTest, VcpuPinValidatesCpuList)
{
    EXPECT_CALL(domain, pin_vcpu(1, std::vector<int> { 0, 1 })).WillOnce(Return(Status {}));
    EXPECT_TRUE(call(R"({"version":1,"op":"vcpu-pin","vcpu":1,"cpus":[0,1]})")["ok"].get<bool>());
    EXPECT_FALSE(call(R"({"version":1,"op":"vcpu-pin","vcpu":1,"cpus":[-1]})")["ok"].get<bool>());
    EXPECT_FALSE(call(R"({"version":1,"op":"vcpu-pin","vcpu":1,"cpus":"0-1"})")["ok"].get<bool>());
}

TEST_F(ControlChannelTest, SysrqNeedsOneCharacter)
{
    EXPECT_CALL(domain, sysrq('s')).WillOnce(Return(Status {}));
    EXPECT_TRUE(call(R"({"version":1,"op":"sysrq","key":"s"})")["ok"].get<bool>());
    EXPECT_FALSE(call(R"({"version":1,"op":"sysrq","key":"sb"})")["ok"].get<bool>());
    EXPECT_FALSE(call(R"({"version":1,"op":"sysrq","key":" "})")["ok"].get<bool>()) << "not a printable key";
    EXPECT_FALSE(call(R"({"version":1,"op":"sysrq","key":"\n"})")["ok"].get<bool>());
}

TEST_F(ControlChannelTest, MalformedRequestsGetErrors)
{
    EXPECT_FALSE(call("not json")["ok"].get<bool>());
    EXPECT_FALSE(call("[1,2]")["ok"].get<bool>());
    EXPECT_FALSE(call(R"({"op":"status"})")["ok"].get<bool>());
    EXPECT_FALSE(call(R"({"version":2,"op":"status"})")["ok"].get<bool>());
    auto reply = call(R"({"version":1,"op":"format-disk"})");
    EXPECT_FALSE(reply["ok"].get<bool>());
    EXPECT_NE(reply["error"].get<std::string>().find("format-disk"), std::string::npos);
}

TEST_F(ControlChannelTest, ServesRequestsOverTheSocket)
{
    loop->start();
    EXPECT_CALL(domain, destroy()).WillOnce(Return(Status {}));
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, (dir + "/control.sock").c_str());
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    std::string two = "{\"version\":1,\"op\":\"identify\"}\n{\"version\":1,\"op\":\"destroy\"}\n";
    ASSERT_EQ(::write(fd, two.data(), two.size()), ssize_t(two.size()));
    std::string got;
    while (std::count(got.begin(), got.end(), '\n') < 2) {
        pollfd p { fd, POLLIN, 0 };
        ASSERT_GT(::poll(&p, 1, 2000), 0);
        char buf[1024];
        ssize_t n = ::read(fd, buf, sizeof(buf));
        ASSERT_GT(n, 0);
        got.append(buf, size_t(n));
    }
    auto first = nlohmann::json::parse(got.substr(0, got.find('\n')));
    EXPECT_EQ(first["result"]["name"], "guest1");
    ::close(fd);
}

// vcpu-set waits for the guest agent; meanwhile the I/O thread keeps answering other requests.
TEST_F(ControlChannelTest, SlowVcpuSetDoesNotBlockOtherRequests)
{
    loop->start();
    std::atomic<bool> release { false };
    struct Release {
        std::atomic<bool>& flag;
        ~Release() { flag = true; } // an early ASSERT must not leave the worker waiting
    } release_on_exit { release };
    EXPECT_CALL(domain, set_online_vcpus(3)).WillOnce([&](unsigned) -> Status {
        while (!release)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return fail("domain guest1: the guest said no");
    });
    EXPECT_CALL(domain, status()).WillOnce(Return(DomainStatus {}));
    auto connect = [&] {
        int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr {};
        addr.sun_family = AF_UNIX;
        std::strcpy(addr.sun_path, (dir + "/control.sock").c_str());
        EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
        return fd;
    };
    auto read_line = [](int fd, int timeout_ms) -> std::string {
        std::string got;
        while (got.find('\n') == std::string::npos) {
            pollfd p { fd, POLLIN, 0 };
            if (::poll(&p, 1, timeout_ms) <= 0)
                return "";
            char buf[1024];
            ssize_t n = ::read(fd, buf, sizeof(buf));
            if (n <= 0)
                return "";
            got.append(buf, size_t(n));
        }
        return got;
    };
    int slow = connect();
    std::string set = "{\"version\":1,\"op\":\"vcpu-set\",\"count\":3}\n";
    ASSERT_EQ(::write(slow, set.data(), set.size()), ssize_t(set.size()));
    int quick = connect();
    std::string status = "{\"version\":1,\"op\":\"status\"}\n";
    ASSERT_EQ(::write(quick, status.data(), status.size()), ssize_t(status.size()));
    auto status_reply = read_line(quick, 2000);
    ASSERT_FALSE(status_reply.empty()) << "status was not answered while vcpu-set waited";
    EXPECT_TRUE(nlohmann::json::parse(status_reply)["ok"].get<bool>());
    release = true;
    auto set_reply = nlohmann::json::parse(read_line(slow, 2000));
    EXPECT_FALSE(set_reply["ok"].get<bool>());
    EXPECT_EQ(set_reply["error"], "domain guest1: the guest said no");
    ::close(slow);
    ::close(quick);
}
