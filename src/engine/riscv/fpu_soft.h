// Private to the FPU: a compact software IEEE 754 core (binary32/binary64) with one rounding routine.
#pragma once

#include <bit>
#include <cstdint>
#include <utility>

#include "engine/riscv/fpu.h"

namespace xenith::riscv::fpu::soft {

using u128 = unsigned __int128;

// An IEEE binary format. All bit patterns travel as uint64_t; a binary32 value uses the low 32 bits.
template<int ExpBits, int FracBits>
struct Format {
    static constexpr int exp_bits = ExpBits;
    static constexpr int frac_bits = FracBits;
    static constexpr int precision = FracBits + 1;
    static constexpr int bias = (1 << (ExpBits - 1)) - 1;
    static constexpr int emin = 1 - bias; // exponent of the smallest normal
    static constexpr int emax = bias;
    static constexpr uint64_t exp_all_ones = (uint64_t(1) << ExpBits) - 1;
    static constexpr uint64_t frac_mask = (uint64_t(1) << FracBits) - 1;
    static constexpr uint64_t sign_bit = uint64_t(1) << (ExpBits + FracBits);
    static constexpr uint64_t magnitude_mask = sign_bit - 1;
    static constexpr uint64_t quiet_bit = uint64_t(1) << (FracBits - 1);
    static constexpr uint64_t inf = exp_all_ones << FracBits;
    static constexpr uint64_t max_finite = inf - 1;
    static constexpr uint64_t canonical_nan = inf | quiet_bit;
};

using F32 = Format<8, 23>;
using F64 = Format<11, 52>;

enum class Class : uint8_t { Zero, Subnormal, Normal, Inf, QNaN, SNaN };

// A decoded operand. For finite nonzero values the magnitude is exactly sig * 2^exp.
struct Unpacked {
    Class cls;
    bool sign;
    int exp;
    uint64_t sig;

