// Jit: compiles the straight-line start of a hot decoded block to host code (x86-64), so the
// interpreter's one indirect dispatch per instruction goes away where it costs most.
#pragma once

#include <cstddef>
#include <atomic>
#include <cstdint>
#include <cstdio>

#include "base/mapping.h"

namespace xenith::riscv {

struct Block;
struct TlbEntry;
struct JumpCacheEntry;

// What compiled code needs to go on into the next compiled block by itself, as the interpreter's
// chaining does (same checks: the link or jump-cache entry is valid for the code epoch and fetch
// generation, no request from another thread is pending, the budget of blocks is not spent). On
// return, block and pc say which block the returned index is about (the last one entered) and
// retired what the blocks before it ran.
struct JitChain {
    uint64_t epoch;                          // in: the core's code epoch
    std::atomic<uint32_t> const* pending;    // in: the core's request bits
    JumpCacheEntry const* jump_cache;        // in: the core's jump cache (jalr targets)
    uint64_t const* fetch_gen;               // in: the generation its entries must have
    int64_t budget;                          // in/out: blocks left before the run loop's service
                                             // (one taken by each jump into compiled code)
    uint64_t retired;                        // out: instructions of the blocks left behind
    Block* block;                            // in/out: the block being run
    uint64_t pc;                             // in/out: its virtual address (auipc, links)
};

// Where a block's host code starts; entered only through Jit::run.
using JitCode = uint8_t const*;

// Compiled code runs a block's instructions from the first up to, not including, the one whose
// index it returns; the interpreter runs that one and the rest. It does only what cannot trap:
// register arithmetic, and loads and stores that hit the TLB. A miss returns the index of that
// load or store before anything of it is done, so the interpreter's handler redoes it whole.
// When the whole block ran, it returns count if it left through its last instruction's jump
// (a taken conditional branch or a jal; link 0), count + 1 if it fell through (link 1), and
// count + 2 after a jalr, whose target it leaves in the write sink x[x_sink]. A direct exit
// (taken branch, jal, fall-through) whose linked successor is compiled, and a jalr whose target
// is in the jump cache and compiled, jump into that code instead (see JitChain).
//
// A few guest registers live in host registers while compiled code runs (the rest stay in the
// register file): Jit::run loads them, and every way out stores them back, so the interpreter
// always sees the whole register file in x.
class Jit {
public:
    // Reserves `bytes` of executable memory lazily (no RSS until code is written). An empty
    // Jit (bytes == 0, or a host that is not x86-64) compiles nothing.
    explicit Jit(size_t bytes);
    ~Jit();
    Jit(Jit const&) = delete;
    Jit& operator=(Jit const&) = delete;

    // Host code for b's first instructions, or nullptr (too few compilable ones, or full). vpc:
    // where the guest runs b now, for the perf map's symbol names only.
    JitCode compile(Block const& b, uint64_t vpc);
    // Drops all code (with the block cache's flush: blocks and their code go together) and
    // gives the pages back to the kernel.
    void flush();
    size_t used() const { return m_used; }
    // A block was turned away for want of room since the last flush: the owner should flush
    // (with its block cache) so that what is hot now gets compiled.
    bool full() const { return m_full; }

    // Runs compiled code (from compile() since the last flush) of the block at chain->pc. x: the
    // register file (x0..x31 and the write sink); rtlb/wtlb: the current read and write TLB sets.
    uint32_t run(JitCode code, uint64_t* x, TlbEntry const* rtlb, TlbEntry const* wtlb, JitChain* chain) const
    {
        return m_enter(x, rtlb, wtlb, chain, code);
    }

    // Instructions a compiled prefix must have to be worth a call.
    static constexpr unsigned min_prefix = 2;

private:
    using Enter = uint32_t (*)(uint64_t* x, TlbEntry const* rtlb, TlbEntry const* wtlb, JitChain* chain, JitCode code);
    // Emits the shared entry and exit at the start of an empty buffer.
    bool emit_stubs();

    Mapping m_code;
    size_t m_used { 0 };
    // With XENITH_JIT_PERF_MAP set: /tmp/perf-PID.map, where `perf report` finds a name for each
    // compiled block ("riscv:VPC:PHYS"), so a profile shows which guest code the time went to.
    // It holds the code since the last flush (addresses are reused after one); the earlier
    // generations are kept as perf-PID.map.1, .2, ...
    std::FILE* m_perf_map { nullptr };
    unsigned m_perf_map_generation { 0 };
    bool m_full { false };
    Enter m_enter { nullptr };
    uint8_t const* m_exit { nullptr };
};

} // namespace xenith::riscv
