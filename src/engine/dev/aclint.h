// Aclint: the ACLINT MSWI + MTIMER pair in QEMU virt's SiFive CLINT layout.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <span>

#include "engine/dev/device.h"
#include "engine/dev/interrupt_target.h"

namespace xenith {

// Layout (QEMU virt): msip[hart] at +0 + 4*hart (bit 0), mtimecmp[hart] at +0x4000 + 8*hart,
// mtime at +0xbff8. mtime is the process-wide riscv::mtime_now() at 10 MHz; every hart uses
// the same clock for its own timer, so mtime is read-only here (writes are ignored).
// Threading: lock-free; every register is an atomic and each write is forwarded to the hart,
// so any thread may call read()/write() concurrently.
class Aclint final : public MmioDevice {
public:
    static constexpr uint64_t default_base = 0x2000000;
    static constexpr uint64_t window_size = 0x10000;
    static constexpr uint64_t msip_offset = 0x0;
    static constexpr uint64_t mtimecmp_offset = 0x4000;
    static constexpr uint64_t mtime_offset = 0xbff8;

    // `harts[i]` is hart i; not owned, must outlive the device.
    Aclint(uint64_t base, std::span<InterruptTarget* const> harts);

    std::string_view name() const override { return "aclint"; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, uint64_t value, unsigned size) override;
    void write_fdt(FdtWriter&) const override;

private:
    uint64_t read64(uint64_t offset) const;

    uint64_t m_base;
    unsigned m_hart_count;
    std::unique_ptr<InterruptTarget*[]> m_harts;
    std::unique_ptr<std::atomic<uint32_t>[]> m_msip;
    std::mutex m_msip_lock;
    std::unique_ptr<std::atomic<uint64_t>[]> m_mtimecmp;
};

} // namespace xenith
