// Interpreter: runs one pre-decoded block; the hot loop of the engine.
#include <atomic>
#include <bit>

#include "engine/riscv/core.h"
#include "engine/riscv/fpu.h"

namespace xenith::riscv {

namespace {

inline uint64_t sext32(uint64_t v) { return uint64_t(int64_t(int32_t(uint32_t(v)))); }

inline uint64_t div_s(uint64_t a, uint64_t b)
{
    if (b == 0)
        return ~0ull;
    if (int64_t(a) == INT64_MIN && int64_t(b) == -1)
        return a;
    return uint64_t(int64_t(a) / int64_t(b));
}

inline uint64_t rem_s(uint64_t a, uint64_t b)
{
    if (b == 0)
        return a;
    if (int64_t(a) == INT64_MIN && int64_t(b) == -1)
        return 0;
    return uint64_t(int64_t(a) % int64_t(b));
}

inline uint64_t divw(uint64_t a, uint64_t b)
{
    int32_t x = int32_t(a), y = int32_t(b);
    if (y == 0)
        return ~0ull;
    if (x == INT32_MIN && y == -1)
        return sext32(uint32_t(x));
    return sext32(uint32_t(x / y));
}

inline uint64_t remw(uint64_t a, uint64_t b)
{
    int32_t x = int32_t(a), y = int32_t(b);
    if (y == 0)
        return sext32(uint32_t(x));
    if (x == INT32_MIN && y == -1)
        return 0;
    return sext32(uint32_t(x % y));
}

inline uint64_t orc_b(uint64_t v)
{
    uint64_t r = 0;
    for (unsigned k = 0; k < 8; ++k) {
        if ((v >> (8 * k)) & 0xff)
            r |= 0xffull << (8 * k);
    }
    return r;
}

} // namespace

// The slow half of following a block's exit: finds the successor at virtual address target (and
// caches it in b's link or the jump cache), or returns nullptr to send the run loop through its
// full lookup.
Block* Core::chain(Block* b, unsigned slot, uint64_t bpc, uint64_t target)
{
    if (XENITH_UNLIKELY(m_trace))
        return nullptr;
    bool const same_page = b->cacheable && ((target ^ bpc) >> 12) == 0;
#ifdef XENITH_BLOCK_PROFILE
    ++m_chain_stats[same_page ? 0 : 1];
    if (Op last = b->insns[b->count - 1].op; last == Op::Jalr || last == Op::FusedAddiJalr || last == Op::FusedLdJalr)
        ++m_chain_stats[same_page ? 2 : 3];
#endif
    uint64_t phys;
    if (same_page) {
        phys = (b->phys & ~0xfffull) | (target & 0xfff);
    } else {
        // Another page: only through a fetch-TLB hit, which vouches for the current translation
        // and execute permission; anything else goes back to the run loop's full lookup.
        TlbEntry const& e = m_xtlb[(target >> 12) & tlb_mask];
        if (e.tag != (target & ~0xfffull))
            return nullptr;
        phys = target + e.addend - uint64_t(m_ram_host) + m_ram_base;
    }
    Block* n = block_at_phys(phys);
    if (!n)
        return nullptr;
    if (same_page)
        b->link[slot] = n;
    jump_cache_at(target) = JumpCacheEntry { target, n, m_fetch_gen };
    return n;
}

void Core::compile_hot(Block* b, uint64_t vpc)
{
    if (b->cacheable && !m_trace) {
        b->jit = m_jit.compile(*b, vpc);
        m_jit_blocks += b->jit != nullptr;
        // Out of room for code: the next service flushes blocks and code (QEMU's tb_flush when
        // its code buffer is full), else nothing that gets hot from now on would be compiled.
        if (XENITH_UNLIKELY(m_jit.full()))
            m_flush_due = true;
    }
}

Block* Core::execute(Block* b)
{
    uint64_t* const xr = x;
    // Nothing run inside this function changes the epoch without returning (fence.i, flushes).
    uint64_t const epoch = m_code_epoch;
    uint64_t bpc = pc;
    // Blocks left before the run loop must service the hart (see service_interval), in a register
    // while chaining; every return below goes through LEAVE, which hands it back.
    int budget = m_countdown;
    m_code_written = false;
    Insn const* i;
    JitChain jit_chain { epoch, &m_pending, m_jump_cache, &m_fetch_gen, 0, 0, nullptr, 0 };

#define R1 xr[i->rs1]
#define R2 xr[i->rs2]
#define RD xr[i->rd]
#define IMM int64_t(i->imm)
#define IPC (bpc + i->off)
#define NEXT_PC (bpc + i->off + i->len)
#define DONE_BEFORE uint64_t(i - b->insns)
#define LEAVE(value)             \
    do {                         \
        m_countdown = budget;    \
        return (value);          \
    } while (0)
#define EXC()                          \
    do {                               \
        instret += DONE_BEFORE;        \
        take_exception(IPC);           \
        LEAVE(nullptr);                \
    } while (0)
#define ILLEGAL()                       \
    do {                                \
        raise(cause::illegal, i->raw);  \
        EXC();                          \
    } while (0)
#define DISPATCH() goto* dispatch[size_t(i->op)]
#define NEXT()      \
    do {            \
        ++i;        \
        DISPATCH(); \
    } while (0)
// Continues into the chained successor n_ at t_ without leaving the interpreter, unless another
// thread has made a request (an interrupt, a remote fence.i or TLB flush: acted on before the next
// block, which cross-modifying code relies on), the budget of blocks is spent (the run loop then
// services the hart: clock, timers, code written by others) or this hart has just stored to a
// code page (the run loop then checks the code generation before the next block).
#define CONTINUE_LINKED(n_, t_)                                                               \
    do {                                                                                      \
        if (XENITH_LIKELY(m_pending.load(std::memory_order_relaxed) == 0 && --budget >= 0)) { \
            b = n_;                                                                           \
            bpc = t_;                                                                         \
            goto enter;                                                                       \
        }                                                                                     \
        pc = t_;                                                                              \
        LEAVE(n_);                                                                            \
    } while (0)
// The same for a successor found by chain(), which may be none.
#define CONTINUE_AT(next, t_)                    \
    do {                                         \
        Block* c_ = (next);                      \
        if (c_)                                  \
            CONTINUE_LINKED(c_, t_);             \
        pc = t_;                                 \
        LEAVE(nullptr);                          \
    } while (0)
// Successors not linked from this block (another page, an indirect target that changed): the
// jump cache, then chain(). A hit in the same page is linked, as chain() would: a loop's head is
// often first reached from the block before it (which filled the jump cache), and compiled
// code only goes on through links.
#define FOLLOW_JUMP_CACHE(slot, t_)                                                                       \
    do {                                                                                                  \
        JumpCacheEntry const& j_ = jump_cache_at(t_);                                                     \
        if (XENITH_LIKELY(j_.vpc == t_ && j_.gen == m_fetch_gen && j_.block->epoch == epoch)) {           \
            if (b->cacheable && ((t_ ^ bpc) >> 12) == 0)                                                  \
                b->link[slot] = j_.block;                                                                 \
            CONTINUE_LINKED(j_.block, t_);                                                                \
        }                                                                                                 \
        CONTINUE_AT(chain(b, slot, bpc, t_), t_);                                                         \
    } while (0)
// A direct exit (branch, jal, fall-through) has a fixed target, so a link that is still valid
// for the current code epoch is the right block (an empty link is no_block, never valid).
#define FOLLOW_DIRECT(slot, t_)                                \
    do {                                                       \
        Block* l_ = b->link[slot];                             \
        if (XENITH_LIKELY(l_->epoch == epoch))                 \
            CONTINUE_LINKED(l_, t_);                           \
        FOLLOW_JUMP_CACHE(slot, t_);                           \
    } while (0)
// An indirect exit (jalr) also checks that the link is for this target.
#define FOLLOW_INDIRECT(slot, t_)                                                                          \
    do {                                                                                                  \
        Block* l_ = b->link[slot];                                                                        \
        if (XENITH_LIKELY(l_->epoch == epoch && ((t_ ^ bpc) >> 12) == 0                                   \
                && l_->phys == ((b->phys & ~0xfffull) | (t_ & 0xfff))))                                   \
            CONTINUE_LINKED(l_, t_);                                                                      \
        FOLLOW_JUMP_CACHE(slot, t_);                                                                      \
    } while (0)
// Control transfers always end their block, so the block's count is what has retired.
#define JUMP(target, slot)                       \
    do {                                         \
        uint64_t t_ = (target);                  \
        instret += b->count;                     \
        FOLLOW_DIRECT(slot, t_);                 \
    } while (0)
#define BRANCH(cond)                              \
    do {                                          \
        if (cond)                                 \
            JUMP(IPC + IMM, 0);                   \
        JUMP(NEXT_PC, 1);                         \
    } while (0)
#define LOAD(T, conv)                   \
    do {                                \
        T v_;                           \
        if (!load<T>(R1 + IMM, v_))     \
            EXC();                      \
        RD = conv(v_);                  \
    } while (0)
// A store through the slow path ends chaining after this block if it wrote to a code page (code
// pages are never in the write TLB): the run loop then checks the code generation first.
#define STORE_TO(T, addr, value)                                  \
    do {                                                          \
        uint64_t a_ = (addr);                                     \
        T v_ = (value);                                           \
        if (XENITH_UNLIKELY(!store_fast<T>(a_, v_))) {            \
            if (!store_slow(a_, sizeof(T), uint64_t(v_)))         \
                EXC();                                            \
            if (m_code_written)                                   \
                budget = 0;                                       \
        }                                                         \
    } while (0)
#define STORE(T) STORE_TO(T, R1 + IMM, T(R2))
// Ends the block after a system instruction: the next block is looked up afresh.
#define SYSTEM_DONE()                   \
    do {                                \
        instret += DONE_BEFORE + 1;     \
        pc = NEXT_PC;                   \
        m_local_check = true;           \
        LEAVE(nullptr);                 \
    } while (0)

// Bodies of the ops that take part in superinstructions (see XENITH_RISCV_FUSED): each runs one
// instruction at i without advancing, so a fused handler is two bodies with ++i between them.
#define B_Ld LOAD(uint64_t, uint64_t)
#define B_Lw LOAD(int32_t, int64_t)
#define B_Lb LOAD(int8_t, int64_t)
#define B_Lbu LOAD(uint8_t, uint64_t)
#define B_Lhu LOAD(uint16_t, uint64_t)
#define B_Sd STORE(uint64_t)
#define B_Sb STORE(uint8_t)
#define B_Add RD = R1 + R2
#define B_Addi RD = R1 + IMM
#define B_Addw RD = sext32(R1 + R2)
#define B_Addiw RD = sext32(R1 + IMM)
#define B_Mulw RD = sext32(uint32_t(R1) * uint32_t(R2))
#define B_And RD = R1 & R2
#define B_Andi RD = R1 & IMM
#define B_Or RD = R1 | R2
#define B_Xor RD = R1 ^ R2
#define B_Slli RD = R1 << i->imm
#define B_Srli RD = R1 >> i->imm
#define B_Slliw RD = sext32(uint32_t(R1) << i->imm)
#define B_Srliw RD = sext32(uint32_t(R1) >> i->imm)
#define B_Beq BRANCH(R1 == R2)
#define B_Bne BRANCH(R1 != R2)
#define B_Blt BRANCH(int64_t(R1) < int64_t(R2))
#define B_Bltu BRANCH(R1 < R2)
#define B_Bgeu BRANCH(R1 >= R2)
#define B_Jal     \
    RD = NEXT_PC; \
    JUMP(IPC + IMM, 0)
#define B_Jalr                                      \
    do {                                            \
        uint64_t t_ = (R1 + IMM) & ~1ull;           \
        RD = NEXT_PC;                               \
        instret += b->count;                        \
        FOLLOW_INDIRECT(0, t_);                     \
    } while (0)

    static void* const dispatch[] = {
#define XENITH_OP_LABEL(name) &&op_##name,
        XENITH_RISCV_OPS(XENITH_OP_LABEL)
#undef XENITH_OP_LABEL
#define XENITH_FUSED_LABEL(a, b) &&op_Fused##a##b,
        XENITH_RISCV_FUSED(XENITH_FUSED_LABEL)
#undef XENITH_FUSED_LABEL
        &&op_FusedDivuwRemuw,
    };

enter:
#ifdef XENITH_BLOCK_PROFILE
    ++b->hits;
#endif
    i = b->insns;
    // A hot block's start runs as host code; the interpreter goes on where that stopped.
    if (XENITH_UNLIKELY(!b->jit) && ++b->heat == m_jit_hot_entries)
        compile_hot(b, bpc);
    if (b->jit) {
        jit_chain.budget = budget;
        jit_chain.retired = 0;
        jit_chain.block = b;
        jit_chain.pc = bpc;
        uint32_t const r = m_jit.run(b->jit, xr, m_rtlb, m_wtlb, &jit_chain);
        // Compiled blocks may have gone on into each other: r is about the last one.
        b = jit_chain.block;
        bpc = jit_chain.pc;
        // Each jump from compiled code into compiled code took one block of the budget.
        m_jit_chained += uint64_t(budget - jit_chain.budget);
        budget = int(jit_chain.budget);
        instret += jit_chain.retired;
        if (XENITH_LIKELY(r >= b->count)) {
            instret += b->count;
            if (r == b->count) {
                Insn const& last = b->insns[b->count - 1];
                uint64_t const t_ = bpc + last.off + int64_t(last.imm);
                FOLLOW_DIRECT(0, t_);
            }
            if (r == b->count + 2) {
                uint64_t const t_ = xr[x_sink];
                FOLLOW_INDIRECT(0, t_);
            }
            uint64_t const t_ = bpc + b->insns[b->count].off;
            FOLLOW_DIRECT(1, t_);
        }
        i = b->insns + r;
    }
    DISPATCH();
    {
        {
        op_Nop:
            NEXT();
        op_Fence:
            // The host (x86-TSO) only reorders a store with a later load: a fence whose
            // predecessor set has W or O and whose successor set has R or I needs a full
            // barrier, except FENCE.TSO (fm = 8), which does not order W before R.
            if ((i->imm & 0x50) && (i->imm & 0x0a) && ((i->imm >> 8) & 0xf) != 8)
                std::atomic_thread_fence(std::memory_order_seq_cst);
            else
                std::atomic_thread_fence(std::memory_order_acq_rel);
            NEXT();
        op_BlockEnd:
        {
            instret += b->count;
            uint64_t t_ = bpc + i->off;
            FOLLOW_DIRECT(1, t_);
        }
        op_Illegal:
            ILLEGAL();

        op_Lui: RD = uint64_t(IMM); NEXT();
        op_Auipc: RD = IPC + IMM; NEXT();
        op_Jal: B_Jal;
        op_Jalr: B_Jalr;
        op_Beq: B_Beq;
        op_Bne: B_Bne;
        op_Blt: B_Blt;
        op_Bge: BRANCH(int64_t(R1) >= int64_t(R2));
        op_Bltu: B_Bltu;
        op_Bgeu: B_Bgeu;

        op_Lb: B_Lb; NEXT();
        op_Lh: LOAD(int16_t, int64_t); NEXT();
        op_Lw: B_Lw; NEXT();
        op_Ld: B_Ld; NEXT();
        op_Lbu: B_Lbu; NEXT();
        op_Lhu: B_Lhu; NEXT();
        op_Lwu: LOAD(uint32_t, uint64_t); NEXT();
        op_Sb: B_Sb; NEXT();
        op_Sh: STORE(uint16_t); NEXT();
        op_Sw: STORE(uint32_t); NEXT();
        op_Sd: B_Sd; NEXT();

        op_Addi: B_Addi; NEXT();
        op_Slti: RD = int64_t(R1) < IMM; NEXT();
        op_Sltiu: RD = R1 < uint64_t(IMM); NEXT();
        op_Xori: RD = R1 ^ IMM; NEXT();
        op_Ori: RD = R1 | IMM; NEXT();
        op_Andi: B_Andi; NEXT();
        op_Slli: B_Slli; NEXT();
        op_Srli: B_Srli; NEXT();
        op_Srai: RD = uint64_t(int64_t(R1) >> i->imm); NEXT();
        op_Add: B_Add; NEXT();
        op_Sub: RD = R1 - R2; NEXT();
        op_Sll: RD = R1 << (R2 & 63); NEXT();
        op_Slt: RD = int64_t(R1) < int64_t(R2); NEXT();
        op_Sltu: RD = R1 < R2; NEXT();
        op_Xor: B_Xor; NEXT();
        op_Srl: RD = R1 >> (R2 & 63); NEXT();
        op_Sra: RD = uint64_t(int64_t(R1) >> (R2 & 63)); NEXT();
        op_Or: B_Or; NEXT();
        op_And: B_And; NEXT();
        op_Addiw: B_Addiw; NEXT();
        op_Slliw: B_Slliw; NEXT();
        op_Srliw: B_Srliw; NEXT();
        op_Sraiw: RD = uint64_t(int64_t(int32_t(R1) >> i->imm)); NEXT();
        op_Addw: B_Addw; NEXT();
        op_Subw: RD = sext32(R1 - R2); NEXT();
        op_Sllw: RD = sext32(uint32_t(R1) << (R2 & 31)); NEXT();
        op_Srlw: RD = sext32(uint32_t(R1) >> (R2 & 31)); NEXT();
        op_Sraw: RD = uint64_t(int64_t(int32_t(R1) >> (R2 & 31))); NEXT();

        op_Mul: RD = R1 * R2; NEXT();
        op_Mulh: RD = uint64_t((__int128(int64_t(R1)) * __int128(int64_t(R2))) >> 64); NEXT();
        op_Mulhsu:
            RD = uint64_t((__int128(int64_t(R1)) * __int128(static_cast<unsigned __int128>(R2))) >> 64);
            NEXT();
        op_Mulhu: RD = uint64_t((static_cast<unsigned __int128>(R1) * R2) >> 64); NEXT();
        op_Div: RD = div_s(R1, R2); NEXT();
        op_Divu: RD = R2 ? R1 / R2 : ~0ull; NEXT();
        op_Rem: RD = rem_s(R1, R2); NEXT();
        op_Remu: RD = R2 ? R1 % R2 : R1; NEXT();
        op_Mulw: B_Mulw; NEXT();
        op_Divw: RD = divw(R1, R2); NEXT();
        op_Divuw: RD = uint32_t(R2) ? sext32(uint32_t(R1) / uint32_t(R2)) : ~0ull; NEXT();
        op_Remw: RD = remw(R1, R2); NEXT();
        op_Remuw: RD = uint32_t(R2) ? sext32(uint32_t(R1) % uint32_t(R2)) : sext32(R1); NEXT();

        op_LrW:
        op_LrD: {
            unsigned size = i->op == Op::LrW ? 4 : 8;
            uint8_t* h = atomic_ptr(R1, size, Access::Read);
            if (!h)
                EXC();
            uint64_t v;
            if (size == 4)
                v = std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(h)).load(std::memory_order_acquire);
            else
                v = std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(h)).load(std::memory_order_acquire);
            m_resv_addr = uint64_t(h);
            m_resv_value = v;
            m_resv_valid = true;
            RD = size == 4 ? sext32(v) : v;
            NEXT();
        }
        op_ScW:
        op_ScD: {
            unsigned size = i->op == Op::ScW ? 4 : 8;
            uint8_t* h = atomic_ptr(R1, size, Access::Write);
            if (!h)
                EXC();
            bool ok = false;
            if (m_resv_valid && m_resv_addr == uint64_t(h)) {
                if (size == 4) {
                    uint32_t expected = uint32_t(m_resv_value);
                    ok = std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(h))
                             .compare_exchange_strong(expected, uint32_t(R2), std::memory_order_acq_rel);
                } else {
                    uint64_t expected = m_resv_value;
                    ok = std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(h))
                             .compare_exchange_strong(expected, R2, std::memory_order_acq_rel);
                }
            }
            m_resv_valid = false;
            RD = ok ? 0 : 1;
            if (XENITH_UNLIKELY(m_code_written))
                budget = 0;
            NEXT();
        }
