// Recording InterruptTargets and IrqLines for device tests.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/dev/device.h"
#include "engine/dev/interrupt_target.h"

namespace xenith::test {

// Keeps the mip bits and mtimecmp a device last drove, like a hart's input latches.
class RecordingHart final : public InterruptTarget {
public:
    void set_interrupt_pending(uint64_t bits, bool level) override
    {
        mip = level ? (mip | bits) : (mip & ~bits);
        ++updates;
    }
    void set_mtimecmp(uint64_t value) override { mtimecmp = value; }

    uint64_t mip { 0 };
    uint64_t mtimecmp { 0 };
    unsigned updates { 0 };
};

class RecordingLine final : public IrqLine {
public:
    void set_level(bool high) override { level = high; }
    bool level { false };
};

} // namespace xenith::test
