// FileBlockBackend: a disk image served by plain file I/O on a worker thread (file:, phy:).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "engine/io/block_backend.h"
#include "engine/io/block_image.h"

namespace xenith {

// One worker thread runs requests in issue order and calls completions on that thread.
class FileBlockBackend final : public BlockBackend {
public:
    explicit FileBlockBackend(BlockImage image);
    ~FileBlockBackend() override;

    std::string const& path() const override { return m_image.path(); }
    uint64_t size() const override { return m_image.size(); }
    bool read_only() const override { return m_image.read_only(); }

    void read(uint64_t offset, std::vector<iovec> iov, Completion done) override;
    void write(uint64_t offset, std::vector<iovec> iov, Completion done) override;
    void flush(Completion done) override;
    void discard(uint64_t offset, uint64_t len, Completion done) override;
    void write_zeroes(uint64_t offset, uint64_t len, bool may_unmap, Completion done) override;

private:
    void enqueue(std::function<void()> job);
    void run();

    BlockImage m_image;
    std::mutex m_lock;
    std::condition_variable m_wake;
    std::deque<std::function<void()>> m_jobs;
    bool m_stopping { false };
    std::thread m_worker;
};

} // namespace xenith
