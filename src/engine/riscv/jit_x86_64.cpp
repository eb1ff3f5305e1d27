// Jit on x86-64 hosts, with Xbyak as the assembler: a block's compilable start becomes host code
// that compiled blocks jump between. Seven guest registers live in host registers meanwhile (loaded
// by the shared entry, stored back by the shared exit), the rest in the interpreter's register
// file, so either side can stop or continue at any instruction boundary.
#include "engine/riscv/jit.h"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

#include "base/log.h"
#include "engine/riscv/core.h"

#if defined(__x86_64__)
#include <xbyak/xbyak.h>
#endif

namespace xenith::riscv {

namespace {

// A superinstruction's first Insn is compiled as the instruction it stands for; the second Insn
// keeps its own op.
Op unfused(Op op)
{
    switch (op) {
#define XENITH_FUSED_FIRST(a, b) \
    case Op::Fused##a##b:        \
        return Op::a;
        XENITH_RISCV_FUSED(XENITH_FUSED_FIRST)
#undef XENITH_FUSED_FIRST
    case Op::FusedDivuwRemuw:
        return Op::Divuw;
    default:
        return op;
    }
}

// Host code bytes one instruction may take at most (a TLB-checked load or store is the longest),
// plus its out-of-line exit.
constexpr size_t max_bytes_per_insn = 112;
// Bytes of the block's exit beyond that: a conditional branch has two chained exits (chain_exit,
// ~400 bytes each with the patchable jump and the jump-cache lookup), which a short block's share
// of max_bytes_per_insn does not cover.
constexpr size_t max_exit_bytes = 1024;

} // namespace

namespace {

std::string perf_map_path() { return "/tmp/perf-" + std::to_string(::getpid()) + ".map"; }

} // namespace

Jit::Jit(size_t bytes)
{
#if defined(__x86_64__)
    if (bytes == 0)
        return;
    auto m = Mapping::anonymous(bytes);
    if (!m) {
        log::warn("jit: no code buffer ({}); interpreting only", m.error().message());
        return;
    }
    if (::mprotect(m->data(), m->size(), PROT_READ | PROT_WRITE | PROT_EXEC) != 0) {
        log::warn("jit: the host refuses executable memory; interpreting only");
        return;
    }
    ::madvise(m->data(), m->size(), MADV_DONTDUMP);
    m_code = std::move(*m);
    if (std::getenv("XENITH_JIT_PERF_MAP")) {
        std::string const path = perf_map_path();
        m_perf_map = std::fopen(path.c_str(), "w");
        if (!m_perf_map)
            log::warn("jit: cannot write the perf map {}", path);
    }
#else
    (void)bytes;
#endif
}

Jit::~Jit()
{
    if (m_perf_map)
        std::fclose(m_perf_map);
}

void Jit::flush()
{
    // Addresses are reused from here: the map so far is kept as perf-PID.map.N (perf reads only
    // perf-PID.map; copy the generation to look at over it) and a new one starts.
    if (m_perf_map) {
        std::fclose(m_perf_map);
        std::string const path = perf_map_path();
        std::rename(path.c_str(), (path + "." + std::to_string(++m_perf_map_generation)).c_str());
        m_perf_map = std::fopen(path.c_str(), "w");
    }
    if (m_used != 0 && !m_code.discard(0, std::min((m_used + 4095) & ~size_t(4095), m_code.size())))
        log::debug("jit: could not release the code buffer's pages");
    m_used = 0;
    m_full = false;
    m_enter = nullptr;
    m_exit = nullptr;
}

#if !defined(__x86_64__)

JitCode Jit::compile(Block const&, uint64_t) { return nullptr; }
bool Jit::emit_stubs() { return false; }

#else

namespace {

using namespace Xbyak::util;

// Guest registers kept in host registers while compiled code runs: the ones GCC's RISC-V code
// uses most (counted over the kit's CPU workloads: a5, a4, a3, a2, a1, a0, then sp), in the six
// callee-saved host registers and r11.
Xbyak::Reg64 const* host_reg(unsigned r)
{
    switch (r) {
    case 2: return &rbx;  // sp
    case 10: return &rbp; // a0
    case 11: return &r11; // a1
    case 12: return &r12; // a2
    case 13: return &r13; // a3
    case 14: return &r14; // a4
    case 15: return &r15; // a5
    default: return nullptr;
    }
}
constexpr unsigned mapped_regs[] = { 2, 10, 11, 12, 13, 14, 15 };

// Registers of compiled code: rdi = x (the register file), rsi = the read TLB set, r10 = the
// write TLB set, r8 = the JitChain (whose pc is the running block's virtual address); rax, rcx,
// rdx and r9 are scratch. The shared entry (System V arguments x, rtlb, wtlb, chain, code) saves
// the callee-saved registers, loads the mapped guest registers and jumps to the code; every way
// out jumps to the shared exit with the return value in eax, which stores them back.
class StubAssembler : public Xbyak::CodeGenerator {
public:
    StubAssembler(size_t size, uint8_t* where)
        : Xbyak::CodeGenerator(size, where)
    {
    }

