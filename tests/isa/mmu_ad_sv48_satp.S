// Hardware A/D updates (the final PTEs are the signature), Sv48 4-level walks with 4 KiB,
// 2 MiB, 1 GiB and 512 GiB pages and misaligned superpages, and satp's WARL mode field.
#include "common.h"
TEST_PROLOGUE mmu_ad_sv48_satp

#define FULL (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define RW   (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

.macro EXPECT_FAULT cause, tval, name
  CHECK_TRAP_CAUSE(\cause)
  TRAP_TVAL a0
  CHECK(a0, \tval)
  SIG_TRAP \name
.endm

test_main:
  addi sp, sp, -16
  sd ra, 0(sp)

  // ---- A/D under Sv39: L0 pages at VA 0x40000000 + n * 4K.
  li t3, 0
  SET_PTE root39, 0, t3, RW
  SET_PTE_TABLE root39, 1, l1_39
  li t3, 0x80000000
  SET_PTE root39, 2, t3, FULL
  SET_PTE_TABLE l1_39, 0, l0_39
  la t3, data_page
  // [0] neither A nor D; [1] A only; [2] A and D; [3] X without A (fetch sets A).
  SET_PTE l0_39, 0, t3, (PTE_V | PTE_R | PTE_W)
  SET_PTE l0_39, 1, t3, (PTE_V | PTE_R | PTE_W | PTE_A)
  SET_PTE l0_39, 2, t3, (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
  la t3, code_page
  SET_PTE l0_39, 3, t3, (PTE_V | PTE_R | PTE_X)
  // [4] read-only without A: a store faults and must not set A or D.
  la t3, data_page
  SET_PTE l0_39, 4, t3, (PTE_V | PTE_R)
  la t0, code_page
  li t1, 0x00100073
  sw t1, 0(t0)
  fence.i
  // The non-leaf PTEs have no A/D of their own: they stay untouched.
  SET_SATP SATP_SV39, root39

  // A load sets A only (or faults if A/D are software-managed: the trap is recorded).
  li s4, 0x40000000
  RUN_AS PRV_S, s_load_s4
  TRAP_CAUSE a0
  SIG ad_load.cause, a0
  GET_PTE a0, l0_39, 0
  SIG pte0_after_load, a0
  RUN_AS PRV_S, s_store_s4
  TRAP_CAUSE a0
  SIG ad_store.cause, a0
  GET_PTE a0, l0_39, 0
  SIG pte0_after_store, a0
  // A store to an A-only page sets D.
  li s4, 0x40001000
  RUN_AS PRV_S, s_store_s4
  GET_PTE a0, l0_39, 1
  SIG pte1_after_store, a0
  // Already A and D: nothing changes.
  li s4, 0x40002000
  RUN_AS PRV_S, s_store_s4
  GET_PTE a0, l0_39, 2
  andi a0, a0, 0xff
  CHECK(a0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
  // Fetch sets A.
  li s4, 0x40003000
  RUN_AS PRV_S, s_jump_s4
  TRAP_CAUSE a0
  SIG ad_fetch.cause, a0
  GET_PTE a0, l0_39, 3
  SIG pte3_after_fetch, a0
  // A faulting store leaves the PTE alone.
  li s4, 0x40004000
  RUN_AS PRV_S, s_store_s4
  EXPECT_FAULT 15, 0x40004000, store_ro_no_a
  GET_PTE a0, l0_39, 4
  SIG pte4_after_fault, a0
  GET_PTE a0, l1_39, 0
  SIG l1_nonleaf, a0

  // ---- satp WARL. Sv39 and Sv48 are accepted. A reserved mode (15) is not: satp keeps its
  // old value. (Sv57 is optional; QEMU 7.2 implements it, so it is not written here.)
  la t0, root39
  srli t0, t0, 12
  li t1, SATP_SV39
  or s6, t0, t1
  csrr a0, satp
  CHECK_REG(a0, s6)
  li t1, 15 << 60
  or t2, t0, t1
  csrw satp, t2
  csrr a0, satp
  CHECK_REG(a0, s6)
  li t1, 5 << 60
  or t2, t0, t1
  csrw satp, t2
  csrr a0, satp
  CHECK_REG(a0, s6)
  SIG satp_after_reserved, a0
  // (Bare with a non-zero PPN is UNSPECIFIED, so it is not tested.)
  csrw satp, zero

  // ---- Sv48: root48[0] -> l2_48 (512 GiB region 0).
  //   l2_48[0]: 1 GiB device page; [1] -> l1_48; [2]: 1 GiB identity page for the image.
  //   l1_48[0]: 2 MiB page; [1] -> l0_48; [2]: misaligned 2 MiB page.
  //   l0_48[0]: 4 KiB page.
  //   root48[1]: 512 GiB page at PA 0 (VA 0x80_0000_0000 -> PA 0).
  //   root48[2]: misaligned 512 GiB page (PPN bits below level 3 set).
  SET_PTE_TABLE root48, 0, l2_48
  li t3, 0
  SET_PTE l2_48, 0, t3, RW
  SET_PTE_TABLE l2_48, 1, l1_48
  li t3, 0x80000000
  SET_PTE l2_48, 2, t3, FULL
  li t3, 0x80400000
  SET_PTE l1_48, 0, t3, RW
  SET_PTE_TABLE l1_48, 1, l0_48
  li t3, 0x80401000
  SET_PTE l1_48, 2, t3, RW
  la t3, data_page
  SET_PTE l0_48, 0, t3, RW
  li t3, 0
  SET_PTE root48, 1, t3, RW
  li t3, 0x80000000
  SET_PTE root48, 2, t3, RW
  li t0, 0x80400000
  li t1, 0x4848484848484848
  sd t1, 8(t0)
  la t0, data_page
  li t1, 0x0404040404040404
  sd t1, 16(t0)
  SET_SATP SATP_SV48, root48
  csrr a0, satp
  srli a0, a0, 60
  CHECK(a0, 9)

  li s4, 0x40000008
  RUN_AS PRV_S, s_load_s4
  CHECK_TRAP_CAUSE(3)
  CHECK(s5, 0x4848484848484848)
  li s4, 0x40200010
  RUN_AS PRV_S, s_load_s4
  CHECK_TRAP_CAUSE(3)
  CHECK(s5, 0x0404040404040404)
  // The 512 GiB page: VA 0x80_8000_0008 -> PA 0x8000_0008 (the image, readable).
  li s4, 0x8080000000
  RUN_AS PRV_S, s_load_s4
  CHECK_TRAP_CAUSE(3)
  li t0, 0x80000000
  ld a0, 0(t0)
  CHECK_REG(s5, a0)
  li s4, 0x40400000
  RUN_AS PRV_S, s_load_s4
  EXPECT_FAULT 13, 0x40400000, sv48_misaligned_mega
  li s4, 0x10000000000
  RUN_AS PRV_S, s_load_s4
  EXPECT_FAULT 13, 0x10000000000, sv48_misaligned_tera
  // Unmapped in l2_48 and root48.
  li s4, 0xc0000000
  RUN_AS PRV_S, s_load_s4
  EXPECT_FAULT 13, 0xc0000000, sv48_unmapped
  // Canonical for Sv48 but not for Sv39: works here (root48[1]).
  li s4, 0x8000000000
  RUN_AS PRV_S, s_store_s4_probe
  // Non-canonical for Sv48.
  li s4, 0x0001000000000000
  RUN_AS PRV_S, s_load_s4
  EXPECT_FAULT 13, 0x0001000000000000, sv48_noncanonical
  li s4, 0xffff800000000000
  RUN_AS PRV_S, s_load_s4
  EXPECT_FAULT 13, 0xffff800000000000, sv48_top_unmapped
  // A/D under Sv48: l0_48[0] had A|D; the non-leaf entries are untouched.
  GET_PTE a0, root48, 0
  SIG sv48_root0, a0

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
s_store_s4_probe:
  ld s5, 0x80(s4)
  ebreak
s_jump_s4:
  jalr s4
  ebreak

  .bss
  .balign 4096
root39: .space 4096
l1_39: .space 4096
l0_39: .space 4096
root48: .space 4096
l2_48: .space 4096
l1_48: .space 4096
l0_48: .space 4096
data_page: .space 4096
code_page: .space 4096
