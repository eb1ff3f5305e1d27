// SlirpBackend tests: the NAT answers ARP, and a host port forward reaches the guest.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "engine/io/slirp_backend.h"

namespace xenith {
namespace {

constexpr uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

class FrameCollector {
public:
    bool take(std::span<uint8_t const> frame)
    {
        std::lock_guard guard(m_lock);
        m_frames.emplace_back(frame.begin(), frame.end());
        m_cv.notify_all();
        return true;
    }
    // The first collected frame matching `pred`, waiting up to 5 s.
    template<typename P>
    std::optional<std::vector<uint8_t>> wait_for(P pred)
    {
        std::unique_lock guard(m_lock);
        std::optional<std::vector<uint8_t>> found;
        m_cv.wait_for(guard, std::chrono::seconds(5), [&] {
            for (auto const& f : m_frames) {
                if (pred(f)) {
                    found = f;
                    return true;
                }
            }
            return false;
        });
        return found;
    }

private:
    std::mutex m_lock;
    std::condition_variable m_cv;
    std::vector<std::vector<uint8_t>> m_frames;
};

uint16_t ethertype(std::vector<uint8_t> const& f) { return f.size() >= 14 ? uint16_t(f[12] << 8 | f[13]) : 0; }

std::vector<uint8_t> arp_request_for(char const* target_ip)
{
    std::vector<uint8_t> f(42, 0);
    std::fill(f.begin(), f.begin() + 6, 0xff);
    std::copy(guest_mac, guest_mac + 6, f.begin() + 6);
    f[12] = 0x08, f[13] = 0x06;             // ARP
    f[14] = 0x00, f[15] = 0x01;             // Ethernet
    f[16] = 0x08, f[17] = 0x00;             // IPv4
    f[18] = 6, f[19] = 4, f[20] = 0, f[21] = 1; // request
    std::copy(guest_mac, guest_mac + 6, f.begin() + 22);
    inet_pton(AF_INET, "10.0.2.15", f.data() + 28);
    inet_pton(AF_INET, target_ip, f.data() + 38);
    return f;
}

uint16_t free_tcp_port()
{
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    ::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(s);
    return ntohs(addr.sin_port);
}

TEST(SlirpBackend, ParsesForwardSpellings)
{
    auto a = SlirpBackend::parse_forward("tcp:2222:22");
    ASSERT_TRUE(a);
    EXPECT_FALSE(a->udp);
    EXPECT_EQ(a->host_addr, "127.0.0.1");
    EXPECT_EQ(a->host_port, 2222);
    EXPECT_EQ(a->guest_port, 22);
    auto b = SlirpBackend::parse_forward("udp:0.0.0.0:5353:53");
    ASSERT_TRUE(b);
    EXPECT_TRUE(b->udp);
    EXPECT_EQ(b->host_addr, "0.0.0.0");
    EXPECT_TRUE(SlirpBackend::parse_forward("8080:80"));
    EXPECT_FALSE(SlirpBackend::parse_forward("tcp:2222"));
    EXPECT_FALSE(SlirpBackend::parse_forward("tcp:99999:22"));
    EXPECT_FALSE(SlirpBackend::parse_forward("tcp:nohost:1:2"));
    auto bad = SlirpBackend::parse_forward("sctp:1:2");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message().find("sctp:1:2"), std::string::npos);
}

TEST(SlirpBackend, AnswersArpForGateway)
{
    auto backend = SlirpBackend::create({});
    ASSERT_TRUE(backend) << backend.error().message();
    FrameCollector frames;
    ASSERT_TRUE((*backend)->start([&](std::span<uint8_t const> f) { return frames.take(f); }));
    (*backend)->send(arp_request_for("10.0.2.2"));
    auto reply = frames.wait_for([](auto const& f) { return ethertype(f) == 0x0806 && f.size() >= 42 && f[21] == 2; });
    ASSERT_TRUE(reply);
    EXPECT_TRUE(std::equal(guest_mac, guest_mac + 6, reply->begin())); // addressed to the guest
    uint8_t gateway[4];
    inet_pton(AF_INET, "10.0.2.2", gateway);
    EXPECT_TRUE(std::equal(gateway, gateway + 4, reply->begin() + 28));
}

TEST(SlirpBackend, PortForwardReachesGuest)
{
    uint16_t port = free_tcp_port();
    auto backend = SlirpBackend::create({ fmt::format("tcp:{}:22", port) });
    ASSERT_TRUE(backend) << backend.error().message();
    EXPECT_NE((*backend)->describe().find(fmt::format("127.0.0.1:{} -> guest:22", port)), std::string::npos);
    FrameCollector frames;
    ASSERT_TRUE((*backend)->start([&](std::span<uint8_t const> f) { return frames.take(f); }));
    (*backend)->send(arp_request_for("10.0.2.2")); // slirp learns the guest's MAC

    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0) << strerror(errno);
    // slirp accepts and opens the connection to the guest: a TCP SYN to 10.0.2.15:22.
    auto syn = frames.wait_for([](auto const& f) {
        if (ethertype(f) != 0x0800 || f.size() < 54 || f[23] != 6)
            return false;
        size_t ihl = (f[14] & 0xf) * 4;
        uint16_t dport = uint16_t(f[14 + ihl + 2] << 8 | f[14 + ihl + 3]);
        uint8_t flags = f[14 + ihl + 13];
        return dport == 22 && (flags & 0x02);
    });
    ::close(s);
    EXPECT_TRUE(syn);
}

TEST(SlirpBackend, ForwardOnBusyPortFailsClearly)
{
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    ::listen(s, 1);
    socklen_t len = sizeof(addr);
    ::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
    auto backend = SlirpBackend::create({ fmt::format("tcp:{}:22", ntohs(addr.sin_port)) });
    ::close(s);
    ASSERT_FALSE(backend);
    EXPECT_NE(backend.error().message().find(std::to_string(ntohs(addr.sin_port))), std::string::npos);
}

} // namespace
} // namespace xenith
