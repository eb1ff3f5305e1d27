// PendingCall: a JSON-lines request whose reply an event loop collects.
#include "toolstack/xend/pending_call.h"

#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>

namespace xenith {

namespace {

// A reply longer than this is a broken peer, not a status (LineClient has the same bound).
constexpr size_t kMaxReply = 64 * 1024 * 1024;

} // namespace

Result<PendingCall> PendingCall::start(std::string const& path, nlohmann::json const& request)
{
    sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(addr.sun_path))
        return fail("socket path '{}' is too long", path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd)
        return fail_errno("socket()");
    // A UNIX stream connect completes at once or fails; EAGAIN means the listener's backlog is
    // full, which a live xenith-vm never lets happen.
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
        return fail_errno(fmt::format("connect {}", path));
    std::string line = request.dump() + "\n";
    size_t done = 0;
    while (done < line.size()) {
        ssize_t n = ::send(fd.get(), line.data() + done, line.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return fail_errno(fmt::format("{}: send", path));
        done += size_t(n);
    }
    return PendingCall(std::move(fd), path);
}

std::optional<Result<nlohmann::json>> PendingCall::read_reply()
{
    for (;;) {
        if (auto newline = m_input.find('\n'); newline != std::string::npos) {
            auto json = nlohmann::json::parse(m_input.substr(0, newline), nullptr, false);
            if (json.is_discarded() || !json.is_object())
                return fail("{}: malformed reply", m_path);
            return Result<nlohmann::json>(std::move(json));
        }
        char buffer[65536];
        ssize_t n = ::recv(m_fd.get(), buffer, sizeof(buffer), MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return std::nullopt;
        if (n < 0)
            return fail_errno(fmt::format("{}: recv", m_path));
        if (n == 0)
            return fail("{}: connection closed before a reply", m_path);
        m_input.append(buffer, size_t(n));
        if (m_input.size() > kMaxReply)
            return fail("{}: reply too long", m_path);
    }
}

} // namespace xenith
