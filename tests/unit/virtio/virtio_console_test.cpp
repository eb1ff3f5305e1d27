// virtio-console tests: port 0 without MULTIPORT, the multiport handshake (spec 5.3.6.2) as
// Linux drives it, a named port, and hostile control messages.
#include <gtest/gtest.h>

#include <mutex>
#include <string>

#include "engine/dev/virtio/virtio_console.h"
#include "virtio/virtio_console_guest.h"
#include "virtio/virtio_test_driver.h"

namespace xenith::test {
namespace {

using virtio::console::Event;

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

std::span<uint8_t const> as_bytes(std::string const& s) { return std::span(reinterpret_cast<uint8_t const*>(s.data()), s.size()); }

constexpr uint64_t multiport = TestDriver::all_ring_features | virtio::console::f_multiport;
constexpr unsigned agent_rx = 4, agent_tx = 5; // receiveq1, transmitq1

// --- port 0 alone: a driver that does not negotiate MULTIPORT --------------------------------

class VirtioConsoleTest : public ::testing::Test {
protected:
    void SetUp() override { driver.init(TestDriver::all_ring_features, 2); }

    TestQueue& rx() { return driver.queue(0); }
    TestQueue& tx() { return driver.queue(1); }
    void send(std::string const& s) { device.receive(VirtioConsole::console_port, as_bytes(s)); }

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

TEST_F(VirtioConsoleTest, OffersMultiportAndSaysHowManyPorts)
{
    EXPECT_TRUE(driver.device_features() & virtio::console::f_multiport);
    EXPECT_FALSE(driver.device_features() & virtio::console::f_size);
    EXPECT_EQ(driver.config(4, 4), 1u); // max_nr_ports
}

TEST_F(VirtioConsoleTest, PortZeroIsOpenOnceDriverOkWithoutMultiport)
{
    EXPECT_TRUE(device.port_open(VirtioConsole::console_port));
    EXPECT_FALSE(device.port_open(1));
    driver.set_reg(virtio::mmio::status, 0);
    EXPECT_FALSE(device.port_open(VirtioConsole::console_port));
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

TEST_F(VirtioConsoleTest, LargeTransmitIsCopiedInChunks)
{
    std::string big(10000, 'x');
    big[4095] = 'a';
    big[4096] = 'b';
    big.back() = 'z';
    DescriptorChainBuilder(tx()).AppendReadableDescriptor(big.data(), uint32_t(big.size())).Build();
    driver.notify(1);
    EXPECT_EQ(backend.output, big);
}

TEST_F(VirtioConsoleTest, WritableBytesOnTransmitAreNotOutput)
{
    char* in;
    DescriptorChainBuilder(tx()).AppendReadableDescriptor("ok", 2).AppendWritableDescriptor(&in, 8).Build();
    driver.notify(1);
    EXPECT_EQ(backend.output, "ok");
    EXPECT_EQ(tx().used(0).len, 0u);
}

TEST_F(VirtioConsoleTest, InputWaitsForReceiveBuffers)
{
    send("ls\n");
    EXPECT_EQ(device.pending_input(0), 3u);
    char* buf;
    DescriptorChainBuilder(rx()).AppendWritableDescriptor(&buf, 64).Build();
    driver.notify(0);
    EXPECT_EQ(device.pending_input(0), 0u);
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
    fresh.receive(0, as_bytes("x"));
    EXPECT_EQ(fresh.pending_input(0), 1u);
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
    EXPECT_EQ(device.pending_input(0), VirtioConsole::max_pending_input);
}

TEST_F(VirtioConsoleTest, InputForUnknownPortIsIgnored)
{
    device.receive(1, as_bytes("nobody"));
    device.receive(0xffffffff, as_bytes("nobody"));
    EXPECT_EQ(device.pending_input(0), 0u);
    EXPECT_EQ(device.pending_input(1), 0u);
}

TEST_F(VirtioConsoleTest, AttachInputRoutesBackendInput)
{
    device.attach_input(0);
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

TEST_F(VirtioConsoleTest, ControlQueuesNeedMultiport)
{
    // A driver that did not negotiate MULTIPORT but sets up the control queues anyway gets no
    // control traffic, in either direction.
    TestQueue crx(guest, 16), ctx(guest, 16);
    driver.setup_queue(2, crx);
    driver.setup_queue(3, ctx);
    uint8_t* buf;
    DescriptorChainBuilder(crx).AppendWritableDescriptor(&buf, 64).Build();
    auto msg = control_bytes(0xffffffff, uint16_t(Event::DeviceReady), 1);
    DescriptorChainBuilder(ctx).AppendReadableDescriptor(msg.data(), 8).Build();
    driver.notify(3);
    driver.notify(2);
    EXPECT_EQ(crx.used_idx(), 0);
    EXPECT_EQ(ctx.used_idx(), 0);
}

// --- multiport: console port 0 and the named port 1 ------------------------------------------

class VirtioConsoleMultiportTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        driver.init(multiport, 6);
        control.post(8);
    }

    TestQueue& rx0() { return driver.queue(0); }
    TestQueue& tx0() { return driver.queue(1); }
    TestQueue& rx1() { return driver.queue(agent_rx); }
    TestQueue& tx1() { return driver.queue(agent_tx); }

    TestGuest guest;
    TestIrq irq;
    RecordingBackend console;
    RecordingBackend agent;
    VirtioConsole device { VirtioSlot { 0x10002000, 2, irq }, guest.memory(), console, { { "org.xenith.agent", &agent } } };
    TestDriver driver { device, guest };
    ConsoleControl control { driver };
};

TEST_F(VirtioConsoleMultiportTest, ConfigSaysTwoPorts)
{
    EXPECT_EQ(device.port_count(), 2u);
    EXPECT_EQ(driver.config(4, 4), 2u);
}

TEST_F(VirtioConsoleMultiportTest, NothingIsSentBeforeDeviceReady)
{
    EXPECT_TRUE(control.take().empty());
    EXPECT_FALSE(device.port_open(0));
}

TEST_F(VirtioConsoleMultiportTest, DeviceReadyAnnouncesEveryPort)
{
    control.send(0xffffffff, Event::DeviceReady, 1);
    auto msgs = control.take();
    ASSERT_EQ(msgs.size(), 2u);
    EXPECT_EQ(msgs[0].event, Event::DeviceAdd);
    EXPECT_EQ(msgs[0].id, 0u);
    EXPECT_EQ(msgs[0].len, 8u);
    EXPECT_EQ(msgs[1].event, Event::DeviceAdd);
    EXPECT_EQ(msgs[1].id, 1u);
    EXPECT_EQ(control.ctx().used_idx(), 1); // the guest's message was consumed
}

TEST_F(VirtioConsoleMultiportTest, PortReadyOnPortZeroMakesItTheConsole)
{
    control.send(0xffffffff, Event::DeviceReady, 1);
    control.take();
    control.send(0, Event::PortReady, 1);
    auto msgs = control.take();
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].event, Event::ConsolePort);
    EXPECT_EQ(msgs[0].id, 0u);
    EXPECT_EQ(msgs[0].value, 1u);
    EXPECT_FALSE(device.port_open(0)); // not until the guest says so
    control.send(0, Event::PortOpen, 1);
    EXPECT_TRUE(device.port_open(0));
}

TEST_F(VirtioConsoleMultiportTest, PortReadyOnNamedPortSendsNameThenHostOpen)
{
    control.send(0xffffffff, Event::DeviceReady, 1);
    control.take();
    control.send(1, Event::PortReady, 1);
    auto msgs = control.take();
    ASSERT_EQ(msgs.size(), 2u);
    EXPECT_EQ(msgs[0].event, Event::PortName);
    EXPECT_EQ(msgs[0].id, 1u);
    EXPECT_EQ(msgs[0].payload, "org.xenith.agent"); // Linux sizes the name by the used length
    EXPECT_EQ(msgs[0].len, 8u + 16u);
    EXPECT_EQ(msgs[1].event, Event::PortOpen);
    EXPECT_EQ(msgs[1].id, 1u);
    EXPECT_EQ(msgs[1].value, 1u);
}

TEST_F(VirtioConsoleMultiportTest, LinuxHandshakeOpensTheConsole)
{
    auto msgs = control.handshake();
    EXPECT_EQ(msgs.size(), 5u); // 2 x DEVICE_ADD, CONSOLE_PORT, PORT_NAME, PORT_OPEN
    EXPECT_TRUE(device.port_open(0));
    EXPECT_FALSE(device.port_open(1)); // nobody in the guest has opened /dev/vportNp1
}

TEST_F(VirtioConsoleMultiportTest, ControlMessagesWaitForReceiveBuffers)
{
    TestGuest g;
    TestIrq i;
    RecordingBackend c;
    VirtioConsole d(VirtioSlot { 0x10002000, 2, i }, g.memory(), c, { { "x", &c } });
    TestDriver drv(d, g);
    drv.init(multiport, 6);
    ConsoleControl ctl(drv);
    ctl.send(0xffffffff, Event::DeviceReady, 1);
    EXPECT_TRUE(ctl.take().empty());
    ctl.post(4);
    EXPECT_EQ(ctl.take().size(), 2u);
}

TEST_F(VirtioConsoleMultiportTest, ConsoleInputWaitsUntilTheGuestOpensPortZero)
{
    char* buf;
    DescriptorChainBuilder(rx0()).AppendWritableDescriptor(&buf, 16).Build();
    driver.notify(0);
    device.receive(0, as_bytes("root\n"));
    EXPECT_EQ(rx0().used_idx(), 0);
    control.handshake();
    ASSERT_EQ(rx0().used_idx(), 1);
    EXPECT_EQ(std::string(buf, rx0().used(0).len), "root\n");
}

TEST_F(VirtioConsoleMultiportTest, ConsoleOutputReachesTheConsoleBackendOnly)
{
    control.handshake();
    DescriptorChainBuilder(tx0()).AppendReadableDescriptor("login: ", 7).Build();
    driver.notify(1);
    EXPECT_EQ(console.output, "login: ");
    EXPECT_EQ(agent.output, "");
}

TEST_F(VirtioConsoleMultiportTest, NamedPortUsesItsOwnQueuesAndBackend)
{
    control.handshake();
    control.send(1, Event::PortOpen, 1); // the agent opened /dev/vportNp1
    EXPECT_TRUE(device.port_open(1));
    device.attach_input(1);
    ASSERT_TRUE(agent.input);
    char *in0, *in1;
    DescriptorChainBuilder(rx0()).AppendWritableDescriptor(&in0, 16).Build();
    DescriptorChainBuilder(rx1()).AppendWritableDescriptor(&in1, 16).Build();
    driver.notify(0);
    driver.notify(agent_rx);
    agent.input(as_bytes("1 ping\n"));
    EXPECT_EQ(rx0().used_idx(), 0);
    ASSERT_EQ(rx1().used_idx(), 1);
    EXPECT_EQ(std::string(in1, rx1().used(0).len), "1 ping\n");
    DescriptorChainBuilder(tx1()).AppendReadableDescriptor("1 ok\n", 5).Build();
    driver.notify(agent_tx);
    EXPECT_EQ(agent.output, "1 ok\n");
    EXPECT_EQ(console.output, "");
}

TEST_F(VirtioConsoleMultiportTest, GuestCloseStopsDeliveryAndReopenResumes)
{
    control.handshake();
    control.send(1, Event::PortOpen, 1);
    control.send(1, Event::PortOpen, 0);
    EXPECT_FALSE(device.port_open(1));
    char* in;
    DescriptorChainBuilder(rx1()).AppendWritableDescriptor(&in, 16).Build();
    driver.notify(agent_rx);
    device.receive(1, as_bytes("later"));
    EXPECT_EQ(rx1().used_idx(), 0);
    EXPECT_EQ(device.pending_input(1), 5u);
    control.send(1, Event::PortOpen, 1);
    ASSERT_EQ(rx1().used_idx(), 1);
    EXPECT_EQ(std::string(in, 5), "later");
}

TEST_F(VirtioConsoleMultiportTest, ResetForgetsTheHandshakeAndTheGuestOpenState)
{
    control.handshake();
    ASSERT_TRUE(device.port_open(0));
    device.receive(0, as_bytes("kept"));
    // The driver resets and sets the device up again, as a rebooting Linux does.
    TestDriver again(device, guest);
    again.init(multiport, 6);
    EXPECT_FALSE(device.port_open(0));
    ConsoleControl ctl(again);
    ctl.post(8);
    auto msgs = ctl.handshake();
    EXPECT_EQ(msgs.size(), 5u); // announced afresh
    EXPECT_TRUE(device.port_open(0));
    EXPECT_EQ(device.pending_input(0), 4u); // typed input survives; it waits for receive buffers
}

// --- hostile control messages: ignored, never trusted, never a crash ----------------------------

TEST_F(VirtioConsoleMultiportTest, ShortControlMessageIsIgnored)
{
    control.send_raw({ 0xff, 0xff, 0xff, 0xff, 0, 0 }); // DEVICE_READY cut at 6 bytes
    EXPECT_EQ(control.ctx().used_idx(), 1);
    EXPECT_TRUE(control.take().empty());
    EXPECT_FALSE(driver.needs_reset());
}

TEST_F(VirtioConsoleMultiportTest, ControlMessageWithoutReadableBytesIsIgnored)
{
    uint8_t* w;
    DescriptorChainBuilder(control.ctx()).AppendWritableDescriptor(&w, 8).Build();
    driver.notify(ConsoleControl::transmitq);
    EXPECT_EQ(control.ctx().used_idx(), 1);
    EXPECT_TRUE(control.take().empty());
}

TEST_F(VirtioConsoleMultiportTest, ControlHeaderSplitAcrossDescriptorsIsRead)
{
    auto msg = control_bytes(0xffffffff, uint16_t(Event::DeviceReady), 1);
    DescriptorChainBuilder(control.ctx()).AppendReadableDescriptor(msg.data(), 3).AppendReadableDescriptor(msg.data() + 3, 5).Build();
    driver.notify(ConsoleControl::transmitq);
    EXPECT_EQ(control.take().size(), 2u);
}

TEST_F(VirtioConsoleMultiportTest, UnknownPortIdsAreIgnored)
{
    control.send(0xffffffff, Event::DeviceReady, 1);
    control.take();
    control.send(2, Event::PortReady, 1);
    control.send(0xffffffff, Event::PortOpen, 1);
    control.send(0x80000000, Event::PortReady, 1);
    EXPECT_TRUE(control.take().empty());
    EXPECT_FALSE(device.port_open(0));
    EXPECT_FALSE(driver.needs_reset());
}

TEST_F(VirtioConsoleMultiportTest, EventsOnlyADeviceSendsAreIgnored)
{
    control.send(0xffffffff, Event::DeviceReady, 1);
    control.take();
    for (Event e : { Event::DeviceAdd, Event::DeviceRemove, Event::ConsolePort, Event::Resize, Event::PortName })
        control.send(0, e, 1);
    control.send(0, Event(99), 1);
    EXPECT_TRUE(control.take().empty());
    EXPECT_FALSE(device.port_open(0));
}

TEST_F(VirtioConsoleMultiportTest, PortMessagesBeforeTheDeviceAnnouncedThePortAreIgnored)
{
    control.send(0, Event::PortReady, 1);
    control.send(0, Event::PortOpen, 1);
    EXPECT_TRUE(control.take().empty());
    EXPECT_FALSE(device.port_open(0));
}

TEST_F(VirtioConsoleMultiportTest, PortOpenBeforePortReadyIsIgnored)
{
    control.send(0xffffffff, Event::DeviceReady, 1);
    control.take();
    control.send(1, Event::PortOpen, 1);
    EXPECT_FALSE(device.port_open(1));
}

TEST_F(VirtioConsoleMultiportTest, ValuesOtherThanZeroOrOneAreIgnored)
{
    control.send(0xffffffff, Event::DeviceReady, 1);
    control.take();
    control.send(0, Event::PortReady, 2);
    EXPECT_TRUE(control.take().empty());
    control.send(0, Event::PortReady, 1);
    control.take();
    control.send(0, Event::PortOpen, 0xffff);
    EXPECT_FALSE(device.port_open(0));
}

TEST_F(VirtioConsoleMultiportTest, FailedDeviceOrPortReadyAnnouncesNothing)
{
    control.send(0xffffffff, Event::DeviceReady, 0);
    EXPECT_TRUE(control.take().empty());
    control.send(0xffffffff, Event::DeviceReady, 1);
    control.take();
    control.send(1, Event::PortReady, 0);
    EXPECT_TRUE(control.take().empty());
}

TEST_F(VirtioConsoleMultiportTest, RepeatedReadyMessagesAreNotAnsweredTwice)
{
    control.handshake();
    control.send(0xffffffff, Event::DeviceReady, 1);
    control.send(0, Event::PortReady, 1);
    control.send(1, Event::PortReady, 1);
    EXPECT_TRUE(control.take().empty());
}

TEST_F(VirtioConsoleMultiportTest, ControlReceiveBufferTooSmallDropsThatMessageOnly)
{
    TestGuest g;
    TestIrq i;
    RecordingBackend c;
    VirtioConsole d(VirtioSlot { 0x10002000, 2, i }, g.memory(), c, { { "org.xenith.agent", &c } });
    TestDriver drv(d, g);
    drv.init(multiport, 6);
    ConsoleControl ctl(drv);
    ctl.post(1, 4);  // too small for any message
    ctl.post(1, 8);  // DEVICE_ADD 1 fits
    ctl.send(0xffffffff, Event::DeviceReady, 1);
    auto msgs = ctl.take();
    ASSERT_EQ(msgs.size(), 2u);
    EXPECT_EQ(msgs[0].len, 0u); // returned empty: port 0's DEVICE_ADD was dropped
    EXPECT_EQ(msgs[1].event, Event::DeviceAdd);
    EXPECT_EQ(msgs[1].id, 1u);
    // A name that does not fit is dropped, not cut; the PORT_OPEN after it still goes out.
    ctl.post(1, 10);
    ctl.post(1, 8);
    ctl.send(1, Event::PortReady, 1);
    msgs = ctl.take();
    ASSERT_EQ(msgs.size(), 2u);
    EXPECT_EQ(msgs[0].len, 0u);
    EXPECT_EQ(msgs[1].event, Event::PortOpen);
    EXPECT_FALSE(drv.needs_reset());
}

TEST_F(VirtioConsoleMultiportTest, BrokenControlRingNeedsResetWithoutCrashing)
{
    // A control message whose descriptor points outside guest RAM.
    DescriptorChainBuilder(control.ctx()).AppendRawDescriptor(ram_base + ram_size - 4, 8, 0).Build();
    driver.notify(ConsoleControl::transmitq);
    EXPECT_TRUE(driver.needs_reset());
    EXPECT_TRUE(control.take().empty());
}

} // namespace
} // namespace xenith::test
