// Xend's scheduling: cpus= and xm vcpu-pin (vCPU thread affinity through the control channel),
// cpu_weight/cap and xm sched-credit (the domain's cgroup, see cpu_cgroup.h).
#include <algorithm>
#include <unistd.h>

#include "base/log.h"
#include "engine/domain/control_protocol.h"
#include "toolstack/config/cpu_list.h"
#include "toolstack/xend/xend.h"

namespace xenith {

namespace {

using Json = nlohmann::json;

unsigned max_vcpus_of(DomainConfig const& config) { return std::max(config.vcpus, config.maxvcpus); }

// One row of xm sched-credit.
Json credit_row(std::string const& name, Json id, Credit const& credit)
{
    return Json { { "name", name }, { "id", std::move(id) }, { "weight", credit.weight }, { "cap", credit.cap } };
}

} // namespace

Status Xend::check_host_cpus(DomainConfig const& config) const
{
    XENITH_TRY(vcpu_affinities(config.cpus, config.vcpu_cpus, max_vcpus_of(config), m_host.nr_cpus,
        fmt::format("domain '{}': cpus", config.name)));
    return {};
}

Json Xend::affinity_json(std::vector<int> const& affinity) const
{
    // As xm does: a thread allowed on every host CPU runs on "any cpu", sent as [].
    std::vector<unsigned> cpus;
    for (int cpu : affinity)
        if (cpu >= 0)
            cpus.push_back(unsigned(cpu));
    return affinity_of(CpuSelection { false, cpus }, m_host.nr_cpus);
}

void Xend::sched_attach(DomainRecord& r)
{
    if (!m_cgroups.available())
        return;
    if (auto status = m_cgroups.attach(r.name, r.vm_pid, { r.config.cpu_weight, r.config.cap }); !status)
        log::error("domain {}: cpu_weight/cap not applied: {}", r.name, status.error().message());
}

void Xend::sched_pin(DomainRecord& r)
{
    if (r.config.cpus.empty() && r.config.vcpu_cpus.empty())
        return;
    auto pins = vcpu_affinities(r.config.cpus, r.config.vcpu_cpus, max_vcpus_of(r.config), m_host.nr_cpus, "cpus");
    if (!pins) {
        log::error("domain {}: {}", r.name, pins.error().message());
        return;
    }
    for (unsigned v = 0; v < pins->size(); ++v) {
        auto const& cpus = (*pins)[v];
        if (cpus.empty())
            continue; // any CPU: nothing to restrict
        if (auto reply = control_call(r, control::kOpVcpuPin, { { "vcpu", v }, { "cpus", cpus } }); !reply)
            log::error("domain {}: cpus not applied to VCPU {} (host CPUs {}): {}", r.name, v, format_cpu_affinity(cpus, m_host.nr_cpus),
                reply.error().message());
    }
}

void Xend::sched_release(DomainRecord const& r)
{
    if (auto status = m_cgroups.remove(r.name); !status)
        log::warn("domain {}: {}", r.name, status.error().message());
}

void Xend::sched_rename(std::string const& old_name, std::string const& new_name)
{
    auto* r = m_registry.find_by_name(new_name);
    if (!r || !r->is_active())
        return;
    if (auto status = m_cgroups.rename(old_name, new_name); !status)
        log::warn("domain {}: {}", new_name, status.error().message());
}

Status Xend::begin_vcpu_pin(Json const& args, Reply done)
{
    auto* r = XENITH_TRY(lookup_running(args));
    unsigned count = max_vcpus_of(r->config);
    std::vector<unsigned> vcpus;
    auto vcpu = args.find("vcpu");
    if (vcpu != args.end() && vcpu->is_string() && vcpu->get<std::string>() == "all") {
        for (unsigned v = 0; v < count; ++v)
            vcpus.push_back(v);
    } else {
        auto number = XENITH_TRY(api::unsigned_arg(args, "vcpu"));
        if (number >= count)
            return fail("vcpu-pin: domain '{}' has no VCPU {} (its VCPUs are 0-{}; maxvcpus in its config)", r->name, number, count - 1);
        vcpus.push_back(unsigned(number));
    }
    CpuSelection selection;
    auto cpus = args.find("cpus");
    if (cpus != args.end() && cpus->is_string()) {
        selection = XENITH_TRY(parse_cpu_list(cpus->get<std::string>(), "vcpu-pin"));
    } else if (cpus != args.end() && cpus->is_array()) {
        for (auto const& cpu : *cpus) {
            if (!cpu.is_number_unsigned())
                return fail("vcpu-pin: \"cpus\" must be a CPU list such as \"0-3,^1\" or a list of CPU numbers");
            selection.cpus.push_back(cpu.get<unsigned>());
        }
        selection.all = selection.cpus.empty();
    } else {
        return fail("vcpu-pin: request needs \"cpus\" (a CPU list such as \"0-3,^1\", or \"all\")");
    }
    XENITH_TRY(check_cpus_exist(selection, m_host.nr_cpus, "vcpu-pin"));
    Json host_cpus = affinity_of(selection, m_host.nr_cpus);
    done = XENITH_TRY(claim(*r, "vcpu-pin", std::move(done)));
    pin_vcpus(r->id, std::move(vcpus), std::move(host_cpus), std::move(done));
    return {};
}

// One vcpu-pin request per vCPU, each after the previous one's answer; the first error ends it.
void Xend::pin_vcpus(uint32_t id, std::vector<unsigned> vcpus, Json cpus, Reply done)
{
    auto* r = m_registry.find_by_id(id);
    if (vcpus.empty() || !r) {
        done(Json::object());
        return;
    }
    unsigned v = vcpus.front();
    vcpus.erase(vcpus.begin());
    await_call(*r, control::kOpVcpuPin, { { "vcpu", v }, { "cpus", cpus } }, std::chrono::milliseconds(2000),
        [this, id, vcpus = std::move(vcpus), cpus, done](Result<Json> pinned) mutable {
            if (!pinned)
                done(std::move(pinned));
            else
                pin_vcpus(id, std::move(vcpus), std::move(cpus), std::move(done));
        });
}

Result<Json> Xend::op_sched_credit(Json const& args)
{
    if (!m_cgroups.available())
        return fail("{}", m_cgroups.unavailable_reason());
    bool setting = args.contains("weight") || args.contains("cap");
    if (!args.contains("domain")) {
        if (setting)
            return fail("No domain given.");
        Json rows = Json::array();
        rows.push_back((credit_row("Domain-0", 0, XENITH_TRY(m_cgroups.get_process(::getpid())))));
        for (auto* r : m_registry.all()) {
            if (r->phase != DomainPhase::Running)
                continue;
            auto credit = XENITH_TRY(m_cgroups.get(r->name, { r->config.cpu_weight, r->config.cap }));
            rows.push_back((credit_row(r->name, r->id, credit)));
        }
        return Json { { "domains", rows } };
    }
    auto* r = XENITH_TRY(lookup_running(args));
    Credit credit { r->config.cpu_weight, r->config.cap };
    if (!setting) {
        credit = XENITH_TRY(m_cgroups.get(r->name, credit));
        return Json { { "domains", Json::array({ (credit_row(r->name, r->id, credit)) }) } };
    }
    if (args.contains("weight")) {
        auto weight = XENITH_TRY(api::unsigned_arg(args, "weight"));
        if (weight < 1 || weight > kMaxWeight)
            return fail("weight {} is outside 1..{} (256 is the default; twice the weight, twice the CPU under contention)", weight, kMaxWeight);
        credit.weight = unsigned(weight);
    }
    if (args.contains("cap")) {
        auto cap = XENITH_TRY(api::unsigned_arg(args, "cap"));
        unsigned most = 100 * max_vcpus_of(r->config);
        if (cap > most)
            return fail("cap {} is more than domain '{}' can use: {} VCPUs are at most {} (percent of one CPU; 0 = no cap)", cap,
                r->name, max_vcpus_of(r->config), most);
        credit.cap = unsigned(cap);
    }
    XENITH_TRY(m_cgroups.set(r->name, credit));
    r->config.cpu_weight = credit.weight;
    r->config.cap = credit.cap;
    persist(*r);
    log::info("domain {}: credit weight {} cap {} (cgroup {})", r->name, credit.weight, credit.cap, m_cgroups.domain_path(r->name));
    return Json::object();
}

} // namespace xenith
