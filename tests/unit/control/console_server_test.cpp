// ConsoleServer: history replay, live output, input, log file, over a real UNIX socket.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <poll.h>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

#include "engine/io/console_server.h"

using namespace xenith;

namespace {

std::span<uint8_t const> bytes(std::string const& s) { return { reinterpret_cast<uint8_t const*>(s.data()), s.size() }; }

struct TempDir {
    std::string path;
    TempDir()
    {
        char tmpl[] = "/tmp/xenith-console-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() { std::system(("rm -rf " + path).c_str()); }
};

int connect_to(std::string const& path)
{
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, path.c_str());
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Reads until `want` has been seen or 2 s pass.
std::string read_until(int fd, std::string const& want)
{
    std::string got;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (got.find(want) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
        pollfd p { fd, POLLIN, 0 };
        if (::poll(&p, 1, 50) <= 0)
            continue;
        char buf[4096];
        ssize_t n = ::read(fd, buf, sizeof(buf));
        if (n <= 0)
            break;
        got.append(buf, size_t(n));
    }
    return got;
}

class ConsoleServerTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        loop = std::move(EventLoop::create().value());
        loop->start();
    }
    void TearDown() override
    {
        // The loop thread may be inside a callback of the server: stop it first.
        loop->stop();
        loop->join();
        server.reset();
    }
    void make(size_t limit, bool with_log = true)
    {
        ConsoleServerOptions options;
        options.socket_path = dir.path + "/console.sock";
        options.log_path = with_log ? dir.path + "/console.log" : "";
        options.history_limit = limit;
        auto created = ConsoleServer::create(*loop, options);
        ASSERT_TRUE(created) << created.error().message();
        server = std::move(*created);
    }
    void wait_clients(size_t n)
    {
        for (int i = 0; i < 200 && server->client_count() != n; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        ASSERT_EQ(server->client_count(), n);
    }

    TempDir dir;
    std::unique_ptr<EventLoop> loop;
    std::unique_ptr<ConsoleServer> server;
};

} // namespace

TEST_F(ConsoleServerTest, SocketIsPrivate)
{
    make(1024);
    struct stat st {};
    ASSERT_EQ(::stat((dir.path + "/console.sock").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(ConsoleServerTest, LateClientSeesOutputWrittenWhileNobodyWasAttached)
{
    make(1024);
    server->write(bytes("xenith-guest: ready uptime=1.0\n"));
    int fd = connect_to(dir.path + "/console.sock");
    ASSERT_GE(fd, 0);
    EXPECT_NE(read_until(fd, "ready").find("xenith-guest: ready uptime=1.0"), std::string::npos);
    ::close(fd);
}

TEST_F(ConsoleServerTest, HistoryIsBoundedByLimitButLogKeepsEverything)
{
    make(8);
    server->write(bytes("0123456789ABCDEF"));
    int fd = connect_to(dir.path + "/console.sock");
    ASSERT_GE(fd, 0);
    EXPECT_EQ(read_until(fd, "89ABCDEF"), "89ABCDEF");
    ::close(fd);
    std::ifstream log(dir.path + "/console.log");
    std::stringstream contents;
    contents << log.rdbuf();
    EXPECT_EQ(contents.str(), "0123456789ABCDEF");
}

TEST_F(ConsoleServerTest, LiveOutputReachesEveryAttachedClient)
{
    make(1024);
    int a = connect_to(dir.path + "/console.sock");
    int b = connect_to(dir.path + "/console.sock");
    wait_clients(2);
    server->write(bytes("login: "));
    EXPECT_EQ(read_until(a, "login: "), "login: ");
    EXPECT_EQ(read_until(b, "login: "), "login: ");
    ::close(a);
    ::close(b);
    wait_clients(0);
}

TEST_F(ConsoleServerTest, ClientBytesBecomeGuestInput)
{
    make(1024);
    std::mutex lock;
    std::string input;
    server->set_input_handler([&](std::span<uint8_t const> in) {
        std::lock_guard guard(lock);
        input.append(in.begin(), in.end());
    });
    int fd = connect_to(dir.path + "/console.sock");
    ASSERT_EQ(::write(fd, "root\n", 5), 5);
    for (int i = 0; i < 200; ++i) {
        {
            std::lock_guard guard(lock);
            if (input == "root\n")
                break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::lock_guard guard(lock);
    EXPECT_EQ(input, "root\n");
    ::close(fd);
}

TEST_F(ConsoleServerTest, UnwritableLogDirectoryIsAnError)
{
    ConsoleServerOptions options;
    options.socket_path = dir.path + "/console.sock";
    options.log_path = dir.path + "/no/such/dir/console.log";
    auto created = ConsoleServer::create(*loop, options);
    ASSERT_FALSE(created);
    EXPECT_NE(created.error().message().find("no/such/dir/console.log"), std::string::npos);
}

TEST_F(ConsoleServerTest, TooLongSocketPathIsAnError)
{
    ConsoleServerOptions options;
    options.socket_path = dir.path + "/" + std::string(200, 'x');
    auto created = ConsoleServer::create(*loop, options);
    ASSERT_FALSE(created);
    EXPECT_NE(created.error().message().find("path must be"), std::string::npos);
}

TEST_F(ConsoleServerTest, SlowClientDoesNotBlockTheGuest)
{
    make(1024, false);
    int fd = connect_to(dir.path + "/console.sock");
    wait_clients(1);
    std::string chunk(64 * 1024, 'x');
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 64; ++i) // 4 MiB, more than the socket buffer plus kMaxPending
        server->write(bytes(chunk));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
    ::close(fd);
}
