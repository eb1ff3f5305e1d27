// VmLauncher: monitor + xenith-vm, double fork, exit file.
#include "toolstack/xend/vm_launcher.h"

#include <algorithm>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include "base/unique_fd.h"
#include "toolstack/config/spec_text.h"
#include "toolstack/xend/domain_store.h"

namespace xenith {

std::string VmExitInfo::describe() const
{
    switch (reason) {
    case VmExit::Poweroff: return "powered off";
    case VmExit::Error: return "xenith-vm failed (exit status 1)";
    case VmExit::Reboot: return "rebooted";
    case VmExit::Crash:
        if (signal)
            return fmt::format("crashed (xenith-vm killed by signal {}, {})", signal, strsignal(signal));
        return "crashed";
    case VmExit::Destroyed: return "destroyed";
    case VmExit::Unknown: break;
    }
    if (code >= 0)
        return fmt::format("xenith-vm exited with unexpected status {}", code);
    return "xenith-vm ended without a record of why";
}

VmExitInfo exit_info_from_status(int code, int signal)
{
    VmExitInfo info;
    info.code = code;
    info.signal = signal;
    if (signal) {
        info.reason = VmExit::Crash;
        return info;
    }
    switch (code) {
    case 0: info.reason = VmExit::Poweroff; break;
    case 1: info.reason = VmExit::Error; break;
    case 2: info.reason = VmExit::Reboot; break;
    case 3: info.reason = VmExit::Crash; break;
    case 4: info.reason = VmExit::Destroyed; break;
    default: info.reason = VmExit::Unknown; break;
    }
    return info;
}

std::optional<VmExitInfo> read_exit_file(std::string const& path)
{
    std::ifstream in(path);
    std::string kind;
    int value = -1;
    if (!(in >> kind >> value))
        return std::nullopt;
    if (kind == "exit" && value >= 0 && value <= 255)
        return exit_info_from_status(value, 0);
    if (kind == "signal" && value > 0 && value < 128)
        return exit_info_from_status(-1, value);
    return std::nullopt;
}

std::vector<std::string> vm_command_line(DomainRecord const& r, LaunchSettings const& settings)
{
    DomainConfig const& c = r.config;
    std::vector<std::string> argv = { settings.vm_binary, "--name", r.name, "--domid", std::to_string(r.id) };
    // hvm: firmware boots from reset (xenith-vm's --bios); pv: direct kernel boot.
    if (c.type == DomainType::Hvm && !c.firmware.empty())
        argv.insert(argv.end(), { "--bios", c.firmware });
    if (!c.kernel.empty())
        argv.insert(argv.end(), { "--kernel", c.kernel });
    if (!c.ramdisk.empty())
        argv.insert(argv.end(), { "--initrd", c.ramdisk });
    if (auto line = c.kernel_command_line(); !line.empty())
        argv.insert(argv.end(), { "--append", line });
    argv.insert(argv.end(), { "--memory", std::to_string(c.memory_mib) });
    if (c.maxmem_mib > c.memory_mib)
        argv.insert(argv.end(), { "--maxmem", std::to_string(c.maxmem_mib) });
    argv.insert(argv.end(), { "--vcpus", std::to_string(c.vcpus) });
    if (c.maxvcpus > c.vcpus)
        argv.insert(argv.end(), { "--maxvcpus", std::to_string(c.maxvcpus) });
    for (auto const& disk : c.disks)
        argv.insert(argv.end(), { "--disk", disk_spec_text(disk) });
    for (auto const& vif : c.vifs)
        argv.insert(argv.end(), { "--vif", vif_spec_text(vif) });
    argv.insert(argv.end(), { "--control", r.control_path });
    argv.insert(argv.end(), { "--console", "socket:" + r.console_path });
    if (!r.console_log.empty())
        argv.insert(argv.end(), { "--console-log", r.console_log });
    argv.insert(argv.end(), { "--console-limit", std::to_string(settings.console_limit_bytes) });
    if (!settings.core_dump_dir.empty())
        argv.insert(argv.end(), { "--core-dump-dir", settings.core_dump_dir });
    return argv;
}

uint64_t process_start_ticks(pid_t pid)
{
    std::ifstream in(fmt::format("/proc/{}/stat", pid));
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Field 2 (comm) may contain spaces and parentheses: count from the last ')'.
    auto close = stat.rfind(')');
    if (close == std::string::npos)
        return 0;
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    for (int i = 3; i <= 22 && fields >> field; ++i)
        if (i == 22)
            return std::strtoull(field.c_str(), nullptr, 10);
    return 0;
}

double process_cpu_seconds(pid_t pid)
{
    std::ifstream in(fmt::format("/proc/{}/stat", pid));
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close = stat.rfind(')');
    if (close == std::string::npos)
        return 0;
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    uint64_t ticks = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i)
        if (i == 14 || i == 15)
            ticks += std::strtoull(field.c_str(), nullptr, 10);
    return double(ticks) / double(::sysconf(_SC_CLK_TCK));
}

