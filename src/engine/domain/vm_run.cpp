// run_xenith_vm: option handling, image loading, signals and the exit status.
#include "engine/domain/vm_run.h"

#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "base/log.h"
#include "base/unique_fd.h"
#include "engine/board/memory_map.h"
#include "engine/domain/machine.h"
#include "engine/domain/vm_options.h"
#include "engine/io/event_loop.h"
#include "engine/domain/control_channel.h"
#include "engine/domain/core_dump.h"
#include "engine/domain/vm_devices.h"
#include "engine/io/console_server.h"
#include "engine/io/stdio_console.h"

namespace xenith {

namespace {

void error_line(std::string const& message) { fmt::print(stderr, "xenith-vm: {}\n", message); }

Result<board::BootImages> load_images(VmOptions const& o)
{
    board::BootImages images;
    images.bootargs = o.append;
    if (!o.kernel.empty()) {
        images.kernel = XENITH_TRY(board::KernelImage::load(o.kernel));
        images.kernel_name = o.kernel;
    }
    if (!o.initrd.empty()) {
        images.initrd = XENITH_TRY(board::read_file(o.initrd, "initrd"));
        images.initrd_name = o.initrd;
        if (images.initrd->empty())
            return fail("initrd {}: empty file", o.initrd);
    }
    if (!o.bios.empty()) {
        images.firmware = XENITH_TRY(board::FirmwareImage::load(o.bios, board::ram_base));
        images.firmware_name = o.bios;
    }
    return images;
}

Status write_dtb(std::vector<uint8_t> const& dtb, std::string const& path)
{
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd)
        return fail_errno(fmt::format("--dtb-out {}", path));
    if (::write(fd.get(), dtb.data(), dtb.size()) != ssize_t(dtb.size()))
        return fail_errno(fmt::format("--dtb-out {}: write", path));
    return {};
}

// SIGINT/SIGTERM/SIGHUP destroy the domain from the I/O thread; every thread inherits the
// blocked mask, so only the signalfd sees them.
Result<UniqueFd> block_termination_signals()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    if (int rc = pthread_sigmask(SIG_BLOCK, &set, nullptr); rc != 0)
        return fail_errno("pthread_sigmask", rc);
    UniqueFd fd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!fd)
        return fail_errno("signalfd");
    return fd;
}

int exit_status_of(MachineOutcome const& outcome)
{
    switch (outcome.kind) {
    case MachineOutcome::Kind::Poweroff:
        return vm_exit::poweroff;
    case MachineOutcome::Kind::Reboot:
        return vm_exit::reboot;
    case MachineOutcome::Kind::Crash:
        error_line(fmt::format("guest crashed: {}", outcome.detail));
        return vm_exit::crash;
    case MachineOutcome::Kind::Destroyed:
        return vm_exit::destroyed;
    }
    return vm_exit::error;
}

} // namespace

