// Xend: the daemon. Owns the registry, spawns and supervises one xenith-vm per domain,
// carries out on_poweroff/on_reboot/on_crash, starts auto/ domains, keeps managed domains,
// re-adopts running domains after its own restart, and serves the JSON API.
//
// Single-threaded: one poll loop over the API socket, its clients, the monitors' pidfds, a
// signalfd, and the waits of requests in progress. Nothing in it blocks on a guest: a request
// that must wait (vcpu-set, create/start, destroy, hotplug, dump-core, a restart) leaves a Wait
// in the loop — a reply on the domain's control socket or a deadline — and a continuation that
// finishes the work and answers the client. Meanwhile other clients are served and domain exits
// carried out. A domain has at most one such operation at a time: another one is refused as
// busy, except destroy, which always proceeds; a pending operation whose domain exits gets an
// error reply. See docs/xend.md ("Requests that wait").
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/unique_fd.h"
#include "toolstack/config/xend_config.h"
#include "toolstack/xend/api_protocol.h"
#include "toolstack/xend/cpu_cgroup.h"
#include "toolstack/xend/domain_store.h"
#include "toolstack/xend/host_info.h"
#include "toolstack/xend/pending_call.h"
#include "toolstack/xend/registry.h"
#include "toolstack/xend/vm_launcher.h"
#include "toolstack/xend/xenith_dirs.h"

namespace xenith {

struct XendOptions {
    XenithDirs dirs;
    XendConfig config;
    std::string socket_path; // the API socket
    std::string vm_binary;   // xenith-vm to run
    // Where cgroups are mounted and the parent cgroup of the domains' (docs/xend.md); an empty
    // root leaves cpu_weight, cap and xm sched-credit unavailable.
    std::string cgroup_root;
    std::string cgroup_parent { "xenith" };
};

class Xend {
public:
    static Result<std::unique_ptr<Xend>> create(XendOptions options);
    ~Xend();

    // Re-adopts running domains, starts auto/ domains, then serves until SIGTERM or SIGINT.
    // Domains keep running when xend stops.
    Status run();

    // One API request to its reply, running the loop until the reply is ready (a request that
    // waits on a domain is answered by the loop). Public for tests.
    nlohmann::json handle_request(std::string_view line);

    // Start-up steps, public for tests.
    void load_managed_domains();
    void adopt_running_domains();
    void start_auto_domains();

    Registry& registry() { return m_registry; }

private:
    explicit Xend(XendOptions options);
    Status open_api_socket();

    // Who gets the outcome of an operation: the API client's reply, or xend's own log.
    using Reply = std::function<void(Result<nlohmann::json>)>;
    using OnExit = std::function<void(VmExitInfo const&)>;

    // Operations answer either at once (Result) or, when they wait on a domain, through `done`:
    // a begin_* that returns an error has not kept `done`; one that succeeds calls it exactly
    // once, maybe before it returns.
    void dispatch(api::Request const& request, Reply done);
    Result<nlohmann::json> dispatch_now(std::string const& op, nlohmann::json const& args);
    Result<nlohmann::json> op_list(nlohmann::json const& args);
    Status begin_create(nlohmann::json const& args, Reply done);
    Result<nlohmann::json> op_new(nlohmann::json const& args);
    Status begin_start(nlohmann::json const& args, Reply done);
    Result<nlohmann::json> op_delete(nlohmann::json const& args);
    Status begin_destroy(nlohmann::json const& args, Reply done);
    Result<nlohmann::json> op_rename(nlohmann::json const& args);
    Result<nlohmann::json> op_mem_max(nlohmann::json const& args);
    Status begin_forward(std::string const& op, nlohmann::json const& args, Reply done);
    Result<nlohmann::json> op_console(nlohmann::json const& args);
    Result<nlohmann::json> op_info();
    Result<nlohmann::json> op_log(nlohmann::json const& args);
    Status begin_dump_core(nlohmann::json const& args, Reply done);

    // Core dumps (xend_core_dump.cpp): on a crash when on_crash is coredump-* or enable-dump is
    // on, and on request (xm dump-core).
    bool wants_crash_dump(DomainRecord const& record) const;
    std::string newest_core_dump(DomainRecord const& record) const;
    // block-list/attach/detach and network-list/attach/detach (xend_devices.cpp).
    Status begin_device(std::string const& op, nlohmann::json const& args, Reply done);