namespace {

// Async-signal-safe helpers for the forked children.
void write_all(int fd, char const* data, size_t size)
{
    while (size) {
        ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        data += n;
        size -= size_t(n);
    }
}

size_t format_uint(char* out, unsigned long value)
{
    char digits[24];
    size_t n = 0;
    do {
        digits[n++] = char('0' + value % 10);
        value /= 10;
    } while (value);
    for (size_t i = 0; i < n; ++i)
        out[i] = digits[n - 1 - i];
    return n;
}

} // namespace

Result<LaunchedVm> launch_vm(DomainRecord const& record, LaunchSettings const& settings)
{
    if (::access(settings.vm_binary.c_str(), X_OK) != 0)
        return fail_errno(fmt::format("xenith-vm binary {} (set XENITH_VM_BINARY)", settings.vm_binary));
    XENITH_TRY(make_directories(record.run_dir));
    std::string exit_path = record.run_dir + "/exit";
    std::string exit_tmp = exit_path + ".tmp";
    ::unlink(exit_path.c_str());
    ::unlink(record.control_path.c_str());
    ::unlink(record.console_path.c_str());

    UniqueFd log(::open(record.vm_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
    if (!log)
        return fail_errno(fmt::format("xenith-vm log {}", record.vm_log));
    UniqueFd null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!null)
        return fail_errno("/dev/null");

    // Everything the children need is prepared here: after fork only async-signal-safe calls.
    auto args = vm_command_line(record, settings);
    std::vector<char*> argv;
    for (auto& arg : args)
        argv.push_back(arg.data());
    argv.push_back(nullptr);

    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
        return fail_errno("pipe2");
    UniqueFd pid_read(pipe_fds[0]);
    UniqueFd pid_write(pipe_fds[1]);

    pid_t monitor = ::fork();
    if (monitor < 0)
        return fail_errno("fork");
    if (monitor == 0) {
        // The monitor: its own session, so neither xend's death nor its terminal stops it.
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::signal(SIGHUP, SIG_IGN);
        ::signal(SIGINT, SIG_IGN);
        ::setsid();
        // Drop every inherited xend fd (the API listener above all: a monitor holding it would
        // keep a dead xend's socket answering). Only the pid pipe, the log and /dev/null stay.
        int keep[3] = { pid_write.get(), log.get(), null.get() };
        std::sort(keep, keep + 3);
        unsigned next = 3;
        for (int fd : keep) {
            if (unsigned(fd) > next)
                ::close_range(next, unsigned(fd) - 1, 0);
            next = std::max(next, unsigned(fd) + 1);
        }
        ::close_range(next, ~0u, 0);
        pid_t vm = ::fork();
        if (vm == 0) {
            ::signal(SIGHUP, SIG_DFL);
            ::signal(SIGINT, SIG_DFL);
            ::dup2(null.get(), 0);
            ::dup2(log.get(), 1);
            ::dup2(log.get(), 2);
            ::execv(argv[0], argv.data());
            static constexpr char msg[] = "xend: could not execute xenith-vm\n";
            write_all(2, msg, sizeof(msg) - 1);
            ::_exit(1);
        }
        int vm_pid = vm;
        write_all(pid_write.get(), reinterpret_cast<char const*>(&vm_pid), sizeof(vm_pid));
        ::close(pid_write.get());
        ::close(log.get());
        if (vm < 0)
            ::_exit(1);
        int status = 0;
        while (::waitpid(vm, &status, 0) < 0 && errno == EINTR) { }
        char line[48];
        size_t n = 0;
        if (WIFSIGNALED(status)) {
            std::memcpy(line, "signal ", 7);
            n = 7 + format_uint(line + 7, unsigned(WTERMSIG(status)));
        } else {
            std::memcpy(line, "exit ", 5);
            n = 5 + format_uint(line + 5, unsigned(WEXITSTATUS(status)));
        }
        line[n++] = '\n';
        int fd = ::open(exit_tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd >= 0) {
            write_all(fd, line, n);
            ::fsync(fd);
            ::close(fd);
            ::rename(exit_tmp.c_str(), exit_path.c_str());
        }
        ::_exit(0);
    }
    pid_write.reset();
    int vm_pid = -1;
    ssize_t got = 0;
    while ((got = ::read(pid_read.get(), &vm_pid, sizeof(vm_pid))) < 0 && errno == EINTR) { }
    if (got != sizeof(vm_pid) || vm_pid <= 0)
        return fail("could not start xenith-vm: fork failed in the monitor process");
    return LaunchedVm { monitor, process_start_ticks(monitor), vm_pid };
}

} // namespace xenith
