// CpuList: parsing and printing Xen's CPU lists.
#include "toolstack/config/cpu_list.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <set>

namespace xenith {

namespace {

// Xen's CPU numbers are small; a longer number is a typo, not a CPU.
constexpr unsigned kMaxCpu = 4095;

std::optional<unsigned> cpu_number(std::string_view text)
{
    unsigned value = 0;
    if (text.empty() || text.size() > 4 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    std::from_chars(text.data(), text.data() + text.size(), value);
    if (value > kMaxCpu)
        return std::nullopt;
    return value;
}

std::string trim(std::string_view text)
{
    size_t first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos)
        return {};
    size_t last = text.find_last_not_of(" \t");
    return std::string(text.substr(first, last - first + 1));
}

} // namespace

Result<CpuSelection> parse_cpu_list(std::string_view raw, std::string_view what)
{
    std::string text = trim(raw);
    auto syntax = [&](std::string_view detail) {
        return fail("{}: \"{}\" is not a CPU list: {} (expected \"all\" or CPU numbers and ranges, "
                    "with ^ to exclude, e.g. \"0-3,^1\")",
            what, raw, detail);
    };
    if (text == "all")
        return CpuSelection { true, {} };
    if (text.empty())
        return syntax("it is empty");
    std::set<unsigned> cpus;
    std::string_view rest = text;
    for (;;) {
        size_t comma = rest.find(',');
        std::string item = trim(rest.substr(0, comma));
        bool exclude = item.starts_with('^');
        std::string_view range = std::string_view(item).substr(exclude ? 1 : 0);
        size_t dash = range.find('-');
        auto first = cpu_number(range.substr(0, dash));
        auto last = dash == std::string_view::npos ? first : cpu_number(range.substr(dash + 1));
        if (!first || !last)
            return syntax(fmt::format("\"{}\" is not a CPU number or range of numbers up to {}", item, kMaxCpu));
        if (*last < *first)
            return syntax(fmt::format("range \"{}\" goes backwards", item));
        for (unsigned cpu = *first; cpu <= *last; ++cpu) {
            if (exclude)
                cpus.erase(cpu);
            else
                cpus.insert(cpu);
        }
        if (comma == std::string_view::npos)
            break;
        rest.remove_prefix(comma + 1);
    }
    if (cpus.empty())
        return fail("{}: \"{}\" leaves no CPU to run on (a list of only exclusions is empty; write e.g. \"0-3,^1\")", what, raw);
    return CpuSelection { false, std::vector<unsigned>(cpus.begin(), cpus.end()) };
}

Status check_cpus_exist(CpuSelection const& selection, unsigned host_cpus, std::string_view what)
{
    if (selection.all)
        return {};
    for (unsigned cpu : selection.cpus) {
        if (cpu >= host_cpus)
            return fail("{}: CPU {} does not exist: this host has {} CPU{} ({})", what, cpu, host_cpus, host_cpus == 1 ? "" : "s",
                host_cpus == 1 ? std::string("0") : fmt::format("0-{}", host_cpus - 1));
    }
    return {};
}

std::vector<unsigned> affinity_of(CpuSelection const& selection, unsigned host_cpus)
{
    if (selection.all)
        return {};
    unsigned present = 0;
    for (unsigned cpu : selection.cpus)
        present += cpu < host_cpus ? 1 : 0;
    if (present == host_cpus)
        return {};
    return selection.cpus;
}

Result<std::vector<std::vector<unsigned>>> vcpu_affinities(std::string_view all_vcpus, std::vector<std::string> const& per_vcpu,
    unsigned vcpu_count, unsigned host_cpus, std::string_view what)
{
    std::vector<std::vector<unsigned>> pins(vcpu_count);
    if (!per_vcpu.empty()) {
        for (size_t v = 0; v < per_vcpu.size() && v < vcpu_count; ++v) {
            std::string vcpu_what = fmt::format("{} (vCPU {})", what, v);
            auto selection = XENITH_TRY(parse_cpu_list(per_vcpu[v], vcpu_what));
            XENITH_TRY(check_cpus_exist(selection, host_cpus, vcpu_what));
            pins[v] = affinity_of(selection, host_cpus);
        }
        return pins;
    }
    if (all_vcpus.empty())
        return pins;
    auto selection = XENITH_TRY(parse_cpu_list(all_vcpus, what));
    XENITH_TRY(check_cpus_exist(selection, host_cpus, what));
    for (auto& pin : pins)
        pin = affinity_of(selection, host_cpus);
    return pins;
}

std::string format_cpu_affinity(std::vector<unsigned> cpus, unsigned host_cpus)
{
    std::sort(cpus.begin(), cpus.end());
    cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
    // As xm does: a map naming every host CPU is "any cpu".
    unsigned present = 0;
    for (unsigned cpu : cpus)
        present += cpu < host_cpus ? 1 : 0;
    if (cpus.empty() || (host_cpus > 0 && present == host_cpus))
        return "any cpu";
    std::string out;
    for (size_t i = 0; i < cpus.size();) {
        size_t j = i;
        while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1)
            ++j;
        out += out.empty() ? "" : ",";
        out += j == i ? fmt::format("{}", cpus[i]) : fmt::format("{}-{}", cpus[i], cpus[j]);
        i = j + 1;
    }
    return out;
}

} // namespace xenith
