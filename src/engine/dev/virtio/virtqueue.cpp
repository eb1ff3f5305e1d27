// Virtqueue: split-ring parsing and validation, used-ring publication, event-idx suppression.
#include "engine/dev/virtio/virtqueue.h"

#include <atomic>
#include <bit>
#include <cstring>

#include "engine/dev/virtio/virtio_spec.h"
#include "engine/mem/guest_memory.h"

namespace xenith {

static_assert(std::endian::native == std::endian::little, "virtio rings are little-endian; big-endian hosts need byte swaps");

namespace {

struct RawDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};
static_assert(sizeof(RawDesc) == virtio::ring::desc_size);

RawDesc load_desc(uint8_t const* table, uint32_t index)
{
    RawDesc d;
    std::memcpy(&d, table + index * sizeof(RawDesc), sizeof(RawDesc));
    return d;
}

// The guest writes rings from other host threads; the ring fields are naturally aligned
// (checked at enable), so atomic_ref gives us the acquire/release the spec's barriers pair with.
uint16_t load_acquire_u16(uint8_t* p)
{
    return std::atomic_ref<uint16_t>(*reinterpret_cast<uint16_t*>(p)).load(std::memory_order_acquire);
}

void store_release_u16(uint8_t* p, uint16_t v)
{
    std::atomic_ref<uint16_t>(*reinterpret_cast<uint16_t*>(p)).store(v, std::memory_order_release);
}

uint16_t load_relaxed_u16(uint8_t* p)
{
    return std::atomic_ref<uint16_t>(*reinterpret_cast<uint16_t*>(p)).load(std::memory_order_relaxed);
}

} // namespace

Virtqueue::Virtqueue(GuestMemory& memory, uint16_t max_size)
    : m_memory(memory)
    , m_max_size(max_size)
    , m_size(max_size)
{
}

void Virtqueue::set_size(uint32_t size)
{
    std::lock_guard guard(m_lock);
    if (!m_ready)
        m_size = size;
}

void Virtqueue::set_desc_addr(uint64_t gpa)
{
    std::lock_guard guard(m_lock);
    if (!m_ready)
        m_desc_gpa = gpa;
}

void Virtqueue::set_driver_addr(uint64_t gpa)
{
    std::lock_guard guard(m_lock);
    if (!m_ready)
        m_driver_gpa = gpa;
}

void Virtqueue::set_device_addr(uint64_t gpa)
{
    std::lock_guard guard(m_lock);
    if (!m_ready)
        m_device_gpa = gpa;
}

uint32_t Virtqueue::size() const
{
    std::lock_guard guard(m_lock);
    return m_size;
}

uint64_t Virtqueue::desc_addr() const
{
    std::lock_guard guard(m_lock);
    return m_desc_gpa;
}

uint64_t Virtqueue::driver_addr() const
{
    std::lock_guard guard(m_lock);
    return m_driver_gpa;
}

uint64_t Virtqueue::device_addr() const
{
    std::lock_guard guard(m_lock);
    return m_device_gpa;
}

bool Virtqueue::ready() const
{
    std::lock_guard guard(m_lock);
    return m_ready;
}

uint64_t Virtqueue::generation() const
{
    std::lock_guard guard(m_lock);
    return m_generation;
}

Status Virtqueue::enable(bool event_idx, bool indirect)
{
    using namespace virtio::ring;
    std::lock_guard guard(m_lock);
    if (m_ready)
        return {};
    if (m_size == 0 || m_size > m_max_size || !std::has_single_bit(m_size))
        return fail("queue size {} is not a power of two in [1, {}]", m_size, m_max_size);
    if (m_desc_gpa % desc_align || m_driver_gpa % avail_align || m_device_gpa % used_align)
        return fail("queue areas desc={:#x} driver={:#x} device={:#x} are misaligned (need 16/2/4)", m_desc_gpa, m_driver_gpa, m_device_gpa);
    uint8_t* desc = m_memory.host_ptr(m_desc_gpa, desc_table_bytes(m_size));
    uint8_t* avail = m_memory.host_ptr(m_driver_gpa, avail_ring_bytes(m_size));
    uint8_t* used = m_memory.host_ptr(m_device_gpa, used_ring_bytes(m_size));
    if (!desc || !avail || !used)
        return fail("queue areas desc={:#x} driver={:#x} device={:#x} (size {}) are not inside guest RAM", m_desc_gpa, m_driver_gpa, m_device_gpa, m_size);
    m_desc = desc;
    m_avail = avail;
    m_used = used;
    m_event_idx = event_idx;
    m_indirect = indirect;
    m_last_avail = 0;
    // Both indices start at 0 (spec 2.7.6, 2.7.8); the used ring is the device's to write.
    m_used_idx = 0;
    store_release_u16(m_used + 2, 0);
    m_broken = false;
    m_ready = true;
    ++m_generation;
    return {};
}

