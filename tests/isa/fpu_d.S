// Double precision (D): rounding modes, fflags, canonical NaN, fmin/fmax, fcvt saturation and
// conversions between widths (NaN boxing of fcvt.s.d results), fclass, fused multiply-add,
// fsqrt, and fld/fsd/fmv moves.
#include "common.h"
TEST_PROLOGUE fpu_d

#define NX 1
#define UF 2
#define OF 4
#define DZ 8
#define NV 16
#define QNAN 0x7ff8000000000000
#define SNAN 0x7ff0000000000001
#define PINF 0x7ff0000000000000
#define NINF 0xfff0000000000000
#define ONE 0x3ff0000000000000
#define THREE 0x4008000000000000
#define MAXD 0x7fefffffffffffff

.macro D2 name, op, a, b, rm, expect, flags
  li t0, \a
  fmv.d.x f1, t0
  li t0, \b
  fmv.d.x f2, t0
  fsflags zero
  .ifb \rm
  \op f3, f1, f2
  .else
  \op f3, f1, f2, \rm
  .endif
  frflags t1
  fmv.x.d t2, f3
  SIG \name, t2
  SIG \name\().fflags, t1
  CHECK(t2, \expect)
  CHECK(t1, \flags)
.endm

// a0 = op(f1 = A) with optional rounding mode (fcvt to integer, fclass, fmv.x.d).
.macro DI name, op, a, rm, expect, flags
  li t0, \a
  fmv.d.x f1, t0
  fsflags zero
  .ifb \rm
  \op a0, f1
  .else
  \op a0, f1, \rm
  .endif
  frflags t1
  SIG \name, a0
  SIG \name\().fflags, t1
  CHECK(a0, \expect)
  CHECK(t1, \flags)
.endm

// f3 = op(f1 = A) with optional rounding mode (fsqrt, fcvt between widths); full 64 bits.
.macro D1 name, op, a, rm, expect, flags
  li t0, \a
  fmv.d.x f1, t0
  fsflags zero
  .ifb \rm
  \op f3, f1
  .else
  \op f3, f1, \rm
  .endif
  frflags t1
  fmv.x.d t2, f3
  SIG \name, t2
  SIG \name\().fflags, t1
  CHECK(t2, \expect)
  CHECK(t1, \flags)
.endm

.macro DFROMI name, op, a, rm, expect, flags
  li t0, \a
  fsflags zero
  .ifb \rm
  \op f3, t0
  .else
  \op f3, t0, \rm
  .endif
  frflags t1
  fmv.x.d t2, f3
  SIG \name, t2
  SIG \name\().fflags, t1
  CHECK(t2, \expect)
  CHECK(t1, \flags)
.endm

.macro D3 name, op, a, b, c, rm, expect, flags
  li t0, \a
  fmv.d.x f1, t0
  li t0, \b
  fmv.d.x f2, t0
  li t0, \c
  fmv.d.x f3, t0
  fsflags zero
  \op f4, f1, f2, f3, \rm
  frflags t1
  fmv.x.d t2, f4
  SIG \name, t2
  SIG \name\().fflags, t1
  CHECK(t2, \expect)
  CHECK(t1, \flags)
.endm

