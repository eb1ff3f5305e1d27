// Superinstruction selection: which adjacent pairs of decoded instructions run as one handler.
#include "engine/riscv/insn.h"

namespace xenith::riscv {

Op fuse(Insn const& first, Insn const& second)
{
#define XENITH_FUSE_CASE(a, b)                          \
    if (first.op == Op::a && second.op == Op::b)        \
        return Op::Fused##a##b;
    XENITH_RISCV_FUSED(XENITH_FUSE_CASE)
#undef XENITH_FUSE_CASE
    if (first.op == Op::Divuw && second.op == Op::Remuw && second.rs1 == first.rs1 && second.rs2 == first.rs2
        && first.rd != first.rs1 && first.rd != first.rs2)
        return Op::FusedDivuwRemuw;
    return first.op;
}

} // namespace xenith::riscv
