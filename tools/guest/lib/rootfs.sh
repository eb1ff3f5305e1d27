#!/bin/bash
# Assemble the guest root file system from the static busybox and tools/guest/rootfs/.
#   rootfs.sh stage BUSYBOX DESTDIR       populate DESTDIR (no device nodes; DESTDIR must be empty)
#   rootfs.sh initramfs BUSYBOX OUT.gz    newc cpio, gzip -n, with /init (initramfs-init: honours
#                                         root=, else execs busybox init) and /dev/console
# BUSYBOX.links (from the busybox build) lists the applet paths to link.
# Needs no root: device nodes and root ownership come from fakeroot.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
die() { echo "guest/rootfs: error: $*" >&2; exit 1; }
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000} LC_ALL=C

stage() {
  local bb=$1 d=$2 l
  [ -x "$bb" ] && [ -s "$bb.links" ] || die "$bb or $bb.links missing"
  mkdir -p "$d"
  (cd "$d" && mkdir -p bin sbin usr/bin usr/sbin etc/network/if-pre-up.d etc/network/if-up.d etc/network/if-down.d etc/network/if-post-down.d proc sys dev tmp run root mnt home var/log var/lib && ln -sfn ../run var/run)
  install -m 0755 "$bb" "$d/bin/busybox"
  while read -r l; do
    [ "$l" = /bin/busybox ] || [ -z "$l" ] && continue
    mkdir -p "$d$(dirname "$l")"
    ln -sfn /bin/busybox "$d$l"
  done < "$bb.links"
  cp -a "$here/rootfs/." "$d/"
  chmod 1777 "$d/tmp"; chmod 0700 "$d/root"; chmod 0600 "$d/etc/shadow"
  find "$d" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

case "${1:-}" in
  stage) [ $# = 3 ] || die "usage: rootfs.sh stage BUSYBOX DESTDIR"; stage "$2" "$3" ;;
  initramfs)
    [ $# = 3 ] || die "usage: rootfs.sh initramfs BUSYBOX OUT.cpio.gz"
    out=$3; tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
    stage "$2" "$tmp/root"
    install -m 0755 "$here/initramfs-init" "$tmp/root/init"
    touch -h -d "@$SOURCE_DATE_EPOCH" "$tmp/root/init"
    fakeroot -- sh -c '
      set -e; cd "$1"
      mknod -m 600 dev/console c 5 1
      mknod -m 666 dev/null c 1 3
      touch -h -d "@$SOURCE_DATE_EPOCH" dev/console dev/null dev .
      chown -hR 0:0 .
      find . -print0 | LC_ALL=C sort -z | cpio -o -0 -H newc --reproducible --quiet
    ' sh "$tmp/root" | gzip -n -9 > "$out.tmp"
    mv "$out.tmp" "$out" ;;
  *) die "usage: rootfs.sh {stage|initramfs} ..." ;;
esac
