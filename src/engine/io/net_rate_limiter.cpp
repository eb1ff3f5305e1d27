// NetRateLimiter: token-bucket arithmetic.
#include "engine/io/net_rate_limiter.h"

#include <algorithm>

namespace xenith {

NetRateLimiter::NetRateLimiter(uint64_t bytes_per_second, uint64_t interval_us)
    : m_credit_per_interval(interval_us ? static_cast<uint64_t>((static_cast<unsigned __int128>(bytes_per_second) * interval_us) / 1000000) : 0)
    , m_interval(std::max<uint64_t>(interval_us, 1))
    , m_credit(m_credit_per_interval)
    , m_next_refill(Clock::now() + m_interval)
{
    if (bytes_per_second && m_credit_per_interval == 0)
        m_credit = m_credit_per_interval = 1; // a tiny rate still lets a byte an interval through
}

void NetRateLimiter::refill(Clock::time_point now)
{
    if (now < m_next_refill)
        return;
    m_credit = m_credit_per_interval;
    auto behind = (now - m_next_refill) / m_interval;
    m_next_refill += m_interval * (behind + 1);
}

bool NetRateLimiter::try_consume(uint64_t bytes, Clock::time_point now)
{
    if (unlimited())
        return true;
    refill(now);
    if (bytes <= m_credit) {
        m_credit -= bytes;
        return true;
    }
    if (m_credit == m_credit_per_interval) {
        m_credit = 0;
        return true;
    }
    return false;
}

} // namespace xenith
