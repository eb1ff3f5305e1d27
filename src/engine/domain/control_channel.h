// ControlChannel: the domain's control socket. xend (or anyone with access to the socket)
// sends control-protocol requests; the channel answers them by calling DomainControl on the
// domain's I/O thread. It is how xend finds and re-adopts a running domain after a restart.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "base/error.h"
#include "base/unique_fd.h"
#include "engine/domain/domain_control.h"
#include "engine/io/event_loop.h"

namespace xenith {

struct ControlChannelOptions {
    std::string socket_path;  // created mode 0600
    std::string domain_name;  // reported by "identify", so xend can check what it adopts
    std::string console_path; // reported by "identify"; "" when the console is not a socket
};

class ControlChannel {
public:
    // `control` must outlive the channel. Requests are served on `loop`'s thread.
    static Result<std::unique_ptr<ControlChannel>> create(EventLoop& loop, DomainControl& control, ControlChannelOptions options);
    ~ControlChannel();

    // Answers one request line; the socket handler calls it. Public for tests.
    std::string handle_line(std::string_view line);

    // A request line longer than this closes the connection (a peer that never sends '\n').
    static constexpr size_t kMaxLine = 64 * 1024;

private:
    struct Connection {
        UniqueFd fd;
        std::string input;
    };

    ControlChannel(EventLoop& loop, DomainControl& control, ControlChannelOptions options, UniqueFd listener);
    void on_accept();
    void on_readable(int fd);
    void close_connection(int fd);

    EventLoop& m_loop;
    DomainControl& m_control;
    ControlChannelOptions m_options;
    UniqueFd m_listener;
    std::unordered_map<int, Connection> m_connections; // loop thread only
};

} // namespace xenith
