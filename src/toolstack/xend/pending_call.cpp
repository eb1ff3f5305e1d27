// PendingCall: a JSON-lines request whose reply an event loop collects.
#include "toolstack/xend/pending_call.h"

namespace xenith {

Result<PendingCall> PendingCall::start(std::string const& path, nlohmann::json const& request)
{
    auto client = XENITH_TRY(LineClient::connect(path));
    XENITH_TRY(client.send_line(request.dump()));
    return PendingCall(std::move(client));
}

std::optional<Result<nlohmann::json>> PendingCall::read_reply()
{
    auto line = m_client.read_line_now();
    if (!line)
        return std::nullopt;
    if (!*line)
        return std::unexpected(line->error());
    return m_client.parse_reply(**line);
}

} // namespace xenith
