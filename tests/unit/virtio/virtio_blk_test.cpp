// virtio-blk tests: requests built in guest memory against real image files, for both the
// worker (file:) and io_uring (tap:aio:) backends.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "engine/dev/virtio/virtio_blk.h"
#include "engine/io/block_image.h"
#include "engine/io/block_uring.h"
#include "engine/io/event_loop.h"
#include "virtio/virtio_test_driver.h"

namespace xenith::test {
namespace {

using namespace virtio_blk;

constexpr uint64_t image_size = 1 << 20; // 2048 sectors

class TempDir {
public:
    TempDir()
    {
        std::string tmpl = (std::filesystem::temp_directory_path() / "xenith-blk-XXXXXX").string();
        m_path = ::mkdtemp(tmpl.data());
    }
    ~TempDir() { std::filesystem::remove_all(m_path); }
    std::string file(std::string const& name) const { return m_path + "/" + name; }

private:
    std::string m_path;
};

// An image whose byte i is (i / 512) & 0xff, so every sector is recognisable.
void make_image(std::string const& path, uint64_t size = image_size)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    for (uint64_t i = 0; i < size; ++i)
        out.put(static_cast<char>((i / sector_size) & 0xff));
}

std::vector<uint8_t> read_file_bytes(std::string const& path, uint64_t offset, uint64_t len)
{
    std::vector<uint8_t> out(len);
    int fd = ::open(path.c_str(), O_RDONLY);
    EXPECT_EQ(::pread(fd, out.data(), len, static_cast<off_t>(offset)), static_cast<ssize_t>(len));
    ::close(fd);
    return out;
}

class VirtioBlkTest : public ::testing::TestWithParam<BlockBackendKind> {
protected:
    void SetUp() override
    {
        m_loop = std::move(EventLoop::create().value());
        m_loop->start();
        image = dir.file("disk.img");
        make_image(image);
    }

    void TearDown() override
    {
        driver.reset();
        device.reset();
        m_loop->stop();
    }

    BlockOptions options(Access access = Access::ReadWrite, std::string const& owner = "test-domain")
    {
        BlockOptions o;
        o.path = image;
        o.kind = GetParam();
        o.access = access;
        o.owner = owner;
        o.loop = m_loop.get();
        return o;
    }

    void start(Access access = Access::ReadWrite)
    {
        auto backend = open_block_backend(options(access));
        ASSERT_TRUE(backend) << backend.error().message();
        device = std::make_unique<VirtioBlk>(VirtioSlot { 0x10001000, 1, irq }, guest.memory(), std::move(*backend), "xenith-disk-0");
        driver = std::make_unique<TestDriver>(*device, guest);
        driver->init(device->device_features(), 1, 64); // accept everything offered, as Linux does
    }

    TestQueue& q() { return driver->queue(0); }

    // Notifies and waits until `count` chains have been used in total.
    void run(uint16_t count)
    {
        driver->notify(0);
        ASSERT_TRUE(eventually([&] { return q().used_idx() == count; })) << "used idx " << q().used_idx();
    }

    TempDir dir;
    std::string image;
    TestGuest guest;
    TestIrq irq;
    std::unique_ptr<EventLoop> m_loop;
    std::unique_ptr<VirtioBlk> device;
    std::unique_ptr<TestDriver> driver;
};

TEST_P(VirtioBlkTest, ReportsCapacityAndFeatures)
{
    start();
    EXPECT_EQ(driver->config(cfg_capacity, 8), image_size / sector_size);
    EXPECT_EQ(driver->config(cfg_blk_size, 4), sector_size);
    EXPECT_EQ(driver->config(cfg_seg_max, 4), queue_size - 2u);
    EXPECT_FALSE(device->device_features() & f_ro);
    EXPECT_TRUE(device->device_features() & f_flush);
}

TEST_P(VirtioBlkTest, ReadReturnsImageSectors)
{
    start();
    RequestHeader header { t_in, 0, 7 };
    uint8_t* data;
    uint8_t* status;
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&header, sizeof(header)).AppendWritableDescriptor(&data, 1024).AppendWritableDescriptor(&status, 1).Build();
    run(1);
    EXPECT_EQ(*status, s_ok);
    EXPECT_EQ(data[0], 7);
    EXPECT_EQ(data[1023], 8);
    EXPECT_EQ(q().used(0).len, 1025u);
}

TEST_P(VirtioBlkTest, IndirectMultiSegmentRead)
{
    start();
    RequestHeader header { t_in, 0, 100 };
    uint8_t *a, *b, *c, *status;
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&header, sizeof(header)).AppendWritableDescriptor(&a, 512).AppendWritableDescriptor(&b, 1024).AppendWritableDescriptor(&c, 512).AppendWritableDescriptor(&status, 1).Indirect().Build();
    run(1);
    EXPECT_EQ(*status, s_ok);
    EXPECT_EQ(a[0], 100);
    EXPECT_EQ(b[0], 101);
    EXPECT_EQ(b[1023], 102);
    EXPECT_EQ(c[511], 103);
}

