// Xend stays responsive while a request waits on a guest: a real xend loop on its API socket,
// a fake running domain (a `sleep` standing in for the monitor, and a control socket served by
// this test that holds vcpu-set unanswered), and several xm-like clients at once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <future>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "base/unix_socket.h"
#include "toolstack/config/config_json.h"
#include "toolstack/xend/domain_store.h"
#include "toolstack/xend/line_client.h"
#include "toolstack/xend/vm_launcher.h"
#include "toolstack/xend/xend.h"
#include "xend/xend_in_process.h"

using namespace xenith;
using namespace std::chrono_literals;
using Json = nlohmann::json;
using ::testing::HasSubstr;

namespace {

// A domain's control socket that answers identify and status at once, holds vcpu-set until
// release() (or forever), and on destroy answers and then ends the "domain" (kills the monitor).
class FakeControlSocket {
public:
    FakeControlSocket(std::string path, std::string name, pid_t monitor)
        : m_name(std::move(name))
        , m_monitor(monitor)
        , m_wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
    {
        auto listener = listen_unix_socket(path, "fake control socket", 8);
        EXPECT_TRUE(listener) << listener.error().message();
        if (listener)
            m_listener = std::move(*listener);
        m_thread = std::thread([this] { serve(); });
    }
    ~FakeControlSocket()
    {
        m_stop = true;
        wake();
        m_thread.join();
    }
    void release()
    {
        m_release = true;
        wake();
    }
    int vcpu_sets_seen() const { return m_vcpu_sets; }

private:
    void wake()
    {
        uint64_t one = 1;
        (void)!::write(m_wake.get(), &one, sizeof(one));
    }

    void serve()
    {
        std::map<int, std::pair<UniqueFd, std::string>> connections;
        std::vector<int> held; // connections with a vcpu-set awaiting its answer
        while (!m_stop) {
            std::vector<pollfd> fds { { m_wake.get(), POLLIN, 0 }, { m_listener.get(), POLLIN, 0 } };
            for (auto const& [fd, c] : connections)
                fds.push_back({ fd, POLLIN, 0 });
            if (::poll(fds.data(), fds.size(), 1000) <= 0)
                continue;
            uint64_t value;
            (void)!::read(m_wake.get(), &value, sizeof(value));
            if (m_release) {
                for (int fd : held)
                    if (connections.contains(fd))
                        send_line(fd, R"({"ok":true,"result":{}})");
                held.clear();
            }
            if (fds[1].revents) {
                UniqueFd fd(::accept4(m_listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
                if (fd) {
                    int raw = fd.get();
                    connections[raw] = std::make_pair(std::move(fd), std::string());
                }
            }
            for (size_t i = 2; i < fds.size(); ++i) {
                if (!fds[i].revents)
                    continue;
                int fd = fds[i].fd;
                char buffer[4096];
                ssize_t n = ::recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT);
                if (n <= 0) {
                    connections.erase(fd);
                    std::erase(held, fd);
                    continue;
                }
                auto& input = connections[fd].second;
                input.append(buffer, size_t(n));
                size_t newline = input.find('\n');
                if (newline == std::string::npos)
                    continue;
                auto request = Json::parse(input.substr(0, newline), nullptr, false);
                input.erase(0, newline + 1);
                std::string op = request.is_object() ? request.value("op", std::string()) : std::string();
                if (op == "identify") {
                    send_line(fd, Json { { "ok", true }, { "result", { { "name", m_name } } } }.dump());
                } else if (op == "vcpu-set") {
                    ++m_vcpu_sets;
                    if (m_release)
                        send_line(fd, R"({"ok":true,"result":{}})");
                    else
                        held.push_back(fd);
                } else if (op == "destroy") {
                    send_line(fd, R"({"ok":true,"result":{}})");
                    ::kill(m_monitor, SIGKILL);
                } else {
                    send_line(fd, R"({"ok":true,"result":{"state":"running"}})");
                }
            }
        }
    }

    static void send_line(int fd, std::string const& line)
    {
        std::string text = line + "\n";
        (void)!::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
    }

    std::string m_name;
    pid_t m_monitor;
    UniqueFd m_wake;
    UniqueFd m_listener;
    std::atomic<bool> m_stop { false };
    std::atomic<bool> m_release { false };
    std::atomic<int> m_vcpu_sets { 0 };
    std::thread m_thread;
};

class XendAsyncTest : public XendInProcess {
protected:
    void TearDown() override
    {
        stop_loop();
        m_control.reset();
        if (m_monitor > 0) {
            ::kill(m_monitor, SIGKILL);
            ::waitpid(m_monitor, nullptr, 0);
        }
        XendInProcess::TearDown();
    }

