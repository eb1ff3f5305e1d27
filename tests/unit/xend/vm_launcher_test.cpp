// VmLauncher: the xenith-vm command line, and the monitor's record of how xenith-vm ended,
// with real processes.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>
#include <unistd.h>

#include "toolstack/xend/vm_launcher.h"

using namespace xenith;

namespace {

DomainRecord record_in(std::string const& dir)
{
    DomainRecord r;
    r.id = 3;
    r.name = "web";
    r.config.name = "web";
    r.config.kernel = "/k/Image";
    r.config.ramdisk = "/k/initrd.gz";
    r.config.root = "/dev/xvda1 ro";
    r.config.extra = "xenith.test=panic";
    r.config.memory_mib = 96;
    r.config.vcpus = 2;
    r.run_dir = dir + "/domains/3";
    r.control_path = r.run_dir + "/control.sock";
    r.console_path = r.run_dir + "/console.sock";
    r.console_log = dir + "/console.log";
    r.vm_log = dir + "/vm.log";
    return r;
}

std::string join(std::vector<std::string> const& argv)
{
    std::string out;
    for (auto const& a : argv)
        out += (out.empty() ? "" : " ") + a;
    return out;
}

class LaunchTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        char tmpl[] = "/tmp/xenith-launch-XXXXXX";
        dir = ::mkdtemp(tmpl);
    }
    void TearDown() override { std::system(("rm -rf " + dir).c_str()); }

    // A stand-in binary for xenith-vm that exits the way the test says: launch_vm's contract is
    // about processes and exit statuses, whatever the binary.
    std::string script(std::string const& body)
    {
        std::string path = dir + "/vm.sh";
        std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
        ::chmod(path.c_str(), 0755);
        return path;
    }

    std::optional<VmExitInfo> wait_exit(DomainRecord const& r)
    {
        for (int i = 0; i < 500; ++i) {
            if (auto info = read_exit_file(r.run_dir + "/exit"))
                return info;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return std::nullopt;
    }

    std::string dir;
};

} // namespace

TEST(VmCommandLine, PvDomain)
{
    auto r = record_in("/run/x");
    r.config.disks.push_back({ "/img/root.img", "xvda", DiskFormat::Raw, DiskBackend::Aio, true, false, "" });
    r.config.disks.push_back({ "/dev/sr0", "hdc", DiskFormat::Raw, DiskBackend::Phy, false, true, "" });
    VifSpec vif;
    vif.mac = "00:16:3e:00:00:01";
    vif.bridge = "xenbr0";
    r.config.vifs.push_back(vif);
    auto argv = vm_command_line(r, { "/usr/bin/xenith-vm", 65536, "" });
    EXPECT_EQ(join(argv),
        "/usr/bin/xenith-vm --name web --domid 3 --kernel /k/Image --initrd /k/initrd.gz --append root=/dev/xvda1 ro xenith.test=panic"
        " --memory 96 --vcpus 2 --disk tap:aio:/img/root.img,xvda,w --disk phy:/dev/sr0,hdc:cdrom,r"
        " --vif mac=00:16:3e:00:00:01,bridge=xenbr0 --control /run/x/domains/3/control.sock"
        " --console socket:/run/x/domains/3/console.sock --console-log /run/x/console.log --console-limit 65536");
    // The command line is one argv element, not split on spaces.
    auto append = std::find(argv.begin(), argv.end(), "--append");
    ASSERT_NE(append, argv.end());
    EXPECT_EQ(*(append + 1), "root=/dev/xvda1 ro xenith.test=panic");
}

TEST(VmCommandLine, MaxmemAndMaxvcpusOnlyWhenAboveCurrent)
{
    auto r = record_in("/run/x");
    r.config.maxmem_mib = 96;
    r.config.maxvcpus = 2;
    auto plain = join(vm_command_line(r, { "vm", 1 }));
    EXPECT_EQ(plain.find("--maxmem"), std::string::npos);
    EXPECT_EQ(plain.find("--maxvcpus"), std::string::npos);
    r.config.maxmem_mib = 512;
    r.config.maxvcpus = 4;
    auto raised = join(vm_command_line(r, { "vm", 1 }));
    EXPECT_NE(raised.find("--maxmem 512"), std::string::npos);
    EXPECT_NE(raised.find("--maxvcpus 4"), std::string::npos);
}