TEST_P(VirtioBlkTest, ReadIntoCodePageInvalidatesDecodedCode)
{
    start();
    RequestHeader header { t_in, 0, 1 };
    uint8_t* data;
    uint8_t* status;
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&header, sizeof(header)).AppendWritableDescriptor(&data, 512).AppendWritableDescriptor(&status, 1).Build();
    uint64_t gpa = ram_base + (data - guest.memory().host_base());
    guest.memory().mark_code_page(gpa);
    uint64_t before = guest.memory().code_generation();
    run(1);
    EXPECT_GT(guest.memory().code_generation(), before);
    EXPECT_FALSE(guest.memory().is_code_page(gpa));
}

TEST_P(VirtioBlkTest, WriteReachesImage)
{
    start();
    RequestHeader header { t_out, 0, 3 };
    std::vector<uint8_t> payload(512, 0xee);
    uint8_t* status;
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&header, sizeof(header)).AppendReadableDescriptor(payload.data(), 512).AppendWritableDescriptor(&status, 1).Build();
    run(1);
    EXPECT_EQ(*status, s_ok);
    EXPECT_EQ(read_file_bytes(image, 3 * 512, 512), payload);
    EXPECT_EQ(read_file_bytes(image, 4 * 512, 1)[0], 4);
}

TEST_P(VirtioBlkTest, BadHeaderShort)
{
    start();
    uint8_t header[8] = {};
    uint8_t* status;
    DescriptorChainBuilder(q()).AppendReadableDescriptor(header, sizeof(header)).AppendWritableDescriptor(&status, 1).Build();
    run(1);
    EXPECT_EQ(*status, s_ioerr);
}

TEST_P(VirtioBlkTest, MissingStatusByteReturnsChainUntouched)
{
    start();
    RequestHeader header { t_in, 0, 0 };
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&header, sizeof(header)).Build();
    run(1);
    EXPECT_EQ(q().used(0).len, 0u);
    EXPECT_FALSE(driver->needs_reset());
}

TEST_P(VirtioBlkTest, UnderflowOnWrite)
{
    start();
    RequestHeader header { t_out, 0, 0 };
    std::vector<uint8_t> payload(100, 0xee); // not a whole sector
    uint8_t* status;
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&header, sizeof(header)).AppendReadableDescriptor(payload.data(), payload.size()).AppendWritableDescriptor(&status, 1).Build();
    run(1);
    EXPECT_EQ(*status, s_ioerr);
    EXPECT_EQ(read_file_bytes(image, 0, 1)[0], 0);
}

TEST_P(VirtioBlkTest, WriteWithoutDataFails)
{
    start();
    RequestHeader header { t_out, 0, 0 };
    uint8_t* status;
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&header, sizeof(header)).AppendWritableDescriptor(&status, 1).Build();
    run(1);
    EXPECT_EQ(*status, s_ioerr);
}

TEST_P(VirtioBlkTest, WriteGoodAndBadSectors)
{
    start();
    uint64_t last = image_size / sector_size - 1;
    std::vector<uint8_t> one(512, 0x11), two(1024, 0x22);
    RequestHeader good { t_out, 0, last };
    RequestHeader past { t_out, 0, last + 1 };
    RequestHeader straddle { t_out, 0, last };
    RequestHeader huge { t_out, 0, ~0ull };
    uint8_t *s1, *s2, *s3, *s4;
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&good, 16).AppendReadableDescriptor(one.data(), 512).AppendWritableDescriptor(&s1, 1).Build();
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&past, 16).AppendReadableDescriptor(one.data(), 512).AppendWritableDescriptor(&s2, 1).Build();
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&straddle, 16).AppendReadableDescriptor(two.data(), 1024).AppendWritableDescriptor(&s3, 1).Build();
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&huge, 16).AppendReadableDescriptor(one.data(), 512).AppendWritableDescriptor(&s4, 1).Build();
    run(4);
    EXPECT_EQ(*s1, s_ok);
    EXPECT_EQ(*s2, s_ioerr);
    EXPECT_EQ(*s3, s_ioerr);
    EXPECT_EQ(*s4, s_ioerr);
    EXPECT_EQ(std::filesystem::file_size(image), image_size);
    EXPECT_EQ(read_file_bytes(image, last * 512, 512), one);
}

TEST_P(VirtioBlkTest, ReadPastEndFails)
{
    start();
    RequestHeader header { t_in, 0, image_size / sector_size };
    uint8_t *data, *status;
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&header, 16).AppendWritableDescriptor(&data, 512).AppendWritableDescriptor(&status, 1).Build();
    run(1);
    EXPECT_EQ(*status, s_ioerr);
}

