#!/bin/bash
# The xenith.test= hooks on the kit's initramfs: `poweroff` powers off cleanly
# after the marker, `panic` crashes the kernel (QEMU exits through panic=-1 and
# -no-reboot), and an unknown name is reported, then the guest powers off.
. "$(dirname "$0")/lib.sh"
kit=$(kit_dir)
boot() { qemu_run "$work/$1" -kernel "$kit/Image" -initrd "$kit/initramfs.cpio.gz" \
  -append "console=ttyS0 panic=-1 xenith.test=$1"; }
boot poweroff
marker_check "$work/poweroff.txt" >/dev/null
grep -qx 'xenith-guest: test poweroff exit=0' "$work/poweroff.txt" || fail "poweroff: no exit=0 line"
grep -q 'reboot: Power down' "$work/poweroff.txt" || fail "poweroff: guest did not power off"
t_off=$QEMU_SECONDS
boot panic
marker_check "$work/panic.txt" >/dev/null
grep -q 'Kernel panic - not syncing: sysrq triggered crash' "$work/panic.txt" || { tail -20 "$work/panic.txt" >&2; fail "panic: no kernel panic"; }
boot no-such-test
grep -qx "xenith-guest: no such test 'no-such-test' in /etc/xenith/tests" "$work/no-such-test.txt" || fail "unknown test not reported"
grep -qx 'xenith-guest: test no-such-test exit=127' "$work/no-such-test.txt" || fail "unknown test: no exit=127 line"
pass "poweroff in ${t_off}s, panic and unknown-test handled"
