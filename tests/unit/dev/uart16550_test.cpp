// Uart16550 tests: transmit, receive, interrupt identification, divisor latch, loopback.
#include <gtest/gtest.h>

#include <string>

#include "engine/dev/uart16550.h"
#include "engine/io/char_backend.h"
#include "dev/fake_harts.h"

namespace xenith {
namespace {

class CapturingBackend final : public CharBackend {
public:
    void write(std::span<uint8_t const> bytes) override { out.append(bytes.begin(), bytes.end()); }
    void set_input_handler(InputHandler) override { }
    std::string out;
};

enum : uint64_t { RBR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

struct UartTest : ::testing::Test {
    CapturingBackend backend;
    test::RecordingLine line;
    Uart16550 uart { Uart16550::default_base, 10, backend, line };
    void put(uint64_t reg, uint8_t v) { uart.write(reg, v, 1); }
    uint8_t get(uint64_t reg) { return uint8_t(uart.read(reg, 1)); }
    void feed(std::string const& s) { uart.receive(std::span(reinterpret_cast<uint8_t const*>(s.data()), s.size())); }
};

TEST_F(UartTest, ResetStateHasNoInterruptAndEmptyTransmitter)
{
    EXPECT_EQ(get(IIR), 0x01);
    EXPECT_EQ(get(LSR), 0x60);
    EXPECT_FALSE(line.level);
}

TEST_F(UartTest, ThrBytesReachBackend)
{
    put(RBR, 'h');
    put(RBR, 'i');
    EXPECT_EQ(backend.out, "hi");
}

TEST_F(UartTest, EnablingThriWhileEmptyRaisesItAndReadingIirAcknowledges)
{
    put(IER, 0x02);
    EXPECT_TRUE(line.level);
    EXPECT_EQ(get(IIR), 0x02);
    EXPECT_FALSE(line.level);
    EXPECT_EQ(get(IIR), 0x01);
}

TEST_F(UartTest, WritingThrRaisesThrEmptyAgain)
{
    put(IER, 0x02);
    get(IIR);
    put(RBR, 'x');
    EXPECT_TRUE(line.level);
    put(IER, 0x00);
    EXPECT_FALSE(line.level);
}

TEST_F(UartTest, ReceivedDataSetsDrAndInterruptsUntilDrained)
{
    put(IER, 0x01);
    feed("ab");
    EXPECT_TRUE(line.level);
    EXPECT_EQ(get(IIR), 0x04);
    EXPECT_EQ(get(LSR) & 0x01, 0x01);
    EXPECT_EQ(get(RBR), 'a');
    EXPECT_TRUE(line.level);
    EXPECT_EQ(get(RBR), 'b');
    EXPECT_FALSE(line.level);
    EXPECT_EQ(get(LSR) & 0x01, 0);
    EXPECT_EQ(get(RBR), 0); // empty receiver reads zero
}

TEST_F(UartTest, ReceivedDataOutranksThrEmpty)
{
    put(IER, 0x03);
    feed("z");
    EXPECT_EQ(get(IIR), 0x04);
    get(RBR);
    EXPECT_EQ(get(IIR), 0x02);
}

TEST_F(UartTest, NoInterruptWhenDisabledEvenWithData)
{
    feed("q");
    EXPECT_FALSE(line.level);
    EXPECT_EQ(get(IIR), 0x01);
}

TEST_F(UartTest, FifoEnableShowsInIirAndClearRxEmptiesIt)
{
    feed("abc");
    put(FCR, 0x01);
    EXPECT_EQ(get(IIR) & 0xc0, 0xc0);
    put(FCR, 0x03);
    EXPECT_EQ(get(LSR) & 0x01, 0);
}

TEST_F(UartTest, DivisorLatchShadowsRbrAndIer)
{
    put(LCR, 0x83);
    put(RBR, 0x01);
    put(IER, 0x00);
    EXPECT_EQ(get(RBR), 0x01);
    EXPECT_EQ(get(IER), 0x00);
    EXPECT_TRUE(backend.out.empty()); // the divisor write was not a byte out
    put(LCR, 0x03);
    EXPECT_EQ(get(LCR), 0x03);
    put(IER, 0x05);
    EXPECT_EQ(get(IER), 0x05);
}

TEST_F(UartTest, OverrunSetsLsrOeOnceAndRaisesLineStatus)
{
    std::string big(Uart16550::rx_capacity + 1, 'x');
    put(IER, 0x04);
    feed(big);
    EXPECT_EQ(get(IIR), 0x06);
    EXPECT_EQ(get(LSR) & 0x02, 0x02);
    EXPECT_EQ(get(LSR) & 0x02, 0); // reading LSR cleared it
}

TEST_F(UartTest, LoopbackEchoesTransmitterAndModemLines)
{
    put(MCR, 0x10 | 0x0b);
    put(RBR, 'L');
    EXPECT_TRUE(backend.out.empty());
    EXPECT_EQ(get(RBR), 'L');
    EXPECT_EQ(get(MSR) & 0xf0, 0x80 | 0x20 | 0x10);
    feed("ignored");
    EXPECT_EQ(get(LSR) & 0x01, 0);
}

TEST_F(UartTest, ScratchRegisterHoldsValue)
{
    put(SCR, 0x5a);
    EXPECT_EQ(get(SCR), 0x5a);
}

TEST_F(UartTest, WideAccessesAreIgnored)
{
    uart.write(RBR, 'w', 4);
    EXPECT_TRUE(backend.out.empty());
    EXPECT_EQ(uart.read(LSR, 4), 0u);
}

} // namespace
} // namespace xenith
