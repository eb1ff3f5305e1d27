// SlirpBackend: user-mode NAT through libslirp, for domains without a bridge or without root.
#pragma once

#include <poll.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/unique_fd.h"
#include "engine/io/net_backend.h"

struct Slirp;

namespace xenith {

// The guest sees QEMU's familiar user network: 10.0.2.0/24, gateway and host 10.0.2.2 (which
// reaches the host's loopback), DNS 10.0.2.3, DHCP handing out 10.0.2.15. Port forwards map
// host ports to the guest.
//
// libslirp is not thread-safe, so one thread owns it: it polls slirp's sockets and timers and an
// eventfd that send() and resume_receive() use to wake it. Frames for the guest are offered to
// the sink on that thread; ones the guest cannot take yet wait in a bounded queue (TCP
// recovers from the drops beyond it).
class SlirpBackend final : public NetBackend {
public:
    struct Forward {
        bool udp { false };
        std::string host_addr { "127.0.0.1" };
        uint16_t host_port { 0 };
        uint16_t guest_port { 0 };
    };
    // "tcp:2222:22", "udp:5353:53", "tcp:0.0.0.0:8080:80", "2222:22" (tcp).
    static Result<Forward> parse_forward(std::string const& spec);

    static constexpr size_t max_queued_frames = 512;

    static Result<std::unique_ptr<SlirpBackend>> create(std::vector<std::string> const& forwards);
    ~SlirpBackend() override;

    std::string describe() const override;
    Status start(FrameSink sink) override;
    void send(std::span<uint8_t const> frame) override;
    void resume_receive() override;
    bool checksums_trusted() const override { return true; }

    // Called by slirp on its thread; public for the C callback table.
    void output(std::span<uint8_t const> frame);
    struct Timer;
    Timer* new_timer(int id, void* cb_opaque, void (*cb)(void*));
    void free_timer(Timer* timer);
    void wake();

private:
    SlirpBackend() = default;
    void run();
    void deliver_queued();
    int64_t next_timer_ms();
    void fire_timers();

    Slirp* m_slirp { nullptr };
    std::vector<Forward> m_forwards;
    UniqueFd m_wake;
    std::thread m_thread;
    std::atomic<bool> m_stopping { false };
    FrameSink m_sink;

    std::mutex m_tx_lock;
    std::deque<std::vector<uint8_t>> m_tx; // guest → slirp, guarded by m_tx_lock

    // Slirp thread only.
    std::deque<std::vector<uint8_t>> m_rx;
    std::vector<std::unique_ptr<Timer>> m_timers;
    bool m_drop_logged { false };

public:
    // Poll set for the current iteration (slirp thread only; used by the C callbacks).
    std::vector<::pollfd>* m_pollfds { nullptr };
};

} // namespace xenith
