// DomainConfig from config text: the seed's xm file, xl keys, warnings, and malformed files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "toolstack/config/config_json.h"
#include "toolstack/config/domain_config_loader.h"

namespace xenith {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

DomainConfig load_ok(std::string_view text, std::vector<std::string>* warnings_out = nullptr, std::vector<std::string>* notes_out = nullptr)
{
    std::vector<std::string> warnings;
    auto config = domain_config_from_text(text, "/etc/xen/web", warnings, notes_out);
    EXPECT_TRUE(config) << (config ? "" : config.error().message());
    if (warnings_out)
        *warnings_out = warnings;
    return config ? *config : DomainConfig {};
}

std::string load_error(std::string_view text)
{
    std::vector<std::string> warnings;
    auto config = domain_config_from_text(text, "/etc/xen/web", warnings);
    EXPECT_FALSE(config) << "loaded although it should not:\n" << text;
    return config ? std::string() : config.error().message();
}

constexpr std::string_view seed = R"(# The seed's CentOS 5 guest, xm spelling.
name = "centos5"
kernel = "/boot/vmlinuz-2.6.18-xen"
ramdisk = "/boot/initrd-2.6.18-xen.img"
memory = 128
vcpus = 1
builder = "linux"
vif = [ '' ]
disk = [ 'tap:aio:/srv/xen/centos5.img,xvda,w' ]
root = "/dev/xvda ro"
extra = "console=hvc0"
)";

TEST(DomainConfigLoad, SeedXmConfig)
{
    std::vector<std::string> warnings, notes;
    DomainConfig config = load_ok(seed, &warnings, &notes);
    EXPECT_EQ(config.source_path, "/etc/xen/web");
    EXPECT_EQ(config.name, "centos5");
    EXPECT_EQ(config.type, DomainType::Pv);
    EXPECT_EQ(config.kernel, "/boot/vmlinuz-2.6.18-xen");
    EXPECT_EQ(config.ramdisk, "/boot/initrd-2.6.18-xen.img");
    EXPECT_EQ(config.memory_mib, 128u);
    EXPECT_EQ(config.vcpus, 1u);
    ASSERT_EQ(config.vifs.size(), 1u);
    EXPECT_EQ(config.vifs[0].mac, "");
    ASSERT_EQ(config.disks.size(), 1u);
    EXPECT_EQ(config.disks[0].backend, DiskBackend::Aio);
    EXPECT_EQ(config.disks[0].target, "/srv/xen/centos5.img");
    EXPECT_EQ(config.kernel_command_line(), "root=/dev/vda ro console=hvc0");
    // root = "/dev/xvda ro" is what image-create.sh writes on purpose: its translation is a note
    // (info level), not a warning.
    EXPECT_THAT(warnings, ElementsAre("/etc/xen/web:7: builder: deprecated; use type = \"pv\""));
    EXPECT_THAT(notes,
        ElementsAre("/etc/xen/web:10: root: /dev/xvda is the guest's /dev/vda (Xenith guests see disks as virtio /dev/vdX, in "
                    "vdev order); using /dev/vda"));
}

