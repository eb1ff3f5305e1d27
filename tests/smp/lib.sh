# Shared helpers for tests/smp/*.sh (sourced, not run).
# Every script takes: ENGINE VCPUS OVERLAY, where ENGINE is the path of xenith-vm or the word
# "qemu" (qemu-system-riscv64 -M virt, OpenSBI, as the reference), and OVERLAY is the
# smp-overlay.cpio.gz built by make-overlay.sh (CMake target smp_guest_overlay).
set -uo pipefail
tname=$(basename "$0" .sh)
fail() { echo "FAIL $tname: $*" >&2; exit 1; }
pass() { echo "PASS $tname${1:+: $1}"; exit 0; }
info() { echo "$tname: $*" >&2; }

[ $# -ge 3 ] || { echo "usage: $0 XENITH_VM|qemu VCPUS OVERLAY.cpio.gz [ARGS...]" >&2; exit 2; }
engine=$1 vcpus=$2 overlay=$3
shift 3
kit=${XENITH_GUEST_DIR:-$HOME/.cache/xenith/guest/current}
TIMEOUT=${XENITH_SMP_TIMEOUT:-900}

[ -s "$kit/Image" ] || fail "guest kernel missing: $kit/Image (build it with tools/guest/build.sh, or set XENITH_GUEST_DIR)"
[ -s "$kit/initramfs.cpio.gz" ] || fail "guest initramfs missing: $kit/initramfs.cpio.gz (tools/guest/build.sh)"
[ -s "$overlay" ] || fail "SMP overlay missing: $overlay (build the CMake target smp_guest_overlay; needs riscv64-linux-gnu-gcc)"
if [ "$engine" = qemu ]; then
	command -v qemu-system-riscv64 >/dev/null || fail "qemu-system-riscv64 not installed (apt-get install qemu-system-misc)"
else
	[ -x "$engine" ] || fail "xenith-vm not found at $engine"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/xenith-$tname.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Linux unpacks concatenated (separately compressed) cpio archives as one initramfs.
cat "$kit/initramfs.cpio.gz" "$overlay" >"$work/initrd.gz"

# engine_cmd VCPUS APPEND: prints nothing, fills the array CMD.
engine_cmd() {
	local n=$1 append="console=ttyS0 panic=-1 $2"
	if [ "$engine" = qemu ]; then
		CMD=(qemu-system-riscv64 -M virt -smp "$n" -m 256 -nographic -no-reboot
			${XENITH_SMP_QEMU_ACCEL:+-accel "$XENITH_SMP_QEMU_ACCEL"}
			-kernel "$kit/Image" -initrd "$work/initrd.gz" -append "$append")
	else
		CMD=("$engine" --kernel "$kit/Image" --initrd "$work/initrd.gz" --memory 256 --vcpus "$n"
			--append "$append")
	fi
}

# boot_test LOG VCPUS TEST [EXTRA_APPEND]: boots with xenith.test=TEST under a timeout; the
# console (CRs stripped) ends up in LOG. Sets RC (engine exit status), SECONDS_TAKEN (wall)
# and HOST_CPU (user+sys seconds of the engine process).
boot_test() {
	local log=$1 n=$2 test=$3 extra=${4:-} t0 t1 TIMEFORMAT='%3U %3S'
	engine_cmd "$n" "xenith.test=$test $extra"
	t0=$(date +%s.%N)
	{ time {
		timeout "$TIMEOUT" "${CMD[@]}" </dev/null 2>&1 | tr -d '\r' >"$log"
		echo "${PIPESTATUS[0]}" >"$work/rc"
	}; } 2>"$work/cputime"
	RC=$(cat "$work/rc")
	t1=$(date +%s.%N)
	SECONDS_TAKEN=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	HOST_CPU=$(awk '{ printf "%.2f", $1 + $2 }' "$work/cputime")
	if [ "$RC" = 124 ]; then
		tail -30 "$log" >&2
		fail "$engine timed out after ${TIMEOUT}s (vcpus=$n, test $test)"
	fi
}

# expect_test_exit LOG TEST: the guest ran TEST and it exited 0; shows the console tail if not.
expect_test_exit() {
	local log=$1 test=$2
	if ! grep -q "^xenith-guest: ready uptime=" "$log"; then
		tail -30 "$log" >&2
		fail "no ready marker (engine exit $RC)"
	fi
	if ! grep -q "^xenith-guest: test $test exit=0$" "$log"; then
		sed -n '/^xenith-guest: ready/,$p' "$log" | tail -60 >&2
		fail "guest test $test did not exit 0 ($(grep -m1 "^xenith-guest: test $test exit=" "$log" || echo 'no exit line'))"
	fi
}

engine_name() { [ "$engine" = qemu ] && echo qemu || echo xenith; }