void Virtqueue::reset()
{
    std::lock_guard guard(m_lock);
    m_ready = false;
    m_broken = false;
    m_size = m_max_size;
    m_desc_gpa = m_driver_gpa = m_device_gpa = 0;
    m_desc = m_avail = m_used = nullptr;
    m_last_avail = 0;
    m_used_idx = 0;
    ++m_generation;
}

uint16_t Virtqueue::load_avail_idx() const
{
    return load_acquire_u16(m_avail + 2);
}

void Virtqueue::publish_avail_event()
{
    // avail_event sits after the used ring entries: "notify me when you make entry
    // m_last_avail available".
    store_release_u16(m_used + 4 + 8ull * m_size, m_last_avail);
}

Result<std::optional<DescriptorChain>> Virtqueue::pop()
{
    std::lock_guard guard(m_lock);
    if (!m_ready || m_broken)
        return std::nullopt;

    uint16_t avail_idx = load_avail_idx();
    if (avail_idx == m_last_avail && m_event_idx) {
        publish_avail_event();
        // Pairs with the driver's barrier between its avail idx store and its avail_event load:
        // either we see its new entry now, or it sees our avail_event and notifies.
        std::atomic_thread_fence(std::memory_order_seq_cst);
        avail_idx = load_avail_idx();
    }
    uint16_t pending = static_cast<uint16_t>(avail_idx - m_last_avail);
    if (pending == 0)
        return std::nullopt;
    if (pending > m_size) {
        m_broken = true;
        return fail("avail idx jumped from {} to {}, more than the queue size {}", m_last_avail, avail_idx, m_size);
    }

    uint16_t head = load_relaxed_u16(m_avail + 4 + 2ull * (m_last_avail % m_size));
    if (head >= m_size) {
        m_broken = true;
        return fail("avail ring entry {} names descriptor {} outside the queue of size {}", m_last_avail, head, m_size);
    }

    DescriptorChain chain;
    chain.set_head(head, m_generation);
    if (auto s = walk(head, chain); !s) {
        m_broken = true;
        return std::unexpected(s.error());
    }
    ++m_last_avail;
    if (m_event_idx)
        publish_avail_event();
    return chain;
}

Status Virtqueue::add_segment(uint64_t gpa, uint32_t len, bool writable, DescriptorChain& chain, bool& seen_writable) const
{
    if (!writable && seen_writable)
        return fail("device-readable descriptor at {:#x} follows a device-writable one", gpa);
    seen_writable |= writable;
    if (len == 0)
        return {};
    uint8_t* host = m_memory.host_ptr(gpa, len);
    if (!host)
        return fail("descriptor buffer [{:#x}, +{:#x}) is outside guest RAM", gpa, len);
    if (chain.readable_bytes() + chain.writable_bytes() + len > 0xffffffffull)
        return fail("descriptor chain is longer than 4 GiB in total");
    chain.add(DescriptorChain::Segment { gpa, host, len, writable });
    return {};
}

