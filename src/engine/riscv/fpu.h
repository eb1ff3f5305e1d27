// The F and D extensions' arithmetic, IEEE 754-2008 as the RISC-V spec requires it.
// The hart decodes; this file computes. Pure functions, no hart state.
#pragma once

#include <cstdint>

namespace xenith::riscv::fpu {

// Rounding modes as encoded in frm / the instruction's rm field. The hart resolves DYN (7)
// against frm and raises illegal-instruction for reserved values before calling in here.
enum class RoundingMode : uint8_t {
    RNE = 0,
    RTZ = 1,
    RDN = 2,
    RUP = 3,
    RMM = 4,
};

// fflags bits.
namespace flag {
inline constexpr uint32_t NX = 1;
inline constexpr uint32_t UF = 2;
inline constexpr uint32_t OF = 4;
inline constexpr uint32_t DZ = 8;
inline constexpr uint32_t NV = 16;
} // namespace flag

enum class Op : uint8_t {
    // Binary/unary arithmetic, FP result.
    AddS, SubS, MulS, DivS, SqrtS, MinS, MaxS, SgnjS, SgnjnS, SgnjxS,
    AddD, SubD, MulD, DivD, SqrtD, MinD, MaxD, SgnjD, SgnjnD, SgnjxD,
    // Fused multiply-add (a*b+c variants), FP result, one rounding.
    MaddS, MsubS, NmsubS, NmaddS,
    MaddD, MsubD, NmsubD, NmaddD,
    // Comparisons and classification, integer result (0/1, or the fclass mask).
    EqS, LtS, LeS, ClassS,
    EqD, LtD, LeD, ClassD,
    // FP -> integer conversions, integer result (saturating, as specified).
    CvtWS, CvtWuS, CvtLS, CvtLuS,
    CvtWD, CvtWuD, CvtLD, CvtLuD,
    // Integer -> FP conversions; operand a is the integer register value.
    CvtSW, CvtSWu, CvtSL, CvtSLu,
    CvtDW, CvtDWu, CvtDL, CvtDLu,
    // FP <-> FP.
    CvtSD, CvtDS,
    // Bit moves: fmv.x.w (a is the raw f register), fmv.w.x (a is the x register), and the D forms.
    MvXW, MvWX, MvXD, MvDX,
};

// Executes `op`. Operands and the result are raw 64-bit register values:
// - FP operands are f registers as stored; single-precision operands that are not properly
//   NaN-boxed read as the canonical NaN. A single-precision result comes back NaN-boxed.
// - Integer operands are x register values; integer results are what the x register receives
//   (32-bit results sign-extended, as the spec says for fcvt.w[u], fmv.x.w, feq...).
// Exception flags raised are OR-ed into `fflags`. Unused operands are ignored.
uint64_t execute(Op op, uint64_t a, uint64_t b, uint64_t c, RoundingMode rm, uint32_t& fflags);

} // namespace xenith::riscv::fpu
