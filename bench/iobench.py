"""I/O and create-time scenarios for bench/run.py (issues 6 and 8): disk, net, net-tap, create.

Each scenario function takes (engine, guest) like run.py's own and returns {figure: value}.

- disk:    a fresh raw image as the guest's virtio-blk disk (xenith `--disk tap:aio:IMG,xvda,w`:
           io_uring, host page cache; QEMU `-drive ...,cache=writeback,aio=io_uring` on
           virtio-blk-device). The guest's iobench writes DISK_MIB MiB sequentially in 1 MiB
           O_DIRECT writes + fsync, reads them back (O_DIRECT), checks them (untimed), then does
           4 KiB random reads and random writes at queue depth 1 for DISK_SECS seconds each.
- net:     user-mode NAT (xenith slirp vif, QEMU `-netdev user`), virtio-net. The guest sends
           NET_MIB MiB to a listener on the host's loopback (through 10.0.2.2), then receives
           NET_MIB MiB from the host through a port forward. Timed on the host.
- net-tap: the same over a tap on a bridge inside a network namespace the bench creates
           (xenith `--vif bridge=br0`, QEMU `-netdev tap`); needs root.
- create:  `xm create -c` through a private xend to the guest's ready marker, next to
           xenith-vm and QEMU started directly.

The guest side is bench/guest/iobench.c (cross-compiled, static) in an initramfs overlay
appended to the kit's initramfs for both engines; /etc/xenith/tests/io in the kit runs it.
"""
import atexit
import contextlib
import ctypes
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

from procstat import cpu_seconds

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARKER = re.compile(rb"xenith-guest: ready uptime=")
IO_LINE = re.compile(rb"^iobench ([a-z0-9_]+) ([0-9]+(?:\.[0-9]+)?)\r?$", re.MULTILINE)
TEST_EXIT = re.compile(rb"xenith-guest: test (\S+) exit=(\d+)")
LISTENING = re.compile(rb"iobench: listening on (\d+)")

DISK_MIB = int(os.environ.get("XENITH_BENCH_DISK_MIB", "64"))
DISK_SECS = int(os.environ.get("XENITH_BENCH_DISK_SECS", "5"))
NET_MIB = int(os.environ.get("XENITH_BENCH_NET_MIB", "32"))
GUEST_PORT = 5001  # where the guest listens for the host-to-guest stream
MEMORY = 256
TIMEOUT = 900

BUILD = os.path.join(ROOT, "build", "bench-guest")


def binary(env, name):
    return os.environ.get(env, os.path.join(ROOT, "build", "src", name))


# ---- the guest program and initramfs -------------------------------------------------------

def overlay():
    """build/bench-guest/iobench-KEY.cpio.gz: iobench in /usr/libexec/xenith-bench, keyed by the
    source and the compiler, built once."""
    src = os.path.join(ROOT, "bench", "guest", "iobench.c")
    cc = os.environ.get("XENITH_CROSS_CC", "riscv64-linux-gnu-gcc")
    if shutil.which(cc) is None:
        raise RuntimeError(f"{cc} not found (apt-get install gcc-riscv64-linux-gnu)")
    version = subprocess.run([cc, "--version"], stdout=subprocess.PIPE, check=True).stdout
    with open(src, "rb") as f:
        key = hashlib.sha256(f.read() + version).hexdigest()[:16]
    out = os.path.join(BUILD, f"iobench-{key}.cpio.gz")
    if os.path.exists(out):
        return out
    os.makedirs(BUILD, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xenith-iobench-") as stage:
        bindir = os.path.join(stage, "usr", "libexec", "xenith-bench")
        os.makedirs(bindir)
        subprocess.run([cc, "-static", "-O2", "-Wall", "-Wextra", "-Werror", "-o",
                        os.path.join(bindir, "iobench"), src], check=True)
        epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "1700000000"))
        for d, _, files in os.walk(stage):
            for p in [d] + [os.path.join(d, f) for f in files]:
                os.utime(p, (epoch, epoch))
        listing = "\n".join(sorted(["usr", "usr/libexec", "usr/libexec/xenith-bench",
                                    "usr/libexec/xenith-bench/iobench"])) + "\n"
        cpio = subprocess.run(["cpio", "--quiet", "-o", "-H", "newc", "-R", "0:0", "--reproducible"],
                              cwd=stage, input=listing.encode(), stdout=subprocess.PIPE, check=True).stdout
        gz = subprocess.run(["gzip", "-n", "-9"], input=cpio, stdout=subprocess.PIPE, check=True).stdout
    with open(out + ".tmp", "wb") as f:
        f.write(gz)
    os.replace(out + ".tmp", out)
    return out


