// VirtioBalloon: target in config space, inflate discards guest pages.
#include "engine/dev/virtio/virtio_balloon.h"

#include <vector>

#include "base/log.h"
#include "engine/mem/guest_memory.h"

namespace xenith {

using namespace virtio_balloon;

namespace {
constexpr unsigned inflateq = 0;
constexpr unsigned deflateq = 1;
} // namespace

VirtioBalloon::VirtioBalloon(VirtioSlot slot, GuestMemory& memory)
    : VirtioMmioDevice(fmt::format("virtio-balloon@{:x}", slot.base), slot, memory, virtio::DeviceId::Balloon, f_deflate_on_oom, { 128, 128 }, config_size)
{
}

void VirtioBalloon::set_target(uint64_t mib)
{
    uint64_t ram = memory().size();
    uint64_t target = mib > ram >> 20 ? ram : mib << 20;
    uint32_t pages = static_cast<uint32_t>((ram - target) / page_size);
    {
        std::lock_guard guard(m_lock);
        if (config_get<uint32_t>(cfg_num_pages) == pages)
            return;
        config_put<uint32_t>(cfg_num_pages, pages);
    }
    notify_config_change();
}

uint64_t VirtioBalloon::target_mib() const
{
    std::lock_guard guard(m_lock);
    return (memory().size() - uint64_t(config_get<uint32_t>(cfg_num_pages)) * page_size) >> 20;
}

uint64_t VirtioBalloon::balloon_mib() const
{
    std::lock_guard guard(m_lock);
    return (uint64_t(config_get<uint32_t>(cfg_actual)) * page_size) >> 20;
}

void VirtioBalloon::config_write(uint32_t offset, std::span<uint8_t const> bytes)
{
    // The driver writes only "actual"; num_pages is the device's.
    for (size_t i = 0; i < bytes.size(); ++i) {
        if (offset + i >= cfg_actual && offset + i < cfg_actual + 4)
            m_config[offset + i] = bytes[i];
    }
}

void VirtioBalloon::inflate()
{
    while (auto chain = pop(inflateq)) {
        std::vector<uint32_t> pfns(chain->readable_bytes() / sizeof(uint32_t));
        chain->read(0, std::span(reinterpret_cast<uint8_t*>(pfns.data()), pfns.size() * sizeof(uint32_t)));
        // Coalesce runs of consecutive pages into one madvise.
        uint64_t run_start = 0, run_len = 0;
        auto flush_run = [&] {
            if (run_len && memory().discard(run_start, run_len))
                m_discarded_pages.fetch_add(run_len / page_size);
            run_len = 0;
        };
        for (uint32_t pfn : pfns) {
            uint64_t gpa = uint64_t(pfn) * page_size;
            if (!memory().contains(gpa, page_size)) {
                if (!m_bad_pfn_logged.exchange(true))
                    log::warn("{}: guest inflated PFN {:#x} outside its RAM; ignored", name(), pfn);
                continue;
            }
            if (run_len && gpa == run_start + run_len) {
                run_len += page_size;
                continue;
            }
            flush_run();
            run_start = gpa;
            run_len = page_size;
        }
        flush_run();
        complete(inflateq, *chain, 0);
    }
}

void VirtioBalloon::queue_notify(unsigned index)
{
    if (index == inflateq) {
        inflate();
        return;
    }
    while (auto chain = pop(deflateq))
        complete(deflateq, *chain, 0);
}

} // namespace xenith
