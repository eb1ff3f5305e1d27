// Virtual disk name tests: Xen's vdev spellings, stable order and root= translation.
#include <gtest/gtest.h>

#include "engine/io/block_vdev.h"

namespace xenith {
namespace {

TEST(BlockVdev, ParsesXenSpellings)
{
    auto a = parse_vdev("xvda");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->prefix, "xvd");
    EXPECT_EQ(a->disk, 0u);
    EXPECT_EQ(a->partition, 0u);
    EXPECT_EQ(parse_vdev("xvdb1")->disk, 1u);
    EXPECT_EQ(parse_vdev("xvdb1")->partition, 1u);
    EXPECT_EQ(parse_vdev("sda1")->prefix, "sd");
    EXPECT_EQ(parse_vdev("hdc")->disk, 2u);
    EXPECT_EQ(parse_vdev("xvdaa")->disk, 26u);
    EXPECT_EQ(parse_vdev("d3p2")->disk, 3u);
    EXPECT_EQ(parse_vdev("d3p2")->partition, 2u);
    EXPECT_EQ(parse_vdev("vdc")->disk, 2u);
}

TEST(BlockVdev, RejectsNonsense)
{
    EXPECT_FALSE(parse_vdev(""));
    EXPECT_FALSE(parse_vdev("xvd"));
    EXPECT_FALSE(parse_vdev("hde"));
    EXPECT_FALSE(parse_vdev("xvda0"));
    EXPECT_FALSE(parse_vdev("xvdA"));
    EXPECT_FALSE(parse_vdev("d1p"));
    auto bad = parse_vdev("nvme0n1");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message().find("nvme0n1"), std::string::npos);
}

TEST(BlockVdev, OrderIsByDiskLetterNotConfigOrder)
{
    auto order = order_disks({ "xvdc", "xvda", "xvdb" });
    ASSERT_TRUE(order);
    EXPECT_EQ(*order, (std::vector<size_t> { 1, 2, 0 }));
}

TEST(BlockVdev, DuplicateNamesAreRefused)
{
    auto order = order_disks({ "xvda", "xvdb", "xvda" });
    ASSERT_FALSE(order);
    EXPECT_NE(order.error().message().find("xvda"), std::string::npos);
}

TEST(BlockVdev, GuestNamesFollowLinux)
{
    EXPECT_EQ(guest_disk_name(0), "vda");
    EXPECT_EQ(guest_disk_name(25), "vdz");
    EXPECT_EQ(guest_disk_name(26), "vdaa");
    EXPECT_EQ(guest_disk_name(27), "vdab");
}

TEST(BlockVdev, RootDeviceIsTranslated)
{
    EXPECT_EQ(rewrite_root_device("root=/dev/xvda1 ro console=hvc0", { "xvda", "xvdb" }), "root=/dev/vda1 ro console=hvc0");
    EXPECT_EQ(rewrite_root_device("console=hvc0 root=/dev/sda", { "sda" }), "console=hvc0 root=/dev/vda");
    // Only xvdb configured: it is the guest's first disk.
    EXPECT_EQ(rewrite_root_device("root=/dev/xvdb2", { "xvdb" }), "root=/dev/vda2");
    // A vdev naming a partition still maps by disk.
    EXPECT_EQ(rewrite_root_device("root=/dev/hda1", { "hda1" }), "root=/dev/vda1");
}

TEST(BlockVdev, OtherRootSpellingsAreLeftAlone)
{
    EXPECT_EQ(rewrite_root_device("root=UUID=1234 quiet", { "xvda" }), "root=UUID=1234 quiet");
    EXPECT_EQ(rewrite_root_device("root=/dev/vda1", { "xvda" }), "root=/dev/vda1");
    EXPECT_EQ(rewrite_root_device("root=/dev/xvdc1", { "xvda" }), "root=/dev/xvdc1");
    EXPECT_EQ(rewrite_root_device("", { "xvda" }), "");
}

} // namespace
} // namespace xenith
