// IdleTrimPolicy: when a hart that has gone idle drops its decoded blocks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "engine/riscv/timebase.h"

namespace xenith::riscv {

// A hart that has gone idle drops the blocks it decoded while it worked (boot, a finished
// program), so an idle domain keeps only what its idle paths use (timer, console, a few
// hundred KiB) instead of up to the whole 4 MiB budget. The blocks come back on demand when
// work resumes: rebuilding them costs about 1.5 ms per MiB of blocks (measured: 6000 blocks,
// 1 MiB, decoded and faulted in again in 1.5 ms of CPU).
//
// Idleness is measured, not guessed from one sleep: an idle stretch starts whenever the
// hart's awake share since the stretch began exceeds 1/busy_share, so a hart with work and
// short sleeps never trims, while timer ticks and short bursts (a DHCP retry, a cron job) in
// a long idle period do not stop it. A hart trims as it enters a sleep of at least min_sleep
// that ends idle_for or more after its idle stretch began, if it has decoded more than
// min_bytes since the last flush. A trim starts a new stretch, and the next one needs
// min_bytes decoded again: the blocks a trim drops were all decoded since the one before, so
// trims at most double the decoding a guest causes (for an idle guest: one trim after boot).
//
// Times are mtime ticks (timebase_hz). Owned by one hart's thread; no locking.
class IdleTrimPolicy {
public:
    static constexpr uint64_t idle_for = timebase_hz;       // an idle stretch this long...
    static constexpr uint64_t busy_share = 10;              // ...awake at most 1/10 of it...
    static constexpr uint64_t min_sleep = timebase_hz / 10; // ...ending in a sleep this long
    // With more than this decoded: above what an idle Linux's timer and console paths keep
    // (~350 KiB), so a domain that stays idle trims once and then leaves them alone.
    static constexpr size_t min_bytes = 512u << 10;

    // The hart stopped sleeping (a WFI wait returned) at `now`.
    void woke(uint64_t now) { m_woke = now; }

    // The hart is about to sleep from `now` for `sleep_ticks` (~0: no deadline) with `used`
    // bytes decoded since the last flush. True: drop the blocks now.
    bool should_trim(uint64_t now, uint64_t sleep_ticks, size_t used)
    {
        if (m_woke != 0 && now > m_woke)
            m_awake += now - m_woke;
        m_woke = 0; // counted; a second call before the next woke() adds nothing
        if (m_stretch_start == 0 || now < m_stretch_start || m_awake * busy_share > now - m_stretch_start)
            start_stretch(now);
        bool idle_long_enough = now - m_stretch_start + std::min(sleep_ticks, idle_for) >= idle_for;
        if (!idle_long_enough || sleep_ticks < min_sleep || used <= min_bytes)
            return false;
        start_stretch(now); // the next trim needs another idle stretch
        return true;
    }

private:
    void start_stretch(uint64_t now)
    {
        m_stretch_start = now;
        m_awake = 0;
    }

    uint64_t m_woke { 0 };          // 0: asleep, or the wake-up was counted already
    uint64_t m_stretch_start { 0 }; // 0: none yet (the hart has not slept)
    uint64_t m_awake { 0 };         // awake ticks since m_stretch_start
};

} // namespace xenith::riscv
