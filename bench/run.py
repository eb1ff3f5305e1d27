#!/usr/bin/env python3
"""Xenith against QEMU, side by side in one run.

Each round runs every engine once per scenario, alternating engines so that both see the same
host noise; figures are reported as medians and as xenith/qemu ratios (lower is better for
times). Writes a JSON file and prints a table.

  bench/run.py [--rounds 3] [--scenarios boot,cpu,idle,smp] [--out bench-results.json]
               [--idle-console ttyS0|hvc0]
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import iobench
from procstat import cpu_seconds

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARKER = re.compile(rb"xenith-guest: ready uptime=([0-9.]+)")
# The guest's bench script prints "bench NAME SECONDS" on a line of its own (seconds from the
# guest's /proc/uptime, 10 ms resolution); anchor it so kernel messages cannot match.
BENCH_LINE = re.compile(rb"^bench ([A-Za-z0-9_.-]+) ([0-9]+(?:\.[0-9]+)?)\r?$", re.MULTILINE)
TEST_EXIT = re.compile(rb"xenith-guest: test (\S+) exit=(\d+)")


def guest_dir():
    d = os.environ.get("XENITH_GUEST_DIR")
    if d:
        return d
    return subprocess.run([os.path.join(ROOT, "tools/guest/build.sh"), "--print-dir"],
                          check=True, stdout=subprocess.PIPE, text=True).stdout.strip()


def engine_command(engine, guest, append, memory=256, vcpus=1):
    kernel = os.path.join(guest, "Image")
    initrd = os.path.join(guest, "initramfs.cpio.gz")
    if engine == "qemu":
        return ["qemu-system-riscv64", "-M", "virt", "-m", str(memory), "-smp", str(vcpus),
                "-nographic", "-no-reboot", "-kernel", kernel, "-initrd", initrd,
                "-append", append]
    vm = os.environ.get("XENITH_VM_BINARY", os.path.join(ROOT, "build/src/xenith-vm"))
    # xenith-interp: the same binary with its JIT off, to show what the interpreter alone does.
    jit = ["--jit-hot-entries", "0"] if engine == "xenith-interp" else []
    return [vm, "--kernel", kernel, "--initrd", initrd, "--memory", str(memory),
            "--vcpus", str(vcpus), "--append", append] + jit


def run_guest(engine, guest, test, timeout, vcpus=1, extra_args=(), on_marker=None):
    """Boots with xenith.test=TEST; returns (seconds to marker, output, wall seconds, rss_kib).
    extra_args go to the engine's command line; on_marker(proc) runs once the marker is seen."""
    append = f"console=ttyS0 panic=-1 xenith.test={test}"
    cmd = engine_command(engine, guest, append, vcpus=vcpus) + list(extra_args)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    out = b""
    marker_at = None
    deadline = start + timeout
    os.set_blocking(proc.stdout.fileno(), False)
    peak_rss = 0
    while True:
        chunk = None
        try:
            chunk = proc.stdout.read()
        except BlockingIOError:
            pass
        if chunk:
            out += chunk
            if marker_at is None and MARKER.search(out):
                marker_at = time.monotonic() - start
                if on_marker:
                    on_marker(proc)
        peak_rss = max(peak_rss, rss_kib(proc.pid))
        if proc.poll() is not None:
            rest = proc.stdout.read() or b""
            out += rest
            if marker_at is None and MARKER.search(out):
                marker_at = time.monotonic() - start
            break
        if time.monotonic() > deadline:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            raise RuntimeError(f"{engine}: {test} timed out after {timeout}s; last output:\n"
                               + out[-2000:].decode(errors="replace"))
        time.sleep(0.005)
    wall = time.monotonic() - start
    return marker_at, out, wall, peak_rss


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def scenario_boot(engine, guest):
    marker, out, wall, rss = run_guest(engine, guest, "poweroff", timeout=300)
    if marker is None:
        raise RuntimeError(f"{engine}: no boot marker; output:\n" + out[-2000:].decode(errors="replace"))
    return {"boot_to_marker_s": marker, "boot_to_exit_s": wall, "peak_rss_mib": rss / 1024}


INSTRET_AT_EXIT = re.compile(rb"domain ended: .*; (\d+) guest instructions retired")


