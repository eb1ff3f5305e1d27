// VmLauncher: starts one xenith-vm for a domain, detached from xend so it outlives xend.
// xend forks a small monitor (its own session) that forks and execs xenith-vm, waits for it,
// and writes how it ended to RUN_DIR/domains/ID/exit. A restarted xend reads that file, so a
// domain that exits while xend is down still gets its on_poweroff/on_reboot/on_crash.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "base/error.h"
#include "toolstack/xend/domain_record.h"

namespace xenith {

// xenith-vm's exit status convention (docs/xenith-vm.md).
enum class VmExit {
    Poweroff,  // 0
    Error,     // 1: xenith-vm could not run the domain (bad kernel path, ...)
    Reboot,    // 2
    Crash,     // 3 (also: killed by a signal)
    Destroyed, // 4: destroyed through the control channel
    Unknown,   // no record of how it ended
};

struct VmExitInfo {
    VmExit reason { VmExit::Unknown };
    int code { -1 };   // exit status, or -1
    int signal { 0 };  // terminating signal, or 0
    std::string describe() const;
};

VmExitInfo exit_info_from_status(int code, int signal);
// Parses the monitor's exit file ("exit N" or "signal N"); nullopt when absent or garbled.
std::optional<VmExitInfo> read_exit_file(std::string const& path);

struct LaunchSettings {
    std::string vm_binary;
    uint64_t console_limit_bytes { 1024 * 1024 };
    std::string core_dump_dir {}; // where xenith-vm writes a core dump if the guest crashes; empty: none
};

// The xenith-vm command line for a record (argv[0] included). Pure: unit tested.
std::vector<std::string> vm_command_line(DomainRecord const& record, LaunchSettings const& settings);

struct LaunchedVm {
    pid_t monitor_pid { 0 };
    uint64_t monitor_start { 0 };
    pid_t vm_pid { 0 };
};

// Forks the monitor and xenith-vm. xenith-vm's stdout and stderr go to record.vm_log.
// Must be called from a single-threaded process (xend is one).
Result<LaunchedVm> launch_vm(DomainRecord const& record, LaunchSettings const& settings);

// Start time of a process in clock ticks since boot (/proc/PID/stat field 22), 0 if gone.
uint64_t process_start_ticks(pid_t pid);
// User+system CPU seconds of a process, 0 if gone.
double process_cpu_seconds(pid_t pid);

} // namespace xenith
