// Disk specs in every xl and xm spelling (xl-disk-configuration(5)) and vdev numbering.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "toolstack/config/domain_config.h"

namespace xenith {

// Parses one DISKSPEC: positional "target,format,vdev,access", xm's "file:/x,xvda,w",
// "tap:aio:/x,xvda,w", "phy:/dev/sda,sda1,r", ",hdc:cdrom,r", and key=value forms
// (target= last, vdev=, format=, access=, devtype=, backendtype=, script=). Deprecated or
// ignored parts append a warning. Errors read "disk 'SPEC': what (what is valid)".
Result<DiskSpec> parse_disk_spec(std::string_view spec, std::vector<std::string>* warnings = nullptr);

enum class VdevKind {
    Xvd, // xvdX, xvdXN, d<N>p<M>
    Sd,  // sdX, sdXN (emulated SCSI: disks a..p, partitions 0..15)
    Hd,  // hdX, hdXN (emulated IDE: disks a..d, partitions 0..63)
};

struct Vdev {
    VdevKind kind { VdevKind::Xvd };
    unsigned disk { 0 };      // xen-vbd-interface(7) disk number: xvda = sda = hda = 0
    unsigned partition { 0 }; // 0 = whole disk
};

// Parses a vdev name per xen-vbd-interface(7): xvda, xvdb3, xvdaa, xvdtq37, d536p37,
// sdb3, hdc, or a bare xenstore number (51712 = xvda).
Result<Vdev> parse_vdev(std::string_view vdev);

// Xen's xenstore device number of a vdev (xen-vbd-interface(7)), what `xm block-list` prints
// as Vdev: xvda = 51712 (202<<8), xvdb = 51728, sda = 2048, hda = 768, xvdaa = 268446208.
uint32_t xenstore_device_number(Vdev const& vdev);

// The stable disk index used to order a domain's disks: disk << 8 | partition, so xvda,
// hda and sda are all index 0 (and clash), xvda1 is 1, xvdb is 256. Disks are presented to
// the guest as /dev/vda, /dev/vdb, ... in increasing index order (see docs/config.md).
Result<unsigned> disk_index_of_vdev(std::string_view vdev);

// "vda", "vdb", ..., "vdz", "vdaa": the name Linux gives the n-th virtio disk (0-based).
std::string guest_disk_name(unsigned position);

// The order in which a domain's disks are attached (virtio-mmio slots, lowest first), as
// positions into `disks`, sorted by disk_index_of_vdev(); disks[order[0]] is the guest's
// /dev/vda. Unparsable vdevs sort last, in list order (validate_domain_config rejects them).
std::vector<size_t> guest_disk_order(std::vector<DiskSpec> const& disks);

} // namespace xenith
