// ResetRom: the boot ROM at 0x1000 whose reset vector jumps to the firmware with a0/a1 set.
#pragma once

#include <array>
#include <cstdint>

#include "engine/dev/device.h"

namespace xenith::board {

// Like QEMU virt's: loads the firmware entry and the DTB address from data words after the
// code, puts mhartid in a0 and the DTB in a1, and jumps. Read-only; harts fetch from it
// through the bus. Threading: immutable after construction, so any thread.
class ResetRom final : public MmioDevice {
public:
    static constexpr uint64_t window_size = 0x1000;

    ResetRom(uint64_t entry, uint64_t dtb_addr);

    std::string_view name() const override { return "reset-rom"; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t, uint64_t, unsigned) override { }

private:
    std::array<uint8_t, 0x28> m_bytes {};
};

} // namespace xenith::board
