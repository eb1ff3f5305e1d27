// VirtioNet: the virtio network device (virtio 1.2 section 5.1) over a NetBackend.
#pragma once

#include <memory>
#include <mutex>
#include <optional>

#include "base/unique_fd.h"
#include "engine/dev/virtio/virtio_mmio.h"
#include "engine/io/net_backend.h"
#include "engine/io/net_mac.h"
#include "engine/io/net_rate_limiter.h"

namespace xenith {

class EventLoop;

namespace virtio_net {
inline constexpr uint64_t f_csum = 1ull << 0;       // the driver may send partially checksummed frames
inline constexpr uint64_t f_guest_csum = 1ull << 1; // the driver takes partially checksummed frames
inline constexpr uint64_t f_guest_tso4 = 1ull << 7;
inline constexpr uint64_t f_guest_tso6 = 1ull << 8;
inline constexpr uint64_t f_host_tso4 = 1ull << 11;
inline constexpr uint64_t f_host_tso6 = 1ull << 12;
inline constexpr uint64_t offload_features = f_csum | f_guest_csum | f_guest_tso4 | f_guest_tso6 | f_host_tso4 | f_host_tso6;
inline constexpr uint64_t f_mac = 1ull << 5;
inline constexpr uint64_t f_status = 1ull << 16;
inline constexpr uint16_t s_link_up = 1;
inline constexpr uint8_t hdr_f_needs_csum = 1;
inline constexpr uint8_t hdr_f_data_valid = 2;
inline constexpr size_t header_size = 12; // virtio_net_hdr with num_buffers (VERSION_1)
inline constexpr size_t max_frame = 65550; // the largest frame a non-GSO driver may send
inline constexpr size_t cfg_mac = 0;
inline constexpr size_t cfg_status = 6;
inline constexpr size_t config_size = 12;
inline constexpr uint16_t queue_size = 256;
} // namespace virtio_net

// Queue 0 receives (host to guest), queue 1 transmits. Every frame is behind a 12-byte
// virtio_net_hdr. With a backend that has no vnet header (slirp) the header is stripped on
// transmit, and the device offers checksum offload without TSO: it fills in the checksum a
// guest leaves partial (host code, instead of the emulated guest's), and marks received frames
// DATA_VALID when the backend built them itself (slirp). With one (a tap with IFF_VNET_HDR) the
// device offers checksum offload and TSO both ways and passes the header through unchanged,
// so a TCP stream crosses as 64 KiB segments the guest never checksums. Transmit runs on the notifying vCPU thread and, when a
// rate limit holds a frame back, on the event loop when the bucket refills (a timerfd). Receive
// runs on the backend's thread.
//
// Hotplug: a NIC may have no backend (a spare slot, or after detach()): its link is down
// (VIRTIO_NET_F_STATUS) and what the guest sends is dropped, as with an unplugged cable.
// attach() connects a backend and raises the link, detach() lowers it and closes the backend;
// both raise a config-change interrupt, on which Linux's virtio_net sets the carrier. The MAC
// is read by the guest once, when it probes, so it stays the slot's. attach()/detach() come
// from the domain's I/O thread.
class VirtioNet final : public VirtioMmioDevice {
public:
    // A null `backend` makes an empty slot (link down).
    VirtioNet(VirtioSlot slot, GuestMemory& memory, std::unique_ptr<NetBackend> backend, MacAddress mac, NetRateLimiter limiter = {}, EventLoop* loop = nullptr);
    ~VirtioNet() override;

    // Starts the backend's receive path. Call once the device is on the bus.
    Status start();

    MacAddress const& mac() const { return m_mac; }
    bool has_backend() const;
    // The backend's one-line description ("" when none).
    std::string backend_description() const;
    bool link_up() const;
    uint64_t tx_frames() const { return m_tx_frames.load(); }
    uint64_t rx_dropped() const { return m_rx_dropped.load(); }

    // Connects `backend` (not started yet) to an empty NIC, with `limiter` for what the guest
    // sends, and raises the link.
    Status attach(std::unique_ptr<NetBackend> backend, NetRateLimiter limiter = {});
    // Lowers the link and closes the backend.
    Status detach();

private:
    void queue_notify(unsigned index) override;
    void on_driver_ok() override;
    void on_reset() override;
    void transmit();
    // A frame from `from`, on its thread (which stops before `from` is destroyed).
    bool receive(NetBackend const& from, std::span<uint8_t const> frame);
    void arm_refill_timer();
    // Installs `limiter`, arming the refill timer the first time one limits; m_tx_lock held
    // (or not yet shared).
    void set_limiter_locked(NetRateLimiter limiter);
    void set_link(bool up);

    std::unique_ptr<NetBackend> m_backend; // guarded by m_tx_lock
    MacAddress m_mac;
    EventLoop* m_loop;
    UniqueFd m_timer; // timerfd for the rate limiter

    mutable std::mutex m_tx_lock; // serialises transmit; guards the backend, the limiter and the held chain
    // Taken, innermost, to swap the backend and to call it from on_driver_ok()/on_reset(),
    // which run with the transport's lock held (so they cannot take m_tx_lock).
    std::mutex m_offload_lock;
    NetRateLimiter m_limiter;
    std::optional<DescriptorChain> m_tx_held;
    std::vector<uint8_t> m_tx_frame;

    std::mutex m_rx_lock; // serialises receive
    std::atomic<uint64_t> m_tx_frames { 0 };
    std::atomic<uint64_t> m_rx_dropped { 0 };

    // The loop may run the timer callback after remove(); it reaches us only through this.
    struct LoopGuard {
        std::mutex lock;
        VirtioNet* self { nullptr };
    };
    std::shared_ptr<LoopGuard> m_loop_guard { std::make_shared<LoopGuard>() };
};

} // namespace xenith