    // A running domain "web" as an earlier xend left it: the loop re-adopts it at start-up.
    void add_running_domain()
    {
        m_monitor = ::fork();
        ASSERT_GE(m_monitor, 0);
        if (m_monitor == 0) {
            ::execl("/bin/sleep", "sleep", "600", static_cast<char*>(nullptr));
            ::_exit(127);
        }
        DomainRecord r;
        r.id = 5;
        r.name = "web";
        r.config.name = "web";
        r.config.kernel = "/nope/Image";
        r.config.vcpus = 1;
        r.config.maxvcpus = 2;
        r.config.on_crash = LifecycleAction::Destroy;
        r.phase = DomainPhase::Running;
        r.ram_mib = r.config.memory_mib; // booted with memory = 128 and no maxmem
        r.monitor_pid = r.vm_pid = m_monitor;
        for (int i = 0; i < 100 && r.monitor_start == 0; ++i) {
            r.monitor_start = process_start_ticks(m_monitor);
            std::this_thread::sleep_for(10ms);
        }
        r.run_dir = dir + "/run/domains/5";
        r.control_path = r.run_dir + "/control.sock";
        DomainStore store(dir + "/state", dir + "/run");
        ASSERT_TRUE(store.prepare());
        ASSERT_TRUE(store.save_running(r));
        ::mkdir(r.run_dir.c_str(), 0700);
        m_control = std::make_unique<FakeControlSocket>(r.control_path, r.name, m_monitor);
    }

    // xend's own loop, as `xend --foreground` runs it; stopped with SIGTERM to its thread.
    void run_loop()
    {
        start();
        m_loop = std::thread([this] { m_status = xend->run(); });
    }
    void stop_loop()
    {
        if (!m_loop.joinable())
            return;
        ::pthread_kill(m_loop.native_handle(), SIGTERM);
        m_loop.join();
        EXPECT_TRUE(m_status) << m_status.error().message();
    }

    Json request(Json r, std::chrono::milliseconds timeout = 10s)
    {
        r["version"] = 1;
        auto client = LineClient::connect(options.socket_path);
        EXPECT_TRUE(client) << client.error().message();
        if (!client)
            return Json();
        auto reply = client->call_json(r, timeout);
        EXPECT_TRUE(reply) << reply.error().message();
        return reply ? *reply : Json();
    }
    std::future<Json> request_async(Json r) { return std::async(std::launch::async, [this, r] { return request(r, 30s); }); }

    // Until the fake domain has seen `n` vcpu-set requests: the first client's is then pending.
    void wait_for_vcpu_sets(int n)
    {
        for (int i = 0; i < 500 && m_control->vcpu_sets_seen() < n; ++i)
            std::this_thread::sleep_for(10ms);
        ASSERT_EQ(m_control->vcpu_sets_seen(), n);
    }

