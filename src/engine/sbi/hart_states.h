// HartStates: the SBI HSM state of every hart, and where a stopped hart's thread waits to start.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "engine/sbi/sbi_ids.h"

namespace xenith::sbi {

// Threading: one mutex; SBI calls on any hart's thread and the machine's vCPU threads share it.
class HartStates {
public:
    struct StartRequest {
        uint64_t start_addr;
        uint64_t opaque;
    };

    // Every hart starts Stopped; the board marks the boot hart Started.
    explicit HartStates(unsigned hart_count);

    unsigned count() const { return unsigned(m_states.size()); }
    HartState state(unsigned hart) const;
    void set_started(unsigned hart);

    // HSM hart_start on behalf of another hart: Stopped -> StartPending, or an SBI error.
    long request_start(unsigned hart, StartRequest request);
    // HSM hart_stop by the hart itself: Started -> StopPending.
    long request_stop(unsigned hart);

    // The hart's own thread, after it left run() with Stopped: marks it Stopped and blocks
    // until someone starts it (returns the request; the state is then StartPending until
    // set_started) or until shutdown() (returns nullopt).
    std::optional<StartRequest> wait_for_start(unsigned hart);
    // Wakes every waiter for good: the machine is going down.
    void shutdown();

private:
    mutable std::mutex m_lock;
    std::condition_variable m_changed;
    std::vector<HartState> m_states;
    std::vector<StartRequest> m_requests;
    bool m_shutdown { false };
};

} // namespace xenith::sbi
