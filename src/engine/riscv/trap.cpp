// Traps: exception and interrupt entry with delegation, xRET, timers, and WFI's blocking wait.
#include <climits>
#include <limits>
#include <cstdio>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"
#include "engine/riscv/core.h"
#include "engine/riscv/timebase.h"

namespace xenith::riscv {

void Core::take_trap(uint64_t cause_value, uint64_t tval, uint64_t epc)
{
    bool is_interrupt = cause_value & cause::interrupt;
    uint64_t code = cause_value & ~cause::interrupt;
    uint64_t deleg = is_interrupt ? m_mideleg : m_medeleg;
    m_resv_valid = false;
    if (m_trace)
        std::fprintf(stderr, "trap: cause %#llx tval %#llx epc %#llx priv %d\n", (unsigned long long)cause_value,
            (unsigned long long)tval, (unsigned long long)epc, int(priv));

    if (priv != Priv::M && code < 64 && ((deleg >> code) & 1)) {
        m_scause = cause_value;
        m_sepc = epc;
        m_stval = tval;
        uint64_t s = m_mstatus;
        s = (s & ~ms::SPIE) | ((s & ms::SIE) ? ms::SPIE : 0);
        s &= ~ms::SIE;
        s = (s & ~ms::SPP) | (priv == Priv::S ? ms::SPP : 0);
        m_mstatus = s;
        priv = Priv::S;
        uint64_t base = m_stvec & ~3ull;
        pc = ((m_stvec & 1) && is_interrupt) ? base + 4 * code : base;
    } else {
        if (m_sbi) {
            // A PV domain has no M-mode software: a trap to M is a guest or hypervisor bug.
            m_mcause = cause_value;
            m_mepc = epc;
            m_mtval = tval;
            dump_state("trap to M-mode in a PV domain");
            m_exit = VcpuExit { VcpuExit::Reason::Shutdown, 1ull << 32 };
            pc = epc;
            m_local_check = true;
            return;
        }
        m_mcause = cause_value;
        m_mepc = epc;
        m_mtval = tval;
        uint64_t s = m_mstatus;
        s = (s & ~ms::MPIE) | ((s & ms::MIE) ? ms::MPIE : 0);
        s &= ~ms::MIE;
        s = (s & ~ms::MPP) | (uint64_t(priv) << ms::MPP_SHIFT);
        m_mstatus = s;
        priv = Priv::M;
        uint64_t base = m_mtvec & ~3ull;
        pc = ((m_mtvec & 1) && is_interrupt) ? base + 4 * code : base;
    }
    update_tlb_sets();
    m_local_check = true;
}

uint64_t Core::read_mip() const
{
    uint64_t v = m_mip.load(std::memory_order_relaxed) | m_timer_mip;
    if (m_menvcfg >> 63)
        v = (v & ~irq::STIP) | (m_timer_mip & irq::STIP);
    if (m_seip_sw)
        v |= irq::SEIP;
    return v;
}

void Core::update_timers(uint64_t now)
{
    uint64_t bits = 0;
    if (now >= mtimecmp_value.load(std::memory_order_relaxed))
        bits |= irq::MTIP;
    if ((m_menvcfg >> 63) && now >= stimecmp_value.load(std::memory_order_relaxed))
        bits |= irq::STIP;
    m_timer_mip = bits;
}

// The earliest timer deadline after `now`; ~0 if none. A deadline already passed has set its
// mip bit in update_timers(), so it cannot wake a WFI that is still waiting (its interrupt is
// disabled): waiting for it would spin.
uint64_t Core::next_deadline(uint64_t now) const
{
    uint64_t d = ~0ull;
    if (uint64_t m = mtimecmp_value.load(std::memory_order_relaxed); m > now)
        d = m;
    if (uint64_t s = stimecmp_value.load(std::memory_order_relaxed); (m_menvcfg >> 63) && s > now)
        d = std::min(d, s);
    return d;
}

// Takes the highest-priority enabled interrupt, if any (priority: MEI, MSI, MTI, SEI, SSI, STI).
bool Core::check_interrupts()
{
    uint64_t pending = read_mip() & m_mie;
    if (!pending)
        return false;
    uint64_t m_level = pending & ~m_mideleg;
    uint64_t s_level = pending & m_mideleg;
    bool m_enabled = priv != Priv::M || (m_mstatus & ms::MIE);
    bool s_enabled = priv == Priv::U || (priv == Priv::S && (m_mstatus & ms::SIE));
    uint64_t take = m_enabled && m_level ? m_level : (s_enabled ? s_level : 0);
    if (!take)
        return false;
    static constexpr unsigned order[] = { 11, 3, 7, 9, 1, 5 };
    for (unsigned code : order) {
        if (take & (1ull << code)) {
            take_trap(cause::interrupt | code, 0, pc);
            return true;
        }
    }
    return false;
}

void Core::do_mret()
{
    uint64_t s = m_mstatus;
    Priv target = Priv((s & ms::MPP) >> ms::MPP_SHIFT);
    s = (s & ~ms::MIE) | ((s & ms::MPIE) ? ms::MIE : 0);
    s |= ms::MPIE;
    s &= ~ms::MPP; // U
    if (target != Priv::M)
        s &= ~ms::MPRV;
    m_mstatus = s;
    priv = target;
    pc = m_mepc;
    m_resv_valid = false;
    update_tlb_sets();
    m_local_check = true;
}

void Core::do_sret()
{
    uint64_t s = m_mstatus;
    Priv target = (s & ms::SPP) ? Priv::S : Priv::U;
    s = (s & ~ms::SIE) | ((s & ms::SPIE) ? ms::SIE : 0);
    s |= ms::SPIE;
    s &= ~ms::SPP;
    s &= ~ms::MPRV;
    m_mstatus = s;
    priv = target;
    pc = m_sepc;
    m_resv_valid = false;
    update_tlb_sets();
    m_local_check = true;
}

// Blocks the host thread until an interrupt is pending (regardless of the global enables, as
// the spec says for WFI), a timer deadline passes, or another thread asks for attention.
// Without an armed timer the sleep has no timeout: every input that can make an interrupt
// pending (request(), set_interrupt_pending, set_*timecmp) changes m_pending and wakes the
// futex, so an idle guest costs no host wake-ups of our own.
void Core::wait_for_interrupt()
{
    publish_instret();
    for (;;) {
        uint64_t now = mtime_now();
        update_timers(now);
        if (read_mip() & m_mie)
            break;
        uint32_t p = m_pending.load(std::memory_order_acquire);
        if (p & ~(req_irq | req_timer))
            break; // exit or flush requests: service() handles them; WFI may return early
        if (p) {
            m_pending.fetch_and(~(req_irq | req_timer), std::memory_order_acq_rel);
            continue;
        }
        uint64_t deadline = next_deadline(now);
        note_idle(now, deadline - now);
        if (m_trim_due)
            break; // WFI may return early: service() drops the blocks now, not after the sleep
        // An absolute CLOCK_MONOTONIC deadline (FUTEX_WAIT_BITSET's clock), in mtime's own
        // units: no drift from recomputing a relative timeout, no rounding to a coarser cap.
        timespec abs { time_t(deadline / timebase_hz), long(deadline % timebase_hz) * long(1'000'000'000 / timebase_hz) };
        bool const forever = deadline == ~0ull || deadline / timebase_hz > uint64_t(std::numeric_limits<time_t>::max() / 2);
        m_sleeping.store(1, std::memory_order_seq_cst);
        if (m_pending.load(std::memory_order_seq_cst) == 0)
            syscall(SYS_futex, reinterpret_cast<uint32_t*>(&m_pending), FUTEX_WAIT_BITSET_PRIVATE, 0,
                forever ? nullptr : &abs, nullptr, FUTEX_BITSET_MATCH_ANY);
        m_sleeping.store(0, std::memory_order_relaxed);
        note_woken();
    }
    m_local_check = true;
}

void Core::request(uint32_t bits)
{
    m_pending.fetch_or(bits, std::memory_order_seq_cst);
    if (m_sleeping.load(std::memory_order_seq_cst))
        syscall(SYS_futex, reinterpret_cast<uint32_t*>(&m_pending), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
}

void Core::set_interrupt_pending(uint64_t bits, bool level)
{
    if (level) {
        m_mip.fetch_or(bits, std::memory_order_acq_rel);
        request(req_irq);
    } else {
        m_mip.fetch_and(~bits, std::memory_order_acq_rel);
    }
}

void Core::set_mtimecmp(uint64_t value)
{
    mtimecmp_value.store(value, std::memory_order_relaxed);
    request(req_timer);
}

void Core::set_stimecmp(uint64_t value)
{
    stimecmp_value.store(value, std::memory_order_relaxed);
    request(req_timer);
}

void Core::dump_state(char const* why) const
{
    static char const* const names[] = { "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
        "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
        "t3", "t4", "t5", "t6" };
    std::string out = fmt::format("hart {}: {}\n  pc {:#018x} priv {} instret {}\n", hart_id, why, pc, int(priv), instret);
    for (unsigned r = 0; r < 32; ++r)
        out += fmt::format("  {:>4} {:#018x}{}", names[r], x[r], r % 4 == 3 ? "\n" : "");
    out += fmt::format("  mstatus {:#x} mcause {:#x} mepc {:#x} mtval {:#x} mtvec {:#x}\n", m_mstatus, m_mcause,
        m_mepc, m_mtval, m_mtvec);
    out += fmt::format("  scause {:#x} sepc {:#x} stval {:#x} stvec {:#x} satp {:#x}\n", m_scause, m_sepc, m_stval,
        m_stvec, m_satp);
    log::error("{}", out);
}

} // namespace xenith::riscv
