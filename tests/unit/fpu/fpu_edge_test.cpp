// Hand-written FPU tests: one per edge case the RISC-V F/D chapters call out.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>

#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

#include "engine/riscv/fpu.h"
#include "engine/riscv/fpu_reference.h"

namespace xenith::riscv::fpu {
namespace {

constexpr uint64_t box(uint32_t single)
{
    return 0xffff'ffff'0000'0000 | single;
}

constexpr uint64_t canonical_s = box(0x7fc0'0000);
constexpr uint64_t canonical_d = 0x7ff8'0000'0000'0000;
constexpr uint64_t snan_s = box(0x7f80'0001);
constexpr uint64_t qnan_s = box(0x7fc0'1234);
constexpr uint64_t snan_d = 0x7ff0'0000'0000'0001;
constexpr uint64_t qnan_d = 0x7ff8'0000'0000'5678;
constexpr uint64_t one_s = box(0x3f80'0000);
constexpr uint64_t two_s = box(0x4000'0000);
constexpr uint64_t one_d = 0x3ff0'0000'0000'0000;
constexpr uint64_t two_d = 0x4000'0000'0000'0000;
constexpr uint64_t inf_d = 0x7ff0'0000'0000'0000;
constexpr uint64_t inf_s = box(0x7f80'0000);
constexpr uint64_t pzero_d = 0;
constexpr uint64_t nzero_d = 0x8000'0000'0000'0000;
constexpr uint64_t pzero_s = box(0);
constexpr uint64_t nzero_s = box(0x8000'0000);

struct Result {
    uint64_t value;
    uint32_t flags;
};

Result run(Op op, uint64_t a, uint64_t b = 0, uint64_t c = 0, RoundingMode rm = RoundingMode::RNE)
{
    uint32_t flags = 0;
    uint64_t value = execute(op, a, b, c, rm, flags);
    return { value, flags };
}

uint64_t bits(double d)
{
    return std::bit_cast<uint64_t>(d);
}

uint64_t bits_s(float f)
{
    return box(std::bit_cast<uint32_t>(f));
}

TEST(Fpu, CanonicalNanFromSqrtOfNegative)
{
    Result d = run(Op::SqrtD, bits(-4.0));
    EXPECT_EQ(d.value, canonical_d);
    EXPECT_EQ(d.flags, flag::NV);
    Result s = run(Op::SqrtS, bits_s(-1.0f));
    EXPECT_EQ(s.value, canonical_s);
    EXPECT_EQ(s.flags, flag::NV);
    // -0 is not negative for sqrt: the result is -0 with no flag.
    Result z = run(Op::SqrtD, nzero_d);
    EXPECT_EQ(z.value, nzero_d);
    EXPECT_EQ(z.flags, 0u);
    Result inf = run(Op::SqrtD, inf_d | nzero_d);
    EXPECT_EQ(inf.value, canonical_d);
    EXPECT_EQ(inf.flags, flag::NV);
}

TEST(Fpu, NanPayloadIsNotPropagated)
{
    Result d = run(Op::AddD, qnan_d, one_d);
    EXPECT_EQ(d.value, canonical_d);
    EXPECT_EQ(d.flags, 0u);
    Result s = run(Op::MulS, one_s, qnan_s);
    EXPECT_EQ(s.value, canonical_s);
    EXPECT_EQ(s.flags, 0u);
    Result sig = run(Op::DivD, snan_d, one_d);
    EXPECT_EQ(sig.value, canonical_d);
    EXPECT_EQ(sig.flags, flag::NV);
    Result widened = run(Op::CvtDS, qnan_s);
    EXPECT_EQ(widened.value, canonical_d);
    Result narrowed = run(Op::CvtSD, snan_d);
    EXPECT_EQ(narrowed.value, canonical_s);
    EXPECT_EQ(narrowed.flags, flag::NV);
}

TEST(Fpu, UnboxedSingleReadsAsCanonicalNan)
{
    uint64_t unboxed_one = 0x0000'0000'3f80'0000;
    Result add = run(Op::AddS, unboxed_one, one_s);
    EXPECT_EQ(add.value, canonical_s);
    EXPECT_EQ(add.flags, 0u); // the canonical NaN is quiet
    EXPECT_EQ(run(Op::ClassS, unboxed_one).value, 1u << 9);
    EXPECT_EQ(run(Op::ClassS, 0x7fff'ffff'3f80'0000).value, 1u << 9);
    // Widening an unboxed single gives the canonical double NaN.
    EXPECT_EQ(run(Op::CvtDS, unboxed_one).value, canonical_d);
    // feq is quiet (no NV); flt is signaling (NV).
    Result eq = run(Op::EqS, unboxed_one, unboxed_one);
    EXPECT_EQ(eq.value, 0u);
    EXPECT_EQ(eq.flags, 0u);
    Result lt = run(Op::LtS, unboxed_one, one_s);
    EXPECT_EQ(lt.value, 0u);
    EXPECT_EQ(lt.flags, flag::NV);
    // fmv.x.w moves the low half as is, boxed or not.
    EXPECT_EQ(run(Op::MvXW, unboxed_one).value, 0x3f80'0000u);
    EXPECT_EQ(run(Op::MvXW, 0x0000'0000'bf80'0000).value, 0xffff'ffff'bf80'0000);
}

TEST(Fpu, SingleResultsAreNanBoxed)
{
    EXPECT_EQ(run(Op::AddS, one_s, one_s).value, two_s);
    EXPECT_EQ(run(Op::MvWX, 0x1234'5678'3f80'0000).value, one_s);
    EXPECT_EQ(run(Op::CvtSW, 2).value, two_s);
    EXPECT_EQ(run(Op::CvtSD, two_d).value, two_s);
    EXPECT_EQ(run(Op::MinS, one_s, two_s).value, one_s);
}

TEST(Fpu, SignInjectionKeepsNanPayload)
{
    // No canonicalization: the payload survives, only the sign changes.
    EXPECT_EQ(run(Op::SgnjnD, qnan_d, qnan_d).value, qnan_d | nzero_d);
    EXPECT_EQ(run(Op::SgnjD, snan_d, nzero_d).value, snan_d | nzero_d);
    EXPECT_EQ(run(Op::SgnjnD, snan_d, nzero_d).flags, 0u);
    EXPECT_EQ(run(Op::SgnjxS, snan_s, bits_s(-1.0f)).value, box(0xff80'0001));
    // ...but an unboxed single input is the canonical NaN first.
    EXPECT_EQ(run(Op::SgnjS, 0x0000'0000'3f80'0000, nzero_s).value, box(0xffc0'0000));
    EXPECT_EQ(run(Op::SgnjxS, one_s, 0x1).value, one_s); // unboxed b: the canonical NaN's sign is +
}

TEST(Fpu, RmmRoundsTiesAway)
{
    // 1 + 2^-53 lies exactly between 1 and 1 + 2^-52.
    uint64_t half_ulp = bits(0x1p-53);
    EXPECT_EQ(run(Op::AddD, one_d, half_ulp, 0, RoundingMode::RMM).value, one_d + 1);
    EXPECT_EQ(run(Op::AddD, one_d, half_ulp, 0, RoundingMode::RNE).value, one_d);
    EXPECT_EQ(run(Op::AddD, one_d | nzero_d, half_ulp | nzero_d, 0, RoundingMode::RMM).value, (one_d + 1) | nzero_d);
    // Integer conversion: 2.5 -> 3 (RMM) vs 2 (RNE); -2.5 -> -3 (RMM).
    EXPECT_EQ(run(Op::CvtWD, bits(2.5), 0, 0, RoundingMode::RMM).value, 3u);
    EXPECT_EQ(run(Op::CvtWD, bits(2.5), 0, 0, RoundingMode::RNE).value, 2u);
    EXPECT_EQ(run(Op::CvtLD, bits(-2.5), 0, 0, RoundingMode::RMM).value, uint64_t(-3));
    // Single: 1 + 2^-24 is a tie between 1 and 1 + 2^-23.
    Result r = run(Op::AddS, one_s, bits_s(0x1p-24f), 0, RoundingMode::RMM);
    EXPECT_EQ(r.value, box(0x3f80'0001));
    EXPECT_EQ(r.flags, flag::NX);
}

TEST(Fpu, DirectedRoundingModes)
{
    uint64_t third = bits(1.0 / 3.0); // inexact pattern
    uint64_t three = bits(3.0);
    EXPECT_EQ(run(Op::DivD, one_d, three, 0, RoundingMode::RNE).value, third);
    EXPECT_EQ(run(Op::DivD, one_d, three, 0, RoundingMode::RTZ).value, third);
    EXPECT_EQ(run(Op::DivD, one_d, three, 0, RoundingMode::RDN).value, third);
    EXPECT_EQ(run(Op::DivD, one_d, three, 0, RoundingMode::RUP).value, third + 1);
    EXPECT_EQ(run(Op::DivD, one_d | nzero_d, three, 0, RoundingMode::RDN).value, (third + 1) | nzero_d);
    EXPECT_EQ(run(Op::DivD, one_d | nzero_d, three, 0, RoundingMode::RUP).value, third | nzero_d);
    // x - x is +0, except -0 when rounding down.
    EXPECT_EQ(run(Op::SubD, three, three, 0, RoundingMode::RNE).value, pzero_d);
    EXPECT_EQ(run(Op::SubD, three, three, 0, RoundingMode::RDN).value, nzero_d);
}

TEST(Fpu, OverflowDependsOnRoundingMode)
{
    uint64_t max = 0x7fef'ffff'ffff'ffff;
    Result rne = run(Op::MulD, max, two_d, 0, RoundingMode::RNE);
    EXPECT_EQ(rne.value, inf_d);
    EXPECT_EQ(rne.flags, flag::OF | flag::NX);
    EXPECT_EQ(run(Op::MulD, max, two_d, 0, RoundingMode::RTZ).value, max);
    EXPECT_EQ(run(Op::MulD, max | nzero_d, two_d, 0, RoundingMode::RUP).value, max | nzero_d);
    EXPECT_EQ(run(Op::MulD, max | nzero_d, two_d, 0, RoundingMode::RDN).value, inf_d | nzero_d);
    EXPECT_EQ(run(Op::AddS, box(0x7f7f'ffff), box(0x7f7f'ffff), 0, RoundingMode::RMM).value, inf_s);
}

TEST(Fpu, TininessDetectedAfterRounding)
{
    // (1 + 2^-52) * (2^-1022 - 2^-1074) = 2^-1022 * (1 - 2^-104): below the smallest normal,
    // but with an unbounded exponent it rounds (RNE) to 2^-1022, so it is not tiny: NX, no UF.
    uint64_t a = 0x3ff0'0000'0000'0001;
    uint64_t max_subnormal = 0x000f'ffff'ffff'ffff;
    Result rne = run(Op::MulD, a, max_subnormal, 0, RoundingMode::RNE);
    EXPECT_EQ(rne.value, 0x0010'0000'0000'0000u);
    EXPECT_EQ(rne.flags, flag::NX);
    // Rounding toward zero it stays below 2^-1022: tiny and inexact, so UF.
    Result rtz = run(Op::MulD, a, max_subnormal, 0, RoundingMode::RTZ);
    EXPECT_EQ(rtz.value, max_subnormal);
    EXPECT_EQ(rtz.flags, flag::UF | flag::NX);
    // The same for singles, and for a narrowing conversion: 2^-126 * (1 - 2^-25) to single.
    Result s = run(Op::MulS, box(0x3f80'0001), box(0x007f'ffff));
    EXPECT_EQ(s.value, box(0x0080'0000));
    EXPECT_EQ(s.flags, flag::NX);
    Result cvt = run(Op::CvtSD, 0x380f'ffff'f000'0000);
    EXPECT_EQ(cvt.value, box(0x0080'0000));
    EXPECT_EQ(cvt.flags, flag::NX);
    Result cvt_rtz = run(Op::CvtSD, 0x380f'ffff'f000'0000, 0, 0, RoundingMode::RTZ);
    EXPECT_EQ(cvt_rtz.value, box(0x007f'ffff));
    EXPECT_EQ(cvt_rtz.flags, flag::UF | flag::NX);
    // An exact subnormal result raises nothing.
    Result exact = run(Op::MulD, 0x0000'0000'0000'0002, bits(0.5));
    EXPECT_EQ(exact.value, 1u);
    EXPECT_EQ(exact.flags, 0u);
}

TEST(Fpu, FmaRoundsOnce)
{
    // (1 - 2^-53) * (1 + 2^-52) = 1 + 2^-53 - 2^-105 exactly. With c = -1 the exact result is
    // 2^-53 - 2^-105; rounding the product first would give 1, and a result of 0.
    uint64_t a = 0x3fef'ffff'ffff'ffff; // 1 - 2^-53
    uint64_t b = 0x3ff0'0000'0000'0001; // 1 + 2^-52
    Result r = run(Op::MaddD, a, b, one_d | nzero_d);
    EXPECT_EQ(r.value, bits(0x1p-53 - 0x1p-105));
    EXPECT_EQ(r.flags, 0u);
    // Single: 3 * fl(1/3) - 1 is the rounding error of fl(1/3), not 0.
    Result s = run(Op::MsubS, bits_s(3.0f), bits_s(1.0f / 3.0f), one_s);
    EXPECT_EQ(s.value, bits_s(std::fma(3.0f, 1.0f / 3.0f, -1.0f)));
    EXPECT_NE(s.value, pzero_s);
}

TEST(Fpu, FusedSignConventions)
{
    uint64_t three = bits(3.0);
    uint64_t five = bits(5.0);
    EXPECT_EQ(run(Op::MaddD, two_d, three, five).value, bits(11.0));   // a*b+c
    EXPECT_EQ(run(Op::MsubD, two_d, three, five).value, bits(1.0));    // a*b-c
    EXPECT_EQ(run(Op::NmsubD, two_d, three, five).value, bits(-1.0));  // -(a*b)+c
    EXPECT_EQ(run(Op::NmaddD, two_d, three, five).value, bits(-11.0)); // -(a*b)-c
    // Zero signs: fnmadd of +0*+1 and +0 is -0 - 0 = -0; fmadd is +0.
    EXPECT_EQ(run(Op::NmaddD, pzero_d, one_d, pzero_d).value, nzero_d);
    EXPECT_EQ(run(Op::MaddD, pzero_d, one_d, pzero_d).value, pzero_d);
    EXPECT_EQ(run(Op::NmsubS, pzero_s, one_s, pzero_s).value, pzero_s);
}

TEST(Fpu, FmaInfTimesZeroIsInvalidEvenWithQuietNanAddend)
{
    Result r = run(Op::MaddD, inf_d, pzero_d, qnan_d);
    EXPECT_EQ(r.value, canonical_d);
    EXPECT_EQ(r.flags, flag::NV);
    Result s = run(Op::NmaddS, pzero_s, inf_s, canonical_s);
    EXPECT_EQ(s.value, canonical_s);
    EXPECT_EQ(s.flags, flag::NV);
    // A quiet NaN operand alone is not invalid.
    EXPECT_EQ(run(Op::MaddD, one_d, qnan_d, one_d).flags, 0u);
    // inf*1 + -inf is invalid.
    EXPECT_EQ(run(Op::MaddD, inf_d, one_d, inf_d | nzero_d).flags, flag::NV);
}

TEST(Fpu, MinMaxFollowMinimumNumber)
{
    // One NaN: the other operand. Both NaN: canonical. sNaN: NV.
    EXPECT_EQ(run(Op::MinD, qnan_d, two_d).value, two_d);
    EXPECT_EQ(run(Op::MinD, qnan_d, two_d).flags, 0u);
    Result sig = run(Op::MaxD, one_d, snan_d);
    EXPECT_EQ(sig.value, one_d);
    EXPECT_EQ(sig.flags, flag::NV);
    Result both = run(Op::MaxS, qnan_s, snan_s);
    EXPECT_EQ(both.value, canonical_s);
    EXPECT_EQ(both.flags, flag::NV);
    // -0 < +0, in either argument order.
    EXPECT_EQ(run(Op::MinD, pzero_d, nzero_d).value, nzero_d);
    EXPECT_EQ(run(Op::MinD, nzero_d, pzero_d).value, nzero_d);
    EXPECT_EQ(run(Op::MaxS, nzero_s, pzero_s).value, pzero_s);
    EXPECT_EQ(run(Op::MaxS, pzero_s, nzero_s).value, pzero_s);
    EXPECT_EQ(run(Op::MinD, bits(-1.0), bits(-2.0)).value, bits(-2.0));
}

TEST(Fpu, FeqIsQuietFltFleSignal)
{
    Result eq = run(Op::EqD, qnan_d, one_d);
    EXPECT_EQ(eq.value, 0u);
    EXPECT_EQ(eq.flags, 0u);
    EXPECT_EQ(run(Op::EqD, snan_d, one_d).flags, flag::NV);
    Result lt = run(Op::LtD, qnan_d, one_d);
    EXPECT_EQ(lt.value, 0u);
    EXPECT_EQ(lt.flags, flag::NV);
    EXPECT_EQ(run(Op::LeS, one_s, qnan_s).flags, flag::NV);
    EXPECT_EQ(run(Op::EqD, pzero_d, nzero_d).value, 1u);
    EXPECT_EQ(run(Op::LtD, nzero_d, pzero_d).value, 0u);
    EXPECT_EQ(run(Op::LeD, nzero_d, pzero_d).value, 1u);
    EXPECT_EQ(run(Op::LtS, bits_s(-2.0f), bits_s(-1.0f)).value, 1u);
}

TEST(Fpu, ClassifiesAllTenClasses)
{
    EXPECT_EQ(run(Op::ClassD, inf_d | nzero_d).value, 1u << 0);
    EXPECT_EQ(run(Op::ClassD, bits(-1.0)).value, 1u << 1);
    EXPECT_EQ(run(Op::ClassD, nzero_d | 1).value, 1u << 2);
    EXPECT_EQ(run(Op::ClassD, nzero_d).value, 1u << 3);
    EXPECT_EQ(run(Op::ClassD, pzero_d).value, 1u << 4);
    EXPECT_EQ(run(Op::ClassD, 1).value, 1u << 5);
    EXPECT_EQ(run(Op::ClassD, one_d).value, 1u << 6);
    EXPECT_EQ(run(Op::ClassD, inf_d).value, 1u << 7);
    EXPECT_EQ(run(Op::ClassD, snan_d).value, 1u << 8);
    EXPECT_EQ(run(Op::ClassD, qnan_d).value, 1u << 9);
    EXPECT_EQ(run(Op::ClassS, snan_s).value, 1u << 8);
    EXPECT_EQ(run(Op::ClassS, box(0x0000'0001)).value, 1u << 5);
}

TEST(Fpu, CvtSaturatesNanToMaxPositive)
{
    Result w = run(Op::CvtWD, qnan_d | nzero_d);
    EXPECT_EQ(w.value, 0x7fff'ffffu);
    EXPECT_EQ(w.flags, flag::NV);
    EXPECT_EQ(run(Op::CvtWuS, snan_s).value, ~uint64_t(0)); // 2^32-1 sign-extended
    EXPECT_EQ(run(Op::CvtLS, canonical_s).value, 0x7fff'ffff'ffff'ffffu);
    EXPECT_EQ(run(Op::CvtLuD, qnan_d).value, ~uint64_t(0));
}

TEST(Fpu, CvtSaturatesOutOfRange)
{
    Result big = run(Op::CvtWD, bits(3e9));
    EXPECT_EQ(big.value, 0x7fff'ffffu);
    EXPECT_EQ(big.flags, flag::NV);
    Result small = run(Op::CvtWD, bits(-3e9));
    EXPECT_EQ(small.value, 0xffff'ffff'8000'0000u);
    EXPECT_EQ(small.flags, flag::NV);
    EXPECT_EQ(run(Op::CvtLD, inf_d | nzero_d).value, 0x8000'0000'0000'0000u);
    EXPECT_EQ(run(Op::CvtLuD, bits(-1.0)).value, 0u);
    EXPECT_EQ(run(Op::CvtLuD, bits(-1.0)).flags, flag::NV);
    // Rounding decides range: -0.4 to unsigned is 0 and merely inexact; -0.6 rounds to -1: invalid.
    EXPECT_EQ(run(Op::CvtWuD, bits(-0.4)).flags, flag::NX);
    EXPECT_EQ(run(Op::CvtWuD, bits(-0.6)).flags, flag::NV);
    // 2^31 - 0.5 rounds up to 2^31 under RNE (out of range) but truncates into range under RTZ.
    EXPECT_EQ(run(Op::CvtWD, bits(2147483647.5)).flags, flag::NV);
    Result rtz = run(Op::CvtWD, bits(2147483647.5), 0, 0, RoundingMode::RTZ);
    EXPECT_EQ(rtz.value, 0x7fff'ffffu);
    EXPECT_EQ(rtz.flags, flag::NX);
    // -2^63 is in range for fcvt.l.
    Result min = run(Op::CvtLD, bits(-0x1p63));
    EXPECT_EQ(min.value, 0x8000'0000'0000'0000u);
    EXPECT_EQ(min.flags, 0u);
}

TEST(Fpu, CvtWordResultsAreSignExtended)
{
    EXPECT_EQ(run(Op::CvtWuD, bits(3e9)).value, 0xffff'ffff'b2d0'5e00u);
    EXPECT_EQ(run(Op::CvtWD, bits(-1.0)).value, ~uint64_t(0));
    EXPECT_EQ(run(Op::CvtWuS, bits_s(1.0f)).value, 1u);
}

TEST(Fpu, IntToFloatReadsTheRightWidth)
{
    // fcvt.d.w reads only the low 32 bits, sign-extended; fcvt.d.wu zero-extends them.
    EXPECT_EQ(run(Op::CvtDW, 0x1234'5678'ffff'ffff).value, bits(-1.0));
    EXPECT_EQ(run(Op::CvtDWu, 0x1234'5678'ffff'ffff).value, bits(4294967295.0));
    EXPECT_EQ(run(Op::CvtDLu, ~uint64_t(0)).value, bits(0x1p64));
    Result s = run(Op::CvtSL, 0x0000'0000'0100'0001); // 2^24 + 1: a tie in single
    EXPECT_EQ(s.value, bits_s(16777216.0f));
    EXPECT_EQ(s.flags, flag::NX);
    EXPECT_EQ(run(Op::CvtSL, 0x0000'0000'0100'0001, 0, 0, RoundingMode::RMM).value, bits_s(16777218.0f));
    EXPECT_EQ(run(Op::CvtDL, 0).value, pzero_d);
}

TEST(Fpu, DivideByZeroAndInvalid)
{
    Result dz = run(Op::DivD, bits(-1.0), pzero_d);
    EXPECT_EQ(dz.value, inf_d | nzero_d);
    EXPECT_EQ(dz.flags, flag::DZ);
    Result zz = run(Op::DivS, pzero_s, nzero_s);
    EXPECT_EQ(zz.value, canonical_s);
    EXPECT_EQ(zz.flags, flag::NV);
    Result ii = run(Op::SubD, inf_d, inf_d);
    EXPECT_EQ(ii.value, canonical_d);
    EXPECT_EQ(ii.flags, flag::NV);
    EXPECT_EQ(run(Op::MulD, inf_d, nzero_d).flags, flag::NV);
    EXPECT_EQ(run(Op::DivD, inf_d, pzero_d).flags, 0u); // inf / 0 is an exact inf
}

TEST(Fpu, SqrtIsCorrectlyRounded)
{
    EXPECT_EQ(run(Op::SqrtD, bits(4.0)).value, bits(2.0));
    EXPECT_EQ(run(Op::SqrtD, bits(4.0)).flags, 0u);
    Result two = run(Op::SqrtD, two_d);
    EXPECT_EQ(two.value, bits(1.4142135623730951));
    EXPECT_EQ(two.flags, flag::NX);
    // RNE rounded sqrt(2) up, so RUP agrees with it and RTZ is one unit below.
    EXPECT_EQ(run(Op::SqrtD, two_d, 0, 0, RoundingMode::RUP).value, bits(1.4142135623730951));
    EXPECT_EQ(run(Op::SqrtD, two_d, 0, 0, RoundingMode::RTZ).value, bits(1.4142135623730951) - 1);
    EXPECT_EQ(run(Op::SqrtD, 1).value, bits(0x1p-537)); // sqrt of the smallest subnormal
}

#if defined(__x86_64__)
// The host fast path must not inherit a thread's MXCSR: neither its rounding mode nor FTZ/DAZ.
TEST(Fpu, HostFloatingPointStateDoesNotLeakIn)
{
    uint64_t third = bits(1.0 / 3.0);
    uint64_t tiny_third = bits(1.0 / 3.0 / 0x1p53);
    unsigned saved = _mm_getcsr();
    _mm_setcsr(saved | 0x6000u); // round toward zero
    Result sum = run(Op::AddD, third, tiny_third);
    _mm_setcsr(saved | 0x8040u); // flush to zero, denormals are zero
    Result subnormal = run(Op::SubD, 0x0018'0000'0000'0000, 0x0010'0000'0000'0000);
    _mm_setcsr(saved);
    // The exact sum lies just above a tie, so RNE rounds up where RTZ would not.
    uint32_t flags = 0;
    EXPECT_EQ(sum.value, execute_software(Op::AddD, third, tiny_third, 0, RoundingMode::RNE, flags));
    EXPECT_NE(sum.value, execute_software(Op::AddD, third, tiny_third, 0, RoundingMode::RTZ, flags));
    EXPECT_EQ(sum.flags, flag::NX);
    EXPECT_EQ(subnormal.value, 0x0008'0000'0000'0000u); // 2^-1023, not flushed
    EXPECT_EQ(subnormal.flags, 0u);
}
#endif

} // namespace
} // namespace xenith::riscv::fpu
