// Disk and vif specs back to text; parse_disk_spec/parse_vif_spec read what these write.
#include "toolstack/config/spec_text.h"

#include <vector>

#include <fmt/format.h>

namespace xenith {

std::string disk_spec_text(DiskSpec const& disk)
{
    char const* prefix = "file:";
    if (disk.backend == DiskBackend::Aio)
        prefix = "tap:aio:";
    else if (disk.backend == DiskBackend::Phy)
        prefix = "phy:";
    std::string vdev = disk.vdev + (disk.cdrom ? ":cdrom" : "");
    return fmt::format("{}{},{},{}", prefix, disk.target, vdev, disk.writable ? "w" : "r");
}

std::string vif_spec_text(VifSpec const& vif)
{
    std::vector<std::string> parts;
    auto add = [&](char const* key, std::string const& value) {
        if (!value.empty())
            parts.push_back(fmt::format("{}={}", key, value));
    };
    add("mac", vif.mac);
    add("bridge", vif.bridge);
    add("ip", vif.ip);
    add("model", vif.model);
    add("vifname", vif.vifname);
    add("rate", vif.rate);
    if (vif.mtu)
        parts.push_back(fmt::format("mtu={}", vif.mtu));
    for (auto const& forward : vif.forwards)
        parts.push_back("forward=" + forward);
    std::string out;
    for (auto const& part : parts)
        out += (out.empty() ? "" : ",") + part;
    return out;
}

} // namespace xenith