    bool is_nan() const { return cls == Class::QNaN || cls == Class::SNaN; }
    bool is_snan() const { return cls == Class::SNaN; }
    bool is_inf() const { return cls == Class::Inf; }
    bool is_zero() const { return cls == Class::Zero; }
};

template<class F>
inline Unpacked unpack(uint64_t bits)
{
    bool sign = (bits & F::sign_bit) != 0;
    uint64_t exp_field = (bits >> F::frac_bits) & F::exp_all_ones;
    uint64_t frac = bits & F::frac_mask;
    if (exp_field == F::exp_all_ones) {
        Class cls = frac == 0 ? Class::Inf : (frac & F::quiet_bit) ? Class::QNaN : Class::SNaN;
        return { cls, sign, 0, 0 };
    }
    if (exp_field == 0) {
        if (frac == 0)
            return { Class::Zero, sign, 0, 0 };
        return { Class::Subnormal, sign, F::emin - F::frac_bits, frac };
    }
    return { Class::Normal, sign, int(exp_field) - F::bias - F::frac_bits, frac | (uint64_t(1) << F::frac_bits) };
}

// Drops the low `shift` bits of `sig`, rounding by `rm` for a value of sign `sign`.
// Sets `inexact` when a nonzero bit was dropped. Any shift >= 0 is allowed.
inline uint64_t round_shift(uint64_t sig, int shift, bool sign, RoundingMode rm, bool& inexact)
{
    if (shift == 0) {
        inexact = false;
        return sig;
    }
    if (shift > 64) {
        // Everything lies below the round bit: keep only the fact that it is nonzero.
        sig = sig != 0;
        shift = 64;
    }
    uint64_t kept = shift == 64 ? 0 : sig >> shift;
    uint64_t rem = shift == 64 ? sig : sig & ((uint64_t(1) << shift) - 1);
    uint64_t half = uint64_t(1) << (shift - 1);
    inexact = rem != 0;
    bool up = false;
    switch (rm) {
    case RoundingMode::RNE: up = rem > half || (rem == half && (kept & 1)); break;
    case RoundingMode::RTZ: break;
    case RoundingMode::RDN: up = sign && rem != 0; break;
    case RoundingMode::RUP: up = !sign && rem != 0; break;
    case RoundingMode::RMM: up = rem >= half; break;
    }
    return kept + up;
}

template<class F>
inline uint64_t overflow(bool sign, RoundingMode rm, uint32_t& flags)
{
    flags |= flag::OF | flag::NX;
    bool to_inf = rm == RoundingMode::RNE || rm == RoundingMode::RMM || (rm == RoundingMode::RDN && sign)
        || (rm == RoundingMode::RUP && !sign);
    return (sign ? F::sign_bit : 0) | (to_inf ? F::inf : F::max_finite);
}

// Rounds the exact value (-1)^sign * sig * 2^exp (sig != 0) to format F. The single place
// where results are rounded, flags OF/UF/NX are decided, and tininess is detected after
// rounding (as RISC-V, like x86 SSE, specifies).
template<class F>
inline uint64_t round_pack(bool sign, int exp, uint64_t sig, RoundingMode rm, uint32_t& flags)
{
    int lz = std::countl_zero(sig);
    sig <<= lz;
    int e = exp - lz + 63; // the value's magnitude lies in [2^e, 2^(e+1))
    if (e > F::emax)
        return overflow<F>(sign, rm, flags);
    int shift = 64 - F::precision;
    bool tiny = false;
    bool inexact = false;
    if (e < F::emin) {
        tiny = true;
        if (e == F::emin - 1) {
            // Tiny after rounding unless rounding to full precision, exponent unbounded,
            // carries the value up to 2^emin.
            bool ignored = false;
            if (round_shift(sig, shift, sign, rm, ignored) >> F::precision)
                tiny = false;
        }
        shift += F::emin - e;
    }
    uint64_t kept = round_shift(sig, shift, sign, rm, inexact);
    // A subnormal's field is its kept bits; a carry into the hidden bit position makes it the
    // smallest normal. For normals, the hidden bit adds one to the exponent field, and a
    // rounding carry to 2^precision adds one more, both as wanted.
    uint64_t bits = e < F::emin ? kept : (uint64_t(e + F::bias - 1) << F::frac_bits) + kept;
    if (bits >= F::inf)
        return overflow<F>(sign, rm, flags);
    if (inexact) {
        flags |= flag::NX;
        if (tiny)
            flags |= flag::UF;
    }
    return (sign ? F::sign_bit : 0) | bits;
}

// As above for a 128-bit significand: folds the bits below the top 64 into a sticky bit,
// which keeps rounding exact because at least 11 guard bits remain above it.
template<class F>
inline uint64_t round_pack(bool sign, int exp, u128 sig, RoundingMode rm, uint32_t& flags)
{
    uint64_t hi = uint64_t(sig >> 64);
    if (hi == 0)
        return round_pack<F>(sign, exp, uint64_t(sig), rm, flags);
    int drop = 64 - std::countl_zero(hi);
    uint64_t low = uint64_t(sig >> drop) | ((sig & ((u128(1) << drop) - 1)) != 0);
    return round_pack<F>(sign, exp + drop, low, rm, flags);
}

inline int msb128(u128 v)
{
    uint64_t hi = uint64_t(v >> 64);
    return hi ? 127 - std::countl_zero(hi) : 63 - std::countl_zero(uint64_t(v));
}

// The exact sum of two nonzero finite values x = sx*2^ex and y = sy*2^ey, rounded once.
// Shared by add/sub and the fused multiply-add.
template<class F>
inline uint64_t add_exact(bool xsign, int xexp, u128 xsig, bool ysign, int yexp, u128 ysig, RoundingMode rm,
    uint32_t& flags)
{
    // Put both leading bits at bit 125: room for a carry, and every input bit (at most 106
    // of them) stays exact under a one-bit alignment shift.
    int xs = 125 - msb128(xsig);
    int ys = 125 - msb128(ysig);
    xsig <<= xs;
    xexp -= xs;
    ysig <<= ys;
    yexp -= ys;
    if (xexp < yexp) {
        std::swap(xsign, ysign);
        std::swap(xexp, yexp);
        std::swap(xsig, ysig);
    }
    int d = xexp - yexp;
    if (d >= 127)
        ysig = 1; // pure sticky
    else if (d > 0)
        ysig = (ysig >> d) | ((ysig & ((u128(1) << d) - 1)) != 0);
    u128 sum;
    bool sign = xsign;
    if (xsign == ysign) {
        sum = xsig + ysig;
    } else if (xsig >= ysig) {
        sum = xsig - ysig;
    } else {
        sum = ysig - xsig;
        sign = ysign;
    }
    if (sum == 0) // exact cancellation: +0, or -0 when rounding down
        return rm == RoundingMode::RDN ? F::sign_bit : 0;
    return round_pack<F>(sign, xexp, sum, rm, flags);
}

} // namespace xenith::riscv::fpu::soft
