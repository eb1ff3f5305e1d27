// VirtBoard: the device tree it writes, where load() puts things, virtio slots, firmware boot.
#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <thread>

extern "C" {
#include <libfdt.h>
}

#include "board/test_images.h"
#include "engine/board/memory_map.h"
#include "engine/board/virt_board.h"
#include "engine/dev/uart16550.h"
#include "engine/dev/virtio/virtio_console.h"
#include "engine/dev/virtio/virtio_rng.h"
#include "engine/sbi/sbi_console.h"
#include "virtio/virtio_console_guest.h"
#include "engine/io/char_backend.h"

namespace xenith::board {
namespace {

class NullBackend final : public CharBackend {
public:
    void write(std::span<uint8_t const>) override { }
    void set_input_handler(InputHandler) override { }
};

std::vector<uint32_t> cells(void const* dt, char const* path, char const* prop)
{
    int node = fdt_path_offset(dt, path);
    if (node < 0)
        return {};
    int len = 0;
    auto p = static_cast<fdt32_t const*>(fdt_getprop(dt, node, prop, &len));
    std::vector<uint32_t> out;
    for (int i = 0; p && i < len / 4; ++i)
        out.push_back(fdt32_to_cpu(p[i]));
    return out;
}

std::string string_prop(void const* dt, char const* path, char const* prop)
{
    int node = fdt_path_offset(dt, path);
    if (node < 0)
        return "<no node>";
    int len = 0;
    auto p = static_cast<char const*>(fdt_getprop(dt, node, prop, &len));
    return p ? std::string(p, size_t(len > 0 ? len - 1 : 0)) : "<no property>";
}

struct BoardTest : ::testing::Test {
    NullBackend console;
    std::optional<TestFinisher::Outcome> finisher_outcome;
    std::unique_ptr<VirtBoard> board;

    void make(unsigned vcpus, BootMode mode = BootMode::Pv, uint64_t mib = 64)
    {
        auto b = VirtBoard::create({ mib, vcpus, mode }, console, [this](TestFinisher::Outcome o, uint32_t) {
            finisher_outcome = o;
            board->hart(0).request_exit();
        });
        ASSERT_TRUE(b) << b.error().message();
        board = std::move(*b);
    }

