// GuestAgent tests: the tagged line protocol against a scripted guest, and through a real
// virtio-console in fake guest memory.
#include <gtest/gtest.h>

#include <thread>

#include "engine/dev/virtio/virtio_console.h"
#include "engine/domain/guest_agent.h"
#include "virtio/virtio_console_guest.h"
#include "virtio/virtio_test_driver.h"

namespace xenith::test {
namespace {

using namespace std::chrono_literals;

std::span<uint8_t const> bytes(std::string const& s) { return std::span(reinterpret_cast<uint8_t const*>(s.data()), s.size()); }

// A guest that answers each request line with what `respond` returns ("" = stay silent).
// Answers are written back synchronously, as a vCPU thread would while the host waits.
struct ScriptedGuest {
    explicit ScriptedGuest(GuestAgent& agent)
        : agent(agent)
    {
        agent.set_input_handler([this](std::span<uint8_t const> in) {
            received.append(in.begin(), in.end());
            size_t nl;
            while ((nl = received.find('\n')) != std::string::npos) {
                std::string line = received.substr(0, nl);
                received.erase(0, nl + 1);
                requests.push_back(line);
                std::string tag = line.substr(0, line.find(' '));
                std::string request = line.substr(line.find(' ') + 1);
                std::string out = respond(tag, request);
                if (!out.empty())
                    this->agent.write(bytes(out));
            }
        });
    }

