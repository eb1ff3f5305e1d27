#include <gtest/gtest.h>

#include "base/mapping.h"

namespace xenith {
namespace {

TEST(Mapping, AnonymousIsZeroFilledAndWritable)
{
    auto m = Mapping::anonymous(1 << 20);
    ASSERT_TRUE(m) << m.error().message();
    EXPECT_EQ(m->data()[12345], 0);
    m->data()[12345] = 7;
    EXPECT_EQ(m->data()[12345], 7);
}

TEST(Mapping, DiscardReadsBackAsZero)
{
    auto m = Mapping::anonymous(1 << 20);
    ASSERT_TRUE(m);
    m->data()[4096] = 0xaa;
    ASSERT_TRUE(m->discard(4096, 4096));
    EXPECT_EQ(m->data()[4096], 0);
}

TEST(Mapping, DiscardOutsideIsAnError)
{
    auto m = Mapping::anonymous(8192);
    ASSERT_TRUE(m);
    auto s = m->discard(4096, 8192);
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message().find("outside"), std::string::npos);
}

TEST(Mapping, ZeroSizeIsAnError)
{
    EXPECT_FALSE(Mapping::anonymous(0));
}

TEST(Mapping, MoveLeavesSourceEmpty)
{
    auto m = Mapping::anonymous(4096);
    ASSERT_TRUE(m);
    uint8_t* p = m->data();
    Mapping n = std::move(*m);
    EXPECT_EQ(n.data(), p);
    EXPECT_EQ(m->data(), nullptr);
}

} // namespace
} // namespace xenith