#define AMO_W(fn)                                                                           \
    do {                                                                                    \
        uint8_t* h = atomic_ptr(R1, 4, Access::Write);                                      \
        if (!h)                                                                             \
            EXC();                                                                          \
        std::atomic_ref<uint32_t> ref(*reinterpret_cast<uint32_t*>(h));                     \
        uint32_t b_ = uint32_t(R2);                                                         \
        uint32_t a_ = ref.load(std::memory_order_relaxed);                                  \
        while (!ref.compare_exchange_weak(a_, uint32_t(fn), std::memory_order_acq_rel)) { } \
        RD = sext32(a_);                                                                    \
        if (XENITH_UNLIKELY(m_code_written))                                                \
            budget = 0;                                                                     \
    } while (0)
#define AMO_D(fn)                                                                           \
    do {                                                                                    \
        uint8_t* h = atomic_ptr(R1, 8, Access::Write);                                      \
        if (!h)                                                                             \
            EXC();                                                                          \
        std::atomic_ref<uint64_t> ref(*reinterpret_cast<uint64_t*>(h));                     \
        uint64_t b_ = R2;                                                                   \
        uint64_t a_ = ref.load(std::memory_order_relaxed);                                  \
        while (!ref.compare_exchange_weak(a_, uint64_t(fn), std::memory_order_acq_rel)) { } \
        RD = a_;                                                                            \
        if (XENITH_UNLIKELY(m_code_written))                                                \
            budget = 0;                                                                     \
    } while (0)
        op_AmoswapW: AMO_W(b_); NEXT();
        op_AmoaddW: AMO_W(a_ + b_); NEXT();
        op_AmoxorW: AMO_W(a_ ^ b_); NEXT();
        op_AmoandW: AMO_W(a_ & b_); NEXT();
        op_AmoorW: AMO_W(a_ | b_); NEXT();
        op_AmominW: AMO_W(int32_t(a_) < int32_t(b_) ? a_ : b_); NEXT();
        op_AmomaxW: AMO_W(int32_t(a_) > int32_t(b_) ? a_ : b_); NEXT();
        op_AmominuW: AMO_W(a_ < b_ ? a_ : b_); NEXT();
        op_AmomaxuW: AMO_W(a_ > b_ ? a_ : b_); NEXT();
        op_AmoswapD: AMO_D(b_); NEXT();
        op_AmoaddD: AMO_D(a_ + b_); NEXT();
        op_AmoxorD: AMO_D(a_ ^ b_); NEXT();
        op_AmoandD: AMO_D(a_ & b_); NEXT();
        op_AmoorD: AMO_D(a_ | b_); NEXT();
        op_AmominD: AMO_D(int64_t(a_) < int64_t(b_) ? a_ : b_); NEXT();
        op_AmomaxD: AMO_D(int64_t(a_) > int64_t(b_) ? a_ : b_); NEXT();
        op_AmominuD: AMO_D(a_ < b_ ? a_ : b_); NEXT();
        op_AmomaxuD: AMO_D(a_ > b_ ? a_ : b_); NEXT();

        op_FenceI:
            invalidate_code();
            SYSTEM_DONE();
        op_Ecall:
            if (priv == Priv::S && m_sbi) {
                instret += DONE_BEFORE + 1;
                pc = IPC;
                uint64_t before = pc;
                if (auto exit = m_sbi->handle_ecall(m_hart)) {
                    m_exit = exit;
                } else if (pc == before) {
                    pc += 4;
                }
                m_local_check = true;
                LEAVE(nullptr);
            }
            raise(priv == Priv::U ? cause::ecall_u : priv == Priv::S ? cause::ecall_s : cause::ecall_m, 0);
            EXC();
        op_Ebreak:
            raise(cause::breakpoint, 0);
            EXC();
        op_Mret:
            if (priv != Priv::M)
                ILLEGAL();
            instret += DONE_BEFORE + 1;
            do_mret();
            LEAVE(nullptr);
        op_Sret:
            if (priv == Priv::U || (priv == Priv::S && (m_mstatus & ms::TSR)))
                ILLEGAL();
            instret += DONE_BEFORE + 1;
            do_sret();
            LEAVE(nullptr);
        op_Wfi:
            if (priv == Priv::U || (priv == Priv::S && (m_mstatus & ms::TW)))
                ILLEGAL();
            instret += DONE_BEFORE + 1;
            pc = NEXT_PC;
            wait_for_interrupt();
            LEAVE(nullptr);
        op_SfenceVma:
            if (priv == Priv::U || (priv == Priv::S && (m_mstatus & ms::TVM)))
                ILLEGAL();
            if (i->rs1 == 0)
                flush_tlb();
            else
                flush_tlb_page(R1);
            SYSTEM_DONE();

        op_Csrrw:
        op_Csrrs:
        op_Csrrc:
        op_Csrrwi:
        op_Csrrsi:
        op_Csrrci: {
            unsigned num = unsigned(i->imm) & 0xfff;
            bool imm_form = i->op >= Op::Csrrwi;
            uint64_t src = imm_form ? uint64_t(i->rs1) : R1;
            bool is_write_op = i->op == Op::Csrrw || i->op == Op::Csrrwi;
            bool write = is_write_op || i->rs1 != 0;
            // Counters read by this instruction include the ones retired before it in the block.
            instret += DONE_BEFORE;
            uint64_t old;
            bool ok = csr_read(num, old);
            if (ok && write) {
                // mip.SEIP reads as the PLIC's line OR the software bit, but a read-modify-write
                // must only carry the software bit (else csrs mip, SSIP would latch SEIP).
                uint64_t base = num == csr::mip ? (old & ~irq::SEIP) | (m_seip_sw ? irq::SEIP : 0) : old;
                uint64_t value = is_write_op ? src
                    : (i->op == Op::Csrrs || i->op == Op::Csrrsi) ? (base | src)
                                                                   : (base & ~src);
                ok = csr_write(num, value);
            }
            if (!ok) {
                raise(cause::illegal, i->raw);
                take_exception(IPC);
                LEAVE(nullptr);
            }
            RD = old;
            instret += 1;
            pc = NEXT_PC;
            m_local_check = true;
            LEAVE(nullptr);
        }

        op_Flw: {
            if (fs_off())
                ILLEGAL();
            uint32_t v;
            if (!load<uint32_t>(R1 + IMM, v))
                EXC();
            f[i->rd] = 0xffffffff00000000ull | v;
            fs_dirty();
            NEXT();
        }
        op_Fld: {
            if (fs_off())
                ILLEGAL();
            uint64_t v;
            if (!load<uint64_t>(R1 + IMM, v))
                EXC();
            f[i->rd] = v;
            fs_dirty();
            NEXT();
        }
        op_Fsw:
            if (fs_off())
                ILLEGAL();
            STORE_TO(uint32_t, R1 + IMM, uint32_t(f[i->rs2]));
            NEXT();
        op_Fsd:
            if (fs_off())
                ILLEGAL();
            STORE_TO(uint64_t, R1 + IMM, f[i->rs2]);
            NEXT();
        op_FpToF:
        op_FpToX:
        op_FpFromX: {
            if (fs_off())
                ILLEGAL();
            unsigned rm = i->rm() == 7 ? m_frm : i->rm();
            if (rm > 4)
                ILLEGAL();
            uint32_t flags = m_fflags;
            auto op = fpu::Op(i->fop);
            auto mode = fpu::RoundingMode(rm);
            if (i->op == Op::FpToF) {
                f[i->rd] = fpu::execute(op, f[i->rs1], f[i->rs2], f[i->rs3()], mode, flags);
                fs_dirty();
            } else if (i->op == Op::FpFromX) {
                f[i->rd] = fpu::execute(op, R1, 0, 0, mode, flags);
                fs_dirty();
            } else {
                RD = fpu::execute(op, f[i->rs1], f[i->rs2], 0, mode, flags);
            }
            if (flags != m_fflags) {
                m_fflags = flags;
                fs_dirty();
            }
            NEXT();
        }

        op_Sh1add: RD = (R1 << 1) + R2; NEXT();
        op_Sh2add: RD = (R1 << 2) + R2; NEXT();
        op_Sh3add: RD = (R1 << 3) + R2; NEXT();
        op_AddUw: RD = uint64_t(uint32_t(R1)) + R2; NEXT();
        op_Sh1addUw: RD = (uint64_t(uint32_t(R1)) << 1) + R2; NEXT();
        op_Sh2addUw: RD = (uint64_t(uint32_t(R1)) << 2) + R2; NEXT();
        op_Sh3addUw: RD = (uint64_t(uint32_t(R1)) << 3) + R2; NEXT();
        op_SlliUw: RD = uint64_t(uint32_t(R1)) << i->imm; NEXT();
        op_Andn: RD = R1 & ~R2; NEXT();
        op_Orn: RD = R1 | ~R2; NEXT();
        op_Xnor: RD = ~(R1 ^ R2); NEXT();
        op_Clz: RD = std::countl_zero(R1); NEXT();
        op_Ctz: RD = std::countr_zero(R1); NEXT();
        op_Cpop: RD = std::popcount(R1); NEXT();
        op_Clzw: RD = std::countl_zero(uint32_t(R1)); NEXT();
        op_Ctzw: RD = std::countr_zero(uint32_t(R1)); NEXT();
        op_Cpopw: RD = std::popcount(uint32_t(R1)); NEXT();
        op_Max: RD = int64_t(R1) > int64_t(R2) ? R1 : R2; NEXT();
        op_Maxu: RD = R1 > R2 ? R1 : R2; NEXT();
        op_Min: RD = int64_t(R1) < int64_t(R2) ? R1 : R2; NEXT();
        op_Minu: RD = R1 < R2 ? R1 : R2; NEXT();
        op_SextB: RD = uint64_t(int64_t(int8_t(R1))); NEXT();
        op_SextH: RD = uint64_t(int64_t(int16_t(R1))); NEXT();
        op_ZextH: RD = uint16_t(R1); NEXT();
        op_Rol: RD = std::rotl(R1, int(R2 & 63)); NEXT();
        op_Ror: RD = std::rotr(R1, int(R2 & 63)); NEXT();
        op_Rori: RD = std::rotr(R1, i->imm); NEXT();
        op_Rolw: RD = sext32(std::rotl(uint32_t(R1), int(R2 & 31))); NEXT();
        op_Rorw: RD = sext32(std::rotr(uint32_t(R1), int(R2 & 31))); NEXT();
        op_Roriw: RD = sext32(std::rotr(uint32_t(R1), i->imm)); NEXT();
        op_OrcB: RD = orc_b(R1); NEXT();
        op_Rev8: RD = __builtin_bswap64(R1); NEXT();
        op_Bclr: RD = R1 & ~(1ull << (R2 & 63)); NEXT();
        op_Bclri: RD = R1 & ~(1ull << i->imm); NEXT();
        op_Bext: RD = (R1 >> (R2 & 63)) & 1; NEXT();
        op_Bexti: RD = (R1 >> i->imm) & 1; NEXT();
        op_Binv: RD = R1 ^ (1ull << (R2 & 63)); NEXT();
        op_Binvi: RD = R1 ^ (1ull << i->imm); NEXT();
        op_Bset: RD = R1 | (1ull << (R2 & 63)); NEXT();
        op_Bseti: RD = R1 | (1ull << i->imm); NEXT();

#define XENITH_FUSED_HANDLER(a, b) \
    op_Fused##a##b:                \
        B_##a;                     \
        ++i;                       \
        B_##b;                     \
        NEXT();
        XENITH_RISCV_FUSED(XENITH_FUSED_HANDLER)
#undef XENITH_FUSED_HANDLER
        op_FusedDivuwRemuw: {
            uint32_t a_ = uint32_t(R1), d_ = uint32_t(R2);
            uint64_t q_ = d_ ? sext32(a_ / d_) : ~0ull;
            uint64_t r_ = d_ ? sext32(a_ % d_) : sext32(a_);
            RD = q_;
            ++i;
            RD = r_;
            NEXT();
        }
        }
    }
}

} // namespace xenith::riscv
