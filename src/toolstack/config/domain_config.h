// DomainConfig: one domain as described by an xm/xl config file (/etc/xen/NAME).
// The parser fills it; xend stores it; the engine is launched from it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace xenith {

enum class DomainType {
    Pv,  // direct kernel boot, SBI, virtio (default; xm's builder="linux")
    Hvm, // firmware boot from reset (builder="hvm")
};

// What happens when the guest powers off, reboots or crashes (xl.cfg on_poweroff & co).
enum class LifecycleAction {
    Destroy,
    Restart,
    RenameRestart,
    Preserve,
    CoredumpDestroy,
    CoredumpRestart,
    SoftReset,
};

enum class DiskFormat {
    Raw,
    Qcow,
    Qcow2,
    Vhd,
};

// How the backend reaches the image: Xen's file:, tap:aio:, phy: prefixes and backendtype=.
enum class DiskBackend {
    File,  // file: / backendtype=qdisk: plain file I/O on a worker
    Aio,   // tap:aio: / tap:tapdisk:aio: : io_uring
    Phy,   // phy: : a host block device (or any path) opened directly
};

struct DiskSpec {
    std::string target;       // host path ("" for an empty cdrom)
    std::string vdev;         // guest name as written: xvda, sda1, hda, ...
    DiskFormat format { DiskFormat::Raw };
    DiskBackend backend { DiskBackend::File };
    bool writable { true };   // access=w/rw vs r/ro
    bool cdrom { false };
    std::string script;       // block script, if any
};

struct VifSpec {
    std::string mac;          // "" = random in 00:16:3e
    std::string bridge;       // "" = default (user-mode NAT when no bridge exists)
    std::string ip;
    std::string model;
    std::string vifname;
    std::string type;         // "vif" or "ioemu"
    std::string script;
    std::string backend;
    std::string gatewaydev;
    std::string rate;         // as written, e.g. "10Mb/s@20ms"
    uint64_t rate_bytes_per_sec { 0 };
    uint64_t rate_interval_us { 50000 };
    uint32_t mtu { 0 };
    // Port forwards for user-mode NAT, "tcp:2222:22" style, from the spec's forward= key.
    std::vector<std::string> forwards;
};

struct DomainConfig {
    std::string source_path;  // the file it came from, for messages
    std::string name;
    std::string uuid;         // "" = generated at create
    DomainType type { DomainType::Pv };
    std::string kernel;
    std::string ramdisk;
    std::string bootloader;   // accepted, unused by the PV engine
    std::string firmware;     // hvm: firmware image (bios)
    std::string root;         // "root = ..." → "root=..." on the command line
    std::string extra;
    std::string cmdline;      // when set, replaces root + extra
    uint64_t memory_mib { 128 };
    uint64_t maxmem_mib { 0 }; // 0 = memory
    unsigned vcpus { 1 };
    unsigned maxvcpus { 0 };   // 0 = vcpus
    std::string cpus;          // affinity of every vCPU as written: "0-3,^1", "all", ...
    // cpus = ["0", "1-3"] (xl's list form): vCPU i runs on the host CPUs of element i; vCPUs
    // past the end of the list are not restricted. Empty when cpus is a single list.
    std::vector<std::string> vcpu_cpus;
    unsigned cpu_weight { 256 };
    unsigned cap { 0 };        // percent of one CPU, 0 = no cap
    LifecycleAction on_poweroff { LifecycleAction::Destroy };
    LifecycleAction on_reboot { LifecycleAction::Restart };
    LifecycleAction on_crash { LifecycleAction::Destroy };
    std::vector<DiskSpec> disks;
    std::vector<VifSpec> vifs;

    // The kernel command line the guest gets: cmdline, or "root=ROOT EXTRA".
    std::string kernel_command_line() const
    {
        if (!cmdline.empty())
            return cmdline;
        std::string line;
        if (!root.empty())
            line = "root=" + root;
        if (!extra.empty())
            line += (line.empty() ? "" : " ") + extra;
        return line;
    }
};

} // namespace xenith
