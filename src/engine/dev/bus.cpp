// Bus: sorted window list with overlap checks.
#include "engine/dev/bus.h"

#include <algorithm>

namespace xenith {

Status Bus::map(uint64_t base, uint64_t size, MmioDevice& device)
{
    if (size == 0 || base + size < base)
        return fail("device {}: window [{:#x}, +{:#x}) is empty or wraps", device.name(), base, size);
    auto it = std::lower_bound(m_mappings.begin(), m_mappings.end(), base,
        [](Mapping const& m, uint64_t b) { return m.base < b; });
    if (it != m_mappings.end() && it->base < base + size)
        return fail("device {}: window [{:#x}, +{:#x}) overlaps {} at {:#x}", device.name(), base, size, it->device->name(), it->base);
    if (it != m_mappings.begin()) {
        auto const& prev = *(it - 1);
        if (prev.base + prev.size > base)
            return fail("device {}: window [{:#x}, +{:#x}) overlaps {} at {:#x}", device.name(), base, size, prev.device->name(), prev.base);
    }
    m_mappings.insert(it, Mapping { base, size, &device });
    return {};
}

Bus::Mapping const* Bus::find(uint64_t addr, unsigned size) const
{
    auto it = std::upper_bound(m_mappings.begin(), m_mappings.end(), addr,
        [](uint64_t a, Mapping const& m) { return a < m.base; });
    if (it == m_mappings.begin())
        return nullptr;
    auto const& m = *(it - 1);
    if (addr - m.base >= m.size || size > m.size - (addr - m.base))
        return nullptr;
    return &m;
}

} // namespace xenith
