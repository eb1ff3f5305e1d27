#!/usr/bin/env python3
"""End-to-end PV device scenarios: a real xend + xm + xenith-vm booting the guest kit with
virtio disks, network, balloon and power key, driven through `xm console`.

Usage: devices_e2e.py SCENARIO --xend PATH --xm PATH --vm PATH [--guest-build build.sh]
       devices_e2e.py --list
Reuses toolstack_e2e.py's private-xend Host. Exit 0 = pass, 77 = skipped (needs root for
taps and network namespaces), anything else = fail with the logs' tails.
"""
import contextlib
import http.server
import json
import os
import re
import socketserver
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from toolstack_e2e import BOOT_TIMEOUT, READY_MARKER, SKIP, Failure, Host, boot, run_scenarios  # noqa: E402



def make_image(host, name, size=16 << 20):
    path = os.path.join(host.root, name)
    with open(path, "wb") as f:
        f.truncate(size)
    return path


def login(host, name, console="ttyS0"):
    """Attaches to NAME's console, waits for boot, logs in as root on `console` (the one its
    console= names, which is where typing goes); returns a run(cmd) helper."""
    proc, out = host.open_console(name)
    host.console_wait(out, READY_MARKER, BOOT_TIMEOUT)
    # Wait for that console's own getty banner, or the name is typed before its getty runs (and
    # flushes it).
    host.console_wait(out, "(/dev/%s)" % console, 60)
    proc.stdin.write(b"\n")
    proc.stdin.flush()
    host.console_wait(out, "login:", 60)
    proc.stdin.write(b"root\n")
    proc.stdin.flush()
    # login flushes typed-ahead input when it starts the shell: wait for the prompt.
    host.console_wait(out, "root@", 60)
    time.sleep(0.5)
    counter = [0]

    def run(command, timeout=120):
        # The marker is computed by the guest's shell, so the echoed command line never matches.
        counter[0] += 1
        marker = "done-%d-$((%d+1))" % (counter[0], 1000 * counter[0])
        proc.stdin.write(("%s; echo %s\n" % (command, marker)).encode())
        proc.stdin.flush()
        host.console_wait(out, "done-%d-%d" % (counter[0], 1000 * counter[0] + 1), timeout)
        out.flush()
        with open(out.name, "rb") as f:
            return f.read().decode(errors="replace")

    return run, out


def vm_pid(host, name):
    run_domains = os.path.join(host.env["XENITH_RUN_DIR"], "domains")
    for entry in os.listdir(run_domains):
        if entry.endswith(".json"):
            with open(os.path.join(run_domains, entry)) as f:
                record = json.load(f)
            if record.get("name") == name and record.get("vm_pid"):
                return record["vm_pid"]
    raise Failure("no xenith-vm pid recorded for %s in %s" % (name, run_domains))


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise Failure("no VmRSS for pid %d" % pid)


def wait_gone(host, name, timeout=90):
    # One lookup per poll: the domain may vanish between two.
    def gone():
        d = host.domain(name)
        return d is None or not d.get("id")
    host.wait_for("%s to power off" % name, gone, timeout)


# ---- scenarios ------------------------------------------------------------------------

def disk_survives_shutdown(host):
    """A file written on the disk survives shutdown and reads back on the host."""
    host.start_xend()
    image = make_image(host, "data.img")
    boot(host, "disk1", lines=["disk = [ 'file:%s,xvda,w' ]" % image])
    run, _ = login(host, "disk1")
    run("printf XENITH-E2E-DISK-OK > /dev/vda; sync")
    host.xm("shutdown", "disk1")
    wait_gone(host, "disk1")
    with open(image, "rb") as f:
        head = f.read(18)
    if head != b"XENITH-E2E-DISK-OK":
        raise Failure("the image starts with %r after shutdown" % head)


def second_writable_open_refused(host):
    """A second domain opening the same image writable is refused, naming the holder."""
    host.start_xend()
    image = make_image(host, "shared.img")
    boot(host, "holder", lines=["disk = [ 'file:%s,xvda,w' ]" % image])
    _, out = host.open_console("holder")
    host.console_wait(out, READY_MARKER, BOOT_TIMEOUT)
    host.write_config("intruder", lines=["disk = [ 'tap:aio:%s,xvda,w' ]" % image])
    result = host.xm("create", "intruder", check=False)
    text = result.stdout + result.stderr
    if result.returncode == 0:
        # If xm returned before the engine opened its disks, the domain must die with the reason.
        wait_gone(host, "intruder", 60)
        text += host.xend_log()
        for root, _, files in os.walk(host.log_dir):
            for name in files:
                with open(os.path.join(root, name), errors="replace") as f:
                    text += f.read()
    if "in use by domain 'holder'" not in text:
        raise Failure("the refusal does not name the holder: %r" % text[-2000:])
    if host.domain("holder") is None:
        raise Failure("the first domain went away")


