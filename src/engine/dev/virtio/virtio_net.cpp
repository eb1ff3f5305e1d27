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

// The guest reads the features once, when it probes; an empty (hotplug) slot offers what every
// backend can serve: the device completes partial checksums itself, nothing else is offloaded.
uint64_t net_features(NetBackend const* backend)
{
    uint64_t f = f_mac | f_status;
    if (!backend)
        f |= f_csum;
    else if (backend->vnet_header() == VnetHeader::Yes)
        f |= offload_features;
    else
        f |= f_csum | (backend->checksums_trusted() ? f_guest_csum : 0);
    return f;
}

uint16_t load_le16(uint8_t const* p)
{
    return static_cast<uint16_t>(p[0] | p[1] << 8);
}

// NEEDS_CSUM (spec 5.1.6.2): the Internet checksum over frame[csum_start, end), the field at
// csum_start + csum_offset holding the pseudo-header sum, is stored at that field. False when
// the offsets do not fit the frame.
bool complete_checksum(std::span<uint8_t> frame, uint16_t csum_start, uint16_t csum_offset)
{
    size_t start = csum_start;
    size_t field = start + csum_offset;
    if (field + 2 > frame.size())
        return false;
    uint64_t sum = 0;
    size_t i = start;
    for (; i + 1 < frame.size(); i += 2)
        sum += static_cast<uint32_t>(frame[i] << 8 | frame[i + 1]);
    if (i < frame.size())
        sum += static_cast<uint32_t>(frame[i] << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    uint16_t csum = static_cast<uint16_t>(~sum);
    if (csum == 0)
        csum = 0xffff; // as Linux's skb_checksum_help: 0 means "no checksum" to UDP
    frame[field] = static_cast<uint8_t>(csum >> 8);
    frame[field + 1] = static_cast<uint8_t>(csum);
    return true;
}
} // namespace

VirtioNet::VirtioNet(VirtioSlot slot, GuestMemory& memory, std::unique_ptr<NetBackend> backend, MacAddress mac, NetRateLimiter limiter, EventLoop* loop)
    : VirtioMmioDevice(fmt::format("virtio-net@{:x}", slot.base), slot, memory, virtio::DeviceId::Net, net_features(backend.get()), { queue_size, queue_size }, config_size)
    , m_backend(std::move(backend))
    , m_mac(mac)
    , m_loop(loop)
{
    std::memcpy(m_config.data() + cfg_mac, m_mac.bytes.data(), 6);
    config_put<uint16_t>(cfg_status, m_backend ? s_link_up : 0);
    set_limiter_locked(limiter);
}

void VirtioNet::set_limiter_locked(NetRateLimiter limiter)
{
    m_limiter = limiter;
    if (m_limiter.unlimited() || m_timer)
        return;
    if (!m_loop) {
        log::warn("{}: rate limit ignored: no event loop to refill it", name());
        m_limiter = NetRateLimiter();
        return;
    }
    m_timer = UniqueFd(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
    {
        std::lock_guard hold(m_loop_guard->lock);
        m_loop_guard->self = this;
    }
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
        m_timer = UniqueFd();
    }
}

bool VirtioNet::has_backend() const
{
    std::lock_guard guard(m_tx_lock);
    return m_backend != nullptr;
}

std::string VirtioNet::backend_description() const
{
    std::lock_guard guard(m_tx_lock);
    return m_backend ? m_backend->describe() : std::string();
}

bool VirtioNet::link_up() const
{
    std::lock_guard guard(m_lock);
    return (config_get<uint16_t>(cfg_status) & s_link_up) != 0;
}

void VirtioNet::set_link(bool up)
{
    {
        std::lock_guard guard(m_lock);
        config_put<uint16_t>(cfg_status, up ? s_link_up : 0);
    }
    notify_config_change();
}

Status VirtioNet::attach(std::unique_ptr<NetBackend> backend, NetRateLimiter limiter)
{
    if (!backend)
        return fail("{}: attach without a backend", name());
    if (has_backend())
        return fail("{} is already connected ({}); detach it first", name(), backend_description());
    // A NIC probed with segmentation offloads sends frames only a vnet-header tap can take.
    if ((device_features() & f_guest_tso4) && backend->vnet_header() != VnetHeader::Yes)
        return fail("{} was probed with TSO offloads, which {} cannot serve; attach a tap (bridge=) or use a spare slot", name(), backend->describe());
    // Frames may arrive as soon as it starts; receive() takes what it needs from `from`.
    NetBackend* raw = backend.get();
    XENITH_TRY(backend->start([this, raw](std::span<uint8_t const> frame) { return receive(*raw, frame); }));
    {
        std::lock_guard guard(m_tx_lock);
        if (m_backend)
            return fail("{} was connected meanwhile; detach it first", name());
        std::lock_guard offloads(m_offload_lock);
        m_backend = std::move(backend);
        m_tx_held.reset();
        set_limiter_locked(limiter);
        // A driver already running gets what it negotiated, as on_driver_ok() would give it.
        if (driver_ok())
            m_backend->set_receive_offloads({ negotiated(f_guest_csum), negotiated(f_guest_tso4), negotiated(f_guest_tso6) });
    }
    set_link(true);
    return {};
}

