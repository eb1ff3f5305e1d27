// Golden output of xm block-list / network-list (Xen 3's columns) and the device commands'
// argument handling, against a recorded API instead of a daemon.
#include <gtest/gtest.h>

#include <cstdio>

#include "toolstack/xm/xm_devices.h"

using namespace xenith;
using Json = nlohmann::json;

namespace {

// Records each call and answers with `reply`.
struct Recorder {
    std::vector<std::pair<std::string, Json>> calls;
    Json reply = Json::object();
    xm::DeviceCall call()
    {
        return [this](std::string_view op, Json args) -> Result<Json> {
            calls.emplace_back(std::string(op), std::move(args));
            return reply;
        };
    }
};

} // namespace

TEST(XmBlockList, GoldenTable)
{
    auto disks = Json::parse(R"([
        {"devid":51712,"slot":0,"irq":1,"connected":true,"ring_gpa":2148597760,"path":"/srv/xen/d1.img","attached":true},
        {"devid":51728,"slot":1,"irq":2,"connected":false,"ring_gpa":0,"path":"/srv/xen/data.img","attached":true}])");
    // Byte for byte what Python's % gives for Xen 3's xm format strings; the layout:: "Vdev  BE handle state evt-ch ring-ref BE-path" and
    // "%(idx)-3d    %(backend-id)-3d  %(handle)-3d   %(state)-3d    %(event-ch)-3d    %(ring-ref)-5d %(be-path)-30s  ".
    EXPECT_EQ(xm::format_block_list(disks),
        "Vdev  BE handle state evt-ch ring-ref BE-path\n"
        "51712    0    0     4      1      524560 /srv/xen/d1.img                 \n"
        "51728    0    1     2      2      0     /srv/xen/data.img               \n");
    EXPECT_EQ(xm::format_block_list(Json::array()), "");
}

TEST(XmNetworkList, GoldenTable)
{
    auto nics = Json::parse(R"json([
        {"devid":1,"slot":4,"irq":5,"connected":true,"mac":"00:16:3e:5a:10:07","tx_ring_gpa":2149072896,"rx_ring_gpa":2149064704,
         "backend":"user-mode NAT (slirp)","attached":true}])json");
    EXPECT_EQ(xm::format_network_list(nics),
        "Idx BE     MAC Addr.     handle state evt-ch tx-/rx-ring-ref BE-path\n"
        "1   0  00:16:3e:5a:10:07    4     4      5     524676/524674   user-mode NAT (slirp)           \n");
}

TEST(XmBlockAttach, BuildsTheDiskSpecFromXensArguments)
{
    Recorder api;
    ASSERT_TRUE(xm::block_attach(api.call(), { "d1", "tap:aio:/img/data.img", "xvdb", "w" }));
    ASSERT_EQ(api.calls.size(), 1u);
    EXPECT_EQ(api.calls[0].first, "block-attach");
    EXPECT_EQ(api.calls[0].second["domain"], "d1");
    EXPECT_EQ(api.calls[0].second["spec"], "tap:aio:/img/data.img,xvdb,w");
    ASSERT_TRUE(xm::block_attach(api.call(), { "d1", "phy:/dev/sdb", "xvdc", "ro", "0" }));
    EXPECT_EQ(api.calls[1].second["spec"], "phy:/dev/sdb,xvdc,r");
}

TEST(XmBlockAttach, BadArgumentsAreUsageErrors)
{
    Recorder api;
    auto few = xm::block_attach(api.call(), { "d1", "file:/x", "xvdb" });
    ASSERT_FALSE(few);
    EXPECT_TRUE(few.error().usage);
    auto mode = xm::block_attach(api.call(), { "d1", "file:/x", "xvdb", "x" });
    ASSERT_FALSE(mode);
    EXPECT_NE(mode.error().message.find("use w (read-write) or r (read-only)"), std::string::npos);
    auto backend = xm::block_attach(api.call(), { "d1", "file:/x", "xvdb", "w", "3" });
    ASSERT_FALSE(backend);
    EXPECT_NE(backend.error().message.find("Domain-0 only"), std::string::npos);
    EXPECT_TRUE(api.calls.empty());
}

TEST(XmDetach, DeviceAndForceFlag)
{
    Recorder api;
    ASSERT_TRUE(xm::block_detach(api.call(), { "d1", "51728", "-f" }));
    EXPECT_EQ(api.calls[0].second["device"], "51728");
    EXPECT_EQ(api.calls[0].second["force"], true);
    ASSERT_TRUE(xm::network_detach(api.call(), { "d1", "00:16:3e:00:00:01" }));
    EXPECT_EQ(api.calls[1].first, "network-detach");
    EXPECT_EQ(api.calls[1].second["force"], false);
    auto missing = xm::network_detach(api.call(), { "d1" });
    ASSERT_FALSE(missing);
    EXPECT_TRUE(missing.error().usage);
}

TEST(XmNetworkAttach, KeyValueWordsBecomeOneVifSpec)
{
    Recorder api;
    ASSERT_TRUE(xm::network_attach(api.call(), { "d1", "type=vif", "bridge=xenbr0", "rate=10Mb/s" }));
    EXPECT_EQ(api.calls[0].second["spec"], "type=vif,bridge=xenbr0,rate=10Mb/s");
    ASSERT_TRUE(xm::network_attach(api.call(), { "d1" }));
    EXPECT_EQ(api.calls[1].second["spec"], "");
    auto bad = xm::network_attach(api.call(), { "d1", "xenbr0" });
    ASSERT_FALSE(bad);
    EXPECT_TRUE(bad.error().usage);
}

TEST(XmBlockList, ErrorFromXendIsPassedOn)
{
    xm::DeviceCall failing = [](std::string_view, Json) -> Result<Json> { return fail("Domain 'nope' does not exist."); };
    auto out = xm::block_list(failing, { "nope" });
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().message, "Domain 'nope' does not exist.");
    EXPECT_FALSE(out.error().usage);
}