    // Returns the exit's offset.
    size_t assemble()
    {
        for (auto r : { &rbx, &rbp, &r12, &r13, &r14, &r15 })
            push(*r);
        for (unsigned g : mapped_regs)
            mov(*host_reg(g), qword[rdi + 8 * g]);
        mov(r10, rdx);
        mov(rax, r8);
        mov(r8, rcx);
        jmp(rax);
        align(16);
        size_t const exit = getSize();
        for (unsigned g : mapped_regs)
            mov(qword[rdi + 8 * g], *host_reg(g));
        for (auto r : { &r15, &r14, &r13, &r12, &rbp, &rbx })
            pop(*r);
        ret();
        return exit;
    }
};

class BlockAssembler : public Xbyak::CodeGenerator {
public:
    BlockAssembler(size_t size, uint8_t* where, uint8_t const* exit)
        : Xbyak::CodeGenerator(size, where)
        , m_exit(exit)
    {
    }

    // Emits the longest compilable start of b; returns how many instructions it covers.
    unsigned assemble(Block const& b)
    {
        unsigned n = 0;
        for (; n < b.count; ++n) {
            Insn const& i = b.insns[n];
            if (n + 1 == b.count && exit(b, i, b.count))
                return b.count;
            if (!instruction(i, n))
                break;
        }
        if (n == b.count)
            chain_exit(b, 1, b.insns[b.count].off, b.count + 1);
        else
            leave(n);
        return n;
    }

private:
    uint8_t const* m_exit;

    // Returns `value` to the interpreter through the shared exit: 10 bytes, which the short
    // jumps below skip over.
    void leave(unsigned value)
    {
        mov(eax, value);
        jmp(m_exit, T_NEAR);
    }
    static constexpr uint8_t leave_bytes = 10;
    // x86 short conditional jumps (Jcc rel8) by condition code; jumping over a leave() instead
    // of to a label keeps Xbyak's label bookkeeping (hash maps) out of every compile.
    enum Cond : uint8_t { below = 0x72, above_equal = 0x73, equal = 0x74, not_equal = 0x75, less = 0x7c, greater_equal = 0x7d };
    // If cond holds, skips the leave(value) that follows.
    void unless(Cond cond, unsigned value)
    {
        db(cond);
        db(leave_bytes);
        leave(value);
    }

    // A near conditional jump forward whose displacement land() fills in; returns where it is.
    size_t jump_forward(Cond cond)
    {
        db(0x0f);
        db(cond + 0x10); // Jcc rel32
        size_t const at = getSize();
        dd(0);
        return at;
    }
    // The same, unconditional (jmp rel32).
    size_t jump_always()
    {
        db(0xe9);
        size_t const at = getSize();
        dd(0);
        return at;
    }
    void land(size_t at)
    {
        int32_t const rel = int32_t(getSize() - (at + 4));
        std::memcpy(const_cast<uint8_t*>(getCode()) + at, &rel, 4);
    }

    // The checks every jump into compiled code makes, as the interpreter's CONTINUE_LINKED (no
    // request from another thread pending, a block of the budget left), and the bookkeeping of
    // taking it (b's instructions retired). The caller jumps next, then gives the block back at
    // `spent` (give_back) and goes on after the code at `pending` and its own failures.
    struct Taken {
        size_t pending, spent;
    };
    Taken take_chain(Block const& b)
    {
        Taken t;
        mov(r9, qword[r8 + offsetof(JitChain, pending)]);
        mov(r9d, dword[r9]);
        test(r9d, r9d);
        t.pending = jump_forward(not_equal);
        sub(qword[r8 + offsetof(JitChain, budget)], 1);
        t.spent = jump_forward(less);
        add(qword[r8 + offsetof(JitChain, retired)], int32_t(b.count));
        return t;
    }
    // The budget is spent: the interpreter's own check takes the block from here.
    void give_back(Taken const& t)
    {
        land(t.spent);
        add(qword[r8 + offsetof(JitChain, budget)], 1);
        land(t.pending);
    }

