// SlirpBackend: libslirp on its own thread, with poll(), timers and port forwards.
#include "engine/io/slirp_backend.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <libslirp.h>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "base/log.h"

namespace xenith {

struct SlirpBackend::Timer {
    int id { 0 };
    void* cb_opaque { nullptr };
    void (*cb)(void*) { nullptr }; // legacy timer_new
    int64_t expire_ms { -1 };
};

namespace {

int64_t now_ns()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

SlirpBackend* self_of(void* opaque) { return static_cast<SlirpBackend*>(opaque); }

ssize_t cb_send_packet(void const* buf, size_t len, void* opaque)
{
    self_of(opaque)->output(std::span(static_cast<uint8_t const*>(buf), len));
    return static_cast<ssize_t>(len);
}

void cb_guest_error(char const* msg, void*)
{
    log::warn("slirp: guest error: {}", msg);
}

int64_t cb_clock_get_ns(void*)
{
    return now_ns();
}

void* cb_timer_new(SlirpTimerCb cb, void* cb_opaque, void* opaque)
{
    return self_of(opaque)->new_timer(-1, cb_opaque, cb);
}

void* cb_timer_new_opaque(SlirpTimerId id, void* cb_opaque, void* opaque)
{
    return self_of(opaque)->new_timer(static_cast<int>(id), cb_opaque, nullptr);
}

void cb_timer_free(void* timer, void* opaque)
{
    self_of(opaque)->free_timer(static_cast<SlirpBackend::Timer*>(timer));
}

void cb_timer_mod(void* timer, int64_t expire_ms, void*)
{
    static_cast<SlirpBackend::Timer*>(timer)->expire_ms = expire_ms;
}

void cb_register_poll_fd(int, void*) { }
void cb_unregister_poll_fd(int, void*) { }

void cb_notify(void* opaque)
{
    self_of(opaque)->wake();
}

int cb_add_poll(int fd, int events, void* opaque)
{
    auto* fds = self_of(opaque)->m_pollfds;
    short ev = 0;
    if (events & SLIRP_POLL_IN)
        ev |= POLLIN;
    if (events & SLIRP_POLL_OUT)
        ev |= POLLOUT;
    if (events & SLIRP_POLL_PRI)
        ev |= POLLPRI;
    fds->push_back(pollfd { fd, ev, 0 });
    return static_cast<int>(fds->size() - 1);
}

int cb_get_revents(int idx, void* opaque)
{
    auto* fds = self_of(opaque)->m_pollfds;
    if (idx < 0 || static_cast<size_t>(idx) >= fds->size())
        return 0;
    short re = (*fds)[idx].revents;
    int out = 0;
    if (re & POLLIN)
        out |= SLIRP_POLL_IN;
    if (re & POLLOUT)
        out |= SLIRP_POLL_OUT;
    if (re & POLLPRI)
        out |= SLIRP_POLL_PRI;
    if (re & POLLERR)
        out |= SLIRP_POLL_ERR;
    if (re & POLLHUP)
        out |= SLIRP_POLL_HUP;
    return out;
}

SlirpCb const callbacks = {
    .send_packet = cb_send_packet,
    .guest_error = cb_guest_error,
    .clock_get_ns = cb_clock_get_ns,
    .timer_new = cb_timer_new,
    .timer_free = cb_timer_free,
    .timer_mod = cb_timer_mod,
    .register_poll_fd = cb_register_poll_fd,
    .unregister_poll_fd = cb_unregister_poll_fd,
    .notify = cb_notify,
    .init_completed = nullptr,
    .timer_new_opaque = cb_timer_new_opaque,
};

Result<uint16_t> parse_port(std::string_view text, std::string const& spec)
{
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535)
        return fail("forward '{}': '{}' is not a port number (1-65535)", spec, text);
    return static_cast<uint16_t>(value);
}

} // namespace

