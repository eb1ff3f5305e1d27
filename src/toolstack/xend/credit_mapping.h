// CreditMapping: Xen's credit-scheduler weight and cap expressed in the host's cgroup cpu
// controller (v1: cpu.shares, cpu.cfs_quota_us/cfs_period_us; v2: cpu.weight, cpu.max).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace xenith {

// A domain's credit parameters as Xen names them: weight 1..65535 (256 = default, relative),
// cap in percent of one CPU (0 = no cap; 200 = two CPUs).
struct Credit {
    unsigned weight { 256 };
    unsigned cap { 0 };
    bool operator==(Credit const&) const = default;
};

inline constexpr unsigned kDefaultWeight = 256;
inline constexpr unsigned kMaxWeight = 65535;
// The CFS period every cap is expressed in: 100 ms, the kernel's default.
inline constexpr uint64_t kCapPeriodUs = 100000;

// cgroup v1: cpu.shares = weight * 1024 / 256, so the default weight is the default 1024 shares
// and ratios between domains are kept exactly (weight 512 gets twice the CPU of weight 256).
uint64_t weight_to_shares(unsigned weight);
unsigned shares_to_weight(uint64_t shares);

// cgroup v2: cpu.weight (1..10000, default 100) = weight * 100 / 256, rounded, at least 1.
// Ratios are kept to within rounding up to weight 25600; above that cpu.weight stays 10000.
unsigned weight_to_cpu_weight(unsigned weight);
unsigned cpu_weight_to_weight(unsigned cpu_weight);

// Cap to a CFS quota per kCapPeriodUs: cap 50 is 50000 us every 100000 us; no cap is -1 (v1)
// or "max" (v2).
int64_t cap_to_quota_us(unsigned cap);
unsigned quota_to_cap(int64_t quota_us, uint64_t period_us);
std::string cap_to_cpu_max(unsigned cap);       // "max 100000", "50000 100000"
Result<unsigned> cpu_max_to_cap(std::string_view cpu_max);

} // namespace xenith