    // Jumps into the compiled code of the block in `next` (a Block*) if the interpreter would go
    // on into it, with set_pc() making JitChain::pc its virtual address; else goes on after this code.
    // Clobbers rcx and r9.
    template<typename SetPc>
    void chain_into(Block const& b, Xbyak::Reg64 const& next, SetPc set_pc)
    {
        mov(r9, qword[r8 + offsetof(JitChain, epoch)]);
        cmp(r9, qword[next + offsetof(Block, epoch)]);
        size_t const stale = jump_forward(not_equal);
        mov(rcx, qword[next + offsetof(Block, jit)]);
        test(rcx, rcx);
        size_t const interpreted = jump_forward(equal);
        Taken const taken = take_chain(b);
        mov(qword[r8 + offsetof(JitChain, block)], next);
#ifdef XENITH_BLOCK_PROFILE
        add(qword[next + offsetof(Block, hits)], 1); // as the interpreter's enter: does
#endif
        set_pc();
        jmp(rcx);
        give_back(taken);
        land(stale);
        land(interpreted);
    }

    // An exit back to the block's own start (a loop that is one block, as string loops are):
    // the successor is this block, valid as long as it runs (the epoch cannot move inside
    // compiled code), already JitChain's block and at its pc, so only the interpreter's other
    // conditions are checked before jumping back; else goes on after this code.
    void self_loop(Block const& b)
    {
        Taken const taken = take_chain(b);
#ifdef XENITH_BLOCK_PROFILE
        mov(r9, uint64_t(&b));
        add(qword[r9 + offsetof(Block, hits)], 1); // as the interpreter's enter: does
#endif
        jmp(getCode(), T_NEAR);
        give_back(taken);
    }

    // movabs r9, imm64 with the immediate patched later; returns the immediate's offset.
    size_t mov_r9_patchable()
    {
        db(0x49); // REX.W + B
        db(0xb9); // mov r9, imm64
        size_t const at = getSize();
        dq(0);
        return at;
    }

    // Leaves through link `slot` of b to the block at pc + delta, returning `value` (see
    // JitCode), or jumps into that block's code: through the link, else (another page, or not
    // linked yet) through the jump cache.
    //
    // The link's first jump from here also patches a direct one in front (QEMU's goto_tb): the
    // successor's Block and code and the code epoch they are valid for become immediates, so
    // later jumps load and compare one word (the epoch, which any flush or code write moves on)
    // instead of following the link to the block and its code, and jump without an indirect
    // branch. Only a link (same page: a fixed physical target) is patched, never a jump-cache
    // successor, whose translation may change without the epoch.
    void chain_exit(Block const& b, unsigned slot, int64_t delta, unsigned value)
    {
        if (delta == 0) {
            // The successor is this block: nothing below could go on where self_loop cannot.
            self_loop(b);
            leave(value);
            return;
        }
        // The patched jump: epoch 0 until the first patch, never a code epoch (they start at 1).
        size_t const epoch_imm = mov_r9_patchable();
        cmp(r9, qword[r8 + offsetof(JitChain, epoch)]);
        size_t const unpatched = jump_forward(not_equal);
        Taken const taken = take_chain(b);
        size_t const next_imm = mov_r9_patchable();
        mov(qword[r8 + offsetof(JitChain, block)], r9);
#ifdef XENITH_BLOCK_PROFILE
        add(qword[r9 + offsetof(Block, hits)], 1); // as the interpreter's enter: does
#endif
        add(pc(), int32_t(delta));
        size_t const jump_rel = jump_always(); // patched below
        // A pending request or a spent budget stops the paths below as well: leave at once.
        give_back(taken);
        size_t const stopped = jump_always();
        land(unpatched);

        mov(rax, uint64_t(&b.link[slot]));
        mov(rax, qword[rax]);
        chain_into(b, rax, [&] {
            add(pc(), int32_t(delta));
            // Patch the jump above: rax = the successor, rcx = its code (see chain_into).
            uint8_t const* const code = getCode();
            mov(r9, uint64_t(code + epoch_imm));
            mov(rdx, qword[r8 + offsetof(JitChain, epoch)]);
            mov(qword[r9], rdx);
            mov(qword[r9 + int32_t(next_imm - epoch_imm)], rax);
            mov(rdx, rcx);
            sub(rdx, r9);
            sub(rdx, int32_t(jump_rel + 4 - epoch_imm));
            mov(dword[r9 + int32_t(jump_rel - epoch_imm)], edx);
        });
        mov(rax, pc());
        add(rax, int32_t(delta));
        jump_cache_into(b);
        land(stopped);
        leave(value);
    }

