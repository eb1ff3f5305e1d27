// DeviceHotplug: free-slot choice, the checks before a disk or NIC goes in, and the listings.
#include "engine/domain/device_hotplug.h"

#include "base/log.h"
#include "engine/board/memory_map.h"
#include "engine/dev/virtio/virtio_blk.h"
#include "engine/dev/virtio/virtio_net.h"
#include "engine/io/block_backend.h"
#include "engine/io/net_backend.h"
#include "engine/io/net_mac.h"
#include "engine/io/net_rate_limiter.h"
#include "toolstack/config/disk_spec.h"
#include "toolstack/config/spec_text.h"
#include "toolstack/config/vif_spec.h"

namespace xenith {

namespace {

unsigned slot_of(uint64_t base) { return unsigned((base - board::virtio_base) / board::virtio_stride); }

char const* backend_name(DiskBackend backend)
{
    switch (backend) {
    case DiskBackend::Aio: return "tap:aio";
    case DiskBackend::Phy: return "phy";
    case DiskBackend::File: break;
    }
    return "file";
}

BlockBackendKind block_kind(DiskBackend backend)
{
    switch (backend) {
    case DiskBackend::Aio: return BlockBackendKind::Aio;
    case DiskBackend::Phy: return BlockBackendKind::Phy;
    case DiskBackend::File: break;
    }
    return BlockBackendKind::File;
}

// "2 spare slots, both in use" and friends, for the no-free-slot message.
std::string spare_phrase(size_t spares, char const* option)
{
    if (spares == 0)
        return fmt::format("it has no spare slots; xenith-vm {} sets how many a domain gets at boot", option);
    if (spares == 1)
        return "1 spare slot, in use";
    if (spares == 2)
        return "2 spare slots, both in use";
    return fmt::format("{} spare slots, all in use", spares);
}

} // namespace

DeviceHotplug::DeviceHotplug(std::string domain_name, uint32_t domid, EventLoop& loop)
    : m_domain(std::move(domain_name))
    , m_domid(domid)
    , m_loop(loop)
{
}

void DeviceHotplug::add_disk_slot(VirtioBlk& device, DiskSpec const* boot)
{
    std::lock_guard guard(m_lock);
    DiskSlot slot { &device, boot == nullptr, {}, {}, 0 };
    if (boot) {
        slot.spec = *boot;
        slot.text = disk_spec_text(*boot);
        slot.index = disk_index_of_vdev(boot->vdev).value_or(~0u);
    }
    m_disks.push_back(std::move(slot));
}

void DeviceHotplug::add_nic_slot(VirtioNet& device, VifSpec const* boot)
{
    std::lock_guard guard(m_lock);
    m_nics.push_back({ &device, boot == nullptr, boot ? vif_spec_text(*boot) : std::string() });
}

DiskSlotInfo DeviceHotplug::describe(DiskSlot const& slot) const
{
    DiskSlotInfo info;
    VirtioBlk& d = *slot.device;
    info.slot = slot_of(d.base());
    info.mmio_base = d.base();
    info.irq = d.irq();
    info.spare = slot.spare;
    info.attached = d.has_medium();
    info.connected = d.driver_ready();
    info.ring_gpa = d.queue_desc_address(0);
    if (info.attached) {
        info.vdev = slot.spec.vdev;
        if (auto vdev = parse_vdev(slot.spec.vdev))
            info.devid = xenstore_device_number(*vdev);
        info.spec = slot.text;
        info.path = d.medium_path();
        info.writable = !d.medium_read_only();
        info.backend = backend_name(slot.spec.backend);
        info.sectors = d.capacity_sectors();
    }
    return info;
}

NicSlotInfo DeviceHotplug::describe(NicSlot const& slot, unsigned devid) const
{
    NicSlotInfo info;
    VirtioNet& d = *slot.device;
    info.devid = devid;
    info.slot = slot_of(d.base());
    info.mmio_base = d.base();
    info.irq = d.irq();
    info.spare = slot.spare;
    info.attached = d.has_backend();
    info.mac = d.mac().to_string();
    info.link_up = d.link_up();
    info.connected = d.driver_ready();
    info.rx_ring_gpa = d.queue_desc_address(0);
    info.tx_ring_gpa = d.queue_desc_address(1);
    if (info.attached) {
        info.spec = slot.text;
        info.backend = d.backend_description();
    }
    return info;
}

std::vector<DiskSlotInfo> DeviceHotplug::disks() const
{
    std::lock_guard guard(m_lock);
    std::vector<DiskSlotInfo> out;
    for (auto const& slot : m_disks)
        out.push_back(describe(slot));
    return out;
}

std::vector<NicSlotInfo> DeviceHotplug::nics() const
{
    std::lock_guard guard(m_lock);
    std::vector<NicSlotInfo> out;
    for (unsigned i = 0; i < m_nics.size(); ++i)
        out.push_back(describe(m_nics[i], i));
    return out;
}

Result<DiskSlotInfo> DeviceHotplug::attach_disk(std::string_view text)
{
    auto spec = XENITH_TRY(parse_disk_spec(text));
    if (spec.target.empty())
        return fail("block-attach {}: no image to attach (give BackDev, e.g. tap:aio:/var/lib/xen/images/data.img)", spec.vdev);
    if (spec.format != DiskFormat::Raw)
        return fail("block-attach {} ({}): only raw images are supported; convert with qemu-img convert -O raw", spec.vdev, spec.target);
    unsigned index = XENITH_TRY(disk_index_of_vdev(spec.vdev));

    std::lock_guard guard(m_lock);
    for (auto const& slot : m_disks) {
        if (slot.device->has_medium() && slot.index == index)
            return fail("domain {} already has a disk {} ({}); choose another frontend name or detach it first",
                m_domain, slot.spec.vdev, slot.device->medium_path());
    }
    bool writable = spec.writable && !spec.cdrom;
    // A free slot; for a writable disk, one the guest did not probe as read-only.
    DiskSlot* free = nullptr;
    size_t spares = 0;
    for (auto& slot : m_disks) {
        spares += slot.spare ? 1 : 0;
        if (slot.device->has_medium() || (writable && slot.device->offers_read_only()))
            continue;
        if (!free)
            free = &slot;
    }
    if (!free)
        return fail("domain {} has no free disk slot ({}); detach one first", m_domain, spare_phrase(spares, "--spare-disks"));

    BlockOptions options;
    options.path = spec.target;
    options.kind = block_kind(spec.backend);
    options.access = writable ? Access::ReadWrite : Access::ReadOnly;
    options.owner = m_domain;
    options.loop = &m_loop;
    auto backend = open_block_backend(options);
    if (!backend)
        return std::unexpected(backend.error().with_context(fmt::format("block-attach {}", spec.vdev)));
    XENITH_TRY(free->device->attach(std::move(*backend), spec.vdev));
    free->spec = spec;
    free->text = disk_spec_text(spec);
    free->index = index;
    log::info("block-attach: {} ({}) in virtio slot {}", spec.vdev, spec.target, slot_of(free->device->base()));
    return describe(*free);
}

Result<size_t> DeviceHotplug::find_disk(std::string_view device) const
{
    auto index = disk_index_of_vdev(device);
    if (!index)
        return fail("block-detach {}: not a device name or number (give the frontend name, e.g. xvdb, or its Vdev from xm block-list)", device);
    for (size_t i = 0; i < m_disks.size(); ++i) {
        if (m_disks[i].device->has_medium() && m_disks[i].index == *index)
            return i;
    }
    return fail("domain {} has no disk {} (xm block-list {} shows its disks)", m_domain, device, m_domain);
}

Status DeviceHotplug::detach_disk(std::string_view device)
{
    std::lock_guard guard(m_lock);
    size_t i = XENITH_TRY(find_disk(device));
    DiskSlot& slot = m_disks[i];
    std::string vdev = slot.spec.vdev;
    auto status = slot.device->detach();
    slot.spec = {};
    slot.text.clear();
    slot.index = ~0u;
    log::info("block-detach: {} left virtio slot {}", vdev, slot_of(slot.device->base()));
    if (!status)
        return fail("{} is detached, but {}; data the guest wrote last may not be on the disk", vdev, status.error().message());
    return {};
}

Result<NicSlotInfo> DeviceHotplug::attach_nic(std::string_view text)
{
    auto vif = XENITH_TRY(parse_vif_spec(text));
    std::lock_guard guard(m_lock);
    std::optional<MacAddress> wanted;
    if (!vif.mac.empty())
        wanted = XENITH_TRY(MacAddress::parse(vif.mac));
    size_t spares = 0;
    std::optional<size_t> free;
    for (size_t i = 0; i < m_nics.size(); ++i) {
        spares += m_nics[i].spare ? 1 : 0;
        if (m_nics[i].device->has_backend())
            continue;
        if (wanted && m_nics[i].device->mac() != *wanted)
            continue;
        // Spare slots first: a boot NIC's slot may have been probed with offloads only a tap serves.
        if (!free || (m_nics[i].spare && !m_nics[*free].spare))
            free = i;
    }
    if (!free) {
        if (wanted) {
            for (auto const& slot : m_nics) {
                if (!slot.device->has_backend())
                    return fail("network-attach mac={}: domain {}'s free NIC slot has MAC {}, fixed when the guest booted "
                                "(Linux reads a virtio NIC's MAC once); leave out mac= or give mac={}",
                        vif.mac, m_domain, slot.device->mac().to_string(), slot.device->mac().to_string());
            }
        }
        return fail("domain {} has no free NIC slot ({}); detach one first", m_domain, spare_phrase(spares, "--spare-nics"));
    }
    NicSlot& slot = m_nics[*free];
    NetOptions options;
    options.domid = m_domid;
    options.devid = uint32_t(*free);
    options.vifname = vif.vifname;
    options.bridge = vif.bridge;
    options.forwards = vif.forwards;
    options.loop = &m_loop;
    auto backend = open_net_backend(options);
    if (!backend)
        return std::unexpected(backend.error().with_context(fmt::format("network-attach (vif {})", *free)));
    XENITH_TRY(slot.device->attach(std::move(*backend), NetRateLimiter(vif.rate_bytes_per_sec, vif.rate_interval_us)));
    // What the NIC really is: its MAC is the slot's.
    vif.mac = slot.device->mac().to_string();
    slot.text = vif_spec_text(vif);
    log::info("network-attach: vif {} ({}) in virtio slot {}", *free, slot.device->backend_description(), slot_of(slot.device->base()));
    return describe(slot, unsigned(*free));
}

Result<size_t> DeviceHotplug::find_nic(std::string_view device) const
{
    if (device.find(':') != std::string_view::npos || device.find('-') != std::string_view::npos) {
        auto mac = MacAddress::parse(device);
        if (!mac)
            return fail("network-detach {}: {}", device, mac.error().message());
        for (size_t i = 0; i < m_nics.size(); ++i) {
            if (m_nics[i].device->mac() == *mac && m_nics[i].device->has_backend())
                return i;
        }
        return fail("domain {} has no connected NIC with MAC {} (xm network-list {} shows its NICs)", m_domain, device, m_domain);
    }
    size_t devid = 0;
    bool number = !device.empty() && device.size() < 6;
    for (char c : device) {
        if (c < '0' || c > '9')
            number = false;
        else
            devid = devid * 10 + size_t(c - '0');
    }
    if (!number)
        return fail("network-detach {}: give the NIC's Idx from xm network-list or its MAC", device);
    if (devid >= m_nics.size() || !m_nics[devid].device->has_backend())
        return fail("domain {} has no connected NIC {} (xm network-list {} shows its NICs)", m_domain, devid, m_domain);
    return devid;
}

Status DeviceHotplug::detach_nic(std::string_view device)
{
    std::lock_guard guard(m_lock);
    size_t i = XENITH_TRY(find_nic(device));
    NicSlot& slot = m_nics[i];
    XENITH_TRY(slot.device->detach());
    slot.text.clear();
    log::info("network-detach: vif {} left virtio slot {}", i, slot_of(slot.device->base()));
    return {};
}

} // namespace xenith
