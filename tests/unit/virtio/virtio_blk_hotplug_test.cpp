// virtio-blk hotplug tests: an empty slot, attach and detach of a medium on a running device,
// for both the worker (file:) and io_uring (tap:aio:) backends.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/dev/virtio/virtio_blk.h"
#include "engine/io/block_backend.h"
#include "engine/io/event_loop.h"
#include "virtio/virtio_test_driver.h"

namespace xenith::test {
namespace {

using namespace virtio_blk;

constexpr uint64_t image_size = 1 << 20; // 2048 sectors

class HotplugDir {
public:
    HotplugDir()
    {
        std::string tmpl = (std::filesystem::temp_directory_path() / "xenith-blkhp-XXXXXX").string();
        m_path = ::mkdtemp(tmpl.data());
    }
    ~HotplugDir() { std::filesystem::remove_all(m_path); }
    std::string file(std::string const& name) const { return m_path + "/" + name; }

private:
    std::string m_path;
};

// Byte i of the image is (i / 512) & 0xff: every sector is recognisable.
void make_image(std::string const& path)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    for (uint64_t i = 0; i < image_size; ++i)
        out.put(static_cast<char>((i / sector_size) & 0xff));
}

std::vector<uint8_t> file_bytes(std::string const& path, uint64_t offset, uint64_t len)
{
    std::vector<uint8_t> out(len);
    int fd = ::open(path.c_str(), O_RDONLY);
    EXPECT_EQ(::pread(fd, out.data(), len, static_cast<off_t>(offset)), static_cast<ssize_t>(len));
    ::close(fd);
    return out;
}

class VirtioBlkHotplugTest : public ::testing::TestWithParam<BlockBackendKind> {
protected:
    void SetUp() override
    {
        loop = std::move(EventLoop::create().value());
        loop->start();
        image = dir.file("data.img");
        make_image(image);
        // An empty slot, probed by the driver as Linux does at boot.
        device = std::make_unique<VirtioBlk>(VirtioSlot { 0x10002000, 2, irq }, guest.memory(), nullptr, "");
        driver = std::make_unique<TestDriver>(*device, guest);
        driver->init(device->device_features(), 1, 64);
        driver->ack_interrupts();
    }

    void TearDown() override
    {
        driver.reset();
        device.reset();
        loop->stop();
    }

    std::unique_ptr<BlockBackend> open(Access access = Access::ReadWrite, std::string const& owner = "d1")
    {
        BlockOptions o;
        o.path = image;
        o.kind = GetParam();
        o.access = access;
        o.owner = owner;
        o.loop = loop.get();
        auto backend = open_block_backend(o);
        EXPECT_TRUE(backend) << backend.error().message();
        return backend ? std::move(*backend) : nullptr;
    }

    TestQueue& q() { return driver->queue(0); }
    uint32_t config_generation() { return driver->reg(virtio::mmio::config_generation); }
    bool config_interrupt() { return driver->reg(virtio::mmio::interrupt_status) & virtio::mmio::interrupt_config_change; }

    void run(uint16_t count)
    {
        driver->notify(0);
        ASSERT_TRUE(eventually([&] { return q().used_idx() == count; })) << "used idx " << q().used_idx();
    }

    uint8_t* read_request(uint64_t sector, uint8_t** data, uint32_t len = 512)
    {
        RequestHeader header { t_in, 0, sector };
        uint8_t* status;
        DescriptorChainBuilder(q()).AppendReadableDescriptor(&header, sizeof(header)).AppendWritableDescriptor(data, len).AppendWritableDescriptor(&status, 1).Build();
        return status;
    }

    uint8_t* write_request(uint64_t sector, std::vector<uint8_t> const& payload)
    {
        RequestHeader header { t_out, 0, sector };
        uint8_t* status;
        DescriptorChainBuilder(q()).AppendReadableDescriptor(&header, sizeof(header)).AppendReadableDescriptor(payload.data(), uint32_t(payload.size())).AppendWritableDescriptor(&status, 1).Build();
        return status;
    }

