// EventLoop: epoll + eventfd wake-ups.
#include "engine/io/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace xenith {

Result<std::unique_ptr<EventLoop>> EventLoop::create()
{
    UniqueFd ep(::epoll_create1(EPOLL_CLOEXEC));
    if (!ep)
        return fail_errno("epoll_create1");
    UniqueFd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!wake)
        return fail_errno("eventfd");
    epoll_event ev {};
    ev.events = EPOLLIN;
    ev.data.fd = wake.get();
    if (::epoll_ctl(ep.get(), EPOLL_CTL_ADD, wake.get(), &ev) != 0)
        return fail_errno("epoll_ctl(eventfd)");
    return std::unique_ptr<EventLoop>(new EventLoop(std::move(ep), std::move(wake)));
}

EventLoop::EventLoop(UniqueFd epoll, UniqueFd wake)
    : m_epoll(std::move(epoll))
    , m_wake(std::move(wake))
{
}

EventLoop::~EventLoop()
{
    stop();
    join();
}

void EventLoop::join()
{
    if (m_thread.joinable())
        m_thread.join();
}

Status EventLoop::add(int fd, uint32_t events, Callback callback)
{
    {
        std::lock_guard guard(m_lock);
        m_callbacks[fd] = std::make_shared<Callback>(std::move(callback));
    }
    epoll_event ev {};
    ev.events = events;
    ev.data.fd = fd;
    if (::epoll_ctl(m_epoll.get(), EPOLL_CTL_ADD, fd, &ev) != 0) {
        std::lock_guard guard(m_lock);
        m_callbacks.erase(fd);
        return fail_errno(fmt::format("epoll_ctl(add fd {})", fd));
    }
    return {};
}

Status EventLoop::modify(int fd, uint32_t events)
{
    epoll_event ev {};
    ev.events = events;
    ev.data.fd = fd;
    if (::epoll_ctl(m_epoll.get(), EPOLL_CTL_MOD, fd, &ev) != 0)
        return fail_errno(fmt::format("epoll_ctl(modify fd {})", fd));
    return {};
}

void EventLoop::remove(int fd)
{
    ::epoll_ctl(m_epoll.get(), EPOLL_CTL_DEL, fd, nullptr);
    std::lock_guard guard(m_lock);
    m_callbacks.erase(fd);
}

void EventLoop::post(std::function<void()> fn)
{
    {
        std::lock_guard guard(m_lock);
        m_posted.push_back(std::move(fn));
    }
    wake();
}

void EventLoop::wake()
{
    uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(m_wake.get(), &one, sizeof(one));
}

void EventLoop::drain_posted()
{
    std::vector<std::function<void()>> work;
    {
        std::lock_guard guard(m_lock);
        work.swap(m_posted);
    }
    for (auto& fn : work)
        fn();
}

void EventLoop::start()
{
    m_thread = std::thread([this] { run(); });
}

void EventLoop::run()
{
    m_loop_thread_id = std::this_thread::get_id();
    epoll_event events[32];
    for (;;) {
        {
            std::lock_guard guard(m_lock);
            if (m_stopping)
                return;
        }
        int n = ::epoll_wait(m_epoll.get(), events, 32, -1);
        if (n < 0 && errno == EINTR)
            continue;
        for (int i = 0; i < n; ++i) {
            int fd = events[i].data.fd;
            if (fd == m_wake.get()) {
                uint64_t count;
                [[maybe_unused]] auto r = ::read(fd, &count, sizeof(count));
                continue;
            }
            std::shared_ptr<Callback> cb;
            {
                std::lock_guard guard(m_lock);
                auto it = m_callbacks.find(fd);
                if (it != m_callbacks.end())
                    cb = it->second;
            }
            if (cb)
                (*cb)(events[i].events);
        }
        drain_posted();
    }
}

void EventLoop::stop()
{
    {
        std::lock_guard guard(m_lock);
        m_stopping = true;
    }
    wake();
}

} // namespace xenith
