// The JIT against the interpreter: the same programs, compiled at their first entry and
// interpreted only, must end in the same registers, memory, instruction count and traps.
#include <random>

#include "engine/riscv/csr_numbers.h"
#include "riscv/test_machine.h"

namespace xenith::riscv::test {
namespace {

// s0 = a data page (64 dwords), s1 = the exit device; the body may not write them, nor s7 (the
// loop count) or t6. At the end: s11 = minstret, then a trap (if any) is in s8..s10.
constexpr char const* prelude = R"(
    la t0, trap
    csrw mtvec, t0
    la s0, buf
    li s1, 0x100000
)";

constexpr char const* epilogue = R"(
    csrr s11, minstret
    li a0, 1
    sw a0, 0(s1)
99: j 99b
    .balign 4
trap:
    csrr s11, minstret
    csrr s8, mcause
    csrr s9, mepc
    csrr s10, mtval
    li a0, 0xdead
    sw a0, 0(s1)
98: j 98b
    .balign 4096
buf:
    .fill 512, 1, 0x5c
)";

struct Outcome {
    uint64_t regs[32];
    uint64_t data[64];
    CodeCacheStats stats;
};

Outcome run(std::string const& source, uint32_t jit_hot_entries)
{
    TestMachine m(nullptr, 16u << 20, 0, jit_hot_entries);
    m.load(source);
    m.run_to_exit();
    Outcome o {};
    for (unsigned r = 0; r < 32; ++r)
        o.regs[r] = m.reg(r);
    for (unsigned k = 0; k < 64; ++k)
        o.data[k] = m.ram<uint64_t>(m.reg(s0) + 8 * k);
    o.stats = m.hart->code_cache_stats();
    return o;
}

// Runs source compiled and interpreted; expects the same end, and that code was compiled.
void expect_alike(std::string const& source)
{
    Outcome interpreted = run(source, 0);
    Outcome compiled = run(source, 1);
    EXPECT_EQ(interpreted.stats.jit_blocks, 0u);
    EXPECT_GT(compiled.stats.jit_blocks, 0u) << "nothing was compiled";
    for (unsigned r = 1; r < 32; ++r)
        EXPECT_EQ(compiled.regs[r], interpreted.regs[r]) << "x" << r;
    for (unsigned k = 0; k < 64; ++k)
        EXPECT_EQ(compiled.data[k], interpreted.data[k]) << "data +" << 8 * k;
}

// Registers the generated code may use: everything but zero, s0, s1, s7, t6 and the s8..s11
// results; x0 is a legal destination (writes vanish).
constexpr unsigned usable[] = { ra, sp, gp, tp, t0, t1, t2, a0, a1, a2, a3, a4, a5, a6, a7, s2, s3, s4, s5, s6,
    t3, t4, t5 };
constexpr char const* names[] = { "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1",
    "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3",
    "t4", "t5", "t6" };

class ProgramGenerator {
public:
    explicit ProgramGenerator(uint32_t seed)
        : m_rng(seed)
    {
    }

    // Random values in the usable registers, then a loop of `length` random instructions run
    // `rounds` times, with forward branches inside.
    std::string program(unsigned length, unsigned rounds)
    {
        std::string s = prelude;
        for (unsigned r : usable)
            s += asm_line("    li {}, {}\n", names[r], int64_t(value()));
        s += asm_line("    li s7, {}\nloop:\n", rounds);
        unsigned label = 0;
        for (unsigned k = 0; k < length; ++k) {
            if (pick(8) == 0 && k + 3 < length) {
                static constexpr char const* branches[] = { "beq", "bne", "blt", "bge", "bltu", "bgeu" };
                s += asm_line("    {} {}, {}, {}f\n", branches[pick(6)], src(), src(), 10 + label);
                s += random_instruction();
                s += random_instruction();
                s += asm_line("{}:\n", 10 + label);
                label = (label + 1) % 80;
                continue;
            }
            s += random_instruction();
        }
        s += "    addi s7, s7, -1\n    bnez s7, loop\n";
        return s + epilogue;
    }

private:
    std::mt19937 m_rng;

