// vif specs (xl-network-configuration(5)) plus Xenith's forward= for user-mode NAT.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "toolstack/config/domain_config.h"

namespace xenith {

// Parses one vifspec: comma-separated key=value (mac, bridge, gatewaydev/netdev, type,
// model, vifname, script, ip, backend, rate, devid, mtu, forward). '' is one default NIC.
// forward=PROTO:[HOSTADDR:]HOSTPORT:GUESTPORT may repeat, once per forward.
// Errors read "vif 'SPEC': KEY: what (what is valid)".
Result<VifSpec> parse_vif_spec(std::string_view spec, std::vector<std::string>* warnings = nullptr);

struct VifRate {
    uint64_t bytes_per_sec { 0 };
    uint64_t interval_us { 50000 };
};

// "10Mb/s", "250KB/s", "1MB/s@20ms": decimal units, b = bits, B = bytes; interval in
// s (the default unit, as in xl), ms or us; default 50 ms.
Result<VifRate> parse_vif_rate(std::string_view rate);

// Validates a unicast MAC "00:16:3e:74:3d:76" (any case) and returns it lower-cased.
Result<std::string> parse_mac(std::string_view mac);

} // namespace xenith
