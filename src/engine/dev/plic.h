// Plic: the SiFive PLIC of QEMU virt: 96 sources (1..95 usable), two contexts per hart (M, S).
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "engine/dev/device.h"
#include "engine/dev/interrupt_target.h"

namespace xenith {

// Layout: priority[src] at +4*src, pending bits at +0x1000, enable bits of context c at
// +0x2000 + 0x80*c, threshold of context c at +0x200000 + 0x1000*c and claim/complete at +4.
// Context 2n drives hart n's MEIP, context 2n+1 its SEIP. Sources are level-triggered: a
// source is pending while its line is high and it is not claimed; completing a source whose
// line is still high makes it pending again.
// Threading: one mutex guards all state, so any vCPU thread and the I/O thread (through the
// IrqLines) may call in concurrently. Lock order: a device's lock, then the PLIC's, then the hart's.
class Plic final : public MmioDevice {
public:
    static constexpr uint64_t default_base = 0xc000000;
    static constexpr uint64_t window_size = 0x600000;
    static constexpr unsigned source_count = 96; // including the reserved source 0
    static constexpr uint32_t max_priority = 7;
    static constexpr uint64_t pending_offset = 0x1000;
    static constexpr uint64_t enable_offset = 0x2000;
    static constexpr uint64_t enable_stride = 0x80;
    static constexpr uint64_t context_offset = 0x200000;
    static constexpr uint64_t context_stride = 0x1000;

    Plic(uint64_t base, std::span<InterruptTarget* const> harts);
    ~Plic() override;

    // The line of source `source` (1..95), or nullptr if out of range. Owned by the PLIC.
    IrqLine* irq_line(unsigned source);

    std::string_view name() const override { return "plic"; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, uint64_t value, unsigned size) override;
    void write_fdt(FdtWriter&) const override;

private:
    class Line;
    static constexpr unsigned words = (source_count + 31) / 32;
    struct Context {
        std::array<uint32_t, words> enable {};
        uint32_t threshold { 0 };
        bool asserted { false };
    };

    void set_level(unsigned source, bool high);
    // Highest-priority pending, enabled source above the context's threshold; 0 if none.
    unsigned best_source(Context const&) const;
    unsigned claim(unsigned context);
    void complete(unsigned context, unsigned source);
    // Recomputes every context's output and drives the harts' MEIP/SEIP on changes.
    void update();
    bool bit(std::array<uint32_t, words> const& set, unsigned source) const { return set[source / 32] >> (source % 32) & 1; }

    uint64_t m_base;
    std::vector<InterruptTarget*> m_harts;
    std::mutex m_lock;
    std::array<uint32_t, source_count> m_priority {};
    std::array<uint32_t, words> m_level {};
    std::array<uint32_t, words> m_pending {};
    std::array<uint32_t, words> m_claimed {};
    std::vector<Context> m_contexts;
    std::vector<std::unique_ptr<Line>> m_lines;
};

} // namespace xenith