Status VirtioNet::detach()
{
    std::unique_ptr<NetBackend> backend;
    {
        std::lock_guard guard(m_tx_lock);
        std::lock_guard offloads(m_offload_lock);
        backend = std::move(m_backend);
    }
    if (!backend)
        return fail("{} has no backend", name());
    set_link(false);
    // Stops the backend's thread; receive() is not running once this returns.
    backend.reset();
    return {};
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
    std::lock_guard guard(m_tx_lock);
    if (!m_backend)
        return {}; // an empty slot: attach() starts its backend
    NetBackend* raw = m_backend.get();
    return m_backend->start([this, raw](std::span<uint8_t const> frame) { return receive(*raw, frame); });
}

void VirtioNet::queue_notify(unsigned index)
{
    if (index == txq) {
        transmit();
    } else if (index == rxq) {
        std::lock_guard guard(m_tx_lock);
        if (m_backend)
            m_backend->resume_receive();
    }
}

void VirtioNet::on_driver_ok()
{
    // The tap may hand over only what the driver accepted.
    std::lock_guard offloads(m_offload_lock);
    if (m_backend)
        m_backend->set_receive_offloads({ negotiated(f_guest_csum), negotiated(f_guest_tso4), negotiated(f_guest_tso6) });
}

void VirtioNet::on_reset()
{
    std::lock_guard offloads(m_offload_lock);
    if (m_backend)
        m_backend->set_receive_offloads({});
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
        if (!m_backend) {
            // No cable: the frame is lost, as on a NIC whose link is down.
            complete(txq, *chain, 0);
            continue;
        }
        if (!m_limiter.try_consume(frame_len)) {
            m_tx_held = std::move(chain);
            arm_refill_timer();
            return;
        }
        // With a vnet header the guest's header (checksum and segmentation requests) goes to
        // the host kernel as it is; the kernel validates it like any tap user's.
        bool pass_header = m_backend->vnet_header() == VnetHeader::Yes;
        m_tx_frame.resize(pass_header ? total : frame_len);
        chain->read(pass_header ? 0 : header_size, m_tx_frame);
        if (!pass_header && negotiated(f_csum)) {
            uint8_t header[header_size] = {};
            chain->read(0, header);
            if ((header[0] & hdr_f_needs_csum) && !complete_checksum(m_tx_frame, load_le16(header + 6), load_le16(header + 8))) {
                log::debug("{}: dropping a frame whose checksum offsets lie outside it", name());
                complete(txq, *chain, 0);
                continue;
            }
        }
        m_backend->send(m_tx_frame);
        m_tx_frames.fetch_add(1);
        complete(txq, *chain, 0);
    }
}

bool VirtioNet::receive(NetBackend const& from, std::span<uint8_t const> frame)
{
    if (!driver_ok()) {
        m_rx_dropped.fetch_add(1);
        return true; // nobody is listening: a NIC without a driver drops
    }
    std::lock_guard guard(m_rx_lock);
    auto chain = pop(rxq);
    if (!chain)
        return false; // hold it until the guest posts buffers
    // A vnet-header backend's frame starts with its own header (flags, GSO type and sizes).
    bool has_header = from.vnet_header() == VnetHeader::Yes;
    uint64_t len = has_header ? frame.size() : header_size + frame.size();
    if (frame.size() < (has_header ? header_size : 0) || chain->writable_bytes() < len) {
        m_rx_dropped.fetch_add(1);
        complete(rxq, *chain, 0);
        return true;
    }
    uint8_t header[header_size] = {};
    if (has_header) {
        std::memcpy(header, frame.data(), header_size);
        // DATA_VALID and NEEDS_CSUM only for a driver that took GUEST_CSUM (spec 5.1.6.4).
        if (!negotiated(f_guest_csum))
            header[0] = 0;
    } else if (from.checksums_trusted() && negotiated(f_guest_csum)) {
        header[0] = hdr_f_data_valid; // built by the backend: the guest need not verify it
    }
    header[10] = 1; // num_buffers = 1 (no mergeable buffers)
    header[11] = 0;
    chain->write(memory(), 0, header);
    chain->write(memory(), header_size, has_header ? frame.subspan(header_size) : frame);
    complete(rxq, *chain, static_cast<uint32_t>(len));
    return true;
}

} // namespace xenith
