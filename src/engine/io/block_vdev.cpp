// Virtual disk names: parsing, ordering and root= translation.
#include "engine/io/block_vdev.h"

#include <algorithm>
#include <charconv>
#include <numeric>
#include <optional>

namespace xenith {

namespace {

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "a" = 0, "z" = 25, "aa" = 26: bijective base 26.
std::optional<unsigned> letters_to_index(std::string_view letters)
{
    if (letters.empty() || letters.size() > 3)
        return std::nullopt;
    unsigned value = 0;
    for (char c : letters) {
        if (!is_lower(c))
            return std::nullopt;
        value = value * 26 + static_cast<unsigned>(c - 'a' + 1);
    }
    return value - 1;
}

std::optional<unsigned> number(std::string_view digits)
{
    unsigned value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size())
        return std::nullopt;
    return value;
}

int prefix_rank(std::string_view prefix)
{
    static constexpr std::string_view order[] = { "xvd", "sd", "hd", "vd", "d" };
    for (int i = 0; i < 5; ++i) {
        if (prefix == order[i])
            return i;
    }
    return 5;
}

} // namespace

Result<VirtualDiskName> parse_vdev(std::string_view vdev)
{
    auto bad = [&](std::string_view why) { return fail("disk vdev '{}': {} (expected e.g. xvda, xvdb1, sda, hda, d0p1)", vdev, why); };
    VirtualDiskName name;
    // d<disk>[p<partition>]
    if (vdev.size() >= 2 && vdev[0] == 'd' && is_digit(vdev[1])) {
        size_t p = vdev.find('p');
        auto disk = number(vdev.substr(1, p == std::string_view::npos ? std::string_view::npos : p - 1));
        if (!disk)
            return bad("bad disk number");
        name.prefix = "d";
        name.disk = *disk;
        if (p != std::string_view::npos) {
            auto part = number(vdev.substr(p + 1));
            if (!part || *part == 0)
                return bad("bad partition number");
            name.partition = *part;
        }
        return name;
    }
    for (std::string_view prefix : { "xvd", "sd", "hd", "vd" }) {
        if (!vdev.starts_with(prefix))
            continue;
        std::string_view rest = vdev.substr(prefix.size());
        size_t letters = 0;
        while (letters < rest.size() && is_lower(rest[letters]))
            ++letters;
        auto disk = letters_to_index(rest.substr(0, letters));
        if (!disk)
            return bad("no disk letter");
        if (prefix == "hd" && *disk > 3)
            return bad("IDE disks are hda to hdd");
        name.prefix = prefix;
        name.disk = *disk;
        if (letters < rest.size()) {
            auto part = number(rest.substr(letters));
            if (!part || *part == 0 || *part > 255)
                return bad("bad partition number");
            name.partition = *part;
        }
        return name;
    }
    return bad("unknown prefix");
}

Result<std::vector<size_t>> order_disks(std::vector<std::string> const& vdevs)
{
    std::vector<VirtualDiskName> names;
    for (auto const& v : vdevs)
        names.push_back(XENITH_TRY(parse_vdev(v)));
    std::vector<size_t> order(vdevs.size());
    std::iota(order.begin(), order.end(), 0);
    auto key = [&](size_t i) { return std::tuple(names[i].disk, prefix_rank(names[i].prefix), names[i].partition); };
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key(a) < key(b); });
    for (size_t k = 1; k < order.size(); ++k) {
        if (key(order[k]) == key(order[k - 1]))
            return fail("disks {} and {} are both vdev '{}'; each disk needs its own name", order[k - 1], order[k], vdevs[order[k]]);
    }
    return order;
}

std::string guest_disk_name(size_t position)
{
    std::string letters;
    size_t n = position + 1;
    while (n > 0) {
        --n;
        letters.insert(letters.begin(), static_cast<char>('a' + n % 26));
        n /= 26;
    }
    return "vd" + letters;
}

std::string rewrite_root_device(std::string_view cmdline, std::vector<std::string> const& vdevs_in_guest_order)
{
    std::string out;
    size_t pos = 0;
    while (pos <= cmdline.size()) {
        size_t end = cmdline.find(' ', pos);
        if (end == std::string_view::npos)
            end = cmdline.size();
        std::string_view arg = cmdline.substr(pos, end - pos);
        std::string replaced(arg);
        if (arg.starts_with("root=/dev/")) {
            auto root = parse_vdev(arg.substr(10));
            if (root) {
                for (size_t k = 0; k < vdevs_in_guest_order.size(); ++k) {
                    auto disk = parse_vdev(vdevs_in_guest_order[k]);
                    if (disk && disk->prefix == root->prefix && disk->disk == root->disk) {
                        // A vdev naming a partition (xvda1) is still a whole disk to the guest.
                        unsigned part = root->partition ? root->partition : 0;
                        replaced = "root=/dev/" + guest_disk_name(k) + (part ? std::to_string(part) : "");
                        break;
                    }
                }
            }
        }
        if (pos > 0)
            out += ' ';
        out += replaced;
        pos = end + 1;
    }
    return out;
}

} // namespace xenith
