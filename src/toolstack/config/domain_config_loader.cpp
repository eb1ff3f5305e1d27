// From parsed settings to a validated DomainConfig: key by key, with xl's and xm's spellings.
#include "toolstack/config/domain_config_loader.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>

#include "toolstack/config/cpu_list.h"
#include "toolstack/config/disk_spec.h"
#include "toolstack/config/vif_spec.h"

namespace xenith {

namespace {

constexpr uint64_t min_memory_mib = 16;
constexpr uint64_t max_memory_mib = 1 << 20; // 1 TiB
constexpr unsigned max_vcpus = 64;
constexpr size_t max_name_length = 64;

// Keys xl or xm know that Xenith accepts but does not use, with the reason the user reads.
struct IgnoredKey {
    std::string_view key;
    std::string_view why;
};

constexpr std::string_view no_display = "not supported, ignored: domains have no display; use xm console";
constexpr std::string_view x86_only = "not supported, ignored: an x86 setting with no RISC-V meaning";
constexpr std::string_view no_passthrough = "not supported, ignored: Xenith has no device passthrough";

constexpr std::array ignored_keys {
    IgnoredKey { "serial", "not supported, ignored: the domain's console is its serial port; use xm console" },
    IgnoredKey { "console", "not supported, ignored: the domain's console is its serial port; use xm console" },
    IgnoredKey { "vnc", no_display },
    IgnoredKey { "vnclisten", no_display },
    IgnoredKey { "vncdisplay", no_display },
    IgnoredKey { "vncunused", no_display },
    IgnoredKey { "vncpasswd", no_display },
    IgnoredKey { "vncconsole", no_display },
    IgnoredKey { "vfb", no_display },
    IgnoredKey { "vkb", no_display },
    IgnoredKey { "sdl", no_display },
    IgnoredKey { "opengl", no_display },
    IgnoredKey { "nographic", no_display },
    IgnoredKey { "display", no_display },
    IgnoredKey { "xauthority", no_display },
    IgnoredKey { "keymap", no_display },
    IgnoredKey { "stdvga", no_display },
    IgnoredKey { "videoram", no_display },
    IgnoredKey { "vga", no_display },
    IgnoredKey { "spice", no_display },
    IgnoredKey { "boot", "not supported, ignored: HVM domains boot what U-Boot finds on the disks" },
    IgnoredKey { "localtime", "not supported, ignored: the guest RTC runs in UTC" },
    IgnoredKey { "rtc_timeoffset", "not supported, ignored: the guest RTC runs in UTC" },
    IgnoredKey { "acpi", x86_only },
    IgnoredKey { "apic", x86_only },
    IgnoredKey { "pae", x86_only },
    IgnoredKey { "hap", x86_only },
    IgnoredKey { "nx", x86_only },
    IgnoredKey { "viridian", x86_only },
    IgnoredKey { "hpet", x86_only },
    IgnoredKey { "cpuid", x86_only },
    IgnoredKey { "tsc_mode", x86_only },
    IgnoredKey { "xen_platform_pci", x86_only },
    IgnoredKey { "e820_host", x86_only },
    IgnoredKey { "shadow_memory", x86_only },
    IgnoredKey { "pci", no_passthrough },
    IgnoredKey { "irqs", no_passthrough },
    IgnoredKey { "ioports", no_passthrough },
    IgnoredKey { "iomem", no_passthrough },
    IgnoredKey { "gfx_passthru", no_passthrough },
    IgnoredKey { "dtdev", no_passthrough },
    IgnoredKey { "usb", "not supported, ignored: no emulated USB" },
    IgnoredKey { "usbdevice", "not supported, ignored: no emulated USB" },
    IgnoredKey { "usbctrl", "not supported, ignored: no emulated USB" },
    IgnoredKey { "soundhw", "not supported, ignored: no emulated sound" },
    IgnoredKey { "vtpm", "not supported, ignored: no virtual TPM" },
    IgnoredKey { "vscsi", "not supported, ignored: give SCSI disks as sdX in disk = [...]" },
    IgnoredKey { "channel", "not supported, ignored: no PV channels" },
    IgnoredKey { "device_model_version", "not supported, ignored: Xenith emulates devices itself, without QEMU" },
    IgnoredKey { "device_model_override", "not supported, ignored: Xenith emulates devices itself, without QEMU" },
    IgnoredKey { "device_model", "deprecated (device_model_override in xl) and ignored: Xenith has no device model" },
    IgnoredKey { "on_xend_start", "ignored: xend starts the domains linked in /etc/xen/auto/" },
    IgnoredKey { "on_xend_stop", "ignored: running domains keep running when xend stops" },
    IgnoredKey { "on_watchdog", "not supported, ignored: no watchdog device" },
    IgnoredKey { "on_soft_reset", "not supported, ignored" },
    IgnoredKey { "bootloader_args", "ignored: bootloaders are not run" },
    IgnoredKey { "bootargs", "deprecated (bootloader_args in xl) and ignored: bootloaders are not run" },
    IgnoredKey { "vcpu_avail", "not supported, ignored: the first `vcpus` of `maxvcpus` start online" },
    IgnoredKey { "seclabel", "not supported, ignored: no XSM/FLASK labels" },
    IgnoredKey { "access_control", "not supported, ignored: no XSM/FLASK labels" },
    IgnoredKey { "features", "not supported, ignored" },
    IgnoredKey { "driver_domain", "not supported, ignored: no driver domains" },
    IgnoredKey { "max_grant_frames", "ignored: Xenith has no grant tables" },
    IgnoredKey { "max_maptrack_frames", "ignored: Xenith has no grant tables" },
    IgnoredKey { "nomigrate", "ignored" },
    IgnoredKey { "blkif", "obsolete xm setting, ignored" },
    IgnoredKey { "netif", "obsolete xm setting, ignored" },
    IgnoredKey { "tpmif", "obsolete xm setting, ignored" },
    IgnoredKey { "nics", "obsolete xm setting, ignored: the number of NICs is the length of vif = [...]" },
    IgnoredKey { "hostname", "xm setting, ignored: put ip=... in extra for the kernel's own configuration" },
    IgnoredKey { "ip", "xm setting, ignored: put ip=... in extra for the kernel's own configuration" },
    IgnoredKey { "netmask", "xm setting, ignored: put ip=... in extra for the kernel's own configuration" },
    IgnoredKey { "gateway", "xm setting, ignored: put ip=... in extra for the kernel's own configuration" },
    IgnoredKey { "dhcp", "xm setting, ignored: put ip=dhcp in extra for the kernel's own configuration" },
    IgnoredKey { "vif2", "obsolete, ignored: use vif" },
    IgnoredKey { "claim_mode", "ignored" },
    IgnoredKey { "vuart", "ignored: the console is always a ns16550a" },
    IgnoredKey { "gic_version", "ignored: an Arm setting" },
    IgnoredKey { "device_tree", "ignored: the board writes its own device tree" },
    IgnoredKey { "vnuma", "not supported, ignored: guests see one NUMA node" },
    IgnoredKey { "cpus_soft", "not supported, ignored: use cpus" },
    IgnoredKey { "memory_sharing", "not supported, ignored" },
    IgnoredKey { "rdm", "not supported, ignored" },
    IgnoredKey { "rdm_mem_boundary", "not supported, ignored" },
};

// Keys this loader reads. Used for "did you mean" and to find unknown keys.
constexpr std::array<std::string_view, 27> handled_keys {
    "name", "uuid", "type", "builder", "pvh", "kernel", "ramdisk", "bootloader", "firmware", "bios",
    "firmware_override", "root", "extra", "cmdline", "memory", "maxmem", "vcpus", "maxvcpus", "cpus", "cpu_weight",
    "cap", "cpu_cap", "on_poweroff", "on_reboot", "on_crash", "disk", "vif",
};

// "disk 'SPEC': why" reads "KEY: 'SPEC': why" once the loader prefixes the key.
std::string without_prefix(std::string const& message, std::string_view prefix)
{
    return message.starts_with(prefix) ? message.substr(prefix.size()) : message;
}

unsigned edit_distance(std::string_view a, std::string_view b)
{
    std::vector<unsigned> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        unsigned diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            unsigned above = row[j];
            row[j] = std::min({ row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0u : 1u) });
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string show(ConfigValue const& value)
{
    if (value.is_list())
        return "[...]";
    return "\"" + value.text + "\"";
}

bool valid_uuid(std::string& uuid)
{
    if (uuid.size() != 36)
        return false;
    for (size_t i = 0; i < uuid.size(); ++i) {
        char& c = uuid[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return false;
        } else if (std::isxdigit(static_cast<unsigned char>(c))) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else {
            return false;
        }
    }
    return true;
}

// "0-3,^1", "all", "5": xl's cpu list without NUMA nodes (cpu_list.h).
bool valid_cpu_list(std::string_view cpus) { return parse_cpu_list(cpus, "cpus").has_value(); }

struct NumberRule {
    std::string_view unit;    // "MiB", "vcpus", ...
    std::string_view example; // "memory = 256"
    uint64_t min;
    uint64_t max;
};

class Loader {
public:
    Loader(ConfigFile const& file, std::vector<std::string>& warnings, std::vector<std::string>* notes)
        : m_file(file)
        , m_warnings(warnings)
        , m_notes(notes)
    {
    }

