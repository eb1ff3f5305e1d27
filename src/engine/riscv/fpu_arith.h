// Private to the FPU: add, multiply, divide, square root and fused multiply-add on the soft core.
#pragma once

#include <cmath>

#include "engine/riscv/fpu_soft.h"

namespace xenith::riscv::fpu::soft {

// A NaN result: always the canonical NaN; NV when an operand was signaling or `invalid`.
template<class F>
inline uint64_t nan_result(bool invalid, uint32_t& flags)
{
    if (invalid)
        flags |= flag::NV;
    return F::canonical_nan;
}

template<class F>
inline uint64_t signed_zero(bool sign)
{
    return sign ? F::sign_bit : 0;
}

template<class F>
inline uint64_t signed_inf(bool sign)
{
    return (sign ? F::sign_bit : 0) | F::inf;
}

// a + b, or a - b when `negate_b`.
template<class F>
inline uint64_t add(uint64_t a, uint64_t b, bool negate_b, RoundingMode rm, uint32_t& flags)
{
    if (negate_b)
        b ^= F::sign_bit;
    Unpacked x = unpack<F>(a);
    Unpacked y = unpack<F>(b);
    if (x.is_nan() || y.is_nan())
        return nan_result<F>(x.is_snan() || y.is_snan(), flags);
    if (x.is_inf()) {
        if (y.is_inf() && x.sign != y.sign)
            return nan_result<F>(true, flags);
        return a;
    }
    if (y.is_inf())
        return b;
    if (x.is_zero() && y.is_zero()) {
        bool sign = x.sign == y.sign ? x.sign : rm == RoundingMode::RDN;
        return signed_zero<F>(sign);
    }
    if (x.is_zero())
        return b;
    if (y.is_zero())
        return a;
    return add_exact<F>(x.sign, x.exp, x.sig, y.sign, y.exp, y.sig, rm, flags);
}

template<class F>
inline uint64_t mul(uint64_t a, uint64_t b, RoundingMode rm, uint32_t& flags)
{
    Unpacked x = unpack<F>(a);
    Unpacked y = unpack<F>(b);
    bool sign = x.sign != y.sign;
    if (x.is_nan() || y.is_nan())
        return nan_result<F>(x.is_snan() || y.is_snan(), flags);
    if (x.is_inf() || y.is_inf()) {
        if (x.is_zero() || y.is_zero())
            return nan_result<F>(true, flags);
        return signed_inf<F>(sign);
    }
    if (x.is_zero() || y.is_zero())
        return signed_zero<F>(sign);
    return round_pack<F>(sign, x.exp + y.exp, u128(x.sig) * y.sig, rm, flags);
}

template<class F>
inline uint64_t div(uint64_t a, uint64_t b, RoundingMode rm, uint32_t& flags)
{
    Unpacked x = unpack<F>(a);
    Unpacked y = unpack<F>(b);
    bool sign = x.sign != y.sign;
    if (x.is_nan() || y.is_nan())
        return nan_result<F>(x.is_snan() || y.is_snan(), flags);
    if (x.is_inf()) {
        if (y.is_inf())
            return nan_result<F>(true, flags);
        return signed_inf<F>(sign);
    }
    if (y.is_inf())
        return signed_zero<F>(sign);
    if (y.is_zero()) {
        if (x.is_zero())
            return nan_result<F>(true, flags);
        flags |= flag::DZ;
        return signed_inf<F>(sign);
    }
    if (x.is_zero())
        return signed_zero<F>(sign);
    // Dividend's leading bit at 126, divisor's at 63: the quotient has 63 or 64 bits, far
    // more than 53 + guard bits, and the remainder supplies the sticky bit.
    int xs = 126 - (63 - std::countl_zero(x.sig));
    int ys = std::countl_zero(y.sig);
    u128 n = u128(x.sig) << xs;
    uint64_t d = y.sig << ys;
    u128 q = n / d;
    bool sticky = n % d != 0;
    int exp = (x.exp - xs) - (y.exp - ys);
    return round_pack<F>(sign, exp, uint64_t(q) | sticky, rm, flags);
}

// floor(sqrt(n)) for n < 2^126.
inline uint64_t isqrt(u128 n)
{
    // The extended-precision estimate is within a couple of units; the loops make it exact.
    auto r = uint64_t(std::sqrt(static_cast<long double>(n)));
    if (r > (uint64_t(1) << 63) - 1)
        r = (uint64_t(1) << 63) - 1;
    while (u128(r) * r > n)
        --r;
    while (u128(r + 1) * (r + 1) <= n)
        ++r;
    return r;
}

template<class F>
inline uint64_t sqrt(uint64_t a, RoundingMode rm, uint32_t& flags)
{
    Unpacked x = unpack<F>(a);
    if (x.is_nan())
        return nan_result<F>(x.is_snan(), flags);
    if (x.is_zero())
        return a; // sqrt(-0) = -0
    if (x.sign)
        return nan_result<F>(true, flags);
    if (x.is_inf())
        return a;
    // Scale to a leading bit at 124 or 125 with an even exponent, so that the root has 63 bits.
    int shift = 125 - (63 - std::countl_zero(x.sig));
    if ((x.exp - shift) & 1)
        --shift;
    u128 n = u128(x.sig) << shift;
    uint64_t r = isqrt(n);
    bool sticky = u128(r) * r != n;
    return round_pack<F>(false, (x.exp - shift) / 2, r | sticky, rm, flags);
}

// (-1)^negate_product * a * b + (-1)^negate_addend * c, rounded once.
template<class F>
inline uint64_t fma(uint64_t a, uint64_t b, uint64_t c, bool negate_product, bool negate_addend, RoundingMode rm,
    uint32_t& flags)
{
    if (negate_addend)
        c ^= F::sign_bit;
    Unpacked x = unpack<F>(a);
    Unpacked y = unpack<F>(b);
    Unpacked z = unpack<F>(c);
    bool inf_times_zero = (x.is_inf() && y.is_zero()) || (x.is_zero() && y.is_inf());
    if (x.is_nan() || y.is_nan() || z.is_nan() || inf_times_zero)
        return nan_result<F>(inf_times_zero || x.is_snan() || y.is_snan() || z.is_snan(), flags);
    bool psign = (x.sign != y.sign) != negate_product;
    if (x.is_inf() || y.is_inf()) {
        if (z.is_inf() && z.sign != psign)
            return nan_result<F>(true, flags);
        return signed_inf<F>(psign);
    }
    if (z.is_inf())
        return c;
    if (x.is_zero() || y.is_zero()) {
        if (z.is_zero())
            return signed_zero<F>(psign == z.sign ? psign : rm == RoundingMode::RDN);
        return c;
    }
    u128 product = u128(x.sig) * y.sig;
    if (z.is_zero())
        return round_pack<F>(psign, x.exp + y.exp, product, rm, flags);
    return add_exact<F>(psign, x.exp + y.exp, product, z.sign, z.exp, z.sig, rm, flags);
}

} // namespace xenith::riscv::fpu::soft
