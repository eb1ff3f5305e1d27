// VirtioConsole: the virtio console device with one port (hvc0), over a CharBackend.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <span>

#include "engine/dev/virtio/virtio_mmio.h"
#include "engine/io/char_backend.h"

namespace xenith {

// Queue 0 (receiveq0) carries host-to-guest bytes, queue 1 (transmitq0) guest-to-host bytes.
// Output goes to the backend from the notifying vCPU thread. Input arrives through receive() (the
// backend's input handler, on the I/O thread) and waits in a bounded buffer until the guest
// has posted receive buffers.
class VirtioConsole final : public VirtioMmioDevice {
public:
    static constexpr size_t max_pending_input = 64 * 1024;

    VirtioConsole(VirtioSlot slot, GuestMemory& memory, CharBackend& backend);

    // Makes this device the backend's input handler (the board does it for the console the user
    // types into: hvc0 or the UART, not both).
    void attach_input();
    // Host-to-guest bytes. Any thread.
    void receive(std::span<uint8_t const> bytes);

    size_t pending_input() const;

private:
    void queue_notify(unsigned index) override;
    void deliver_input();
    void transmit();

    CharBackend& m_backend;
    mutable std::mutex m_rx_lock; // taken before any queue lock; never while m_lock is held
    std::deque<uint8_t> m_pending;
    bool m_dropped_logged { false };
};

} // namespace xenith
