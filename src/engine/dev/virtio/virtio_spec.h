// virtio 1.2 constants shared by the transport, the queues and the devices (register offsets,
// status bits, feature bits, device ids, ring flags).
#pragma once

#include <cstdint>

namespace xenith::virtio {

// Device IDs (virtio 1.2, section 5).
enum class DeviceId : uint32_t {
    Net = 1,
    Block = 2,
    Console = 3,
    Rng = 4,
    Balloon = 5,
    Input = 18,
};

// Device status field (section 2.1).
namespace status {
inline constexpr uint32_t acknowledge = 1;
inline constexpr uint32_t driver = 2;
inline constexpr uint32_t driver_ok = 4;
inline constexpr uint32_t features_ok = 8;
inline constexpr uint32_t device_needs_reset = 64;
inline constexpr uint32_t failed = 128;
} // namespace status

// Reserved feature bits (section 6).
namespace feature {
inline constexpr uint64_t indirect_desc = 1ull << 28;
inline constexpr uint64_t event_idx = 1ull << 29;
inline constexpr uint64_t version_1 = 1ull << 32;
} // namespace feature

// virtio-mmio register offsets (section 4.2.2).
namespace mmio {
inline constexpr uint32_t magic_value = 0x000;
inline constexpr uint32_t version = 0x004;
inline constexpr uint32_t device_id = 0x008;
inline constexpr uint32_t vendor_id = 0x00c;
inline constexpr uint32_t device_features = 0x010;
inline constexpr uint32_t device_features_sel = 0x014;
inline constexpr uint32_t driver_features = 0x020;
inline constexpr uint32_t driver_features_sel = 0x024;
inline constexpr uint32_t queue_sel = 0x030;
inline constexpr uint32_t queue_num_max = 0x034;
inline constexpr uint32_t queue_num = 0x038;
inline constexpr uint32_t queue_ready = 0x044;
inline constexpr uint32_t queue_notify = 0x050;
inline constexpr uint32_t interrupt_status = 0x060;
inline constexpr uint32_t interrupt_ack = 0x064;
inline constexpr uint32_t status = 0x070;
inline constexpr uint32_t queue_desc_low = 0x080;
inline constexpr uint32_t queue_desc_high = 0x084;
inline constexpr uint32_t queue_driver_low = 0x090;
inline constexpr uint32_t queue_driver_high = 0x094;
inline constexpr uint32_t queue_device_low = 0x0a0;
inline constexpr uint32_t queue_device_high = 0x0a4;
inline constexpr uint32_t shm_sel = 0x0ac;
inline constexpr uint32_t shm_len_low = 0x0b0;
inline constexpr uint32_t shm_len_high = 0x0b4;
inline constexpr uint32_t config_generation = 0x0fc;
inline constexpr uint32_t config = 0x100;

inline constexpr uint32_t magic = 0x74726976; // "virt"
inline constexpr uint32_t version_modern = 2;
inline constexpr uint32_t vendor = 0x4e455858; // "XXEN": ours, as QEMU uses "QEMU"
inline constexpr uint64_t window_size = 0x1000;

inline constexpr uint32_t interrupt_used_buffer = 1;
inline constexpr uint32_t interrupt_config_change = 2;
} // namespace mmio

// Split virtqueue layout (section 2.7).
namespace ring {
inline constexpr uint16_t desc_f_next = 1;
inline constexpr uint16_t desc_f_write = 2;
inline constexpr uint16_t desc_f_indirect = 4;
inline constexpr uint16_t avail_f_no_interrupt = 1;
inline constexpr uint16_t used_f_no_notify = 1;

inline constexpr uint64_t desc_size = 16;
inline constexpr uint64_t desc_align = 16;
inline constexpr uint64_t avail_align = 2;
inline constexpr uint64_t used_align = 4;
inline constexpr uint16_t max_queue_size = 32768;

// Sizes of the three areas for a queue of `n` entries, including the event-idx fields.
constexpr uint64_t desc_table_bytes(uint32_t n) { return desc_size * n; }
constexpr uint64_t avail_ring_bytes(uint32_t n) { return 6 + 2ull * n; }
constexpr uint64_t used_ring_bytes(uint32_t n) { return 6 + 8ull * n; }
} // namespace ring

} // namespace xenith::virtio
