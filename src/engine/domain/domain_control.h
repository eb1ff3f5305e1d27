// DomainControl: what a toolstack may ask of a running domain. The machine implements it;
// the control channel (a UNIX socket xend talks to) calls it from the I/O thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"

namespace xenith {

class DeviceHotplug;

enum class DomainRunState {
    Running,
    Blocked, // every online vCPU is waiting for an interrupt
    Paused,
    ShuttingDown,
    Crashed,
};

// A graceful shutdown or reboot asked for and not carried out yet (the guest has not powered off).
enum class ShutdownRequest {
    None,
    Poweroff,
    Reboot,
};

struct VcpuInfo {
    unsigned id { 0 };
    bool online { false };
    bool running { false };      // its thread is on a host CPU right now (Xen's "r")
    bool blocked { false };      // waiting in WFI for an interrupt (Xen's "b")
    double cpu_seconds { 0 };    // host CPU time of its thread
    int host_cpu { -1 };         // where its thread last ran
    std::vector<int> affinity;   // host CPUs its thread may run on
    uint64_t instret { 0 };      // guest instructions retired (published every few thousand)
};

struct DomainStatus {
    DomainRunState state { DomainRunState::Running };
    uint64_t memory_mib { 0 };         // current target
    uint64_t max_memory_mib { 0 };
    double cpu_seconds { 0 };          // all vCPUs
    uint64_t instret { 0 };            // guest instructions retired, all vCPUs
    double uptime_seconds { 0 };
    ShutdownRequest shutdown_requested { ShutdownRequest::None };
    unsigned shutdown_presses { 0 }; // power-key presses for it so far
    std::vector<VcpuInfo> vcpus;
};

// A key xm sysrq may send: one printable ASCII character, not a space (Linux prints its sysrq
// help line for one it has no handler for).
inline bool is_sysrq_key(char key) { return key > ' ' && key < 0x7f; }

class DomainControl {
public:
    virtual ~DomainControl() = default;

    virtual DomainStatus status() const = 0;
    // Graceful requests the guest may act on (the power key); they stay pending until the
    // domain ends.
    virtual Status request_shutdown() = 0;
    virtual Status request_reboot() = 0;
    // Immediate.
    virtual Status destroy() = 0;
    virtual Status pause() = 0;
    virtual Status unpause() = 0;
    virtual Status set_memory_target(uint64_t mib) = 0;
    virtual Status set_online_vcpus(unsigned count) = 0;
    virtual Status pin_vcpu(unsigned vcpu, std::vector<int> const& host_cpus) = 0;
    virtual Status sysrq(char key) = 0;
    // Writes an ELF core of RAM and vCPU registers to `path` (xm dump-core); the vCPUs are
    // paused while it is written.
    virtual Status dump_core(std::string const& path) = 0;
    // The disk and NIC slots for block-/network-attach and detach; null when there are none.
    virtual DeviceHotplug* device_hotplug() { return nullptr; }
};

} // namespace xenith
