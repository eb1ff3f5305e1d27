// Misaligned loads and stores of every width and offset (QEMU 7.2 performs them in hardware,
// and so must xenith-vm to agree), page-crossing accesses under Sv39, and 32-bit instructions
// at 2-byte alignment, including one straddling into an unmapped page.
#include "common.h"
TEST_PROLOGUE misaligned

#define RW   (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define FULL (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

// Fill buf with bytes 0x10, 0x11, ... (32 bytes).
.macro FILL_BUF
  la t0, buf
  li t1, 0x1716151413121110
  li t2, 0x0808080808080808
  sd t1, 0(t0)
  add t1, t1, t2
  sd t1, 8(t0)
  add t1, t1, t2
  sd t1, 16(t0)
  add t1, t1, t2
  sd t1, 24(t0)
.endm

// Misaligned load: a trap (if the implementation traps) is stepped over and the count shows.
.macro MLOAD op, off
  la s0, buf
  li a0, 0
  EXPECT_TRAP_SKIP
  \op a0, \off(s0)
  la gp, trap_info
  sd zero, TI_RESUME(gp)
  SIG \op\().\off, a0
.endm

.macro MSTORE op, off
  FILL_BUF
  la s0, buf
  li a0, 0xa1a2a3a4a5a6a7a8
  EXPECT_TRAP_SKIP
  \op a0, \off(s0)
  la gp, trap_info
  sd zero, TI_RESUME(gp)
  ld a1, 0(s0)
  SIG \op\().\off\().lo, a1
  ld a1, 8(s0)
  SIG \op\().\off\().hi, a1
.endm

test_main:
  addi sp, sp, -16
  sd ra, 0(sp)
  FILL_BUF
  MLOAD lh, 1
  MLOAD lh, 7
  MLOAD lhu, 3
  MLOAD lw, 1
  MLOAD lw, 2
  MLOAD lw, 6
  MLOAD lwu, 5
  MLOAD ld, 1
  MLOAD ld, 4
  MLOAD ld, 7
  MSTORE sh, 1
  MSTORE sh, 7
  MSTORE sw, 3
  MSTORE sw, 6
  MSTORE sd, 1
  MSTORE sd, 5
  TRAP_COUNT a0
  SIG traps_so_far, a0

  // Physical page crossing.
  la s0, page_a
  li t0, 0x1122334455667788
  sd t0, -8(s0)
  li t0, 0x99aabbccddeeff00
  sd t0, 0(s0)
  EXPECT_TRAP_SKIP
  ld a0, -3(s0)
  la gp, trap_info
  sd zero, TI_RESUME(gp)
  SIG cross_page_ld, a0

  // A 32-bit instruction at a 2-byte-aligned address runs.
  li a0, 0
  jal t0, odd_code
  CHECK(a0, 0x123)

  // Under Sv39: VA 0x40000000 -> page_a - 4K (RW), 0x40001000 -> page_a (RW),
  // 0x40002000 invalid, 0x40003000 -> code page (RX), 0x40004000 invalid.
  li t3, 0
  SET_PTE root, 0, t3, RW
  SET_PTE_TABLE root, 1, l1
  li t3, 0x80000000
  SET_PTE root, 2, t3, FULL
  SET_PTE_TABLE l1, 0, l0
  la t3, page_a
  li t0, 4096
  sub t3, t3, t0
  SET_PTE l0, 0, t3, RW
  la t3, page_a
  SET_PTE l0, 1, t3, RW
  la t3, code_page
  SET_PTE l0, 3, t3, (PTE_V | PTE_R | PTE_X | PTE_A)
  // The code page ends with a 32-bit instruction whose upper half lies in the next
  // (unmapped) page: nop (2 bytes) ... then at 0xffe the low half of `li a0, 1`.
  la t0, code_page
  li t1, 4094
  add t0, t0, t1
  li t1, 0x0013
  sh t1, 0(t0)
  fence.i
  SET_SATP SATP_SV39, root

  // A load spanning two mapped pages works.
  li s4, 0x40000ffd
  RUN_AS PRV_S, s_load_s4
  CHECK_TRAP_CAUSE(3)
  SIG sv39_cross_ok, s5
  // A load/store whose second part is unmapped page-faults; the destination is unchanged.
  li s4, 0x40001ffd
  li s5, 0x55
  RUN_AS PRV_S, s_load_s4
  CHECK_TRAP_CAUSE(13)
  CHECK(s5, 0x55)
  RUN_AS PRV_S, s_store_s4
  CHECK_TRAP_CAUSE(15)
  // A fetch straddling into the invalid page: epc = the instruction, tval = the page.
  li s4, 0x40003ffe
  RUN_AS PRV_S, s_jump_s4
  CHECK_TRAP_CAUSE(12)
  TRAP_EPC a0
  CHECK(a0, 0x40003ffe)
  SIG_TRAP straddle_fetch
  csrw satp, zero
  sfence.vma

  ld ra, 0(sp)
  addi sp, sp, 16
  ret

  .balign 4
  .option push
  .option norvc
  nop
  .option rvc
  c.nop
odd_code:
  .option norvc
  addi a0, a0, 0x123
  jr t0
  .option pop

s_load_s4:
  ld s5, 0(s4)
  ebreak
s_store_s4:
  sd zero, 0(s4)
  ebreak
s_jump_s4:
  jalr s4
  ebreak

  .data
  .balign 16
buf: .space 32

  .bss
  .balign 4096
  .space 4096
page_a: .space 4096
root: .space 4096
l1: .space 4096
l0: .space 4096
code_page: .space 4096
