// CharBackend: where a domain's console bytes go and come from (stdio, a pty, a socket with a
// log and a history ring). The UART, the SBI console and virtio-console all write through one.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

namespace xenith {

class CharBackend {
public:
    using InputHandler = std::function<void(std::span<uint8_t const>)>;

    virtual ~CharBackend() = default;

    // Guest output. Any thread; never blocks the guest for long (buffers or drops when no
    // reader is keeping up, and says so in the log).
    virtual void write(std::span<uint8_t const> bytes) = 0;

    // Guest input: the backend calls `handler` (from the domain's I/O thread) with bytes typed by
    // the user. Set once, before the domain runs.
    virtual void set_input_handler(InputHandler handler) = 0;
};

} // namespace xenith
