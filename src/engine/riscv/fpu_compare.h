// Private to the FPU: comparisons, fmin/fmax (IEEE 754-2019 minimumNumber/maximumNumber) and fclass.
#pragma once

#include "engine/riscv/fpu_soft.h"

namespace xenith::riscv::fpu::soft {

// Both operands are non-NaN bit patterns of format F.
template<class F>
inline bool both_zero(uint64_t a, uint64_t b)
{
    return ((a | b) & F::magnitude_mask) == 0;
}

template<class F>
inline bool less(uint64_t a, uint64_t b)
{
    bool sa = (a & F::sign_bit) != 0;
    bool sb = (b & F::sign_bit) != 0;
    if (sa != sb)
        return sa && !both_zero<F>(a, b);
    // Same sign: sign-magnitude patterns order like their magnitudes, reversed when negative.
    return sa ? a > b : a < b;
}

template<class F>
inline bool equal(uint64_t a, uint64_t b)
{
    return a == b || both_zero<F>(a, b);
}

// feq is a quiet comparison: NV only for a signaling NaN.
template<class F>
inline uint64_t feq(uint64_t a, uint64_t b, uint32_t& flags)
{
    Unpacked x = unpack<F>(a);
    Unpacked y = unpack<F>(b);
    if (x.is_nan() || y.is_nan()) {
        if (x.is_snan() || y.is_snan())
            flags |= flag::NV;
        return 0;
    }
    return equal<F>(a, b);
}

// flt and fle are signaling comparisons: NV for any NaN.
template<class F>
inline uint64_t flt(uint64_t a, uint64_t b, bool or_equal, uint32_t& flags)
{
    Unpacked x = unpack<F>(a);
    Unpacked y = unpack<F>(b);
    if (x.is_nan() || y.is_nan()) {
        flags |= flag::NV;
        return 0;
    }
    return less<F>(a, b) || (or_equal && equal<F>(a, b));
}

// One NaN operand yields the other operand; two yield the canonical NaN; -0 < +0.
template<class F>
inline uint64_t minmax(uint64_t a, uint64_t b, bool want_max, uint32_t& flags)
{
    Unpacked x = unpack<F>(a);
    Unpacked y = unpack<F>(b);
    if (x.is_snan() || y.is_snan())
        flags |= flag::NV;
    if (x.is_nan())
        return y.is_nan() ? F::canonical_nan : b;
    if (y.is_nan())
        return a;
    if (less<F>(a, b))
        return want_max ? b : a;
    if (less<F>(b, a))
        return want_max ? a : b;
    // Equal: identical patterns, or zeros of either sign (min takes -0, max takes +0).
    return want_max ? (a & b) : (a | b);
}

template<class F>
inline uint64_t fclass(uint64_t a)
{
    Unpacked x = unpack<F>(a);
    switch (x.cls) {
    case Class::Inf: return x.sign ? 1u << 0 : 1u << 7;
    case Class::Normal: return x.sign ? 1u << 1 : 1u << 6;
    case Class::Subnormal: return x.sign ? 1u << 2 : 1u << 5;
    case Class::Zero: return x.sign ? 1u << 3 : 1u << 4;
    case Class::SNaN: return 1u << 8;
    case Class::QNaN: return 1u << 9;
    }
    return 0;
}

} // namespace xenith::riscv::fpu::soft
