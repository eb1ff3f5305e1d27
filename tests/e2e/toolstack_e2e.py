#!/usr/bin/env python3
"""End-to-end toolstack scenarios: xend + xm + xenith-vm + the guest kit, in a temp dir.

Usage: toolstack_e2e.py SCENARIO --xend PATH --xm PATH --vm PATH [--guest-build build.sh]
       toolstack_e2e.py --list
Each scenario starts its own `xend --foreground` with XENITH_{CONFIG,STATE,RUN,LOG}_DIR in a
fresh mktemp directory, writes a domain config in the seed's syntax, and drives it with xm.
Exit status 0 = pass; otherwise the failure and the tail of the logs are printed.
"""
import argparse
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

BOOT_TIMEOUT = float(os.environ.get("XENITH_E2E_BOOT_TIMEOUT", "240"))
READY_MARKER = "xenith-guest: ready"


class Failure(Exception):
    pass


# ---- tiny guests: real RISC-V Images for the real engine, so the toolstack's lifecycle can be
# tested without Linux. Each is a 64-byte Linux Image header followed by a few instructions.
IDLE_MARKER = "xenith-tiny: up"


def _image(words):
    code = b"".join(struct.pack("<I", w) for w in words)
    size = 64 + len(code)
    # code0 = j +64 (over the header); text_offset 2 MiB; image_size; magics at 0x30 and 0x38.
    header = struct.pack("<IIQQQIIQ", 0x0400006F, 0, 0x200000, size, 0, 0, 0, 0)
    header += b"RISCV\0\0\0" + b"RSC\x05" + b"\0\0\0\0"
    return header + code


def _print_words(text):
    # SBI legacy console_putchar (EID 1): a7 = 1, a0 = char, ecall.
    words = [0x00100893]
    for ch in text.encode():
        words += [(ch << 20) | 0x513, 0x00000073]
    return words


WFI_LOOP = [0x10500073, 0xFFDFF06F]  # wfi; j .-4


def idle_image():
    """Prints IDLE_MARKER on the console, then idles in wfi forever."""
    return _image(_print_words(IDLE_MARKER + "\n") + WFI_LOOP)


def reset_image(reset_type, reason):
    """Prints IDLE_MARKER, then asks for an SBI system reset (SRST): type 0 shutdown, 1 cold
    reboot; reason 0 none, 1 system failure (a crash)."""
    srst = [0x535258B7, 0x35488893, 0x00000813,  # a7 = 0x53525354 ("SRST"), a6 = 0
            (reset_type << 20) | 0x513, (reason << 20) | 0x593, 0x00000073]
    return _image(_print_words(IDLE_MARKER + "\n") + srst + WFI_LOOP)


