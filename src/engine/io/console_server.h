// ConsoleServer: a domain's console as a UNIX socket with a history ring and a log file.
// The guest's output is appended to the log, kept in the ring, and sent to every attached
// client; a client that connects later first receives the ring, so nothing written while
// nobody was attached is lost. Bytes any client sends become guest input.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/unique_fd.h"
#include "engine/io/char_backend.h"
#include "engine/io/console_ring.h"
#include "engine/io/event_loop.h"

namespace xenith {

struct ConsoleServerOptions {
    std::string socket_path;            // created mode 0600; a stale socket there is replaced
    std::string log_path;               // appended to; "" = no log file
    size_t history_limit { 64 * 1024 }; // xend-config's console-limit, in bytes
};

class ConsoleServer final : public CharBackend {
public:
    // Listens on the socket; clients are served on `loop`'s thread.
    static Result<std::unique_ptr<ConsoleServer>> create(EventLoop& loop, ConsoleServerOptions options);
    ~ConsoleServer() override;

    // CharBackend. write() is safe from any thread and never blocks on a slow client: a client
    // that falls more than kMaxPending bytes behind loses the excess and is told so.
    void write(std::span<uint8_t const> bytes) override;
    void set_input_handler(InputHandler handler) override;

    std::vector<uint8_t> history() const;
    size_t client_count() const;
    std::string const& socket_path() const { return m_options.socket_path; }

    static constexpr size_t kMaxPending = 1 << 20;

private:
    struct Client {
        UniqueFd fd;
        std::vector<uint8_t> pending; // output the socket would not take yet
        bool overflowed { false };
    };

    ConsoleServer(EventLoop& loop, ConsoleServerOptions options, UniqueFd listener, UniqueFd log);
    void on_accept();
    void on_client_event(int fd, uint32_t events);
    // Caller holds m_lock.
    void send_locked(Client& client, std::span<uint8_t const> bytes);
    void flush_locked(Client& client);
    void drop_client(int fd);

    EventLoop& m_loop;
    ConsoleServerOptions m_options;
    UniqueFd m_listener;
    UniqueFd m_log;
    mutable std::mutex m_lock;
    ConsoleRing m_ring;
    std::vector<std::unique_ptr<Client>> m_clients;
    InputHandler m_input_handler;
    bool m_log_failed { false };
};

} // namespace xenith
