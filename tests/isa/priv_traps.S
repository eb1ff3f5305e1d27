// Privilege transitions: mret to S and U, ecall from each mode with its cause, xRET state
// updates, illegal instructions with mtval = the instruction, and medeleg delegation to S.
#include "common.h"
TEST_PROLOGUE priv_traps

// The privilege mode a trap came from, as MPP of the mstatus saved at the last M trap.
.macro TRAP_MPP reg
  la \reg, trap_info
  ld \reg, TI_STATUS(\reg)
  srli \reg, \reg, 11
  andi \reg, \reg, 3
.endm

test_main:
  addi sp, sp, -16
  sd ra, 0(sp)
  SETUP_S_TRAP

  // ecall from M, S and U: causes 11, 9, 8, and MPP says where the trap came from.
  EXPECT_TRAP_SKIP
  ecall
  CHECK_TRAP_CAUSE(11)
  TRAP_MPP a0
  CHECK(a0, PRV_M)
  RUN_AS PRV_S, s_ecall
  CHECK_TRAP_CAUSE(9)
  TRAP_MPP a0
  CHECK(a0, PRV_S)
  TRAP_EPC a0
  la a1, s_ecall
  CHECK_REG(a0, a1)
  TRAP_TVAL a0
  CHECK(a0, 0)
  RUN_AS PRV_U, u_ecall
  CHECK_TRAP_CAUSE(8)
  TRAP_MPP a0
  CHECK(a0, PRV_U)
  SIG_TRAP u_ecall

  // mret: MIE <- MPIE, MPIE <- 1, MPP <- U. Check through the mstatus saved at the next trap.
  li t0, MSTATUS_MIE
  csrc mstatus, t0
  li t0, MSTATUS_MPIE
  csrc mstatus, t0
  RUN_AS PRV_S, s_ecall
  la a0, trap_info
  ld a0, TI_STATUS(a0)
  // After the ecall, MPIE = the MIE that mret restored (0), MIE = 0.
  andi a1, a0, MSTATUS_MIE | MSTATUS_MPIE
  CHECK(a1, 0)
  // The handler came back to us with an mret from MPP = M; that mret left MPP = U.
  csrr a0, mstatus
  srli a0, a0, 11
  andi a0, a0, 3
  CHECK(a0, PRV_U)
  // mret to M with MPIE = 1: MIE becomes 1, MPIE stays 1.
  li t0, MSTATUS_MPIE | MSTATUS_MPP
  csrs mstatus, t0
  la t0, m_after_mret
  csrw mepc, t0
  mret
m_after_mret:
  csrr a0, mstatus
  andi a1, a0, MSTATUS_MIE | MSTATUS_MPIE
  SIG mstatus_after_mret_mie_mpie, a1
  CHECK(a1, MSTATUS_MIE | MSTATUS_MPIE)
  srli a0, a0, 11
  andi a0, a0, 3
  CHECK(a0, PRV_U)
  li t0, MSTATUS_MIE
  csrc mstatus, t0

  // Privileged instructions and CSRs from lower modes.
  RUN_AS PRV_S, s_read_mstatus
  CHECK_TRAP_CAUSE(2)
  SIG_TRAP s_csrr_mstatus
  RUN_AS PRV_U, u_read_sstatus
  CHECK_TRAP_CAUSE(2)
  SIG_TRAP u_csrr_sstatus
  RUN_AS PRV_S, s_mret
  CHECK_TRAP_CAUSE(2)
  SIG_TRAP s_mret
  RUN_AS PRV_U, u_sret
  CHECK_TRAP_CAUSE(2)
  SIG_TRAP u_sret
  // A garbage 32-bit word and an unimplemented opcode.
  RUN_AS PRV_U, u_garbage
  CHECK_TRAP_CAUSE(2)
  SIG_TRAP u_garbage
  EXPECT_TRAP_SKIP
  .word 0xffffffff
  CHECK_TRAP_CAUSE(2)
  SIG_TRAP m_all_ones

  // sret from S to U: SPP selects U, sepc the target; ecall comes back from U.
  RUN_AS PRV_S, s_sret_to_u
  CHECK_TRAP_CAUSE(8)
  TRAP_EPC a0
  la a1, u_ecall
  CHECK_REG(a0, a1)

  // Delegation: ecall from U and illegal instruction go to S when medeleg says so.
  li t0, (1 << 8) | (1 << 2) | (1 << 9)
  csrw medeleg, t0
  la gp, strap_info
  la t0, s_after_u_ecall
  sd t0, TI_RESUME(gp)
  RUN_AS PRV_U, u_ecall
  // s_after_u_ecall ran in S and came back to M with an ebreak (cause 3 is not delegated).
  SIG_TRAP back_from_s
  CHECK_TRAP_CAUSE(3)
  TRAP_MPP a0
  CHECK(a0, PRV_S)
  SIG_STRAP delegated_u_ecall
  CHECK_STRAP_CAUSE(8)
  la gp, strap_info
  ld a0, TI_STATUS(gp)
  andi a0, a0, MSTATUS_SPP
  CHECK(a0, 0)
  // Illegal instruction in U, delegated: stval holds the instruction too.
  la gp, strap_info
  la t0, s_after_u_ecall
  sd t0, TI_RESUME(gp)
  RUN_AS PRV_U, u_garbage
  SIG_STRAP delegated_u_illegal
  CHECK_STRAP_CAUSE(2)
  // ecall from S, delegated, goes to S itself (SPP = S).
  la gp, strap_info
  la t0, s_after_u_ecall
  sd t0, TI_RESUME(gp)
  RUN_AS PRV_S, s_ecall
  SIG_STRAP delegated_s_ecall
  CHECK_STRAP_CAUSE(9)
  la gp, strap_info
  ld a0, TI_STATUS(gp)
  andi a0, a0, MSTATUS_SPP
  CHECK(a0, MSTATUS_SPP)
  // Exceptions in M-mode are never delegated.
  EXPECT_TRAP_SKIP
  .word 0xffffffff
  CHECK_TRAP_CAUSE(2)
  csrw medeleg, zero

  ld ra, 0(sp)
  addi sp, sp, 16
  ret

fail_priv:
  li a0, 0xbad
  li a1, 0
  j test_fail_value

s_ecall:
  ecall
u_ecall:
  ecall
s_read_mstatus:
  csrr a0, mstatus
u_read_sstatus:
  csrr a0, sstatus
s_mret:
  mret
u_sret:
  sret
u_garbage:
  .word 0x0000707f
s_sret_to_u:
  li t0, MSTATUS_SPP
  csrc sstatus, t0
  la t0, u_ecall
  csrw sepc, t0
  sret
  // Runs in S after a delegated trap; returns to M through a non-delegated trap.
s_after_u_ecall:
  ebreak
