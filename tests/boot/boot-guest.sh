#!/bin/bash
# Boots the guest kit's kernel + initramfs on xenith-vm to the ready marker, runs the in-guest
# sha256 workload, compares it with the host's, and expects poweroff (exit 0).
# usage: boot-guest.sh XENITH_VM pv|opensbi VCPUS
set -u
vm=$1 mode=$2 vcpus=${3:-1}
kit=${XENITH_GUEST_DIR:-$HOME/.cache/xenith/guest/current}
fw=${XENITH_OPENSBI:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin}

fail() { echo "FAIL: $*" >&2; exit 1; }
[ -s "$kit/Image" ] || fail "guest kernel missing: $kit/Image (build it with tools/guest/build.sh, or set XENITH_GUEST_DIR)"
[ -s "$kit/initramfs.cpio.gz" ] || fail "guest initramfs missing: $kit/initramfs.cpio.gz (tools/guest/build.sh)"

args=(--kernel "$kit/Image" --initrd "$kit/initramfs.cpio.gz" --memory 256 --vcpus "$vcpus"
      --append "console=ttyS0 earlycon=sbi panic=-1 xenith.test=sha256")
if [ "$mode" = opensbi ]; then
	[ -s "$fw" ] || fail "OpenSBI firmware missing: $fw (apt-get install opensbi)"
	args=(--bios "$fw" "${args[@]}")
fi

log=$(mktemp /tmp/xenith-boot.XXXXXX)
trap 'rm -f "$log"' EXIT
# The host computes the same data with the pipeline the kit's own test script uses, so the
# expected value follows the kit that is actually booted.
script=$(gzip -dc "$kit/initramfs.cpio.gz" | cpio -i --quiet --to-stdout etc/xenith/tests/sha256 2>/dev/null)
pipeline=$(printf '%s\n' "$script" | sed -n 's/^h=\$(\(.*\))$/\1/p')
[ -n "$pipeline" ] || fail "cannot find the sha256 pipeline (h=\$(...)) in the initramfs's /etc/xenith/tests/sha256"
expected=$(bash -c "$pipeline")

start=$(date +%s.%N)
timeout 500 "$vm" "${args[@]}" </dev/null >"$log" 2>&1
rc=$?
end=$(date +%s.%N)

show_tail() { echo "--- last lines of the console:" >&2; tail -25 "$log" >&2; }
grep -q "^xenith-guest: ready uptime=" "$log" || { show_tail; fail "no ready marker (xenith-vm exit $rc)"; }
got=$(sed -n 's/^sha256: \([0-9a-f]\{64\}\).*/\1/p' "$log" | head -1)
[ -n "$got" ] || { show_tail; fail "guest printed no sha256 line (exit $rc)"; }
[ "$got" = "$expected" ] || fail "guest sha256 $got != host $expected"
[ "$rc" -eq 0 ] || { show_tail; fail "xenith-vm exited $rc, expected 0 (poweroff)"; }
echo "PASS: $mode vcpus=$vcpus: $(grep -m1 '^xenith-guest: ready' "$log" | tr -d '\r'), sha256 matches, poweroff, wall $(echo "$end - $start" | bc) s"
