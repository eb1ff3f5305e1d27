// Virtqueue: the device side of one split virtqueue (virtio 1.2 section 2.7), with event-idx
// and indirect descriptors, validating everything the guest controls.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>

#include "base/error.h"
#include "engine/dev/virtio/descriptor_chain.h"

namespace xenith {

class GuestMemory;

// Threading: every method takes the queue's own lock, so the transport (vCPU threads), the
// device's notify path and backend completions (worker or I/O threads) may call concurrently.
// A chain carries the queue generation it was popped in; push() of a chain from before a reset
// is dropped, so late completions never touch a re-initialised ring.
class Virtqueue {
public:
    Virtqueue(GuestMemory& memory, uint16_t max_size);

    Virtqueue(Virtqueue const&) = delete;
    Virtqueue& operator=(Virtqueue const&) = delete;

    uint16_t max_size() const { return m_max_size; }

    // Configuration registers. Writes are ignored while the queue is ready (spec 4.2.2.2).
    void set_size(uint32_t size);
    void set_desc_addr(uint64_t gpa);
    void set_driver_addr(uint64_t gpa);
    void set_device_addr(uint64_t gpa);
    uint32_t size() const;
    uint64_t desc_addr() const;
    uint64_t driver_addr() const;
    uint64_t device_addr() const;

    // QueueReady = 1: checks the size (power of two, <= max) and that the three areas are
    // aligned and inside guest RAM. On error the queue stays disabled.
    Status enable(bool event_idx, bool indirect);
    bool ready() const;
    // QueueReady = 0 or device reset: forgets ring state, keeps nothing in flight.
    void reset();

    // The next available chain, std::nullopt when the ring is empty (or the queue is not ready
    // or broken), or an error saying why the driver broke the ring; the queue is then broken
    // until reset and the transport sets DEVICE_NEEDS_RESET.
    Result<std::optional<DescriptorChain>> pop();

    // Returns a chain to the driver with `written` bytes of device-writable data. Returns true
    // if the driver wants a used-buffer notification for it (flags or used_event).
    bool push(DescriptorChain const& chain, uint32_t written);

    // Whether a chain popped in `generation` may still be pushed.
    uint64_t generation() const;

private:
    Status walk(uint16_t head, DescriptorChain& chain) const;
    Status walk_indirect(uint64_t table_gpa, uint32_t table_len, DescriptorChain& chain, uint32_t& count, bool& seen_writable) const;
    Status add_segment(uint64_t gpa, uint32_t len, bool writable, DescriptorChain& chain, bool& seen_writable) const;
    uint16_t load_avail_idx() const;
    void publish_avail_event();

    GuestMemory& m_memory;
    uint16_t const m_max_size;

    mutable std::mutex m_lock;
    uint32_t m_size;
    uint64_t m_desc_gpa { 0 };
    uint64_t m_driver_gpa { 0 };
    uint64_t m_device_gpa { 0 };
    bool m_ready { false };
    bool m_broken { false };
    bool m_event_idx { false };
    bool m_indirect { false };
    uint8_t* m_desc { nullptr };
    uint8_t* m_avail { nullptr };
    uint8_t* m_used { nullptr };
    uint16_t m_last_avail { 0 };
    uint16_t m_used_idx { 0 };
    uint64_t m_generation { 1 };
};

} // namespace xenith
