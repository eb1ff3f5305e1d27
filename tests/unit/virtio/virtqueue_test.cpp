// Transport and split-ring tests: registers, negotiation, reset, and every hostile-chain case.
#include <gtest/gtest.h>

#include <random>

#include "virtio/virtio_test_driver.h"

namespace xenith::test {
namespace {

using namespace virtio;

// A device that hands every chain back at once, reporting all its writable bytes as written
// after filling them with 0x5a. Chains can be held back to test late completions.
class EchoDevice final : public VirtioMmioDevice {
public:
    EchoDevice(VirtioSlot slot, GuestMemory& memory)
        : VirtioMmioDevice("echo", slot, memory, DeviceId::Rng, 0, { 16, 16 }, 8)
    {
    }

    bool hold { false };
    std::vector<DescriptorChain> seen;

    void complete_held(unsigned q)
    {
        for (auto& c : seen)
            complete(q, c, static_cast<uint32_t>(c.writable_bytes()));
    }

private:
    void queue_notify(unsigned index) override
    {
        while (auto chain = pop(index)) {
            std::vector<uint8_t> fill(chain->writable_bytes(), 0x5a);
            chain->write(memory(), 0, fill);
            seen.push_back(*chain);
            if (!hold)
                complete(index, *chain, static_cast<uint32_t>(chain->writable_bytes()));
        }
    }
};

class VirtqueueTest : public ::testing::Test {
protected:
    TestGuest guest;
    TestIrq irq;
    EchoDevice device { VirtioSlot { 0x10001000, 1, irq }, guest.memory() };
    TestDriver driver { device, guest };
};

TEST_F(VirtqueueTest, IdentifiesAsModernVirtioMmio)
{
    EXPECT_EQ(driver.reg(mmio::magic_value), 0x74726976u);
    EXPECT_EQ(driver.reg(mmio::version), 2u);
    EXPECT_EQ(driver.reg(mmio::device_id), 4u);
    EXPECT_NE(driver.reg(mmio::vendor_id), 0u);
    uint64_t f = driver.device_features();
    EXPECT_TRUE(f & feature::version_1);
    EXPECT_TRUE(f & feature::event_idx);
    EXPECT_TRUE(f & feature::indirect_desc);
    driver.set_reg(mmio::queue_sel, 0);
    EXPECT_EQ(driver.reg(mmio::queue_num_max), 16u);
    driver.set_reg(mmio::queue_sel, 7);
    EXPECT_EQ(driver.reg(mmio::queue_num_max), 0u);
}

TEST_F(VirtqueueTest, NonWordRegisterAccessReadsZero)
{
    EXPECT_EQ(device.read(mmio::magic_value, 1), 0u);
    EXPECT_EQ(device.read(mmio::magic_value, 8), 0u);
}

TEST_F(VirtqueueTest, LegacyDriverWithoutVersion1IsRefused)
{
    EXPECT_FALSE(driver.negotiate(0));
}

TEST_F(VirtqueueTest, FeatureNotOfferedIsRefused)
{
    EXPECT_FALSE(driver.negotiate(feature::version_1 | (1ull << 40)));
}

TEST_F(VirtqueueTest, QueueSizeNotPowerOfTwoIsRefused)
{
    ASSERT_TRUE(driver.negotiate(TestDriver::modern));
    TestQueue q(guest, 12);
    EXPECT_FALSE(driver.setup_queue(0, q));
}

TEST_F(VirtqueueTest, QueueSizeAboveMaxIsRefused)
{
    ASSERT_TRUE(driver.negotiate(TestDriver::modern));
    TestQueue q(guest, 32);
    EXPECT_FALSE(driver.setup_queue(0, q));
    EXPECT_TRUE(driver.needs_reset());
}

TEST_F(VirtqueueTest, QueueOutsideRamIsRefused)
{
    ASSERT_TRUE(driver.negotiate(TestDriver::modern));
    driver.set_reg(mmio::queue_sel, 0);
    driver.set_reg(mmio::queue_num, 16);
    driver.set_reg(mmio::queue_desc_low, 0x1000); // below RAM
    driver.set_reg(mmio::queue_driver_low, static_cast<uint32_t>(ram_base + 0x1000));
    driver.set_reg(mmio::queue_device_low, static_cast<uint32_t>(ram_base + ram_size - 8)); // runs off the end
    driver.set_reg(mmio::queue_ready, 1);
    EXPECT_EQ(driver.reg(mmio::queue_ready), 0u);
}

TEST_F(VirtqueueTest, MisalignedDescriptorTableIsRefused)
{
    ASSERT_TRUE(driver.negotiate(TestDriver::modern));
    driver.set_reg(mmio::queue_sel, 0);
    driver.set_reg(mmio::queue_num, 16);
    driver.set_reg(mmio::queue_desc_low, static_cast<uint32_t>(ram_base + 0x1008));
    driver.set_reg(mmio::queue_driver_low, static_cast<uint32_t>(ram_base + 0x2000));
    driver.set_reg(mmio::queue_device_low, static_cast<uint32_t>(ram_base + 0x3000));
    driver.set_reg(mmio::queue_ready, 1);
    EXPECT_EQ(driver.reg(mmio::queue_ready), 0u);
}

TEST_F(VirtqueueTest, ChainIsDeliveredAndInterruptRaised)
{
    driver.init(TestDriver::modern, 2);
    uint8_t header[5] = { 1, 2, 3, 4, 5 };
    uint8_t* out = nullptr;
    uint16_t head = DescriptorChainBuilder(driver.queue(0)).AppendReadableDescriptor(header, 5).AppendWritableDescriptor(&out, 7).Build();
    driver.notify(0);
    ASSERT_EQ(device.seen.size(), 1u);
    EXPECT_EQ(device.seen[0].readable_bytes(), 5u);
    EXPECT_EQ(device.seen[0].writable_bytes(), 7u);
    uint8_t copy[5];
    EXPECT_EQ(device.seen[0].read(0, copy), 5u);
    EXPECT_EQ(0, std::memcmp(copy, header, 5));
    EXPECT_EQ(out[6], 0x5a);
    EXPECT_EQ(driver.queue(0).used_idx(), 1);
    EXPECT_EQ(driver.queue(0).used(0).id, head);
    EXPECT_EQ(driver.queue(0).used(0).len, 7u);
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(driver.reg(mmio::interrupt_status), mmio::interrupt_used_buffer);
    driver.ack_interrupts();
    EXPECT_FALSE(irq.level());
}

TEST_F(VirtqueueTest, NotifyBeforeDriverOkIsServedAtDriverOk)
{
    ASSERT_TRUE(driver.negotiate(TestDriver::modern));
    TestQueue q(guest, 16);
    ASSERT_TRUE(driver.setup_queue(0, q));
    uint8_t* out;
    DescriptorChainBuilder(q).AppendWritableDescriptor(&out, 4).Build();
    driver.notify(0);
    EXPECT_TRUE(device.seen.empty());
    driver.driver_ok();
    EXPECT_EQ(device.seen.size(), 1u);
    EXPECT_EQ(q.used_idx(), 1);
}

TEST_F(VirtqueueTest, StatusZeroResetsDevice)
{
    driver.init(TestDriver::modern, 2);
    uint8_t* out;
    DescriptorChainBuilder(driver.queue(0)).AppendWritableDescriptor(&out, 4).Build();
    driver.notify(0);
    ASSERT_TRUE(irq.level());
    driver.set_reg(mmio::status, 0);
    EXPECT_EQ(driver.reg(mmio::status), 0u);
    EXPECT_FALSE(irq.level());
    EXPECT_EQ(driver.reg(mmio::interrupt_status), 0u);
    driver.set_reg(mmio::queue_sel, 0);
    EXPECT_EQ(driver.reg(mmio::queue_ready), 0u);
    EXPECT_EQ(driver.reg(mmio::queue_desc_low), 0u);
}

TEST_F(VirtqueueTest, CompletionAfterResetIsDropped)
{
    driver.init(TestDriver::modern, 2);
    device.hold = true;
    uint8_t* out;
    DescriptorChainBuilder(driver.queue(0)).AppendWritableDescriptor(&out, 4).Build();
    driver.notify(0);
    ASSERT_EQ(device.seen.size(), 1u);
    // The driver resets and re-initialises the queue at the same place before the backend finishes.
    ASSERT_TRUE(driver.negotiate(TestDriver::modern));
    driver.queue(0).set_avail_idx(0); // a re-initialising driver starts with an empty ring
    ASSERT_TRUE(driver.setup_queue(0, driver.queue(0)));
    driver.driver_ok();
    ASSERT_EQ(device.seen.size(), 1u);
    device.complete_held(0);
    EXPECT_EQ(driver.queue(0).used_idx(), 0);
    EXPECT_FALSE(irq.level());
}

TEST_F(VirtqueueTest, DescriptorOutsideRamSetsNeedsReset)
{
    driver.init(TestDriver::modern, 2);
    DescriptorChainBuilder(driver.queue(0)).AppendRawDescriptor(0x1000, 64, 0).Build();
    driver.notify(0);
    EXPECT_TRUE(device.seen.empty());
    EXPECT_TRUE(driver.needs_reset());
    EXPECT_EQ(driver.reg(mmio::interrupt_status) & mmio::interrupt_config_change, mmio::interrupt_config_change);
}

TEST_F(VirtqueueTest, DescriptorStraddlingEndOfRamSetsNeedsReset)
{
    driver.init(TestDriver::modern, 2);
    DescriptorChainBuilder(driver.queue(0)).AppendRawDescriptor(ram_base + ram_size - 16, 32, ring::desc_f_write).Build();
    driver.notify(0);
    EXPECT_TRUE(device.seen.empty());
    EXPECT_TRUE(driver.needs_reset());
}

TEST_F(VirtqueueTest, DescriptorLengthWrappingAddressSpaceSetsNeedsReset)
{
    driver.init(TestDriver::modern, 2);
    DescriptorChainBuilder(driver.queue(0)).AppendRawDescriptor(0xffff'ffff'ffff'f000ull, 0x2000, 0).Build();
    driver.notify(0);
    EXPECT_TRUE(driver.needs_reset());
}

TEST_F(VirtqueueTest, ChainLoopSetsNeedsReset)
{
    driver.init(TestDriver::modern, 2);
    auto& q = driver.queue(0);
    uint64_t buf = guest.alloc(16);
    q.write_desc(0, buf, 16, ring::desc_f_next, 1);
    q.write_desc(1, buf, 16, ring::desc_f_next, 0);
    q.publish(0);
    driver.notify(0);
    EXPECT_TRUE(device.seen.empty());
    EXPECT_TRUE(driver.needs_reset());
}

TEST_F(VirtqueueTest, NextIndexOutsideQueueSetsNeedsReset)
{
    driver.init(TestDriver::modern, 2);
    auto& q = driver.queue(0);
    q.write_desc(0, guest.alloc(16), 16, ring::desc_f_next, 16);
    q.publish(0);
    driver.notify(0);
    EXPECT_TRUE(driver.needs_reset());
}

TEST_F(VirtqueueTest, HeadIndexOutsideQueueSetsNeedsReset)
{
    driver.init(TestDriver::modern, 2);
    driver.queue(0).publish(200);
    driver.notify(0);
    EXPECT_TRUE(driver.needs_reset());
}

TEST_F(VirtqueueTest, AvailIdxJumpBeyondQueueSizeSetsNeedsReset)
{
    driver.init(TestDriver::modern, 2);
    uint8_t* out;
    DescriptorChainBuilder(driver.queue(0)).AppendWritableDescriptor(&out, 4).Build();
    driver.queue(0).set_avail_idx(17);
    driver.notify(0);
    EXPECT_TRUE(device.seen.empty());
    EXPECT_TRUE(driver.needs_reset());
}

TEST_F(VirtqueueTest, ReadableAfterWritableSetsNeedsReset)
{
    driver.init(TestDriver::modern, 2);
    uint8_t* out;
    uint8_t in[4] = {};
    DescriptorChainBuilder(driver.queue(0)).AppendWritableDescriptor(&out, 4).AppendReadableDescriptor(in, 4).Build();
    driver.notify(0);
    EXPECT_TRUE(driver.needs_reset());
}

TEST_F(VirtqueueTest, BrokenQueueStaysQuietUntilReset)
{
    driver.init(TestDriver::modern, 2);
    driver.queue(0).publish(200);
    driver.notify(0);
    ASSERT_TRUE(driver.needs_reset());
    uint8_t* out;
    DescriptorChainBuilder(driver.queue(0)).AppendWritableDescriptor(&out, 4).Build();
    driver.notify(0);
    EXPECT_TRUE(device.seen.empty());
    // A full reset and re-initialisation recovers.
    TestDriver fresh(device, guest);
    fresh.init(TestDriver::modern, 2);
    EXPECT_FALSE(fresh.needs_reset());
    DescriptorChainBuilder(fresh.queue(0)).AppendWritableDescriptor(&out, 4).Build();
    fresh.notify(0);
    EXPECT_EQ(device.seen.size(), 1u);
}

TEST_F(VirtqueueTest, IndirectChainIsDelivered)
{
    driver.init(TestDriver::all_ring_features, 2);
    uint8_t header[16] = { 9 };
    uint8_t* out;
    DescriptorChainBuilder(driver.queue(0)).AppendReadableDescriptor(header, 16).AppendWritableDescriptor(&out, 3).Indirect().Build();
    driver.notify(0);
    ASSERT_EQ(device.seen.size(), 1u);
    EXPECT_EQ(device.seen[0].readable_bytes(), 16u);
    EXPECT_EQ(device.seen[0].writable_bytes(), 3u);
    EXPECT_EQ(out[2], 0x5a);
    EXPECT_FALSE(driver.needs_reset());
}

TEST_F(VirtqueueTest, DirectDescriptorsFollowedByIndirectAreDelivered)
{
    driver.init(TestDriver::all_ring_features, 2);
    auto& q = driver.queue(0);
    uint64_t table = guest.alloc(16);
    q.write_desc_at(table, guest.alloc(8), 8, ring::desc_f_write, 0);
    q.write_desc(0, guest.alloc(4), 4, ring::desc_f_next, 1);
    q.write_desc(1, table, 16, ring::desc_f_indirect, 0);
    q.publish(0);
    driver.notify(0);
    ASSERT_EQ(device.seen.size(), 1u);
    EXPECT_EQ(device.seen[0].readable_bytes(), 4u);
    EXPECT_EQ(device.seen[0].writable_bytes(), 8u);
}

TEST_F(VirtqueueTest, IndirectWithoutFeatureSetsNeedsReset)
{
    driver.init(TestDriver::modern, 2);
    uint8_t* out;
    DescriptorChainBuilder(driver.queue(0)).AppendWritableDescriptor(&out, 3).Indirect().Build();
    driver.notify(0);
    EXPECT_TRUE(driver.needs_reset());
}

TEST_F(VirtqueueTest, NestedIndirectSetsNeedsReset)
{
    driver.init(TestDriver::all_ring_features, 2);
    uint64_t inner = guest.alloc(16);
    DescriptorChainBuilder(driver.queue(0)).AppendRawDescriptor(inner, 16, ring::desc_f_indirect).Indirect().Build();
    driver.notify(0);
    EXPECT_TRUE(driver.needs_reset());
}

TEST_F(VirtqueueTest, IndirectWithNextSetsNeedsReset)
{
    driver.init(TestDriver::all_ring_features, 2);
    auto& q = driver.queue(0);
    uint64_t table = guest.alloc(16);
    q.write_desc_at(table, guest.alloc(8), 8, ring::desc_f_write, 0);
    q.write_desc(0, table, 16, ring::desc_f_indirect | ring::desc_f_next, 1);
    q.write_desc(1, guest.alloc(8), 8, ring::desc_f_write, 0);
    q.publish(0);
    driver.notify(0);
    EXPECT_TRUE(driver.needs_reset());
}

TEST_F(VirtqueueTest, IndirectTableLengthNotMultipleOf16SetsNeedsReset)
{
    driver.init(TestDriver::all_ring_features, 2);
    auto& q = driver.queue(0);
    uint64_t table = guest.alloc(32);
    q.write_desc_at(table, guest.alloc(8), 8, ring::desc_f_write, 0);
    q.write_desc(0, table, 20, ring::desc_f_indirect, 0);
    q.publish(0);
    driver.notify(0);
    EXPECT_TRUE(driver.needs_reset());
}

TEST_F(VirtqueueTest, IndirectTableLargerThanQueueSetsNeedsReset)
{
    driver.init(TestDriver::all_ring_features, 2);
    auto& q = driver.queue(0);
    uint64_t table = guest.alloc(16 * 17);
    for (int i = 0; i < 17; ++i)
        q.write_desc_at(table + 16 * i, guest.alloc(8), 8, ring::desc_f_write | (i < 16 ? ring::desc_f_next : 0), static_cast<uint16_t>(i + 1));
    q.write_desc(0, table, 16 * 17, ring::desc_f_indirect, 0);
    q.publish(0);
    driver.notify(0);
    EXPECT_TRUE(driver.needs_reset());
}

TEST_F(VirtqueueTest, IndirectTableOfQueueSizeEntriesIsDelivered)
{
    // What Linux's virtio-blk sends for a request of seg_max segments: header + seg_max data
    // + status = queue size descriptors in one table behind a single ring descriptor.
    driver.init(TestDriver::all_ring_features, 2);
    auto& q = driver.queue(0);
    uint32_t n = q.size();
    uint64_t table = guest.alloc(16 * n);
    for (uint32_t i = 0; i < n; ++i)
        q.write_desc_at(table + 16 * i, guest.alloc(8), 8, ring::desc_f_write | (i + 1 < n ? ring::desc_f_next : 0), static_cast<uint16_t>(i + 1));
    q.write_desc(0, table, 16 * n, ring::desc_f_indirect, 0);
    q.publish(0);
    driver.notify(0);
    ASSERT_EQ(device.seen.size(), 1u);
    EXPECT_EQ(device.seen[0].writable_bytes(), 8u * n);
    EXPECT_FALSE(driver.needs_reset());
}

TEST_F(VirtqueueTest, DirectPlusIndirectLongerThanQueueSetsNeedsReset)
{
    // One direct descriptor and a full table: queue size + 1 buffers in one chain.
    driver.init(TestDriver::all_ring_features, 2);
    auto& q = driver.queue(0);
    uint32_t n = q.size();
    uint64_t table = guest.alloc(16 * n);
    for (uint32_t i = 0; i < n; ++i)
        q.write_desc_at(table + 16 * i, guest.alloc(8), 8, ring::desc_f_write | (i + 1 < n ? ring::desc_f_next : 0), static_cast<uint16_t>(i + 1));
    q.write_desc(0, guest.alloc(4), 4, ring::desc_f_next, 1);
    q.write_desc(1, table, 16 * n, ring::desc_f_indirect, 0);
    q.publish(0);
    driver.notify(0);
    EXPECT_TRUE(device.seen.empty());
    EXPECT_TRUE(driver.needs_reset());
}

TEST_F(VirtqueueTest, IndirectTableOutsideRamSetsNeedsReset)
{
    driver.init(TestDriver::all_ring_features, 2);
    auto& q = driver.queue(0);
    q.write_desc(0, ram_base + ram_size - 16, 32, ring::desc_f_indirect, 0);
    q.publish(0);
    driver.notify(0);
    EXPECT_TRUE(driver.needs_reset());
}

TEST_F(VirtqueueTest, IndirectLoopSetsNeedsReset)
{
    driver.init(TestDriver::all_ring_features, 2);
    auto& q = driver.queue(0);
    uint64_t table = guest.alloc(32);
    uint64_t buf = guest.alloc(8);
    q.write_desc_at(table, buf, 8, ring::desc_f_next, 1);
    q.write_desc_at(table + 16, buf, 8, ring::desc_f_next, 0);
    q.write_desc(0, table, 32, ring::desc_f_indirect, 0);
    q.publish(0);
    driver.notify(0);
    EXPECT_TRUE(driver.needs_reset());
}

TEST_F(VirtqueueTest, EventIdxSuppressesInterruptUntilUsedEvent)
{
    driver.init(TestDriver::all_ring_features, 2);
    auto& q = driver.queue(0);
    q.set_used_event(1); // interrupt when the second buffer is used
    uint8_t* out;
    DescriptorChainBuilder(q).AppendWritableDescriptor(&out, 4).Build();
    driver.notify(0);
    EXPECT_EQ(q.used_idx(), 1);
    EXPECT_FALSE(irq.level());
    DescriptorChainBuilder(q).AppendWritableDescriptor(&out, 4).Build();
    driver.notify(0);
    EXPECT_EQ(q.used_idx(), 2);
    EXPECT_TRUE(irq.level());
}

TEST_F(VirtqueueTest, EventIdxPublishesAvailEvent)
{
    driver.init(TestDriver::all_ring_features, 2);
    auto& q = driver.queue(0);
    uint8_t* out;
    DescriptorChainBuilder(q).AppendWritableDescriptor(&out, 4).Build();
    DescriptorChainBuilder(q).AppendWritableDescriptor(&out, 4).Build();
    driver.notify(0);
    EXPECT_EQ(q.avail_event(), 2);
}

TEST_F(VirtqueueTest, NoInterruptFlagSuppressesWithoutEventIdx)
{
    driver.init(TestDriver::modern, 2);
    auto& q = driver.queue(0);
    q.set_avail_flags(ring::avail_f_no_interrupt);
    uint8_t* out;
    DescriptorChainBuilder(q).AppendWritableDescriptor(&out, 4).Build();
    driver.notify(0);
    EXPECT_EQ(q.used_idx(), 1);
    EXPECT_FALSE(irq.level());
}

TEST_F(VirtqueueTest, QueueConfigFrozenWhileReady)
{
    driver.init(TestDriver::modern, 2);
    driver.set_reg(mmio::queue_sel, 0);
    uint32_t desc = driver.reg(mmio::queue_desc_low);
    driver.set_reg(mmio::queue_desc_low, 0x1234);
    EXPECT_EQ(driver.reg(mmio::queue_desc_low), desc);
}

TEST_F(VirtqueueTest, NotifyOfNonexistentQueueIsIgnored)
{
    driver.init(TestDriver::modern, 2);
    driver.notify(5);
    driver.notify(0xffffffff);
    EXPECT_FALSE(driver.needs_reset());
}

TEST_F(VirtqueueTest, ZeroLengthRingHasNoChains)
{
    driver.init(TestDriver::modern, 2);
    driver.notify(0);
    EXPECT_TRUE(device.seen.empty());
    EXPECT_FALSE(driver.needs_reset());
}

// Thousands of rings of random garbage (seeded, so failures reproduce): whatever the guest
// writes, every chain the device accepts lies inside guest RAM (the echo device writes every
// writable byte, so under ASan an escape would be caught), and anything else is refused with
// DEVICE_NEEDS_RESET.
TEST(VirtqueueFuzz, RandomRingsNeverEscapeGuestRam)
{
    std::mt19937_64 rng(20261130);
    int delivered = 0, refused = 0;
    for (int round = 0; round < 3000; ++round) {
        TestGuest guest;
        TestIrq irq;
        EchoDevice device(VirtioSlot { 0x10001000, 1, irq }, guest.memory());
        TestDriver driver(device, guest);
        driver.init(TestDriver::all_ring_features, 2);
        auto& q = driver.queue(0);
        // Addresses near RAM's edges and lengths near the interesting boundaries.
        auto addr = [&]() -> uint64_t {
            switch (rng() % 5) {
            case 0: return ram_base + rng() % ram_size;
            case 1: return ram_base + ram_size - rng() % 64;
            case 2: return ram_base - rng() % 64;
            case 3: return rng();
            default: return guest.alloc(64);
            }
        };
        auto len = [&]() -> uint32_t {
            switch (rng() % 4) {
            case 0: return static_cast<uint32_t>(rng() % 64);
            case 1: return static_cast<uint32_t>(rng() % 4096);
            case 2: return static_cast<uint32_t>(rng());
            default: return 16 * static_cast<uint32_t>(rng() % 20);
            }
        };
        for (uint16_t i = 0; i < q.size(); ++i)
            q.write_desc(i, addr(), len(), static_cast<uint16_t>(rng() & 7), static_cast<uint16_t>(rng() % 20));
        // Some indirect tables full of garbage too.
        for (int t = 0; t < 4; ++t) {
            uint64_t table = guest.alloc(16 * 8);
            for (int e = 0; e < 8; ++e)
                q.write_desc_at(table + 16 * e, addr(), len(), static_cast<uint16_t>(rng() & 7), static_cast<uint16_t>(rng() % 10));
            q.write_desc(static_cast<uint16_t>(rng() % q.size()), table, 16 * static_cast<uint32_t>(rng() % 10), ring::desc_f_indirect, 0);
        }
        int entries = 1 + static_cast<int>(rng() % 20);
        for (int e = 0; e < entries; ++e)
            q.publish(static_cast<uint16_t>(rng() % 20));
        if (rng() % 8 == 0)
            q.set_avail_idx(static_cast<uint16_t>(rng()));
        driver.notify(0);
        for (auto const& chain : device.seen) {
            for (auto const& seg : chain.segments())
                ASSERT_TRUE(guest.memory().contains(seg.gpa, seg.len)) << "round " << round;
        }
        delivered += static_cast<int>(device.seen.size());
        refused += driver.needs_reset() ? 1 : 0;
    }
    // The generator exercises both outcomes.
    EXPECT_GT(delivered, 100);
    EXPECT_GT(refused, 100);
}

} // namespace
} // namespace xenith::test
