// virtio-net hotplug tests: an empty slot with its link down, attach and detach of a backend.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include "engine/dev/virtio/virtio_net.h"
#include "engine/io/event_loop.h"
#include "engine/io/net_fd_backend.h"
#include "virtio/virtio_test_driver.h"

namespace xenith::test {
namespace {

using namespace virtio_net;

class VirtioNetHotplugTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        loop = std::move(EventLoop::create().value());
        loop->start();
        device = std::make_unique<VirtioNet>(VirtioSlot { 0x10005000, 5, irq }, guest.memory(), nullptr, MacAddress::parse("00:16:3e:0a:0b:0c").value(), NetRateLimiter(), loop.get());
        ASSERT_TRUE(device->start());
        driver = std::make_unique<TestDriver>(*device, guest);
        driver->init(device->device_features(), 2, 64);
        driver->ack_interrupts();
    }
    void TearDown() override
    {
        driver.reset();
        device.reset();
        loop->stop();
    }

    // A backend whose other end is `peer`.
    std::unique_ptr<NetBackend> backend()
    {
        int sv[2];
        EXPECT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
        peer = UniqueFd(sv[1]);
        return std::make_unique<FdNetBackend>(UniqueFd(sv[0]), *loop, "socketpair");
    }

    void transmit(uint8_t fill)
    {
        uint8_t header[header_size] = {};
        std::vector<uint8_t> f(60, fill);
        DescriptorChainBuilder(driver->queue(1)).AppendReadableDescriptor(header, header_size).AppendReadableDescriptor(f.data(), 60).Build();
        driver->notify(1);
    }

    // The next frame the peer receives within 200 ms, or nothing.
    std::vector<uint8_t> peer_read()
    {
        std::vector<uint8_t> buf(2000);
        timeval tv { 0, 200000 };
        ::setsockopt(peer.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        ssize_t n = ::recv(peer.get(), buf.data(), buf.size(), 0);
        buf.resize(n < 0 ? 0 : size_t(n));
        return buf;
    }

    bool config_interrupt() { return driver->reg(virtio::mmio::interrupt_status) & virtio::mmio::interrupt_config_change; }

    TestGuest guest;
    TestIrq irq;
    std::unique_ptr<EventLoop> loop;
    UniqueFd peer;
    std::unique_ptr<VirtioNet> device;
    std::unique_ptr<TestDriver> driver;
};

TEST_F(VirtioNetHotplugTest, EmptySlotOffersStatusWithLinkDown)
{
    EXPECT_TRUE(device->device_features() & f_status);
    EXPECT_TRUE(device->device_features() & f_mac);
    EXPECT_EQ(driver->config(cfg_status, 2), 0u);
    EXPECT_FALSE(device->link_up());
    EXPECT_FALSE(device->has_backend());
    EXPECT_EQ(driver->config(cfg_mac + 5, 1), 0x0cu);
    // What any backend can serve: partial checksums completed by the device, no segmentation.
    EXPECT_TRUE(device->device_features() & f_csum);
    EXPECT_FALSE(device->device_features() & f_guest_tso4);
    EXPECT_FALSE(device->device_features() & f_guest_csum);
}

TEST_F(VirtioNetHotplugTest, EmptySlotDropsWhatTheGuestSends)
{
    transmit(0x11);
    EXPECT_EQ(driver->queue(1).used_idx(), 1);
    EXPECT_EQ(device->tx_frames(), 0u);
    EXPECT_FALSE(driver->needs_reset());
}

TEST_F(VirtioNetHotplugTest, AttachRaisesLinkWithConfigChangeAndCarriesFrames)
{
    uint32_t generation = driver->reg(virtio::mmio::config_generation);
    ASSERT_TRUE(device->attach(backend()));
    EXPECT_TRUE(device->link_up());
    EXPECT_EQ(driver->config(cfg_status, 2), s_link_up);
    EXPECT_TRUE(config_interrupt());
    EXPECT_GT(driver->reg(virtio::mmio::config_generation), generation);
    EXPECT_EQ(device->backend_description(), "socketpair");

    transmit(0x42);
    auto sent = peer_read();
    ASSERT_EQ(sent.size(), 60u);
    EXPECT_EQ(sent[0], 0x42);

    uint8_t* buf;
    DescriptorChainBuilder(driver->queue(0)).AppendWritableDescriptor(&buf, 1526).Build();
    driver->notify(0);
    std::vector<uint8_t> f(70, 0x24);
    ASSERT_EQ(::send(peer.get(), f.data(), f.size(), 0), 70);
    ASSERT_TRUE(eventually([&] { return driver->queue(0).used_idx() == 1; }));
    EXPECT_EQ(buf[header_size], 0x24);
}

TEST_F(VirtioNetHotplugTest, DetachLowersLinkAndClosesBackend)
{
    ASSERT_TRUE(device->attach(backend()));
    driver->ack_interrupts();
    ASSERT_TRUE(device->detach());
    EXPECT_FALSE(device->link_up());
    EXPECT_EQ(driver->config(cfg_status, 2), 0u);
    EXPECT_TRUE(config_interrupt());
    EXPECT_FALSE(device->has_backend());
    // The backend's descriptor is closed: the peer sees the end of the connection.
    char byte;
    EXPECT_EQ(::recv(peer.get(), &byte, 1, 0), 0);
    transmit(0x55);
    EXPECT_EQ(driver->queue(1).used_idx(), 1);
    EXPECT_EQ(device->tx_frames(), 0u);
}

TEST_F(VirtioNetHotplugTest, AttachTwiceAndDetachEmptyRefused)
{
    EXPECT_FALSE(device->detach());
    ASSERT_TRUE(device->attach(backend()));
    auto s = device->attach(backend());
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message().find("already connected"), std::string::npos) << s.error().message();
}

TEST_F(VirtioNetHotplugTest, RateLimitSetAtAttach)
{
    // 1000 bytes/s in 100 ms intervals: 100 bytes of credit, so the second 60-byte frame waits.
    ASSERT_TRUE(device->attach(backend(), NetRateLimiter(1000, 100000)));
    auto start = std::chrono::steady_clock::now();
    transmit(1);
    transmit(2);
    EXPECT_EQ(peer_read().size(), 60u);
    EXPECT_EQ(peer_read().size(), 60u);
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
}

} // namespace
} // namespace xenith::test
