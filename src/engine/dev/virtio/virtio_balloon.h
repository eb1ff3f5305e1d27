// VirtioBalloon: the memory balloon (virtio 1.2 section 5.5). Pages the guest inflates are given
// back to the host, so the domain's RSS falls after mem-set.
#pragma once

#include <atomic>
#include <cstdint>

#include "engine/dev/virtio/virtio_mmio.h"

namespace xenith {

namespace virtio_balloon {
inline constexpr uint64_t f_deflate_on_oom = 1ull << 2;
inline constexpr uint64_t page_size = 4096; // balloon PFNs are always 4 KiB
inline constexpr size_t cfg_num_pages = 0;
inline constexpr size_t cfg_actual = 4;
inline constexpr size_t config_size = 8;
} // namespace virtio_balloon

// Inflate (queue 0) runs on the notifying vCPU thread: each PFN inside guest RAM is discarded
// (madvise through GuestMemory::discard); PFNs outside RAM are ignored. Deflate (queue 1) needs
// no host work: discarded pages read back as zeros when the guest touches them again.
class VirtioBalloon final : public VirtioMmioDevice {
public:
    VirtioBalloon(VirtioSlot slot, GuestMemory& memory);

    // The guest should keep `mib` MiB: the balloon asks for the rest. Any thread (domain control).
    void set_target(uint64_t mib);
    uint64_t target_mib() const;
    // What the guest reports it has given back ("actual"), in MiB.
    uint64_t balloon_mib() const;
    uint64_t discarded_pages() const { return m_discarded_pages.load(); }

private:
    void queue_notify(unsigned index) override;
    void config_write(uint32_t offset, std::span<uint8_t const> bytes) override;
    void inflate();

    std::atomic<uint64_t> m_discarded_pages { 0 };
    std::atomic<bool> m_bad_pfn_logged { false };
};

} // namespace xenith