def guest_dir(build_sh):
    """The guest kit: $XENITH_GUEST_DIR, the cache's current kit, or build.sh --print-dir."""
    explicit = os.environ.get("XENITH_GUEST_DIR")
    if explicit:
        return explicit
    cache = os.environ.get("XENITH_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "xenith")
    current = os.path.join(cache, "guest", "current")
    if os.path.exists(os.path.join(current, "Image")):
        return current
    if build_sh and os.path.exists(build_sh):
        out = subprocess.run([build_sh, "--print-dir"], stdout=subprocess.PIPE, text=True)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    raise Failure("guest kit not found: set XENITH_GUEST_DIR or run tools/guest/build.sh")


class Host:
    """A private xend in a temporary directory."""

    def __init__(self, args):
        self.args = args
        self.root = tempfile.mkdtemp(prefix="xenith-e2e-")
        self.env = dict(os.environ)
        for name in ("CONFIG", "STATE", "RUN", "LOG"):
            path = os.path.join(self.root, name.lower())
            os.makedirs(path, exist_ok=True)
            self.env["XENITH_%s_DIR" % name] = path
        self.env["XENITH_VM_BINARY"] = args.vm
        # Each test's xend keeps its domains' cpu cgroups apart from any other xend's.
        self.env["XENITH_CGROUP_PARENT"] = "xenith-e2e/" + os.path.basename(self.root)
        self.config_dir = self.env["XENITH_CONFIG_DIR"]
        self.log_dir = self.env["XENITH_LOG_DIR"]
        self.xend = None
        self.xend_out = None
        self.consoles = []

    # --- xend
    def start_xend(self):
        self.xend_out = open(os.path.join(self.root, "xend.stderr"), "ab")
        self.xend = subprocess.Popen([self.args.xend, "--foreground"], env=self.env,
                                     stdout=self.xend_out, stderr=self.xend_out)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.xend.poll() is not None:
                raise Failure("xend exited with %d at start-up" % self.xend.returncode)
            if self.xm("list", check=False).returncode == 0:
                return
            time.sleep(0.1)
        raise Failure("xend did not answer within 20 s")

    def kill9_xend(self):
        self.xend.send_signal(signal.SIGKILL)
        self.xend.wait()

    def stop_xend(self):
        if self.xend and self.xend.poll() is None:
            self.xend.send_signal(signal.SIGTERM)
            try:
                self.xend.wait(10)
            except subprocess.TimeoutExpired:
                self.xend.kill()
                self.xend.wait()

    # --- xm
    def xm(self, *argv, check=True, timeout=120, input=None):
        proc = subprocess.run([self.args.xm, *argv], env=self.env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=timeout, input=input)
        if check and proc.returncode != 0:
            raise Failure("xm %s failed (%d): %s" % (" ".join(argv), proc.returncode, proc.stderr.strip()))
        return proc

    def domains(self):
        return json.loads(self.xm("list", "-l").stdout)

    def domain(self, name):
        for d in self.domains():
            if d["name"] == name:
                return d
        return None

    def wait_for(self, what, predicate, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.25)
        raise Failure("timed out after %.0f s waiting for %s" % (timeout, what))

    # --- configs and consoles
    def write_config(self, name, extra="", lines=(), image=None, console="ttyS0"):
        """A config in the seed's syntax: the guest kit's Linux, or a tiny `image`; `console`
        is the guest's console= (ttyS0, the UART, or hvc0, virtio-console port 0)."""
        if image is None:
            kit = guest_dir(self.args.guest_build)
            boot = ["kernel = \"%s/Image\"" % kit, "ramdisk = \"%s/initramfs.cpio.gz\"" % kit]
        else:
            path = os.path.join(self.root, "%s.Image" % name)
            with open(path, "wb") as f:
                f.write(image)
            boot = ["kernel = \"%s\"" % path]
        text = "\n".join([
            "# %s: written by the e2e test, in the seed's syntax" % name,
            *boot,
            "memory = 128",
            "name = \"%s\"" % name,
            "vcpus = 1",
            "extra = \"console=%s %s\"" % (console, extra),
            *lines,
            "",
        ])
        path = os.path.join(self.config_dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def open_console(self, name):
        """`xm console NAME` with pipes; returns the process. Its output collects in a file."""
        out = open(os.path.join(self.root, "console-%s-%d.out" % (name, len(self.consoles))), "w+b")
        proc = subprocess.Popen([self.args.xm, "console", name], env=self.env, stdin=subprocess.PIPE,
                                stdout=out, stderr=subprocess.STDOUT)
        self.consoles.append((proc, out))
        return proc, out

    def console_wait(self, out, text, timeout):
        def seen():
            out.flush()
            with open(out.name, "rb") as f:
                return text.encode() in f.read()
        self.wait_for("%r on the console" % text, seen, timeout)

    def xend_log(self):
        try:
            with open(os.path.join(self.log_dir, "xend.log")) as f:
                return f.read()
        except OSError:
            return ""

    def dump(self):
        print("---- xend.log (tail)")
        print("\n".join(self.xend_log().splitlines()[-40:]))
        for root, _, files in os.walk(self.log_dir):
            for name in files:
                if name != "xend.log":
                    path = os.path.join(root, name)
                    with open(path, errors="replace") as f:
                        print("---- %s (tail)" % path)
                        print("\n".join(f.read().splitlines()[-25:]))

    def cleanup(self):
        for proc, out in self.consoles:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            out.close()
        # Domains outlive xend by design: destroy them before xend goes.
        if self.xend and self.xend.poll() is None:
            for d in self.domains_quiet():
                if d.get("id"):
                    self.xm("destroy", d["name"], check=False)
        self.stop_xend()
        if self.xend_out:
            self.xend_out.close()
        # Any xenith-vm left (xend could not destroy it) is killed through the run dir records.
        run_domains = os.path.join(self.env["XENITH_RUN_DIR"], "domains")
        if os.path.isdir(run_domains):
            for name in os.listdir(run_domains):
                if name.endswith(".json"):
                    try:
                        with open(os.path.join(run_domains, name)) as f:
                            pid = json.load(f).get("vm_pid")
                        if pid:
                            os.kill(pid, signal.SIGKILL)
                    except (OSError, ValueError):
                        pass
        remove_cgroup_parent(self.env["XENITH_CGROUP_PARENT"])
        shutil.rmtree(self.root, ignore_errors=True)

    def domains_quiet(self):
        try:
            return self.domains()
        except Exception:
            return []


CGROUP_ROOT = "/sys/fs/cgroup"


def cgroup_parent_path(parent, root=CGROUP_ROOT):
    """Where xend puts the parent cgroup: ROOT/PARENT on cgroup v2, ROOT/cpu/PARENT on v1."""
    if os.path.exists(os.path.join(root, "cgroup.controllers")):
        return os.path.join(root, parent)
    return os.path.join(root, "cpu", parent)


def remove_cgroup_parent(parent):
    """rmdir the test's parent cgroup, its emptied domain cgroups and the shared xenith-e2e."""
    path = cgroup_parent_path(parent)
    if not os.path.isdir(path):
        return
    for name in os.listdir(path):
        if os.path.isdir(os.path.join(path, name)):
            try:
                os.rmdir(os.path.join(path, name))
            except OSError:
                pass
    for dir in (path, os.path.dirname(path)):
        try:
            os.rmdir(dir)
        except OSError:
            pass


def boot(host, name, extra="", lines=(), image=None, console="ttyS0"):
    host.write_config(name, extra, lines, image, console)
    out = host.xm("create", name)
    if "Started domain %s" % name not in out.stdout:
        raise Failure("xm create printed %r" % out.stdout)
    return out


# ---- scenarios ------------------------------------------------------------------------

def create_list_console_shutdown(host):
    host.start_xend()
    boot(host, "e2e1")
    d = host.domain("e2e1")
    if not d or d["id"] is None or d["id"] < 1:
        raise Failure("xm list does not show e2e1 with an id: %r" % d)
    table = host.xm("list").stdout
    if not any(line.startswith("e2e1 ") for line in table.splitlines()):
        raise Failure("xm list table has no e2e1 row:\n" + table)
    proc, out = host.open_console("e2e1")
    host.console_wait(out, READY_MARKER, BOOT_TIMEOUT)
    host.console_wait(out, "(/dev/ttyS0)", 60)  # typing goes to ttyS0; hvc0's prompt may come first
    proc.stdin.write(b"\n")
    proc.stdin.flush()
    host.console_wait(out, "login:", 60)
    proc.stdin.write(b"root\n")
    proc.stdin.flush()
    host.console_wait(out, "# ", 60)
    proc.stdin.write(b"echo shell-$((6*7))\n")
    proc.stdin.flush()
    host.console_wait(out, "shell-42", 60)
    host.xm("shutdown", "-w", "e2e1", timeout=180)
    if host.domain("e2e1"):
        raise Failure("e2e1 still listed after xm shutdown -w")
    if proc.wait(30) != 0:
        raise Failure("xm console exited with %d when the domain went away" % proc.returncode)


def reboot_restarts_the_guest(host):
    """xm reboot -w: the guest powers off cleanly on its power key, xend carries out
    on_reboot = restart, and the domain boots again under a new id (as in Xen)."""
    host.start_xend()
    boot(host, "rb1")
    log = os.path.join(host.log_dir, "console", "rb1.log")
    markers = lambda: open(log, errors="replace").read().count(READY_MARKER) if os.path.exists(log) else 0
    host.wait_for("the boot marker in " + log, lambda: markers() == 1, BOOT_TIMEOUT)
    first = host.domain("rb1")["id"]
    host.xm("reboot", "-w", "rb1", timeout=180)
    host.wait_for("rb1 to come back", lambda: (host.domain("rb1") or {}).get("id") not in (None, first), 60)
    host.wait_for("a second boot marker in " + log, lambda: markers() == 2, BOOT_TIMEOUT)
    text = open(log, errors="replace").read()
    if "reboot: Power down" not in text:
        raise Failure("the guest did not shut down cleanly before the restart:\n" + text[-2000:])
    host.xm("destroy", "rb1")


def console_history_for_late_client(host):
    host.start_xend()
    boot(host, "late")
    # Nobody attached while it boots; the console log fills regardless.
    log = os.path.join(host.log_dir, "console", "late.log")
    host.wait_for("the boot marker in " + log,
                  lambda: os.path.exists(log) and READY_MARKER in open(log, errors="replace").read(), BOOT_TIMEOUT)
    proc, out = host.open_console("late")
    host.console_wait(out, READY_MARKER, 10)
    proc.stdin.write(b"\x1d")  # Ctrl-] detaches
    proc.stdin.flush()
    if proc.wait(10) != 0:
        raise Failure("xm console did not detach cleanly on Ctrl-]")
    if not host.domain("late"):
        raise Failure("detaching the console stopped the domain")


def crash_carries_out_on_crash(host):
    host.start_xend()
    boot(host, "crashy", extra="xenith.test=panic", lines=['on_crash = "preserve"'])
    d = host.wait_for("crashy to be listed as crashed",
                      lambda: (lambda d: d if d and "c" in d["state"] else None)(host.domain("crashy")), BOOT_TIMEOUT)
    if "on_crash=preserve" not in host.xend_log():
        raise Failure("xend log does not say it carried out on_crash=preserve")
    host.xm("destroy", "crashy")
    if host.domain("crashy"):
        raise Failure("crashed domain still listed after xm destroy")
    # And with the default on_crash=destroy the domain disappears by itself.
    boot(host, "crashy2", extra="xenith.test=panic")
    host.wait_for("crashy2 to be destroyed on crash", lambda: host.domain("crashy2") is None, BOOT_TIMEOUT)
    if "crashy2: carrying out on_crash=destroy" not in host.xend_log():
        raise Failure("xend log does not say it carried out on_crash=destroy for crashy2")


def xend_kill9_restart_readopts(host):
    host.start_xend()
    boot(host, "survivor")
    before = host.domain("survivor")
    proc, out = host.open_console("survivor")
    host.console_wait(out, READY_MARKER, BOOT_TIMEOUT)
    host.kill9_xend()
    os.kill(before["pid"], 0)  # the domain's process is still there
    host.start_xend()
    after = host.domain("survivor")
    if not after or after["id"] != before["id"]:
        raise Failure("after xend restart: %r, before: %r" % (after, before))
    if "re-adopted" not in host.xend_log():
        raise Failure("xend log does not mention re-adopting survivor")
    # Still controllable: pause, unpause, then destroy through the new xend.
    host.xm("pause", "survivor")
    if "p" not in host.domain("survivor")["state"]:
        raise Failure("pause after re-adoption did not take")
    host.xm("unpause", "survivor")
    host.xm("destroy", "survivor")
    if host.domain("survivor"):
        raise Failure("survivor still listed after destroy")
    # A new domain gets a higher id than the re-adopted one had.
    boot(host, "next")
    if host.domain("next")["id"] <= before["id"]:
        raise Failure("domain ids went backwards after xend restart")


def autostart_from_auto_dir(host):
    host.write_config("autodom")
    host.write_config("broken")
    with open(os.path.join(host.config_dir, "broken"), "a") as f:
        f.write("memory = \"lots\"\n")
    os.makedirs(os.path.join(host.config_dir, "auto"))
    os.symlink("../autodom", os.path.join(host.config_dir, "auto", "autodom"))
    os.symlink("../broken", os.path.join(host.config_dir, "auto", "broken"))
    host.start_xend()
    if not host.domain("autodom"):
        raise Failure("auto/autodom was not started")
    # The start completes (and is logged) asynchronously, after the domain is listed.
    try:
        host.wait_for("the xend log to say why autodom was started",
                      lambda: "auto/autodom: started autodom" in host.xend_log(), 30)
    except Failure:
        raise Failure("xend log does not say why autodom was started")
    log = host.xend_log()
    if "auto/broken: not started" not in log:
        raise Failure("xend log does not say why broken was not started")
    if host.domain("broken"):
        raise Failure("broken config was started")


def two_clients_at_once(host):
    host.start_xend()
    boot(host, "pair")
    a, out_a = host.open_console("pair")
    b, out_b = host.open_console("pair")
    host.console_wait(out_a, READY_MARKER, BOOT_TIMEOUT)
    host.console_wait(out_b, READY_MARKER, 10)
    # Two xm commands in parallel against the same xend.
    procs = [subprocess.Popen([host.args.xm, "list", "pair"], env=host.env, stdout=subprocess.PIPE, text=True)
             for _ in range(4)]
    for p in procs:
        if p.wait(30) != 0 or "pair" not in p.stdout.read():
            raise Failure("a concurrent xm list failed")
    # Input from one client reaches the guest; both see the echo. The kit's root has no password.
    a.stdin.write(b"\n")
    a.stdin.flush()
    host.console_wait(out_a, "login:", 60)
    a.stdin.write(b"root\n")
    a.stdin.flush()
    host.console_wait(out_a, "# ", 60)
    a.stdin.write(b"echo two-clients-$((40+2))\n")
    a.stdin.flush()
    host.console_wait(out_a, "two-clients-42", 60)
    host.console_wait(out_b, "two-clients-42", 10)


def destroy_removes_domain(host):
    host.start_xend()
    boot(host, "victim")
    pid = host.domain("victim")["pid"]
    host.xm("destroy", "victim")
    if host.domain("victim"):
        raise Failure("victim still listed after destroy")
    try:
        os.kill(pid, 0)
        raise Failure("xenith-vm pid %d still alive after destroy" % pid)
    except ProcessLookupError:
        pass


def managed_new_start_delete(host):
    host.write_config("kept")
    host.start_xend()
    host.xm("new", "kept")
    d = host.domain("kept")
    if not d or d["id"] is not None:
        raise Failure("xm new should list kept without an id: %r" % d)
    host.stop_xend()
    host.start_xend()
    if not host.domain("kept"):
        raise Failure("managed domain lost across an xend restart")
    host.xm("start", "kept")
    if host.domain("kept")["id"] is None:
        raise Failure("xm start did not give kept an id")
    host.xm("destroy", "kept")
    d = host.domain("kept")
    if not d or d["id"] is not None:
        raise Failure("destroyed managed domain should stay defined: %r" % d)
    host.xm("delete", "kept")
    if host.domain("kept"):
        raise Failure("xm delete left kept listed")


def golden_list_and_info(host):
    host.start_xend()
    lines = host.xm("list").stdout.splitlines()
    if lines[0] != "Name                                      ID Mem(MiB) VCPUs State  Time(s)":
        raise Failure("xm list header: %r" % lines[0])
    if not lines[1].startswith("Domain-0                                   0 ") or lines[1][60:66] != "r-----":
        raise Failure("xm list Domain-0 row: %r" % lines[1])
    info = host.xm("info").stdout
    keys = [line.split(":", 1)[0] for line in info.splitlines()]
    for key in ("host", "nr_cpus", "hw_caps", "virt_caps", "total_memory", "free_memory"):
        if key.ljust(23) not in keys:
            raise Failure("xm info lacks %s:\n%s" % (key, info))
    virt_caps = [line for line in info.splitlines() if line.startswith("virt_caps")][0]
    if virt_caps.split(":", 1)[1].split() != ["riscv-interp"]:
        raise Failure("virt_caps wrong for this host: %r" % virt_caps)
    flags = open("/proc/cpuinfo").read().split("flags", 1)[1].split("\n", 1)[0].split()
    hw_caps = [line for line in info.splitlines() if line.startswith("hw_caps")][0].split(":", 1)[1].split()
    if hw_caps != [f for f in ("pae", "vmx", "svm", "lm") if f in flags]:
        raise Failure("hw_caps %r does not match /proc/cpuinfo" % hw_caps)


def shutdown_right_after_create(host):
    """xm shutdown -w as soon as xm create returns, long before the guest's acpid listens for
    the power key: the request stays pending (xenith-vm presses the key again every 2 s) and the
    guest powers off cleanly once it can, as Xen's shutdown works at any time."""
    host.start_xend()
    boot(host, "early")
    result = host.xm("shutdown", "-w", "early", check=False, timeout=BOOT_TIMEOUT + 120)
    if result.returncode != 0:
        raise Failure("xm shutdown -w early failed (%d): %s" % (result.returncode, result.stderr.strip()))
    if host.domain("early"):
        raise Failure("early still listed after xm shutdown -w")
    log = os.path.join(host.log_dir, "console", "early.log")
    text = open(log, errors="replace").read() if os.path.exists(log) else ""
    if READY_MARKER not in text or "reboot: Power down" not in text:
        raise Failure("the guest did not boot and then power off cleanly:\n" + text[-2000:])


def sysrq_reaches_the_guest_kernel(host):
    """xm sysrq D h: the guest agent writes the key to /proc/sysrq-trigger and the kernel's
    sysrq help line appears on the console; a key that is not one character is refused."""
    host.start_xend()
    boot(host, "rq")
    log = os.path.join(host.log_dir, "console", "rq.log")
    read_log = lambda: open(log, errors="replace").read() if os.path.exists(log) else ""
    host.wait_for("the boot marker in " + log, lambda: READY_MARKER in read_log(), BOOT_TIMEOUT)
    bad = host.xm("sysrq", "rq", "hs", check=False)
    if bad.returncode == 0 or "one character" not in bad.stderr or len(bad.stderr.strip().splitlines()) != 1:
        raise Failure("xm sysrq rq hs: expected a one-line refusal, got %d %r" % (bad.returncode, bad.stderr))
    # The agent starts with init, moments after the boot marker: retry while it is not there yet.
    deadline = time.time() + 60
    while True:
        result = host.xm("sysrq", "rq", "h", check=False, timeout=120)
        if result.returncode == 0:
            break
        if time.time() > deadline or "no guest agent answered" not in result.stderr:
            raise Failure("xm sysrq rq h failed (%d): %s" % (result.returncode, result.stderr.strip()))
        time.sleep(1)
    host.wait_for("the kernel's sysrq help line in " + log, lambda: "sysrq: HELP" in read_log(), 30)
    host.xm("sysrq", "rq", "w")
    host.wait_for("the kernel's show-blocked-state line in " + log, lambda: "sysrq: Show Blocked State" in read_log(), 30)
    host.xm("destroy", "rq")


def errors_are_one_line(host):
    host.start_xend()
    cases = [
        (("list", "nosuch"), "Error: Domain 'nosuch' does not exist."),
        (("destroy", "nosuch"), "Error: Domain 'nosuch' does not exist."),
        (("create", "/nonexistent/config"), "Error: "),
        (("frobnicate",), "Error: Subcommand frobnicate not found!"),
        (("mem-set", "Domain-0", "abc"), "Error: "),
    ]
    for argv, expected in cases:
        p = host.xm(*argv, check=False)
        first = p.stderr.splitlines()[0] if p.stderr else ""
        if p.returncode == 0 or not first.startswith(expected):
            raise Failure("xm %s: exit %d, stderr %r" % (" ".join(argv), p.returncode, p.stderr))
    host.stop_xend()
    p = host.xm("list", check=False)
    if p.returncode == 0 or "is xend running" not in p.stderr:
        raise Failure("xm list without xend: %r" % p.stderr)


# ---- the same toolstack paths with tiny guests (no Linux needed) -----------------------

def tiny_create_list_console_destroy(host):
    host.start_xend()
    boot(host, "tiny", image=idle_image())
    d = host.domain("tiny")
    if not d or d["id"] != 1 or d["state"] not in ("r-----", "-b----"):
        raise Failure("xm list -l after create: %r" % d)
    row = [l for l in host.xm("list").stdout.splitlines() if l.startswith("tiny ")]
    if not row or row[0][41:44] != "  1" or row[0][45:53] != "     128":
        raise Failure("xm list row for tiny: %r" % row)
    # The marker was printed before anyone attached: a late client gets it from the history.
    a, out_a = host.open_console("tiny")
    b, out_b = host.open_console("tiny")
    host.console_wait(out_a, IDLE_MARKER, 30)
    host.console_wait(out_b, IDLE_MARKER, 30)
    log = os.path.join(host.log_dir, "console", "tiny.log")
    if IDLE_MARKER not in open(log, errors="replace").read():
        raise Failure("console log %s lacks the marker" % log)
    a.stdin.write(b"\x1d")
    a.stdin.flush()
    if a.wait(10) != 0:
        raise Failure("Ctrl-] did not detach")
    host.xm("pause", "tiny")
    if host.domain("tiny")["state"] != "--p---":
        raise Failure("pause: %r" % host.domain("tiny")["state"])
    host.xm("unpause", "tiny")
    pid = host.domain("tiny")["pid"]
    host.xm("destroy", "tiny")
    if host.domain("tiny"):
        raise Failure("tiny still listed after destroy")
    if b.wait(10) != 0:
        raise Failure("the second console client did not end when the domain went away")
    try:
        os.kill(pid, 0)
        raise Failure("xenith-vm pid %d survived destroy" % pid)
    except ProcessLookupError:
        pass


def tiny_lifecycle_actions(host):
    host.start_xend()
    # poweroff + on_poweroff=destroy: gone by itself.
    boot(host, "off", image=reset_image(0, 0))
    host.wait_for("off to go away", lambda: host.domain("off") is None, 60)
    # poweroff + on_poweroff=preserve: listed as shut down until destroyed.
    boot(host, "kept", image=reset_image(0, 0), lines=['on_poweroff = "preserve"'])
    host.wait_for("kept to be shut down", lambda: (host.domain("kept") or {}).get("state") == "---s--", 60)
    host.xm("destroy", "kept")
    # crash + on_crash=preserve: listed as crashed.
    boot(host, "crash", image=reset_image(0, 1), lines=['on_crash = "preserve"'])
    host.wait_for("crash to be crashed", lambda: (host.domain("crash") or {}).get("state") == "----c-", 60)
    host.xm("destroy", "crash")
    # reboot + on_reboot=destroy: gone.
    boot(host, "rb", image=reset_image(1, 0), lines=['on_reboot = "destroy"'])
    host.wait_for("rb to go away", lambda: host.domain("rb") is None, 60)
    # crash + on_crash=restart: restarted with new ids, then given up on as a crash loop.
    boot(host, "loop", image=reset_image(0, 1), lines=['on_crash = "restart"'])
    host.wait_for("the crash loop to be stopped", lambda: host.domain("loop") is None, 120)
    log = host.xend_log()
    for needle in ("off: carrying out on_poweroff=destroy", "kept: carrying out on_poweroff=preserve",
                   "crash: carrying out on_crash=preserve", "rb: carrying out on_reboot=destroy",
                   "loop restarted as id", "loop: restarted 3 times"):
        if needle not in log:
            raise Failure("xend log lacks %r" % needle)


def tiny_kill9_readopt(host):
    host.start_xend()
    boot(host, "survivor", image=idle_image())
    before = host.domain("survivor")
    host.kill9_xend()
    os.kill(before["pid"], 0)
    host.start_xend()
    after = host.domain("survivor")
    if not after or after["id"] != before["id"] or after["pid"] != before["pid"]:
        raise Failure("after kill -9 and restart: %r, before: %r" % (after, before))
    if "survivor (id 1): re-adopted" not in host.xend_log():
        raise Failure("xend log does not say survivor was re-adopted")
    proc, out = host.open_console("survivor")
    host.console_wait(out, IDLE_MARKER, 10)
    host.xm("pause", "survivor")
    host.xm("unpause", "survivor")
    boot(host, "second", image=idle_image())
    if host.domain("second")["id"] != 2:
        raise Failure("ids after re-adoption: %r" % host.domain("second"))
    # A domain that ends while xend is down gets its lifecycle action on the next start.
    host.kill9_xend()
    os.kill(after["pid"], signal.SIGKILL)
    time.sleep(0.5)
    host.start_xend()
    if host.domain("survivor"):
        raise Failure("survivor, killed while xend was down, is still listed (on_crash=destroy)")
    host.xm("destroy", "second")


def tiny_autostart(host):
    host.write_config("autodom", image=idle_image())
    host.write_config("broken", image=idle_image(), lines=['memory = "lots"'])
    os.makedirs(os.path.join(host.config_dir, "auto"))
    os.symlink("../autodom", os.path.join(host.config_dir, "auto", "autodom"))
    os.symlink("../broken", os.path.join(host.config_dir, "auto", "broken"))
    host.start_xend()
    if not host.domain("autodom"):
        raise Failure("auto/autodom was not started")
    log = host.xend_log()
    if "auto/autodom: started autodom as domain 1" not in log or "auto/broken: not started" not in log:
        raise Failure("autostart log lines missing:\n" + log)
    # Restarting xend re-adopts autodom instead of starting a second copy.
    host.stop_xend()
    host.start_xend()
    if "auto/autodom: not started: domain autodom is already running as id 1" not in host.xend_log():
        raise Failure("second xend start did not say autodom was already running")


def tiny_managed_new_start_delete(host):
    host.write_config("kept", image=idle_image())
    host.start_xend()
    host.xm("new", "kept")
    host.stop_xend()
    host.start_xend()
    d = host.domain("kept")
    if not d or d["id"] is not None:
        raise Failure("managed domain after xend restart: %r" % d)
    host.xm("start", "kept")
    if host.domain("kept")["id"] is None:
        raise Failure("xm start gave no id")
    if host.xm("delete", "kept", check=False).returncode == 0:
        raise Failure("xm delete of a running domain succeeded")
    host.xm("destroy", "kept")
    host.xm("delete", "kept")
    if host.domain("kept"):
        raise Failure("kept still listed after delete")


def tiny_two_clients_at_once(host):
    host.start_xend()
    boot(host, "pair", image=idle_image())
    procs = [subprocess.Popen([host.args.xm, "list", "-l"], env=host.env, stdout=subprocess.PIPE, text=True)
             for _ in range(6)]
    for p in procs:
        out, _ = p.communicate(timeout=60)
        if p.returncode != 0 or "pair" not in out:
            raise Failure("a concurrent xm list failed")


def tiny_top_quits_on_q(host):
    """Interactive xm top on a terminal quits on q, as xentop does, and gives the terminal back
    as it found it (canonical mode, echo on)."""
    import pty
    import select
    import termios
    host.start_xend()
    boot(host, "topq", image=idle_image())
    master, slave = pty.openpty()
    before = termios.tcgetattr(slave)
    proc = subprocess.Popen([host.args.xm, "top", "-d", "1"], env=host.env, stdin=slave, stdout=slave,
                            stderr=slave, close_fds=True)
    seen = b""
    deadline = time.time() + 20
    try:
        while b"topq" not in seen and time.time() < deadline:
            if select.select([master], [], [], 0.5)[0]:
                seen += os.read(master, 65536)
        if b"topq" not in seen:
            raise Failure("xm top drew no frame with the domain in 20 s: %r" % seen[-500:])
        os.write(master, b"q")
        try:
            rc = proc.wait(10)
        except subprocess.TimeoutExpired:
            raise Failure("xm top did not quit within 10 s of q")
        if rc != 0:
            raise Failure("xm top exited with %d after q" % rc)
        after = termios.tcgetattr(slave)
        if after[3] != before[3]:
            raise Failure("xm top left the terminal's local modes changed: %#x -> %#x" % (before[3], after[3]))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
        os.close(slave)
    host.xm("destroy", "topq")


def tiny_dom0_min_mem_refuses(host):
    # A reservation larger than any host: every create is refused with the reason, nothing starts.
    with open(os.path.join(host.config_dir, "xend-config.sxp"), "w") as f:
        f.write("(dom0-min-mem 100000000)\n")
    host.start_xend()
    host.write_config("big", image=idle_image())
    out = host.xm("create", "big", check=False)
    if out.returncode == 0 or "dom0-min-mem keeps 100000000 MiB" not in out.stderr:
        raise Failure("xm create under dom0-min-mem: rc %d, %r" % (out.returncode, out.stderr))
    if len(out.stderr.strip().splitlines()) != 1:
        raise Failure("the refusal is not one line: %r" % out.stderr)
    if host.domain("big"):
        raise Failure("a refused domain is listed")


SCENARIOS = {f.__name__: f for f in [
    tiny_create_list_console_destroy, tiny_lifecycle_actions, tiny_kill9_readopt, tiny_autostart,
    tiny_managed_new_start_delete, tiny_two_clients_at_once, tiny_dom0_min_mem_refuses, tiny_top_quits_on_q,
    create_list_console_shutdown, reboot_restarts_the_guest, console_history_for_late_client, crash_carries_out_on_crash,
    xend_kill9_restart_readopts, autostart_from_auto_dir, two_clients_at_once, destroy_removes_domain,
    managed_new_start_delete, golden_list_and_info, errors_are_one_line, shutdown_right_after_create,
    sysrq_reaches_the_guest_kernel,
]}


SKIP = 77  # a scenario returns this when it cannot run here, having printed why


def run_scenarios(scenarios, doc):
    """The command line every *_e2e.py shares: --list, or one SCENARIO with --xend/--xm/--vm.
    Exit 0 = pass, 77 = skipped (the scenario said why), 1 = fail with the logs' tails."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", nargs="?")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--xend")
    parser.add_argument("--xm")
    parser.add_argument("--vm")
    parser.add_argument("--guest-build")
    args = parser.parse_args()
    if args.list or not args.scenario:
        print("\n".join(scenarios))
        return 0
    if args.scenario not in scenarios or not (args.xend and args.xm and args.vm):
        parser.error("need a SCENARIO (see --list) and --xend, --xm, --vm")
    host = Host(args)
    try:
        if scenarios[args.scenario](host) == SKIP:
            return SKIP
        print("PASS %s" % args.scenario)
        return 0
    except (Failure, subprocess.TimeoutExpired, OSError, KeyError, IndexError, TypeError, ValueError,
            struct.error) as e:
        print("FAIL %s: %s" % (args.scenario, e))
        host.dump()
        return 1
    finally:
        host.cleanup()


if __name__ == "__main__":
    sys.exit(run_scenarios(SCENARIOS, __doc__))