TEST_P(VirtioBlkTest, ReadOnlyRejectsWrite)
{
    start(Access::ReadOnly);
    EXPECT_TRUE(device->device_features() & f_ro);
    RequestHeader header { t_out, 0, 0 };
    std::vector<uint8_t> payload(512, 0xee);
    uint8_t* status;
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&header, 16).AppendReadableDescriptor(payload.data(), 512).AppendWritableDescriptor(&status, 1).Build();
    run(1);
    EXPECT_EQ(*status, s_ioerr);
    EXPECT_EQ(read_file_bytes(image, 0, 1)[0], 0);
}

TEST_P(VirtioBlkTest, FlushCallsFdatasync)
{
    start();
    RequestHeader write { t_out, 0, 9 };
    std::vector<uint8_t> payload(512, 0x5c);
    uint8_t* s1;
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&write, 16).AppendReadableDescriptor(payload.data(), 512).AppendWritableDescriptor(&s1, 1).Build();
    run(1);
    RequestHeader flush { t_flush, 0, 0 };
    uint8_t* s2;
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&flush, 16).AppendWritableDescriptor(&s2, 1).Build();
    run(2);
    EXPECT_EQ(*s1, s_ok);
    EXPECT_EQ(*s2, s_ok);
    // Close the device (and image), reopen the file: the flushed data is there.
    driver.reset();
    device.reset();
    EXPECT_EQ(read_file_bytes(image, 9 * 512, 512), payload);
}

TEST_P(VirtioBlkTest, DiscardPunchesHole)
{
    start();
    struct stat before {};
    ASSERT_EQ(::stat(image.c_str(), &before), 0);
    RequestHeader header { t_discard, 0, 0 };
    DiscardSegment seg { 256, 1024, 0 }; // 512 KiB from 128 KiB
    uint8_t* status;
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&header, 16).AppendReadableDescriptor(&seg, sizeof(seg)).AppendWritableDescriptor(&status, 1).Build();
    run(1);
    EXPECT_EQ(*status, s_ok);
    struct stat after {};
    ASSERT_EQ(::stat(image.c_str(), &after), 0);
    EXPECT_LE(after.st_blocks, before.st_blocks - (512 * 1024) / 512);
    EXPECT_EQ(after.st_size, before.st_size);
    EXPECT_EQ(read_file_bytes(image, 256 * 512, 512), std::vector<uint8_t>(512, 0));
    EXPECT_EQ(read_file_bytes(image, 255 * 512, 1)[0], 255);
}

TEST_P(VirtioBlkTest, WriteZeroesZeroesRange)
{
    start();
    RequestHeader header { t_write_zeroes, 0, 0 };
    DiscardSegment seg { 10, 4, 0 };
    uint8_t* status;
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&header, 16).AppendReadableDescriptor(&seg, sizeof(seg)).AppendWritableDescriptor(&status, 1).Build();
    run(1);
    EXPECT_EQ(*status, s_ok);
    EXPECT_EQ(read_file_bytes(image, 10 * 512, 4 * 512), std::vector<uint8_t>(4 * 512, 0));
    EXPECT_EQ(read_file_bytes(image, 14 * 512, 1)[0], 14);
}

TEST_P(VirtioBlkTest, DiscardWithFlagsIsUnsupported)
{
    start();
    RequestHeader header { t_discard, 0, 0 };
    DiscardSegment seg { 0, 8, 1 };
    uint8_t* status;
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&header, 16).AppendReadableDescriptor(&seg, sizeof(seg)).AppendWritableDescriptor(&status, 1).Build();
    run(1);
    EXPECT_EQ(*status, s_unsupp);
}

TEST_P(VirtioBlkTest, DiscardPastEndFails)
{
    start();
    RequestHeader header { t_discard, 0, 0 };
    DiscardSegment seg { image_size / sector_size - 4, 8, 0 };
    uint8_t* status;
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&header, 16).AppendReadableDescriptor(&seg, sizeof(seg)).AppendWritableDescriptor(&status, 1).Build();
    run(1);
    EXPECT_EQ(*status, s_ioerr);
}

TEST_P(VirtioBlkTest, GetIdReturnsSerial)
{
    start();
    RequestHeader header { t_get_id, 0, 0 };
    char* id;
    uint8_t* status;
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&header, 16).AppendWritableDescriptor(&id, 20).AppendWritableDescriptor(&status, 1).Build();
    run(1);
    EXPECT_EQ(*status, s_ok);
    EXPECT_EQ(std::string(id, 13), "xenith-disk-0");
    EXPECT_EQ(id[13], 0);
}

