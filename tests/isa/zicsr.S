// Zicsr: every CSR instruction form, the x0 rules, read-only and unknown CSRs trapping with
// mtval = the instruction, and the sstatus/sie views of their M-mode registers.
#include "common.h"
TEST_PROLOGUE zicsr

// Expect `insn` to raise an illegal-instruction trap with mtval = its encoding.
.macro ILLEGAL name, insn:vararg
  EXPECT_TRAP_SKIP
1: \insn
  CHECK_TRAP_CAUSE(2)
  TRAP_EPC a0
  la a1, 1b
  CHECK_REG(a0, a1)
  lwu a1, 0(a1)
  TRAP_TVAL a0
  CHECK_REG(a0, a1)
  SIG \name\().tval, a0
.endm

test_main:
  addi sp, sp, -16
  sd ra, 0(sp)

  li t0, 0x1234
  csrw mscratch, t0
  li t1, 0xff00
  csrrw a0, mscratch, t1
  CHECK(a0, 0x1234)
  csrrs a0, mscratch, t0
  CHECK(a0, 0xff00)
  csrr a1, mscratch
  CHECK(a1, 0xff34)
  li t2, 0xf0f0
  csrrc a0, mscratch, t2
  CHECK(a0, 0xff34)
  csrr a1, mscratch
  CHECK(a1, 0x0f04)
  csrrwi a0, mscratch, 31
  CHECK(a0, 0x0f04)
  csrrsi a0, mscratch, 0x40 >> 2
  CHECK(a0, 31)
  csrr a1, mscratch
  CHECK(a1, 31)
  csrrci a0, mscratch, 0x5
  CHECK(a0, 31)
  csrr a1, mscratch
  CHECK(a1, 26)
  SIG mscratch, a1
  // rd = rs1: the old value lands in rd, the write uses the original rs1.
  li a0, 0x77
  csrrw a0, mscratch, a0
  CHECK(a0, 26)
  csrr a1, mscratch
  CHECK(a1, 0x77)
  // csrrs/csrrc with rs1 = x0 and csrrsi/csrrci with 0 only read.
  csrrs a0, mscratch, x0
  csrrc a0, mscratch, x0
  csrrsi a0, mscratch, 0
  csrrci a0, mscratch, 0
  CHECK(a0, 0x77)
  // All 64 bits are writable in mscratch.
  li t0, 0x8000000000000001
  csrw mscratch, t0
  csrr a0, mscratch
  CHECK_REG(a0, t0)
  // restore the handler's mscratch
  la t0, trap_stack_top
  csrw mscratch, t0

  // Read-only CSRs can be read with every read-only form...
  csrr a0, mhartid
  CHECK(a0, 0)
  csrrs a0, mhartid, x0
  csrrc a0, mvendorid, x0
  csrrsi a0, marchid, 0
  csrrci a0, mimpid, 0
  // ...but any form that writes traps. (The spec also traps csrrs/csrrc whose rs1 is not
  // x0 but holds zero; QEMU 7.2 does not, so that case is left out.)
  ILLEGAL csrw_mhartid, csrw mhartid, t0
  ILLEGAL csrrwi_mimpid, csrrwi a0, mimpid, 0
  ILLEGAL csrrsi_marchid, csrrsi a0, marchid, 1
  ILLEGAL csrw_cycle, csrw cycle, t0
  ILLEGAL csrw_time, csrw time, t0
  // A CSR that does not exist.
  ILLEGAL csr_0x1c0, csrr a0, 0x1c0
  ILLEGAL csr_0x7ff, csrr a0, 0x7ff

  // misa: RV64 and at least IMAFDCSU (other letters are the implementation's business).
  csrr a0, misa
  li t0, 0xc000000000000000 | (1 << 8) | (1 << 12) | (1 << 0) | (1 << 5) | (1 << 3) | (1 << 2) | (1 << 18) | (1 << 20)
  and a0, a0, t0
  CHECK(a0, 0x800000000014112d)
  SIG misa_imafdcsu, a0

  // minstret counts: two reads a few instructions apart differ.
  csrr a0, minstret
  nop
  nop
  csrr a1, minstret
  sub a0, a1, a0
  sltiu a0, a0, 2
  CHECK(a0, 0)
  csrr a0, instret
  csrr a1, minstret
  sltu a0, a1, a0
  CHECK(a0, 0)
  // mcycle and time run forward.
  csrr a0, cycle
  csrr a1, mcycle
  sltu a0, a1, a0
  CHECK(a0, 0)
  rdtime a0
  li t0, 20000
1: addi t0, t0, -1
  bnez t0, 1b
  rdtime a1
  sltu a0, a0, a1
  CHECK(a0, 1)

  // sstatus is a view of mstatus: SUM set via sstatus shows in mstatus, and M-only
  // fields do not show in sstatus.
  li t0, MSTATUS_SUM
  csrs sstatus, t0
  csrr a0, mstatus
  and a0, a0, t0
  CHECK_REG(a0, t0)
  li t1, MSTATUS_MPP
  csrs mstatus, t1
  csrr a0, sstatus
  and a0, a0, t1
  CHECK(a0, 0)
  csrc sstatus, t0
  csrr a0, mstatus
  and a0, a0, t0
  CHECK(a0, 0)
  // MPP is WARL over {U, S, M}: writing M reads back M.
  csrr a0, mstatus
  and a0, a0, t1
  CHECK_REG(a0, t1)

  // mie/sie: with mideleg = 0, the S bits of sie are read-only zero (or the write is
  // ignored) as seen through sie; record what shows.
  csrw mideleg, zero
  csrw mie, zero
  li t0, 0x222
  csrs sie, t0
  csrr a0, sie
  SIG sie_undelegated, a0
  csrr a0, mie
  SIG mie_after_sie_write, a0
  li t0, 0x222
  csrw mideleg, t0
  // (QEMU 7.2 with the H extension also forces the VS bits on, so only SSI/STI/SEI show.)
  csrr a0, mideleg
  and a0, a0, t0
  CHECK(a0, 0x222)
  csrw sie, t0
  csrr a0, sie
  CHECK(a0, 0x222)
  csrr a0, mie
  CHECK(a0, 0x222)
  csrw mie, zero
  csrw mideleg, zero

  // medeleg: ecall-from-U (8) can be delegated. (The spec makes bit 11, ecall from M,
  // read-only zero; QEMU 7.2 lets it be set, so it is not part of the signature.)
  li t0, (1 << 8) | (1 << 11)
  csrw medeleg, t0
  csrr a0, medeleg
  andi a0, a0, 1 << 8
  CHECK(a0, 1 << 8)
  csrw medeleg, zero

  ld ra, 0(sp)
  addi sp, sp, 16
  ret
