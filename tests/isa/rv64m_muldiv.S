// RV64M multiply and divide, including division by zero, signed overflow and the W forms.
#include "common.h"
TEST_PROLOGUE rv64m_muldiv

test_main:
  addi sp, sp, -16
  sd ra, 0(sp)
  li s0, 0x7fffffffffffffff
  li s1, 0x8000000000000000
  li s2, -1
  li s3, 0x0123456789abcdef
  li s4, -7
  li s5, 3

  mul a0, s3, s3
  SIG mul, a0
  CHECK(a0, 0xdca5e20890f2a521)
  mulh a0, s3, s3
  CHECK(a0, 0x00014b66dc33f6ac)
  mulh a0, s1, s1
  CHECK(a0, 0x4000000000000000)
  mulh a0, s1, s2
  CHECK(a0, 0)
  mulhu a0, s2, s2
  CHECK(a0, -2)
  mulhsu a0, s2, s2
  CHECK(a0, -1)
  mulhsu a0, s1, s2
  SIG mulhsu_min, a0
  CHECK(a0, 0x8000000000000000)
  mul a0, s1, s2
  CHECK(a0, 0x8000000000000000)

  // Division by zero: quotient all ones, remainder the dividend.
  div a0, s3, zero
  CHECK(a0, -1)
  divu a0, s3, zero
  CHECK(a0, -1)
  rem a0, s3, zero
  CHECK_REG(a0, s3)
  remu a0, s4, zero
  CHECK_REG(a0, s4)
  // Signed overflow: quotient is the dividend, remainder zero.
  div a0, s1, s2
  CHECK_REG(a0, s1)
  rem a0, s1, s2
  CHECK(a0, 0)
  SIG rem_overflow, a0
  // Rounding toward zero, remainder takes the dividend's sign.
  div a0, s4, s5
  CHECK(a0, -2)
  rem a0, s4, s5
  CHECK(a0, -1)
  divu a0, s4, s5
  CHECK(a0, 0x5555555555555553)
  remu a0, s4, s5
  CHECK(a0, 0)
  neg t0, s5
  div a0, s5, t0
  CHECK(a0, -1)
  rem a0, s0, s1
  CHECK_REG(a0, s0)

  // W forms.
  li t0, 0x80000000
  mulw a0, t0, s2
  CHECK(a0, 0xffffffff80000000)
  mulw a0, s3, s3
  SIG mulw, a0
  CHECK(a0, 0xffffffff90f2a521)
  li t1, 0xffffffff80000000
  divw a0, t1, s2
  CHECK(a0, 0xffffffff80000000)
  remw a0, t1, s2
  CHECK(a0, 0)
  divw a0, s3, zero
  CHECK(a0, -1)
  divuw a0, s3, zero
  CHECK(a0, -1)
  remw a0, s3, zero
  CHECK(a0, 0xffffffff89abcdef)
  remuw a0, s3, zero
  CHECK(a0, 0xffffffff89abcdef)
  // Upper halves are ignored: 0x1_00000007 / 0x1_00000002 is 7 / 2.
  li t0, 0x100000007
  li t1, 0x100000002
  divw a0, t0, t1
  CHECK(a0, 3)
  remw a0, t0, t1
  CHECK(a0, 1)
  divuw a0, s4, s5
  CHECK(a0, 0x55555553)
  remuw a0, s4, s5
  CHECK(a0, 0)
  divw a0, s4, s5
  CHECK(a0, -2)
  remw a0, s4, s5
  CHECK(a0, -1)
  SIG remw, a0
  li t0, 0xfffffff0
  divuw a0, t0, s5
  CHECK(a0, 0x55555550)

  ld ra, 0(sp)
  addi sp, sp, 16
  ret
