// Core: the hart's architectural state and the machinery that runs it (block cache, TLB, traps).
// Private to src/engine/riscv; the board and SBI see only Hart.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#ifdef XENITH_BLOCK_PROFILE
#include <map>
#include <string>
#endif

#include "base/mapping.h"
#include "engine/dev/bus.h"
#include "engine/mem/guest_memory.h"
#include "engine/riscv/csr_numbers.h"
#include "engine/riscv/hart.h"
#include "engine/riscv/idle_trim.h"
#include "engine/riscv/insn.h"
#include "engine/riscv/jit.h"

namespace xenith::riscv {

#define XENITH_LIKELY(x) __builtin_expect(!!(x), 1)
#define XENITH_UNLIKELY(x) __builtin_expect(!!(x), 0)

// A straight run of decoded instructions inside one guest-physical page, ended by a control
// transfer, a system instruction, a page boundary or a length cap; then a BlockEnd sentinel.
struct Block {
    uint64_t phys;  // guest-physical address of the first instruction
    // Chained successors (0: taken/indirect, 1: fall-through) in the same page; for the direct
    // targets (branches, jal, fall-through) a link needs no address check, since the target is
    // fixed. An empty link points at Core::no_block (never valid), so following a link needs no
    // null test. Successors in other pages and indirect targets are found through the hart's
    // jump cache (Core::m_jump_cache).
    Block* link[2];
    uint64_t epoch;  // valid while equal to Core's code epoch; else compared with memory again
    uint32_t count;  // instructions, sentinel excluded
    bool cacheable;  // false for one-off blocks (fetched from MMIO or across a page boundary)
    // Host code for the block's start once it has been entered jit_hot_entries times (jit.h);
    // heat counts the entries until then.
    JitCode jit;
    uint32_t heat;
#ifdef XENITH_BLOCK_PROFILE
    uint64_t hits; // times entered (profiling builds only, see CMake's XENITH_BLOCK_PROFILE)
#endif
    alignas(16) Insn insns[1]; // count + 1 entries
};

// The jump cache: successors by virtual address, for exits to another page and indirect jumps
// (returns to different callers). An entry holds while its generation is the hart's fetch
// generation (Core::m_fetch_gen): the generation of the current fetch TLB set (privilege), renewed
// whenever the fetch translation may have changed (TLB flushes: sfence.vma, satp writes, remote
// fences). Each set has its own, so a trap and its return (U, S, U) leave the user's entries valid.
// It was filled only after a fetch-TLB hit, which checked the translation and execute permission.
struct JumpCacheEntry {
    uint64_t vpc;
    Block* block;
    uint64_t gen;
};
// 4096 entries: with 1024, the returns of a busy program's calls (busybox ash's interpreter loop)
// evicted each other, and most jalr exits missed.
inline constexpr unsigned jump_cache_bits = 12;

struct TlbEntry {
    uint64_t tag;    // virtual page address; low bits never set, so ~0 is invalid
    uint64_t addend; // host address = virtual address + addend
};
static_assert(sizeof(TlbEntry) == 16); // the JIT indexes TLB sets by shifting
inline constexpr unsigned tlb_bits = 8;
inline constexpr unsigned tlb_entries = 1u << tlb_bits; // per set and way
// The read and write TLB sets are two-way: way 1 of index i is entry i + tlb_entries, and holds
// what way 0 held before the last fill there. With one way, two hot data pages 1 MiB apart (a
// program's arrays, wherever address-space randomisation put them) evicted each other on every
// access: a page walk each time, and gzip up to 1.5x slower in some runs than in others.
inline constexpr unsigned tlb_data_ways = 2;

enum class Access : uint8_t { Read, Write, Fetch };

class Core {
public:
    Core(HartConfig const& config, Hart& hart);
    ~Core();

    VcpuExit run();
    void reset(uint64_t pc);

    // Any-thread inputs.
    void request(uint32_t bits);
    void set_interrupt_pending(uint64_t bits, bool level);
    void set_mtimecmp(uint64_t value);
    void set_stimecmp(uint64_t value);

