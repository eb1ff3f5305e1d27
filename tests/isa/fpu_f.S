// Single precision (F): all five rounding modes static and dynamic, exact fflags, NaN boxing,
// the canonical NaN, fmin/fmax with NaNs and signed zeros, fcvt saturation, fclass, a fused
// multiply-add that rounds once, fsqrt, compares, sign injection and fcsr fields.
#include "common.h"
TEST_PROLOGUE fpu_f

#define NX 1
#define UF 2
#define OF 4
#define DZ 8
#define NV 16
#define BOX 0xffffffff00000000
#define QNAN 0x7fc00000
#define SNAN 0x7f800001
#define PINF 0x7f800000
#define NINF 0xff800000
#define ONE 0x3f800000
#define MAXF 0x7f7fffff

// f3 = op(A, B) with rounding mode rm; checks the boxed result bits and the exact flags.
.macro F2 name, op, a, b, rm, expect, flags
  li t0, \a
  fmv.w.x f1, t0
  li t0, \b
  fmv.w.x f2, t0
  fsflags zero
  \op f3, f1, f2, \rm
  frflags t1
  fmv.x.d t2, f3
  SIG \name, t2
  SIG \name\().fflags, t1
  CHECK(t2, BOX | \expect)
  CHECK(t1, \flags)
.endm

// Same without a rounding-mode operand (fmin, fmax, fsgnj*).
.macro F2N name, op, a, b, expect, flags
  li t0, \a
  fmv.w.x f1, t0
  li t0, \b
  fmv.w.x f2, t0
  fsflags zero
  \op f3, f1, f2
  frflags t1
  fmv.x.d t2, f3
  SIG \name, t2
  SIG \name\().fflags, t1
  CHECK(t2, BOX | \expect)
  CHECK(t1, \flags)
.endm

// Integer result: a0 = op(A) (fcvt to int, fclass) or op(A, B) (compares).
.macro FI name, op, a, rm, expect, flags
  li t0, \a
  fmv.w.x f1, t0
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

.macro FCMP name, op, a, b, expect, flags
  li t0, \a
  fmv.w.x f1, t0
  li t0, \b
  fmv.w.x f2, t0
  fsflags zero
  \op a0, f1, f2
  frflags t1
  SIG \name, a0
  SIG \name\().fflags, t1
  CHECK(a0, \expect)
  CHECK(t1, \flags)
.endm

// f3 = op(integer A) (fcvt.s.w etc.).
.macro FFROMI name, op, a, rm, expect, flags
  li t0, \a
  fsflags zero
  \op f3, t0, \rm
  frflags t1
  fmv.x.d t2, f3
  SIG \name, t2
  SIG \name\().fflags, t1
  CHECK(t2, BOX | \expect)
  CHECK(t1, \flags)
.endm

// f4 = op(A, B, C) fused.
.macro F3 name, op, a, b, c, rm, expect, flags
  li t0, \a
  fmv.w.x f1, t0
  li t0, \b
  fmv.w.x f2, t0
  li t0, \c
  fmv.w.x f3, t0
  fsflags zero
  \op f4, f1, f2, f3, \rm
  frflags t1
  fmv.x.d t2, f4
  SIG \name, t2
  SIG \name\().fflags, t1
  CHECK(t2, BOX | \expect)
  CHECK(t1, \flags)
.endm

