// Superinstructions and block chaining: every fused pair against the same pair kept apart by a nop,
// precise traps inside a fused pair, rewritten fused code, and successors in other pages.
#include <cstring>

#include "engine/riscv/csr_numbers.h"
#include "engine/riscv/insn.h"
#include "riscv/test_machine.h"

namespace xenith::riscv::test {
namespace {

// Common state: s0 = a data page; registers with distinct values. The data page holds
// +0 a pointer to +16, +8 0x8123456789abcdef, +16 bytes 00 80 7f ff 01 02 03 04,
// +24 0xfedcba9876543210, +32.. zeros (store targets; +32 holds jump targets).
constexpr char const* prelude = R"(
    la t0, trap
    csrw mtvec, t0
    la s0, buf
    addi t0, s0, 16
    sd t0, 0(s0)
    li a1, 0x1234
    li a2, -5
    li a3, 8
    li a4, 3
    li a5, 0x7fffffff
    li a6, 0x80000001
    li a7, 0xff
    li s1, 0x0123456789abcdef
    li s2, 7
    li s3, 13
    li t2, 0x77
)";

// Ends a case: the fall-through path sets a0 = 1, the branch/jump target a0 = 2; a link register
// becomes the distance from the return address to the target, which does not depend on layout;
// then the instruction count so far, and code addresses are cleared.
constexpr char const* epilogue = R"(
    li a0, 1
    j 2f
1:
tgt:
    auipc t6, 0
    beqz ra, 3f
    sub ra, t6, ra
3:
    li a0, 2
2:
    csrr s11, minstret
    li t0, 0
    sd zero, 32(s0)
    li t6, 0x100000
    sw a0, 0(t6)
99: j 99b
    .balign 4
trap:
    csrr s11, minstret
    csrr s8, mcause
    csrr s9, mepc
    csrr s10, mtval
    li a0, 0xdead
    li t6, 0x100000
    sw a0, 0(t6)
98: j 98b
    .balign 4096
buf:
    .dword 0
    .dword 0x8123456789abcdef
    .byte 0, 0x80, 0x7f, 0xff, 1, 2, 3, 4
    .dword 0xfedcba9876543210
    .fill 32, 1, 0
)";

struct Case {
    Op fused;           // the op the pair must fuse to
    char const* setup;  // before the pair's block
    char const* first;
    char const* second;
    int outcome;        // 1 falls through, 2 reaches the target, 0 either
};

