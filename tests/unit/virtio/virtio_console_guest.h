// The driver's side of virtio-console's multiport control queues, for tests: control receive
// buffers, control messages out, the messages the device wrote, and Linux's handshake.
#pragma once

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "engine/dev/virtio/virtio_console.h"
#include "virtio/virtio_test_driver.h"

namespace xenith::test {

struct ControlMessage {
    uint32_t id;
    virtio::console::Event event;
    uint16_t value;
    std::string payload; // bytes after the 8-byte header (PORT_NAME's name)
    uint32_t len;        // what the device put in the used ring
};

inline std::vector<uint8_t> control_bytes(uint32_t id, uint16_t event, uint16_t value)
{
    return { uint8_t(id), uint8_t(id >> 8), uint8_t(id >> 16), uint8_t(id >> 24), uint8_t(event), uint8_t(event >> 8), uint8_t(value), uint8_t(value >> 8) };
}

class ConsoleControl {
public:
    static constexpr unsigned receiveq = 2;
    static constexpr unsigned transmitq = 3;

    ConsoleControl(TestDriver& driver)
        : m_driver(driver)
    {
    }

    // Posts `count` control receive buffers of `size` bytes (Linux posts PAGE_SIZE ones).
    void post(unsigned count, uint32_t size = 4096)
    {
        for (unsigned i = 0; i < count; ++i) {
            uint8_t* buf;
            uint16_t head = DescriptorChainBuilder(crx()).AppendWritableDescriptor(&buf, size).Build();
            m_buffers[head] = buf;
        }
        m_driver.notify(receiveq);
    }

    void send(uint32_t id, virtio::console::Event event, uint16_t value) { send_raw(control_bytes(id, uint16_t(event), value)); }
    void send_raw(std::vector<uint8_t> const& bytes)
    {
        DescriptorChainBuilder(ctx()).AppendReadableDescriptor(bytes.data(), uint32_t(bytes.size())).Build();
        m_driver.notify(transmitq);
    }

    // The control messages the device has returned since the last take().
    std::vector<ControlMessage> take()
    {
        std::vector<ControlMessage> out;
        while (m_seen != crx().used_idx()) {
            auto used = crx().used(m_seen++);
            uint8_t const* b = m_buffers.at(uint16_t(used.id));
            ControlMessage m {};
            m.len = used.len;
            if (used.len >= virtio::console::control_size) {
                std::memcpy(&m.id, b, 4);
                uint16_t ev;
                std::memcpy(&ev, b + 4, 2);
                m.event = virtio::console::Event(ev);
                std::memcpy(&m.value, b + 6, 2);
                m.payload.assign(reinterpret_cast<char const*>(b) + 8, used.len - 8);
            }
            out.push_back(m);
        }
        return out;
    }

    // What Linux's driver does: DEVICE_READY; PORT_READY for each DEVICE_ADD; PORT_OPEN 1 for a
    // port the device calls a console (init_port_console). Returns every message it saw.
    std::vector<ControlMessage> handshake()
    {
        using virtio::console::Event;
        std::vector<ControlMessage> all;
        send(0xffffffff, Event::DeviceReady, 1);
        for (int rounds = 0; rounds < 8; ++rounds) {
            auto batch = take();
            if (batch.empty())
                break;
            for (auto const& m : batch) {
                all.push_back(m);
                if (m.event == Event::DeviceAdd)
                    send(m.id, Event::PortReady, 1);
                else if (m.event == Event::ConsolePort && m.value == 1)
                    send(m.id, Event::PortOpen, 1);
            }
        }
        return all;
    }

    TestQueue& crx() { return m_driver.queue(receiveq); }
    TestQueue& ctx() { return m_driver.queue(transmitq); }

private:
    TestDriver& m_driver;
    std::map<uint16_t, uint8_t*> m_buffers;
    uint16_t m_seen { 0 };
};

} // namespace xenith::test
