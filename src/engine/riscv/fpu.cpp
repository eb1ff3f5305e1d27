// The FPU entry point: NaN-boxing at the register boundary and one switch over the operations.
#include "engine/riscv/fpu.h"

#include "engine/riscv/fpu_arith.h"
#include "engine/riscv/fpu_compare.h"
#include "engine/riscv/fpu_convert.h"
#include "engine/riscv/fpu_fast.h"
#include "engine/riscv/fpu_reference.h"
#include "engine/riscv/fpu_soft.h"

namespace xenith::riscv::fpu {

namespace {

using soft::F32;
using soft::F64;

constexpr uint64_t box_mask = 0xffff'ffff'0000'0000;

// A single-precision operand: the low half if the upper half is all ones, else the canonical NaN.
inline uint64_t unbox(uint64_t reg)
{
    return (reg & box_mask) == box_mask ? reg & 0xffff'ffff : F32::canonical_nan;
}

inline uint64_t box(uint64_t single)
{
    return box_mask | single;
}

inline uint64_t sext32(uint64_t v)
{
    return uint64_t(int64_t(int32_t(uint32_t(v))));
}

// Sign injection works on raw bits: no canonicalization, only the NaN-box check for singles.
template<class F>
inline uint64_t sign_inject(uint64_t a, uint64_t b, Op kind)
{
    uint64_t sign;
    switch (kind) {
    case Op::SgnjS:
    case Op::SgnjD: sign = b & F::sign_bit; break;
    case Op::SgnjnS:
    case Op::SgnjnD: sign = ~b & F::sign_bit; break;
    default: sign = (a ^ b) & F::sign_bit; break;
    }
    return (a & F::magnitude_mask) | sign;
}

// Takes the host fast path when it applies (RNE, and fast:: accepts the operands).
#define XENITH_FPU_FAST(fast_call, wrap)                                                                          \
    if constexpr (use_fast) {                                                                                    \
        if (rm == RoundingMode::RNE && fast::host_is_ieee_nearest()) {                                           \
            if (auto r = fast_call)                                                                              \
                return wrap(*r);                                                                                 \
        }                                                                                                        \
    }

inline uint64_t same(uint64_t v)
{
    return v;
}

// The whole instruction set; `use_fast` lets add, sub and mul try the host fast path first.
template<bool use_fast>
inline uint64_t dispatch(Op op, uint64_t a, uint64_t b, uint64_t c, RoundingMode rm, uint32_t& fflags)
{
    using namespace soft;
    switch (op) {
    case Op::AddS:
        XENITH_FPU_FAST(fast::add32(unbox(a), unbox(b), fflags), box);
        return box(add<F32>(unbox(a), unbox(b), false, rm, fflags));
    case Op::SubS:
        XENITH_FPU_FAST(fast::add32(unbox(a), unbox(b) ^ F32::sign_bit, fflags), box);
        return box(add<F32>(unbox(a), unbox(b), true, rm, fflags));
    case Op::MulS:
        XENITH_FPU_FAST(fast::mul32(unbox(a), unbox(b), fflags), box);
        return box(mul<F32>(unbox(a), unbox(b), rm, fflags));
    case Op::DivS: return box(div<F32>(unbox(a), unbox(b), rm, fflags));
    case Op::SqrtS: return box(sqrt<F32>(unbox(a), rm, fflags));
    case Op::MinS: return box(minmax<F32>(unbox(a), unbox(b), false, fflags));
    case Op::MaxS: return box(minmax<F32>(unbox(a), unbox(b), true, fflags));
    case Op::SgnjS:
    case Op::SgnjnS:
    case Op::SgnjxS: return box(sign_inject<F32>(unbox(a), unbox(b), op));

    case Op::AddD:
        XENITH_FPU_FAST(fast::add64(a, b, fflags), same);
        return add<F64>(a, b, false, rm, fflags);
    case Op::SubD:
        XENITH_FPU_FAST(fast::add64(a, b ^ F64::sign_bit, fflags), same);
        return add<F64>(a, b, true, rm, fflags);
    case Op::MulD:
        XENITH_FPU_FAST(fast::mul64(a, b, fflags), same);
        return mul<F64>(a, b, rm, fflags);
    case Op::DivD: return div<F64>(a, b, rm, fflags);
    case Op::SqrtD: return sqrt<F64>(a, rm, fflags);
    case Op::MinD: return minmax<F64>(a, b, false, fflags);
    case Op::MaxD: return minmax<F64>(a, b, true, fflags);
    case Op::SgnjD:
    case Op::SgnjnD:
    case Op::SgnjxD: return sign_inject<F64>(a, b, op);

    // fmadd: a*b+c; fmsub: a*b-c; fnmsub: -(a*b)+c; fnmadd: -(a*b)-c.
    case Op::MaddS: return box(fma<F32>(unbox(a), unbox(b), unbox(c), false, false, rm, fflags));
    case Op::MsubS: return box(fma<F32>(unbox(a), unbox(b), unbox(c), false, true, rm, fflags));
    case Op::NmsubS: return box(fma<F32>(unbox(a), unbox(b), unbox(c), true, false, rm, fflags));
    case Op::NmaddS: return box(fma<F32>(unbox(a), unbox(b), unbox(c), true, true, rm, fflags));
    case Op::MaddD: return fma<F64>(a, b, c, false, false, rm, fflags);
    case Op::MsubD: return fma<F64>(a, b, c, false, true, rm, fflags);
    case Op::NmsubD: return fma<F64>(a, b, c, true, false, rm, fflags);
    case Op::NmaddD: return fma<F64>(a, b, c, true, true, rm, fflags);

    case Op::EqS: return feq<F32>(unbox(a), unbox(b), fflags);
    case Op::LtS: return flt<F32>(unbox(a), unbox(b), false, fflags);
    case Op::LeS: return flt<F32>(unbox(a), unbox(b), true, fflags);
    case Op::ClassS: return fclass<F32>(unbox(a));
    case Op::EqD: return feq<F64>(a, b, fflags);
    case Op::LtD: return flt<F64>(a, b, false, fflags);
    case Op::LeD: return flt<F64>(a, b, true, fflags);
    case Op::ClassD: return fclass<F64>(a);

    case Op::CvtWS: return to_int<F32>(unbox(a), true, 32, rm, fflags);
    case Op::CvtWuS: return to_int<F32>(unbox(a), false, 32, rm, fflags);
    case Op::CvtLS: return to_int<F32>(unbox(a), true, 64, rm, fflags);
    case Op::CvtLuS: return to_int<F32>(unbox(a), false, 64, rm, fflags);
    case Op::CvtWD: return to_int<F64>(a, true, 32, rm, fflags);
    case Op::CvtWuD: return to_int<F64>(a, false, 32, rm, fflags);
    case Op::CvtLD: return to_int<F64>(a, true, 64, rm, fflags);
    case Op::CvtLuD: return to_int<F64>(a, false, 64, rm, fflags);

    case Op::CvtSW: return box(from_int<F32>(sext32(a), true, rm, fflags));
    case Op::CvtSWu: return box(from_int<F32>(a & 0xffff'ffff, false, rm, fflags));
    case Op::CvtSL: return box(from_int<F32>(a, true, rm, fflags));
    case Op::CvtSLu: return box(from_int<F32>(a, false, rm, fflags));
    case Op::CvtDW: return from_int<F64>(sext32(a), true, rm, fflags);
    case Op::CvtDWu: return from_int<F64>(a & 0xffff'ffff, false, rm, fflags);
    case Op::CvtDL: return from_int<F64>(a, true, rm, fflags);
    case Op::CvtDLu: return from_int<F64>(a, false, rm, fflags);

    case Op::CvtSD: return box(convert<F64, F32>(a, rm, fflags));
    case Op::CvtDS: return convert<F32, F64>(unbox(a), rm, fflags);

    // Moves copy bits: fmv.x.w takes the low half as is, boxed or not.
    case Op::MvXW: return sext32(a);
    case Op::MvWX: return box(a & 0xffff'ffff);
    case Op::MvXD:
    case Op::MvDX: return a;
    }
    return 0;
}

#undef XENITH_FPU_FAST

} // namespace

uint64_t execute(Op op, uint64_t a, uint64_t b, uint64_t c, RoundingMode rm, uint32_t& fflags)
{
    return dispatch<true>(op, a, b, c, rm, fflags);
}

uint64_t execute_software(Op op, uint64_t a, uint64_t b, uint64_t c, RoundingMode rm, uint32_t& fflags)
{
    return dispatch<false>(op, a, b, c, rm, fflags);
}

} // namespace xenith::riscv::fpu
