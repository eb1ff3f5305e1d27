// Hart instruction tests: each instruction class runs in a real hart and is checked by its results.
#include "engine/riscv/insn.h"
#include "riscv/test_machine.h"

namespace xenith::riscv::test {
namespace {

// Sets mtvec to a handler that records mcause/mepc/mtval in s8/s9/s10 and exits with a0 = 0xdead.
constexpr char const* trap_prologue = R"(
    la t0, trap
    csrw mtvec, t0
    j main
    .balign 4
trap:
    csrr s8, mcause
    csrr s9, mepc
    csrr s10, mtval
    li a0, 0xdead
    li t6, 0x100000
    sw a0, 0(t6)
98: j 98b
main:
)";

std::string program(std::string const& body) { return std::string(trap_prologue) + body + exit_seq; }

TEST(HartIsa, IntegerArithmeticAndShifts)
{
    TestMachine m;
    m.load(program(R"(
    li a1, -7
    li a2, 3
    add s1, a1, a2
    sub s2, a1, a2
    slt s3, a1, a2
    sltu s4, a1, a2
    srai s5, a1, 1
    srli s6, a1, 60
    addiw s7, a1, 0x7ff
    li t0, 0x7fffffff
    addw t1, t0, t0
    sraw t2, a1, a2
    lui t3, 0xfffff
    li a0, 0
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s1), uint64_t(-4));
    EXPECT_EQ(m.reg(s2), uint64_t(-10));
    EXPECT_EQ(m.reg(s3), 1u);
    EXPECT_EQ(m.reg(s4), 0u);
    EXPECT_EQ(m.reg(s5), uint64_t(-4));
    EXPECT_EQ(m.reg(s6), 0xfu);
    EXPECT_EQ(m.reg(s7), uint64_t(0x7ff - 7));
    EXPECT_EQ(m.reg(t1), uint64_t(-2));
    EXPECT_EQ(m.reg(t2), uint64_t(-1));
    EXPECT_EQ(m.reg(t3), 0xfffffffffffff000ull);
    EXPECT_EQ(m.reg(zero), 0u);
}

TEST(HartIsa, MultiplyDivideEdgeCases)
{
    TestMachine m;
    m.load(program(R"(
    li a1, -1
    li a2, 0
    li a3, 1
    slli a3, a3, 63      # INT64_MIN
    div s1, a3, a1       # overflow: INT64_MIN
    rem s2, a3, a1       # overflow: 0
    div s3, a1, a2       # by zero: -1
    divu s4, a3, a2      # by zero: all ones
    rem s5, a3, a2       # by zero: dividend
    mulh s6, a3, a1      # INT64_MIN * -1 >> 64 = 0
    mulhu s7, a1, a1     # (2^64-1)^2 >> 64 = 2^64-2
    mulhsu t0, a1, a1    # -1 * (2^64-1) >> 64 = -1
    li t1, 0x80000000
    divw t2, t1, a1      # INT32_MIN / -1 = INT32_MIN sign-extended
    remuw t3, a1, a2     # by zero: dividend sign-extended (-1)
    li a4, 100
    li a5, 7
    div t4, a4, a5
    remu t5, a4, a5
    li a0, 0
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s1), 1ull << 63);
    EXPECT_EQ(m.reg(s2), 0u);
    EXPECT_EQ(m.reg(s3), ~0ull);
    EXPECT_EQ(m.reg(s4), ~0ull);
    EXPECT_EQ(m.reg(s5), 1ull << 63);
    EXPECT_EQ(m.reg(s6), 0u);
    EXPECT_EQ(m.reg(s7), ~0ull - 1);
    EXPECT_EQ(m.reg(t0), ~0ull);
    EXPECT_EQ(m.reg(t2), 0xffffffff80000000ull);
    EXPECT_EQ(m.reg(t3), ~0ull);
    EXPECT_EQ(m.reg(t4), 14u);
    EXPECT_EQ(m.reg(t5), 2u);
}

TEST(HartIsa, BranchesAndLoopsSumOneToHundred)
{
    TestMachine m;
    m.load(program(R"(
    li a1, 0
    li a2, 1
    li a3, 101
1:  add a1, a1, a2
    addi a2, a2, 1
    bne a2, a3, 1b
    call fn
    mv a0, zero
    j end
fn: li s2, 42
    ret
end:
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(a1), 5050u);
    EXPECT_EQ(m.reg(s2), 42u);
    EXPECT_GT(m.hart->instret(), 300u);
}

TEST(HartIsa, LoadsStoresSignExtensionAndMisaligned)
{
    TestMachine m;
    m.load(program(R"(
    li a1, 0x80100000
    li a2, 0x8899aabbccddeeff
    sd a2, 0(a1)
    lb s1, 0(a1)
    lbu s2, 0(a1)
    lh s3, 2(a1)
    lhu s4, 2(a1)
    lw s5, 4(a1)
    lwu s6, 4(a1)
    ld s7, 0(a1)
    sd a2, 0x13(a1)      # misaligned store to RAM is performed
    ld t0, 0x13(a1)
    li a3, 0x80100ffd    # misaligned across a page boundary
    sw a2, 0(a3)
    lw t1, 0(a3)
    li a0, 0
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s1), uint64_t(int64_t(int8_t(0xff))));
    EXPECT_EQ(m.reg(s2), 0xffu);
    EXPECT_EQ(m.reg(s3), 0xffffffffffffccddull);
    EXPECT_EQ(m.reg(s4), 0xccddu);
    EXPECT_EQ(m.reg(s5), 0xffffffff8899aabbull);
    EXPECT_EQ(m.reg(s6), 0x8899aabbull);
    EXPECT_EQ(m.reg(s7), 0x8899aabbccddeeffull);
    EXPECT_EQ(m.reg(t0), 0x8899aabbccddeeffull);
    EXPECT_EQ(m.reg(t1), 0xffffffffccddeeffull);
    EXPECT_EQ(m.ram<uint32_t>(0x80100ffd), 0xccddeeffu);
}

TEST(HartIsa, CompressedInstructions)
{
    TestMachine m;
    m.load(program(R"(
    c.li s0, 5
    c.addi s0, 3
    c.slli s0, 2
    c.mv s1, s0
    c.add s1, s0
    c.addiw s1, -1
    li a1, 0x80100000
    c.sd s1, 8(a1)
    c.ld a2, 8(a1)
    c.lui a3, 0x3
    c.srai a3, 1
    c.andi a3, 0x1f
    c.li a5, 0
    c.beqz a5, 1f
    li s2, 99
1:  c.j 2f
    li s2, 98
2:  c.addi16sp sp, 32
    c.addi4spn a4, sp, 16
    li a0, 0
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s0), 32u);
    EXPECT_EQ(m.reg(s1), 63u);
    EXPECT_EQ(m.reg(a2), 63u);
    EXPECT_EQ(m.reg(a3), (0x3000u >> 1) & 0x1f);
    EXPECT_EQ(m.reg(s2), 0u);
    EXPECT_EQ(m.reg(a4), 48u);
}

TEST(HartIsa, BitManipulationZbaZbbZbs)
{
    TestMachine m;
    m.load(program(R"(
    li a1, 0xf0
    li a2, 0x1000
    sh3add s1, a1, a2
    li a3, -1
    add.uw s2, a3, zero
    clz s3, a1
    ctz s4, a1
    cpop s5, a3
    rev8 s6, a1
    li t0, 0x0100ff00
    orc.b s7, t0
    bseti t1, zero, 63
    bexti t2, a1, 4
    rori t3, a1, 4
    sext.b t4, a1
    zext.h t5, a3
    min a4, a3, a1
    maxu a5, a3, a1
    li a0, 0
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s1), 0x1000u + 0xf0u * 8);
    EXPECT_EQ(m.reg(s2), 0xffffffffu);
    EXPECT_EQ(m.reg(s3), 56u);
    EXPECT_EQ(m.reg(s4), 4u);
    EXPECT_EQ(m.reg(s5), 64u);
    EXPECT_EQ(m.reg(s6), 0xf000000000000000ull);
    EXPECT_EQ(m.reg(s7), 0xff00ff00ull);
    EXPECT_EQ(m.reg(t1), 1ull << 63);
    EXPECT_EQ(m.reg(t2), 1u);
    EXPECT_EQ(m.reg(t3), 0xfu);
    EXPECT_EQ(m.reg(t4), uint64_t(-16));
    EXPECT_EQ(m.reg(t5), 0xffffu);
    EXPECT_EQ(m.reg(a4), ~0ull);
    EXPECT_EQ(m.reg(a5), ~0ull);
}

TEST(HartIsa, GarbageIsIllegalInstructionWithBitsInTval)
{
    TestMachine m;
    m.load(program(R"(
    .word 0xffffffff
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s8), 2u);
    EXPECT_EQ(m.reg(s10), 0xffffffffu);
    EXPECT_EQ(m.reg(a0), 0xdeadu);
}

TEST(HartIsa, AllZeroCompressedIsIllegal)
{
    TestMachine m;
    m.load(program(R"(
    .half 0
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s8), 2u);
    EXPECT_EQ(m.reg(s10), 0u);
}

TEST(HartIsa, UnmappedLoadIsAccessFault)
{
    TestMachine m;
    m.load(program(R"(
    li a1, 0x40000000
    ld a2, 0(a1)
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s8), 5u);
    EXPECT_EQ(m.reg(s10), 0x40000000u);
}

TEST(HartIsa, UnmappedStoreAndFetchAreAccessFaults)
{
    TestMachine m;
    m.load(program(R"(
    la t0, 1f
    csrw mtvec, t0
    li a1, 0x90000000     # past the end of 16 MiB of RAM
    sd a1, 0(a1)
1:  csrr s2, mcause
    csrr s3, mtval
    la t0, trap
    csrw mtvec, t0
    li a1, 0x3000
    jr a1
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s2), 7u);
    EXPECT_EQ(m.reg(s3), 0x90000000u);
    EXPECT_EQ(m.reg(s8), 1u);
    EXPECT_EQ(m.reg(s10), 0x3000u);
}

TEST(HartIsa, MmioLoadsAndStoresReachTheDevice)
{
    TestMachine m;
    m.load(program(R"(
    li a1, 0x100000
    lw s1, 8(a1)
    li a2, 0x1234
    sd a2, 8(a1)
    li a0, 0
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s1), 0x5au);
    EXPECT_EQ(m.exit_device.last_write, 0x1234u);
}

TEST(HartIsa, LrScAndAmos)
{
    TestMachine m;
    m.load(program(R"(
    li a1, 0x80100000
    li a2, 10
    sd a2, 0(a1)
    lr.d s1, (a1)
    addi s1, s1, 1
    sc.d s2, s1, (a1)     # succeeds: 0
    sc.d s3, s1, (a1)     # no reservation: 1
    li a3, 5
    amoadd.d s4, a3, (a1) # old 11, new 16
    li a4, -1
    amomaxu.d s5, a4, (a1)
    ld s6, 0(a1)
    sw zero, 8(a1)
    addi a5, a1, 8
    amominu.w zero, a3, (a5)
    li a4, -3
    amomin.w s7, a4, (a5)
    lw t0, 8(a1)
    li a0, 0
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s2), 0u);
    EXPECT_EQ(m.reg(s3), 1u);
    EXPECT_EQ(m.reg(s4), 11u);
    EXPECT_EQ(m.reg(s5), 16u);
    EXPECT_EQ(m.reg(s6), ~0ull);
    EXPECT_EQ(m.reg(s7), 0u);
    EXPECT_EQ(m.reg(t0), uint64_t(-3));
}

TEST(HartIsa, MisalignedAmoIsStoreAddressMisaligned)
{
    TestMachine m;
    m.load(program(R"(
    li a1, 0x80100004
    amoadd.d s1, a1, (a1)
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s8), 6u);
    EXPECT_EQ(m.reg(s10), 0x80100004u);
}

TEST(HartIsa, MisalignedLrIsLoadAddressMisaligned)
{
    TestMachine m;
    m.load(program(R"(
    li a1, 0x80100002
    lr.w s1, (a1)
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s8), 4u);
}

TEST(HartIsa, SelfModifyingCodeWithFenceI)
{
    TestMachine m;
    m.load(program(R"(
    .option norvc
    li s1, 0
    la a1, patch
    call patch          # first run: s1 += 1
    lw t0, new_insn
    sw t0, 0(a1)
    fence.i
    call patch          # patched: s1 += 100
    li a0, 0
    j done
patch:
    addi s1, s1, 1
    ret
new_insn:
    addi s1, s1, 100
done:
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s1), 101u);
}

TEST(HartIsa, CsrAccessRulesAndMisa)
{
    TestMachine m;
    m.load(program(R"(
    csrr s1, misa
    csrr s2, mhartid
    csrr s3, mstatus
    li t0, 0x1234
    csrw mscratch, t0
    csrrs s4, mscratch, zero
    csrrwi s5, mscratch, 7
    csrr s6, mscratch
    csrw mvendorid, t0     # read-only: illegal
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s1), (2ull << 62) | 0x14112du);
    EXPECT_EQ(m.reg(s2), 0u);
    EXPECT_EQ((m.reg(s3) >> 32) & 0xf, 0xau); // UXL = SXL = 2
    EXPECT_EQ(m.reg(s4), 0x1234u);
    EXPECT_EQ(m.reg(s5), 0x1234u);
    EXPECT_EQ(m.reg(s6), 7u);
    EXPECT_EQ(m.reg(s8), 2u);
}

TEST(HartIsa, UnknownCsrIsIllegal)
{
    TestMachine m;
    m.load(program(R"(
    csrr a1, 0x7c0
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s8), 2u);
    EXPECT_EQ(m.reg(s10), 0x7c0025f3u);
}

TEST(HartIsa, SatpIsWarlAndIgnoresSv57)
{
    TestMachine m;
    m.load(program(R"(
    li t0, (8 << 60) | 0x80200
    csrw satp, t0
    csrr s1, satp
    li t0, (10 << 60) | 0x80300
    csrw satp, t0
    csrr s2, satp
    li t0, (9 << 60) | 0x80400
    csrw satp, t0
    csrr s3, satp
    csrw satp, zero
    li a0, 0
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s1), (8ull << 60) | 0x80200);
    EXPECT_EQ(m.reg(s2), (8ull << 60) | 0x80200);
    EXPECT_EQ(m.reg(s3), (9ull << 60) | 0x80400);
}

TEST(HartIsa, FloatingPointNeedsFsAndTracksDirty)
{
    TestMachine m;
    m.load(program(R"(
    la t0, 1f
    csrw mtvec, t0
    fadd.d f0, f1, f2      # FS = Off: illegal
1:  csrr s1, mcause
    la t0, trap
    csrw mtvec, t0
    li t0, 1 << 13         # FS = Initial
    csrs mstatus, t0
    li t1, 0x3ff8000000000000   # 1.5
    fmv.d.x f1, t1
    fadd.d f2, f1, f1
    fmv.x.d s2, f2
    fcvt.l.d s3, f2
    li t2, 1
    fcvt.s.l f3, t2
    fmv.x.w s4, f3
    fsd f2, -8(sp)
    flw f4, -8(sp)
    fmv.x.d s5, f4         # NaN-boxed by flw
    csrr s6, mstatus
    li t3, 0x7f800000      # +inf as single
    fmv.w.x f5, t3
    fmv.w.x f6, zero
    fmul.s f7, f5, f6      # inf * 0 = NaN, NV
    csrr s7, fflags
    li a0, 0
)"));
    m.hart->set_reg(sp, ram_base + 0x10000);
    m.run_to_exit();
    EXPECT_EQ(m.reg(s1), 2u);
    EXPECT_EQ(m.reg(s2), 0x4008000000000000ull); // 3.0
    EXPECT_EQ(m.reg(s3), 3u);
    EXPECT_EQ(m.reg(s4), 0x3f800000u);
    EXPECT_EQ(m.reg(s5) >> 32, 0xffffffffu);
    EXPECT_EQ((m.reg(s6) >> 13) & 3, 3u);
    EXPECT_EQ(m.reg(s6) >> 63, 1u);
    EXPECT_EQ(m.reg(s7), 0x10u);
}

TEST(HartIsa, ReservedDynamicRoundingModeIsIllegal)
{
    TestMachine m;
    m.load(program(R"(
    li t0, 1 << 13
    csrs mstatus, t0
    li t0, 5
    csrw frm, t0
    fadd.d f0, f1, f2, dyn
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s8), 2u);
}

} // namespace
} // namespace xenith::riscv::test

namespace xenith::riscv::test {
namespace {

// FENCE keeps its pred/succ sets: the interpreter needs them to pick a host barrier.
TEST(HartDecode, FenceKeepsPredecessorAndSuccessorSets)
{
    Insn rw_rw = decode(0x0330000f); // fence rw, rw
    EXPECT_EQ(rw_rw.op, Op::Fence);
    EXPECT_EQ(rw_rw.imm, 0x033);
    Insn tso = decode(0x8330000f); // fence.tso
    EXPECT_EQ(tso.op, Op::Fence);
    EXPECT_EQ((tso.imm >> 8) & 0xf, 8);
}

TEST(HartDecode, WritesToX0BecomeNopsOrGoToTheSink)
{
    EXPECT_EQ(decode(0x00100013).op, Op::Nop);      // addi x0, x0, 1
    Insn load = decode(0x00003003);                 // ld x0, 0(x0): still faults, result discarded
    EXPECT_EQ(load.op, Op::Ld);
    EXPECT_EQ(load.rd, x_sink);
}

} // namespace
} // namespace xenith::riscv::test