// Every pair of XENITH_RISCV_FUSED at least once; branches both ways.
Case const cases[] = {
    { Op::FusedLdLd, "", "ld t1, 0(s0)", "ld t2, 0(t1)", 1 },
    { Op::FusedSdSd, "", "sd s1, 40(s0)", "sd a2, 48(s0)", 1 },
    { Op::FusedLdAdd, "", "ld t1, 8(s0)", "add t2, t1, a1", 1 },
    { Op::FusedLdAddi, "", "ld t1, 24(s0)", "addi t1, t1, -37", 1 },
    { Op::FusedLdSd, "", "ld t1, 8(s0)", "sd t1, 40(s0)", 1 },
    { Op::FusedSdLd, "", "sd s1, 40(s0)", "ld t1, 40(s0)", 1 },
    { Op::FusedSdAddi, "", "sd a2, 48(s0)", "addi t1, a1, 100", 1 },
    { Op::FusedAddiSd, "", "addi t1, a1, 1", "sd t1, 40(s0)", 1 },
    { Op::FusedAddiLd, "", "addi t1, s0, 8", "ld t2, 0(t1)", 1 },
    { Op::FusedAddAdd, "", "add t1, a1, a2", "add t2, t1, s1", 1 },
    { Op::FusedAddLb, "", "add t1, s0, a3", "lb t2, 7(t1)", 1 },
    { Op::FusedAddLbu, "", "add t1, s0, a3", "lbu t2, 7(t1)", 1 },
    { Op::FusedAddLhu, "", "add t1, s0, a3", "lhu t2, 6(t1)", 1 },
    { Op::FusedAddLw, "", "add t1, s0, a3", "lw t2, 4(t1)", 1 },
    { Op::FusedAddLd, "", "add t1, s0, a3", "ld t2, 16(t1)", 1 },
    { Op::FusedAddSb, "", "add t1, s0, a3", "sb a7, 33(t1)", 1 },
    { Op::FusedAddAddi, "", "add t1, a1, a2", "addi t2, t1, 2047", 1 },
    { Op::FusedAddiAdd, "", "addi t1, a1, -2048", "add t2, t1, t1", 1 },
    { Op::FusedAddiAddi, "", "addi t1, a1, 500", "addi t1, t1, 700", 1 },
    { Op::FusedAddiLbu, "", "addi t1, s0, 16", "lbu t2, 3(t1)", 1 },
    { Op::FusedSlliAdd, "", "slli t1, a4, 3", "add t2, t1, s0", 1 },
    { Op::FusedAndSlli, "", "and t1, s1, a7", "slli t2, t1, 4", 1 },
    { Op::FusedSrliAdd, "", "srli t1, s1, 40", "add t2, t1, a1", 1 },
    { Op::FusedLbuAddi, "", "lbu t1, 17(s0)", "addi t2, t1, 1", 1 },
    { Op::FusedLbAddi, "", "lb t1, 17(s0)", "addi t2, t1, 1", 1 },
    { Op::FusedLbLb, "", "lb t1, 19(s0)", "lb t2, 18(s0)", 1 },
    { Op::FusedLbuLbu, "", "lbu t1, 19(s0)", "lbu t2, 16(s0)", 1 },
    { Op::FusedAddwAddw, "", "addw t1, a5, a5", "addw t2, t1, a6", 1 },
    { Op::FusedAddiwAddiw, "", "addiw t1, a5, 1", "addiw t2, t1, -1", 1 },
    { Op::FusedMulwAddw, "", "mulw t1, a5, a6", "addw t2, t1, a1", 1 },
    { Op::FusedAddiMulw, "", "addi t1, a1, 3", "mulw t2, t1, a5", 1 },
    { Op::FusedOrXor, "", "or t1, a1, a2", "xor t2, t1, s1", 1 },
    { Op::FusedSrliwOr, "", "srliw t1, s1, 7", "or t2, t1, a1", 1 },
    { Op::FusedSlliwOr, "", "slliw t1, s1, 25", "or t2, t1, a1", 1 },
    { Op::FusedSrliwSlliw, "", "srliw t1, s1, 7", "slliw t2, s1, 25", 1 },
    { Op::FusedSlliwSrliw, "", "slliw t1, s1, 25", "srliw t2, t1, 7", 1 },
    { Op::FusedXorSrliw, "", "xor t1, s1, a1", "srliw t2, t1, 3", 1 },
    { Op::FusedXorAddw, "", "xor t1, s1, a6", "addw t2, t1, a5", 1 },
    { Op::FusedLbuBne, "", "lbu t1, 16(s0)", "bne t1, zero, 1f", 1 },
    { Op::FusedLbuBne, "", "lbu t1, 17(s0)", "bne t1, zero, 1f", 2 },
    { Op::FusedLbuBeq, "", "lbu t1, 16(s0)", "beq t1, zero, 1f", 2 },
    { Op::FusedLbuBeq, "", "lbu t1, 17(s0)", "beq t1, zero, 1f", 1 },
    { Op::FusedLhuBgeu, "", "lhu t1, 16(s0)", "bgeu t1, a1, 1f", 2 },
    { Op::FusedLhuBgeu, "", "lhu t1, 20(s0)", "bgeu t1, a1, 1f", 1 },
    { Op::FusedLbBltu, "", "lb t1, 17(s0)", "bltu t1, a4, 1f", 1 },
    { Op::FusedLbBltu, "", "lb t1, 20(s0)", "bltu t1, a4, 1f", 2 },
    { Op::FusedAddiwBne, "", "addiw t1, a5, 1", "bne t1, a6, 1f", 2 },
    { Op::FusedAddiwBne, "", "addiw t1, a2, 5", "bne t1, zero, 1f", 1 },
    { Op::FusedAddiBne, "", "addi t1, a2, 5", "bne t1, zero, 1f", 1 },
    { Op::FusedAddiBne, "", "addi t1, a2, 6", "bne t1, zero, 1f", 2 },
    { Op::FusedAddiBeq, "", "addi t1, a2, 5", "beq t1, zero, 1f", 2 },
    { Op::FusedAddiBeq, "", "addi t1, a2, 6", "beq t1, zero, 1f", 1 },
    { Op::FusedAndiBeq, "", "andi t1, a1, 0x34", "beq t1, zero, 1f", 1 },
    { Op::FusedAndiBeq, "", "andi t1, a1, 0x100", "beq t1, zero, 1f", 2 },
    { Op::FusedAndiBne, "", "andi t1, a1, 0x34", "bne t1, zero, 1f", 2 },
    { Op::FusedAndiBne, "", "andi t1, a1, 0x100", "bne t1, zero, 1f", 1 },
    { Op::FusedAddBltu, "", "add t1, a1, a2", "bltu t1, a1, 1f", 2 },
    { Op::FusedAddBltu, "", "add t1, a1, a3", "bltu t1, a1, 1f", 1 },
    { Op::FusedAddBgeu, "", "add t1, a1, a2", "bgeu t1, a1, 1f", 1 },
    { Op::FusedAddBgeu, "", "add t1, a1, a3", "bgeu t1, a1, 1f", 2 },
    { Op::FusedAddiBltu, "", "addi t1, a4, -1", "bltu t1, a4, 1f", 2 },
    { Op::FusedAddiBltu, "", "addi t1, a4, 1", "bltu t1, a4, 1f", 1 },
    { Op::FusedAddiBlt, "", "addi t1, a2, 1", "blt t1, a2, 1f", 1 },
    { Op::FusedAddiBlt, "", "addi t1, a2, -1", "blt t1, a2, 1f", 2 },
    { Op::FusedSbBne, "", "sb a4, 40(s0)", "bne a4, a3, 1f", 2 },
    { Op::FusedSbBne, "", "sb a4, 40(s0)", "bne a4, a4, 1f", 1 },
    { Op::FusedAddJal, "", "add t1, a1, a2", "jal ra, tgt", 2 },
    { Op::FusedAddiJal, "", "addi t1, a1, 9", "jal ra, tgt", 2 },
    { Op::FusedAddiJal, "", "addi t1, a1, 9", "j tgt", 2 },
    { Op::FusedAddiJalr, "la t0, tgt - 8", "addi t0, t0, 8", "jalr ra, 0(t0)", 2 },
    { Op::FusedSdJal, "", "sd a1, 40(s0)", "jal ra, tgt", 2 },
    { Op::FusedAddiwJal, "", "addiw t1, a5, 1", "jal ra, tgt", 2 },
    { Op::FusedSbJal, "", "sb a1, 40(s0)", "jal ra, tgt", 2 },
    { Op::FusedLdJalr, "la t0, tgt\n    sd t0, 32(s0)", "ld t0, 32(s0)", "jalr ra, 0(t0)", 2 },
    { Op::FusedDivuwRemuw, "", "divuw t1, s1, s3", "remuw t2, s1, s3", 1 },
    { Op::FusedDivuwRemuw, "", "divuw t1, s1, zero", "remuw t2, s1, zero", 1 },
    { Op::FusedDivuwRemuw, "", "divuw t1, a6, a2", "remuw t2, a6, a2", 1 },
};

