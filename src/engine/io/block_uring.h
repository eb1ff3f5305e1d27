// UringBlockBackend: a disk image served by io_uring with batched submission (tap:aio:).
#pragma once

#include <liburing.h>

#include <cstdint>
#include <memory>
#include <mutex>

#include "base/unique_fd.h"
#include "engine/io/block_backend.h"
#include "engine/io/block_image.h"

namespace xenith {

class EventLoop;

// Requests are queued into the submission ring from any thread (under m_sq_lock) and handed to
// the kernel in one io_uring_enter per batch by submit() (the device calls it once per queue
// notification), or earlier if the ring fills. Requests the kernel finished during that
// io_uring_enter (page-cache hits, buffered writes) complete right after it on the submitting
// thread; the rest are signalled through an eventfd watched by the domain's event loop and
// complete on its thread.
class UringBlockBackend final : public BlockBackend {
public:
    static Result<std::unique_ptr<UringBlockBackend>> create(BlockImage image, EventLoop& loop, unsigned entries = 256);
    ~UringBlockBackend() override;

    std::string const& path() const override { return m_image.path(); }
    uint64_t size() const override { return m_image.size(); }
    bool read_only() const override { return m_image.read_only(); }

    void read(uint64_t offset, std::vector<iovec> iov, Completion done) override;
    void write(uint64_t offset, std::vector<iovec> iov, Completion done) override;
    void flush(Completion done) override;
    void discard(uint64_t offset, uint64_t len, Completion done) override;
    void write_zeroes(uint64_t offset, uint64_t len, bool may_unmap, Completion done) override;
    void submit() override;

    // Submissions made to the kernel so far (io_uring_enter calls), for tests of batching.
    uint64_t submit_calls() const;

private:
    struct Op;

    UringBlockBackend(BlockImage image, EventLoop& loop);
    io_uring_sqe* get_sqe_locked();
    void queue(Op* op, std::function<void(io_uring_sqe*)> prep);
    void reap();
    void reap_ready();
    void finish(Op* op, int res);

    BlockImage m_image;
    EventLoop& m_loop;
    io_uring m_ring {};
    bool m_ring_ready { false };
    UniqueFd m_eventfd;
    mutable std::mutex m_sq_lock;
    unsigned m_unsubmitted { 0 };
    uint64_t m_submit_calls { 0 };
    std::mutex m_cq_lock;
    uint64_t m_in_flight { 0 }; // guarded by m_sq_lock

    // The event loop may still hold our callback after remove(); it reaches us only through
    // this, which the destructor clears (waiting for a running reap to finish).
    struct LoopGuard {
        std::mutex lock;
        UringBlockBackend* self { nullptr };
    };
    std::shared_ptr<LoopGuard> m_loop_guard { std::make_shared<LoopGuard>() };
};

} // namespace xenith
