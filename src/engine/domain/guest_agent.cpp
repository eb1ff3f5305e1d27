// GuestAgent: tagged request lines out, answer lines in, with timeouts; the vcpu-set request.
#include "engine/domain/guest_agent.h"

#include <charconv>

#include "base/log.h"

namespace xenith {

namespace {

std::string seconds(std::chrono::milliseconds ms) { return fmt::format("{:g} s", double(ms.count()) / 1000.0); }

bool is_answer(std::string_view rest)
{
    for (std::string_view verb : { "ok", "error" }) {
        if (rest.starts_with(verb) && (rest.size() == verb.size() || rest[verb.size()] == ' '))
            return true;
    }
    return false;
}

} // namespace

std::optional<std::vector<unsigned>> parse_cpu_list(std::string_view text)
{
    std::vector<unsigned> cpus;
    auto number = [](std::string_view s) -> std::optional<unsigned> {
        unsigned v = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec != std::errc() || end != s.data() + s.size() || s.empty() || v > 4096)
            return std::nullopt;
        return v;
    };
    if (text.empty())
        return cpus;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t comma = text.find(',', pos);
        std::string_view item = text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
        size_t dash = item.find('-');
        auto first = number(item.substr(0, dash));
        auto last = dash == std::string_view::npos ? first : number(item.substr(dash + 1));
        if (!first || !last || *last < *first)
            return std::nullopt;
        for (unsigned c = *first; c <= *last; ++c)
            cpus.push_back(c);
        if (comma == std::string_view::npos)
            break;
        pos = comma + 1;
    }
    return cpus;
}

GuestAgent::GuestAgent(std::string domain_name, Timeouts timeouts)
    : m_domain_name(domain_name.empty() ? std::string("(unnamed)") : std::move(domain_name))
    , m_timeouts(timeouts)
{
}

void GuestAgent::set_input_handler(InputHandler handler)
{
    std::lock_guard guard(m_lock);
    m_send = std::move(handler);
}

void GuestAgent::write(std::span<uint8_t const> bytes)
{
    std::vector<std::string> lines;
    {
        std::lock_guard guard(m_lock);
        for (uint8_t b : bytes) {
            if (b == '\n') {
                lines.push_back(std::move(m_partial));
                m_partial.clear();
            } else if (b != '\r' && m_partial.size() < max_line) {
                m_partial.push_back(char(b));
            }
        }
    }
    for (auto& line : lines)
        on_line(std::move(line));
}

void GuestAgent::on_line(std::string line)
{
    std::lock_guard guard(m_lock);
    size_t space = line.find(' ');
    std::string_view tag = std::string_view(line).substr(0, space);
    std::string_view rest = space == std::string::npos ? std::string_view() : std::string_view(line).substr(space + 1);
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(tag.data(), tag.data() + tag.size(), value);
    if (ec != std::errc() || end != tag.data() + tag.size() || value == 0 || value != m_waiting_tag || !is_answer(rest)) {
        log::debug("domain {}: guest agent line ignored: {}", m_domain_name, line);
        return;
    }
    m_answer = std::string(rest);
    m_answered.notify_all();
}

void GuestAgent::shutdown()
{
    std::lock_guard guard(m_lock);
    m_shutdown = true;
    m_answered.notify_all();
}

