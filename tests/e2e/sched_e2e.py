#!/usr/bin/env python3
"""End-to-end scheduling scenarios: cpus= and xm vcpu-pin on the vCPU threads' host affinity,
xm vcpu-list, cpu_weight/cap and xm sched-credit in the domain's real cpu cgroup.

Usage: sched_e2e.py SCENARIO --xend PATH --xm PATH --vm PATH [--guest-build build.sh]
       sched_e2e.py --list
Reuses toolstack_e2e.py's private-xend Host. Exit 0 = pass, 77 = skipped for the stated reason
(the cgroup scenarios need a writable cgroup cpu controller, i.e. root).
"""
import os
import re
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from toolstack_e2e import (BOOT_TIMEOUT, READY_MARKER, SKIP, Failure, boot, run_scenarios,  # noqa: E402
                           cgroup_parent_path, idle_image, reset_image,
                           _image, _print_words, IDLE_MARKER)

HOST_CPUS = os.cpu_count()
VCPU_LIST_HEADER = "Name                              ID  VCPU   CPU State   Time(s) CPU Affinity"
SCHED_CREDIT_HEADER = "Name                              ID Weight Cap "


class Skip(Exception):
    pass


def vcpu_threads(pid):
    """{vcpu number: tid} of a xenith-vm, from the thread names it gives them (vcpuN)."""
    threads = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
            m = re.fullmatch(r"vcpu(\d+)", f.read().strip())
        if m:
            threads[int(m.group(1))] = int(tid)
    return threads


def allowed_list(pid, tid):
    with open("/proc/%d/task/%d/status" % (pid, tid)) as f:
        for line in f:
            if line.startswith("Cpus_allowed_list:"):
                return line.split(":", 1)[1].strip()
    raise Failure("no Cpus_allowed_list for thread %d" % tid)


def expect_affinity(pid, expected):
    threads = vcpu_threads(pid)
    got = {v: allowed_list(pid, tid) for v, tid in threads.items()}
    if got != expected:
        raise Failure("vCPU thread affinity (Cpus_allowed_list) is %r, expected %r" % (got, expected))


def vcpu_rows(host, name):
    out = host.xm("vcpu-list", name).stdout.splitlines()
    if out[0] != VCPU_LIST_HEADER:
        raise Failure("xm vcpu-list header is %r" % out[0])
    rows = []
    for line in out[1:]:
        # Xen 3.x: '%-32s %3d %5d %5s %5s  %8.1f %s'
        m = re.fullmatch(r"(.{32}) +(\d+) +(\d+) +(\d+|-) +([r-][b-]-|--p)  +(\d+\.\d) (.+)", line)
        if not m or m.group(1).strip() != name:
            raise Failure("xm vcpu-list row not in Xen's format: %r" % line)
        rows.append({"vcpu": int(m.group(3)), "cpu": m.group(4), "state": m.group(5), "affinity": m.group(7)})
    return rows


def cpu_range(cpus):
    return "0" if cpus == 1 else "0-%d" % (cpus - 1)


def ranges(cpus):
    """[0, 1, 2, 5] -> "0-2,5", as /proc's Cpus_allowed_list prints a set."""
    out, cpus = [], sorted(cpus)
    i = 0
    while i < len(cpus):
        j = i
        while j + 1 < len(cpus) and cpus[j + 1] == cpus[j] + 1:
            j += 1
        out.append(str(cpus[i]) if i == j else "%d-%d" % (cpus[i], cpus[j]))
        i = j + 1
    return ",".join(out)


def cgroup_file(path, name):
    with open(os.path.join(path, name)) as f:
        return f.read().strip()


def require_cgroups(host):
    """The domain cgroups' parent, or Skip with xm's reason when cgroups are not writable."""
    proc = host.xm("sched-credit", check=False)
    if proc.returncode != 0:
        raise Skip("cgroups are not writable here: " + proc.stderr.strip())
    return cgroup_parent_path(host.env["XENITH_CGROUP_PARENT"])


# ---- scenarios ------------------------------------------------------------------------

