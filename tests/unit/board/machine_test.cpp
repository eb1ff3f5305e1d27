// Machine: SMP start through HSM, shutdown outcomes, destroy and pause, on real harts.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <sched.h>
#include <thread>

#include "board/test_images.h"
#include "engine/domain/guest_agent.h"
#include "engine/domain/machine.h"
#include "engine/io/char_backend.h"

namespace xenith {
namespace {

class NullBackend final : public CharBackend {
public:
    void write(std::span<uint8_t const>) override { }
    void set_input_handler(InputHandler) override { }
};

std::unique_ptr<Machine> make_machine(unsigned vcpus)
{
    board::BoardConfig config { 64, vcpus, board::BootMode::Pv };
    auto m = Machine::create(config, [](EventLoop&, std::function<void()>) -> Result<std::unique_ptr<CharBackend>> {
        return std::unique_ptr<CharBackend>(std::make_unique<NullBackend>());
    });
    EXPECT_TRUE(m) << m.error().message();
    return m ? std::move(*m) : nullptr;
}

board::BootImages hsm_images()
{
    board::BootImages images;
    images.kernel = board::KernelImage::parse(test::hsm_image(), "hsm").value();
    return images;
}

TEST(Machine, SecondaryStartedThroughHsmGetsHartidAndOpaqueAndPowersOff)
{
    auto m = make_machine(2);
    ASSERT_TRUE(m);
    ASSERT_TRUE(m->load(hsm_images()));
    MachineOutcome outcome = m->run();
    EXPECT_EQ(outcome.kind, MachineOutcome::Kind::Poweroff) << outcome.detail;
}

TEST(Machine, DestroyEndsAnIdleGuest)
{
    auto m = make_machine(1); // hart_start of hart 1 fails; hart 0 then idles in WFI
    ASSERT_TRUE(m);
    ASSERT_TRUE(m->load(hsm_images()));
    std::thread killer([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        auto state = m->status().state;
        EXPECT_TRUE(state == DomainRunState::Running || state == DomainRunState::Blocked);
        ASSERT_TRUE(m->pause());
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        EXPECT_EQ(m->status().state, DomainRunState::Paused);
        ASSERT_TRUE(m->unpause());
        ASSERT_TRUE(m->destroy());
    });
    MachineOutcome outcome = m->run();
    killer.join();
    EXPECT_EQ(outcome.kind, MachineOutcome::Kind::Destroyed);
}

TEST(Machine, AnIdleGuestIsBlockedAsInXen)
{
    auto m = make_machine(1); // hart 0 idles in WFI after its hart_start of hart 1 fails
    ASSERT_TRUE(m);
    ASSERT_TRUE(m->load(hsm_images()));
    std::thread checker([&] {
        using namespace std::chrono_literals;
        auto deadline = std::chrono::steady_clock::now() + 10s;
        DomainStatus s;
        do {
            std::this_thread::sleep_for(10ms);
            s = m->status();
        } while (!(s.vcpus.size() == 1 && s.vcpus[0].blocked) && std::chrono::steady_clock::now() < deadline);
        // EXPECT, not ASSERT: the thread must reach destroy() or run() never returns.
        EXPECT_TRUE(s.vcpus.size() == 1 && s.vcpus[0].blocked) << "an idle hart waits in WFI";
        EXPECT_EQ(s.state, DomainRunState::Blocked) << "xm list shows an idle domain as -b----";
        EXPECT_TRUE(m->pause());
        std::this_thread::sleep_for(20ms);
        EXPECT_EQ(m->status().state, DomainRunState::Paused);
        EXPECT_TRUE(m->destroy());
    });
    MachineOutcome outcome = m->run();
    checker.join();
    EXPECT_EQ(outcome.kind, MachineOutcome::Kind::Destroyed);
}

TEST(Machine, ShutdownRequestWithoutPowerKeyIsAClearError)
{
    auto m = make_machine(1);
    ASSERT_TRUE(m);
    auto s = m->request_shutdown();
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message().find("power-key"), std::string::npos);
    bool pressed = false;
    m->set_shutdown_button([&]() -> Status {
        pressed = true;
        return {};
    });
    EXPECT_TRUE(m->request_shutdown());
    EXPECT_TRUE(pressed);
}

TEST(Machine, RebootRequestPressesThePowerKeyAndThePoweroffEndsAsAReboot)
{
    auto m = make_machine(2); // powers off once its secondary has started
    ASSERT_TRUE(m);
    ASSERT_TRUE(m->load(hsm_images()));
    EXPECT_FALSE(m->request_reboot()) << "no power key yet";
    int presses = 0;
    m->set_shutdown_button([&]() -> Status {
        ++presses;
        return {};
    });
    ASSERT_TRUE(m->request_reboot());
    EXPECT_EQ(presses, 1);
    MachineOutcome outcome = m->run();
    EXPECT_EQ(outcome.kind, MachineOutcome::Kind::Reboot) << outcome.detail;
}

TEST(Machine, ShutdownAfterRebootRequestIsAPoweroffAgain)
{
    auto m = make_machine(2);
    ASSERT_TRUE(m);
    ASSERT_TRUE(m->load(hsm_images()));
    m->set_shutdown_button([]() -> Status { return {}; });
    ASSERT_TRUE(m->request_reboot());
    ASSERT_TRUE(m->request_shutdown());
    EXPECT_EQ(m->run().kind, MachineOutcome::Kind::Poweroff);
}

TEST(Machine, ShutdownRequestStaysPendingAndPressesAgainUntilTheDomainEnds)
{
    // A guest that ignores the power key (here: one idling in WFI), as Linux does until its
    // acpid runs: the request is not lost, the key is pressed again and again.
    using namespace std::chrono_literals;
    auto m = make_machine(1);
    ASSERT_TRUE(m);
    ASSERT_TRUE(m->load(hsm_images()));
    std::atomic<int> presses { 0 };
    m->set_shutdown_button(
        [&]() -> Status {
            ++presses;
            return {};
        },
        20ms);
    std::thread requester([&] {
        std::this_thread::sleep_for(50ms);
        EXPECT_TRUE(m->request_shutdown());
        EXPECT_EQ(m->status().shutdown_requested, ShutdownRequest::Poweroff);
        auto deadline = std::chrono::steady_clock::now() + 10s;
        while (presses < 4 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(5ms);
        EXPECT_GE(presses.load(), 4) << "the power key is pressed again while the request is pending";
        EXPECT_GE(m->status().shutdown_presses, 4u);
        EXPECT_TRUE(m->destroy());
    });
    MachineOutcome outcome = m->run();
    requester.join();
    EXPECT_EQ(outcome.kind, MachineOutcome::Kind::Destroyed);
    int after = presses;
    std::this_thread::sleep_for(60ms);
    EXPECT_EQ(presses.load(), after) << "no presses once the domain has ended";
}

TEST(Machine, NoShutdownRequestIsPendingUntilOneIsMade)
{
    auto m = make_machine(1);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->status().shutdown_requested, ShutdownRequest::None);
    m->set_shutdown_button([]() -> Status { return fail("the device is gone"); });
    EXPECT_FALSE(m->request_reboot());
    EXPECT_EQ(m->status().shutdown_requested, ShutdownRequest::None) << "a failed press leaves nothing pending";
}

TEST(Machine, StatusReportsVcpusAndMemory)
{
    auto m = make_machine(2);
    ASSERT_TRUE(m);
    ASSERT_TRUE(m->load(hsm_images()));
    auto s = m->status();
    EXPECT_EQ(s.memory_mib, 64u);
    ASSERT_EQ(s.vcpus.size(), 2u);
    EXPECT_TRUE(s.vcpus[0].online);
    EXPECT_FALSE(s.vcpus[1].online);
}

TEST(Machine, PinBeforeRunAppliesWhenTheThreadStartsAndCanChangeWhileRunning)
{
    cpu_set_t allowed;
    ASSERT_EQ(::sched_getaffinity(0, sizeof(allowed), &allowed), 0);
    int first = -1, last = -1;
    for (int c = 0; c < CPU_SETSIZE; ++c) {
        if (CPU_ISSET(c, &allowed)) {
            first = first < 0 ? c : first;
            last = c;
        }
    }
    auto m = make_machine(1); // hart 0 idles in WFI after its hart_start of hart 1 fails
    ASSERT_TRUE(m);
    ASSERT_TRUE(m->load(hsm_images()));
    // xend pins as soon as the control socket answers, which can be before run() made threads.
    ASSERT_TRUE(m->pin_vcpu(0, { last }));
    auto missing = m->pin_vcpu(1, { first });
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message(), "vcpu-pin: vCPU 1 does not exist (this domain has 1)");
    EXPECT_FALSE(m->pin_vcpu(0, { -1 }));
    std::thread checker([&] {
        using namespace std::chrono_literals;
        auto deadline = std::chrono::steady_clock::now() + 10s;
        DomainStatus s;
        do {
            std::this_thread::sleep_for(10ms);
            s = m->status();
        } while (!(s.vcpus.size() == 1 && s.vcpus[0].blocked) && std::chrono::steady_clock::now() < deadline);
        ASSERT_EQ(s.vcpus.size(), 1u);
        EXPECT_EQ(s.vcpus[0].affinity, std::vector<int> { last });
        EXPECT_EQ(s.vcpus[0].host_cpu, last) << "it can only have run where it is pinned";
        EXPECT_TRUE(s.vcpus[0].blocked) << "an idle hart waits in WFI";
        EXPECT_FALSE(s.vcpus[0].running);
        ASSERT_TRUE(m->pin_vcpu(0, { first }));
        EXPECT_EQ(m->status().vcpus[0].affinity, std::vector<int> { first });
        ASSERT_TRUE(m->pin_vcpu(0, {})); // any CPU again: every CPU this process may use
        EXPECT_EQ(m->status().vcpus[0].affinity.size(), size_t(CPU_COUNT(&allowed)));
        ASSERT_TRUE(m->pause());
        std::this_thread::sleep_for(20ms);
        EXPECT_FALSE(m->status().vcpus[0].blocked) << "a paused vCPU is not blocked (Xen shows ---)";
        ASSERT_TRUE(m->destroy());
    });
    MachineOutcome outcome = m->run();
    checker.join();
    EXPECT_EQ(outcome.kind, MachineOutcome::Kind::Destroyed);
}