TEST(DomainConfigLoad, XlKeys)
{
    DomainConfig config = load_ok(R"(
name = "db.example-1"
type = "hvm"
uuid = "3F2504E0-4F89-11D3-9A0C-0305E82C3301"
memory = 0x200
maxmem = 01000
vcpus = 2
maxvcpus = 4
cpus = "0-3,^1"
cpu_weight = 512
cap = 150
on_poweroff = "preserve"
on_reboot = "rename-restart"
on_crash = "coredump-restart"
firmware = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"
cmdline = "root=/dev/vda rw"
disk = [ 'format=raw, vdev=xvda, access=rw, target=/srv/db.img',
         '/srv/data.img,,xvdb' ]
)");
    EXPECT_EQ(config.type, DomainType::Hvm);
    EXPECT_EQ(config.uuid, "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    EXPECT_EQ(config.memory_mib, 512u);
    EXPECT_EQ(config.maxmem_mib, 512u);
    EXPECT_EQ(config.vcpus, 2u);
    EXPECT_EQ(config.maxvcpus, 4u);
    EXPECT_EQ(config.cpus, "0-3,^1");
    EXPECT_EQ(config.cpu_weight, 512u);
    EXPECT_EQ(config.cap, 150u);
    EXPECT_EQ(config.on_poweroff, LifecycleAction::Preserve);
    EXPECT_EQ(config.on_reboot, LifecycleAction::RenameRestart);
    EXPECT_EQ(config.on_crash, LifecycleAction::CoredumpRestart);
    EXPECT_EQ(config.firmware, "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin");
    EXPECT_EQ(config.kernel_command_line(), "root=/dev/vda rw");
    ASSERT_EQ(config.disks.size(), 2u);
    EXPECT_EQ(config.disks[1].vdev, "xvdb");
}

TEST(DomainConfigLoad, AllLifecycleActions)
{
    for (auto [text, action] : { std::pair { "destroy", LifecycleAction::Destroy },
             { "restart", LifecycleAction::Restart }, { "rename-restart", LifecycleAction::RenameRestart },
             { "preserve", LifecycleAction::Preserve }, { "coredump-destroy", LifecycleAction::CoredumpDestroy },
             { "coredump-restart", LifecycleAction::CoredumpRestart }, { "soft-reset", LifecycleAction::SoftReset } }) {
        auto config = load_ok(fmt::format("name='a'\nkernel='/k'\non_crash='{}'\n", text));
        EXPECT_EQ(config.on_crash, action) << text;
        EXPECT_STREQ(to_string(action), text);
    }
}

TEST(DomainConfigLoad, Defaults)
{
    DomainConfig config = load_ok("name = 'a'\nkernel = '/k'\n");
    EXPECT_EQ(config.memory_mib, 128u);
    EXPECT_EQ(config.vcpus, 1u);
    EXPECT_EQ(config.on_poweroff, LifecycleAction::Destroy);
    EXPECT_EQ(config.on_reboot, LifecycleAction::Restart);
    EXPECT_EQ(config.on_crash, LifecycleAction::Destroy);
    EXPECT_TRUE(config.disks.empty());
    EXPECT_TRUE(config.vifs.empty());
}

TEST(DomainConfigLoad, BuilderHvmAndHvmloaderKernel)
{
    std::vector<std::string> warnings;
    DomainConfig config = load_ok("name='w'\nbuilder='hvm'\nkernel='/usr/lib/xen/boot/hvmloader'\n", &warnings);
    EXPECT_EQ(config.type, DomainType::Hvm);
    EXPECT_EQ(config.kernel, "");
    EXPECT_THAT(warnings,
        ElementsAre("/etc/xen/web:2: builder: deprecated; use type = \"hvm\"",
            "/etc/xen/web:3: kernel: ignoring hvmloader for an HVM guest: Xenith boots HVM domains with OpenSBI and "
            "U-Boot; remove this line"));
}

TEST(DomainConfigLoad, PvhRunsAsPv)
{
    std::vector<std::string> warnings;
    DomainConfig config = load_ok("name='a'\nkernel='/k'\ntype='pvh'\n", &warnings);
    EXPECT_EQ(config.type, DomainType::Pv);
    EXPECT_THAT(warnings, ElementsAre(HasSubstr("/etc/xen/web:3: type: \"pvh\" runs as \"pv\"")));
}

TEST(DomainConfigLoad, AppendBuildsLists)
{
    DomainConfig config = load_ok("name='a'\nkernel='/k'\nextra='console=hvc0'\nextra+=' quiet'\n"
                                  "disk=['file:/a.img,xvda,w']\ndisk+=['file:/b.img,xvdb,r']\n");
    EXPECT_EQ(config.extra, "console=hvc0 quiet");
    ASSERT_EQ(config.disks.size(), 2u);
    EXPECT_FALSE(config.disks[1].writable);
}

TEST(DomainConfigLoad, WarningsNameTheReplacement)
{
    std::vector<std::string> warnings;
    load_ok(R"(name = 'a'
kernel = '/k'
memmory = 256
serial = 'pty'
vnc = 1
on_xend_start = 'start'
bootargs = '--entry=xvda1:/boot/vmlinuz'
cpu_cap = 50
firmware_override = '/fw.bin'
frobnicate = 1
root = '/dev/xvda'
cmdline = 'root=/dev/vda'
memory = 64
memory = 96
)",
        &warnings);
    EXPECT_THAT(warnings,
        ElementsAre("/etc/xen/web:14: memory: set again (first set on line 13); the last value wins",
            "/etc/xen/web:9: firmware_override: deprecated; use firmware",
            "/etc/xen/web:12: cmdline: root and extra are ignored in favour of cmdline",
            "/etc/xen/web:8: cpu_cap: deprecated xm spelling; use cap",
            "/etc/xen/web:3: memmory: unknown key, ignored (did you mean `memory'?)",
            "/etc/xen/web:4: serial: not supported, ignored: the domain's console is its serial port; use xm console",
            "/etc/xen/web:5: vnc: not supported, ignored: domains have no display; use xm console",
            "/etc/xen/web:6: on_xend_start: ignored: xend starts the domains linked in /etc/xen/auto/",
            "/etc/xen/web:7: bootargs: deprecated (bootloader_args in xl) and ignored: bootloaders are not run",
            "/etc/xen/web:10: frobnicate: unknown key, ignored"));
}