    std::vector<uint8_t> save_state() const;
    Status load_state(std::span<uint8_t const> state);
    CodeCacheStats code_cache_stats() const;
    // instret as last published for other threads (see Hart::retired_instructions).
    std::atomic<uint64_t> instret_published { 0 };
    void publish_instret() { instret_published.store(instret, std::memory_order_relaxed); }

    // Pending-request bits (m_pending).
    static constexpr uint32_t req_exit = 1, req_irq = 2, req_timer = 4, req_tlb = 8, req_fence_i = 16;

    // --- Architectural state (public inside the engine: Hart forwards to it).
    uint64_t x[33] {}; // x0..x31 plus the x0 write sink
    uint64_t f[32] {};
    uint64_t pc { 0 };
    Priv priv { Priv::M };
    uint64_t instret { 0 };
    std::atomic<uint64_t> mtimecmp_value { ~0ull };
    std::atomic<uint64_t> stimecmp_value { ~0ull };
    unsigned hart_id;

private:
    friend class Interpreter;

    // run loop pieces
    std::optional<VcpuExit> service();
    Block* lookup_block();
    Block* block_at_phys(uint64_t pa);
    Block* build_block(uint64_t pa, uint8_t const* host);
    Block* build_oneoff(uint64_t vpc);
    Block* chain(Block* b, unsigned slot, uint64_t bpc, uint64_t target);
    void flush_blocks();
    void invalidate_code();
    bool revalidate(Block* b);
    Block* execute(Block* b);
    void trace_block(Block const* b) const;

    // traps (trap.cpp)
    void raise(uint64_t cause, uint64_t tval) { m_exc_cause = cause; m_exc_tval = tval; }
    void take_trap(uint64_t cause, uint64_t tval, uint64_t epc);
    void take_exception(uint64_t epc) { take_trap(m_exc_cause, m_exc_tval, epc); }
    bool check_interrupts();
    void do_mret();
    void do_sret();
    void update_timers(uint64_t now);
    uint64_t read_mip() const;
    uint64_t next_deadline(uint64_t now) const;
    void wait_for_interrupt();
    void dump_state(char const* why) const;

    // CSRs (csr.cpp); false means illegal instruction.
    bool csr_read(unsigned num, uint64_t& value);
    bool csr_write(unsigned num, uint64_t value);
    bool counter_allowed(unsigned bit) const;
    uint64_t read_mstatus() const;
    void write_mstatus(uint64_t value);
    bool fs_off() const { return (m_mstatus & ms::FS) == 0; }
    void fs_dirty() { m_mstatus |= ms::FS; }

    // MMU (mmu.cpp)
    Priv data_priv() const;
    void update_tlb_sets();
    void flush_tlb();
    void flush_tlb_page(uint64_t va);
    void flush_write_tlb();
    // Translates va; on failure records the exception (raise) and returns false.
    bool translate(uint64_t va, Access access, Priv p, uint64_t& pa);
    bool load_slow(uint64_t va, unsigned size, uint64_t& out);
    bool store_slow(uint64_t va, unsigned size, uint64_t value);
    // Host pointer for an aligned atomic access of `size` bytes (LR/SC/AMO); nullptr after raise().
    uint8_t* atomic_ptr(uint64_t va, unsigned size, Access access);

    // The entry of a two-way data TLB set that maps tag (va's page, plus low bits that make a
    // misaligned va miss), or nullptr.
    static TlbEntry* data_tlb_hit(TlbEntry* set, uint64_t va, uint64_t tag)
    {
        TlbEntry* e = &set[(va >> 12) & tlb_mask];
        if (XENITH_LIKELY(e->tag == tag))
            return e;
        e += tlb_entries;
        return e->tag == tag ? e : nullptr;
    }
    // Puts the translation of va's page (va at host) in way 0 of a data TLB set, moving what was
    // there to way 1.
    void data_tlb_fill(TlbEntry* set, uint64_t va, uint8_t const* host)
    {
        ++m_data_tlb_refills;
        TlbEntry* e = &set[(va >> 12) & tlb_mask];
        e[tlb_entries] = *e;
        *e = TlbEntry { va & ~0xfffull, uint64_t(host) - va };
    }

