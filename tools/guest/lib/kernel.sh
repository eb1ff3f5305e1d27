#!/bin/bash
# Build the riscv64 guest kernel Image from Debian's linux-source-6.1.
# Usage: kernel.sh FRAGMENT OUTDIR
#   Extracts /usr/src/linux-source-6.1.tar.xz into OUTDIR/src (once), runs
#   tinyconfig + FRAGMENT + olddefconfig, checks every fragment line took effect,
#   then `make Image`. Result: OUTDIR/Image and OUTDIR/config. Logs to stderr.
# Called by build.sh, which keys OUTDIR on this file, the fragment and package versions.
set -euo pipefail
frag=$(readlink -f "$1"); out=$2
tarball=/usr/src/linux-source-6.1.tar.xz
jobs=${XENITH_JOBS:-2}
log() { echo "guest/kernel: $*" >&2; }
die() { echo "guest/kernel: error: $*" >&2; exit 1; }

[ -r "$tarball" ] || die "$tarball missing: apt-get install linux-source-6.1"
command -v riscv64-linux-gnu-gcc >/dev/null || die "riscv64-linux-gnu-gcc missing: apt-get install gcc-riscv64-linux-gnu"
mkdir -p "$out"
src=$out/src
if [ ! -f "$src/.xenith-extracted" ]; then
  log "extracting $tarball"
  rm -rf "$src"; mkdir -p "$src"
  tar -C "$src" --strip-components=1 -xf "$tarball"
  touch "$src/.xenith-extracted"
fi

# Reproducible build environment (NOTES.md).
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
export KBUILD_BUILD_TIMESTAMP="@$SOURCE_DATE_EPOCH"
export KBUILD_BUILD_USER=xenith KBUILD_BUILD_HOST=xenith
export LC_ALL=C TZ=UTC
mk() { make -C "$src" ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- "$@"; }

log "tinyconfig + $(basename "$frag") + olddefconfig"
mk tinyconfig >&2
# merge: drop every symbol the fragment mentions, then append the fragment
syms=$(grep -oE '^(# )?CONFIG_[A-Za-z0-9_]+' "$frag" | sed 's/^# //' | sort -u)
grep -vwFf <(printf '%s\n' $syms) "$src/.config" > "$src/.config.tmp" || true
grep -E '^(# )?CONFIG_' "$frag" | grep -vE '^# CONFIG_[A-Za-z0-9_]+$' >> "$src/.config.tmp" || true
# keep "# CONFIG_X is not set" lines and =values
mv "$src/.config.tmp" "$src/.config"
mk olddefconfig >&2

# Verify every fragment line took effect.
bad=0
while IFS= read -r line; do
  case "$line" in
    CONFIG_*=*)
      grep -qxF "$line" "$src/.config" || { echo "guest/kernel: fragment line did not take effect: $line (got: $(grep -E "^(# )?${line%%=*}[= ]" "$src/.config" || echo absent))" >&2; bad=1; } ;;
    "# CONFIG_"*" is not set")
      sym=${line#\# }; sym=${sym%% *}
      if grep -qE "^$sym=" "$src/.config"; then
        echo "guest/kernel: fragment line did not take effect: $line (got: $(grep -E "^$sym=" "$src/.config"))" >&2; bad=1
      fi ;;
  esac
done < "$frag"
[ $bad = 0 ] || die "kernel config does not match $(basename "$frag")"
log "config verified; make Image -j$jobs"
mk -j"$jobs" Image >&2
cp "$src/arch/riscv/boot/Image" "$out/Image.tmp" && mv "$out/Image.tmp" "$out/Image"
cp "$src/.config" "$out/config"
log "done: $out/Image ($(stat -c %s "$out/Image") bytes)"
