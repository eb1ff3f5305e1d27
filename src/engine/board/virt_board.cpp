// VirtBoard: the whole machine wired in one place, top to bottom, then the FDT and boot placement.
#include "engine/board/virt_board.h"

#include "engine/board/hart_interrupt_target.h"
#include "engine/board/memory_map.h"
#include "engine/board/reset_rom.h"
#include "engine/dev/aclint.h"
#include "engine/dev/fdt_writer.h"
#include "engine/dev/goldfish_rtc.h"
#include "engine/dev/plic.h"
#include "engine/dev/uart16550.h"
#include "engine/dev/virtio/virtio_console.h"
#include "engine/io/char_backend.h"
#include "engine/riscv/timebase.h"
#include "engine/sbi/sbi.h"
#include "engine/sbi/sbi_console.h"

namespace xenith::board {

namespace {
constexpr uint64_t MiB = 1024 * 1024;
constexpr char const* isa_string = "rv64imafdc_zicsr_zifencei_zba_zbb_zbs_sstc";

uint64_t align_down(uint64_t v, uint64_t a) { return v & ~(a - 1); }
} // namespace

VirtBoard::VirtBoard(BoardConfig const& config, CharBackend& console)
    : m_config(config)
    , m_console(console)
{
}

VirtBoard::~VirtBoard() = default;

Status VirtBoard::map(uint64_t base, uint64_t size, MmioDevice& device) { return m_bus.map(base, size, device); }

Result<std::unique_ptr<VirtBoard>> VirtBoard::create(BoardConfig const& config, CharBackend& console, TestFinisher::Handler on_finisher)
{
    if (config.memory_mib < min_memory_mib || config.memory_mib > (1ull << 20))
        return fail("--memory {}: must be between {} and {} MiB", config.memory_mib, min_memory_mib, 1ull << 20);
    if (config.vcpus < 1 || config.vcpus > max_vcpus)
        return fail("--vcpus {}: must be between 1 and {}", config.vcpus, max_vcpus);
    if (config.max_vcpus != 0 && (config.max_vcpus < config.vcpus || config.max_vcpus > max_vcpus))
        return fail("--maxvcpus {}: must be between --vcpus ({}) and {}", config.max_vcpus, config.vcpus, max_vcpus);

    std::unique_ptr<VirtBoard> b(new VirtBoard(config, console));
    unsigned const n = std::max(config.vcpus, config.max_vcpus);

    // RAM.
    b->m_memory = XENITH_TRY(GuestMemory::create(ram_base, config.memory_mib * MiB));

    // Harts, with the SBI in front of them in a PV domain.
    b->m_hart_states = std::make_unique<sbi::HartStates>(n);
    b->m_sbi_console = std::make_unique<sbi::SbiConsole>(console);
    if (config.boot == BootMode::Pv)
        b->m_sbi = std::make_unique<sbi::Sbi>(*b->m_memory, *b->m_hart_states, *b->m_sbi_console);
    std::vector<riscv::Hart*> harts;
    std::vector<InterruptTarget*> targets;
    for (unsigned i = 0; i < n; ++i) {
        b->m_harts.push_back(std::make_unique<riscv::Hart>(riscv::HartConfig { i, b->m_memory.get(), &b->m_bus, b->m_sbi.get(), 0, config.jit_hot_entries }));
        b->m_targets.push_back(std::make_unique<HartInterruptTarget>(*b->m_harts.back()));
        harts.push_back(b->m_harts.back().get());
        targets.push_back(b->m_targets.back().get());
    }
    if (b->m_sbi)
        b->m_sbi->attach_harts(harts);

    // Interrupt controllers.
    b->m_aclint = std::make_unique<Aclint>(aclint_base, targets);
    XENITH_TRY(b->map(aclint_base, Aclint::window_size, *b->m_aclint));
    b->m_plic = std::make_unique<Plic>(plic_base, targets);
    XENITH_TRY(b->map(plic_base, Plic::window_size, *b->m_plic));

    // Console UART, RTC and the test finisher.
    b->m_uart = std::make_unique<Uart16550>(uart_base, uart_irq, console, *b->m_plic->irq_line(uart_irq));
    XENITH_TRY(b->map(uart_base, Uart16550::window_size, *b->m_uart));
    b->m_rtc = std::make_unique<GoldfishRtc>(rtc_base, rtc_irq, *b->m_plic->irq_line(rtc_irq));
    XENITH_TRY(b->map(rtc_base, GoldfishRtc::window_size, *b->m_rtc));
    b->m_finisher = std::make_unique<TestFinisher>(test_finisher_base, std::move(on_finisher));
    XENITH_TRY(b->map(test_finisher_base, TestFinisher::window_size, *b->m_finisher));
    b->m_pvpanic = std::make_unique<PvPanic>(pvpanic_base);
    XENITH_TRY(b->map(pvpanic_base, PvPanic::window_size, *b->m_pvpanic));

    // Typed input reaches one console: see console_input().
    VirtBoard* raw = b.get();
    console.set_input_handler([raw](std::span<uint8_t const> bytes) { raw->console_input(bytes); });
    return b;
}

VirtBoard::InputConsole VirtBoard::input_console() const
{
    if (!m_hvc_named.load(std::memory_order_acquire))
        return InputConsole::Uart;
    if (m_sbi_console->guest_reads())
        return InputConsole::Sbi;
    VirtioConsole* hvc = m_hvc_console.load(std::memory_order_acquire);
    if (hvc && hvc->port_open(VirtioConsole::console_port))
        return InputConsole::Hvc;
    return InputConsole::Uart;
}

void VirtBoard::console_input(std::span<uint8_t const> bytes)
{
    switch (input_console()) {
    case InputConsole::Hvc:
        m_hvc_console.load(std::memory_order_acquire)->receive(VirtioConsole::console_port, bytes);
        return;
    case InputConsole::Sbi:
        m_sbi_console->push_input(bytes);
        return;
    case InputConsole::Uart:
        break;
    }
    m_uart->receive(bytes);
}

namespace {
// True if the last console= on the command line names an hvc console (hvc0).
bool hvc_console_named(std::string_view bootargs)
{
    bool hvc = false;
    size_t pos = 0;
    while (pos < bootargs.size()) {
        size_t end = bootargs.find(' ', pos);
        if (end == std::string_view::npos)
            end = bootargs.size();
        auto word = bootargs.substr(pos, end - pos);
        if (word.starts_with("console="))
            hvc = word.substr(8).starts_with("hvc");
        pos = end + 1;
    }
    return hvc;
}

bool has_word_prefix(std::string_view bootargs, std::string_view prefix)
{
    size_t pos = 0;
    while ((pos = bootargs.find(prefix, pos)) != std::string_view::npos) {
        if (pos == 0 || bootargs[pos - 1] == ' ')
            return true;
        pos += prefix.size();
    }
    return false;
}
} // namespace

std::string VirtBoard::effective_bootargs(std::string const& bootargs) const
{
    // Linux starts every hart of the FDT; maxcpus= makes it start only the boot vCPUs and keep
    // the rest present but offline (stopped in HSM: no host CPU) until vcpu-set onlines them.
    // A maxcpus= the user gave wins.
    if (m_harts.size() <= m_config.vcpus || has_word_prefix(bootargs, "maxcpus="))
        return bootargs;
    return bootargs + (bootargs.empty() ? "" : " ") + fmt::format("maxcpus={}", m_config.vcpus);
}

unsigned VirtBoard::free_virtio_slots() const { return virtio_slots - unsigned(m_virtio.size()); }

Result<unsigned> VirtBoard::add_virtio_device(VirtioFactory const& factory)
{
    if (m_virtio.size() >= virtio_slots)
        return fail("virtio: all {} virtio-mmio slots are in use", virtio_slots);
    unsigned index = unsigned(m_virtio.size());
    uint64_t base = virtio_base + index * virtio_stride;
    unsigned irq = virtio_irq(index);
    VirtioSlot slot { base, irq, *m_plic->irq_line(irq) };
    auto device = XENITH_TRY(factory(slot));
    if (!device)
        return fail("virtio slot {}: the device factory returned nothing", index);
    XENITH_TRY(map(base, virtio_stride, *device));
    m_virtio.push_back(std::move(device));
    return index;
}

Result<std::vector<uint8_t>> VirtBoard::build_fdt(std::string const& bootargs, uint64_t initrd_start, uint64_t initrd_end) const
{
    FdtWriter fdt(max_dtb_size);
    fdt.property_u32("#address-cells", 2);
    fdt.property_u32("#size-cells", 2);
    fdt.property("compatible", "riscv-virtio");
    fdt.property("model", "riscv-virtio,xenith");

    fdt.begin_node("chosen");
    if (auto args = effective_bootargs(bootargs); !args.empty())
        fdt.property("bootargs", args);
    fdt.property("stdout-path", fmt::format("/soc/serial@{:x}", uart_base));
    if (initrd_end > initrd_start) {
        fdt.property_u64("linux,initrd-start", initrd_start);
        fdt.property_u64("linux,initrd-end", initrd_end);
    }
    fdt.end_node();

    m_finisher->write_power_nodes(fdt);

    fdt.begin_node(fmt::format("memory@{:x}", m_memory->base()));
    fdt.property("device_type", "memory");
    fdt.property_reg(m_memory->base(), m_memory->size());
    fdt.end_node();

    fdt.begin_node("cpus");
    fdt.property_u32("#address-cells", 1);
    fdt.property_u32("#size-cells", 0);
    fdt.property_u32("timebase-frequency", uint32_t(riscv::timebase_hz));
    for (unsigned i = 0; i < m_harts.size(); ++i) {
        fdt.begin_node(fmt::format("cpu@{}", i));
        fdt.property("device_type", "cpu");
        fdt.property_u32("reg", i);
        fdt.property("status", "okay");
        fdt.property("compatible", "riscv");
        fdt.property("riscv,isa", isa_string);
        fdt.property("mmu-type", "riscv,sv48");
        fdt.begin_node("interrupt-controller");
        fdt.property_u32("#interrupt-cells", 1);
        fdt.property_empty("interrupt-controller");
        fdt.property("compatible", "riscv,cpu-intc");
        fdt.property_u32("phandle", phandle::cpu_intc_base + i);
        fdt.end_node();
        fdt.end_node();
    }
    fdt.end_node();

    fdt.begin_node("soc");
    fdt.property_u32("#address-cells", 2);
    fdt.property_u32("#size-cells", 2);
    fdt.property("compatible", "simple-bus");
    fdt.property_empty("ranges");
    m_rtc->write_fdt(fdt);
    m_uart->write_fdt(fdt);
    m_finisher->write_fdt(fdt);
    m_pvpanic->write_fdt(fdt);
    for (auto const& dev : m_virtio)
        dev->write_fdt(fdt);
    m_plic->write_fdt(fdt);
    m_aclint->write_fdt(fdt);
    fdt.end_node();

    return fdt.finish();
}

Result<BootLayout> VirtBoard::load(BootImages const& images)
{
    BootLayout layout;
    uint64_t const ram_end = m_memory->end();
    bool const pv = m_config.boot == BootMode::Pv;
    uint64_t low_limit = ram_base; // everything placed high must stay above this

    if (pv && !images.kernel)
        return fail("no kernel: give --kernel (or --bios for firmware boot)");
    if (!pv && !images.firmware)
        return fail("firmware boot needs --bios");

    if (images.firmware) {
        XENITH_TRY(images.firmware->copy_into(*m_memory, images.firmware_name));
        low_limit = std::max(low_limit, images.firmware->end);
        layout.entry = images.firmware->entry;
    }
    if (images.kernel) {
        auto const& k = *images.kernel;
        // PV follows the Image header; OpenSBI's fw_jump always jumps to kernel_base.
        layout.kernel_addr = pv ? ram_base + k.text_offset : kernel_base;
        layout.kernel_end = layout.kernel_addr + k.image_size;
        if (layout.kernel_addr < low_limit)
            return fail("kernel {}: its load address {:#x} overlaps the firmware (ends at {:#x})", images.kernel_name, layout.kernel_addr, low_limit);
        if (layout.kernel_end > ram_end)
            return fail("kernel {}: needs {} MiB from {:#x} but RAM ends at {:#x}; give more --memory", images.kernel_name,
                (k.image_size + MiB - 1) / MiB, layout.kernel_addr, ram_end);
        XENITH_TRY(m_memory->write(layout.kernel_addr, k.bytes));
        low_limit = layout.kernel_end;
        if (pv)
            layout.entry = layout.kernel_addr;
    }

    // The DTB at the top of RAM, 2 MiB-aligned like QEMU puts it; the initrd right below it.
    layout.dtb_addr = align_down(ram_end - max_dtb_size, 2 * MiB);
    if (layout.dtb_addr < low_limit)
        return fail("--memory {} MiB is too small for the images (they end at {:#x}, the device tree needs {:#x})",
            m_config.memory_mib, low_limit, layout.dtb_addr);
    if (images.initrd) {
        uint64_t size = images.initrd->size();
        if (size > layout.dtb_addr - low_limit)
            return fail("initrd {}: {} bytes do not fit in RAM between the kernel and the device tree; give more --memory", images.initrd_name, size);
        layout.initrd_start = align_down(layout.dtb_addr - size, 4096);
        layout.initrd_end = layout.initrd_start + size;
        XENITH_TRY(m_memory->write(layout.initrd_start, *images.initrd));
    }

    auto dtb = XENITH_TRY(build_fdt(images.bootargs, layout.initrd_start, layout.initrd_end));
    layout.dtb_size = dtb.size();
    XENITH_TRY(m_memory->write(layout.dtb_addr, dtb));

    m_hvc_named.store(pv && hvc_console_named(images.bootargs), std::memory_order_release);

    if (pv) {
        // Linux boot protocol: hart 0 in S-mode at the kernel with a0 = hartid, a1 = DTB and
        // satp = 0; the others wait, stopped, for HSM hart_start.
        for (unsigned i = 0; i < m_harts.size(); ++i)
            m_harts[i]->reset(layout.entry);
        m_harts[0]->set_reg(10, 0);
        m_harts[0]->set_reg(11, layout.dtb_addr);
        m_hart_states->set_started(0);
    } else {
        // Every hart runs the reset ROM in M-mode; the firmware picks its boot hart.
        m_reset_rom = std::make_unique<ResetRom>(layout.entry, layout.dtb_addr);
        XENITH_TRY(map(reset_rom_base, ResetRom::window_size, *m_reset_rom));
        for (unsigned i = 0; i < m_harts.size(); ++i) {
            m_harts[i]->reset(reset_rom_base);
            m_hart_states->set_started(i);
        }
    }
    return layout;
}

} // namespace xenith::board