TEST(Machine, MaxVcpusHartsAreReportedOfflineAndVcpuSetNeedsTheAgent)
{
    board::BoardConfig config { 64, 1, board::BootMode::Pv, 3 };
    auto made = Machine::create(config, [](EventLoop&, std::function<void()>) -> Result<std::unique_ptr<CharBackend>> {
        return std::unique_ptr<CharBackend>(std::make_unique<NullBackend>());
    });
    ASSERT_TRUE(made) << made.error().message();
    auto& m = **made;
    ASSERT_TRUE(m.load(hsm_images()));
    auto s = m.status();
    ASSERT_EQ(s.vcpus.size(), 3u);
    EXPECT_TRUE(s.vcpus[0].online);
    EXPECT_FALSE(s.vcpus[1].online);
    EXPECT_FALSE(s.vcpus[2].online);

    auto without = m.set_online_vcpus(2);
    ASSERT_FALSE(without);
    EXPECT_NE(without.error().message().find("no guest agent channel"), std::string::npos) << without.error().message();

    // With an agent: the range is the machine's hart count, and nobody answering is an error.
    auto agent = std::make_unique<GuestAgent>("m1", GuestAgent::Timeouts { std::chrono::milliseconds(50), std::chrono::milliseconds(50) });
    agent->set_input_handler([](std::span<uint8_t const>) { });
    m.set_guest_agent(std::move(agent));
    auto above = m.set_online_vcpus(4);
    ASSERT_FALSE(above);
    EXPECT_EQ(above.error().message(), "domain m1: vcpu-set 4: the domain has maxvcpus 3; raise maxvcpus in its config and restart it for more");
    ASSERT_TRUE(m.pause());
    auto paused = m.set_online_vcpus(2);
    ASSERT_FALSE(paused);
    EXPECT_EQ(paused.error().message(), "domain m1: vcpu-set 2: the domain is paused, so its guest agent cannot answer; unpause it first");
    ASSERT_TRUE(m.unpause());
    auto silent = m.set_online_vcpus(3);
    ASSERT_FALSE(silent);
    EXPECT_NE(silent.error().message().find("no guest agent answered on virtio-console port org.xenith.agent"), std::string::npos) << silent.error().message();
}

} // namespace
} // namespace xenith
