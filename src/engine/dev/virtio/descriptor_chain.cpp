// DescriptorChain: scatter-gather copies over a validated chain's segments.
#include "engine/dev/virtio/descriptor_chain.h"

#include <algorithm>
#include <cstring>

#include "engine/mem/guest_memory.h"

namespace xenith {

void DescriptorChain::add(Segment segment)
{
    if (segment.writable)
        m_writable_bytes += segment.len;
    else
        m_readable_bytes += segment.len;
    m_segments.push_back(segment);
}

void DescriptorChain::clear()
{
    m_segments.clear();
    m_readable_bytes = 0;
    m_writable_bytes = 0;
}

uint64_t DescriptorChain::read(uint64_t offset, std::span<uint8_t> out) const
{
    uint64_t copied = 0;
    for (auto const& seg : m_segments) {
        if (seg.writable || copied == out.size())
            break;
        if (offset >= seg.len) {
            offset -= seg.len;
            continue;
        }
        uint64_t n = std::min<uint64_t>(seg.len - offset, out.size() - copied);
        std::memcpy(out.data() + copied, seg.host + offset, n);
        copied += n;
        offset = 0;
    }
    return copied;
}

uint64_t DescriptorChain::write(GuestMemory& memory, uint64_t offset, std::span<uint8_t const> in) const
{
    uint64_t copied = 0;
    for (auto const& seg : m_segments) {
        if (!seg.writable)
            continue;
        if (copied == in.size())
            break;
        if (offset >= seg.len) {
            offset -= seg.len;
            continue;
        }
        uint64_t n = std::min<uint64_t>(seg.len - offset, in.size() - copied);
        std::memcpy(seg.host + offset, in.data() + copied, n);
        memory.note_write(seg.gpa + offset, n);
        copied += n;
        offset = 0;
    }
    return copied;
}

std::vector<iovec> DescriptorChain::iovecs(bool writable, uint64_t offset, uint64_t len) const
{
    std::vector<iovec> out;
    for (auto const& seg : m_segments) {
        if (seg.writable != writable)
            continue;
        if (len == 0)
            break;
        if (offset >= seg.len) {
            offset -= seg.len;
            continue;
        }
        uint64_t n = std::min<uint64_t>(seg.len - offset, len);
        out.push_back(iovec { seg.host + offset, n });
        len -= n;
        offset = 0;
    }
    return out;
}

std::vector<iovec> DescriptorChain::readable_iovecs(uint64_t offset, uint64_t len) const
{
    return iovecs(false, offset, len);
}

std::vector<iovec> DescriptorChain::writable_iovecs(uint64_t offset, uint64_t len) const
{
    return iovecs(true, offset, len);
}

uint8_t* DescriptorChain::writable_byte(uint64_t offset) const
{
    auto v = iovecs(true, offset, 1);
    return v.empty() ? nullptr : static_cast<uint8_t*>(v[0].iov_base);
}

void DescriptorChain::note_written(GuestMemory& memory, uint64_t offset, uint64_t len) const
{
    for (auto const& seg : m_segments) {
        if (!seg.writable)
            continue;
        if (len == 0)
            break;
        if (offset >= seg.len) {
            offset -= seg.len;
            continue;
        }
        uint64_t n = std::min<uint64_t>(seg.len - offset, len);
        memory.note_write(seg.gpa + offset, n);
        len -= n;
        offset = 0;
    }
}

} // namespace xenith
