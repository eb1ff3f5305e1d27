// mstatus trap-virtualization bits (TSR, TVM, TW) and the mcounteren/scounteren gates on
// cycle, time and instret for S and U.
#include "common.h"
TEST_PROLOGUE priv_tsr_tvm_tw_counteren

// Run `label` in `mode`, expect an illegal instruction whose mtval is the instruction at
// `label` (the first instruction of the snippet), and print it.
.macro EXPECT_ILLEGAL_AT mode, label, name
  RUN_AS \mode, \label
  CHECK_TRAP_CAUSE(2)
  TRAP_EPC a0
  la a1, \label
  CHECK_REG(a0, a1)
  SIG_TRAP \name
.endm

// Run `label` in `mode` and expect it to reach its closing ebreak (cause 3) without trapping.
.macro EXPECT_OK mode, label
  RUN_AS \mode, \label
  CHECK_TRAP_CAUSE(3)
.endm

test_main:
  addi sp, sp, -16
  sd ra, 0(sp)
  csrw satp, zero

  // Without TSR/TVM, S may use sret, satp and sfence.vma.
  EXPECT_OK PRV_S, s_satp
  EXPECT_OK PRV_S, s_sfence
  EXPECT_OK PRV_S, s_sret_ok
  // TVM: satp and sfence.vma trap in S.
  li t0, MSTATUS_TVM
  csrs mstatus, t0
  EXPECT_ILLEGAL_AT PRV_S, s_satp, tvm_satp
  EXPECT_ILLEGAL_AT PRV_S, s_sfence, tvm_sfence
  // ... but not in M.
  csrr a0, satp
  sfence.vma
  li t0, MSTATUS_TVM
  csrc mstatus, t0
  // TSR: sret traps in S.
  li t0, MSTATUS_TSR
  csrs mstatus, t0
  EXPECT_ILLEGAL_AT PRV_S, s_sret, tsr_sret
  li t0, MSTATUS_TSR
  csrc mstatus, t0
  // TW: wfi traps in S (immediately, no interrupt needed).
  li t0, MSTATUS_TW
  csrs mstatus, t0
  EXPECT_ILLEGAL_AT PRV_S, s_wfi, tw_wfi_s
  li t0, MSTATUS_TW
  csrc mstatus, t0
  // wfi in U with TW = 0: the spec allows trapping or completing; QEMU traps. Recorded.
  EXPECT_ILLEGAL_AT PRV_U, u_wfi, wfi_u

  // Counters: mcounteren gates S (and U), scounteren gates U.
  csrw mcounteren, zero
  csrw scounteren, zero
  EXPECT_ILLEGAL_AT PRV_S, s_rdcycle, s_cycle_off
  EXPECT_ILLEGAL_AT PRV_S, s_rdtime, s_time_off
  EXPECT_ILLEGAL_AT PRV_S, s_rdinstret, s_instret_off
  EXPECT_ILLEGAL_AT PRV_U, u_rdcycle, u_cycle_off
  li t0, 7
  csrw mcounteren, t0
  csrr a0, mcounteren
  andi a0, a0, 7
  CHECK(a0, 7)
  EXPECT_OK PRV_S, s_rdcycle
  EXPECT_OK PRV_S, s_rdtime
  EXPECT_OK PRV_S, s_rdinstret
  // U still needs scounteren.
  EXPECT_ILLEGAL_AT PRV_U, u_rdcycle, u_cycle_s_off
  EXPECT_ILLEGAL_AT PRV_U, u_rdtime, u_time_s_off
  li t0, 5
  csrw scounteren, t0
  EXPECT_OK PRV_U, u_rdcycle
  EXPECT_OK PRV_U, u_rdinstret
  EXPECT_ILLEGAL_AT PRV_U, u_rdtime, u_time_only_tm_off
  // mcounteren off again: U is gated by both.
  csrw mcounteren, zero
  li t0, 7
  csrw scounteren, t0
  EXPECT_ILLEGAL_AT PRV_U, u_rdinstret, u_instret_m_off
  csrw scounteren, zero

  ld ra, 0(sp)
  addi sp, sp, 16
  ret

s_satp:
  csrr a0, satp
  ebreak
s_sfence:
  sfence.vma
  ebreak
s_sret_ok:
  li t0, MSTATUS_SPP
  csrs sstatus, t0
  la t0, s_sret_landing
  csrw sepc, t0
s_sret:
  sret
s_sret_landing:
  ebreak
s_wfi:
  wfi
  ebreak
u_wfi:
  wfi
  ebreak
s_rdcycle:
  rdcycle a0
  ebreak
s_rdtime:
  rdtime a0
  ebreak
s_rdinstret:
  rdinstret a0
  ebreak
u_rdcycle:
  rdcycle a0
  ebreak
u_rdtime:
  rdtime a0
  ebreak
u_rdinstret:
  rdinstret a0
  ebreak
