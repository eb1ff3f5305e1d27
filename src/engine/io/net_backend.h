// NetBackend: where a virtual NIC's Ethernet frames go (Xen's vif-bridge tap, or user-mode NAT).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/error.h"

namespace xenith {

class EventLoop;

// Whether frames on a backend's file descriptor carry a 12-byte virtio_net_hdr (VERSION_1 layout,
// num_buffers included) in front: a tap opened with IFF_VNET_HDR does.
enum class VnetHeader {
    No,
    Yes,
};

// The offloaded frames the guest's driver accepted to receive (virtio-net GUEST_CSUM, GUEST_TSO4,
// GUEST_TSO6): partially checksummed frames and TCP segments of up to 64 KiB.
struct NetOffloads {
    bool csum { false };
    bool tso4 { false };
    bool tso6 { false };
};

// Threading: send() may be called from any thread (vCPU threads, in practice). Frames for the
// guest are offered to the sink on the backend's own thread (the event loop for tap, slirp's
// thread for NAT). A sink that cannot take a frame (the guest has posted no receive buffers)
// returns false; the backend holds that frame, stops reading, and retries after
// resume_receive().
class NetBackend {
public:
    using FrameSink = std::function<bool(std::span<uint8_t const> frame)>;

    virtual ~NetBackend() = default;

    // One line for logs and `xm network-list`: "tap vif3.0 on bridge xenbr0".
    virtual std::string describe() const = 0;
    virtual Status start(FrameSink sink) = 0;
    virtual void send(std::span<uint8_t const> frame) = 0;
    virtual void resume_receive() = 0;

    // VnetHeader::Yes: every frame, both ways, starts with a virtio_net_hdr, so checksum offload
    // and TSO pass between the guest and the host kernel untouched (no per-packet checksums or
    // 1500-byte segments computed by the emulated guest). Frames from send() and to the sink
    // then include the header.
    virtual VnetHeader vnet_header() const { return VnetHeader::No; }
    // Which offloaded frames the backend may hand the guest from now on (called when the
    // driver is ready, and with nothing after a reset). Only meaningful with a vnet header.
    virtual void set_receive_offloads(NetOffloads) { }
    // True when every frame for the guest was built with correct checksums by the backend itself
    // (slirp), so the device may tell the guest not to verify them (DATA_VALID).
    virtual bool checksums_trusted() const { return false; }
};

struct NetOptions {
    uint32_t domid { 0 };
    uint32_t devid { 0 };
    std::string vifname;                 // "" = vif<domid>.<devid>
    std::string bridge;                  // "" = user-mode NAT
    std::vector<std::string> forwards;   // NAT port forwards, "tcp:2222:22", "udp:127.0.0.1:5353:53"
    EventLoop* loop { nullptr };         // required for tap
};

// A tap on `bridge` when the bridge exists and we may create taps; otherwise user-mode NAT
// (logging why), as the issue and Xen users expect from `vif = [ '' ]`.
Result<std::unique_ptr<NetBackend>> open_net_backend(NetOptions const& options);

} // namespace xenith
