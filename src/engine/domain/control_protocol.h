// The control protocol between xend and one xenith-vm: JSON objects, one per line, over the
// domain's control socket. Requests {"version":1,"op":"status"}, replies {"ok":true,"result":...}
// or {"ok":false,"error":"..."}. Header-only so xend can speak it without linking the engine.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/domain/domain_control.h"

namespace xenith::control {

inline constexpr int kVersion = 1;

// Operations, named as the xm subcommands that lead to them.
inline constexpr std::string_view kOpStatus = "status";     // -> status_to_json()
inline constexpr std::string_view kOpIdentify = "identify"; // -> {"name","pid","console"}
inline constexpr std::string_view kOpShutdown = "shutdown";
inline constexpr std::string_view kOpReboot = "reboot";
inline constexpr std::string_view kOpDestroy = "destroy";
inline constexpr std::string_view kOpPause = "pause";
inline constexpr std::string_view kOpUnpause = "unpause";
inline constexpr std::string_view kOpMemSet = "mem-set";   // {"mib":N}
inline constexpr std::string_view kOpVcpuSet = "vcpu-set"; // {"count":N}
inline constexpr std::string_view kOpVcpuPin = "vcpu-pin"; // {"vcpu":N,"cpus":[...]}
inline constexpr std::string_view kOpSysrq = "sysrq";      // {"key":"s"}
inline constexpr std::string_view kOpDumpCore = "dump-core"; // {"path":"/abs/file.core"}
// Device hotplug (engine/domain/control_hotplug.h has the reply shapes).
inline constexpr std::string_view kOpBlockList = "block-list";         // -> {"disks":[...]}
inline constexpr std::string_view kOpBlockAttach = "block-attach";     // {"spec":"tap:aio:/img,xvdb,w"} -> disk
inline constexpr std::string_view kOpBlockDetach = "block-detach";     // {"device":"xvdb"|"51728"}
inline constexpr std::string_view kOpNetworkList = "network-list";     // -> {"nics":[...]}
inline constexpr std::string_view kOpNetworkAttach = "network-attach"; // {"spec":"bridge=xenbr0"} -> nic
inline constexpr std::string_view kOpNetworkDetach = "network-detach"; // {"device":"1"|"00:16:3e:.."}

inline std::string_view state_name(DomainRunState state)
{
    switch (state) {
    case DomainRunState::Running: return "running";
    case DomainRunState::Blocked: return "blocked";
    case DomainRunState::Paused: return "paused";
    case DomainRunState::ShuttingDown: return "shutdown";
    case DomainRunState::Crashed: return "crashed";
    }
    return "running";
}

inline DomainRunState state_from_name(std::string_view name)
{
    if (name == "blocked")
        return DomainRunState::Blocked;
    if (name == "paused")
        return DomainRunState::Paused;
    if (name == "shutdown")
        return DomainRunState::ShuttingDown;
    if (name == "crashed")
        return DomainRunState::Crashed;
    return DomainRunState::Running;
}

inline std::string_view shutdown_request_name(ShutdownRequest request)
{
    switch (request) {
    case ShutdownRequest::None: return "";
    case ShutdownRequest::Poweroff: return "poweroff";
    case ShutdownRequest::Reboot: return "reboot";
    }
    return "";
}

inline ShutdownRequest shutdown_request_from_name(std::string_view name)
{
    if (name == "poweroff")
        return ShutdownRequest::Poweroff;
    if (name == "reboot")
        return ShutdownRequest::Reboot;
    return ShutdownRequest::None;
}

inline nlohmann::json status_to_json(DomainStatus const& status)
{
    nlohmann::json vcpus = nlohmann::json::array();
    for (auto const& v : status.vcpus) {
        vcpus.push_back({ { "id", v.id }, { "online", v.online }, { "running", v.running }, { "blocked", v.blocked },
            { "cpu_seconds", v.cpu_seconds }, { "instret", v.instret }, { "host_cpu", v.host_cpu },
            { "affinity", v.affinity } });
    }
    return { { "state", state_name(status.state) }, { "memory_mib", status.memory_mib },
        { "max_memory_mib", status.max_memory_mib }, { "cpu_seconds", status.cpu_seconds }, { "instret", status.instret },
        { "uptime_seconds", status.uptime_seconds }, { "shutdown_requested", shutdown_request_name(status.shutdown_requested) },
        { "shutdown_presses", status.shutdown_presses }, { "vcpus", vcpus } };
}

// Lenient: missing fields keep their defaults, so either side may grow fields first.
inline DomainStatus status_from_json(nlohmann::json const& j)
{
    DomainStatus s;
    if (!j.is_object())
        return s;
    s.state = state_from_name(j.value("state", std::string("running")));
    s.memory_mib = j.value("memory_mib", uint64_t(0));
    s.max_memory_mib = j.value("max_memory_mib", uint64_t(0));
    s.cpu_seconds = j.value("cpu_seconds", 0.0);
    s.instret = j.value("instret", uint64_t(0));
    s.uptime_seconds = j.value("uptime_seconds", 0.0);
    s.shutdown_requested = shutdown_request_from_name(j.value("shutdown_requested", std::string()));
    s.shutdown_presses = j.value("shutdown_presses", 0u);
    if (auto it = j.find("vcpus"); it != j.end() && it->is_array()) {
        for (auto const& v : *it) {
            if (!v.is_object())
                continue;
            VcpuInfo info;
            info.id = v.value("id", 0u);
            info.online = v.value("online", false);
            info.running = v.value("running", false);
            info.blocked = v.value("blocked", false);
            info.cpu_seconds = v.value("cpu_seconds", 0.0);
            info.instret = v.value("instret", uint64_t(0));
            info.host_cpu = v.value("host_cpu", -1);
            if (auto a = v.find("affinity"); a != v.end() && a->is_array())
                for (auto const& cpu : *a)
                    if (cpu.is_number_integer())
                        info.affinity.push_back(cpu.get<int>());
            s.vcpus.push_back(std::move(info));
        }
    }
    return s;
}

inline nlohmann::json request(std::string_view op, nlohmann::json args = nlohmann::json::object())
{
    args["version"] = kVersion;
    args["op"] = op;
    return args;
}

inline nlohmann::json ok_reply(nlohmann::json result = nlohmann::json::object())
{
    return { { "version", kVersion }, { "ok", true }, { "result", std::move(result) } };
}

inline nlohmann::json error_reply(std::string_view message)
{
    return { { "version", kVersion }, { "ok", false }, { "error", message } };
}

} // namespace xenith::control