Result<SlirpBackend::Forward> SlirpBackend::parse_forward(std::string const& spec)
{
    std::vector<std::string> parts;
    size_t start = 0;
    for (;;) {
        size_t colon = spec.find(':', start);
        parts.push_back(spec.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
        if (colon == std::string::npos)
            break;
        start = colon + 1;
    }
    Forward f;
    if (!parts.empty() && (parts[0] == "tcp" || parts[0] == "udp")) {
        f.udp = parts[0] == "udp";
        parts.erase(parts.begin());
    }
    if (parts.size() == 3) {
        in_addr addr {};
        if (::inet_pton(AF_INET, parts[0].c_str(), &addr) != 1)
            return fail("forward '{}': '{}' is not an IPv4 address", spec, parts[0]);
        f.host_addr = parts[0];
        parts.erase(parts.begin());
    }
    if (parts.size() != 2)
        return fail("forward '{}': expected [tcp|udp:][HOSTADDR:]HOSTPORT:GUESTPORT, e.g. tcp:2222:22", spec);
    f.host_port = XENITH_TRY(parse_port(parts[0], spec));
    f.guest_port = XENITH_TRY(parse_port(parts[1], spec));
    return f;
}

Result<std::unique_ptr<SlirpBackend>> SlirpBackend::create(std::vector<std::string> const& forwards)
{
    std::unique_ptr<SlirpBackend> backend(new SlirpBackend());
    for (auto const& spec : forwards)
        backend->m_forwards.push_back(XENITH_TRY(parse_forward(spec)));
    backend->m_wake = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!backend->m_wake)
        return fail_errno("user-mode network: eventfd");

    SlirpConfig config {};
    config.version = 4;
    config.restricted = 0;
    config.in_enabled = true;
    ::inet_pton(AF_INET, "10.0.2.0", &config.vnetwork);
    ::inet_pton(AF_INET, "255.255.255.0", &config.vnetmask);
    ::inet_pton(AF_INET, "10.0.2.2", &config.vhost);
    ::inet_pton(AF_INET, "10.0.2.15", &config.vdhcp_start);
    ::inet_pton(AF_INET, "10.0.2.3", &config.vnameserver);
    config.in6_enabled = false;
    config.vhostname = "xenith";
    config.if_mtu = 1500;
    config.if_mru = 1500;
    backend->m_slirp = slirp_new(&config, &callbacks, backend.get());
    if (!backend->m_slirp)
        return fail("user-mode network: libslirp failed to initialise");

    in_addr guest {};
    ::inet_pton(AF_INET, "10.0.2.15", &guest);
    for (auto const& f : backend->m_forwards) {
        in_addr host {};
        ::inet_pton(AF_INET, f.host_addr.c_str(), &host);
        if (slirp_add_hostfwd(backend->m_slirp, f.udp, host, f.host_port, guest, f.guest_port) != 0)
            return fail("user-mode network: cannot forward {} {}:{} to the guest's port {} (port in use?)", f.udp ? "udp" : "tcp", f.host_addr, f.host_port, f.guest_port);
    }
    return backend;
}

SlirpBackend::~SlirpBackend()
{
    m_stopping = true;
    wake();
    if (m_thread.joinable())
        m_thread.join();
    if (m_slirp)
        slirp_cleanup(m_slirp);
}

std::string SlirpBackend::describe() const
{
    std::string text = "user-mode NAT (slirp, guest 10.0.2.15, gateway 10.0.2.2)";
    for (auto const& f : m_forwards)
        text += fmt::format(", {} {}:{} -> guest:{}", f.udp ? "udp" : "tcp", f.host_addr, f.host_port, f.guest_port);
    return text;
}

Status SlirpBackend::start(FrameSink sink)
{
    m_sink = std::move(sink);
    m_thread = std::thread([this] { run(); });
    return {};
}

void SlirpBackend::wake()
{
    uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(m_wake.get(), &one, sizeof(one));
}