    Result<DomainConfig> load()
    {
        DomainConfig config;
        config.source_path = m_file.source;
        warn_repeated_keys();

        // Identity.
        if (auto name = XENITH_TRY(string("name", "name = \"web\""))) {
            if (auto ok = validate_domain_name(*name); !ok)
                return error(*get("name"), ok.error().message());
            config.name = *name;
        }
        if (auto uuid = XENITH_TRY(string("uuid", "uuid = \"3f2504e0-4f89-11d3-9a0c-0305e82c3301\""))) {
            if (!valid_uuid(*uuid))
                return error(*get("uuid"), fmt::format("\"{}\" is not a UUID (expected 8-4-4-4-12 hex digits, e.g. "
                                                       "uuid = \"3f2504e0-4f89-11d3-9a0c-0305e82c3301\")",
                                               *uuid));
            config.uuid = *uuid;
        }

        XENITH_TRY(load_type(config));
        XENITH_TRY(load_boot(config));
        XENITH_TRY(load_resources(config));
        XENITH_TRY(load_actions(config));
        XENITH_TRY(load_disks(config));
        XENITH_TRY(load_vifs(config));
        // Missing keys last, so a wrong value earlier in the file is reported first.
        if (config.name.empty())
            return fail("{}: name: required but missing (e.g. name = \"web\")", m_file.source);
        if (config.type == DomainType::Pv && config.kernel.empty()) {
            if (!config.bootloader.empty())
                return error(*get("bootloader"), "a pv domain needs kernel = \"/path/to/Image\": bootloaders are not "
                                                 "run (or use type = \"hvm\" to boot from the disk)");
            return fail("{}: kernel: required for a pv domain but missing (e.g. kernel = \"/boot/vmlinuz-guest\", or "
                        "type = \"hvm\" to boot firmware from the disk)",
                m_file.source);
        }
        if (config.type == DomainType::Pv)
            rename_root_devices(config);
        warn_other_keys();
        return config;
    }

private:
    std::unexpected<Error> error(ConfigSetting const& setting, std::string const& message)
    {
        return fail("{}: {}: {}", setting_location(m_file, setting), setting.key, message);
    }

