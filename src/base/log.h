// Logging: one spdlog logger per process, set up once by main().
#pragma once

#include <string>

#include <spdlog/spdlog.h>

#include "base/error.h"

namespace xenith::log {

enum class Target {
    Stderr,
    File,
};

// Configures the process-wide logger. `level` is one of spdlog's names
// ("trace", "debug", "info", "warn", "error", "off"); `path` is used for Target::File.
Status init(std::string const& program, std::string const& level, Target target = Target::Stderr, std::string const& path = {});

using spdlog::debug;
using spdlog::error;
using spdlog::info;
using spdlog::trace;
using spdlog::warn;

} // namespace xenith::log
