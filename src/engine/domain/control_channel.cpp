// ControlChannel: line-framed JSON requests mapped onto DomainControl calls.
#include "engine/domain/control_channel.h"

#include <cstring>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/log.h"
#include "base/unix_socket.h"
#include "engine/domain/control_hotplug.h"
#include "engine/domain/control_protocol.h"

namespace xenith {

namespace {


// Requests that wait for the guest; they are answered from a worker thread.
bool is_slow(std::string_view line)
{
    auto request = nlohmann::json::parse(line, nullptr, false);
    if (!request.is_object())
        return false;
    auto op = request.value("op", std::string());
    return op == control::kOpVcpuSet || op == control::kOpSysrq;
}

nlohmann::json from_status(Status const& status)
{
    if (!status)
        return control::error_reply(status.error().message());
    return control::ok_reply();
}

} // namespace

Result<std::unique_ptr<ControlChannel>> ControlChannel::create(EventLoop& loop, DomainControl& control, ControlChannelOptions options)
{
    auto listener = XENITH_TRY(listen_unix_socket(options.socket_path, "control socket", 8));
    int listen_fd = listener.get();
    std::unique_ptr<ControlChannel> channel(new ControlChannel(loop, control, std::move(options), std::move(listener)));
    ControlChannel* self = channel.get();
    XENITH_TRY(loop.add(listen_fd, EPOLLIN, [self](uint32_t) { self->on_accept(); }));
    return channel;
}

ControlChannel::ControlChannel(EventLoop& loop, DomainControl& control, ControlChannelOptions options, UniqueFd listener)
    : m_loop(loop)
    , m_control(control)
    , m_options(std::move(options))
    , m_listener(std::move(listener))
{
}

ControlChannel::~ControlChannel()
{
    *m_alive = false;
    reap_workers(true);
    m_loop.remove(m_listener.get());
    for (auto& [fd, connection] : m_connections)
        m_loop.remove(fd);
    ::unlink(m_options.socket_path.c_str());
}

void ControlChannel::on_accept()
{
    for (;;) {
        UniqueFd fd(::accept4(m_listener.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
        if (!fd)
            return;
        int raw = fd.get();
        m_connections[raw] = Connection { std::move(fd), {}, m_next_serial++ };
        if (auto status = m_loop.add(raw, EPOLLIN | EPOLLRDHUP, [this, raw](uint32_t) { on_readable(raw); }); !status) {
            log::warn("control {}: {}", m_options.socket_path, status.error().message());
            m_connections.erase(raw);
        }
    }
}

void ControlChannel::on_readable(int fd)
{
    auto it = m_connections.find(fd);
    if (it == m_connections.end())
        return;
    Connection& connection = it->second;
    char buffer[4096];
    ssize_t n = ::recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        close_connection(fd);
        return;
    }
    connection.input.append(buffer, size_t(n));
    size_t newline;
    while ((newline = connection.input.find('\n')) != std::string::npos) {
        std::string line = connection.input.substr(0, newline);
        connection.input.erase(0, newline + 1);
        if (is_slow(line)) {
            answer_later(fd, std::move(line));
            continue;
        }
        if (!send_reply(fd, handle_line(line) + "\n"))
            return;
    }
    if (connection.input.size() > kMaxLine) {
        log::warn("control {}: request longer than {} bytes; closing the connection", m_options.socket_path, kMaxLine);
        close_connection(fd);
    }
}

bool ControlChannel::send_reply(int fd, std::string const& reply)
{
    // Replies are small; a peer that does not read them is dropped rather than buffered.
    size_t done = 0;
    while (done < reply.size()) {
        ssize_t w = ::send(fd, reply.data() + done, reply.size() - done, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close_connection(fd);
            return false;
        }
        done += size_t(w);
    }
    return true;
}

void ControlChannel::answer_later(int fd, std::string line)
{
    reap_workers(false);
    uint64_t serial = m_connections.at(fd).serial;
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::weak_ptr<bool> alive = m_alive;
    std::thread thread([this, fd, serial, done, alive, line = std::move(line)] {
        std::string reply = handle_line(line) + "\n";
        m_loop.post([this, fd, serial, alive, reply = std::move(reply)] {
            auto still = alive.lock();
            if (!still || !*still)
                return;
            auto it = m_connections.find(fd);
            if (it != m_connections.end() && it->second.serial == serial)
                send_reply(fd, reply);
        });
        *done = true;
    });
    m_workers.push_back({ std::move(thread), std::move(done) });
}

void ControlChannel::reap_workers(bool all)
{
    std::erase_if(m_workers, [all](Worker& w) {
        if (!all && !*w.done)
            return false;
        w.thread.join();
        return true;
    });
}

void ControlChannel::close_connection(int fd)
{
    m_loop.remove(fd);
    m_connections.erase(fd);
}

std::string ControlChannel::handle_line(std::string_view line)
{
    auto request = nlohmann::json::parse(line, nullptr, false);
    if (request.is_discarded() || !request.is_object())
        return control::error_reply("control request is not a JSON object").dump();
    if (request.value("version", -1) != control::kVersion)
        return control::error_reply(fmt::format("control protocol version {} is not supported (this xenith-vm speaks {})",
                                        request.contains("version") ? request["version"].dump() : "missing", control::kVersion))
            .dump();
    auto const op = request.value("op", std::string());

    nlohmann::json reply;
    if (op == control::kOpStatus) {
        auto result = control::status_to_json(m_control.status());
        result["pid"] = ::getpid();
        result["name"] = m_options.domain_name;
        reply = control::ok_reply(result);
    } else if (op == control::kOpIdentify) {
        reply = control::ok_reply({ { "name", m_options.domain_name }, { "pid", ::getpid() }, { "console", m_options.console_path } });
    } else if (op == control::kOpShutdown) {
        reply = from_status(m_control.request_shutdown());
    } else if (op == control::kOpReboot) {
        reply = from_status(m_control.request_reboot());
    } else if (op == control::kOpDestroy) {
        reply = from_status(m_control.destroy());
    } else if (op == control::kOpPause) {
        reply = from_status(m_control.pause());
    } else if (op == control::kOpUnpause) {
        reply = from_status(m_control.unpause());
    } else if (op == control::kOpMemSet) {
        auto mib = request.find("mib");
        if (mib == request.end() || !mib->is_number_unsigned() || mib->get<uint64_t>() == 0)
            reply = control::error_reply("mem-set: \"mib\" must be a positive integer");
        else
            reply = from_status(m_control.set_memory_target(mib->get<uint64_t>()));
    } else if (op == control::kOpVcpuSet) {
        auto count = request.find("count");
        if (count == request.end() || !count->is_number_unsigned() || count->get<uint64_t>() == 0 || count->get<uint64_t>() > 1024)
            reply = control::error_reply("vcpu-set: \"count\" must be an integer from 1 to 1024");
        else
            reply = from_status(m_control.set_online_vcpus(count->get<unsigned>()));
    } else if (op == control::kOpVcpuPin) {
        auto vcpu = request.find("vcpu");
        auto cpus = request.find("cpus");
        std::vector<int> host_cpus;
        bool valid = vcpu != request.end() && vcpu->is_number_unsigned() && cpus != request.end() && cpus->is_array();
        if (valid) {
            for (auto const& cpu : *cpus) {
                if (!cpu.is_number_integer() || cpu.get<int64_t>() < 0 || cpu.get<int64_t>() > 65535) {
                    valid = false;
                    break;
                }
                host_cpus.push_back(cpu.get<int>());
            }
        }
        if (!valid)
            reply = control::error_reply("vcpu-pin: expected {\"vcpu\":N,\"cpus\":[host cpu numbers]}");
        else
            reply = from_status(m_control.pin_vcpu(vcpu->get<unsigned>(), host_cpus));
    } else if (op == control::kOpSysrq) {
        auto key = request.value("key", std::string());
        if (key.size() != 1 || !is_sysrq_key(key[0]))
            reply = control::error_reply("sysrq: \"key\" must be one printable character");
        else
            reply = from_status(m_control.sysrq(key[0]));
    } else if (op == control::kOpDumpCore) {
        auto path = request.value("path", std::string());
        if (path.empty() || path[0] != '/')
            reply = control::error_reply("dump-core: \"path\" must be an absolute file name");
        else
            reply = from_status(m_control.dump_core(path));
    } else if (auto hotplug = control::handle_hotplug_request(m_control.device_hotplug(), op, request)) {
        reply = std::move(*hotplug);
    } else {
        reply = control::error_reply(fmt::format("unknown control operation '{}'", op));
    }
    return reply.dump();
}

} // namespace xenith
