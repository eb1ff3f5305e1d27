// Test driver for virtio devices: real GuestMemory, a driver-side split ring, register-level
// initialisation through the MMIO window, and the DescriptorChainBuilder (after Fuchsia's
// virtio_block_test) that lays out chains in guest memory and makes them available.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <cstring>
#include <memory>
#include <vector>

#include "engine/dev/device.h"
#include "engine/dev/virtio/virtio_mmio.h"
#include "engine/dev/virtio/virtio_spec.h"
#include "engine/mem/guest_memory.h"

namespace xenith::test {

inline constexpr uint64_t ram_base = 0x8000'0000;
inline constexpr uint64_t ram_size = 16 << 20;

class TestIrq final : public IrqLine {
public:
    void set_level(bool high) override
    {
        if (high && !m_level.load())
            m_raises.fetch_add(1);
        m_level.store(high);
    }
    bool level() const { return m_level.load(); }
    int raises() const { return m_raises.load(); }

private:
    std::atomic<bool> m_level { false };
    std::atomic<int> m_raises { 0 };
};

// Guest RAM with a bump allocator for rings and buffers.
class TestGuest {
public:
    TestGuest()
        : m_owned(std::move(GuestMemory::create(ram_base, ram_size).value()))
        , m_memory(m_owned.get())
    {
    }
    // Allocates from someone else's RAM (a board's), starting at `first`.
    TestGuest(GuestMemory& memory, uint64_t first)
        : m_memory(&memory)
        , m_next(first)
    {
    }
    GuestMemory& memory() { return *m_memory; }

    uint64_t alloc(uint64_t size, uint64_t align = 16)
    {
        m_next = (m_next + align - 1) & ~(align - 1);
        uint64_t gpa = m_next;
        m_next += size;
        EXPECT_LE(m_next, m_memory->end()) << "test guest out of memory";
        return gpa;
    }
    uint8_t* host(uint64_t gpa, uint64_t len = 1) { return m_memory->host_ptr(gpa, len); }
    template<typename T>
    void put(uint64_t gpa, T value) { std::memcpy(host(gpa, sizeof(T)), &value, sizeof(T)); }
    template<typename T>
    T get(uint64_t gpa)
    {
        T v;
        std::memcpy(&v, host(gpa, sizeof(T)), sizeof(T));
        return v;
    }

private:
    std::unique_ptr<GuestMemory> m_owned;
    GuestMemory* m_memory;
    uint64_t m_next { ram_base + 0x1000 };
};

// The driver's half of one split virtqueue.
class TestQueue {
public:
    TestQueue(TestGuest& guest, uint16_t size)
        : m_guest(guest)
        , m_size(size)
    {
        m_desc = guest.alloc(virtio::ring::desc_table_bytes(size), 16);
        m_avail = guest.alloc(virtio::ring::avail_ring_bytes(size), 2);
        m_used = guest.alloc(virtio::ring::used_ring_bytes(size), 4);
    }

    uint16_t size() const { return m_size; }
    uint64_t desc_gpa() const { return m_desc; }
    uint64_t avail_gpa() const { return m_avail; }
    uint64_t used_gpa() const { return m_used; }
    TestGuest& guest() { return m_guest; }

