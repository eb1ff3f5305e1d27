// VirtioBlk: the virtio block device (virtio 1.2 section 5.2) over a BlockBackend.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "engine/dev/virtio/virtio_mmio.h"
#include "engine/io/block_backend.h"

namespace xenith {

namespace virtio_blk {
inline constexpr uint64_t f_size_max = 1ull << 1;
inline constexpr uint64_t f_seg_max = 1ull << 2;
inline constexpr uint64_t f_ro = 1ull << 5;
inline constexpr uint64_t f_blk_size = 1ull << 6;
inline constexpr uint64_t f_flush = 1ull << 9;
inline constexpr uint64_t f_discard = 1ull << 13;
inline constexpr uint64_t f_write_zeroes = 1ull << 14;

inline constexpr uint32_t t_in = 0;
inline constexpr uint32_t t_out = 1;
inline constexpr uint32_t t_flush = 4;
inline constexpr uint32_t t_get_id = 8;
inline constexpr uint32_t t_discard = 11;
inline constexpr uint32_t t_write_zeroes = 13;

inline constexpr uint8_t s_ok = 0;
inline constexpr uint8_t s_ioerr = 1;
inline constexpr uint8_t s_unsupp = 2;

inline constexpr uint64_t sector_size = 512;
inline constexpr uint32_t id_bytes = 20;
inline constexpr uint16_t queue_size = 256;

// Config space offsets.
inline constexpr size_t cfg_capacity = 0;
inline constexpr size_t cfg_size_max = 8;
inline constexpr size_t cfg_seg_max = 12;
inline constexpr size_t cfg_blk_size = 20;
inline constexpr size_t cfg_max_discard_sectors = 36;
inline constexpr size_t cfg_max_discard_seg = 40;
inline constexpr size_t cfg_discard_sector_alignment = 44;
inline constexpr size_t cfg_max_write_zeroes_sectors = 48;
inline constexpr size_t cfg_max_write_zeroes_seg = 52;
inline constexpr size_t cfg_write_zeroes_may_unmap = 56;
inline constexpr size_t config_size = 60;

struct RequestHeader {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
};
static_assert(sizeof(RequestHeader) == 16);

struct DiscardSegment {
    uint64_t sector;
    uint32_t num_sectors;
    uint32_t flags; // bit 0: unmap (write zeroes)
};
static_assert(sizeof(DiscardSegment) == 16);
} // namespace virtio_blk

// Requests are parsed and validated on the notifying vCPU thread and handed to the backend,
// which reads and writes guest buffers in place; completions (backend threads) write the status
// byte, note the DMA for code caches, and return the chain. Read-only backends advertise
// VIRTIO_BLK_F_RO and fail writes with IOERR.
//
// Hotplug: a device may have no medium (a spare slot, or after detach()). It then reports
// capacity 0 and fails every request with IOERR. attach() and detach() change the medium of a
// running device and raise a config-change interrupt, on which Linux's virtio_blk re-reads the
// capacity. The features are fixed when the guest probes, so a slot made empty offers no RO: a
// read-only medium attached later fails writes with IOERR but the guest does not see it as
// read-only. attach()/detach() come from the domain's I/O thread (the control channel).
class VirtioBlk final : public VirtioMmioDevice {
public:
    // `serial` is what GET_ID returns (up to 20 bytes). A null `backend` makes an empty slot.
    VirtioBlk(VirtioSlot slot, GuestMemory& memory, std::unique_ptr<BlockBackend> backend, std::string serial);
    ~VirtioBlk() override;

    // The medium's backend, null when empty; valid until detach(). For tests and listings.
    BlockBackend* backend() { return m_backend.get(); }
    bool has_medium() const;
    // The medium's path ("" when empty) and whether it is read-only.
    std::string medium_path() const;
    bool medium_read_only() const;
    uint64_t capacity_sectors() const { return m_capacity.load(); }
    bool offers_read_only() const { return (device_features() & virtio_blk::f_ro) != 0; }

    // Puts `backend` in an empty device: the capacity becomes its size, the serial `serial`.
    Status attach(std::unique_ptr<BlockBackend> backend, std::string serial);
    // Removes the medium: new requests fail with IOERR, requests already handed to the backend
    // complete, the backend is flushed and closed (releasing the image lock), the capacity
    // becomes 0. Returns the flush's error, if any (the medium is gone either way).
    Status detach();

private:
    void queue_notify(unsigned index) override;
    void handle(DescriptorChain chain);
    void finish(DescriptorChain const& chain, uint8_t status);
    bool in_range(uint64_t sector, uint64_t sectors) const;
    void publish_capacity(uint64_t sectors);

    // Held while requests are parsed and handed to the backend, so detach() takes the backend
    // only between two batches. Guards m_backend and m_serial; taken before m_lock.
    mutable std::mutex m_backend_lock;
    std::unique_ptr<BlockBackend> m_backend;
    std::string m_serial;
    std::atomic<uint64_t> m_capacity { 0 };
};

} // namespace xenith
