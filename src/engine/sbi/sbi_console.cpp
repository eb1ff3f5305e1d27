// SbiConsole: a bounded input buffer in front of the domain's console backend.
#include "engine/sbi/sbi_console.h"

#include "engine/io/char_backend.h"

namespace xenith::sbi {

SbiConsole::SbiConsole(CharBackend& output)
    : m_output(output)
{
}

void SbiConsole::write(std::span<uint8_t const> bytes) { m_output.write(bytes); }

size_t SbiConsole::read(std::span<uint8_t> out)
{
    m_guest_reads.store(true, std::memory_order_release);
    std::lock_guard guard(m_lock);
    size_t n = std::min(out.size(), m_input.size());
    for (size_t i = 0; i < n; ++i) {
        out[i] = m_input.front();
        m_input.pop_front();
    }
    return n;
}

void SbiConsole::push_input(std::span<uint8_t const> bytes)
{
    std::lock_guard guard(m_lock);
    for (uint8_t b : bytes) {
        if (m_input.size() >= input_capacity)
            m_input.pop_front();
        m_input.push_back(b);
    }
}

} // namespace xenith::sbi
