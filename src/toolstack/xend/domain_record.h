// DomainRecord: what xend knows about one domain, running or merely defined (managed).
#pragma once

#include <cstdint>
#include <string>
#include <sys/types.h>

#include "toolstack/config/domain_config.h"

namespace xenith {

inline constexpr uint32_t kNoDomainId = UINT32_MAX;

enum class DomainPhase {
    Inactive, // managed (xm new) and not running: no id
    Running,  // a xenith-vm process exists
    Shutdown, // the guest powered off and on_poweroff=preserve kept it listed
    Crashed,  // the guest crashed and on_crash=preserve kept it listed
};

struct DomainRecord {
    uint32_t id { kNoDomainId };
    std::string name;
    std::string uuid;
    DomainConfig config;
    bool managed { false }; // defined with xm new: survives destroy and xend restarts

    DomainPhase phase { DomainPhase::Inactive };
    bool paused { false };
    pid_t monitor_pid { 0 };      // xend's child that waits for xenith-vm and records its exit
    uint64_t monitor_start { 0 }; // its start time in clock ticks (/proc/PID/stat), against pid reuse
    pid_t vm_pid { 0 };
    double start_time { 0 };      // wall clock, seconds since the epoch
    // The RAM the running xenith-vm was given (max of memory and maxmem when it started): the
    // most mem-set can reach until it restarts, whatever mem-max says now. 0 = not known (a
    // record from an older xend).
    uint64_t ram_mib { 0 };
    std::string run_dir;          // RUN_DIR/domains/ID: sockets and the exit file
    std::string control_path;
    std::string console_path;
    std::string console_log;
    std::string vm_log;           // xenith-vm's own stdout/stderr

    bool destroying { false };    // xm destroy in progress: its exit is not a lifecycle event

    // Restart accounting against a guest that crashes as soon as it boots.
    unsigned quick_restarts { 0 };

    bool is_active() const { return phase != DomainPhase::Inactive; }
};

} // namespace xenith
