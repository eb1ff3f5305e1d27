// SBI v2.0 numbers: extension and function ids, error codes, HSM states, reset types.
#pragma once

#include <cstdint>

namespace xenith::sbi {

// What BASE reports about this implementation. The implementation id is not in the SBI
// spec's registry (0..11 are taken: BBL, OpenSBI, Xvisor, KVM, RustSBI, ...); 0x58454e49 is
// "XENI" in ASCII, far from the registry's range so it cannot collide with a future entry.
inline constexpr long spec_version = 2l << 24; // major 2, minor 0
inline constexpr long impl_id = 0x58454e49;
inline constexpr long impl_version = 1;

namespace eid {
inline constexpr uint64_t legacy_set_timer = 0x00;
inline constexpr uint64_t legacy_console_putchar = 0x01;
inline constexpr uint64_t legacy_console_getchar = 0x02;
inline constexpr uint64_t legacy_shutdown = 0x08;
inline constexpr uint64_t base = 0x10;
inline constexpr uint64_t time = 0x54494d45;   // "TIME"
inline constexpr uint64_t ipi = 0x735049;      // "sPI"
inline constexpr uint64_t rfence = 0x52464e43; // "RFNC"
inline constexpr uint64_t hsm = 0x48534d;      // "HSM"
inline constexpr uint64_t srst = 0x53525354;   // "SRST"
inline constexpr uint64_t dbcn = 0x4442434e;   // "DBCN"
} // namespace eid

namespace error {
inline constexpr long success = 0;
inline constexpr long failed = -1;
inline constexpr long not_supported = -2;
inline constexpr long invalid_param = -3;
inline constexpr long denied = -4;
inline constexpr long invalid_address = -5;
inline constexpr long already_available = -6;
inline constexpr long already_started = -7;
inline constexpr long already_stopped = -8;
} // namespace error

enum class HartState : long {
    Started = 0,
    Stopped = 1,
    StartPending = 2,
    StopPending = 3,
    Suspended = 4,
    SuspendPending = 5,
    ResumePending = 6,
};

namespace reset_type {
inline constexpr uint32_t shutdown = 0;
inline constexpr uint32_t cold_reboot = 1;
inline constexpr uint32_t warm_reboot = 2;
} // namespace reset_type

namespace reset_reason {
inline constexpr uint32_t none = 0;
inline constexpr uint32_t system_failure = 1;
} // namespace reset_reason

} // namespace xenith::sbi
