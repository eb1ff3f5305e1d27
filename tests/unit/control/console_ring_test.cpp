// ConsoleRing: history kept for late console clients.
#include <gtest/gtest.h>

#include <string>

#include "engine/io/console_ring.h"

using namespace xenith;

namespace {

std::span<uint8_t const> bytes(std::string const& s) { return { reinterpret_cast<uint8_t const*>(s.data()), s.size() }; }
std::string text(std::vector<uint8_t> const& v) { return { v.begin(), v.end() }; }

} // namespace

TEST(ConsoleRing, EmptyHasNoHistory)
{
    ConsoleRing ring(8);
    EXPECT_EQ(ring.size(), 0u);
    EXPECT_EQ(text(ring.snapshot()), "");
}

TEST(ConsoleRing, KeepsEverythingBelowCapacity)
{
    ConsoleRing ring(8);
    ring.append(bytes("abc"));
    ring.append(bytes("de"));
    EXPECT_EQ(text(ring.snapshot()), "abcde");
    EXPECT_EQ(ring.dropped(), 0u);
}

TEST(ConsoleRing, WrapsAroundDroppingOldest)
{
    ConsoleRing ring(8);
    ring.append(bytes("abcdef"));
    ring.append(bytes("ghij"));
    EXPECT_EQ(text(ring.snapshot()), "cdefghij");
    EXPECT_EQ(ring.dropped(), 2u);
    ring.append(bytes("klm"));
    EXPECT_EQ(text(ring.snapshot()), "fghijklm");
    EXPECT_EQ(ring.dropped(), 5u);
}

TEST(ConsoleRing, ExactlyFullThenOneMore)
{
    ConsoleRing ring(4);
    ring.append(bytes("abcd"));
    EXPECT_EQ(text(ring.snapshot()), "abcd");
    ring.append(bytes("e"));
    EXPECT_EQ(text(ring.snapshot()), "bcde");
}

TEST(ConsoleRing, WriteLargerThanCapacityKeepsTail)
{
    ConsoleRing ring(4);
    ring.append(bytes("xy"));
    ring.append(bytes("0123456789"));
    EXPECT_EQ(text(ring.snapshot()), "6789");
    EXPECT_EQ(ring.dropped(), 2u + 6u);
}

TEST(ConsoleRing, ZeroCapacityKeepsNothing)
{
    ConsoleRing ring(0);
    ring.append(bytes("hello"));
    EXPECT_EQ(ring.size(), 0u);
    EXPECT_EQ(ring.dropped(), 5u);
}

TEST(ConsoleRing, ManySmallWritesMatchReference)
{
    ConsoleRing ring(37);
    std::string all;
    for (int i = 0; i < 500; ++i) {
        std::string chunk(size_t(i % 11), char('a' + i % 26));
        all += chunk;
        ring.append(bytes(chunk));
        std::string expect = all.size() > 37 ? all.substr(all.size() - 37) : all;
        ASSERT_EQ(text(ring.snapshot()), expect) << "after write " << i;
    }
}