    BootImages pv_images()
    {
        BootImages images;
        images.kernel = KernelImage::parse(test::hsm_image(), "hsm").value();
        images.kernel_name = "hsm";
        images.bootargs = "console=ttyS0 earlycon=sbi";
        return images;
    }
};

TEST_F(BoardTest, FdtDescribesCpusWithLocalInterruptControllers)
{
    make(2);
    auto dtb = board->build_fdt("console=ttyS0", 0, 0);
    ASSERT_TRUE(dtb) << dtb.error().message();
    void const* dt = dtb->data();
    ASSERT_EQ(fdt_check_header(dt), 0);
    EXPECT_EQ(string_prop(dt, "/", "compatible"), "riscv-virtio");
    EXPECT_EQ(cells(dt, "/", "#address-cells"), std::vector<uint32_t>({ 2 }));
    EXPECT_EQ(cells(dt, "/cpus", "timebase-frequency"), std::vector<uint32_t>({ 10000000 }));
    EXPECT_EQ(string_prop(dt, "/cpus/cpu@1", "riscv,isa"), "rv64imafdc_zicsr_zifencei_zba_zbb_zbs_sstc");
    EXPECT_EQ(string_prop(dt, "/cpus/cpu@1", "mmu-type"), "riscv,sv48");
    EXPECT_EQ(string_prop(dt, "/cpus/cpu@1", "device_type"), "cpu");
    EXPECT_EQ(cells(dt, "/cpus/cpu@1", "reg"), std::vector<uint32_t>({ 1 }));
    EXPECT_EQ(cells(dt, "/cpus/cpu@1/interrupt-controller", "phandle"), std::vector<uint32_t>({ 17 }));
    EXPECT_EQ(string_prop(dt, "/cpus/cpu@0/interrupt-controller", "compatible"), "riscv,cpu-intc");
}

TEST_F(BoardTest, FdtWiresPlicAndClintToEveryHart)
{
    make(2);
    auto dtb = board->build_fdt("", 0, 0).value();
    void const* dt = dtb.data();
    EXPECT_EQ(cells(dt, "/soc/plic@c000000", "interrupts-extended"), std::vector<uint32_t>({ 16, 11, 16, 9, 17, 11, 17, 9 }));
    EXPECT_EQ(cells(dt, "/soc/clint@2000000", "interrupts-extended"), std::vector<uint32_t>({ 16, 3, 16, 7, 17, 3, 17, 7 }));
    EXPECT_EQ(cells(dt, "/soc/plic@c000000", "riscv,ndev"), std::vector<uint32_t>({ 95 }));
    EXPECT_EQ(cells(dt, "/soc/serial@10000000", "interrupts"), std::vector<uint32_t>({ 10 }));
    EXPECT_EQ(cells(dt, "/soc/rtc@101000", "interrupts"), std::vector<uint32_t>({ 11 }));
    EXPECT_EQ(cells(dt, "/soc/serial@10000000", "interrupt-parent"), cells(dt, "/soc/plic@c000000", "phandle"));
    EXPECT_EQ(cells(dt, "/memory@80000000", "reg"), std::vector<uint32_t>({ 0, 0x80000000, 0, 64 << 20 }));
    EXPECT_EQ(cells(dt, "/poweroff", "regmap"), cells(dt, "/soc/test@100000", "phandle"));
}

TEST_F(BoardTest, FdtChosenHasBootargsStdoutAndInitrd)
{
    make(1);
    auto dtb = board->build_fdt("console=ttyS0 earlycon=sbi", 0x83000000, 0x83100000).value();
    void const* dt = dtb.data();
    EXPECT_EQ(string_prop(dt, "/chosen", "bootargs"), "console=ttyS0 earlycon=sbi");
    EXPECT_EQ(string_prop(dt, "/chosen", "stdout-path"), "/soc/serial@10000000");
    EXPECT_EQ(cells(dt, "/chosen", "linux,initrd-start"), std::vector<uint32_t>({ 0, 0x83000000 }));
    EXPECT_EQ(cells(dt, "/chosen", "linux,initrd-end"), std::vector<uint32_t>({ 0, 0x83100000 }));
}

TEST_F(BoardTest, MaxVcpusHartsExistAndOnlyVcpusBootOnline)
{
    auto b = VirtBoard::create({ 64, 1, BootMode::Pv, 4 }, console, [](TestFinisher::Outcome, uint32_t) { });
    ASSERT_TRUE(b) << b.error().message();
    board = std::move(*b);
    EXPECT_EQ(board->hart_count(), 4u);
    EXPECT_EQ(board->boot_vcpus(), 1u);
    auto dtb = board->build_fdt("console=ttyS0", 0, 0).value();
    void const* dt = dtb.data();
    EXPECT_EQ(cells(dt, "/cpus/cpu@3", "reg"), std::vector<uint32_t>({ 3 }));
    EXPECT_EQ(string_prop(dt, "/cpus/cpu@3", "status"), "okay");
    EXPECT_EQ(string_prop(dt, "/chosen", "bootargs"), "console=ttyS0 maxcpus=1");
    // The user's own maxcpus= wins; without spare harts nothing is added.
    EXPECT_EQ(board->effective_bootargs("maxcpus=2 quiet"), "maxcpus=2 quiet");
    EXPECT_EQ(board->effective_bootargs(""), "maxcpus=1");
    EXPECT_EQ(board->effective_bootargs("xmaxcpus=9"), "xmaxcpus=9 maxcpus=1");
    ASSERT_TRUE(board->load(pv_images()));
    EXPECT_EQ(board->hart_states().state(0), sbi::HartState::Started);
    for (unsigned i = 1; i < 4; ++i)
        EXPECT_EQ(board->hart_states().state(i), sbi::HartState::Stopped) << i;
}

TEST_F(BoardTest, MaxVcpusOutOfRangeIsAnError)
{
    auto below = VirtBoard::create({ 64, 2, BootMode::Pv, 1 }, console, [](TestFinisher::Outcome, uint32_t) { });
    ASSERT_FALSE(below);
    EXPECT_EQ(below.error().message(), "--maxvcpus 1: must be between --vcpus (2) and 64");
    EXPECT_FALSE(VirtBoard::create({ 64, 2, BootMode::Pv, 65 }, console, [](TestFinisher::Outcome, uint32_t) { }));
    make(2);
    EXPECT_EQ(board->effective_bootargs("console=ttyS0"), "console=ttyS0");
}

TEST_F(BoardTest, PvLoadPlacesKernelInitrdAndDtbAndSetsBootRegisters)
{
    make(2);
    auto images = pv_images();
    images.initrd = std::vector<uint8_t>(100000, 0x5a);
    images.initrd_name = "initrd";
    auto layout = board->load(images);
    ASSERT_TRUE(layout) << layout.error().message();
    EXPECT_EQ(layout->kernel_addr, 0x80200000u);
    EXPECT_EQ(layout->entry, 0x80200000u);
    uint64_t ram_end = 0x80000000u + (64u << 20);
    EXPECT_EQ(layout->dtb_addr, ram_end - (2u << 20)); // top 2 MiB-aligned slot
    EXPECT_EQ(layout->initrd_end - layout->initrd_start, 100000u);
    EXPECT_EQ(layout->initrd_start % 4096, 0u);
    EXPECT_LE(layout->initrd_end, layout->dtb_addr);
    EXPECT_GE(layout->initrd_start, layout->kernel_end);
    EXPECT_EQ(board->memory().load<uint8_t>(layout->initrd_start).value(), 0x5a);
    EXPECT_EQ(fdt_check_header(board->memory().host_ptr(layout->dtb_addr, layout->dtb_size)), 0);
    EXPECT_EQ(board->memory().load<uint32_t>(0x80200030).value(), 0x43534952u); // "RISC"
    EXPECT_EQ(board->hart(0).pc(), 0x80200000u);
    EXPECT_EQ(board->hart(0).priv(), riscv::Priv::S);
    EXPECT_EQ(board->hart(0).reg(10), 0u);
    EXPECT_EQ(board->hart(0).reg(11), layout->dtb_addr);
    EXPECT_EQ(board->hart_states().state(0), sbi::HartState::Started);
    EXPECT_EQ(board->hart_states().state(1), sbi::HartState::Stopped);
}

TEST_F(BoardTest, PvLoadWithoutKernelIsAnError)
{
    make(1);
    EXPECT_FALSE(board->load(BootImages {}));
}

TEST_F(BoardTest, InitrdThatDoesNotFitIsAnErrorNamingIt)
{
    make(1, BootMode::Pv, 16);
    auto images = pv_images();
    images.initrd = std::vector<uint8_t>(15 << 20);
    images.initrd_name = "big.cpio";
    auto layout = board->load(images);
    ASSERT_FALSE(layout);
    EXPECT_NE(layout.error().message().find("initrd big.cpio"), std::string::npos);
}

TEST_F(BoardTest, KernelLargerThanRamIsAnError)
{
    make(1, BootMode::Pv, 16);
    auto images = pv_images();
    images.kernel->image_size = 32 << 20;
    auto layout = board->load(images);
    ASSERT_FALSE(layout);
    EXPECT_NE(layout.error().message().find("give more --memory"), std::string::npos);
}

TEST_F(BoardTest, VirtioSlotsFillInOrderWithTheirIrqsAndNodes)
{
    make(1);
    for (unsigned n = 0; n < 16; ++n) {
        auto slot = board->add_virtio_device([&](VirtioSlot s) -> Result<std::unique_ptr<MmioDevice>> {
            EXPECT_EQ(s.base, 0x10001000u + n * 0x1000);
            // QEMU virt's eight slots on irqs 1..8; Xenith's eight more on 12..19, past the RTC's 11.
            EXPECT_EQ(s.irq, n < 8 ? 1 + n : 12 + (n - 8));
            return std::unique_ptr<MmioDevice>(std::make_unique<VirtioRng>(s, board->memory()));
        });
        ASSERT_TRUE(slot) << slot.error().message();
        EXPECT_EQ(*slot, n);
    }
    auto seventeenth = board->add_virtio_device([&](VirtioSlot s) -> Result<std::unique_ptr<MmioDevice>> {
        return std::unique_ptr<MmioDevice>(std::make_unique<VirtioRng>(s, board->memory()));
    });
    EXPECT_FALSE(seventeenth);
    EXPECT_NE(board->bus().find(0x10008000, 4), nullptr);
    EXPECT_NE(board->bus().find(0x10010000, 4), nullptr);
    auto dtb = board->build_fdt("", 0, 0).value();
    EXPECT_EQ(cells(dtb.data(), "/soc/virtio_mmio@10008000", "interrupts"), std::vector<uint32_t>({ 8 }));
    EXPECT_EQ(cells(dtb.data(), "/soc/virtio_mmio@10009000", "interrupts"), std::vector<uint32_t>({ 12 }));
    EXPECT_EQ(cells(dtb.data(), "/soc/virtio_mmio@10010000", "interrupts"), std::vector<uint32_t>({ 19 }));
}

TEST_F(BoardTest, VirtioFactoryErrorIsPassedOn)
{
    make(1);
    auto slot = board->add_virtio_device([](VirtioSlot) -> Result<std::unique_ptr<MmioDevice>> { return fail("disk 0: image locked"); });
    ASSERT_FALSE(slot);
    EXPECT_EQ(slot.error().message(), "disk 0: image locked");
}

TEST_F(BoardTest, FirmwareBootRunsResetRomWithHartidAndDtbInM)
{
    make(1, BootMode::Firmware);
    BootImages images;
    images.firmware = FirmwareImage::parse(test::finisher_firmware(), "fw", ram_base).value();
    images.firmware_name = "fw";
    auto layout = board->load(images);
    ASSERT_TRUE(layout) << layout.error().message();
    EXPECT_EQ(board->hart(0).pc(), reset_rom_base);
    EXPECT_EQ(board->hart(0).priv(), riscv::Priv::M);
    board->hart(0).run();
    ASSERT_TRUE(finisher_outcome);
    EXPECT_EQ(*finisher_outcome, TestFinisher::Outcome::Pass);
    EXPECT_EQ(board->memory().load<uint64_t>(ram_base + 0x40).value(), 0u);               // a0 = mhartid
    EXPECT_EQ(board->memory().load<uint64_t>(ram_base + 0x48).value(), layout->dtb_addr); // a1 = DTB
}

TEST_F(BoardTest, FirmwareModeKernelGoesWhereFwJumpJumps)
{
    make(1, BootMode::Firmware);
    auto images = pv_images();
    images.firmware = FirmwareImage::parse(test::finisher_firmware(), "fw", ram_base).value();
    auto layout = board->load(images);
    ASSERT_TRUE(layout);
    EXPECT_EQ(layout->kernel_addr, 0x80200000u);
    EXPECT_EQ(layout->entry, ram_base);
}

// --- which console the user's keys reach ---------------------------------------------------

class InputBackend final : public CharBackend {
public:
    void write(std::span<uint8_t const>) override { }
    void set_input_handler(InputHandler handler) override { type = std::move(handler); }
    InputHandler type;
};

struct ConsoleInputTest : ::testing::Test {
    InputBackend console;
    std::unique_ptr<VirtBoard> board;
    VirtioConsole* hvc { nullptr };
    std::unique_ptr<test::TestDriver> driver;

