// CpuCgroups: detecting the cpu controller and writing a domain's cgroup files.
#include "toolstack/xend/cpu_cgroup.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "base/unique_fd.h"

namespace xenith {

namespace {

bool exists(std::string const& path) { return ::access(path.c_str(), F_OK) == 0; }

Result<std::string> read_value(std::string const& path)
{
    std::ifstream in(path);
    if (!in)
        return fail_errno(fmt::format("cgroup file {}", path));
    std::stringstream text;
    text << in.rdbuf();
    std::string value = text.str();
    while (!value.empty() && (value.back() == '\n' || value.back() == ' '))
        value.pop_back();
    return value;
}

// cgroup files take one write each. O_CREAT|O_TRUNC lets the same code fill a plain directory
// tree standing in for cgroupfs (the tests); on cgroupfs the files already exist.
Status write_value(std::string const& path, std::string const& value)
{
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd)
        return fail_errno(fmt::format("cgroup file {}", path));
    if (::write(fd.get(), value.data(), value.size()) != ssize_t(value.size()))
        return fail_errno(fmt::format("cgroup file {}: writing \"{}\"", path, value));
    return {};
}

Status make_cgroup(std::string const& path)
{
    if (::mkdir(path.c_str(), 0755) == 0)
        return {};
    if (errno != EEXIST)
        return fail_errno(fmt::format("cgroup {}: mkdir", path));
    // A domain named like a control file ("tasks", "cpu.shares") must not write into it.
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        return fail("cgroup {}: a file of that name is in the way (a cgroup control file?)", path);
    return {};
}

bool has_word(std::string const& list, std::string_view word)
{
    std::istringstream words(list);
    std::string w;
    while (words >> w)
        if (w == word)
            return true;
    return false;
}

// v2: the cpu controller must be enabled for the children of `cgroup`.
Status enable_cpu_controller(std::string const& cgroup)
{
    std::string control = cgroup + "/cgroup.subtree_control";
    if (auto current = read_value(control); current && has_word(*current, "cpu"))
        return {};
    return write_value(control, "+cpu");
}

std::string unusable(std::string const& what) { return what + "; cpu_weight, cap and xm sched-credit are unavailable (xend needs root and a writable cgroup cpu controller)"; }

} // namespace

CpuCgroups CpuCgroups::open(std::string const& root, std::string const& parent)
{
    CpuCgroups c;
    if (root.empty()) {
        c.m_unavailable = unusable("no cgroup root configured");
        return c;
    }
    std::vector<std::string> parts;
    for (size_t start = 0; start <= parent.size();) {
        size_t slash = parent.find('/', start);
        std::string part = parent.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        if (!part.empty() && part != "." && part != "..")
            parts.push_back(part);
        if (slash == std::string::npos)
            break;
        start = slash + 1;
    }
    if (parts.empty()) {
        c.m_unavailable = unusable(fmt::format("cgroup parent \"{}\" names no cgroup", parent));
        return c;
    }

    std::string base;
    if (exists(root + "/cgroup.controllers")) {
        c.m_version = CgroupVersion::V2;
        auto controllers = read_value(root + "/cgroup.controllers");
        if (!controllers || !has_word(*controllers, "cpu")) {
            c.m_unavailable = unusable(fmt::format("cgroup v2 at {} offers no cpu controller ({}/cgroup.controllers)", root, root));
            return c;
        }
        base = root;
    } else {
        c.m_version = CgroupVersion::V1;
        for (char const* name : { "cpu", "cpu,cpuacct", "cpuacct,cpu" }) {
            if (exists(root + "/" + name + "/cpu.shares")) {
                base = root + "/" + name;
                break;
            }
        }
        if (base.empty()) {
            c.m_unavailable = unusable(fmt::format("no cgroup cpu controller under {} (neither v2's {}/cgroup.controllers "
                                                   "nor v1's {}/cpu/cpu.shares)",
                root, root, root));
            return c;
        }
    }
    std::string path = base;
    for (auto const& part : parts) {
        if (c.m_version == CgroupVersion::V2) {
            if (auto s = enable_cpu_controller(path); !s) {
                c.m_unavailable = unusable(s.error().message());
                return c;
            }
        }
        path += "/" + part;
        if (auto s = make_cgroup(path); !s) {
            c.m_unavailable = unusable(s.error().message());
            return c;
        }
    }
    if (c.m_version == CgroupVersion::V2) {
        if (auto s = enable_cpu_controller(path); !s) {
            c.m_unavailable = unusable(s.error().message());
            return c;
        }
    }
    if (::access(path.c_str(), W_OK) != 0) {
        c.m_unavailable = unusable(fail_errno(fmt::format("cgroup {}", path)).error().message());
        return c;
    }
    c.m_base = base;
    c.m_parent = path;
    return c;
}

Status CpuCgroups::require_available() const
{
    if (!available())
        return fail("{}", m_unavailable);
    return {};
}

Status CpuCgroups::attach(std::string_view domain, pid_t pid, Credit const& credit)
{
    XENITH_TRY(require_available());
    if (domain.empty() || domain == "." || domain == ".." || domain.find('/') != std::string_view::npos)
        return fail("domain name \"{}\" cannot name a cgroup under {}", domain, m_parent);
    std::string path = domain_path(domain);
    XENITH_TRY(make_cgroup(path));
    XENITH_TRY(set(domain, credit));
    // cgroup.procs moves the whole process, every thread it has and will have.
    XENITH_TRY(write_value(path + "/cgroup.procs", std::to_string(pid)));
    return {};
}

