// TestFinisher: SiFive's test device; a guest write ends the machine (poweroff, reboot, fail).
#pragma once

#include <cstdint>
#include <functional>

#include "engine/dev/device.h"

namespace xenith {

// One 32-bit register at +0: 0x5555 passes (poweroff), 0x7777 resets, 0x3333 | code << 16
// fails with `code`, written as 16 or 32 bits. Other values and byte writes are ignored. Linux reaches it through the syscon-poweroff
// and syscon-reboot nodes this device also writes.
// Threading: stateless apart from the callback, which is called on the writing vCPU's thread
// and must itself be thread-safe.
class TestFinisher final : public MmioDevice {
public:
    static constexpr uint64_t default_base = 0x100000;
    static constexpr uint64_t window_size = 0x1000;

    enum class Outcome {
        Pass,
        Reset,
        Fail,
    };
    using Handler = std::function<void(Outcome, uint32_t code)>;

    TestFinisher(uint64_t base, Handler handler);

    std::string_view name() const override { return "test-finisher"; }
    uint64_t read(uint64_t, unsigned) override { return 0; }
    void write(uint64_t offset, uint64_t value, unsigned size) override;
    // Writes /soc/test@... and, at the root level, is followed by write_power_nodes().
    void write_fdt(FdtWriter&) const override;
    // The root-level /poweroff and /reboot syscon nodes that point at this device.
    void write_power_nodes(FdtWriter&) const;

private:
    uint64_t m_base;
    Handler m_handler;
};

} // namespace xenith
