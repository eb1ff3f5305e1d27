// Machine: one running domain: the board, its vCPU threads, the I/O event loop and the lifecycle.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/error.h"
#include "base/unique_fd.h"
#include "engine/board/virt_board.h"
#include "engine/domain/device_hotplug.h"
#include "engine/domain/domain_control.h"

namespace xenith {

class EventLoop;
class CharBackend;
class GuestAgent;

// How a domain ended; xenith-vm turns it into its exit status (docs/xenith-vm.md).
struct MachineOutcome {
    enum class Kind {
        Poweroff,  // SRST shutdown, legacy shutdown, finisher pass
        Reboot,    // SRST cold/warm reboot, finisher reset
        Crash,     // SRST with reason system failure, finisher fail (code)
        Destroyed, // destroy(), Ctrl-A x, SIGTERM/SIGINT
    };
    Kind kind { Kind::Poweroff };
    uint32_t code { 0 }; // finisher fail code
    std::string detail;  // one line for the log
};

// Threading: the vCPU threads run the harts; the event loop thread serves console input and
// the control channel, which calls the DomainControl methods. Those, and finish(), take
// m_lock; vCPU threads only take it when they leave run().
class Machine final : public DomainControl {
public:
    // Makes the console on the machine's event loop; `on_quit` is what the console calls when
    // the user asks to quit (Ctrl-A x).
    using ConsoleFactory = std::function<Result<std::unique_ptr<CharBackend>>(EventLoop&, std::function<void()> on_quit)>;

    static Result<std::unique_ptr<Machine>> create(board::BoardConfig const& config, ConsoleFactory const& make_console);
    ~Machine() override;

    board::VirtBoard& board() { return *m_board; }
    EventLoop& event_loop() { return *m_loop; }

    // Puts the images in RAM and prepares the harts; then run().
    Result<board::BootLayout> load(board::BootImages const& images);
    // Runs the domain until it ends; blocks the calling thread.
    MachineOutcome run();

    // Guest instructions retired by all vCPUs so far (exact once run() has returned). Any thread.
    uint64_t instret() const;

    // Ends the domain with `outcome` (the first call wins). Any thread.
    void finish(MachineOutcome outcome);

    // What request_shutdown()/request_reboot() do: a virtio-input power key, once one is
    // plugged in. Set before run(). A guest has no reboot key: request_reboot() presses the
    // power key too, and the poweroff that follows ends the domain as a reboot, so xend carries
    // out on_reboot (Xen's reboot is as cooperative: the guest shuts down with reason reboot).
    // A press is only heard once the guest's acpid runs, so one made early (xm shutdown right
    // after xm create) would be lost: the request stays pending and the key is pressed again
    // every `repeat` until the domain ends, as Xen's shutdown request waits in xenstore until
    // the guest reads it.
    void set_shutdown_button(std::function<Status()> press, std::chrono::milliseconds repeat = std::chrono::seconds(2))
    {
        m_shutdown_button = std::move(press);
        m_shutdown_repeat = repeat;
    }
    // What set_memory_target() and status().memory_mib use: a balloon, once one is plugged in.
    void set_memory_control(std::function<Status(uint64_t)> set_target, std::function<uint64_t()> target)
    {
        m_set_memory_target = std::move(set_target);
        m_memory_target = std::move(target);
    }

    // What set_online_vcpus() asks: the guest agent on its virtio-console port, once one is
    // plugged in (the machine keeps it alive as long as the board's devices). Set before run().
    void set_guest_agent(std::unique_ptr<GuestAgent> agent);
    // The domain's disk and NIC slots (block-/network-attach). Set before run().
    void set_device_hotplug(std::unique_ptr<DeviceHotplug> hotplug) { m_device_hotplug = std::move(hotplug); }

    // --- DomainControl
    DomainStatus status() const override;
    Status request_shutdown() override;
    Status request_reboot() override;
    Status destroy() override;
    Status pause() override;
    Status unpause() override;
    Status set_memory_target(uint64_t mib) override;
    // Blocks until the guest agent answers (seconds): call it off the I/O thread.
    Status set_online_vcpus(unsigned count) override;
    Status pin_vcpu(unsigned vcpu, std::vector<int> const& host_cpus) override;
    // Through the guest agent; blocks until it answers: call it off the I/O thread.
    Status sysrq(char key) override;
    Status dump_core(std::string const& path) override;

    // The core dump of a machine whose vCPUs are already stopped (after run(), on a crash).
    Status write_core(std::string const& path) const;
    DeviceHotplug* device_hotplug() override { return m_device_hotplug.get(); }

private:
    Machine() = default;
    Status agent_can_answer(std::string const& request);
    void vcpu_thread(unsigned id);
    void join_threads();
    // Blocks while paused; false once the machine is finishing.
    bool wait_runnable();
    MachineOutcome outcome_of_reset(uint64_t code) const;
    // request_shutdown()/request_reboot(): presses the key now and keeps the request pending.
    Status press_shutdown_button(bool reboot);
    // On the loop thread, every m_shutdown_repeat while a request is pending.
    void repeat_shutdown_press();
    // After pause(): waits until no vCPU thread is inside Hart::run().
    bool wait_vcpus_stopped(std::chrono::milliseconds limit) const;
    // Sets vCPU `vcpu`'s thread affinity to m_pins[vcpu]. Holds m_lock; the thread exists.
    Status apply_pin(unsigned vcpu);

    std::function<Status()> m_shutdown_button;
    std::chrono::milliseconds m_shutdown_repeat { std::chrono::seconds(2) };
    UniqueFd m_shutdown_timer; // timerfd on m_loop while a shutdown or reboot is pending
    std::function<Status(uint64_t)> m_set_memory_target;
    std::function<uint64_t()> m_memory_target;
    std::unique_ptr<GuestAgent> m_agent; // before m_board: the agent's device refers to it
    std::unique_ptr<DeviceHotplug> m_device_hotplug;
    board::BoardConfig m_config;
    std::unique_ptr<EventLoop> m_loop;
    std::unique_ptr<CharBackend> m_console;
    std::unique_ptr<board::VirtBoard> m_board;
    std::thread m_io_thread;
    std::vector<std::thread> m_threads;
    std::vector<pthread_t> m_thread_handles;
    std::unique_ptr<std::atomic<bool>[]> m_running; // per vCPU: inside Hart::run()
    std::unique_ptr<std::atomic<pid_t>[]> m_tids;   // per vCPU: its thread's id, 0 until it runs
    std::vector<std::vector<int>> m_pins;           // per vCPU: host CPUs set by pin_vcpu(); empty = not pinned

    mutable std::mutex m_lock;
    std::condition_variable m_changed;
    std::optional<MachineOutcome> m_outcome;
    std::atomic<bool> m_finishing { false };
    bool m_paused { false };
    bool m_reboot_requested { false }; // the next poweroff is the reboot xm reboot asked for
    ShutdownRequest m_shutdown_requested { ShutdownRequest::None };
    unsigned m_shutdown_presses { 0 };
    std::chrono::steady_clock::time_point m_started;
};

} // namespace xenith
