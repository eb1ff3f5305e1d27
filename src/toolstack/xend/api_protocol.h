// The xend API wire format, shared by xend and xm: JSON objects, one per line, over a UNIX
// socket. Request: {"version":1,"op":"list",...arguments}. Reply: {"version":1,"ok":true,
// "result":{...}} or {"version":1,"ok":false,"error":"one line a user can act on"}.
// Header-only so xm can use it without linking xend.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/error.h"

namespace xenith::api {

inline constexpr int kVersion = 1;
// A request or reply line longer than this is refused (a peer that never sends '\n').
inline constexpr size_t kMaxLine = 4 * 1024 * 1024;

inline nlohmann::json request(std::string_view op, nlohmann::json args = nlohmann::json::object())
{
    args["version"] = kVersion;
    args["op"] = op;
    return args;
}

inline nlohmann::json ok_reply(nlohmann::json result = nlohmann::json::object())
{
    return { { "version", kVersion }, { "ok", true }, { "result", std::move(result) } };
}

inline nlohmann::json error_reply(std::string_view message)
{
    return { { "version", kVersion }, { "ok", false }, { "error", message } };
}

struct Request {
    std::string op;
    nlohmann::json args; // the whole object, op and version included
};

// Server side: one line in, a request or the error to send back.
inline Result<Request> decode_request(std::string_view line)
{
    auto json = nlohmann::json::parse(line, nullptr, false);
    if (json.is_discarded() || !json.is_object())
        return fail("request is not a JSON object");
    auto version = json.find("version");
    if (version == json.end() || !version->is_number_integer())
        return fail("request has no \"version\"; this xend speaks API version {}", kVersion);
    if (version->get<int64_t>() != kVersion)
        return fail("API version {} is not supported; this xend speaks version {}", version->dump(), kVersion);
    auto op = json.find("op");
    if (op == json.end() || !op->is_string() || op->get<std::string>().empty())
        return fail("request has no \"op\"");
    return Request { op->get<std::string>(), std::move(json) };
}

// Client side: one reply line in, the result or xend's error.
inline Result<nlohmann::json> decode_reply(std::string_view line)
{
    auto json = nlohmann::json::parse(line, nullptr, false);
    if (json.is_discarded() || !json.is_object() || !json.contains("ok") || !json["ok"].is_boolean())
        return fail("xend sent a malformed reply");
    if (!json["ok"].get<bool>())
        return fail(json.value("error", std::string("xend reported an error without a message")));
    auto result = json.find("result");
    return result == json.end() ? nlohmann::json::object() : *result;
}

// Typed argument access for handlers: a missing or mistyped argument is the client's error.
inline Result<std::string> string_arg(nlohmann::json const& args, char const* key)
{
    auto it = args.find(key);
    if (it == args.end() || !it->is_string() || it->get<std::string>().empty())
        return fail("request needs \"{}\" (a non-empty string)", key);
    return it->get<std::string>();
}

inline Result<uint64_t> unsigned_arg(nlohmann::json const& args, char const* key)
{
    auto it = args.find(key);
    // Parsed JSON holds non-negative numbers as unsigned, JSON built in C++ from int as signed.
    if (it == args.end() || !it->is_number_integer() || (!it->is_number_unsigned() && it->get<int64_t>() < 0))
        return fail("request needs \"{}\" (a non-negative integer)", key);
    return it->get<uint64_t>();
}

} // namespace xenith::api
