// xend's command line and daemonization.
#include "toolstack/xend/xend_main.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "base/log.h"
#include "toolstack/config/xend_config.h"
#include "toolstack/xend/domain_store.h"
#include "toolstack/xend/line_client.h"
#include "toolstack/xend/xend.h"
#include "toolstack/xend/xend_log.h"

namespace xenith {

namespace {

using namespace std::chrono_literals;

constexpr char kUsage[] = "Usage: xend {start|stop|status|restart} | xend --foreground\n"
                          "  start        run xend in the background (pidfile RUN_DIR/xend.pid, log LOG_DIR/xend.log)\n"
                          "  stop         stop the running xend; domains keep running\n"
                          "  status       exit 0 if xend is running, 3 if not\n"
                          "  restart      stop, then start\n"
                          "  --foreground run attached (systemd, tests); logs also go to stderr\n"
                          "Directories: XENITH_CONFIG_DIR, XENITH_STATE_DIR, XENITH_RUN_DIR, XENITH_LOG_DIR;\n"
                          "xenith-vm: XENITH_VM_BINARY (default: next to xend).\n"
                          "cgroups: XENITH_CGROUP_ROOT (default /sys/fs/cgroup), XENITH_CGROUP_PARENT (default xenith).\n";

std::string self_dir()
{
    char buffer[4096];
    ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
    if (n <= 0)
        return ".";
    std::string path(buffer, size_t(n));
    return path.substr(0, path.rfind('/'));
}

struct Setup {
    XendOptions options;
    std::string log_path;
};

Result<Setup> load_setup()
{
    Setup setup;
    setup.options.dirs = XenithDirs::resolve();
    setup.options.config = XENITH_TRY(load_xend_config(setup.options.dirs.xend_config_path()));
    auto const& config = setup.options.config;
    setup.options.socket_path = config.xend_unix_path.empty() ? setup.options.dirs.default_socket_path() : config.xend_unix_path;
    char const* vm = std::getenv("XENITH_VM_BINARY");
    setup.options.vm_binary = vm && *vm ? vm : self_dir() + "/xenith-vm";
    char const* cgroup_root = std::getenv("XENITH_CGROUP_ROOT");
    char const* cgroup_parent = std::getenv("XENITH_CGROUP_PARENT");
    setup.options.cgroup_root = cgroup_root && *cgroup_root ? cgroup_root : "/sys/fs/cgroup";
    if (cgroup_parent && *cgroup_parent)
        setup.options.cgroup_parent = cgroup_parent;
    setup.log_path = config.logfile.empty() ? setup.options.dirs.default_log_path() : config.logfile;
    return setup;
}

// The pid in the pidfile, if that process is alive.
pid_t running_pid(XenithDirs const& dirs)
{
    auto text = read_small_file(dirs.pid_path());
    if (!text)
        return 0;
    pid_t pid = pid_t(std::strtol(text->c_str(), nullptr, 10));
    if (pid <= 0 || ::kill(pid, 0) != 0)
        return 0;
    return pid;
}

int serve(Setup setup, xend_log::Stderr also_stderr)
{
    auto const slash = setup.log_path.rfind('/');
    if (slash != std::string::npos && slash > 0)
        if (auto status = make_directories(setup.log_path.substr(0, slash)); !status) {
            std::fprintf(stderr, "xend: %s\n", status.error().message().c_str());
            return 1;
        }
    if (auto status = xend_log::init(setup.log_path, setup.options.config.loglevel, also_stderr); !status) {
        std::fprintf(stderr, "xend: %s\n", status.error().message().c_str());
        return 1;
    }
    auto xend = Xend::create(setup.options);
    if (!xend) {
        log::error("{}", xend.error().message());
        std::fprintf(stderr, "xend: %s\n", xend.error().message().c_str());
        return 1;
    }
    if (auto status = write_file_atomically(setup.options.dirs.pid_path(), fmt::format("{}\n", ::getpid())); !status)
        log::warn("{}", status.error().message());
    log::info("xend {} starting: config {}, state {}, run {}, log {}, xenith-vm {}", ::getpid(), setup.options.dirs.config,
        setup.options.dirs.state, setup.options.dirs.run, setup.options.dirs.log, setup.options.vm_binary);
    auto status = (*xend)->run();
    xend->reset();
    if (running_pid(setup.options.dirs) == ::getpid())
        ::unlink(setup.options.dirs.pid_path().c_str());
    if (!status) {
        log::error("{}", status.error().message());
        return 1;
    }
    return 0;
}

bool answers(std::string const& socket_path)
{
    auto client = LineClient::connect(socket_path);
    if (!client)
        return false;
    auto reply = client->call_json(nlohmann::json { { "version", 1 }, { "op", "info" } }, 2000ms);
    return reply && reply->value("ok", false);
}

int start(Setup setup)
{
    if (pid_t pid = running_pid(setup.options.dirs)) {
        std::fprintf(stderr, "xend is already running (pid %d)\n", pid);
        return 0;
    }
    if (auto status = make_directories(setup.options.dirs.run); !status) {
        std::fprintf(stderr, "xend: %s\n", status.error().message().c_str());
        return 1;
    }
    pid_t child = ::fork();
    if (child < 0) {
        std::perror("xend: fork");
        return 1;
    }
    if (child == 0) {
        ::setsid();
        if (::fork() != 0)
            ::_exit(0);
        int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(null, 2);
        if (::chdir("/") != 0) { }
        ::_exit(serve(std::move(setup), xend_log::Stderr::No));
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    // Return once xend answers, so `xend start && xm list` works.
    for (int i = 0; i < 100; ++i) {
        if (answers(setup.options.socket_path))
            return 0;
        std::this_thread::sleep_for(100ms);
    }
    std::fprintf(stderr, "xend did not come up within 10 s; see %s\n", setup.log_path.c_str());
    return 1;
}

int stop(Setup const& setup)
{
    pid_t pid = running_pid(setup.options.dirs);
    if (!pid) {
        std::fprintf(stderr, "xend is not running\n");
        return 0;
    }
    ::kill(pid, SIGTERM);
    for (int i = 0; i < 100; ++i) {
        if (::kill(pid, 0) != 0)
            return 0;
        std::this_thread::sleep_for(100ms);
    }
    std::fprintf(stderr, "xend (pid %d) did not stop within 10 s\n", pid);
    return 1;
}

} // namespace

int xend_main(int argc, char** argv)
{
    std::string command = argc > 1 ? argv[1] : "";
    if (argc > 2 || command.empty() || command == "-h" || command == "--help" || command == "help") {
        std::fputs(kUsage, command.empty() || argc > 2 ? stderr : stdout);
        return command.empty() || argc > 2 ? 2 : 0;
    }
    auto setup = load_setup();
    if (!setup) {
        std::fprintf(stderr, "xend: %s\n", setup.error().message().c_str());
        return 1;
    }
    if (command == "--foreground" || command == "-f")
        return serve(std::move(*setup), xend_log::Stderr::Yes);
    if (command == "start")
        return start(std::move(*setup));
    if (command == "stop")
        return stop(*setup);
    if (command == "restart") {
        if (int rc = stop(*setup); rc != 0)
            return rc;
        return start(std::move(*setup));
    }
    if (command == "status") {
        if (pid_t pid = running_pid(setup->options.dirs)) {
            std::printf("xend is running (pid %d)\n", pid);
            return 0;
        }
        std::printf("xend is stopped\n");
        return 3;
    }
    std::fprintf(stderr, "xend: unknown command '%s'\n%s", command.c_str(), kUsage);
    return 2;
}

} // namespace xenith