    pid_t m_monitor { 0 };
    std::unique_ptr<FakeControlSocket> m_control;
    std::thread m_loop;
    Status m_status;
};

} // namespace

TEST_F(XendAsyncTest, OtherClientsAreAnsweredWhileVcpuSetWaitsOnTheGuest)
{
    add_running_domain();
    run_loop();
    auto vcpu_set = request_async({ { "op", "vcpu-set" }, { "domain", "web" }, { "count", 2 } });
    wait_for_vcpu_sets(1);

    auto before = std::chrono::steady_clock::now();
    auto listed = request({ { "op", "list" } }, 5s);
    ASSERT_TRUE(listed["ok"].get<bool>()) << listed.dump();
    EXPECT_EQ(listed["result"]["domains"].size(), 2u);
    EXPECT_EQ(listed["result"]["domains"][1]["name"], "web");
    auto console = request({ { "op", "console" }, { "domain", "web" } }, 5s);
    EXPECT_TRUE(console["ok"].get<bool>()) << console.dump();
    EXPECT_LT(std::chrono::steady_clock::now() - before, 3s);

    // A second operation on the same domain is refused, in one line, not queued behind it.
    auto second = request({ { "op", "pause" }, { "domain", "web" } }, 5s);
    EXPECT_FALSE(second["ok"].get<bool>());
    EXPECT_THAT(second["error"].get<std::string>(), HasSubstr("Domain 'web' is busy: vcpu-set is in progress"));

    EXPECT_EQ(vcpu_set.wait_for(0s), std::future_status::timeout); // still waiting on the guest
    m_control->release();
    auto reply = vcpu_set.get();
    ASSERT_TRUE(reply["ok"].get<bool>()) << reply.dump();
    auto after = request({ { "op", "list" }, { "domains", { "web" } }, { "long", true } });
    EXPECT_EQ(after["result"]["domains"][0]["config"]["vcpus"], 2);
    // And the domain is free again.
    EXPECT_TRUE(request({ { "op", "pause" }, { "domain", "web" } })["ok"].get<bool>());
}

TEST_F(XendAsyncTest, DomainThatExitsDuringAPendingRequestFailsIt)
{
    add_running_domain();
    run_loop();
    auto vcpu_set = request_async({ { "op", "vcpu-set" }, { "domain", "web" }, { "count", 2 } });
    wait_for_vcpu_sets(1);
    ::kill(m_monitor, SIGKILL); // the domain's process ends; the guest never answers

    ASSERT_EQ(vcpu_set.wait_for(10s), std::future_status::ready);
    auto reply = vcpu_set.get();
    EXPECT_FALSE(reply["ok"].get<bool>());
    EXPECT_THAT(reply["error"].get<std::string>(), HasSubstr("Domain 'web' ended"));
    EXPECT_THAT(reply["error"].get<std::string>(), HasSubstr("while vcpu-set was in progress"));
    // on_crash=destroy was carried out meanwhile.
    EXPECT_EQ(request({ { "op", "list" } })["result"]["domains"].size(), 1u);
}

TEST_F(XendAsyncTest, DestroyOverridesAPendingVcpuSet)
{
    add_running_domain();
    run_loop();
    auto vcpu_set = request_async({ { "op", "vcpu-set" }, { "domain", "web" }, { "count", 2 } });
    wait_for_vcpu_sets(1);

    auto destroyed = request({ { "op", "destroy" }, { "domain", "web" } });
    EXPECT_TRUE(destroyed["ok"].get<bool>()) << destroyed.dump();
    ASSERT_EQ(vcpu_set.wait_for(10s), std::future_status::ready);
    auto reply = vcpu_set.get();
    EXPECT_FALSE(reply["ok"].get<bool>());
    EXPECT_THAT(reply["error"].get<std::string>(), HasSubstr("while vcpu-set was in progress"));
    EXPECT_EQ(request({ { "op", "list" } })["result"]["domains"].size(), 1u);
}

TEST_F(XendAsyncTest, AClientThatHalfClosesStillGetsItsLateReply)
{
    add_running_domain();
    run_loop();
    auto client = LineClient::connect(options.socket_path);
    ASSERT_TRUE(client) << client.error().message();
    std::string line = R"({"version":1,"op":"vcpu-set","domain":"web","count":2})" "\n";
    ASSERT_EQ(::send(client->fd(), line.data(), line.size(), MSG_NOSIGNAL), ssize_t(line.size()));
    ::shutdown(client->fd(), SHUT_WR); // as `socat` or `nc -N` do after the request
    wait_for_vcpu_sets(1);
    std::this_thread::sleep_for(100ms); // xend has seen the EOF by now
    m_control->release();
    pollfd p { client->fd(), POLLIN, 0 };
    ASSERT_EQ(::poll(&p, 1, 10000), 1);
    char buffer[4096];
    ssize_t n = ::recv(client->fd(), buffer, sizeof(buffer), 0);
    ASSERT_GT(n, 0);
    auto reply = Json::parse(std::string(buffer, size_t(n)), nullptr, false);
    EXPECT_TRUE(reply.value("ok", false)) << std::string(buffer, size_t(n));
}

TEST_F(XendAsyncTest, ADomainThatNeverAnswersBlocksNeitherListNorItsDestroy)
{
    // A "xenith-vm" that starts and then never opens its control socket.
    std::string vm = dir + "/vm-silent.sh";
    std::ofstream(vm) << "#!/bin/sh\nexec sleep 600\n";
    ::chmod(vm.c_str(), 0755);
    options.vm_binary = vm;
    run_loop();
    DomainConfig config;
    config.name = "mute";
    config.kernel = "/nope/Image";
    config.memory_mib = 64;
    auto create = request_async({ { "op", "create" }, { "config", to_json(config) } });

    Json listed;
    for (int i = 0; i < 100; ++i) { // until the create has registered the domain
        listed = request({ { "op", "list" } }, 5s);
        if (listed["result"]["domains"].size() == 2)
            break;
        std::this_thread::sleep_for(20ms);
    }
    ASSERT_EQ(listed["result"]["domains"].size(), 2u) << listed.dump();
    EXPECT_EQ(listed["result"]["domains"][1]["name"], "mute");
    EXPECT_EQ(create.wait_for(0s), std::future_status::timeout); // still waiting for the socket

    auto destroyed = request({ { "op", "destroy" }, { "domain", "mute" } });
    EXPECT_TRUE(destroyed["ok"].get<bool>()) << destroyed.dump();
    ASSERT_EQ(create.wait_for(10s), std::future_status::ready);
    auto reply = create.get();
    EXPECT_FALSE(reply["ok"].get<bool>());
    EXPECT_THAT(reply["error"].get<std::string>(), HasSubstr("Domain 'mute' was destroyed while it was starting"));
    EXPECT_EQ(request({ { "op", "list" } })["result"]["domains"].size(), 1u);
}

// A domain booted with 128 MiB has 128 MiB of RAM until it restarts: mem-max 200 is kept for the
// next boot and says so; mem-set above the RAM names that ceiling, not "raise maxmem".
TEST_F(XendAsyncTest, MemMaxAboveTheBootedRamTakesEffectAtTheNextBootAndMemSetNamesTheCeiling)
{
    add_running_domain();
    run_loop();
    auto set = request({ { "op", "mem-set" }, { "domain", "web" }, { "mib", 150 } });
    ASSERT_FALSE(set["ok"].get<bool>());
    EXPECT_EQ(set["error"], "memory 150 MiB is more than domain 'web' can have until it restarts: it booted with 128 MiB of RAM "
                            "(a higher maxmem, 'xm mem-max web 150', takes effect at its next boot)");

    auto max = request({ { "op", "mem-max" }, { "domain", "web" }, { "mib", 200 } });
    ASSERT_TRUE(max["ok"].get<bool>()) << max.dump();
    EXPECT_EQ(max["result"]["note"], "domain 'web' has 128 MiB of RAM until it restarts: maxmem 200 MiB takes effect at its next "
                                     "boot; until then 'xm mem-set' can give it at most 128 MiB");

    set = request({ { "op", "mem-set" }, { "domain", "web" }, { "mib", 150 } });
    ASSERT_FALSE(set["ok"].get<bool>());
    EXPECT_EQ(set["error"], "memory 150 MiB is more than domain 'web' can have until it restarts: it booted with 128 MiB of RAM "
                            "(its maxmem of 200 MiB takes effect at its next boot)");
    EXPECT_TRUE(request({ { "op", "mem-set" }, { "domain", "web" }, { "mib", 100 } })["ok"].get<bool>());

    // Within the RAM, mem-max takes effect at once: no note.
    max = request({ { "op", "mem-max" }, { "domain", "web" }, { "mib", 120 } });
    ASSERT_TRUE(max["ok"].get<bool>()) << max.dump();
    EXPECT_FALSE(max["result"].contains("note"));
    set = request({ { "op", "mem-set" }, { "domain", "web" }, { "mib", 125 } });
    ASSERT_FALSE(set["ok"].get<bool>());
    EXPECT_EQ(set["error"], "memory 125 MiB is outside 1..120 MiB, the maximum of domain 'web' (raise it with 'xm mem-max', up to "
                            "the 128 MiB of RAM it booted with)");
}