test_main:
  addi sp, sp, -16
  sd ra, 0(sp)
  li t0, MSTATUS_FS
  csrs mstatus, t0
  csrw fcsr, zero

  // 1/3 and -1/3 in every static rounding mode.
  F2 div_third_rne, fdiv.s, ONE, 0x40400000, rne, 0x3eaaaaab, NX
  F2 div_third_rtz, fdiv.s, ONE, 0x40400000, rtz, 0x3eaaaaaa, NX
  F2 div_third_rdn, fdiv.s, ONE, 0x40400000, rdn, 0x3eaaaaaa, NX
  F2 div_third_rup, fdiv.s, ONE, 0x40400000, rup, 0x3eaaaaab, NX
  F2 div_third_rmm, fdiv.s, ONE, 0x40400000, rmm, 0x3eaaaaab, NX
  F2 div_negthird_rtz, fdiv.s, 0xbf800000, 0x40400000, rtz, 0xbeaaaaaa, NX
  F2 div_negthird_rdn, fdiv.s, 0xbf800000, 0x40400000, rdn, 0xbeaaaaab, NX
  F2 div_negthird_rup, fdiv.s, 0xbf800000, 0x40400000, rup, 0xbeaaaaaa, NX
  // The tie 1 + 2^-24: even vs away.
  F2 tie_rne, fadd.s, ONE, 0x33800000, rne, ONE, NX
  F2 tie_rmm, fadd.s, ONE, 0x33800000, rmm, 0x3f800001, NX
  F2 tie_rup, fadd.s, ONE, 0x33800000, rup, 0x3f800001, NX
  F2 tie_rtz, fadd.s, ONE, 0x33800000, rtz, ONE, NX
  // 1 + 3 * 2^-25 (0x3c000000 * ...) : above the tie, RNE rounds up.
  F2 above_tie_rne, fadd.s, ONE, 0x33c00000, rne, 0x3f800001, NX
  // Exact: no flags.
  F2 exact_add, fadd.s, ONE, ONE, rne, 0x40000000, 0
  // x - x is +0 except in RDN, where it is -0.
  F2 sub_zero_rne, fsub.s, ONE, ONE, rne, 0x00000000, 0
  F2 sub_zero_rdn, fsub.s, ONE, ONE, rdn, 0x80000000, 0
  // Overflow per rounding mode.
  F2 ovf_rne, fmul.s, MAXF, 0x40000000, rne, PINF, OF | NX
  F2 ovf_rtz, fmul.s, MAXF, 0x40000000, rtz, MAXF, OF | NX
  F2 ovf_rdn, fmul.s, MAXF, 0x40000000, rdn, MAXF, OF | NX
  F2 ovf_rup, fmul.s, MAXF, 0x40000000, rup, PINF, OF | NX
  F2 ovf_neg_rdn, fmul.s, 0xff7fffff, 0x40000000, rdn, NINF, OF | NX
  F2 ovf_neg_rup, fmul.s, 0xff7fffff, 0x40000000, rup, 0xff7fffff, OF | NX
  F2 ovf_neg_rmm, fmul.s, 0xff7fffff, 0x40000000, rmm, NINF, OF | NX
  // Underflow: tiny and inexact sets UF; exact subnormal results do not.
  F2 uf_inexact, fmul.s, 0x00800001, 0x3f000000, rne, 0x00400000, UF | NX
  F2 uf_inexact_rup, fmul.s, 0x00800001, 0x3f000000, rup, 0x00400001, UF | NX
  F2 uf_exact, fmul.s, 0x00800002, 0x3f000000, rne, 0x00400001, 0
  F2 uf_to_zero, fmul.s, 0x00000001, 0x3e800000, rne, 0x00000000, UF | NX
  F2 uf_min_rup, fmul.s, 0x00000001, 0x3e800000, rup, 0x00000001, UF | NX
  // Division by zero, invalid operations and the canonical NaN.
  F2 div_by_zero, fdiv.s, ONE, 0x00000000, rne, PINF, DZ
  F2 div_neg_by_zero, fdiv.s, ONE, 0x80000000, rne, NINF, DZ
  F2 zero_div_zero, fdiv.s, 0x00000000, 0x00000000, rne, QNAN, NV
  F2 inf_minus_inf, fadd.s, PINF, NINF, rne, QNAN, NV
  F2 zero_times_inf, fmul.s, 0x00000000, PINF, rne, QNAN, NV
  F2 inf_div_zero, fdiv.s, PINF, 0x00000000, rne, PINF, 0
  // NaN inputs give the canonical NaN, not a propagated payload; signaling ones raise NV.
  F2 qnan_payload_add, fadd.s, 0x7fc12345, ONE, rne, QNAN, 0
  F2 neg_qnan_add, fadd.s, 0xffc00000, ONE, rne, QNAN, 0
  F2 snan_add, fadd.s, SNAN, ONE, rne, QNAN, NV
  F2 snan_mul, fmul.s, ONE, 0xff800123, rne, QNAN, NV

  // Dynamic rounding mode from frm.
  li t0, 1
  fsrm t0
  F2 dyn_rtz, fdiv.s, ONE, 0x40400000, dyn, 0x3eaaaaaa, NX
  li t0, 2
  fsrm t0
  F2 dyn_rdn, fdiv.s, 0xbf800000, 0x40400000, dyn, 0xbeaaaaab, NX
  li t0, 3
  fsrm t0
  F2 dyn_rup, fdiv.s, ONE, 0x40400000, dyn, 0x3eaaaaab, NX
  li t0, 4
  fsrm t0
  F2 dyn_rmm, fadd.s, ONE, 0x33800000, dyn, 0x3f800001, NX
  // A static mode overrides frm.
  F2 static_over_dyn, fadd.s, ONE, 0x33800000, rne, ONE, NX
  // Invalid frm values make dynamic-rounding instructions illegal; the static reserved
  // encodings (5, 6) are illegal always.
  li t0, 5
  fsrm t0
  frrm a0
  CHECK(a0, 5)
  EXPECT_TRAP_SKIP
  fadd.s f3, f1, f2, dyn
  CHECK_TRAP_CAUSE(2)
  SIG_TRAP dyn_frm5
  li t0, 7
  fsrm t0
  EXPECT_TRAP_SKIP
  fmul.s f3, f1, f2, dyn
  CHECK_TRAP_CAUSE(2)
  // Instructions without rounding never care about frm.
  fsgnj.s f3, f1, f2
  fsrm zero
  EXPECT_TRAP_SKIP
  .word 0x0020f1d3 | (5 << 12)   // fadd.s f3, f1, f2, rm=5
  CHECK_TRAP_CAUSE(2)
  SIG_TRAP static_rm5
  EXPECT_TRAP_SKIP
  .word 0x0020f1d3 | (6 << 12)   // fadd.s f3, f1, f2, rm=6
  CHECK_TRAP_CAUSE(2)

  // fflags accumulate until cleared; fcsr packs frm << 5 | fflags.
  fsflags zero
  li t0, ONE
  fmv.w.x f1, t0
  fmv.w.x f2, zero
  fdiv.s f3, f1, f2
  li t0, 0x40400000
  fmv.w.x f2, t0
  fdiv.s f3, f1, f2
  frflags a0
  CHECK(a0, DZ | NX)
  li t0, 3
  fsrm t0
  frcsr a0
  CHECK(a0, (3 << 5) | DZ | NX)
  li t0, 0xffffffff
  fscsr a1, t0
  CHECK(a1, (3 << 5) | DZ | NX)
  frcsr a0
  SIG fcsr_all_ones, a0
  CHECK(a0, 0xff)
  li t0, 0x1f
  csrc fflags, t0
  frflags a0
  CHECK(a0, 0)
  csrwi frm, 0
  csrw fcsr, zero

  // NaN boxing: flw and fmv.w.x box; fmv.x.w sign-extends bit 31.
  la s0, fdata
  li t0, 0x80000001
  sw t0, 0(s0)
  flw f5, 0(s0)
  fmv.x.d a0, f5
  CHECK(a0, 0xffffffff80000001)
  fmv.x.w a0, f5
  CHECK(a0, 0xffffffff80000001)
  // An improperly boxed value reads as the canonical NaN for single operations...
  li t0, 0x000000003f800000
  fmv.d.x f6, t0
  li t0, ONE
  fmv.w.x f7, t0
  fsflags zero
  fadd.s f8, f6, f7
  frflags a1
  fmv.x.d a0, f8
  SIG unboxed_add, a0
  CHECK(a0, BOX | QNAN)
  CHECK(a1, 0)
  fsgnj.s f8, f6, f7
  fmv.x.d a0, f8
  SIG unboxed_fsgnj, a0
  CHECK(a0, BOX | QNAN)
  fclass.s a0, f6
  CHECK(a0, 1 << 9)
  // ...but fmv.x.w and fsw move the low bits untouched.
  fmv.x.w a0, f6
  CHECK(a0, 0x3f800000)
  fsw f6, 4(s0)
  lw a0, 4(s0)
  CHECK(a0, 0x3f800000)
  // A nearly-boxed value (one upper bit clear) is not boxed either.
  li t0, 0xfffffffe3f800000
  fmv.d.x f6, t0
  fmax.s f8, f6, f7
  fmv.x.d a0, f8
  CHECK(a0, BOX | ONE)

  // fmin/fmax: -0 < +0; one NaN returns the other operand; two NaNs the canonical NaN;
  // signaling NaNs raise NV.
  F2N fmin_zeros, fmin.s, 0x00000000, 0x80000000, 0x80000000, 0
  F2N fmin_zeros2, fmin.s, 0x80000000, 0x00000000, 0x80000000, 0
  F2N fmax_zeros, fmax.s, 0x80000000, 0x00000000, 0x00000000, 0
  F2N fmax_zeros2, fmax.s, 0x00000000, 0x80000000, 0x00000000, 0
  F2N fmin_qnan, fmin.s, QNAN, ONE, ONE, 0
  F2N fmax_qnan, fmax.s, 0xbf800000, 0x7fc00001, 0xbf800000, 0
  F2N fmin_snan, fmin.s, ONE, SNAN, ONE, NV
  F2N fmax_two_nans, fmax.s, 0x7fc00001, 0xffc00002, QNAN, 0
  F2N fmin_snan_qnan, fmin.s, SNAN, QNAN, QNAN, NV
  F2N fmin_inf, fmin.s, NINF, 0xff7fffff, NINF, 0
  // Sign injection (NaN bits pass through untouched).
  F2N fsgnj, fsgnj.s, 0x3f800000, 0x80000000, 0xbf800000, 0
  F2N fsgnjn, fsgnjn.s, 0x3f800000, 0x80000000, 0x3f800000, 0
  F2N fsgnjx, fsgnjx.s, 0xbf800000, 0x80000000, 0x3f800000, 0
  F2N fsgnj_snan, fsgnj.s, SNAN, 0x80000000, 0xff800001, 0

  // Compares: feq is quiet (NV only for sNaN), flt/fle signal on any NaN.
  FCMP feq_qnan, feq.s, QNAN, QNAN, 0, 0
  FCMP feq_snan, feq.s, SNAN, ONE, 0, NV
  FCMP flt_qnan, flt.s, QNAN, ONE, 0, NV
  FCMP fle_qnan, fle.s, ONE, QNAN, 0, NV
  FCMP feq_zeros, feq.s, 0x80000000, 0x00000000, 1, 0
  FCMP flt_zeros, flt.s, 0x80000000, 0x00000000, 0, 0
  FCMP fle_zeros, fle.s, 0x00000000, 0x80000000, 1, 0
  FCMP flt_inf, flt.s, NINF, 0xff7fffff, 1, 0

  // fcvt to integers: rounding, saturation, and NV instead of NX when out of range.
  FI cvt_w_1p5_rne, fcvt.w.s, 0x3fc00000, rne, 2, NX
  FI cvt_w_2p5_rne, fcvt.w.s, 0x40200000, rne, 2, NX
  FI cvt_w_2p5_rmm, fcvt.w.s, 0x40200000, rmm, 3, NX
  FI cvt_w_m1p5_rtz, fcvt.w.s, 0xbfc00000, rtz, -1, NX
  FI cvt_w_m1p5_rdn, fcvt.w.s, 0xbfc00000, rdn, -2, NX
  FI cvt_w_m1p5_rup, fcvt.w.s, 0xbfc00000, rup, -1, NX
  FI cvt_w_big, fcvt.w.s, 0x4f32d05e, rtz, 0x7fffffff, NV
  FI cvt_w_negbig, fcvt.w.s, 0xcf32d05e, rtz, 0xffffffff80000000, NV
  FI cvt_w_min_exact, fcvt.w.s, 0xcf000000, rtz, 0xffffffff80000000, 0
  FI cvt_w_nan, fcvt.w.s, QNAN, rtz, 0x7fffffff, NV
  FI cvt_w_negnan, fcvt.w.s, 0xffc00000, rtz, 0x7fffffff, NV
  FI cvt_w_pinf, fcvt.w.s, PINF, rtz, 0x7fffffff, NV
  FI cvt_w_ninf, fcvt.w.s, NINF, rtz, 0xffffffff80000000, NV
  FI cvt_wu_neg, fcvt.wu.s, 0xbf800000, rtz, 0, NV
  FI cvt_wu_negsmall, fcvt.wu.s, 0xbf000000, rtz, 0, NX
  FI cvt_wu_negsmall_rdn, fcvt.wu.s, 0xbf000000, rdn, 0, NV
  FI cvt_wu_big, fcvt.wu.s, 0x4f800000, rtz, 0xffffffffffffffff, NV
  FI cvt_wu_top, fcvt.wu.s, 0x4f7fffff, rtz, 0xffffffffffffff00, 0
  FI cvt_wu_nan, fcvt.wu.s, QNAN, rtz, 0xffffffffffffffff, NV
  FI cvt_l_big, fcvt.l.s, 0x5f000000, rtz, 0x7fffffffffffffff, NV
  FI cvt_l_min, fcvt.l.s, 0xdf000000, rtz, 0x8000000000000000, 0
  FI cvt_l_nan, fcvt.l.s, QNAN, rtz, 0x7fffffffffffffff, NV
  FI cvt_lu_neg, fcvt.lu.s, 0xbf800000, rtz, 0, NV
  FI cvt_lu_big, fcvt.lu.s, 0x5f800000, rtz, 0xffffffffffffffff, NV
  FI cvt_lu_ninf, fcvt.lu.s, NINF, rtz, 0, NV
  // fcvt from integers.
  FFROMI cvt_s_w_max, fcvt.s.w, 0x7fffffff, rne, 0x4f000000, NX
  FFROMI cvt_s_w_max_rtz, fcvt.s.w, 0x7fffffff, rtz, 0x4effffff, NX
  FFROMI cvt_s_w_uses_low32, fcvt.s.w, 0x1ffffffff, rne, 0xbf800000, 0
  FFROMI cvt_s_wu_all, fcvt.s.wu, 0xffffffff, rtz, 0x4f7fffff, NX
  FFROMI cvt_s_l_min, fcvt.s.l, 0x8000000000000000, rne, 0xdf000000, 0
  FFROMI cvt_s_lu_max_rup, fcvt.s.lu, 0xffffffffffffffff, rup, 0x5f800000, NX
  FFROMI cvt_s_lu_max_rdn, fcvt.s.lu, 0xffffffffffffffff, rdn, 0x5f7fffff, NX
  FFROMI cvt_s_w_zero, fcvt.s.w, 0, rdn, 0x00000000, 0

  // fclass: one bit for each of the ten classes.
  FI class_ninf, fclass.s, NINF, , 1 << 0, 0
  FI class_nnorm, fclass.s, 0xbf800000, , 1 << 1, 0
  FI class_nsub, fclass.s, 0x80000001, , 1 << 2, 0
  FI class_nzero, fclass.s, 0x80000000, , 1 << 3, 0
  FI class_pzero, fclass.s, 0x00000000, , 1 << 4, 0
  FI class_psub, fclass.s, 0x007fffff, , 1 << 5, 0
  FI class_pnorm, fclass.s, MAXF, , 1 << 6, 0
  FI class_pinf, fclass.s, PINF, , 1 << 7, 0
  FI class_snan, fclass.s, SNAN, , 1 << 8, 0
  FI class_qnan, fclass.s, 0xffc00000, , 1 << 9, 0

  // Fused multiply-add rounds once: (1 + 2^-23)(1 - 2^-23) - 1 = -2^-46 exactly, while a
  // separate multiply rounds the product to 1 and gives 0.
  F3 fmadd_once, fmadd.s, 0x3f800001, 0x3f7ffffe, 0xbf800000, rne, 0xa8800000, 0
  F2 fmul_rounds, fmul.s, 0x3f800001, 0x3f7ffffe, rne, ONE, NX
  F3 fmsub, fmsub.s, 0x40000000, 0x40400000, ONE, rne, 0x40a00000, 0
  F3 fnmsub, fnmsub.s, 0x40000000, 0x40400000, ONE, rne, 0xc0a00000, 0
  F3 fnmadd, fnmadd.s, 0x40000000, 0x40400000, ONE, rne, 0xc0e00000, 0
  // 0 * inf + qNaN: invalid (the spec requires NV here), canonical NaN.
  F3 fmadd_inf_zero_qnan, fmadd.s, 0x00000000, PINF, QNAN, rne, QNAN, NV
  F3 fmadd_inf_minus_inf, fmadd.s, PINF, ONE, NINF, rne, QNAN, NV
  // Exact zero sum: +0 in RNE, -0 in RDN.
  F3 fmadd_zero_rdn, fmadd.s, ONE, ONE, 0xbf800000, rdn, 0x80000000, 0
  F3 fmadd_overflow_rtz, fmadd.s, MAXF, 0x40000000, ONE, rtz, MAXF, OF | NX

  // Square root.
  li t0, 0x40000000
  fmv.w.x f1, t0
  fsflags zero
  fsqrt.s f3, f1, rne
  frflags t1
  fmv.x.d a0, f3
  SIG sqrt2_rne, a0
  CHECK(a0, BOX | 0x3fb504f3)
  CHECK(t1, NX)
  fsqrt.s f3, f1, rup
  fmv.x.d a0, f3
  CHECK(a0, BOX | 0x3fb504f4)
  li t0, 0x40800000
  fmv.w.x f1, t0
  fsflags zero
  fsqrt.s f3, f1
  frflags t1
  fmv.x.d a0, f3
  CHECK(a0, BOX | 0x40000000)
  CHECK(t1, 0)
  li t0, 0xbf800000
  fmv.w.x f1, t0
  fsqrt.s f3, f1
  frflags t1
  fmv.x.d a0, f3
  SIG sqrt_neg, a0
  CHECK(a0, BOX | QNAN)
  CHECK(t1, NV)
  li t0, 0x80000000
  fmv.w.x f1, t0
  fsflags zero
  fsqrt.s f3, f1
  frflags t1
  fmv.x.d a0, f3
  CHECK(a0, BOX | 0x80000000)
  CHECK(t1, 0)

  ld ra, 0(sp)
  addi sp, sp, 16
  ret

  .data
  .balign 8
fdata: .dword 0, 0
