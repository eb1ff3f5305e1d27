// CSR numbers and the mstatus/trap bit fields the hart implements.
#pragma once

#include <cstdint>

namespace xenith::riscv {

namespace csr {
inline constexpr uint16_t fflags = 0x001, frm = 0x002, fcsr = 0x003;
inline constexpr uint16_t cycle = 0xc00, time = 0xc01, instret = 0xc02, hpmcounter3 = 0xc03, hpmcounter31 = 0xc1f;
inline constexpr uint16_t sstatus = 0x100, sie = 0x104, stvec = 0x105, scounteren = 0x106, senvcfg = 0x10a;
inline constexpr uint16_t sscratch = 0x140, sepc = 0x141, scause = 0x142, stval = 0x143, sip = 0x144;
inline constexpr uint16_t stimecmp = 0x14d, satp = 0x180;
inline constexpr uint16_t mvendorid = 0xf11, marchid = 0xf12, mimpid = 0xf13, mhartid = 0xf14, mconfigptr = 0xf15;
inline constexpr uint16_t mstatus = 0x300, misa = 0x301, medeleg = 0x302, mideleg = 0x303, mie = 0x304;
inline constexpr uint16_t mtvec = 0x305, mcounteren = 0x306, menvcfg = 0x30a, mcountinhibit = 0x320;
inline constexpr uint16_t mhpmevent3 = 0x323, mhpmevent31 = 0x33f;
inline constexpr uint16_t mscratch = 0x340, mepc = 0x341, mcause = 0x342, mtval = 0x343, mip = 0x344;
inline constexpr uint16_t pmpcfg0 = 0x3a0, pmpcfg15 = 0x3af, pmpaddr0 = 0x3b0, pmpaddr63 = 0x3ef;
inline constexpr uint16_t mseccfg = 0x747;
inline constexpr uint16_t tselect = 0x7a0, tdata1 = 0x7a1, tdata2 = 0x7a2, tdata3 = 0x7a3, tinfo = 0x7a4;
inline constexpr uint16_t mcontext = 0x7a8;
inline constexpr uint16_t mcycle = 0xb00, minstret = 0xb02, mhpmcounter3 = 0xb03, mhpmcounter31 = 0xb1f;
} // namespace csr

namespace ms {
inline constexpr uint64_t SIE = 1ull << 1, MIE = 1ull << 3, SPIE = 1ull << 5, MPIE = 1ull << 7;
inline constexpr uint64_t SPP = 1ull << 8, MPP = 3ull << 11, MPP_SHIFT = 11, FS = 3ull << 13, FS_SHIFT = 13;
inline constexpr uint64_t MPRV = 1ull << 17, SUM = 1ull << 18, MXR = 1ull << 19;
inline constexpr uint64_t TVM = 1ull << 20, TW = 1ull << 21, TSR = 1ull << 22;
inline constexpr uint64_t UXL = 3ull << 32, SXL = 3ull << 34, SD = 1ull << 63;
inline constexpr uint64_t XL64 = (2ull << 32) | (2ull << 34);
inline constexpr uint64_t m_writable = SIE | MIE | SPIE | MPIE | SPP | MPP | FS | MPRV | SUM | MXR | TVM | TW | TSR;
inline constexpr uint64_t s_visible = SIE | SPIE | SPP | FS | SUM | MXR | UXL | SD;
inline constexpr uint64_t s_writable = SIE | SPIE | SPP | FS | SUM | MXR;
} // namespace ms

namespace cause {
inline constexpr uint64_t insn_misaligned = 0, insn_access = 1, illegal = 2, breakpoint = 3;
inline constexpr uint64_t load_misaligned = 4, load_access = 5, store_misaligned = 6, store_access = 7;
inline constexpr uint64_t ecall_u = 8, ecall_s = 9, ecall_m = 11;
inline constexpr uint64_t insn_page = 12, load_page = 13, store_page = 15;
inline constexpr uint64_t interrupt = 1ull << 63;
} // namespace cause

} // namespace xenith::riscv
