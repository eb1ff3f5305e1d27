// IdleTrimPolicy: when a hart that has gone idle drops its decoded blocks.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/riscv/timebase.h"

namespace xenith::riscv {

// A hart that has been mostly asleep in WFI for a while drops the blocks it decoded while it
// worked (boot, a finished program), so an idle domain keeps only what its idle paths use
// (timer, console, a few hundred KiB) instead of up to the whole 4 MiB budget. The blocks come
// back on demand when work resumes: rebuilding them costs about 1.5 ms per MiB of blocks
// (measured: 6000 blocks, 1 MiB, decoded and faulted in again in 1.5 ms of CPU).
//
// "Mostly asleep" is measured, not guessed from one sleep: an idle stretch starts whenever the
// hart's awake share since the stretch began exceeds 1/busy_share, so a hart with work and
// short sleeps never trims, while timer ticks and short bursts (a DHCP retry, a cron job) in
// a long idle period do not stop it. The trim itself waits for a sleep of at least min_sleep
// (the hart is not about to run again) and is rate-limited, which bounds its cost for a guest
// that alternates work and idleness to one rebuild per min_interval: at most 6 ms (a full
// 4 MiB cache) per 5 s, 0.12% of a core, and about 0.5 ms for a typical idle working set.
//
// Times are mtime ticks (timebase_hz). Owned by one hart's thread; no locking.
class IdleTrimPolicy {
public:
    static constexpr uint64_t idle_for = timebase_hz;         // an idle stretch this long...
    static constexpr uint64_t busy_share = 10;                // ...awake at most 1/10 of it...
    static constexpr uint64_t min_sleep = timebase_hz / 10;   // ...then a sleep this long
    static constexpr size_t min_bytes = 512u << 10;           // with more than this decoded
    static constexpr uint64_t min_interval = 5 * timebase_hz; // and not again within this

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
        bool idle = now - m_stretch_start >= idle_for;
        bool rested = m_last_trim == 0 || now - m_last_trim >= min_interval;
        if (!idle || !rested || sleep_ticks < min_sleep || used <= min_bytes)
            return false;
        m_last_trim = now;
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
    uint64_t m_last_trim { 0 };
};

} // namespace xenith::riscv
