// HostInfo: /proc parsing.
#include "toolstack/xend/host_info.h"

#include <algorithm>
#include <fcntl.h>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/utsname.h>
#include <thread>
#include <unistd.h>

namespace xenith {

namespace {

std::string read_text(char const* path)
{
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string trim(std::string s)
{
    auto not_space = [](unsigned char c) { return !std::isspace(c); };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
    s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
    return s;
}

// The value of the first "key : value" line in /proc/cpuinfo.
std::string cpuinfo_field(std::string const& cpuinfo, std::string const& key)
{
    std::istringstream lines(cpuinfo);
    std::string line;
    while (std::getline(lines, line)) {
        auto colon = line.find(':');
        if (colon != std::string::npos && trim(line.substr(0, colon)) == key)
            return trim(line.substr(colon + 1));
    }
    return {};
}

} // namespace

std::vector<std::string> virt_flags_from_cpuinfo(std::string const& cpuinfo)
{
    std::set<std::string> present;
    std::istringstream flags(cpuinfo_field(cpuinfo, "flags"));
    std::string flag;
    while (flags >> flag)
        present.insert(flag);
    std::vector<std::string> out;
    for (char const* wanted : { "pae", "vmx", "svm", "lm" })
        if (present.contains(wanted))
            out.push_back(wanted);
    return out;
}

unsigned long meminfo_mib(std::string const& meminfo, std::string const& key)
{
    std::istringstream lines(meminfo);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.starts_with(key + ":")) {
            unsigned long kib = std::strtoul(line.c_str() + key.size() + 1, nullptr, 10);
            return kib / 1024;
        }
    }
    return 0;
}

unsigned long available_memory_mib() { return meminfo_mib(read_text("/proc/meminfo"), "MemAvailable"); }

Status admit_domain_memory(std::string const& name, uint64_t need_mib, unsigned long available_mib, uint64_t dom0_min_mem_mib)
{
    if (dom0_min_mem_mib == 0 || need_mib + dom0_min_mem_mib <= available_mib)
        return {};
    return fail("domain '{}' needs {} MiB, but the host has {} MiB available and dom0-min-mem keeps {} MiB of it for "
                "the host; lower the domain's memory, stop another domain, or lower (dom0-min-mem) in xend-config.sxp",
        name, need_mib, available_mib, dom0_min_mem_mib);
}

HostInfo probe_host_info()
{
    HostInfo info;
    utsname uts {};
    if (::uname(&uts) == 0) {
        info.host = uts.nodename;
        info.release = uts.release;
        info.version = uts.version;
        info.machine = uts.machine;
    }
    long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
    info.nr_cpus = cpus > 0 ? unsigned(cpus) : 1;
    std::string cpuinfo = read_text("/proc/cpuinfo");
    info.cpu_model = cpuinfo_field(cpuinfo, "model name");
    info.cpu_mhz = unsigned(std::strtod(cpuinfo_field(cpuinfo, "cpu MHz").c_str(), nullptr));
    unsigned siblings = unsigned(std::strtoul(cpuinfo_field(cpuinfo, "siblings").c_str(), nullptr, 10));
    unsigned cores = unsigned(std::strtoul(cpuinfo_field(cpuinfo, "cpu cores").c_str(), nullptr, 10));
    if (cores)
        info.cores_per_socket = cores;
    if (cores && siblings >= cores)
        info.threads_per_core = siblings / cores;
    info.virt_flags = virt_flags_from_cpuinfo(cpuinfo);
    // The engines this build has that run here: the software RISC-V engine runs anywhere. A
    // usable /dev/kvm is no engine until Xenith has a KVM backend; it will join the list then.
    info.virt_caps = { "riscv-interp" };
    std::string meminfo = read_text("/proc/meminfo");
    info.total_memory_mib = meminfo_mib(meminfo, "MemTotal");
    info.free_memory_mib = meminfo_mib(meminfo, "MemAvailable");
    return info;
}

} // namespace xenith