_initrds = {}


def initrd(guest):
    """The kit's initramfs with the iobench overlay appended (Linux unpacks concatenated
    archives); the same file for both engines."""
    if guest in _initrds:
        return _initrds[guest]
    if not os.path.exists(os.path.join(guest, "Image")):
        raise RuntimeError(f"no guest kit in {guest}")
    ovl = overlay()
    kit = os.path.join(guest, "initramfs.cpio.gz")
    key = hashlib.sha256(open(kit, "rb").read() + open(ovl, "rb").read()).hexdigest()[:16]
    out = os.path.join(BUILD, f"initrd-io-{key}.gz")
    if not os.path.exists(out):
        with open(out + ".tmp", "wb") as f:
            for part in (kit, ovl):
                with open(part, "rb") as p:
                    f.write(p.read())
        os.replace(out + ".tmp", out)
    _initrds[guest] = out
    return out


# ---- engines -----------------------------------------------------------------------------

def command(engine, guest, append, ramdisk=None, disk=None, net=None):
    """disk: an image path. net: ("user", host_port) forwards host 127.0.0.1:host_port to the
    guest's GUEST_PORT; ("tap", bridge, tap) puts the NIC on a bridge (xenith creates its own
    tap on `bridge`, QEMU opens the existing `tap`)."""
    kernel = os.path.join(guest, "Image")
    ramdisk = ramdisk or os.path.join(guest, "initramfs.cpio.gz")
    if engine == "qemu":
        cmd = ["qemu-system-riscv64", "-M", "virt", "-m", str(MEMORY), "-smp", "1", "-nographic",
               "-no-reboot", "-kernel", kernel, "-initrd", ramdisk, "-append", append]
        if disk:
            cmd += ["-drive", f"file={disk},if=none,format=raw,id=d0,cache=writeback,aio=io_uring",
                    "-device", "virtio-blk-device,drive=d0"]
        if net and net[0] == "user":
            cmd += ["-netdev", f"user,id=n0,hostfwd=tcp:127.0.0.1:{net[1]}-:{GUEST_PORT}",
                    "-device", "virtio-net-device,netdev=n0"]
        elif net and net[0] == "tap":
            cmd += ["-netdev", f"tap,id=n0,ifname={net[2]},script=no,downscript=no",
                    "-device", "virtio-net-device,netdev=n0"]
        return cmd
    cmd = [binary("XENITH_VM_BINARY", "xenith-vm"), "--kernel", kernel, "--initrd", ramdisk,
           "--memory", str(MEMORY), "--vcpus", "1", "--append", append]
    if disk:
        cmd += ["--disk", f"tap:aio:{disk},xvda,w"]
    if net and net[0] == "user":
        cmd += ["--vif", f"forward=tcp:127.0.0.1:{net[1]}:{GUEST_PORT}"]
    elif net and net[0] == "tap":
        cmd += ["--vif", f"bridge={net[1]}"]
    return cmd


MARK_LINE = re.compile(rb"^(iobench \S+|iobench: listening|io: eth0)", re.MULTILINE)


def run(cmd, timeout=TIMEOUT, on_output=None, netns=None, marks=None):
    """Runs an engine to its exit; returns (output, seconds to the ready marker, wall seconds).
    on_output(output) is called whenever output arrives. With a dict `marks`, the engine's CPU
    seconds are recorded under each MARK_LINE key ("iobench NAME", "io: eth0") when that line
    first appears (polled every 5 ms), so a phase's CPU cost is a difference of two marks: a
    figure the host's load disturbs much less than wall time."""
    if netns:
        cmd = ["ip", "netns", "exec", netns] + cmd  # ip execs the engine: same pid
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    os.set_blocking(proc.stdout.fileno(), False)
    out = b""
    marker_at = None
    try:
        while True:
            chunk = None
            try:
                chunk = proc.stdout.read()
            except BlockingIOError:
                pass
            done = proc.poll() is not None
            if done:
                chunk = (chunk or b"") + (proc.stdout.read() or b"")
            if chunk:
                if marks is not None and not done:
                    # Only complete lines: a mark must not be taken before its line is whole.
                    seen = out[:out.rfind(b"\n") + 1]
                    whole = (out + chunk)[:(out + chunk).rfind(b"\n") + 1]
                    new = [m.group(1).decode() for m in MARK_LINE.finditer(whole, len(seen))]
                    if new:
                        cpu = cpu_seconds(proc.pid)
                        for key in new:
                            marks.setdefault(key, cpu)
                out += chunk
                if marker_at is None and MARKER.search(out):
                    marker_at = time.monotonic() - start
                if on_output:
                    on_output(out)
            if done:
                break
            if time.monotonic() - start > timeout:
                raise RuntimeError(f"timed out after {timeout}s; last output:\n" + tail(out))
            time.sleep(0.005)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return out, marker_at, time.monotonic() - start


