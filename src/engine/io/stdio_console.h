// StdioConsole: the domain console on the process's own stdin/stdout (`--console stdio`).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <termios.h>

#include "base/error.h"
#include "engine/io/char_backend.h"

namespace xenith {

class EventLoop;

// Output is written straight to fd 1 with write(2), unbuffered, so a test reading a pipe sees
// every byte as the guest prints it. When stdin is a terminal it is put in raw mode (restored
// by the destructor) and Ctrl-A x quits, Ctrl-A Ctrl-A sends a Ctrl-A, like QEMU's -nographic;
// otherwise stdin is read as a plain pipe and its end of file is ignored.
// Threading: write() from any thread (serialized by a mutex); input arrives on the event loop.
class StdioConsole final : public CharBackend {
public:
    // `on_quit` runs on the loop thread when the user types Ctrl-A x.
    static Result<std::unique_ptr<StdioConsole>> create(EventLoop& loop, std::function<void()> on_quit);
    ~StdioConsole() override;

    void write(std::span<uint8_t const> bytes) override;
    void set_input_handler(InputHandler handler) override;

private:
    StdioConsole(EventLoop& loop, std::function<void()> on_quit);
    void on_readable();
    void deliver(std::span<uint8_t const> bytes);

    EventLoop& m_loop;
    std::function<void()> m_on_quit;
    std::mutex m_write_lock;
    std::mutex m_handler_lock;
    InputHandler m_handler;
    bool m_is_tty { false };
    bool m_registered { false };
    bool m_escape { false };
    termios m_saved {};
};

} // namespace xenith
