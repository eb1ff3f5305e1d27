// Attaches a domain's virtio devices from xenith-vm's --disk/--vif options, in a stable slot order.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"

namespace xenith {

class Machine;
class VirtioBalloon;

struct VmDeviceOptions {
    std::string domain_name;         // recorded with image locks ("in use by domain X")
    uint32_t domid { 0 };            // names taps vif<domid>.<devid>
    std::vector<std::string> disks;  // Xen disk specs: "tap:aio:/img,xvda,w"
    std::vector<std::string> vifs;   // Xen vif specs: "bridge=xenbr0,mac=00:16:3e:..."
    uint64_t memory_mib { 0 };       // balloon target at boot (RAM is sized to maxmem)
    unsigned spare_disks { 2 };      // empty virtio-blk slots for block-attach
    unsigned spare_nics { 1 };       // unconnected virtio-net slots for network-attach
};

// Disks (in guest order: the lowest vdev becomes /dev/vda), spare disk slots, NICs, spare NIC
// slots, then rng, balloon, the power key and, if a slot is left, the guest agent's
// virtio-console. Wires Machine's shutdown/reboot buttons, memory target, device hotplug and
// guest agent to them. Spare slots are cut (with a warning) to what the board has room for.
Status attach_vm_devices(Machine& machine, VmDeviceOptions const& options);

} // namespace xenith
