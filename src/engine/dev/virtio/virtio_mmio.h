// VirtioMmioDevice: the virtio-mmio version 2 transport (virtio 1.2 section 4.2), the base of
// every virtio device. Devices add their queues' work, their config space and their features.
#pragma once

#include <atomic>
#include <cstring>
#include <memory>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/dev/device.h"
#include "engine/dev/virtio/descriptor_chain.h"
#include "engine/dev/virtio/virtio_spec.h"
#include "engine/dev/virtio/virtqueue.h"

namespace xenith {

class GuestMemory;

// Where a device sits on the board: its virtio-mmio slot and PLIC source.
struct VirtioSlot {
    uint64_t base;     // 0x10001000 + n * 0x1000
    uint32_t irq;      // PLIC source 1 + n
    IrqLine& line;     // that source's input
};

// Threading contract:
// - read()/write() come from any vCPU thread (and tests). Registers, status, features and
//   config space are guarded by m_lock.
// - A QueueNotify write calls the device's queue_notify() on the writing vCPU thread *without*
//   m_lock held; devices pop chains there and either complete them at once or hand them to a
//   backend.
// - Backends complete chains from worker threads or the domain's I/O thread through complete(),
//   which takes only the queue's lock and the interrupt lock. Chains from before a reset are
//   dropped (see Virtqueue::push), so a device never writes a ring the driver has re-initialised.
// - Lock order: m_lock, then a queue's lock, then m_irq_lock. Device hooks called with m_lock
//   held must not call back into read()/write().
class VirtioMmioDevice : public MmioDevice {
public:
    ~VirtioMmioDevice() override = default;

    std::string_view name() const override { return m_name; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, uint64_t value, unsigned size) override;
    void write_fdt(FdtWriter& fdt) const override;

    uint64_t base() const { return m_base; }
    uint32_t irq() const { return m_irq; }
    uint32_t device_status() const;
    uint64_t device_features() const { return m_device_features; }
    // For listings (xm block-list/network-list): whether the guest's driver runs the device,
    // and the guest-physical address of queue `index`'s descriptor table (0 before set-up).
    bool driver_ready() const { return driver_ok(); }
    uint64_t queue_desc_address(unsigned index) const;

protected:
    VirtioMmioDevice(std::string name, VirtioSlot slot, GuestMemory& memory, virtio::DeviceId id, uint64_t device_features, std::vector<uint16_t> queue_max_sizes, size_t config_size);

    // The driver notified queue `index` (valid, may not be ready). No lock held.
    virtual void queue_notify(unsigned index) = 0;
    // The driver wrote device config bytes at `offset` (already bounds-checked); m_lock held.
    virtual void config_write(uint32_t offset, std::span<uint8_t const> bytes)
    {
        (void)offset;
        (void)bytes;
    }
    // DRIVER_OK was just set; no lock held. Every queue gets a queue_notify() right after.
    virtual void on_driver_ok() { }
    // The device was reset (status 0); m_lock held. Drop pending work; in-flight completions
    // are discarded by the queue generation check.
    virtual void on_reset() { }

    GuestMemory& memory() const { return m_memory; }
    Virtqueue& queue(unsigned index) { return *m_queues[index]; }
    size_t queue_count() const { return m_queues.size(); }
    bool negotiated(uint64_t feature) const { return (m_driver_features_ok.load(std::memory_order_acquire) & feature) != 0; }
    bool driver_ok() const { return m_driver_ok.load(std::memory_order_acquire); }

    // Next chain of queue `index`; a ring the driver broke sets DEVICE_NEEDS_RESET and yields
    // nothing. Any thread, no lock held.
    std::optional<DescriptorChain> pop(unsigned index);
    // Returns a chain and raises the interrupt if the driver asked for one. Any thread.
    void complete(unsigned index, DescriptorChain const& chain, uint32_t written);
    // The device hit a state only a reset recovers (spec 2.1.1). Any thread, m_lock not held.
    void set_needs_reset(std::string_view why);
    // Config space changed (already updated under m_lock): bump the generation and interrupt.
    // m_lock not held.
    void notify_config_change();

    void raise_interrupt(uint32_t bits);

    // Device config space, little-endian; guarded by m_lock.
    mutable std::mutex m_lock;
    std::vector<uint8_t> m_config;

    template<typename T>
    void config_put(size_t offset, T value)
    {
        std::memcpy(m_config.data() + offset, &value, sizeof(T));
    }
    template<typename T>
    T config_get(size_t offset) const
    {
        T value;
        std::memcpy(&value, m_config.data() + offset, sizeof(T));
        return value;
    }

private:
    uint32_t read_register(uint32_t offset);
    void write_register(uint32_t offset, uint32_t value);
    void write_status(uint32_t value);
    void reset_locked();
    Virtqueue* selected_queue();

    std::string m_name;
    uint64_t m_base;
    uint32_t m_irq;
    IrqLine& m_line;
    GuestMemory& m_memory;
    virtio::DeviceId m_id;
    uint64_t m_device_features;
    std::vector<std::unique_ptr<Virtqueue>> m_queues;

    // Guarded by m_lock.
    uint32_t m_status { 0 };
    uint32_t m_device_features_sel { 0 };
    uint32_t m_driver_features_sel { 0 };
    uint64_t m_driver_features { 0 };
    uint32_t m_queue_sel { 0 };
    uint32_t m_config_generation { 0 };
    bool m_became_driver_ok { false };

    std::atomic<uint64_t> m_driver_features_ok { 0 }; // features once FEATURES_OK, for hot paths
    std::atomic<bool> m_driver_ok { false };

    std::mutex m_irq_lock;
    uint32_t m_interrupt_status { 0 }; // guarded by m_irq_lock
};

} // namespace xenith