TEST(DomainConfigLoad, DiskWarningsCarryTheLine)
{
    std::vector<std::string> warnings;
    load_ok("name='a'\nkernel='/k'\ndisk=[\n 'file:/a.img,xvda,w',\n 'backend=dom1,vdev=xvdb,target=/b.img' ]\n", &warnings);
    EXPECT_THAT(warnings,
        ElementsAre("/etc/xen/web:5: disk: 'backend=dom1,vdev=xvdb,target=/b.img': backend=dom1 ignored: driver "
                    "domains do not exist in Xenith, the domain's own process serves its disks"));
}

TEST(DomainConfigLoad, RootDevicesAreRenamedToTheGuestsVirtioNames)
{
    std::vector<std::string> warnings, notes;
    DomainConfig config = load_ok("name='a'\nkernel='/k'\n"
                                  "disk=['file:/data.img,xvdc,w', 'file:/root.img,xvda,w']\n"
                                  "root='/dev/xvda1 ro'\n"
                                  "extra='console=hvc0 root=/dev/xvdc resume=/dev/xvdc'\n",
        &warnings, &notes);
    EXPECT_EQ(config.root, "/dev/vda1 ro");
    EXPECT_EQ(config.extra, "console=hvc0 root=/dev/vdb resume=/dev/xvdc");
    EXPECT_EQ(config.kernel_command_line(), "root=/dev/vda1 ro console=hvc0 root=/dev/vdb resume=/dev/xvdc");
    EXPECT_THAT(warnings, IsEmpty());
    EXPECT_THAT(notes,
        ElementsAre("/etc/xen/web:4: root: /dev/xvda1 is the guest's /dev/vda1 (Xenith guests see disks as virtio "
                    "/dev/vdX, in vdev order); using /dev/vda1",
            "/etc/xen/web:5: extra: /dev/xvdc is the guest's /dev/vdb (Xenith guests see disks as virtio /dev/vdX, in "
            "vdev order); using /dev/vdb"));

    // A partition given as its own disk is a whole disk to the guest.
    config = load_ok("name='a'\nkernel='/k'\ndisk=['phy:/dev/vg/root,xvda1,w']\ncmdline='root=/dev/xvda1 rw'\n");
    EXPECT_EQ(config.cmdline, "root=/dev/vda rw");
    // Names that are no configured disk, and HVM domains, are left alone.
    EXPECT_EQ(load_ok("name='a'\nkernel='/k'\ndisk=['file:/r,xvda,w']\nroot='/dev/xvdb1'\n").root, "/dev/xvdb1");
    EXPECT_EQ(load_ok("name='a'\ntype='hvm'\ndisk=['file:/r,xvda,w']\nroot='/dev/xvda'\n").root, "/dev/xvda");
    EXPECT_EQ(load_ok("name='a'\nkernel='/k'\ndisk=['file:/r,xvda,w']\nroot='/dev/vda'\n").root, "/dev/vda");
}

TEST(DomainConfigLoad, CpusAcceptsNumberAndString)
{
    EXPECT_EQ(load_ok("name='a'\nkernel='/k'\ncpus=2\n").cpus, "2");
    EXPECT_EQ(load_ok("name='a'\nkernel='/k'\ncpus='all'\n").cpus, "all");
    EXPECT_TRUE(load_ok("name='a'\nkernel='/k'\ncpus='0-3'\n").vcpu_cpus.empty());
}

