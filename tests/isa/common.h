// Shared prologue, signature printing, trap handling and verdict macros for the ISA tests.
//
// Each test includes this file once, then defines `test_main` (entered in M-mode with a
// stack, the common M-mode trap handler installed and PMP open for S/U) and ends with
// `TEST_PASS`. Conventions:
//   - t6 and gp belong to the macros; tests never keep a value in them.
//   - SIG/SIGF print "name=<16 hex digits>\n" on the UART and preserve every register.
//   - Printing touches the UART directly, so only print where it is reachable (M-mode,
//     or S-mode with satp = 0).
//   - A trap the test did not arm with EXPECT_TRAP/EXPECT_TRAP_SKIP fails the test.

.option nopic

#define UART_BASE   0x10000000
#define FINISHER    0x100000
#define CLINT_MSIP  0x2000000
#define CLINT_MTIMECMP 0x2004000
#define CLINT_MTIME 0x200bff8

#define MSTATUS_SIE  (1 << 1)
#define MSTATUS_MIE  (1 << 3)
#define MSTATUS_SPIE (1 << 5)
#define MSTATUS_MPIE (1 << 7)
#define MSTATUS_SPP  (1 << 8)
#define MSTATUS_MPP  (3 << 11)
#define MSTATUS_FS   (3 << 13)
#define MSTATUS_MPRV (1 << 17)
#define MSTATUS_SUM  (1 << 18)
#define MSTATUS_MXR  (1 << 19)
#define MSTATUS_TVM  (1 << 20)
#define MSTATUS_TW   (1 << 21)
#define MSTATUS_TSR  (1 << 22)

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

#define PTE_V (1 << 0)
#define PTE_R (1 << 1)
#define PTE_W (1 << 2)
#define PTE_X (1 << 3)
#define PTE_U (1 << 4)
#define PTE_G (1 << 5)
#define PTE_A (1 << 6)
#define PTE_D (1 << 7)

// Trap record written by the M-mode handler (and the S-mode one at strap_info).
#define TI_CAUSE   0
#define TI_EPC     8
#define TI_TVAL    16
#define TI_COUNT   24
#define TI_STATUS  32
#define TI_RESUME  40
// Special resume value: step over the trapping instruction and return to the same mode.
#define RESUME_SKIP 1

// Fail unless reg == val (val: any `li` immediate). The fail code is the source line.
#define CHECK(reg, val) \
  li t6, val; beq reg, t6, 9999f; mv a1, reg; li a0, __LINE__; j test_fail_value; 9999:

// Fail unless reg1 == reg2.
#define CHECK_REG(reg1, reg2) \
  beq reg1, reg2, 9999f; mv a1, reg1; li a0, __LINE__; j test_fail_value; 9999:

// Arm the M-mode handler: the next trap resumes at `label` in M-mode.
.macro EXPECT_TRAP label
  la t6, \label
  la gp, trap_info
  sd t6, TI_RESUME(gp)
.endm

.macro EXPECT_TRAP_SKIP
  la gp, trap_info
  li t6, RESUME_SKIP
  sd t6, TI_RESUME(gp)
.endm

// Same for the S-mode handler (only when stvec = s_trap and traps are delegated).
.macro EXPECT_STRAP label
  la t6, \label
  la gp, strap_info
  sd t6, TI_RESUME(gp)
.endm

.macro EXPECT_STRAP_SKIP
  la gp, strap_info
  li t6, RESUME_SKIP
  sd t6, TI_RESUME(gp)
.endm

// Leave M-mode for `mode` (PRV_U/PRV_S/PRV_M) at `label`. Clobbers t6.
.macro GOTO_MODE mode, label
  li t6, MSTATUS_MPP
  csrc mstatus, t6
  li t6, (\mode << 11)
  csrs mstatus, t6
  la t6, \label
  csrw mepc, t6
  mret
.endm

// Print "name=<hex>\n"; preserves all registers (reg must not be sp).
.macro SIG name, reg
  addi sp, sp, -48
  sd ra, 0(sp)
  sd a0, 8(sp)
  sd a1, 16(sp)
  sd t0, 24(sp)
  sd t1, 32(sp)
  sd t2, 40(sp)
  mv a0, \reg
  .pushsection .rodata.str, "aMS", @progbits, 1
