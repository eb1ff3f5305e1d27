// Insn and Block: the pre-decoded form the interpreter runs, and the decoder that makes it.
#pragma once

#include <cstdint>

namespace xenith::riscv {

// One operation per executable form; compressed instructions decode to their base forms.
enum class Op : uint8_t {
    Illegal,
    Nop,
    BlockEnd, // sentinel after the last instruction of a block that did not end in a jump
    Lui, Auipc, Jal, Jalr,
    Beq, Bne, Blt, Bge, Bltu, Bgeu,
    Lb, Lh, Lw, Ld, Lbu, Lhu, Lwu,
    Sb, Sh, Sw, Sd,
    Addi, Slti, Sltiu, Xori, Ori, Andi, Slli, Srli, Srai,
    Add, Sub, Sll, Slt, Sltu, Xor, Srl, Sra, Or, And,
    Addiw, Slliw, Srliw, Sraiw,
    Addw, Subw, Sllw, Srlw, Sraw,
    Mul, Mulh, Mulhsu, Mulhu, Div, Divu, Rem, Remu,
    Mulw, Divw, Divuw, Remw, Remuw,
    LrW, LrD, ScW, ScD,
    AmoswapW, AmoaddW, AmoxorW, AmoandW, AmoorW, AmominW, AmomaxW, AmominuW, AmomaxuW,
    AmoswapD, AmoaddD, AmoxorD, AmoandD, AmoorD, AmominD, AmomaxD, AmominuD, AmomaxuD,
    Fence, FenceI, Ecall, Ebreak, Mret, Sret, Wfi, SfenceVma,
    Csrrw, Csrrs, Csrrc, Csrrwi, Csrrsi, Csrrci,
    Flw, Fld, Fsw, Fsd,
    FpToF,  // result in f[rd] from f[rs1], f[rs2], f[rs3]
    FpToX,  // result in x[rd] from f[rs1], f[rs2]
    FpFromX, // result in f[rd] from x[rs1]
    // Zba
    Sh1add, Sh2add, Sh3add, AddUw, Sh1addUw, Sh2addUw, Sh3addUw, SlliUw,
    // Zbb
    Andn, Orn, Xnor, Clz, Ctz, Cpop, Clzw, Ctzw, Cpopw, Max, Maxu, Min, Minu,
    SextB, SextH, ZextH, Rol, Ror, Rori, Rolw, Rorw, Roriw, OrcB, Rev8,
    // Zbs
    Bclr, Bclri, Bext, Bexti, Binv, Binvi, Bset, Bseti,
};

// x registers 0..31; writes to x0 are redirected here at decode time, so the interpreter never tests rd.
inline constexpr uint8_t x_sink = 32;

struct Insn {
    Op op { Op::Illegal };
    uint8_t rd { 0 };
    uint8_t rs1 { 0 };
    uint8_t rs2 { 0 };
    uint8_t rs3 { 0 };
    uint8_t rm { 0 };  // FP rounding mode field (0 for ops without one)
    uint8_t fop { 0 }; // fpu::Op for the FP forms
    uint8_t len { 4 }; // 2 or 4
    uint16_t off { 0 }; // byte offset of this instruction from the start of its block
    int32_t imm { 0 };  // immediate, shift amount or CSR number
    uint32_t raw { 0 }; // the instruction bits (tval of illegal-instruction traps)
};

// Decodes one instruction (32-bit, or 16-bit if (raw & 3) != 3). Unknown encodings give Op::Illegal.
Insn decode(uint32_t raw);

// True for instructions after which a block must end (control flow, system, CSR, traps).
bool ends_block(Op op);

} // namespace xenith::riscv