Result<std::optional<std::string>> GuestAgent::exchange(std::string const& request, std::chrono::milliseconds timeout)
{
    InputHandler send;
    std::string line;
    uint64_t tag;
    {
        std::lock_guard guard(m_lock);
        if (m_shutdown)
            return fail("domain {}: the domain is shutting down; '{}' was not sent to the guest agent", m_domain_name, request);
        if (!m_send)
            return fail("domain {}: the guest agent channel is not connected to a device", m_domain_name);
        tag = m_next_tag++;
        m_waiting_tag = tag;
        m_answer.reset();
        send = m_send;
        line = fmt::format("{} {}\n", tag, request);
    }
    // Outside the lock: the device may deliver at once and the guest may answer on another
    // vCPU thread before send() returns.
    send(std::span(reinterpret_cast<uint8_t const*>(line.data()), line.size()));

    std::unique_lock guard(m_lock);
    bool done = m_answered.wait_for(guard, timeout, [&] { return m_shutdown || m_answer.has_value(); });
    m_waiting_tag = 0;
    if (m_answer) {
        auto answer = std::move(m_answer);
        m_answer.reset();
        return answer;
    }
    if (m_shutdown)
        return fail("domain {}: the domain is shutting down; the guest agent did not answer '{}'", m_domain_name, request);
    (void)done;
    return std::optional<std::string>();
}

Result<std::string> GuestAgent::call(std::string const& request)
{
    std::lock_guard serial(m_call_lock);
    std::string verb = request.substr(0, request.find(' '));
    // A ping first: a request is only sent to an agent that is listening, so it cannot sit in
    // a buffer and take effect long after we reported a failure.
    auto hello = XENITH_TRY(exchange("ping", m_timeouts.hello));
    if (!hello)
        return fail("domain {}: no guest agent answered on virtio-console port {} within {}; {} needs the xenith guest agent "
                    "(/etc/xenith/agent in the guest kit) running in the guest",
            m_domain_name, port_name, seconds(m_timeouts.hello), verb);
    auto answer = XENITH_TRY(exchange(request, m_timeouts.request));
    if (!answer)
        return fail("domain {}: the guest agent did not finish '{}' within {}", m_domain_name, request, seconds(m_timeouts.request));
    return *answer;
}

Result<std::string> GuestAgent::set_online_vcpus(unsigned count, unsigned max)
{
    if (count == 0)
        return fail("domain {}: vcpu-set 0: a domain needs at least one vCPU", m_domain_name);
    if (count > max)
        return fail("domain {}: vcpu-set {}: the domain has maxvcpus {}; raise maxvcpus in its config and restart it for more",
            m_domain_name, count, max);
    auto answer = XENITH_TRY(call(fmt::format("vcpu-set {}", count)));
    if (answer.starts_with("error"))
        return fail("domain {}: vcpu-set {}: the guest agent answered: {}", m_domain_name, count,
            answer.size() > 6 ? answer.substr(6) : std::string("error"));
    // "ok online=0-3"
    std::string online;
    size_t at = answer.find("online=");
    if (at != std::string::npos) {
        online = answer.substr(at + 7);
        online = online.substr(0, online.find(' '));
    }
    auto cpus = parse_cpu_list(online);
    if (at == std::string::npos || !cpus)
        return fail("domain {}: vcpu-set {}: the guest agent's answer '{}' has no online=CPU-LIST", m_domain_name, count, answer);
    std::vector<unsigned> wanted;
    for (unsigned c = 0; c < count; ++c)
        wanted.push_back(c);
    if (*cpus != wanted)
        return fail("domain {}: vcpu-set {}: the guest reports vCPUs {} online instead of {}", m_domain_name, count,
            online.empty() ? "(none)" : online, count == 1 ? std::string("0") : fmt::format("0-{}", count - 1));
    log::info("domain {}: vcpu-set {}: guest vCPUs {} online", m_domain_name, count, online);
    return online;
}

Status GuestAgent::sysrq(char key)
{
    if (!is_sysrq_key(key))
        return fail("domain {}: sysrq: a key is one printable character (h, s, u, b, ...)", m_domain_name);
    auto answer = XENITH_TRY(call(fmt::format("sysrq {}", key)));
    if (answer.starts_with("error"))
        return fail("domain {}: sysrq {}: the guest agent answered: {}", m_domain_name, key,
            answer.size() > 6 ? answer.substr(6) : std::string("error"));
    log::info("domain {}: sysrq {} sent to the guest", m_domain_name, key);
    return {};
}

} // namespace xenith
