// DescriptorChain: one validated buffer popped from a virtqueue, as host-mapped segments.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <sys/uio.h>

namespace xenith {

class GuestMemory;

// Every segment has been checked to lie inside guest RAM before a chain is handed out, so
// devices may use `host` directly (guest RAM stays mapped for the domain's lifetime).
// Device-readable segments all come before device-writable ones (the queue enforces the
// spec's framing rule).
class DescriptorChain {
public:
    struct Segment {
        uint64_t gpa;
        uint8_t* host;
        uint32_t len;
        bool writable;
    };

    uint16_t head() const { return m_head; }
    uint64_t generation() const { return m_generation; }
    std::vector<Segment> const& segments() const { return m_segments; }

    uint64_t readable_bytes() const { return m_readable_bytes; }
    uint64_t writable_bytes() const { return m_writable_bytes; }

    // Copies up to out.size() device-readable bytes starting at readable offset `offset`.
    // Returns how many were copied.
    uint64_t read(uint64_t offset, std::span<uint8_t> out) const;

    // Copies into device-writable bytes at writable offset `offset`, noting the write in guest
    // memory's code-page log. Returns how many were copied (short if the buffer ends).
    uint64_t write(GuestMemory& memory, uint64_t offset, std::span<uint8_t const> in) const;

    // The host iovecs covering [offset, offset+len) of the readable or writable bytes.
    std::vector<iovec> readable_iovecs(uint64_t offset, uint64_t len) const;
    std::vector<iovec> writable_iovecs(uint64_t offset, uint64_t len) const;

    // Host pointer of the writable byte at `offset`, or nullptr.
    uint8_t* writable_byte(uint64_t offset) const;

    // Notes [offset, offset+len) of the writable bytes as written (after DMA by a backend).
    void note_written(GuestMemory& memory, uint64_t offset, uint64_t len) const;

    // Used by the queue while building the chain.
    void set_head(uint16_t head, uint64_t generation)
    {
        m_head = head;
        m_generation = generation;
    }
    void add(Segment segment);
    void clear();

private:
    std::vector<iovec> iovecs(bool writable, uint64_t offset, uint64_t len) const;

    uint16_t m_head { 0 };
    uint64_t m_generation { 0 };
    std::vector<Segment> m_segments;
    uint64_t m_readable_bytes { 0 };
    uint64_t m_writable_bytes { 0 };
};

} // namespace xenith
