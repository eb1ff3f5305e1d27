// Block cache: decoded blocks keyed by guest-physical address, built into an arena, flushed whole.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>
#include <sys/mman.h>

#include "base/log.h"
#include "engine/riscv/core.h"

namespace xenith::riscv {

namespace {

constexpr size_t block_bytes(unsigned insns) { return (offsetof(Block, insns) + insns * sizeof(Insn) + 15) & ~size_t(15); }

constexpr size_t page_bytes = 4096;

// About one slot per 128 bytes of arena (a typical block is 100-200 bytes), so the table is
// an eighth of the arena and mostly sparse; between 1 Ki and 128 Ki slots.
unsigned slot_bits_for(size_t arena_bytes)
{
    size_t want = std::bit_ceil(std::max<size_t>(arena_bytes / 128, 1));
    return std::clamp(unsigned(std::countr_zero(want)), 10u, 17u);
}

Mapping map_or_die(size_t bytes, char const* what)
{
    auto m = Mapping::anonymous(bytes);
    if (!m) {
        log::error("{}: {}", what, m.error().message());
        std::abort(); // as operator new would: a hart cannot run without its block cache
    }
    // Decoded blocks are derived data: leave them out of core dumps. This also keeps the
    // mapping from merging with an adjacent guest-RAM mapping, so smaps shows them apart.
    ::madvise(m->data(), m->size(), MADV_DONTDUMP);
    return std::move(*m);
}

} // namespace

Block Core::no_block {};

// A fresh block's fields besides its instructions: unlinked, not compiled, never entered.
void Core::init_block_header(Block* b, uint64_t phys, uint32_t count, bool cacheable, uint64_t epoch)
{
    b->phys = phys;
    b->link[0] = b->link[1] = &no_block;
    b->count = count;
    b->cacheable = cacheable;
    b->jit = nullptr;
    b->heat = 0;
    b->epoch = epoch;
#ifdef XENITH_BLOCK_PROFILE
    b->hits = 0;
#endif
}

// Both mappings are reserved lazily (no RSS until touched); a fresh mapping reads as zero,
// which is what an empty slot is.
void Core::init_block_cache(size_t arena_bytes)
{
    arena_bytes = std::max((arena_bytes + page_bytes - 1) & ~(page_bytes - 1), 4 * page_bytes);
    m_slot_bits = slot_bits_for(arena_bytes);
    m_slot_map = map_or_die(sizeof(Slot) << m_slot_bits, "block cache slot table");
    m_slots = reinterpret_cast<Slot*>(m_slot_map.data());
    m_arena = map_or_die(arena_bytes, "block cache arena");
    m_arena_used = 0;
    m_jump_cache_map = map_or_die(sizeof(JumpCacheEntry) << jump_cache_bits, "jump cache");
    m_jump_cache = reinterpret_cast<JumpCacheEntry*>(m_jump_cache_map.data());
}

// The whole cache goes at once (QEMU's tb_flush): no block may still be running, which holds
// because only the run loop's lookup and load_state() call this. The pages go back to the
// kernel, so code that ran once (boot, a finished program) stops costing host memory.
void Core::flush_blocks()
{
#ifdef XENITH_BLOCK_PROFILE
    profile_collect();
#endif
    m_code_generation_seen = m_mem->code_generation();
    ++m_code_epoch;
    renew_fetch_gens(); // the jump cache points into the arena, whose blocks are about to be reused
    m_trim_due = false;
    m_flush_due = false;
    if (m_arena_used != 0) {
        size_t used = (m_arena_used + page_bytes - 1) & ~(page_bytes - 1);
        if (!m_arena.discard(0, std::min(used, m_arena.size())))
            log::debug("block cache: could not release the arena's pages");
    }
    // Stale slots would point into reused arena memory: they must read as empty afterwards.
    if (!m_slot_map.discard(0, m_slot_map.size()))
        std::memset(m_slot_map.data(), 0, m_slot_map.size());
    m_arena_used = 0;
    // Its entries all point into the arena and are stale by now (renew_fetch_gens above).
    if (!m_jump_cache_map.discard(0, m_jump_cache_map.size()))
        log::debug("block cache: could not release the jump cache's pages");
    m_jit.flush(); // compiled code belongs to the blocks just dropped
}

// Called by WFI before it sleeps; once the hart has been idle for a while (idle_trim.h), WFI
// returns at once and service() drops the blocks.
void Core::note_idle(uint64_t now, uint64_t sleep_ticks)
{
    if (m_idle_trim.should_trim(now, sleep_ticks, m_arena_used))
        m_trim_due = true;
}

CodeCacheStats Core::code_cache_stats() const
{
    return { m_arena.size(), m_arena_used, 1u << m_slot_bits, m_flushes, m_idle_trims, m_jit.used(), m_jit_blocks, m_jit_chained, m_data_tlb_refills };
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
    if (m_arena_used + block_bytes(max_block_insns + 1) > m_arena.size())
        return nullptr;
    // Mark before reading, so a write racing with the decode bumps the generation after it.
    if (!m_mem->is_code_page(pa)) {
        m_mem->mark_code_page(pa);
        flush_write_tlb(); // stores to this page must now take the slow path
    }
    auto* b = reinterpret_cast<Block*>(m_arena.data() + m_arena_used);
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
    init_block_header(b, pa, n, true, m_code_epoch);
    m_arena_used += block_bytes(n + 1);
    return b;
}

Block* Core::block_at_phys(uint64_t pa)
{
    Slot& slot = m_slots[((pa >> 1) ^ (pa >> (m_slot_bits + 1))) & ((1u << m_slot_bits) - 1)];
    if (XENITH_LIKELY(slot.phys == pa && slot.block)) {
        if (XENITH_LIKELY(slot.block->epoch == m_code_epoch) || revalidate(slot.block))
            return slot.block;
    }
    uint8_t* host = m_mem->host_ptr(pa, 2);
    if (!host)
        return nullptr;
    Block* b = build_block(pa, host);
    if (b)
        slot = Slot { pa, b };
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
    init_block_header(b, 0, 1, false, 0);
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
        if (m_arena_used + block_bytes(max_block_insns + 1) > m_arena.size()) {
            ++m_flushes;
            log::debug("hart {}: block cache full ({} KiB), flush {}", hart_id, m_arena.size() >> 10, m_flushes);
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

#ifdef XENITH_BLOCK_PROFILE
// Profiling builds: executed blocks by guest-physical address and content, summed over flushes.
void Core::profile_collect()
{
    if (!m_profile)
        m_profile = std::make_unique<BlockProfile>();
    for (size_t at = 0; at < m_arena_used;) {
        auto const* b = reinterpret_cast<Block const*>(m_arena.data() + at);
        if (b->hits) {
            std::string words;
            for (unsigned k = 0; k < b->count; ++k)
                words += fmt::format(" {:0{}x}", b->insns[k].raw, b->insns[k].len * 2);
            m_profile->hits[{ b->phys, words }] += b->hits;
        }
        at += block_bytes(b->count + 1);
    }
}

// One line per block, hottest (by instructions run) first:
// "block-profile HART PHYS ENTRIES INSNS_RUN: WORDS".
void Core::profile_print() const
{
    if (!m_profile)
        return;
    std::vector<std::pair<uint64_t, decltype(m_profile->hits)::const_iterator>> order;
    uint64_t total = 0;
    for (auto it = m_profile->hits.begin(); it != m_profile->hits.end(); ++it) {
        uint64_t n = it->second * uint64_t(std::count(it->first.second.begin(), it->first.second.end(), ' '));
        order.emplace_back(n, it);
        total += n;
    }
    std::sort(order.begin(), order.end(), [](auto const& a, auto const& b) { return a.first > b.first; });
    std::fprintf(stderr, "block-profile %u total %llu instructions in %zu blocks\n", hart_id,
        (unsigned long long)total, order.size());
    std::fprintf(stderr, "block-profile %u chain() same-page %llu (indirect %llu) other-page %llu (indirect %llu)\n",
        hart_id, (unsigned long long)m_chain_stats[0], (unsigned long long)m_chain_stats[2],
        (unsigned long long)m_chain_stats[1], (unsigned long long)m_chain_stats[3]);
    for (size_t k = 0; k < order.size() && k < 3000; ++k) {
        auto const& [n, it] = order[k];
        std::fprintf(stderr, "block-profile %u %#llx %llu %llu:%s\n", hart_id, (unsigned long long)it->first.first,
            (unsigned long long)it->second, (unsigned long long)n, it->first.second.c_str());
    }
}
#endif

} // namespace xenith::riscv
