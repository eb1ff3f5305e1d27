// ConsoleRing: a byte ring over a fixed buffer.
#include "engine/io/console_ring.h"

#include <algorithm>
#include <cstring>

namespace xenith {

ConsoleRing::ConsoleRing(size_t capacity)
    : m_buffer(capacity)
{
}

void ConsoleRing::append(std::span<uint8_t const> bytes)
{
    size_t const cap = m_buffer.size();
    if (cap == 0) {
        m_dropped += bytes.size();
        return;
    }
    if (bytes.size() >= cap) {
        // Only the tail survives; everything before it, old history included, is dropped.
        m_dropped += m_size + (bytes.size() - cap);
        std::memcpy(m_buffer.data(), bytes.data() + (bytes.size() - cap), cap);
        m_head = 0;
        m_size = cap;
        return;
    }
    size_t const overflow = m_size + bytes.size() > cap ? m_size + bytes.size() - cap : 0;
    m_head = (m_head + overflow) % cap;
    m_size -= overflow;
    m_dropped += overflow;

    size_t tail = (m_head + m_size) % cap;
    size_t const first = std::min(bytes.size(), cap - tail);
    std::memcpy(m_buffer.data() + tail, bytes.data(), first);
    std::memcpy(m_buffer.data(), bytes.data() + first, bytes.size() - first);
    m_size += bytes.size();
}

std::vector<uint8_t> ConsoleRing::snapshot() const
{
    std::vector<uint8_t> out(m_size);
    if (m_size == 0)
        return out;
    size_t const cap = m_buffer.size();
    size_t const first = std::min(m_size, cap - m_head);
    std::memcpy(out.data(), m_buffer.data() + m_head, first);
    std::memcpy(out.data() + first, m_buffer.data(), m_size - first);
    return out;
}

} // namespace xenith
