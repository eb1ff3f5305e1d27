// Synchronous block operations: full-length preadv/pwritev, fdatasync, hole punching.
#include "engine/io/block_sync_io.h"

#include <cerrno>
#include <climits>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

namespace xenith::block_io {

void advance(std::vector<iovec>& iov, uint64_t bytes)
{
    size_t i = 0;
    while (i < iov.size() && bytes >= iov[i].iov_len) {
        bytes -= iov[i].iov_len;
        ++i;
    }
    iov.erase(iov.begin(), iov.begin() + static_cast<long>(i));
    if (!iov.empty() && bytes) {
        iov[0].iov_base = static_cast<uint8_t*>(iov[0].iov_base) + bytes;
        iov[0].iov_len -= bytes;
    }
}

template<typename Op>
static int64_t transfer_full(int fd, uint64_t offset, std::vector<iovec> iov, Op op)
{
    int64_t total = 0;
    while (!iov.empty()) {
        int count = static_cast<int>(std::min<size_t>(iov.size(), IOV_MAX));
        ssize_t n = op(fd, iov.data(), count, static_cast<off_t>(offset));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            return -EIO; // end of file: the image shrank under us
        total += n;
        offset += static_cast<uint64_t>(n);
        advance(iov, static_cast<uint64_t>(n));
    }
    return total;
}

int64_t read_full(int fd, uint64_t offset, std::vector<iovec> iov)
{
    return transfer_full(fd, offset, std::move(iov), ::preadv);
}

int64_t write_full(int fd, uint64_t offset, std::vector<iovec> iov)
{
    return transfer_full(fd, offset, std::move(iov), ::pwritev);
}

int64_t flush(int fd)
{
    return ::fdatasync(fd) == 0 ? 0 : -errno;
}

// Zeroes by writing, for files systems and devices that cannot punch or zero ranges.
static int64_t write_zero_bytes(int fd, uint64_t offset, uint64_t len)
{
    static uint8_t const zeros[64 * 1024] = {};
    while (len) {
        size_t n = std::min<uint64_t>(len, sizeof(zeros));
        ssize_t w = ::pwrite(fd, zeros, n, static_cast<off_t>(offset));
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        offset += static_cast<uint64_t>(w);
        len -= static_cast<uint64_t>(w);
    }
    return 0;
}

int64_t discard(int fd, bool block_device, uint64_t offset, uint64_t len)
{
    if (block_device) {
        uint64_t range[2] = { offset, len };
        return ::ioctl(fd, BLKDISCARD, range) == 0 ? 0 : -errno;
    }
    if (::fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(offset), static_cast<off_t>(len)) == 0)
        return 0;
    // Discard is advisory; a file system without holes keeps the data, which is allowed.
    return errno == EOPNOTSUPP ? 0 : -errno;
}

int64_t write_zeroes(int fd, bool block_device, uint64_t offset, uint64_t len, bool may_unmap)
{
    if (block_device) {
        uint64_t range[2] = { offset, len };
        if (::ioctl(fd, BLKZEROOUT, range) == 0)
            return 0;
        return write_zero_bytes(fd, offset, len);
    }
    int mode = may_unmap ? (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE) : (FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE);
    if (::fallocate(fd, mode, static_cast<off_t>(offset), static_cast<off_t>(len)) == 0)
        return 0;
    if (errno != EOPNOTSUPP)
        return -errno;
    return write_zero_bytes(fd, offset, len);
}

} // namespace xenith::block_io
