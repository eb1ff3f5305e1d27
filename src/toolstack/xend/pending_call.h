// PendingCall: one JSON request sent on a UNIX socket whose reply line the caller's poll loop
// collects, so xend can wait for a domain's control socket without blocking its other work.
// It is a LineClient's connection, used in pieces: the request goes out at start() (it is small
// and the peer is local), and read_reply() takes whatever has arrived without waiting.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "toolstack/xend/line_client.h"

namespace xenith {

class PendingCall {
public:
    static Result<PendingCall> start(std::string const& path, nlohmann::json const& request);

    int fd() const { return m_client.fd(); }
    // The reply line as JSON once it is complete (or the connection failed); nullopt while it is
    // still on its way. Call it when fd() is readable; a spurious call is harmless.
    std::optional<Result<nlohmann::json>> read_reply();

private:
    explicit PendingCall(LineClient client)
        : m_client(std::move(client))
    {
    }

    LineClient m_client;
};

} // namespace xenith
