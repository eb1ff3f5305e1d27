// VmOptions: the CLI11 table of xenith-vm's options.
#include "engine/domain/vm_options.h"

#include <CLI/CLI.hpp>

namespace xenith {

Result<VmCommandLine> parse_vm_options(int argc, char const* const* argv)
{
    VmOptions o;
    CLI::App app("xenith-vm: run one Xenith domain (a RISC-V virt machine)", "xenith-vm");
    app.add_option("--kernel", o.kernel, "RISC-V Linux Image to boot (PV: starts in S-mode at 0x80200000)");
    app.add_option("--initrd", o.initrd, "initramfs to pass to the kernel");
    app.add_option("--append", o.append, "kernel command line");
    app.add_option("--bios", o.bios, "M-mode firmware (ELF or raw at 0x80000000); firmware boot instead of PV");
    app.add_option("--memory", o.memory_mib, "RAM in MiB")->default_val(128);
    app.add_option("--vcpus", o.vcpus, "number of vCPUs")->default_val(1);
    app.add_option("--maxvcpus", o.maxvcpus, "vCPUs the domain can have (vcpu-set); the ones above --vcpus start offline");
    app.add_option("--console", o.console, "console backend: stdio or socket:PATH")->default_val("stdio");
    app.add_option("--maxmem", o.maxmem_mib, "maximum RAM in MiB (the balloon gives back the rest)");
    app.add_option("--name", o.name, "domain name");
    app.add_option("--domid", o.domid, "domain id (names tap devices vifID.N)");
    app.add_option("--disk", o.disks, "a disk in Xen's syntax, e.g. tap:aio:/img,xvda,w (repeatable)");
    app.add_option("--vif", o.vifs, "a network interface in Xen's vif syntax, e.g. bridge=xenbr0 (repeatable)");
    app.add_option("--spare-disks", o.spare_disks, "empty disk slots for xm block-attach")->default_val(2);
    app.add_option("--spare-nics", o.spare_nics, "unconnected NIC slots for xm network-attach")->default_val(1);
    app.add_option("--control", o.control, "control socket for xend (JSON lines)");
    app.add_option("--console-log", o.console_log, "append console output to FILE");
    app.add_option("--console-limit", o.console_limit, "console history kept for late clients, in bytes")->default_val(1 << 20);
    app.add_option("--core-dump-dir", o.core_dump_dir, "when the guest crashes, write an ELF core dump of it into DIR "
                                                       "(named DATE-NAME.DOMID.core, as Xen does)");
    app.add_option("--dtb-out", o.dtb_out, "write the generated device tree to FILE and exit");
    app.add_option("--jit-hot-entries", o.jit_hot_entries, "compile a guest code block to host code once it has run N times; 0 interprets only (for comparisons)")
        ->default_val(riscv::default_jit_hot_entries);
    app.add_option("--log-level", o.log_level, "trace, debug, info, warn, error or off")->default_val("warn");

    try {
        app.parse(argc, argv);
    } catch (CLI::CallForHelp const&) {
        return VmCommandLine { std::nullopt, app.help(), 0 };
    } catch (CLI::ParseError const& e) {
        // CLI11 reports by exception; it stops here, as one line.
        return fail("{}", e.what());
    }
    if (o.console != "stdio" && !(o.console.starts_with("socket:") && o.console.size() > 7))
        return fail("--console {}: unknown console (supported: stdio, socket:PATH)", o.console);
    if (o.maxmem_mib && o.maxmem_mib < o.memory_mib)
        return fail("--maxmem {}: below --memory {}", o.maxmem_mib, o.memory_mib);
    if (o.maxvcpus && o.maxvcpus < o.vcpus)
        return fail("--maxvcpus {}: below --vcpus {}", o.maxvcpus, o.vcpus);
    if (o.kernel.empty() && o.bios.empty() && o.dtb_out.empty())
        return fail("nothing to boot: give --kernel (PV boot) or --bios (firmware boot)");
    if (!o.initrd.empty() && o.kernel.empty())
        return fail("--initrd {}: needs --kernel", o.initrd);
    return VmCommandLine { std::move(o), {}, 0 };
}

} // namespace xenith
