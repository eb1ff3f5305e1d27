// VirtioInput: a virtio input device (virtio 1.2 section 5.8) that is a power button.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

#include "engine/dev/virtio/virtio_mmio.h"

namespace xenith {

namespace virtio_input {
// Config selectors.
inline constexpr uint8_t cfg_unset = 0x00;
inline constexpr uint8_t cfg_id_name = 0x01;
inline constexpr uint8_t cfg_id_serial = 0x02;
inline constexpr uint8_t cfg_id_devids = 0x03;
inline constexpr uint8_t cfg_prop_bits = 0x10;
inline constexpr uint8_t cfg_ev_bits = 0x11;
inline constexpr uint8_t cfg_abs_info = 0x12;
inline constexpr size_t config_size = 8 + 128;

// Linux input event codes we use (include/uapi/linux/input-event-codes.h).
inline constexpr uint16_t ev_syn = 0x00;
inline constexpr uint16_t ev_key = 0x01;
inline constexpr uint16_t syn_report = 0;
inline constexpr uint16_t key_power = 116;
inline constexpr uint16_t bus_virtual = 0x06;

struct Event {
    uint16_t type;
    uint16_t code;
    uint32_t value;
};
static_assert(sizeof(Event) == 8);
} // namespace virtio_input

// The guest sees a keyboard with one key, KEY_POWER: press_power_key() is how a graceful
// shutdown request (xm shutdown) reaches init (busybox acpid, systemd-logind). Events wait in a
// queue until the guest has posted event buffers.
class VirtioInput final : public VirtioMmioDevice {
public:
    VirtioInput(VirtioSlot slot, GuestMemory& memory, std::string device_name = "Xenith Power Button");

    // Press and release, each followed by SYN_REPORT. Any thread.
    void press_power_key();
    size_t pending_events() const;

private:
    void queue_notify(unsigned index) override;
    void config_write(uint32_t offset, std::span<uint8_t const> bytes) override;
    void select_config(uint8_t select, uint8_t subsel);
    void deliver_events();

    std::string m_device_name;
    mutable std::mutex m_event_lock; // taken before queue locks; never while m_lock is held
    std::deque<virtio_input::Event> m_pending;
};

} // namespace xenith
