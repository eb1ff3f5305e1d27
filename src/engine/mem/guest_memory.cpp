// GuestMemory: RAM mapping, bounds-checked copies and the code-page log.
#include "engine/mem/guest_memory.h"

namespace xenith {

Result<std::unique_ptr<GuestMemory>> GuestMemory::create(uint64_t base, uint64_t size)
{
    if (size == 0 || size % page_size != 0)
        return fail("guest memory size {:#x} must be a non-zero multiple of 4 KiB", size);
    if (base % page_size != 0 || base + size < base)
        return fail("guest memory base {:#x} is not page aligned or wraps", base);
    auto ram = XENITH_TRY(Mapping::anonymous(size));
    return std::unique_ptr<GuestMemory>(new GuestMemory(base, size, std::move(ram)));
}

GuestMemory::GuestMemory(uint64_t base, uint64_t size, Mapping ram)
    : m_base(base)
    , m_size(size)
    , m_ram(std::move(ram))
    , m_code_pages(new std::atomic<uint8_t>[size >> page_shift]())
{
}

Status GuestMemory::read(uint64_t gpa, std::span<uint8_t> out) const
{
    uint8_t const* p = host_ptr(gpa, out.size());
    if (!p)
        return fail("guest read of {} bytes at {:#x} is outside RAM [{:#x}, {:#x})", out.size(), gpa, m_base, end());
    std::memcpy(out.data(), p, out.size());
    return {};
}

Status GuestMemory::write(uint64_t gpa, std::span<uint8_t const> in)
{
    uint8_t* p = host_ptr(gpa, in.size());
    if (!p)
        return fail("guest write of {} bytes at {:#x} is outside RAM [{:#x}, {:#x})", in.size(), gpa, m_base, end());
    std::memcpy(p, in.data(), in.size());
    note_write(gpa, in.size());
    return {};
}

void GuestMemory::mark_code_page(uint64_t gpa)
{
    if (contains(gpa, 1))
        m_code_pages[(gpa - m_base) >> page_shift].store(1, std::memory_order_relaxed);
}

void GuestMemory::note_write(uint64_t gpa, uint64_t len)
{
    if (len == 0 || !contains(gpa, len))
        return;
    uint64_t first = (gpa - m_base) >> page_shift;
    uint64_t last = (gpa - m_base + len - 1) >> page_shift;
    bool invalidated = false;
    for (uint64_t page = first; page <= last; ++page) {
        if (m_code_pages[page].load(std::memory_order_relaxed)) {
            m_code_pages[page].store(0, std::memory_order_relaxed);
            invalidated = true;
        }
    }
    if (invalidated)
        m_code_generation.fetch_add(1, std::memory_order_acq_rel);
}

Status GuestMemory::discard(uint64_t gpa, uint64_t len)
{
    if (!contains(gpa, len) || gpa % page_size || len % page_size)
        return fail("discard of [{:#x}, +{:#x}) is not page-aligned guest RAM", gpa, len);
    note_write(gpa, len);
    return m_ram.discard(gpa - m_base, len);
}

} // namespace xenith