TEST(DomainConfigLoad, CpusListPinsEachVcpuToItsElementAsXl)
{
    std::vector<std::string> warnings;
    auto config = load_ok("name='a'\nkernel='/k'\nvcpus=2\nmaxvcpus=3\ncpus=['0','1-3']\n", &warnings);
    EXPECT_EQ(config.cpus, "");
    EXPECT_EQ(config.vcpu_cpus, (std::vector<std::string> { "0", "1-3" }));
    EXPECT_TRUE(warnings.empty()) << warnings.front();
    // The JSON xend keeps has the lists, one per vCPU.
    auto back = domain_config_from_json(to_json(config));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(back->vcpu_cpus, config.vcpu_cpus);
    EXPECT_TRUE(validate_domain_config(*back));
}

TEST(DomainConfigLoad, CpusListLongerThanTheVcpusWarnsAndABadElementIsNamed)
{
    std::vector<std::string> warnings;
    auto config = load_ok("name='a'\nkernel='/k'\nvcpus=2\ncpus=['0','1','0']\n", &warnings);
    EXPECT_EQ(config.vcpu_cpus, (std::vector<std::string> { "0", "1" }));
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("3 per-vCPU lists for 2 vCPUs; the lists after the first 2 are ignored"), std::string::npos) << warnings[0];
    EXPECT_NE(load_error("name='a'\nkernel='/k'\nvcpus=2\ncpus=['0','x']\n").find("cpus: element 2 (vCPU 1): \"x\" is not a CPU list"),
        std::string::npos);
}

TEST(DomainConfigLoad, DomainNames)
{
    EXPECT_TRUE(validate_domain_name("centos5"));
    EXPECT_TRUE(validate_domain_name("web-1.example:a+b_c"));
    EXPECT_FALSE(validate_domain_name(""));
    EXPECT_FALSE(validate_domain_name("a/b"));
    EXPECT_FALSE(validate_domain_name("Domain-0"));
    EXPECT_FALSE(validate_domain_name("12"));
    EXPECT_FALSE(validate_domain_name(".."));
    EXPECT_FALSE(validate_domain_name(std::string(65, 'a')));
    EXPECT_TRUE(validate_domain_name(std::string(64, 'a')));
}

// Each malformed file, the line that breaks it, and the one message the user sees.
struct Malformed {
    char const* what;
    std::string text;
    std::string message;
};

std::string const head = "name = 'web'\nkernel = '/boot/Image'\n";

