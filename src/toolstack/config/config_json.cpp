// DomainConfig <-> JSON, the shape printed by `xm create -n` and stored by xend.
#include "toolstack/config/config_json.h"

#include <array>
#include <limits>
#include <utility>

#include "toolstack/config/disk_spec.h"

namespace xenith {

using nlohmann::json;

namespace {

constexpr std::array domain_types { std::pair { DomainType::Pv, "pv" }, std::pair { DomainType::Hvm, "hvm" } };

constexpr std::array lifecycle_actions {
    std::pair { LifecycleAction::Destroy, "destroy" },
    std::pair { LifecycleAction::Restart, "restart" },
    std::pair { LifecycleAction::RenameRestart, "rename-restart" },
    std::pair { LifecycleAction::Preserve, "preserve" },
    std::pair { LifecycleAction::CoredumpDestroy, "coredump-destroy" },
    std::pair { LifecycleAction::CoredumpRestart, "coredump-restart" },
    std::pair { LifecycleAction::SoftReset, "soft-reset" },
};

constexpr std::array disk_formats {
    std::pair { DiskFormat::Raw, "raw" },
    std::pair { DiskFormat::Qcow, "qcow" },
    std::pair { DiskFormat::Qcow2, "qcow2" },
    std::pair { DiskFormat::Vhd, "vhd" },
};

constexpr std::array disk_backends {
    std::pair { DiskBackend::File, "file" },
    std::pair { DiskBackend::Aio, "aio" },
    std::pair { DiskBackend::Phy, "phy" },
};

template<typename Table, typename Enum>
char const* name_of(Table const& table, Enum value)
{
    for (auto const& [e, name] : table) {
        if (e == value)
            return name;
    }
    return "unknown";
}

template<typename Table, typename Enum>
Status enum_from(json const& object, char const* key, Table const& table, Enum& out)
{
    if (!object.contains(key))
        return {};
    auto const& value = object.at(key);
    if (!value.is_string())
        return fail("domain JSON: {} must be a string", key);
    for (auto const& [e, name] : table) {
        if (value.get<std::string>() == name) {
            out = e;
            return {};
        }
    }
    std::string valid;
    for (auto const& [e, name] : table)
        valid += (valid.empty() ? "" : ", ") + std::string(name);
    return fail("domain JSON: {} `{}' is not valid (expected {})", key, value.get<std::string>(), valid);
}

Status string_from(json const& object, char const* key, std::string& out)
{
    if (!object.contains(key))
        return {};
    if (!object.at(key).is_string())
        return fail("domain JSON: {} must be a string", key);
    out = object.at(key).get<std::string>();
    return {};
}

template<typename Int>
Status number_from(json const& object, char const* key, Int& out)
{
    if (!object.contains(key))
        return {};
    auto const& value = object.at(key);
    if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<int64_t>() >= 0))
        return fail("domain JSON: {} must be a non-negative integer", key);
    uint64_t v = value.get<uint64_t>();
    if (v > std::numeric_limits<Int>::max())
        return fail("domain JSON: {} is out of range", key);
    out = static_cast<Int>(v);
    return {};
}

} // namespace

char const* to_string(DomainType type) { return name_of(domain_types, type); }
char const* to_string(LifecycleAction action) { return name_of(lifecycle_actions, action); }
char const* to_string(DiskFormat format) { return name_of(disk_formats, format); }
char const* to_string(DiskBackend backend) { return name_of(disk_backends, backend); }

json to_json(DiskSpec const& disk)
{
    json out = json::object();
    out["target"] = disk.target;
    out["vdev"] = disk.vdev;
    auto index = disk_index_of_vdev(disk.vdev);
    out["index"] = index ? json(*index) : json(nullptr);
    out["format"] = to_string(disk.format);
    out["backend"] = to_string(disk.backend);
    out["access"] = disk.writable ? "rw" : "ro";
    out["devtype"] = disk.cdrom ? "cdrom" : "disk";
    out["script"] = disk.script;
    return out;
}

json to_json(VifSpec const& vif)
{
    json out = json::object();
    out["mac"] = vif.mac;
    out["bridge"] = vif.bridge;
    out["ip"] = vif.ip;
    out["model"] = vif.model;
    out["vifname"] = vif.vifname;
    out["type"] = vif.type;
    out["script"] = vif.script;
    out["backend"] = vif.backend;
    out["gatewaydev"] = vif.gatewaydev;
    out["rate"] = vif.rate;
    out["rate_bytes_per_sec"] = vif.rate_bytes_per_sec;
    out["rate_interval_us"] = vif.rate_interval_us;
    out["mtu"] = vif.mtu;
    out["forwards"] = vif.forwards;
    return out;
}

json to_json(DomainConfig const& config)
{
    json out = json::object();
    out["source_path"] = config.source_path;
    out["name"] = config.name;
    out["uuid"] = config.uuid;
    out["type"] = to_string(config.type);
    out["kernel"] = config.kernel;
    out["ramdisk"] = config.ramdisk;
    out["bootloader"] = config.bootloader;
    out["firmware"] = config.firmware;
    out["root"] = config.root;
    out["extra"] = config.extra;
    out["cmdline"] = config.cmdline;
    out["kernel_command_line"] = config.kernel_command_line();
    out["memory"] = config.memory_mib;
    out["maxmem"] = config.maxmem_mib;
    out["vcpus"] = config.vcpus;
    out["maxvcpus"] = config.maxvcpus;
    out["cpus"] = config.cpus;
    if (!config.vcpu_cpus.empty())
        out["vcpu_cpus"] = config.vcpu_cpus;
    out["cpu_weight"] = config.cpu_weight;
    out["cap"] = config.cap;
    out["on_poweroff"] = to_string(config.on_poweroff);
    out["on_reboot"] = to_string(config.on_reboot);
    out["on_crash"] = to_string(config.on_crash);
    out["disks"] = json::array();
    for (auto const& disk : config.disks)
        out["disks"].push_back(to_json(disk));
    out["vifs"] = json::array();
    for (auto const& vif : config.vifs)
        out["vifs"].push_back(to_json(vif));
    return out;
}

