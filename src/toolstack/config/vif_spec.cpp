// vifspec parsing (xl-network-configuration(5)): MACs, rates, and Xenith's forward= port forwards.
#include "toolstack/config/vif_spec.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "toolstack/config/config_file.h"

namespace xenith {

namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// Decimal digits only, no sign, no overflow past `max`.
std::optional<uint64_t> decimal(std::string_view s, uint64_t max)
{
    if (s.empty() || s.size() > 19)
        return std::nullopt;
    uint64_t value = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + (c - '0');
    }
    if (value > max)
        return std::nullopt;
    return value;
}

bool valid_ip(std::string_view text)
{
    std::string address(text);
    std::string prefix;
    if (size_t slash = address.find('/'); slash != std::string::npos) {
        prefix = address.substr(slash + 1);
        address.resize(slash);
    }
    unsigned char buffer[16];
    bool v4 = inet_pton(AF_INET, address.c_str(), buffer) == 1;
    bool v6 = !v4 && inet_pton(AF_INET6, address.c_str(), buffer) == 1;
    if (!v4 && !v6)
        return false;
    return prefix.empty() || decimal(prefix, v4 ? 32 : 128).has_value();
}

// PROTO:[HOSTADDR:]HOSTPORT:GUESTPORT, e.g. tcp:2222:22 or udp:127.0.0.1:5353:53.
Status check_forward(std::string_view spec, std::string_view forward)
{
    auto bad = [&](std::string_view why) {
        return fail("vif '{}': forward: `{}' {} (expected PROTO:[HOSTADDR:]HOSTPORT:GUESTPORT, e.g. forward=tcp:2222:22)",
            spec, forward, why);
    };
    std::vector<std::string_view> fields;
    std::string_view rest = forward;
    while (true) {
        size_t colon = rest.find(':');
        fields.push_back(rest.substr(0, colon));
        if (colon == std::string_view::npos)
            break;
        rest.remove_prefix(colon + 1);
    }
    if (fields.size() != 3 && fields.size() != 4)
        return bad("has the wrong number of fields");
    if (fields[0] != "tcp" && fields[0] != "udp")
        return bad("has an unknown protocol (tcp or udp)");
    if (fields.size() == 4) {
        unsigned char buffer[4];
        if (inet_pton(AF_INET, std::string(fields[1]).c_str(), buffer) != 1)
            return bad("has a host address that is not an IPv4 address");
    }
    auto host_port = decimal(fields[fields.size() - 2], 65535);
    auto guest_port = decimal(fields[fields.size() - 1], 65535);
    if (!host_port || !guest_port || *host_port == 0 || *guest_port == 0)
        return bad("has a port outside 1..65535");
    return {};
}

} // namespace

