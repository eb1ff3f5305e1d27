#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "base/unique_fd.h"

namespace xenith {
namespace {

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

TEST(UniqueFd, ClosesOnDestruction)
{
    int raw = ::open("/dev/null", O_RDONLY);
    ASSERT_GE(raw, 0);
    {
        UniqueFd fd(raw);
        EXPECT_TRUE(fd.is_valid());
    }
    EXPECT_FALSE(is_open(raw));
}

TEST(UniqueFd, MoveTransfersOwnership)
{
    UniqueFd a(::open("/dev/null", O_RDONLY));
    int raw = a.get();
    UniqueFd b(std::move(a));
    EXPECT_FALSE(a.is_valid());
    EXPECT_EQ(b.get(), raw);
    UniqueFd c;
    c = std::move(b);
    EXPECT_EQ(c.get(), raw);
    EXPECT_TRUE(is_open(raw));
}

TEST(UniqueFd, ReleaseKeepsFdOpen)
{
    UniqueFd a(::open("/dev/null", O_RDONLY));
    int raw = a.release();
    EXPECT_FALSE(a.is_valid());
    EXPECT_TRUE(is_open(raw));
    ::close(raw);
}

} // namespace
} // namespace xenith
