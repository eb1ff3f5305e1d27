// Zba, Zbb and Zbs: every instruction over edge-case operands (expected values from a
// reference model, cross-checked on QEMU); each result is also part of the signature.
#include "common.h"
TEST_PROLOGUE zba_zbb_zbs

test_main:
  addi sp, sp, -16
  sd ra, 0(sp)
  li s0, 0x0123456789abcdef
  li s1, 0xfedcba9876543210
  li s2, 0x8000000000000001
  li s3, 0x0000000000000000
  li s4, 0xffffffffffffffff
  li s5, 0xfff00000fffff000
  sh1add a0, s0, s1
  SIG sh1add.s0.s1, a0
  CHECK(a0, 0x0123456789abcdee)
  sh2add a0, s0, s1
  SIG sh2add.s0.s1, a0
  CHECK(a0, 0x0369d0369d0369cc)
  sh3add a0, s0, s1
  SIG sh3add.s0.s1, a0
  CHECK(a0, 0x07f6e5d4c3b2a188)
  add.uw a0, s0, s1
  SIG add.uw.s0.s1, a0
  CHECK(a0, 0xfedcba98ffffffff)
  sh1add.uw a0, s0, s1
  SIG sh1add.uw.s0.s1, a0
  CHECK(a0, 0xfedcba9989abcdee)
  sh2add.uw a0, s0, s1
  SIG sh2add.uw.s0.s1, a0
  CHECK(a0, 0xfedcba9a9d0369cc)
  sh3add.uw a0, s0, s1
  SIG sh3add.uw.s0.s1, a0
  CHECK(a0, 0xfedcba9cc3b2a188)
  andn a0, s0, s1
  SIG andn.s0.s1, a0
  CHECK(a0, 0x0123456789abcdef)
  orn a0, s0, s1
  SIG orn.s0.s1, a0
  CHECK(a0, 0x0123456789abcdef)
  xnor a0, s0, s1
  SIG xnor.s0.s1, a0
  CHECK(a0, 0x0000000000000000)
  max a0, s0, s1
  SIG max.s0.s1, a0
  CHECK(a0, 0x0123456789abcdef)
  min a0, s0, s1
  SIG min.s0.s1, a0
  CHECK(a0, 0xfedcba9876543210)
  maxu a0, s0, s1
  SIG maxu.s0.s1, a0
  CHECK(a0, 0xfedcba9876543210)
  minu a0, s0, s1
  SIG minu.s0.s1, a0
  CHECK(a0, 0x0123456789abcdef)
  rol a0, s0, s1
  SIG rol.s0.s1, a0
  CHECK(a0, 0x456789abcdef0123)
  ror a0, s0, s1
  SIG ror.s0.s1, a0
  CHECK(a0, 0xcdef0123456789ab)
  rolw a0, s0, s1
  SIG rolw.s0.s1, a0
  CHECK(a0, 0xffffffffcdef89ab)
  rorw a0, s0, s1
  SIG rorw.s0.s1, a0
  CHECK(a0, 0xffffffffcdef89ab)
  bclr a0, s0, s1
  SIG bclr.s0.s1, a0
  CHECK(a0, 0x0123456789aacdef)
  bset a0, s0, s1
  SIG bset.s0.s1, a0
  CHECK(a0, 0x0123456789abcdef)
  binv a0, s0, s1
  SIG binv.s0.s1, a0
  CHECK(a0, 0x0123456789aacdef)
  bext a0, s0, s1
  SIG bext.s0.s1, a0
  CHECK(a0, 0x0000000000000001)
  sh1add a0, s2, s5
  SIG sh1add.s2.s5, a0
  CHECK(a0, 0xfff00000fffff002)
  sh2add a0, s2, s5
  SIG sh2add.s2.s5, a0
  CHECK(a0, 0xfff00000fffff004)
  sh3add a0, s2, s5
  SIG sh3add.s2.s5, a0
  CHECK(a0, 0xfff00000fffff008)
  add.uw a0, s2, s5
  SIG add.uw.s2.s5, a0
  CHECK(a0, 0xfff00000fffff001)
  sh1add.uw a0, s2, s5
  SIG sh1add.uw.s2.s5, a0
  CHECK(a0, 0xfff00000fffff002)
  sh2add.uw a0, s2, s5
  SIG sh2add.uw.s2.s5, a0
  CHECK(a0, 0xfff00000fffff004)
  sh3add.uw a0, s2, s5
  SIG sh3add.uw.s2.s5, a0
  CHECK(a0, 0xfff00000fffff008)
  andn a0, s2, s5
  SIG andn.s2.s5, a0
  CHECK(a0, 0x0000000000000001)
  orn a0, s2, s5
  SIG orn.s2.s5, a0
  CHECK(a0, 0x800fffff00000fff)
  xnor a0, s2, s5
  SIG xnor.s2.s5, a0
  CHECK(a0, 0x800fffff00000ffe)
  max a0, s2, s5
  SIG max.s2.s5, a0
  CHECK(a0, 0xfff00000fffff000)
  min a0, s2, s5
  SIG min.s2.s5, a0
  CHECK(a0, 0x8000000000000001)
  maxu a0, s2, s5
  SIG maxu.s2.s5, a0
  CHECK(a0, 0xfff00000fffff000)
  minu a0, s2, s5
  SIG minu.s2.s5, a0
  CHECK(a0, 0x8000000000000001)
  rol a0, s2, s5
  SIG rol.s2.s5, a0
  CHECK(a0, 0x8000000000000001)
  ror a0, s2, s5
  SIG ror.s2.s5, a0
  CHECK(a0, 0x8000000000000001)
  rolw a0, s2, s5
  SIG rolw.s2.s5, a0
  CHECK(a0, 0x0000000000000001)
  rorw a0, s2, s5
  SIG rorw.s2.s5, a0
  CHECK(a0, 0x0000000000000001)
  bclr a0, s2, s5
  SIG bclr.s2.s5, a0
  CHECK(a0, 0x8000000000000000)
  bset a0, s2, s5
  SIG bset.s2.s5, a0
  CHECK(a0, 0x8000000000000001)
  binv a0, s2, s5
  SIG binv.s2.s5, a0
  CHECK(a0, 0x8000000000000000)
  bext a0, s2, s5
  SIG bext.s2.s5, a0
  CHECK(a0, 0x0000000000000001)
  sh1add a0, s4, s2
  SIG sh1add.s4.s2, a0
  CHECK(a0, 0x7fffffffffffffff)
  sh2add a0, s4, s2
  SIG sh2add.s4.s2, a0
  CHECK(a0, 0x7ffffffffffffffd)
  sh3add a0, s4, s2
  SIG sh3add.s4.s2, a0
  CHECK(a0, 0x7ffffffffffffff9)
  add.uw a0, s4, s2
  SIG add.uw.s4.s2, a0
  CHECK(a0, 0x8000000100000000)
  sh1add.uw a0, s4, s2
  SIG sh1add.uw.s4.s2, a0
  CHECK(a0, 0x80000001ffffffff)
  sh2add.uw a0, s4, s2
  SIG sh2add.uw.s4.s2, a0
  CHECK(a0, 0x80000003fffffffd)
  sh3add.uw a0, s4, s2
  SIG sh3add.uw.s4.s2, a0
  CHECK(a0, 0x80000007fffffff9)
  andn a0, s4, s2
  SIG andn.s4.s2, a0
  CHECK(a0, 0x7ffffffffffffffe)
  orn a0, s4, s2
  SIG orn.s4.s2, a0
  CHECK(a0, 0xffffffffffffffff)
  xnor a0, s4, s2
  SIG xnor.s4.s2, a0
  CHECK(a0, 0x8000000000000001)
  max a0, s4, s2
  SIG max.s4.s2, a0
  CHECK(a0, 0xffffffffffffffff)
  min a0, s4, s2
  SIG min.s4.s2, a0
  CHECK(a0, 0x8000000000000001)
  maxu a0, s4, s2
  SIG maxu.s4.s2, a0
  CHECK(a0, 0xffffffffffffffff)
  minu a0, s4, s2
  SIG minu.s4.s2, a0
  CHECK(a0, 0x8000000000000001)
  rol a0, s4, s2
  SIG rol.s4.s2, a0
  CHECK(a0, 0xffffffffffffffff)
  ror a0, s4, s2
  SIG ror.s4.s2, a0
  CHECK(a0, 0xffffffffffffffff)
  rolw a0, s4, s2
  SIG rolw.s4.s2, a0
  CHECK(a0, 0xffffffffffffffff)
  rorw a0, s4, s2
  SIG rorw.s4.s2, a0
  CHECK(a0, 0xffffffffffffffff)
  bclr a0, s4, s2
  SIG bclr.s4.s2, a0
  CHECK(a0, 0xfffffffffffffffd)
  bset a0, s4, s2
  SIG bset.s4.s2, a0
  CHECK(a0, 0xffffffffffffffff)
  binv a0, s4, s2
  SIG binv.s4.s2, a0
  CHECK(a0, 0xfffffffffffffffd)
  bext a0, s4, s2
  SIG bext.s4.s2, a0
  CHECK(a0, 0x0000000000000001)
  clz a0, s0
  SIG clz.s0, a0
  CHECK(a0, 0x0000000000000007)
  ctz a0, s0
  SIG ctz.s0, a0
  CHECK(a0, 0x0000000000000000)
  cpop a0, s0
  SIG cpop.s0, a0
  CHECK(a0, 0x0000000000000020)
  clzw a0, s0
  SIG clzw.s0, a0
  CHECK(a0, 0x0000000000000000)
  ctzw a0, s0
  SIG ctzw.s0, a0
  CHECK(a0, 0x0000000000000000)
  cpopw a0, s0
  SIG cpopw.s0, a0
  CHECK(a0, 0x0000000000000014)
  sext.b a0, s0
  SIG sext.b.s0, a0
  CHECK(a0, 0xffffffffffffffef)
  sext.h a0, s0
  SIG sext.h.s0, a0
  CHECK(a0, 0xffffffffffffcdef)
  zext.h a0, s0
  SIG zext.h.s0, a0
  CHECK(a0, 0x000000000000cdef)
  orc.b a0, s0
  SIG orc.b.s0, a0
  CHECK(a0, 0xffffffffffffffff)
  rev8 a0, s0
  SIG rev8.s0, a0
  CHECK(a0, 0xefcdab8967452301)
  rori a0, s0, 0
  SIG rori.s0.0, a0
  CHECK(a0, 0x0123456789abcdef)
  roriw a0, s0, 0
  SIG roriw.s0.0, a0
  CHECK(a0, 0xffffffff89abcdef)
  slli.uw a0, s0, 0
  SIG slli.uw.s0.0, a0
  CHECK(a0, 0x0000000089abcdef)
  bclri a0, s0, 0
  SIG bclri.s0.0, a0
  CHECK(a0, 0x0123456789abcdee)
  bseti a0, s0, 0
  SIG bseti.s0.0, a0
  CHECK(a0, 0x0123456789abcdef)
  binvi a0, s0, 0
  SIG binvi.s0.0, a0
  CHECK(a0, 0x0123456789abcdee)
  bexti a0, s0, 0
  SIG bexti.s0.0, a0
  CHECK(a0, 0x0000000000000001)
  rori a0, s0, 1
  SIG rori.s0.1, a0
  CHECK(a0, 0x8091a2b3c4d5e6f7)
  roriw a0, s0, 1
  SIG roriw.s0.1, a0
  CHECK(a0, 0xffffffffc4d5e6f7)
  slli.uw a0, s0, 1
  SIG slli.uw.s0.1, a0
  CHECK(a0, 0x0000000113579bde)
  bclri a0, s0, 1
  SIG bclri.s0.1, a0
  CHECK(a0, 0x0123456789abcded)
  bseti a0, s0, 1
  SIG bseti.s0.1, a0
  CHECK(a0, 0x0123456789abcdef)
  binvi a0, s0, 1
  SIG binvi.s0.1, a0
  CHECK(a0, 0x0123456789abcded)
  bexti a0, s0, 1
  SIG bexti.s0.1, a0
  CHECK(a0, 0x0000000000000001)
  rori a0, s0, 31
  SIG rori.s0.31, a0
  CHECK(a0, 0x13579bde02468acf)
  roriw a0, s0, 31
  SIG roriw.s0.31, a0
  CHECK(a0, 0x0000000013579bdf)
  slli.uw a0, s0, 31
  SIG slli.uw.s0.31, a0
  CHECK(a0, 0x44d5e6f780000000)
  bclri a0, s0, 31
  SIG bclri.s0.31, a0
  CHECK(a0, 0x0123456709abcdef)
  bseti a0, s0, 31
  SIG bseti.s0.31, a0
  CHECK(a0, 0x0123456789abcdef)
  binvi a0, s0, 31
  SIG binvi.s0.31, a0
  CHECK(a0, 0x0123456709abcdef)
  bexti a0, s0, 31
  SIG bexti.s0.31, a0
  CHECK(a0, 0x0000000000000001)
  rori a0, s0, 63
  SIG rori.s0.63, a0
  CHECK(a0, 0x02468acf13579bde)
  slli.uw a0, s0, 63
  SIG slli.uw.s0.63, a0
  CHECK(a0, 0x8000000000000000)
  bclri a0, s0, 63
  SIG bclri.s0.63, a0
  CHECK(a0, 0x0123456789abcdef)
  bseti a0, s0, 63
  SIG bseti.s0.63, a0
  CHECK(a0, 0x8123456789abcdef)
  binvi a0, s0, 63
  SIG binvi.s0.63, a0
  CHECK(a0, 0x8123456789abcdef)
  bexti a0, s0, 63
  SIG bexti.s0.63, a0
  CHECK(a0, 0x0000000000000000)
  clz a0, s1
  SIG clz.s1, a0
  CHECK(a0, 0x0000000000000000)
  ctz a0, s1
  SIG ctz.s1, a0
  CHECK(a0, 0x0000000000000004)
  cpop a0, s1
  SIG cpop.s1, a0
  CHECK(a0, 0x0000000000000020)
  clzw a0, s1
  SIG clzw.s1, a0
  CHECK(a0, 0x0000000000000001)
  ctzw a0, s1
  SIG ctzw.s1, a0
  CHECK(a0, 0x0000000000000004)
  cpopw a0, s1
  SIG cpopw.s1, a0
  CHECK(a0, 0x000000000000000c)
  sext.b a0, s1
  SIG sext.b.s1, a0
  CHECK(a0, 0x0000000000000010)
  sext.h a0, s1
  SIG sext.h.s1, a0
  CHECK(a0, 0x0000000000003210)
  zext.h a0, s1
  SIG zext.h.s1, a0
  CHECK(a0, 0x0000000000003210)
  orc.b a0, s1
  SIG orc.b.s1, a0
  CHECK(a0, 0xffffffffffffffff)
  rev8 a0, s1
  SIG rev8.s1, a0
  CHECK(a0, 0x1032547698badcfe)
  rori a0, s1, 0
  SIG rori.s1.0, a0
  CHECK(a0, 0xfedcba9876543210)
  roriw a0, s1, 0
  SIG roriw.s1.0, a0
  CHECK(a0, 0x0000000076543210)
  slli.uw a0, s1, 0
  SIG slli.uw.s1.0, a0
  CHECK(a0, 0x0000000076543210)
  bclri a0, s1, 0
  SIG bclri.s1.0, a0
  CHECK(a0, 0xfedcba9876543210)
  bseti a0, s1, 0
  SIG bseti.s1.0, a0
  CHECK(a0, 0xfedcba9876543211)
  binvi a0, s1, 0
  SIG binvi.s1.0, a0
  CHECK(a0, 0xfedcba9876543211)
  bexti a0, s1, 0
  SIG bexti.s1.0, a0
  CHECK(a0, 0x0000000000000000)
  rori a0, s1, 1
  SIG rori.s1.1, a0
  CHECK(a0, 0x7f6e5d4c3b2a1908)
  roriw a0, s1, 1
  SIG roriw.s1.1, a0
  CHECK(a0, 0x000000003b2a1908)
  slli.uw a0, s1, 1
  SIG slli.uw.s1.1, a0
  CHECK(a0, 0x00000000eca86420)
  bclri a0, s1, 1
  SIG bclri.s1.1, a0
  CHECK(a0, 0xfedcba9876543210)
  bseti a0, s1, 1
  SIG bseti.s1.1, a0
  CHECK(a0, 0xfedcba9876543212)
  binvi a0, s1, 1
  SIG binvi.s1.1, a0
  CHECK(a0, 0xfedcba9876543212)
  bexti a0, s1, 1
  SIG bexti.s1.1, a0
  CHECK(a0, 0x0000000000000000)
  rori a0, s1, 31
  SIG rori.s1.31, a0
  CHECK(a0, 0xeca86421fdb97530)
  roriw a0, s1, 31
  SIG roriw.s1.31, a0
  CHECK(a0, 0xffffffffeca86420)
  slli.uw a0, s1, 31
  SIG slli.uw.s1.31, a0
  CHECK(a0, 0x3b2a190800000000)
  bclri a0, s1, 31
  SIG bclri.s1.31, a0
  CHECK(a0, 0xfedcba9876543210)
  bseti a0, s1, 31
  SIG bseti.s1.31, a0
  CHECK(a0, 0xfedcba98f6543210)
  binvi a0, s1, 31
  SIG binvi.s1.31, a0
  CHECK(a0, 0xfedcba98f6543210)
  bexti a0, s1, 31
  SIG bexti.s1.31, a0
  CHECK(a0, 0x0000000000000000)
  rori a0, s1, 63
  SIG rori.s1.63, a0
  CHECK(a0, 0xfdb97530eca86421)
  slli.uw a0, s1, 63
  SIG slli.uw.s1.63, a0
  CHECK(a0, 0x0000000000000000)
  bclri a0, s1, 63
  SIG bclri.s1.63, a0
  CHECK(a0, 0x7edcba9876543210)
  bseti a0, s1, 63
  SIG bseti.s1.63, a0
  CHECK(a0, 0xfedcba9876543210)
  binvi a0, s1, 63
  SIG binvi.s1.63, a0
  CHECK(a0, 0x7edcba9876543210)
  bexti a0, s1, 63
  SIG bexti.s1.63, a0
  CHECK(a0, 0x0000000000000001)
  clz a0, s2
  SIG clz.s2, a0
  CHECK(a0, 0x0000000000000000)
  ctz a0, s2
  SIG ctz.s2, a0
  CHECK(a0, 0x0000000000000000)
  cpop a0, s2
  SIG cpop.s2, a0
  CHECK(a0, 0x0000000000000002)
  clzw a0, s2
  SIG clzw.s2, a0
  CHECK(a0, 0x000000000000001f)
  ctzw a0, s2
  SIG ctzw.s2, a0
  CHECK(a0, 0x0000000000000000)
  cpopw a0, s2
  SIG cpopw.s2, a0
  CHECK(a0, 0x0000000000000001)
  sext.b a0, s2
  SIG sext.b.s2, a0
  CHECK(a0, 0x0000000000000001)
  sext.h a0, s2
  SIG sext.h.s2, a0
  CHECK(a0, 0x0000000000000001)
  zext.h a0, s2
  SIG zext.h.s2, a0
  CHECK(a0, 0x0000000000000001)
  orc.b a0, s2
  SIG orc.b.s2, a0
  CHECK(a0, 0xff000000000000ff)
  rev8 a0, s2
  SIG rev8.s2, a0
  CHECK(a0, 0x0100000000000080)
  rori a0, s2, 0
  SIG rori.s2.0, a0
  CHECK(a0, 0x8000000000000001)
  roriw a0, s2, 0
  SIG roriw.s2.0, a0
  CHECK(a0, 0x0000000000000001)
  slli.uw a0, s2, 0
  SIG slli.uw.s2.0, a0
  CHECK(a0, 0x0000000000000001)
  bclri a0, s2, 0
  SIG bclri.s2.0, a0
  CHECK(a0, 0x8000000000000000)
  bseti a0, s2, 0
  SIG bseti.s2.0, a0
  CHECK(a0, 0x8000000000000001)
  binvi a0, s2, 0
  SIG binvi.s2.0, a0
  CHECK(a0, 0x8000000000000000)
  bexti a0, s2, 0
  SIG bexti.s2.0, a0
  CHECK(a0, 0x0000000000000001)
  rori a0, s2, 1
  SIG rori.s2.1, a0
  CHECK(a0, 0xc000000000000000)
  roriw a0, s2, 1
  SIG roriw.s2.1, a0
  CHECK(a0, 0xffffffff80000000)
  slli.uw a0, s2, 1
  SIG slli.uw.s2.1, a0
  CHECK(a0, 0x0000000000000002)
  bclri a0, s2, 1
  SIG bclri.s2.1, a0
  CHECK(a0, 0x8000000000000001)
  bseti a0, s2, 1
  SIG bseti.s2.1, a0
  CHECK(a0, 0x8000000000000003)
  binvi a0, s2, 1
  SIG binvi.s2.1, a0
  CHECK(a0, 0x8000000000000003)
  bexti a0, s2, 1
  SIG bexti.s2.1, a0
  CHECK(a0, 0x0000000000000000)
  rori a0, s2, 31
  SIG rori.s2.31, a0
  CHECK(a0, 0x0000000300000000)
  roriw a0, s2, 31
  SIG roriw.s2.31, a0
  CHECK(a0, 0x0000000000000002)
  slli.uw a0, s2, 31
  SIG slli.uw.s2.31, a0
  CHECK(a0, 0x0000000080000000)
  bclri a0, s2, 31
  SIG bclri.s2.31, a0
  CHECK(a0, 0x8000000000000001)
  bseti a0, s2, 31
  SIG bseti.s2.31, a0
  CHECK(a0, 0x8000000080000001)
  binvi a0, s2, 31
  SIG binvi.s2.31, a0
  CHECK(a0, 0x8000000080000001)
  bexti a0, s2, 31
  SIG bexti.s2.31, a0
  CHECK(a0, 0x0000000000000000)
  rori a0, s2, 63
  SIG rori.s2.63, a0
  CHECK(a0, 0x0000000000000003)
  slli.uw a0, s2, 63
  SIG slli.uw.s2.63, a0
  CHECK(a0, 0x8000000000000000)
  bclri a0, s2, 63
  SIG bclri.s2.63, a0
  CHECK(a0, 0x0000000000000001)
  bseti a0, s2, 63
  SIG bseti.s2.63, a0
  CHECK(a0, 0x8000000000000001)
  binvi a0, s2, 63
  SIG binvi.s2.63, a0
  CHECK(a0, 0x0000000000000001)
  bexti a0, s2, 63
  SIG bexti.s2.63, a0
  CHECK(a0, 0x0000000000000001)
  clz a0, s3
  SIG clz.s3, a0
  CHECK(a0, 0x0000000000000040)
  ctz a0, s3
  SIG ctz.s3, a0
  CHECK(a0, 0x0000000000000040)
  cpop a0, s3
  SIG cpop.s3, a0
  CHECK(a0, 0x0000000000000000)
  clzw a0, s3
  SIG clzw.s3, a0
  CHECK(a0, 0x0000000000000020)
  ctzw a0, s3
  SIG ctzw.s3, a0
  CHECK(a0, 0x0000000000000020)
  cpopw a0, s3
  SIG cpopw.s3, a0
  CHECK(a0, 0x0000000000000000)
  sext.b a0, s3
  SIG sext.b.s3, a0
  CHECK(a0, 0x0000000000000000)
  sext.h a0, s3
  SIG sext.h.s3, a0
  CHECK(a0, 0x0000000000000000)
  zext.h a0, s3
  SIG zext.h.s3, a0
  CHECK(a0, 0x0000000000000000)
  orc.b a0, s3
  SIG orc.b.s3, a0
  CHECK(a0, 0x0000000000000000)
  rev8 a0, s3
  SIG rev8.s3, a0
  CHECK(a0, 0x0000000000000000)
  rori a0, s3, 0
  SIG rori.s3.0, a0
  CHECK(a0, 0x0000000000000000)
  roriw a0, s3, 0
  SIG roriw.s3.0, a0
  CHECK(a0, 0x0000000000000000)
  slli.uw a0, s3, 0
  SIG slli.uw.s3.0, a0
  CHECK(a0, 0x0000000000000000)
  bclri a0, s3, 0
  SIG bclri.s3.0, a0
  CHECK(a0, 0x0000000000000000)
  bseti a0, s3, 0
  SIG bseti.s3.0, a0
  CHECK(a0, 0x0000000000000001)
  binvi a0, s3, 0
  SIG binvi.s3.0, a0
  CHECK(a0, 0x0000000000000001)
  bexti a0, s3, 0
  SIG bexti.s3.0, a0
  CHECK(a0, 0x0000000000000000)
  rori a0, s3, 1
  SIG rori.s3.1, a0
  CHECK(a0, 0x0000000000000000)
  roriw a0, s3, 1
  SIG roriw.s3.1, a0
  CHECK(a0, 0x0000000000000000)
  slli.uw a0, s3, 1
  SIG slli.uw.s3.1, a0
  CHECK(a0, 0x0000000000000000)
  bclri a0, s3, 1
  SIG bclri.s3.1, a0
  CHECK(a0, 0x0000000000000000)
  bseti a0, s3, 1
  SIG bseti.s3.1, a0
  CHECK(a0, 0x0000000000000002)
  binvi a0, s3, 1
  SIG binvi.s3.1, a0
  CHECK(a0, 0x0000000000000002)
  bexti a0, s3, 1
  SIG bexti.s3.1, a0
  CHECK(a0, 0x0000000000000000)
  rori a0, s3, 31
  SIG rori.s3.31, a0
  CHECK(a0, 0x0000000000000000)
  roriw a0, s3, 31
  SIG roriw.s3.31, a0
  CHECK(a0, 0x0000000000000000)
  slli.uw a0, s3, 31
  SIG slli.uw.s3.31, a0
  CHECK(a0, 0x0000000000000000)
  bclri a0, s3, 31
  SIG bclri.s3.31, a0
  CHECK(a0, 0x0000000000000000)
  bseti a0, s3, 31
  SIG bseti.s3.31, a0
  CHECK(a0, 0x0000000080000000)
  binvi a0, s3, 31
  SIG binvi.s3.31, a0
  CHECK(a0, 0x0000000080000000)
  bexti a0, s3, 31
  SIG bexti.s3.31, a0
  CHECK(a0, 0x0000000000000000)
  rori a0, s3, 63
  SIG rori.s3.63, a0
  CHECK(a0, 0x0000000000000000)
  slli.uw a0, s3, 63
  SIG slli.uw.s3.63, a0
  CHECK(a0, 0x0000000000000000)
  bclri a0, s3, 63
  SIG bclri.s3.63, a0
  CHECK(a0, 0x0000000000000000)
  bseti a0, s3, 63
  SIG bseti.s3.63, a0
  CHECK(a0, 0x8000000000000000)
  binvi a0, s3, 63
  SIG binvi.s3.63, a0
  CHECK(a0, 0x8000000000000000)
  bexti a0, s3, 63
  SIG bexti.s3.63, a0
  CHECK(a0, 0x0000000000000000)
  clz a0, s4
  SIG clz.s4, a0
  CHECK(a0, 0x0000000000000000)
  ctz a0, s4
  SIG ctz.s4, a0
  CHECK(a0, 0x0000000000000000)
  cpop a0, s4
  SIG cpop.s4, a0
  CHECK(a0, 0x0000000000000040)
  clzw a0, s4
  SIG clzw.s4, a0
  CHECK(a0, 0x0000000000000000)
  ctzw a0, s4
  SIG ctzw.s4, a0
  CHECK(a0, 0x0000000000000000)
  cpopw a0, s4
  SIG cpopw.s4, a0
  CHECK(a0, 0x0000000000000020)
  sext.b a0, s4
  SIG sext.b.s4, a0
  CHECK(a0, 0xffffffffffffffff)
  sext.h a0, s4
  SIG sext.h.s4, a0
  CHECK(a0, 0xffffffffffffffff)
  zext.h a0, s4
  SIG zext.h.s4, a0
  CHECK(a0, 0x000000000000ffff)
  orc.b a0, s4
  SIG orc.b.s4, a0
  CHECK(a0, 0xffffffffffffffff)
  rev8 a0, s4
  SIG rev8.s4, a0
  CHECK(a0, 0xffffffffffffffff)
  rori a0, s4, 0
  SIG rori.s4.0, a0
  CHECK(a0, 0xffffffffffffffff)
  roriw a0, s4, 0
  SIG roriw.s4.0, a0
  CHECK(a0, 0xffffffffffffffff)
  slli.uw a0, s4, 0
  SIG slli.uw.s4.0, a0
  CHECK(a0, 0x00000000ffffffff)
  bclri a0, s4, 0
  SIG bclri.s4.0, a0
  CHECK(a0, 0xfffffffffffffffe)
  bseti a0, s4, 0
  SIG bseti.s4.0, a0
  CHECK(a0, 0xffffffffffffffff)
  binvi a0, s4, 0
  SIG binvi.s4.0, a0
  CHECK(a0, 0xfffffffffffffffe)
  bexti a0, s4, 0
  SIG bexti.s4.0, a0
  CHECK(a0, 0x0000000000000001)
  rori a0, s4, 1
  SIG rori.s4.1, a0
  CHECK(a0, 0xffffffffffffffff)
  roriw a0, s4, 1
  SIG roriw.s4.1, a0
  CHECK(a0, 0xffffffffffffffff)
  slli.uw a0, s4, 1
  SIG slli.uw.s4.1, a0
  CHECK(a0, 0x00000001fffffffe)
  bclri a0, s4, 1
  SIG bclri.s4.1, a0
  CHECK(a0, 0xfffffffffffffffd)
  bseti a0, s4, 1
  SIG bseti.s4.1, a0
  CHECK(a0, 0xffffffffffffffff)
  binvi a0, s4, 1
  SIG binvi.s4.1, a0
  CHECK(a0, 0xfffffffffffffffd)
  bexti a0, s4, 1
  SIG bexti.s4.1, a0
  CHECK(a0, 0x0000000000000001)
  rori a0, s4, 31
  SIG rori.s4.31, a0
  CHECK(a0, 0xffffffffffffffff)
  roriw a0, s4, 31
  SIG roriw.s4.31, a0
  CHECK(a0, 0xffffffffffffffff)
  slli.uw a0, s4, 31
  SIG slli.uw.s4.31, a0
  CHECK(a0, 0x7fffffff80000000)
  bclri a0, s4, 31
  SIG bclri.s4.31, a0
  CHECK(a0, 0xffffffff7fffffff)
  bseti a0, s4, 31
  SIG bseti.s4.31, a0
  CHECK(a0, 0xffffffffffffffff)
  binvi a0, s4, 31
  SIG binvi.s4.31, a0
  CHECK(a0, 0xffffffff7fffffff)
  bexti a0, s4, 31
  SIG bexti.s4.31, a0
  CHECK(a0, 0x0000000000000001)
  rori a0, s4, 63
  SIG rori.s4.63, a0
  CHECK(a0, 0xffffffffffffffff)
  slli.uw a0, s4, 63
  SIG slli.uw.s4.63, a0
  CHECK(a0, 0x8000000000000000)
  bclri a0, s4, 63
  SIG bclri.s4.63, a0
  CHECK(a0, 0x7fffffffffffffff)
  bseti a0, s4, 63
  SIG bseti.s4.63, a0
  CHECK(a0, 0xffffffffffffffff)
  binvi a0, s4, 63
  SIG binvi.s4.63, a0
  CHECK(a0, 0x7fffffffffffffff)
  bexti a0, s4, 63
  SIG bexti.s4.63, a0
  CHECK(a0, 0x0000000000000001)
  clz a0, s5
  SIG clz.s5, a0
  CHECK(a0, 0x0000000000000000)
  ctz a0, s5
  SIG ctz.s5, a0
  CHECK(a0, 0x000000000000000c)
  cpop a0, s5
  SIG cpop.s5, a0
  CHECK(a0, 0x0000000000000020)
  clzw a0, s5
  SIG clzw.s5, a0
  CHECK(a0, 0x0000000000000000)
  ctzw a0, s5
  SIG ctzw.s5, a0
  CHECK(a0, 0x000000000000000c)
  cpopw a0, s5
  SIG cpopw.s5, a0
  CHECK(a0, 0x0000000000000014)
  sext.b a0, s5
  SIG sext.b.s5, a0
  CHECK(a0, 0x0000000000000000)
  sext.h a0, s5
  SIG sext.h.s5, a0
  CHECK(a0, 0xfffffffffffff000)
  zext.h a0, s5
  SIG zext.h.s5, a0
  CHECK(a0, 0x000000000000f000)
  orc.b a0, s5
  SIG orc.b.s5, a0
  CHECK(a0, 0xffff0000ffffff00)
  rev8 a0, s5
  SIG rev8.s5, a0
  CHECK(a0, 0x00f0ffff0000f0ff)
  rori a0, s5, 0
  SIG rori.s5.0, a0
  CHECK(a0, 0xfff00000fffff000)
  roriw a0, s5, 0
  SIG roriw.s5.0, a0
  CHECK(a0, 0xfffffffffffff000)
  slli.uw a0, s5, 0
  SIG slli.uw.s5.0, a0
  CHECK(a0, 0x00000000fffff000)
  bclri a0, s5, 0
  SIG bclri.s5.0, a0
  CHECK(a0, 0xfff00000fffff000)
  bseti a0, s5, 0
  SIG bseti.s5.0, a0
  CHECK(a0, 0xfff00000fffff001)
  binvi a0, s5, 0
  SIG binvi.s5.0, a0
  CHECK(a0, 0xfff00000fffff001)
  bexti a0, s5, 0
  SIG bexti.s5.0, a0
  CHECK(a0, 0x0000000000000000)
  rori a0, s5, 1
  SIG rori.s5.1, a0
  CHECK(a0, 0x7ff800007ffff800)
  roriw a0, s5, 1
  SIG roriw.s5.1, a0
  CHECK(a0, 0x000000007ffff800)
  slli.uw a0, s5, 1
  SIG slli.uw.s5.1, a0
  CHECK(a0, 0x00000001ffffe000)
  bclri a0, s5, 1
  SIG bclri.s5.1, a0
  CHECK(a0, 0xfff00000fffff000)
  bseti a0, s5, 1
  SIG bseti.s5.1, a0
  CHECK(a0, 0xfff00000fffff002)
  binvi a0, s5, 1
  SIG binvi.s5.1, a0
  CHECK(a0, 0xfff00000fffff002)
  bexti a0, s5, 1
  SIG bexti.s5.1, a0
  CHECK(a0, 0x0000000000000000)
  rori a0, s5, 31
  SIG rori.s5.31, a0
  CHECK(a0, 0xffffe001ffe00001)
  roriw a0, s5, 31
  SIG roriw.s5.31, a0
  CHECK(a0, 0xffffffffffffe001)
  slli.uw a0, s5, 31
  SIG slli.uw.s5.31, a0
  CHECK(a0, 0x7ffff80000000000)
  bclri a0, s5, 31
  SIG bclri.s5.31, a0
  CHECK(a0, 0xfff000007ffff000)
  bseti a0, s5, 31
  SIG bseti.s5.31, a0
  CHECK(a0, 0xfff00000fffff000)
  binvi a0, s5, 31
  SIG binvi.s5.31, a0
  CHECK(a0, 0xfff000007ffff000)
  bexti a0, s5, 31
  SIG bexti.s5.31, a0
  CHECK(a0, 0x0000000000000001)
  rori a0, s5, 63
  SIG rori.s5.63, a0
  CHECK(a0, 0xffe00001ffffe001)
  slli.uw a0, s5, 63
  SIG slli.uw.s5.63, a0
  CHECK(a0, 0x0000000000000000)
  bclri a0, s5, 63
  SIG bclri.s5.63, a0
  CHECK(a0, 0x7ff00000fffff000)
  bseti a0, s5, 63
  SIG bseti.s5.63, a0
  CHECK(a0, 0xfff00000fffff000)
  binvi a0, s5, 63
  SIG binvi.s5.63, a0
  CHECK(a0, 0x7ff00000fffff000)
  bexti a0, s5, 63
  SIG bexti.s5.63, a0
  CHECK(a0, 0x0000000000000001)
  ld ra, 0(sp)
  addi sp, sp, 16
  ret
