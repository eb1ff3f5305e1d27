#!/usr/bin/env python3
"""Density and VMM overhead: N idle 64 MiB domains at once, xenith-vm run directly.

Starts N domains, waits for every boot marker, then reports the host CPU% all of them use
over 5 s of idling, each domain's RSS, how much of that RSS is guest RAM the guest has touched
(the RSS of the guest-RAM mapping in /proc/PID/smaps) and the rest (VMM overhead), and whether
each still answers on its console (a newline written to stdin brings back getty's 'login:').
With --late S, idle CPU is measured again over 5 s starting S seconds after the last boot
(the first window is right after the boots, when guests still run their post-boot work), and
RSS and overhead are read after that second window.
Then kills them all.

  bench/density.py [--count 10] [--memory 64] [--engine xenith|qemu] [--late 60] [--out FILE.json]
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (engine_command, guest_dir, MARKER, rss_kib, cpu_seconds, guest_ram_rss_kib)


class Domain:
    def __init__(self, engine, guest, memory, index):
        cmd = run.engine_command(engine, guest, "console=ttyS0 panic=-1", memory=memory)
        self.index = index
        self.memory = memory
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.out = b""
        self.started = time.monotonic()
        self.booted_at = None

    def pump(self):
        try:
            chunk = self.proc.stdout.read()
        except BlockingIOError:
            chunk = None
        if chunk:
            self.out += chunk
        if self.booted_at is None and run.MARKER.search(self.out):
            self.booted_at = time.monotonic() - self.started

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("--memory", type=int, default=64)
    ap.add_argument("--engine", default="xenith")
    ap.add_argument("--boot-timeout", type=float, default=0, help="seconds; default 60 + 20 per domain")
    ap.add_argument("--late", type=float, default=0,
                    help="also measure idle CPU over 5 s starting this many seconds after the last boot")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()

    guest = run.guest_dir()
    domains = []
    t0 = time.monotonic()
    try:
        for i in range(args.count):
            domains.append(Domain(args.engine, guest, args.memory, i))
        timeout = args.boot_timeout or 60 + 20 * args.count
        while True:
            for d in domains:
                d.pump()
            booted = [d for d in domains if d.booted_at is not None]
            dead = [d for d in domains if not d.alive()]
            if len(booted) == len(domains) or time.monotonic() - t0 > timeout:
                break
            if dead:
                print(f"domain {dead[0].index} exited with {dead[0].proc.returncode}:\n"
                      + dead[0].out[-1500:].decode(errors="replace"), file=sys.stderr)
                break
            time.sleep(0.1)
        all_booted_s = time.monotonic() - t0
        print(f"{len(booted)}/{len(domains)} booted in {all_booted_s:.1f} s", file=sys.stderr)

        # Settle (getty starts after the marker), then measure idle CPU over 5 s.
        settle_end = time.monotonic() + 3
        while time.monotonic() < settle_end:
            for d in domains:
                d.pump()
            time.sleep(0.1)
        live = [d for d in domains if d.alive()]
        before = {d.index: run.cpu_seconds(d.proc.pid) for d in live}
        w0 = time.monotonic()
        time.sleep(5)
        window = time.monotonic() - w0
        after = {d.index: run.cpu_seconds(d.proc.pid) for d in live}
        cpu_pct = {i: (after[i] - before[i]) / window * 100 for i in before}
        late_cpu_total = None
        if args.late:
            late_start = t0 + all_booted_s + args.late
            while time.monotonic() < late_start:
                for d in domains:
                    d.pump()
                time.sleep(0.1)
            before = {d.index: run.cpu_seconds(d.proc.pid) for d in live}
            w0 = time.monotonic()
            time.sleep(5)
            late_window = time.monotonic() - w0
            after = {d.index: run.cpu_seconds(d.proc.pid) for d in live}
            late_cpu_total = sum((after[i] - before[i]) / late_window * 100 for i in before)
        rss = {d.index: run.rss_kib(d.proc.pid) for d in live}
        ram = {d.index: run.guest_ram_rss_kib(d.proc.pid, args.memory) for d in live}
        anon = {d.index: run.anonymous_kib(d.proc.pid) for d in live}

        # Console check: a newline makes getty print its prompt again.
        for d in live:
            d.out = b""
            try:
                d.proc.stdin.write(b"\n")
                d.proc.stdin.flush()
            except OSError:
                pass
        deadline = time.monotonic() + 10 + 0.5 * len(live)
        while time.monotonic() < deadline:
            for d in live:
                d.pump()
            if all(b"login:" in d.out for d in live):
                break
            time.sleep(0.1)
        answers = {d.index: b"login:" in d.out for d in live}
    finally:
        for d in domains:
            d.kill()

    per_domain = []
    for d in domains:
        i = d.index
        overhead = None
        overhead_anon = None
        if i in rss and ram.get(i) is not None:
            overhead = (rss[i] - ram[i]) / 1024
            if anon.get(i) is not None:
                overhead_anon = (anon[i] - ram[i]) / 1024
        per_domain.append({"index": i, "boot_s": d.booted_at, "cpu_percent": cpu_pct.get(i),
                           "rss_mib": rss.get(i, 0) / 1024,
                           "guest_ram_touched_mib": ram[i] / 1024 if ram.get(i) is not None else None,
                           "overhead_mib": overhead, "overhead_anon_mib": overhead_anon,
                           "console_answers": answers.get(i, False)})
    total_cpu = sum(cpu_pct.values())
    rss_list = [p["rss_mib"] for p in per_domain if p["rss_mib"]]
    ovh = [p["overhead_mib"] for p in per_domain if p["overhead_mib"] is not None]
    ovh_anon = [p["overhead_anon_mib"] for p in per_domain if p["overhead_anon_mib"] is not None]
    summary = {
        "engine": args.engine, "count": args.count, "memory_mib": args.memory,
        "booted": len(booted), "all_booted_s": all_booted_s,
        "idle_cpu_percent_total": total_cpu,
        "idle_cpu_percent_per_domain": total_cpu / len(cpu_pct) if cpu_pct else None,
        "idle_cpu_percent_total_late": late_cpu_total,
        "late_s": args.late or None,
        "rss_mib_median": statistics.median(rss_list) if rss_list else None,
        "rss_mib_max": max(rss_list) if rss_list else None,
        "overhead_mib_median": statistics.median(ovh) if ovh else None,
        "overhead_mib_max": max(ovh) if ovh else None,
        # Without the file-backed pages (program text, libraries) all domains share.
        "overhead_anon_mib_median": statistics.median(ovh_anon) if ovh_anon else None,
        "consoles_answering": sum(1 for p in per_domain if p["console_answers"]),
        "host": os.uname().nodename, "cpus": os.cpu_count(), "loadavg": os.getloadavg(),
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    print(f"\n{'dom':>4} {'boot s':>8} {'cpu %':>7} {'rss MiB':>8} {'ram MiB':>8} {'ovh MiB':>8} console")
    for p in per_domain:
        f = lambda v, w, prec: f"{v:{w}.{prec}f}" if v is not None else f"{'-':>{w}}"  # noqa: E731
        print(f"{p['index']:4} {f(p['boot_s'], 8, 2)} {f(p['cpu_percent'], 7, 2)} {f(p['rss_mib'], 8, 1)} "
              f"{f(p['guest_ram_touched_mib'], 8, 1)} {f(p['overhead_mib'], 8, 1)} "
              f"{'yes' if p['console_answers'] else 'NO'}")
    print()
    for k, v in summary.items():
        print(f"{k:30} {v:.2f}" if isinstance(v, float) else f"{k:30} {v}")
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            json.dump({"summary": summary, "domains": per_domain}, f, indent=2)
    return 0 if summary["booted"] == args.count and summary["consoles_answering"] == args.count else 1


if __name__ == "__main__":
    sys.exit(main())