Result<std::string> parse_mac(std::string_view mac)
{
    auto bad = [&](std::string_view why) {
        return fail("`{}' is not a valid MAC address: {} (expected six hex pairs separated by colons, e.g. "
                    "00:16:3e:74:3d:76)",
            mac, why);
    };
    if (mac.size() != 17)
        return bad("wrong length");
    std::string out;
    for (size_t i = 0; i < mac.size(); ++i) {
        char c = mac[i];
        if (i % 3 == 2) {
            if (c != ':')
                return bad("groups must be separated by `:'");
            out += ':';
            continue;
        }
        if (!std::isxdigit(static_cast<unsigned char>(c)))
            return bad("not a hex digit");
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    unsigned first = std::stoul(out.substr(0, 2), nullptr, 16);
    if (first & 1)
        return bad("it is a multicast address (the low bit of the first byte must be clear)");
    if (out == "00:00:00:00:00:00")
        return bad("it is all zeros");
    return out;
}

Result<VifRate> parse_vif_rate(std::string_view rate)
{
    auto bad = [&](std::string_view why) {
        return fail("rate `{}': {} (expected RATE/s[@INTERVAL] with RATE like 10Mb/s, 250KB/s, 1GB/s and INTERVAL "
                    "like 20ms, 500us, 1s)",
            rate, why);
    };
    VifRate out;
    std::string_view amount = rate;
    std::string_view interval;
    if (size_t at = rate.find('@'); at != std::string_view::npos) {
        amount = rate.substr(0, at);
        interval = rate.substr(at + 1);
        if (interval.empty())
            return bad("empty interval after @");
    }
    if (amount.empty())
        return bad("no rate specified");
    // NUMBER [G|M|K] (B|b) /s
    size_t digits = 0;
    while (digits < amount.size() && amount[digits] >= '0' && amount[digits] <= '9')
        ++digits;
    auto number = decimal(amount.substr(0, digits), UINT32_MAX);
    if (digits == 0)
        return bad("invalid rate");
    if (!number || *number == 0)
        return bad("rate overflow (1..4294967295 per unit)");
    std::string_view unit = amount.substr(digits);
    uint64_t multiplier = 1;
    if (!unit.empty() && (unit[0] == 'G' || unit[0] == 'M' || unit[0] == 'K')) {
        multiplier = unit[0] == 'G' ? 1000000000ull : unit[0] == 'M' ? 1000000ull : 1000ull;
        unit.remove_prefix(1);
    }
    if (unit != "B/s" && unit != "b/s")
        return bad("invalid rate");
    out.bytes_per_sec = *number * multiplier;
    if (unit[0] == 'b')
        out.bytes_per_sec /= 8;
    if (out.bytes_per_sec == 0)
        return bad("rate rounds down to 0 bytes per second");

    if (!interval.empty()) {
        size_t n = 0;
        while (n < interval.size() && interval[n] >= '0' && interval[n] <= '9')
            ++n;
        auto value = decimal(interval.substr(0, n), UINT32_MAX);
        std::string_view suffix = interval.substr(n);
        if (n == 0 || (suffix != "" && suffix != "s" && suffix != "ms" && suffix != "us"))
            return bad("invalid replenishment interval");
        if (!value || *value == 0)
            return bad("replenishment interval overflow");
        uint64_t us = *value;
        if (suffix == "" || suffix == "s")
            us *= 1000000; // xl reads a bare number as seconds
        else if (suffix == "ms")
            us *= 1000;
        if (us > UINT32_MAX)
            return bad("replenishment interval overflow (at most 4294 s)");
        out.interval_us = us;
    }
    return out;
}

Result<VifSpec> parse_vif_spec(std::string_view spec, std::vector<std::string>* warnings)
{
    VifSpec vif;
    auto warn = [&](std::string message) {
        if (warnings)
            warnings->push_back(fmt::format("vif '{}': {}", spec, message));
    };
    std::vector<std::string> seen;
    std::string_view rest = spec;
    while (!rest.empty()) {
        size_t comma = rest.find(',');
        std::string_view token = trim(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        if (token.empty())
            continue;
        size_t eq = token.find('=');
        // xl's only flags: trusted/untrusted (XSA-403) advise the frontend whether to harden
        // itself against its backend, which in Xenith is the domain's own process.
        if (token == "trusted" || token == "untrusted") {
            warn(fmt::format("flag `{}' ignored", token));
            continue;
        }
        if (eq == std::string_view::npos)
            return fail("vif '{}': `{}' is not KEY=VALUE or a flag (trusted, untrusted) (e.g. 'mac=00:16:3e:74:3d:76,bridge=xenbr0')",
                spec, token);
        std::string key(trim(token.substr(0, eq)));
        std::string value(trim(token.substr(eq + 1)));
        if (key == "netdev") {
            warn("netdev is deprecated; use gatewaydev");
            key = "gatewaydev";
        }
        if (key != "forward") {
            if (std::find(seen.begin(), seen.end(), key) != seen.end())
                return fail("vif '{}': {} given twice", spec, key);
            seen.push_back(key);
        }
        if (key == "mac") {
            auto mac = parse_mac(value);
            if (!mac)
                return fail("vif '{}': mac: {}", spec, mac.error().message());
            vif.mac = *mac;
        } else if (key == "bridge") {
            if (value.empty() || value.size() > 15 || value.find('/') != std::string::npos)
                return fail("vif '{}': bridge: `{}' is not a network interface name (1..15 characters, no `/')", spec,
                    value);
            vif.bridge = value;
        } else if (key == "gatewaydev") {
            vif.gatewaydev = value;
        } else if (key == "type") {
            if (value != "vif" && value != "ioemu")
                return fail("vif '{}': type: `{}' is not valid (expected vif or ioemu)", spec, value);
            vif.type = value;
        } else if (key == "model") {
            vif.model = value;
        } else if (key == "vifname") {
            if (value.empty() || value.size() > 15 || value.find('/') != std::string::npos)
                return fail("vif '{}': vifname: `{}' is not a network interface name (1..15 characters, no `/')",
                    spec, value);
            vif.vifname = value;
        } else if (key == "script") {
            vif.script = value;
        } else if (key == "ip") {
            // xl allows several addresses separated by spaces.
            std::string_view ips = value;
            while (!ips.empty()) {
                size_t space = ips.find(' ');
                std::string_view one = ips.substr(0, space);
                if (!one.empty() && !valid_ip(one))
                    return fail("vif '{}': ip: `{}' is not an IP address (e.g. ip=192.168.1.10)", spec, one);
                ips = space == std::string_view::npos ? std::string_view() : ips.substr(space + 1);
            }
            vif.ip = value;
        } else if (key == "backend") {
            vif.backend = value;
            warn("backend= is recorded but driver domains do not exist in Xenith");
        } else if (key == "rate") {
            auto rate = parse_vif_rate(value);
            if (!rate)
                return fail("vif '{}': {}", spec, rate.error().message());
            vif.rate = value;
            vif.rate_bytes_per_sec = rate->bytes_per_sec;
            vif.rate_interval_us = rate->interval_us;
        } else if (key == "mtu") {
            auto mtu = decimal(value, 65535);
            if (!mtu || *mtu < 68)
                return fail("vif '{}': mtu: `{}' is not valid (expected 68..65535, e.g. mtu=1500)", spec, value);
            vif.mtu = static_cast<uint32_t>(*mtu);
        } else if (key == "devid") {
            if (!decimal(value, 65535))
                return fail("vif '{}': devid: `{}' is not a number (expected 0..65535)", spec, value);
            warn("devid is ignored: devices are numbered in list order");
        } else if (key == "forward") {
            XENITH_TRY(check_forward(spec, value));
            vif.forwards.push_back(value);
        } else if (key == "accel" || key == "trusted" || key == "untrusted" || key == "colo_forward"
            || key.starts_with("colo_")) {
            warn(fmt::format("{} is not supported and is ignored", key));
        } else {
            return fail("vif '{}': unknown key `{}' (valid: mac bridge gatewaydev type model vifname script ip backend "
                        "rate devid mtu forward)",
                spec, key);
        }
    }
    return vif;
}

} // namespace xenith
