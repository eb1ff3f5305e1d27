// UringBlockBackend: io_uring submission batching and eventfd-driven completion.
#include "engine/io/block_uring.h"

#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "base/log.h"
#include "engine/io/block_sync_io.h"
#include "engine/io/event_loop.h"

namespace xenith {

struct UringBlockBackend::Op {
    enum class Kind {
        Read,
        Write,
        Other,
    };
    Kind kind;
    uint64_t offset;
    uint64_t expected;
    std::vector<iovec> iov;
    Completion done;
};

Result<std::unique_ptr<UringBlockBackend>> UringBlockBackend::create(BlockImage image, EventLoop& loop, unsigned entries)
{
    std::unique_ptr<UringBlockBackend> backend(new UringBlockBackend(std::move(image), loop));
    int rc = io_uring_queue_init(entries, &backend->m_ring, 0);
    if (rc < 0)
        return fail_errno(fmt::format("disk {}: io_uring_queue_init (tap:aio: needs io_uring; use file: instead)", backend->path()), -rc);
    backend->m_ring_ready = true;
    backend->m_eventfd = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!backend->m_eventfd)
        return fail_errno(fmt::format("disk {}: eventfd", backend->path()));
    rc = io_uring_register_eventfd(&backend->m_ring, backend->m_eventfd.get());
    if (rc < 0)
        return fail_errno(fmt::format("disk {}: io_uring_register_eventfd", backend->path()), -rc);
    backend->m_loop_guard->self = backend.get();
    XENITH_TRY(loop.add(backend->m_eventfd.get(), EPOLLIN, [guard = backend->m_loop_guard](uint32_t) {
        std::lock_guard hold(guard->lock);
        if (guard->self)
            guard->self->reap();
    }));
    return backend;
}

UringBlockBackend::UringBlockBackend(BlockImage image, EventLoop& loop)
    : m_image(std::move(image))
    , m_loop(loop)
{
}

UringBlockBackend::~UringBlockBackend()
{
    if (m_eventfd)
        m_loop.remove(m_eventfd.get());
    {
        std::lock_guard hold(m_loop_guard->lock);
        m_loop_guard->self = nullptr;
    }
    if (!m_ring_ready)
        return;
    // Wait for everything in flight so no completion outlives us.
    {
        std::lock_guard guard(m_sq_lock);
        io_uring_submit(&m_ring);
    }
    for (;;) {
        {
            std::lock_guard guard(m_sq_lock);
            if (m_in_flight == 0)
                break;
        }
        io_uring_cqe* cqe = nullptr;
        std::lock_guard cq(m_cq_lock);
        if (io_uring_wait_cqe(&m_ring, &cqe) < 0)
            break;
        auto* op = static_cast<Op*>(io_uring_cqe_get_data(cqe));
        int res = cqe->res;
        io_uring_cqe_seen(&m_ring, cqe);
        finish(op, res);
    }
    io_uring_queue_exit(&m_ring);
}

io_uring_sqe* UringBlockBackend::get_sqe_locked()
{
    io_uring_sqe* sqe = io_uring_get_sqe(&m_ring);
    if (!sqe) {
        // Ring full: hand the batch to the kernel early and take a fresh slot.
        io_uring_submit(&m_ring);
        ++m_submit_calls;
        m_unsubmitted = 0;
        sqe = io_uring_get_sqe(&m_ring);
    }
    return sqe;
}

void UringBlockBackend::queue(Op* op, std::function<void(io_uring_sqe*)> prep)
{
    std::unique_lock guard(m_sq_lock);
    io_uring_sqe* sqe = get_sqe_locked();
    if (!sqe) {
        guard.unlock();
        Completion done = std::move(op->done);
        delete op;
        done(-EAGAIN);
        return;
    }
    prep(sqe);
    io_uring_sqe_set_data(sqe, op);
    ++m_unsubmitted;
    ++m_in_flight;
}

void UringBlockBackend::submit()
{
    {
        std::lock_guard guard(m_sq_lock);
        if (m_unsubmitted == 0)
            return;
        int rc = io_uring_submit(&m_ring);
        if (rc < 0)
            log::warn("disk {}: io_uring_submit: {}", path(), strerror(-rc));
        ++m_submit_calls;
        m_unsubmitted = 0;
    }
    // Buffered I/O that hits the page cache is usually finished inside io_uring_enter. Complete
    // it here instead of after the eventfd wakes the event loop: at queue depth 1 that saves a
    // thread wake-up per request. Whatever is left is reaped by the loop; the two share
    // m_cq_lock, so each completion runs once.
    reap_ready();
}