9998: .asciz "\name"
  .popsection
  la a1, 9998b
  call print_sig
  ld ra, 0(sp)
  ld a0, 8(sp)
  ld a1, 16(sp)
  ld t0, 24(sp)
  ld t1, 32(sp)
  ld t2, 40(sp)
  addi sp, sp, 48
.endm

// Print the raw 64 bits of an FP register (requires FS != Off).
.macro SIGF name, freg
  addi sp, sp, -16
  sd t6, 0(sp)
  fmv.x.d t6, \freg
  SIG \name, t6
  ld t6, 0(sp)
  addi sp, sp, 16
.endm

// Print a CSR.
.macro SIGCSR name, csr
  addi sp, sp, -16
  sd t6, 0(sp)
  csrr t6, \csr
  SIG \name, t6
  ld t6, 0(sp)
  addi sp, sp, 16
.endm

// Print a line of text.
.macro PRINT text
  addi sp, sp, -48
  sd ra, 0(sp)
  sd a0, 8(sp)
  sd a1, 16(sp)
  sd t0, 24(sp)
  sd t1, 32(sp)
  sd t2, 40(sp)
  .pushsection .rodata.str, "aMS", @progbits, 1
9998: .asciz "\text\n"
  .popsection
  la a1, 9998b
  call print_str
  ld ra, 0(sp)
  ld a0, 8(sp)
  ld a1, 16(sp)
  ld t0, 24(sp)
  ld t1, 32(sp)
  ld t2, 40(sp)
  addi sp, sp, 48
.endm

// Print the last M-mode trap (cause, epc, tval) and clear the record's count.
.macro SIG_TRAP name
  addi sp, sp, -16
  sd t6, 0(sp)
  la t6, trap_info
  ld t6, TI_CAUSE(t6)
  SIG \name\().cause, t6
  la t6, trap_info
  ld t6, TI_EPC(t6)
  SIG \name\().epc, t6
  la t6, trap_info
  ld t6, TI_TVAL(t6)
  SIG \name\().tval, t6
  ld t6, 0(sp)
  addi sp, sp, 16
.endm

.macro SIG_STRAP name
  addi sp, sp, -16
  sd t6, 0(sp)
  la t6, strap_info
  ld t6, TI_CAUSE(t6)
  SIG \name\().scause, t6
  la t6, strap_info
  ld t6, TI_EPC(t6)
  SIG \name\().sepc, t6
  la t6, strap_info
  ld t6, TI_TVAL(t6)
  SIG \name\().stval, t6
  ld t6, 0(sp)
  addi sp, sp, 16
.endm

// Load the last M-mode trap cause into reg.
.macro TRAP_CAUSE reg
  la \reg, trap_info
  ld \reg, TI_CAUSE(\reg)
.endm
.macro TRAP_TVAL reg
  la \reg, trap_info
  ld \reg, TI_TVAL(\reg)
.endm
.macro TRAP_EPC reg
  la \reg, trap_info
  ld \reg, TI_EPC(\reg)
.endm
.macro TRAP_COUNT reg
  la \reg, trap_info
  ld \reg, TI_COUNT(\reg)
.endm
.macro STRAP_CAUSE reg
  la \reg, strap_info
  ld \reg, TI_CAUSE(\reg)
.endm
.macro STRAP_TVAL reg
  la \reg, strap_info
  ld \reg, TI_TVAL(\reg)
.endm
.macro STRAP_EPC reg
  la \reg, strap_info
  ld \reg, TI_EPC(\reg)
.endm

// Fail unless the last M-mode trap had this cause.
#define CHECK_TRAP_CAUSE(val) TRAP_CAUSE gp; CHECK(gp, val)
#define CHECK_STRAP_CAUSE(val) STRAP_CAUSE gp; CHECK(gp, val)

#define TEST_PASS j test_pass

// Test entry, helpers and handlers. Expanded once per test program.
.macro TEST_PROLOGUE name
  .section .text.init, "ax"
  .globl _start
