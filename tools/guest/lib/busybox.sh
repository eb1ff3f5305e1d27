#!/bin/bash
# Build a static riscv64 busybox from an unpacked Debian busybox source.
# Usage: busybox.sh SRCDIR FRAGMENT OUTDIR  -> OUTDIR/busybox, busybox.links, config
# Out-of-tree build (make O=OUTDIR/build): SRCDIR is never modified.
set -euo pipefail
src=$(readlink -f "$1"); frag=$(readlink -f "$2"); out=$3
jobs=${XENITH_JOBS:-2}
log() { echo "guest/busybox: $*" >&2; }
die() { echo "guest/busybox: error: $*" >&2; exit 1; }
[ -f "$src/Makefile" ] || die "$src is not a busybox source tree"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
export KBUILD_BUILD_TIMESTAMP="@$SOURCE_DATE_EPOCH" KBUILD_BUILD_USER=xenith KBUILD_BUILD_HOST=xenith
export LC_ALL=C TZ=UTC
mkdir -p "$out"; out=$(readlink -f "$out")
b=$out/build
rm -rf "$b"; mkdir -p "$b"
mk() { make -C "$src" O="$b" ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- "$@"; }
log "defconfig + $(basename "$frag")"
mk defconfig >&2
syms=$(grep -oE '^(# )?CONFIG_[A-Za-z0-9_]+' "$frag" | sed 's/^# //' | sort -u)
{ grep -vwFf <(printf '%s\n' $syms) "$b/.config" || true
  grep -E '^(# )?CONFIG_' "$frag"; } > "$b/.config.tmp"
mv "$b/.config.tmp" "$b/.config"
{ yes "" || true; } | mk oldconfig >/dev/null 2>&1 || die "make oldconfig failed"
bad=0
while IFS= read -r line; do
  case "$line" in
    CONFIG_*=*) grep -qxF "$line" "$b/.config" || { echo "guest/busybox: fragment line did not take effect: $line" >&2; bad=1; } ;;
    "# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}
      ! grep -qE "^$sym=" "$b/.config" || { echo "guest/busybox: fragment line did not take effect: $line" >&2; bad=1; } ;;
  esac
done < "$frag"
[ $bad = 0 ] || die "busybox config does not match $(basename "$frag")"
log "make -j$jobs busybox"
mk -j"$jobs" busybox busybox.links >&2
file "$b/busybox" | grep -q 'statically linked' || die "busybox is not static: $(file "$b/busybox")"
cp "$b/busybox" "$out/busybox.tmp" && mv "$out/busybox.tmp" "$out/busybox"
cp "$b/busybox.links" "$out/busybox.links"
cp "$b/.config" "$out/config"
rm -rf "$b"
log "done: $out/busybox ($(stat -c %s "$out/busybox") bytes)"