uint64_t UringBlockBackend::submit_calls() const
{
    std::lock_guard guard(m_sq_lock);
    return m_submit_calls;
}

void UringBlockBackend::reap()
{
    uint64_t count;
    [[maybe_unused]] auto n = ::read(m_eventfd.get(), &count, sizeof(count));
    reap_ready();
}

void UringBlockBackend::reap_ready()
{
    for (;;) {
        io_uring_cqe* cqe = nullptr;
        Op* op;
        int res;
        {
            std::lock_guard cq(m_cq_lock);
            if (io_uring_peek_cqe(&m_ring, &cqe) != 0 || !cqe)
                return;
            op = static_cast<Op*>(io_uring_cqe_get_data(cqe));
            res = cqe->res;
            io_uring_cqe_seen(&m_ring, cqe);
        }
        finish(op, res);
    }
}

void UringBlockBackend::finish(Op* op, int res)
{
    {
        std::lock_guard guard(m_sq_lock);
        --m_in_flight;
    }
    int64_t result = res;
    // A short transfer (rare with regular files) is finished synchronously.
    if (res >= 0 && op->kind != Op::Kind::Other && static_cast<uint64_t>(res) < op->expected) {
        std::vector<iovec> rest = op->iov;
        block_io::advance(rest, static_cast<uint64_t>(res));
        int64_t more = op->kind == Op::Kind::Read ? block_io::read_full(m_image.fd(), op->offset + res, std::move(rest))
                                                   : block_io::write_full(m_image.fd(), op->offset + res, std::move(rest));
        result = more < 0 ? more : res + more;
    }
    Completion done = std::move(op->done);
    delete op;
    done(result);
}

static uint64_t iov_bytes(std::vector<iovec> const& iov)
{
    uint64_t n = 0;
    for (auto const& v : iov)
        n += v.iov_len;
    return n;
}

void UringBlockBackend::read(uint64_t offset, std::vector<iovec> iov, Completion done)
{
    auto* op = new Op { Op::Kind::Read, offset, iov_bytes(iov), std::move(iov), std::move(done) };
    int fd = m_image.fd();
    queue(op, [op, fd](io_uring_sqe* sqe) { io_uring_prep_readv(sqe, fd, op->iov.data(), static_cast<unsigned>(op->iov.size()), op->offset); });
}

void UringBlockBackend::write(uint64_t offset, std::vector<iovec> iov, Completion done)
{
    if (read_only()) {
        done(-EROFS);
        return;
    }
    auto* op = new Op { Op::Kind::Write, offset, iov_bytes(iov), std::move(iov), std::move(done) };
    int fd = m_image.fd();
    queue(op, [op, fd](io_uring_sqe* sqe) { io_uring_prep_writev(sqe, fd, op->iov.data(), static_cast<unsigned>(op->iov.size()), op->offset); });
}

void UringBlockBackend::flush(Completion done)
{
    if (read_only()) {
        done(0);
        return;
    }
    auto* op = new Op { Op::Kind::Other, 0, 0, {}, std::move(done) };
    int fd = m_image.fd();
    // Drain: the flush covers every write queued before it, whatever order the kernel picks.
    queue(op, [fd](io_uring_sqe* sqe) {
        io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
        sqe->flags |= IOSQE_IO_DRAIN;
    });
}

void UringBlockBackend::discard(uint64_t offset, uint64_t len, Completion done)
{
    if (read_only()) {
        done(-EROFS);
        return;
    }
    if (m_image.is_block_device()) {
        done(block_io::discard(m_image.fd(), true, offset, len));
        return;
    }
    auto* op = new Op { Op::Kind::Other, offset, 0, {}, [done = std::move(done)](int64_t r) { done(r == -EOPNOTSUPP ? 0 : r); } };
    int fd = m_image.fd();
    queue(op, [fd, offset, len](io_uring_sqe* sqe) { io_uring_prep_fallocate(sqe, fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, len); });
}

void UringBlockBackend::write_zeroes(uint64_t offset, uint64_t len, bool may_unmap, Completion done)
{
    if (read_only()) {
        done(-EROFS);
        return;
    }
    // Rare enough to run inline; the fallbacks (BLKZEROOUT, writing zeros) need the sync path.
    done(block_io::write_zeroes(m_image.fd(), m_image.is_block_device(), offset, len, may_unmap));
}

} // namespace xenith
