// StdioConsole: raw-mode terminal handling, the Ctrl-A escape and unbuffered output.
#include "engine/io/stdio_console.h"

#include <cerrno>
#include <sys/epoll.h>
#include <unistd.h>
#include <vector>

#include "base/log.h"
#include "engine/io/event_loop.h"

namespace xenith {

namespace {
constexpr uint8_t ctrl_a = 0x01;
}

StdioConsole::StdioConsole(EventLoop& loop, std::function<void()> on_quit)
    : m_loop(loop)
    , m_on_quit(std::move(on_quit))
{
}

Result<std::unique_ptr<StdioConsole>> StdioConsole::create(EventLoop& loop, std::function<void()> on_quit)
{
    std::unique_ptr<StdioConsole> c(new StdioConsole(loop, std::move(on_quit)));
    c->m_is_tty = ::isatty(STDIN_FILENO);
    if (c->m_is_tty) {
        if (::tcgetattr(STDIN_FILENO, &c->m_saved) != 0)
            return fail_errno("console: tcgetattr(stdin)");
        termios raw = c->m_saved;
        cfmakeraw(&raw);
        // cfmakeraw also ends output post-processing: the guest sends CR LF itself, as to a
        // real serial port.
        if (::tcsetattr(STDIN_FILENO, TCSANOW, &raw) != 0)
            return fail_errno("console: tcsetattr(stdin)");
    }
    // stdin may be /dev/null or a closed fd in tests; then there is simply no input.
    StdioConsole* raw_ptr = c.get();
    if (auto s = loop.add(STDIN_FILENO, EPOLLIN, [raw_ptr](uint32_t) { raw_ptr->on_readable(); }); s)
        c->m_registered = true;
    else
        log::debug("console: no input from stdin ({})", s.error().message());
    return c;
}

StdioConsole::~StdioConsole()
{
    if (m_registered)
        m_loop.remove(STDIN_FILENO);
    if (m_is_tty)
        ::tcsetattr(STDIN_FILENO, TCSANOW, &m_saved);
}

void StdioConsole::write(std::span<uint8_t const> bytes)
{
    std::lock_guard guard(m_write_lock);
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(STDOUT_FILENO, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; // nobody reads stdout any more; the guest must not stall on that
        done += size_t(n);
    }
}

void StdioConsole::set_input_handler(InputHandler handler)
{
    std::lock_guard guard(m_handler_lock);
    m_handler = std::move(handler);
}

void StdioConsole::deliver(std::span<uint8_t const> bytes)
{
    if (bytes.empty())
        return;
    std::lock_guard guard(m_handler_lock);
    if (m_handler)
        m_handler(bytes);
}

void StdioConsole::on_readable()
{
    uint8_t buf[512];
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        // End of input (a pipe closed by the test, /dev/null): stop watching.
        m_loop.remove(STDIN_FILENO);
        m_registered = false;
        return;
    }
    if (!m_is_tty) {
        deliver(std::span(buf, size_t(n)));
        return;
    }
    std::vector<uint8_t> out;
    for (ssize_t i = 0; i < n; ++i) {
        uint8_t b = buf[i];
        if (m_escape) {
            m_escape = false;
            if (b == 'x' || b == 'X') {
                deliver(out);
                m_on_quit();
                return;
            }
            if (b == ctrl_a)
                out.push_back(ctrl_a);
            continue; // unknown escapes are swallowed, as in QEMU
        }
        if (b == ctrl_a) {
            m_escape = true;
            continue;
        }
        out.push_back(b);
    }
    deliver(out);
}

} // namespace xenith