def pin_and_vcpu_list(host):
    """A 2-vCPU Linux guest with cpus = "1": both vCPU threads on CPU 1; xm vcpu-pin moves one;
    xm vcpu-list shows states, times and affinities in Xen's format."""
    if HOST_CPUS < 2:
        raise Skip("needs a host with 2 CPUs, this one has %d" % HOST_CPUS)
    host.start_xend()
    boot(host, "pinned", lines=['vcpus = 2', 'cpus = "1"'])
    d = host.domain("pinned")
    pid = d["pid"]
    log = os.path.join(host.log_dir, "console", "pinned.log")
    host.wait_for("the boot marker in " + log,
                  lambda: os.path.exists(log) and READY_MARKER in open(log, errors="replace").read(), BOOT_TIMEOUT)
    if sorted(vcpu_threads(pid)) != [0, 1]:
        raise Failure("xenith-vm %d has vCPU threads %r, expected vcpu0 and vcpu1" % (pid, vcpu_threads(pid)))
    expect_affinity(pid, {0: "1", 1: "1"})
    rows = vcpu_rows(host, "pinned")
    if [r["affinity"] for r in rows] != ["1", "1"] or [r["vcpu"] for r in rows] != [0, 1]:
        raise Failure("xm vcpu-list after cpus = \"1\": %r" % rows)
    for r in rows:
        # Online (Linux brought both up), so a CPU number and r or b or neither, never --p.
        if r["state"] == "--p" or r["cpu"] == "-":
            raise Failure("vCPU %d listed offline after boot: %r" % (r["vcpu"], r))
        if r["cpu"] != "1":
            raise Failure("vCPU %d last ran on CPU %s, outside its affinity 1" % (r["vcpu"], r["cpu"]))

    host.xm("vcpu-pin", "pinned", "0", "0")
    expect_affinity(pid, {0: "0", 1: "1"})
    if [r["affinity"] for r in vcpu_rows(host, "pinned")] != ["0", "1"]:
        raise Failure("xm vcpu-list after vcpu-pin pinned 0 0: %r" % vcpu_rows(host, "pinned"))

    # Xen's spellings: "all", and a range with an exclusion.
    host.xm("vcpu-pin", "pinned", "1", "all")
    # Every CPU this process may use (all of the host's, unless a cpuset restricts the test).
    expect_affinity(pid, {0: "0", 1: ranges(os.sched_getaffinity(0))})
    if vcpu_rows(host, "pinned")[1]["affinity"] != "any cpu":
        raise Failure("a vCPU pinned to all CPUs is not listed as 'any cpu': %r" % vcpu_rows(host, "pinned"))
    host.xm("vcpu-pin", "pinned", "all", "0-%d,^0" % (HOST_CPUS - 1))
    expected = ranges(set(range(1, HOST_CPUS)) & os.sched_getaffinity(0))
    expect_affinity(pid, {0: expected, 1: expected})

    # Errors: one line each, naming what is wrong.
    bad = host.xm("vcpu-pin", "pinned", "0", str(HOST_CPUS), check=False)
    want = "Error: vcpu-pin: CPU %d does not exist: this host has %d CPUs (%s)\n" % (HOST_CPUS, HOST_CPUS, cpu_range(HOST_CPUS))
    if bad.returncode == 0 or bad.stderr != want:
        raise Failure("xm vcpu-pin to a CPU the host lacks: %d %r, expected %r" % (bad.returncode, bad.stderr, want))
    bad = host.xm("vcpu-pin", "pinned", "0", "0-x", check=False)
    if bad.returncode == 0 or "vcpu-pin: \"0-x\" is not a CPU list" not in bad.stderr or bad.stderr.count("\n") != 1:
        raise Failure("xm vcpu-pin with a bad CPU list: %d %r" % (bad.returncode, bad.stderr))
    bad = host.xm("vcpu-pin", "pinned", "2", "0", check=False)
    if bad.returncode == 0 or "has no VCPU 2" not in bad.stderr:
        raise Failure("xm vcpu-pin to a VCPU the domain lacks: %d %r" % (bad.returncode, bad.stderr))
    expect_affinity(pid, {0: expected, 1: expected})  # failed pins changed nothing

    # A config naming a CPU the host lacks is refused at create, naming the key and the count.
    host.write_config("toomany", lines=['cpus = "0,%d"' % HOST_CPUS])
    bad = host.xm("create", "toomany", check=False)
    want = "cpus: CPU %d does not exist: this host has %d CPUs" % (HOST_CPUS, HOST_CPUS)
    if bad.returncode == 0 or want not in bad.stderr:
        raise Failure("xm create with cpus beyond the host: %d %r" % (bad.returncode, bad.stderr))
    if host.domain("toomany"):
        raise Failure("a domain with an impossible cpus= was started")


