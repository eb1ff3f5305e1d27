// MacAddress: a NIC's Ethernet address, parsed from a vif spec or random in Xen's OUI 00:16:3e.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace xenith {

struct MacAddress {
    std::array<uint8_t, 6> bytes {};

    // "00:16:3e:12:34:56" (or with '-'); rejects multicast addresses, which a NIC cannot own.
    static Result<MacAddress> parse(std::string_view text);
    // 00:16:3e:xx:xx:xx with the top bit of the fourth byte clear, as Xen's tools pick.
    static MacAddress random_xen();
    // The spec's address, or a random one when the spec leaves it empty.
    static Result<MacAddress> from_spec(std::string_view text);

    std::string to_string() const;
    bool operator==(MacAddress const&) const = default;
};

} // namespace xenith
