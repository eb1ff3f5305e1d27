// ConsoleServer: UNIX socket listener, per-client output queues, history replay on attach.
#include "engine/io/console_server.h"

#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/log.h"
#include "base/unix_socket.h"

namespace xenith {

namespace {


} // namespace

Result<std::unique_ptr<ConsoleServer>> ConsoleServer::create(EventLoop& loop, ConsoleServerOptions options)
{
    UniqueFd log;
    if (!options.log_path.empty()) {
        log = UniqueFd(::open(options.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
        if (!log)
            return fail_errno(fmt::format("console log {}", options.log_path));
    }
    auto listener = XENITH_TRY(listen_unix_socket(options.socket_path, "console socket", 16));
    int listen_fd = listener.get();
    std::unique_ptr<ConsoleServer> server(new ConsoleServer(loop, std::move(options), std::move(listener), std::move(log)));
    ConsoleServer* self = server.get();
    XENITH_TRY(loop.add(listen_fd, EPOLLIN, [self](uint32_t) { self->on_accept(); }));
    return server;
}

ConsoleServer::ConsoleServer(EventLoop& loop, ConsoleServerOptions options, UniqueFd listener, UniqueFd log)
    : m_loop(loop)
    , m_options(std::move(options))
    , m_listener(std::move(listener))
    , m_log(std::move(log))
    , m_ring(m_options.history_limit)
{
}

ConsoleServer::~ConsoleServer()
{
    m_loop.remove(m_listener.get());
    std::lock_guard guard(m_lock);
    for (auto& client : m_clients)
        m_loop.remove(client->fd.get());
    ::unlink(m_options.socket_path.c_str());
}

void ConsoleServer::set_input_handler(InputHandler handler)
{
    std::lock_guard guard(m_lock);
    m_input_handler = std::move(handler);
}

void ConsoleServer::write(std::span<uint8_t const> bytes)
{
    if (bytes.empty())
        return;
    std::lock_guard guard(m_lock);
    m_ring.append(bytes);
    if (m_log && !m_log_failed) {
        size_t done = 0;
        while (done < bytes.size()) {
            ssize_t n = ::write(m_log.get(), bytes.data() + done, bytes.size() - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                // Keep the guest running; the ring and attached clients still get the output.
                log::error("console log {}: {}; further console output is not logged", m_options.log_path, std::strerror(errno));
                m_log_failed = true;
                break;
            }
            done += size_t(n);
        }
    }
    for (auto& client : m_clients)
        send_locked(*client, bytes);
}

void ConsoleServer::send_locked(Client& client, std::span<uint8_t const> bytes)
{
    if (!client.pending.empty()) {
        size_t room = kMaxPending > client.pending.size() ? kMaxPending - client.pending.size() : 0;
        if (bytes.size() > room) {
            client.overflowed = true;
            bytes = bytes.first(room);
        }
        client.pending.insert(client.pending.end(), bytes.begin(), bytes.end());
        return;
    }
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::send(client.fd.get(), bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break; // EAGAIN: queue the rest; a dead peer is noticed by the loop (EPOLLHUP)
        done += size_t(n);
    }
    if (done < bytes.size()) {
        auto rest = bytes.subspan(done);
        if (rest.size() > kMaxPending) {
            client.overflowed = true;
            rest = rest.first(kMaxPending);
        }
        client.pending.assign(rest.begin(), rest.end());
        (void)m_loop.modify(client.fd.get(), EPOLLIN | EPOLLOUT | EPOLLRDHUP);
    }
}

void ConsoleServer::flush_locked(Client& client)
{
    size_t done = 0;
    while (done < client.pending.size()) {
        ssize_t n = ::send(client.fd.get(), client.pending.data() + done, client.pending.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        done += size_t(n);
    }
    client.pending.erase(client.pending.begin(), client.pending.begin() + long(done));
    if (client.pending.empty()) {
        if (client.overflowed) {
            client.overflowed = false;
            static constexpr char note[] = "\r\n[xenith: console output dropped: this client was too slow; see the console log]\r\n";
            send_locked(client, std::span(reinterpret_cast<uint8_t const*>(note), sizeof(note) - 1));
        }
        if (client.pending.empty())
            (void)m_loop.modify(client.fd.get(), EPOLLIN | EPOLLRDHUP);
    }
}

void ConsoleServer::on_accept()
{
    for (;;) {
        UniqueFd fd(::accept4(m_listener.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
        if (!fd)
            return;
        int raw = fd.get();
        {
            std::lock_guard guard(m_lock);
            auto client = std::make_unique<Client>();
            client->fd = std::move(fd);
            // Replay the history under the lock, so no guest output falls between it and live output.
            auto history = m_ring.snapshot();
            m_clients.push_back(std::move(client));
            if (auto status = m_loop.add(raw, EPOLLIN | EPOLLRDHUP, [this, raw](uint32_t events) { on_client_event(raw, events); }); !status) {
                log::warn("console {}: {}", m_options.socket_path, status.error().message());
                m_clients.pop_back();
                continue;
            }
            send_locked(*m_clients.back(), history);
        }
        log::info("console {}: client attached", m_options.socket_path);
    }
}

void ConsoleServer::on_client_event(int fd, uint32_t events)
{
    if (events & EPOLLIN) {
        uint8_t buffer[4096];
        ssize_t n = ::recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT);
        if (n > 0) {
            InputHandler handler;
            {
                std::lock_guard guard(m_lock);
                handler = m_input_handler;
            }
            if (handler)
                handler(std::span<uint8_t const>(buffer, size_t(n)));
            return; // level-triggered: more input or the hang-up comes next round
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        drop_client(fd);
        return;
    }
    if (events & (EPOLLHUP | EPOLLERR | EPOLLRDHUP)) {
        drop_client(fd);
        return;
    }
    if (events & EPOLLOUT) {
        std::lock_guard guard(m_lock);
        auto it = std::find_if(m_clients.begin(), m_clients.end(), [fd](auto const& c) { return c->fd.get() == fd; });
        if (it != m_clients.end())
            flush_locked(**it);
    }
}

void ConsoleServer::drop_client(int fd)
{
    m_loop.remove(fd);
    std::lock_guard guard(m_lock);
    std::erase_if(m_clients, [fd](auto const& c) { return c->fd.get() == fd; });
    log::info("console {}: client detached", m_options.socket_path);
}

std::vector<uint8_t> ConsoleServer::history() const
{
    std::lock_guard guard(m_lock);
    return m_ring.snapshot();
}

size_t ConsoleServer::client_count() const
{
    std::lock_guard guard(m_lock);
    return m_clients.size();
}

} // namespace xenith
