// EventLoop: the domain's I/O thread. epoll over registered fds plus a queue of posted work.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/error.h"
#include "base/unique_fd.h"

namespace xenith {

class EventLoop {
public:
    using Callback = std::function<void(uint32_t epoll_events)>;

    static Result<std::unique_ptr<EventLoop>> create();
    ~EventLoop();

    // Calls `callback` on the loop thread whenever `fd` has any of `events` (EPOLLIN...).
    // Any thread. The fd stays owned by the caller; remove it before closing it.
    Status add(int fd, uint32_t events, Callback callback);
    Status modify(int fd, uint32_t events);
    void remove(int fd);

    // Runs `fn` on the loop thread soon. Any thread.
    void post(std::function<void()> fn);

    // Runs the loop on a new thread until stop().
    void start();
    // Runs the loop on the calling thread until stop().
    void run();
    void stop();
    // Waits until the thread start() made has left the loop (after stop()). Objects whose
    // callbacks the loop may be running can be destroyed only after this.
    void join();

    bool on_loop_thread() const { return std::this_thread::get_id() == m_loop_thread_id; }

private:
    EventLoop(UniqueFd epoll, UniqueFd wake);
    void wake();
    void drain_posted();

    UniqueFd m_epoll;
    UniqueFd m_wake; // eventfd
    std::mutex m_lock;
    std::unordered_map<int, std::shared_ptr<Callback>> m_callbacks;
    std::vector<std::function<void()>> m_posted;
    bool m_stopping { false };
    std::thread m_thread;
    std::thread::id m_loop_thread_id;
};

} // namespace xenith
