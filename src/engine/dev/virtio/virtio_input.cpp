// VirtioInput: config-space selection and event delivery for the power button.
#include "engine/dev/virtio/virtio_input.h"

#include <cstring>

namespace xenith {

using namespace virtio_input;

namespace {
constexpr unsigned eventq = 0;
constexpr unsigned statusq = 1;
constexpr size_t max_pending_events = 256;
} // namespace

VirtioInput::VirtioInput(VirtioSlot slot, GuestMemory& memory, std::string device_name)
    : VirtioMmioDevice(fmt::format("virtio-input@{:x}", slot.base), slot, memory, virtio::DeviceId::Input, 0, { 64, 64 }, config_size)
    , m_device_name(std::move(device_name))
{
}

void VirtioInput::config_write(uint32_t offset, std::span<uint8_t const> bytes)
{
    // Only select (0) and subsel (1) are driver-writable.
    uint8_t select = m_config[0];
    uint8_t subsel = m_config[1];
    for (size_t i = 0; i < bytes.size(); ++i) {
        if (offset + i == 0)
            select = bytes[i];
        else if (offset + i == 1)
            subsel = bytes[i];
    }
    select_config(select, subsel);
}

void VirtioInput::select_config(uint8_t select, uint8_t subsel)
{
    std::fill(m_config.begin(), m_config.end(), 0);
    m_config[0] = select;
    m_config[1] = subsel;
    uint8_t* u = m_config.data() + 8;
    uint8_t size = 0;
    auto set_string = [&](std::string const& s) {
        size = static_cast<uint8_t>(std::min<size_t>(s.size(), 128));
        std::memcpy(u, s.data(), size);
    };
    switch (select) {
    case cfg_id_name:
        if (subsel == 0)
            set_string(m_device_name);
        break;
    case cfg_id_serial:
        if (subsel == 0)
            set_string("xenith-power-0");
        break;
    case cfg_id_devids:
        if (subsel == 0) {
            uint16_t ids[4] = { bus_virtual, 0x5858, 0x0001, 0x0001 }; // bustype, vendor, product, version
            std::memcpy(u, ids, sizeof(ids));
            size = sizeof(ids);
        }
        break;
    case cfg_ev_bits:
        // The Linux driver asks per event type; a power button has EV_KEY with one key.
        if (subsel == ev_key) {
            u[key_power / 8] |= static_cast<uint8_t>(1u << (key_power % 8));
            size = key_power / 8 + 1;
        }
        break;
    default: // PROP_BITS, ABS_INFO, UNSET: nothing
        break;
    }
    m_config[2] = size;
}

void VirtioInput::press_power_key()
{
    {
        std::lock_guard guard(m_event_lock);
        if (m_pending.size() + 4 <= max_pending_events) {
            m_pending.push_back({ ev_key, key_power, 1 });
            m_pending.push_back({ ev_syn, syn_report, 0 });
            m_pending.push_back({ ev_key, key_power, 0 });
            m_pending.push_back({ ev_syn, syn_report, 0 });
        }
    }
    deliver_events();
}

size_t VirtioInput::pending_events() const
{
    std::lock_guard guard(m_event_lock);
    return m_pending.size();
}

void VirtioInput::deliver_events()
{
    if (!driver_ok())
        return;
    std::lock_guard guard(m_event_lock);
    while (!m_pending.empty()) {
        auto chain = pop(eventq);
        if (!chain)
            return;
        Event e = m_pending.front();
        uint64_t n = chain->write(memory(), 0, std::span(reinterpret_cast<uint8_t const*>(&e), sizeof(e)));
        if (n == sizeof(e))
            m_pending.pop_front();
        complete(eventq, *chain, static_cast<uint32_t>(n));
    }
}

void VirtioInput::queue_notify(unsigned index)
{
    if (index == eventq) {
        deliver_events();
        return;
    }
    // Status (LED) updates from the guest: a power button has none to show.
    while (auto chain = pop(statusq))
        complete(statusq, *chain, 0);
}

} // namespace xenith
