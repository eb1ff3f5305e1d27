// Tap devices: create vif<domid>.<devid> and attach it to a bridge, as Xen's vif-bridge script.
#pragma once

#include <string>

#include "base/error.h"
#include "base/unique_fd.h"
#include "engine/io/net_backend.h"

namespace xenith::tap {

// Creates (or attaches to) tap interface `name` (IFF_TAP | IFF_NO_PI, and IFF_VNET_HDR with a
// 12-byte header for VnetHeader::Yes). Needs CAP_NET_ADMIN.
Result<UniqueFd> open(std::string const& name, VnetHeader vnet = VnetHeader::No);
// TUNSETOFFLOAD: which offloaded frames (partial checksums, TSO) the tap may hand us.
Status set_offloads(int fd, NetOffloads offloads);
// Sets `name` up and enslaves it to `bridge`.
Status attach_to_bridge(std::string const& name, std::string const& bridge);
// Whether `bridge` exists on this host and is a bridge.
bool bridge_exists(std::string const& bridge);

} // namespace xenith::tap