    void warn(ConfigSetting const& setting, std::string const& message)
    {
        m_warnings.push_back(fmt::format("{}: {}: {}", setting_location(m_file, setting), setting.key, message));
    }

    // Info level: what was done as the user meant it; worth a log line, not a warning.
    void note(ConfigSetting const& setting, std::string const& message)
    {
        if (m_notes)
            m_notes->push_back(fmt::format("{}: {}: {}", setting_location(m_file, setting), setting.key, message));
    }

    ConfigSetting const* get(std::string_view key)
    {
        m_read.insert(std::string(key));
        return m_file.find(key);
    }

    // A single string value; numbers are taken as written (xl keeps both as text).
    Result<std::optional<std::string>> string(std::string_view key, std::string_view example)
    {
        auto const* setting = get(key);
        if (!setting)
            return std::nullopt;
        if (setting->value.is_list())
            return error(*setting, fmt::format("is a list but should be a single value (e.g. {})", example));
        return setting->value.text;
    }

    Result<std::optional<uint64_t>> number(std::string_view key, NumberRule const& rule)
    {
        auto const* setting = get(key);
        if (!setting)
            return std::nullopt;
        auto expected = fmt::format("expected {}, e.g. {}", rule.unit, rule.example);
        if (setting->value.is_list())
            return error(*setting, fmt::format("is a list but should be a single value ({})", expected));
        if (setting->op == ConfigOp::Append)
            return error(*setting, fmt::format("can't use += with numbers ({})", expected));
        auto value = parse_config_number(setting->value.text);
        if (!value)
            return error(*setting, fmt::format("{} is not a number ({})", show(setting->value), expected));
        if (*value < rule.min)
            return error(*setting, fmt::format("{} is too small ({} is the minimum, e.g. {})", *value, rule.min, rule.example));
        if (*value > rule.max)
            return error(*setting, fmt::format("{} is too large ({} is the maximum, e.g. {})", *value, rule.max, rule.example));
        return value;
    }

