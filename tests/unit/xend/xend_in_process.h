// XendInProcess: a test fixture that runs xend's API handlers in-process over real state
// directories in a fresh temporary tree (no socket, no guest). Derived fixtures set
// options.vm_binary (and whatever else) before start().
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "toolstack/xend/xend.h"

namespace xenith {

class XendInProcess : public ::testing::Test {
protected:
    void SetUp() override
    {
        char tmpl[] = "/tmp/xenith-xend-XXXXXX";
        dir = ::mkdtemp(tmpl);
        options.dirs = { dir + "/etc", dir + "/state", dir + "/run", dir + "/log" };
        options.socket_path = dir + "/run/xend.sock";
        options.vm_binary = dir + "/no-such-xenith-vm";
        ::mkdir(options.dirs.config.c_str(), 0700);
    }
    void TearDown() override
    {
        xend.reset();
        std::filesystem::remove_all(dir);
    }

    void start()
    {
        xend.reset();
        auto created = Xend::create(options);
        ASSERT_TRUE(created) << created.error().message();
        xend = std::move(*created);
    }

    nlohmann::json call(nlohmann::json request)
    {
        request["version"] = 1;
        return xend->handle_request(request.dump());
    }

    std::string dir;
    XendOptions options;
    std::unique_ptr<Xend> xend;
};

} // namespace xenith
