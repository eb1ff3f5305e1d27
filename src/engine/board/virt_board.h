// VirtBoard: the "virt" machine: RAM, harts, SBI, devices on the bus, the FDT and the boot images.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/error.h"
#include "engine/board/firmware_image.h"
#include "engine/board/kernel_image.h"
#include "engine/dev/bus.h"
#include "engine/dev/device.h"
#include "engine/dev/pvpanic.h"
#include "engine/dev/test_finisher.h"
#include "engine/dev/virtio/virtio_mmio.h"
#include "engine/mem/guest_memory.h"
#include "engine/riscv/hart.h"
#include "engine/sbi/hart_states.h"

namespace xenith {
class CharBackend;
class Aclint;
class Plic;
class Uart16550;
class GoldfishRtc;
class VirtioConsole;
namespace sbi {
class Sbi;
class SbiConsole;
}
}

namespace xenith::board {

class HartInterruptTarget;
class ResetRom;

enum class BootMode {
    Pv,       // no firmware: the kernel starts in S-mode and Xenith answers its SBI calls
    Firmware, // --bios: every hart resets into M-mode at the reset ROM
};

struct BoardConfig {
    uint64_t memory_mib { 128 };
    unsigned vcpus { 1 };          // online at boot
    BootMode boot { BootMode::Pv };
    unsigned max_vcpus { 0 };      // harts in the machine (and its FDT); 0 = vcpus
    uint32_t jit_hot_entries { riscv::default_jit_hot_entries }; // see riscv::HartConfig
};

// What goes into RAM. PV needs a kernel; firmware mode needs firmware, the kernel is optional.
struct BootImages {
    std::optional<KernelImage> kernel;
    std::string kernel_name;
    std::optional<std::vector<uint8_t>> initrd;
    std::string initrd_name;
    std::optional<FirmwareImage> firmware;
    std::string firmware_name;
    std::string bootargs;
};

// Where load() put things, for logs and tests.
struct BootLayout {
    uint64_t entry { 0 }; // first instruction of hart 0
    uint64_t kernel_addr { 0 }, kernel_end { 0 };
    uint64_t initrd_start { 0 }, initrd_end { 0 };
    uint64_t dtb_addr { 0 }, dtb_size { 0 };
};

class VirtBoard {
public:
    static constexpr uint64_t max_dtb_size = 64 * 1024;
    static constexpr uint64_t min_memory_mib = 16;
    static constexpr unsigned max_vcpus = 64;

    using VirtioFactory = std::function<Result<std::unique_ptr<MmioDevice>>(VirtioSlot const&)>;

    // Builds RAM, harts and every fixed device. `console` carries the UART and the SBI console;
    // `on_finisher` receives the test finisher's verdicts (any vCPU thread).
    static Result<std::unique_ptr<VirtBoard>> create(BoardConfig const&, CharBackend& console, TestFinisher::Handler on_finisher);
    ~VirtBoard();

    // Plugs a virtio-mmio device into the next free slot n (0..7): the factory gets the slot
    // (base 0x10001000 + n*0x1000, PLIC source 1 + n and its line) and returns the device,
    // which the board maps (a 0x1000 window) and whose write_fdt() it calls. Returns n.
    // Only before load(). Example:
    //   board.add_virtio_device([&](VirtioSlot slot) { return std::make_unique<VirtioRng>(slot, mem); });
    Result<unsigned> add_virtio_device(VirtioFactory const& factory);
    unsigned free_virtio_slots() const;

    // Places the images, builds the FDT, writes it to RAM and resets the harts for boot.
    Result<BootLayout> load(BootImages const& images);
    // The FDT as load() would write it, for --dtb-out and tests.
    Result<std::vector<uint8_t>> build_fdt(std::string const& bootargs, uint64_t initrd_start, uint64_t initrd_end) const;
    // The command line the FDT carries: `bootargs`, plus maxcpus=<vcpus> when there are more
    // harts than boot vCPUs and the user gave no maxcpus= of their own.
    std::string effective_bootargs(std::string const& bootargs) const;

