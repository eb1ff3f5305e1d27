// FdNetBackend: non-blocking frame I/O with receive back-pressure.
#include "engine/io/net_fd_backend.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "base/log.h"
#include "engine/io/event_loop.h"
#include "engine/io/tap_device.h"

namespace xenith {

// A 64 KiB TSO segment behind its Ethernet and virtio_net_hdr headers fits.
static constexpr size_t max_frame = 65536 + 64;

struct FdNetBackend::State {
    std::mutex lock;
    int fd { -1 };
    EventLoop* loop { nullptr };
    FrameSink sink;
    std::vector<uint8_t> buffer = std::vector<uint8_t>(max_frame);
    size_t held { 0 }; // bytes of a frame in `buffer` the guest could not take yet
    bool reading { true };
    bool closed { false };

    // Loop thread: offer the held frame, then read until EAGAIN or the guest is full.
    void pump()
    {
        std::lock_guard guard(lock);
        if (closed)
            return;
        for (;;) {
            if (held == 0) {
                ssize_t n = ::read(fd, buffer.data(), buffer.size());
                if (n <= 0)
                    break;
                held = static_cast<size_t>(n);
            }
            if (!sink(std::span<uint8_t const>(buffer.data(), held))) {
                if (reading) {
                    reading = false;
                    (void)loop->modify(fd, 0);
                }
                return;
            }
            held = 0;
        }
        if (!reading) {
            reading = true;
            (void)loop->modify(fd, EPOLLIN);
        }
    }
};

FdNetBackend::FdNetBackend(UniqueFd fd, EventLoop& loop, std::string description, VnetHeader vnet)
    : m_fd(std::move(fd))
    , m_loop(loop)
    , m_description(std::move(description))
    , m_vnet(vnet)
    , m_state(std::make_shared<State>())
{
    int flags = ::fcntl(m_fd.get(), F_GETFL);
    ::fcntl(m_fd.get(), F_SETFL, flags | O_NONBLOCK);
    m_state->fd = m_fd.get();
    m_state->loop = &loop;
}

FdNetBackend::~FdNetBackend()
{
    m_loop.remove(m_fd.get());
    std::lock_guard guard(m_state->lock);
    m_state->closed = true;
}

Status FdNetBackend::start(FrameSink sink)
{
    m_state->sink = std::move(sink);
    std::weak_ptr<State> weak = m_state;
    return m_loop.add(m_fd.get(), EPOLLIN, [weak](uint32_t) {
        if (auto state = weak.lock())
            state->pump();
    });
}

void FdNetBackend::send(std::span<uint8_t const> frame)
{
    ssize_t n = ::write(m_fd.get(), frame.data(), frame.size());
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
        log::debug("{}: send: {}", m_description, strerror(errno));
}

void FdNetBackend::set_receive_offloads(NetOffloads offloads)
{
    if (m_vnet != VnetHeader::Yes)
        return;
    // Only a tap has offloads to set; on anything else the frames stay plain.
    if (auto status = tap::set_offloads(m_fd.get(), offloads); !status)
        log::debug("{}: {}", m_description, status.error().message());
}

void FdNetBackend::resume_receive()
{
    std::weak_ptr<State> weak = m_state;
    m_loop.post([weak] {
        if (auto state = weak.lock())
            state->pump();
    });
}

} // namespace xenith
