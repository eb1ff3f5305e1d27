// virtio-balloon tests: target, inflate returning pages to the host.
#include <gtest/gtest.h>

#include <sys/mman.h>

#include "engine/dev/virtio/virtio_balloon.h"
#include "virtio/virtio_test_driver.h"

namespace xenith::test {
namespace {

using namespace virtio_balloon;

class VirtioBalloonTest : public ::testing::Test {
protected:
    void SetUp() override { driver.init(TestDriver::all_ring_features | f_deflate_on_oom, 2); }

    bool resident(uint64_t gpa)
    {
        unsigned char vec = 0;
        EXPECT_EQ(::mincore(guest.host(gpa), 4096, &vec), 0);
        return vec & 1;
    }

    TestGuest guest;
    TestIrq irq;
    VirtioBalloon device { VirtioSlot { 0x10005000, 5, irq }, guest.memory() };
    TestDriver driver { device, guest };
};

TEST_F(VirtioBalloonTest, SetTargetAsksForTheRest)
{
    uint32_t generation = driver.reg(virtio::mmio::config_generation);
    device.set_target(10);
    EXPECT_EQ(driver.config(cfg_num_pages, 4), (ram_size - (10 << 20)) / 4096);
    EXPECT_NE(driver.reg(virtio::mmio::config_generation), generation);
    EXPECT_EQ(driver.reg(virtio::mmio::interrupt_status) & virtio::mmio::interrupt_config_change, virtio::mmio::interrupt_config_change);
    EXPECT_EQ(device.target_mib(), 10u);
}

TEST_F(VirtioBalloonTest, TargetAboveRamMeansEmptyBalloon)
{
    device.set_target(10);
    device.set_target(1 << 20);
    EXPECT_EQ(driver.config(cfg_num_pages, 4), 0u);
    EXPECT_EQ(device.target_mib(), ram_size >> 20);
}

TEST_F(VirtioBalloonTest, InflateReturnsPagesToHost)
{
    uint64_t page = guest.alloc(3 * 4096, 4096);
    for (int i = 0; i < 3; ++i)
        guest.put<uint64_t>(page + i * 4096, 0x1234);
    ASSERT_TRUE(resident(page));
    uint32_t pfns[3] = { uint32_t(page / 4096), uint32_t(page / 4096 + 1), uint32_t(page / 4096 + 2) };
    DescriptorChainBuilder(driver.queue(0)).AppendReadableDescriptor(pfns, sizeof(pfns)).Build();
    driver.notify(0);
    EXPECT_EQ(driver.queue(0).used_idx(), 1);
    EXPECT_EQ(device.discarded_pages(), 3u);
    EXPECT_FALSE(resident(page));
    EXPECT_FALSE(resident(page + 8192));
    EXPECT_EQ(guest.get<uint64_t>(page), 0u);
}

TEST_F(VirtioBalloonTest, InflatedPfnOutsideRamIsIgnored)
{
    uint64_t page = guest.alloc(4096, 4096);
    guest.put<uint64_t>(page, 0x99);
    uint32_t pfns[3] = { 0x10, uint32_t((ram_base + ram_size) / 4096), uint32_t(page / 4096) };
    DescriptorChainBuilder(driver.queue(0)).AppendReadableDescriptor(pfns, sizeof(pfns)).Build();
    driver.notify(0);
    EXPECT_EQ(device.discarded_pages(), 1u);
    EXPECT_FALSE(driver.needs_reset());
}

TEST_F(VirtioBalloonTest, DriverReportsActual)
{
    driver.set_config(cfg_actual, 512, 4); // 2 MiB
    EXPECT_EQ(device.balloon_mib(), 2u);
    driver.set_config(cfg_num_pages, 77, 4); // device-owned: ignored
    EXPECT_EQ(driver.config(cfg_num_pages, 4), 0u);
}

TEST_F(VirtioBalloonTest, DeflateBuffersAreReturned)
{
    uint32_t pfn = uint32_t(ram_base / 4096 + 100);
    DescriptorChainBuilder(driver.queue(1)).AppendReadableDescriptor(&pfn, 4).Build();
    driver.notify(1);
    EXPECT_EQ(driver.queue(1).used_idx(), 1);
}

} // namespace
} // namespace xenith::test
