#!/usr/bin/env python3
"""End-to-end vCPU hotplug: `maxvcpus` harts, `vcpus` of them online at boot, and `xm vcpu-set`
through the guest agent (virtio-console port org.xenith.agent, /dev/vportNp1 in the guest), on
a real xend + xm +
xenith-vm booting the guest kit.

Usage: vcpu_e2e.py SCENARIO --xend PATH --xm PATH --vm PATH [--guest-build build.sh]
       vcpu_e2e.py --list
Exit 0 = pass, anything else = fail with the logs' tails.
"""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from toolstack_e2e import IDLE_MARKER, Failure, boot, idle_image, run_scenarios  # noqa: E402
from devices_e2e import login  # noqa: E402


def guest_online(run):
    """The guest's /sys/devices/system/cpu/online, read on its console."""
    text = run("echo ONLINE=$(cat /sys/devices/system/cpu/online)")
    found = re.findall(r"ONLINE=([0-9][0-9,-]*)", text)
    if not found:
        raise Failure("no ONLINE= line on the console")
    return found[-1]


def vcpu_states(host, name):
    """{vcpu: state} from `xm vcpu-list NAME` (state is r--, -b- or --p)."""
    table = host.xm("vcpu-list", name).stdout
    states = {}
    for line in table.splitlines()[1:]:
        fields = line.split()
        if len(fields) >= 6 and fields[0] == name:
            states[int(fields[2])] = fields[4]
    return states, table


def list_vcpus(host, name):
    for line in host.xm("list", name).stdout.splitlines()[1:]:
        fields = line.split()
        if fields and fields[0] == name:
            return int(fields[3])
    raise Failure("xm list has no row for %s" % name)


def expect_online(host, run, name, count, maxvcpus):
    want = "0" if count == 1 else "0-%d" % (count - 1)
    got = guest_online(run)
    if got != want:
        raise Failure("guest /sys/devices/system/cpu/online is %r, expected %r" % (got, want))
    # HSM state is what xenith-vm reports; a hart the guest just offlined parks within moments.
    deadline = time.time() + 10
    while True:
        states, table = vcpu_states(host, name)
        online = sorted(v for v, s in states.items() if s != "--p")
        if len(states) == maxvcpus and online == list(range(count)):
            break
        if time.time() > deadline:
            raise Failure("xm vcpu-list does not show vCPUs 0..%d online of %d:\n%s" % (count - 1, maxvcpus, table))
        time.sleep(0.25)
    if list_vcpus(host, name) != count:
        raise Failure("xm list shows %d VCPUs, expected %d" % (list_vcpus(host, name), count))


# ---- scenarios ------------------------------------------------------------------------

def vcpu_set_hotplug(host):
    """maxvcpus=4, vcpus=1: 1 online at boot; vcpu-set 4 then 2 shows in the guest and in
    xm vcpu-list / xm list; vcpu-set 5 and 0 fail with a message naming domain and limit."""
    host.start_xend()
    boot(host, "hot", lines=["maxvcpus = 4"])
    run, _ = login(host, "hot")
    expect_online(host, run, "hot", 1, 4)
    for count in (4, 2):
        result = host.xm("vcpu-set", "hot", str(count), check=False, timeout=120)
        if result.returncode != 0:
            raise Failure("xm vcpu-set hot %d failed: %s" % (count, result.stderr.strip()))
        expect_online(host, run, "hot", count, 4)
    result = host.xm("vcpu-set", "hot", "5", check=False)
    if result.returncode == 0 or "'hot'" not in result.stderr or "1..4" not in result.stderr:
        raise Failure("xm vcpu-set hot 5 gave %d: %r" % (result.returncode, result.stderr))
    result = host.xm("vcpu-set", "hot", "0", check=False)
    if result.returncode == 0:
        raise Failure("xm vcpu-set hot 0 succeeded")
    expect_online(host, run, "hot", 2, 4)


def vcpu_set_back_up_without_maxvcpus(host):
    """vcpus=2 and no maxvcpus: the maximum is 2, and stays 2 after vcpu-set 1 lowers vcpus."""
    host.start_xend()
    path = host.write_config("pair")
    with open(path) as f:
        text = f.read().replace("vcpus = 1", "vcpus = 2")
    with open(path, "w") as f:
        f.write(text)
    result = host.xm("create", "pair")
    if "Started domain pair" not in result.stdout:
        raise Failure("xm create printed %r" % result.stdout)
    run, _ = login(host, "pair")
    expect_online(host, run, "pair", 2, 2)
    for count in (1, 2):
        result = host.xm("vcpu-set", "pair", str(count), check=False)
        if result.returncode != 0:
            raise Failure("xm vcpu-set pair %d failed: %s" % (count, result.stderr.strip()))
        expect_online(host, run, "pair", count, 2)
    result = host.xm("vcpu-set", "pair", "3", check=False)
    if result.returncode == 0 or "1..2" not in result.stderr:
        raise Failure("xm vcpu-set pair 3 gave %d: %r" % (result.returncode, result.stderr))


