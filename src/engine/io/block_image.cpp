// BlockImage: open, size and lock a disk image.
#include "engine/io/block_image.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/log.h"

namespace xenith {

std::string BlockImage::owner_file(std::string const& path)
{
    std::filesystem::path p(path);
    return (p.parent_path() / fmt::format(".{}.xenith-owner", p.filename().string())).string();
}

static std::string describe_holder(std::string const& path)
{
    std::ifstream in(BlockImage::owner_file(path));
    std::string line;
    if (in && std::getline(in, line) && !line.empty())
        return line;
    return "another domain or process (it holds the image read-only, or left no owner file " + BlockImage::owner_file(path) + ")";
}

Result<BlockImage> BlockImage::open(BlockOptions const& options)
{
    if (options.path.empty())
        return fail("disk has no image path");
    bool read_only = options.access == Access::ReadOnly;
    int flags = (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC;
    if (options.direct)
        flags |= O_DIRECT;
    BlockImage image;
    image.m_path = options.path;
    image.m_read_only = read_only;
    image.m_fd = UniqueFd(::open(options.path.c_str(), flags));
    if (!image.m_fd)
        return fail_errno(fmt::format("disk {}: cannot open {}", options.path, read_only ? "read-only" : "read-write"));

    struct stat st {};
    if (::fstat(image.m_fd.get(), &st) != 0)
        return fail_errno(fmt::format("disk {}: fstat", options.path));
    if (S_ISBLK(st.st_mode)) {
        image.m_block_device = true;
        uint64_t bytes = 0;
        if (::ioctl(image.m_fd.get(), BLKGETSIZE64, &bytes) != 0)
            return fail_errno(fmt::format("disk {}: BLKGETSIZE64", options.path));
        image.m_size = bytes;
    } else if (S_ISREG(st.st_mode)) {
        image.m_size = static_cast<uint64_t>(st.st_size);
    } else {
        return fail("disk {}: not a regular file or block device", options.path);
    }

    if (::flock(image.m_fd.get(), (read_only ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK)
            return fail("disk {} is in use by {}; a disk can be writable in only one domain (shut that domain down, or give every domain access 'r')", options.path, describe_holder(options.path));
        return fail_errno(fmt::format("disk {}: flock", options.path));
    }

    if (!read_only && !image.m_block_device) {
        std::string owner = BlockImage::owner_file(options.path);
        std::ofstream out(owner, std::ios::trunc);
        if (out) {
            out << "domain '" << (options.owner.empty() ? std::string("(unnamed)") : options.owner) << "' (pid " << ::getpid() << ")\n";
            image.m_owner_file = owner;
        } else {
            log::warn("disk {}: cannot write owner file {}; a refused second open will not name this domain", options.path, owner);
        }
    }
    return image;
}

BlockImage::~BlockImage()
{
    if (m_fd.is_valid() && !m_owner_file.empty())
        ::unlink(m_owner_file.c_str());
}

} // namespace xenith