def per_vcpu_cpus_list(host):
    """xl's list form cpus = ["1", "0"]: vCPU 0's thread on CPU 1, vCPU 1's on CPU 0 (each its
    own set, not one merged set)."""
    if HOST_CPUS < 2:
        raise Skip("needs a host with 2 CPUs, this one has %d" % HOST_CPUS)
    host.start_xend()
    out = boot(host, "perv", lines=['vcpus = 2', 'cpus = ["1", "0"]'], image=idle_image())
    if "merged" in out.stderr:
        raise Failure("xm create still merges the per-vCPU lists: %r" % out.stderr)
    pid = host.domain("perv")["pid"]
    host.wait_for("vcpu0 and vcpu1 threads", lambda: sorted(vcpu_threads(pid)) == [0, 1], 30)
    expect_affinity(pid, {0: "1", 1: "0"})
    rows = vcpu_rows(host, "perv")
    if [r["affinity"] for r in rows] != ["1", "0"]:
        raise Failure("xm vcpu-list after cpus = [\"1\", \"0\"]: %r" % rows)
    host.xm("destroy", "perv")


def credit_in_real_cgroup(host):
    """cpu_weight/cap from the config and xm sched-credit -d D -w 512 -c 50 land in the
    domain's cgroup files; xm sched-credit lists Xen's columns; destroy removes the cgroup."""
    host.start_xend()
    parent = require_cgroups(host)
    boot(host, "credited", lines=['vcpus = 2', 'cpu_weight = 128', 'cap = 25'], image=idle_image())
    d = host.domain("credited")
    pid = d["pid"]
    path = os.path.join(parent, "credited")
    v2 = os.path.exists(os.path.join(parent, "cgroup.controllers"))

    def expect(weight_file, cap_text):
        if v2:
            got = (cgroup_file(path, "cpu.weight"), cgroup_file(path, "cpu.max"))
        else:
            got = (cgroup_file(path, "cpu.shares"),
                   "%s %s" % (cgroup_file(path, "cpu.cfs_quota_us"), cgroup_file(path, "cpu.cfs_period_us")))
        if got != (weight_file, cap_text):
            raise Failure("%s holds %r, expected %r" % (path, got, (weight_file, cap_text)))

    expect("50", "25000 100000") if v2 else expect("512", "25000 100000")
    # The whole process is in it: every thread, vCPUs included.
    procs = cgroup_file(path, "cgroup.procs").split()
    if str(pid) not in procs:
        raise Failure("xenith-vm %d is not in %s/cgroup.procs (%r)" % (pid, path, procs))
    with open("/proc/%d/cgroup" % pid) as f:
        own = "/%s/credited" % host.env["XENITH_CGROUP_PARENT"]
        if not any(line.rstrip("\n").endswith(":" + own) for line in f):
            raise Failure("/proc/%d/cgroup does not name %s" % (pid, own))

    host.xm("sched-credit", "-d", "credited", "-w", "512", "-c", "50")
    expect("200", "50000 100000") if v2 else expect("2048", "50000 100000")
    out = host.xm("sched-credit", "-d", "credited").stdout
    want = SCHED_CREDIT_HEADER + "\n" + "%-32s %3d %6d %4d\n" % ("credited", d["id"], 512, 50)
    if out != want:
        raise Failure("xm sched-credit -d credited printed %r, expected %r" % (out, want))
    listing = host.xm("sched-credit").stdout.splitlines()
    if listing[0] != SCHED_CREDIT_HEADER or not listing[1].startswith("Domain-0 ") \
            or listing[2] != "%-32s %3d %6d %4d" % ("credited", d["id"], 512, 50):
        raise Failure("xm sched-credit listing:\n" + "\n".join(listing))
    # Only one knob: the other keeps its value.
    host.xm("sched-credit", "-d", "credited", "-c", "0")
    expect("200", "max 100000") if v2 else expect("2048", "-1 100000")
    bad = host.xm("sched-credit", "-d", "credited", "-c", "250", check=False)
    if bad.returncode == 0 or "cap 250 is more than domain 'credited' can use: 2 VCPUs are at most 200" not in bad.stderr:
        raise Failure("a cap above 100 per VCPU: %d %r" % (bad.returncode, bad.stderr))
    bad = host.xm("sched-credit", "-w", "512", check=False)
    if bad.returncode == 0 or not bad.stderr.startswith("Error: No domain given."):
        raise Failure("xm sched-credit -w without -d: %d %r" % (bad.returncode, bad.stderr))

    # xm rename takes the cgroup along.
    host.xm("rename", "credited", "credited2")
    moved = os.path.join(parent, "credited2")
    if os.path.exists(path) or str(pid) not in cgroup_file(moved, "cgroup.procs").split():
        raise Failure("after xm rename, xenith-vm %d is not in %s" % (pid, moved))
    host.xm("rename", "credited2", "credited")

    # Re-adopted by a restarted xend, and still removed when it is destroyed.
    host.kill9_xend()
    host.start_xend()
    out = host.xm("sched-credit", "-d", "credited").stdout
    if "%6d %4d" % (512, 0) not in out:
        raise Failure("after xend restart, xm sched-credit -d credited printed %r" % out)
    host.xm("destroy", "credited")
    if os.path.exists(path):
        raise Failure("%s is still there after xm destroy" % path)

    # A domain that ends by itself (SBI shutdown right after it starts) loses its cgroup too.
    boot(host, "brief", lines=['cpu_weight = 1024'], image=reset_image(0, 0))
    host.wait_for("brief to power off", lambda: host.domain("brief") is None, 60)
    brief = os.path.join(parent, "brief")
    if os.path.exists(brief):
        raise Failure("%s is still there after the domain powered off" % brief)


