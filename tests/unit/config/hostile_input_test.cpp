// Hostile input: random and mutated files must give an error or a value, never a crash or a hang.
#include <random>

#include <gtest/gtest.h>

#include "toolstack/config/config_file.h"
#include "toolstack/config/disk_spec.h"
#include "toolstack/config/domain_config_loader.h"
#include "toolstack/config/vif_spec.h"
#include "toolstack/config/xend_config.h"

namespace xenith {
namespace {

constexpr std::string_view sample = R"(name = "web"
kernel = '/boot/Image'
memory = 0x100 ; vcpus = 2
extra = "a\tb\x41" ; extra += '\101'
disk = [ 'tap:aio:/srv/web.img,xvda,w', ',hdc:cdrom,r', ]
vif = [ 'mac=00:16:3e:00:00:01,rate=10Mb/s@20ms,forward=tcp:2222:22', '' ]
)";

// Every byte the grammar treats specially, plus a few that it does not.
constexpr std::string_view alphabet = "[]=+,;#'\"\\\n\t (){}:%@/.-_0x7aZ\r\x01\xff";

TEST(HostileInput, MutatedConfigsNeverCrash)
{
    std::vector<std::string> sample_warnings;
    ASSERT_TRUE(domain_config_from_text(sample, "sample", sample_warnings));
    std::mt19937 rng(12345);
    unsigned parsed = 0;
    for (int round = 0; round < 3000; ++round) {
        std::string text(sample);
        int edits = 1 + rng() % 8;
        for (int i = 0; i < edits; ++i) {
            size_t at = rng() % (text.size() + 1);
            char c = alphabet[rng() % alphabet.size()];
            switch (rng() % 3) {
            case 0:
                text.insert(at, 1, c);
                break;
            case 1:
                if (at < text.size())
                    text.erase(at, 1);
                break;
            default:
                if (at < text.size())
                    text[at] = c;
            }
        }
        std::vector<std::string> warnings;
        auto config = domain_config_from_text(text, "fuzz", warnings);
        if (config)
            ++parsed;
        else
            EXPECT_FALSE(config.error().message().empty());
        (void)parse_xend_config_text(text, "fuzz");
        (void)parse_disk_spec(text.substr(0, rng() % text.size()));
        (void)parse_vif_spec(text.substr(rng() % text.size()));
    }
    EXPECT_GT(parsed, 0u); // the mutations are small enough that some files stay valid
}

TEST(HostileInput, RandomBytesNeverCrash)
{
    std::mt19937 rng(777);
    for (int round = 0; round < 2000; ++round) {
        std::string text(rng() % 200, '\0');
        for (auto& c : text)
            c = static_cast<char>(rng() % 2 ? alphabet[rng() % alphabet.size()] : rng() % 256);
        std::vector<std::string> warnings;
        (void)domain_config_from_text(text, "fuzz", warnings);
        (void)parse_xend_config_text(text, "fuzz");
        (void)parse_disk_spec(text);
        (void)parse_vif_spec(text);
        (void)parse_vdev(text);
        (void)parse_vif_rate(text);
    }
}

TEST(HostileInput, HugeAndDeepInputsAreBounded)
{
    std::string many_disks = "name='a'\nkernel='/k'\ndisk=[";
    for (int i = 0; i < 20000; ++i)
        many_disks += "'file:/a,xvda,w',";
    many_disks += "]\n";
    std::vector<std::string> warnings;
    auto config = domain_config_from_text(many_disks, "big", warnings);
    ASSERT_FALSE(config);
    EXPECT_EQ(config.error().message(), "big:3: disk: 'xvda' is the same disk as 'xvda' (disk 0, partition 0); give each disk its own vdev");
    EXPECT_FALSE(parse_config_text(std::string(100000, '['), "deep"));
    EXPECT_FALSE(parse_config_text("a = " + std::string(100000, '(') + "\n", "wide"));
    EXPECT_FALSE(parse_config_text("a = 1 " + std::string(100000, 'x') + "(\n", "long python line"));
    EXPECT_FALSE(parse_xend_config_text(std::string(100000, '('), "deep"));
}

} // namespace
} // namespace xenith