def tail(out, n=2000):
    return out[-n:].decode(errors="replace")


def check_exit(engine, out, test="io"):
    m = TEST_EXIT.search(out)
    if m is None or m.group(1).decode() != test or m.group(2) != b"0":
        raise RuntimeError(f"{engine}: guest test {test} did not exit 0:\n" + tail(out))


# ---- disk ----------------------------------------------------------------------------------

def scenario_disk(engine, guest):
    with tempfile.TemporaryDirectory(prefix="xenith-bench-disk-", dir=os.environ.get("XENITH_BENCH_DIR", "/var/tmp")) as d:
        image = os.path.join(d, "disk.img")
        with open(image, "wb") as f:
            f.truncate((DISK_MIB + 16) << 20)  # sparse, the same fresh file for both engines
        append = (f"console=ttyS0 panic=-1 xenith.test=io xenith.io.mode=disk xenith.io.mib={DISK_MIB} "
                  f"xenith.io.secs={DISK_SECS}")
        marks = {}
        out, _, _ = run(command(engine, guest, append, ramdisk=initrd(guest), disk=image), marks=marks)
    check_exit(engine, out)
    got = {m.group(1).decode(): float(m.group(2)) for m in IO_LINE.finditer(out)}
    names = ("seq_write_mibps", "seq_read_mibps", "rand_read_iops", "rand_write_iops")
    if any(n not in got for n in names):
        raise RuntimeError(f"{engine}: expected the disk figures {names}, got {sorted(got)}:\n" + tail(out))
    figures = {f"disk_{n}": got[n] for n in names}
    # Work per host CPU second of the engine process (all its threads): MiB, or requests.
    phases = (("seq_write_mib_per_cpu_s", "begin", "seq_write_mibps", DISK_MIB),
              ("seq_read_mib_per_cpu_s", "seq_write_mibps", "seq_read_mibps", DISK_MIB),
              ("rand_read_ops_per_cpu_s", "verified", "rand_read_ops", got.get("rand_read_ops")),
              ("rand_write_ops_per_cpu_s", "rand_read_ops", "rand_write_ops", got.get("rand_write_ops")))
    for name, first, last, work in phases:
        a, b = marks.get(f"iobench {first}"), marks.get(f"iobench {last}")
        if a is not None and b is not None and b > a and work:
            figures[f"disk_{name}"] = work / (b - a)
    return figures


# ---- network -------------------------------------------------------------------------------

class Sink(threading.Thread):
    """Accepts one connection on `listener` and reads it to the end: the guest-to-host stream.
    Rate = bytes / (EOF - first byte), on the host clock."""

    def __init__(self, listener):
        super().__init__(daemon=True)
        self.listener = listener
        self.bytes = 0
        self.corrupt = 0
        self.seconds = None
        self.error = None

    def run(self):
        try:
            self.listener.settimeout(TIMEOUT)
            conn, _ = self.listener.accept()
            with conn:
                buf = bytearray(1 << 20)
                first = None
                while True:
                    n = conn.recv_into(buf)
                    if n == 0:
                        break
                    if first is None:
                        first = time.monotonic()
                    self.bytes += n
                    self.corrupt += n - buf.count(0x5A, 0, n)  # the guest sends 0x5a bytes
                self.seconds = time.monotonic() - first if first else None
        except OSError as e:
            self.error = e


class Source(threading.Thread):
    """Connects `sock` to `addr`, sends NET_MIB MiB, half-closes and waits for the guest to close
    (it does after reading everything): the host-to-guest stream, timed from connect."""

    def __init__(self, sock, addr):
        super().__init__(daemon=True)
        self.sock = sock
        self.addr = addr
        self.seconds = None
        self.error = None

    def run(self):
        try:
            with self.sock:
                self.sock.settimeout(TIMEOUT)
                t0 = time.monotonic()
                self.sock.connect(self.addr)
                chunk = b"\xa5" * (1 << 20)
                for _ in range(NET_MIB):
                    self.sock.sendall(chunk)
                self.sock.shutdown(socket.SHUT_WR)
                while self.sock.recv(65536):
                    pass
                self.seconds = time.monotonic() - t0
        except OSError as e:
            self.error = e


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CLONE_NEWNET = 0x40000000