// The case's pair alone, assembled: the Insns the block builder sees.
std::pair<Insn, Insn> decode_pair(Case const& c)
{
    auto bytes = assemble(std::string(c.first) + "\n" + c.second + "\n1:\ntgt:\n");
    EXPECT_GE(bytes.size(), 4u);
    auto at = [&](size_t off) {
        uint32_t raw = 0;
        std::memcpy(&raw, bytes.data() + off, std::min<size_t>(4, bytes.size() - off));
        return decode(raw);
    };
    Insn a = at(0);
    return { a, at(a.len) };
}

struct Outcome {
    uint64_t regs[32];
    uint64_t data[8];
};

Outcome run_case(Case const& c, bool apart)
{
    TestMachine m;
    std::string source = std::string(prelude) + c.setup + "\n    j 0f\n0:\n    " + c.first + "\n"
        + (apart ? "    nop\n" : "") + "    " + c.second + "\n" + epilogue;
    m.load(source);
    m.run_to_exit();
    Outcome o {};
    for (unsigned r = 0; r < 32; ++r)
        o.regs[r] = m.reg(r);
    uint64_t buf = m.reg(s0);
    for (unsigned k = 0; k < 8; ++k)
        o.data[k] = m.ram<uint64_t>(buf + 8 * k);
    return o;
}

