// VirtioConsole: ports, the multiport control handshake, transmit to backends, buffered input.
#include "engine/dev/virtio/virtio_console.h"

#include <algorithm>

#include "base/log.h"

namespace xenith {

using virtio::console::Event;

namespace {

constexpr unsigned control_receiveq = 2;
constexpr unsigned control_transmitq = 3;
constexpr unsigned max_ports = 16;
constexpr uint16_t queue_size = 64;
// cols, rows (u16), max_nr_ports (u32), emerg_wr (u32).
constexpr size_t config_size = 12;
constexpr size_t config_max_nr_ports = 4;
// How much guest output is copied to a backend at a time.
constexpr size_t transmit_chunk = 4096;

unsigned receiveq(unsigned port) { return port == 0 ? 0 : 2 * port + 2; }
unsigned transmitq(unsigned port) { return port == 0 ? 1 : 2 * port + 3; }

std::vector<uint16_t> queue_sizes(size_t ports) { return std::vector<uint16_t>(2 * ports + 2, queue_size); }

char const* event_name(uint16_t event)
{
    switch (Event(event)) {
    case Event::DeviceReady:
        return "DEVICE_READY";
    case Event::DeviceAdd:
        return "DEVICE_ADD";
    case Event::DeviceRemove:
        return "DEVICE_REMOVE";
    case Event::PortReady:
        return "PORT_READY";
    case Event::ConsolePort:
        return "CONSOLE_PORT";
    case Event::Resize:
        return "RESIZE";
    case Event::PortOpen:
        return "PORT_OPEN";
    case Event::PortName:
        return "PORT_NAME";
    }
    return "unknown event";
}

} // namespace

VirtioConsole::VirtioConsole(VirtioSlot slot, GuestMemory& memory, CharBackend& console, std::vector<NamedPort> named)
    : VirtioMmioDevice(fmt::format("virtio-console@{:x}", slot.base), slot, memory, virtio::DeviceId::Console,
        virtio::console::f_multiport, queue_sizes(1 + std::min<size_t>(named.size(), max_ports - 1)), config_size)
{
    m_ports.push_back(std::make_unique<Port>());
    m_ports.back()->backend = &console;
    for (auto& n : named) {
        if (m_ports.size() == max_ports) {
            log::warn("{}: at most {} ports; port '{}' left out", name(), max_ports, n.name);
            break;
        }
        m_ports.push_back(std::make_unique<Port>());
        m_ports.back()->name = std::move(n.name);
        m_ports.back()->backend = n.backend;
    }
    config_put<uint32_t>(config_max_nr_ports, uint32_t(m_ports.size()));
}

void VirtioConsole::attach_input(unsigned port)
{
    if (port >= m_ports.size() || !m_ports[port]->backend)
        return;
    m_ports[port]->backend->set_input_handler([this, port](std::span<uint8_t const> bytes) { receive(port, bytes); });
}

bool VirtioConsole::port_open(unsigned port) const
{
    if (port >= m_ports.size() || !driver_ok())
        return false;
    if (!multiport())
        return port == console_port;
    return m_ports[port]->guest_open.load(std::memory_order_acquire);
}

size_t VirtioConsole::pending_input(unsigned port) const
{
    if (port >= m_ports.size())
        return 0;
    std::lock_guard guard(m_state_lock);
    return m_ports[port]->pending.size();
}

void VirtioConsole::receive(unsigned port, std::span<uint8_t const> bytes)
{
    if (port >= m_ports.size())
        return;
    std::lock_guard guard(m_state_lock);
    sync_reset_locked();
    Port& p = *m_ports[port];
    size_t room = max_pending_input - p.pending.size();
    if (bytes.size() > room) {
        if (!p.dropped_logged)
            log::warn("{}: port {}: the guest is not reading; dropping input", name(), port);
        p.dropped_logged = true;
        bytes = bytes.first(room);
    }
    p.pending.insert(p.pending.end(), bytes.begin(), bytes.end());
    deliver_input_locked(port);
}

void VirtioConsole::on_reset()
{
    // m_lock is held here, so the state lock may not be taken: flip atomics only and let the
    // next state-lock holder clear the handshake (sync_reset_locked).
    m_reset_count.fetch_add(1, std::memory_order_acq_rel);
    for (auto& port : m_ports)
        port->guest_open.store(false, std::memory_order_release);
}

void VirtioConsole::sync_reset_locked()
{
    uint64_t resets = m_reset_count.load(std::memory_order_acquire);
    if (resets == m_reset_seen)
        return;
    m_reset_seen = resets;
    m_complained = false;
    m_outbox.clear();
    // Typed input survives a reset (a rebooting guest reads it once it is back).
    for (auto& port : m_ports) {
        port->announced = false;
        port->ready = false;
    }
}

void VirtioConsole::complain_locked(std::string_view what)
{
    if (!m_complained)
        log::warn("{}: {} (ignored; further complaints until the next reset are not logged)", name(), what);
    m_complained = true;
}

void VirtioConsole::deliver_input_locked(unsigned port)
{
    Port& p = *m_ports[port];
    if (p.pending.empty() || !port_open(port))
        return;
    unsigned q = receiveq(port);
    while (!p.pending.empty()) {
        auto chain = pop(q);
        if (!chain)
            return;
        size_t n = std::min<size_t>(chain->writable_bytes(), p.pending.size());
        std::vector<uint8_t> bytes(p.pending.begin(), p.pending.begin() + static_cast<long>(n));
        chain->write(memory(), 0, bytes);
        p.pending.erase(p.pending.begin(), p.pending.begin() + static_cast<long>(n));
        complete(q, *chain, static_cast<uint32_t>(n));
    }
    p.dropped_logged = false;
}

void VirtioConsole::send_control_locked(uint32_t id, Event event, uint16_t value, std::string payload)
{
    if (m_outbox.size() >= max_outbox) {
        complain_locked("the guest does not read the control queue; a control message was dropped");
        return;
    }
    Message m;
    uint16_t ev = uint16_t(event);
    uint8_t header[virtio::console::control_size] = {
        uint8_t(id), uint8_t(id >> 8), uint8_t(id >> 16), uint8_t(id >> 24),
        uint8_t(ev), uint8_t(ev >> 8), uint8_t(value), uint8_t(value >> 8),
    };
    std::copy(std::begin(header), std::end(header), m.header.begin());
    m.payload = std::move(payload);
    m_outbox.push_back(std::move(m));
    deliver_control_locked();
}

void VirtioConsole::deliver_control_locked()
{
    if (!driver_ok() || !multiport())
        return;
    while (!m_outbox.empty()) {
        auto chain = pop(control_receiveq);
        if (!chain)
            return;
        Message const& m = m_outbox.front();
        size_t size = m.header.size() + m.payload.size();
        if (chain->writable_bytes() < size) {
            // A truncated message (a port name cut short) would mislead the driver: drop it.
            complain_locked(fmt::format("control receive buffer of {} bytes is too small for a {}-byte message", chain->writable_bytes(), size));
            complete(control_receiveq, *chain, 0);
            m_outbox.pop_front();
            continue;
        }
        chain->write(memory(), 0, m.header);
        if (!m.payload.empty())
            chain->write(memory(), m.header.size(), std::span(reinterpret_cast<uint8_t const*>(m.payload.data()), m.payload.size()));
        complete(control_receiveq, *chain, static_cast<uint32_t>(size));
        m_outbox.pop_front();
    }
}

void VirtioConsole::handle_control_locked(std::span<uint8_t const> msg)
{
    uint32_t id = uint32_t(msg[0]) | uint32_t(msg[1]) << 8 | uint32_t(msg[2]) << 16 | uint32_t(msg[3]) << 24;
    uint16_t event = uint16_t(msg[4] | msg[5] << 8);
    uint16_t value = uint16_t(msg[6] | msg[7] << 8);

    if (event == uint16_t(Event::DeviceReady)) {
        // The id is meaningless here (Linux sends 0xffffffff).
        if (value != 1) {
            log::warn("{}: the guest's driver reports it failed to set up the device (DEVICE_READY {})", name(), value);
            return;
        }
        for (uint32_t i = 0; i < m_ports.size(); ++i) {
            if (!m_ports[i]->announced) {
                m_ports[i]->announced = true;
                send_control_locked(i, Event::DeviceAdd, 1);
            }
        }
        return;
    }
    if (event != uint16_t(Event::PortReady) && event != uint16_t(Event::PortOpen)) {
        complain_locked(fmt::format("the guest sent {} ({}), which only a device sends or which does not exist", event_name(event), event));
        return;
    }
    if (id >= m_ports.size()) {
        complain_locked(fmt::format("the guest sent {} for port {}, which does not exist ({} ports)", event_name(event), id, m_ports.size()));
        return;
    }
    Port& p = *m_ports[id];
    if (!p.announced) {
        complain_locked(fmt::format("the guest sent {} for port {} before the device announced it", event_name(event), id));
        return;
    }
    if (value > 1) {
        complain_locked(fmt::format("the guest sent {} with value {} for port {} (0 or 1 expected)", event_name(event), value, id));
        return;
    }

    if (event == uint16_t(Event::PortReady)) {
        if (value == 0) {
            log::warn("{}: the guest's driver failed to set up port {}", name(), id);
            return;
        }
        if (p.ready)
            return; // Linux answers a repeated DEVICE_ADD with PORT_READY again; nothing new to say
        p.ready = true;
        if (id == console_port) {
            send_control_locked(id, Event::ConsolePort, 1);
        } else {
            if (!p.name.empty())
                send_control_locked(id, Event::PortName, 1, p.name);
            // The host end of a named port is always connected: Linux blocks writes and reads
            // end-of-file on a port until the host says so.
            send_control_locked(id, Event::PortOpen, 1);
        }
        return;
    }

    // PORT_OPEN from the guest.
    if (!p.ready) {
        complain_locked(fmt::format("the guest opened port {} before it was ready", id));
        return;
    }
    p.guest_open.store(value == 1, std::memory_order_release);
    if (value == 1)
        deliver_input_locked(id);
}

void VirtioConsole::process_control_queue()
{
    std::lock_guard guard(m_state_lock);
    sync_reset_locked();
    while (auto chain = pop(control_transmitq)) {
        uint8_t msg[virtio::console::control_size];
        if (chain->read(0, msg) < sizeof(msg))
            complain_locked(fmt::format("control message of {} bytes is shorter than its 8-byte header", chain->readable_bytes()));
        else
            handle_control_locked(msg);
        complete(control_transmitq, *chain, 0);
    }
    deliver_control_locked();
}

void VirtioConsole::transmit(unsigned port)
{
    Port& p = *m_ports[port];
    std::lock_guard guard(p.tx_lock);
    std::vector<uint8_t> bytes;
    while (auto chain = pop(transmitq(port))) {
        uint64_t total = chain->readable_bytes();
        for (uint64_t offset = 0; offset < total;) {
            bytes.resize(std::min<uint64_t>(transmit_chunk, total - offset));
            uint64_t n = chain->read(offset, bytes);
            if (n == 0)
                break;
            if (p.backend)
                p.backend->write(std::span(bytes.data(), n));
            offset += n;
        }
        complete(transmitq(port), *chain, 0);
    }
}

void VirtioConsole::queue_notify(unsigned index)
{
    if (index >= 2 && !multiport())
        return; // control and extra port queues exist only with MULTIPORT
    if (index == control_receiveq) {
        std::lock_guard guard(m_state_lock);
        sync_reset_locked();
        deliver_control_locked();
        return;
    }
    if (index == control_transmitq) {
        process_control_queue();
        return;
    }
    unsigned port = index < 2 ? 0 : (index - 2) / 2;
    if (port >= m_ports.size())
        return;
    if (index == transmitq(port)) {
        transmit(port);
    } else {
        std::lock_guard guard(m_state_lock);
        sync_reset_locked();
        deliver_input_locked(port);
    }
}

} // namespace xenith
