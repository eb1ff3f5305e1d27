// Block cache: decoded blocks keyed by guest-physical address, built into an arena, flushed whole.
#include <cstddef>
#include <cstdio>

#include "engine/riscv/core.h"

namespace xenith::riscv {

namespace {

constexpr size_t block_bytes(unsigned insns) { return (offsetof(Block, insns) + insns * sizeof(Insn) + 15) & ~size_t(15); }

} // namespace

void Core::flush_blocks()
{
    m_code_generation_seen = m_mem->code_generation();
    ++m_cache_generation;
    ++m_code_epoch;
    m_arena_used = 0;
}

// fence.i, remote fence.i and writes to code pages: rather than decoding everything again, each
// block is compared with guest memory before its next use (Linux issues fence.i on every
// executable mapping, so this is frequent in user space).
void Core::invalidate_code()
{
    m_code_generation_seen = m_mem->code_generation();
    ++m_code_epoch;
}

bool Core::revalidate(Block* b)
{
    uint64_t page = b->phys & ~0xfffull;
    uint8_t const* host = m_mem->host_ptr(page, 0x1000);
    if (!host)
        return false;
    if (!m_mem->is_code_page(page)) {
        m_mem->mark_code_page(page); // before comparing, as in build_block
        flush_write_tlb();
    }
    unsigned start = unsigned(b->phys & 0xfff);
    for (unsigned k = 0; k < b->count; ++k) {
        Insn const& insn = b->insns[k];
        uint32_t raw = 0;
        std::memcpy(&raw, host + start + insn.off, insn.len);
        if (raw != insn.raw)
            return false;
    }
    b->epoch = m_code_epoch;
    return true;
}

Block* Core::build_block(uint64_t pa, uint8_t const* host)
{
    if (m_arena_used + block_bytes(max_block_insns + 1) > arena_size)
        return nullptr;
    // Mark before reading, so a write racing with the decode bumps the generation after it.
    if (!m_mem->is_code_page(pa)) {
        m_mem->mark_code_page(pa);
        flush_write_tlb(); // stores to this page must now take the slow path
    }
    auto* b = reinterpret_cast<Block*>(m_arena.get() + m_arena_used);
    unsigned const start = unsigned(pa & 0xfff);
    unsigned off = start;
    unsigned n = 0;
    while (n < max_block_insns && off < 0x1000) {
        uint16_t lo;
        std::memcpy(&lo, host + (off - start), 2);
        uint32_t raw = lo;
        if ((lo & 3) == 3) {
            if (off + 4 > 0x1000)
                break; // crosses into the next page: a one-off block handles it
            uint16_t hi;
            std::memcpy(&hi, host + (off - start) + 2, 2);
            raw |= uint32_t(hi) << 16;
        }
        Insn insn = decode(raw);
        insn.off = uint16_t(off - start);
        b->insns[n++] = insn;
        off += insn.len;
        if (ends_block(insn.op))
            break;
    }
    if (n == 0)
        return nullptr;
    for (unsigned k = 0; k + 1 < n;) {
        Op fused = fuse(b->insns[k], b->insns[k + 1]);
        if (fused == b->insns[k].op) {
            ++k;
            continue;
        }
        b->insns[k].op = fused;
        k += 2;
    }
    Insn end;
    end.op = Op::BlockEnd;
    end.off = uint16_t(off - start);
    b->insns[n] = end;
    b->phys = pa;
    b->link[0] = b->link[1] = nullptr;
    b->far[0] = b->far[1] = nullptr;
    b->count = n;
    b->cacheable = true;
    b->epoch = m_code_epoch;
    m_arena_used += block_bytes(n + 1);
    return b;
}

Block* Core::block_at_phys(uint64_t pa)
{
    Slot& slot = m_slots[((pa >> 1) ^ (pa >> (block_slots_bits + 1))) & ((1u << block_slots_bits) - 1)];
    if (XENITH_LIKELY(slot.phys == pa && slot.generation == m_cache_generation)) {
        if (XENITH_LIKELY(slot.block->epoch == m_code_epoch) || revalidate(slot.block))
            return slot.block;
    }
    uint8_t* host = m_mem->host_ptr(pa, 2);
    if (!host)
        return nullptr;
    Block* b = build_block(pa, host);
    if (b)
        slot = Slot { pa, m_cache_generation, b };
    return b;
}

// A block of one instruction, not cached: fetched from a device (the reset ROM) or straddling
// two pages. Faults on either half are raised against the half that faulted.
Block* Core::build_oneoff(uint64_t vpc)
{
    auto fetch16 = [&](uint64_t va, uint16_t& out) {
        uint64_t pa;
        if (!translate(va, Access::Fetch, priv, pa))
            return false;
        if (uint8_t* h = m_mem->host_ptr(pa, 2)) {
            std::memcpy(&out, h, 2);
            return true;
        }
        if (auto const* m = m_bus->find(pa, 2)) {
            out = uint16_t(m->device->read(pa - m->base, 2));
            return true;
        }
        raise(cause::insn_access, va);
        return false;
    };
    uint16_t lo, hi = 0;
    if (!fetch16(vpc, lo) || ((lo & 3) == 3 && !fetch16(vpc + 2, hi))) {
        take_exception(vpc);
        return nullptr;
    }
    auto* b = reinterpret_cast<Block*>(m_oneoff);
    Insn insn = decode(uint32_t(lo) | (uint32_t(hi) << 16));
    insn.off = 0;
    b->insns[0] = insn;
    Insn end;
    end.op = Op::BlockEnd;
    end.off = insn.len;
    b->insns[1] = end;
    b->phys = 0;
    b->link[0] = b->link[1] = nullptr;
    b->far[0] = b->far[1] = nullptr;
    b->count = 1;
    b->cacheable = false;
    b->epoch = 0;
    return b;
}

Block* Core::lookup_block()
{
    uint64_t const vpc = pc;
    TlbEntry& e = m_xtlb[(vpc >> 12) & tlb_mask];
    uint8_t* host;
    if (XENITH_LIKELY(e.tag == (vpc & ~0xfffull))) {
        host = reinterpret_cast<uint8_t*>(vpc + e.addend);
    } else {
        uint64_t pa;
        if (!translate(vpc, Access::Fetch, priv, pa)) {
            take_exception(vpc);
            return nullptr;
        }
        host = m_mem->host_ptr(pa, 2);
        if (!host) {
            if (m_bus->find(pa, 2))
                return build_oneoff(vpc);
            raise(cause::insn_access, vpc);
            take_exception(vpc);
            return nullptr;
        }
        e.tag = vpc & ~0xfffull;
        e.addend = uint64_t(host - (pa & 0xfff)) - e.tag;
    }
    uint64_t pa = uint64_t(host - m_ram_host) + m_ram_base;
    Block* b = block_at_phys(pa);
    if (XENITH_UNLIKELY(!b)) {
        if (m_arena_used + block_bytes(max_block_insns + 1) > arena_size) {
            flush_blocks();
            b = block_at_phys(pa);
        }
        if (!b)
            return build_oneoff(vpc);
    }
    return b;
}

void Core::trace_block(Block const* b) const
{
    std::fprintf(stderr, "[hart %u] pc %#llx priv %d:", hart_id, (unsigned long long)pc, int(priv));
    for (unsigned k = 0; k < b->count; ++k)
        std::fprintf(stderr, " %0*x", b->insns[k].len * 2, b->insns[k].raw);
    std::fprintf(stderr, "\n");
}

} // namespace xenith::riscv
