// The A extension: LR/SC success and failure, every AMO (both widths), min/max signedness,
// .w sign extension, and misaligned atomics.
#include "common.h"
TEST_PROLOGUE atomics

// Run one AMO on a fresh memory word: prints the old value (rd) and the new memory value.
.macro AMO op, init, operand, old, new, width=d
  la s0, word
  li t0, \init
  sd t0, 0(s0)
  li t1, \operand
  \op\().\width a0, t1, (s0)
  SIG \op\().\width\().old, a0
  CHECK(a0, \old)
  ld a1, 0(s0)
  SIG \op\().\width\().mem, a1
  CHECK(a1, \new)
.endm

// After a trap armed with EXPECT_TRAP_SKIP: assert it was a misaligned-address trap with
// tval = s2, and print 1 for "load/AMO misaligned cause" plus the tval.
.macro MISALIGNED_SIG name
  TRAP_CAUSE a0
  li a1, 4
  beq a0, a1, 1f
  CHECK(a0, 6)
1: li a0, 1
  SIG \name\().misaligned, a0
  TRAP_TVAL a0
  CHECK_REG(a0, s2)
  SIG \name\().tval, a0
.endm

test_main:
  addi sp, sp, -16
  sd ra, 0(sp)
  la s0, word

  // LR/SC success: sc writes 0 to rd and stores.
  li t0, 0x1111
  sd t0, 0(s0)
  lr.d a0, (s0)
  CHECK(a0, 0x1111)
  li t1, 0x2222
  sc.d a1, t1, (s0)
  CHECK(a1, 0)
  ld a2, 0(s0)
  CHECK(a2, 0x2222)
  // A second SC without a new LR fails (non-zero rd) and does not store.
  li t1, 0x3333
  sc.d a1, t1, (s0)
  SIG sc_without_lr, a1
  beqz a1, fail_atomics
  ld a2, 0(s0)
  CHECK(a2, 0x2222)
  // LR.W sign-extends; SC.W stores 32 bits.
  li t0, 0xffffffff80000000
  sd t0, 0(s0)
  lr.w a0, (s0)
  CHECK(a0, 0xffffffff80000000)
  li t1, 0x12345678abcdef01
  sc.w a1, t1, (s0)
  CHECK(a1, 0)
  ld a2, 0(s0)
  CHECK(a2, 0xffffffffabcdef01)
  // LR then SC to a different address fails.
  lr.d a0, (s0)
  la s1, word2
  sc.d a1, t1, (s1)
  SIG sc_other_address, a1
  beqz a1, fail_atomics
  // sc.d into x0 is fine; check the store happened/not with a fresh reservation.
  lr.d a0, (s0)
  li t1, 0x77
  sc.d x0, t1, (s0)
  ld a2, 0(s0)
  CHECK(a2, 0x77)

  AMO amoswap, 0x1122334455667788, 0x0f0f, 0x1122334455667788, 0x0f0f
  AMO amoadd, 0x7fffffffffffffff, 1, 0x7fffffffffffffff, 0x8000000000000000
  AMO amoand, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0x0f000f000f000f00
  AMO amoor, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xfff0fff0fff0fff0
  AMO amoxor, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xf0f0f0f0f0f0f0f0
  AMO amomin, -5, 3, -5, -5
  AMO amomax, -5, 3, -5, 3
  AMO amominu, -5, 3, -5, 3
  AMO amomaxu, -5, 3, -5, -5
  // .w forms: operate on the low word, sign-extend the old value, leave the high word alone.
  AMO amoswap, 0xaaaaaaaa80000000, 0x12345678, 0xffffffff80000000, 0xaaaaaaaa12345678, w
  AMO amoadd, 0xaaaaaaaa7fffffff, 1, 0x7fffffff, 0xaaaaaaaa80000000, w
  AMO amoadd, 0x00000000ffffffff, 1, -1, 0, w
  AMO amoand, 0x55555555f0f0f0f0, 0xffffffff0ff00ff0, 0xfffffffff0f0f0f0, 0x5555555500f000f0, w
  AMO amoor, 0x5555555500000001, 0x80000000, 1, 0x5555555580000001, w
  AMO amoxor, 0x55555555ffffffff, 0x0000ffff, -1, 0x55555555ffff0000, w
  // Signedness at 32 bits: 0x80000000 is the most negative word.
  AMO amomin, 0x0000000080000000, 1, 0xffffffff80000000, 0x80000000, w
  AMO amomax, 0x0000000080000000, 1, 0xffffffff80000000, 0x00000001, w
  AMO amominu, 0x0000000080000000, 1, 0xffffffff80000000, 0x00000001, w
  AMO amomaxu, 0x0000000080000000, 1, 0xffffffff80000000, 0x80000000, w
  // Operand's upper half is ignored by .w min/max.
  AMO amomin, 0x0000000000000005, 0x7fffffff00000003, 5, 3, w
  AMO amomaxu, 0x00000000fffffffe, 0x00000001ffffffff, -2, 0xffffffff, w

  // rd = x0 still performs the AMO.
  la s0, word
  sd zero, 0(s0)
  li t0, 9
  amoadd.d x0, t0, (s0)
  ld a0, 0(s0)
  CHECK(a0, 9)
  // rd == rs2: rd gets the old value, memory gets the original rs2.
  li a0, 4
  amoswap.d a0, a0, (s0)
  CHECK(a0, 9)
  ld a1, 0(s0)
  CHECK(a1, 4)

  // Misaligned atomics must trap. QEMU 7.2 reports a misaligned AMO with cause 4 (load
  // misaligned) where the spec says 6 (store/AMO misaligned), so the signature records only
  // "misaligned, cause 4 or 6" and the address; the spec's cause is asserted for neither.
  // (SC without a reservation may fail without touching memory, so it is not tested.)
  la s0, word
  addi s2, s0, 4
  EXPECT_TRAP_SKIP
  amoadd.d a0, t0, (s2)
  MISALIGNED_SIG amoadd_d
  addi s2, s0, 2
  EXPECT_TRAP_SKIP
  lr.w a0, (s2)
  CHECK_TRAP_CAUSE(4)
  SIG_TRAP lr_w_misaligned
  EXPECT_TRAP_SKIP
  amoswap.w a0, t0, (s2)
  MISALIGNED_SIG amoswap_w
  addi s2, s0, 1
  EXPECT_TRAP_SKIP
  amomaxu.w a0, t0, (s2)
  MISALIGNED_SIG amomaxu_w
  ld a0, 0(s0)
  SIG word_after_misaligned, a0

  ld ra, 0(sp)
  addi sp, sp, 16
  ret

fail_atomics:
  li a0, 0xbad
  li a1, 0
  j test_fail_value

  .data
  .balign 16
word: .dword 0
word2: .dword 0
