// The control protocol's device hotplug operations (block-/network-list, -attach, -detach).
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/domain/device_hotplug.h"

namespace xenith::control {

// One slot as the list and attach replies carry it. Keys: slot, mmio_base, irq, spare,
// attached, connected, and for disks vdev, devid, spec, path, mode ("w"/"r"), backend,
// sectors, ring_gpa; for NICs devid, mac, spec, backend, link_up, rx_ring_gpa, tx_ring_gpa.
nlohmann::json disk_slot_to_json(DiskSlotInfo const& disk);
nlohmann::json nic_slot_to_json(NicSlotInfo const& nic);

// The reply to `request` when `op` is a hotplug operation; nullopt otherwise. `hotplug` may be
// null (a domain without slots): then every hotplug operation is refused with a reason.
std::optional<nlohmann::json> handle_hotplug_request(DeviceHotplug* hotplug, std::string_view op, nlohmann::json const& request);

} // namespace xenith::control
