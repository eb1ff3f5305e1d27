// The C extension: every RV64C instruction class, stack-pointer forms, and illegal encodings.
#include "common.h"
TEST_PROLOGUE rvc

test_main:
  addi sp, sp, -16
  sd ra, 0(sp)
  .option push
  .option rvc
  mv s0, sp
  la s1, cbuf

  // Stack-pointer relative: c.addi16sp, c.addi4spn, c.swsp/c.lwsp, c.sdsp/c.ldsp.
  c.addi16sp sp, -64
  sub a0, s0, sp
  CHECK(a0, 64)
  c.addi4spn a0, sp, 1020
  sub a0, a0, sp
  CHECK(a0, 1020)
  li a1, 0x80000001
  li a2, 0x1122334455667788
  c.swsp a1, 60(sp)
  c.sdsp a2, 8(sp)
  c.lwsp a3, 60(sp)
  CHECK(a3, 0xffffffff80000001)
  SIG lwsp_sext, a3
  c.ldsp a4, 8(sp)
  CHECK_REG(a4, a2)
  c.addi16sp sp, 64
  CHECK_REG(sp, s0)
  c.addi16sp sp, -512
  c.addi16sp sp, 496
  c.addi16sp sp, 16
  CHECK_REG(sp, s0)

  // Register-based loads and stores (x8-x15 only).
  mv s1, s1
  c.sw a1, 4(s1)
  c.sd a2, 8(s1)
  c.lw a5, 4(s1)
  CHECK(a5, 0xffffffff80000001)
  c.ld a5, 8(s1)
  CHECK_REG(a5, a2)
  c.sd a2, 248(s1)
  c.ld a0, 248(s1)
  CHECK_REG(a0, a2)

  // Constants and immediates.
  c.li a0, -32
  CHECK(a0, -32)
  c.li a0, 31
  CHECK(a0, 31)
  c.lui a0, 0xfffe0
  CHECK(a0, 0xfffffffffffe0000)
  c.lui a0, 1
  CHECK(a0, 0x1000)
  c.addi a0, -1
  CHECK(a0, 0xfff)
  li a0, 0x7fffffff
  c.addiw a0, 1
  CHECK(a0, 0xffffffff80000000)
  SIG addiw, a0
  li a0, 0x123456789
  c.addiw a0, 0
  CHECK(a0, 0x23456789)
  li a0, -1
  c.slli a0, 63
  CHECK(a0, 0x8000000000000000)
  mv s1, a0
  c.srai s1, 63
  CHECK(s1, -1)
  li s1, 0x8000000000000000
  c.srli s1, 63
  CHECK(s1, 1)
  li s1, 0xf0f0
  c.andi s1, -16
  CHECK(s1, 0xf0f0)
  c.andi s1, 0x1f
  CHECK(s1, 0x10)

  // Register-register ALU forms.
  li s1, 0x00000000fffffff0
  li a5, 0x0000000000000020
  mv a0, s1
  c.add a0, a5
  CHECK(a0, 0x100000010)
  c.mv a1, a0
  CHECK(a1, 0x100000010)
  mv s0, s1
  c.sub s0, a5
  CHECK(s0, 0xffffffd0)
  mv s0, s1
  c.xor s0, a5
  CHECK(s0, 0xffffffd0)
  mv s0, s1
  c.or s0, a5
  CHECK(s0, 0xfffffff0)
  mv s0, s1
  c.and s0, a5
  CHECK(s0, 0x20)
  mv s0, s1
  c.addw s0, a5
  CHECK(s0, 0x10)
  mv s0, s1
  c.subw s0, a5
  CHECK(s0, 0xffffffffffffffd0)
  SIG subw, s0

  // Control flow: c.j, c.jr, c.jalr, c.beqz, c.bnez.
  li s0, 0
  c.beqz s0, 1f
  j rvc_fail
1: c.bnez s0, rvc_fail
  li s0, 5
  c.bnez s0, 2f
  j rvc_fail
2: c.j 3f
  j rvc_fail
3: la a0, 4f
  c.jr a0
  j rvc_fail
4: la a0, 5f
  c.jalr a0
6: j rvc_fail
5: la a1, 6b
  CHECK_REG(ra, a1)
  SIG jalr_target, a0
  // c.jalr links pc + 2: 6b is two bytes after the c.jalr.
  sub a1, a1, a0
  CHECK(a1, -2)

  // c.ebreak traps with cause 3; the test records what mtval holds.
  EXPECT_TRAP_SKIP
7: c.ebreak
  CHECK_TRAP_CAUSE(3)
  TRAP_EPC a0
  la a1, 7b
  CHECK_REG(a0, a1)
  SIG_TRAP ebreak

  // An all-zero halfword is illegal; so are c.addi16sp with 0 and c.lui with 0.
  EXPECT_TRAP_SKIP
  .half 0x0000
  CHECK_TRAP_CAUSE(2)
  SIG_TRAP zero_halfword
  EXPECT_TRAP_SKIP
  .half 0x6101
  CHECK_TRAP_CAUSE(2)
  SIG_TRAP addi16sp_zero
  EXPECT_TRAP_SKIP
  .half 0x6501
  CHECK_TRAP_CAUSE(2)
  SIG_TRAP lui_zero
  // A 16-bit instruction straddling nothing: a 32-bit instruction at a 2-byte boundary.
  c.nop
  li a0, 77
  CHECK(a0, 77)
  .option pop

  ld ra, 0(sp)
  addi sp, sp, 16
  ret

rvc_fail:
  li a0, 0xbad
  li a1, 0
  j test_fail_value

  .data
  .balign 8
cbuf: .space 256
