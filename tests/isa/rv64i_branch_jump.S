// Conditional branches (taken and not taken, signed vs unsigned), jal/jalr link values, jalr bit 0.
#include "common.h"
TEST_PROLOGUE rv64i_branch_jump

// Record in s11 one bit per branch outcome: shift left, or in 1 if taken.
.macro BR op, a, b
  slli s11, s11, 1
  \op \a, \b, 1f
  j 2f
1: ori s11, s11, 1
2:
.endm

test_main:
  addi sp, sp, -16
  sd ra, 0(sp)
  li s0, -1
  li s1, 1
  li s2, 0x8000000000000000
  li s3, 0x7fffffffffffffff
  li s11, 0

  BR beq, s0, s0
  BR beq, s0, s1
  BR bne, s0, s1
  BR bne, s1, s1
  BR blt, s0, s1
  BR blt, s1, s0
  BR blt, s2, s3
  BR blt, s1, s1
  BR bge, s1, s1
  BR bge, s0, s1
  BR bge, s3, s2
  BR bltu, s1, s0
  BR bltu, s0, s1
  BR bltu, s3, s2
  BR bgeu, s0, s1
  BR bgeu, s1, s0
  BR bgeu, s2, s3
  BR bgeu, zero, zero
  BR beq, zero, x0
  SIG branch_bits, s11
  CHECK(s11, 0b1010101010110110111)

  // Backward branch loop.
  li t0, 10
  li a0, 0
3: add a0, a0, t0
  addi t0, t0, -1
  bnez t0, 3b
  CHECK(a0, 55)

  // jal links pc + 4.
  jal t1, 4f
5: j fail_here
4: la t2, 5b
  CHECK_REG(t1, t2)
  // jal x0 is a plain jump.
  jal x0, 6f
  j fail_here
6:
  // jalr: target = (rs1 + imm) & ~1, link pc + 4; rs1 == rd reads before writing.
  la t0, 7f
  addi t0, t0, -3
  jalr t1, 4(t0)
8: j fail_here
7: la t2, 8b
  CHECK_REG(t1, t2)
  la t1, 9f
  jalr t1, 0(t1)
10: j fail_here
9: la t2, 10b
  CHECK_REG(t1, t2)
  // Far jumps in both directions across 1 MiB-ish distance via padding.
  jal ra, far_function
  CHECK(a0, 0x5a)
  SIG far_call, a0

  ld ra, 0(sp)
  addi sp, sp, 16
  ret

fail_here:
  li a0, 0xbad
  li a1, 0
  j test_fail_value

  .section .text.far, "ax"
  .space 0x40000
far_function:
  li a0, 0x5a
  ret