    template<typename T>
    bool load(uint64_t va, T& out)
    {
        if (TlbEntry const* e = data_tlb_hit(m_rtlb, va, va & (~0xfffull | (sizeof(T) - 1)))) {
            std::memcpy(&out, reinterpret_cast<void const*>(va + e->addend), sizeof(T));
            return true;
        }
        uint64_t v;
        if (!load_slow(va, sizeof(T), v))
            return false;
        out = T(v);
        return true;
    }

    // The write-TLB hit path alone: false if the store must go through store_slow().
    template<typename T>
    bool store_fast(uint64_t va, T value)
    {
        if (TlbEntry const* e = data_tlb_hit(m_wtlb, va, va & (~0xfffull | (sizeof(T) - 1)))) {
            std::memcpy(reinterpret_cast<void*>(va + e->addend), &value, sizeof(T));
            return true;
        }
        return false;
    }

    template<typename T>
    bool store(uint64_t va, T value)
    {
        return store_fast<T>(va, value) || store_slow(va, sizeof(T), uint64_t(value));
    }

    static constexpr uint64_t tlb_mask = tlb_entries - 1;
    static constexpr unsigned max_block_insns = 64;
    // Blocks run between two service() calls (clock, timers, code writes by others); execute()
    // counts them in a register. Requests from other threads (m_pending) are still looked at
    // before every chained block: a remote fence.i or TLB flush must act before the next block.
    // 1024 blocks are a few microseconds of compiled code (a timer is late by that at most);
    // with 256, the service (clock read, timers, an atomic exchange) took ~5% of the ash loop.
    static constexpr int service_interval = 1024;
    // The target of every empty link: its epoch (0) never equals m_code_epoch (starts at 1).
    static Block no_block;
    static void init_block_header(Block* b, uint64_t phys, uint32_t count, bool cacheable, uint64_t epoch);

    Hart& m_hart;
    GuestMemory* m_mem;
    Bus* m_bus;
    SbiHandler* m_sbi;
    uint8_t* m_ram_host;
    uint64_t m_ram_base;
    uint64_t m_ram_size;
    bool m_trace { false };
    bool m_trace_pc { false };
    uint64_t m_trace_pc_next { 0 };

    // CSR state
    uint64_t m_mstatus { 0 };
    uint64_t m_mie { 0 };
    uint64_t m_medeleg { 0 }, m_mideleg { 0 };
    uint64_t m_mtvec { 0 }, m_stvec { 0 };
    uint64_t m_mepc { 0 }, m_sepc { 0 }, m_mcause { 0 }, m_scause { 0 }, m_mtval { 0 }, m_stval { 0 };
    uint64_t m_mscratch { 0 }, m_sscratch { 0 };
    uint64_t m_satp { 0 };
    uint32_t m_mcounteren { 0 }, m_scounteren { 0 };
    uint64_t m_menvcfg { 0 }, m_senvcfg { 0 };
    uint64_t m_cycle_offset { 0 }; // mcycle = instret + offset
    bool m_seip_sw { false };
    uint8_t m_pmpcfg[64] {};
    uint64_t m_pmpaddr[64] {};
    uint32_t m_fflags { 0 };
    uint32_t m_frm { 0 };

    // mip bits set from outside or by software (MSIP, MEIP, SEIP, SSIP, STIP when not Sstc).
    std::atomic<uint64_t> m_mip { 0 };
    uint64_t m_timer_mip { 0 }; // MTIP and Sstc STIP, computed from the clock

    // LR/SC reservation
    uint64_t m_resv_addr { ~0ull };
    uint64_t m_resv_value { 0 };
    bool m_resv_valid { false };

    // Exception being raised
    uint64_t m_exc_cause { 0 };
    uint64_t m_exc_tval { 0 };

