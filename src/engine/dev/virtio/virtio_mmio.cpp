// VirtioMmioDevice: register file, feature negotiation, status/reset and interrupts.
#include "engine/dev/virtio/virtio_mmio.h"

#include <cstring>

#include "base/log.h"
#include "engine/dev/fdt_writer.h"
#include "engine/mem/guest_memory.h"

namespace xenith {

using namespace virtio;

VirtioMmioDevice::VirtioMmioDevice(std::string name, VirtioSlot slot, GuestMemory& memory, DeviceId id, uint64_t device_features, std::vector<uint16_t> queue_max_sizes, size_t config_size)
    : m_config(config_size, 0)
    , m_name(std::move(name))
    , m_base(slot.base)
    , m_irq(slot.irq)
    , m_line(slot.line)
    , m_memory(memory)
    , m_id(id)
    , m_device_features(device_features | feature::version_1 | feature::event_idx | feature::indirect_desc)
{
    for (uint16_t max : queue_max_sizes)
        m_queues.push_back(std::make_unique<Virtqueue>(memory, max));
}

uint32_t VirtioMmioDevice::device_status() const
{
    std::lock_guard guard(m_lock);
    return m_status;
}

uint64_t VirtioMmioDevice::queue_desc_address(unsigned index) const
{
    std::lock_guard guard(m_lock);
    return index < m_queues.size() ? m_queues[index]->desc_addr() : 0;
}

uint64_t VirtioMmioDevice::read(uint64_t offset, unsigned size)
{
    if (offset >= mmio::config) {
        uint64_t config_offset = offset - mmio::config;
        std::lock_guard guard(m_lock);
        if (config_offset >= m_config.size() || size > m_config.size() - config_offset)
            return 0;
        uint64_t value = 0;
        std::memcpy(&value, m_config.data() + config_offset, size);
        return value;
    }
    // Registers are 32-bit wide; the spec forbids other access sizes, so they read as zero.
    if (size != 4 || offset % 4)
        return 0;
    if (offset == mmio::interrupt_status) {
        std::lock_guard guard(m_irq_lock);
        return m_interrupt_status;
    }
    std::lock_guard guard(m_lock);
    return read_register(static_cast<uint32_t>(offset));
}

void VirtioMmioDevice::write(uint64_t offset, uint64_t value, unsigned size)
{
    if (offset >= mmio::config) {
        uint64_t config_offset = offset - mmio::config;
        std::lock_guard guard(m_lock);
        if (config_offset >= m_config.size() || size > m_config.size() - config_offset)
            return;
        uint8_t bytes[8];
        std::memcpy(bytes, &value, sizeof(bytes));
        config_write(static_cast<uint32_t>(config_offset), std::span<uint8_t const>(bytes, size));
        return;
    }
    if (size != 4 || offset % 4)
        return;
    uint32_t v = static_cast<uint32_t>(value);
    if (offset == mmio::queue_notify) {
        // Notification runs the device's queue work on this vCPU thread, outside m_lock.
        if (v < m_queues.size() && driver_ok())
            queue_notify(v);
        return;
    }
    if (offset == mmio::interrupt_ack) {
        std::lock_guard guard(m_irq_lock);
        m_interrupt_status &= ~v;
        if (m_interrupt_status == 0)
            m_line.set_level(false);
        return;
    }
    bool became_ok = false;
    {
        std::lock_guard guard(m_lock);
        write_register(static_cast<uint32_t>(offset), v);
        became_ok = std::exchange(m_became_driver_ok, false);
    }
    if (became_ok) {
        // Drivers may add buffers (and notify) before DRIVER_OK; the device could not use them
        // then (spec 3.1.1), so look at every queue now.
        on_driver_ok();
        for (unsigned i = 0; i < m_queues.size(); ++i)
            queue_notify(i);
    }
}

Virtqueue* VirtioMmioDevice::selected_queue()
{
    return m_queue_sel < m_queues.size() ? m_queues[m_queue_sel].get() : nullptr;
}

uint32_t VirtioMmioDevice::read_register(uint32_t offset)
{
    Virtqueue* q = selected_queue();
    switch (offset) {
    case mmio::magic_value:
        return mmio::magic;
    case mmio::version:
        return mmio::version_modern;
    case mmio::device_id:
        return static_cast<uint32_t>(m_id);
    case mmio::vendor_id:
        return mmio::vendor;
    case mmio::device_features:
        if (m_device_features_sel > 1)
            return 0;
        return static_cast<uint32_t>(m_device_features >> (32 * m_device_features_sel));
    case mmio::queue_num_max:
        return q ? q->max_size() : 0;
    case mmio::queue_num:
        return q ? q->size() : 0;
    case mmio::queue_ready:
        return q && q->ready() ? 1 : 0;
    case mmio::status:
        return m_status;
    case mmio::queue_desc_low:
        return q ? static_cast<uint32_t>(q->desc_addr()) : 0;
    case mmio::queue_desc_high:
        return q ? static_cast<uint32_t>(q->desc_addr() >> 32) : 0;
    case mmio::queue_driver_low:
        return q ? static_cast<uint32_t>(q->driver_addr()) : 0;
    case mmio::queue_driver_high:
        return q ? static_cast<uint32_t>(q->driver_addr() >> 32) : 0;
    case mmio::queue_device_low:
        return q ? static_cast<uint32_t>(q->device_addr()) : 0;
    case mmio::queue_device_high:
        return q ? static_cast<uint32_t>(q->device_addr() >> 32) : 0;
    case mmio::shm_len_low:
    case mmio::shm_len_high:
        return 0xffffffff; // no shared memory regions: length -1
    case mmio::config_generation:
        return m_config_generation;
    default:
        return 0;
    }
}

void VirtioMmioDevice::write_register(uint32_t offset, uint32_t value)
{
    Virtqueue* q = selected_queue();
    auto set_low = [](uint64_t old, uint32_t v) { return (old & ~0xffffffffull) | v; };
    auto set_high = [](uint64_t old, uint32_t v) { return (old & 0xffffffffull) | (uint64_t(v) << 32); };
    switch (offset) {
    case mmio::device_features_sel:
        m_device_features_sel = value;
        break;
    case mmio::driver_features_sel:
        m_driver_features_sel = value;
        break;
    case mmio::driver_features:
        // Features are frozen once FEATURES_OK is set (spec 3.1.1).
        if (m_status & status::features_ok)
            break;
        if (m_driver_features_sel == 0)
            m_driver_features = set_low(m_driver_features, value);
        else if (m_driver_features_sel == 1)
            m_driver_features = set_high(m_driver_features, value);
        break;
    case mmio::queue_sel:
        m_queue_sel = value;
        break;
    case mmio::queue_num:
        if (q)
            q->set_size(value);
        break;
    case mmio::queue_ready:
        if (!q)
            break;
        if (value == 0) {
            q->reset();
        } else if (!q->ready()) {
            if (!(m_status & status::features_ok)) {
                log::warn("{}: queue {} enabled before FEATURES_OK; ignored", m_name, m_queue_sel);
                break;
            }
            auto s = q->enable((m_driver_features & feature::event_idx) != 0, (m_driver_features & feature::indirect_desc) != 0);
            if (!s) {
                log::warn("{}: queue {}: {}; device needs reset", m_name, m_queue_sel, s.error().message());
                m_status |= status::device_needs_reset;
            }
        }
        break;
    case mmio::queue_desc_low:
        if (q)
            q->set_desc_addr(set_low(q->desc_addr(), value));
        break;
    case mmio::queue_desc_high:
        if (q)
            q->set_desc_addr(set_high(q->desc_addr(), value));
        break;
    case mmio::queue_driver_low:
        if (q)
            q->set_driver_addr(set_low(q->driver_addr(), value));
        break;
    case mmio::queue_driver_high:
        if (q)
            q->set_driver_addr(set_high(q->driver_addr(), value));
        break;
    case mmio::queue_device_low:
        if (q)
            q->set_device_addr(set_low(q->device_addr(), value));
        break;
    case mmio::queue_device_high:
        if (q)
            q->set_device_addr(set_high(q->device_addr(), value));
        break;
    case mmio::status:
        write_status(value);
        break;
    default:
        break;
    }
}

void VirtioMmioDevice::write_status(uint32_t value)
{
    if (value == 0) {
        reset_locked();
        return;
    }
    uint32_t old = m_status;
    uint32_t next = value | (old & status::device_needs_reset);
    if ((next & status::features_ok) && !(old & status::features_ok)) {
        // A modern device needs VERSION_1 and cannot accept features it did not offer; leaving
        // FEATURES_OK clear tells the driver so (spec 3.1.1 step 6).
        bool subset = (m_driver_features & ~m_device_features) == 0;
        bool modern = (m_driver_features & feature::version_1) != 0;
        if (!subset || !modern) {
            log::warn("{}: driver features {:#x} rejected (offered {:#x}, VERSION_1 required)", m_name, m_driver_features, m_device_features);
            next &= ~status::features_ok;
        } else {
            m_driver_features_ok.store(m_driver_features, std::memory_order_release);
        }
    }
    m_status = next;
    if ((next & status::driver_ok) && !(old & status::driver_ok) && (next & status::features_ok)) {
        m_driver_ok.store(true, std::memory_order_release);
        m_became_driver_ok = true;
    }
}

void VirtioMmioDevice::reset_locked()
{
    m_driver_ok.store(false, std::memory_order_release);
    m_driver_features_ok.store(0, std::memory_order_release);
    for (auto& q : m_queues)
        q->reset();
    m_status = 0;
    m_driver_features = 0;
    m_device_features_sel = m_driver_features_sel = 0;
    m_queue_sel = 0;
    {
        std::lock_guard guard(m_irq_lock);
        m_interrupt_status = 0;
        m_line.set_level(false);
    }
    on_reset();
}

std::optional<DescriptorChain> VirtioMmioDevice::pop(unsigned index)
{
    auto chain = m_queues[index]->pop();
    if (!chain) {
        set_needs_reset(fmt::format("queue {}: {}", index, chain.error().message()));
        return std::nullopt;
    }
    return std::move(*chain);
}

void VirtioMmioDevice::complete(unsigned index, DescriptorChain const& chain, uint32_t written)
{
    if (m_queues[index]->push(chain, written))
        raise_interrupt(mmio::interrupt_used_buffer);
}

void VirtioMmioDevice::raise_interrupt(uint32_t bits)
{
    std::lock_guard guard(m_irq_lock);
    m_interrupt_status |= bits;
    m_line.set_level(true);
}

void VirtioMmioDevice::set_needs_reset(std::string_view why)
{
    bool notify = false;
    {
        std::lock_guard guard(m_lock);
        if (m_status & status::device_needs_reset)
            return;
        log::warn("{}: {}; device needs reset", m_name, why);
        m_status |= status::device_needs_reset;
        notify = (m_status & status::driver_ok) != 0;
    }
    if (notify)
        raise_interrupt(mmio::interrupt_config_change);
}

void VirtioMmioDevice::notify_config_change()
{
    bool notify;
    {
        std::lock_guard guard(m_lock);
        ++m_config_generation;
        notify = (m_status & status::driver_ok) != 0;
    }
    if (notify)
        raise_interrupt(mmio::interrupt_config_change);
}

void VirtioMmioDevice::write_fdt(FdtWriter& fdt) const
{
    fdt.begin_node(fmt::format("virtio_mmio@{:x}", m_base));
    fdt.property("compatible", "virtio,mmio");
    fdt.property_reg(m_base, mmio::window_size);
    fdt.property_u32("interrupt-parent", phandle::plic);
    fdt.property_u32("interrupts", m_irq);
    fdt.end_node();
}

} // namespace xenith
