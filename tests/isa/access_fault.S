// Access faults on physical addresses with nothing behind them (0x0, 0x100, above RAM):
// load, store, AMO and fetch, directly and through a page table (leaf and non-leaf).
// (0x5000_0000 is avoided: on QEMU virt it is the PCIe MMIO window and reads all-ones.)
#include "common.h"
TEST_PROLOGUE access_fault

#define RW   (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define FULL (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define ABOVE_RAM 0x90000000

.macro EXPECT_FAULT cause, tval, name
  CHECK_TRAP_CAUSE(\cause)
  TRAP_TVAL a0
  CHECK(a0, \tval)
  SIG_TRAP \name
.endm

test_main:
  addi sp, sp, -16
  sd ra, 0(sp)

  // M-mode, physical. The load's destination keeps its old value.
  li s4, 0
  li s5, 0x77
  EXPECT_TRAP_SKIP
  ld s5, 0(s4)
  EXPECT_FAULT 5, 0, load_0
  CHECK(s5, 0x77)
  EXPECT_TRAP_SKIP
  sw zero, 0x100(s4)
  EXPECT_FAULT 7, 0x100, store_0x100
  li s4, ABOVE_RAM
  EXPECT_TRAP_SKIP
  lbu s5, 3(s4)
  EXPECT_FAULT 5, ABOVE_RAM + 3, load_above_ram
  EXPECT_TRAP_SKIP
  sd zero, 8(s4)
  EXPECT_FAULT 7, ABOVE_RAM + 8, store_above_ram
  // An AMO must access-fault. The spec's cause is 7 (store/AMO); QEMU 7.2 reports 5, so
  // the signature only says "access fault" (5 or 7) and the address.
  EXPECT_TRAP_SKIP
  amoadd.w s5, zero, (s4)
  TRAP_CAUSE a0
  li a1, 5
  beq a0, a1, 3f
  CHECK(a0, 7)
3: li a0, 1
  SIG amo_above_ram.access_fault, a0
  TRAP_TVAL a0
  CHECK(a0, ABOVE_RAM)
  // The last RAM byte is fine; the next one faults.
  li s4, 0x87fffff8
  li t0, 0x1234
  sd t0, 0(s4)
  ld s5, 0(s4)
  CHECK(s5, 0x1234)
  li s4, 0x88000000
  EXPECT_TRAP_SKIP
  lb s5, 0(s4)
  EXPECT_FAULT 5, 0x88000000, load_ram_end
  // Fetch: jumping to 0 faults with mepc = mtval = 0.
  EXPECT_TRAP 1f
  li t0, 0
  jr t0
1: EXPECT_FAULT 1, 0, fetch_0
  TRAP_EPC a0
  CHECK(a0, 0)
  li t0, ABOVE_RAM
  EXPECT_TRAP 2f
  jalr t0
2: EXPECT_FAULT 1, ABOVE_RAM, fetch_above_ram

  // Through Sv39: VA 0x40000000 -> PA ABOVE_RAM (leaf), and VA 0x40200000 through an L1
  // entry whose next-level table is above RAM.
  li t3, 0
  SET_PTE root, 0, t3, RW
  SET_PTE_TABLE root, 1, l1
  li t3, 0x80000000
  SET_PTE root, 2, t3, FULL
  SET_PTE_TABLE l1, 0, l0
  li t3, ABOVE_RAM
  SET_PTE l0, 0, t3, FULL
  li t3, ABOVE_RAM
  SET_PTE l1, 1, t3, PTE_V
  SET_SATP SATP_SV39, root
  li s4, 0x40000010
  RUN_AS PRV_S, s_load_s4
  EXPECT_FAULT 5, 0x40000010, s_load_leaf_above_ram
  RUN_AS PRV_S, s_store_s4
  EXPECT_FAULT 7, 0x40000010, s_store_leaf_above_ram
  li s4, 0x40000000
  RUN_AS PRV_S, s_jump_s4
  EXPECT_FAULT 1, 0x40000000, s_fetch_leaf_above_ram
  // A page-table walk that touches nothing: the spec says load access fault (5); QEMU 7.2
  // raises a load page fault (13). The signature records "faulted" and the address.
  li s4, 0x40200000
  RUN_AS PRV_S, s_load_s4
  TRAP_CAUSE a0
  li a1, 5
  beq a0, a1, 4f
  CHECK(a0, 13)
4: li a0, 1
  SIG s_walk_above_ram.faulted, a0
  TRAP_TVAL a0
  CHECK(a0, 0x40200000)
  SIG s_walk_above_ram.tval, a0
  csrw satp, zero
  sfence.vma

  ld ra, 0(sp)
  addi sp, sp, 16
  ret

s_load_s4:
  ld s5, 0(s4)
  ebreak
s_store_s4:
  sd zero, 0(s4)
  ebreak
s_jump_s4:
  jalr s4
  ebreak

  .bss
  .balign 4096
root: .space 4096
l1: .space 4096
l0: .space 4096
