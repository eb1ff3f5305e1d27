// DeviceHotplug: a running domain's disk and NIC slots, and attaching or detaching disks and
// network backends on them (xm block-attach/detach, network-attach/detach).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "toolstack/config/domain_config.h"

namespace xenith {

class EventLoop;
class VirtioBlk;
class VirtioNet;

// One virtio-blk slot as `xm block-list` shows it.
struct DiskSlotInfo {
    unsigned slot { 0 };        // virtio-mmio slot n
    uint64_t mmio_base { 0 };
    unsigned irq { 0 };         // PLIC source
    bool spare { false };       // created empty at boot for hotplug
    bool attached { false };
    std::string vdev;           // frontend name as given: xvdb
    uint32_t devid { 0 };       // Xen's device number of vdev: 51728 for xvdb
    std::string spec;           // the disk in Xen's syntax: tap:aio:/img,xvdb,w
    std::string path;
    bool writable { false };
    std::string backend;        // file, tap:aio or phy
    uint64_t sectors { 0 };
    bool connected { false };   // the guest's driver runs the device (DRIVER_OK)
    uint64_t ring_gpa { 0 };    // guest-physical address of its descriptor table
};

// One virtio-net slot as `xm network-list` shows it.
struct NicSlotInfo {
    unsigned devid { 0 };       // the NIC's index in the domain: tap vif<domid>.<devid>
    unsigned slot { 0 };
    uint64_t mmio_base { 0 };
    unsigned irq { 0 };
    bool spare { false };
    bool attached { false };
    std::string mac;            // fixed per slot: the guest reads it once, when it probes
    std::string spec;           // the vif in Xen's syntax
    std::string backend;        // "tap vif3.1 on bridge xenbr0", "user-mode NAT (slirp)"
    bool link_up { false };
    bool connected { false };
    uint64_t rx_ring_gpa { 0 };
    uint64_t tx_ring_gpa { 0 };
};

// Threading: the control channel calls everything on the domain's I/O thread; a mutex makes
// the lists safe to read from elsewhere. The devices themselves are owned by the board.
class DeviceHotplug {
public:
    DeviceHotplug(std::string domain_name, uint32_t domid, EventLoop& loop);

    // Registers a slot (before the domain runs). `boot` is the disk or vif given at boot, if any.
    void add_disk_slot(VirtioBlk& device, DiskSpec const* boot);
    void add_nic_slot(VirtioNet& device, VifSpec const* boot);

    // `spec` is a disk in any Xen spelling ("tap:aio:/img,xvdb,w"). Opens the image with the
    // same checks as boot disks (raw only, the cross-domain lock) into a free slot.
    Result<DiskSlotInfo> attach_disk(std::string_view spec);
    // `device` is a frontend name (xvdb) or Xen's device number (51728).
    Status detach_disk(std::string_view device);
    std::vector<DiskSlotInfo> disks() const;

    // `spec` is a vif spec ("bridge=xenbr0,rate=10Mb/s", "" for user-mode NAT).
    Result<NicSlotInfo> attach_nic(std::string_view spec);
    // `device` is the NIC's devid or its MAC.
    Status detach_nic(std::string_view device);
    std::vector<NicSlotInfo> nics() const;

private:
    struct DiskSlot {
        VirtioBlk* device;
        bool spare;
        DiskSpec spec;      // valid while attached
        std::string text;   // spec in Xen's syntax
        unsigned index;     // disk_index_of_vdev(spec.vdev), for frontend-name clashes
    };
    struct NicSlot {
        VirtioNet* device;
        bool spare;
        std::string text;
    };

    DiskSlotInfo describe(DiskSlot const& slot) const;
    NicSlotInfo describe(NicSlot const& slot, unsigned devid) const;
    Result<size_t> find_disk(std::string_view device) const;
    Result<size_t> find_nic(std::string_view device) const;

    std::string m_domain;
    uint32_t m_domid;
    EventLoop& m_loop;
    mutable std::mutex m_lock;
    std::vector<DiskSlot> m_disks;
    std::vector<NicSlot> m_nics;
};

} // namespace xenith
