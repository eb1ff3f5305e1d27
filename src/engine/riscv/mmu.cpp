// MMU: Sv39/Sv48 page walks with hardware A/D updates, the software TLB, and the memory slow paths.
#include <atomic>

#include "engine/riscv/core.h"

namespace xenith::riscv {

namespace pte {
inline constexpr uint64_t V = 1, R = 2, W = 4, X = 8, U = 16, G = 32, A = 64, D = 128;
inline constexpr uint64_t ppn_mask = (1ull << 44) - 1;
} // namespace pte

namespace {

uint64_t page_fault_cause(Access a)
{
    return a == Access::Fetch ? cause::insn_page : a == Access::Write ? cause::store_page : cause::load_page;
}

uint64_t access_fault_cause(Access a)
{
    return a == Access::Fetch ? cause::insn_access : a == Access::Write ? cause::store_access : cause::load_access;
}

} // namespace

Priv Core::data_priv() const
{
    if ((m_mstatus & ms::MPRV) && priv == Priv::M)
        return Priv((m_mstatus & ms::MPP) >> ms::MPP_SHIFT);
    return priv;
}

// Picks the TLB sets for the current privilege, MPRV and SUM; switching sets replaces flushing.
void Core::update_tlb_sets()
{
    auto set_of = [](Priv p) { return p == Priv::U ? 0 : p == Priv::S ? 1 : 3; };
    Priv dp = data_priv();
    unsigned dset = set_of(dp);
    if (dp == Priv::S && (m_mstatus & ms::SUM))
        dset = 2;
    m_rtlb = m_tlb_read[dset];
    m_wtlb = m_tlb_write[dset];
    m_fetch_set = set_of(priv);
    m_xtlb = m_tlb_fetch[m_fetch_set];
    m_fetch_gen = m_fetch_gens[m_fetch_set]; // entries filled at another privilege do not match
}

void Core::renew_fetch_gens()
{
    for (uint64_t& g : m_fetch_gens)
        g = m_fetch_gen_next++;
    m_fetch_gen = m_fetch_gens[m_fetch_set];
}

void Core::flush_tlb()
{
    renew_fetch_gens();
    std::memset(m_tlb_read, 0xff, sizeof(m_tlb_read));
    std::memset(m_tlb_write, 0xff, sizeof(m_tlb_write));
    std::memset(m_tlb_fetch, 0xff, sizeof(m_tlb_fetch));
}

void Core::flush_write_tlb() { std::memset(m_tlb_write, 0xff, sizeof(m_tlb_write)); }

void Core::flush_tlb_page(uint64_t va)
{
    renew_fetch_gens();
    uint64_t tag = va & ~0xfffull;
    unsigned index = (va >> 12) & tlb_mask;
    for (unsigned s = 0; s < 4; ++s) {
        for (unsigned way = 0; way < tlb_data_ways; ++way) {
            for (auto* t : { m_tlb_read[s], m_tlb_write[s] }) {
                if (t[index + way * tlb_entries].tag == tag)
                    t[index + way * tlb_entries].tag = ~0ull;
            }
        }
        if (m_tlb_fetch[s][index].tag == tag)
            m_tlb_fetch[s][index].tag = ~0ull;
    }
}

bool Core::translate(uint64_t va, Access access, Priv p, uint64_t& pa)
{
    unsigned mode = unsigned(m_satp >> 60);
    if (p == Priv::M || mode == 0) {
        pa = va;
        return true;
    }
    int levels = mode == 8 ? 3 : 4;
    unsigned va_bits = 12 + 9 * levels;
    if (uint64_t(int64_t(va << (64 - va_bits)) >> (64 - va_bits)) != va) {
        raise(page_fault_cause(access), va);
        return false;
    }
    uint64_t table = (m_satp & pte::ppn_mask) << 12;
    for (int level = levels - 1; level >= 0; --level) {
        uint64_t pte_addr = table + ((va >> (12 + 9 * level)) & 0x1ff) * 8;
        uint8_t* host = m_mem->host_ptr(pte_addr, 8);
        if (!host) {
            raise(access_fault_cause(access), va);
            return false;
        }
        std::atomic_ref<uint64_t> ref(*reinterpret_cast<uint64_t*>(host));
        uint64_t e = ref.load(std::memory_order_acquire);
        for (;;) {
            if (!(e & pte::V) || (!(e & pte::R) && (e & pte::W)) || (e >> 54) != 0) {
                raise(page_fault_cause(access), va);
                return false;
            }
            if (!(e & (pte::R | pte::X))) {
                if (level == 0) {
                    raise(page_fault_cause(access), va);
                    return false;
                }
                break; // pointer to the next level
            }
            // Leaf: permissions.
            bool ok;
            if (p == Priv::U)
                ok = e & pte::U;
            else
                ok = !(e & pte::U) || (access != Access::Fetch && (m_mstatus & ms::SUM));
            if (ok) {
                if (access == Access::Fetch)
                    ok = e & pte::X;
                else if (access == Access::Write)
                    ok = e & pte::W;
                else
                    ok = (e & pte::R) || ((m_mstatus & ms::MXR) && (e & pte::X));
            }
            uint64_t ppn = (e >> 10) & pte::ppn_mask;
            if (level > 0 && (ppn & ((1ull << (9 * level)) - 1)))
                ok = false; // misaligned superpage
            if (!ok) {
                raise(page_fault_cause(access), va);
                return false;
            }
            uint64_t need = pte::A | (access == Access::Write ? pte::D : 0);
            if ((e & need) != need) {
                if (!ref.compare_exchange_strong(e, e | need, std::memory_order_acq_rel))
                    continue; // someone changed the PTE: check it again
                if (m_mem->is_code_page(pte_addr))
                    m_mem->note_write(pte_addr, 8);
            }
            uint64_t offset_mask = (1ull << (12 + 9 * level)) - 1;
            pa = ((ppn << 12) & ~offset_mask) | (va & offset_mask);
            return true;
        }
        table = ((e >> 10) & pte::ppn_mask) << 12;
    }
    raise(page_fault_cause(access), va);
    return false;
}

bool Core::load_slow(uint64_t va, unsigned size, uint64_t& out)
{
    if ((va & 0xfff) + size > 0x1000) {
        // Misaligned across a page: byte by byte, so each page is translated and checked.
        uint64_t v = 0;
        for (unsigned k = 0; k < size; ++k) {
            uint64_t b;
            if (!load_slow(va + k, 1, b))
                return false;
            v |= b << (8 * k);
        }
        out = v;
        return true;
    }
    uint64_t pa;
    if (!translate(va, Access::Read, data_priv(), pa))
        return false;
    if (uint8_t* host = m_mem->host_ptr(pa, size)) {
        data_tlb_fill(m_rtlb, va, host);
        uint64_t v = 0;
        std::memcpy(&v, host, size);
        out = v;
        return true;
    }
    if (auto const* m = m_bus->find(pa, size)) {
        out = m->device->read(pa - m->base, size);
        return true;
    }
    raise(cause::load_access, va);
    return false;
}

bool Core::store_slow(uint64_t va, unsigned size, uint64_t value)
{
    if ((va & 0xfff) + size > 0x1000) {
        // Translate both pages before writing anything, so a fault leaves memory untouched.
        unsigned first = unsigned(0x1000 - (va & 0xfff));
        uint64_t pa0, pa1;
        if (!translate(va, Access::Write, data_priv(), pa0))
            return false;
        if (!translate(va + first, Access::Write, data_priv(), pa1))
            return false;
        uint8_t* h0 = m_mem->host_ptr(pa0, first);
        uint8_t* h1 = m_mem->host_ptr(pa1, size - first);
        if (!h0 || !h1) {
            raise(cause::store_access, h0 ? va + first : va);
            return false;
        }
        uint8_t bytes[8];
        std::memcpy(bytes, &value, 8);
        std::memcpy(h0, bytes, first);
        std::memcpy(h1, bytes + first, size - first);
        m_mem->note_write(pa0, first);
        m_mem->note_write(pa1, size - first);
        m_code_written = true; // may have written code: see Core::m_code_written
        return true;
    }
    uint64_t pa;
    if (!translate(va, Access::Write, data_priv(), pa))
        return false;
    if (uint8_t* host = m_mem->host_ptr(pa, size)) {
        if (m_mem->is_code_page(pa)) {
            std::memcpy(host, &value, size);
            m_mem->note_write(pa, size);
            m_code_written = true; // back to the run loop, which sees the new code generation
            return true;
        }
        data_tlb_fill(m_wtlb, va, host);
        std::memcpy(host, &value, size);
        return true;
    }
    if (auto const* m = m_bus->find(pa, size)) {
        m->device->write(pa - m->base, value, size);
        return true;
    }
    raise(cause::store_access, va);
    return false;
}

uint8_t* Core::atomic_ptr(uint64_t va, unsigned size, Access access)
{
    if (va & (size - 1)) {
        raise(access == Access::Read ? cause::load_misaligned : cause::store_misaligned, va);
        return nullptr;
    }
    TlbEntry* tlb = access == Access::Read ? m_rtlb : m_wtlb;
    if (TlbEntry const* e = data_tlb_hit(tlb, va, va & ~0xfffull))
        return reinterpret_cast<uint8_t*>(va + e->addend);
    uint64_t pa;
    if (!translate(va, access, data_priv(), pa))
        return nullptr;
    uint8_t* host = m_mem->host_ptr(pa, size);
    if (!host) {
        raise(access == Access::Read ? cause::load_access : cause::store_access, va);
        return nullptr;
    }
    if (access == Access::Write && m_mem->is_code_page(pa)) {
        m_mem->note_write(pa, size);
        m_code_written = true;
        return host;
    }
    data_tlb_fill(tlb, va, host);
    return host;
}

} // namespace xenith::riscv