    BootMode boot_mode() const { return m_config.boot; }
    GuestMemory& memory() { return *m_memory; }
    Bus& bus() { return m_bus; }
    Plic& plic() { return *m_plic; }
    unsigned hart_count() const { return unsigned(m_harts.size()); }
    // Harts beyond this are possible but offline at boot: load() puts maxcpus= on the
    // command line, so Linux leaves them stopped until they are onlined (xm vcpu-set).
    unsigned boot_vcpus() const { return m_config.vcpus; }
    riscv::Hart& hart(unsigned i) { return *m_harts[i]; }
    sbi::HartStates& hart_states() { return *m_hart_states; }
    sbi::SbiConsole& sbi_console() { return *m_sbi_console; }

    // The guest's pvpanic device: a panicking kernel reports through it. Set before run().
    PvPanic& pvpanic() { return *m_pvpanic; }

    // The domain's console backend: the UART, the SBI console and virtio-console port 0 (the
    // guest's hvc0) all write to it.
    CharBackend& console_backend() const { return m_console; }
    // The virtio-console whose port 0 is the guest's hvc0, writing to console_backend(); the
    // board feeds it typed input when it is the guest's console (see console_input()). Set it
    // before run(); nullptr (the default) means there is none.
    void set_hvc_console(VirtioConsole* console) { m_hvc_console.store(console, std::memory_order_release); }

    // Console bytes typed by the user go to exactly one console: feeding two would type every
    // key into two gettys. It is the console Linux makes /dev/console, where the guest kit runs
    // its login: the last console= on the kernel command line.
    // - console=hvc... (PV): virtio-console port 0 (hvc0) once the guest has opened it; the SBI
    //   console instead once the guest reads it (a kernel built with CONFIG_HVC_RISCV_SBI, e.g.
    //   Debian's, where hvc0 is the SBI console); before either, the UART.
    // - any other console=, none (Linux then uses the device tree's stdout-path, the UART), or a
    //   firmware boot (the command line lives in the guest's disk): the UART.
    // Not "port 0 whenever the guest has it open": Linux opens port 0 as soon as its driver
    // binds, whether or not anything runs on hvc0, so a console=ttyS0 guest would have every key
    // typed into an hvc0 nobody reads. I/O thread.
    void console_input(std::span<uint8_t const> bytes);
    enum class InputConsole { Uart, Sbi, Hvc };
    // Where console_input() sends bytes right now. Any thread.
    InputConsole input_console() const;

private:
    VirtBoard(BoardConfig const& config, CharBackend& console);
    Status map(uint64_t base, uint64_t size, MmioDevice& device);

    BoardConfig m_config;
    CharBackend& m_console;
    std::atomic<bool> m_hvc_named { false }; // PV and the last console= is hvc...
    std::atomic<VirtioConsole*> m_hvc_console { nullptr };
    std::unique_ptr<GuestMemory> m_memory;
    Bus m_bus;
    std::unique_ptr<sbi::HartStates> m_hart_states;
    std::unique_ptr<sbi::SbiConsole> m_sbi_console;
    std::unique_ptr<sbi::Sbi> m_sbi;
    std::vector<std::unique_ptr<riscv::Hart>> m_harts;
    std::vector<std::unique_ptr<HartInterruptTarget>> m_targets;
    std::unique_ptr<Aclint> m_aclint;
    std::unique_ptr<Plic> m_plic;
    std::unique_ptr<Uart16550> m_uart;
    std::unique_ptr<GoldfishRtc> m_rtc;
    std::unique_ptr<TestFinisher> m_finisher;
    std::unique_ptr<PvPanic> m_pvpanic;
    std::unique_ptr<ResetRom> m_reset_rom;
    std::vector<std::unique_ptr<MmioDevice>> m_virtio;
};

} // namespace xenith::board