_start:
  .option push
  .option norelax
  la gp, trap_info
  .option pop
  la sp, stack_top
  la t0, m_trap
  csrw mtvec, t0
  la t0, trap_stack_top
  csrw mscratch, t0
  // Open all of memory to S and U (NAPOT over the whole space, RWX).
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  PRINT "test \name"
  call test_main
  TEST_PASS

  .text
  .globl test_pass
test_pass:
  PRINT "PASS"
  li t0, FINISHER
  li t1, 0x5555
  sw t1, 0(t0)
1: j 1b

  // a0 = line of the failing check, a1 = the value it saw.
test_fail_value:
  mv s10, a0
  mv s11, a1
  PRINT "FAIL"
  SIG line, s10
  SIG value, s11
  slli s10, s10, 16
  li t1, 0x3333
  or s10, s10, t1
  li t0, FINISHER
  sw s10, 0(t0)
1: j 1b

  // print_str(a1 = NUL-terminated string). Clobbers t0, t1, a1.
print_str:
  li t0, UART_BASE
1: lbu t1, 0(a1)
  beqz t1, 3f
2: lbu a0, 5(t0)
  andi a0, a0, 0x20
  beqz a0, 2b
  sb t1, 0(t0)
  addi a1, a1, 1
  j 1b
3: ret

  // print_sig(a0 = value, a1 = name): "name=%016lx\n". Clobbers a0, a1, t0-t2.
print_sig:
  mv t2, a0
  mv a0, ra
  addi sp, sp, -32
  sd a0, 0(sp)
  call print_str
  // '=' then 16 hex digits then '\n', built on the stack.
  li t0, '='
  sb t0, 8(sp)
  li t1, 60
1: srl t0, t2, t1
  andi t0, t0, 15
  addi t0, t0, '0'
  li a0, '9'
  ble t0, a0, 2f
  addi t0, t0, 'a' - '9' - 1
2: li a0, 60
  sub a0, a0, t1
  srli a0, a0, 2
  add a0, a0, sp
  sb t0, 9(a0)
  addi t1, t1, -4
  bgez t1, 1b
  li t0, '\n'
  sb t0, 25(sp)
  sb zero, 26(sp)
  addi a1, sp, 8
  call print_str
  ld ra, 0(sp)
  addi sp, sp, 32
  ret

  // The common M-mode trap handler: records the trap, then resumes as armed.
  .balign 4
  .globl m_trap
m_trap:
  csrrw sp, mscratch, sp
  sd t0, 0(sp)
  sd t1, 8(sp)
  sd t2, 16(sp)
  la t0, trap_info
  csrr t1, mcause
  sd t1, TI_CAUSE(t0)
  csrr t1, mepc
  sd t1, TI_EPC(t0)
  csrr t1, mtval
  sd t1, TI_TVAL(t0)
  ld t1, TI_COUNT(t0)
  addi t1, t1, 1
  sd t1, TI_COUNT(t0)
  csrr t1, mstatus
  sd t1, TI_STATUS(t0)
  ld t1, TI_RESUME(t0)
  sd zero, TI_RESUME(t0)
  beqz t1, m_trap_unexpected
  li t2, RESUME_SKIP
  beq t1, t2, 1f
  // Resume in M-mode at the armed label, with interrupts off (MPIE = 0) so that a
  // still-pending interrupt does not fire again before the test looks at it.
  csrw mepc, t1
  li t1, MSTATUS_MPP
  csrs mstatus, t1
  li t1, MSTATUS_MPIE
  csrc mstatus, t1
  j 3f
1: // Step over the instruction (its first halfword is read physically).
  csrr t1, mepc
  lhu t2, 0(t1)
  andi t2, t2, 3
  addi t1, t1, 2
  li t0, 3
  bne t2, t0, 2f
  addi t1, t1, 2
2: csrw mepc, t1
3: ld t0, 0(sp)
  ld t1, 8(sp)
  ld t2, 16(sp)
  csrrw sp, mscratch, sp
  mret
