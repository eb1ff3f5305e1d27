// NetRateLimiter tests: xl's vif rate as a per-interval token bucket.
#include <gtest/gtest.h>

#include "engine/io/net_rate_limiter.h"

namespace xenith {
namespace {

using namespace std::chrono_literals;

TEST(NetRateLimiter, ZeroRateIsUnlimited)
{
    NetRateLimiter limiter;
    EXPECT_TRUE(limiter.unlimited());
    EXPECT_TRUE(limiter.try_consume(1 << 30));
}

TEST(NetRateLimiter, CreditIsRateTimesInterval)
{
    // 10Mb/s@20ms as xl writes it: 1 250 000 bytes/s, 25 000 bytes per 20 ms.
    NetRateLimiter limiter(1250000, 20000);
    EXPECT_EQ(limiter.credit_per_interval(), 25000u);
}

TEST(NetRateLimiter, RefusesBeyondCreditUntilRefill)
{
    NetRateLimiter limiter(10000, 100000); // 1000 bytes per 100 ms
    auto t0 = NetRateLimiter::Clock::now();
    EXPECT_TRUE(limiter.try_consume(600, t0));
    EXPECT_FALSE(limiter.try_consume(600, t0));
    EXPECT_TRUE(limiter.try_consume(400, t0));
    EXPECT_FALSE(limiter.try_consume(1, t0));
    EXPECT_TRUE(limiter.try_consume(600, limiter.next_refill()));
}

TEST(NetRateLimiter, CreditDoesNotAccumulate)
{
    NetRateLimiter limiter(10000, 100000);
    auto later = NetRateLimiter::Clock::now() + 10s;
    EXPECT_TRUE(limiter.try_consume(1000, later));
    EXPECT_FALSE(limiter.try_consume(1, later));
}

TEST(NetRateLimiter, OversizedFramePassesOnFullBucket)
{
    NetRateLimiter limiter(10000, 100000);
    auto t0 = NetRateLimiter::Clock::now();
    EXPECT_TRUE(limiter.try_consume(1500, t0));
    EXPECT_FALSE(limiter.try_consume(1500, t0));
}

} // namespace
} // namespace xenith