def process_cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def cap_throttles_a_busy_guest(host):
    """cap = 25 holds a guest spinning in a loop to a quarter of one CPU: the kernel throttles
    its cgroup (cpu.stat nr_throttled) and its process gets no more CPU time than that."""
    host.start_xend()
    parent = require_cgroups(host)
    spin = _image(_print_words(IDLE_MARKER + "\n") + [0x0000006F])  # then j . forever
    boot(host, "spinner", lines=['cap = 25'], image=spin)
    pid = host.domain("spinner")["pid"]
    time.sleep(0.5)
    start = process_cpu_seconds(pid)
    time.sleep(4)
    used = process_cpu_seconds(pid) - start
    # 25% of 4 s is 1 s; the allowance covers one period's slack and tick accounting.
    if used > 1.3:
        raise Failure("a guest capped at 25%% used %.2f s of CPU in 4 s" % used)
    stat = dict(line.split() for line in cgroup_file(os.path.join(parent, "spinner"), "cpu.stat").splitlines())
    if int(stat.get("nr_throttled", 0)) == 0:
        raise Failure("the kernel never throttled spinner's cgroup: cpu.stat %r" % stat)
    # Lifting the cap lets it run: no more throttling from here on.
    host.xm("sched-credit", "-d", "spinner", "-c", "0")
    print("spinner: %.2f s of CPU in 4 s under cap 25, nr_throttled %s" % (used, stat["nr_throttled"]))


def credit_without_cgroups(host):
    """Where there is no usable cpu controller (here: XENITH_CGROUP_ROOT is an empty directory),
    domains still run, xend says so once, and xm sched-credit fails with one line naming it."""
    empty = tempfile.mkdtemp(prefix="xenith-nocgroup-")
    try:
        host.env["XENITH_CGROUP_ROOT"] = empty
        host.start_xend()
        boot(host, "plain", lines=['cpu_weight = 512', 'cap = 50'], image=idle_image())
        boot(host, "plain2", image=idle_image())
        if not host.domain("plain") or not host.domain("plain2"):
            raise Failure("domains did not start without cgroups")
        reason = "no cgroup cpu controller under %s" % empty
        for argv in (("sched-credit",), ("sched-credit", "-d", "plain"), ("sched-credit", "-d", "plain", "-w", "512")):
            proc = host.xm(*argv, check=False)
            if proc.returncode == 0 or not proc.stderr.startswith("Error: ") or reason not in proc.stderr \
                    or proc.stderr.count("\n") != 1:
                raise Failure("xm %s without cgroups: %d %r" % (" ".join(argv), proc.returncode, proc.stderr))
        said = host.xend_log().count(reason)
        if said != 1:
            raise Failure("xend's log names the missing cgroup controller %d times, expected once" % said)
        # vcpu-pin does not need cgroups.
        host.xm("vcpu-pin", "plain", "0", "0")
        if vcpu_rows(host, "plain")[0]["affinity"] != ("any cpu" if HOST_CPUS == 1 else "0"):
            raise Failure("xm vcpu-pin without cgroups: %r" % vcpu_rows(host, "plain"))
    finally:
        shutil.rmtree(empty, ignore_errors=True)


def skippable(scenario):
    """Turns a Skip raised inside `scenario` into the shared runner's SKIP, saying why."""
    def run(host):
        try:
            return scenario(host)
        except Skip as e:
            print("SKIP %s: %s" % (scenario.__name__, e))
            return SKIP
    run.__name__ = scenario.__name__
    return run


SCENARIOS = {f.__name__: skippable(f) for f in [pin_and_vcpu_list, per_vcpu_cpus_list, credit_in_real_cgroup, cap_throttles_a_busy_guest,
                                                credit_without_cgroups]}


if __name__ == "__main__":
    sys.exit(run_scenarios(SCENARIOS, __doc__))
