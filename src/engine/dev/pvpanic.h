// PvPanic: QEMU's pvpanic-mmio device. The guest kernel's panic notifier writes to it, which is
// how a crash reaches xend's on_crash (Xen's guests say SHUTDOWN_crash through a hypercall).
#pragma once

#include <cstdint>
#include <functional>

#include "engine/dev/device.h"

namespace xenith {

// One byte register at +0. Reads return the events supported; a write of PANICKED reports a
// guest panic, CRASH_LOADED a panic with a crash kernel loaded (both are crashes to us).
// Threading: stateless apart from the handler, which runs on the writing vCPU's thread.
class PvPanic final : public MmioDevice {
public:
    static constexpr uint64_t window_size = 0x1000;
    static constexpr uint8_t event_panicked = 1 << 0;
    static constexpr uint8_t event_crash_loaded = 1 << 1;

    using Handler = std::function<void(uint8_t events)>;

    explicit PvPanic(uint64_t base);

    // Set before the vCPUs run.
    void set_handler(Handler handler) { m_handler = std::move(handler); }

    std::string_view name() const override { return "pvpanic"; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, uint64_t value, unsigned size) override;
    void write_fdt(FdtWriter&) const override;

private:
    uint64_t m_base;
    Handler m_handler;
};

} // namespace xenith
