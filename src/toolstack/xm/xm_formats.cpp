// xm's table layouts.
#include "toolstack/xm/xm_formats.h"

#include <ctime>
#include <fmt/format.h>

#include "toolstack/config/cpu_list.h"

namespace xenith::xm {

namespace {

using Json = nlohmann::json;

std::string id_text(Json const& d)
{
    auto id = d.find("id");
    return id != d.end() && id->is_number() ? std::to_string(id->get<long>()) : std::string();
}

std::string join(Json const& list)
{
    std::string out;
    if (list.is_array())
        for (auto const& item : list)
            out += (out.empty() ? "" : " ") + (item.is_string() ? item.get<std::string>() : item.dump());
    return out;
}

} // namespace

std::string format_list(Json const& domains)
{
    std::string out = fmt::format("{:<40} {:>3} {:>8} {:>5} {:<6} {:>7}\n", "Name", "ID", "Mem(MiB)", "VCPUs", "State", "Time(s)");
    for (auto const& d : domains) {
        out += fmt::format("{:<40} {:>3} {:>8} {:>5} {:>6} {:>8.1f}\n", d.value("name", std::string("?")), id_text(d),
            d.value("memory_mib", uint64_t(0)), d.value("vcpus", 0u), d.value("state", std::string("------")),
            d.value("cpu_seconds", 0.0));
    }
    return out;
}

std::string format_info(Json const& info, std::string const& xenith_version)
{
    std::string out;
    auto line = [&](std::string_view key, std::string const& value) { out += fmt::format("{:<23}: {}\n", key, value); };
    auto str = [&](char const* key) { return info.contains(key) ? (info[key].is_string() ? info[key].get<std::string>() : info[key].dump()) : std::string(); };
    line("host", str("host"));
    line("release", str("release"));
    line("version", str("version"));
    line("machine", str("machine"));
    line("nr_cpus", str("nr_cpus"));
    line("nr_nodes", str("nr_nodes"));
    line("cores_per_socket", str("cores_per_socket"));
    line("threads_per_core", str("threads_per_core"));
    line("cpu_mhz", str("cpu_mhz"));
    // Xen prints a capability bitmap here; Xenith names the flags a Xen user greps for.
    line("hw_caps", join(info.value("hw_caps", Json::array())));
    line("virt_caps", join(info.value("virt_caps", Json::array())));
    line("total_memory", str("total_memory"));
    line("free_memory", str("free_memory"));
    line("dom0_min_mem", str("dom0_min_mem"));
    auto dot = xenith_version.find('.');
    line("xen_major", xenith_version.substr(0, dot));
    line("xen_minor", dot == std::string::npos ? "0" : xenith_version.substr(dot + 1, xenith_version.find('.', dot + 1) - dot - 1));
    line("xen_extra", "-xenith");
    line("xen_caps", "riscv64-pv riscv64-hvm");
    // Xen's credit scheduler is what xm sched-credit sets: weight and cap, carried out by the
    // host's cgroup cpu controller (docs/xend.md), so the name is Xen's.
    line("xen_scheduler", "credit");
    line("xen_pagesize", "4096");
    line("xen_changeset", "unavailable");
    line("cc_compiler", fmt::format("gcc version {}", __VERSION__));
    line("xend_config_format", "4");
    return out;
}

std::string format_vcpu_list(Json const& domains)
{
    std::string out = fmt::format("{:<32} {:>3} {:>5} {:>5} {:>5} {:>9} {}\n", "Name", "ID", "VCPU", "CPU", "State", "Time(s)", "CPU Affinity");
    for (auto const& d : domains) {
        std::string name = d.value("name", std::string("?"));
        std::string id = id_text(d);
        if (id.empty())
            continue;
        auto vcpus = d.find("vcpu_info");
        if (vcpus == d.end() || !vcpus->is_array() || vcpus->empty()) {
            // No per-vCPU data (Domain-0, or a domain not answering): one summary row each.
            unsigned count = d.value("vcpus", 0u);
            std::string state = d.value("state", std::string("------"));
            char s = state.find('p') != std::string::npos ? 'p' : state.find('b') != std::string::npos ? 'b' : 'r';
            std::string three = s == 'r' ? "r--" : s == 'b' ? "-b-" : "--p";
            for (unsigned v = 0; v < count; ++v)
                out += fmt::format("{:<32} {:>3} {:>5} {:>5} {:>5}  {:>8.1f} {}\n", name, id, v, "-", three,
                    v == 0 ? d.value("cpu_seconds", 0.0) : 0.0, "any cpu");
            continue;
        }
        for (auto const& v : *vcpus) {
            // Xen 3.x: an online VCPU is r (on a CPU now) or -, then b (blocked) or -, then -;
            // an offline one is --p with no CPU.
            bool online = v.value("online", false);
            std::string three = !online ? "--p"
                                        : std::string(v.value("running", false) ? "r" : "-") + (v.value("blocked", false) ? "b" : "-") + "-";
            int cpu = v.value("host_cpu", -1);
            std::vector<unsigned> cpus;
            if (auto a = v.find("affinity"); a != v.end() && a->is_array())
                for (auto const& c : *a)
                    if (c.is_number_unsigned())
                        cpus.push_back(c.get<unsigned>());
            // xend sends [] for a VCPU allowed on every host CPU.
            out += fmt::format("{:<32} {:>3} {:>5} {:>5} {:>5}  {:>8.1f} {}\n", name, id, v.value("id", 0u),
                online && cpu >= 0 ? std::to_string(cpu) : "-", three, v.value("cpu_seconds", 0.0), format_cpu_affinity(cpus, 0));
        }
    }
    return out;
}

std::string format_sched_credit(Json const& domains)
{
    // xm's '%-33s %-2s %-6s %-4s' header and '%(name)-32s %(domid)3d %(weight)6d %(cap)4d' rows.
    std::string out = fmt::format("{:<33} {:<2} {:<6} {:<4}\n", "Name", "ID", "Weight", "Cap");
    for (auto const& d : domains)
        out += fmt::format("{:<32} {:>3} {:>6} {:>4}\n", d.value("name", std::string("?")), id_text(d), d.value("weight", -1L),
            d.value("cap", -1L));
    return out;
}

std::string uptime_to_string(unsigned long uptime, bool short_mode)
{
    unsigned long day = uptime / 86400;
    uptime -= day * 86400;
    unsigned long hour = uptime / 3600;
    uptime -= hour * 3600;
    unsigned long min = uptime / 60;
    unsigned long sec = uptime - min * 60;
    std::string days = day > 1 ? fmt::format("{} days, ", day) : day == 1 ? "1 day, " : "";
    if (short_mode)
        return fmt::format("{}{:>2}:{:02}", days, hour, min);
    return fmt::format("{}{:>2}:{:02}:{:02}", days, hour, min, sec);
}

std::string format_uptime(Json const& domains, bool short_mode, long now)
{
    std::string out;
    if (!short_mode)
        out += fmt::format("{:<33} {:>4} {}\n", "Name", "ID", "Uptime");
    char clock[16] = "";
    time_t t = now;
    tm local {};
    if (localtime_r(&t, &local))
        std::strftime(clock, sizeof(clock), "%H:%M:%S", &local);
    for (auto const& d : domains) {
        std::string id = id_text(d);
        if (id.empty())
            continue;
        auto up = uptime_to_string((unsigned long)(d.value("uptime_seconds", 0.0)), short_mode);
        if (short_mode)
            out += fmt::format(" {} up {}, {} ({})\n", clock, up, d.value("name", std::string("?")), id);
        else
            out += fmt::format("{:<33} {:>4} {}\n", d.value("name", std::string("?")), id, up);
    }
    return out;
}

std::string format_top(Json const& domains, Json const& info, Json const& cpu_percent, long now)
{
    char clock[16] = "";
    time_t t = now;
    tm local {};
    if (localtime_r(&t, &local))
        std::strftime(clock, sizeof(clock), "%H:%M:%S", &local);
    unsigned total = 0, running = 0, blocked = 0, paused = 0, shutdown = 0, crashed = 0;
    for (auto const& d : domains) {
        if (id_text(d).empty())
            continue;
        ++total;
        std::string s = d.value("state", std::string());
        running += s.find('r') != std::string::npos;
        blocked += s.find('b') != std::string::npos;
        paused += s.find('p') != std::string::npos;
        shutdown += s.find('s') != std::string::npos;
        crashed += s.find('c') != std::string::npos;
    }
    unsigned long mem_total = info.value("total_memory", 0ul) * 1024, mem_free = info.value("free_memory", 0ul) * 1024;
    std::string out = fmt::format("xentop - {}   Xenith\n", clock);
    out += fmt::format("{} domains: {} running, {} blocked, {} paused, {} crashed, {} dying, {} shutdown \n", total, running,
        blocked, paused, crashed, 0, shutdown);
    out += fmt::format("Mem: {}k total, {}k used, {}k free    CPUs: {} @ {}MHz\n", mem_total, mem_total - mem_free, mem_free,
        info.value("nr_cpus", 0u), info.value("cpu_mhz", 0u));
    out += fmt::format("{:>10} {:>6} {:>10} {:>6} {:>10} {:>6} {:>10} {:>9} {:>5}\n", "NAME", "STATE", "CPU(sec)", "CPU(%)",
        "MEM(k)", "MEM(%)", "MAXMEM(k)", "MAXMEM(%)", "VCPUS");
    for (auto const& d : domains) {
        if (id_text(d).empty())
            continue;
        std::string name = d.value("name", std::string("?"));
        std::string state = d.value("state", std::string("------"));
        double pct = cpu_percent.is_object() ? cpu_percent.value(name, 0.0) : 0.0;
        unsigned long mem = d.value("memory_mib", 0ul) * 1024, maxmem = d.value("max_memory_mib", 0ul) * 1024;
        double mem_pct = mem_total ? 100.0 * double(mem) / double(mem_total) : 0;
        double max_pct = mem_total ? 100.0 * double(maxmem) / double(mem_total) : 0;
        out += fmt::format("{:>10} {:>6} {:>10} {:>6.1f} {:>10} {:>6.1f} {:>10} {:>9.1f} {:>5}\n", name.substr(0, 10), state,
            (unsigned long)(d.value("cpu_seconds", 0.0)), pct, mem, mem_pct, maxmem, max_pct, d.value("vcpus", 0u));
    }
    return out;
}

} // namespace xenith::xm
