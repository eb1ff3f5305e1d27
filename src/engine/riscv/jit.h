// Jit: compiles the straight-line start of a hot decoded block to host code (x86-64), so the
// interpreter's one indirect dispatch per instruction goes away where it costs most.
#pragma once

#include <cstddef>
#include <atomic>
#include <cstdint>

#include "base/mapping.h"

namespace xenith::riscv {

struct Block;
struct TlbEntry;

// What compiled code needs to go on into the next compiled block by itself, as the interpreter's
// chaining does (same checks: the link is valid for the code epoch, no request from another
// thread is pending, the budget of blocks is not spent). On return, block and pc say which block
// the returned index is about (the last one entered) and retired what the blocks before it ran.
struct JitChain {
    uint64_t epoch;                          // in: the core's code epoch
    std::atomic<uint32_t> const* pending;    // in: the core's request bits
    int64_t budget;                          // in/out: blocks left before the run loop's service
    uint64_t retired;                        // out: instructions of the blocks left behind
    uint64_t chained;                        // out: jumps from compiled code into compiled code
    Block* block;                            // in/out: the block being run
    uint64_t pc;                             // in/out: its virtual address
};

// Runs a block's instructions from the first up to, not including, the one whose index it
// returns; the interpreter runs that one and the rest. Compiled code does only what cannot trap:
// register arithmetic, and loads and stores that hit the TLB. A miss returns the index of that
// load or store before anything of it is done, so the interpreter's handler redoes it whole.
// When the whole block ran, it returns count if it left through its last instruction's jump
// (a taken conditional branch or a jal; link 0), count + 1 if it fell through (link 1), and
// count + 2 after a jalr, whose target it leaves in the write sink x[x_sink].
// x: the register file (x0..x31 and the write sink); rtlb/wtlb: the current read and write TLB
// sets; pc: the block's virtual address (auipc, jal's link). A direct exit (taken branch, jal,
// fall-through) whose linked successor is compiled jumps into it (see JitChain).
using JitCode = uint32_t (*)(uint64_t* x, TlbEntry const* rtlb, TlbEntry const* wtlb, uint64_t pc, JitChain* chain);

class Jit {
public:
    // Reserves `bytes` of executable memory lazily (no RSS until code is written). An empty
    // Jit (bytes == 0, or a host that is not x86-64) compiles nothing.
    explicit Jit(size_t bytes);
    Jit(Jit const&) = delete;
    Jit& operator=(Jit const&) = delete;

    // Host code for b's first instructions, or nullptr (too few compilable ones, or full).
    JitCode compile(Block const& b);
    // Drops all code (with the block cache's flush: blocks and their code go together) and
    // gives the pages back to the kernel.
    void flush();
    size_t used() const { return m_used; }

    // Instructions a compiled prefix must have to be worth a call.
    static constexpr unsigned min_prefix = 2;
    // Bytes of the prologue that a chained jump skips (it arrives with pc and wtlb in place).
    static constexpr size_t prologue_bytes = 6;

private:
    Mapping m_code;
    size_t m_used { 0 };
};

} // namespace xenith::riscv
