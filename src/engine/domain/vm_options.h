// VmOptions: xenith-vm's command line, parsed with CLI11 into plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"

namespace xenith {

struct VmOptions {
    std::string kernel;
    std::string initrd;
    std::string append;
    std::string bios;
    uint64_t memory_mib { 128 };
    unsigned vcpus { 1 };
    std::string console { "stdio" };
    std::string dtb_out;
    std::string log_level { "warn" };
    // Room for the toolstack's options (--disk, --vif, --control, --name, ...): each is a new
    // field here and one add_option line in parse_vm_options.
};

// What parsing produced: options to run with, or text to print and an exit status
// (--help, --version).
struct VmCommandLine {
    std::optional<VmOptions> options;
    std::string message;
    int exit_status { 0 };
};

// Errors are one line naming the option ("--memory abc: not a number"); the caller prints
// them and exits 1.
Result<VmCommandLine> parse_vm_options(int argc, char const* const* argv);

} // namespace xenith
