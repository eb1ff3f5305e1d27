// HostInfo: facts about the host for Domain-0's row in `xm list` and for `xm info`.
#pragma once

#include <string>
#include <vector>

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
    // Engines this host can run: "riscv-interp" always, "kvm" when /dev/kvm is usable.
    std::vector<std::string> virt_caps;
    unsigned long total_memory_mib { 0 };
    unsigned long free_memory_mib { 0 };
};

// Reads uname, /proc/cpuinfo, /proc/meminfo and /dev/kvm.
HostInfo probe_host_info();

// Pieces, exposed for tests with canned /proc contents.
std::vector<std::string> virt_flags_from_cpuinfo(std::string const& cpuinfo);
unsigned long meminfo_mib(std::string const& meminfo, std::string const& key);

} // namespace xenith
