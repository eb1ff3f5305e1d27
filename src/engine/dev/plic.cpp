// Plic: gateways, priorities, per-context enables/thresholds and claim/complete.
#include "engine/dev/plic.h"

#include "engine/dev/fdt_writer.h"
#include "engine/riscv/hart.h"

namespace xenith {

class Plic::Line final : public IrqLine {
public:
    Line(Plic& plic, unsigned source)
        : m_plic(plic)
        , m_source(source)
    {
    }
    void set_level(bool high) override { m_plic.set_level(m_source, high); }

private:
    Plic& m_plic;
    unsigned m_source;
};

namespace {
void set_bit(std::array<uint32_t, (Plic::source_count + 31) / 32>& set, unsigned source, bool value)
{
    if (value)
        set[source / 32] |= 1u << (source % 32);
    else
        set[source / 32] &= ~(1u << (source % 32));
}
} // namespace

Plic::Plic(uint64_t base, std::span<InterruptTarget* const> harts)
    : m_base(base)
    , m_harts(harts.begin(), harts.end())
    , m_contexts(harts.size() * 2)
{
    m_lines.resize(source_count);
    for (unsigned s = 1; s < source_count; ++s)
        m_lines[s] = std::make_unique<Line>(*this, s);
}

Plic::~Plic() = default;

IrqLine* Plic::irq_line(unsigned source)
{
    if (source == 0 || source >= source_count)
        return nullptr;
    return m_lines[source].get();
}

void Plic::set_level(unsigned source, bool high)
{
    std::lock_guard guard(m_lock);
    set_bit(m_level, source, high);
    // The gateway forwards a request while the line is high and the source is not in service.
    set_bit(m_pending, source, high && !bit(m_claimed, source));
    update();
}

unsigned Plic::best_source(Context const& ctx) const
{
    unsigned best = 0;
    uint32_t best_priority = ctx.threshold;
    for (unsigned w = 0; w < words; ++w) {
        uint32_t candidates = m_pending[w] & ctx.enable[w];
        while (candidates) {
            unsigned source = w * 32 + unsigned(__builtin_ctz(candidates));
            candidates &= candidates - 1;
            // Strictly greater: ties go to the lowest source id, which we meet first.
            if (m_priority[source] > best_priority) {
                best = source;
                best_priority = m_priority[source];
            }
        }
    }
    return best;
}

void Plic::update()
{
    for (size_t c = 0; c < m_contexts.size(); ++c) {
        auto& ctx = m_contexts[c];
        bool asserted = best_source(ctx) != 0;
        if (asserted == ctx.asserted)
            continue;
        ctx.asserted = asserted;
        uint64_t bit = (c % 2 == 0) ? riscv::irq::MEIP : riscv::irq::SEIP;
        m_harts[c / 2]->set_interrupt_pending(bit, asserted);
    }
}

unsigned Plic::claim(unsigned context)
{
    unsigned source = best_source(m_contexts[context]);
    if (source != 0) {
        set_bit(m_pending, source, false);
        set_bit(m_claimed, source, true);
        update();
    }
    return source;
}

void Plic::complete(unsigned context, unsigned source)
{
    // The spec ignores completions for sources not enabled for this context.
    if (source == 0 || source >= source_count || !bit(m_contexts[context].enable, source))
        return;
    if (!bit(m_claimed, source))
        return;
    set_bit(m_claimed, source, false);
    if (bit(m_level, source))
        set_bit(m_pending, source, true);
    update();
}

uint64_t Plic::read(uint64_t offset, unsigned size)
{
    if (size != 4 || offset % 4 != 0)
        return 0;
    std::lock_guard guard(m_lock);
    if (offset < 4ull * source_count)
        return m_priority[offset / 4];
    if (offset >= pending_offset && offset < pending_offset + 4 * words)
        return m_pending[(offset - pending_offset) / 4];
    if (offset >= enable_offset && offset < enable_offset + enable_stride * m_contexts.size()) {
        unsigned context = unsigned((offset - enable_offset) / enable_stride);
        unsigned word = unsigned((offset - enable_offset) % enable_stride / 4);
        return word < words ? m_contexts[context].enable[word] : 0;
    }
    if (offset >= context_offset && offset < context_offset + context_stride * m_contexts.size()) {
        unsigned context = unsigned((offset - context_offset) / context_stride);
        switch ((offset - context_offset) % context_stride) {
        case 0:
            return m_contexts[context].threshold;
        case 4:
            return claim(context);
        }
    }
    return 0;
}

void Plic::write(uint64_t offset, uint64_t value, unsigned size)
{
    if (size != 4 || offset % 4 != 0)
        return;
    uint32_t v = uint32_t(value);
    std::lock_guard guard(m_lock);
    if (offset < 4ull * source_count) {
        if (offset != 0) // source 0 does not exist
            m_priority[offset / 4] = v & max_priority;
        update();
        return;
    }
    if (offset >= enable_offset && offset < enable_offset + enable_stride * m_contexts.size()) {
        unsigned context = unsigned((offset - enable_offset) / enable_stride);
        unsigned word = unsigned((offset - enable_offset) % enable_stride / 4);
        if (word < words) {
            if (word == 0)
                v &= ~1u; // source 0 is hardwired off
            if (word == words - 1 && source_count % 32)
                v &= (1u << (source_count % 32)) - 1;
            m_contexts[context].enable[word] = v;
            update();
        }
        return;
    }
    if (offset >= context_offset && offset < context_offset + context_stride * m_contexts.size()) {
        unsigned context = unsigned((offset - context_offset) / context_stride);
        switch ((offset - context_offset) % context_stride) {
        case 0:
            m_contexts[context].threshold = v & max_priority;
            update();
            break;
        case 4:
            complete(context, v);
            break;
        }
    }
    // The pending bits are read-only.
}

void Plic::write_fdt(FdtWriter& fdt) const
{
    fdt.begin_node(fmt::format("plic@{:x}", m_base));
    fdt.property_u32("phandle", phandle::plic);
    fdt.property_u32("riscv,ndev", source_count - 1);
    fdt.property_reg(m_base, window_size);
    std::vector<uint32_t> cells;
    for (unsigned i = 0; i < m_harts.size(); ++i) {
        // Context 2i is hart i's M external interrupt (11), 2i+1 its S external interrupt (9).
        cells.insert(cells.end(), { phandle::cpu_intc_base + i, 11, phandle::cpu_intc_base + i, 9 });
    }
    fdt.property_cells("interrupts-extended", cells);
    fdt.property_empty("interrupt-controller");
    fdt.property_strings("compatible", { "sifive,plic-1.0.0", "riscv,plic0" });
    fdt.property_u32("#address-cells", 0);
    fdt.property_u32("#interrupt-cells", 1);
    fdt.end_node();
}

} // namespace xenith
