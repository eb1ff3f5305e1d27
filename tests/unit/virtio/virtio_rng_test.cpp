// virtio-rng tests: entropy from getrandom into guest buffers.
#include <gtest/gtest.h>

#include <set>

#include "engine/dev/virtio/virtio_rng.h"
#include "virtio/virtio_test_driver.h"

namespace xenith::test {
namespace {

class VirtioRngTest : public ::testing::Test {
protected:
    void SetUp() override { driver.init(TestDriver::all_ring_features, 1); }
    TestGuest guest;
    TestIrq irq;
    VirtioRng device { VirtioSlot { 0x10003000, 3, irq }, guest.memory() };
    TestDriver driver { device, guest };
};

TEST_F(VirtioRngTest, FillsBufferWithRandomBytes)
{
    uint8_t* buf;
    DescriptorChainBuilder(driver.queue(0)).AppendWritableDescriptor(&buf, 256).Build();
    driver.notify(0);
    ASSERT_EQ(driver.queue(0).used_idx(), 1);
    EXPECT_EQ(driver.queue(0).used(0).len, 256u);
    std::set<uint8_t> distinct(buf, buf + 256);
    EXPECT_GT(distinct.size(), 100u); // 0xaa fill replaced by entropy
}

TEST_F(VirtioRngTest, LargeBufferIsCapped)
{
    uint8_t* buf;
    DescriptorChainBuilder(driver.queue(0)).AppendWritableDescriptor(&buf, VirtioRng::max_bytes_per_buffer + 4096).Build();
    driver.notify(0);
    EXPECT_EQ(driver.queue(0).used(0).len, VirtioRng::max_bytes_per_buffer);
}

TEST_F(VirtioRngTest, ReadableOnlyBufferGetsNothing)
{
    DescriptorChainBuilder(driver.queue(0)).AppendReadableDescriptor("abc", 3).Build();
    driver.notify(0);
    EXPECT_EQ(driver.queue(0).used(0).len, 0u);
    EXPECT_FALSE(driver.needs_reset());
}

} // namespace
} // namespace xenith::test
