// BlockImage: an opened disk image or device with its size and its cross-domain lock.
#pragma once

#include <cstdint>
#include <string>

#include "base/error.h"
#include "base/unique_fd.h"
#include "engine/io/block_backend.h"

namespace xenith {

// Xen refuses to give one image to two domains writable. We take flock() on the image: exclusive
// for a writable disk, shared for a read-only one, so a writer excludes everyone and readers
// share. flock belongs to the open file description, so two opens in one process conflict too.
// The holder writes "domain NAME pid PID" to a sidecar file (.IMAGE.xenith-owner next to a
// regular image) so a refused opener can say who holds it; the flock, not the sidecar, is the
// truth, so a stale sidecar after a crash is harmless.
class BlockImage {
public:
    static Result<BlockImage> open(BlockOptions const& options);

    BlockImage(BlockImage&&) noexcept = default;
    BlockImage& operator=(BlockImage&&) noexcept = default;
    ~BlockImage();

    int fd() const { return m_fd.get(); }
    std::string const& path() const { return m_path; }
    uint64_t size() const { return m_size; }
    bool read_only() const { return m_read_only; }
    bool is_block_device() const { return m_block_device; }

    // The sidecar recording the holder of `path`'s lock.
    static std::string owner_file(std::string const& path);

private:
    BlockImage() = default;

    UniqueFd m_fd;
    std::string m_path;
    std::string m_owner_file; // written by us, removed on close
    uint64_t m_size { 0 };
    bool m_read_only { false };
    bool m_block_device { false };
};

} // namespace xenith
