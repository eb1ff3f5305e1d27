// Bus: the MMIO map. Maps guest-physical windows to devices and refuses overlaps.
#pragma once

#include <cstdint>
#include <vector>

#include "base/error.h"
#include "engine/dev/device.h"

namespace xenith {

class Bus {
public:
    struct Mapping {
        uint64_t base;
        uint64_t size;
        MmioDevice* device;
    };

    // Adds [base, base+size) for `device` (not owned). Errors on empty, wrapping or overlapping windows.
    Status map(uint64_t base, uint64_t size, MmioDevice& device);

    // The mapping containing [addr, addr+size), or nullptr. Lock-free: the map is fixed before vCPUs run.
    Mapping const* find(uint64_t addr, unsigned size) const;

    std::vector<Mapping> const& mappings() const { return m_mappings; }

private:
    std::vector<Mapping> m_mappings; // sorted by base
};

} // namespace xenith