Status CpuCgroups::set(std::string_view domain, Credit const& credit)
{
    XENITH_TRY(require_available());
    std::string path = domain_path(domain);
    if (!exists(path))
        return fail("cgroup {} does not exist (the domain's process was never moved into it)", path);
    if (m_version == CgroupVersion::V1) {
        XENITH_TRY(write_value(path + "/cpu.shares", std::to_string(weight_to_shares(credit.weight))));
        XENITH_TRY(write_value(path + "/cpu.cfs_period_us", std::to_string(kCapPeriodUs)));
        XENITH_TRY(write_value(path + "/cpu.cfs_quota_us", std::to_string(cap_to_quota_us(credit.cap))));
    } else {
        XENITH_TRY(write_value(path + "/cpu.weight", std::to_string(weight_to_cpu_weight(credit.weight))));
        XENITH_TRY(write_value(path + "/cpu.max", cap_to_cpu_max(credit.cap)));
    }
    return {};
}

Result<Credit> CpuCgroups::get(std::string_view domain, Credit const& recorded) const
{
    XENITH_TRY(require_available());
    return read_credit(domain_path(domain), recorded);
}

Result<Credit> CpuCgroups::get_process(pid_t pid) const
{
    XENITH_TRY(require_available());
    std::string proc = fmt::format("/proc/{}/cgroup", pid);
    std::ifstream in(proc);
    if (!in)
        return fail_errno(proc);
    // v1: "4:cpu,cpuacct:/user.slice"; v2: "0::/system.slice/xend.service".
    std::string line, relative;
    while (std::getline(in, line)) {
        auto first = line.find(':'), second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos)
            continue;
        std::string controllers = line.substr(first + 1, second - first - 1);
        std::string path = line.substr(second + 1);
        bool cpu = false;
        for (size_t start = 0; start <= controllers.size();) {
            size_t comma = controllers.find(',', start);
            cpu |= controllers.substr(start, comma == std::string::npos ? std::string::npos : comma - start) == "cpu";
            if (comma == std::string::npos)
                break;
            start = comma + 1;
        }
        if ((m_version == CgroupVersion::V1 && cpu) || (m_version == CgroupVersion::V2 && line.starts_with("0::")))
            relative = path == "/" ? "" : path;
    }
    std::string path = m_base + relative;
    bool has_settings = exists(path + (m_version == CgroupVersion::V1 ? "/cpu.shares" : "/cpu.weight"));
    if (!has_settings)
        return Credit {};
    return read_credit(path, Credit {});
}

Result<Credit> CpuCgroups::read_credit(std::string const& path, Credit const& recorded) const
{
    auto number = [](std::string const& file, std::string const& text) -> Result<int64_t> {
        try {
            size_t used = 0;
            int64_t value = std::stoll(text, &used);
            if (used == text.size())
                return value;
        } catch (...) {
        }
        return fail("cgroup file {}: \"{}\" is not a number", file, text);
    };
    Credit credit;
    if (m_version == CgroupVersion::V1) {
        auto shares = XENITH_TRY(number(path + "/cpu.shares", XENITH_TRY(read_value(path + "/cpu.shares"))));
        auto quota = XENITH_TRY(number(path + "/cpu.cfs_quota_us", XENITH_TRY(read_value(path + "/cpu.cfs_quota_us"))));
        auto period = XENITH_TRY(number(path + "/cpu.cfs_period_us", XENITH_TRY(read_value(path + "/cpu.cfs_period_us"))));
        bool same_weight = uint64_t(shares) == weight_to_shares(recorded.weight);
        bool same_cap = quota == cap_to_quota_us(recorded.cap) && (quota < 0 || uint64_t(period) == kCapPeriodUs);
        credit.weight = same_weight ? recorded.weight : shares_to_weight(uint64_t(std::max<int64_t>(shares, 0)));
        credit.cap = same_cap ? recorded.cap : quota_to_cap(quota, uint64_t(std::max<int64_t>(period, 0)));
    } else {
        auto weight = XENITH_TRY(number(path + "/cpu.weight", XENITH_TRY(read_value(path + "/cpu.weight"))));
        auto max = XENITH_TRY(read_value(path + "/cpu.max"));
        bool same_weight = weight == int64_t(weight_to_cpu_weight(recorded.weight));
        credit.weight = same_weight ? recorded.weight : cpu_weight_to_weight(unsigned(std::clamp<int64_t>(weight, 0, 10000)));
        credit.cap = max == cap_to_cpu_max(recorded.cap) ? recorded.cap : XENITH_TRY(cpu_max_to_cap(max));
    }
    return credit;
}

Status CpuCgroups::remove(std::string_view domain)
{
    if (!available())
        return {};
    std::string path = domain_path(domain);
    if (::rmdir(path.c_str()) == 0 || errno == ENOENT)
        return {};
    if (errno == EBUSY)
        return fail("cgroup {}: cannot remove it while processes are still in it", path);
    if (errno == ENOTEMPTY) {
        // A plain directory standing in for cgroupfs holds the files we wrote; cgroupfs never
        // reports ENOTEMPTY for its own files.
        for (char const* file : { "cpu.shares", "cpu.cfs_period_us", "cpu.cfs_quota_us", "cpu.weight", "cpu.max", "cgroup.procs" })
            ::unlink((path + "/" + file).c_str());
        if (::rmdir(path.c_str()) == 0)
            return {};
    }
    return fail_errno(fmt::format("cgroup {}: rmdir", path));
}

Status CpuCgroups::rename(std::string_view from, std::string_view to)
{
    if (!available())
        return {};
    std::string old_path = domain_path(from), new_path = domain_path(to);
    if (::rename(old_path.c_str(), new_path.c_str()) != 0 && errno != ENOENT)
        return fail_errno(fmt::format("cgroup {}: renaming to {}", old_path, new_path));
    return {};
}

} // namespace xenith