    HotplugDir dir;
    std::string image;
    TestGuest guest;
    TestIrq irq;
    std::unique_ptr<EventLoop> loop;
    std::unique_ptr<VirtioBlk> device;
    std::unique_ptr<TestDriver> driver;
};

TEST_P(VirtioBlkHotplugTest, EmptySlotHasZeroCapacityAndNoReadOnlyFeature)
{
    EXPECT_FALSE(device->has_medium());
    EXPECT_EQ(driver->config(cfg_capacity, 8), 0u);
    EXPECT_FALSE(device->device_features() & f_ro);
    EXPECT_EQ(device->medium_path(), "");
}

TEST_P(VirtioBlkHotplugTest, EmptySlotFailsEveryRequestWithIoerr)
{
    uint8_t* data;
    uint8_t* read_status = read_request(0, &data);
    uint8_t* write_status = write_request(0, std::vector<uint8_t>(512, 1));
    RequestHeader flush { t_flush, 0, 0 };
    uint8_t* flush_status;
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&flush, sizeof(flush)).AppendWritableDescriptor(&flush_status, 1).Build();
    RequestHeader get_id { t_get_id, 0, 0 };
    uint8_t *id, *id_status;
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&get_id, sizeof(get_id)).AppendWritableDescriptor(&id, id_bytes).AppendWritableDescriptor(&id_status, 1).Build();
    run(4);
    EXPECT_EQ(*read_status, s_ioerr);
    EXPECT_EQ(*write_status, s_ioerr);
    EXPECT_EQ(*flush_status, s_ioerr);
    EXPECT_EQ(*id_status, s_ioerr);
    EXPECT_FALSE(driver->needs_reset());
}

TEST_P(VirtioBlkHotplugTest, AttachSetsCapacityAndRaisesConfigChange)
{
    uint32_t generation = config_generation();
    int raises = irq.raises();
    ASSERT_TRUE(device->attach(open(), "xvdb"));
    EXPECT_TRUE(device->has_medium());
    EXPECT_EQ(device->medium_path(), image);
    EXPECT_EQ(driver->config(cfg_capacity, 8), image_size / sector_size);
    EXPECT_EQ(device->capacity_sectors(), image_size / sector_size);
    EXPECT_GT(config_generation(), generation);
    EXPECT_TRUE(config_interrupt());
    EXPECT_EQ(irq.raises(), raises + 1);

    uint8_t* data;
    uint8_t* status = read_request(2047, &data);
    run(1);
    EXPECT_EQ(*status, s_ok);
    EXPECT_EQ(data[0], 2047 & 0xff);

    RequestHeader get_id { t_get_id, 0, 0 };
    uint8_t *id, *id_status;
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&get_id, sizeof(get_id)).AppendWritableDescriptor(&id, id_bytes).AppendWritableDescriptor(&id_status, 1).Build();
    run(2);
    EXPECT_EQ(*id_status, s_ok);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(id), 4), "xvdb");
}

TEST_P(VirtioBlkHotplugTest, RequestsQueuedBeforeAttachAreServedAfterIt)
{
    // Made available while the slot is empty but not yet notified: the device has not looked.
    uint8_t* data;
    uint8_t* status = read_request(5, &data, 1024);
    ASSERT_TRUE(device->attach(open(), "xvdb"));
    run(1);
    EXPECT_EQ(*status, s_ok);
    EXPECT_EQ(data[0], 5);
    EXPECT_EQ(data[1023], 6);
}

TEST_P(VirtioBlkHotplugTest, RequestPastNewCapacityStillFails)
{
    ASSERT_TRUE(device->attach(open(), "xvdb"));
    uint8_t* data;
    uint8_t* status = read_request(image_size / sector_size, &data);
    run(1);
    EXPECT_EQ(*status, s_ioerr);
}

TEST_P(VirtioBlkHotplugTest, AttachToFullSlotRefused)
{
    ASSERT_TRUE(device->attach(open(), "xvdb"));
    BlockOptions o;
    std::string other = dir.file("other.img");
    make_image(other);
    o.path = other;
    o.kind = GetParam();
    o.loop = loop.get();
    auto second = open_block_backend(o);
    ASSERT_TRUE(second);
    auto s = device->attach(std::move(*second), "xvdc");
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message().find("already holds " + image), std::string::npos) << s.error().message();
    EXPECT_EQ(device->medium_path(), image);
}

