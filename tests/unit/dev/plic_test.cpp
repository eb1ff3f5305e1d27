// Plic tests: gateway, priority arbitration, thresholds, claim/complete per context.
#include <gtest/gtest.h>

#include "engine/dev/plic.h"
#include "engine/riscv/hart.h"
#include "dev/fake_harts.h"

namespace xenith {
namespace {

struct PlicTest : ::testing::Test {
    test::RecordingHart h0, h1;
    InterruptTarget* harts[2] { &h0, &h1 };
    Plic plic { Plic::default_base, harts };

    void set_priority(unsigned src, uint32_t p) { plic.write(4 * src, p, 4); }
    void enable(unsigned ctx, unsigned src)
    {
        uint64_t off = Plic::enable_offset + Plic::enable_stride * ctx + 4 * (src / 32);
        plic.write(off, plic.read(off, 4) | (1u << (src % 32)), 4);
    }
    void set_threshold(unsigned ctx, uint32_t t) { plic.write(Plic::context_offset + Plic::context_stride * ctx, t, 4); }
    uint32_t claim(unsigned ctx) { return uint32_t(plic.read(Plic::context_offset + Plic::context_stride * ctx + 4, 4)); }
    void complete(unsigned ctx, unsigned src) { plic.write(Plic::context_offset + Plic::context_stride * ctx + 4, src, 4); }
    bool pending(unsigned src) { return plic.read(Plic::pending_offset + 4 * (src / 32), 4) >> (src % 32) & 1; }
};

TEST_F(PlicTest, LinesExistOnlyForSources1To95)
{
    EXPECT_EQ(plic.irq_line(0), nullptr);
    EXPECT_NE(plic.irq_line(1), nullptr);
    EXPECT_NE(plic.irq_line(95), nullptr);
    EXPECT_EQ(plic.irq_line(96), nullptr);
}

TEST_F(PlicTest, PriorityIsWarlThreeBitsAndSourceZeroIsHardwired)
{
    set_priority(10, 0xff);
    EXPECT_EQ(plic.read(40, 4), 7u);
    set_priority(0, 5);
    EXPECT_EQ(plic.read(0, 4), 0u);
}

TEST_F(PlicTest, LevelHighSetsPendingAndDrivesSupervisorExternalInterrupt)
{
    set_priority(10, 1);
    enable(1, 10); // hart 0, S context
    plic.irq_line(10)->set_level(true);
    EXPECT_TRUE(pending(10));
    EXPECT_EQ(h0.mip, riscv::irq::SEIP);
    EXPECT_EQ(h1.mip, 0u);
}

TEST_F(PlicTest, PriorityZeroNeverInterrupts)
{
    enable(1, 10);
    plic.irq_line(10)->set_level(true);
    EXPECT_TRUE(pending(10));
    EXPECT_EQ(h0.mip, 0u);
    EXPECT_EQ(claim(1), 0u);
}

TEST_F(PlicTest, ThresholdMasksPrioritiesAtOrBelowIt)
{
    set_priority(5, 3);
    enable(0, 5);
    set_threshold(0, 3);
    plic.irq_line(5)->set_level(true);
    EXPECT_EQ(h0.mip, 0u);
    set_threshold(0, 2);
    EXPECT_EQ(h0.mip, riscv::irq::MEIP);
}

TEST_F(PlicTest, ClaimPicksHighestPriorityThenLowestId)
{
    set_priority(3, 2);
    set_priority(7, 5);
    set_priority(9, 5);
    for (unsigned s : { 3u, 7u, 9u }) {
        enable(1, s);
        plic.irq_line(s)->set_level(true);
    }
    EXPECT_EQ(claim(1), 7u);
    EXPECT_EQ(claim(1), 9u);
    EXPECT_EQ(claim(1), 3u);
    EXPECT_EQ(claim(1), 0u);
    EXPECT_EQ(h0.mip, 0u);
}

TEST_F(PlicTest, ClaimedSourceStaysQuietUntilCompleteThenRepends)
{
    set_priority(10, 1);
    enable(1, 10);
    plic.irq_line(10)->set_level(true);
    EXPECT_EQ(claim(1), 10u);
    EXPECT_FALSE(pending(10));
    EXPECT_EQ(h0.mip, 0u);
    plic.irq_line(10)->set_level(true); // still high: nothing new while in service
    EXPECT_EQ(h0.mip, 0u);
    complete(1, 10);
    EXPECT_TRUE(pending(10)); // level-triggered: the line is still high
    EXPECT_EQ(h0.mip, riscv::irq::SEIP);
}

TEST_F(PlicTest, CompleteAfterLineDroppedLeavesSourceIdle)
{
    set_priority(10, 1);
    enable(1, 10);
    plic.irq_line(10)->set_level(true);
    EXPECT_EQ(claim(1), 10u);
    plic.irq_line(10)->set_level(false);
    complete(1, 10);
    EXPECT_FALSE(pending(10));
    EXPECT_EQ(h0.mip, 0u);
}

TEST_F(PlicTest, CompleteForSourceNotEnabledInContextIsIgnored)
{
    set_priority(10, 1);
    enable(1, 10);
    plic.irq_line(10)->set_level(true);
    EXPECT_EQ(claim(1), 10u);
    complete(3, 10); // hart 1's S context does not enable source 10
    plic.irq_line(10)->set_level(true);
    EXPECT_FALSE(pending(10));
    complete(1, 10);
    EXPECT_TRUE(pending(10));
}

TEST_F(PlicTest, ContextsOfEachHartDriveOwnLines)
{
    set_priority(1, 1);
    set_priority(2, 1);
    enable(2, 1); // hart 1 M
    enable(3, 2); // hart 1 S
    plic.irq_line(1)->set_level(true);
    plic.irq_line(2)->set_level(true);
    EXPECT_EQ(h1.mip, riscv::irq::MEIP | riscv::irq::SEIP);
    EXPECT_EQ(h0.mip, 0u);
    EXPECT_EQ(claim(3), 2u);
    EXPECT_EQ(h1.mip, riscv::irq::MEIP);
}

TEST_F(PlicTest, EnableBitOfSourceZeroAndBeyondLastSourceAreHardwiredOff)
{
    plic.write(Plic::enable_offset, 0xffffffff, 4);
    EXPECT_EQ(plic.read(Plic::enable_offset, 4), 0xfffffffeu);
    plic.write(Plic::enable_offset + 8, 0xffffffff, 4);
    EXPECT_EQ(plic.read(Plic::enable_offset + 8, 4), 0xffffffffu); // sources 64..95
    EXPECT_EQ(plic.read(Plic::enable_offset + 12, 4), 0u);
}

TEST_F(PlicTest, NonWordAccessesAreIgnored)
{
    set_priority(4, 3);
    plic.write(16, 1, 1);
    EXPECT_EQ(plic.read(16, 4), 3u);
    EXPECT_EQ(plic.read(16, 2), 0u);
}

TEST_F(PlicTest, AccessToContextOfMissingHartIsHarmless)
{
    set_threshold(4, 1); // hart 2 does not exist
    EXPECT_EQ(claim(4), 0u);
    EXPECT_EQ(plic.read(Plic::context_offset + Plic::context_stride * 4, 4), 0u);
}

} // namespace
} // namespace xenith
