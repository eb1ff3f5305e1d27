// MmioDevice: what every memory-mapped device implements. Three calls and a threading contract.
#pragma once

#include <cstdint>
#include <string_view>

namespace xenith {

class FdtWriter;

// Threading: read() and write() may be called from any vCPU thread concurrently, and from the
// domain's I/O thread; implementations synchronize internally. `offset` is relative to the
// device's base and lies inside its window; `size` is 1, 2, 4 or 8. Registers a device does not
// implement read as zero and ignore writes, as on real hardware.
class MmioDevice {
public:
    virtual ~MmioDevice() = default;

    virtual std::string_view name() const = 0;
    virtual uint64_t read(uint64_t offset, unsigned size) = 0;
    virtual void write(uint64_t offset, uint64_t value, unsigned size) = 0;

    // Adds this device's node under the FDT's /soc node. Called once, at board build time.
    virtual void write_fdt(FdtWriter&) const { }
};

// A level-triggered interrupt input (a PLIC source). Callable from any thread.
class IrqLine {
public:
    virtual ~IrqLine() = default;
    virtual void set_level(bool high) = 0;
};

} // namespace xenith
