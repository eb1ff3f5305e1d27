// open_net_backend: tap on a bridge when possible, user-mode NAT otherwise.
#include "engine/io/net_backend.h"

#include "base/log.h"
#include "engine/io/net_fd_backend.h"
#include "engine/io/slirp_backend.h"
#include "engine/io/tap_device.h"

namespace xenith {

static Result<std::unique_ptr<NetBackend>> open_slirp(NetOptions const& options)
{
    auto backend = XENITH_TRY(SlirpBackend::create(options.forwards));
    return std::unique_ptr<NetBackend>(std::move(backend));
}

Result<std::unique_ptr<NetBackend>> open_net_backend(NetOptions const& options)
{
    std::string name = options.vifname.empty() ? fmt::format("vif{}.{}", options.domid, options.devid) : options.vifname;
    if (options.bridge.empty())
        return open_slirp(options);
    if (!tap::bridge_exists(options.bridge)) {
        log::warn("vif {}: bridge {} does not exist; using user-mode NAT instead", name, options.bridge);
        return open_slirp(options);
    }
    if (!options.loop)
        return fail("vif {}: a tap backend needs the domain's event loop", name);
    auto fd = tap::open(name, VnetHeader::Yes);
    if (!fd) {
        log::warn("{}; using user-mode NAT instead", fd.error().message());
        return open_slirp(options);
    }
    XENITH_TRY(tap::attach_to_bridge(name, options.bridge));
    return std::unique_ptr<NetBackend>(std::make_unique<FdNetBackend>(std::move(*fd), *options.loop, fmt::format("tap {} on bridge {}", name, options.bridge), VnetHeader::Yes));
}

} // namespace xenith
