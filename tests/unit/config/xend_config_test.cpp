// xend-config.sxp: the settings that apply, the rest ignored, errors with lines.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "toolstack/config/xend_config.h"

namespace xenith {
namespace {

TEST(XendConfig, ReadsTheSettingsThatApply)
{
    auto config = parse_xend_config_text(R"(# -*- sh -*-
# Xend configuration file.
(logfile /var/log/xenith/xend.log)
(loglevel WARNING)
(xend-unix-server yes)
(xend-unix-path '/run/xenith/xend.sock')
(xend-unix-group xen)
(xend-relocation-hosts-allow '^localhost$ ^localhost\\.localdomain$')
(network-script 'network-bridge netdev=eth0')
(vif-script vif-bridge)
(console-limit 2048)
(dom0-min-mem 196)
(dom0-cpus 0)
(enable-dump yes)
(vnc-listen "127.0.0.1")
)",
        "/etc/xen/xend-config.sxp");
    ASSERT_TRUE(config) << config.error().message();
    EXPECT_EQ(config->logfile, "/var/log/xenith/xend.log");
    EXPECT_EQ(config->loglevel, "warn");
    EXPECT_EQ(config->xend_unix_path, "/run/xenith/xend.sock");
    EXPECT_EQ(config->xend_unix_group, "xen");
    EXPECT_EQ(config->console_limit_kib, 2048u);
    EXPECT_EQ(config->dom0_min_mem_mib, 196u);
    EXPECT_TRUE(config->enable_dump);
}

TEST(XendConfig, DefaultsWhenEmpty)
{
    auto config = parse_xend_config_text("# nothing\n", "x");
    ASSERT_TRUE(config);
    EXPECT_EQ(config->logfile, "");
    EXPECT_EQ(config->loglevel, "info");
    EXPECT_EQ(config->console_limit_kib, 1024u);
    EXPECT_EQ(config->dom0_min_mem_mib, 0u);
    EXPECT_FALSE(config->enable_dump);
}

TEST(XendConfig, LevelNames)
{
    for (auto [xend, ours] : { std::pair { "DEBUG", "debug" }, { "INFO", "info" }, { "WARNING", "warn" },
             { "ERROR", "err" }, { "CRITICAL", "critical" }, { "debug", "debug" } }) {
        auto config = parse_xend_config_text(fmt::format("(loglevel {})", xend), "x");
        ASSERT_TRUE(config) << xend;
        EXPECT_EQ(config->loglevel, ours);
    }
}

TEST(XendConfig, Errors)
{
    auto message = [](std::string_view text) {
        auto config = parse_xend_config_text(text, "/etc/xen/xend-config.sxp");
        EXPECT_FALSE(config) << text;
        return config ? std::string() : config.error().message();
    };
    EXPECT_EQ(message("(logfile /a)\n(console-limit lots)\n"),
        "/etc/xen/xend-config.sxp:2: console-limit: \"lots\" is not a number (expected KiB, e.g. (console-limit 1024))");
    EXPECT_EQ(message("(console-limit 0)"),
        "/etc/xen/xend-config.sxp:1: console-limit: 0 is outside 1..1048576 KiB (e.g. (console-limit 1024))");
    EXPECT_EQ(message("\n(logfile /a\n"), "/etc/xen/xend-config.sxp:2: `(' is never closed (add a `)')");
    EXPECT_EQ(message("(logfile /a))"), "/etc/xen/xend-config.sxp:1: unexpected `)' with no matching `('");
    EXPECT_EQ(message("logfile /a"),
        "/etc/xen/xend-config.sxp:1: expected a (key value) setting, e.g. (logfile /var/log/xenith/xend.log)");
    EXPECT_EQ(message("(loglevel LOUD)"),
        "/etc/xen/xend-config.sxp:1: loglevel: \"LOUD\" is not a level (expected DEBUG, INFO, WARNING, ERROR or "
        "CRITICAL)");
    EXPECT_EQ(message("(enable-dump maybe)"),
        "/etc/xen/xend-config.sxp:1: enable-dump: \"maybe\" is not yes or no (e.g. (enable-dump yes))");
    EXPECT_EQ(message("(logfile /a /b)"),
        "/etc/xen/xend-config.sxp:1: logfile: expected exactly one value, e.g. (logfile /var/log/xenith/xend.log)");
    EXPECT_EQ(message("(logfile '/a)"), "/etc/xen/xend-config.sxp:1: unterminated quoted string");
    EXPECT_EQ(message(std::string(100, '(')), "/etc/xen/xend-config.sxp:1: s-expressions nested more than 32 deep");
}

TEST(XendConfig, MissingFileGivesDefaults)
{
    auto config = load_xend_config("/nonexistent/xenith/xend-config.sxp");
    ASSERT_TRUE(config) << config.error().message();
    EXPECT_EQ(config->console_limit_kib, 1024u);
}

TEST(XendConfig, LoadsAFile)
{
    auto path = std::filesystem::temp_directory_path() / ("xenith-xend-config-" + std::to_string(getpid()) + ".sxp");
    std::ofstream(path) << "(console-limit 64)\n(enable-dump no)\n";
    auto config = load_xend_config(path);
    std::filesystem::remove(path);
    ASSERT_TRUE(config) << config.error().message();
    EXPECT_EQ(config->console_limit_kib, 64u);
}

} // namespace
} // namespace xenith
