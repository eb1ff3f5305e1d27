// xm: the command-line client of xend. Every subcommand is one row of the table in
// xm_main.cpp (kvmtool style: name, handler, usage, help).
#pragma once

namespace xenith::xm {

int xm_main(int argc, char** argv);

} // namespace xenith::xm