Status Virtqueue::walk(uint16_t head, DescriptorChain& chain) const
{
    using namespace virtio::ring;
    uint32_t count = 0;
    bool seen_writable = false;
    uint16_t index = head;
    for (;;) {
        // A chain can never be longer than the queue: anything more is a loop.
        if (++count > m_size)
            return fail("descriptor chain from head {} is longer than the queue size {} (a loop?)", head, m_size);
        RawDesc d = load_desc(m_desc, index);
        if (d.flags & desc_f_indirect) {
            if (!m_indirect)
                return fail("descriptor {} is indirect but VIRTIO_F_INDIRECT_DESC was not negotiated", index);
            if (d.flags & desc_f_next)
                return fail("descriptor {} sets both INDIRECT and NEXT", index);
            // The indirect descriptor is replaced by its table (spec 2.7.5.3): it is no buffer
            // and does not count towards the chain length. Linux's virtio-blk fills a table with
            // exactly seg_max + 2 = queue size entries for a large request.
            --count;
            return walk_indirect(d.addr, d.len, chain, count, seen_writable);
        }
        XENITH_TRY(add_segment(d.addr, d.len, (d.flags & desc_f_write) != 0, chain, seen_writable));
        if (!(d.flags & desc_f_next))
            return {};
        if (d.next >= m_size)
            return fail("descriptor {} chains to {}, outside the queue of size {}", index, d.next, m_size);
        index = d.next;
    }
}

Status Virtqueue::walk_indirect(uint64_t table_gpa, uint32_t table_len, DescriptorChain& chain, uint32_t& count, bool& seen_writable) const
{
    using namespace virtio::ring;
    if (table_len == 0 || table_len % desc_size != 0)
        return fail("indirect table at {:#x} has length {}, not a non-zero multiple of 16", table_gpa, table_len);
    uint32_t entries = table_len / desc_size;
    if (entries > m_size)
        return fail("indirect table at {:#x} has {} entries, more than the queue size {}", table_gpa, entries, m_size);
    uint8_t const* table = m_memory.host_ptr(table_gpa, table_len);
    if (!table)
        return fail("indirect table [{:#x}, +{:#x}) is outside guest RAM", table_gpa, table_len);
    uint32_t index = 0;
    uint32_t visited = 0;
    for (;;) {
        if (++visited > entries || ++count > m_size)
            return fail("indirect chain at {:#x} loops or exceeds the queue size {}", table_gpa, m_size);
        RawDesc d = load_desc(table, index);
        if (d.flags & desc_f_indirect)
            return fail("indirect table at {:#x} contains a nested indirect descriptor", table_gpa);
        XENITH_TRY(add_segment(d.addr, d.len, (d.flags & desc_f_write) != 0, chain, seen_writable));
        if (!(d.flags & desc_f_next))
            return {};
        if (d.next >= entries)
            return fail("indirect descriptor {} chains to {}, outside its table of {}", index, d.next, entries);
        index = d.next;
    }
}

bool Virtqueue::push(DescriptorChain const& chain, uint32_t written)
{
    std::lock_guard guard(m_lock);
    if (!m_ready || chain.generation() != m_generation)
        return false;
    // Never claim more than the driver offered (spec: len is "at most" what was written).
    if (written > chain.writable_bytes())
        written = static_cast<uint32_t>(chain.writable_bytes());
    uint64_t slot = m_used_idx % m_size;
    uint8_t* elem = m_used + 4 + 8 * slot;
    uint32_t id = chain.head();
    std::memcpy(elem, &id, 4);
    std::memcpy(elem + 4, &written, 4);
    uint16_t old_idx = m_used_idx;
    ++m_used_idx;
    store_release_u16(m_used + 2, m_used_idx);
    m_memory.note_write(m_device_gpa + 4 + 8 * slot, 8);
    m_memory.note_write(m_device_gpa + 2, 2);

    // Pairs with the driver's barrier between its used_event store and its used idx load.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (m_event_idx) {
        uint16_t used_event = load_relaxed_u16(m_avail + 4 + 2ull * m_size);
        // vring_need_event: notify if used_event lies in [old_idx, new_idx).
        return static_cast<uint16_t>(m_used_idx - used_event - 1) < static_cast<uint16_t>(m_used_idx - old_idx);
    }
    return !(load_relaxed_u16(m_avail) & virtio::ring::avail_f_no_interrupt);
}

} // namespace xenith
