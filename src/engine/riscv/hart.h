// Hart: one RV64GC hardware thread (M/S/U, Sv39/Sv48, F/D), run by the interpreter.
// This is the public face the board and the SBI see; the implementation may grow private
// members and split into files (decode, interpreter, csr, trap, mmu, tlb, block cache).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "engine/vcpu.h"

namespace xenith {
class GuestMemory;
class Bus;
}

namespace xenith::riscv {

enum class Priv : uint8_t {
    U = 0,
    S = 1,
    M = 3,
};

// Interrupt bits of mip/mie.
namespace irq {
inline constexpr uint64_t SSIP = 1u << 1;
inline constexpr uint64_t MSIP = 1u << 3;
inline constexpr uint64_t STIP = 1u << 5;
inline constexpr uint64_t MTIP = 1u << 7;
inline constexpr uint64_t SEIP = 1u << 9;
inline constexpr uint64_t MEIP = 1u << 11;
} // namespace irq

class Hart;
class Core;

// The hypervisor side of SBI: in a PV domain every ecall from S-mode lands here instead of
// trapping to M-mode. Called on the hart's own thread.
class SbiHandler {
public:
    virtual ~SbiHandler() = default;
    // Reads a7 (EID), a6 (FID), a0..a5 through hart.reg(); writes a0 (error) and a1 (value).
    // The hart then continues after the ecall, unless an exit is returned (SRST, HSM stop).
    virtual std::optional<VcpuExit> handle_ecall(Hart& hart) = 0;
};

inline constexpr size_t default_code_cache_bytes = 4u << 20;
// Loops compile within their first iterations; code run once per process or per system call
// (fork/exec paths) is not compiled before the block cache's next flush drops it again.
inline constexpr uint32_t default_jit_hot_entries = 256;

struct HartConfig {
    unsigned hart_id { 0 };
    GuestMemory* memory { nullptr }; // RAM; not owned
    Bus* bus { nullptr };            // MMIO; not owned
    // Non-null: a PV domain. The hart has no M-mode software: reset() puts it in S-mode with
    // every exception but ecall-from-S and every S interrupt delegated, mcounteren and
    // menvcfg.STCE set, and S-mode ecalls go to this handler.
    // Null: firmware mode; the hart resets into M-mode and ecalls trap as the spec says.
    SbiHandler* sbi { nullptr };
    // Budget of the decoded-block cache in bytes; 0 means default_code_cache_bytes. When it is
    // full the cache is flushed whole and its memory given back to the host, so code that ran
    // once (boot) does not stay resident.
    size_t code_cache_bytes { 0 };
    // A block entered this many times gets its start compiled to host code (jit.h; x86-64
    // hosts). 0: never, interpret only (xenith-vm --no-jit, for comparisons).
    uint32_t jit_hot_entries { default_jit_hot_entries };
};

// What the decoded-block cache holds; for tests and diagnostics.
struct CodeCacheStats {
    size_t capacity { 0 };   // arena budget in bytes
    size_t used { 0 };       // bytes of decoded blocks since the last flush
    unsigned slots { 0 };    // lookup-table entries
    uint64_t flushes { 0 };  // whole-cache flushes because the arena or the JIT's buffer was full
    uint64_t idle_trims { 0 }; // flushes of an idle hart's blocks (see idle_trim.h)
    size_t jit_used { 0 };     // bytes of host code compiled since the last flush
    uint64_t jit_blocks { 0 }; // blocks compiled, ever
    uint64_t jit_chained { 0 }; // entries into compiled blocks straight from compiled code, ever
    uint64_t data_tlb_refills { 0 }; // loads and stores that missed the data TLB, ever
};

class Hart final : public Vcpu {
public:
    explicit Hart(HartConfig const& config);
    ~Hart() override;

    // --- Vcpu seam
    VcpuExit run() override;
    void request_exit() override;
    std::vector<uint8_t> save_state() const override;
    Status load_state(std::span<uint8_t const> state) override;

    // --- Boot. Only while not running (or from this hart's own thread, e.g. HSM start).
    // Resets architectural state and starts at `pc` in the mode HartConfig implies
    // (S for PV, M for firmware), with satp = 0.
    void reset(uint64_t pc);
    unsigned hart_id() const;
    uint64_t pc() const;
    // Integer registers x0..x31 (x0 reads 0; writes to it are ignored).
    uint64_t reg(unsigned index) const;
    void set_reg(unsigned index, uint64_t value);
    Priv priv() const;
    uint64_t instret() const;
    // Instructions retired, readable from any thread while the hart runs: published at least
    // every few thousand instructions, before the hart sleeps in WFI and when run() returns.
    uint64_t retired_instructions() const;
    // Only while not running.
    CodeCacheStats code_cache_stats() const;

    // --- Interrupt inputs. Any thread. Each wakes the hart if it is blocked in WFI.
    // Sets or clears externally driven mip bits (MEIP/SEIP from the PLIC, MSIP/SSIP from the
    // ACLINT or an SBI IPI).
    void set_interrupt_pending(uint64_t mip_bits, bool level);
    // The ACLINT's mtimecmp for this hart: MTIP is pending while mtime >= mtimecmp.
    void set_mtimecmp(uint64_t value);
    uint64_t mtimecmp() const;
    // The Sstc stimecmp (also what SBI set_timer programs in a PV domain): STIP is pending
    // while time >= stimecmp.
    void set_stimecmp(uint64_t value);

    // --- Remote fences (SBI RFENCE, IPIs). Any thread. The hart flushes its TLB (and its
    // decoded-block cache for the fence.i form) before it runs its next block.
    void request_tlb_flush();
    void request_fence_i();

private:
    // The implementation (core.h): state, block cache, TLB, run loop.
    std::unique_ptr<Core> m_core;
};

} // namespace xenith::riscv
