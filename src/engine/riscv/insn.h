// Insn and Block: the pre-decoded form the interpreter runs, and the decoder that makes it.
#pragma once

#include <cstdint>

namespace xenith::riscv {

// Every executable form, in enum order; compressed instructions decode to their base forms.
// Illegal, Nop and BlockEnd (the sentinel after a block's last instruction) are the engine's own;
// FpToF/FpToX/FpFromX are the F/D operations by where the result goes (f or x) and where a comes from.
#define XENITH_RISCV_OPS(X) \
    X(Illegal) X(Nop) X(BlockEnd) X(Lui) X(Auipc) X(Jal) X(Jalr) X(Beq) \
    X(Bne) X(Blt) X(Bge) X(Bltu) X(Bgeu) X(Lb) X(Lh) X(Lw) \
    X(Ld) X(Lbu) X(Lhu) X(Lwu) X(Sb) X(Sh) X(Sw) X(Sd) \
    X(Addi) X(Slti) X(Sltiu) X(Xori) X(Ori) X(Andi) X(Slli) X(Srli) \
    X(Srai) X(Add) X(Sub) X(Sll) X(Slt) X(Sltu) X(Xor) X(Srl) \
    X(Sra) X(Or) X(And) X(Addiw) X(Slliw) X(Srliw) X(Sraiw) X(Addw) \
    X(Subw) X(Sllw) X(Srlw) X(Sraw) X(Mul) X(Mulh) X(Mulhsu) X(Mulhu) \
    X(Div) X(Divu) X(Rem) X(Remu) X(Mulw) X(Divw) X(Divuw) X(Remw) \
    X(Remuw) X(LrW) X(LrD) X(ScW) X(ScD) X(AmoswapW) X(AmoaddW) X(AmoxorW) \
    X(AmoandW) X(AmoorW) X(AmominW) X(AmomaxW) X(AmominuW) X(AmomaxuW) X(AmoswapD) X(AmoaddD) \
    X(AmoxorD) X(AmoandD) X(AmoorD) X(AmominD) X(AmomaxD) X(AmominuD) X(AmomaxuD) X(Fence) \
    X(FenceI) X(Ecall) X(Ebreak) X(Mret) X(Sret) X(Wfi) X(SfenceVma) X(Csrrw) \
    X(Csrrs) X(Csrrc) X(Csrrwi) X(Csrrsi) X(Csrrci) X(Flw) X(Fld) X(Fsw) \
    X(Fsd) X(FpToF) X(FpToX) X(FpFromX) X(Sh1add) X(Sh2add) X(Sh3add) X(AddUw) \
    X(Sh1addUw) X(Sh2addUw) X(Sh3addUw) X(SlliUw) X(Andn) X(Orn) X(Xnor) X(Clz) \
    X(Ctz) X(Cpop) X(Clzw) X(Ctzw) X(Cpopw) X(Max) X(Maxu) X(Min) \
    X(Minu) X(SextB) X(SextH) X(ZextH) X(Rol) X(Ror) X(Rori) X(Rolw) \
    X(Rorw) X(Roriw) X(OrcB) X(Rev8) X(Bclr) X(Bclri) X(Bext) X(Bexti) \
    X(Binv) X(Binvi) X(Bset) X(Bseti)

// Superinstructions: adjacent pairs (first, second) inside a block that the kit's workloads run
// most (profiled per workload: prologue/epilogue saves, address arithmetic + load, load/ALU +
// compare-and-branch, sha256's shift/or/xor). The pair's first Insn gets op Fused<first><second>;
// both Insns keep their own operands, offset and raw bits, and the handler runs the two bodies
// back to back, so a trap in either leaves exactly the state of the unfused sequence.
#define XENITH_RISCV_FUSED(X) \
    X(Ld, Ld) X(Sd, Sd) X(Ld, Add) X(Ld, Addi) X(Ld, Sd) X(Sd, Ld) X(Sd, Addi) X(Addi, Sd) X(Addi, Ld) \
    X(Add, Add) X(Add, Lb) X(Add, Lbu) X(Add, Lhu) X(Add, Lw) X(Add, Ld) X(Add, Sb) X(Add, Addi) \
    X(Addi, Add) X(Addi, Addi) X(Addi, Lbu) X(Slli, Add) X(And, Slli) X(Srli, Add) X(Lbu, Addi) \
    X(Lb, Addi) X(Lb, Lb) X(Lbu, Lbu) X(Addw, Addw) X(Addiw, Addiw) X(Mulw, Addw) X(Addi, Mulw) \
    X(Or, Xor) X(Srliw, Or) X(Slliw, Or) X(Srliw, Slliw) X(Slliw, Srliw) X(Xor, Srliw) X(Xor, Addw) \
    X(Lbu, Bne) X(Lbu, Beq) X(Lhu, Bgeu) X(Lb, Bltu) X(Addiw, Bne) X(Addi, Bne) X(Addi, Beq) \
    X(Andi, Beq) X(Andi, Bne) X(Add, Bltu) X(Add, Bgeu) X(Addi, Bltu) X(Addi, Blt) X(Sb, Bne) \
    X(Add, Jal) X(Addi, Jal) X(Addi, Jalr) X(Sd, Jal) X(Addiw, Jal) X(Sb, Jal) X(Ld, Jalr)

enum class Op : uint8_t {
#define XENITH_OP_ENUM(name) name,
    XENITH_RISCV_OPS(XENITH_OP_ENUM)
#undef XENITH_OP_ENUM
#define XENITH_FUSED_ENUM(a, b) Fused##a##b,
    XENITH_RISCV_FUSED(XENITH_FUSED_ENUM)
#undef XENITH_FUSED_ENUM
    // divuw q, a, b; remuw r, a, b with q not a or b: one host division gives both.
    FusedDivuwRemuw,
};

// x registers 0..31; writes to x0 are redirected here at decode time, so the interpreter never tests rd.
inline constexpr uint8_t x_sink = 32;

// 16 bytes, so a block's instructions pack four to a cache line. Fields not used by an op are 0.
struct Insn {
    Op op { Op::Illegal };
    uint8_t rd { 0 };
    uint8_t rs1 { 0 };
    uint8_t rs2 { 0 };
    uint16_t off { 0 }; // byte offset of this instruction from the start of its block
    uint8_t len { 4 };  // 2 or 4
    uint8_t fop { 0 };  // fpu::Op for the FP forms
    int32_t imm { 0 };  // immediate, shift amount or CSR number; FP forms: rs3 | rm << 8
    uint32_t raw { 0 }; // the instruction bits (tval of illegal-instruction traps, revalidation)

    unsigned rs3() const { return unsigned(imm) & 0x1f; }
    unsigned rm() const { return (unsigned(imm) >> 8) & 7; } // FP rounding mode field
};
static_assert(sizeof(Insn) == 16);

// Decodes one instruction (32-bit, or 16-bit if (raw & 3) != 3). Unknown encodings give Op::Illegal.
Insn decode(uint32_t raw);

// The superinstruction for first followed by second in one block, or first.op if there is none.
Op fuse(Insn const& first, Insn const& second);

// True for instructions after which a block must end (control flow, system, CSR, traps).
bool ends_block(Op op);

} // namespace xenith::riscv
