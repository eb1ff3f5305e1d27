#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "base/unix_socket.h"

namespace xenith {
namespace {

TEST(UnixSocket, ListensWithMode0600AndAcceptsAClient)
{
    std::string path = testing::TempDir() + "/xenith-unix-socket-test.sock";
    auto listener = listen_unix_socket(path, "test socket", 4);
    ASSERT_TRUE(listener) << listener.error().message();
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    int client = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    EXPECT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    ::close(client);
    ::unlink(path.c_str());
}

TEST(UnixSocket, ReplacesAStaleSocketFile)
{
    std::string path = testing::TempDir() + "/xenith-unix-socket-stale.sock";
    auto first = listen_unix_socket(path, "test socket", 4);
    ASSERT_TRUE(first);
    first->reset(); // the process that made it is gone; the file stays
    auto second = listen_unix_socket(path, "test socket", 4);
    EXPECT_TRUE(second) << second.error().message();
    ::unlink(path.c_str());
}

TEST(UnixSocket, TooLongPathIsNamedInTheError)
{
    std::string path = "/tmp/" + std::string(200, 'x');
    auto r = listen_unix_socket(path, "console socket", 4);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message().find("console socket"), std::string::npos);
    EXPECT_NE(r.error().message().find("path must be"), std::string::npos);
}

TEST(UnixSocket, UnwritableDirectoryFailsWithBind)
{
    auto r = listen_unix_socket("/proc/xenith-test.sock", "control socket", 4);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message().find("control socket /proc/xenith-test.sock: bind"), std::string::npos);
}

} // namespace
} // namespace xenith
