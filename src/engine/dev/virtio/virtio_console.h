// VirtioConsole: the virtio console device (virtio 1.2 section 5.3) with multiport: port 0 is a
// console (Linux's hvc0), further ports are named channels (Linux's /dev/vportNpM).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "engine/dev/virtio/virtio_mmio.h"
#include "engine/io/char_backend.h"

namespace xenith {

namespace virtio::console {
inline constexpr uint64_t f_size = 1ull << 0;
inline constexpr uint64_t f_multiport = 1ull << 1;

// struct virtio_console_control: le32 id, le16 event, le16 value (spec 5.3.6.2).
inline constexpr size_t control_size = 8;
enum class Event : uint16_t {
    DeviceReady = 0, // driver: the driver is ready (value 1) or failed (0)
    DeviceAdd = 1,   // device: port `id` exists
    DeviceRemove = 2,
    PortReady = 3,   // driver: port `id` is set up (value 1) or failed (0)
    ConsolePort = 4, // device: port `id` is a console
    Resize = 5,
    PortOpen = 6,    // both: one side opened (1) or closed (0) port `id`
    PortName = 7,    // device: port `id` is named by the bytes after the header
};
} // namespace virtio::console

// Queues: receiveq0 (0) and transmitq0 (1) for port 0; with VIRTIO_CONSOLE_F_MULTIPORT the
// control receiveq (2) and transmitq (3), then receiveqN (2N+2) and transmitqN (2N+3) for port N.
// A driver that does not negotiate MULTIPORT sees port 0 alone, open once DRIVER_OK is set.
//
// The multiport handshake, driven by the driver: DEVICE_READY -> the device announces each port
// (DEVICE_ADD) -> the driver answers PORT_READY -> the device says what the port is
// (CONSOLE_PORT for port 0, PORT_NAME for a named port) and, for a named port, that the host
// end is connected (PORT_OPEN 1; Linux refuses writes and reports end-of-file until it is).
// The driver reports its side with PORT_OPEN; Linux sends PORT_OPEN 1 for a console port as soon
// as it has made it an hvc console, not when a program opens the tty.
//
// Every control message from the guest is checked: short buffers, unknown port ids, events only
// a device may send, values out of range and messages out of order are ignored (logged once per
// reset), never trusted.
//
// Threading: queue notifications come from vCPU threads; receive() from any thread (the I/O
// thread for the console, a worker for the agent). Port state, pending input and the control
// outbox are guarded by m_state_lock, which is taken before any queue lock and never while the
// transport's m_lock is held (on_reset() only flips atomics; the state is cleared lazily).
// Guest output goes to a port's backend on the notifying vCPU thread, under that port's
// transmit lock so the bytes of concurrent notifications keep the ring's order.
class VirtioConsole final : public VirtioMmioDevice {
public:
    static constexpr size_t max_pending_input = 64 * 1024; // per port
    static constexpr size_t max_outbox = 64;                 // queued control messages
    static constexpr unsigned console_port = 0;

    // A named port: Linux shows `name` in /sys/class/virtio-ports/vportNpM/name.
    struct NamedPort {
        std::string name;
        CharBackend* backend { nullptr };
    };

    // Port 0 is the console on `console`; `named` become ports 1, 2, ... (at most 15).
    VirtioConsole(VirtioSlot slot, GuestMemory& memory, CharBackend& console, std::vector<NamedPort> named = {});

    unsigned port_count() const { return unsigned(m_ports.size()); }

    // Makes this device the input handler of port `port`'s backend. The board feeds the console
    // port itself (it picks which console gets the user's keys), so this is for named ports, or
    // for a console the board does not route.
    void attach_input(unsigned port);
    // Host-to-guest bytes for `port` (an unknown port is ignored). They wait, up to
    // max_pending_input, until the guest has the port open and has posted receive buffers.
    // Any thread.
    void receive(unsigned port, std::span<uint8_t const> bytes);

    // Whether the guest has `port` open: after DRIVER_OK without MULTIPORT (port 0 only), or
    // after the guest's PORT_OPEN 1 until its PORT_OPEN 0 or a reset. Any thread.
    bool port_open(unsigned port) const;
    size_t pending_input(unsigned port) const;

private:
    struct Port {
        std::string name; // empty for the console port
        CharBackend* backend { nullptr };
        std::deque<uint8_t> pending;   // guarded by m_state_lock
        bool dropped_logged { false }; // guarded by m_state_lock
        bool announced { false };      // DEVICE_ADD sent; guarded by m_state_lock
        bool ready { false };          // PORT_READY 1 received; guarded by m_state_lock
        std::atomic<bool> guest_open { false };
        std::mutex tx_lock;
    };
    struct Message {
        std::array<uint8_t, virtio::console::control_size> header {};
        std::string payload;
    };

    void queue_notify(unsigned index) override;
    void on_reset() override;

    bool multiport() const { return negotiated(virtio::console::f_multiport); }
    // Clears the handshake state after a device reset; m_state_lock held.
    void sync_reset_locked();
    void deliver_input_locked(unsigned port);
    void deliver_control_locked();
    void send_control_locked(uint32_t id, virtio::console::Event event, uint16_t value, std::string payload = {});
    void handle_control_locked(std::span<uint8_t const> message);
    void process_control_queue();
    void transmit(unsigned port);
    // Logs a complaint about the guest once per reset.
    void complain_locked(std::string_view what);

    std::vector<std::unique_ptr<Port>> m_ports;

    mutable std::mutex m_state_lock;
    std::deque<Message> m_outbox;               // guarded by m_state_lock
    bool m_complained { false };                // guarded by m_state_lock
    uint64_t m_reset_seen { 0 };                // guarded by m_state_lock
    std::atomic<uint64_t> m_reset_count { 0 };  // bumped by on_reset()
};

} // namespace xenith
