// PvPanic: capability read and event write.
#include "engine/dev/pvpanic.h"

#include "engine/dev/fdt_writer.h"

namespace xenith {

namespace {
constexpr uint8_t supported_events = PvPanic::event_panicked | PvPanic::event_crash_loaded;
}

PvPanic::PvPanic(uint64_t base)
    : m_base(base)
{
}

uint64_t PvPanic::read(uint64_t offset, unsigned)
{
    return offset == 0 ? supported_events : 0;
}

void PvPanic::write(uint64_t offset, uint64_t value, unsigned)
{
    uint8_t events = uint8_t(value) & supported_events;
    if (offset == 0 && events && m_handler)
        m_handler(events);
}

void PvPanic::write_fdt(FdtWriter& fdt) const
{
    fdt.begin_node(fmt::format("pvpanic@{:x}", m_base));
    fdt.property_reg(m_base, 2);
    fdt.property_strings("compatible", { "qemu,pvpanic-mmio" });
    fdt.end_node();
}

} // namespace xenith
