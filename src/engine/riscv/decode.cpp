// Decoder: RV64GC (+Zba/Zbb/Zbs) instruction bits to pre-decoded Insn; compressed forms expand here.
#include "engine/riscv/fpu.h"
#include "engine/riscv/insn.h"

namespace xenith::riscv {

namespace {

constexpr uint8_t no_rm = 0;

uint32_t bits(uint32_t v, unsigned hi, unsigned lo) { return (v >> lo) & ((1u << (hi - lo + 1)) - 1); }
int32_t sext(uint32_t v, unsigned width) { return int32_t(v << (32 - width)) >> (32 - width); }

Insn make(Op op, unsigned rd, unsigned rs1, unsigned rs2, int32_t imm)
{
    Insn i;
    i.op = op;
    i.rd = uint8_t(rd);
    i.rs1 = uint8_t(rs1);
    i.rs2 = uint8_t(rs2);
    i.imm = imm;
    return i;
}

Insn fp(Op op, fpu::Op f, unsigned rd, unsigned rs1, unsigned rs2, unsigned rs3, uint8_t rm)
{
    Insn i = make(op, rd, rs1, rs2, int32_t(rs3 | unsigned(rm) << 8));
    i.fop = uint8_t(f);
    return i;
}

Insn illegal() { return Insn {}; }

Insn decode_op_fp(uint32_t raw)
{
    unsigned rd = bits(raw, 11, 7), rs1 = bits(raw, 19, 15), rs2 = bits(raw, 24, 20);
    unsigned f3 = bits(raw, 14, 12), f7 = bits(raw, 31, 25);
    uint8_t rm = uint8_t(f3);
    using F = fpu::Op;
    auto arith = [&](F s, F d) {
        if (f7 & 1)
            return fp(Op::FpToF, d, rd, rs1, rs2, 0, rm);
        return fp(Op::FpToF, s, rd, rs1, rs2, 0, rm);
    };
    switch (f7) {
    case 0x00: case 0x01: return arith(F::AddS, F::AddD);
    case 0x04: case 0x05: return arith(F::SubS, F::SubD);
    case 0x08: case 0x09: return arith(F::MulS, F::MulD);
    case 0x0c: case 0x0d: return arith(F::DivS, F::DivD);
    case 0x2c: case 0x2d:
        if (rs2 != 0)
            return illegal();
        return arith(F::SqrtS, F::SqrtD);
    case 0x10: case 0x11: {
        bool d = f7 & 1;
        if (f3 == 0) return fp(Op::FpToF, d ? F::SgnjD : F::SgnjS, rd, rs1, rs2, 0, no_rm);
        if (f3 == 1) return fp(Op::FpToF, d ? F::SgnjnD : F::SgnjnS, rd, rs1, rs2, 0, no_rm);
        if (f3 == 2) return fp(Op::FpToF, d ? F::SgnjxD : F::SgnjxS, rd, rs1, rs2, 0, no_rm);
        return illegal();
    }
    case 0x14: case 0x15: {
        bool d = f7 & 1;
        if (f3 == 0) return fp(Op::FpToF, d ? F::MinD : F::MinS, rd, rs1, rs2, 0, no_rm);
        if (f3 == 1) return fp(Op::FpToF, d ? F::MaxD : F::MaxS, rd, rs1, rs2, 0, no_rm);
        return illegal();
    }
    case 0x20:
        if (rs2 != 1) return illegal();
        return fp(Op::FpToF, F::CvtSD, rd, rs1, 0, 0, rm);
    case 0x21:
        if (rs2 != 0) return illegal();
        return fp(Op::FpToF, F::CvtDS, rd, rs1, 0, 0, rm);
    case 0x50: case 0x51: {
        bool d = f7 & 1;
        if (f3 == 2) return fp(Op::FpToX, d ? F::EqD : F::EqS, rd, rs1, rs2, 0, no_rm);
        if (f3 == 1) return fp(Op::FpToX, d ? F::LtD : F::LtS, rd, rs1, rs2, 0, no_rm);
        if (f3 == 0) return fp(Op::FpToX, d ? F::LeD : F::LeS, rd, rs1, rs2, 0, no_rm);
        return illegal();
    }
    case 0x60: case 0x61: {
        static constexpr F s_ops[] = { F::CvtWS, F::CvtWuS, F::CvtLS, F::CvtLuS };
        static constexpr F d_ops[] = { F::CvtWD, F::CvtWuD, F::CvtLD, F::CvtLuD };
        if (rs2 > 3) return illegal();
        return fp(Op::FpToX, (f7 & 1) ? d_ops[rs2] : s_ops[rs2], rd, rs1, 0, 0, rm);
    }
    case 0x68: case 0x69: {
        static constexpr F s_ops[] = { F::CvtSW, F::CvtSWu, F::CvtSL, F::CvtSLu };
        static constexpr F d_ops[] = { F::CvtDW, F::CvtDWu, F::CvtDL, F::CvtDLu };
        if (rs2 > 3) return illegal();
        return fp(Op::FpFromX, (f7 & 1) ? d_ops[rs2] : s_ops[rs2], rd, rs1, 0, 0, rm);
    }
    case 0x70: case 0x71:
        if (rs2 != 0) return illegal();
        if (f3 == 0) return fp(Op::FpToX, (f7 & 1) ? F::MvXD : F::MvXW, rd, rs1, 0, 0, no_rm);
        if (f3 == 1) return fp(Op::FpToX, (f7 & 1) ? F::ClassD : F::ClassS, rd, rs1, 0, 0, no_rm);
        return illegal();
    case 0x78: case 0x79:
        if (rs2 != 0 || f3 != 0) return illegal();
        return fp(Op::FpFromX, (f7 & 1) ? F::MvDX : F::MvWX, rd, rs1, 0, 0, no_rm);
    }
    return illegal();
}

Insn decode32(uint32_t raw)
{
    unsigned rd = bits(raw, 11, 7), rs1 = bits(raw, 19, 15), rs2 = bits(raw, 24, 20);
    unsigned f3 = bits(raw, 14, 12), f7 = bits(raw, 31, 25);
    int32_t imm_i = int32_t(raw) >> 20;
    int32_t imm_s = ((int32_t(raw) >> 25) << 5) | int32_t(bits(raw, 11, 7));
    int32_t imm_b = ((int32_t(raw) >> 31) << 12) | int32_t(bits(raw, 7, 7) << 11) | int32_t(bits(raw, 30, 25) << 5)
        | int32_t(bits(raw, 11, 8) << 1);
    int32_t imm_u = int32_t(raw & 0xfffff000u);
    int32_t imm_j = ((int32_t(raw) >> 31) << 20) | int32_t(bits(raw, 19, 12) << 12) | int32_t(bits(raw, 20, 20) << 11)
        | int32_t(bits(raw, 30, 21) << 1);
    unsigned shamt = bits(raw, 25, 20);
    unsigned f6 = bits(raw, 31, 26);
    unsigned f12 = bits(raw, 31, 20);

    switch (raw & 0x7f) {
    case 0x37: return make(Op::Lui, rd, 0, 0, imm_u);
    case 0x17: return make(Op::Auipc, rd, 0, 0, imm_u);
    case 0x6f: return make(Op::Jal, rd, 0, 0, imm_j);
    case 0x67:
        if (f3 != 0) return illegal();
        return make(Op::Jalr, rd, rs1, 0, imm_i);
    case 0x63: {
        static constexpr Op ops[] = { Op::Beq, Op::Bne, Op::Illegal, Op::Illegal, Op::Blt, Op::Bge, Op::Bltu, Op::Bgeu };
        if (ops[f3] == Op::Illegal) return illegal();
        return make(ops[f3], 0, rs1, rs2, imm_b);
    }
    case 0x03: {
        static constexpr Op ops[] = { Op::Lb, Op::Lh, Op::Lw, Op::Ld, Op::Lbu, Op::Lhu, Op::Lwu, Op::Illegal };
        if (ops[f3] == Op::Illegal) return illegal();
        return make(ops[f3], rd, rs1, 0, imm_i);
    }
    case 0x23: {
        static constexpr Op ops[] = { Op::Sb, Op::Sh, Op::Sw, Op::Sd };
        if (f3 > 3) return illegal();
        return make(ops[f3], 0, rs1, rs2, imm_s);
    }
    case 0x13:
        switch (f3) {
        case 0: return make(Op::Addi, rd, rs1, 0, imm_i);
        case 2: return make(Op::Slti, rd, rs1, 0, imm_i);
        case 3: return make(Op::Sltiu, rd, rs1, 0, imm_i);
        case 4: return make(Op::Xori, rd, rs1, 0, imm_i);
        case 6: return make(Op::Ori, rd, rs1, 0, imm_i);
        case 7: return make(Op::Andi, rd, rs1, 0, imm_i);
        case 1:
            if (f6 == 0x00) return make(Op::Slli, rd, rs1, 0, int32_t(shamt));
            if (f6 == 0x0a) return make(Op::Bseti, rd, rs1, 0, int32_t(shamt));
            if (f6 == 0x12) return make(Op::Bclri, rd, rs1, 0, int32_t(shamt));
            if (f6 == 0x1a) return make(Op::Binvi, rd, rs1, 0, int32_t(shamt));
            if (f12 == 0x600) return make(Op::Clz, rd, rs1, 0, 0);
            if (f12 == 0x601) return make(Op::Ctz, rd, rs1, 0, 0);
            if (f12 == 0x602) return make(Op::Cpop, rd, rs1, 0, 0);
            if (f12 == 0x604) return make(Op::SextB, rd, rs1, 0, 0);
            if (f12 == 0x605) return make(Op::SextH, rd, rs1, 0, 0);
            return illegal();
        case 5:
            if (f6 == 0x00) return make(Op::Srli, rd, rs1, 0, int32_t(shamt));
            if (f6 == 0x10) return make(Op::Srai, rd, rs1, 0, int32_t(shamt));
            if (f6 == 0x18) return make(Op::Rori, rd, rs1, 0, int32_t(shamt));
            if (f6 == 0x12) return make(Op::Bexti, rd, rs1, 0, int32_t(shamt));
            if (f12 == 0x287) return make(Op::OrcB, rd, rs1, 0, 0);
            if (f12 == 0x6b8) return make(Op::Rev8, rd, rs1, 0, 0);
            return illegal();
        }
        return illegal();
    case 0x1b:
        switch (f3) {
        case 0: return make(Op::Addiw, rd, rs1, 0, imm_i);
        case 1:
            if (f7 == 0x00) return make(Op::Slliw, rd, rs1, 0, int32_t(rs2));
            if (f6 == 0x02) return make(Op::SlliUw, rd, rs1, 0, int32_t(shamt));
            if (f12 == 0x600) return make(Op::Clzw, rd, rs1, 0, 0);
            if (f12 == 0x601) return make(Op::Ctzw, rd, rs1, 0, 0);
            if (f12 == 0x602) return make(Op::Cpopw, rd, rs1, 0, 0);
            return illegal();
        case 5:
            if (f7 == 0x00) return make(Op::Srliw, rd, rs1, 0, int32_t(rs2));
            if (f7 == 0x20) return make(Op::Sraiw, rd, rs1, 0, int32_t(rs2));
            if (f7 == 0x30) return make(Op::Roriw, rd, rs1, 0, int32_t(rs2));
            return illegal();
        }
        return illegal();
    case 0x33: {
        auto r = [&](Op op) { return make(op, rd, rs1, rs2, 0); };
        switch (f7) {
        case 0x00: {
            static constexpr Op ops[] = { Op::Add, Op::Sll, Op::Slt, Op::Sltu, Op::Xor, Op::Srl, Op::Or, Op::And };
            return r(ops[f3]);
        }
        case 0x20:
            if (f3 == 0) return r(Op::Sub);
            if (f3 == 5) return r(Op::Sra);
            if (f3 == 7) return r(Op::Andn);
            if (f3 == 6) return r(Op::Orn);
            if (f3 == 4) return r(Op::Xnor);
            return illegal();
        case 0x01: {
            static constexpr Op ops[] = { Op::Mul, Op::Mulh, Op::Mulhsu, Op::Mulhu, Op::Div, Op::Divu, Op::Rem, Op::Remu };
            return r(ops[f3]);
        }
        case 0x10:
            if (f3 == 2) return r(Op::Sh1add);
            if (f3 == 4) return r(Op::Sh2add);
            if (f3 == 6) return r(Op::Sh3add);
            return illegal();
        case 0x05:
            if (f3 == 4) return r(Op::Min);
            if (f3 == 5) return r(Op::Minu);
            if (f3 == 6) return r(Op::Max);
            if (f3 == 7) return r(Op::Maxu);
            return illegal();
        case 0x30:
            if (f3 == 1) return r(Op::Rol);
            if (f3 == 5) return r(Op::Ror);
            return illegal();
        case 0x24:
            if (f3 == 1) return r(Op::Bclr);
            if (f3 == 5) return r(Op::Bext);
            return illegal();
        case 0x14:
            if (f3 == 1) return r(Op::Bset);
            return illegal();
        case 0x34:
            if (f3 == 1) return r(Op::Binv);
            return illegal();
        }
        return illegal();
    }
    case 0x3b: {
        auto r = [&](Op op) { return make(op, rd, rs1, rs2, 0); };
        switch (f7) {
        case 0x00:
            if (f3 == 0) return r(Op::Addw);
            if (f3 == 1) return r(Op::Sllw);
            if (f3 == 5) return r(Op::Srlw);
            return illegal();
        case 0x20:
            if (f3 == 0) return r(Op::Subw);
            if (f3 == 5) return r(Op::Sraw);
            return illegal();
        case 0x01:
            if (f3 == 0) return r(Op::Mulw);
            if (f3 == 4) return r(Op::Divw);
            if (f3 == 5) return r(Op::Divuw);
            if (f3 == 6) return r(Op::Remw);
            if (f3 == 7) return r(Op::Remuw);
            return illegal();
        case 0x04:
            if (f3 == 0) return r(Op::AddUw);
            if (f3 == 4 && rs2 == 0) return r(Op::ZextH);
            return illegal();
        case 0x10:
            if (f3 == 2) return r(Op::Sh1addUw);
            if (f3 == 4) return r(Op::Sh2addUw);
            if (f3 == 6) return r(Op::Sh3addUw);
            return illegal();
        case 0x30:
            if (f3 == 1) return r(Op::Rolw);
            if (f3 == 5) return r(Op::Rorw);
            return illegal();
        }
        return illegal();
    }
    case 0x0f:
        if (f3 == 0) return make(Op::Fence, 0, 0, 0, int32_t(f12)); // fm, pred, succ
        if (f3 == 1) return make(Op::FenceI, 0, 0, 0, 0);
        return illegal();
    case 0x73:
        if (f3 == 0) {
            if (raw == 0x00000073) return make(Op::Ecall, 0, 0, 0, 0);
            if (raw == 0x00100073) return make(Op::Ebreak, 0, 0, 0, 0);
            if (raw == 0x30200073) return make(Op::Mret, 0, 0, 0, 0);
            if (raw == 0x10200073) return make(Op::Sret, 0, 0, 0, 0);
            if (raw == 0x10500073) return make(Op::Wfi, 0, 0, 0, 0);
            if (f7 == 0x09 && rd == 0) return make(Op::SfenceVma, 0, rs1, rs2, 0);
            return illegal();
        } else {
            static constexpr Op ops[] = { Op::Illegal, Op::Csrrw, Op::Csrrs, Op::Csrrc, Op::Illegal, Op::Csrrwi, Op::Csrrsi, Op::Csrrci };
            if (ops[f3] == Op::Illegal) return illegal();
            return make(ops[f3], rd, rs1, 0, int32_t(f12));
        }
    case 0x2f: {
        unsigned f5 = bits(raw, 31, 27);
        bool d = f3 == 3;
        if (f3 != 2 && f3 != 3) return illegal();
        switch (f5) {
        case 0x02:
            if (rs2 != 0) return illegal();
            return make(d ? Op::LrD : Op::LrW, rd, rs1, 0, 0);
        case 0x03: return make(d ? Op::ScD : Op::ScW, rd, rs1, rs2, 0);
        case 0x01: return make(d ? Op::AmoswapD : Op::AmoswapW, rd, rs1, rs2, 0);
        case 0x00: return make(d ? Op::AmoaddD : Op::AmoaddW, rd, rs1, rs2, 0);
        case 0x04: return make(d ? Op::AmoxorD : Op::AmoxorW, rd, rs1, rs2, 0);
        case 0x0c: return make(d ? Op::AmoandD : Op::AmoandW, rd, rs1, rs2, 0);
        case 0x08: return make(d ? Op::AmoorD : Op::AmoorW, rd, rs1, rs2, 0);
        case 0x10: return make(d ? Op::AmominD : Op::AmominW, rd, rs1, rs2, 0);
        case 0x14: return make(d ? Op::AmomaxD : Op::AmomaxW, rd, rs1, rs2, 0);
        case 0x18: return make(d ? Op::AmominuD : Op::AmominuW, rd, rs1, rs2, 0);
        case 0x1c: return make(d ? Op::AmomaxuD : Op::AmomaxuW, rd, rs1, rs2, 0);
        }
        return illegal();
    }
    case 0x07:
        if (f3 == 2) return make(Op::Flw, rd, rs1, 0, imm_i);
        if (f3 == 3) return make(Op::Fld, rd, rs1, 0, imm_i);
        return illegal();
    case 0x27:
        if (f3 == 2) return make(Op::Fsw, 0, rs1, rs2, imm_s);
        if (f3 == 3) return make(Op::Fsd, 0, rs1, rs2, imm_s);
        return illegal();
    case 0x43: case 0x47: case 0x4b: case 0x4f: {
        unsigned fmt = bits(raw, 26, 25);
        if (fmt > 1) return illegal();
        using F = fpu::Op;
        static constexpr F s_ops[] = { F::MaddS, F::MsubS, F::NmsubS, F::NmaddS };
        static constexpr F d_ops[] = { F::MaddD, F::MsubD, F::NmsubD, F::NmaddD };
        unsigned k = ((raw & 0x7f) - 0x43) >> 2;
        return fp(Op::FpToF, fmt ? d_ops[k] : s_ops[k], rd, rs1, rs2, bits(raw, 31, 27), uint8_t(f3));
    }
    case 0x53:
        return decode_op_fp(raw);
    }
    return illegal();
}

// RV64C: expands a 16-bit instruction into the base-ISA Insn it stands for.
Insn decode16(uint32_t raw)
{
    unsigned op = raw & 3, f3 = bits(raw, 15, 13);
    unsigned rdp = 8 + bits(raw, 4, 2), rs1p = 8 + bits(raw, 9, 7);
    unsigned rd = bits(raw, 11, 7), rs2 = bits(raw, 6, 2);
    // Offsets of the compressed loads/stores.
    uint32_t off_w = (bits(raw, 12, 10) << 3) | (bits(raw, 6, 6) << 2) | (bits(raw, 5, 5) << 6);
    uint32_t off_d = (bits(raw, 12, 10) << 3) | (bits(raw, 6, 5) << 6);
    int32_t imm6 = sext((bits(raw, 12, 12) << 5) | bits(raw, 6, 2), 6);
    unsigned shamt = (bits(raw, 12, 12) << 5) | bits(raw, 6, 2);

    if (op == 0) {
        switch (f3) {
        case 0: {
            uint32_t nzuimm = (bits(raw, 12, 11) << 4) | (bits(raw, 10, 7) << 6) | (bits(raw, 6, 6) << 2)
                | (bits(raw, 5, 5) << 3);
            if (nzuimm == 0) return illegal();
            return make(Op::Addi, rdp, 2, 0, int32_t(nzuimm));
        }
        case 1: return make(Op::Fld, rdp, rs1p, 0, int32_t(off_d));
        case 2: return make(Op::Lw, rdp, rs1p, 0, int32_t(off_w));
        case 3: return make(Op::Ld, rdp, rs1p, 0, int32_t(off_d));
        case 5: return make(Op::Fsd, 0, rs1p, rdp, int32_t(off_d));
        case 6: return make(Op::Sw, 0, rs1p, rdp, int32_t(off_w));
        case 7: return make(Op::Sd, 0, rs1p, rdp, int32_t(off_d));
        }
        return illegal();
    }
    if (op == 1) {
        switch (f3) {
        case 0: return make(Op::Addi, rd, rd, 0, imm6);
        case 1:
            if (rd == 0) return illegal();
            return make(Op::Addiw, rd, rd, 0, imm6);
        case 2: return make(Op::Addi, rd, 0, 0, imm6);
        case 3:
            if (rd == 2) {
                int32_t imm = sext((bits(raw, 12, 12) << 9) | (bits(raw, 4, 3) << 7) | (bits(raw, 5, 5) << 6)
                        | (bits(raw, 2, 2) << 5) | (bits(raw, 6, 6) << 4),
                    10);
                if (imm == 0) return illegal();
                return make(Op::Addi, 2, 2, 0, imm);
            }
            if (imm6 == 0) return illegal();
            return make(Op::Lui, rd, 0, 0, imm6 << 12);
        case 4:
            switch (bits(raw, 11, 10)) {
            case 0: return make(Op::Srli, rs1p, rs1p, 0, int32_t(shamt));
            case 1: return make(Op::Srai, rs1p, rs1p, 0, int32_t(shamt));
            case 2: return make(Op::Andi, rs1p, rs1p, 0, imm6);
            default: {
                unsigned f2 = bits(raw, 6, 5);
                if (!bits(raw, 12, 12)) {
                    static constexpr Op ops[] = { Op::Sub, Op::Xor, Op::Or, Op::And };
                    return make(ops[f2], rs1p, rs1p, rdp, 0);
                }
                if (f2 == 0) return make(Op::Subw, rs1p, rs1p, rdp, 0);
                if (f2 == 1) return make(Op::Addw, rs1p, rs1p, rdp, 0);
                return illegal();
            }
            }
        case 5: {
            int32_t imm = sext((bits(raw, 12, 12) << 11) | (bits(raw, 11, 11) << 4) | (bits(raw, 10, 9) << 8)
                    | (bits(raw, 8, 8) << 10) | (bits(raw, 7, 7) << 6) | (bits(raw, 6, 6) << 7)
                    | (bits(raw, 5, 3) << 1) | (bits(raw, 2, 2) << 5),
                12);
            return make(Op::Jal, 0, 0, 0, imm);
        }
        case 6: case 7: {
            int32_t imm = sext((bits(raw, 12, 12) << 8) | (bits(raw, 11, 10) << 3) | (bits(raw, 6, 5) << 6)
                    | (bits(raw, 4, 3) << 1) | (bits(raw, 2, 2) << 5),
                9);
            return make(f3 == 6 ? Op::Beq : Op::Bne, 0, rs1p, 0, imm);
        }
        }
        return illegal();
    }
    if (op == 2) {
        switch (f3) {
        case 0: return make(Op::Slli, rd, rd, 0, int32_t(shamt));
        case 1: {
            uint32_t off = (bits(raw, 12, 12) << 5) | (bits(raw, 6, 5) << 3) | (bits(raw, 4, 2) << 6);
            return make(Op::Fld, rd, 2, 0, int32_t(off));
        }
        case 2: {
            if (rd == 0) return illegal();
            uint32_t off = (bits(raw, 12, 12) << 5) | (bits(raw, 6, 4) << 2) | (bits(raw, 3, 2) << 6);
            return make(Op::Lw, rd, 2, 0, int32_t(off));
        }
        case 3: {
            if (rd == 0) return illegal();
            uint32_t off = (bits(raw, 12, 12) << 5) | (bits(raw, 6, 5) << 3) | (bits(raw, 4, 2) << 6);
            return make(Op::Ld, rd, 2, 0, int32_t(off));
        }
        case 4:
            if (!bits(raw, 12, 12)) {
                if (rs2 == 0) {
                    if (rd == 0) return illegal();
                    return make(Op::Jalr, 0, rd, 0, 0);
                }
                return make(Op::Add, rd, 0, rs2, 0);
            }
            if (rs2 == 0) {
                if (rd == 0) return make(Op::Ebreak, 0, 0, 0, 0);
                return make(Op::Jalr, 1, rd, 0, 0);
            }
            return make(Op::Add, rd, rd, rs2, 0);
        case 5: {
            uint32_t off = (bits(raw, 12, 10) << 3) | (bits(raw, 9, 7) << 6);
            return make(Op::Fsd, 0, 2, rs2, int32_t(off));
        }
        case 6: {
            uint32_t off = (bits(raw, 12, 9) << 2) | (bits(raw, 8, 7) << 6);
            return make(Op::Sw, 0, 2, rs2, int32_t(off));
        }
        case 7: {
            uint32_t off = (bits(raw, 12, 10) << 3) | (bits(raw, 9, 7) << 6);
            return make(Op::Sd, 0, 2, rs2, int32_t(off));
        }
        }
    }
    return illegal();
}

// Ops whose rd names an x register that the op writes.
bool writes_x(Op op)
{
    switch (op) {
    case Op::Illegal: case Op::Nop: case Op::BlockEnd:
    case Op::Beq: case Op::Bne: case Op::Blt: case Op::Bge: case Op::Bltu: case Op::Bgeu:
    case Op::Sb: case Op::Sh: case Op::Sw: case Op::Sd:
    case Op::Fence: case Op::FenceI: case Op::Ecall: case Op::Ebreak: case Op::Mret: case Op::Sret:
    case Op::Wfi: case Op::SfenceVma:
    case Op::Flw: case Op::Fld: case Op::Fsw: case Op::Fsd: case Op::FpToF: case Op::FpFromX:
        return false;
    default:
        return true;
    }
}

// Pure register-to-register ops: with rd = x0 they do nothing at all.
bool is_pure(Op op)
{
    switch (op) {
    case Op::Lui: case Op::Auipc:
    case Op::Addi: case Op::Slti: case Op::Sltiu: case Op::Xori: case Op::Ori: case Op::Andi:
    case Op::Slli: case Op::Srli: case Op::Srai:
    case Op::Add: case Op::Sub: case Op::Sll: case Op::Slt: case Op::Sltu: case Op::Xor: case Op::Srl:
    case Op::Sra: case Op::Or: case Op::And:
    case Op::Addiw: case Op::Slliw: case Op::Srliw: case Op::Sraiw:
    case Op::Addw: case Op::Subw: case Op::Sllw: case Op::Srlw: case Op::Sraw:
    case Op::Mul: case Op::Mulh: case Op::Mulhsu: case Op::Mulhu: case Op::Div: case Op::Divu: case Op::Rem:
    case Op::Remu: case Op::Mulw: case Op::Divw: case Op::Divuw: case Op::Remw: case Op::Remuw:
        return true;
    default:
        return false;
    }
}

} // namespace

Insn decode(uint32_t raw)
{
    Insn insn;
    if ((raw & 3) == 3) {
        insn = decode32(raw);
        insn.len = 4;
        insn.raw = raw;
    } else {
        insn = decode16(raw & 0xffff);
        insn.len = 2;
        insn.raw = raw & 0xffff;
    }
    if (writes_x(insn.op) && insn.rd == 0) {
        if (is_pure(insn.op))
            insn.op = Op::Nop;
        else
            insn.rd = x_sink;
    }
    return insn;
}

bool ends_block(Op op)
{
    switch (op) {
    case Op::Illegal:
    case Op::Jal: case Op::Jalr:
    case Op::Beq: case Op::Bne: case Op::Blt: case Op::Bge: case Op::Bltu: case Op::Bgeu:
    case Op::FenceI: case Op::Ecall: case Op::Ebreak: case Op::Mret: case Op::Sret: case Op::Wfi:
    case Op::SfenceVma:
    case Op::Csrrw: case Op::Csrrs: case Op::Csrrc: case Op::Csrrwi: case Op::Csrrsi: case Op::Csrrci:
        return true;
    default:
        return false;
    }
}

} // namespace xenith::riscv
