// CreditMapping: the arithmetic between Xen's weight/cap and cgroup values.
#include "toolstack/xend/credit_mapping.h"

#include <algorithm>
#include <charconv>

namespace xenith {

uint64_t weight_to_shares(unsigned weight) { return uint64_t(weight) * 1024 / kDefaultWeight; }

unsigned shares_to_weight(uint64_t shares)
{
    uint64_t weight = (shares * kDefaultWeight + 512) / 1024;
    return unsigned(std::clamp<uint64_t>(weight, 1, kMaxWeight));
}

unsigned weight_to_cpu_weight(unsigned weight)
{
    uint64_t scaled = (uint64_t(weight) * 100 + kDefaultWeight / 2) / kDefaultWeight;
    return unsigned(std::clamp<uint64_t>(scaled, 1, 10000));
}

unsigned cpu_weight_to_weight(unsigned cpu_weight)
{
    uint64_t weight = (uint64_t(cpu_weight) * kDefaultWeight + 50) / 100;
    return unsigned(std::clamp<uint64_t>(weight, 1, kMaxWeight));
}

int64_t cap_to_quota_us(unsigned cap) { return cap == 0 ? -1 : int64_t(cap) * int64_t(kCapPeriodUs) / 100; }

unsigned quota_to_cap(int64_t quota_us, uint64_t period_us)
{
    if (quota_us < 0 || period_us == 0)
        return 0;
    // Rounded up: a quota that allows any CPU at all is at least cap 1.
    return unsigned(std::max<uint64_t>(1, (uint64_t(quota_us) * 100 + period_us - 1) / period_us));
}

std::string cap_to_cpu_max(unsigned cap)
{
    if (cap == 0)
        return fmt::format("max {}", kCapPeriodUs);
    return fmt::format("{} {}", cap_to_quota_us(cap), kCapPeriodUs);
}

Result<unsigned> cpu_max_to_cap(std::string_view text)
{
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.remove_suffix(1);
    auto space = text.find(' ');
    std::string_view quota = text.substr(0, space);
    std::string_view period = space == std::string_view::npos ? std::string_view("100000") : text.substr(space + 1);
    uint64_t period_us = 0;
    if (std::from_chars(period.data(), period.data() + period.size(), period_us).ptr != period.data() + period.size() || period_us == 0)
        return fail("cpu.max \"{}\": the period is not a positive number", text);
    if (quota == "max")
        return 0u;
    int64_t quota_us = 0;
    if (std::from_chars(quota.data(), quota.data() + quota.size(), quota_us).ptr != quota.data() + quota.size() || quota.empty())
        return fail("cpu.max \"{}\": the quota is neither \"max\" nor a number", text);
    return quota_to_cap(quota_us, period_us);
}

} // namespace xenith
