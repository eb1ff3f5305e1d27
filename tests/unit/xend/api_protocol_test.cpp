// The xend API codec: versioned JSON lines, errors a user can read.
#include <gtest/gtest.h>

#include "toolstack/xend/api_protocol.h"

using namespace xenith;

TEST(ApiProtocol, RequestCarriesVersionAndOp)
{
    auto r = api::request("list", { { "long", true } });
    EXPECT_EQ(r.dump(), R"({"long":true,"op":"list","version":1})");
}

TEST(ApiProtocol, DecodeRoundTrip)
{
    auto decoded = api::decode_request(api::request("destroy", { { "domain", "web" } }).dump());
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->op, "destroy");
    EXPECT_EQ(decoded->args["domain"], "web");
}

TEST(ApiProtocol, NotJson)
{
    auto decoded = api::decode_request("list please");
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().message(), "request is not a JSON object");
}

TEST(ApiProtocol, JsonButNotAnObject)
{
    EXPECT_FALSE(api::decode_request("[\"list\"]"));
    EXPECT_FALSE(api::decode_request("\"list\""));
}

TEST(ApiProtocol, MissingVersion)
{
    auto decoded = api::decode_request(R"({"op":"list"})");
    ASSERT_FALSE(decoded);
    EXPECT_NE(decoded.error().message().find("version"), std::string::npos);
}

TEST(ApiProtocol, FutureVersionRefusedNamingBoth)
{
    auto decoded = api::decode_request(R"({"version":2,"op":"list"})");
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().message(), "API version 2 is not supported; this xend speaks version 1");
}

TEST(ApiProtocol, VersionAsStringRefused)
{
    EXPECT_FALSE(api::decode_request(R"({"version":"1","op":"list"})"));
}

TEST(ApiProtocol, MissingOrEmptyOp)
{
    EXPECT_FALSE(api::decode_request(R"({"version":1})"));
    EXPECT_FALSE(api::decode_request(R"({"version":1,"op":""})"));
    EXPECT_FALSE(api::decode_request(R"({"version":1,"op":7})"));
}

TEST(ApiProtocol, OkReplyDecodesToResult)
{
    auto result = api::decode_reply(api::ok_reply({ { "id", 3 } }).dump());
    ASSERT_TRUE(result);
    EXPECT_EQ((*result)["id"], 3);
}

TEST(ApiProtocol, ErrorReplyDecodesToItsMessage)
{
    auto result = api::decode_reply(api::error_reply("Domain 'x' does not exist.").dump());
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().message(), "Domain 'x' does not exist.");
}

TEST(ApiProtocol, MalformedReply)
{
    EXPECT_FALSE(api::decode_reply("garbage"));
    EXPECT_FALSE(api::decode_reply(R"({"version":1})"));
    EXPECT_FALSE(api::decode_reply(R"({"ok":"yes"})"));
}

TEST(ApiProtocol, TypedArguments)
{
    nlohmann::json args = { { "domain", "web" }, { "mib", 128 }, { "neg", -1 }, { "empty", "" } };
    EXPECT_EQ(api::string_arg(args, "domain").value(), "web");
    EXPECT_FALSE(api::string_arg(args, "empty"));
    EXPECT_FALSE(api::string_arg(args, "mib"));
    EXPECT_EQ(api::unsigned_arg(args, "mib").value(), 128u);
    EXPECT_FALSE(api::unsigned_arg(args, "neg"));
    EXPECT_FALSE(api::unsigned_arg(args, "domain"));
}
