// Block cache tests: a bounded arena flushed when full still runs code correctly, including
// code the guest rewrites after a flush; the retired-instruction count other threads read.
#include <chrono>
#include <string>
#include <thread>

#include "engine/riscv/csr_numbers.h"
#include "engine/riscv/timebase.h"
#include "riscv/test_machine.h"

namespace xenith::riscv::test {
namespace {

// The smallest budget the cache accepts: 16 KiB, about a hundred small blocks.
constexpr size_t tiny_cache = 16u << 10;

// `count` distinct blocks, each mixing a0 into a1 and jumping to the next; every block has its
// own constant, so running a stale or wrong block changes the result.
std::string chain_of_blocks(std::string const& prefix, unsigned count)
{
    std::string s;
    for (unsigned k = 0; k < count; ++k) {
        s += prefix + std::to_string(k) + ":\n";
        s += "    addi a0, a0, " + std::to_string(int(k % 2000) - 1000) + "\n";
        s += "    xor a1, a1, a0\n    slli t0, a1, 1\n    srli t1, a1, 63\n    or a1, t0, t1\n";
        s += "    j " + prefix + std::to_string(k + 1) + "\n";
    }
    s += prefix + std::to_string(count) + ":\n";
    return s;
}

// The same computation in C++.
void chain_reference(unsigned count, uint64_t& a0, uint64_t& a1)
{
    for (unsigned k = 0; k < count; ++k) {
        a0 += uint64_t(int64_t(int(k % 2000) - 1000));
        a1 ^= a0;
        a1 = (a1 << 1) | (a1 >> 63);
    }
}

TEST(BlockCache, BlocksStayCorrectAcrossManyFlushes)
{
    constexpr unsigned blocks = 1500, rounds = 6;
    TestMachine m(nullptr, 16u << 20, tiny_cache);
    m.load("    li a0, 7\n    li a1, 0\n    li s2, " + std::to_string(rounds) + "\nround:\n"
        + chain_of_blocks("b", blocks) + "    addi s2, s2, -1\n    bnez s2, round\n    mv s3, a1\n    li a0, 0\n"
        + exit_seq);
    m.run_to_exit();
    uint64_t a0 = 7, a1 = 0;
    for (unsigned r = 0; r < rounds; ++r)
        chain_reference(blocks, a0, a1);
    EXPECT_EQ(m.reg(s3), a1);
    auto stats = m.hart->code_cache_stats();
    EXPECT_EQ(stats.capacity, tiny_cache);
    EXPECT_LE(stats.used, stats.capacity);
    // 1500 blocks of ~6 instructions cannot fit in 16 KiB: every round flushes several times.
    EXPECT_GE(stats.flushes, uint64_t(rounds) * 3) << "the budget was not enforced";
}

TEST(BlockCache, DefaultBudgetHoldsTheSameProgramWithoutFlushing)
{
    constexpr unsigned blocks = 1500;
    TestMachine m;
    m.load("    li a0, 7\n    li a1, 0\n" + chain_of_blocks("b", blocks) + "    mv s3, a1\n    li a0, 0\n" + exit_seq);
    m.run_to_exit();
    uint64_t a0 = 7, a1 = 0;
    chain_reference(blocks, a0, a1);
    EXPECT_EQ(m.reg(s3), a1);
    auto stats = m.hart->code_cache_stats();
    EXPECT_EQ(stats.capacity, default_code_cache_bytes);
    EXPECT_EQ(stats.flushes, 0u);
    EXPECT_GT(stats.used, 0u);
}

// Each round rewrites the immediate of one instruction (addi s1, s1, imm), fence.i, runs it,
// then runs enough other code to flush the cache: the rewritten instruction must run with its
// new bits whether its block was decoded before the flush or after it.
TEST(BlockCache, SelfModifyingCodeAfterFlushes)
{
    constexpr unsigned rounds = 12, filler = 400;
    TestMachine m(nullptr, 16u << 20, tiny_cache);
    m.load(R"(
    li s1, 0
    li s2, 1                # round number, also the immediate written this round
    la s4, patch
    li s5, 0x00048493       # addi s1, s1, 0 (s1 = x9)
round:
    slli t0, s2, 20
    or t0, t0, s5
    sw t0, 0(s4)
    fence.i
patch:
    addi s1, s1, 0
)" + chain_of_blocks("f", filler) + R"(
    addi s2, s2, 1
    li t0, )" + std::to_string(rounds + 1) + R"(
    bne s2, t0, round
    li a0, 0
)" + exit_seq);
    m.run_to_exit();
    EXPECT_EQ(m.reg(s1), uint64_t(rounds * (rounds + 1) / 2)); // 1 + 2 + ... + 12
    EXPECT_GE(m.hart->code_cache_stats().flushes, uint64_t(rounds));
}

// The same without fence.i: a store into a page the cache decoded from is noticed anyway
// (stores to code pages take the slow path), before and after flushes.
TEST(BlockCache, StoreToDecodedCodeIsSeenAfterFlushes)
{
    constexpr unsigned rounds = 8, filler = 400;
    TestMachine m(nullptr, 16u << 20, tiny_cache);
    m.load(R"(
    li s1, 0
    li s2, 1
    la s4, patch
    li s5, 0x00048493
round:
    slli t0, s2, 20
    or t0, t0, s5
    sw t0, 0(s4)
    j patch
    .option push
    .option norvc         # the patched instruction must be 4 bytes
patch:
    addi s1, s1, 0
    .option pop
)" + chain_of_blocks("f", filler) + R"(
    addi s2, s2, 1
    li t0, )" + std::to_string(rounds + 1) + R"(
    bne s2, t0, round
    li a0, 0
)" + exit_seq);
    m.run_to_exit();
    EXPECT_EQ(m.reg(s1), uint64_t(rounds * (rounds + 1) / 2));
}

// A hart that decoded more than the idle-trim threshold and then sleeps in WFI (timer every
// 200 ms, as a NO_HZ guest's idle loop does) drops its blocks once, as the sleep that makes
// a second of idleness begins (that WFI returns at once), and keeps only what the idle loop
// itself needs.
TEST(BlockCache, IdleHartDropsItsBlocksAfterAboutASecond)
{
    constexpr unsigned blocks = 4000; // ~700 KiB of decoded blocks
    TestMachine m;
    m.load(R"(
    li t0, 1
    slli t0, t0, 63
    csrs menvcfg, t0      # Sstc: stimecmp drives STIP
    li t0, 1 << 5
    csrw mie, t0          # STIE only, globally disabled: WFI wakes, no trap is taken
    li a0, 7
    li a1, 0
)" + chain_of_blocks("b", blocks) + R"(
    mv s3, a1
    li s2, 9
idle:
    csrr t0, time
    li t1, 2000000        # 200 ms at 10 MHz
    add t0, t0, t1
    csrw stimecmp, t0
    wfi
    addi s2, s2, -1
    bnez s2, idle
    li a0, 0
)" + exit_seq);
    auto start = std::chrono::steady_clock::now();
    m.run_to_exit();
    auto elapsed = std::chrono::steady_clock::now() - start;
    uint64_t a0 = 7, a1 = 0;
    chain_reference(blocks, a0, a1);
    EXPECT_EQ(m.reg(s3), a1);
    EXPECT_GE(elapsed, std::chrono::milliseconds(1500)) << "8 sleeps of 200 ms; the trimming WFI returns early";
    auto stats = m.hart->code_cache_stats();
    EXPECT_EQ(stats.flushes, 0u);
    EXPECT_EQ(stats.idle_trims, 1u);
    EXPECT_LT(stats.used, size_t(16u << 10)) << "the idle loop's blocks only";
}

// StoreToDecodedCodeIsSeenAfterFlushes with the default budget, so nothing is flushed: the block
// that stores is chained to the patched block by a direct jump, and the store must end the chain
// so the new bits are seen.
TEST(BlockCache, StoreToDecodedCodeEndsAChainedJump)
{
    constexpr unsigned rounds = 8;
    TestMachine m;
    m.load(R"(
    li s1, 0
    li s2, 1
    la s4, patch
    li s5, 0x00048493
round:
    slli t0, s2, 20
    or t0, t0, s5
    sw t0, 0(s4)
    j patch
    .option push
    .option norvc         # the patched instruction must be 4 bytes
patch:
    addi s1, s1, 0
    .option pop
    addi s2, s2, 1
    li t0, )" + std::to_string(rounds + 1) + R"(
    bne s2, t0, round
    li a0, 0
)" + exit_seq);
    m.run_to_exit();
    EXPECT_EQ(m.reg(s1), uint64_t(rounds * (rounds + 1) / 2));
    EXPECT_EQ(m.hart->code_cache_stats().flushes, 0u);
}

// retired_instructions() is what the control channel reports: readable while the hart runs,
// and exact once run() has returned.
TEST(Instret, PublishedWhileRunningAndExactAfterwards)
{
    TestMachine m;
    m.load(R"(
    li a2, 30000000
1:  addi a2, a2, -1
    bnez a2, 1b
    li a0, 0
)" + std::string(exit_seq));
    uint64_t seen_while_running = 0;
    std::atomic<bool> stop { false };
    std::thread reader([&] {
        while (!stop.load()) {
            uint64_t v = m.hart->retired_instructions();
            EXPECT_GE(v, seen_while_running) << "instret went backwards";
            seen_while_running = v;
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    });
    m.run_to_exit();
    stop = true;
    reader.join();
    uint64_t const loop = 2ull * 30000000;
    EXPECT_GE(m.hart->instret(), loop);
    EXPECT_LT(m.hart->instret(), loop + 100);
    EXPECT_EQ(m.hart->retired_instructions(), m.hart->instret());
    EXPECT_GT(seen_while_running, 0u) << "nothing was published while the hart ran";
}

// An interrupt raised by another thread must reach a hart that chains a tight loop without
// leaving the interpreter: requests are looked at before every chained block, so it is taken
// within a few blocks of the count published to other threads, which lags by at most one
// service interval (1024 blocks, Core::service_interval); here each block is 2 instructions.
TEST(HartInterrupt, FromAnotherThreadTakenWithinTheServiceBudget)
{
    TestMachine m;
    m.load(R"(
    la t0, handler
    csrw mtvec, t0
    li t0, 1 << 11
    csrw mie, t0          # MEIE
    csrsi mstatus, 8      # MIE
    li s1, 0
1:  addi s1, s1, 1
    j 1b
    .balign 4
handler:
    csrr s2, minstret
    csrr s3, mcause
    li a0, 0
)" + std::string(exit_seq));
    int64_t published = 0;
    std::thread poker([&] {
        while (m.hart->retired_instructions() < 2000000)
            std::this_thread::sleep_for(std::chrono::microseconds(100));
        m.hart->set_interrupt_pending(irq::MEIP, true);
        published = int64_t(m.hart->retired_instructions());
    });
    m.run_to_exit();
    poker.join();
    EXPECT_EQ(m.reg(s3), cause::interrupt | 11);
    EXPECT_GT(m.reg(s1), 100000u);
    constexpr int64_t service_interval = 1024, block = 2;
    EXPECT_LE(int64_t(m.reg(s2)) - published, 2 * service_interval * block + 32)
        << "the interrupt was taken too late";
}

// A timer that already fired but is disabled in mie cannot end a WFI: the hart must sleep
// until the interrupt it does wait for, not spin on the stale deadline.
TEST(HartWfiDeadline, PassedDisabledTimerDoesNotMakeWfiSpin)
{
    TestMachine m;
    m.load(R"(
    li t0, 1 << 11
    csrw mie, t0          # MEIE only; MTIP will be pending but disabled
    wfi
    csrr s1, mip
    li a0, 0
)" + std::string(exit_seq));
    m.hart->set_mtimecmp(0); // long passed
    std::thread poker([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        m.hart->set_interrupt_pending(irq::MEIP, true);
    });
    timespec t0, t1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    m.run_to_exit();
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    poker.join();
    double cpu = double(t1.tv_sec - t0.tv_sec) + double(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    EXPECT_EQ(m.reg(s1) & (irq::MEIP | irq::MTIP), irq::MEIP | irq::MTIP);
    EXPECT_LT(cpu, 0.05) << "WFI spun on a timer that had already fired";
}

} // namespace
} // namespace xenith::riscv::test
