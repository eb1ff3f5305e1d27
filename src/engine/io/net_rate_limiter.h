// NetRateLimiter: a token bucket for a vif's transmit rate, as xl's `rate=10Mb/s@20ms`.
#pragma once

#include <chrono>
#include <cstdint>

namespace xenith {

// Every `interval` the bucket is refilled to `rate * interval` bytes (Xen's netback credit
// scheme: credit does not accumulate beyond one interval). A frame passes if the credit covers
// it, or if the bucket is full (so frames larger than one interval's credit still move).
class NetRateLimiter {
public:
    using Clock = std::chrono::steady_clock;

    // bytes_per_second == 0 means unlimited.
    NetRateLimiter(uint64_t bytes_per_second = 0, uint64_t interval_us = 50000);

    bool unlimited() const { return m_credit_per_interval == 0; }
    // Takes credit for `bytes` if allowed now.
    bool try_consume(uint64_t bytes, Clock::time_point now = Clock::now());
    // When the next refill happens (for arming a timer after a refusal).
    Clock::time_point next_refill() const { return m_next_refill; }
    uint64_t credit_per_interval() const { return m_credit_per_interval; }

private:
    void refill(Clock::time_point now);

    uint64_t m_credit_per_interval;
    std::chrono::microseconds m_interval;
    uint64_t m_credit;
    Clock::time_point m_next_refill;
};

} // namespace xenith
