// Self-modifying code and translation caching: stores to code followed by fence.i take
// effect (same page, a code buffer, and through a virtual alias under Sv39), and satp
// switches / sfence.vma make new mappings visible. Exercises decoded-block and TLB caches.
#include "common.h"
TEST_PROLOGUE code_cache_tlb

#define RW   (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define FULL (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
// addi a0, zero, imm  /  ret
#define ADDI_A0(imm) (0x00000513 | ((imm) << 20))
#define RET 0x00008067

test_main:
  addi sp, sp, -16
  sd ra, 0(sp)

  // A routine in a code buffer: run, rewrite, fence.i, run again.
  la s0, code_buf
  li t0, ADDI_A0(1)
  sw t0, 0(s0)
  li t0, RET
  sw t0, 4(s0)
  fence.i
  jalr s0
  CHECK(a0, 1)
  li t0, ADDI_A0(2)
  sw t0, 0(s0)
  fence.i
  jalr s0
  CHECK(a0, 2)
  SIG rewritten_once, a0
  // Many rewrites in a loop (a block cache must not serve a stale copy).
  li s1, 0
  li s2, 0
1: slli t0, s1, 20
  li t1, 0x00000513
  or t0, t0, t1
  sw t0, 0(s0)
  fence.i
  jalr s0
  add s2, s2, a0
  addi s1, s1, 1
  li t0, 100
  blt s1, t0, 1b
  SIG sum_0_to_99, s2
  CHECK(s2, 4950)

  // Rewrite an instruction a little ahead in the running code (same page, same block).
  la t1, patch_site
  li t0, ADDI_A0(0x5a)
  sw t0, 0(t1)
  fence.i
  .option push
  .option norvc
patch_site:
  addi a0, zero, 0x11
  .option pop
  SIG patched_inline, a0
  CHECK(a0, 0x5a)

  // Under Sv39: VA 0x40000000 -> code_buf (X), VA 0x40001000 -> code_buf (RW alias),
  // VA 0x40002000 -> data_a in root_a, data_b in root_b.
  li t3, 0
  SET_PTE root_a, 0, t3, RW
  SET_PTE_TABLE root_a, 1, l1_a
  li t3, 0x80000000
  SET_PTE root_a, 2, t3, FULL
  SET_PTE_TABLE l1_a, 0, l0_a
  la t3, code_buf
  SET_PTE l0_a, 0, t3, (PTE_V | PTE_R | PTE_X | PTE_A)
  SET_PTE l0_a, 1, t3, RW
  la t3, data_a
  SET_PTE l0_a, 2, t3, RW
  li t3, 0
  SET_PTE root_b, 0, t3, RW
  SET_PTE_TABLE root_b, 1, l1_b
  li t3, 0x80000000
  SET_PTE root_b, 2, t3, FULL
  SET_PTE_TABLE l1_b, 0, l0_b
  la t3, data_b
  SET_PTE l0_b, 2, t3, RW
  la t0, data_a
  li t1, 0xaaaa
  sd t1, 0(t0)
  la t0, data_b
  li t1, 0xbbbb
  sd t1, 0(t0)
  li t0, ADDI_A0(3)
  sw t0, 0(s0)
  fence.i
  SET_SATP SATP_SV39, root_a
  // S-mode runs the routine through its X mapping, rewrites it through the RW alias,
  // fence.i, runs it again.
  RUN_AS PRV_S, s_alias
  CHECK_TRAP_CAUSE(3)
  SIG via_alias_before, s5
  SIG via_alias_after, s6
  CHECK(s5, 3)
  CHECK(s6, 4)
  // Same VA, two address spaces.
  li s4, 0x40002000
  RUN_AS PRV_S, s_load_s4
  CHECK(s5, 0xaaaa)
  SET_SATP SATP_SV39, root_b
  RUN_AS PRV_S, s_load_s4
  CHECK(s5, 0xbbbb)
  // Change a leaf and flush just that VA.
  la t3, data_a
  SET_PTE l0_b, 2, t3, RW
  RUN_AS PRV_S, s_sfence_va_load_s4
  CHECK(s5, 0xaaaa)
  // Invalidate it and flush: the next access faults.
  la t1, l0_b
  sd zero, 16(t1)
  RUN_AS PRV_S, s_sfence_va_load_s4
  CHECK_TRAP_CAUSE(13)
  SIG_TRAP after_unmap
  csrw satp, zero
  sfence.vma

  ld ra, 0(sp)
  addi sp, sp, 16
  ret

s_alias:
  li t0, 0x40000000
  jalr t0
  mv s5, a0
  li t1, 0x40001000
  li t2, ADDI_A0(4)
  sw t2, 0(t1)
  fence.i
  li t0, 0x40000000
  jalr t0
  mv s6, a0
  ebreak
s_load_s4:
  ld s5, 0(s4)
  ebreak
s_sfence_va_load_s4:
  sfence.vma s4, zero
  ld s5, 0(s4)
  ebreak

  .bss
  .balign 4096
code_buf: .space 4096
data_a: .space 4096
data_b: .space 4096
root_a: .space 4096
l1_a: .space 4096
l0_a: .space 4096
root_b: .space 4096
l1_b: .space 4096
l0_b: .space 4096
