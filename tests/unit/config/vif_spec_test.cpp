// vif specs: every key of xl-network-configuration(5), rates, MACs, forwards.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "toolstack/config/vif_spec.h"

namespace xenith {
namespace {

using ::testing::ElementsAre;

TEST(VifSpec, EveryKey)
{
    std::vector<std::string> warnings;
    auto vif = parse_vif_spec("mac=AA:16:3E:74:3D:76,bridge=xenbr1,gatewaydev=eth1,type=ioemu,model=e1000,"
                              "vifname=db0,script=vif-route,ip=192.168.1.10 fe80::1,backend=0,rate=1MB/s@20ms,"
                              "devid=3,mtu=9000,forward=tcp:8080:80",
        &warnings);
    ASSERT_TRUE(vif) << vif.error().message();
    EXPECT_EQ(vif->mac, "aa:16:3e:74:3d:76");
    EXPECT_EQ(vif->bridge, "xenbr1");
    EXPECT_EQ(vif->gatewaydev, "eth1");
    EXPECT_EQ(vif->type, "ioemu");
    EXPECT_EQ(vif->model, "e1000");
    EXPECT_EQ(vif->vifname, "db0");
    EXPECT_EQ(vif->script, "vif-route");
    EXPECT_EQ(vif->ip, "192.168.1.10 fe80::1");
    EXPECT_EQ(vif->backend, "0");
    EXPECT_EQ(vif->rate, "1MB/s@20ms");
    EXPECT_EQ(vif->rate_bytes_per_sec, 1000000u);
    EXPECT_EQ(vif->rate_interval_us, 20000u);
    EXPECT_EQ(vif->mtu, 9000u);
    EXPECT_THAT(vif->forwards, ElementsAre("tcp:8080:80"));
    EXPECT_THAT(warnings, ElementsAre("vif '" + std::string("mac=AA:16:3E:74:3D:76,bridge=xenbr1,gatewaydev=eth1,type=ioemu,model=e1000,"
                                                            "vifname=db0,script=vif-route,ip=192.168.1.10 fe80::1,backend=0,rate=1MB/s@20ms,"
                                                            "devid=3,mtu=9000,forward=tcp:8080:80")
                                          + "': backend= is recorded but driver domains do not exist in Xenith",
                              testing::HasSubstr("devid is ignored")));
}

TEST(VifSpec, TrustedAndUntrustedFlagsAreAcceptedAndIgnored)
{
    // xl's check-xl-vif-parse spellings (XSA-403).
    for (std::string spec : { "trusted", "untrusted", "mac=00:16:3e:00:00:01,bridge=xenbr0,untrusted" }) {
        std::vector<std::string> warnings;
        auto vif = parse_vif_spec(spec, &warnings);
        ASSERT_TRUE(vif) << vif.error().message();
        std::string flag = spec.ends_with("untrusted") ? "untrusted" : "trusted";
        EXPECT_THAT(warnings, ElementsAre("vif '" + spec + "': flag `" + flag + "' ignored"));
    }
}

TEST(VifSpec, EmptyIsOneDefaultNic)
{
    auto vif = parse_vif_spec("");
    ASSERT_TRUE(vif);
    EXPECT_EQ(vif->mac, "");
    EXPECT_EQ(vif->rate_bytes_per_sec, 0u);
    EXPECT_EQ(vif->rate_interval_us, 50000u);
}

TEST(VifRate, XlExamples)
{
    EXPECT_EQ(parse_vif_rate("10Mb/s")->bytes_per_sec, 1250000u);
    EXPECT_EQ(parse_vif_rate("250KB/s")->bytes_per_sec, 250000u);
    auto rate = parse_vif_rate("1MB/s@20ms"); // "20,000 bytes in every 20 millisecond period"
    ASSERT_TRUE(rate);
    EXPECT_EQ(rate->bytes_per_sec * rate->interval_us / 1000000, 20000u);
    EXPECT_EQ(parse_vif_rate("1GB/s")->bytes_per_sec, 1000000000u);
    EXPECT_EQ(parse_vif_rate("800b/s")->bytes_per_sec, 100u);
    EXPECT_EQ(parse_vif_rate("100B/s")->interval_us, 50000u);
}

TEST(VifRate, IntervalUnits)
{
    EXPECT_EQ(parse_vif_rate("1MB/s@500us")->interval_us, 500u);
    EXPECT_EQ(parse_vif_rate("1MB/s@20ms")->interval_us, 20000u);
    EXPECT_EQ(parse_vif_rate("1MB/s@2s")->interval_us, 2000000u);
    EXPECT_EQ(parse_vif_rate("1MB/s@2")->interval_us, 2000000u); // xl reads a bare number as seconds
}

TEST(VifRate, Malformed)
{
    for (auto bad : { "", "@20ms", "10Mb", "10Mbit/s", "10mb/s", "0MB/s", "1MB/s@", "1MB/s@0ms", "1MB/s@20min",
             "4294967296B/s", "1MB/s@5000s", "-1MB/s", "1b/s" })
        EXPECT_FALSE(parse_vif_rate(bad)) << bad;
}

TEST(Mac, ValidAndNormalised)
{
    EXPECT_EQ(*parse_mac("00:16:3E:74:3d:76"), "00:16:3e:74:3d:76");
    EXPECT_EQ(*parse_mac("02:00:00:00:00:01"), "02:00:00:00:00:01"); // locally administered
    for (auto bad : { "", "00:16:3e:74:3d", "00:16:3e:74:3d:76:00", "00-16-3e-74-3d-76", "0:16:3e:74:3d:76a",
             "01:00:5e:00:00:01", "ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00", "00:16:3e:74:3d:7g" })
        EXPECT_FALSE(parse_mac(bad)) << bad;
}

TEST(VifSpec, Errors)
{
    auto message = [](std::string_view spec) {
        auto vif = parse_vif_spec(spec);
        EXPECT_FALSE(vif) << spec;
        return vif ? std::string() : vif.error().message();
    };
    EXPECT_EQ(message("bridge"),
        "vif 'bridge': `bridge' is not KEY=VALUE or a flag (trusted, untrusted) (e.g. 'mac=00:16:3e:74:3d:76,bridge=xenbr0')");
    EXPECT_EQ(message("mtu=67"), "vif 'mtu=67': mtu: `67' is not valid (expected 68..65535, e.g. mtu=1500)");
    EXPECT_EQ(message("type=tap"), "vif 'type=tap': type: `tap' is not valid (expected vif or ioemu)");
    EXPECT_EQ(message("ip=10.0.0.300"), "vif 'ip=10.0.0.300': ip: `10.0.0.300' is not an IP address (e.g. ip=192.168.1.10)");
    EXPECT_EQ(message("bridge=a,bridge=b"), "vif 'bridge=a,bridge=b': bridge given twice");
    EXPECT_EQ(message("vifname=averyveryverylongname"),
        "vif 'vifname=averyveryverylongname': vifname: `averyveryverylongname' is not a network interface name "
        "(1..15 characters, no `/')");
    EXPECT_EQ(message("forward=sctp:1:2"),
        "vif 'forward=sctp:1:2': forward: `sctp:1:2' has an unknown protocol (tcp or udp) (expected "
        "PROTO:[HOSTADDR:]HOSTPORT:GUESTPORT, e.g. forward=tcp:2222:22)");
    EXPECT_EQ(message("forward=tcp:0:22"),
        "vif 'forward=tcp:0:22': forward: `tcp:0:22' has a port outside 1..65535 (expected "
        "PROTO:[HOSTADDR:]HOSTPORT:GUESTPORT, e.g. forward=tcp:2222:22)");
    EXPECT_EQ(message("forward=tcp:localhost:2222:22"),
        "vif 'forward=tcp:localhost:2222:22': forward: `tcp:localhost:2222:22' has a host address that is not an "
        "IPv4 address (expected PROTO:[HOSTADDR:]HOSTPORT:GUESTPORT, e.g. forward=tcp:2222:22)");
    EXPECT_EQ(message("rate=1MB/s@20min"),
        "vif 'rate=1MB/s@20min': rate `1MB/s@20min': invalid replenishment interval (expected RATE/s[@INTERVAL] with "
        "RATE like 10Mb/s, 250KB/s, 1GB/s and INTERVAL like 20ms, 500us, 1s)");
}

} // namespace
} // namespace xenith
