// xm create FILE VAR=VALUE: command-line settings appended to the file as xl does.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "toolstack/config/domain_config_loader.h"

namespace xenith {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class ConfigOverrides : public ::testing::Test {
protected:
    void SetUp() override
    {
        m_dir = std::filesystem::temp_directory_path()
            / ("xenith-overrides-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(m_dir);
        m_path = (m_dir / "web").string();
        // No trailing newline: the overrides must still start on a line of their own.
        std::ofstream(m_path) << "name = \"web\"\nkernel = \"/boot/Image\"\nmemory = 128\n"
                                 "vif = [ 'bridge=xenbr0' ]\nextra = \"quiet\"";
    }
    void TearDown() override { std::filesystem::remove_all(m_dir); }

    Result<DomainConfig> load(std::vector<std::string> const& overrides)
    {
        m_warnings.clear();
        return load_domain_config(m_path, m_warnings, overrides);
    }

    std::filesystem::path m_dir;
    std::string m_path;
    std::vector<std::string> m_warnings;
};

TEST_F(ConfigOverrides, NumberReplacesTheFilesValueWithoutAWarning)
{
    auto config = load({ "memory=512", "vcpus=2" });
    ASSERT_TRUE(config) << config.error().message();
    EXPECT_EQ(config->memory_mib, 512u);
    EXPECT_EQ(config->vcpus, 2u);
    EXPECT_THAT(m_warnings, IsEmpty());
}

TEST_F(ConfigOverrides, BareWordIsTakenAsAString)
{
    auto config = load({ "name=web2", "extra=console=hvc0 it's" });
    ASSERT_TRUE(config) << config.error().message();
    EXPECT_EQ(config->name, "web2");
    EXPECT_THAT(config->extra, HasSubstr("console=hvc0 it's"));
}

TEST_F(ConfigOverrides, QuotedStringAndListAreXlSyntax)
{
    auto config = load({ "name='web3'", "vif=['bridge=xenbr1', '']" });
    ASSERT_TRUE(config) << config.error().message();
    EXPECT_EQ(config->name, "web3");
    ASSERT_EQ(config->vifs.size(), 2u);
    EXPECT_EQ(config->vifs[0].bridge, "xenbr1");
}

TEST_F(ConfigOverrides, AppendExtendsTheFilesList)
{
    auto config = load({ "vif+=['bridge=xenbr1']" });
    ASSERT_TRUE(config) << config.error().message();
    ASSERT_EQ(config->vifs.size(), 2u);
    EXPECT_EQ(config->vifs[0].bridge, "xenbr0");
    EXPECT_EQ(config->vifs[1].bridge, "xenbr1");
}

TEST_F(ConfigOverrides, LastOverrideWins)
{
    auto config = load({ "memory=256", "memory=384" });
    ASSERT_TRUE(config) << config.error().message();
    EXPECT_EQ(config->memory_mib, 384u);
}

TEST_F(ConfigOverrides, BadValueNamesTheCommandLineNotTheFile)
{
    auto config = load({ "memory=lots" });
    ASSERT_FALSE(config);
    EXPECT_THAT(config.error().message(), HasSubstr("command line 'memory=lots': memory:"));
    EXPECT_THAT(config.error().message(), Not(HasSubstr(m_path)));
}

TEST_F(ConfigOverrides, UnknownKeyWarningNamesTheCommandLine)
{
    auto config = load({ "colour=blue" });
    ASSERT_TRUE(config) << config.error().message();
    ASSERT_EQ(m_warnings.size(), 1u);
    EXPECT_THAT(m_warnings[0], HasSubstr("command line 'colour=blue': colour:"));
}

TEST_F(ConfigOverrides, NotAnAssignmentIsRefused)
{
    for (std::string bad : { "=512", "2memory=5", "mem ory=5", "memory", "memory=[1,", "a=1\nb=2" }) {
        auto config = load({ bad });
        ASSERT_FALSE(config) << bad;
        EXPECT_THAT(config.error().message(), HasSubstr("command line '" + bad + "'")) << bad;
    }
}

TEST_F(ConfigOverrides, FileErrorsKeepTheirLine)
{
    std::ofstream(m_path, std::ios::app) << "\nmemory = \"x\"\n";
    auto config = load({ "vcpus=2" });
    ASSERT_FALSE(config);
    EXPECT_THAT(config.error().message(), HasSubstr(m_path + ":6: memory:"));
}

} // namespace
} // namespace xenith
