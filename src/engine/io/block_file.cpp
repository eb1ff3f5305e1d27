// FileBlockBackend: a FIFO of block requests run by one worker thread.
#include "engine/io/block_file.h"

#include "engine/io/block_sync_io.h"

namespace xenith {

FileBlockBackend::FileBlockBackend(BlockImage image)
    : m_image(std::move(image))
{
    m_worker = std::thread([this] { run(); });
}

FileBlockBackend::~FileBlockBackend()
{
    {
        std::lock_guard guard(m_lock);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_worker.join();
}

void FileBlockBackend::enqueue(std::function<void()> job)
{
    {
        std::lock_guard guard(m_lock);
        m_jobs.push_back(std::move(job));
    }
    m_wake.notify_one();
}

void FileBlockBackend::run()
{
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock guard(m_lock);
            m_wake.wait(guard, [this] { return m_stopping || !m_jobs.empty(); });
            // Requests already queued are finished before stopping, so none is lost.
            if (m_jobs.empty())
                return;
            job = std::move(m_jobs.front());
            m_jobs.pop_front();
        }
        job();
    }
}

void FileBlockBackend::read(uint64_t offset, std::vector<iovec> iov, Completion done)
{
    enqueue([this, offset, iov = std::move(iov), done = std::move(done)]() mutable { done(block_io::read_full(m_image.fd(), offset, std::move(iov))); });
}

void FileBlockBackend::write(uint64_t offset, std::vector<iovec> iov, Completion done)
{
    if (read_only()) {
        done(-EROFS);
        return;
    }
    enqueue([this, offset, iov = std::move(iov), done = std::move(done)]() mutable { done(block_io::write_full(m_image.fd(), offset, std::move(iov))); });
}

void FileBlockBackend::flush(Completion done)
{
    enqueue([this, done = std::move(done)] { done(read_only() ? 0 : block_io::flush(m_image.fd())); });
}

void FileBlockBackend::discard(uint64_t offset, uint64_t len, Completion done)
{
    if (read_only()) {
        done(-EROFS);
        return;
    }
    enqueue([this, offset, len, done = std::move(done)] { done(block_io::discard(m_image.fd(), m_image.is_block_device(), offset, len)); });
}

void FileBlockBackend::write_zeroes(uint64_t offset, uint64_t len, bool may_unmap, Completion done)
{
    if (read_only()) {
        done(-EROFS);
        return;
    }
    enqueue([this, offset, len, may_unmap, done = std::move(done)] { done(block_io::write_zeroes(m_image.fd(), m_image.is_block_device(), offset, len, may_unmap)); });
}

} // namespace xenith
