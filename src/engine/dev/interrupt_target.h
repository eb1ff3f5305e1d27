// InterruptTarget: one hart's interrupt inputs as the ACLINT and PLIC drive them.
#pragma once

#include <cstdint>

namespace xenith {

// The interrupt controllers talk to harts through this instead of riscv::Hart so they
// stay free of the interpreter (and testable without one); the board adapts each Hart.
// Threading: callable from any thread, like the Hart methods it forwards to.
class InterruptTarget {
public:
    virtual ~InterruptTarget() = default;
    // Sets or clears externally driven mip bits (riscv::irq::MSIP, MEIP, SEIP...).
    virtual void set_interrupt_pending(uint64_t mip_bits, bool level) = 0;
    // The hart's machine timer compare value.
    virtual void set_mtimecmp(uint64_t value) = 0;
};

} // namespace xenith
