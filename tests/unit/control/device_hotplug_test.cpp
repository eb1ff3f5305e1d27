// DeviceHotplug and the control socket's hotplug operations: slot choice, the refusals a user
// sees (no free slot, frontend in use, image held by another domain, unknown device), listings.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/dev/virtio/virtio_blk.h"
#include "engine/dev/virtio/virtio_net.h"
#include "engine/domain/control_hotplug.h"
#include "engine/domain/control_protocol.h"
#include "engine/domain/device_hotplug.h"
#include "engine/io/block_backend.h"
#include "engine/io/event_loop.h"
#include "virtio/virtio_test_driver.h"

namespace xenith::test {
namespace {

using Json = nlohmann::json;

class DeviceHotplugTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::string tmpl = (std::filesystem::temp_directory_path() / "xenith-hotplug-XXXXXX").string();
        dir = ::mkdtemp(tmpl.data());
        loop = std::move(EventLoop::create().value());
        loop->start();
        hotplug = std::make_unique<DeviceHotplug>("d1", 7, *loop);
        // Slot 0: a boot disk xvda; slots 1 and 2: spare disks; slot 3: a spare NIC.
        DiskSpec boot;
        boot.target = image("boot.img");
        boot.vdev = "xvda";
        BlockOptions o;
        o.path = boot.target;
        o.owner = "d1";
        disks.push_back(std::make_unique<VirtioBlk>(slot(0), guest.memory(), std::move(open_block_backend(o).value()), "xvda"));
        hotplug->add_disk_slot(*disks.back(), &boot);
        for (unsigned n = 1; n <= 2; ++n) {
            disks.push_back(std::make_unique<VirtioBlk>(slot(n), guest.memory(), nullptr, ""));
            hotplug->add_disk_slot(*disks.back(), nullptr);
        }
        nic = std::make_unique<VirtioNet>(slot(3), guest.memory(), nullptr, MacAddress::parse("00:16:3e:00:00:33").value(), NetRateLimiter(), loop.get());
        hotplug->add_nic_slot(*nic, nullptr);
    }

    void TearDown() override
    {
        hotplug.reset();
        nic.reset();
        disks.clear();
        loop->stop();
        std::filesystem::remove_all(dir);
    }

    VirtioSlot slot(unsigned n) { return VirtioSlot { 0x10001000 + n * 0x1000ull, 1 + n, irq }; }

    std::string image(std::string const& name, uint64_t size = 1 << 20)
    {
        std::string path = dir + "/" + name;
        std::ofstream(path).close();
        std::filesystem::resize_file(path, size);
        return path;
    }

    Json call(std::string_view op, Json args = Json::object())
    {
        auto reply = control::handle_hotplug_request(hotplug.get(), op, control::request(op, std::move(args)));
        EXPECT_TRUE(reply.has_value());
        return reply.value_or(Json());
    }
    static std::string error_of(Json const& reply) { return reply.value("error", std::string()); }

    std::string dir;
    TestGuest guest;
    TestIrq irq;
    std::unique_ptr<EventLoop> loop;
    std::vector<std::unique_ptr<VirtioBlk>> disks;
    std::unique_ptr<VirtioNet> nic;
    std::unique_ptr<DeviceHotplug> hotplug;
};

TEST_F(DeviceHotplugTest, BlockListShowsBootDiskAndEmptySpares)
{
    auto reply = call("block-list");
    ASSERT_TRUE(reply["ok"].get<bool>()) << reply.dump();
    auto const& listed = reply["result"]["disks"];
    ASSERT_EQ(listed.size(), 3u);
    EXPECT_EQ(listed[0]["vdev"], "xvda");
    EXPECT_EQ(listed[0]["devid"], 51712);
    EXPECT_EQ(listed[0]["mode"], "w");
    EXPECT_EQ(listed[0]["spare"], false);
    EXPECT_EQ(listed[1]["attached"], false);
    EXPECT_EQ(listed[1]["spare"], true);
    EXPECT_EQ(listed[2]["slot"], 2);
    EXPECT_EQ(listed[2]["irq"], 3);
}

TEST_F(DeviceHotplugTest, AttachFillsFirstFreeSlotThenRefusesWhenFull)
{
    auto data = image("data.img", 4 << 20);
    auto reply = call("block-attach", { { "spec", "tap:aio:" + data + ",xvdb,w" } });
    ASSERT_TRUE(reply["ok"].get<bool>()) << reply.dump();
    EXPECT_EQ(reply["result"]["slot"], 1);
    EXPECT_EQ(reply["result"]["devid"], 51728);
    EXPECT_EQ(reply["result"]["backend"], "tap:aio");
    EXPECT_EQ(reply["result"]["sectors"], (4 << 20) / 512);
    EXPECT_EQ(reply["result"]["spec"], "tap:aio:" + data + ",xvdb,w");
    EXPECT_EQ(disks[1]->capacity_sectors(), (4u << 20) / 512);

    ASSERT_TRUE(call("block-attach", { { "spec", "file:" + image("c.img") + ",xvdc,r" } })["ok"].get<bool>());
    auto full = call("block-attach", { { "spec", "file:" + image("d.img") + ",xvdd,w" } });
    EXPECT_EQ(error_of(full), "domain d1 has no free disk slot (2 spare slots, both in use); detach one first");
}

