// MacAddress: parsing, formatting and Xen-style random addresses.
#include "engine/io/net_mac.h"

#include <sys/random.h>

#include <charconv>

namespace xenith {

Result<MacAddress> MacAddress::parse(std::string_view text)
{
    MacAddress mac;
    size_t pos = 0;
    for (int i = 0; i < 6; ++i) {
        if (i > 0) {
            if (pos >= text.size() || (text[pos] != ':' && text[pos] != '-'))
                return fail("mac '{}': expected six hex bytes separated by ':'", text);
            ++pos;
        }
        if (pos + 2 > text.size())
            return fail("mac '{}': expected six hex bytes separated by ':'", text);
        unsigned value = 0;
        auto [end, ec] = std::from_chars(text.data() + pos, text.data() + pos + 2, value, 16);
        if (ec != std::errc() || end != text.data() + pos + 2)
            return fail("mac '{}': '{}' is not a hex byte", text, text.substr(pos, 2));
        mac.bytes[i] = static_cast<uint8_t>(value);
        pos += 2;
    }
    if (pos != text.size())
        return fail("mac '{}': trailing characters", text);
    if (mac.bytes[0] & 1)
        return fail("mac '{}' is a multicast address; a NIC needs a unicast one (first byte even)", text);
    return mac;
}

MacAddress MacAddress::random_xen()
{
    MacAddress mac { { 0x00, 0x16, 0x3e, 0, 0, 0 } };
    uint8_t r[3] = {};
    [[maybe_unused]] auto n = ::getrandom(r, sizeof(r), 0);
    mac.bytes[3] = r[0] & 0x7f;
    mac.bytes[4] = r[1];
    mac.bytes[5] = r[2];
    return mac;
}

Result<MacAddress> MacAddress::from_spec(std::string_view text)
{
    if (text.empty())
        return random_xen();
    return parse(text);
}

std::string MacAddress::to_string() const
{
    return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]);
}

} // namespace xenith
