// MacAddress tests: vif mac= parsing and Xen-OUI random addresses.
#include <gtest/gtest.h>

#include "engine/io/net_mac.h"

namespace xenith {
namespace {

TEST(MacAddress, ParsesColonAndDashForms)
{
    auto mac = MacAddress::parse("00:16:3E:0a:bB:ff");
    ASSERT_TRUE(mac);
    EXPECT_EQ(mac->to_string(), "00:16:3e:0a:bb:ff");
    EXPECT_EQ(MacAddress::parse("00-16-3e-0a-bb-ff")->to_string(), "00:16:3e:0a:bb:ff");
}

TEST(MacAddress, RejectsMalformed)
{
    EXPECT_FALSE(MacAddress::parse("00:16:3e:0a:bb"));
    EXPECT_FALSE(MacAddress::parse("00:16:3e:0a:bb:ff:00"));
    EXPECT_FALSE(MacAddress::parse("00:16:3e:0a:bb:fg"));
    EXPECT_FALSE(MacAddress::parse(""));
    auto multicast = MacAddress::parse("01:00:5e:00:00:01");
    ASSERT_FALSE(multicast);
    EXPECT_NE(multicast.error().message().find("multicast"), std::string::npos);
}

TEST(MacAddress, RandomIsInXenOui)
{
    for (int i = 0; i < 50; ++i) {
        auto mac = MacAddress::random_xen();
        EXPECT_EQ(mac.bytes[0], 0x00);
        EXPECT_EQ(mac.bytes[1], 0x16);
        EXPECT_EQ(mac.bytes[2], 0x3e);
        EXPECT_EQ(mac.bytes[3] & 0x80, 0);
    }
    EXPECT_NE(MacAddress::random_xen(), MacAddress::random_xen()); // 1 in 2^23 flake
}

TEST(MacAddress, EmptySpecMeansRandom)
{
    auto mac = MacAddress::from_spec("");
    ASSERT_TRUE(mac);
    EXPECT_EQ(mac->bytes[2], 0x3e);
}

} // namespace
} // namespace xenith
