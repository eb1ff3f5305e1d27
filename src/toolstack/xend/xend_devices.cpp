// Xend's device hotplug operations: block-/network-list, -attach and -detach on a running domain.
// xenith-vm does the work on its spare slots; xend checks the request first and records what
// is attached in the domain's config, so it survives an xend restart, shows in `xm list -l`,
// and is a boot device when the domain restarts.
#include "toolstack/xend/xend.h"

#include <algorithm>

#include "base/log.h"
#include "engine/domain/control_protocol.h"
#include "toolstack/config/disk_spec.h"
#include "toolstack/config/spec_text.h"
#include "toolstack/config/vif_spec.h"

namespace xenith {

namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

// Opening an image or a NAT stack, or flushing a disk, can take longer than a status call.
constexpr auto kHotplugTimeout = 30s;

// The args' string `key`, which may be empty (a vif spec of all defaults).
Result<std::string> spec_arg(Json const& args, char const* key)
{
    auto it = args.find(key);
    if (it == args.end() || !it->is_string())
        return fail("request needs \"{}\" (a string)", key);
    return it->get<std::string>();
}

} // namespace

Status Xend::begin_device(std::string const& op, Json const& args, Reply done)
{
    if (op != control::kOpBlockList && op != control::kOpBlockAttach && op != control::kOpBlockDetach && op != control::kOpNetworkList
        && op != control::kOpNetworkAttach && op != control::kOpNetworkDetach)
        return fail("unknown operation '{}'", op);
    auto* r = XENITH_TRY(lookup_running(args));
    uint32_t id = r->id;

    if (op == control::kOpBlockList || op == control::kOpNetworkList) {
        auto result = XENITH_TRY(control_call(*r, op));
        result["domain"] = r->name;
        done(std::move(result));
        return {};
    }

    if (op == control::kOpBlockAttach) {
        auto text = XENITH_TRY(api::string_arg(args, "spec"));
        auto disk = XENITH_TRY(parse_disk_spec(text));
        if (disk.target.empty())
            return fail("block-attach: '{}' names no image (BackDev, e.g. tap:aio:/var/lib/xen/images/data.img)", text);
        unsigned index = XENITH_TRY(disk_index_of_vdev(disk.vdev));
        for (auto const& existing : r->config.disks) {
            if (disk_index_of_vdev(existing.vdev).value_or(~0u) == index)
                return fail("domain {} already has a disk {} ({}); choose another frontend name or detach it first", r->name, existing.vdev,
                    existing.target.empty() ? "empty" : existing.target);
        }
        done = XENITH_TRY(claim(*r, op, std::move(done)));
        await_call(*r, op, { { "spec", disk_spec_text(disk) } }, kHotplugTimeout, [this, id, disk, done](Result<Json> result) {
            auto* r = m_registry.find_by_id(id);
            if (result && r) {
                r->config.disks.push_back(disk);
                persist(*r);
                log::info("domain {}: block-attach {} as {}", r->name, disk.target, disk.vdev);
            }
            done(std::move(result));
        });
        return {};
    }

    if (op == control::kOpBlockDetach) {
        auto device = XENITH_TRY(api::string_arg(args, "device"));
        done = XENITH_TRY(claim(*r, op, std::move(done)));
        await_call(*r, op, { { "device", device } }, kHotplugTimeout, [this, id, device, done](Result<Json> result) {
            auto* r = m_registry.find_by_id(id);
            if (!r) {
                done(std::move(result));
                return;
            }
            auto index = disk_index_of_vdev(device);
            if (!result) {
                // A failed flush still detaches: if the disk is gone, the config must say so too.
                auto listed = control_call(*r, control::kOpBlockList);
                bool still_there = !listed || !index;
                if (listed && index) {
                    for (auto const& disk : listed->value("disks", Json::array()))
                        if (disk.value("attached", false) && disk_index_of_vdev(disk.value("vdev", std::string())).value_or(~0u) == *index)
                            still_there = true;
                }
                if (still_there) {
                    done(std::move(result));
                    return;
                }
            }
            std::erase_if(r->config.disks, [&](DiskSpec const& d) { return index && disk_index_of_vdev(d.vdev).value_or(~0u) == *index; });
            persist(*r);
            log::info("domain {}: block-detach {}{}", r->name, device, result ? "" : ": " + result.error().message());
            done(std::move(result));
        });
        return {};
    }

    if (op == control::kOpNetworkAttach) {
        auto text = XENITH_TRY(spec_arg(args, "spec"));
        XENITH_TRY(parse_vif_spec(text));
        done = XENITH_TRY(claim(*r, op, std::move(done)));
        await_call(*r, op, { { "spec", text } }, kHotplugTimeout, [this, id, text, done](Result<Json> result) {
            auto* r = m_registry.find_by_id(id);
            if (result && r) {
                // The NIC's spec as xenith-vm connected it, with the slot's MAC.
                if (auto attached = parse_vif_spec(result->value("spec", text)))
                    r->config.vifs.push_back(*attached);
                persist(*r);
                log::info("domain {}: network-attach vif {} ({})", r->name, result->value("devid", 0u), result->value("mac", std::string()));
            }
            done(std::move(result));
        });
        return {};
    }

    // network-detach: learn the NIC's MAC first, to drop the right vif from the config.
    auto device = XENITH_TRY(api::string_arg(args, "device"));
    auto list = XENITH_TRY(control_call(*r, control::kOpNetworkList));
    std::string mac;
    for (auto const& nic : list.value("nics", Json::array())) {
        std::string nic_mac = nic.value("mac", std::string());
        if (std::to_string(nic.value("devid", 0u)) == device || (parse_mac(device).value_or("") == nic_mac && !nic_mac.empty()))
            mac = nic_mac;
    }
    done = XENITH_TRY(claim(*r, op, std::move(done)));
    await_call(*r, op, { { "device", device } }, kHotplugTimeout, [this, id, device, mac, done](Result<Json> result) {
        auto* r = m_registry.find_by_id(id);
        if (result && r) {
            if (!mac.empty())
                std::erase_if(r->config.vifs, [&](VifSpec const& v) { return parse_mac(v.mac).value_or("") == mac; });
            persist(*r);
            log::info("domain {}: network-detach {}", r->name, device);
        }
        done(std::move(result));
    });
    return {};
}

} // namespace xenith
