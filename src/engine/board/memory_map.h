// The virt board's memory map and interrupt numbers (QEMU virt's, so its firmware and kernels run).
#pragma once

#include <cstdint>

namespace xenith::board {

inline constexpr uint64_t reset_rom_base = 0x1000;
inline constexpr uint64_t test_finisher_base = 0x100000;
inline constexpr uint64_t rtc_base = 0x101000;
inline constexpr uint64_t pvpanic_base = 0x102000; // not on QEMU virt: our crash reporting
inline constexpr uint64_t aclint_base = 0x2000000;
inline constexpr uint64_t plic_base = 0xc000000;
inline constexpr uint64_t uart_base = 0x10000000;
inline constexpr uint64_t virtio_base = 0x10001000;
inline constexpr uint64_t virtio_stride = 0x1000;
// QEMU virt has 8 slots; Xenith adds 8 more right after them (0x10009000..0x10010fff) so a
// domain has room for spare hotplug slots (docs/devices.md). Nothing else lives there.
inline constexpr unsigned virtio_slots = 16;
inline constexpr uint64_t ram_base = 0x80000000;

inline constexpr unsigned uart_irq = 10;
inline constexpr unsigned rtc_irq = 11;
inline constexpr unsigned virtio_irq_base = 1; // slot n < 8 uses irq 1 + n (QEMU virt's)
inline constexpr unsigned virtio_high_irq_base = 12; // slot n >= 8 uses irq 12 + (n - 8), past the RTC

inline constexpr unsigned virtio_irq(unsigned slot)
{
    return slot < 8 ? virtio_irq_base + slot : virtio_high_irq_base + (slot - 8);
}

// Where the kernel goes in both boot modes (Linux's RV64 text_offset; OpenSBI fw_jump's target).
inline constexpr uint64_t kernel_base = ram_base + 0x200000;

} // namespace xenith::board
