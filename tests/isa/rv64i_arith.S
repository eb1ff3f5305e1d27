// RV64I register and immediate arithmetic, shifts, compares and the W forms, with edge cases.
#include "common.h"
TEST_PROLOGUE rv64i_arith

test_main:
  addi sp, sp, -16
  sd ra, 0(sp)
  li s0, 0x7fffffffffffffff
  li s1, 0x8000000000000000
  li s2, -1
  li s3, 0x0123456789abcdef

  add a0, s0, s2
  CHECK(a0, 0x7ffffffffffffffe)
  add a0, s0, s0
  SIG add_overflow, a0
  CHECK(a0, -2)
  sub a0, s1, s2
  CHECK(a0, 0x8000000000000001)
  sub a0, zero, s1
  CHECK(a0, 0x8000000000000000)
  addi a0, s2, -2048
  CHECK(a0, -2049)
  addi a0, zero, 2047
  CHECK(a0, 2047)
  addi x0, s3, 1
  CHECK(x0, 0)

  and a0, s3, s2
  CHECK(a0, 0x0123456789abcdef)
  or a0, s3, s1
  CHECK(a0, 0x8123456789abcdef)
  xor a0, s3, s2
  CHECK(a0, 0xfedcba9876543210)
  andi a0, s3, -16
  CHECK(a0, 0x0123456789abcde0)
  ori a0, s3, 0x7f0
  CHECK(a0, 0x0123456789abcfff)
  xori a0, s3, -1
  CHECK(a0, 0xfedcba9876543210)
  SIG xori_not, a0

  // Shifts: register forms use only the low 6 bits of rs2.
  li t0, 65
  sll a0, s3, t0
  CHECK(a0, 0x02468acf13579bde)
  srl a0, s1, t0
  CHECK(a0, 0x4000000000000000)
  sra a0, s1, t0
  CHECK(a0, 0xc000000000000000)
  li t0, 63
  sra a0, s1, t0
  CHECK(a0, -1)
  srl a0, s1, t0
  CHECK(a0, 1)
  slli a0, s3, 63
  CHECK(a0, 0x8000000000000000)
  srli a0, s3, 4
  CHECK(a0, 0x00123456789abcde)
  srai a0, s2, 63
  CHECK(a0, -1)
  srai a0, s1, 32
  CHECK(a0, 0xffffffff80000000)
  SIG srai32, a0

  // Compares.
  slt a0, s1, s0
  CHECK(a0, 1)
  sltu a0, s1, s0
  CHECK(a0, 0)
  slti a0, s2, 0
  CHECK(a0, 1)
  sltiu a0, s2, -1
  CHECK(a0, 0)
  sltiu a0, zero, 1
  CHECK(a0, 1)
  sltiu a0, s3, -2048
  CHECK(a0, 1)
  slt a0, s0, s0
  CHECK(a0, 0)

  // W forms: 32-bit result, sign-extended; upper input bits ignored.
  addw a0, s0, s0
  CHECK(a0, -2)
  li t0, 0x7fffffff
  addiw a0, t0, 1
  CHECK(a0, 0xffffffff80000000)
  SIG addiw_overflow, a0
  addiw a0, s3, 0
  CHECK(a0, 0xffffffff89abcdef)
  subw a0, zero, s1
  CHECK(a0, 0)
  li t0, 0x80000000
  subw a0, zero, t0
  CHECK(a0, 0xffffffff80000000)
  li t0, 33
  sllw a0, s3, t0
  CHECK(a0, 0x13579bde)
  li t0, 31
  sllw a0, s3, t0
  CHECK(a0, 0xffffffff80000000)
  srlw a0, s2, t0
  CHECK(a0, 1)
  li t0, 32
  srlw a0, s3, t0
  CHECK(a0, 0xffffffff89abcdef)
  sraw a0, s3, t0
  CHECK(a0, 0xffffffff89abcdef)
  li t0, 4
  srlw a0, s3, t0
  CHECK(a0, 0x089abcde)
  sraw a0, s3, t0
  CHECK(a0, 0xfffffffff89abcde)
  slliw a0, s3, 4
  CHECK(a0, 0xffffffff9abcdef0)
  srliw a0, s3, 0
  CHECK(a0, 0xffffffff89abcdef)
  sraiw a0, s3, 31
  CHECK(a0, -1)
  srliw a0, s3, 31
  CHECK(a0, 1)
  SIG srliw31, a0

  // x0 is hard-wired zero.
  li x0, 5
  add x0, s3, s3
  CHECK(x0, 0)
  SIG x0, x0

  // lui/auipc.
  lui a0, 0x80000
  CHECK(a0, 0xffffffff80000000)
  lui a0, 0x7ffff
  CHECK(a0, 0x7ffff000)
  SIG lui, a0
1: auipc a0, 0
  la t0, 1b
  CHECK_REG(a0, t0)
2: auipc a0, 0xfffff
  la t0, 2b
  sub a0, t0, a0
  CHECK(a0, 0x1000)
  SIG auipc_neg, a0

  ld ra, 0(sp)
  addi sp, sp, 16
  ret