    // Jumps into the code of link 0 of b if the jalr target in rax is the block it links (the
    // interpreter's FOLLOW_INDIRECT: same page, same physical address) and chain_into allows;
    // else goes on after this code with rax unchanged.
    void same_page_link_into(Block const& b)
    {
        mov(rcx, rax);
        xor_(rcx, pc());
        shr(rcx, 12);
        size_t const other_page = jump_forward(not_equal);
        mov(rdx, uint64_t(&b.link[0]));
        mov(rdx, qword[rdx]);
        mov(ecx, eax);
        and_(ecx, 0xfff);
        mov(r9, b.phys & ~0xfffull);
        or_(rcx, r9);
        cmp(rcx, qword[rdx + offsetof(Block, phys)]);
        size_t const other_block = jump_forward(not_equal);
        chain_into(b, rdx, [&] { mov(pc(), rax); });
        land(other_page);
        land(other_block);
    }

    // Jumps into the code of the block at the virtual address in rax if the jump cache has it
    // (the interpreter's FOLLOW_JUMP_CACHE: same address, same fetch generation) and chain_into
    // allows; else goes on after this code with rax unchanged.
    void jump_cache_into(Block const& b)
    {
        // rdx = &jump_cache[((t >> 1) ^ (t >> 12)) & (entries - 1)], as Core::jump_cache_at.
        static_assert(sizeof(JumpCacheEntry) == 24);
        mov(rcx, rax);
        shr(rcx, 1);
        mov(rdx, rax);
        shr(rdx, 12);
        xor_(rcx, rdx);
        and_(ecx, (1u << jump_cache_bits) - 1);
        lea(rcx, ptr[rcx + rcx * 2]);
        mov(rdx, qword[r8 + offsetof(JitChain, jump_cache)]);
        lea(rdx, ptr[rdx + rcx * 8]);
        cmp(rax, qword[rdx + offsetof(JumpCacheEntry, vpc)]);
        size_t const miss = jump_forward(not_equal);
        mov(r9, qword[r8 + offsetof(JitChain, fetch_gen)]);
        mov(r9, qword[r9]);
        cmp(r9, qword[rdx + offsetof(JumpCacheEntry, gen)]);
        size_t const stale = jump_forward(not_equal);
        mov(rdx, qword[rdx + offsetof(JumpCacheEntry, block)]);
        chain_into(b, rdx, [&] { mov(pc(), rax); });
        land(miss);
        land(stale);
    }

    // The block's last instruction when it is a conditional branch or jal: returns count when
    // the jump is taken, count + 1 when it falls through (see JitCode).
    bool exit(Block const& b, Insn const& i, unsigned count)
    {
        Op const op = unfused(i.op);
        if (op == Op::Jal) {
            mov(rax, pc());
            add(rax, int32_t(i.off + i.len));
            put(i.rd, rax);
            chain_exit(b, 0, int64_t(i.off) + i.imm, count);
            return true;
        }
        if (op == Op::Jalr) {
            // The target is read before the link is written (rd may be rs1), and goes to the
            // write sink last (rd may be the sink).
            get(rax, i.rs1);
            if (i.imm)
                add(rax, i.imm);
            and_(rax, -2);
            mov(r9, pc());
            add(r9, int32_t(i.off + i.len));
            put(i.rd, r9);
            same_page_link_into(b);
            jump_cache_into(b);
            put(x_sink, rax);
            leave(count + 2);
            return true;
        }
        if (op < Op::Beq || op > Op::Bgeu)
            return false;
        get(rax, i.rs1);
        if (i.rs2 == 0)
            test(rax, rax);
        else if (Xbyak::Reg64 const* h = host_reg(i.rs2))
            cmp(rax, *h);
        else
            cmp(rax, mem(i.rs2));
        static constexpr Cond taken[] = { equal, not_equal, less, greater_equal, below, above_equal };
        size_t const to_taken = jump_forward(taken[unsigned(op) - unsigned(Op::Beq)]);
        chain_exit(b, 1, b.insns[count].off, count + 1);
        land(to_taken);
        chain_exit(b, 0, int64_t(i.off) + i.imm, count);
        return true;
    }


