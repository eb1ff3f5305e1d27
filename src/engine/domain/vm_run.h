// run_xenith_vm: what xenith-vm's main() does: parse, load the images, build and run the machine.
#pragma once

namespace xenith {

// Exit statuses (docs/xenith-vm.md): 0 the guest powered off, 1 xenith-vm error (bad option
// or file), 2 the guest asked for a reboot, 3 the guest crashed or failed, 4 destroyed.
namespace vm_exit {
inline constexpr int poweroff = 0;
inline constexpr int error = 1;
inline constexpr int reboot = 2;
inline constexpr int crash = 3;
inline constexpr int destroyed = 4;
} // namespace vm_exit

int run_xenith_vm(int argc, char const* const* argv);

} // namespace xenith
