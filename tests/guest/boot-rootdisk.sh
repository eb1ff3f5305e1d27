#!/bin/bash
# The initramfs's /init honours root= (tools/guest/README.md, "The initramfs's /init and
# root="): kit kernel + initramfs + an image from image-create.sh on QEMU virt.
#  1. root=LABEL=NAME rw rootfstype=ext4 init=/sbin/nope: finds the disk by label, mounts it
#     rw, warns that init= is missing there and switch_roots to its /sbin/init; the image's rcS
#     runs (its hostname, / is /dev/vda ext4 rw) and prints the one marker.
#  2. root=/dev/vda rootfstype=xfs: the mount fails; one error line, and the initramfs boots.
#  3. root=/dev/vdb rootdelay=1: the device never appears; one error line naming it and the
#     disks present after 1 s, and the initramfs boots.
. "$(dirname "$0")/lib.sh"
kit=$(kit_dir)
XENITH_GUEST_DIR=$kit "$repo/tools/guest/image-create.sh" trd1 --size 64M --out "$work/img" \
  --config-dir "$work/etc" 2>"$work/create.log" || { cat "$work/create.log" >&2; fail "image-create.sh failed"; }

boot() { # NAME APPEND: boot the kit's initramfs with the image as virtio disk 0
  qemu_run "$work/$1" -kernel "$kit/Image" -initrd "$kit/initramfs.cpio.gz" \
    -append "$2 console=ttyS0 panic=-1 xenith.test=netinfo" \
    -drive "file=$work/img/trd1.img,if=none,format=raw,id=hd0" -device virtio-blk-device,drive=hd0
  marker_check "$work/$1.txt" >/dev/null
  times="$times $1 ${QEMU_SECONDS}s"
}
want() { # NAME LINE...: each LINE is a whole line of NAME's console
  local n=$1 w; shift
  for w in "$@"; do
    grep -qxF "$w" "$work/$n.txt" || { tail -30 "$work/$n.txt" >&2; fail "$n: console lacks '$w'"; }
  done
}
times=""

boot label "root=LABEL=trd1 rw rootfstype=ext4 init=/sbin/nope"
want label 'xenith-guest: warning: init=/sbin/nope not found on /dev/vda, using /sbin/init' \
  'xenith-guest: root /dev/vda mounted on / (rw, ext4), starting its /sbin/init' \
  'hostname: trd1' 'root: /dev/vda ext4 rw' 'xenith-guest: test netinfo exit=0'

boot badfs "root=/dev/vda rootfstype=xfs"
want badfs 'xenith-guest: error: root device /dev/vda cannot be mounted (xfs, ro): mount: mounting /dev/vda on /newroot failed: No such device; staying on the initramfs' \
  'hostname: xenith' 'root: rootfs rootfs rw' 'xenith-guest: test netinfo exit=0'

boot missing "root=/dev/vdb rootdelay=1"
want missing 'xenith-guest: waiting up to 1 s for root device /dev/vdb' \
  'xenith-guest: error: root device /dev/vdb did not appear within 1 s (block devices: vda); staying on the initramfs' \
  'hostname: xenith' 'root: rootfs rootfs rw' 'xenith-guest: test netinfo exit=0'
pass "QEMU$times"
