// Disk specs beyond the golden spellings, and xen-vbd-interface(7) vdev numbering.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "toolstack/config/disk_spec.h"

namespace xenith {
namespace {

using ::testing::ElementsAre;

TEST(Vdev, XvdLettersAreBijectiveBase26)
{
    EXPECT_EQ(parse_vdev("xvda")->disk, 0u);
    EXPECT_EQ(parse_vdev("xvdz")->disk, 25u);
    EXPECT_EQ(parse_vdev("xvdaa")->disk, 26u);
    EXPECT_EQ(parse_vdev("xvdtq")->disk, 536u); // the man page's example
    EXPECT_EQ(parse_vdev("xvdtq37")->partition, 37u);
    EXPECT_EQ(parse_vdev("xvdb2")->disk, 1u);
    EXPECT_EQ(parse_vdev("xvdb2")->partition, 2u);
}

TEST(Vdev, DnPmForm)
{
    auto v = parse_vdev("d536p37");
    ASSERT_TRUE(v);
    EXPECT_EQ(v->disk, 536u);
    EXPECT_EQ(v->partition, 37u);
    EXPECT_EQ(parse_vdev("d0")->disk, 0u);
    EXPECT_FALSE(parse_vdev("d1048576"));
    EXPECT_FALSE(parse_vdev("d1p256"));
}

TEST(Vdev, EmulatedScsiAndIde)
{
    EXPECT_EQ(parse_vdev("sdb3")->kind, VdevKind::Sd);
    EXPECT_EQ(parse_vdev("sdb3")->disk, 1u);
    EXPECT_EQ(parse_vdev("sdb3")->partition, 3u);
    EXPECT_EQ(parse_vdev("hdc2")->kind, VdevKind::Hd);
    EXPECT_EQ(parse_vdev("hdc2")->disk, 2u);
    EXPECT_EQ(parse_vdev("sdp")->disk, 15u);
    EXPECT_FALSE(parse_vdev("sdq"));  // SCSI disks a..p
    EXPECT_FALSE(parse_vdev("sda16")); // partitions 1..15
    EXPECT_FALSE(parse_vdev("hde"));  // IDE disks a..d
    EXPECT_TRUE(parse_vdev("hda63"));
    EXPECT_FALSE(parse_vdev("hda64"));
}

TEST(Vdev, XenstoreNumbers)
{
    auto v = parse_vdev("51712"); // 202 << 8
    ASSERT_TRUE(v);
    EXPECT_EQ(v->kind, VdevKind::Xvd);
    EXPECT_EQ(v->disk, 0u);
    v = parse_vdev("51729"); // 202 << 8 | 1 << 4 | 1 = xvdb1
    EXPECT_EQ(v->disk, 1u);
    EXPECT_EQ(v->partition, 1u);
    v = parse_vdev("0x10021805"); // 1 << 28 | 536 << 8 | 5
    ASSERT_TRUE(v);
    EXPECT_EQ(v->disk, 536u);
    EXPECT_EQ(v->partition, 5u);
    v = parse_vdev("5632"); // 22 << 8 = hdc
    EXPECT_EQ(v->kind, VdevKind::Hd);
    EXPECT_EQ(v->disk, 2u);
    EXPECT_FALSE(parse_vdev("1234"));
    EXPECT_FALSE(parse_vdev("0x20000000"));
}

TEST(Vdev, XenstoreNumberOfNames)
{
    auto number = [](char const* name) { return xenstore_device_number(parse_vdev(name).value()); };
    EXPECT_EQ(number("xvda"), 51712u);
    EXPECT_EQ(number("xvdb"), 51728u);
    EXPECT_EQ(number("xvdb1"), 51729u);
    EXPECT_EQ(number("sda"), 2048u);
    EXPECT_EQ(number("hda"), 768u);
    EXPECT_EQ(number("hdc"), 5632u);
    EXPECT_EQ(number("xvdq"), (1u << 28) | (16u << 8));
    EXPECT_EQ(number("d536p5"), 0x10021805u);
    // Round trip through parse_vdev's number form.
    for (char const* name : { "xvda", "xvdc3", "sdb", "hdd1", "xvdtq37" }) {
        auto v = parse_vdev(name).value();
        auto back = parse_vdev(std::to_string(xenstore_device_number(v))).value();
        EXPECT_EQ(back.kind, v.kind) << name;
        EXPECT_EQ(back.disk, v.disk) << name;
        EXPECT_EQ(back.partition, v.partition) << name;
    }
}

TEST(Vdev, Malformed)
{
    for (auto bad : { "", "xvd", "xvdA", "xvda0", "xvda01", "xvda256", "vda", "sda0", "xvdaaaaaa", "hd", "d", "dxp1" })
        EXPECT_FALSE(parse_vdev(bad)) << bad;
    EXPECT_EQ(parse_vdev("vda").error().message(),
        "'vda' is not a virtual device name: unknown prefix (expected xvdX, xvdXN, sdX, sdXN, hdX, hdXN or dNpM, e.g. "
        "xvda)");
}

TEST(Vdev, IndexOrdersDisksAndPartitions)
{
    EXPECT_EQ(*disk_index_of_vdev("xvda"), 0u);
    EXPECT_EQ(*disk_index_of_vdev("hda"), 0u);
    EXPECT_EQ(*disk_index_of_vdev("sda"), 0u);
    EXPECT_EQ(*disk_index_of_vdev("xvda1"), 1u);
    EXPECT_EQ(*disk_index_of_vdev("xvdb"), 256u);
    EXPECT_EQ(*disk_index_of_vdev("hdc"), 512u);
    EXPECT_EQ(*disk_index_of_vdev("xvdaa"), 26u << 8);
    EXPECT_LT(*disk_index_of_vdev("xvdz"), *disk_index_of_vdev("xvdaa"));
    EXPECT_FALSE(disk_index_of_vdev("floppy"));
}

TEST(Vdev, GuestDiskNames)
{
    EXPECT_EQ(guest_disk_name(0), "vda");
    EXPECT_EQ(guest_disk_name(1), "vdb");
    EXPECT_EQ(guest_disk_name(25), "vdz");
    EXPECT_EQ(guest_disk_name(26), "vdaa");
    EXPECT_EQ(guest_disk_name(27), "vdab");
    EXPECT_EQ(guest_disk_name(701), "vdzz");
    EXPECT_EQ(guest_disk_name(702), "vdaaa");
}

TEST(Vdev, GuestDiskOrderFollowsTheIndexNotTheList)
{
    std::vector<DiskSpec> disks(5);
    disks[0].vdev = "xvdc";
    disks[1].vdev = "hda";
    disks[2].vdev = "bogus";
    disks[3].vdev = "xvda2";
    disks[4].vdev = "sdb";
    EXPECT_THAT(guest_disk_order(disks), ElementsAre(1, 3, 4, 0, 2));
    EXPECT_TRUE(guest_disk_order({}).empty());
}

TEST(DiskSpec, TargetConsumesTheRestIncludingCommas)
{
    auto disk = parse_disk_spec("vdev=xvdb, access=r, target=/srv/odd,name.img ");
    ASSERT_TRUE(disk) << disk.error().message();
    EXPECT_EQ(disk->target, "/srv/odd,name.img ");
    EXPECT_EQ(disk->vdev, "xvdb");
    EXPECT_FALSE(disk->writable);
}

TEST(DiskSpec, DeprecatedScriptPrefix)
{
    auto disk = parse_disk_spec("iscsi:iqn.2001-05.com.example:disk1,xvda,w");
    ASSERT_TRUE(disk) << disk.error().message();
    EXPECT_EQ(disk->script, "block-iscsi");
    EXPECT_EQ(disk->target, "iqn.2001-05.com.example:disk1");
    disk = parse_disk_spec("script=block-drbd,vdev=xvdb,target=r0");
    ASSERT_TRUE(disk);
    EXPECT_EQ(disk->script, "block-drbd");
}

TEST(DiskSpec, FormatsAndSharedWritable)
{
    EXPECT_EQ(parse_disk_spec("/a.qcow,qcow,xvda,w")->format, DiskFormat::Qcow);
    EXPECT_EQ(parse_disk_spec("vhd:/a.vhd,xvda,w")->format, DiskFormat::Vhd);
    std::vector<std::string> warnings;
    auto disk = parse_disk_spec("phy:/dev/vg/shared,xvdb,w!", &warnings);
    ASSERT_TRUE(disk);
    EXPECT_TRUE(disk->writable);
    EXPECT_THAT(warnings, ElementsAre("disk 'phy:/dev/vg/shared,xvdb,w!': access w! (shared writable) is treated as w: "
                                      "Xenith still refuses an image another domain has open writable"));
}

TEST(DiskSpec, TrustedAndUntrustedFlagsAreAcceptedAndIgnored)
{
    // xl's check-xl-disk-parse spellings (XSA-403).
    for (std::string spec : { "/dev/vg/guest-volume,,hda,trusted", "/dev/vg/guest-volume,,hda,untrusted",
             "file:/srv/a.img,xvda,w,untrusted" }) {
        std::vector<std::string> warnings;
        auto disk = parse_disk_spec(spec, &warnings);
        ASSERT_TRUE(disk) << disk.error().message();
        EXPECT_NE(disk->target.find("/"), std::string::npos) << spec;
        std::string flag = spec.ends_with("untrusted") ? "untrusted" : "trusted";
        EXPECT_THAT(warnings, ElementsAre("disk '" + spec + "': flag `" + flag + "' ignored"));
    }
}

TEST(DiskSpec, Errors)
{
    auto message = [](std::string_view spec) {
        auto disk = parse_disk_spec(spec);
        EXPECT_FALSE(disk) << spec;
        return disk ? std::string() : disk.error().message();
    };
    EXPECT_EQ(message("/a.img,qed,xvda,w"), "disk '/a.img,qed,xvda,w': format qed is not supported (expected raw, qcow, qcow2 or vhd)");
    EXPECT_EQ(message("/a.img,raw,xvda,w,extra"),
        "disk '/a.img,raw,xvda,w,extra': too many positional parameters at `extra' (the order is "
        "target,format,vdev,access)");
    EXPECT_EQ(message("vdev=xvda,vdev=xvdb,target=/a"),
        "disk 'vdev=xvda,vdev=xvdb,target=/a': vdev given twice (each parameter may be given once, by position or "
        "as vdev=)");
    EXPECT_EQ(message("foo:/a.img,xvda,w"),
        "disk 'foo:/a.img,xvda,w': unknown deprecated disk prefix `foo:' (known: file: phy: tap:aio: tap2: tapdisk: "
        "aio: ioemu: raw: qcow: qcow2: vhd:)");
    EXPECT_EQ(message("vdev=xvda"),
        "disk 'vdev=xvda': no target given: name the image file or block device (only an empty cdrom may omit it)");
    EXPECT_EQ(message("/a.iso,,hdc,w,devtype=cdrom"),
        "disk '/a.iso,,hdc,w,devtype=cdrom': a cdrom cannot be writable (use access=ro, or drop devtype=cdrom)");
    EXPECT_EQ(message("/a.img,,xvda,w,devtype=floppy"),
        "disk '/a.img,,xvda,w,devtype=floppy': devtype `floppy' is not valid (expected devtype=cdrom)");
    EXPECT_EQ(message("/a.img,,xvda,w,backendtype=nbd"),
        "disk '/a.img,,xvda,w,backendtype=nbd': unknown backendtype `nbd' (expected phy, tap or qdisk)");
    EXPECT_EQ(message("phy:/dev/sdb,qcow2,xvda,w"),
        "disk 'phy:/dev/sdb,qcow2,xvda,w': a phy: device must be raw, not qcow2 (drop the phy: prefix to open an "
        "image file)");
    EXPECT_EQ(message("/dev/sdb,qcow2,xvda,w,backendtype=phy"),
        "disk '/dev/sdb,qcow2,xvda,w,backendtype=phy': a phy: device must be raw, not qcow2 (drop the phy: prefix to "
        "open an image file)");
    EXPECT_EQ(message("/a.img,,xvda,w,bogus=1"),
        "disk '/a.img,,xvda,w,bogus=1': unknown parameter `bogus' (valid: target= vdev= format= access= devtype= "
        "backendtype= script= backend=, flags cdrom discard no-discard direct-io-safe trusted untrusted)");
    EXPECT_EQ(message(""), "disk '': no vdev given (e.g. 'file:/var/lib/xen/images/guest.img,xvda,w' or "
                           "'vdev=xvda, target=/var/lib/xen/images/guest.img')");
}

} // namespace
} // namespace xenith
