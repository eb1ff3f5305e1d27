// Aclint register tests: msip and mtimecmp reach the right hart, mtime follows the timebase.
#include <gtest/gtest.h>

#include "engine/dev/aclint.h"
#include "engine/riscv/hart.h"
#include "engine/riscv/timebase.h"
#include "dev/fake_harts.h"

namespace xenith {
namespace {

struct AclintTest : ::testing::Test {
    test::RecordingHart h0, h1;
    InterruptTarget* harts[2] { &h0, &h1 };
    Aclint clint { Aclint::default_base, harts };
};

TEST_F(AclintTest, ResetLeavesTimerDisarmed)
{
    EXPECT_EQ(h0.mtimecmp, ~0ull);
    EXPECT_EQ(clint.read(Aclint::mtimecmp_offset + 8, 8), ~0ull);
}

TEST_F(AclintTest, MsipRaisesAndClearsMachineSoftwareInterruptOfThatHart)
{
    clint.write(4, 1, 4);
    EXPECT_EQ(h1.mip, riscv::irq::MSIP);
    EXPECT_EQ(h0.mip, 0u);
    EXPECT_EQ(clint.read(4, 4), 1u);
    clint.write(4, 0xfffffffe, 4); // only bit 0 is writable
    EXPECT_EQ(h1.mip, 0u);
    EXPECT_EQ(clint.read(4, 4), 0u);
}

TEST_F(AclintTest, MtimecmpWholeWrite)
{
    clint.write(Aclint::mtimecmp_offset, 0x1122334455667788, 8);
    EXPECT_EQ(h0.mtimecmp, 0x1122334455667788u);
    EXPECT_EQ(clint.read(Aclint::mtimecmp_offset, 8), 0x1122334455667788u);
}

TEST_F(AclintTest, MtimecmpHalfWritesCombine)
{
    clint.write(Aclint::mtimecmp_offset + 8, 0xdeadbeef, 4);
    clint.write(Aclint::mtimecmp_offset + 12, 0x1, 4);
    EXPECT_EQ(h1.mtimecmp, 0x1deadbeefu);
    EXPECT_EQ(clint.read(Aclint::mtimecmp_offset + 12, 4), 1u);
    EXPECT_EQ(clint.read(Aclint::mtimecmp_offset + 8, 4), 0xdeadbeefu);
}

TEST_F(AclintTest, MtimeFollowsTimebaseAndIgnoresWrites)
{
    uint64_t before = riscv::mtime_now();
    clint.write(Aclint::mtime_offset, 0, 8);
    uint64_t t = clint.read(Aclint::mtime_offset, 8);
    uint64_t after = riscv::mtime_now();
    EXPECT_GE(t, before);
    EXPECT_LE(t, after);
    uint64_t low = clint.read(Aclint::mtime_offset, 4);
    uint64_t high = clint.read(Aclint::mtime_offset + 4, 4);
    EXPECT_EQ(high, riscv::mtime_now() >> 32); // the high half changes every ~7 minutes
    EXPECT_LT(low, 1ull << 32);
}

TEST_F(AclintTest, RegistersBeyondLastHartAreReserved)
{
    clint.write(8, 1, 4); // msip of a third hart that does not exist
    EXPECT_EQ(clint.read(8, 4), 0u);
    clint.write(Aclint::mtimecmp_offset + 16, 5, 8);
    EXPECT_EQ(clint.read(Aclint::mtimecmp_offset + 16, 8), 0u);
}

} // namespace
} // namespace xenith