    Result<std::vector<ConfigValue> const*> list(std::string_view key, std::string_view example)
    {
        auto const* setting = get(key);
        if (!setting)
            return nullptr;
        if (!setting->value.is_list())
            return error(*setting, fmt::format("is a single value but should be a list (e.g. {})", example));
        return &setting->value.items;
    }

    Status load_type(DomainConfig& config)
    {
        auto const* type_setting = get("type");
        auto const* builder_setting = get("builder");
        auto const* pvh_setting = get("pvh");
        if (type_setting) {
            auto type = XENITH_TRY(string("type", "type = \"pv\""));
            if (*type == "pv") {
                config.type = DomainType::Pv;
            } else if (*type == "hvm") {
                config.type = DomainType::Hvm;
            } else if (*type == "pvh") {
                config.type = DomainType::Pv;
                warn(*type_setting, "\"pvh\" runs as \"pv\": a direct kernel boot with SBI and virtio devices");
            } else {
                return error(*type_setting, fmt::format("{} is not a domain type (expected \"pv\", \"hvm\" or \"pvh\", e.g. type = \"pv\")",
                                                show(type_setting->value)));
            }
            if (builder_setting)
                warn(*builder_setting, "deprecated and ignored because type is set; remove it");
            if (pvh_setting)
                warn(*pvh_setting, "deprecated and ignored because type is set; remove it");
            return {};
        }
        if (builder_setting) {
            auto builder = XENITH_TRY(string("builder", "builder = \"linux\""));
            if (*builder == "linux" || *builder == "generic") {
                config.type = DomainType::Pv;
                warn(*builder_setting, "deprecated; use type = \"pv\"");
            } else if (*builder == "hvm") {
                config.type = DomainType::Hvm;
                warn(*builder_setting, "deprecated; use type = \"hvm\"");
            } else {
                return error(*builder_setting, fmt::format("{} is not a builder (expected \"linux\" or \"hvm\"; better, "
                                                           "type = \"pv\" or type = \"hvm\")",
                                                   show(builder_setting->value)));
            }
        }
        if (pvh_setting) {
            auto pvh = XENITH_TRY(number("pvh", NumberRule { "0 or 1", "type = \"pvh\"", 0, 1 }));
            warn(*pvh_setting, "deprecated; use type = \"pvh\" (which runs as \"pv\")");
            if (*pvh == 1)
                config.type = DomainType::Pv;
        }
        return {};
    }

    Status load_boot(DomainConfig& config)
    {
        if (auto kernel = XENITH_TRY(string("kernel", "kernel = \"/boot/vmlinuz-guest\""))) {
            if (config.type == DomainType::Hvm && kernel->find("hvmloader") != std::string::npos)
                warn(*get("kernel"), "ignoring hvmloader for an HVM guest: Xenith boots HVM domains with OpenSBI and "
                                     "U-Boot; remove this line");
            else
                config.kernel = *kernel;
        }
        if (auto ramdisk = XENITH_TRY(string("ramdisk", "ramdisk = \"/boot/initrd-guest.img\"")))
            config.ramdisk = *ramdisk;
        if (auto bootloader = XENITH_TRY(string("bootloader", "bootloader = \"pygrub\""))) {
            config.bootloader = *bootloader;
            warn(*get("bootloader"), "accepted but not run: Xenith boots the kernel named by kernel =, or firmware "
                                     "for type = \"hvm\"");
        }
        if (auto firmware = XENITH_TRY(string("firmware", "firmware = \"/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin\"")))
            config.firmware = *firmware;
        if (auto over = XENITH_TRY(string("firmware_override", "firmware = \"/path/to/firmware.bin\""))) {
            warn(*get("firmware_override"), "deprecated; use firmware");
            if (config.firmware.empty())
                config.firmware = *over;
        }
        if (auto bios = XENITH_TRY(string("bios", "bios = \"/path/to/firmware.bin\""))) {
            if (bios->find('/') != std::string::npos) {
                if (config.firmware.empty())
                    config.firmware = *bios;
            } else {
                warn(*get("bios"), fmt::format("\"{}\" is an x86 firmware name, ignored: HVM domains boot OpenSBI and "
                                               "U-Boot unless firmware = \"/path\" names an image",
                                       *bios));
            }
        }
        if (auto root = XENITH_TRY(string("root", "root = \"/dev/xvda1 ro\"")))
            config.root = *root;
        if (auto extra = XENITH_TRY(string("extra", "extra = \"console=hvc0\"")))
            config.extra = *extra;
        if (auto cmdline = XENITH_TRY(string("cmdline", "cmdline = \"root=/dev/vda ro console=hvc0\""))) {
            config.cmdline = *cmdline;
            if (!config.root.empty() || !config.extra.empty())
                warn(*get("cmdline"), "root and extra are ignored in favour of cmdline");
        }
        return {};
    }