    unsigned pick(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(m_rng); }
    uint64_t value()
    {
        static constexpr uint64_t edges[] = { 0, 1, ~0ull, 0x7fffffff, 0x80000000, 0xffffffff, 0x8000000000000000,
            0x7fffffffffffffff, 31, 32, 63, 64 };
        return pick(3) == 0 ? edges[pick(12)] : (uint64_t(m_rng()) << 32 | m_rng());
    }
    char const* dst() { return pick(16) == 0 ? "zero" : names[usable[pick(std::size(usable))]]; }
    char const* src() { return pick(16) == 0 ? "zero" : names[usable[pick(std::size(usable))]]; }

    template<typename... Args>
    static std::string asm_line(char const* f, Args... args)
    {
        std::string out;
        std::string_view rest = f;
        auto one = [&](auto const& a) {
            auto at = rest.find("{}");
            out += rest.substr(0, at);
            std::ostringstream os;
            os << a;
            out += os.str();
            rest = rest.substr(at + 2);
        };
        (one(args), ...);
        out += rest;
        return out;
    }

    std::string random_instruction()
    {
        static constexpr char const* rr[] = { "add", "sub", "xor", "or", "and", "slt", "sltu", "sll", "srl", "sra",
            "mul", "addw", "subw", "mulw", "sllw", "srlw", "sraw", "sh1add", "sh2add", "sh3add", "add.uw", "andn",
            "orn", "xnor", "max", "maxu", "min", "minu", "mulh", "mulhu", "mulhsu", "div", "divu", "rem", "remu",
            "divw", "divuw", "remw", "remuw" };
        static constexpr char const* ri[] = { "addi", "slti", "sltiu", "xori", "ori", "andi", "addiw" };
        static constexpr char const* sh[] = { "slli", "srli", "srai" };
        static constexpr char const* shw[] = { "slliw", "srliw", "sraiw" };
        static constexpr char const* un[] = { "sext.b", "sext.h", "zext.h", "rev8" };
        static constexpr char const* loads[] = { "lb", "lbu", "lh", "lhu", "lw", "lwu", "ld" };
        static constexpr char const* stores[] = { "sb", "sh", "sw", "sd" };
        static constexpr unsigned load_size[] = { 1, 1, 2, 2, 4, 4, 8 };
        switch (pick(12)) {
        case 0: case 1: case 2:
            return asm_line("    {} {}, {}, {}\n", rr[pick(std::size(rr))], dst(), src(), src());
        case 3: case 4:
            return asm_line("    {} {}, {}, {}\n", ri[pick(std::size(ri))], dst(), src(), int(pick(4096)) - 2048);
        case 5:
            return asm_line("    {} {}, {}, {}\n", sh[pick(3)], dst(), src(), pick(64));
        case 6:
            return asm_line("    {} {}, {}, {}\n", shw[pick(3)], dst(), src(), pick(32));
        case 7:
            return asm_line("    {} {}, {}\n", un[pick(std::size(un))], dst(), src());
        case 8:
            return pick(2) ? asm_line("    lui {}, {}\n", dst(), pick(1u << 20)) : asm_line("    auipc {}, {}\n", dst(), pick(1u << 20));
        case 9: case 10: {
            // Mostly aligned; now and then misaligned (the interpreter's slow path decides).
            unsigned k = pick(std::size(loads));
            unsigned off = pick(40) == 0 ? pick(500) : pick(500 / load_size[k]) * load_size[k];
            return asm_line("    {} {}, {}(s0)\n", loads[k], dst(), off);
        }
        default: {
            unsigned k = pick(std::size(stores));
            unsigned size = 1u << k;
            unsigned off = pick(40) == 0 ? pick(500) : pick(500 / size) * size;
            return asm_line("    {} {}, {}(s0)\n", stores[k], src(), off);
        }
        }
    }
};

