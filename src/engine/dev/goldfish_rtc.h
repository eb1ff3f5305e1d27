// GoldfishRtc: Android's goldfish real-time clock, nanoseconds since the epoch from the host.
#pragma once

#include <cstdint>
#include <mutex>

#include "engine/dev/device.h"

namespace xenith {

// Registers: TIME_LOW (+0x00; reading it latches TIME_HIGH), TIME_HIGH (+0x04), ALARM_LOW/HIGH
// (+0x08/+0x0c), IRQ_ENABLED (+0x10), CLEAR_ALARM (+0x14), ALARM_STATUS (+0x18),
// CLEAR_INTERRUPT (+0x1c). Time is the host's CLOCK_REALTIME plus an offset the guest sets by
// writing TIME_HIGH then TIME_LOW. An alarm set in the past fires at once; an alarm in the
// future is stored and reported armed but does not fire (no host timer yet; Linux only
// needs it for wake-up alarms).
// Threading: one mutex; any thread.
class GoldfishRtc final : public MmioDevice {
public:
    static constexpr uint64_t default_base = 0x101000;
    static constexpr uint64_t window_size = 0x1000;
    static constexpr unsigned default_irq = 11;

    GoldfishRtc(uint64_t base, unsigned irq_number, IrqLine& irq);

    std::string_view name() const override { return "goldfish-rtc"; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, uint64_t value, unsigned size) override;
    void write_fdt(FdtWriter&) const override;

private:
    uint64_t now_ns() const;
    void update_irq();

    uint64_t m_base;
    unsigned m_irq_number;
    IrqLine& m_irq;
    std::mutex m_lock;
    int64_t m_offset_ns { 0 };
    uint32_t m_time_high_latch { 0 };
    uint32_t m_time_high_written { 0 };
    uint64_t m_alarm_ns { 0 };
    bool m_alarm_armed { false };
    bool m_irq_enabled { false };
    bool m_irq_pending { false };
};

} // namespace xenith
