#!/bin/bash
# Xenith guest kit: builds a riscv64 Linux kernel Image and a static busybox
# initramfs from Debian packages into a cache outside the repository.
#
#   tools/guest/build.sh              build what is missing, log to stderr
#   tools/guest/build.sh --print-dir  same, then print ONLY the kit dir on stdout
#
# Cache: ${XENITH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/xenith}/guest/
#   kernel-<k>/   Image, config        k = hash(lib/kernel.sh, kernel.fragment, linux-source + gcc versions)
#   busybox-<b>/  busybox, config      b = hash(lib/busybox.sh, busybox.fragment, busybox source + gcc versions)
#   src/          busybox Debian source package (apt-get source)
#   <key>/        Image, initramfs.cpio.gz, busybox, versions.txt
#                 key = hash(k, b, build.sh, lib/rootfs.sh, initramfs-init, rootfs/ tree)
#   current ->    <key>
# Each stage is rebuilt only when its own inputs change. See README.md.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
print_dir=0
case "${1:-}" in
  --print-dir) print_dir=1 ;;
  "") ;;
  -h|--help) sed -n '2,17s/^# \{0,1\}//p' "$0"; exit 0 ;;
  *) echo "build.sh: unknown argument '$1' (usage: build.sh [--print-dir])" >&2; exit 2 ;;
esac
# Everything but the final path goes to stderr.
exec 3>&1 1>&2

log() { echo "guest: $*" >&2; }
die() { echo "guest: error: $*" >&2; exit 1; }
h16() { sha256sum | cut -c1-16; }
pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || die "package $1 not installed (run tools/install-deps.sh)"; }

cache=${XENITH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/xenith}/guest
mkdir -p "$cache" || die "cannot create cache dir $cache"
cache=$(cd "$cache" && pwd)
export XENITH_JOBS=${XENITH_JOBS:-2}

# One build at a time per cache (tests may run in parallel).
exec 9>"$cache/.lock"
flock 9

linux_ver=$(pkgver linux-source-6.1)
gcc_ver=$(pkgver gcc-riscv64-linux-gnu)
libc_ver=$(pkgver libc6-dev-riscv64-cross)

# ---------------------------------------------------------------- kernel
kkey=$( { cat "$here/lib/kernel.sh" "$here/kernel.fragment"; printf 'linux-source-6.1 %s\ngcc-riscv64-linux-gnu %s\n' "$linux_ver" "$gcc_ver"; } | h16)
kdir=$cache/kernel-$kkey
if [ -s "$kdir/Image" ]; then
  log "kernel up to date ($kdir)"
else
  log "building kernel into $kdir (about 10 minutes on 2 cores)"
  "$here/lib/kernel.sh" "$here/kernel.fragment" "$kdir" || die "kernel build failed (log above)"
fi

