// mstatus.FS: with FS = Off every FP instruction and fcsr access is illegal (mtval = the
// instruction, from M and from S); writing FP state moves Initial/Clean to Dirty and sets SD.
#include "common.h"
TEST_PROLOGUE fpu_fs_off

#define FS_OFF     (0 << 13)
#define FS_INITIAL (1 << 13)
#define FS_CLEAN   (2 << 13)
#define FS_DIRTY   (3 << 13)
#define SD         (1 << 63)

.macro SET_FS state
  li t0, MSTATUS_FS
  csrc mstatus, t0
  li t0, \state
  csrs mstatus, t0
.endm

// Expect `insn` to be illegal with mtval = its encoding.
.macro ILLEGAL name, insn:vararg
  EXPECT_TRAP_SKIP
1: \insn
  CHECK_TRAP_CAUSE(2)
  la a1, 1b
  TRAP_EPC a0
  CHECK_REG(a0, a1)
  lwu a1, 0(a1)
  TRAP_TVAL a0
  CHECK_REG(a0, a1)
  SIG \name\().tval, a0
.endm

// Same for a 16-bit instruction: mtval holds just its 16 bits.
.macro CILLEGAL name, insn:vararg
  EXPECT_TRAP_SKIP
1: \insn
  CHECK_TRAP_CAUSE(2)
  la a1, 1b
  lhu a1, 0(a1)
  TRAP_TVAL a0
  CHECK_REG(a0, a1)
  SIG \name\().tval, a0
.endm

// a0 <- mstatus.FS and SD as "FS | SD" bits only.
.macro READ_FS reg
  csrr \reg, mstatus
  li t0, MSTATUS_FS | SD
  and \reg, \reg, t0
.endm

test_main:
  addi sp, sp, -16
  sd ra, 0(sp)
  la s0, fdata

  SET_FS FS_OFF
  READ_FS a0
  CHECK(a0, 0)
  .option push
  .option norvc
  ILLEGAL flw, flw f1, 0(s0)
  ILLEGAL fld, fld f1, 0(s0)
  ILLEGAL fsd, fsd f1, 0(s0)
  ILLEGAL fadd_s, fadd.s f1, f2, f3
  ILLEGAL fmadd_d, fmadd.d f1, f2, f3, f4
  ILLEGAL fmv_x_w, fmv.x.w a0, f1
  ILLEGAL fmv_w_x, fmv.w.x f1, a0
  ILLEGAL fcvt_w_s, fcvt.w.s a0, f1
  ILLEGAL fclass_d, fclass.d a0, f1
  ILLEGAL feq_d, feq.d a0, f1, f2
  ILLEGAL csrr_fcsr, csrr a0, fcsr
  ILLEGAL csrr_frm, csrr a0, frm
  ILLEGAL csrw_fflags, csrw fflags, zero
  .option pop
  // Compressed FP loads/stores too.
  CILLEGAL c_fld, c.fld f8, 0(s0)
  CILLEGAL c_fsdsp, c.fsdsp f8, 0(sp)
  // Nothing above changed FS.
  READ_FS a0
  CHECK(a0, 0)

  // From S-mode as well (sstatus.FS is the same field).
  RUN_AS PRV_S, s_fadd
  CHECK_TRAP_CAUSE(2)
  SIG_TRAP s_fadd_off

  // Initial -> Dirty on an arithmetic result.
  SET_FS FS_INITIAL
  READ_FS a0
  CHECK(a0, FS_INITIAL)
  fadd.d f1, f2, f3
  READ_FS a0
  SIG fs_after_fadd, a0
  CHECK(a0, FS_DIRTY | SD)
  csrr a0, sstatus
  srli a0, a0, 63
  CHECK(a0, 1)
  // Clean -> Dirty on a load into an FP register.
  SET_FS FS_CLEAN
  READ_FS a0
  CHECK(a0, FS_CLEAN)
  fld f1, 0(s0)
  READ_FS a0
  CHECK(a0, FS_DIRTY | SD)
  // Clean -> Dirty on an fcsr write.
  SET_FS FS_CLEAN
  csrwi fflags, 1
  READ_FS a0
  CHECK(a0, FS_DIRTY | SD)
  // (An instruction that only raises fflags, such as feq.d on a signaling NaN, should also
  // dirty FS; QEMU 7.2 leaves it Clean, so that case is not tested.)
  // Clean -> Dirty from S-mode too.
  SET_FS FS_CLEAN
  RUN_AS PRV_S, s_fadd
  CHECK_TRAP_CAUSE(3)
  READ_FS a0
  CHECK(a0, FS_DIRTY | SD)
  // Turning FS off again hides the registers, and turning it back on shows them intact.
  li t0, 0x1234567890abcdef
  fmv.d.x f20, t0
  SET_FS FS_OFF
  ILLEGAL fmv_x_d_off, fmv.x.d a0, f20
  SET_FS FS_CLEAN
  fmv.x.d a0, f20
  CHECK(a0, 0x1234567890abcdef)

  ld ra, 0(sp)
  addi sp, sp, 16
  ret

s_fadd:
  fadd.s f1, f2, f3
  ebreak

  .data
  .balign 8
fdata: .dword 0x3ff0000000000000
