// Vcpu: the seam between a board and whatever runs guest instructions (the RISC-V
// interpreter today, KVM later). Devices and the toolstack never see past it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/error.h"

namespace xenith {

struct VcpuExit {
    enum class Reason {
        Requested, // request_exit() was called (pause, save, shutdown of the machine)
        Stopped,   // the guest stopped this vCPU (SBI HSM hart_stop)
        Shutdown,  // the guest asked for a system reset/poweroff (SBI SRST); see `code`
    };
    Reason reason { Reason::Requested };
    // For Shutdown: SBI SRST reset_type (0 shutdown, 1 cold reboot, 2 warm reboot)
    // in the low 32 bits and reset_reason (0 none, 1 system failure) in the high 32 bits.
    uint64_t code { 0 };
};

class Vcpu {
public:
    virtual ~Vcpu() = default;

    // Runs guest code on the calling thread until an exit. Blocks (costing no host CPU)
    // while the guest waits for an interrupt.
    virtual VcpuExit run() = 0;
    // Any thread: makes run() return Reason::Requested soon, waking it from a wait.
    virtual void request_exit() = 0;

    // Architectural state, for save/restore and migration. Only while not running.
    virtual std::vector<uint8_t> save_state() const = 0;
    virtual Status load_state(std::span<uint8_t const> state) = 0;
};

} // namespace xenith