    GuestAgent& agent;
    std::function<std::string(std::string const& tag, std::string const& request)> respond;
    std::string received;
    std::vector<std::string> requests;
};

GuestAgent::Timeouts fast { 100ms, 200ms };

class NullConsole final : public CharBackend {
public:
    void write(std::span<uint8_t const>) override { }
    void set_input_handler(InputHandler) override { }
};

std::string ping_ok(std::string const& tag) { return tag + " ok agent=1\n"; }

TEST(GuestAgent, PingsThenSendsTheRequestAndReturnsTheAnswer)
{
    GuestAgent agent("web", fast);
    ScriptedGuest guest(agent);
    guest.respond = [](std::string const& tag, std::string const& request) {
        return request == "ping" ? ping_ok(tag) : tag + " ok online=0-1\n";
    };
    auto answer = agent.call("vcpu-set 2");
    ASSERT_TRUE(answer) << answer.error().message();
    EXPECT_EQ(*answer, "ok online=0-1");
    ASSERT_EQ(guest.requests.size(), 2u);
    EXPECT_EQ(guest.requests[0], "1 ping");
    EXPECT_EQ(guest.requests[1], "2 vcpu-set 2");
}

TEST(GuestAgent, SysrqSendsTheKeyToTheAgent)
{
    GuestAgent agent("web", fast);
    ScriptedGuest guest(agent);
    guest.respond = [](std::string const& tag, std::string const& request) {
        return request == "ping" ? ping_ok(tag) : tag + " ok\n";
    };
    auto sent = agent.sysrq('w');
    ASSERT_TRUE(sent) << sent.error().message();
    ASSERT_EQ(guest.requests.size(), 2u);
    EXPECT_EQ(guest.requests[1], "2 sysrq w");
}

TEST(GuestAgent, SysrqRefusedByTheGuestOrNotAKeyIsAnError)
{
    GuestAgent agent("web", fast);
    ScriptedGuest guest(agent);
    guest.respond = [](std::string const& tag, std::string const& request) {
        return request == "ping" ? ping_ok(tag) : tag + " error /proc/sysrq-trigger is not writable\n";
    };
    auto refused = agent.sysrq('h');
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().message(), "domain web: sysrq h: the guest agent answered: /proc/sysrq-trigger is not writable");
    guest.requests.clear();
    EXPECT_FALSE(agent.sysrq('\n'));
    EXPECT_FALSE(agent.sysrq(' '));
    EXPECT_TRUE(guest.requests.empty()) << "an invalid key never reaches the guest";
}

TEST(GuestAgent, NoAgentFailsNamingDomainChannelAndWhatIsNeeded)
{
    GuestAgent agent("web", fast);
    ScriptedGuest guest(agent);
    guest.respond = [](std::string const&, std::string const&) { return std::string(); };
    auto answer = agent.set_online_vcpus(2, 4);
    ASSERT_FALSE(answer);
    EXPECT_EQ(answer.error().message(), "domain web: no guest agent answered on virtio-console port org.xenith.agent within 0.1 s; vcpu-set needs the xenith "
                                        "guest agent (/etc/xenith/agent in the guest kit) running in the guest");
    // The request itself never went out: it cannot take effect later.
    ASSERT_EQ(guest.requests.size(), 1u);
    EXPECT_EQ(guest.requests[0], "1 ping");
}

TEST(GuestAgent, UnansweredRequestTimesOut)
{
    GuestAgent agent("web", fast);
    ScriptedGuest guest(agent);
    guest.respond = [](std::string const& tag, std::string const& request) { return request == "ping" ? ping_ok(tag) : ""; };
    auto answer = agent.call("vcpu-set 3");
    ASSERT_FALSE(answer);
    EXPECT_EQ(answer.error().message(), "domain web: the guest agent did not finish 'vcpu-set 3' within 0.2 s");
}

TEST(GuestAgent, IgnoresEchoStaleTagsAndNoise)
{
    GuestAgent agent("web", fast);
    ScriptedGuest guest(agent);
    guest.respond = [](std::string const& tag, std::string const& request) {
        if (request == "ping")
            return ping_ok(tag);
        // An echo of the request, an answer to an older request, noise, then the answer.
        return tag + " " + request + "\n" + "1 ok online=0-7\nlogin: \n\n" + tag + "x ok\n" + tag + " okay\n" + tag + " ok online=0\n";
    };
    auto answer = agent.call("vcpu-set 1");
    ASSERT_TRUE(answer) << answer.error().message();
    EXPECT_EQ(*answer, "ok online=0");
}

TEST(GuestAgent, AnswerSplitAcrossWritesWithCrLf)
{
    GuestAgent agent("web", fast);
    agent.set_input_handler([&](std::span<uint8_t const> in) {
        std::string line(in.begin(), in.end());
        std::string tag = line.substr(0, line.find(' '));
        std::string answer = line.find("ping") != std::string::npos ? tag + " ok agent=1\r\n" : tag + " error cpu3: busy\r\n";
        for (char c : answer)
            agent.write(std::span(reinterpret_cast<uint8_t const*>(&c), 1));
    });
    auto answer = agent.call("vcpu-set 2");
    ASSERT_TRUE(answer) << answer.error().message();
    EXPECT_EQ(*answer, "error cpu3: busy");
}

TEST(GuestAgent, OverlongGuestLineIsCut)
{
    GuestAgent agent("web", fast);
    ScriptedGuest guest(agent);
    guest.respond = [](std::string const& tag, std::string const& request) {
        return request == "ping" ? ping_ok(tag) : tag + " error " + std::string(1 << 20, 'x') + "\n";
    };
    auto answer = agent.call("vcpu-set 2");
    ASSERT_TRUE(answer) << answer.error().message();
    EXPECT_EQ(answer->size(), GuestAgent::max_line - 2); // "N " of the tag is part of the line
}

TEST(GuestAgent, ShutdownWakesAWaitingCaller)
{
    GuestAgent agent("web", { 10s, 10s });
    ScriptedGuest guest(agent);
    guest.respond = [](std::string const&, std::string const&) { return std::string(); };
    std::thread stopper([&] {
        std::this_thread::sleep_for(50ms);
        agent.shutdown();
    });
    auto start = std::chrono::steady_clock::now();
    auto answer = agent.call("vcpu-set 2");
    stopper.join();
    ASSERT_FALSE(answer);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    EXPECT_NE(answer.error().message().find("shutting down"), std::string::npos) << answer.error().message();
    EXPECT_FALSE(agent.call("ping"));
}

TEST(GuestAgent, VcpuSetRangeIsCheckedBeforeAskingTheGuest)
{
    GuestAgent agent("web", fast);
    ScriptedGuest guest(agent);
    guest.respond = [](std::string const& tag, std::string const&) { return ping_ok(tag); };
    auto zero = agent.set_online_vcpus(0, 4);
    ASSERT_FALSE(zero);
    EXPECT_EQ(zero.error().message(), "domain web: vcpu-set 0: a domain needs at least one vCPU");
    auto five = agent.set_online_vcpus(5, 4);
    ASSERT_FALSE(five);
    EXPECT_EQ(five.error().message(), "domain web: vcpu-set 5: the domain has maxvcpus 4; raise maxvcpus in its config and restart it for more");
    EXPECT_TRUE(guest.requests.empty());
}

TEST(GuestAgent, VcpuSetChecksTheGuestsOnlineList)
{
    GuestAgent agent("web", fast);
    ScriptedGuest guest(agent);
    std::string reply;
    guest.respond = [&](std::string const& tag, std::string const& request) { return request == "ping" ? ping_ok(tag) : tag + " " + reply + "\n"; };

    reply = "ok online=0-3";
    auto ok = agent.set_online_vcpus(4, 4);
    ASSERT_TRUE(ok) << ok.error().message();
    EXPECT_EQ(*ok, "0-3");

    reply = "ok online=0-2";
    auto short_of = agent.set_online_vcpus(2, 4);
    ASSERT_FALSE(short_of);
    EXPECT_EQ(short_of.error().message(), "domain web: vcpu-set 2: the guest reports vCPUs 0-2 online instead of 0-1");

    reply = "error cpu1: writing 0 to online failed";
    auto refused = agent.set_online_vcpus(1, 4);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().message(), "domain web: vcpu-set 1: the guest agent answered: cpu1: writing 0 to online failed");

