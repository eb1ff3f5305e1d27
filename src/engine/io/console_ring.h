// ConsoleRing: the last N bytes a domain wrote to its console, so a late `xm console` sees them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace xenith {

class ConsoleRing {
public:
    // `capacity` is xend-config's console-limit in bytes; 0 keeps no history.
    explicit ConsoleRing(size_t capacity);

    // Appends, dropping the oldest bytes once full. A write larger than the ring keeps its tail.
    void append(std::span<uint8_t const> bytes);

    // The history, oldest byte first.
    std::vector<uint8_t> snapshot() const;

    size_t size() const { return m_size; }
    size_t capacity() const { return m_buffer.size(); }
    // Bytes that fell off the front since creation: lets a reader say "history truncated".
    uint64_t dropped() const { return m_dropped; }

private:
    std::vector<uint8_t> m_buffer;
    size_t m_head { 0 }; // index of the oldest byte
    size_t m_size { 0 };
    uint64_t m_dropped { 0 };
};

} // namespace xenith
