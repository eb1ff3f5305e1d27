// CpuList: Xen's CPU list syntax ("0-3,^1", "all", "5") used by cpus= and xm vcpu-pin.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace xenith {

// What a CPU list names: every host CPU ("all"), or the listed ones (sorted, no duplicates).
struct CpuSelection {
    bool all { false };
    std::vector<unsigned> cpus;
};

// Items are applied left to right, as xm and xl do: "N" and "N-M" add, "^N" and "^N-M" remove.
// Errors are one line starting with `what` (the key or command, e.g. "cpus" or
// "vcpu-pin"): a syntax error, a range written backwards, or a list that leaves no CPU.
Result<CpuSelection> parse_cpu_list(std::string_view text, std::string_view what);

// Every listed CPU must exist on a host with `host_cpus` CPUs (numbered 0..host_cpus-1);
// the error names `what` and the host's CPU count.
Status check_cpus_exist(CpuSelection const& selection, unsigned host_cpus, std::string_view what);

// The host CPUs a thread may run on: empty for "any CPU" (all, or a list naming every one of
// the host's `host_cpus` CPUs).
std::vector<unsigned> affinity_of(CpuSelection const& selection, unsigned host_cpus);

// The host CPUs each of `vcpu_count` vCPUs may run on (one entry per vCPU, empty = any CPU),
// from a domain's cpus=: one list for every vCPU (`all_vcpus`), or xl's per-vCPU form
// (`per_vcpu`: vCPU i gets element i; vCPUs past its end get any CPU). Every CPU must exist on a
// host with `host_cpus` CPUs; errors start with `what` ("domain 'web': cpus") and name the vCPU
// of a per-vCPU list.
Result<std::vector<std::vector<unsigned>>> vcpu_affinities(std::string_view all_vcpus, std::vector<std::string> const& per_vcpu,
    unsigned vcpu_count, unsigned host_cpus, std::string_view what);

// "0-1,3,5-7", the way xm vcpu-list prints a CPU map; "any cpu" when `cpus` is empty or covers
// all `host_cpus`.
std::string format_cpu_affinity(std::vector<unsigned> cpus, unsigned host_cpus);

} // namespace xenith
