// VirtioConsole: transmit to the char backend, buffer and deliver input.
#include "engine/dev/virtio/virtio_console.h"

#include <vector>

#include "base/log.h"

namespace xenith {

namespace {
constexpr unsigned receiveq = 0;
constexpr unsigned transmitq = 1;
constexpr size_t config_size = 12; // cols, rows, max_nr_ports, emerg_wr: unused without features
} // namespace

VirtioConsole::VirtioConsole(VirtioSlot slot, GuestMemory& memory, CharBackend& backend)
    : VirtioMmioDevice(fmt::format("virtio-console@{:x}", slot.base), slot, memory, virtio::DeviceId::Console, 0, { 64, 64 }, config_size)
    , m_backend(backend)
{
}

void VirtioConsole::attach_input()
{
    m_backend.set_input_handler([this](std::span<uint8_t const> bytes) { receive(bytes); });
}

size_t VirtioConsole::pending_input() const
{
    std::lock_guard guard(m_rx_lock);
    return m_pending.size();
}

void VirtioConsole::receive(std::span<uint8_t const> bytes)
{
    {
        std::lock_guard guard(m_rx_lock);
        size_t room = max_pending_input - m_pending.size();
        if (bytes.size() > room) {
            if (!m_dropped_logged)
                log::warn("{}: guest is not reading its console; dropping input", name());
            m_dropped_logged = true;
            bytes = bytes.first(room);
        }
        m_pending.insert(m_pending.end(), bytes.begin(), bytes.end());
    }
    deliver_input();
}

void VirtioConsole::deliver_input()
{
    if (!driver_ok())
        return;
    std::lock_guard guard(m_rx_lock);
    while (!m_pending.empty()) {
        auto chain = pop(receiveq);
        if (!chain)
            return;
        size_t n = std::min<size_t>(chain->writable_bytes(), m_pending.size());
        std::vector<uint8_t> bytes(m_pending.begin(), m_pending.begin() + static_cast<long>(n));
        chain->write(memory(), 0, bytes);
        m_pending.erase(m_pending.begin(), m_pending.begin() + static_cast<long>(n));
        complete(receiveq, *chain, static_cast<uint32_t>(n));
    }
    m_dropped_logged = false;
}

void VirtioConsole::transmit()
{
    while (auto chain = pop(transmitq)) {
        std::vector<uint8_t> bytes(chain->readable_bytes());
        chain->read(0, bytes);
        if (!bytes.empty())
            m_backend.write(bytes);
        complete(transmitq, *chain, 0);
    }
}

void VirtioConsole::queue_notify(unsigned index)
{
    if (index == transmitq)
        transmit();
    else if (index == receiveq)
        deliver_input();
}

} // namespace xenith
