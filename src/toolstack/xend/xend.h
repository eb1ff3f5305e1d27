// Xend: the daemon. Owns the registry, spawns and supervises one xenith-vm per domain,
// carries out on_poweroff/on_reboot/on_crash, starts auto/ domains, keeps managed domains,
// re-adopts running domains after its own restart, and serves the JSON API. Single-threaded:
// one poll loop over the API socket, its clients, the monitors' pidfds and a signalfd.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/unique_fd.h"
#include "toolstack/config/xend_config.h"
#include "toolstack/xend/api_protocol.h"
#include "toolstack/xend/cpu_cgroup.h"
#include "toolstack/xend/domain_store.h"
#include "toolstack/xend/host_info.h"
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

    // One API request to its reply. Public for tests.
    nlohmann::json handle_request(std::string_view line);

    // Start-up steps, public for tests.
    void load_managed_domains();
    void adopt_running_domains();
    void start_auto_domains();

    Registry& registry() { return m_registry; }

private:
    explicit Xend(XendOptions options);
    Status open_api_socket();

    Result<nlohmann::json> dispatch(api::Request const& request);
    Result<nlohmann::json> op_list(nlohmann::json const& args);
    Result<nlohmann::json> op_create(nlohmann::json const& args);
    Result<nlohmann::json> op_new(nlohmann::json const& args);
    Result<nlohmann::json> op_start(nlohmann::json const& args);
    Result<nlohmann::json> op_delete(nlohmann::json const& args);
    Result<nlohmann::json> op_destroy(nlohmann::json const& args);
    Result<nlohmann::json> op_rename(nlohmann::json const& args);
    Result<nlohmann::json> op_mem_max(nlohmann::json const& args);
    Result<nlohmann::json> op_forward(std::string const& op, nlohmann::json const& args);
    Result<nlohmann::json> op_console(nlohmann::json const& args);
    Result<nlohmann::json> op_info();
    Result<nlohmann::json> op_log(nlohmann::json const& args);
    Result<nlohmann::json> op_dump_core(nlohmann::json const& args);

    // Core dumps (xend_core_dump.cpp): on a crash when on_crash is coredump-* or enable-dump is
    // on, and on request (xm dump-core).
    bool wants_crash_dump(DomainRecord const& record) const;
    std::string newest_core_dump(DomainRecord const& record) const;
    // block-list/attach/detach and network-list/attach/detach (xend_devices.cpp).
    Result<nlohmann::json> op_device(std::string const& op, nlohmann::json const& args);

    // Scheduling (xend_sched.cpp): vCPU affinity and the domain's cpu cgroup.
    Result<nlohmann::json> op_vcpu_pin(nlohmann::json const& args);
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

    // Spawns xenith-vm for `record` (which gets a fresh id) and waits until its control socket
    // answers. On failure the record is back to inactive (managed) or removed.
    Status start_domain(DomainRecord& record, bool paused);
    Status destroy_domain(DomainRecord& record);
    Result<nlohmann::json> control_call(DomainRecord const& record, std::string_view op,
        nlohmann::json args = nlohmann::json::object(), std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));
    Status watch(DomainRecord& record);
    void unwatch(DomainRecord& record);
    void on_domain_exit(uint32_t id);
    void carry_out(DomainRecord& record, VmExitInfo const& exit);
    // The domain's process is gone for good: drop its run files; managed domains stay listed.
    void retire(DomainRecord& record);
    void persist(DomainRecord const& record);
    std::string vm_log_tail(DomainRecord const& record);

    void serve_client(int fd);
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
    };
    std::map<int, Client> m_clients;
    std::map<int, uint32_t> m_pidfds;             // pidfd -> domain id
    std::map<uint32_t, UniqueFd> m_pidfd_of;     // domain id -> its pidfd
    double m_start_time { 0 };
    bool m_stopping { false };
};

} // namespace xenith
