// xend's logging: the log file (xend-config's logfile), stderr in --foreground, and an
// in-memory ring of recent messages that `xm dmesg` shows.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"

namespace xenith::xend_log {

enum class Stderr {
    No,
    Yes,
};

Status init(std::string const& path, std::string const& level, Stderr also_stderr);

// The most recent messages, oldest first; `clear` empties the ring afterwards (xm dmesg -c).
std::vector<std::string> recent(bool clear);

} // namespace xenith::xend_log
