// VirtioNet: frames between virtqueues and the backend, with transmit rate limiting.
#include "engine/dev/virtio/virtio_net.h"

#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "base/log.h"
#include "engine/io/event_loop.h"

namespace xenith {

using namespace virtio_net;

namespace {
constexpr unsigned rxq = 0;
constexpr unsigned txq = 1;
} // namespace

VirtioNet::VirtioNet(VirtioSlot slot, GuestMemory& memory, std::unique_ptr<NetBackend> backend, MacAddress mac, NetRateLimiter limiter, EventLoop* loop)
    : VirtioMmioDevice(fmt::format("virtio-net@{:x}", slot.base), slot, memory, virtio::DeviceId::Net, f_mac | f_status, { queue_size, queue_size }, config_size)
    , m_backend(std::move(backend))
    , m_mac(mac)
    , m_loop(loop)
    , m_limiter(limiter)
{
    std::memcpy(m_config.data() + cfg_mac, m_mac.bytes.data(), 6);
    config_put<uint16_t>(cfg_status, s_link_up);
    if (!m_limiter.unlimited()) {
        if (!m_loop) {
            log::warn("{}: rate limit ignored: no event loop to refill it", name());
            m_limiter = NetRateLimiter();
        } else {
            m_timer = UniqueFd(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
            m_loop_guard->self = this;
            if (!m_timer || !m_loop->add(m_timer.get(), EPOLLIN, [guard = m_loop_guard](uint32_t) {
                    std::lock_guard hold(guard->lock);
                    if (!guard->self)
                        return;
                    uint64_t expirations;
                    [[maybe_unused]] auto n = ::read(guard->self->m_timer.get(), &expirations, sizeof(expirations));
                    guard->self->transmit();
                })) {
                log::warn("{}: rate limit ignored: cannot arm its timer", name());
                m_limiter = NetRateLimiter();
            }
        }
    }
}

VirtioNet::~VirtioNet()
{
    if (m_timer && m_loop)
        m_loop->remove(m_timer.get());
    {
        std::lock_guard hold(m_loop_guard->lock);
        m_loop_guard->self = nullptr;
    }
    // Stop the backend's thread before the queues it delivers into go away.
    m_backend.reset();
}

Status VirtioNet::start()
{
    return m_backend->start([this](std::span<uint8_t const> frame) { return receive(frame); });
}

void VirtioNet::queue_notify(unsigned index)
{
    if (index == txq)
        transmit();
    else if (index == rxq)
        m_backend->resume_receive();
}

void VirtioNet::arm_refill_timer()
{
    auto wait = m_limiter.next_refill() - NetRateLimiter::Clock::now();
    auto ns = std::max<int64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count(), 1000);
    itimerspec spec {};
    spec.it_value.tv_sec = ns / 1000000000;
    spec.it_value.tv_nsec = ns % 1000000000;
    ::timerfd_settime(m_timer.get(), 0, &spec, nullptr);
}

void VirtioNet::transmit()
{
    std::lock_guard guard(m_tx_lock);
    for (;;) {
        std::optional<DescriptorChain> chain;
        // A chain held back by the rate limit across a device reset belongs to the old ring.
        if (m_tx_held && m_tx_held->generation() == queue(txq).generation())
            chain = std::exchange(m_tx_held, std::nullopt);
        else if (m_tx_held)
            m_tx_held.reset();
        if (!chain)
            chain = pop(txq);
        if (!chain)
            return;
        uint64_t total = chain->readable_bytes();
        if (total < header_size || total - header_size > max_frame) {
            log::debug("{}: dropping a transmit buffer of {} bytes", name(), total);
            complete(txq, *chain, 0);
            continue;
        }
        uint64_t frame_len = total - header_size;
        if (!m_limiter.try_consume(frame_len)) {
            m_tx_held = std::move(chain);
            arm_refill_timer();
            return;
        }
        m_tx_frame.resize(frame_len);
        chain->read(header_size, m_tx_frame);
        m_backend->send(m_tx_frame);
        m_tx_frames.fetch_add(1);
        complete(txq, *chain, 0);
    }
}

bool VirtioNet::receive(std::span<uint8_t const> frame)
{
    if (!driver_ok()) {
        m_rx_dropped.fetch_add(1);
        return true; // nobody is listening: a NIC without a driver drops
    }
    std::lock_guard guard(m_rx_lock);
    auto chain = pop(rxq);
    if (!chain)
        return false; // hold it until the guest posts buffers
    if (chain->writable_bytes() < header_size + frame.size()) {
        m_rx_dropped.fetch_add(1);
        complete(rxq, *chain, 0);
        return true;
    }
    uint8_t header[header_size] = {};
    header[10] = 1; // num_buffers = 1
    chain->write(memory(), 0, header);
    chain->write(memory(), header_size, frame);
    complete(rxq, *chain, static_cast<uint32_t>(header_size + frame.size()));
    return true;
}

} // namespace xenith
