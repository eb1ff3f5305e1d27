// The JIT against the interpreter: the same programs, compiled at their first entry and
// interpreted only, must end in the same registers, memory, instruction count and traps.
#include <algorithm>
#include <cstring>
#include <random>
#include <sstream>

#include "engine/riscv/core.h"
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
    uint64_t code_data[32]; // programs with stores into a code page: the data there (t6)
    CodeCacheStats stats;
};

Outcome run(std::string const& source, uint32_t jit_hot_entries, bool code_data = false, size_t code_cache_bytes = 0)
{
    TestMachine m(nullptr, 16u << 20, code_cache_bytes, jit_hot_entries);
    m.load(source);
    m.run_to_exit();
    Outcome o {};
    for (unsigned r = 0; r < 32; ++r)
        o.regs[r] = m.reg(r);
    for (unsigned k = 0; k < 64; ++k)
        o.data[k] = m.ram<uint64_t>(m.reg(s0) + 8 * k);
    for (unsigned k = 0; code_data && k < 32; ++k)
        o.code_data[k] = m.ram<uint64_t>(m.reg(t6) + 8 * k);
    o.stats = m.hart->code_cache_stats();
    return o;
}

// Runs source compiled and interpreted; expects the same end, and that code was compiled.
// code_data: also compare the data in a code page at t6; code_cache_bytes: the hart's block
// cache and code buffer (0: the default; small ones are flushed while the program runs).
void expect_alike(std::string const& source, bool code_data = false, size_t code_cache_bytes = 0)
{
    Outcome interpreted = run(source, 0, code_data, code_cache_bytes);
    Outcome compiled = run(source, 1, code_data, code_cache_bytes);
    EXPECT_EQ(interpreted.stats.jit_blocks, 0u);
    EXPECT_GT(compiled.stats.jit_blocks, 0u) << "nothing was compiled";
    for (unsigned r = 1; r < 32; ++r)
        EXPECT_EQ(compiled.regs[r], interpreted.regs[r]) << "x" << r;
    for (unsigned k = 0; k < 64; ++k)
        EXPECT_EQ(compiled.data[k], interpreted.data[k]) << "data +" << 8 * k;
    for (unsigned k = 0; k < 32; ++k)
        EXPECT_EQ(compiled.code_data[k], interpreted.code_data[k]) << "code-page data +" << 8 * k;
    if (code_cache_bytes) {
        EXPECT_GT(compiled.stats.flushes, 0u) << "the block cache was never flushed";
    }
}

// Registers the generated code may use: everything but zero, s0, s1, s7, t6 and the s8..s11
// results; x0 is a legal destination (writes vanish).
constexpr unsigned usable[] = { ra, sp, gp, tp, t0, t1, t2, a0, a1, a2, a3, a4, a5, a6, a7, s2, s3, s4, s5, s6,
    t3, t4, t5 };
constexpr char const* names[] = { "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1",
    "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3",
    "t4", "t5", "t6" };

// In rich programs (ProgramGenerator::rich_program) also ra (the link of calls), t5 (the target
// of indirect calls) and tp (the count of inner loops) are the generator's own.
constexpr unsigned usable_rich[] = { sp, gp, t0, t1, t2, a0, a1, a2, a3, a4, a5, a6, a7, s2, s3, s4, s5, s6, t3,
    t4 };

class ProgramGenerator {
public:
    explicit ProgramGenerator(uint32_t seed)
        : m_rng(seed)
    {
    }