m_trap_unexpected:
  csrrw sp, mscratch, sp
  la sp, stack_top
  PRINT "unexpected trap"
  SIGCSR mcause, mcause
  SIGCSR mepc, mepc
  SIGCSR mtval, mtval
  li a0, 0xfff
  li a1, 0
  j test_fail_value

  // The common S-mode trap handler (install with stvec = s_trap, sscratch = s_trap_stack_top).
  .balign 4
  .globl s_trap
s_trap:
  csrrw sp, sscratch, sp
  sd t0, 0(sp)
  sd t1, 8(sp)
  sd t2, 16(sp)
  la t0, strap_info
  csrr t1, scause
  sd t1, TI_CAUSE(t0)
  csrr t1, sepc
  sd t1, TI_EPC(t0)
  csrr t1, stval
  sd t1, TI_TVAL(t0)
  ld t1, TI_COUNT(t0)
  addi t1, t1, 1
  sd t1, TI_COUNT(t0)
  csrr t1, sstatus
  sd t1, TI_STATUS(t0)
  ld t1, TI_RESUME(t0)
  sd zero, TI_RESUME(t0)
  beqz t1, s_trap_unexpected
  li t2, RESUME_SKIP
  beq t1, t2, 1f
  csrw sepc, t1
  li t1, MSTATUS_SPP
  csrs sstatus, t1
  li t1, MSTATUS_SPIE
  csrc sstatus, t1
  j 3f
1: csrr t1, sepc
  lhu t2, 0(t1)
  andi t2, t2, 3
  addi t1, t1, 2
  li t0, 3
  bne t2, t0, 2f
  addi t1, t1, 2
2: csrw sepc, t1
3: ld t0, 0(sp)
  ld t1, 8(sp)
  ld t2, 16(sp)
  csrrw sp, sscratch, sp
  sret
s_trap_unexpected:
  // Report through M-mode (S cannot reach the finisher when paging hides it); ebreak,
  // because tests delegate ecalls. The stack is switched back first: M may resume the test.
  ld t0, 0(sp)
  ld t1, 8(sp)
  ld t2, 16(sp)
  csrrw sp, sscratch, sp
  ebreak

  .data
  .balign 64
  .globl trap_info, strap_info
trap_info:  .dword 0, 0, 0, 0, 0, 0, 0, 0
strap_info: .dword 0, 0, 0, 0, 0, 0, 0, 0

  .bss
  .balign 16
  .space 8192
stack_top:
  .space 1024
trap_stack_top:
  .space 1024
  .globl s_trap_stack_top
s_trap_stack_top:

  .text
.endm

// Install the common S-mode handler (call in M-mode or S-mode).
.macro SETUP_S_TRAP
  la t6, s_trap
  csrw stvec, t6
  la t6, s_trap_stack_top
  csrw sscratch, t6
.endm

// Run code at `label` in `mode`; the first trap into M-mode comes back here, in M-mode, with
// the trap recorded. Use: RUN_AS PRV_U, some_code ... then CHECK_TRAP_CAUSE(...).
.macro RUN_AS mode, label
  EXPECT_TRAP 7777f
  GOTO_MODE \mode, \label
7777:
.endm

// Page-table helpers (M-mode, physical addresses). table: label of a 4 KiB table;
// pa: register holding the target physical address. Clobber t0-t2.
.macro SET_PTE table, index, pa, flags
  srli t0, \pa, 12
  slli t0, t0, 10
  ori t0, t0, \flags
  la t1, \table
  li t2, (\index) * 8
  add t1, t1, t2
  sd t0, 0(t1)
.endm

// Point entry `index` of `table` at the next-level table `next` (a non-leaf PTE).
.macro SET_PTE_TABLE table, index, next
  la t3, \next
  SET_PTE \table, \index, t3, PTE_V
.endm

// Load PTE `index` of `table` into reg.
.macro GET_PTE reg, table, index
  la \reg, \table
  ld \reg, (\index) * 8(\reg)
.endm

#define SATP_SV39 (8 << 60)
#define SATP_SV48 (9 << 60)
#define SATP_SV57 (10 << 60)
// satp <- mode | root >> 12, then flush.
.macro SET_SATP mode, root
  la t0, \root
  srli t0, t0, 12
  li t1, \mode
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
.endm
