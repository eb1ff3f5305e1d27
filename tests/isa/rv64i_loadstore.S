// Loads and stores of every width: sign/zero extension, negative offsets, partial overwrites.
#include "common.h"
TEST_PROLOGUE rv64i_loadstore

test_main:
  addi sp, sp, -16
  sd ra, 0(sp)
  la s0, buf
  li s1, 0x8182838485868788
  sd s1, 0(s0)
  li s2, 0x7172737475767778
  sd s2, 8(s0)

  lb a0, 0(s0)
  CHECK(a0, 0xffffffffffffff88)
  lbu a0, 0(s0)
  CHECK(a0, 0x88)
  lb a0, 8(s0)
  CHECK(a0, 0x78)
  lb a0, 7(s0)
  CHECK(a0, 0xffffffffffffff81)
  lh a0, 6(s0)
  CHECK(a0, 0xffffffffffff8182)
  lhu a0, 6(s0)
  CHECK(a0, 0x8182)
  lh a0, 14(s0)
  CHECK(a0, 0x7172)
  lw a0, 4(s0)
  CHECK(a0, 0xffffffff81828384)
  SIG lw_sext, a0
  lwu a0, 4(s0)
  CHECK(a0, 0x81828384)
  lw a0, 12(s0)
  CHECK(a0, 0x71727374)
  ld a0, 0(s0)
  CHECK_REG(a0, s1)
  addi s3, s0, 16
  ld a0, -8(s3)
  CHECK_REG(a0, s2)
  lbu a0, -16(s3)
  CHECK(a0, 0x88)
  // A load into x0 is performed but the value is dropped.
  ld x0, 0(s0)
  CHECK(x0, 0)

  // Stores write exactly their width.
  li t0, 0x1122334455667788
  sb t0, 1(s0)
  ld a0, 0(s0)
  CHECK(a0, 0x8182838485868888)
  sh t0, 2(s0)
  ld a0, 0(s0)
  CHECK(a0, 0x8182838477888888)
  sw t0, 4(s0)
  ld a0, 0(s0)
  CHECK(a0, 0x5566778877888888)
  SIG after_sw, a0
  sd t0, -8(s3)
  ld a0, 8(s0)
  CHECK_REG(a0, t0)
  sw zero, 12(s0)
  ld a0, 8(s0)
  CHECK(a0, 0x55667788)
  sh zero, -2(s3)
  sb zero, -16(s3)
  ld a0, 0(s0)
  CHECK(a0, 0x5566778877888800)

  // Store then load through a different alias offset across a 4 KiB page boundary.
  la s4, page_edge
  li t0, 0xa1a2a3a4a5a6a7a8
  sd t0, -8(s4)
  sd t0, 0(s4)
  lw a0, -4(s4)
  CHECK(a0, 0xffffffffa1a2a3a4)
  lhu a0, 0(s4)
  CHECK(a0, 0xa7a8)
  SIG page_edge, a0

  // Dump the buffer as the signature.
  ld a0, 0(s0)
  SIG buf0, a0
  ld a0, 8(s0)
  SIG buf1, a0

  ld ra, 0(sp)
  addi sp, sp, 16
  ret

  .data
  .balign 16
buf: .dword 0, 0
  .balign 4096
  .space 8
page_edge = . - 8
  .dword 0, 0
