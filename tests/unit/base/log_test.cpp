#include <cstdio>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

#include "base/log.h"

namespace xenith {
namespace {

TEST(Log, RejectsUnknownLevel)
{
    auto s = log::init("test", "loud");
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message().find("loud"), std::string::npos);
}

TEST(Log, WritesToFile)
{
    std::string path = testing::TempDir() + "/xenith-log-test.log";
    std::remove(path.c_str());
    ASSERT_TRUE(log::init("test", "info", log::Target::File, path));
    log::info("hello {}", 42);
    log::debug("not shown");
    spdlog::default_logger()->flush();
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find("hello 42"), std::string::npos);
    EXPECT_EQ(text.str().find("not shown"), std::string::npos);
}

} // namespace
} // namespace xenith