Result<DomainConfig> domain_config_from_json(json const& in)
{
    if (!in.is_object())
        return fail("domain JSON: expected an object");
    DomainConfig config;
    XENITH_TRY(string_from(in, "source_path", config.source_path));
    XENITH_TRY(string_from(in, "name", config.name));
    XENITH_TRY(string_from(in, "uuid", config.uuid));
    XENITH_TRY(enum_from(in, "type", domain_types, config.type));
    XENITH_TRY(string_from(in, "kernel", config.kernel));
    XENITH_TRY(string_from(in, "ramdisk", config.ramdisk));
    XENITH_TRY(string_from(in, "bootloader", config.bootloader));
    XENITH_TRY(string_from(in, "firmware", config.firmware));
    XENITH_TRY(string_from(in, "root", config.root));
    XENITH_TRY(string_from(in, "extra", config.extra));
    XENITH_TRY(string_from(in, "cmdline", config.cmdline));
    XENITH_TRY(number_from(in, "memory", config.memory_mib));
    XENITH_TRY(number_from(in, "maxmem", config.maxmem_mib));
    XENITH_TRY(number_from(in, "vcpus", config.vcpus));
    XENITH_TRY(number_from(in, "maxvcpus", config.maxvcpus));
    XENITH_TRY(string_from(in, "cpus", config.cpus));
    if (in.contains("vcpu_cpus")) {
        auto const& lists = in["vcpu_cpus"];
        if (!lists.is_array())
            return fail("domain JSON: vcpu_cpus must be an array of CPU lists");
        for (auto const& list : lists) {
            if (!list.is_string())
                return fail("domain JSON: vcpu_cpus must be an array of CPU lists");
            config.vcpu_cpus.push_back(list.get<std::string>());
        }
    }
    XENITH_TRY(number_from(in, "cpu_weight", config.cpu_weight));
    XENITH_TRY(number_from(in, "cap", config.cap));
    XENITH_TRY(enum_from(in, "on_poweroff", lifecycle_actions, config.on_poweroff));
    XENITH_TRY(enum_from(in, "on_reboot", lifecycle_actions, config.on_reboot));
    XENITH_TRY(enum_from(in, "on_crash", lifecycle_actions, config.on_crash));
    if (in.contains("disks")) {
        if (!in["disks"].is_array())
            return fail("domain JSON: disks must be an array");
        for (auto const& item : in["disks"]) {
            if (!item.is_object())
                return fail("domain JSON: each disk must be an object");
            DiskSpec disk;
            XENITH_TRY(string_from(item, "target", disk.target));
            XENITH_TRY(string_from(item, "vdev", disk.vdev));
            XENITH_TRY(enum_from(item, "format", disk_formats, disk.format));
            XENITH_TRY(enum_from(item, "backend", disk_backends, disk.backend));
            std::string access = "rw", devtype = "disk";
            XENITH_TRY(string_from(item, "access", access));
            XENITH_TRY(string_from(item, "devtype", devtype));
            if (access != "rw" && access != "ro")
                return fail("domain JSON: disk access `{}' is not valid (expected rw or ro)", access);
            if (devtype != "disk" && devtype != "cdrom")
                return fail("domain JSON: disk devtype `{}' is not valid (expected disk or cdrom)", devtype);
            disk.writable = access == "rw";
            disk.cdrom = devtype == "cdrom";
            XENITH_TRY(string_from(item, "script", disk.script));
            config.disks.push_back(std::move(disk));
        }
    }
    if (in.contains("vifs")) {
        if (!in["vifs"].is_array())
            return fail("domain JSON: vifs must be an array");
        for (auto const& item : in["vifs"]) {
            if (!item.is_object())
                return fail("domain JSON: each vif must be an object");
            VifSpec vif;
            XENITH_TRY(string_from(item, "mac", vif.mac));
            XENITH_TRY(string_from(item, "bridge", vif.bridge));
            XENITH_TRY(string_from(item, "ip", vif.ip));
            XENITH_TRY(string_from(item, "model", vif.model));
            XENITH_TRY(string_from(item, "vifname", vif.vifname));
            XENITH_TRY(string_from(item, "type", vif.type));
            XENITH_TRY(string_from(item, "script", vif.script));
            XENITH_TRY(string_from(item, "backend", vif.backend));
            XENITH_TRY(string_from(item, "gatewaydev", vif.gatewaydev));
            XENITH_TRY(string_from(item, "rate", vif.rate));
            XENITH_TRY(number_from(item, "rate_bytes_per_sec", vif.rate_bytes_per_sec));
            XENITH_TRY(number_from(item, "rate_interval_us", vif.rate_interval_us));
            XENITH_TRY(number_from(item, "mtu", vif.mtu));
            if (item.contains("forwards")) {
                if (!item["forwards"].is_array())
                    return fail("domain JSON: vif forwards must be an array of strings");
                for (auto const& forward : item["forwards"]) {
                    if (!forward.is_string())
                        return fail("domain JSON: vif forwards must be an array of strings");
                    vif.forwards.push_back(forward.get<std::string>());
                }
            }
            config.vifs.push_back(std::move(vif));
        }
    }
    return config;
}

} // namespace xenith
