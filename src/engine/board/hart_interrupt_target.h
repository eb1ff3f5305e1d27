// HartInterruptTarget: adapts a riscv::Hart to the InterruptTarget the ACLINT and PLIC drive.
#pragma once

#include "engine/dev/interrupt_target.h"
#include "engine/riscv/hart.h"

namespace xenith::board {

class HartInterruptTarget final : public InterruptTarget {
public:
    explicit HartInterruptTarget(riscv::Hart& hart)
        : m_hart(hart)
    {
    }
    void set_interrupt_pending(uint64_t bits, bool level) override { m_hart.set_interrupt_pending(bits, level); }
    void set_mtimecmp(uint64_t value) override { m_hart.set_mtimecmp(value); }

private:
    riscv::Hart& m_hart;
};

} // namespace xenith::board
