// virtio-net tests: frames through a datagram socket backend, receive back-pressure, rate limit.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "engine/dev/virtio/virtio_net.h"
#include "engine/io/event_loop.h"
#include "engine/io/net_fd_backend.h"
#include "virtio/virtio_test_driver.h"

namespace xenith::test {
namespace {

using namespace virtio_net;

class VirtioNetTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        loop = std::move(EventLoop::create().value());
        loop->start();
        int sv[2];
        ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
        peer = UniqueFd(sv[1]);
        backend_fd = sv[0];
    }
    void TearDown() override
    {
        driver.reset();
        device.reset();
        loop->stop();
    }

    void start(NetRateLimiter limiter = {}, VnetHeader vnet = VnetHeader::No)
    {
        auto backend = std::make_unique<FdNetBackend>(UniqueFd(backend_fd), *loop, "socketpair", vnet);
        device = std::make_unique<VirtioNet>(VirtioSlot { 0x10006000, 6, irq }, guest.memory(), std::move(backend), MacAddress::parse("00:16:3e:01:02:03").value(), limiter, loop.get());
        ASSERT_TRUE(device->start());
        driver = std::make_unique<TestDriver>(*device, guest);
        driver->init(device->device_features(), 2, 64);
    }

    std::vector<uint8_t> frame(size_t len, uint8_t fill)
    {
        std::vector<uint8_t> f(len, fill);
        return f;
    }

    void transmit(std::vector<uint8_t> const& f)
    {
        uint8_t header[header_size] = {};
        DescriptorChainBuilder(driver->queue(1)).AppendReadableDescriptor(header, header_size).AppendReadableDescriptor(f.data(), static_cast<uint32_t>(f.size())).Build();
    }

    std::vector<uint8_t> peer_read()
    {
        std::vector<uint8_t> buf(70000);
        ssize_t n = ::recv(peer.get(), buf.data(), buf.size(), 0);
        buf.resize(n < 0 ? 0 : static_cast<size_t>(n));
        return buf;
    }

    TestGuest guest;
    TestIrq irq;
    std::unique_ptr<EventLoop> loop;
    UniqueFd peer;
    int backend_fd { -1 };
    std::unique_ptr<VirtioNet> device;
    std::unique_ptr<TestDriver> driver;
};

TEST_F(VirtioNetTest, ConfigHasMacAndLinkUp)
{
    start();
    EXPECT_TRUE(device->device_features() & f_mac);
    uint8_t expected[6] = { 0x00, 0x16, 0x3e, 0x01, 0x02, 0x03 };
    for (int i = 0; i < 6; ++i)
        EXPECT_EQ(driver->config(cfg_mac + i, 1), expected[i]);
    EXPECT_EQ(driver->config(cfg_status, 2), s_link_up);
}

TEST_F(VirtioNetTest, TransmitStripsHeaderAndSendsFrame)
{
    start();
    auto f = frame(60, 0x42);
    transmit(f);
    driver->notify(1);
    EXPECT_EQ(peer_read(), f);
    EXPECT_EQ(driver->queue(1).used_idx(), 1);
    EXPECT_EQ(device->tx_frames(), 1u);
}

TEST_F(VirtioNetTest, TransmitShorterThanHeaderIsDropped)
{
    start();
    uint8_t junk[5] = {};
    DescriptorChainBuilder(driver->queue(1)).AppendReadableDescriptor(junk, 5).Build();
    driver->notify(1);
    EXPECT_EQ(driver->queue(1).used_idx(), 1);
    EXPECT_EQ(device->tx_frames(), 0u);
    EXPECT_FALSE(driver->needs_reset());
}

TEST_F(VirtioNetTest, ReceiveDeliversFrameBehindHeader)
{
    start();
    uint8_t* buf;
    DescriptorChainBuilder(driver->queue(0)).AppendWritableDescriptor(&buf, 1526).Build();
    driver->notify(0);
    auto f = frame(100, 0x17);
    ASSERT_EQ(::send(peer.get(), f.data(), f.size(), 0), 100);
    ASSERT_TRUE(eventually([&] { return driver->queue(0).used_idx() == 1; }));
    EXPECT_EQ(driver->queue(0).used(0).len, header_size + 100);
    EXPECT_EQ(buf[10], 1); // num_buffers
    EXPECT_EQ(buf[0], 0);
    EXPECT_EQ(buf[header_size], 0x17);
    EXPECT_EQ(buf[header_size + 99], 0x17);
}