    // Scheduling (xend_sched.cpp): vCPU affinity and the domain's cpu cgroup.
    Status begin_vcpu_pin(nlohmann::json const& args, Reply done);
    void pin_vcpus(uint32_t id, std::vector<unsigned> vcpus, nlohmann::json cpus, Reply done);
    Result<nlohmann::json> op_sched_credit(nlohmann::json const& args);
    Status check_host_cpus(DomainConfig const& config) const;
    nlohmann::json affinity_json(std::vector<int> const& affinity) const;
    void sched_attach(DomainRecord& record); // xenith-vm started: into its cgroup
    void sched_pin(DomainRecord& record);    // its control socket answers: apply cpus=
    void sched_release(DomainRecord const& record);
    void sched_rename(std::string const& old_name, std::string const& new_name);

    Result<DomainRecord*> lookup(nlohmann::json const& args, char const* key = "domain");
    Result<DomainRecord*> lookup_running(nlohmann::json const& args);
    Result<DomainConfig> config_from_args(nlohmann::json const& args);
    nlohmann::json describe(DomainRecord& record, bool long_form);
    nlohmann::json describe_domain0();

    // Spawns xenith-vm for `record` (which gets a fresh id); `done` gets {id, name, console}
    // once its control socket answers. On failure the record is retired: back to inactive
    // (managed) or removed.
    void start_domain(DomainRecord& record, bool paused, Reply done);
    Status launch_domain(DomainRecord& record);
    void await_control_socket(uint32_t id, std::chrono::steady_clock::time_point deadline, bool paused, std::string last_error, Reply done);
    void domain_started(uint32_t id, bool paused, Reply done);
    // Asks xenith-vm to stop, kills it if it has not exited 3 s later; `done` gets {} once the
    // process is gone and the record retired.
    void destroy_domain(DomainRecord& record, Reply done);
    void await_destroyed(uint32_t id, bool killed, Reply done, OnExit gone);
    // A synchronous call, for the short ones (status, identify, lists, vcpu-pin) only.
    Result<nlohmann::json> control_call(DomainRecord const& record, std::string_view op,
        nlohmann::json args = nlohmann::json::object(), std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

    // The loop's waits. A Wait ends with the control socket's reply (or the timeout error),
    // with Json() when a timer's deadline passes, or with `exited` when the domain's process
    // ends first (by default: `done` gets "Domain 'NAME' ended ... while OP was in progress").
    void await_call(DomainRecord const& record, std::string_view op, nlohmann::json args, std::chrono::milliseconds timeout,
        Reply done, OnExit exited = {});
    void await_timer(uint32_t domain, std::chrono::milliseconds delay, Reply done, OnExit exited);
    // Marks the domain busy with `op` until the returned Reply (which wraps `done`) is called;
    // fails with a one-line "busy" message while another operation or a destroy holds it.
    Result<Reply> claim(DomainRecord const& record, std::string const& op, Reply done);
    Status watch(DomainRecord& record);
    void unwatch(DomainRecord& record);
    void on_domain_exit(uint32_t id);
    void carry_out(DomainRecord& record, VmExitInfo const& exit);
    // The domain's process is gone for good: drop its run files; managed domains stay listed.
    void retire(DomainRecord& record);
    void persist(DomainRecord const& record);
    std::string vm_log_tail(DomainRecord const& record);

    // One round of the loop: waits for any descriptor or the nearest deadline, then handles it.
    Status poll_once();
    void finish_waits(std::vector<uint64_t> const& readable);
    void submit(std::string_view line, std::function<void(nlohmann::json)> answer);
    void serve_client(int fd);
    void serve_buffered_requests();
    void reap_children();

    XendOptions m_options;
    DomainStore m_store;
    Registry m_registry;
    HostInfo m_host;
    CpuCgroups m_cgroups;
    UniqueFd m_listener;
    UniqueFd m_signals;
    struct Client {
        UniqueFd fd;
        std::string input;
        uint64_t serial { 0 };  // tells a reused fd number from the client a late reply is for
        bool waiting { false }; // a request is in progress; its reply comes before the next one's
        bool hung_up { false }; // sent EOF after its requests: answer them, then close
    };
    std::map<int, Client> m_clients;
    uint64_t m_next_client { 1 };
    struct Wait {
        uint32_t domain { kNoDomainId };
        std::optional<PendingCall> call; // none: a timer
        std::chrono::steady_clock::time_point deadline {};
        std::string expired;             // the error when a call's deadline passes
        Reply done;
        OnExit exited;
    };
    std::map<uint64_t, Wait> m_waits;    // by serial, so a Wait is never mistaken for a newer one
    uint64_t m_next_wait { 1 };
    std::map<uint32_t, std::string> m_busy; // domain id -> the operation in progress on it
    std::map<int, uint32_t> m_pidfds;             // pidfd -> domain id
    std::map<uint32_t, UniqueFd> m_pidfd_of;     // domain id -> its pidfd
    double m_start_time { 0 };
    bool m_stopping { false };
};

} // namespace xenith
