// CpuCgroups: one cgroup per domain for the host's cpu controller, under a parent cgroup of
// xend's ("xenith"), on cgroup v1 (ROOT/cpu/xenith/NAME) or v2 (ROOT/xenith/NAME). xend moves
// each domain's xenith-vm into its cgroup and writes the credit weight and cap there.
#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>

#include "base/error.h"
#include "toolstack/xend/credit_mapping.h"

namespace xenith {

enum class CgroupVersion {
    V1, // a cpu hierarchy of its own: cpu.shares, cpu.cfs_quota_us, cpu.cfs_period_us
    V2, // the unified hierarchy: cpu.weight, cpu.max
};

class CpuCgroups {
public:
    // `root`: where cgroups are mounted (/sys/fs/cgroup). `parent`: the cgroup holding the
    // domains' cgroups, relative to the cpu controller's root ("xenith"). Finds which version
    // applies and creates the parent (v2: with +cpu in each cgroup.subtree_control on the way).
    // Never fails: when cgroups are unusable (no cpu controller, not root, read-only) the reason
    // is kept and every operation returns it.
    static CpuCgroups open(std::string const& root, std::string const& parent);

    bool available() const { return m_unavailable.empty(); }
    // One line naming the path and what would fix it; "" when available.
    std::string const& unavailable_reason() const { return m_unavailable; }
    CgroupVersion version() const { return m_version; }
    std::string const& parent_path() const { return m_parent; }
    std::string domain_path(std::string_view domain) const { return m_parent + "/" + std::string(domain); }

    // Creates (or reuses) the domain's cgroup, writes `credit` and moves `pid` (all its threads)
    // into it.
    Status attach(std::string_view domain, pid_t pid, Credit const& credit);
    Status set(std::string_view domain, Credit const& credit);
    // What the cgroup holds, in Xen's terms. `recorded` is what xend last wrote: it is returned
    // as is when the files still hold its mapping (v2's rounding would lose the exact weight).
    Result<Credit> get(std::string_view domain, Credit const& recorded) const;
    // The credit of the cgroup process `pid` runs in (Domain-0's row: xend's own cgroup). A
    // cgroup without cpu settings (v2's root) has the defaults, weight 256 and no cap.
    Result<Credit> get_process(pid_t pid) const;
    // Removes the domain's cgroup; a cgroup that is already gone is fine.
    Status remove(std::string_view domain);
    // Follows `xm rename`.
    Status rename(std::string_view from, std::string_view to);

private:
    CpuCgroups() = default;
    Status require_available() const;
    Result<Credit> read_credit(std::string const& path, Credit const& recorded) const;

    CgroupVersion m_version { CgroupVersion::V1 };
    std::string m_base;        // the cpu controller's root: ROOT/cpu (v1) or ROOT (v2)
    std::string m_parent;      // absolute path of the parent cgroup
    std::string m_unavailable; // why cgroups cannot be used; "" when they can
};

} // namespace xenith
