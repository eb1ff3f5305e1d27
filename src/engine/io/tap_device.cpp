// Tap devices: /dev/net/tun, SIOCSIFFLAGS and SIOCBRADDIF.
#include "engine/io/tap_device.h"

#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string_view>

namespace xenith::tap {

static Status copy_name(char (&dst)[IFNAMSIZ], std::string const& name)
{
    if (name.empty() || name.size() >= IFNAMSIZ)
        return fail("interface name '{}' must be 1 to {} characters", name, IFNAMSIZ - 1);
    std::memset(dst, 0, IFNAMSIZ);
    std::memcpy(dst, name.data(), name.size());
    return {};
}

Result<UniqueFd> open(std::string const& name, VnetHeader vnet)
{
    UniqueFd fd(::open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK));
    if (!fd)
        return fail_errno("vif " + name + ": open /dev/net/tun");
    ifreq ifr {};
    XENITH_TRY(copy_name(ifr.ifr_name, name));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnet == VnetHeader::Yes ? IFF_VNET_HDR : 0);
    if (::ioctl(fd.get(), TUNSETIFF, &ifr) != 0)
        return fail_errno("vif " + name + ": TUNSETIFF (creating taps needs root or CAP_NET_ADMIN)");
    if (vnet == VnetHeader::Yes) {
        // virtio 1.x's header always has num_buffers: 12 bytes, not the legacy 10.
        int size = 12;
        if (::ioctl(fd.get(), TUNSETVNETHDRSZ, &size) != 0)
            return fail_errno("vif " + name + ": TUNSETVNETHDRSZ");
    }
    return fd;
}

Status set_offloads(int fd, NetOffloads offloads)
{
    unsigned flags = 0;
    if (offloads.csum) {
        flags |= TUN_F_CSUM;
        // TSO needs checksum offload (the segments' checksums are left partial).
        if (offloads.tso4)
            flags |= TUN_F_TSO4;
        if (offloads.tso6)
            flags |= TUN_F_TSO6;
    }
    if (::ioctl(fd, TUNSETOFFLOAD, flags) != 0)
        return fail_errno("TUNSETOFFLOAD");
    return {};
}

bool bridge_exists(std::string const& bridge)
{
    // Ask the interface's driver rather than /sys, which shows the network namespace of
    // whoever mounted it, not ours.
    UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    ifreq ifr {};
    if (!sock || !copy_name(ifr.ifr_name, bridge))
        return false;
    ethtool_drvinfo info {};
    info.cmd = ETHTOOL_GDRVINFO;
    ifr.ifr_data = reinterpret_cast<char*>(&info);
    if (::ioctl(sock.get(), SIOCETHTOOL, &ifr) != 0)
        return false;
    return std::string_view(info.driver) == "bridge";
}

Status attach_to_bridge(std::string const& name, std::string const& bridge)
{
    UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!sock)
        return fail_errno("vif " + name + ": socket");
    ifreq ifr {};
    XENITH_TRY(copy_name(ifr.ifr_name, name));
    if (::ioctl(sock.get(), SIOCGIFFLAGS, &ifr) != 0)
        return fail_errno("vif " + name + ": SIOCGIFFLAGS");
    ifr.ifr_flags |= IFF_UP;
    if (::ioctl(sock.get(), SIOCSIFFLAGS, &ifr) != 0)
        return fail_errno("vif " + name + ": bringing it up");
    if (::ioctl(sock.get(), SIOCGIFINDEX, &ifr) != 0)
        return fail_errno("vif " + name + ": SIOCGIFINDEX");
    ifreq br {};
    XENITH_TRY(copy_name(br.ifr_name, bridge));
    br.ifr_ifindex = ifr.ifr_ifindex;
    if (::ioctl(sock.get(), SIOCBRADDIF, &br) != 0)
        return fail_errno("vif " + name + ": adding it to bridge " + bridge);
    return {};
}

} // namespace xenith::tap
