// VirtioRng: the entropy device (virtio 1.2 section 5.4), fed by the host's getrandom().
#pragma once

#include "engine/dev/virtio/virtio_mmio.h"

namespace xenith {

// Fills each buffer the guest posts on its one queue, on the notifying vCPU thread.
class VirtioRng final : public VirtioMmioDevice {
public:
    // Most the device gives per buffer, so one request cannot stall a vCPU for long.
    static constexpr uint32_t max_bytes_per_buffer = 64 * 1024;

    VirtioRng(VirtioSlot slot, GuestMemory& memory);

private:
    void queue_notify(unsigned index) override;
};

} // namespace xenith
