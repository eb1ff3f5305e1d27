// BlockBackend: where a virtual disk's sectors live (Xen's file:, tap:aio:, phy: backends).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <sys/uio.h>

#include "base/error.h"

namespace xenith {

class EventLoop;

enum class BlockBackendKind {
    File, // file: plain file I/O on a worker thread
    Aio,  // tap:aio: io_uring with batched submission, completions on the domain's I/O thread
    Phy,  // phy: a host block device or any path, on a worker thread, O_DIRECT optional
};

enum class Access {
    ReadOnly,
    ReadWrite,
};

struct BlockOptions {
    std::string path;
    BlockBackendKind kind { BlockBackendKind::File };
    Access access { Access::ReadWrite };
    bool direct { false };       // O_DIRECT (bypass the host page cache)
    std::string owner;           // the domain's name, recorded with the image lock
    EventLoop* loop { nullptr }; // needed by Aio for completions
};

// Threading: requests may be issued from any thread (vCPU threads, in practice); their
// completions run on a worker thread (File, Phy) or the event loop thread (Aio). Requests on one
// backend complete in issue order only for File/Phy; callers needing order (flush after writes)
// wait for completions, as guests do. The iovecs must stay valid until the completion runs.
class BlockBackend {
public:
    // >= 0: bytes transferred (0 for flush/discard); < 0: -errno.
    using Completion = std::function<void(int64_t result)>;

    virtual ~BlockBackend() = default;

    virtual std::string const& path() const = 0;
    virtual uint64_t size() const = 0;
    virtual bool read_only() const = 0;

    virtual void read(uint64_t offset, std::vector<iovec> iov, Completion done) = 0;
    virtual void write(uint64_t offset, std::vector<iovec> iov, Completion done) = 0;
    // Durability point: fdatasync().
    virtual void flush(Completion done) = 0;
    // Deallocates [offset, offset+len): reads back as zeros, the host file gets a hole.
    virtual void discard(uint64_t offset, uint64_t len, Completion done) = 0;
    // Zeroes [offset, offset+len); with `may_unmap`, by punching a hole.
    virtual void write_zeroes(uint64_t offset, uint64_t len, bool may_unmap, Completion done) = 0;
    // End of a batch of requests: backends that queue (io_uring) submit now.
    virtual void submit() { }
};

// Opens the image, takes its lock (exclusive when writable) and starts the backend.
Result<std::unique_ptr<BlockBackend>> open_block_backend(BlockOptions const& options);

} // namespace xenith
