// Private to the FPU: host-arithmetic fast paths for the common round-to-nearest-even add, sub and mul.
#pragma once

#include <bit>
#include <cstdint>
#include <optional>

#include "engine/riscv/fpu_soft.h"

#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

namespace xenith::riscv::fpu::fast {

// The host computes +, - and * correctly rounded to nearest-even, which gives the result bits;
// what it does not give cheaply is the flags. These paths take only the cases whose flags
// follow from exact arithmetic checks (NX) and ranges (no OF, no UF possible); everything
// else (NaN, infinity, overflow, tiny results, other rounding modes) returns nullopt for the
// software path. Reading MXCSR (cheap, unlike writing it) guards against a thread that
// changed the host rounding mode or enabled flush-to-zero.
inline bool host_is_ieee_nearest()
{
#if defined(__x86_64__)
    return (_mm_getcsr() & 0xe040) == 0; // RC = nearest, FTZ and DAZ off
#else
    return false;
#endif
}

// Knuth's TwoSum: the exact rounding error of s = x + y, valid when nothing overflows.
template<class T>
inline bool sum_is_exact(T x, T y, T s)
{
    T y_virtual = s - x;
    T x_virtual = s - y_virtual;
    return (x - x_virtual) + (y - y_virtual) == T(0);
}

// Exponent fields below this (about 2^1000 / 2^120) keep every TwoSum step clear of overflow.
inline constexpr uint64_t f64_add_exp_limit = 0x7e7;
inline constexpr uint64_t f32_add_exp_limit = 0xf7;

inline std::optional<uint64_t> add64(uint64_t a, uint64_t b, uint32_t& flags)
{
    if (((a >> 52) & 0x7ff) >= f64_add_exp_limit || ((b >> 52) & 0x7ff) >= f64_add_exp_limit)
        return std::nullopt;
    double x = std::bit_cast<double>(a);
    double y = std::bit_cast<double>(b);
    double s = x + y;
    // Sums of finite doubles below 2^1000 cannot overflow, and a tiny sum is always exact
    // (both operands are multiples of the smallest subnormal), so only NX can arise.
    if (!sum_is_exact(x, y, s))
        flags |= flag::NX;
    return std::bit_cast<uint64_t>(s);
}

inline std::optional<uint64_t> add32(uint64_t a, uint64_t b, uint32_t& flags)
{
    if (((a >> 23) & 0xff) >= f32_add_exp_limit || ((b >> 23) & 0xff) >= f32_add_exp_limit)
        return std::nullopt;
    float x = std::bit_cast<float>(uint32_t(a));
    float y = std::bit_cast<float>(uint32_t(b));
    float s = x + y;
    if (!sum_is_exact(x, y, s))
        flags |= flag::NX;
    return std::bit_cast<uint32_t>(s);
}

inline std::optional<uint64_t> mul64(uint64_t a, uint64_t b, uint32_t& flags)
{
    uint64_t ea = (a >> 52) & 0x7ff;
    uint64_t eb = (b >> 52) & 0x7ff;
    // Both normal, with a product exponent well inside the normal range: no OF, no UF.
    if (ea == 0 || eb == 0 || ea == 0x7ff || eb == 0x7ff)
        return std::nullopt;
    int64_t e = int64_t(ea) + int64_t(eb) - 1023;
    if (e < 1 || e > 0x7fc) // the product of significands is below 4: exponent e + 2 at most
        return std::nullopt;
    double p = std::bit_cast<double>(a) * std::bit_cast<double>(b);
    // Exact iff the 106-bit product of the significands spans at most 53 bits.
    constexpr uint64_t frac = 0xf'ffff'ffff'ffff;
    constexpr uint64_t hidden = uint64_t(1) << 52;
    soft::u128 product = soft::u128((a & frac) | hidden) * ((b & frac) | hidden);
    uint64_t lo = uint64_t(product);
    int trailing = lo ? std::countr_zero(lo) : 64 + std::countr_zero(uint64_t(product >> 64));
    if (soft::msb128(product) - trailing >= 53)
        flags |= flag::NX;
    return std::bit_cast<uint64_t>(p);
}

inline std::optional<uint64_t> mul32(uint64_t a, uint64_t b, uint32_t& flags)
{
    // The double product of two singles is exact; one conversion rounds it to single.
    double exact = double(std::bit_cast<float>(uint32_t(a))) * double(std::bit_cast<float>(uint32_t(b)));
    double magnitude = exact < 0 ? -exact : exact;
    // Not tiny (at least 2^-126) and safely below the overflow threshold; NaN fails both tests.
    if (!(magnitude >= 0x1p-126 && magnitude < 0x1p127))
        return std::nullopt;
    float p = float(exact);
    if (double(p) != exact)
        flags |= flag::NX;
    return std::bit_cast<uint32_t>(p);
}

} // namespace xenith::riscv::fpu::fast
