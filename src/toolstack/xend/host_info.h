// HostInfo: facts about the host for Domain-0's row in `xm list` and for `xm info`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"

namespace xenith {

struct HostInfo {
    std::string host;
    std::string release;
    std::string version;
    std::string machine;
    unsigned nr_cpus { 1 };
    unsigned nr_nodes { 1 };
    unsigned cores_per_socket { 1 };
    unsigned threads_per_core { 1 };
    unsigned cpu_mhz { 0 };
    std::string cpu_model;
    // The flags the seed's install guide greps /proc/cpuinfo for, those present: pae vmx svm lm.
    std::vector<std::string> virt_flags;
    // The engines this build can run on this host: "riscv-interp" (the software RISC-V engine)
    // only, so far; a KVM engine joins when Xenith has one (docs/xm.md, xm info).
    std::vector<std::string> virt_caps;
    unsigned long total_memory_mib { 0 };
    unsigned long free_memory_mib { 0 };
};

// Reads uname, /proc/cpuinfo and /proc/meminfo.
HostInfo probe_host_info();

// MemAvailable now, in MiB: what a new domain can still be given.
unsigned long available_memory_mib();

// xend-config's dom0-min-mem: a domain that needs `need_mib` starts only if the host keeps at
// least `dom0_min_mem_mib` available afterwards (0 = no reservation). The error says what to change.
Status admit_domain_memory(std::string const& name, uint64_t need_mib, unsigned long available_mib, uint64_t dom0_min_mem_mib);

// Pieces, exposed for tests with canned /proc contents.
std::vector<std::string> virt_flags_from_cpuinfo(std::string const& cpuinfo);
unsigned long meminfo_mib(std::string const& meminfo, std::string const& key);

} // namespace xenith
