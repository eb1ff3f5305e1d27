// The machine timebase: mtime runs at 10 MHz from the host's monotonic clock, as on QEMU virt.
#pragma once

#include <cstdint>
#include <ctime>

namespace xenith::riscv {

inline constexpr uint64_t timebase_hz = 10'000'000;

// Ticks since an arbitrary fixed point; shared by every hart and the ACLINT of a process.
inline uint64_t mtime_now()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * timebase_hz + uint64_t(ts.tv_nsec) / 100;
}

} // namespace xenith::riscv