    void make(std::string const& bootargs, BootMode mode = BootMode::Pv)
    {
        board = std::move(VirtBoard::create({ 64, 1, mode }, console, [](TestFinisher::Outcome, uint32_t) { }).value());
        ASSERT_TRUE(board->add_virtio_device([&](VirtioSlot slot) -> Result<std::unique_ptr<MmioDevice>> {
            auto made = std::make_unique<VirtioConsole>(slot, board->memory(), board->console_backend());
            hvc = made.get();
            return std::unique_ptr<MmioDevice>(std::move(made));
        }));
        board->set_hvc_console(hvc);
        // The driver's rings live in the board's RAM, clear of the test kernel and the DTB.
        guest = std::make_unique<test::TestGuest>(board->memory(), ram_base + (48u << 20));
        BootImages images;
        if (mode == BootMode::Pv) {
            images.kernel = KernelImage::parse(test::hsm_image(), "hsm").value();
        } else {
            images.firmware = FirmwareImage::parse(test::finisher_firmware(), "fw", ram_base).value();
        }
        images.bootargs = bootargs;
        ASSERT_TRUE(board->load(images));
    }

    // The guest's virtio-console driver comes up as Linux's does and opens port 0 (hvc0).
    void open_hvc0()
    {
        driver = std::make_unique<test::TestDriver>(*hvc, *guest);
        driver->init(test::TestDriver::all_ring_features | virtio::console::f_multiport, 4);
        test::ConsoleControl control(*driver);
        control.post(4);
        control.handshake();
    }