def control_status(path, timeout=5.0):
    """The status reply of a xenith-vm control socket (dict), or None."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(timeout)
                s.connect(path)
                s.sendall(b'{"version":1,"op":"status"}\n')
                buf = b""
                while not buf.endswith(b"\n"):
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    buf += chunk
            reply = json.loads(buf)
            return reply.get("result") if reply.get("ok") else None
        except (OSError, ValueError):
            if time.monotonic() > deadline:
                return None
            time.sleep(0.05)


def scenario_cpu(engine, guest):
    # xenith: guest MIPS = instructions retired / host wall time, from the boot marker to exit
    # (the workloads plus their untimed input preparation): instret from the control socket
    # at the marker, and from the exit log line at the end.
    extra, at_marker, sock = (), {}, None
    if engine.startswith("xenith"):
        sock = os.path.join(tempfile.mkdtemp(prefix="xenith-bench-"), "control")
        extra = ("--control", sock, "--log-level", "info")

        def on_marker(proc):
            st = control_status(sock)
            if st is not None and "instret" in st:
                at_marker["instret"], at_marker["t"] = st["instret"], time.monotonic()
    else:
        on_marker = None
    t_start = time.monotonic()
    marker, out, wall, rss = run_guest(engine, guest, "bench", timeout=3600, extra_args=extra, on_marker=on_marker)
    t_exit = t_start + wall
    if sock:
        shutil.rmtree(os.path.dirname(sock), ignore_errors=True)
    figures = {f"cpu_{m.group(1).decode()}_s": float(m.group(2)) for m in BENCH_LINE.finditer(out)}
    if not figures:
        raise RuntimeError(f"{engine}: bench printed no results:\n" + out[-2000:].decode(errors="replace"))
    status = TEST_EXIT.search(out)
    if status is None or status.group(2) != b"0":
        raise RuntimeError(f"{engine}: bench did not finish cleanly:\n" + out[-2000:].decode(errors="replace"))
    figures["cpu_total_s"] = sum(figures.values())
    # Host wall time from the boot marker to exit: checks the guest's own clock, and includes
    # the input preparation the guest does not time.
    if marker is not None:
        figures["cpu_host_wall_s"] = wall - marker
    figures["cpu_peak_rss_mib"] = rss / 1024
    end = INSTRET_AT_EXIT.search(out)
    if at_marker and end:
        figures["cpu_guest_mips"] = (int(end.group(1)) - at_marker["instret"]) / (t_exit - at_marker["t"]) / 1e6
    return figures


IDLE_WINDOW_S = 10
# The idle guest's console= on Xenith (--idle-console): ttyS0, or hvc0 (virtio-console port 0;
# the guest kit then runs its getty there). QEMU's virt board has no virtio-console unless
# given -device virtio-serial-device, so QEMU always idles on ttyS0.
IDLE_CONSOLE = "ttyS0"


def scenario_idle(engine, guest):
    """Host CPU% of an idle booted 64 MiB guest over IDLE_WINDOW_S seconds, and its RSS."""
    append = f"console={IDLE_CONSOLE if engine.startswith('xenith') else 'ttyS0'} panic=-1"
    cmd = engine_command(engine, guest, append, memory=64)
    sock = None
    if engine.startswith("xenith"):
        sock = os.path.join(tempfile.mkdtemp(prefix="xenith-bench-"), "control")
        cmd += ["--control", sock]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    os.set_blocking(proc.stdout.fileno(), False)
    out = b""
    deadline = time.monotonic() + 300
    while not MARKER.search(out):
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise RuntimeError(f"{engine}: idle guest did not boot")
        try:
            out += proc.stdout.read() or b""
        except BlockingIOError:
            pass
        time.sleep(0.05)
    time.sleep(2)  # let the boot settle (getty starts after the marker)
    st0 = control_status(sock) if sock else None
    wakes0 = voluntary_switches(proc.pid)
    before = cpu_seconds(proc.pid)
    time.sleep(IDLE_WINDOW_S)
    after = cpu_seconds(proc.pid)
    wakes1 = voluntary_switches(proc.pid)
    st1 = control_status(sock) if sock else None
    rss = rss_kib(proc.pid)
    ram = guest_ram_rss_kib(proc.pid, 64)
    anon = anonymous_kib(proc.pid)
    proc.kill()
    proc.wait()
    if sock:
        shutil.rmtree(os.path.dirname(sock), ignore_errors=True)
    figures = {"idle_cpu_percent": (after - before) / IDLE_WINDOW_S * 100, "idle_rss_mib": rss / 1024,
               # Voluntary context switches of all threads: each is one sleep, so one wake-up.
               "idle_wakeups_per_s": (wakes1 - wakes0) / IDLE_WINDOW_S}
    if st0 and st1 and "instret" in st0:
        # What the guest itself runs while idle (timer and console-poll paths).
        figures["idle_guest_kinsn_per_s"] = (st1["instret"] - st0["instret"]) / IDLE_WINDOW_S / 1e3
    if ram is not None:
        # VMM overhead: everything resident beyond the guest RAM the guest has touched.
        figures["idle_guest_ram_touched_mib"] = ram / 1024
        figures["idle_overhead_mib"] = (rss - ram) / 1024
        if anon is not None:
            # The same without the file-backed pages (program text, libraries), which every
            # domain on the host shares through the page cache: what one more domain costs.
            figures["idle_overhead_anon_mib"] = (anon - ram) / 1024
    return figures


def voluntary_switches(pid):
    total = 0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/status") as f:
                    for line in f:
                        if line.startswith("voluntary_ctxt_switches:"):
                            total += int(line.split()[1])
            except OSError:
                pass
    except OSError:
        pass
    return total


def anonymous_kib(pid):
    """Resident anonymous memory over all mappings (guest RAM included)."""
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Anonymous:"):
                    total += int(line.split()[1])
    except OSError:
        return None
    return total


def guest_ram_rss_kib(pid, memory_mib):
    """RSS of the mapping that holds guest RAM: the largest mapping whose size is between the
    guest memory size and that plus 4 MiB (QEMU over-allocates a little for alignment)."""
    want = memory_mib * 1024
    best = None
    size = None
    try:
        with open(f"/proc/{pid}/smaps") as f:
            for line in f:
                if line.startswith("Size:"):
                    size = int(line.split()[1])
                elif line.startswith("Rss:") and size is not None:
                    if want <= size <= want + 4096:
                        rss = int(line.split()[1])
                        if best is None or size > best[0]:
                            best = (size, rss)
                    size = None
    except OSError:
        return None
    return best[1] if best else None


SMP_LINE = re.compile(rb"^bench smp-sha256-2x32M ([0-9.]+)\r?$", re.MULTILINE)
NPROC_LINE = re.compile(rb"^bench-nproc ([0-9]+)\r?$", re.MULTILINE)


def scenario_smp(engine, guest):
    """The same parallel work (two sha256 jobs) on 1 and on 2 vCPUs: how much a second vCPU
    buys. QEMU runs multi-threaded TCG (MTTCG, its default for riscv64 on x86-64 hosts)."""
    figures = {}
    for vcpus in (1, 2):
        _, out, _, _ = run_guest(engine, guest, "bench-smp", timeout=1800, vcpus=vcpus)
        seconds, nproc = SMP_LINE.search(out), NPROC_LINE.search(out)
        if seconds is None or nproc is None or int(nproc.group(1)) != vcpus:
            raise RuntimeError(f"{engine}: bench-smp on {vcpus} vCPUs printed no result (or the wrong nproc):\n"
                               + out[-2000:].decode(errors="replace"))
        figures[f"smp_{vcpus}vcpu_s"] = float(seconds.group(1))
    figures["smp_speedup_2_over_1"] = figures["smp_1vcpu_s"] / figures["smp_2vcpu_s"]
    return figures


SCENARIOS = {"boot": scenario_boot, "cpu": scenario_cpu, "idle": scenario_idle, "smp": scenario_smp}
SCENARIOS.update(iobench.SCENARIOS)  # disk, net, net-tap, create (bench/iobench.py)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--scenarios", default="boot,cpu,idle")
    ap.add_argument("--engines", default="xenith,qemu",
                    help="comma-separated: xenith, xenith-interp (JIT off), qemu")
    ap.add_argument("--out", default=os.path.join(ROOT, "build/bench-results.json"))
    ap.add_argument("--idle-console", choices=("ttyS0", "hvc0"), default="ttyS0",
                    help="the idle guest's console= on Xenith (QEMU always uses ttyS0)")
    args = ap.parse_args()
    global IDLE_CONSOLE
    IDLE_CONSOLE = args.idle_console

    guest = guest_dir()
    engines = args.engines.split(",")
    samples = {e: {} for e in engines}
    for rnd in range(args.rounds):
        for name in args.scenarios.split(","):
            order = engines if rnd % 2 == 0 else list(reversed(engines))
            for engine in order:
                print(f"round {rnd + 1}/{args.rounds}: {name} on {engine}", file=sys.stderr, flush=True)
                try:
                    figures = SCENARIOS[name](engine, guest)
                except RuntimeError as e:
                    print(f"  failed: {e}", file=sys.stderr)
                    continue
                for k, v in figures.items():
                    samples[engine].setdefault(k, []).append(v)

    result = {"host": os.uname().nodename, "cpus": os.cpu_count(), "rounds": args.rounds,
              "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "idle_console": IDLE_CONSOLE, "figures": {}}
    keys = sorted({k for e in engines for k in samples[e]})
    mine = [e for e in engines if e != "qemu"]
    print(f"\n{'figure':28} " + " ".join(f"{e:>13}" for e in engines) + "   ratio to qemu: " + ", ".join(mine))
    for k in keys:
        medians = {e: statistics.median(samples[e][k]) if samples[e].get(k) else None for e in engines}
        ratios = {e: medians[e] / medians["qemu"] if medians.get(e) is not None and medians.get("qemu") else None
                  for e in mine}
        result["figures"][k] = {"median": medians, "samples": {e: samples[e].get(k, []) for e in engines},
                                "ratio": ratios.get("xenith"), "ratios": ratios}
        cells = " ".join(f"{medians[e]:13.3f}" if medians[e] is not None else f"{'-':>13}" for e in engines)
        shown = ", ".join(f"{r:.2f}" if r is not None else "-" for r in ratios.values())
        print(f"{k:28} {cells}   {shown}")
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
    print(f"\nwrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
