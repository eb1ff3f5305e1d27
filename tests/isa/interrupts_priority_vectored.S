// Interrupt priorities (MEI > MSI > MTI > SEI > SSI > STI with several pending at once) and
// vectored mtvec: interrupts enter at base + 4 * cause, exceptions at base.
#include "common.h"
TEST_PROLOGUE interrupts_priority_vectored

#define CAUSE_INT (1 << 63)

test_main:
  addi sp, sp, -16
  sd ra, 0(sp)
  csrw mie, zero
  csrw mideleg, zero
  li t0, CLINT_MTIMECMP
  li t1, -1
  sd t1, 0(t0)

  // Install the vectored table; s9 counts entries, s8 logs the causes in order (4 bits each).
  la t0, vec_table
  ori t0, t0, 1
  csrw mtvec, t0
  csrr a0, mtvec
  andi a0, a0, 3
  CHECK(a0, 1)
  li s8, 0
  li s9, 0

  // Make MSI, MTI and SEI pending at once, then enable them all: taken 3, 7, 9.
  // (QEMU 7.2 without AIA takes the lowest-numbered pending interrupt first instead of the
  // spec's MEI, MSI, MTI, SEI, SSI, STI order. These rounds use sets where both orders
  // agree, so a spec-ordered engine and QEMU must produce the same log.)
  li t0, CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  li t0, CLINT_MTIMECMP
  sd zero, 0(t0)
  li t0, 1 << 9
  csrs mip, t0
  csrr a0, mip
  li t0, 0xaaa
  and a0, a0, t0
  SIG mip_m_pending, a0
  CHECK(a0, 0x288)
  li t0, 0x2aa
  csrw mie, t0
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  // Each entry clears its source and returns; all are taken before this point.
  nop
  li t0, MSTATUS_MIE
  csrc mstatus, t0
  SIG order_msi_mti_sei, s8
  CHECK(s8, 0x379)
  CHECK(s9, 3)

  // SSI and STI: 1 then 5.
  li s8, 0
  li t0, (1 << 1) | (1 << 5)
  csrs mip, t0
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  nop
  csrc mstatus, t0
  SIG order_ssi_sti, s8
  CHECK(s8, 0x15)

  // MSI and STI: 3 then 5.
  li s8, 0
  li t0, 1 << 5
  csrs mip, t0
  li t0, CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  nop
  csrc mstatus, t0
  SIG order_msi_sti, s8
  CHECK(s8, 0x35)

  // Below M, an M-level interrupt wins over a pending S-level one delegated to S, whatever
  // the numbers: STI (5) delegated and MTI (7) pending in S-mode go to M first.
  SETUP_S_TRAP
  li t0, 1 << 5
  csrw mideleg, t0
  li s8, 0
  csrs mip, t0
  li t0, CLINT_MTIMECMP
  sd zero, 0(t0)
  li t0, MSTATUS_SIE
  csrs mstatus, t0
  RUN_AS PRV_S, s_spin
  // The vector entry for 7 returned to S, and then STI went to S's handler, which is not
  // armed and reports with ebreak: the first trap back to M after MTI is that ebreak
  // (logged as e by the exception entry).
  SIG order_mti_then_s, s8
  CHECK(s8, 0x7e)
  CHECK_TRAP_CAUSE(3)
  STRAP_CAUSE a0
  CHECK(a0, CAUSE_INT | 5)
  li t0, 1 << 5
  csrc mip, t0
  csrw mideleg, zero
  li t0, MSTATUS_SIE
  csrc mstatus, t0

  // An exception with vectored mtvec goes to the base (entry 0 is the exception path).
  li s8, 0
  EXPECT_TRAP_SKIP
  ecall
  SIG exception_entry_log, s8
  CHECK(s8, 0xe)

  // Direct mode again: everything through the common handler.
  la t0, m_trap
  csrw mtvec, t0
  csrw mie, zero

  ld ra, 0(sp)
  addi sp, sp, 16
  ret

  // Vector table: entry n = cause n. Entry 0 is exceptions.
  // (norvc: every entry must be exactly 4 bytes.)
  .balign 256
  .option push
  .option norvc
vec_table:
  j vec_exception
  j vec_1
  j vec_bad
  j vec_3
  j vec_bad
  j vec_5
  j vec_bad
  j vec_7
  j vec_bad
  j vec_9
  j vec_bad
  j vec_bad
  j vec_bad
  j vec_bad
  j vec_bad
  j vec_bad
  .option pop

  // Each entry: s8 = s8 << 4 | cause, s9++, clear the source, mret. t0/t1 are saved in
  // the trap stack through mscratch.
.macro ENTRY_BEGIN cause
  csrrw sp, mscratch, sp
  sd t0, 0(sp)
  sd t1, 8(sp)
  slli s8, s8, 4
  ori s8, s8, \cause
  addi s9, s9, 1
  csrr t0, mcause
  li t1, CAUSE_INT | \cause
  bne t0, t1, vec_bad
.endm
.macro ENTRY_END
  ld t0, 0(sp)
  ld t1, 8(sp)
  csrrw sp, mscratch, sp
  mret
.endm

vec_1:
  ENTRY_BEGIN 1
  li t0, 1 << 1
  csrc mip, t0
  ENTRY_END
vec_3:
  ENTRY_BEGIN 3
  li t0, CLINT_MSIP
  sw zero, 0(t0)
  ENTRY_END
vec_5:
  ENTRY_BEGIN 5
  li t0, 1 << 5
  csrc mip, t0
  ENTRY_END
vec_7:
  ENTRY_BEGIN 7
  li t0, CLINT_MTIMECMP
  li t1, -1
  sd t1, 0(t0)
  ENTRY_END
vec_9:
  ENTRY_BEGIN 9
  li t0, 1 << 9
  csrc mip, t0
  ENTRY_END
vec_exception:
  // Log 0xe and hand over to the common handler (which steps over the ecall).
  slli s8, s8, 4
  ori s8, s8, 0xe
  j m_trap
s_spin:
  j s_spin
vec_bad:
  la sp, stack_top
  csrr a1, mcause
  li a0, 0xbad
  j test_fail_value