    reply = "ok online=zz";
    EXPECT_FALSE(agent.set_online_vcpus(1, 4));
    reply = "ok";
    EXPECT_FALSE(agent.set_online_vcpus(1, 4));
}

TEST(CpuList, ParsesLinuxLists)
{
    EXPECT_EQ(parse_cpu_list("0"), std::vector<unsigned>({ 0 }));
    EXPECT_EQ(parse_cpu_list("0-3"), std::vector<unsigned>({ 0, 1, 2, 3 }));
    EXPECT_EQ(parse_cpu_list("0-1,3"), std::vector<unsigned>({ 0, 1, 3 }));
    EXPECT_EQ(parse_cpu_list(""), std::vector<unsigned>());
    for (char const* bad : { "a", "3-1", "0-", "-1", "0,,1", "1,", "99999", "0-99999" })
        EXPECT_FALSE(parse_cpu_list(bad)) << bad;
}

// A GuestAgent on port 1 of a multiport virtio-console, driven as Linux drives it.
struct AgentOnVirtioConsole {
    explicit AgentOnVirtioConsole(GuestAgentTimeouts timeouts)
        : agent("web", timeouts)
        , device(VirtioSlot { 0x10008000, 8, irq }, memory.memory(), console, { { std::string(GuestAgent::port_name), &agent } })
        , driver(device, memory)
        , control(driver)
    {
        device.attach_input(GuestAgent::port);
        driver.init(TestDriver::all_ring_features | virtio::console::f_multiport, 6);
        control.post(8);
    }

    TestGuest memory;
    TestIrq irq;
    GuestAgent agent;
    NullConsole console;
    VirtioConsole device;
    TestDriver driver;
    ConsoleControl control;
};

// The agent behind a real virtio-console: requests arrive in the guest's receive buffers, the
// guest's answer leaves through the transmit queue, as in a domain.
TEST(GuestAgent, ThroughTheNamedVirtioConsolePort)
{
    AgentOnVirtioConsole env({ 2s, 2s });
    auto& [memory, irq, agent, console, device, driver, control] = env;
    // Linux's handshake, then the agent opens /dev/vportNp1.
    auto msgs = control.handshake();
    bool named = false;
    for (auto const& m : msgs)
        named |= m.event == virtio::console::Event::PortName && m.id == GuestAgent::port && m.payload == GuestAgent::port_name;
    EXPECT_TRUE(named);
    control.send(GuestAgent::port, virtio::console::Event::PortOpen, 1);
    TestQueue& rx = driver.queue(4);
    TestQueue& tx = driver.queue(5);

    std::atomic<bool> stop { false };
    std::thread guest([&] {
        // The "guest": post receive buffers, answer each line it finds.
        uint16_t seen = 0;
        char* buffers[16];
        for (auto& b : buffers)
            DescriptorChainBuilder(rx).AppendWritableDescriptor(&b, 64).Build();
        driver.notify(4);
        while (!stop) {
            if (rx.used_idx() == seen) {
                std::this_thread::sleep_for(1ms);
                continue;
            }
            auto used = rx.used(seen);
            std::string line(buffers[seen % 16], used.len);
            ++seen;
            std::string tag = line.substr(0, line.find(' '));
            std::string answer = line.find("ping") != std::string::npos ? tag + " ok agent=1\n" : tag + " ok online=0-2\n";
            DescriptorChainBuilder(tx).AppendReadableDescriptor(answer.data(), answer.size()).Build();
            driver.notify(5);
        }
    });
    auto answer = agent.set_online_vcpus(3, 4);
    stop = true;
    guest.join();
    ASSERT_TRUE(answer) << answer.error().message();
    EXPECT_EQ(*answer, "0-2");
    EXPECT_EQ(tx.used_idx(), 2);
}

TEST(GuestAgent, RequestsWaitWhileTheGuestHasNotOpenedThePort)
{
    AgentOnVirtioConsole env({ 100ms, 100ms });
    auto& [memory, irq, agent, console, device, driver, control] = env;
    control.handshake();
    char* buf;
    DescriptorChainBuilder(driver.queue(4)).AppendWritableDescriptor(&buf, 64).Build();
    driver.notify(4);
    auto answer = agent.call("vcpu-set 1");
    ASSERT_FALSE(answer);
    EXPECT_NE(answer.error().message().find("no guest agent answered"), std::string::npos);
    // The ping waits in the device, not in a buffer the guest would discard.
    EXPECT_EQ(driver.queue(4).used_idx(), 0);
    EXPECT_EQ(device.pending_input(GuestAgent::port), 7u); // "1 ping\n"
}

} // namespace
} // namespace xenith::test
