// virtio-console tests: transmit to the char backend, buffered and split receive.
#include <gtest/gtest.h>

#include <mutex>
#include <string>

#include "engine/dev/virtio/virtio_console.h"
#include "virtio/virtio_test_driver.h"

namespace xenith::test {
namespace {

class RecordingBackend final : public CharBackend {
public:
    void write(std::span<uint8_t const> bytes) override
    {
        std::lock_guard guard(m_lock);
        output.append(bytes.begin(), bytes.end());
    }
    void set_input_handler(InputHandler handler) override { input = std::move(handler); }

    std::string output;
    InputHandler input;

private:
    std::mutex m_lock;
};

class VirtioConsoleTest : public ::testing::Test {
protected:
    void SetUp() override { driver.init(TestDriver::all_ring_features, 2); }

    TestQueue& rx() { return driver.queue(0); }
    TestQueue& tx() { return driver.queue(1); }
    void send(std::string const& s) { device.receive(std::span(reinterpret_cast<uint8_t const*>(s.data()), s.size())); }

    TestGuest guest;
    TestIrq irq;
    RecordingBackend backend;
    VirtioConsole device { VirtioSlot { 0x10002000, 2, irq }, guest.memory(), backend };
    TestDriver driver { device, guest };
};

TEST_F(VirtioConsoleTest, IsConsoleDevice)
{
    EXPECT_EQ(driver.reg(virtio::mmio::device_id), 3u);
}

TEST_F(VirtioConsoleTest, TransmitReachesBackend)
{
    std::string hello = "hello, hvc0\n";
    DescriptorChainBuilder(tx()).AppendReadableDescriptor(hello.data(), hello.size()).Build();
    driver.notify(1);
    EXPECT_EQ(backend.output, hello);
    EXPECT_EQ(tx().used_idx(), 1);
    EXPECT_EQ(tx().used(0).len, 0u);
}

TEST_F(VirtioConsoleTest, TransmitGathersSegmentsInOrder)
{
    DescriptorChainBuilder(tx()).AppendReadableDescriptor("ab", 2).AppendReadableDescriptor("cde", 3).Indirect().Build();
    DescriptorChainBuilder(tx()).AppendReadableDescriptor("f", 1).Build();
    driver.notify(1);
    EXPECT_EQ(backend.output, "abcdef");
}

TEST_F(VirtioConsoleTest, InputWaitsForReceiveBuffers)
{
    send("ls\n");
    EXPECT_EQ(device.pending_input(), 3u);
    char* buf;
    DescriptorChainBuilder(rx()).AppendWritableDescriptor(&buf, 64).Build();
    driver.notify(0);
    EXPECT_EQ(device.pending_input(), 0u);
    ASSERT_EQ(rx().used_idx(), 1);
    EXPECT_EQ(rx().used(0).len, 3u);
    EXPECT_EQ(std::string(buf, 3), "ls\n");
    EXPECT_TRUE(irq.level());
}

TEST_F(VirtioConsoleTest, InputSplitAcrossBuffers)
{
    char *a, *b, *c;
    DescriptorChainBuilder(rx()).AppendWritableDescriptor(&a, 4).Build();
    DescriptorChainBuilder(rx()).AppendWritableDescriptor(&b, 4).Build();
    DescriptorChainBuilder(rx()).AppendWritableDescriptor(&c, 4).Build();
    driver.notify(0);
    send("0123456789");
    ASSERT_EQ(rx().used_idx(), 3);
    EXPECT_EQ(std::string(a, 4), "0123");
    EXPECT_EQ(std::string(b, 4), "4567");
    EXPECT_EQ(std::string(c, 2), "89");
    EXPECT_EQ(rx().used(2).len, 2u);
}

TEST_F(VirtioConsoleTest, InputBeforeDriverOkIsKept)
{
    TestGuest guest2;
    TestIrq irq2;
    VirtioConsole fresh(VirtioSlot { 0x10002000, 2, irq2 }, guest2.memory(), backend);
    fresh.receive(std::span(reinterpret_cast<uint8_t const*>("x"), 1));
    EXPECT_EQ(fresh.pending_input(), 1u);
    TestDriver d(fresh, guest2);
    ASSERT_TRUE(d.negotiate(TestDriver::modern));
    TestQueue r(guest2, 16), t(guest2, 16);
    ASSERT_TRUE(d.setup_queue(0, r));
    ASSERT_TRUE(d.setup_queue(1, t));
    char* buf;
    DescriptorChainBuilder(r).AppendWritableDescriptor(&buf, 8).Build();
    d.driver_ok();
    EXPECT_EQ(r.used_idx(), 1);
    EXPECT_EQ(buf[0], 'x');
}

TEST_F(VirtioConsoleTest, InputOverflowIsBounded)
{
    std::string big(VirtioConsole::max_pending_input + 100, 'z');
    send(big);
    EXPECT_EQ(device.pending_input(), VirtioConsole::max_pending_input);
}

TEST_F(VirtioConsoleTest, AttachInputRoutesBackendInput)
{
    device.attach_input();
    ASSERT_TRUE(backend.input);
    char* buf;
    DescriptorChainBuilder(rx()).AppendWritableDescriptor(&buf, 8).Build();
    driver.notify(0);
    uint8_t key = 'q';
    backend.input(std::span<uint8_t const>(&key, 1));
    EXPECT_EQ(rx().used_idx(), 1);
    EXPECT_EQ(buf[0], 'q');
}

TEST_F(VirtioConsoleTest, ReceiveBufferWithoutWritableBytesGetsNothing)
{
    send("a");
    DescriptorChainBuilder(rx()).AppendReadableDescriptor("zz", 2).Build();
    driver.notify(0);
    // A receive buffer with no writable bytes gets nothing written and is returned.
    EXPECT_EQ(rx().used_idx(), 1);
    EXPECT_EQ(rx().used(0).len, 0u);
}

} // namespace
} // namespace xenith::test