def vcpu_set_without_agent(host):
    """A guest with no agent (a bare Image that idles): vcpu-set fails after 5 s, saying why.
    Meanwhile xend answers other clients: xm list at once, and a second operation on the same
    domain with a one-line "busy"."""
    host.start_xend()
    boot(host, "bare", image=idle_image(), lines=["maxvcpus = 2"])
    _, out = host.open_console("bare")
    host.console_wait(out, IDLE_MARKER, 60)
    started = time.time()
    pending = subprocess.Popen([host.args.xm, "vcpu-set", "bare", "2"], env=host.env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)  # the vcpu-set is now waiting on the guest
    listed_at = time.time()
    listed = host.xm("list", timeout=30)
    list_took = time.time() - listed_at
    busy = host.xm("pause", "bare", check=False, timeout=30)
    still_pending = pending.poll() is None
    stdout, stderr = pending.communicate(timeout=120)
    result = subprocess.CompletedProcess(pending.args, pending.returncode, stdout, stderr)
    took = time.time() - started
    if "bare" not in listed.stdout or list_took > 2.5:
        raise Failure("xm list during a pending vcpu-set took %.1f s and printed %r" % (list_took, listed.stdout))
    if not still_pending:
        raise Failure("vcpu-set had already finished when xm list was answered; the test proves nothing")
    if busy.returncode == 0 or "Domain 'bare' is busy: vcpu-set is in progress" not in busy.stderr:
        raise Failure("xm pause during a pending vcpu-set gave %d: %r" % (busy.returncode, busy.stderr))
    want = ("domain bare: no guest agent answered on virtio-console port org.xenith.agent within 5 s; "
            "vcpu-set needs the xenith guest agent")
    if result.returncode == 0 or want not in result.stderr:
        raise Failure("xm vcpu-set bare 2 gave %d: %r" % (result.returncode, result.stderr))
    if not 4.5 <= took <= 30:
        raise Failure("the refusal took %.1f s, expected about 5 s" % took)
    states, table = vcpu_states(host, "bare")
    if states.get(1) != "--p":
        raise Failure("vCPU 1 is not offline:\n" + table)


def hvc0_console_login_and_vcpu_set(host):
    """console=hvc0: the user on `xm console` gets hvc0's login prompt and shell (virtio-console
    port 0 is the guest's console, its input goes there), and vcpu-set still reaches the agent
    on the named port 1."""
    host.start_xend()
    boot(host, "pv0", lines=["maxvcpus = 2"], console="hvc0")
    run, _ = login(host, "pv0", console="hvc0")
    text = run("echo TTY=$(tty) ACTIVE=$(cat /sys/class/tty/console/active)"
               " PORTS=$(cat /sys/class/virtio-ports/*/name | tr '\\n' ,)")
    found = re.findall(r"TTY=(\S+) ACTIVE=(\S+) PORTS=(\S*)", text)
    if not found:
        raise Failure("no TTY=/ACTIVE= line on the console")
    tty, active, ports = found[-1]
    if tty != "/dev/hvc0" or active != "hvc0":
        raise Failure("the shell on xm console runs on %s with /dev/console %s, expected /dev/hvc0 and hvc0" % (tty, active))
    if "org.xenith.agent" not in ports.split(","):
        raise Failure("the guest's virtio-console ports are named %r, expected org.xenith.agent among them" % ports)
    expect_online(host, run, "pv0", 1, 2)
    result = host.xm("vcpu-set", "pv0", "2", check=False, timeout=120)
    if result.returncode != 0:
        raise Failure("xm vcpu-set pv0 2 failed: %s" % result.stderr.strip())
    expect_online(host, run, "pv0", 2, 2)


SCENARIOS = {f.__name__: f for f in [
    vcpu_set_hotplug,
    vcpu_set_back_up_without_maxvcpus,
    vcpu_set_without_agent,
    hvc0_console_login_and_vcpu_set,
]}


if __name__ == "__main__":
    sys.exit(run_scenarios(SCENARIOS, __doc__))
