// Interrupts from the CLINT (msip, mtimecmp) and the software-writable mip bits: taken with
// the right cause and epc, gated by mie/mstatus.MIE, always on below M, wfi wake-up with
// interrupts globally off, and a supervisor software interrupt delegated to S.
#include "common.h"
TEST_PROLOGUE interrupts_clint

#define CAUSE_INT (1 << 63)

// mtimecmp <- mtime + delta
.macro TIMER_IN delta
  li t0, CLINT_MTIME
  ld t1, 0(t0)
  li t2, \delta
  add t1, t1, t2
  li t0, CLINT_MTIMECMP
  sd t1, 0(t0)
.endm

.macro TIMER_OFF
  li t0, CLINT_MTIMECMP
  li t1, -1
  sd t1, 0(t0)
.endm

test_main:
  addi sp, sp, -16
  sd ra, 0(sp)
  csrw mie, zero
  csrw mideleg, zero
  TIMER_OFF

  // msip: pending shows in mip.MSIP; nothing is taken while mie.MSIE = 0.
  li s0, CLINT_MSIP
  li t0, 1
  sw t0, 0(s0)
  lw a0, 0(s0)
  CHECK(a0, 1)
  csrr a0, mip
  andi a0, a0, 1 << 3
  CHECK(a0, 1 << 3)
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  nop
  TRAP_COUNT a0
  CHECK(a0, 0)
  csrc mstatus, t0
  // Enable it: taken at the instruction after the csrs that enabled it.
  li t0, 1 << 3
  csrs mie, t0
  EXPECT_TRAP 1f
  li t0, MSTATUS_MIE
  csrs mstatus, t0
2: j fail_int
1: CHECK_TRAP_CAUSE(CAUSE_INT | 3)
  TRAP_EPC a0
  la a1, 2b
  CHECK_REG(a0, a1)
  SIG_TRAP msip
  // Only bit 0 of msip is writable.
  li t0, 0xfffffffe
  sw t0, 0(s0)
  lw a0, 0(s0)
  SIG msip_write_even, a0
  CHECK(a0, 0)
  csrr a0, mip
  andi a0, a0, 1 << 3
  CHECK(a0, 0)

  // Below M, an enabled M interrupt is taken even with mstatus.MIE = 0.
  li t0, 1
  sw t0, 0(s0)
  li t0, MSTATUS_MIE
  csrc mstatus, t0
  RUN_AS PRV_S, s_spin
  CHECK_TRAP_CAUSE(CAUSE_INT | 3)
  TRAP_EPC a0
  la a1, s_spin
  CHECK_REG(a0, a1)
  la a0, trap_info
  ld a0, TI_STATUS(a0)
  srli a0, a0, 11
  andi a0, a0, 3
  CHECK(a0, PRV_S)
  sw zero, 0(s0)
  csrw mie, zero

  // Timer: mtimecmp in the future: MTIP clear; in the past: set; taken when enabled.
  TIMER_IN 10000000
  csrr a0, mip
  andi a0, a0, 1 << 7
  CHECK(a0, 0)
  li t0, CLINT_MTIMECMP
  sd zero, 0(t0)
  csrr a0, mip
  andi a0, a0, 1 << 7
  CHECK(a0, 1 << 7)
  TIMER_OFF
  csrr a0, mip
  andi a0, a0, 1 << 7
  CHECK(a0, 0)
  // mtime runs at 10 MHz: 1 ms of spinning is at least a few thousand ticks... only the
  // direction is checked, the rate is the host's.
  li t0, CLINT_MTIME
  ld a0, 0(t0)
  ld a1, 0(t0)
  sltu a0, a1, a0
  CHECK(a0, 0)
  // Timer interrupt wakes wfi and is taken.
  li t0, 1 << 7
  csrs mie, t0
  TIMER_IN 1000
  EXPECT_TRAP 3f
  li t0, MSTATUS_MIE
  csrs mstatus, t0
4: wfi
  j 4b
3: CHECK_TRAP_CAUSE(CAUSE_INT | 7)
  TRAP_TVAL a0
  CHECK(a0, 0)
  TIMER_OFF

  // wfi with mstatus.MIE = 0 still wakes on an enabled pending interrupt, and nothing is
  // taken.
  TRAP_COUNT s1
  li t0, MSTATUS_MIE
  csrc mstatus, t0
  TIMER_IN 1000
  wfi
  // QEMU's wfi may also return early (a NOP is legal); spin until pending.
5: csrr a0, mip
  andi a0, a0, 1 << 7
  beqz a0, 5b
  TRAP_COUNT a0
  CHECK_REG(a0, s1)
  TIMER_OFF
  csrw mie, zero

  // Supervisor software interrupt, not delegated: M takes it with cause 1.
  li t0, 1 << 1
  csrs mip, t0
  csrr a0, mip
  andi a0, a0, 1 << 1
  CHECK(a0, 1 << 1)
  csrs mie, t0
  EXPECT_TRAP 6f
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  j fail_int
6: CHECK_TRAP_CAUSE(CAUSE_INT | 1)
  li t0, 1 << 1
  csrc mip, t0
  csrw mie, zero

  // Delegated to S: S takes it when sstatus.SIE = 1 (in S), with scause 1.
  SETUP_S_TRAP
  li t0, 1 << 1
  csrw mideleg, t0
  csrw mie, t0
  csrs mip, t0
  la gp, strap_info
  la t0, s_after_ssi
  sd t0, TI_RESUME(gp)
  RUN_AS PRV_S, s_enable_sie
  CHECK_TRAP_CAUSE(3)
  SIG_STRAP ssi_delegated
  CHECK_STRAP_CAUSE(CAUSE_INT | 1)
  STRAP_EPC a0
  la a1, s_sie_on
  CHECK_REG(a0, a1)
  // S can clear its own SSIP through sip.
  csrr a0, mip
  andi a0, a0, 1 << 1
  CHECK(a0, 0)
  // Delegated and pending while in M: not taken in M (M never takes S-delegated ones).
  li t0, 1 << 1
  csrs mip, t0
  li t0, MSTATUS_MIE | MSTATUS_SIE
  csrs mstatus, t0
  nop
  csrc mstatus, t0
  TRAP_COUNT a0
  SIG trap_count, a0
  li t0, 1 << 1
  csrc mip, t0
  csrw mie, zero
  csrw mideleg, zero

  ld ra, 0(sp)
  addi sp, sp, 16
  ret

fail_int:
  li a0, 0xbad
  li a1, 0
  j test_fail_value

s_spin:
  j s_spin
s_enable_sie:
  li t0, MSTATUS_SIE
  csrs sstatus, t0
  // The SIE-setting csrs retires; the interrupt is taken before the next instruction.
s_sie_on:
  j s_spin
s_after_ssi:
  li t0, 1 << 1
  csrc sip, t0
  ebreak
