// attach_vm_devices: the --disk/--vif options become virtio devices on the board.
#include "engine/domain/vm_devices.h"

#include "base/log.h"
#include "engine/dev/virtio/virtio_balloon.h"
#include "engine/dev/virtio/virtio_blk.h"
#include "engine/dev/virtio/virtio_console.h"
#include "engine/dev/virtio/virtio_input.h"
#include "engine/dev/virtio/virtio_net.h"
#include "engine/dev/virtio/virtio_rng.h"
#include "engine/domain/guest_agent.h"
#include "engine/board/memory_map.h"
#include "engine/domain/device_hotplug.h"
#include "engine/domain/machine.h"
#include "engine/io/block_backend.h"
#include "engine/io/net_backend.h"
#include "engine/io/net_mac.h"
#include "engine/io/net_rate_limiter.h"
#include "toolstack/config/disk_spec.h"
#include "toolstack/config/vif_spec.h"

namespace xenith {

namespace {

template<typename Device, typename Make>
Result<Device*> plug(Machine& machine, Make make)
{
    Device* device = nullptr;
    XENITH_TRY(machine.board().add_virtio_device([&](VirtioSlot slot) -> Result<std::unique_ptr<MmioDevice>> {
        auto made = XENITH_TRY(make(slot));
        device = made.get();
        return std::unique_ptr<MmioDevice>(std::move(made));
    }));
    return device;
}

BlockBackendKind backend_kind(DiskBackend backend)
{
    switch (backend) {
    case DiskBackend::Aio:
        return BlockBackendKind::Aio;
    case DiskBackend::Phy:
        return BlockBackendKind::Phy;
    case DiskBackend::File:
        break;
    }
    return BlockBackendKind::File;
}

// Slots the devices after the NICs need: rng, balloon, power key and a console.
constexpr unsigned kTrailingSlots = 4;

// How many of `wanted` spare slots fit after `used` slots, leaving room for `later` more.
unsigned spares_that_fit(unsigned wanted, unsigned used, unsigned later, char const* kind)
{
    unsigned room = board::virtio_slots > used + later ? board::virtio_slots - used - later : 0;
    if (wanted > room)
        log::warn("only {} of {} spare {} slots fit on the board ({} virtio slots); {} hotplug is limited to that", room, wanted, kind, board::virtio_slots, kind);
    return std::min(wanted, room);
}

Status attach_disks(Machine& machine, VmDeviceOptions const& options, DeviceHotplug& hotplug)
{
    std::vector<DiskSpec> disks;
    for (auto const& text : options.disks) {
        auto spec = parse_disk_spec(text);
        if (!spec)
            return std::unexpected(spec.error().with_context(fmt::format("--disk {}", text)));
        disks.push_back(*spec);
    }
    for (size_t index : guest_disk_order(disks)) {
        DiskSpec const& disk = disks[index];
        if (disk.target.empty())
            continue; // an empty cdrom drive
        if (disk.format != DiskFormat::Raw)
            return fail("disk {} ({}): only raw images are supported; convert with qemu-img convert -O raw", disk.vdev, disk.target);
        BlockOptions block;
        block.path = disk.target;
        block.kind = backend_kind(disk.backend);
        block.access = disk.writable && !disk.cdrom ? Access::ReadWrite : Access::ReadOnly;
        block.owner = options.domain_name;
        block.loop = &machine.event_loop();
        auto backend = open_block_backend(block);
        if (!backend)
            return std::unexpected(backend.error().with_context(fmt::format("disk {}", disk.vdev)));
        auto* device = XENITH_TRY(plug<VirtioBlk>(machine, [&](VirtioSlot slot) -> Result<std::unique_ptr<VirtioBlk>> {
            return std::make_unique<VirtioBlk>(slot, machine.board().memory(), std::move(*backend), disk.vdev);
        }));
        hotplug.add_disk_slot(*device, &disk);
    }
    // Spare slots come right after the boot disks, so they are the guest's next vdX names.
    unsigned used = unsigned(disks.size());
    unsigned spares = spares_that_fit(options.spare_disks, used, unsigned(options.vifs.size()) + std::min(options.spare_nics, 1u) + kTrailingSlots, "disk");
    for (unsigned i = 0; i < spares; ++i) {
        auto* device = XENITH_TRY(plug<VirtioBlk>(machine, [&](VirtioSlot slot) -> Result<std::unique_ptr<VirtioBlk>> {
            return std::make_unique<VirtioBlk>(slot, machine.board().memory(), nullptr, "");
        }));
        hotplug.add_disk_slot(*device, nullptr);
    }
    return {};
}

Status attach_vifs(Machine& machine, VmDeviceOptions const& options, DeviceHotplug& hotplug, unsigned used_slots)
{
    for (size_t devid = 0; devid < options.vifs.size(); ++devid) {
        auto const& text = options.vifs[devid];
        auto vif = parse_vif_spec(text);
        if (!vif)
            return std::unexpected(vif.error().with_context(fmt::format("--vif {}", text)));
        auto mac = MacAddress::from_spec(vif->mac);
        if (!mac)
            return std::unexpected(mac.error().with_context(fmt::format("vif {}", devid)));
        NetOptions net;
        net.domid = options.domid;
        net.devid = uint32_t(devid);
        net.vifname = vif->vifname;
        net.bridge = vif->bridge;
        net.forwards = vif->forwards;
        net.loop = &machine.event_loop();
        auto backend = open_net_backend(net);
        if (!backend)
            return std::unexpected(backend.error().with_context(fmt::format("vif {}", devid)));
        auto* device = XENITH_TRY(plug<VirtioNet>(machine, [&](VirtioSlot slot) -> Result<std::unique_ptr<VirtioNet>> {
            return std::make_unique<VirtioNet>(slot, machine.board().memory(), std::move(*backend), *mac,
                NetRateLimiter(vif->rate_bytes_per_sec, vif->rate_interval_us), &machine.event_loop());
        }));
        XENITH_TRY(device->start());
        hotplug.add_nic_slot(*device, &*vif);
    }
    unsigned spares = spares_that_fit(options.spare_nics, used_slots + unsigned(options.vifs.size()), kTrailingSlots, "NIC");
    for (unsigned i = 0; i < spares; ++i) {
        // Its MAC is chosen now: the guest reads it once, when it probes the NIC.
        auto* device = XENITH_TRY(plug<VirtioNet>(machine, [&](VirtioSlot slot) -> Result<std::unique_ptr<VirtioNet>> {
            return std::make_unique<VirtioNet>(slot, machine.board().memory(), nullptr, MacAddress::random_xen(), NetRateLimiter(), &machine.event_loop());
        }));
        hotplug.add_nic_slot(*device, nullptr);
    }
    return {};
}

} // namespace

Status attach_vm_devices(Machine& machine, VmDeviceOptions const& options)
{
    auto hotplug = std::make_unique<DeviceHotplug>(options.domain_name, options.domid, machine.event_loop());
    XENITH_TRY(attach_disks(machine, options, *hotplug));
    XENITH_TRY(attach_vifs(machine, options, *hotplug, unsigned(hotplug->disks().size())));
    machine.set_device_hotplug(std::move(hotplug));
    XENITH_TRY(plug<VirtioRng>(machine, [&](VirtioSlot slot) -> Result<std::unique_ptr<VirtioRng>> {
        return std::make_unique<VirtioRng>(slot, machine.board().memory());
    }));

    auto* balloon = XENITH_TRY(plug<VirtioBalloon>(machine, [&](VirtioSlot slot) -> Result<std::unique_ptr<VirtioBalloon>> {
        return std::make_unique<VirtioBalloon>(slot, machine.board().memory());
    }));
    uint64_t ram_mib = machine.board().memory().size() >> 20;
    if (options.memory_mib && options.memory_mib < ram_mib)
        balloon->set_target(options.memory_mib);
    machine.set_memory_control(
        [balloon, ram_mib](uint64_t mib) -> Status {
            if (mib > ram_mib)
                return fail("memory target {} MiB is above the {} MiB of RAM this domain was started with, the most it can have "
                            "until it restarts (a higher maxmem takes effect at its next boot)",
                    mib, ram_mib);
            balloon->set_target(mib);
            return {};
        },
        [balloon] { return balloon->target_mib(); });

    // The power key is how a graceful shutdown (xm shutdown) reaches the guest's acpid.
    auto* power_key = XENITH_TRY(plug<VirtioInput>(machine, [&](VirtioSlot slot) -> Result<std::unique_ptr<VirtioInput>> {
        return std::make_unique<VirtioInput>(slot, machine.board().memory());
    }));
    machine.set_shutdown_button([power_key]() -> Status {
        power_key->press_power_key();
        return {};
    });

    // One virtio-console, last so it never takes a slot from a disk or a NIC: port 0 is the
    // guest's hvc0 on the domain's console backend, next to the UART (the board routes typed
    // input to one of them); port 1, named org.xenith.agent, is the guest agent's channel.
    if (machine.board().free_virtio_slots() == 0) {
        log::warn("domain {}: no free virtio-mmio slot for the virtio-console; the guest has no hvc0 and xm vcpu-set will not work", options.domain_name);
        return {};
    }
    auto agent = std::make_unique<GuestAgent>(options.domain_name);
    auto* console = XENITH_TRY(plug<VirtioConsole>(machine, [&](VirtioSlot slot) -> Result<std::unique_ptr<VirtioConsole>> {
        std::vector<VirtioConsole::NamedPort> named { { std::string(GuestAgent::port_name), agent.get() } };
        return std::make_unique<VirtioConsole>(slot, machine.board().memory(), machine.board().console_backend(), std::move(named));
    }));
    console->attach_input(GuestAgent::port);
    machine.board().set_hvc_console(console);
    machine.set_guest_agent(std::move(agent));
    return {};
}

} // namespace xenith
