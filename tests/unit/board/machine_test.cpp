// Machine: SMP start through HSM, shutdown outcomes, destroy and pause, on real harts.
#include <gtest/gtest.h>

#include <thread>

#include "board/test_images.h"
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
        EXPECT_EQ(m->status().state, DomainRunState::Running);
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

} // namespace
} // namespace xenith
