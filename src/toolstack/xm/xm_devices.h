// xm block-list/attach/detach and network-list/attach/detach: Xen's arguments and tables.
#pragma once

#include <expected>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.h"

namespace xenith::xm {

// How the device commands reach xend: one API call.
using DeviceCall = std::function<Result<nlohmann::json>(std::string_view op, nlohmann::json args)>;

struct DeviceFailure {
    std::string message;
    bool usage { false }; // print the command's usage line too
};
using DeviceOutcome = std::expected<void, DeviceFailure>;

// Each prints its result on stdout. `args` are the words after the subcommand.
DeviceOutcome block_list(DeviceCall const& call, std::vector<std::string> const& args);
DeviceOutcome block_attach(DeviceCall const& call, std::vector<std::string> const& args);
DeviceOutcome block_detach(DeviceCall const& call, std::vector<std::string> const& args);
DeviceOutcome network_list(DeviceCall const& call, std::vector<std::string> const& args);
DeviceOutcome network_attach(DeviceCall const& call, std::vector<std::string> const& args);
DeviceOutcome network_detach(DeviceCall const& call, std::vector<std::string> const& args);

// The tables, from the list operations' "disks" / "nics" (attached devices only are shown):
//   Vdev  BE handle state evt-ch ring-ref BE-path
//   51728    0    1     4      2      524366 /srv/xen/data.img
//   Idx BE     MAC Addr.     handle state evt-ch tx-/rx-ring-ref BE-path
//   1   0  00:16:3e:5a:10:07    4     4      5     524425/524423   user-mode NAT (slirp, ...)
std::string format_block_list(nlohmann::json const& disks);
std::string format_network_list(nlohmann::json const& nics);

} // namespace xenith::xm