    void type(std::string const& s) { console.type(std::span(reinterpret_cast<uint8_t const*>(s.data()), s.size())); }
    bool uart_has_input() { return board->bus().find(uart_base, 1)->device->read(5, 1) & 1; } // LSR.DR

    std::unique_ptr<test::TestGuest> guest;
};

TEST_F(ConsoleInputTest, ConsoleHvc0GoesToPortZeroOnceTheGuestOpensIt)
{
    make("root=/dev/vda console=hvc0");
    EXPECT_EQ(board->input_console(), VirtBoard::InputConsole::Uart); // nothing reads hvc0 yet
    open_hvc0();
    ASSERT_TRUE(hvc->port_open(0));
    EXPECT_EQ(board->input_console(), VirtBoard::InputConsole::Hvc);
    type("root\n");
    EXPECT_EQ(hvc->pending_input(0), 5u); // no receive buffers posted: it waits in the device
    EXPECT_FALSE(uart_has_input());
}

TEST_F(ConsoleInputTest, ConsoleTtyS0KeepsTheUartEvenThoughLinuxOpensPortZero)
{
    make("console=hvc0 console=ttyS0");
    open_hvc0();
    EXPECT_EQ(board->input_console(), VirtBoard::InputConsole::Uart);
    type("x");
    EXPECT_TRUE(uart_has_input());
    EXPECT_EQ(hvc->pending_input(0), 0u);
}

TEST_F(ConsoleInputTest, NoConsoleNamedMeansTheUart)
{
    make("root=/dev/vda");
    open_hvc0();
    EXPECT_EQ(board->input_console(), VirtBoard::InputConsole::Uart);
}

TEST_F(ConsoleInputTest, FirmwareBootMeansTheUart)
{
    make("console=hvc0", BootMode::Firmware);
    open_hvc0();
    EXPECT_EQ(board->input_console(), VirtBoard::InputConsole::Uart);
}

TEST_F(ConsoleInputTest, AKernelReadingTheSbiConsoleGetsTheKeysOnHvc0)
{
    // A kernel built with CONFIG_HVC_RISCV_SBI: its hvc0 is the SBI console, which it polls.
    make("console=hvc0");
    open_hvc0();
    uint8_t c;
    board->sbi_console().read(std::span(&c, 1));
    EXPECT_EQ(board->input_console(), VirtBoard::InputConsole::Sbi);
    type("k");
    EXPECT_EQ(board->sbi_console().read(std::span(&c, 1)), 1u);
    EXPECT_EQ(c, 'k');
    EXPECT_EQ(hvc->pending_input(0), 0u);
}

TEST_F(ConsoleInputTest, APortZeroTheGuestClosesOrResetsFallsBackToTheUart)
{
    make("console=hvc0");
    open_hvc0();
    ASSERT_EQ(board->input_console(), VirtBoard::InputConsole::Hvc);
    driver->set_reg(virtio::mmio::status, 0);
    EXPECT_EQ(board->input_console(), VirtBoard::InputConsole::Uart);
}

} // namespace
} // namespace xenith::board