    Status load_resources(DomainConfig& config)
    {
        if (auto memory = XENITH_TRY(number("memory", NumberRule { "MiB", "memory = 256", min_memory_mib, max_memory_mib })))
            config.memory_mib = *memory;
        if (auto maxmem = XENITH_TRY(number("maxmem", NumberRule { "MiB", "maxmem = 512", min_memory_mib, max_memory_mib }))) {
            if (*maxmem < config.memory_mib)
                return error(*get("maxmem"), fmt::format("{} is less than memory ({} MiB); maxmem must be at least "
                                                         "memory",
                                                 *maxmem, config.memory_mib));
            config.maxmem_mib = *maxmem;
        }
        if (auto vcpus = XENITH_TRY(number("vcpus", NumberRule { "a count of virtual CPUs", "vcpus = 2", 1, max_vcpus })))
            config.vcpus = static_cast<unsigned>(*vcpus);
        if (auto maxvcpus = XENITH_TRY(number("maxvcpus", NumberRule { "a count of virtual CPUs", "maxvcpus = 4", 1, max_vcpus }))) {
            if (*maxvcpus < config.vcpus)
                return error(*get("maxvcpus"), fmt::format("{} is less than vcpus ({}); maxvcpus must be at least "
                                                           "vcpus",
                                                   *maxvcpus, config.vcpus));
            config.maxvcpus = static_cast<unsigned>(*maxvcpus);
        }
        if (auto const* cpus = get("cpus")) {
            std::string example = "expected \"all\" or numbers and ranges with optional ^, e.g. cpus = \"0-3,^1\"";
            if (cpus->value.is_list()) {
                // xl's per-vCPU form: element i is vCPU i's list.
                unsigned most = std::max(config.vcpus, config.maxvcpus);
                for (size_t i = 0; i < cpus->value.items.size(); ++i) {
                    auto const& item = cpus->value.items[i];
                    if (item.is_list())
                        return error(*cpus, "a list of lists is not valid (e.g. cpus = [\"0\", \"1-3\"], one CPU list per vCPU)");
                    if (!valid_cpu_list(item.text))
                        return error(*cpus, fmt::format("element {} (vCPU {}): \"{}\" is not a CPU list ({})", i + 1, i, item.text, example));
                    if (i < most)
                        config.vcpu_cpus.push_back(item.text);
                }
                if (cpus->value.items.size() > most)
                    warn(*cpus, fmt::format("{} per-vCPU lists for {} vCPU{}; the lists after the {} are ignored",
                                    cpus->value.items.size(), most, most == 1 ? "" : "s", most == 1 ? "first" : fmt::format("first {}", most)));
            } else {
                if (!valid_cpu_list(cpus->value.text))
                    return error(*cpus, fmt::format("\"{}\" is not a CPU list ({})", cpus->value.text, example));
                config.cpus = cpus->value.text;
            }
        }
        if (auto weight = XENITH_TRY(number("cpu_weight", NumberRule { "a weight 1..65535", "cpu_weight = 256", 1, 65535 })))
            config.cpu_weight = static_cast<unsigned>(*weight);
        unsigned most_vcpus = std::max(config.vcpus, config.maxvcpus);
        NumberRule cap_rule { "percent of one CPU, 0 for no cap", "cap = 50", 0, 100ull * most_vcpus };
        if (auto const* cpu_cap = get("cpu_cap")) {
            warn(*cpu_cap, "deprecated xm spelling; use cap");
            if (!get("cap"))
                config.cap = static_cast<unsigned>(*XENITH_TRY(number("cpu_cap", cap_rule)));
        }
        if (auto cap = XENITH_TRY(number("cap", cap_rule)))
            config.cap = static_cast<unsigned>(*cap);
        return {};
    }

    Status load_actions(DomainConfig& config)
    {
        auto action = [&](std::string_view key, LifecycleAction& out) -> Status {
            auto text = XENITH_TRY(string(key, fmt::format("{} = \"destroy\"", key)));
            if (!text)
                return {};
            auto parsed = parse_lifecycle_action(*text);
            if (!parsed)
                return error(*get(key), parsed.error().message());
            out = *parsed;
            return {};
        };
        XENITH_TRY(action("on_poweroff", config.on_poweroff));
        XENITH_TRY(action("on_reboot", config.on_reboot));
        XENITH_TRY(action("on_crash", config.on_crash));
        return {};
    }

