// ControlChannel: the domain's control socket. xend (or anyone with access to the socket)
// sends control-protocol requests; the channel answers them by calling DomainControl on the
// domain's I/O thread. It is how xend finds and re-adopts a running domain after a restart.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

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

    // Answers one request line; the socket handler calls it. Public for tests. Thread-safe as
    // far as DomainControl is: slow requests (vcpu-set waits for the guest) run it on a worker
    // thread, so the I/O thread keeps serving devices and other requests meanwhile.
    std::string handle_line(std::string_view line);

    // A request line longer than this closes the connection (a peer that never sends '\n').
    static constexpr size_t kMaxLine = 64 * 1024;

private:
    struct Connection {
        UniqueFd fd;
        std::string input;
        uint64_t serial { 0 }; // tells a reused fd number from the connection a worker answers
    };
    struct Worker {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };

    ControlChannel(EventLoop& loop, DomainControl& control, ControlChannelOptions options, UniqueFd listener);
    void on_accept();
    void on_readable(int fd);
    void close_connection(int fd);
    // False if the peer is gone (the connection is then closed).
    bool send_reply(int fd, std::string const& reply);
    // Answers `line` from a worker thread; the reply is sent from the loop thread.
    void answer_later(int fd, std::string line);
    void reap_workers(bool all);

    EventLoop& m_loop;
    DomainControl& m_control;
    ControlChannelOptions m_options;
    UniqueFd m_listener;
    std::unordered_map<int, Connection> m_connections; // loop thread only
    uint64_t m_next_serial { 1 };
    std::vector<Worker> m_workers;                     // loop thread only (and the destructor)
    std::shared_ptr<bool> m_alive { std::make_shared<bool>(true) }; // posted replies check it
};

} // namespace xenith
