#!/bin/bash
# The power key gives a clean shutdown: QEMU's virtio keyboard sends KEY_POWER,
# busybox acpid runs /etc/acpi/PWRF/00000080 -> poweroff -> init runs rcK.
# (This is what `xm shutdown` targets.) QEMU 7.2 needs modern virtio-mmio for
# virtio-input.
. "$(dirname "$0")/lib.sh"
kit=$(kit_dir)
command -v python3 >/dev/null || fail "python3 needed to talk to the QEMU monitor"
mon=$work/mon.sock
timeout "$QEMU_TIMEOUT" qemu-system-riscv64 -M virt -m 256 -display none -serial "file:$work/console" \
  -monitor "unix:$mon,server,nowait" -no-reboot -global virtio-mmio.force-legacy=false \
  -device virtio-keyboard-device -kernel "$kit/Image" -initrd "$kit/initramfs.cpio.gz" \
  -append "console=ttyS0" </dev/null >"$work/qemu.out" 2>&1 &
qpid=$!
for _ in $(seq 1 $((QEMU_TIMEOUT * 2))); do
  grep -qE "$MARKER_RE" <({ tr -d "\r" <"$work/console"; } 2>/dev/null) && break
  kill -0 $qpid 2>/dev/null || break
  sleep 0.5
done
grep -qE "$MARKER_RE" <(tr -d '\r' <"$work/console") || { kill $qpid 2>/dev/null; fail "no boot marker"; }
sleep 1
python3 - "$mon" <<'PY' || { kill $qpid 2>/dev/null; fail "cannot send the power key through the QEMU monitor"; }
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); time.sleep(0.3)
s.sendall(b"sendkey power\n"); time.sleep(0.5); s.close()
PY
wait $qpid; rc=$?
[ $rc != 124 ] || fail "guest did not power off within ${QEMU_TIMEOUT}s of boot"
tr -d '\r' <"$work/console" >"$work/console.txt"
for want in 'xenith-guest: power key pressed, shutting down' 'xenith-guest: shutting down' 'Requesting system poweroff'; do
  grep -qF "$want" "$work/console.txt" || { tail -20 "$work/console.txt" >&2; fail "console lacks '$want'"; }
done
pass "power key -> clean poweroff"
