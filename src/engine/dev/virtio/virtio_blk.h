// VirtioBlk: the virtio block device (virtio 1.2 section 5.2) over a BlockBackend.
#pragma once

#include <memory>
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
class VirtioBlk final : public VirtioMmioDevice {
public:
    // `serial` is what GET_ID returns (up to 20 bytes).
    VirtioBlk(VirtioSlot slot, GuestMemory& memory, std::unique_ptr<BlockBackend> backend, std::string serial);
    ~VirtioBlk() override;

    BlockBackend& backend() { return *m_backend; }
    uint64_t capacity_sectors() const { return m_capacity; }

private:
    void queue_notify(unsigned index) override;
    void handle(DescriptorChain chain);
    void finish(DescriptorChain const& chain, uint8_t status);
    bool in_range(uint64_t sector, uint64_t sectors) const;

    std::unique_ptr<BlockBackend> m_backend;
    std::string m_serial;
    uint64_t m_capacity;
};

} // namespace xenith