    // The running block's virtual address.
    Xbyak::Address pc() const { return qword[r8 + offsetof(JitChain, pc)]; }
    // Guest register r in the register file (for those not in a host register).
    Xbyak::Address mem(unsigned r) const { return qword[rdi + 8 * r]; }

    void get(Xbyak::Reg64 const& dst, unsigned r)
    {
        if (r == 0)
            xor_(dst.cvt32(), dst.cvt32());
        else if (Xbyak::Reg64 const* h = host_reg(r))
            mov(dst, *h);
        else
            mov(dst, mem(r));
    }
    void put(unsigned rd, Xbyak::Reg64 const& src)
    {
        if (Xbyak::Reg64 const* h = host_reg(rd))
            mov(*h, src);
        else
            mov(mem(rd), src);
    }
    // rax = sign-extended eax, then to rd (the W forms).
    void put_w(unsigned rd)
    {
        movsxd(rax, eax);
        put(rd, rax);
    }

    // rax = rs1 + imm, the host address of a `size`-byte access in rax after the TLB check
    // (tlb: rsi for loads, r10 for stores); a miss leaves through exit `index`.
    void translate(Insn const& i, unsigned size, Xbyak::Reg64 const& tlb, unsigned index)
    {
        get(rax, i.rs1);
        if (i.imm)
            add(rax, i.imm);
        mov(rcx, rax);
        shr(rcx, 12);
        and_(ecx, uint32_t(tlb_entries - 1));
        shl(ecx, 4); // sizeof(TlbEntry)
        mov(r9, rax);
        and_(r9, int32_t(~0xfffll | int64_t(size - 1)));
        // Way 0, then way 1 (see tlb_data_ways).
        static_assert(tlb_data_ways == 2);
        cmp(r9, qword[tlb + rcx]);
        size_t const way0 = jump_forward(equal);
        add(ecx, tlb_entries * sizeof(TlbEntry));
        cmp(r9, qword[tlb + rcx]);
        unless(equal, index);
        land(way0);
        add(rax, qword[tlb + rcx + 8]);
    }

    void load(Insn const& i, unsigned size, bool sign, unsigned index)
    {
        translate(i, size, rsi, index);
        switch (size) {
        case 1: sign ? movsx(rax, byte[rax]) : movzx(eax, byte[rax]); break;
        case 2: sign ? movsx(rax, word[rax]) : movzx(eax, word[rax]); break;
        case 4: sign ? movsxd(rax, dword[rax]) : mov(eax, dword[rax]); break;
        default: mov(rax, qword[rax]); break;
        }
        put(i.rd, rax);
    }

    void store(Insn const& i, unsigned size, unsigned index)
    {
        translate(i, size, r10, index);
        get(r9, i.rs2);
        switch (size) {
        case 1: mov(byte[rax], r9b); break;
        case 2: mov(word[rax], r9w); break;
        case 4: mov(dword[rax], r9d); break;
        default: mov(qword[rax], r9); break;
        }
    }

    enum class Amo { Swap, Add, Xor, And, Or, Min, Max, Minu, Maxu };