    // program()'s loop, and also: calls to random leaf functions, by jal, by c.jalr and by
    // auipc + jalr linking into its own base register, which return by c.jr or by c.jalr or jalr
    // linking into their own base register; inner loops that branch backwards, so that compiled blocks chain into
    // each other and into themselves for longer than the run loop's budget of blocks between
    // two services; and loads and stores to data in a page that holds code (t6), which compiled
    // code leaves to the interpreter's slow path and which stop chaining and make every block
    // be compared with memory again (revalidation keeps its compiled code).
    std::string rich_program(unsigned length, unsigned rounds)
    {
        m_rich = true;
        std::string s = prelude;
        for (unsigned r : usable_rich)
            s += asm_line("    li {}, {}\n", names[r], int64_t(value()));
        s += asm_line("    la t6, code_data\n    li s7, {}\nloop:\n", rounds);
        bool inner = false;
        unsigned inner_end = 0;
        for (unsigned k = 0; k < length; ++k) {
            if (inner && k == inner_end) {
                s += "    addi tp, tp, -1\n    bnez tp, 200b\n";
                inner = false;
            }
            unsigned const what = pick(16);
            if (what == 0 && k + 3 < length && !(inner && k + 3 > inner_end)) {
                s += forward_branch();
            } else if (what <= 2) {
                s += call();
            } else if (what == 3 && !inner && k + 4 < length) {
                inner = true;
                inner_end = k + 2 + pick(5);
                s += asm_line("    li tp, {}\n200:\n", 2 + pick(40));
                s += random_instruction();
            } else {
                s += random_instruction();
            }
        }
        if (inner)
            s += "    addi tp, tp, -1\n    bnez tp, 200b\n";
        s += "    addi s7, s7, -1\n    bnez s7, loop\n    j 400f\n";
        // The data sits between code, so its page is a code page.
        s += "    .balign 8\ncode_data:\n    .fill 256, 1, 0x3a\n";
        for (unsigned f = 0; f < functions; ++f) {
            s += asm_line("f{}:\n", f);
            for (unsigned n = 1 + pick(6); n; --n)
                s += pick(8) == 0 && n > 2 ? forward_branch() : random_instruction();
            static constexpr char const* returns[] = { "ret", "ret", "c.jalr ra", "jalr ra, 0(ra)" };
            s += asm_line("    {}\n", returns[pick(4)]);
        }
        s += "400:\n";
        return s + epilogue;
    }

    // Random values in the usable registers, then a loop of `length` random instructions run
    // `rounds` times, with forward branches inside.
    std::string program(unsigned length, unsigned rounds)
    {
        std::string s = prelude;
        for (unsigned r : usable)
            s += asm_line("    li {}, {}\n", names[r], int64_t(value()));
        s += asm_line("    li s7, {}\nloop:\n", rounds);
        for (unsigned k = 0; k < length; ++k) {
            if (pick(8) == 0 && k + 3 < length) {
                s += forward_branch();
                continue;
            }
            s += random_instruction();
        }
        s += "    addi s7, s7, -1\n    bnez s7, loop\n";
        return s + epilogue;
    }

private:
    static constexpr unsigned functions = 4;
    std::mt19937 m_rng;
    unsigned m_label { 0 };
    bool m_rich { false };

    // A conditional branch over two random instructions.
    std::string forward_branch()
    {
        static constexpr char const* branches[] = { "beq", "bne", "blt", "bge", "bltu", "bgeu" };
        std::string s = asm_line("    {} {}, {}, {}f\n", branches[pick(6)], src(), src(), 10 + m_label);
        s += random_instruction();
        s += random_instruction();
        s += asm_line("{}:\n", 10 + m_label);
        m_label = (m_label + 1) % 80;
        return s;
    }

    std::string call()
    {
        unsigned const f = pick(functions);
        switch (pick(3)) {
        case 0: return asm_line("    jal ra, f{}\n", f);
        case 1: return asm_line("    la t5, f{}\n    c.jalr t5\n", f);
        default: return asm_line("300:\n    auipc ra, %pcrel_hi(f{})\n    jalr ra, %pcrel_lo(300b)(ra)\n", f);
        }
    }

