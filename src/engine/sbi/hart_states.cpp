// HartStates: HSM transitions under one lock, with a condition variable for parked harts.
#include "engine/sbi/hart_states.h"

namespace xenith::sbi {

HartStates::HartStates(unsigned hart_count)
    : m_states(hart_count, HartState::Stopped)
    , m_requests(hart_count, StartRequest { 0, 0 })
{
}

HartState HartStates::state(unsigned hart) const
{
    std::lock_guard guard(m_lock);
    return m_states.at(hart);
}

void HartStates::set_started(unsigned hart)
{
    std::lock_guard guard(m_lock);
    m_states.at(hart) = HartState::Started;
}

long HartStates::request_start(unsigned hart, StartRequest request)
{
    std::lock_guard guard(m_lock);
    if (hart >= m_states.size())
        return error::invalid_param;
    if (m_states[hart] != HartState::Stopped)
        return error::already_available;
    m_states[hart] = HartState::StartPending;
    m_requests[hart] = request;
    m_changed.notify_all();
    return error::success;
}

long HartStates::request_stop(unsigned hart)
{
    std::lock_guard guard(m_lock);
    if (m_states.at(hart) != HartState::Started)
        return error::failed;
    m_states[hart] = HartState::StopPending;
    return error::success;
}

std::optional<HartStates::StartRequest> HartStates::wait_for_start(unsigned hart)
{
    std::unique_lock guard(m_lock);
    if (m_states.at(hart) != HartState::StartPending)
        m_states[hart] = HartState::Stopped;
    m_changed.wait(guard, [&] { return m_shutdown || m_states[hart] == HartState::StartPending; });
    if (m_shutdown)
        return std::nullopt;
    return m_requests[hart];
}

void HartStates::shutdown()
{
    std::lock_guard guard(m_lock);
    m_shutdown = true;
    m_changed.notify_all();
}

} // namespace xenith::sbi