    Status load_disks(DomainConfig& config)
    {
        auto const* items = XENITH_TRY(list("disk", "disk = [ 'file:/var/lib/xen/images/guest.img,xvda,w' ]"));
        if (!items)
            return {};
        auto const& setting = *get("disk");
        std::map<unsigned, std::string> by_index;
        for (size_t i = 0; i < items->size(); ++i) {
            ConfigValue const& item = (*items)[i];
            ConfigSetting at_item = setting;
            at_item.line = item.line;
            if (item.line != setting.line)
                at_item.origin.clear(); // a file entry extended by a command-line +=
            if (item.kind != ConfigValue::Kind::String)
                return error(at_item, fmt::format("entry {} is not a quoted string (e.g. disk = [ "
                                                  "'file:/var/lib/xen/images/guest.img,xvda,w' ])",
                                          i + 1));
            std::vector<std::string> disk_warnings;
            auto disk = parse_disk_spec(item.text, &disk_warnings);
            for (auto const& w : disk_warnings)
                warn(at_item, without_prefix(w, "disk "));
            if (!disk)
                return error(at_item, without_prefix(disk.error().message(), "disk "));
            unsigned index = *disk_index_of_vdev(disk->vdev);
            if (auto [it, inserted] = by_index.emplace(index, disk->vdev); !inserted)
                return error(at_item, fmt::format("'{}' is the same disk as '{}' (disk {}, partition {}); give each "
                                                  "disk its own vdev",
                                          disk->vdev, it->second, index >> 8, index & 0xff));
            config.disks.push_back(std::move(*disk));
        }
        return {};
    }

    Status load_vifs(DomainConfig& config)
    {
        auto const* items = XENITH_TRY(list("vif", "vif = [ 'bridge=xenbr0' ]"));
        if (!items)
            return {};
        auto const& setting = *get("vif");
        std::set<std::string> macs;
        for (size_t i = 0; i < items->size(); ++i) {
            ConfigValue const& item = (*items)[i];
            ConfigSetting at_item = setting;
            at_item.line = item.line;
            if (item.line != setting.line)
                at_item.origin.clear(); // a file entry extended by a command-line +=
            if (item.kind != ConfigValue::Kind::String)
                return error(at_item, fmt::format("entry {} is not a quoted string (e.g. vif = [ 'bridge=xenbr0' ] or "
                                                  "vif = [ '' ])",
                                          i + 1));
            std::vector<std::string> vif_warnings;
            auto vif = parse_vif_spec(item.text, &vif_warnings);
            for (auto const& w : vif_warnings)
                warn(at_item, without_prefix(w, "vif "));
            if (!vif)
                return error(at_item, without_prefix(vif.error().message(), "vif "));
            if (!vif->mac.empty() && !macs.insert(vif->mac).second)
                return error(at_item, fmt::format("mac {} is used by two vifs; each NIC needs its own", vif->mac));
            config.vifs.push_back(std::move(*vif));
        }
        return {};
    }

    // Xen guests name their disks after the vdev (/dev/xvda1); Xenith's see virtio disks
    // (/dev/vda). A root= naming a configured disk is rewritten so the seed's files boot.
    std::optional<std::string> guest_device(DomainConfig const& config, std::string_view path)
    {
        if (!path.starts_with("/dev/"))
            return std::nullopt;
        std::string_view name = path.substr(5);
        auto order = guest_disk_order(config.disks);
        for (size_t pos = 0; pos < order.size(); ++pos) {
            if (config.disks[order[pos]].vdev == name)
                return "/dev/" + guest_disk_name(pos);
        }
        auto wanted = parse_vdev(name);
        if (!wanted || wanted->partition == 0)
            return std::nullopt;
        for (size_t pos = 0; pos < order.size(); ++pos) {
            auto disk = parse_vdev(config.disks[order[pos]].vdev);
            if (disk && disk->partition == 0 && disk->disk == wanted->disk)
                return "/dev/" + guest_disk_name(pos) + std::to_string(wanted->partition);
        }
        return std::nullopt;
    }