def power_key_powers_off(host):
    """`xm shutdown` presses the virtio power key; busybox acpid powers the guest off."""
    host.start_xend()
    boot(host, "pkey")
    _, out = host.open_console("pkey")
    host.console_wait(out, READY_MARKER, BOOT_TIMEOUT)
    host.xm("shutdown", "pkey")
    host.console_wait(out, "power key pressed", 60)
    wait_gone(host, "pkey")


def memset_lowers_rss(host):
    """`xm mem-set` inflates the balloon and the domain's RSS really falls."""
    host.start_xend()
    path = host.write_config("bal")
    with open(path) as f:
        text = f.read().replace("memory = 128", "memory = 256")
    with open(path, "w") as f:
        f.write(text)
    result = host.xm("create", "bal")
    if "Started domain bal" not in result.stdout:
        raise Failure("xm create printed %r" % result.stdout)
    run, _ = login(host, "bal")
    run("head -c 160000000 /dev/zero > /tmp/fill; rm /tmp/fill")  # touch guest memory, then free it
    pid = vm_pid(host, "bal")
    before = rss_kib(pid)
    host.xm("mem-set", "bal", "64")
    try:
        host.wait_for("RSS to fall by 80 MiB from %d KiB" % before, lambda: rss_kib(pid) < before - 80 * 1024, 120)
    except Failure:
        raise Failure("RSS %d KiB -> %d KiB after mem-set 64" % (before, rss_kib(pid)))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve_directory(directory):
    """An HTTP server for `directory` on a free loopback port (yielded), stopped on exit."""
    handler = lambda *a, **k: _Quiet(*a, directory=directory, **k)  # noqa: E731
    server = socketserver.TCPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def slirp_fetch_from_host(host):
    """With `vif = [ '' ]` the guest reaches a loopback server on the host through slirp."""
    host.start_xend()
    with open(os.path.join(host.root, "hello.txt"), "w") as f:
        f.write("hello-through-slirp\n")
    with serve_directory(host.root) as port:
        boot(host, "nat", lines=["vif = [ '' ]"])
        run, _ = login(host, "nat")
        # Static addressing (slirp's DHCP would hand out the same) keeps the test off udhcpc.
        text = run("ip addr add 10.0.2.15/24 dev eth0; ip link set eth0 up; ip route add default via 10.0.2.2; "
                   "wget -q -O - http://10.0.2.2:%d/hello.txt" % port)
        if "hello-through-slirp" not in text.split("wget -q", 1)[-1]:
            raise Failure("the guest did not fetch the file through slirp")


def tap_bridge_ping(host):
    """Guest and host ping each other over vif<id>.0 on a bridge in a private network namespace."""
    if os.geteuid() != 0 or not os.path.exists("/dev/net/tun"):
        print("SKIP: needs root and /dev/net/tun")
        return SKIP
    # Everything from here runs in a fresh network namespace: the bridge, xend and the domain.
    import ctypes
    if ctypes.CDLL(None, use_errno=True).unshare(0x40000000) != 0:  # CLONE_NEWNET
        raise Failure("unshare(CLONE_NEWNET): %s" % os.strerror(ctypes.get_errno()))
    for cmd in (["ip", "link", "set", "lo", "up"],
                ["ip", "link", "add", "xenbr0", "type", "bridge"],
                ["ip", "addr", "add", "192.168.77.1/24", "dev", "xenbr0"],
                ["ip", "link", "set", "xenbr0", "up"]):
        subprocess.run(cmd, check=True)
    host.start_xend()
    boot(host, "tap", lines=["vif = [ 'bridge=xenbr0, mac=00:16:3e:00:77:02' ]"])
    run, _ = login(host, "tap")
    link = subprocess.run(["ip", "-o", "link", "show", "master", "xenbr0"], stdout=subprocess.PIPE, text=True).stdout
    if not re.search(r"vif\d+\.0", link):
        raise Failure("no vifN.0 on xenbr0: %r" % link)
    text = run("ip addr add 192.168.77.2/24 dev eth0; ip link set eth0 up; ping -c 3 -W 5 192.168.77.1", timeout=60)
    if " 0% packet loss" not in text:
        raise Failure("the guest could not ping the host")
    ping = subprocess.run(["ping", "-c", "3", "-W", "5", "192.168.77.2"], stdout=subprocess.PIPE, text=True)
    if ping.returncode != 0:
        raise Failure("the host could not ping the guest: %s" % ping.stdout)


SCENARIOS = {f.__name__: f for f in [
    disk_survives_shutdown,
    second_writable_open_refused,
    power_key_powers_off,
    memset_lowers_rss,
    slirp_fetch_from_host,
    tap_bridge_ping,
]}


if __name__ == "__main__":
    sys.exit(run_scenarios(SCENARIOS, __doc__))