void SlirpBackend::send(std::span<uint8_t const> frame)
{
    {
        std::lock_guard guard(m_tx_lock);
        if (m_tx.size() >= max_queued_frames)
            return; // slirp is behind; drop as a congested link would
        m_tx.emplace_back(frame.begin(), frame.end());
    }
    wake();
}

void SlirpBackend::resume_receive()
{
    wake();
}

void SlirpBackend::output(std::span<uint8_t const> frame)
{
    if (m_rx.empty() && m_sink(frame))
        return;
    if (m_rx.size() >= max_queued_frames) {
        if (!m_drop_logged)
            log::debug("user-mode network: guest is not receiving; dropping frames");
        m_drop_logged = true;
        return;
    }
    m_rx.emplace_back(frame.begin(), frame.end());
}

void SlirpBackend::deliver_queued()
{
    while (!m_rx.empty() && m_sink(m_rx.front()))
        m_rx.pop_front();
    if (m_rx.empty())
        m_drop_logged = false;
}

SlirpBackend::Timer* SlirpBackend::new_timer(int id, void* cb_opaque, void (*cb)(void*))
{
    auto timer = std::make_unique<Timer>();
    timer->id = id;
    timer->cb_opaque = cb_opaque;
    timer->cb = cb;
    m_timers.push_back(std::move(timer));
    return m_timers.back().get();
}

void SlirpBackend::free_timer(Timer* timer)
{
    std::erase_if(m_timers, [timer](auto const& t) { return t.get() == timer; });
}

int64_t SlirpBackend::next_timer_ms()
{
    int64_t next = -1;
    for (auto const& t : m_timers) {
        if (t->expire_ms >= 0 && (next < 0 || t->expire_ms < next))
            next = t->expire_ms;
    }
    return next;
}

void SlirpBackend::fire_timers()
{
    int64_t now_ms = now_ns() / 1000000;
    // Collect first: a callback may modify or free timers.
    std::vector<Timer*> due;
    for (auto const& t : m_timers) {
        if (t->expire_ms >= 0 && t->expire_ms <= now_ms)
            due.push_back(t.get());
    }
    for (Timer* t : due) {
        bool alive = std::ranges::any_of(m_timers, [t](auto const& p) { return p.get() == t; });
        if (!alive)
            continue;
        t->expire_ms = -1;
        if (t->cb)
            t->cb(t->cb_opaque);
        else
            slirp_handle_timer(m_slirp, static_cast<SlirpTimerId>(t->id), t->cb_opaque);
    }
}

void SlirpBackend::run()
{
    std::vector<pollfd> fds;
    m_pollfds = &fds;
    while (!m_stopping) {
        std::deque<std::vector<uint8_t>> tx;
        {
            std::lock_guard guard(m_tx_lock);
            tx.swap(m_tx);
        }
        for (auto const& frame : tx)
            slirp_input(m_slirp, frame.data(), static_cast<int>(frame.size()));
        deliver_queued();

        fds.clear();
        fds.push_back(pollfd { m_wake.get(), POLLIN, 0 });
        uint32_t timeout = 1000;
        slirp_pollfds_fill(m_slirp, &timeout, cb_add_poll, this);
        int64_t next = next_timer_ms();
        if (next >= 0) {
            int64_t wait = next - now_ns() / 1000000;
            timeout = static_cast<uint32_t>(std::clamp<int64_t>(wait, 0, timeout));
        }
        int rc = ::poll(fds.data(), fds.size(), static_cast<int>(timeout));
        if (rc > 0 && (fds[0].revents & POLLIN)) {
            uint64_t count;
            [[maybe_unused]] auto n = ::read(m_wake.get(), &count, sizeof(count));
        }
        slirp_pollfds_poll(m_slirp, rc < 0 ? 1 : 0, cb_get_revents, this);
        fire_timers();
    }
    m_pollfds = nullptr;
}

} // namespace xenith
