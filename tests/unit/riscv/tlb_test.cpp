// The data TLB: two hot pages whose addresses share a TLB index (1 MiB apart) must both stay
// cached, with the interpreter alone and with the JIT (whose inline check must see both ways).
#include "riscv/test_machine.h"

namespace xenith::riscv::test {
namespace {

// Alternates a load and a store between page A and page B = A + 1 MiB (same TLB index) 10000
// times, then sums what it stored: the result checks that each access reached its own page.
std::string alternating_pages(unsigned pages)
{
    std::string s = R"(
    li s0, 0x80200000       # page A
    li s1, 0x100000         # 1 MiB: the TLB index repeats
    li t0, 10000
    li a0, 0
loop:
    mv t1, s0
)";
    for (unsigned p = 0; p < pages; ++p) {
        s += R"(
    ld t2, 0(t1)
    addi t2, t2, 1
    sd t2, 0(t1)
    add t1, t1, s1
)";
    }
    s += R"(
    addi t0, t0, -1
    bnez t0, loop
    mv t1, s0
)";
    for (unsigned p = 0; p < pages; ++p)
        s += "    ld t2, 0(t1)\n    add a0, a0, t2\n    add t1, t1, s1\n";
    s += R"(
    li t3, 0x100000
    li t4, 1
    sw t4, 0(t3)
99: j 99b
)";
    return s;
}

struct Outcome {
    uint64_t sum;
    uint64_t refills;
};

Outcome run_alternating(unsigned pages, uint32_t jit_hot_entries)
{
    TestMachine m(nullptr, 16u << 20, 0, jit_hot_entries);
    m.load(alternating_pages(pages));
    m.run_to_exit();
    return { m.reg(a0), m.hart->code_cache_stats().data_tlb_refills };
}

TEST(DataTlb, TwoPagesAtTheSameIndexStayCached)
{
    for (uint32_t jit_hot_entries : { 0u, 1u }) {
        SCOPED_TRACE(jit_hot_entries ? "JIT" : "interpreter only");
        Outcome const o = run_alternating(2, jit_hot_entries);
        EXPECT_EQ(o.sum, 20000u);
        // The first access to each page misses the read and the write TLB; with one way, every
        // access missed (40000 refills).
        EXPECT_LT(o.refills, 20u);
    }
}

TEST(DataTlb, ThreePagesAtTheSameIndexStillGiveTheRightData)
{
    for (uint32_t jit_hot_entries : { 0u, 1u }) {
        SCOPED_TRACE(jit_hot_entries ? "JIT" : "interpreter only");
        Outcome const o = run_alternating(3, jit_hot_entries);
        EXPECT_EQ(o.sum, 30000u);
        // More pages than ways: they evict each other, which costs refills but no data.
        EXPECT_GT(o.refills, 10000u);
    }
}

} // namespace
} // namespace xenith::riscv::test
