// VirtioRng: getrandom() into guest buffers.
#include "engine/dev/virtio/virtio_rng.h"

#include <sys/random.h>

#include <cerrno>
#include <vector>

#include "base/log.h"

namespace xenith {

VirtioRng::VirtioRng(VirtioSlot slot, GuestMemory& memory)
    : VirtioMmioDevice(fmt::format("virtio-rng@{:x}", slot.base), slot, memory, virtio::DeviceId::Rng, 0, { 64 }, 0)
{
}

void VirtioRng::queue_notify(unsigned index)
{
    while (auto chain = pop(index)) {
        std::vector<uint8_t> bytes(std::min<uint64_t>(chain->writable_bytes(), max_bytes_per_buffer));
        size_t filled = 0;
        while (filled < bytes.size()) {
            ssize_t n = ::getrandom(bytes.data() + filled, bytes.size() - filled, 0);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                log::warn("{}: getrandom: {}", name(), strerror(errno));
                break;
            }
            filled += static_cast<size_t>(n);
        }
        uint64_t written = chain->write(memory(), 0, std::span<uint8_t const>(bytes.data(), filled));
        complete(index, *chain, static_cast<uint32_t>(written));
    }
}

} // namespace xenith
