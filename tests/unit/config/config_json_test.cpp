// The dry-run JSON (`xm create -n`): golden output for the seed config, and a lossless round trip.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "toolstack/config/config_json.h"
#include "toolstack/config/domain_config_loader.h"

namespace xenith {
namespace {

namespace fs = std::filesystem;

std::string read_file(fs::path const& path)
{
    std::ifstream in(path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

fs::path golden_dir() { return fs::path(__FILE__).parent_path() / "golden"; }

// config-NAME.xm and config-NAME.xl say the same thing in xm's and xl's spellings; both
// must print config-NAME.json (source_path aside, which names the file).
TEST(ConfigJson, XmAndXlSpellingsPrintTheGoldenJson)
{
    unsigned checked = 0;
    for (auto const& entry : fs::directory_iterator(golden_dir())) {
        auto name = entry.path().filename().string();
        if (!name.starts_with("config-") || entry.path().extension() != ".json")
            continue;
        std::string expected = read_file(entry.path());
        for (auto ext : { ".xm", ".xl" }) {
            auto path = fs::path(entry.path()).replace_extension(ext);
            std::vector<std::string> warnings;
            auto config = load_domain_config(path, warnings);
            ASSERT_TRUE(config) << config.error().message();
            auto json = to_json(*config);
            EXPECT_EQ(json["source_path"], path.string());
            json["source_path"] = "";
            EXPECT_EQ(json.dump(2) + "\n", expected) << path;
            ++checked;
        }
    }
    EXPECT_GE(checked, 2u);
}

TEST(ConfigJson, RoundTripIsLossless)
{
    std::vector<std::string> warnings;
    auto config = domain_config_from_text(R"(
name = "rt"
type = "hvm"
uuid = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
kernel = "/k"
ramdisk = "/r"
firmware = "/fw"
root = "/dev/vda"
extra = "quiet"
memory = 256
maxmem = 512
vcpus = 2
maxvcpus = 3
cpus = "0-1"
cpu_weight = 100
cap = 50
on_poweroff = "preserve"
on_reboot = "destroy"
on_crash = "coredump-destroy"
disk = [ 'tap:qcow2:/a.qcow2,xvda,w', ',hdc:cdrom,r', 'phy:/dev/sdb,xvdb,r', 'script=block-nbd,vdev=xvdd,target=x' ]
vif = [ 'mac=00:16:3e:00:00:01,bridge=br0,rate=1MB/s@20ms,mtu=1400,forward=tcp:2222:22', '' ]
)",
        "/etc/xen/rt", warnings);
    ASSERT_TRUE(config) << config.error().message();
    auto json = to_json(*config);
    auto back = domain_config_from_json(json);
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(to_json(*back), json);
    EXPECT_TRUE(validate_domain_config(*back));
    EXPECT_EQ(back->disks[1].cdrom, true);
    EXPECT_EQ(back->vifs[0].forwards.size(), 1u);
    // Through text too, as xend stores it.
    auto reparsed = domain_config_from_json(nlohmann::json::parse(json.dump()));
    ASSERT_TRUE(reparsed);
    EXPECT_EQ(to_json(*reparsed), json);
}

TEST(ConfigJson, FromJsonRejectsWrongTypes)
{
    EXPECT_EQ(domain_config_from_json(nlohmann::json::array()).error().message(), "domain JSON: expected an object");
    EXPECT_EQ(domain_config_from_json({ { "memory", "lots" } }).error().message(),
        "domain JSON: memory must be a non-negative integer");
    EXPECT_EQ(domain_config_from_json({ { "vcpus", -1 } }).error().message(),
        "domain JSON: vcpus must be a non-negative integer");
    EXPECT_EQ(domain_config_from_json({ { "vcpus", 1ull << 40 } }).error().message(), "domain JSON: vcpus is out of range");
    EXPECT_EQ(domain_config_from_json({ { "type", "xen" } }).error().message(),
        "domain JSON: type `xen' is not valid (expected pv, hvm)");
    EXPECT_EQ(domain_config_from_json({ { "disks", { { { "access", "rwx" } } } } }).error().message(),
        "domain JSON: disk access `rwx' is not valid (expected rw or ro)");
    EXPECT_EQ(domain_config_from_json({ { "vifs", { 1 } } }).error().message(), "domain JSON: each vif must be an object");
}

TEST(ConfigJson, EnumSpellings)
{
    EXPECT_STREQ(to_string(DomainType::Pv), "pv");
    EXPECT_STREQ(to_string(DomainType::Hvm), "hvm");
    EXPECT_STREQ(to_string(LifecycleAction::SoftReset), "soft-reset");
    EXPECT_STREQ(to_string(DiskFormat::Qcow2), "qcow2");
    EXPECT_STREQ(to_string(DiskBackend::Aio), "aio");
}

} // namespace
} // namespace xenith
