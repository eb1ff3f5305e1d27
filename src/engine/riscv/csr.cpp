// CSRs: reads and writes with the privileged spec's access rules and WARL legalization.
#include "engine/riscv/core.h"
#include "engine/riscv/timebase.h"

namespace xenith::riscv {

namespace {

constexpr uint64_t misa_value = (2ull << 62) | (1u << 0) | (1u << 2) | (1u << 3) | (1u << 5) | (1u << 8) | (1u << 12)
    | (1u << 18) | (1u << 20); // RV64 ACDFIMSU
constexpr uint64_t mie_mask = irq::SSIP | irq::MSIP | irq::STIP | irq::MTIP | irq::SEIP | irq::MEIP;
constexpr uint64_t s_irq_mask = irq::SSIP | irq::STIP | irq::SEIP;
constexpr uint64_t medeleg_mask = 0xb3ff; // causes 0-9, 12, 13, 15 (not ecall from M)
constexpr uint64_t menvcfg_mask = 1 | (1ull << 63); // FIOM, STCE
constexpr uint64_t satp_ppn_asid = (1ull << 60) - 1;

} // namespace

uint64_t Core::read_mstatus() const
{
    uint64_t v = m_mstatus | ms::XL64;
    if ((m_mstatus & ms::FS) == ms::FS)
        v |= ms::SD;
    return v;
}

void Core::write_mstatus(uint64_t value)
{
    uint64_t old = m_mstatus;
    uint64_t n = (old & ~ms::m_writable) | (value & ms::m_writable);
    if (((n & ms::MPP) >> ms::MPP_SHIFT) == 2)
        n = (n & ~ms::MPP) | (old & ms::MPP); // reserved MPP: keep the old value
    m_mstatus = n;
    if ((old ^ n) & ms::MXR)
        flush_tlb();
    update_tlb_sets();
    m_local_check = true;
}

bool Core::counter_allowed(unsigned bit) const
{
    if (priv == Priv::M)
        return true;
    if (!((m_mcounteren >> bit) & 1))
        return false;
    return priv == Priv::S || ((m_scounteren >> bit) & 1);
}

bool Core::csr_read(unsigned num, uint64_t& v)
{
    if (((num >> 8) & 3) > unsigned(priv))
        return false;
    switch (num) {
    case csr::fflags: if (fs_off()) return false; v = m_fflags; return true;
    case csr::frm: if (fs_off()) return false; v = m_frm; return true;
    case csr::fcsr: if (fs_off()) return false; v = (m_frm << 5) | m_fflags; return true;
    case csr::cycle: if (!counter_allowed(0)) return false; v = instret + m_cycle_offset; return true;
    case csr::time: if (!counter_allowed(1)) return false; v = mtime_now(); return true;
    case csr::instret: if (!counter_allowed(2)) return false; v = instret; return true;
    case csr::sstatus: v = read_mstatus() & ms::s_visible; return true;
    case csr::sie: v = m_mie & m_mideleg; return true;
    case csr::stvec: v = m_stvec; return true;
    case csr::scounteren: v = m_scounteren; return true;
    case csr::senvcfg: v = m_senvcfg; return true;
    case csr::sscratch: v = m_sscratch; return true;
    case csr::sepc: v = m_sepc; return true;
    case csr::scause: v = m_scause; return true;
    case csr::stval: v = m_stval; return true;
    case csr::sip:
        update_timers(mtime_now()); // the timer may have been reprogrammed earlier in this block
        v = read_mip() & m_mideleg;
        return true;
    case csr::stimecmp:
        if (priv == Priv::S && (!(m_mcounteren & 2) || !(m_menvcfg >> 63)))
            return false;
        v = stimecmp_value.load(std::memory_order_relaxed);
        return true;
    case csr::satp:
        if (priv == Priv::S && (m_mstatus & ms::TVM))
            return false;
        v = m_satp;
        return true;
    case csr::mvendorid: case csr::marchid: case csr::mimpid: case csr::mconfigptr: v = 0; return true;
    case csr::mhartid: v = hart_id; return true;
    case csr::mstatus: v = read_mstatus(); return true;
    case csr::misa: v = misa_value; return true;
    case csr::medeleg: v = m_medeleg; return true;
    case csr::mideleg: v = m_mideleg; return true;
    case csr::mie: v = m_mie; return true;
    case csr::mtvec: v = m_mtvec; return true;
    case csr::mcounteren: v = m_mcounteren; return true;
    case csr::menvcfg: v = m_menvcfg; return true;
    case csr::mscratch: v = m_mscratch; return true;
    case csr::mepc: v = m_mepc; return true;
    case csr::mcause: v = m_mcause; return true;
    case csr::mtval: v = m_mtval; return true;
    case csr::mip:
        update_timers(mtime_now());
        v = read_mip();
        return true;
    case csr::mcycle: v = instret + m_cycle_offset; return true;
    case csr::minstret: v = instret; return true;
    case csr::mcountinhibit:
    case csr::tselect: case csr::tdata1: case csr::tdata2: case csr::tdata3: case csr::tinfo:
        v = 0;
        return true;
    }
    if (num >= csr::hpmcounter3 && num <= csr::hpmcounter31) {
        if (!counter_allowed(num - csr::cycle))
            return false;
        v = 0;
        return true;
    }
    if ((num >= csr::mhpmcounter3 && num <= csr::mhpmcounter31) || (num >= csr::mhpmevent3 && num <= csr::mhpmevent31)) {
        v = 0;
        return true;
    }
    if (num >= csr::pmpcfg0 && num <= csr::pmpcfg15) {
        if (num & 1)
            return false; // RV64 has only the even pmpcfg registers
        unsigned first = (num - csr::pmpcfg0) * 4;
        v = 0;
        for (unsigned k = 0; k < 8; ++k)
            v |= uint64_t(m_pmpcfg[first + k]) << (8 * k);
        return true;
    }
    if (num >= csr::pmpaddr0 && num <= csr::pmpaddr63) {
        v = m_pmpaddr[num - csr::pmpaddr0];
        return true;
    }
    return false;
}

bool Core::csr_write(unsigned num, uint64_t v)
{
    if (((num >> 8) & 3) > unsigned(priv) || (num >> 10) == 3)
        return false;
    switch (num) {
    case csr::fflags: if (fs_off()) return false; m_fflags = v & 0x1f; fs_dirty(); return true;
    case csr::frm: if (fs_off()) return false; m_frm = v & 7; fs_dirty(); return true;
    case csr::fcsr:
        if (fs_off())
            return false;
        m_fflags = v & 0x1f;
        m_frm = (v >> 5) & 7;
        fs_dirty();
        return true;
    case csr::sstatus: write_mstatus((m_mstatus & ~ms::s_writable) | (v & ms::s_writable)); return true;
    case csr::sie:
        m_mie = (m_mie & ~(m_mideleg & s_irq_mask)) | (v & m_mideleg & s_irq_mask);
        m_local_check = true;
        return true;
    case csr::stvec: if ((v & 3) < 2) m_stvec = v; return true;
    case csr::scounteren: m_scounteren = uint32_t(v); return true;
    case csr::senvcfg: m_senvcfg = v & 1; return true;
    case csr::sscratch: m_sscratch = v; return true;
    case csr::sepc: m_sepc = v & ~1ull; return true;
    case csr::scause: m_scause = v; return true;
    case csr::stval: m_stval = v; return true;
    case csr::sip:
        if (m_mideleg & irq::SSIP) {
            if (v & irq::SSIP)
                m_mip.fetch_or(irq::SSIP);
            else
                m_mip.fetch_and(~irq::SSIP);
        }
        m_local_check = true;
        return true;
    case csr::stimecmp:
        if (priv == Priv::S && (!(m_mcounteren & 2) || !(m_menvcfg >> 63)))
            return false;
        stimecmp_value.store(v, std::memory_order_relaxed);
        m_local_check = true;
        return true;
    case csr::satp: {
        if (priv == Priv::S && (m_mstatus & ms::TVM))
            return false;
        uint64_t mode = v >> 60;
        if (mode != 0 && mode != 8 && mode != 9)
            return true; // WARL: unsupported modes (Sv57, ...) leave satp unchanged
        m_satp = (mode << 60) | (v & satp_ppn_asid);
        flush_tlb();
        return true;
    }
    case csr::mstatus: write_mstatus(v); return true;
    case csr::misa: return true;
    case csr::medeleg: m_medeleg = v & medeleg_mask; return true;
    case csr::mideleg: m_mideleg = v & s_irq_mask; m_local_check = true; return true;
    case csr::mie: m_mie = v & mie_mask; m_local_check = true; return true;
    case csr::mtvec: if ((v & 3) < 2) m_mtvec = v; return true;
    case csr::mcounteren: m_mcounteren = uint32_t(v); return true;
    case csr::menvcfg: m_menvcfg = v & menvcfg_mask; m_local_check = true; return true;
    case csr::mscratch: m_mscratch = v; return true;
    case csr::mepc: m_mepc = v & ~1ull; return true;
    case csr::mcause: m_mcause = v; return true;
    case csr::mtval: m_mtval = v; return true;
    case csr::mip: {
        uint64_t mask = irq::SSIP | ((m_menvcfg >> 63) ? 0 : irq::STIP);
        m_mip.fetch_and(~mask | (v & mask));
        m_mip.fetch_or(v & mask);
        m_seip_sw = v & irq::SEIP;
        m_local_check = true;
        return true;
    }
    case csr::mcycle: m_cycle_offset = v - instret; return true;
    case csr::minstret: instret = v; return true;
    case csr::mcountinhibit:
    case csr::tselect: case csr::tdata1: case csr::tdata2: case csr::tdata3: case csr::tinfo:
        return true;
    }
    if ((num >= csr::mhpmcounter3 && num <= csr::mhpmcounter31) || (num >= csr::mhpmevent3 && num <= csr::mhpmevent31))
        return true;
    if (num >= csr::pmpcfg0 && num <= csr::pmpcfg15) {
        if (num & 1)
            return false;
        unsigned first = (num - csr::pmpcfg0) * 4;
        for (unsigned k = 0; k < 8; ++k) {
            if (m_pmpcfg[first + k] & 0x80)
                continue; // locked entry
            uint8_t b = uint8_t(v >> (8 * k));
            if ((b & 3) == 2)
                b &= ~3; // W without R is reserved
            m_pmpcfg[first + k] = b & 0x9f;
        }
        return true;
    }
    if (num >= csr::pmpaddr0 && num <= csr::pmpaddr63) {
        unsigned index = num - csr::pmpaddr0;
        if (!(m_pmpcfg[index] & 0x80))
            m_pmpaddr[index] = v & ((1ull << 54) - 1);
        return true;
    }
    return false;
}

} // namespace xenith::riscv
