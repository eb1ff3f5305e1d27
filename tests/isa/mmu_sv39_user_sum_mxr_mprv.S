// Sv39 privilege checks: the U bit from U- and S-mode with and without SUM, MXR making
// execute-only pages readable, and MPRV translating M-mode loads and stores as MPP.
#include "common.h"
TEST_PROLOGUE mmu_sv39_user_sum_mxr_mprv

#define FULL (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define RW   (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

#define VA_KDATA   0x40000000
#define VA_UDATA   0x40001000
#define VA_UCODE   0x40002000
#define VA_KXO     0x40003000
#define VA_UXO     0x40004000

.macro EXPECT_FAULT cause, tval, name
  CHECK_TRAP_CAUSE(\cause)
  TRAP_TVAL a0
  CHECK(a0, \tval)
  SIG_TRAP \name
.endm

test_main:
  addi sp, sp, -16
  sd ra, 0(sp)

  la t0, kdata
  li t1, 0x6b6b6b6b6b6b6b6b
  sd t1, 0(t0)
  la t0, udata
  li t1, 0x7575757575757575
  sd t1, 0(t0)
  // User code: copy the template into its own page.
  la t0, ucode
  la t1, ucode_template
  la t2, ucode_template_end
1: lw t3, 0(t1)
  sw t3, 0(t0)
  addi t0, t0, 4
  addi t1, t1, 4
  bltu t1, t2, 1b
  fence.i

  li t3, 0
  SET_PTE root, 0, t3, RW
  SET_PTE_TABLE root, 1, l1
  li t3, 0x80000000
  SET_PTE root, 2, t3, FULL
  SET_PTE_TABLE l1, 0, l0
  la t3, kdata
  SET_PTE l0, 0, t3, RW
  la t3, udata
  SET_PTE l0, 1, t3, (RW | PTE_U)
  la t3, ucode
  SET_PTE l0, 2, t3, (PTE_V | PTE_R | PTE_X | PTE_U | PTE_A)
  la t3, kdata
  SET_PTE l0, 3, t3, (PTE_V | PTE_X | PTE_A)
  la t3, udata
  SET_PTE l0, 4, t3, (PTE_V | PTE_X | PTE_U | PTE_A)
  SET_SATP SATP_SV39, root

  // U-mode: its own pages work, a supervisor page faults.
  li s4, VA_UDATA
  RUN_AS PRV_U, VA_UCODE_LOAD
  CHECK_TRAP_CAUSE(8)
  CHECK(s5, 0x7575757575757575)
  li s4, VA_KDATA
  RUN_AS PRV_U, VA_UCODE_LOAD
  EXPECT_FAULT 13, VA_KDATA, u_load_kernel_page
  RUN_AS PRV_U, VA_UCODE_STORE
  EXPECT_FAULT 15, VA_KDATA, u_store_kernel_page
  // U-mode cannot execute a supervisor page (the image's identity giga page).
  la s4, s_load_s4
  RUN_AS PRV_U, VA_UCODE_JUMP
  CHECK_TRAP_CAUSE(12)
  TRAP_TVAL a0
  CHECK_REG(a0, s4)
  // S-mode touching a U page: faults with SUM = 0, works with SUM = 1.
  li t0, MSTATUS_SUM
  csrc mstatus, t0
  li s4, VA_UDATA
  RUN_AS PRV_S, s_load_s4
  EXPECT_FAULT 13, VA_UDATA, s_load_user_nosum
  RUN_AS PRV_S, s_store_s4
  EXPECT_FAULT 15, VA_UDATA + 8, s_store_user_nosum
  li t0, MSTATUS_SUM
  csrs mstatus, t0
  li s5, 0
  RUN_AS PRV_S, s_load_s4
  CHECK_TRAP_CAUSE(3)
  CHECK(s5, 0x7575757575757575)
  RUN_AS PRV_S, s_store_s4
  CHECK_TRAP_CAUSE(3)
  // SUM never allows S to execute U pages.
  li s4, VA_UCODE
  RUN_AS PRV_S, s_jump_s4
  EXPECT_FAULT 12, VA_UCODE, s_fetch_user_sum
  li t0, MSTATUS_SUM
  csrc mstatus, t0

  // MXR: execute-only pages become readable (S and U), not writable.
  li s4, VA_KXO
  RUN_AS PRV_S, s_load_s4
  EXPECT_FAULT 13, VA_KXO, s_load_xo_nomxr
  li t0, MSTATUS_MXR
  csrs mstatus, t0
  li s5, 0
  RUN_AS PRV_S, s_load_s4
  CHECK_TRAP_CAUSE(3)
  CHECK(s5, 0x6b6b6b6b6b6b6b6b)
  RUN_AS PRV_S, s_store_s4
  EXPECT_FAULT 15, VA_KXO + 8, s_store_xo_mxr
  li s4, VA_UXO
  li s5, 0
  RUN_AS PRV_U, VA_UCODE_LOAD
  CHECK_TRAP_CAUSE(8)
  CHECK(s5, 0x7575757575757575)
  SIG u_load_xo_mxr, s5
  li t0, MSTATUS_MXR
  csrc mstatus, t0
  RUN_AS PRV_U, VA_UCODE_LOAD
  EXPECT_FAULT 13, VA_UXO, u_load_xo_nomxr

  // MPRV: M-mode data accesses translate as MPP; fetches do not.
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, (PRV_S << 11) | MSTATUS_MPRV
  csrs mstatus, t0
  li t1, VA_KDATA
  ld a0, 0(t1)
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  CHECK(a0, 0x6b6b6b6b6b6b6b6b)
  SIG mprv_s_load, a0
  // MPP = U: the supervisor page faults, in M-mode, with mtval = VA.
  // (Armed before MPRV is set: the arming store must not be translated.)
  EXPECT_TRAP 2f
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  li t1, VA_KDATA
  ld a0, 0(t1)
  j fail_mmu
