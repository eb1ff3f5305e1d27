// Xend: registry, supervision, lifecycle actions and the API handlers.
#include "toolstack/xend/xend.h"

#include <algorithm>
#include <csignal>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <random>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "base/unix_socket.h"
#include "engine/domain/control_protocol.h"
#include "toolstack/config/config_json.h"
#include "toolstack/config/domain_config_loader.h"
#include "toolstack/xend/line_client.h"
#include "toolstack/xend/xend_log.h"

namespace xenith {

namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

// A domain that restarts this many times, each within kQuickRestartSeconds of starting, is
// destroyed instead of restarted again (Xen does the same against restart loops).
constexpr unsigned kMaxQuickRestarts = 3;
constexpr double kQuickRestartSeconds = 20;
constexpr auto kStartTimeout = 30s;

double now_seconds()
{
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string random_uuid()
{
    std::random_device rd;
    uint8_t b[16];
    for (auto& x : b)
        x = uint8_t(rd());
    b[6] = uint8_t((b[6] & 0x0f) | 0x40);
    b[8] = uint8_t((b[8] & 0x3f) | 0x80);
    return fmt::format("{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
        b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

// Xen's vendor prefix 00:16:3e; chosen once per domain and kept, so the guest's NIC is stable.
std::string random_mac()
{
    std::random_device rd;
    return fmt::format("00:16:3e:{:02x}:{:02x}:{:02x}", rd() & 0x7f, rd() & 0xff, rd() & 0xff);
}

// Domain-0's uptime is the host's, as xl reads it from /proc/uptime.
double host_uptime_seconds()
{
    std::ifstream in("/proc/uptime");
    double seconds = 0;
    in >> seconds;
    return seconds;
}

int pidfd_open(pid_t pid)
{
    return int(::syscall(SYS_pidfd_open, pid, 0));
}

std::string state_letters(DomainRecord const& record, std::optional<DomainStatus> const& status)
{
    if (record.destroying)
        return "-----d";
    switch (record.phase) {
    case DomainPhase::Inactive: return "------";
    case DomainPhase::Shutdown: return "---s--";
    case DomainPhase::Crashed: return "----c-";
    case DomainPhase::Running: break;
    }
    if (!status)
        return record.paused ? "--p---" : "------";
    switch (status->state) {
    case DomainRunState::Running: return "r-----";
    case DomainRunState::Blocked: return "-b----";
    case DomainRunState::Paused: return "--p---";
    case DomainRunState::ShuttingDown: return "---s--";
    case DomainRunState::Crashed: return "----c-";
    }
    return "------";
}

void remove_run_dir(std::string const& dir)
{
    if (dir.empty())
        return;
    for (char const* name : { "/exit", "/exit.tmp", "/control.sock", "/console.sock" })
        ::unlink((dir + name).c_str());
    ::rmdir(dir.c_str());
}

} // namespace

Result<std::unique_ptr<Xend>> Xend::create(XendOptions options)
{
    std::unique_ptr<Xend> xend(new Xend(std::move(options)));
    XENITH_TRY(xend->m_store.prepare());
    XENITH_TRY(make_directories(xend->m_options.dirs.log + "/console"));
    XENITH_TRY(make_directories(xend->m_options.dirs.dump()));
    auto next_id = XENITH_TRY(xend->m_store.load_next_id());
    xend->m_registry = Registry(next_id);
    XENITH_TRY(xend->open_api_socket());
    if (!xend->m_cgroups.available())
        log::warn("{}; domains run without them", xend->m_cgroups.unavailable_reason());
    return xend;
}

Xend::Xend(XendOptions options)
    : m_options(std::move(options))
    , m_store(m_options.dirs.state, m_options.dirs.run)
    , m_host(probe_host_info())
    , m_cgroups(CpuCgroups::open(m_options.cgroup_root, m_options.cgroup_parent))
    , m_start_time(now_seconds())
{
}

Xend::~Xend()
{
    if (m_listener)
        ::unlink(m_options.socket_path.c_str());
}

Status Xend::open_api_socket()
{
    auto const& path = m_options.socket_path;
    auto slash = path.rfind('/');
    if (slash != std::string::npos && slash > 0)
        XENITH_TRY(make_directories(path.substr(0, slash)));
    if (auto probe = LineClient::connect(path); probe)
        return fail("another xend is already serving {}; stop it first ('xend stop')", path);
    auto fd = XENITH_TRY(listen_unix_socket(path, "xend socket (xend-unix-path)", 64));
    if (auto const& group = m_options.config.xend_unix_group; !group.empty()) {
        if (auto shared = share_unix_socket_with_group(path, group); !shared) {
            ::unlink(path.c_str());
            return fail("xend-unix-group: {}", shared.error().message());
        }
    }
    m_listener = std::move(fd);
    return {};
}

// ---- start-up ---------------------------------------------------------------------------

void Xend::load_managed_domains()
{
    std::vector<std::string> problems;
    for (auto& record : m_store.load_managed(problems)) {
        auto name = record.name;
        if (auto added = m_registry.add(std::move(record)); !added)
            log::error("managed domain {}: {}", name, added.error().message());
    }
    for (auto const& problem : problems)
        log::error("managed domain not loaded: {}", problem);
}

void Xend::adopt_running_domains()
{
    std::vector<std::string> problems;
    auto records = m_store.load_running(problems);
    for (auto const& problem : problems)
        log::error("running domain record not loaded: {}", problem);
    for (auto& record : records) {
        m_registry.note_id_in_use(record.id);
        if (auto* existing = m_registry.find_by_name(record.name); existing && !existing->is_active()) {
            record.managed = true;
            m_registry.remove(record.name);
        }
        uint32_t id = record.id;
        std::string name = record.name;
        auto added = m_registry.add(std::move(record));
        if (!added) {
            log::error("domain {} (id {}): not re-adopted: {}", name, id, added.error().message());
            continue;
        }
        DomainRecord& r = **added;
        if (r.phase != DomainPhase::Running) {
            log::info("domain {} (id {}): still listed as {}", name, id, r.phase == DomainPhase::Crashed ? "crashed" : "shut down");
            continue;
        }
        bool alive = r.monitor_pid > 0 && process_start_ticks(r.monitor_pid) == r.monitor_start && r.monitor_start != 0;
        if (alive && watch(r)) {
            auto identity = control_call(r, control::kOpIdentify, Json::object(), 1000ms);
            if (identity && identity->value("name", std::string()) != name)
                log::warn("domain {} (id {}): control socket answers as '{}'", name, id, identity->value("name", std::string()));
            log::info("domain {} (id {}): re-adopted (xenith-vm pid {}{})", name, id, r.vm_pid,
                identity ? "" : fmt::format("; control socket not answering: {}", identity.error().message()));
            continue;
        }
        // It ended while no xend was watching: carry out what it asked for now.
        auto exit = read_exit_file(r.run_dir + "/exit").value_or(VmExitInfo {});
        log::info("domain {} (id {}): ended while xend was not running", name, id);
        carry_out(r, exit);
    }
}

void Xend::start_auto_domains()
{
    std::string auto_dir = m_options.dirs.config + "/auto";
    DIR* dir = ::opendir(auto_dir.c_str());
    if (!dir) {
        log::info("autostart: no {} directory; nothing to start", auto_dir);
        return;
    }
    std::vector<std::string> entries;
    while (auto* entry = ::readdir(dir)) {
        std::string name = entry->d_name;
        if (name != "." && name != ".." && !name.starts_with(".") && !name.ends_with("~"))
            entries.push_back(name);
    }
    ::closedir(dir);
    std::sort(entries.begin(), entries.end());
    if (entries.empty())
        log::info("autostart: {} is empty; nothing to start", auto_dir);
    for (auto const& entry : entries) {
        std::string path = auto_dir + "/" + entry;
        std::vector<std::string> warnings, notes;
        auto config = load_domain_config(path, warnings, {}, &notes);
        for (auto const& warning : warnings)
            log::warn("autostart: {}", warning);
        for (auto const& note : notes)
            log::info("autostart: {}", note);
        if (!config) {
            log::error("autostart: auto/{}: not started: {}", entry, config.error().message());
            continue;
        }
        if (auto* existing = m_registry.find_by_name(config->name); existing && existing->is_active()) {
            log::info("autostart: auto/{}: not started: domain {} is already running as id {}", entry, config->name, existing->id);
            continue;
        }
        // The domains start side by side; the loop logs each one's outcome.
        auto logged = [entry, name = config->name](Result<Json> started) {
            if (!started)
                log::error("autostart: auto/{}: {} not started: {}", entry, name, started.error().message());
            else
                log::info("autostart: auto/{}: started {} as domain {}", entry, name, (*started)["id"].get<uint32_t>());
        };
        if (auto* managed = m_registry.find_by_name(config->name)) {
            // A managed domain of that name: start it with the auto/ file's config.
            managed->config = *config;
            start_domain(*managed, false, logged);
            continue;
        }
        DomainRecord record;
        record.name = config->name;
        record.config = std::move(*config);
        auto added = m_registry.add(std::move(record));
        if (!added) {
            log::error("autostart: auto/{}: not started: {}", entry, added.error().message());
            continue;
        }
        start_domain(**added, false, logged);
    }
}

// ---- the loop -------------------------------------------------------------------------

Status Xend::run()
{
    sigset_t mask;
    sigemptyset(&mask);
    for (int sig : { SIGTERM, SIGINT, SIGCHLD, SIGHUP })
        sigaddset(&mask, sig);
    if (::sigprocmask(SIG_BLOCK, &mask, nullptr) != 0)
        return fail_errno("sigprocmask");
    ::signal(SIGPIPE, SIG_IGN);
    m_signals = UniqueFd(::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!m_signals)
        return fail_errno("signalfd");

    load_managed_domains();
    adopt_running_domains();
    start_auto_domains();
    log::info("xend ready on {} ({} domains)", m_options.socket_path, m_registry.size());

    while (!m_stopping)
        XENITH_TRY(poll_once());
    // Requests still waiting end here; their domains keep running and the next xend re-adopts them.
    for (auto& [fd, client] : m_clients) {
        if (!client.waiting)
            continue;
        std::string text = api::error_reply("xend stopped before this request finished; check the domain with 'xm list'").dump() + "\n";
        (void)!::send(fd, text.data(), text.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
    return {};
}

Status Xend::poll_once()
{
    std::vector<pollfd> fds;
    if (m_signals)
        fds.push_back({ m_signals.get(), POLLIN, 0 });
    fds.push_back({ m_listener.get(), POLLIN, 0 });
    for (auto const& [fd, client] : m_clients)
        if (!client.hung_up)
            fds.push_back({ fd, POLLIN, 0 });
    for (auto const& [fd, id] : m_pidfds)
        fds.push_back({ fd, POLLIN, 0 });
    std::map<int, uint64_t> wait_of_fd;
    auto now = std::chrono::steady_clock::now();
    int timeout = -1;
    for (auto const& [serial, wait] : m_waits) {
        if (wait.call) {
            fds.push_back({ wait.call->fd(), POLLIN, 0 });
            wait_of_fd[wait.call->fd()] = serial;
        }
        auto left = std::chrono::ceil<std::chrono::milliseconds>(wait.deadline - now).count();
        left = std::clamp<long long>(left, 0, 60000);
        timeout = timeout < 0 ? int(left) : std::min(timeout, int(left));
    }
    int n = ::poll(fds.data(), fds.size(), timeout);
    if (n < 0 && errno == EINTR)
        return {};
    if (n < 0)
        return fail_errno("poll");
    std::vector<uint64_t> replied;
    for (auto const& p : fds) {
        if (!p.revents)
            continue;
        if (m_signals && p.fd == m_signals.get()) {
            signalfd_siginfo info {};
            while (::read(m_signals.get(), &info, sizeof(info)) == sizeof(info)) {
                if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT) {
                    log::info("xend stopping on signal {}; domains keep running", info.ssi_signo);
                    m_stopping = true;
                }
            }
            reap_children();
        } else if (p.fd == m_listener.get()) {
            for (;;) {
                UniqueFd client(::accept4(m_listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
                if (!client)
                    break;
                // A client that stops reading its replies must not stall xend.
                timeval send_timeout { 2, 0 };
                ::setsockopt(client.get(), SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof(send_timeout));
                int fd = client.get();
                m_clients[fd] = Client { std::move(client), {}, m_next_client++, false, false };
            }
        } else if (auto wait = wait_of_fd.find(p.fd); wait != wait_of_fd.end()) {
            replied.push_back(wait->second);
        } else if (m_clients.contains(p.fd)) {
            serve_client(p.fd);
        } else if (auto it = m_pidfds.find(p.fd); it != m_pidfds.end()) {
            // Re-check: an earlier handler in this round may have closed this fd and a new
            // domain's pidfd may have taken its number.
            pollfd again { p.fd, POLLIN, 0 };
            if (::poll(&again, 1, 0) > 0)
                on_domain_exit(it->second);
        }
    }
    finish_waits(replied);
    serve_buffered_requests();
    return {};
}

// Ends the waits whose call has a reply (`readable`, by serial) or whose deadline has passed.
// Each is taken out of m_waits before its continuation runs, which may add new ones.
void Xend::finish_waits(std::vector<uint64_t> const& readable)
{
    for (uint64_t serial : readable) {
        auto it = m_waits.find(serial);
        if (it == m_waits.end())
            continue; // ended earlier in this round (its domain exited)
        auto reply = it->second.call->read_reply();
        if (!reply)
            continue;
        Wait wait = std::move(it->second);
        m_waits.erase(it);
        if (*reply && !(*reply)->value("ok", false))
            wait.done(fail("{}", (*reply)->value("error", std::string("xenith-vm refused the request"))));
        else if (*reply)
            wait.done((*reply)->value("result", Json::object()));
        else
            wait.done(std::unexpected((*reply).error()));
    }
    auto now = std::chrono::steady_clock::now();
    std::vector<uint64_t> due;
    for (auto const& [serial, wait] : m_waits)
        if (wait.deadline <= now)
            due.push_back(serial);
    for (uint64_t serial : due) {
        auto it = m_waits.find(serial);
        if (it == m_waits.end())
            continue;
        Wait wait = std::move(it->second);
        m_waits.erase(it);
        if (wait.call)
            wait.done(fail("{}", wait.expired));
        else
            wait.done(Json());
    }
}

void Xend::reap_children()
{
    while (::waitpid(-1, nullptr, WNOHANG) > 0) { }
}

void Xend::serve_client(int fd)
{
    auto& client = m_clients[fd];
    char buffer[65536];
    ssize_t n = ::recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n == 0 && (client.waiting || client.input.find('\n') != std::string::npos)) {
        client.hung_up = true; // it may still read: answer what it asked
        return;
    }
    if (n <= 0) {
        // Gone (reset, or EOF with nothing left to answer). A request of its still in progress
        // finishes; its reply has nowhere to go.
        m_clients.erase(fd);
        return;
    }
    client.input.append(buffer, size_t(n));
    if (client.input.size() > api::kMaxLine && client.input.find('\n') == std::string::npos) {
        log::warn("API client sent a request longer than {} bytes; disconnected", api::kMaxLine);
        m_clients.erase(fd);
    }
}

// Starts the next request of every client that is not waiting for one: a client's replies come
// in the order of its requests.
void Xend::serve_buffered_requests()
{
    std::vector<int> ready;
    std::erase_if(m_clients, [](auto const& entry) {
        auto const& client = entry.second;
        return client.hung_up && !client.waiting && client.input.find('\n') == std::string::npos;
    });
    for (auto const& [fd, client] : m_clients)
        if (!client.waiting && client.input.find('\n') != std::string::npos)
            ready.push_back(fd);
    for (int fd : ready) {
        auto it = m_clients.find(fd);
        if (it == m_clients.end() || it->second.waiting)
            continue;
        auto& input = it->second.input;
        size_t newline = input.find('\n');
        std::string line = input.substr(0, newline);
        input.erase(0, newline + 1);
        it->second.waiting = true;
        uint64_t serial = it->second.serial;
        submit(line, [this, fd, serial](Json reply) {
            auto client = m_clients.find(fd);
            if (client == m_clients.end() || client->second.serial != serial)
                return;
            client->second.waiting = false;
            std::string text = reply.dump() + "\n";
            size_t done = 0;
            while (done < text.size()) {
                ssize_t w = ::send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
                if (w < 0 && errno == EINTR)
                    continue;
                if (w <= 0) {
                    m_clients.erase(fd);
                    return;
                }
                done += size_t(w);
            }
        });
    }
}

void Xend::submit(std::string_view line, std::function<void(Json)> answer)
{
    auto request = api::decode_request(line);
    if (!request) {
        answer(api::error_reply(request.error().message()));
        return;
    }
    dispatch(*request, [answer = std::move(answer), op = request->op](Result<Json> const& result) {
        if (!result) {
            log::debug("API {}: {}", op, result.error().message());
            answer(api::error_reply(result.error().message()));
            return;
        }
        answer(api::ok_reply(*result));
    });
}

Json Xend::handle_request(std::string_view line)
{
    auto reply = std::make_shared<std::optional<Json>>();
    submit(line, [reply](Json answer) { *reply = std::move(answer); });
    while (!*reply) {
        if (auto status = poll_once(); !status)
            return api::error_reply(status.error().message());
    }
    return std::move(**reply);
}

void Xend::dispatch(api::Request const& request, Reply done)
{
    auto const& op = request.op;
    auto const& args = request.args;
    // The operations that wait on a domain answer through `done`, maybe later.
    auto begin = [&](Status started) {
        if (!started)
            done(std::unexpected(started.error()));
    };
    if (op == "create")
        return begin(begin_create(args, done));
    if (op == "start")
        return begin(begin_start(args, done));
    if (op == "destroy")
        return begin(begin_destroy(args, done));
    if (op == "shutdown" || op == "reboot" || op == "pause" || op == "unpause" || op == "mem-set" || op == "vcpu-set"
        || op == "sysrq")
        return begin(begin_forward(op, args, done));
    if (op == "vcpu-pin")
        return begin(begin_vcpu_pin(args, done));
    if (op == "dump-core")
        return begin(begin_dump_core(args, done));
    if (op.starts_with("block-") || op.starts_with("network-"))
        return begin(begin_device(op, args, done));
    done(dispatch_now(op, args));
}

Result<Json> Xend::dispatch_now(std::string const& op, Json const& args)
{
    if (op == "list")
        return op_list(args);
    if (op == "new")
        return op_new(args);
    if (op == "delete")
        return op_delete(args);
    if (op == "rename")
        return op_rename(args);
    if (op == "mem-max")
        return op_mem_max(args);
    if (op == "sched-credit")
        return op_sched_credit(args);
    if (op == "console")
        return op_console(args);
    if (op == "info")
        return op_info();
    if (op == "log" || op == "dmesg")
        return op_log(args);
    return fail("unknown operation '{}'", op);
}

// ---- lookups and descriptions ---------------------------------------------------------

Result<DomainRecord*> Xend::lookup(Json const& args, char const* key)
{
    auto name = XENITH_TRY(api::string_arg(args, key));
    if (name == "Domain-0" || name == "0")
        return fail("Domain-0 is the host and cannot be managed this way");
    auto* record = m_registry.find(name);
    if (!record)
        return fail("Domain '{}' does not exist.", name);
    return record;
}

Result<DomainRecord*> Xend::lookup_running(Json const& args)
{
    auto* record = XENITH_TRY(lookup(args));
    if (record->phase != DomainPhase::Running)
        return fail("Domain '{}' is not running.", record->name);
    return record;
}

Json Xend::describe_domain0()
{
    return { { "name", "Domain-0" }, { "id", 0 }, { "memory_mib", m_host.total_memory_mib },
        { "max_memory_mib", m_host.total_memory_mib }, { "vcpus", m_host.nr_cpus }, { "state", "r-----" },
        // Domain-0's time is xend's own CPU time: the host work done for the toolstack.
        { "cpu_seconds", process_cpu_seconds(::getpid()) }, { "uptime_seconds", host_uptime_seconds() },
        { "managed", false } };
}

Json Xend::describe(DomainRecord& r, bool long_form)
{
    std::optional<DomainStatus> status;
    // A domain still starting may not listen yet: it shows without status rather than delay list.
    bool starting = m_busy.contains(r.id) && m_busy[r.id] == "start";
    if (r.phase == DomainPhase::Running && !r.destroying && !starting) {
        if (auto reply = control_call(r, control::kOpStatus, Json::object(), 1000ms); reply)
            status = control::status_from_json(*reply);
    }
    Json d;
    d["name"] = r.name;
    d["id"] = r.is_active() ? Json(r.id) : Json(nullptr);
    d["state"] = state_letters(r, status);
    d["managed"] = r.managed;
    d["memory_mib"] = status && status->memory_mib ? status->memory_mib : r.config.memory_mib;
    d["max_memory_mib"] = status && status->max_memory_mib ? status->max_memory_mib : std::max(r.config.maxmem_mib, r.config.memory_mib);
    unsigned online = 0;
    if (status)
        for (auto const& v : status->vcpus)
            online += v.online ? 1 : 0;
    d["vcpus"] = online ? online : r.config.vcpus;
    d["cpu_seconds"] = status ? status->cpu_seconds : (r.phase == DomainPhase::Running ? process_cpu_seconds(r.vm_pid) : 0.0);
    d["uptime_seconds"] = r.is_active() ? (status && status->uptime_seconds > 0 ? status->uptime_seconds : now_seconds() - r.start_time) : 0.0;
    d["start_time"] = r.start_time;
    if (status) {
        Json vcpus = Json::array();
        for (auto const& v : status->vcpus)
            vcpus.push_back({ { "id", v.id }, { "online", v.online }, { "running", v.running }, { "blocked", v.blocked },
                { "cpu_seconds", v.cpu_seconds }, { "host_cpu", v.host_cpu }, { "affinity", affinity_json(v.affinity) } });
        d["vcpu_info"] = vcpus;
        // A shutdown or reboot the guest has not acted on yet (xm shutdown -w reports it).
        if (status->shutdown_requested != ShutdownRequest::None) {
            d["shutdown_requested"] = control::shutdown_request_name(status->shutdown_requested);
            d["shutdown_presses"] = status->shutdown_presses;
        }
    }
    if (long_form) {
        d["uuid"] = r.uuid;
        d["config"] = to_json(r.config);
        d["console"] = r.console_path;
        d["console_log"] = r.console_log;
        d["vm_log"] = r.vm_log;
        d["pid"] = r.vm_pid;
    }
    return d;
}

Result<Json> Xend::op_list(Json const& args)
{
    bool long_form = args.value("long", false);
    Json domains = Json::array();
    auto names = args.find("domains");
    if (names != args.end() && names->is_array() && !names->empty()) {
        for (auto const& name : *names) {
            if (!name.is_string())
                return fail("\"domains\" must be a list of names or ids");
            auto n = name.get<std::string>();
            if (n == "Domain-0" || n == "0") {
                domains.push_back(describe_domain0());
                continue;
            }
            auto* record = m_registry.find(n);
            if (!record)
                return fail("Domain '{}' does not exist.", n);
            domains.push_back(describe(*record, long_form));
        }
    } else {
        domains.push_back(describe_domain0());
        for (auto* record : m_registry.all())
            domains.push_back(describe(*record, long_form));
    }
    return Json { { "domains", domains } };
}

// ---- create, start, destroy -----------------------------------------------------------

Result<DomainConfig> Xend::config_from_args(Json const& args)
{
    auto it = args.find("config");
    if (it == args.end() || !it->is_object())
        return fail("request needs \"config\" (a domain config as JSON, as 'xm create -n' prints it)");
    auto config = XENITH_TRY(domain_config_from_json(*it));
    XENITH_TRY(validate_domain_name(config.name));
    XENITH_TRY(validate_domain_config(config));
    // xm's notes on its config file (info level: root = "/dev/xvda" read as /dev/vda, ...).
    if (auto notes = args.find("notes"); notes != args.end() && notes->is_array())
        for (auto const& note : *notes)
            if (note.is_string())
                log::info("domain {}: {}", config.name, note.get<std::string>());
    return config;
}

Status Xend::begin_create(Json const& args, Reply done)
{
    auto config = XENITH_TRY(config_from_args(args));
    if (auto* existing = m_registry.find_by_name(config.name)) {
        if (existing->is_active())
            return fail("Domain '{}' already exists with ID '{}'", config.name, existing->id);
        return fail("Domain '{}' is a managed domain; use 'xm start {}'", config.name, config.name);
    }
    DomainRecord record;
    record.name = config.name;
    record.config = std::move(config);
    DomainRecord& r = *XENITH_TRY(m_registry.add(std::move(record)));
    start_domain(r, args.value("paused", false), [done](Result<Json> started) {
        if (started)
            log::info("domain {} created as id {}", (*started)["name"].get<std::string>(), (*started)["id"].get<uint32_t>());
        done(std::move(started));
    });
    return {};
}

Result<Json> Xend::op_new(Json const& args)
{
    auto config = XENITH_TRY(config_from_args(args));
    if (auto* existing = m_registry.find_by_name(config.name)) {
        if (existing->managed && !existing->is_active()) {
            // xm new on a defined domain updates its definition, as in Xen.
            existing->config = std::move(config);
            XENITH_TRY(m_store.save_managed(*existing));
            return Json { { "name", existing->name } };
        }
        return fail("Domain '{}' already exists{}", config.name, existing->is_active() ? fmt::format(" with ID '{}'", existing->id) : "");
    }
    DomainRecord record;
    record.name = config.name;
    record.uuid = config.uuid.empty() ? random_uuid() : config.uuid;
    record.config = std::move(config);
    record.managed = true;
    XENITH_TRY(m_store.save_managed(record));
    DomainRecord& r = *XENITH_TRY(m_registry.add(std::move(record)));
    log::info("domain {} defined (managed)", r.name);
    return Json { { "name", r.name } };
}

Status Xend::begin_start(Json const& args, Reply done)
{
    auto* record = XENITH_TRY(lookup(args));
    if (!record->managed)
        return fail("Domain '{}' is not a managed domain ('xm new' defines one)", record->name);
    if (record->is_active())
        return fail("Domain '{}' is already running with ID '{}'", record->name, record->id);
    start_domain(*record, args.value("paused", false), std::move(done));
    return {};
}

Result<Json> Xend::op_delete(Json const& args)
{
    auto* record = XENITH_TRY(lookup(args));
    if (!record->managed)
        return fail("Domain '{}' is not a managed domain", record->name);
    if (record->is_active())
        return fail("Domain '{}' is running; shut it down or destroy it first", record->name);
    XENITH_TRY(m_store.remove_managed(record->name));
    log::info("domain {} deleted", record->name);
    m_registry.remove(record->name);
    return Json::object();
}

Status Xend::begin_destroy(Json const& args, Reply done)
{
    auto* record = XENITH_TRY(lookup(args));
    if (!record->is_active())
        return fail("Domain '{}' is not running.", record->name);
    if (record->destroying)
        return fail("Domain '{}' is already being destroyed", record->name);
    // No claim: destroy overrides an operation in progress, which then fails as its domain exits.
    destroy_domain(*record, std::move(done));
    return {};
}

void Xend::start_domain(DomainRecord& r, bool paused, Reply done)
{
    if (auto launched = launch_domain(r); !launched) {
        retire(r);
        done(std::unexpected(launched.error()));
        return;
    }
    uint32_t id = r.id;
    m_busy[id] = "start";
    Reply started = [this, id, done = std::move(done)](Result<Json> result) {
        m_busy.erase(id);
        done(std::move(result));
    };
    await_control_socket(id, std::chrono::steady_clock::now() + kStartTimeout, paused, {}, std::move(started));
}

// Everything up to a running xenith-vm: admission, a fresh id, the run record, the fork.
Status Xend::launch_domain(DomainRecord& r)
{
    XENITH_TRY(admit_domain_memory(r.name, r.config.memory_mib, available_memory_mib(), m_options.config.dom0_min_mem_mib));
    if (r.uuid.empty())
        r.uuid = r.config.uuid.empty() ? random_uuid() : r.config.uuid;
    for (auto& vif : r.config.vifs)
        if (vif.mac.empty())
            vif.mac = random_mac();
    XENITH_TRY(check_host_cpus(r.config));
    if (r.managed)
        (void)m_store.save_managed(r);

    uint32_t id = m_registry.allocate_id();
    XENITH_TRY(m_store.save_next_id(m_registry.next_id()));
    r.id = id;
    r.run_dir = m_store.domain_run_dir(id);
    r.control_path = r.run_dir + "/control.sock";
    r.console_path = r.run_dir + "/console.sock";
    r.console_log = m_options.dirs.log + "/console/" + r.name + ".log";
    r.vm_log = m_options.dirs.log + "/xenith-vm-" + r.name + ".log";
    r.paused = false;
    r.destroying = false;

    LaunchSettings settings { m_options.vm_binary, m_options.config.console_limit_kib * 1024,
        wants_crash_dump(r) ? m_options.dirs.dump() : std::string() };
    auto launched = launch_vm(r, settings);
    if (!launched) {
        remove_run_dir(r.run_dir);
        return std::unexpected(launched.error());
    }
    r.monitor_pid = launched->monitor_pid;
    r.monitor_start = launched->monitor_start;
    r.vm_pid = launched->vm_pid;
    r.start_time = now_seconds();
    r.ram_mib = std::max(r.config.memory_mib, r.config.maxmem_mib);
    r.phase = DomainPhase::Running;
    if (auto status = watch(r); !status)
        log::error("domain {}: {}", r.name, status.error().message());
    persist(r);
    sched_attach(r);
    return {};
}

// Waits (in the loop) until the new xenith-vm's control socket answers, it exits, or the
// deadline passes; tries every 20 ms, as the socket appears only once xenith-vm is set up.
void Xend::await_control_socket(uint32_t id, std::chrono::steady_clock::time_point deadline, bool paused, std::string last_error, Reply done)
{
    auto* r = m_registry.find_by_id(id);
    if (!r) {
        done(fail("domain {} is gone", id));
        return;
    }
    // A destroy's own wait may see the exit first and retire the record: keep the name.
    OnExit exited = [this, id, name = r->name, done](VmExitInfo const& exit) {
        auto* r = m_registry.find_by_id(id);
        if (!r || r->destroying) {
            done(fail("Domain '{}' was destroyed while it was starting", r ? r->name : name));
            return;
        }
        // The guest ran and powered off, rebooted or crashed before we got to say hello: it did
        // start. The loop carries out its lifecycle action next.
        if (exit.reason == VmExit::Poweroff || exit.reason == VmExit::Reboot || exit.reason == VmExit::Crash) {
            log::info("domain {} (id {}) {} right after starting", r->name, r->id, exit.describe());
            done(Json { { "id", r->id }, { "name", r->name }, { "console", r->console_path } });
            return;
        }
        std::string tail = vm_log_tail(*r);
        retire(*r);
        reap_children();
        done(fail("xenith-vm exited during start-up ({}){}{}", exit.describe(), tail.empty() ? "" : ": ", tail));
    };
    auto retry = [this, id, deadline, paused, done, exited](std::string error) {
        auto* r = m_registry.find_by_id(id);
        if (!r) {
            done(fail("domain {} is gone", id));
            return;
        }
        if (std::chrono::steady_clock::now() > deadline) {
            auto seconds = std::chrono::duration_cast<std::chrono::seconds>(kStartTimeout).count();
            log::error("domain {}: control socket {} did not answer within {} s{}", r->name, r->control_path, seconds,
                error.empty() ? "" : ": " + error);
            destroy_domain(*r, [done, seconds, vm_log = r->vm_log](Result<Json>) {
                done(fail("xenith-vm did not answer on its control socket within {} s; see {}", seconds, vm_log));
            });
            return;
        }
        await_timer(id, 20ms, [this, id, deadline, paused, done, error](Result<Json>) {
            await_control_socket(id, deadline, paused, error, done);
        }, exited);
    };
    if (::access(r->control_path.c_str(), F_OK) != 0) {
        retry(std::move(last_error));
        return;
    }
    await_call(*r, control::kOpIdentify, Json::object(), 1000ms, [this, id, paused, done, retry](Result<Json> identity) {
        if (identity)
            domain_started(id, paused, done);
        else
            retry(identity.error().message());
    }, exited);
}

void Xend::domain_started(uint32_t id, bool paused, Reply done)
{
    auto* r = m_registry.find_by_id(id);
    if (!r) {
        done(fail("domain {} is gone", id));
        return;
    }
    sched_pin(*r);
    Json result { { "id", r->id }, { "name", r->name }, { "console", r->console_path } };
    if (!paused) {
        done(std::move(result));
        return;
    }
    await_call(*r, control::kOpPause, Json::object(), 2000ms, [this, id, result, done](Result<Json> reply) {
        if (auto* r = m_registry.find_by_id(id)) {
            if (!reply)
                log::warn("domain {}: could not pause after start: {}", r->name, reply.error().message());
            else
                r->paused = true;
            persist(*r);
        }
        done(result);
    });
}

void Xend::destroy_domain(DomainRecord& r, Reply done)
{
    if (r.phase != DomainPhase::Running || !m_pidfd_of.contains(r.id)) {
        if (r.phase == DomainPhase::Running && r.vm_pid > 0)
            ::kill(r.vm_pid, SIGKILL); // unwatched (pidfd_open failed): nothing to wait on
        retire(r);
        done(Json::object());
        return;
    }
    r.destroying = true;
    uint32_t id = r.id;
    OnExit gone = [this, id, done](VmExitInfo const&) {
        if (auto* r = m_registry.find_by_id(id)) {
            log::info("domain {} (id {}) destroyed", r->name, id);
            reap_children();
            retire(*r);
        }
        done(Json::object());
    };
    await_call(r, control::kOpDestroy, Json::object(), 2000ms, [this, id, done, gone](Result<Json> reply) {
        auto* r = m_registry.find_by_id(id);
        if (!r) {
            done(Json::object());
            return;
        }
        if (!reply) {
            log::warn("domain {}: destroy through the control socket failed ({}); killing xenith-vm pid {}", r->name,
                reply.error().message(), r->vm_pid);
            if (r->vm_pid > 0)
                ::kill(r->vm_pid, SIGKILL);
        }
        await_destroyed(id, !reply, done, gone);
    }, gone);
}

// Gives xenith-vm 3 s to exit; then kills it and gives it 3 s more.
void Xend::await_destroyed(uint32_t id, bool killed, Reply done, OnExit gone)
{
    await_timer(id, 3000ms, [this, id, killed, done, gone](Result<Json>) {
        auto* r = m_registry.find_by_id(id);
        if (!r) {
            done(Json::object());
            return;
        }
        if (killed) {
            done(fail("Domain '{}' (xenith-vm pid {}) did not exit; it is left listed as dying", r->name, r->vm_pid));
            return;
        }
        log::warn("domain {}: xenith-vm pid {} still running 3 s after destroy; killing it", r->name, r->vm_pid);
        if (r->vm_pid > 0)
            ::kill(r->vm_pid, SIGKILL);
        await_destroyed(id, true, done, gone);
    }, gone);
}

// ---- supervision ----------------------------------------------------------------------

Status Xend::watch(DomainRecord& r)
{
    int fd = pidfd_open(r.monitor_pid);
    if (fd < 0)
        return fail_errno(fmt::format("pidfd_open({})", r.monitor_pid));
    m_pidfds[fd] = r.id;
    m_pidfd_of[r.id] = UniqueFd(fd);
    return {};
}

void Xend::unwatch(DomainRecord& r)
{
    auto it = m_pidfd_of.find(r.id);
    if (it == m_pidfd_of.end())
        return;
    m_pidfds.erase(it->second.get());
    m_pidfd_of.erase(it);
}

void Xend::on_domain_exit(uint32_t id)
{
    reap_children();
    auto* r = m_registry.find_by_id(id);
    if (auto it = m_pidfd_of.find(id); it != m_pidfd_of.end()) {
        m_pidfds.erase(it->second.get());
        m_pidfd_of.erase(it);
    }
    auto exit = r ? read_exit_file(r->run_dir + "/exit").value_or(VmExitInfo {}) : VmExitInfo {};
    // Operations waiting on this domain end first: with an error, or (destroy, a start that
    // failed) by retiring the record themselves.
    std::vector<uint64_t> waiting;
    for (auto const& [serial, wait] : m_waits)
        if (wait.domain == id)
            waiting.push_back(serial);
    for (uint64_t serial : waiting) {
        auto it = m_waits.find(serial);
        if (it == m_waits.end())
            continue;
        Wait wait = std::move(it->second);
        m_waits.erase(it);
        wait.exited(exit);
    }
    r = m_registry.find_by_id(id);
    if (!r || r->phase != DomainPhase::Running)
        return;
    if (r->destroying) {
        retire(*r);
        return;
    }
    carry_out(*r, exit);
}

void Xend::carry_out(DomainRecord& r, VmExitInfo const& exit)
{
    unwatch(r);
    std::string name = r.name;
    log::info("domain {} (id {}) {}", name, r.id, exit.describe());
    LifecycleAction action = LifecycleAction::Destroy;
    DomainPhase preserved = DomainPhase::Shutdown;
    char const* key = "on_poweroff";
    switch (exit.reason) {
    case VmExit::Destroyed:
        retire(r);
        return;
    case VmExit::Error: {
        std::string tail = vm_log_tail(r);
        log::error("domain {}: xenith-vm failed{}{}", name, tail.empty() ? "" : ": ", tail);
        retire(r);
        return;
    }
    case VmExit::Poweroff:
        action = r.config.on_poweroff;
        break;
    case VmExit::Reboot:
        action = r.config.on_reboot;
        key = "on_reboot";
        break;
    case VmExit::Crash:
    case VmExit::Unknown:
        action = r.config.on_crash;
        preserved = DomainPhase::Crashed;
        key = "on_crash";
        break;
    }
    if (exit.reason == VmExit::Crash && wants_crash_dump(r)) {
        if (auto dump = newest_core_dump(r); !dump.empty())
            log::info("domain {}: core dump written to {}", name, dump);
        else
            log::error("domain {}: no core dump was written; see {}", name, r.vm_log);
    }
    log::info("domain {}: carrying out {}={}", name, key, to_string(action));
    switch (action) {
    case LifecycleAction::Destroy:
    case LifecycleAction::CoredumpDestroy:
        retire(r);
        return;
    case LifecycleAction::Preserve:
        r.phase = preserved;
        persist(r);
        return;
    case LifecycleAction::Restart:
    case LifecycleAction::RenameRestart:
    case LifecycleAction::SoftReset:
    case LifecycleAction::CoredumpRestart:
        break;
    }
    double ran = now_seconds() - r.start_time;
    r.quick_restarts = ran < kQuickRestartSeconds ? r.quick_restarts + 1 : 0;
    if (r.quick_restarts > kMaxQuickRestarts) {
        log::error("domain {}: restarted {} times, each within {} s of starting; not restarting it again ({}={})", name,
            kMaxQuickRestarts, kQuickRestartSeconds, key, to_string(action));
        retire(r);
        return;
    }
    uint32_t old_id = r.id;
    (void)m_store.remove_running(old_id);
    remove_run_dir(r.run_dir);
    start_domain(r, false, [name, old_id](Result<Json> started) {
        if (!started)
            log::error("domain {}: restart failed: {}", name, started.error().message());
        else
            log::info("domain {} restarted as id {} (was {})", name, (*started)["id"].get<uint32_t>(), old_id);
    });
}

void Xend::retire(DomainRecord& r)
{
    unwatch(r);
    sched_release(r);
    if (r.id != kNoDomainId)
        (void)m_store.remove_running(r.id);
    remove_run_dir(r.run_dir);
    if (r.managed) {
        r.phase = DomainPhase::Inactive;
        r.id = kNoDomainId;
        r.monitor_pid = r.vm_pid = 0;
        r.paused = r.destroying = false;
        return;
    }
    std::string name = r.name;
    m_registry.remove(name); // `r` is gone from here on
}

void Xend::persist(DomainRecord const& r)
{
    if (r.is_active()) {
        if (auto status = m_store.save_running(r); !status)
            log::error("domain {}: {}", r.name, status.error().message());
    }
    if (r.managed) {
        if (auto status = m_store.save_managed(r); !status)
            log::error("domain {}: {}", r.name, status.error().message());
    }
}

std::string Xend::vm_log_tail(DomainRecord const& r)
{
    std::ifstream in(r.vm_log);
    std::string line, last;
    while (std::getline(in, line))
        if (!line.empty())
            last = line;
    return last;
}

Result<Json> Xend::control_call(DomainRecord const& r, std::string_view op, Json args, std::chrono::milliseconds timeout)
{
    auto client = XENITH_TRY(LineClient::connect(r.control_path));
    auto reply = XENITH_TRY(client.call_json(control::request(op, std::move(args)), timeout));
    if (!reply.value("ok", false))
        return fail("{}", reply.value("error", std::string("xenith-vm refused the request")));
    return reply.value("result", Json::object());
}

// ---- waiting in the loop ---------------------------------------------------------------

void Xend::await_call(DomainRecord const& r, std::string_view op, Json args, std::chrono::milliseconds timeout, Reply done, OnExit exited)
{
    auto call = PendingCall::start(r.control_path, control::request(op, std::move(args)));
    if (!call) {
        done(std::unexpected(call.error()));
        return;
    }
    if (!exited) {
        exited = [done, name = r.name, op = std::string(op)](VmExitInfo const& exit) {
            done(fail("Domain '{}' ended ({}) while {} was in progress", name, exit.describe(), op));
        };
    }
    std::string expired = fmt::format("domain {}: {}: xenith-vm did not answer within {} ms", r.name, op, timeout.count());
    Wait wait { r.id, std::move(*call), std::chrono::steady_clock::now() + timeout, std::move(expired), std::move(done), std::move(exited) };
    m_waits.emplace(m_next_wait++, std::move(wait));
}

void Xend::await_timer(uint32_t domain, std::chrono::milliseconds delay, Reply done, OnExit exited)
{
    Wait wait { domain, std::nullopt, std::chrono::steady_clock::now() + delay, {}, std::move(done), std::move(exited) };
    m_waits.emplace(m_next_wait++, std::move(wait));
}

Result<Xend::Reply> Xend::claim(DomainRecord const& r, std::string const& op, Reply done)
{
    if (r.destroying)
        return fail("Domain '{}' is busy: it is being destroyed", r.name);
    if (auto busy = m_busy.find(r.id); busy != m_busy.end())
        return fail("Domain '{}' is busy: {} is in progress; try again when it has finished, or 'xm destroy {}'", r.name, busy->second, r.name);
    uint32_t id = r.id;
    m_busy[id] = op;
    return Reply([this, id, done = std::move(done)](Result<Json> result) {
        m_busy.erase(id);
        done(std::move(result));
    });
}

// ---- the other operations -------------------------------------------------------------

Status Xend::begin_forward(std::string const& op, Json const& args, Reply done)
{
    auto* r = XENITH_TRY(lookup_running(args));
    Json forwarded = Json::object();
    if (op == "mem-set") {
        auto mib = XENITH_TRY(api::unsigned_arg(args, "mib"));
        // Two ceilings: maxmem (xm mem-max), and the RAM xenith-vm was started with, which a
        // higher maxmem only raises at the next boot.
        uint64_t max = std::max(r->config.maxmem_mib, r->config.memory_mib);
        uint64_t ram = r->ram_mib ? r->ram_mib : max;
        if (mib == 0 || mib > std::min(max, ram)) {
            if (mib > ram)
                return fail("memory {} MiB is more than domain '{}' can have until it restarts: it booted with {} MiB of RAM{}", mib,
                    r->name, ram,
                    max > ram ? fmt::format(" (its maxmem of {} MiB takes effect at its next boot)", max)
                              : fmt::format(" (a higher maxmem, 'xm mem-max {} {}', takes effect at its next boot)", r->name, mib));
            return fail("memory {} MiB is outside 1..{} MiB, the maximum of domain '{}' (raise it with 'xm mem-max', up to the {} MiB "
                        "of RAM it booted with)",
                mib, max, r->name, ram);
        }
        forwarded["mib"] = mib;
    } else if (op == "vcpu-set") {
        auto count = XENITH_TRY(api::unsigned_arg(args, "count"));
        unsigned max = std::max(r->config.maxvcpus, r->config.vcpus);
        if (count == 0 || count > max)
            return fail("{} VCPUs is outside 1..{}, the maximum of domain '{}' (maxvcpus in its config)", count, max, r->name);
        forwarded["count"] = count;
    } else if (op == "sysrq") {
        // As Xen's xm: one character (Linux's sysrq keys: h help, s sync, w blocked tasks, ...).
        auto key = XENITH_TRY(api::string_arg(args, "key"));
        if (key.size() != 1 || !is_sysrq_key(key[0]))
            return fail("sysrq: '{}' is not a key; give one character, e.g. 'xm sysrq {} h' for the guest kernel's help", key, r->name);
        forwarded["key"] = key;
    }
    done = XENITH_TRY(claim(*r, op, std::move(done)));
    // vcpu-set and sysrq wait for the guest agent: up to 5 s for it to answer, then for the
    // guest to do it (xenith-vm gives up after 60 s).
    auto timeout = op == "vcpu-set" || op == "sysrq" ? std::chrono::milliseconds(70000) : std::chrono::milliseconds(2000);
    uint32_t id = r->id;
    await_call(*r, op, forwarded, timeout, [this, id, op, forwarded, done](Result<Json> result) {
        auto* r = m_registry.find_by_id(id);
        if (!result || !r) {
            done(std::move(result));
            return;
        }
        if (op == "pause")
            r->paused = true;
        else if (op == "unpause")
            r->paused = false;
        else if (op == "mem-set")
            r->config.memory_mib = forwarded["mib"].get<uint64_t>();
        else if (op == "vcpu-set") {
            // Keep the ceiling when vcpus moves: maxvcpus 0 meant "the configured vcpus".
            r->config.maxvcpus = std::max(r->config.maxvcpus, r->config.vcpus);
            r->config.vcpus = forwarded["count"].get<unsigned>();
        }
        persist(*r);
        done(std::move(result));
    });
    return {};
}

Result<Json> Xend::op_rename(Json const& args)
{
    auto* r = XENITH_TRY(lookup(args));
    auto new_name = XENITH_TRY(api::string_arg(args, "new_name"));
    XENITH_TRY(validate_domain_name(new_name));
    std::string old_name = r->name;
    bool managed = r->managed;
    XENITH_TRY(m_registry.rename(old_name, new_name));
    auto* renamed = m_registry.find_by_name(new_name);
    if (managed)
        (void)m_store.remove_managed(old_name);
    persist(*renamed);
    sched_rename(old_name, new_name);
    log::info("domain {} renamed to {}", old_name, new_name);
    return Json::object();
}

Result<Json> Xend::op_mem_max(Json const& args)
{
    auto* r = XENITH_TRY(lookup(args));
    auto mib = XENITH_TRY(api::unsigned_arg(args, "mib"));
    if (mib < r->config.memory_mib)
        return fail("maximum {} MiB is below the current memory {} MiB of domain '{}'", mib, r->config.memory_mib, r->name);
    r->config.maxmem_mib = mib;
    persist(*r);
    // A running domain's RAM was set when it started: more only comes with its next boot.
    if (r->phase == DomainPhase::Running && r->ram_mib && mib > r->ram_mib)
        return Json { { "note", fmt::format("domain '{}' has {} MiB of RAM until it restarts: maxmem {} MiB takes effect at its next "
                                            "boot; until then 'xm mem-set' can give it at most {} MiB",
                                    r->name, r->ram_mib, mib, r->ram_mib) } };
    return Json::object();
}

Result<Json> Xend::op_console(Json const& args)
{
    auto* r = XENITH_TRY(lookup_running(args));
    return Json { { "name", r->name }, { "id", r->id }, { "console", r->console_path }, { "console_log", r->console_log } };
}

Result<Json> Xend::op_info()
{
    m_host = probe_host_info();
    unsigned long used = 0;
    for (auto* r : m_registry.all())
        if (r->phase == DomainPhase::Running)
            used += r->config.memory_mib;
    return Json {
        { "host", m_host.host },
        { "release", m_host.release },
        { "version", m_host.version },
        { "machine", m_host.machine },
        { "nr_cpus", m_host.nr_cpus },
        { "nr_nodes", m_host.nr_nodes },
        { "cores_per_socket", m_host.cores_per_socket },
        { "threads_per_core", m_host.threads_per_core },
        { "cpu_mhz", m_host.cpu_mhz },
        { "hw_caps", m_host.virt_flags },
        { "virt_caps", m_host.virt_caps },
        { "total_memory", m_host.total_memory_mib },
        { "free_memory", m_host.free_memory_mib },
        { "domain_memory", used },
        { "dom0_min_mem", m_options.config.dom0_min_mem_mib },
        { "console_limit", m_options.config.console_limit_kib },
        { "xend_uptime", now_seconds() - m_start_time },
    };
}

Result<Json> Xend::op_log(Json const& args)
{
    if (args.value("op", std::string()) == "dmesg") {
        bool clear = args.value("clear", false);
        return Json { { "lines", xend_log::recent(clear) } };
    }
    std::string path = m_options.config.logfile.empty() ? m_options.dirs.default_log_path() : m_options.config.logfile;
    auto text = read_small_file(path);
    if (!text)
        return fail("xend log {}: {}", path, text.error().message());
    return Json { { "path", path }, { "text", *text } };
}

} // namespace xenith