    void rename_root_devices(DomainConfig& config)
    {
        auto rename = [&](std::string_view key, std::string& text, bool whole_value) {
            size_t start = 0;
            while (true) {
                size_t at;
                if (whole_value) {
                    at = text.find_first_not_of(' ');
                } else {
                    at = text.find("root=", start);
                    while (at != std::string::npos && at > 0 && text[at - 1] != ' ')
                        at = text.find("root=", at + 1);
                    if (at != std::string::npos)
                        at += 5;
                }
                if (at == std::string::npos)
                    return;
                size_t end = std::min(text.find(' ', at), text.size());
                std::string device = text.substr(at, end - at);
                if (auto guest = guest_device(config, device)) {
                    // Intended (image-create.sh writes root = "/dev/xvda ro" on purpose): a note.
                    note(*get(key), fmt::format("{} is the guest's {} (Xenith guests see disks as virtio /dev/vdX, in "
                                                "vdev order); using {}",
                                        device, *guest, *guest));
                    text.replace(at, end - at, *guest);
                    end = at + guest->size();
                }
                if (whole_value)
                    return;
                start = end;
            }
        };
        if (!config.root.empty())
            rename("root", config.root, true);
        if (!config.extra.empty())
            rename("extra", config.extra, false);
        if (!config.cmdline.empty())
            rename("cmdline", config.cmdline, false);
    }

    void warn_repeated_keys()
    {
        std::map<std::string, unsigned> first_line;
        for (auto const& setting : m_file.settings) {
            if (!setting.origin.empty())
                continue; // a command-line override is meant to replace the file's value
            auto [it, inserted] = first_line.emplace(setting.key, setting.line);
            if (!inserted && setting.op == ConfigOp::Assign)
                warn(setting, fmt::format("set again (first set on line {}); the last value wins", it->second));
        }
    }

    void warn_other_keys()
    {
        std::set<std::string> warned;
        for (auto const& setting : m_file.settings) {
            if (m_read.contains(setting.key) || !warned.insert(setting.key).second)
                continue;
            auto ignored = std::find_if(ignored_keys.begin(), ignored_keys.end(),
                [&](IgnoredKey const& k) { return k.key == setting.key; });
            if (ignored != ignored_keys.end()) {
                warn(setting, std::string(ignored->why));
                continue;
            }
            std::string_view best;
            unsigned best_distance = 3;
            for (auto known : handled_keys) {
                unsigned d = edit_distance(setting.key, known);
                if (d < best_distance) {
                    best_distance = d;
                    best = known;
                }
            }
            if (!best.empty())
                warn(setting, fmt::format("unknown key, ignored (did you mean `{}'?)", best));
            else
                warn(setting, "unknown key, ignored");
        }
    }