    // An AMO on the write TLB's fast path (a miss, a misaligned address, a device or a code page
    // leaves through exit `index`: the interpreter's handler does it whole). x86's locked
    // instructions are full barriers, which covers aq and rl. Swap and add are one instruction;
    // the others a compare-and-swap loop, as the interpreter's.
    void amo(Insn const& i, unsigned size, Amo op, unsigned index)
    {
        bool const w = size == 4;
        translate(i, size, r10, index);
        get(r9, i.rs2);
        auto r9s = [&] { return w ? Xbyak::Reg(r9d) : Xbyak::Reg(r9); };
        if (op == Amo::Swap) {
            xchg(w ? dword[rax] : qword[rax], r9s());
        } else if (op == Amo::Add) {
            lock();
            xadd(w ? dword[rax] : qword[rax], r9s());
        } else {
            auto a = [&] { return w ? Xbyak::Reg(eax) : Xbyak::Reg(rax); };
            auto d = [&] { return w ? Xbyak::Reg(edx) : Xbyak::Reg(rdx); };
            mov(rcx, rax);
            mov(a(), w ? dword[rcx] : qword[rcx]);
            size_t const retry = getSize();
            mov(d(), a());
            switch (op) {
            case Amo::Xor: xor_(d(), r9s()); break;
            case Amo::And: and_(d(), r9s()); break;
            case Amo::Or: or_(d(), r9s()); break;
            case Amo::Min: cmp(d(), r9s()); cmovg(d(), r9s()); break;
            case Amo::Max: cmp(d(), r9s()); cmovl(d(), r9s()); break;
            case Amo::Minu: cmp(d(), r9s()); cmova(d(), r9s()); break;
            default: cmp(d(), r9s()); cmovb(d(), r9s()); break; // Maxu
            }
            lock();
            cmpxchg(w ? dword[rcx] : qword[rcx], d()); // else eax = the value found: again
            db(not_equal);
            db(uint8_t(int8_t(retry - (getSize() + 1))));
            mov(r9, rax);
        }
        if (w)
            movsxd(r9, r9d);
        put(i.rd, r9);
    }

    // rax = rs1 op rs2 for the two-operand integer forms.
    template<typename Emit>
    void binary(Insn const& i, Emit emit)
    {
        get(rax, i.rs1);
        get(r9, i.rs2);
        emit();
        put(i.rd, rax);
    }

    void set_if(Insn const& i, bool is_signed, bool immediate)
    {
        get(rax, i.rs1);
        if (immediate)
            cmp(rax, i.imm);
        else {
            get(r9, i.rs2);
            cmp(rax, r9);
        }
        is_signed ? setl(al) : setb(al);
        movzx(eax, al);
        put(i.rd, rax);
    }

    // Register shifts: x86 masks the count in cl to 6 bits (5 for 32-bit operands), as RISC-V does.
    template<typename Emit>
    void shift(Insn const& i, Emit emit)
    {
        get(rax, i.rs1);
        get(rcx, i.rs2);
        emit();
    }

    // Division by zero, and signed division by -1 (whose INT_MIN case faults on x86), are left
    // to the interpreter, which gives RISC-V's results.
    void divide(Insn const& i, unsigned index, bool is_signed, bool word, bool remainder)
    {
        get(r9, i.rs2);
        if (word)
            test(r9d, r9d);
        else
            test(r9, r9);
        unless(not_equal, index);
        if (is_signed) {
            if (word)
                cmp(r9d, -1);
            else
                cmp(r9, -1);
            unless(not_equal, index);
        }
        get(rax, i.rs1);
        if (word) {
            is_signed ? cdq() : xor_(edx, edx);
            is_signed ? idiv(r9d) : div(r9d);
            movsxd(rax, remainder ? edx : eax);
        } else {
            is_signed ? cqo() : xor_(edx, edx);
            is_signed ? idiv(r9) : div(r9);
            if (remainder)
                mov(rax, rdx);
        }
        put(i.rd, rax);
    }

