// Control-protocol hotplug operations mapped onto DeviceHotplug.
#include "engine/domain/control_hotplug.h"

#include "engine/domain/control_protocol.h"

namespace xenith::control {

using Json = nlohmann::json;

Json disk_slot_to_json(DiskSlotInfo const& d)
{
    Json j { { "slot", d.slot }, { "mmio_base", d.mmio_base }, { "irq", d.irq }, { "spare", d.spare },
        { "attached", d.attached }, { "connected", d.connected }, { "ring_gpa", d.ring_gpa } };
    if (d.attached) {
        j["vdev"] = d.vdev;
        j["devid"] = d.devid;
        j["spec"] = d.spec;
        j["path"] = d.path;
        j["mode"] = d.writable ? "w" : "r";
        j["backend"] = d.backend;
        j["sectors"] = d.sectors;
    }
    return j;
}

Json nic_slot_to_json(NicSlotInfo const& n)
{
    Json j { { "devid", n.devid }, { "slot", n.slot }, { "mmio_base", n.mmio_base }, { "irq", n.irq }, { "spare", n.spare },
        { "attached", n.attached }, { "connected", n.connected }, { "mac", n.mac }, { "link_up", n.link_up },
        { "rx_ring_gpa", n.rx_ring_gpa }, { "tx_ring_gpa", n.tx_ring_gpa } };
    if (n.attached) {
        j["spec"] = n.spec;
        j["backend"] = n.backend;
    }
    return j;
}

namespace {

bool is_hotplug_op(std::string_view op)
{
    return op == kOpBlockList || op == kOpBlockAttach || op == kOpBlockDetach || op == kOpNetworkList || op == kOpNetworkAttach
        || op == kOpNetworkDetach;
}

// A string argument; "" is allowed for a vif spec (all defaults).
std::optional<std::string> string_field(Json const& request, char const* key)
{
    auto it = request.find(key);
    if (it == request.end() || !it->is_string())
        return std::nullopt;
    return it->get<std::string>();
}

} // namespace

std::optional<Json> handle_hotplug_request(DeviceHotplug* hotplug, std::string_view op, Json const& request)
{
    if (!is_hotplug_op(op))
        return std::nullopt;
    if (!hotplug)
        return error_reply(fmt::format("{}: this domain has no hotplug slots", op));
    if (op == kOpBlockList) {
        Json disks = Json::array();
        for (auto const& d : hotplug->disks())
            disks.push_back(disk_slot_to_json(d));
        return ok_reply({ { "disks", disks } });
    }
    if (op == kOpNetworkList) {
        Json nics = Json::array();
        for (auto const& n : hotplug->nics())
            nics.push_back(nic_slot_to_json(n));
        return ok_reply({ { "nics", nics } });
    }
    if (op == kOpBlockAttach || op == kOpNetworkAttach) {
        auto spec = string_field(request, "spec");
        if (!spec || (op == kOpBlockAttach && spec->empty()))
            return error_reply(fmt::format("{}: \"spec\" must be a {} spec string", op, op == kOpBlockAttach ? "disk" : "vif"));
        if (op == kOpBlockAttach) {
            auto disk = hotplug->attach_disk(*spec);
            return disk ? ok_reply(disk_slot_to_json(*disk)) : error_reply(disk.error().message());
        }
        auto nic = hotplug->attach_nic(*spec);
        return nic ? ok_reply(nic_slot_to_json(*nic)) : error_reply(nic.error().message());
    }
    auto device = string_field(request, "device");
    if (!device || device->empty())
        return error_reply(fmt::format("{}: \"device\" must name the device", op));
    auto status = op == kOpBlockDetach ? hotplug->detach_disk(*device) : hotplug->detach_nic(*device);
    return status ? ok_reply() : error_reply(status.error().message());
}

} // namespace xenith::control
