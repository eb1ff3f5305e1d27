// GoldfishRtc tests: host time, latched high word, guest-set time, alarm interrupt.
#include <gtest/gtest.h>

#include <ctime>

#include "engine/dev/goldfish_rtc.h"
#include "dev/fake_harts.h"

namespace xenith {
namespace {

uint64_t realtime_ns()
{
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return uint64_t(ts.tv_sec) * 1'000'000'000ull + uint64_t(ts.tv_nsec);
}

struct RtcTest : ::testing::Test {
    test::RecordingLine line;
    GoldfishRtc rtc { GoldfishRtc::default_base, 11, line };
    uint64_t time()
    {
        uint64_t low = rtc.read(0x00, 4);
        return rtc.read(0x04, 4) << 32 | low;
    }
};

TEST_F(RtcTest, TimeIsHostRealtime)
{
    uint64_t before = realtime_ns();
    uint64_t t = time();
    uint64_t after = realtime_ns();
    EXPECT_GE(t, before);
    EXPECT_LE(t, after);
}

TEST_F(RtcTest, GuestCanSetTime)
{
    uint64_t wanted = 1'000'000'000ull * 86400 * 365; // 1971
    rtc.write(0x04, wanted >> 32, 4);
    rtc.write(0x00, uint32_t(wanted), 4);
    uint64_t t = time();
    EXPECT_GE(t, wanted);
    EXPECT_LT(t, wanted + 1'000'000'000ull);
}

TEST_F(RtcTest, AlarmInThePastInterruptsWhenEnabledUntilCleared)
{
    rtc.write(0x10, 1, 4);
    rtc.write(0x0c, 0, 4);
    rtc.write(0x08, 1, 4);
    EXPECT_TRUE(line.level);
    EXPECT_EQ(rtc.read(0x18, 4), 0u);
    rtc.write(0x1c, 1, 4);
    EXPECT_FALSE(line.level);
}

TEST_F(RtcTest, AlarmInFutureStaysArmedWithoutInterrupt)
{
    uint64_t later = realtime_ns() + 3600'000'000'000ull;
    rtc.write(0x10, 1, 4);
    rtc.write(0x0c, later >> 32, 4);
    rtc.write(0x08, uint32_t(later), 4);
    EXPECT_FALSE(line.level);
    EXPECT_EQ(rtc.read(0x18, 4), 1u);
    rtc.write(0x14, 1, 4);
    EXPECT_EQ(rtc.read(0x18, 4), 0u);
}

TEST_F(RtcTest, DisabledInterruptKeepsLineLow)
{
    rtc.write(0x08, 1, 4);
    EXPECT_FALSE(line.level);
    rtc.write(0x10, 1, 4);
    EXPECT_TRUE(line.level);
}

} // namespace
} // namespace xenith
