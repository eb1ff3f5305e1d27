#include <gtest/gtest.h>

#include "base/error.h"

namespace xenith {
namespace {

Result<int> parse_positive(int v)
{
    if (v <= 0)
        return fail("value {} must be positive", v);
    return v;
}

Result<int> doubled(int v)
{
    int x = XENITH_TRY(parse_positive(v));
    return 2 * x;
}

TEST(Error, FormatsMessage)
{
    auto r = parse_positive(-3);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "value -3 must be positive");
}

TEST(Error, TryPropagatesErrorAndValue)
{
    EXPECT_EQ(*doubled(4), 8);
    auto r = doubled(0);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "value 0 must be positive");
}

TEST(Error, FromErrnoAppendsStrerror)
{
    auto e = Error::from_errno("open /nonexistent", ENOENT);
    EXPECT_EQ(e.message(), "open /nonexistent: No such file or directory");
    EXPECT_EQ(e.sys_errno(), ENOENT);
}

TEST(Error, WithContextPrefixes)
{
    auto e = Error("bad sector").with_context("disk xvda");
    EXPECT_EQ(e.message(), "disk xvda: bad sector");
}

} // namespace
} // namespace xenith