    uint16_t alloc_desc() { return static_cast<uint16_t>(m_next_desc++ % m_size); }
    void write_desc(uint16_t index, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
    {
        write_desc_at(m_desc + 16ull * index, addr, len, flags, next);
    }
    void write_desc_at(uint64_t gpa, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
    {
        m_guest.put<uint64_t>(gpa, addr);
        m_guest.put<uint32_t>(gpa + 8, len);
        m_guest.put<uint16_t>(gpa + 12, flags);
        m_guest.put<uint16_t>(gpa + 14, next);
    }

    // Places `head` in the available ring and publishes it.
    void publish(uint16_t head)
    {
        uint16_t idx = avail_idx();
        m_guest.put<uint16_t>(m_avail + 4 + 2ull * (idx % m_size), head);
        set_avail_idx(idx + 1);
    }
    // The indices are published and read as a driver must: release / acquire.
    uint16_t avail_idx() { return std::atomic_ref<uint16_t>(*reinterpret_cast<uint16_t*>(m_guest.host(m_avail + 2, 2))).load(std::memory_order_acquire); }
    void set_avail_idx(uint16_t idx) { std::atomic_ref<uint16_t>(*reinterpret_cast<uint16_t*>(m_guest.host(m_avail + 2, 2))).store(idx, std::memory_order_release); }
    void set_avail_flags(uint16_t flags) { m_guest.put<uint16_t>(m_avail, flags); }
    void set_used_event(uint16_t v) { m_guest.put<uint16_t>(m_avail + 4 + 2ull * m_size, v); }
    uint16_t avail_event() { return m_guest.get<uint16_t>(m_used + 4 + 8ull * m_size); }

    uint16_t used_idx() { return std::atomic_ref<uint16_t>(*reinterpret_cast<uint16_t*>(m_guest.host(m_used + 2, 2))).load(std::memory_order_acquire); }
    struct UsedElem {
        uint32_t id;
        uint32_t len;
    };
    UsedElem used(uint16_t i)
    {
        uint64_t e = m_used + 4 + 8ull * (i % m_size);
        return { m_guest.get<uint32_t>(e), m_guest.get<uint32_t>(e + 4) };
    }

private:
    TestGuest& m_guest;
    uint16_t m_size;
    uint64_t m_desc, m_avail, m_used;
    uint32_t m_next_desc { 0 };
};

// Drives a device through its MMIO registers as Linux's virtio_mmio does.
class TestDriver {
public:
    TestDriver(VirtioMmioDevice& device, TestGuest& guest)
        : m_device(device)
        , m_guest(guest)
    {
    }

    uint32_t reg(uint32_t offset) { return static_cast<uint32_t>(m_device.read(offset, 4)); }
    void set_reg(uint32_t offset, uint32_t value) { m_device.write(offset, value, 4); }
    uint64_t config(uint32_t offset, unsigned size) { return m_device.read(virtio::mmio::config + offset, size); }
    void set_config(uint32_t offset, uint64_t value, unsigned size) { m_device.write(virtio::mmio::config + offset, value, size); }

    uint64_t device_features()
    {
        set_reg(virtio::mmio::device_features_sel, 0);
        uint64_t lo = reg(virtio::mmio::device_features);
        set_reg(virtio::mmio::device_features_sel, 1);
        return lo | (uint64_t(reg(virtio::mmio::device_features)) << 32);
    }

    // Reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK. Returns whether FEATURES_OK stuck.
    bool negotiate(uint64_t features)
    {
        using namespace virtio;
        set_reg(mmio::status, 0);
        set_reg(mmio::status, status::acknowledge);
        set_reg(mmio::status, status::acknowledge | status::driver);
        set_reg(mmio::driver_features_sel, 0);
        set_reg(mmio::driver_features, static_cast<uint32_t>(features));
        set_reg(mmio::driver_features_sel, 1);
        set_reg(mmio::driver_features, static_cast<uint32_t>(features >> 32));
        set_reg(mmio::status, status::acknowledge | status::driver | status::features_ok);
        return reg(mmio::status) & status::features_ok;
    }

    // Programs queue `index` from `q` and sets QueueReady; returns what QueueReady reads back.
    bool setup_queue(unsigned index, TestQueue& q)
    {
        using namespace virtio::mmio;
        set_reg(queue_sel, index);
        set_reg(queue_num, q.size());
        set_reg(queue_desc_low, static_cast<uint32_t>(q.desc_gpa()));
        set_reg(queue_desc_high, static_cast<uint32_t>(q.desc_gpa() >> 32));
        set_reg(queue_driver_low, static_cast<uint32_t>(q.avail_gpa()));
        set_reg(queue_driver_high, static_cast<uint32_t>(q.avail_gpa() >> 32));
        set_reg(queue_device_low, static_cast<uint32_t>(q.used_gpa()));
        set_reg(queue_device_high, static_cast<uint32_t>(q.used_gpa() >> 32));
        set_reg(queue_ready, 1);
        return reg(queue_ready) == 1;
    }

    void driver_ok()
    {
        using namespace virtio;
        set_reg(mmio::status, reg(mmio::status) | status::driver_ok);
    }

    // Negotiates `features`, creates `count` queues of `size` and sets DRIVER_OK.
    void init(uint64_t features, unsigned count, uint16_t size = 16)
    {
        ASSERT_TRUE(negotiate(features));
        for (unsigned i = 0; i < count; ++i) {
            m_queues.push_back(std::make_unique<TestQueue>(m_guest, size));
            ASSERT_TRUE(setup_queue(i, *m_queues.back()));
        }
        driver_ok();
    }

    TestQueue& queue(unsigned i) { return *m_queues[i]; }
    void notify(unsigned i) { set_reg(virtio::mmio::queue_notify, i); }
    bool needs_reset() { return reg(virtio::mmio::status) & virtio::status::device_needs_reset; }
    void ack_interrupts() { set_reg(virtio::mmio::interrupt_ack, reg(virtio::mmio::interrupt_status)); }

    static constexpr uint64_t modern = virtio::feature::version_1;
    static constexpr uint64_t all_ring_features = virtio::feature::version_1 | virtio::feature::event_idx | virtio::feature::indirect_desc;

private:
    VirtioMmioDevice& m_device;
    TestGuest& m_guest;
    std::vector<std::unique_ptr<TestQueue>> m_queues;
};

// Builds one descriptor chain in guest memory, direct or through an indirect table, and makes
// it available: DescriptorChainBuilder(q).AppendReadableDescriptor(&hdr, sizeof hdr)
//     .AppendWritableDescriptor(&status, 1).Build();
class DescriptorChainBuilder {
public:
    explicit DescriptorChainBuilder(TestQueue& queue)
        : m_queue(queue)
    {
    }

    // Copies `data` into fresh guest memory and appends a device-readable descriptor for it.
    DescriptorChainBuilder& AppendReadableDescriptor(void const* data, uint32_t len)
    {
        uint64_t gpa = m_queue.guest().alloc(len ? len : 1);
        if (len)
            std::memcpy(m_queue.guest().host(gpa, len), data, len);
        return AppendRawDescriptor(gpa, len, 0);
    }

    // Appends a device-writable descriptor of `len` fresh bytes; *out points at them.
    template<typename T>
    DescriptorChainBuilder& AppendWritableDescriptor(T** out, uint32_t len)
    {
        uint64_t gpa = m_queue.guest().alloc(len ? len : 1);
        std::memset(m_queue.guest().host(gpa, len ? len : 1), 0xaa, len ? len : 1);
        if (out)
            *out = reinterpret_cast<T*>(m_queue.guest().host(gpa, len ? len : 1));
        return AppendRawDescriptor(gpa, len, virtio::ring::desc_f_write);
    }

    // Any descriptor, hostile ones included: flags other than NEXT are taken as given.
    DescriptorChainBuilder& AppendRawDescriptor(uint64_t addr, uint32_t len, uint16_t flags)
    {
        m_descs.push_back({ addr, len, flags });
        return *this;
    }

    // Put the descriptors in an indirect table referenced by one ring descriptor.
    DescriptorChainBuilder& Indirect()
    {
        m_indirect = true;
        return *this;
    }

    // Writes the chain, publishes it, returns its head index.
    uint16_t Build()
    {
        uint16_t head;
        if (m_indirect) {
            uint64_t table = m_queue.guest().alloc(16ull * m_descs.size(), 16);
            for (size_t i = 0; i < m_descs.size(); ++i) {
                bool last = i + 1 == m_descs.size();
                m_queue.write_desc_at(table + 16 * i, m_descs[i].addr, m_descs[i].len, m_descs[i].flags | (last ? 0 : virtio::ring::desc_f_next), static_cast<uint16_t>(i + 1));
            }
            head = m_queue.alloc_desc();
            m_queue.write_desc(head, table, static_cast<uint32_t>(16 * m_descs.size()), virtio::ring::desc_f_indirect, 0);
        } else {
            std::vector<uint16_t> idx;
            for (size_t i = 0; i < m_descs.size(); ++i)
                idx.push_back(m_queue.alloc_desc());
            for (size_t i = 0; i < m_descs.size(); ++i) {
                bool last = i + 1 == m_descs.size();
                m_queue.write_desc(idx[i], m_descs[i].addr, m_descs[i].len, m_descs[i].flags | (last ? 0 : virtio::ring::desc_f_next), last ? 0 : idx[i + 1]);
            }
            head = idx.empty() ? 0 : idx[0];
        }
        m_queue.publish(head);
        return head;
    }

private:
    struct Desc {
        uint64_t addr;
        uint32_t len;
        uint16_t flags;
    };
    TestQueue& m_queue;
    std::vector<Desc> m_descs;
    bool m_indirect { false };
};

// Waits (briefly) for a condition another thread will make true.
template<typename F>
bool eventually(F&& condition, int timeout_ms = 5000)
{
    for (int i = 0; i < timeout_ms; ++i) {
        if (condition())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return condition();
}

} // namespace xenith::test
