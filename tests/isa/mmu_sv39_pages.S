// Sv39 translation from S-mode: 1 GiB, 2 MiB and 4 KiB pages, misaligned superpages, invalid
// and reserved PTEs, R/W/X permission faults with cause and tval, non-canonical addresses,
// and sfence.vma after a remap.
#include "common.h"
TEST_PROLOGUE mmu_sv39_pages

#define FULL (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define RW   (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define RO   (PTE_V | PTE_R | PTE_A)
#define XO   (PTE_V | PTE_X | PTE_A)

// VAs used by the test.
#define VA_MEGA      0x40000000
#define VA_4K        0x40200000
#define VA_INVALID   0x40201000
#define VA_RO        0x40202000
#define VA_XO        0x40203000
#define VA_WONLY     0x40204000
#define VA_CODE_NX   0x40205000
#define VA_CODE_X    0x40206000
#define VA_MEGA_MIS  0x40400000
#define VA_GIGA_MIS  0xc0000000
#define MEGA_PA      0x80400000

// Run an S-mode snippet and return here with the trap recorded; s-registers carry results.
.macro S_RUN label
  RUN_AS PRV_S, \label
.endm

// Expect the last snippet to have page-faulted with cause and tval.
.macro EXPECT_FAULT cause, tval, name
  CHECK_TRAP_CAUSE(\cause)
  TRAP_TVAL a0
  CHECK(a0, \tval)
  SIG_TRAP \name
.endm

