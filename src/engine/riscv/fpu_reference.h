// Private to the FPU and its tests: the all-software path, the reference for the host fast paths.
#pragma once

#include "engine/riscv/fpu.h"

namespace xenith::riscv::fpu {

// fpu::execute's contract, computed without any host floating-point arithmetic.
// The unit tests replay the golden tables through both, so neither path goes unchecked.
uint64_t execute_software(Op op, uint64_t a, uint64_t b, uint64_t c, RoundingMode rm, uint32_t& fflags);

} // namespace xenith::riscv::fpu
