// listen_unix_socket: socket, bind under a private umask, listen.
#include "base/unix_socket.h"

#include <cstring>
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

} // namespace xenith
