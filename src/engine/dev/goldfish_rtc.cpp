// GoldfishRtc: host wall clock with a guest-settable offset.
#include "engine/dev/goldfish_rtc.h"

#include <ctime>

#include "engine/dev/fdt_writer.h"

namespace xenith {

namespace {
constexpr uint64_t TIME_LOW = 0x00, TIME_HIGH = 0x04, ALARM_LOW = 0x08, ALARM_HIGH = 0x0c, IRQ_ENABLED = 0x10,
                   CLEAR_ALARM = 0x14, ALARM_STATUS = 0x18, CLEAR_INTERRUPT = 0x1c;
}

GoldfishRtc::GoldfishRtc(uint64_t base, unsigned irq_number, IrqLine& irq)
    : m_base(base)
    , m_irq_number(irq_number)
    , m_irq(irq)
{
}

uint64_t GoldfishRtc::now_ns() const
{
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return uint64_t(ts.tv_sec) * 1'000'000'000ull + uint64_t(ts.tv_nsec) + uint64_t(m_offset_ns);
}

void GoldfishRtc::update_irq() { m_irq.set_level(m_irq_enabled && m_irq_pending); }

uint64_t GoldfishRtc::read(uint64_t offset, unsigned size)
{
    if (size != 4)
        return 0;
    std::lock_guard guard(m_lock);
    switch (offset) {
    case TIME_LOW: {
        uint64_t now = now_ns();
        m_time_high_latch = uint32_t(now >> 32);
        return uint32_t(now);
    }
    case TIME_HIGH:
        return m_time_high_latch;
    case ALARM_LOW:
        return uint32_t(m_alarm_ns);
    case ALARM_HIGH:
        return uint32_t(m_alarm_ns >> 32);
    case IRQ_ENABLED:
        return m_irq_enabled;
    case ALARM_STATUS:
        return m_alarm_armed;
    }
    return 0;
}

void GoldfishRtc::write(uint64_t offset, uint64_t value, unsigned size)
{
    if (size != 4)
        return;
    uint32_t v = uint32_t(value);
    std::lock_guard guard(m_lock);
    switch (offset) {
    case TIME_HIGH:
        m_time_high_written = v;
        break;
    case TIME_LOW: {
        uint64_t wanted = uint64_t(m_time_high_written) << 32 | v;
        m_offset_ns += int64_t(wanted - now_ns());
        break;
    }
    case ALARM_HIGH:
        m_alarm_ns = (m_alarm_ns & 0xffffffffull) | uint64_t(v) << 32;
        break;
    case ALARM_LOW:
        // Writing the low half arms the alarm, as on the goldfish device.
        m_alarm_ns = (m_alarm_ns & ~0xffffffffull) | v;
        m_alarm_armed = true;
        if (m_alarm_ns <= now_ns()) {
            m_alarm_armed = false;
            m_irq_pending = true;
        }
        break;
    case IRQ_ENABLED:
        m_irq_enabled = v & 1;
        break;
    case CLEAR_ALARM:
        m_alarm_armed = false;
        break;
    case CLEAR_INTERRUPT:
        m_irq_pending = false;
        break;
    }
    update_irq();
}

void GoldfishRtc::write_fdt(FdtWriter& fdt) const
{
    fdt.begin_node(fmt::format("rtc@{:x}", m_base));
    fdt.property_u32("interrupts", m_irq_number);
    fdt.property_u32("interrupt-parent", phandle::plic);
    fdt.property_reg(m_base, window_size);
    fdt.property_strings("compatible", { "google,goldfish-rtc" });
    fdt.end_node();
}

} // namespace xenith
