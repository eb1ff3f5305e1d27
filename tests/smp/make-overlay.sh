#!/bin/bash
# Builds the SMP tests' initramfs overlay: the guest programs (cross-compiled, static) in
# /usr/libexec/xenith-smp and the test scripts in /etc/xenith/tests, as one gzipped cpio that
# is appended to the guest kit's initramfs.cpio.gz (Linux unpacks concatenated archives).
# usage: make-overlay.sh OUT.cpio.gz [CROSS_GCC]
set -euo pipefail
out=$1
cc=${2:-riscv64-linux-gnu-gcc}
here=$(cd "$(dirname "$0")" && pwd)
command -v "$cc" >/dev/null || { echo "make-overlay: $cc not found (apt-get install gcc-riscv64-linux-gnu)" >&2; exit 1; }
stage=$(mktemp -d "${TMPDIR:-/tmp}/xenith-smp-overlay.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/usr/libexec/xenith-smp" "$stage/etc/xenith/tests"
for prog in atomics litmus clock xmodify lrsc_aba; do
	"$cc" -static -O2 -pthread -Wall -Wextra -Werror -o "$stage/usr/libexec/xenith-smp/$prog" "$here/guest/$prog.c"
done
install -m 0755 "$here"/guest/tests/smp-* "$stage/etc/xenith/tests/"
# Only our own files and directories that hold them; times clamped so the archive is reproducible.
find "$stage" -exec touch -h -d @"${SOURCE_DATE_EPOCH:-1700000000}" {} +
(cd "$stage" && find usr etc | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -n -9 >"$out.tmp"
mv "$out.tmp" "$out"
