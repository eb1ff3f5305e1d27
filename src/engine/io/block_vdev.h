// Virtual disk names: Xen's vdev spellings (xvda, sda1, hda, d0p1) mapped to a stable virtio
// device order and to the names the guest sees (vda, vdb, ...).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace xenith {

struct VirtualDiskName {
    std::string prefix;     // "xvd", "sd", "hd", "vd", or "d" for the d<N>p<M> form
    unsigned disk { 0 };    // a = 0, b = 1, ..., z = 25, aa = 26 ...
    unsigned partition { 0 }; // 0 = the whole disk
};

// Parses a vdev as xen-vbd-interface(7) spells it. Errors name the vdev.
Result<VirtualDiskName> parse_vdev(std::string_view vdev);

// The guest order of a domain's disks: result[k] is the index (into `vdevs`) of the disk that
// becomes the guest's k-th virtio disk. Sorted by disk number, then prefix (xvd, sd, hd, vd,
// d), so xvda is always before xvdb whatever order the config lists them in. Two disks with the
// same name are an error.
Result<std::vector<size_t>> order_disks(std::vector<std::string> const& vdevs);

// The name Linux gives the k-th virtio disk: vda ... vdz, vdaa ...
std::string guest_disk_name(size_t position);

// Rewrites "root=/dev/<vdev>[<partition>]" (e.g. root=/dev/xvda1, root=/dev/sda) to the guest's
// name for that disk (root=/dev/vda1), given the domain's vdevs in guest order. Other arguments,
// and root= values that name no configured disk (UUID=, LABEL=, /dev/vdb), are left alone.
std::string rewrite_root_device(std::string_view cmdline, std::vector<std::string> const& vdevs_in_guest_order);

} // namespace xenith