# ---------------------------------------------------------------- busybox source
srcdir=$cache/src
mkdir -p "$srcdir"
ensure_deb_src() {
  if apt-get source --print-uris busybox >/dev/null 2>&1; then return 0; fi
  [ "$(id -u)" = 0 ] || die "apt-get source busybox needs a deb-src entry for bookworm main; as root add
  /etc/apt/sources.list.d/xenith-deb-src.sources (Types: deb-src, URIs: http://deb.debian.org/debian, Suites: bookworm, Components: main) and run apt-get update"
  log "NOTE: no deb-src entry for busybox: adding /etc/apt/sources.list.d/xenith-deb-src.sources (deb-src bookworm main) and running apt-get update"
  cat > /etc/apt/sources.list.d/xenith-deb-src.sources <<'EOS'
# Added by Xenith tools/guest/build.sh: `apt-get source busybox` needs deb-src.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
  apt-get update -qq >&2 || die "apt-get update failed"
  apt-get source --print-uris busybox >/dev/null 2>&1 || die "apt-get source busybox still fails after adding deb-src"
}
# The version apt-get source would fetch, read from its .dsc name.
bb_ver=""
if apt-get source --print-uris busybox >/dev/null 2>&1 || [ -z "$(ls -d "$srcdir"/busybox-*/ 2>/dev/null)" ]; then
  ensure_deb_src
  bb_ver=$(apt-get source --print-uris busybox 2>/dev/null | awk '$2 ~ /^busybox_.*\.dsc$/ { v = $2; sub(/^busybox_/, "", v); sub(/\.dsc$/, "", v); print v; exit }')
  [ -n "$bb_ver" ] || die "cannot determine busybox source version"
else
  # deb-src gone but a source is cached: use the newest cached one (offline rebuilds)
  bb_ver=$(cat "$(ls -d "$srcdir"/busybox-*/ | tail -1)/.xenith-version")
  log "no deb-src entry; using cached busybox source $bb_ver"
fi
bb_src=$srcdir/busybox-${bb_ver#*:}
if [ ! -f "$bb_src/.xenith-version" ]; then
  log "fetching busybox source $bb_ver (apt-get source)"
  tmp=$(mktemp -d "$srcdir/.fetch.XXXXXX")
  (cd "$tmp" && apt-get source -qq busybox >&2) || { rm -rf "$tmp"; die "apt-get source busybox failed"; }
  [ -f "$tmp/busybox_$bb_ver.dsc" ] || { rm -rf "$tmp"; die "apt-get source fetched another version than $bb_ver"; }
  d=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'busybox-*' | head -1)
  [ -n "$d" ] || { rm -rf "$tmp"; die "apt-get source produced no busybox-* directory"; }
  echo "$bb_ver" > "$d/.xenith-version"
  rm -rf "$bb_src"; mv "$d" "$bb_src"; rm -rf "$tmp"
fi

# ---------------------------------------------------------------- busybox
bkey=$( { cat "$here/lib/busybox.sh" "$here/busybox.fragment"; printf 'busybox %s\ngcc-riscv64-linux-gnu %s\nlibc6-dev-riscv64-cross %s\n' "$bb_ver" "$gcc_ver" "$libc_ver"; } | h16)
bdir=$cache/busybox-$bkey
if [ -x "$bdir/busybox" ] && [ -s "$bdir/busybox.links" ]; then
  log "busybox up to date ($bdir)"
else
  log "building static busybox $bb_ver into $bdir (about 2 minutes)"
  "$here/lib/busybox.sh" "$bb_src" "$here/busybox.fragment" "$bdir" || die "busybox build failed (log above)"
fi

# ---------------------------------------------------------------- kit dir
rootfs_hash=$(cd "$here" && find rootfs -print0 | LC_ALL=C sort -z | xargs -0 -I{} sh -c 'if [ -L "{}" ]; then echo "L {} $(readlink "{}")"; elif [ -f "{}" ]; then echo "F {} $(stat -c %a "{}") $(sha256sum < "{}")"; else echo "D {}"; fi' | h16)
key=$( { echo "kernel $kkey"; echo "busybox $bkey"; echo "rootfs $rootfs_hash"; cat "$here/build.sh" "$here/lib/rootfs.sh" "$here/initramfs-init"; } | h16)
kit=$cache/$key
if [ -s "$kit/Image" ] && [ -s "$kit/initramfs.cpio.gz" ] && [ -x "$kit/busybox" ] && [ -s "$kit/versions.txt" ]; then
  log "kit up to date ($kit)"
else
  log "assembling kit $kit"
  rm -rf "$kit.tmp"; mkdir -p "$kit.tmp"
  cp "$kdir/Image" "$kdir/config" "$kit.tmp/"
  mv "$kit.tmp/config" "$kit.tmp/kernel.config"
  cp "$bdir/busybox" "$bdir/busybox.links" "$kit.tmp/"
  "$here/lib/rootfs.sh" initramfs "$kit.tmp/busybox" "$kit.tmp/initramfs.cpio.gz" || { rm -rf "$kit.tmp"; die "initramfs build failed"; }
  {
    echo "key $key"
    echo "kernel-key $kkey"
    echo "busybox-key $bkey"
    echo "rootfs-hash $rootfs_hash"
    echo "linux-source-6.1 $linux_ver"
    echo "kernel-release $(strings "$kit.tmp/Image" | sed -n 's/^Linux version \([^ ]*\).*/\1/p' | head -1)"
    echo "busybox-source $bb_ver"
    echo "gcc-riscv64-linux-gnu $gcc_ver"
    echo "libc6-dev-riscv64-cross $libc_ver"
    echo "Image-sha256 $(sha256sum < "$kit.tmp/Image" | cut -d' ' -f1)"
    echo "initramfs-sha256 $(sha256sum < "$kit.tmp/initramfs.cpio.gz" | cut -d' ' -f1)"
    echo "busybox-sha256 $(sha256sum < "$kit.tmp/busybox" | cut -d' ' -f1)"
  } > "$kit.tmp/versions.txt"
  rm -rf "$kit"; mv "$kit.tmp" "$kit"
fi
ln -sfn "$key" "$cache/current.tmp" && mv -T "$cache/current.tmp" "$cache/current"
log "kit ready: $kit (current -> $key)"
[ $print_dir = 1 ] && echo "$kit" >&3
exit 0
