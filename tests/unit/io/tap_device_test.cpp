// Tap/bridge tests, in a private network namespace so the host's interfaces are untouched.
#include <gtest/gtest.h>

#include <linux/sockios.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "engine/io/event_loop.h"
#include "engine/io/net_backend.h"
#include "engine/io/tap_device.h"

namespace xenith {
namespace {

std::string run(char const* command)
{
    std::string out;
    FILE* p = ::popen(command, "r");
    if (!p)
        return out;
    char buf[512];
    while (fgets(buf, sizeof(buf), p))
        out += buf;
    ::pclose(p);
    return out;
}

bool can_make_netns()
{
    return ::geteuid() == 0 && ::access("/dev/net/tun", R_OK | W_OK) == 0;
}

// Runs in a forked child (death-test style): 0 = pass, other codes name the failed step.
int tap_on_bridge_in_netns()
{
    if (::unshare(CLONE_NEWNET) != 0)
        return 10;
    int sock = ::socket(AF_INET, SOCK_DGRAM, 0);
    if (::ioctl(sock, SIOCBRADDBR, "xenbr0") != 0)
        return 11;
    if (!tap::bridge_exists("xenbr0") || tap::bridge_exists("lo") || tap::bridge_exists("nope0"))
        return 12;
    auto loop = EventLoop::create();
    if (!loop)
        return 13;
    (*loop)->start();
    NetOptions options;
    options.domid = 7;
    options.devid = 0;
    options.bridge = "xenbr0";
    options.loop = loop->get();
    auto backend = open_net_backend(options);
    if (!backend)
        return 14;
    if ((*backend)->describe() != "tap vif7.0 on bridge xenbr0")
        return 15;
    std::string link = run("ip -o link show vif7.0 2>&1");
    if (link.find("master xenbr0") == std::string::npos || link.find("UP") == std::string::npos)
        return 16;
    backend->reset();
    (*loop)->stop();
    return 0;
}

int missing_bridge_falls_back_to_nat()
{
    if (::unshare(CLONE_NEWNET) != 0)
        return 10;
    NetOptions options;
    options.domid = 3;
    options.bridge = "xenbr9";
    auto backend = open_net_backend(options);
    if (!backend)
        return 11;
    return (*backend)->describe().find("user-mode NAT") == 0 ? 0 : 12;
}

TEST(TapDevice, TapIsCreatedAndEnslavedToBridge)
{
    if (!can_make_netns())
        GTEST_SKIP() << "needs root and /dev/net/tun";
    EXPECT_EXIT(std::_Exit(tap_on_bridge_in_netns()), ::testing::ExitedWithCode(0), "");
}

TEST(TapDevice, MissingBridgeFallsBackToUserModeNat)
{
    if (!can_make_netns())
        GTEST_SKIP() << "needs root";
    EXPECT_EXIT(std::_Exit(missing_bridge_falls_back_to_nat()), ::testing::ExitedWithCode(0), "");
}

TEST(TapDevice, EmptyBridgeMeansUserModeNat)
{
    NetOptions options;
    auto backend = open_net_backend(options);
    ASSERT_TRUE(backend) << backend.error().message();
    EXPECT_EQ((*backend)->describe().find("user-mode NAT"), 0u);
}

TEST(TapDevice, OverlongNameIsRefused)
{
    auto fd = tap::open("a-name-much-too-long-for-linux");
    ASSERT_FALSE(fd);
    EXPECT_NE(fd.error().message().find("a-name-much-too-long-for-linux"), std::string::npos);
}

} // namespace
} // namespace xenith
