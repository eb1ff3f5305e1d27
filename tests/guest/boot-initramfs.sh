#!/bin/bash
# (a) The kit's kernel + initramfs boot on QEMU virt (OpenSBI), print the boot
# marker and the sha256 of the deterministic 8 MiB that the host computes too.
. "$(dirname "$0")/lib.sh"
kit=$(kit_dir)
qemu_run "$work/console" -kernel "$kit/Image" -initrd "$kit/initramfs.cpio.gz" \
  -append "console=ttyS0 panic=-1 xenith.test=sha256"
marker=$(marker_check "$work/console.txt")
expected=$(yes 'xenith sha256 test data 0123456789' | head -c 8388608 | sha256sum | cut -d' ' -f1)
got=$(sed -n 's/^sha256: \([0-9a-f]\{64\}\)$/\1/p' "$work/console.txt")
[ -n "$got" ] || { tail -30 "$work/console.txt" >&2; fail "no 'sha256: <hex>' line on the console"; }
[ "$got" = "$expected" ] || fail "guest sha256 $got != host $expected"
grep -qx 'xenith-guest: test sha256 exit=0' "$work/console.txt" || fail "test did not report exit=0"
grep -q 'reboot: Power down' "$work/console.txt" || fail "guest did not power off"
pass "$marker; sha256 ok; QEMU ${QEMU_SECONDS}s"
