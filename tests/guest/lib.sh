# Shared helpers for tests/guest/*.sh (sourced, not run).
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tname=$(basename "$0" .sh)
fail() { echo "FAIL $tname: $*" >&2; exit 1; }
pass() { echo "PASS $tname${1:+: $1}"; exit 0; }
info() { echo "$tname: $*" >&2; }
MARKER_RE='^xenith-guest: ready uptime=[0-9]+\.[0-9]+$'
QEMU_TIMEOUT=${XENITH_QEMU_TIMEOUT:-300}

# The kit: XENITH_GUEST_DIR if set (tools/test.sh exports it), else build/find it.
kit_dir() {
  if [ -n "${XENITH_GUEST_DIR:-}" ] && [ -s "$XENITH_GUEST_DIR/Image" ]; then echo "$XENITH_GUEST_DIR"; return; fi
  "$repo/tools/guest/build.sh" --print-dir 2>"$work/build.log" || { tail -20 "$work/build.log" >&2; fail "tools/guest/build.sh failed"; }
}

work=$(mktemp -d "${TMPDIR:-/tmp}/xenith-$tname.XXXXXX")
trap 'rm -rf "$work"' EXIT

# qemu_run LOG ARGS...: qemu-system-riscv64 -M virt with a timeout, console to LOG.
qemu_run() {
  local log=$1; shift
  command -v qemu-system-riscv64 >/dev/null || fail "qemu-system-riscv64 not installed (apt-get install qemu-system-misc)"
  local t0 t1 rc
  t0=$(date +%s.%N)
  timeout "$QEMU_TIMEOUT" qemu-system-riscv64 -M virt -m 256 -nographic -no-reboot "$@" </dev/null >"$log" 2>&1
  rc=$?
  t1=$(date +%s.%N)
  QEMU_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  tr -d '\r' <"$log" >"$log.txt"
  if [ $rc = 124 ]; then tail -30 "$log.txt" >&2; fail "QEMU timed out after ${QEMU_TIMEOUT}s"; fi
  return 0
}

# marker_check LOG.txt: exactly one boot marker line
marker_check() {
  local n
  n=$(grep -cE "$MARKER_RE" "$1")
  [ "$n" = 1 ] || { tail -30 "$1" >&2; fail "expected exactly one marker line 'xenith-guest: ready uptime=...', got $n"; }
  grep -E "$MARKER_RE" "$1"
}