    unsigned pick(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(m_rng); }
    uint64_t value()
    {
        static constexpr uint64_t edges[] = { 0, 1, ~0ull, 0x7fffffff, 0x80000000, 0xffffffff, 0x8000000000000000,
            0x7fffffffffffffff, 31, 32, 63, 64 };
        return pick(3) == 0 ? edges[pick(12)] : (uint64_t(m_rng()) << 32 | m_rng());
    }
    char const* any()
    {
        return m_rich ? names[usable_rich[pick(std::size(usable_rich))]] : names[usable[pick(std::size(usable))]];
    }
    char const* dst() { return pick(16) == 0 ? "zero" : any(); }
    char const* src() { return pick(16) == 0 ? "zero" : any(); }

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
        switch (pick(13)) {
        case 12: {
            // An AMO on the data page's first word (in rich programs now and then on the code
            // page's data, which compiled code leaves to the interpreter).
            static constexpr char const* amos[] = { "swap", "add", "xor", "and", "or", "min", "max", "minu", "maxu" };
            static constexpr char const* order[] = { "", ".aq", ".rl", ".aqrl" };
            bool const code = m_rich && pick(4) == 0;
            return asm_line("    amo{}.{}{} {}, {}, ({})\n", amos[pick(std::size(amos))], pick(2) ? "w" : "d",
                order[pick(4)], dst(), src(), code ? "t6" : "s0");
        }
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
            bool const code = m_rich && pick(4) == 0;
            unsigned const span = code ? 248 : 500;
            unsigned off = pick(40) == 0 ? pick(span) : pick(span / load_size[k]) * load_size[k];
            return asm_line("    {} {}, {}({})\n", loads[k], dst(), off, code ? "t6" : "s0");
        }
        default: {
            unsigned k = pick(std::size(stores));
            unsigned size = 1u << k;
            bool const code = m_rich && pick(4) == 0;
            unsigned const span = code ? 248 : 500;
            unsigned off = pick(40) == 0 ? pick(span) : pick(span / size) * size;
            return asm_line("    {} {}, {}({})\n", stores[k], src(), off, code ? "t6" : "s0");
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

// Calls and returns, backward branches chaining compiled blocks past the budget, and stores
// to a code page, mixed into random programs; every other one longer, with a block cache (and
// code buffer) so small that both are flushed, and code compiled again, while it runs.
TEST(Jit, RandomProgramsWithCallsLoopsAndCodePageStoresEndAsInterpreted)
{
    for (uint32_t seed = 1; seed <= 40; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        bool const small = seed % 2 == 0;
        std::string source = ProgramGenerator(seed).rich_program(small ? 600 : 40, 6);
        SCOPED_TRACE(source);
        expect_alike(source, true, small ? 16 << 10 : 0);
        if (HasFailure())
            return;
    }
}

// The instructions of `source` (assembled) as one block, decoded as the block cache does but
// without superinstructions; returns whether Jit compiled it.
bool compiles(Jit& jit, std::string const& source)
{
    std::vector<uint8_t> bytes = assemble(source);
    alignas(64) static unsigned char storage[sizeof(Block) + 65 * sizeof(Insn)];
    std::memset(storage, 0, sizeof storage);
    auto* b = reinterpret_cast<Block*>(storage);
    unsigned off = 0;
    for (; off + 2 <= bytes.size() && b->count < 64; ++b->count) {
        uint32_t raw = 0;
        std::memcpy(&raw, bytes.data() + off, (bytes[off] & 3) == 3 ? 4 : 2);
        b->insns[b->count] = decode(raw);
        b->insns[b->count].off = uint16_t(off);
        off += b->insns[b->count].len;
    }
    b->insns[b->count].op = Op::BlockEnd;
    b->insns[b->count].off = uint16_t(off);
    b->cacheable = true;
    return jit.compile(*b, ram_base) != nullptr;
}

// Short blocks with the longest code: a load or store with its two-way TLB check (registers
// far into the file, whose offsets take 32 bits), then a conditional branch, whose two exits
// each may chain into the next block through its link or the jump cache. A block of its exit
// alone is compiled too (compiled code chains through it); a block whose compilable start is
// one instruction before the interpreter's part is not (a call for one instruction).
TEST(Jit, ShortBlocksWithTheLongestCodeAreCompiled)
{
    Jit jit(1 << 20);
    char const* const exits[] = { "bne t6, t5, .+4000", "bltu t5, t6, .-4000", "jal t6, .+100000", "jalr t6, 2047(t5)" };
    for (char const* first : { "ld t6, 2040(t5)", "sd t6, -2048(t5)", "lw s10, 1(s11)", "mulhsu t6, t5, t4",
             "divw t6, t5, t4", "addi t6, t5, -1", "fence rw, rw", "fence w, r", "fence.tso" }) {
        for (char const* last : { exits[0], exits[1], exits[2], exits[3], "add t6, t6, t5" }) {
            std::string source = std::string(first) + "\n" + last + "\n";
            EXPECT_TRUE(compiles(jit, source)) << source;
        }
    }
    for (char const* alone : exits)
        EXPECT_TRUE(compiles(jit, std::string(alone) + "\n")) << alone;
    EXPECT_FALSE(compiles(jit, "ld t6, 2040(t5)\ncsrr t6, mscratch\n"));
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

// A compiled loop that chains into itself still ends its run of blocks when the budget is spent,
// so the run loop gets to see the timer: the interrupt comes long before the loop would end.
TEST(Jit, ChainedLoopStillTakesTheTimerInterrupt)
{
    std::string source = std::string(prelude) + R"(
    li t0, 1
    slli t0, t0, 63
    csrs menvcfg, t0      # Sstc: stimecmp drives STIP
    li t0, 1 << 5
    csrw mie, t0          # STIE; not delegated, so taken in M-mode
    li t1, 0
    li t2, 1 << 32
    csrr t0, time
    addi t0, t0, 100      # 10 us at 10 MHz
    csrw stimecmp, t0
    csrsi mstatus, 8      # MIE
loop:
    addi t1, t1, 1
    bne t1, t2, loop
)" + epilogue;
    TestMachine m(nullptr, 16u << 20, 0, 1);
    m.load(source);
    m.run_to_exit();
    EXPECT_EQ(m.reg(s8), (1ull << 63) | 5) << "mcause: no supervisor timer interrupt";
    EXPECT_LT(m.reg(t1), 1ull << 32);
    EXPECT_GT(m.hart->code_cache_stats().jit_blocks, 0u);
}

// Profiling builds (XENITH_BLOCK_PROFILE) count every entry of a block, also those from compiled
// blocks that jump into each other without going back to the interpreter. Other builds print
// no profile: skipped.
TEST(Jit, BlockProfileCountsChainedEntries)
{
    std::string source = std::string(prelude) + R"(
    li t1, 1000
    csrr t3, mscratch     # ends the block: the loop is its own block and links to itself
loop:
    addi t1, t1, -1
    addi t2, t2, 1
    bnez t1, loop
)" + epilogue;
    testing::internal::CaptureStderr();
    {
        TestMachine m(nullptr, 16u << 20, 0, 1);
        m.load(source);
        m.run_to_exit();
        EXPECT_EQ(m.reg(t2), 1000u);
    }
    std::string const err = testing::internal::GetCapturedStderr();
    if (err.find("block-profile") == std::string::npos)
        GTEST_SKIP() << "not a profiling build";
    // "block-profile HART PHYS ENTRIES INSNS_RUN: WORDS"; the loop is entered 1000 times.
    // (Parsed by hand: <regex> trips GCC 12's -Wmaybe-uninitialized in the sanitizer build.)
    auto const words = err.find(": 137d 0385 fe031ee3");
    ASSERT_NE(words, std::string::npos) << err;
    std::istringstream fields(err.substr(err.rfind('\n', words) + 1, words - err.rfind('\n', words) - 1));
    std::string tag, hart, phys;
    uint64_t entries = 0;
    fields >> tag >> hart >> phys >> entries;
    EXPECT_EQ(tag, "block-profile") << err;
    EXPECT_EQ(entries, 1000u) << err;
}

// A loop entered by falling into it from the code before (whose block, holding the first pass,
// finds the loop's head first) chains into itself as a loop that is its own block from the start
// does: counted by jit_chained (without its own link it was never chained, ~4 times slower).
TEST(Jit, LoopEnteredFromTheBlockBeforeChainsIntoItself)
{
    // The loop's first pass runs inside the block before it (no csrr in between): its head is
    // reached through the jump cache first, and the loop block must still get its own link.
    for (bool own_block : { true, false }) {
        SCOPED_TRACE(own_block ? "loop is its own block" : "loop entered from the block before");
        std::string source = std::string(prelude) + "    li t1, 100000\n"
            + (own_block ? "    csrr t3, mscratch     # ends the block\n" : "") + R"(
loop:
    addi t1, t1, -1
    addi t2, t2, 1
    bnez t1, loop
)" + epilogue;
        TestMachine m(nullptr, 16u << 20, 0, 1);
        m.load(source);
        m.run_to_exit();
        EXPECT_EQ(m.reg(t2), 100000u);
        // Every iteration but the first few and one in each budget of 1024 blocks goes straight
        // from compiled code into compiled code.
        EXPECT_GT(m.hart->code_cache_stats().jit_chained, 99000u);
    }
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

// Calls and returns chain inside compiled code: a call to a function in another page (through
// the jump cache) and its return (a jalr: the jump cache for another page, the block's own link
// in the same page) go straight on into the compiled successor, as direct branches do.
TEST(Jit, CallsAndReturnsChainInCompiledCode)
{
    for (bool other_page : { true, false }) {
        SCOPED_TRACE(other_page ? "function in another page" : "function in the same page");
        std::string const f = R"(
f:
    addi t2, t2, 1
    ret
)";
        std::string source = std::string(prelude) + "    li t1, 100000\n    j loop\n"
            + (other_page ? "" : f) + R"(
loop:
    addi t1, t1, -1
    call f
    bnez t1, loop
)" + epilogue + (other_page ? "    .balign 4096\n" + f : "");
        TestMachine m(nullptr, 16u << 20, 0, 1);
        m.load(source);
        m.run_to_exit();
        EXPECT_EQ(m.reg(t2), 100000u);
        // Three blocks an iteration (the call, the function, the branch after the return): all
        // three exits chain, but one in each budget of 1024 blocks.
        EXPECT_GT(m.hart->code_cache_stats().jit_chained, 290000u);
    }
}

// More hot code than the code buffer holds (300 two-instruction blocks, ~450 bytes of host code
// each, in a 64 KiB buffer; their decoded blocks fit the arena): once the buffer is full, the
// next service flushes blocks and code, so that what is hot keeps being compiled instead of
// being interpreted until the arena happens to fill.
TEST(Jit, FullCodeBufferIsFlushedSoHotCodeIsCompiledAgain)
{
    std::string source = std::string(prelude) + "    li t1, 200\nloop:\n";
    for (unsigned k = 0; k < 300; ++k)
        source += "    addi t2, t2, 1\n    j 1f\n1:\n";
    source += "    addi t1, t1, -1\n    bnez t1, loop\n" + std::string(epilogue);
    constexpr size_t cache_bytes = 64 << 10;
    expect_alike(source, false, cache_bytes);
    TestMachine m(nullptr, 16u << 20, cache_bytes, 1);
    m.load(source);
    m.run_to_exit();
    EXPECT_EQ(m.reg(t2), 60000u);
    CodeCacheStats const stats = m.hart->code_cache_stats();
    EXPECT_GT(stats.flushes, 0u);
    // One buffer holds about 140 of the 300; without the flush no more were ever compiled.
    EXPECT_GT(stats.jit_blocks, 300u);
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
