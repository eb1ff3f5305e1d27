#!/usr/bin/env python3
"""End-to-end root disk scenarios: the seed's own config, which gives both the guest kit's
ramdisk and `root = "/dev/sda1 ro"` with the disk as `tap:aio:...,sda1,w`. xend turns sda1 into
the guest's /dev/vda and rewrites root=; the kit's initramfs /init must mount that disk and
switch_root to it, as a distro initrd does (tools/guest/README.md, docs/config.md).

Usage: rootdisk_e2e.py SCENARIO --xend PATH --xm PATH --vm PATH [--guest-build build.sh]
       rootdisk_e2e.py --list
Reuses toolstack_e2e.py's private-xend Host. Exit 0 = pass, anything else = fail with the
logs' tails.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from toolstack_e2e import Failure, guest_dir, run_scenarios  # noqa: E402
from devices_e2e import login, wait_gone  # noqa: E402

IMAGE_CREATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "guest",
                            "image-create.sh")
MARKER_TEXT = "made-on-the-host-by-image-create"


def make_root_image(host, name):
    """An ext4 root image from image-create.sh (its own config goes to a scratch directory:
    the test writes the seed's config itself), with /host-marker added by debugfs."""
    scratch = os.path.join(host.root, "image-create-config")
    env = dict(host.env)
    env.pop("XENITH_CONFIG_DIR", None)
    subprocess.run([IMAGE_CREATE, name, "--size", "64M", "--out", host.root, "--config-dir", scratch],
                   env=env, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    image = os.path.join(host.root, name + ".img")
    marker = os.path.join(host.root, "marker.txt")
    with open(marker, "w") as f:
        f.write(MARKER_TEXT + "\n")
    debugfs(image, "write %s /host-marker" % marker, writable=True)
    if MARKER_TEXT not in debugfs(image, "cat /host-marker"):
        raise Failure("debugfs could not put /host-marker on %s" % image)
    return image


def debugfs(image, request, writable=False):
    argv = ["debugfs"] + (["-w"] if writable else []) + ["-R", request, image]
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=True).stdout


def write_seed_config(host, name, image, root, guest_root="/dev/vda"):
    """The seed's /etc/xen/centos5 in spirit: kernel + ramdisk, one vif, the disk as sda1, and
    root= naming it. No extra: no console= either, as the seed has none."""
    kit = guest_dir(host.args.guest_build)
    text = ("# %s: the seed's config, with the guest kit's kernel and ramdisk\n"
            "name = \"%s\"; kernel = \"%s/Image\"; ramdisk = \"%s/initramfs.cpio.gz\"; memory = 256; vcpus = 1\n"
            "vif = [ '' ]; disk = [ 'tap:aio:%s,sda1,w' ]; root = \"%s\"\n"
            % (name, name, kit, kit, image, root))
    with open(os.path.join(host.config_dir, name), "w") as f:
        f.write(text)
    # xend maps the disk named sda1 to the guest's first virtio disk and rewrites root= to match.
    parsed = host.xm("create", "-n", name).stdout
    if '"kernel_command_line": "root=%s ' % guest_root not in parsed:
        raise Failure("xm create -n does not give the kernel root=%s:\n%s" % (guest_root, parsed))


def create(host, name):
    result = host.xm("create", name)
    if "Started domain %s" % name not in result.stdout:
        raise Failure("xm create printed %r" % result.stdout)


def after(text, command):
    return text.rsplit(command, 1)[-1]


def guest_value(run, command):
    """The one-word output of `command` in the guest (the echoed command line never matches)."""
    text = after(run("echo value=[$(%s)]" % command), "echo value=[")
    for line in text.splitlines():
        if line.startswith("value=[") and line.endswith("]"):
            return line[len("value=["):-1]
    raise Failure("no value printed for %r: %r" % (command, text[-500:]))


def root_mount_line(run):
    text = after(run("mount | grep ' on / '"), "grep ' on / '")
    for line in text.splitlines():
        if " on / " in line and "grep" not in line:
            return line.strip()
    raise Failure("no ' on / ' line in the guest's mount output: %r" % text[-500:])


def boot_seed(host, name, root, **config):
    """Starts xend, makes the image, writes the seed config with root=ROOT, creates the domain
    and logs in; returns the shell runner and everything the console printed so far."""
    host.start_xend()
    image = make_root_image(host, name)
    write_seed_config(host, name, image, root, **config)
    create(host, name)
    run, out = login(host, name)
    out.flush()
    with open(out.name, "rb") as f:
        console = f.read().decode(errors="replace")
    return image, run, console


# ---- scenarios ------------------------------------------------------------------------

def seed_ramdisk_root_ro(host):
    """root = "/dev/sda1 ro" with the kit's ramdisk: / is the image (ro by /init, then rw by
    the image's rcS per its fstab, as when the kernel mounts it), with the host's marker."""
    _, run, console = boot_seed(host, "seedro", "/dev/sda1 ro")
    if "xenith-guest: root /dev/vda mounted on / (ro), starting its /sbin/init" not in console:
        raise Failure("the console does not say /init mounted /dev/vda ro:\n%s" % console[-3000:])
    line = root_mount_line(run)
    if not line.startswith("/dev/vda on / type ext4"):
        raise Failure("/ is not /dev/vda (ext4): %r" % line)
    text = after(run("cat /host-marker; hostname"), "hostname")
    if MARKER_TEXT not in text or "seedro" not in text:
        raise Failure("the host's marker or the image's hostname is missing: %r" % text[-500:])
    if guest_value(run, "test -e /init; echo $?") != "1":
        raise Failure("/init of the initramfs is still visible: switch_root did not happen")


def seed_ramdisk_root_rw_persists(host):
    """root = "/dev/sda1 rw": a file written in the guest is on the image after shutdown."""
    image, run, console = boot_seed(host, "seedrw", "/dev/sda1 rw")
    if "xenith-guest: root /dev/vda mounted on / (rw)" not in console:
        raise Failure("the console does not say /init mounted /dev/vda rw:\n%s" % console[-3000:])
    line = root_mount_line(run)
    if not line.startswith("/dev/vda on / type ext4 (rw"):
        raise Failure("/ is not /dev/vda mounted rw: %r" % line)
    run("cat /host-marker > /guest-wrote; echo written-by-the-guest >> /guest-wrote; sync")
    host.xm("shutdown", "seedrw")
    wait_gone(host, "seedrw")
    text = debugfs(image, "cat /guest-wrote")
    if MARKER_TEXT not in text or "written-by-the-guest" not in text:
        raise Failure("/guest-wrote on the image after shutdown holds %r" % text)


def missing_root_device_falls_back(host):
    """root= names a disk the domain does not have: /init waits 10 s, says which device never
    appeared (and which ones did), and the domain boots on the initramfs to a shell."""
    _, run, console = boot_seed(host, "noroot", "/dev/sdb1 ro", guest_root="/dev/sdb1")
    expected = ("xenith-guest: error: root device /dev/sdb1 did not appear within 10 s "
                "(block devices: vda); staying on the initramfs")
    if expected not in console:
        raise Failure("the console lacks %r:\n%s" % (expected, console[-3000:]))
    if console.count(expected) < 2:  # once from /init, once more from /etc/motd at login
        raise Failure("the login's motd does not repeat the message:\n%s" % console[-3000:])
    line = root_mount_line(run)
    if not line.startswith("rootfs on / "):
        raise Failure("/ is not the initramfs: %r" % line)
    if guest_value(run, "grep -c ^/dev/vda /proc/mounts") != "0":
        raise Failure("/dev/vda got mounted although root= named another device")


SCENARIOS = {f.__name__: f for f in [
    seed_ramdisk_root_ro,
    seed_ramdisk_root_rw_persists,
    missing_root_device_falls_back,
]}


if __name__ == "__main__":
    sys.exit(run_scenarios(SCENARIOS, __doc__))