@contextlib.contextmanager
def in_netns(name):
    """Runs the block with the calling thread in network namespace NAME (setns is per thread);
    sockets made inside stay in it."""
    libc = ctypes.CDLL(None, use_errno=True)
    own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    target = os.open(f"/var/run/netns/{name}", os.O_RDONLY)
    try:
        if libc.setns(target, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {name}")
        try:
            yield
        finally:
            if libc.setns(own, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns back")
    finally:
        os.close(own)
        os.close(target)


def net_run(engine, guest, kind, listener, host_ip, connect_to, net, netns=None, source_sock=None):
    append = (f"console=ttyS0 panic=-1 xenith.test=io xenith.io.mode=net xenith.io.mib={NET_MIB} "
              f"xenith.io.host={host_ip} xenith.io.port={listener.getsockname()[1]}")
    if kind == "tap":
        append += f" xenith.io.ip={TAP_GUEST}/24"
    sink = Sink(listener)
    sink.start()
    source = Source(source_sock or socket.socket(), connect_to)

    def on_output(out):
        if not source.is_alive() and source.seconds is None and source.error is None and LISTENING.search(out):
            source.start()

    try:
        marks = {}
        out, _, _ = run(command(engine, guest, append, ramdisk=initrd(guest), net=net),
                        on_output=on_output, netns=netns, marks=marks)
    finally:
        listener.close()
    sink.join(5)
    if source.is_alive():
        source.join(5)
    check_exit(engine, out)
    if sink.error or not sink.seconds:
        raise RuntimeError(f"{engine}: guest-to-host stream failed ({sink.error}):\n" + tail(out))
    if sink.corrupt:
        raise RuntimeError(f"{engine}: {sink.corrupt} bytes of the guest-to-host stream arrived changed")
    if sink.bytes != NET_MIB << 20:
        raise RuntimeError(f"{engine}: host received {sink.bytes} bytes, expected {NET_MIB << 20}")
    if source.error or not source.seconds:
        raise RuntimeError(f"{engine}: host-to-guest stream failed ({source.error}):\n" + tail(out))
    got = {m.group(1).decode(): float(m.group(2)) for m in IO_LINE.finditer(out)}
    if got.get("tcp_recv_bytes") != float(NET_MIB << 20):
        raise RuntimeError(f"{engine}: guest received {got.get('tcp_recv_bytes')} bytes, expected {NET_MIB << 20}")
    figures = {f"net_{kind}_g2h_mibps": NET_MIB / sink.seconds,
               f"net_{kind}_h2g_mibps": NET_MIB / source.seconds}
    # MiB per host CPU second of the engine process, per direction (see run()'s marks).
    for way, first, last in (("g2h", "io: eth0", "iobench tcp_send_mibps"),
                             ("h2g", "iobench: listening", "iobench tcp_recv_bytes")):
        a, b = marks.get(first), marks.get(last)
        if a is not None and b is not None and b > a:
            figures[f"net_{kind}_{way}_mib_per_cpu_s"] = NET_MIB / (b - a)
    return figures


def scenario_net(engine, guest):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = free_port()
    return net_run(engine, guest, "user", listener, "10.0.2.2", ("127.0.0.1", port), ("user", port))


NETNS = f"xenith-bench-{os.getpid()}"
TAP_HOST, TAP_GUEST, BRIDGE, QEMU_TAP = "10.77.0.1", "10.77.0.2", "br0", "qtap0"
_netns_ready = False


def ip(*argv):
    subprocess.run(["ip", *argv], check=True, stdout=subprocess.DEVNULL)


def netns_setup():
    """A private network namespace: bridge br0 with the host side's address, and a persistent
    tap for QEMU on it (xenith-vm creates and enslaves its own vif0.0). Removed at exit."""
    global _netns_ready
    if _netns_ready:
        return
    if os.geteuid() != 0:
        raise RuntimeError("net-tap needs root (network namespaces and taps)")
    ip("netns", "add", NETNS)
    atexit.register(lambda: subprocess.run(["ip", "netns", "del", NETNS], stderr=subprocess.DEVNULL))
    ip("-n", NETNS, "link", "set", "lo", "up")
    ip("-n", NETNS, "link", "add", BRIDGE, "type", "bridge")
    ip("-n", NETNS, "addr", "add", f"{TAP_HOST}/24", "dev", BRIDGE)
    ip("-n", NETNS, "link", "set", BRIDGE, "up")
    ip("-n", NETNS, "tuntap", "add", "dev", QEMU_TAP, "mode", "tap")
    ip("-n", NETNS, "link", "set", QEMU_TAP, "master", BRIDGE)
    ip("-n", NETNS, "link", "set", QEMU_TAP, "up")
    _netns_ready = True


def scenario_net_tap(engine, guest):
    netns_setup()
    with in_netns(NETNS):
        listener = socket.socket()
        listener.bind((TAP_HOST, 0))
        listener.listen(1)
        source_sock = socket.socket()
    return net_run(engine, guest, "tap", listener, TAP_HOST, (TAP_GUEST, GUEST_PORT),
                   ("tap", BRIDGE, QEMU_TAP), netns=NETNS, source_sock=source_sock)


# ---- create --------------------------------------------------------------------------------

class PrivateXend:
    """xend --foreground with its own config/state/run/log directories in a temp dir."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="xenith-bench-xend-")
        self.env = dict(os.environ)
        for name in ("CONFIG", "STATE", "RUN", "LOG"):
            path = os.path.join(self.root, name.lower())
            os.makedirs(path)
            self.env[f"XENITH_{name}_DIR"] = path
        self.env["XENITH_VM_BINARY"] = binary("XENITH_VM_BINARY", "xenith-vm")
        self.xm_bin = binary("XENITH_XM_BINARY", "xm")
        self.log = open(os.path.join(self.root, "xend.out"), "ab")
        self.proc = subprocess.Popen([binary("XENITH_XEND_BINARY", "xend"), "--foreground"], env=self.env,
                                     stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 20
        while self.xm("list").returncode != 0:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError("private xend did not start")
            time.sleep(0.1)

    def xm(self, *argv):
        return subprocess.run([self.xm_bin, *argv], env=self.env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=120)

    def running(self, name):
        r = self.xm("list", "-l")
        if r.returncode != 0:
            return False
        return any(d.get("name") == name and d.get("id") for d in json.loads(r.stdout))

    def close(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.root, ignore_errors=True)


_xend = None


def xend():
    global _xend
    if _xend is None:
        _xend = PrivateXend()
        atexit.register(_xend.close)
    return _xend


CREATE_APPEND = "console=ttyS0 panic=-1 xenith.test=poweroff"


STARTED = re.compile(rb"Started domain ")


def xm_create_to_marker(guest):
    """Writes a domain config for the kit (256 MiB, 1 vCPU, no disk or vif) and times
    `xm create -c` from its start to its "Started domain" line (the toolstack's own part: config,
    API call, xend spawning xenith-vm) and to the ready marker on the console it attaches.
    Returns (seconds to "Started domain", seconds to the marker)."""
    host = xend()
    name = "bench-create"
    with open(os.path.join(host.env["XENITH_CONFIG_DIR"], name), "w") as f:
        f.write(f'name = "{name}"\nkernel = "{guest}/Image"\nramdisk = "{guest}/initramfs.cpio.gz"\n'
                f'memory = {MEMORY}\nvcpus = 1\nextra = "{CREATE_APPEND}"\n')
    start = time.monotonic()
    proc = subprocess.Popen([host.xm_bin, "create", "-c", name], env=host.env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    os.set_blocking(proc.stdout.fileno(), False)
    out = b""
    marker_at = None
    started_at = None
    try:
        while marker_at is None:
            try:
                out += proc.stdout.read() or b""
            except BlockingIOError:
                pass
            if started_at is None and STARTED.search(out):
                started_at = time.monotonic() - start
            if MARKER.search(out):
                marker_at = time.monotonic() - start
                break
            if proc.poll() is not None or time.monotonic() - start > 300:
                raise RuntimeError("xm create -c: no ready marker:\n" + tail(out))
            time.sleep(0.002)
    finally:
        # The guest powers itself off (xenith.test=poweroff); wait until xend has reaped it.
        deadline = time.monotonic() + 120
        while host.running(name) and time.monotonic() < deadline:
            time.sleep(0.1)
        if host.running(name):
            host.xm("destroy", name)
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    return started_at, marker_at


def scenario_create(engine, guest):
    _, direct, _ = run(command(engine, guest, CREATE_APPEND), timeout=300)
    if direct is None:
        raise RuntimeError(f"{engine}: no ready marker when started directly")
    figures = {"create_direct_to_marker_s": direct}
    if engine == "qemu":
        # QEMU has no toolstack here: its create time is its direct start.
        figures["create_to_marker_s"] = direct
    else:
        started, marker = xm_create_to_marker(guest)
        figures["create_to_marker_s"] = marker
        figures["create_xend_overhead_s"] = marker - direct
        if started is not None:
            figures["create_xm_started_s"] = started
    return figures


SCENARIOS = {"disk": scenario_disk, "net": scenario_net, "net-tap": scenario_net_tap,
             "create": scenario_create}