2: li t0, MSTATUS_MPRV
  csrc mstatus, t0
  EXPECT_FAULT 13, VA_KDATA, mprv_u_load_kernel
  la a0, trap_info
  ld a0, TI_STATUS(a0)
  srli a0, a0, 11
  andi a0, a0, 3
  CHECK(a0, PRV_M)
  // MPP = U, user page, store through MPRV.
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  li t1, VA_UDATA
  li t2, 0x1234
  sd t2, 8(t1)
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  la t0, udata
  ld a0, 8(t0)
  CHECK(a0, 0x1234)
  // MPP = M: MPRV changes nothing (physical).
  li t0, MSTATUS_MPP | MSTATUS_MPRV
  csrs mstatus, t0
  la t1, kdata
  ld a0, 0(t1)
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  CHECK(a0, 0x6b6b6b6b6b6b6b6b)
  // MPRV + MXR with MPP = S: execute-only readable through MPRV.
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, (PRV_S << 11) | MSTATUS_MPRV | MSTATUS_MXR
  csrs mstatus, t0
  li t1, VA_KXO
  ld a0, 0(t1)
  li t0, MSTATUS_MPRV | MSTATUS_MXR
  csrc mstatus, t0
  CHECK(a0, 0x6b6b6b6b6b6b6b6b)

  csrw satp, zero
  sfence.vma
  ld ra, 0(sp)
  addi sp, sp, 16
  ret

fail_mmu:
  li a0, 0xbad
  li a1, 0
  j test_fail_value

s_load_s4:
  ld s5, 0(s4)
  ebreak
s_store_s4:
  sd zero, 8(s4)
  ebreak
s_jump_s4:
  jalr s4
  ebreak

  // Position-independent user code, copied to the U page at VA_UCODE.
  .balign 4
ucode_template:
  ld s5, 0(s4)
  ecall
  sd zero, 0(s4)
  ecall
  jalr s4
  ecall
ucode_template_end:
VA_UCODE_LOAD = VA_UCODE
VA_UCODE_STORE = VA_UCODE + 8
VA_UCODE_JUMP = VA_UCODE + 16

  .bss
  .balign 4096
root: .space 4096
l1: .space 4096
l0: .space 4096
kdata: .space 4096
udata: .space 4096
ucode: .space 4096
