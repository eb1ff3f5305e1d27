// listen_unix_socket: socket, bind under a private umask, listen.
#include "base/unix_socket.h"

#include <cstring>
#include <grp.h>
#include <vector>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace xenith {

Result<UniqueFd> listen_unix_socket(std::string const& path, std::string_view what, int backlog)
{
    sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(addr.sun_path))
        return fail("{} '{}': path must be 1..{} bytes", what, path, sizeof(addr.sun_path) - 1);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd)
        return fail_errno(fmt::format("{}: socket()", what));
    ::unlink(path.c_str()); // a stale socket from a previous run
    mode_t old_mask = ::umask(0177);
    int bound = ::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::umask(old_mask);
    if (bound != 0)
        return fail_errno(fmt::format("{} {}: bind", what, path));
    if (::listen(fd.get(), backlog) != 0)
        return fail_errno(fmt::format("{} {}: listen", what, path));
    return fd;
}

Status share_unix_socket_with_group(std::string const& path, std::string const& group)
{
    gid_t gid;
    if (!group.empty() && group.find_first_not_of("0123456789") == std::string::npos && group.size() < 10) {
        gid = gid_t(std::stoul(group));
    } else {
        std::vector<char> buffer(16384);
        struct group entry {};
        struct group* found = nullptr;
        int rc = ::getgrnam_r(group.c_str(), &entry, buffer.data(), buffer.size(), &found);
        if (rc != 0 || !found)
            return fail("group '{}' does not exist (xend-unix-group names a group of /etc/group, or a gid)", group);
        gid = found->gr_gid;
    }
    if (::chown(path.c_str(), uid_t(-1), gid) != 0)
        return fail_errno(fmt::format("{}: chown to group {}", path, group));
    if (::chmod(path.c_str(), 0660) != 0)
        return fail_errno(fmt::format("{}: chmod 0660", path));
    auto slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0)
        return fail_errno(fmt::format("{}: stat", dir));
    if ((st.st_mode & S_IXOTH) || (st.st_gid == gid && (st.st_mode & S_IXGRP)))
        return {};
    // Only xend's own directory (e.g. /run/xenith, made 0700) is changed; anything else is the
    // administrator's to open.
    if (st.st_uid != ::geteuid())
        return fail("group {} cannot reach {}: its directory {} is not searchable by the group, and not xend's to change", group, path, dir);
    if (::chown(dir.c_str(), uid_t(-1), gid) != 0)
        return fail_errno(fmt::format("{}: chown to group {}", dir, group));
    if (::chmod(dir.c_str(), (st.st_mode & 07777) | S_IXGRP) != 0)
        return fail_errno(fmt::format("{}: chmod g+x", dir));
    return {};
}

} // namespace xenith