TEST_P(VirtioBlkHotplugTest, DetachFlushesReleasesLockAndEmptiesSlot)
{
    ASSERT_TRUE(device->attach(open(), "xvdb"));
    std::vector<uint8_t> payload(1024, 0x6b);
    uint8_t* status = write_request(40, payload);
    run(1);
    ASSERT_EQ(*status, s_ok);
    driver->ack_interrupts();
    uint32_t generation = config_generation();

    ASSERT_TRUE(device->detach());
    EXPECT_FALSE(device->has_medium());
    EXPECT_EQ(driver->config(cfg_capacity, 8), 0u);
    EXPECT_GT(config_generation(), generation);
    EXPECT_TRUE(config_interrupt());
    EXPECT_EQ(file_bytes(image, 40 * 512, 1024), payload);
    // The image lock went with the backend: another domain may now open it writable.
    BlockOptions o;
    o.path = image;
    o.owner = "d2";
    EXPECT_TRUE(open_block_backend(o));

    uint8_t* data;
    uint8_t* after = read_request(0, &data);
    run(2);
    EXPECT_EQ(*after, s_ioerr);
}

TEST_P(VirtioBlkHotplugTest, DetachWaitsForRequestsInFlight)
{
    ASSERT_TRUE(device->attach(open(), "xvdb"));
    constexpr int count = 16; // three descriptors each in a 64-entry ring
    std::vector<uint8_t*> statuses;
    std::vector<std::vector<uint8_t>> payloads;
    for (int i = 0; i < count; ++i)
        payloads.emplace_back(4096, uint8_t(0x80 + i));
    for (int i = 0; i < count; ++i)
        statuses.push_back(write_request(uint64_t(i) * 8, payloads[i]));
    driver->notify(0); // handed to the backend; do not wait for the completions
    ASSERT_TRUE(device->detach());
    // Everything handed over before the detach completed, successfully, before it returned.
    EXPECT_EQ(q().used_idx(), count);
    for (int i = 0; i < count; ++i) {
        EXPECT_EQ(*statuses[i], s_ok) << "request " << i;
        EXPECT_EQ(file_bytes(image, uint64_t(i) * 4096, 4096), payloads[i]) << "request " << i;
    }
}

TEST_P(VirtioBlkHotplugTest, DetachOfEmptySlotRefused)
{
    auto s = device->detach();
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message().find("holds no disk"), std::string::npos);
}

TEST_P(VirtioBlkHotplugTest, ReattachAfterDetach)
{
    ASSERT_TRUE(device->attach(open(), "xvdb"));
    ASSERT_TRUE(device->detach());
    ASSERT_TRUE(device->attach(open(Access::ReadOnly), "xvdb"));
    EXPECT_EQ(driver->config(cfg_capacity, 8), image_size / sector_size);
    EXPECT_TRUE(device->medium_read_only());
    // The guest probed a writable slot; the read-only medium still refuses writes.
    uint8_t* status = write_request(0, std::vector<uint8_t>(512, 9));
    run(1);
    EXPECT_EQ(*status, s_ioerr);
    EXPECT_EQ(file_bytes(image, 0, 1)[0], 0);
}

TEST_P(VirtioBlkHotplugTest, NoConfigInterruptBeforeDriverOk)
{
    // A slot the guest has not probed yet changes silently; the driver reads it when it probes.
    VirtioBlk fresh(VirtioSlot { 0x10003000, 3, irq }, guest.memory(), nullptr, "");
    int raises = irq.raises();
    ASSERT_TRUE(fresh.attach(open(), "xvdc"));
    EXPECT_EQ(irq.raises(), raises);
    EXPECT_EQ(fresh.read(virtio::mmio::config + cfg_capacity, 8), image_size / sector_size);
}

INSTANTIATE_TEST_SUITE_P(Backends, VirtioBlkHotplugTest, ::testing::Values(BlockBackendKind::File, BlockBackendKind::Aio), [](auto const& info) { return info.param == BlockBackendKind::File ? std::string("File") : std::string("Aio"); });

} // namespace
} // namespace xenith::test