test_main:
  addi sp, sp, -16
  sd ra, 0(sp)

  // Fill the physical pages behind the mappings with recognisable data.
  li s0, MEGA_PA
  li t0, 0x1111111111111111
  sd t0, 0(s0)
  li t0, 0x2222222222222222
  li t1, 0x1ffff8
  add t1, s0, t1
  sd t0, 0(t1)
  la s0, data_page
  li t0, 0x4444444444444444
  sd t0, 0(s0)
  la s0, data_page2
  li t0, 0x5555555555555555
  sd t0, 0(s0)

  // Root: [0] device giga page (UART etc.), [1] -> L1, [2] identity giga page for the image,
  // [3] misaligned giga page.
  li t3, 0
  SET_PTE root, 0, t3, RW
  SET_PTE_TABLE root, 1, l1
  li t3, 0x80000000
  SET_PTE root, 2, t3, FULL
  li t3, 0x80200000
  SET_PTE root, 3, t3, RW
  // L1: [0] mega page, [1] -> L0, [2] misaligned mega page.
  li t3, MEGA_PA
  SET_PTE l1, 0, t3, RW
  SET_PTE_TABLE l1, 1, l0
  li t3, MEGA_PA + 0x1000
  SET_PTE l1, 2, t3, RW
  // L0: 4 KiB pages.
  la t3, data_page
  SET_PTE l0, 0, t3, RW
  SET_PTE l0, 1, t3, (PTE_R | PTE_W | PTE_A | PTE_D)
  SET_PTE l0, 2, t3, RO
  SET_PTE l0, 3, t3, XO
  SET_PTE l0, 4, t3, (PTE_V | PTE_W | PTE_A | PTE_D)
  la t3, code_page
  SET_PTE l0, 5, t3, RW
  SET_PTE l0, 6, t3, (PTE_V | PTE_R | PTE_X | PTE_A)
  SET_SATP SATP_SV39, root
  csrr a0, satp
  srli a0, a0, 60
  CHECK(a0, 8)

  // Giga identity page: the S snippet itself runs through it. Mega and 4K pages read through.
  S_RUN s_read_mega
  CHECK_TRAP_CAUSE(3)
  CHECK(s1, 0x1111111111111111)
  CHECK(s2, 0x2222222222222222)
  CHECK(s3, 0x4444444444444444)
  SIG mega_first, s1
  SIG mega_last, s2
  SIG page_4k, s3
  // Store through the 4K page, observe physically.
  S_RUN s_write_4k
  CHECK_TRAP_CAUSE(3)
  la t0, data_page
  ld a0, 8(t0)
  CHECK(a0, 0x4040404040404040)

  // Invalid PTE: load, store and fetch faults, tval = the VA.
  li s4, VA_INVALID + 8
  S_RUN s_load_s4
  EXPECT_FAULT 13, VA_INVALID + 8, invalid_load
  S_RUN s_store_s4
  EXPECT_FAULT 15, VA_INVALID + 8, invalid_store
  li s4, VA_INVALID
  S_RUN s_jump_s4
  EXPECT_FAULT 12, VA_INVALID, invalid_fetch
  TRAP_EPC a0
  CHECK(a0, VA_INVALID)
  // Read-only: load fine, store faults.
  li s4, VA_RO + 16
  S_RUN s_load_s4
  CHECK_TRAP_CAUSE(3)
  CHECK(s5, 0)
  S_RUN s_store_s4
  EXPECT_FAULT 15, VA_RO + 16, ro_store
  // Execute-only: load faults (MXR = 0).
  li s4, VA_XO
  S_RUN s_load_s4
  EXPECT_FAULT 13, VA_XO, xo_load
  // W without R is reserved: any access page-faults.
  li s4, VA_WONLY
  S_RUN s_load_s4
  EXPECT_FAULT 13, VA_WONLY, wonly_load
  S_RUN s_store_s4
  EXPECT_FAULT 15, VA_WONLY, wonly_store
  // Fetch from a non-executable page faults; from an executable one it runs.
  la t0, code_page
  la t1, code_template
  ld t2, 0(t1)
  sd t2, 0(t0)
  fence.i
  li s4, VA_CODE_NX
  S_RUN s_jump_s4
  EXPECT_FAULT 12, VA_CODE_NX, nx_fetch
  li s4, VA_CODE_X
  li s6, 0
  S_RUN s_jump_s4
  CHECK_TRAP_CAUSE(3)
  CHECK(s6, 0x5a)

  // Misaligned superpages are page faults.
  li s4, VA_MEGA_MIS + 0x10
  S_RUN s_load_s4
  EXPECT_FAULT 13, VA_MEGA_MIS + 0x10, misaligned_mega
  li s4, VA_GIGA_MIS + 0x20
  S_RUN s_store_s4
  EXPECT_FAULT 15, VA_GIGA_MIS + 0x20, misaligned_giga
  // Non-canonical: bits 63..39 must all equal bit 38.
  li s4, 0x0000008000000000
  S_RUN s_load_s4
  EXPECT_FAULT 13, 0x0000008000000000, noncanonical_load
  li s4, 0xffffff7fc0000000
  S_RUN s_load_s4
  EXPECT_FAULT 13, 0xffffff7fc0000000, noncanonical_load2
  // The sign-extended top half is canonical and maps through root[511] (invalid here).
  li s4, 0xffffffffc0000000
  S_RUN s_load_s4
  EXPECT_FAULT 13, 0xffffffffc0000000, top_invalid

  // Remap the 4K page to another frame; after sfence.vma the new data shows.
  li s4, VA_4K
  S_RUN s_load_s4
  CHECK(s5, 0x4444444444444444)
  la t3, data_page2
  SET_PTE l0, 0, t3, RW
  S_RUN s_sfence_load_s4
  CHECK_TRAP_CAUSE(3)
  CHECK(s5, 0x5555555555555555)
  SIG after_remap, s5

  csrw satp, zero
  sfence.vma
  ld ra, 0(sp)
  addi sp, sp, 16
  ret

s_read_mega:
  li t0, VA_MEGA
  ld s1, 0(t0)
  li t1, 0x1ffff8
  add t1, t0, t1
  ld s2, 0(t1)
  li t0, VA_4K
  ld s3, 0(t0)
  ebreak
s_write_4k:
  li t0, VA_4K
  li t1, 0x4040404040404040
  sd t1, 8(t0)
  ebreak
s_load_s4:
  ld s5, 0(s4)
  ebreak
s_store_s4:
  sd zero, 0(s4)
  ebreak
s_jump_s4:
  jalr s4
  ebreak
s_sfence_load_s4:
  sfence.vma
  ld s5, 0(s4)
  ebreak

  // Copied to code_page: li s6, 0x5a; ebreak.
  .balign 8
code_template:
  .option push
  .option norvc
  li s6, 0x5a
  ebreak
  .option pop

  .bss
  .balign 4096
root: .space 4096
l1: .space 4096
l0: .space 4096
data_page: .space 4096
data_page2: .space 4096
code_page: .space 4096