TEST_P(VirtioBlkTest, UnknownRequestIsUnsupported)
{
    start();
    RequestHeader header { 0x77, 0, 0 };
    uint8_t* status;
    DescriptorChainBuilder(q()).AppendReadableDescriptor(&header, 16).AppendWritableDescriptor(&status, 1).Build();
    run(1);
    EXPECT_EQ(*status, s_unsupp);
}

TEST_P(VirtioBlkTest, SecondWritableOpenRefused)
{
    start();
    auto second = open_block_backend(options(Access::ReadWrite, "other-domain"));
    ASSERT_FALSE(second);
    EXPECT_NE(second.error().message().find("test-domain"), std::string::npos) << second.error().message();
    EXPECT_NE(second.error().message().find(std::to_string(::getpid())), std::string::npos) << second.error().message();
    EXPECT_NE(second.error().message().find(image), std::string::npos);
}

TEST_P(VirtioBlkTest, ReadOnlyOpenOfWritableImageRefused)
{
    start();
    EXPECT_FALSE(open_block_backend(options(Access::ReadOnly, "reader")));
}

TEST_P(VirtioBlkTest, ReadOnlyOpensShareAndLockIsReleasedOnClose)
{
    start(Access::ReadOnly);
    EXPECT_TRUE(open_block_backend(options(Access::ReadOnly, "reader")));
    EXPECT_FALSE(open_block_backend(options(Access::ReadWrite, "writer")));
    driver.reset();
    device.reset();
    auto writer = open_block_backend(options(Access::ReadWrite, "writer"));
    EXPECT_TRUE(writer);
    writer->reset();
    EXPECT_FALSE(std::filesystem::exists(BlockImage::owner_file(image)));
}

TEST_P(VirtioBlkTest, MissingImageNamesPath)
{
    BlockOptions o = options();
    o.path = dir.file("nope.img");
    auto backend = open_block_backend(o);
    ASSERT_FALSE(backend);
    EXPECT_NE(backend.error().message().find("nope.img"), std::string::npos);
}

TEST_P(VirtioBlkTest, ManyRequestsInOneNotification)
{
    start();
    std::vector<uint8_t*> data(16), status(16);
    std::vector<RequestHeader> headers(16);
    for (int i = 0; i < 16; ++i) {
        headers[i] = { t_in, 0, uint64_t(i * 2) };
        DescriptorChainBuilder(q()).AppendReadableDescriptor(&headers[i], 16).AppendWritableDescriptor(&data[i], 512).AppendWritableDescriptor(&status[i], 1).Build();
    }
    run(16);
    for (int i = 0; i < 16; ++i) {
        EXPECT_EQ(*status[i], s_ok);
        EXPECT_EQ(data[i][0], i * 2);
    }
    if (GetParam() == BlockBackendKind::Aio) {
        // Batched: one io_uring_enter for the sixteen requests of one notification.
        EXPECT_EQ(static_cast<UringBlockBackend&>(*device->backend()).submit_calls(), 1u);
    }
}

TEST_P(VirtioBlkTest, ConcurrentNotifiersAndCompletions)
{
    // Four "vCPUs" notify while the driver keeps publishing and the backend completes on its own
    // thread: every request completes exactly once, with the right data.
    start();
    constexpr int requests = 200;
    std::vector<RequestHeader> headers(requests);
    std::vector<uint8_t*> data(requests), status(requests);
    std::atomic<bool> done { false };
    std::vector<std::thread> vcpus;
    for (int t = 0; t < 4; ++t) {
        vcpus.emplace_back([&] {
            while (!done.load())
                driver->notify(0);
        });
    }
    for (int i = 0; i < requests; ++i) {
        headers[i] = { t_in, 0, uint64_t(i % 2048) };
        DescriptorChainBuilder(q()).AppendReadableDescriptor(&headers[i], 16).AppendWritableDescriptor(&data[i], 512).AppendWritableDescriptor(&status[i], 1).Indirect().Build();
        while (static_cast<uint16_t>(q().avail_idx() - q().used_idx()) > 48)
            std::this_thread::yield(); // keep within the 64-entry ring
    }
    bool all = eventually([&] { return q().used_idx() == requests; });
    done = true;
    for (auto& t : vcpus)
        t.join();
    ASSERT_TRUE(all) << "used " << q().used_idx();
    for (int i = 0; i < requests; ++i) {
        EXPECT_EQ(*status[i], s_ok) << i;
        EXPECT_EQ(data[i][0], (i % 2048) & 0xff) << i;
    }
    EXPECT_FALSE(driver->needs_reset());
}

INSTANTIATE_TEST_SUITE_P(Backends, VirtioBlkTest, ::testing::Values(BlockBackendKind::File, BlockBackendKind::Aio), [](auto const& info) { return info.param == BlockBackendKind::File ? std::string("File") : std::string("Aio"); });

} // namespace
} // namespace xenith::test
