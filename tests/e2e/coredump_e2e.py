#!/usr/bin/env python3
"""End-to-end guest core dumps: on_crash=coredump-* and xm dump-core, with a real xend + xm +
xenith-vm booting the guest kit. The dumps are read back as ELF cores: the guest's RAM must be in
them (the kernel's banner, and after a panic the panic message in the printk buffer).

Usage: coredump_e2e.py SCENARIO --xend PATH --xm PATH --vm PATH [--guest-build build.sh]
       coredump_e2e.py --list
"""
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from toolstack_e2e import BOOT_TIMEOUT, READY_MARKER, Failure, Host, boot, run_scenarios  # noqa: E402

EM_RISCV = 243
ET_CORE = 4
PT_LOAD = 1
PT_NOTE = 4


def read_core(path, memory_mib):
    """Checks the ELF core layout; returns (guest RAM bytes, number of NT_PRSTATUS notes)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        raise Failure("%s is not an ELF64 file" % path)
    e_type, e_machine = struct.unpack_from("<HH", data, 16)
    e_phoff, = struct.unpack_from("<Q", data, 32)
    e_phentsize, e_phnum = struct.unpack_from("<HH", data, 54)
    if e_type != ET_CORE or e_machine != EM_RISCV:
        raise Failure("%s: type %d machine %d, expected a RISC-V core" % (path, e_type, e_machine))
    ram, notes = None, 0
    for i in range(e_phnum):
        p_type, _, p_offset, _, p_paddr, p_filesz = struct.unpack_from("<IIQQQQ", data, e_phoff + i * e_phentsize)
        if p_type == PT_LOAD:
            if p_paddr != 0x80000000 or p_filesz != memory_mib << 20:
                raise Failure("%s: PT_LOAD at %#x of %d bytes, expected RAM at 0x80000000 of %d MiB"
                              % (path, p_paddr, p_filesz, memory_mib))
            ram = data[p_offset:p_offset + p_filesz]
        elif p_type == PT_NOTE:
            at = p_offset
            while at < p_offset + p_filesz:
                namesz, descsz, n_type = struct.unpack_from("<III", data, at)
                notes += n_type == 1  # NT_PRSTATUS
                at += 12 + (namesz + 3) // 4 * 4 + (descsz + 3) // 4 * 4
    if ram is None or len(ram) != memory_mib << 20:
        raise Failure("%s: no complete PT_LOAD segment for guest RAM" % path)
    return ram, notes


def dumps_of(host, name):
    directory = os.path.join(host.env["XENITH_STATE_DIR"], "dump")
    if not os.path.isdir(directory):
        return []
    return sorted(os.path.join(directory, f) for f in os.listdir(directory) if ("-%s." % name) in f)


def crash_writes_core_dump(host):
    host.start_xend()
    boot(host, "crashy", extra="xenith.test=panic", lines=['on_crash = "coredump-destroy"', "vcpus = 2"])
    host.wait_for("crashy to be destroyed after its crash", lambda: host.domain("crashy") is None, BOOT_TIMEOUT)
    dumps = dumps_of(host, "crashy")
    if len(dumps) != 1:
        raise Failure("expected one core dump for crashy, found %r" % dumps)
    if "crashy: core dump written to %s" % dumps[0] not in host.xend_log():
        raise Failure("xend's log does not name the core dump %s" % dumps[0])
    ram, notes = read_core(dumps[0], 128)
    if notes != 2:
        raise Failure("the core has %d NT_PRSTATUS notes for 2 vCPUs" % notes)
    if b"Kernel panic - not syncing" not in ram:
        raise Failure("the panic message is not in the dumped RAM (printk buffer)")
    if os.stat(dumps[0]).st_mode & 0o077:
        raise Failure("the core dump is readable by others: %o" % os.stat(dumps[0]).st_mode)
    # on_crash=destroy with enable-dump off (the default) dumps nothing.
    boot(host, "plain", extra="xenith.test=panic")
    host.wait_for("plain to be destroyed after its crash", lambda: host.domain("plain") is None, BOOT_TIMEOUT)
    if dumps_of(host, "plain"):
        raise Failure("a core dump was written for on_crash=destroy with enable-dump off")


def xm_dump_core_live_and_crash(host):
    host.start_xend()
    boot(host, "live")
    proc, out = host.open_console("live")
    host.console_wait(out, READY_MARKER, BOOT_TIMEOUT)
    # A relative name is the user's current directory, as with Xen's xm.
    result = subprocess.run([host.args.xm, "dump-core", "live", "live.core"], cwd=host.root, env=host.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
    if result.returncode != 0:
        raise Failure("xm dump-core failed: %s" % result.stderr.strip())
    path = os.path.join(host.root, "live.core")
    if path not in result.stdout:
        raise Failure("xm dump-core did not print the file name: %r" % result.stdout)
    ram, notes = read_core(path, 128)
    if notes != 1 or b"Linux version" not in ram:
        raise Failure("the live dump lacks the vCPU note or the kernel's banner")
    # The domain carries on afterwards: still running, and its shell answers.
    d = host.domain("live")
    if not d or "p" in d["state"]:
        raise Failure("after xm dump-core the domain is %r, expected running" % d)
    for send, expect in ((b"\n", "login:"), (b"root\n", "# "), (b"echo after-$((6*7))\n", "after-42")):
        proc.stdin.write(send)
        proc.stdin.flush()
        host.console_wait(out, expect, 60)
    # -C: dump into xend's dump directory, then the domain is destroyed.
    host.xm("dump-core", "-C", "live")
    if host.domain("live"):
        raise Failure("xm dump-core -C left the domain running")
    if len(dumps_of(host, "live")) != 1:
        raise Failure("xm dump-core -C wrote no dump in xend's dump directory")
    bad = host.xm("dump-core", "nosuch", check=False)
    if bad.returncode == 0 or len(bad.stderr.strip().splitlines()) != 1:
        raise Failure("xm dump-core of an unknown domain: rc %d, %r" % (bad.returncode, bad.stderr))


SCENARIOS = {f.__name__: f for f in [crash_writes_core_dump, xm_dump_core_live_and_crash]}


if __name__ == "__main__":
    sys.exit(run_scenarios(SCENARIOS, __doc__))
