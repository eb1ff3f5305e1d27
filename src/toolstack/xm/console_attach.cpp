// Console attach: a two-way copy between the terminal and the console socket.
#include "toolstack/xm/console_attach.h"

#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "toolstack/xend/line_client.h"

namespace xenith::xm {

namespace {

// Restores the terminal however attach_console returns.
class RawTerminal {
public:
    RawTerminal()
    {
        if (!::isatty(0) || ::tcgetattr(0, &m_saved) != 0)
            return;
        termios raw = m_saved;
        ::cfmakeraw(&raw);
        if (::tcsetattr(0, TCSANOW, &raw) == 0)
            m_active = true;
    }
    ~RawTerminal()
    {
        if (m_active)
            ::tcsetattr(0, TCSANOW, &m_saved);
    }
    bool active() const { return m_active; }

private:
    termios m_saved {};
    bool m_active { false };
};

bool write_all(int fd, char const* data, size_t size)
{
    while (size) {
        ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= size_t(n);
    }
    return true;
}

} // namespace

Status attach_console(std::string const& socket_path)
{
    auto client = LineClient::connect(socket_path);
    if (!client)
        return fail("console {}: {}", socket_path, client.error().message());
    int sock = client->fd();
    RawTerminal terminal;
    bool stdin_open = true;
    char buffer[8192];
    for (;;) {
        pollfd fds[2] = { { sock, POLLIN, 0 }, { 0, short(stdin_open ? POLLIN : 0), 0 } };
        int n = ::poll(fds, stdin_open ? 2 : 1, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return fail_errno("poll");
        if (fds[0].revents) {
            ssize_t got = ::read(sock, buffer, sizeof(buffer));
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                return {}; // the domain is gone
            if (!write_all(1, buffer, size_t(got)))
                return {};
        }
        if (stdin_open && fds[1].revents) {
            ssize_t got = ::read(0, buffer, sizeof(buffer));
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                stdin_open = false; // keep showing output; the console stays attached
                continue;
            }
            // Ctrl-] detaches from a terminal and from a pipe alike (scripts use it too).
            if (auto* key = static_cast<char*>(std::memchr(buffer, kDetachKey, size_t(got)))) {
                write_all(sock, buffer, size_t(key - buffer));
                return {};
            }
            if (!write_all(sock, buffer, size_t(got)))
                return {};
        }
    }
}

} // namespace xenith::xm
