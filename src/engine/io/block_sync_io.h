// Synchronous block operations on an image fd, shared by the worker and io_uring backends.
#pragma once

#include <cstdint>
#include <vector>

#include <sys/uio.h>

namespace xenith::block_io {

// Each returns bytes transferred (0 for the non-data operations) or -errno. Short transfers are
// retried until done; reaching end of file is -EIO.
int64_t read_full(int fd, uint64_t offset, std::vector<iovec> iov);
int64_t write_full(int fd, uint64_t offset, std::vector<iovec> iov);
int64_t flush(int fd);
int64_t discard(int fd, bool block_device, uint64_t offset, uint64_t len);
int64_t write_zeroes(int fd, bool block_device, uint64_t offset, uint64_t len, bool may_unmap);

// Drops the first `bytes` bytes of an iovec list.
void advance(std::vector<iovec>& iov, uint64_t bytes);

} // namespace xenith::block_io