TEST_F(VirtioNetTest, ReceiveWaitsForBuffers)
{
    start();
    auto a = frame(80, 0xa1), b = frame(90, 0xb2);
    ::send(peer.get(), a.data(), a.size(), 0);
    ::send(peer.get(), b.data(), b.size(), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(driver->queue(0).used_idx(), 0);
    uint8_t *first, *second;
    DescriptorChainBuilder(driver->queue(0)).AppendWritableDescriptor(&first, 1526).Build();
    DescriptorChainBuilder(driver->queue(0)).AppendWritableDescriptor(&second, 1526).Build();
    driver->notify(0);
    ASSERT_TRUE(eventually([&] { return driver->queue(0).used_idx() == 2; }));
    EXPECT_EQ(first[header_size], 0xa1);
    EXPECT_EQ(second[header_size], 0xb2);
    EXPECT_EQ(device->rx_dropped(), 0u);
}

TEST_F(VirtioNetTest, ReceiveBufferTooSmallDropsFrame)
{
    start();
    uint8_t* buf;
    DescriptorChainBuilder(driver->queue(0)).AppendWritableDescriptor(&buf, 64).Build();
    driver->notify(0);
    auto f = frame(200, 0x33);
    ::send(peer.get(), f.data(), f.size(), 0);
    ASSERT_TRUE(eventually([&] { return driver->queue(0).used_idx() == 1; }));
    EXPECT_EQ(driver->queue(0).used(0).len, 0u);
    EXPECT_EQ(device->rx_dropped(), 1u);
}

TEST_F(VirtioNetTest, RateLimitDelaysTransmit)
{
    // 10 000 bytes/s in 100 ms intervals: 1000 bytes of credit each interval.
    start(NetRateLimiter(10000, 100000));
    auto start_time = std::chrono::steady_clock::now();
    for (int i = 0; i < 3; ++i)
        transmit(frame(600, static_cast<uint8_t>(i)));
    driver->notify(1);
    EXPECT_EQ(driver->queue(1).used_idx(), 1); // one frame fits the first interval
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(peer_read()[0], i);
    auto elapsed = std::chrono::steady_clock::now() - start_time;
    EXPECT_GE(elapsed, std::chrono::milliseconds(150));
    EXPECT_TRUE(eventually([&] { return driver->queue(1).used_idx() == 3; }));
}

TEST_F(VirtioNetTest, VnetHeaderBackendOffersChecksumAndTso)
{
    start({}, VnetHeader::Yes);
    EXPECT_EQ(device->device_features() & offload_features, offload_features);
}

TEST_F(VirtioNetTest, VnetHeaderTransmitPassesGuestHeaderThrough)
{
    start({}, VnetHeader::Yes);
    // NEEDS_CSUM, GSO TCPv4, hdr_len 54, gso_size 1448, csum_start 34, csum_offset 16.
    uint8_t header[header_size] = { 1, 1, 54, 0, 0xa8, 0x05, 34, 0, 16, 0, 0, 0 };
    auto f = frame(3000, 0x42);
    DescriptorChainBuilder(driver->queue(1)).AppendReadableDescriptor(header, header_size).AppendReadableDescriptor(f.data(), static_cast<uint32_t>(f.size())).Build();
    driver->notify(1);
    auto got = peer_read();
    ASSERT_EQ(got.size(), header_size + f.size());
    EXPECT_TRUE(std::equal(header, header + header_size, got.begin()));
    EXPECT_TRUE(std::equal(f.begin(), f.end(), got.begin() + header_size));
}

TEST_F(VirtioNetTest, VnetHeaderReceiveKeepsHostHeaderAndSetsNumBuffers)
{
    start({}, VnetHeader::Yes);
    uint8_t* buf;
    DescriptorChainBuilder(driver->queue(0)).AppendWritableDescriptor(&buf, 65536 + 64).Build();
    driver->notify(0);
    std::vector<uint8_t> f = { 1, 1, 54, 0, 0xa8, 0x05, 34, 0, 16, 0, 0, 0 };
    f.resize(header_size + 20000, 0x17);
    ASSERT_EQ(::send(peer.get(), f.data(), f.size(), 0), static_cast<ssize_t>(f.size()));
    ASSERT_TRUE(eventually([&] { return driver->queue(0).used_idx() == 1; }));
    EXPECT_EQ(driver->queue(0).used(0).len, f.size());
    EXPECT_EQ(buf[0], 1); // NEEDS_CSUM kept: the driver took GUEST_CSUM
    EXPECT_EQ(buf[1], 1); // GSO TCPv4
    EXPECT_EQ(buf[4], 0xa8);
    EXPECT_EQ(buf[10], 1); // num_buffers
    EXPECT_EQ(buf[header_size], 0x17);
    EXPECT_EQ(buf[header_size + 19999], 0x17);
}

TEST_F(VirtioNetTest, VnetHeaderReceiveShorterThanHeaderIsDropped)
{
    start({}, VnetHeader::Yes);
    uint8_t* buf;
    DescriptorChainBuilder(driver->queue(0)).AppendWritableDescriptor(&buf, 1526).Build();
    driver->notify(0);
    uint8_t junk[5] = {};
    ASSERT_EQ(::send(peer.get(), junk, sizeof(junk), 0), 5);
    ASSERT_TRUE(eventually([&] { return driver->queue(0).used_idx() == 1; }));
    EXPECT_EQ(driver->queue(0).used(0).len, 0u);
    EXPECT_EQ(device->rx_dropped(), 1u);
    EXPECT_FALSE(driver->needs_reset());
}

TEST_F(VirtioNetTest, PlainBackendOffersChecksumOffloadOnly)
{
    start();
    EXPECT_TRUE(device->device_features() & f_csum);
    EXPECT_FALSE(device->device_features() & f_guest_csum); // a socket peer's frames are not ours to vouch for
    EXPECT_FALSE(device->device_features() & (f_host_tso4 | f_guest_tso4));
}

TEST_F(VirtioNetTest, TransmitFillsInAChecksumLeftToTheDevice)
{
    start();
    // RFC 1071's example: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2, checksum 0x220d. The field
    // (offset 8 from csum_start 14) holds 0, the pseudo-header sum here.
    std::vector<uint8_t> f(14, 0xee);
    for (uint8_t b : { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7, 0x00, 0x00 })
        f.push_back(b);
    uint8_t header[header_size] = { hdr_f_needs_csum, 0, 0, 0, 0, 0, 14, 0, 8, 0, 0, 0 };
    DescriptorChainBuilder(driver->queue(1)).AppendReadableDescriptor(header, header_size).AppendReadableDescriptor(f.data(), static_cast<uint32_t>(f.size())).Build();
    driver->notify(1);
    auto got = peer_read();
    ASSERT_EQ(got.size(), f.size());
    EXPECT_EQ(got[22], 0x22);
    EXPECT_EQ(got[23], 0x0d);
    EXPECT_TRUE(std::equal(f.begin(), f.begin() + 22, got.begin()));
}

TEST_F(VirtioNetTest, TransmitWithChecksumOffsetsOutsideTheFrameIsDropped)
{
    start();
    auto f = frame(60, 0x42);
    uint8_t header[header_size] = { hdr_f_needs_csum, 0, 0, 0, 0, 0, 50, 0, 9, 0, 0, 0 }; // field at 59..60
    DescriptorChainBuilder(driver->queue(1)).AppendReadableDescriptor(header, header_size).AppendReadableDescriptor(f.data(), static_cast<uint32_t>(f.size())).Build();
    driver->notify(1);
    EXPECT_EQ(driver->queue(1).used_idx(), 1);
    EXPECT_EQ(device->tx_frames(), 0u);
    EXPECT_FALSE(driver->needs_reset());
}

// A backend that builds its own frames (as slirp does): frames it delivers are DATA_VALID.
class SelfBuiltFrames final : public NetBackend {
public:
    std::string describe() const override { return "self-built"; }
    Status start(FrameSink sink) override
    {
        m_sink = std::move(sink);
        return {};
    }
    void send(std::span<uint8_t const>) override { }
    void resume_receive() override { }
    bool checksums_trusted() const override { return true; }
    bool deliver(std::span<uint8_t const> frame) { return m_sink(frame); }

private:
    FrameSink m_sink;
};

TEST_F(VirtioNetTest, FramesBuiltByTheBackendAreMarkedDataValid)
{
    auto owned = std::make_unique<SelfBuiltFrames>();
    auto* backend = owned.get();
    device = std::make_unique<VirtioNet>(VirtioSlot { 0x10006000, 6, irq }, guest.memory(), std::move(owned), MacAddress::parse("00:16:3e:01:02:03").value());
    ASSERT_TRUE(device->start());
    EXPECT_TRUE(device->device_features() & f_guest_csum);
    driver = std::make_unique<TestDriver>(*device, guest);
    driver->init(device->device_features(), 2, 64);
    uint8_t* buf;
    DescriptorChainBuilder(driver->queue(0)).AppendWritableDescriptor(&buf, 1526).Build();
    driver->notify(0);
    auto f = frame(100, 0x17);
    ASSERT_TRUE(backend->deliver(f));
    EXPECT_EQ(buf[0], hdr_f_data_valid);
    EXPECT_EQ(buf[header_size], 0x17);
}

} // namespace
} // namespace xenith::test
