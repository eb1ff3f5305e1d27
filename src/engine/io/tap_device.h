// Tap devices: create vif<domid>.<devid> and attach it to a bridge, as Xen's vif-bridge script.
#pragma once

#include <string>

#include "base/error.h"
#include "base/unique_fd.h"

namespace xenith::tap {

// Creates (or attaches to) tap interface `name` (IFF_TAP | IFF_NO_PI). Needs CAP_NET_ADMIN.
Result<UniqueFd> open(std::string const& name);
// Sets `name` up and enslaves it to `bridge`.
Status attach_to_bridge(std::string const& name, std::string const& bridge);
// Whether `bridge` exists on this host and is a bridge.
bool bridge_exists(std::string const& bridge);

} // namespace xenith::tap
