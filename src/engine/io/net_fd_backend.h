// FdNetBackend: frames over a packet file descriptor (a tap device, or a datagram socket that
// links two NICs as QEMU's -netdev socket does), served by the domain's event loop.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/unique_fd.h"
#include "engine/io/net_backend.h"

namespace xenith {

class EventLoop;

// One read() is one frame and one write() sends one frame, which holds for tap devices
// (IFF_TAP | IFF_NO_PI) and SOCK_DGRAM/SOCK_SEQPACKET sockets alike. Reads run on the loop
// thread; a frame the guest cannot take yet is held and EPOLLIN switched off until
// resume_receive(). The fd is non-blocking; a full host queue drops the frame, as a NIC would.
class FdNetBackend final : public NetBackend {
public:
    // VnetHeader::Yes for a tap opened with IFF_VNET_HDR (tap::open).
    FdNetBackend(UniqueFd fd, EventLoop& loop, std::string description, VnetHeader vnet = VnetHeader::No);
    ~FdNetBackend() override;

    std::string describe() const override { return m_description; }
    Status start(FrameSink sink) override;
    void send(std::span<uint8_t const> frame) override;
    void resume_receive() override;
    VnetHeader vnet_header() const override { return m_vnet; }
    void set_receive_offloads(NetOffloads offloads) override;

    int fd() const { return m_fd.get(); }

private:
    struct State;

    UniqueFd m_fd;
    EventLoop& m_loop;
    std::string m_description;
    VnetHeader m_vnet;
    std::shared_ptr<State> m_state; // shared with loop callbacks so none outlives it unsafely
};

} // namespace xenith
