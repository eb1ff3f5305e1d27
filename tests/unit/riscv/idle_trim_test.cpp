// IdleTrimPolicy: an idle hart drops its decoded blocks once about a second of idleness is
// reached, a busy one never does, and a trim needs fresh decoding and idleness after the last.
#include <gtest/gtest.h>

#include "engine/riscv/idle_trim.h"

namespace xenith::riscv {
namespace {

constexpr uint64_t ms = timebase_hz / 1000;
constexpr size_t big = IdleTrimPolicy::min_bytes + 1;
constexpr uint64_t forever = ~0ull;

// Drives a policy through sleeps and wake-ups on a simulated clock.
struct Hart {
    IdleTrimPolicy policy;
    uint64_t now { 1000 * ms };
    unsigned trims { 0 };

    // Works for `awake` ticks, then sleeps for `asleep` ticks; returns whether it trimmed.
    bool cycle(uint64_t awake, uint64_t asleep, size_t used = big)
    {
        now += awake;
        bool trim = policy.should_trim(now, asleep, used);
        trims += trim;
        now += asleep == forever ? 0 : asleep;
        policy.woke(now);
        return trim;
    }
};

TEST(IdleTrimPolicy, ASleepRightAfterWorkTrimsOnlyIfItIsLong)
{
    Hart h;
    h.cycle(5000 * ms, 4 * ms); // boot: a long time awake
    EXPECT_FALSE(h.cycle(50 * ms, 500 * ms)) << "busy until now, and only 0.5 s of sleep ahead";
    EXPECT_FALSE(h.cycle(300 * ms, 900 * ms)) << "busy again";
    EXPECT_TRUE(h.cycle(300 * ms, 1000 * ms)) << "nothing to do for a second";
}

TEST(IdleTrimPolicy, TrimsAfterAboutASecondOfTicks)
{
    Hart h;
    h.cycle(5000 * ms, 4 * ms);
    // A NO_HZ guest: a few ticks, then long sleeps, each wake-up a fraction of a millisecond.
    for (int k = 0; k < 8; ++k)
        EXPECT_FALSE(h.cycle(ms / 4, 4 * ms));
    EXPECT_FALSE(h.cycle(ms / 4, 700 * ms)) << "idle for 34 ms, then 0.7 s: 1 s needed";
    EXPECT_TRUE(h.cycle(ms / 4, 700 * ms)) << "idle for 0.73 s, then 0.7 s";
    EXPECT_EQ(h.trims, 1u);
}

TEST(IdleTrimPolicy, ABusyHartWithShortSleepsNeverTrims)
{
    Hart h;
    // Awake half of the time, including sleeps long enough to trigger a trim on their own.
    for (int k = 0; k < 200; ++k) {
        h.cycle(100 * ms, 20 * ms);
        h.cycle(150 * ms, 150 * ms);
    }
    EXPECT_EQ(h.trims, 0u);
}

TEST(IdleTrimPolicy, ShortBurstsInALongIdlePeriodDoNotPreventIt)
{
    Hart h;
    h.cycle(5000 * ms, 2000 * ms);
    // A DHCP retry or a cron job: 30 ms of work after seconds of sleep.
    EXPECT_FALSE(h.cycle(30 * ms, 2 * ms));
    EXPECT_TRUE(h.cycle(ms, 900 * ms));
}

TEST(IdleTrimPolicy, NeedsALongSleepAndEnoughDecodedCode)
{
    Hart h;
    h.cycle(5000 * ms, 4 * ms);
    for (int k = 0; k < 400; ++k)
        EXPECT_FALSE(h.cycle(ms / 10, 50 * ms)) << "50 ms sleeps only";
    EXPECT_FALSE(h.cycle(ms / 10, 5000 * ms, IdleTrimPolicy::min_bytes)) << "too little decoded to bother";
    EXPECT_TRUE(h.cycle(ms / 10, forever)) << "a WFI with no timer armed sleeps as long as it likes";
}

TEST(IdleTrimPolicy, TheNextTrimNeedsFreshDecodingAndAnotherIdleStretch)
{
    Hart h;
    h.cycle(5000 * ms, 4 * ms);
    EXPECT_TRUE(h.cycle(ms, 1100 * ms));
    // Right after a trim the cache holds only what ran since: nothing to drop.
    for (int k = 0; k < 20; ++k)
        EXPECT_FALSE(h.cycle(ms, 1100 * ms, IdleTrimPolicy::min_bytes / 2));
    // Seconds of work that decode a lot, then sleeps: the stretch starts again with them.
    EXPECT_FALSE(h.cycle(5000 * ms, 500 * ms));
    EXPECT_FALSE(h.cycle(ms, 300 * ms));
    EXPECT_TRUE(h.cycle(ms, 300 * ms)) << "idle 0.8 s, then 0.3 s";
    EXPECT_FALSE(h.cycle(ms, 5000 * ms, IdleTrimPolicy::min_bytes / 2)) << "idle, but little decoded since the trim";
}

TEST(IdleTrimPolicy, TimeWithoutAWakeUpIsNotCountedAsAwake)
{
    // should_trim twice with no woke() in between (a WFI that went round its loop without
    // sleeping): the time between the two calls is not work.
    Hart h;
    h.cycle(5000 * ms, 4 * ms);
    h.now += ms / 4;
    EXPECT_FALSE(h.policy.should_trim(h.now, 50 * ms, big));
    h.now += 1100 * ms;
    EXPECT_TRUE(h.policy.should_trim(h.now, 300 * ms, big));
}

} // namespace
} // namespace xenith::riscv