    // Requests and wake-ups
    std::atomic<uint32_t> m_pending { 0 };
    std::atomic<uint32_t> m_sleeping { 0 };
    bool m_local_check { true };
    int m_countdown { 0 };
    // Set when this hart stores to a code page (its decoded blocks may be stale): execute() stops
    // chaining at the end of the block, so the run loop sees the new code generation first.
    bool m_code_written { false };
    std::optional<VcpuExit> m_exit;

    // TLB: sets 0 = U, 1 = S, 2 = S with SUM, 3 = M (fetch uses 0, 1, 3).
    TlbEntry m_tlb_read[4][tlb_data_ways * tlb_entries];
    TlbEntry m_tlb_write[4][tlb_data_ways * tlb_entries];
    TlbEntry m_tlb_fetch[4][tlb_entries];
    TlbEntry* m_rtlb;
    TlbEntry* m_wtlb;
    uint64_t m_data_tlb_refills { 0 };
    TlbEntry* m_xtlb;
    // Generations of the fetch TLB sets (indexed as m_tlb_fetch) and of the current one; values
    // are never reused, and a fresh jump-cache entry (gen 0) is never valid.
    uint64_t m_fetch_gens[4] { 1, 2, 3, 4 };
    uint64_t m_fetch_gen_next { 5 };
    unsigned m_fetch_set { 3 };
    uint64_t m_fetch_gen { 4 };
    void renew_fetch_gens();
    // 96 KiB, mapped lazily and handed back to the kernel with the block cache (a fresh page
    // reads as gen 0: no entry is valid).
    Mapping m_jump_cache_map;
    JumpCacheEntry* m_jump_cache { nullptr };
    // Offset in the page and page number both pick the entry: entries of different pages at the
    // same offset (page-aligned functions) do not all collide.
    JumpCacheEntry& jump_cache_at(uint64_t vpc)
    {
        return m_jump_cache[((vpc >> 1) ^ (vpc >> 12)) & ((1u << jump_cache_bits) - 1)];
    }

    // Block cache (block_cache.cpp): a bounded arena, flushed whole when full; both mappings
    // are handed back to the kernel on a flush, so an empty slot reads as zero.
    struct Slot {
        uint64_t phys;
        Block* block;
    };
    Mapping m_slot_map;
    Slot* m_slots { nullptr };
    unsigned m_slot_bits { 0 };
    Mapping m_arena;
    size_t m_arena_used { 0 };
    uint64_t m_flushes { 0 };
    uint64_t m_idle_trims { 0 };
    IdleTrimPolicy m_idle_trim;
    bool m_trim_due { false };   // set in WFI, done by service(): no block is in use there
    bool m_flush_due { false };  // the JIT's buffer is full: service() flushes
    void init_block_cache(size_t arena_bytes);
#ifdef XENITH_BLOCK_PROFILE
    struct BlockProfile {
        std::map<std::pair<uint64_t, std::string>, uint64_t> hits; // (phys, instruction words) -> entries
    };
    std::unique_ptr<BlockProfile> m_profile;
    // chain() calls for the same page and another page, and how many of each were indirect jumps.
    uint64_t m_chain_stats[4] {};
    void profile_collect(); // folds the arena's counts into m_profile (before a flush)
    void profile_print() const;
#endif
    void note_idle(uint64_t now, uint64_t sleep_ticks);
    void note_woken() { m_idle_trim.woke(mtime_now()); }
    // Compiles hot blocks (jit.h); emptied with the block cache.
    Jit m_jit;
    uint32_t m_jit_hot_entries;
    uint64_t m_jit_blocks { 0 };
    uint64_t m_jit_chained { 0 };
    void compile_hot(Block* b, uint64_t vpc);
    uint64_t m_code_generation_seen { 0 };
    uint64_t m_code_epoch { 1 };
    alignas(Block) uint8_t m_oneoff[sizeof(Block) + (max_block_insns + 1) * sizeof(Insn)];
};

} // namespace xenith::riscv
