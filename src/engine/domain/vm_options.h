// VmOptions: xenith-vm's command line, parsed with CLI11 into plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "engine/riscv/hart.h"

namespace xenith {

struct VmOptions {
    std::string kernel;
    std::string initrd;
    std::string append;
    std::string bios;
    uint64_t memory_mib { 128 };
    unsigned vcpus { 1 };
    unsigned maxvcpus { 0 };              // --maxvcpus: harts in the machine, vcpus of them online at boot
    std::string console { "stdio" };
    std::string dtb_out;
    std::string log_level { "warn" };
    uint64_t maxmem_mib { 0 };            // --maxmem: RAM size when above --memory (balloon headroom)
    std::string name;                     // --name: reported on the control socket, recorded in image locks
    uint32_t domid { 0 };                 // --domid: names the domain's taps vif<domid>.<devid>
    std::vector<std::string> disks;       // --disk SPEC, Xen's spellings
    std::vector<std::string> vifs;        // --vif SPEC, Xen's spellings
    unsigned spare_disks { 2 };           // --spare-disks N: empty disk slots for block-attach
    unsigned spare_nics { 1 };            // --spare-nics N: unconnected NIC slots for network-attach
    uint32_t jit_hot_entries { riscv::default_jit_hot_entries }; // --jit-hot-entries N (0: interpret only)
    std::string control;                  // --control PATH: xend's control socket
    std::string console_log;              // --console-log FILE (with --console socket:PATH)
    uint64_t console_limit { 1 << 20 };   // --console-limit BYTES of history
    std::string core_dump_dir;            // --core-dump-dir DIR: write a core dump there if the guest crashes
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
