#!/usr/bin/env python3
"""End-to-end device hotplug: xm block-attach/detach/list and network-attach/detach/list on a
running guest, through a real xend, the domain's control socket and xenith-vm's spare slots.

Usage: hotplug_e2e.py SCENARIO --xend PATH --xm PATH --vm PATH [--guest-build build.sh]
       hotplug_e2e.py --list
Exit 0 = pass, anything else = fail with the logs' tails.
"""
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from toolstack_e2e import Failure, boot, run_scenarios  # noqa: E402
from devices_e2e import login, make_image, serve_directory  # noqa: E402


def make_ext4(host, name, files, size_mib=32):
    """An ext4 image holding `files` ({name: text}), made with mke2fs -d as image-create.sh does."""
    staging = os.path.join(host.root, name + ".d")
    os.makedirs(staging)
    for file_name, text in files.items():
        with open(os.path.join(staging, file_name), "w") as f:
            f.write(text)
    image = os.path.join(host.root, name)
    with open(image, "wb") as f:
        f.truncate(size_mib << 20)
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-d", staging, image], check=True,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return image


def debugfs_cat(image, path):
    out = subprocess.run(["debugfs", "-R", "cat %s" % path, image], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    return out.stdout


def xm_fails(host, expected, *argv):
    """Runs xm, which must fail with one line containing `expected`."""
    result = host.xm(*argv, check=False)
    if result.returncode == 0:
        raise Failure("xm %s succeeded; expected a failure mentioning %r" % (" ".join(argv), expected))
    if expected not in result.stderr:
        raise Failure("xm %s: %r does not mention %r" % (" ".join(argv), result.stderr.strip(), expected))
    return result.stderr


def after(text, command):
    """What the console printed after the last echo of `command`."""
    return text.rsplit(command, 1)[-1]


def guest_value(run, command):
    marker = "val-%d" % int(time.time() * 1000)
    text = run("echo %s=$(%s)" % (marker, command))
    found = re.findall(r"%s=(\S*)" % marker, after(text, "echo %s" % marker))
    return found[-1] if found else None


def wait_guest_value(run, command, want, timeout=30):
    deadline = time.time() + timeout
    value = None
    while time.time() < deadline:
        value = guest_value(run, command)
        if value == want:
            return value
        time.sleep(0.5)
    raise Failure("in the guest, %r gives %r, expected %r" % (command, value, want))


def block_lines(host, domain):
    return [line for line in host.xm("block-list", domain).stdout.splitlines() if line.strip()]


def config_of(host, name):
    d = host.domain(name)
    if d is None:
        raise Failure("domain %s is not listed" % name)
    return d["config"]


# ---- scenarios ------------------------------------------------------------------------

def block_attach_mount_write_detach(host):
    """Attach an ext4 image to a running guest, read and write it there, detach, check on the host."""
    host.start_xend()
    root_disk = make_image(host, "boot.img")
    data = make_ext4(host, "data.img", {"hello.txt": "hello-from-the-host\n"})
    boot(host, "hp1", lines=["disk = [ 'file:%s,xvda,w' ]" % root_disk])
    run, _ = login(host, "hp1")

    before = block_lines(host, "hp1")
    if len(before) != 2 or before[0].split() != "Vdev BE handle state evt-ch ring-ref BE-path".split() \
            or not before[1].startswith("51712 ") or root_disk not in before[1]:
        raise Failure("block-list before attach: %r" % before)
    wait_guest_value(run, "cat /sys/block/vdb/size", "0")

    host.xm("block-attach", "hp1", "tap:aio:%s" % data, "xvdb", "w")
    rows = block_lines(host, "hp1")
    row = [r for r in rows if r.startswith("51728 ")]
    if len(rows) != 3 or not row or data not in row[0]:
        raise Failure("block-list after attach: %r" % rows)
    fields = row[0].split()
    if fields[1] != "0" or fields[3] != "4":
        raise Failure("xvdb's row is not backend 0, state 4 (connected): %r" % row[0])
    listed = json.loads(host.xm("block-list", "hp1", "-l").stdout)
    disk = [d for d in listed["disks"] if d["vdev"] == "xvdb"]
    if not disk or disk[0]["sectors"] != (32 << 20) // 512 or disk[0]["mode"] != "w":
        raise Failure("block-list -l: %r" % listed)
    if not any(d["vdev"] == "xvdb" and d["target"] == data for d in config_of(host, "hp1")["disks"]):
        raise Failure("xm list -l does not show the attached disk: %r" % config_of(host, "hp1")["disks"])

    # Linux's virtio_blk picked up the new capacity from the config-change interrupt.
    wait_guest_value(run, "cat /sys/block/vdb/size", str((32 << 20) // 512))
    text = run("mkdir -p /mnt/data && mount -t ext4 /dev/vdb /mnt/data && cat /mnt/data/hello.txt")
    if "hello-from-the-host" not in after(text, "cat /mnt/data/hello.txt"):
        raise Failure("the guest could not read the file on the attached disk: %r" % text[-800:])
    run("echo written-by-the-guest > /mnt/data/guest.txt && sync && umount /mnt/data")

    # Errors: the frontend name in use, a second domain opening the image writable, a full
    # set of slots, an unknown device.
    xm_fails(host, "already has a disk xvdb", "block-attach", "hp1", "file:%s" % make_image(host, "x.img"), "xvdb", "w")
    boot(host, "hp2")
    host.wait_for("hp2 to run", lambda: (host.domain("hp2") or {}).get("id"), 60)
    xm_fails(host, "in use by domain 'hp1'", "block-attach", "hp2", "tap:aio:%s" % data, "xvdb", "w")
    host.xm("block-attach", "hp1", "file:%s" % make_image(host, "c.img"), "xvdc", "w")
    xm_fails(host, "domain hp1 has no free disk slot (2 spare slots, both in use); detach one first",
             "block-attach", "hp1", "file:%s" % make_image(host, "d.img"), "xvdd", "w")
    xm_fails(host, "has no disk xvdz", "block-detach", "hp1", "xvdz")
    host.xm("block-detach", "hp1", "51744")  # xvdc by its Vdev number

    host.xm("block-detach", "hp1", "xvdb")
    rows = block_lines(host, "hp1")
    if len(rows) != 2 or any(r.startswith("51728 ") for r in rows):
        raise Failure("block-list after detach: %r" % rows)
    if any(d["vdev"] in ("xvdb", "xvdc") for d in config_of(host, "hp1")["disks"]):
        raise Failure("xm list -l still shows detached disks: %r" % config_of(host, "hp1")["disks"])
    wait_guest_value(run, "cat /sys/block/vdb/size", "0")
    written = debugfs_cat(data, "/guest.txt")
    if "written-by-the-guest" not in written:
        raise Failure("the file the guest wrote is not in the image: %r" % written)
    # The lock went with the detach: the other domain may have the image now.
    host.xm("block-attach", "hp2", "tap:aio:%s" % data, "xvdb", "r")


def network_attach_slirp_detach(host):
    """A NIC attached with user-mode NAT shows up with carrier and the listed MAC, carries traffic,
    survives an xend restart, and loses carrier when detached."""
    host.start_xend()
    with open(os.path.join(host.root, "net.txt"), "w") as f:
        f.write("hello-through-the-hotplugged-nic\n")
    with serve_directory(host.root) as port:
        boot(host, "hpn", lines=["vif = [ '' ]"])
        run, _ = login(host, "hpn")
        run("ip link set eth1 up")
        wait_guest_value(run, "cat /sys/class/net/eth1/carrier", "0")
        lines = [line for line in host.xm("network-list", "hpn").stdout.splitlines() if line.strip()]
        if len(lines) != 2 or not lines[0].startswith("Idx BE     MAC Addr.     handle state evt-ch tx-/rx-ring-ref BE-path"):
            raise Failure("network-list before attach: %r" % lines)

        host.xm("network-attach", "hpn", "type=vif")
        listed = json.loads(host.xm("network-list", "hpn", "-l").stdout)
        nic = [n for n in listed["nics"] if n["devid"] == 1]
        if not nic:
            raise Failure("network-list -l has no NIC 1: %r" % listed)
        mac = nic[0]["mac"]
        rows = host.xm("network-list", "hpn").stdout
        if not re.search(r"^1\s+0\s+%s\s" % re.escape(mac), rows, re.M):
            raise Failure("network-list does not show NIC 1 with %s: %r" % (mac, rows))
        wait_guest_value(run, "cat /sys/class/net/eth1/carrier", "1")
        wait_guest_value(run, "cat /sys/class/net/eth1/address", mac)
        # eth0 (the boot NIC, also NAT on 10.0.2.0/24) goes away so the traffic can only use eth1.
        run("ip link set eth0 down; ip addr flush dev eth0; ip addr add 10.0.2.15/24 dev eth1; "
            "ip route add default via 10.0.2.2 dev eth1")
        if guest_value(run, "ip route get 10.0.2.2 | grep -o 'dev [a-z0-9]*' | tr ' ' =") != "dev=eth1":
            raise Failure("the route to 10.0.2.2 does not use eth1")
        text = run("wget -q -O - http://10.0.2.2:%d/net.txt" % port, timeout=60)
        if "hello-through-the-hotplugged-nic" not in after(text, "wget -q"):
            raise Failure("no traffic through the attached NIC: %r" % text[-600:])

        # xend forgets nothing across kill -9: the attached NIC is in the domain's config.
        host.kill9_xend()
        host.start_xend()
        vifs = config_of(host, "hpn")["vifs"]
        if len(vifs) != 2 or vifs[1].get("mac") != mac:
            raise Failure("after re-adoption, xm list -l shows vifs %r" % vifs)
        xm_fails(host, "no free NIC slot (1 spare slot, in use)", "network-attach", "hpn")

        host.xm("network-detach", "hpn", mac)
        wait_guest_value(run, "cat /sys/class/net/eth1/carrier", "0")
        rows = host.xm("network-list", "hpn").stdout
        if mac in rows:
            raise Failure("network-list still shows %s: %r" % (mac, rows))
        if len(config_of(host, "hpn")["vifs"]) != 1:
            raise Failure("xm list -l still shows the detached vif")
        xm_fails(host, "has no connected NIC 1", "network-detach", "hpn", "1")
        # The slot's MAC is fixed: another one is refused with the reason.
        xm_fails(host, "fixed when the guest booted", "network-attach", "hpn", "mac=00:16:3e:00:00:99")


SCENARIOS = {f.__name__: f for f in [
    block_attach_mount_write_detach,
    network_attach_slirp_detach,
]}


if __name__ == "__main__":
    sys.exit(run_scenarios(SCENARIOS, __doc__))