int run_xenith_vm(int argc, char const* const* argv)
{
    auto cmdline = parse_vm_options(argc, argv);
    if (!cmdline) {
        error_line(cmdline.error().message());
        return vm_exit::error;
    }
    if (!cmdline->options) {
        fmt::print("{}", cmdline->message);
        return cmdline->exit_status;
    }
    VmOptions const& o = *cmdline->options;
    if (auto s = log::init("xenith-vm", o.log_level); !s) {
        error_line(s.error().message());
        return vm_exit::error;
    }
    std::signal(SIGPIPE, SIG_IGN);

    auto images = load_images(o);
    if (!images) {
        error_line(images.error().message());
        return vm_exit::error;
    }
    auto signals = block_termination_signals();
    if (!signals) {
        error_line(signals.error().message());
        return vm_exit::error;
    }

    board::BoardConfig config;
    config.memory_mib = std::max(o.memory_mib, o.maxmem_mib);
    config.vcpus = o.vcpus;
    config.max_vcpus = o.maxvcpus;
    config.jit_hot_entries = o.jit_hot_entries;
    config.boot = o.bios.empty() ? board::BootMode::Pv : board::BootMode::Firmware;
    std::string console_socket = o.console.starts_with("socket:") ? o.console.substr(7) : "";
    auto machine = Machine::create(config, [&](EventLoop& loop, std::function<void()> on_quit) -> Result<std::unique_ptr<CharBackend>> {
        if (!console_socket.empty()) {
            auto server = XENITH_TRY(ConsoleServer::create(loop, { console_socket, o.console_log, o.console_limit }));
            return std::unique_ptr<CharBackend>(std::move(server));
        }
        auto console = XENITH_TRY(StdioConsole::create(loop, std::move(on_quit)));
        return std::unique_ptr<CharBackend>(std::move(console));
    });
    if (!machine) {
        error_line(machine.error().message());
        return vm_exit::error;
    }
    Machine& m = **machine;

    if (auto s = attach_vm_devices(m, { o.name, o.domid, o.disks, o.vifs, o.memory_mib, o.spare_disks, o.spare_nics }); !s) {
        error_line(s.error().message());
        return vm_exit::error;
    }

    if (!images->kernel && !images->firmware) {
        // --dtb-out alone: the tree for a machine with nothing to boot.
        auto dtb = m.board().build_fdt(o.append, 0, 0);
        auto s = dtb ? write_dtb(*dtb, o.dtb_out) : Status(std::unexpected(dtb.error()));
        if (!s) {
            error_line(s.error().message());
            return vm_exit::error;
        }
        return vm_exit::poweroff;
    }

    auto layout = m.load(*images);
    if (!layout) {
        error_line(layout.error().message());
        return vm_exit::error;
    }
    log::info("boot: entry {:#x}, kernel [{:#x}, {:#x}), initrd [{:#x}, {:#x}), dtb {:#x} ({} bytes)", layout->entry,
        layout->kernel_addr, layout->kernel_end, layout->initrd_start, layout->initrd_end, layout->dtb_addr, layout->dtb_size);
    if (!o.dtb_out.empty()) {
        std::vector<uint8_t> dtb(layout->dtb_size);
        auto s = m.board().memory().read(layout->dtb_addr, dtb);
        if (s)
            s = write_dtb(dtb, o.dtb_out);
        if (!s) {
            error_line(s.error().message());
            return vm_exit::error;
        }
        return vm_exit::poweroff;
    }
    // The images are in guest RAM now; their host copies (MiBs) would otherwise stay resident
    // for the domain's whole life.
    *images = board::BootImages {};

    int sigfd = signals->get();
    if (auto s = m.event_loop().add(sigfd, EPOLLIN, [&m, sigfd](uint32_t) {
            signalfd_siginfo info;
            if (::read(sigfd, &info, sizeof(info)) == ssize_t(sizeof(info))) {
                m.finish({ MachineOutcome::Kind::Destroyed, 0, fmt::format("signal {}", info.ssi_signo) });
            }
        });
        !s) {
        error_line(s.error().message());
        return vm_exit::error;
    }
    std::unique_ptr<ControlChannel> control;
    if (!o.control.empty()) {
        auto channel = ControlChannel::create(m.event_loop(), m, { o.control, o.name, console_socket });
        if (!channel) {
            error_line(channel.error().message());
            return vm_exit::error;
        }
        control = std::move(*channel);
    }
    MachineOutcome outcome = m.run();
    control.reset(); // run() joined the I/O thread: no request is in flight
    m.event_loop().remove(sigfd);
    log::info("domain ended: {}; {} guest instructions retired", outcome.detail, m.instret());
    if (outcome.kind == MachineOutcome::Kind::Crash && !o.core_dump_dir.empty()) {
        // The vCPUs have stopped where the guest crashed: what a post-mortem needs.
        std::string path = o.core_dump_dir + "/" + core_dump_file_name(o.name.empty() ? "domain" : o.name, o.domid);
        if (auto s = m.write_core(path); s)
            error_line(fmt::format("core dump written to {}", path));
        else
            error_line(fmt::format("no core dump: {}", s.error().message()));
    }
    return exit_status_of(outcome);
}

} // namespace xenith