TEST(Jit, RandomProgramsEndAsInterpreted)
{
    for (uint32_t seed = 1; seed <= 60; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        std::string source = ProgramGenerator(seed).program(40, 5);
        SCOPED_TRACE(source);
        expect_alike(source);
        if (HasFailure())
            return;
    }
}

// A load that faults in a compiled block (the loop walks off the end of RAM): the trap's pc,
// cause, address and the instructions retired before it are the interpreter's.
TEST(Jit, TrapInCompiledBlockIsPrecise)
{
    std::string source = std::string(prelude) + R"(
    li t1, 0x80000000 + (16 << 20) - 64
    li t2, 0
loop:
    addi t2, t2, 3
    ld t3, 0(t1)
    add t2, t2, t3
    addi t1, t1, 16
    j loop
)" + epilogue;
    Outcome interpreted = run(source, 0);
    Outcome compiled = run(source, 1);
    EXPECT_EQ(compiled.regs[a0], 0xdeadu);
    EXPECT_EQ(compiled.regs[s8], uint64_t(cause::load_access));
    EXPECT_GT(compiled.stats.jit_blocks, 0u);
    for (unsigned r = 1; r < 32; ++r)
        EXPECT_EQ(compiled.regs[r], interpreted.regs[r]) << "x" << r;
}

// Loads and stores to a device are never in the TLB: the compiled block hands each one to the
// interpreter, which does it once.
TEST(Jit, DeviceAccessesInCompiledBlocksHappenOnce)
{
    std::string source = std::string(prelude) + R"(
    li t1, 0
    li t2, 20
loop:
    lw t3, 4(s1)
    add t1, t1, t3
    sd t1, 8(s1)
    addi t2, t2, -1
    bnez t2, loop
)" + epilogue;
    TestMachine m(nullptr, 16u << 20, 0, 1);
    m.load(source);
    m.run_to_exit();
    EXPECT_EQ(m.reg(t1), 20u * 0x5a);
    EXPECT_EQ(m.exit_device.last_write, 20u * 0x5a);
    EXPECT_GT(m.hart->code_cache_stats().jit_blocks, 0u);
}

// jal and jalr leave compiled blocks with their link written; jalr may link into its own base
// register, and a return through x0 must not lose its target.
TEST(Jit, CallsAndReturnsLinkAsInterpreted)
{
    std::string source = std::string(prelude) + R"(
    li s2, 0
    li s7, 10
loop:
    addi s2, s2, 1
    jal ra, f
    la t1, g
    addi s2, s2, 2
    jalr t1, 0(t1)
    addi s7, s7, -1
    bnez s7, loop
    j done
f:
    addi s2, s2, 5
    slli s2, s2, 1
    ret
g:
    addi s2, s2, 7
    mv a1, t1
    jalr zero, 0(t1)
done:
)" + epilogue;
    expect_alike(source);
}

// A store into code that a compiled block runs takes the slow path (code pages are not in the
// write TLB), and after fence.i the new instruction runs.
TEST(Jit, StoreToCompiledCodeIsSeenAfterFenceI)
{
    std::string source = std::string(prelude) + R"(
    li s2, 0
    li s7, 6
    la t1, patch
    li t2, 0x00a90913   # addi s2, s2, 10
loop:
    addi s2, s2, 1
patch:
    addi s2, s2, 100
    addi s7, s7, -1
    li t3, 3
    bne s7, t3, 1f
    sw t2, 0(t1)
    fence.i
1:
    bnez s7, loop
)" + epilogue;
    TestMachine m(nullptr, 16u << 20, 0, 1);
    m.load(source);
    m.run_to_exit();
    // Three rounds with +100, three with +10, each also +1.
    EXPECT_EQ(m.reg(s2), 3u * 101 + 3u * 11);
    EXPECT_EQ(m.reg(s2), run(source, 0).regs[s2]);
}

} // namespace
} // namespace xenith::riscv::test
