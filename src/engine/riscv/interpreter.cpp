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

Block* Core::chain(Block* b, unsigned slot, uint64_t bpc, uint64_t target)
{
    if (XENITH_UNLIKELY(!b->cacheable) || ((target ^ bpc) >> 12) != 0 || m_trace)
        return nullptr;
    uint64_t phys = (b->phys & ~0xfffull) | (target & 0xfff);
    Block* n = b->link[slot];
    if (XENITH_LIKELY(n && n->phys == phys))
        return n;
    n = block_at_phys(phys);
    if (n)
        b->link[slot] = n;
    return n;
}

Block* Core::execute(Block* b)
{
    uint64_t* const xr = x;
    uint64_t const bpc = pc;
    Insn const* i = b->insns;

#define R1 xr[i->rs1]
#define R2 xr[i->rs2]
#define RD xr[i->rd]
#define IMM int64_t(i->imm)
#define IPC (bpc + i->off)
#define NEXT_PC (bpc + i->off + i->len)
#define DONE_BEFORE uint64_t(i - b->insns)
#define EXC()                          \
    do {                               \
        instret += DONE_BEFORE;        \
        take_exception(IPC);           \
        return nullptr;                \
    } while (0)
#define ILLEGAL()                       \
    do {                                \
        raise(cause::illegal, i->raw);  \
        EXC();                          \
    } while (0)
#define JUMP(target, slot)                       \
    do {                                         \
        uint64_t t_ = (target);                  \
        instret += DONE_BEFORE + 1;              \
        pc = t_;                                 \
        return chain(b, slot, bpc, t_);          \
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
#define STORE(T)                                 \
    do {                                         \
        if (!store<T>(R1 + IMM, T(R2)))          \
            EXC();                               \
    } while (0)
// Ends the block after a system instruction: the next block is looked up afresh.
#define SYSTEM_DONE()                   \
    do {                                \
        instret += DONE_BEFORE + 1;     \
        pc = NEXT_PC;                   \
        m_local_check = true;           \
        return nullptr;                 \
    } while (0)

    for (;; ++i) {
        switch (i->op) {
        case Op::Nop:
        case Op::Fence:
            continue;
        case Op::BlockEnd:
            instret += b->count;
            pc = bpc + i->off;
            return chain(b, 1, bpc, pc);
        case Op::Illegal:
            ILLEGAL();

        case Op::Lui: RD = uint64_t(IMM); continue;
        case Op::Auipc: RD = IPC + IMM; continue;
        case Op::Jal: RD = NEXT_PC; JUMP(IPC + IMM, 0);
        case Op::Jalr: {
            uint64_t target = (R1 + IMM) & ~1ull;
            RD = NEXT_PC;
            JUMP(target, 0);
        }
        case Op::Beq: BRANCH(R1 == R2);
        case Op::Bne: BRANCH(R1 != R2);
        case Op::Blt: BRANCH(int64_t(R1) < int64_t(R2));
        case Op::Bge: BRANCH(int64_t(R1) >= int64_t(R2));
        case Op::Bltu: BRANCH(R1 < R2);
        case Op::Bgeu: BRANCH(R1 >= R2);

        case Op::Lb: LOAD(int8_t, int64_t); continue;
        case Op::Lh: LOAD(int16_t, int64_t); continue;
        case Op::Lw: LOAD(int32_t, int64_t); continue;
        case Op::Ld: LOAD(uint64_t, uint64_t); continue;
        case Op::Lbu: LOAD(uint8_t, uint64_t); continue;
        case Op::Lhu: LOAD(uint16_t, uint64_t); continue;
        case Op::Lwu: LOAD(uint32_t, uint64_t); continue;
        case Op::Sb: STORE(uint8_t); continue;
        case Op::Sh: STORE(uint16_t); continue;
        case Op::Sw: STORE(uint32_t); continue;
        case Op::Sd: STORE(uint64_t); continue;

        case Op::Addi: RD = R1 + IMM; continue;
        case Op::Slti: RD = int64_t(R1) < IMM; continue;
        case Op::Sltiu: RD = R1 < uint64_t(IMM); continue;
        case Op::Xori: RD = R1 ^ IMM; continue;
        case Op::Ori: RD = R1 | IMM; continue;
        case Op::Andi: RD = R1 & IMM; continue;
        case Op::Slli: RD = R1 << i->imm; continue;
        case Op::Srli: RD = R1 >> i->imm; continue;
        case Op::Srai: RD = uint64_t(int64_t(R1) >> i->imm); continue;
        case Op::Add: RD = R1 + R2; continue;
        case Op::Sub: RD = R1 - R2; continue;
        case Op::Sll: RD = R1 << (R2 & 63); continue;
        case Op::Slt: RD = int64_t(R1) < int64_t(R2); continue;
        case Op::Sltu: RD = R1 < R2; continue;
        case Op::Xor: RD = R1 ^ R2; continue;
        case Op::Srl: RD = R1 >> (R2 & 63); continue;
        case Op::Sra: RD = uint64_t(int64_t(R1) >> (R2 & 63)); continue;
        case Op::Or: RD = R1 | R2; continue;
        case Op::And: RD = R1 & R2; continue;
        case Op::Addiw: RD = sext32(R1 + IMM); continue;
        case Op::Slliw: RD = sext32(uint32_t(R1) << i->imm); continue;
        case Op::Srliw: RD = sext32(uint32_t(R1) >> i->imm); continue;
        case Op::Sraiw: RD = uint64_t(int64_t(int32_t(R1) >> i->imm)); continue;
        case Op::Addw: RD = sext32(R1 + R2); continue;
        case Op::Subw: RD = sext32(R1 - R2); continue;
        case Op::Sllw: RD = sext32(uint32_t(R1) << (R2 & 31)); continue;
        case Op::Srlw: RD = sext32(uint32_t(R1) >> (R2 & 31)); continue;
        case Op::Sraw: RD = uint64_t(int64_t(int32_t(R1) >> (R2 & 31))); continue;

        case Op::Mul: RD = R1 * R2; continue;
        case Op::Mulh: RD = uint64_t((__int128(int64_t(R1)) * __int128(int64_t(R2))) >> 64); continue;
        case Op::Mulhsu:
            RD = uint64_t((__int128(int64_t(R1)) * __int128(static_cast<unsigned __int128>(R2))) >> 64);
            continue;
        case Op::Mulhu: RD = uint64_t((static_cast<unsigned __int128>(R1) * R2) >> 64); continue;
        case Op::Div: RD = div_s(R1, R2); continue;
        case Op::Divu: RD = R2 ? R1 / R2 : ~0ull; continue;
        case Op::Rem: RD = rem_s(R1, R2); continue;
        case Op::Remu: RD = R2 ? R1 % R2 : R1; continue;
        case Op::Mulw: RD = sext32(uint32_t(R1) * uint32_t(R2)); continue;
        case Op::Divw: RD = divw(R1, R2); continue;
        case Op::Divuw: RD = uint32_t(R2) ? sext32(uint32_t(R1) / uint32_t(R2)) : ~0ull; continue;
        case Op::Remw: RD = remw(R1, R2); continue;
        case Op::Remuw: RD = uint32_t(R2) ? sext32(uint32_t(R1) % uint32_t(R2)) : sext32(R1); continue;

        case Op::LrW:
        case Op::LrD: {
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
            continue;
        }
        case Op::ScW:
        case Op::ScD: {
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
            continue;
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
    } while (0)
        case Op::AmoswapW: AMO_W(b_); continue;
        case Op::AmoaddW: AMO_W(a_ + b_); continue;
        case Op::AmoxorW: AMO_W(a_ ^ b_); continue;
        case Op::AmoandW: AMO_W(a_ & b_); continue;
        case Op::AmoorW: AMO_W(a_ | b_); continue;
        case Op::AmominW: AMO_W(int32_t(a_) < int32_t(b_) ? a_ : b_); continue;
        case Op::AmomaxW: AMO_W(int32_t(a_) > int32_t(b_) ? a_ : b_); continue;
        case Op::AmominuW: AMO_W(a_ < b_ ? a_ : b_); continue;
        case Op::AmomaxuW: AMO_W(a_ > b_ ? a_ : b_); continue;
        case Op::AmoswapD: AMO_D(b_); continue;
        case Op::AmoaddD: AMO_D(a_ + b_); continue;
        case Op::AmoxorD: AMO_D(a_ ^ b_); continue;
        case Op::AmoandD: AMO_D(a_ & b_); continue;
        case Op::AmoorD: AMO_D(a_ | b_); continue;
        case Op::AmominD: AMO_D(int64_t(a_) < int64_t(b_) ? a_ : b_); continue;
        case Op::AmomaxD: AMO_D(int64_t(a_) > int64_t(b_) ? a_ : b_); continue;
        case Op::AmominuD: AMO_D(a_ < b_ ? a_ : b_); continue;
        case Op::AmomaxuD: AMO_D(a_ > b_ ? a_ : b_); continue;

        case Op::FenceI:
            flush_blocks();
            SYSTEM_DONE();
        case Op::Ecall:
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
                return nullptr;
            }
            raise(priv == Priv::U ? cause::ecall_u : priv == Priv::S ? cause::ecall_s : cause::ecall_m, 0);
            EXC();
        case Op::Ebreak:
            raise(cause::breakpoint, 0);
            EXC();
        case Op::Mret:
            if (priv != Priv::M)
                ILLEGAL();
            instret += DONE_BEFORE + 1;
            do_mret();
            return nullptr;
        case Op::Sret:
            if (priv == Priv::U || (priv == Priv::S && (m_mstatus & ms::TSR)))
                ILLEGAL();
            instret += DONE_BEFORE + 1;
            do_sret();
            return nullptr;
        case Op::Wfi:
            if (priv == Priv::U || (priv == Priv::S && (m_mstatus & ms::TW)))
                ILLEGAL();
            instret += DONE_BEFORE + 1;
            pc = NEXT_PC;
            wait_for_interrupt();
            return nullptr;
        case Op::SfenceVma:
            if (priv == Priv::U || (priv == Priv::S && (m_mstatus & ms::TVM)))
                ILLEGAL();
            if (i->rs1 == 0)
                flush_tlb();
            else
                flush_tlb_page(R1);
            SYSTEM_DONE();

        case Op::Csrrw:
        case Op::Csrrs:
        case Op::Csrrc:
        case Op::Csrrwi:
        case Op::Csrrsi:
        case Op::Csrrci: {
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
                uint64_t value = is_write_op ? src
                    : (i->op == Op::Csrrs || i->op == Op::Csrrsi) ? (old | src)
                                                                   : (old & ~src);
                ok = csr_write(num, value);
            }
            if (!ok) {
                raise(cause::illegal, i->raw);
                take_exception(IPC);
                return nullptr;
            }
            RD = old;
            instret += 1;
            pc = NEXT_PC;
            m_local_check = true;
            return nullptr;
        }

        case Op::Flw: {
            if (fs_off())
                ILLEGAL();
            uint32_t v;
            if (!load<uint32_t>(R1 + IMM, v))
                EXC();
            f[i->rd] = 0xffffffff00000000ull | v;
            fs_dirty();
            continue;
        }
        case Op::Fld: {
            if (fs_off())
                ILLEGAL();
            uint64_t v;
            if (!load<uint64_t>(R1 + IMM, v))
                EXC();
            f[i->rd] = v;
            fs_dirty();
            continue;
        }
        case Op::Fsw:
            if (fs_off())
                ILLEGAL();
            if (!store<uint32_t>(R1 + IMM, uint32_t(f[i->rs2])))
                EXC();
            continue;
        case Op::Fsd:
            if (fs_off())
                ILLEGAL();
            if (!store<uint64_t>(R1 + IMM, f[i->rs2]))
                EXC();
            continue;
        case Op::FpToF:
        case Op::FpToX:
        case Op::FpFromX: {
            if (fs_off())
                ILLEGAL();
            unsigned rm = i->rm == 7 ? m_frm : i->rm;
            if (rm > 4)
                ILLEGAL();
            uint32_t flags = m_fflags;
            auto op = fpu::Op(i->fop);
            auto mode = fpu::RoundingMode(rm);
            if (i->op == Op::FpToF) {
                f[i->rd] = fpu::execute(op, f[i->rs1], f[i->rs2], f[i->rs3], mode, flags);
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
            continue;
        }

        case Op::Sh1add: RD = (R1 << 1) + R2; continue;
        case Op::Sh2add: RD = (R1 << 2) + R2; continue;
        case Op::Sh3add: RD = (R1 << 3) + R2; continue;
        case Op::AddUw: RD = uint64_t(uint32_t(R1)) + R2; continue;
        case Op::Sh1addUw: RD = (uint64_t(uint32_t(R1)) << 1) + R2; continue;
        case Op::Sh2addUw: RD = (uint64_t(uint32_t(R1)) << 2) + R2; continue;
        case Op::Sh3addUw: RD = (uint64_t(uint32_t(R1)) << 3) + R2; continue;
        case Op::SlliUw: RD = uint64_t(uint32_t(R1)) << i->imm; continue;
        case Op::Andn: RD = R1 & ~R2; continue;
        case Op::Orn: RD = R1 | ~R2; continue;
        case Op::Xnor: RD = ~(R1 ^ R2); continue;
        case Op::Clz: RD = std::countl_zero(R1); continue;
        case Op::Ctz: RD = std::countr_zero(R1); continue;
        case Op::Cpop: RD = std::popcount(R1); continue;
        case Op::Clzw: RD = std::countl_zero(uint32_t(R1)); continue;
        case Op::Ctzw: RD = std::countr_zero(uint32_t(R1)); continue;
        case Op::Cpopw: RD = std::popcount(uint32_t(R1)); continue;
        case Op::Max: RD = int64_t(R1) > int64_t(R2) ? R1 : R2; continue;
        case Op::Maxu: RD = R1 > R2 ? R1 : R2; continue;
        case Op::Min: RD = int64_t(R1) < int64_t(R2) ? R1 : R2; continue;
        case Op::Minu: RD = R1 < R2 ? R1 : R2; continue;
        case Op::SextB: RD = uint64_t(int64_t(int8_t(R1))); continue;
        case Op::SextH: RD = uint64_t(int64_t(int16_t(R1))); continue;
        case Op::ZextH: RD = uint16_t(R1); continue;
        case Op::Rol: RD = std::rotl(R1, int(R2 & 63)); continue;
        case Op::Ror: RD = std::rotr(R1, int(R2 & 63)); continue;
        case Op::Rori: RD = std::rotr(R1, i->imm); continue;
        case Op::Rolw: RD = sext32(std::rotl(uint32_t(R1), int(R2 & 31))); continue;
        case Op::Rorw: RD = sext32(std::rotr(uint32_t(R1), int(R2 & 31))); continue;
        case Op::Roriw: RD = sext32(std::rotr(uint32_t(R1), i->imm)); continue;
        case Op::OrcB: RD = orc_b(R1); continue;
        case Op::Rev8: RD = __builtin_bswap64(R1); continue;
        case Op::Bclr: RD = R1 & ~(1ull << (R2 & 63)); continue;
        case Op::Bclri: RD = R1 & ~(1ull << i->imm); continue;
        case Op::Bext: RD = (R1 >> (R2 & 63)) & 1; continue;
        case Op::Bexti: RD = (R1 >> i->imm) & 1; continue;
        case Op::Binv: RD = R1 ^ (1ull << (R2 & 63)); continue;
        case Op::Binvi: RD = R1 ^ (1ull << i->imm); continue;
        case Op::Bset: RD = R1 | (1ull << (R2 & 63)); continue;
        case Op::Bseti: RD = R1 | (1ull << i->imm); continue;
        }
        __builtin_unreachable();
    }
}

} // namespace xenith::riscv
