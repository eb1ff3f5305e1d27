// GuestMemory: the domain's RAM, one host mapping, plus the code-page log that keeps
// decoded-instruction caches coherent with writes from harts and device DMA.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

#include "base/error.h"
#include "base/mapping.h"

namespace xenith {

class GuestMemory {
public:
    static constexpr uint64_t page_size = 4096;
    static constexpr unsigned page_shift = 12;

    // RAM of `size` bytes at guest-physical `base`. Lazily backed: untouched pages cost no host memory.
    static Result<std::unique_ptr<GuestMemory>> create(uint64_t base, uint64_t size);

    GuestMemory(GuestMemory const&) = delete;
    GuestMemory& operator=(GuestMemory const&) = delete;

    uint64_t base() const { return m_base; }
    uint64_t size() const { return m_size; }
    uint64_t end() const { return m_base + m_size; }
    uint8_t* host_base() const { return m_ram.data(); }

    // True if [gpa, gpa+len) lies entirely in RAM; overflow-safe, for guest-controlled values.
    bool contains(uint64_t gpa, uint64_t len) const
    {
        return gpa >= m_base && len <= m_size && gpa - m_base <= m_size - len;
    }

    // Host pointer to [gpa, gpa+len), or nullptr if any of it is outside RAM.
    uint8_t* host_ptr(uint64_t gpa, uint64_t len) const
    {
        return contains(gpa, len) ? m_ram.data() + (gpa - m_base) : nullptr;
    }

    // Bounds-checked copies for devices and loaders. write() also notes the write for code caches.
    Status read(uint64_t gpa, std::span<uint8_t> out) const;
    Status write(uint64_t gpa, std::span<uint8_t const> in);

    template<typename T>
    Result<T> load(uint64_t gpa) const
    {
        T value;
        if (auto s = read(gpa, std::span(reinterpret_cast<uint8_t*>(&value), sizeof(T))); !s)
            return std::unexpected(s.error());
        return value;
    }

    template<typename T>
    Status store(uint64_t gpa, T value)
    {
        return write(gpa, std::span(reinterpret_cast<uint8_t const*>(&value), sizeof(T)));
    }

    // Code-page log. A hart marks a page when it caches decoded instructions from it; any write to
    // a marked page (by a hart's store slow path or by device DMA through note_write) clears the mark
    // and bumps code_generation(), which every hart compares before using its decoded blocks.
    void mark_code_page(uint64_t gpa);
    bool is_code_page(uint64_t gpa) const
    {
        return contains(gpa, 1) && m_code_pages[(gpa - m_base) >> page_shift].load(std::memory_order_relaxed);
    }
    void note_write(uint64_t gpa, uint64_t len);
    uint64_t code_generation() const { return m_code_generation.load(std::memory_order_acquire); }

    // Gives pages back to the host (balloon); they read back as zeros.
    Status discard(uint64_t gpa, uint64_t len);

private:
    GuestMemory(uint64_t base, uint64_t size, Mapping ram);

    uint64_t m_base;
    uint64_t m_size;
    Mapping m_ram;
    std::unique_ptr<std::atomic<uint8_t>[]> m_code_pages;
    std::atomic<uint64_t> m_code_generation { 0 };
};

} // namespace xenith