TEST(HartFusion, EveryPairRunsAsItsUnfusedSequence)
{
    for (Case const& c : cases) {
        SCOPED_TRACE(std::string(c.first) + "; " + c.second);
        auto [a, b] = decode_pair(c);
        EXPECT_EQ(fuse(a, b), c.fused);
        Outcome fused = run_case(c, false);
        Outcome apart = run_case(c, true);
        EXPECT_NE(fused.regs[a0], 0xdeadu) << "trapped: mcause " << fused.regs[s8];
        if (c.outcome) {
            EXPECT_EQ(fused.regs[a0], uint64_t(c.outcome));
        }
        for (unsigned r = 1; r < 32; ++r) {
            if (r == s11) {
                EXPECT_EQ(fused.regs[r] + 1, apart.regs[r]) << "minstret: one nop fewer";
            } else {
                EXPECT_EQ(fused.regs[r], apart.regs[r]) << "x" << r;
            }
        }
        for (unsigned k = 0; k < 8; ++k)
            EXPECT_EQ(fused.data[k], apart.data[k]) << "data +" << 8 * k;
    }
}

TEST(HartFusion, OnlyListedPairsAndSafeDivisionsFuse)
{
    auto pair = [](char const* first, char const* second) {
        Case c { Op::Illegal, "", first, second, 0 };
        return decode_pair(c);
    };
    auto [a, b] = pair("add t1, a1, a2", "sub t2, t1, a1");
    EXPECT_EQ(fuse(a, b), Op::Add);
    // remuw after divuw reads the quotient, or divuw overwrote a source: not one division.
    std::tie(a, b) = pair("divuw t1, s1, s3", "remuw t2, t1, s3");
    EXPECT_EQ(fuse(a, b), Op::Divuw);
    std::tie(a, b) = pair("divuw s1, s1, s3", "remuw t2, s1, s3");
    EXPECT_EQ(fuse(a, b), Op::Divuw);
    std::tie(a, b) = pair("divuw t1, s1, s3", "remuw t2, s1, s2");
    EXPECT_EQ(fuse(a, b), Op::Divuw);
}

// A fault in either half of a fused pair: the trap sees exactly the state of the unfused
// sequence (epc, tval, registers and memory written before it, minstret).
struct TrapCase {
    char const* first;
    char const* second;
    bool second_faults;
    uint64_t cause;
};