TEST(VmExitStatus, ConventionOfXenithVm)
{
    EXPECT_EQ(exit_info_from_status(0, 0).reason, VmExit::Poweroff);
    EXPECT_EQ(exit_info_from_status(1, 0).reason, VmExit::Error);
    EXPECT_EQ(exit_info_from_status(2, 0).reason, VmExit::Reboot);
    EXPECT_EQ(exit_info_from_status(3, 0).reason, VmExit::Crash);
    EXPECT_EQ(exit_info_from_status(4, 0).reason, VmExit::Destroyed);
    EXPECT_EQ(exit_info_from_status(99, 0).reason, VmExit::Unknown);
    EXPECT_EQ(exit_info_from_status(-1, 9).reason, VmExit::Crash); // killed: the domain crashed
}

TEST_F(LaunchTest, MissingBinaryNamesItAndTheVariable)
{
    auto r = record_in(dir);
    auto launched = launch_vm(r, { dir + "/no-such-xenith-vm", 1024 });
    ASSERT_FALSE(launched);
    EXPECT_NE(launched.error().message().find("no-such-xenith-vm"), std::string::npos);
    EXPECT_NE(launched.error().message().find("XENITH_VM_BINARY"), std::string::npos);
}

TEST_F(LaunchTest, MonitorRecordsExitStatus)
{
    for (int code : { 0, 2, 3, 4 }) {
        auto r = record_in(dir);
        auto launched = launch_vm(r, { script(fmt::format("exit {}", code)), 1024 });
        ASSERT_TRUE(launched) << launched.error().message();
        EXPECT_GT(launched->vm_pid, 0);
        EXPECT_NE(launched->vm_pid, launched->monitor_pid);
        auto info = wait_exit(r);
        ASSERT_TRUE(info) << "exit " << code;
        EXPECT_EQ(info->code, code);
        EXPECT_EQ(info->reason, exit_info_from_status(code, 0).reason);
        ::waitpid(launched->monitor_pid, nullptr, 0);
    }
}

TEST_F(LaunchTest, MonitorRecordsSignal)
{
    auto r = record_in(dir);
    auto launched = launch_vm(r, { script("exec sleep 30"), 1024 });
    ASSERT_TRUE(launched);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ::kill(launched->vm_pid, SIGKILL);
    auto info = wait_exit(r);
    ASSERT_TRUE(info);
    EXPECT_EQ(info->signal, SIGKILL);
    EXPECT_EQ(info->reason, VmExit::Crash);
    ::waitpid(launched->monitor_pid, nullptr, 0);
}

TEST_F(LaunchTest, VmGetsItsArgumentsAndLogsToVmLog)
{
    auto r = record_in(dir);
    auto launched = launch_vm(r, { script("echo \"args: $*\"; exit 0"), 1024 });
    ASSERT_TRUE(launched);
    ASSERT_TRUE(wait_exit(r));
    std::ifstream log(r.vm_log);
    std::string line;
    std::getline(log, line);
    EXPECT_NE(line.find("--name web"), std::string::npos) << line;
    ::waitpid(launched->monitor_pid, nullptr, 0);
}

TEST_F(LaunchTest, VmOutlivesItsMonitorsParentSession)
{
    auto r = record_in(dir);
    auto launched = launch_vm(r, { script("exec sleep 30"), 1024 });
    ASSERT_TRUE(launched);
    // The monitor leads its own session: not ours, so xend's terminal or death does not reach it.
    EXPECT_NE(::getsid(launched->monitor_pid), ::getsid(0));
    EXPECT_EQ(::getsid(launched->vm_pid), launched->monitor_pid);
    EXPECT_NE(process_start_ticks(launched->monitor_pid), 0u);
    ::kill(launched->vm_pid, SIGKILL);
    ASSERT_TRUE(wait_exit(r));
    ::waitpid(launched->monitor_pid, nullptr, 0);
}

TEST(ExitFile, GarbledOrMissingIsUnknown)
{
    EXPECT_FALSE(read_exit_file("/nonexistent/exit"));
    char tmpl[] = "/tmp/xenith-exit-XXXXXX";
    int fd = ::mkstemp(tmpl);
    ::close(fd);
    std::ofstream(tmpl) << "exit banana\n";
    EXPECT_FALSE(read_exit_file(tmpl));
    std::ofstream(tmpl) << "signal 0\n";
    EXPECT_FALSE(read_exit_file(tmpl));
    std::ofstream(tmpl) << "exit 300\n";
    EXPECT_FALSE(read_exit_file(tmpl));
    std::ofstream(tmpl) << "exit 2\n";
    EXPECT_EQ(read_exit_file(tmpl)->reason, VmExit::Reboot);
    ::unlink(tmpl);
}
