// Attaches the terminal to a domain's console socket (the one xenith-vm serves, whose path
// xend reports). A terminal is put in raw mode and Ctrl-] detaches; with a pipe on stdin the
// input is forwarded until it ends and output is copied until the console closes.
#pragma once

#include <string>

#include "base/error.h"

namespace xenith::xm {

inline constexpr unsigned char kDetachKey = 0x1d; // Ctrl-]

Status attach_console(std::string const& socket_path);

} // namespace xenith::xm
