// Aclint: msip and mtimecmp registers forwarded to the harts; mtime from the shared timebase.
#include "engine/dev/aclint.h"

#include <limits>

#include "engine/dev/fdt_writer.h"
#include "engine/riscv/hart.h"
#include "engine/riscv/timebase.h"

namespace xenith {

Aclint::Aclint(uint64_t base, std::span<InterruptTarget* const> harts)
    : m_base(base)
    , m_hart_count(unsigned(harts.size()))
    , m_harts(std::make_unique<InterruptTarget*[]>(harts.size()))
    , m_msip(std::make_unique<std::atomic<uint32_t>[]>(harts.size()))
    , m_mtimecmp(std::make_unique<std::atomic<uint64_t>[]>(harts.size()))
{
    for (unsigned i = 0; i < m_hart_count; ++i) {
        m_harts[i] = harts[i];
        m_msip[i] = 0;
        // No timer interrupt until software programs one.
        m_mtimecmp[i] = std::numeric_limits<uint64_t>::max();
        m_harts[i]->set_mtimecmp(m_mtimecmp[i]);
    }
}

uint64_t Aclint::read64(uint64_t offset) const
{
    if (offset >= mtime_offset && offset < mtime_offset + 8)
        return riscv::mtime_now();
    if (offset >= mtimecmp_offset && offset < mtimecmp_offset + 8ull * m_hart_count)
        return m_mtimecmp[(offset - mtimecmp_offset) / 8];
    return 0;
}

uint64_t Aclint::read(uint64_t offset, unsigned size)
{
    if (offset < msip_offset + 4ull * m_hart_count) {
        if (size != 4 || offset % 4 != 0)
            return 0;
        return m_msip[offset / 4];
    }
    // mtimecmp and mtime: 64-bit registers, readable whole or as 32-bit halves.
    uint64_t aligned = offset & ~7ull;
    uint64_t value = read64(aligned);
    unsigned shift = unsigned(offset - aligned) * 8;
    value >>= shift;
    if (size < 8)
        value &= (1ull << (size * 8)) - 1;
    return value;
}

void Aclint::write(uint64_t offset, uint64_t value, unsigned size)
{
    if (offset < msip_offset + 4ull * m_hart_count) {
        if (size != 4 || offset % 4 != 0)
            return;
        unsigned hart = unsigned(offset / 4);
        uint32_t bit = uint32_t(value & 1);
        // The register and mip.MSIP change together: two harts racing set/clear must not
        // leave them disagreeing (a lost IPI).
        std::lock_guard guard(m_msip_lock);
        m_msip[hart] = bit;
        m_harts[hart]->set_interrupt_pending(riscv::irq::MSIP, bit != 0);
        return;
    }
    if (offset >= mtimecmp_offset && offset < mtimecmp_offset + 8ull * m_hart_count) {
        unsigned hart = unsigned((offset - mtimecmp_offset) / 8);
        uint64_t aligned = mtimecmp_offset + 8ull * hart;
        unsigned shift = unsigned(offset - aligned) * 8;
        if (size == 8 && shift != 0)
            return;
        uint64_t mask = size == 8 ? ~0ull : ((1ull << (size * 8)) - 1) << shift;
        // One writer per hart in practice (its own M-mode code); the CAS keeps half-word
        // writes from different threads from losing each other anyway.
        uint64_t old = m_mtimecmp[hart].load();
        uint64_t next;
        do {
            next = (old & ~mask) | ((value << shift) & mask);
        } while (!m_mtimecmp[hart].compare_exchange_weak(old, next));
        m_harts[hart]->set_mtimecmp(next);
    }
    // mtime is read-only here (see the header); everything else is reserved.
}

void Aclint::write_fdt(FdtWriter& fdt) const
{
    fdt.begin_node(fmt::format("clint@{:x}", m_base));
    fdt.property_strings("compatible", { "sifive,clint0", "riscv,clint0" });
    fdt.property_reg(m_base, window_size);
    std::vector<uint32_t> cells;
    for (unsigned i = 0; i < m_hart_count; ++i) {
        // M-mode software (3) and timer (7) interrupts of each hart's local controller.
        cells.insert(cells.end(), { phandle::cpu_intc_base + i, 3, phandle::cpu_intc_base + i, 7 });
    }
    fdt.property_cells("interrupts-extended", cells);
    fdt.end_node();
}

} // namespace xenith