test_main:
  addi sp, sp, -16
  sd ra, 0(sp)
  li t0, MSTATUS_FS
  csrs mstatus, t0
  csrw fcsr, zero

  D2 div_third_rne, fdiv.d, ONE, THREE, rne, 0x3fd5555555555555, NX
  D2 div_third_rup, fdiv.d, ONE, THREE, rup, 0x3fd5555555555556, NX
  D2 div_third_rtz, fdiv.d, ONE, THREE, rtz, 0x3fd5555555555555, NX
  D2 div_twothirds_rne, fdiv.d, 0x4000000000000000, THREE, rne, 0x3fe5555555555555, NX
  D2 div_twothirds_rmm, fdiv.d, 0x4000000000000000, THREE, rmm, 0x3fe5555555555555, NX
  D2 div_twothirds_rup, fdiv.d, 0x4000000000000000, THREE, rup, 0x3fe5555555555556, NX
  D2 div_negtwothirds_rdn, fdiv.d, 0xc000000000000000, THREE, rdn, 0xbfe5555555555556, NX
  D2 tie_rne, fadd.d, ONE, 0x3ca0000000000000, rne, ONE, NX
  D2 tie_rmm, fadd.d, ONE, 0x3ca0000000000000, rmm, 0x3ff0000000000001, NX
  D2 tie_odd_rne, fadd.d, 0x3ff0000000000001, 0x3ca0000000000000, rne, 0x3ff0000000000002, NX
  D2 ovf_rne, fmul.d, MAXD, 0x4000000000000000, rne, PINF, OF | NX
  D2 ovf_rtz, fmul.d, MAXD, 0x4000000000000000, rtz, MAXD, OF | NX
  D2 uf_inexact, fmul.d, 0x0010000000000001, 0x3fe0000000000000, rne, 0x0008000000000000, UF | NX
  D2 uf_exact, fmul.d, 0x0010000000000002, 0x3fe0000000000000, rne, 0x0008000000000001, 0
  D2 div_by_zero, fdiv.d, 0xbff0000000000000, 0, rne, NINF, DZ
  D2 zero_div_zero, fdiv.d, 0, 0x8000000000000000, rne, QNAN, NV
  D2 snan_add, fadd.d, SNAN, ONE, rne, QNAN, NV
  D2 qnan_payload_add, fadd.d, 0x7ff8000000012345, ONE, rne, QNAN, 0
  D2 sub_zero_rdn, fsub.d, THREE, THREE, rdn, 0x8000000000000000, 0
  li t0, 2
  fsrm t0
  D2 dyn_rdn, fdiv.d, 0xbff0000000000000, THREE, dyn, 0xbfd5555555555556, NX
  fsrm zero

  D2 fmin_zeros, fmin.d, 0, 0x8000000000000000, , 0x8000000000000000, 0
  D2 fmax_zeros, fmax.d, 0x8000000000000000, 0, , 0, 0
  D2 fmin_qnan, fmin.d, QNAN, THREE, , THREE, 0
  D2 fmax_snan, fmax.d, THREE, SNAN, , THREE, NV
  D2 fmax_two_nans, fmax.d, SNAN, 0xfff8000000000001, , QNAN, NV
  D2 fsgnjx, fsgnjx.d, 0xbff0000000000000, 0x8000000000000000, , ONE, 0
  D2 fsgnjn_nan, fsgnjn.d, QNAN, 0, , 0xfff8000000000000, 0

  // fcvt to integers.
  DI cvt_w_big, fcvt.w.d, 0x41e0000000000000, rtz, 0x7fffffff, NV
  DI cvt_w_max_exact, fcvt.w.d, 0x41dfffffffc00000, rtz, 0x7fffffff, 0
  DI cvt_w_min_minus_half, fcvt.w.d, 0xc1e0000000100000, rtz, 0xffffffff80000000, NX
  DI cvt_w_min_minus_half_rdn, fcvt.w.d, 0xc1e0000000100000, rdn, 0xffffffff80000000, NV
  DI cvt_wu_max, fcvt.wu.d, 0x41efffffffe00000, rtz, 0xffffffffffffffff, 0
  DI cvt_wu_over, fcvt.wu.d, 0x41f0000000000000, rtz, 0xffffffffffffffff, NV
  DI cvt_l_2p63, fcvt.l.d, 0x43e0000000000000, rtz, 0x7fffffffffffffff, NV
  DI cvt_l_below, fcvt.l.d, 0x43dfffffffffffff, rtz, 0x7ffffffffffffc00, 0
  DI cvt_l_nan, fcvt.l.d, SNAN, rtz, 0x7fffffffffffffff, NV
  DI cvt_l_ninf, fcvt.l.d, NINF, rtz, 0x8000000000000000, NV
  DI cvt_l_2p5_rne, fcvt.l.d, 0x4004000000000000, rne, 2, NX
  DI cvt_l_2p5_rmm, fcvt.l.d, 0x4004000000000000, rmm, 3, NX
  DI cvt_l_m2p5_rmm, fcvt.l.d, 0xc004000000000000, rmm, -3, NX
  DI cvt_lu_2p64, fcvt.lu.d, 0x43f0000000000000, rtz, 0xffffffffffffffff, NV
  DI cvt_lu_m0p9, fcvt.lu.d, 0xbfeccccccccccccd, rtz, 0, NX
  DI cvt_lu_m1, fcvt.lu.d, 0xbff0000000000000, rtz, 0, NV
  DI cvt_lu_nan, fcvt.lu.d, QNAN, rtz, 0xffffffffffffffff, NV
  DFROMI cvt_d_l_big, fcvt.d.l, 0x7fffffffffffffff, rne, 0x43e0000000000000, NX
  DFROMI cvt_d_l_big_rtz, fcvt.d.l, 0x7fffffffffffffff, rtz, 0x43dfffffffffffff, NX
  DFROMI cvt_d_w_exact, fcvt.d.w, 0xffffffff80000000, , 0xc1e0000000000000, 0
  DFROMI cvt_d_wu, fcvt.d.wu, 0xffffffffffffffff, , 0x41efffffffe00000, 0
  DFROMI cvt_d_lu, fcvt.d.lu, 0xffffffffffffffff, rdn, 0x43efffffffffffff, NX

  // Between widths: fcvt.s.d rounds and boxes; NaNs become the canonical NaN.
  D1 cvt_s_d_third_rne, fcvt.s.d, 0x3fd5555555555555, rne, 0xffffffff3eaaaaab, NX
  D1 cvt_s_d_third_rtz, fcvt.s.d, 0x3fd5555555555555, rtz, 0xffffffff3eaaaaaa, NX
  D1 cvt_s_d_overflow, fcvt.s.d, MAXD, rne, 0xffffffff7f800000, OF | NX
  D1 cvt_s_d_overflow_rtz, fcvt.s.d, MAXD, rtz, 0xffffffff7f7fffff, OF | NX
  D1 cvt_s_d_tiny, fcvt.s.d, 0x3690000000000000, rne, 0xffffffff00000000, UF | NX
  D1 cvt_s_d_snan, fcvt.s.d, SNAN, rne, 0xffffffff7fc00000, NV
  D1 cvt_s_d_qnan_payload, fcvt.s.d, 0xfff8000012345678, rne, 0xffffffff7fc00000, 0
  D1 cvt_d_s_boxed, fcvt.d.s, 0xffffffff3eaaaaab, , 0x3fd5555560000000, 0
  D1 cvt_d_s_snan, fcvt.d.s, 0xffffffff7f800001, , QNAN, NV
  D1 cvt_d_s_unboxed, fcvt.d.s, 0x000000003f800000, , QNAN, 0
  D1 cvt_d_s_subnormal, fcvt.d.s, 0xffffffff00000001, , 0x36a0000000000000, 0

  // fclass.d.
  DI class_ninf, fclass.d, NINF, , 1 << 0, 0
  DI class_nsub, fclass.d, 0x800fffffffffffff, , 1 << 2, 0
  DI class_pzero, fclass.d, 0, , 1 << 4, 0
  DI class_psub, fclass.d, 1, , 1 << 5, 0
  DI class_snan, fclass.d, SNAN, , 1 << 8, 0
  DI class_qnan, fclass.d, QNAN, , 1 << 9, 0

  // Fused multiply-add rounds once: (1 + 2^-52)(1 - 2^-52) - 1 = -2^-104.
  D3 fmadd_once, fmadd.d, 0x3ff0000000000001, 0x3feffffffffffffe, 0xbff0000000000000, rne, 0xb970000000000000, 0
  D2 fmul_rounds, fmul.d, 0x3ff0000000000001, 0x3feffffffffffffe, rne, ONE, NX
  D3 fnmsub, fnmsub.d, ONE, THREE, ONE, rne, 0xc000000000000000, 0
  D3 fmadd_inf_zero_qnan, fmadd.d, PINF, 0, QNAN, rne, QNAN, NV

  // Square root.
  D1 sqrt2_rne, fsqrt.d, 0x4000000000000000, rne, 0x3ff6a09e667f3bcd, NX
  D1 sqrt2_rtz, fsqrt.d, 0x4000000000000000, rtz, 0x3ff6a09e667f3bcc, NX
  D1 sqrt_neg, fsqrt.d, 0xbff0000000000000, rne, QNAN, NV
  D1 sqrt_ninf, fsqrt.d, NINF, rne, QNAN, NV
  D1 sqrt_pinf, fsqrt.d, PINF, rne, PINF, 0

  // Loads, stores and moves are bit-exact (a signaling NaN stays signaling).
  la s0, ddata
  li t0, SNAN
  sd t0, 0(s0)
  fld f9, 0(s0)
  fsd f9, 8(s0)
  ld a0, 8(s0)
  CHECK(a0, SNAN)
  fmv.x.d a0, f9
  CHECK(a0, SNAN)
  fmv.d f10, f9
  fmv.x.d a0, f10
  CHECK(a0, SNAN)
  // flw then fsd shows the box in memory.
  flw f11, 0(s0)
  fsd f11, 8(s0)
  ld a0, 8(s0)
  CHECK(a0, 0xffffffff00000001)

  // Compares on doubles.
  li t0, QNAN
  fmv.d.x f1, t0
  fsflags zero
  feq.d a0, f1, f1
  frflags a1
  CHECK(a0, 0)
  CHECK(a1, 0)
  fle.d a0, f1, f1
  frflags a1
  CHECK(a1, NV)

  ld ra, 0(sp)
  addi sp, sp, 16
  ret

  .data
  .balign 8
ddata: .dword 0, 0
