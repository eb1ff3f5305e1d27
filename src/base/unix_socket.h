// listen_unix_socket: a private (mode 0600) listening UNIX socket, shared by xend's API socket
// and each domain's control and console sockets.
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"
#include "base/unique_fd.h"

namespace xenith {

// Binds and listens on `path` (non-blocking, close-on-exec), replacing a stale socket file.
// The socket is created with mode 0600, with no window in which another user could connect.
// `what` names it in errors: "console socket /run/xenith/...: bind: Permission denied".
Result<UniqueFd> listen_unix_socket(std::string const& path, std::string_view what, int backlog);

// Opens the socket at `path` to the members of `group` (a name or a number): the socket gets
// that group and mode 0660, and its directory, when the group could not search it, gets the
// group and g+x (never anything more). Errors name the group, or the path and errno.
Status share_unix_socket_with_group(std::string const& path, std::string const& group);

} // namespace xenith