    bool instruction(Insn const& i, unsigned index)
    {
        int32_t const imm = i.imm;
        // The AMOs: nine of each width, in Amo's order.
        static_assert(unsigned(Op::AmoswapD) - unsigned(Op::AmoswapW) == 9 && unsigned(Op::AmomaxuD) - unsigned(Op::AmoswapW) == 17
            && unsigned(Op::AmomaxuW) - unsigned(Op::AmoswapW) == unsigned(Amo::Maxu));
        if (unsigned const k = unsigned(unfused(i.op)) - unsigned(Op::AmoswapW); k < 18) {
            amo(i, k < 9 ? 4 : 8, Amo(k % 9), index);
            return true;
        }
        switch (unfused(i.op)) {
        case Op::Nop: return true;
        case Op::Fence:
            // As the interpreter's op_Fence: x86-TSO only reorders a store with a later load, so
            // only a fence ordering W or O before R or I (other than FENCE.TSO) needs mfence.
            if ((imm & 0x50) && (imm & 0x0a) && ((imm >> 8) & 0xf) != 8)
                mfence();
            return true;
        case Op::Lui:
            if (Xbyak::Reg64 const* h = host_reg(i.rd))
                mov(*h, imm);
            else
                mov(mem(i.rd), imm);
            return true;
        case Op::Auipc:
            mov(rax, pc());
            add(rax, int32_t(i.off));
            add(rax, imm);
            put(i.rd, rax);
            return true;

        case Op::Lb: load(i, 1, true, index); return true;
        case Op::Lh: load(i, 2, true, index); return true;
        case Op::Lw: load(i, 4, true, index); return true;
        case Op::Ld: load(i, 8, false, index); return true;
        case Op::Lbu: load(i, 1, false, index); return true;
        case Op::Lhu: load(i, 2, false, index); return true;
        case Op::Lwu: load(i, 4, false, index); return true;
        case Op::Sb: store(i, 1, index); return true;
        case Op::Sh: store(i, 2, index); return true;
        case Op::Sw: store(i, 4, index); return true;
        case Op::Sd: store(i, 8, index); return true;

        case Op::Addi: get(rax, i.rs1); if (imm) add(rax, imm); put(i.rd, rax); return true;
        case Op::Slti: set_if(i, true, true); return true;
        case Op::Sltiu: set_if(i, false, true); return true;
        case Op::Xori: get(rax, i.rs1); xor_(rax, imm); put(i.rd, rax); return true;
        case Op::Ori: get(rax, i.rs1); or_(rax, imm); put(i.rd, rax); return true;
        case Op::Andi: get(rax, i.rs1); and_(rax, imm); put(i.rd, rax); return true;
        case Op::Slli: get(rax, i.rs1); shl(rax, uint8_t(imm)); put(i.rd, rax); return true;
        case Op::Srli: get(rax, i.rs1); shr(rax, uint8_t(imm)); put(i.rd, rax); return true;
        case Op::Srai: get(rax, i.rs1); sar(rax, uint8_t(imm)); put(i.rd, rax); return true;
        case Op::Add: binary(i, [&] { add(rax, r9); }); return true;
        case Op::Sub: binary(i, [&] { sub(rax, r9); }); return true;
        case Op::Xor: binary(i, [&] { xor_(rax, r9); }); return true;
        case Op::Or: binary(i, [&] { or_(rax, r9); }); return true;
        case Op::And: binary(i, [&] { and_(rax, r9); }); return true;
        case Op::Slt: set_if(i, true, false); return true;
        case Op::Sltu: set_if(i, false, false); return true;
        case Op::Sll: shift(i, [&] { shl(rax, cl); put(i.rd, rax); }); return true;
        case Op::Srl: shift(i, [&] { shr(rax, cl); put(i.rd, rax); }); return true;
        case Op::Sra: shift(i, [&] { sar(rax, cl); put(i.rd, rax); }); return true;
        case Op::Mul: binary(i, [&] { imul(rax, r9); }); return true;
        case Op::Mulh: get(rax, i.rs1); get(r9, i.rs2); imul(r9); put(i.rd, rdx); return true;
        case Op::Mulhu: get(rax, i.rs1); get(r9, i.rs2); mul(r9); put(i.rd, rdx); return true;
        case Op::Mulhsu:
            // The unsigned high half, less rs2 when rs1 is negative.
            get(rax, i.rs1);
            get(r9, i.rs2);
            mov(rcx, rax);
            mul(r9);
            sar(rcx, 63);
            and_(rcx, r9);
            sub(rdx, rcx);
            put(i.rd, rdx);
            return true;
        case Op::Div: divide(i, index, true, false, false); return true;
        case Op::Divu: divide(i, index, false, false, false); return true;
        case Op::Rem: divide(i, index, true, false, true); return true;
        case Op::Remu: divide(i, index, false, false, true); return true;
        case Op::Divw: divide(i, index, true, true, false); return true;
        case Op::Divuw: divide(i, index, false, true, false); return true;
        case Op::Remw: divide(i, index, true, true, true); return true;
        case Op::Remuw: divide(i, index, false, true, true); return true;

        case Op::Addiw: get(rax, i.rs1); if (imm) add(eax, imm); put_w(i.rd); return true;
        case Op::Slliw: get(rax, i.rs1); shl(eax, uint8_t(imm)); put_w(i.rd); return true;
        case Op::Srliw: get(rax, i.rs1); shr(eax, uint8_t(imm)); put_w(i.rd); return true;
        case Op::Sraiw: get(rax, i.rs1); sar(eax, uint8_t(imm)); put_w(i.rd); return true;
        case Op::Addw: get(rax, i.rs1); get(r9, i.rs2); add(eax, r9d); put_w(i.rd); return true;
        case Op::Subw: get(rax, i.rs1); get(r9, i.rs2); sub(eax, r9d); put_w(i.rd); return true;
        case Op::Mulw: get(rax, i.rs1); get(r9, i.rs2); imul(eax, r9d); put_w(i.rd); return true;
        case Op::Sllw: shift(i, [&] { shl(eax, cl); put_w(i.rd); }); return true;
        case Op::Srlw: shift(i, [&] { shr(eax, cl); put_w(i.rd); }); return true;
        case Op::Sraw: shift(i, [&] { sar(eax, cl); put_w(i.rd); }); return true;


        case Op::Sh1add: binary(i, [&] { lea(rax, ptr[r9 + rax * 2]); }); return true;
        case Op::Sh2add: binary(i, [&] { lea(rax, ptr[r9 + rax * 4]); }); return true;
        case Op::Sh3add: binary(i, [&] { lea(rax, ptr[r9 + rax * 8]); }); return true;
        case Op::AddUw: binary(i, [&] { mov(eax, eax); add(rax, r9); }); return true;
        case Op::Andn: binary(i, [&] { not_(r9); and_(rax, r9); }); return true;
        case Op::Orn: binary(i, [&] { not_(r9); or_(rax, r9); }); return true;
        case Op::Xnor: binary(i, [&] { xor_(rax, r9); not_(rax); }); return true;
        case Op::Max: binary(i, [&] { cmp(rax, r9); cmovl(rax, r9); }); return true;
        case Op::Maxu: binary(i, [&] { cmp(rax, r9); cmovb(rax, r9); }); return true;
        case Op::Min: binary(i, [&] { cmp(rax, r9); cmovg(rax, r9); }); return true;
        case Op::Minu: binary(i, [&] { cmp(rax, r9); cmova(rax, r9); }); return true;
        case Op::SextB: get(rax, i.rs1); movsx(rax, al); put(i.rd, rax); return true;
        case Op::SextH: get(rax, i.rs1); movsx(rax, ax); put(i.rd, rax); return true;
        case Op::ZextH: get(rax, i.rs1); movzx(eax, ax); put(i.rd, rax); return true;
        case Op::Rev8: get(rax, i.rs1); bswap(rax); put(i.rd, rax); return true;
        default:
            return false;
        }
    }
};

} // namespace

bool Jit::emit_stubs()
{
    constexpr size_t stub_bytes = 256;
    if (m_code.size() < stub_bytes)
        return false;
    try {
        StubAssembler a(stub_bytes, m_code.data());
        size_t const exit = a.assemble();
        m_enter = reinterpret_cast<Enter>(m_code.data());
        m_exit = m_code.data() + exit;
        m_used = (a.getSize() + 15) & ~size_t(15);
    } catch (Xbyak::Error const& e) {
        log::warn("jit: no entry and exit ({}); interpreting only", e.what());
        return false;
    }
    return true;
}

JitCode Jit::compile(Block const& b, uint64_t vpc)
{
    if (!m_code.data())
        return nullptr;
    if (!m_enter && !emit_stubs())
        return nullptr;
    size_t const worst = 64 + max_exit_bytes + size_t(b.count) * max_bytes_per_insn;
    if (m_used + worst > m_code.size()) {
        m_full = true;
        return nullptr;
    }
    uint8_t* const start = m_code.data() + m_used;
    try {
        BlockAssembler a(worst, start, m_exit);
        // Every label is defined by now, and the buffer is already executable: no ready().
        // A block compiled whole is worth it however short: compiled code chains through it.
        if (unsigned const n = a.assemble(b); n < min_prefix && n < b.count)
            return nullptr;
        m_used += (a.getSize() + 15) & ~size_t(15);
        if (m_perf_map)
            std::fprintf(m_perf_map, "%lx %zx riscv:%llx:%llx\n", reinterpret_cast<unsigned long>(start), a.getSize(),
                static_cast<unsigned long long>(vpc), static_cast<unsigned long long>(b.phys));
    } catch (Xbyak::Error const& e) {
        log::debug("jit: block at {:#x} not compiled: {}", b.phys, e.what());
        return nullptr;
    }
    return start;
}

#endif

} // namespace xenith::riscv
