// LineClient: a blocking JSON-lines client for a UNIX socket, with a deadline on every call.
// xm uses it to talk to xend; xend uses it to talk to each xenith-vm's control socket.
// Header-only so xm can use it without linking xend.
#pragma once

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/unique_fd.h"

namespace xenith {

class LineClient {
public:
    static Result<LineClient> connect(std::string const& path)
    {
        sockaddr_un addr {};
        addr.sun_family = AF_UNIX;
        if (path.empty() || path.size() >= sizeof(addr.sun_path))
            return fail("socket path '{}' is too long", path);
        std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
        UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        if (!fd)
            return fail_errno("socket()");
        if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
            return fail_errno(fmt::format("connect {}", path));
        return LineClient(std::move(fd), path);
    }

    // Sends one request line and waits up to `timeout` for one reply line.
    Result<std::string> call_raw(std::string const& line, std::chrono::milliseconds timeout)
    {
        XENITH_TRY(send_line(line));
        auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            if (auto reply = read_line_now())
                return std::move(*reply);
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0)
                return fail("{}: no reply within {} ms", m_path, timeout.count());
            pollfd p { m_fd.get(), POLLIN, 0 };
            if (::poll(&p, 1, int(left.count())) < 0 && errno != EINTR)
                return fail_errno(fmt::format("{}: poll", m_path));
        }
    }

    Result<nlohmann::json> call_json(nlohmann::json const& request, std::chrono::milliseconds timeout)
    {
        return parse_reply(XENITH_TRY(call_raw(request.dump(), timeout)));
    }

    // The pieces of a call, for callers with their own poll loop (xend's PendingCall).
    // Sends `line` and its newline (requests are small and the peer is local: this does not
    // wait in practice).
    Status send_line(std::string const& line)
    {
        std::string out = line + "\n";
        size_t done = 0;
        while (done < out.size()) {
            ssize_t n = ::send(m_fd.get(), out.data() + done, out.size() - done, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return fail_errno(fmt::format("{}: send", m_path));
            done += size_t(n);
        }
        return {};
    }

    // Takes what has arrived, without waiting: the next reply line once it is complete (or the
    // error that ended the connection), nullopt while it is still on its way.
    std::optional<Result<std::string>> read_line_now()
    {
        for (;;) {
            if (auto newline = m_input.find('\n'); newline != std::string::npos) {
                std::string reply = m_input.substr(0, newline);
                m_input.erase(0, newline + 1);
                return reply;
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
            // A reply longer than this is a broken peer, not a status.
            if (m_input.size() > 64 * 1024 * 1024)
                return fail("{}: reply too long", m_path);
        }
    }

    Result<nlohmann::json> parse_reply(std::string const& line) const
    {
        auto json = nlohmann::json::parse(line, nullptr, false);
        if (json.is_discarded() || !json.is_object())
            return fail("{}: malformed reply", m_path);
        return json;
    }

    int fd() const { return m_fd.get(); }

private:
    LineClient(UniqueFd fd, std::string path)
        : m_fd(std::move(fd))
        , m_path(std::move(path))
    {
    }

    UniqueFd m_fd;
    std::string m_path;
    std::string m_input;
};

} // namespace xenith