TEST(DomainConfigLoad, MalformedFilesGetOneExactMessage)
{
    std::vector<Malformed> const cases {
        { "memory not a number", head + "memory = \"lots\"\n",
            "/etc/xen/web:3: memory: \"lots\" is not a number (expected MiB, e.g. memory = 256)" },
        { "memory with a unit", head + "memory = 256M\n",
            "/etc/xen/web:3: memory: \"256M\" is not a number (expected MiB, e.g. memory = 256)" },
        { "memory too small", head + "memory = 8\n",
            "/etc/xen/web:3: memory: 8 is too small (16 is the minimum, e.g. memory = 256)" },
        { "memory as a list", head + "memory = [ 256 ]\n",
            "/etc/xen/web:3: memory: is a list but should be a single value (expected MiB, e.g. memory = 256)" },
        { "memory +=", head + "memory = 128\nmemory += 64\n",
            "/etc/xen/web:4: memory: can't use += with numbers (expected MiB, e.g. memory = 256)" },
        { "vcpus zero", head + "vcpus = 0\n",
            "/etc/xen/web:3: vcpus: 0 is too small (1 is the minimum, e.g. vcpus = 2)" },
        { "vcpus too many", head + "vcpus = 65\n",
            "/etc/xen/web:3: vcpus: 65 is too large (64 is the maximum, e.g. vcpus = 2)" },
        { "maxvcpus below vcpus", head + "vcpus = 4\nmaxvcpus = 2\n",
            "/etc/xen/web:4: maxvcpus: 2 is less than vcpus (4); maxvcpus must be at least vcpus" },
        { "maxmem below memory", head + "memory = 256\nmaxmem = 128\n",
            "/etc/xen/web:4: maxmem: 128 is less than memory (256 MiB); maxmem must be at least memory" },
        { "no name", "kernel = '/boot/Image'\n", "/etc/xen/web: name: required but missing (e.g. name = \"web\")" },
        { "bad value before a missing key", "memory = 'lots'\n",
            "/etc/xen/web:1: memory: \"lots\" is not a number (expected MiB, e.g. memory = 256)" },
        { "name with a space", "name = 'web server'\nkernel = '/k'\n",
            "/etc/xen/web:1: name: \"web server\" contains ` ' (allowed: letters, digits and _ - . : +)" },
        { "numeric name", "name = 42\nkernel = '/k'\n",
            "/etc/xen/web:1: name: \"42\" is all digits, which xm would read as a domain id (e.g. name = \"web42\")" },
        { "pv without kernel", "name = 'web'\nmemory = 128\n",
            "/etc/xen/web: kernel: required for a pv domain but missing (e.g. kernel = \"/boot/vmlinuz-guest\", or "
            "type = \"hvm\" to boot firmware from the disk)" },
        { "pv with only a bootloader", "name = 'web'\nbootloader = 'pygrub'\n",
            "/etc/xen/web:2: bootloader: a pv domain needs kernel = \"/path/to/Image\": bootloaders are not run (or "
            "use type = \"hvm\" to boot from the disk)" },
        { "kernel as a list", "name = 'web'\nkernel = [ '/k' ]\n",
            "/etc/xen/web:2: kernel: is a list but should be a single value (e.g. kernel = \"/boot/vmlinuz-guest\")" },
        { "unknown type", head + "type = \"xen\"\n",
            "/etc/xen/web:3: type: \"xen\" is not a domain type (expected \"pv\", \"hvm\" or \"pvh\", e.g. type = "
            "\"pv\")" },
        { "unknown builder", head + "builder = \"vmx\"\n",
            "/etc/xen/web:3: builder: \"vmx\" is not a builder (expected \"linux\" or \"hvm\"; better, type = \"pv\" "
            "or type = \"hvm\")" },
        { "unknown action", head + "on_crash = 'explode'\n",
            "/etc/xen/web:3: on_crash: \"explode\" is not an action (expected destroy, restart, rename-restart, "
            "preserve, coredump-destroy, coredump-restart or soft-reset)" },
        { "bad uuid", head + "uuid = '1234'\n",
            "/etc/xen/web:3: uuid: \"1234\" is not a UUID (expected 8-4-4-4-12 hex digits, e.g. uuid = "
            "\"3f2504e0-4f89-11d3-9a0c-0305e82c3301\")" },
        { "bad cpus", head + "cpus = '0-x'\n",
            "/etc/xen/web:3: cpus: \"0-x\" is not a CPU list (expected \"all\" or numbers and ranges with optional ^, "
            "e.g. cpus = \"0-3,^1\")" },
        { "cap above vcpus", head + "vcpus = 2\ncap = 300\n",
            "/etc/xen/web:4: cap: 300 is too large (200 is the maximum, e.g. cap = 50)" },
        { "cpu_weight zero", head + "cpu_weight = 0\n",
            "/etc/xen/web:3: cpu_weight: 0 is too small (1 is the minimum, e.g. cpu_weight = 256)" },
        { "disk not a list", head + "disk = 'file:/srv/web.img,xvda,w'\n",
            "/etc/xen/web:3: disk: is a single value but should be a list (e.g. disk = [ "
            "'file:/var/lib/xen/images/guest.img,xvda,w' ])" },
        { "disk entry a number", head + "disk = [ 'file:/a,xvda,w', 1 ]\n",
            "/etc/xen/web:3: disk: entry 2 is not a quoted string (e.g. disk = [ "
            "'file:/var/lib/xen/images/guest.img,xvda,w' ])" },
        { "disk bad access", head + "disk = [\n  'file:/a,xvda,w',\n  'file:/b,xvdb,rwx' ]\n",
            "/etc/xen/web:5: disk: 'file:/b,xvdb,rwx': access `rwx' is not valid (expected r, ro, w or rw)" },
        { "disk bad vdev", head + "disk = [ 'file:/a,xvda0,w' ]\n",
            "/etc/xen/web:3: disk: 'file:/a,xvda0,w': 'xvda0' is not a virtual device name: partition must be 1..255 "
            "(expected xvdX, xvdXN, sdX, sdXN, hdX, hdXN or dNpM, e.g. xvda)" },
        { "disk unknown format", head + "disk = [ '/a.vmdk,vmdk,xvda,w' ]\n",
            "/etc/xen/web:3: disk: '/a.vmdk,vmdk,xvda,w': unknown format `vmdk' (expected raw, qcow, qcow2 or vhd)" },
        { "disk clash", head + "disk = [ 'file:/a,hda,w', 'file:/b,xvda,w' ]\n",
            "/etc/xen/web:3: disk: 'xvda' is the same disk as 'hda' (disk 0, partition 0); give each disk its own "
            "vdev" },
        { "disk without vdev", head + "disk = [ 'file:/srv/web.img' ]\n",
            "/etc/xen/web:3: disk: 'file:/srv/web.img': no vdev given (e.g. "
            "'file:/var/lib/xen/images/guest.img,xvda,w' or 'vdev=xvda, target=/var/lib/xen/images/guest.img')" },
        { "vif bad mac", head + "vif = [ 'mac=00:16:3e:zz:00:01' ]\n",
            "/etc/xen/web:3: vif: 'mac=00:16:3e:zz:00:01': mac: `00:16:3e:zz:00:01' is not a valid MAC address: not "
            "a hex digit (expected six hex pairs separated by colons, e.g. 00:16:3e:74:3d:76)" },
        { "vif multicast mac", head + "vif = [ 'mac=01:16:3e:00:00:01' ]\n",
            "/etc/xen/web:3: vif: 'mac=01:16:3e:00:00:01': mac: `01:16:3e:00:00:01' is not a valid MAC address: it "
            "is a multicast address (the low bit of the first byte must be clear) (expected six hex pairs separated "
            "by colons, e.g. 00:16:3e:74:3d:76)" },
        { "vif bad rate", head + "vif = [ 'rate=10Mbit/s' ]\n",
            "/etc/xen/web:3: vif: 'rate=10Mbit/s': rate `10Mbit/s': invalid rate (expected RATE/s[@INTERVAL] with "
            "RATE like 10Mb/s, 250KB/s, 1GB/s and INTERVAL like 20ms, 500us, 1s)" },
        { "vif unknown key", head + "vif = [ 'brige=xenbr0' ]\n",
            "/etc/xen/web:3: vif: 'brige=xenbr0': unknown key `brige' (valid: mac bridge gatewaydev type model "
            "vifname script ip backend rate devid mtu forward)" },
        { "vif bad forward", head + "vif = [ 'forward=tcp:2222' ]\n",
            "/etc/xen/web:3: vif: 'forward=tcp:2222': forward: `tcp:2222' has the wrong number of fields (expected "
            "PROTO:[HOSTADDR:]HOSTPORT:GUESTPORT, e.g. forward=tcp:2222:22)" },
        { "vif duplicate mac", head + "vif = [ 'mac=00:16:3e:00:00:01', 'mac=00:16:3E:00:00:01' ]\n",
            "/etc/xen/web:3: vif: mac 00:16:3e:00:00:01 is used by two vifs; each NIC needs its own" },
        { "python", "import os\nname = 'web'\n",
            "/etc/xen/web:1: config file looks like it contains Python code (`import os'): arbitrary Python is not "
            "supported and xm/xl config files are never executed; write KEY = VALUE settings instead (see "
            "https://wiki.xen.org/wiki/PythonInXlConfig)" },
        { "unquoted string", head + "on_reboot = restart\n",
            "/etc/xen/web:3: config parsing error near `restart': strings must be quoted (e.g. on_reboot = "
            "\"restart\")" },
    };
    EXPECT_GE(cases.size(), 20u);
    for (auto const& c : cases)
        EXPECT_EQ(load_error(c.text), c.message) << c.what;
}

TEST(DomainConfigLoad, MissingFile)
{
    std::vector<std::string> warnings;
    auto config = load_domain_config("/nonexistent/xenith/web", warnings);
    ASSERT_FALSE(config);
    EXPECT_EQ(config.error().message(), "/nonexistent/xenith/web: unable to open configuration file: No such file or directory");
}

TEST(DomainConfigValidate, CatchesWhatJsonCanCarry)
{
    DomainConfig config = load_ok(seed);
    EXPECT_TRUE(validate_domain_config(config));
    DomainConfig bad = config;
    bad.memory_mib = 4;
    EXPECT_EQ(validate_domain_config(bad).error().message(), "/etc/xen/web: memory: 4 MiB is outside 16..1048576 MiB");
    bad = config;
    bad.disks.push_back(config.disks[0]);
    bad.disks.back().vdev = "hda";
    EXPECT_EQ(validate_domain_config(bad).error().message(), "/etc/xen/web: disk: 'hda' is the same disk as 'xvda'");
    bad = config;
    bad.name = "Domain-0";
    EXPECT_EQ(validate_domain_config(bad).error().message(), "/etc/xen/web: name: \"Domain-0\" is reserved for the host");
}

} // namespace
} // namespace xenith
