// DISKSPEC parsing (xl-disk-configuration(5), with xm's prefixes) and vdev numbering (xen-vbd-interface(7)).
#include "toolstack/config/disk_spec.h"

#include <algorithm>
#include <array>
#include <optional>

#include "toolstack/config/config_file.h"

namespace xenith {

namespace {

std::string_view trim_left(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    return s;
}

std::string_view trim(std::string_view s)
{
    s = trim_left(s);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

bool all_digits(std::string_view s)
{
    if (s.empty())
        return false;
    for (char c : s) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

std::optional<unsigned> small_decimal(std::string_view s, unsigned max)
{
    if (!all_digits(s) || (s.size() > 1 && s[0] == '0') || s.size() > 9)
        return std::nullopt;
    unsigned value = 0;
    for (char c : s)
        value = value * 10 + (c - '0');
    if (value > max)
        return std::nullopt;
    return value;
}

std::optional<DiskFormat> format_from_name(std::string_view name)
{
    if (name == "raw")
        return DiskFormat::Raw;
    if (name == "qcow")
        return DiskFormat::Qcow;
    if (name == "qcow2")
        return DiskFormat::Qcow2;
    if (name == "vhd")
        return DiskFormat::Vhd;
    return std::nullopt;
}

constexpr unsigned max_xvd_disk = (1u << 20) - 1;

std::unexpected<Error> bad_vdev(std::string_view vdev, std::string_view why)
{
    return fail("'{}' is not a virtual device name: {} (expected xvdX, xvdXN, sdX, sdXN, hdX, hdXN or dNpM, e.g. xvda)",
        vdev, why);
}

// The parts of one DISKSPEC as written, before defaults.
struct DiskParts {
    std::optional<std::string> target;
    std::optional<std::string> format;
    std::optional<std::string> vdev;
    std::optional<std::string> access;
    std::optional<std::string> devtype;
    std::optional<std::string> backendtype;
    std::optional<std::string> script;
    std::optional<DiskBackend> prefix_backend; // from xm's file:/phy:/tap:aio: prefixes
    bool had_deprecated_prefix { false };
};

struct Prefix {
    std::string_view name;
    enum class Does { Format, Script, Backend } does;
    DiskBackend backend { DiskBackend::File };
};

constexpr std::array prefixes {
    Prefix { "raw", Prefix::Does::Format },
    Prefix { "qcow", Prefix::Does::Format },
    Prefix { "qcow2", Prefix::Does::Format },
    Prefix { "vhd", Prefix::Does::Format },
    Prefix { "iscsi", Prefix::Does::Script },
    Prefix { "nbd", Prefix::Does::Script },
    Prefix { "enbd", Prefix::Does::Script },
    Prefix { "drbd", Prefix::Does::Script },
    Prefix { "tapdisk", Prefix::Does::Backend, DiskBackend::Aio },
    Prefix { "tap2", Prefix::Does::Backend, DiskBackend::Aio },
    Prefix { "tap", Prefix::Does::Backend, DiskBackend::Aio },
    Prefix { "aio", Prefix::Does::Backend, DiskBackend::Aio },
    Prefix { "ioemu", Prefix::Does::Backend, DiskBackend::File },
    Prefix { "file", Prefix::Does::Backend, DiskBackend::File },
    Prefix { "phy", Prefix::Does::Backend, DiskBackend::Phy },
};

// Strips xm's "tap:aio:", "file:", "qcow2:" ... prefixes from a positional target.
Result<std::string> strip_prefixes(std::string_view spec, std::string_view target, DiskParts& parts)
{
    while (true) {
        size_t colon = target.find(':');
        if (colon == std::string_view::npos)
            break;
        std::string_view word = target.substr(0, colon);
        auto it = std::find_if(prefixes.begin(), prefixes.end(), [&](Prefix const& p) { return p.name == word; });
        if (it == prefixes.end()) {
            bool looks_like_prefix = !word.empty() && word[0] >= 'a' && word[0] <= 'z'
                && std::all_of(word.begin(), word.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
            if (looks_like_prefix && colon + 1 < target.size() && target[colon + 1] == '/')
                return fail("disk '{}': unknown deprecated disk prefix `{}:' (known: file: phy: tap:aio: tap2: "
                            "tapdisk: aio: ioemu: raw: qcow: qcow2: vhd:)",
                    spec, word);
            break;
        }
        parts.had_deprecated_prefix = true;
        switch (it->does) {
        case Prefix::Does::Format:
            parts.format = std::string(word);
            break;
        case Prefix::Does::Script:
            parts.script = "block-" + std::string(word);
            break;
        case Prefix::Does::Backend:
            // "tap:aio:" and "tap:tapdisk:aio:" stay Aio; a later "file:"/"phy:" decides otherwise.
            if (!(parts.prefix_backend == DiskBackend::Aio && it->backend == DiskBackend::File && word == "ioemu"))
                parts.prefix_backend = it->backend;
            break;
        }
        target.remove_prefix(colon + 1);
    }
    return std::string(target);
}

// "hdc:cdrom" → vdev hdc, devtype cdrom (xm's spelling).
Status split_vdev_devtype(std::string_view spec, std::string_view text, DiskParts& parts)
{
    size_t colon = text.find(':');
    if (colon == std::string_view::npos) {
        parts.vdev = std::string(text);
        return {};
    }
    std::string_view type = text.substr(colon + 1);
    if (type != "cdrom" && type != "disk")
        return fail("disk '{}': unknown device type `{}' after `:' (expected cdrom or disk, e.g. hdc:cdrom)", spec, type);
    parts.vdev = std::string(text.substr(0, colon));
    if (type == "cdrom")
        parts.devtype = "cdrom";
    return {};
}

bool looks_like_vdev(std::string_view text)
{
    size_t colon = text.find(':');
    return parse_vdev(text.substr(0, colon)).has_value();
}

Status set_once(std::string_view spec, std::optional<std::string>& slot, std::string_view name, std::string_view value)
{
    if (slot)
        return fail("disk '{}': {} given twice (each parameter may be given once, by position or as {}=)", spec, name, name);
    slot = std::string(value);
    return {};
}

} // namespace

uint32_t xenstore_device_number(Vdev const& vdev)
{
    switch (vdev.kind) {
    case VdevKind::Sd:
        return (8u << 8) | (vdev.disk << 4) | vdev.partition;
    case VdevKind::Hd:
        return ((vdev.disk < 2 ? 3u : 22u) << 8) | ((vdev.disk & 1) << 6) | vdev.partition;
    case VdevKind::Xvd:
        break;
    }
    // The short form holds disks 0..15 with partitions 0..15; the rest use the extended form.
    if (vdev.disk < 16 && vdev.partition < 16)
        return (202u << 8) | (vdev.disk << 4) | vdev.partition;
    return (1u << 28) | (vdev.disk << 8) | vdev.partition;
}

Result<Vdev> parse_vdev(std::string_view vdev)
{
    if (vdev.empty())
        return fail("the virtual device name is empty (e.g. xvda)");
    Vdev out;
    // A bare xenstore number, as old configs may give (xen-vbd-interface(7)).
    if (vdev[0] >= '0' && vdev[0] <= '9') {
        auto number = parse_config_number(vdev);
        if (!number)
            return bad_vdev(vdev, "not a number");
        uint64_t n = *number;
        if ((n >> 28) == 1) {
            out.disk = (n >> 8) & 0xfffff;
            out.partition = n & 0xff;
        } else if (n >> 16) {
            return bad_vdev(vdev, "reserved device number");
        } else if ((n >> 8) == 202) {
            out.disk = (n >> 4) & 0xf;
            out.partition = n & 0xf;
        } else if ((n >> 8) == 8) {
            out.kind = VdevKind::Sd;
            out.disk = (n >> 4) & 0xf;
            out.partition = n & 0xf;
        } else if ((n >> 8) == 3 || (n >> 8) == 22) {
            out.kind = VdevKind::Hd;
            out.disk = ((n >> 8) == 22 ? 2 : 0) + ((n >> 6) & 1);
            out.partition = n & 0x3f;
        } else {
            return bad_vdev(vdev, "unknown device number (xvd is 202<<8, sd 8<<8, hd 3<<8 or 22<<8)");
        }
        return out;
    }
    // d<disk>[p<partition>]
    if (vdev[0] == 'd' && vdev.size() > 1 && vdev[1] >= '0' && vdev[1] <= '9') {
        std::string_view rest = vdev.substr(1);
        size_t p = rest.find('p');
        auto disk = small_decimal(rest.substr(0, p), max_xvd_disk);
        if (!disk)
            return bad_vdev(vdev, "disk number out of range 0..1048575");
        out.disk = *disk;
        if (p != std::string_view::npos) {
            auto partition = small_decimal(rest.substr(p + 1), 255);
            if (!partition)
                return bad_vdev(vdev, "partition out of range 0..255");
            out.partition = *partition;
        }
        return out;
    }
    std::string_view letters_and_digits;
    unsigned max_disk, max_partition;
    if (vdev.starts_with("xvd")) {
        letters_and_digits = vdev.substr(3);
        max_disk = max_xvd_disk;
        max_partition = 255;
    } else if (vdev.starts_with("sd")) {
        out.kind = VdevKind::Sd;
        letters_and_digits = vdev.substr(2);
        max_disk = 15;
        max_partition = 15;
    } else if (vdev.starts_with("hd")) {
        out.kind = VdevKind::Hd;
        letters_and_digits = vdev.substr(2);
        max_disk = 3;
        max_partition = 63;
    } else {
        return bad_vdev(vdev, "unknown prefix");
    }
    size_t n_letters = 0;
    uint64_t disk = 0;
    while (n_letters < letters_and_digits.size() && letters_and_digits[n_letters] >= 'a' && letters_and_digits[n_letters] <= 'z') {
        // Bijective base 26: a=0 ... z=25, aa=26, tq=536.
        disk = (n_letters ? (disk + 1) * 26 : 0) + (letters_and_digits[n_letters] - 'a');
        ++n_letters;
        if (disk > max_xvd_disk)
            return bad_vdev(vdev, "disk letter sequence too long");
    }
    if (n_letters == 0)
        return bad_vdev(vdev, "no disk letter");
    if (disk > max_disk)
        return bad_vdev(vdev, out.kind == VdevKind::Sd ? "emulated SCSI disks are sda..sdp" : "emulated IDE disks are hda..hdd");
    out.disk = static_cast<unsigned>(disk);
    std::string_view digits = letters_and_digits.substr(n_letters);
    if (!digits.empty()) {
        auto partition = small_decimal(digits, max_partition);
        if (!partition || *partition == 0)
            return bad_vdev(vdev, fmt::format("partition must be 1..{}", max_partition));
        out.partition = *partition;
    }
    return out;
}

Result<unsigned> disk_index_of_vdev(std::string_view vdev)
{
    Vdev parsed = XENITH_TRY(parse_vdev(vdev));
    return parsed.disk << 8 | parsed.partition;
}

std::string guest_disk_name(unsigned position)
{
    std::string letters;
    uint64_t n = position;
    // Linux's sd/vd naming: bijective base 26.
    do {
        letters.insert(letters.begin(), static_cast<char>('a' + n % 26));
        n = n / 26;
    } while (n-- > 0);
    return "vd" + letters;
}

std::vector<size_t> guest_disk_order(std::vector<DiskSpec> const& disks)
{
    std::vector<std::pair<uint64_t, size_t>> keyed;
    for (size_t i = 0; i < disks.size(); ++i) {
        auto index = disk_index_of_vdev(disks[i].vdev);
        keyed.emplace_back(index ? *index : UINT64_MAX, i);
    }
    std::stable_sort(keyed.begin(), keyed.end(), [](auto const& a, auto const& b) { return a.first < b.first; });
    std::vector<size_t> order;
    for (auto const& [key, i] : keyed)
        order.push_back(i);
    return order;
}

Result<DiskSpec> parse_disk_spec(std::string_view spec, std::vector<std::string>* warnings)
{
    DiskParts parts;
    auto warn = [&](std::string message) {
        if (warnings)
            warnings->push_back(fmt::format("disk '{}': {}", spec, message));
    };
    // Positional slots in xl's order; format is skipped after an xm prefix.
    enum Slot { Target, Format, VdevSlot, Access, Done };
    Slot next = Target;
    std::string_view rest = spec;
    bool first = true;
    while (first || !rest.empty()) {
        first = false;
        rest = trim_left(rest);
        if (rest.starts_with("target=")) {
            // target= takes the rest of the spec, commas and all (xl's rule), and comes last.
            std::string_view value = rest.substr(7);
            if (parts.target && !parts.target->empty())
                return fail("disk '{}': target given twice (each parameter may be given once)", spec);
            parts.target = std::string(value);
            break;
        }
        size_t comma = rest.find(',');
        std::string_view token = trim(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        bool last = comma == std::string_view::npos;

        size_t eq = token.find('=');
        if (eq != std::string_view::npos) {
            std::string_view key = trim(token.substr(0, eq));
            std::string_view value = trim(token.substr(eq + 1));
            if (key == "vdev")
                XENITH_TRY(set_once(spec, parts.vdev, key, value));
            else if (key == "format")
                XENITH_TRY(set_once(spec, parts.format, key, value));
            else if (key == "access")
                XENITH_TRY(set_once(spec, parts.access, key, value));
            else if (key == "devtype")
                XENITH_TRY(set_once(spec, parts.devtype, key, value));
            else if (key == "backendtype")
                XENITH_TRY(set_once(spec, parts.backendtype, key, value));
            else if (key == "script")
                XENITH_TRY(set_once(spec, parts.script, key, value));
            else if (key == "backend")
                warn(fmt::format("backend={} ignored: driver domains do not exist in Xenith, the domain's own process "
                                 "serves its disks",
                    value));
            else if (key == "colo-host" || key == "colo-port" || key == "colo-export" || key == "active-disk"
                || key == "hidden-disk")
                warn(fmt::format("{}= ignored: COLO replication is not supported", key));
            else
                return fail("disk '{}': unknown parameter `{}' (valid: target= vdev= format= access= devtype= "
                            "backendtype= script= backend=, flags cdrom discard no-discard direct-io-safe trusted untrusted)",
                    spec, key);
            continue;
        }
        if (token == "cdrom") {
            XENITH_TRY(set_once(spec, parts.devtype, "devtype", "cdrom"));
            continue;
        }
        // trusted/untrusted (xl, XSA-403) advise a frontend whether to harden itself against its
        // backend; Xenith's backends are the domain's own process.
        if (token == "discard" || token == "no-discard" || token == "direct-io-safe" || token == "colo" || token == "trusted"
            || token == "untrusted") {
            warn(fmt::format("flag `{}' ignored", token));
            continue;
        }
        // A positional parameter. A trailing empty one after the last comma ("a,b,") is no parameter.
        if (last && token.empty() && next != Target)
            break;
        switch (next) {
        case Target: {
            parts.target = XENITH_TRY(strip_prefixes(spec, token, parts));
            next = parts.had_deprecated_prefix ? VdevSlot : Format;
            break;
        }
        case Format:
            if (parts.target->empty() && !token.empty() && looks_like_vdev(token)) {
                // xm's empty cdrom: ",hdc:cdrom,r".
                XENITH_TRY(split_vdev_devtype(spec, token, parts));
                next = Access;
            } else if (token.empty() || format_from_name(token) || token == "qed" || !looks_like_vdev(token)) {
                XENITH_TRY(set_once(spec, parts.format, "format", token));
                next = VdevSlot;
            } else {
                // xm's three-field form without a prefix: "/path,xvda,w".
                XENITH_TRY(split_vdev_devtype(spec, token, parts));
                next = Access;
            }
            break;
        case VdevSlot:
            if (!parts.format && !looks_like_vdev(token) && (format_from_name(token) || token == "qed")) {
                // "file:/x.qcow2,qcow2,xvda,w": a format after an xm prefix, before the vdev.
                parts.format = std::string(token);
                break;
            }
            if (parts.vdev)
                return fail("disk '{}': vdev given twice (each parameter may be given once, by position or as vdev=)", spec);
            XENITH_TRY(split_vdev_devtype(spec, token, parts));
            next = Access;
            break;
        case Access:
            XENITH_TRY(set_once(spec, parts.access, "access", token));
            next = Done;
            break;
        case Done:
            return fail("disk '{}': too many positional parameters at `{}' (the order is target,format,vdev,access)",
                spec, token);
        }
    }

    DiskSpec disk;
    if (parts.devtype && !parts.devtype->empty()) {
        if (*parts.devtype != "cdrom" && *parts.devtype != "disk")
            return fail("disk '{}': devtype `{}' is not valid (expected devtype=cdrom)", spec, *parts.devtype);
        disk.cdrom = *parts.devtype == "cdrom";
    }
    if (!parts.vdev || parts.vdev->empty())
        return fail("disk '{}': no vdev given (e.g. 'file:/var/lib/xen/images/guest.img,xvda,w' or "
                    "'vdev=xvda, target=/var/lib/xen/images/guest.img')",
            spec);
    auto vdev = parse_vdev(*parts.vdev);
    if (!vdev)
        return fail("disk '{}': {}", spec, vdev.error().message());
    disk.vdev = *parts.vdev;

    if (parts.format && !parts.format->empty()) {
        auto format = format_from_name(*parts.format);
        if (!format) {
            if (*parts.format == "qed")
                return fail("disk '{}': format qed is not supported (expected raw, qcow, qcow2 or vhd)", spec);
            return fail("disk '{}': unknown format `{}' (expected raw, qcow, qcow2 or vhd)", spec, *parts.format);
        }
        disk.format = *format;
    }

    if (parts.prefix_backend)
        disk.backend = *parts.prefix_backend;
    if (parts.backendtype && !parts.backendtype->empty()) {
        if (*parts.backendtype == "phy")
            disk.backend = DiskBackend::Phy;
        else if (*parts.backendtype == "tap")
            disk.backend = DiskBackend::Aio;
        else if (*parts.backendtype == "qdisk")
            disk.backend = DiskBackend::File;
        else
            return fail("disk '{}': unknown backendtype `{}' (expected phy, tap or qdisk)", spec, *parts.backendtype);
    }

    if (parts.access && !parts.access->empty()) {
        std::string const& a = *parts.access;
        if (a == "r" || a == "ro")
            disk.writable = false;
        else if (a == "w" || a == "rw")
            disk.writable = true;
        else if (a == "w!") {
            disk.writable = true;
            warn("access w! (shared writable) is treated as w: Xenith still refuses an image another domain has open "
                 "writable");
        } else
            return fail("disk '{}': access `{}' is not valid (expected r, ro, w or rw)", spec, a);
    } else {
        disk.writable = !disk.cdrom;
    }
    if (disk.cdrom && disk.writable)
        return fail("disk '{}': a cdrom cannot be writable (use access=ro, or drop devtype=cdrom)", spec);

    disk.target = parts.target.value_or("");
    if (disk.target.empty() && !disk.cdrom)
        return fail("disk '{}': no target given: name the image file or block device (only an empty cdrom may omit "
                    "it)",
            spec);
    if (disk.backend == DiskBackend::Phy && !disk.target.empty() && disk.target[0] != '/')
        disk.target = "/dev/" + disk.target; // xl: "/dev will be prepended if the path doesn't start with a '/'"
    if (disk.backend == DiskBackend::Phy && disk.format != DiskFormat::Raw)
        return fail("disk '{}': a phy: device must be raw, not {} (drop the phy: prefix to open an image file)", spec,
            *parts.format);
    if (parts.script)
        disk.script = *parts.script;
    return disk;
}

} // namespace xenith