    ConfigFile const& m_file;
    std::vector<std::string>& m_warnings;
    std::vector<std::string>* m_notes;
    std::set<std::string> m_read;
};

} // namespace

Result<LifecycleAction> parse_lifecycle_action(std::string_view text)
{
    static constexpr std::array actions {
        std::pair { std::string_view("destroy"), LifecycleAction::Destroy },
        std::pair { std::string_view("restart"), LifecycleAction::Restart },
        std::pair { std::string_view("rename-restart"), LifecycleAction::RenameRestart },
        std::pair { std::string_view("preserve"), LifecycleAction::Preserve },
        std::pair { std::string_view("coredump-destroy"), LifecycleAction::CoredumpDestroy },
        std::pair { std::string_view("coredump-restart"), LifecycleAction::CoredumpRestart },
        std::pair { std::string_view("soft-reset"), LifecycleAction::SoftReset },
    };
    for (auto const& [name, action] : actions) {
        if (name == text)
            return action;
    }
    return fail("\"{}\" is not an action (expected destroy, restart, rename-restart, preserve, coredump-destroy, "
                "coredump-restart or soft-reset)",
        text);
}

Status validate_domain_name(std::string_view name)
{
    if (name.empty())
        return fail("the name is empty (e.g. name = \"web\")");
    if (name.size() > max_name_length)
        return fail("\"{}\" is longer than {} characters", name, max_name_length);
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
            || c == '.' || c == ':' || c == '+';
        if (!ok)
            return fail("\"{}\" contains `{}' (allowed: letters, digits and _ - . : +)", name,
                std::isprint(static_cast<unsigned char>(c)) ? std::string(1, c) : fmt::format("\\x{:02x}", static_cast<unsigned char>(c)));
    }
    if (std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return fail("\"{}\" is all digits, which xm would read as a domain id (e.g. name = \"web{}\")", name, name);
    if (name == "Domain-0")
        return fail("\"Domain-0\" is reserved for the host");
    if (name == "." || name == "..")
        return fail("\"{}\" is not a usable name", name);
    return {};
}

Status validate_domain_config(DomainConfig const& config)
{
    std::string source = config.source_path.empty() ? std::string("domain") : config.source_path;
    if (auto ok = validate_domain_name(config.name); !ok)
        return fail("{}: name: {}", source, ok.error().message());
    if (config.type == DomainType::Pv && config.kernel.empty())
        return fail("{}: kernel: required for a pv domain but missing", source);
    if (config.memory_mib < min_memory_mib || config.memory_mib > max_memory_mib)
        return fail("{}: memory: {} MiB is outside {}..{} MiB", source, config.memory_mib, min_memory_mib, max_memory_mib);
    if (config.maxmem_mib != 0 && (config.maxmem_mib < config.memory_mib || config.maxmem_mib > max_memory_mib))
        return fail("{}: maxmem: {} MiB must be between memory ({} MiB) and {} MiB", source, config.maxmem_mib,
            config.memory_mib, max_memory_mib);
    if (config.vcpus < 1 || config.vcpus > max_vcpus)
        return fail("{}: vcpus: {} is outside 1..{}", source, config.vcpus, max_vcpus);
    if (config.maxvcpus != 0 && (config.maxvcpus < config.vcpus || config.maxvcpus > max_vcpus))
        return fail("{}: maxvcpus: {} must be between vcpus ({}) and {}", source, config.maxvcpus, config.vcpus, max_vcpus);
    if (config.cpu_weight < 1 || config.cpu_weight > 65535)
        return fail("{}: cpu_weight: {} is outside 1..65535", source, config.cpu_weight);
    if (config.cap > 100 * std::max(config.vcpus, config.maxvcpus))
        return fail("{}: cap: {}% is more than {} vcpus can use", source, config.cap, std::max(config.vcpus, config.maxvcpus));
    if (!config.uuid.empty()) {
        std::string uuid = config.uuid;
        if (!valid_uuid(uuid))
            return fail("{}: uuid: \"{}\" is not a UUID (8-4-4-4-12 hex digits)", source, config.uuid);
    }
    if (!config.cpus.empty() && !valid_cpu_list(config.cpus))
        return fail("{}: cpus: \"{}\" is not a CPU list", source, config.cpus);
    if (!config.cpus.empty() && !config.vcpu_cpus.empty())
        return fail("{}: cpus: one list for every vCPU or one per vCPU, not both", source);
    for (size_t i = 0; i < config.vcpu_cpus.size(); ++i) {
        if (!valid_cpu_list(config.vcpu_cpus[i]))
            return fail("{}: cpus: vCPU {}'s \"{}\" is not a CPU list", source, i, config.vcpu_cpus[i]);
    }
    if (config.vcpu_cpus.size() > std::max(config.vcpus, config.maxvcpus))
        return fail("{}: cpus: {} per-vCPU lists for {} vCPUs", source, config.vcpu_cpus.size(), std::max(config.vcpus, config.maxvcpus));
    std::map<unsigned, std::string> by_index;
    for (auto const& disk : config.disks) {
        auto index = disk_index_of_vdev(disk.vdev);
        if (!index)
            return fail("{}: disk: {}", source, index.error().message());
        if (auto [it, inserted] = by_index.emplace(*index, disk.vdev); !inserted)
            return fail("{}: disk: '{}' is the same disk as '{}'", source, disk.vdev, it->second);
        if (disk.target.empty() && !disk.cdrom)
            return fail("{}: disk: {} has no target", source, disk.vdev);
    }
    for (auto const& vif : config.vifs) {
        if (!vif.mac.empty()) {
            if (auto mac = parse_mac(vif.mac); !mac)
                return fail("{}: vif: {}", source, mac.error().message());
        }
    }
    return {};
}

Result<DomainConfig> domain_config_from_file(ConfigFile const& file, std::vector<std::string>& warnings, std::vector<std::string>* notes)
{
    Loader loader(file, warnings, notes);
    return loader.load();
}

Result<DomainConfig> domain_config_from_text(std::string_view text, std::string source, std::vector<std::string>& warnings,
    std::vector<std::string>* notes)
{
    ConfigFile file = XENITH_TRY(parse_config_text(text, std::move(source)));
    return domain_config_from_file(file, warnings, notes);
}

Result<DomainConfig> load_domain_config(std::string const& path, std::vector<std::string>& warnings,
    std::vector<std::string> const& overrides, std::vector<std::string>* notes)
{
    ConfigFile file = XENITH_TRY(read_config_file(path, overrides));
    return domain_config_from_file(file, warnings, notes);
}

} // namespace xenith
