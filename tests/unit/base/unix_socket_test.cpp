#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <grp.h>
#include <stdlib.h>

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

TEST(UnixSocket, SharedWithAGroupIs0660AndItsDirectoryBecomesSearchable)
{
    char tmpl[] = "/tmp/xenith-unix-socket-group-XXXXXX";
    std::string dir = ::mkdtemp(tmpl);
    ASSERT_EQ(::chmod(dir.c_str(), 0700), 0); // as xend makes RUN_DIR
    std::string path = dir + "/xend.sock";
    auto listener = listen_unix_socket(path, "test socket", 4);
    ASSERT_TRUE(listener) << listener.error().message();
    gid_t gid = ::getegid();
    struct group* own = ::getgrgid(gid);
    ASSERT_NE(own, nullptr);
    auto shared = share_unix_socket_with_group(path, own->gr_name);
    ASSERT_TRUE(shared) << shared.error().message();
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0660u);
    EXPECT_EQ(st.st_gid, gid);
    ASSERT_EQ(::stat(dir.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0710u) << "the group may search the directory, nothing more";
    EXPECT_TRUE(share_unix_socket_with_group(path, std::to_string(gid))) << "a gid works too";

    auto missing = share_unix_socket_with_group(path, "no-such-group-xenith");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message(),
        "group 'no-such-group-xenith' does not exist (xend-unix-group names a group of /etc/group, or a gid)");
    listener->reset();
    std::filesystem::remove_all(dir);
}

} // namespace
} // namespace xenith
