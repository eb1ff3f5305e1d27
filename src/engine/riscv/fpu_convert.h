// Private to the FPU: conversions between FP formats and to/from 32- and 64-bit integers.
#pragma once

#include "engine/riscv/fpu_arith.h"

namespace xenith::riscv::fpu::soft {

// FP -> integer of `width` bits (32 or 64), signed or not, saturating as RISC-V specifies:
// NaN gives the largest value, out-of-range values clamp, both with NV (and no NX).
// 32-bit results come back sign-extended to 64 bits, unsigned ones included.
template<class F>
inline uint64_t to_int(uint64_t a, bool is_signed, int width, RoundingMode rm, uint32_t& flags)
{
    uint64_t unsigned_max = width == 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
    uint64_t max = is_signed ? (uint64_t(1) << (width - 1)) - 1 : unsigned_max;
    uint64_t min = is_signed ? uint64_t(0) - (uint64_t(1) << (width - 1)) : 0;
    auto extend = [width](uint64_t v) { return width == 32 ? uint64_t(int64_t(int32_t(uint32_t(v)))) : v; };
    Unpacked x = unpack<F>(a);
    if (x.is_nan()) {
        flags |= flag::NV;
        return extend(max);
    }
    if (x.is_inf()) {
        flags |= flag::NV;
        return extend(x.sign ? min : max);
    }
    if (x.is_zero())
        return 0;
    uint64_t magnitude;
    bool inexact = false;
    bool too_big = false;
    if (x.exp >= 0) {
        // An integer already; it fits only if its top bit stays below bit 64.
        too_big = (63 - std::countl_zero(x.sig)) + x.exp >= 64;
        magnitude = too_big ? 0 : x.sig << x.exp;
    } else {
        magnitude = round_shift(x.sig, -x.exp, x.sign, rm, inexact);
    }
    // The largest magnitude each sign may take.
    uint64_t limit = x.sign ? (is_signed ? uint64_t(1) << (width - 1) : 0) : max;
    if (too_big || magnitude > limit) {
        flags |= flag::NV;
        return extend(x.sign ? min : max);
    }
    if (inexact)
        flags |= flag::NX;
    return extend(x.sign ? uint64_t(0) - magnitude : magnitude);
}

// Integer `value` (already sign- or zero-extended to 64 bits by the caller) -> format F.
template<class F>
inline uint64_t from_int(uint64_t value, bool is_signed, RoundingMode rm, uint32_t& flags)
{
    bool sign = is_signed && int64_t(value) < 0;
    uint64_t magnitude = sign ? uint64_t(0) - value : value;
    if (magnitude == 0)
        return 0;
    return round_pack<F>(sign, 0, magnitude, rm, flags);
}

// Between formats: NaNs become the target's canonical NaN (NV if signaling); finite values
// round once (narrowing) or convert exactly (widening).
template<class From, class To>
inline uint64_t convert(uint64_t a, RoundingMode rm, uint32_t& flags)
{
    Unpacked x = unpack<From>(a);
    switch (x.cls) {
    case Class::QNaN:
    case Class::SNaN: return nan_result<To>(x.is_snan(), flags);
    case Class::Inf: return signed_inf<To>(x.sign);
    case Class::Zero: return signed_zero<To>(x.sign);
    case Class::Subnormal:
    case Class::Normal: break;
    }
    return round_pack<To>(x.sign, x.exp, x.sig, rm, flags);
}

} // namespace xenith::riscv::fpu::soft