TEST_F(DeviceHotplugTest, FrontendNameInUseRefused)
{
    auto reply = call("block-attach", { { "spec", "file:" + image("x.img") + ",xvda,w" } });
    EXPECT_EQ(reply["ok"], false);
    EXPECT_NE(error_of(reply).find("domain d1 already has a disk xvda"), std::string::npos) << error_of(reply);
    // hda is disk 0 too: the same frontend in another spelling.
    reply = call("block-attach", { { "spec", "file:" + image("y.img") + ",hda,w" } });
    EXPECT_NE(error_of(reply).find("already has a disk xvda"), std::string::npos) << error_of(reply);
}

TEST_F(DeviceHotplugTest, ImageHeldByAnotherDomainRefusedNamingIt)
{
    auto data = image("shared.img");
    BlockOptions other;
    other.path = data;
    other.owner = "web2";
    auto held = open_block_backend(other);
    ASSERT_TRUE(held);
    auto reply = call("block-attach", { { "spec", "file:" + data + ",xvdb,w" } });
    EXPECT_NE(error_of(reply).find("block-attach xvdb: disk " + data + " is in use by domain 'web2'"), std::string::npos) << error_of(reply);
    EXPECT_FALSE(disks[1]->has_medium());
}

TEST_F(DeviceHotplugTest, DetachByNameOrNumberAndUnknownDevice)
{
    ASSERT_TRUE(call("block-attach", { { "spec", "file:" + image("b.img") + ",xvdb,w" } })["ok"].get<bool>());
    auto unknown = call("block-detach", { { "device", "xvdz" } });
    EXPECT_EQ(error_of(unknown), "domain d1 has no disk xvdz (xm block-list d1 shows its disks)");
    auto bad = call("block-detach", { { "device", "eth0" } });
    EXPECT_NE(error_of(bad).find("not a device name or number"), std::string::npos) << error_of(bad);
    EXPECT_EQ(call("block-detach", { { "device", "51728" } })["ok"], true);
    EXPECT_FALSE(disks[1]->has_medium());
    // The boot disk can go too, and its slot takes the next disk.
    EXPECT_EQ(call("block-detach", { { "device", "xvda" } })["ok"], true);
    auto again = call("block-attach", { { "spec", "file:" + image("e.img") + ",xvde,w" } });
    EXPECT_EQ(again["result"]["slot"], 0) << again.dump();
}

TEST_F(DeviceHotplugTest, RawOnlyAndSpecErrors)
{
    auto qcow = call("block-attach", { { "spec", "format=qcow2,vdev=xvdb,access=w,target=" + image("q.qcow2") } });
    EXPECT_NE(error_of(qcow).find("only raw images"), std::string::npos) << qcow.dump();
    auto missing = call("block-attach", { { "spec", "file:" + dir + "/nope.img,xvdb,w" } });
    EXPECT_NE(error_of(missing).find("nope.img"), std::string::npos) << missing.dump();
    EXPECT_EQ(error_of(call("block-attach")), "block-attach: \"spec\" must be a disk spec string");
}

TEST_F(DeviceHotplugTest, NetworkAttachUsesTheSlotsMacAndDetaches)
{
    auto wrong = call("network-attach", { { "spec", "mac=00:16:3e:00:00:99" } });
    EXPECT_NE(error_of(wrong).find("free NIC slot has MAC 00:16:3e:00:00:33, fixed when the guest booted"), std::string::npos) << wrong.dump();
    auto reply = call("network-attach", { { "spec", "" } });
    ASSERT_TRUE(reply["ok"].get<bool>()) << reply.dump();
    EXPECT_EQ(reply["result"]["mac"], "00:16:3e:00:00:33");
    EXPECT_EQ(reply["result"]["link_up"], true);
    EXPECT_EQ(reply["result"]["devid"], 0);
    EXPECT_EQ(reply["result"]["spec"], "mac=00:16:3e:00:00:33");
    EXPECT_TRUE(nic->link_up());
    auto full = call("network-attach", { { "spec", "" } });
    EXPECT_EQ(error_of(full), "domain d1 has no free NIC slot (1 spare slot, in use); detach one first");
    EXPECT_EQ(error_of(call("network-detach", { { "device", "3" } })), "domain d1 has no connected NIC 3 (xm network-list d1 shows its NICs)");
    EXPECT_EQ(call("network-detach", { { "device", "00:16:3E:00:00:33" } })["ok"], true);
    EXPECT_FALSE(nic->link_up());
    EXPECT_FALSE(nic->has_backend());
}

TEST(ControlHotplug, OtherOpsAreNotHotplugAndNoSlotsIsAnError)
{
    EXPECT_FALSE(control::handle_hotplug_request(nullptr, "status", Json::object()).has_value());
    auto reply = control::handle_hotplug_request(nullptr, "block-list", Json::object());
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ((*reply)["error"], "block-list: this domain has no hotplug slots");
}

} // namespace
} // namespace xenith::test