TEST(HartFusion, TrapInsideFusedPairIsPrecise)
{
    TrapCase const traps[] = {
        { "ld t1, 8(s0)", "ld t2, 0(zero)", true, cause::load_access },
        { "ld t1, 0(zero)", "ld t2, 8(s0)", false, cause::load_access },
        { "sd a1, 40(s0)", "sd a2, 0(zero)", true, cause::store_access },
        { "sd a1, 0(zero)", "sd a2, 48(s0)", false, cause::store_access },
        { "add t1, zero, a3", "lbu t2, 0(t1)", true, cause::load_access },
        { "lbu t1, 0(zero)", "bne t1, zero, 1f", false, cause::load_access },
        { "ld t1, 0(zero)", "jalr ra, 0(t1)", false, cause::load_access },
        { "addi t1, a1, 1", "sd t1, 0(zero)", true, cause::store_access },
    };
    for (TrapCase const& t : traps) {
        SCOPED_TRACE(std::string(t.first) + "; " + t.second);
        TestMachine m;
        // Both faulting addresses are below RAM and unmapped.
        m.load(std::string(prelude) + R"(
    la s6, first
    la s7, second
    li t1, 0x55
    csrr s5, minstret
first:
    )" + t.first + "\nsecond:\n    " + t.second + "\n" + epilogue);
        auto [a, b] = decode_pair(Case { Op::Illegal, "", t.first, t.second, 0 });
        ASSERT_NE(fuse(a, b), a.op) << "the pair must be fused for this test";
        m.run_to_exit();
        ASSERT_EQ(m.reg(a0), 0xdeadu);
        EXPECT_EQ(m.reg(s8), t.cause);
        EXPECT_EQ(m.reg(s9), m.reg(t.second_faults ? s7 : s6)) << "mepc";
        // csrr s5 itself, plus the first of the pair if it completed.
        EXPECT_EQ(m.reg(s11), m.reg(s5) + 1 + (t.second_faults ? 1 : 0)) << "minstret at the trap";
        if (t.second_faults) {
            // The first half wrote its register, or its memory.
            bool first_stores = std::string(t.first).starts_with("sd");
            if (first_stores) {
                EXPECT_EQ(m.ram<uint64_t>(m.reg(s0) + 40), 0x1234u);
            } else {
                EXPECT_NE(m.reg(t1), 0x55u);
            }
            EXPECT_EQ(m.reg(t2), 0x77u);
        } else {
            EXPECT_EQ(m.reg(t1), 0x55u);
            EXPECT_EQ(m.reg(t2), 0x77u);
            EXPECT_EQ(m.ram<uint64_t>(m.reg(s0) + 48), 0u);
        }
    }
}

// A routine whose two addis fuse is run, rewritten (the second instruction, then into a pair that
// does not fuse), and run again: each run must see the new code.
void rewrite_fused_code(bool with_fence)
{
    std::string fence = with_fence ? "    fence.i\n" : "";
    TestMachine m;
    m.load(std::string(R"(
    la s2, routine
    li a0, 0
    jalr ra, 0(s2)
    mv s3, a0             # 1 + 2
    li t0, 0x06450513     # addi a0, a0, 100
    sw t0, 4(s2)
)") + fence + R"(
    li a0, 0
    jalr ra, 0(s2)
    mv s4, a0             # 1 + 100
    li t0, 0x00b54533     # xor a0, a0, a1
    sw t0, 4(s2)
)" + fence + R"(
    li a1, 0x10
    li a0, 0
    jalr ra, 0(s2)
    mv s5, a0             # 1 ^ 0x10
    li a0, 0
    j 9f
    .balign 4096
    .option push
    .option norvc
routine:
    addi a0, a0, 1
    addi a0, a0, 2
    ret
    .option pop
9:
)" + exit_seq);
    m.run_to_exit();
    EXPECT_EQ(m.reg(s3), 3u);
    EXPECT_EQ(m.reg(s4), 101u);
    EXPECT_EQ(m.reg(s5), 0x11u);
}

TEST(HartFusion, RewrittenFusedCodeRunsAfterFenceI) { rewrite_fused_code(true); }

// Not required by the ISA (fence.i is), but the engine re-checks code written by the hart itself
// before its next block, as QEMU does; keep that behaviour.
TEST(HartFusion, RewrittenFusedCodeRunsAtTheNextBlockEvenWithoutFenceI) { rewrite_fused_code(false); }

// Calls through one jalr alternate between routines in two other pages, and the returns cross
// pages too: the cached cross-page successor must follow the target, not the last one taken.
TEST(HartFusion, CrossPageSuccessorsFollowTheTarget)
{
    TestMachine m;
    m.load(std::string(R"(
    la s2, one
    la s3, thousand
    li s6, 0
    li s4, 100
1:
    andi t0, s4, 1
    mv t1, s2
    beqz t0, 2f
    mv t1, s3
2:
    jalr ra, 0(t1)
    jal ra, one
    addi s4, s4, -1
    bnez s4, 1b
    li a0, 0
    j 9f
    .balign 4096
one:
    addi s6, s6, 1
    ret
    .balign 4096
thousand:
    addi s6, s6, 1000
    ret
9:
)") + exit_seq);
    m.run_to_exit();
    EXPECT_EQ(m.reg(s6), 50u * 1000 + 50 + 100);
}

} // namespace
} // namespace xenith::riscv::test
